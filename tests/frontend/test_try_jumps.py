"""``return``, ``break`` and ``continue`` inside a ``try`` statement (frontend/jumps.py: flags
the statement is followed by): Python's semantics (``finally`` runs on the way out, the
``else`` block not after a jump, a jump in ``finally`` overrides a pending one and drops a
pending exception), checked against ``f`` itself and finite differences in every mode
(``oracle.check_everywhere``) where the body raises and where it does not.
"""
from __future__ import annotations

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike

CALM = np.array([0.3, -0.2, 0.1])
BIG = np.array([0.3, 1.4, 0.1])      # np.max(x) > 1
NEGATIVE = np.array([-0.3, 0.6, -0.7])
POINTS = [CALM, BIG, NEGATIVE]
IDS = ["calm", "big", "negative"]
LOG: list[str] = []


def return_in_body(x):
    y = x * 2.0
    try:
        y = np.sin(y)
        if np.max(x) > 1:
            raise ValueError
        if np.min(x) < -0.5:
            return np.sum(y * x)
        y = y * x
    except ValueError:
        y = y + x
    return np.sum(y * y)


def return_in_handler_and_body(x):
    y = np.tanh(x)
    try:
        y = y * x
        if np.max(x) > 1:
            raise KeyError
        return np.sum(np.exp(y))
    except KeyError:
        y = y * 3.0
        return np.sum(y * x)


def return_with_finally(x):
    y = x * 1.5
    try:
        y = np.cos(y)
        if np.max(x) > 1:
            raise ValueError
        return np.sum(y * x)
    except ValueError:
        y = y * x
    finally:
        LOG.append("finally")
        y = y * 2.0              # after the return value was computed: not in it
    return np.sum(y)


def return_in_finally_overrides(x):
    y = x * 1.0
    try:
        y = np.sin(y) * x
        if np.max(x) > 1:
            raise ValueError      # dropped by the return in finally
        return np.sum(y)
    finally:
        if np.max(x) > 1 or np.min(x) < -0.5:
            return np.sum(y * y)  # noqa: B012
        y = y + x
    return np.sum(y)              # never reached when finally did not return


def break_and_continue(x):
    total = 0.0
    for i in range(len(x)):
        try:
            total = total + np.sin(x[i]) * x[i]
            if x[i] > 1.0:
                break
            if x[i] < 0.0:
                continue
            total = total * 1.5
        except ValueError:
            pass
        total = total + x[i]
    return total


def break_in_handler(x):
    total = 0.0
    for i in range(len(x)):
        try:
            total = total + x[i] * x[i]
            if x[i] > 1.0:
                raise ValueError
        except ValueError:
            total = total * 2.0
            break
        finally:
            total = total + 0.5 * x[i]
    return total


def continue_with_finally_and_loop(x):
    total = 0.0
    for i in range(2):
        try:
            for v in x:
                total = total + np.cos(v) * (i + 1.0)
                if v < -0.5:
                    raise IndexError
            if total > 4.0:
                continue
            total = total * 0.5
        except IndexError:
            continue
        finally:
            total = total + x[0]
        total = total * x[1]
    return total


def return_inside_loop_in_try(x):
    total = 0.0
    try:
        for v in x:
            total = total + v * v
            if v > 1.0:
                return total * 3.0
            if v < -0.5:
                raise ValueError
    except ValueError:
        total = total - x[2]
    return total


FUNCTIONS = [return_in_body, return_in_handler_and_body, return_with_finally,
             return_in_finally_overrides, break_and_continue, break_in_handler,
             continue_with_finally_and_loop, return_inside_loop_in_try]


@pytest.mark.parametrize("point", POINTS, ids=IDS)
@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_derivatives_match_finite_differences(f, point) -> None:
    check_everywhere(f, [point.copy()])


def test_finally_runs_on_the_way_out() -> None:
    for x in POINTS:
        LOG.clear()
        expected = return_with_finally(x)
        assert LOG == ["finally"]
        LOG.clear()
        value, _ = tangentlike.value_and_grad(return_with_finally)(x)
        assert LOG == ["finally"] and value == expected
        LOG.clear()
        tangentlike.autodiff(return_with_finally, mode="forward")(x, np.ones(3))
        assert LOG == ["finally"]


def raises_through_finally(x):
    try:
        y = np.sin(x)
        if np.max(x) > 1:
            raise KeyError("big")
        return np.sum(y)
    finally:
        LOG.append("finally")


def test_an_exception_leaves_through_finally() -> None:
    for derivative, args in ((tangentlike.grad(raises_through_finally), (BIG,)),
                             (tangentlike.autodiff(raises_through_finally, mode="forward"),
                              (BIG, np.ones(3)))):
        LOG.clear()
        with pytest.raises(KeyError):
            derivative(*args)
        assert LOG == ["finally"]
    np.testing.assert_allclose(tangentlike.grad(raises_through_finally)(CALM), np.cos(CALM))
