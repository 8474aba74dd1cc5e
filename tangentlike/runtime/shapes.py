"""Helpers of the reduction and shape rules (templates/numpy_reductions.py,
templates/numpy_shapes.py): splits and joins, cumulative sums, weights, tiles and repeats."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError


def split_like(g: Any, arrays: Any, axis: Any = 0) -> Any:
    """The derivative ``g`` of a join of ``arrays`` (``np.concatenate``, ``np.stack``,
    ``np.hstack``, ...) along ``axis`` of the result, cut back into one piece per array, each
    of its array's shape: a tuple for a tuple, else a list.  ``axis=None``: ``g`` is the join
    of the flattened arrays."""
    g = np.asarray(g)
    if axis is None:
        g, axis = np.reshape(g, (-1,)), 0
    axis = axis % g.ndim
    across = np.size(g) // g.shape[axis] if g.shape[axis] else 0  # elements per index of axis
    lead = (slice(None),) * axis
    pieces, start = [], 0
    for a in arrays:  # basic slices: views of g, as np.split makes
        shape = np.shape(a)
        stop = start + (_size(shape) // across if across else 0)
        piece = g[(*lead, slice(start, stop), ...)]
        pieces.append(piece if piece.shape == shape else np.reshape(piece, shape))
        start = stop
    return tuple(pieces) if isinstance(arrays, tuple) else pieces


def _size(shape: tuple[int, ...]) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


def join_like(pieces: Any, g: Any, axis: Any = 0) -> Any:
    """The transpose of ``split_like(g, pieces, axis)``: ``pieces`` (shaped like the joined
    arrays) joined back into an array of ``g``'s shape."""
    shape = np.shape(g)
    size = int(np.prod(shape))
    frame = (size,) if axis is None else shape
    axis = 0 if axis is None else axis % len(frame)
    across = max(size // frame[axis], 1) if frame[axis] else 1
    parts = [np.reshape(p, (*frame[:axis], np.size(p) // across, *frame[axis + 1:]))
             for p in pieces]
    return np.reshape(np.concatenate(parts, axis=axis), shape)


def reverse_cumsum(g: Any, axis: Any = None) -> Any:
    """``np.cumsum`` from the far end (element i sums elements i, i+1, ...), along ``axis``
    or over the flattened ``g``: the transpose of ``np.cumsum``."""
    g = np.asarray(g)
    if axis is None:
        g, axis = np.reshape(g, (-1,)), 0
    return np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis)


def nan_count(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """How many values of ``a`` are not NaN, reduced like ``np.sum(a, axis)``, in ``a``'s
    floating point type (the count ``np.nanmean`` divides by)."""
    return np.sum(np.logical_not(np.isnan(a)), axis=axis, keepdims=keepdims,
                  dtype=np.result_type(a, 1.0))


def weights_shape(a: Any, axis: Any, weights: Any) -> tuple[int, ...]:
    """The shape that lines ``np.average``'s ``weights`` up with ``a``: ``a``'s own when they
    match, else that of weights along ``axis`` (axes of length 1 elsewhere)."""
    shape = np.shape(a)
    if np.shape(weights) == shape:
        return shape
    axes = [ax % len(shape) for ax in ((axis,) if np.ndim(axis) == 0 else axis)]
    if axes != sorted(axes):
        raise ValueRefusedError("the derivative of np.average with weights over axes out "
                                  "of order: list the axes in increasing order")
    return tuple(n if i in axes else 1 for i, n in enumerate(shape))


def rolled_axis(ndim: int, axis: int, start: int = 0) -> int:
    """Where ``np.rollaxis(x, axis, start)`` puts ``axis`` of ``x`` (``ndim`` dimensions)."""
    axis = axis % ndim
    start = start + ndim if start < 0 else start
    return start - 1 if start > axis else start


def _tile_frame(A: Any, reps: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    shape = np.shape(A)
    n = max(len(shape), len(reps))
    return (1,) * (n - len(shape)) + shape, (1,) * (n - len(reps)) + reps


def tile_blocks(A: Any, reps: Any) -> tuple[int, ...]:
    """The shape that shows ``np.tile(A, reps)`` as (copies, extent of A) pairs, axis by
    axis: summing over the copies (``tile_copy_axes``) undoes the tiling."""
    shape, reps = _tile_frame(A, reps)
    return tuple(n for r, s in zip(reps, shape) for n in (r, s))


def tile_copy_axes(A: Any, reps: Any) -> tuple[int, ...]:
    """The axes of ``tile_blocks(A, reps)`` that count copies."""
    shape, _ = _tile_frame(A, reps)
    return tuple(range(0, 2 * len(shape), 2))


def repeat_index(a: Any, repeats: Any, axis: Any = None) -> Any:
    """The index that picks ``np.repeat(a, repeats, axis)`` out of ``a`` (out of
    ``np.ravel(a)`` when ``axis`` is None)."""
    if axis is None:
        return np.repeat(np.arange(np.size(a)), repeats)
    axis = axis % np.ndim(a)
    picks = np.repeat(np.arange(np.shape(a)[axis]), repeats)
    return (slice(None),) * axis + (picks,)


# np.apply_along_axis and np.apply_over_axes, written as loops (frontend/apply_calls.py): the
# shapes and axes those loops need.


def along_axis_rows(arr: Any, axis: Any) -> tuple[int, int]:
    """``(-1, n)``: the 1-d slices along ``axis`` of ``arr`` as the rows of a matrix."""
    return (-1, np.shape(arr)[int(axis) % np.ndim(arr)])


def along_axis_shape(arr: Any, axis: Any, first: Any) -> tuple[int, ...]:
    """The stacked results' shape before their axes are moved: ``arr``'s other axes, then
    the first result's."""
    axis = int(axis) % np.ndim(arr)
    outer = np.shape(arr)[:axis] + np.shape(arr)[axis + 1:]
    return tuple(outer) + tuple(np.shape(first))


def along_axis_source(arr: Any, first: Any) -> tuple[int, ...]:
    """The result's own axes, last in the stacked results."""
    start = np.ndim(arr) - 1
    return tuple(range(start, start + np.ndim(first)))


def along_axis_target(arr: Any, axis: Any, first: Any) -> tuple[int, ...]:
    """Where np.apply_along_axis puts the result's own axes: in place of ``axis``."""
    axis = int(axis) % np.ndim(arr)
    return tuple(range(axis, axis + np.ndim(first)))


def over_axes(a: Any, axes: Any) -> tuple[int, ...]:
    """np.apply_over_axes's axes, each made non-negative for ``a``."""
    ndim = np.ndim(a)
    return tuple(int(ax) + ndim if int(ax) < 0 else int(ax) for ax in np.atleast_1d(axes))
