"""Versions of a generated derivative for the argument shapes it is called with.

A generated derivative calls small runtime helpers wherever NumPy broadcasting could have
changed a shape: ``unbroadcast(g, x)`` sums ``g`` down to the shape of ``x``, ``seed`` checks
the output seed, ``matmul_adjoint_a(g, a, b)`` handles every rank of a matrix product.  Once
the shapes are known, each of them is either the identity, one ``np.sum``, or one matrix
product, and the values the backward sweep read only for their shapes (a loss value, a
pushed temporary) are dead.

:class:`ShapeSpecializer` wraps a generated derivative.  Each call's *signature* is the type,
shape and dtype of every argument (the value of integer arguments; the structure of tuples,
lists and dicts).  The first call with a signature runs the generic derivative.  The second
runs an instrumented copy of it that records the type, shape and dtype of every call argument,
index, operand and assigned value, and then writes a version of the derivative for that
signature: the helper calls replaced by what they do for the recorded shapes, ``np.size(t)``
of an intermediate by its value, the terms that cancel exactly dropped (``cancel.py``), and
the result optimized again (which removes what is now dead).  Later calls with
that signature run the new version.  ``TANGENTLIKE_SPECIALIZE=off`` turns this off, ``=first``
writes the version at the first call (the test suite uses it to check every rewrite).

The rewrite is valid for every call with the signature only if every shape in the function
is decided by the signature.  A version is written only when that holds by construction:
every ``if`` and ``while`` test and every ``range`` bound depends on the arguments only
through shapes (``x.shape[0]``, ``len(xs)``) and constants, no integer that depends on values
(``np.argmax(x)``) and no boolean mask reaches a call or an index, and every function called
is one whose result shape follows from its arguments' shapes (ufuncs, the registered NumPy
functions but those like ``np.nonzero``, and the runtime helpers); otherwise the signature
keeps the generic derivative.
"""
from __future__ import annotations

import functools
import math
import os
import threading
import types
import warnings
from collections.abc import Callable, Hashable
from typing import Any

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.backend import cache, emit
from tangentlike.core import anno, dataflow, syntax
from tangentlike.core.resolve import resolve_in
from tangentlike.optimizer.optimize import optimize
from tangentlike.rules import registry
from tangentlike.versions.cancel import cancel, recorded
from tangentlike.versions.inplace import accumulate_in_place

ENV = "TANGENTLIKE_SPECIALIZE"
MAX_VERSIONS = 8  # signatures per derivative; beyond them, calls run the generic version
OBSERVE = "_tangentlike_observe"

# Functions whose result's shape depends on their arguments' values.
_VALUE_SHAPED = {np.nonzero, np.argwhere, np.flatnonzero, np.repeat, np.unique, np.extract,
                 np.compress, np.trim_zeros, np.bincount, np.delete, np.insert, np.resize,
                 np.arange, np.linspace, np.split, np.array_split, np.hsplit, np.vsplit,
                 np.dsplit, np.histogram, np.setdiff1d, np.intersect1d, np.union1d,
                 np.setxor1d, np.ravel_multi_index, np.unravel_index, np.digitize,
                 np.searchsorted, np.lexsort, np.argsort, np.argpartition}
_VALUE_SHAPED_METHODS = {"nonzero", "repeat", "compress", "resize", "searchsorted",
                         "argsort", "argpartition"}
_SHAPE_FUNCTIONS = {len, np.shape, np.ndim, np.size}
_STATIC_BUILTINS = {len, range, reversed, tuple, int, float, min, max, abs, bool}
_SHAPE_ATTRIBUTES = {"shape", "ndim", "size", "dtype"}
_ALLOWED_BUILTINS = {len, range, reversed, tuple, list, dict, zip, enumerate, float, int,
                     abs, min, max, sum, bool, isinstance, type, print, round, slice}


# -- signatures ---------------------------------------------------------------------------
def _kind(value: Any) -> Hashable:
    """What of ``value`` a specialized version depends on."""
    kind = type(value)
    if kind is np.ndarray:
        return value.shape, value.dtype
    if kind is float or value is None:
        return kind
    if kind is int or kind is bool or kind is str:
        return kind, value
    if isinstance(value, np.generic):
        return kind, value.dtype
    if kind is tuple or kind is list:
        return kind, tuple(_kind(v) for v in value)
    if kind is dict:
        return kind, tuple((k, _kind(v)) for k, v in value.items())
    if kind is complex:
        return kind
    raise TypeError  # anything else: no specialization


def signature(args: tuple, kwargs: dict) -> Hashable | None:
    """The key of the version for these arguments, or None for the generic version (the
    order of the keywords is part of it: the same call written twice has the same key)."""
    try:
        key = tuple(map(_kind, args))
        if kwargs:
            key += tuple(zip(kwargs, map(_kind, kwargs.values())))
    except TypeError:
        return None
    return key


# -- what the instrumented run records ----------------------------------------------------
def _describe(value: Any) -> tuple:
    """(type, shape, dtype) of a value; shape None when it has none (a list, an object)."""
    kind = type(value)
    if kind is np.ndarray or isinstance(value, np.generic):
        return kind, value.shape, value.dtype
    if kind in (float, int, bool, complex) or value is None:
        return kind, (), None
    if kind in (tuple, list):
        return kind, None, any(_is_integer(v) for v in value)
    return kind, None, None


def _is_integer(value: Any) -> bool:
    """An integer or boolean scalar, or a boolean array: what can decide a shape by its value."""
    if isinstance(value, (int, np.integer, np.bool_)):
        return True
    return isinstance(value, np.ndarray) and (value.dtype.kind == "b" or (
        value.ndim == 0 and value.dtype.kind in "iu"))


def _decides_shape(seen: tuple) -> bool:
    kind, shape, dtype = seen
    if kind in (tuple, list):
        return bool(dtype)
    if issubclass(kind, (int, np.integer, np.bool_)):
        return True
    return kind is np.ndarray and (dtype.kind == "b" or (shape == () and dtype.kind in "iu"))


def _slots(fn: gast.FunctionDef) -> list[tuple[gast.AST, str, int | None]]:
    """Every call argument, index, operand and assigned value of ``fn``, in a fixed order:
    (parent, field, position)."""
    slots = []
    for node in gast.walk(fn):
        if isinstance(node, gast.Call):
            slots += [(node, "args", i) for i in range(len(node.args))]
            slots += [(k, "value", None) for k in node.keywords]
        elif isinstance(node, gast.Subscript):
            slots.append((node, "slice", None))
        elif isinstance(node, gast.BinOp):
            slots += [(node, "left", None), (node, "right", None)]
        elif isinstance(node, gast.Assign):
            slots.append((node, "value", None))
    return slots


def _get(slot: tuple) -> gast.AST:
    parent, field, position = slot
    value = getattr(parent, field)
    return value if position is None else value[position]


def _set(slot: tuple, new: gast.AST) -> None:
    parent, field, position = slot
    if position is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[position] = new


def _instrumented(fn: gast.FunctionDef) -> gast.FunctionDef:
    """A copy of ``fn`` that passes every argument and index through ``OBSERVE(k, value)``."""
    copy = syntax.clone(fn)
    for k, slot in enumerate(_slots(copy)):
        node = _get(slot)
        if isinstance(node, gast.Tuple) and isinstance(slot[0], gast.Subscript):
            node.elts = [_observed(k, e) for e in node.elts]  # x[i, a:b]: i, a and b
        else:
            _set(slot, _observed(k, node))
    copy.name = f"{fn.name}_observed"
    return copy


def _observed(k: int, node: gast.expr) -> gast.expr:
    """``OBSERVE(k, node)``; for a slice ``a:b``, the slice of ``OBSERVE(k, a)`` and so on."""
    if isinstance(node, gast.Slice):
        for part in ("lower", "upper", "step"):
            bound = getattr(node, part)
            if bound is not None:
                setattr(node, part, syntax.call(OBSERVE, [syntax.const(k), bound]))
        return node
    if isinstance(node, gast.Starred):
        return node
    return syntax.call(OBSERVE, [syntax.const(k), node])


# -- whether shapes follow from the signature ---------------------------------------------
class _Static:
    """The names of a function whose values follow from the signature alone (shapes,
    lengths, constants, integer arguments), as the greatest fixed point over assignments."""

    def __init__(self, fn: gast.FunctionDef, static_params: set[str], scope: dict):
        self.scope = scope
        params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        self.local = syntax.stored_names(fn) | params
        self.names = (syntax.stored_names(fn) - params) | static_params
        while True:
            before = set(self.names)
            for node in gast.walk(fn):
                if isinstance(node, (gast.Assign, gast.AugAssign)):
                    targets = node.targets if isinstance(node, gast.Assign) else [node.target]
                    if not self.of(node.value):
                        for target in targets:
                            self.names -= syntax.stored_names(target)
                elif isinstance(node, gast.For):
                    if not self.counts(node.iter):
                        self.names -= syntax.stored_names(node.target)
                elif isinstance(node, (gast.With, gast.AnnAssign)):
                    self.names -= syntax.stored_names(node)
            if self.names == before:
                return

    def resolve(self, func: gast.expr) -> Any:
        return resolve_in(func, (self.scope,), self.local)

    def of(self, node: gast.AST | None) -> bool:
        """Whether the expression's value follows from the signature."""
        if node is None or isinstance(node, gast.Constant):
            return True
        if isinstance(node, gast.Name):
            return node.id in self.names or (
                node.id not in self.local and isinstance(self.resolve(node), types.ModuleType))
        if isinstance(node, gast.Attribute):
            return node.attr in _SHAPE_ATTRIBUTES or self.of(node.value)
        if isinstance(node, gast.Call):
            func = self.resolve(node.func)
            if func in _SHAPE_FUNCTIONS:
                return True  # len(xs), np.shape(x): shapes
            return func in _STATIC_BUILTINS and not node.keywords and all(
                self.of(a) for a in node.args)
        if isinstance(node, (gast.Subscript, gast.Tuple, gast.List, gast.BinOp, gast.UnaryOp,
                             gast.Compare, gast.BoolOp, gast.IfExp, gast.Slice)):
            return all(self.of(c) for c in gast.iter_child_nodes(node)
                       if isinstance(c, gast.expr))
        return False

    def counts(self, node: gast.expr) -> bool:
        """``range(...)`` (or reversed) with bounds that follow from the signature."""
        if isinstance(node, gast.Call) and self.resolve(node.func) is reversed and node.args:
            node = node.args[0]
        return (isinstance(node, gast.Call) and self.resolve(node.func) is range
                and all(self.of(a) for a in node.args))


def _shape_follows(fn: gast.FunctionDef, static: _Static, seen: dict[int, set]) -> str | None:
    """None when every shape in ``fn`` follows from the signature; else why not."""
    for node in gast.walk(fn):
        if isinstance(node, (gast.If, gast.While)) and not static.of(node.test):
            return f"a test depends on values (line {getattr(node, 'lineno', '?')})"
        if isinstance(node, gast.For) and isinstance(node.iter, gast.Call) and \
                static.resolve(node.iter.func) in (range, reversed) and \
                not static.counts(node.iter):
            return "a range bound depends on values"
        if isinstance(node, gast.Call) and not _shape_determined(node, static):
            return f"{syntax.dotted_name(node.func) or 'a call'} may shape its result by value"
    for k, slot in enumerate(_slots(fn)):
        if not isinstance(slot[0], (gast.Call, gast.keyword, gast.Subscript)):
            continue  # an operand or an assigned value: arithmetic keeps shapes
        node = _get(slot)
        parts = []
        for part in node.elts if isinstance(node, gast.Tuple) else [node]:
            parts += [getattr(part, p) for p in ("lower", "upper", "step")] \
                if isinstance(part, gast.Slice) else [part]
        if any(not static.of(p) for p in parts if p is not None) and any(
                _decides_shape(s) for s in seen.get(k, ())):
            return "an integer or a mask computed from values decides a shape"
    return None


def _shape_determined(call: gast.Call, static: _Static) -> bool:
    func = static.resolve(call.func)
    if func is None:  # a method of a value: x.sum(), xs.append(v)
        if not isinstance(call.func, gast.Attribute):
            return False
        return call.func.attr not in _VALUE_SHAPED_METHODS
    if func in _VALUE_SHAPED or (func is np.where and len(call.args) == 1):
        return all(static.of(a) for a in call.args) and not call.keywords
    if isinstance(func, np.ufunc) or func in _ALLOWED_BUILTINS:
        return True
    if (getattr(func, "__module__", None) or "").startswith("tangentlike.runtime") \
            or registry.is_math(func) or func is math.prod:
        return True
    return registry.is_primitive(func)


# -- the rewrites -------------------------------------------------------------------------
def _record(fn: gast.FunctionDef, seen: dict[int, set]) -> None:
    """Annotate each argument, operand, index and assigned value of ``fn`` with what was
    recorded for it (``anno`` field ``seen``: it stays with the expression when the optimizer
    copies or moves it)."""
    for k, slot in enumerate(_slots(fn)):
        anno.info(_get(slot)).seen = frozenset(seen.get(k, ()))


def _same_value(new: gast.expr, old: gast.expr) -> gast.expr:
    """``new``, which computes what ``old`` did, with what was recorded for ``old``."""
    if anno.has_info(old):
        anno.info(new).seen = anno.info(old).seen
    return new


def _one(node: gast.AST) -> tuple | None:
    """The one (type, shape, dtype) recorded for an expression that has a shape, or None."""
    only = recorded(node)
    return only if only is not None and only[1] is not None else None


def _np_call(numpy: str, attr: str, args: list, **keywords: Any) -> gast.Call:
    """``np.attr(*args, **keywords)``, with ``numpy`` the module's name for NumPy."""
    func = gast.Attribute(value=syntax.load(numpy), attr=attr, ctx=gast.Load())
    return syntax.call(func, args, [gast.keyword(arg=k, value=v) for k, v in keywords.items()])


def numpy_name(scope: dict) -> str:
    """The name NumPy has in the generated module (``np`` unless the user chose another);
    ``np`` is added to ``scope`` when it has none."""
    if scope.get("np") is np:
        return "np"
    for name, value in scope.items():
        if value is np and name.isidentifier():
            return name
    name = "np" if "np" not in scope else "numpy_"
    scope[name] = np
    return name


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
        return _np_call(numpy, "sum", [g])
    if not target or len(target) > len(shape) or xs[0] is not np.ndarray:
        return None
    extra = len(shape) - len(target)
    axes = list(range(extra)) + [extra + i for i, n in enumerate(target)
                                 if n == 1 and shape[extra + i] != 1]
    if any(n != 1 and shape[extra + i] != n for i, n in enumerate(target)):
        return None
    axis = syntax.const(axes[0] if len(axes) == 1 else tuple(axes))
    if extra == 0:
        return _np_call(numpy, "sum", [g], axis=axis, keepdims=syntax.const(True))
    total = _np_call(numpy, "sum", [g], axis=axis)
    if len(axes) == extra:
        return total
    return syntax.call(gast.Attribute(value=total, attr="reshape", ctx=gast.Load()),
                       [syntax.const(target)])


def _replacement(call: gast.Call, func: Any, seen: list[tuple | None], numpy: str,
                 ) -> gast.expr | None:
    """What the helper call does for the recorded argument shapes (None: it stays)."""
    args = call.args
    if call.keywords or None in seen:
        return None
    if func is runtime.unbroadcast and len(args) == 2:
        return _summed(numpy, args[0], *seen)
    if func is runtime.broadcast_like and len(args) == 2 and seen[0][1] == seen[1][1]:
        return args[0]
    if func is runtime.keep_dtype and len(args) == 2 and (
            seen[1][0] is not np.ndarray or seen[0][2] == seen[1][2]):
        return args[0]  # the sum already has the array's dtype, or re-binds a number
    if func is runtime.seed and len(args) == 2:
        (gk, gshape, _), (yk, yshape, ydtype) = seen
        cast = gk is float and ydtype is not None and ydtype != np.float64
        if gshape == yshape and yk is not tuple and not cast:
            return args[0]
    if func in (runtime.matmul_adjoint_a, runtime.matmul_adjoint_b) and len(args) == 3:
        return _matmul_adjoint(func, args, seen)
    if func is runtime.add_grad and len(args) == 2 and seen[0] == seen[1] \
            and seen[0][0] in (np.ndarray, float):
        return gast.BinOp(left=args[0], op=gast.Add(), right=args[1])
    if func is runtime.unreduce and 2 <= len(args) <= 4:
        return _spread(numpy, args, seen)
    if func is runtime.zeros_like and len(args) == 1:
        kind, shape, dtype = seen[0]
        if kind is np.ndarray and dtype == np.float64:
            return _np_call(numpy, "zeros", [syntax.const(shape)])
    if func in (np.size, np.shape, np.ndim) and len(args) == 1:
        shape = seen[0][1]
        return syntax.const({np.size: math.prod(shape), np.shape: shape,
                             np.ndim: len(shape)}[func])
    return None


def _restored(numpy: str, args: list, seen: list[tuple]) -> gast.expr | None:
    """For ``unreduce(g, x, axis, keepdims)``: ``g`` with the reduced axes back as length-1
    axes (``g`` itself for a full reduction), so that it broadcasts against ``x``."""
    (gk, gshape, gdtype), (xk, shape, dtype) = seen[:2]
    if not (xk is np.ndarray and shape and dtype == np.float64
            and (gk is float or gdtype == dtype)):
        return None
    if len(args) == 2:
        return args[0] if gshape == () else None
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
    return _np_call(numpy, "expand_dims", [args[0], syntax.const(
        axes[0] if len(axes) == 1 else axes)])


def _spread(numpy: str, args: list, seen: list[tuple]) -> gast.expr | None:
    """``unreduce(g, x, axis, keepdims)``: ``g`` repeated along the reduced axes."""
    g = _restored(numpy, args, seen)
    if g is None:
        return None
    shape = syntax.const(seen[1][1])
    if g is args[0] and len(args) == 2:
        return _np_call(numpy, "full", [shape, g])
    spread = _np_call(numpy, "broadcast_to", [g, shape])
    return syntax.call(gast.Attribute(value=spread, attr="copy", ctx=gast.Load()))


def _matmul_adjoint(func: Any, args: list, seen: list[tuple]) -> gast.expr | None:
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

    if func is runtime.matmul_adjoint_a:
        return gast.BinOp(left=g, op=gast.MatMult(), right=t(b))
    return gast.BinOp(left=t(a), op=gast.MatMult(), right=g)


def _scalar(node: gast.expr) -> bool:
    """A number: a numeric constant, a value recorded with shape (), or arithmetic of them."""
    if isinstance(node, gast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if (_one(node) or (None, None))[1] == ():
        return True
    if isinstance(node, gast.BinOp):
        return _scalar(node.left) and _scalar(node.right)
    return isinstance(node, gast.UnaryOp) and _scalar(node.operand)


class _Rewrite(gast.NodeTransformer):
    """Replace helper calls by what they do for the recorded shapes (see ``_replacement``);
    ``spread``: ``unreduce`` calls too (else only where an operation broadcasts them)."""

    def __init__(self, fn: gast.FunctionDef, scope: dict, spread: bool):
        self.scope = scope
        self.spread = spread
        self.numpy = numpy_name(scope)
        self.params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        self.local = syntax.stored_names(fn) | self.params
        counts = dataflow.definition_counts(fn)
        self.once = {n for n, c in counts.items() if c == 1}  # never rebound
        self.uses = dataflow.use_counts(fn)
        self.values = {s.targets[0].id: s.value for s in fn.body if isinstance(s, gast.Assign)
                       and syntax.is_name(s.targets[0]) and s.targets[0].id in self.once}
        self.changed = False

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        """``unreduce(g, x, ...) * y`` is ``g * y`` when ``y`` has the shape of ``x``: the
        operation broadcasts ``g`` itself.  So is ``np.broadcast_to(g, s).copy() * y``, and
        ``np.full(s, v) * y`` is ``v * y``."""
        if isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)):
            for side, other in (("left", "right"), ("right", "left")):
                operand = getattr(node, side)
                partner = _one(getattr(node, other))
                if partner is not None and partner[0] is np.ndarray \
                        and partner == _one(node):
                    broadcast = self._broadcast(operand)
                    if broadcast is not None:
                        setattr(node, side, broadcast)
                        self.changed = True
                        continue
                operand = self._spread_value(operand)
                if not (isinstance(operand, gast.Call) and not operand.keywords and resolve_in(
                        operand.func, (self.scope,), self.local) is runtime.unreduce):
                    continue
                seen = [_one(a) for a in operand.args]
                if None in seen or partner is None or partner[0] is not np.ndarray or \
                        partner[1:] != seen[1][1:]:
                    continue
                restored = _restored(self.numpy, operand.args, seen)
                if restored is not None:
                    setattr(node, side, restored)
                    self.changed = True
        self.generic_visit(node)
        scaled = self._scaled_fill(node)
        if scaled is not None:
            self.changed = True
            return scaled
        return node

    def _spread_value(self, node: gast.expr) -> gast.expr:
        """For a name bound once to an ``unreduce`` call and read only here (``bt4 * t4``
        after ``bt4 = unreduce(...)``), a copy of the call, whose names are bound once too;
        else ``node``.  The binding is then dead."""
        value = self.values.get(node.id) if isinstance(node, gast.Name) else None
        if (value is None or self.uses.get(node.id) != 1 or not isinstance(value, gast.Call)
                or not syntax.loaded_names(value) & self.local <= self.once):
            return node
        return syntax.clone(value)

    def _broadcast(self, node: gast.expr, depth: int = 0) -> gast.expr | None:
        """What ``node`` broadcasts, when it is only that value spread out (through a name
        bound once to it): ``g`` of ``np.broadcast_to(g, s).copy()``, ``v`` of
        ``np.full(s, v)``, of ``np.expand_dims(np.full(s, v), a)``; else None."""
        if depth > 3:
            return None
        if isinstance(node, gast.Name) and node.id in self.values:
            found = self._broadcast(self.values[node.id], depth + 1)
            return found if found is not None and syntax.loaded_names(found) <= self.once \
                else None
        if not isinstance(node, gast.Call) or node.keywords:
            return None
        if isinstance(node.func, gast.Attribute) and node.func.attr == "copy" and not node.args:
            return self._broadcast(node.func.value, depth + 1)
        func = resolve_in(node.func, (self.scope,), self.local)
        if func is np.broadcast_to and len(node.args) == 2:
            return node.args[0]
        if func is np.full and len(node.args) == 2 and _scalar(node.args[1]):
            return node.args[1]
        if func is np.expand_dims and len(node.args) == 2:
            inner = self._broadcast(node.args[0], depth + 1)
            return inner if inner is not None and _scalar(inner) else None
        return None

    def _scaled_fill(self, node: gast.BinOp) -> gast.expr | None:
        """``np.full(s, v) * c`` as ``np.full(s, v * c)`` (a Python number ``c``)."""
        if not isinstance(node.op, (gast.Mult, gast.Div)):
            return None
        fill, factor = node.left, node.right
        if not (isinstance(fill, gast.Call) and not fill.keywords and len(fill.args) == 2
                and resolve_in(fill.func, (self.scope,), self.local) is np.full
                and _scalar(fill.args[1])):
            return None
        kind = type(factor.value) if isinstance(factor, gast.Constant) else (
            _one(factor) or (None,))[0]
        if kind not in (float, int) or _one(fill) is None or _one(fill) != _one(node):
            return None
        value = gast.BinOp(left=fill.args[1], op=node.op, right=factor)
        return _same_value(_np_call(self.numpy, "full", [fill.args[0], value]), node)

    def visit_Call(self, node: gast.Call) -> gast.expr:
        recorded = [_one(a) for a in node.args]
        self.generic_visit(node)
        func = resolve_in(node.func, (self.scope,), self.local)
        if func in (np.size, np.shape, np.ndim) and node.args and syntax.is_name(
                node.args[0]) and node.args[0].id in self.params:
            return node  # a parameter's shape: cheap, and keeps the version readable
        if func is runtime.unreduce and not self.spread:
            return node
        new = _replacement(node, func, recorded, self.numpy)
        if new is None:
            return node
        self.changed = True
        return _same_value(new, node)


# -- the wrapper --------------------------------------------------------------------------
Check = Callable[[tuple, dict], tuple[tuple, dict]]


def _float_dispatch(stmt: gast.stmt, floats: str) -> bool:
    return (isinstance(stmt, gast.If) and len(stmt.body) == 1
            and isinstance(stmt.body[0], gast.Return)
            and isinstance(stmt.body[0].value, gast.Call)
            and syntax.is_name(stmt.body[0].value.func, floats))


class ShapeSpecializer:
    """Calls ``generic``, or the version of it written for the arguments' signature.

    ``check(args, kwargs)`` checks the arguments (and converts, say, integers to floats);
    it runs at the first calls of a signature only, so versions are kept only for the
    signatures whose arguments it passes unchanged.  ``floats``: the version for Python
    floats that the generic function dispatches to itself (``specialize.py``), if any.
    """

    def __init__(self, generic: Callable, tree: gast.FunctionDef, temporaries: set[str],
                 scope: dict, check: Check, floats: Callable | None = None):
        self.generic = generic
        self.name = tree.name
        self._generic_tree = tree  # shared with the pipeline: read, never changed
        self.temporaries = temporaries
        self.scope = scope
        self.check = check
        self.floats = floats
        # The version table.  ``versions`` and ``by_types`` are read without a lock, by every
        # call; a version is stored there only once it is complete and checked.  Everything
        # is written under ``_lock``, which is never held while the user's code runs.
        self.versions: dict[Hashable, Callable] = {}
        self.by_types: dict[tuple, Callable] = {}  # the versions for Python floats, by types
        self.sources: dict[Hashable, str] = {}
        self.declined: dict[Hashable, str] = {}  # signatures without a version, and why
        self.seen_once: set[Hashable] = set()
        self._writing: set[Hashable] = set()  # signatures a thread is observing or writing
        self._lock = threading.Lock()
        self._observed: Callable | None = None
        self._recording = threading.local()  # each thread's observations, in its own run

    @functools.cached_property
    def tree(self) -> gast.FunctionDef:
        """A copy of the generic function's tree, without the dispatch to its version for
        floats (``if type(x) is float ...: return f_floats(...)``)."""
        fn = syntax.clone(self._generic_tree)
        fn.body = [s for s in fn.body if not _float_dispatch(s, f"{fn.name}_floats")]
        return fn

    def dispatcher(self) -> Callable:
        """The function to call: it finds the version by signature (this runs every call,
        so it is a closure with everything it needs in local names, and takes no lock)."""
        versions, by_types, kind = self.versions, self.by_types, _kind
        first_calls = self._first_calls

        def call(*args: Any, **kwargs: Any) -> Any:
            if kwargs:
                key = signature(args, kwargs)
            else:
                version = by_types.get(tuple(map(type, args)))  # Python floats: no shapes
                if version is not None:
                    return version(*args)
                try:
                    key = tuple(map(kind, args))  # signature(), inlined
                except TypeError:
                    key = None
            version = versions.get(key)
            if version is not None:
                return version(*args, **kwargs)
            return first_calls(key, args, kwargs)

        return call

    def _first_calls(self, key: Hashable | None, args: tuple, kwargs: dict) -> Any:
        checked, checked_kwargs = self.check(args, kwargs)
        if key is None or checked is not args or checked_kwargs is not kwargs:
            return self.generic(*checked, **checked_kwargs)  # no version under this key
        with self._lock:
            function = self._next(key, kwargs, os.environ.get(ENV, "second"))
        if function is not None:
            return function(*args, **kwargs)
        # This thread writes the version of ``key``: observe, write, publish.
        try:
            try:
                with self._lock:
                    observed = self._observer()
            except Exception as error:  # noqa: BLE001  (a failed rewrite must not fail the call)
                self._give_up(key, error)
                return self.generic(*args, **kwargs)
            seen, result = self._observe(observed, args, kwargs)
            try:
                written = self._write(key, args, kwargs, seen)
                with self._lock:
                    self._publish(key, *written)
            except Exception as error:  # noqa: BLE001
                self._give_up(key, error)
            return result
        finally:
            with self._lock:
                self._writing.discard(key)

    def _next(self, key: Hashable, kwargs: dict, when: str) -> Callable | None:
        """What a first call with signature ``key`` runs (with ``_lock`` held): the version
        published meanwhile, or the generic function; None when this call is to observe and
        write the version (the signature is then in ``_writing``)."""
        version = self.versions.get(key)
        if version is not None:
            return version
        if when == "off" or len(self.versions) + len(self._writing) >= MAX_VERSIONS:
            return self.generic
        if all(kind is float for kind in key):  # the version for floats exists already
            version = self.floats or self.generic
            if not kwargs:
                self.by_types[key] = version
            self.versions[key] = version
            return self.generic
        if when != "first" and key not in self.seen_once:
            self.seen_once.add(key)
            return self.generic
        if key in self._writing:  # another thread is writing it
            return self.generic
        self._writing.add(key)
        return None

    def _observe(self, observed: Callable, args: tuple, kwargs: dict,
                 ) -> tuple[dict[int, set], Any]:
        """Run the instrumented copy: what it saw (this thread's own), and its result."""
        recording = self._recording
        outer = getattr(recording, "seen", None)
        recording.seen = seen = {}
        try:
            result = observed(*args, **kwargs)
        finally:
            recording.seen = outer
        return seen, result

    def _give_up(self, key: Hashable, error: Exception) -> None:
        """A bug in writing a version must not fail the call: warn, and run the generic one."""
        warnings.warn(f"tangentlike: no shape-specialized version of {self.name}: "
                      f"{type(error).__name__}: {error}", RuntimeWarning, stacklevel=4)
        with self._lock:
            self.versions[key] = self.generic

    def _observer(self) -> Callable:
        """The instrumented copy, made once (with ``_lock`` held)."""
        if self._observed is None:
            recording = self._recording

            def observe(k: int, value: Any) -> Any:
                recording.seen.setdefault(k, set()).add(_describe(value))
                return value

            fn = _instrumented(self.tree)
            scope = self.scope.copy()  # an loading.Scope: the user's names stay live
            scope[OBSERVE] = observe
            source = emit.to_source(fn)
            path = cache.write_module(source, fn.name)
            self._observed = scope.load(source, path)[fn.name]
        return self._observed

    def _publish(self, key: Hashable, fn: gast.FunctionDef | None, why: str,
                 scope: dict) -> None:
        """Store the version written for ``key`` (with ``_lock`` held): name it, emit it,
        load it, then make it visible to calls; or record why there is none."""
        if fn is None:
            self.declined[key] = why
            self.versions[key] = self.generic
            return
        number = len(self.sources) + 1
        fn.name = f"{self.name}_shaped{number if number > 1 else ''}"
        source = emit.to_source(fn)
        header = (f'"""A version of {self.name} by argument shapes (tangentlike); it runs with '
                  f'the names of\n{_file_name(self.scope)}.\n"""\n\n\n')
        path = cache.write_module(header + source, fn.name)
        version = scope.load(header + source, path)[fn.name]
        self.sources[key] = source
        self.versions[key] = version  # last: the version is complete

    def _write(self, key: Hashable, args: tuple, kwargs: dict, seen: dict[int, set],
               ) -> tuple[gast.FunctionDef | None, str, dict]:
        """The version's tree for ``key`` from what the instrumented run ``seen`` (it changes
        nothing shared, so threads may write at once), or None and why there is none; and
        the scope to load it in."""
        temporaries = set(self.temporaries)  # the optimizer adds the names it makes
        fn = syntax.clone(self.tree)
        params = [a.id for a in fn.args.posonlyargs + fn.args.args]
        bound = dict(zip(params, args)) | kwargs
        static_params = {p for p, v in bound.items() if type(v) in (int, bool)}
        static = _Static(fn, static_params, self.scope)
        reason = _shape_follows(fn, static, seen)
        scope = self.scope.copy()
        if reason is not None:
            return None, reason, scope
        _record(fn, seen)
        # A rewrite lets the optimizer inline what another rewrite then sees whole (an
        # ``unreduce`` into the product that broadcasts it); ``unreduce`` calls left over
        # are rewritten last.
        rewritten = False
        for spread in (False, False, True, False):
            rewrite = _Rewrite(fn, scope, spread)
            fn.body = [rewrite.visit(s) for s in fn.body]
            if rewrite.changed:
                rewritten = True
                optimize(fn, temporaries)
        shapes = {p: np.shape(v) for p, v in bound.items()
                  if type(v) is float or isinstance(v, (np.ndarray, np.floating))}
        local = syntax.stored_names(fn) | set(bound)
        for _ in range(3):  # a value found zero can make others zero
            if not cancel(fn, shapes, lambda f: resolve_in(f, (scope,), local),
                          numpy_name(scope)):
                break
            rewritten = True
            optimize(fn, temporaries)
        if not rewritten:
            return None, "nothing to work out for these shapes", scope
        fn.body = [_Methods(local, scope).visit(s) for s in fn.body]
        accumulate_in_place(fn, lambda f: resolve_in(f, (scope,), local))
        described = ", ".join(f"{p}: {_shape_text(bound[p])}" for p in params if p in bound)
        if isinstance(fn.body[0], gast.Expr) and isinstance(fn.body[0].value, gast.Constant):
            fn.body[0].value.value = (f"{self.name} for {described}: the shapes worked out "
                                      "in advance.")
        return fn, "", scope


def _file_name(scope: dict) -> str:
    """The name of the generic function's file (beside the version's, in the cache
    directory): the path would make the version's source depend on where the cache is."""
    path = scope.get("__file__")
    return os.path.basename(path) if path else "its module"


_METHODS = {np.sum: "sum", np.max: "max", np.amax: "max", np.min: "min", np.amin: "min",
            np.mean: "mean", np.prod: "prod"}


class _Methods(gast.NodeTransformer):
    """``np.sum(a, axis=0)`` as ``a.sum(axis=0)`` where ``a`` was an array: the method
    skips NumPy's Python wrapper (about 1.5 us a call, which adds up in a loop)."""

    def __init__(self, local: set[str], scope: dict):
        self.local, self.scope = local, scope

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if not node.args or isinstance(node.args[0], gast.Starred):
            return node
        method = _METHODS.get(resolve_in(node.func, (self.scope,), self.local))
        seen = _one(node.args[0])
        if method is None or seen is None or seen[0] is not np.ndarray:
            return node
        func = gast.Attribute(value=node.args[0], attr=method, ctx=gast.Load())
        return _same_value(syntax.call(func, node.args[1:], node.keywords), node)


def _shape_text(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype} {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of {len(value)}"
    return type(value).__name__
