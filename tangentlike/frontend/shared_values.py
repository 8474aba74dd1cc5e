"""A value written twice is computed once, before differentiation.

``(logits - np.max(logits, axis=1, keepdims=True)) - np.log(np.sum(np.exp(logits -
np.max(logits, axis=1, keepdims=True)), ...))`` computes the maximum twice; normalized, each
has its temporary (``t4`` and ``t6``), and the derivative would carry the derivative of each
maximum, which cancel only together (versions/cancel.py keeps a value computed twice).  Here
the second temporary is dropped and its reads read the first: the derivative is then the one
of the function written with one ``m``, however many times the user wrote the term.

A temporary of the normalizer (never a user's name), bound once, whose value is a call of a
pure function (``primitive.policy``: NumPy's and math's, not ``numpy.random``) or arithmetic
on names and numbers, computed again in the same block with nothing in between re-binding a
name it reads, and nothing in between that may change a value in place (a write into an
array or object, a call of a function not known pure: ``y[0] = 5.0`` between two
``np.sin(y)`` makes them two values).  Neither temporary may be written into, the receiver of
a method, or passed to an impure call (the two would then not be the same value).  The values
are the same, float for float: the primal invariant holds.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import gast

from tangentlike.core import dataflow, syntax
from tangentlike.rules.registry import is_pure_function


@dataclass
class Walked:
    """What the pass reads of a function, from one walk of it (:func:`walked`)."""

    names: list[gast.Name]  # every Name in it (the set ``syntax.walk_names`` gives)
    written: list[gast.expr]  # what is written into: ``t`` of ``t[i] = v``, ``t.a = v``,
    # ``del t[i]``, and the target of ``t += v``
    calls: list[gast.Call]  # every call
    # the ids of ``names`` read (a Load) and bound (a Store or a parameter), in walk order
    loads: list[str]
    stores: list[str]


def walked(fn: gast.AST) -> Walked:
    """One walk of ``fn`` for :class:`Walked` (``_normalized`` reads its names by context).  The
    names are those ``syntax.walk_names`` gives, which does not enter a Name's annotation
    (a parameter's); what is written into and the calls are those of ``syntax.walk``, which
    does."""
    names: list[gast.Name] = []
    written: list[gast.expr] = []
    calls: list[gast.Call] = []
    loads: list[str] = []
    stores: list[str] = []
    annotations: list[gast.expr] = []
    load_ctx, store_ctx, param_ctx = gast.Load, gast.Store, gast.Param
    fields_of = syntax.FIELDS_BY_CLASS
    todo: list[Any] = [fn]
    pop, push, extend = todo.pop, todo.append, todo.extend
    while todo:
        node = pop()
        cls = node.__class__
        if cls is gast.Name:
            names.append(node)
            ctx = node.ctx.__class__
            if ctx is load_ctx:
                loads.append(node.id)
            elif ctx is store_ctx or ctx is param_ctx:
                stores.append(node.id)
            if node.annotation is not None:
                annotations.append(node.annotation)
            continue
        if cls is gast.Call:
            calls.append(node)
        elif cls is gast.Subscript or cls is gast.Attribute:
            if node.ctx.__class__ is gast.Store or node.ctx.__class__ is gast.Del:
                written.append(node.value)
        elif cls is gast.AugAssign:
            written.append(node.target)
        fields = fields_of.get(cls)
        if fields is None:  # (a field's value that is no node, None or a string: no fields)
            fields = syntax.walked_fields(cls)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                extend(value)
            else:
                push(value)
    for annotation in map(walked, annotations):  # (its names are not the function's)
        written += annotation.written
        calls += annotation.calls
    return Walked(names, written, calls, loads, stores)


def share_repeated_values(fn: gast.FunctionDef, temporaries: set[str],
                          resolve: Callable[[gast.expr], Any],
                          walk: Walked | None = None) -> dict[str, str]:
    """Drop the repeated computations of ``fn`` (see the module docstring), in place.
    ``resolve``: a callee's expression -> the object it names; ``walk``: ``walked(fn)``,
    where the caller has it.  Each temporary whose binding was dropped (its only one), with
    the temporary now read instead (empty: none was)."""
    resolve = _once_per_node(resolve)  # (each callee is looked at by two or three tests)
    walk = walk or walked(fn)
    counts = dataflow.definition_counts(fn)
    once = {n for n in temporaries if counts.get(n) == 1}
    candidates = once - _mutable(walk, resolve)
    renames: dict[str, str] = {}
    if not candidates:
        return renames
    _block(fn.body, candidates, resolve, renames)
    if renames:
        # (the pass adds no Name, so ``walk.names`` holds every one left in ``fn``;
        # renaming those of a dropped statement too changes nothing that is kept)
        _read_as(walk.names, renames)
    return renames


def _once_per_node(resolve: Callable[[gast.expr], Any]) -> Callable[[gast.expr], Any]:
    """``resolve``, called once per node (the node kept with its value: its id is not
    reused while the cache lives)."""
    known: dict[int, tuple[gast.expr, Any]] = {}

    def resolved(node: gast.expr) -> Any:
        entry = known.get(id(node))
        if entry is None or entry[0] is not node:
            entry = known[id(node)] = (node, resolve(node))
        return entry[1]
    return resolved


def _block(body: list[gast.stmt], candidates: set[str], resolve: Callable,
           renames: dict[str, str]) -> None:
    table: dict[Hashable, str] = {}  # a value's key -> the temporary that holds it
    reads: dict[Hashable, set[str]] = {}  # a key -> the names its value reads
    readers: dict[str, set[Hashable]] = {}  # a name -> the keys whose values read it
    kept = []
    for stmt in body:
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                _block(inner, candidates, resolve, renames)
        key = _key(stmt, candidates, resolve, renames)
        if key is None and not _binds_pure_value(stmt, resolve):
            table.clear()  # it may change an array or object in place (y[0] = v, a call)
            reads.clear()
            readers.clear()
        if key is not None and key in table:
            renames[stmt.targets[0].id] = table[key]
            continue  # its value is the earlier temporary's
        stored = syntax.stored_names(stmt)
        for old in {k for name in stored for k in readers.get(name, ())}:
            for name in reads[old]:
                readers[name].discard(old)
            del table[old], reads[old]
        if key is not None:
            table[key] = stmt.targets[0].id
            read = reads[key] = {renames.get(n, n) for n in _value_reads(stmt.value)}
            for name in read:
                readers.setdefault(name, set()).add(key)
        kept.append(stmt)
    body[:] = kept


def _key(stmt: gast.stmt, candidates: set[str], resolve: Callable,
         renames: dict[str, str]) -> Hashable | None:
    """A key of ``stmt``'s value (its reads as renamed so far) if it is a candidate's
    binding to a value that can be shared, else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in candidates):
        return None
    value = stmt.value
    if isinstance(value, gast.Call):
        if isinstance(value.func, gast.Attribute) and syntax.dotted_name(value.func) is None:
            return None
        if not is_pure_function(resolve(value.func)):
            return None
        operands = value.args + [k.value for k in value.keywords]
        if any(k.arg is None for k in value.keywords):
            return None
    elif isinstance(value, gast.BinOp):
        operands = [value.left, value.right]
    elif isinstance(value, gast.UnaryOp):
        operands = [value.operand]
    else:
        return None
    if not all(_plain(o) for o in operands):
        return None
    return _value_key(value, renames)


def _value_reads(node: gast.expr) -> set[str]:
    """The names a value ``_key`` takes reads (``syntax.loaded_names(node)``): its
    operands' names (names, literals and tuples of them), and a callee's name or the name
    an attribute chain starts from; any other callee is walked."""
    cls = node.__class__
    if cls is gast.Call:
        func = node.func
        while func.__class__ is gast.Attribute:
            func = func.value
        if func.__class__ is not gast.Name:
            return syntax.loaded_names(node)
        found = {func.id}
        operands = [*node.args, *(k.value for k in node.keywords)]
    elif cls is gast.BinOp:
        found, operands = set(), [node.left, node.right]
    else:  # (a UnaryOp)
        found, operands = set(), [node.operand]
    while operands:
        operand = operands.pop()
        if operand.__class__ is gast.Name:
            found.add(operand.id)
        elif operand.__class__ is gast.Tuple:
            operands += operand.elts
    return found


def _value_key(node: gast.expr, renames: dict[str, str]) -> Hashable:
    """The key of a value ``_key`` takes (a call of a name or an attribute chain, or
    arithmetic, on ``_plain`` operands): its structure, as read once renamed, in tuples.
    Two values have the same key exactly where their ``syntax.dump(value,
    reads_as=renames)`` are the same text (the key before, about three times slower):
    each node's class, fields and leaves are there, a constant by ``repr`` as in the text;
    the contexts are left out, every one being ``Load`` in a value; a callee of another
    kind keeps its text."""
    cls = node.__class__
    if cls is gast.Name:
        return renames.get(node.id, node.id)
    if cls is gast.Constant:
        return ("Constant", repr(node.value), node.kind)
    if cls is gast.Tuple:
        return ("Tuple", *(_value_key(e, renames) for e in node.elts))
    if cls is gast.Attribute:
        return ("Attribute", _value_key(node.value, renames), node.attr)
    if cls is gast.BinOp:
        return ("BinOp", node.op.__class__, _value_key(node.left, renames),
                _value_key(node.right, renames))
    if cls is gast.UnaryOp:
        return ("UnaryOp", node.op.__class__, _value_key(node.operand, renames))
    if cls is gast.Call:
        return ("Call", _value_key(node.func, renames),
                tuple(_value_key(a, renames) for a in node.args),
                tuple((k.arg, _value_key(k.value, renames)) for k in node.keywords))
    return ("dump", syntax.dump(node, reads_as=renames))  # (any other callee: the text)


# Methods of arrays that change nothing (their receiver's other methods may: fill, sort).
_PURE_METHODS = frozenset("""
    all any argmax argmin astype clip conj conjugate copy cumprod cumsum diagonal dot flatten
    max mean min prod ravel repeat reshape round squeeze std sum swapaxes take tolist trace
    transpose var""".split())
# Attributes of arrays that read (an attribute of an object may be a property that writes).
_ARRAY_ATTRIBUTES = frozenset("T shape ndim size dtype real imag".split())


def _binds_pure_value(stmt: gast.stmt, resolve: Callable) -> bool:
    """``stmt`` binds names to a value computed without changing anything: no write into an
    array or object, no call of a function not known pure, no ``out=``.  Any other statement
    ends the values known so far (``y[0] = 5.0`` between two ``np.sin(y)``: not the same)."""
    if not (isinstance(stmt, gast.Assign) and all(
            isinstance(t, gast.Name) or isinstance(t, gast.Tuple)
            and all(isinstance(e, gast.Name) for e in t.elts) for t in stmt.targets)):
        return False
    value = stmt.value
    if value.__class__ is gast.BinOp and _plain(value.left) and _plain(value.right):
        return True  # (arithmetic on names and literals: none of the nodes looked for below)
    for node in syntax.walk(stmt.value):
        if isinstance(node, gast.Call):
            if any(k.arg in ("out", None) for k in node.keywords):
                return False
            func = node.func
            if isinstance(func, gast.Attribute) and func.attr in _PURE_METHODS:
                continue
            if not is_pure_function(resolve(func)):
                return False
        elif isinstance(node, gast.Attribute):
            if node.attr not in _ARRAY_ATTRIBUTES and syntax.dotted_name(node) is None:
                return False
        elif isinstance(node, (gast.Lambda, gast.NamedExpr, gast.Yield, gast.YieldFrom,
                               gast.Await)):
            return False
    return True


def _plain(node: gast.expr) -> bool:
    """A name, a number, a string, None, or a tuple of them."""
    if isinstance(node, gast.Tuple):
        return all(_plain(e) for e in node.elts)
    return isinstance(node, gast.Name) or (
        isinstance(node, gast.Constant) and type(node.value) in (int, float, str, bool)
        or isinstance(node, gast.Constant) and node.value is None)


def _mutable(walk: Walked, resolve: Callable) -> set[str]:
    """The names something may change in place: written into (``t[i] = v``, ``t += v``),
    the receiver of a method, an ``out=`` argument, an argument of an impure call."""
    walk_names = syntax.walk_names  # (every Name under a node: the same set as walk's)
    found = {n.id for node in walk.written for n in walk_names(node)}
    for node in walk.calls:
        if isinstance(node.func, gast.Attribute):
            receiver = node.func.value
            if receiver.__class__ is gast.Name:  # (``math.sin``: the walk finds it alone)
                found.add(receiver.id)
            else:
                found.update(n.id for n in walk_names(receiver))
        if not is_pure_function(resolve(node.func)):
            found.update(n.id for a in node.args + [k.value for k in node.keywords]
                         for n in walk_names(a))
        found.update(n.id for k in node.keywords if k.arg == "out"
                     for n in walk_names(k.value))
    return found


def _read_as(names: list[gast.Name], renames: dict[str, str]) -> None:
    """Reads of the dropped temporaries read the ones kept (in place, among ``names``:
    every Name of the function)."""
    for node in names:
        if node.ctx.__class__ is gast.Load:
            kept = renames.get(node.id)
            if kept is not None:
                node.id = kept
