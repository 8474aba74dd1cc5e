"""Every assignment form keeps Python's evaluation order: the right side is evaluated whole
before any target is bound, and the targets are bound from left to right.

Each function is checked in every mode (tests/oracle.py): the value the derivative computes
equals ``f(*args)`` exactly, and the derivatives equal finite differences.
"""
from __future__ import annotations

import numpy as np
import pytest
from oracle import check_everywhere


def parallel(x):
    a = 3.0
    x, y = x * a, x
    return x * y


def swap(x):
    y = x * 2.0
    x, y = y, x
    return x * y * y


def swap_in_loop(x):
    y = x * 2.0
    for _ in range(3):
        x, y = y, x * 1.5
    return x * y


def fibonacci(x):
    a, b = x, 1.0
    for _ in range(5):
        a, b = b, a + b
    return a * b


def fibonacci_while(x):
    a, b = x, x * 0.5
    n = 0
    while n < 4:
        a, b = b, a * b
        n += 1
    return a + b


def swap_in_branch(x):
    y = np.sin(x)
    if np.sum(x) > -100.0:
        x, y = y, x
    return np.sum(x * y * y)


def chained(x):
    a = b = x * 2.0
    return a * b


def chained_self(x):
    x = y = x * x
    return x + y * 3.0


def chained_in_loop(x):
    for _ in range(2):
        x = y = np.sin(x) + x
        x = x * y
    return np.sum(x)


def nested_targets(x):
    (a, b), c = (x, x * 2.0), x * 3.0
    a, (b, c) = c, (a, b)
    return a * b + c


def list_targets(x):
    [a, b] = [x * 2.0, x]
    [a, b] = b, a
    return a * b * b


def rotate(x):
    a, b, c = x, x * 2.0, x * 3.0
    for _ in range(4):
        a, b, c = c, a, b * a
    return a + b * c


def unpack_result(x):
    p, q = np.sin(x), np.cos(x)
    p, q = q * p, p
    return np.sum(p + q * q)


def same_name_twice(x):
    a, a = x * 2.0, x * 5.0
    return a * x


def index_then_name(x):
    z = np.zeros(3)
    i = 0
    z[i], i = x * 2.0, 2
    z[i] = x
    return np.sum(z * z)


def name_then_index(x):
    z = np.zeros(3)
    i = 0
    i, z[i] = 1, x * 2.0
    return np.sum(z * np.arange(3.0)) * x


def pair_of_items(x):
    z = x * 1.0
    z[0], z[1] = z[1], z[0]
    return np.sum(z * np.arange(1.0, 4.0))


def augmented_after_swap(x):
    y = x * 0.5
    x, y = y, x
    x += y
    return x * y


CASES = [
    (parallel, 2.0), (swap, 2.0), (swap_in_loop, 1.3), (fibonacci, 1.5),
    (fibonacci_while, 0.9), (chained, 1.5), (chained_self, 0.7), (nested_targets, 1.5),
    (list_targets, 1.2), (rotate, 0.8), (same_name_twice, 1.1),
    (augmented_after_swap, 1.7), (index_then_name, 1.1), (name_then_index, 1.2),
    (swap_in_branch, np.array([0.3, -0.4, 0.9])), (unpack_result, np.array([0.3, 1.4])),
    (chained_in_loop, np.array([0.2, 0.5])), (pair_of_items, np.array([0.5, 1.5, 2.5])),
]


@pytest.mark.parametrize("f, x", CASES, ids=[f.__name__ for f, _ in CASES])
def test_assignment_keeps_evaluation_order(f, x):
    check_everywhere(f, [x])
