"""Which values may share memory, and in-place changes the derivative would not see.

The derivative treats ``x += v`` as a new value for ``x``, and calls the generated halves of
the user's functions, which change nothing in place.  Python and NumPy do otherwise: ``x += v``
changes the array that every other name bound to it (or to a view of it) sees, and a helper
that writes into its argument changes the caller's array.  The two agree exactly when no
other name that is still read later can reach the memory changed.  This module finds the
places where they may not agree, on the normalized function:

- a points-to analysis (:mod:`tangentlike.frontend.points_to`) gives each name the abstract
  objects it may refer to (an object is where it was made: a statement, or a parameter), and
  each object the objects it may hold (a list of arrays); a view (``x[1:3]``, ``x.T``,
  ``x.reshape(...)``) refers to its base;
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
import re
from collections.abc import Callable
from typing import Any

import gast

from tangentlike.core import anno, dataflow, syntax
from tangentlike.errors import Location, UnsupportedSyntaxError
from tangentlike.frontend.points_to import Analysis, Change, FunctionSummary


def summarize(fn: gast.FunctionDef, func: Callable, resolve: Callable[[gast.expr], Any],
              summaries: Callable[[Any], FunctionSummary | None]) -> FunctionSummary:
    """The summary of ``func`` from its normalized tree ``fn``."""
    analysis = Analysis(fn, resolve, summaries)
    analysis.run()
    changed: dict[str, int] = {}
    checked: dict[str, int] = {}
    how: dict[str, str] = {}
    user = _user_names(anno.info(fn).versions or {})
    for change in analysis.changes.values():
        for obj in change.objects:
            found = checked if change.checked else changed
            if obj[0] == "param" and obj[1] not in found:
                origin = anno.info(change.stmt).origin
                found[obj[1]] = origin.lineno if origin is not None else 0
                how[obj[1]] = user(change.what)
    params = {("param", p) for p in analysis.params}
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None
    code = getattr(func, "__code__", None)
    return FunctionSummary(signature, changed, bool(params & analysis.returned),
                           code.co_filename if code else "",
                           {p: line for p, line in checked.items() if p not in changed}, how)


# -- conflicts --------------------------------------------------------------------------------
def conflicts(analysis: Analysis, varied: set[str]) -> list[tuple[Change, list[str]]]:
    """Each change with the names live after it that can reach what it changes."""
    return [(change, change.readers) for change in analysis.changes.values()
            if change.readers and not (change.when_varied
                                       and not syntax.loaded_names(change.stmt) & varied)]


def check(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
          summaries: Callable[[Any], FunctionSummary | None], varied: set[str],
          location: Callable[[gast.AST], Location],
          guard: Callable[[str, str, str, Location], gast.stmt],
          bound: set[str] | None = None, free: set[str] | None = None) -> None:
    """Refuse the in-place changes the derivative would not see; where only the values can
    tell (a float is never shared, ``y[1]`` of a vector is a number, not a view), put a
    run-time check in the derivative instead.  ``bound``: the names ``fn`` binds, where the
    caller has them; ``free``: the names it reads and does not bind, where it has them."""
    analysis = Analysis(fn, resolve, summaries, varied, bound, free)
    if analysis.changes_nothing():  # (arithmetic, calls of primitives: no change to follow,
        return  # no write into a subscript, so none through an attribute either)
    analysis.run()
    _refuse_changes_outside(analysis, location)
    found = conflicts(analysis, varied)
    if not found:
        return  # (the usual case: the statements' bindings below are not needed)
    bindings: dict[str, list[gast.stmt]] = {}
    for stmt in syntax.statements(fn.body, with_bodies=True):
        for name in dataflow.defs(stmt) if not isinstance(stmt, gast.If) else ():
            bindings.setdefault(name, []).append(stmt)
    checked: set[tuple[int, str]] = set()
    unbound: set[str] = set()  # names a check reads that are bound to None at the top
    for change, names in found:
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
        versions = anno.info(fn).versions or {}
        named = [n for n in refused if n in versions]  # not the temporaries, where it can
        refused = [n for n in refused if n in named or not named]
        others = [repr(n) for n in refused if n != change.name]
        readers = ([repr(change.name)] if change.name in refused else []) + (
            [f"{', '.join(others)} (which may share its memory)"] if others else [])
        user = _user_names(versions)
        raise UnsupportedSyntaxError(
            user(f"{change.what}, and {' and '.join(readers)} "
                 f"{'is' if len(refused) == 1 else 'are'} read later: tangentlike's derivative "
                 "would not see the change"),
            where, hint=user(f"work on a copy ({change.name} = {change.name}.copy()), or write "
                             "the new value to a new name (and return it from a helper)"))


def _user_names(versions: dict[str, str]) -> Callable[[str], str]:
    """A message with each version of a name (``x_1``) written as the user's name (``x``)."""
    def rewrite(text: str) -> str:
        return re.sub(r"(?<![\w/.])[A-Za-z_]\w*", lambda m: versions.get(m[0], m[0]), text)
    return rewrite


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


def check_function(fn: gast.FunctionDef, parsed: Any, varied: set[str], namespace: Any,
                   bound: set[str] | None = None, free: set[str] | None = None) -> None:
    """:func:`check` for the function being differentiated: run-time checks call
    ``runtime.check_unshared`` under the name ``namespace`` gives it.  ``bound``: the names
    ``fn`` binds (``syntax.stored_names(fn)``), and ``free`` the names it reads and does not
    bind, where the caller has them."""
    from tangentlike import runtime
    from tangentlike.frontend import operations
    from tangentlike.frontend.operations import Kind, Operation

    local = syntax.stored_names(fn) if bound is None else bound

    def resolve(node: gast.expr) -> Any:
        return operations.resolve(node, parsed, local)

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

    check(fn, resolve, summary_of, varied, location, guard, local, free)


def _refuse_changes_outside(analysis: Analysis, location: Callable[[gast.AST], Location],
                            ) -> None:
    """A write into a global's or a closure variable's array, list or dict (``arr[1] = v``,
    ``log.append(v)``, also through a view): the derivative differentiates only the values
    the function makes or is given, and its backward pass would put the old items back."""
    changes = [(change, sorted(o[1] for o in change.objects if o[0] == "global"))
               for change in analysis.changes.values()]
    changes += _writes_into_attributes(analysis.fn, analysis.params, analysis.bound_names())
    for change, outside in changes:
        if outside and not _logs(change.stmt, analysis.varied):
            names = " and ".join(repr(n) for n in outside)
            through = "" if outside == [change.name] else f", which changes {names}"
            raise UnsupportedSyntaxError(
                f"{change.what}{through}: {names} {'is' if len(outside) == 1 else 'are'} kept "
                "outside the function (a global or a closure variable), and tangentlike's "
                "derivative does not follow changes to data kept there", location(change.stmt),
                hint=f"pass {outside[0]} as an argument (the derivative writes into it as the "
                     f"function does), or work on a copy ({outside[0]}_here = "
                     f"{outside[0]}.copy()) and return it")


def _writes_into_attributes(fn: gast.FunctionDef, params: list[str], bound: set[str],
                            ) -> list[tuple[Change, list[str]]]:
    """``row = cfg.W; row[2] = v`` (or ``row[1:][0] = v``): a write into data reached through an
    attribute of a global object or module, which the points-to analysis does not follow.
    Names are followed in the order of the statements; one bound again to something else is
    forgotten (in a branch or a loop that may keep a name it should drop: a refusal)."""
    local = bound | set(params)
    reached: dict[str, str] = {}  # name -> the dotted path of the data it may be part of
    found = []
    for stmt in syntax.statements(fn.body, with_bodies=True):
        targets = stmt.targets if isinstance(stmt, gast.Assign) else \
            [stmt.target] if isinstance(stmt, gast.AugAssign) else []
        for target in targets:
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) and (
                    target.value.id in reached):
                name = target.value.id
                found.append((Change(stmt, frozenset(), f"{name}[...] = ... changes {name!r} "
                                     "in place", name), [reached[name]]))
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)):
            continue
        target, value = stmt.targets[0].id, stmt.value
        base = value.value if isinstance(value, (gast.Attribute, gast.Subscript)) else None
        dotted = syntax.dotted_name(value) if isinstance(value, gast.Attribute) else None
        if dotted is not None and dotted.split(".")[0] not in local:
            reached[target] = dotted  # cfg.W
        elif isinstance(base, gast.Name) and base.id in reached:
            reached[target] = reached[base.id]  # row[1:], row.T
        else:
            reached.pop(target, None)
    return found


def _logs(stmt: gast.stmt, varied: set[str]) -> bool:
    """``log.append(v)`` of a value that carries no derivative: the derivative appends it
    as the function does (and never takes it back)."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    return (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == "append" and not call.keywords
            and not syntax.loaded_names(gast.Tuple(elts=call.args, ctx=gast.Load())) & varied)


_summaries: dict[Any, FunctionSummary | None] = {}
_in_progress: dict[Any, FunctionSummary] = {}


def summary_of(func: Any) -> FunctionSummary | None:
    """The summary of one of the user's functions (None for anything else, or when its
    source cannot be normalized: then it may change any argument).  Recursion is followed
    to a fixed point: a function in progress stands for what is known of it so far."""
    from tangentlike.core.naming import Namer
    from tangentlike.frontend import operations
    from tangentlike.frontend.normalize import normalize
    from tangentlike.frontend.parsing import parse_function

    if not operations.is_user_function(func):
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
        return operations.resolve(node, parsed, local)

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
