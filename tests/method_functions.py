"""Methods of values that carry a derivative (issue 16, item 3): ``p.forward(x)`` with ``p``
a differentiated dataclass, named tuple or registered class; the derivative calls the
class's function with ``p`` as its first, differentiated, argument."""
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

import tangentlike


@dataclass
class Dense:
    W: np.ndarray
    b: np.ndarray

    def forward(self, x):
        return np.tanh(x @ self.W + self.b)

    def __call__(self, x):
        return self.forward(x) * 2.0

    def loss(self, x, scale=1.0):
        return np.sum(self.forward(x) ** 2) * scale


class Pair(NamedTuple):
    W: np.ndarray
    b: np.ndarray

    def forward(self, x):
        return np.sin(x @ self.W) * self.b


class Box:
    def __init__(self, W, label):
        self.W, self.label = W, label

    def apply(self, x):
        return np.cos(x @ self.W)


tangentlike.register_pytree(Box, lambda box: ((box.W,), box.label),
                            lambda label, children: Box(*children, label))


@dataclass
class Holder:
    W: np.ndarray
    fn: object

    @staticmethod
    def helper(x):
        return x * 2.0


def method(p, x):
    return np.sum(p.forward(x) ** 2)


def called(p, x):
    return np.sum(p(x) * x[:2])


def method_with_keyword(p, x):
    return p.loss(x, scale=np.sum(x))


def namedtuple_method(p, x):
    return np.sum(p.forward(x) + p.W[0])


def registered_method(p, x):
    return np.sum(p.apply(x) ** 2)


def built_inside(x):
    p = Dense(np.outer(x, x[:2]), x[:2] * 0.5)
    return np.sum(p.forward(x))


def staticmethod_called(p, x):
    return np.sum(p.helper(x) * p.W[0])


def field_called(p, x):
    return np.sum(p.fn(x) * p.W[0])


def slope_along_x(p, x):
    return np.sum(tangentlike.grad(method, wrt=1)(p, x) * x)


def directional(p, x):
    return tangentlike.autodiff(method, wrt=1, mode="forward")(p, x, x)
