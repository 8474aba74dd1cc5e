"""Loops over ``zip``, ``enumerate`` and ``reversed``, nested in each other, with nested tuple
targets: desugar makes them loops over an index (``for k in range(...)``, ``a = xs[k]``,
``reversed``: ``xs[-1 - k]``).  Each is checked in reverse (joint/split, optimized or not),
forward and HVP against finite differences and ``f`` itself (``oracle.check_everywhere``)."""
from __future__ import annotations

import numpy as np
import pytest
from oracle import check_everywhere
from support import make_function

import tangentlike

X = np.array([0.3, -0.7, 1.1])


def reversed_list(x):
    xs = [x, 2.0 * x, np.sin(x)]
    s = 0.0
    for v in reversed(xs):
        s = s * 0.5 + np.sum(np.cos(v))
    return s


def reversed_rows(x):
    m = np.outer(x, x)
    s = 0.0
    for row in reversed(m):
        s = np.tanh(s + np.sum(row * x))
    return s


def enumerate_zip(x):
    xs = [x, 2.0 * x]
    ws = [1.0, 3.0]
    s = 0.0
    for i, (v, w) in enumerate(zip(xs, ws)):
        s = s + w * np.sum(np.sin(v)) * (i + 1)
    return s


def zip_reversed(x):
    xs = [x, x * x, np.exp(x)]
    ys = [np.cos(x), x, 1.0]
    s = 0.0
    for a, b in zip(reversed(xs), ys):
        s = s + np.sum(a * b)
    return s


def enumerate_reversed(x):
    xs = [x, np.sin(x)]
    s = 0.0
    for i, v in enumerate(reversed(xs)):
        s = s + (i + 2.0) * np.sum(v * v)
    return s


def reversed_range(x):
    s = x
    for i in reversed(range(3)):
        s = np.sin(s) * (i + 1.0)
    return np.sum(s)


@pytest.mark.parametrize("f", [reversed_list, reversed_rows, enumerate_zip, zip_reversed,
                               enumerate_reversed, reversed_range],
                         ids=lambda f: f.__name__)
def test_iteration_forms(f):
    check_everywhere(f, [X.copy()])


def test_reversed_reads_from_the_end():
    source = tangentlike.grad(reversed_list, optimized=False).source
    assert "= -1 - k" in source, source


# A module of its own, whose ``reversed`` is the user's function, not the builtin.
SHADOWED = make_function("""
def reversed(xs):
    return xs


def shadowed(x):
    xs = [x, 2.0 * x]
    s = 0.0
    for v in reversed(xs):
        s = s * 3.0 + np.sum(v)
    return s
""", name="shadowed")


def test_a_shadowed_iterator_is_not_taken_for_the_builtin():
    # Read as the builtin, the loop would run backwards: the user's reversed keeps the order.
    # A loop over a user function's result is refused today, by name, never reversed.
    with pytest.raises(tangentlike.TangentlikeError, match="for loop over a variable"):
        tangentlike.grad(SHADOWED)(X.copy())
