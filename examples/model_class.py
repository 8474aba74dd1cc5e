"""A model written as a class, its parameters in dataclasses, trained with SGD: try
``python examples/model_class.py``.

``tangentlike.value_and_grad(model.loss)`` differentiates the bound method with respect to
its first parameter after ``self`` (the parameters); the gradient is a ``Params`` holding
``Dense`` layers, like the parameters.  ``self.predict(...)`` is a method of the model, found
when the call runs; the parameters are dataclasses, read field by field.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import tangentlike


@dataclass
class Dense:
    W: np.ndarray
    b: np.ndarray


@dataclass
class Params:
    layers: list[Dense]


class MLP:
    """A tanh network for regression."""

    def __init__(self, widths: list[int], seed: int = 0):
        self.widths = widths
        self.rng = np.random.default_rng(seed)

    def init(self) -> Params:
        return Params([Dense(self.rng.normal(scale=1 / np.sqrt(m), size=(m, n)), np.zeros(n))
                       for m, n in zip(self.widths[:-1], self.widths[1:])])

    def predict(self, params: Params, X: np.ndarray) -> np.ndarray:
        h = X
        for layer in params.layers:
            h = np.tanh(h @ layer.W + layer.b)
        return h

    def loss(self, params: Params, X: np.ndarray, Y: np.ndarray) -> float:
        return np.mean((self.predict(params, X) - Y) ** 2)


def sgd(params: Params, grads: Params, rate: float) -> Params:
    return Params([Dense(p.W - rate * g.W, p.b - rate * g.b)
                   for p, g in zip(params.layers, grads.layers)])


def main(steps: int = 300) -> float:
    rng = np.random.default_rng(1)
    X = rng.uniform(-2.0, 2.0, size=(64, 2))
    Y = np.sin(X[:, :1]) * np.cos(X[:, 1:]) * 0.8
    model = MLP([2, 16, 1])
    params = model.init()
    step_of = tangentlike.value_and_grad(model.loss)
    for step in range(steps):
        loss, grads = step_of(params, X, Y)
        params = sgd(params, grads, 0.5)
        if step % 100 == 0:
            print(f"step {step:3d}  loss {loss:.5f}")
    final = model.loss(params, X, Y)
    print(f"final loss {final:.5f}")
    return final


if __name__ == "__main__":
    main()
