"""The front end's shortcut of the fifteenth round (issue 18 item 5) gives what it
replaces: ``ExpressionSplitter.read`` of a single name (looked up directly) against the
walk and rename it made for every node."""
from __future__ import annotations

import gast

from tangentlike.core import syntax
from tangentlike.core.naming import Namer
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
