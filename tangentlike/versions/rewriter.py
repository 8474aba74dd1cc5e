"""The traversal of the versions' rewrites: ``syntax.Transformer`` for a visitor whose every
visit gives back one node (never None, never a list), so each child is replaced where it
stands; names and constants, which such a visitor never changes, are not visited."""
from __future__ import annotations

from typing import Any

import gast

from tangentlike.core import syntax


class Rewriter(syntax.Transformer):
    """A ``syntax.Transformer`` whose visits return one node each; a subclass has no
    ``visit_Name``, ``visit_Constant`` or ``visit_Attribute`` (the children skipped: a name
    in the body of a function has no annotation, a constant no child, and an attribute of
    such a name, ``np.sum`` or ``Wh.T``, nothing else inside)."""

    def generic_visit(self, node: Any) -> Any:
        # A child is visited unless it is a constant, a name without annotation or an
        # attribute of one, whose visit could change nothing (the test written out in each
        # loop: it is the traversal's most frequent step).
        for field in syntax.child_fields(node.__class__):
            value = getattr(node, field, None)
            if value.__class__ is list:
                for k, item in enumerate(value):
                    cls = item.__class__
                    if cls is gast.Name:
                        if item.annotation is not None:
                            value[k] = self.visit(item)
                    elif cls is gast.Attribute:
                        inner = item.value
                        if inner.__class__ is not gast.Name or inner.annotation is not None:
                            value[k] = self.visit(item)
                    elif cls is not gast.Constant and isinstance(item, gast.AST):
                        value[k] = self.visit(item)
            else:
                cls = value.__class__
                if cls is gast.Name:
                    if value.annotation is not None:
                        setattr(node, field, self.visit(value))
                elif cls is gast.Attribute:
                    inner = value.value
                    if inner.__class__ is not gast.Name or inner.annotation is not None:
                        setattr(node, field, self.visit(value))
                elif cls is not gast.Constant and isinstance(value, gast.AST):
                    setattr(node, field, self.visit(value))
        return node

