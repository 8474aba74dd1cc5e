"""Module-level functions that tests/ad/test_forward.py and tests/ad/test_higher_order.py
differentiate: syntax forms and primitives in forward mode, functions with array outputs (for
the dot-product test ``<u, J v> == <J^T u, v>``), a primitive with a reverse-mode rule only,
and the models of the higher-order tests.

tangentlike reads a function's source and caches its derivatives per function object, so the
functions live here, in a real module.  The higher-order tests build an autograd twin of some
of them from their source (``autograd.numpy`` as ``np``), so those are self-contained apart
from the helpers named next to them.
"""
import math

import numpy as np

import tangentlike
from tangentlike import d

# -- 1. syntax forms and primitives, scalar outputs ----------------------------------------------


def operators(x, y):
    """``+ - * / ** @ %`` and unary ``-``/``+`` on arrays and Python floats."""
    a = x * y + x / (y + 3.0) - (-x) ** 2 + (+y)
    b = x @ x + (x % 1.7) * y
    return np.sum(a * b) + 2.0 ** np.sum(x) * 0.1


def scalar_operators(a, b):
    c = a * b - a / b + a ** 3 + b ** 2.5 - (-a)
    c = c + a % 0.7 + 1.5 ** b
    return c * a


def augmented_assignment(x, y):
    z = x * 1.0
    z += y
    z -= x * 0.5
    z *= y
    z /= 2.0 + x * x
    z **= 2
    return np.sum(z)


def matmul_augmented(A, x):
    y = A @ x
    y @= A
    return np.sum(y * x)


def unpacking(x, y):
    a, b = x * y, np.sin(x)
    (c, p), e = (a + b, a * b), y * 2.0
    f = g = c * e
    return np.sum(p * f + g)


def several_returns(x, y):
    if x > y:
        return x * y
    if x < -y:
        return x - y * y
    return math.sin(x) * y


def subscripts(X, v):
    """Reading subscripts: integers, slices, steps, ``...``, ``None``, index arrays."""
    a = X[1] * v
    b = X[1:3, 0] * X[::-1, 2][:2]
    c = X[..., 1] * X[:, 0]
    q = X[None] * 2.0
    e = v[np.array([0, 2, 2])]
    f = X[-1, -1] * v[-1]
    return np.sum(a) + np.sum(b) + np.sum(c) + np.sum(q) * np.sum(e) + f


def zero_d(x, s):
    """A 0-d array and a float: arithmetic and reductions on both."""
    y = s * x + np.sin(s)
    return np.sum(y * y) * s


def elementwise_primitives(x):
    a = np.sin(x) + np.cos(x) + np.tan(x * 0.5)
    b = np.exp(x * 0.3) + np.log(x * x + 1.0) + np.log1p(x * x)
    c = np.sqrt(x * x + 0.5) + np.tanh(x) + np.abs(x) + np.negative(x)
    q = np.absolute(x - 0.1) + np.maximum(x, 0.2) + np.minimum(x, -0.1)
    e = np.maximum(x, x[::-1]) * np.minimum(x * 2.0, x[::-1])
    return np.sum(a * b + c * q + e)


def reductions(X):
    a = np.sum(X) + np.mean(X) + np.max(X) + np.min(X) + np.amax(X) + np.amin(X)
    b = np.sum(X, axis=0) * np.mean(X, axis=1, keepdims=True)
    c = np.max(X, axis=1) + np.min(X, axis=(0, 1))
    q = X.sum() + X.mean(axis=0).sum() + X.max(axis=0).sum() + X.min()
    e = np.sum(X * X, axis=(0, 1), keepdims=True)
    return a * np.sum(b) + np.sum(c) * q + np.sum(e)


def shapes(X, v):
    a = np.reshape(X, (2, 6)) @ np.reshape(X.T, (6, 2))
    b = X.reshape(3, 4).transpose() @ v
    c = np.transpose(X.reshape(2, 2, 3), axes=(2, 0, 1)).reshape(-1)
    q = X.reshape((12,))[:4] * v[0]
    return np.sum(a) + np.sum(b * b) + np.sum(c * np.arange(12.0)) + np.sum(q)


def products(A, B, v):
    a = np.dot(A, v) + A.dot(v) + np.matmul(A, v)
    b = np.dot(v, v) + v.dot(v) + np.dot(A, B).sum()
    c = (A @ B) @ v + A.T @ (B @ v)
    q = np.matmul(np.reshape(A @ B, (3, 1, 3)), v).sum()
    return np.sum(a * c) + b * q


def math_functions(a, b):
    c = math.sin(a) * math.cos(b) + math.tan(a * 0.5)
    c = c + math.exp(b * 0.3) + math.log(a * a + 1.0) + math.log1p(b * b)
    c = c + math.sqrt(a * a + 2.0) + math.tanh(a - b) + math.fabs(b) + math.pow(a, 3.0)
    return c * float(b) + abs(a - 2.0) * b


def constants_and_builtins(x):
    """Functions with no derivative, shapes, ``len``, comparisons, printing, asserts."""
    n = len(x)
    k = x.shape[0] + x.ndim + x.size + int(np.argmax(x))
    z = np.zeros_like(x) + np.ones(n) + np.arange(n) * 0.1
    assert n == 3, f"expected 3 elements, got {n}"
    s = np.sign(x) * np.floor(x * 3.0)
    return np.sum(x * z * k + s * x)


def stopped(x, y):
    a = tangentlike.stop_gradient(x * y)
    return np.sum(a * x + y * y)


# -- 2. array outputs: elementwise maps, products, slices, reshapes, loops writing arrays -------


def elementwise_map(x, y):
    return np.sin(x) * y + np.exp(x * 0.5) - y * y


def matmul_out(A, x):
    return np.tanh(A @ x) + A.T @ (A @ x)


def slicing_out(x):
    return x[1:] * x[:-1] + x[::-1][:-1] ** 2


def reshape_out(x):
    M = np.reshape(x * x, (2, 3))
    return M.T @ M[:, ::-1]


def setitem_loop_out(x, a):
    y = np.zeros(x.shape[0] + 1)
    y[0] = a
    for i in range(x.shape[0]):
        y[i + 1] = y[i] * x[i] + np.sin(x[i]) * a
    return y


def rows_out(X, w):
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        if np.sum(X[i]) > 0.0:
            out[i] = np.dot(X[i], w)
        else:
            out[i] = np.sum(np.sin(X[i] * w))
    return out * 2.0


def scalar_to_vector(t):
    return np.array([1.0, -2.0, 0.5]) * math.sin(t) + np.arange(3.0) * t * t


def scalar_to_vector_np(t):
    return np.sin(t * np.arange(1.0, 4.0)) + t * t


def vector_to_scalar(x):
    return np.sum(np.tanh(x) * x) + np.sum(x) ** 2


# -- 3. a primitive with a reverse-mode rule only (registered by a test fixture) --------------


def reverse_only(x):
    """A primitive: tangentlike does not read its body; a fixture registers an adjoint."""
    return x * x * x


def reverse_only_adjoint(y, x):
    d[x] = d[y] * 3.0 * x * x


def uses_reverse_only(x):
    y = reverse_only(x) * x
    return np.sum(y)


# -- 4. models for the higher-order tests ----------------------------------------------------


def mlp_loss(W1, b1, W2, x, labels):
    """A tanh layer, then softmax cross-entropy with the max trick."""
    h = np.tanh(W1 @ x + b1)
    logits = W2 @ h
    m = np.max(logits, axis=0, keepdims=True)
    shifted = logits - m
    log_norm = np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    log_probs = shifted - log_norm
    return -np.sum(log_probs * labels) / x.shape[1]


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def python_loop(x, w):
    s = 0.0
    h = x
    for i in range(4):
        h = np.sin(h * w) + 0.5 * h
        s = s + np.sum(h * h) * (i + 1.0)
    return s


def branchy_loop(x):
    y = x * 1.0
    for i in range(4):
        if np.sum(y) > 0.0:
            y = np.tanh(y) * 1.5 + y * y * 0.1
        else:
            y = np.sin(y) + 0.3
    return np.sum(y * y * x)


def while_scalar(a):
    y = a
    k = 0
    while k < 6:
        if y > 2.0:
            y = math.sqrt(y) + a * 0.5
        else:
            y = y * a + math.sin(y)
        k = k + 1
    return y


def sin_math(x):
    return math.sin(x)


def sin_np(x):
    return np.sin(x)


def smooth_helper(t, w):
    return np.tanh(t * w) + t * t * 0.5


def calls_helper(x, w):
    h = smooth_helper(x, w)
    return np.sum(smooth_helper(h, w) * x)


def recursive_poly(x, n):
    return np.sum(x * x) if n == 0 else recursive_poly(np.sin(x) + 0.5 * x, n - 1)


def quadratic_form(x, A):
    return 0.5 * x @ (A @ x) + np.sum(x ** 3) / 3.0


def primitives_mix(x, A):
    """Several primitives in few lines, for second derivatives."""
    a = np.tanh(x) * np.exp(0.3 * x) + np.log1p(x * x) * np.max(x)
    b = np.mean(x ** 3) + np.dot(A @ x, x.T)
    return np.sum(a) * b + np.sum(np.maximum(x, 0.1) ** 2)


def math_mix(a, b):
    c = math.sin(a) * math.exp(b * 0.3) + math.log(a * a + 1.0) * math.tanh(b)
    return c * math.sqrt(a * a + b * b) + math.pow(a, 3.0) / math.cos(b) + abs(a) * b


def transpose_reshape(X):
    c = np.transpose(X.reshape(2, 2, 3), axes=(2, 0, 1)).reshape(-1)
    return np.sum(c * np.arange(12.0)) + np.sum(X * X * X)
