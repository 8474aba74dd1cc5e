"""Functions for tests/versions/test_shape_specialize.py (tangentlike reads their source)."""
import math

import numpy as np


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def logsumexp_twice(x):
    m = np.max(x)
    return m + 2.0 * np.log(np.sum(np.exp(x - m)))


def softmax_cross_entropy(W, b, X, Y):
    logits = X @ W + b
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def peak_plus_sum(x):
    return 3.0 * np.max(x) + np.sum(x * x)


def bias_sum(x, b):
    return np.sum(np.tanh(x + b) * x)


def rnn(Wh, b, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] + h @ Wh + b)
    return np.sum(h * h)


def steps(x, n):
    for _ in range(n):
        x = np.sin(x) * x
    return np.sum(x)


def branch_on_value(x, b):
    if np.sum(x) > 0:
        y = x + b
    else:
        y = np.sum(x) * b
    return np.sum(y * y)


def masked(x, b):
    y = x[x > 0] + b
    return np.sum(y * y)


def nonzero_rows(x, b):
    rows = np.nonzero(x[:, 0] > 0)[0]
    return np.sum(x[rows] * b)


def prefix(x, b):
    k = int(np.argmax(x))
    return np.sum(x[:k + 1] * b)


def scalar(x, y):
    return math.sin(x) * y + x * x


def normalized(x):
    centered = x - np.mean(x, axis=0, keepdims=True)
    return np.sum(np.tanh(centered))


def sum_over_hypot(x, y):
    return np.sum(x * y / np.hypot(x, y))


def sums_of_array_and_float(x, s):
    return np.sum(x * x) * np.sum(s * s) + np.max(x * s)


def one_value_twice(x, y, w):
    """``y`` and the second ``x`` are the same value: ``x - y`` cancels exactly in the
    algebra of cancel.py, which once zeroed ``y`` alone (found by tests/test_properties)."""
    x = np.sin(x)
    y = np.sin(x)
    x = np.sin(x)
    a = 0.5 + x
    x = np.sin(a)
    x = a - y
    return np.sum(x * w)


def added_then_taken_away(x, w):
    """``(c + y) - y`` is ``c`` in exact arithmetic, not in floats: the value returned must be
    the one ``f`` computes, float for float."""
    y = np.sin(x)
    a = np.cos(x) + y
    z = a - y
    return np.sum(z * w)


def square_of_a_root(x):
    """The hvp's adjoint ``t8 * t3 / (2.0 * t3)`` is ``t8 / 2`` in the algebra of cancel.py,
    which once zeroed ``t3``, the divisor (found by the fuzzer, seed 71)."""
    return np.sum(np.sqrt(1.0 + x ** 2) ** 2) + np.sum(x)


def column_sums_minus_rows(x):
    """The tangent of the column sum, ``np.sum(dx, axis=0, keepdims=True)``, is computed again
    inside the sum of the adjoint; cancel.py once zeroed the first (fuzzer, seed 71)."""
    v = np.sum(x, axis=0, keepdims=True) + (2.0 - x)
    return np.sum(np.sum(v ** 2, axis=0, keepdims=True))
