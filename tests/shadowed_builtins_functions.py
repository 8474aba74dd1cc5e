"""A module whose globals are named like builtins that generated code uses
(tests/test_shadowed_builtins.py)."""
import numpy as np
from numpy import *  # noqa: F403 (binds sum, min, max, abs, round, all, any, pow)


def reversed(xs):  # noqa: A001
    return xs


def range(n):  # noqa: A001
    return [0]


def len(xs):  # noqa: A001
    return 1


def loop_over_list(xs):
    s = 0.0
    for v in xs:
        s = s * 3.0 + np.sum(v)
    return s


def zipped_with_numpy_names(xs, ys):
    s = 0.0
    for a, b in zip(xs, ys):
        s = s + sum(a * b) + max(abs(a))  # noqa: F405 (numpy's)
    return s


def while_and_index(x):
    y = x * 1.0
    k = 0
    while k < 3:
        y = np.sin(y) * x
        k = k + 1
    return sum(y[::-1] * x)  # noqa: F405


def closure_named_sum():
    sum = lambda v: np.sum(v) * 2.0  # noqa: A001, E731

    def h(x):
        return sum(x * x)
    return h
