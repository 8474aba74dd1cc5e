"""The incomplete gamma and beta functions' derivatives in their parameters
(tangentlike/runtime/incomplete.py): against mpmath on a grid (tails included), against
central differences of SciPy's own functions, their values at the ends of the support, and
what is refused: a parameter out of reach, a second derivative in a parameter (by name, at the
user's line), complex values.  The rules are checked by the registry walk
(tests/rule_cases/scipy_incomplete.py)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from support import make_function

import tangentlike
from tangentlike.errors import ValueRefusedError

pytest.importorskip("scipy")
import scipy  # noqa: E402
import scipy.special as sc  # noqa: E402

from tangentlike.runtime import incomplete  # noqa: E402

mp = pytest.importorskip("mpmath")

# SciPy 1.15's ``scipy.integrate.tanhsinh`` (the newest on Python 3.10) reaches its level limit
# at some points of the grid with an error estimate of order one, where SciPy 1.16 and later
# converge: the derivative is refused there (ValueRefusedError), as it must be where the
# quadrature is not known to be accurate; every value it returns is still checked.
_REFUSES_SOME_POINTS = tuple(int(p) for p in scipy.__version__.split(".")[:2]) < (1, 16)

_A = [0.1, 0.5, 1.0, 2.5, 10.0, 50.0]
# x across the gamma distribution's support, relative to a: far below, the bulk, far above
_GAMMA_X = [1e-12, 1e-3, 0.3, 0.9, 1.0, 1.1, 3.0, 30.0]
_BETA_X = [1e-12, 1e-4, 0.05, 0.3, 0.5, 0.7, 0.95, 1 - 1e-4, 1 - 1e-10]


def _gamma_reference(a: float, x: float) -> float:
    """d/da P(a, x) in 50 digits, through the smaller tail (no cancellation)."""
    with mp.workdps(50):
        if mp.gammainc(a, 0, x, regularized=True) < 0.5:
            return float(mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), a))
        return float(mp.diff(lambda s: -mp.gammainc(s, x, mp.inf, regularized=True), a))


def _beta_reference(a: float, b: float, x: float, which: int) -> float:
    """d/da (which 0) or d/db (which 1) of I_x(a, b) in 50 digits, through the smaller tail
    (the upper one as I_{1-x}(b, a), 1 - x exact)."""
    with mp.workdps(50):
        if mp.betainc(a, b, 0, x, regularized=True) < 0.5:
            def value(s):
                return mp.betainc(s, b, 0, x, regularized=True) if which == 0 else \
                    mp.betainc(a, s, 0, x, regularized=True)
        else:
            y = mp.mpf(1) - mp.mpf(x)

            def value(s):
                return -(mp.betainc(b, s, 0, y, regularized=True) if which == 0 else
                         mp.betainc(s, a, 0, y, regularized=True))
        return float(mp.diff(value, a if which == 0 else b))


def _each_point(derivative, points, reference):
    """``derivative(*point)`` against ``reference(*point)`` (rtol 1e-10) at each point, the
    values returned; a refusal fails the test except on SciPy 1.15 (``_REFUSES_SOME_POINTS``),
    where most points must still be computed."""
    got = []
    for point in points:
        try:
            value = float(derivative(*point))
        except ValueRefusedError:
            if not _REFUSES_SOME_POINTS:
                raise
            continue
        np.testing.assert_allclose(value, reference(*point), rtol=1e-10, atol=0,
                                   err_msg=f"at {point}")
        got.append(value)
    assert len(got) >= len(points) // 2
    return np.array(got)


@pytest.mark.parametrize("a", _A)
def test_gammainc_da_against_mpmath(a):
    points = [(a, a * r) for r in _GAMMA_X]
    got = _each_point(incomplete.gammainc_da, points, _gamma_reference)
    assert np.all(got <= 0)  # P falls as a grows (-0.0 where it underflows)


@pytest.mark.slow
@pytest.mark.parametrize("a,b", list(itertools.product(_A, _A)))
def test_betainc_parameters_against_mpmath_everywhere(a, b):
    _beta_against_mpmath(a, b)


@pytest.mark.parametrize("a,b", [(0.1, 50.0), (2.5, 0.5), (50.0, 10.0)])
def test_betainc_parameters_against_mpmath(a, b):
    _beta_against_mpmath(a, b)


def _beta_against_mpmath(a, b):
    points = [(a, b, x) for x in _BETA_X]
    da = _each_point(incomplete.betainc_da, points,
                     lambda a, b, x: _beta_reference(a, b, x, 0))
    db = _each_point(incomplete.betainc_db, points,
                     lambda a, b, x: _beta_reference(a, b, x, 1))
    assert np.all(da <= 0) and np.all(db >= 0)


@pytest.mark.parametrize("a", [0.3, 2.5, 40.0])
def test_against_scipy_central_differences(a):
    """Central differences of SciPy's own functions (float64; accurate to about 1e-7 here)."""
    h = 1e-5 * a
    x = a * np.array([0.2, 0.8, 1.0, 1.5, 3.0])
    fd = (sc.gammainc(a + h, x) - sc.gammainc(a - h, x)) / (2 * h)
    np.testing.assert_allclose(incomplete.gammainc_da(a, x), fd, rtol=1e-6, atol=1e-12)
    b, u = 1.7, np.array([0.05, 0.3, 0.6, 0.9])
    fd = (sc.betainc(a + h, b, u) - sc.betainc(a - h, b, u)) / (2 * h)
    np.testing.assert_allclose(incomplete.betainc_da(a, b, u), fd, rtol=1e-6, atol=1e-12)
    fd = (sc.betainc(b, a + h, u) - sc.betainc(b, a - h, u)) / (2 * h)
    np.testing.assert_allclose(incomplete.betainc_db(b, a, u), fd, rtol=1e-6, atol=1e-12)


def test_t_and_f_degrees_of_freedom_against_central_differences():
    df, t = 3.5, np.array([-40.0, -2.0, -0.3, 0.01, 1.0, 5.0])
    h = 1e-5
    fd = (sc.stdtr(df + h, t) - sc.stdtr(df - h, t)) / (2 * h)
    np.testing.assert_allclose(incomplete.stdtr_ddf(df, t), fd, rtol=1e-6, atol=1e-12)
    dfn, dfd, x = 3.0, 7.5, np.array([0.01, 0.5, 1.0, 4.0, 60.0])
    fd = (sc.fdtr(dfn + h, dfd, x) - sc.fdtr(dfn - h, dfd, x)) / (2 * h)
    np.testing.assert_allclose(incomplete.fdtr_ddfn(dfn, dfd, x), fd, rtol=1e-6, atol=1e-12)
    fd = (sc.fdtr(dfn, dfd + h, x) - sc.fdtr(dfn, dfd - h, x)) / (2 * h)
    np.testing.assert_allclose(incomplete.fdtr_ddfd(dfn, dfd, x), fd, rtol=1e-6, atol=1e-12)


def test_ends_of_the_support_and_outside():
    assert incomplete.gammainc_da(2.5, 0.0) == 0.0
    assert incomplete.gammainc_da(2.5, np.inf) == 0.0
    assert np.isnan(incomplete.gammainc_da(-1.0, 2.0))
    assert incomplete.gammainc_da(2.0, -1.0) == 0.0  # SciPy's value is NaN: see dgamma
    assert incomplete.betainc_da(2.5, 1.5, 0.0) == 0.0
    assert incomplete.betainc_db(2.5, 1.5, 1.0) == 0.0
    assert incomplete.betainc_da(2.5, 1.5, 1.5) == 0.0
    assert np.isnan(incomplete.betainc_da(-2.5, 1.5, 0.5))
    got = incomplete.gammainc_da(np.array([[1.0], [2.0]]), np.array([0.5, 1.0, 2.0]))
    assert got.shape == (2, 3)


def test_tiny_parameters():
    """Down to 1e-7 (the integrals run in log t, where t**(a - 1) is no singularity)."""
    for a, x in [(1e-5, 1e-20), (1e-7, 0.5), (1e-3, 3.0)]:
        assert incomplete.gammainc_da(a, x) == pytest.approx(_gamma_reference(a, x),
                                                             rel=1e-10)
    assert incomplete.betainc_da(1e-5, 2.0, 0.3) == pytest.approx(
        _beta_reference(1e-5, 2.0, 0.3, 0), rel=1e-10)


def _function(expr: str, params: str = "p, x"):
    fn = make_function(f"def f({params}):\n    y = {expr}\n    return y * 2.0\n")
    fn.__globals__["scipy"] = __import__("scipy")
    return fn


def test_parameter_out_of_reach_is_refused_at_the_users_line():
    f = _function("scipy.special.gammainc(p, x)")
    with pytest.raises(ValueRefusedError) as caught:
        tangentlike.grad(f, wrt=(0,))(1e7, 1e7)
    message = str(caught.value)
    assert "scipy.special.gammainc in its parameter 'a'" in message
    assert caught.value.location.line.strip() == "y = scipy.special.gammainc(p, x)"
    with pytest.raises(ValueRefusedError, match="betainc in its parameter 'b'"):
        incomplete.betainc_db(2.0, 3e5, 0.5)


@pytest.mark.parametrize("expr,name,parameter", [
    ("scipy.special.gammainc(p, x)", "gammainc", "a"),
    ("scipy.special.betainc(2.0, p, x)", "betainc", "b"),
    ("scipy.special.stdtr(p, x)", "stdtr", "df"),
    ("scipy.special.fdtr(p, 2.0, x)", "fdtr", "dfn"),
])
def test_second_derivative_in_a_parameter_is_refused(expr, name, parameter):
    f = _function(expr)
    p, x = 2.5, 0.4
    assert tangentlike.grad(f, wrt=(0,))(p, x) == pytest.approx(
        (f(p + 1e-6, x) - f(p - 1e-6, x)) / 2e-6, rel=1e-6)
    with pytest.raises(ValueRefusedError) as caught:
        tangentlike.hvp(f, wrt=0)(p, x, 1.0)
    message = str(caught.value)
    assert f"no second derivative of scipy.special.{name} in its parameter {parameter!r}" \
        in message
    assert "hint:" in message


def test_inverse_in_a_shape_parameter_has_no_second_derivative():
    """gdtrib's result is the shape b: its derivative in p already is 1 / dP/db."""
    f = _function("scipy.special.gdtrib(1.5, p, x)")
    assert tangentlike.grad(f, wrt=(0,))(0.4, 0.7) == pytest.approx(
        (f(0.4 + 1e-7, 0.7) - f(0.4 - 1e-7, 0.7)) / 2e-7, rel=1e-6)
    with pytest.raises(ValueRefusedError, match="no second derivative of scipy.special."
                                                "gammainc in its parameter 'a'"):
        tangentlike.hvp(f, wrt=0)(0.4, 0.7, 1.0)


def test_mixed_second_derivative_in_x():
    """The Hessian-vector product in x of a function differentiated in a: the helper's own
    rule (density * (log x - psi(a))) against differences of the gradient."""
    f = _function("scipy.special.gammainc(p, x) * p", "x, p")
    p, x = 2.5, np.array([0.4, 1.3, 3.0])
    g = tangentlike.grad(lambda x, p: np.sum(f(x, p)), wrt=(1,))
    h = 1e-6
    expected = (g(x + h, p) - g(x - h, p)) / (2 * h)
    got = tangentlike.jvp(lambda x: g(x, p))((x,), (np.ones(3),))[1]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_complex_values_are_refused():
    with pytest.raises(ValueRefusedError, match="real values only"):
        incomplete.gammainc_da(2.0 + 0j, 1.0)
