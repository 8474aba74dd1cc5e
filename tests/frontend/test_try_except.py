"""``try`` statements (tangentlike/frontend/exceptions.py: the branch taken replayed like an
``if``): the derivative runs the user's try/except as written, so the same exception is caught
at the same point, and replays in reverse only the statements of the try body that completed,
then the handler that ran (or the else block), then finally.  Each function is checked by
``oracle.check_everywhere`` (reverse mode with and without the optimizer, forward mode, and
the Hessian-vector product, each called three times, against central finite differences in
float64, the value equal to the function's own) at points where the exception is raised and
where it is not; the refusals name the construct and the user's line.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from oracle import check_everywhere
from support import calls_as_written

import tangentlike
from tangentlike.errors import TangentlikeError

CALM = np.array([0.3, -0.2, 0.1])     # no exception
BIG = np.array([0.3, 1.4, 0.1])       # np.max(x) > 1
NEGATIVE = np.array([-0.3, 0.6, -0.7])


def raise_in_the_middle(x):
    y = x * 2.0
    try:
        z = np.sin(y)
        y = z * x                      # runs before the raise
        if np.max(x) > 1:
            raise ValueError("too big")
        y = np.exp(y) * x              # not when it raised
    except ValueError:
        y = y * 3.0 + x
    return np.sum(y * x)


def domain_error_in_a_call(x):
    y = np.sin(x)
    try:
        y = y * x
        r = math.sqrt(x[0])            # ValueError for x[0] < 0, halfway through
        y = y * r
    except ValueError:
        y = y + x[1] * x
    return np.sum(y)


def several_handlers(x):
    y = x * 1.5
    try:
        y = np.exp(y)
        if np.sum(x) > 0.5:
            raise KeyError("key")
        y = y * x
        if np.min(x) < -0.5:
            raise IndexError(3)
        y = np.tanh(y)
    except KeyError as e:
        y = y + x * len(str(e))
    except (IndexError, ValueError) as e:
        y = y - x * e.args[0]
    else:
        y = y * 2.0
    return np.sum(y * y)


def try_finally(x):
    log = []
    y = x * 0.5
    try:
        y = np.sin(x) * y
    finally:
        log.append(1)
        y = y * 2.0 + x
    return np.sum(y * x) + len(log)


def except_else_finally(x):
    y = x * 1.0
    try:
        y = np.cos(y) * x
        if np.max(x) > 1:
            raise ValueError
    except ValueError:
        y = y * x
    else:
        y = y + 1.0
    finally:
        y = np.sin(y)
    return np.sum(y)


def in_a_loop(x):
    total = 0.0
    for i in range(4):
        try:
            y = np.sin(x * (i + 1.0))
            if i % 2 == 1:
                raise ValueError(i)
            total = total + np.sum(y * x)
        except ValueError:
            total = total + np.sum(y) * 0.5
    return total


def data_dependent_in_a_loop(x):
    y = x
    for i in range(3):
        try:
            y = y * 1.5
            if np.max(y) > 1:
                raise ArithmeticError
            y = np.sin(y) + x
        except ArithmeticError:
            y = y * 0.5
    return np.sum(y * y)


def try_in_a_handler(x):
    y = x * 2.0
    try:
        y = np.sin(y)
        if np.max(x) > 1:
            raise ValueError
    except ValueError:
        try:
            y = y * x
            if np.min(x) < 0:
                raise KeyError
        except KeyError:
            y = y + x
    return np.sum(y)


def raising_statement_overwrites(x):
    y = x * 1.0
    s = 1.0
    for i in range(3):
        try:
            y = y * 1.2
            s = math.sqrt(x[0] - 0.2 * i)  # raises (s keeps its value) at i = 2 for x[0] = 0.3
            y = y + s * x
        except ValueError:
            y = y * x + s
    return np.sum(y)


def bare_except(x):
    y = x + 0.0
    try:
        y = np.sin(y) * 2.0
        if np.min(x) < 0:
            raise RuntimeError
        y = y * y
    except:  # noqa: E722
        y = y * x
    return np.sum(y)


FUNCTIONS = [bare_except, raising_statement_overwrites, raise_in_the_middle, domain_error_in_a_call,
             several_handlers, try_finally, except_else_finally, in_a_loop,
             data_dependent_in_a_loop, try_in_a_handler]


@pytest.mark.parametrize("point", [CALM, BIG, NEGATIVE], ids=["calm", "big", "negative"])
@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_derivatives_match_finite_differences(f, point) -> None:
    check_everywhere(f, [point.copy()])


def test_the_same_derivative_takes_either_branch() -> None:
    # one derivative, called where the except clause runs and where it does not, in turn
    df = tangentlike.grad(raise_in_the_middle)
    jf = tangentlike.autodiff(raise_in_the_middle, mode="forward")
    v = np.array([0.5, -1.0, 2.0])
    for x in [CALM, BIG, CALM, BIG, NEGATIVE]:
        h = 1e-6
        expected = np.array([(raise_in_the_middle(x + h * e) - raise_in_the_middle(x - h * e))
                             / (2 * h) for e in np.eye(3)])
        np.testing.assert_allclose(df(x), expected, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(jf(x, v), expected @ v, rtol=1e-6, atol=1e-8)


def test_the_backward_sweep_replays_only_what_ran() -> None:
    source = tangentlike.grad(raise_in_the_middle, optimized=False).source
    assert "try:" in source and "except ValueError as" in source, source
    assert "if step >= " in source, source


def reraises(x):
    y = x * 2.0
    try:
        y = np.sin(y)
        if np.max(x) > 1:
            raise ValueError("too big")
    except ValueError:
        y = y * 0.0
        raise
    return np.sum(y)


def finally_then_raises(x, log):
    try:
        y = np.sin(x)
        if np.max(x) > 1:
            raise KeyError("big")
    finally:
        log.append("cleaned")
    return np.sum(y)


def test_an_exception_that_leaves_the_function_leaves_the_derivative() -> None:
    for derivative in (tangentlike.grad(reraises),
                       tangentlike.autodiff(reraises, mode="forward")):
        args = (BIG,) if derivative.__name__.startswith("d") else (BIG, np.ones(3))
        with pytest.raises(ValueError, match="too big"):
            derivative(*args)
    log: list[str] = []
    df = tangentlike.grad(finally_then_raises)
    with pytest.raises(KeyError):
        df(BIG, log)
    assert log == ["cleaned"]
    np.testing.assert_allclose(df(CALM, log), np.cos(CALM), rtol=1e-12)
    assert log == ["cleaned", "cleaned"]


def sqrt_caught(x):
    y = x * 2.0
    try:
        r = math.sqrt(x)
        y = y * r
    except (ZeroDivisionError, ValueError):
        y = y + 1.0
    return y


def test_an_exception_of_the_derivative_code_is_not_the_users_to_catch() -> None:
    # At 0, math.sqrt runs, its derivative divides by zero: the user's handler must not
    # catch that (it would return a value with a tangent of the other branch).
    assert tangentlike.autodiff(sqrt_caught, mode="forward")(0.25, 1.0) == pytest.approx(1.5)
    with pytest.raises(ZeroDivisionError):
        tangentlike.autodiff(sqrt_caught, mode="forward")(0.0, 1.0)
    with pytest.raises(ZeroDivisionError):
        tangentlike.grad(sqrt_caught)(0.0)
    # where the user's code raises, the handler runs as written
    assert tangentlike.grad(sqrt_caught)(-1.0) == 2.0
    assert tangentlike.autodiff(sqrt_caught, mode="forward")(-1.0, 1.0) == 2.0


def join(a, b):
    return a + b


def refusal_inside(x):
    try:
        both = join((x,), (np.sin(x),))  # refused at run time in forward mode
    except Exception:
        both = (x, x)
    return np.sum(both[0] * both[1])


def test_a_refusal_at_run_time_is_not_the_users_to_catch() -> None:
    # join kept as a call: its derivative cannot see that it adds tuples (written out into
    # the caller, it can: frontend/inlining.py)
    with pytest.raises(TangentlikeError, match="tuple or list"), calls_as_written():
        tangentlike.autodiff(refusal_inside, mode="forward")(CALM, np.ones(3))


def helper_with_try(x):
    y = x * 2.0
    try:
        y = np.sin(y) * x
        if np.max(x) > 1:
            raise ValueError
        y = y * y
    except ValueError:
        y = y + x
    return y


def calls_a_helper_with_try(x):
    a = helper_with_try(x)
    b = helper_with_try(a * 0.5)
    return np.sum(a * b)


@pytest.mark.parametrize("point", [CALM, BIG, 2.0 * BIG], ids=["calm", "big", "both"])
def test_a_helper_with_a_try_statement(point) -> None:
    # (hvp through a helper whose derivative keeps a stack is refused, try or not)
    check_everywhere(calls_a_helper_with_try, [point.copy()], hvp=False)
