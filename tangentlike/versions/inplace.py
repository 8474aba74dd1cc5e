"""Adjoints accumulated in place in versions by shape: ``bW = bW + e`` becomes ``bW += e``.

In a loop, ``bW = bW + h.T @ g`` allocates a new array every step and frees the old one;
``bW += h.T @ g`` adds into the array ``bW`` already holds.  The two differ only when another
name shares that array, or when the sum has another shape or dtype than ``bW``.  So the rewrite
is made where the instrumented run recorded one shape and dtype for ``bW`` and for the sum
(see observe.py and lower.py), and where nothing else can hold ``bW``'s array: every value bound to
``bW`` is a new array (arithmetic, or ``np.zeros``), and ``bW`` is read only by its own sums and
by ``return``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer.optimize import summed_into
from tangentlike.rules.primitive import primitive
from tangentlike.versions.cancel import recorded


def _same_array(stmt: gast.Assign) -> bool:
    """The sum has the shape and dtype of the array it is added to (as recorded)."""
    before, after = recorded(stmt.value.left), recorded(stmt.value)
    return (before is not None and before[0] is np.ndarray and before == after)


def _new_array(value: gast.expr, resolve: Callable[[gast.expr], Any]) -> bool:
    """``value`` always evaluates to an array no other name holds."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    return isinstance(value, gast.Call) and primitive(resolve(value.func)).new_array


def accumulate_in_place(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> None:
    """Rewrite ``fn``'s sums ``a = a + e`` as ``a += e`` where that cannot change a value."""
    statements = list(syntax.statements(fn.body, with_bodies=True))
    sums: dict[str, list[gast.Assign]] = {}
    owned: dict[str, bool] = {name: False for name in syntax.stored_names(fn.args)}
    for stmt in statements:
        if isinstance(stmt, dataflow.COMPOUND):  # a header: its names are not arrays we own
            for name in dataflow.uses(stmt) | dataflow.defs(stmt):
                owned[name] = False
            continue
        name = summed_into(stmt)
        if name is not None:
            sums.setdefault(name, []).append(stmt)
            owned[name] = owned.get(name, True) and _same_array(stmt)
            continue
        for target in dataflow.defs(stmt):
            fresh = (isinstance(stmt, gast.Assign) and syntax.is_name(stmt.targets[0], target)
                     and _new_array(stmt.value, resolve))
            owned[target] = owned.get(target, True) and fresh
    # Reads other than a sum's own left operand or a return could keep the array.
    left_operands = {id(s.value.left) for found in sums.values() for s in found}
    for stmt in statements:
        if isinstance(stmt, (gast.Return, *dataflow.COMPOUND)):
            continue
        for name in syntax.walk_names(stmt):
            if name.ctx.__class__ is gast.Load and id(name) not in left_operands:
                owned[name.id] = False
    rewrite = {id(s) for name, found in sums.items() if owned.get(name) for s in found}
    for block in syntax.blocks(fn.body):
        block[:] = [_augmented(s) if id(s) in rewrite else s for s in block]


def _augmented(stmt: gast.Assign) -> gast.AugAssign:
    """``a += e`` for ``a = a + e``."""
    new = gast.AugAssign(target=stmt.targets[0], op=gast.Add(), value=stmt.value.right)
    if anno.has_info(stmt):
        setattr(new, anno.KEY, anno.info(stmt))
    return new
