"""Functions whose generated derivatives are pinned by golden files (tests/golden/)."""
import math

import numpy as np


def scalar(x, y):
    a = math.sin(x) * y
    a += math.exp(x * y) / (1.0 + y * y)
    return a


def unpack_and_slices(x):
    first, rest = x[0], x[1:]
    rest = rest * first
    return np.sum(np.maximum(rest, 0.0)) + np.mean(x[:, 0] ** 2)


def returns_input_twice(x):
    return x, x


def returns_input(x):
    return x


def branch(a, b, c):
    """The slide example: a * sin(b) if b > c else a + b * c."""
    if b > c:
        y = a * math.sin(b)
    else:
        y = a + b * c
    return y


def power(a, b):
    """The power loop: value 81 and gradient 108 at a=3, b=2."""
    for i in range(b):
        a = a * a
    return a


def layer(x, W, b):
    return np.tanh(W @ x + b)


def two_layers(x, W1, b1, W2, b2):
    h = layer(x, W1, b1)
    return np.sum(layer(h, W2, b2) ** 2)


def nested_closure(x, w):
    """A nested def reading the enclosing function's local ``a`` (issue 16)."""
    a = np.tanh(w)

    def layer(t):
        return np.sin(t) * a
    return np.sum(layer(x) ** 2)


def apply(f, x):
    return f(x)


def lambda_to_helper(x, w):
    """A lambda capturing ``w``, passed to a helper that calls it."""
    return np.sum(apply(lambda t: t * w, x) ** 2)


class Model:
    """Parameters held by an object; the loss is a method."""

    def __init__(self, W):
        self.W = W

    def loss(self, x):
        return np.sum(np.tanh(self.W @ x) ** 2)


MODEL = Model(np.eye(3))
