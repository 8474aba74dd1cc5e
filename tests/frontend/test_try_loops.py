"""A loop, a comprehension or another ``try`` inside the body of a ``try`` statement
(tangentlike/frontend/exceptions.py: the body runs in probes, a loop's body guarded in turn, the
loop left by ``if stop: break`` when a probe caught): the derivative replays exactly what ran,
the iterations that completed and the completed statements of the one that raised.  Each
function is checked by ``oracle.check_everywhere`` (reverse joint/split, optimized or not,
forward, HVP, against finite differences and ``f`` itself) at points where the exception is
raised in the first iteration, in the middle, in the last one and never.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from oracle import check_everywhere
from support import check_grad

import tangentlike

FIRST = np.array([6.0, 2.0, 3.0, 0.5])
MIDDLE = np.array([1.0, 2.0, 7.0, 0.5])
LAST = np.array([1.0, 2.0, 3.0, 5.5])
NEVER = np.array([1.0, 2.0, 3.0, 0.5])
POINTS = [FIRST, MIDDLE, LAST, NEVER]
IDS = ["first", "middle", "last", "never"]


def loop_in_try(x):
    total = 0.0
    try:
        for i in range(len(x)):
            total = total + np.log(x[i]) * x[i]
            if x[i] > 5.0:
                raise ValueError("big")
            total = total * 1.5
    except ValueError:
        total = total * 2.0
    return total


def while_in_try(x):
    y = x * 0.5
    k = 0
    try:
        while k < len(x):
            y = np.sin(y) * x
            if x[k] > 5.0:
                raise KeyError(k)
            y = y + x[k]
            k = k + 1
    except KeyError as e:
        y = y * e.args[0]
    return np.sum(y * y)


def domain_error_in_a_loop(x):
    s = 0.0
    try:
        for v in x:
            s = s + v * v
            s = s + math.sqrt(4.5 - v)   # ValueError for v > 4.5
    except ValueError:
        s = s * 3.0
    return s


def comprehension_in_try(x):
    try:
        ys = [math.log(5.0 - v) * v for v in x]   # ValueError for v >= 5
        y = sum(ys)
    except ValueError:
        y = np.sum(x * x)
    return y


def nested_loops_in_try(x):
    total = 0.0
    try:
        for i in range(2):
            for j in range(len(x)):
                total = total + x[j] * (i + 1.0)
                if total > 10.7:
                    raise ArithmeticError
            total = np.sin(total)
    except ArithmeticError:
        total = total * x[0]
    return total


def try_in_try(x):
    y = x * 1.0
    try:
        y = np.tanh(y)
        try:
            y = y * x
            if x[0] > 5.0:
                raise KeyError
            y = np.exp(y * 0.1)
            if x[2] > 5.0:
                raise ValueError
        except KeyError:
            y = y + x
            if x[1] > 1.5:
                raise ValueError  # noqa: B904
        y = y * 3.0
    except ValueError:
        y = y - x
    return np.sum(y)


def finally_in_try_with_loop(x):
    total = 0.0
    count = 0.0
    try:
        try:
            for v in x:
                total = total + np.cos(v) * v
                if v > 5.0:
                    raise ValueError
        finally:
            count = count + 1.0
            total = total * 1.5
    except ValueError:
        total = total + x[1]
    return total * count


def loop_with_break_in_try(x):
    total = 0.0
    try:
        for v in x:
            if v > 2.5:
                break
            total = total + v * v
            if v > 1.5:
                raise IndexError
    except IndexError:
        total = total * x[0]
    return total


def try_loop_in_a_loop(x):
    total = 0.0
    for r in range(2):
        try:
            for v in x:
                total = total * 0.5 + v * (r + 1.0)
                if total > 4.0 + r:
                    raise ValueError
        except ValueError:
            total = total + 1.0
    return total


FUNCTIONS = [loop_in_try, while_in_try, domain_error_in_a_loop, comprehension_in_try,
             nested_loops_in_try, try_in_try, finally_in_try_with_loop, loop_with_break_in_try,
             try_loop_in_a_loop]


@pytest.mark.parametrize("point", POINTS, ids=IDS)
@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_derivatives_match_finite_differences(f, point) -> None:
    check_everywhere(f, [point.copy()])


@pytest.mark.parametrize("motion", ["joint", "split"])
@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("f", [loop_in_try, try_in_try, finally_in_try_with_loop],
                         ids=lambda f: f.__name__)
def test_every_reverse_motion(f, optimized, motion) -> None:
    for point in POINTS:
        check_grad(f, [point.copy()], optimized=optimized, motion=motion)


def test_one_derivative_replays_each_point_in_turn() -> None:
    df = tangentlike.grad(loop_in_try)
    for x in [FIRST, NEVER, MIDDLE, FIRST, LAST, NEVER]:
        h = 1e-6
        expected = np.array([(loop_in_try(x + h * e) - loop_in_try(x - h * e)) / (2 * h)
                             for e in np.eye(4)])
        np.testing.assert_allclose(df(x), expected, rtol=1e-6, atol=1e-8)


def test_the_emitted_code_reads_as_the_loop_in_probes() -> None:
    source = tangentlike.grad(loop_in_try, optimized=False).source
    lines = [line.strip() for line in source.splitlines()]
    assert lines.count("try:") == 2, source  # range(len(x)), then the loop's body
    assert "if stop:\n" in source and "break" in source, source
    assert "# Grad of: for i in range(len(x)):" in source, source
    assert "if step >= " in source, source
