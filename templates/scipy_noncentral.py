"""The non-central chi-squared, t and F distributions and the Kolmogorov-Smirnov family (SciPy
is optional: tangentlike/templates imports this module only when SciPy is installed):
``scipy.special`` ``chndtr chndtrix chndtrinc nctdtr nctdtrit nctdtrinc ncfdtr ncfdtri
ncfdtrinc kolmogorov kolmogi smirnov smirnovi`` and ``scipy.stats`` ``ncx2 nct ncf kstwobign
ksone`` (``pdf logpdf cdf logcdf``), ``kstwo`` (``cdf logcdf``, first order).

With ``f(x; df, nc)`` the non-central chi-squared density (``ncx2_logdensity``: its
logarithm) and ``F = chndtr`` its distribution function (a Poisson mixture of chi-squared
distribution functions of ``df + 2 j`` degrees of freedom):

- ``dF/dx = f(x; df, nc)``, ``dF/dnc = -f(x; df + 2, nc)``;
- ``d log f/dx = -1/2 + (df/2 - 1) / x + nc / (2 x) r``, ``d log f/dnc = (r - 1) / 2``, where
  ``r = f(x; df + 2, nc) / f(x; df, nc)`` (from ``I_v' = I_(v+1) + v / z I_v``);
- the inverses by the implicit function theorem (``chndtrix``: ``dx/dp = 1 / f``).

The non-central t distribution, with ``S = sqrt(chi2(df) / df)``: ``F = nctdtr = E[Phi(t S -
nc)]``, and ``J_k = nct_moment(k, t, df, nc) = E[S**k phi(t S - nc)]`` gives ``dF/dt = J_1``
(the density), ``dF/dnc = -J_0`` and the moments' own derivatives (see the helper's rules).

The non-central F distribution, with ``W = chi2(dfd) / dfd`` and ``u = dfn f``: ``F = ncfdtr =
E[chndtr(u W, dfn, nc)]``, and ``M_k = ncf_moment(k, u, dfn, dfd, nc) = E[W**k g(u W; dfn,
nc)]`` (``g`` the non-central chi-squared density) gives ``dF/df = dfn M_1`` (the density) and
``dF/dnc = -M_0(u; dfn + 2)``, a non-central F density of ``dfd - 2`` degrees of freedom:
where ``dfd <= 2`` that derivative is refused.

The derivative in the degrees of freedom has no closed form: it is refused by name when
``df`` (``dfn``, ``dfd``) is differentiated (``chndtridf``, ``nctdtridf``, ``ncfdtridfn`` and
``ncfdtridfd``, whose every derivative needs it, are refused).

``kolmogorov(y)`` (the Kolmogorov distribution's survival function) and ``smirnov(n, d)``
(the one-sided one's, for ``n`` samples) are differentiated by their series
(``kolmogorov_slope``, ``smirnov_slope``: derivatives of every order, so derivatives of
derivatives work); ``smirnov`` truncates ``n`` to an integer (piecewise constant: no
derivative); ``ksone``'s ``n`` must be an integer: differentiated, it is refused.
"""
import numpy as np
import scipy.special
import scipy.stats

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.noncentral import (
    kolmogorov_slope,
    ncf_moment,
    nct_moment,
    ncx2_logdensity,
    no_shape_derivative,
    smirnov_slope,
)
from tangentlike.runtime.special_more import in_dtype_of, no_parameter_derivative

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(no_shape_derivative)


# ---------------------------------------------------------------------------------------------
# The helpers: the non-central chi-squared log-density, the series' derivatives.

@adjoint(ncx2_logdensity)
def ncx2_logdensity_adjoint(y, x, df, nc):
    r = np.exp(ncx2_logdensity(x, df + 2.0, nc) - y)
    d[x] = unbroadcast(d[y] * (-0.5 + (0.5 * df - 1.0) / x + 0.5 * nc * r / x), x)
    d[df] = no_parameter_derivative(d[y], "chndtr", "df")
    d[nc] = unbroadcast(d[y] * 0.5 * (r - 1.0), nc)


@tangent(ncx2_logdensity)
def ncx2_logdensity_tangent(y, x, df, nc):
    r = np.exp(ncx2_logdensity(x, df + 2.0, nc) - y)
    d[y] = d[x] * (-0.5 + (0.5 * df - 1.0) / x + 0.5 * nc * r / x)
    d[y] = no_parameter_derivative(d[df], "chndtr", "df")
    d[y] = d[nc] * 0.5 * (r - 1.0)


# J_k = nct_moment(k, t, df, nc) = E[S**k phi(t S - nc)]: dJ_k/dt = -t J_(k+2) + nc J_(k+1),
# dJ_k/dnc = t J_(k+1) - nc J_k.
@adjoint(nct_moment)
def nct_moment_adjoint(y, k, t, df, nc):
    j1 = nct_moment(k + 1, t, df, nc)
    d[t] = unbroadcast(d[y] * (nc * j1 - t * nct_moment(k + 2, t, df, nc)), t)
    d[df] = no_parameter_derivative(d[y], "nctdtr", "df")
    d[nc] = unbroadcast(d[y] * (t * j1 - nc * y), nc)


@tangent(nct_moment)
def nct_moment_tangent(y, k, t, df, nc):
    j1 = nct_moment(k + 1, t, df, nc)
    d[y] = d[t] * (nc * j1 - t * nct_moment(k + 2, t, df, nc))
    d[y] = no_parameter_derivative(d[df], "nctdtr", "df")
    d[y] = d[nc] * (t * j1 - nc * y)


# M_k = ncf_moment(k, u, dfn, dfd, nc) = E[W**k g(u W; dfn, nc)] (g the non-central
# chi-squared density, whose derivative in x is g (-1/2 + (dfn/2 - 1)/x) + nc/(2x)
# g(x; dfn + 2)): dM_k/du = -M_(k+1)/2 + (dfn/2 - 1)/u M_k + nc/(2u) M_k(dfn + 2),
# dM_k/dnc = (M_k(dfn + 2) - M_k)/2.
@adjoint(ncf_moment)
def ncf_moment_adjoint(y, k, u, dfn, dfd, nc):
    up = ncf_moment(k, u, dfn + 2.0, dfd, nc)
    d[u] = unbroadcast(d[y] * (-0.5 * ncf_moment(k + 1, u, dfn, dfd, nc)
                               + ((0.5 * dfn - 1.0) * y + 0.5 * nc * up) / u), u)
    d[dfn] = no_parameter_derivative(d[y], "ncfdtr", "dfn")
    d[dfd] = no_parameter_derivative(d[y], "ncfdtr", "dfd")
    d[nc] = unbroadcast(d[y] * 0.5 * (up - y), nc)


@tangent(ncf_moment)
def ncf_moment_tangent(y, k, u, dfn, dfd, nc):
    up = ncf_moment(k, u, dfn + 2.0, dfd, nc)
    d[y] = d[u] * (-0.5 * ncf_moment(k + 1, u, dfn, dfd, nc)
                   + ((0.5 * dfn - 1.0) * y + 0.5 * nc * up) / u)
    d[y] = no_parameter_derivative(d[dfn], "ncfdtr", "dfn")
    d[y] = no_parameter_derivative(d[dfd], "ncfdtr", "dfd")
    d[y] = d[nc] * 0.5 * (up - y)


@adjoint(kolmogorov_slope)
def kolmogorov_slope_adjoint(s, n, y):
    d[y] = unbroadcast(d[s] * kolmogorov_slope(n + 1, y), y)


@tangent(kolmogorov_slope)
def kolmogorov_slope_tangent(s, n, y):
    d[s] = d[y] * kolmogorov_slope(n + 1, y)


@adjoint(smirnov_slope)
def smirnov_slope_adjoint(s, m, n, x):
    d[x] = unbroadcast(d[s] * smirnov_slope(m + 1, n, x), x)


@tangent(smirnov_slope)
def smirnov_slope_tangent(s, m, n, x):
    d[s] = d[x] * smirnov_slope(m + 1, n, x)


# ---------------------------------------------------------------------------------------------
# scipy.special: the non-central chi-squared distribution function and its inverses.

@adjoint(scipy.special.chndtr)
def chndtr(y, x, df, nc):
    d[x] = unbroadcast(d[y] * in_dtype_of(np.exp(ncx2_logdensity(x, df, nc)), y), x)
    d[df] = no_parameter_derivative(d[y], "chndtr", "df")
    d[nc] = unbroadcast(-d[y] * in_dtype_of(np.exp(ncx2_logdensity(x, df + 2.0, nc)), y), nc)


@tangent(scipy.special.chndtr)
def chndtr_tangent(y, x, df, nc):
    d[y] = d[x] * in_dtype_of(np.exp(ncx2_logdensity(x, df, nc)), y)
    d[y] = no_parameter_derivative(d[df], "chndtr", "df")
    d[y] = -d[nc] * in_dtype_of(np.exp(ncx2_logdensity(x, df + 2.0, nc)), y)


# x = chndtrix(p, df, nc): dx/dp = 1 / f(x), dx/dnc = f(x; df + 2) / f(x).
@adjoint(scipy.special.chndtrix)
def chndtrix(x, p, df, nc):
    logf = ncx2_logdensity(x, df, nc)
    d[p] = unbroadcast(d[x] * in_dtype_of(np.exp(-logf), x), p)
    d[df] = no_parameter_derivative(d[x], "chndtrix", "df")
    d[nc] = unbroadcast(d[x] * in_dtype_of(np.exp(ncx2_logdensity(x, df + 2.0, nc) - logf), x),
                        nc)


@tangent(scipy.special.chndtrix)
def chndtrix_tangent(x, p, df, nc):
    logf = ncx2_logdensity(x, df, nc)
    d[x] = d[p] * in_dtype_of(np.exp(-logf), x)
    d[x] = no_parameter_derivative(d[df], "chndtrix", "df")
    d[x] = d[nc] * in_dtype_of(np.exp(ncx2_logdensity(x, df + 2.0, nc) - logf), x)


# nc = chndtrinc(x, df, p): dnc/dp = -1 / f(x; df + 2), dnc/dx = f(x) / f(x; df + 2).
@adjoint(scipy.special.chndtrinc)
def chndtrinc(nc, x, df, p):
    logf2 = ncx2_logdensity(x, df + 2.0, nc)
    d[x] = unbroadcast(d[nc] * in_dtype_of(np.exp(ncx2_logdensity(x, df, nc) - logf2), nc), x)
    d[df] = no_parameter_derivative(d[nc], "chndtrinc", "df")
    d[p] = unbroadcast(-d[nc] * in_dtype_of(np.exp(-logf2), nc), p)


@tangent(scipy.special.chndtrinc)
def chndtrinc_tangent(nc, x, df, p):
    logf2 = ncx2_logdensity(x, df + 2.0, nc)
    d[nc] = d[x] * in_dtype_of(np.exp(ncx2_logdensity(x, df, nc) - logf2), nc)
    d[nc] = no_parameter_derivative(d[df], "chndtrinc", "df")
    d[nc] = -d[p] * in_dtype_of(np.exp(-logf2), nc)


# ---------------------------------------------------------------------------------------------
# scipy.special: the non-central t distribution function nctdtr(df, nc, t) and its inverses:
# dF/dt = J_1 (the density), dF/dnc = -J_0.

@adjoint(scipy.special.nctdtr)
def nctdtr(y, df, nc, t):
    d[df] = no_parameter_derivative(d[y], "nctdtr", "df")
    d[nc] = unbroadcast(-d[y] * in_dtype_of(nct_moment(0, t, df, nc), y), nc)
    d[t] = unbroadcast(d[y] * in_dtype_of(nct_moment(1, t, df, nc), y), t)


@tangent(scipy.special.nctdtr)
def nctdtr_tangent(y, df, nc, t):
    d[y] = no_parameter_derivative(d[df], "nctdtr", "df")
    d[y] = -d[nc] * in_dtype_of(nct_moment(0, t, df, nc), y)
    d[y] = d[t] * in_dtype_of(nct_moment(1, t, df, nc), y)


# t = nctdtrit(df, nc, p): dt/dp = 1 / J_1, dt/dnc = J_0 / J_1.
@adjoint(scipy.special.nctdtrit)
def nctdtrit(t, df, nc, p):
    density = nct_moment(1, t, df, nc)
    d[df] = no_parameter_derivative(d[t], "nctdtrit", "df")
    d[nc] = unbroadcast(d[t] * in_dtype_of(nct_moment(0, t, df, nc) / density, t), nc)
    d[p] = unbroadcast(d[t] * in_dtype_of(1.0 / density, t), p)


@tangent(scipy.special.nctdtrit)
def nctdtrit_tangent(t, df, nc, p):
    density = nct_moment(1, t, df, nc)
    d[t] = no_parameter_derivative(d[df], "nctdtrit", "df")
    d[t] = d[nc] * in_dtype_of(nct_moment(0, t, df, nc) / density, t)
    d[t] = d[p] * in_dtype_of(1.0 / density, t)


# nc = nctdtrinc(df, p, t): dnc/dp = -1 / J_0, dnc/dt = J_1 / J_0.
@adjoint(scipy.special.nctdtrinc)
def nctdtrinc(nc, df, p, t):
    slope = nct_moment(0, t, df, nc)
    d[df] = no_parameter_derivative(d[nc], "nctdtrinc", "df")
    d[p] = unbroadcast(-d[nc] * in_dtype_of(1.0 / slope, nc), p)
    d[t] = unbroadcast(d[nc] * in_dtype_of(nct_moment(1, t, df, nc) / slope, nc), t)


@tangent(scipy.special.nctdtrinc)
def nctdtrinc_tangent(nc, df, p, t):
    slope = nct_moment(0, t, df, nc)
    d[nc] = no_parameter_derivative(d[df], "nctdtrinc", "df")
    d[nc] = -d[p] * in_dtype_of(1.0 / slope, nc)
    d[nc] = d[t] * in_dtype_of(nct_moment(1, t, df, nc) / slope, nc)


# ---------------------------------------------------------------------------------------------
# scipy.special: the non-central F distribution function ncfdtr(dfn, dfd, nc, f) and its
# inverses: with u = dfn f, dF/df = dfn M_1(u), dF/dnc = -M_0(u; dfn + 2) (dfd > 2).

@adjoint(scipy.special.ncfdtr)
def ncfdtr(y, dfn, dfd, nc, f):
    d[dfn] = no_parameter_derivative(d[y], "ncfdtr", "dfn")
    d[dfd] = no_parameter_derivative(d[y], "ncfdtr", "dfd")
    d[nc] = unbroadcast(-d[y] * in_dtype_of(ncf_moment(0, dfn * f, dfn + 2.0, dfd, nc), y), nc)
    d[f] = unbroadcast(d[y] * in_dtype_of(dfn * ncf_moment(1, dfn * f, dfn, dfd, nc), y), f)


@tangent(scipy.special.ncfdtr)
def ncfdtr_tangent(y, dfn, dfd, nc, f):
    d[y] = no_parameter_derivative(d[dfn], "ncfdtr", "dfn")
    d[y] = no_parameter_derivative(d[dfd], "ncfdtr", "dfd")
    d[y] = -d[nc] * in_dtype_of(ncf_moment(0, dfn * f, dfn + 2.0, dfd, nc), y)
    d[y] = d[f] * in_dtype_of(dfn * ncf_moment(1, dfn * f, dfn, dfd, nc), y)


# f = ncfdtri(dfn, dfd, nc, p): df/dp = 1 / density, df/dnc = M_0(u; dfn + 2) / density.
@adjoint(scipy.special.ncfdtri)
def ncfdtri(f, dfn, dfd, nc, p):
    density = dfn * ncf_moment(1, dfn * f, dfn, dfd, nc)
    d[dfn] = no_parameter_derivative(d[f], "ncfdtri", "dfn")
    d[dfd] = no_parameter_derivative(d[f], "ncfdtri", "dfd")
    d[nc] = unbroadcast(
        d[f] * in_dtype_of(ncf_moment(0, dfn * f, dfn + 2.0, dfd, nc) / density, f), nc)
    d[p] = unbroadcast(d[f] * in_dtype_of(1.0 / density, f), p)


@tangent(scipy.special.ncfdtri)
def ncfdtri_tangent(f, dfn, dfd, nc, p):
    density = dfn * ncf_moment(1, dfn * f, dfn, dfd, nc)
    d[f] = no_parameter_derivative(d[dfn], "ncfdtri", "dfn")
    d[f] = no_parameter_derivative(d[dfd], "ncfdtri", "dfd")
    d[f] = d[nc] * in_dtype_of(ncf_moment(0, dfn * f, dfn + 2.0, dfd, nc) / density, f)
    d[f] = d[p] * in_dtype_of(1.0 / density, f)


# nc = ncfdtrinc(dfn, dfd, p, f): dnc/dp = -1 / M_0(u; dfn + 2), dnc/df = density / M_0.
@adjoint(scipy.special.ncfdtrinc)
def ncfdtrinc(nc, dfn, dfd, p, f):
    slope = ncf_moment(0, dfn * f, dfn + 2.0, dfd, nc)
    d[dfn] = no_parameter_derivative(d[nc], "ncfdtrinc", "dfn")
    d[dfd] = no_parameter_derivative(d[nc], "ncfdtrinc", "dfd")
    d[p] = unbroadcast(-d[nc] * in_dtype_of(1.0 / slope, nc), p)
    d[f] = unbroadcast(
        d[nc] * in_dtype_of(dfn * ncf_moment(1, dfn * f, dfn, dfd, nc) / slope, nc), f)


@tangent(scipy.special.ncfdtrinc)
def ncfdtrinc_tangent(nc, dfn, dfd, p, f):
    slope = ncf_moment(0, dfn * f, dfn + 2.0, dfd, nc)
    d[nc] = no_parameter_derivative(d[dfn], "ncfdtrinc", "dfn")
    d[nc] = no_parameter_derivative(d[dfd], "ncfdtrinc", "dfd")
    d[nc] = -d[p] * in_dtype_of(1.0 / slope, nc)
    d[nc] = d[f] * in_dtype_of(dfn * ncf_moment(1, dfn * f, dfn, dfd, nc) / slope, nc)


# ---------------------------------------------------------------------------------------------
# scipy.special: the Kolmogorov and Smirnov survival functions and their inverses.

@adjoint(scipy.special.kolmogorov)
def kolmogorov(q, y):
    d[y] = unbroadcast(d[q] * in_dtype_of(kolmogorov_slope(1, y), q), y)


@tangent(scipy.special.kolmogorov)
def kolmogorov_tangent(q, y):
    d[q] = d[y] * in_dtype_of(kolmogorov_slope(1, y), q)


@adjoint(scipy.special.kolmogi)
def kolmogi(y, p):
    d[p] = unbroadcast(d[y] / in_dtype_of(kolmogorov_slope(1, y), y), p)


@tangent(scipy.special.kolmogi)
def kolmogi_tangent(y, p):
    d[y] = d[p] / in_dtype_of(kolmogorov_slope(1, y), y)


# smirnov(n, x) with an integer n is computed in float64: the adjoints take the argument's type.
@adjoint(scipy.special.smirnov)
def smirnov(y, n, x):
    d[x] = unbroadcast(in_dtype_of(d[y] * smirnov_slope(1, n, x), x), x)


@tangent(scipy.special.smirnov)
def smirnov_tangent(y, n, x):
    d[y] = d[x] * in_dtype_of(smirnov_slope(1, n, x), y)


@adjoint(scipy.special.smirnovi)
def smirnovi(x, n, p):
    d[p] = unbroadcast(in_dtype_of(d[x] / smirnov_slope(1, n, x), p), p)


@tangent(scipy.special.smirnovi)
def smirnovi_tangent(x, n, p):
    d[x] = d[p] / in_dtype_of(smirnov_slope(1, n, x), x)


# ---------------------------------------------------------------------------------------------
# scipy.stats.ncx2 (df, nc): with z = (x - loc) / scale, logpdf = log f(z) - log(scale), whose
# derivative in z is hz; cdf = F(z).

@adjoint(scipy.stats.ncx2.logpdf)
def ncx2_logpdf(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    r = np.exp(ncx2_logdensity(z, df + 2.0, nc) - ncx2_logdensity(z, df, nc))
    hz = -0.5 + (0.5 * df - 1.0) / z + 0.5 * nc * r / z
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[df] = no_shape_derivative(d[y], "scipy.stats.ncx2.logpdf", "df")
    d[nc] = unbroadcast(d[y] * 0.5 * (r - 1.0), nc)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.ncx2.logpdf)
def ncx2_logpdf_tangent(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    r = np.exp(ncx2_logdensity(z, df + 2.0, nc) - ncx2_logdensity(z, df, nc))
    hz = -0.5 + (0.5 * df - 1.0) / z + 0.5 * nc * r / z
    d[y] = d[x] * hz / scale
    d[y] = no_shape_derivative(d[df], "scipy.stats.ncx2.logpdf", "df")
    d[y] = d[nc] * 0.5 * (r - 1.0)
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.ncx2.pdf)
def ncx2_pdf(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    r = np.exp(ncx2_logdensity(z, df + 2.0, nc) - ncx2_logdensity(z, df, nc))
    hz = -0.5 + (0.5 * df - 1.0) / z + 0.5 * nc * r / z
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[df] = no_shape_derivative(d[y], "scipy.stats.ncx2.pdf", "df")
    d[nc] = unbroadcast(d[y] * y * 0.5 * (r - 1.0), nc)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.ncx2.pdf)
def ncx2_pdf_tangent(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    r = np.exp(ncx2_logdensity(z, df + 2.0, nc) - ncx2_logdensity(z, df, nc))
    hz = -0.5 + (0.5 * df - 1.0) / z + 0.5 * nc * r / z
    d[y] = y * d[x] * hz / scale
    d[y] = no_shape_derivative(d[df], "scipy.stats.ncx2.pdf", "df")
    d[y] = y * d[nc] * 0.5 * (r - 1.0)
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.ncx2.cdf)
def ncx2_cdf(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = np.exp(ncx2_logdensity(z, df, nc)) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = no_shape_derivative(d[y], "scipy.stats.ncx2.cdf", "df")
    d[nc] = unbroadcast(-d[y] * np.exp(ncx2_logdensity(z, df + 2.0, nc)), nc)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.ncx2.cdf)
def ncx2_cdf_tangent(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = np.exp(ncx2_logdensity(z, df, nc)) / scale
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[df], "scipy.stats.ncx2.cdf", "df")
    d[y] = -d[nc] * np.exp(ncx2_logdensity(z, df + 2.0, nc))
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


# logcdf: the cdf's derivatives divided by the cdf, exp(y).
@adjoint(scipy.stats.ncx2.logcdf)
def ncx2_logcdf(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = np.exp(ncx2_logdensity(z, df, nc) - y) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = no_shape_derivative(d[y], "scipy.stats.ncx2.logcdf", "df")
    d[nc] = unbroadcast(-d[y] * np.exp(ncx2_logdensity(z, df + 2.0, nc) - y), nc)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.ncx2.logcdf)
def ncx2_logcdf_tangent(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = np.exp(ncx2_logdensity(z, df, nc) - y) / scale
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[df], "scipy.stats.ncx2.logcdf", "df")
    d[y] = -d[nc] * np.exp(ncx2_logdensity(z, df + 2.0, nc) - y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


# ---------------------------------------------------------------------------------------------
# scipy.stats.kstwobign: the standard density is g(z) = -K1(z), K1 = kolmogorov_slope(1, .),
# g' = -K2; pdf = g(z) / scale, cdf = 1 - kolmogorov(z).

@adjoint(scipy.stats.kstwobign.pdf)
def kstwobign_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -kolmogorov_slope(2, z) / (scale * scale)
    d[x] = unbroadcast(d[y] * slope, x)
    d[loc] = unbroadcast(-d[y] * slope, loc)
    d[scale] = unbroadcast(-d[y] * (y / scale + slope * z), scale)


@tangent(scipy.stats.kstwobign.pdf)
def kstwobign_pdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -kolmogorov_slope(2, z) / (scale * scale)
    d[y] = d[x] * slope
    d[y] = -d[loc] * slope
    d[y] = -d[scale] * (y / scale + slope * z)


@adjoint(scipy.stats.kstwobign.logpdf)
def kstwobign_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = kolmogorov_slope(2, z) / kolmogorov_slope(1, z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.kstwobign.logpdf)
def kstwobign_logpdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = kolmogorov_slope(2, z) / kolmogorov_slope(1, z)
    d[y] = d[x] * hz / scale
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.kstwobign.cdf)
def kstwobign_cdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = -kolmogorov_slope(1, z) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.kstwobign.cdf)
def kstwobign_cdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = -kolmogorov_slope(1, z) / scale
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


@adjoint(scipy.stats.kstwobign.logcdf)
def kstwobign_logcdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = -kolmogorov_slope(1, z) / (scale * np.exp(y))
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.kstwobign.logcdf)
def kstwobign_logcdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = -kolmogorov_slope(1, z) / (scale * np.exp(y))
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


# ---------------------------------------------------------------------------------------------
# scipy.stats.ksone (n): g(z) = -S1(z), S1 = smirnov_slope(1, n, .), g' = -S2; cdf =
# 1 - smirnov(n, z).  n is an integer sample size: differentiated, it is refused.

@adjoint(scipy.stats.ksone.pdf)
def ksone_pdf(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -smirnov_slope(2, n, z) / (scale * scale)
    d[x] = unbroadcast(d[y] * slope, x)
    d[n] = no_shape_derivative(d[y], "scipy.stats.ksone.pdf", "n")
    d[loc] = unbroadcast(-d[y] * slope, loc)
    d[scale] = unbroadcast(-d[y] * (y / scale + slope * z), scale)


@tangent(scipy.stats.ksone.pdf)
def ksone_pdf_tangent(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    slope = -smirnov_slope(2, n, z) / (scale * scale)
    d[y] = d[x] * slope
    d[y] = no_shape_derivative(d[n], "scipy.stats.ksone.pdf", "n")
    d[y] = -d[loc] * slope
    d[y] = -d[scale] * (y / scale + slope * z)


@adjoint(scipy.stats.ksone.logpdf)
def ksone_logpdf(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = smirnov_slope(2, n, z) / smirnov_slope(1, n, z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[n] = no_shape_derivative(d[y], "scipy.stats.ksone.logpdf", "n")
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.ksone.logpdf)
def ksone_logpdf_tangent(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = smirnov_slope(2, n, z) / smirnov_slope(1, n, z)
    d[y] = d[x] * hz / scale
    d[y] = no_shape_derivative(d[n], "scipy.stats.ksone.logpdf", "n")
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.ksone.cdf)
def ksone_cdf(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = -smirnov_slope(1, n, z) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[n] = no_shape_derivative(d[y], "scipy.stats.ksone.cdf", "n")
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.ksone.cdf)
def ksone_cdf_tangent(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = -smirnov_slope(1, n, z) / scale
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[n], "scipy.stats.ksone.cdf", "n")
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


@adjoint(scipy.stats.ksone.logcdf)
def ksone_logcdf(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = -smirnov_slope(1, n, z) / (scale * np.exp(y))
    d[x] = unbroadcast(d[y] * f, x)
    d[n] = no_shape_derivative(d[y], "scipy.stats.ksone.logcdf", "n")
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.ksone.logcdf)
def ksone_logcdf_tangent(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = -smirnov_slope(1, n, z) / (scale * np.exp(y))
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[n], "scipy.stats.ksone.logcdf", "n")
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


# ---------------------------------------------------------------------------------------------
# scipy.stats.nct (df, nc): the standard density is J_1(z), its derivative in z
# -z J_3 + nc J_2, in nc z J_2 - nc J_1; cdf = nctdtr(df, nc, z).

@adjoint(scipy.stats.nct.logpdf)
def nct_logpdf(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    j1 = nct_moment(1, z, df, nc)
    j2 = nct_moment(2, z, df, nc)
    hz = (nc * j2 - z * nct_moment(3, z, df, nc)) / j1
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[df] = no_shape_derivative(d[y], "scipy.stats.nct.logpdf", "df")
    d[nc] = unbroadcast(d[y] * (z * j2 / j1 - nc), nc)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.nct.logpdf)
def nct_logpdf_tangent(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    j1 = nct_moment(1, z, df, nc)
    j2 = nct_moment(2, z, df, nc)
    hz = (nc * j2 - z * nct_moment(3, z, df, nc)) / j1
    d[y] = d[x] * hz / scale
    d[y] = no_shape_derivative(d[df], "scipy.stats.nct.logpdf", "df")
    d[y] = d[nc] * (z * j2 / j1 - nc)
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.nct.pdf)
def nct_pdf(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    j1 = nct_moment(1, z, df, nc)
    j2 = nct_moment(2, z, df, nc)
    slope = (nc * j2 - z * nct_moment(3, z, df, nc)) / (scale * scale)
    d[x] = unbroadcast(d[y] * slope, x)
    d[df] = no_shape_derivative(d[y], "scipy.stats.nct.pdf", "df")
    d[nc] = unbroadcast(d[y] * (z * j2 - nc * j1) / scale, nc)
    d[loc] = unbroadcast(-d[y] * slope, loc)
    d[scale] = unbroadcast(-d[y] * (y / scale + slope * z), scale)


@tangent(scipy.stats.nct.pdf)
def nct_pdf_tangent(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    j1 = nct_moment(1, z, df, nc)
    j2 = nct_moment(2, z, df, nc)
    slope = (nc * j2 - z * nct_moment(3, z, df, nc)) / (scale * scale)
    d[y] = d[x] * slope
    d[y] = no_shape_derivative(d[df], "scipy.stats.nct.pdf", "df")
    d[y] = d[nc] * (z * j2 - nc * j1) / scale
    d[y] = -d[loc] * slope
    d[y] = -d[scale] * (y / scale + slope * z)


@adjoint(scipy.stats.nct.cdf)
def nct_cdf(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = nct_moment(1, z, df, nc) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = no_shape_derivative(d[y], "scipy.stats.nct.cdf", "df")
    d[nc] = unbroadcast(-d[y] * nct_moment(0, z, df, nc), nc)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.nct.cdf)
def nct_cdf_tangent(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = nct_moment(1, z, df, nc) / scale
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[df], "scipy.stats.nct.cdf", "df")
    d[y] = -d[nc] * nct_moment(0, z, df, nc)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


@adjoint(scipy.stats.nct.logcdf)
def nct_logcdf(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    cdf = np.exp(y)
    f = nct_moment(1, z, df, nc) / (scale * cdf)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = no_shape_derivative(d[y], "scipy.stats.nct.logcdf", "df")
    d[nc] = unbroadcast(-d[y] * nct_moment(0, z, df, nc) / cdf, nc)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.nct.logcdf)
def nct_logcdf_tangent(y, x, df, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    cdf = np.exp(y)
    f = nct_moment(1, z, df, nc) / (scale * cdf)
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[df], "scipy.stats.nct.logcdf", "df")
    d[y] = -d[nc] * nct_moment(0, z, df, nc) / cdf
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


# ---------------------------------------------------------------------------------------------
# scipy.stats.ncf (dfn, dfd, nc): with u = dfn z, the standard density is dfn M_1(u), its
# derivative in z dfn**2 dM_1/du, in nc dfn (M_1(u; dfn + 2) - M_1(u)) / 2; cdf = ncfdtr.

@adjoint(scipy.stats.ncf.logpdf)
def ncf_logpdf(y, x, dfn, dfd, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = dfn * z
    m1 = ncf_moment(1, u, dfn, dfd, nc)
    up = ncf_moment(1, u, dfn + 2.0, dfd, nc) / m1
    hz = dfn * (-0.5 * ncf_moment(2, u, dfn, dfd, nc) / m1 + (0.5 * dfn - 1.0 + 0.5 * nc * up) / u)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[dfn] = no_shape_derivative(d[y], "scipy.stats.ncf.logpdf", "dfn")
    d[dfd] = no_shape_derivative(d[y], "scipy.stats.ncf.logpdf", "dfd")
    d[nc] = unbroadcast(d[y] * 0.5 * (up - 1.0), nc)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.ncf.logpdf)
def ncf_logpdf_tangent(y, x, dfn, dfd, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = dfn * z
    m1 = ncf_moment(1, u, dfn, dfd, nc)
    up = ncf_moment(1, u, dfn + 2.0, dfd, nc) / m1
    hz = dfn * (-0.5 * ncf_moment(2, u, dfn, dfd, nc) / m1 + (0.5 * dfn - 1.0 + 0.5 * nc * up) / u)
    d[y] = d[x] * hz / scale
    d[y] = no_shape_derivative(d[dfn], "scipy.stats.ncf.logpdf", "dfn")
    d[y] = no_shape_derivative(d[dfd], "scipy.stats.ncf.logpdf", "dfd")
    d[y] = d[nc] * 0.5 * (up - 1.0)
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.ncf.pdf)
def ncf_pdf(y, x, dfn, dfd, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = dfn * z
    m1 = ncf_moment(1, u, dfn, dfd, nc)
    up = ncf_moment(1, u, dfn + 2.0, dfd, nc)
    slope = (dfn * dfn * (-0.5 * ncf_moment(2, u, dfn, dfd, nc)
                          + ((0.5 * dfn - 1.0) * m1 + 0.5 * nc * up) / u) / (scale * scale))
    d[x] = unbroadcast(d[y] * slope, x)
    d[dfn] = no_shape_derivative(d[y], "scipy.stats.ncf.pdf", "dfn")
    d[dfd] = no_shape_derivative(d[y], "scipy.stats.ncf.pdf", "dfd")
    d[nc] = unbroadcast(d[y] * 0.5 * dfn * (up - m1) / scale, nc)
    d[loc] = unbroadcast(-d[y] * slope, loc)
    d[scale] = unbroadcast(-d[y] * (y / scale + slope * z), scale)


@tangent(scipy.stats.ncf.pdf)
def ncf_pdf_tangent(y, x, dfn, dfd, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    u = dfn * z
    m1 = ncf_moment(1, u, dfn, dfd, nc)
    up = ncf_moment(1, u, dfn + 2.0, dfd, nc)
    slope = (dfn * dfn * (-0.5 * ncf_moment(2, u, dfn, dfd, nc)
                          + ((0.5 * dfn - 1.0) * m1 + 0.5 * nc * up) / u) / (scale * scale))
    d[y] = d[x] * slope
    d[y] = no_shape_derivative(d[dfn], "scipy.stats.ncf.pdf", "dfn")
    d[y] = no_shape_derivative(d[dfd], "scipy.stats.ncf.pdf", "dfd")
    d[y] = d[nc] * 0.5 * dfn * (up - m1) / scale
    d[y] = -d[loc] * slope
    d[y] = -d[scale] * (y / scale + slope * z)


@adjoint(scipy.stats.ncf.cdf)
def ncf_cdf(y, x, dfn, dfd, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = dfn * ncf_moment(1, dfn * z, dfn, dfd, nc) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[dfn] = no_shape_derivative(d[y], "scipy.stats.ncf.cdf", "dfn")
    d[dfd] = no_shape_derivative(d[y], "scipy.stats.ncf.cdf", "dfd")
    d[nc] = unbroadcast(-d[y] * ncf_moment(0, dfn * z, dfn + 2.0, dfd, nc), nc)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.ncf.cdf)
def ncf_cdf_tangent(y, x, dfn, dfd, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = dfn * ncf_moment(1, dfn * z, dfn, dfd, nc) / scale
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[dfn], "scipy.stats.ncf.cdf", "dfn")
    d[y] = no_shape_derivative(d[dfd], "scipy.stats.ncf.cdf", "dfd")
    d[y] = -d[nc] * ncf_moment(0, dfn * z, dfn + 2.0, dfd, nc)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


@adjoint(scipy.stats.ncf.logcdf)
def ncf_logcdf(y, x, dfn, dfd, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    cdf = np.exp(y)
    f = dfn * ncf_moment(1, dfn * z, dfn, dfd, nc) / (scale * cdf)
    d[x] = unbroadcast(d[y] * f, x)
    d[dfn] = no_shape_derivative(d[y], "scipy.stats.ncf.logcdf", "dfn")
    d[dfd] = no_shape_derivative(d[y], "scipy.stats.ncf.logcdf", "dfd")
    d[nc] = unbroadcast(-d[y] * ncf_moment(0, dfn * z, dfn + 2.0, dfd, nc) / cdf, nc)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.ncf.logcdf)
def ncf_logcdf_tangent(y, x, dfn, dfd, nc, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    cdf = np.exp(y)
    f = dfn * ncf_moment(1, dfn * z, dfn, dfd, nc) / (scale * cdf)
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[dfn], "scipy.stats.ncf.logcdf", "dfn")
    d[y] = no_shape_derivative(d[dfd], "scipy.stats.ncf.logcdf", "dfd")
    d[y] = -d[nc] * ncf_moment(0, dfn * z, dfn + 2.0, dfd, nc) / cdf
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


# ---------------------------------------------------------------------------------------------
# scipy.stats.kstwo (n): cdf and logcdf in x, loc and scale, with SciPy's own density (from
# its Python code with matrix powers, which has no derivative: second derivatives are refused
# there); n is an integer sample size, refused.

@adjoint(scipy.stats.kstwo.cdf)
def kstwo_cdf(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = scipy.stats.kstwo.pdf(z, n) / scale
    d[x] = unbroadcast(d[y] * f, x)
    d[n] = no_shape_derivative(d[y], "scipy.stats.kstwo.cdf", "n")
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.kstwo.cdf)
def kstwo_cdf_tangent(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = scipy.stats.kstwo.pdf(z, n) / scale
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[n], "scipy.stats.kstwo.cdf", "n")
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z


@adjoint(scipy.stats.kstwo.logcdf)
def kstwo_logcdf(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = scipy.stats.kstwo.pdf(z, n) / (scale * np.exp(y))
    d[x] = unbroadcast(d[y] * f, x)
    d[n] = no_shape_derivative(d[y], "scipy.stats.kstwo.logcdf", "n")
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * z, scale)


@tangent(scipy.stats.kstwo.logcdf)
def kstwo_logcdf_tangent(y, x, n, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    f = scipy.stats.kstwo.pdf(z, n) / (scale * np.exp(y))
    d[y] = d[x] * f
    d[y] = no_shape_derivative(d[n], "scipy.stats.kstwo.logcdf", "n")
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * z
