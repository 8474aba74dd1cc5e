"""Lipschitz constants of a small MLP (issue 19, item 4).

The network is ``f(x) = w3 . tanh(W2 tanh(W1 x + b1) + b2) + b3``, a scalar of a vector of 4.
Its gradient norm at any input is a lower bound of its Lipschitz constant, and the AutoLip
bound (the product of the layers' spectral norms, found by power iteration through each
layer's generated jvp and vjp, with tanh's constant 1) an upper bound.  The script samples
random inputs for the largest gradient norm, checks ``tangentlike.local_lipschitz`` (power
iteration on J^T J) against it at one point, and prints both sides.

    python examples/lipschitz.py
"""
from __future__ import annotations

import numpy as np

import tangentlike

rng = np.random.default_rng(0)
W1, b1 = rng.normal(size=(16, 4)) / 2.0, rng.normal(size=16)
W2, b2 = rng.normal(size=(16, 16)) / 4.0, rng.normal(size=16)
w3, b3 = rng.normal(size=16) / 4.0, 0.1


def dense1(x):
    return W1 @ x + b1


def dense2(h):
    return W2 @ h + b2


def readout(h):
    return w3 @ h + b3


def mlp(x):
    return readout(np.tanh(dense2(np.tanh(dense1(x)))))


LAYERS = [dense1, (np.tanh, 1.0), dense2, (np.tanh, 1.0), readout]


def largest_gradient_norm(samples: int = 2000, seed: int = 1) -> float:
    """The largest ``||grad mlp(x)||`` over random inputs ``x ~ N(0, 4 I)``."""
    grad = tangentlike.grad(mlp)
    draws = np.random.default_rng(seed).normal(scale=2.0, size=(samples, 4))
    return max(float(np.linalg.norm(grad(x))) for x in draws)


def main() -> tuple[float, float]:
    bound = tangentlike.autolip(LAYERS, np.zeros(4))
    sampled = largest_gradient_norm()
    x = np.ones(4)
    local = tangentlike.local_lipschitz(mlp, x)
    print("per-layer constants:", ", ".join(f"{c:.4f}" for c in bound.layers))
    print(f"AutoLip upper bound:               {bound.bound:.4f}")
    print(f"largest gradient norm (2000 draws): {sampled:.4f}")
    print(f"local constant at x = 1 (power iteration): {local:.6f}, "
          f"||grad|| there: {np.linalg.norm(tangentlike.grad(mlp)(x)):.6f}")
    return bound.bound, sampled


if __name__ == "__main__":
    main()
