"""The helpers generated code calls.  Kept small and fast: each is what a careful person
would write inline, with a fast path for the common case.

This module holds the ones every derivative may use (saving values, summing broadcast
derivatives back, seeds, containers); the helpers of one family of rules live next to it, one
module per template module: ``elementwise``, ``shapes`` (reductions and shapes), ``arrays``,
``linalg``, ``fft`` and ``special``."""
from __future__ import annotations

import copy
import types
from typing import Any

import numpy as np

from tangentlike.runtime.libraries import added_at, astype, dtype_kind, float_of, with_items
from tangentlike.runtime.pytrees import (  # noqa: F401  (field_of...: derivative code's)
    carries,
    field_of,
    is_node,
    map_node,
    plain_fields,
    unfield,
    with_fields,
    without_fields,
)

_BASIC_INDEX_TYPES = (int, np.integer, slice, type(None), type(Ellipsis))

# NumPy's array type, which stays NumPy's in the helpers' copies for another library's arrays
# (where ``np.ndarray`` is that library's array type): the helpers' NumPy fast paths test it.
_NUMPY_ARRAY = np.ndarray


def is_float_like(x: Any) -> bool:
    """A Python number (not bool): its derivatives are Python floats too."""
    return isinstance(x, (float, int)) and not isinstance(x, bool)


def zeros_like(x: Any) -> Any:
    """A zero derivative shaped like ``x``: 0.0 for Python numbers, arrays of zeros for
    arrays (floating point even for integer ``x``), and the same structure for containers."""
    if type(x) is _NUMPY_ARRAY:
        return np.zeros(x.shape, x.dtype if x.dtype.kind in "fc" else float)
    if isinstance(x, np.ndarray):  # another library's array (Dask's: x's chunks)
        return np.zeros_like(x, dtype=float_dtype(x))
    if is_node(x):  # a dataclass, named tuple or registered pytree: static children kept
        return map_node(zeros_like, x)
    if isinstance(x, np.generic):
        return x.dtype.type(0) if x.dtype.kind in "fc" else 0.0
    if isinstance(x, tuple):
        return tuple(zeros_like(v) for v in x)
    if isinstance(x, list):
        return [zeros_like(v) for v in x]
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, types.MethodType) and is_node(x.__self__):  # p.forward: p's derivative
        return zeros_like(x.__self__)
    return 0.0


_STAND_INS: dict[tuple, np.ndarray] = {}


def shape_only(x: Any) -> Any:
    """A stand-in for an array that keeps its shape and dtype but not its memory: what the
    forward sweep saves of a value the backward sweep reads only for its shape.  (A read-only
    view of one element, shared by all arrays of that shape and dtype.)"""
    if type(x) is not _NUMPY_ARRAY:
        return x  # another library's array is kept (a Dask array is a recipe anyway)
    if x.ndim:
        key = (x.shape, x.dtype)
        stand_in = _STAND_INS.get(key)
        if stand_in is None:
            if len(_STAND_INS) > 1024:
                _STAND_INS.clear()
            stand_in = _STAND_INS[key] = np.broadcast_to(np.empty((), x.dtype), x.shape)
        return stand_in
    return x


def copy_of(x: Any) -> Any:
    """A copy of an array read from an array the function later changes in place; of a
    list or dict (a parameter the function writes into; the stack a backward half pops), so
    that the derivative changes nothing it was given."""
    if isinstance(x, np.ndarray):
        return x.copy() if hasattr(x, "copy") else np.asarray(x, copy=True)
    if isinstance(x, (list, dict)):
        return type(x)(x) if type(x) in (list, dict) else copy.copy(x)
    return x


class _NoItem:
    """The mark ``old_item`` saves for a key a dict did not have."""

    def __repr__(self) -> str:
        return "NO_ITEM"


NO_ITEM = _NoItem()


def old_item(d: dict, key: Any) -> Any:
    """What ``d[key] = v`` overwrites, saved for the backward sweep: a copy of ``d[key]``, or
    ``NO_ITEM`` when ``d`` has no such key yet."""
    return copy_of(d[key]) if key in d else NO_ITEM


def restore_item(d: dict, key: Any, old: Any) -> None:
    """Undo ``d[key] = v`` with what ``old_item`` saved: put the old value back, or delete
    a key that was new."""
    if old is NO_ITEM:
        del d[key]
    else:
        d[key] = old


def _writable_copy(g: Any) -> Any:
    """A copy of an adjoint or tangent that may be written into."""
    if isinstance(g, np.ndarray):
        return copy_of(g)
    return g.copy() if isinstance(g, (list, dict)) else np.array(g)


def zero_at(g: Any, index: Any) -> Any:
    """``g`` with zeros at ``index`` (a new array or list): the adjoint of values that
    ``x[index] = v`` overwrote."""
    out = _writable_copy(g)
    if type(out) is _NUMPY_ARRAY:
        out[index] = 0
    elif isinstance(out, np.ndarray):
        out = with_items(out, index, 0)
    else:
        out[index] = zeros_like(out[index])
    return out


def set_at(g: Any, index: Any, value: Any) -> Any:
    """``g`` with ``value`` at ``index`` (a new array or list): the tangent of ``x[i] = v``."""
    out = _writable_copy(g)
    if isinstance(out, np.ndarray) and type(out) is not _NUMPY_ARRAY:
        return with_items(out, index, value)
    out[index] = value
    return out



def _same_sequence(like: Any, items: list) -> Any:
    """``items`` as a list, tuple or named tuple (``np.linalg.slogdet``'s), like ``like``."""
    if isinstance(like, list):
        return items
    return type(like)(*items) if hasattr(like, "_fields") else tuple(items)


def add_grad(a: Any, b: Any) -> Any:
    """``a + b`` for derivatives, element by element for tuples, lists and dicts (which
    must have the same length, or keys: a mismatch is tangentlike's error, never truncated).
    Dataclasses, named tuples and registered pytrees add their children that carry a
    derivative and keep ``a``'s static ones."""
    if type(a) is np.ndarray:  # the common case first
        return a + b
    if isinstance(a, (tuple, list)):
        if is_node(a):
            return map_node(add_grad, a, b)
        _same_structure(len(a) == len(b), a, b)
        return _same_sequence(a, [add_grad(x, y) for x, y in zip(a, b)])
    if isinstance(a, dict):
        _same_structure(a.keys() == b.keys(), a, b)
        return {k: add_grad(a[k], b[k]) for k in a}
    if type(a) is not np.ndarray and type(a) is not float and is_node(a):
        return map_node(add_grad, a, b)
    return a + b


def _same_structure(same: bool, a: Any, b: Any) -> None:
    if not same:
        raise AssertionError(
            f"tangentlike internal error: derivatives of different structures added "
            f"({type(a).__name__} of {len(a)} and {type(b).__name__} of {len(b)}); please "
            "report it with the function that was differentiated")


def _refuse_sequence_arithmetic() -> None:
    from tangentlike.errors import ValueRefusedError

    raise ValueRefusedError(
        "a tuple or list was used in arithmetic (concatenated with + or repeated with *) "
        "where tangentlike could not see it was one: its derivative would be taken as an "
        "array's", hint="build it from a tuple or list written out, e.g. args = args + (x,) "
        "or xs = xs + [v], or make it an array with np.array(...)")


def unbroadcast(g: Any, x: Any) -> Any:
    """Sum ``g`` over the axes that broadcasting added or stretched, to the shape of ``x``
    (and keep its real part when ``x`` is real and ``g`` complex).  A tuple or list ``g`` is
    the derivative of a sequence concatenated or repeated: refused (``concat`` is the rule
    for the concatenations tangentlike sees)."""
    if type(x) is float and type(g) is float:
        return g
    if isinstance(g, (tuple, list)):
        _refuse_sequence_arithmetic()
    dtype = getattr(g, "dtype", None)
    if (type(g) is complex or (dtype is not None and dtype_kind(dtype) == "c")) \
            and x is not None and not np.iscomplexobj(x):
        g = np.real(g)
    shape = np.shape(x)
    if np.shape(g) == shape:
        return g
    if not shape:
        return np.sum(g) if is_float_like(x) else np.reshape(np.asarray(np.sum(g)), shape)
    g = np.asarray(g)
    if type(g) is not _NUMPY_ARRAY:  # another library's array, which may lack methods
        return _unbroadcast_array(g, shape)
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


def _unbroadcast_array(g: Any, shape: tuple) -> Any:
    """``unbroadcast`` of another library's array ``g`` to ``shape``, by functions alone."""
    extra = np.ndim(g) - len(shape)
    if extra:
        g = np.sum(g, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and np.shape(g)[i] != 1)
    if stretched:
        g = np.sum(g, axis=stretched, keepdims=True)
    return g


def broadcast_like(g: Any, y: Any) -> Any:
    """A tangent stretched to the shape of ``y`` (forward mode's twin of ``unbroadcast``);
    a tuple or list ``y`` is refused, as in ``unbroadcast``."""
    if type(g) is float and type(y) is float:
        return g
    if isinstance(y, (tuple, list)):
        _refuse_sequence_arithmetic()
    shape = np.shape(y)
    if np.shape(g) == shape:
        return g
    dtype = np.result_type(g, y)
    return np.broadcast_to(np.asarray(g, dtype=dtype), shape) + np.zeros((), dtype=dtype)


def unreduce(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Spread the derivative of a reduction of ``x`` (``np.sum(x, axis)``) back over ``x``
    (an array; a list or tuple of numbers or arrays is reduced as the array it makes)."""
    if isinstance(x, (list, tuple)):
        x = np.asarray(x)
    shape = np.shape(x)
    if type(x) is not _NUMPY_ARRAY and isinstance(x, np.ndarray):
        return _unreduce_array(g, x, shape, axis, keepdims)
    if axis is None:
        return np.full(shape, g, dtype=np.result_type(g, x)) if shape else _scalar(g, x)
    g = np.asarray(g, dtype=np.result_type(g, x))  # a Python float stays x's precision
    if not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        g = np.expand_dims(g, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(g, shape).copy()


def _unreduce_array(g: Any, x: Any, shape: tuple, axis: Any, keepdims: bool) -> Any:
    """``unreduce`` onto another library's array ``x``: a new array like ``x`` (Dask's with
    ``x``'s chunks), the reduced axes put back with ``reshape`` (the array API's
    ``expand_dims`` takes one axis)."""
    dtype = np.result_type(g, x)
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = tuple(a % len(shape) for a in axes)
        g = np.reshape(g, tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return np.zeros_like(x, dtype=dtype) + g


def share(g: Any, xs: Any) -> Any:
    """The derivative of Python's ``sum(xs)`` for each element of ``xs``: ``g`` summed to
    the element's shape (a tuple for a tuple, a list for a list, an array for an array)."""
    if isinstance(xs, np.ndarray):
        return unreduce(g, xs, 0)
    parts = [unbroadcast(g, x) for x in xs]
    return tuple(parts) if isinstance(xs, tuple) else parts


def _scalar(g: Any, x: Any) -> Any:
    if is_float_like(x):
        return g
    return np.asarray(g, dtype=np.result_type(g, x)).reshape(np.shape(x))


def unindex(g: Any, x: Any, index: Any) -> Any:
    """The derivative of ``x[index]`` spread back over ``x`` (zeros elsewhere)."""
    if isinstance(x, (tuple, list)):
        out = list(zeros_like(x))
        if not is_node(x) or isinstance(index, slice) or carries(x[index]):
            out[index] = add_grad(out[index], g)  # a named tuple's static item stays
        return _same_sequence(x, out)
    if isinstance(x, dict):
        out = zeros_like(x)
        out[index] = add_grad(out[index], g)
        return out
    parts = index if isinstance(index, tuple) else (index,)
    basic = all(isinstance(p, _BASIC_INDEX_TYPES) for p in parts)
    if type(x) is not _NUMPY_ARRAY and isinstance(x, np.ndarray):  # like x (x's chunks)
        out = np.zeros_like(x, dtype=np.result_type(g, float_dtype(x)))
        return with_items(out, index, g) if basic else added_at(out, index, g)
    out = np.zeros(np.shape(x), np.result_type(g, x, 0.0))
    if basic:
        out[index] = g  # basic indexing never repeats an element
    else:
        np.add.at(out, index, g)
    return out


def unelement(g: Any, xs: Any, position: int) -> Any:
    """The derivative of the value the ``position``-th iteration of ``for v in xs`` binds,
    spread back over ``xs``: ``unindex`` for a sequence or an array; zeros for a dict, whose
    loop binds its keys, which carry no derivative."""
    return zeros_like(xs) if isinstance(xs, dict) else unindex(g, xs, position)


def add_item(total: Any, g: Any, x: Any, index: Any) -> Any:
    """``add_grad(total, unindex(g, x, index))`` without the zeros: the adjoint ``total`` of
    a list, tuple or dict ``x`` with ``g`` added to its item ``index`` (an integer or a key),
    in a new container that shares the other items (``total`` is not changed).  A slice, a
    named tuple, an array or an adjoint of another structure takes the general path."""
    kind = type(total)
    if kind is list or kind is tuple:
        if type(x) in (list, tuple) and isinstance(index, (int, np.integer)):
            items = list(total)
            items[index] = add_grad(items[index], g)
            return items if kind is list else tuple(items)
    elif kind is dict and type(x) is dict and index in total:
        out = dict(total)
        out[index] = add_grad(total[index], g)
        return out
    return add_grad(total, unindex(g, x, index))


def add_element(total: Any, g: Any, xs: Any, position: int) -> Any:
    """``add_grad(total, unelement(g, xs, position))`` without the zeros: the adjoint
    ``total`` of ``xs`` (a list or tuple) with ``g`` added to its ``position``-th item, in a
    new list or tuple that shares the other items (``total`` itself is not changed).  So each
    backward iteration of ``for v in xs`` adds one item, not ``len(xs)`` of them.  A dict
    (the loop binds its keys) gets nothing; other values take the general path."""
    kind = type(total)
    if (kind is list or kind is tuple) and type(xs) in (list, tuple):
        items = list(total)  # the structure is the adjoint's: xs may have grown since
        items[position] = add_grad(items[position], g)
        return items if kind is list else tuple(items)
    if kind is dict and type(xs) is dict:
        return total
    return add_grad(total, unelement(g, xs, position))


def element_tangent(dxs: Any, position: int) -> Any:
    """The tangent of the value the ``position``-th iteration of ``for v in xs`` binds, from
    ``xs``'s tangent ``dxs``: its item there; 0.0 for a dict (the loop binds its keys)."""
    return 0.0 if isinstance(dxs, dict) else dxs[position]


def appended(xs: list, value: Any) -> list:
    """A new list: ``xs`` with ``value`` at the end (the tangent of ``xs.append(value)``;
    the list of tangents may be the caller's, so it is not changed in place)."""
    return [*xs, value]


def unreduce_extremum(g: Any, x: Any, y: Any, axis: Any = None, keepdims: bool = False,
                      where: Any = True) -> Any:
    """The derivative of ``y = np.max(x, axis)`` (or min): shared equally among ties.  Only
    the elements ``where`` selects compete; a result that none reached (``initial=`` won)
    gives them nothing."""
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = tuple(a % np.ndim(x) for a in axes)
        kept = tuple(1 if i in axes else n for i, n in enumerate(np.shape(x)))
        g = np.reshape(g, kept)
        y = np.reshape(y, kept)
    if type(x) is not _NUMPY_ARRAY and isinstance(x, np.ndarray):
        hit = astype(np.logical_and(np.equal(x, y), where), float_dtype(x))
        count = np.sum(hit, axis=axis, keepdims=axis is not None)
        return hit * (g / np.maximum(count, np.ones_like(count)))
    hit = np.logical_and(np.equal(x, y), where).astype(float_dtype(x))
    count = np.maximum(np.sum(hit, axis=axis, keepdims=axis is not None), 1)
    hit *= np.divide(g, count, dtype=hit.dtype)  # each tie's share: one division per result
    return hit


def float_dtype(x: Any) -> np.dtype:
    """The floating point type derivatives of ``x`` have (float32 stays float32)."""
    dtype = np.result_type(x)
    if isinstance(dtype, np.dtype):
        return dtype if dtype.kind in "fc" else np.dtype(float)
    return dtype if dtype_kind(dtype) in "fc" else float_of(x)


def tie_share(x: Any, z: Any, other: Any) -> Any:
    """For ``z = np.maximum(x, other)`` (or minimum): 1 where ``x`` was chosen, 1/2 at ties
    (the derivative is shared equally, as in autograd), 0 elsewhere."""
    if isinstance(z, np.ndarray) and type(z) is not _NUMPY_ARRAY:  # no arithmetic on bools
        dtype = float_dtype(z)
        return astype(x == z, dtype) / (1.0 + astype(x == other, dtype))
    share = (x == z) / (1.0 + (x == other))
    if isinstance(share, (np.ndarray, np.generic)):
        return astype(share, float_dtype(z), copy=False)
    return share


def inverse_permutation(axes: Any, ndim: int) -> Any:
    """The axes that undo ``np.transpose(x, axes)`` (negative axes and the method's
    ``x.transpose((1, 0))`` form included)."""
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = axes[0]
    return tuple(np.argsort([a % ndim for a in axes]))


def seed(init_grad: Any, y: Any, name: str = "init_grad") -> Any:
    """Check the output seed against the output (``check_dims``) and return it; ``name`` is
    the seed's parameter in the derivative (``init_grad_1`` when ``f`` has an ``init_grad``),
    for the messages."""
    if type(y) is float and type(init_grad) is float:
        return init_grad
    if isinstance(y, tuple):
        if not isinstance(init_grad, tuple) or len(init_grad) != len(y):
            raise ValueError(
                f"the function returns a tuple of {len(y)} values: pass {name} as a tuple "
                f"of {len(y)} seeds (one per output)"
            )
        return tuple(seed(s, v, name) for s, v in zip(init_grad, y))
    if type(init_grad) is float and np.iscomplexobj(y):
        refuse_complex_output(y, name)
    if np.shape(init_grad) != np.shape(y):
        if np.ndim(init_grad) == 0 and np.size(y) == 1:  # shape (1,) or (1, 1): as autograd
            return np.full(np.shape(y), init_grad, np.result_type(y, init_grad, 0.0))
        if np.ndim(init_grad) == 0 and np.ndim(y) > 0:
            raise ValueError(
                f"the function's output has shape {np.shape(y)}: the gradient of a non-scalar "
                f"output needs a seed of the same shape, passed as {name} (a vector-Jacobian "
                "product), or reduce the output to a scalar"
            )
        raise ValueError(f"{name} has shape {np.shape(init_grad)}, "
                         f"but the output has shape {np.shape(y)}")
    if type(init_grad) is float and isinstance(y, (np.ndarray, np.generic)):
        dtype = y.dtype
        if isinstance(dtype, np.dtype):  # NumPy's, Dask's, CuPy's, JAX's arrays
            if dtype.kind in "fc" and type(y) is not _NUMPY_ARRAY \
                    and not isinstance(y, np.generic):  # another library's: its 0-d array,
                return np.asarray(init_grad, dtype=dtype)  # so that the adjoints are its
            if dtype.kind in "fc" and dtype != np.float64:
                return dtype.type(init_grad)  # a float32 output gets a float32 seed
        elif dtype_kind(dtype) in "fc":  # array_api_strict's, PyTorch's: its 0-d array
            return np.asarray(init_grad, dtype=dtype)
    return init_grad


def refuse_complex_output(y: Any, name: str = "init_grad") -> None:
    """A gradient needs a real output, as autograd's ``grad`` does: a complex one is refused
    (a complex seed, ``1 + 0j``, asks for the gradient of its real part)."""
    from tangentlike.errors import InputError

    raise InputError(
        f"the function's output is complex ({np.result_type(y)}): a gradient is taken of a "
        "real-valued function only",
        hint="return a real loss (np.real(z), np.abs(z) ** 2), or pass a complex seed "
        f"{name}=1 + 0j for the gradient of the real part (autograd's holomorphic_grad: "
        "f'(z) for a holomorphic f)")


def matmul_adjoint_a(g: Any, a: Any, b: Any) -> Any:
    """d(a @ b)/da applied to the output adjoint ``g``."""
    b = np.asarray(b)
    if b.ndim == 1:
        if np.ndim(a) <= 1:
            return unbroadcast(g * b, a)
        outer = np.multiply.outer(g, b) if type(b) is _NUMPY_ARRAY \
            else np.expand_dims(g, axis=-1) * b
        return unbroadcast(outer, a)
    if np.ndim(a) == 1:
        return unbroadcast(np.matmul(b, np.expand_dims(g, -1))[..., 0], a)
    return unbroadcast(np.matmul(g, _swap_last(b)), a)


def _swap_last(a: Any) -> Any:
    """``a`` with its last two axes swapped (``np.swapaxes``; ``.mT`` where the library has
    no ``swapaxes``)."""
    return np.swapaxes(a, -1, -2) if type(a) is _NUMPY_ARRAY or not hasattr(a, "mT") \
        else a.mT


def matmul_adjoint_b(g: Any, a: Any, b: Any) -> Any:
    """d(a @ b)/db applied to the output adjoint ``g``."""
    a = np.asarray(a)
    if np.ndim(a) == 1:
        if np.ndim(b) == 1:
            return g * a
        return unbroadcast(np.expand_dims(a, -1) * np.expand_dims(g, -2), b)
    if np.ndim(b) == 1:
        return unbroadcast(np.matmul(_swap_last(a), np.expand_dims(g, -1))[..., 0], b)
    return unbroadcast(np.matmul(_swap_last(a), g), b)


def _real_products(g: Any, a: Any, b: Any) -> bool:
    """Whether ``np.dot(a, b)``'s adjoints for ``g`` are plain products: ``a`` and ``b``
    real floating point arrays of rank 1 or 2 and ``g`` a real floating point value of the
    result's rank (the general path, tensordot and moveaxis, takes everything else)."""
    if type(a) is not _NUMPY_ARRAY or type(b) is not _NUMPY_ARRAY \
            or not 0 < a.ndim <= 2 or not 0 < b.ndim <= 2 \
            or a.dtype.kind != "f" or b.dtype.kind != "f":
        return False
    rank = a.ndim + b.ndim - 2
    if type(g) is np.ndarray:
        return g.ndim == rank and g.dtype.kind == "f"
    # A Python float seed of an inner product of float32 vectors: the general path's float64.
    return rank == 0 and (isinstance(g, np.floating)
                          or (type(g) is float and a.dtype == b.dtype == np.float64))


def dot_adjoint_a(g: Any, a: Any, b: Any) -> Any:
    """d np.dot(a, b)/da applied to ``g`` (np.dot contracts a's last axis with b's
    second-to-last, or its only axis)."""
    if _real_products(g, a, b):  # ranks 1 and 2: plain products, as a person writes them
        if b.ndim == 1:
            return g * b if a.ndim == 1 else g[:, None] * b  # g scalar / an outer product
        return b @ g if a.ndim == 1 else g @ b.T
    a_ndim, b = np.ndim(a), np.asarray(b)
    if a_ndim == 0 or b.ndim == 0:
        return unbroadcast(np.sum(g * b) if a_ndim == 0 else g * b, a)
    b_axes = list(range(b.ndim))
    contract = b.ndim - 2 if b.ndim > 1 else 0
    kept = [i for i in b_axes if i != contract]
    g_axes = list(range(a_ndim - 1, a_ndim - 1 + len(kept)))
    return np.tensordot(g, b, axes=(g_axes, kept))


def dot_adjoint_b(g: Any, a: Any, b: Any) -> Any:
    """d np.dot(a, b)/db applied to ``g``."""
    if _real_products(g, a, b):
        if a.ndim == 1:
            return g * a if b.ndim == 1 else a[:, None] * g  # g scalar / an outer product
        return a.T @ g
    a, b_ndim = np.asarray(a), np.ndim(b)
    if a.ndim == 0 or b_ndim == 0:
        return unbroadcast(np.sum(g * a) if b_ndim == 0 else g * a, b)
    lead = list(range(a.ndim - 1))
    out = np.tensordot(a, g, axes=(lead, lead))  # (n, *b_without_contracted)
    if b_ndim == 1:
        return out
    return np.moveaxis(out, 0, b_ndim - 2)


def reduce_extremum(t: Any, x: Any, y: Any, axis: Any = None, keepdims: bool = False,
                    where: Any = True) -> Any:
    """The tangent of ``y = np.max(x, axis)`` (or min) for the tangent ``t`` of ``x``: the
    tangent of the selected element, averaged over ties (the adjoint's equal shares); zero
    where no element ``where`` selects reached the result (``initial=`` won)."""
    if type(x) is not _NUMPY_ARRAY and isinstance(x, np.ndarray):
        return _reduce_extremum_array(t, x, y, axis, keepdims, where)
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        y = np.expand_dims(y, tuple(a % np.ndim(x) for a in axes))
    hit = np.logical_and(x == y, where)
    count = np.maximum(np.sum(hit, axis=axis, keepdims=True), 1)
    share = (hit / count).astype(float_dtype(x), copy=False)
    return np.sum(t * share, axis=axis, keepdims=keepdims)


def _reduce_extremum_array(t: Any, x: Any, y: Any, axis: Any, keepdims: bool,
                           where: Any) -> Any:
    """``reduce_extremum`` on another library's arrays, by the array API's functions."""
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = tuple(a % np.ndim(x) for a in axes)
        y = np.reshape(y, tuple(1 if i in axes else n for i, n in enumerate(np.shape(x))))
    hit = astype(np.logical_and(x == y, where), float_dtype(x))
    count = np.sum(hit, axis=axis, keepdims=True)
    share = hit / np.maximum(count, np.ones_like(count))
    return np.sum(t * share, axis=axis, keepdims=keepdims)


_IMMUTABLE = (int, float, complex, str, bytes, tuple, frozenset, np.generic, type(None))


def shares(x: Any, other: Any) -> bool:
    """Whether changing ``x`` in place changes what ``other`` holds: the same mutable object,
    arrays with memory in common, or a container holding one of those."""
    if isinstance(x, _IMMUTABLE):
        return False
    if x is other:
        return True
    if isinstance(x, np.ndarray) and isinstance(other, np.ndarray):
        if type(x) is not _NUMPY_ARRAY:
            return False  # another library's arrays: no memory test (not the same object)
        try:
            return bool(np.shares_memory(x, other, max_work=10_000))
        except getattr(np, "exceptions", np).TooHardError:
            return True
    if isinstance(other, (list, tuple)):
        return any(shares(x, item) for item in other)
    if isinstance(other, dict):
        return any(shares(x, item) for item in other.values())
    return False


def _refuse(message: str, filename: str, lineno: int, hint: str) -> None:
    import linecache

    from tangentlike.errors import Location, UnsupportedSyntaxError

    line = linecache.getline(filename, lineno).rstrip("\n")
    raise UnsupportedSyntaxError(message, Location(filename, lineno, line), hint=hint)


def check_unshared(x: Any, other: Any, message: str, filename: str, lineno: int) -> None:
    """Refuse an in-place update (``x += v``) that NumPy would make visible through
    ``other`` too: the derivative gives ``x`` a new value and leaves ``other`` as it was.
    A float, or an array of its own, passes."""
    if shares(x, other):
        _refuse(message, filename, lineno, "write x = x + v (a new value), or copy first "
                "(y = x.copy()), so that only one name changes")


def write_back(given: Any, worked_on: Any) -> None:
    """The end of a function that writes into its parameter: the caller's array (list, dict)
    ``given`` gets the value the function left in ``worked_on``, the copy the derivative
    worked on, as the function itself would have left it."""
    if given is worked_on:
        return
    if isinstance(given, np.ndarray):
        given[...] = worked_on
    elif isinstance(given, list):
        given[:] = worked_on
    elif isinstance(given, dict):
        given.clear()
        given.update(worked_on)


def check_not_view(x: Any, message: str, filename: str, lineno: int) -> None:
    """Refuse an element read ``y = x[i]`` that is a view (a row of a matrix), when ``x`` is
    changed in place while ``y`` is still read; a number passes."""
    if not isinstance(x, _IMMUTABLE):
        _refuse(message, filename, lineno, "read a copy (y = x[i].copy()) or read the element "
                "after the change")


def concat(a: Any, b: Any) -> Any:
    """``a + b`` for two tuples or two lists: the concatenation the user wrote
    (``args + (x,)``), which has a derivative rule of its own, unlike array addition."""
    return a + b


# What the probe of a lowered ``try/finally`` catches (tangentlike/frontend/exceptions.py): every
# exception, in a tuple of its own, so that the probe is known again in generated code.
ANY_EXCEPTION = (BaseException,)


def keep_dtype(new: Any, old: Any) -> Any:
    """The value of ``old += v`` given ``new = old + v``: NumPy updates an array in place,
    so the result keeps ``old``'s dtype (a float32 array stays float32); anything else
    (a float, a NumPy scalar) is re-bound to ``new``.  A 0-d array stays a 0-d array (its
    sum with a scalar is a NumPy scalar, which ``old[mask] = v`` could not write into)."""
    if isinstance(old, np.ndarray) and not isinstance(new, np.ndarray):
        return np.asarray(new, dtype=old.dtype)
    if isinstance(old, np.ndarray) and isinstance(new, np.ndarray) and new.dtype != old.dtype:
        return astype(new, old.dtype)
    return new
