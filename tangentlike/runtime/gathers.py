"""Helpers of the rules that gather elements and build arrays from pieces
(templates/numpy_indexing.py).

Most of those functions move elements without changing them: ``np.delete``, ``np.insert``,
``np.choose``, ``np.unique``, ``np.block``...  Their derivative moves the derivative the same
way.  The rules find where each element of the result comes from by calling the function on
*sources*, arrays of flat indices (:func:`flat_sources`; -1 for an element that comes from no
differentiated input), then :func:`gathered` reads a derivative at those indices (a
tangent) and :func:`ungathered` adds a derivative back at them (an adjoint; an element copied
twice gets both contributions).  Several inputs (a list of arrays) are numbered one after the
other (:func:`piece_sources`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.runtime import unbroadcast, zeros_like
from tangentlike.runtime.arrays import cast_derivative, unarray
from tangentlike.runtime.libraries import dtype_kind


def flat_sources(x: Any) -> np.ndarray:
    """The flat index of each element of ``x``, shaped like ``x``."""
    return np.arange(np.size(x)).reshape(np.shape(x))


def no_sources(x: Any) -> np.ndarray:
    """-1 for each element of ``x``: elements that come from no input being followed."""
    return np.full(np.shape(x), -1)


def gathered(t: Any, source: Any) -> Any:
    """The derivative ``t`` read at the flat indices ``source`` (zero where -1)."""
    t = np.asarray(t)
    source = np.asarray(source)
    flat = np.ravel(t)
    keep = source >= 0
    if np.size(flat) == 0:  # every element from elsewhere: nothing to take from
        return np.zeros(source.shape, np.result_type(t, 0.0))
    # a take and a where, not a masked write: the same on NumPy, and lazy on Dask (whose
    # masked reads have unknown shapes)
    picked = np.reshape(np.take(flat, np.ravel(np.where(keep, source, 0))), source.shape)
    return np.where(keep, picked, np.zeros((), np.result_type(t, 0.0)))


def _like(flat: np.ndarray, x: Any) -> Any:
    """``flat`` shaped and typed like ``x`` (a list of floats for a list, a float for a
    float)."""
    out = flat.reshape(np.shape(x))
    if isinstance(x, (list, tuple)):
        return unarray(out, x, out)
    return cast_derivative(out, x) if not isinstance(x, np.ndarray) else out


def ungathered(g: Any, x: Any, source: Any) -> Any:
    """The transpose of :func:`gathered`: each element of ``g`` added to the element of ``x``
    its source names, the result shaped and typed like ``x`` (a float32 array gets a float32
    derivative)."""
    source = np.asarray(source)
    g = np.broadcast_to(np.asarray(g), source.shape)
    kind = np.asarray(x).dtype
    out = np.zeros(np.size(x), kind if kind.kind in "fc" else np.result_type(g, 0.0))
    keep = source >= 0
    np.add.at(out, source[keep], g[keep])
    return _like(out, x)


def _leaves(pieces: Any) -> list[Any]:
    """The arrays of a nested list (tuple) of arrays, depth first."""
    if isinstance(pieces, (list, tuple)):
        return [leaf for p in pieces for leaf in _leaves(p)]
    return [pieces]


def piece_sources(pieces: Any) -> Any:
    """:func:`flat_sources` of each array of a nested list, numbered one after the other (an
    array, not a list, is one piece)."""
    start = [0]

    def number(p: Any) -> Any:
        if isinstance(p, (list, tuple)):
            return type(p)(number(q) for q in p)
        out = flat_sources(p) + start[0]
        start[0] += np.size(p)
        return out

    return number(pieces)


def gathered_pieces(ts: Any, source: Any) -> Any:
    """The derivatives ``ts`` of the pieces (nested like them) read at ``source``."""
    leaves = [np.ravel(t) for t in _leaves(ts)]
    return gathered(np.concatenate(leaves) if leaves else np.zeros(0), source)


def ungathered_pieces(g: Any, pieces: Any, source: Any) -> Any:
    """The transpose of :func:`gathered_pieces`: the derivative of each piece, nested and
    typed like ``pieces``."""
    leaves = _leaves(pieces)
    dtype = np.result_type(*(np.asarray(p).dtype for p in leaves), np.float32) if leaves \
        else float
    total = ungathered(g, np.zeros(sum(np.size(p) for p in leaves), dtype), source)
    start = [0]

    def cut(p: Any) -> Any:
        if isinstance(p, (list, tuple)):
            return type(p)(cut(q) for q in p)
        n = np.size(p)
        part = total[start[0]:start[0] + n]
        start[0] += n
        kind = np.asarray(p).dtype
        return _like(part.astype(kind) if kind.kind in "fc" else part, p)

    return cut(pieces)


def select_sources(condlist: Any, choicelist: Any, default: Any, part: str) -> np.ndarray:
    """Sources of ``np.select(condlist, choicelist, default)``: into the choices
    (``part="choices"``, numbered as :func:`piece_sources`) or into ``default``."""
    if part == "choices":
        return np.select(condlist, list(piece_sources(list(choicelist))),
                         np.broadcast_to(-1, np.shape(default)))
    return np.select(condlist, [no_sources(c) for c in choicelist], flat_sources(default))


def set_sources(values: Any, ar1: Any, ar2: Any, which: int) -> np.ndarray:
    """For the result ``values`` of a set operation on ``ar1`` and ``ar2`` (np.unique,
    np.union1d, ...): the flat index in ``ar1`` (``which`` 0) or ``ar2`` (1) of the first
    element equal to each value, ``ar1`` before ``ar2``; -1 for values found in the other."""
    flat = np.concatenate([np.ravel(ar1), np.ravel(ar2)])
    order = np.argsort(flat, kind="stable")
    at = np.searchsorted(flat[order], np.ravel(values), "left")
    source = order[np.minimum(at, max(flat.size - 1, 0))].reshape(np.shape(values))
    n1 = np.size(ar1)
    if which == 0:
        return np.where(source < n1, source, -1)
    return np.where(source >= n1, source - n1, -1)


def unique_sources(ar: Any, y: Any, axis: Any = None, equal_nan: bool = True) -> np.ndarray:
    """Sources of the values of ``np.unique(ar, axis=axis)`` (``y`` its result): the first
    element (row, slice) equal to each."""
    values = first_part(y)
    if axis is None:
        return set_sources(values, ar, np.zeros(0), 0)
    index = np.unique(ar, return_index=True, axis=axis, equal_nan=equal_nan)[1]
    return np.take(flat_sources(ar), index, axis)


def first_part(g: Any) -> Any:
    """The values of a result that may be a tuple (np.unique with return_counts=True, ...):
    its first part."""
    return g[0] if isinstance(g, tuple) else g


def with_constant_parts(t: Any, y: Any) -> Any:
    """The derivative ``t`` of the first part of ``y``, and zeros for its other parts (counts
    and indices) when ``y`` is a tuple."""
    if not isinstance(y, tuple):
        return t
    dtype = np.result_type(t, 0.0)  # the zeros of integer parts in t's precision
    parts = (t, *(zeros_like(p) if dtype_kind(np.result_type(p)) in "fc"
                  else np.zeros(np.shape(p), dtype) for p in y[1:]))
    return type(y)(*parts) if hasattr(y, "_fields") else parts


def trim_sources(filt: Any, y: Any, trim: str = "fb", axis: Any = None) -> np.ndarray:
    """Sources of ``np.trim_zeros(filt, trim, axis)`` (``y`` its result): the block of
    ``filt`` that is kept."""
    filt = np.asarray(filt)
    if np.size(y) == 0:
        return np.zeros(np.shape(y), int)
    axes = range(filt.ndim) if axis is None else np.atleast_1d(axis) % max(filt.ndim, 1)
    nonzero = np.nonzero(filt)
    index = [slice(None)] * filt.ndim
    trim = trim.lower()
    for a in axes:
        start = int(np.min(nonzero[a])) if "f" in trim else 0
        stop = int(np.max(nonzero[a])) + 1 if "b" in trim else filt.shape[a]
        index[a] = slice(start, stop)
    return flat_sources(filt)[tuple(index)]


def item_source(a: Any, args: tuple) -> np.ndarray:
    """The source of ``a.item(*args)``."""
    return np.asarray(flat_sources(a).item(*args))


def spread_part(t: Any, k: int, y: tuple, shape: Any = None) -> tuple:
    """The tangent of ``y`` (a tuple, from np.broadcast_arrays or np.meshgrid) when only its
    ``k``-th input moves, by ``t``: ``t`` reshaped to ``shape`` and broadcast to ``y[k]``,
    zeros elsewhere."""
    shape = np.shape(t) if shape is None else shape
    part = np.broadcast_to(np.reshape(t, shape), np.shape(y[k]))
    part = np.array(part, dtype=np.result_type(part, y[k], 0.0))
    return tuple(part if j == k else zeros_like(p) for j, p in enumerate(y))


def unspread_part(g: Any, k: int, x: Any, shape: Any = None) -> Any:
    """The transpose of :func:`spread_part`: the derivative of the ``k``-th input ``x`` from
    the derivative ``g`` (a tuple) of the result."""
    shape = np.shape(x) if shape is None else shape
    summed = unbroadcast(np.asarray(g[k]), np.zeros(shape, np.result_type(x, 0.0)))
    return cast_derivative(np.reshape(summed, np.shape(x)), x)


def mesh_shape(y: tuple, k: int, indexing: str = "xy") -> tuple:
    """The shape the ``k``-th input of ``np.meshgrid`` takes before it is broadcast (its
    ``sparse=True`` output), read from the result ``y``."""
    n = len(y)
    position = {0: 1, 1: 0}.get(k, k) if indexing == "xy" and n >= 2 else k
    shape = [1] * n
    shape[position] = np.shape(y[k])[position]
    return tuple(shape)


def vander_powers(x: Any, N: Any = None, increasing: bool = False) -> np.ndarray:
    """The powers of the columns of ``np.vander(x, N, increasing)``, as floats of x's
    precision."""
    n = np.size(x) if N is None else N
    p = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    return p.astype(np.result_type(np.asarray(x).dtype, np.float32))


def scalar_base(base: Any) -> Any:
    """``base`` of np.logspace: refused when it is an array (only a number is
    differentiated)."""
    if np.ndim(base) > 0:
        from tangentlike.errors import NoDerivativeError

        raise NoDerivativeError(
            "tangentlike has no derivative for np.logspace with an array base",
            hint="write base ** np.linspace(start, stop, num)")
    return base


def same_dtype_view(g: Any, x: Any, y: Any) -> Any:
    """The derivative ``g`` of ``y = x.view()``: refused when the view reinterprets the
    bytes of ``x`` as another dtype (``x.view(np.int64)``)."""
    if np.result_type(x) != np.result_type(y) or np.shape(x) != np.shape(y):
        from tangentlike.errors import NoDerivativeError

        raise NoDerivativeError(
            "tangentlike has no derivative for x.view(dtype) with another dtype",
            hint="use x.astype(dtype) to convert the values")
    return g
