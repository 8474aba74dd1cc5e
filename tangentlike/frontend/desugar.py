"""Before A-normal form: canonical control flow, so the differentiation passes see few shapes.

- every ``return`` becomes an assignment to one result variable, returned once at the end
  (the statements after an ``if`` that returns move into its other branch);
- ``break`` and ``continue`` become flags that guard the rest of the loop body, with one
  ``if <broke>: break`` left as the body's last statement;
- ``for a, b in zip(xs, ys)`` and ``for i, x in enumerate(xs)`` become loops over an index
  (``for k in range(...)``), so their derivatives flow through ordinary subscripts.

The trees produced are still the user's Python (with new names from the namer), and every new
statement keeps the line number of the statement it replaces, for comments and errors.
"""
from __future__ import annotations

import gast

from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import UnsupportedSyntaxError
from tangentlike.frontend.parsing import ParsedFunction

LOOPS = (gast.For, gast.While)


def _contains(stmts: list[gast.stmt], kinds: tuple, into_loops: bool) -> bool:
    for stmt in stmts:
        if isinstance(stmt, kinds):
            return True
        if isinstance(stmt, LOOPS) and not into_loops:
            continue
        if isinstance(stmt, (gast.FunctionDef, gast.ClassDef)):
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and _contains(inner, kinds, into_loops):
                return True
    return False


def _located(new: gast.AST, old: gast.AST) -> gast.AST:
    """``new`` and its expressions take ``old``'s position; statements nested in ``new``
    (the body of a new ``if``) keep their own."""
    todo = [new]
    while todo:
        node = todo.pop()
        gast.copy_location(node, old)
        todo += [child for child in gast.iter_child_nodes(node)
                 if isinstance(child, gast.expr)]
    return new


class Desugar:
    def __init__(self, parsed: ParsedFunction, namer: Namer):
        self.parsed = parsed
        self.namer = namer
        self.result: str | None = None

    def unsupported(self, node: gast.AST, what: str, hint: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError(
            f"tangentlike does not support {what} in a differentiated function",
            self.parsed.location(node), hint=hint)

    # -- returns ---------------------------------------------------------------------------
    def single_exit(self, body: list[gast.stmt]) -> list[gast.stmt]:
        """The body with one ``return`` at its end (nothing if the function has no return)."""
        for loop in (s for s in gast.walk(gast.Module(body=body, type_ignores=[]))
                     if isinstance(s, LOOPS)):
            if _contains(loop.body + loop.orelse, (gast.Return,), into_loops=True):
                ret = next(s for s in gast.walk(loop) if isinstance(s, gast.Return))
                raise self.unsupported(ret, "a return inside a loop",
                                       "break out of the loop and return after it")
        if not _contains(body, (gast.Return,), into_loops=False):
            return body
        last = body[-1]
        if isinstance(last, gast.Return) and not _contains(body[:-1], (gast.Return,), False):
            return body  # the common case: one return, at the end
        self.result = self.namer.fresh(self.parsed.name)
        lowered = self._lower_returns(body)
        return lowered + [_located(gast.Return(value=syntax.load(self.result)), last)]

    def _lower_returns(self, stmts: list[gast.stmt]) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, gast.Return):
                value = stmt.value if stmt.value is not None else syntax.const(None)
                out.append(_located(syntax.assign(self.result, value), stmt))
                return out  # what follows a return never runs
            if isinstance(stmt, gast.If) and _contains([stmt], (gast.Return,), False):
                rest = stmts[i + 1:]
                stmt.body = self._lower_returns(
                    stmt.body + ([] if _always_returns(stmt.body) else rest))
                stmt.orelse = self._lower_returns(
                    stmt.orelse + ([] if _always_returns(stmt.orelse) else rest))
                out.append(stmt)
                return out
            out.append(stmt)
        return out

    # -- break and continue ----------------------------------------------------------------
    def loops(self, stmts: list[gast.stmt]) -> list[gast.stmt]:
        """Lower break/continue and zip/enumerate iteration in every loop of ``stmts``."""
        out = []
        for stmt in stmts:
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    setattr(stmt, field, self.loops(inner))
            if isinstance(stmt, LOOPS):
                if stmt.orelse:
                    raise self.unsupported(stmt, "an else clause on a loop",
                                           "use a flag set before break instead")
                if isinstance(stmt, gast.For):
                    *before, stmt = self._index_iteration(stmt)
                    out += before
                out += self._flags(stmt)
            else:
                out.append(stmt)
        return out

    def _flags(self, loop: gast.For | gast.While) -> list[gast.stmt]:
        has_break = _contains(loop.body, (gast.Break,), into_loops=False)
        has_continue = _contains(loop.body, (gast.Continue,), into_loops=False)
        if not (has_break or has_continue):
            return [loop]
        skip = self.namer.fresh("skip")
        broke = self.namer.fresh("broke") if has_break else None
        body = self._guard(loop.body, skip, broke)
        prologue = [_located(syntax.assign(skip, syntax.const(False)), loop)]
        loop.body = prologue + body
        before = []
        if broke:
            before.append(_located(syntax.assign(broke, syntax.const(False)), loop))
            loop.body.append(_located(gast.If(test=syntax.load(broke), body=[gast.Break()],
                                              orelse=[]), loop))
        return before + [loop]

    def _guard(self, stmts: list[gast.stmt], skip: str, broke: str | None) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for i, stmt in enumerate(stmts):
            if isinstance(stmt, (gast.Break, gast.Continue)):
                out.append(_located(syntax.assign(skip, syntax.const(True)), stmt))
                if isinstance(stmt, gast.Break):
                    out.append(_located(syntax.assign(broke, syntax.const(True)), stmt))
                return out  # the rest of this block never runs
            if isinstance(stmt, gast.If) and _contains([stmt], (gast.Break, gast.Continue),
                                                       into_loops=False):
                stmt.body = self._guard(stmt.body, skip, broke)
                stmt.orelse = self._guard(stmt.orelse, skip, broke)
                out.append(stmt)
                rest = self._guard(stmts[i + 1:], skip, broke)
                if rest:
                    test = gast.UnaryOp(op=gast.Not(), operand=syntax.load(skip))
                    out.append(_located(gast.If(test=test, body=rest, orelse=[]), stmt))
                return out
            out.append(stmt)
        return out

    # -- zip and enumerate -----------------------------------------------------------------
    def _index_iteration(self, loop: gast.For) -> list[gast.stmt]:
        """``for a, b in zip(xs, ys)`` becomes ``for k in range(min(len(xs), len(ys)))``
        with ``a = xs[k]; b = ys[k]`` first in the body."""
        call = loop.iter
        if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name)
                and not call.keywords):
            return [loop]
        kind, args = call.func.id, call.args
        shadowed = kind in self.parsed.func.__globals__ or kind in syntax.stored_names(
            self.parsed.node)
        if kind not in ("zip", "enumerate") or shadowed:
            return [loop]
        if kind == "enumerate" and len(args) != 1 or kind == "zip" and not args:
            return [loop]
        if not isinstance(loop.target, gast.Tuple) or len(loop.target.elts) != (
                2 if kind == "enumerate" else len(args)):
            return [loop]
        # zip and enumerate see their arguments as they were before the loop: evaluate an
        # expression once, and keep a name the body re-binds under a name of its own.
        rebound = set().union(set(), *(syntax.stored_names(s) for s in loop.body))
        snapshots, sequences = [], []
        for arg in args:
            if isinstance(arg, gast.Name) and arg.id not in rebound:
                sequences.append(arg)
                continue
            name = self.namer.fresh("seq")
            snapshots.append(_located(syntax.assign(name, arg), loop))
            sequences.append(syntax.load(name))
        args = sequences
        index = self.namer.fresh("k")
        lengths = [syntax.call(syntax.load("len"), [syntax.clone(a)]) for a in args]
        bound = lengths[0] if len(lengths) == 1 else syntax.call(syntax.load("min"), lengths)
        bound = _located(bound, loop)
        elements = [_located(gast.Subscript(value=syntax.clone(a), slice=syntax.load(index),
                                            ctx=gast.Load()), loop) for a in args]
        if kind == "enumerate":
            elements = [syntax.load(index), elements[0]]
        binds = [_located(syntax.assign(syntax.clone(t), e), loop)
                 for t, e in zip(loop.target.elts, elements)]
        new = gast.For(target=syntax.store(index),
                       iter=syntax.call(syntax.load("range"), [bound]),
                       body=binds + loop.body, orelse=[], type_comment=None)
        new.target = _located(new.target, loop)
        new.iter = _located(new.iter, loop)
        return snapshots + [gast.copy_location(new, loop)]


def _always_returns(stmts: list[gast.stmt]) -> bool:
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (gast.Return, gast.Raise)):
        return True
    if isinstance(last, gast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


def desugar(parsed: ParsedFunction, namer: Namer) -> list[gast.stmt]:
    """The function's body with canonical returns, loops and iteration (a new list)."""
    d = Desugar(parsed, namer)
    body = syntax.clone(parsed.node.body)
    body = d.loops(body)
    return d.single_exit(body)
