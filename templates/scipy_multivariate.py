"""scipy.stats' multivariate densities: ``multivariate_normal.logpdf / pdf`` (in x, mean and
cov) and ``dirichlet.logpdf / pdf`` (in x and alpha).  SciPy is optional: tangentlike/templates
imports this module only when SciPy is installed.  The frozen forms
(``multivariate_normal(mean, cov).logpdf(x)``) are rewritten into these calls by
frontend/distributions.py.

multivariate_normal: with ``r = x - mean`` (the points as rows, the shape SciPy gives them:
runtime/stats.py's ``mvn_points_shape``), ``P = inv(cov)`` and ``s = r P``,
``logpdf = -(k log(2 pi) + log det cov + r P r) / 2``, so ``d/dx = -s``, ``d/dmean = s`` and
``d/dcov = (s s^T - P) / 2``, summed over the points.  That gradient in ``cov`` is symmetric:
it is the derivative along symmetric perturbations of ``cov`` (SciPy reads one triangle of the
matrix), autograd's convention; a tangent ``dcov`` counts as its symmetric part.  The
covariance is a matrix (not a number or a vector of variances), and ``allow_singular=True`` is
refused when differentiated.

dirichlet: ``logpdf = sum_i (alpha_i - 1) log x_i + gammaln(sum alpha) - sum gammaln(alpha)``,
the components along x's first axis; x has all ``K`` components (SciPy also takes ``K - 1``
rows and completes them: refused when differentiated).
"""
import numpy as np
import scipy.special
import scipy.stats

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.stats import dirichlet_points_shape, leading_rows, mvn_points_shape

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(mvn_points_shape, dirichlet_points_shape, leading_rows)


# ---------------------------------------------------------------------------------------------
# The multivariate normal distribution.

@adjoint(scipy.stats.multivariate_normal.logpdf)
def mvn_logpdf(y, x, mean=None, cov=1, allow_singular=False):
    points = np.reshape(x, mvn_points_shape(x, cov, allow_singular))
    if mean is None:
        s = points @ np.linalg.inv(cov)
    else:
        s = (points - mean) @ np.linalg.inv(cov)
    g = np.expand_dims(np.reshape(d[y], np.shape(s)[:-1]), -1)
    d[x] = np.reshape(-g * s, np.shape(x))
    d[mean] = unbroadcast(g * s, mean)
    rows = np.reshape(s, (-1, np.shape(s)[-1]))
    d[cov] = 0.5 * (np.transpose(np.reshape(g * s, np.shape(rows))) @ rows
                    - np.sum(g) * np.linalg.inv(cov))


@tangent(scipy.stats.multivariate_normal.logpdf)
def mvn_logpdf_tangent(y, x, mean=None, cov=1, allow_singular=False):
    points = np.reshape(x, mvn_points_shape(x, cov, allow_singular))
    if mean is None:
        s = points @ np.linalg.inv(cov)
    else:
        s = (points - mean) @ np.linalg.inv(cov)
    d[y] = np.reshape(-np.sum(np.reshape(d[x], np.shape(s)) * s, axis=-1), np.shape(y))
    d[y] = np.reshape(np.sum(d[mean] * s, axis=-1), np.shape(y))
    d[y] = np.reshape(0.5 * (np.einsum("...i,ij,...j->...", s, d[cov], s)
                             - np.sum(np.linalg.inv(cov) * d[cov])), np.shape(y))


@adjoint(scipy.stats.multivariate_normal.pdf)
def mvn_pdf(y, x, mean=None, cov=1, allow_singular=False):
    points = np.reshape(x, mvn_points_shape(x, cov, allow_singular))
    if mean is None:
        s = points @ np.linalg.inv(cov)
    else:
        s = (points - mean) @ np.linalg.inv(cov)
    g = np.expand_dims(np.reshape(d[y] * y, np.shape(s)[:-1]), -1)
    d[x] = np.reshape(-g * s, np.shape(x))
    d[mean] = unbroadcast(g * s, mean)
    rows = np.reshape(s, (-1, np.shape(s)[-1]))
    d[cov] = 0.5 * (np.transpose(np.reshape(g * s, np.shape(rows))) @ rows
                    - np.sum(g) * np.linalg.inv(cov))


@tangent(scipy.stats.multivariate_normal.pdf)
def mvn_pdf_tangent(y, x, mean=None, cov=1, allow_singular=False):
    points = np.reshape(x, mvn_points_shape(x, cov, allow_singular))
    if mean is None:
        s = points @ np.linalg.inv(cov)
    else:
        s = (points - mean) @ np.linalg.inv(cov)
    d[y] = y * np.reshape(-np.sum(np.reshape(d[x], np.shape(s)) * s, axis=-1), np.shape(y))
    d[y] = y * np.reshape(np.sum(d[mean] * s, axis=-1), np.shape(y))
    d[y] = y * np.reshape(0.5 * (np.einsum("...i,ij,...j->...", s, d[cov], s)
                                 - np.sum(np.linalg.inv(cov) * d[cov])), np.shape(y))


# ---------------------------------------------------------------------------------------------
# The Dirichlet distribution (components along x's first axis; alpha broadcast along it
# through transposes).

@adjoint(scipy.stats.dirichlet.logpdf)
def dirichlet_logpdf(y, x, alpha):
    xs = np.reshape(x, dirichlet_points_shape(x, alpha))
    g = np.reshape(d[y], np.shape(xs)[1:])
    d[x] = g * np.transpose((alpha - 1.0) / np.transpose(xs))
    d[alpha] = (np.sum(np.reshape(g * np.log(xs), leading_rows(xs)), axis=1)
                + np.sum(g) * (scipy.special.digamma(np.sum(alpha))
                               - scipy.special.digamma(alpha)))


@tangent(scipy.stats.dirichlet.logpdf)
def dirichlet_logpdf_tangent(y, x, alpha):
    xs = np.reshape(x, dirichlet_points_shape(x, alpha))
    d[y] = np.reshape(np.sum(d[x] * np.transpose((alpha - 1.0) / np.transpose(xs)), axis=0),
                      np.shape(y))
    d[y] = np.reshape(np.sum(np.transpose(d[alpha] * np.transpose(np.log(xs))), axis=0)
                      + np.sum(d[alpha]) * scipy.special.digamma(np.sum(alpha))
                      - np.sum(d[alpha] * scipy.special.digamma(alpha)), np.shape(y))


@adjoint(scipy.stats.dirichlet.pdf)
def dirichlet_pdf(y, x, alpha):
    xs = np.reshape(x, dirichlet_points_shape(x, alpha))
    g = np.reshape(d[y] * y, np.shape(xs)[1:])
    d[x] = g * np.transpose((alpha - 1.0) / np.transpose(xs))
    d[alpha] = (np.sum(np.reshape(g * np.log(xs), leading_rows(xs)), axis=1)
                + np.sum(g) * (scipy.special.digamma(np.sum(alpha))
                               - scipy.special.digamma(alpha)))


@tangent(scipy.stats.dirichlet.pdf)
def dirichlet_pdf_tangent(y, x, alpha):
    xs = np.reshape(x, dirichlet_points_shape(x, alpha))
    d[y] = y * np.reshape(np.sum(d[x] * np.transpose((alpha - 1.0) / np.transpose(xs)), axis=0),
                          np.shape(y))
    d[y] = y * np.reshape(np.sum(np.transpose(d[alpha] * np.transpose(np.log(xs))), axis=0)
                          + np.sum(d[alpha]) * scipy.special.digamma(np.sum(alpha))
                          - np.sum(d[alpha] * scipy.special.digamma(alpha)), np.shape(y))
