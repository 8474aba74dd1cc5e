"""The adjoint of a list or tuple a loop adds to element by element, kept as slots in
versions by shape (``runtime/slots.py``).

``for W, b in params:`` has, in the backward sweep, ``bparams = zeros_like(params)`` and in
the loop ``bparams = add_element(bparams, (bW, bb), params, k)``: arrays of zeros for every
layer, each layer's adjoint added to its zeros, a new list each iteration.  Here the zero
initialisation becomes ``bparams = element_slots(params)``, each such sum ``bparams =
put_element(bparams, (bW, bb), params, k)`` (the first adjoint of an element kept as it is),
and ``bparams = filled_elements(bparams)`` is put before the first statement that reads
``bparams`` otherwise (or at the end of the block).  The rewrite is made only where every
mention of the name between the initialisation and that statement is such a sum, so the
slots are seen by the three helpers alone.

Where the container is a parameter the function never rebinds or changes, all its elements
have one structure (an array, or a tuple of arrays, of floating point), and the sum's operand
is made of new arrays of that structure (each name in it bound once, before the sum in its
block, to arithmetic, a ufunc, ``np.sum`` or a product, recorded with the element's shape
and dtype), the sum is ``put_first``: the operand is kept without checking it again at every
call.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.core import dataflow, syntax
from tangentlike.runtime import slots
from tangentlike.versions.cancel import recorded

_HELPERS = (slots.element_slots, slots.put_element, slots.put_first, slots.filled_elements)


class _Context:
    """What the rewrite reads of the function: how to resolve a call, the arguments of the
    recorded call, the names bound once and the values they are bound to."""

    def __init__(self, fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                 bound: dict[str, Any]):
        self.resolve = resolve
        counts = dataflow.definition_counts(fn)
        params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        self.bound = {k: v for k, v in bound.items() if k in params and counts.get(k) == 1}
        self.unchanged = _unchanged(fn, set(self.bound), resolve)
        self.values = {s.targets[0].id: s.value
                       for s in syntax.statements(fn.body, with_bodies=True)
                       if isinstance(s, gast.Assign) and len(s.targets) == 1
                       and isinstance(s.targets[0], gast.Name)
                       and counts.get(s.targets[0].id) == 1}


def keep_element_slots(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                       scope: dict, bound: dict[str, Any]) -> bool:
    """Rewrite every zero-initialised container adjoint that only loops add elements to
    (see the module's docstring); the helpers are added to ``scope``.  ``bound``: the
    arguments of the recorded call, by parameter.  True if anything changed."""
    names: list[str] = []
    context: _Context | None = None
    changed = False
    for block in list(syntax.blocks(fn.body)):
        i = 0
        while i < len(block):
            name = _zero_init(block[i], resolve)
            end, sums = _sums_until_read(block, i + 1, name, resolve) if name else (i, [])
            if not any(isinstance(block[j], (gast.For, gast.While)) for j in sums):
                i += 1
                continue
            if not names:
                taken = syntax.all_names(fn)
                names = [_name_in(scope, taken, h) for h in _HELPERS]
                context = _Context(fn, resolve, bound)
            slots_name, put_name, first_name, filled_name = names
            like = block[i].value.args[0]
            template = _template(context, like)
            block[i].value.func = syntax.load(slots_name)
            for j in sums:
                for inner in syntax.blocks(block[j:j + 1]):
                    for at, stmt in enumerate(inner):
                        if not _is_sum(stmt, name, resolve):
                            continue
                        trusted = template is not None and syntax.is_name(
                            stmt.value.args[2], like.id) and _matches(
                                context, stmt.value.args[1], template, inner[:at])
                        stmt.value.func = syntax.load(first_name if trusted else put_name)
            block.insert(end, syntax.assign(name, syntax.call(filled_name,
                                                              [syntax.load(name)])))
            changed = True
            i = end + 1
    return changed


def _zero_init(stmt: gast.stmt, resolve: Callable[[gast.expr], Any]) -> str | None:
    """``name`` for ``name = zeros_like(x)``."""
    if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)
            and len(stmt.value.args) == 1 and not stmt.value.keywords
            and resolve(stmt.value.func) is runtime.zeros_like
            and stmt.targets[0].id not in syntax.loaded_names(stmt.value)):
        return stmt.targets[0].id
    return None


def _is_sum(stmt: gast.stmt, name: str, resolve: Callable[[gast.expr], Any]) -> bool:
    """``name = add_element(name, g, xs, k)`` with ``name`` read nowhere else."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and syntax.is_name(stmt.targets[0], name) and isinstance(stmt.value, gast.Call)):
        return False
    call = stmt.value
    return (len(call.args) == 4 and not call.keywords and syntax.is_name(call.args[0], name)
            and resolve(call.func) is runtime.add_element
            and not any(name in syntax.all_names(a) for a in call.args[1:]))


def _mentions(node: gast.AST, name: str) -> int:
    return sum(1 for n in syntax.walk(node) if isinstance(n, gast.Name) and n.id == name)


def _sums_until_read(block: list[gast.stmt], start: int, name: str,
                     resolve: Callable[[gast.expr], Any]) -> tuple[int, list[int]]:
    """The position of the first statement from ``start`` on that mentions ``name`` other
    than in sums (``len(block)`` if none), and the positions of those before it that hold
    sums (each of their mentions of ``name`` in one)."""
    sums = []
    for j in range(start, len(block)):
        stmt = block[j]
        if _leaves_block(stmt):  # the filling after it could be skipped: no slots
            return j, sums
        mentioned = _mentions(stmt, name)
        if not mentioned:
            continue
        if any(isinstance(n, (gast.FunctionDef, gast.Lambda)) for n in syntax.walk(stmt)):
            return j, sums
        in_sums = sum(2 for s in syntax.statements([stmt], with_bodies=True)
                      if _is_sum(s, name, resolve))
        if in_sums != mentioned:
            return j, sums
        sums.append(j)
    return len(block), sums


def _leaves_block(stmt: gast.stmt) -> bool:
    """``break`` or ``continue`` of a loop around the block (not inside ``stmt``'s own
    loops): the block may be left before the statement that fills the slots."""
    if isinstance(stmt, (gast.Break, gast.Continue)):
        return True
    if isinstance(stmt, (gast.For, gast.While)):
        return any(_leaves_block(s) for s in stmt.orelse)
    return any(_leaves_block(s) for field in ("body", "orelse", "handlers", "finalbody")
               for s in getattr(stmt, field, None) or [] if isinstance(s, gast.stmt))


# -- the operand kept without checks -----------------------------------------------------------
_READERS = (len, runtime.zeros_like, runtime.add_element, runtime.add_item, runtime.unindex,
            runtime.unelement, slots.element_slots, slots.put_element, slots.put_first)


def _unchanged(fn: gast.FunctionDef, names: set[str],
               resolve: Callable[[gast.expr], Any]) -> set[str]:
    """Those of ``names`` whose list the function cannot change: each read of the name is
    a loop's iterable, an item read (``xs[i]``) or an argument of ``len`` or a helper that
    reads only its structure (no method, no other call, no other name bound to it)."""
    parents = syntax.parents(fn)
    changed = set()
    for node in syntax.walk(fn):
        if not (isinstance(node, gast.Name) and node.id in names
                and isinstance(node.ctx, gast.Load)):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, gast.For) and parent.iter is node:
            continue
        if isinstance(parent, gast.Subscript) and parent.value is node and isinstance(
                parent.ctx, gast.Load):
            continue
        if isinstance(parent, gast.Call) and any(a is node for a in parent.args) and any(
                resolve(parent.func) is r for r in _READERS):
            continue
        changed.add(node.id)
    return names - changed


def _leaf(value: Any) -> tuple | None:
    """(shape, dtype) of a floating point array of rank 1 or more, else None."""
    if type(value) is np.ndarray and value.ndim and value.dtype.kind in "fc":
        return value.shape, value.dtype
    return None


def _structure(value: Any) -> Any:
    """An array's ``_leaf``, or (tuple, leaves) of a tuple of such arrays; None for anything
    else."""
    if type(value) is tuple:
        leaves = [_leaf(v) for v in value]
        return None if None in leaves else (type(value), tuple(leaves))
    return _leaf(value)


def _template(context: _Context, like: gast.expr) -> Any:
    """The one structure every element of the parameter ``like`` has (elements that cannot
    change: arrays, or tuples of arrays), where the function never changes the list (see
    ``_unchanged``); else None."""
    if not isinstance(like, gast.Name) or like.id not in context.bound or (
            like.id not in context.unchanged):
        return None
    xs = context.bound[like.id]
    if type(xs) not in (list, tuple) or not xs:
        return None
    first = _structure(xs[0])
    return first if first is not None and all(_structure(x) == first for x in xs) else None


def _matches(context: _Context, operand: gast.expr, template: Any,
             before: list[gast.stmt]) -> bool:
    """The operand of a sum always has the structure ``template`` and new arrays: names,
    each bound once, by a statement of ``before`` (the sum's block, before it), to
    arithmetic, a ufunc, a sum or a product recorded as such arrays; in a tuple or list written
    out where the element is one, each name once."""
    if isinstance(template[0], type):
        kind, leaves = template
        node_kind = {tuple: gast.Tuple, list: gast.List}[kind]
        names = [e.id for e in operand.elts] if isinstance(operand, node_kind) and all(
            isinstance(e, gast.Name) for e in operand.elts) else []
        return (len(names) == len(leaves) == len(set(names))
                and all(_matches(context, e, leaf, before)
                        for e, leaf in zip(operand.elts, leaves)))
    if not isinstance(operand, gast.Name) or operand.id not in context.values:
        return False
    value = context.values[operand.id]
    if not any(s.value is value for s in before if isinstance(s, gast.Assign)):
        return False
    seen = recorded(value)
    return seen is not None and seen == (np.ndarray, *template) and _new_array(
        value, context.resolve)


_NEW_ARRAYS = (np.sum, np.dot, np.matmul, np.outer)  # for arrays, a new one every call


def _new_array(value: gast.expr, resolve: Callable[[gast.expr], Any]) -> bool:
    """Arithmetic, a ufunc or a product or sum (without ``out=``): a new array each time it
    runs, for arrays (the value is recorded as an array of rank 1 or more)."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if not isinstance(value, gast.Call) or any(k.arg == "out" for k in value.keywords):
        return False
    fn = resolve(value.func)
    return isinstance(fn, np.ufunc) or any(fn is f for f in _NEW_ARRAYS)


def _name_in(scope: dict, taken: set[str], helper: Callable) -> str:
    """The name ``helper`` has in ``scope``, added under its own name (or a numbered one)
    where neither ``scope`` nor the function (``taken``) has that name."""
    for key, value in scope.items():
        if value is helper and key not in taken:
            return key
    name, n = helper.__name__, 1
    while name in scope or name in taken:
        n += 1
        name = f"{helper.__name__}_{n}"
    scope[name] = helper
    return name
