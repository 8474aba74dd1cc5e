"""What numba compiles in place of the Python-only parts of a generated version (imported
only by ``compiled.py``, when ``backend="numba"`` first compiles, so numba stays optional).

Each definition is a numba ``@overload`` of the Python function the version already calls
(``reversed`` and the runtime helpers a version by shape keeps: ``split_like``, ``unindex``,
``zeros_like``), so the compiled function is the version's own source: numba uses these
where it compiles, Python runs the helpers themselves.  Each covers the forms numba can type
(tuples of arrays, basic indices, a 1-D integer index array); any other form leaves numba's
typing error, which ``compiled.py`` reports as a :class:`~tangentlike.errors.CompiledBackendError`.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numba import types
from numba.extending import overload
from numba.np.numpy_support import as_dtype

from tangentlike import runtime
from tangentlike.runtime import shapes


@overload(reversed)
def _reversed(r):  # numba compares its parameters with impl's: no annotations
    """``reversed(range(...))``, the backward sweep's loops: the same range run backwards."""
    if isinstance(r, types.RangeType):
        def impl(r):
            n = len(r)
            return range(r.start + (n - 1) * r.step, r.start - r.step, -r.step)
        return impl
    return None


def _zeros_dtype(*kinds: Any) -> np.dtype:
    """NumPy's ``result_type`` of numba types, with float64's floor: an array by its dtype, a
    number as Python's weak one (a float64 number beside a float32 array stays float32, as
    the Python helpers compute)."""
    values = [as_dtype(k.dtype) if isinstance(k, types.Array)
              else 0.0 if isinstance(k, types.Float) else 0 for k in kinds]
    return np.result_type(*values, 0.0)


@overload(runtime.zeros_like)
def _zeros_like(x):
    """A zero derivative: 0.0 for a number, zeros for an array (floating point)."""
    if isinstance(x, types.Array):
        dtype = _zeros_dtype(x) if x.dtype not in types.complex_domain else as_dtype(x.dtype)

        def impl(x):
            return np.zeros(x.shape, dtype)
        return impl
    if isinstance(x, (types.Float, types.Integer, types.Boolean)):
        return lambda x: 0.0
    return None


@overload(runtime.seed)
def _seed(init_grad, y, name="init_grad"):
    """The output seed, checked against the output: a number for a number, an array of the
    output's shape for an array (else a ValueError, as in Python)."""
    number = (types.Float, types.Integer)
    if isinstance(init_grad, types.Float) and isinstance(y, number):
        return lambda init_grad, y, name="init_grad": init_grad
    if isinstance(init_grad, types.Array) and isinstance(y, types.Array) \
            and init_grad.ndim == y.ndim:
        def impl(init_grad, y, name="init_grad"):
            if init_grad.shape != y.shape:
                raise ValueError("the seed's shape differs from the output's")
            return init_grad
        return impl
    return None


def _real(t) -> bool:
    return isinstance(t.dtype if isinstance(t, types.Array) else t,
                      (types.Float, types.Integer, types.Boolean))


@overload(runtime.unbroadcast)
def _unbroadcast(g, x):
    """``g`` summed to the shape of ``x`` (real values): a number's is the sum; an array's
    of the same rank (1 or 2) sums the axes where ``x`` has length 1 and ``g`` not."""
    if not (_real(g) and _real(x)):
        return None
    if not isinstance(x, types.Array):
        if isinstance(g, types.Array):
            return lambda g, x: g.sum()
        return lambda g, x: g
    if not isinstance(g, types.Array) or g.ndim != x.ndim or g.ndim > 2:
        return None
    if g.ndim == 1:
        def impl1(g, x):
            if x.shape[0] == 1 and g.shape[0] != 1:
                return np.full(1, g.sum())
            return g
        return impl1

    def impl2(g, x):
        rows = x.shape[0] == 1 and g.shape[0] != 1
        cols = x.shape[1] == 1 and g.shape[1] != 1
        if rows and cols:
            return np.full((1, 1), g.sum())
        if rows:
            return g.sum(axis=0).reshape((1, g.shape[1]))
        if cols:
            return g.sum(axis=1).reshape((g.shape[0], 1))
        return g
    return impl2


@overload(runtime.unreduce)
def _unreduce(g, x, axis=None, keepdims=False):
    """The derivative of ``np.sum(x)`` (all of it: ``axis=None``) spread over ``x``."""
    if not (axis is None or isinstance(axis, (types.Omitted, types.NoneType))) or not _real(g):
        return None
    if isinstance(x, types.Array) and _real(x):
        dtype = _zeros_dtype(g, x)

        def impl(g, x, axis=None, keepdims=False):
            return np.full(x.shape, g, dtype)
        return impl
    return None


def _basic(index: Any) -> bool:
    """A basic index numba can assign through: an integer, a slice, a tuple of them."""
    if isinstance(index, types.BaseTuple):
        return all(_basic(i) for i in index.types)
    return isinstance(index, (types.Integer, types.SliceType))


@overload(runtime.unindex)
def _unindex(g, x, index):
    """``x[index]``'s derivative ``g`` spread over zeros shaped like the array ``x``."""
    if not isinstance(x, types.Array):
        return None
    dtype = _zeros_dtype(g, x)
    if _basic(index):
        def impl(g, x, index):
            out = np.zeros(x.shape, dtype)
            out[index] = g
            return out
        return impl
    if isinstance(index, types.Array) and index.ndim == 1 and isinstance(
            index.dtype, types.Integer):
        def scatter(g, x, index):  # a repeated index adds up
            out = np.zeros(x.shape, dtype)
            for j in range(index.shape[0]):
                out[index[j]] += g[j]
            return out
        return scatter
    return None


@overload(shapes.split_like)
def _split_like(g, arrays, axis=0):
    """``np.concatenate``'s adjoint along a constant axis, and ``np.stack``'s along axis 0:
    one piece of ``g`` per array of the tuple ``arrays``, shaped like it."""
    if not isinstance(arrays, types.BaseTuple) or not isinstance(g, types.Array):
        return None
    if isinstance(axis, types.IntegerLiteral):
        axis = axis.literal_value
    elif isinstance(axis, types.Omitted):
        axis = axis.value
    if not isinstance(axis, int) or not -g.ndim <= axis < g.ndim:
        return None
    axis %= g.ndim
    kinds = arrays.types
    if not all(isinstance(a, types.Array) for a in kinds):
        return None
    lead = ":, " * axis
    lines = ["def impl(g, arrays, axis=0):", "    start = 0"]
    pieces = []
    for i, a in enumerate(kinds):
        if a.ndim == g.ndim:  # np.concatenate: as many rows (along axis) as the array
            lines.append(f"    stop{i} = start + arrays[{i}].shape[{axis}]")
            lines.append(f"    piece{i} = g[{lead}start:stop{i}]")
        elif a.ndim == g.ndim - 1 and axis == 0:  # np.stack: one row, the array's shape
            lines.append(f"    stop{i} = start + 1")
            lines.append(f"    piece{i} = np.ascontiguousarray(g[start]).reshape("
                         f"arrays[{i}].shape)")
        else:
            return None
        lines.append(f"    start = stop{i}")
        pieces.append(f"piece{i}")
    lines.append(f"    return ({', '.join(pieces)}{',' if len(pieces) == 1 else ''})")
    namespace: dict[str, Any] = {"np": np}
    exec("\n".join(lines), namespace)  # noqa: S102  (the implementation for this tuple)
    return namespace["impl"]


@overload(np.may_share_memory)
def _may_share_memory(a, b):
    """Whether two 1-D arrays' memory extents overlap (what a fused loop's guard asks,
    ``numba_fusion.py``): by their first and last elements' addresses, as NumPy's bound."""
    if isinstance(a, types.Array) and isinstance(b, types.Array) and a.ndim == 1 \
            and b.ndim == 1:
        def impl(a, b):
            if a.shape[0] == 0 or b.shape[0] == 0:
                return False
            a0 = a.ctypes.data
            a1 = a0 + (a.shape[0] - 1) * a.strides[0]
            b0 = b.ctypes.data
            b1 = b0 + (b.shape[0] - 1) * b.strides[0]
            return max(min(a0, a1), min(b0, b1)) < \
                min(max(a0, a1) + a.itemsize, max(b0, b1) + b.itemsize)
        return impl
    return None
