"""Adjoints accumulated in place in versions by shape (tangentlike/versions/inplace.py).

``a = a + e`` may become ``a += e`` only where no other name can hold ``a``'s array and the sum
keeps ``a``'s shape and dtype.  The rules are checked on small trees whose recorded values are
set by hand; the end-to-end tests compare versions that use ``+=`` with the generic derivative
(relative 1e-9, rounding only) and with central finite differences (float64, step 1e-6,
relative 1e-6).
"""
from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest
import shape_functions as sf
from support import numerical_grad

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.versions.dispatch import ENV
from tangentlike.versions.inplace import accumulate_in_place

VECTOR = (np.ndarray, (3,), np.dtype("float64"))
MATRIX = (np.ndarray, (2, 3), np.dtype("float64"))
SINGLE = (np.ndarray, (3,), np.dtype("float32"))


def _rewritten(source: str, seen: dict[str, tuple] | None = None,
               sums: tuple | None = VECTOR) -> str:
    """``source``'s function after the rewrite; names are recorded with ``seen`` (default:
    all float64 vectors), sums ``a + e`` with ``sums``."""
    fn = gast.parse(textwrap.dedent(source)).body[0]
    seen = seen or {}
    for node in gast.walk(fn):
        if isinstance(node, gast.Name):
            anno.info(node).seen = frozenset({seen.get(node.id, VECTOR)})
        elif isinstance(node, gast.BinOp) and sums is not None:
            anno.info(node).seen = frozenset({sums})
    accumulate_in_place(fn, lambda f: {"np.zeros": np.zeros}.get(syntax.dotted_name(f)))
    return emit.to_source(fn)


def test_a_sum_into_a_new_array_is_made_in_place() -> None:
    out = _rewritten("""
        def f(g, h):
            a = np.zeros(3)
            for i in range(4):
                a = a + g * h
            return a
        """)
    assert "a += g * h" in out, out


def test_a_sum_started_by_arithmetic_is_made_in_place() -> None:
    out = _rewritten("""
        def f(g, h):
            a = g * h
            a = a + h
            return a
        """)
    assert "a += h" in out, out


@pytest.mark.parametrize("source", [
    # the first value is an argument's array: += would change the caller's array
    """
    def f(g, h):
        a = g
        a = a + h
        return a
    """,
    # a parameter accumulated into
    """
    def f(a, h):
        a = a + h
        return a
    """,
    # another name holds the array
    """
    def f(g, h):
        a = np.zeros(3)
        c = a
        a = a + h
        return a, c
    """,
    # a saved array: the stack holds it
    """
    def f(g, h):
        stack = []
        a = np.zeros(3)
        stack.append(a)
        a = a + h
        return a, stack
    """,
    # read by a loop's header
    """
    def f(g, h):
        a = np.zeros(3)
        for x in a:
            a = a + h
        return a
    """,
], ids=["argument", "parameter", "alias", "saved", "loop-header"])
def test_no_rewrite_where_another_name_may_hold_the_array(source: str) -> None:
    assert "+=" not in _rewritten(source)


def test_no_rewrite_when_the_sum_changes_shape_or_dtype() -> None:
    source = """
        def f(g, h):
            a = np.zeros(3)
            a = a + h
            return a
        """
    assert "+=" not in _rewritten(source, sums=MATRIX)  # broadcasts to a larger array
    assert "+=" not in _rewritten(source, sums=SINGLE)  # another dtype
    assert "+=" not in _rewritten(source, sums=None)  # nothing recorded


# -- end to end ----------------------------------------------------------------------------------
@pytest.fixture
def first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "first")


def test_rnn_version_accumulates_weight_gradients_in_place(first: None) -> None:
    r = np.random.default_rng(3)
    Wh, b, xs = 0.5 * r.normal(size=(4, 4)), r.normal(size=4), r.normal(size=(6, 3, 4))
    df = tangentlike.grad(sf.rnn, wrt=(0, 1))
    generic = df.specializer.generic(Wh, b, xs)
    df(Wh, b, xs)
    (source,) = df.specialized.values()
    assert "bWh += " in source and "bb += " in source, source
    for _ in range(2):  # the arrays are new on every call: a second call is not off by one
        got = df(Wh, b, xs)
        for g, e in zip(got, generic, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-12)
    expected = numerical_grad(sf.rnn, [Wh, b, xs], (0, 1))
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)


def test_float32_weights_keep_the_dtype_of_the_sum(first: None) -> None:
    r = np.random.default_rng(4)
    Wh, b = (0.5 * r.normal(size=(4, 4))).astype(np.float32), r.normal(size=4)
    xs = r.normal(size=(5, 3, 4))
    df = tangentlike.grad(sf.rnn, wrt=(0, 1))
    generic = df.specializer.generic(Wh, b, xs)
    df(Wh, b, xs)
    got = df(Wh, b, xs)
    for g, e in zip(got, generic, strict=True):
        assert np.asarray(g).dtype == np.asarray(e).dtype
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-12)
