"""scipy.stats distribution functions SciPy computes in compiled code
(templates/scipy_stats_compiled.py): what the registry walk (tests/rule_cases/
scipy_stats_compiled.py) cannot check against SciPy's own finite differences, and the
refusals.

- tukeylambda at ``lam = 0`` (and ``|lam| < 1e-4``, where SciPy's tklmbda is the logistic
  distribution's, constant in lam): the derivative in lam is the smooth distribution's, checked
  against central differences of the distribution function computed with mpmath (the quantile
  inverted at 30 digits); a grid over lam (negative, 0, small, 1, 2) and x in both modes.
- vonmises_line's kappa: the series against mpmath's quadrature of the density's derivative;
  refused for kappa >= 50 (SciPy's normal approximation), in the logcdf's far left tail, and
  a second time.
- skewnorm's a against the closed form Phi(z) - 2 T(z, a) differentiated numerically.
"""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tangentlike.errors import ValueRefusedError
from tests.support import make_function

pytest.importorskip("scipy")
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402

CALLS = make_function("""
    import scipy.stats
    def tukey_cdf(x, lam):
        return scipy.stats.tukeylambda.cdf(x, lam)
    def tukey_logcdf(x, lam):
        return scipy.stats.tukeylambda.logcdf(x, lam)
    def tukey_pdf(x, lam):
        return scipy.stats.tukeylambda.pdf(x, lam)
    def tukey_logpdf(x, lam):
        return scipy.stats.tukeylambda.logpdf(x, lam)
    def vm_cdf(x, kappa):
        return scipy.stats.vonmises_line.cdf(x, kappa, 0.1, 1.2)
    def vm_logcdf(x, kappa):
        return scipy.stats.vonmises_line.logcdf(x, kappa)
    def skew_cdf(x, a):
        return scipy.stats.skewnorm.cdf(x, a, 0.2, 1.1)
    def skew_logcdf(x, a):
        return scipy.stats.skewnorm.logcdf(x, a, 0.2, 1.1)
""", name="tukey_cdf").__globals__


def _both(f, x, p):
    """(d/dx, d/dp) in reverse mode, checked equal to forward mode's."""
    gx, gp = tangentlike.grad(f, wrt=(0, 1))(x, p)
    fx = tangentlike.jvp(f, wrt=(0,))((x, p), (1.0,))[1]
    fp = tangentlike.jvp(f, wrt=(1,))((x, p), (1.0,))[1]
    np.testing.assert_allclose([fx, fp], [gx, gp], rtol=1e-12, atol=1e-15)
    return gx, gp


def _tukey_cdf_mp(x, lam):
    """The Tukey lambda distribution function at 30 digits (its quantile inverted)."""
    mp = pytest.importorskip("mpmath")
    with mp.workdps(30):
        x, lam = mp.mpf(x), mp.mpf(lam)

        def q(p):
            if lam == 0:
                return mp.log(p / (1 - p))
            return (p ** lam - (1 - p) ** lam) / lam
        return mp.findroot(lambda p: q(p) - x, (mp.mpf("1e-20"), 1 - mp.mpf("1e-20")),
                           solver="anderson")


@pytest.mark.parametrize("lam", [-0.7, -0.05, 0.0, 1e-6, -3e-5, 0.01, 0.3, 1.0, 2.0])
@pytest.mark.parametrize("x", [-0.45, 0.05, 0.4])
def test_tukeylambda_against_mpmath(lam, x):
    """d/dx and d/dlam of cdf and logcdf, and d/dx of pdf and logpdf, against central
    differences of the distribution function computed with mpmath (float64 results)."""
    mp = pytest.importorskip("mpmath")
    h = 1e-6
    F = float(_tukey_cdf_mp(x, lam))
    dx = float((_tukey_cdf_mp(x + h, lam) - _tukey_cdf_mp(x - h, lam)) / (2 * h))
    dlam = float((_tukey_cdf_mp(x, lam + h) - _tukey_cdf_mp(x, lam - h)) / (2 * h))
    # |lam| < 1e-4: SciPy's value (and so its density, the x-derivative) is the logistic
    # distribution's, off by O(lam) from the Tukey lambda one (the lam-derivative is refined)
    rtol = 1e-8 if lam == 0 or abs(lam) >= 1e-4 else 1e-5
    gx, gl = _both(CALLS["tukey_cdf"], x, lam)
    np.testing.assert_allclose(gx, dx, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(gl, dlam, rtol=1e-8, atol=1e-12)
    gx, gl = _both(CALLS["tukey_logcdf"], x, lam)
    np.testing.assert_allclose(gx, dx / F, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(gl, dlam / F, rtol=rtol, atol=1e-12)
    # the density's derivatives: its central differences, from the mpmath cdf's second ones
    with mp.workdps(30):
        d2x = float((_tukey_cdf_mp(x + h, lam) - 2 * _tukey_cdf_mp(x, lam)
                     + _tukey_cdf_mp(x - h, lam)) / h ** 2)
        d2xl = float((_tukey_cdf_mp(x + h, lam + h) - _tukey_cdf_mp(x - h, lam + h)
                      - _tukey_cdf_mp(x + h, lam - h) + _tukey_cdf_mp(x - h, lam - h))
                     / (4 * h * h))
    gx, gl = _both(CALLS["tukey_pdf"], x, lam)
    np.testing.assert_allclose([gx, gl], [d2x, d2xl], rtol=1e-5, atol=1e-8)
    gx, gl = _both(CALLS["tukey_logpdf"], x, lam)
    np.testing.assert_allclose([gx, gl], [d2x / dx, d2xl / dx], rtol=1e-5, atol=1e-8)


def test_tukeylambda_outside_its_support():
    """lam > 0: beyond |x| = 1 / lam the cdf is 0 or 1, the density 0: derivatives 0."""
    for name in ("tukey_cdf", "tukey_pdf"):
        gx, gl = _both(CALLS[name], 0.6, 2.0)
        assert (gx, gl) == (0.0, 0.0)


def _vm_cdf_dkappa_mp(kappa, z):
    """mpmath's quadrature of the von Mises density's derivative in kappa from -pi to z."""
    mp = pytest.importorskip("mpmath")
    with mp.workdps(30):
        k = mp.mpf(kappa)
        mean = mp.besseli(1, k) / mp.besseli(0, k)
        norm = 2 * mp.pi * mp.besseli(0, k)
        return float(mp.quad(lambda t: mp.exp(k * mp.cos(t)) * (mp.cos(t) - mean) / norm,
                             [-mp.pi, 0, z]))


def test_vonmises_line_kappa_against_mpmath():
    """d/dkappa of the cdf against mpmath's quadrature of the density's derivative in
    kappa from -pi to z, in reverse and forward mode, logcdf too."""
    for x, kappa in [(-2.0, 0.7), (0.3, 1.5), (1.9, 4.0), (-0.4, 20.0), (0.2, 49.0)]:
        _, g = _both(CALLS["vm_cdf"], x, kappa)
        np.testing.assert_allclose(g, _vm_cdf_dkappa_mp(kappa, (x - 0.1) / 1.2), rtol=1e-10,
                                   atol=1e-15)
    _, g = _both(CALLS["vm_logcdf"], 0.3, 1.5)
    np.testing.assert_allclose(g, _vm_cdf_dkappa_mp(1.5, 0.3)
                               / scipy.stats.vonmises_line.cdf(0.3, 1.5), rtol=1e-10)


def test_vonmises_line_kappa_refusals():
    """kappa >= 50 (SciPy approximates the function by a normal one there), the logcdf's far
    left tail, and a second derivative in kappa are refused by name; x stays differentiable."""
    with pytest.raises(ValueRefusedError, match="kappa <= 50"):
        tangentlike.grad(CALLS["vm_cdf"], wrt=(1,))(0.3, 60.0)
    with pytest.raises(ValueRefusedError, match="kappa <= 50"):
        tangentlike.jvp(CALLS["vm_cdf"], wrt=(1,))((0.3, 60.0), (1.0,))
    assert tangentlike.grad(CALLS["vm_cdf"])(0.3, 60.0) == pytest.approx(
        scipy.stats.vonmises_line.pdf(0.3, 60.0, 0.1, 1.2), rel=1e-12)
    with pytest.raises(ValueRefusedError, match="at least 1e-5"):
        tangentlike.grad(CALLS["vm_logcdf"], wrt=(1,))(-3.0, 8.0)
    with pytest.raises(ValueRefusedError, match="second derivative"):
        tangentlike.grad(tangentlike.grad(CALLS["vm_cdf"], wrt=(1,)), wrt=(1,))(0.3, 1.5)


def test_tukeylambda_third_derivative_in_lam_is_refused():
    d2 = tangentlike.grad(tangentlike.grad(CALLS["tukey_cdf"], wrt=(1,)), wrt=(1,))
    h = 1e-4
    g = tangentlike.grad(CALLS["tukey_cdf"], wrt=(1,))
    assert d2(0.4, 0.3) == pytest.approx((g(0.4, 0.3 + h) - g(0.4, 0.3 - h)) / (2 * h),
                                         rel=1e-6)
    with pytest.raises(ValueRefusedError, match="at most twice in lam"):
        tangentlike.grad(d2, wrt=(1,))(0.4, 0.3)


@pytest.mark.parametrize("name", ["skew_cdf", "skew_logcdf"])
def test_skewnorm_against_owens_t(name):
    """d/da against central differences of Phi(z) - 2 T(z, a) (scipy.special.owens_t)."""
    def closed(x, a):
        z = (x - 0.2) / 1.1
        c = scipy.special.ndtr(z) - 2 * scipy.special.owens_t(z, a)
        return c if name == "skew_cdf" else np.log(c)
    h = 1e-6
    for x, a in [(-1.0, 2.5), (0.4, -1.3), (1.7, 0.0), (-2.5, 1.0)]:
        _, g = _both(CALLS[name], x, a)
        ref = (closed(x, a + h) - closed(x, a - h)) / (2 * h)
        np.testing.assert_allclose(g, ref, rtol=1e-7)


PEARSON3 = make_function("""
    import scipy.stats
    def p3_cdf(x, skew):
        return scipy.stats.pearson3.cdf(x, skew, 0.1, 1.3)
    def p3_logcdf(x, skew):
        return scipy.stats.pearson3.logcdf(x, skew, 0.1, 1.3)
""", name="p3_cdf").__globals__


@pytest.mark.parametrize("name", ["p3_cdf", "p3_logcdf"])
def test_pearson3_at_skew_zero_is_the_limit(name):
    """At skew = 0 (SciPy: the normal distribution, for |skew| < 1.6e-5) d/dskew is the
    limit of the gamma form's: -phi(z) (z^2 - 1) / 6 (times 1 / cdf for logcdf), which the
    derivatives at +-s approach as s^2 (their mean)."""
    f = PEARSON3[name]
    for x in (-1.5, 0.3, 2.0):
        z = (x - 0.1) / 1.3
        gx, g0 = _both(f, x, 0.0)
        scale = 1.0 if name == "p3_cdf" else 1.0 / scipy.stats.norm.cdf(z)
        assert g0 == pytest.approx(-scipy.stats.norm.pdf(z) * (z * z - 1) / 6 * scale,
                                   rel=1e-12)
        assert gx == pytest.approx(scipy.stats.norm.pdf(z) / 1.3 * scale, rel=1e-12)
        s = 0.02
        mean = (_both(f, x, s)[1] + _both(f, x, -s)[1]) / 2
        assert abs(mean - g0) < 4 * s * s * abs(g0) + 1e-12


def test_pearson3_small_skew_is_refused():
    """0 < |skew| < 0.0063: the incomplete gamma function's parameter 4 / skew^2 is above
    its checked range; refused by name, in both modes; x stays differentiable."""
    f = PEARSON3["p3_cdf"]
    for skew in (1e-6, -1e-3):
        with pytest.raises(ValueRefusedError, match="pearson3's distribution function in skew"):
            tangentlike.grad(f, wrt=(1,))(0.3, skew)
        with pytest.raises(ValueRefusedError, match="pearson3's distribution function in skew"):
            tangentlike.jvp(f, wrt=(1,))((0.3, skew), (1.0,))
    assert tangentlike.grad(f)(0.3, 1e-3) == pytest.approx(
        scipy.stats.pearson3.pdf(0.3, 1e-3, 0.1, 1.3), rel=1e-12)
