"""Functions for tests/ad/test_recompute.py (tangentlike reads their source)."""
import math


def after(x):
    for _ in range(6):
        s = math.sin(x)
        x = s * x + 0.5 * x
    return x


def before(x, y):
    for _ in range(5):
        y = y * 0.9 + x
        c = math.cos(y)
        x = x * c
    return x + y


def carried(x):
    c = 0.0
    for _ in range(5):
        x = x + c * x
        c = math.cos(x)
    return x * c


def not_math(x):
    for _ in range(5):
        s = x * x
        x = s * x * 0.1 + x
    return x


def two_writes(x):
    for _ in range(4):
        s = math.sin(x)
        x = x * s
        s = math.exp(-x)
        x = x + s
    return x
