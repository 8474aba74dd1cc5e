"""Functions whose generated derivatives are pinned by golden files (tests/golden/)."""
import math

import numpy as np


def scalar(x, y):
    a = math.sin(x) * y
    a += math.exp(x * y) / (1.0 + y * y)
    return a


def unpack_and_slices(x):
    first, rest = x[0], x[1:]
    rest = rest * first
    return np.sum(np.maximum(rest, 0.0)) + np.mean(x[:, 0] ** 2)


def returns_input_twice(x):
    return x, x


def returns_input(x):
    return x
