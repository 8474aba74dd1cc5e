"""Helpers of the elementwise rules (templates/numpy_elementwise.py): the shares of ``np.clip``,
the derivatives of ``np.sinc``, ``log`` for ``**``."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime import float_dtype, is_float_like, tie_share
from tangentlike.runtime.libraries import astype


def clip_share(a: Any, y: Any, a_min: Any, a_max: Any, which: int) -> Any:
    """For ``y = np.clip(a, a_min, a_max)``, that is ``np.minimum(np.maximum(a, a_min),
    a_max)``: the share of the derivative that goes to ``a`` (``which`` 0), ``a_min`` (1) or
    ``a_max`` (2): 1 on the chosen piece, 0 elsewhere, split equally at ties (``tie_share``).
    A bound of None is absent."""
    low = a if a_min is None else np.maximum(a, a_min)
    if which == 2:
        return tie_share(a_max, y, low)
    share = 1.0 if a_max is None else tie_share(low, y, a_max)
    if which == 1:
        return share * tie_share(a_min, low, a)
    return share if a_min is None else share * tie_share(a, low, a_min)


def sinc_derivative(x: Any, n: int = 1) -> Any:
    """The ``n``-th derivative of ``np.sinc`` (``sin(pi x) / (pi x)``) at ``x``, exact at 0
    too: by its Taylor series where ``|x| < 1``, else by the recurrence
    ``x s_m + m s_(m-1) = pi^(m-1) sin(pi x + m pi / 2)`` from ``s_0 = sinc(x)``.  Real
    ``x`` only: complex values are refused."""
    if np.iscomplexobj(x):
        raise ValueRefusedError(
            "the derivative of np.sinc is implemented for real values only; these are complex")
    dtype = float_dtype(x)
    x64 = np.asarray(x, dtype=np.float64)
    near = np.abs(x64) < 1.0
    taylor = np.zeros_like(x64)
    k0 = (n + 1) // 2
    for k in range(k0, k0 + 24):  # (pi x)^(2k) / (2k)! is below 1e-20 after 24 terms
        coefficient = (-1.0) ** k * np.pi ** (2 * k) / ((2 * k + 1) * math.factorial(2 * k - n))
        taylor = taylor + coefficient * np.where(near, x64, 0.0) ** (2 * k - n)
    far_x = np.where(near, 2.0, x64)
    far = np.sinc(far_x)
    for m in range(1, n + 1):
        far = (np.pi ** (m - 1) * np.sin(np.pi * far_x + m * np.pi / 2) - m * far) / far_x
    out = np.where(near, taylor, far)
    if is_float_like(x):
        return float(out)
    return out.astype(dtype) if isinstance(x, np.ndarray) else dtype.type(out)




# Building and rearranging arrays (templates/numpy_arrays.py).  Each helper that carries a
# derivative is linear in it, and has rules there (its transpose is its adjoint).


def pow_log(x: Any, z: Any) -> Any:
    """``log(x)`` for the derivative of ``z = x ** y`` with respect to ``y`` (``z * log(x)``),
    0 where ``x`` is 0 (there ``z`` is 0 or 1 and the derivative 0 or undefined), in the
    floating point type of ``z``: a Python float base keeps a float32 exponent's derivative
    float32."""
    out = np.log(np.where(x == 0, 1.0, x))
    if is_float_like(x) and is_float_like(z):
        return float(out)
    if not isinstance(x, np.ndarray):
        dtype = float_dtype(z)
        return dtype.type(out) if isinstance(dtype, np.dtype) else np.asarray(out, dtype=dtype)
    x_dtype, z_dtype = float_dtype(x), float_dtype(z)
    if isinstance(x_dtype, np.dtype) and isinstance(z_dtype, np.dtype):
        return astype(out, np.result_type(x_dtype, z_dtype), copy=False)
    return astype(out, np.result_type(out, z_dtype), copy=False)  # array_api_strict's types


def finite_elements(x: Any) -> Any:
    """``np.isfinite(x)``, where ``np.nan_to_num`` keeps its argument; refuses complex ``x``
    (NumPy replaces its real and imaginary parts separately)."""
    if np.iscomplexobj(x):
        raise ValueRefusedError(
            "the derivative of np.nan_to_num is implemented for real values only; these are "
            f"complex ({np.result_type(x)})")
    return np.isfinite(x)


def _unit(x: Any) -> tuple[Any, Any]:
    """``(x / |x|, |x|)`` of a complex ``x``, NaN at 0 (there ``np.sign`` has no derivative)."""
    size = np.abs(x)
    size = np.where(size == 0, np.nan, size)
    return x / size, size


def sign_tangent(t: Any, x: Any) -> Any:
    """The tangent of ``np.sign(x)`` along ``t``: zero for real ``x`` (piecewise constant);
    for complex ``x`` NumPy's sign is ``s = x / |x|``, whose tangent is
    ``(t - s Re(conj(s) t)) / |x|``."""
    if not np.iscomplexobj(x):
        return np.zeros(np.broadcast_shapes(np.shape(t), np.shape(x)), float_dtype(t))
    s, size = _unit(x)
    return (t - s * np.real(np.conj(s) * t)) / size


def sign_adjoint(g: Any, x: Any) -> Any:
    """The adjoint of ``np.sign(x)`` (the transpose of :func:`sign_tangent` in autograd's
    convention, ``dL = Re(g ds)``): zero for real ``x``, ``(g - conj(s) Re(g s)) / |x|``
    for complex ``x``."""
    if not np.iscomplexobj(x):
        return np.zeros(np.broadcast_shapes(np.shape(g), np.shape(x)), float_dtype(g))
    s, size = _unit(x)
    return (g - np.conj(s) * np.real(g * s)) / size


def sign_derivative_derivative(t: Any, x: Any) -> Any:
    """The derivative of :func:`sign_tangent` or :func:`sign_adjoint` in ``x``: zero for
    real ``x``; second derivatives of ``np.sign`` of complex values are refused."""
    if np.iscomplexobj(x):
        raise ValueRefusedError(
            "tangentlike does not take second derivatives of np.sign of complex values yet")
    return np.zeros(np.broadcast_shapes(np.shape(t), np.shape(x)), float_dtype(t))


def abs_direction(x: Any) -> Any:
    """The derivative of ``np.abs`` as a factor: ``sign(x)`` for real ``x``, ``conj(x) / |x|``
    for complex ``x`` (an FFT's values, say), 0 at 0."""
    if np.iscomplexobj(x):
        size = np.abs(x)
        return np.conj(x) / np.where(size == 0, 1.0, size)
    return np.sign(x)


def abs_direction_derivative(t: Any, x: Any) -> Any:
    """The derivative of ``abs_direction(x)`` along ``t``: zero for real ``x``, where it is a
    sign; second derivatives of ``|x|`` for complex ``x`` are refused, not guessed."""
    if np.iscomplexobj(x):
        raise ValueRefusedError(
            "tangentlike does not take second derivatives of np.abs of complex values yet")
    return np.zeros(np.broadcast_shapes(np.shape(t), np.shape(x)), float_dtype(t))
