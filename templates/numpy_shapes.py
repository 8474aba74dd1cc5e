"""NumPy functions that move elements around without changing them: reshape, transpose."""
import numpy as np

from tangentlike.registry import adjoint, d
from tangentlike.runtime import inverse_permutation


@adjoint(np.reshape)
def reshape(y, a, shape=None, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@adjoint(np.ndarray.reshape)
def reshape_method(y, a, *shape, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@adjoint(np.transpose)
def transpose(y, a, axes=None):
    if axes is None:
        d[a] = np.transpose(d[y])
    else:
        d[a] = np.transpose(d[y], inverse_permutation(axes, np.ndim(a)))


@adjoint(np.ndarray.transpose)
def transpose_method(y, a, *axes):
    if axes == () or axes == (None,):
        d[a] = np.transpose(d[y])
    else:
        d[a] = np.transpose(d[y], inverse_permutation(axes, np.ndim(a)))
