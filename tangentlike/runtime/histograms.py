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


# np.histogram2d and np.histogramdd (templates/numpy_leftovers.py): each dimension's edges
# follow that dimension's smallest and largest value as np.histogram's do; the sample is an
# (N, D) array, a 1-d array (D = 1), or a sequence of D arrays (numbered one after the other,
# as gathered_pieces numbers them).


def dd_bins(bins: Any, i: int, pair: bool = False) -> Any:
    """The bins of dimension ``i``: a number for all, or one entry per dimension
    (np.histogram2d: an array whose length is not 2 gives the edges of both)."""
    if isinstance(bins, str) or np.ndim(bins) == 0:
        return bins
    if pair and len(bins) not in (1, 2):
        return bins
    return bins[i]


def dd_range(range: Any, i: int) -> Any:
    """The range of dimension ``i`` (None: the data's)."""
    return None if range is None else range[i]


def _columns(sample: Any) -> list[np.ndarray]:
    """The D columns of the sample, as np.histogramdd reads it."""
    if isinstance(sample, np.ndarray):
        if sample.ndim == 2:
            return [sample[:, i] for i in range(sample.shape[1])]
        return [np.ravel(sample)]
    return [np.ravel(np.asarray(c)) for c in sample]


def dd_edge_sources(sample: Any, bins: Any, range: Any = None,
                    density: Any = None) -> np.ndarray:
    """For each dimension, the flat positions in the sample (numbered as gathered_pieces
    numbers its leaves) of the values its first and last edges are (-1 where they are not
    the data's): ``2 D`` indices."""
    columns = _columns(sample)
    dims, n = len(columns), len(columns[0]) if columns else 0
    across = isinstance(sample, np.ndarray) and np.ndim(sample) == 2
    out = []
    for i, column in enumerate(columns):
        ends = edge_sources(column, dd_bins(bins, i), dd_range(range, i), density)
        flat = ends * dims + i if across else ends + i * n
        out.append(np.where(ends >= 0, flat, -1))
    return np.concatenate(out) if out else np.zeros(0, int)


def dd_positions(edges: Any) -> np.ndarray:
    """0, 1, ... for every edge of every dimension (the edges' flat numbering)."""
    return np.arange(sum(np.size(e) for e in edges))


def dd_edge_matrix(edges: Any) -> np.ndarray:
    """The ``(2 D, E)`` matrix whose rows spread dimension i's first and last edges over its
    edges (``1 - k / n`` and ``k / n``): the edges are its transpose times the ends."""
    sizes = [np.size(e) for e in edges]
    out = np.zeros((2 * len(sizes), sum(sizes)))
    start = 0
    for i, size in enumerate(sizes):
        t = edge_weights(np.zeros(size))
        out[2 * i, start:start + size] = 1.0 - t
        out[2 * i + 1, start:start + size] = t
        start += size
    return out


def dd_bin_sources(sample: Any, edges: Any, density: Any = None) -> np.ndarray:
    """The flat bin (of the counts) of each sample point, -1 outside the edges."""
    _check(10, density)
    index = [bin_sources(column, e) for column, e in zip(_columns(sample), edges)]
    shape = tuple(np.size(e) - 1 for e in edges)
    inside = np.all([i >= 0 for i in index], axis=0)
    flat = np.ravel_multi_index([np.maximum(i, 0) for i in index], shape)
    return np.where(inside, flat, -1)
