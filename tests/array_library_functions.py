"""Losses for tests/test_dask_cluster.py and tests/test_cupy_arrays.py (issue 20), written
with ``np.`` as a user would, and their gradients written out by hand in NumPy (the
independent reference)."""
from __future__ import annotations

import numpy as np


def lsq(w, X, y):
    r = X @ w - y
    return np.mean(r ** 2)


def mlp(params, X, y):
    W1, b1, w2 = params
    h = np.tanh(X @ W1 + b1)
    return np.mean((h @ w2 - y) ** 2)


def lsq_by_hand(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d lsq / dw, written out: 2 X^T (X w - y) / n."""
    return 2.0 * (X.T @ (X @ w - y)) / X.shape[0]


def mlp_by_hand(params: tuple[np.ndarray, ...], X: np.ndarray,
                y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """d mlp / d(W1, b1, w2), written out (backpropagation by hand)."""
    W1, b1, w2 = params
    h = np.tanh(X @ W1 + b1)
    d_out = 2.0 * (h @ w2 - y) / X.shape[0]
    d_pre = np.outer(d_out, w2) * (1.0 - h * h)
    return X.T @ d_pre, d_pre.sum(axis=0), h.T @ d_out


def mlp_params(features: int, hidden: int, seed: int) -> tuple[np.ndarray, ...]:
    """(W1, b1, w2) for :func:`mlp`, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((features, hidden)) / 2.0, 0.1 * rng.standard_normal(hidden),
            rng.standard_normal(hidden))
