"""Helpers of the numpy.fft rules (templates/numpy_fft.py)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.runtime.libraries import dtype_kind


def fft_fit(g: Any, x: Any) -> Any:
    """``g`` cut or zero-padded to the shape of ``x``, and its real part when ``x`` is real:
    the derivative of a transform's input, computed at the size the transform used (its
    ``n`` or ``s``).  The derivative of a real value is real."""
    shape = np.shape(x)
    if np.shape(g) != shape:
        g = np.asarray(g)
        out = np.zeros(shape, g.dtype)
        common = tuple(slice(0, min(n, m)) for n, m in zip(g.shape, shape))
        out[common] = g[common]
        g = out
    if np.iscomplexobj(g) and not np.iscomplexobj(x):
        return np.real(g)
    return g


def fft_axes(a: Any, s: Any = None, axes: Any = None) -> tuple[int, ...]:
    """The axes ``np.fft.fftn(a, s, axes)`` transforms: all of them, or the last ``len(s)``
    when ``axes`` is None."""
    if axes is not None:
        return (axes,) if np.ndim(axes) == 0 else tuple(axes)
    return tuple(range(-len(s), 0)) if s is not None else tuple(range(np.ndim(a)))


def fft_sizes(a: Any, s: Any = None, axes: Any = None) -> tuple[int, ...]:
    """The lengths of the full spectrum ``np.fft.rfftn(a, s, axes)`` halves: ``s``, or the
    shape of ``a`` along the transformed axes (-1 in ``s`` keeps ``a``'s length)."""
    shape = np.shape(a)
    axes = fft_axes(a, s, axes)
    if s is None:
        return tuple(shape[i] for i in axes)
    return tuple(shape[i] if n == -1 else n for i, n in zip(axes, s))


def hermitian_weights(y: Any, a: Any, axes: Any = None) -> Any:
    """For ``y = np.fft.irfft(a, axis)`` (or ``irfftn(a, s, axes)``): how many times each
    frequency of ``a`` along the last transformed axis appears in the full spectrum, as an
    array that broadcasts against ``a`` (1 for the zero and Nyquist frequencies, 2 for the
    others, 0 past the frequencies the transform reads)."""
    axis = -1 if axes is None else axes if np.ndim(axes) == 0 else tuple(axes)[-1]
    n, m = np.shape(y)[axis], np.shape(a)[axis]
    dtype = np.result_type(y)
    w = np.zeros(m, dtype if dtype_kind(dtype) == "f" else np.dtype(float))
    w[:min(n // 2 + 1, m)] = 2.0  # (a stop past the end: out of the standard's bounds)
    w[0] = 1.0
    if n % 2 == 0 and n // 2 < m:
        w[n // 2] = 1.0
    shape = [1] * np.ndim(a)
    shape[axis] = m
    return np.reshape(w, tuple(shape))


# scipy.special (templates/scipy_special.py) ---------------------------------------------------
