"""``with`` blocks whose context manager is not differentiated (``np.errstate``, a timer, a
lock, a file): normalize writes ``manager.__enter__()``, the body, ``manager.__exit__(None,
None, None)``, so the derivative's forward sweep runs the manager around the body as ``f``
does, once per call; the backward sweep runs outside it.  Checked in reverse (joint/split,
optimized or not), forward and HVP against finite differences and ``f`` itself
(``oracle.check_everywhere``)."""
from __future__ import annotations

import contextlib
import threading

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike

X = np.array([0.3, -0.7, 1.1])
LOG: list[str] = []
LOCK = threading.Lock()


class Recorder:
    """A context manager that records its calls, and gives a scale to the body."""

    def __init__(self, name: str):
        self.name, self.scale = name, 2.0

    def __enter__(self):
        LOG.append(f"enter {self.name}")
        return self

    def __exit__(self, *exc):
        LOG.append(f"exit {self.name}")
        return False


def errstate(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(x * x)
    return np.sum(np.sin(y) * x)


def recorded(x):
    with Recorder("a") as r:
        y = np.tanh(x) * r.scale
    return np.sum(y * y)


def nested_and_several(x):
    with LOCK, Recorder("outer"):
        y = x * x
        with Recorder("inner") as r:
            y = np.sin(y) * r.scale
    return np.sum(y * x)


def in_a_loop(x):
    for i in range(3):
        with np.errstate(over="ignore"):
            x = np.cos(x) * 1.5
    return np.sum(x)


@pytest.mark.parametrize("f", [errstate, recorded, nested_and_several, in_a_loop],
                         ids=lambda f: f.__name__)
def test_with_blocks(f):
    check_everywhere(f, [X.copy()])


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_manager_runs_once_per_call_around_the_body(mode):
    df = (tangentlike.grad(nested_and_several) if mode == "reverse" else
          tangentlike.autodiff(nested_and_several, mode="forward"))
    args = (X.copy(),) if mode == "reverse" else (X.copy(), np.ones(3))
    for _ in range(3):
        LOG.clear()
        df(*args)
        assert LOG == ["enter outer", "enter inner", "exit inner", "exit outer"]
    assert not LOCK.locked()


class Suppressing(Recorder):
    """Records the arguments of ``__exit__``; suppresses what ``kinds`` names."""

    def __init__(self, name: str, kinds: tuple = ()):
        super().__init__(name)
        self.kinds = kinds

    def __exit__(self, kind, value, traceback):
        LOG.append(f"exit {self.name} {kind.__name__ if kind else None} "
                   f"{value!r} {traceback is not None}")
        return kind is not None and issubclass(kind, self.kinds)


def suppressed_halfway(x):
    y = x * 2.0
    with Suppressing("s", (ValueError,)) as m:
        y = np.sin(y) * m.scale
        if np.max(x) > 1:
            raise ValueError("big")
        y = y * x                          # not when it raised: __exit__ suppressed it
    return np.sum(y * x)


def contextlib_suppress_in_a_loop(x):
    total = 0.0
    with contextlib.suppress(KeyError):
        for v in x:
            total = total + np.cos(v) * v
            if v > 1.0:
                raise KeyError(v)
            total = total * 1.5
    return total


def errstate_raises_caught_outside(x):
    y = x * 1.0
    try:
        with np.errstate(divide="raise"):
            y = np.log(np.abs(x)) * x
            y = y / (x - x[1])             # FloatingPointError: divide by zero
            y = y * 2.0
    except FloatingPointError:
        y = y + x
    return np.sum(y)


def lock_released_after_a_raise(x):
    y = x * 1.0
    try:
        with LOCK:
            y = np.tanh(x) * x
            if np.max(x) > 1:
                raise RuntimeError
            y = y * y
    except RuntimeError:
        y = y - x
    return np.sum(y)


def return_inside(x):
    with Recorder("r") as r:
        y = np.sin(x) * r.scale
        if np.max(x) > 1:
            return np.sum(y)
        y = y * x
    return np.sum(y * y)


def break_and_continue_inside(x):
    total = 0.0
    for v in x:
        with Recorder("loop"):
            total = total + v * v
            if v > 1.0:
                break
            if v < 0.0:
                continue
            total = total * np.cos(v)
        total = total + v
    return total


BIG = np.array([0.3, 1.4, 0.1])
CALM = np.array([0.3, -0.7, 0.9])
ZERO_GAP = np.array([0.3, 1.4, 1.4])  # x - x[1] has a zero: the division raises


@pytest.mark.parametrize("point", [CALM, BIG, ZERO_GAP], ids=["calm", "big", "zero-gap"])
@pytest.mark.parametrize("f", [suppressed_halfway, contextlib_suppress_in_a_loop,
                               lock_released_after_a_raise, return_inside,
                               break_and_continue_inside], ids=lambda f: f.__name__)
def test_an_exception_or_a_jump_leaves_through_exit(f, point):
    check_everywhere(f, [point.copy()])
    assert not LOCK.locked()


@pytest.mark.parametrize("point", [CALM, BIG], ids=["calm", "big"])
def test_errstate_raising_inside(point):
    check_everywhere(errstate_raises_caught_outside, [point.copy()])
    # where the division raises: the gradient of log|x| * x + x
    np.testing.assert_allclose(tangentlike.grad(errstate_raises_caught_outside)(ZERO_GAP),
                               np.log(ZERO_GAP) + 2.0, rtol=1e-12)
    assert np.geterr()["divide"] != "raise"


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_exit_sees_the_exception_then_none(mode):
    df = (tangentlike.grad(suppressed_halfway) if mode == "reverse" else
          tangentlike.autodiff(suppressed_halfway, mode="forward"))
    for x in (BIG, CALM):
        LOG.clear()
        suppressed_halfway(x)
        expected = list(LOG)
        LOG.clear()
        df(*((x,) if mode == "reverse" else (x, np.ones(3))))
        assert LOG == expected
    assert expected == ["enter s", "exit s None None False"]
    LOG.clear()
    suppressed_halfway(BIG)
    assert LOG == ["enter s", "exit s ValueError ValueError('big') True"]


def not_suppressed(x):
    with Suppressing("n", (KeyError,)):
        y = np.sin(x)
        if np.max(x) > 1:
            raise ValueError("big")
    return np.sum(y)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_an_exception_exit_does_not_suppress_is_raised_again(mode):
    df = (tangentlike.grad(not_suppressed) if mode == "reverse" else
          tangentlike.autodiff(not_suppressed, mode="forward"))
    LOG.clear()
    with pytest.raises(ValueError, match="big"):
        df(*((BIG,) if mode == "reverse" else (BIG, np.ones(3))))
    assert LOG == ["enter n", "exit n ValueError ValueError('big') True"]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_jump_calls_exit_with_none(mode):
    df = (tangentlike.grad(break_and_continue_inside) if mode == "reverse" else
          tangentlike.autodiff(break_and_continue_inside, mode="forward"))
    x = np.array([0.3, -0.5, 0.2, 1.5, 0.7])
    LOG.clear()
    break_and_continue_inside(x)
    expected = list(LOG)
    assert expected == ["enter loop", "exit loop"] * 4
    LOG.clear()
    df(*((x,) if mode == "reverse" else (x, np.ones(5))))
    assert LOG == expected
