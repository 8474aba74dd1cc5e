"""Forward over reverse (``hvp``) through helpers that slice by a local variable, as the
autograd examples' ``unpack_params`` (``D = np.shape(params)[0] // 2; return params[:D],
params[D:]``).  The helper's backward half passes ``slice(D, None)`` to ``unindex``, ``D``
read from what the forward half saved; ``slice`` is pure, so the backward half changes
nothing in place and its forward-mode derivative can be taken.  Checked against finite
differences: reverse (joint and split, optimized and not), forward, and ``hvp`` (optimized and
not, and forward mode over ``grad``; the helper is called through its split halves)."""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tests.oracle import check_everywhere, numerical_grad_of_grad

X = np.array([0.1, 0.2, 0.3, 0.4, -0.5, 0.6])
V = np.array([0.7, -1.0, 0.4, 2.0, 0.3, -0.2])


def unpack_halves(params):
    D = np.shape(params)[0] // 2
    return params[:D], params[D:]


def halves(params):
    mean, log_std = unpack_halves(params)
    return np.sum(mean * np.exp(log_std))


def unpack_thirds(params):
    D = len(params) // 3
    return params[:D], params[D:2 * D], params[2 * D:]


def thirds(params):
    a, b, c = unpack_thirds(params)
    return np.sum(a * np.sin(b) * c ** 2)


def unpack_slice_objects(params):
    D = params.shape[0] // 2
    first, second = slice(0, D), slice(D, 2 * D)
    return params[first], params[second]


def slice_objects(params):
    a, b = unpack_slice_objects(params)
    return np.sum(np.tanh(a) * b ** 3)


def unpack_matrix(params):
    D = np.shape(params)[0] // 2
    W = np.reshape(params, (D, 2))
    return W[:D, :1], W[D - 1:, 1:]


def matrix(params):
    W1, W2 = unpack_matrix(params)
    return np.sum(np.exp(W1) * W1) + np.sum(W2 ** 3)


def unpack_steps(params):
    D = np.shape(params)[0] // 3
    return params[::D], params[1:D + 1]


def steps(params):
    a, b = unpack_steps(params)
    return np.sum(a ** 2) * np.sum(np.cos(b))


FUNCTIONS = [halves, thirds, slice_objects, matrix, steps]


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_mode_and_hvp(f):
    check_everywhere(f, [X])


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("optimized", [True, False])
def test_forward_over_reverse(f, optimized):
    expected = numerical_grad_of_grad(f, [X], 0, V, 1e-4, None)
    np.testing.assert_allclose(tangentlike.hvp(f, optimized=optimized)(X, V), expected,
                               rtol=1e-4, atol=1e-6)
    gradient = tangentlike.grad(f, optimized=optimized)
    product = tangentlike.autodiff(gradient, wrt=0, mode="forward", optimized=optimized)
    np.testing.assert_allclose(product(X, **{product.seeds[0]: V}), expected, rtol=1e-4,
                               atol=1e-6)
