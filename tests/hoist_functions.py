"""Functions for tests/versions/test_hoist.py: loops whose weight gradient is a sum of
per-step products, spelled as users write them, and the cases the rewrite must leave alone."""
import numpy as np


def rnn(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_dot(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.dot(xs[t], Wx) + np.dot(h, Wh) + b)
    return np.sum(h * h)


def rnn_einsum(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(np.einsum("bi,ih->bh", xs[t], Wx) + np.einsum("bh,hk->bk", h, Wh) + b)
    return np.sum(h * h)


def rnn_break(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        if t == 3:
            break
    return np.sum(h * h)


def rnn_over_rows(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for x in xs:
        h = np.tanh(x @ Wx + h @ Wh + b)
    return np.sum(h * h)


def weight_used_twice(W, xs):
    h = np.zeros((xs.shape[1], W.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t]) @ W
    return np.sum(h * h)


def nested(W, xs):
    h = np.zeros((xs.shape[1], W.shape[0]))
    for s in range(2):
        for t in range(xs.shape[0]):
            h = np.tanh(xs[t] + h @ W)
    return np.sum(h * h)


def column_weights(W, xs):
    h = np.zeros((W.shape[0], xs.shape[2]))
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + xs[t])
    return np.sum(h * h)


def loss_in_loop(W, xs):
    total = 0.0
    for t in range(xs.shape[0]):
        total = total + np.sum(np.tanh(xs[t] @ W) ** 2)
    return total


def rnn_in_place(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h[...] = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)
