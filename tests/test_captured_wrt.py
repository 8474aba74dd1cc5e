"""A closure's captured values as ``wrt`` in every API that takes one: ``jvp``, ``hvp``,
``jacobian`` (``jacfwd``, ``jacrev``) and ``hessian`` differentiate the closure with those
free variables as keyword-only parameters, called with the cells' values at each call
(``grad``, ``value_and_grad`` and ``autodiff``: tests/test_globals_closures.py).  ``vjp`` and
``linearize``, which take no ``wrt``, refuse one naming a captured value.  Each is checked
against central finite differences."""
from __future__ import annotations

import captured_functions as cf
import numpy as np
import pytest

import tangentlike
from tangentlike.errors import InputError

DATA = np.array([[1.0, 2.0, 0.5], [0.5, -1.0, 2.0]])
W = np.array([0.3, -0.2, 0.7])
SCALE = 0.5


def _fd(f, x, h=1e-6):
    """Central differences of f (array- or float-valued) at x: shaped f's + x's."""
    x = np.asarray(x, dtype=float)
    columns = []
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.moveaxis(np.array(columns), 0, -1).reshape(np.shape(f(x)) + x.shape)


def _loss_of_data(d):
    return cf.make_regression(d, SCALE)(W)


def _grad_data(d):
    return tangentlike.grad(cf.make_regression(d, SCALE), wrt="data")(W)


def test_jvp_with_respect_to_captured_values():
    loss = cf.make_regression(DATA, SCALE)
    v = np.ones_like(DATA) * 0.3
    value, tangent = tangentlike.jvp(loss, wrt="data")((W,), (v,))
    assert value == loss(W)
    np.testing.assert_allclose(tangent, np.sum(_fd(_loss_of_data, DATA) * v), rtol=1e-6)
    value, tangent = tangentlike.jvp(loss, wrt=(0, "scale"))((W,), (W, 1.0))
    dscale = _fd(lambda s: cf.make_regression(DATA, s)(W), SCALE)
    np.testing.assert_allclose(tangent, _fd(loss, W) @ W + dscale, rtol=1e-6)


@pytest.mark.parametrize("optimized", [True, False])
def test_hvp_with_respect_to_captured_values(optimized):
    loss = cf.make_regression(DATA, SCALE)
    v = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]])
    got = tangentlike.hvp(loss, wrt="data", optimized=optimized)(W, v)
    np.testing.assert_allclose(got, np.tensordot(_fd(_grad_data, DATA), v, axes=2),
                               rtol=1e-5, atol=1e-8)
    # both blocks: (H_ww v_w + H_ws v_s, H_sw v_w + H_ss v_s)
    hw, hs = tangentlike.hvp(loss, wrt=(0, "scale"), optimized=optimized)(W, (W, 2.0))
    g = tangentlike.grad(loss, wrt=(0, "scale"))

    def both(w, s):
        return tangentlike.grad(cf.make_regression(DATA, s), wrt=(0, "scale"))(w)
    fd_w = _fd(lambda w: both(w, SCALE)[0], W) @ W + _fd(lambda s: both(W, s)[0], SCALE) * 2.0
    fd_s = _fd(lambda w: both(w, SCALE)[1], W) @ W + _fd(lambda s: both(W, s)[1], SCALE) * 2.0
    np.testing.assert_allclose(hw, fd_w, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(hs, fd_s, rtol=1e-5, atol=1e-8)
    assert g(W)[1] == pytest.approx(float(_fd(lambda s: cf.make_regression(DATA, s)(W),
                                              SCALE)), rel=1e-6)


@pytest.mark.parametrize("mode", ["forward", "reverse", None])
def test_jacobian_with_respect_to_captured_values(mode):
    predict = cf.make_model(DATA)
    got = tangentlike.jacobian(predict, wrt="data", mode=mode)(W)
    expected = _fd(lambda d: cf.make_model(d)(W), DATA)
    assert got.shape == (2, 2, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
    jw, jd = tangentlike.jacobian(predict, wrt=(0, "data"), mode=mode)(W)
    np.testing.assert_allclose(jw, _fd(predict, W), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(jd, expected, rtol=1e-6, atol=1e-9)


def test_jacfwd_and_jacrev_take_a_captured_name():
    predict = cf.make_model(DATA)
    expected = _fd(lambda d: cf.make_model(d)(W), DATA)
    for jac in (tangentlike.jacfwd, tangentlike.jacrev):
        np.testing.assert_allclose(jac(predict, argnums="data")(W), expected, rtol=1e-6,
                                   atol=1e-9)


def test_hessian_with_respect_to_captured_values():
    loss = cf.make_regression(DATA, SCALE)
    # loss is quadratic in scale: 2 sum(sin(data))
    assert tangentlike.hessian(loss, wrt="scale")(W) == pytest.approx(
        2 * np.sum(np.sin(DATA)), rel=1e-12)
    np.testing.assert_allclose(tangentlike.hessian(loss, wrt="data")(W),
                               _fd(_grad_data, DATA), rtol=1e-5, atol=1e-8)
    (h_ww, h_wd), (h_dw, h_dd) = tangentlike.hessian(loss, wrt=(0, "data"))(W)
    assert h_wd.shape == (3, 2, 3) and h_dw.shape == (2, 3, 3)
    np.testing.assert_allclose(
        h_wd, _fd(lambda d: tangentlike.grad(cf.make_regression(d, SCALE))(W), DATA),
        rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(h_dw, np.moveaxis(h_wd, 0, -1), rtol=1e-10, atol=1e-12)


def test_captured_values_are_read_at_each_call():
    data = DATA.copy()

    def loss(w):
        return np.sum((data @ w) ** 2)
    hessian = tangentlike.hessian(loss, wrt="data")
    first = hessian(W)
    data = DATA * 2.0  # noqa: F841  (the closure's cell: the derivative reads the new value)
    np.testing.assert_allclose(hessian(W), first, rtol=1e-12)  # quadratic in data
    jvp = tangentlike.jvp(loss, wrt=0)
    assert jvp((W,), (W,))[0] == loss(W)


@pytest.mark.parametrize("api", [tangentlike.vjp, tangentlike.linearize])
def test_vjp_and_linearize_take_no_wrt_and_name_the_captured_value(api):
    loss = cf.make_regression(DATA, SCALE)
    with pytest.raises(InputError, match="captured \\(data\\)") as info:
        api(loss, W, wrt="data")
    assert "jacobian(loss, wrt='data')" in info.value.hint
    with pytest.raises(InputError, match="takes no 'wrt'"):
        api(cf.keyword_only, W, wrt=0)


def test_hvp_by_index_of_a_keyword_only_parameter():
    """The gradient puts its seed before keyword-only parameters: hvp's forward pass names
    the argument rather than counting (once the index of the seed, a wrong product)."""
    x = np.array([0.4, -1.0])
    got = tangentlike.hvp(cf.keyword_only, wrt=1)(x, 0.5, y=1.5)
    assert got == pytest.approx(2 * np.sum(np.sin(x)) * 0.5, rel=1e-12)
