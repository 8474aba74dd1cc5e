"""A small multilayer perceptron loss: try ``tangentlike examples/mlp.py:loss --wrt W1,b1``."""
import numpy as np

import tangentlike


def loss(W1, b1, W2, b2, X, Y):
    """Softmax cross-entropy of a one-hidden-layer tanh network (Y is one-hot)."""
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    log_probs = logits - m - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def main() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 64))
    Y = np.eye(10)[rng.integers(0, 10, size=32)]
    params = [rng.normal(scale=0.1, size=(64, 128)), np.zeros(128),
              rng.normal(scale=0.1, size=(128, 10)), np.zeros(10)]
    dloss = tangentlike.grad(loss, wrt=(0, 1, 2, 3))
    for step in range(20):
        grads = dloss(*params, X, Y)
        params = [p - 0.5 * g for p, g in zip(params, grads)]
        if step % 5 == 0:
            print(f"step {step:2d}  loss {loss(*params, X, Y):.4f}")


if __name__ == "__main__":
    main()
