"""The instrumented run: a copy of a generated derivative that records the type, shape and
dtype of every call argument, index, operand and assigned value, in the thread that runs it.

``slots`` lists those places in a fixed order, so the k-th place of the copy is the k-th of
any other clone of the same tree; ``record`` puts what was seen back on a clone (``anno``
field ``seen``) for the rewrites.
"""
from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gast
import numpy as np

from tangentlike.backend import cache, emit, loading
from tangentlike.core import anno, syntax
from tangentlike.versions.signature import describe

OBSERVE = "_tangentlike_observe"


def slots(fn: gast.FunctionDef, checked: list[gast.AST] | None = None
          ) -> list[tuple[gast.AST, str, int | None]]:
    """Every call argument, index, operand and assigned value of ``fn``, in a fixed order:
    (parent, field, position).  ``checked``, where given, gets the calls, ``if`` and
    ``while`` statements and ``for`` loops of ``fn`` in ``syntax.walk``'s order (the nodes
    ``static.shape_follows`` looks at, found in the same walk)."""
    return _slots(fn, gast, checked)


def _slots(fn: Any, kind: Any, checked: list | None = None) -> list[tuple[Any, str, int | None]]:
    """``slots`` of a tree of the module ``kind`` (``gast``, or ``ast`` for a parsed one),
    in ``syntax.walk``'s order, each node's class looked up once (the places are listed two
    or three times at a second call)."""
    tags = _TAGS.get(kind)
    if tags is None:
        tags = _TAGS[kind] = {kind.Call: 0, kind.Subscript: 1, kind.BinOp: 2, kind.Assign: 3,
                              kind.If: 4, kind.While: 4, kind.For: 4}
    found: list[tuple[Any, str, int | None]] = []
    append = found.append
    note = None if checked is None else checked.append
    for node in syntax.walk(fn):  # ``ast.walk``'s order, contexts and operators left out
        tag = tags.get(node.__class__)
        if tag is None:
            continue
        if tag == 0:
            for i in range(len(node.args)):
                append((node, "args", i))
            for keyword in node.keywords:
                append((keyword, "value", None))
            if note is not None:
                note(node)
        elif tag == 1:
            append((node, "slice", None))
        elif tag == 2:
            append((node, "left", None))
            append((node, "right", None))
        elif tag == 3:
            append((node, "value", None))
        elif note is not None:  # a test or a loop: no place of its own
            note(node)
    return found


_TAGS: dict[Any, dict[type, int]] = {}  # by tree module: the classes with places, tagged


def slot_value(slot: tuple) -> gast.AST:
    parent, field, position = slot
    value = getattr(parent, field)
    return value if position is None else value[position]


def slot_values(places: list[tuple[gast.AST, str, int | None]]) -> list[gast.AST]:
    """``slot_value`` of each place, in order (in one pass: the places of a whole function
    are read two or three times at a second call)."""
    return [getattr(parent, field) if position is None else getattr(parent, field)[position]
            for parent, field, position in places]


def _set(slot: tuple, new: gast.AST) -> None:
    parent, field, position = slot
    if position is None:
        setattr(parent, field, new)
    else:
        getattr(parent, field)[position] = new


def instrumented(fn: gast.FunctionDef) -> gast.FunctionDef:
    """A copy of ``fn`` that passes every argument and index through ``OBSERVE(k, value)``."""
    copy = syntax.clone(fn)
    for k, slot in enumerate(slots(copy)):
        node = slot_value(slot)
        if isinstance(node, gast.Tuple) and isinstance(slot[0], gast.Subscript):
            node.elts = [_observed(k, e) for e in node.elts]  # x[i, a:b]: i, a and b
        else:
            _set(slot, _observed(k, node))
    copy.name = f"{fn.name}_observed"
    return copy


def _observed(k: int, node: gast.expr) -> gast.expr:
    """``OBSERVE(k, node)``; for a slice ``a:b``, the slice of ``OBSERVE(k, a)`` and so on."""
    if isinstance(node, gast.Slice):
        for part in ("lower", "upper", "step"):
            bound = getattr(node, part)
            if bound is not None:
                setattr(node, part, syntax.call(OBSERVE, [syntax.const(k), bound]))
        return node
    if isinstance(node, gast.Starred):
        return node
    return syntax.call(OBSERVE, [syntax.const(k), node])


def instrumented_parsed(fn: gast.FunctionDef, source: str) -> ast.Module | None:
    """The instrumented copy of ``fn`` (as ``instrumented``) made from the generated module's
    ``source``, which printed ``fn``: the function parsed again (C parser) and wrapped in
    place, so it needs no copy of ``fn`` and no printing; a module with it alone, its line
    numbers those of ``source``.  None when the parsed function's places do not match
    ``fn``'s one for one (then ``instrumented`` is used)."""
    try:
        with syntax.C_AST:
            module = ast.parse(source)
    except SyntaxError:
        return None
    parsed = next((d for d in module.body if isinstance(d, ast.FunctionDef)
                   and d.name == fn.name), None)
    if parsed is None:
        return None
    found, expected = _slots(parsed, ast), _slots(fn, gast)
    if len(found) != len(expected) or any(
            _mark(p, f, i, ast) != _mark(q, g, j, gast)
            for (p, f, i), (q, g, j) in zip(found, expected)):
        return None
    for k, (parent, field, position) in enumerate(found):
        node = getattr(parent, field) if position is None else getattr(parent, field)[position]
        if isinstance(node, ast.Tuple) and isinstance(parent, ast.Subscript):
            node.elts = [_observed_ast(k, e) for e in node.elts]
        elif position is None:
            setattr(parent, field, _observed_ast(k, node))
        else:
            getattr(parent, field)[position] = _observed_ast(k, node)
    parsed.name = f"{fn.name}_observed"
    return ast.Module(body=[parsed], type_ignores=[])


def _mark(parent: Any, field: str, position: int | None, kind: Any) -> tuple:
    """What identifies a place in both trees: its parent's and value's kinds, and the
    value's name, attribute, constant or called name, if any (a negative number prints as
    ``-n``).  The source was printed from the tree: this guards against a mismatch."""
    value = getattr(parent, field) if position is None else getattr(parent, field)[position]
    if isinstance(value, kind.UnaryOp) and isinstance(value.op, kind.USub) and isinstance(
            value.operand, kind.Constant):
        return type(parent).__name__, field, position, "Constant", -value.operand.value
    named = value.func if isinstance(value, kind.Call) else value
    label = getattr(named, "id", None) or getattr(named, "attr", None)
    if isinstance(value, kind.Constant):
        label = value.value
    return type(parent).__name__, field, position, type(value).__name__, label


def _observed_ast(k: int, node: ast.expr) -> ast.expr:
    """``_observed`` for a node of a parsed (``ast``) tree."""
    if isinstance(node, ast.Slice):
        for part in ("lower", "upper", "step"):
            bound = getattr(node, part)
            if bound is not None:
                setattr(node, part, _observe_call(k, bound))
        return node
    if isinstance(node, ast.Starred):
        return node
    return _observe_call(k, node)


_LOAD = ast.Load()


def _observe_call(k: int, node: ast.expr) -> ast.expr:
    """``OBSERVE(k, node)``, every new node at ``node``'s place in the file (what
    ``ast.copy_location`` does, for a node parsed from source, which has all four places;
    several times faster)."""
    at = {"lineno": node.lineno, "col_offset": node.col_offset,
          "end_lineno": node.end_lineno, "end_col_offset": node.end_col_offset}
    return ast.Call(func=ast.Name(id=OBSERVE, ctx=_LOAD, **at),
                    args=[ast.Constant(value=k, **at), node], keywords=[], **at)


def record(fn: gast.FunctionDef, seen: dict[int, set],
           places: list[tuple[gast.AST, str, int | None]] | None = None) -> None:
    """Annotate each argument, operand, index and assigned value of ``fn`` with what was
    recorded for it (``anno`` field ``seen``: it stays with the expression when the optimizer
    copies or moves it); ``places``: ``slots(fn)``, if the caller has it."""
    info, get = anno.info, seen.get
    for k, value in enumerate(slot_values(slots(fn) if places is None else places)):
        info(value).seen = frozenset(get(k, ()))


class Observer:
    """The instrumented copy of one generated function, made once; each thread's run of it
    records into its own table."""

    def __init__(self, tree: gast.FunctionDef, scope: loading.Scope, source: str = "",
                 path: Path | None = None):
        self._tree = tree
        self._scope = scope
        self._source = source  # the generated module that printed ``tree``, and its file
        self._path = path
        self._function: Callable | None = None
        self._recording = threading.local()  # each thread's observations, in its own run

    def function(self) -> Callable:
        """The instrumented copy, made at the first call (call it with the owner's lock)."""
        if self._function is None:
            recording = self._recording

            array = np.ndarray

            def observe(k: int, value: Any) -> Any:
                # ``describe(value)``, its commonest case inline: this runs at every place
                # of every step of the instrumented run
                kind = type(value)
                found = (kind, value.shape, value.dtype) if kind is array else describe(value)
                seen = recording.seen
                at = seen.get(k)
                if at is None:
                    seen[k] = {found}
                else:
                    at.add(found)
                return value

            scope = self._scope.copy()  # an loading.Scope: the user's names stay live
            scope[OBSERVE] = observe
            name = f"{self._tree.name}_observed"
            parsed = instrumented_parsed(self._tree, self._source) if (
                self._source and self._path is not None) else None
            if parsed is not None:  # its lines are the generic module's, in tracebacks
                self._function = scope.load_tree(parsed, self._path)[name]
            else:
                fn = instrumented(self._tree)
                source = emit.to_source(fn)
                path = cache.write_module(source, fn.name)
                self._function = scope.load(source, path)[fn.name]
        return self._function

    def run(self, observed: Callable, args: tuple, kwargs: dict) -> tuple[dict[int, set], Any]:
        """Run the instrumented copy: what it saw (this thread's own), and its result."""
        recording = self._recording
        outer = getattr(recording, "seen", None)
        recording.seen = seen = {}
        try:
            result = observed(*args, **kwargs)
        finally:
            recording.seen = outer
        return seen, result
