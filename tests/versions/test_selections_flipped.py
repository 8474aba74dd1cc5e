"""A selection between two opposite differences on their own comparison,
``np.where(u > v, v - u, u - v)`` (``lo - hi`` of a max/min pair), computed as ``u - v``
with its sign bit flipped where the mask holds (tangentlike/versions/wheres.py,
``flip_selections``).

The tree tests pin what is rewritten and what is declined (another mask, a comparison that
is not strict, a side or the mask rebound in between, an array written in place in between,
other shapes and dtypes).  The rewritten code is run against ``np.where`` bit for bit (inf,
NaN, -0.0, ties, float32).  End to end: the version's gradient is the one the same version
gives without the rewrite, bit for bit, and matches central finite differences.
"""
from __future__ import annotations

import ast
import textwrap

import gast
import numpy as np
import pytest
from support import check_grad, check_rewrite_keeps_the_numbers, shapes_version_source

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.versions.wheres import flip_selections

RNG = np.random.default_rng(23)
MASK = (np.ndarray, (6,), np.dtype(bool))
F64 = (np.ndarray, (6,), np.dtype("float64"))
F32 = (np.ndarray, (6,), np.dtype("float32"))
FUNCS = {"np.where": np.where, "np.exp": np.exp, "helper": print}

SELECTION = """
    def f(u, v, w):
        c = {test}
        {between}
        d = np.exp(np.where(c, {first}, {second}))
        return d
    """


def _flipped(test: str = "u > v", first: str = "v - u", second: str = "u - v",
             between: str = "", **seen: tuple) -> str:
    """The source after ``flip_selections``, ``seen`` recorded on each name (defaults: ``c``
    a boolean array, ``u``, ``v``, ``w`` float64 arrays, all of shape (6,))."""
    seen = {"c": MASK, "u": F64, "v": F64, "w": F64} | seen
    source = SELECTION.format(test=test, first=first, second=second, between=between)
    fn = gast.parse(textwrap.dedent(source)).body[0]
    for node in syntax.walk(fn):
        if isinstance(node, gast.Name) and node.id in seen:
            anno.info(node).seen = frozenset({seen[node.id]})
    flip_selections(fn, lambda f: FUNCS.get(syntax.dotted_name(f)), "np")
    return emit.to_source(fn)


def _run(source: str, *args: np.ndarray) -> np.ndarray:
    scope = {"np": np}
    exec(compile(ast.parse(source), "<flipped>", "exec"), scope)  # noqa: S102
    return scope["f"](*args)


def test_the_selection_is_a_sign_flip() -> None:
    out = _flipped()
    code = [line for line in out.splitlines() if not line.strip().startswith("#")]
    assert not any("np.where" in line for line in code), out
    assert ("c_flip = c.astype(np.uint64)\n    c_flip <<= 63\n"
            "    c_flip ^= (u - v).view(np.uint64)\n"
            "    d = np.exp(c_flip.view(np.float64))") in out, out


def test_float32_uses_the_32_bit_sign() -> None:
    out = _flipped(u=F32, v=F32)
    assert "astype(np.uint32)" in out and "<<= 31" in out and "view(np.float32)" in out, out


@pytest.mark.parametrize(("test", "first", "second"), [
    ("u > v", "v - u", "u - v"),
    ("v < u", "v - u", "u - v"),
    ("u < v", "u - v", "v - u"),
    ("v > u", "u - v", "v - u"),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_values_are_those_of_np_where_bit_for_bit(test, first, second, dtype) -> None:
    kind = (np.ndarray, (6,), np.dtype(dtype))
    out = _flipped(test, first, second, u=kind, v=kind).replace("np.exp", "")
    assert "_flip <<= " in out, out
    values = [np.inf, -np.inf, np.nan, -0.0, 0.0, 1.5, -2.0, 1e-300, -1e-300, 3e38, -3e38]
    u = np.array(RNG.choice(values, size=(200, 6)), dtype)
    v = np.array(RNG.choice(values, size=(200, 6)), dtype)
    for a, b in zip(u, v, strict=True):
        with np.errstate(all="ignore"):
            got = _run(out, a, b, None)
            c = eval(test, {"u": a, "v": b})  # noqa: S307
            want = np.where(c, eval(first, {"u": a, "v": b}),  # noqa: S307
                            eval(second, {"u": a, "v": b}))  # noqa: S307
        assert got.dtype == want.dtype and got.shape == want.shape
        assert got.tobytes() == want.tobytes(), (a, b)  # -0.0 and NaN's bits too


@pytest.mark.parametrize(("test", "first", "second"), [
    ("u >= v", "v - u", "u - v"),  # not strict: u == v == inf gives two NaNs
    ("u > w", "v - u", "u - v"),  # another comparison
    ("u > v", "u - v", "u - v"),  # the same side twice
    ("u > v", "v - w", "u - v"),  # not opposite
    ("u > v", "v + u", "u - v"),
])
def test_other_selections_stay(test, first, second) -> None:
    out = _flipped(test, first, second)
    assert "np.where" in out and "_flip" not in out, out


@pytest.mark.parametrize("seen", [
    {"u": (np.ndarray, (2, 6), np.dtype("float64"))},  # a side broadcast
    {"c": (np.ndarray, (6,), np.dtype("float64"))},  # a mask not boolean
    {"c": (bool, (), None)},  # a Python bool
    {"c": (np.ndarray, (), np.dtype(bool)), "u": (np.ndarray, (), np.dtype("float64")),
     "v": (np.ndarray, (), np.dtype("float64"))},  # 0-d
    {"u": F32},  # two dtypes
    {"u": (np.ndarray, (6,), np.dtype("int64")),
     "v": (np.ndarray, (6,), np.dtype("int64"))},  # integers: no sign bit to flip
    {"u": (np.ndarray, (6,), np.dtype("complex128")),
     "v": (np.ndarray, (6,), np.dtype("complex128"))},
    {"u": (float, (), None)},  # a Python float side
])
def test_other_kinds_stay(seen: dict) -> None:
    out = _flipped(**seen)
    assert "np.where" in out and "_flip" not in out, out


@pytest.mark.parametrize("between", [
    "c = w > 0.0",  # the mask rebound
    "u = w * 2.0",  # a side rebound
    "v[0] = 0.0",  # an array written in place
    "z = helper(u)",  # a call that could write
    "z = np.exp(w, out=u)",  # a ufunc that writes
    "if w[0] > 0:\n            u = w",  # a compound statement
])
def test_the_selection_stays_when_something_in_between_may_change_it(between: str) -> None:
    out = _flipped(between=between)
    assert "np.where" in out and "_flip" not in out, out


def test_pure_statements_in_between_are_passed() -> None:
    out = _flipped(between="z = np.exp(w) * 2.0")
    assert "_flip" in out, out
    u, v = RNG.standard_normal(6), RNG.standard_normal(6)
    np.testing.assert_array_equal(_run(out, u, v, u),
                                  np.exp(np.where(u > v, v - u, u - v)))


# End to end: the log-sum-exp of two terms written with a max/min pair.

def mixture(w, mu, log_sigma, x):
    log_p1 = -np.log1p(np.exp(-w))
    log_p2 = -np.log1p(np.exp(w))
    s = np.exp(log_sigma)
    l1 = log_p1 - 0.5 * ((x - mu[0]) / s[0]) ** 2 - log_sigma[0]
    l2 = log_p2 - 0.5 * ((x - mu[1]) / s[1]) ** 2 - log_sigma[1]
    hi = np.where(l1 > l2, l1, l2)
    lo = np.where(l1 > l2, l2, l1)
    return np.sum(hi + np.log1p(np.exp(lo - hi)))


def lse_below(a, b):
    hi = np.where(b < a, a, b)
    lo = np.where(b < a, b, a)
    return np.sum(np.log1p(np.exp(lo - hi)) * a)


CASES = [
    (mixture, (0.3, np.array([-0.5, 0.8]), np.array([0.1, -0.2]),
               RNG.standard_normal(40)), (0, 1, 2)),
    (lse_below, (RNG.standard_normal(9), RNG.standard_normal(9)), (0, 1)),
    (lse_below, (RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))), (0, 1)),
]


@pytest.mark.parametrize(("f", "args", "wrt"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_derivatives_match_finite_differences(f, args, wrt) -> None:
    check_grad(f, args, wrt=wrt)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("f", "args", "wrt"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_the_version_flips_and_gives_the_numbers_of_the_selection(f, args, wrt, dtype,
                                                                  monkeypatch) -> None:
    args = tuple(a.astype(dtype) if isinstance(a, np.ndarray) else a for a in args)
    check_rewrite_keeps_the_numbers(f, args, wrt, "flip_selections", "_flip <<= ",
                                    1e-5 if dtype is np.float32 else 1e-12, monkeypatch)


def test_ties_and_infinities_reach_the_gradient_as_without_the_rewrite(monkeypatch) -> None:
    a = np.array([1.0, 2.0, -np.inf, 0.5, -0.0, 3.0, np.inf])
    b = np.array([1.0, -2.0, 0.0, np.inf, 0.0, 3.0, np.inf])  # ties where a == b
    with np.errstate(all="ignore"):
        assert "_flip <<= " in shapes_version_source(lse_below, (a, b), (0, 1))
        df = tangentlike.grad(lse_below, wrt=(0, 1))
        calls = [df(a, b) for _ in range(3)]
        monkeypatch.setattr("tangentlike.versions.lower.flip_selections", lambda *a: False)
        tangentlike.clear_cache()
        plain = tangentlike.grad(lse_below, wrt=(0, 1))
        want = [plain(a, b) for _ in range(3)][-1]
    for got in calls:
        for g, e in zip(got, want, strict=True):
            assert g.tobytes() == e.tobytes()
