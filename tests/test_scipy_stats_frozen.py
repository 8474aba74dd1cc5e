"""scipy.stats' frozen and multivariate distributions differentiated in their parameters (issue
17, item 5), and logsumexp's ``b=`` and ``return_sign=True``: reverse mode, forward mode and
Hessian-vector products against central finite differences (``check_every_mode``: the
generated functions' values are ``f``'s own), autograd where it has the function, and the
refusals (a distribution function in a shape parameter, ``allow_singular=True``, a covariance
that is not a matrix, Dirichlet points without their last component)."""
from __future__ import annotations

import numpy as np
import pytest
from support import check_every_mode, check_grad

import tangentlike
from tangentlike.errors import ValueRefusedError

pytest.importorskip("scipy")
import scipy.special  # noqa: E402
import scipy.stats  # noqa: E402

XS = np.array([0.3, -0.7, 1.1, 0.2])


def frozen_norm(p):
    d = scipy.stats.norm(p[0], 1.0 + p[1] ** 2)
    return np.sum(d.logpdf(XS)) + np.sum(d.cdf(XS)) + np.sum(d.logsf(XS))


def frozen_by_keyword(p):
    return np.sum(scipy.stats.t(3.0 + p[0] ** 2, loc=p[1], scale=1.5).pdf(XS))


def frozen_shapes(p):
    d = scipy.stats.gamma(2.0 + p[0], loc=-1.0, scale=1.0 + p[1] ** 2)
    b = scipy.stats.beta(1.5 + p[0] ** 2, 2.0 + p[1] ** 2)
    return np.sum(d.logpdf(XS) + d.pdf(XS)) + np.sum(b.logpdf(0.25 + 0.1 * XS))


def frozen_cdf_in_x(p):
    d = scipy.stats.gamma(2.5, loc=p[0], scale=1.5)
    return np.sum(d.logcdf(XS + 2.0)) + np.sum(scipy.stats.t(4.0).sf(XS * p[1]))


def frozen_discrete(p):
    k = np.array([0, 3, 1, 2])
    return (np.sum(scipy.stats.poisson(1.0 + p[0] ** 2).logpmf(k))
            + np.sum(scipy.stats.binom(5, 0.5 + 0.1 * p[1]).pmf(k)))


def frozen_snapshot(p):
    m = p[0] * 2.0
    d = scipy.stats.norm(np.sin(m), np.exp(p[1]))
    m = m + 5.0  # d keeps the values it was made with
    return np.sum(d.logpdf(XS)) + m


def frozen_in_loop(p):
    total = 0.0
    for i in range(2):
        d = scipy.stats.norm(p[i], scale=1.0 + p[i] ** 2)
        total = total + np.sum(d.logcdf(XS))
    return total


MEAN_COV = np.array([0.1, -0.2, 0.3, 0.1, -0.2, 0.4])
POINTS = np.array([[0.1, 0.5], [-0.3, 0.2], [1.0, -0.4]])


def _cov(p):
    c = np.reshape(p[2:6], (2, 2))
    return c @ c.T + np.eye(2)


def frozen_mvn(p):
    d = scipy.stats.multivariate_normal(p[:2], _cov(p), seed=0)
    return np.sum(d.logpdf(POINTS)) + d.pdf(POINTS[0])


def mvn_in_x(p):
    return np.sum(scipy.stats.multivariate_normal.logpdf(np.reshape(p[:6], (3, 2)) ** 3,
                                                         cov=_cov(MEAN_COV)))


def frozen_dirichlet(p):
    z = np.exp(p[:3])
    return (scipy.stats.dirichlet(np.exp(p[3:])).logpdf(z / np.sum(z))
            + scipy.stats.dirichlet.pdf(z / np.sum(z), np.exp(p[3:])))


def logsumexp_signed(p):
    y, sign = scipy.special.logsumexp(p[:3], b=np.array([1.0, -2.0, 0.5]) * p[3:],
                                      return_sign=True)
    return y * sign + y ** 2


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("f, x", [
    (frozen_norm, np.array([0.2, 0.9])), (frozen_by_keyword, np.array([0.4, 0.3])),
    (frozen_shapes, np.array([0.3, 0.6])), (frozen_cdf_in_x, np.array([0.2, 0.8])),
    (frozen_discrete, np.array([0.7, 0.5])), (frozen_snapshot, np.array([0.3, -0.2])),
    (frozen_mvn, MEAN_COV),
    (mvn_in_x, np.array([0.1, 0.5, -0.3, 0.2, 1.0, -0.4])),
    (frozen_dirichlet, np.array([0.1, -0.3, 0.4, 0.5, 1.0, 0.2])),
    (logsumexp_signed, np.array([0.2, -0.4, 0.9, 1.0, 1.3, 0.8]))])
def test_every_mode(f, x, optimized):
    v = np.linspace(-1.0, 1.0, x.size) + 0.3
    check_every_mode(f, x, v, hvp=optimized, optimized=optimized)


def mvn_of_cov(mean, cov):
    return np.sum(scipy.stats.multivariate_normal.logpdf(POINTS, mean, cov))


COV = np.array([[1.5, 0.3], [0.3, 0.8]])


def test_multivariate_normal_covariance_gradient_is_symmetric():
    """The gradient in cov is the symmetric matrix G with <G, E> the derivative along every
    symmetric E (SciPy reads one triangle, so an entry alone has no derivative of its own):
    autograd's convention.  A forward tangent counts as its symmetric part."""
    _, g = tangentlike.grad(mvn_of_cov, wrt=(0, 1))(MEAN_COV[:2], COV)
    np.testing.assert_allclose(g, g.T, rtol=1e-12)
    jf = tangentlike.autodiff(mvn_of_cov, mode="forward", wrt=(1,))
    for e in (np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[0.0, 1.0], [1.0, 0.0]]),
              np.array([[0.2, -0.5], [-0.5, 1.0]])):
        h = 1e-6
        fd = (mvn_of_cov(MEAN_COV[:2], COV + h * e)
              - mvn_of_cov(MEAN_COV[:2], COV - h * e)) / (2 * h)
        np.testing.assert_allclose(np.sum(g * e), fd, rtol=1e-6)
        np.testing.assert_allclose(jf(MEAN_COV[:2], COV, e), fd, rtol=1e-6)
    # A non-symmetric tangent: its symmetric part.
    e = np.array([[0.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(jf(MEAN_COV[:2], COV, e), jf(MEAN_COV[:2], COV, (e + e.T) / 2))


def test_multivariate_normal_and_dirichlet_match_autograd():
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as anp
    import autograd.scipy.stats as ast

    def reference(mean, cov):
        return anp.sum(ast.multivariate_normal.logpdf(POINTS, mean, cov))

    ours = tangentlike.grad(mvn_of_cov, wrt=(0, 1))(MEAN_COV[:2], COV)
    theirs = autograd.grad(reference, (0, 1))(MEAN_COV[:2], COV)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10)

    x, alpha = np.array([0.2, 0.3, 0.5]), np.array([1.5, 2.0, 0.7])

    def dirichlet(x, alpha):
        return scipy.stats.dirichlet.logpdf(x, alpha) + scipy.stats.dirichlet.pdf(x, alpha)

    def dirichlet_reference(x, alpha):
        return ast.dirichlet.logpdf(x, alpha) + ast.dirichlet.pdf(x, alpha)

    ours = tangentlike.grad(dirichlet, wrt=(0, 1))(x, alpha)
    theirs = autograd.grad(dirichlet_reference, (0, 1))(x, alpha)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_mean_and_points_finite_differences():
    check_grad(mvn_of_cov, (MEAN_COV[:2], COV), wrt=(0,))
    check_grad(mvn_of_cov, (MEAN_COV[:2], COV), wrt=(0,), optimized=False)


def cdf_in_shape(a):
    return np.sum(scipy.stats.gamma.cdf(XS + 2.0, a))


def frozen_cdf_in_shape(df):
    return np.sum(scipy.stats.t(df).logcdf(XS))


def singular(mean):
    return np.sum(scipy.stats.multivariate_normal.logpdf(POINTS, mean, COV,
                                                         allow_singular=True))


def vector_cov(mean):
    return np.sum(scipy.stats.multivariate_normal.logpdf(POINTS, mean, np.array([1.0, 2.0])))


def dirichlet_short(x):
    return scipy.stats.dirichlet.logpdf(x, np.array([1.5, 2.0, 3.0]))


def test_frozen_object_in_a_loop_is_refused_by_name():
    with pytest.raises(tangentlike.NoDerivativeError, match=r"scipy.stats.norm\(...\) makes a "
                       "frozen distribution object") as info:
        tangentlike.grad(frozen_in_loop)(np.array([0.3, -0.2]))
    assert info.value.location.lineno == frozen_in_loop.__code__.co_firstlineno + 3
    assert "outside loops" in info.value.hint


@pytest.mark.parametrize("f, x", [(cdf_in_shape, 2.5), (frozen_cdf_in_shape, 3.5)])
def test_distribution_function_in_a_shape_parameter(f, x):
    """The incomplete gamma and beta functions' parameter derivatives
    (tangentlike/runtime/incomplete.py): gamma.cdf in a, a frozen t's logcdf in df."""
    h = 1e-6
    expected = (f(x + h) - f(x - h)) / (2 * h)
    assert tangentlike.grad(f)(x) == pytest.approx(expected, rel=1e-6)
    assert tangentlike.autodiff(f, mode="forward")(x, 1.0) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, x, words", [
    (singular, MEAN_COV[:2], "allow_singular=False"),
    (vector_cov, MEAN_COV[:2], "covariance given as a matrix"),
    (dirichlet_short, np.array([0.2, 0.3]), "K rows")])
def test_refused(f, x, words, mode):
    if mode == "reverse":
        df = tangentlike.grad(f)
    else:
        df = tangentlike.autodiff(f, mode="forward")
    args = (x,) if mode == "reverse" else (x, np.ones_like(x))
    with pytest.raises(ValueRefusedError, match=words):
        df(*args)
