"""``return`` inside ``for`` and ``while`` loops: desugar makes it ``result = v;
returned = True; break`` (leaving enclosing loops too), and what follows the outermost loop
runs under ``if not returned:``.  Each form is checked in reverse (joint/split, optimized or
not), forward and HVP against finite differences and ``f`` itself
(``oracle.check_everywhere``), at points where the loop returns early and where it does not.
"""
from __future__ import annotations

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike

EARLY = np.array([0.3, -0.7, 1.1])
LATE = np.array([0.05, -0.02, 0.01])


def in_for(x):
    for i in range(5):
        x = np.sin(x) * 1.5
        if np.sum(x * x) > 1.0:
            return np.sum(x) * (i + 1.0)
    return np.sum(x * 2.0)


def in_while(x):
    n = 0
    while n < 6:
        x = x * 1.3 + 0.1
        n += 1
        if np.max(x) > 1.5:
            return np.sum(np.tanh(x))
    return np.sum(x)


def in_nested_loops(x):
    for i in range(3):
        for j in range(3):
            x = np.cos(x) + 0.2 * x
            if np.sum(x) > 2.5 + j:
                return np.sum(x * x)
        x = x * 1.1
    return np.sum(x) - 1.0


def loop_in_a_branch(x):
    s = np.sum(x)
    if s > -5.0:
        for i in range(4):
            x = x * 1.4
            if np.sum(x * x) > 3.0:
                return np.sum(np.exp(x))
    y = np.sin(x)
    return np.sum(y * x)


def with_continue_and_break(x):
    total = 0.0
    for i in range(6):
        x = x * 1.2
        if i == 1:
            continue
        if np.sum(x * x) > 8.0:
            return total + np.sum(x)
        if i == 4:
            break
        total = total + np.sum(np.sin(x))
    return total * 2.0


def never_returns_early(x):
    for i in range(3):
        if i > 10:
            return np.sum(x)
        x = np.sin(x)
    return np.sum(x * x)


FUNCTIONS = [in_for, in_while, in_nested_loops, loop_in_a_branch, with_continue_and_break,
             never_returns_early]


@pytest.mark.parametrize("x", [EARLY, LATE], ids=["early", "late"])
@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_return_inside_a_loop(f, x):
    check_everywhere(f, [x.copy()])


def test_the_flag_is_in_the_derivative():
    source = tangentlike.grad(in_for, optimized=False).source
    assert "returned = True" in source and "not returned" in source, source


def documented(x):
    """A docstring stays the docstring: the flag is set after it."""
    for i in range(3):
        x = np.sin(x)
        if i == 1:
            return np.sum(x)
    return np.sum(x * x)


def test_a_docstring_is_not_left_as_a_statement():
    source = tangentlike.grad(documented, optimized=False).source
    assert "'A docstring" not in source and '"A docstring' not in source, source
    check_everywhere(documented, [EARLY.copy()])
