"""A second version of a generated derivative for Python floats, without shape bookkeeping.

Generated code calls small runtime helpers wherever NumPy broadcasting could have changed a
shape (``unbroadcast(g, x)``, ``broadcast_like``, ``seed``, ``zeros_like``): on arrays they
are needed, on Python numbers they are the identity (or ``0.0``).  When the differentiated
arguments and the seeds are Python floats, a type inference over the generated function
finds the names that can only hold Python numbers; a copy of the function with those calls
replaced by what they return is optimized again (which also drops the stack saves that only
fed them) and called instead, behind a ``type(x) is float`` test at the top of the generic
function.

The inference is a greatest fixed point over the function's assignments: a name is a
number if every assignment to it stores one, assuming the same of the other names.  Python
numbers stay Python numbers under arithmetic and ``math`` functions; ``name = None`` (the
placeholders of saved names) is left out, as every rewritten call gives the same result on
``None`` (shape ``()``).
"""
from __future__ import annotations

import builtins
import math
from typing import Any

import gast
import numpy as np

from tangentlike import runtime, syntax
from tangentlike.optimize import optimize
from tangentlike.template import Namespace

_IDENTITY_IN_FIRST = (runtime.unbroadcast, runtime.broadcast_like, runtime.seed,
                      runtime.shape_only, runtime.copy_of)  # on numbers
_NUMBER_BUILTINS = (float, int, abs, round)


def _is_math(func: Any) -> bool:
    """A function of the math module (they all return Python numbers; math.prod aside)."""
    name = getattr(func, "__name__", None)
    return (func is not None and func is not math.prod and isinstance(name, str)
            and getattr(math, name, None) is func)


def _appended_to(call: gast.expr) -> str | None:
    """``xs`` for ``xs.append(v)``."""
    if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == "append" and isinstance(call.func.value, gast.Name)
            and len(call.args) == 1 and not call.keywords):
        return call.func.value.id
    return None


def _popped_from(call: gast.expr) -> str | None:
    """``xs`` for ``xs.pop()``."""
    if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == "pop" and isinstance(call.func.value, gast.Name)
            and not call.args and not call.keywords):
        return call.func.value.id
    return None


NUMBER, SCALAR, UNKNOWN = 2, 1, 0  # a Python number; shape () (a NumPy scalar too); anything


class _Numbers:
    """How much is known of each name of a generated function: ``NUMBER``, ``SCALAR`` or
    ``UNKNOWN`` (``level``), as the greatest fixed point over its assignments."""

    def __init__(self, fn: gast.FunctionDef, assumed: set[str], namespace: Namespace):
        self.namespace = namespace
        params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        self.local = syntax.stored_names(fn) | params
        self.levels = {n: NUMBER for n in (syntax.stored_names(fn) - params) | assumed}
        self.stacks: dict[str, int] = {}  # level of every value a stack holds
        self._solve(fn)

    def resolve(self, func: gast.expr) -> Any:
        dotted = syntax.dotted_name(func)
        if dotted is None:
            return None
        root, *attrs = dotted.split(".")
        if root in self.local:
            return None
        value = self.namespace.injected.get(root, self.namespace.user_globals.get(root))
        if value is None:
            value = getattr(builtins, root, None)
        for attr in attrs:
            value = getattr(value, attr, None)
        return value

    def level(self, node: gast.expr) -> int:
        if isinstance(node, gast.Constant):
            return NUMBER if isinstance(node.value, (int, float, complex)) else UNKNOWN
        if isinstance(node, gast.Name):
            return self.levels.get(node.id, UNKNOWN)
        if isinstance(node, gast.BinOp):
            if isinstance(node.op, gast.MatMult):
                return UNKNOWN
            return min(self.level(node.left), self.level(node.right))
        if isinstance(node, gast.UnaryOp):
            return self.level(node.operand)
        if isinstance(node, gast.Compare):
            return min(self.level(e) for e in [node.left, *node.comparators])
        if isinstance(node, gast.BoolOp):
            return min(self.level(v) for v in node.values)
        if isinstance(node, gast.IfExp):
            return min(self.level(node.body), self.level(node.orelse))
        if isinstance(node, gast.Call) and not node.keywords:
            return self._call_level(node)
        return UNKNOWN

    def _call_level(self, node: gast.Call) -> int:
        if _popped_from(node) is not None:
            return self.stacks.get(_popped_from(node), UNKNOWN)
        func, args = self.resolve(node.func), node.args
        if _is_math(func):
            return NUMBER
        if not args:
            return UNKNOWN
        arguments = min(self.level(a) for a in args)
        if isinstance(func, np.ufunc):  # elementwise: shape () in, shape () out
            return min(arguments, SCALAR)
        if func in _NUMBER_BUILTINS or func in _IDENTITY_IN_FIRST or func in (
                runtime.zeros_like, runtime.add_grad):
            return arguments
        return UNKNOWN

    def _solve(self, fn: gast.FunctionDef) -> None:
        statements = [n for n in gast.walk(fn) if isinstance(n, gast.stmt)]
        pushes = [s.value for s in statements if isinstance(s, gast.Expr)
                  and _appended_to(s.value) is not None]
        self.stacks = {_appended_to(c): NUMBER for c in pushes}
        while True:
            before = (dict(self.levels), dict(self.stacks))
            for call in pushes:
                if not _is_none(call.args[0]):
                    stack = _appended_to(call)
                    self.stacks[stack] = min(self.stacks[stack], self.level(call.args[0]))
            for stmt in statements:
                if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                    name = stmt.targets[0].id
                    if not _is_none(stmt.value):
                        self.levels[name] = min(self.levels.get(name, UNKNOWN),
                                                self.level(stmt.value))
                elif isinstance(stmt, gast.For) and self._counts(stmt.iter):
                    continue  # an int
                elif isinstance(stmt, (gast.Assign, gast.For, gast.AugAssign, gast.AnnAssign,
                                       gast.With)):
                    for name in syntax.stored_names(getattr(stmt, "target", None) or stmt):
                        self.levels[name] = UNKNOWN
            if (self.levels, self.stacks) == before:
                return

    def _counts(self, node: gast.expr) -> bool:
        """``range(...)`` or ``reversed(range(...))``: the loop variable is an int."""
        if isinstance(node, gast.Call) and self.resolve(node.func) is reversed:
            node = node.args[0] if node.args else node
        return isinstance(node, gast.Call) and self.resolve(node.func) is range


def _is_none(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and node.value is None


class _Simplify(gast.NodeTransformer):
    """Replace the helper calls that are the identity on numbers; with ``dry_run``, only
    count them."""

    def __init__(self, numbers: _Numbers, dry_run: bool = False):
        self.numbers = numbers
        self.dry_run = dry_run
        self.changed = 0

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if node.keywords or not node.args:
            return node
        func = self.numbers.resolve(node.func)
        args = node.args
        known = min(self.numbers.level(a) for a in args)
        if func in (runtime.unbroadcast, runtime.broadcast_like, runtime.shape_only) \
                and known >= SCALAR:
            return self._replace(args[0])
        if func in (runtime.seed, runtime.copy_of) and known == NUMBER:
            return self._replace(args[0])
        if func is runtime.zeros_like and known == NUMBER:
            return self._replace(syntax.const(0.0))
        if func is runtime.add_grad and len(args) == 2 and known >= SCALAR:
            return self._replace(gast.BinOp(left=args[0], op=gast.Add(), right=args[1]))
        return node

    def _replace(self, node: gast.expr) -> gast.expr:
        self.changed += 1
        return node if not self.dry_run else None

    def visit(self, node: gast.AST) -> gast.AST:
        new = super().visit(node)
        return node if self.dry_run and new is None else new


def for_floats(fn: gast.FunctionDef, floats: list[str], namespace: Namespace,
               temporaries: set[str]) -> gast.FunctionDef | None:
    """The version of ``fn`` for calls where the parameters ``floats`` are Python floats, and
    the test that dispatches to it inserted at the top of ``fn``; None when it would be the
    same code."""
    numbers = _Numbers(fn, set(floats), namespace)
    probe = _Simplify(numbers, dry_run=True)
    for stmt in fn.body:
        probe.visit(stmt)
    if not probe.changed:
        return None  # no copy of the function when nothing would change
    special = syntax.clone(fn)
    special.name = f"{fn.name}_floats"
    special.body = [_Simplify(numbers).visit(s) for s in special.body]
    optimize(special, temporaries)
    if isinstance(special.body[0], gast.Expr) and isinstance(special.body[0].value,
                                                               gast.Constant):
        special.body[0].value.value = f"{fn.name} for Python floats: no shape bookkeeping."
    test = gast.BoolOp(op=gast.And(), values=[
        gast.Compare(left=syntax.call("type", [syntax.load(n)]), ops=[gast.Is()],
                     comparators=[syntax.load("float")]) for n in floats])
    if len(floats) == 1:
        test = test.values[0]
    args = [syntax.load(a.id) for a in fn.args.posonlyargs + fn.args.args]
    keywords = [gast.keyword(arg=a.id, value=syntax.load(a.id)) for a in fn.args.kwonlyargs]
    dispatch = gast.If(test=test, body=[gast.Return(value=syntax.call(
        special.name, args, keywords))], orelse=[])
    docstring = isinstance(fn.body[0], gast.Expr) and isinstance(fn.body[0].value,
                                                                 gast.Constant)
    fn.body.insert(1 if docstring else 0, dispatch)
    return special
