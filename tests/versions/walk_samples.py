"""Two derivatives' sources for the tests that compare a walk with the one it replaced
(``test_slots_order.py``, ``test_rewriter_traversal.py``): an MLP with a softmax loss (the
versions' contraction and softmax rewrites apply) and an RNN with a branch after its loop."""
import numpy as np


def mlp(W1, b1, W2, X, Y):
    h = np.tanh(X @ W1 + b1)
    z = h @ W2
    z = z - np.max(z, axis=1, keepdims=True)
    p = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return -np.mean(np.sum(Y * np.log(p), axis=1))


def rnn(Wx, Wh, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    if np.sum(h) > 0:
        h = h[:, 1:] * 2.0
    return 0.5 * np.sum((h[:, :2] - target) ** 2)
