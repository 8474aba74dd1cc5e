"""What templates/scipy_noncentral.py refuses, makes zero, or computes with its helpers: the
degrees of freedom of the non-central chi-squared, t and F functions and ksone's sample size
n are refused by name at the user's line, in reverse and forward mode, and so is the
non-central F distribution function's derivative in nc where dfd <= 2; chndtridf,
nctdtridf, ncfdtridfn, ncfdtridfd and studentized_range are refused; smirnov truncates n (no
derivative); the helpers agree with SciPy's densities, mpmath and finite differences over
many points.  (The rules themselves are checked against finite differences by the registry
walk: tests/rule_cases/scipy_noncentral.py.)"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from parameter_refusals import parameter_function, parameter_tests
from support import make_function

import tangentlike
from tangentlike.errors import TangentlikeError, ValueRefusedError

pytest.importorskip("scipy")
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402

from tangentlike.runtime.noncentral import (  # noqa: E402
    kolmogorov_slope,
    ncf_moment,
    nct_moment,
    ncx2_logdensity,
    smirnov_slope,
)

# the function's name in the message, the parameter, the call with p (the parameter) and x,
# values of p and x
REFUSED = {
    ("scipy.special.chndtr", "df"): ("scipy.special.chndtr(x, p, 1.5)", 3.0, 2.0),
    ("scipy.special.chndtrix", "df"): ("scipy.special.chndtrix(x, p, 1.5)", 3.0, 0.4),
    ("scipy.special.chndtrinc", "df"): ("scipy.special.chndtrinc(x, p, 0.3)", 3.0, 4.0),
    ("scipy.stats.ncx2.pdf", "df"): ("scipy.stats.ncx2.pdf(x, p, 1.5)", 3.0, 2.0),
    ("scipy.stats.ncx2.logpdf", "df"): ("scipy.stats.ncx2.logpdf(x, p, 1.5)", 3.0, 2.0),
    ("scipy.stats.ncx2.cdf", "df"): ("scipy.stats.ncx2.cdf(x, p, 1.5, scale=1.2)", 3.0, 2.0),
    ("scipy.stats.ncx2.logcdf", "df"): ("scipy.stats.ncx2.logcdf(x, p, 1.5)", 3.0, 2.0),
    ("scipy.special.nctdtr", "df"): ("scipy.special.nctdtr(p, 1.2, x)", 3.5, 0.7),
    ("scipy.special.nctdtrit", "df"): ("scipy.special.nctdtrit(p, 1.2, x)", 3.5, 0.4),
    ("scipy.special.nctdtrinc", "df"): ("scipy.special.nctdtrinc(p, 0.4, x)", 3.5, 0.7),
    ("scipy.stats.nct.pdf", "df"): ("scipy.stats.nct.pdf(x, p, 1.2)", 3.5, 0.7),
    ("scipy.stats.nct.logcdf", "df"): ("scipy.stats.nct.logcdf(x, p, 1.2, 0.1)", 3.5, 0.7),
    ("scipy.special.ncfdtr", "dfn"): ("scipy.special.ncfdtr(p, 7.0, 1.5, x)", 3.0, 1.2),
    ("scipy.special.ncfdtri", "dfd"): ("scipy.special.ncfdtri(3.0, p, 1.5, x)", 7.0, 0.4),
    ("scipy.special.ncfdtrinc", "dfn"): ("scipy.special.ncfdtrinc(p, 7.0, 0.4, x)", 3.0, 2.0),
    ("scipy.stats.ncf.logpdf", "dfd"): ("scipy.stats.ncf.logpdf(x, 3.0, p, 1.5)", 7.0, 1.2),
    ("scipy.stats.ncf.cdf", "dfn"): ("scipy.stats.ncf.cdf(x, p, 7.0, 1.5)", 3.0, 1.2),
    ("scipy.stats.ksone.pdf", "n"): ("scipy.stats.ksone.pdf(x, p)", 5.0, 0.3),
    ("scipy.stats.ksone.cdf", "n"): ("scipy.stats.ksone.cdf(x, p)", 5.0, 0.3),
    ("scipy.stats.kstwo.logcdf", "n"): ("scipy.stats.kstwo.logcdf(x, p)", 10.0, 0.3),
}



# SciPy solves ncfdtrinc to about 1e-6 in p only: its differences are that far off.
test_parameter_derivative_is_refused, test_constant_parameter_is_differentiated = (
    parameter_tests(REFUSED, prefix="",
                    rtol=lambda expr: 1e-3 if "ncfdtrinc" in expr else 1e-6))


@pytest.mark.parametrize("expr", ["scipy.special.chndtridf(x, 0.4, 1.5)",
                                  "scipy.special.nctdtridf(0.4, 1.2, x)",
                                  "scipy.special.ncfdtridfn(0.4, 7.0, 1.5, x)",
                                  "scipy.special.ncfdtridfd(3.0, 0.4, 1.5, x)",
                                  "scipy.stats.studentized_range.cdf(x, 3.0, 10.0)"])
def test_functions_without_rules_are_refused(expr):
    f = make_function(f"def f(x):\n    return {expr}\n")
    f.__globals__["scipy"] = scipy
    with pytest.raises(TangentlikeError):
        tangentlike.grad(f)(2.0)


def test_smirnov_truncates_n():
    """smirnov(n, x) truncates n: piecewise constant in n, so its derivative there is 0."""
    f = parameter_function("scipy.special.smirnov(p, x)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SciPy: "truncated to an integer"
        assert tangentlike.grad(f, wrt=(0,))(5.5, 0.3) == 0.0
        assert tangentlike.jvp(f)((5.5, 0.3), (1.0, 0.0))[1] == 0.0


def test_kolmogorov_outside_its_support_has_zero_derivative():
    f = make_function("def f(x):\n    return np.sum(scipy.special.kolmogorov(x))\n")
    f.__globals__["scipy"] = scipy
    got = tangentlike.grad(f)(np.array([-1.0, 0.0, 0.7]))
    assert got[0] == 0.0 and got[1] == 0.0 and got[2] < 0.0


def test_helpers_agree_with_scipys_densities():
    """Over many points: the log-density with ncx2.logpdf, the first derivatives of
    kolmogorov and smirnov with minus the densities of kstwobign and ksone (SciPy's own
    _kolmogp and _smirnovp; _kolmogp is good to about 3e-8 near y = 1, where the helper
    agrees with mpmath to 1e-15: test_kolmogorov_slope_against_mpmath)."""
    rng = np.random.default_rng(0)
    x, df, nc = rng.uniform(0.1, 20, 500), rng.uniform(0.3, 10, 500), rng.uniform(0, 15, 500)
    nc[:50] = 0.0
    np.testing.assert_allclose(ncx2_logdensity(x, df, nc), scipy.stats.ncx2.logpdf(x, df, nc),
                               rtol=1e-12, atol=1e-12)
    y = rng.uniform(0.2, 3.0, 500)
    np.testing.assert_allclose(-kolmogorov_slope(1, y), scipy.stats.kstwobign.pdf(y),
                               rtol=1e-7)
    for n in (1, 3, 10, 100, 2000):
        d = rng.uniform(0.3, 2.5, 50) / np.sqrt(n)
        d = d[d < 1.0]
        np.testing.assert_allclose(-smirnov_slope(1, n, d), scipy.stats.ksone.pdf(d, n),
                                   rtol=1e-9)


def test_kolmogorov_slope_against_mpmath():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30

    def survival(t):
        return 2 * mp.nsum(lambda k: (-1) ** (k - 1) * mp.exp(-2 * k * k * t * t), [1, mp.inf])

    for y in (0.3, 0.8, 0.95, 1.0, 1.05, 1.5, 2.5):
        for order in (1, 2, 3):
            exact = float(mp.diff(survival, y, order))
            assert kolmogorov_slope(order, y) == pytest.approx(exact, rel=1e-12)


def test_helpers_higher_derivatives_against_differences():
    """Each order of kolmogorov_slope and smirnov_slope is the central difference of the one
    below (Richardson-extrapolated: 1e-8 relative), on both sides of kolmogorov's y = 1."""
    def richardson(g, t, h):
        d1 = (g(t + h) - g(t - h)) / (2 * h)
        d2 = (g(t + 2 * h) - g(t - 2 * h)) / (4 * h)
        return (4 * d1 - d2) / 3

    y = np.array([0.35, 0.6, 0.9, 0.999, 1.001, 1.4, 2.2])
    for order in (2, 3, 4):
        np.testing.assert_allclose(
            kolmogorov_slope(order, y),
            richardson(lambda t, k=order - 1: kolmogorov_slope(k, t), y, 1e-4), rtol=1e-8)
    d = np.array([0.23, 0.31, 0.37])
    for order in (2, 3):
        np.testing.assert_allclose(
            smirnov_slope(order, 5, d),
            richardson(lambda t, k=order - 1: smirnov_slope(k, 5, t), d, 1e-4), rtol=1e-8)


def test_nct_moments_against_quadrature():
    """J_k = E[S**k phi(t S - nc)] against mpmath's quadrature of its integral."""
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30

    def exact(k, t, df, nc):
        t, df, nc = mp.mpf(t), mp.mpf(df), mp.mpf(nc)
        c = 2 * (df / 2) ** (df / 2) / mp.gamma(df / 2) / mp.sqrt(2 * mp.pi)
        return c * mp.quad(lambda s: s ** (df - 1 + k) * mp.exp(-df * s * s / 2
                                                                 - (t * s - nc) ** 2 / 2),
                           [0, 1, mp.inf])

    for t, df, nc in ((0.7, 3.5, 1.2), (-1.3, 0.6, 0.4), (2.5, 12.0, -0.8)):
        for k in (0, 1, 2, 3):
            assert nct_moment(k, t, df, nc) == pytest.approx(float(exact(k, t, df, nc)),
                                                             rel=1e-11)


def test_nct_moments_against_differences():
    """Over many points, the derivative of nctdtr in nc (-J_0, from the recurrence) and in t
    (J_1) against Richardson-extrapolated central differences of SciPy's nctdtr, 1e-8
    relative."""
    rng = np.random.default_rng(1)
    t, df, nc = rng.uniform(-2, 3, 300), rng.uniform(0.5, 20, 300), rng.uniform(-1.5, 2.5, 300)
    h = 1e-3

    def richardson(g):
        return (8 * (g(h) - g(-h)) - (g(2 * h) - g(-2 * h))) / (12 * h)

    in_nc = richardson(lambda e: scipy.special.nctdtr(df, nc + e, t))
    in_t = richardson(lambda e: scipy.special.nctdtr(df, nc, t + e))
    np.testing.assert_allclose(-nct_moment(0, t, df, nc), in_nc, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(nct_moment(1, t, df, nc), in_t, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("expr", ["scipy.special.ncfdtr(3.0, 1.5, x, 1.2)",
                                  "scipy.stats.ncf.cdf(1.2, 3.0, 1.5, x)",
                                  "scipy.special.ncfdtrinc(3.0, 1.5, 0.2, x)"])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_ncf_in_nc_with_small_dfd_is_refused(expr, mode):
    """dF/dnc is a non-central F density of dfd - 2 degrees of freedom: refused for dfd <= 2
    (the density itself is differentiated in nc there: the registry walk's ncf-dfd1.5)."""
    f = make_function(f"def f(x):\n    return {expr}\n")
    f.__globals__["scipy"] = scipy
    x = 1.5
    with pytest.raises(ValueRefusedError, match="dfd > 2 only"):
        if mode == "reverse":
            tangentlike.grad(f)(x)
        else:
            tangentlike.jvp(f)((x,), (1.0,))


def test_ncf_moments_against_differences():
    """Over many points, the derivatives of ncfdtr in nc (-M_0 of dfn + 2, a shifted
    density) and in f (dfn M_1) against Richardson-extrapolated central differences of
    SciPy's ncfdtr, 1e-8 relative."""
    rng = np.random.default_rng(2)
    n = 300
    f, dfn = rng.uniform(0.2, 4, n), rng.uniform(0.5, 10, n)
    dfd, nc = rng.uniform(2.5, 20, n), rng.uniform(0.1, 5, n)
    h = 1e-3

    def richardson(g):
        return (8 * (g(h) - g(-h)) - (g(2 * h) - g(-2 * h))) / (12 * h)

    in_nc = richardson(lambda e: scipy.special.ncfdtr(dfn, dfd, nc + e, f))
    in_f = richardson(lambda e: scipy.special.ncfdtr(dfn, dfd, nc, f + e))
    np.testing.assert_allclose(-ncf_moment(0, dfn * f, dfn + 2.0, dfd, nc), in_nc, rtol=1e-8,
                               atol=1e-12)
    np.testing.assert_allclose(dfn * ncf_moment(1, dfn * f, dfn, dfd, nc), in_f, rtol=1e-8,
                               atol=1e-12)


def test_kstwo_second_derivative_is_refused():
    """kstwo.cdf's derivative is SciPy's kstwo.pdf, whose own derivative tangentlike cannot
    take (SciPy's Python code writes into arrays in place): refused by name, not guessed."""
    f = make_function("def f(x):\n    return scipy.stats.kstwo.cdf(x, 10)\n")
    f.__globals__["scipy"] = scipy
    assert tangentlike.grad(f)(0.3) == pytest.approx(scipy.stats.kstwo.pdf(0.3, 10), rel=1e-12)
    with pytest.raises(TangentlikeError, match="kstwo.pdf"):
        tangentlike.grad(tangentlike.grad(f))(0.3)
