"""One check of everything a derivative promises, for the soundness tests.

:func:`check_everywhere` differentiates ``f`` in reverse mode (joint and split, optimized and
not), forward mode and forward-over-reverse (``hvp``), calls each derivative three times (the
second call of a signature records shapes, the third runs the version written for them), and
checks every call against an independent reference:

- the value each derivative computes equals ``f(*args)`` exactly;
- the gradient equals central finite differences of ``f`` in float64;
- the tangent along a random direction equals ``<grad, v>`` from finite differences;
- the Hessian-vector product equals finite differences of the gradient;
- no derivative changes its arguments (as ``f`` does not).

``reseed`` (a function of no arguments) is called before every evaluation of ``f`` and of a
derivative: functions that draw random numbers then draw the same numbers each time.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import tangentlike

EPS = 1e-6
# Optimized joint motion (what users run) and unoptimized split motion (the other extreme);
# the suite's harness (tests/support.py) runs all four combinations on its corpora.
REVERSE = [dict(optimized=True, motion="joint"), dict(optimized=False, motion="split")]


def _float64(x: Any) -> Any:
    return np.asarray(x, np.float64) if isinstance(x, np.ndarray) else float(x)


def _shifted(args: Sequence[Any], i: int, v: Any, eps: float) -> list[Any]:
    out = [_float64(a) if k == i else a for k, a in enumerate(args)]
    out[i] = out[i] + eps * v
    return out


def _call(f: Callable, args: Sequence[Any], reseed: Callable | None) -> Any:
    if reseed is not None:
        reseed()
    return f(*args)


def numerical_grad(f: Callable, args: Sequence[Any], i: int,
                   reseed: Callable | None = None) -> Any:
    """Central differences of scalar ``f`` with respect to ``args[i]``, in float64."""
    x = args[i]
    if not isinstance(x, np.ndarray):
        return (float(_call(f, _shifted(args, i, 1.0, EPS), reseed))
                - float(_call(f, _shifted(args, i, 1.0, -EPS), reseed))) / (2 * EPS)
    g = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        e = np.zeros(x.shape)
        e[index] = 1.0
        g[index] = (float(_call(f, _shifted(args, i, e, EPS), reseed))
                    - float(_call(f, _shifted(args, i, e, -EPS), reseed))) / (2 * EPS)
    return g


def assert_same_value(got: Any, expected: Any, what: str) -> None:
    """The primal invariant: the derivative's value is ``f``'s, the same floats."""
    assert np.shape(got) == np.shape(expected), f"{what}: value shape {np.shape(got)}"
    assert np.array_equal(np.asarray(got), np.asarray(expected), equal_nan=True), \
        f"{what}: value {got!r}, but f gives {expected!r}"


def _same(now: Any, then: Any) -> bool:
    if isinstance(then, (list, tuple)):
        return len(now) == len(then) and all(map(_same, now, then))
    if isinstance(then, dict):
        return now.keys() == then.keys() and all(_same(now[k], then[k]) for k in then)
    if isinstance(then, (np.ndarray, np.generic, int, float, complex)):
        return np.array_equal(now, then, equal_nan=True)
    return True  # an object: its own tests say what it holds


def _unchanged(args: Sequence[Any], before: Sequence[Any], what: str) -> None:
    for i, (now, then) in enumerate(zip(args, before)):
        assert _same(now, then), \
            f"{what}: the derivative changed argument {i}: {now!r}, was {then!r}"


def check_everywhere(f: Callable, args: Sequence[Any], wrt: int = 0,
                     reseed: Callable | None = None, rtol: float = 1e-5,
                     atol: float = 1e-6, hvp: bool = True) -> None:
    """Reverse, forward and forward-over-reverse derivatives of scalar ``f`` with respect to
    ``args[wrt]``, each called three times, against finite differences and ``f`` itself."""
    args = list(args)
    expected = _call(f, args, reseed)
    before = copy.deepcopy(args)
    grad = numerical_grad(f, args, wrt, reseed)
    x = args[wrt]
    rng = np.random.default_rng(0)
    v = rng.standard_normal(np.shape(x)) if isinstance(x, np.ndarray) else 0.7
    for options in REVERSE:
        df = tangentlike.grad(f, wrt=wrt, preserve_result=True, **options)
        for call in range(3):
            what = f"reverse {options}, call {call + 1}"
            if reseed is not None:
                reseed()
            g, value = df(*args)
            _unchanged(args, before, what)
            assert_same_value(value, expected, what)
            np.testing.assert_allclose(g, grad, rtol=rtol, atol=atol,
                                       err_msg=f"{what}\n{df.source}")
    for optimized in (True,):
        jvp = tangentlike.autodiff(f, wrt=wrt, mode="forward", preserve_result=True,
                                   optimized=optimized)
        for call in range(3):
            what = f"forward optimized={optimized}, call {call + 1}"
            if reseed is not None:
                reseed()
            tangent, value = jvp(*args, v)
            _unchanged(args, before, what)
            assert_same_value(value, expected, what)
            np.testing.assert_allclose(tangent, np.sum(grad * v), rtol=rtol, atol=atol,
                                       err_msg=f"{what}\n{jvp.source}")
    if not hvp:
        return
    product = tangentlike.hvp(f, wrt=wrt)
    g_plus = numerical_grad_of_grad(f, args, wrt, v, EPS, reseed)
    for call in range(3):
        if reseed is not None:
            reseed()
        got = product(*args, v)
        _unchanged(args, before, f"hvp, call {call + 1}")
        np.testing.assert_allclose(got, g_plus, rtol=1e-4, atol=1e-5,
                                   err_msg=f"hvp, call {call + 1}")


def numerical_grad_of_grad(f: Callable, args: Sequence[Any], i: int, v: Any, eps: float,
                           reseed: Callable | None) -> Any:
    """``H v`` by central differences of the gradient (taken by tangentlike in reverse mode,
    itself checked against finite differences of ``f``)."""
    df = tangentlike.grad(f, wrt=i)

    def g(at: list[Any]) -> Any:
        if reseed is not None:
            reseed()
        return np.asarray(df(*at), np.float64)

    h = 1e-4
    return (g(_shifted(args, i, v, h)) - g(_shifted(args, i, v, -h))) / (2 * h)
