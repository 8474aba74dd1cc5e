"""A method of a value that carries a derivative (``p.forward(x)``, ``p(x)``, ``p`` a
differentiated dataclass, named tuple or registered class): the derivative calls the class's
function with ``p`` as its first, differentiated, argument, found when the call runs
(``call_forward(method_of(p, 'forward'), (0, 1), p, x)``).  Gradients with respect to ``p``
and ``x``, forward mode, hvp and grad of grad, against central finite differences; a method
that is not a function of the class is refused when it runs."""
from __future__ import annotations

import method_functions as mf
import numpy as np
import pytest

import tangentlike
from tangentlike.errors import ValueRefusedError

RNG = np.random.default_rng(7)
X = np.array([0.3, -0.7, 1.1])
DENSE = mf.Dense(RNG.normal(size=(3, 2)), RNG.normal(size=2))
PAIR = mf.Pair(RNG.normal(size=(3, 2)), RNG.normal(size=2))
BOX = mf.Box(RNG.normal(size=(3, 2)), "box")


def _leaves(p) -> list[np.ndarray]:
    return [p.W] if isinstance(p, mf.Box) else [p.W, p.b]


def _rebuilt(p, leaves):
    if isinstance(p, mf.Box):
        return mf.Box(leaves[0], p.label)
    return type(p)(*leaves)


def _flat(p) -> np.ndarray:
    return np.concatenate([np.ravel(leaf) for leaf in _leaves(p)])


def _from_flat(p, vector):
    out, at = [], 0
    for leaf in _leaves(p):
        out.append(vector[at:at + leaf.size].reshape(leaf.shape))
        at += leaf.size
    return _rebuilt(p, out)


def _fd(f, vector, h=1e-6):
    return np.array([(f(vector + h * e) - f(vector - h * e)) / (2 * h)
                     for e in np.eye(vector.size)])


def _fd_p(f, p, x):
    return _fd(lambda v: f(_from_flat(p, v), x), _flat(p))


CASES = [(mf.method, DENSE), (mf.called, DENSE), (mf.method_with_keyword, DENSE),
         (mf.namedtuple_method, PAIR), (mf.registered_method, BOX)]


@pytest.mark.parametrize("f, p", CASES, ids=lambda c: getattr(c, "__name__", ""))
@pytest.mark.parametrize("optimized", [True, False])
def test_gradient_with_respect_to_the_object_and_the_argument(f, p, optimized):
    value, (gp, gx) = tangentlike.value_and_grad(f, wrt=(0, 1), optimized=optimized)(p, X)
    assert value == f(p, X)
    assert type(gp) is type(p)
    np.testing.assert_allclose(_flat(gp), _fd_p(f, p, X), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gx, _fd(lambda x: f(p, x), X), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(_flat(tangentlike.grad(f, optimized=optimized)(p, X)),
                               _flat(gp), rtol=1e-12)


@pytest.mark.parametrize("f, p", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_forward_mode_and_hvp(f, p):
    v = _from_flat(p, RNG.normal(size=_flat(p).size))
    value, tangent = tangentlike.jvp(f, wrt=(0, 1))((p, X), (v, X))
    assert value == f(p, X)
    expected = _fd_p(f, p, X) @ _flat(v) + _fd(lambda x: f(p, x), X) @ X
    np.testing.assert_allclose(tangent, expected, rtol=1e-6, atol=1e-9)
    hv = tangentlike.hvp(f)(p, X, v)
    assert type(hv) is type(p)
    step = 1e-4
    plus = _fd_p(f, _from_flat(p, _flat(p) + step * _flat(v)), X)
    minus = _fd_p(f, _from_flat(p, _flat(p) - step * _flat(v)), X)
    np.testing.assert_allclose(_flat(hv), (plus - minus) / (2 * step), rtol=1e-4, atol=1e-5)


def test_object_built_from_differentiated_values():
    f = mf.built_inside
    np.testing.assert_allclose(tangentlike.grad(f)(X), _fd(f, X), rtol=1e-6, atol=1e-9)
    value, tangent = tangentlike.jvp(f)((X,), (X,))
    assert value == f(X)
    np.testing.assert_allclose(tangent, _fd(f, X) @ X, rtol=1e-6)


def test_grad_of_grad_through_a_method_of_the_object():
    """The gradient with respect to x, differentiated again with respect to x."""
    def first(x):
        return tangentlike.grad(mf.method, wrt=1)(DENSE, x)
    twice = tangentlike.jacobian(tangentlike.grad(mf.method, wrt=1), wrt=1)(DENSE, X)
    np.testing.assert_allclose(twice, _fd(first, X).T, rtol=1e-5, atol=1e-8)


def test_derivative_code_passes_the_object_to_the_class_function():
    source = tangentlike.grad(mf.method, wrt=(0, 1)).source
    assert "call_forward(method_of(p, 'forward'), (0, 1), p, x)" in source
    assert "bp, bx = call_backward(" in source


@pytest.mark.parametrize("f", [mf.staticmethod_called, mf.field_called],
                         ids=lambda f: f.__name__)
def test_method_that_is_not_a_function_of_the_class_is_refused_when_it_runs(f):
    p = mf.Holder(RNG.normal(size=3), np.sin)
    with pytest.raises(ValueRefusedError, match="not a method defined with def") as info:
        tangentlike.grad(f)(p, X)
    assert info.value.hint


@pytest.mark.parametrize("f", [mf.slope_along_x, mf.directional], ids=lambda f: f.__name__)
@pytest.mark.parametrize("optimized", [True, False])
def test_object_differentiated_only_the_second_time(f, optimized):
    """``grad(method, wrt=1)`` (or its forward mode) calls ``p.forward`` with ``p`` a
    constant; differentiated again with respect to ``p``, the bound method carries ``p``'s
    derivative into the callee's ``self`` (grad of grad, reverse over forward, forward over
    reverse, forward over forward)."""
    gp, gx = tangentlike.grad(f, wrt=(0, 1), optimized=optimized)(DENSE, X)
    np.testing.assert_allclose(_flat(gp), _fd_p(f, DENSE, X), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(gx, _fd(lambda x: f(DENSE, x), X), rtol=1e-5, atol=1e-8)
    v = _from_flat(DENSE, np.linspace(-1.0, 1.0, _flat(DENSE).size))
    value, tangent = tangentlike.jvp(f, wrt=(0, 1), optimized=optimized)((DENSE, X), (v, X))
    assert value == f(DENSE, X)
    expected = _fd_p(f, DENSE, X) @ _flat(v) + _fd(lambda x: f(DENSE, x), X) @ X
    np.testing.assert_allclose(tangent, expected, rtol=1e-5, atol=1e-8)
