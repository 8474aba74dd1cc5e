"""Helpers for the rules of the ufunc methods (``templates/numpy_ufunc_methods.py``): which
elements a reduction or running extremum (``np.maximum.reduce``, ``np.fmin.accumulate``)
chose, and the shift that keeps a running log-sum-exp's derivative in range."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.runtime import float_dtype
from tangentlike.runtime.numpy_only import refuse_other_libraries


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in ((axis,) if np.ndim(axis) == 0 else axis))


def _kept(y: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """``y``, a reduction of ``x`` over ``axis``, with the reduced axes kept (size 1)."""
    return y if keepdims else np.expand_dims(y, _axes(axis, np.ndim(x)))


def _counts(x: Any, y: Any, axis: Any, keepdims: bool, initial: Any, where: Any
            ) -> tuple[Any, Any, Any]:
    """The elements of ``x`` the extremum ``y`` chose (in ``where``), how many per result
    (``initial`` counts as one more where it ties), with the axes kept; and ``initial``'s
    hits, shaped like ``y``."""
    x = np.asarray(x)  # a list of numbers or arrays reduces as the array it makes
    kept = _kept(y, x, axis, keepdims)
    hit = np.logical_and(np.equal(x, kept), where)
    count = np.sum(hit, axis=_axes(axis, np.ndim(x)), keepdims=True).astype(float_dtype(x))
    first = np.zeros(np.shape(kept), bool) if initial is None else np.equal(initial, kept)
    count = count + first
    return hit, np.maximum(count, 1.0), first


def extremum_share(x: Any, y: Any, axis: Any = 0, keepdims: bool = False,
                   initial: Any = None, where: Any = True) -> Any:
    """For ``y = np.maximum.reduce(x, axis, ...)`` (or minimum, fmax, fmin): each element's
    share of the derivative, shaped like ``x``: 1 for the element chosen, shared equally
    among ties (and with ``initial`` where it ties), as ``np.max``'s rule shares them."""
    hit, count, _ = _counts(x, y, axis, keepdims, initial, where)
    return (hit / count).astype(float_dtype(np.asarray(x)), copy=False)


def initial_share(x: Any, y: Any, axis: Any = 0, keepdims: bool = False,
                  initial: Any = None, where: Any = True) -> Any:
    """``initial``'s share of the derivative of each result of the extremum ``y``."""
    _, count, first = _counts(x, y, axis, keepdims, initial, where)
    share = (first / count).astype(float_dtype(np.asarray(x)), copy=False)
    return np.reshape(share, np.shape(y))


def _runs(x: Any, y: Any, axis: int) -> tuple[Any, Any, Any, Any]:
    """For the running extremum ``y`` of ``x`` along ``axis`` (moved last): the elements
    that hold the running extremum where they stand (``hit``), how many of them the run of
    equal ``y`` up to each position holds (``count``, at least 1), and the first and last
    position of each position's run."""
    x, y = np.moveaxis(np.asarray(x), axis, -1), np.moveaxis(np.asarray(y), axis, -1)
    n = x.shape[-1]
    hit = np.equal(x, y)
    position = np.broadcast_to(np.arange(n), y.shape)
    new = np.ones(y.shape, bool)
    new[..., 1:] = y[..., 1:] != y[..., :-1]
    start = np.maximum.accumulate(np.where(new, position, 0), axis=-1)
    last = np.ones(y.shape, bool)
    last[..., :-1] = new[..., 1:]
    end = np.flip(np.minimum.accumulate(np.flip(np.where(last, position, n - 1), -1), -1), -1)
    before = np.cumsum(hit, axis=-1) - hit  # hits strictly before each position
    count = np.cumsum(hit, axis=-1) - np.take_along_axis(before, start, -1)
    return hit, np.maximum(count, 1), start, end


def running_extremum_adjoint(g: Any, x: Any, y: Any, axis: int = 0) -> Any:
    """The adjoint of ``y = np.maximum.accumulate(x, axis)`` (or minimum, fmax, fmin) for
    the adjoint ``g`` of ``y``: result k's derivative goes to the elements holding the
    running extremum at k, shared equally among ties (as ``np.max``'s rule)."""
    x = np.asarray(x)
    hit, count, _, end = _runs(x, y, axis)
    w = np.moveaxis(np.asarray(g), axis, -1) / count
    tail = np.flip(np.cumsum(np.flip(w, -1), -1), -1)  # sum of w from each position on
    after = np.concatenate([tail[..., 1:], np.zeros(tail.shape[:-1] + (1,), tail.dtype)], -1)
    out = hit * (tail - np.take_along_axis(after, end, -1))
    return np.moveaxis(out.astype(float_dtype(x), copy=False), -1, axis)


def running_extremum_tangent(t: Any, x: Any, y: Any, axis: int = 0) -> Any:
    """The tangent of ``y = np.maximum.accumulate(x, axis)`` (or minimum, fmax, fmin) for
    the tangent ``t`` of ``x``: the transpose of :func:`running_extremum_adjoint`."""
    x = np.asarray(x)
    hit, count, start, _ = _runs(x, y, axis)
    s = np.cumsum(hit * np.moveaxis(np.asarray(t), axis, -1), -1)
    before = np.concatenate([np.zeros(s.shape[:-1] + (1,), s.dtype), s[..., :-1]], -1)
    out = (s - np.take_along_axis(before, start, -1)) / count
    return np.moveaxis(out.astype(float_dtype(x), copy=False), -1, axis)


def last_along(y: Any, axis: int = 0) -> Any:
    """The last element of ``y`` along ``axis``, the axis kept: the largest of a running
    log-sum-exp, by which its derivative is shifted to stay in range."""
    return np.take(y, [-1], axis=axis)


def outer_shape(a: Any, b: Any) -> tuple[int, ...]:
    """The shape ``a`` takes in ``ufunc.outer(a, b)``: its own, then one 1 per axis of ``b``
    (``np.add.outer(a, b)`` is ``np.add(np.reshape(a, outer_shape(a, b)), b)``)."""
    return np.shape(a) + (1,) * np.ndim(b)


def leading_sign(x: Any, axis: Any = 0, initial: Any = None, where: Any = True) -> Any:
    """The signs of ``x``'s elements in ``np.subtract.reduce(x, axis)`` (``x[0] - x[1] -
    ...``; with ``initial``, ``initial - x[0] - ...``, 0 where ``where`` leaves one out), in
    ``np.divide.reduce`` the exponents, shaped like ``x``."""
    x = np.asarray(x)
    dtype = float_dtype(x)
    if initial is not None:
        return np.broadcast_to(-np.asarray(where, dtype), np.shape(x)).copy()
    if axis is None:
        axis = 0
    sign = -np.ones(np.shape(x), dtype)
    index = [slice(None)] * np.ndim(x)
    index[axis] = 0
    sign[tuple(index)] = 1
    return sign


# ufunc.at: np.add.at(x, i, v) changes x in place; the compiler writes the statement as
# x[...] = add_at(x, i, v) (frontend/ufunc_at.py), these doing the scatter on a copy.


def _at(ufunc: np.ufunc, a: Any, indices: Any, b: Any) -> Any:
    refuse_other_libraries(ufunc.at, a, indices, b)  # a write in place
    out = np.array(a, copy=True)
    ufunc.at(out, indices, b)
    return out


def add_at(a: Any, indices: Any, b: Any) -> Any:
    """``np.add.at(a, indices, b)`` on a copy of ``a``, returned: repeated indices add."""
    return _at(np.add, a, indices, b)


def subtract_at(a: Any, indices: Any, b: Any) -> Any:
    """``np.subtract.at(a, indices, b)`` on a copy of ``a``, returned."""
    return _at(np.subtract, a, indices, b)


def multiply_at(a: Any, indices: Any, b: Any) -> Any:
    """``np.multiply.at(a, indices, b)`` on a copy of ``a``, returned."""
    return _at(np.multiply, a, indices, b)


def divide_at(a: Any, indices: Any, b: Any) -> Any:
    """``np.divide.at(a, indices, b)`` on a copy of ``a``, returned."""
    return _at(np.divide, a, indices, b)


def maximum_at(a: Any, indices: Any, b: Any) -> Any:
    """``np.maximum.at(a, indices, b)`` on a copy of ``a``, returned."""
    return _at(np.maximum, a, indices, b)


def minimum_at(a: Any, indices: Any, b: Any) -> Any:
    """``np.minimum.at(a, indices, b)`` on a copy of ``a``, returned."""
    return _at(np.minimum, a, indices, b)


def fmax_at(a: Any, indices: Any, b: Any) -> Any:
    """``np.fmax.at(a, indices, b)`` on a copy of ``a``, returned."""
    return _at(np.fmax, a, indices, b)


def fmin_at(a: Any, indices: Any, b: Any) -> Any:
    """``np.fmin.at(a, indices, b)`` on a copy of ``a``, returned."""
    return _at(np.fmin, a, indices, b)


def _at_hits(a: Any, indices: Any, b: Any, r: Any) -> tuple[Any, Any, Any]:
    """For ``r = maximum_at(a, indices, b)`` (or minimum, fmax, fmin): whether each element
    of ``a`` and each operand of ``b`` (broadcast to ``a[indices]``) is the extremum its
    element of ``r`` holds, and how many are, per element of ``r`` (at least 1)."""
    kept = np.equal(a, r)
    scattered = np.equal(b, np.asarray(r)[indices])
    count = kept.astype(float_dtype(r))
    np.add.at(count, indices, scattered)
    return kept, scattered, np.maximum(count, 1.0)


def at_kept_share(a: Any, indices: Any, b: Any, r: Any) -> Any:
    """Each element of ``a``'s share of the derivative of ``r = maximum_at(a, indices, b)``:
    1 where it stayed the extremum, shared equally among ties."""
    kept, _, count = _at_hits(a, indices, b, r)
    return (kept / count).astype(float_dtype(r), copy=False)


def at_scattered_share(a: Any, indices: Any, b: Any, r: Any) -> Any:
    """Each operand of ``b``'s share (shaped like ``a[indices]``) of the derivative of the
    element of ``r = maximum_at(a, indices, b)`` it was scattered into."""
    _, scattered, count = _at_hits(a, indices, b, r)
    return (scattered / count[indices]).astype(float_dtype(r), copy=False)


def _segments(n: int, indices: Any) -> Any:
    """Which of ``n`` elements each result of ``ufunc.reduceat(x, indices)`` reduces: a
    (results, n) matrix of 0 and 1 (x[i:j] for consecutive indices i < j, x[i] alone when
    i >= j, x[i:] for the last)."""
    start = np.asarray(indices).reshape(-1)
    end = np.append(start[1:], n)
    end = np.where(start < end, end, start + 1)
    position = np.arange(n)
    return (position >= start[:, None]) & (position < end[:, None])


def unreduceat(g: Any, x: Any, indices: Any, axis: int = 0) -> Any:
    """Spread the derivative of ``np.add.reduceat(x, indices, axis)`` back over ``x``: each
    element gets the derivatives of the results whose segments hold it (the transpose of
    ``np.add.reduceat``)."""
    x = np.asarray(x)
    member = _segments(x.shape[axis], indices).astype(float_dtype(x))
    out = np.moveaxis(np.asarray(g), axis, -1) @ member
    return np.moveaxis(out, -1, axis)
