"""The front end's shortcuts of the fifteenth round (issue 18 item 5) give what they
replace: ``ExpressionSplitter.read`` of a single name (looked up directly) against the
walk and rename it made for every node; ``shared_values._binds_pure_value`` of
arithmetic on names and literals (no walk) against the walk."""
from __future__ import annotations

import math

import gast
from support import trees_of_test_functions

from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend import shared_values
from tangentlike.frontend.operands import ExpressionSplitter
from tangentlike.frontend.parsing import parse_function


def _walked_read(splitter: ExpressionSplitter, node: gast.expr) -> gast.expr:
    """``read`` as it was for every node: a walk of the node's names, then a rename."""
    current = splitter.current
    return syntax.rename(node, {k: current[k] for k in syntax.all_names(node)
                                if k in current and current[k] != k})


def _f(x, y):
    return x * y


def test_read_of_a_name_is_the_walked_read() -> None:
    """A name with a newer version, one that is its own version, one the function never
    bound, and a name stored: the same node back (or the same new name, in the same
    context) as the walk and rename give."""
    parsed = parse_function(_f)
    splitter = ExpressionSplitter(parsed, Namer(set()))
    splitter.current.update({"x": "x_1", "y": "y"})
    for name, ctx in [("x", gast.Load()), ("y", gast.Load()), ("z", gast.Load()),
                      ("x", gast.Store())]:
        node = gast.Name(id=name, ctx=ctx, annotation=None, type_comment=None)
        ours = splitter.read(node)
        theirs = _walked_read(splitter, gast.Name(id=name, ctx=ctx, annotation=None,
                                                  type_comment=None))
        assert (ours is node) == (theirs.id == name)
        assert syntax.dump(ours) == syntax.dump(theirs)
        assert ours.ctx.__class__ is ctx.__class__


def _walked_binds_pure_value(stmt: gast.stmt) -> bool:
    """``shared_values._binds_pure_value`` as it was, with every callee taken for pure: the
    walk of the value for the nodes that make it not pure (the callees' purity aside)."""
    if not (isinstance(stmt, gast.Assign) and all(
            isinstance(t, gast.Name) or isinstance(t, gast.Tuple)
            and all(isinstance(e, gast.Name) for e in t.elts) for t in stmt.targets)):
        return False
    for node in syntax.walk(stmt.value):
        if isinstance(node, gast.Call):
            if any(k.arg in ("out", None) for k in node.keywords):
                return False
        elif isinstance(node, gast.Attribute):
            if node.attr not in shared_values._ARRAY_ATTRIBUTES \
                    and syntax.dotted_name(node) is None:
                return False
        elif isinstance(node, (gast.Lambda, gast.NamedExpr, gast.Yield, gast.YieldFrom,
                               gast.Await)):
            return False
    return True


def test_binds_pure_value_of_arithmetic_on_names_is_the_walk() -> None:
    """``_binds_pure_value``'s answer for arithmetic on names and literals (without its
    walk) is the walk's, on every assignment of every test function, parsed and
    normalized, and on hand-made ones (a tuple operand, a target tuple, a subscript
    target, a call operand, which the shortcut leaves to the walk)."""
    statements = [s for tree in trees_of_test_functions() for s in syntax.walk(tree)
                  if isinstance(s, gast.Assign)]
    statements += syntax.parse(
        "a = b + 1\na, c = (b, 1) * d\na[0] = b - 2.0\na = f(b) + c\na = -b\n").body
    arithmetic = 0
    for stmt in statements:
        ours = shared_values._binds_pure_value(stmt, lambda func: math.sin)  # (pure)
        assert ours == _walked_binds_pure_value(stmt), syntax.dump(stmt)
        arithmetic += isinstance(stmt.value, gast.BinOp) and shared_values._plain(
            stmt.value.left) and shared_values._plain(stmt.value.right)
    assert arithmetic > 100
