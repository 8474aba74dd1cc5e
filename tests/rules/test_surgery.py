"""Gradient surgery: ``with tangentlike.insert_grad_of(x) as dx:`` and
``tangentlike.stop_gradient``.

The block of ``insert_grad_of(x)`` runs in the backward pass with ``dx`` bound to the gradient
flowing into ``x`` from the code after the block; what it leaves in ``dx`` flows on.  Run as
plain Python, the block runs once on a zero gradient.  ``stop_gradient(x)`` is ``x`` with no
derivative flowing back.

Every case runs in the four (optimized, motion) combinations.  Blocks that change ``dx`` are
checked against closed forms (finite differences see the unmodified function); blocks that only
look at ``dx`` (print, record) must leave the gradient equal to central finite differences
(``|g - g_fd| <= 1e-7 + 1e-5 |g_fd|``) and see the adjoint computed by hand.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import surgery_functions as S
from support import MODE_IDS, MODES, as_tuple, check_grad, numerical_grad

import tangentlike

MODE = pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)

X3 = np.array([0.3, 0.5, -0.2])
W3 = np.array([1.0, 0.5, 0.2])


def grad(fn, mode: tuple[bool, str], wrt: tuple[int, ...] = (0,)):
    optimized, motion = mode
    return tangentlike.grad(fn, wrt=wrt, optimized=optimized, motion=motion)


@pytest.fixture
def recorded() -> Iterator[list]:
    """``surgery_functions.RECORDED``, empty before and after the test."""
    S.RECORDED.clear()
    yield S.RECORDED
    S.RECORDED.clear()


# -- rescaling -----------------------------------------------------------------------------------


@MODE
def test_scale_intermediate_doubles_its_part(mode: tuple[bool, str]) -> None:
    """``f = sum(sin(x)**2) + sum(3 x)``: the part through ``h = sin(x)`` (``2 h cos x``)
    doubles, the direct part (3) does not."""
    g = grad(S.scale_intermediate, mode)(X3)
    through_h = 2.0 * np.sin(X3) * np.cos(X3)
    np.testing.assert_allclose(g, 2.0 * through_h + 3.0, rtol=1e-13)
    # the same statement, from finite differences of the unmodified function
    (plain,) = numerical_grad(S.scale_intermediate, (X3,), (0,))
    np.testing.assert_allclose(g - plain, through_h, rtol=1e-5, atol=1e-7)


@MODE
def test_scale_argument_after_block_only(mode: tuple[bool, str]) -> None:
    """``f = sum(x y) + sum(sin(x) y)`` with ``dx`` doubled between the two terms: only the
    term after the block is doubled; ``y``'s gradient is unchanged."""
    gx, gy = grad(S.scale_argument, mode, (0, 1))(X3, W3)
    np.testing.assert_allclose(gx, W3 + 2.0 * np.cos(X3) * W3, rtol=1e-13)
    np.testing.assert_allclose(gy, X3 + np.sin(X3), rtol=1e-13)


@MODE
def test_zeroing_keeps_uses_before_the_block(mode: tuple[bool, str]) -> None:
    """``a = sum(2 h)`` before the block, ``sum(h * h)`` after it, the block zeroes ``dh``:
    the gradient is ``2 cos x`` from the use before."""
    g = grad(S.zero_after_block, mode)(X3)
    np.testing.assert_allclose(g, 2.0 * np.cos(X3), rtol=1e-13)


@MODE
def test_scale_in_loop_once_per_iteration(mode: tuple[bool, str]) -> None:
    """Three ``h = sin(h)`` steps, each halving the gradient: ``0.5**3 prod cos(h_k)``."""
    g = grad(S.scale_in_loop, mode)(X3)
    h, chain = X3.copy(), np.ones(3)
    for _ in range(3):
        chain = chain * np.cos(h)
        h = np.sin(h)
    np.testing.assert_allclose(g, 0.125 * chain, rtol=1e-13)


@MODE
def test_surgery_in_helper(mode: tuple[bool, str]) -> None:
    """In a differentiated helper: ``2 (2 sin x cos x) + 1``."""
    g = grad(S.surgery_in_helper, mode)(X3)
    np.testing.assert_allclose(g, 4.0 * np.sin(X3) * np.cos(X3) + 1.0, rtol=1e-13)


@pytest.mark.parametrize("mode", [pytest.param(mode, id=mode_id)
                                  for mode, mode_id in zip(MODES, MODE_IDS)])
@pytest.mark.parametrize("sign, factor", [(1.0, 2.0), (-1.0, 1.0)], ids=["taken", "not-taken"])
def test_surgery_in_branch(sign: float, factor: float, mode: tuple[bool, str]) -> None:
    """Doubled when the branch is taken, unchanged otherwise."""
    x = sign * X3 + sign * 0.1
    g = grad(S.surgery_in_branch, mode)(x)
    np.testing.assert_allclose(g, factor * 2.0 * np.sin(x) * np.cos(x), rtol=1e-13)


@MODE
def test_surgery_on_float_argument(mode: tuple[bool, str]) -> None:
    """``3 a**2`` with ``da`` doubled: ``12 a``."""
    assert grad(S.surgery_on_float, mode)(1.5) == 18.0


# -- clipping ------------------------------------------------------------------------------------


@MODE
def test_clip(mode: tuple[bool, str]) -> None:
    """``f = sum(h**2)``, ``h = W x``, ``dh = clip(2 h, -1, 1)``: ``dx = W^T dh``,
    ``dW = outer(dh, x)``.  The inputs clip some components and not others."""
    W = np.array([[1.0, 0.5, -0.5], [0.2, 0.1, 0.0], [-2.0, 1.0, 0.5], [0.1, -0.3, 0.4]])
    x = np.array([0.8, -0.4, 0.6])
    h = W @ x
    dh = np.clip(2.0 * h, -1.0, 1.0)
    assert np.any(np.abs(2.0 * h) > 1.0) and np.any(np.abs(2.0 * h) < 1.0)
    gx, gW = grad(S.clip_intermediate, mode, (0, 1))(x, W)
    np.testing.assert_allclose(gx, W.T @ dh, rtol=1e-13)
    np.testing.assert_allclose(gW, np.outer(dh, x), rtol=1e-13)


@MODE
def test_clip_inactive_when_small(mode: tuple[bool, str]) -> None:
    """When no component exceeds the bound, clipping changes nothing: finite differences."""
    W = np.array([[0.1, 0.05], [0.02, -0.1]])
    x = np.array([0.3, -0.2])
    assert np.all(np.abs(2.0 * W @ x) < 1.0)
    optimized, motion = mode
    check_grad(S.clip_intermediate, (x, W), (0, 1), optimized=optimized, motion=motion)


# -- printing ------------------------------------------------------------------------------------


@MODE
def test_print_shows_the_adjoint(mode: tuple[bool, str], capsys: pytest.CaptureFixture) -> None:
    """``h = x * x``, ``f = sum(h * h)``: the adjoint of ``h`` is ``2 h = 2 x**2``, exact for
    these inputs, printed once; the gradient is unchanged (``4 x**3``)."""
    x = np.array([0.5, 1.5, -2.0])
    df = grad(S.print_adjoint, mode)
    capsys.readouterr()
    g = df(x)
    out = capsys.readouterr().out
    assert out == f"adjoint of h: {np.array([0.5, 4.5, 8.0])}\n"
    np.testing.assert_array_equal(g, 4.0 * x ** 3)


@MODE
def test_print_scalar_with_fstring(mode: tuple[bool, str],
                                   capsys: pytest.CaptureFixture) -> None:
    """``h = 3 a``, ``f = h * h``: ``dh = 2 h = 7.5`` at ``a = 1.25``; ``df/da = 18 a``."""
    df = grad(S.print_scalar_adjoint, mode)
    capsys.readouterr()
    g = df(1.25)
    assert capsys.readouterr().out == "dh=7.5000\n"
    assert g == pytest.approx(22.5, rel=1e-14)


@pytest.mark.parametrize("optimized", [True, False], ids=["opt", "noopt"])
def test_print_split_motion_prints_in_backward(optimized: bool,
                                              capsys: pytest.CaptureFixture) -> None:
    """With split motion, the forward half prints nothing; the backward half prints."""
    df = tangentlike.autodiff(S.print_adjoint, optimized=optimized, motion="split",
                              input_derivative=tangentlike.INPUT_DERIVATIVE.DefaultOne)
    x = np.array([0.5, 1.5, -2.0])
    capsys.readouterr()
    value, saved = df.forward(x)
    assert capsys.readouterr().out == ""
    assert value == pytest.approx(np.sum(x ** 4))
    g = df.backward(saved, x, 1.0)
    assert capsys.readouterr().out == f"adjoint of h: {np.array([0.5, 4.5, 8.0])}\n"
    np.testing.assert_array_equal(g, 4.0 * x ** 3)


# -- recording -----------------------------------------------------------------------------------


@MODE
def test_record_adjoint(mode: tuple[bool, str], recorded: list) -> None:
    """``h = tanh(x w)``, ``f = sum(h w) + sum(h**2)``: the adjoint of ``h`` is ``w + 2 h``,
    recorded once; the gradient equals finite differences."""
    g = grad(S.record_adjoint, mode)(X3, W3)
    h = np.tanh(X3 * W3)
    dh = W3 + 2.0 * h
    assert len(recorded) == 1
    np.testing.assert_allclose(recorded[0], dh, rtol=1e-14)
    np.testing.assert_allclose(g, dh * (1.0 - h ** 2) * W3, rtol=1e-13)
    optimized, motion = mode
    (checked,) = check_grad(S.record_adjoint, (X3, W3), (0,), optimized=optimized,
                            motion=motion)
    np.testing.assert_array_equal(checked, g)


@MODE
def test_record_with_seed(mode: tuple[bool, str], recorded: list) -> None:
    """The recorded adjoint scales with the output seed."""
    g = grad(S.record_adjoint, mode)(X3, W3, init_grad=2.5)
    h = np.tanh(X3 * W3)
    assert len(recorded) == 1
    np.testing.assert_allclose(recorded[0], 2.5 * (W3 + 2.0 * h), rtol=1e-14)
    np.testing.assert_allclose(g, 2.5 * (W3 + 2.0 * h) * (1.0 - h ** 2) * W3, rtol=1e-13)


@MODE
def test_record_in_loop_reverse_order(mode: tuple[bool, str], recorded: list) -> None:
    """``h = x**4`` by three multiplications: the block runs once per iteration, last
    iteration first, on the adjoint ``x**(2 - i)`` (exact for ``x = 1.5``)."""
    g = grad(S.record_in_loop, mode)(1.5)
    assert recorded == [(2, 1.0), (1, 1.5), (0, 2.25)]
    assert g == 4.0 * 1.5 ** 3


@MODE
def test_block_in_loop_sees_its_iteration(mode: tuple[bool, str], recorded: list) -> None:
    """The backward pass replays iterations in reverse, so the block of iteration ``i`` sees
    that iteration's values: ``s = 2 i`` and ``h = x**(i + 2)`` (a regression test: the block's
    reads were once not saved per iteration, so every trip saw the last ``s``)."""
    g = grad(S.record_loop_values, mode)(1.5)
    assert recorded == [(4.0, 1.5 ** 4, 1.0), (2.0, 1.5 ** 3, 1.5), (0.0, 1.5 ** 2, 2.25)]
    assert g == 4.0 * 1.5 ** 3


@MODE
def test_block_in_loop_scales_by_its_iteration(mode: tuple[bool, str]) -> None:
    """``h = x**4`` by three multiplications, the adjoint after iteration ``i`` scaled by
    ``s_i = (i + 1) x``: ``dx = 3 x**4 + 6 x**5 + 12 x**6`` (by hand, the scale taken as
    a constant)."""
    x = 1.5
    g = grad(S.scale_by_loop_value, mode)(x)
    assert g == pytest.approx(3 * x ** 4 + 6 * x ** 5 + 12 * x ** 6, rel=1e-13)


# -- plain execution -----------------------------------------------------------------------------


def test_plain_execution_runs_block_once_on_zeros(recorded: list) -> None:
    value = S.record_adjoint(X3, W3)
    h = np.tanh(X3 * W3)
    assert value == pytest.approx(np.sum(h * W3) + np.sum(h ** 2), rel=1e-15)
    assert len(recorded) == 1
    assert isinstance(recorded[0], np.ndarray) and recorded[0].shape == (3,)
    np.testing.assert_array_equal(recorded[0], np.zeros(3))


def test_plain_execution_loop_runs_block_each_iteration(recorded: list) -> None:
    assert S.record_in_loop(1.5) == 1.5 ** 4
    assert recorded == [(0, 0.0), (1, 0.0), (2, 0.0)]


def test_plain_execution_prints_zeros(capsys: pytest.CaptureFixture) -> None:
    x = np.array([0.5, 1.5, -2.0])
    assert S.print_adjoint(x) == pytest.approx(np.sum(x ** 4))
    assert capsys.readouterr().out == f"adjoint of h: {np.zeros(3)}\n"
    assert S.print_scalar_adjoint(1.25) == pytest.approx(3.75 ** 2)
    assert capsys.readouterr().out == "dh=0.0000\n"


def test_plain_execution_values_unchanged_by_surgery() -> None:
    """Rescaling or clipping a zero gradient does nothing to the value."""
    assert S.scale_intermediate(X3) == pytest.approx(np.sum(np.sin(X3) ** 2) + 3 * np.sum(X3))
    assert S.scale_argument(X3, W3) == pytest.approx(np.sum(X3 * W3 + np.sin(X3) * W3))
    assert S.stop_term(X3) == pytest.approx(np.sum(X3 * X3) + np.sum(np.sin(X3)))


@MODE
def test_preserve_result_with_surgery(mode: tuple[bool, str]) -> None:
    optimized, motion = mode
    df = tangentlike.grad(S.scale_intermediate, optimized=optimized, motion=motion,
                          preserve_result=True)
    g, value = df(X3)
    assert value == pytest.approx(S.scale_intermediate(X3), rel=1e-14)
    np.testing.assert_allclose(g, 4.0 * np.sin(X3) * np.cos(X3) + 3.0, rtol=1e-13)


# -- stop_gradient -------------------------------------------------------------------------------


@MODE
def test_stop_gradient_term(mode: tuple[bool, str]) -> None:
    """``sum(x * stop(x)) + sum(stop(sin x))`` has gradient ``x``."""
    g = grad(S.stop_term, mode)(X3)
    np.testing.assert_allclose(g, X3, rtol=1e-15)


@MODE
def test_stop_gradient_in_product(mode: tuple[bool, str]) -> None:
    """``c = stop(a b)``, ``f = sum(c a) + sum(tanh(c) b)``: ``da = a b``, ``db = tanh(a b)``,
    and the same as finite differences with ``c`` passed in as a constant."""
    a, b = X3, W3
    ga, gb = as_tuple(grad(S.stop_in_product, mode, (0, 1))(a, b), 2)
    np.testing.assert_allclose(ga, a * b, rtol=1e-15)
    np.testing.assert_allclose(gb, np.tanh(a * b), rtol=1e-15)
    fa, fb = numerical_grad(S.stop_in_product_reference, (a, b, a * b), (0, 1))
    np.testing.assert_allclose(ga, fa, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gb, fb, rtol=1e-5, atol=1e-7)


@MODE
def test_stop_gradient_array_in_matmul(mode: tuple[bool, str]) -> None:
    """``f = sum((W @ stop(x)) * x)``: ``dW = outer(x, x)``, ``dx = W @ x``."""
    W = np.array([[0.5, -1.0, 0.2], [0.3, 0.4, -0.6], [1.1, 0.0, 0.7]])
    gW, gx = grad(S.stop_matmul, mode, (0, 1))(W, X3)
    np.testing.assert_allclose(gW, np.outer(X3, X3), rtol=1e-14)
    np.testing.assert_allclose(gx, W @ X3, rtol=1e-14)


def test_stop_gradient_plain_value() -> None:
    x = np.array([1.0, 2.0])
    assert tangentlike.stop_gradient(x) is x
    assert tangentlike.stop_gradient(1.5) == 1.5


@MODE
def test_stop_gradient_in_loop(mode: tuple[bool, str]) -> None:
    """``h = h * stop(h) + x`` three times: ``d_{k+1} = d_k h_k + 1`` from ``d_0 = 1``."""
    g = grad(S.stop_in_loop, mode)(X3)
    h, d = X3.copy(), np.ones(3)
    for _ in range(3):
        d, h = d * h + 1.0, h * h + X3
    np.testing.assert_allclose(g, d, rtol=1e-14)


@MODE
def test_stop_gradient_dict_leaf(mode: tuple[bool, str]) -> None:
    """``sum(stop(w) w x)``: ``dp = {'w': w x}``, ``dx = w**2``."""
    w = 2.0 * X3
    gp, gx = grad(S.stop_dict_leaf, mode, (0, 1))({"w": w}, X3)
    assert type(gp) is dict and set(gp) == {"w"}
    np.testing.assert_allclose(gp["w"], w * X3, rtol=1e-15)
    np.testing.assert_allclose(gx, w * w, rtol=1e-15)
