"""Where the joint function is cut for split motion."""
from __future__ import annotations

import gast

from tangentlike.core import syntax


def is_boundary(stmt: gast.stmt) -> bool:
    """The empty comment between the forward sweep and the backward sweep."""
    return syntax.is_comment(stmt) and stmt.value.value == ""
