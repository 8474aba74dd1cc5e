"""Adjoints of slice reads added in place (``bu[1:-1] += g``, tangentlike/versions/inplace.py)
and versions for ``np.where`` with a computed mask (tangentlike/versions/static.py).

End to end: each derivative is checked against central finite differences (float64, step
1e-6, ``check_grad``: rtol 1e-5) at the generic call, the recording call and the version,
and its value must equal ``f(*args)`` exactly; the version's gradients must equal the
generic derivative's to rounding (rtol 1e-12).  The tree tests pin which sums are rewritten
when a view of the adjoint may still be held.
"""
from __future__ import annotations

import textwrap

import gast
import numpy as np
import pytest
from support import check_grad

import tangentlike
from tangentlike import runtime
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.runtime.shapes import split_like
from tangentlike.versions.inplace import accumulate_in_place
from tangentlike.versions.wheres import merge_selections, share_comparisons

VECTOR = (np.ndarray, (5,), np.dtype("float64"))


def heat(u, k):
    for _ in range(7):
        inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        u = np.concatenate((u[:1], inner, u[-1:]))
    return 0.5 * np.sum(u * u)


def overlapping(u):
    a = u[::2] * u[1::2]
    b = u[-1] * u[0] + np.sum(u[1:4] ** 2)
    return np.sum(a * a) + b * np.sum(u[:-1])


def grid(m):
    for _ in range(3):
        m = m + 0.1 * (m[:, ::-1] - m) * m[0]
        m = np.concatenate((m[:1], 0.5 * m[1:, :] + m[:-1, :]), axis=0)
    return np.sum(np.sin(m))


def repeated_index(u):
    idx = np.array([0, 2, 2, 4])
    v = u
    for _ in range(3):
        v = v + v[idx].sum() * v[1:-1].mean()
    return np.sum(v * u[idx].sum())


def mixture(w, mu, x):
    l1 = -np.log1p(np.exp(-w)) - 0.5 * (x - mu[0]) ** 2
    l2 = -np.log1p(np.exp(w)) - 0.5 * (x - mu[1]) ** 2
    hi = np.where(l1 > l2, l1, l2)
    lo = np.where(l1 > l2, l2, l1)
    return np.sum(hi + np.log1p(np.exp(lo - hi)))


def two_masks(a, b, x):
    hi = np.where(x > 0.0, a * x, b)
    lo = np.where(x > 0.5, b * x, a)
    c = x > 0.0
    a = a * 1.5
    mid = np.where(c, a, lo)
    return np.sum(hi * lo + np.sin(mid))


def masked(x):
    return np.sum(x[x > 0] ** 2)


RNG = np.random.default_rng(18)
CASES = [
    (heat, (RNG.standard_normal(9), 0.25), (0, 1)),
    (overlapping, (RNG.standard_normal(8),), (0,)),
    (grid, (RNG.standard_normal((4, 3)),), (0,)),
    (repeated_index, (RNG.standard_normal(6),), (0,)),
    (two_masks, (RNG.standard_normal(12), RNG.standard_normal(12), RNG.standard_normal(12)),
     (0, 1)),
    (mixture, (0.3, np.array([-0.8, 1.2]), RNG.standard_normal(40)), (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("fn, args, wrt", CASES, ids=IDS)
def test_slice_heavy_gradients_match_finite_differences(fn, args, wrt, optimized) -> None:
    check_grad(fn, args, wrt, optimized=optimized)


@pytest.mark.parametrize("fn, args, wrt", CASES, ids=IDS)
def test_version_matches_the_generic_derivative(fn, args, wrt) -> None:
    df = tangentlike.grad(fn, wrt=wrt)
    generic = df(*args)
    df(*args)
    version = df.version_for(*args)
    assert version.kind == "shapes", version.reason
    for _ in range(2):  # new arrays every call: no adjoint carried over
        for g, e in zip(df(*args), generic, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def test_heat_version_adds_slice_adjoints_in_place() -> None:
    args = CASES[0][1]
    df = tangentlike.grad(heat, wrt=(0, 1))
    df(*args), df(*args)
    source = df.version_for(*args).source
    assert "bu[1:-1] += " in source and "bu[:-2] += " in source and "bu[2:] += " in source
    assert "bu = bu + unindex" not in source, source


def test_forward_mode_and_hvp_of_the_stencil() -> None:
    u, k = CASES[0][1]
    v = RNG.standard_normal(u.size)
    h = 1e-6
    _, tangent = tangentlike.jvp(heat, wrt=0)((u, k), (v,))
    expected = (heat(u + h * v, k) - heat(u - h * v, k)) / (2 * h)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)
    hv = tangentlike.hvp(heat, wrt=0)(u, k, v)
    g = tangentlike.grad(heat, wrt=0)
    np.testing.assert_allclose(hv, (g(u + h * v, k) - g(u - h * v, k)) / (2 * h), rtol=1e-5,
                               atol=1e-8)


def test_mixture_gets_a_version_a_mask_index_still_declines() -> None:
    args = CASES[-1][1]
    df = tangentlike.grad(mixture, wrt=(0, 1))
    df(*args), df(*args)
    source = df.version_for(*args).source
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("#"))
    # hi and lo are read only in lo - hi: one selection (versions/wheres.py,
    # combine_selections), then the two adjoints' selections, a swapped pair computed with
    # bit operations (swap_selections); lo - hi, one selection of opposite differences on
    # their own comparison, is a sign flip (flip_selections)
    assert code.count(" > ") == 1 and code.count("np.where(") == 0, source
    assert code.count("_flip <<= ") == 1, source
    assert code.count("_swap *= ") == 1, source
    x = RNG.standard_normal(7)
    dm = tangentlike.grad(masked)
    dm(x), dm(x)
    version = dm.version_for(x)
    assert version.kind == "general" and "mask" in version.reason, version.reason


# -- the rewrite on small trees ---------------------------------------------------------------
def _rewritten(source: str) -> str:
    fn = gast.parse(textwrap.dedent(source)).body[0]
    for node in gast.walk(fn):
        if isinstance(node, (gast.Name, gast.BinOp, gast.Call)):
            anno.info(node).seen = frozenset({VECTOR})
    names = {"np.zeros": np.zeros, "unindex": runtime.unindex, "slice": slice,
             "split_like": split_like}
    accumulate_in_place(fn, lambda f: names.get(syntax.dotted_name(f)))
    return emit.to_source(fn)


def test_a_view_of_the_old_array_does_not_stop_the_new_one() -> None:
    out = _rewritten("""
        def f(g, h, u, t):
            b = g * h
            for i in range(3):
                parts = split_like(b, t)
                b = unindex(parts[0], u, slice(None, 1))
                b = b + unindex(parts[1], u, slice(1, -1))
                b = b + unindex(parts[2], u, -1)
            return b
        """)
    assert "b[1:-1] += parts[1]" in out and "b[-1] += parts[2]" in out, out


def test_a_view_of_the_same_array_stops_the_rewrite_after_it() -> None:
    out = _rewritten("""
        def f(g, h, u, t):
            b = g * h
            b = b + unindex(h, u, slice(1, -1))
            parts = split_like(b, t)
            b = b + unindex(parts[0], u, slice(None, 2))
            return b, parts
        """)
    assert "b[1:-1] += h" in out, out  # before the view is made
    assert "b = b + unindex(parts[0], u, slice(None, 2))" in out, out


def test_a_view_kept_across_iterations_stops_the_rewrite() -> None:
    out = _rewritten("""
        def f(g, h, u, t):
            b = g * h
            for i in range(3):
                parts = split_like(b, t)
                b = b + unindex(parts[0], u, slice(None, 2))
            return b
        """)
    assert "+=" not in out, out


def test_a_computed_index_adds_the_whole_array() -> None:
    out = _rewritten("""
        def f(g, h, u, idx):
            b = g * h
            b = b + unindex(h, u, idx)
            return b
        """)
    assert "b += unindex(h, u, idx)" in out, out


@pytest.mark.parametrize("shapes", [((7,), [(1,), (5,), (1,)], 0),
                                    ((3, 4), [(3, 1), (3, 3)], 1),
                                    ((2, 6), [(2, 2), (2, 4)], -1),
                                    ((6,), [(2, 1), (4,)], None)])
def test_split_like_cuts_views_of_the_arrays_shapes(shapes) -> None:
    shape, parts, axis = shapes
    g = np.arange(np.prod(shape), dtype=float).reshape(shape)
    arrays = tuple(np.zeros(p) for p in parts)
    pieces = split_like(g, arrays, axis)
    assert isinstance(pieces, tuple) and [p.shape for p in pieces] == list(parts)
    flat = g.reshape(-1) if axis is None else g
    joined = np.concatenate([p.reshape(-1) if axis is None else p for p in pieces],
                            axis=0 if axis is None else axis)
    np.testing.assert_array_equal(joined, flat)
    assert isinstance(split_like(g, list(arrays), axis), list)


def _merged(source: str) -> str:
    fn = gast.parse(textwrap.dedent(source)).body[0]
    share_comparisons(fn)
    merge_selections(fn, lambda f: {"np.where": np.where}.get(syntax.dotted_name(f)))
    return emit.to_source(fn)


def test_two_half_zero_selections_on_one_mask_are_one() -> None:
    out = _merged("""
        def f(l1, l2, bhi, blo):
            c = l1 > l2
            d = l1 > l2
            b1 = np.where(c, 0.0, blo)
            b2 = np.where(c, blo, 0.0)
            b1 = b1 + np.where(c, bhi, 0.0)
            b2 = b2 + np.where(c, 0.0, bhi)
            return b1, b2
        """)
    assert "b1 = np.where(c, bhi, blo)" in out and "b2 = np.where(c, blo, bhi)" in out, out
    assert out.count("np.where") == 2 and "d = c" in out, out  # (copies propagate later)


@pytest.mark.parametrize("between", [
    "c = l1 < l2",  # another mask
    "blo = blo * 2.0",  # x changes before the sum
    "t = b1 * 2.0",  # the first selection is read
])
def test_no_merge_when_something_changes_in_between(between: str) -> None:
    out = _merged(f"""
        def f(l1, l2, bhi, blo):
            c = l1 > l2
            b1 = np.where(c, 0.0, blo)
            {between}
            b1 = b1 + np.where(c, bhi, 0.0)
            return b1
        """)
    assert out.count("np.where") == 2, out


def test_a_comparison_of_changed_operands_is_not_shared() -> None:
    out = _merged("""
        def f(l1, l2):
            c = l1 > l2
            l1 = l1 * 2.0
            d = l1 > l2
            return c, d
        """)
    assert "d = l1 > l2" in out, out
