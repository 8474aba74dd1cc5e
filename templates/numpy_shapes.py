"""NumPy functions that move elements around without changing them: reshape, transpose."""
import numpy as np

from tangentlike.registry import adjoint, d, tangent
from tangentlike.runtime import inverse_permutation


@adjoint(np.reshape)
def reshape(y, a, shape=None, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@tangent(np.reshape)
def reshape_tangent(y, a, shape=None, order="C"):
    d[y] = np.reshape(d[a], np.shape(y), order=order)


@adjoint(np.ndarray.reshape)
def reshape_method(y, a, *shape, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@tangent(np.ndarray.reshape)
def reshape_method_tangent(y, a, *shape, order="C"):
    d[y] = np.reshape(d[a], np.shape(y), order=order)


@adjoint(np.transpose)
def transpose(y, a, axes=None):
    if axes is None:
        d[a] = np.transpose(d[y])
    else:
        d[a] = np.transpose(d[y], inverse_permutation(axes, np.ndim(a)))


@tangent(np.transpose)
def transpose_tangent(y, a, axes=None):
    if axes is None:
        d[y] = np.transpose(d[a])
    else:
        d[y] = np.transpose(d[a], axes)


@adjoint(np.ndarray.transpose)
def transpose_method(y, a, *axes):
    if axes == () or axes == (None,):
        d[a] = np.transpose(d[y])
    else:
        d[a] = np.transpose(d[y], inverse_permutation(axes, np.ndim(a)))


@tangent(np.ndarray.transpose)
def transpose_method_tangent(y, a, *axes):
    # The tangent moves like the array: x.transpose(1, 0) and x.transpose((1, 0)) alike.
    if axes == () or axes == (None,):
        d[y] = np.transpose(d[a])
    else:
        d[y] = d[a].transpose(*axes)
