"""Helpers of the rules of scipy.stats' multivariate densities beyond the normal and the
Dirichlet (templates/scipy_multivariate_more.py): the shapes SciPy gives their points, the
masks of the counts a mass function is defined at, and the refusals of what the rules do not
cover.  None carries a derivative (they are declared non-differentiable)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.linalg import real_matrices
from tangentlike.runtime.stats import mvn_points_shape


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


def mvn_cdf_gradient(x: Any, mean: Any, cov: Any, allow_singular: Any = False,
                     maxpts: Any = None, abseps: Any = 1e-5, releps: Any = 1e-5,
                     lower_limit: Any = None, rng: Any = None) -> Any:
    """The derivative of ``scipy.stats.multivariate_normal.cdf(x, mean, cov)`` in each
    component of each point, in the shape of the points (``mvn_points_shape``):
    ``d/dx_i = pdf(x_i; mean_i, cov_ii) * cdf_(k-1)(x_-i; the conditional mean and
    covariance given x_i)``, the conditional distribution function computed by SciPy with
    the same tolerances (and ``rng=``, where this SciPy has it): accurate to SciPy's
    ``abseps`` times the density.  Refuses ``lower_limit=`` and ``allow_singular=True``."""
    import scipy.stats

    if lower_limit is not None:
        raise ValueRefusedError(
            "tangentlike differentiates scipy.stats.multivariate_normal.cdf (logcdf) with "
            "lower_limit=None only (the distribution function, not the probability of a box)")
    shape = mvn_points_shape(x, cov, allow_singular)
    points = np.reshape(np.asarray(x, dtype=float), (-1, shape[-1]))
    k = points.shape[-1]
    mean = np.zeros(k) if mean is None else np.broadcast_to(np.asarray(mean, float), (k,))
    cov = np.asarray(cov, dtype=float)
    options: dict[str, Any] = {"maxpts": maxpts, "abseps": abseps, "releps": releps}
    if rng is not None:
        options["rng"] = rng
    out = np.empty_like(points)
    for i in range(k):
        sd = np.sqrt(cov[i, i])
        density = scipy.stats.norm.pdf(points[:, i], mean[i], sd)
        if k == 1:
            out[:, i] = density
            continue
        rest = np.arange(k) != i
        across = cov[rest, i]
        given = np.outer((points[:, i] - mean[i]) / cov[i, i], across)
        conditional = cov[np.ix_(rest, rest)] - np.outer(across, across) / cov[i, i]
        below = scipy.stats.multivariate_normal.cdf(
            points[:, rest] - mean[rest] - given, None, conditional, **options)
        out[:, i] = density * np.reshape(below, (-1,))
    return np.reshape(out, shape)


def refuse_mvn_cdf_twice(g: Any) -> Any:
    """Raise: second derivatives of the multivariate normal's distribution function."""
    raise ValueRefusedError(
        "tangentlike takes first derivatives of scipy.stats.multivariate_normal.cdf (logcdf) "
        "only (its second derivatives need the bivariate conditional distribution functions)")


def mvt_cdf_gradient(x: Any, loc: Any, shape: Any, df: Any, allow_singular: Any = False,
                     maxpts: Any = None, lower_limit: Any = None,
                     random_state: Any = None) -> Any:
    """The derivative of ``scipy.stats.multivariate_t.cdf(x, loc, shape, df)`` in each
    component of each point, in the shape of the points: ``d/dx_i`` is the t density of
    ``x_i`` (``df``, ``loc_i``, ``shape_ii``) times the distribution function of the other
    components given ``x_i``, a t distribution of ``df + 1`` degrees of freedom whose shape is
    the conditional one times ``(df + q) / (df + 1)`` (``q = (x_i - loc_i)^2 / shape_ii``):
    exact in one and two dimensions, else SciPy's own cdf with the same ``maxpts`` and
    ``random_state``.  Refuses ``lower_limit=``, ``allow_singular=True`` and ``df=np.inf``."""
    import scipy.stats

    if lower_limit is not None:
        raise ValueRefusedError(
            "tangentlike differentiates scipy.stats.multivariate_t.cdf with lower_limit=None "
            "only (the distribution function, not the probability of a box)")
    points_shape = mvt_points_shape(x, shape, df, allow_singular)
    points = np.reshape(np.asarray(x, dtype=float), (-1, points_shape[-1]))
    k = points.shape[-1]
    loc = np.zeros(k) if loc is None else np.broadcast_to(np.asarray(loc, float), (k,))
    shape = np.asarray(shape, dtype=float)
    df = float(df)
    out = np.empty_like(points)
    for i in range(k):
        r = points[:, i] - loc[i]
        density = scipy.stats.t.pdf(r, df, 0.0, np.sqrt(shape[i, i]))
        if k == 1:
            out[:, i] = density
            continue
        rest = np.arange(k) != i
        across = shape[rest, i]
        ahead = points[:, rest] - loc[rest] - np.outer(r / shape[i, i], across)
        conditional = shape[np.ix_(rest, rest)] - np.outer(across, across) / shape[i, i]
        factor = (df + r * r / shape[i, i]) / (df + 1.0)
        if k == 2:
            below = scipy.stats.t.cdf(ahead[:, 0] / np.sqrt(factor * conditional[0, 0]),
                                      df + 1.0)
        else:
            below = np.array([scipy.stats.multivariate_t.cdf(
                ahead[j], None, factor[j] * conditional, df + 1.0, maxpts=maxpts,
                random_state=random_state) for j in range(len(points))])
        out[:, i] = density * below
    return np.reshape(out, points_shape)


def refuse_mvt_cdf(g: Any) -> Any:
    """Raise: the multivariate t's distribution function in its shape matrix or df."""
    raise ValueRefusedError(
        "tangentlike differentiates scipy.stats.multivariate_t.cdf in x and loc, not in "
        "shape or df (no closed form); hold them constant")


def refuse_mvt_cdf_twice(g: Any) -> Any:
    """Raise: second derivatives of the multivariate t's distribution function."""
    raise ValueRefusedError(
        "tangentlike takes first derivatives of scipy.stats.multivariate_t.cdf only")
