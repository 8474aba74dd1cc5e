"""NumPy reductions (``sum mean max min``), as functions and as array methods."""
import numpy as np

from tangentlike.registry import adjoint, d, tangent
from tangentlike.runtime import reduce_extremum, unreduce, unreduce_extremum


@adjoint(np.sum)
@adjoint(np.ndarray.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims)


@tangent(np.sum)
@tangent(np.ndarray.sum)
def sum_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[y] = np.sum(d[a], axis=axis, keepdims=keepdims)


@adjoint(np.mean)
@adjoint(np.ndarray.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * (np.size(y) / np.size(a))


@tangent(np.mean)
@tangent(np.ndarray.mean)
def mean_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[y] = np.mean(d[a], axis=axis, keepdims=keepdims)


@adjoint(np.max)
@adjoint(np.amax)
@adjoint(np.ndarray.max)
def max(y, a, axis=None, out=None, keepdims=False):
    d[a] = unreduce_extremum(d[y], a, y, axis, keepdims)


@tangent(np.max)
@tangent(np.amax)
@tangent(np.ndarray.max)
def max_tangent(y, a, axis=None, out=None, keepdims=False):
    d[y] = reduce_extremum(d[a], a, y, axis, keepdims)


@adjoint(np.min)
@adjoint(np.amin)
@adjoint(np.ndarray.min)
def min(y, a, axis=None, out=None, keepdims=False):
    d[a] = unreduce_extremum(d[y], a, y, axis, keepdims)


@tangent(np.min)
@tangent(np.amin)
@tangent(np.ndarray.min)
def min_tangent(y, a, axis=None, out=None, keepdims=False):
    d[y] = reduce_extremum(d[a], a, y, axis, keepdims)
