"""Which values may share memory, and in-place changes the derivative would not see.

The derivative treats ``x += v`` as a new value for ``x``, and calls the generated halves of
the user's functions, which change nothing in place.  Python and NumPy do otherwise: ``x += v``
changes the array that every other name bound to it (or to a view of it) sees, and a helper
that writes into its argument changes the caller's array.  The two agree exactly when no
other name that is still read later can reach the memory changed.  This module finds the
places where they may not agree, on the normalized function:

- a points-to analysis gives each name the abstract objects it may refer to (an object is
  where it was made: a statement, or a parameter), and each object the objects it may hold
  (a list of arrays); a view (``x[1:3]``, ``x.T``, ``x.reshape(...)``) refers to its base;
- each statement that changes memory in place (``x += v`` on a name, ``x[i] = v``,
  ``xs.append(v)``, ``out=``, ``np.copyto``, a method or helper that writes into an argument)
  changes some objects; a name live after it that can reach one of them is a conflict.

A conflict of ``x += v`` is checked when the derivative runs (a float is never shared, and a
new array is not either: ``check_unshared`` raises only if the two values really share
memory), and so is one through an element read ``y = x[i]`` (``check_not_view``: a number is
a copy, a row a view); any other conflict is refused now, naming both names and the line.
A call that changes a differentiated value in place is also refused when only the backward
pass reads that value (``np.nan_to_num(t, copy=False)``).

Worked example::

    a = x * 1.0          # a -> {s1}
    b = a                # b -> {s1}
    a *= a               # changes {s1}; b is read later and reaches s1: check_unshared(a, b)
    return np.sum(b)
"""
from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, dataflow, syntax
from tangentlike.errors import Location, UnsupportedSyntaxError
from tangentlike.frontend.annotate import Method
from tangentlike.rules import registry
from tangentlike.rules.primitive import Returns, primitive

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
        names = self.points.keys() | other.points.keys()
        return State({n: self.points.get(n, frozenset()) | other.points.get(n, frozenset())
                      for n in names})


class Analysis:
    """The points-to analysis of one normalized function (see the module docstring)."""

    def __init__(self, fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                 summaries: Callable[[Any], FunctionSummary | None],
                 varied: set[str] = frozenset()):
        self.fn = fn
        self.varied = set(varied)
        self.resolve = resolve
        self.summaries = summaries
        self.held: dict[Object, set] = {}
        self.containers: set[Object] = set()  # made by a list, tuple or dict display
        self.changes: dict[tuple[int, str], Change] = {}  # by statement and name changed
        self.returned: frozenset = frozenset()
        self.state = State()  # the state after the statement being analysed
        self.params = [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
        self.live_after = dataflow.Liveness().after_all(fn)

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
        self.block(self.fn.body, state)

    # -- statements ------------------------------------------------------------------------
    def block(self, body: list[gast.stmt], state: State) -> State:
        for stmt in body:
            state = self.statement(stmt, state)
            for (key, _), change in self.changes.items():
                if key == id(stmt):  # who sees the change: the names live after it
                    live = self.live_after.get(id(stmt), set()) - change.spares
                    if change.when_varied:  # and differentiated values the backward pass reads
                        live = live | (self.varied & state.points.keys())
                    change.readers = sorted(n for n in live if change.objects & self.reach(
                        state.points.get(n, frozenset())))
        return state

    def age(self, site: int, state: State) -> State:
        """Statement ``site`` runs again: what it made before is an older object now
        (a new list ``xs = []`` in a loop is not the one an earlier iteration made)."""
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
        if isinstance(stmt, gast.If):
            return self.block(stmt.body, state).merged(self.block(stmt.orelse, state))
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
            return self.bind(target, self.element(objects), state)
        return self.bind(target, objects, state)

    def bind(self, target: gast.expr, objects: frozenset, state: State) -> State:
        points = dict(state.points)
        for name in syntax.stored_names(target):
            points[name] = objects
        return State(points)

    def record(self, change: Change) -> None:
        if change.objects:
            self.changes[id(change.stmt), change.name] = change

    # -- values ----------------------------------------------------------------------------
    def element(self, objects: frozenset) -> frozenset:
        """What an element, row or slice of one of ``objects`` may refer to: what it holds,
        and (unless it is a list, tuple or dict the function made) a view of itself."""
        return frozenset(o for o in objects if o not in self.containers) | frozenset().union(
            *(self.held.get(o, ()) for o in objects))

    def value(self, node: gast.expr, state: State, stmt: gast.stmt) -> frozenset:
        made = frozenset({("made", id(stmt))})
        names = sorted(n.id for n in syntax.walk_names(node)
                       if isinstance(n.ctx, gast.Load) and n.id in state.points)
        of = frozenset().union(*(state.points[n] for n in names))
        if isinstance(node, gast.Name):
            return state.points.get(node.id, made)
        if isinstance(node, gast.Subscript):
            return self.element(of)
        if isinstance(node, gast.Attribute):
            return made if node.attr in VALUE_ATTRIBUTES else self.element(of)
        if isinstance(node, (gast.Tuple, gast.List, gast.Dict, gast.Set)):
            self.containers |= made
            self.hold(made, of)
            return made
        if isinstance(node, gast.BoolOp):  # a or b is one of them
            return of
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
            self.hold(made, self.reach(of))
            return made | self.reach(of)
        if isinstance(node, (gast.BinOp, gast.UnaryOp)):  # list + list holds their elements
            self.hold(made, frozenset().union(*(self.held.get(o, ()) for o in of)))
            return made
        return made

    def call_changes(self, call: gast.expr, state: State, stmt: gast.stmt) -> None:
        """Record what a call changes in place: ``out=``, ``np.copyto``, a method that
        writes into its object, a helper that writes into an argument."""
        if not isinstance(call, gast.Call) or isinstance(call.func, gast.Attribute) and \
                isinstance(call.func.value, gast.Constant):  # "{}".format(x) makes a string
            return
        func = self.resolve(call.func)
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
        writes = (0,) if _is_ufunc_at(func) else primitive(func).writes
        if writes:  # np.copyto(a, b): its record says which arguments it changes
            for position in writes:
                if position < len(args):
                    change(args[position], f"{described}(...)", "changes")
            return
        if registry.is_primitive(func) or registry.is_pure_function(func):
            return
        summary = self.summaries(func)
        if summary is None and isinstance(func, types.FunctionType):
            return  # differentiated from a source it cannot read, so refused there
        if summary is None:  # no source, no rule: it may change any argument
            for arg in args + list(keywords.values()):
                change(arg, f"{described}(...)")
            return
        for param, node in summary.bind(args, keywords):
            if param in summary.changed:
                line = summary.changed[param]
                change(node, f"{described}(...)", "changes",
                       f" (its parameter {param!r}, at line {line} of {summary.filename})")
            elif param in summary.checked and isinstance(node, gast.Name) and points(node):
                line = summary.checked[param]  # y *= 2.0 there: only an array changes
                self.record(Change(
                    stmt, self.reach(points(node)),
                    f"{described}(...) changes {node.id!r} in place if it is an array (its "
                    f"parameter {param!r}, at line {line} of {summary.filename})", node.id,
                    checked=True, when_varied=True))


def _returns_new(func: Any, call: gast.Call) -> bool:
    """A function or method that returns a new value (not a view of an argument): a function
    whose record says so (``Returns.NEW``; a function nobody declared may share)."""
    if any(k.arg == "out" for k in call.keywords):
        return False
    if isinstance(call.func, gast.Attribute) and call.func.attr in _VIEW_METHODS:
        return False
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

# -- what a user's function does to its arguments ----------------------------------------------
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

    def bind(self, args: list[gast.expr], keywords: dict[str, gast.expr],
             ) -> list[tuple[str, gast.expr]]:
        """(parameter, argument) pairs; every parameter for every argument if unsure."""
        try:
            bound = self.signature.bind(*args, **keywords).arguments
        except (TypeError, AttributeError):
            return [(p, a) for p in self.changed for a in [*args, *keywords.values()]]
        return [(p, a) for p, a in bound.items() if isinstance(a, gast.AST)]


def summarize(fn: gast.FunctionDef, func: Callable, resolve: Callable[[gast.expr], Any],
              summaries: Callable[[Any], FunctionSummary | None]) -> FunctionSummary:
    """The summary of ``func`` from its normalized tree ``fn``."""
    analysis = Analysis(fn, resolve, summaries)
    analysis.run()
    changed: dict[str, int] = {}
    checked: dict[str, int] = {}
    for change in analysis.changes.values():
        for obj in change.objects:
            found = checked if change.checked else changed
            if obj[0] == "param" and obj[1] not in found:
                origin = anno.info(change.stmt).origin
                found[obj[1]] = origin.lineno if origin is not None else 0
    params = {("param", p) for p in analysis.params}
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None
    code = getattr(func, "__code__", None)
    return FunctionSummary(signature, changed, bool(params & analysis.returned),
                           code.co_filename if code else "",
                           {p: line for p, line in checked.items() if p not in changed})


# -- conflicts --------------------------------------------------------------------------------
def conflicts(analysis: Analysis, varied: set[str]) -> list[tuple[Change, list[str]]]:
    """Each change with the names live after it that can reach what it changes."""
    return [(change, change.readers) for change in analysis.changes.values()
            if change.readers and not (change.when_varied
                                       and not syntax.loaded_names(change.stmt) & varied)]


def check(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
          summaries: Callable[[Any], FunctionSummary | None], varied: set[str],
          location: Callable[[gast.AST], Location],
          guard: Callable[[str, str, str, Location], gast.stmt]) -> None:
    """Refuse the in-place changes the derivative would not see; where only the values can
    tell (a float is never shared, ``y[1]`` of a vector is a number, not a view), put a
    run-time check in the derivative instead."""
    analysis = Analysis(fn, resolve, summaries, varied)
    analysis.run()
    bindings: dict[str, list[gast.stmt]] = {}
    for stmt in syntax.statements(fn.body, with_bodies=True):
        for name in dataflow.defs(stmt) if not isinstance(stmt, gast.If) else ():
            bindings.setdefault(name, []).append(stmt)
    checked: set[tuple[int, str]] = set()
    unbound: set[str] = set()  # names a check reads that are bound to None at the top
    for change, names in conflicts(analysis, varied):
        where = location(change.stmt)
        refused = []
        for name in names:
            bound = bindings.get(name, [])
            if bound and all(_reads_element(s) for s in bound):
                # y = x[i]: a number (a copy) or a view, as x's shape says
                for s in bound:
                    if (id(s), name) not in checked:
                        checked.add((id(s), name))
                        _insert_after(fn.body, s, guard("check_not_view", name, change.name,
                                                        location(s)))
            elif change.checked and not any(_reads_part(s) for s in bound):
                _insert_before(fn.body, change.stmt, [guard("check_unshared", change.name,
                                                             name, where)])
                _bind_before_use(fn, name, change.stmt, unbound)
            else:
                refused.append(name)
        if not refused:
            continue
        others = [repr(n) for n in refused if n != change.name]
        readers = ([repr(change.name)] if change.name in refused else []) + (
            [f"{', '.join(others)} (which may share its memory)"] if others else [])
        raise UnsupportedSyntaxError(
            f"{change.what}, and {' and '.join(readers)} "
            f"{'is' if len(refused) == 1 else 'are'} read later: tangentlike's derivative "
            "would not see the change",
            where, hint=f"work on a copy ({change.name} = {change.name}.copy()), or write the "
            "new value to a new name (and return it from a helper)")


def _bind_before_use(fn: gast.FunctionDef, name: str, check: gast.stmt,
                     done: set[str]) -> None:
    """``name = None`` at the top of ``fn`` when a check placed before ``check`` may read
    ``name`` unbound: unless a statement of the function's top level before the one holding
    ``check`` binds it (a parameter's working copy, an assignment), it may be bound only in
    a branch not taken or by a loop further down, from its second iteration on.
    ``check_unshared(x, None)`` passes."""
    params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    params |= {a.id for a in (fn.args.vararg, fn.args.kwarg) if a is not None}
    if name in params or name in done:
        return
    for stmt in fn.body:
        if any(node is check for node in gast.walk(stmt)):
            break
        if not isinstance(stmt, (gast.If, gast.For, gast.While, gast.Try, gast.With)) \
                and name in dataflow.defs(stmt):
            return  # bound before, on every path
    done.add(name)
    stmt = syntax.assign(name, syntax.const(None))
    record = anno.info(stmt)
    record.generated = record.keep = True
    fn.body.insert(syntax.body_start(fn), stmt)


def _reads_part(stmt: gast.stmt) -> bool:
    """``y = x[...]``: the derivative may read a copy where Python has a view."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Subscript)


def _reads_element(stmt: gast.stmt) -> bool:
    """``y = x[i]`` or ``y = x[i, j]`` (no slice): a number for an array of that many
    dimensions, a view of a row otherwise."""
    if not (_reads_part(stmt) and isinstance(stmt.targets[0], gast.Name)):
        return False
    index = stmt.value.slice
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return all(isinstance(p, gast.Name) or syntax.is_number(p) for p in parts)


def check_function(fn: gast.FunctionDef, parsed: Any, varied: set[str], namespace: Any) -> None:
    """:func:`check` for the function being differentiated: run-time checks call
    ``runtime.check_unshared`` under the name ``namespace`` gives it."""
    from tangentlike import runtime
    from tangentlike.frontend import annotate
    from tangentlike.frontend.annotate import Kind, Operation

    local = syntax.stored_names(fn)

    def resolve(node: gast.expr) -> Any:
        return annotate.resolve(node, parsed, local)

    def guard(helper: str, name: str, other: str, where: Location) -> gast.stmt:
        if helper == "check_not_view":
            message = (f"{name} (line {where.lineno} of {where.filename}: "
                       f"{where.line.strip()}) is a view of an array that is changed in "
                       f"place later, while {name} is still read: NumPy changes {name} too, "
                       "which tangentlike's derivative does not follow")
            args = [name]
        elif name == other:  # a helper that does y *= c, given an array
            message = (f"{name} is an array, which the call at line {where.lineno} of "
                       f"{where.filename} ({where.line.strip()}) changes in place and which "
                       "is read later: tangentlike's derivative does not follow that")
        else:
            message = (f"{name} is changed in place at line {where.lineno} of "
                       f"{where.filename} ({where.line.strip()}), and {other} shares its "
                       f"memory: NumPy changes {other} too, which tangentlike's derivative "
                       "does not follow")
        if helper == "check_unshared":
            args = [name, other]
        func = syntax.load(namespace.name_for(getattr(runtime, helper), helper))
        stmt = gast.Expr(value=syntax.call(func, [
            *map(syntax.load, args), syntax.const(message), syntax.const(where.filename),
            syntax.const(where.lineno)]))
        record = anno.info(stmt)
        record.generated = record.keep = True
        record.origin = where
        record.callee = Operation(Kind.OPAQUE, differentiable=False)
        return stmt

    def location(stmt: gast.AST) -> Location:
        return anno.info(stmt).origin or parsed.location(stmt)

    check(fn, resolve, summary_of, varied, location, guard)


_summaries: dict[Any, FunctionSummary | None] = {}
_in_progress: dict[Any, FunctionSummary] = {}


def summary_of(func: Any) -> FunctionSummary | None:
    """The summary of one of the user's functions (None for anything else, or when its
    source cannot be normalized: then it may change any argument).  Recursion is followed
    to a fixed point: a function in progress stands for what is known of it so far."""
    from tangentlike.core.naming import Namer
    from tangentlike.frontend import annotate
    from tangentlike.frontend.normalize import normalize
    from tangentlike.frontend.parsing import parse_function

    if not annotate.is_user_function(func):
        return None
    key = (func, func.__code__)
    if key in _in_progress:
        return _in_progress[key]
    if key in _summaries:
        return _summaries[key]
    try:
        parsed = parse_function(func)
        fn = normalize(parsed, Namer(syntax.all_names(parsed.node)), summary=True)
    except Exception:  # noqa: BLE001  (any failure: know nothing, assume the worst)
        _summaries[key] = None
        return None
    local = syntax.stored_names(fn)

    def resolve(node: gast.expr) -> Any:
        return annotate.resolve(node, parsed, local)

    _in_progress[key] = FunctionSummary(None, {}, False)
    try:
        for _ in range(8):
            summary = summarize(fn, func, resolve, summary_of)
            known = _in_progress[key]
            if (summary.changed, summary.checked, summary.returns_argument) == (
                    known.changed, known.checked, known.returns_argument):
                break
            _in_progress[key] = summary
    finally:
        del _in_progress[key]
    _summaries[key] = summary
    return summary


def _insert_before(body: list[gast.stmt], stmt: gast.stmt, new: list[gast.stmt]) -> None:
    for block in syntax.blocks(body):
        for i, s in enumerate(block):
            if s is stmt:
                block[i:i] = new
                return


def _insert_after(body: list[gast.stmt], stmt: gast.stmt, new: gast.stmt) -> None:
    for block in syntax.blocks(body):
        for i, s in enumerate(block):
            if s is stmt:
                block.insert(i + 1, new)
                return
