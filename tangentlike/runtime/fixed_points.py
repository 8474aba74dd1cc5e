"""Fixed points ``z* = step(z*, *params)`` and their derivatives with respect to ``params``.

``fixed_point`` is what the user calls (``tangentlike.fixed_point``); called plainly, it
iterates ``z <- step(z, *params)``.  Its derivative rules (``templates/fixed_points.py``)
call the two helpers below, which have ``step``'s own derivatives generated when they run,
through :mod:`tangentlike.runtime.dynamic` (as for a call whose function is known only then):

* ``fixed_point_adjoint`` (reverse mode).  Implicit differentiation: with ``J_z``, ``J_p``
  the Jacobians of ``step`` at ``(z*, params)``, the adjoint ``w`` solves
  ``w = bz + J_z^T w`` (iterated with ``step``'s generated VJP in ``z``), and the params'
  adjoints are ``J_p^T w``.  ``method="one_step"`` takes ``w = bz``: the derivative of one
  application of ``step`` at ``z*``, exact where ``J_z = 0`` there (Newton's method at a
  simple root).  Nothing is kept per forward iteration: the memory does not grow with the
  number of iterations.
* ``fixed_point_tangent`` (forward mode): ``dz = J_z dz + J_p dp`` iterated with ``step``'s
  generated JVP (one-step: ``dz = J_p dp``).

``z0`` gets no derivative: the fixed point does not depend on where the iteration starts.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tangentlike.errors import ArrayLibraryError, ConvergenceError, ValueRefusedError
from tangentlike.runtime import dynamic, libraries, pytrees

METHODS = ("implicit", "one_step")


def _distance(a: Any, b: Any) -> float:
    """The Euclidean norm of ``a - b`` (numbers or arrays of one shape)."""
    return float(np.sqrt(np.sum(np.square(np.asarray(a) - np.asarray(b)))))


def _check(tol: float, max_iter: int, method: str) -> None:
    if method not in METHODS:
        raise ValueRefusedError(f"fixed_point: method={method!r} is not one of {METHODS}",
                                hint='pass method="implicit" or method="one_step"')
    if not tol > 0 or int(max_iter) < 1:
        raise ValueRefusedError(f"fixed_point: tol={tol!r} and max_iter={max_iter!r} must be "
                                "positive", hint="pass tol > 0 and max_iter >= 1")


def _iterate(update: Callable[[Any], Any], start: Any, tol: float, max_iter: int,
             what: str, relative: bool = False) -> Any:
    """``z <- update(z)`` from ``start`` until ``||z_new - z|| <= tol`` (``relative``: ``<=
    tol * max(1, ||z_new||)``, for a derivative, whose scale is the seed's); raises
    :class:`ConvergenceError` after ``max_iter`` updates."""
    z = start
    distance = float("inf")
    for _ in range(int(max_iter)):
        new = update(z)
        distance = _distance(new, z)
        z = new
        if distance <= (tol * max(1.0, _distance(new, 0.0)) if relative else tol):
            return z
    raise ConvergenceError(
        f"fixed_point: {what} did not converge in max_iter={max_iter} iterations (the last "
        f"step moved by {distance:.3g}, tol={tol:.3g})",
        hint="raise max_iter or tol, or check that the map is a contraction near the fixed "
        "point (for the derivative: that the spectral radius of d step/dz is below 1 there)")


def fixed_point(step: Callable[..., Any], z0: Any, *params: Any, tol: float = 1e-10,
                max_iter: int = 1000, method: str = "implicit") -> Any:
    """The fixed point ``z* = step(z*, *params)``, iterated from ``z0`` until one update moves
    ``z`` by at most ``tol`` (Euclidean norm); :class:`~tangentlike.errors.ConvergenceError`
    after ``max_iter`` updates.  Differentiated (``grad``, ``vjp``, ``jvp``, ...) with
    respect to ``params`` by implicit differentiation (``method="implicit"``) or through the
    last update only (``method="one_step"``, exact when ``d step/dz = 0`` at ``z*``)."""
    _check(tol, max_iter, method)
    library = next(filter(None, map(libraries.library_in, ((z0,), params))), None)
    if library is None:
        return _iterate(lambda z: step(z, *params), z0, tol, max_iter, "the iteration")

    def update(z: Any) -> Any:
        new = step(z, *params)
        if libraries.library_in((new,)) is None and libraries.library_in((z,)) is not None:
            _refuse_numpy_step(step, library)
        return new
    return _iterate(update, z0, tol, max_iter, "the iteration")


def _refuse_numpy_step(step: Callable[..., Any], library: libraries.Library) -> None:
    """Refuse a ``step`` that made NumPy values of ``library``'s arrays (it calls NumPy's
    functions itself, which convert them): iterating on would mix the two."""
    name = getattr(step, "__qualname__", None) or repr(step)
    code = getattr(step, "__code__", None)
    where = f" ({code.co_filename}, line {code.co_firstlineno})" if code is not None else ""
    raise ArrayLibraryError(
        f"fixed_point: the step function {name}{where} returned NumPy's value for "
        f"{library.name}'s arrays: it calls NumPy's functions on them itself, which pull "
        f"them into NumPy",
        hint="write the step with the arrays' own namespace (x.__array_namespace__(), "
        "array_api_compat), or call fixed_point with NumPy arrays")


def _differentiable(value: Any) -> bool:
    """A param that carries a derivative (``pytrees.carries``: a float, a floating point
    array, a container or a dataclass, named tuple or registered object)."""
    return pytrees.carries(value)


def fixed_point_adjoint(step: Callable[..., Any], z: Any, bz: Any, params: tuple,
                        tol: float = 1e-10, max_iter: int = 1000,
                        method: str = "implicit") -> tuple:
    """The adjoints of ``params`` (a tuple, None for a param that is not a float or an array
    of floats) for the adjoint ``bz`` of the fixed point ``z`` of ``step``."""
    _check(tol, max_iter, method)
    args = (z, *params)
    w = bz
    if method == "implicit":
        def update(w: Any) -> Any:  # w <- bz + J_z^T w, the forward half run each time
            _, record = dynamic.call_forward(step, (0,), *args)
            return bz + dynamic.call_backward(record, w)
        w = _iterate(update, bz, tol, max_iter, "the adjoint iteration w = bz + J_z^T w",
                       relative=True)
    wrt = tuple(i + 1 for i, p in enumerate(params) if _differentiable(p))
    if not wrt:
        return (None,) * len(params)
    _, record = dynamic.call_forward(step, wrt, *args)
    grads = dynamic.call_backward(record, w)
    grads = grads if len(wrt) > 1 else (grads,)
    found = dict(zip(wrt, grads))
    return tuple(found.get(i + 1) for i in range(len(params)))


def fixed_point_tangent(step: Callable[..., Any], z: Any, params: tuple, dparams: tuple,
                        tol: float = 1e-10, max_iter: int = 1000,
                        method: str = "implicit") -> Any:
    """The tangent of the fixed point ``z`` of ``step`` along the params' tangents
    ``dparams`` (zeros for a param that carries none)."""
    _check(tol, max_iter, method)
    args = (z, *params)
    wrt = tuple(i + 1 for i, p in enumerate(params) if _differentiable(p))
    tangents = tuple(dparams[i - 1] for i in wrt)
    dz = np.zeros_like(z) if isinstance(z, np.ndarray) else 0.0 * z
    if method == "one_step":
        return dynamic.call_jvp(step, wrt, args, {}, tangents)[0] if wrt else dz

    def update(dz: Any) -> Any:  # dz <- J_z dz + J_p dp
        return dynamic.call_jvp(step, (0, *wrt), args, {}, (dz, *tangents))[0]
    return _iterate(update, dz, tol, max_iter, "the tangent iteration dz = J_z dz + J_p dp",
                    relative=True)


# The helpers derivatives call: a derivative of theirs (second order) is refused by name
# (frontend/annotate.py).
HELPERS = (fixed_point_adjoint, fixed_point_tangent)
