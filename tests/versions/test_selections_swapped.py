"""A pair of selections on one mask with the sides swapped, ``np.where(c, a, b)`` and
``np.where(c, b, a)``, computed with bit operations (tangentlike/versions/wheres.py,
``swap_selections``).

The tree tests pin what is rewritten and what is declined (another shape, a mask that is not
boolean, sides of two dtypes or of an integer dtype, a side or the mask rebound in between, an
array written in place in between, a result that is one of the inputs).  The rewritten code is
run against ``np.where`` bit for bit (inf, NaN, -0.0, float32).  End to end: the version gives
what the generic derivative gives, exactly, and matches central finite differences.
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
from tangentlike.versions.wheres import swap_selections

RNG = np.random.default_rng(19)
MASK = (np.ndarray, (6,), np.dtype(bool))
F64 = (np.ndarray, (6,), np.dtype("float64"))
F32 = (np.ndarray, (6,), np.dtype("float32"))
FUNCS = {"np.where": np.where, "np.exp": np.exp, "helper": print}

PAIR = """
    def f(c, a, b, u):
        p = np.where(c, a, b)
        {between}
        q = np.where(c, b, a)
        return p, q
    """


def _resolve(f: gast.expr):
    return FUNCS.get(syntax.dotted_name(f))


def _swapped(source: str, **seen: tuple) -> tuple[str, gast.FunctionDef]:
    """The source after ``swap_selections``, ``seen`` recorded on each name (defaults: ``c``
    a boolean array, ``a``, ``b``, ``u`` float64 arrays, all of shape (6,))."""
    seen = {"c": MASK, "a": F64, "b": F64, "u": F64} | seen
    fn = gast.parse(textwrap.dedent(source)).body[0]
    for node in syntax.walk(fn):
        if isinstance(node, gast.Name) and node.id in seen:
            anno.info(node).seen = frozenset({seen[node.id]})
    swap_selections(fn, _resolve, "np")
    return emit.to_source(fn), fn


def _run(source: str, *args: np.ndarray) -> tuple:
    scope = {"np": np}
    exec(compile(ast.parse(source), "<swapped>", "exec"), scope)  # noqa: S102
    return scope["f"](*args)


def test_the_pair_is_written_with_bit_operations() -> None:
    out, _ = _swapped(PAIR.format(between=""))
    code = [line for line in out.splitlines() if not line.strip().startswith("#")]
    assert not any("np.where" in line for line in code), out
    assert "c_swap = a.view(np.int64) ^ b.view(np.int64)\n    c_swap *= c\n" in out, out
    assert "p = (b.view(np.int64) ^ c_swap).view(np.float64)" in out, out
    assert "q = (a.view(np.int64) ^ c_swap).view(np.float64)" in out, out


def test_float32_uses_32_bit_integers() -> None:
    out, _ = _swapped(PAIR.format(between=""), a=F32, b=F32)
    assert "view(np.int32)" in out and "view(np.float32)" in out, out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_values_are_those_of_np_where_bit_for_bit(dtype) -> None:
    kind = (np.ndarray, (6,), np.dtype(dtype))
    out, _ = _swapped(PAIR.format(between="w = np.exp(a)"), a=kind, b=kind)
    assert "np.where(c, a, b)\n" not in out, out
    a = np.array([np.inf, -np.inf, np.nan, -0.0, 1.5, -2.0], dtype)
    b = np.array([0.0, np.nan, -0.0, np.inf, -1e-300, 3.0], dtype)
    for c in (np.array([True, False, True, False, True, False]), np.zeros(6, bool),
              np.ones(6, bool)):
        with np.errstate(all="ignore"):
            p, q = _run(out, c, a, b, None)
        for got, want in ((p, np.where(c, a, b)), (q, np.where(c, b, a))):
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes()  # -0.0 and NaN's bits too


@pytest.mark.parametrize("seen", [
    {"a": (np.ndarray, (2, 6), np.dtype("float64"))},  # a side broadcast
    {"a": (np.ndarray, (1,), np.dtype("float64"))},
    {"c": (np.ndarray, (6,), np.dtype("float64"))},  # a mask not boolean
    {"c": (bool, (), None)},  # a Python bool
    {"c": (np.ndarray, (), np.dtype(bool)), "a": (np.ndarray, (), np.dtype("float64")),
     "b": (np.ndarray, (), np.dtype("float64"))},  # 0-d
    {"a": F32},  # two dtypes
    {"a": (np.ndarray, (6,), np.dtype("int64")),
     "b": (np.ndarray, (6,), np.dtype("int64"))},  # not floating point
    {"a": (np.ndarray, (6,), np.dtype("complex128")),
     "b": (np.ndarray, (6,), np.dtype("complex128"))},
    {"a": (float, (), None)},  # a Python float side
])
def test_other_kinds_stay(seen: dict) -> None:
    out, _ = _swapped(PAIR.format(between=""), **seen)
    assert out.count("np.where") == 2 and "view" not in out, out


@pytest.mark.parametrize("between", [
    "c = u > 0.0",  # the mask rebound
    "a = u * 2.0",  # a side rebound
    "b[0] = 0.0",  # an array written in place
    "w = helper(a)",  # a call that could write
    "w = np.exp(a, out=u)",  # a ufunc that writes
    "if u[0] > 0:\n            a = u",  # a compound statement
])
def test_the_pair_stays_when_something_in_between_may_change_it(between: str) -> None:
    out, _ = _swapped(PAIR.format(between=between))
    assert out.count("np.where") == 2 and "view" not in out, out


def test_other_pairs_stay() -> None:
    for source in ("""
        def f(c, a, b, u):
            a = np.where(c, a, b)
            q = np.where(c, b, a)
            return a, q
        """, """
        def f(c, a, b, u):
            p = np.where(c, a, b)
            q = np.where(c, a, b)
            return p, q
        """, """
        def f(c, a, b, u):
            p = np.where(c, a, b)
            q = np.where(u, b, a)
            return p, q
        """, """
        def f(c, a, b, u):
            p = np.where(c, a, a)
            q = np.where(c, a, a)
            return p, q
        """):
        out, _ = _swapped(source, u=MASK)
        assert out.count("np.where") == 2 and "view" not in out, out


def test_a_pair_reading_the_other_result() -> None:
    """``q`` may read ``p``'s name in between; the swap is made once per pair."""
    out, _ = _swapped("""
        def f(c, a, b, u):
            p = np.where(c, a, b)
            w = p * 2.0
            q = np.where(c, b, a)
            r = np.where(c, a, b)
            s = np.where(c, b, a)
            return w, q, r, s
        """)
    assert out.count("c_swap = ") == 1 and out.count("c_swap2 = ") == 1, out
    c, a, b = RNG.standard_normal(6) > 0, RNG.standard_normal(6), RNG.standard_normal(6)
    w, q, r, s = _run(out, c, a, b, None)
    np.testing.assert_array_equal(w, 2.0 * np.where(c, a, b))
    np.testing.assert_array_equal(q, np.where(c, b, a))
    np.testing.assert_array_equal(r, np.where(c, a, b))
    np.testing.assert_array_equal(s, np.where(c, b, a))


# End to end.

def lse_pair(w, mu, x):
    l1 = -np.log1p(np.exp(-w)) - 0.5 * (x - mu[0]) ** 2
    l2 = -np.log1p(np.exp(w)) - 0.5 * (x - mu[1]) ** 2
    hi = np.where(l1 > l2, l1, l2)
    lo = np.where(l1 > l2, l2, l1)
    return np.sum(hi + np.log1p(np.exp(lo - hi)))


def max_min(x, y):
    hi = np.maximum(x, y) * 1.0
    c = x > y
    top = np.where(c, x, y)
    low = np.where(c, y, x)
    return np.sum(top * np.sin(low)) + np.sum(hi)


CASES = [
    (lse_pair, (0.3, np.array([-0.5, 0.8]), RNG.standard_normal(9)), (0, 1)),
    (lse_pair, (0.3, np.array([-0.5, 0.8]), RNG.standard_normal(1)), (0, 1)),
    (max_min, (RNG.standard_normal(7), RNG.standard_normal(7)), (0, 1)),
    (max_min, (RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))), (0, 1)),
]


@pytest.mark.parametrize(("f", "args", "wrt"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_derivatives_match_finite_differences(f, args, wrt) -> None:
    check_grad(f, args, wrt=wrt)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("f", "args", "wrt"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_the_version_swaps_and_gives_the_numbers_of_two_selections(f, args, wrt, dtype,
                                                                   monkeypatch) -> None:
    args = tuple(a.astype(dtype) if isinstance(a, np.ndarray) else a for a in args)
    # the same selections without the rewrite: the same numbers, bit for bit
    check_rewrite_keeps_the_numbers(f, args, wrt, "swap_selections", "_swap *= ",
                                    1e-5 if dtype is np.float32 else 1e-13, monkeypatch)


def test_ties_and_infinities_reach_the_gradient_as_in_the_generic_derivative() -> None:
    x = np.array([1.0, 2.0, -np.inf, 0.5, -0.0, 3.0])
    y = np.array([1.0, -2.0, 0.0, np.inf, 0.0, 3.0])  # ties where x == y
    df = tangentlike.grad(max_min, wrt=(0, 1))
    with np.errstate(all="ignore"):
        generic = df.specializer.generic(x, y)
        calls = [df(x, y) for _ in range(3)]
        assert "_swap *= " in shapes_version_source(max_min, (x, y), (0, 1))
    for got in calls:
        for g, e in zip(got, generic, strict=True):
            assert g.tobytes() == e.tobytes()
