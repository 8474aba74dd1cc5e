"""Whether every shape in a generated derivative follows from the call's signature.

A version by shape is valid for every call with its signature only if every shape in the
function is decided by the signature: every ``if`` and ``while`` test and every ``range``
bound depends on the arguments only through shapes (``x.shape[0]``, ``len(xs)``) and
constants, no integer that depends on values (``np.argmax(x)``) and no boolean mask reaches a
call or an index, and every function called is one whose result shape follows from its
arguments' shapes: its record says ``Shape.FROM_SHAPES`` (ufuncs, tangentlike's NumPy rules
but those like ``np.nonzero``, the runtime helpers), or ``Shape.FROM_STATIC_ARGUMENTS`` and
every argument is static.
"""
from __future__ import annotations

import types
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.rules.primitive import Shape, method_shape
from tangentlike.versions.observe import slot_value, slots
from tangentlike.versions.resolver import Resolver
from tangentlike.versions.signature import decides_shape

_SHAPE_FUNCTIONS = {len, np.shape, np.ndim, np.size}
_STATIC_BUILTINS = {len, range, reversed, tuple, int, float, min, max, abs, bool, slice}
_SHAPE_ATTRIBUTES = {"shape", "ndim", "size", "dtype"}
_ALLOWED_BUILTINS = {len, range, reversed, tuple, list, dict, zip, enumerate, float, int,
                     abs, min, max, sum, bool, isinstance, type, print, round, slice}


class Static:
    """The names of a function whose values follow from the signature alone (shapes,
    lengths, constants, integer arguments), as the greatest fixed point over assignments."""

    def __init__(self, fn: gast.FunctionDef, static_params: set[str], scope: dict,
                 walked: list[gast.Name] | None = None, resolver: Resolver | None = None):
        """The fixed point is worked out at the first question about a value (``of``): a
        straight-line function of calls whose shapes follow from their operands' never
        asks.  ``walked``: ``syntax.walk_names(fn)``, and ``resolver``: the version's
        :class:`Resolver` of ``scope``, if the caller has them."""
        self.scope = scope
        self.resolver = resolver or Resolver(scope)
        self.fn = fn
        self.static_params = static_params
        self.params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        self.stored = syntax.stored_names(fn) if walked is None else {
            n.id for n in walked if isinstance(n.ctx, (gast.Store, gast.Param))}
        self.local = self.stored | self.params
        self._names: set[str] | None = None

    @property
    def names(self) -> set[str]:
        """The names whose values follow from the signature (the greatest fixed point)."""
        if self._names is None:
            self._names = self._fixed_point()
        return self._names

    def _fixed_point(self) -> set[str]:
        """Every stored name that is not a parameter, and the static parameters, less
        those bound to a value that does not follow, until none is dropped."""
        self._names = names = (self.stored - self.params) | self.static_params
        # Each binding with the names it drops when its value does not follow.  Names only
        # leave ``names``, so a binding none of whose names is left would drop nothing: it is
        # not looked at again (looking cannot change ``names``; the result is the same).
        bindings = [(node, self._bound_by(node)) for node in syntax.walk(self.fn)
                    if isinstance(node, (gast.Assign, gast.AugAssign, gast.For, gast.With,
                                         gast.AnnAssign))]
        while True:
            before = len(names)
            bindings = [(node, bound) for node, bound in bindings if not bound.isdisjoint(names)]
            for node, bound in bindings:
                if isinstance(node, (gast.Assign, gast.AugAssign)):
                    if not self.of(node.value):
                        names -= bound
                elif isinstance(node, gast.For):
                    if not self.counts(node.iter):
                        names -= syntax.stored_names(self._valued(node))
                else:  # gast.With, gast.AnnAssign
                    names -= bound
            if len(names) == before:
                return names

    def _bound_by(self, node: gast.stmt) -> set[str]:
        """The names a binding drops from the static ones when its value does not follow (a
        loop: what its target binds, of which it drops what ``_valued`` gives)."""
        if isinstance(node, gast.Assign):
            return set().union(*map(syntax.stored_names, node.targets))
        if isinstance(node, gast.AugAssign):
            return syntax.stored_names(node.target)
        if isinstance(node, gast.For):  # (of which ``_valued`` drops a part, or all)
            return syntax.stored_names(node.target)
        return syntax.stored_names(node)

    def _valued(self, loop: gast.For) -> gast.expr:
        """The part of a loop's target that takes values: all of it, but the position of
        ``for k, v in enumerate(xs)`` (a count, as static as ``len(xs)``; with a static
        start)."""
        it, target = loop.iter, loop.target
        if (isinstance(it, gast.Call) and self.resolve(it.func) is enumerate
                and len(it.args) in (1, 2) and not it.keywords
                and all(self.of(a) for a in it.args[1:])
                and isinstance(target, gast.Tuple) and len(target.elts) == 2
                and isinstance(target.elts[0], gast.Name)):
            return target.elts[1]
        return target

    def resolve(self, func: gast.expr) -> Any:
        return self.resolver(func, self.local)

    def of(self, node: gast.AST | None) -> bool:
        """Whether the expression's value follows from the signature."""
        if node is None or isinstance(node, gast.Constant):
            return True
        if isinstance(node, gast.Name):
            return node.id in self.names or (
                node.id not in self.local and isinstance(self.resolve(node), types.ModuleType))
        if isinstance(node, gast.Attribute):
            return node.attr in _SHAPE_ATTRIBUTES or self.of(node.value)
        if isinstance(node, gast.Call):
            func = self.resolve(node.func)
            if func in _SHAPE_FUNCTIONS:
                return True  # len(xs), np.shape(x): shapes
            return func in _STATIC_BUILTINS and not node.keywords and all(
                self.of(a) for a in node.args)
        if isinstance(node, (gast.Subscript, gast.Tuple, gast.List, gast.BinOp, gast.UnaryOp,
                             gast.Compare, gast.BoolOp, gast.IfExp, gast.Slice)):
            for field in syntax.child_fields(node.__class__):  # not contexts, operators
                value = getattr(node, field)
                for child in value if isinstance(value, list) else (value,):
                    if isinstance(child, gast.expr) and not self.of(child):
                        return False
            return True
        return False

    def counts(self, node: gast.expr) -> bool:
        """``range(...)`` (or reversed) with bounds that follow from the signature."""
        if isinstance(node, gast.Call) and self.resolve(node.func) is reversed and node.args:
            node = node.args[0]
        return (isinstance(node, gast.Call) and self.resolve(node.func) is range
                and all(self.of(a) for a in node.args))


def shape_follows(fn: gast.FunctionDef, static: Static, seen: dict[int, set],
                  places: list[tuple] | None = None,
                  checked: list[gast.AST] | None = None) -> str | None:
    """None when every shape in ``fn`` follows from the signature; else why not
    (``places``: ``slots(fn)``, and ``checked`` the nodes ``slots(fn, checked)`` noted, if
    the caller has them: the calls, tests and loops this looks at, in the walk's order)."""
    # (by exact class: gast's node classes have no subclasses)
    for node in syntax.walk(fn) if checked is None else checked:
        cls = node.__class__
        if cls is gast.Call:
            if not _shape_determined(node, static):
                return f"{syntax.dotted_name(node.func) or 'a call'} may shape its result by value"
        elif cls is gast.If or cls is gast.While:
            if not static.of(node.test):
                return f"a test depends on values (line {getattr(node, 'lineno', '?')})"
        elif cls is gast.For and node.iter.__class__ is gast.Call and \
                static.resolve(node.iter.func) in (range, reversed) and \
                not static.counts(node.iter):
            return "a range bound depends on values"
    for k, slot in enumerate(slots(fn) if places is None else places):
        if slot[0].__class__ not in _SHAPING_PLACES:
            continue  # an operand or an assigned value: arithmetic keeps shapes
        # Only a place where an integer or a mask was seen can decide a shape (the test
        # below needs one): the others, most of them, are passed by first.
        found = seen.get(k)
        if not found or not any(decides_shape(s) for s in found):
            continue
        node = slot_value(slot)
        parts = []
        for part in node.elts if isinstance(node, gast.Tuple) else [node]:
            parts += [getattr(part, p) for p in ("lower", "upper", "step")] \
                if isinstance(part, gast.Slice) else [part]
        if isinstance(slot[0], gast.Call) and _mask_to_elementwise(slot[0], found, static):
            continue
        if any(not static.of(p) for p in parts if p is not None):
            return "an integer or a mask computed from values decides a shape"
    return None


_SHAPING_PLACES = (gast.Call, gast.keyword, gast.Subscript)  # (exact classes, as above)


def _mask_to_elementwise(call: gast.Call, seen: set, static: Static) -> bool:
    """A boolean array (never anything else) passed to a call whose record says its result
    shape follows from its arguments' shapes (``np.where(l1 > l2, a, b)``, a ufunc): the
    mask's values choose elements, not the shape.  An integer may still be an axis or a
    count, so only masks of at least one dimension are let through."""
    if not seen or not all(kind is np.ndarray and dtype.kind == "b" and len(shape) >= 1
                           for kind, shape, dtype in seen):
        return False
    func = static.resolve(call.func)
    if func is None or func in _ALLOWED_BUILTINS:
        return False
    record = static.resolver.record(func)
    shape = record.shape
    if record.shape_below is not None and len(call.args) < record.shape_below[0]:
        shape = record.shape_below[1]
    return shape is Shape.FROM_SHAPES


def _shape_determined(call: gast.Call, static: Static) -> bool:
    """Whether the call's result shape follows from the signature: its record's ``shape``
    (``Shape.FROM_VALUES`` for a function nobody declared, a user's rule included), or for a
    method of a value its name's (tangentlike/templates/methods.py)."""
    func = static.resolve(call.func)
    if func is None:  # a method of a value: x.sum(), xs.append(v)
        return isinstance(call.func, gast.Attribute) and \
            method_shape(call.func.attr) is Shape.FROM_SHAPES
    if func in _ALLOWED_BUILTINS:
        return True
    record = static.resolver.record(func)
    shape = record.shape
    if record.shape_below is not None and len(call.args) < record.shape_below[0]:
        shape = record.shape_below[1]  # np.where(c)
    if shape is Shape.FROM_STATIC_ARGUMENTS:
        return all(static.of(a) for a in call.args) and not call.keywords
    return shape is Shape.FROM_SHAPES
