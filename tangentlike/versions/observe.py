"""The instrumented run: a copy of a generated derivative that records the type, shape and
dtype of every call argument, index, operand and assigned value, in the thread that runs it.

``slots`` lists those places in a fixed order, so the k-th place of the copy is the k-th of
any other clone of the same tree; ``record`` puts what was seen back on a clone (``anno``
field ``seen``) for the rewrites.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import gast

from tangentlike.backend import cache, emit, loading
from tangentlike.core import anno, syntax
from tangentlike.versions.signature import describe

OBSERVE = "_tangentlike_observe"


def slots(fn: gast.FunctionDef) -> list[tuple[gast.AST, str, int | None]]:
    """Every call argument, index, operand and assigned value of ``fn``, in a fixed order:
    (parent, field, position)."""
    found = []
    for node in gast.walk(fn):
        if isinstance(node, gast.Call):
            found += [(node, "args", i) for i in range(len(node.args))]
            found += [(k, "value", None) for k in node.keywords]
        elif isinstance(node, gast.Subscript):
            found.append((node, "slice", None))
        elif isinstance(node, gast.BinOp):
            found += [(node, "left", None), (node, "right", None)]
        elif isinstance(node, gast.Assign):
            found.append((node, "value", None))
    return found


def slot_value(slot: tuple) -> gast.AST:
    parent, field, position = slot
    value = getattr(parent, field)
    return value if position is None else value[position]


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


def record(fn: gast.FunctionDef, seen: dict[int, set]) -> None:
    """Annotate each argument, operand, index and assigned value of ``fn`` with what was
    recorded for it (``anno`` field ``seen``: it stays with the expression when the optimizer
    copies or moves it)."""
    for k, slot in enumerate(slots(fn)):
        anno.info(slot_value(slot)).seen = frozenset(seen.get(k, ()))


class Observer:
    """The instrumented copy of one generated function, made once; each thread's run of it
    records into its own table."""

    def __init__(self, tree: gast.FunctionDef, scope: loading.Scope):
        self._tree = tree
        self._scope = scope
        self._function: Callable | None = None
        self._recording = threading.local()  # each thread's observations, in its own run

    def function(self) -> Callable:
        """The instrumented copy, made at the first call (call it with the owner's lock)."""
        if self._function is None:
            recording = self._recording

            def observe(k: int, value: Any) -> Any:
                recording.seen.setdefault(k, set()).add(describe(value))
                return value

            fn = instrumented(self._tree)
            scope = self._scope.copy()  # an loading.Scope: the user's names stay live
            scope[OBSERVE] = observe
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
