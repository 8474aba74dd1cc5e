"""Filled arrays that are only added to, in versions by shape.

The adjoint of ``np.sum(a)`` spreads the scalar gradient over ``a``'s shape,
``ba = np.full((n,), g)``; when the next thing done with ``ba`` is to add an array of that
shape and dtype (``ba = ba - bt``), the filled array is only a step: ``ba = g - bt``
broadcasts ``g`` itself, element by element the same, with one array fewer to fill.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import dataflow, syntax
from tangentlike.versions.cancel import recorded


def spread_fills(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> bool:
    """``x = v - y`` for ``x = np.full(s, v)`` followed in the same block by ``x = x - y``
    (or ``x + y``, ``y + x``), ``v`` a number or a name of one, nothing in between reading
    ``x`` or rebinding ``x`` or ``v``, where the sum was recorded with the type, shape and
    dtype of ``y`` (so ``y`` has the full shape and ``v`` rounds as the filled array did);
    the fill is removed.  True if anything changed."""
    changed = False
    for block in syntax.blocks(fn.body):
        i = 0
        while i < len(block):
            j = _partner(block, i, resolve)
            if j is None:
                i += 1
                continue
            name = block[i].targets[0].id
            value = block[i].value.args[1]
            total = block[j].value
            side = "left" if syntax.is_name(total.left, name) else "right"
            setattr(total, side, value)
            del block[i]
            changed = True
    return changed


def _partner(block: list[gast.stmt], i: int, resolve: Callable) -> int | None:
    """The index of the ``x = x + y`` that ``block[i]``, a fill, may go into, else None."""
    value = _fill(block[i], resolve)
    if value is None:
        return None
    name = block[i].targets[0].id
    reads = syntax.loaded_names(value)
    for j in range(i + 1, len(block)):
        stmt = block[j]
        if name in syntax.loaded_names(stmt):
            return j if _adds_to(stmt, name) else None
        if syntax.stored_names(stmt) & (reads | {name}) or (
                not isinstance(stmt, dataflow.COMPOUND) and dataflow.defs(stmt) & reads):
            return None
    return None


def _fill(stmt: gast.stmt, resolve: Callable) -> gast.expr | None:
    """``v`` of ``x = np.full(s, v)``, ``v`` a number or a name recorded as a scalar."""
    value = getattr(stmt, "value", None)
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call)
            and len(value.args) == 2 and not value.keywords
            and resolve(value.func) is np.full):
        return None
    fill = value.args[1]
    if isinstance(fill, gast.Constant):
        return fill if type(fill.value) in (int, float) else None
    seen = recorded(fill)
    if not isinstance(fill, gast.Name) or seen is None or seen[1] != () \
            or seen[0] is np.ndarray:  # (a 0-d array could change in place)
        return None
    return fill


def _adds_to(stmt: gast.stmt, name: str) -> bool:
    """``stmt`` is ``name = name + y``, ``name - y`` or ``y + name``, ``y`` reading no
    ``name``, recorded as an array with the sum's type, shape and dtype."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and syntax.is_name(stmt.targets[0], name) and isinstance(stmt.value, gast.BinOp)):
        return False
    total = stmt.value
    if syntax.is_name(total.left, name) and isinstance(total.op, (gast.Add, gast.Sub)):
        other = total.right
    elif syntax.is_name(total.right, name) and isinstance(total.op, gast.Add):
        other = total.left
    else:
        return False
    seen = recorded(other)
    return (name not in syntax.loaded_names(other) and seen is not None
            and seen[0] is np.ndarray and seen == recorded(total))
