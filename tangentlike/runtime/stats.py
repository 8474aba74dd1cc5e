"""Helpers of the scipy.stats rules (templates/scipy_stats.py, templates/scipy_multivariate.py):
the shapes SciPy gives the points of a multivariate density, and the refusals of what the
rules do not cover.  None carries a derivative (they are declared non-differentiable)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.linalg import real_matrices


def mvn_points_shape(x: Any, cov: Any, allow_singular: Any = False) -> tuple[int, ...]:
    """The shape ``multivariate_normal`` gives the points ``x``: ``(..., k)`` for a covariance
    of shape ``(k, k)`` (a number is one point of one dimension, a vector one point, or
    ``k == 1`` points of one dimension).  Refuses a covariance that is not a matrix, and
    ``allow_singular=True`` (a pseudo-inverse, whose derivative this rule is not)."""
    real_matrices("scipy.stats.multivariate_normal", x)
    real_matrices("scipy.stats.multivariate_normal", cov)
    if allow_singular:
        raise ValueRefusedError(
            "tangentlike differentiates scipy.stats.multivariate_normal with "
            "allow_singular=False only (a singular covariance has no derivative this rule "
            "computes)")
    if np.ndim(cov) != 2:
        raise ValueRefusedError(
            "tangentlike differentiates scipy.stats.multivariate_normal with the covariance "
            "given as a matrix (cov of shape (k, k)); write np.diag(v) or v * np.eye(k) for "
            "a diagonal or scalar covariance")
    k = np.shape(cov)[0]
    return (-1, k) if np.ndim(x) <= 1 else np.shape(x)


def dirichlet_points_shape(x: Any, alpha: Any) -> tuple[int, ...]:
    """``x.shape``, the points of ``scipy.stats.dirichlet.logpdf(x, alpha)``.  Refuses points
    given without their last component (``K - 1`` rows, which SciPy completes to sum to
    one)."""
    if np.ndim(alpha) != 1 or np.shape(x)[0] != np.shape(alpha)[0]:
        raise ValueRefusedError(
            "tangentlike differentiates scipy.stats.dirichlet with alpha a vector of K "
            "parameters and x of K rows (every component, the first axis); give x's last "
            "component, 1 - np.sum(x, axis=0), explicitly")
    return np.shape(x)


def leading_rows(x: Any) -> tuple[int, int]:
    """``(x.shape[0], -1)``: ``x`` as a matrix of one row per component."""
    return (np.shape(x)[0], -1)


def refuse_cdf_shape(g: Any) -> Any:
    """Raise: the derivative of a distribution function in a shape parameter (the regularized
    incomplete gamma or beta function's derivative in its parameter) has no closed form."""
    raise ValueRefusedError(
        "tangentlike differentiates this scipy.stats distribution function (cdf, logcdf, sf, "
        "logsf) in x, loc and scale, not in its shape parameters (the incomplete gamma or "
        "beta function's derivative in its parameter has no closed form); hold the shape "
        "parameter constant")
