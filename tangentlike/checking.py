"""``check_grads``: the derivatives tangentlike generates, against central finite differences.

Like ``jax.test_util.check_grads`` and autograd's ``check_grads``: along random directions,
in float64, forward mode (``J v``) and reverse mode (``u^T J``, compared as ``u^T J v``)
of the function, and, up to ``order``, of those derivatives themselves (forward over
reverse, reverse over reverse, ...), each differentiated again by tangentlike.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tangentlike.api import INPUT_DERIVATIVE, autodiff
from tangentlike.errors import InputError
from tangentlike.vjp import held_constant

_MODES = {"fwd": "fwd", "forward": "fwd", "rev": "rev", "reverse": "rev"}
_NAMES = {"fwd": "forward-mode", "rev": "reverse-mode"}


def check_grads(func: Callable, args: Sequence[Any], order: int = 2,
                modes: Sequence[str] = ("fwd", "rev"), eps: float = 1e-5,
                atol: float = 1e-6, rtol: float = 1e-5, *, seed: int = 0) -> None:
    """Check ``func``'s derivatives at ``args`` against central finite differences.

    ``args`` is the tuple of ``func``'s positional arguments.  Floats, floating point
    arrays, and tuples, lists and dicts of them are differentiated, in float64; the others
    (integers, integer arrays, strings, ...) are held constant, as in ``vjp``.  For each mode in
    ``modes`` (``"fwd"``, ``"rev"``) the derivative tangentlike generates is compared with
    ``(f(x + eps v) - f(x - eps v)) / (2 eps)`` along a random direction ``v``: forward mode
    element by element, reverse mode as the scalar ``u^T J v`` for a random cotangent ``u``.
    With ``order`` > 1 the same checks run on each of those derivatives (with ``v`` or ``u``
    held fixed), again by tangentlike, up to ``order``.  A derivative differing by more than
    ``atol + rtol * |finite difference|`` raises ``AssertionError`` naming the derivative,
    the element and both numbers.  ``seed`` seeds the random directions.
    """
    name = getattr(func, "__name__", "the function")
    if not isinstance(args, (tuple, list)):
        raise InputError(f"check_grads({name}): args must be the tuple of {name}'s arguments, "
                         f"not {type(args).__name__}",
                         hint="pass check_grads(f, (x,)) for a function of one argument")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise InputError(f"check_grads({name}): order must be an int of at least 1, not "
                         f"{order!r}", hint="order=1 checks first derivatives, 2 also second")
    if isinstance(modes, str):
        modes = (modes,)
    wanted = []
    for mode in modes:
        if mode not in _MODES:
            raise InputError(f"check_grads({name}): modes has {mode!r}; each mode is 'fwd' or "
                             "'rev'", hint="pass modes=('fwd', 'rev'), ('fwd',) or ('rev',)")
        wanted.append(_MODES[mode])
    if not wanted:
        raise InputError(f"check_grads({name}): modes is empty",
                         hint="pass modes=('fwd', 'rev'), ('fwd',) or ('rev',)")
    for label, number, low in (("eps", eps, 0.0), ("atol", atol, -1.0), ("rtol", rtol, -1.0)):
        if not isinstance(number, (int, float)) or isinstance(number, bool) or number <= low:
            raise InputError(f"check_grads({name}): {label}={number!r} must be a "
                             f"{'positive' if low == 0.0 else 'non-negative'} number",
                             hint="eps is the finite-difference step; atol and rtol the "
                             "tolerances")
    wrt = tuple(i for i, a in enumerate(args) if not held_constant(a))
    if not wrt:
        raise InputError(f"check_grads({name}): no argument is a float or a floating point "
                         "array, so there is nothing to check (integers, booleans and strings "
                         "are held constant)", hint="pass floats, e.g. 2.0 rather than 2")
    point = tuple(_float64(a, f"argument {i} of {name}") if i in wrt else a
                  for i, a in enumerate(args))
    _check(func, point, wrt, {}, order, tuple(dict.fromkeys(wanted)), (float(eps), float(atol),
           float(rtol)), np.random.default_rng(seed), name, [])


def _check(func: Callable, args: tuple, wrt: tuple[int, ...], extra: dict, order: int,
           modes: tuple[str, ...], tolerances: tuple[float, float, float],
           rng: np.random.Generator, name: str, path: list[str]) -> None:
    """The first-order checks of ``func(*args, **extra)`` with respect to ``args[i]`` for
    ``i`` in ``wrt``, then the checks of each derivative (with its seeds as more ``extra``)
    up to ``order``."""
    eps = tolerances[0]
    value = func(*args, **extra)
    v = tuple(_map(lambda x: _random(x, rng), args[i]) for i in wrt)

    def moved(step: float) -> tuple:
        out = list(args)
        for i, d in zip(wrt, v):
            out[i] = _map(lambda x, dx: x + step * dx, args[i], d)
        return tuple(out)

    plus, minus = func(*moved(eps), **extra), func(*moved(-eps), **extra)
    fd = _map(lambda p, m: (np.asarray(p, dtype=np.float64) - np.asarray(m, dtype=np.float64))
              / (2 * eps), plus, minus)
    for mode in modes:
        where = _describe([*path, mode], name)
        if mode == "fwd":
            df = autodiff(func, wrt=wrt, mode="forward")
            seeds = dict(zip(df.seeds, v))
            _compare(df(*args, **extra, **seeds), fd, where, tolerances)
        else:
            df = autodiff(func, wrt=wrt, mode="reverse",
                          input_derivative=INPUT_DERIVATIVE.Required)
            u = _map(lambda y: _random(y, rng), value)
            seeds = {df.seed: u}
            cotangents = df(*args, **extra, **seeds)
            if len(wrt) == 1:
                cotangents = (cotangents,)
            _compare_products(cotangents, v, u, fd, where, tolerances)
        if order > 1:
            _check(df, args, wrt, {**extra, **seeds}, order - 1, modes, tolerances, rng,
                   name, [*path, mode])


def _describe(path: list[str], name: str) -> str:
    """``['rev', 'fwd']`` as 'the forward-mode derivative of the reverse-mode derivative of
    f (order 2)'."""
    words = " of ".join(f"the {_NAMES[mode]} derivative" for mode in reversed(path))
    return f"{words} of {name} (order {len(path)})"


def _float64(x: Any, where: str) -> Any:
    """``x`` in float64: floats and integers as Python floats, arrays as float64 arrays,
    containers likewise; anything else raises ``InputError``."""
    if isinstance(x, (bool, np.bool_)) or (isinstance(x, np.ndarray) and x.dtype.kind == "b"):
        raise InputError(f"check_grads: {where} is boolean, which has no derivative",
                         hint="pass floats or floating point arrays")
    if isinstance(x, (float, int)):
        return float(x)
    if isinstance(x, (np.ndarray, np.generic)):
        if x.dtype.kind not in "iuf":
            raise InputError(f"check_grads: {where} has dtype {x.dtype}; it checks real "
                             "derivatives in float64", hint="pass floating point arrays")
        return np.asarray(x, dtype=np.float64) if isinstance(x, np.ndarray) else float(x)
    if isinstance(x, (tuple, list)):
        items = [_float64(item, f"{where}[{i}]") for i, item in enumerate(x)]
        return type(x)(items) if type(x) in (tuple, list) else items
    if isinstance(x, dict):
        return {k: _float64(item, f"{where}[{k!r}]") for k, item in x.items()}
    raise InputError(f"check_grads: {where} is {type(x).__name__}; every argument is "
                     "differentiated, so each must be a float, an array of floats, or a "
                     "tuple, list or dict of them",
                     hint="bind the other arguments in the function (a default value or a "
                     "global)")


def _map(fn: Callable[..., Any], first: Any, *rest: Any) -> Any:
    """``fn`` on the leaves of ``first`` (tuples, lists and dicts are walked) and the
    matching leaves of ``rest``."""
    if isinstance(first, (tuple, list)):
        items = [_map(fn, x, *(r[i] for r in rest)) for i, x in enumerate(first)]
        return tuple(items) if isinstance(first, tuple) else items
    if isinstance(first, dict):
        return {k: _map(fn, x, *(r[k] for r in rest)) for k, x in first.items()}
    return fn(first, *rest)


def _leaves(x: Any) -> list[Any]:
    """The leaves of ``x`` in the order :func:`_map` visits them."""
    out: list[Any] = []
    _map(out.append, x)
    return out


def _random(x: Any, rng: np.random.Generator) -> Any:
    """A random normal direction shaped like the leaf ``x`` (a float for a scalar)."""
    shape = np.shape(x)
    return rng.standard_normal(shape) if shape else float(rng.standard_normal())


def _flat(x: Any) -> np.ndarray:
    """The leaves of ``x`` as one float64 vector."""
    parts = [np.ravel(np.asarray(leaf, dtype=np.float64)) for leaf in _leaves(x)]
    return np.concatenate(parts) if parts else np.zeros(0)


def _compare(got: Any, expected: Any, where: str, tolerances: tuple[float, float, float],
             ) -> None:
    """Raise AssertionError unless ``got`` (tangentlike's ``J v``) is close to ``expected``
    (the finite differences), element by element."""
    eps, atol, rtol = tolerances
    a, b = _flat(got), _flat(expected)
    if a.shape != b.shape:
        raise AssertionError(f"check_grads: {where} has {a.size} elements, the finite "
                             f"differences {b.size}")
    bound = atol + rtol * np.abs(b)
    excess = np.abs(a - b) - bound
    bad = ~(excess <= 0)  # NaN counts as a mismatch
    if bad.any():
        k = int(np.nanargmax(np.where(bad, excess, -np.inf))) if not np.isnan(excess).all() \
            else 0
        raise AssertionError(
            f"check_grads: {where} does not match central finite differences along a random "
            f"direction: {int(bad.sum())} of {a.size} output elements differ; element {k}: "
            f"tangentlike {a[k]!r}, finite differences {b[k]!r}, |difference| "
            f"{abs(a[k] - b[k]):.3g} > atol + rtol * |finite difference| = {bound[k]:.3g} "
            f"(eps={eps}, atol={atol}, rtol={rtol})")


def _compare_products(cotangents: Any, v: Any, u: Any, fd: Any, where: str,
                      tolerances: tuple[float, float, float]) -> None:
    """Raise AssertionError unless ``cotangents . v`` (tangentlike's ``u^T J v``) is close to
    ``u . fd`` (the same product by finite differences)."""
    eps, atol, rtol = tolerances
    ct, dv, du, dfd = _flat(cotangents), _flat(v), _flat(u), _flat(fd)
    if ct.shape != dv.shape:
        raise AssertionError(f"check_grads: {where} gives {ct.size} cotangent elements for "
                             f"{dv.size} argument elements")
    got, expected = float(ct @ dv), float(du @ dfd)
    bound = atol + rtol * max(float(np.abs(ct) @ np.abs(dv)), float(np.abs(du) @ np.abs(dfd)))
    if not abs(got - expected) <= bound:
        raise AssertionError(
            f"check_grads: {where} does not match central finite differences: for a random "
            f"cotangent u and direction v, u^T J v is {got!r} by tangentlike and {expected!r} "
            f"by finite differences, |difference| {abs(got - expected):.3g} > atol + rtol * "
            f"|u|^T |J v| = {bound:.3g} (eps={eps}, atol={atol}, rtol={rtol})")
