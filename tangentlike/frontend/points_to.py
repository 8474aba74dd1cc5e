"""The points-to analysis of a normalized function: which abstract objects each name may
refer to, and which statements change which objects in place.

An object is where a value was made (a statement, or a parameter); each object may hold
others (a list of arrays); a view (``x[1:3]``, ``x.T``, ``x.reshape(...)``) refers to its
base.  A statement in a loop makes a new object each time it runs (``Analysis.age``).  Each
statement that changes memory in place (``x += v``, ``x[i] = v``, ``xs.append(v)``, ``out=``,
``np.copyto``, a method or a user's helper that writes into an argument, from the helper's
:class:`FunctionSummary`) is a :class:`Change`, with the names live after it that can reach
what it changes.  :mod:`tangentlike.frontend.aliasing` decides what to do about them.
"""
from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from itertools import compress
from operator import is_not
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, dataflow, syntax
from tangentlike.frontend.operations import Method, builds_node, dynamic_callee
from tangentlike.frontend.varargs import Specialized
from tangentlike.rules import registry
from tangentlike.rules.primitive import Returns, primitive
from tangentlike.runtime import restore_item, write_back

# An abstract object: ("param", name); ("made", id of a statement) for the value it made last,
# ("old", id) for those it made before (a statement in a loop runs again: see Analysis.age).
Object = Any

# Attributes that never share memory with their object.
VALUE_ATTRIBUTES = registry.NON_DIFFERENTIABLE_ATTRIBUTES
# Methods that only read their object.
READING_METHODS = {"copy", "index", "count", "get", "keys", "values", "items", "tolist",
                   "astype", "item", "flatten", "dot", "conj", "conjugate", "round"}


@dataclass
class Change:
    """A statement that changes memory in place."""

    stmt: gast.stmt
    objects: frozenset  # the abstract objects it changes
    what: str  # what changes, as a clause for messages: "helper(y) may change 'y' in place"
    name: str  # the user's name of the value changed
    spares: frozenset = frozenset()  # names the generated code changes alike (no conflict)
    checked: bool = False  # checked at run time (x += v) rather than refused now
    # only a conflict when the call reads a differentiated value: the generated code makes
    # the same change, and only a derivative flowing through it would be lost
    when_varied: bool = False
    readers: list = field(default_factory=list)  # names live after it that see the change


@dataclass
class State:
    points: dict[str, frozenset] = field(default_factory=dict)

    def merged(self, other: State) -> State:
        """What each name may point to after one state or the other (the two branches of
        an ``if``: most names point where they did before it, to the same set, kept)."""
        points = dict(self.points)
        theirs = other.points  # (the names whose sets are not the same object, found in C)
        for name in compress(theirs, map(is_not, map(self.points.get, theirs),
                                         theirs.values())):
            mine = points.get(name)
            objects = theirs[name]
            points[name] = objects if mine is None else mine | objects
        return State(points)


class Analysis:
    """The points-to analysis of one normalized function (see the module docstring)."""

    def __init__(self, fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                 summaries: Callable[[Any], FunctionSummary | None],
                 varied: set[str] = frozenset(), bound: set[str] | None = None,
                 free: set[str] | None = None):
        self.fn = fn
        self._bound = bound  # the names fn binds, where the caller has them
        self._free = free  # the names fn reads and does not bind, where the caller has them
        self.varied = set(varied)
        self.resolve = resolve
        self.summaries = summaries
        self.held: dict[Object, set] = {}
        self.containers: set[Object] = set()  # made by a list, tuple or dict display
        self.changes: dict[tuple[int, str], Change] = {}  # by statement and name changed
        self._changed_at: dict[int, list[tuple[int, str]]] = {}  # statement -> its keys there
        self._ran: set[int] = set()  # the assignments analysed so far (see age)
        self.returned: frozenset = frozenset()
        self.state = State()  # the state after the statement being analysed
        self.params = [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
        self._live_after: dict | None = None

    @property
    def live_after(self) -> dict:
        """The names live after each statement (by its id), worked out when a change first
        asks (``fn`` is not changed while the analysis runs)."""
        if self._live_after is None:
            liveness = dataflow.Liveness()
            for stmt in self.fn.body:  # write_back(x, x_1) reads x_1; x is only written
                if isinstance(stmt, gast.Expr) and _writes_back(stmt.value, self.resolve):
                    liveness.assume(stmt, syntax.loaded_names(stmt.value.args[1]), set())
            self._live_after = liveness.after_all(self.fn)
        return self._live_after

    # -- objects ---------------------------------------------------------------------------
    def reach(self, objects: frozenset) -> frozenset:
        """``objects`` and everything they hold, transitively."""
        seen, todo = set(objects), list(objects)
        while todo:
            for inner in self.held.get(todo.pop(), ()):
                if inner not in seen:
                    seen.add(inner)
                    todo.append(inner)
        return frozenset(seen)

    def hold(self, containers: frozenset, objects: frozenset) -> None:
        for container in containers:
            self.held.setdefault(container, set()).update(objects)

    def run(self) -> None:
        state = State({p: frozenset({("param", p)}) for p in self.params})
        state.points.update({name: frozenset({("global", name)}) for name in self.outside()})
        self.block(self.fn.body, state)

    def changes_nothing(self) -> bool:
        """Whether :meth:`run` would find no change, told without following the objects:
        true only for a function of plain statements, each of which ``statement`` passes
        without recording a :class:`Change`; false where unsure (then ``run`` decides).

        The plain statements: an ``if`` of plain statements; an assignment to names (no
        subscript, no attribute, not an augmented one: ``inplace`` unset) of a value other
        than a call, or of a call that ``call_changes`` lets pass at its last test (a
        primitive or pure function, writing into no argument, no ``copy=``, ``out=`` or
        ``**`` keyword, no method of a name the function may point from: a receiver) and
        that returns a new value (``value`` then asks for no summary); a return of
        anything but a call; an expression statement of anything but a call (a comment).
        Nothing else ``run`` does is lost: the free names and the callees are resolved
        here in ``run``'s order (a resolution's guards are the same, in the same order; a
        second resolution adds none).  No plain statement writes into a subscript either
        (what ``aliasing._writes_into_attributes`` looks for)."""
        local = self.bound_names() | set(self.params) | set(self.outside())
        return self._plain(self.fn.body, local)

    def _plain(self, body: list[gast.stmt], local: set[str]) -> bool:
        """Whether every statement of ``body`` is plain (see :meth:`changes_nothing`), an
        ``if``'s branches in the order ``statement`` follows them."""
        name, call = gast.Name, gast.Call
        for stmt in body:
            cls = stmt.__class__
            if cls is gast.Assign:
                for target in stmt.targets:
                    if target.__class__ is not name and not (
                            target.__class__ in (gast.Tuple, gast.List)
                            and all(e.__class__ is name for e in target.elts)):
                        return False
                if anno.info(stmt).inplace:
                    return False
                value = stmt.value
                if value.__class__ is call and not self._passes(value, local):
                    return False
            elif cls is gast.Return or cls is gast.Expr:
                if stmt.value.__class__ is call:
                    return False
            elif cls is gast.If:  # (``statement`` reads no test)
                if not (self._plain(stmt.body, local) and self._plain(stmt.orelse, local)):
                    return False
            else:
                return False
        return True

    def _passes(self, call: gast.Call, local: set[str]) -> bool:
        """A call (an assignment's value) that ``value`` and ``call_changes`` pass without a
        change or a summary (see :meth:`changes_nothing`)."""
        root = call.func
        while root.__class__ is gast.Attribute:
            root = root.value
        if root.__class__ is not gast.Name or root.id in local:
            return False  # a receiver, a dynamic callee, a string's method, a subscript
        if any(k.arg in ("copy", "out", None) for k in call.keywords):
            return False
        func = self.resolve(call.func)
        return (_returns_new(func, call) and func is not restore_item
                and not _is_ufunc_at(func) and not primitive(func).writes
                and (registry.is_primitive(func) or registry.is_pure_function(func)))

    def outside(self) -> list[str]:
        """The free names (the user's globals, closure variables) that hold data the
        function could write into: arrays, lists, dicts (a random generator, a module or a
        function is not data: drawing from a generator is followed by random draws)."""
        local = self.bound_names() | set(self.params)
        free = syntax.loaded_names(self.fn) - local if self._free is None else self._free - local
        return [name for name in sorted(free)
                if isinstance(self.resolve(gast.Name(id=name, ctx=gast.Load(), annotation=None,
                                                     type_comment=None)),
                              (np.ndarray, list, dict))]

    def bound_names(self) -> set[str]:
        """The names the function binds (``syntax.stored_names``)."""
        if self._bound is None:
            self._bound = syntax.stored_names(self.fn)
        return self._bound

    # -- statements ------------------------------------------------------------------------
    def block(self, body: list[gast.stmt], state: State) -> State:
        """The state after ``body``, from ``state`` (not changed: the block binds names in a
        copy of its own, made once, not one per assignment)."""
        if body:
            state = State(dict(state.points))
        for stmt in body:
            state = self.statement(stmt, state)
            for key in self._changed_at.get(id(stmt), ()):
                change = self.changes[key]  # who sees the change: the names live after it
                live = self.live_after.get(id(stmt), set()) - change.spares
                if change.when_varied:  # and differentiated values the backward pass reads
                    live = live | (self.varied & state.points.keys())
                change.readers = sorted(n for n in live if change.objects & self.reach(
                    state.points.get(n, frozenset())))
        return state

    def partly(self, body: list[gast.stmt], state: State) -> State:
        """The states ``body`` may stop in (after any statement of it: a ``try``), merged."""
        merged = state
        for stmt in body:
            if isinstance(stmt, gast.If):
                merged = merged.merged(self.partly(stmt.body, state)).merged(
                    self.partly(stmt.orelse, state))
            state = self.block([stmt], state)
            merged = merged.merged(state)
        return merged

    def age(self, site: int, state: State) -> State:
        """Statement ``site`` runs again: what it made before is an older object now
        (a new list ``xs = []`` in a loop is not the one an earlier iteration made)."""
        if site not in self._ran:
            self._ran.add(site)
            return state  # it made nothing yet
        new, old = ("made", site), ("old", site)
        for held in self.held.values():
            if new in held:
                held.discard(new)
                held.add(old)
        if new in self.held:
            self.held.setdefault(old, set()).update(self.held.pop(new))
        if new in self.containers:
            self.containers.add(old)
        return State({n: (objects - {new}) | {old} if new in objects else objects
                      for n, objects in state.points.items()})

    def statement(self, stmt: gast.stmt, state: State) -> State:
        """The state after ``stmt``; an assignment binds its names in ``state`` itself (the
        enclosing block's own copy)."""
        if isinstance(stmt, gast.If):
            return self.block(stmt.body, state).merged(self.block(stmt.orelse, state))
        if isinstance(stmt, gast.Try):  # it may stop after any statement of its body
            return self.partly(stmt.body, state)
        if isinstance(stmt, (gast.For, gast.While)):
            entry = state
            while True:
                inner = entry
                if isinstance(stmt, gast.For):
                    source = self.value(stmt.iter, entry, stmt)
                    inner = self.bind(stmt.target, self.element(source), entry)
                new = entry.merged(self.block(stmt.body, inner))
                if new.points == entry.points:
                    return entry
                entry = new
        if isinstance(stmt, gast.Return):
            self.returned = self.reach(self.value(stmt.value, state, stmt)) \
                if stmt.value is not None else frozenset()
            return state
        if isinstance(stmt, gast.Expr):
            if not _writes_back(stmt.value, self.resolve):
                self.call_changes(stmt.value, state, stmt)
            return state
        if not isinstance(stmt, gast.Assign):
            return state
        target, value = stmt.targets[0], stmt.value
        state = self.age(id(stmt), state)
        objects = self.value(value, state, stmt)
        if isinstance(value, gast.Call):
            self.call_changes(value, state, stmt)
        if isinstance(target, gast.Subscript):
            base = target.value.id
            changed = state.points.get(base, frozenset())
            if anno.info(stmt).inplace:  # x[i] += v: the element itself changes in place
                changed = self.reach(changed)
            self.hold(state.points.get(base, frozenset()), objects)
            self.record(Change(stmt, changed, f"{base}[...] = ... changes {base!r} in place", base,
                               spares=frozenset({base})))
            return state
        if anno.info(stmt).inplace and isinstance(value, gast.Call) \
                and isinstance(value.args[1], gast.Name):  # x_1 = keep_dtype(x + v, x)
            user = anno.info(stmt).inplace
            self.record(Change(stmt, state.points.get(value.args[1].id, frozenset()),
                               f"the augmented assignment to {user!r} changes it in place",
                               user, spares=syntax.stored_names(target), checked=True))
        if isinstance(target, (gast.Tuple, gast.List)):
            objects = self.element(objects)
        for name in _stored_names(target):
            state.points[name] = objects
        return state

    def bind(self, target: gast.expr, objects: frozenset, state: State) -> State:
        points = dict(state.points)
        for name in syntax.stored_names(target):
            points[name] = objects
        return State(points)

    def record(self, change: Change) -> None:
        if change.objects:
            key = id(change.stmt), change.name
            if key not in self.changes:
                self._changed_at.setdefault(key[0], []).append(key)
            self.changes[key] = change

    # -- values ----------------------------------------------------------------------------
    def element(self, objects: frozenset) -> frozenset:
        """What an element, row or slice of one of ``objects`` may refer to: what it holds,
        and (unless it is a list, tuple or dict the function made) a view of itself."""
        return frozenset(o for o in objects if o not in self.containers) | frozenset().union(
            *(self.held.get(o, ()) for o in objects))

    def value(self, node: gast.expr, state: State, stmt: gast.stmt) -> frozenset:
        made = frozenset({("made", id(stmt))})
        if isinstance(node, gast.Name):
            return state.points.get(node.id, made)
        # ``_read(node, state)``, a walk of the value, is made on the paths that use it only
        # (a constant, a comparison or a call that returns a new value does not)
        if isinstance(node, gast.Subscript):
            return self.element(_read(node, state))
        if isinstance(node, gast.Attribute):
            return made if node.attr in VALUE_ATTRIBUTES else self.element(_read(node, state))
        if isinstance(node, (gast.Tuple, gast.List, gast.Dict, gast.Set)):
            self.containers |= made
            self.hold(made, _read(node, state))
            return made
        if isinstance(node, gast.BoolOp):  # a or b is one of them
            return _read(node, state)
        if isinstance(node, gast.Call):
            if (isinstance(node.func, gast.Attribute) and node.func.attr == "pop"
                    and isinstance(node.func.value, gast.Name)):  # xs.pop(): an element
                held = state.points.get(node.func.value.id, frozenset())
                return made | frozenset().union(*(self.held.get(o, ()) for o in held))
            func = self.resolve(node.func)
            if _returns_new(func, node):
                return made
            summary = self.summaries(func)
            if summary is not None and not summary.returns_argument:
                return made
            # it may return an argument, a view of one, or something that holds one
            of = _read(node, state)
            self.hold(made, self.reach(of))
            return made | self.reach(of)
        if isinstance(node, (gast.BinOp, gast.UnaryOp)):  # list + list holds their elements
            self.hold(made, frozenset().union(*(self.held.get(o, ()) for o in
                                                _read(node, state))))
            return made
        return made

    def call_changes(self, call: gast.expr, state: State, stmt: gast.stmt) -> None:
        """Record what a call changes in place: ``out=``, ``np.copyto``, a method that
        writes into its object, a helper that writes into an argument."""
        if not isinstance(call, gast.Call) or isinstance(call.func, gast.Attribute) and \
                isinstance(call.func.value, gast.Constant):  # "{}".format(x) makes a string
            return
        func = self.resolve(call.func)
        if builds_node(func):
            return  # Params(a, b=c), p._replace(W=a): a new object holding its arguments
        args = list(call.args)
        keywords = {k.arg: k.value for k in call.keywords}

        def points(node: gast.expr | None) -> frozenset:
            if isinstance(node, gast.Name):
                return state.points.get(node.id, frozenset())
            return frozenset()

        def change(node: gast.expr, call: str, how: str = "may change", why: str = "") -> None:
            if isinstance(node, gast.Name) and points(node):
                what = f"{call} {how} {node.id!r} in place{why}"
                self.record(Change(stmt, self.reach(points(node)), what, node.id,
                                   when_varied=True))

        described = _describe_call(call)
        copy = keywords.get("copy")
        if isinstance(copy, gast.Constant) and copy.value is False and args:  # nan_to_num
            change(args[0], f"{described}(..., copy=False)", "changes")
        if "out" in keywords:
            change(keywords["out"], f"{described}(..., out=...)", "changes")
        if dynamic_callee(call.func, state.points.keys()) is not None:  # (no copy per call)
            return  # a callee known when the call runs: checked then (runtime.dynamic)
        receiver = call.func.value if isinstance(call.func, gast.Attribute) and \
            isinstance(call.func.value, gast.Name) and call.func.value.id in state.points \
            else None
        if receiver is not None:
            method = call.func.attr
            if method in ("append", "pop") and not args[1:] and not keywords:
                if method == "append" and args:
                    self.hold(points(receiver), self.reach(points(args[0])))
                # the derivative follows xs.append(v) and xs.pop() on lists
                self.record(Change(stmt, points(receiver), f"{receiver.id}.{method}(...) "
                                   f"changes {receiver.id!r}", receiver.id,
                                   spares=frozenset({receiver.id})))
                return
            if method in READING_METHODS or registry.is_pure_function(
                    getattr(np.ndarray, method, None)):
                return
            change(receiver, f"{receiver.id}.{method}(...)")
            for arg in args + list(keywords.values()):
                change(arg, f"{receiver.id}.{method}(...)")
            return
        if func is restore_item and isinstance(args[0], gast.Name):
            # the backward sweep of d[k] = v puts the old item back: followed like d[k] = v
            self.record(Change(stmt, points(args[0]), f"restoring an item of {args[0].id!r} "
                               f"changes {args[0].id!r}", args[0].id,
                               spares=frozenset({args[0].id})))
            return
        writes = (0,) if _is_ufunc_at(func) else primitive(func).writes
        if writes:  # np.copyto(a, b): its record says which arguments it changes
            for position in writes:
                if position < len(args):
                    change(args[position], f"{described}(...)", "changes")
            return
        if registry.is_primitive(func) or registry.is_pure_function(func):
            return
        summary = self.summaries(func)
        if summary is None and isinstance(func, (types.FunctionType, Specialized)):
            return  # differentiated from a source it cannot read, so refused there
        if summary is None:  # no source, no rule: it may change any argument
            for arg in args + list(keywords.values()):
                change(arg, f"{described}(...)", why=" (it has no derivative rule, and no "
                       "Python source tangentlike can read)")
            return
        for param, node in summary.bind(args, keywords):
            if param in summary.changed:
                line = summary.changed[param]
                how = f": {summary.how[param]}" if param in summary.how else ""
                change(node, f"{described}(...)", "changes",
                       f" (its parameter {param!r}, at line {line} of {summary.filename}{how})")
            elif param in summary.checked and isinstance(node, gast.Name) and points(node):
                line = summary.checked[param]  # y *= 2.0 there: only an array changes
                self.record(Change(
                    stmt, self.reach(points(node)),
                    f"{described}(...) changes {node.id!r} in place if it is an array (its "
                    f"parameter {param!r}, at line {line} of {summary.filename})", node.id,
                    checked=True, when_varied=True))


def _read(node: gast.expr, state: State) -> frozenset:
    """What the names ``node`` reads may refer to."""
    cls = node.__class__
    if cls is gast.BinOp:  # (most values: two operands, a name or a literal each, whose
        # Names are what ``walk_names`` gives; a nested one is walked)
        operands = (node.left, node.right)
    elif cls is gast.UnaryOp:
        operands = (node.operand,)
    else:
        operands = None
    if operands is not None and all(o.__class__ in _ATOMS for o in operands):
        names = sorted(o.id for o in operands if o.__class__ is gast.Name
                       and isinstance(o.ctx, gast.Load) and o.id in state.points)
        return frozenset().union(*(state.points[n] for n in names))
    names = sorted(n.id for n in syntax.walk_names(node)
                   if isinstance(n.ctx, gast.Load) and n.id in state.points)
    return frozenset().union(*(state.points[n] for n in names))


_ATOMS = frozenset({gast.Name, gast.Constant})


def _returns_new(func: Any, call: gast.Call) -> bool:
    """A function or method that returns a new value (not a view of an argument): a function
    whose record says so (``Returns.NEW``; a function nobody declared may share)."""
    if any(k.arg == "out" for k in call.keywords):
        return False
    if isinstance(call.func, gast.Attribute) and call.func.attr in _VIEW_METHODS:
        return False
    if isinstance(call.func, gast.Attribute) and isinstance(
            getattr(func, "__self__", None), (np.ndarray, list, dict)):
        func = Method(call.func.attr)  # a global's: TOTALS.copy()
    if isinstance(func, Method):  # x.copy(), x.sum(): a method of an array, not a view
        return func.name in READING_METHODS or registry.is_pure_function(
            getattr(np.ndarray, func.name, None))
    return primitive(func).returns is Returns.NEW


def _is_ufunc_at(func: Any) -> bool:
    return getattr(func, "__name__", None) == "at" and isinstance(
        getattr(func, "__self__", None), np.ufunc)


def _describe_call(call: gast.Call) -> str:
    return syntax.dotted_name(call.func) or "a call"


_VIEW_METHODS = {"reshape", "ravel", "transpose", "swapaxes", "squeeze", "view", "diagonal",
                 "real", "imag"}


# What calling one of the user's functions may do to its arguments (see aliasing.summary_of).
@dataclass
class FunctionSummary:
    """What calling one of the user's functions may do to the objects passed to it."""

    signature: inspect.Signature | None
    changed: dict[str, int]  # parameter -> a line that changes it in place
    returns_argument: bool  # the result may be (or view, or hold) an argument
    filename: str = ""
    # parameter -> a line that changes it in place only if it is mutable (``y *= 2.0``: an
    # array changes, a float is re-bound): checked at run time where the helper is called
    checked: dict[str, int] = field(default_factory=dict)
    # parameter -> what changes it (``np.copyto(y, v) changes 'y' in place``), with the names
    # of the function's own code
    how: dict[str, str] = field(default_factory=dict)

    def bind(self, args: list[gast.expr], keywords: dict[str, gast.expr],
             ) -> list[tuple[str, gast.expr]]:
        """(parameter, argument) pairs; every parameter for every argument if unsure."""
        try:
            bound = self.signature.bind(*args, **keywords).arguments
        except (TypeError, AttributeError):
            return [(p, a) for p in self.changed for a in [*args, *keywords.values()]]
        return [(p, a) for p, a in bound.items() if isinstance(a, gast.AST)]


def _writes_back(call: gast.expr, resolve: Callable[[gast.expr], Any]) -> bool:
    """``write_back(x, x_1)`` at the end of a function writing into its parameter ``x``: the
    caller's array gets the function's last value of it, which nothing in the function reads."""
    return isinstance(call, gast.Call) and resolve(call.func) is write_back


def _stored_names(target: gast.expr) -> Collection[str]:
    """``syntax.stored_names(target)``, without its walk for a name (most targets)."""
    if target.__class__ is gast.Name:
        return (target.id,) if isinstance(target.ctx, (gast.Store, gast.Param)) else ()
    return syntax.stored_names(target)
