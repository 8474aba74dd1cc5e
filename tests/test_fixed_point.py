"""``tangentlike.fixed_point`` (issue 19, item 3): the fixed point ``z* = step(z*, *params)``,
differentiated with respect to ``params`` by implicit differentiation (reverse: the adjoint
iteration with ``step``'s generated VJP; forward: the tangent iteration with its generated
JVP) or by one-step differentiation.  Each derivative is checked against the unrolled
iteration differentiated by tangentlike, central finite differences and, where there is one,
the closed form; memory does not grow with the number of forward iterations."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import tangentlike
from tangentlike import ConvergenceError, NoDerivativeError, fixed_point
from tests.support import peak_bytes

TOL = 1e-13


def central(f, args, i, h=1e-6):
    """Central finite differences of the scalar ``f`` in its argument ``i``, element by
    element (float64)."""
    args = list(args)
    x = np.asarray(args[i], dtype=float)
    out = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        args[i] = up if x.ndim else float(up)
        high = f(*args)
        args[i] = down if x.ndim else float(down)
        out[k] = (high - f(*args)) / (2 * h)
    return out if x.ndim else float(out)


# ---------------------------------------------------------------------------------------------
# A contraction map: z = 0.5 tanh(z) + a * b (|d step/dz| <= 0.5).

def contraction(z, a, b):
    return 0.5 * np.tanh(z) + a * b


def contraction_loss(a, b, w):
    z = fixed_point(contraction, np.zeros(3), a, b, tol=TOL)
    return np.sum(z * w) + np.sum(z ** 2)


def contraction_unrolled(a, b, w):
    z = np.zeros(3)
    for _ in range(80):  # 0.5 ** 80: converged to rounding
        z = contraction(z, a, b)
    return np.sum(z * w) + np.sum(z ** 2)


A = np.array([0.3, -0.2, 0.5])
B = 1.3
W = np.array([0.7, -1.1, 0.4])


def test_plain_call_is_the_fixed_point():
    z = fixed_point(contraction, np.zeros(3), A, B, tol=TOL)
    assert np.allclose(contraction(z, A, B), z, atol=1e-12, rtol=0)


def test_contraction_reverse_against_unrolled_and_finite_differences():
    ga, gb = tangentlike.grad(contraction_loss, wrt=(0, 1))(A, B, W)
    ua, ub = tangentlike.grad(contraction_unrolled, wrt=(0, 1))(A, B, W)
    np.testing.assert_allclose(ga, ua, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gb, ub, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ga, central(contraction_loss, (A, B, W), 0), rtol=1e-6)
    np.testing.assert_allclose(gb, central(contraction_loss, (A, B, W), 1), rtol=1e-6)


def test_contraction_called_again_and_value_and_grad():
    g = tangentlike.value_and_grad(contraction_loss, wrt=(0, 1))
    for a in (A, A * 0.5, A):  # a version by shape runs from the second call on
        value, (ga, gb) = g(a, B, W)
        assert value == pytest.approx(contraction_loss(a, B, W), rel=1e-12)
        np.testing.assert_allclose(ga, central(contraction_loss, (a, B, W), 0), rtol=1e-6)


def test_contraction_forward_mode_matches_reverse():
    ga, gb = tangentlike.grad(contraction_loss, wrt=(0, 1))(A, B, W)
    jvp = tangentlike.jvp(contraction_loss, wrt=(0, 1))
    rng = np.random.default_rng(0)
    for _ in range(3):
        da, db = rng.normal(size=3), float(rng.normal())
        _, tangent = jvp((A, B, W), (da, db))
        assert tangent == pytest.approx(ga @ da + gb * db, rel=1e-10, abs=1e-12)


def test_derivative_iterations_stop_relative_to_their_scale():
    """A large seed scales the derivative exactly (the derivative iterations stop relative
    to their norm: a rounding error of ~1e8 * 1e-16 is above tol = 1e-13)."""
    def big(a):
        return 1e8 * np.sum(fixed_point(contraction, np.zeros(3), a, B, tol=TOL))

    def small(a):
        return np.sum(fixed_point(contraction, np.zeros(3), a, B, tol=TOL))

    np.testing.assert_allclose(tangentlike.grad(big)(A), 1e8 * tangentlike.grad(small)(A),
                               rtol=1e-10)
    _, tangent = tangentlike.jvp(big)((A,), (np.ones(3) * 1e8,))
    assert tangent == pytest.approx(1e16 * np.sum(tangentlike.grad(small)(A)), rel=1e-10)


def test_jacobians_of_the_fixed_point_both_modes():
    def solve(a):
        return fixed_point(contraction, np.zeros(3), a, B, tol=TOL)

    def unrolled(a):
        z = np.zeros(3)
        for _ in range(80):
            z = contraction(z, a, B)
        return z

    expected = tangentlike.jacobian(unrolled)(A)
    np.testing.assert_allclose(tangentlike.jacrev(solve)(A), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tangentlike.jacfwd(solve)(A), expected, rtol=1e-10, atol=1e-12)


def test_vjp_and_z0_gets_no_gradient():
    def solve(z0, a):
        return fixed_point(contraction, z0, a, B, tol=TOL)

    value, back = tangentlike.vjp(solve, np.ones(3), A)
    bz0, ba = back(W)
    assert np.all(bz0 == 0)
    ja = tangentlike.jacobian(solve, wrt=1)(np.ones(3), A)
    np.testing.assert_allclose(ba, W @ ja, rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# Newton's method: cube roots, x <- x - (x^3 - c) / (3 x^2).  d step/dx = 0 at the root, so
# one-step differentiation is exact too.

def newton_step(x, c):
    return x - (x ** 3 - c) / (3.0 * x ** 2)


def cbrt_implicit(c):
    return fixed_point(newton_step, np.ones_like(c), c, tol=1e-14)


def cbrt_one_step(c):
    return fixed_point(newton_step, np.ones_like(c), c, tol=1e-14, method="one_step")


C = np.array([2.0, 5.0, 0.7])


@pytest.mark.parametrize("solve", [cbrt_implicit, cbrt_one_step])
def test_newton_against_closed_form_and_finite_differences(solve):
    exact = C ** (-2.0 / 3.0) / 3.0  # d c^(1/3) / dc

    def loss(c):
        return np.sum(solve(c))

    np.testing.assert_allclose(tangentlike.grad(loss)(C), exact, rtol=1e-10)
    np.testing.assert_allclose(central(loss, (C,), 0), exact, rtol=1e-6)
    _, tangent = tangentlike.jvp(solve)((C,), (np.ones(3),))
    np.testing.assert_allclose(tangent, exact, rtol=1e-10)


def test_newton_against_unrolled():
    def unrolled(c):
        x = np.ones_like(c)
        for _ in range(12):
            x = newton_step(x, c)
        return np.sum(x)

    np.testing.assert_allclose(tangentlike.grad(lambda c: np.sum(cbrt_implicit(c)))(C),
                               tangentlike.grad(unrolled)(C), rtol=1e-10)


def test_newton_on_python_floats():
    assert tangentlike.grad(cbrt_one_step)(2.0) == pytest.approx(2.0 ** (-2 / 3) / 3,
                                                                 rel=1e-12)


def test_one_step_is_not_exact_for_a_contraction():
    """For a map whose d step/dz is not 0 at z*, one-step gives only d step/d params."""
    def one_step(a):
        return np.sum(fixed_point(contraction, np.zeros(3), a, B, tol=TOL,
                                  method="one_step"))

    z = fixed_point(contraction, np.zeros(3), A, B, tol=TOL)
    np.testing.assert_allclose(tangentlike.grad(one_step)(A), np.full(3, B), rtol=1e-12)
    implicit = B / (1 - 0.5 * (1 - np.tanh(z) ** 2))
    np.testing.assert_allclose(central(lambda a: np.sum(fixed_point(
        contraction, np.zeros(3), a, B, tol=TOL)), (A,), 0), implicit, rtol=1e-6)
    assert not np.allclose(implicit, B)


# ---------------------------------------------------------------------------------------------
# A small linear system by Richardson's iteration z <- z - omega (M z - r): z* = M^-1 r.

RNG = np.random.default_rng(19)
M = np.eye(4) * 3.0 + RNG.normal(scale=0.3, size=(4, 4))
R = RNG.normal(size=4)


def richardson(z, m, r):
    return z - 0.25 * (m @ z - r)


def linear_loss(m, r, w):
    z = fixed_point(richardson, np.zeros(4), m, r, tol=TOL, max_iter=5000)
    return np.sum(w * z)


def test_linear_system_against_closed_form_unrolled_and_finite_differences():
    w = RNG.normal(size=4)
    bm, br = tangentlike.grad(linear_loss, wrt=(0, 1))(M, R, w)
    z = np.linalg.solve(M, R)
    exact_r = np.linalg.solve(M.T, w)
    np.testing.assert_allclose(br, exact_r, rtol=1e-9)
    np.testing.assert_allclose(bm, -np.outer(exact_r, z), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(bm, central(linear_loss, (M, R, w), 0), rtol=1e-5, atol=1e-8)

    def unrolled(m, r, w):
        z = np.zeros(4)
        for _ in range(200):
            z = richardson(z, m, r)
        return np.sum(w * z)

    um, ur = tangentlike.grad(unrolled, wrt=(0, 1))(M, R, w)
    np.testing.assert_allclose(bm, um, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(br, ur, rtol=1e-9, atol=1e-12)
    _, tangent = tangentlike.jvp(linear_loss, wrt=(0, 1))((M, R, w), (np.eye(4), R))
    assert tangent == pytest.approx(np.sum(bm * np.eye(4)) + br @ R, rel=1e-9)


# ---------------------------------------------------------------------------------------------
# Steps as lambdas and closures; params that carry no derivative.

def test_lambda_and_closure_steps():
    def with_lambda(a):
        return fixed_point(lambda z, a: 0.5 * np.cos(z) + a, 0.0, a, tol=TOL)

    def with_closure(a):
        c = 0.4

        def step(z, a):
            return c * np.cos(z) + a
        return fixed_point(step, 0.0, a, tol=TOL)

    for f in (with_lambda, with_closure):
        assert tangentlike.grad(f)(0.3) == pytest.approx(central(f, (0.3,), 0), rel=1e-6)


def test_an_integer_param_is_held_constant():
    def step(z, a, n):
        return np.cos(z) / n + a

    def f(a, n):
        return fixed_point(step, 0.0, a, n, tol=TOL)

    assert tangentlike.grad(f)(0.3, 3) == pytest.approx(central(f, (0.3, 3), 0), rel=1e-6)


@dataclasses.dataclass
class Weights:
    W: np.ndarray
    b: np.ndarray


WEIGHTS = Weights(np.array([[0.5, -0.2], [0.1, 0.4]]), np.array([0.3, -0.6]))


def tuple_step(z, p):
    W, b = p
    return 0.3 * np.tanh(W @ z) + b


def tuple_loss(W, b):
    return np.sum(fixed_point(tuple_step, np.zeros(2), (W, b), tol=TOL) ** 2)


def dataclass_step(z, p):
    return 0.3 * np.tanh(p.W @ z) + p.b


def dataclass_loss(p):
    return np.sum(fixed_point(dataclass_step, np.zeros(2), p, tol=TOL) ** 2)


def test_params_in_a_tuple_and_a_dataclass():
    W, b = WEIGHTS.W, WEIGHTS.b
    gW, gb = tangentlike.grad(tuple_loss, wrt=(0, 1))(W, b)
    np.testing.assert_allclose(gW, central(tuple_loss, (W, b), 0), rtol=1e-6)
    np.testing.assert_allclose(gb, central(tuple_loss, (W, b), 1), rtol=1e-6)
    grads = tangentlike.grad(dataclass_loss)(WEIGHTS)
    assert type(grads) is Weights
    np.testing.assert_allclose(grads.W, gW, rtol=1e-10)
    np.testing.assert_allclose(grads.b, gb, rtol=1e-10)
    _, tangent = tangentlike.jvp(tuple_loss, wrt=(0, 1))((W, b), (np.ones((2, 2)), b))
    assert tangent == pytest.approx(np.sum(gW) + gb @ b, rel=1e-9)


def test_closure_over_a_differentiated_value_is_refused():
    def f(a):
        def step(z):
            return 0.5 * np.cos(z) + a
        return fixed_point(step, 0.0)

    with pytest.raises(tangentlike.TangentlikeError, match="function value"):
        tangentlike.grad(f)(0.3)


# ---------------------------------------------------------------------------------------------
# Refusals: no convergence, second order.

def test_no_convergence_raises():
    with pytest.raises(ConvergenceError, match="max_iter=5"):
        fixed_point(contraction, np.zeros(3), A, B, max_iter=5)

    def expanding(z, a):
        return 2.0 * z + a

    def f(a):
        return fixed_point(expanding, 0.0, a, max_iter=50)

    with pytest.raises(ConvergenceError):
        f(0.3)


def test_adjoint_iteration_that_does_not_converge_raises():
    # z* = 0 is a fixed point of z <- 3 z - z^3 + a (at a = 0) that z0 = 0 reaches at once,
    # but d step/dz = 3 there: the adjoint iteration diverges.
    def step(z, a):
        return 3.0 * z - z ** 3 + a

    def f(a):
        return fixed_point(step, 0.0, a, max_iter=100)

    with pytest.raises(ConvergenceError, match="adjoint iteration"):
        tangentlike.grad(f)(0.0)
    with pytest.raises(ConvergenceError, match="tangent iteration"):
        tangentlike.jvp(f)((0.0,), (1.0,))


def test_second_order_is_refused_by_name():
    with pytest.raises(NoDerivativeError, match="fixed_point"):
        tangentlike.hvp(cbrt_implicit)(C, np.ones(3))
    with pytest.raises(NoDerivativeError, match="fixed_point"):
        tangentlike.grad(tangentlike.grad(lambda c: cbrt_implicit(c)))(2.0)


def test_bad_method_is_refused():
    with pytest.raises(tangentlike.ValueRefusedError, match="method"):
        fixed_point(contraction, np.zeros(3), A, B, method="unrolled")


# ---------------------------------------------------------------------------------------------
# Memory does not grow with the number of forward iterations.

N = 2000


def slow(z, a):
    return 0.99 * z + a  # about 2000 iterations to 1e-10


def fast(z, a):
    return 0.1 * z + a  # about 12


def slow_loss(a):
    return np.sum(fixed_point(slow, np.zeros(N), a, tol=1e-10, max_iter=10000))


def fast_loss(a):
    return np.sum(fixed_point(fast, np.zeros(N), a, tol=1e-10, max_iter=10000))


def warm_peak_bytes(g, a):
    g(a)  # generated and warm
    return peak_bytes(g, a)


def test_memory_does_not_grow_with_iterations():
    a = np.full(N, 1e-3)
    slow_grad, fast_grad = tangentlike.grad(slow_loss), tangentlike.grad(fast_loss)
    np.testing.assert_allclose(slow_grad(a), np.full(N, 100.0), rtol=1e-7)
    np.testing.assert_allclose(fast_grad(a), np.full(N, 1 / 0.9), rtol=1e-9)
    slow_peak, fast_peak = warm_peak_bytes(slow_grad, a), warm_peak_bytes(fast_grad, a)
    # a few vectors of N float64 (16 KB each) either way; unrolled, ~2000 iterations would
    # keep ~2000 of them (32 MB)
    assert slow_peak < 20 * N * 8, slow_peak
    assert slow_peak < 2 * fast_peak + 8 * N * 8, (slow_peak, fast_peak)
