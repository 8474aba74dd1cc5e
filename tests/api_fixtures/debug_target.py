"""A small layer to step through in pdb."""
import numpy as np


def loss(x, W):
    h = np.tanh(W @ x)
    return np.sum(h * h)
