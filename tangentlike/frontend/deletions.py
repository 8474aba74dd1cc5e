"""``del name`` statements of local names, dropped where that is sound.

After ``del x`` the name ``x`` is unbound: reading it raises ``UnboundLocalError``.  The
generated code leaves the statement out (keeping the value alive changes nothing but memory)
where the program cannot tell the difference:

- every target is a plain name (``del xs[i]`` and ``del obj.attr`` change a value in place:
  refused);
- the name is bound when the ``del`` runs: a parameter, the target of an enclosing ``for``, or
  assigned by a simple statement before it, in its own block or an enclosing one (otherwise
  Python raises there);
- no code that can run after it reads the name before binding it again (the rest of its block,
  the code after each enclosing statement, the whole body and test of each enclosing loop — its
  next trip — and the handlers of an enclosing ``try``; another ``del`` of it counts as a read),
  and no nested function or lambda reads it (a closure could be called after the ``del``).

Anything else is refused at the statement, with a hint.  The analysis is conservative: it may
refuse a ``del`` that is safe, never drop one whose absence shows.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Literal

import gast

from tangentlike.core import syntax
from tangentlike.errors import UnsupportedSyntaxError
from tangentlike.frontend.parsing import ParsedFunction

_HINT = ("tangentlike leaves out 'del name' only where the name is bound before it and "
         "nothing after it reads the name; remove the del (names are freed when the function "
         "returns)")

# A frame of the path from the function's body down to a statement: the block and the
# position in it, and the compound statement whose block it is (None at the top).
_Frame = tuple[list[gast.stmt], int, gast.stmt | None]


def drop_deletions(parsed: ParsedFunction) -> None:
    """Remove the ``del`` statements of ``parsed``'s function (its node, in place), or refuse
    the first that cannot be left out (:class:`UnsupportedSyntaxError`)."""
    node = parsed.node
    args = node.args
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    params |= {a.id for a in (args.vararg, args.kwarg) if a is not None}
    closures = functools.cache(lambda: _closure_reads(node.body))  # (walked at a first del)
    _visit(parsed, node.body, [], params, closures)


def _visit(parsed: ParsedFunction, block: list[gast.stmt], frames: list[_Frame],
           params: set[str], closures: Callable[[], set[str]]) -> None:
    i = 0
    while i < len(block):
        stmt = block[i]
        if isinstance(stmt, gast.Delete):
            for target in stmt.targets:
                _check(parsed, stmt, target, [*frames, (block, i, None)], params, closures)
            del block[i]
            continue
        if not isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    _visit(parsed, inner, [*frames, (block, i, stmt)], params, closures)
                    if not inner:
                        inner.append(gast.copy_location(gast.Pass(), stmt))
            for handler in getattr(stmt, "handlers", ()):
                _visit(parsed, handler.body, [*frames, (block, i, stmt)], params, closures)
                if not handler.body:
                    handler.body.append(gast.copy_location(gast.Pass(), handler))
        i += 1


def _check(parsed: ParsedFunction, stmt: gast.Delete, target: gast.expr,
           frames: list[_Frame], params: set[str], closures: Callable[[], set[str]]) -> None:
    def refuse(what: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError(
            f"tangentlike does not support {what} in a differentiated function",
            parsed.location(stmt), hint=_HINT)

    if not isinstance(target, gast.Name):
        raise refuse("a del of a subscript, slice or attribute (it changes a value in place)")
    name = target.id
    if name in closures():
        raise refuse(f"a del of '{name}', which a nested function or lambda reads")
    if not _bound_before(name, frames, params):
        raise refuse(f"a del of '{name}' where it may not be bound")
    if _read_after(name, frames):
        raise refuse(f"a del of '{name}' where code that can run after it reads '{name}'")


def _closure_reads(body: list[gast.stmt]) -> set[str]:
    """The names read inside the nested functions and lambdas of ``body``."""
    names: set[str] = set()
    for stmt in body:
        for sub in syntax.walk(stmt):
            if isinstance(sub, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda)):
                names |= {n.id for n in syntax.walk(sub) if isinstance(n, gast.Name)}
    return names


def _binds(stmt: gast.stmt, name: str) -> bool:
    """Whether the simple statement ``stmt`` certainly binds ``name`` (without reading it)."""
    if isinstance(stmt, gast.Assign):
        return name in syntax.stored_names(stmt) and not _reads(stmt, name)
    if isinstance(stmt, gast.AnnAssign):
        return stmt.value is not None and syntax.is_name(stmt.target, name) \
            and not _reads(stmt, name)
    return False


def _reads(node: gast.AST, name: str) -> bool:
    """Whether ``node`` reads ``name`` (or deletes it, or updates it with ``+=``)."""
    for sub in syntax.walk(node):
        if isinstance(sub, gast.Name) and sub.id == name \
                and isinstance(sub.ctx, (gast.Load, gast.Del)):
            return True
        if isinstance(sub, gast.AugAssign) and syntax.is_name(sub.target, name):
            return True
    return False


def _bound_before(name: str, frames: list[_Frame], params: set[str]) -> bool:
    if name in params:
        return True
    for k, (block, i, owner) in enumerate(frames):
        if isinstance(owner, gast.For) and name in syntax.stored_names(owner.target) \
                and frames[k + 1][0] is owner.body:
            return True
        if any(_binds(s, name) for s in block[:i]):
            return True
    return False


def _scan(stmts: list[gast.stmt], name: str) -> Literal["read", "bound", "clear"]:
    """What runs first in ``stmts``: a read of ``name``, a binding of it, or neither."""
    for stmt in stmts:
        if _reads(stmt, name):
            return "read"
        if _binds(stmt, name):
            return "bound"
    return "clear"


def _read_after(name: str, frames: list[_Frame]) -> bool:
    """Whether code that can run after the statement at the end of ``frames`` may read
    ``name`` before binding it again."""
    # frames[k] = (block, index, owner): owner is the statement whose block frames[k+1] is
    # in; the innermost frame's owner is None.
    for k in range(len(frames) - 1, -1, -1):
        block, i, _ = frames[k]
        after = _scan(block[i + 1:], name)
        if after == "read":
            return True
        if after == "bound":
            return False
        if k == 0:
            return False
        owner = frames[k - 1][2]
        if isinstance(owner, (gast.For, gast.While)):
            if isinstance(owner, gast.While) and _reads(owner.test, name):
                return True
            if _scan(owner.body, name) == "read" or _scan(owner.orelse, name) == "read":
                return True
        elif isinstance(owner, gast.Try):
            rest = [s for h in owner.handlers for s in h.body] + owner.orelse + owner.finalbody
            if _reads(gast.Module(body=rest, type_ignores=[]), name):
                return True
    return False
