"""Versions of generated derivatives for the argument shapes (tangentlike/versions/:
signature, observe, static, lower, dispatch) and the algebra that drops terms which cancel
(tangentlike/versions/cancel.py).

Every version is checked against the generic derivative it replaces (relative 1e-9: they
differ by rounding only, and by the cancelled terms, themselves of the order of rounding),
and the workload-like functions against central finite differences too.  The soundness
tests give a function whose shapes depend on values one set of inputs, then another with
the same argument shapes: a version written for the first would be wrong for the second,
so none may be written.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np
import pytest
import rule_cases
import shape_functions as sf
from rule_cases import CASES
from support import numerical_grad

import tangentlike
from tangentlike.core.resolve import resolve_in
from tangentlike.versions.cancel import _Algebra
from tangentlike.versions.dispatch import ENV, MAX_VERSIONS
from tangentlike.versions.signature import signature

rule_cases.load_all()
RTOL = 1e-9


@pytest.fixture
def first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Write a version at the first call with a signature (not the second)."""
    monkeypatch.setenv(ENV, "first")


def numeric_grad(func: Any, args: list, i: int) -> Any:
    """Central differences (support.numerical_grad, float64, step 1e-6) for argument ``i``."""
    return numerical_grad(func, args, (i,))[0]


def _close(got: Any, expected: Any, where: str = "") -> None:
    """Equal to rounding: the same shapes and dtypes, values to ``RTOL`` of the largest."""
    if not isinstance(expected, tuple):
        got, expected = (got,), (expected,)
    for g, e in zip(got, expected, strict=True):
        assert np.shape(g) == np.shape(e), where
        assert np.asarray(g).dtype == np.asarray(e).dtype, where
        scale = max(float(np.max(np.abs(e), initial=0.0)), 1e-300)
        np.testing.assert_allclose(g, e, rtol=RTOL, atol=RTOL * scale, err_msg=where)


def _versions(df: Any) -> list[str]:
    return list(df.specialized.values())


def _code(source: str) -> str:
    """The source without its comment lines (``# Grad of:`` quotes the user's line)."""
    return "\n".join(line for line in source.splitlines() if not line.strip().startswith("#"))


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# -- every rule case, through a version ------------------------------------------------------
REVERSE = [c for c, case in CASES.items() if "reverse" not in case.xfail]
FORWARD = [c for c, case in CASES.items() if "forward" not in case.xfail]
_DEFAULT_RUN = set(sorted(rule_cases.in_default_run(1))[::2])


def _cases(case_ids: list[str]) -> list[Any]:
    """Every other rule's first case in the default run (the registry walk of
    tests/rules checks every rule there; its versions are this file's), the others with
    ``-m slow``."""
    return [pytest.param(c, id=c, marks=[] if c in _DEFAULT_RUN else [pytest.mark.slow])
            for c in case_ids]


@pytest.mark.parametrize("case_id", _cases(REVERSE))
def test_rule_case_versions_match_the_generic_gradient(case_id: str, first: None) -> None:
    case = CASES[case_id]
    df = tangentlike.grad(case.func, wrt=case.wrt)
    expected = df.specializer.generic(*case.args)
    df(*case.args)  # writes the version (or keeps the generic one)
    _close(df(*case.args), expected, "\n".join(_versions(df)) or df.source)


@pytest.mark.parametrize("case_id", _cases(FORWARD))
def test_rule_case_versions_match_the_generic_tangent(case_id: str, first: None) -> None:
    case = CASES[case_id]
    df = tangentlike.autodiff(case.func, wrt=case.wrt, mode="forward")
    v = [np.ones_like(case.args[i]) if isinstance(case.args[i], np.ndarray) else 1.0
         for i in case.wrt]
    expected = df.specializer.generic(*case.args, **dict(zip(df.seeds, v)))
    df(*case.args, *v)
    _close(df(*case.args, *v), expected, "\n".join(_versions(df)) or df.source)


@pytest.mark.slow  # generates every case's gradient
def test_most_rule_cases_get_a_version(first: None) -> None:
    written = 0
    for case_id in REVERSE:
        case = CASES[case_id]
        df = tangentlike.grad(case.func, wrt=case.wrt)
        df(*case.args)
        written += bool(df.specialized)
    assert written > len(REVERSE) // 2, f"{written} versions for {len(REVERSE)} cases"


# -- the workloads of benchmarks/ in miniature ------------------------------------------------
def test_softmax_cross_entropy_version_is_plain_numpy_and_correct(first: None) -> None:
    r = _rng(1)
    W, b, X = r.normal(size=(6, 4)), r.normal(size=4), r.normal(size=(5, 6))
    Y = np.eye(4)[r.integers(0, 4, size=5)]
    df = tangentlike.grad(sf.softmax_cross_entropy, wrt=(0, 1))
    generic = df.specializer.generic(W, b, X, Y)
    df(W, b, X, Y)
    source = _code(_versions(df)[0])
    for helper in ("unbroadcast", "unreduce", "matmul_adjoint", "seed(", "unreduce_extremum",
                   "np.full", "broadcast_to"):
        assert helper not in source, source  # the max's derivative cancelled exactly
    assert "X.T @" in source and ".sum(axis=0)" in source, source
    assert "np.sum(" not in source and "np.max(" not in source, source  # the methods
    _close(df(W, b, X, Y), generic, source)
    for i, g in enumerate(df(W, b, X, Y)):
        expected = numeric_grad(sf.softmax_cross_entropy, [W, b, X, Y], i)
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-9)


def test_logsumexp_version_is_the_softmax(first: None) -> None:
    x = _rng(2).normal(size=50)
    df = tangentlike.grad(sf.logsumexp)
    df(x)
    source = _code(_versions(df)[0])
    assert "unreduce_extremum" not in source and "x.max()" in source, source
    e = np.exp(x - x.max())
    _close(df(x), e / e.sum(), source)


def test_a_max_that_does_not_cancel_keeps_its_derivative(first: None) -> None:
    x = _rng(3).normal(size=7)
    for func in (sf.logsumexp_twice, sf.peak_plus_sum):
        df = tangentlike.grad(func)
        generic = df.specializer.generic(x)
        df(x)
        source = "\n".join(_versions(df))
        assert "unreduce_extremum" in source, source
        _close(df(x), generic, source)
        np.testing.assert_allclose(df(x), numeric_grad(func, [x], 0), rtol=1e-6, atol=1e-9)


def test_mean_subtraction_does_not_cancel_wrongly(first: None) -> None:
    x = _rng(4).normal(size=(5, 3))
    df = tangentlike.grad(sf.normalized)
    generic = df.specializer.generic(x)
    df(x)
    _close(df(x), generic, "\n".join(_versions(df)))
    np.testing.assert_allclose(df(x), numeric_grad(sf.normalized, [x], 0), rtol=1e-6,
                               atol=1e-9)


def test_a_value_read_only_inside_a_sum_is_kept(first: None) -> None:
    r = _rng(11)
    x, y = r.normal(size=(3, 1)), r.normal(size=(1, 4))
    df = tangentlike.grad(sf.sum_over_hypot, wrt=(0, 1))
    generic = df.specializer.generic(x, y)
    df(x, y)
    _close(df(x, y), generic, "\n".join(_versions(df)))


def test_loop_version_saves_no_shapes(first: None) -> None:
    r = _rng(5)
    Wh, b, xs = 0.5 * r.normal(size=(4, 4)), r.normal(size=4), r.normal(size=(6, 3, 4))
    df = tangentlike.grad(sf.rnn, wrt=(0, 1))
    generic = df.specializer.generic(Wh, b, xs)
    df(Wh, b, xs)
    source = _code(_versions(df)[0])
    assert "shape_only" not in source and "unbroadcast" not in source, source
    assert "@ Wh.T" in source, source
    _close(df(Wh, b, xs), generic, source)


def test_hvp_version_matches(first: None) -> None:
    r = _rng(6)
    W, b, X = r.normal(size=(6, 4)), r.normal(size=4), r.normal(size=(5, 6))
    Y = np.eye(4)[r.integers(0, 4, size=5)]
    V = r.normal(size=W.shape)
    product = tangentlike.hvp(sf.softmax_cross_entropy, wrt=0)
    first_result = product(W, b, X, Y, V)
    _close(product(W, b, X, Y, V), first_result)
    source = _code(_versions(product)[0])
    # the max's tangent and the adjoint through it cancel: neither is computed
    assert "reduce_extremum" not in source and ".max(axis=1" in source, source
    gradient = tangentlike.grad(sf.softmax_cross_entropy, wrt=0)
    h = 1e-6
    expected = (gradient(W + h * V, b, X, Y) - gradient(W - h * V, b, X, Y)) / (2 * h)
    np.testing.assert_allclose(product(W, b, X, Y, V), expected, rtol=1e-5, atol=1e-8)


# -- a version per signature ---------------------------------------------------------------------
def test_each_signature_gets_its_own_version(first: None) -> None:
    r = _rng(7)
    x = r.normal(size=(4, 3))
    df = tangentlike.grad(sf.bias_sum, wrt=(0, 1))
    for b in (r.normal(size=3), r.normal(size=(1, 3)), r.normal(size=(4, 3)), 0.5,
              r.normal(size=3).astype(np.float32)):
        expected = df.specializer.generic(x, b)
        df(x, b)
        _close(df(x, b), expected, "\n".join(_versions(df)))
        assert np.shape(df(x, b)[1]) == np.shape(b)
    assert len(df.specialized) >= 4


def test_integer_arguments_are_part_of_the_signature(first: None) -> None:
    x = _rng(8).normal(size=3)
    df = tangentlike.grad(sf.steps)
    for n in (1, 3, 1, 3):
        np.testing.assert_allclose(df(x, n), numeric_grad(sf.steps, [x, n], 0), rtol=1e-6,
                                   atol=1e-9)


def _neighbours(x):
    return np.sum(x[1:] * x[:-1])  # a slice: the inference leaves its shape open


def test_the_first_call_writes_the_version_where_shapes_follow(monkeypatch) -> None:
    """By default a version whose shapes follow from the signature (``infer.py``) is written
    at the first call and runs it; one that needs the instrumented run waits for a second
    call with the signature, which makes the run (``=second``: every version waits)."""
    monkeypatch.delenv(ENV, raising=False)
    x = _rng(9).normal(size=(3, 2))
    df = tangentlike.grad(sf.bias_sum, wrt=1)
    b = np.full((1, 5), 0.25)[:, :2]  # a shape no other test uses
    expected = df.specializer.generic(x, b)
    _close(df(x, b), expected, "")
    assert signature((x, b), {}) in df.specializer.versions
    assert df.version_for(x, b).kind == "shapes"

    v = _rng(10).normal(size=7)
    dn = tangentlike.grad(_neighbours)
    dn(v)
    assert signature((v,), {}) not in dn.specializer.versions
    _close(dn(v), numeric_grad(_neighbours, [v], 0), "")
    assert dn.version_for(v).kind == "shapes"


def test_second_writes_every_version_at_the_second_call(monkeypatch) -> None:
    monkeypatch.setenv(ENV, "second")
    x = _rng(11).normal(size=(5, 3))
    df = tangentlike.grad(sf.bias_sum, wrt=1)
    b = np.full((1, 6), 0.5)[:, :3]  # (a signature no other test calls: a new version)
    df(x, b)
    assert signature((x, b), {}) not in df.specializer.versions
    df(x, b)
    assert signature((x, b), {}) in df.specializer.versions


def test_off_writes_no_version(monkeypatch) -> None:
    monkeypatch.setenv(ENV, "off")
    x, b = _rng(10).normal(size=(2, 7)), np.ones(7)
    df = tangentlike.grad(sf.bias_sum, wrt=1)
    for _ in range(3):
        df(x, b)
    assert signature((x, b), {}) not in df.specializer.versions


def test_at_most_max_versions(first: None) -> None:
    df = tangentlike.grad(sf.logsumexp)
    for n in range(2, MAX_VERSIONS + 6):
        x = np.linspace(-1.0, 1.0, n)
        e = np.exp(x - x.max())
        np.testing.assert_allclose(df(x), e / e.sum(), rtol=1e-12)
    assert len(df.specializer.versions) <= MAX_VERSIONS


def test_python_floats_keep_the_float_version(first: None) -> None:
    df = tangentlike.grad(sf.scalar, wrt=(0, 1))
    df(0.3, 0.7)
    assert not df.specialized
    version = df.specializer.versions[signature((0.3, 0.7), {})]
    assert version.__name__.endswith("_floats")
    assert df.versions[signature((0.3, 0.7), {})].function is version


def test_objects_without_a_signature_run_the_generic_version() -> None:
    assert signature((object(),), {}) is None
    assert signature((np.ones(2), [np.ones(3), 2]), {"k": 1.0}) is not None


# -- no version where shapes depend on values ------------------------------------------------
SOUNDNESS = {
    # func: (first arguments, then arguments of the same shapes that shape differently)
    "branch_on_value": (sf.branch_on_value, (np.array([1.0, 2.0]), np.array([0.5])),
                        (np.array([-1.0, -2.0]), np.array([0.5]))),
    "masked": (sf.masked, (np.array([1.0, -2.0, -3.0]), np.array([0.5])),
               (np.array([1.0, 2.0, 3.0]), np.array([0.5]))),
    "nonzero_rows": (sf.nonzero_rows, (np.array([[1.0, 2.0], [-1.0, 0.5]]), np.ones((1, 2))),
                     (np.array([[1.0, 2.0], [1.0, 0.5]]), np.ones((1, 2)))),
    "prefix": (sf.prefix, (np.array([3.0, 1.0, 2.0]), np.array([0.5])),
               (np.array([1.0, 2.0, 3.0]), np.array([0.5]))),
}


@pytest.mark.parametrize("name", list(SOUNDNESS))
def test_no_version_when_shapes_depend_on_values(name: str, first: None) -> None:
    func, before, after = SOUNDNESS[name]
    df = tangentlike.grad(func, wrt=(0, 1))
    df(*before)
    df(*before)
    assert not df.specialized, df.specialized
    assert list(df.specializer.declined.values()), "no reason given"
    for args in (before, after):
        for i in (0, 1):
            np.testing.assert_allclose(df(*args)[i], numeric_grad(func, list(args), i),
                                       rtol=1e-6, atol=1e-9)


def test_the_algebra_keeps_two_calls_of_an_impure_function_apart() -> None:
    scope = {"np": np}
    algebra = _Algebra({"x": (3,)}, lambda func: resolve_in(func, (scope,), {"x", "stack"}))
    pop, draw, exp = (gast.parse(s).body[0].value for s in
                      ("stack.pop()", "np.random.normal()", "np.exp(x)"))
    assert algebra.of(pop) != algebra.of(pop)  # two pops are two values
    assert algebra.of(draw) != algebra.of(draw)
    assert algebra.of(exp) == algebra.of(exp)  # a pure function of the same value


_CANCELLING = {"one-value-twice": (sf.one_value_twice, [(50,)] * 3),
               "added-then-taken-away": (sf.added_then_taken_away, [(50,)] * 2),
               "square-of-a-root": (sf.square_of_a_root, [(50,)]),
               "column-sums-minus-rows": (sf.column_sums_minus_rows, [(2, 3)])}


@pytest.mark.parametrize("name, wrt", [(name, wrt) for name, (_, shapes) in _CANCELLING.items()
                                       for wrt in range(len(shapes))])
def test_exact_cancellation_keeps_the_value_and_the_derivative(name, wrt):
    """The version by shapes drops terms that cancel in exact arithmetic, but never changes
    the value of ``f`` it returns (the primal invariant), one half of a cancelling pair, a
    value another divides by, nor a sum computed twice."""
    from oracle import check_everywhere
    f, shapes = _CANCELLING[name]
    rng = np.random.RandomState(0)
    args = [rng.randn(*shape) for shape in shapes]
    check_everywhere(f, args, wrt=wrt)


def test_a_divisor_is_never_replaced_by_zero() -> None:
    """``t8 * t3 / (2.0 * t3)`` no longer contains ``t3``; ``t3`` still may not be zero."""
    r = _rng(12)
    x, v = r.normal(size=4), r.normal(size=4)
    product = tangentlike.hvp(sf.square_of_a_root, wrt=0)
    for _ in range(3):  # the third call runs the version by shapes
        np.testing.assert_allclose(product(x, v), 2 * v, rtol=1e-12)
    assert "np.zeros" not in _code(_versions(product)[0])


def test_a_sum_computed_twice_is_not_replaced_by_zero() -> None:
    """f sums ``(x[1 - i] + 2) ** 2`` over rows ``i`` (two rows): its Hessian is 2 I."""
    r = _rng(13)
    x, v = r.normal(size=(2, 3)), r.normal(size=(2, 3))
    product = tangentlike.hvp(sf.column_sums_minus_rows, wrt=0)
    for _ in range(3):
        np.testing.assert_allclose(product(x, v), 2 * v, rtol=1e-12)
