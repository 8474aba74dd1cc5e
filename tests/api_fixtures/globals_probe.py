"""A module whose globals dict a test snapshots before and after generating gradients.

It imports numpy under an unusual name, so templates' ``np`` is not among its globals.
"""
import numpy as onp

OFFSET = 0.5


def model(x, W):
    h = onp.tanh(W @ x + OFFSET)
    return onp.sum(h * h) + onp.mean(onp.sin(x))
