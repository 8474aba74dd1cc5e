"""Calls into the user's small helper functions written out in the caller, before it is
differentiated: ``p = predict(w, x)`` becomes the lines of ``predict`` (its locals under
fresh names, its parameters bound to the arguments) and ``p = <what it returns>``.

The derivative is then one function's straight code: no saved record handed between a
callee's halves, the optimizer and CSE see across the call, and a version by shape
(``versions/``) sees every shape (a call into a generated callee's half has a shape that
only the callee's code decides).  A helper is written out only where that changes nothing
the program does:

- it is a plain Python function defined in the caller's module (the same globals, so its
  names mean the same there), with no closure, no decorator, no rule of its own, no
  ``*args``/``**kwargs``, keyword-only parameters or default values other than constants;
- it is small (``MAX_STATEMENTS``), returns once, at its end, and contains no nested
  function, lambda, class, ``global``, ``try``, ``with``, ``yield``, ``del``, ``:=`` or
  import;
- it writes into nothing: no ``x[i] = v`` or ``p.a = v``, no ``+=`` on a name that may
  hold a value it was given (a parameter, a name bound to a name, an item, an attribute or
  a loop's element), no method that changes its object (``xs.append``), no ``out=``;
- its name is not a builtin's (generated code, which reads ``reversed`` and ``range``,
  would then run the user's function of that name);
- none of its free names is one of the caller's own (the caller's locals, cells, or a
  name an earlier helper brought in): there it would mean something else;
- the call is not recursive (a function already being written out, the caller included,
  stays a call), and it is evaluated exactly once where it stands: the value of an
  assignment, ``return``, expression statement, ``if`` test or ``for`` iterable, reached
  only through operands evaluated every time (not a branch of ``a if c else b``, a later
  operand of ``and``/``or``, a comprehension or a ``while`` test), everything the
  statement evaluates before it is free of effects (names, constants, operators, pure
  NumPy calls), and where the statement computes a value before it, the helper's lines
  are free of effects too (a helper calling one that writes into an array must not run
  before a value read from that array).

Anything else stays a call, differentiated by the callee's own derivative as before
(``TANGENTLIKE_INLINE=off``: every call does).  The written-out lines keep their own line
numbers (their ``# Grad of:`` comments show the helper's lines, a refusal names them) when
the helper is in the caller's file, else they take the call's.  The pipeline compiles the
function as written when the written-out one is refused, so a refusal at generation names
the chain of calls as before; one raised when the derivative runs names the helper's line,
not the call that led there.
"""
from __future__ import annotations

import builtins
import os
import types
from typing import Any

import gast

from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import TangentlikeError
from tangentlike.frontend.function_walk import NamesAndCalls, names_and_calls
from tangentlike.frontend.operations import Method, is_user_function, resolve
from tangentlike.frontend.parsing import ParsedFunction, parse_function
from tangentlike.rules import registry

ENV = "TANGENTLIKE_INLINE"
MAX_STATEMENTS = 30  # a helper's statements, nested ones included
MAX_INLINED = 300  # statements written out into one function, over all its calls
MAX_DEPTH = 4  # helpers written out inside helpers

# Methods that change the object they are called on.
_MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update",
    "setdefault", "popitem", "add", "discard", "fill", "put", "itemset", "resize",
    "setfield", "setflags", "partition", "byteswap", "shuffle", "seed", "at",
    "__setitem__", "__delitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__"})
# Functions of a module that write into an argument (or a generator's state).
_MUTATING_FUNCTIONS = frozenset({
    "copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis", "shuffle",
    "seed", "setattr", "delattr", "exec", "eval", "globals", "locals", "vars"})
# Methods of arrays that only compute a value.
_PURE_METHODS = frozenset({
    "dot", "sum", "mean", "prod", "max", "min", "std", "var", "reshape", "transpose",
    "copy", "astype", "ravel", "flatten", "squeeze", "conj", "round", "clip", "cumsum",
    "cumprod", "all", "any", "item", "tolist", "argmax", "argmin", "trace", "diagonal",
    "swapaxes", "__matmul__"})
_UNSUPPORTED = (gast.Global, gast.Nonlocal, gast.FunctionDef, gast.AsyncFunctionDef,
                gast.ClassDef, gast.Lambda, gast.Yield, gast.YieldFrom, gast.Await, gast.Try,
                gast.With, gast.AsyncWith, gast.Delete, gast.NamedExpr, gast.Import,
                gast.ImportFrom, gast.Starred)


def inline_helpers(parsed: ParsedFunction, walked: NamesAndCalls | None = None,
                   ) -> ParsedFunction | None:
    """A copy of ``parsed`` with its calls into small helpers written out, or None when it
    has none to write out.  ``walked``: ``function_walk.names_and_calls(parsed.node)``,
    where the caller has it."""
    func = parsed.func
    if not isinstance(func, types.FunctionType) or parsed.values is not None \
            or os.environ.get(ENV) == "off":
        return None
    if not _calls_free_names(parsed.node, walked):
        return None  # no call of a helper to write out (the usual case: no copy, no walk)
    node = syntax.clone(parsed.node)
    inliner = _Inliner(parsed, node)
    node.body = inliner.block(node.body, (func,))
    if not inliner.inlined:
        return None
    return ParsedFunction(func=func, node=node, filename=parsed.filename, guards=parsed.guards)


def _calls_free_names(node: gast.FunctionDef, walked: NamesAndCalls | None = None) -> bool:
    """Whether ``node`` calls a name that is neither a builtin's nor bound in it: only such
    a call can be a helper's (``_Inliner._call``); one walk, then the bound names only if
    there is one (no walk where ``walked``, ``names_and_calls(node)``, is given: its Names
    are those ``syntax.stored_names`` reads)."""
    if walked is None:
        walked = names_and_calls(node)
    called = {name for name in walked.called if not hasattr(builtins, name)}
    return bool(called) and not called <= {
        n.id for n in walked.names if isinstance(n.ctx, (gast.Store, gast.Param))}


def _eager_fields(node: gast.AST) -> list[tuple[str, int | None]]:
    """The children of ``node`` evaluated exactly once whenever it is, in evaluation order
    (field, index in a list field)."""
    if isinstance(node, gast.BinOp):
        return [("left", None), ("right", None)]
    if isinstance(node, gast.UnaryOp):
        return [("operand", None)]
    if isinstance(node, gast.Call):
        return [("func", None), *(("args", i) for i in range(len(node.args))),
                *(("keywords", i) for i in range(len(node.keywords)))]
    if isinstance(node, gast.keyword):
        return [("value", None)]
    if isinstance(node, gast.Compare):
        return [("left", None), ("comparators", 0)]
    if isinstance(node, gast.Subscript):
        return [("value", None), ("slice", None)]
    if isinstance(node, gast.Attribute):
        return [("value", None)]
    if isinstance(node, (gast.Tuple, gast.List)):
        return [("elts", i) for i in range(len(node.elts))]
    if isinstance(node, gast.Slice):
        return [(f, None) for f in ("lower", "upper", "step") if getattr(node, f) is not None]
    if isinstance(node, gast.BoolOp):
        return [("values", 0)]
    if isinstance(node, gast.IfExp):
        return [("test", None)]
    return []


def _get(node: gast.AST, field: str, index: int | None) -> Any:
    value = getattr(node, field)
    return value if index is None else value[index]


def _put(node: gast.AST, field: str, index: int | None, value: Any) -> None:
    if index is None:
        setattr(node, field, value)
    else:
        getattr(node, field)[index] = value


def _at(nodes: list[gast.stmt], at: gast.stmt) -> list[gast.stmt]:
    """``nodes`` with every position the call's statement's."""
    for stmt in nodes:
        for sub in syntax.walk(stmt):
            if isinstance(sub, (gast.stmt, gast.expr, gast.ExceptHandler)):
                gast.copy_location(sub, at)
    return nodes


class _Inliner:
    """Writes out the calls of one function (``block``), helpers in helpers included."""

    def __init__(self, parsed: ParsedFunction, node: gast.FunctionDef):
        self.parsed = parsed
        func = parsed.func
        self.local = syntax.stored_names(node) | set(func.__code__.co_freevars) | {
            a.id for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
        if node.args.vararg is not None:
            self.local.add(node.args.vararg.id)
        if node.args.kwarg is not None:
            self.local.add(node.args.kwarg.id)
        self.namer = Namer(syntax.all_names(node))
        self.helpers: dict[Any, gast.FunctionDef | None] = {}  # parsed helpers, or None
        self.inlined = 0  # statements written out

    # -- statements ----------------------------------------------------------------------

    def block(self, body: list[gast.stmt], stack: tuple) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for stmt in body:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and not isinstance(
                        stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
                    setattr(stmt, field, self.block(inner, stack))
            for handler in getattr(stmt, "handlers", None) or []:
                handler.body = self.block(handler.body, stack)
            prelude: list[gast.stmt] = []
            field = self._evaluated_once(stmt)
            if field is not None:
                state = _State(stmt, prelude, stack)
                setattr(stmt, field, self.expression(getattr(stmt, field), state))
            out += prelude
            if not (prelude and isinstance(stmt, gast.Expr)
                    and isinstance(stmt.value, (gast.Name, gast.Constant))):
                out.append(stmt)  # (a helper's value unused: its lines stand for the call)
        return out

    @staticmethod
    def _evaluated_once(stmt: gast.stmt) -> str | None:
        """The field of ``stmt`` whose expression is evaluated once, first (or None)."""
        if isinstance(stmt, (gast.Assign, gast.Return, gast.Expr, gast.AnnAssign)) \
                and stmt.value is not None:
            return "value"
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
            return "value"
        if isinstance(stmt, gast.If):
            return "test"
        if isinstance(stmt, gast.For):
            return "iter"
        return None

    # -- expressions ---------------------------------------------------------------------

    def expression(self, node: gast.expr, state: _State) -> gast.expr:
        """``node`` with the helper calls evaluated once in it written out (into
        ``state.prelude``), until the first operand that may have an effect."""
        if state.blocked:
            return node
        computed_before = state.computed
        for field, index in _eager_fields(node):
            child = _get(node, field, index)
            if isinstance(child, gast.AST):
                _put(node, field, index, self.expression(child, state))
            if state.blocked:
                return node
        if isinstance(node, gast.Call):
            written = self._call(node, state, computed_before)
            if written is not None:
                return written
        if self._may_have_effects(node):
            state.blocked = True
        if not isinstance(node, (gast.Name, gast.Constant)):
            state.computed = True
        return node

    def _may_have_effects(self, node: gast.expr) -> bool:
        """Whether evaluating ``node`` (whose eager operands were looked at already) may
        do anything but compute a value: a call of an impure function, or a part not always
        evaluated that holds a call."""
        if isinstance(node, gast.Call):
            if any(kw.arg in (None, "out") for kw in node.keywords):
                return True
            func = self._resolve(node.func)
            if isinstance(func, Method):
                return func.name not in _PURE_METHODS
            return not registry.is_pure_function(func)
        lazy = {id(_get(node, f, i)) for f, i in _eager_fields(node)}
        return any(isinstance(sub, gast.Call) for child in gast.iter_child_nodes(node)
                   if id(child) not in lazy for sub in syntax.walk(child))

    def _resolve(self, func: gast.expr) -> Any:
        try:
            return resolve(func, self.parsed, self.local, checkpoints=True)  # never inlined
        except Exception:  # noqa: BLE001  (a name that fails to resolve stays a call)
            return None

    # -- calls ---------------------------------------------------------------------------

    def _call(self, call: gast.Call, state: _State, computed_before: bool,
              ) -> gast.expr | None:
        """What the call returns, its helper's lines added to ``state.prelude``; None when
        it stays a call.  ``computed_before``: the statement computed a value before the
        call (then a helper whose lines may have an effect stays a call: the value might
        see it)."""
        if not isinstance(call.func, gast.Name) or call.func.id in self.local \
                or hasattr(builtins, call.func.id):
            return None  # (a global named like a builtin: generated code reads the builtin)
        func = self._resolve(call.func)
        if func is None or func in state.stack or len(state.stack) > MAX_DEPTH:
            return None
        helper = self._helper(func)
        if helper is None or self.inlined + _size(helper) > MAX_INLINED:
            return None
        bound = _bind(helper, call)
        if bound is None or any(isinstance(sub, gast.Lambda) for value in bound.values()
                                for sub in syntax.walk(value)):
            return None  # a function value: specialized as a callee (frontend/functions.py)
        params = [a.id for a in helper.args.posonlyargs + helper.args.args]
        stored = syntax.stored_names(gast.Module(body=helper.body, type_ignores=[]))
        free = (syntax.all_names(helper) - stored - set(params))
        if free & self.local:
            return None  # a name of the helper's module that the caller binds itself
        mapping: dict[str, gast.expr | str] = {}
        prelude: list[gast.stmt] = []
        for name in params:
            value = bound[name]
            if name not in stored and isinstance(value, (gast.Name, gast.Constant)):
                mapping[name] = value  # read as it is: nothing can re-bind it meanwhile
                continue
            mapping[name] = self._fresh(name)
            prelude.append(syntax.assign(mapping[name], value))
        for name in sorted(stored - set(params)):
            mapping[name] = self._fresh(name)
        body = syntax.clone(helper.body[syntax.body_start(helper):])
        last = body.pop() if body and isinstance(body[-1], gast.Return) else None
        result = last.value if last is not None and last.value is not None \
            else syntax.const(None)
        ret = gast.Return(value=result)
        if last is not None:
            gast.copy_location(ret, last)
        body = syntax.rename(body + [ret], mapping)
        same_file = func.__code__.co_filename == self.parsed.filename
        if not same_file:
            body = _at(body, state.stmt)  # the caller's file: the call's line
        body = self.block(body, (*state.stack, func))
        self.inlined += _size(helper)
        ret = body.pop()
        if computed_before and any(
                isinstance(sub, gast.Call) and self._may_have_effects(sub)
                for stmt in [*prelude, *body, ret] for sub in syntax.walk(stmt)):
            return None
        if same_file and not isinstance(ret.value, (gast.Name, gast.Constant)):
            # the value computed on the helper's line (a refusal there names it)
            value = self._fresh(f"{call.func.id}_value")
            body.append(gast.copy_location(syntax.assign(value, ret.value), ret))
            ret.value = syntax.load(value)
        state.prelude += _at(prelude, state.stmt) + body
        return ret.value

    def _fresh(self, name: str) -> str:
        fresh = self.namer.fresh(name)
        self.local.add(fresh)
        return fresh

    def _helper(self, func: Any) -> gast.FunctionDef | None:
        """The parsed helper, when ``func`` is one to write out (see the module's
        docstring)."""
        if func in self.helpers:
            return self.helpers[func]
        self.helpers[func] = None
        if not (type(func) is types.FunctionType and is_user_function(func)
                and func.__closure__ is None and func.__globals__ is self.parsed.func.__globals__
                and getattr(func, "__wrapped__", None) is None and not func.__kwdefaults__
                and not func.__code__.co_flags & 0x3AC):  # *args, **kw, generator, coroutine
            return None
        try:
            parsed = parse_function(func)
        except TangentlikeError:
            return None
        if parsed.values is not None or parsed.func is not func or not _writes_nothing(
                parsed.node) or _size(parsed.node) > MAX_STATEMENTS:
            return None
        args = parsed.node.args
        self.namer.used |= syntax.all_names(parsed.node) - syntax.stored_names(
            gast.Module(body=parsed.node.body, type_ignores=[])) - {
            a.id for a in args.posonlyargs + args.args}  # its free names: never fresh ones
        self.helpers[func] = parsed.node
        return parsed.node


class _State:
    """One statement's expression being looked at: what it runs before (``prelude``),
    whether an operand with effects was met (``blocked``)."""

    def __init__(self, stmt: gast.stmt, prelude: list[gast.stmt], stack: tuple):
        self.stmt, self.prelude, self.stack = stmt, prelude, stack
        self.blocked = False
        self.computed = False  # a value other than a name's or a constant computed


def _size(node: gast.AST) -> int:
    return sum(isinstance(s, gast.stmt) for s in syntax.walk(node)) - 1


def _bind(helper: gast.FunctionDef, call: gast.Call) -> dict[str, gast.expr] | None:
    """Each parameter's value in the call (a constant default where none is passed), or
    None when the call binds them otherwise (``*args``, ``**kw``, a name twice)."""
    args = helper.args
    params = [a.id for a in args.posonlyargs + args.args]
    positional_only = {a.id for a in args.posonlyargs}
    if len(call.args) > len(params) or any(isinstance(a, gast.Starred) for a in call.args):
        return None
    bound = dict(zip(params, call.args))
    for kw in call.keywords:
        if kw.arg is None or kw.arg not in params or kw.arg in bound \
                or kw.arg in positional_only:
            return None
        bound[kw.arg] = kw.value
    defaults = dict(zip(params[len(params) - len(args.defaults):], args.defaults))
    for name in params:
        if name not in bound:
            default = defaults.get(name)
            if not isinstance(default, gast.Constant):
                return None
            bound[name] = syntax.clone(default)
    return bound


def _writes_nothing(fn: gast.FunctionDef) -> bool:
    """Whether ``fn`` has only what ``inline_helpers`` writes out: plain parameters,
    constant defaults, one ``return`` at its end, no construct of ``_UNSUPPORTED``, and no
    write into any value."""
    args = fn.args
    if fn.decorator_list or args.vararg or args.kwarg or args.kwonlyargs or any(
            not isinstance(d, gast.Constant) for d in args.defaults):
        return False
    params = {a.id for a in args.posonlyargs + args.args}
    body = fn.body[syntax.body_start(fn):]
    # names that may hold a value given to the helper (``+=`` would write into it)
    aliases = set(params)
    for stmt in body:
        for node in syntax.walk(stmt):
            if isinstance(node, gast.Assign) and (
                    isinstance(node.value, (gast.Name, gast.Subscript, gast.Attribute))
                    or any(not isinstance(t, gast.Name) for t in node.targets)):
                aliases |= syntax.stored_names(node)
            elif isinstance(node, (gast.For, gast.comprehension)):
                aliases |= syntax.stored_names(node.target)
    if any(isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
           and node.func.id in params for stmt in body for node in syntax.walk(stmt)):
        return False  # it calls a function it is given
    for stmt in body:
        for node in syntax.walk(stmt):
            if isinstance(node, _UNSUPPORTED):
                return False
            if isinstance(node, gast.Return) and node is not body[-1]:
                return False
            if isinstance(node, (gast.Subscript, gast.Attribute)) and \
                    isinstance(node.ctx, gast.Store):
                return False
            if isinstance(node, gast.AugAssign) and (
                    not isinstance(node.target, gast.Name) or node.target.id in aliases):
                return False
            if isinstance(node, gast.Call) and (
                    any(kw.arg == "out" for kw in node.keywords)
                    or isinstance(node.func, gast.Attribute) and (
                        node.func.attr in _MUTATING_METHODS
                        or node.func.attr in _MUTATING_FUNCTIONS)
                    or isinstance(node.func, gast.Name)
                    and node.func.id in _MUTATING_FUNCTIONS):
                return False
    return True
