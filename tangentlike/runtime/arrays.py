"""Helpers of the rules that build and rearrange arrays (templates/numpy_arrays.py): diagonals,
traces, ``take``, ``pad``, casts, ``np.array`` of a list."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from tangentlike.runtime import is_float_like, zeros_like
from tangentlike.runtime.libraries import added_at, astype, dtype_kind

# NumPy's array type: np.ndarray is another library's in the helpers' copies for its arrays.
_NUMPY_ARRAY = np.ndarray
# NumPy's own functions, for constants built from shapes in those copies (padding masks).
_numpy_zeros, _numpy_pad, _numpy_asarray = np.zeros, np.pad, np.asarray
_numpy_broadcast_to = np.broadcast_to


def undiagonal(g: Any, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The derivative of ``np.diagonal(x, offset, axis1, axis2)`` spread back over ``x``
    (zeros off the diagonal)."""
    out = np.zeros(np.shape(x), np.result_type(g, x, 0.0))
    if type(out) is not _NUMPY_ARRAY:  # another library's: built, not written into
        return _undiagonal_built(g, out, offset, axis1, axis2)
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))  # the diagonal is the last axis of g
    n = np.arange(np.shape(g)[-1])
    view[..., n + max(-offset, 0), n + max(offset, 0)] = g
    return out


def _undiagonal_built(g: Any, zeros: Any, offset: int, axis1: int, axis2: int) -> Any:
    """:func:`undiagonal` without writing into an array (Dask's cannot take the diagonal's
    fancy index): ``g``'s diagonal entries placed by products with two 0/1 matrices (the
    rows and the columns of the diagonal), as ``zeros`` (``x``'s shape and the type) holds
    them."""
    shape = np.shape(zeros)
    axis1, axis2 = axis1 % len(shape), axis2 % len(shape)
    n = np.arange(np.shape(g)[-1])
    rows = astype(np.arange(shape[axis1])[:, None] == n + max(-offset, 0), zeros.dtype)
    columns = astype(np.arange(shape[axis2])[:, None] == n + max(offset, 0), zeros.dtype)
    placed = np.matmul(g[..., None, :] * rows, np.matrix_transpose(columns))
    return np.moveaxis(placed, (-2, -1), (axis1, axis2)) + zeros


def untrace(g: Any, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The derivative of ``np.trace(x, offset, axis1, axis2)`` spread back over the diagonal
    of ``x``."""
    length = np.shape(np.diagonal(np.empty(np.shape(x), bool), offset, axis1, axis2))[-1]
    g = np.asarray(g)
    return undiagonal(np.broadcast_to(g[..., None], (*g.shape, length)), x, offset, axis1,
                      axis2)


def take_permuted(t: Any, index: Any, axis: Any = -1) -> Any:
    """``t`` rearranged as ``np.take_along_axis(t, index, axis)`` (``axis`` None: the
    flattened ``t`` at ``index``): the derivative of ``np.sort`` and ``np.partition``."""
    if axis is None:
        return np.reshape(t, -1)[index]
    return np.take_along_axis(np.asarray(t), index, axis)


def untake_permuted(g: Any, x: Any, index: Any, axis: Any = -1) -> Any:
    """The transpose of :func:`take_permuted` for a permutation ``index``: each element of
    ``g`` put back where it came from in ``x``."""
    out = np.zeros(np.shape(x), np.result_type(g, x, 0.0))
    if axis is None:
        out.reshape(-1)[index] = g
    else:
        np.put_along_axis(out, index, g, axis)
    return out


def permutation_between(x: Any, y: Any, axis: Any = -1) -> Any:
    """Indices ``p`` with ``take_permuted(x, p, axis) == y``, for ``y`` a rearrangement of
    ``x`` along ``axis`` (the result of ``np.partition``)."""
    if axis is None:
        x, axis = np.reshape(x, -1), -1
    by_x = np.argsort(x, axis=axis, kind="stable")
    by_y = np.argsort(y, axis=axis, kind="stable")
    return np.take_along_axis(by_x, np.argsort(by_y, axis=axis), axis)


def untake(g: Any, x: Any, indices: Any, axis: Any = None, mode: str = "raise") -> Any:
    """The derivative of ``np.take(x, indices, axis, mode=mode)`` spread back over ``x``
    (repeated indices add up)."""
    shape = np.shape(x)
    out = np.zeros(shape, np.result_type(g, x, 0.0))
    n = out.size if axis is None else shape[axis]
    index = np.asarray(indices)
    index = np.clip(index, 0, n - 1) if mode == "clip" else index % max(n, 1)
    if type(out) is not _NUMPY_ARRAY:  # another library's: its scatter-add, or refused
        if axis is None:
            return np.reshape(added_at(np.reshape(out, (-1,)), index, g), shape)
        return added_at(out, (slice(None),) * (axis % len(shape)) + (index,), g)
    if axis is None:
        np.add.at(out.reshape(-1), index, g)
    else:
        np.add.at(out, (slice(None),) * (axis % len(shape)) + (index,), g)
    return out


_PAD_COPY_MODES = ("edge", "reflect", "symmetric", "wrap")


def _check_pad_mode(mode: Any, reflect_type: Any) -> None:
    if mode == "constant" or (mode in _PAD_COPY_MODES and reflect_type == "even"):
        return
    from tangentlike.errors import NoDerivativeError

    what = f"mode={mode!r}" + (f", reflect_type={reflect_type!r}" if mode in _PAD_COPY_MODES
                               else "")
    raise NoDerivativeError(
        f"tangentlike has no derivative for np.pad with {what}",
        hint="supported: mode 'constant', 'edge', 'reflect', 'symmetric', 'wrap' (with the "
        "default reflect_type='even')")


def pad_derivative(t: Any, pad_width: Any, mode: Any = "constant",
                   reflect_type: Any = "even") -> Any:
    """The derivative of ``np.pad(x, pad_width, mode)`` for the derivative ``t`` of ``x``:
    zeros around ``t`` in constant mode, else the same copies of ``t`` as of ``x``."""
    _check_pad_mode(mode, reflect_type)
    if mode == "constant":
        return np.pad(t, pad_width)
    return np.pad(t, pad_width, mode=mode)


def _pad_sources(x: Any, pad_width: Any, mode: Any) -> Any:
    """For each element of ``np.pad(x, pad_width, mode)``, the flat index of the element of
    ``x`` it copies (-1 for the constant)."""
    index = np.arange(np.size(x)).reshape(np.shape(x))
    if mode == "constant":
        return np.pad(index, pad_width, constant_values=-1)
    return np.pad(index, pad_width, mode=mode)


def unpad(g: Any, x: Any, pad_width: Any, mode: Any = "constant",
          reflect_type: Any = "even") -> Any:
    """The transpose of :func:`pad_derivative`: every element of ``g`` added to the element
    of ``x`` it copies."""
    _check_pad_mode(mode, reflect_type)
    g = np.asarray(g)
    if type(g) is not _NUMPY_ARRAY:  # another library's: no writes at a mask (Dask's)
        return _unpad_built(g, x, pad_width, mode)
    source = _pad_sources(x, pad_width, mode)
    dtype = np.result_type(g, x, 0.0)
    out = np.zeros(np.size(x), dtype)
    keep = source >= 0
    if mode == "constant":  # each element of x is copied once
        out[source[keep]] = np.broadcast_to(g, source.shape)[keep]
    else:
        np.add.at(out, source[keep], np.broadcast_to(g, source.shape)[keep])
    return out.reshape(np.shape(x))


def _unpad_built(g: Any, x: Any, pad_width: Any, mode: Any) -> Any:
    """:func:`unpad` for another library's ``g``: ``x``'s part of ``g`` in constant mode;
    else the copies added up by the library's scatter-add (``added_at``)."""
    shape = np.shape(x)
    dtype = np.result_type(g, x, 0.0)
    if mode == "constant":
        pairs = _numpy_broadcast_to(_numpy_asarray(pad_width, int), (len(shape), 2))
        inner = tuple(slice(int(b), int(b) + n) for (b, _), n in zip(pairs, shape))
        return astype(g[inner], dtype)
    source = np.reshape(_pad_sources(x, pad_width, mode), (-1,))
    flat = added_at(np.zeros(math.prod(shape), dtype), source, np.reshape(g, (-1,)))
    return np.reshape(flat, shape)


def _padding_masks(x: Any, pad_width: Any, fill_shape: tuple) -> list:
    """For each entry of a ``constant_values`` of shape ``fill_shape``, NumPy's 0/1 array of
    the padding it fills in ``np.pad(x, pad_width, constant_values=...)``."""
    masks = []
    for k in range(math.prod(fill_shape)):
        basis = _numpy_zeros(math.prod(fill_shape))
        basis[k] = 1.0
        masks.append(_numpy_pad(_numpy_zeros(np.shape(x)), pad_width,
                                constant_values=basis.reshape(fill_shape)))
    return masks


def pad_fill(t: Any, x: Any, pad_width: Any) -> Any:
    """The derivative of ``np.pad(x, pad_width, constant_values=c)`` for the derivative
    ``t`` of ``c``: ``t`` in the padding, zeros where ``x`` is."""
    t = np.asarray(t)
    if type(t) is not _NUMPY_ARRAY:  # another library's: its pad takes scalars only (Dask)
        entries = np.reshape(t, (-1,))
        zeros = np.pad(np.zeros(np.shape(x), np.result_type(t, x, 0.0)), pad_width)
        masks = _padding_masks(x, pad_width, np.shape(t))
        return sum((entries[k] * m for k, m in enumerate(masks)), zeros)
    return np.pad(np.zeros(np.shape(x), np.result_type(t, x, 0.0)), pad_width,
                  constant_values=t)


def unpad_fill(g: Any, x: Any, pad_width: Any, constant_values: Any) -> Any:
    """The transpose of :func:`pad_fill`: the derivative of ``constant_values`` (summed over
    the padding each of its entries fills)."""
    c = np.asarray(constant_values)
    g = np.asarray(g)
    if type(g) is not _NUMPY_ARRAY:  # another library's: no writes at an index (Dask)
        pad_derivative(g, 0)  # the library's np.pad, or refused by name where it has none
        parts = [np.sum(g * m) for m in _padding_masks(x, pad_width, c.shape)]
        out = astype(np.reshape(np.stack(parts), c.shape), np.result_type(g, c, 0.0))
        return out  # for a Python number too: the library's 0-d array (lazy)
    out = np.zeros(c.shape, np.result_type(g, c, 0.0))
    for k in range(c.size):
        basis = np.zeros(c.shape)
        basis.flat[k] = 1.0
        out.flat[k] = np.sum(g * pad_fill(basis, x, pad_width))
    return float(out) if is_float_like(constant_values) else out


def cast_derivative(t: Any, like: Any) -> Any:
    """A derivative ``t`` (an array, a number, or nested lists of them) as one value with the
    shape and floating point type of ``like``: zero where ``like`` is not floating point
    (``x.astype(int)`` carries no derivative)."""
    dtype = np.result_type(like)
    try:
        kind = dtype.kind
    except AttributeError:  # another library's dtype (array_api_strict's)
        kind = dtype_kind(dtype)
    if kind not in "fc":
        return zeros_like(like)
    if kind == "f" and np.iscomplexobj(t):
        t = np.real(t)  # a real value's derivative is real (a complex value made from it)
    if is_float_like(like):
        t = np.reshape(t, ())
        return float(t) if _on_numpy(t) else t  # another library's 0-d array stays lazy
    out = np.asarray(t, dtype=dtype)
    out = out.reshape(np.shape(like)) if type(out) is _NUMPY_ARRAY else np.reshape(
        out, np.shape(like))  # (the standard's arrays have no .reshape)
    return out if isinstance(like, np.ndarray) or not _on_numpy(out) else dtype.type(out)


def _on_numpy(value: Any) -> bool:
    """Whether ``value`` is NumPy's (an array or scalar) or a Python number: not another
    library's array, which a Python number would compute."""
    return isinstance(value, (_NUMPY_ARRAY, np.generic, float, int, complex))


def unarray(g: Any, obj: Any, y: Any) -> Any:
    """The derivative of ``y = np.array(obj)`` spread back over ``obj``: a list (tuple) of
    the parts of ``g`` for a list (tuple), each cast like its element."""
    if dtype_kind(np.result_type(y)) not in "fc":
        return zeros_like(obj)
    if isinstance(obj, (list, tuple)):
        g = np.reshape(g, np.shape(obj))
        return type(obj)(unarray(g[i], v, y) for i, v in enumerate(obj))
    return cast_derivative(g, obj)
