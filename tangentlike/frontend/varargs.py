"""Functions with ``*args`` and ``**kwargs`` parameters, bound at each call.

A call ``h(x, y, z, k=w)`` of ``def h(a, *args, **kw)`` binds ``args`` to two values and
``kw`` to the key ``"k"``: at that call, ``h`` is :class:`Specialized`, a function with named
parameters that tangentlike differentiates like any other::

    def h(a, args_0, args_1, *, k):
        args = (args_0, args_1)
        kw = {"k": k}
        ...  # h's body

so the derivative of ``args`` is a tuple whose parts go back to ``y`` and ``z``.  A decorator's
wrapper ``def wrapper(*a, **k): return fn(*a, **k)`` is bound the same way, and ``fn(*a, **k)``
inside it spreads a tuple and a dict whose length and keys the code shows
(``operands.ExpressionSplitter.spread``).
"""
from __future__ import annotations

import inspect
import threading
import types
import weakref
from typing import Any

import gast

from tangentlike.core import syntax

STAR_ARGS = inspect.CO_VARARGS | inspect.CO_VARKEYWORDS


def has_star_parameters(func: Any) -> bool:
    """A Python function with a ``*args`` or ``**kwargs`` parameter."""
    return isinstance(func, types.FunctionType) and bool(func.__code__.co_flags & STAR_ARGS)


def _names_in(code: types.CodeType) -> set[str]:
    """Every name a code object (and the code nested in it) reads or binds."""
    names = set(code.co_varnames) | set(code.co_names) | set(code.co_freevars) | set(
        code.co_cellvars)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_in(const)
    return names


class Specialized:
    """``func``, which has ``*args``/``**kwargs`` parameters, as one call binds them:
    ``extra`` values in ``*args`` and the keys ``keywords`` in ``**kwargs``, each a
    parameter of its own.  Calling it calls ``func``; its source is ``func``'s, with the
    ``*args`` tuple and ``**kwargs`` dict built from the new parameters first
    (:meth:`specialize`).  Globals, closure cells and the name are ``func``'s."""

    def __init__(self, func: types.FunctionType, extra: int, keywords: tuple[str, ...],
                 names: tuple[str, ...] = ()):
        self._func = weakref.ref(func)
        self.extra, self.keywords = extra, keywords
        self.__name__, self.__qualname__ = func.__name__, func.__qualname__
        self.__module__ = func.__module__
        self.__code__, self.__globals__ = func.__code__, func.__globals__
        self.__closure__ = func.__closure__
        taken = _names_in(func.__code__)
        signature = inspect.signature(func, follow_wrapped=False)
        star = next((p.name for p in signature.parameters.values()
                     if p.kind is p.VAR_POSITIONAL), "args")
        self.positional = [_fresh(names[i] if i < len(names) else f"{star}_{i}", taken)
                           for i in range(extra)]
        self.renamed = {}  # keyword-only parameter -> the key it stands for in **kwargs
        for key in keywords:
            name = key if key not in taken else _fresh(f"kw_{key}", taken)
            taken.add(name)
            self.renamed[name] = key
        params = []
        for p in signature.parameters.values():
            if p.kind is p.VAR_POSITIONAL:
                params += [inspect.Parameter(n, p.POSITIONAL_OR_KEYWORD)
                           for n in self.positional]
            elif p.kind is p.VAR_KEYWORD:
                params += [inspect.Parameter(n, p.KEYWORD_ONLY) for n in self.renamed]
            elif extra and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                params.append(p.replace(default=p.empty))  # given, since *args has values
            else:
                params.append(p)
        self.__signature__ = inspect.Signature(params)

    @property
    def func(self) -> types.FunctionType:
        func = self._func()
        assert func is not None, "a Specialized function outlived its function"
        return func

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **{self.renamed.get(k, k): v for k, v in kwargs.items()})

    def __repr__(self) -> str:
        return (f"<{self.__qualname__} with {self.extra} values in *args and keys "
                f"{list(self.keywords)} in **kwargs>")

    def specialize(self, node: gast.FunctionDef) -> gast.FunctionDef:
        """``func``'s definition with named parameters in place of ``*args``/``**kwargs``."""
        node = syntax.clone(node)
        arguments, body = node.args, []
        if arguments.vararg is not None:
            arguments.args += [_param(n) for n in self.positional]
            if self.extra:
                arguments.defaults = []
            body.append(syntax.assign(arguments.vararg.id, syntax.tuple_of(
                [syntax.load(n) for n in self.positional])))
            arguments.vararg = None
        if arguments.kwarg is not None:
            arguments.kwonlyargs += [_param(n) for n in self.renamed]
            arguments.kw_defaults += [None] * len(self.renamed)
            body.append(syntax.assign(arguments.kwarg.id, gast.Dict(
                keys=[syntax.const(k) for k in self.renamed.values()],
                values=[syntax.load(n) for n in self.renamed])))
            arguments.kwarg = None
        for stmt in body:
            for sub in gast.walk(stmt):
                gast.copy_location(sub, node)
        docstring = bool(node.body) and isinstance(node.body[0], gast.Expr) and isinstance(
            node.body[0].value, gast.Constant) and isinstance(node.body[0].value.value, str)
        node.body[int(docstring):int(docstring)] = body
        return node


def _fresh(name: str, taken: set[str]) -> str:
    candidate, k = name, 0
    while candidate in taken:
        k += 1
        candidate = f"{name}_{k}"
    taken.add(candidate)
    return candidate


def _param(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Param(), annotation=None, type_comment=None)


# func -> {(extra, keywords, names): its Specialized}: one object per binding, so its
# derivatives are generated once (the pipeline keeps them by function)
_specialized: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _one(func: types.FunctionType, extra: int, keywords: tuple[str, ...],
         names: tuple[str, ...] = ()) -> Specialized:
    with _lock:
        by_binding = _specialized.setdefault(func, {})
        key = (extra, keywords, names)
        if key not in by_binding:
            by_binding[key] = Specialized(func, extra, keywords, names)
        return by_binding[key]


def specialized(func: types.FunctionType, n_args: int, keywords: list[str],
                ) -> Specialized | str:
    """``func`` bound by a call with ``n_args`` positional arguments and ``keywords``; the
    reason (Python's ``TypeError``) if the call does not match ``func``'s parameters."""
    signature = inspect.signature(func, follow_wrapped=False)
    try:
        bound = signature.bind(*range(n_args), **{k: k for k in keywords})
    except TypeError as error:
        return str(error)
    extra, extra_keys = 0, ()
    for p in signature.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            extra = len(bound.arguments.get(p.name, ()))
        elif p.kind is p.VAR_KEYWORD:
            extra_keys = tuple(bound.arguments.get(p.name, {}))
    return _one(func, extra, extra_keys)


def as_wrapped(func: Any) -> Specialized | None:
    """A decorator's wrapper ``wrapper(*args, **kwargs)`` (``functools.wraps``) of a function
    whose parameters are all positional and without defaults (``def loss(w, x)``), as the
    function differentiated: bound as ``wrapper(w, x)``, its parameters named like the
    wrapped function's (what ``wrt`` names and counts).  None for anything else."""
    if not has_star_parameters(func) or getattr(func, "__wrapped__", None) is None:
        return None
    try:
        wrapped = inspect.signature(func)  # follows __wrapped__
    except (TypeError, ValueError):
        return None
    params = list(wrapped.parameters.values())
    if not params or any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                         or p.default is not p.empty for p in params):
        return None
    if isinstance(specialized(func, len(params), []), str):
        return None  # the wrapper itself does not take them
    return _one(func, len(params), (), tuple(p.name for p in params))


def renamed_keywords(spec: Specialized, keywords: list[gast.keyword]) -> list[gast.keyword]:
    """A call's keywords as the specialization names them (a key of ``**kwargs`` that is a
    name in the function's body is a parameter ``kw_<key>``)."""
    names = {key: name for name, key in spec.renamed.items()}
    return [gast.keyword(arg=names.get(k.arg, k.arg), value=k.value) for k in keywords]

