"""The version of a generated derivative for one signature: the runtime helpers replaced by
what they do for the recorded shapes.

``unbroadcast(g, x)`` becomes ``g``, one ``np.sum`` or a reshape of one; ``seed`` and
``broadcast_like`` the identity; ``matmul_adjoint_a(g, a, b)`` one matrix product;
``unreduce`` a broadcast, or nothing where the operation it feeds broadcasts anyway;
``np.size(t)`` of an intermediate its value.  Then the terms that cancel exactly are dropped
(``cancel.py``), the result optimized again (which removes what is now dead), ``np.sum(a)``
written ``a.sum()`` and adjoint sums made in place (``inplace.py``).
"""
from __future__ import annotations

import math
from typing import Any

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.core import anno, dataflow, syntax
from tangentlike.core.resolve import resolve_in
from tangentlike.optimizer.optimize import optimize
from tangentlike.rules.primitive import primitive
from tangentlike.versions.cancel import cancel, recorded
from tangentlike.versions.inplace import accumulate_in_place
from tangentlike.versions.observe import record
from tangentlike.versions.signature import shape_text
from tangentlike.versions.static import Static, shape_follows


def lower_shapes(tree: gast.FunctionDef, args: tuple, kwargs: dict, seen: dict[int, set],
                 scope: dict, temporaries: set[str]) -> tuple[gast.FunctionDef | None, str]:
    """The version of ``tree`` for the signature of ``args`` and ``kwargs``, from what the
    instrumented run ``seen``, or None and why there is none.  It changes nothing shared
    (``scope`` is the version's own copy), so threads may write at once."""
    temporaries = set(temporaries)  # the optimizer adds the names it makes
    name = tree.name
    fn = syntax.clone(tree)
    params = [a.id for a in fn.args.posonlyargs + fn.args.args]
    bound = dict(zip(params, args)) | kwargs
    static_params = {p for p, v in bound.items() if type(v) in (int, bool)}
    static = Static(fn, static_params, scope)
    reason = shape_follows(fn, static, seen)
    if reason is not None:
        return None, reason
    record(fn, seen)
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
        return None, "nothing to work out for these shapes"
    fn.body = [_Methods(local, scope).visit(s) for s in fn.body]
    accumulate_in_place(fn, lambda f: resolve_in(f, (scope,), local))
    described = ", ".join(f"{p}: {shape_text(bound[p])}" for p in params if p in bound)
    if isinstance(fn.body[0], gast.Expr) and isinstance(fn.body[0].value, gast.Constant):
        fn.body[0].value.value = (f"{name} for {described}: the shapes worked out "
                                  "in advance.")
    return fn, ""


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



class _Methods(gast.NodeTransformer):
    """``np.sum(a, axis=0)`` as ``a.sum(axis=0)`` where ``a`` was an array: the method
    skips NumPy's Python wrapper (about 1.5 us a call, which adds up in a loop)."""

    def __init__(self, local: set[str], scope: dict):
        self.local, self.scope = local, scope

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if not node.args or isinstance(node.args[0], gast.Starred):
            return node
        func = resolve_in(node.func, (self.scope,), self.local)
        method = None if func is None else primitive(func).method  # np.sum: "sum"
        seen = _one(node.args[0])
        if method is None or seen is None or seen[0] is not np.ndarray:
            return node
        func = gast.Attribute(value=node.args[0], attr=method, ctx=gast.Load())
        return _same_value(syntax.call(func, node.args[1:], node.keywords), node)

