"""scipy.stats discrete distributions computed by compiled code (SciPy is optional:
tangentlike/templates imports this module only when SciPy is installed): their mass and
distribution functions in their continuous parameters; the count ``k`` and ``loc`` carry no
derivative (``j = k - loc``; the distribution functions are constant between counts, at
``floor(j)``), nor do the integer parameters (``nchypergeom_fisher``'s ``M, n, N``).
Each ``log`` form divides its function's derivative by the function, as ``exp(. - y)``.

- ``nbinom.cdf(k, n, p) = betainc(n, j + 1, p)``: ``d/dp`` is the beta density
  ``beta.pdf(p, n, j + 1)``, ``d/dn`` the incomplete beta function's derivative in its
  first parameter (``betainc_da``, a quadrature: first order; a second derivative in ``n``
  is refused by name); 0 below the support (``j < 0``).
- ``skellam`` (the difference of Poisson counts of means ``mu1``, ``mu2``): ``d pmf(j)/dmu1
  = pmf(j - 1) - pmf(j)``, ``d pmf(j)/dmu2 = pmf(j + 1) - pmf(j)``; summed, ``d cdf(j)/dmu1
  = -pmf(j)`` and ``d cdf(j)/dmu2 = pmf(j + 1)``.
- ``nchypergeom_fisher`` in its odds ratio ``w``: ``d log pmf/dw = (j - E[X]) / w``, and the
  cdf's derivative ``sum_(x <= j) (x - E[X]) pmf(x) / w`` (``fisher_mean``, ``fisher_sum``
  in tangentlike/runtime/discrete.py, whose own rules here give every order).
- ``poisson_binom(p)`` (SciPy 1.15 and later; the last axis of ``p`` holds the Bernoulli
  probabilities): with ``pmf_i`` the mass without the ``i``-th Bernoulli (``p_i`` set to 0),
  ``d pmf(j)/dp_i = pmf_i(j - 1) - pmf_i(j)`` and ``d cdf(j)/dp_i = -pmf_i(j)``.

Every derivative calls the distributions' own functions (or helpers with rules), so second
derivatives work.  ``nchypergeom_wallenius`` (its mass an integral) is refused
(census_tables.REFUSED).
"""
import numpy as np
import scipy.stats

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.discrete import fisher_mean, fisher_sum, without_each
from tangentlike.runtime.incomplete import betainc_da
from tangentlike.runtime.special_more import in_dtype_of

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


# ---------------------------------------------------------------------------------------------
# nbinom.cdf = betainc(n, j + 1, p), j = floor(k - loc) >= 0 (0 below).

@elementwise(scipy.stats.nbinom.cdf)
def nbinom_cdf(y, k, n, p, loc=0):
    j = np.floor(np.subtract(k, loc))
    b = np.maximum(j, 0.0) + 1.0
    d[n] = unbroadcast(d[y] * np.where(j >= 0, in_dtype_of(betainc_da(n, b, p), y), 0.0), n)
    d[p] = unbroadcast(d[y] * np.where(j >= 0, scipy.stats.beta.pdf(p, n, b), 0.0), p)


@elementwise(scipy.stats.nbinom.logcdf)
def nbinom_logcdf(y, k, n, p, loc=0):
    j = np.floor(np.subtract(k, loc))
    b = np.maximum(j, 0.0) + 1.0
    d[n] = unbroadcast(d[y] * np.where(j >= 0, in_dtype_of(betainc_da(n, b, p), y)
                                       * np.exp(-y), 0.0), n)
    d[p] = unbroadcast(d[y] * np.where(j >= 0, np.exp(scipy.stats.beta.logpdf(p, n, b) - y),
                                       0.0), p)


# ---------------------------------------------------------------------------------------------
# skellam (mu1, mu2)

@elementwise(scipy.stats.skellam.pmf)
def skellam_pmf(y, k, mu1, mu2, loc=0):
    j = np.subtract(k, loc)
    d[mu1] = unbroadcast(d[y] * (scipy.stats.skellam.pmf(j - 1, mu1, mu2) - y), mu1)
    d[mu2] = unbroadcast(d[y] * (scipy.stats.skellam.pmf(j + 1, mu1, mu2) - y), mu2)


@elementwise(scipy.stats.skellam.logpmf)
def skellam_logpmf(y, k, mu1, mu2, loc=0):
    j = np.subtract(k, loc)
    d[mu1] = unbroadcast(d[y] * (np.exp(scipy.stats.skellam.logpmf(j - 1, mu1, mu2) - y) - 1.0),
                         mu1)
    d[mu2] = unbroadcast(d[y] * (np.exp(scipy.stats.skellam.logpmf(j + 1, mu1, mu2) - y) - 1.0),
                         mu2)


@elementwise(scipy.stats.skellam.cdf)
def skellam_cdf(y, k, mu1, mu2, loc=0):
    j = np.floor(np.subtract(k, loc))
    d[mu1] = unbroadcast(-d[y] * scipy.stats.skellam.pmf(j, mu1, mu2), mu1)
    d[mu2] = unbroadcast(d[y] * scipy.stats.skellam.pmf(j + 1, mu1, mu2), mu2)


@elementwise(scipy.stats.skellam.logcdf)
def skellam_logcdf(y, k, mu1, mu2, loc=0):
    j = np.floor(np.subtract(k, loc))
    d[mu1] = unbroadcast(-d[y] * np.exp(scipy.stats.skellam.logpmf(j, mu1, mu2) - y), mu1)
    d[mu2] = unbroadcast(d[y] * np.exp(scipy.stats.skellam.logpmf(j + 1, mu1, mu2) - y), mu2)


# ---------------------------------------------------------------------------------------------
# nchypergeom_fisher (odds; constant in k, M, n, N and loc)

@elementwise(scipy.stats.nchypergeom_fisher.pmf)
def nchypergeom_fisher_pmf(y, k, M, n, N, odds, loc=0):
    centred = np.subtract(k, loc) - fisher_mean(M, n, N, odds)
    d[odds] = unbroadcast(d[y] * y * centred / odds, odds)


@elementwise(scipy.stats.nchypergeom_fisher.logpmf)
def nchypergeom_fisher_logpmf(y, k, M, n, N, odds, loc=0):
    centred = np.subtract(k, loc) - fisher_mean(M, n, N, odds)
    d[odds] = unbroadcast(d[y] * centred / odds, odds)


@elementwise(scipy.stats.nchypergeom_fisher.cdf)
def nchypergeom_fisher_cdf(y, k, M, n, N, odds, loc=0):
    partial = fisher_sum(1, np.floor(np.subtract(k, loc)), M, n, N, odds)
    d[odds] = unbroadcast(d[y] * partial / odds, odds)


@elementwise(scipy.stats.nchypergeom_fisher.logcdf)
def nchypergeom_fisher_logcdf(y, k, M, n, N, odds, loc=0):
    partial = fisher_sum(1, np.floor(np.subtract(k, loc)), M, n, N, odds)
    d[odds] = unbroadcast(d[y] * partial * np.exp(-y) / odds, odds)


# The helpers, in the odds: d mean/dw = var / w; d S_r/dw = (S_(r+1) - r var S_(r-1)) / w.
@elementwise(fisher_mean)
def fisher_mean_rule(y, M, n, N, odds):
    d[odds] = unbroadcast(d[y] * fisher_sum(2, N, M, n, N, odds) / odds, odds)


@elementwise(fisher_sum)
def fisher_sum_rule(y, r, k, M, n, N, odds):
    d[odds] = unbroadcast(d[y] * (fisher_sum(r + 1, k, M, n, N, odds)
                                  - r * fisher_sum(2, N, M, n, N, odds)
                                  * fisher_sum(max(r - 1, 0), k, M, n, N, odds)) / odds, odds)


# ---------------------------------------------------------------------------------------------
# poisson_binom (p, a vector on the last axis): without_each(p)[..., i, :] is p with p_i = 0
# (linear in p).

@adjoint(without_each)
def without_each_adjoint(y, p):
    d[p] = unbroadcast(np.sum(d[y] * (1.0 - np.eye(np.shape(p)[-1])), axis=-2), p)


@tangent(without_each)
def without_each_tangent(y, p):
    d[y] = without_each(d[p])


if hasattr(scipy.stats, "poisson_binom"):
    @adjoint(scipy.stats.poisson_binom.pmf)
    def poisson_binom_pmf(y, k, p, loc=0):
        j = np.expand_dims(np.subtract(k, loc), -1)
        others = without_each(p)
        d[p] = unbroadcast(np.expand_dims(d[y], -1)
                           * (scipy.stats.poisson_binom.pmf(j - 1, others)
                              - scipy.stats.poisson_binom.pmf(j, others)), p)

    @tangent(scipy.stats.poisson_binom.pmf)
    def poisson_binom_pmf_tangent(y, k, p, loc=0):
        j = np.expand_dims(np.subtract(k, loc), -1)
        others = without_each(p)
        d[y] = np.sum(d[p] * (scipy.stats.poisson_binom.pmf(j - 1, others)
                              - scipy.stats.poisson_binom.pmf(j, others)), axis=-1)

    @adjoint(scipy.stats.poisson_binom.logpmf)
    def poisson_binom_logpmf(y, k, p, loc=0):
        j = np.expand_dims(np.subtract(k, loc), -1)
        others = without_each(p)
        d[p] = unbroadcast(np.expand_dims(d[y] * np.exp(-y), -1)
                           * (scipy.stats.poisson_binom.pmf(j - 1, others)
                              - scipy.stats.poisson_binom.pmf(j, others)), p)

    @tangent(scipy.stats.poisson_binom.logpmf)
    def poisson_binom_logpmf_tangent(y, k, p, loc=0):
        j = np.expand_dims(np.subtract(k, loc), -1)
        others = without_each(p)
        d[y] = np.sum(d[p] * (scipy.stats.poisson_binom.pmf(j - 1, others)
                              - scipy.stats.poisson_binom.pmf(j, others)), axis=-1) * np.exp(-y)

    @adjoint(scipy.stats.poisson_binom.cdf)
    def poisson_binom_cdf(y, k, p, loc=0):
        j = np.expand_dims(np.floor(np.subtract(k, loc)), -1)
        others = without_each(p)
        d[p] = unbroadcast(-np.expand_dims(d[y], -1) * scipy.stats.poisson_binom.pmf(j, others),
                           p)

    @tangent(scipy.stats.poisson_binom.cdf)
    def poisson_binom_cdf_tangent(y, k, p, loc=0):
        j = np.expand_dims(np.floor(np.subtract(k, loc)), -1)
        others = without_each(p)
        d[y] = -np.sum(d[p] * scipy.stats.poisson_binom.pmf(j, others), axis=-1)

    @adjoint(scipy.stats.poisson_binom.logcdf)
    def poisson_binom_logcdf(y, k, p, loc=0):
        j = np.expand_dims(np.floor(np.subtract(k, loc)), -1)
        others = without_each(p)
        d[p] = unbroadcast(-np.expand_dims(d[y] * np.exp(-y), -1)
                           * scipy.stats.poisson_binom.pmf(j, others), p)

    @tangent(scipy.stats.poisson_binom.logcdf)
    def poisson_binom_logcdf_tangent(y, k, p, loc=0):
        j = np.expand_dims(np.floor(np.subtract(k, loc)), -1)
        others = without_each(p)
        d[y] = -np.sum(d[p] * scipy.stats.poisson_binom.pmf(j, others), axis=-1) * np.exp(-y)
