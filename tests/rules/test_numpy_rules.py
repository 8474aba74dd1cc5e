"""The NumPy and SciPy derivative rules, case by case, end to end in both modes.

The cases live in ``tests/rule_cases/`` (one module per template module).  Every case runs:

* reverse mode against central finite differences in float64 (``check_grad``: element by
  element ``|g - g_fd| <= rtol |g_fd| + rtol / 100``, ``rtol`` 1e-5 unless the case says),
  optimized with joint motion and unoptimized with split motion;
* forward mode against central finite differences along a random direction ``v`` (same
  tolerance), and against reverse mode by the dot-product test ``<J v, 1> == <grad, v>`` to
  1e-9 relative (the case functions are scalar, so ``J v`` is a number);
* the primal invariant (``support.check_primal``): the value from reverse mode (in
  ``check_grad``), from forward mode with ``preserve_result=True`` and from ``jvp`` is
  exactly ``f(*args)`` at the first three calls;
* the gradient against autograd's (``rtol`` 1e-7) where autograd is installed and has the
  function;
* for ``second_order`` cases, Hessian-vector products (forward over reverse) against central
  differences of the reverse gradient (``rtol`` 1e-4);
* float32 inputs give float32 derivatives in both modes.

A walk over the registry checks that every shipped rule is covered by a case here or in
``tests/rules/test_rules.py`` / ``tests/rules/test_tangent_rules.py``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import rule_cases
from rule_cases import CASES, RuleCase, rng
from support import (
    as_tuple,
    check_grad,
    check_primal,
    forward_value,
    jvp_value,
    make_function,
    primal_value,
)

import tangentlike
from tangentlike.rules.registry import ADJOINTS, TANGENTS, describe

rule_cases.load_all()

H = 1e-6
DOT_RTOL = 1e-9


DEFAULT_RUN = rule_cases.in_default_run()


def _params(test: str, case_ids: list[str]) -> list[Any]:
    """The case ids, with the case's known bug in ``test`` (if any) as a strict xfail, and
    the cases beyond the first two of each rule marked slow (the exhaustive run)."""
    out = []
    for case_id in case_ids:
        reason = CASES[case_id].xfail.get(test)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        if case_id not in DEFAULT_RUN:
            marks.append(pytest.mark.slow)
        out.append(pytest.param(case_id, marks=marks, id=case_id))
    return out


def _direction(case: RuleCase, salt: str = "v") -> list[Any]:
    r = rng(f"{case.id}/{salt}")
    out = []
    for i in case.wrt:
        x = case.args[i]
        out.append(float(r.normal()) if isinstance(x, float) else r.normal(size=np.shape(x)))
    return out


def _moved(case: RuleCase, v: list[Any], h: float) -> list[Any]:
    args = list(case.args)
    for i, vi in zip(case.wrt, v):
        args[i] = args[i] + h * vi
    return args


def _close(got: Any, expected: Any, rtol: float, where: str) -> None:
    np.testing.assert_allclose(np.asarray(got, np.float64), expected, rtol=rtol,
                               atol=rtol / 100, err_msg=where)


def _forward(case: RuleCase, args: list[Any], v: list[Any], dtype: Any = None) -> Any:
    df = tangentlike.autodiff(case.func, wrt=case.wrt, mode="forward")
    return df(*args, *v), df


@pytest.mark.parametrize("optimized, motion", [(True, "joint"), (False, "split")],
                         ids=["opt-joint", "noopt-split"])
@pytest.mark.parametrize("case_id", _params("reverse", list(CASES)))
def test_reverse_against_finite_differences(case_id: str, optimized: bool, motion: str) -> None:
    case = CASES[case_id]
    check_grad(case.func, case.args, case.wrt, rtol=case.rtol, atol=case.rtol / 100,
               optimized=optimized, motion=motion)


@pytest.mark.parametrize("case_id", _params("forward", list(CASES)))
def test_forward_against_finite_differences_and_reverse(case_id: str) -> None:
    case = CASES[case_id]
    v = _direction(case)
    jv, df = _forward(case, list(case.args), v)
    where = f"forward mode of {case.id}\n{df.source}"
    assert np.ndim(jv) == 0, where
    fd = (float(case.func(*_moved(case, v, H))) - float(case.func(*_moved(case, v, -H)))) / (2 * H)
    _close(jv, fd, case.rtol, where)
    grads = as_tuple(tangentlike.grad(case.func, wrt=case.wrt)(*case.args), len(case.wrt))
    terms = [np.asarray(g, np.float64) * np.asarray(vi) for g, vi in zip(grads, v)]
    total = sum(float(np.sum(t)) for t in terms)
    scale = sum(float(np.sum(np.abs(t))) for t in terms) + abs(float(jv))
    assert abs(float(jv) - total) <= DOT_RTOL * max(scale, 1e-300), \
        f"<J v, 1> = {float(jv)!r} but <grad, v> = {total!r}\n{where}"
    # The primal invariant: preserve_result=True and jvp give f(*args) exactly, call by call.
    value = primal_value(case.func, case.args)
    dfv = tangentlike.autodiff(case.func, wrt=case.wrt, mode="forward", preserve_result=True)
    tangents = check_primal(dfv, [*case.args, *v], value, forward_value,
                            f"forward mode value of {case.id}\n{dfv.source}")
    run = tangentlike.jvp(case.func, wrt=case.wrt)
    tangents += check_primal(lambda: run(case.args, tuple(v)), (), value, jvp_value,
                             f"jvp value of {case.id}", calls=1)
    for call, t in enumerate(tangents, 1):
        _close(t, fd, case.rtol, f"{where}\npreserve_result=True/jvp, call {call}")


AUTOGRAD_CASES = [c for c, case in CASES.items() if case.autograd_source is not None]


@pytest.mark.parametrize("case_id", _params("autograd", AUTOGRAD_CASES))
def test_reverse_against_autograd(case_id: str) -> None:
    autograd = pytest.importorskip("autograd")
    case = CASES[case_id]
    reference = make_function(case.autograd_source, numpy="autograd")
    df = tangentlike.grad(case.func, wrt=case.wrt)
    got = as_tuple(df(*case.args), len(case.wrt))
    for i, g in zip(case.wrt, got):
        expected = autograd.grad(reference, i)(*case.args)
        assert np.shape(g) == np.shape(expected), df.source
        _close(g, expected, 1e-7, df.source)


SECOND_ORDER = [c for c, case in CASES.items() if case.second_order]


@pytest.mark.slow  # every rule's second order: the exhaustive run (test_higher_order has hvp)
@pytest.mark.parametrize("case_id", _params("second_order", SECOND_ORDER))
def test_hessian_vector_products(case_id: str) -> None:
    case = CASES[case_id]
    i = case.wrt[0]
    v = _direction(case, "hvp")[0]
    product = tangentlike.hvp(case.func, wrt=i)
    got = product(*case.args, v)
    gradient = tangentlike.grad(case.func, wrt=i)
    plus, minus = list(case.args), list(case.args)
    plus[i], minus[i] = plus[i] + H * v, minus[i] - H * v
    expected = (np.asarray(gradient(*plus)) - np.asarray(gradient(*minus))) / (2 * H)
    assert np.shape(got) == np.shape(case.args[i]), product.source
    _close(got, expected, max(case.rtol, 1e-4), product.source)


def _float32(x: Any) -> Any:
    return x.astype(np.float32) if isinstance(x, np.ndarray) and x.dtype.kind == "f" else x


FLOAT32_CASES = [c for c, case in CASES.items() if case.float32
                 and any(isinstance(case.args[i], np.ndarray) for i in case.wrt)]


@pytest.mark.parametrize("case_id", _params("float32", FLOAT32_CASES))
def test_float32_in_float32_out(case_id: str) -> None:
    case = CASES[case_id]
    args = [_float32(a) for a in case.args]
    df = tangentlike.grad(case.func, wrt=case.wrt)
    grads = as_tuple(df(*args), len(case.wrt))
    expected = as_tuple(df(*case.args), len(case.wrt))
    for i, g, e in zip(case.wrt, grads, expected):
        if isinstance(args[i], np.ndarray):
            assert np.asarray(g).dtype == np.float32, f"dtype {np.asarray(g).dtype}\n{df.source}"
            _close(g, e, 1e-2, df.source)
    v = [_float32(np.asarray(x)) if isinstance(x, np.ndarray) else x for x in _direction(case)]
    jv, fwd = _forward(case, args, v)
    assert np.asarray(jv).dtype == np.float32, f"dtype {np.asarray(jv).dtype}\n{fwd.source}"


def _shipped(table: dict) -> list[Any]:
    return [rule.primitive for rule in table.values()
            if rule.function.__module__.startswith("tangentlike.templates")
            and not rule.function.__module__.endswith("runtime_helpers")]


def test_every_case_names_a_rule_that_exists() -> None:
    unknown = {c: describe(p) for c, case in CASES.items() for p in case.covers
               if p not in {r.primitive for r in ADJOINTS.values()}
               or p not in {r.primitive for r in TANGENTS.values()}}
    assert not unknown, f"cases cover primitives with no adjoint or no tangent: {unknown}"


def test_every_shipped_rule_is_covered() -> None:
    """Rules tested in tests/rules/test_rules.py and tests/rules/test_tangent_rules.py, or here."""
    from test_rules import COVERAGE as REVERSE_COVERAGE
    from test_tangent_rules import COVERAGE as TANGENT_COVERAGE

    here = rule_cases.covered()
    missing = [describe(p) for p in _shipped(ADJOINTS)
               if p not in here and p not in REVERSE_COVERAGE]
    missing += [describe(p) for p in _shipped(TANGENTS)
                if p not in here and p not in TANGENT_COVERAGE]
    assert not missing, f"derivative rules without a test case: {sorted(set(missing))}"
