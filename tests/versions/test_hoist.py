"""Sums of per-step products in a backward loop, one product per chunk of steps
(tangentlike/versions/hoist.py).

The rules are checked on small trees whose recorded values are set by hand, each run before
and after the rewrite on the same arrays (relative 1e-12: the terms are added in another
order); the end-to-end tests compare versions that hoist with the generic derivative (relative
1e-9) and with central finite differences (float64, relative 1e-6).
"""
from __future__ import annotations

import textwrap

import gast
import hoist_functions as hf
import numpy as np
import pytest
from support import numerical_grad

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.versions import hoist
from tangentlike.versions.dispatch import ENV

HOISTED = "Hoisted out of the loop"
F64 = np.dtype("float64")


def _matrix(*shape: int, dtype: np.dtype = F64) -> tuple:
    return (np.ndarray, shape, dtype)


SEEN = {"a": _matrix(3, 4), "x": _matrix(2, 3), "g": _matrix(2, 4), "c": _matrix(3, 4)}


def _rewritten(source: str, seen: dict[str, tuple | list] | None = None,
               exact: bool = False) -> tuple[gast.FunctionDef, str]:
    """``source``'s function after the rewrite: each name recorded with ``seen`` (a list: all
    of them, as for a name that had several shapes), each sum ``a + e`` with ``a``'s."""
    fn = gast.parse(textwrap.dedent(source)).body[0]
    seen = SEEN | (seen or {})
    for node in gast.walk(fn):
        if isinstance(node, gast.Name) and node.id in seen:
            found = seen[node.id]
            anno.info(node).seen = frozenset(found if isinstance(found, list) else [found])
    for node in gast.walk(fn):
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add) \
                and isinstance(node.left, gast.Name) and node.left.id in seen:
            anno.info(node).seen = anno.info(node.left).seen
    loops = {id(s) for s in fn.body if isinstance(s, gast.For)} if exact else set()
    hoist.hoist_products(fn, "np", loops, lambda f: {"np.sum": np.sum}.get(
        syntax.dotted_name(f)))
    return fn, emit.to_source(fn)


def _run(source: str, *args: object) -> object:
    scope: dict = {"np": np}
    exec(textwrap.dedent(source), scope)  # noqa: S102
    fn = next(v for k, v in scope.items() if k == "f")
    return fn(*args)


def _same_result(source: str, rewritten: str, *args: object) -> None:
    want = _run(source, *[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
    got = _run(rewritten, *[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
    for g, w in zip(np.atleast_1d(got) if not isinstance(got, tuple) else got,
                    np.atleast_1d(want) if not isinstance(want, tuple) else want,
                    strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


BASIC = """
    def f(xs, gs, n):
        a = np.zeros((3, 4))
        for t in range(n):
            x = xs[t]
            g = gs[t]
            a = a + x.T @ g
        return a
    """


def _steps(n: int) -> tuple[np.ndarray, np.ndarray]:
    r = np.random.default_rng(abs(n))
    return r.normal(size=(max(n, 1), 2, 3)), r.normal(size=(max(n, 1), 2, 4))


@pytest.mark.parametrize("n", [0, 1, 5, 64, 65, 130, -3])
def test_a_sum_of_products_is_one_product_per_chunk(n: int) -> None:
    _, out = _rewritten(BASIC)
    assert HOISTED in out and "x_steps[steps] = x" in out and "a = a + x.T @ g" in out, out
    assert "\n        a = a + x.T @ g\n" not in out, out  # the statement itself (only its comment)
    assert "a = a + x_steps[:steps].reshape(-1, 3).T @ g_steps[:steps].reshape(-1, 4)" in out
    assert f"if steps == {hoist.ROWS // 2}:" in out, out  # 2 rows a step
    _same_result(BASIC, out, *_steps(n), n)


def test_a_factor_changed_after_the_sum_was_copied_before() -> None:
    source = """
        def f(xs, gs, n):
            a = np.zeros((3, 4))
            x = np.zeros((2, 3))
            for t in range(n):
                x[...] = xs[t]
                g = gs[t]
                a = a + x.T @ g
                x[0, 0] = 100.0
                g = g * 0.0
            return a
        """
    _, out = _rewritten(source)
    assert HOISTED in out, out
    _same_result(source, out, *_steps(7), 7)


def test_a_factor_rebound_between_two_sums_gets_its_own_buffer() -> None:
    source = """
        def f(xs, gs, n):
            a = np.zeros((3, 4))
            c = np.zeros((3, 4))
            for t in range(n):
                x = xs[t]
                g = gs[t]
                a = a + x.T @ g
                g = g * 2.0
                c = c + x.T @ g
            return a, c
        """
    _, out = _rewritten(source)
    assert "g_steps2[steps] = g" in out and "x_steps2" not in out, out
    _same_result(source, out, *_steps(9), 9)


@pytest.mark.parametrize("change", [
    "g[0, 0] = 5.0", "y[0, 0] = 5.0", "np.copyto(y, x[:, :1] + g)", "g *= 3.0"])
def test_a_factor_changed_in_place_between_two_sums_gets_its_own_buffer(change: str) -> None:
    source = f"""
        def f(xs, gs, n):
            a = np.zeros((3, 4))
            c = np.zeros((3, 4))
            for t in range(n):
                x = xs[t]
                g = gs[t] * 1.0
                y = g
                a = a + x.T @ g
                {change}
                c = c + x.T @ g
            return a, c
        """
    _, out = _rewritten(source)
    assert HOISTED in out and "g_steps2[steps] = g" in out, out
    _same_result(source, out, *_steps(9), 9)


def test_transposed_products_and_row_sums() -> None:
    source = """
        def f(xs, gs, n):
            a = np.zeros((3, 4))
            c = np.zeros((4, 3))
            d = np.zeros(4)
            for t in range(n):
                x = xs[t]
                g = gs[t]
                a = a + x.T @ g
                c = c + g.T @ x
                d = d + np.sum(g, axis=0)
            return a, c, d
        """
    _, out = _rewritten(source, {"c": _matrix(4, 3), "d": _matrix(4)})
    assert out.count("_steps[steps] =") == 2, out  # x and g, each kept once
    assert "d = d + g_steps[:steps].reshape(-1, 4).sum(axis=0)" in out, out
    _same_result(source, out, *_steps(11), 11)


@pytest.mark.parametrize("body, seen", [
    ("a = a + x.T @ g\n                c = c + a", None),  # acc read in the loop
    ("a = a + x.T @ g\n                a = a * 1.0", None),  # acc written in the loop
    ("a = a + x.T @ g\n                if t == 2:\n                    break", None),
    ("a = a + x.T @ g\n                if t == 2:\n                    continue", None),
    ("if t > 2:\n                    a = a + x.T @ g", None),  # not every step
    ("for s in range(2):\n                    a = a + x.T @ g", None),  # an inner loop's
    ("a = a + x.T @ g", {"x": [_matrix(2, 3), _matrix(1, 3)]}),  # shapes differ by step
    ("a = a + x.T @ g", {"x": _matrix(65, 3), "g": _matrix(65, 4)}),  # steps large enough
    ("a = a + x.T @ g", {"a": _matrix(1, 4)}),  # the sum broadcasts
    ("a = a + x.T @ g", {"g": _matrix(2, 4, dtype=np.dtype("int64"))}),  # not floats
    ("a = a + a.T @ g", {"a": _matrix(2, 2), "g": _matrix(2, 2)}),  # reads acc
    ("a = a + x.T @ (g * 2.0)", None),  # a factor with no shape recorded
    ("a = a + x.T @ np.tanh(g)", None),  # a call
], ids=["read", "written", "break", "continue", "conditional", "nested", "shapes",
        "large-steps", "broadcast", "integers", "reads-acc", "unrecorded", "call"])
def test_per_step_products_are_kept(body: str, seen: dict | None) -> None:
    source = f"""
        def f(xs, gs, n):
            a = np.zeros((3, 4))
            c = np.zeros((3, 4))
            for t in range(n):
                x = xs[t]
                g = gs[t]
                {body}
            return a, c
        """
    _, out = _rewritten(source, seen)
    assert HOISTED not in out, out


def test_loops_with_else_or_in_the_primal_slice_are_kept() -> None:
    source = BASIC.replace("            a = a + x.T @ g\n",
                           "            a = a + x.T @ g\n        else:\n            a = a * 2.0\n")
    assert HOISTED not in _rewritten(source)[1]
    assert HOISTED not in _rewritten(BASIC, exact=True)[1]


# -- end to end ----------------------------------------------------------------------------------
@pytest.fixture
def first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "first")


def _rnn_args(steps: int, seed: int = 0, dtype: type = np.float64) -> tuple[np.ndarray, ...]:
    r = np.random.default_rng(seed)
    return tuple(a.astype(dtype) for a in (
        0.5 * r.normal(size=(3, 4)), 0.4 * r.normal(size=(4, 4)), 0.1 * r.normal(size=4),
        r.normal(size=(steps, 2, 3))))


def _check(f: object, args: tuple, wrt: tuple[int, ...], hoisted: bool | None,
           optimized: bool = True) -> str:
    """The version's gradient equals the generic derivative's and finite differences; its
    source (hoisted or not, as said)."""
    df = tangentlike.grad(f, wrt=wrt, optimized=optimized)
    one = len(wrt) == 1
    versions = getattr(df, "specializer", None)
    generic = (versions.generic if versions is not None else df)(*args)
    generic = (generic,) if one else generic
    df(*args)
    sources = list(getattr(df, "specialized", {}).values())
    source = sources[-1] if sources else df.source
    assert hoisted is None or (HOISTED in source) == hoisted, source
    for _ in range(2):  # new buffers every call
        got = (df(*args),) if one else df(*args)
        for g, e in zip(got, generic, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-12)
    expected = numerical_grad(f, list(args), wrt)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)
    return source


@pytest.mark.parametrize("f", [hf.rnn, hf.rnn_dot, hf.rnn_einsum],
                         ids=["matmul", "dot", "einsum"])
def test_rnn_weight_gradients_are_one_product_per_chunk(first: None, f: object) -> None:
    source = _check(f, _rnn_args(6), (0, 1, 2), hoisted=True)
    lines = [line.strip() for line in source.splitlines()]
    assert not any(line.startswith(("bWh = bWh + h.T @", "bWh += h.T @")) for line in lines)


@pytest.mark.parametrize("steps", [0, 1, 64, 65])  # 64 steps of 2 rows: one chunk exactly
def test_rnn_any_number_of_steps(first: None, steps: int) -> None:
    _check(hf.rnn, _rnn_args(steps, seed=steps), (0, 1, 2), hoisted=steps > 0)


def test_rnn_float32_keeps_its_dtype(first: None) -> None:
    # The adjoints start float32 (zeros_like) and turn float64 (the seed is a float): two
    # dtypes recorded for each sum, so it stays per step.
    args = _rnn_args(5, dtype=np.float32)
    df = tangentlike.grad(hf.rnn, wrt=(0, 1, 2))
    generic = df.specializer.generic(*args)
    df(*args)
    got = df(*args)
    for g, e in zip(got, generic, strict=True):
        assert g.dtype == e.dtype
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_rnn_with_break_and_over_rows(first: None) -> None:
    _check(hf.rnn_break, _rnn_args(6), (0, 1, 2), hoisted=True)
    _check(hf.rnn_break, _rnn_args(2), (0, 1, 2), hoisted=True)  # ends before the break
    _check(hf.rnn_over_rows, _rnn_args(6), (0, 1, 2), hoisted=True)


def test_column_form_and_a_loss_in_the_loop(first: None) -> None:
    r = np.random.default_rng(5)
    W, xs = 0.4 * r.normal(size=(4, 4)), r.normal(size=(5, 4, 3))
    source = _check(hf.column_weights, (W, xs), (0,), hoisted=True)
    assert "_T_steps[steps] = h.T" in source, source  # g @ h.T: both factors transposed
    _check(hf.loss_in_loop, (W, r.normal(size=(5, 3, 4))), (0,), hoisted=True)


def test_cases_kept_per_step_are_still_right(first: None) -> None:
    r = np.random.default_rng(6)
    W = 0.4 * r.normal(size=(4, 4))
    _check(hf.weight_used_twice, (W, r.normal(size=(5, 2, 4))), (0,), hoisted=False)
    _check(hf.nested, (W, r.normal(size=(4, 2, 4))), (0,), hoisted=False)


def test_a_state_written_in_place(first: None) -> None:
    # h[...] = ...: each step saves a copy of the state, and the sum copies its factors.
    _check(hf.rnn_in_place, _rnn_args(5), (0, 1, 2), hoisted=True)


def test_unoptimized_derivative_has_no_version(first: None) -> None:
    _check(hf.rnn, _rnn_args(4), (0, 1, 2), hoisted=False, optimized=False)


def test_hvp_of_the_rnn(first: None) -> None:
    Wx, Wh, b, xs = _rnn_args(4)
    v = np.random.default_rng(7).normal(size=Wh.shape)
    hvp = tangentlike.hvp(lambda W: hf.rnn(Wx, W, b, xs))

    def g(W: np.ndarray) -> np.ndarray:
        return tangentlike.grad(hf.rnn, wrt=(1,))(Wx, W, b, xs)

    eps = 1e-6
    expected = (g(Wh + eps * v) - g(Wh - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hvp(Wh, v), expected, rtol=1e-5, atol=1e-7)
