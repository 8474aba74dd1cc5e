"""scipy.stats distribution functions SciPy computes in compiled code (SciPy is optional:
tangentlike/templates imports this module only when SciPy is installed): rules of the public
methods, in ``x``, ``loc``, ``scale`` and the shape parameter.  With ``z = (x - loc) / scale``
a distribution function's derivative is the density in ``x`` (``-pdf`` in ``loc``, ``-pdf z``
in ``scale``); ``logcdf`` divides by the cdf as ``exp(logpdf - y)``.  The densities they
call are differentiated from SciPy's source (frontend/standardized.py) or by the rules here,
so second derivatives work.  Complex values are refused.

- ``skewnorm.cdf(x, a) = Phi(z) - 2 T(z, a)`` (Owen's T; SciPy computes it with Boost):
  ``d/da = -exp(-z^2 (1 + a^2) / 2) / (pi (1 + a^2))``.
- ``vonmises_line.cdf`` (SciPy's ``von_mises_cdf``, compiled): ``d/dkappa`` is the series of
  tangentlike/runtime/vonmises_series.py, refused for ``kappa >= 50`` (where SciPy uses a
  normal approximation), in ``logcdf`` where the cdf is below 1e-5, and a second time.
- ``tukeylambda`` (``scipy.special.tklmbda``, compiled): the distribution function ``F`` is
  the inverse of the quantile ``Q(p) = (p^lam - (1 - p)^lam) / lam``, so by the implicit
  function theorem the standard density is ``1 / Q'(F)`` and ``dF/dlam = -Q_lam(F) / Q'(F)``
  (``Q_lam``: tangentlike/runtime/tukeylambda.py, continuous through ``lam = 0``, the
  logistic distribution); the log density's derivatives are ``-Q''(F) / Q'(F)^2`` in ``z``
  and ``-(Q'_lam(F) + Q''(F) dF/dlam) / Q'(F)`` in ``lam``.  Outside the support
  (``|z| > 1 / lam`` for ``lam > 0``) every derivative is 0.
- ``pearson3.cdf`` (SciPy's ``_cdf`` writes in place): a gamma distribution function in a
  transformed point, the skew's sign choosing cdf or sf; ``d/dskew`` through the incomplete
  gamma function's derivative in its parameter, refused for ``0 < |skew| < 0.0063``
  (tangentlike/runtime/pearson3.py), the normal limit's at ``skew = 0``.
"""
import numpy as np
import scipy.special
import scipy.stats

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.incomplete import gammainc_da
from tangentlike.runtime.linalg import real_matrix
from tangentlike.runtime.pearson3 import skew_checked
from tangentlike.runtime.special_more import in_dtype_of
from tangentlike.runtime.tukeylambda import (
    no_third_lam_derivative,
    quantile,
    quantile_dlam,
    quantile_dlam2,
)
from tangentlike.runtime.vonmises_series import (
    no_second_kappa_derivative,
    tail_checked,
    vonmises_cdf_dkappa,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(no_second_kappa_derivative, tail_checked, no_third_lam_derivative,
                   skew_checked)


# ---------------------------------------------------------------------------------------------
# skewnorm (a)

@elementwise(scipy.stats.skewnorm.cdf)
def skewnorm_cdf(y, x, a, loc=0.0, scale=1.0):
    f = scipy.stats.skewnorm.pdf(real_matrix(x, "scipy.stats.skewnorm.cdf"), a, loc, scale)
    z = (x - loc) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * np.exp(-0.5 * z * z * (1.0 + a * a)) / (np.pi * (1.0 + a * a)),
                       a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@elementwise(scipy.stats.skewnorm.logcdf)
def skewnorm_logcdf(y, x, a, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.skewnorm.logpdf(real_matrix(x, "scipy.stats.skewnorm.logcdf"), a,
                                           loc, scale) - y)
    z = (x - loc) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * np.exp(-0.5 * z * z * (1.0 + a * a) - y) / (np.pi * (1.0 + a * a)),
                       a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


# ---------------------------------------------------------------------------------------------
# vonmises_line (kappa): the series' own rules first (in z, the density's derivative in kappa)

@adjoint(vonmises_cdf_dkappa)
def vonmises_cdf_dkappa_adjoint(y, kappa, z):
    d[kappa] = no_second_kappa_derivative(d[y])
    d[z] = unbroadcast(d[y] * scipy.stats.vonmises_line.pdf(z, kappa) * (
        np.cos(z) - scipy.special.i1e(kappa) / scipy.special.i0e(kappa)), z)


@tangent(vonmises_cdf_dkappa)
def vonmises_cdf_dkappa_tangent(y, kappa, z):
    d[y] = no_second_kappa_derivative(d[kappa])
    d[y] = d[z] * scipy.stats.vonmises_line.pdf(z, kappa) * (
        np.cos(z) - scipy.special.i1e(kappa) / scipy.special.i0e(kappa))


@elementwise(scipy.stats.vonmises_line.cdf)
def vonmises_line_cdf(y, x, kappa, loc=0.0, scale=1.0):
    f = scipy.stats.vonmises_line.pdf(real_matrix(x, "scipy.stats.vonmises_line.cdf"), kappa,
                                      loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = unbroadcast(d[y] * vonmises_cdf_dkappa(kappa, (x - loc) / scale), kappa)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.vonmises_line.logcdf)
def vonmises_line_logcdf(y, x, kappa, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.vonmises_line.logpdf(
        real_matrix(x, "scipy.stats.vonmises_line.logcdf"), kappa, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = unbroadcast(d[y] * vonmises_cdf_dkappa(kappa, (x - loc) / scale) * np.exp(-y)
                           * tail_checked(y), kappa)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# tukeylambda (lam): the quantile's and its derivatives' own rules first

@adjoint(quantile)
def quantile_adjoint(y, p, lam):
    q = np.where((p > 0.0) & (p < 1.0), p, 0.5)
    d[p] = unbroadcast(d[y] * np.where((p > 0.0) & (p < 1.0), q ** (lam - 1.0)
                                       + (1.0 - q) ** (lam - 1.0), 0.0), p)
    d[lam] = unbroadcast(d[y] * quantile_dlam(p, lam), lam)


@tangent(quantile)
def quantile_tangent(y, p, lam):
    q = np.where((p > 0.0) & (p < 1.0), p, 0.5)
    d[y] = d[p] * np.where((p > 0.0) & (p < 1.0), q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0),
                           0.0)
    d[y] = d[lam] * quantile_dlam(p, lam)


@adjoint(quantile_dlam)
def quantile_dlam_adjoint(y, p, lam):
    q = np.where((p > 0.0) & (p < 1.0), p, 0.5)
    d[p] = unbroadcast(d[y] * np.where((p > 0.0) & (p < 1.0), q ** (lam - 1.0) * np.log(q)
                                       + (1.0 - q) ** (lam - 1.0) * np.log1p(-q), 0.0), p)
    d[lam] = unbroadcast(d[y] * quantile_dlam2(p, lam), lam)


@tangent(quantile_dlam)
def quantile_dlam_tangent(y, p, lam):
    q = np.where((p > 0.0) & (p < 1.0), p, 0.5)
    d[y] = d[p] * np.where((p > 0.0) & (p < 1.0), q ** (lam - 1.0) * np.log(q)
                           + (1.0 - q) ** (lam - 1.0) * np.log1p(-q), 0.0)
    d[y] = d[lam] * quantile_dlam2(p, lam)


@adjoint(quantile_dlam2)
def quantile_dlam2_adjoint(y, p, lam):
    q = np.where((p > 0.0) & (p < 1.0), p, 0.5)
    d[p] = unbroadcast(d[y] * np.where((p > 0.0) & (p < 1.0), q ** (lam - 1.0) * np.log(q) ** 2
                                       + (1.0 - q) ** (lam - 1.0) * np.log1p(-q) ** 2, 0.0), p)
    d[lam] = no_third_lam_derivative(d[y])


@tangent(quantile_dlam2)
def quantile_dlam2_tangent(y, p, lam):
    d[y] = no_third_lam_derivative(d[lam])
    q = np.where((p > 0.0) & (p < 1.0), p, 0.5)
    d[y] = d[p] * np.where((p > 0.0) & (p < 1.0), q ** (lam - 1.0) * np.log(q) ** 2
                           + (1.0 - q) ** (lam - 1.0) * np.log1p(-q) ** 2, 0.0)


# In each rule: c, SciPy's distribution function where it is Tukey lambda's, refined by one
# Newton step on the quantile where it is the logistic one (|lam| < 1e-4); q, c inside (0, 1)
# (1/2 beyond the ends, where the density is 0); s = 1 / Q'(q), the standard density; q2 =
# Q''(q).

@elementwise(scipy.stats.tukeylambda.cdf)
def tukeylambda_cdf(y, x, lam, loc=0.0, scale=1.0):
    f = scipy.stats.tukeylambda.pdf(real_matrix(x, "scipy.stats.tukeylambda.cdf"), lam, loc,
                                    scale)
    inside = (y > 0.0) & (y < 1.0)
    q = np.where(inside, y, 0.5)
    s = 1.0 / (q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0))
    q = np.where(inside & (np.abs(lam) < 1e-4), q - (quantile(q, lam) - (x - loc) / scale) * s, q)
    s = np.where(inside, 1.0 / (q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0)), 0.0)
    d[x] = unbroadcast(d[y] * f, x)
    d[lam] = unbroadcast(-d[y] * s * quantile_dlam(q, lam), lam)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.tukeylambda.logcdf)
def tukeylambda_logcdf(y, x, lam, loc=0.0, scale=1.0):
    c = scipy.stats.tukeylambda.cdf(real_matrix(x, "scipy.stats.tukeylambda.logcdf"), lam, loc,
                                    scale)
    f = scipy.stats.tukeylambda.pdf(x, lam, loc, scale) / np.where(c > 0.0, c, 1.0)
    inside = (c > 0.0) & (c < 1.0)
    q = np.where(inside, c, 0.5)
    s = 1.0 / (q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0))
    q = np.where(inside & (np.abs(lam) < 1e-4), q - (quantile(q, lam) - (x - loc) / scale) * s, q)
    s = np.where(inside, 1.0 / (q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0)), 0.0)
    d[x] = unbroadcast(d[y] * f, x)
    d[lam] = unbroadcast(-d[y] * s * quantile_dlam(q, lam) / np.where(inside, q, 1.0), lam)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.tukeylambda.logpdf)
def tukeylambda_logpdf(y, x, lam, loc=0.0, scale=1.0):
    c = scipy.stats.tukeylambda.cdf(real_matrix(x, "scipy.stats.tukeylambda.logpdf"), lam, loc,
                                    scale)
    inside = (c > 0.0) & (c < 1.0)
    q = np.where(inside, c, 0.5)
    s = 1.0 / (q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0))
    q = np.where(inside & (np.abs(lam) < 1e-4), q - (quantile(q, lam) - (x - loc) / scale) * s, q)
    s = np.where(inside, 1.0 / (q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0)), 0.0)
    q2 = (lam - 1.0) * (q ** (lam - 2.0) - (1.0 - q) ** (lam - 2.0))
    hz = -q2 * s * s
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[lam] = unbroadcast(-d[y] * s * (q ** (lam - 1.0) * np.log(q) + (1.0 - q) ** (lam - 1.0)
                                      * np.log1p(-q) - q2 * quantile_dlam(q, lam) * s), lam)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * ((x - loc) / scale * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.tukeylambda.pdf)
def tukeylambda_pdf(y, x, lam, loc=0.0, scale=1.0):
    c = scipy.stats.tukeylambda.cdf(real_matrix(x, "scipy.stats.tukeylambda.pdf"), lam, loc,
                                    scale)
    inside = (c > 0.0) & (c < 1.0)
    q = np.where(inside, c, 0.5)
    s = 1.0 / (q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0))
    q = np.where(inside & (np.abs(lam) < 1e-4), q - (quantile(q, lam) - (x - loc) / scale) * s, q)
    s = np.where(inside, 1.0 / (q ** (lam - 1.0) + (1.0 - q) ** (lam - 1.0)), 0.0)
    q2 = (lam - 1.0) * (q ** (lam - 2.0) - (1.0 - q) ** (lam - 2.0))
    hz = -q2 * s * s
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[lam] = unbroadcast(-d[y] * y * s * (q ** (lam - 1.0) * np.log(q) + (1.0 - q) **
                                          (lam - 1.0) * np.log1p(-q)
                                          - q2 * quantile_dlam(q, lam) * s), lam)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * ((x - loc) / scale * hz + 1.0) / scale, scale)


# ---------------------------------------------------------------------------------------------
# pearson3 (skew): with w = skew (held at 1 below 0.0063, where the derivative is refused
# but at 0), a = 4 / w^2 and t = (2 / w)
# (z + 2 / w), the cdf is gammainc(a, t) (w > 0) or gammaincc(a, t) (w < 0); d/dskew is
# +-(gammainc_da(a, t) da/dw + gamma.pdf(t, a) dt/dw), the normal one's -phi(z) (z^2 - 1) / 6
# at skew = 0, refused in between (tangentlike/runtime/pearson3.py).

@elementwise(scipy.stats.pearson3.cdf)
def pearson3_cdf(y, x, skew, loc=0.0, scale=1.0):
    f = scipy.stats.pearson3.pdf(real_matrix(x, "scipy.stats.pearson3.cdf"), skew, loc, scale)
    z = (x - loc) / scale
    w = np.where(np.abs(skew) < 0.0063, 1.0, skew)
    t = 2.0 / w * (z + 2.0 / w)
    g = np.sign(w) * (in_dtype_of(gammainc_da(4.0 / (w * w), t), y) * (-8.0 / w ** 3)
                      + scipy.stats.gamma.pdf(t, 4.0 / (w * w)) * (-2.0 * z / (w * w)
                                                                     - 8.0 / w ** 3))
    d[x] = unbroadcast(d[y] * f, x)
    d[skew] = unbroadcast(d[y] * skew_checked(skew) * np.where(
        skew == 0, -scipy.stats.norm.pdf(z) * (z * z - 1.0) / 6.0, g), skew)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@elementwise(scipy.stats.pearson3.logcdf)
def pearson3_logcdf(y, x, skew, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.pearson3.logpdf(real_matrix(x, "scipy.stats.pearson3.logcdf"), skew,
                                           loc, scale) - y)
    z = (x - loc) / scale
    w = np.where(np.abs(skew) < 0.0063, 1.0, skew)
    t = 2.0 / w * (z + 2.0 / w)
    g = np.sign(w) * (in_dtype_of(gammainc_da(4.0 / (w * w), t), y) * (-8.0 / w ** 3)
                      + scipy.stats.gamma.pdf(t, 4.0 / (w * w)) * (-2.0 * z / (w * w)
                                                                     - 8.0 / w ** 3))
    d[x] = unbroadcast(d[y] * f, x)
    d[skew] = unbroadcast(d[y] * skew_checked(skew) * np.exp(-y) * np.where(
        skew == 0, -scipy.stats.norm.pdf(z) * (z * z - 1.0) / 6.0, g), skew)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)
