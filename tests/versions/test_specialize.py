"""The version of a derivative for Python floats (tangentlike/versions/floats.py).

A call whose differentiated arguments and seeds are Python floats (a float signature) runs a
version written at its first call, ``<name>_floats``, without the runtime helpers that only
matter for arrays (``seed`` and ``zeros_like`` stay where a value may be a NumPy scalar, as
``np.sin(x)`` of a float is).  ``df.source`` shows the general derivative only;
``df.source_for(*args)`` the version a call runs.  Checked: it exists exactly when it
differs, it has none of those helpers, and it computes the same numbers as the generic code
(reached by passing ``np.float64`` values, which are no float signature) and as central
finite differences (``rtol`` 1e-6).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import control_flow_functions as F
import numpy as np
import pytest
from support import make_function

import tangentlike

FLOAT_CASES = [
    (F.if_overwrites_float, (2.0, 1.5), (0, 1)),
    (F.slide_math, (1.5, 2.0, 1.0), (0, 1, 2)),
    (F.power_loop, (1.1, 3), (0,)),
    (F.sin_loop_100, (0.5,), (0,)),
    (F.for_break, (0.7,), (0,)),
    (F.while_break, (0.8,), (0,)),
    (F.while_continue, (0.6,), (0,)),
    (F.newton_sqrt, (2.0,), (0,)),
    (F.swap_in_loop, (0.7, 1.2), (0, 1)),
    (F.guarded_log, (1.5,), (0,)),
    (F.conditional_expression_inside, (0.4, -1.2), (0, 1)),
]
IDS = [case[0].__name__ for case in FLOAT_CASES]
# Gone from the float version (on Python numbers and NumPy scalars alike).
RUNTIME_HELPERS = ("unbroadcast(", "broadcast_like(", "shape_only(")


def _as_float64(args: tuple, wrt: tuple) -> tuple:
    return tuple(np.float64(a) if i in wrt else a for i, a in enumerate(args))


def _fd(fn: Callable, args: tuple, i: int, h: float = 1e-6) -> float:
    plus, minus = list(args), list(args)
    plus[i] += h
    minus[i] -= h
    return (fn(*plus) - fn(*minus)) / (2 * h)


@pytest.mark.parametrize("fn, args, wrt", FLOAT_CASES, ids=IDS)
def test_reverse_mode_for_floats(fn: Callable, args: tuple, wrt: tuple) -> None:
    df = tangentlike.grad(fn, wrt=wrt)
    assert "_floats" not in df.source, df.source
    version = df.version_for(*args)
    assert version.kind == "floats", version.reason
    special = df.source_for(*args)
    assert special == version.source and f"def {df.__name__}_floats(" in special, special
    assert not any(h in special for h in RUNTIME_HELPERS), special
    fast = df(*args)
    generic = df(*_as_float64(args, wrt))
    fast, generic = np.atleast_1d(fast), np.atleast_1d(generic)
    assert all(isinstance(g, float) for g in (df(*args) if len(wrt) > 1 else [df(*args)]))
    np.testing.assert_allclose(fast, generic, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(fast, [_fd(fn, args, i) for i in wrt], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("fn, args, wrt", FLOAT_CASES, ids=IDS)
def test_forward_mode_for_floats(fn: Callable, args: tuple, wrt: tuple) -> None:
    jvp = tangentlike.autodiff(fn, wrt=wrt, mode="forward")
    v = [0.3 + 0.2 * k for k in range(len(wrt))]
    assert "_floats" not in jvp.source, jvp.source
    assert jvp.version_for(*args, *v).kind in ("floats", "general")
    fast = jvp(*args, *v)
    generic = jvp(*_as_float64(args, wrt), *map(np.float64, v))
    expected = sum(vk * _fd(fn, args, i) for vk, i in zip(v, wrt))
    assert fast == pytest.approx(generic, rel=1e-13, abs=1e-15)
    assert fast == pytest.approx(expected, rel=1e-6, abs=1e-8)


def test_arrays_get_no_float_version() -> None:
    fn = make_function("def f(x):\n    return np.sum(np.sin(x) * x)\n")
    x = np.array([0.3, -0.2])
    assert tangentlike.grad(fn).version_for(x).kind != "floats"
    np.testing.assert_allclose(tangentlike.grad(fn)(x), np.sin(x) + x * np.cos(x))


def test_a_float_function_called_with_an_array_takes_the_generic_code() -> None:
    """The same derivative serves arrays: only a float signature runs the float version."""
    fn = make_function("def f(x):\n    y = x\n    for i in range(3):\n"
                       "        y = np.sin(y) * x + 0.5 * y\n    return y\n")
    df = tangentlike.grad(fn)
    assert df.version_for(0.5).kind == "floats"
    assert df.version_for(np.array([0.5, 0.25]), init_grad=np.ones(2)).kind != "floats"
    x = np.array([0.5, 0.25])
    got = df(x, init_grad=np.ones(2))
    expected = [df(float(v)) for v in x]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_float_version_saves_less() -> None:
    """Values read only for their shape are not saved in the float version."""
    df = tangentlike.grad(F.sin_loop_100)
    generic, special = df.source, df.source_for(0.5)
    assert special.count("stack.append(") < generic.count("stack.append(")


def test_second_derivative_through_the_float_version() -> None:
    """The derivative with a version for floats is itself differentiable (d2/dx2 of
    x**3 sin x)."""
    fn = make_function("def f(x):\n    return x ** 3 * math.sin(x)\n")
    d2 = tangentlike.grad(tangentlike.grad(fn))
    x = 0.7
    expected = 6 * x * math.sin(x) + 6 * x ** 2 * math.cos(x) - x ** 3 * math.sin(x)
    assert d2(x) == pytest.approx(expected, rel=1e-12)


def _tanh_derivatives(x: float) -> list[float]:
    """tanh and its first four derivatives, in closed form (t = tanh x, s = 1 - t**2)."""
    t = math.tanh(x)
    s = 1 - t * t
    return [t, s, -2 * t * s, -2 * s * s + 4 * t * t * s, 16 * t * s * s - 8 * t ** 3 * s]


@pytest.mark.slow  # seconds: the default run's time (CI runs -m slow too)
def test_fourth_derivative_at_a_float() -> None:
    """Issue 15: the generated code stays differentiable, at a float (the float twin's
    dispatch, fed back in, made the 4th derivative of this tanh refuse its argument)."""
    fn = make_function("def f(x):\n    e = np.exp(-2.0 * x)\n    return (1 - e) / (1 + e)\n")
    derivatives = [fn]
    for _ in range(4):
        derivatives.append(tangentlike.grad(derivatives[-1]))
    x = 0.3
    expected = _tanh_derivatives(x)
    for k, d in enumerate(derivatives[1:], 1):
        assert "_floats" not in d.source, d.source
        assert d(x) == pytest.approx(expected[k], rel=1e-10), k
        assert d.version_for(x).kind in ("floats", "general")
    fourth = derivatives[4]
    assert fourth(np.float64(x)) == pytest.approx(expected[4], rel=1e-10)
    third = derivatives[3]
    assert _fd(third, (x,), 0, 1e-5) == pytest.approx(fourth(x), rel=1e-6)
    # a Hessian-vector product of the second derivative: the 4th derivative again
    assert tangentlike.hvp(derivatives[2])(x, 1.0) == pytest.approx(expected[4], rel=1e-10)
    assert float(tangentlike.hessian(derivatives[2])(x)) == pytest.approx(expected[4],
                                                                          rel=1e-10)
