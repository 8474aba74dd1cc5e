"""Every derivative rule end to end: the functions of the cases in ``tests/rule_cases/``
differentiated by tangentlike, against finite differences, autograd and each other.

The case's suite decides its checks:

* every ``numpy`` and ``core`` case: reverse mode against central finite differences in
  float64 (``check_grad``: element by element ``|g - g_fd| <= rtol |g_fd| + rtol / 100``,
  ``rtol`` 1e-5 unless the case says, with the primal invariant), a ``numpy`` case optimized
  with joint motion and unoptimized with split motion, a ``core`` case in all four modes;
* ``numpy`` cases: forward mode against central finite differences along a random direction
  ``v`` (same tolerance), and against reverse mode by the dot-product test
  ``<J v, 1> == <grad, v>`` to 1e-9 relative (the case functions are scalar, so ``J v`` is a
  number); the primal invariant (``support.check_primal``) of forward mode with
  ``preserve_result=True`` and of ``jvp``; float32 inputs give float32 derivatives in both
  modes; for ``second_order`` cases (``-m slow``), Hessian-vector products (forward over
  reverse) against central differences of the reverse gradient (``rtol`` 1e-4);
* the gradient against autograd's where autograd is installed and the case has a reference:
  ``numpy`` cases ``rtol`` 1e-7, the ``core`` representatives (and ties, non-differentiable
  functions, subscripts, the program) ``rtol`` 1e-9 in all four modes;
* ``core`` ties: the derivative is shared equally, fixed gradients in all four modes;
* ``float32`` cases: float32 inputs give float32 gradients close to finite differences;
* ``forward`` cases: programs through the real forward mode, every output against finite
  differences.

The default run checks the first ``numpy`` case of each rule (reverse and forward mode; of
those, every third against autograd, in float32 and for the primal invariant), the first
``core`` case of each rule and every fourth after it, each in the primary mode (optimized,
joint); ``-m slow`` runs the others (see ``tests/conftest.py``).
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import rule_cases
from rule_cases import ALL, draw, rng
from rule_harness import (
    FD_ATOL,
    FD_RTOL,
    H,
    case_direction,
    central_difference,
    close,
    direction,
    flat,
    moved,
)
from support import (
    MODE_IDS,
    MODES,
    as_tuple,
    check_grad,
    check_primal,
    forward_value,
    jvp_value,
    make_function,
    numerical_grad,
    primal_value,
)

import tangentlike

rule_cases.load_all()

DOT_RTOL = 1e-9
DEFAULT_RUN = rule_cases.in_default_run(1)
CORE_DEFAULT_RUN = rule_cases.core_in_default_run(4)
# Checks that the default run gives every third of DEFAULT_RUN's cases (reverse or forward
# mode checks every rule already).
SAMPLED = {"autograd", "float32", "primal"}
SAMPLED_DEFAULT_RUN = rule_cases.every_kth([c for c in ALL if c in DEFAULT_RUN], 3)
# Reverse and forward mode each check half of those cases in the default run, the halves
# complementary (each rule is checked once there); -m slow checks every case in both modes.
REVERSE_HALF = rule_cases.every_kth(sorted(DEFAULT_RUN), 2)
HALVES = {"reverse": REVERSE_HALF, "forward": DEFAULT_RUN - REVERSE_HALF}
SUITE_MODES = {  # the (optimized, motion) modes each suite runs reverse mode in
    "numpy": [((True, "joint"), "opt-joint"), ((False, "split"), "noopt-split")],
    "core": list(zip(MODES, MODE_IDS)), "float32": list(zip(MODES, MODE_IDS)),
}
AUTOGRAD_TOLERANCE = {"numpy": (1e-7, 1e-9), "core": (1e-9, 1e-12)}  # rtol, atol


def _marks(case_id: str, test: str) -> list[Any]:
    """The case's known bug in ``test`` as a strict xfail; slow beyond the default run."""
    case = ALL[case_id]
    reason = case.xfail.get(test)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    default_run = {"numpy": SAMPLED_DEFAULT_RUN if test in SAMPLED else HALVES.get(
                       test, DEFAULT_RUN),
                   "core": CORE_DEFAULT_RUN}.get(case.suite)
    if default_run is not None and case_id not in default_run:
        marks.append(pytest.mark.slow)
    return marks


def _params(test: str, case_ids: list[str]) -> list[Any]:
    return [pytest.param(c, marks=_marks(c, test), id=c) for c in case_ids]


def _mode_params(test: str, case_ids: list[str], primary_only: tuple[str, ...] = ()) -> list[Any]:
    """Each case in each mode of its suite (only the primary mode for the suites named)."""
    out = []
    for c in case_ids:
        suite = ALL[c].suite
        modes = SUITE_MODES[suite][:1] if suite in primary_only else SUITE_MODES[suite]
        out += [pytest.param(c, *mode, marks=_marks(c, test), id=f"{c}-{mode_id}")
                for mode, mode_id in modes]
    return out


def _cases(*suites: str, when: Any = lambda case: True) -> list[str]:
    return [c for c, case in ALL.items() if case.suite in suites and when(case)]


# ---------------------------------------------------------------------------------------------
# Reverse mode.


@pytest.mark.parametrize("case_id, optimized, motion", _mode_params(
    "reverse", _cases("numpy", "core", when=lambda case: case.expected is None)))
def test_reverse_against_finite_differences(case_id: str, optimized: bool, motion: str) -> None:
    case = ALL[case_id]
    check_grad(case.func, case.args, case.wrt, rtol=case.rtol, atol=case.rtol / 100,
               optimized=optimized, motion=motion)


@pytest.mark.parametrize("case_id, optimized, motion", _mode_params(
    "tie", _cases("core", when=lambda case: case.expected is not None)))
def test_ties_share_the_derivative(case_id: str, optimized: bool, motion: str) -> None:
    case = ALL[case_id]
    df = tangentlike.grad(case.func, wrt=case.wrt, optimized=optimized, motion=motion)
    got = as_tuple(df(*case.args), len(case.wrt))
    for g, expected in zip(got, case.expected):
        np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-12, err_msg=df.source)


@pytest.mark.parametrize("case_id, optimized, motion", _mode_params(
    "autograd", _cases("numpy", "core", when=lambda case: case.autograd_source is not None),
    primary_only=("numpy",)))
def test_reverse_against_autograd(case_id: str, optimized: bool, motion: str) -> None:
    autograd = pytest.importorskip("autograd")
    case = ALL[case_id]
    rtol, atol = AUTOGRAD_TOLERANCE[case.suite]
    reference = make_function(case.autograd_source, numpy="autograd")
    df = tangentlike.grad(case.func, wrt=case.wrt, optimized=optimized, motion=motion)
    got = as_tuple(df(*case.args), len(case.wrt))
    for i, g in zip(case.wrt, got):
        expected = autograd.grad(reference, i)(*case.args)
        assert np.shape(g) == np.shape(expected), df.source
        np.testing.assert_allclose(np.asarray(g, np.float64), expected, rtol=rtol, atol=atol,
                                   err_msg=df.source)


@pytest.mark.slow  # every rule's second order: the exhaustive run (test_higher_order has hvp)
@pytest.mark.parametrize("case_id", _params(
    "second_order", _cases("numpy", when=lambda case: case.second_order)))
def test_hessian_vector_products(case_id: str) -> None:
    case = ALL[case_id]
    i = case.wrt[0]
    v = case_direction(case, "hvp")[0]
    product = tangentlike.hvp(case.func, wrt=i)
    got = product(*case.args, v)
    gradient = tangentlike.grad(case.func, wrt=i)
    plus, minus = list(case.args), list(case.args)
    plus[i], minus[i] = plus[i] + H * v, minus[i] - H * v
    expected = (np.asarray(gradient(*plus)) - np.asarray(gradient(*minus))) / (2 * H)
    assert np.shape(got) == np.shape(case.args[i]), product.source
    close(got, expected, max(case.rtol, 1e-4), product.source)


# ---------------------------------------------------------------------------------------------
# Forward mode.


@pytest.mark.parametrize("case_id", _params("forward", _cases("numpy")))
def test_forward_against_finite_differences_and_reverse(case_id: str) -> None:
    case = ALL[case_id]
    v = case_direction(case)
    df = tangentlike.autodiff(case.func, wrt=case.wrt, mode="forward")
    jv = df(*case.args, *v)
    where = f"forward mode of {case.id}\n{df.source}"
    assert np.ndim(jv) == 0, where
    fd = (float(case.func(*moved(case, v, H))) - float(case.func(*moved(case, v, -H)))) / (2 * H)
    close(jv, fd, case.rtol, where)
    grads = as_tuple(tangentlike.grad(case.func, wrt=case.wrt)(*case.args), len(case.wrt))
    terms = [np.asarray(g, np.float64) * np.asarray(vi) for g, vi in zip(grads, v)]
    total = sum(float(np.sum(t)) for t in terms)
    scale = sum(float(np.sum(np.abs(t))) for t in terms) + abs(float(jv))
    assert abs(float(jv) - total) <= DOT_RTOL * max(scale, 1e-300), \
        f"<J v, 1> = {float(jv)!r} but <grad, v> = {total!r}\n{where}"


@pytest.mark.parametrize("case_id", _params("primal", _cases("numpy")))
def test_forward_keeps_the_primal_value(case_id: str) -> None:
    """preserve_result=True and jvp give f(*args) exactly, call by call, and the tangent."""
    case = ALL[case_id]
    v = case_direction(case)
    fd = (float(case.func(*moved(case, v, H))) - float(case.func(*moved(case, v, -H)))) / (2 * H)
    where = f"forward mode of {case.id}"
    value = primal_value(case.func, case.args)
    dfv = tangentlike.autodiff(case.func, wrt=case.wrt, mode="forward", preserve_result=True)
    tangents = check_primal(dfv, [*case.args, *v], value, forward_value,
                            f"forward mode value of {case.id}\n{dfv.source}")
    run = tangentlike.jvp(case.func, wrt=case.wrt)
    tangents += check_primal(lambda: run(case.args, tuple(v)), (), value, jvp_value,
                             f"jvp value of {case.id}", calls=1)
    for call, t in enumerate(tangents, 1):
        close(t, fd, case.rtol, f"{where}\npreserve_result=True/jvp, call {call}")


@pytest.mark.parametrize("case_id", _params("forward", _cases("forward")))
def test_rules_through_forward_mode(case_id: str) -> None:
    case = ALL[case_id]
    try:
        df = tangentlike.autodiff(case.func, wrt=case.wrt, mode="forward")
    except tangentlike.TangentlikeError as exc:  # forward mode still being written
        pytest.skip(f"forward mode: {exc}")
    generator = rng(f"forward/{case_id.removeprefix(rule_cases.CORE + 'forward-')}")
    v = [direction(generator, a) for a in case.args]
    got = df(*case.args, *v)
    expected = central_difference(case.func, list(case.args), dict(enumerate(v)))
    np.testing.assert_allclose(flat(got), expected, rtol=FD_RTOL, atol=FD_ATOL,
                               err_msg=df.source)


# ---------------------------------------------------------------------------------------------
# float32 inputs give float32 derivatives.


def _float32(x: Any) -> Any:
    return x.astype(np.float32) if isinstance(x, np.ndarray) and x.dtype.kind == "f" else x


@pytest.mark.parametrize("case_id", _params("float32", _cases(
    "numpy", when=lambda case: case.float32
    and any(isinstance(case.args[i], np.ndarray) for i in case.wrt))))
def test_float32_in_float32_out(case_id: str) -> None:
    case = ALL[case_id]
    args = [_float32(a) for a in case.args]
    df = tangentlike.grad(case.func, wrt=case.wrt)
    grads = as_tuple(df(*args), len(case.wrt))
    expected = as_tuple(df(*case.args), len(case.wrt))
    for i, g, e in zip(case.wrt, grads, expected):
        if isinstance(args[i], np.ndarray):
            assert np.asarray(g).dtype == np.float32, f"dtype {np.asarray(g).dtype}\n{df.source}"
            close(g, e, 1e-2, df.source)
    v = [_float32(np.asarray(x)) if isinstance(x, np.ndarray) else x
         for x in case_direction(case)]
    fwd = tangentlike.autodiff(case.func, wrt=case.wrt, mode="forward")
    jv = fwd(*args, *v)
    assert np.asarray(jv).dtype == np.float32, f"dtype {np.asarray(jv).dtype}\n{fwd.source}"


@pytest.mark.parametrize("case_id, optimized, motion",
                         _mode_params("float32", _cases("float32")))
def test_float32_gradients_stay_float32(case_id: str, optimized: bool, motion: str) -> None:
    case = ALL[case_id]
    df = tangentlike.grad(case.func, wrt=case.wrt, optimized=optimized, motion=motion)
    got = as_tuple(df(*case.args), len(case.wrt))
    expected = numerical_grad(case.func, case.args, case.wrt)
    for i, g, e in zip(case.wrt, got, expected):
        assert np.shape(g) == case.args[i].shape, df.source
        assert np.asarray(g).dtype == np.float32, f"dtype {np.asarray(g).dtype}\n{df.source}"
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5, err_msg=df.source)


# ---------------------------------------------------------------------------------------------
# The modes, and generated code that compiles cleanly.


def test_core_cases_run_in_every_mode() -> None:
    assert sorted(MODES) == sorted((o, m) for o in (True, False) for m in ("joint", "split"))
    assert [mode for mode, _ in SUITE_MODES["core"]] == MODES


def test_unoptimized_transpose_with_axes_compiles_without_warnings() -> None:
    f = make_function("def f(x, w):\n    return np.sum(np.transpose(x, (1, 2, 0)) * w * 2.0)\n")
    x = draw(rng("warn"), (2, 3, 4))
    w = draw(rng("warn/w"), (3, 4, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = tangentlike.grad(f, optimized=False)
        g = df(x, w)
    np.testing.assert_allclose(g, 2.0 * np.transpose(w, (2, 0, 1)))
