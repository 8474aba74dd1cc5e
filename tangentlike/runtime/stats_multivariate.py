"""Helpers of the rules of scipy.stats' multivariate densities beyond the normal and the
Dirichlet (templates/scipy_multivariate_more.py): the shapes SciPy gives their points, the
masks of the counts a mass function is defined at, and the refusals of what the rules do not
cover.  None carries a derivative (they are declared non-differentiable)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.linalg import real_matrices


def _matrices(name: str, *matrices: Any) -> None:
    """Refuse complex values, and a scale or covariance that is not a square matrix."""
    for a in matrices:
        real_matrices(f"scipy.stats.{name}", a)
        if np.ndim(a) != 2 or np.shape(a)[0] != np.shape(a)[1]:
            raise ValueRefusedError(
                f"tangentlike differentiates scipy.stats.{name} with its scale or covariance "
                "given as a square matrix (shape (k, k)); write np.diag(v) or v * np.eye(k) "
                "for a diagonal or scalar one")


def wishart_points_shape(name: str, x: Any, scale: Any) -> tuple[int, int, int]:
    """``(p, p, -1)``: the points of ``scipy.stats.wishart`` (``invwishart``) as SciPy stacks
    them, one ``p x p`` matrix per index of the last axis.  Refuses a scale that is not a
    matrix and points that are not a matrix or a stack of them (SciPy's numbers and
    diagonals)."""
    _matrices(name, scale)
    real_matrices(f"scipy.stats.{name}", x)
    p = np.shape(scale)[0]
    if np.ndim(x) not in (2, 3) or np.shape(x)[:2] != (p, p):
        raise ValueRefusedError(
            f"tangentlike differentiates scipy.stats.{name} at points given as a ({p}, {p}) "
            f"matrix or a ({p}, {p}, n) stack of them (not as numbers or diagonals)")
    return (p, p, -1)


def mvt_points_shape(x: Any, shape: Any, df: Any,
                     allow_singular: Any = False) -> tuple[int, ...]:
    """The shape ``scipy.stats.multivariate_t`` gives the points ``x``: ``(..., k)`` for a
    shape matrix ``(k, k)`` (a vector is one point; ``k == 1`` makes it points of one
    dimension).  Refuses a shape that is not a matrix, ``df=np.inf`` (SciPy's normal) and
    ``allow_singular=True`` (a pseudo-inverse, whose derivative this rule is not)."""
    _matrices("multivariate_t", shape)
    if allow_singular:
        raise ValueRefusedError(
            "tangentlike differentiates scipy.stats.multivariate_t with allow_singular=False "
            "only (a singular shape matrix has no derivative this rule computes)")
    real_matrices("scipy.stats.multivariate_t", x)
    if np.any(np.isinf(df)):
        raise ValueRefusedError(
            "tangentlike differentiates scipy.stats.multivariate_t with finite df; write "
            "scipy.stats.multivariate_normal for df=np.inf")
    k = np.shape(shape)[0]
    return (-1, k) if np.ndim(x) <= 1 else np.shape(x)


def matrix_points_shape(name: str, x: Any, rowcov: Any, colcov: Any) -> tuple[int, int, int]:
    """``(-1, n, p)``: the points of ``scipy.stats.matrix_normal`` (``matrix_t``) as a stack
    of ``n x p`` matrices.  Refuses covariances that are not matrices."""
    _matrices(name, rowcov, colcov)
    real_matrices(f"scipy.stats.{name}", x)
    return (-1, np.shape(rowcov)[0], np.shape(colcov)[0])


def counts_match(x: Any, n: Any) -> Any:
    """1.0 where the counts ``x`` (components along the last axis) sum to ``n``, else 0.0:
    where a multinomial mass function is defined (elsewhere it is 0, constant)."""
    return (np.sum(x, axis=-1) == n).astype(float)


def refuse_mvn_cdf_cov(g: Any) -> Any:
    """Raise: the multivariate normal's distribution function in its covariance."""
    raise ValueRefusedError(
        "tangentlike differentiates scipy.stats.multivariate_normal.cdf (logcdf) in x and "
        "mean, not in cov (its derivative there is a sum of second-order terms of a "
        "numerical integral); hold the covariance constant")
