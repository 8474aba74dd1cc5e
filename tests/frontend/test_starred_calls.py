"""Starred calls whose length the code does not show (found running autograd's example
programs): one that carries no derivative runs as written (``rs.randn(*mean.shape)``, the
variational autoencoder), a tuple your function returns (``return a, b``) is spread
(``zip(*unpack(params))``, the Gaussian mixture model), and one on a differentiated value is
refused by name, at the user's line.  Each derivative is checked in reverse mode (joint and
split, optimized and not), forward mode and as a Hessian-vector product against central
finite differences, and its value against the function's own (random draws reseeded)."""
from __future__ import annotations

import re

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike
from tangentlike.errors import UnsupportedSyntaxError

X = np.array([[0.3, -0.7, 1.1], [0.4, 0.2, -0.5]])
RS = np.random.RandomState(0)


def reseed():
    RS.seed(0)


def sample(mean):
    return RS.randn(*mean.shape) * 0.5 + mean  # the shape: no derivative, run as written


def vae_like(mean):
    return np.sum(np.tanh(sample(mean)) ** 2)


def shape_of_a_temporary(x):
    z = np.zeros(*[x.shape]) + np.ones(*(x.shape,), **{"dtype": x.dtype})  # displays
    dims = x.shape
    return np.sum((z + np.full(*(dims, 2.0))) * np.sin(x)) + np.sum(np.reshape(x, *[(-1,)]))


def unpack(params):
    return params[0], params[1] * 2.0


def gmm_like(params):
    total = 0.0
    for a, b in zip(*unpack(params)):
        total = total + a * np.sin(b)
    return total + np.sum(np.arctan2(*unpack(params)))


@pytest.mark.parametrize("f", [vae_like, shape_of_a_temporary, gmm_like],
                         ids=lambda f: f.__name__)
def test_starred_calls(f):
    check_everywhere(f, [X], reseed=reseed)


def test_the_helpers_tuple_is_spread():
    source = tangentlike.grad(gmm_like).source
    assert re.search(r"np\.arctan2\(\w+, \w+\)", source)  # f(*g(x)): f(t[0], t[1])
    assert "seq_1 = seq[0]" in source and "seq_2 = seq[1]" in source  # zip(*g(x))


def gmm_dict(params):
    total = 0.0
    for a, b in zip(*unpack_dict(params)):
        total = total + a * np.sum(b)
    return total


def unpack_dict(params):
    return params["a"], params["b"]


def test_dict_of_arrays_through_a_helper_tuple():  # min_gmm
    params = {"a": np.array([1.0, 2.0]), "b": np.ones((2, 3))}
    grads = tangentlike.grad(gmm_dict)(params)
    np.testing.assert_allclose(grads["a"], [3.0, 3.0])
    np.testing.assert_allclose(grads["b"], [[1.0] * 3, [2.0] * 3])


def spreads_a_differentiated_tuple(x, n):
    parts = np.split(x, n)
    return np.sum(np.maximum(*parts))


def helper_with_unknown_returns(params):
    if params[0, 0] > 10.0:
        return params[0], params[1], params[0]
    return params[0], params[1]


def spreads_a_tuple_of_unknown_length(x):
    return np.sum(np.maximum(*helper_with_unknown_returns(x)))


@pytest.mark.parametrize("f, args", [
    (spreads_a_differentiated_tuple, (X, 2)),
    (spreads_a_tuple_of_unknown_length, (X,)),
], ids=["differentiated", "helper-returns-differ"])
def test_refused_at_the_users_line(f, args):
    with pytest.raises(UnsupportedSyntaxError) as info:
        tangentlike.grad(f)(*args)
    assert "starred argument" in info.value.message
    assert info.value.location.filename == __file__
    assert "np.maximum(*" in info.value.location.line
    assert info.value.hint
