"""Derivative rules: which template differentiates which primitive, and what has no derivative.

A rule is a plain Python function whose first parameter is the primitive's result and whose
other parameters are the primitive's arguments, in order and by the same names; ``d[x]``
stands for the derivative of ``x`` (the adjoint in reverse mode, the tangent in forward mode)::

    @adjoint(np.sin)
    def sin(y, x):
        d[x] = d[y] * np.cos(x)

Templates are parsed and checked when they are registered, so a typo in a placeholder
fails at import time, not as a silently wrong derivative.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import linecache
import operator
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.errors import Location, TemplateError
from tangentlike.rules.primitive import (  # noqa: F401  (re-exported: the old tables' names)
    ADJOINTS,
    NON_DIFFERENTIABLE,
    NUMPY_EFFECTS,
    PURE,
    TANGENTS,
    Facts,
    _deferred,
    _key,
    _look_up,
    declare,
    declared,
    defer,
    load_deferred,
    policy,
)


class _DerivativeMarker:
    """``d`` in templates: ``d[x]`` is the derivative of ``x``.  Never evaluated."""

    def __getitem__(self, key: Any) -> Any:
        raise RuntimeError(
            "d[...] is template notation for 'the derivative of'; a derivative template "
            "is read by tangentlike, never called"
        )

    __setitem__ = __getitem__

    def __repr__(self) -> str:
        return "d"


d = _DerivativeMarker()


class _Parsed(NamedTuple):
    node: gast.FunctionDef
    result: str  # name of the first parameter
    signature: inspect.Signature  # the template's parameters after the result
    location: Location
    locals: set[str]  # the names the template assigns


class Rule:
    """A derivative template for one primitive, parsed and checked.

    A rule registered by the user is parsed and checked when it is registered, so a typo in a
    placeholder fails at import time.  tangentlike's own rules (``tangentlike/templates``) are
    parsed and checked the first time they are used: parsing some 500 templates would take
    most of ``import tangentlike`` (tests/test_import_time.py checks them all).
    """

    def __init__(self, primitive: Any, kind: str, function: Callable):
        self.primitive = primitive
        self.kind = kind  # "adjoint" or "tangent"
        self.function = function
        self._parsed: _Parsed | None = None

    def parse(self) -> _Parsed:
        """The template's tree and parameters, parsed and checked once (``TemplateError``)."""
        parsed = self._parsed
        if parsed is None:
            with _parse_lock:
                parsed = self._parsed
                if parsed is None:
                    parsed = self._build()
                    _check(self, parsed)
                    self._parsed = parsed
        return parsed

    def _build(self) -> _Parsed:
        """The template's tree and parameters (a derived rule builds them from another's)."""
        return _parse_template(self.primitive, self.function)

    @property
    def node(self) -> gast.FunctionDef:
        return self.parse().node

    @property
    def result(self) -> str:
        return self.parse().result

    @property
    def signature(self) -> inspect.Signature:
        return self.parse().signature

    @property
    def location(self) -> Location:
        return self.parse().location

    @property
    def locals(self) -> set[str]:
        return self.parse().locals

    @property
    def globals(self) -> dict[str, Any]:
        return self.function.__globals__

    def __repr__(self) -> str:
        return (f"<{self.kind} rule {self.function.__name__} for "
                f"{_describe(self.primitive)}>")

    @functools.cached_property
    def differentiable(self) -> set[str]:
        """The parameters whose derivative the template reads or writes (``d[x]``): the
        others (shapes, axes, ``unbroadcast``'s ``x``) pass no derivative through."""
        return {n.slice.id for n in gast.walk(self.node)
                if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)
                and n.value.id == "d" and isinstance(n.slice, gast.Name)} - {self.result}


# ``x.T`` behaves as ``np.transpose(x)``; ``x.shape`` never carries a derivative.
ATTRIBUTES: dict[str, Any] = {"T": np.transpose, "real": np.real, "imag": np.imag}
NON_DIFFERENTIABLE_ATTRIBUTES = {"shape", "ndim", "size", "dtype", "itemsize", "nbytes"}

# Per template file: its functions by name (each file is parsed once, when a rule of it is
# first parsed).
_functions: dict[str, dict[str, list[gast.FunctionDef]]] = {}
_parse_lock = threading.RLock()


def _template_node(fn: Callable) -> tuple[gast.FunctionDef, Location]:
    code = fn.__code__
    where = Location(code.co_filename, code.co_firstlineno, "", fn.__name__)
    functions = _functions.get(code.co_filename)
    if functions is None:
        source = "".join(linecache.getlines(code.co_filename))
        if not source:
            raise TemplateError(
                f"cannot read the source of derivative template {fn.__name__!r}", where,
                hint="define templates in a .py file",
            )
        functions = {}
        for node in gast.walk(syntax.parse(source)):
            if isinstance(node, gast.FunctionDef):
                functions.setdefault(node.name, []).append(node)
        _functions[code.co_filename] = functions
    for node in functions.get(fn.__name__, ()):
        first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        if first == code.co_firstlineno or node.lineno == code.co_firstlineno:
            return node, where
    raise TemplateError(f"cannot find the source of template {fn.__name__!r}", where)


def _derivative_subscripts(node: gast.AST) -> list[gast.Subscript]:
    return [s for s in gast.walk(node)
            if isinstance(s, gast.Subscript) and isinstance(s.value, gast.Name)
            and s.value.id == "d"]


def _check(rule: Rule, parsed: _Parsed) -> None:
    """Refuse templates whose placeholders do not match their parameters or primitive."""

    def fail(message: str, node: gast.AST | None = None, hint: str = "") -> TemplateError:
        line = getattr(node, "lineno", None) or parsed.node.lineno
        filename = parsed.location.filename
        return TemplateError(
            f"derivative template {rule.function.__name__!r} for {_describe(rule.primitive)}: "
            f"{message}",
            Location(filename, line, linecache.getline(filename, line).rstrip("\n"),
                     rule.function.__name__),
            hint=hint or "the first parameter is the result, the others the primitive's "
            "arguments by name; d[x] is the derivative of parameter x",
        )

    params = [parsed.result, *parsed.signature.parameters]
    for sub in _derivative_subscripts(parsed.node):
        if not (isinstance(sub.slice, gast.Name) and sub.slice.id in params):
            named = sub.slice.id if isinstance(sub.slice, gast.Name) else "an expression"
            raise fail(f"d[...] names {named}, which is not one of the template's "
                       f"parameters ({', '.join(params)})", sub)
    known = set(params) | parsed.locals | {"d"}
    for name in gast.walk(parsed.node):
        if (isinstance(name, gast.Name) and isinstance(name.ctx, gast.Load)
                and name.id not in known and name.id not in rule.globals
                and not hasattr(builtins, name.id)):
            raise fail(f"name {name.id!r} is not defined", name)
    try:
        target = inspect.signature(rule.primitive)
    except (TypeError, ValueError):
        nin = getattr(rule.primitive, "nin", None)  # a ufunc: positional arguments only
        if nin is not None and len(parsed.signature.parameters) < nin:
            raise fail(f"the ufunc takes {nin} arguments, the template "
                       f"{len(parsed.signature.parameters)}") from None
        return
    ours = list(parsed.signature.parameters.values())
    theirs = list(target.parameters.values())
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in theirs + ours):
        return
    for mine, real in zip(ours, theirs):
        if real.kind != real.POSITIONAL_ONLY and mine.name != real.name:
            raise fail(f"parameter {mine.name!r} should be named {real.name!r} "
                       f"like the primitive's")
    if len(ours) > len(theirs):
        raise fail(f"the primitive takes {len(theirs)} arguments "
                   f"({', '.join(p.name for p in theirs)}), the template {len(ours)}")


def _describe(primitive: Any) -> str:
    module = getattr(primitive, "__module__", None) or ""
    name = getattr(primitive, "__qualname__", None) or getattr(primitive, "__name__", None)
    if name is None:
        return repr(primitive)
    return f"{module}.{name}" if module and module != "builtins" else name


def _parse_template(primitive: Any, fn: Callable) -> _Parsed:
    node, where = _template_node(fn)
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if not params:
        raise TemplateError(f"template {fn.__name__!r} needs the result as first parameter",
                            where)
    stored = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
              and isinstance(n.ctx, gast.Store)}
    return _Parsed(node=node, result=params[0].name,
                   signature=sig.replace(parameters=params[1:]), location=where,
                   locals=stored - {p.name for p in params})


def _make_rule(primitive: Any, kind: str, fn: Callable) -> Rule:
    """The rule of ``fn`` for ``primitive``: checked now (``TemplateError``), unless it is one
    of tangentlike's own (see :class:`Rule`)."""
    rule = Rule(primitive, kind, fn)
    if not (getattr(fn, "__module__", None) or "").startswith("tangentlike.templates."):
        rule.parse()
    return rule


_MODE = {"adjoint": "reverse-mode", "tangent": "forward-mode"}


def _bare_hint(kind: str) -> str:
    return (f"write @tangentlike.{kind}(primitive) above a template def t(result, *args) to "
            f"register the {_MODE[kind]} rule of primitive" + (
                "; Tangent's bare @tangent.tangent (which only removed the `with "
                "insert_grad_of` blocks) needs no counterpart: tangentlike's functions run "
                "as they are, so remove it" if kind == "tangent" else ""))


class RuleDecorator:
    """What ``adjoint(primitive)`` and ``tangent(primitive)`` return: applied to a template,
    it registers it as ``primitive``'s rule and returns it unchanged.  Called with anything
    but one template function, it raises ``TemplateError``: the decorator was used bare on a
    function (``f = tangentlike.tangent(f)``), which made ``f`` name this decorator."""

    def __init__(self, primitive: Any, kind: str, facts: dict[str, Any] | None = None):
        self.primitive, self.kind = primitive, kind
        self.facts = facts or {}

    def __call__(self, *args: Any, **kwargs: Any) -> Callable:
        if len(args) == 1 and not kwargs and inspect.isfunction(args[0]):
            return self.register(args[0])
        name = getattr(self.primitive, "__name__", None) or _describe(self.primitive)
        raise TemplateError(
            f"{name}(...) was called, but {name} names tangentlike.{self.kind}({name}), the "
            f"decorator that registers a template as the {_MODE[self.kind]} rule of {name}, "
            f"not your function: tangentlike.{self.kind} was applied to {name} without a "
            "primitive (or the decorator got something other than one template function)",
            hint=_bare_hint(self.kind))

    def register(self, fn: Callable) -> Callable:
        """Check the template ``fn`` and make it ``primitive``'s rule; return ``fn``."""
        rule = _make_rule(self.primitive, self.kind, fn)
        library = _is_library(fn.__globals__)
        declare(self.primitive, library=library,
                **_family_facts(fn.__globals__, library, self.primitive), **self.facts,
                **{self.kind: rule})
        return fn

    def __repr__(self) -> str:
        return f"<tangentlike.{self.kind}({_describe(self.primitive)}): a rule decorator>"


def _rule_decorator(primitive: Any, kind: str, facts: dict[str, Any]) -> RuleDecorator:
    """The decorator for ``primitive``'s rule; ``TemplateError`` when the caller's line is a
    bare decorator (``@tangentlike.tangent`` above ``def f``): ``primitive`` is then the
    decorated function itself, and the name ``f`` would be silently re-bound."""
    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame is not None and frame.f_back is not None else None
    if caller is not None and not str(caller.f_globals.get("__name__")).startswith(
            "tangentlike.templates."):  # tangentlike's own rules: no file read at import
        filename, lineno = caller.f_code.co_filename, caller.f_lineno
        line = linecache.getline(filename, lineno).strip()
        text = line.split("#", 1)[0].strip()
        if text.startswith("@") and "(" not in text:
            name = getattr(primitive, "__name__", repr(primitive))
            raise TemplateError(
                f"{text} is used without a primitive on {name!r}: tangentlike.{kind}"
                f"(primitive) returns the decorator that registers a template as the "
                f"{_MODE[kind]} rule of primitive, so used bare it would make {name!r} "
                "name that decorator instead of your function",
                Location(filename, lineno, line, caller.f_code.co_name),
                hint=_bare_hint(kind))
    return RuleDecorator(primitive, kind, facts)


def adjoint(primitive: Any, **facts: Any) -> RuleDecorator:
    """Register the decorated template as the reverse-mode rule of ``primitive``:
    ``@adjoint(np.sin)`` above ``def sin_adjoint(y, x)``; ``facts`` are declared with it
    (``primitive.declare``).  Used bare (``@adjoint`` above a function) it raises
    ``TemplateError``."""
    return _rule_decorator(primitive, "adjoint", facts)


def tangent(primitive: Any, **facts: Any) -> RuleDecorator:
    """Register the decorated template as the forward-mode rule of ``primitive``:
    ``@tangent(np.sin)`` above ``def sin_tangent(y, x)``.  Used bare (``@tangent`` above a
    function, Tangent's decorator of that name) it raises ``TemplateError``."""
    return _rule_decorator(primitive, "tangent", facts)


def _is_library(module_globals: dict[str, Any]) -> bool:
    """Whether code of this module states tangentlike's own facts (``tangentlike.templates``)."""
    return str(module_globals.get("__name__")).startswith(_LIBRARY)


def _family_facts(module_globals: dict[str, Any], library: bool,
                  function: Any) -> dict[str, Any]:
    """The facts a library template file states for its family (its ``FACTS``) that hold
    for ``function``."""
    facts = module_globals.get("FACTS") if library else None
    return facts.stated(function) if isinstance(facts, Facts) else {}


_LIBRARY = "tangentlike.templates."


def non_differentiable(*primitives: Any) -> Any:
    """Mark functions whose results carry no derivative (``len``, ``np.argmax``, ...).

    Usable as a decorator on the user's own function, or called with several functions.
    Called in a template file of tangentlike, it declares that file's ``FACTS`` too.
    """
    frame = inspect.currentframe()
    caller = frame.f_back.f_globals if frame is not None and frame.f_back is not None else {}
    library = _is_library(caller)
    for function in primitives:
        declare(function, library=library, differentiable=False,
                **_family_facts(caller, library, function))
    return primitives[0] if len(primitives) == 1 else None


def adjoint_rule(primitive: Any) -> Rule | None:
    record = declared(primitive)
    return None if record is None else record.adjoint


def tangent_rule(primitive: Any) -> Rule | None:
    record = declared(primitive)
    return None if record is None else record.tangent


def is_non_differentiable(primitive: Any) -> bool:
    record = declared(primitive)
    return record is not None and not record.differentiable


# Purity: a call of a pure function only computes its value from its arguments, so the
# compiler may drop it when the value is unused, compute it again, or move it.  Anything else
# (random draws, I/O, the user's functions, unknown callables) runs exactly once, in program
# order, and its value is saved: the safe default.


def pure(*functions: Any) -> Any:
    """Declare functions pure (their result depends only on their arguments, and calling
    them does nothing else).  Usable as a decorator."""
    for function in functions:
        declare(function, pure=True)
    return functions[0] if len(functions) == 1 else None


def is_pure_function(func: Any) -> bool:
    """Declared pure, or pure by its module's policy (``primitive.policy``): a NumPy ufunc
    or function (not of ``numpy.random``, and not one that writes into an argument or does
    I/O), or a function of the ``math`` module."""
    record = declared(func)
    return (record is not None and record.pure) or bool(policy(func).get("pure"))


def is_primitive(primitive: Any) -> bool:
    """Known to tangentlike: it has a rule, or is marked non-differentiable."""
    record = declared(primitive)
    return record is not None and record.is_primitive


def describe(primitive: Any) -> str:
    """A readable name for a primitive, for error messages."""
    return _describe(primitive)


OPERATORS = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow, gast.MatMult: operator.matmul,
    gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod, gast.USub: operator.neg,
    gast.UAdd: operator.pos, gast.Not: operator.not_, gast.Invert: operator.invert,
    gast.LShift: operator.lshift, gast.RShift: operator.rshift, gast.BitOr: operator.or_,
    gast.BitAnd: operator.and_, gast.BitXor: operator.xor,
}
