"""A node's children, as the front end's walks read them."""
from __future__ import annotations

import gast

from tangentlike.core import syntax


def child_nodes(node: gast.AST) -> list[gast.AST]:
    """``gast.iter_child_nodes(node)`` (the same order) without the contexts, operators and
    other leaves (``syntax.child_fields``), which hold no expression or statement; several
    times faster."""
    found = []
    for field in syntax.child_fields(node.__class__):
        value = getattr(node, field, None)
        if value.__class__ is list:
            found += [item for item in value if isinstance(item, gast.AST)]
        elif isinstance(value, gast.AST):
            found.append(value)
    return found
