"""The optimizer's algebra on generated code: like terms and common factors (factor.py),
shared subexpressions (cse.py), negations folded, values computed again inlined.  Each
rewrite is checked by evaluating the expression before and after on random float64 values
(and masks, where the sum is numeric), and on whole derivatives against central finite
differences (float64, step 1e-6, relative 1e-6)."""
from __future__ import annotations

import math

import gast
import numpy as np
import pytest
import shape_functions as sf
from hypothesis import given, settings
from hypothesis import strategies as st
from support import numerical_grad

import tangentlike
from tangentlike import runtime
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.optimizer.cse import share_subexpressions
from tangentlike.optimizer.factor import simplify_sum
from tangentlike.optimizer.optimize import optimize


def _simplified(source: str) -> str | None:
    new = simplify_sum(syntax.parse_expr(source))
    if new is None:
        return None
    text = emit.to_source(gast.Expression(body=new)).strip()
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _values(names: set[str], seed: int, masks: set[str] = frozenset()) -> dict:
    r = np.random.default_rng(seed)
    return {n: (r.normal(size=(3, 4)) > 0 if n in masks else r.normal(size=(3, 4)))
            for n in names} | {"math": math}


def _same(before: str, after: str, masks: set[str] = frozenset()) -> None:
    names = syntax.all_names(syntax.parse_expr(before)) - {"math"}
    for seed in range(3):
        env = _values(names, seed, masks)
        np.testing.assert_allclose(eval(after, env), eval(before, env), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("before, after", [
    ("0.5 * g + t * g + g * x * c", "(0.5 + t + x * c) * g"),
    ("2.0 * h * d + d * h", "3.0 * h * d"),
    ("3.0 * a * b - b * a + 0.5 * c", "2.0 * a * b + 0.5 * c"),
    ("0.5 * g + a * g - g * b", "(0.5 + a - b) * g"),
    ("-2.0 * g - a * g", "(-2.0 - a) * g"),
])
def test_like_terms_and_common_factors(before: str, after: str) -> None:
    got = _simplified(before)
    assert got == after
    _same(before, got)


@pytest.mark.parametrize("source", [
    "m1 * g + m2 * g",        # masks: m1 + m2 would be `or`
    "a * b + c * d",          # nothing shared, nothing alike
    "a * g - g * a + 0.5 * h",  # terms that cancel: 0 would lose the shape
    "h * d + d * h",          # perhaps masks (h and d): 2 * h * d is not h & d
    "2.0 * a * b - b * a + c",  # a * b + c: no number left to make the sum numeric
    "f(a) + f(a)",            # calls: not products
])
def test_left_alone(source: str) -> None:
    assert _simplified(source) is None


def test_masks_in_a_numeric_sum() -> None:
    before = "0.5 * g + m1 * g + m2 * g"
    after = _simplified(before)
    assert after == "(0.5 + m1 + m2) * g"
    _same(before, after, masks={"m1", "m2"})


_NAMES = ["a", "b", "g", "m"]
_term = st.tuples(st.sampled_from([0.5, -1.0, 1.0, 2.0, 3.0]),
                  st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3))


@settings(max_examples=200, deadline=None)
@given(st.lists(_term, min_size=2, max_size=5))
def test_random_sums_keep_their_value(terms: list) -> None:
    # the first term has a number in it, so the sum is numeric even with the mask m
    parts = [" * ".join([repr(c)] + f) for c, f in terms]
    source = " + ".join(parts)
    after = _simplified(source)
    if after is not None:
        _same(source, after, masks={"m"})


def _function(source: str) -> gast.FunctionDef:
    fn = syntax.parse_stmts(source)[0]
    for node in gast.walk(fn):
        if isinstance(node, gast.stmt):
            anno.info(node).generated = True
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and hasattr(
                runtime, node.func.id):  # as the builders mark a runtime helper's call
            anno.info(node.func).callee = getattr(runtime, node.func.id)
    return fn


def test_a_repeated_value_is_computed_once() -> None:
    fn = _function("def f(h, da, bh, dbh):\n"
                   "    dh = da * (1.0 - h * h)\n"
                   "    dx = dbh * (1.0 - h * h) + bh * dh\n"
                   "    return dx\n")
    assert share_subexpressions(fn, set())
    source = emit.to_source(fn)
    assert source.count("1.0 - h * h") == 1, source
    assert "t1 = 1.0 - h * h" in source and "dbh * t1" in source, source


def test_not_shared_across_a_new_value() -> None:
    fn = _function("def f(h, a):\n"
                   "    x = a * (1.0 - h * h)\n"
                   "    h = h + 1.0\n"
                   "    y = a * (1.0 - h * h)\n"
                   "    return x, y\n")
    assert not share_subexpressions(fn, set())


def test_a_negated_contribution_folds_into_a_subtraction() -> None:
    fn = _function("def f(x, g, a):\n"
                   "    bx = zeros_like(x)\n"
                   "    bx = bx + -g\n"
                   "    bx = bx + a * g\n"
                   "    return bx\n")
    for stmt in fn.body[1:3]:
        anno.info(stmt).contribution = True
    optimize(fn, set())
    source = emit.to_source(fn)
    assert "zeros_like" not in source and "bx = -g + a * g" in source, source


def test_a_helper_is_known_by_what_it_is_not_by_its_name() -> None:
    fn = _function("def f(x, g):\n"
                   "    bx = zeros_like_rows(x)\n"  # the user's function, not the helper
                   "    bx = bx + g\n"
                   "    return bx\n")
    anno.info(fn.body[1]).contribution = True
    optimize(fn, set())
    assert "zeros_like_rows(x)" in emit.to_source(fn)


def test_an_aliased_zero_init_is_still_removed() -> None:
    # The user's module has its own ``zeros_like``: the helper is reached as zeros_like_1.
    source = ("def f(x, g):\n"
              "    bx = zeros_like_1(x)\n"
              "    bx = bx + g\n"
              "    return bx\n")
    fn = _function(source)
    anno.info(fn.body[0].value.func).callee = runtime.zeros_like
    anno.info(fn.body[1]).contribution = True
    optimize(fn, set())
    assert "zeros_like" not in emit.to_source(fn)


def _scalar_loop(x):
    for _ in range(20):
        x = math.sin(x) * x + 0.5 * x
    return x


def test_scalar_loop_gradient_is_one_factored_line() -> None:
    df = tangentlike.grad(_scalar_loop)
    floats = df.source_for(0.4)
    assert "bx = (0.5 + math.sin(x) + x * math.cos(x)) * bx" in floats, df.source
    assert "t1 = math.sin(x)" not in floats.split("reversed(")[1], df.source
    assert df(0.4) == pytest.approx(numerical_grad(_scalar_loop, (0.4,))[0], rel=1e-6)


def test_version_calls_array_methods_only_on_arrays(monkeypatch) -> None:
    monkeypatch.setenv("TANGENTLIKE_SPECIALIZE", "first")
    x, s = np.random.default_rng(0).normal(size=4), 0.7
    df = tangentlike.grad(sf.sums_of_array_and_float)
    generic = df.specializer.generic(x, s)
    got = df(x, s)
    (source,) = df.specialized.values()
    assert "np.sum(s * s)" in source and "t6.max()" in source, source  # float; array
    np.testing.assert_allclose(got, generic, rtol=1e-12)
    expected = numerical_grad(sf.sums_of_array_and_float, (x, s))[0]
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
