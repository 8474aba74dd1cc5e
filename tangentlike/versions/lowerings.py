"""What each runtime helper's call is once its arguments' shapes are known: the lowerings
the records' ``on_shapes`` name (``rules.primitive.ShapeLowering``), written as NumPy
(``unbroadcast(g, x)`` one ``np.sum``, ``matmul_adjoint_a(g, a, b)`` ``g @ b.T``).  Each
takes the call's arguments, the ``(type, shape, dtype)`` recorded for each, and the
module's name for NumPy, and returns the expression or None (the call stays)."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.rules.primitive import ShapeLowering, primitive


def np_call(numpy: str, attr: str, args: list, **keywords: Any) -> gast.Call:
    """``np.attr(*args, **keywords)``, with ``numpy`` the module's name for NumPy."""
    func = gast.Attribute(value=syntax.load(numpy), attr=attr, ctx=gast.Load())
    return syntax.call(func, args, [gast.keyword(arg=k, value=v) for k, v in keywords.items()])

def dtype_of(numpy: str, dtype: Any) -> gast.expr | None:
    """``np.float32`` for ``dtype`` float32 (the scalar type NumPy names it by), or None
    when NumPy has no attribute of that name for it."""
    name = np.dtype(dtype).name
    if getattr(np, name, None) is not np.dtype(dtype).type:
        return None
    return gast.Attribute(value=syntax.load(numpy), attr=name, ctx=gast.Load())


def _real(seen: tuple) -> bool:
    kind, _, dtype = seen
    return kind is not complex and (dtype is None or dtype.kind != "c")


def _summed(numpy: str, g: gast.expr, gs: tuple, xs: tuple) -> gast.expr | None:
    """``unbroadcast(g, x)`` for these recorded shapes, or None when it stays a call."""
    if not (_real(gs) and _real(xs)):
        return None
    shape, target = gs[1], xs[1]
    if shape == target:
        return g
    if not target and (xs[0] is float or issubclass(xs[0], np.floating)):
        return np_call(numpy, "sum", [g])
    if not target or len(target) > len(shape) or xs[0] is not np.ndarray:
        return None
    extra = len(shape) - len(target)
    axes = list(range(extra)) + [extra + i for i, n in enumerate(target)
                                 if n == 1 and shape[extra + i] != 1]
    if any(n != 1 and shape[extra + i] != n for i, n in enumerate(target)):
        return None
    axis = syntax.const(axes[0] if len(axes) == 1 else tuple(axes))
    if extra == 0:
        return np_call(numpy, "sum", [g], axis=axis, keepdims=syntax.const(True))
    total = np_call(numpy, "sum", [g], axis=axis)
    if len(axes) == extra:
        return total
    return syntax.call(gast.Attribute(value=total, attr="reshape", ctx=gast.Load()),
                       [syntax.const(target)])

def replacement(call: gast.Call, func: Any, seen: list[tuple | None], numpy: str,
                 ) -> gast.expr | None:
    """What the call does for the recorded argument shapes, as its record's ``on_shapes``
    says (None: it stays)."""
    lowering = primitive(func).on_shapes if func is not None else None
    if lowering is None or call.keywords:
        return None
    write, counts, shaped = _LOWERINGS[lowering]
    if len(call.args) not in counts or None in seen[:shaped]:
        return None
    return write(func, call.args, seen, numpy)


def _seed(func: Any, args: list, seen: list, numpy: str) -> gast.expr | None:
    """``seed(g, y)`` (or ``seed(g, y, name)``): ``g`` when it has ``y``'s shape and needs
    no cast to ``y``'s dtype; ``np.float32(g)`` for a float ``g`` and a float32 number ``y``
    (the cast ``seed`` makes, so that the derivative computes in ``y``'s precision)."""
    (gk, gshape, _), (yk, yshape, ydtype) = seen[:2]
    if gshape != yshape or yk is tuple:
        return None
    if not (gk is float and ydtype is not None and ydtype != np.float64):
        return args[0]
    cast = dtype_of(numpy, ydtype) if yshape == () and ydtype.kind == "f" else None
    return None if cast is None else syntax.call(cast, [args[0]])


def _add(func: Any, args: list, seen: list, numpy: str) -> gast.expr | None:
    if seen[0] == seen[1] and seen[0][0] in (np.ndarray, float):
        return gast.BinOp(left=args[0], op=gast.Add(), right=args[1])
    return None


def _zeros(func: Any, args: list, seen: list, numpy: str) -> gast.expr | None:
    """``zeros_like(x)`` for an array or NumPy number ``x``: zeros of its shape, in its
    dtype when that is a floating or complex one (float64 for integers and booleans)."""
    kind, shape, dtype = seen[0]
    if kind is np.ndarray:
        return zeros_of(numpy, shape, dtype)
    if issubclass(kind, (np.floating, np.complexfloating)) and shape == ():
        cast = dtype_of(numpy, dtype)
        return None if cast is None else syntax.call(cast, [syntax.const(0)])
    return None


def zeros_of(numpy: str, shape: tuple, dtype: Any) -> gast.expr | None:
    """``np.zeros(shape)`` for float64 (and what ``zeros_like`` makes for integers and
    booleans), ``np.zeros(shape, np.float32)`` for float32 and the other floating and
    complex dtypes; None for one NumPy has no name for."""
    if dtype == np.float64 or np.dtype(dtype).kind not in "fc":
        return np_call(numpy, "zeros", [syntax.const(shape)])
    cast = dtype_of(numpy, dtype) if np.dtype(dtype).kind in "fc" else None
    return None if cast is None else np_call(numpy, "zeros", [syntax.const(shape), cast])


def _shape_fact(func: Any, args: list, seen: list, numpy: str) -> gast.expr | None:
    shape = seen[0][1]
    facts = {np.size: math.prod(shape), np.shape: shape, np.ndim: len(shape)}
    return syntax.const(facts[func]) if func in facts else None


def _first_if(same: Callable[[tuple, tuple], bool]) -> Callable[..., gast.expr | None]:
    """A lowering to the first argument when ``same(seen_first, seen_second)``."""
    return lambda func, args, seen, numpy: args[0] if same(seen[0], seen[1]) else None


Lowered = Callable[[Any, list, list, str], gast.expr | None]
# For each lowering: how to write it, the argument counts it accepts, and how many leading
# arguments must have one recorded shape (None: all of them).
_LOWERINGS: dict[ShapeLowering, tuple[Lowered, tuple[int, ...], int | None]] = {
    ShapeLowering.SUM_TO: (lambda f, args, seen, numpy: _summed(numpy, args[0], *seen),
                           (2,), None),
    ShapeLowering.FIRST_IF_SAME_SHAPE: (_first_if(lambda a, b: a[1] == b[1]), (2,), None),
    # the sum already has the array's dtype, or re-binds a number
    ShapeLowering.FIRST_IF_SAME_DTYPE: (
        _first_if(lambda a, b: b[0] is not np.ndarray or a[2] == b[2]), (2,), None),
    ShapeLowering.SEED: (_seed, (2, 3), 2),  # the third argument is the seed's name
    ShapeLowering.MATMUL_ADJOINT_A: (lambda f, args, seen, numpy: _matmul_adjoint(
        True, args, seen), (3,), None),
    ShapeLowering.MATMUL_ADJOINT_B: (lambda f, args, seen, numpy: _matmul_adjoint(
        False, args, seen), (3,), None),
    ShapeLowering.ADD: (_add, (2,), None),
    ShapeLowering.SPREAD: (lambda f, args, seen, numpy: _spread(numpy, args, seen),
                           (2, 3, 4), None),
    ShapeLowering.ZEROS: (_zeros, (1,), None),
    ShapeLowering.SHAPE_FACT: (_shape_fact, (1,), None),
}

def restored(numpy: str, args: list, seen: list[tuple]) -> gast.expr | None:
    """For ``unreduce(g, x, axis, keepdims)``: ``g`` with the reduced axes back as length-1
    axes (``g`` itself for a full reduction), so that it broadcasts against ``x``."""
    (gk, gshape, gdtype), (xk, shape, dtype) = seen[:2]
    if not (xk is np.ndarray and shape and dtype.kind == "f"
            and (gk is float or gdtype == dtype)):
        return None
    if len(args) == 2:
        return args[0] if gshape == () else None
    if gk is float and dtype != np.float64 and not (
            isinstance(args[3] if len(args) == 4 else None, gast.Constant) and args[3].value):
        return None  # np.expand_dims of a Python float is a float64 array
    axis, keepdims = args[2], args[3] if len(args) == 4 else syntax.const(False)
    if not (isinstance(axis, gast.Constant) and isinstance(keepdims, gast.Constant)):
        return None
    axes = (axis.value,) if isinstance(axis.value, int) else axis.value
    if not isinstance(axes, tuple) or not all(isinstance(a, int) for a in axes):
        return None
    if keepdims.value:
        return args[0]
    axes = tuple(sorted(a % len(shape) for a in axes))
    if len(gshape) + len(axes) != len(shape):
        return None
    return np_call(numpy, "expand_dims", [args[0], syntax.const(
        axes[0] if len(axes) == 1 else axes)])


def _spread(numpy: str, args: list, seen: list[tuple]) -> gast.expr | None:
    """``unreduce(g, x, axis, keepdims)``: ``g`` repeated along the reduced axes."""
    g = restored(numpy, args, seen)
    if g is None:
        return None
    shape = syntax.const(seen[1][1])
    dtype = seen[1][2]
    if seen[0][0] is float and dtype != np.float64:  # a Python float: x's dtype
        cast = dtype_of(numpy, dtype)
        return None if cast is None or g is not args[0] else np_call(
            numpy, "full", [shape, g, cast])
    if g is args[0] and len(args) == 2:
        return np_call(numpy, "full", [shape, g])
    spread = np_call(numpy, "broadcast_to", [g, shape])
    return syntax.call(gast.Attribute(value=spread, attr="copy", ctx=gast.Load()))


def _matmul_adjoint(of_a: bool, args: list, seen: list[tuple]) -> gast.expr | None:
    """``g @ b.T`` or ``a.T @ g`` for two real matrices."""
    (gk, gshape, _), (ak, ashape, _), (bk, bshape, _) = seen
    if not (gk is ak is bk is np.ndarray and len(gshape) == len(ashape) == len(bshape) == 2
            and all(_real(s) for s in seen)):
        return None
    if gshape != (ashape[0], bshape[1]) or ashape[1] != bshape[0]:
        return None
    g, a, b = args

    def t(x: gast.expr) -> gast.expr:
        return gast.Attribute(value=x, attr="T", ctx=gast.Load())

    if of_a:
        return gast.BinOp(left=g, op=gast.MatMult(), right=t(b))
    return gast.BinOp(left=t(a), op=gast.MatMult(), right=g)
