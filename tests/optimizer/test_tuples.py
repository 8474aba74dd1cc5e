"""Tuples read only by their items (optimizer/tuples.py, issue 18's fourteenth round): one
name per item read, a copy right after the tuple bound at once, the items never read gone.

Each rewrite is checked by running the function before and after on the same arguments
(arrays, so that an item that is a view, or an array written in place between the tuple
and the read, shows any difference), and the cases it must leave alone are left alone.
"""
from __future__ import annotations

import numpy as np
import pytest
from optimizer_cases import generated_function

from tangentlike.backend import emit
from tangentlike.optimizer.tuples import split_tuples


def _run(fn_source: str, *args: object) -> object:
    scope: dict = {"np": np}
    exec(fn_source, scope)
    name = next(k for k in scope if k not in ("np", "__builtins__"))
    return scope[name](*(a.copy() if isinstance(a, np.ndarray) else a for a in args))


def _split(source: str) -> tuple[bool, str]:
    fn = generated_function(source)
    changed = split_tuples(fn)
    return changed, emit.to_source(fn)


def _same(before: str, after: str, *args: object) -> None:
    expected, got = _run(before, *args), _run(after, *args)
    for e, g in zip(expected, got, strict=True):
        np.testing.assert_array_equal(g, e)


A = np.arange(6.0)

JOIN = """
def f(a, k):
    for _ in range(3):
        parts = a[0:1], a[1:5], a[5:6]
        inner = parts[1]
        a = a.copy()
        a[1:5] += k * inner
    return a, inner
"""


def test_a_copy_right_after_is_bound_at_once_and_unread_items_go() -> None:
    changed, after = _split(JOIN)
    assert changed
    assert "parts" not in after and "inner = a[1:5]\n" in after, after
    _same(JOIN, after, A, 0.5)


WRITTEN_BETWEEN = """
def f(a, b):
    t = a[0:2], a[2:4], b
    a[0:2] += 1.0
    b = b * 2.0
    return t[0] + t[2], t[1], b
"""


def test_a_view_written_in_between_and_an_element_rebound_read_the_same() -> None:
    changed, after = _split(WRITTEN_BETWEEN)
    assert changed
    assert "t_0 = a[0:2]" in after and "t_2 = b" in after and "t_0 + t_2" in after, after
    _same(WRITTEN_BETWEEN, after, A, np.ones(2))


IN_A_LOOP = """
def f(a):
    s = a[0:1]
    for i in range(3):
        s = s + pair[1] if i else s  # the tuple of the step before
        pair = a[i:i + 1], a[i + 1:i + 2] * 2.0
    return s, pair[0]
"""


def test_a_read_of_the_step_before_reads_the_item_of_the_step_before() -> None:
    changed, after = _split(IN_A_LOOP)
    assert changed and "pair_1 = a[i + 1:i + 2] * 2.0" in after, after
    _same(IN_A_LOOP, after, A)


ELEMENT_READS_THE_COPY = """
def f(x, y):
    t = x * 2.0, y * 3.0
    y = t[0]
    z = t[1]
    return y, z
"""


def test_a_copy_whose_name_an_element_reads_is_not_bound_early() -> None:
    changed, after = _split(ELEMENT_READS_THE_COPY)
    assert changed and "y = x * 2.0\n" not in after, after
    _same(ELEMENT_READS_THE_COPY, after, A, A + 1.0)


@pytest.mark.parametrize("source", [
    # read whole
    "def f(a):\n    t = a[0:1], a[1:2]\n    return len(t), t[0]\n",
    "def f(a):\n    t = a[0:1], a[1:2]\n    return t\n",
    # an index that is not a literal, a slice, one out of range
    "def f(a, i):\n    t = a[0:1], a[1:2]\n    return t[i]\n",
    "def f(a):\n    t = a[0:1], a[1:2]\n    return t[0:1]\n",
    "def f(a):\n    t = a[0:1], a[1:2]\n    return t[2]\n",
    # bound twice, or a parameter
    "def f(a):\n    t = a[0:1], a[1:2]\n    t = a[2:3], a[1:2]\n    return t[0]\n",
    "def f(a, t):\n    t = a[0:1], a[1:2]\n    return t[0]\n",
    # a starred element
    "def f(a):\n    t = *a, 1.0\n    return t[0]\n",
])
def test_left_alone(source: str) -> None:
    changed, after = _split(source)
    assert not changed, after
