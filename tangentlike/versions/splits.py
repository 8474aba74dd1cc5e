"""The adjoint of a join cut into its pieces by slices, in versions by shape.

The adjoint of ``u = np.concatenate((u[:1], inner, u[-1:]))`` is ``bt = split_like(bu,
t)``: ``bu`` cut into pieces shaped like the arrays joined, which the forward sweep saved
for that alone.  The helper works the cuts out at every call (a few microseconds, in a loop
of small arrays the cost of the step).  Where each piece read (``bt[k]``) was recorded
with one shape, the cuts are known: ``bt = (bu[0:1], bu[1:999], bu[999:1000])``, the same
views of ``bu``, and the saved arrays are no longer read.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import dataflow, syntax
from tangentlike.runtime.shapes import split_like
from tangentlike.versions.cancel import recorded


def _piece_reads(fn: gast.FunctionDef, name: str) -> dict[int, list[gast.Subscript]] | None:
    """The reads ``name[k]`` (``k`` an integer literal, 0 or more) of ``name`` by position,
    or None if ``name`` is read any other way."""
    reads: dict[int, list[gast.Subscript]] = {}
    parents = syntax.parents(fn)
    for node in syntax.walk(fn):
        if not (isinstance(node, gast.Name) and node.id == name
                and isinstance(node.ctx, gast.Load)):
            continue
        parent = parents.get(id(node))
        if not (isinstance(parent, gast.Subscript) and parent.value is node
                and isinstance(parent.slice, gast.Constant)
                and type(parent.slice.value) is int and parent.slice.value >= 0):
            return None
        reads.setdefault(parent.slice.value, []).append(parent)
    return reads


def _cuts(whole: tuple, reads: dict[int, list[gast.Subscript]]) -> list[tuple[int, int]] | None:
    """(start, stop) along the first axis of each piece up to the last one read, when
    every one of them was read and recorded with one shape, of ``whole``'s rank and
    trailing axes; else None."""
    cuts, start = [], 0
    for k in range(max(reads, default=-1) + 1):
        shapes = {recorded(r) for r in reads.get(k, ())}
        if len(shapes) != 1 or None in shapes:
            return None
        ((kind, shape, dtype),) = shapes
        if not (kind is np.ndarray and dtype == whole[2] and len(shape) == len(whole[1])
                and shape[1:] == whole[1][1:]):
            return None
        cuts.append((start, start + shape[0]))
        start += shape[0]
    return cuts if cuts and start <= whole[1][0] else None


def lower_splits(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> bool:
    """Write ``bt = split_like(g, arrays)`` (the first axis) as a tuple of slices of ``g``
    where ``bt`` is bound there alone and read only as ``bt[k]``, each piece read recorded
    with one shape (see the module's docstring).  True if anything changed."""
    counts = dataflow.definition_counts(fn)
    changed = False
    for stmt in syntax.statements(fn.body, with_bodies=True):
        value = getattr(stmt, "value", None)
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call)
                and len(value.args) == 2 and not value.keywords
                and resolve(value.func) is split_like):
            continue
        name = stmt.targets[0].id
        whole = recorded(value.args[0])
        arrays = recorded(value.args[1])
        if (counts.get(name) != 1 or not isinstance(value.args[0], gast.Name)
                or whole is None or whole[0] is not np.ndarray or not whole[1]
                or arrays is None or arrays[0] not in (tuple, list)):
            continue
        reads = _piece_reads(fn, name)
        cuts = None if reads is None else _cuts(whole, reads)
        if cuts is None:
            continue
        g = value.args[0]
        stmt.value = gast.Tuple(elts=[gast.Subscript(
            value=syntax.clone(g), slice=gast.Slice(lower=syntax.const(a), upper=syntax.const(b),
                                                    step=None), ctx=gast.Load())
            for a, b in cuts], ctx=gast.Load())
        changed = True
    return changed
