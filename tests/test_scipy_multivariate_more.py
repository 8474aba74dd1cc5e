"""scipy.stats' multivariate densities and masses beyond the normal's and the Dirichlet's
(templates/scipy_multivariate_more.py; their rule cases are in
tests/rule_cases/scipy_multivariate_more.py): the frozen forms in every mode against central
finite differences (``check_every_mode``: the generated functions' values are ``f``'s own),
the symmetric convention of the matrix parameters, the integer distributions as constants,
``multivariate_normal.cdf`` in x and mean, and the refusals (a matrix parameter given as a
number, points as diagonals, ``df=np.inf``, ``allow_singular=True``, the normal's and the t's cdf
in their matrices (and df), with ``lower_limit=``, or twice, a frozen ``normal_inverse_gamma``)."""
from __future__ import annotations

import inspect

import numpy as np
import pytest
from support import check_every_mode, numerical_grad

import tangentlike
from tangentlike.errors import ValueRefusedError

pytest.importorskip("scipy")
import scipy.stats  # noqa: E402

POINTS = np.array([[0.1, 0.5], [-0.3, 0.2], [1.0, -0.4]])
COUNTS = np.array([[1, 2, 2], [0, 5, 0]])
X2 = np.array([[1.4, 0.3], [0.3, 0.9]])


def _spd(p):
    c = np.reshape(p, (2, 2))
    return c @ c.T + np.eye(2)


def frozen_multinomial(p):
    z = np.exp(p[:3])
    d = scipy.stats.multinomial(5, z / np.sum(z))
    return np.sum(d.logpmf(COUNTS)) + d.pmf(np.array([2, 2, 1]))


def frozen_dirichlet_multinomial(p):
    d = scipy.stats.dirichlet_multinomial(np.exp(p[:3]), 5)
    return np.sum(d.logpmf(COUNTS)) + scipy.stats.dirichlet_multinomial(
        np.exp(p[:3]), 2).pmf(np.array([1, 0, 1]))


def frozen_wishart(p):
    scale = _spd(p[:4])
    d = scipy.stats.wishart(3.5 + p[4] ** 2, scale)
    x = _spd(p[::-1][:4])
    return d.logpdf(x) + scipy.stats.invwishart(4.0 + p[4] ** 2, scale).pdf(x)


def frozen_multivariate_t(p):
    d = scipy.stats.multivariate_t(p[:2], _spd(p[2:6]), df=3.0 + p[6] ** 2)
    return np.sum(d.logpdf(POINTS)) + d.pdf(POINTS[0] * p[0])


def frozen_matrix_normal(p):
    d = scipy.stats.matrix_normal(np.reshape(p[:4], (2, 2)), rowcov=_spd(p[4:8]),
                                  colcov=_spd(p[2:6]))
    return d.logpdf(X2) + d.pdf(X2 * p[0])


def frozen_vonmises_fisher(p):
    mu = p[:3] / np.linalg.norm(p[:3])
    d = scipy.stats.vonmises_fisher(mu, 1.5 + p[3] ** 2)
    x = np.reshape(p[4:], (2, 3))
    return np.sum(d.logpdf(x / np.linalg.norm(x, axis=-1, keepdims=True)))


def normal_inverse_gamma(p):
    return np.sum(scipy.stats.normal_inverse_gamma.logpdf(
        p[:2], 1.0 + p[2:4] ** 2, p[4], lmbda=1.0 + p[5] ** 2, a=2.0, b=1.0 + p[4] ** 2))


def frozen_mvn_cdf(p):
    d = scipy.stats.multivariate_normal(p[:2], np.array([[1.2, 0.3], [0.3, 0.8]]))
    return np.sum(d.cdf(POINTS * p[2])) + np.sum(d.logcdf(POINTS))


def integer_distributions(p):
    constant = (scipy.stats.multivariate_hypergeom.pmf(np.array([1, 2]), np.array([3, 4]), 3)
                + scipy.stats.random_table.logpmf(np.array([[1, 2], [2, 0]]),
                                                  np.array([3, 2]), np.array([3, 2])))
    return np.sum(p ** 2) * constant


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("f, x", [
    (frozen_multinomial, np.array([0.2, -0.4, 0.6])),
    (frozen_dirichlet_multinomial, np.array([0.2, -0.4, 0.6])),
    (frozen_wishart, np.array([0.5, -0.2, 0.3, 0.4, 0.7])),
    (frozen_multivariate_t, np.array([0.1, -0.2, 0.5, -0.2, 0.3, 0.4, 0.8])),
    (frozen_matrix_normal, np.array([0.1, -0.2, 0.5, -0.2, 0.3, 0.4, 0.8, 0.2])),
    (frozen_vonmises_fisher, np.array([0.3, -0.5, 0.8, 0.6, 0.2, 0.9, -0.1, -0.4, 0.3, 0.7])),
    (normal_inverse_gamma, np.array([0.3, -0.5, 0.8, 0.6, 0.2, 0.9])),
    (integer_distributions, np.array([0.3, -0.5]))])
def test_every_mode(f, x, optimized):
    v = np.linspace(-1.0, 1.0, x.size) + 0.3
    check_every_mode(f, x, v, hvp=optimized, optimized=optimized)


@pytest.mark.parametrize("optimized", [True, False])
def test_multivariate_normal_cdf_in_x_and_mean(optimized):
    """First derivatives (the helper's rules refuse second ones: below)."""
    check_every_mode(frozen_mvn_cdf, np.array([0.2, -0.3, 1.1]), np.array([0.3, 1.0, -0.5]),
                     hvp=False, optimized=optimized)


@pytest.mark.skipif("rng" not in inspect.signature(scipy.stats.multivariate_normal.cdf)
                    .parameters,
                    reason="this SciPy's cdf takes no rng= (three dimensions are random)")
def test_multivariate_normal_cdf_three_dimensions_to_scipys_tolerance():
    """In three dimensions SciPy integrates by randomized quasi-Monte Carlo (abseps=1e-5):
    the derivative is accurate to that tolerance."""
    cov = np.array([[1.5, 0.3, 0.2], [0.3, 1.0, 0.1], [0.2, 0.1, 0.8]])

    def f(x):
        return np.sum(scipy.stats.multivariate_normal.cdf(x, np.zeros(3), cov, rng=0))

    x = np.array([[0.4, 0.2, -0.1], [1.0, -0.5, 0.3]])
    expected = numerical_grad(f, [x], eps=1e-4)[0]
    np.testing.assert_allclose(tangentlike.grad(f)(x), expected, atol=1e-5)
    np.testing.assert_allclose(
        tangentlike.autodiff(f, mode="forward")(x, np.ones_like(x)), np.sum(expected),
        atol=5e-5)


def wishart_of(x, scale):
    return scipy.stats.wishart.logpdf(x, 4.5, scale) + scipy.stats.invwishart.logpdf(
        x, 5.0, scale)


def matrix_normal_of(rowcov, colcov):
    return scipy.stats.matrix_normal.logpdf(X2, np.zeros((2, 2)), rowcov, colcov)


@pytest.mark.parametrize("f, args", [
    (wishart_of, (X2, np.array([[1.1, -0.2], [-0.2, 0.7]]))),
    (matrix_normal_of, (np.array([[1.1, -0.2], [-0.2, 0.7]]), X2))])
def test_matrix_gradients_are_symmetric(f, args):
    """SciPy reads one triangle (Cholesky, eigh): the gradient is the symmetric G with
    <G, E> the derivative along every symmetric E, a forward tangent its symmetric part."""
    grads = tangentlike.grad(f, wrt=(0, 1))(*args)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, g.T, rtol=1e-12)
        jf = tangentlike.autodiff(f, mode="forward", wrt=(i,))
        for e in (np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])):
            h = 1e-6
            plus, minus = list(args), list(args)
            plus[i], minus[i] = args[i] + h * e, args[i] - h * e
            fd = (f(*plus) - f(*minus)) / (2 * h)
            np.testing.assert_allclose(np.sum(g * e), fd, rtol=1e-6)
            np.testing.assert_allclose(jf(*args, e), fd, rtol=1e-6)


def wishart_number_scale(x):
    return scipy.stats.wishart.logpdf(1.0 + x[0] ** 2, 4.0, 2.0)


def wishart_diagonal_points(x):
    return scipy.stats.wishart.logpdf(1.0 + x ** 2, 4.0, np.eye(4))


def mvt_normal_df(x):
    return np.sum(scipy.stats.multivariate_t.logpdf(POINTS, x[:2], np.eye(2), df=np.inf))


def mvt_singular(x):
    return np.sum(scipy.stats.multivariate_t.pdf(POINTS, x[:2], np.eye(2),
                                                 allow_singular=True))


def matrix_normal_number_rowcov(x):
    return scipy.stats.matrix_normal.logpdf(np.reshape(x, (2, 2)), np.zeros((2, 2)),
                                            rowcov=2.0, colcov=np.eye(2))


def mvn_cdf_in_cov(x):
    return np.sum(scipy.stats.multivariate_normal.cdf(POINTS, np.zeros(2), _spd(x)))


def mvt_cdf_in_shape(x):
    return np.sum(scipy.stats.multivariate_t.cdf(POINTS, np.zeros(2), _spd(x), df=3.0,
                                                 random_state=0))


def mvt_cdf_in_df(x):
    return np.sum(scipy.stats.multivariate_t.cdf(POINTS, np.zeros(2), np.eye(2),
                                                 df=3.0 + x[0] ** 2, random_state=0))


def mvn_cdf_box(x):
    return np.sum(scipy.stats.multivariate_normal.cdf(POINTS, x[:2], np.eye(2),
                                                      lower_limit=np.array([-1.0, -2.0])))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, x, words", [
    (wishart_number_scale, np.array([0.5, -0.2, 0.3, 0.4]), "square matrix"),
    (wishart_diagonal_points, np.array([0.5, -0.2, 0.3, 0.4]), r"\(4, 4\) matrix"),
    (mvt_normal_df, np.array([0.5, -0.2]), "finite df"),
    (mvt_singular, np.array([0.5, -0.2]), "allow_singular=False"),
    (matrix_normal_number_rowcov, np.array([0.5, -0.2, 0.3, 0.4]), "square matrix"),
    (mvn_cdf_in_cov, np.array([0.5, -0.2, 0.3, 0.4]), "not in cov"),
    (mvn_cdf_box, np.array([0.5, -0.2]), "lower_limit=None"),
    (mvt_cdf_in_shape, np.array([0.5, -0.2, 0.3, 0.4]), "not in shape or df"),
    (mvt_cdf_in_df, np.array([0.5, -0.2]), "not in shape or df")])
def test_refused(f, x, words, mode):
    try:
        f(x)  # SciPy computes each (the refusal is tangentlike's)
    except TypeError:  # SciPy 1.15's multivariate_t with df=np.inf
        pytest.skip("this SciPy fails on the function itself")
    if mode == "reverse":
        df = tangentlike.grad(f)
    else:
        df = tangentlike.autodiff(f, mode="forward")
    args = (x,) if mode == "reverse" else (x, np.ones_like(x))
    with pytest.raises(ValueRefusedError, match=words):
        df(*args)


def mvt_cdf(x):
    return np.sum(scipy.stats.multivariate_t.cdf(POINTS * x[2], x[:2], np.eye(2), df=3.0,
                                                 random_state=0))


@pytest.mark.parametrize("f", [frozen_mvn_cdf, mvt_cdf])
def test_distribution_functions_twice_are_refused(f):
    with pytest.raises(ValueRefusedError, match="first derivatives"):
        tangentlike.hvp(f)(np.array([0.2, -0.3, 1.1]), np.ones(3))


def frozen_normal_inverse_gamma(x):
    d = scipy.stats.normal_inverse_gamma(x[0], 1.5, 2.0, 0.8)
    return np.sum(d.logpdf(np.array([0.3, 0.1]), 1.2))


def test_frozen_normal_inverse_gamma_is_refused_by_name():
    """Its frozen methods take two points (x, s2), not one: written as the distribution's
    own method with the parameters it works (the rule cases)."""
    with pytest.raises(tangentlike.NoDerivativeError,
                       match=r"normal_inverse_gamma\(...\) makes a frozen distribution"):
        tangentlike.grad(frozen_normal_inverse_gamma)(np.array([0.2]))
