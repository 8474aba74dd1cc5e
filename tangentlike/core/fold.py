"""Constant folding: ``2 - 1`` is ``1``, ``None is None`` is ``True``; in statements that
tangentlike wrote, also the identities ``x * 1``, ``x + 0``, ``x ** 1``, ``-(-x)``.

The optimizer folds every generated statement (``optimizer/optimize.py``), and
``rules/template.py`` folds a rule's body once its parameters are substituted; both use
:class:`FoldConstants`.
"""
from __future__ import annotations

import operator
from typing import Any

import gast

from tangentlike.core import syntax

_FOLDABLE = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
             gast.Div: operator.truediv, gast.Pow: operator.pow, gast.FloorDiv: operator.floordiv}


# The node classes that every fold starts from: a fold of arithmetic, a test or a condition
# reads a constant operand (``x * 1``, ``x + 0`` and ``x ** 1`` too); ``a + -b`` and ``-(-x)``
# a negation; a comparison of literals may hold no constant (``() == ()``).  A statement
# without any of them (nor an annotated name) has nothing to fold.
FOLD_SEEDS: tuple[type, ...] = (gast.Constant, gast.UnaryOp, gast.Compare)


def _is(node: gast.AST, value: float) -> bool:
    return syntax.is_number(node) and node.value == value


# Each node class's visitor method (``generic_visit`` where it has none), looked up once.
_VISITORS: dict[tuple[type, type], Any] = {}


class FoldConstants(gast.NodeTransformer):
    """Fold constant arithmetic; in generated statements also apply x*1, x+0, x**1, -(-x)."""

    def __init__(self, algebra: bool):
        self.algebra = algebra
        self.changed = False

    def visit(self, node: gast.AST) -> gast.AST:
        cls = node.__class__
        if cls is gast.Constant or (cls is gast.Name and node.annotation is None):
            return node  # a leaf: nothing to fold
        kind = self.__class__
        method = _VISITORS.get((kind, cls))
        if method is None:
            method = _VISITORS[kind, cls] = getattr(kind, "visit_" + cls.__name__,
                                                    kind.generic_visit)
        new = method(self, node)
        self.changed |= new is not node
        return new

    def generic_visit(self, node: gast.AST) -> gast.AST:
        """``NodeTransformer.generic_visit`` for a folder, which replaces a node by one node
        (never by None or a list): only the fields that may hold an expression are visited
        (not operators, contexts or names), each child replaced in place if it changed."""
        for field in syntax.child_fields(node.__class__):
            value = getattr(node, field, None)
            if value.__class__ is list:
                for i, item in enumerate(value):
                    if isinstance(item, gast.AST):
                        new = self.visit(item)
                        if new is not item:
                            value[i] = new
            elif isinstance(value, gast.AST):
                new = self.visit(value)
                if new is not value:
                    setattr(node, field, new)
        return node

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        self.generic_visit(node)
        left, right = node.left, node.right
        if syntax.is_number(left) and syntax.is_number(right) and type(node.op) in _FOLDABLE:
            try:
                value = _FOLDABLE[type(node.op)](left.value, right.value)
            except (ArithmeticError, ValueError):
                return node
            if isinstance(value, (int, float)) and abs(value) < 1e15:
                return syntax.const(value)
            return node
        if not self.algebra:
            return node
        op = type(node.op)
        if op is gast.Mult and _is(right, 1) or op is gast.Div and _is(right, 1):
            return left
        if op is gast.Mult and _is(left, 1):
            return right
        if op in (gast.Add, gast.Sub) and _is(right, 0):
            return left
        if op in (gast.Add, gast.Sub) and isinstance(right, gast.UnaryOp) and isinstance(
                right.op, gast.USub):  # a + -b is a - b; a - -b is a + b
            flipped = gast.Sub() if op is gast.Add else gast.Add()
            return gast.BinOp(left=left, op=flipped, right=right.operand)
        if op is gast.Add and _is(left, 0):
            return right
        if op is gast.Pow and _is(right, 1):
            return left
        if op is gast.Mult and (_is(right, -1) or _is(left, -1)):
            return gast.UnaryOp(op=gast.USub(), operand=left if _is(right, -1) else right)
        return node

    def visit_UnaryOp(self, node: gast.UnaryOp) -> gast.expr:
        self.generic_visit(node)
        if isinstance(node.op, gast.USub):
            if syntax.is_number(node.operand):
                return syntax.const(-node.operand.value)
            if (self.algebra and isinstance(node.operand, gast.UnaryOp)
                    and isinstance(node.operand.op, gast.USub)):
                return node.operand.operand
            if self.algebra and _negate_coefficient(node.operand):
                return node.operand  # -(2.0 * a * b) is -2.0 * a * b
        return node

    def visit_Compare(self, node: gast.Compare) -> gast.expr:
        self.generic_visit(node)
        if (len(node.ops) == 1 and isinstance(node.left, (gast.Constant, gast.Tuple))
                and isinstance(node.comparators[0], (gast.Constant, gast.Tuple))
                and _literal(node.left) and _literal(node.comparators[0])):
            left, right = _value(node.left), _value(node.comparators[0])
            ops = {gast.Is: operator.is_, gast.IsNot: operator.is_not, gast.Eq: operator.eq,
                   gast.NotEq: operator.ne}
            fn = ops.get(type(node.ops[0]))
            if fn is not None:
                if isinstance(node.ops[0], (gast.Is, gast.IsNot)) and not (
                        left is None or right is None):
                    return node
                return syntax.const(bool(fn(left, right)))
        return node

    def visit_BoolOp(self, node: gast.BoolOp) -> gast.expr:
        self.generic_visit(node)
        if all(isinstance(v, gast.Constant) for v in node.values):
            values = [v.value for v in node.values]
            result = any(values) if isinstance(node.op, gast.Or) else all(values)
            return syntax.const(bool(result))
        return node

    def visit_IfExp(self, node: gast.IfExp) -> gast.expr:
        self.generic_visit(node)
        if isinstance(node.test, gast.Constant):
            return node.body if node.test.value else node.orelse
        return node


def _negate_coefficient(node: gast.expr) -> bool:
    """Negate the number that a product starts with (``2.0 * a * b``), if it does."""
    while isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        if syntax.is_number(node.left):
            node.left = syntax.const(-node.left.value)
            return True
        node = node.left
    return False


def _literal(node: gast.AST) -> bool:
    if isinstance(node, gast.Constant):
        return True
    return isinstance(node, gast.Tuple) and all(_literal(e) for e in node.elts)


def _value(node: gast.AST):
    if isinstance(node, gast.Constant):
        return node.value
    return tuple(_value(e) for e in node.elts)
