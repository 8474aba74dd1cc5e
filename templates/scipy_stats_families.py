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

The distribution functions call the family's own ``pdf`` and ``logpdf``, whose rules make
second derivatives work.  Outside the support the density is 0 (logpdf -inf), and so are the
derivatives SciPy's values give there (NaN where a formula divides by 0).
"""
import numpy as np
import scipy.special
import scipy.stats

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
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

@adjoint(scipy.stats.t.pdf)
def t_pdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(df + 1.0) * z / (df + z * z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_df = (0.5 * (scipy.special.digamma(0.5 * df + 0.5) - scipy.special.digamma(0.5 * df) - 1.0 /
            df - np.log1p(z * z / df) + (df + 1.0) * z * z / (df * (df + z * z))))
    d[df] = unbroadcast(d[y] * y * h_df, df)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.t.pdf)
def t_pdf_tangent(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(df + 1.0) * z / (df + z * z)
    d[y] = y * d[x] * hz / scale
    h_df = (0.5 * (scipy.special.digamma(0.5 * df + 0.5) - scipy.special.digamma(0.5 * df) - 1.0 /
            df - np.log1p(z * z / df) + (df + 1.0) * z * z / (df * (df + z * z))))
    d[y] = y * d[df] * h_df
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.t.cdf)
def t_cdf(y, x, df, loc=0.0, scale=1.0):
    f = scipy.stats.t.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(d[y] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.t.cdf)
def t_cdf_tangent(y, x, df, loc=0.0, scale=1.0):
    f = scipy.stats.t.pdf(x, df, loc, scale)
    d[y] = d[x] * f
    d[y] = d[df] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.t.logcdf)
def t_logcdf(y, x, df, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.t.logpdf(x, df, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(d[y] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y) * np.exp(-y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.t.logcdf)
def t_logcdf_tangent(y, x, df, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.t.logpdf(x, df, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = d[df] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.t.sf)
def t_sf(y, x, df, loc=0.0, scale=1.0):
    f = -scipy.stats.t.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(-d[y] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.t.sf)
def t_sf_tangent(y, x, df, loc=0.0, scale=1.0):
    f = -scipy.stats.t.pdf(x, df, loc, scale)
    d[y] = d[x] * f
    d[y] = -d[df] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.t.logsf)
def t_logsf(y, x, df, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.t.logpdf(x, df, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(-d[y] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y) * np.exp(-y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.t.logsf)
def t_logsf_tangent(y, x, df, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.t.logpdf(x, df, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[df] * in_dtype_of(stdtr_ddf(df, (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# gamma (a)

@adjoint(scipy.stats.gamma.pdf)
def gamma_pdf(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (a - 1.0) / z - 1.0
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_a = np.log(z) - scipy.special.digamma(a)
    d[a] = unbroadcast(d[y] * y * h_a, a)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.gamma.pdf)
def gamma_pdf_tangent(y, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (a - 1.0) / z - 1.0
    d[y] = y * d[x] * hz / scale
    h_a = np.log(z) - scipy.special.digamma(a)
    d[y] = y * d[a] * h_a
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.gamma.cdf)
def gamma_cdf(y, x, a, loc=0.0, scale=1.0):
    f = scipy.stats.gamma.pdf(x, a, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(d[y] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y), a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.gamma.cdf)
def gamma_cdf_tangent(y, x, a, loc=0.0, scale=1.0):
    f = scipy.stats.gamma.pdf(x, a, loc, scale)
    d[y] = d[x] * f
    d[y] = d[a] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.gamma.logcdf)
def gamma_logcdf(y, x, a, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.gamma.logpdf(x, a, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(d[y] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y) * np.exp(-y), a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.gamma.logcdf)
def gamma_logcdf_tangent(y, x, a, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.gamma.logpdf(x, a, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = d[a] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.gamma.sf)
def gamma_sf(y, x, a, loc=0.0, scale=1.0):
    f = -scipy.stats.gamma.pdf(x, a, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y), a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.gamma.sf)
def gamma_sf_tangent(y, x, a, loc=0.0, scale=1.0):
    f = -scipy.stats.gamma.pdf(x, a, loc, scale)
    d[y] = d[x] * f
    d[y] = -d[a] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.gamma.logsf)
def gamma_logsf(y, x, a, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.gamma.logpdf(x, a, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y) * np.exp(-y), a)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.gamma.logsf)
def gamma_logsf_tangent(y, x, a, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.gamma.logpdf(x, a, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[a] * in_dtype_of(gammainc_da(a, (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# beta (a, b)

@adjoint(scipy.stats.beta.pdf)
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


@tangent(scipy.stats.beta.pdf)
def beta_pdf_tangent(y, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    d[y] = y * d[x] * hz / scale
    h_a = np.log(z) - scipy.special.digamma(a) + scipy.special.digamma(a + b)
    h_b = np.log1p(-z) - scipy.special.digamma(b) + scipy.special.digamma(a + b)
    d[y] = y * d[a] * h_a
    d[y] = y * d[b] * h_b
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.beta.cdf)
def beta_cdf(y, x, a, b, loc=0.0, scale=1.0):
    f = scipy.stats.beta.pdf(x, a, b, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(d[y] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y), a)
    d[b] = unbroadcast(d[y] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y), b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.beta.cdf)
def beta_cdf_tangent(y, x, a, b, loc=0.0, scale=1.0):
    f = scipy.stats.beta.pdf(x, a, b, loc, scale)
    d[y] = d[x] * f
    d[y] = d[a] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y)
    d[y] = d[b] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.beta.logcdf)
def beta_logcdf(y, x, a, b, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.beta.logpdf(x, a, b, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(d[y] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y) * np.exp(-y), a)
    d[b] = unbroadcast(d[y] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y) * np.exp(-y), b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.beta.logcdf)
def beta_logcdf_tangent(y, x, a, b, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.beta.logpdf(x, a, b, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = d[a] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y) * np.exp(-y)
    d[y] = d[b] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.beta.sf)
def beta_sf(y, x, a, b, loc=0.0, scale=1.0):
    f = -scipy.stats.beta.pdf(x, a, b, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y), a)
    d[b] = unbroadcast(-d[y] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y), b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.beta.sf)
def beta_sf_tangent(y, x, a, b, loc=0.0, scale=1.0):
    f = -scipy.stats.beta.pdf(x, a, b, loc, scale)
    d[y] = d[x] * f
    d[y] = -d[a] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y)
    d[y] = -d[b] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.beta.logsf)
def beta_logsf(y, x, a, b, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.beta.logpdf(x, a, b, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[a] = unbroadcast(-d[y] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y) * np.exp(-y), a)
    d[b] = unbroadcast(-d[y] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y) * np.exp(-y), b)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.beta.logsf)
def beta_logsf_tangent(y, x, a, b, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.beta.logpdf(x, a, b, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[a] * in_dtype_of(betainc_da(a, b, (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[b] * in_dtype_of(betainc_db(a, b, (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# chi2 (df)

@adjoint(scipy.stats.chi2.logpdf)
def chi2_logpdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (0.5 * df - 1.0) / z - 0.5
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_df = 0.5 * (np.log(0.5 * z) - scipy.special.digamma(0.5 * df))
    d[df] = unbroadcast(d[y] * h_df, df)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.chi2.logpdf)
def chi2_logpdf_tangent(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (0.5 * df - 1.0) / z - 0.5
    d[y] = d[x] * hz / scale
    h_df = 0.5 * (np.log(0.5 * z) - scipy.special.digamma(0.5 * df))
    d[y] = d[df] * h_df
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.chi2.pdf)
def chi2_pdf(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (0.5 * df - 1.0) / z - 0.5
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_df = 0.5 * (np.log(0.5 * z) - scipy.special.digamma(0.5 * df))
    d[df] = unbroadcast(d[y] * y * h_df, df)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.chi2.pdf)
def chi2_pdf_tangent(y, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = (0.5 * df - 1.0) / z - 0.5
    d[y] = y * d[x] * hz / scale
    h_df = 0.5 * (np.log(0.5 * z) - scipy.special.digamma(0.5 * df))
    d[y] = y * d[df] * h_df
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.chi2.cdf)
def chi2_cdf(y, x, df, loc=0.0, scale=1.0):
    f = scipy.stats.chi2.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(d[y] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.chi2.cdf)
def chi2_cdf_tangent(y, x, df, loc=0.0, scale=1.0):
    f = scipy.stats.chi2.pdf(x, df, loc, scale)
    d[y] = d[x] * f
    d[y] = d[df] * in_dtype_of(0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.chi2.logcdf)
def chi2_logcdf(y, x, df, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.chi2.logpdf(x, df, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(d[y] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y) * np.exp(-y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.chi2.logcdf)
def chi2_logcdf_tangent(y, x, df, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.chi2.logpdf(x, df, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = d[df] * in_dtype_of(0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.chi2.sf)
def chi2_sf(y, x, df, loc=0.0, scale=1.0):
    f = -scipy.stats.chi2.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(-d[y] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.chi2.sf)
def chi2_sf_tangent(y, x, df, loc=0.0, scale=1.0):
    f = -scipy.stats.chi2.pdf(x, df, loc, scale)
    d[y] = d[x] * f
    d[y] = -d[df] * in_dtype_of(0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.chi2.logsf)
def chi2_logsf(y, x, df, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.chi2.logpdf(x, df, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[df] = unbroadcast(-d[y] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y) * np.exp(-y), df)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.chi2.logsf)
def chi2_logsf_tangent(y, x, df, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.chi2.logpdf(x, df, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[df] * in_dtype_of(
        0.5 * gammainc_da(0.5 * df, 0.5 * (x - loc) / scale), y) * np.exp(-y)
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# expon

@adjoint(scipy.stats.expon.logpdf)
def expon_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -1.0 + 0.0 * z
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.expon.logpdf)
def expon_logpdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -1.0 + 0.0 * z
    d[y] = d[x] * hz / scale
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.expon.pdf)
def expon_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -1.0 + 0.0 * z
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.expon.pdf)
def expon_pdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -1.0 + 0.0 * z
    d[y] = y * d[x] * hz / scale
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.expon.cdf)
def expon_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.expon.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.expon.cdf)
def expon_cdf_tangent(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.expon.pdf(x, loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.expon.logcdf)
def expon_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.expon.logpdf(x, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.expon.logcdf)
def expon_logcdf_tangent(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.expon.logpdf(x, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.expon.sf)
def expon_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.expon.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.expon.sf)
def expon_sf_tangent(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.expon.pdf(x, loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.expon.logsf)
def expon_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.expon.logpdf(x, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.expon.logsf)
def expon_logsf_tangent(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.expon.logpdf(x, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# cauchy

@adjoint(scipy.stats.cauchy.logpdf)
def cauchy_logpdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.cauchy.logpdf")
    hz = -2.0 * z / (1.0 + z * z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.cauchy.logpdf)
def cauchy_logpdf_tangent(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.cauchy.logpdf")
    hz = -2.0 * z / (1.0 + z * z)
    d[y] = d[x] * hz / scale
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.cauchy.pdf)
def cauchy_pdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.cauchy.pdf")
    hz = -2.0 * z / (1.0 + z * z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.cauchy.pdf)
def cauchy_pdf_tangent(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.cauchy.pdf")
    hz = -2.0 * z / (1.0 + z * z)
    d[y] = y * d[x] * hz / scale
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.cauchy.cdf)
def cauchy_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.cauchy.pdf(real_matrix(x, "scipy.stats.cauchy.cdf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.cauchy.cdf)
def cauchy_cdf_tangent(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.cauchy.pdf(real_matrix(x, "scipy.stats.cauchy.cdf"), loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.cauchy.logcdf)
def cauchy_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.cauchy.logpdf(real_matrix(x, "scipy.stats.cauchy.logcdf"),
                                         loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.cauchy.logcdf)
def cauchy_logcdf_tangent(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.cauchy.logpdf(real_matrix(x, "scipy.stats.cauchy.logcdf"),
                                         loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.cauchy.sf)
def cauchy_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.cauchy.pdf(real_matrix(x, "scipy.stats.cauchy.sf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.cauchy.sf)
def cauchy_sf_tangent(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.cauchy.pdf(real_matrix(x, "scipy.stats.cauchy.sf"), loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.cauchy.logsf)
def cauchy_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.cauchy.logpdf(real_matrix(x, "scipy.stats.cauchy.logsf"),
                                          loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.cauchy.logsf)
def cauchy_logsf_tangent(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.cauchy.logpdf(real_matrix(x, "scipy.stats.cauchy.logsf"),
                                          loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# laplace

@adjoint(scipy.stats.laplace.logpdf)
def laplace_logpdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.laplace.logpdf")
    hz = -np.sign(z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.laplace.logpdf)
def laplace_logpdf_tangent(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.laplace.logpdf")
    hz = -np.sign(z)
    d[y] = d[x] * hz / scale
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.laplace.pdf)
def laplace_pdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.laplace.pdf")
    hz = -np.sign(z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.laplace.pdf)
def laplace_pdf_tangent(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.laplace.pdf")
    hz = -np.sign(z)
    d[y] = y * d[x] * hz / scale
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.laplace.cdf)
def laplace_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.laplace.pdf(real_matrix(x, "scipy.stats.laplace.cdf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.laplace.cdf)
def laplace_cdf_tangent(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.laplace.pdf(real_matrix(x, "scipy.stats.laplace.cdf"), loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.laplace.logcdf)
def laplace_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.laplace.logpdf(real_matrix(x, "scipy.stats.laplace.logcdf"),
                                          loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.laplace.logcdf)
def laplace_logcdf_tangent(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.laplace.logpdf(real_matrix(x, "scipy.stats.laplace.logcdf"),
                                          loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.laplace.sf)
def laplace_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.laplace.pdf(real_matrix(x, "scipy.stats.laplace.sf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.laplace.sf)
def laplace_sf_tangent(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.laplace.pdf(real_matrix(x, "scipy.stats.laplace.sf"), loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.laplace.logsf)
def laplace_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.laplace.logpdf(real_matrix(x, "scipy.stats.laplace.logsf"),
                                           loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.laplace.logsf)
def laplace_logsf_tangent(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.laplace.logpdf(real_matrix(x, "scipy.stats.laplace.logsf"),
                                           loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# logistic

@adjoint(scipy.stats.logistic.logpdf)
def logistic_logpdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.logistic.logpdf")
    hz = -np.tanh(0.5 * z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.logistic.logpdf)
def logistic_logpdf_tangent(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.logistic.logpdf")
    hz = -np.tanh(0.5 * z)
    d[y] = d[x] * hz / scale
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.logistic.pdf)
def logistic_pdf(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.logistic.pdf")
    hz = -np.tanh(0.5 * z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.logistic.pdf)
def logistic_pdf_tangent(y, x, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.logistic.pdf")
    hz = -np.tanh(0.5 * z)
    d[y] = y * d[x] * hz / scale
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.logistic.cdf)
def logistic_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.logistic.pdf(real_matrix(x, "scipy.stats.logistic.cdf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.logistic.cdf)
def logistic_cdf_tangent(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.logistic.pdf(real_matrix(x, "scipy.stats.logistic.cdf"), loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.logistic.logcdf)
def logistic_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.logistic.logpdf(real_matrix(x, "scipy.stats.logistic.logcdf"),
                                           loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.logistic.logcdf)
def logistic_logcdf_tangent(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.logistic.logpdf(real_matrix(x, "scipy.stats.logistic.logcdf"),
                                           loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.logistic.sf)
def logistic_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.logistic.pdf(real_matrix(x, "scipy.stats.logistic.sf"), loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.logistic.sf)
def logistic_sf_tangent(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.logistic.pdf(real_matrix(x, "scipy.stats.logistic.sf"), loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.logistic.logsf)
def logistic_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.logistic.logpdf(real_matrix(x, "scipy.stats.logistic.logsf"),
                                            loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.logistic.logsf)
def logistic_logsf_tangent(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.logistic.logpdf(real_matrix(x, "scipy.stats.logistic.logsf"),
                                            loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# pareto (b)

@adjoint(scipy.stats.pareto.logpdf)
def pareto_logpdf(y, x, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(b + 1.0) / z
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_b = 1.0 / b - np.log(z)
    d[b] = unbroadcast(d[y] * h_b, b)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.pareto.logpdf)
def pareto_logpdf_tangent(y, x, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(b + 1.0) / z
    d[y] = d[x] * hz / scale
    h_b = 1.0 / b - np.log(z)
    d[y] = d[b] * h_b
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.pareto.pdf)
def pareto_pdf(y, x, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(b + 1.0) / z
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_b = 1.0 / b - np.log(z)
    d[b] = unbroadcast(d[y] * y * h_b, b)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.pareto.pdf)
def pareto_pdf_tangent(y, x, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -(b + 1.0) / z
    d[y] = y * d[x] * hz / scale
    h_b = 1.0 / b - np.log(z)
    d[y] = y * d[b] * h_b
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.pareto.cdf)
def pareto_cdf(y, x, b, loc=0.0, scale=1.0):
    f = scipy.stats.pareto.pdf(x, b, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[b] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.pareto.cdf)
def pareto_cdf_tangent(y, x, b, loc=0.0, scale=1.0):
    f = scipy.stats.pareto.pdf(x, b, loc, scale)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[b])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.pareto.logcdf)
def pareto_logcdf(y, x, b, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.pareto.logpdf(x, b, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[b] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.pareto.logcdf)
def pareto_logcdf_tangent(y, x, b, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.pareto.logpdf(x, b, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[b])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.pareto.sf)
def pareto_sf(y, x, b, loc=0.0, scale=1.0):
    f = -scipy.stats.pareto.pdf(x, b, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[b] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.pareto.sf)
def pareto_sf_tangent(y, x, b, loc=0.0, scale=1.0):
    f = -scipy.stats.pareto.pdf(x, b, loc, scale)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[b])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.pareto.logsf)
def pareto_logsf(y, x, b, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.pareto.logpdf(x, b, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[b] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.pareto.logsf)
def pareto_logsf_tangent(y, x, b, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.pareto.logpdf(x, b, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[b])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# poisson (mu; constant in k and loc)

@adjoint(scipy.stats.poisson.pmf)
def poisson_pmf(y, k, mu, loc=0):
    j = k - loc
    d[mu] = unbroadcast(d[y] * y * (j / mu - 1.0), mu)


@tangent(scipy.stats.poisson.pmf)
def poisson_pmf_tangent(y, k, mu, loc=0):
    j = k - loc
    d[y] = y * d[mu] * (j / mu - 1.0)


# ---------------------------------------------------------------------------------------------
# bernoulli (p; constant in k and loc)

@adjoint(scipy.stats.bernoulli.logpmf)
def bernoulli_logpmf(y, k, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * (j / p - (1.0 - j) / (1.0 - p)), p)


@tangent(scipy.stats.bernoulli.logpmf)
def bernoulli_logpmf_tangent(y, k, p, loc=0):
    j = k - loc
    d[y] = d[p] * (j / p - (1.0 - j) / (1.0 - p))


@adjoint(scipy.stats.bernoulli.pmf)
def bernoulli_pmf(y, k, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * y * (j / p - (1.0 - j) / (1.0 - p)), p)


@tangent(scipy.stats.bernoulli.pmf)
def bernoulli_pmf_tangent(y, k, p, loc=0):
    j = k - loc
    d[y] = y * d[p] * (j / p - (1.0 - j) / (1.0 - p))


# ---------------------------------------------------------------------------------------------
# binom (n, p; constant in k and loc)

@adjoint(scipy.stats.binom.logpmf)
def binom_logpmf(y, k, n, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * (j / p - (n - j) / (1.0 - p)), p)


@tangent(scipy.stats.binom.logpmf)
def binom_logpmf_tangent(y, k, n, p, loc=0):
    j = k - loc
    d[y] = d[p] * (j / p - (n - j) / (1.0 - p))


@adjoint(scipy.stats.binom.pmf)
def binom_pmf(y, k, n, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * y * (j / p - (n - j) / (1.0 - p)), p)


@tangent(scipy.stats.binom.pmf)
def binom_pmf_tangent(y, k, n, p, loc=0):
    j = k - loc
    d[y] = y * d[p] * (j / p - (n - j) / (1.0 - p))


# ---------------------------------------------------------------------------------------------
# geom (p; constant in k and loc)

@adjoint(scipy.stats.geom.logpmf)
def geom_logpmf(y, k, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * (1.0 / p - (j - 1.0) / (1.0 - p)), p)


@tangent(scipy.stats.geom.logpmf)
def geom_logpmf_tangent(y, k, p, loc=0):
    j = k - loc
    d[y] = d[p] * (1.0 / p - (j - 1.0) / (1.0 - p))


@adjoint(scipy.stats.geom.pmf)
def geom_pmf(y, k, p, loc=0):
    j = k - loc
    d[p] = unbroadcast(d[y] * y * (1.0 / p - (j - 1.0) / (1.0 - p)), p)


@tangent(scipy.stats.geom.pmf)
def geom_pmf_tangent(y, k, p, loc=0):
    j = k - loc
    d[y] = y * d[p] * (1.0 / p - (j - 1.0) / (1.0 - p))


# ---------------------------------------------------------------------------------------------
# nbinom (n, p; constant in k and loc)

@adjoint(scipy.stats.nbinom.logpmf)
def nbinom_logpmf(y, k, n, p, loc=0):
    j = k - loc
    d[n] = unbroadcast(d[y] * (scipy.special.digamma(n + j) - scipy.special.digamma(n)
                               + np.log(p)), n)
    d[p] = unbroadcast(d[y] * (n / p - j / (1.0 - p)), p)


@tangent(scipy.stats.nbinom.logpmf)
def nbinom_logpmf_tangent(y, k, n, p, loc=0):
    j = k - loc
    d[y] = d[n] * (scipy.special.digamma(n + j) - scipy.special.digamma(n) + np.log(p))
    d[y] = d[p] * (n / p - j / (1.0 - p))


@adjoint(scipy.stats.nbinom.pmf)
def nbinom_pmf(y, k, n, p, loc=0):
    j = k - loc
    d[n] = unbroadcast(d[y] * y * (scipy.special.digamma(n + j) - scipy.special.digamma(n)
                                   + np.log(p)), n)
    d[p] = unbroadcast(d[y] * y * (n / p - j / (1.0 - p)), p)


@tangent(scipy.stats.nbinom.pmf)
def nbinom_pmf_tangent(y, k, n, p, loc=0):
    j = k - loc
    d[y] = y * d[n] * (scipy.special.digamma(n + j) - scipy.special.digamma(n) + np.log(p))
    d[y] = y * d[p] * (n / p - j / (1.0 - p))


# ---------------------------------------------------------------------------------------------
# uniform

@adjoint(scipy.stats.uniform.logpdf)
def uniform_logpdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = 0.0 * z
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.uniform.logpdf)
def uniform_logpdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = 0.0 * z
    d[y] = d[x] * hz / scale
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.uniform.pdf)
def uniform_pdf(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = 0.0 * z
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.uniform.pdf)
def uniform_pdf_tangent(y, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = 0.0 * z
    d[y] = y * d[x] * hz / scale
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.uniform.cdf)
def uniform_cdf(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.uniform.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.uniform.cdf)
def uniform_cdf_tangent(y, x, loc=0.0, scale=1.0):
    f = scipy.stats.uniform.pdf(x, loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.uniform.logcdf)
def uniform_logcdf(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.uniform.logpdf(x, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.uniform.logcdf)
def uniform_logcdf_tangent(y, x, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.uniform.logpdf(x, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.uniform.sf)
def uniform_sf(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.uniform.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.uniform.sf)
def uniform_sf_tangent(y, x, loc=0.0, scale=1.0):
    f = -scipy.stats.uniform.pdf(x, loc, scale)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.uniform.logsf)
def uniform_logsf(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.uniform.logpdf(x, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.uniform.logsf)
def uniform_logsf_tangent(y, x, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.uniform.logpdf(x, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# vonmises (kappa)

@adjoint(scipy.stats.vonmises.logpdf)
def vonmises_logpdf(y, x, kappa, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.vonmises.logpdf")
    hz = -kappa * np.sin(z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_kappa = np.cos(z) - scipy.special.i1e(kappa) / scipy.special.i0e(kappa)
    d[kappa] = unbroadcast(d[y] * h_kappa, kappa)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.vonmises.logpdf)
def vonmises_logpdf_tangent(y, x, kappa, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.vonmises.logpdf")
    hz = -kappa * np.sin(z)
    d[y] = d[x] * hz / scale
    h_kappa = np.cos(z) - scipy.special.i1e(kappa) / scipy.special.i0e(kappa)
    d[y] = d[kappa] * h_kappa
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.vonmises.pdf)
def vonmises_pdf(y, x, kappa, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.vonmises.pdf")
    hz = -kappa * np.sin(z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_kappa = np.cos(z) - scipy.special.i1e(kappa) / scipy.special.i0e(kappa)
    d[kappa] = unbroadcast(d[y] * y * h_kappa, kappa)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.vonmises.pdf)
def vonmises_pdf_tangent(y, x, kappa, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.vonmises.pdf")
    hz = -kappa * np.sin(z)
    d[y] = y * d[x] * hz / scale
    h_kappa = np.cos(z) - scipy.special.i1e(kappa) / scipy.special.i0e(kappa)
    d[y] = y * d[kappa] * h_kappa
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.vonmises.cdf)
def vonmises_cdf(y, x, kappa, loc=0.0, scale=1.0):
    f = scipy.stats.vonmises.pdf(real_matrix(x, "scipy.stats.vonmises.cdf"), kappa, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.vonmises.cdf)
def vonmises_cdf_tangent(y, x, kappa, loc=0.0, scale=1.0):
    f = scipy.stats.vonmises.pdf(real_matrix(x, "scipy.stats.vonmises.cdf"), kappa, loc, scale)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[kappa])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.vonmises.logcdf)
def vonmises_logcdf(y, x, kappa, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.vonmises.logpdf(real_matrix(x, "scipy.stats.vonmises.logcdf"),
                                           kappa, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.vonmises.logcdf)
def vonmises_logcdf_tangent(y, x, kappa, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.vonmises.logpdf(real_matrix(x, "scipy.stats.vonmises.logcdf"),
                                           kappa, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[kappa])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.vonmises.sf)
def vonmises_sf(y, x, kappa, loc=0.0, scale=1.0):
    f = -scipy.stats.vonmises.pdf(real_matrix(x, "scipy.stats.vonmises.sf"), kappa, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.vonmises.sf)
def vonmises_sf_tangent(y, x, kappa, loc=0.0, scale=1.0):
    f = -scipy.stats.vonmises.pdf(real_matrix(x, "scipy.stats.vonmises.sf"), kappa, loc, scale)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[kappa])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.vonmises.logsf)
def vonmises_logsf(y, x, kappa, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.vonmises.logpdf(real_matrix(x, "scipy.stats.vonmises.logsf"),
                                            kappa, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[kappa] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.vonmises.logsf)
def vonmises_logsf_tangent(y, x, kappa, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.vonmises.logpdf(real_matrix(x, "scipy.stats.vonmises.logsf"),
                                            kappa, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[kappa])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# wrapcauchy (c)

@adjoint(scipy.stats.wrapcauchy.logpdf)
def wrapcauchy_logpdf(y, x, c, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -2.0 * c * np.sin(z) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_c = -2.0 * c / (1.0 - c * c) - 2.0 * (c - np.cos(z)) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[c] = unbroadcast(d[y] * h_c, c)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.wrapcauchy.logpdf)
def wrapcauchy_logpdf_tangent(y, x, c, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -2.0 * c * np.sin(z) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[y] = d[x] * hz / scale
    h_c = -2.0 * c / (1.0 - c * c) - 2.0 * (c - np.cos(z)) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[y] = d[c] * h_c
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.wrapcauchy.pdf)
def wrapcauchy_pdf(y, x, c, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -2.0 * c * np.sin(z) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_c = -2.0 * c / (1.0 - c * c) - 2.0 * (c - np.cos(z)) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[c] = unbroadcast(d[y] * y * h_c, c)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.wrapcauchy.pdf)
def wrapcauchy_pdf_tangent(y, x, c, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    hz = -2.0 * c * np.sin(z) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[y] = y * d[x] * hz / scale
    h_c = -2.0 * c / (1.0 - c * c) - 2.0 * (c - np.cos(z)) / (1.0 + c * c - 2.0 * c * np.cos(z))
    d[y] = y * d[c] * h_c
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.wrapcauchy.cdf)
def wrapcauchy_cdf(y, x, c, loc=0.0, scale=1.0):
    f = scipy.stats.wrapcauchy.pdf(x, c, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[c] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.wrapcauchy.cdf)
def wrapcauchy_cdf_tangent(y, x, c, loc=0.0, scale=1.0):
    f = scipy.stats.wrapcauchy.pdf(x, c, loc, scale)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[c])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.wrapcauchy.logcdf)
def wrapcauchy_logcdf(y, x, c, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.wrapcauchy.logpdf(x, c, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[c] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.wrapcauchy.logcdf)
def wrapcauchy_logcdf_tangent(y, x, c, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.wrapcauchy.logpdf(x, c, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[c])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.wrapcauchy.sf)
def wrapcauchy_sf(y, x, c, loc=0.0, scale=1.0):
    f = -scipy.stats.wrapcauchy.pdf(x, c, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[c] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.wrapcauchy.sf)
def wrapcauchy_sf_tangent(y, x, c, loc=0.0, scale=1.0):
    f = -scipy.stats.wrapcauchy.pdf(x, c, loc, scale)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[c])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.wrapcauchy.logsf)
def wrapcauchy_logsf(y, x, c, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.wrapcauchy.logpdf(x, c, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[c] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.wrapcauchy.logsf)
def wrapcauchy_logsf_tangent(y, x, c, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.wrapcauchy.logpdf(x, c, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[c])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# gennorm (beta)

@adjoint(scipy.stats.gennorm.logpdf)
def gennorm_logpdf(y, x, beta, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.gennorm.logpdf")
    hz = -beta * np.abs(z) ** (beta - 1.0) * np.sign(z)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    h_beta = (1.0 / beta + scipy.special.digamma(1.0 / beta) / (beta * beta) - np.abs(z) ** beta *
              np.log(np.abs(z)))
    d[beta] = unbroadcast(d[y] * h_beta, beta)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.gennorm.logpdf)
def gennorm_logpdf_tangent(y, x, beta, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.gennorm.logpdf")
    hz = -beta * np.abs(z) ** (beta - 1.0) * np.sign(z)
    d[y] = d[x] * hz / scale
    h_beta = (1.0 / beta + scipy.special.digamma(1.0 / beta) / (beta * beta) - np.abs(z) ** beta *
              np.log(np.abs(z)))
    d[y] = d[beta] * h_beta
    d[y] = -d[loc] * hz / scale
    d[y] = -d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.gennorm.pdf)
def gennorm_pdf(y, x, beta, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.gennorm.pdf")
    hz = -beta * np.abs(z) ** (beta - 1.0) * np.sign(z)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    h_beta = (1.0 / beta + scipy.special.digamma(1.0 / beta) / (beta * beta) - np.abs(z) ** beta *
              np.log(np.abs(z)))
    d[beta] = unbroadcast(d[y] * y * h_beta, beta)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * (z * hz + 1.0) / scale, scale)


@tangent(scipy.stats.gennorm.pdf)
def gennorm_pdf_tangent(y, x, beta, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.gennorm.pdf")
    hz = -beta * np.abs(z) ** (beta - 1.0) * np.sign(z)
    d[y] = y * d[x] * hz / scale
    h_beta = (1.0 / beta + scipy.special.digamma(1.0 / beta) / (beta * beta) - np.abs(z) ** beta *
              np.log(np.abs(z)))
    d[y] = y * d[beta] * h_beta
    d[y] = -y * d[loc] * hz / scale
    d[y] = -y * d[scale] * (z * hz + 1.0) / scale


@adjoint(scipy.stats.gennorm.cdf)
def gennorm_cdf(y, x, beta, loc=0.0, scale=1.0):
    f = scipy.stats.gennorm.pdf(real_matrix(x, "scipy.stats.gennorm.cdf"), beta, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[beta] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.gennorm.cdf)
def gennorm_cdf_tangent(y, x, beta, loc=0.0, scale=1.0):
    f = scipy.stats.gennorm.pdf(real_matrix(x, "scipy.stats.gennorm.cdf"), beta, loc, scale)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[beta])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.gennorm.logcdf)
def gennorm_logcdf(y, x, beta, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.gennorm.logpdf(real_matrix(x, "scipy.stats.gennorm.logcdf"),
                                          beta, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[beta] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.gennorm.logcdf)
def gennorm_logcdf_tangent(y, x, beta, loc=0.0, scale=1.0):
    f = np.exp(scipy.stats.gennorm.logpdf(real_matrix(x, "scipy.stats.gennorm.logcdf"),
                                          beta, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[beta])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.gennorm.sf)
def gennorm_sf(y, x, beta, loc=0.0, scale=1.0):
    f = -scipy.stats.gennorm.pdf(real_matrix(x, "scipy.stats.gennorm.sf"), beta, loc, scale)
    d[x] = unbroadcast(d[y] * f, x)
    d[beta] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.gennorm.sf)
def gennorm_sf_tangent(y, x, beta, loc=0.0, scale=1.0):
    f = -scipy.stats.gennorm.pdf(real_matrix(x, "scipy.stats.gennorm.sf"), beta, loc, scale)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[beta])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


@adjoint(scipy.stats.gennorm.logsf)
def gennorm_logsf(y, x, beta, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.gennorm.logpdf(real_matrix(x, "scipy.stats.gennorm.logsf"),
                                           beta, loc, scale) - y)
    d[x] = unbroadcast(d[y] * f, x)
    d[beta] = refuse_cdf_shape(d[y])
    d[loc] = unbroadcast(-d[y] * f, loc)
    d[scale] = unbroadcast(-d[y] * f * (x - loc) / scale, scale)


@tangent(scipy.stats.gennorm.logsf)
def gennorm_logsf_tangent(y, x, beta, loc=0.0, scale=1.0):
    f = -np.exp(scipy.stats.gennorm.logpdf(real_matrix(x, "scipy.stats.gennorm.logsf"),
                                           beta, loc, scale) - y)
    d[y] = d[x] * f
    d[y] = refuse_cdf_shape(d[beta])
    d[y] = -d[loc] * f
    d[y] = -d[scale] * f * (x - loc) / scale


# ---------------------------------------------------------------------------------------------
# betabinom (a, b; constant in k, n and loc):
#   log p = log C(n, j) + betaln(j + a, n - j + b) - betaln(a, b).

@adjoint(scipy.stats.betabinom.logpmf)
def betabinom_logpmf(y, k, n, a, b, loc=0):
    j = k - loc
    d[a] = unbroadcast(d[y] * (scipy.special.digamma(j + a) - scipy.special.digamma(n + a + b)
                               - scipy.special.digamma(a) + scipy.special.digamma(a + b)), a)
    d[b] = unbroadcast(d[y] * (scipy.special.digamma(n - j + b)
                               - scipy.special.digamma(n + a + b)
                               - scipy.special.digamma(b) + scipy.special.digamma(a + b)), b)


@tangent(scipy.stats.betabinom.logpmf)
def betabinom_logpmf_tangent(y, k, n, a, b, loc=0):
    j = k - loc
    d[y] = d[a] * (scipy.special.digamma(j + a) - scipy.special.digamma(n + a + b)
                   - scipy.special.digamma(a) + scipy.special.digamma(a + b))
    d[y] = d[b] * (scipy.special.digamma(n - j + b) - scipy.special.digamma(n + a + b)
                   - scipy.special.digamma(b) + scipy.special.digamma(a + b))


@adjoint(scipy.stats.betabinom.pmf)
def betabinom_pmf(y, k, n, a, b, loc=0):
    j = k - loc
    d[a] = unbroadcast(d[y] * y * (scipy.special.digamma(j + a)
                                   - scipy.special.digamma(n + a + b)
                                   - scipy.special.digamma(a) + scipy.special.digamma(a + b)), a)
    d[b] = unbroadcast(d[y] * y * (scipy.special.digamma(n - j + b)
                                   - scipy.special.digamma(n + a + b)
                                   - scipy.special.digamma(b) + scipy.special.digamma(a + b)), b)


@tangent(scipy.stats.betabinom.pmf)
def betabinom_pmf_tangent(y, k, n, a, b, loc=0):
    j = k - loc
    d[y] = y * d[a] * (scipy.special.digamma(j + a) - scipy.special.digamma(n + a + b)
                       - scipy.special.digamma(a) + scipy.special.digamma(a + b))
    d[y] = y * d[b] * (scipy.special.digamma(n - j + b) - scipy.special.digamma(n + a + b)
                       - scipy.special.digamma(b) + scipy.special.digamma(a + b))


# ---------------------------------------------------------------------------------------------
# Discrete distribution functions, with j = floor(k - loc) (the cdf is constant between counts):
# poisson.cdf = P(X <= j) has d/dmu = -pmf(j, mu); binom.cdf d/dp = -n pmf(j; n - 1, p).
# logcdf divides by the cdf, as exp(logpmf - y).

@adjoint(scipy.stats.poisson.cdf)
def poisson_cdf(y, k, mu, loc=0):
    d[mu] = unbroadcast(-d[y] * scipy.stats.poisson.pmf(np.floor(k - loc), mu), mu)


@tangent(scipy.stats.poisson.cdf)
def poisson_cdf_tangent(y, k, mu, loc=0):
    d[y] = -d[mu] * scipy.stats.poisson.pmf(np.floor(k - loc), mu)


@adjoint(scipy.stats.poisson.logcdf)
def poisson_logcdf(y, k, mu, loc=0):
    d[mu] = unbroadcast(-d[y] * np.exp(scipy.stats.poisson.logpmf(np.floor(k - loc), mu) - y),
                        mu)


@tangent(scipy.stats.poisson.logcdf)
def poisson_logcdf_tangent(y, k, mu, loc=0):
    d[y] = -d[mu] * np.exp(scipy.stats.poisson.logpmf(np.floor(k - loc), mu) - y)


@adjoint(scipy.stats.binom.cdf)
def binom_cdf(y, k, n, p, loc=0):
    d[p] = unbroadcast(-d[y] * n * scipy.stats.binom.pmf(np.floor(k - loc), n - 1, p), p)


@tangent(scipy.stats.binom.cdf)
def binom_cdf_tangent(y, k, n, p, loc=0):
    d[y] = -d[p] * n * scipy.stats.binom.pmf(np.floor(k - loc), n - 1, p)


@adjoint(scipy.stats.binom.logcdf)
def binom_logcdf(y, k, n, p, loc=0):
    d[p] = unbroadcast(-d[y] * n * np.exp(scipy.stats.binom.logpmf(np.floor(k - loc), n - 1, p)
                                          - y), p)


@tangent(scipy.stats.binom.logcdf)
def binom_logcdf_tangent(y, k, n, p, loc=0):
    d[y] = -d[p] * n * np.exp(scipy.stats.binom.logpmf(np.floor(k - loc), n - 1, p) - y)
