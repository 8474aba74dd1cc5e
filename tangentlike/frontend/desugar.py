"""Before A-normal form: canonical control flow, so the differentiation passes see few shapes.

- ``with`` blocks become ``try`` statements, and a ``return``, ``break`` or ``continue``
  inside a ``try`` statement a flag the statement is followed by (frontend/jumps.py);
- every ``return`` becomes an assignment to one result variable, returned once at the end
  (the statements after an ``if`` that returns move into its other branch; a ``return``
  inside a loop also sets a flag and breaks out, and what follows the loop runs under
  ``if not returned:``);
- ``break`` and ``continue`` become flags that guard the rest of the loop body, with one
  ``if <broke>: break`` left as the body's last statement;
- ``for a, b in zip(xs, ys)``, ``for i, x in enumerate(xs)``, ``for x in reversed(xs)`` and
  their nesting (``for i, (a, b) in enumerate(zip(xs, ys))``) become loops over an index
  (``for k in range(...)``), so their derivatives flow through ordinary subscripts.

The trees produced are still the user's Python (with new names from the namer), and every new
statement keeps the line number of the statement it replaces, for comments and errors.
"""
from __future__ import annotations

import gast

from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import UnsupportedSyntaxError
from tangentlike.frontend.jumps import lower_jumps
from tangentlike.frontend.lifting import params_of
from tangentlike.frontend.operations import resolve
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.frontend.spreading import returned_length

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
    def __init__(self, parsed: ParsedFunction, namer: Namer, bound: set[str] | None = None):
        self.parsed = parsed
        self.namer = namer
        # the names the function binds (``syntax.stored_names(parsed.node)`` before it is
        # desugared), where the caller has them
        self._bound = bound
        self.result: str | None = None
        self.returned: str | None = None  # the flag of a return inside a loop

    @property
    def bound(self) -> set[str]:
        """The names the function binds, as parsed (not the desugared body's new ones)."""
        if self._bound is None:  # (parsed.node: the caller's body is a clone)
            self._bound = syntax.stored_names(self.parsed.node)
        return self._bound

    def unsupported(self, node: gast.AST, what: str, hint: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError(
            f"tangentlike does not support {what} in a differentiated function",
            self.parsed.location(node), hint=hint)

    # -- returns ---------------------------------------------------------------------------
    def single_exit(self, body: list[gast.stmt]) -> list[gast.stmt]:
        """The body with one ``return`` at its end (nothing if the function has no return)."""
        last = body[-1] if body else None
        if isinstance(last, gast.Return):  # (then ``_contains(body, ...)``: one scan less)
            if not _contains(body[:-1], (gast.Return,), False) and self.result is None:
                return body  # the common case: one return, at the end
        elif not _contains(body, (gast.Return,), into_loops=False):
            return body
        self.result = self.result or self.namer.fresh(self.parsed.name)
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

    # -- return inside a loop ----------------------------------------------------------------
    def returns_in_loops(self, body: list[gast.stmt]) -> list[gast.stmt]:
        """``return v`` inside a loop becomes ``result = v; returned = True; break`` (and
        ``if returned: break`` after each enclosing inner loop); what follows the outermost
        loop runs under ``if not returned:``.  The result variable is then returned once,
        at the end (``single_exit``)."""
        if not any(isinstance(s, LOOPS) and _contains(s.body, (gast.Return,), True)
                   for s in _walk_statements(body)):
            return body
        self.result = self.namer.fresh(self.parsed.name)
        self.returned = self.namer.fresh("returned")
        docstring = body[:1] if (isinstance(body[0], gast.Expr) and isinstance(
            body[0].value, gast.Constant) and isinstance(body[0].value.value, str)) else []
        body = body[len(docstring):]
        init = [_located(syntax.assign(self.returned, syntax.const(False)), body[0]),
                _located(syntax.assign(self.result, syntax.const(None)), body[0])]
        return docstring + init + self._loop_returns(body, in_loop=False)

    def _loop_returns(self, stmts: list[gast.stmt], in_loop: bool) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for i, stmt in enumerate(stmts):
            if in_loop and isinstance(stmt, gast.Return):
                value = stmt.value if stmt.value is not None else syntax.const(None)
                out += [_located(syntax.assign(self.result, value), stmt),
                        _located(syntax.assign(self.returned, syntax.const(True)), stmt),
                        _located(gast.Break(), stmt)]
                return out  # what follows a return never runs
            returns = _contains([stmt], (gast.Return,), into_loops=True)
            if not returns or not (in_loop or _contains_loop_return(stmt)):
                out.append(stmt)
                continue
            if isinstance(stmt, LOOPS):
                stmt.body = self._loop_returns(stmt.body, in_loop=True)
            else:  # an if whose branches hold a loop that returns
                stmt.body = self._loop_returns(stmt.body, in_loop)
                stmt.orelse = self._loop_returns(stmt.orelse, in_loop)
            out.append(stmt)
            rest = self._loop_returns(stmts[i + 1:], in_loop)
            if in_loop:  # leave the enclosing loop too
                out.append(_located(gast.If(test=syntax.load(self.returned),
                                            body=[gast.Break()], orelse=[]), stmt))
                return out + rest
            if rest:
                test = gast.UnaryOp(op=gast.Not(), operand=syntax.load(self.returned))
                out.append(_located(gast.If(test=test, body=rest, orelse=[]), stmt))
            return out
        return out

    # -- break and continue ----------------------------------------------------------------
    def loops(self, stmts: list[gast.stmt]) -> list[gast.stmt]:
        """Lower break/continue and zip/enumerate/reversed iteration in every loop of ``stmts``."""
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

    # -- zip, enumerate and reversed -------------------------------------------------------
    _ITERATORS = ("zip", "enumerate", "reversed")

    def _index_iteration(self, loop: gast.For) -> list[gast.stmt]:
        """``for a, b in zip(xs, ys)`` becomes ``for k in range(min(len(xs), len(ys)))``
        with ``a = xs[k]; b = ys[k]`` first in the body; ``enumerate``, ``reversed``
        (``xs[-1 - k]``) and their nesting (``for i, (a, b) in enumerate(zip(xs, ys))``)
        likewise."""
        if not self._iterator(loop.iter):
            return [loop]
        # The iterators see their arguments as they were before the loop: evaluate an
        # expression once, and keep a name the body re-binds under a name of its own.
        rebound = set().union(set(), *(syntax.stored_names(s) for s in loop.body))
        snapshots: list[gast.stmt] = []
        index = self.namer.fresh("k")
        source = self._source(loop.iter, loop, rebound, snapshots)
        if source is None:
            return [loop]
        length, element = source
        binds = self._binds(loop.target, element(syntax.load(index)), loop)
        if binds is None:
            return [loop]
        new = gast.For(target=syntax.store(index),
                       iter=syntax.call(syntax.load("range"), [_located(length, loop)]),
                       body=binds + loop.body, orelse=[], type_comment=None)
        new.target = _located(new.target, loop)
        new.iter = _located(new.iter, loop)
        return snapshots + [gast.copy_location(new, loop)]

    def _iterator(self, node: gast.expr) -> str | None:
        """``zip``, ``enumerate`` or ``reversed`` when ``node`` calls the builtin (not a
        name the user's module or function binds), with positional arguments only."""
        if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
                and not node.keywords and node.func.id in self._ITERATORS):
            return None
        kind = node.func.id
        if kind in self.parsed.func.__globals__ or kind in self.bound:
            return None
        if not node.args or kind != "zip" and len(node.args) != 1:
            return None
        return kind

    def _source(self, node: gast.expr, loop: gast.For, rebound: set[str],
                snapshots: list[gast.stmt]) -> tuple | None:
        """``(length, element)`` of what ``node`` iterates over: ``element(k)`` is the
        expression of its ``k``-th item."""
        kind = self._iterator(node)
        if kind is None:
            if isinstance(node, gast.Name) and node.id not in rebound:
                sequence = node
            elif isinstance(node, gast.Starred):
                return None
            else:
                name = self.namer.fresh("seq")
                snapshots.append(_located(syntax.assign(name, node), loop))
                sequence = syntax.load(name)
            return (syntax.call(syntax.load("len"), [syntax.clone(sequence)]),
                    lambda k: _located(gast.Subscript(value=syntax.clone(sequence), slice=k,
                                                      ctx=gast.Load()), loop))
        args = self._spread_results(node.args, loop, snapshots)
        if args is None:
            return None
        parts = [self._source(arg, loop, rebound, snapshots) for arg in args]
        if any(p is None for p in parts):
            return None
        if kind == "zip":
            lengths = [length for length, _ in parts]
            length = lengths[0] if len(lengths) == 1 else syntax.call(syntax.load("min"),
                                                                       lengths)
            return length, lambda k: syntax.tuple_of([item(syntax.clone(k))
                                                      for _, item in parts])
        (length, item), = parts
        if kind == "enumerate":
            return length, lambda k: syntax.tuple_of([k, item(syntax.clone(k))])
        # reversed: the k-th item from the end
        return length, lambda k: item(gast.BinOp(left=syntax.const(-1), op=gast.Sub(),
                                                 right=k))

    def _spread_results(self, args: list[gast.expr], loop: gast.For,
                        snapshots: list[gast.stmt]) -> list[gast.expr] | None:
        """``zip(*g(x))`` with ``g`` your function returning a tuple it writes out
        (``return a, b``): ``seq = g(x)`` first, then ``zip(seq[0], seq[1])``; None for
        another starred argument."""
        out: list[gast.expr] = []
        for arg in args:
            if not isinstance(arg, gast.Starred):
                out.append(arg)
                continue
            if not isinstance(arg.value, gast.Call):
                return None
            length = returned_length(resolve(
                arg.value.func, self.parsed,
                self.bound | {a.id for a in params_of(self.parsed.node.args)}))
            if length is None:
                return None
            name = self.namer.fresh("seq")
            snapshots.append(_located(syntax.assign(name, arg.value), loop))
            out += [_located(gast.Subscript(value=syntax.load(name), slice=syntax.const(i),
                                            ctx=gast.Load()), loop) for i in range(length)]
        return out

    def _binds(self, target: gast.expr, element: gast.expr,
               loop: gast.For) -> list[gast.stmt] | None:
        """The assignments of the loop target: one per name where the target's tuple
        matches the element's (``a = xs[k]``), else one unpacking."""
        if isinstance(target, (gast.Tuple, gast.List)) and isinstance(element, gast.Tuple):
            if len(target.elts) != len(element.elts) or any(
                    isinstance(t, gast.Starred) for t in target.elts):
                return None
            binds = [self._binds(t, e, loop) for t, e in zip(target.elts, element.elts)]
            return None if any(b is None for b in binds) else sum(binds, [])
        return [_located(syntax.assign(syntax.clone(target), element), loop)]


def _walk_statements(stmts: list[gast.stmt]) -> list[gast.stmt]:
    """Every statement of ``stmts``, nested ones included (not into nested functions)."""
    found = []
    for stmt in stmts:
        found.append(stmt)
        if isinstance(stmt, (gast.FunctionDef, gast.ClassDef)):
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                found += _walk_statements(inner)
    return found


def _contains_loop_return(stmt: gast.stmt) -> bool:
    """A ``return`` inside a loop, in ``stmt`` or in it if it is a loop."""
    return any(isinstance(s, LOOPS) and _contains(s.body, (gast.Return,), True)
               for s in _walk_statements([stmt]))


def _always_returns(stmts: list[gast.stmt]) -> bool:
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (gast.Return, gast.Raise)):
        return True
    if isinstance(last, gast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


def desugar(parsed: ParsedFunction, namer: Namer,
            bound: set[str] | None = None) -> list[gast.stmt]:
    """The function's body with canonical returns, loops and iteration (a new list).
    ``bound``: the names the function binds (``syntax.stored_names(parsed.node)``), where
    the caller has them: then ``parsed.node``'s statements are rewritten in place (the
    caller reads no more of ``parsed.node`` than its parameters), else a copy of them."""
    d = Desugar(parsed, namer, bound)
    statements = parsed.node.body if bound is not None else syntax.clone(parsed.node.body)
    body = lower_jumps(parsed, namer, statements)
    body = d.returns_in_loops(body)
    body = d.loops(body)
    return d.single_exit(body)
