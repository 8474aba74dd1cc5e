"""NumPy histograms: np.histogram and np.histogram_bin_edges (helpers in
tangentlike/runtime/histograms.py).

The counts are constants of the data (a small move leaves each element in its bin); weighted
counts are sums of the weights, bin by bin (linear in the weights); the edges follow the
smallest and largest element when ``bins`` is a number (``np.linspace(a.min(), a.max(),
bins + 1)``), the range when it is given, or are the edges given as ``bins``.
``density=True`` and estimated bins (``bins="auto"``) are refused.
"""
import numpy as np

from tangentlike.rules.primitive import Facts, Returns
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import zeros_like
from tangentlike.runtime.arrays import cast_derivative, unarray
from tangentlike.runtime.gathers import gathered, ungathered
from tangentlike.runtime.histograms import (
    as_histogram,
    bin_sources,
    edge_sources,
    edge_weights,
    range_follows,
)

# Pure; np.histogram returns a pair, and its edges' number follows from the values of bins.
FACTS = Facts(pure=True, containers=True, returns=Returns.NEW)

non_differentiable(edge_sources, edge_weights, range_follows, bin_sources)


# Histograms: the counts are constants of the data, weighted counts sums of the weights; the
# edges follow the smallest and largest element (bins a number, no range), or the range, or
# are the edges given (bins an array).  density=True and estimated bins are refused.
@adjoint(np.histogram, tuple_result=True)
def histogram(y, a, bins=10, range=None, density=None, weights=None):
    t = edge_weights(y[1])
    ends = np.stack([np.sum(d[y][1] * (1.0 - t)), np.sum(d[y][1] * t)])
    d[a] = ungathered(ends, a, edge_sources(a, bins, range, density))
    d[range] = unarray(ends * range_follows(bins), range, y[1])
    d[bins] = cast_derivative(d[y][1], bins)
    d[weights] = cast_derivative(gathered(d[y][0], bin_sources(a, y[1], density)), weights)


@tangent(np.histogram, tuple_result=True)
def histogram_tangent(y, a, bins=10, range=None, density=None, weights=None):
    t = edge_weights(y[1])
    d[y] = as_histogram(zeros_like(y[0]), cast_derivative(np.linspace(
        gathered(d[a], edge_sources(a, bins, range, density))[0],
        gathered(d[a], edge_sources(a, bins, range, density))[1], np.size(t)), y[1]))
    d[y] = as_histogram(zeros_like(y[0]), cast_derivative(
        range_follows(bins) * ((1.0 - t) * d[range][0] + t * d[range][1]), y[1]))
    d[y] = as_histogram(zeros_like(y[0]), cast_derivative(d[bins], y[1]))
    d[y] = as_histogram(cast_derivative(np.histogram(a, y[1], weights=d[weights])[0], y[0]),
                        zeros_like(y[1]))


@adjoint(np.histogram_bin_edges)
def histogram_bin_edges(y, a, bins=10, range=None, weights=None):
    t = edge_weights(y)
    ends = np.stack([np.sum(d[y] * (1.0 - t)), np.sum(d[y] * t)])
    d[a] = ungathered(ends, a, edge_sources(a, bins, range))
    d[range] = unarray(ends * range_follows(bins), range, y)
    d[bins] = cast_derivative(d[y], bins)


@tangent(np.histogram_bin_edges)
def histogram_bin_edges_tangent(y, a, bins=10, range=None, weights=None):
    t = edge_weights(y)
    d[y] = cast_derivative(np.linspace(gathered(d[a], edge_sources(a, bins, range))[0],
                                       gathered(d[a], edge_sources(a, bins, range))[1],
                                       np.size(t)), y)
    d[y] = cast_derivative(range_follows(bins) * ((1.0 - t) * d[range][0] + t * d[range][1]),
                           y)
    d[y] = cast_derivative(d[bins], y)


@adjoint(as_histogram)
def as_histogram_adjoint(r, counts, edges):
    d[counts] = d[r][0]
    d[edges] = d[r][1]


@tangent(as_histogram)
def as_histogram_tangent(r, counts, edges):
    d[r] = as_histogram(d[counts], zeros_like(edges))
    d[r] = as_histogram(zeros_like(counts), d[edges])
