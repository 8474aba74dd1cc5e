"""Helpers of the reduction keyword forms and the statistics rules (templates/numpy_reductions.py,
templates/numpy_statistics.py): counts under ``where=`` masks, the results ``initial=`` decided,
the transposes of differences and of the trapezoid rule."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError


def where_count(a: Any, axis: Any = None, keepdims: bool = False, where: Any = True) -> Any:
    """How many values of ``a`` a reduction over ``axis`` with ``where=`` reads into each
    result (``np.mean``'s divisor), in ``a``'s floating point type."""
    selected = np.broadcast_to(where, np.shape(a))
    return np.sum(selected, axis=axis, keepdims=keepdims, dtype=np.result_type(a, 1.0))


def initial_won(a: Any, y: Any, axis: Any = None, keepdims: bool = False,
                where: Any = None) -> Any:
    """1.0 where ``y = np.max(a, axis, initial=..., where=...)`` (or min) reached no element of
    ``a`` (the initial value is the result), else 0.0: the results ``initial`` decided."""
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        y = np.expand_dims(y, tuple(ax % np.ndim(a) for ax in axes))
    hit = np.equal(a, y) if where is None else np.logical_and(np.equal(a, y), where)
    reached = np.any(hit, axis=axis, keepdims=keepdims)
    return np.logical_not(reached).astype(np.result_type(a, 1.0))


def undiff(g: Any, n: int = 1, axis: int = -1) -> Any:
    """The transpose of ``np.diff(., n, axis)``: ``g`` (a difference's derivative) spread back
    over the array differenced, one element longer along ``axis`` per order."""
    for _ in range(n):
        g = -np.diff(g, axis=axis, prepend=0, append=0)
    return g


def diff_piece(full: Any, a: Any, axis: int, prepend: Any, append: Any, part: str) -> Any:
    """The part of ``full`` (shaped like ``np.concatenate((prepend, a, append), axis)``, as
    ``np.diff`` builds it) that comes from ``part`` ("prepend", "a" or "append"), summed back
    to that argument's shape when NumPy broadcast it."""
    axis = axis % np.ndim(a)

    def length(v: Any) -> int:
        if v is np._NoValue:
            return 0
        return 1 if np.ndim(v) == 0 else np.shape(v)[axis]

    start, stop = length(prepend), length(prepend) + np.shape(a)[axis]
    if part == "prepend":
        piece, like = np.take(full, np.arange(0, start), axis=axis), prepend
    elif part == "append":
        piece = np.take(full, np.arange(stop, np.shape(full)[axis]), axis=axis)
        like = append
    else:
        return np.take(full, np.arange(start, stop), axis=axis)
    return np.sum(piece) if np.ndim(like) == 0 else np.reshape(piece, np.shape(like))


def zero_part(v: Any) -> Any:
    """``np.zeros_like(v)``, or NumPy's "not given" marker when ``v`` is that marker (the
    ``prepend`` and ``append`` of ``np.diff``)."""
    return v if v is np._NoValue else np.zeros_like(v, dtype=np.result_type(v, 1.0))


def check_linear(method: str, function: str) -> None:
    """Refuse a quantile ``method`` other than NumPy's default, 'linear'."""
    if method != "linear":
        raise ValueRefusedError(
            f"the derivative of {function} with method={method!r}: only method='linear' "
            "(the default) has a rule")


def diff_unpiece(g: Any, full: Any, a: Any, axis: int, prepend: Any, append: Any,
                 part: str) -> Any:
    """The transpose of :func:`diff_piece`: ``g`` (shaped like the part) put in its place in
    an array of zeros shaped like ``full``."""
    axis = axis % np.ndim(a)
    out = np.zeros(np.shape(full), dtype=np.result_type(g, full))
    pre = 0 if prepend is np._NoValue else (1 if np.ndim(prepend) == 0
                                            else np.shape(prepend)[axis])
    stop = pre + np.shape(a)[axis]
    span = {"prepend": (0, pre), "a": (pre, stop), "append": (stop, np.shape(full)[axis])}[part]
    index = (slice(None),) * axis + (slice(*span),)
    out[index] = g if np.ndim(g) else np.broadcast_to(g, out[index].shape)
    return out
