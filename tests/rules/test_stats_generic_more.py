"""More of the generic scipy.stats densities (frontend/standardized.py): truncnorm (SciPy's
_log_gauss_mass, templates/scipy_stats_more.py), triang, trapezoid and pearson3 (their
_lazyselect and in-place updates written out, frontend/written_out.py), bernoulli's cdf
(SciPy's _binom_cdf), truncpareto (xp_promote of several values), the
discrete distributions' default cdf (a sum of the mass, count_grid), and the discrete
distributions with integer parameters only (constants).  Every derivative in x (or the
continuous parameters), the shapes, loc and scale at once, over arrays whose points reach
every branch, in reverse mode, forward mode and as a Hessian-vector product, against
central finite differences; the values are SciPy's."""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tangentlike.errors import TangentlikeError
from tests.support import check_every_mode, make_function, numerical_grad

pytest.importorskip("scipy")
import scipy.stats  # noqa: E402

# name: (x, shapes, loc, scale); x reaches every branch of the written-out methods.
CONTINUOUS = {
    # x beyond the upper mass (logcdf > -0.1: SciPy's log1p(-exp(logsf))) and below it
    "truncnorm": ([-0.4, 0.3, 1.4, 2.2, 2.6], [-1.2, 1.9], 0.2, 1.3),
    "triang": ([0.15, 0.25, 0.5, 0.9, 1.2], [0.3], 0.1, 1.2),
    "trapezoid": ([0.15, 0.25, 0.5, 0.9, 1.2], [0.3, 0.65], 0.1, 1.2),
    "truncpareto": ([1.4, 2.0, 3.1, 4.5, 4.8], [1.8, 4.3], 0.2, 1.1),
    "pearson3": ([-0.5, 0.1, 0.6, 1.4, 2.2], [0.8], 0.2, 1.3),
}
METHODS = {"truncnorm": ("pdf", "logpdf", "cdf", "logcdf"),
           "triang": ("pdf", "logpdf", "cdf", "logcdf"),
           "trapezoid": ("pdf", "logpdf", "cdf", "logcdf"),
           "truncpareto": ("pdf", "logpdf", "cdf", "logcdf"), "pearson3": ("pdf", "logpdf")}
W = np.array([0.7, -1.1, 0.4, 1.3, -0.6])


def _continuous(name, method):
    x, shapes, loc, scale = CONTINUOUS[name]
    n = len(shapes)
    listed = "".join(f"p[{5 + i}], " for i in range(n))
    f = make_function(f"""
        import scipy.stats
        def f(p):
            return np.sum(scipy.stats.{name}.{method}(p[:5], {listed}loc=p[{5 + n}],
                                                      scale=p[{6 + n}]) * W)
    """)
    f.__globals__["W"] = W
    return f, np.array([*x, *shapes, loc, scale])


@pytest.mark.parametrize(("name", "method"),
                         [(n, m) for n, methods in METHODS.items() for m in methods])
def test_continuous_in_every_argument(name, method):
    f, p = _continuous(name, method)
    v = np.linspace(-1.0, 1.0, p.size)
    assert np.isfinite(f(p))
    check_every_mode(f, p, v, hvp=method != "cdf" or name != "trapezoid")


def test_truncnorm_values_are_scipys_on_both_sides_of_its_logcdf_switch():
    f = make_function("""
        import scipy.stats
        def f(x, a, b):
            return scipy.stats.truncnorm.logcdf(x, a, b)
    """)
    x = np.array([-0.4, 1.85])
    assert scipy.stats.truncnorm.logcdf(1.85, -1.2, 1.9) > -0.1  # SciPy's other branch
    value, tangent = tangentlike.jvp(f)((x, -1.2, 1.9), (np.ones(2), 0.0, 0.0))
    np.testing.assert_array_equal(value, scipy.stats.truncnorm.logcdf(x, -1.2, 1.9))
    expected = numerical_grad(lambda x: np.sum(f(x, -1.2, 1.9)), [x])[0]
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)


# name: (k, continuous parameters, integer parameters before them, loc)
DISCRETE = {
    "betabinom": ([0, 1, 3, 4, 7], [2.3, 0.63], [6], 0),
    "betanbinom": ([1, 2, 3, 6, 9], [9.3, 1.7], [5], 1),
    "logser": ([1, 2, 3, 5, 12], [0.6], [], 0),
    "bernoulli": ([0, 1, 0, 2, 0], [0.3], [], 0),  # SciPy's _binom_cdf, with a rule
}


@pytest.mark.parametrize(("name", "method"),
                         [(n, m) for n in DISCRETE for m in ("cdf", "logcdf")])
def test_discrete_distribution_function_sums_the_mass(name, method):
    k, params, integers, loc = DISCRETE[name]
    ints = "".join(f"{i}, " for i in integers)
    listed = ", ".join(f"p[{i}]" for i in range(len(params)))
    f = make_function(f"""
        import scipy.stats
        def f(p):
            return np.sum(scipy.stats.{name}.{method}(K, {ints}{listed}, loc={loc}) * W)
    """)
    f.__globals__.update(K=np.array(k), W=W)
    p = np.array(params)
    check_every_mode(f, p, np.linspace(0.5, 1.0, p.size))


@pytest.mark.parametrize("call", ["hypergeom.{m}(K, 30, 12, 6)", "nhypergeom.{m}(K, 20, 7, 4)",
                                  "randint.{m}(K, 2, 31)"])
@pytest.mark.parametrize("method", ["pmf", "logpmf", "cdf", "logcdf"])
def test_integer_parameters_only_give_constants(call, method):
    f = make_function(f"""
        import scipy.stats
        def f(x):
            return np.sum(x * scipy.stats.{call.format(m=method)})
    """)
    f.__globals__["K"] = np.array([3, 4, 5])
    x = np.array([0.5, -1.0, 2.0])
    value, grad = tangentlike.value_and_grad(f)(x)
    assert value == f(x)
    const = eval(f"scipy.stats.{call.format(m=method)}", {"scipy": scipy, "K": np.array([3, 4, 5])})
    np.testing.assert_array_equal(grad, const)


@pytest.mark.parametrize("method", ["cdf", "logcdf"])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_numerically_integrated_cdf_is_refused_by_name(method, mode):
    """norminvgauss's cdf is SciPy's numerical integral of its density (rv_continuous._cdf,
    and its own _sf; SciPy 1.18: a compiled quadrature): refused, naming the distribution;
    not differentiated, its value is SciPy's."""
    f = make_function(f"""
        import scipy.stats
        def f(x, a):
            return np.sum(scipy.stats.norminvgauss.{method}(x, a, 0.5, loc=0.3))
    """)
    x = np.array([0.1, 0.9])
    with pytest.raises(TangentlikeError) as info:
        if mode == "reverse":
            tangentlike.grad(f, wrt=(0, 1))(x, 1.25)
        else:
            tangentlike.jvp(f)((x, 1.25), (np.ones(2), 0.0))
    message = info.value.message
    assert "norminvgauss" in message
    # SciPy 1.18 integrates in compiled code (_norminvgauss_quadrature), refused by name
    assert "integrates its density numerically" in message or "quadrature" in message
    g = make_function(f"""
        import scipy.stats
        def g(x, a):
            return x * np.sum(scipy.stats.norminvgauss.{method}(np.array([0.1, 0.9]), a, 0.5))
    """)
    value, grad = tangentlike.value_and_grad(g)(2.0, 1.25)
    assert value == g(2.0, 1.25)
    assert grad == g(1.0, 1.25)


@pytest.mark.parametrize("method", ["logpdf", "logcdf"])
def test_truncpareto_with_a_negative_b(method):
    """b <= 0: SciPy's base-class branch (the log of the pdf or cdf), b differentiated."""
    if np.isnan(scipy.stats.truncpareto.pdf(2.0, -1.5, 4.3)):
        pytest.skip("this SciPy (before 1.16) takes b > 0 only")
    f = make_function(f"""
        import scipy.stats
        def f(p):
            return np.sum(scipy.stats.truncpareto.{method}(p[:3], p[3], 4.3) * W[:3])
    """)
    f.__globals__["W"] = W
    p = np.array([1.3, 2.2, 3.9, -1.5])
    check_every_mode(f, p, np.array([0.3, -0.5, 1.0, 0.7]))
