"""Two ``np.where`` on one mask combined by ``+``, ``-`` or ``*`` written as one selection
(tangentlike/versions/wheres.py, ``combine_selections``), and a filled adjoint only added to
written as the sum with its scalar (tangentlike/versions/fills.py, ``spread_fills``).

The tree tests pin what is rewritten and what is declined (an extra read, another mask, a
name rebound or an array written in place in between, a call that could write, a division,
sides of two dtypes or not arrays, a sum the fill does not have the shape or dtype of).  End
to end: each derivative is checked against central finite differences (``check_grad``:
the generic call, the recording call and the version, value exactly ``f(*args)``), in
forward mode and as an HVP, and the version must give what the generic derivative gives,
also where the side a mask does not pick holds inf or NaN.
"""
from __future__ import annotations

import ast
import textwrap

import gast
import numpy as np
import pytest
from support import check_grad

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.versions.fills import spread_fills
from tangentlike.versions.wheres import combine_selections

RNG = np.random.default_rng(18)
F64 = (np.ndarray, (5,), np.dtype("float64"))
F32 = (np.ndarray, (5,), np.dtype("float32"))
FUNCS = {"np.where": np.where, "np.full": np.full, "np.exp": np.exp, "np.sum": np.sum}


def _resolve(f: gast.expr):
    return FUNCS.get(syntax.dotted_name(f))


def _tree(source: str, seen: dict[str, tuple]) -> gast.FunctionDef:
    """``source``'s function with ``seen`` recorded on each name and each binary operation
    (keyed by its text) it lists, as the instrumented run records them."""
    fn = gast.parse(textwrap.dedent(source)).body[0]
    for node in syntax.walk(fn):
        key = node.id if isinstance(node, gast.Name) else (
            ast.unparse(gast.gast_to_ast(node)) if isinstance(node, gast.BinOp) else None)
        if key in seen:
            anno.info(node).seen = frozenset({seen[key]})
    return fn


def _combined(source: str, **seen: tuple) -> str:
    operations = ("lo - hi", "hi - lo", "lo / hi", "hi * lo", "lo + hi", "a * b", "a - b")
    fn = _tree(source, {n: F64 for n in ("l1", "l2", "u", "v", *operations)} | seen)
    combine_selections(fn, _resolve)
    return emit.to_source(fn)


SELECTIONS = """
    def f(l1, l2, u, v):
        c = l1 > l2
        hi = np.where(c, l1, l2)
        lo = np.where(c, l2, l1)
        {between}
        t = np.exp({combined})
        return t
    """


@pytest.mark.parametrize(("combined", "expected"), [
    ("lo - hi", "t = np.exp(np.where(c, l2 - l1, l1 - l2))"),
    ("hi - lo", "t = np.exp(np.where(c, l1 - l2, l2 - l1))"),
    ("hi * lo", "t = np.exp(l1 * l2)"),  # (the mask does not widen l1 * l2)
    ("lo + hi", "t = np.exp(l2 + l1)"),
])
def test_two_selections_on_one_mask_are_one(combined: str, expected: str) -> None:
    out = _combined(SELECTIONS.format(between="", combined=combined), **{"l1 * l2": F64})
    assert expected in out and "hi =" not in out and "lo =" not in out, out


def test_the_sides_combined_need_not_be_swapped() -> None:
    out = _combined("""
        def f(l1, l2, u, v):
            c = l1 > l2
            a = np.where(c, l1, u)
            b = np.where(c, v, l2)
            t = a * b
            return t
        """)
    assert "t = np.where(c, l1 * v, u * l2)" in out and out.count("np.where") == 1, out


def test_a_mask_that_widens_the_sum_stays() -> None:
    out = _combined(SELECTIONS.format(between="", combined="hi + lo"),
                    c=(np.ndarray, (3, 5), np.dtype(bool)),
                    **{"hi + lo": (np.ndarray, (3, 5), np.dtype("float64"))})
    assert "np.where(c, l1 + l2, l2 + l1)" in out, out


@pytest.mark.parametrize("between", [
    "c = l1 < l2",  # the mask rebound
    "l1 = u * 2.0",  # a side rebound
    "l2[0] = 0.0",  # an array written in place
    "w = helper(l1)",  # a call that could write
    "w = np.exp(l1, out=u)",  # a ufunc that writes
    "w = np.exp(l1, u)",  # (its out given by position)
    "w = np.sum(l1, 0, None, u)",
    "w = hi * 2.0",  # a selection read twice
])
def test_no_combination_when_something_in_between_may_change_it(between: str) -> None:
    out = _combined(SELECTIONS.format(between=between, combined="lo - hi"))
    assert out.count("np.where") == 2 and "lo - hi" in out, out


@pytest.mark.parametrize(("combined", "seen"), [
    ("lo / hi", {}),  # a side not picked may be zero
    ("lo - hi", {"u": F32, "l1": F32}),  # sides of two dtypes: l1 - l2 would round otherwise
    ("lo - hi", {"l1": (float, (), None)}),  # a Python float side
    ("lo - hi", {"l1": (np.ndarray, (5,), np.dtype("int64")),
                 "l2": (np.ndarray, (5,), np.dtype("int64"))}),  # not floating point
    ("lo - hi", {n: (np.ndarray, (), np.dtype("float64"))  # 0-d: lo - hi is a scalar
                 for n in ("l1", "l2", "lo - hi")}),
])
def test_no_combination_of_other_operations_or_dtypes(combined: str, seen: dict) -> None:
    out = _combined(SELECTIONS.format(between="", combined=combined), **seen)
    assert out.count("np.where") == 2, out


def test_two_masks_and_names_bound_twice_stay() -> None:
    out = _combined("""
        def f(l1, l2, u, v):
            c = l1 > l2
            d = l1 < l2
            hi = np.where(c, l1, l2)
            lo = np.where(d, l2, l1)
            t = lo - hi
            a = np.where(c, l1, l2)
            a = np.where(c, a, u)
            b = np.where(c, l2, l1)
            s = a - b
            return t, s
        """)
    assert out.count("np.where") == 5, out


def _spread(source: str, **seen: tuple) -> str:
    fn = _tree(source, {"y": F64, "g": (float, (), None), "b - y": F64, "b + y": F64,
                        "y + b": F64} | seen)
    spread_fills(fn, _resolve)
    return emit.to_source(fn)


@pytest.mark.parametrize(("total", "expected"), [
    ("b - y", "b = g - y"), ("b + y", "b = g + y"), ("y + b", "b = y + g"),
])
def test_a_fill_only_added_to_is_its_scalar_broadcast(total: str, expected: str) -> None:
    out = _spread(f"""
        def f(g, y):
            b = np.full((5,), g)
            t = y * 2.0
            b = {total}
            return b, t
        """)
    assert expected in out and "np.full" not in out, out


@pytest.mark.parametrize(("between", "total", "seen"), [
    ("t = b * 2.0", "b - y", {}),  # the fill is read
    ("g = y.sum()", "b - y", {}),  # the scalar rebound
    ("", "b * y", {}),  # not a sum
    ("", "y - b", {"y - b": F64}),  # (not written: b on the right of a difference)
    ("", "b - y", {"y": F32, "b - y": F64}),  # the sum is not in y's dtype
    ("", "b - y", {"y": (np.ndarray, (1,), np.dtype("float64"))}),  # y broadcast by the fill
    ("", "b - y", {"g": (np.ndarray, (), np.dtype("float64"))}),  # a 0-d array may change
])
def test_a_fill_stays(between: str, total: str, seen: dict) -> None:
    out = _spread(f"""
        def f(g, y):
            b = np.full((5,), g)
            {between or "pass"}
            b = {total}
            return b
        """, **seen)
    assert "np.full((5,), g)" in out, out


# End to end.

def lse_two(w, mu, x):
    l1 = -np.log1p(np.exp(-w)) - 0.5 * (x - mu[0]) ** 2
    l2 = -np.log1p(np.exp(w)) - 0.5 * (x - mu[1]) ** 2
    hi = np.where(l1 > l2, l1, l2)
    lo = np.where(l1 > l2, l2, l1)
    return np.sum(hi + np.log1p(np.exp(lo - hi)))


def masked_difference(x, y, m):
    c = m > 0.0
    p = np.where(c, x * y, y)
    q = np.where(c, y, 2.0 * x)
    return np.sum(np.sin(p - q))


def flagged_sum(x, y, flag):
    p = np.where(flag, x, y)
    q = np.where(flag, y, x)
    return np.sum(np.cos(p + q) * x)


def written_between(x, y, m):
    z = x * 1.0
    c = m > 0.0
    p = np.where(c, z, y)
    z[0] = 5.0
    q = np.where(c, y, z)
    return np.sum(np.sin(p - q))


def looped(x, y, m, n):
    c = m > 0.0
    s = 0.0
    for _ in range(n):
        p = np.where(c, x, y)
        q = np.where(c, y, x)
        s = s + np.sum(np.sin(p - q))
        x = x * 0.9
    return s


def _vec(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


CASES = [
    (lse_two, (0.3, np.array([-0.5, 0.8]), _vec(9)), (0, 1)),
    (masked_difference, (_vec(6), _vec(6), _vec(6)), (0, 1)),
    (masked_difference, (_vec(1, 5), _vec(5), _vec(4, 1)), (0, 1)),  # the mask broadcasts
    (masked_difference, (_vec(3, 5), _vec(5), _vec(3, 5)), (0, 1)),  # sides' shapes differ
    (flagged_sum, (_vec(5), _vec(5), True), (0, 1)),  # a Python bool mask
    (flagged_sum, (_vec(5), _vec(5), False), (0, 1)),
    (written_between, (_vec(6), _vec(6), _vec(6)), (0, 1)),
    (looped, (_vec(5), _vec(5), _vec(5), 3), (0, 1)),
    (looped, (_vec(5), _vec(5), _vec(5), 0), (0, 1)),  # a loop that runs no time
]


@pytest.mark.parametrize(("f", "args", "wrt"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_derivatives_match_finite_differences(f, args, wrt) -> None:
    check_grad(f, args, wrt=wrt)
    check_grad(f, args, wrt=wrt, optimized=False)


def _wheres(f, args: tuple, wrt: tuple, **options) -> int:
    """How many ``np.where`` calls the version of ``grad(f)`` for ``args`` makes."""
    df = tangentlike.grad(f, wrt=wrt, **options)
    df(*args), df(*args)
    version = df.version_for(*args)
    assert version.kind == "shapes", version.reason
    code = "\n".join(line for line in version.source.splitlines()
                     if not line.strip().startswith("#"))
    return code.count("np.where(")


@pytest.mark.parametrize(("f", "args", "fewer"), [
    (lse_two, CASES[0][1], 1), (masked_difference, CASES[1][1], 1),
    (masked_difference, CASES[2][1], 1),
    (flagged_sum, CASES[4][1], 2)])  # p + q is x + y: no selection left
def test_versions_make_fewer_selections(f, args, fewer: int, monkeypatch) -> None:
    # (the swapped pairs and flipped differences left written as bit operations:
    # test_selections_swapped.py, test_selections_flipped.py)
    monkeypatch.setattr("tangentlike.versions.lower.swap_selections", lambda *a: False)
    monkeypatch.setattr("tangentlike.versions.lower.flip_selections", lambda *a: False)
    combined = _wheres(f, args, (0, 1))
    monkeypatch.setattr("tangentlike.versions.lower.combine_selections", lambda *a: False)
    tangentlike.clear_cache()
    assert combined == _wheres(f, args, (0, 1)) - fewer


def test_versions_keep_selections_written_between_and_fill_no_lse_adjoint() -> None:
    assert _wheres(written_between, CASES[6][1], (0, 1)) == 5  # z[0] = 5.0 in between
    source = tangentlike.grad(lse_two, wrt=(0, 1)).source_for(*CASES[0][1])
    assert "np.full" not in source, source


def guarded_product(x, y, m):
    c = m > 0.0
    p = np.where(c, x * y, y)
    q = np.where(c, y, 2.0 * y)
    return np.sum(np.sin(p - q))


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_sides_not_picked_do_not_reach_the_result(bad: float) -> None:
    x, y, m = _vec(8), _vec(8), _vec(8)
    m[::2] = -1.0  # the mask is False there: p picks y, and x * y is not picked ...
    x[::2] = bad  # ... so x * y - y, combined, is inf or NaN there, and not picked either
    m[1::2] = 1.0
    df = tangentlike.grad(guarded_product, wrt=(0,), preserve_result=True)
    with np.errstate(all="ignore"):
        generic = df.specializer.generic(x, y, m)
        calls = [df(x, y, m) for _ in range(3)]  # generic, recording, version
        expected = guarded_product(x, y, m)
    assert np.isfinite(expected) and np.all(np.isfinite(generic[0]))
    assert _wheres(guarded_product, (x, y, m), (0,), preserve_result=True) == 2
    for got in calls:
        np.testing.assert_array_equal(got[0], generic[0])
        assert got[1] == expected


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_versions_equal_the_generic_derivative_in_each_dtype(dtype) -> None:
    x, y, m = (_vec(7).astype(dtype) for _ in range(3))
    for f, args in [(masked_difference, (x, y, m)), (flagged_sum, (x, y, True)),
                    (lse_two, (0.3, np.array([-0.5, 0.8], dtype), _vec(9).astype(dtype)))]:
        df = tangentlike.grad(f, wrt=(0, 1))
        generic = df.specializer.generic(*args)
        df(*args), df(*args)
        assert df.version_for(*args).kind == "shapes"
        for got, want in zip(df(*args), generic):
            assert np.asarray(got).dtype == np.asarray(want).dtype
            np.testing.assert_allclose(got, want, rtol=1e-6 if dtype is np.float32 else 1e-13)


def test_mixed_dtypes_keep_two_selections() -> None:
    x, y, m = _vec(7).astype(np.float32), _vec(7), _vec(7)
    df = tangentlike.grad(masked_difference, wrt=(0, 1))
    generic = df.specializer.generic(x, y, m)
    df(x, y, m), df(x, y, m)
    for got, want in zip(df(x, y, m), generic):
        np.testing.assert_allclose(got, want, rtol=1e-13)


def test_forward_mode_and_hvp() -> None:
    x, y, m = CASES[1][1]
    v = _vec(6)
    h = 1e-6
    _, tangent = tangentlike.jvp(masked_difference, wrt=0)((x, y, m), (v,))
    expected = (masked_difference(x + h * v, y, m) - masked_difference(x - h * v, y, m)) / (2 * h)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)
    w, mu, xs = CASES[0][1]
    u = _vec(9)
    _, tangent = tangentlike.jvp(lse_two, wrt=2)((w, mu, xs), (u,))
    fd = (lse_two(w, mu, xs + h * u) - lse_two(w, mu, xs - h * u)) / (2 * h)
    np.testing.assert_allclose(tangent, fd, rtol=1e-6)
    g = tangentlike.grad(masked_difference, wrt=0)
    dh = tangentlike.hvp(masked_difference, wrt=0)
    for _ in range(3):  # generic, recording, version
        hv = dh(x, y, m, v)
    np.testing.assert_allclose(hv, (g(x + h * v, y, m) - g(x - h * v, y, m)) / (2 * h),
                               rtol=1e-5, atol=1e-8)
