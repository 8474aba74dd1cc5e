"""A factor of a hoisted sum computed straight into its buffer (tangentlike/versions/hoist.py,
``_computed_into``): ``g = u * v`` then ``a = a + x.T @ g`` in a loop becomes
``g = g_steps[steps]``, ``np.multiply(u, v, out=g)``, with no copy of ``g``.

The tree tests pin what is rewritten and what is declined (a read that could keep a view or
write, a value that lives from one step to the next or after the loop, a second binding, a
result of another shape, an operation that is not a ufunc's); each is run before and after
the rewrite on the same arrays.  End to end, the RNN's versions compute the tanh adjoint into
its buffer and give the generic derivative's numbers and finite differences' (0, 1, 65
steps, float32).
"""
from __future__ import annotations

import textwrap

import gast
import hoist_functions as hf
import input_functions as inf
import numpy as np
import pytest
from support import numerical_grad
from test_hoist import _matrix, _same_result, _steps

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.versions import hoist
from tangentlike.versions.dispatch import ENV

SEEN = {"u": _matrix(2, 4), "v": _matrix(2, 4), "g": _matrix(2, 4), "u * v": None}
INTO = "np.multiply(u, v, out=g)"

LOOP = """
    def f(xs, gs, n):
        a = np.zeros((3, 4))
        {before}
        for t in range(n):
            x = xs[t]
            u = gs[t]
            v = gs[t] * 2.0
            g = u * v
            {between}
            a = a + x.T @ g
            {after}
        return a
    """


def _out(source: str, seen: dict | None = None) -> str:
    """``source`` after the rewrite: each name recorded as in ``SEEN`` (and ``seen``), the
    sums with ``a``'s shape, the product ``u * v`` as a (2, 4) float64 array unless said."""
    seen = {"a": _matrix(3, 4), "x": _matrix(2, 3)} | SEEN | (seen or {})
    product = seen.pop("u * v") or _matrix(2, 4)
    fn = gast.parse(textwrap.dedent(source)).body[0]
    for node in gast.walk(fn):
        if isinstance(node, gast.Name) and node.id in seen:
            anno.info(node).seen = frozenset([seen[node.id]])
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add) \
                and syntax.is_name(node.left, "a"):
            anno.info(node).seen = frozenset([seen["a"]])
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult) \
                and syntax.is_name(node.left, "u"):
            anno.info(node).seen = frozenset([product])
    hoist.hoist_products(fn, "np", set(), lambda f: None)
    return emit.to_source(fn)


@pytest.mark.parametrize("n", [0, 1, 5, 64, 65, 130])
def test_the_factor_is_computed_into_its_buffer(n: int) -> None:
    source = LOOP.format(before="", between="", after="")
    out = _out(source)
    assert "g = g_steps[steps]" in out and INTO in out, out
    assert "g_steps[steps] = g" not in out and "(g is computed into g_steps above)" in out, out
    xs, gs = _steps(n)
    _same_result(source, out, xs, gs, n)


@pytest.mark.parametrize(("before", "between", "after"), [
    ("", "w = np.exp(g)", ""),  # a call could keep or write the buffer
    ("", "w = g.T", ""),  # a view of it
    ("", "w = g", ""),  # another name for it
    ("", "g[0] = 1.0", ""),  # written in place
    ("", "", "g = g * 2.0"),  # bound twice
    ("", "", "w = g[0] * 2.0"),  # read through an item
    ("g = np.zeros((2, 4))", "", ""),  # named outside the loop: lives on
    ("", "", "w = g.sum()"),  # a method could keep a view
])
def test_the_factor_is_copied_otherwise(before: str, between: str, after: str) -> None:
    source = LOOP.format(before=before, between=between, after=after)
    out = _out(source)
    assert "g_steps[steps] = g" in out and "out=g" not in out, out


def test_a_factor_read_before_its_binding_is_copied() -> None:
    source = LOOP.format(before="", between="", after="").replace(
        "u = gs[t]", "u = gs[t]\n            w = u if t == 0 else u")
    out = _out(source)
    assert INTO in out, out  # (u is not the factor: g still is computed into its buffer)
    source = """
        def f(xs, gs, n):
            a = np.zeros((3, 4))
            for t in range(n):
                x = xs[t]
                u = gs[t]
                v = gs[t] * 2.0
                w = x * 1.0
                g = u * v
                a = a + x.T @ g
            return a
        """
    out = _out(source)
    assert INTO in out, out
    xs, gs = _steps(7)
    _same_result(source, out, xs, gs, 7)


@pytest.mark.parametrize("seen", [
    {"u * v": _matrix(1, 4)},  # recorded with another shape than the buffer's slot
    {"u * v": _matrix(2, 4, dtype=np.dtype("float32"))},  # another dtype
])
def test_a_result_unlike_the_buffer_is_copied(seen: dict) -> None:
    out = _out(LOOP.format(before="", between="", after=""), seen)
    assert "out=g" not in out, out


def test_a_matrix_product_is_copied() -> None:
    out = _out(LOOP.format(before="", between="", after="").replace("g = u * v", "g = u @ v"))
    assert "out=g" not in out and "g_steps[steps] = g" in out, out


# End to end.

@pytest.fixture
def first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "first")


def _args(steps: int, dtype: type = np.float64) -> tuple[np.ndarray, ...]:
    r = np.random.default_rng(steps)
    return tuple(a.astype(dtype) for a in (
        0.5 * r.normal(size=(3, 4)), 0.4 * r.normal(size=(4, 4)), 0.1 * r.normal(size=4),
        r.normal(size=(steps, 2, 3))))


@pytest.mark.parametrize("steps", [0, 1, 65])
@pytest.mark.parametrize("f", [hf.rnn, hf.rnn_dot, hf.rnn_einsum, inf.rnn_method,
                               inf.rnn_tensordot, inf.rnn_bias_first],
                         ids=["matmul", "dot", "einsum", "method", "tensordot", "bias-first"])
def test_rnn_versions_compute_the_adjoint_into_its_buffer(first: None, f: object,
                                                          steps: int) -> None:
    args = _args(steps)
    df = tangentlike.grad(f, wrt=(0, 1, 2))
    generic = df.specializer.generic(*args)
    df(*args)
    source = df.source_for(*args)
    assert ("is computed into" in source and ", out=" in source) == (steps > 0), source
    for _ in range(2):
        for got, want in zip(df(*args), generic, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    for got, want in zip(df(*args), numerical_grad(f, list(args), (0, 1, 2)), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def rnn_typed(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]), dtype=xs.dtype)
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return 0.5 * np.sum(h ** 2)


def test_rnn_float32(first: None) -> None:
    args = _args(9, np.float32)
    df = tangentlike.grad(rnn_typed, wrt=(0, 1, 2))
    generic = df.specializer.generic(*args)
    df(*args)
    assert "is computed into" in df.source_for(*args)
    for got, want in zip(df(*args), generic, strict=True):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
