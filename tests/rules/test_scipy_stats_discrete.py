"""What templates/scipy_stats_discrete.py refuses and what its helpers compute: a second
derivative of nbinom.cdf in n (the incomplete beta function's quadrature) and complex
parameters of nchypergeom_fisher and poisson_binom (SciPy casts them to real) are refused
by name at the user's line; fisher_mean and fisher_sum are SciPy's moments and mass; the
derivatives agree with finite differences over many odds, counts and shapes.  (The rules
themselves are checked by the registry walk: tests/rule_cases/scipy_stats_discrete.py;
nchypergeom_wallenius's refusal: tests/rules/test_stats_refused.py.)"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from support import make_function

import tangentlike
from tangentlike.errors import ValueRefusedError

pytest.importorskip("scipy")
import scipy.stats  # noqa: E402

from tangentlike.runtime.discrete import fisher_mean, fisher_sum  # noqa: E402


def test_a_second_derivative_of_nbinom_cdf_in_n_is_refused_by_name():
    f = make_function("""
        import scipy.stats
        def f(n, p):
            return scipy.stats.nbinom.cdf(3, n, p)  # <-
    """)
    assert np.isfinite(tangentlike.grad(f, wrt=(0, 1))(2.5, 0.4)).all()
    with pytest.raises(ValueRefusedError, match="betainc") as info:
        tangentlike.hvp(f, wrt=0)(2.5, 0.4, 1.0)
    assert "'a'" in info.value.message


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("method", ["pmf", "logcdf"])
def test_complex_probabilities_are_refused_by_name(method, mode):
    """SciPy 1.15 to 1.17 cast poisson_binom's complex probabilities to real (a
    ComplexWarning; later versions, and the other families, reject them)."""
    if not hasattr(scipy.stats, "poisson_binom"):
        pytest.skip("no scipy.stats.poisson_binom in this SciPy")
    f = make_function(f"""
        import numpy as np
        import scipy.stats
        def f(z):
            return np.real(scipy.stats.poisson_binom.{method}(1, z))  # <-
    """)
    z = np.array([0.3 + 0.1j, 0.6, 0.2])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            getattr(scipy.stats.poisson_binom, method)(1, z)
    except TypeError:
        pytest.skip("this SciPy rejects complex probabilities itself")
    with warnings.catch_warnings(), pytest.raises(ValueRefusedError, match="poisson_binom") \
            as info:
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        if mode == "reverse":
            tangentlike.grad(f)(z)
        else:
            tangentlike.jvp(f)((z,), (np.ones_like(z),))
    assert info.value.location.line.strip().endswith("# <-")


@pytest.mark.parametrize(("M", "n", "N", "odds"), [(20, 7, 12, 2.5), (50, 30, 10, 0.2),
                                                   (9, 4, 8, 7.0), (200, 80, 120, 1.3)])
def test_the_fisher_helpers_are_scipys_moments_and_mass(M, n, N, odds):
    mean, var = scipy.stats.nchypergeom_fisher.stats(M, n, N, odds, moments="mv")
    assert fisher_mean(M, n, N, odds) == pytest.approx(mean, rel=1e-9)
    assert fisher_sum(2, N, M, n, N, odds) == pytest.approx(var, rel=1e-9)
    assert fisher_sum(1, N, M, n, N, odds) == pytest.approx(0.0, abs=1e-9)
    k = np.arange(max(0, N - M + n), min(n, N) + 1)
    cdf = scipy.stats.nchypergeom_fisher.cdf(k, M, n, N, odds)
    np.testing.assert_allclose(fisher_sum(0, k, M, n, N, odds), cdf, rtol=1e-9, atol=1e-15)


def _numeric(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("method", ["pmf", "logpmf", "cdf", "logcdf"])
def test_many_points_against_differences(method):
    """Each family over a grid of counts and parameters, reverse and forward mode."""
    rng = np.random.default_rng(17)
    cases = [("skellam", "k, x, 1.7", np.arange(-6, 7), rng.uniform(0.3, 6, 13)),
             ("skellam", "k, 2.2, x", np.arange(-6, 7), rng.uniform(0.3, 6, 13)),
             ("nchypergeom_fisher", "k, 30, 12, 15, x", np.arange(0, 13),
              rng.uniform(0.1, 8, 13))]
    if method in ("cdf", "logcdf"):
        cases.append(("nbinom", "k, x, 0.35", np.arange(0, 13), rng.uniform(0.3, 6, 13)))
        cases.append(("nbinom", "k, 2.5, x", np.arange(0, 13), rng.uniform(0.05, 0.95, 13)))
    for name, args, k, x in cases:
        f = make_function(f"""
            import numpy as np
            import scipy.stats
            def f(x, k):
                return np.sum(scipy.stats.{name}.{method}({args}))
        """)
        expected = _numeric(lambda v, f=f, k=k: np.array([f(vi, ki) for vi, ki in zip(v, k)]),
                            x, 1e-6 * np.maximum(x, 1.0))
        ok = np.isfinite(expected)
        assert ok.sum() >= 10, (name, method)
        grads = np.array([tangentlike.grad(f)(xi, ki) for xi, ki in zip(x, k)])
        tangents = np.array([tangentlike.jvp(f, wrt=0)((xi, ki), (1.0,))[1]
                             for xi, ki in zip(x, k)])
        np.testing.assert_allclose(grads[ok], expected[ok], rtol=2e-6, atol=1e-9,
                                   err_msg=f"{name}.{method}({args})")
        np.testing.assert_allclose(tangents[ok], grads[ok], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("body", "x"), [
    ("d = scipy.stats.skellam(x, 2.0)\n    return d.logpmf(1) + d.cdf(0)", 1.3),
    ("return scipy.stats.nchypergeom_fisher(20, 7, 12, x).pmf(3) "
     "+ scipy.stats.nbinom(x, 0.4).cdf(2)", 1.5),
    ("d = scipy.stats.poisson_binom(x)\n    return d.pmf(1) + d.logcdf(2)",
     np.array([0.2, 0.5, 0.7])),
])
def test_frozen_distributions(body, x):
    if "poisson_binom" in body and not hasattr(scipy.stats, "poisson_binom"):
        pytest.skip("no scipy.stats.poisson_binom in this SciPy")
    f = make_function(f"import scipy.stats\ndef f(x):\n    {body}\n")
    eye = np.eye(np.size(x)).reshape((np.size(x), *np.shape(x)))
    expected = np.array([_numeric(lambda h, e=e: f(x + h * e), 0.0, 1e-6) for e in eye])
    value, grad = tangentlike.value_and_grad(f)(x)
    assert value == f(x)
    np.testing.assert_allclose(np.reshape(grad, -1), expected, rtol=1e-6)
    _, tangent = tangentlike.jvp(f)((x,), (np.ones_like(x),))
    assert tangent == pytest.approx(expected.sum(), rel=1e-6)
