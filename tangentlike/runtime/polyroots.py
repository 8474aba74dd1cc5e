"""Helpers of the rules of ``np.roots``, ``np.poly`` and ``np.kaiser``
(templates/numpy_leftovers.py): constants of the shapes and integer powers, and the refusals.

``np.poly(z)`` is ``prod_j (x - z_j)``: its derivative in ``z_j`` is minus the quotient
``a(x) / (x - z_j)``, whose coefficients are ``q_jk = sum_(m <= k) a_m z_j^(k - m)`` (synthetic
division): ``z_j`` raised to :func:`poly_exponents`, masked by :func:`poly_mask`.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def root_powers(p: Any) -> np.ndarray:
    """The integer power of a root each coefficient of ``p`` multiplies (highest first)."""
    return np.arange(np.size(p) - 1, -1, -1)


def poly_exponents(seq_of_zeros: Any) -> np.ndarray:
    """``max(k - m, 0)`` for ``k, m < n`` (``n`` roots); refuses a matrix (np.poly of a
    matrix is its characteristic polynomial, through its eigenvalues)."""
    if np.ndim(seq_of_zeros) != 1:
        from tangentlike.errors import NoDerivativeError

        raise NoDerivativeError(
            "tangentlike has no derivative of np.poly of a matrix (its characteristic "
            "polynomial, through np.linalg.eigvals)",
            hint="pass the roots: np.poly(np.linalg.eigvals(a)) with real, distinct "
                 "eigenvalues")
    n = np.size(seq_of_zeros)
    k = np.arange(n)
    return np.maximum(k[:, None] - k[None, :], 0)


def poly_mask(seq_of_zeros: Any) -> np.ndarray:
    """1.0 where ``m <= k`` (the terms of the synthetic division), else 0.0."""
    k = np.arange(np.size(seq_of_zeros))
    return (k[None, :] <= k[:, None]).astype(float)


def kaiser_radii(M: Any) -> np.ndarray:
    """``sqrt(1 - ((n - alpha) / alpha)^2)`` for the ``M`` points of np.kaiser (1.0 for
    ``M == 1``): the window is ``i0(beta * r) / i0(beta)``."""
    if M == 1:
        return np.ones(1)
    n = np.arange(0.0, M)  # floats: a standard library mixes no integer array with 2.5
    alpha = (M - 1) / 2.0
    return np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)
