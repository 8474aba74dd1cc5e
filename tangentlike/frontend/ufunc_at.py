"""``np.add.at(x, i, v)``: a ufunc's scatter in place, written as the assignment it is.

``np.f.at(x, i, v)`` changes ``x`` in place, repeated indices accumulating.  The statement
becomes ``x[...] = f_at(x, i, v)``, where ``f_at`` (``tangentlike/runtime/ufunc_methods.py``)
does the same scatter into a copy of ``x`` and has rules of its own; the assignment into
``x`` then follows NumPy's in-place semantics as ``x[i] += v`` does (views and aliases
refused or checked, a parameter written into worked on as a copy and written back).  The
ufuncs with such a helper: ``add subtract multiply divide maximum minimum fmax fmin``; the
others' ``at``, and ``at`` into an element or field (``np.add.at(x[0], i, v)``), stay calls
whose changes the derivative cannot follow (refused when they touch a differentiated value).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.frontend.operations import resolve
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.runtime import ufunc_methods

HELPERS: dict[np.ufunc, Callable] = {
    np.add: ufunc_methods.add_at, np.subtract: ufunc_methods.subtract_at,
    np.multiply: ufunc_methods.multiply_at, np.divide: ufunc_methods.divide_at,
    np.maximum: ufunc_methods.maximum_at, np.minimum: ufunc_methods.minimum_at,
    np.fmax: ufunc_methods.fmax_at, np.fmin: ufunc_methods.fmin_at,
}


def is_ufunc_at(func: Any) -> bool:
    """Whether ``func`` is a ufunc's ``at`` method (``np.add.at``)."""
    return getattr(func, "__name__", None) == "at" and isinstance(
        getattr(func, "__self__", None), np.ufunc)


def scatter_helper(func: Any) -> Callable | None:
    """The helper that does ``func``'s scatter on a copy, when ``func`` is ``np.f.at`` of a
    ufunc that has one; else None."""
    return HELPERS.get(func.__self__) if is_ufunc_at(func) else None


def lower_ufunc_at(body: list[gast.stmt], parsed: ParsedFunction, local_names: set[str],
                   helper: Callable[[Callable], gast.expr]) -> list[gast.stmt]:
    """``body`` with each statement ``np.f.at(x, i, v)`` (``x`` a name) written
    ``x[...] = f_at(x, i, v)``, in nested blocks too; ``helper`` names a runtime helper."""
    out = []
    for stmt in body:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                setattr(stmt, field, lower_ufunc_at(inner, parsed, local_names, helper))
        for handler in getattr(stmt, "handlers", None) or ():
            handler.body = lower_ufunc_at(handler.body, parsed, local_names, helper)
        out.append(_lowered(stmt, parsed, local_names, helper) or stmt)
    return out


def _lowered(stmt: gast.stmt, parsed: ParsedFunction, local_names: set[str],
             helper: Callable[[Callable], gast.expr]) -> gast.stmt | None:
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if not (isinstance(call, gast.Call) and len(call.args) == 3 and not call.keywords
            and isinstance(call.func, gast.Attribute) and call.func.attr == "at"
            and isinstance(call.args[0], gast.Name)
            and not any(isinstance(a, gast.Starred) for a in call.args)):
        return None
    scatter = scatter_helper(resolve(call.func, parsed, local_names))
    if scatter is None:
        return None
    target, indices, operand = call.args
    new = gast.Assign(
        targets=[gast.Subscript(value=syntax.load(target.id), slice=syntax.const(Ellipsis),
                                ctx=gast.Store())],
        value=syntax.call(helper(scatter), [syntax.load(target.id), indices, operand]),
        type_comment=None)
    todo = [new]
    while todo:
        node = todo.pop()
        if not hasattr(node, "lineno") or node.lineno is None:
            gast.copy_location(node, stmt)
        todo += list(gast.iter_child_nodes(node))
    return new
