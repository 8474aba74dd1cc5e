"""Helpers of the rules of ``np.histogram`` and ``np.histogram_bin_edges``
(templates/numpy_indexing.py).

The counts are constants of the data (a small move leaves each element in its bin); the bin
edges follow the smallest and largest element when ``bins`` is a number and ``range`` is not
given (``np.linspace(a.min(), a.max(), bins + 1)``), the range when it is given, the edges
themselves when ``bins`` is an array; weighted counts are sums of the weights, bin by bin.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _refuse(what: str, hint: str) -> None:
    from tangentlike.errors import NoDerivativeError

    raise NoDerivativeError(f"tangentlike has no derivative for np.histogram with {what}",
                            hint=hint)


def _check(bins: Any, density: Any) -> None:
    if isinstance(bins, str):
        _refuse(f"bins={bins!r} (edges estimated from the data)",
                "give the number of bins, or the edges as an array")
    if density:
        _refuse("density=True (the density depends on the bin widths)",
                "divide the counts yourself: h / (np.sum(h) * np.diff(edges))")


def edge_sources(a: Any, bins: Any, range: Any = None, density: Any = None) -> np.ndarray:
    """The flat indices in ``a`` of the elements the first and last edges are (the smallest
    and the largest; -1 when the edges do not follow ``a``: ``range`` given, or edges
    given as ``bins``)."""
    _check(bins, density)
    if range is not None or np.ndim(bins) > 0 or np.size(a) == 0:
        return np.array([-1, -1])
    flat = np.ravel(a)
    return np.array([np.argmin(flat), np.argmax(flat)])


def edge_weights(edges: Any) -> np.ndarray:
    """``k / n`` for the ``n + 1`` edges: edge k is ``first * (1 - t) + last * t``."""
    n = np.size(edges) - 1
    return np.arange(n + 1) / max(n, 1)


def range_follows(bins: Any) -> float:
    """1.0 when the edges are spread over ``range`` (``bins`` a number), else 0.0."""
    return 0.0 if np.ndim(bins) > 0 else 1.0


def bin_sources(a: Any, edges: Any, density: Any = None) -> np.ndarray:
    """The bin of each element of ``a`` (-1 outside the edges), as np.histogram counts
    them (the last bin holds its right edge)."""
    _check(10, density)
    edges = np.asarray(edges)
    a = np.asarray(a)
    index = np.searchsorted(edges, a, "right") - 1
    index = np.where(a == edges[-1], np.size(edges) - 2, index)
    inside = (a >= edges[0]) & (a <= edges[-1])
    return np.where(inside, index, -1)


def as_histogram(counts: Any, edges: Any) -> tuple:
    """The pair np.histogram returns, for derivatives: ``(counts, edges)``."""
    return (counts, edges)
