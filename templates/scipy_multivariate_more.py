"""scipy.stats' multivariate densities and masses beyond the normal's and the Dirichlet's
(templates/scipy_multivariate.py), in closed form.  SciPy is optional: tangentlike/templates
imports this module only when SciPy is installed.  The frozen forms
(``wishart(df, scale).logpdf(x)``) are rewritten into these calls by
frontend/distributions.py.

A matrix parameter SciPy reads through a Cholesky factor or an eigendecomposition (one
triangle: the scale and covariance matrices, Wishart points) has the gradient of
``multivariate_normal``'s ``cov``: the symmetric matrix that gives the derivative along every
symmetric perturbation (autograd's convention); a tangent counts as its symmetric part.  Each
matrix parameter is a square matrix (SciPy's numbers and diagonals are refused when
differentiated: runtime/stats_multivariate.py).  ``multigammaln(a, p)``'s derivative in ``a``
is ``multipolygamma(0, a, p)``, a sum of digammas.

- ``multinomial.logpmf(x, n, p) = gammaln(n + 1) + sum(xlogy(x, p) - gammaln(x + 1))``: in p,
  ``x / p`` (0 where ``x == 0``), where the counts sum to n (elsewhere the mass is 0: no
  derivative).  The counts ``x`` and ``n`` are integers (constant).  SciPy 1.17 replaces the
  last probability by ``1 - sum(p[:-1])`` when p does not sum to one (SciPy 1.18 gives NaN):
  the derivative is the formula's, SciPy's own along every perturbation that keeps ``p`` on
  the simplex (``p = z / np.sum(z)``).
- ``dirichlet_multinomial.logpmf(x, alpha, n)``: in alpha,
  ``digamma(S) - digamma(n + S) + digamma(x + alpha) - digamma(alpha)`` with ``S`` the sum
  of alpha.
- ``multivariate_t.logpdf(x, loc, shape, df)``: with ``r = x - loc``, ``s = r shape^-1``,
  ``m = s r`` and ``c = (df + k) / (df + m)``: ``d/dx = -c s``, ``d/dloc = c s``,
  ``d/dshape = (c s s^T - shape^-1) / 2``, and in df the derivative of the gammaln, log and
  log1p terms.
- ``wishart.logpdf(x, df, scale)`` (points ``(p, p)`` or stacked ``(p, p, n)``):
  ``d/dx = ((df - p - 1) x^-1 - scale^-1) / 2``,
  ``d/dscale = (scale^-1 x scale^-1 - df scale^-1) / 2``; ``invwishart``:
  ``d/dx = (x^-1 scale x^-1 - (df + p + 1) x^-1) / 2``,
  ``d/dscale = (df scale^-1 - x^-1) / 2``; both in df (log determinants and digammas).
- ``matrix_normal.logpdf(X, mean, rowcov, colcov)``: with ``A = rowcov^-1 (X - mean)
  colcov^-1``, ``d/dX = -A``, ``d/dmean = A``, ``d/drowcov = (A colcov A^T - p rowcov^-1) / 2``,
  ``d/dcolcov = (A^T rowcov A - n colcov^-1) / 2`` (X of shape ``(..., n, p)``).
- ``normal_inverse_gamma.logpdf(x, s2, mu, lmbda, a, b)``: elementwise, in all six.
- ``vonmises_fisher.logpdf(x, mu, kappa) = kappa mu.x + log C(kappa)``:
  ``d/dx = kappa mu``, ``d/dmu = kappa x``, ``d/dkappa = mu.x - ive(k/2, kappa) /
  ive(k/2 - 1, kappa)`` (the normalizer's derivative, a ratio of Bessel functions).
- ``multivariate_hypergeom`` and ``random_table``: integer parameters and points only,
  constants.

``pdf`` (``pmf``) is the same times the density ``y``.
"""
import numpy as np
import scipy.special
import scipy.stats

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.special_more import multipolygamma
from tangentlike.runtime.stats_multivariate import (
    counts_match,
    matrix_points_shape,
    mvn_cdf_gradient,
    mvt_cdf_gradient,
    mvt_points_shape,
    refuse_mvn_cdf_cov,
    refuse_mvn_cdf_twice,
    refuse_mvt_cdf,
    refuse_mvt_cdf_twice,
    wishart_points_shape,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(counts_match, matrix_points_shape, mvt_points_shape, wishart_points_shape,
                   refuse_mvn_cdf_cov, refuse_mvn_cdf_twice, refuse_mvt_cdf,
                   refuse_mvt_cdf_twice)

# Integer points and parameters only: their masses carry no derivative.
non_differentiable(scipy.stats.multivariate_hypergeom.pmf,
                   scipy.stats.multivariate_hypergeom.logpmf,
                   scipy.stats.random_table.pmf, scipy.stats.random_table.logpmf)


# ---------------------------------------------------------------------------------------------
# The multinomial distribution (in p; the counts x and n are integers).

@adjoint(scipy.stats.multinomial.logpmf)
def multinomial_logpmf(y, x, n, p):
    g = np.expand_dims(d[y] * counts_match(x, n), -1)
    d[p] = unbroadcast(g * x / np.where(x == 0, 1.0, p), p)


@tangent(scipy.stats.multinomial.logpmf)
def multinomial_logpmf_tangent(y, x, n, p):
    d[y] = np.reshape(counts_match(x, n) * np.sum(d[p] * x / np.where(x == 0, 1.0, p),
                                                  axis=-1), np.shape(y))


@adjoint(scipy.stats.multinomial.pmf)
def multinomial_pmf(y, x, n, p):
    g = np.expand_dims(d[y] * y, -1)
    d[p] = unbroadcast(g * x / np.where(x == 0, 1.0, p), p)


@tangent(scipy.stats.multinomial.pmf)
def multinomial_pmf_tangent(y, x, n, p):
    d[y] = y * np.reshape(np.sum(d[p] * x / np.where(x == 0, 1.0, p), axis=-1), np.shape(y))


# ---------------------------------------------------------------------------------------------
# The Dirichlet-multinomial distribution (in alpha; the counts x and n are integers).

@adjoint(scipy.stats.dirichlet_multinomial.logpmf)
def dirichlet_multinomial_logpmf(y, x, alpha, n):
    total = np.sum(alpha + 0.0 * x, axis=-1)
    h = (np.expand_dims(scipy.special.digamma(total) - scipy.special.digamma(n + total), -1)
         + scipy.special.digamma(x + alpha) - scipy.special.digamma(alpha))
    d[alpha] = unbroadcast(np.expand_dims(d[y] * counts_match(x, n), -1) * h, alpha)


@tangent(scipy.stats.dirichlet_multinomial.logpmf)
def dirichlet_multinomial_logpmf_tangent(y, x, alpha, n):
    total = np.sum(alpha + 0.0 * x, axis=-1)
    h = (np.expand_dims(scipy.special.digamma(total) - scipy.special.digamma(n + total), -1)
         + scipy.special.digamma(x + alpha) - scipy.special.digamma(alpha))
    d[y] = np.reshape(counts_match(x, n) * np.sum(d[alpha] * h, axis=-1), np.shape(y))


@adjoint(scipy.stats.dirichlet_multinomial.pmf)
def dirichlet_multinomial_pmf(y, x, alpha, n):
    total = np.sum(alpha + 0.0 * x, axis=-1)
    h = (np.expand_dims(scipy.special.digamma(total) - scipy.special.digamma(n + total), -1)
         + scipy.special.digamma(x + alpha) - scipy.special.digamma(alpha))
    d[alpha] = unbroadcast(np.expand_dims(d[y] * y, -1) * h, alpha)


@tangent(scipy.stats.dirichlet_multinomial.pmf)
def dirichlet_multinomial_pmf_tangent(y, x, alpha, n):
    total = np.sum(alpha + 0.0 * x, axis=-1)
    h = (np.expand_dims(scipy.special.digamma(total) - scipy.special.digamma(n + total), -1)
         + scipy.special.digamma(x + alpha) - scipy.special.digamma(alpha))
    d[y] = y * np.reshape(np.sum(d[alpha] * h, axis=-1), np.shape(y))


# ---------------------------------------------------------------------------------------------
# The multivariate t distribution (points as rows, like multivariate_normal's).

@adjoint(scipy.stats.multivariate_t.logpdf)
def mvt_logpdf(y, x, loc=None, shape=1, df=1):
    points = np.reshape(x, mvt_points_shape(x, shape, df))
    if loc is None:
        s = points @ np.linalg.inv(shape)
        m = np.sum(s * points, axis=-1)
    else:
        s = (points - loc) @ np.linalg.inv(shape)
        m = np.sum(s * (points - loc), axis=-1)
    k = np.shape(shape)[0]
    g = np.reshape(d[y], np.shape(m))
    gs = np.expand_dims(g * (df + k) / (df + m), -1) * s
    d[x] = np.reshape(-gs, np.shape(x))
    d[loc] = unbroadcast(gs, loc)
    rows = np.reshape(s, (-1, k))
    d[shape] = 0.5 * (np.transpose(np.reshape(gs, np.shape(rows))) @ rows
                      - np.sum(g) * np.linalg.inv(shape))
    d[df] = 0.5 * np.sum(g * (scipy.special.digamma(0.5 * (df + k))
                              - scipy.special.digamma(0.5 * df) - k / df - np.log1p(m / df)
                              + (df + k) * m / (df * (df + m))))


@tangent(scipy.stats.multivariate_t.logpdf)
def mvt_logpdf_tangent(y, x, loc=None, shape=1, df=1):
    points = np.reshape(x, mvt_points_shape(x, shape, df))
    if loc is None:
        s = points @ np.linalg.inv(shape)
        m = np.sum(s * points, axis=-1)
    else:
        s = (points - loc) @ np.linalg.inv(shape)
        m = np.sum(s * (points - loc), axis=-1)
    k = np.shape(shape)[0]
    c = (df + k) / (df + m)
    d[y] = np.reshape(-c * np.sum(np.reshape(d[x], np.shape(s)) * s, axis=-1), np.shape(y))
    d[y] = np.reshape(c * np.sum(d[loc] * s, axis=-1), np.shape(y))
    d[y] = np.reshape(0.5 * (c * np.einsum("...i,ij,...j->...", s, d[shape], s)
                             - np.sum(np.linalg.inv(shape) * d[shape])), np.shape(y))
    d[y] = np.reshape(0.5 * d[df] * (scipy.special.digamma(0.5 * (df + k))
                                     - scipy.special.digamma(0.5 * df) - k / df
                                     - np.log1p(m / df) + (df + k) * m / (df * (df + m))),
                      np.shape(y))


@adjoint(scipy.stats.multivariate_t.pdf)
def mvt_pdf(y, x, loc=None, shape=1, df=1, allow_singular=False):
    points = np.reshape(x, mvt_points_shape(x, shape, df, allow_singular))
    if loc is None:
        s = points @ np.linalg.inv(shape)
        m = np.sum(s * points, axis=-1)
    else:
        s = (points - loc) @ np.linalg.inv(shape)
        m = np.sum(s * (points - loc), axis=-1)
    k = np.shape(shape)[0]
    g = np.reshape(d[y] * y, np.shape(m))
    gs = np.expand_dims(g * (df + k) / (df + m), -1) * s
    d[x] = np.reshape(-gs, np.shape(x))
    d[loc] = unbroadcast(gs, loc)
    rows = np.reshape(s, (-1, k))
    d[shape] = 0.5 * (np.transpose(np.reshape(gs, np.shape(rows))) @ rows
                      - np.sum(g) * np.linalg.inv(shape))
    d[df] = 0.5 * np.sum(g * (scipy.special.digamma(0.5 * (df + k))
                              - scipy.special.digamma(0.5 * df) - k / df - np.log1p(m / df)
                              + (df + k) * m / (df * (df + m))))


@tangent(scipy.stats.multivariate_t.pdf)
def mvt_pdf_tangent(y, x, loc=None, shape=1, df=1, allow_singular=False):
    points = np.reshape(x, mvt_points_shape(x, shape, df, allow_singular))
    if loc is None:
        s = points @ np.linalg.inv(shape)
        m = np.sum(s * points, axis=-1)
    else:
        s = (points - loc) @ np.linalg.inv(shape)
        m = np.sum(s * (points - loc), axis=-1)
    k = np.shape(shape)[0]
    c = (df + k) / (df + m)
    d[y] = y * np.reshape(-c * np.sum(np.reshape(d[x], np.shape(s)) * s, axis=-1),
                          np.shape(y))
    d[y] = y * np.reshape(c * np.sum(d[loc] * s, axis=-1), np.shape(y))
    d[y] = y * np.reshape(0.5 * (c * np.einsum("...i,ij,...j->...", s, d[shape], s)
                                 - np.sum(np.linalg.inv(shape) * d[shape])), np.shape(y))
    d[y] = y * np.reshape(0.5 * d[df] * (scipy.special.digamma(0.5 * (df + k))
                                         - scipy.special.digamma(0.5 * df) - k / df
                                         - np.log1p(m / df) + (df + k) * m / (df * (df + m))),
                          np.shape(y))


# ---------------------------------------------------------------------------------------------
# The Wishart and inverse Wishart distributions (points stacked along the last axis).

@adjoint(scipy.stats.wishart.logpdf)
def wishart_logpdf(y, x, df, scale):
    xs = np.moveaxis(np.reshape(x, wishart_points_shape("wishart", x, scale)), -1, 0)
    p = np.shape(scale)[0]
    g = np.reshape(d[y], (-1,))
    inv_scale = np.linalg.inv(scale)
    d[x] = np.reshape(np.moveaxis(np.einsum("n,nij->nij", 0.5 * g, (df - p - 1.0)
                                            * np.linalg.inv(xs) - inv_scale), 0, -1),
                      np.shape(x))
    d[df] = 0.5 * np.sum(g * (np.linalg.slogdet(xs)[1] - p * np.log(2.0)
                              - np.linalg.slogdet(scale)[1]
                              - multipolygamma(0, 0.5 * df, p)))
    d[scale] = 0.5 * (inv_scale @ np.einsum("n,nij->ij", g, xs) @ inv_scale
                      - df * np.sum(g) * inv_scale)


@tangent(scipy.stats.wishart.logpdf)
def wishart_logpdf_tangent(y, x, df, scale):
    stacked = wishart_points_shape("wishart", x, scale)
    xs = np.moveaxis(np.reshape(x, stacked), -1, 0)
    p = np.shape(scale)[0]
    inv_scale = np.linalg.inv(scale)
    d[y] = np.reshape(0.5 * np.einsum("nij,nij->n", (df - p - 1.0) * np.linalg.inv(xs)
                                      - inv_scale,
                                      np.moveaxis(np.reshape(d[x], stacked), -1, 0)),
                      np.shape(y))
    d[y] = np.reshape(0.5 * d[df] * (np.linalg.slogdet(xs)[1] - p * np.log(2.0)
                                     - np.linalg.slogdet(scale)[1]
                                     - multipolygamma(0, 0.5 * df, p)), np.shape(y))
    d[y] = np.reshape(0.5 * (np.einsum("ij,nij->n", inv_scale @ d[scale] @ inv_scale, xs)
                             - df * np.sum(inv_scale * d[scale])), np.shape(y))


@adjoint(scipy.stats.wishart.pdf)
def wishart_pdf(y, x, df, scale):
    xs = np.moveaxis(np.reshape(x, wishart_points_shape("wishart", x, scale)), -1, 0)
    p = np.shape(scale)[0]
    g = np.reshape(d[y] * y, (-1,))
    inv_scale = np.linalg.inv(scale)
    d[x] = np.reshape(np.moveaxis(np.einsum("n,nij->nij", 0.5 * g, (df - p - 1.0)
                                            * np.linalg.inv(xs) - inv_scale), 0, -1),
                      np.shape(x))
    d[df] = 0.5 * np.sum(g * (np.linalg.slogdet(xs)[1] - p * np.log(2.0)
                              - np.linalg.slogdet(scale)[1]
                              - multipolygamma(0, 0.5 * df, p)))
    d[scale] = 0.5 * (inv_scale @ np.einsum("n,nij->ij", g, xs) @ inv_scale
                      - df * np.sum(g) * inv_scale)


@tangent(scipy.stats.wishart.pdf)
def wishart_pdf_tangent(y, x, df, scale):
    stacked = wishart_points_shape("wishart", x, scale)
    xs = np.moveaxis(np.reshape(x, stacked), -1, 0)
    p = np.shape(scale)[0]
    inv_scale = np.linalg.inv(scale)
    d[y] = y * np.reshape(0.5 * np.einsum("nij,nij->n", (df - p - 1.0) * np.linalg.inv(xs)
                                          - inv_scale,
                                          np.moveaxis(np.reshape(d[x], stacked), -1, 0)),
                          np.shape(y))
    d[y] = y * np.reshape(0.5 * d[df] * (np.linalg.slogdet(xs)[1] - p * np.log(2.0)
                                         - np.linalg.slogdet(scale)[1]
                                         - multipolygamma(0, 0.5 * df, p)), np.shape(y))
    d[y] = y * np.reshape(0.5 * (np.einsum("ij,nij->n", inv_scale @ d[scale] @ inv_scale, xs)
                                 - df * np.sum(inv_scale * d[scale])), np.shape(y))


@adjoint(scipy.stats.invwishart.logpdf)
def invwishart_logpdf(y, x, df, scale):
    xs = np.moveaxis(np.reshape(x, wishart_points_shape("invwishart", x, scale)), -1, 0)
    p = np.shape(scale)[0]
    g = np.reshape(d[y], (-1,))
    inv_xs = np.linalg.inv(xs)
    d[x] = np.reshape(np.moveaxis(np.einsum("n,nij->nij", 0.5 * g, inv_xs @ scale @ inv_xs
                                            - (df + p + 1.0) * inv_xs), 0, -1), np.shape(x))
    d[df] = 0.5 * np.sum(g * (np.linalg.slogdet(scale)[1] - p * np.log(2.0)
                              - np.linalg.slogdet(xs)[1]
                              - multipolygamma(0, 0.5 * df, p)))
    d[scale] = 0.5 * (df * np.sum(g) * np.linalg.inv(scale)
                      - np.einsum("n,nij->ij", g, inv_xs))


@tangent(scipy.stats.invwishart.logpdf)
def invwishart_logpdf_tangent(y, x, df, scale):
    stacked = wishart_points_shape("invwishart", x, scale)
    xs = np.moveaxis(np.reshape(x, stacked), -1, 0)
    p = np.shape(scale)[0]
    inv_xs = np.linalg.inv(xs)
    d[y] = np.reshape(0.5 * np.einsum("nij,nij->n", inv_xs @ scale @ inv_xs
                                      - (df + p + 1.0) * inv_xs,
                                      np.moveaxis(np.reshape(d[x], stacked), -1, 0)),
                      np.shape(y))
    d[y] = np.reshape(0.5 * d[df] * (np.linalg.slogdet(scale)[1] - p * np.log(2.0)
                                     - np.linalg.slogdet(xs)[1]
                                     - multipolygamma(0, 0.5 * df, p)), np.shape(y))
    d[y] = np.reshape(0.5 * (df * np.sum(np.linalg.inv(scale) * d[scale])
                             - np.einsum("nij,ij->n", inv_xs, d[scale])), np.shape(y))


@adjoint(scipy.stats.invwishart.pdf)
def invwishart_pdf(y, x, df, scale):
    xs = np.moveaxis(np.reshape(x, wishart_points_shape("invwishart", x, scale)), -1, 0)
    p = np.shape(scale)[0]
    g = np.reshape(d[y] * y, (-1,))
    inv_xs = np.linalg.inv(xs)
    d[x] = np.reshape(np.moveaxis(np.einsum("n,nij->nij", 0.5 * g, inv_xs @ scale @ inv_xs
                                            - (df + p + 1.0) * inv_xs), 0, -1), np.shape(x))
    d[df] = 0.5 * np.sum(g * (np.linalg.slogdet(scale)[1] - p * np.log(2.0)
                              - np.linalg.slogdet(xs)[1]
                              - multipolygamma(0, 0.5 * df, p)))
    d[scale] = 0.5 * (df * np.sum(g) * np.linalg.inv(scale)
                      - np.einsum("n,nij->ij", g, inv_xs))


@tangent(scipy.stats.invwishart.pdf)
def invwishart_pdf_tangent(y, x, df, scale):
    stacked = wishart_points_shape("invwishart", x, scale)
    xs = np.moveaxis(np.reshape(x, stacked), -1, 0)
    p = np.shape(scale)[0]
    inv_xs = np.linalg.inv(xs)
    d[y] = y * np.reshape(0.5 * np.einsum("nij,nij->n", inv_xs @ scale @ inv_xs
                                          - (df + p + 1.0) * inv_xs,
                                          np.moveaxis(np.reshape(d[x], stacked), -1, 0)),
                          np.shape(y))
    d[y] = y * np.reshape(0.5 * d[df] * (np.linalg.slogdet(scale)[1] - p * np.log(2.0)
                                         - np.linalg.slogdet(xs)[1]
                                         - multipolygamma(0, 0.5 * df, p)), np.shape(y))
    d[y] = y * np.reshape(0.5 * (df * np.sum(np.linalg.inv(scale) * d[scale])
                                 - np.einsum("nij,ij->n", inv_xs, d[scale])), np.shape(y))


# ---------------------------------------------------------------------------------------------
# The matrix normal distribution (X of shape (..., n, p)).

@adjoint(scipy.stats.matrix_normal.logpdf)
def matrix_normal_logpdf(y, X, mean=None, rowcov=1, colcov=1):
    xs = np.reshape(X, matrix_points_shape("matrix_normal", X, rowcov, colcov))
    if mean is None:
        a = np.linalg.inv(rowcov) @ xs @ np.linalg.inv(colcov)
    else:
        a = np.linalg.inv(rowcov) @ (xs - mean) @ np.linalg.inv(colcov)
    g = np.reshape(d[y], (-1,))
    d[X] = np.reshape(np.einsum("m,mij->mij", -g, a), np.shape(X))
    d[mean] = np.einsum("m,mij->ij", g, a)
    d[rowcov] = 0.5 * (np.einsum("m,mij,jk,mlk->il", g, a, colcov, a)
                       - np.shape(colcov)[0] * np.sum(g) * np.linalg.inv(rowcov))
    d[colcov] = 0.5 * (np.einsum("m,mji,jk,mkl->il", g, a, rowcov, a)
                       - np.shape(rowcov)[0] * np.sum(g) * np.linalg.inv(colcov))


@tangent(scipy.stats.matrix_normal.logpdf)
def matrix_normal_logpdf_tangent(y, X, mean=None, rowcov=1, colcov=1):
    shape = matrix_points_shape("matrix_normal", X, rowcov, colcov)
    if mean is None:
        a = np.linalg.inv(rowcov) @ np.reshape(X, shape) @ np.linalg.inv(colcov)
    else:
        a = np.linalg.inv(rowcov) @ (np.reshape(X, shape) - mean) @ np.linalg.inv(colcov)
    d[y] = np.reshape(-np.einsum("mij,mij->m", a, np.reshape(d[X], shape)), np.shape(y))
    d[y] = np.reshape(np.einsum("mij,ij->m", a, d[mean]), np.shape(y))
    d[y] = np.reshape(0.5 * (np.einsum("mij,jk,mlk,il->m", a, colcov, a, d[rowcov])
                             - np.shape(colcov)[0] * np.sum(np.linalg.inv(rowcov)
                                                            * d[rowcov])), np.shape(y))
    d[y] = np.reshape(0.5 * (np.einsum("mji,jk,mkl,il->m", a, rowcov, a, d[colcov])
                             - np.shape(rowcov)[0] * np.sum(np.linalg.inv(colcov)
                                                            * d[colcov])), np.shape(y))


@adjoint(scipy.stats.matrix_normal.pdf)
def matrix_normal_pdf(y, X, mean=None, rowcov=1, colcov=1):
    xs = np.reshape(X, matrix_points_shape("matrix_normal", X, rowcov, colcov))
    if mean is None:
        a = np.linalg.inv(rowcov) @ xs @ np.linalg.inv(colcov)
    else:
        a = np.linalg.inv(rowcov) @ (xs - mean) @ np.linalg.inv(colcov)
    g = np.reshape(d[y] * y, (-1,))
    d[X] = np.reshape(np.einsum("m,mij->mij", -g, a), np.shape(X))
    d[mean] = np.einsum("m,mij->ij", g, a)
    d[rowcov] = 0.5 * (np.einsum("m,mij,jk,mlk->il", g, a, colcov, a)
                       - np.shape(colcov)[0] * np.sum(g) * np.linalg.inv(rowcov))
    d[colcov] = 0.5 * (np.einsum("m,mji,jk,mkl->il", g, a, rowcov, a)
                       - np.shape(rowcov)[0] * np.sum(g) * np.linalg.inv(colcov))


@tangent(scipy.stats.matrix_normal.pdf)
def matrix_normal_pdf_tangent(y, X, mean=None, rowcov=1, colcov=1):
    shape = matrix_points_shape("matrix_normal", X, rowcov, colcov)
    if mean is None:
        a = np.linalg.inv(rowcov) @ np.reshape(X, shape) @ np.linalg.inv(colcov)
    else:
        a = np.linalg.inv(rowcov) @ (np.reshape(X, shape) - mean) @ np.linalg.inv(colcov)
    d[y] = y * np.reshape(-np.einsum("mij,mij->m", a, np.reshape(d[X], shape)), np.shape(y))
    d[y] = y * np.reshape(np.einsum("mij,ij->m", a, d[mean]), np.shape(y))
    d[y] = y * np.reshape(0.5 * (np.einsum("mij,jk,mlk,il->m", a, colcov, a, d[rowcov])
                                 - np.shape(colcov)[0] * np.sum(np.linalg.inv(rowcov)
                                                                * d[rowcov])), np.shape(y))
    d[y] = y * np.reshape(0.5 * (np.einsum("mji,jk,mkl,il->m", a, rowcov, a, d[colcov])
                                 - np.shape(rowcov)[0] * np.sum(np.linalg.inv(colcov)
                                                                * d[colcov])), np.shape(y))


# ---------------------------------------------------------------------------------------------
# The normal-inverse-gamma distribution (elementwise in all six arguments).

@adjoint(scipy.stats.normal_inverse_gamma.logpdf)
def normal_inverse_gamma_logpdf(y, x, s2, mu=0, lmbda=1, a=1, b=1):
    d[x] = unbroadcast(-d[y] * lmbda * (x - mu) / s2, x)
    d[s2] = unbroadcast(d[y] * ((2.0 * b + lmbda * (x - mu) ** 2) / (2.0 * s2)
                                - a - 1.5) / s2, s2)
    d[mu] = unbroadcast(d[y] * lmbda * (x - mu) / s2, mu)
    d[lmbda] = unbroadcast(d[y] * (0.5 / lmbda - (x - mu) ** 2 / (2.0 * s2)), lmbda)
    d[a] = unbroadcast(d[y] * (np.log(b / s2) - scipy.special.digamma(a)), a)
    d[b] = unbroadcast(d[y] * (a / b - 1.0 / s2), b)


@tangent(scipy.stats.normal_inverse_gamma.logpdf)
def normal_inverse_gamma_logpdf_tangent(y, x, s2, mu=0, lmbda=1, a=1, b=1):
    d[y] = -d[x] * lmbda * (x - mu) / s2
    d[y] = d[s2] * ((2.0 * b + lmbda * (x - mu) ** 2) / (2.0 * s2) - a - 1.5) / s2
    d[y] = d[mu] * lmbda * (x - mu) / s2
    d[y] = d[lmbda] * (0.5 / lmbda - (x - mu) ** 2 / (2.0 * s2))
    d[y] = d[a] * (np.log(b / s2) - scipy.special.digamma(a))
    d[y] = d[b] * (a / b - 1.0 / s2)


@adjoint(scipy.stats.normal_inverse_gamma.pdf)
def normal_inverse_gamma_pdf(y, x, s2, mu=0, lmbda=1, a=1, b=1):
    d[x] = unbroadcast(-d[y] * y * lmbda * (x - mu) / s2, x)
    d[s2] = unbroadcast(d[y] * y * ((2.0 * b + lmbda * (x - mu) ** 2) / (2.0 * s2)
                                    - a - 1.5) / s2, s2)
    d[mu] = unbroadcast(d[y] * y * lmbda * (x - mu) / s2, mu)
    d[lmbda] = unbroadcast(d[y] * y * (0.5 / lmbda - (x - mu) ** 2 / (2.0 * s2)), lmbda)
    d[a] = unbroadcast(d[y] * y * (np.log(b / s2) - scipy.special.digamma(a)), a)
    d[b] = unbroadcast(d[y] * y * (a / b - 1.0 / s2), b)


@tangent(scipy.stats.normal_inverse_gamma.pdf)
def normal_inverse_gamma_pdf_tangent(y, x, s2, mu=0, lmbda=1, a=1, b=1):
    d[y] = -y * d[x] * lmbda * (x - mu) / s2
    d[y] = y * d[s2] * ((2.0 * b + lmbda * (x - mu) ** 2) / (2.0 * s2) - a - 1.5) / s2
    d[y] = y * d[mu] * lmbda * (x - mu) / s2
    d[y] = y * d[lmbda] * (0.5 / lmbda - (x - mu) ** 2 / (2.0 * s2))
    d[y] = y * d[a] * (np.log(b / s2) - scipy.special.digamma(a))
    d[y] = y * d[b] * (a / b - 1.0 / s2)


# ---------------------------------------------------------------------------------------------
# The von Mises-Fisher distribution (points along the last axis; kappa a number).

@adjoint(scipy.stats.vonmises_fisher.logpdf)
def vonmises_fisher_logpdf(y, x, mu=None, kappa=1):
    g = np.reshape(d[y], np.shape(x)[:-1])
    k = np.shape(mu)[0]
    d[x] = np.expand_dims(g * kappa, -1) * mu
    d[mu] = kappa * np.reshape(np.tensordot(g, x, np.ndim(g)), np.shape(mu))
    d[kappa] = np.sum(g * (np.sum(x * mu, axis=-1)
                           - scipy.special.ive(0.5 * k, kappa)
                           / scipy.special.ive(0.5 * k - 1.0, kappa)))


@tangent(scipy.stats.vonmises_fisher.logpdf)
def vonmises_fisher_logpdf_tangent(y, x, mu=None, kappa=1):
    k = np.shape(mu)[0]
    d[y] = np.reshape(kappa * np.sum(d[x] * mu, axis=-1), np.shape(y))
    d[y] = np.reshape(kappa * np.sum(x * d[mu], axis=-1), np.shape(y))
    d[y] = np.reshape(d[kappa] * (np.sum(x * mu, axis=-1)
                                  - scipy.special.ive(0.5 * k, kappa)
                                  / scipy.special.ive(0.5 * k - 1.0, kappa)), np.shape(y))


@adjoint(scipy.stats.vonmises_fisher.pdf)
def vonmises_fisher_pdf(y, x, mu=None, kappa=1):
    g = np.reshape(d[y] * y, np.shape(x)[:-1])
    k = np.shape(mu)[0]
    d[x] = np.expand_dims(g * kappa, -1) * mu
    d[mu] = kappa * np.reshape(np.tensordot(g, x, np.ndim(g)), np.shape(mu))
    d[kappa] = np.sum(g * (np.sum(x * mu, axis=-1)
                           - scipy.special.ive(0.5 * k, kappa)
                           / scipy.special.ive(0.5 * k - 1.0, kappa)))


@tangent(scipy.stats.vonmises_fisher.pdf)
def vonmises_fisher_pdf_tangent(y, x, mu=None, kappa=1):
    k = np.shape(mu)[0]
    d[y] = y * np.reshape(kappa * np.sum(d[x] * mu, axis=-1), np.shape(y))
    d[y] = y * np.reshape(kappa * np.sum(x * d[mu], axis=-1), np.shape(y))
    d[y] = y * np.reshape(d[kappa] * (np.sum(x * mu, axis=-1)
                                      - scipy.special.ive(0.5 * k, kappa)
                                      / scipy.special.ive(0.5 * k - 1.0, kappa)), np.shape(y))


# ---------------------------------------------------------------------------------------------
# The matrix t distribution (SciPy 1.17 and later; X of shape (..., m, n)).  With
# R = X - mean, S = row_spread^-1 R, K = col_spread + R^T S, P = S K^-1 and
# c = (df + m + n - 1) / 2: logpdf = -c log det K + (c - m / 2) log det col_spread
# - n / 2 log det row_spread + multigammaln(c, n) - multigammaln(c - m / 2, n) + constant, so
# d/dX = -2 c P, d/drow_spread = c P S^T - n / 2 row_spread^-1 and
# d/dcol_spread = (c - m / 2) col_spread^-1 - c K^-1.

if hasattr(scipy.stats, "matrix_t"):
    @adjoint(scipy.stats.matrix_t.logpdf)
    def matrix_t_logpdf(y, X, mean=None, row_spread=1, col_spread=1, df=1):
        xs = np.reshape(X, matrix_points_shape("matrix_t", X, row_spread, col_spread))
        m = np.shape(row_spread)[0]
        n = np.shape(col_spread)[0]
        if mean is None:
            s = np.linalg.inv(row_spread) @ xs
            k = col_spread + np.swapaxes(xs, -1, -2) @ s
        else:
            s = np.linalg.inv(row_spread) @ (xs - mean)
            k = col_spread + np.swapaxes(xs - mean, -1, -2) @ s
        c = 0.5 * (df + m + n - 1.0)
        g = np.reshape(d[y], (-1,))
        d[X] = np.reshape(np.einsum("a,aij->aij", -2.0 * c * g, s @ np.linalg.inv(k)),
                          np.shape(X))
        d[mean] = np.einsum("a,aij->ij", 2.0 * c * g, s @ np.linalg.inv(k))
        d[row_spread] = (c * np.einsum("a,aij,akj->ik", g, s @ np.linalg.inv(k), s)
                         - 0.5 * n * np.sum(g) * np.linalg.inv(row_spread))
        d[col_spread] = ((c - 0.5 * m) * np.sum(g) * np.linalg.inv(col_spread)
                         - c * np.einsum("a,aij->ij", g, np.linalg.inv(k)))
        d[df] = 0.5 * np.sum(g * (np.linalg.slogdet(col_spread)[1] - np.linalg.slogdet(k)[1]
                                  + multipolygamma(0, c, n)
                                  - multipolygamma(0, c - 0.5 * m, n)))

    @tangent(scipy.stats.matrix_t.logpdf)
    def matrix_t_logpdf_tangent(y, X, mean=None, row_spread=1, col_spread=1, df=1):
        shape = matrix_points_shape("matrix_t", X, row_spread, col_spread)
        m = np.shape(row_spread)[0]
        n = np.shape(col_spread)[0]
        if mean is None:
            s = np.linalg.inv(row_spread) @ np.reshape(X, shape)
            k = col_spread + np.swapaxes(np.reshape(X, shape), -1, -2) @ s
        else:
            s = np.linalg.inv(row_spread) @ (np.reshape(X, shape) - mean)
            k = col_spread + np.swapaxes(np.reshape(X, shape) - mean, -1, -2) @ s
        c = 0.5 * (df + m + n - 1.0)
        d[y] = np.reshape(-2.0 * c * np.einsum("aij,aij->a", s @ np.linalg.inv(k),
                                               np.reshape(d[X], shape)), np.shape(y))
        d[y] = np.reshape(2.0 * c * np.einsum("aij,ij->a", s @ np.linalg.inv(k), d[mean]),
                          np.shape(y))
        d[y] = np.reshape(c * np.einsum("aij,akj,ik->a", s @ np.linalg.inv(k), s,
                                        d[row_spread])
                          - 0.5 * n * np.sum(np.linalg.inv(row_spread) * d[row_spread]),
                          np.shape(y))
        d[y] = np.reshape((c - 0.5 * m) * np.sum(np.linalg.inv(col_spread) * d[col_spread])
                          - c * np.einsum("aij,ij->a", np.linalg.inv(k), d[col_spread]),
                          np.shape(y))
        d[y] = np.reshape(0.5 * d[df] * (np.linalg.slogdet(col_spread)[1]
                                         - np.linalg.slogdet(k)[1] + multipolygamma(0, c, n)
                                         - multipolygamma(0, c - 0.5 * m, n)), np.shape(y))

    @adjoint(scipy.stats.matrix_t.pdf)
    def matrix_t_pdf(y, X, mean=None, row_spread=1, col_spread=1, df=1):
        xs = np.reshape(X, matrix_points_shape("matrix_t", X, row_spread, col_spread))
        m = np.shape(row_spread)[0]
        n = np.shape(col_spread)[0]
        if mean is None:
            s = np.linalg.inv(row_spread) @ xs
            k = col_spread + np.swapaxes(xs, -1, -2) @ s
        else:
            s = np.linalg.inv(row_spread) @ (xs - mean)
            k = col_spread + np.swapaxes(xs - mean, -1, -2) @ s
        c = 0.5 * (df + m + n - 1.0)
        g = np.reshape(d[y] * y, (-1,))
        d[X] = np.reshape(np.einsum("a,aij->aij", -2.0 * c * g, s @ np.linalg.inv(k)),
                          np.shape(X))
        d[mean] = np.einsum("a,aij->ij", 2.0 * c * g, s @ np.linalg.inv(k))
        d[row_spread] = (c * np.einsum("a,aij,akj->ik", g, s @ np.linalg.inv(k), s)
                         - 0.5 * n * np.sum(g) * np.linalg.inv(row_spread))
        d[col_spread] = ((c - 0.5 * m) * np.sum(g) * np.linalg.inv(col_spread)
                         - c * np.einsum("a,aij->ij", g, np.linalg.inv(k)))
        d[df] = 0.5 * np.sum(g * (np.linalg.slogdet(col_spread)[1] - np.linalg.slogdet(k)[1]
                                  + multipolygamma(0, c, n)
                                  - multipolygamma(0, c - 0.5 * m, n)))

    @tangent(scipy.stats.matrix_t.pdf)
    def matrix_t_pdf_tangent(y, X, mean=None, row_spread=1, col_spread=1, df=1):
        shape = matrix_points_shape("matrix_t", X, row_spread, col_spread)
        m = np.shape(row_spread)[0]
        n = np.shape(col_spread)[0]
        if mean is None:
            s = np.linalg.inv(row_spread) @ np.reshape(X, shape)
            k = col_spread + np.swapaxes(np.reshape(X, shape), -1, -2) @ s
        else:
            s = np.linalg.inv(row_spread) @ (np.reshape(X, shape) - mean)
            k = col_spread + np.swapaxes(np.reshape(X, shape) - mean, -1, -2) @ s
        c = 0.5 * (df + m + n - 1.0)
        d[y] = y * np.reshape(-2.0 * c * np.einsum("aij,aij->a", s @ np.linalg.inv(k),
                                                   np.reshape(d[X], shape)), np.shape(y))
        d[y] = y * np.reshape(2.0 * c * np.einsum("aij,ij->a", s @ np.linalg.inv(k),
                                                  d[mean]), np.shape(y))
        d[y] = y * np.reshape(c * np.einsum("aij,akj,ik->a", s @ np.linalg.inv(k), s,
                                            d[row_spread])
                              - 0.5 * n * np.sum(np.linalg.inv(row_spread) * d[row_spread]),
                              np.shape(y))
        d[y] = y * np.reshape((c - 0.5 * m) * np.sum(np.linalg.inv(col_spread)
                                                     * d[col_spread])
                              - c * np.einsum("aij,ij->a", np.linalg.inv(k), d[col_spread]),
                              np.shape(y))
        d[y] = y * np.reshape(0.5 * d[df] * (np.linalg.slogdet(col_spread)[1]
                                             - np.linalg.slogdet(k)[1]
                                             + multipolygamma(0, c, n)
                                             - multipolygamma(0, c - 0.5 * m, n)), np.shape(y))


# ---------------------------------------------------------------------------------------------
# The multivariate normal's distribution function, in x and mean: SciPy integrates it
# numerically (Genz's method); its derivative in x_i is the normal density of x_i times the
# distribution function of the other components given x_i (runtime's mvn_cdf_gradient, from
# SciPy's own cdf with the same tolerances), in mean its opposite.  In cov: refused.  First
# derivatives only (mvn_cdf_gradient's rules refuse).

@adjoint(mvn_cdf_gradient)
def mvn_cdf_gradient_adjoint(z, x, mean, cov, allow_singular=False, maxpts=None,
                             abseps=1e-5, releps=1e-5, lower_limit=None, rng=None):
    d[x] = refuse_mvn_cdf_twice(d[z])
    d[mean] = refuse_mvn_cdf_twice(d[z])
    d[cov] = refuse_mvn_cdf_twice(d[z])


@tangent(mvn_cdf_gradient)
def mvn_cdf_gradient_tangent(z, x, mean, cov, allow_singular=False, maxpts=None,
                             abseps=1e-5, releps=1e-5, lower_limit=None, rng=None):
    d[z] = refuse_mvn_cdf_twice(d[x])
    d[z] = refuse_mvn_cdf_twice(d[mean])
    d[z] = refuse_mvn_cdf_twice(d[cov])


@adjoint(scipy.stats.multivariate_normal.cdf)
def mvn_cdf(y, x, mean=None, cov=1, allow_singular=False, maxpts=None, abseps=1e-05,
            releps=1e-05, *, lower_limit=None, rng=None):
    slope = mvn_cdf_gradient(x, mean, cov, allow_singular, maxpts, abseps, releps,
                             lower_limit, rng)
    g = np.expand_dims(np.reshape(d[y], np.shape(slope)[:-1]), -1) * slope
    d[x] = np.reshape(g, np.shape(x))
    d[mean] = unbroadcast(-g, mean)
    d[cov] = refuse_mvn_cdf_cov(d[y])


@tangent(scipy.stats.multivariate_normal.cdf)
def mvn_cdf_tangent(y, x, mean=None, cov=1, allow_singular=False, maxpts=None, abseps=1e-05,
                    releps=1e-05, *, lower_limit=None, rng=None):
    slope = mvn_cdf_gradient(x, mean, cov, allow_singular, maxpts, abseps, releps,
                             lower_limit, rng)
    d[y] = np.reshape(np.sum(np.reshape(d[x], np.shape(slope)) * slope, axis=-1), np.shape(y))
    d[y] = np.reshape(-np.sum(d[mean] * slope, axis=-1), np.shape(y))
    d[y] = refuse_mvn_cdf_cov(d[cov])


@adjoint(scipy.stats.multivariate_normal.logcdf)
def mvn_logcdf(y, x, mean=None, cov=1, allow_singular=False, maxpts=None, abseps=1e-05,
               releps=1e-05, *, lower_limit=None, rng=None):
    slope = mvn_cdf_gradient(x, mean, cov, allow_singular, maxpts, abseps, releps,
                             lower_limit, rng)
    g = np.expand_dims(np.reshape(d[y] * np.exp(-y), np.shape(slope)[:-1]), -1) * slope
    d[x] = np.reshape(g, np.shape(x))
    d[mean] = unbroadcast(-g, mean)
    d[cov] = refuse_mvn_cdf_cov(d[y])


@tangent(scipy.stats.multivariate_normal.logcdf)
def mvn_logcdf_tangent(y, x, mean=None, cov=1, allow_singular=False, maxpts=None,
                       abseps=1e-05, releps=1e-05, *, lower_limit=None, rng=None):
    slope = mvn_cdf_gradient(x, mean, cov, allow_singular, maxpts, abseps, releps,
                             lower_limit, rng)
    d[y] = np.exp(-y) * np.reshape(np.sum(np.reshape(d[x], np.shape(slope)) * slope,
                                          axis=-1), np.shape(y))
    d[y] = np.exp(-y) * np.reshape(-np.sum(d[mean] * slope, axis=-1), np.shape(y))
    d[y] = refuse_mvn_cdf_cov(d[cov])


# ---------------------------------------------------------------------------------------------
# The multivariate t's distribution function, in x and loc, likewise: the derivative in x_i
# is the t density of x_i times the distribution function of the others given x_i, a t of
# df + 1 degrees of freedom (runtime's mvt_cdf_gradient).  In shape and df: refused.  First
# derivatives only.

@adjoint(mvt_cdf_gradient)
def mvt_cdf_gradient_adjoint(z, x, loc, shape, df, allow_singular=False, maxpts=None,
                             lower_limit=None, random_state=None):
    d[x] = refuse_mvt_cdf_twice(d[z])
    d[loc] = refuse_mvt_cdf_twice(d[z])
    d[shape] = refuse_mvt_cdf_twice(d[z])
    d[df] = refuse_mvt_cdf_twice(d[z])


@tangent(mvt_cdf_gradient)
def mvt_cdf_gradient_tangent(z, x, loc, shape, df, allow_singular=False, maxpts=None,
                             lower_limit=None, random_state=None):
    d[z] = refuse_mvt_cdf_twice(d[x])
    d[z] = refuse_mvt_cdf_twice(d[loc])
    d[z] = refuse_mvt_cdf_twice(d[shape])
    d[z] = refuse_mvt_cdf_twice(d[df])


@adjoint(scipy.stats.multivariate_t.cdf)
def mvt_cdf(y, x, loc=None, shape=1, df=1, allow_singular=False, *, maxpts=None,
            lower_limit=None, random_state=None):
    slope = mvt_cdf_gradient(x, loc, shape, df, allow_singular, maxpts, lower_limit,
                             random_state)
    g = np.expand_dims(np.reshape(d[y], np.shape(slope)[:-1]), -1) * slope
    d[x] = np.reshape(g, np.shape(x))
    d[loc] = unbroadcast(-g, loc)
    d[shape] = refuse_mvt_cdf(d[y])
    d[df] = refuse_mvt_cdf(d[y])


@tangent(scipy.stats.multivariate_t.cdf)
def mvt_cdf_tangent(y, x, loc=None, shape=1, df=1, allow_singular=False, *, maxpts=None,
                    lower_limit=None, random_state=None):
    slope = mvt_cdf_gradient(x, loc, shape, df, allow_singular, maxpts, lower_limit,
                             random_state)
    d[y] = np.reshape(np.sum(np.reshape(d[x], np.shape(slope)) * slope, axis=-1), np.shape(y))
    d[y] = np.reshape(-np.sum(d[loc] * slope, axis=-1), np.shape(y))
    d[y] = refuse_mvt_cdf(d[shape])
    d[y] = refuse_mvt_cdf(d[df])
