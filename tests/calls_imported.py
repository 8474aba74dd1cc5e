"""Functions that tests/calls_functions.py imports, to differentiate calls across modules.

This module reaches NumPy as ``onp`` (calls_functions.py has no such name) and reads its own
constants ``SCALE`` and ``OFFSET`` (calls_functions.py has a different ``SCALE``), so the
derivative halves of these functions must run with this module's globals.
"""
import numpy as onp

SCALE = 1.5
OFFSET = onp.array([0.1, -0.2, 0.3])


def scaled_tanh(x):
    return onp.tanh(x) * SCALE


def shifted_energy(x, w):
    y = x * w + OFFSET
    return onp.sum(y * y) * SCALE


def inner(t):
    return onp.sin(t) * SCALE
