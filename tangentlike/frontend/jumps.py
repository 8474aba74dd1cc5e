"""Before desugar: ``with`` blocks become ``try`` statements, and ``return``, ``break`` and
``continue`` inside a ``try`` statement become flags, so that frontend/exceptions.py lowers
``try`` statements that run to their end.

``with cm as v: B`` (one item; several are nested) becomes what Python runs::

    manager = cm
    v = manager.__enter__()
    try:
        B
    except BaseException as raised:
        if not manager.__exit__(type(raised), raised, raised.__traceback__):
            raise
    else:
        manager.__exit__(None, None, None)

so ``__exit__`` sees an exception the body raised and may suppress it (the body was then left
half run: the derivative replays what ran, as for any ``try``).  ``with insert_grad_of(x)``
(a gradient hook) is kept.

A jump inside a ``try`` statement (``return v``; ``break`` or ``continue`` of a loop around the
statement) sets ``leave = k`` (and ``value = v``), and what follows it in its block runs under
``if leave == 0:`` (a ``return`` inside a loop of the block breaks out of it); the statement
is followed by ``if leave == 1: return value``, ``if leave == 2: break``, ``if leave == 3:
continue``, which desugar lowers as any others.  The ``else`` block runs only if the body did
not jump (``if leave == 0:``; a ``with``'s ``__exit__(None, None, None)`` always).  A jump in
the ``finally`` block overrides a pending one and drops a pending exception, as in Python: the
statement is then lowered here, the ``finally`` block after a ``try`` that records the
exception (``pending``), raised again after it unless the block jumped (``left``).
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend.operations import resolve
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.rules.surgery import insert_grad_of

_at = syntax.located_at  # code written for a statement takes its position

LOOPS = (gast.For, gast.While)
SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda)
KINDS = {gast.Return: 1, gast.Break: 2, gast.Continue: 3}


def lower_jumps(parsed: ParsedFunction, namer: Namer, body: list[gast.stmt]) -> list[gast.stmt]:
    """``body`` with its ``with`` blocks as ``try`` statements and no jump inside a ``try``."""
    return _Jumps(parsed, namer, body).block(body)


class _Jumps:
    def __init__(self, parsed: ParsedFunction, namer: Namer, body: list[gast.stmt]):
        self.parsed, self.namer = parsed, namer
        self.locals = set().union(set(), *(syntax.stored_names(s) for s in body))

    def block(self, stmts: list[gast.stmt]) -> list[gast.stmt]:
        return [new for stmt in stmts for new in self.statement(stmt)]

    def statement(self, stmt: gast.stmt) -> list[gast.stmt]:
        """``stmt``, what is inside it lowered first."""
        if isinstance(stmt, SCOPES):
            return [stmt]
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                setattr(stmt, field, self.block(inner))
        if isinstance(stmt, gast.Try):
            for handler in stmt.handlers:
                handler.body = self.block(handler.body)
            if _own_jumps(stmt):
                return self.leave(stmt, exits=False)
        if isinstance(stmt, gast.With) and not self.is_gradient_hook(stmt):
            return self.with_block(stmt)
        return [stmt]

    def is_gradient_hook(self, stmt: gast.With) -> bool:
        call = stmt.items[0].context_expr
        return len(stmt.items) == 1 and isinstance(call, gast.Call) and resolve(
            call.func, self.parsed, self.locals) is insert_grad_of

    # -- with -----------------------------------------------------------------------------
    def with_block(self, stmt: gast.With) -> list[gast.stmt]:
        body = stmt.body
        for item in reversed(stmt.items[1:]):  # with a, b: B is with a: (with b: B)
            body = self.with_block(_at(gast.With(items=[item], body=body,
                                                  type_comment=None), stmt))
        item = stmt.items[0]
        manager = self.namer.fresh("manager")
        raised = self.namer.fresh("raised")

        def method(name: str, args: list[gast.expr]) -> gast.Call:
            return syntax.call(gast.Attribute(value=syntax.load(manager), attr=name,
                                              ctx=gast.Load()), args)

        enter = method("__enter__", [])
        entered: gast.stmt = gast.Expr(value=enter) if item.optional_vars is None else \
            syntax.assign(syntax.clone(item.optional_vars), enter)
        details = [syntax.call(syntax.load("type"), [syntax.load(raised)]),
                   syntax.load(raised),
                   gast.Attribute(value=syntax.load(raised), attr="__traceback__",
                                  ctx=gast.Load())]
        kept = gast.UnaryOp(op=gast.Not(), operand=method("__exit__", details))
        handler = gast.ExceptHandler(
            type=syntax.load("BaseException"), name=syntax.store(raised),
            body=[_at(gast.If(test=kept, body=[_at(gast.Raise(exc=None, cause=None), stmt)],
                              orelse=[]), stmt)])
        clean = gast.Expr(value=method("__exit__", [syntax.const(None)] * 3))
        attempt = _at(gast.Try(body=body, handlers=[_at(handler, stmt)],
                               orelse=[_at(clean, stmt)], finalbody=[]), stmt)
        start = [_at(syntax.assign(manager, item.context_expr), stmt), _at(entered, stmt)]
        if _own_jumps(attempt):
            return start + self.leave(attempt, exits=True)
        return start + [attempt]

    # -- jumps ----------------------------------------------------------------------------
    def leave(self, stmt: gast.Try, exits: bool) -> list[gast.stmt]:
        """The statement with its jumps as flags (see the module docstring); ``exits``: its
        ``else`` block is a ``with``'s ``__exit__``, which runs when the body jumps."""
        how = self.namer.fresh("leave")
        kinds = {KINDS[type(j)] for j in _own_jumps(stmt)}
        value = self.namer.fresh("value") if 1 in kinds else None
        start = [_at(syntax.assign(how, syntax.const(0)), stmt)]
        if value:
            start.append(_at(syntax.assign(value, syntax.const(None)), stmt))

        def going() -> gast.expr:
            return gast.Compare(left=syntax.load(how), ops=[gast.Eq()],
                                comparators=[syntax.const(0)])

        def jump(node: gast.stmt, flag: str | None) -> list[gast.stmt]:
            out = []
            if isinstance(node, gast.Return):
                out.append(syntax.assign(value, node.value or syntax.const(None)))
            out.append(syntax.assign(how, syntax.const(KINDS[type(node)])))
            if flag:
                out.append(syntax.assign(flag, syntax.const(True)))
            return [_at(s, node) for s in out]

        jumped_in_body = bool(_jumps_in(stmt.body, 0))
        body = _rewrite(stmt.body, 0, lambda j: jump(j, None), going)
        for handler in stmt.handlers:
            handler.body = _rewrite(handler.body, 0, lambda j: jump(j, None), going) \
                or [gast.Pass()]
        orelse = _rewrite(stmt.orelse, 0, lambda j: jump(j, None), going)
        if orelse and jumped_in_body and not exits:
            orelse = [_at(gast.If(test=going(), body=orelse, orelse=[]), stmt)]
        after = [_at(gast.If(test=gast.Compare(left=syntax.load(how), ops=[gast.Eq()],
                                               comparators=[syntax.const(k)]),
                             body=[gast.Return(value=syntax.load(value)) if k == 1 else
                                   gast.Break() if k == 2 else gast.Continue()],
                             orelse=[]), stmt) for k in sorted(kinds)]
        if not _jumps_in(stmt.finalbody, 0):
            return start + [_at(gast.Try(body=body or [gast.Pass()], handlers=stmt.handlers,
                                         orelse=orelse, finalbody=stmt.finalbody),
                                stmt)] + after
        # A jump in finally: lowered here, the exception kept in ``pending``.
        left, pending, caught = (self.namer.fresh(n) for n in ("left", "pending", "caught"))
        inner = [_at(gast.Try(body=body or [gast.Pass()], handlers=stmt.handlers,
                              orelse=orelse, finalbody=[]), stmt)] \
            if stmt.handlers or orelse else body
        record = gast.ExceptHandler(type=syntax.load("BaseException"),
                                    name=syntax.store(caught),
                                    body=[syntax.assign(pending, syntax.load(caught))])
        protected = gast.Try(body=inner or [gast.Pass()], handlers=[record], orelse=[],
                             finalbody=[])
        final = _rewrite(stmt.finalbody, 0, lambda j: jump(j, left),
                         lambda: gast.UnaryOp(op=gast.Not(), operand=syntax.load(left)))
        unless = gast.BoolOp(op=gast.And(), values=[
            gast.Compare(left=syntax.load(pending), ops=[gast.IsNot()],
                         comparators=[syntax.const(None)]),
            gast.UnaryOp(op=gast.Not(), operand=syntax.load(left))])
        again = gast.If(test=unless, body=[gast.Raise(exc=syntax.load(pending), cause=None)],
                        orelse=[])
        at = stmt.finalbody[0]
        return start + [_at(syntax.assign(pending, syntax.const(None)), stmt),
                        _at(protected, stmt), _at(syntax.assign(left, syntax.const(False)), at),
                        *final, _at(again, at)] + after


def _rewrite(stmts: list[gast.stmt], loops: int, jump: Callable[[gast.stmt], list[gast.stmt]],
             going: Callable[[], gast.expr]) -> list[gast.stmt]:
    """``stmts`` with each jump of the ``try`` statement as ``jump(node)``; ``loops``: how
    many loops of the block are around them (a ``return`` there also breaks out)."""
    out: list[gast.stmt] = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, gast.Return) or (
                isinstance(stmt, (gast.Break, gast.Continue)) and not loops):
            out += jump(stmt)
            if loops:
                out.append(_at(gast.Break(), stmt))
            return out  # what follows a jump never runs
        if not _jumps_in([stmt], loops):
            out.append(stmt)
            continue
        if isinstance(stmt, LOOPS):
            stmt.body = _rewrite(stmt.body, loops + 1, jump, going)
        else:  # an if (a try or with inside has no jumps left)
            stmt.body = _rewrite(stmt.body, loops, jump, going) or [gast.Pass()]
            stmt.orelse = _rewrite(stmt.orelse, loops, jump, going)
        out.append(stmt)
        rest = _rewrite(stmts[i + 1:], loops, jump, going)
        if loops and isinstance(stmt, LOOPS):  # leave the loop around too
            stopped = gast.UnaryOp(op=gast.Not(), operand=going())
            out.append(_at(gast.If(test=stopped, body=[gast.Break()], orelse=[]), stmt))
            return out + rest
        if loops:  # (the jump broke out of the loop around)
            return out + rest
        if rest:
            out.append(_at(gast.If(test=going(), body=rest, orelse=[]), stmt))
        return out
    return out


def _jumps_in(stmts: list[gast.AST], loops: int) -> list[gast.stmt]:
    """The jumps in ``stmts`` that leave them: ``return``, and ``break``/``continue`` outside
    the loops in them (``loops``: how many loops are around ``stmts`` already)."""
    found: list[gast.stmt] = []
    todo = [(s, loops) for s in stmts]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, gast.Return) or (
                isinstance(node, (gast.Break, gast.Continue)) and not depth):
            found.append(node)
        if isinstance(node, SCOPES):
            continue
        todo += [(child, depth + isinstance(node, LOOPS))
                 for child in gast.iter_child_nodes(node)]
    return found


def _own_jumps(stmt: gast.Try) -> list[gast.stmt]:
    return _jumps_in([stmt], 0)
