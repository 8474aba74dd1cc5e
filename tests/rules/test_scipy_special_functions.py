"""The derivatives templates/scipy_special_functions.py refuses or makes zero: an order or
shape parameter that is differentiated raises ValueRefusedError naming the function, the
parameter and the user's line, in reverse and forward mode; a derivative SciPy cannot give
(``diff_n`` beyond 2) is refused by name; the functions classed REFUSED in the census (the
characteristic values, the quadrature rules of a float parameter, the spheroidal radial
functions of the second kind, zetac) are refused when differentiated and constants otherwise.
(The rules themselves are checked against finite differences by the registry walk:
tests/rule_cases/scipy_special_functions.py.)"""
from __future__ import annotations

import numpy as np
import pytest
from parameter_refusals import parameter_tests
from support import make_function

import tangentlike
from tangentlike import NoDerivativeError, TangentlikeError
from tangentlike.errors import ValueRefusedError

pytest.importorskip("scipy")
import scipy.special  # noqa: E402

# function, the call with p (the parameter) and x, values of p and x
REFUSED = {
    ("assoc_laguerre", "k"): ("scipy.special.assoc_laguerre(x, 3, p)", 0.5, 0.3),
    ("wright_bessel", "a"): ("scipy.special.wright_bessel(p, 1.2, x)", 0.6, 0.3),
    ("log_wright_bessel", "b"): ("scipy.special.log_wright_bessel(0.6, p, x)", 1.2, 0.3),
    ("besselpoly", "nu"): ("scipy.special.besselpoly(x, 1.5, p)", 2.0, 0.7),
    ("pbdv", "v"): ("scipy.special.pbdv(p, x)[0]", 1.3, 0.7),
    ("pbwa", "a"): ("scipy.special.pbwa(p, x)[1]", 0.7, 0.7),
    ("mathieu_cem", "q"): ("scipy.special.mathieu_cem(2, p, x)[0]", 1.5, 30.0),
    ("mathieu_modsem2", "q"): ("scipy.special.mathieu_modsem2(2, p, x)[1]", 1.5, 0.7),
    ("pro_ang1", "c"): ("scipy.special.pro_ang1(1, 3, p, x)[0]", 1.2, 0.4),
    ("obl_rad1_cv", "cv"): ("scipy.special.obl_rad1_cv(1, 3, 1.2, p, x)[0]",
                            float(scipy.special.obl_cv(1, 3, 1.2)), 1.6),
}



test_parameter_derivative_is_refused, test_constant_parameter_is_differentiated = (
    parameter_tests(REFUSED))


@pytest.mark.parametrize("expr, order", [
    ("scipy.special.legendre_p(3, x, diff_n=2)", 2),
    ("scipy.special.sph_legendre_p_all(3, 1, x, diff_n=2)", 2),
    ("scipy.special.sph_harm_y(3, 1, x, 0.4, diff_n=1)[0]", 1),
])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_derivative_beyond_scipy_orders_is_refused(expr, order, mode):
    """SciPy computes the derivatives of Legendre functions up to order 2 (spherical
    harmonics: their result with diff_n >= 1 is a tuple): one more is refused by name."""
    f = make_function(f"def f(x):\n    y = {expr}\n    return np.sum(np.real(y)) * x\n")
    f.__globals__["scipy"] = scipy
    with pytest.raises(ValueRefusedError) as caught:
        if mode == "reverse":
            tangentlike.grad(f)(0.3)
        else:
            tangentlike.jvp(f)((0.3,), (1.0,))
    name = expr.split("(")[0].rsplit(".", 1)[1]
    assert f"scipy.special.{name} with diff_n={order}" in str(caught.value)
    assert caught.value.location is not None
    assert caught.value.location.line.strip() == f"y = {expr}"


def test_hessian_of_a_result_with_diff_n_1_is_refused():
    """A Hessian of legendre_p(n, x, diff_n=1) needs the derivatives of order 3."""
    f = make_function("def f(x):\n    y = scipy.special.legendre_p(3, x, diff_n=1)\n"
                      "    return np.sum(y * y)\n")
    f.__globals__["scipy"] = scipy
    x = np.array([0.2, 0.5])
    with pytest.raises(ValueRefusedError, match="diff_n=2"):
        tangentlike.hvp(f)(x, np.ones(2))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_pbdn_seq_negative_order_and_complex_argument_are_refused(mode):
    """SciPy's pbdn_seq returns 0 as the last derivative of a negative n, and values that are
    not holomorphic for a complex z: both refused, not differentiated wrongly."""
    for n, z, match in ((-2, 0.7, "negative order"), (3, 0.7 + 0.3j, "real values only")):
        f = make_function(f"def f(z):\n    v, dv = scipy.special.pbdn_seq({n}, z)\n"
                          "    return np.real(np.sum(v * v + dv))\n")
        f.__globals__["scipy"] = scipy
        with pytest.raises(ValueRefusedError, match=match):
            if mode == "reverse":
                tangentlike.grad(f)(z)
            else:
                tangentlike.jvp(f)((z,), (1.0,))


def test_airye_of_a_complex_argument_is_refused():
    """eBi scales by exp(-|Re(2/3 z**1.5)|), not a holomorphic function: refused."""
    f = make_function("def f(z):\n    a, ap, b, bp = scipy.special.airye(z)\n"
                      "    return np.real(a + b)\n")
    f.__globals__["scipy"] = scipy
    with pytest.raises(ValueRefusedError, match="scipy.special.airye"):
        tangentlike.grad(f)(0.7 + 0.4j)


@pytest.mark.parametrize("name", ["comb", "perm"])
def test_exact_combinatorics_have_zero_derivative(name):
    """exact=True takes integral N and k and gives integers: piecewise constant."""
    f = make_function(f"def f(n, k):\n    return scipy.special.{name}(n, k, exact=True) * n\n")
    f.__globals__["scipy"] = scipy
    value = getattr(scipy.special, name)(5, 2, exact=True)
    assert tangentlike.grad(f, wrt=(0, 1))(5.0, 2.0) == (value, 0.0)
    assert tangentlike.jvp(f)((5.0, 2.0), (1.0, 1.0))[1] == value


@pytest.mark.parametrize("call", [
    "scipy.special.mathieu_a(2, x)", "scipy.special.pro_cv(1, 3, x)",
    "scipy.special.roots_jacobi(4, x, 0.5)[1]", "scipy.special.pro_rad2(1, 3, 1.2, x)[0]",
    "scipy.special.zetac(x)",
])
def test_functions_classed_refused_are_refused_by_name(call):
    """Differentiated, a function the census classes REFUSED raises, naming it."""
    f = make_function(f"def f(x):\n    return np.sum({call}) * x\n")
    f.__globals__["scipy"] = scipy
    name = call.split("(")[0].rsplit(".", 1)[1]
    for run in (lambda: tangentlike.grad(f)(1.6), lambda: tangentlike.jvp(f)((1.6,), (1.0,))):
        with pytest.raises(TangentlikeError, match=name) as caught:
            run()
        # C functions have no rule; roots_jacobi's Python source has a nested function.
        assert isinstance(caught.value, NoDerivativeError) or "roots_jacobi" in call


def test_quadrature_rule_of_constant_parameters_is_a_constant():
    """roots_jacobi(4, 0.5, 0.5) with constant parameters: the Gauss-Jacobi integral of
    (x t)**2 has the derivative 2 x sum(w t**2)."""
    f = make_function("def f(x):\n    t, w = scipy.special.roots_jacobi(4, 0.5, 0.5)\n"
                      "    return np.sum(w * (x * t) ** 2)\n")
    f.__globals__["scipy"] = scipy
    t, w = scipy.special.roots_jacobi(4, 0.5, 0.5)
    np.testing.assert_allclose(tangentlike.grad(f)(1.5), 3.0 * np.sum(w * t * t), rtol=1e-12)


@pytest.mark.parametrize("optimized", [True, False])
def test_ellipj_grad_matches_value_and_closed_form(optimized):
    f = make_function("def f(u, m):\n    sn, cn, dn, ph = scipy.special.ellipj(u, m)\n"
                      "    return np.sum(sn * cn + ph)\n")
    f.__globals__["scipy"] = scipy
    u, m = np.array([0.3, 1.1, -0.7]), np.array([0.2, 0.5, 0.8])
    value, (gu, gm) = tangentlike.value_and_grad(f, wrt=(0, 1), optimized=optimized)(u, m)
    assert value == f(u, m)
    sn, cn, dn, _ = scipy.special.ellipj(u, m)
    np.testing.assert_allclose(gu, cn * dn * cn - sn * sn * dn + dn, rtol=1e-12)
    h = 1e-6
    expected = [(f(u, m + h * e) - f(u, m - h * e)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(gm, expected, rtol=1e-6)
