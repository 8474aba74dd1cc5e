"""scipy.stats' univariate distributions in closed form, written from one pattern (SciPy is
optional: tangentlike/templates imports this module only when SciPy is installed; the normal
distribution and the first logpdf rules are in scipy_stats.py).

Each continuous distribution here is a location-scale family: with ``z = (x - loc) / scale``
its density is ``f(z; shapes) / scale``.  A rule names ``hz``, the derivative of ``log f`` in
``z``, and ``h_<shape>``, its derivative in each shape parameter; then

- ``logpdf``: ``d/dx = hz / scale``, ``d/dloc = -hz / scale``,
  ``d/dscale = -(z hz + 1) / scale``, ``d/dshape = h_shape``;
- ``pdf``: the same times the density ``y``;
- ``cdf`` (``sf = 1 - cdf``): ``d/dx = pdf``, ``d/dloc = -pdf``, ``d/dscale = -pdf z``, and
  ``logcdf`` (``logsf``) divides by the cdf (sf) as ``exp(logpdf - y)``, which neither
  overflows nor divides 0 by 0 in the tails.  Their derivative in a shape parameter is the
  incomplete gamma or beta function's derivative in its parameter (``t``, ``gamma``, ``beta``,
  ``chi2``: tangentlike/runtime/incomplete.py's quadratures); where that has no rule yet
  (``pareto``, ``vonmises``, ``wrapcauchy``, ``gennorm``) it is refused when that parameter is
  differentiated (``refuse_cdf_shape``).

The discrete distributions' ``logpmf`` and ``pmf`` are differentiable in their continuous
parameters (with ``j = k - loc``), constant in the count ``k``, ``loc`` and ``binom``'s and
``betabinom``'s ``n``; ``poisson.cdf`` and ``binom.cdf`` (and their logarithms) too.

Each rule is an ``@elementwise`` adjoint: its tangent is derived from it, not restated.  The
distribution functions call the family's own ``pdf`` and ``logpdf``, whose rules make
second derivatives work.  Outside the support the density is 0 (logpdf -inf), and so are the
derivatives SciPy's values give there (NaN where a formula divides by 0).
"""
import numpy as np
import scipy.special
import scipy.stats

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import d, non_differentiable
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.incomplete import betainc_da, betainc_db, gammainc_da, stdtr_ddf
from tangentlike.runtime.linalg import real_matrix
from tangentlike.runtime.special_more import in_dtype_of
from tangentlike.runtime.stats import refuse_cdf_shape

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(refuse_cdf_shape)


# ---------------------------------------------------------------------------------------------
# t (df)

@elementwise(scipy.stats.t.pdf)
def t_pdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(df + 1.0) * z / (df + z * z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_df = (0.5 * (scipy.special.digamma(0.5 * df + 0.5) - scipy.special.digamma(0.5 * df) - 1.0 /
            df - np.log1p(z * z / df) + (df + 1.0) * z * z / (df * (df + z * z))))
    d[df] = unbroadcast(d[y] * y * h_df, df)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.t.cdf)
def t_cdf(y, x, df, loc=0.0, scale=1.0):
    f = scipy.stats.t.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(d[y] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.t.logcdf)
def t_logcdf(y, x, df, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.t.logpdf(x, df, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(d[y] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y) * np.exp(-y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.t.sf)
def t_sf(y, x, df, loc=0.0, scale=1.0):
    f = -scipy.stats.t.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(-d[y] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.t.logsf)
def t_logsf(y, x, df, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.t.logpdf(x, df, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(-d[y] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y) * np.exp(-y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# gamma (a)

@elementwise(scipy.stats.gamma.pdf)
def gamma_pdf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (a - 1.0) / z - 1.0
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_a = np.log(z) - scipy.special.digamma(a)
    d[a] = unbroadcast(d[y] * y * h_a, a)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.gamma.cdf)
def gamma_cdf(y, x, a, loc=0.0, scale=1.0):
    f = scipy.stats.gamma.pdf(x, a, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(d[y] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y), a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.gamma.logcdf)
def gamma_logcdf(y, x, a, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.gamma.logpdf(x, a, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(d[y] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y) * np.exp(-y), a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.gamma.sf)
def gamma_sf(y, x, a, loc=0.0, scale=1.0):
    f = -scipy.stats.gamma.pdf(x, a, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y), a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.gamma.logsf)
def gamma_logsf(y, x, a, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.gamma.logpdf(x, a, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y) * np.exp(-y), a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# beta (a, b)

@elementwise(scipy.stats.beta.pdf)
def beta_pdf(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_a = np.log(z) - scipy.special.digamma(a) + scipy.special.digamma(a + b)
    h_b = np.log1p(-z) - scipy.special.digamma(b) + scipy.special.digamma(a + b)
    d[a] = unbroadcast(d[y] * y * h_a, a)
    d[b] = unbroadcast(d[y] * y * h_b, b)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.beta.cdf)
def beta_cdf(y, x, a, b, loc=0.0, scale=1.0):
    f = scipy.stats.beta.pdf(x, a, b, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(d[y] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y), a)
    d[b] = unbroadcast(d[y] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y), b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.beta.logcdf)
def beta_logcdf(y, x, a, b, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.beta.logpdf(x, a, b, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(d[y] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y) * np.exp(-y), a)
    d[b] = unbroadcast(d[y] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y) * np.exp(-y), b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.beta.sf)
def beta_sf(y, x, a, b, loc=0.0, scale=1.0):
    f = -scipy.stats.beta.pdf(x, a, b, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y), a)
    d[b] = unbroadcast(-d[y] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y), b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.beta.logsf)
def beta_logsf(y, x, a, b, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.beta.logpdf(x, a, b, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y) * np.exp(-y), a)
    d[b] = unbroadcast(-d[y] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y) * np.exp(-y), b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# chi2 (df)

@elementwise(scipy.stats.chi2.logpdf)
def chi2_logpdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (0.5 * df - 1.0) / z - 0.5
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_df = 0.5 * (np.log(0.5 * z) - scipy.special.digamma(0.5 * df))
    d[df] = unbroadcast(d[y] * h_df, df)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.chi2.pdf)
def chi2_pdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (0.5 * df - 1.0) / z - 0.5
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_df = 0.5 * (np.log(0.5 * z) - scipy.special.digamma(0.5 * df))
    d[df] = unbroadcast(d[y] * y * h_df, df)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.chi2.cdf)
def chi2_cdf(y, x, df, loc=0.0, scale=1.0):
    f = scipy.stats.chi2.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(d[y] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.chi2.logcdf)
def chi2_logcdf(y, x, df, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.chi2.logpdf(x, df, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(d[y] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y) * np.exp(-y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.chi2.sf)
def chi2_sf(y, x, df, loc=0.0, scale=1.0):
    f = -scipy.stats.chi2.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(-d[y] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.chi2.logsf)
def chi2_logsf(y, x, df, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.chi2.logpdf(x, df, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(-d[y] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y) * np.exp(-y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# expon

@elementwise(scipy.stats.expon.logpdf)
def expon_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -1.0 + 0.0 * z
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.expon.pdf)
def expon_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -1.0 + 0.0 * z
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.expon.cdf)
def expon_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.expon.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.expon.logcdf)
def expon_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.expon.logpdf(x, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.expon.sf)
def expon_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.expon.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.expon.logsf)
def expon_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.expon.logpdf(x, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# cauchy

@elementwise(scipy.stats.cauchy.logpdf)
def cauchy_logpdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.cauchy.logpdf")
    hz = -2.0 * z / (1.0 + z * z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.cauchy.pdf)
def cauchy_pdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.cauchy.pdf")
    hz = -2.0 * z / (1.0 + z * z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.cauchy.cdf)
def cauchy_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.cauchy.pdf(real_matrix(x, "scipy.stats.cauchy.cdf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.cauchy.logcdf)
def cauchy_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.cauchy.logpdf(real_matrix(x, "scipy.stats.cauchy.logcdf"),
                                         loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.cauchy.sf)
def cauchy_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.cauchy.pdf(real_matrix(x, "scipy.stats.cauchy.sf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.cauchy.logsf)
def cauchy_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.cauchy.logpdf(real_matrix(x, "scipy.stats.cauchy.logsf"),
                                          loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# laplace

@elementwise(scipy.stats.laplace.logpdf)
def laplace_logpdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.laplace.logpdf")
    hz = -np.sign(z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.laplace.pdf)
def laplace_pdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.laplace.pdf")
    hz = -np.sign(z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.laplace.cdf)
def laplace_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.laplace.pdf(real_matrix(x, "scipy.stats.laplace.cdf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.laplace.logcdf)
def laplace_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.laplace.logpdf(real_matrix(x, "scipy.stats.laplace.logcdf"),
                                          loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.laplace.sf)
def laplace_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.laplace.pdf(real_matrix(x, "scipy.stats.laplace.sf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.laplace.logsf)
def laplace_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.laplace.logpdf(real_matrix(x, "scipy.stats.laplace.logsf"),
                                           loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# logistic

@elementwise(scipy.stats.logistic.logpdf)
def logistic_logpdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.logistic.logpdf")
    hz = -np.tanh(0.5 * z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.logistic.pdf)
def logistic_pdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.logistic.pdf")
    hz = -np.tanh(0.5 * z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.logistic.cdf)
def logistic_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.logistic.pdf(real_matrix(x, "scipy.stats.logistic.cdf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.logistic.logcdf)
def logistic_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.logistic.logpdf(real_matrix(x, "scipy.stats.logistic.logcdf"),
                                           loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.logistic.sf)
def logistic_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.logistic.pdf(real_matrix(x, "scipy.stats.logistic.sf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.logistic.logsf)
def logistic_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.logistic.logpdf(real_matrix(x, "scipy.stats.logistic.logsf"),
                                            loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# pareto (b)

@elementwise(scipy.stats.pareto.logpdf)
def pareto_logpdf(y, x, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(b + 1.0) / z
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_b = 1.0 / b - np.log(z)
    d[b] = unbroadcast(d[y] * h_b, b)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.pareto.pdf)
def pareto_pdf(y, x, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(b + 1.0) / z
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_b = 1.0 / b - np.log(z)
    d[b] = unbroadcast(d[y] * y * h_b, b)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.pareto.cdf)
def pareto_cdf(y, x, b, loc=0.0, scale=1.0):
    f = scipy.stats.pareto.pdf(x, b, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[b] = d[y] * refuse_cdf_shape(b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.pareto.logcdf)
def pareto_logcdf(y, x, b, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.pareto.logpdf(x, b, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[b] = d[y] * refuse_cdf_shape(b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.pareto.sf)
def pareto_sf(y, x, b, loc=0.0, scale=1.0):
    f = -scipy.stats.pareto.pdf(x, b, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[b] = d[y] * refuse_cdf_shape(b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.pareto.logsf)
def pareto_logsf(y, x, b, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.pareto.logpdf(x, b, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[b] = d[y] * refuse_cdf_shape(b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# poisson (mu; constant in k and loc)

@elementwise(scipy.stats.poisson.pmf)
def poisson_pmf(y, k, mu, loc=0):
    j = k - loc
    d[mu] = unbroadcast(d[y] * y * (j / mu - 1.0), mu)


# ---------------------------------------------------------------------------------------------
# bernoulli (p; constant in k and loc)

@elementwise(scipy.stats.bernoulli.logpmf)
def bernoulli_logpmf(y, k, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * (j / p - (1.0 - j) / (1.0 - p)), p)


@elementwise(scipy.stats.bernoulli.pmf)
def bernoulli_pmf(y, k, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * y * (j / p - (1.0 - j) / (1.0 - p)), p)


# ---------------------------------------------------------------------------------------------
# binom (n, p; constant in k and loc)

@elementwise(scipy.stats.binom.logpmf)
def binom_logpmf(y, k, n, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * (j / p - (n - j) / (1.0 - p)), p)


@elementwise(scipy.stats.binom.pmf)
def binom_pmf(y, k, n, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * y * (j / p - (n - j) / (1.0 - p)), p)


# ---------------------------------------------------------------------------------------------
# geom (p; constant in k and loc)

@elementwise(scipy.stats.geom.logpmf)
def geom_logpmf(y, k, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * (1.0 / p - (j - 1.0) / (1.0 - p)), p)


@elementwise(scipy.stats.geom.pmf)
def geom_pmf(y, k, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * y * (1.0 / p - (j - 1.0) / (1.0 - p)), p)


# ---------------------------------------------------------------------------------------------
# nbinom (n, p; constant in k and loc)

@elementwise(scipy.stats.nbinom.logpmf)
def nbinom_logpmf(y, k, n, p, loc=0):
    j = k - loc
    d[n] = unbroadcast(d[y] * (scipy.special.digamma(n + j) - scipy.special.digamma(n)
                               + np.log(p)), n)
    d[p] = unbroadcast(d[y] * (n / p - j / (1.0 - p)), p)


@elementwise(scipy.stats.nbinom.pmf)
def nbinom_pmf(y, k, n, p, loc=0):
    j = k - loc
    d[n] = unbroadcast(d[y] * y * (scipy.special.digamma(n + j) - scipy.special.digamma(n)
                                   + np.log(p)), n)
    d[p] = unbroadcast(d[y] * y * (n / p - j / (1.0 - p)), p)


# ---------------------------------------------------------------------------------------------
# uniform

@elementwise(scipy.stats.uniform.logpdf)
def uniform_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = 0.0 * z
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.uniform.pdf)
def uniform_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = 0.0 * z
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.uniform.cdf)
def uniform_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.uniform.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.uniform.logcdf)
def uniform_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.uniform.logpdf(x, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.uniform.sf)
def uniform_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.uniform.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.uniform.logsf)
def uniform_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.uniform.logpdf(x, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# vonmises (kappa)

@elementwise(scipy.stats.vonmises.logpdf)
def vonmises_logpdf(y, x, kappa, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.vonmises.logpdf")
    hz = -kappa * np.sin(z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_kappa = np.cos(z) - scipy.special.i1e(kappa) / scipy.special.i0e(kappa)
    d[kappa] = unbroadcast(d[y] * h_kappa, kappa)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.vonmises.pdf)
def vonmises_pdf(y, x, kappa, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.vonmises.pdf")
    hz = -kappa * np.sin(z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_kappa = np.cos(z) - scipy.special.i1e(kappa) / scipy.special.i0e(kappa)
    d[kappa] = unbroadcast(d[y] * y * h_kappa, kappa)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.vonmises.cdf)
def vonmises_cdf(y, x, kappa, loc=0.0, scale=1.0):
    f = scipy.stats.vonmises.pdf(real_matrix(x, "scipy.stats.vonmises.cdf"), kappa, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = d[y] * refuse_cdf_shape(kappa)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.vonmises.logcdf)
def vonmises_logcdf(y, x, kappa, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.vonmises.logpdf(real_matrix(x, "scipy.stats.vonmises.logcdf"),
                                           kappa, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = d[y] * refuse_cdf_shape(kappa)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.vonmises.sf)
def vonmises_sf(y, x, kappa, loc=0.0, scale=1.0):
    f = -scipy.stats.vonmises.pdf(real_matrix(x, "scipy.stats.vonmises.sf"), kappa, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = d[y] * refuse_cdf_shape(kappa)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.vonmises.logsf)
def vonmises_logsf(y, x, kappa, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.vonmises.logpdf(real_matrix(x, "scipy.stats.vonmises.logsf"),
                                            kappa, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = d[y] * refuse_cdf_shape(kappa)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# wrapcauchy (c)

@elementwise(scipy.stats.wrapcauchy.logpdf)
def wrapcauchy_logpdf(y, x, c, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -2.0 * c * np.sin(z) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_c = -2.0 * c / (1.0 - c * c) - 2.0 * (c - np.cos(z)) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[c] = unbroadcast(d[y] * h_c, c)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.wrapcauchy.pdf)
def wrapcauchy_pdf(y, x, c, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -2.0 * c * np.sin(z) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_c = -2.0 * c / (1.0 - c * c) - 2.0 * (c - np.cos(z)) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[c] = unbroadcast(d[y] * y * h_c, c)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.wrapcauchy.cdf)
def wrapcauchy_cdf(y, x, c, loc=0.0, scale=1.0):
    f = scipy.stats.wrapcauchy.pdf(x, c, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[c] = d[y] * refuse_cdf_shape(c)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.wrapcauchy.logcdf)
def wrapcauchy_logcdf(y, x, c, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.wrapcauchy.logpdf(x, c, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[c] = d[y] * refuse_cdf_shape(c)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.wrapcauchy.sf)
def wrapcauchy_sf(y, x, c, loc=0.0, scale=1.0):
    f = -scipy.stats.wrapcauchy.pdf(x, c, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[c] = d[y] * refuse_cdf_shape(c)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.wrapcauchy.logsf)
def wrapcauchy_logsf(y, x, c, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.wrapcauchy.logpdf(x, c, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[c] = d[y] * refuse_cdf_shape(c)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# gennorm (beta)

@elementwise(scipy.stats.gennorm.logpdf)
def gennorm_logpdf(y, x, beta, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.gennorm.logpdf")
    hz = -beta * np.abs(z) ** (beta - 1.0) * np.sign(z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_beta = (1.0 / beta + scipy.special.digamma(1.0 / beta) / (beta * beta) - np.abs(z) ** beta *
              np.log(np.abs(z)))
    d[beta] = unbroadcast(d[y] * h_beta, beta)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.gennorm.pdf)
def gennorm_pdf(y, x, beta, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.gennorm.pdf")
    hz = -beta * np.abs(z) ** (beta - 1.0) * np.sign(z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_beta = (1.0 / beta + scipy.special.digamma(1.0 / beta) / (beta * beta) - np.abs(z) ** beta *
              np.log(np.abs(z)))
    d[beta] = unbroadcast(d[y] * y * h_beta, beta)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@elementwise(scipy.stats.gennorm.cdf)
def gennorm_cdf(y, x, beta, loc=0.0, scale=1.0):
    f = scipy.stats.gennorm.pdf(real_matrix(x, "scipy.stats.gennorm.cdf"), beta, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[beta] = d[y] * refuse_cdf_shape(beta)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.gennorm.logcdf)
def gennorm_logcdf(y, x, beta, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.gennorm.logpdf(real_matrix(x, "scipy.stats.gennorm.logcdf"),
                                          beta, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[beta] = d[y] * refuse_cdf_shape(beta)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.gennorm.sf)
def gennorm_sf(y, x, beta, loc=0.0, scale=1.0):
    f = -scipy.stats.gennorm.pdf(real_matrix(x, "scipy.stats.gennorm.sf"), beta, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[beta] = d[y] * refuse_cdf_shape(beta)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@elementwise(scipy.stats.gennorm.logsf)
def gennorm_logsf(y, x, beta, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.gennorm.logpdf(real_matrix(x, "scipy.stats.gennorm.logsf"),
                                           beta, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[beta] = d[y] * refuse_cdf_shape(beta)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


# ---------------------------------------------------------------------------------------------
# betabinom (a, b; constant in k, n and loc):
#   log p = log C(n, j) + betaln(j + a, n - j + b) - betaln(a, b).

@elementwise(scipy.stats.betabinom.logpmf)
def betabinom_logpmf(y, k, n, a, b, loc=0):
    j = k - loc
    d[a] = unbroadcast(d[y] * (scipy.special.digamma(j + a) - scipy.special.digamma(n + a + b)
                               - scipy.special.digamma(a) + scipy.special.digamma(a + b)), a)
    d[b] = unbroadcast(d[y] * (scipy.special.digamma(n - j + b)
                               - scipy.special.digamma(n + a + b)
                               - scipy.special.digamma(b) + scipy.special.digamma(a + b)), b)


@elementwise(scipy.stats.betabinom.pmf)
def betabinom_pmf(y, k, n, a, b, loc=0):
    j = k - loc
    d[a] = unbroadcast(d[y] * y * (scipy.special.digamma(j + a)
                                   - scipy.special.digamma(n + a + b)
                                   - scipy.special.digamma(a) + scipy.special.digamma(a + b)), a)
    d[b] = unbroadcast(d[y] * y * (scipy.special.digamma(n - j + b)
                                   - scipy.special.digamma(n + a + b)
                                   - scipy.special.digamma(b) + scipy.special.digamma(a + b)), b)


# ---------------------------------------------------------------------------------------------
# Discrete distribution functions, with j = floor(k - loc) (the cdf is constant between counts):
# poisson.cdf = P(X <= j) has d/dmu = -pmf(j, mu); binom.cdf d/dp = -n pmf(j; n - 1, p).
# logcdf divides by the cdf, as exp(logpmf - y).

@elementwise(scipy.stats.poisson.cdf)
def poisson_cdf(y, k, mu, loc=0):
    d[mu] = unbroadcast(-d[y] * scipy.stats.poisson.pmf(np.floor(k - loc), mu), mu)


@elementwise(scipy.stats.poisson.logcdf)
def poisson_logcdf(y, k, mu, loc=0):
    d[mu] = unbroadcast(-d[y] * np.exp(scipy.stats.poisson.logpmf(np.floor(k - loc), mu) - y),
                        mu)


@elementwise(scipy.stats.binom.cdf)
def binom_cdf(y, k, n, p, loc=0):
    d[p] = unbroadcast(-d[y] * n * scipy.stats.binom.pmf(np.floor(k - loc), n - 1, p), p)


@elementwise(scipy.stats.binom.logcdf)
def binom_logcdf(y, k, n, p, loc=0):
    d[p] = unbroadcast(-d[y] * n * np.exp(scipy.stats.binom.logpmf(np.floor(k - loc), n - 1, p)
                                          - y), p)

