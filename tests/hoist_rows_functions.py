"""Functions for tests/versions/test_hoist_rows.py: recurrences whose weight gradients read
a row of an input (``xs[t]``) or the state before the step, and the cases where the backward
loop must keep copying them."""
import numpy as np


def rnn_steps_state_twice(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        h = 0.5 * h
    return np.sum(h * h)


def rnn_sigmoid(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = 1.0 / (1.0 + np.exp(-(xs[t] @ Wx + h @ Wh + b)))
    return np.sum(h * h)


def rnn_row_named(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        x = xs[t]
        h = np.tanh(x @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_start_state(Wx, Wh, b, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_two_weights(Wx, Wh, Wo, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        h = np.sin(h @ Wo)
    return np.sum(h * h)


def rnn_scaled_input(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh((2.0 * xs[t]) @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_of_its_dtype(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]), dtype=xs.dtype)
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return np.sum(h * h)


def rnn_row_read_after(Wx, Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    x = xs[0]
    for t in range(xs.shape[0]):
        x = xs[t]
        h = np.tanh(x @ Wx + h @ Wh + b)
    return np.sum(h * h) + np.sum(x * x)
