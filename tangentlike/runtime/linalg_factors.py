"""Helpers of the rules of templates/scipy_linalg_factors.py: the checks and masks of
``scipy.linalg.eig`` (general eigenvectors, complex ones normalized as LAPACK does)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError


def eig_eye(w: Any, b: Any = None, left: Any = False, homogeneous_eigvals: Any = False,
            ) -> np.ndarray:
    """The identity matrix for the eigenvalues ``w`` of ``scipy.linalg.eig``; refuses the
    generalized problem (``b``), left eigenvectors and homogeneous eigenvalues."""
    if b is not None or left or homogeneous_eigvals:
        raise ValueRefusedError(
            "the derivative of scipy.linalg.eig is implemented for the standard problem "
            "(no b=, left=False, homogeneous_eigvals=False)",
            hint="for left eigenvectors, use the right ones of the transposed matrix")
    return np.eye(np.shape(w)[-1])


def eig_largest(v: Any) -> np.ndarray:
    """Ones where each column of ``v`` has its entry of largest modulus (LAPACK's ``geev``
    makes that entry real: it fixes the eigenvector's phase), zeros elsewhere."""
    v = np.asarray(v)
    k = np.argmax(np.abs(v), axis=-2)[..., None, :]
    mask = np.zeros(v.shape)
    np.put_along_axis(mask, k, 1.0, axis=-2)
    return mask


def rq_mask(a: Any, mode: Any = "full") -> np.ndarray:
    """The strictly lower triangular mask of the QR factorization the rules of
    ``scipy.linalg.rq`` go through (``a^T`` with its columns reversed, ``m x m``); refuses
    what has no unique derivative or no rule: modes ``'r'`` and ``'raw'``, ``mode='full'``
    of a matrix that is not square, more rows than columns, complex matrices."""
    m, n = np.shape(a)[-2:]
    if mode not in ("full", "economic") or m > n or mode == "full" and m != n:
        raise ValueRefusedError(
            "the derivative of scipy.linalg.rq is implemented for mode='economic' with no "
            "more rows than columns (and 'full' of a square matrix): this call's factors are "
            "not unique or not returned", hint="use mode='economic'")
    if np.iscomplexobj(a):
        raise ValueRefusedError("the derivative of scipy.linalg.rq is implemented for real "
                                "matrices", hint="split the problem into real parts")
    return np.tril(np.ones((m, m)), -1)
