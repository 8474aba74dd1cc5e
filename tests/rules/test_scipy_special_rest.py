"""The derivatives templates/scipy_special_rest.py refuses or makes zero: an order or shape
parameter that is differentiated raises ValueRefusedError naming the function, the parameter
and the user's line, in reverse and forward mode; the truncated integers of bdtr and nbdtr
carry no derivative.  (The rules themselves are checked against finite differences by the
registry walk: tests/rule_cases/scipy_special_rest.py.)"""
from __future__ import annotations

import numpy as np
import pytest
from parameter_refusals import parameter_function, parameter_tests
from support import make_function

import tangentlike

pytest.importorskip("scipy")
import scipy.special  # noqa: E402

# function, the call with p (the parameter) and x, values of p and x
REFUSED = {
    ("eval_legendre", "n"): ("scipy.special.eval_legendre(p, x)", 2.5, 0.3),
    ("eval_genlaguerre", "alpha"): ("scipy.special.eval_genlaguerre(3, p, x)", 0.5, 0.3),
    ("eval_jacobi", "beta"): ("scipy.special.eval_jacobi(3, 0.5, p, x)", 0.5, 0.3),
    ("eval_gegenbauer", "alpha"): ("scipy.special.eval_gegenbauer(3, p, x)", 0.5, 0.3),
    ("eval_sh_jacobi", "q"): ("scipy.special.eval_sh_jacobi(3, 2.5, p, x)", 1.5, 0.3),
    ("tklmbda", "lmbda"): ("scipy.special.tklmbda(x, p)", 0.4, 0.3),
    ("hankel1", "v"): ("np.real(scipy.special.hankel1(p, x))", 0.5, 1.3),
    ("h2vp", "v"): ("np.imag(scipy.special.h2vp(p, x, 2))", 0.5, 1.3),
    ("lpmv", "v"): ("scipy.special.lpmv(1, p, x)", 2.5, 0.3),
}



test_parameter_derivative_is_refused, test_constant_parameter_is_differentiated = (
    parameter_tests(REFUSED))


@pytest.mark.parametrize("expr", ["scipy.special.bdtr(p, 6, x)", "scipy.special.nbdtr(2, p, x)"])
def test_truncated_integer_parameter_has_zero_derivative(expr):
    """bdtr and nbdtr truncate k and n: piecewise constant, so their derivative is 0."""
    f = parameter_function(expr)
    assert tangentlike.grad(f, wrt=(0,))(3.0, 0.4) == 0.0


def test_tklmbda_outside_the_support_has_zero_derivative():
    """For lmbda > 1 the support is bounded: outside it p is 0 or 1, and so is the slope 0."""
    f = make_function("def f(x):\n    return scipy.special.tklmbda(x, 1.5)\n")
    f.__globals__["scipy"] = scipy
    assert tangentlike.grad(f)(-2.0) == 0.0
    assert tangentlike.jvp(f)((2.0,), (1.0,))[1] == 0.0


@pytest.mark.parametrize("optimized", [True, False])
def test_orthogonal_polynomial_grad_matches_value_and_finite_difference(optimized):
    f = make_function("def f(x):\n    return np.sum(scipy.special.eval_chebyt(5, x) ** 2)\n")
    f.__globals__["scipy"] = scipy
    x = np.array([-0.7, 0.1, 0.6])
    value, got = tangentlike.value_and_grad(f, optimized=optimized)(x)
    assert value == f(x)
    expected = 2 * scipy.special.eval_chebyt(5, x) * 5 * scipy.special.eval_chebyu(4, x)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["lambertw", "wofz", "airy", "hankel1e"])
def test_holomorphic_function_of_a_complex_argument(name):
    """The adjoint c of a complex z satisfies dL = Re(c dz) (autograd's convention): its real
    part is dL/dRe(z), its imaginary part -dL/dIm(z); forward mode gives dL along dz."""
    call = {"airy": "airy(z)[1]", "hankel1e": "hankel1e(1.5, z)"}.get(name, f"{name}(z)")
    f = make_function(f"def f(z):\n    w = scipy.special.{call}\n"
                      "    return np.sum(np.real(w) * 2.0 + np.imag(w * w))\n")
    f.__globals__["scipy"] = scipy
    z = np.array([0.7 + 0.4j, -0.2 + 1.1j])
    got = tangentlike.grad(f)(z)
    h = 1e-6
    for i in range(z.size):
        e = np.zeros(z.size)
        e[i] = h
        dx = (f(z + e) - f(z - e)) / (2 * h)
        dy = (f(z + 1j * e) - f(z - 1j * e)) / (2 * h)
        np.testing.assert_allclose([got[i].real, got[i].imag], [dx, -dy], rtol=1e-6)
    dz = np.array([0.3 - 0.5j, 0.8 + 0.1j])
    _, tangent_out = tangentlike.jvp(f)((z,), (dz,))
    expected = (f(z + h * dz) - f(z - h * dz)) / (2 * h)
    np.testing.assert_allclose(tangent_out, expected, rtol=1e-6)


def test_quadrature_rule_of_an_integer_order_is_a_constant():
    """roots_legendre(n) is declared constant: a Gauss-Legendre integral of x**2 * t**2 has the
    derivative 2 x * (2 / 3)."""
    f = make_function("def f(x):\n    t, w = scipy.special.roots_legendre(4)\n"
                      "    return np.sum(w * (x * t) ** 2)\n")
    f.__globals__["scipy"] = scipy
    np.testing.assert_allclose(tangentlike.grad(f)(1.5), 2.0, rtol=1e-12)
    np.testing.assert_allclose(tangentlike.jvp(f)((1.5,), (1.0,))[1], 2.0, rtol=1e-12)
