"""Helpers of the rules of templates/scipy_special_more.py: the refusal of a derivative in a
parameter that has no closed form, and a cast to the argument's floating point type."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime import float_dtype
from tangentlike.runtime.special import polygamma_like


def no_parameter_derivative(t: Any, function: str, parameter: str) -> Any:
    """Raise: ``t``, a derivative of ``function``'s ``parameter``, is needed, and tangentlike
    has no rule for it (the derivative of a special function in its order or shape parameter
    is not a closed form).  Generated code calls this only where ``parameter`` is
    differentiated."""
    error = ValueRefusedError(
        f"tangentlike has no derivative of scipy.special.{function} in its parameter "
        f"{parameter!r} (no closed form; only the function's argument is differentiated)",
        hint=f"pass {parameter} as a constant (not computed from the differentiated inputs), "
             "or register your own rule with @tangentlike.adjoint and @tangentlike.tangent")
    raise error  # the user's line: frontend.library.locate_at_run_time


def in_dtype_of(v: Any, x: Any) -> Any:
    """``v`` in the floating point type of ``x`` (a function of a shape parameter given as a
    Python float, ``gammaln(a)``, is a float64 scalar, which would make a float32
    derivative float64); ``v`` itself when ``x`` is a Python number."""
    if not isinstance(x, (np.ndarray, np.generic)):
        return v
    dtype = float_dtype(x)
    if isinstance(v, np.ndarray):
        return v.astype(dtype, copy=False)
    return dtype.type(v)


def multipolygamma(n: int, a: Any, dim: int) -> Any:
    """``sum(polygamma(n, a - j / 2) for j in range(dim))`` in ``a``'s floating point type:
    the derivative of order ``n + 1`` of ``scipy.special.multigammaln(a, dim)`` in ``a``."""
    out = polygamma_like(n, a)
    for j in range(1, dim):
        out = out + polygamma_like(n, a - 0.5 * j)
    return out
