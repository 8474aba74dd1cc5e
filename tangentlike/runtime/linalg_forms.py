"""Helpers of the rules of templates/scipy_linalg_forms.py and scipy_linalg_equations.py:
matrices given in other forms (the blocks of ``scipy.linalg.block_diag``, a symmetric
tridiagonal matrix by its diagonals, a symmetric band in LAPACK's storage, the places of
``fiedler_companion``'s coefficients) as dense matrices and back, and the checks those rules
make on their arguments (the Riccati equations' too)."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime import float_dtype


def _block_shape(a: Any) -> tuple[int, ...]:
    """The shape ``block_diag`` gives an argument: a number is 1 x 1, a vector one row."""
    shape = np.shape(a)
    return shape if len(shape) >= 2 else (1,) * (2 - len(shape)) + shape


def block_diag_parts(g: Any, *arrs: Any) -> tuple[Any, ...]:
    """The adjoint of ``scipy.linalg.block_diag(*arrs)``: ``g``'s diagonal blocks, each summed
    over the batch axes its argument was broadcast along and shaped like it.  Linear in
    ``g``."""
    g = np.asarray(g)
    parts, row, col = [], 0, 0
    for a in arrs:
        rows, cols = _block_shape(a)[-2:]
        piece = g[..., row:row + rows, col:col + cols]
        row, col = row + rows, col + cols
        target = _block_shape(a)
        extra = piece.ndim - len(target)
        piece = np.sum(piece, axis=tuple(range(extra))) if extra > 0 else piece
        stretched = tuple(i for i, n in enumerate(target) if n == 1 and piece.shape[i] != 1)
        piece = np.sum(piece, axis=stretched, keepdims=True) if stretched else piece
        parts.append(piece.reshape(np.shape(a)))
    return tuple(parts)


def tridiagonal_dense(d: Any, e: Any) -> Any:
    """The symmetric tridiagonal matrix with diagonal ``d`` and off-diagonal ``e``.  Linear
    in ``(d, e)``."""
    d, e = np.asarray(d), np.asarray(e)
    dtype = np.result_type(d, e, 0.0)
    return (np.diag(d).astype(dtype) + np.diag(e, 1).astype(dtype)
            + np.diag(e, -1).astype(dtype))


def tridiagonal_checked(x: Any, d: Any, e: Any, select: Any, name: str) -> Any:
    """``x``, once the call ``name(d, e, select=select)`` is one the tridiagonal eigenvalue
    rules differentiate: all the eigenvalues (``select='a'``), real diagonals."""
    if select not in ("a", "all", 0):
        raise ValueRefusedError(
            f"{name} with select={select!r}: the eigenvalues chosen by value or index change "
            "with the matrix; only select='a' (all of them) is differentiated",
            hint="compute all eigenvalues and pick the ones wanted from the result")
    if np.iscomplexobj(d) or np.iscomplexobj(e):
        raise ValueRefusedError(
            f"{name} of complex diagonals: only real symmetric tridiagonal matrices are "
            "differentiated", hint="use scipy.linalg.eigh of the dense Hermitian matrix")
    return x


def riccati_checked(x: Any, a: Any, e: Any, name: str) -> Any:
    """``x`` (the solution of ``name``), once the call is one the Riccati rules differentiate:
    real matrices, not stacks of them, no ``e`` (the generalized equations)."""
    if e is not None:
        raise ValueRefusedError(
            f"{name} with e=: the generalized Riccati equation is not differentiated",
            hint="solve the equation of E^-1 A and E^-1 B when E is invertible")
    if np.iscomplexobj(x) or np.iscomplexobj(a):
        raise ValueRefusedError(
            f"{name} of complex matrices: its rule is for real ones (SciPy's complex equation "
            "uses conjugate transposes)", hint="split the problem into real and imaginary parts")
    if np.ndim(a) > 2:
        raise ValueRefusedError(f"{name} of a stack of matrices: one equation at a time is "
                                "differentiated", hint="loop over the stack")
    return x


def symmetric_band(ab: Any, lower: Any, select: Any, name: str) -> tuple[int, int]:
    """The ``(l, u)`` bands (``runtime/linalg.py``'s ``banded_dense``) of a symmetric matrix's
    stored triangle in LAPACK's storage ``ab`` (the upper one unless ``lower``), once the call
    ``name`` is one the banded rules differentiate: one real matrix, all its eigenvalues."""
    if select not in ("a", "all", 0):
        raise ValueRefusedError(
            f"{name} with select={select!r}: the eigenvalues chosen by value or index change "
            "with the matrix; only select='a' (all of them) is differentiated",
            hint="compute all eigenvalues and pick the ones wanted from the result")
    if np.iscomplexobj(ab):
        raise ValueRefusedError(f"{name} of a complex (Hermitian) band: only real symmetric "
                                "bands are differentiated",
                                hint="use the dense Hermitian matrix")
    if np.ndim(ab) != 2:
        raise ValueRefusedError(f"{name} of a stack of bands (shape {np.shape(ab)}): one "
                                "banded matrix at a time is differentiated",
                                hint="loop over the stack")
    k = np.shape(ab)[0] - 1
    return (k, 0) if lower else (0, k)


def symmetric_from_triangle(t: Any) -> Any:
    """``t + t^T`` with ``t``'s diagonal once: the symmetric matrix of a triangle, and the
    adjoint of a symmetric matrix's triangle (off the diagonal an entry moves two).  Linear in
    ``t``, and its own adjoint."""
    t = np.asarray(t)
    return t + np.swapaxes(t, -1, -2) - t * np.eye(t.shape[-1], dtype=t.dtype)


@functools.lru_cache(maxsize=1)
def _cholesky_banded_copies() -> bool:
    """Whether this SciPy's cholesky_banded leaves the storage entries outside the matrix as
    they were (LAPACK's pbtrf does not touch them)."""
    import scipy.linalg

    return bool(scipy.linalg.cholesky_banded(np.array([[7.0, 0.5], [4.0, 4.0]]))[0, 0] == 7.0)


def band_corner(ab: Any, lower: Any) -> Any:
    """Ones at the entries of the banded storage ``ab`` that hold no matrix entry (the upper
    form's top left corner, the lower form's bottom right one) where
    ``scipy.linalg.cholesky_banded`` copies them into its result, zeros elsewhere."""
    rows, n = np.shape(ab)
    r, j = np.indices((rows, n))
    outside = (j + r >= n) if lower else (j < rows - 1 - r)
    dtype = float_dtype(ab)
    return outside.astype(dtype) if _cholesky_banded_copies() else np.zeros((rows, n), dtype)


def fiedler_companion_parts(g: Any, a: Any) -> Any:
    """The adjoint of ``c -> fiedler_companion(c)`` in ``c[1:]`` for ``c[0] = 1`` (where each
    ``c[k]`` is written, negated), shaped like ``a`` (0 first).  Linear in ``g``; one vector
    of coefficients (SciPy's stacks are refused)."""
    import scipy.linalg

    if np.ndim(a) != 1:
        raise ValueRefusedError(
            "the derivative of scipy.linalg.fiedler_companion is implemented for one vector of "
            f"coefficients (got shape {np.shape(a)})", hint="loop over the stack")
    n = np.size(a)
    probe = scipy.linalg.fiedler_companion(np.concatenate([[1.0], -10.0 - np.arange(1, n)]))
    places = probe[..., None] == 10.0 + np.arange(n)  # (matrix, k): where c[k] is written
    return -np.einsum("ij,ijk->k", np.asarray(g), places.astype(float_dtype(g)))
