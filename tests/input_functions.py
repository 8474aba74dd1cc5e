"""Functions for tests/versions/test_input_products.py: loops whose steps multiply a row of
an input by a weight (``xs[t] @ Wx``), spelled as users write them, and the cases the
rewrite must leave alone."""
import numpy as np
from hoist_functions import rnn, rnn_dot, rnn_einsum  # noqa: F401 (the same spellings)


def rnn_method(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t].dot(Wx) + h.dot(Wh) + b)
    return np.sum(h * h)


def rnn_tensordot(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.tensordot(xs[t], Wx, axes=1) + np.tensordot(h, Wh, axes=1) + b)
    return np.sum(h * h)


def rnn_bias_first(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(h @ Wh + xs[t] @ Wx + b)
    return np.sum(h * h)


def rnn_steps(Wx, Wh, b, xs, n):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(n):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_from_one(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(1, xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_every_other(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(0, xs.shape[0], 2):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_list(Wx, Wh, b, xs):
    h = np.zeros((xs[0].shape[0], Wh.shape[0]))
    for t in range(len(xs)):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_vector(Wx, Wh, b, xs):
    h = np.zeros(Wh.shape[0])
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_batch_bias(Wx, Wh, B, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + B)
    return np.sum(h * h)


def weight_rebound(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        Wx = Wx * 0.9
    return np.sum(h * h)


def bias_rebound(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        b = b * 0.5
    return np.sum(h * h)


def weight_alias_written(Wx, Wh, b, xs):
    V = Wx * 1.0
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ V + h @ Wh + b)
        V[0] = V[0] * 0.5
    return np.sum(h * h)


def state_product(W, xs):
    h = np.ones((xs.shape[1], xs.shape[2]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ h + xs[t] @ W)
    return np.sum(h * h)


def row_changed(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        u = xs[t]
        u = u * 2.0
        h = np.tanh(u @ Wx + h @ Wh + b)
    return np.sum(h * h)


def row_of_the_step_before(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    u = xs[0] * 0.5
    for t in range(xs.shape[0]):
        h = np.tanh(u @ Wx + h @ Wh + b)
        u = xs[t]
    return np.sum(h * h)


def product_written(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        p = xs[t] @ Wx
        p[0] = p[0] * 2.0
        h = np.tanh(p + h @ Wh + b)
    return np.sum(h * h)


def product_scaled(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        p = xs[t] @ Wx
        p = p * 2.0
        h = np.tanh(p + h @ Wh + b)
    return np.sum(h * h)


def counter_rebound(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0] - 1):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        t = t + 1
        h = h + xs[t] @ Wx
    return np.sum(h * h)
