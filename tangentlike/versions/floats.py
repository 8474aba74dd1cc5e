"""The version of a generated derivative for Python floats, without shape bookkeeping.

Generated code calls small runtime helpers wherever NumPy broadcasting could have changed a
shape (``unbroadcast(g, x)``, ``broadcast_like``, ``seed``, ``zeros_like``): on arrays they
are needed, on Python numbers they are the identity (or ``0.0``).  When the differentiated
arguments and the seeds are Python floats (a *float signature*, see ``dispatch.py``), a type
inference over the generated function finds the names that can only hold Python numbers; a
copy of the function with those calls replaced by what they return is optimized again
(which also drops the stack saves that only fed them).  The dispatcher writes it at the
first call with a float signature and runs it for those calls; the generic function is left
as it is.

The inference is a greatest fixed point over the function's assignments: a name is a
number if every assignment to it stores one, assuming the same of the other names.  Python
numbers stay Python numbers under arithmetic and ``math`` functions; ``name = None`` (the
placeholders of saved names) is left out, as every rewritten call gives the same result on
``None`` (shape ``()``).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.core.resolve import resolve_in
from tangentlike.frontend.operations import list_method_target
from tangentlike.optimizer.optimize import optimize
from tangentlike.rules.primitive import Lowering, is_math, primitive

_NUMBER_BUILTINS = (float, int, abs, round)


NUMBER, SCALAR, UNKNOWN = 2, 1, 0  # a Python number; shape () (a NumPy scalar too); anything


class _Numbers:
    """How much is known of each name of a generated function: ``NUMBER``, ``SCALAR`` or
    ``UNKNOWN`` (``level``), as the greatest fixed point over its assignments."""

    def __init__(self, fn: gast.FunctionDef, assumed: set[str], scope: dict):
        self.scope = scope
        params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        stored = syntax.stored_names(fn)
        self.local = stored | params
        self.levels = {n: NUMBER for n in (stored - params) | assumed}
        self.stacks: dict[str, int] = {}  # level of every value a stack holds
        self._solve(fn)

    def resolve(self, func: gast.expr) -> Any:
        return resolve_in(func, (self.scope,), self.local)

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
        popped_from = list_method_target(node, "pop", 0)
        if popped_from is not None:
            return self.stacks.get(popped_from, UNKNOWN)
        func, args = self.resolve(node.func), node.args
        if is_math(func):
            return NUMBER
        if not args:
            return UNKNOWN
        arguments = min(self.level(a) for a in args)
        if isinstance(func, np.ufunc):  # elementwise: shape () in, shape () out
            return min(arguments, SCALAR)
        if func in _NUMBER_BUILTINS or primitive(func).on_numbers is not None:
            return arguments  # a number, or its arguments' kind: unbroadcast(g, x)
        return UNKNOWN

    def _solve(self, fn: gast.FunctionDef) -> None:
        statements = _statements(fn)
        pushes = [s.value for s in statements if isinstance(s, gast.Expr)
                  and list_method_target(s.value, "append", 1) is not None]
        self.stacks = {list_method_target(c, "append", 1): NUMBER for c in pushes}
        while True:
            before = (dict(self.levels), dict(self.stacks))
            for call in pushes:
                if not _is_none(call.args[0]):
                    stack = list_method_target(call, "append", 1)
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


def _statements(fn: gast.FunctionDef) -> list[gast.stmt]:
    """Every statement in ``fn``, nested ones included: the nodes a walk of the whole tree
    finds that are statements, without a look inside expressions (which hold none).  (In
    another order than the walk's: the fixed point does not depend on the order its
    assignments are taken in.)"""
    found: list[gast.stmt] = []
    todo: list[gast.AST] = [fn]
    while todo:
        node = todo.pop()
        for field in syntax.child_fields(node.__class__):
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, gast.stmt):
                        found.append(item)
                        todo.append(item)
                    elif isinstance(item, (gast.excepthandler, gast.match_case)):
                        todo.append(item)  # (its body holds statements)
    return found


def _is_none(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and node.value is None


def _replacement(numbers: _Numbers, call: gast.Call) -> gast.expr | None:
    """What a helper call returns when its arguments are numbers (``unbroadcast(g, x)`` is
    ``g``), or None when the call stays."""
    if call.keywords or not call.args:
        return None
    lowering = primitive(numbers.resolve(call.func)).on_numbers  # runtime_helpers.py
    if lowering is None:
        return None
    args = call.args
    known = min(numbers.level(a) for a in args)
    if lowering is Lowering.FIRST_ON_SCALARS and known >= SCALAR \
            or lowering is Lowering.FIRST and known == NUMBER:
        return args[0]
    if lowering is Lowering.ZERO and known == NUMBER:
        return syntax.const(0.0)
    if lowering is Lowering.ADD and len(args) == 2 and known >= SCALAR:
        return gast.BinOp(left=args[0], op=gast.Add(), right=args[1])
    return None


# Nodes that hold no call (a name, unless it has an annotation): cloned by ``syntax.clone``.
_NO_CALLS = (gast.Constant, gast.expr_context, gast.operator, gast.unaryop, gast.cmpop,
             gast.boolop)


class _SimplifiedCopy:
    """A copy of statements as ``syntax.clone`` makes it, with the helper calls that are
    the identity on numbers replaced (see ``_replacement``) in the same walk: each call is
    copied, its arguments first (replaced where they are such calls), and then replaced
    itself; what rewriting the copy's calls bottom-up would give (``_Simplify`` did that,
    after a clone: one walk of the function instead of two).  ``replaced``: how many calls
    it replaced."""

    def __init__(self, numbers: _Numbers):
        self.numbers = numbers
        self.replaced = 0

    def copy(self, node: Any) -> Any:
        cls = node.__class__
        if cls is list:
            return [self.copy(n) if isinstance(n, gast.AST) else n for n in node]
        if (cls is gast.Name and node.annotation is None or isinstance(node, _NO_CALLS)
                or not isinstance(node, gast.AST)):
            return syntax.clone(node)
        new = cls.__new__(cls)  # (what ``syntax._copy`` does, field by field)
        fields = new.__dict__
        for key, value in node.__dict__.items():
            if isinstance(value, list):  # (a list's subclass: cloned to a list too)
                value = [self.copy(n) if isinstance(n, gast.AST) else n for n in value]
            elif isinstance(value, gast.AST):
                value = self.copy(value)
            elif key == anno.KEY:
                value = syntax.clone_info(value)
            fields[key] = value
        if cls is gast.Call:
            replacement = _replacement(self.numbers, new)
            if replacement is not None:
                self.replaced += 1
                return replacement
        return new


def lower_floats(tree: gast.FunctionDef, numbers: set[str], scope: dict,
                 temporaries: set[str]) -> gast.FunctionDef | None:
    """The version of ``tree`` for calls where the parameters ``numbers`` are Python floats,
    named ``<name>_floats``; None when it would be the same code.  ``tree`` is not changed;
    ``scope`` is the generated module's (callees resolve through it)."""
    numbers_of = _Numbers(tree, set(numbers), scope)
    copier = _SimplifiedCopy(numbers_of)
    body = [copier.copy(s) for s in tree.body]
    # A call replaced in the body, or one that would be outside it (what a walk of the whole
    # function for a call to replace finds: a call's replacement in the copy needs only a
    # look at its arguments' levels, which a replacement below it only raises).
    if not copier.replaced and not any(
            isinstance(n, gast.Call) and _replacement(numbers_of, n) is not None
            for n in syntax.walk(tree)):
        return None  # no copy of the function when nothing would change
    special = syntax.clone_without(tree, ("body",))
    special.body = body
    special.name = f"{tree.name}_floats"
    optimize(special, set(temporaries))
    if isinstance(special.body[0], gast.Expr) and isinstance(special.body[0].value,
                                                               gast.Constant):
        special.body[0].value.value = f"{tree.name} for Python floats: no shape bookkeeping."
    return special
