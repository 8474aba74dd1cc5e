"""Helpers of the generic scipy.stats densities (frontend/standardized.py): which points a
distribution's private method computes (SciPy's own conditions), a point inside the support
to stand for the others, and SciPy's value at the others.  None carries a derivative (they
are declared non-differentiable in templates/scipy_stats.py)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.numpy_only import refuse_other_libraries


def inside(dist: Any, method: str, z: Any, scale: Any, *shapes: Any) -> Any:
    """Where ``dist.method`` computes its private method (``_logpdf`` at the standardized
    point ``z``): valid shapes, ``scale > 0``, ``z`` in the support (open for ``cdf``,
    ``logcdf``), as SciPy's public method decides."""
    refuse_other_libraries("tangentlike.runtime.stats_generic.inside", z, scale, *shapes)
    z = np.asarray(z, dtype=np.promote_types(np.asarray(z).dtype, np.float64))
    shapes = tuple(map(np.asarray, shapes))
    valid = dist._argcheck(*shapes) & (np.asarray(scale) > 0)
    if method in ("pdf", "logpdf"):
        return valid & dist._support_mask(z, *shapes) & ~np.isnan(z)
    return valid & dist._open_support_mask(z, *shapes) & ~np.isnan(z)


def inside_discrete(dist: Any, method: str, k: Any, *shapes: Any) -> Any:
    """Where a discrete ``dist.method`` computes its private method at ``k`` (less ``loc``)."""
    k = np.asarray(k)
    shapes = tuple(map(np.asarray, shapes))
    a, b = dist._get_support(*shapes)
    valid = dist._argcheck(*shapes)
    if method in ("pmf", "logpmf"):
        return valid & (k >= a) & (k <= b) & dist._nonzero(k, *shapes)
    return valid & (k >= a) & (k < b) & np.isfinite(k)


def inner_point(dist: Any, z: Any, *shapes: Any) -> Any:
    """A point inside ``dist``'s support, standing for the points outside it (so that the
    private method's derivative there, multiplied by 0, stays finite)."""
    a, b = dist._get_support(*map(np.asarray, shapes))
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf, not chosen
        point = np.where(np.isfinite(a) & np.isfinite(b), a / 2 + b / 2,
                         np.where(np.isfinite(a), a + 1.0, np.where(np.isfinite(b), b - 1.0,
                                                                    0.0)))
    return np.broadcast_to(point, np.broadcast_shapes(np.shape(z), point.shape)) + 0.0


def inner_count(dist: Any, k: Any, *shapes: Any) -> Any:
    """A count inside a discrete ``dist``'s support (its least, or its greatest)."""
    a, b = dist._get_support(*map(np.asarray, shapes))
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    point = np.where(np.isfinite(a), a, np.where(np.isfinite(b), b, 0.0))
    return np.broadcast_to(point, np.broadcast_shapes(np.shape(k), point.shape)) + 0.0


def count(k: Any, loc: Any) -> Any:
    """``k - loc``, the count a discrete distribution's private method takes (no derivative:
    the count and its ``loc`` are integers)."""
    return np.asarray(k - loc)


def median(dist: Any, *shapes: Any) -> Any:
    """``dist``'s standard median, where SciPy's ``_logcdf`` turns from ``log(cdf)`` to
    ``log1p(-sf)``."""
    return dist._ppf(0.5, *map(np.asarray, shapes))


def scipy_value(dist: Any, method: str, x: Any, *args: Any) -> Any:
    """SciPy's own ``dist.method(x, *args)`` (the value at the points the private method does
    not compute: 0, 1, -inf, nan)."""
    return getattr(dist, method)(x, *args)


def count_grid(dist: Any, j: Any, *shapes: Any) -> Any:
    """The counts a discrete ``dist``'s default ``_cdf`` adds the mass of (SciPy's
    ``_cdf_single``: from the support's least count to ``j``), for every element at once:
    from the least to the greatest ``j``, along a new first axis (the others of length 1)."""
    a, _ = dist._get_support(*map(np.asarray, shapes))
    low = int(np.min(a))
    high = int(np.max(np.floor(j))) if np.size(j) else low
    ndim = max([np.ndim(j), *map(np.ndim, shapes)])
    return np.arange(low, max(high, low) + 1, dtype=float).reshape((-1,) + (1,) * ndim)


def private_value(dist: Any, method: str, point: Any, *shapes: Any) -> Any:
    """SciPy's own private ``dist.method(point, *shapes)`` (its value, not its derivative)."""
    return getattr(dist, method)(np.asarray(point), *map(np.asarray, shapes))


def valued(value: Any, same: Any) -> Any:
    """``value``, whose derivative is that of ``same``: the same number computed in another
    order (its rules are in templates/scipy_stats_more.py)."""
    return value + np.zeros_like(same)


def integrated(dist: Any, method: str, z: Any, *shapes: Any) -> Any:
    """SciPy's ``dist.method(z, *shapes)`` (``_cdf`` or ``_sf``) where SciPy integrates the
    density numerically (``scipy.integrate.quad``).  Its rules refuse a derivative
    (:func:`refuse_integrated`)."""
    z, *shapes = np.broadcast_arrays(np.asarray(z, dtype=float), *map(np.asarray, shapes))
    out = getattr(dist, method)(z.ravel(), *(s.ravel() for s in shapes))  # as SciPy calls it
    return np.reshape(out, z.shape)


def refuse_integrated(dist: Any, g: Any) -> Any:
    """Raise: the distribution function is SciPy's numerical integral of the density."""
    raise ValueRefusedError(
        f"tangentlike does not differentiate scipy.stats.{dist.name}'s distribution function "
        f"(cdf, logcdf): SciPy integrates its density numerically (rv_continuous._cdf, "
        f"scipy.integrate.quad in np.vectorize), and tangentlike does not differentiate "
        f"through numerical integration; hold its arguments constant, or register a rule "
        f"for it (@tangentlike.adjoint and @tangentlike.tangent)")
