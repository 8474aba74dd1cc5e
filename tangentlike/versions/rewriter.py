"""The traversal of the versions' rewrites: ``syntax.Transformer`` for a visitor whose every
visit gives back one node (never None, never a list), so each child is replaced where it
stands; names and constants, which such a visitor never changes, are not visited."""
from __future__ import annotations

from typing import Any

import gast

from tangentlike.core import syntax


class Rewriter(syntax.Transformer):
    """A ``syntax.Transformer`` whose visits return one node each; a subclass has no
    ``visit_Name`` or ``visit_Constant`` (the children skipped: a name in the body of a
    function has no annotation, a constant no child)."""

    def generic_visit(self, node: Any) -> Any:
        for field in syntax.child_fields(node.__class__):
            value = getattr(node, field, None)
            if value.__class__ is list:
                for k, item in enumerate(value):
                    if _visited(item):
                        value[k] = self.visit(item)
            elif _visited(value):
                setattr(node, field, self.visit(value))
        return node


def _visited(node: Any) -> bool:
    """A node whose visit may change something: not a name without annotation or a
    constant."""
    cls = node.__class__
    if cls is gast.Constant:
        return False
    if cls is gast.Name:
        return node.annotation is not None
    return isinstance(node, gast.AST)
