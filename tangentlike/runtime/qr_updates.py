"""Helpers of the rules of templates/scipy_linalg_updates.py (``scipy.linalg.qr_update``,
``qr_insert`` and ``qr_delete``): the check and mask of the QR factorization of the updated
matrix, and the constant matrices that place the old matrix and the new rows or columns in it.

The updated matrix is ``A1 = L @ A @ Rt + Lu @ U @ Ru`` with ``A = Q @ R`` and ``U`` the
inserted rows or columns (``u`` as a matrix): the rules differentiate that product, then
``np.linalg.qr``'s rule at ``(Q1, R1)``, which depends only on the results."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime import float_dtype
from tangentlike.runtime.linalg import real_matrices


def qr_updated_mask(y: Any, name: str, overwrite: Any = False) -> np.ndarray:
    """The strictly lower triangle of ones (``n1 x n1``) for the QR factorization ``y =
    (Q1, R1)`` that ``scipy.linalg.<name>`` returns; refuses what np.linalg.qr's rule does
    not cover (``R1`` not square: a wide updated matrix, or a square ``Q1`` of a tall one),
    complex factors, and ``overwrite_*=True`` (the rules read ``Q`` and ``R``)."""
    q1, r1 = y
    real_matrices(f"scipy.linalg.{name}", q1)
    if overwrite:
        raise ValueRefusedError(
            f"the derivative of scipy.linalg.{name} reads Q and R, which overwrite_*=True lets "
            "SciPy overwrite", hint="pass the overwrite argument False (the default)")
    n1 = np.shape(r1)[-1]
    if np.shape(r1)[-2] != n1 or np.shape(q1)[-1] != n1:
        raise ValueRefusedError(
            f"the derivative of scipy.linalg.{name} is implemented when the updated matrix has "
            "at least as many rows as columns and its Q is economic or square, as for "
            f"np.linalg.qr (got Q1 of shape {np.shape(q1)} and R1 of shape {np.shape(r1)})",
            hint="use an economic factorization, scipy.linalg.qr(a, mode='economic')")
    return np.tril(np.ones((n1, n1), float_dtype(r1)), -1)


def as_columns(x: Any) -> tuple:
    """The shape of ``x`` as a matrix of columns: ``(len(x), -1)`` (a vector: one column)."""
    return (np.shape(x)[0], -1)


def qr_insert_layout(q: Any, r: Any, u: Any, k: Any, which: Any = "row") -> tuple:
    """For ``scipy.linalg.qr_insert(q, r, u, k, which)``: ``(L, Rt, Lu, Ru, shape)`` such that
    the new matrix is ``L @ (q @ r) @ Rt + Lu @ np.reshape(u, shape) @ Ru``."""
    m, n = np.shape(q)[0], np.shape(r)[-1]
    dtype = float_dtype(r)
    row = which == "row"
    size = m if row else n
    p = 1 if np.ndim(u) == 1 else np.shape(u)[0 if row else 1]
    k = k + size if k < 0 else k  # as SciPy reads a negative index
    old = np.insert(np.eye(size, dtype=dtype), k, np.zeros((p, size), dtype), axis=0)
    new = np.zeros((size + p, p), dtype)
    new[k:k + p] = np.eye(p, dtype=dtype)
    if row:
        return old, np.eye(n, dtype=dtype), new, np.eye(n, dtype=dtype), (p, n)
    return (np.eye(m, dtype=dtype), old.T, np.eye(m, dtype=dtype), new.T, (m, p))


def qr_delete_layout(q: Any, r: Any, k: Any, p: Any = 1, which: Any = "row") -> tuple:
    """For ``scipy.linalg.qr_delete(q, r, k, p, which)``: ``(L, Rt)`` such that the new
    matrix is ``L @ (q @ r) @ Rt``."""
    m, n = np.shape(q)[0], np.shape(r)[-1]
    dtype = float_dtype(r)
    k = k + (m if which == "row" else n) if k < 0 else k  # as SciPy reads a negative index
    if which == "row":
        return np.delete(np.eye(m, dtype=dtype), np.arange(k, k + p), axis=0), \
            np.eye(n, dtype=dtype)
    return np.eye(m, dtype=dtype), np.delete(np.eye(n, dtype=dtype), np.arange(k, k + p),
                                             axis=1)
