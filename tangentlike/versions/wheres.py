"""``np.where`` adjoints merged in versions by shape.

The adjoint of ``hi = np.where(c, l1, l2)`` sends ``bhi`` to ``l1`` where ``c`` holds and
to ``l2`` elsewhere: ``bl1 = np.where(c, bhi, 0.0)``, ``bl2 = np.where(c, 0.0, bhi)``.  With
a second selection on the same mask (``lo = np.where(c, l2, l1)``) each adjoint is the sum of
two such arrays, each half zeros: ``bl1 = np.where(c, 0.0, blo)`` then
``bl1 = bl1 + np.where(c, bhi, 0.0)``.  That is one selection, ``np.where(c, bhi, blo)``
(``x + 0.0`` is ``x``), with two arrays fewer.  The same comparison written twice
(``t22 = l1 > l2``, ``t23 = l1 > l2``: the user wrote ``l1 > l2`` in both calls) is first
read from the first name, so that the masks are seen to be one.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import dataflow, syntax


def share_comparisons(fn: gast.FunctionDef) -> bool:
    """``t23 = t22`` for ``t23 = l1 > l2`` when ``t22 = l1 > l2`` came before in the same
    block and nothing in between bound ``l1``, ``l2`` or ``t22``.  True if anything changed."""
    changed = False
    for block in syntax.blocks(fn.body):
        known: dict[str, tuple[str, set[str]]] = {}  # dump of the comparison -> name, reads
        for stmt in block:
            key = _comparison(stmt)
            if key is not None and key in known:
                stmt.value = syntax.load(known[key][0])
                changed = True
            bound = dataflow.defs(stmt) if not isinstance(stmt, dataflow.COMPOUND) else None
            if bound is None:
                known.clear()
                continue
            known = {k: v for k, v in known.items()
                     if not bound & (v[1] | {v[0]})}
            if key is not None and not bound & syntax.loaded_names(stmt.value):
                known.setdefault(key, (stmt.targets[0].id, syntax.loaded_names(stmt.value)))
    return changed


def _comparison(stmt: gast.stmt) -> str | None:
    """A key for ``name = a < b`` (one comparison of names and numbers), else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Compare)
            and len(stmt.value.ops) == 1):
        return None
    operands = [stmt.value.left, *stmt.value.comparators]
    if not all(isinstance(o, gast.Name) or (isinstance(o, gast.Constant)
                                             and type(o.value) in (int, float))
               for o in operands):
        return None
    return gast.dump(stmt.value)


def merge_selections(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> bool:
    """``a = np.where(c, y, x)`` for ``a = np.where(c, 0.0, x)`` followed (in the same
    block, ``a``, ``c`` and what ``x`` reads not bound and ``a`` not read in between) by
    ``a = a + np.where(c, y, 0.0)``, and the same with the sides swapped.  True if changed."""
    changed = False
    for block in syntax.blocks(fn.body):
        i = 0
        while i < len(block):
            j = _partner(block, i, resolve)
            if j is None:
                i += 1
                continue
            first, second = block[i].value, block[j].value.right
            x_slot = 2 if _zero(first.args[1]) else 1
            merged = second.args[:]  # (c, y, 0.0) or (c, 0.0, y)
            merged[x_slot] = first.args[x_slot]
            block[j].value = gast.Call(func=second.func, args=merged, keywords=[])
            del block[i]
            changed = True
    return changed


def _partner(block: list[gast.stmt], i: int, resolve: Callable) -> int | None:
    first = block[i]
    sides = _selection(first, resolve)
    if sides is None:
        return None
    name, mask, zero_slot = first.targets[0].id, first.value.args[0].id, sides
    reads = syntax.loaded_names(first.value)
    for j in range(i + 1, len(block)):
        stmt = block[j]
        if isinstance(stmt, dataflow.COMPOUND):
            return None
        value = getattr(stmt, "value", None)
        if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and syntax.is_name(stmt.targets[0], name) and isinstance(value, gast.BinOp)
                and isinstance(value.op, gast.Add) and syntax.is_name(value.left, name)):
            other = value.right
            fake = gast.Assign(targets=[stmt.targets[0]], value=other, type_comment=None)
            if (_selection(fake, resolve) == 3 - zero_slot
                    and syntax.is_name(other.args[0], mask)
                    and name not in syntax.loaded_names(other)):
                return j
            return None
        if name in syntax.loaded_names(stmt) or dataflow.defs(stmt) & (reads | {name}):
            return None
    return None


def _selection(stmt: gast.stmt, resolve: Callable) -> int | None:
    """The zero's slot (1 or 2) of ``a = np.where(c, 0.0, x)``/``np.where(c, x, 0.0)``,
    ``c`` a name and the other slot not zero; else None."""
    value = getattr(stmt, "value", None)
    if not (isinstance(stmt, gast.Assign) and isinstance(value, gast.Call)
            and resolve(value.func) is np.where and len(value.args) == 3
            and not value.keywords and isinstance(value.args[0], gast.Name)):
        return None
    zeros = [k for k in (1, 2) if _zero(value.args[k])]
    return zeros[0] if len(zeros) == 1 else None


def _zero(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and type(node.value) is float and node.value == 0.0
