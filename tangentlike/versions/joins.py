"""A join of an array's own pieces around new ones, in versions by shape: ``u =
np.concatenate((u[:1], inner, u[-1:]))`` is ``u = u.copy(); u[1:-1] = inner``.

``np.concatenate`` of small arrays costs about a microsecond of its own (the display, the
pieces' views, the call), twice a copy and a slice assignment: in a loop of small arrays (the
stencil of S1, 200 steps of 1,000 points) the join is the most costly statement of a
forward step.  Where every piece that is a slice of one array ``a`` (constant bounds, along
the first axis) lands where it was in ``a``, and ``a`` has the join's shape and dtype, the
join is ``a``'s copy with the other pieces written over their places: the same values, in a
new array of the same shape, dtype and (C) order that no other name holds.

Only where the instrumented run recorded one shape and dtype for the join, the same for
every definition of ``a`` that reaches it (a parameter's from the call's arguments), and
one for every definition of each other piece, with the join's dtype and trailing axes: the
pieces' lengths follow, and must add up to the join's.  The other pieces are names (neither
the target nor ``a``: the copy and the writes come before they are read), the join a plain
``np.concatenate`` of one display, no ``axis`` given.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, dataflow, syntax
from tangentlike.versions.cancel import recorded


def fill_joins(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
               bound: dict[str, Any]) -> bool:
    """Write each join of an array's own pieces around named ones as a copy of the array
    and writes of those pieces (see the module); ``bound``: the parameters' values of the
    version's call.  True if any changed."""
    joins = [s for s in syntax.statements(fn.body, with_bodies=True) if _join(s, resolve)]
    if not joins:
        return False
    reaching = dataflow.reaching_definitions(fn)
    by_id = {id(s): s for s in syntax.statements(fn.body, with_bodies=True)}
    rewritten: dict[int, list[gast.stmt]] = {}
    for stmt in joins:
        new = _filled(stmt, reaching[id(stmt)], by_id, fn, bound)
        if new is not None:
            rewritten[id(stmt)] = new
    if not rewritten:
        return False
    for block in syntax.blocks(fn.body):
        block[:] = [new for s in block for new in rewritten.get(id(s), [s])]
    return True


def _join(stmt: gast.stmt, resolve: Callable[[gast.expr], Any]) -> bool:
    """``x = np.concatenate((p, q, ...))``: one display, no keywords, no ``*``."""
    value = getattr(stmt, "value", None)
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call)
            and len(value.args) == 1 and not value.keywords
            and isinstance(value.args[0], (gast.Tuple, gast.List)) and value.args[0].elts
            and not any(isinstance(e, gast.Starred) for e in value.args[0].elts)
            and resolve(value.func) is np.concatenate)


def _filled(stmt: gast.Assign, reaching: dataflow.Definitions, by_id: dict[int, gast.stmt],
            fn: gast.FunctionDef, bound: dict[str, Any]) -> list[gast.stmt] | None:
    """``x = a.copy()`` and ``x[i:j] = m`` for each named piece ``m``, or None where the
    join is not one of an array's own pieces (see the module)."""
    whole = recorded(stmt.value)
    if whole is None or whole[0] is not np.ndarray or not whole[1]:
        return None
    length = whole[1][0]
    target = stmt.targets[0].id
    pieces = stmt.value.args[0].elts
    cuts = [_const_slice(p) for p in pieces]
    sliced = {c[0] for c in cuts if c is not None}
    if len(sliced) != 1 or all(c is not None for c in cuts):
        return None
    (array,) = sliced
    if _shape_of(array, reaching, by_id, fn, bound) != whole:
        return None
    writes: list[gast.stmt] = []
    at = 0
    for piece, cut in zip(pieces, cuts):
        if cut is not None:
            start, stop, _ = slice(cut[1], cut[2]).indices(length)
            size = max(stop - start, 0)
            if size and start != at:
                return None  # a piece of ``a`` that moves
        else:
            if not isinstance(piece, gast.Name) or piece.id in (target, array):
                return None
            seen = _shape_of(piece.id, reaching, by_id, fn, bound)
            if seen is None or seen[0] is not np.ndarray or seen[2] != whole[2] \
                    or len(seen[1]) != len(whole[1]) or seen[1][1:] != whole[1][1:]:
                return None
            size = seen[1][0]
            if size:
                writes.append(_write(target, at, at + size, piece))
        at += size
    if at != length:
        return None
    copy = syntax.assign(target, syntax.call(gast.Attribute(
        value=syntax.load(array), attr="copy", ctx=gast.Load()), []))
    for new in [copy, *writes]:
        record = anno.info(stmt)
        anno.info(new).__dict__.update(origin=record.origin, generated=record.generated,
                                       active=record.active)
    anno.info(copy.value).seen = anno.info(stmt.value).seen
    return [copy, *writes]


def _write(target: str, start: int, stop: int, piece: gast.Name) -> gast.Assign:
    """``target[start:stop] = piece``."""
    return gast.Assign(targets=[gast.Subscript(
        value=syntax.load(target), slice=gast.Slice(
            lower=syntax.const(start), upper=syntax.const(stop), step=None),
        ctx=gast.Store())], value=syntax.clone(piece), type_comment=None)


def _const_slice(node: gast.expr) -> tuple[str, int | None, int | None] | None:
    """(a, lower, upper) of ``a[lower:upper]`` with integer literal bounds (or none, a
    negative one as ``-n``), else None."""
    if not (isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name)
            and isinstance(node.slice, gast.Slice) and node.slice.step is None):
        return None
    bounds = [_literal(b) for b in (node.slice.lower, node.slice.upper)]
    if False in bounds:
        return None
    return node.value.id, bounds[0], bounds[1]


def _literal(node: gast.expr | None) -> int | None | bool:
    """The integer a slice bound is (None for none), False for anything else."""
    if node is None:
        return None
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _literal(node.operand)
        return False if inner is None or inner is False else -inner
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    return False


def _shape_of(name: str, reaching: dataflow.Definitions, by_id: dict[int, gast.stmt],
              fn: gast.FunctionDef, bound: dict[str, Any]) -> tuple | None:
    """The one ``(type, shape, dtype)`` of every definition of ``name`` reaching a
    statement (a parameter's from its value), or None."""
    found = set()
    for definition in reaching.get(name, ()):
        if definition == id(fn):
            value = bound.get(name)
            if type(value) is not np.ndarray:
                return None
            found.add((np.ndarray, value.shape, value.dtype))
            continue
        stmt = by_id.get(definition)
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and syntax.is_name(stmt.targets[0], name)):
            return None
        seen = recorded(stmt.value)
        if seen is None:
            return None
        found.add(seen)
    return found.pop() if len(found) == 1 else None
