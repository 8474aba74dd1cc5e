"""scipy.stats densities (SciPy is optional: tangentlike/templates imports this module only when
SciPy is installed).

``scipy.stats.norm.pdf`` is a method bound to the distribution object ``scipy.stats.norm``: each
attribute access makes a new bound method, but they compare (and hash) equal, so the rule
registered for one applies to every ``scipy.stats.norm.pdf(...)`` or ``norm.pdf(...)`` call.
The parameters are the distribution's shapes, then ``loc`` and ``scale``, by position or by
name (the frozen form ``scipy.stats.norm(loc, scale).pdf(x)`` has no rule).

Every argument is differentiable except the count ``k`` of ``poisson.logpmf`` and its ``loc``.
With ``z = (x - loc) / scale``, a density ``f(z) / scale`` has
``d/dx = f'(z) / scale``, ``d/dloc = -d/dx`` and ``d/dscale = -(z f'(z) + f(z)) / scale``.
"""
import numpy as np
import scipy.special
import scipy.stats

from tangentlike.rules.primitive import Facts, Returns, Shape, declare
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import stats_generic, unbroadcast

# The helpers of the generic densities (frontend/standardized.py) carry no derivative.
_GENERIC_HELPERS = (stats_generic.inside, stats_generic.inside_discrete,
                    stats_generic.inner_point, stats_generic.inner_count, stats_generic.count,
                    stats_generic.median, stats_generic.scipy_value,
                    stats_generic.count_grid, stats_generic.private_value)
non_differentiable(*_GENERIC_HELPERS)
for _helper in _GENERIC_HELPERS:  # they read the distribution and write nothing
    declare(_helper, library=True, pure=True, returns=Returns.NEW)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

# 0.5 * log(2 pi): the log of the normal density's normalizing constant.
# The templates below spell it out as 0.9189385332046727.


# ---------------------------------------------------------------------------------------------
# The normal distribution.

@adjoint(scipy.stats.norm.pdf)
def norm_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[y] * y * z / scale, x)
    d[loc] = unbroadcast(d[y] * y * z / scale, loc)
    d[scale] = unbroadcast(d[y] * y * (z * z - 1.0) / scale, scale)


@tangent(scipy.stats.norm.pdf)
def norm_pdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = -d[x] * y * z / scale
    d[y] = d[loc] * y * z / scale
    d[y] = d[scale] * y * (z * z - 1.0) / scale


@adjoint(scipy.stats.norm.logpdf)
def norm_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[y] * z / scale, x)
    d[loc] = unbroadcast(d[y] * z / scale, loc)
    d[scale] = unbroadcast(d[y] * (z * z - 1.0) / scale, scale)


@tangent(scipy.stats.norm.logpdf)
def norm_logpdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = -d[x] * z / scale
    d[y] = d[loc] * z / scale
    d[y] = d[scale] * (z * z - 1.0) / scale


# The cumulative distribution and its logarithm (and the survival function, 1 - cdf): their
# derivative in z is the density, divided by the cdf for the logarithm (as exp(logpdf - y),
# which neither overflows nor divides 0 by 0 in the tails).

@adjoint(scipy.stats.norm.cdf)
def norm_cdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(d[y] * np.exp(-0.5 * z * z - 0.9189385332046727) / scale, x)
    d[loc] = unbroadcast(-d[y] * np.exp(-0.5 * z * z - 0.9189385332046727) / scale, loc)
    d[scale] = unbroadcast(-d[y] * np.exp(-0.5 * z * z - 0.9189385332046727) * z / scale,
                           scale)


@tangent(scipy.stats.norm.cdf)
def norm_cdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = d[x] * np.exp(-0.5 * z * z - 0.9189385332046727) / scale
    d[y] = -d[loc] * np.exp(-0.5 * z * z - 0.9189385332046727) / scale
    d[y] = -d[scale] * np.exp(-0.5 * z * z - 0.9189385332046727) * z / scale


@adjoint(scipy.stats.norm.logcdf)
def norm_logcdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(d[y] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) / scale, x)
    d[loc] = unbroadcast(-d[y] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) / scale, loc)
    d[scale] = unbroadcast(-d[y] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) * z / scale,
                           scale)


@tangent(scipy.stats.norm.logcdf)
def norm_logcdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = d[x] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) / scale
    d[y] = -d[loc] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) / scale
    d[y] = -d[scale] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) * z / scale


@adjoint(scipy.stats.norm.sf)
def norm_sf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[y] * np.exp(-0.5 * z * z - 0.9189385332046727) / scale, x)
    d[loc] = unbroadcast(d[y] * np.exp(-0.5 * z * z - 0.9189385332046727) / scale, loc)
    d[scale] = unbroadcast(d[y] * np.exp(-0.5 * z * z - 0.9189385332046727) * z / scale,
                           scale)


@tangent(scipy.stats.norm.sf)
def norm_sf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = -d[x] * np.exp(-0.5 * z * z - 0.9189385332046727) / scale
    d[y] = d[loc] * np.exp(-0.5 * z * z - 0.9189385332046727) / scale
    d[y] = d[scale] * np.exp(-0.5 * z * z - 0.9189385332046727) * z / scale


@adjoint(scipy.stats.norm.logsf)
def norm_logsf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[y] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) / scale, x)
    d[loc] = unbroadcast(d[y] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) / scale, loc)
    d[scale] = unbroadcast(d[y] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) * z / scale,
                           scale)


@tangent(scipy.stats.norm.logsf)
def norm_logsf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = -d[x] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) / scale
    d[y] = d[loc] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) / scale
    d[y] = d[scale] * np.exp(-0.5 * z * z - 0.9189385332046727 - y) * z / scale


# ---------------------------------------------------------------------------------------------
# Student's t:  log f = gammaln((df + 1) / 2) - gammaln(df / 2) - log(df pi) / 2 - log(scale)
#                       - (df + 1) / 2 log(1 + z**2 / df).

@adjoint(scipy.stats.t.logpdf)
def t_logpdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(-d[y] * (df + 1.0) * z / ((df + z * z) * scale), x)
    d[df] = unbroadcast(d[y] * 0.5 * (scipy.special.digamma(0.5 * df + 0.5)
                                      - scipy.special.digamma(0.5 * df) - 1.0 / df
                                      - np.log1p(z * z / df)
                                      + (df + 1.0) * z * z / (df * (df + z * z))), df)
    d[loc] = unbroadcast(d[y] * (df + 1.0) * z / ((df + z * z) * scale), loc)
    d[scale] = unbroadcast(d[y] * ((df + 1.0) * z * z / (df + z * z) - 1.0) / scale, scale)


@tangent(scipy.stats.t.logpdf)
def t_logpdf_tangent(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = -d[x] * (df + 1.0) * z / ((df + z * z) * scale)
    d[y] = d[df] * 0.5 * (scipy.special.digamma(0.5 * df + 0.5) - scipy.special.digamma(0.5 * df)
                          - 1.0 / df - np.log1p(z * z / df)
                          + (df + 1.0) * z * z / (df * (df + z * z)))
    d[y] = d[loc] * (df + 1.0) * z / ((df + z * z) * scale)
    d[y] = d[scale] * ((df + 1.0) * z * z / (df + z * z) - 1.0) / scale


# ---------------------------------------------------------------------------------------------
# Gamma:  log f = (a - 1) log z - z - gammaln(a) - log(scale), for z > 0.

@adjoint(scipy.stats.gamma.logpdf)
def gamma_logpdf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(d[y] * ((a - 1.0) / z - 1.0) / scale, x)
    d[a] = unbroadcast(d[y] * (np.log(z) - scipy.special.digamma(a)), a)
    d[loc] = unbroadcast(-d[y] * ((a - 1.0) / z - 1.0) / scale, loc)
    d[scale] = unbroadcast(d[y] * (z - a) / scale, scale)


@tangent(scipy.stats.gamma.logpdf)
def gamma_logpdf_tangent(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = d[x] * ((a - 1.0) / z - 1.0) / scale
    d[y] = d[a] * (np.log(z) - scipy.special.digamma(a))
    d[y] = -d[loc] * ((a - 1.0) / z - 1.0) / scale
    d[y] = d[scale] * (z - a) / scale


# ---------------------------------------------------------------------------------------------
# Beta:  log f = (a - 1) log z + (b - 1) log(1 - z) - betaln(a, b) - log(scale), 0 < z < 1.

@adjoint(scipy.stats.beta.logpdf)
def beta_logpdf(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[x] = unbroadcast(d[y] * ((a - 1.0) / z - (b - 1.0) / (1.0 - z)) / scale, x)
    d[a] = unbroadcast(d[y] * (np.log(z) - scipy.special.digamma(a)
                               + scipy.special.digamma(a + b)), a)
    d[b] = unbroadcast(d[y] * (np.log1p(-z) - scipy.special.digamma(b)
                               + scipy.special.digamma(a + b)), b)
    d[loc] = unbroadcast(-d[y] * ((a - 1.0) / z - (b - 1.0) / (1.0 - z)) / scale, loc)
    d[scale] = unbroadcast(-d[y] * (a - 1.0 - (b - 1.0) * z / (1.0 - z) + 1.0) / scale, scale)


@tangent(scipy.stats.beta.logpdf)
def beta_logpdf_tangent(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d[y] = d[x] * ((a - 1.0) / z - (b - 1.0) / (1.0 - z)) / scale
    d[y] = d[a] * (np.log(z) - scipy.special.digamma(a) + scipy.special.digamma(a + b))
    d[y] = d[b] * (np.log1p(-z) - scipy.special.digamma(b) + scipy.special.digamma(a + b))
    d[y] = -d[loc] * ((a - 1.0) / z - (b - 1.0) / (1.0 - z)) / scale
    d[y] = -d[scale] * (a - 1.0 - (b - 1.0) * z / (1.0 - z) + 1.0) / scale


# ---------------------------------------------------------------------------------------------
# Poisson:  log p = k log(mu) - mu - gammaln(k + 1), k = k - loc: differentiable in mu only.

@adjoint(scipy.stats.poisson.logpmf)
def poisson_logpmf(y, k, mu, loc=0):
    d[mu] = unbroadcast(d[y] * ((k - loc) / mu - 1.0), mu)


@tangent(scipy.stats.poisson.logpmf)
def poisson_logpmf_tangent(y, k, mu, loc=0):
    d[y] = d[mu] * ((k - loc) / mu - 1.0)
