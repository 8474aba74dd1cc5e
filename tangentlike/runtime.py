"""The few helpers generated code calls.  Kept small and fast: each is what a careful person
would write inline, with a fast path for the common case."""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

_BASIC_INDEX_TYPES = (int, np.integer, slice, type(None), type(Ellipsis))


def _is_float_like(x: Any) -> bool:
    return isinstance(x, (float, int)) and not isinstance(x, bool)


def zeros_like(x: Any) -> Any:
    """A zero derivative shaped like ``x``: 0.0 for Python numbers, arrays of zeros for
    arrays (floating point even for integer ``x``), and the same structure for containers."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape, x.dtype if x.dtype.kind in "fc" else float)
    if isinstance(x, np.generic):
        return x.dtype.type(0) if x.dtype.kind in "fc" else 0.0
    if isinstance(x, tuple):
        return tuple(zeros_like(v) for v in x)
    if isinstance(x, list):
        return [zeros_like(v) for v in x]
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    return 0.0


def push(stack: list, value: Any) -> None:
    """Save a value the backward sweep needs before the forward sweep overwrites it."""
    stack.append(value)


def pop(stack: list) -> Any:
    """The value saved last (the backward sweep runs in reverse order)."""
    return stack.pop()


_STAND_INS: dict[tuple, np.ndarray] = {}


def shape_only(x: Any) -> Any:
    """A stand-in for an array that keeps its shape and dtype but not its memory: what the
    forward sweep saves of a value the backward sweep reads only for its shape.  (A read-only
    view of one element, shared by all arrays of that shape and dtype.)"""
    if isinstance(x, np.ndarray) and x.ndim:
        key = (x.shape, x.dtype)
        stand_in = _STAND_INS.get(key)
        if stand_in is None:
            if len(_STAND_INS) > 1024:
                _STAND_INS.clear()
            stand_in = _STAND_INS[key] = np.broadcast_to(np.empty((), x.dtype), x.shape)
        return stand_in
    return x


def copy_of(x: Any) -> Any:
    """A copy of an array read from an array the function later changes in place."""
    return x.copy() if isinstance(x, np.ndarray) else x


def _writable_copy(g: Any) -> Any:
    """A copy of an adjoint or tangent that may be written into."""
    return g.copy() if isinstance(g, (np.ndarray, list, dict)) else np.array(g)


def zero_at(g: Any, index: Any) -> Any:
    """``g`` with zeros at ``index`` (a new array or list): the adjoint of values that
    ``x[index] = v`` overwrote."""
    out = _writable_copy(g)
    if isinstance(out, np.ndarray):
        out[index] = 0
    else:
        out[index] = zeros_like(out[index])
    return out


def set_at(g: Any, index: Any, value: Any) -> Any:
    """``g`` with ``value`` at ``index`` (a new array or list): the tangent of ``x[i] = v``."""
    out = _writable_copy(g)
    out[index] = value
    return out



def _same_sequence(like: Any, items: list) -> Any:
    """``items`` as a list, tuple or named tuple (``np.linalg.slogdet``'s), like ``like``."""
    if isinstance(like, list):
        return items
    return type(like)(*items) if hasattr(like, "_fields") else tuple(items)


def add_grad(a: Any, b: Any) -> Any:
    """``a + b`` for derivatives, element by element for tuples, lists and dicts."""
    if isinstance(a, (tuple, list)):
        return _same_sequence(a, [add_grad(x, y) for x, y in zip(a, b)])
    if isinstance(a, dict):
        return {k: add_grad(a[k], b[k]) for k in a}
    return a + b


def unbroadcast(g: Any, x: Any) -> Any:
    """Sum ``g`` over the axes that broadcasting added or stretched, to the shape of ``x``
    (and keep its real part when ``x`` is real and ``g`` complex)."""
    if type(x) is float and type(g) is float:
        return g
    dtype = getattr(g, "dtype", None)
    if (type(g) is complex or (dtype is not None and dtype.kind == "c")) \
            and x is not None and not np.iscomplexobj(x):
        g = np.real(g)
    shape = np.shape(x)
    if np.shape(g) == shape:
        return g
    if not shape:
        return np.sum(g) if _is_float_like(x) else np.asarray(np.sum(g)).reshape(shape)
    g = np.asarray(g)
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return g


def broadcast_like(g: Any, y: Any) -> Any:
    """A tangent stretched to the shape of ``y`` (forward mode's twin of ``unbroadcast``)."""
    if type(g) is float and type(y) is float:
        return g
    shape = np.shape(y)
    if np.shape(g) == shape:
        return g
    dtype = np.result_type(g, y)
    return np.broadcast_to(np.asarray(g, dtype=dtype), shape) + np.zeros((), dtype=dtype)


def unreduce(g: Any, x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Spread the derivative of a reduction of ``x`` (``np.sum(x, axis)``) back over ``x``."""
    shape = np.shape(x)
    if axis is None:
        return np.full(shape, g, dtype=np.result_type(g, x)) if shape else _scalar(g, x)
    g = np.asarray(g, dtype=np.result_type(g, x))  # a Python float stays x's precision
    if not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        g = np.expand_dims(g, tuple(a % len(shape) for a in axes))
    return np.broadcast_to(g, shape).copy()


def _scalar(g: Any, x: Any) -> Any:
    if _is_float_like(x):
        return g
    return np.asarray(g, dtype=np.result_type(g, x)).reshape(np.shape(x))


def unindex(g: Any, x: Any, index: Any) -> Any:
    """The derivative of ``x[index]`` spread back over ``x`` (zeros elsewhere)."""
    if isinstance(x, (tuple, list)):
        out = list(zeros_like(x))
        out[index] = add_grad(out[index], g)
        return _same_sequence(x, out)
    if isinstance(x, dict):
        out = zeros_like(x)
        out[index] = add_grad(out[index], g)
        return out
    out = np.zeros(np.shape(x), np.result_type(g, x, 0.0))
    parts = index if isinstance(index, tuple) else (index,)
    if all(isinstance(p, _BASIC_INDEX_TYPES) for p in parts):
        out[index] = g  # basic indexing never repeats an element
    else:
        np.add.at(out, index, g)
    return out


def appended(xs: list, value: Any) -> list:
    """A new list: ``xs`` with ``value`` at the end (the tangent of ``xs.append(value)``;
    the list of tangents may be the caller's, so it is not changed in place)."""
    return [*xs, value]


# The helpers above whose results may be tuples, lists or dicts (when their arguments are):
# derivative code adds their derivatives with add_grad, since ``+`` would concatenate.
CONTAINER_HELPERS = (add_grad, unindex, zero_at, set_at, appended)


def unreduce_extremum(g: Any, x: Any, y: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """The derivative of ``y = np.max(x, axis)`` (or min): shared equally among ties."""
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        axes = tuple(a % np.ndim(x) for a in axes)
        g = np.expand_dims(g, axes)
        y = np.expand_dims(y, axes)
    hit = x == y
    share = np.divide(g, np.sum(hit, axis=axis, keepdims=axis is not None),
                      dtype=_float_dtype(x))  # each tie's share: one division per result
    return np.multiply(hit, share, dtype=_float_dtype(x))


def _float_dtype(x: Any) -> np.dtype:
    """The floating point type derivatives of ``x`` have (float32 stays float32)."""
    dtype = np.result_type(x)
    return dtype if dtype.kind in "fc" else np.dtype(float)


def tie_share(x: Any, z: Any, other: Any) -> Any:
    """For ``z = np.maximum(x, other)`` (or minimum): 1 where ``x`` was chosen, 1/2 at ties
    (the derivative is shared equally, as in autograd), 0 elsewhere."""
    share = (x == z) / (1.0 + (x == other))
    if isinstance(share, (np.ndarray, np.generic)):
        return share.astype(_float_dtype(z), copy=False)
    return share


def inverse_permutation(axes: Any, ndim: int) -> Any:
    """The axes that undo ``np.transpose(x, axes)`` (negative axes and the method's
    ``x.transpose((1, 0))`` form included)."""
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = axes[0]
    return tuple(np.argsort([a % ndim for a in axes]))


def seed(init_grad: Any, y: Any) -> Any:
    """Check the output seed against the output (``check_dims``) and return it."""
    if type(y) is float and type(init_grad) is float:
        return init_grad
    if isinstance(y, tuple):
        if not isinstance(init_grad, tuple) or len(init_grad) != len(y):
            raise ValueError(
                f"the function returns a tuple of {len(y)} values: pass init_grad as a tuple "
                f"of {len(y)} seeds (one per output)"
            )
        return tuple(seed(s, v) for s, v in zip(init_grad, y))
    if np.shape(init_grad) != np.shape(y):
        if np.ndim(init_grad) == 0 and np.ndim(y) > 0:
            raise ValueError(
                f"the function's output has shape {np.shape(y)}: the gradient of a non-scalar "
                "output needs a seed of the same shape, passed as init_grad (a vector-Jacobian "
                "product), or reduce the output to a scalar"
            )
        raise ValueError(f"init_grad has shape {np.shape(init_grad)}, "
                         f"but the output has shape {np.shape(y)}")
    if (type(init_grad) is float and isinstance(y, (np.ndarray, np.generic))
            and y.dtype.kind in "fc" and y.dtype != np.float64):
        return y.dtype.type(init_grad)  # a float32 output gets a float32 seed
    return init_grad


def matmul_adjoint_a(g: Any, a: Any, b: Any) -> Any:
    """d(a @ b)/da applied to the output adjoint ``g``."""
    b = np.asarray(b)
    if b.ndim == 1:
        return unbroadcast(np.multiply.outer(g, b) if np.ndim(a) > 1 else g * b, a)
    if np.ndim(a) == 1:
        return unbroadcast(np.matmul(b, np.expand_dims(g, -1))[..., 0], a)
    return unbroadcast(np.matmul(g, np.swapaxes(b, -1, -2)), a)


def matmul_adjoint_b(g: Any, a: Any, b: Any) -> Any:
    """d(a @ b)/db applied to the output adjoint ``g``."""
    a = np.asarray(a)
    if a.ndim == 1:
        if np.ndim(b) == 1:
            return g * a
        return unbroadcast(np.expand_dims(a, -1) * np.expand_dims(g, -2), b)
    if np.ndim(b) == 1:
        return unbroadcast(np.matmul(np.swapaxes(a, -1, -2), np.expand_dims(g, -1))[..., 0], b)
    return unbroadcast(np.matmul(np.swapaxes(a, -1, -2), g), b)


def dot_adjoint_a(g: Any, a: Any, b: Any) -> Any:
    """d np.dot(a, b)/da applied to ``g`` (np.dot contracts a's last axis with b's
    second-to-last, or its only axis)."""
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
    a, b_ndim = np.asarray(a), np.ndim(b)
    if a.ndim == 0 or b_ndim == 0:
        return unbroadcast(np.sum(g * a) if b_ndim == 0 else g * a, b)
    lead = list(range(a.ndim - 1))
    out = np.tensordot(a, g, axes=(lead, lead))  # (n, *b_without_contracted)
    if b_ndim == 1:
        return out
    return np.moveaxis(out, 0, b_ndim - 2)


def reduce_extremum(t: Any, x: Any, y: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """The tangent of ``y = np.max(x, axis)`` (or min) for the tangent ``t`` of ``x``: the
    tangent of the selected element, averaged over ties (the adjoint's equal shares)."""
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        y = np.expand_dims(y, tuple(a % np.ndim(x) for a in axes))
    hit = x == y
    share = (hit / np.sum(hit, axis=axis, keepdims=True)).astype(_float_dtype(x), copy=False)
    return np.sum(t * share, axis=axis, keepdims=keepdims)


# Where the runtime helpers read an argument only for its shape, dtype or structure (by
# position): a value the backward sweep reads only there is saved as ``shape_only(value)``.
SHAPE_ARGUMENTS: dict[Any, tuple[int, ...]] = {
    unbroadcast: (1,), broadcast_like: (1,), unreduce: (1,), zeros_like: (0,),
    unindex: (1,), seed: (1,), matmul_adjoint_a: (1,), matmul_adjoint_b: (2,),
    dot_adjoint_a: (1,), dot_adjoint_b: (2,), np.shape: (0,), np.ndim: (0,), np.size: (0,),
}


def clip_share(a: Any, y: Any, a_min: Any, a_max: Any, which: int) -> Any:
    """For ``y = np.clip(a, a_min, a_max)``, that is ``np.minimum(np.maximum(a, a_min),
    a_max)``: the share of the derivative that goes to ``a`` (``which`` 0), ``a_min`` (1) or
    ``a_max`` (2): 1 on the chosen piece, 0 elsewhere, split equally at ties (``tie_share``).
    A bound of None is absent."""
    low = a if a_min is None else np.maximum(a, a_min)
    if which == 2:
        return tie_share(a_max, y, low)
    share = 1.0 if a_max is None else tie_share(low, y, a_max)
    if which == 1:
        return share * tie_share(a_min, low, a)
    return share if a_min is None else share * tie_share(a, low, a_min)


def sinc_derivative(x: Any, n: int = 1) -> Any:
    """The ``n``-th derivative of ``np.sinc`` (``sin(pi x) / (pi x)``) at ``x``, exact at 0
    too: by its Taylor series where ``|x| < 1``, else by the recurrence
    ``x s_m + m s_(m-1) = pi^(m-1) sin(pi x + m pi / 2)`` from ``s_0 = sinc(x)``."""
    dtype = _float_dtype(x)
    x64 = np.asarray(x, dtype=np.float64)
    near = np.abs(x64) < 1.0
    taylor = np.zeros_like(x64)
    k0 = (n + 1) // 2
    for k in range(k0, k0 + 24):  # (pi x)^(2k) / (2k)! is below 1e-20 after 24 terms
        coefficient = (-1.0) ** k * np.pi ** (2 * k) / ((2 * k + 1) * math.factorial(2 * k - n))
        taylor = taylor + coefficient * np.where(near, x64, 0.0) ** (2 * k - n)
    far_x = np.where(near, 2.0, x64)
    far = np.sinc(far_x)
    for m in range(1, n + 1):
        far = (np.pi ** (m - 1) * np.sin(np.pi * far_x + m * np.pi / 2) - m * far) / far_x
    out = np.where(near, taylor, far)
    if _is_float_like(x):
        return float(out)
    return out.astype(dtype) if isinstance(x, np.ndarray) else dtype.type(out)




# Building and rearranging arrays (templates/numpy_arrays.py).  Each helper that carries a
# derivative is linear in it, and has rules there (its transpose is its adjoint).


def undiagonal(g: Any, x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The derivative of ``np.diagonal(x, offset, axis1, axis2)`` spread back over ``x``
    (zeros off the diagonal)."""
    out = np.zeros(np.shape(x), np.result_type(g, x, 0.0))
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))  # the diagonal is the last axis of g
    n = np.arange(np.shape(g)[-1])
    view[..., n + max(-offset, 0), n + max(offset, 0)] = g
    return out


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
    source = _pad_sources(x, pad_width, mode)
    g = np.asarray(g)
    dtype = np.result_type(g, x, 0.0)
    out = np.zeros(np.size(x), dtype)
    keep = source >= 0
    if mode == "constant":  # each element of x is copied once
        out[source[keep]] = np.broadcast_to(g, source.shape)[keep]
    else:
        np.add.at(out, source[keep], np.broadcast_to(g, source.shape)[keep])
    return out.reshape(np.shape(x))


def pad_fill(t: Any, x: Any, pad_width: Any) -> Any:
    """The derivative of ``np.pad(x, pad_width, constant_values=c)`` for the derivative
    ``t`` of ``c``: ``t`` in the padding, zeros where ``x`` is."""
    t = np.asarray(t)
    return np.pad(np.zeros(np.shape(x), np.result_type(t, x, 0.0)), pad_width,
                  constant_values=t)


def unpad_fill(g: Any, x: Any, pad_width: Any, constant_values: Any) -> Any:
    """The transpose of :func:`pad_fill`: the derivative of ``constant_values`` (summed over
    the padding each of its entries fills)."""
    c = np.asarray(constant_values)
    g = np.asarray(g)
    out = np.zeros(c.shape, np.result_type(g, c, 0.0))
    for k in range(c.size):
        basis = np.zeros(c.shape)
        basis.flat[k] = 1.0
        out.flat[k] = np.sum(g * pad_fill(basis, x, pad_width))
    return float(out) if _is_float_like(constant_values) else out


def cast_derivative(t: Any, like: Any) -> Any:
    """A derivative ``t`` (an array, a number, or nested lists of them) as one value with the
    shape and floating point type of ``like``: zero where ``like`` is not floating point
    (``x.astype(int)`` carries no derivative)."""
    dtype = np.result_type(like)
    if dtype.kind not in "fc":
        return zeros_like(like)
    if _is_float_like(like):
        return float(np.reshape(t, ()))
    out = np.asarray(t, dtype=dtype).reshape(np.shape(like))
    return out if isinstance(like, np.ndarray) else dtype.type(out)


def unarray(g: Any, obj: Any, y: Any) -> Any:
    """The derivative of ``y = np.array(obj)`` spread back over ``obj``: a list (tuple) of
    the parts of ``g`` for a list (tuple), each cast like its element."""
    if np.result_type(y).kind not in "fc":
        return zeros_like(obj)
    if isinstance(obj, (list, tuple)):
        g = np.reshape(g, np.shape(obj))
        return type(obj)(unarray(g[i], v, y) for i, v in enumerate(obj))
    return cast_derivative(g, obj)


def pow_log(x: Any, z: Any) -> Any:
    """``log(x)`` for the derivative of ``z = x ** y`` with respect to ``y`` (``z * log(x)``),
    0 where ``x`` is 0 (there ``z`` is 0 or 1 and the derivative 0 or undefined), in the
    floating point type of ``z``: a Python float base keeps a float32 exponent's derivative
    float32."""
    out = np.log(np.where(x == 0, 1.0, x))
    if _is_float_like(x) and _is_float_like(z):
        return float(out)
    dtype = np.result_type(_float_dtype(x), _float_dtype(z)) if isinstance(x, np.ndarray) \
        else _float_dtype(z)
    return out.astype(dtype, copy=False) if isinstance(x, np.ndarray) else dtype.type(out)


# numpy.fft (templates/numpy_fft.py) -----------------------------------------------------------

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
    dtype = np.result_type(y) if np.result_type(y).kind == "f" else np.dtype(float)
    w = np.zeros(m, dtype)
    w[:n // 2 + 1] = 2.0
    w[0] = 1.0
    if n % 2 == 0 and n // 2 < m:
        w[n // 2] = 1.0
    shape = [1] * np.ndim(a)
    shape[axis] = m
    return w.reshape(shape)


# scipy.special (templates/scipy_special.py) ---------------------------------------------------

def polygamma_like(n: Any, x: Any) -> Any:
    """``scipy.special.polygamma(n, x)`` in the floating point type of ``x`` (SciPy computes it
    in float64): the derivative of ``digamma`` (n = 1) and of ``polygamma(n - 1, x)``."""
    from scipy.special import polygamma

    out = polygamma(n, x)
    dtype = _float_dtype(x)
    return out.astype(dtype, copy=False) if np.ndim(out) else dtype.type(out)


# Reductions and shapes (templates/numpy_reductions.py, templates/numpy_shapes.py).
# split_like, join_like and reverse_cumsum carry derivatives and have rules there; the others
# compute shapes, axes and indices.


def split_like(g: Any, arrays: Any, axis: Any = 0) -> Any:
    """The derivative ``g`` of a join of ``arrays`` (``np.concatenate``, ``np.stack``,
    ``np.hstack``, ...) along ``axis`` of the result, cut back into one piece per array, each
    of its array's shape: a tuple for a tuple, else a list.  ``axis=None``: ``g`` is the join
    of the flattened arrays."""
    g = np.asarray(g)
    if axis is None:
        g, axis = g.reshape(-1), 0
    axis = axis % g.ndim
    across = g.size // g.shape[axis] if g.shape[axis] else 0  # elements per index of axis
    ends = np.cumsum([np.size(a) // across if across else 0 for a in arrays])
    pieces = [np.reshape(p, np.shape(a))
              for p, a in zip(np.split(g, ends[:-1], axis=axis), arrays)]
    return tuple(pieces) if isinstance(arrays, tuple) else pieces


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
        g, axis = g.reshape(-1), 0
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
        raise NotImplementedError("the derivative of np.average with weights over axes out "
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


# ---------------------------------------------------------------------------------------------
# Linear algebra (templates/numpy_linalg.py): the subscripts of the einsums its rules write,
# masks and identities, and the helpers with rules of their own (einsum_with, einsum_place,
# linalg_cast, norm_gradient).


_EINSUM_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@functools.lru_cache(maxsize=1024)
def _einsum_parse(subscripts: str, shapes: tuple) -> tuple[list[str], str, list[str]]:
    """``subscripts`` as explicit subscripts without ``...``: the operands' subscripts, the
    output's, and the letters left unused.  The dimensions ``...`` stands for get letters of
    their own (right-aligned, as they broadcast); implicit output is NumPy's: ``...`` first,
    then the letters used once, in ASCII order."""
    s = subscripts.replace(" ", "")
    inputs, arrow, output = s.partition("->")
    ins = inputs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum subscripts {subscripts!r} name {len(ins)} operands, "
                         f"{len(shapes)} given")
    unused = [c for c in _EINSUM_LETTERS if c not in s]
    ell = max([len(shape) - len(sub) + 3 for sub, shape in zip(ins, shapes) if "..." in sub],
              default=0)
    ell_letters, unused = "".join(unused[:ell]), unused[ell:]
    explicit = [sub.replace("...", ell_letters[ell - (len(shape) - len(sub) + 3):])
                if "..." in sub else sub for sub, shape in zip(ins, shapes)]
    if not arrow:
        letters = [c for sub in ins for c in sub if c != "."]
        output = ell_letters + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    else:
        output = output.replace("...", ell_letters)
    return explicit, output, unused


@functools.lru_cache(maxsize=1024)
def _einsum_adjoint(subscripts: str, k: int, shapes: tuple) -> tuple[str, str, str]:
    ins, out, unused = _einsum_parse(subscripts, shapes)
    sizes: dict[str, int] = {}
    for sub, shape in zip(ins, shapes):
        for c, n in zip(sub, shape):
            sizes[c] = max(sizes.get(c, 1), n)
    fresh = iter(unused)

    def own(sub: str, shape: tuple) -> str:
        # A dimension of 1 that broadcasts against a longer one gets a letter of its own.
        return "".join(next(fresh) if n == 1 and sizes[c] > 1 else c for c, n in zip(sub, shape))

    target = own(ins[k], shapes[k])
    others = [own(sub, shape) for j, (sub, shape) in enumerate(zip(ins, shapes)) if j != k]
    known = set(out).union(*others)
    avail = "".join(c for c in dict.fromkeys(target) if c in known)
    return ",".join([out, *others]) + "->" + avail, avail, target


def einsum_adjoint_subscripts(subscripts: str, k: int, *operands: Any) -> Any:
    """For ``y = np.einsum(subscripts, *operands)`` (the operands that are not None): the
    subscripts of the einsum of ``y``'s adjoint and the other operands (in order) that gives
    the adjoint of operand ``k`` over the letters it shares with them, those letters, and
    operand ``k``'s own subscripts, for :func:`einsum_place`.  None if there is no operand
    ``k``."""
    if not isinstance(subscripts, str):
        einsum_refuse_operands_first(subscripts)
    shapes = tuple(np.shape(x) for x in operands if x is not None)
    return _einsum_adjoint(subscripts, k, shapes) if k < len(shapes) else None


def einsum_refuse_operands_first(x: Any) -> Any:
    """Raise: the derivative of np.einsum's interleaved form is not implemented."""
    raise NotImplementedError(
        "tangentlike differentiates np.einsum with a subscripts string first, as in "
        "np.einsum('ij,jk->ik', a, b); the interleaved form np.einsum(a, [0, 1], b, [1, 2]) is "
        "not supported")


def einsum_with(subscripts: str, x0: Any, x1: Any = None, x2: Any = None, x3: Any = None,
                out: Any = None, optimize: Any = False) -> Any:
    """``np.einsum(subscripts, ...)`` of the operands that are not None."""
    operands = [x for x in (x0, x1, x2, x3) if x is not None]
    return np.einsum(subscripts, *operands, optimize=optimize)


def linalg_cast(t: Any, x: Any) -> Any:
    """``t``, a derivative computed for ``x``, in ``x``'s floating point type (einsums of a
    float32 array and a Python float are float64)."""
    dtype = _float_dtype(x)
    if isinstance(t, (np.ndarray, np.generic)) and t.dtype != dtype:
        return t.astype(dtype)
    return t


def einsum_place(t: Any, x: Any, letters: str, target: str) -> Any:
    """``t``, the adjoint of ``x`` over the subscripts ``letters``, as an adjoint of ``x``
    (subscripts ``target``): spread over the letters of ``target`` it lacks, and placed on the
    diagonal where ``target`` repeats a letter (zeros elsewhere), in ``x``'s floating point
    type.  Linear in ``t``."""
    dtype = _float_dtype(x)
    unique = "".join(dict.fromkeys(target))
    if letters == unique == target:
        return linalg_cast(t, x)
    sizes = dict(zip(target, np.shape(x)))
    if letters != unique:
        missing = tuple(i for i, c in enumerate(unique) if c not in letters)
        t = np.broadcast_to(np.expand_dims(t, missing), tuple(sizes[c] for c in unique))
        if unique == target:
            return np.array(t, dtype=dtype)
    subs, operands, out, seen = [unique], [t], "", set()
    spare = iter(c for c in _EINSUM_LETTERS if c not in target)
    for c in target:
        if c in seen:
            f = next(spare)
            subs.append(c + f)
            operands.append(np.eye(sizes[c], dtype=dtype))
            out += f
        else:
            seen.add(c)
            out += c
    return np.einsum(",".join(subs) + "->" + out, *operands, dtype=dtype, casting="same_kind")


def einsum_subscripts(inputs: str, output: str) -> str:
    """``inputs + "->" + output``."""
    return inputs + "->" + output


@functools.lru_cache(maxsize=1024)
def _product_adjoint_subscripts(subscripts: str) -> tuple[str, str]:
    """For explicit ``"A,B->O"`` with every letter of A and B in the other operand or in O (no
    repeats): the subscripts of the adjoints, ``"O,B->A"`` and ``"A,O->B"``."""
    inputs, _, out = subscripts.partition("->")
    a, b = inputs.split(",")
    return f"{out},{b}->{a}", f"{a},{out}->{b}"


@functools.lru_cache(maxsize=1024)
def _tensordot_subscripts(ndim_a: int, ndim_b: int, axes: Any) -> str:
    """``np.tensordot(a, b, axes)`` as explicit einsum subscripts."""
    if isinstance(axes, (int, np.integer)):
        axes_a, axes_b = list(range(ndim_a - axes, ndim_a)), list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    axes_a = [i % ndim_a for i in axes_a]
    axes_b = [i % ndim_b for i in axes_b]
    letters = iter(_EINSUM_LETTERS)
    a = [next(letters) for _ in range(ndim_a)]
    b = [next(letters) for _ in range(ndim_b)]
    for i, j in zip(axes_a, axes_b):
        b[j] = a[i]
    out = [c for i, c in enumerate(a) if i not in axes_a]
    out += [c for j, c in enumerate(b) if j not in axes_b]
    return "".join(a) + "," + "".join(b) + "->" + "".join(out)


def tensordot_adjoint_subscripts(a: Any, b: Any, axes: Any = 2) -> tuple[str, str]:
    """The einsum subscripts of the adjoints of ``np.tensordot(a, b, axes)``."""
    if not isinstance(axes, (int, np.integer)):
        axes = tuple(tuple(x) if isinstance(x, (list, tuple)) else x for x in axes)
    return _product_adjoint_subscripts(_tensordot_subscripts(np.ndim(a), np.ndim(b), axes))


def inner_adjoint_subscripts(a: Any, b: Any) -> tuple[str, str]:
    """The einsum subscripts of the adjoints of ``np.inner(a, b)``: a product when either is
    a scalar, else a sum over the last axes."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return tensordot_adjoint_subscripts(a, b, 0)
    return tensordot_adjoint_subscripts(a, b, ((-1,), (-1,)))


@functools.lru_cache(maxsize=1024)
def _kron_layout(sa: tuple, sb: tuple) -> tuple:
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    a, b = _EINSUM_LETTERS[:n], _EINSUM_LETTERS[n:2 * n]
    out = "".join(x + y for x, y in zip(a, b))
    paired = tuple(m for pair in zip(sa, sb) for m in pair)
    return f"{out},{b}->{a}", f"{a},{out}->{b}", paired, sa, sb


def kron_layout(a: Any, b: Any) -> tuple:
    """For ``np.kron(a, b)``: the einsum subscripts of the adjoints of ``a`` and ``b`` from the
    result's adjoint reshaped to pairs of axes (``(a0, b0, a1, b1, ...)``, the third item), and
    the shapes of ``a`` and ``b`` padded with leading ones to the same length."""
    return _kron_layout(np.shape(a), np.shape(b))


def linalg_eye(a: Any) -> np.ndarray:
    """The identity matrix of the size of ``a``'s last axis, in ``a``'s floating point type."""
    return np.eye(np.shape(a)[-1], dtype=_float_dtype(a))


def _linalg_swap(x: Any) -> Any:
    return np.swapaxes(x, -1, -2)


def solve_matrix_shape(x: Any, b: Any) -> tuple:
    """The shape of ``x = np.linalg.solve(a, b)`` as a stack of matrices: a column for a vector
    ``b`` (``b.ndim == 1``)."""
    return np.shape(x) + (1,) if np.ndim(b) == 1 else np.shape(x)


def triangle_mask(a: Any, upper: Any) -> np.ndarray:
    """Ones in the strict lower triangle (upper: ``upper`` True or "U") and halves on the
    diagonal, the size of ``a``'s last axis, in its floating point type."""
    n = np.shape(a)[-1]
    dtype = _float_dtype(a)
    ones = np.ones((n, n), dtype)
    up = upper in ("U", "u") if isinstance(upper, str) else bool(upper)
    strict = np.triu(ones, 1) if up else np.tril(ones, -1)
    return strict + np.eye(n, dtype=dtype) / 2


def eig_eye(w: Any) -> np.ndarray:
    """The identity matrix for the eigenvalues ``w`` of ``np.linalg.eig``, which must be real."""
    if np.iscomplexobj(w):
        raise NotImplementedError(
            "the derivative of np.linalg.eig is implemented for real eigenvalues only; this "
            "matrix has complex ones (for a symmetric matrix use np.linalg.eigh)")
    return linalg_eye(w)


def svd_eye(s: Any, a: Any, full_matrices: Any) -> np.ndarray:
    """The identity matrix for the singular values ``s`` of ``np.linalg.svd(a)``; refuses
    ``full_matrices=True`` for a matrix that is not square (the extra singular vectors are
    not determined by ``a``)."""
    if full_matrices and np.shape(a)[-1] != np.shape(a)[-2]:
        raise NotImplementedError(
            "the derivative of np.linalg.svd(a, full_matrices=True) is implemented for square "
            "matrices only; pass full_matrices=False")
    return linalg_eye(s)


def qr_mask(a: Any, mode: Any) -> np.ndarray:
    """The strictly lower triangle of ones for ``np.linalg.qr(a, mode)`` (``n x n``); refuses
    what the rule does not cover: fewer rows than columns, modes other than "reduced" (and
    "complete" for square matrices)."""
    m, n = np.shape(a)[-2:]
    if m < n or mode not in ("reduced", "complete") or mode == "complete" and m != n:
        raise NotImplementedError(
            "the derivative of np.linalg.qr is implemented for mode='reduced' and matrices with "
            f"at least as many rows as columns (got mode={mode!r} and shape {np.shape(a)})")
    return np.tril(np.ones((n, n), _float_dtype(a)), -1)


def matrix_power_blocks(a: Any) -> tuple:
    """For the block matrix ``[[A, E], [0, A]]`` built with ``np.kron``: the 2 x 2 identity
    and the 2 x 2 matrix with a one in the upper right corner (shaped for ``a``'s stack and
    in its floating point type), and the index of the upper right block."""
    lead = (1,) * (np.ndim(a) - 2)
    dtype = _float_dtype(a)
    m = np.shape(a)[-1]
    ones = np.eye(2, dtype=dtype).reshape(lead + (2, 2))
    corner = np.array([[0, 1], [0, 0]], dtype=dtype).reshape(lead + (2, 2))
    return ones, corner, (Ellipsis, slice(0, m), slice(m, 2 * m))


def _norm_kind(x: Any, ord: Any, axis: Any, vector: bool) -> tuple[str, Any]:
    """("vector", axis) or ("matrix", (row axis, column axis)), as np.linalg.norm decides
    (``vector``: np.linalg.vector_norm, a vector norm over ``axis``, all axes for None)."""
    ndim = np.ndim(x)
    if vector:
        return "vector", axis
    if axis is None:
        if ord is not None and ndim == 2:
            return "matrix", (0, 1)
        return "vector", None
    if isinstance(axis, (tuple, list)):
        if len(axis) == 2:
            return "matrix", (axis[0] % ndim, axis[1] % ndim)
        return "vector", tuple(axis)
    return "vector", axis


def _vector_norm(mag: np.ndarray, p: Any, axis: Any) -> np.ndarray:
    """The p-norms of the magnitudes ``mag`` over ``axis`` (all axes: None), keeping them."""
    if p == np.inf:
        return np.max(mag, axis=axis, keepdims=True)
    if p == -np.inf:
        return np.min(mag, axis=axis, keepdims=True)
    if p == 2:
        return np.sqrt(np.sum(mag * mag, axis=axis, keepdims=True))
    return np.sum(mag ** p, axis=axis, keepdims=True) ** (1.0 / p)


def _norm_share(hit: np.ndarray, axis: Any) -> np.ndarray:
    return hit / np.sum(hit, axis=axis, keepdims=True)


def norm_gradient(x: Any, ord: Any = None, axis: Any = None, vector: bool = False) -> Any:
    """The gradient of each norm ``np.linalg.norm(x, ord, axis)`` computes (with ``vector``:
    ``np.linalg.vector_norm(x, axis=axis, ord=ord)``), shaped like ``x``; at ties of the max
    and min norms the gradient is shared equally."""
    kind, ax = _norm_kind(x, ord, axis, vector)
    xa = np.asarray(x)
    dtype = _float_dtype(x)
    if kind == "vector":
        p = 2 if ord is None else ord
        mag = np.abs(xa)
        if p == 0:
            out = np.zeros_like(xa, dtype=dtype)
        elif p in (np.inf, -np.inf):
            out = np.sign(xa) * _norm_share(mag == _vector_norm(mag, p, ax), ax).astype(dtype)
        else:
            out = np.sign(xa) * (mag / _vector_norm(mag, p, ax)) ** (p - 1)
    else:
        xm = np.moveaxis(xa, ax, (-2, -1))
        if ord in (None, "fro"):
            out = xm / np.sqrt(np.sum(xm * xm, axis=(-2, -1), keepdims=True))
        elif ord == "nuc":
            u, _, vh = np.linalg.svd(xm, full_matrices=False)
            out = u @ vh
        elif ord in (2, -2):
            u, _, vh = np.linalg.svd(xm, full_matrices=False)
            k = 0 if ord == 2 else -1
            out = u[..., :, k, None] * vh[..., k, None, :]
        else:  # 1, -1: the columns' sums (over the rows); inf, -inf: the rows' sums
            over, pick = (-2, -1) if ord in (1, -1) else (-1, -2)
            sums = np.sum(np.abs(xm), axis=over, keepdims=True)
            ext = (np.max if ord > 0 else np.min)(sums, axis=pick, keepdims=True)
            out = np.sign(xm) * _norm_share(sums == ext, pick).astype(dtype)
        out = np.moveaxis(out, (-2, -1), ax)
    out = np.asarray(out, dtype=dtype)
    return float(out) if isinstance(x, float) else out


def _svd_jvp(u: np.ndarray, s: np.ndarray, vh: np.ndarray, da: np.ndarray) -> tuple:
    """The tangents of the reduced SVD ``u, s, vh`` of a matrix along ``da``."""
    eye = np.eye(s.shape[-1], dtype=s.dtype)
    f = (1 - eye) / (s[..., None, :] ** 2 - s[..., :, None] ** 2 + eye)
    v = _linalg_swap(vh)
    dp = _linalg_swap(u) @ da @ v
    dpt = _linalg_swap(dp)
    du = (u @ (f * (dp * s[..., None, :] + s[..., :, None] * dpt))
          + (da @ v - u @ dp) / s[..., None, :])
    dv = (v @ (f * (s[..., :, None] * dp + dpt * s[..., None, :]))
          + (_linalg_swap(da) @ u - v @ dpt) / s[..., None, :])
    return du, np.einsum("...ii->...i", dp), _linalg_swap(dv)


def norm_hessian(t: Any, x: Any, ord: Any = None, axis: Any = None, vector: bool = False) -> Any:
    """The derivative of :func:`norm_gradient` at ``x`` along ``t`` (the Hessian of the norms
    applied to ``t``: linear in ``t`` and symmetric)."""
    kind, ax = _norm_kind(x, ord, axis, vector)
    xa, ta = np.asarray(x), np.asarray(t)
    dtype = _float_dtype(x)
    if kind == "vector":
        p = 2 if ord is None else ord
        if p in (0, 1, np.inf, -np.inf):
            out = np.zeros_like(xa, dtype=dtype)
        else:
            mag = np.abs(xa)
            n = _vector_norm(mag, p, ax)
            g = np.sign(xa) * (mag / n) ** (p - 1)
            out = (p - 1) * ((mag / n) ** (p - 2) * ta - g * np.sum(g * ta, axis=ax,
                                                                     keepdims=True)) / n
    else:
        xm, tm = np.moveaxis(xa, ax, (-2, -1)), np.moveaxis(ta, ax, (-2, -1))
        if ord in (None, "fro"):
            n = np.sqrt(np.sum(xm * xm, axis=(-2, -1), keepdims=True))
            g = xm / n
            out = (tm - g * np.sum(g * tm, axis=(-2, -1), keepdims=True)) / n
        elif ord in ("nuc", 2, -2):
            u, s, vh = np.linalg.svd(xm, full_matrices=False)
            du, _, dvh = _svd_jvp(u, s, vh, tm)
            if ord == "nuc":
                out = du @ vh + u @ dvh
            else:
                k = 0 if ord == 2 else -1
                out = (du[..., :, k, None] * vh[..., k, None, :]
                       + u[..., :, k, None] * dvh[..., k, None, :])
        else:
            out = np.zeros_like(xm, dtype=dtype)
        out = np.moveaxis(out, (-2, -1), ax)
    out = np.asarray(out, dtype=dtype)
    return float(out) if isinstance(x, float) and isinstance(t, float) else out


def vecdot_axis(axis: Any, axes: Any) -> Any:
    """The axis ``np.vecdot`` sums over (its ``axes`` form is not supported)."""
    if axes is not None:
        raise NotImplementedError("the derivative of np.vecdot takes axis=, not axes=")
    return -1 if axis is None else axis
