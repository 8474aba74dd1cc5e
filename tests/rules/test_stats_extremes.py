"""templates/scipy_stats_extremes.py where the registry walk (tests/rule_cases/
scipy_stats_extremes.py) does not reach: kappa4 at h = 0 and k = 0 (the rules' Taylor series;
SciPy's own kappa4 loses digits near k = 0, so the differences here are five-point ones of
step 1e-3), genextreme at c = 0 (Gumbel's) with its Hessian in c, the points outside the
support (the value SciPy's, every derivative 0, no warning), and kstwo's density, refused by
name."""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tangentlike.errors import TangentlikeError
from tests.support import make_function

pytest.importorskip("scipy")

STEP = 1e-3


def _stencil(f, p, i, h=STEP):
    e = np.zeros_like(p)
    e[i] = h
    return (8 * (f(p + e) - f(p - e)) - (f(p + 2 * e) - f(p - 2 * e))) / (12 * h)


def _fd_grad(f, p):
    return np.array([_stencil(f, p, i) for i in range(p.size)])


def _function(call: str):
    """``f(p)``, ``call`` written with ``p[0]``, ``p[1]``, ...."""
    return make_function(f"""
        import scipy.stats
        def f(p):
            return {call}
    """)


def _check(f, p, hessian=True, optimized=True):
    expected = _fd_grad(f, p)
    value, grad = tangentlike.value_and_grad(f, optimized=optimized)(p)
    assert value == f(p)
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-9)
    v = np.linspace(-1.0, 1.0, p.size)
    fvalue, tangent = tangentlike.jvp(f, optimized=optimized)((p,), (v,))
    assert fvalue == f(p)
    np.testing.assert_allclose(tangent, expected @ v, rtol=1e-6, atol=1e-9)
    if hessian:
        expected_hvp = np.array([_stencil(lambda q: _fd_grad(f, q) @ v, p, i)
                                 for i in range(p.size)])
        np.testing.assert_allclose(tangentlike.hvp(f, optimized=optimized)(p, v),
                                   expected_hvp, rtol=1e-4, atol=1e-6)


KAPPA4 = [f"scipy.stats.kappa4.{m}(p[0], p[1], p[2], loc=p[3], scale=p[4])"
          for m in ("logpdf", "pdf", "logcdf", "cdf")]


@pytest.mark.parametrize("call", KAPPA4, ids=["logpdf", "pdf", "logcdf", "cdf"])
@pytest.mark.parametrize("h, k", [
    pytest.param(0.0, 0.3, marks=pytest.mark.slow), pytest.param(0.4, 0.0, marks=pytest.mark.slow),
    (0.0, 0.0), pytest.param(-0.3, -0.2, marks=pytest.mark.slow)])
def test_kappa4_at_its_special_points(call, h, k):
    _check(_function(call), np.array([0.7, h, k, 0.1, 1.2]))


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
@pytest.mark.parametrize("c", [0.0, 1e-5, -0.3])
def test_genextreme_near_gumbel_with_its_hessian(method, c):
    f = _function(f"scipy.stats.genextreme.{method}(p[0], p[1], loc=p[2], scale=p[3])")
    _check(f, np.array([0.7, c, 0.1, 1.2]))


def test_genextreme_unoptimized():
    f = _function("scipy.stats.genextreme.logpdf(p[0], p[1], loc=p[2], scale=p[3])")
    _check(f, np.array([-0.4, 0.2, 0.1, 1.2]), optimized=False)


def test_kappa4_with_h_0_is_genextreme():
    """Two rules, one family: kappa4's derivatives at h = 0 are genextreme's (c = k)."""
    kappa4 = _function("scipy.stats.kappa4.logpdf(p[0], 0.0, p[1], loc=p[2], scale=p[3])")
    gev = _function("scipy.stats.genextreme.logpdf(p[0], p[1], loc=p[2], scale=p[3])")
    for c in (0.0, 0.2, -0.4):
        p = np.array([0.7, c, 0.1, 1.2])
        np.testing.assert_allclose(tangentlike.grad(kappa4)(p), tangentlike.grad(gev)(p),
                                   rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("call", [
    "scipy.stats.dpareto_lognorm.cdf(p[0], p[1], p[2], p[3], p[4], loc=p[5], scale=p[6])",
    "scipy.stats.dpareto_lognorm.logcdf(p[0], p[1], p[2], p[3], p[4], loc=p[5], scale=p[6])",
], ids=["cdf", "logcdf"])
def test_dpareto_lognorm_with_its_hessian(call):
    _check(_function(call), np.array([1.7, 0.1, 0.8, 2.0, 3.0, 0.1, 1.2]))


def test_kappa3_logcdf_with_its_hessian():
    _check(_function("scipy.stats.kappa3.logcdf(p[0], p[1], loc=p[2], scale=p[3])"),
           np.array([1.7, 1.5, 0.1, 1.2]))


@pytest.mark.parametrize("call, p", [
    ("scipy.stats.kappa4.pdf(p[0], p[1], p[2], loc=p[3], scale=p[4])",
     [3.0, 0.2, 0.5, 0.1, 1.0]),  # k z > 1
    ("scipy.stats.kappa4.logcdf(p[0], p[1], p[2], loc=p[3], scale=p[4])",
     [-3.0, 0.5, 0.0, 0.1, 1.0]),  # h exp(-z) > 1
    ("scipy.stats.genextreme.logpdf(p[0], p[1], loc=p[2], scale=p[3])", [3.0, 0.5, 0.1, 1.0]),
    ("scipy.stats.genextreme.pdf(p[0], p[1], loc=p[2], scale=p[3])", [-3.0, -0.5, 0.1, 1.0]),
    ("scipy.stats.kappa3.logcdf(p[0], p[1], loc=p[2], scale=p[3])", [-1.0, 1.5, 0.1, 1.0]),
    ("scipy.stats.dpareto_lognorm.cdf(p[0], p[1], p[2], p[3], p[4], loc=p[5], scale=p[6])",
     [-1.0, 0.1, 0.8, 2.0, 3.0, 0.1, 1.2]),
], ids=["kappa4.pdf", "kappa4.logcdf", "genextreme.logpdf", "genextreme.pdf",
        "kappa3.logcdf", "dpareto_lognorm.cdf"])
def test_outside_the_support_the_derivatives_are_0(call, p):
    f = _function(call)
    p = np.array(p)
    value, grad = tangentlike.value_and_grad(f)(p)
    assert value == f(p) and value in (0.0, -np.inf)
    assert np.array_equal(grad, np.zeros_like(p))
    _, tangent = tangentlike.jvp(f)((p,), (np.ones_like(p),))
    assert tangent == 0.0


@pytest.mark.parametrize("method", ["pdf", "logpdf"])
def test_kstwo_density_is_refused_by_name(method):
    f = make_function(f"""
        import scipy.stats
        def f(x):
            return scipy.stats.kstwo.{method}(x, 10)
    """)
    for mode in ("reverse", "forward"):
        with pytest.raises(TangentlikeError, match="Kolmogorov-Smirnov") as info:
            tangentlike.autodiff(f, mode=mode)(0.3)
        assert f"scipy.stats.kstwo.{method}" in str(info.value)
        assert "kolmognp" in str(info.value)
