"""``try`` statements, lowered for normalize: the branch taken replayed like an ``if``.

``try: B except E1 as e: H1 except E2: H2 else: O`` becomes::

    error = None
    try:                       # the probe: its only handler records what was caught
        B
    except (E1, E2) as exc:
        error = exc
    if error is not None:
        if isinstance(error, E1):
            e = error
            H1                 # a bare ``raise`` here is ``raise error``
        elif isinstance(error, E2):
            H2
    else:
        O

(the types of all handlers in one tuple, literal tuples flattened; the probe's handler first
raises again a ``TangentlikeError``, a refusal at run time, which is never the user's to
catch), so the user's statements run in the derivative as they run in Python (the same exception
caught at the same point), and every pass sees the handlers and the ``else`` block as the
branches of ``if`` statements.  Only the probe's body is new to them: reverse mode counts the
statements of it that completed (``tangentlike.ad.reverse.sweeps``) and replays only those.

A probe's body is straight-line code (``if`` blocks too): the normalized body ``B`` is run in
probes (``_guard``), each run of statements with no loop in it one probe, so that an exception
leaves no loop half run with no count of what ran::

    try:                       # what precedes the loop, and the loop's iterable
        A
        seq = range(n)
    except E as exc:
        error = exc
    going = error is None
    if going:
        for i in seq:
            try:               # the loop's body, guarded in turn (a step counter per trip)
                L
            except E as exc:
                error = exc
            stop = error is not None   # (``broke or ...`` with the loop's own break)
            if stop:
                break          # the trip that raised is counted: its completed steps replay
    going_1 = error is None
    if going_1:
        try: C ...             # what follows the loop

A ``try`` in ``B`` (lowered first: its probes, then its handlers as ``if`` blocks) has its
probes' handlers followed by this one's (``except E2 as exc: error_2 = exc`` then ``except E
as exc: error = exc``): an exception its handlers do not take is this statement's.

``try: B finally: F`` (``B`` with handlers: the ``try/except/else`` above) becomes::

    error = None
    try:                       # probes, as above
        B
    except ANY_EXCEPTION as exc:   # (BaseException,), tangentlike.runtime's
        error = exc
    F
    if error is not None:
        raise error

with ``B`` run in probes as above (an outer ``try`` may catch what ``F`` raises again, so ``B``
is replayed as far as it ran).  Such a probe in generated code, differentiated again by
``hvp``, is known by what it catches and stays one (``reraises``).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import gast

from tangentlike import runtime
from tangentlike.core import anno, syntax
from tangentlike.errors import TangentlikeError
from tangentlike.frontend.operations import resolve

_located = syntax.located_at  # code written for a statement takes its position

if TYPE_CHECKING:  # (normalize imports this module)
    from tangentlike.frontend.normalize import Normalizer

_LOOPS = (gast.For, gast.While)


def lower_try(n: Normalizer, stmt: gast.Try) -> None:
    """Emit the lowering of ``stmt`` (see the module docstring) into ``n``'s output."""
    _refuse_jumps(n, stmt)
    if stmt.finalbody:
        inner = stmt.body
        if stmt.handlers:
            inner = [gast.copy_location(gast.Try(body=stmt.body, handlers=stmt.handlers,
                                                 orelse=stmt.orelse, finalbody=[]), stmt)]
        _finally(n, stmt, inner)
    else:
        _catching(n, stmt)


def reraises(stmt: gast.Try) -> bool:
    """The probe of a ``finally``: when it catches, the function raises after ``F``."""
    return anno.has_info(stmt) and anno.info(stmt).reraises


def _probe(n: Normalizer, stmt: gast.Try, body: list[gast.stmt], types: gast.expr,
           error: str) -> gast.Try:
    """The probe: ``try: body except types as exc: error = exc``, where a refusal tangentlike
    raises at run time (a ``TangentlikeError``) is never the user's to catch."""
    bound = n.namer.fresh("exc")
    n.locals.add(bound)
    record: list[gast.stmt] = [syntax.assign(error, syntax.load(bound))]
    if n.namespace is not None:
        ours = syntax.load(n.namespace.name_for(TangentlikeError, "TangentlikeError"))
        anno.info(ours).callee = TangentlikeError
        record.insert(0, gast.If(test=syntax.call(syntax.load("isinstance"),
                                                  [syntax.load(bound), ours]),
                                 body=[gast.Raise(exc=None, cause=None)], orelse=[]))
    handler = gast.ExceptHandler(type=types, name=syntax.store(bound), body=record)
    probe = gast.Try(body=body or [gast.Pass()], handlers=[handler], orelse=[], finalbody=[])
    return _located(probe, stmt)


def _catching(n: Normalizer, stmt: gast.Try) -> None:
    error = n.namer.fresh("error")
    n.locals.add(error)
    n.emit(syntax.assign(error, syntax.const(None)))
    body = n.block(stmt.body)
    again = len(stmt.handlers) == 1 and stmt.handlers[0].type is not None and resolve(
        stmt.handlers[0].type, n.parsed, n.locals) is runtime.ANY_EXCEPTION
    types = [h.type if h.type is not None else syntax.load("BaseException")
             for h in stmt.handlers]
    flat = [e for t in types for e in (t.elts if isinstance(t, gast.Tuple) else [t])]
    flat = [syntax.load("BaseException") if resolve(e, n.parsed, n.locals)
            is runtime.ANY_EXCEPTION else e for e in flat]  # (a tuple: not in a tuple)
    caught = flat[0] if len(flat) == 1 else syntax.tuple_of([syntax.clone(t) for t in flat])
    if again:  # generated code, differentiated again: the function raises when it catches
        probe = _probe(n, stmt, body, syntax.clone(caught), error)
        anno.info(probe).reraises = True
        n.emit(probe)
    else:
        for guarded in _guard(n, stmt, body, lambda run: _probe(
                n, stmt, run, syntax.clone(caught), error), error):
            n.emit(guarded)
    chain: list[gast.stmt] = []
    for handler, kind in zip(reversed(stmt.handlers), reversed(types)):
        test = syntax.call(syntax.load("isinstance"), [syntax.load(error), syntax.clone(kind)])
        bind = [syntax.assign(handler.name.id, syntax.load(error))] if handler.name else []
        body = bind + _reraise(handler.body, error)
        if resolve(kind, n.parsed, n.locals) is BaseException:  # it takes whatever came
            chain = [_located(s, handler) for s in body]
            continue
        chain = [_located(gast.If(test=test, body=body, orelse=chain), handler)]
    raised = gast.Compare(left=syntax.load(error), ops=[gast.IsNot()],
                          comparators=[syntax.const(None)])
    dispatch = _located(gast.If(test=raised, body=chain, orelse=stmt.orelse), stmt)
    n.visit_statements([gast.Pass(), dispatch])


def _finally(n: Normalizer, stmt: gast.Try, inner: list[gast.stmt]) -> None:
    error = n.namer.fresh("error")
    n.locals.add(error)
    n.emit(syntax.assign(error, syntax.const(None)))
    name = "ANY_EXCEPTION" if n.namespace is None else \
        n.namespace.name_for(runtime.ANY_EXCEPTION, "ANY_EXCEPTION")
    anything = syntax.load(name)
    anno.info(anything).callee = runtime.ANY_EXCEPTION
    for guarded in _guard(n, stmt, n.block(inner), lambda run: _probe(
            n, stmt, run, syntax.clone(anything), error), error):
        n.emit(guarded)
    raised = gast.Compare(left=syntax.load(error), ops=[gast.IsNot()],
                          comparators=[syntax.const(None)])
    again = _located(gast.If(test=raised, body=[gast.Raise(exc=syntax.load(error), cause=None)],
                             orelse=[]), stmt.finalbody[-1])
    n.visit_statements([gast.Pass(), *stmt.finalbody, again])


def _guard(n: Normalizer, stmt: gast.Try, body: list[gast.stmt],
           probe: Callable[[list[gast.stmt]], gast.Try], error: str) -> list[gast.stmt]:
    """The normalized ``body`` of ``stmt`` with its statements run inside probes: each run of
    statements without a loop or a probe in one (``probe(run)``), a loop's body guarded in
    turn, then ``if stop: break`` with ``stop = error is not None``, a probe of a ``try``
    inside it given the handler too, and what follows a loop or probe under
    ``if error is None:``.  A loop's iterable is evaluated in the probe before it."""
    segments: list[list[gast.stmt]] = []
    run: list[gast.stmt] = []
    for inner in body:
        if _plain(inner):
            run.append(inner)
            continue
        if isinstance(inner, gast.For) and isinstance(inner.iter, gast.Call):
            sequence = n.namer.fresh("seq")  # range(n) may raise, inside the probe
            n.locals.add(sequence)
            run.append(_located(syntax.assign(sequence, inner.iter), inner))
            inner.iter = syntax.load(sequence)
        if run:
            segments.append(_probed(run, probe))
            run = []
        segments.append([_guarded(n, stmt, inner, probe, error)])
    if run:
        segments.append(_probed(run, probe))
    while len(segments) > 1 and all(isinstance(s, gast.Assign) for s in segments[0]):
        segments[:2] = [segments[0] + segments[1]]  # constants first: nothing raised yet
    out = segments[0] if segments else []
    for segment in segments[1:]:
        going = n.namer.fresh("going")
        n.locals.add(going)
        fine = gast.Compare(left=syntax.load(error), ops=[gast.Is()],
                            comparators=[syntax.const(None)])
        out += [_located(syntax.assign(going, fine), segment[0]),
                _located(gast.If(test=syntax.load(going), body=segment, orelse=[]), segment[0])]
    return out


def _probed(run: list[gast.stmt],
            probe: Callable[[list[gast.stmt]], gast.Try]) -> list[gast.stmt]:
    """``probe(run)``, the constants ``run`` starts with before it (they cannot raise)."""
    safe = 0
    while safe < len(run) and isinstance(run[safe], gast.Assign) and isinstance(
            run[safe].targets[0], gast.Name) and isinstance(run[safe].value, gast.Constant):
        safe += 1
    return run[:safe] + ([probe(run[safe:])] if run[safe:] else [])


def _guarded(n: Normalizer, stmt: gast.Try, inner: gast.stmt,
             probe: Callable[[list[gast.stmt]], gast.Try], error: str) -> gast.stmt:
    """One statement with a loop or probe in it, its parts run inside probes."""
    if isinstance(inner, gast.If):
        inner.body = _guard(n, stmt, inner.body, probe, error) or [gast.Pass()]
        inner.orelse = _guard(n, stmt, inner.orelse, probe, error)
        return inner
    if isinstance(inner, gast.Try):  # a probe already: its body runs no loop
        if not all(_plain(s) for s in inner.body):
            raise n.unsupported(stmt, "a try statement around generated code with a loop in "
                                "its try body", "differentiate the function itself")
        inner.handlers = inner.handlers + probe([gast.Pass()]).handlers
        return inner
    body = inner.body
    tail = body[-1] if _ends_with_break(body) else None
    stop = n.namer.fresh("stop")
    n.locals.add(stop)
    left: gast.expr = gast.Compare(left=syntax.load(error), ops=[gast.IsNot()],
                                   comparators=[syntax.const(None)])
    if tail is not None:  # the loop's own ``if broke: break``, last
        body = body[:-1]
        left = gast.BoolOp(op=gast.Or(), values=[syntax.clone(tail.test), left])
    inner.body = _guard(n, stmt, body, probe, error) + [
        _located(syntax.assign(stop, left), inner),
        _located(gast.If(test=syntax.load(stop), body=[gast.Break()], orelse=[]), inner)]
    return inner


def _ends_with_break(body: list[gast.stmt]) -> bool:
    last = body[-1] if body else None
    return (isinstance(last, gast.If) and len(last.body) == 1
            and isinstance(last.body[0], gast.Break))


def _plain(stmt: gast.stmt) -> bool:
    """No loop and no probe in ``stmt`` (a gradient hook's body runs backward: not looked
    into)."""
    return not any(isinstance(s, (*_LOOPS, gast.Try))
                   for s in syntax.statements([stmt], with_bodies=False))


def _reraise(body: list[gast.stmt], error: str) -> list[gast.stmt]:
    """A handler's body with each bare ``raise`` of it as ``raise error`` (not those of the
    handlers of a ``try`` inside it, which re-raise their own exception)."""
    for node in _own_nodes(body):
        if isinstance(node, gast.Raise) and node.exc is None:
            node.exc = gast.copy_location(syntax.load(error), node)
    return body


def _own_nodes(body: list[gast.stmt]) -> list[gast.AST]:
    found: list[gast.AST] = []
    todo: list[gast.AST] = list(body)
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, gast.ExceptHandler) or isinstance(
                node, (gast.FunctionDef, gast.ClassDef, gast.Lambda)):
            continue
        todo += gast.iter_child_nodes(node)
    return found


def _refuse_jumps(n: Normalizer, stmt: gast.Try) -> None:
    """``return`` anywhere in the statement; ``break``/``continue`` of a loop around it."""
    todo = [(child, False) for child in gast.iter_child_nodes(stmt)]
    jumps = []
    while todo:
        node, in_loop = todo.pop()
        if isinstance(node, gast.Return) or (
                isinstance(node, (gast.Break, gast.Continue)) and not in_loop):
            jumps.append(node)
        if isinstance(node, (gast.FunctionDef, gast.ClassDef, gast.Lambda)):
            continue
        todo += [(child, in_loop or isinstance(node, _LOOPS))
                 for child in gast.iter_child_nodes(node)]
    if jumps:  # the first one written
        node = min(jumps, key=lambda j: (j.lineno, j.col_offset))
        what = {gast.Return: "return", gast.Break: "break",
                gast.Continue: "continue"}[type(node)]
        raise n.unsupported(node, f"{what} inside a try statement",
                            f"set a variable in the try statement and {what} after it")
