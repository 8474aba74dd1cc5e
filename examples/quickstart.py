"""tangentlike in one screen: differentiate a small NumPy loss, print the generated
derivative's source, and check its value against central finite differences."""
import numpy as np

import tangentlike


def loss(W, x, y):
    h = np.tanh(W @ x)
    return np.sum((h - y) ** 2)


def finite_difference(f, W, x, y, eps=1e-6):
    """Central differences in float64, one weight at a time."""
    g = np.zeros_like(W)
    for i in np.ndindex(W.shape):
        step = np.zeros_like(W)
        step[i] = eps
        g[i] = (f(W + step, x, y) - f(W - step, x, y)) / (2 * eps)
    return g


def main() -> None:
    rng = np.random.default_rng(0)
    W, x, y = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)

    dloss = tangentlike.grad(loss)  # generated once, cached; plain Python from here on
    print(dloss.source)

    gW = dloss(W, x, y)
    reference = finite_difference(loss, W, x, y)
    print("dloss/dW (tangentlike):\n", np.array2string(gW, precision=6))
    print("dloss/dW (finite differences):\n", np.array2string(reference, precision=6))
    error = np.max(np.abs(gW - reference)) / np.max(np.abs(reference))
    print(f"max relative difference: {error:.1e}")
    assert error < 1e-6, "the derivative disagrees with finite differences"


if __name__ == "__main__":
    main()
