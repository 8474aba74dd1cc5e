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


def _binop_folds(node: gast.BinOp) -> bool:
    """An operation on two literals (``2.0 * 3.0``), or one that ``visit_BinOp``'s algebra
    rewrites: ``x * 1``, ``1 * x``, ``x * -1``, ``-1 * x``, ``x / 1``, ``x ** 1``, ``x + 0``,
    ``0 + x``, ``x - 0``, ``a + -b``, ``a - -b`` (a literal where it asks for a number)."""
    left, right = node.left, node.right
    if left.__class__ is gast.Constant and right.__class__ is gast.Constant:
        return True
    op = node.op.__class__
    if op is gast.Mult:
        return _literal_in(left, (1, -1)) or _literal_in(right, (1, -1))
    if op is gast.Add or op is gast.Sub:
        return (_literal_in(right, (0,)) or (op is gast.Add and _literal_in(left, (0,)))
                or (right.__class__ is gast.UnaryOp and right.op.__class__ is gast.USub))
    if op is gast.Div or op is gast.Pow:
        return _literal_in(right, (1,))
    return False


def _literal_in(node: gast.expr, values: tuple[int, ...]) -> bool:
    """``node`` is a number literal equal to one of ``values`` (a bool too: on the safe
    side of ``_is``)."""
    return (node.__class__ is gast.Constant and isinstance(node.value, (int, float))
            and node.value in values)


def _negation_folds(node: gast.UnaryOp) -> bool:
    """A negation of a literal, of a negation, or of a product that starts with a literal
    (``-(2.0 * a * b)``: what ``_negate_coefficient`` looks for)."""
    if node.op.__class__ is not gast.USub:
        return False
    operand = node.operand
    if operand.__class__ is gast.Constant or (operand.__class__ is gast.UnaryOp
                                             and operand.op.__class__ is gast.USub):
        return True
    while operand.__class__ is gast.BinOp and operand.op.__class__ is gast.Mult:
        if operand.left.__class__ is gast.Constant:
            return True
        operand = operand.left
    return False


def _compare_folds(node: gast.Compare) -> bool:
    """A comparison of two literals (``() == ()`` holds no constant)."""
    return (node.left.__class__ in _LITERALS
            and node.comparators[0].__class__ in _LITERALS)


def _constant_test(node: gast.IfExp) -> bool:
    return node.test.__class__ is gast.Constant


def _all_constants(node: gast.BoolOp) -> bool:
    return all(value.__class__ is gast.Constant for value in node.values)


_LITERALS = (gast.Constant, gast.Tuple)

# The nodes that every fold starts from, by class (None: any node of the class), for
# ``syntax.walk_names_noting``.  A fold rewrites a node only from what its children are, and
# a node whose children did not change is as it was: so the first fold in a statement
# applies to a node as it stood, and that node is one of these (each visitor below, read
# for what it tests; each test looks at the same children, a literal where the visitor asks
# for a number): arithmetic on two numbers, or with a 0 or a 1 where an identity drops it,
# or a -1 or a negation where it makes one (``_binop_folds``); a negation of a number, of a
# negation or of a product that starts with a number; a comparison of two literals;
# ``and``/``or`` of literals; a conditional expression with a literal test.  A statement
# with none of them (nor an annotated name, which the walk notes) has nothing to fold.
FOLD_SEEDS: dict[type, Any] = {
    gast.BinOp: _binop_folds, gast.UnaryOp: _negation_folds, gast.Compare: _compare_folds,
    gast.BoolOp: _all_constants, gast.IfExp: _constant_test}


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
