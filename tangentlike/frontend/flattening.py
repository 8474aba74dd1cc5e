"""autograd's ``flatten`` unpacked where it is called: ``v, unflatten = flatten(value)`` is
``v = flat_vector(value)`` then ``unflatten = Unflatten(value)``.

``flatten`` (``tangentlike.runtime.flat``, which autograd's stands for) returns the vector and
a function; unpacked from one result, both names would carry the derivative of ``value``, and
a later ``unflatten(w)`` would be refused as a call of a value that carries a derivative.  The
function only knows the structure's shapes (``Unflatten`` carries no derivative), so written
as two statements, ``unflatten(w)`` is a call found when it runs, differentiated with respect
to ``w`` (``Unflatten.__call__`` is ``unflat(w, self.like)``, which has a rule).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast

from tangentlike.core import anno, syntax
from tangentlike.runtime.flat import Unflatten, flat_vector, flatten


def unpacked(stmt: gast.stmt, resolve: Callable[[gast.expr], Any]) -> bool:
    """``a, b = flatten(value)`` (autograd's ``flatten`` or tangentlike's)."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1):
        return False
    target, value = stmt.targets[0], stmt.value
    return (isinstance(target, (gast.Tuple, gast.List)) and len(target.elts) == 2
            and all(isinstance(e, gast.Name) for e in target.elts)
            and isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords
            and not isinstance(value.args[0], gast.Starred)
            and syntax.dotted_name(value.func) is not None and resolve(value.func) is flatten)


def split(stmt: gast.Assign, name_for: Callable[[Any, str], str],
          bind: Callable[[str, gast.expr], gast.expr]) -> list[gast.stmt]:
    """The two statements of ``a, b = flatten(value)`` (``bind`` puts ``value`` in a name of
    its own first, unless it is one)."""
    vector, function = stmt.targets[0].elts
    value = stmt.value.args[0]
    if not isinstance(value, gast.Name):
        value = bind("flattened", value)
    out = []
    for name, target, preferred in ((vector.id, flat_vector, "flat_vector"),
                                    (function.id, Unflatten, "Unflatten")):
        func = syntax.parse_expr(name_for(target, preferred))
        anno.info(func).callee = target
        out.append(gast.copy_location(
            syntax.assign(name, syntax.call(func, [syntax.clone(value)])), stmt))
    return out
