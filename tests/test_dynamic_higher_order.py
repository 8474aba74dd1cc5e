"""Derivatives of derivatives through a call whose function is found when it runs
(``runtime.rederive``): grad of grad, forward over forward, reverse over forward and forward
over reverse (hvp), each checked against a closed form or central finite differences of the
first derivative, with the optimizer on and off; a third derivative is refused by name."""
from __future__ import annotations

import dynamic_higher_functions as dh
import numpy as np
import pytest
from support import numerical_grad

import tangentlike
from tangentlike.errors import TangentlikeError

X = np.array([0.3, -0.7, 1.1])
V = np.array([0.5, 1.0, -2.0])


def _second(x: float) -> float:
    """d^2/dx^2 of dh.wave: 2a (2 cos x - x sin x)."""
    return 2 * 1.5 * (2 * np.cos(x) - x * np.sin(x))


def _forward(f, optimized=True):
    return tangentlike.autodiff(f, mode="forward", optimized=optimized)


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("x", [0.7, -1.3])
def test_scalar_second_derivative_every_way(x, optimized):
    grad = tangentlike.grad(dh.wave, optimized=optimized)
    expected = _second(x)
    assert grad(x) == pytest.approx(2 * 1.5 * (np.cos(x) * x + np.sin(x)))
    got = {
        "grad of grad": tangentlike.grad(grad, optimized=optimized)(x),
        "forward over forward": _forward(_forward(dh.wave, optimized), optimized)(x, 1.0, 1.0),
        "reverse over forward": tangentlike.grad(_forward(dh.wave, optimized),
                                                 optimized=optimized)(x, 1.0),
        "forward over reverse": _forward(grad, optimized)(x, dx=1.0),
        "hvp": tangentlike.hvp(dh.wave)(x, 1.0),
    }
    for way, value in got.items():
        assert value == pytest.approx(expected, rel=1e-12), way


def test_grad_of_grad_code_calls_the_helpers_on_the_helpers():
    source = tangentlike.grad(tangentlike.grad(dh.wave)).source
    assert "call_forward(call_forward, (2,), layer, (0,), x)" in source
    assert "call_forward(call_backward, (0,)" in source
    source = _forward(_forward(dh.wave)).source
    assert "call_jvp(call_jvp, (2,)" in source


def _fd_of(first, x, h=1e-6):
    """Central differences of ``first`` (a vector function of x), column by column."""
    columns = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        columns.append((np.asarray(first(x + e)) - np.asarray(first(x - e))) / (2 * h))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("f", [dh.tower, dh.layers_in_a_loop, dh.held, dh.wave_method],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("optimized", [True, False])
def test_vector_second_derivatives_against_differences(f, optimized):
    grad = tangentlike.grad(f, optimized=optimized)
    fd_hessian = _fd_of(grad, X)
    hv = fd_hessian @ V
    jvp = _forward(f, optimized)
    # grad of (the gradient's squared norm), forward over forward, reverse over forward
    norm = tangentlike.grad(dh.sum_of_gradient, optimized=optimized)
    np.testing.assert_allclose(norm(X, grad), 2 * fd_hessian.T @ grad(X), rtol=1e-5,
                               atol=1e-8)
    np.testing.assert_allclose(_forward(jvp, optimized)(X, V, V), V @ hv, rtol=1e-5,
                               atol=1e-8)
    np.testing.assert_allclose(tangentlike.grad(jvp, optimized=optimized)(X, V), hv,
                               rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(tangentlike.hvp(f)(X, V), hv, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(tangentlike.grad(f)(X), numerical_grad(f, [X])[0], rtol=1e-6,
                               atol=1e-9)


def test_value_of_the_gradient_is_the_gradient():
    """value_and_grad of the gradient: the value is the first derivative itself."""
    grad = tangentlike.grad(dh.wave)
    value, second = tangentlike.value_and_grad(grad)(0.4)
    assert value == grad(0.4)
    assert second == pytest.approx(_second(0.4), rel=1e-12)


def test_third_derivative_is_refused_by_name():
    twice = tangentlike.grad(tangentlike.grad(dh.wave))
    with pytest.raises(TangentlikeError, match="third derivative") as info:
        tangentlike.grad(twice)
    assert info.value.hint
