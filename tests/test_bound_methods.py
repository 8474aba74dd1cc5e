"""A bound method as the differentiated function: ``grad(model.loss)`` is the derivative of
``Model.loss`` called with the model first (tangentlike/api.py ``BoundDerivative``), so it
reads the model's attributes as they are at each call.  ``wrt`` counts the parameters after
``self``.  hvp, hessian, jacobian, vjp, linearize and has_aux take the method as a function
with the object in a closure cell."""
from __future__ import annotations

import numpy as np
import pytest
from support import numerical_grad

import tangentlike

X = np.array([0.3, -0.7, 1.1])
Y = np.array([0.5, 2.0])


class Model:
    def __init__(self, scale: float = 1.0):
        self.W = np.arange(6.0).reshape(2, 3) / 5 * scale
        self.b = np.array([0.1, -0.2])

    def loss(self, x):
        h = np.tanh(self.W @ x + self.b)
        return np.sum(h * h)

    def fit(self, x, y):
        r = self.W @ x - y
        return np.sum(r * r) + 0.1 * np.sum(x * x)

    def with_aux(self, x):
        return self.loss(x), "aux"


def _expected(method, args, wrt=0):
    return numerical_grad(lambda *a: method(*a), list(args), wrt=(wrt,))[0]


def test_grad_of_a_bound_method_reads_the_objects_attributes():
    model = Model()
    df = tangentlike.grad(model.loss)
    for _ in range(3):  # the general version, then the one for these shapes
        np.testing.assert_allclose(df(X), _expected(model.loss, [X]), rtol=1e-6)
    model.W = model.W * 2.0  # the next call sees the new weights
    np.testing.assert_allclose(df(X), _expected(model.loss, [X]), rtol=1e-6)
    assert "def dloss_dx(self, x" in df.source


def test_each_object_gets_its_own_gradient():
    small, large = Model(1.0), Model(3.0)
    np.testing.assert_allclose(tangentlike.grad(large.loss)(X),
                               _expected(large.loss, [X]), rtol=1e-6)
    np.testing.assert_allclose(tangentlike.grad(small.loss)(X),
                               _expected(small.loss, [X]), rtol=1e-6)


@pytest.mark.parametrize("wrt, index", [(1, 1), ("y", 1), (0, 0), ((0, 1), None)])
def test_wrt_counts_the_parameters_after_self(wrt, index):
    model = Model()
    got = tangentlike.grad(model.fit, wrt=wrt)(X, Y)
    if index is None:
        np.testing.assert_allclose(got[0], _expected(model.fit, [X, Y], 0), rtol=1e-6)
        np.testing.assert_allclose(got[1], _expected(model.fit, [X, Y], 1), rtol=1e-6)
    else:
        np.testing.assert_allclose(got, _expected(model.fit, [X, Y], index), rtol=1e-6)


def test_value_and_grad_jvp_and_forward_mode():
    model = Model()
    value, g = tangentlike.value_and_grad(model.loss)(X)
    assert value == model.loss(X)
    v = np.array([1.0, -2.0, 0.5])
    expected = np.dot(_expected(model.loss, [X]), v)
    value, tangent = tangentlike.jvp(model.loss)((X,), (v,))
    assert value == model.loss(X) and tangent == pytest.approx(expected, rel=1e-6)
    forward = tangentlike.autodiff(model.loss, mode="forward")
    assert forward(X, v) == pytest.approx(expected, rel=1e-6)
    assert forward.version_for(X, v).kind in ("general", "shapes")


def _hessian(method, x, h=1e-5):
    return np.array([(_expected(method, [x + h * e]) - _expected(method, [x - h * e])) / (2 * h)
                     for e in np.eye(x.size)])


def test_hvp_jacobian_hessian_vjp_linearize_and_has_aux_take_a_bound_method():
    """The object in a closure cell (``lifting.bound_as_function``): its attributes are read
    at each call."""
    model = Model()
    v = np.array([1.0, -2.0, 0.5])
    for _ in range(2):
        H = _hessian(model.loss, X)
        np.testing.assert_allclose(tangentlike.hvp(model.loss)(X, v), H @ v, rtol=1e-4,
                                   atol=1e-6)
        np.testing.assert_allclose(tangentlike.hessian(model.loss)(X), H, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(tangentlike.jacobian(model.fit)(X, Y),
                                   _expected(model.fit, [X, Y], 0), rtol=1e-6)
        value, back = tangentlike.vjp(model.loss, X)
        assert value == model.loss(X)
        np.testing.assert_allclose(back(1.0)[0], _expected(model.loss, [X]), rtol=1e-6)
        value, forward = tangentlike.linearize(model.loss, X)
        assert forward(v) == pytest.approx(_expected(model.loss, [X]) @ v, rel=1e-6)
        g, aux = tangentlike.grad(model.with_aux, has_aux=True)(X)
        np.testing.assert_allclose(g, _expected(model.loss, [X]), rtol=1e-6)
        assert aux == "aux"
        model.W = model.W * 1.5  # read again at the next call
