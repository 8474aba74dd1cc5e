"""The adjoint of a list, tuple or dict parameter read at constant indices, one variable per
item, in versions by shape.

The general derivative of ``h @ params[2] + params[3]`` builds the adjoint of the container
item by item: ``bparams = unindex(g3, params, 3)`` (a container of zeros the size of every
item, with ``g3`` added to item 3), then ``bparams = add_item(bparams, g2, params, 2)`` (a
copy of the container, item 2 summed): a zero array per item, a sum over each, a container
per item read.  In a version by shape the container's structure is the signature's (the
same type, length, keys and item shapes at every call), so each item gets a variable of
its own: ``bparams_3 = g3``, ``bparams_2 = bparams_2 + g`` where an item is read twice, and
the container is built once after the last of them (``bparams = [bparams_0, ...]``; for a
dict ``{'W1': bparams_W1, ...}`` in the argument's order), with zeros for the items never
read.  The same values, as a tuple parameter unpacked (``W1, b1 = params``) gets them.

It is done only where nothing can change the container meanwhile: the parameter is never
bound again and read only as ``params[k]`` (a constant ``k``) and by the adjoint's own
calls; no call runs the user's code or a function not known to be pure; no item is
assigned, no method that changes a list or dict is called (but the derivative's own stacks'
``append`` and ``pop``); the adjoint's statements are at the function's top level, read
by nothing but each other before the container is built; every item is an array or a number
(a container inside the container keeps the general code).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.core import anno, dataflow, syntax
from tangentlike.core.naming import Namer
from tangentlike.rules.registry import is_pure_function
from tangentlike.versions.cancel import recorded
from tangentlike.versions.lowerings import dtype_of, zeros_of
from tangentlike.versions.signature import describe

# Methods that change a list or dict in place.
_MUTATING = {"append", "extend", "insert", "pop", "remove", "clear", "reverse", "sort",
             "update", "setdefault", "popitem", "__setitem__", "__delitem__", "__iadd__",
             "__imul__"}
_CONTAINERS = (list, tuple, dict)
# Builtins that make new values and change none of their arguments.
_BUILTINS = {reversed, zip, enumerate, tuple, list, dict, max, min, sorted, abs}


def split_items(fn: gast.FunctionDef, bound: dict[str, Any],
                resolve: Callable[[gast.expr], Any], numpy: str) -> bool:
    """Give each item of a container parameter's adjoint a variable of its own (see the
    module docstring); ``bound``: the version's arguments by parameter name.  True if
    ``fn`` changed."""
    params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    candidates = {p for p in params if type(bound.get(p)) in _CONTAINERS
                  and all(_plain(v) for v in _values(bound[p]))}
    if not candidates or not _nothing_mutates(fn, resolve):
        return False
    candidates -= {n for stmt in fn.body for n in syntax.stored_names(stmt)}
    chains = _chains(fn, candidates, resolve)
    if not chains:
        return False
    namer = Namer(syntax.all_names(fn))
    changed = False
    for adjoint, (x, stmts) in chains.items():
        if _only_read_by_chain(fn, adjoint, x, stmts):
            changed |= _rewrite(fn, adjoint, x, stmts, bound[x], namer, numpy)
    return changed


def _values(container: Any) -> list:
    return list(container.values()) if isinstance(container, dict) else list(container)


def _plain(value: Any) -> bool:
    """An item the rewrite handles: an array or a number (not a container)."""
    return type(value) in (np.ndarray, float, int, bool, complex) or value is None or (
        isinstance(value, np.generic))


def _nothing_mutates(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> bool:
    """No statement of ``fn`` can change a container (see the module docstring)."""
    stacks = _stacks(fn)
    for node in syntax.walk(fn):
        if isinstance(node, (gast.FunctionDef, gast.Lambda, gast.Global, gast.Nonlocal)) \
                and node is not fn:
            return False
        if isinstance(node, (gast.Subscript, gast.Attribute)) and isinstance(
                node.ctx, (gast.Store, gast.Del)):
            return False  # an item or attribute assigned: of what, the records do not say
        if isinstance(node, gast.Call):
            if isinstance(node.func, gast.Attribute) and resolve(node.func) is None:
                if node.func.attr in _MUTATING and not (
                        isinstance(node.func.value, gast.Name) and node.func.value.id in stacks):
                    return False
            elif not _pure(resolve(node.func)):
                return False
    return True


def _pure(func: Any) -> bool:
    try:
        return func in _BUILTINS or is_pure_function(func)
    except TypeError:  # unhashable
        return False


def _stacks(fn: gast.FunctionDef) -> set[str]:
    """The names bound only by ``name = []`` (the derivative's stacks)."""
    empty: set[str] = set()
    other: set[str] = set()
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.List) \
                and not stmt.value.elts:
            empty.add(stmt.targets[0].id)
        elif isinstance(stmt, gast.For):
            other |= syntax.stored_names(stmt.target)
        elif isinstance(stmt, gast.With):
            other |= {n for item in stmt.items if item.optional_vars is not None
                      for n in syntax.stored_names(item.optional_vars)}
        elif not isinstance(stmt, dataflow.COMPOUND):
            other |= syntax.stored_names(stmt)
    params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    return empty - other - params


_NOT_CONSTANT = object()


def _index(node: gast.expr) -> Any:
    """The value of a constant index (``None`` too, a dict's key), or ``_NOT_CONSTANT``."""
    if isinstance(node, gast.Constant) and not isinstance(node.value, bytes):
        return node.value
    return _NOT_CONSTANT


def _chains(fn: gast.FunctionDef, candidates: set[str],
            resolve: Callable[[gast.expr], Any]) -> dict[str, tuple[str, list[gast.Assign]]]:
    """Each adjoint ``b`` built by a top-level ``b = unindex(g, x, k)`` followed by
    ``b = add_item(b, g, x, k)`` statements, and bound by nothing else: ``x`` and the
    statements, in order."""
    chains: dict[str, tuple[str, list[gast.Assign]]] = {}
    broken: set[str] = set()
    top = {id(s) for s in fn.body}
    for stmt in syntax.statements(fn.body, with_bodies=True):
        names = syntax.stored_names(stmt)
        link = _link(stmt, resolve) if id(stmt) in top else None
        if link is None:
            broken |= names
            continue
        adjoint, x, first = link
        if x not in candidates:
            broken.add(adjoint)
        elif first:
            if adjoint in chains:
                broken.add(adjoint)
            chains[adjoint] = (x, [stmt])
        elif adjoint not in chains or chains[adjoint][0] != x:
            broken.add(adjoint)
        else:
            chains[adjoint][1].append(stmt)
    return {b: chain for b, chain in chains.items() if b not in broken}


def _link(stmt: gast.stmt, resolve: Callable[[gast.expr], Any]) -> tuple | None:
    """(adjoint, container, first) of ``b = unindex(g, x, k)`` (first) or ``b = add_item(b,
    g, x, k)`` with ``x`` a name and ``k`` a constant, else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)
            and not stmt.value.keywords):
        return None
    call, adjoint = stmt.value, stmt.targets[0].id
    func = resolve(call.func)
    if func is runtime.unindex and len(call.args) == 3:
        x, index, first = call.args[1], call.args[2], True
    elif func is runtime.add_item and len(call.args) == 4 and syntax.is_name(
            call.args[0], adjoint):
        x, index, first = call.args[2], call.args[3], False
    else:
        return None
    if not isinstance(x, gast.Name) or _index(index) is _NOT_CONSTANT:
        return None
    return adjoint, x.id, first


def _only_read_by_chain(fn: gast.FunctionDef, adjoint: str, x: str,
                        stmts: list[gast.Assign]) -> bool:
    """``adjoint`` is read only by its chain until its last statement (and anything after
    it), ``x`` only as ``x[k]`` and by the chain, every index names one of its items."""
    last = fn.body.index(stmts[-1])
    allowed: set[int] = set()  # the Name nodes the chain reads
    for stmt in stmts:
        call = stmt.value
        allowed.add(id(call.args[1] if len(call.args) == 3 else call.args[2]))
        if len(call.args) == 4:
            allowed.add(id(call.args[0]))
    for position, stmt in enumerate(fn.body):
        for node in syntax.walk(stmt):
            if isinstance(node, gast.Subscript) and syntax.is_name(node.value, x) \
                    and isinstance(node.ctx, gast.Load) and _index(node.slice) is not _NOT_CONSTANT:
                allowed.add(id(node.value))
        for name in syntax.walk_names(stmt):
            if not isinstance(name.ctx, gast.Load) or id(name) in allowed:
                continue
            if name.id == x:
                return False  # read as a whole: passed on, iterated, measured
            if name.id == adjoint and position <= last:
                return False
    return True


def _position(container: Any, index: Any) -> int | None:
    """The position of item ``index`` in ``container`` (a key, or an integer from the end
    too), or None when there is none."""
    if isinstance(container, dict):
        keys = list(container)
        try:
            return keys.index(index)
        except ValueError:
            return None
    if isinstance(index, (int, np.integer)) and -len(container) <= index < len(container):
        return int(index) % len(container)
    return None


def _rewrite(fn: gast.FunctionDef, adjoint: str, x: str, stmts: list[gast.Assign],
             container: Any, namer: Namer, numpy: str) -> bool:
    """One variable per item touched, the container built after the last statement; False
    (nothing changed) where an index or a key is not the signature's container's, or an
    item's zero or a key cannot be written."""
    items = _values(container)
    keys = list(container) if isinstance(container, dict) else list(range(len(items)))
    zeros = [_zeros(describe(v), numpy) for v in items]
    positions = [_position(container, _index(s.value.args[-1])) for s in stmts]
    if None in positions or None in zeros or (isinstance(container, dict) and not all(
            _literal_key(k) for k in keys)):
        return False
    names: dict[int, str] = {}
    for stmt, position in zip(stmts, positions):
        call = stmt.value
        g = call.args[0] if len(call.args) == 3 else call.args[1]
        item = describe(items[position])
        same = recorded(g) == item  # no cast, no broadcast: the sum with zeros is g
        name = names.get(position)
        if name is None:
            key = keys[position]
            name = names[position] = namer.fresh(
                f"{adjoint}_{key}" if isinstance(key, str) and key.isidentifier()
                else f"{adjoint}_{position}")
            value = g if same else gast.BinOp(  # add_grad(zeros_like(item), g)
                left=syntax.clone(zeros[position]), op=gast.Add(), right=g)
        else:
            value = gast.BinOp(left=syntax.load(name), op=gast.Add(), right=g)
            if same:  # for accumulate_in_place: the sum has the item's shape and dtype
                anno.info(value).seen = frozenset({item})
                anno.info(value.left).seen = frozenset({item})
        stmt.targets = [syntax.store(name)]
        stmt.value = value
    parts = [syntax.load(names[p]) if p in names else zeros[p] for p in range(len(items))]
    if isinstance(container, dict):
        built: gast.expr = gast.Dict(keys=[syntax.const(k) for k in keys], values=parts)
    elif isinstance(container, list):
        built = gast.List(elts=parts, ctx=gast.Load())
    else:
        built = syntax.tuple_of(parts)
    fn.body.insert(fn.body.index(stmts[-1]) + 1, syntax.assign(adjoint, built))
    return True


def _literal_key(key: Any) -> bool:
    """A key written as a constant that equals it (not NaN, not an object)."""
    if isinstance(key, tuple):
        return all(_literal_key(k) for k in key)
    return type(key) in (str, int, bool, float, type(None)) and key == key


def _zeros(item: tuple, numpy: str) -> gast.expr | None:
    """What ``zeros_like`` gives for an item described by ``item`` (an array or a number)."""
    kind, shape, dtype = item
    if kind is np.ndarray:
        return zeros_of(numpy, shape, dtype)
    if issubclass(kind, (np.floating, np.complexfloating)):
        cast = dtype_of(numpy, dtype)
        return None if cast is None else syntax.call(cast, [syntax.const(0)])
    return syntax.const(0.0)
