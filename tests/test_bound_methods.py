"""A bound method as the differentiated function: ``grad(model.loss)`` is the derivative of
``Model.loss`` called with the model first (tangentlike/api.py ``BoundDerivative``), so it
reads the model's attributes as they are at each call.  ``wrt`` counts the parameters after
``self``.  The functions that do not take bound methods yet refuse them by name."""
from __future__ import annotations

import numpy as np
import pytest
from support import numerical_grad

import tangentlike
from tangentlike.errors import InputError

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


@pytest.mark.parametrize("call", [
    lambda m: tangentlike.hvp(m.loss)(X, X),
    lambda m: tangentlike.jacobian(m.loss)(X),
    lambda m: tangentlike.vjp(m.loss, X),
    lambda m: tangentlike.grad(m.loss, has_aux=True)(X),
], ids=["hvp", "jacobian", "vjp", "has_aux"])
def test_what_does_not_take_a_bound_method_yet_says_so(call):
    with pytest.raises(InputError, match="bound method .*Model.loss"):
        call(Model())
