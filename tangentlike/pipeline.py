"""The stages in order: parse, normalize, annotate, differentiate, optimize, emit."""
from __future__ import annotations

import builtins
import sys
import types
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gast

from tangentlike.ad.forward import ForwardOptions, forward_ad
from tangentlike.ad.reverse import (
    SEED,
    ReverseOptions,
    SavePlan,
    parameter_names,
    plan,
    reverse_ad,
    split,
)
from tangentlike.backend import cache, emit, loading
from tangentlike.core import guards, syntax
from tangentlike.core.counterparts import numpy_counterpart
from tangentlike.core.guards import ABSENT, NONE, Frozen, Guards, unwrap
from tangentlike.core.guards import of as guards_of
from tangentlike.core.guards import remember as remember_guards
from tangentlike.core.naming import Namer
from tangentlike.errors import (
    InputError,
    Location,
    NoDerivativeError,
    SourceUnavailableError,
    TangentlikeError,
    UnsupportedSyntaxError,
    ValueRefusedError,
)
from tangentlike.frontend import aliasing, annotate, library, lifting, parsing
from tangentlike.frontend.function_walk import names_and_calls
from tangentlike.frontend.inlining import inline_helpers
from tangentlike.frontend.normalize import normalize
from tangentlike.frontend.operations import resolve
from tangentlike.frontend.parsing import ParsedFunction, parse_function, use_default_values
from tangentlike.frontend.shared_values import share_repeated_values, walked
from tangentlike.frontend.varargs import as_wrapped, has_star_parameters
from tangentlike.optimizer.optimize import optimize
from tangentlike.rules.template import Namespace
from tangentlike.runtime import dynamic
from tangentlike.versions.free_data import TreeNames, frozen_names


@dataclass(frozen=True)
class Options:
    """How to differentiate: the arguments of :func:`tangentlike.autodiff`."""

    wrt: tuple[int, ...] = (0,)
    mode: str = "reverse"
    motion: str = "joint"
    optimized: bool = True
    preserve_result: bool = False
    check_dims: bool = True
    seed_required: bool = False
    backend: str = "python"  # or "numba": the versions compiled (versions/compiled.py)
    snapshots: int | None = None  # reverse mode: loops checkpointed (ad/reverse/checkpointed)


@dataclass
class Derivative:
    """A generated module and the functions the API calls in it."""

    source: str
    path: Path
    function: Callable  # the joint derivative, or the forward half in split motion
    backward: Callable | None  # the backward half in split motion
    parameters: list[str]  # positional, then keyword-only (what wrt indices count)
    positional: int
    seeds: tuple[str, ...] = ()  # forward mode: the names of the seed tangents
    seed: str = SEED  # reverse mode: the name of the output seed (fresh if a parameter's)
    # the joint (or tangent) derivative's tree and temporaries, for its versions (floats,
    # shapes), and the parameters that are Python floats in a call with a float signature:
    # the differentiated ones and the seeds
    tree: gast.FunctionDef | None = None
    names: TreeNames | None = None  # the tree's (``free_data.tree_names``)
    temporaries: frozenset[str] = frozenset()
    scope: dict | None = None
    numbers: tuple[str, ...] = ()
    # the names whose resolution shaped the code (callees', included): checked before a call
    guards: Frozen = NONE


def resolve_wrt(func: Callable, wrt: Any) -> tuple[int, ...]:
    """``wrt`` (indices or names of parameters, one or a sequence) as parameter indices."""
    func = unwrap(func)
    if not hasattr(func, "__code__"):
        parse_function(func)  # raises SourceUnavailableError for builtins and ufuncs
    if has_star_parameters(func) and as_wrapped(func) is None:
        parse_function(func)  # refuses a decorator's wrapper, naming the decorator
        raise UnsupportedSyntaxError(
            f"tangentlike does not support *args or **kwargs parameters in the function "
            f"differentiated ({func.__name__})", parsing.def_location(func),
            hint="name each parameter, or differentiate a function with named parameters "
            f"that calls {func.__name__} (a call binds *args and **kwargs)")
    params = parsing.parameters_of(func)
    items = wrt if isinstance(wrt, (tuple, list)) else (wrt,)
    out = []
    for item in items:
        if isinstance(item, str):
            if item not in params:
                raise InputError(
                    f"wrt names {item!r}, which is not a parameter of {func.__name__} "
                    f"({', '.join(params)})", parsing.def_location(func),
                    hint="give indices or names of the function's parameters")
            item = params.index(item)
        if not isinstance(item, int) or not 0 <= item < len(params):
            raise InputError(
                f"wrt={wrt!r}: {func.__name__} has {len(params)} positional parameters "
                f"({', '.join(params)})", parsing.def_location(func),
                hint="give indices or names of those parameters")
        out.append(item)
    if len(set(out)) != len(out):
        raise InputError(f"wrt={wrt!r} names a parameter twice", parsing.def_location(func),
                         hint="list each parameter once")
    return tuple(out)


def _import_user_globals(functions: list[gast.FunctionDef], names: list[TreeNames],
                         user_globals: dict[str, Any], namespace: Namespace, guards: Guards,
                         ) -> set[str]:
    """List the modules, functions and classes the user's code reaches (``np``, ``math``,
    ``helper``) in the module's imports, so the generated file reads on its own, and guard
    them; guard the builtins the code reads against a global of the same name.  The code
    reads all of these, and the user's data, from the live globals (``loading.Scope``).
    ``names``: each function's ``TreeNames`` (gathered while emitting it).  Return the
    names the functions read."""
    read: set[str] = set()
    for fn, found in zip(functions, names):
        loaded = found.loaded
        read |= loaded
        local = found.stored | set(parameter_names(fn))
        for name in sorted(loaded - local):
            if name in namespace.cells or (name in namespace.injected
                                           and namespace.injected[name] is not
                                           user_globals.get(name, ABSENT)):
                continue  # a closure cell, or one of tangentlike's own names
            value = user_globals.get(name, ABSENT)
            if isinstance(value, (types.ModuleType, types.FunctionType, type)):
                namespace.name_for(value, name)
                guards.name(user_globals, name, value)
            elif value is ABSENT and hasattr(builtins, name):
                guards.name(user_globals, name, ABSENT)
    return read


def _separate_shadowed_builtins(parsed: ParsedFunction, namespace: Namespace,
                                cells: dict[str, Any]) -> None:
    """A global or closure variable of the user's named like a builtin (``from numpy import
    *`` binds ``sum``, ``min``; a module may define ``reversed``): the generated code's own
    ``reversed(range(n))``, ``min(len(a), len(b))`` or a template's ``abs`` must still reach
    the builtin.  The builtin becomes one of tangentlike's own names (a closure variable of the
    generated functions, which no global shadows), and the user's reads of that name are
    renamed to an alias of the user's value (``reversed_1``; a closure cell stays live)."""
    user_globals = parsed.func.__globals__
    values = {name: _user_value(name, user_globals, cells)
              for name in (user_globals.keys() | cells.keys()) & _BUILTIN_NAMES}
    shadowed = {name: value for name, value in values.items()
                if value is not getattr(builtins, name)}
    if not shadowed:
        return
    node = parsed.node
    local = syntax.stored_names(node) | set(parameter_names(node))
    loaded = syntax.loaded_names(node)
    renames = {}
    for name in sorted(shadowed):
        namespace.injected[name] = parsed.aliases[name] = getattr(builtins, name)
        namespace.namer.reserve(name)
        if name in local or name not in loaded:
            continue
        value = shadowed[name]
        if name in cells:  # the same cell under another name: read live
            alias = namespace.namer.fresh(name)
            cells[alias] = namespace.cells[alias] = cells[name]
            parsed.guards.cell(cells[name], value, name)
        else:
            alias = namespace.name_for(value, name)
            parsed.guards.name(user_globals, name, value)
        parsed.aliases[alias] = value
        renames[name] = alias
    syntax.rename(node, renames)


def _user_value(name: str, user_globals: dict[str, Any], cells: dict[str, Any]) -> Any:
    if name in cells:
        try:
            return cells[name].cell_contents
        except ValueError:
            return ABSENT
    return user_globals.get(name, ABSENT)


_BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("__"))


def _namer(parsed: ParsedFunction, names: list[gast.Name] | None = None) -> Namer:
    """The namer of one generation: every name of the user's function is taken, and
    ``saved``; the seed parameter is called ``init_grad`` (``SEED``: ``df(x, init_grad=v)``)
    unless a parameter has that name: a local variable of the user's with that name is
    renamed in the generated code.  ``names``: ``syntax.walk_names(parsed.node)``, where
    the caller has them."""
    node = parsed.node
    if names is None:
        names = syntax.walk_names(node)  # (one walk: every name, and those bound)
    namer = Namer({n.id for n in names} | {"saved"})
    params = {a.id for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
    if any(n.id == SEED and isinstance(n.ctx, (gast.Store, gast.Param)) for n in names) \
            and SEED not in params:
        syntax.rename(node.body, {SEED: namer.fresh(SEED)})
        namer.used.discard(SEED)
    return namer


def _docstring(text: str) -> gast.Expr:
    return gast.Expr(value=syntax.const(text))


# Generation runs in one thread at a time: it holds this lock from the request to the
# loaded module (a thread generating a callee's halves takes it again, hence re-entrant).
# Everything below is read and written under it, so a generation in progress (``_in_progress``,
# a ``_Late`` not filled in yet) is always one of the current thread's own (recursion), and a
# derivative is published (in ``_pairs``, or the API's cache) only once it is complete.  It is
# never held while user code runs, so no other lock is ever taken under it.
generation_lock = guards.generation_lock

# Forward and backward halves generated for calls into the user's functions, by function and
# (wrt, optimized); and the ones being generated right now (for recursion), with the name of
# their seed once chosen (reverse mode; None before, and in forward mode).
_pairs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_in_progress: dict[tuple, str | None] = {}


def clear_pairs() -> None:
    with generation_lock:
        _pairs.clear()


class _Late:
    """A half of a derivative still being generated (mutual recursion): filled in when that
    generation finishes."""

    def __init__(self, key: tuple, which: int):
        self.key, self.which = key, which  # 0: forward half or jvp, 1: backward half
        self.function: Callable | None = None
        _waiting.setdefault(key, []).append(self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    @property
    def stands_for(self) -> Callable | None:
        """The generated function, once there: what differentiating a call to it reads."""
        return self.function


_waiting: dict[tuple, list[_Late]] = {}


def _inner_options(mode: str, wrt: tuple[int, ...], optimized: bool) -> Options:
    """How a callee is differentiated: its two halves (reverse), or its jvp returning the
    tangent and the value (forward)."""
    if mode == "reverse":
        return Options(wrt=wrt, motion="split", optimized=optimized, check_dims=False,
                       seed_required=True)
    return Options(wrt=wrt, mode="forward", optimized=optimized, preserve_result=True,
                   check_dims=False, seed_required=True)


def _is_inner(options: Options) -> bool:
    return options == _inner_options(options.mode, tuple(options.wrt), options.optimized)


def _local_names(name: str, mode: str) -> tuple[str, ...]:
    return (f"{name}_forward", f"{name}_backward") if mode == "reverse" else (f"{name}_jvp",)


def _callee_names(func: Callable, wrt: tuple[int, ...], mode: str, optimized: bool,
                  current: tuple | None, namespace: Namespace, where: Location,
                  ) -> tuple[str, ...]:
    """Names, in the module being generated, of the derivative functions of ``func``."""
    key = (func, wrt, optimized, mode)
    name = parsing.generated_name(func)
    suffixes = [n[len(name):] for n in _local_names(name, mode)]
    if key in _in_progress:  # recursion (``current`` is in progress too): no halves yet
        seed = _in_progress[key]  # chosen before the caller's code is generated
        if key == current:  # defined in this very module
            return (*_local_names(name, mode), seed)
        return (*(namespace.name_for(_Late(key, i), name + suffix)
                  for i, suffix in enumerate(suffixes)), seed)
    cached = _pairs.get(func, {}).get(key[1:])
    if cached is None:
        try:
            cached = compile_derivative(func, _inner_options(mode, wrt, optimized))
        except (UnsupportedSyntaxError, NoDerivativeError, ValueRefusedError) as error:
            error.called_from(where)  # the chain of calls from the user's line
            library.refused_inside(error, func, where)
            raise
        except SourceUnavailableError as error:
            raise NoDerivativeError(
                f"cannot differentiate the call to {name}: {error.message}", where,
                hint=f"define {name} in a .py file, or register a rule for it with "
                f"@tangentlike.{'adjoint' if mode == 'reverse' else 'tangent'}({name})",
            ) from None
    functions = [cached.function, cached.backward][:len(suffixes)]
    return (*(namespace.name_for(f, name + suffix) for f, suffix in zip(functions, suffixes)),
            cached.seed)


DYNAMIC_HELPERS = (dynamic.call_forward, dynamic.call_jvp, dynamic.method_of)


def _dynamic_derivative(func: Callable, wrt: tuple[int, ...], mode: str) -> Derivative:
    """The halves (reverse) or jvp (forward) of ``func`` for a call whose callee is known
    only when it runs (``runtime.dynamic``): generated at its first call, then cached like
    a callee's the compiler sees, and generated again when a name it was made from
    changed."""
    with generation_lock:
        key = (wrt, True, mode)
        _forget_stale(func, key)
        try:
            return _pairs.get(func, {}).get(key) or compile_derivative(
                func, _inner_options(mode, wrt, True))
        except (UnsupportedSyntaxError, NoDerivativeError, ValueRefusedError) as error:
            where = library.calling_site(sys._getframe(1))  # the user's line that calls
            if where is not None:
                error.called_from(where)
                library.refused_inside(error, func, where)
            raise


def _forget_stale(func: Callable, key: tuple) -> None:
    """Drop ``func``'s cached derivative for ``key`` (wrt, optimized, mode) if it was
    generated from names that changed since: it is generated again."""
    pairs = _pairs.get(func, {})
    if key in pairs and not pairs[key].guards.hold():
        del pairs[key]


dynamic.GENERATE = _dynamic_derivative
dynamic.SUMMARY = aliasing.summary_of
dynamic.COUNTERPART = numpy_counterpart
dynamic.WHERE = library.calling_site
guards.LOCATE = library.locate_at_run_time
dynamic.WRAP = lifting.calling


def compile_derivative(func: Callable, options: Options) -> Derivative:
    """Run every stage on ``func`` and load the generated module (under
    ``generation_lock``: one generation at a time)."""
    with generation_lock:
        parsed = parse_function(func)
        if not _is_inner(options):
            return _compile_inlined(parsed, options, current=None)
        key = (parsed.func, tuple(options.wrt), options.optimized, options.mode)
        _in_progress[key] = None
        try:
            derivative = _compile_inlined(parsed, options, current=key)
        except BaseException:
            _waiting.pop(key, None)  # the placeholders belong to a failed generation
            raise
        finally:
            _in_progress.pop(key, None)
        _pairs.setdefault(parsed.func, {})[key[1:]] = derivative
        for late in _waiting.pop(key, []):
            late.function = (derivative.function, derivative.backward)[late.which]
        return derivative


def _compile_inlined(parsed: ParsedFunction, options: Options, current: tuple | None,
                     ) -> Derivative:
    """``_compile`` of the function with its calls into small helpers written out
    (``frontend/inlining.py``); of the function as written where it has none, or where that
    one is refused (the refusal then names the helper's own line)."""
    walked = names_and_calls(parsed.node)  # (one walk for the inliner and the namer)
    inlined = inline_helpers(parsed, walked)
    if inlined is not None:
        try:
            return _compile(inlined, options, current)
        except TangentlikeError:
            pass
        return _compile(parsed, options, current)
    return _compile(parsed, options, current, walked.names)  # (parsed.node as walked)


def _normalized(parsed: ParsedFunction, namer: Namer, namespace: Namespace,
                params: list[str]) -> tuple[gast.FunctionDef, set[str], set[str]]:
    """The user's function in A-normal form, each value written twice computed once, the
    names it binds (``syntax.stored_names``) and the names it reads and does not bind."""
    fn = normalize(parsed, namer, namespace=namespace)
    walk = walked(fn)  # (one walk: the names, by context, and what shared values reads)
    bindings = Counter(walk.stores)
    free = set(walk.loads) - set(bindings)
    local = set(bindings) | set(params)
    dropped = share_repeated_values(fn, namer.temporaries, lambda f: resolve(f, parsed, local),
                                    walk)
    # each dropped statement bound one name (its only binding: a single name target, a
    # value of names and literals)
    bindings.subtract(dropped.keys())  # (a dropped name is read no more: its reads read
    # the name kept, bound too)
    return fn, {name for name, count in bindings.items() if count > 0}, free


def _compile(parsed: ParsedFunction, options: Options, current: tuple | None,
             names: list[gast.Name] | None = None) -> Derivative:
    """Generate and load the derivative of ``parsed``.  ``names``:
    ``syntax.walk_names(parsed.node)``, where the caller has them."""
    params = parameter_names(parsed.node)
    positional = len(parsed.node.args.posonlyargs + parsed.node.args.args)
    wrt = tuple(options.wrt)  # indices (resolve_wrt)
    namer = _namer(parsed, names)
    cells = dict(zip(parsed.func.__code__.co_freevars, parsed.func.__closure__ or ()))
    namespace = Namespace(parsed.func.__globals__, namer, cells)
    _separate_shadowed_builtins(parsed, namespace, cells)
    use_default_values(parsed, namespace.name_for)
    parsed.resolutions = {}  # the globals, cells and aliases stay as they are until loading
    fn, bound, free = _normalized(parsed, namer, namespace, params)  # (the three passes
    wrt_names = [params[i] for i in wrt]  # below bind no name, nor read another)
    activity = annotate.activity(fn, wrt_names, parsed, bound)
    annotate.check_rules(fn, parsed, activity.active, activity.varied, options.mode, bound)
    guards = parsed.guards
    guards.include(guards_of(parsed.func))  # a generated function's (a derivative's)
    namer.used.update(_local_names(parsed.name, options.mode))
    aliasing.check_function(fn, parsed, activity.varied, namespace, bound, free)

    def callees(callee: Callable, callee_wrt: tuple[int, ...], where: Location,
                ) -> tuple[str, ...]:
        key = (callee_wrt, options.optimized, options.mode)
        _forget_stale(callee, key)
        names = _callee_names(callee, callee_wrt, options.mode, options.optimized, current,
                              namespace, where)
        if key in _pairs.get(callee, {}):
            guards.include(_pairs[callee][key].guards)
        return names

    what = ", ".join(wrt_names)
    is_split = options.motion == "split"
    seeds: tuple[str, ...] = ()
    seed = SEED
    tree = None  # kept for the versions (versions/dispatch.py)
    numbers: tuple[str, ...] = ()
    if options.mode == "forward":
        derivative = forward_ad(fn, parsed, activity, namer, namespace,
                                ForwardOptions(wrt=wrt, preserve_result=options.preserve_result,
                                               inner=current is not None),
                                lambda *a: callees(*a)[0])
        if options.optimized:
            optimize(derivative, namer.temporaries)
        derivative.body.insert(0, _docstring(
            f"Tangent of {parsed.name} along the tangents of {what}."))
        functions = [derivative]
        seeds = tuple(a.id for a in derivative.args.args + derivative.args.kwonlyargs)[
            -len(wrt):]
        if options.optimized and current is None:
            tree, numbers = derivative, (*wrt_names, *seeds)
    else:
        seed = namer.fresh(SEED)  # init_grad, unless a parameter has that name
        if current is not None:
            _in_progress[current] = seed  # what a recursive call passes its seed as
        reverse_options = ReverseOptions(
            wrt=wrt, preserve_result=options.preserve_result or is_split,
            check_dims=options.check_dims, seed_required=options.seed_required, seed=seed,
            snapshots=options.snapshots, optimized=options.optimized)
        joint = reverse_ad(fn, parsed, activity, namer, namespace, reverse_options, callees)
        if options.optimized:
            optimize(joint, namer.temporaries)
        if is_split:
            functions = split(joint, positional, parsed.name, seed, namespace)
            functions[0].body.insert(0, _docstring(
                f"Forward sweep of {parsed.name}: its value, and what the backward sweep "
                "reads."))
            functions[1].body.insert(0, _docstring(
                f"Backward sweep: the gradient of {parsed.name} with respect to {what}."))
        else:
            joint.body.insert(0, _docstring(
                f"Gradient of {parsed.name} with respect to {what}."))
            functions = [joint]
            if options.optimized and current is None:
                tree, numbers = joint, (*wrt_names, seed)
    # Each function printed, its names gathered as it is (``emit.printed``: what
    # ``tree_names`` finds), before the imports, which those names decide, head the module.
    texts, names = [], []
    for fn in functions:
        text, seen = emit.printed(fn)
        texts.append(text)
        names.append(frozen_names(seen))
    read = _import_user_globals(functions, names, parsed.func.__globals__, namespace, guards)
    where = f"{Path(parsed.filename).name}:{parsed.node.lineno}"
    motion = f"{options.motion} motion" if options.mode == "reverse" else "tangents"
    doc = (f"Derivative of {parsed.name} ({where}) with respect to {what}: {options.mode} "
           f"mode, {motion}{'' if options.optimized else ', not optimized'}.\n\n"
           "Generated by tangentlike; edits are lost when it is generated again.\n")
    source = emit.module_source(functions, namespace, doc, read, texts)
    path = cache.write_module(source, f"{parsed.name}_{options.mode}")
    helpers = {name for name, obj in namespace.injected.items()
               if any(obj is helper for helper in DYNAMIC_HELPERS)}  # (an array is injected too)
    library.note_generated(str(path), source, functions, parsed.func)
    if helpers:  # where each call found when it runs comes from (refusals name that line)
        library.remember_generated(str(path), source, helpers,
                                   library.helper_sites(functions, helpers))
    scope = loading.load_module(source, path, parsed.func.__globals__, namespace, cells)
    loaded = [scope[f.name] for f in functions]
    tree_found = names[0] if tree is not None else None  # (the tree is functions[0])
    frozen = guards.freeze()
    for function in loaded:
        remember_guards(function, frozen)
    return Derivative(source=source, path=path, function=loaded[0],
                      backward=loaded[1] if is_split and options.mode == "reverse" else None,
                      parameters=params, positional=positional, seeds=seeds, seed=seed,
                      tree=tree, names=tree_found, temporaries=frozenset(namer.temporaries),
                      scope=scope, numbers=numbers, guards=frozen)


def save_plan(func: Callable, wrt: Any = 0) -> SavePlan:
    """What reverse mode saves of ``func`` for the backward sweep, where, how and why, with
    how each loop is replayed: the plan both sweeps are generated from (``print`` it).
    ``wrt`` takes indices or names of parameters, as ``grad`` does."""
    with generation_lock:
        parsed = parse_function(unwrap(func))
        params = parameter_names(parsed.node)
        namer = _namer(parsed)
        cells = dict(zip(parsed.func.__code__.co_freevars, parsed.func.__closure__ or ()))
        namespace = Namespace(parsed.func.__globals__, namer, cells)
        fn, _, _ = _normalized(parsed, namer, namespace, params)
        activity = annotate.activity(fn, [params[i] for i in resolve_wrt(func, wrt)], parsed)
        annotate.check_rules(fn, parsed, activity.active, activity.varied, "reverse")

        def halves(callee: Callable, wrt: tuple[int, ...], where: Location) -> tuple[str, ...]:
            name = callee.__name__  # a call's plan needs no generated halves: names only
            return f"{name}_forward", f"{name}_backward", SEED

        return plan(fn, parsed, activity, namer, namespace, halves)[2]
