"""NumPy reductions (``sum mean max min``), as functions and as array methods."""
import numpy as np

from tangentlike.registry import adjoint, d
from tangentlike.runtime import unreduce, unreduce_extremum


@adjoint(np.sum)
@adjoint(np.ndarray.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims)


@adjoint(np.mean)
@adjoint(np.ndarray.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * (np.size(y) / np.size(a))


@adjoint(np.max)
@adjoint(np.amax)
@adjoint(np.ndarray.max)
def max(y, a, axis=None, out=None, keepdims=False):
    d[a] = unreduce_extremum(d[y], a, y, axis, keepdims)


@adjoint(np.min)
@adjoint(np.amin)
@adjoint(np.ndarray.min)
def min(y, a, axis=None, out=None, keepdims=False):
    d[a] = unreduce_extremum(d[y], a, y, axis, keepdims)
