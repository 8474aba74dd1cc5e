"""The incomplete gamma and beta functions' derivatives in their parameters (SciPy is optional:
tangentlike/templates imports this module only when SciPy is installed), and the inverses of
distribution functions in a shape parameter, by the implicit function theorem.

``d/da gammainc(a, x)``, ``d/da betainc(a, b, x)`` and ``d/db betainc(a, b, x)`` are numerical
integrals (tangentlike/runtime/incomplete.py: accurate to about 1e-12, refused where they
cannot be); the rules of gammainc, betainc and the distribution functions built on them
(templates/scipy_special_more.py) call them where a parameter is differentiated.  Their own
rules here differentiate them in ``x`` (a closed form: the density times
``log x - psi(a)``...) and refuse a second derivative in a parameter.

An inverse ``k(y, ...)`` of ``F(k, ...) = y`` in a shape parameter has ``dk/dy = 1 / F_k`` and
``dk/dz = -F_z / F_k`` for each other argument ``z``.  The distribution functions, with
``P = gammainc``, ``I = betainc``: ``gdtr(a, b, x) = P(b, a x)``, ``chdtr(v, x) = P(v / 2,
x / 2)``, ``pdtr(k, m) = 1 - P(k + 1, m)`` (continuous ``k`` in ``pdtrik``), ``btdtr(a, b, x)
= I_x(a, b)``, ``nbdtr(k, n, p) = I_p(n, k + 1)``, ``bdtr(k, n, p) = I_{1 - p}(n - k, k + 1)
= 1 - I_p(k + 1, n - k)``.  The normal distribution's inverses in its mean and standard
deviation (``nrdtrimn``, ``nrdtrisd``) are closed forms: ``mn = x - std ndtri(p)``.
"""
import numpy as np
import scipy.special

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.incomplete import (
    betainc_da,
    betainc_db,
    fdtr_ddfd,
    fdtr_ddfn,
    gammainc_da,
    no_second_parameter_derivative,
    stdtr_ddf,
)
from tangentlike.runtime.special_more import in_dtype_of

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(no_second_parameter_derivative)


# ---------------------------------------------------------------------------------------------
# The parameter derivatives themselves: in x, the density's derivative in the parameter,
# density * (log x - psi(a)) for gammainc (the beta density's: log x - psi(a) + psi(a + b),
# log(1 - x) - psi(b) + psi(a + b)); in a parameter, refused.

@adjoint(gammainc_da)
def gammainc_da_adjoint(y, a, x):
    d[a] = no_second_parameter_derivative(d[y], "gammainc", "a")
    d[x] = unbroadcast(d[y] * np.exp(scipy.special.xlogy(a - 1.0, x) - x
                                     - scipy.special.gammaln(a))
                       * (np.log(x) - scipy.special.digamma(a)), x)


@tangent(gammainc_da)
def gammainc_da_tangent(y, a, x):
    d[y] = no_second_parameter_derivative(d[a], "gammainc", "a")
    d[y] = d[x] * np.exp(scipy.special.xlogy(a - 1.0, x) - x - scipy.special.gammaln(a)) * (
        np.log(x) - scipy.special.digamma(a))


@adjoint(betainc_da)
def betainc_da_adjoint(y, a, b, x):
    d[a] = no_second_parameter_derivative(d[y], "betainc", "a")
    d[b] = no_second_parameter_derivative(d[y], "betainc", "b")
    d[x] = unbroadcast(d[y] * np.exp(scipy.special.xlogy(a - 1.0, x)
                                     + scipy.special.xlog1py(b - 1.0, -x)
                                     - scipy.special.betaln(a, b))
                       * (np.log(x) - scipy.special.digamma(a)
                          + scipy.special.digamma(a + b)), x)


@tangent(betainc_da)
def betainc_da_tangent(y, a, b, x):
    d[y] = no_second_parameter_derivative(d[a], "betainc", "a")
    d[y] = no_second_parameter_derivative(d[b], "betainc", "b")
    d[y] = d[x] * np.exp(scipy.special.xlogy(a - 1.0, x) + scipy.special.xlog1py(b - 1.0, -x)
                         - scipy.special.betaln(a, b)) * (
        np.log(x) - scipy.special.digamma(a) + scipy.special.digamma(a + b))


@adjoint(betainc_db)
def betainc_db_adjoint(y, a, b, x):
    d[a] = no_second_parameter_derivative(d[y], "betainc", "a")
    d[b] = no_second_parameter_derivative(d[y], "betainc", "b")
    d[x] = unbroadcast(d[y] * np.exp(scipy.special.xlogy(a - 1.0, x)
                                     + scipy.special.xlog1py(b - 1.0, -x)
                                     - scipy.special.betaln(a, b))
                       * (np.log1p(-x) - scipy.special.digamma(b)
                          + scipy.special.digamma(a + b)), x)


@tangent(betainc_db)
def betainc_db_tangent(y, a, b, x):
    d[y] = no_second_parameter_derivative(d[a], "betainc", "a")
    d[y] = no_second_parameter_derivative(d[b], "betainc", "b")
    d[y] = d[x] * np.exp(scipy.special.xlogy(a - 1.0, x) + scipy.special.xlog1py(b - 1.0, -x)
                         - scipy.special.betaln(a, b)) * (
        np.log1p(-x) - scipy.special.digamma(b) + scipy.special.digamma(a + b))


# ---------------------------------------------------------------------------------------------
# Gamma family.  gdtrib(a, p, x) = b with gdtr(a, b, x) = P(b, a x) = p: F_b = P_a(b, a x),
# F_a = x g, F_x = a g with g = the gamma density at a x.

@adjoint(scipy.special.gdtrib)
def gdtrib(b, a, p, x):
    slope = in_dtype_of(1.0 / gammainc_da(b, a * x), b)
    density = in_dtype_of(np.exp(scipy.special.xlogy(b - 1.0, a * x) - a * x
                                 - scipy.special.gammaln(b)), b)
    d[a] = unbroadcast(-d[b] * x * density * slope, a)
    d[p] = unbroadcast(d[b] * slope, p)
    d[x] = unbroadcast(-d[b] * a * density * slope, x)


@tangent(scipy.special.gdtrib)
def gdtrib_tangent(b, a, p, x):
    slope = in_dtype_of(1.0 / gammainc_da(b, a * x), b)
    density = in_dtype_of(np.exp(scipy.special.xlogy(b - 1.0, a * x) - a * x
                                 - scipy.special.gammaln(b)), b)
    d[b] = -d[a] * x * density * slope
    d[b] = d[p] * slope
    d[b] = -d[x] * a * density * slope


# chdtriv(p, x) = v with chdtr(v, x) = P(v / 2, x / 2) = p: F_v = P_a / 2, F_x = g / 2.
@adjoint(scipy.special.chdtriv)
def chdtriv(v, p, x):
    slope = in_dtype_of(2.0 / gammainc_da(0.5 * v, 0.5 * x), v)
    d[p] = unbroadcast(d[v] * slope, p)
    d[x] = unbroadcast(-d[v] * 0.5 * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(0.5 * v - 1.0, 0.5 * x) - 0.5 * x
        - scipy.special.gammaln(0.5 * v)), v), x)


@tangent(scipy.special.chdtriv)
def chdtriv_tangent(v, p, x):
    slope = in_dtype_of(2.0 / gammainc_da(0.5 * v, 0.5 * x), v)
    d[v] = d[p] * slope
    d[v] = -d[x] * 0.5 * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(0.5 * v - 1.0, 0.5 * x) - 0.5 * x
        - scipy.special.gammaln(0.5 * v)), v)


# pdtrik(p, m) = k with pdtr(k, m) = 1 - P(k + 1, m) = p (k continuous): F_k = -P_a(k + 1, m),
# F_m = -g(k + 1, m).  Where p < pdtr(0, m), SciPy returns k = 0, the end of its range: a
# constant (likewise the other inverses in k at k = 0, and bdtrik at k = n).
@adjoint(scipy.special.pdtrik)
def pdtrik(k, p, m):
    slope = np.where(k > 0.0, in_dtype_of(1.0 / gammainc_da(k + 1.0, m), k), 0.0)
    d[p] = unbroadcast(-d[k] * slope, p)
    d[m] = unbroadcast(-d[k] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(k, m) - m - scipy.special.gammaln(k + 1.0)), k), m)


@tangent(scipy.special.pdtrik)
def pdtrik_tangent(k, p, m):
    slope = np.where(k > 0.0, in_dtype_of(1.0 / gammainc_da(k + 1.0, m), k), 0.0)
    d[k] = -d[p] * slope
    d[k] = -d[m] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(k, m) - m - scipy.special.gammaln(k + 1.0)), k)


# ---------------------------------------------------------------------------------------------
# Beta family.  btdtria(p, b, x) = a and btdtrib(a, p, x) = b invert I_x(a, b) = p; f is the
# beta density at x.

@adjoint(scipy.special.btdtria)
def btdtria(a, p, b, x):
    slope = in_dtype_of(1.0 / betainc_da(a, b, x), a)
    d[p] = unbroadcast(d[a] * slope, p)
    d[b] = unbroadcast(-d[a] * in_dtype_of(betainc_db(a, b, x), a) * slope, b)
    d[x] = unbroadcast(-d[a] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(a - 1.0, x) + scipy.special.xlog1py(b - 1.0, -x)
        - scipy.special.betaln(a, b)), a), x)


@tangent(scipy.special.btdtria)
def btdtria_tangent(a, p, b, x):
    slope = in_dtype_of(1.0 / betainc_da(a, b, x), a)
    d[a] = d[p] * slope
    d[a] = -d[b] * in_dtype_of(betainc_db(a, b, x), a) * slope
    d[a] = -d[x] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(a - 1.0, x) + scipy.special.xlog1py(b - 1.0, -x)
        - scipy.special.betaln(a, b)), a)


@adjoint(scipy.special.btdtrib)
def btdtrib(b, a, p, x):
    slope = in_dtype_of(1.0 / betainc_db(a, b, x), b)
    d[a] = unbroadcast(-d[b] * in_dtype_of(betainc_da(a, b, x), b) * slope, a)
    d[p] = unbroadcast(d[b] * slope, p)
    d[x] = unbroadcast(-d[b] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(a - 1.0, x) + scipy.special.xlog1py(b - 1.0, -x)
        - scipy.special.betaln(a, b)), b), x)


@tangent(scipy.special.btdtrib)
def btdtrib_tangent(b, a, p, x):
    slope = in_dtype_of(1.0 / betainc_db(a, b, x), b)
    d[b] = -d[a] * in_dtype_of(betainc_da(a, b, x), b) * slope
    d[b] = d[p] * slope
    d[b] = -d[x] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(a - 1.0, x) + scipy.special.xlog1py(b - 1.0, -x)
        - scipy.special.betaln(a, b)), b)


# nbdtrik(y, n, p) = k and nbdtrin(k, y, p) = n invert nbdtr(k, n, p) = I_p(n, k + 1) = y
# (k and n continuous): F_k = I_b, F_n = I_a, F_p = f, at (n, k + 1, p).
@adjoint(scipy.special.nbdtrik)
def nbdtrik(k, y, n, p):
    slope = np.where(k > 0.0, in_dtype_of(1.0 / betainc_db(n, k + 1.0, p), k), 0.0)
    d[y] = unbroadcast(d[k] * slope, y)
    d[n] = unbroadcast(-d[k] * in_dtype_of(betainc_da(n, k + 1.0, p), k) * slope, n)
    d[p] = unbroadcast(-d[k] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(n - 1.0, p) + scipy.special.xlog1py(k, -p)
        - scipy.special.betaln(n, k + 1.0)), k), p)


@tangent(scipy.special.nbdtrik)
def nbdtrik_tangent(k, y, n, p):
    slope = np.where(k > 0.0, in_dtype_of(1.0 / betainc_db(n, k + 1.0, p), k), 0.0)
    d[k] = d[y] * slope
    d[k] = -d[n] * in_dtype_of(betainc_da(n, k + 1.0, p), k) * slope
    d[k] = -d[p] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(n - 1.0, p) + scipy.special.xlog1py(k, -p)
        - scipy.special.betaln(n, k + 1.0)), k)


@adjoint(scipy.special.nbdtrin)
def nbdtrin(n, k, y, p):
    slope = in_dtype_of(1.0 / betainc_da(n, k + 1.0, p), n)
    d[k] = unbroadcast(-d[n] * in_dtype_of(betainc_db(n, k + 1.0, p), n) * slope, k)
    d[y] = unbroadcast(d[n] * slope, y)
    d[p] = unbroadcast(-d[n] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(n - 1.0, p) + scipy.special.xlog1py(k, -p)
        - scipy.special.betaln(n, k + 1.0)), n), p)


@tangent(scipy.special.nbdtrin)
def nbdtrin_tangent(n, k, y, p):
    slope = in_dtype_of(1.0 / betainc_da(n, k + 1.0, p), n)
    d[n] = -d[k] * in_dtype_of(betainc_db(n, k + 1.0, p), n) * slope
    d[n] = d[y] * slope
    d[n] = -d[p] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(n - 1.0, p) + scipy.special.xlog1py(k, -p)
        - scipy.special.betaln(n, k + 1.0)), n)


# bdtrik(y, n, p) = k and bdtrin(k, y, p) = n invert bdtr(k, n, p) = 1 - I_p(k + 1, n - k)
# = y: F_k = I_b - I_a (both terms positive), F_n = -I_b, F_p = -f, at (k + 1, n - k, p).
@adjoint(scipy.special.bdtrik)
def bdtrik(k, y, n, p):
    slope = np.where((k > 0.0) & (k < n), in_dtype_of(
        1.0 / (betainc_db(k + 1.0, n - k, p) - betainc_da(k + 1.0, n - k, p)), k), 0.0)
    d[y] = unbroadcast(d[k] * slope, y)
    d[n] = unbroadcast(d[k] * in_dtype_of(betainc_db(k + 1.0, n - k, p), k) * slope, n)
    d[p] = unbroadcast(d[k] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(k, p) + scipy.special.xlog1py(n - k - 1.0, -p)
        - scipy.special.betaln(k + 1.0, n - k)), k), p)


@tangent(scipy.special.bdtrik)
def bdtrik_tangent(k, y, n, p):
    slope = np.where((k > 0.0) & (k < n), in_dtype_of(
        1.0 / (betainc_db(k + 1.0, n - k, p) - betainc_da(k + 1.0, n - k, p)), k), 0.0)
    d[k] = d[y] * slope
    d[k] = d[n] * in_dtype_of(betainc_db(k + 1.0, n - k, p), k) * slope
    d[k] = d[p] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(k, p) + scipy.special.xlog1py(n - k - 1.0, -p)
        - scipy.special.betaln(k + 1.0, n - k)), k)


@adjoint(scipy.special.bdtrin)
def bdtrin(n, k, y, p):
    slope = in_dtype_of(1.0 / betainc_db(k + 1.0, n - k, p), n)
    d[k] = unbroadcast(d[n] * in_dtype_of(betainc_db(k + 1.0, n - k, p)
                                          - betainc_da(k + 1.0, n - k, p), n) * slope, k)
    d[y] = unbroadcast(-d[n] * slope, y)
    d[p] = unbroadcast(-d[n] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(k, p) + scipy.special.xlog1py(n - k - 1.0, -p)
        - scipy.special.betaln(k + 1.0, n - k)), n), p)


@tangent(scipy.special.bdtrin)
def bdtrin_tangent(n, k, y, p):
    slope = in_dtype_of(1.0 / betainc_db(k + 1.0, n - k, p), n)
    d[n] = d[k] * in_dtype_of(betainc_db(k + 1.0, n - k, p)
                              - betainc_da(k + 1.0, n - k, p), n) * slope
    d[n] = -d[y] * slope
    d[n] = -d[p] * slope * in_dtype_of(np.exp(
        scipy.special.xlogy(k, p) + scipy.special.xlog1py(n - k - 1.0, -p)
        - scipy.special.betaln(k + 1.0, n - k)), n)


# ---------------------------------------------------------------------------------------------
# Normal distribution: nrdtrimn(p, std, x) = x - std z and nrdtrisd(mn, p, x) = (x - mn) / z
# with z = ndtri(p), dz/dp = 1 / phi(z) = exp(z**2 / 2 + log(sqrt(2 pi))).

@adjoint(scipy.special.nrdtrimn)
def nrdtrimn(mn, p, std, x):
    z = scipy.special.ndtri(p)
    d[p] = unbroadcast(-d[mn] * std * np.exp(0.5 * z * z + 0.9189385332046727), p)
    d[std] = unbroadcast(-d[mn] * z, std)
    d[x] = unbroadcast(d[mn], x)


@tangent(scipy.special.nrdtrimn)
def nrdtrimn_tangent(mn, p, std, x):
    z = scipy.special.ndtri(p)
    d[mn] = -d[p] * std * np.exp(0.5 * z * z + 0.9189385332046727)
    d[mn] = -d[std] * z
    d[mn] = d[x]


@adjoint(scipy.special.nrdtrisd)
def nrdtrisd(std, mn, p, x):
    z = scipy.special.ndtri(p)
    d[mn] = unbroadcast(-d[std] / z, mn)
    d[p] = unbroadcast(-d[std] * std / z * np.exp(0.5 * z * z + 0.9189385332046727), p)
    d[x] = unbroadcast(d[std] / z, x)


@tangent(scipy.special.nrdtrisd)
def nrdtrisd_tangent(std, mn, p, x):
    z = scipy.special.ndtri(p)
    d[std] = -d[mn] / z
    d[std] = -d[p] * std / z * np.exp(0.5 * z * z + 0.9189385332046727)
    d[std] = d[x] / z


# ---------------------------------------------------------------------------------------------
# Student's t and F distributions in their degrees of freedom (stdtr_ddf, fdtr_ddfn and
# fdtr_ddfd are d/d(df) stdtr and d/d(dfn), d/d(dfd) fdtr).  In t (in x): the density's
# derivative in the degrees of freedom, density * d/d(df) log(density); in df, refused.
# The t density is exp(gammaln((df + 1) / 2) - gammaln(df / 2) - log(df) / 2 - log(sqrt(pi))
# - (df + 1) / 2 log(1 + t**2 / df)).

@adjoint(stdtr_ddf)
def stdtr_ddf_adjoint(y, df, t):
    d[df] = no_second_parameter_derivative(d[y], "stdtr", "df")
    d[t] = unbroadcast(d[y] * np.exp(
        scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df)
        - 0.5 * np.log(df) - 0.5723649429247001 - (0.5 * df + 0.5) * np.log1p(t * t / df)) * (
        0.5 * scipy.special.digamma(0.5 * df + 0.5) - 0.5 * scipy.special.digamma(0.5 * df)
        - 0.5 / df - 0.5 * np.log1p(t * t / df) + (df + 1.0) * t * t / (2.0 * df * (df + t * t))),
        t)


@tangent(stdtr_ddf)
def stdtr_ddf_tangent(y, df, t):
    d[y] = no_second_parameter_derivative(d[df], "stdtr", "df")
    d[y] = d[t] * np.exp(
        scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df)
        - 0.5 * np.log(df) - 0.5723649429247001 - (0.5 * df + 0.5) * np.log1p(t * t / df)) * (
        0.5 * scipy.special.digamma(0.5 * df + 0.5) - 0.5 * scipy.special.digamma(0.5 * df)
        - 0.5 / df - 0.5 * np.log1p(t * t / df) + (df + 1.0) * t * t / (2.0 * df * (df + t * t)))


# The F density: exp(dfn/2 log(dfn) + dfd/2 log(dfd) + (dfn/2 - 1) log(x) - (dfn + dfd)/2
# log(dfd + dfn x) - betaln(dfn/2, dfd/2)).
@adjoint(fdtr_ddfn)
def fdtr_ddfn_adjoint(y, dfn, dfd, x):
    d[dfn] = no_second_parameter_derivative(d[y], "fdtr", "dfn")
    d[dfd] = no_second_parameter_derivative(d[y], "fdtr", "dfd")
    d[x] = unbroadcast(d[y] * np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)) * (
        0.5 * np.log(dfn) + 0.5 + 0.5 * np.log(x) - 0.5 * np.log(dfd + dfn * x)
        - 0.5 * (dfn + dfd) * x / (dfd + dfn * x) - 0.5 * scipy.special.digamma(0.5 * dfn)
        + 0.5 * scipy.special.digamma(0.5 * (dfn + dfd))), x)


@tangent(fdtr_ddfn)
def fdtr_ddfn_tangent(y, dfn, dfd, x):
    d[y] = no_second_parameter_derivative(d[dfn], "fdtr", "dfn")
    d[y] = no_second_parameter_derivative(d[dfd], "fdtr", "dfd")
    d[y] = d[x] * np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)) * (
        0.5 * np.log(dfn) + 0.5 + 0.5 * np.log(x) - 0.5 * np.log(dfd + dfn * x)
        - 0.5 * (dfn + dfd) * x / (dfd + dfn * x) - 0.5 * scipy.special.digamma(0.5 * dfn)
        + 0.5 * scipy.special.digamma(0.5 * (dfn + dfd)))


@adjoint(fdtr_ddfd)
def fdtr_ddfd_adjoint(y, dfn, dfd, x):
    d[dfn] = no_second_parameter_derivative(d[y], "fdtr", "dfn")
    d[dfd] = no_second_parameter_derivative(d[y], "fdtr", "dfd")
    d[x] = unbroadcast(d[y] * np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)) * (
        0.5 * np.log(dfd) + 0.5 - 0.5 * np.log(dfd + dfn * x)
        - 0.5 * (dfn + dfd) / (dfd + dfn * x) - 0.5 * scipy.special.digamma(0.5 * dfd)
        + 0.5 * scipy.special.digamma(0.5 * (dfn + dfd))), x)


@tangent(fdtr_ddfd)
def fdtr_ddfd_tangent(y, dfn, dfd, x):
    d[y] = no_second_parameter_derivative(d[dfn], "fdtr", "dfn")
    d[y] = no_second_parameter_derivative(d[dfd], "fdtr", "dfd")
    d[y] = d[x] * np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)) * (
        0.5 * np.log(dfd) + 0.5 - 0.5 * np.log(dfd + dfn * x)
        - 0.5 * (dfn + dfd) / (dfd + dfn * x) - 0.5 * scipy.special.digamma(0.5 * dfd)
        + 0.5 * scipy.special.digamma(0.5 * (dfn + dfd)))


# stdtridf(p, t) = df with stdtr(df, t) = p: F_df = stdtr_ddf, F_t = the density.
@adjoint(scipy.special.stdtridf)
def stdtridf(df, p, t):
    slope = in_dtype_of(1.0 / stdtr_ddf(df, t), df)
    d[p] = unbroadcast(d[df] * slope, p)
    d[t] = unbroadcast(-d[df] * slope * in_dtype_of(np.exp(
        scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df)
        - 0.5 * np.log(df) - 0.5723649429247001 - (0.5 * df + 0.5) * np.log1p(t * t / df)),
        df), t)


@tangent(scipy.special.stdtridf)
def stdtridf_tangent(df, p, t):
    slope = in_dtype_of(1.0 / stdtr_ddf(df, t), df)
    d[df] = d[p] * slope
    d[df] = -d[t] * slope * in_dtype_of(np.exp(
        scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df)
        - 0.5 * np.log(df) - 0.5723649429247001 - (0.5 * df + 0.5) * np.log1p(t * t / df)), df)


# fdtridfd(dfn, p, x) = dfd with fdtr(dfn, dfd, x) = p.
@adjoint(scipy.special.fdtridfd)
def fdtridfd(dfd, dfn, p, x):
    slope = in_dtype_of(1.0 / fdtr_ddfd(dfn, dfd, x), dfd)
    d[dfn] = unbroadcast(-d[dfd] * in_dtype_of(fdtr_ddfn(dfn, dfd, x), dfd) * slope, dfn)
    d[p] = unbroadcast(d[dfd] * slope, p)
    d[x] = unbroadcast(-d[dfd] * slope * in_dtype_of(np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)), dfd), x)


@tangent(scipy.special.fdtridfd)
def fdtridfd_tangent(dfd, dfn, p, x):
    slope = in_dtype_of(1.0 / fdtr_ddfd(dfn, dfd, x), dfd)
    d[dfd] = -d[dfn] * in_dtype_of(fdtr_ddfn(dfn, dfd, x), dfd) * slope
    d[dfd] = d[p] * slope
    d[dfd] = -d[x] * slope * in_dtype_of(np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)), dfd)
