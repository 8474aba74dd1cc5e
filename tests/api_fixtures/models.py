"""Small differentiable functions, written the way a user would."""
import numpy as np

import tangentlike


def sin_times_x(x):
    return np.sum(np.sin(x) * x)


def layer(x, W, b):
    return np.sum(np.tanh(W @ x + b))


def weighted(x, w, label):
    # ``label`` is never differentiated: any object with a length will do.
    scale = float(len(label))
    return np.sum(x * x * w) * scale


def pick(x, idx):
    return np.sum(x[idx] ** 2)


def square(x):
    return x * x


def vector_out(x, W):
    return W @ np.tanh(x)


@tangentlike.grad
def bare_decorated(x):
    return np.sum(x ** 3)


@tangentlike.grad(wrt=(0, 1))
def decorated_two(x, y):
    return np.sum(x * np.exp(y))
