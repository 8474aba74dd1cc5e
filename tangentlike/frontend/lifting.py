"""Functions made from the user's lines (issue 16): what a nested function reads from the
function around it (its free names, how often each name is bound), and compiling a
``def`` that tangentlike wrote (a lifted nested function or lambda, a helper specialized for a
function argument, a closure with captured values as parameters) into a real Python function
whose source :func:`~tangentlike.frontend.parsing.parse_function` returns."""
from __future__ import annotations

import ast
import builtins
import types
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gast

from tangentlike.core import syntax
from tangentlike.errors import UnsupportedSyntaxError
from tangentlike.frontend.parsing import ParsedFunction, parse_function, register_synthetic

# Functions made from an enclosing function's lines (lifted, or a closure's captured values as
# parameters), by the enclosing function and place.
LIFTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def params_of(args: gast.arguments) -> list[gast.Name]:
    return [*args.posonlyargs, *args.args, *args.kwonlyargs,
            *([args.vararg] if args.vararg else []), *([args.kwarg] if args.kwarg else [])]


def _own_names(fn: gast.AST) -> tuple[set[str], set[str], list[gast.AST]]:
    """Names ``fn`` reads and binds in its own scope, and the functions nested directly in it
    (their bodies are scopes of their own; a def's name is bound in ``fn``)."""
    loads: set[str] = set()
    stores: set[str] = {p.id for p in params_of(fn.args)}
    nonlocal_: set[str] = set()
    nested: list[gast.AST] = []
    todo = list(fn.body) if isinstance(fn.body, list) else [fn.body]
    todo += [d for d in fn.args.defaults + fn.args.kw_defaults if d is not None]
    while todo:
        node = todo.pop()
        if isinstance(node, (gast.FunctionDef, gast.Lambda)):
            nested.append(node)
            if isinstance(node, gast.FunctionDef):
                stores.add(node.name)
            continue
        if isinstance(node, (gast.Nonlocal, gast.Global)):
            nonlocal_.update(node.names)
        if isinstance(node, gast.Name):
            (loads if isinstance(node.ctx, gast.Load) else stores).add(node.id)
        todo.extend(gast.iter_child_nodes(node))
    return loads, stores - nonlocal_, nested


def free_names(fn: gast.AST) -> set[str]:
    """The free variables of a def or lambda: read in it or a function nested in it, bound in
    neither (``nonlocal`` names are free)."""
    loads, stores, nested = _own_names(fn)
    free = loads - stores
    for inner in nested:
        free |= free_names(inner) - stores
    return free


def writes_nonlocal(fn: gast.AST) -> str | None:
    names = {n for node in gast.walk(fn) if isinstance(node, gast.Nonlocal) for n in node.names}
    for node in gast.walk(fn):
        if isinstance(node, gast.Name) and node.id in names and not isinstance(node.ctx,
                                                                                gast.Load):
            return node.id
    return None


def constant_defaults(fn: gast.AST, parsed: ParsedFunction) -> tuple[tuple, dict]:
    """The default values of ``fn``'s parameters, which must be literals."""
    def value(node: gast.expr) -> Any:
        try:
            return ast.literal_eval(gast.gast_to_ast(syntax.clone(node)))
        except ValueError:
            raise UnsupportedSyntaxError(
                "a default value that is not a literal in a nested function or lambda",
                parsed.location(node),
                hint="give the value as an argument, or define the function at module level",
            ) from None

    defaults = tuple(value(d) for d in fn.args.defaults)
    kw = {a.id: value(d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults)
          if d is not None}
    return defaults, kw


def compile_function(node: gast.FunctionDef, filename: str, globals_: dict,
                     cells: dict[str, Any], defaults: tuple, kwdefaults: dict,
                     ) -> types.FunctionType:
    """A Python function from ``node`` (the user's line numbers and file), with the user's
    globals and ``cells`` (name -> cell) for its free variables."""
    names = sorted(cells)
    factory = gast.FunctionDef(
        name="_tangentlike_lift", args=gast.arguments(
            posonlyargs=[], args=[syntax.param(n) for n in names], vararg=None, kwonlyargs=[],
            kw_defaults=[], kwarg=None, defaults=[]),
        body=[syntax.clone(node), gast.Return(value=syntax.load(node.name))],
        decorator_list=[], returns=None, type_comment=None, type_params=[])
    module = gast.gast_to_ast(gast.Module(body=[factory], type_ignores=[]))
    line = getattr(node, "lineno", None) or 1
    for sub in ast.walk(module):
        if "lineno" in sub._attributes:
            if getattr(sub, "lineno", None) is None:
                sub.lineno, sub.col_offset = line, 0
            line = sub.lineno
            sub.end_lineno = sub.end_col_offset = None
    with syntax.C_AST:  # a tree compiled: converted like a parse (see syntax.C_AST)
        code = compile(module, filename, "exec")
    factory_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    inner = next(c for c in factory_code.co_consts
                 if isinstance(c, types.CodeType) and c.co_name == node.name)
    closure = tuple(cells[n] for n in inner.co_freevars)
    func = types.FunctionType(inner, globals_, node.name, defaults or None, closure)
    func.__kwdefaults__ = kwdefaults or None
    return func


def positional_parameters(func: types.FunctionType) -> list[str]:
    code = func.__code__
    return list(code.co_varnames[:code.co_argcount])


def without(args: gast.arguments, names: set[str]) -> gast.arguments:
    """``args`` without the parameters ``names`` (and their defaults)."""
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(zip([a.id for a in positional[len(positional) - len(args.defaults):]],
                        args.defaults))
    posonly = [a for a in args.posonlyargs if a.id not in names]
    plain = [a for a in args.args if a.id not in names]
    kept = posonly + plain
    new_defaults = [defaults[a.id] for a in kept if a.id in defaults]
    pairs = [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if a.id not in names]
    return gast.arguments(posonlyargs=posonly, args=plain, vararg=args.vararg,
                          kwonlyargs=[a for a, _ in pairs], kw_defaults=[d for _, d in pairs],
                          kwarg=args.kwarg, defaults=new_defaults)


def binding_counts(fn: gast.FunctionDef) -> dict[str, int]:
    """How many times each name is bound in ``fn``'s own scope (parameters count):
    ``scope_names(fn).counts``."""
    return scope_names(fn).counts


@dataclass
class ScopeNames:
    """What :func:`scope_names` finds in one function (``functions.Lowering`` reads it)."""

    # how many times each name is bound in its own scope (parameters count), in the order
    # of the walk (depth first, the last statement first)
    counts: dict[str, int]
    # the names bound (``Store`` and ``Param``) anywhere in its body, nested functions and
    # lambdas included
    bound: set[str]
    # the names of the nested functions, and the names a lambda is assigned to, anywhere
    # in its body
    defs: set[str]
    # the nested functions and lambdas anywhere in its body (nested ones included)
    nested: list[gast.FunctionDef | gast.Lambda]


def scope_names(fn: gast.FunctionDef) -> ScopeNames:
    """How many times each name is bound in ``fn``'s own scope, and the names bound, the
    functions defined and the nested functions and lambdas anywhere in its body: one walk
    of its own scope (``syntax.walk_depth_first``, a nested function or lambda given, not
    entered), with what each node class is (a nested scope, a name, a comprehension, a
    loop) looked up once per class, then ``syntax.walk`` of each nested function or
    lambda, for the last three (they held a walk of the whole body of their own: the same
    nodes, in another order, which sets and the union of the nested functions' free names
    do not depend on)."""
    counts: dict[str, int] = {}
    for p in params_of(fn.args):
        counts[p.id] = counts.get(p.id, 0) + 1
    bound: set[str] = set()
    defs: set[str] = set()
    nested: list[gast.FunctionDef | gast.Lambda] = []
    kinds: dict[type, str | None] = {}
    load, store, param = gast.Load, gast.Store, gast.Param
    # ``syntax.walk_depth_first(fn.body, (gast.FunctionDef, gast.Lambda))`` written out
    # (the same nodes in the same order, without a generator's step per node): a node's
    # children pushed after it is looked at, a nested scope (a "def" or "lambda") not
    # entered.
    fields_of: dict[type, tuple[str, ...]] = {}  # a class's fields to push
    node_class = gast.AST
    todo = list(fn.body)
    pop, push = todo.pop, todo.append
    while todo:
        node = pop()
        cls = node.__class__
        kind = kinds.get(cls, False)
        if kind is False:
            kind = kinds[cls] = _binding_kind(cls)
            fields_of[cls] = () if kind == "def" or kind == "lambda" else \
                syntax.child_fields(cls)
        for field in fields_of[cls]:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_class):
                        push(item)
            elif isinstance(value, node_class):
                push(value)
        if kind is None:
            if cls is gast.Assign and node.value.__class__ is gast.Lambda \
                    and node.targets[0].__class__ is gast.Name:
                defs.add(node.targets[0].id)
            continue
        if kind == "name":
            context = node.ctx.__class__
            if context is store or context is param:
                bound.add(node.id)
            if not isinstance(node.ctx, load):
                counts[node.id] = counts.get(node.id, 0) + 1
        elif kind == "def" or kind == "lambda":
            if kind == "def":
                counts[node.name] = counts.get(node.name, 0) + 1
            _nested_scope(node, bound, defs, nested)
        elif kind == "comprehension":  # bound once per element
            for name in syntax.stored_names(node.target):
                counts[name] = counts.get(name, 0) + 1
        elif kind == "loop":  # a loop binds again each time
            for name in syntax.stored_names(gast.Module(body=node.body, type_ignores=[])):
                counts[name] = counts.get(name, 0) + 1
    return ScopeNames(counts, bound, defs, nested)


def _nested_scope(scope: gast.FunctionDef | gast.Lambda, bound: set[str], defs: set[str],
                  nested: list[gast.FunctionDef | gast.Lambda]) -> None:
    """Add what ``scope_names`` finds of a nested function or lambda (itself included)."""
    for n in syntax.walk(scope):
        cls = n.__class__
        if cls is gast.Name:
            if n.ctx.__class__ is gast.Store or n.ctx.__class__ is gast.Param:
                bound.add(n.id)
        elif cls is gast.FunctionDef:
            defs.add(n.name)
            nested.append(n)
        elif cls is gast.Lambda:
            nested.append(n)
        elif cls is gast.Assign and n.value.__class__ is gast.Lambda \
                and n.targets[0].__class__ is gast.Name:
            defs.add(n.targets[0].id)


def _binding_kind(cls: type) -> str | None:
    """What ``binding_counts`` does at a node of class ``cls``."""
    if issubclass(cls, gast.FunctionDef):
        return "def"
    if issubclass(cls, gast.Lambda):
        return "lambda"
    if issubclass(cls, gast.Name):
        return "name"
    if issubclass(cls, gast.comprehension):
        return "comprehension"
    if issubclass(cls, (gast.For, gast.While)):
        return "loop"
    return None


class NonlocalReads(gast.NodeTransformer):
    """A lifted function's ``nonlocal`` statements removed: what it only reads is a
    parameter of its own (a write is refused before)."""

    def visit_Nonlocal(self, node: gast.Nonlocal) -> None:
        return None

    def visit_FunctionDef(self, node: gast.FunctionDef) -> gast.FunctionDef:
        return node  # a nested function's own nonlocals are its lifting's

    def visit_Lambda(self, node: gast.Lambda) -> gast.Lambda:
        return node


def captured_wrt(func: Callable, wrt: Any) -> tuple[str, ...]:
    """The names in ``wrt`` that are free variables of the closure ``func`` (not parameters):
    what ``grad(loss, wrt="data")`` asks the derivative with respect to."""
    code = getattr(func, "__code__", None)
    if code is None or not func.__closure__:
        return ()
    items = wrt if isinstance(wrt, (tuple, list)) else (wrt,)
    params = set(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    return tuple(w for w in items if isinstance(w, str) and w in code.co_freevars
                 and w not in params)


def lift_closure(func: types.FunctionType, names: tuple[str, ...]) -> types.FunctionType:
    """``func`` with its free variables ``names`` as keyword-only parameters (the rest stay
    its cells): what a derivative with respect to them differentiates."""
    cache = LIFTED.setdefault(func, {})
    key = ("closure", names)
    if key not in cache:
        parsed = parse_function(func)
        node = parsed.node
        node.args.kwonlyargs = [*node.args.kwonlyargs, *map(syntax.param, names)]
        node.args.kw_defaults = [*node.args.kw_defaults, *([None] * len(names))]
        cells = {n: c for n, c in zip(func.__code__.co_freevars, func.__closure__)
                 if n not in names}
        lifted = compile_function(node, parsed.filename, func.__globals__, cells,
                          func.__defaults__ or (), dict(func.__kwdefaults__ or {}))
        register_synthetic(lifted, syntax.clone(node), parsed.filename, dict(parsed.values or {}))
        cache[key] = lifted
    return cache[key]


# Bound methods made functions (bound_as_function), by function and object; each entry keeps
# its object alive as long as the method's function is.
_BOUND: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def bound_as_function(func: Any) -> Any:
    """A bound method (``model.loss``) as a function of the other parameters, with the object
    in a closure cell (``self``): its attributes are read at each call, and every API that
    takes a function with source takes it.  Anything else unchanged."""
    if not (isinstance(func, types.MethodType) and isinstance(func.__func__, types.FunctionType)
            and not isinstance(func.__self__, type)):
        return func
    function, obj = func.__func__, func.__self__
    made = _BOUND.setdefault(function, {})
    entry = made.get(id(obj))
    if entry is not None and entry[0] is obj:
        return entry[1]
    parsed = parse_function(function)
    node = parsed.node
    first = positional_parameters(function)[0]
    node.args = without(node.args, {first})
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    cells[first] = types.CellType(obj)
    names = positional_parameters(function)[1:]
    defaults = function.__defaults__ or ()
    kept = tuple(defaults[max(0, len(defaults) - len(names)):])
    lifted = compile_function(node, parsed.filename, function.__globals__, cells, kept,
                              dict(function.__kwdefaults__ or {}))
    register_synthetic(lifted, syntax.clone(node), parsed.filename, dict(parsed.values or {}))
    made[id(obj)] = (obj, lifted)
    return lifted


# Functions written to call a callable with no Python source (wrapping), by call shape; each
# keeps its callable alive.
_CALLING: dict[tuple, tuple[Any, types.FunctionType]] = {}


def calling(target: Any, n_args: int, keywords: tuple[str, ...]) -> types.FunctionType:
    """``def call_sin(a0, *, k): return f(a0, k=k)`` with ``f`` a closure cell holding
    ``target`` (a NumPy function or ufunc held in a variable, called where only the running
    program knows it): a function with source, differentiated like any other."""
    key = (id(target), n_args, keywords)
    entry = _CALLING.get(key)
    if entry is not None and entry[0] is target:
        return entry[1]
    name = "call_" + "".join(c if c.isalnum() else "_" for c in
                             getattr(target, "__name__", "f"))
    params = [f"a{i}" for i in range(n_args)]
    keyword_only = f", *, {', '.join(keywords)}" if keywords else ""
    arguments = ", ".join([*params, *(f"{k}={k}" for k in keywords)])
    source = f"def {name}({', '.join(params)}{keyword_only}):\n    return f({arguments})\n"
    node = syntax.parse(source).body[0]
    filename = f"<tangentlike: a call of {name[5:]}>"
    func = compile_function(node, filename, {"__builtins__": builtins},
                            {"f": types.CellType(target)}, (), {})
    register_synthetic(func, syntax.clone(node), filename, {})
    _CALLING[key] = (target, func)
    return func
