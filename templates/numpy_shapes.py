"""NumPy functions that move elements around without changing them: reshape, transpose."""
import numpy as np

from tangentlike.registry import adjoint, d


@adjoint(np.reshape)
def reshape(y, a, shape=None, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@adjoint(np.ndarray.reshape)
def reshape_method(y, a, *shape, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@adjoint(np.transpose)
def transpose(y, a, axes=None):
    d[a] = np.transpose(d[y]) if axes is None else np.transpose(d[y], np.argsort(axes))


@adjoint(np.ndarray.transpose)
def transpose_method(y, a, *axes):
    d[a] = np.transpose(d[y]) if axes == () else np.transpose(d[y], np.argsort(axes))
