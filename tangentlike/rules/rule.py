"""One derivative rule: a template function, parsed and checked (``Rule``), and ``d``, the
template notation for "the derivative of".

A rule is a plain Python function whose first parameter is the primitive's result and whose
other parameters are the primitive's arguments, in order and by the same names.  Its source
is parsed once (every template of a file at once) and checked: ``d[...]`` names a parameter,
every name is defined, the parameters are named like the primitive's.
"""
from __future__ import annotations

import builtins
import functools
import inspect
import keyword
import linecache
import sys
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import gast

from tangentlike.core import syntax
from tangentlike.errors import Location, TemplateError


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


class ParsedTemplate(NamedTuple):
    node: gast.FunctionDef
    result: str  # name of the first parameter
    signature: inspect.Signature  # the template's parameters after the result
    location: Location
    locals: set[str]  # the names the template assigns
    aliases: dict[str, str]  # the primitive's parameter -> the template's (d -> d_)


def alias_of(name: str) -> str | None:
    """The primitive's parameter a template parameter ``name`` stands for, when a trailing
    underscore keeps it apart from the notation ``d`` or a Python keyword (``d_`` for
    ``eigh_tridiagonal``'s ``d``, ``lambda_``); None for any other name."""
    stripped = name[:-1]
    if name.endswith("_") and (stripped == "d" or keyword.iskeyword(stripped)):
        return stripped
    return None


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
        self._parsed: ParsedTemplate | None = None

    def parse(self) -> ParsedTemplate:
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

    def _build(self) -> ParsedTemplate:
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

    def bind(self, args: list[Any] | tuple[Any, ...],
             keywords: dict[str, Any]) -> inspect.BoundArguments:
        """``args`` and ``keywords`` of a call bound to the template's parameters; a keyword
        the template spells with a trailing underscore (``d=`` for ``d_``) goes to it
        (``TypeError`` when they do not fit)."""
        return inspect.BoundArguments(self.signature, self.bound_arguments(args, keywords))

    def bound_arguments(self, args: list[Any] | tuple[Any, ...],
                        keywords: dict[str, Any]) -> dict[str, Any]:
        """What ``bind`` gives as ``arguments``: each bound parameter's value, by name, in
        the signature's order."""
        aliases = self.parse().aliases
        named = {aliases.get(k, k): v for k, v in keywords.items()} if keywords else {}
        shape = (len(args), tuple(named))
        plan = self._bind_plans.get(shape)
        if plan is None:
            plan = self._bind_plans[shape] = _bind_plan(self.signature, *shape)
        if isinstance(plan, str):
            raise TypeError(plan)
        arguments = {}
        for name, kind, where in plan:
            if kind is _ONE:
                arguments[name] = args[where] if where.__class__ is int else named[where]
            elif kind is _STARRED:
                arguments[name] = tuple(args[i] for i in where)
            else:
                arguments[name] = {k: named[k] for k in where}
        return arguments

    @functools.cached_property
    def _bind_plans(self) -> dict[tuple[int, tuple[str, ...]], tuple | str]:
        """``bind``'s plans (or ``TypeError`` messages) by the call's shape: how many
        positional arguments, which keywords (``inspect.Signature.bind`` once per shape)."""
        return {}

    @property
    def globals(self) -> dict[str, Any]:
        return self.function.__globals__

    def __repr__(self) -> str:
        return (f"<{self.kind} rule {self.function.__name__} for "
                f"{qualified_name(self.primitive)}>")

    @functools.cached_property
    def differentiable(self) -> set[str]:
        """The parameters whose derivative the template reads or writes (``d[x]``): the
        others (shapes, axes, ``unbroadcast``'s ``x``) pass no derivative through."""
        return {n.slice.id for n in gast.walk(self.node)
                if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)
                and n.value.id == "d" and isinstance(n.slice, gast.Name)} - {self.result}


_ONE, _STARRED, _KEYWORDS = "one", "starred", "keywords"


class _Keyword(str):
    """The placeholder for a keyword argument in :func:`_bind_plan`."""


def _bind_plan(signature: inspect.Signature, positional: int,
               keywords: tuple[str, ...]) -> tuple[tuple[str, str, Any], ...] | str:
    """Where each bound parameter's value comes from, for calls with ``positional``
    arguments and these ``keywords``: ``(name, _ONE, index or keyword)``, ``(name, _STARRED,
    indices)`` for ``*args``, ``(name, _KEYWORDS, keywords)`` for ``**kwargs``, in the order
    ``signature.bind`` gives; its ``TypeError`` message when they do not fit."""
    try:
        bound = signature.bind(*range(positional), **{k: _Keyword(k) for k in keywords})
    except TypeError as exc:
        return str(exc)
    plan = []
    for name, value in bound.arguments.items():
        if isinstance(value, tuple):
            plan.append((name, _STARRED, value))
        elif isinstance(value, dict):
            plan.append((name, _KEYWORDS, tuple(value)))
        else:
            plan.append((name, _ONE, str(value) if isinstance(value, _Keyword) else value))
    return tuple(plan)


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


def _check(rule: Rule, parsed: ParsedTemplate) -> None:
    """Refuse templates whose placeholders do not match their parameters or primitive."""

    def fail(message: str, node: gast.AST | None = None, hint: str = "") -> TemplateError:
        line = getattr(node, "lineno", None) or parsed.node.lineno
        filename = parsed.location.filename
        return TemplateError(
            f"derivative template {rule.function.__name__!r} for {qualified_name(rule.primitive)}: "
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
    positional = [p for p in ours if p.kind != p.KEYWORD_ONLY]
    matched = set()
    for mine, real in zip(positional, theirs):
        if real.kind == real.KEYWORD_ONLY:
            break
        if real.kind != real.POSITIONAL_ONLY and mine.name != real.name \
                and alias_of(mine.name) != real.name:
            raise fail(f"parameter {mine.name!r} should be named {real.name!r} "
                       f"like the primitive's")
        matched.add(mine.name)
    # A parameter the primitive does not have is a keyword of other NumPy or SciPy versions
    # (np.unique's sorted, scipy.linalg.inv's assume_a): it takes its default here.
    names = {p.name for p in theirs}
    for mine in ours:
        if mine.name not in matched and mine.name not in names \
                and alias_of(mine.name) not in names and mine.default is mine.empty:
            raise fail(f"the primitive takes {len(theirs)} arguments "
                       f"({', '.join(p.name for p in theirs)}), and no {mine.name!r}")


def qualified_name(primitive: Any) -> str:
    """``numpy.sin``: the module and name of a function, for messages."""
    module = getattr(primitive, "__module__", None) or ""
    name = getattr(primitive, "__qualname__", None) or getattr(primitive, "__name__", None)
    if name is None:
        return _public_name_of(primitive)
    return f"{module}.{name}" if module and module != "builtins" else name


def _public_name_of(obj: Any) -> str:
    """``scipy.special.legendre_p`` for a callable object with no name of its own (SciPy
    1.15's ``MultiUFunc``): where a module its class's package holds it, the shortest first;
    else its repr (``functools.partial(...)``), or its class's name where the repr holds an
    address, which differs between processes."""
    parts = (type(obj).__module__ or "").split(".")
    for n in range(2, len(parts) + 1):
        namespace = sys.modules.get(".".join(parts[:n]))
        found = next((attr for attr, value in vars(namespace).items()
                      if value is obj and not attr.startswith("_")), None) if namespace else None
        if found is not None:
            return f"{'.'.join(parts[:n])}.{found}"
    text = repr(obj)
    return text if " at 0x" not in text else f"<{type(obj).__qualname__}>"


def _parse_template(primitive: Any, fn: Callable) -> ParsedTemplate:
    node, where = _template_node(fn)
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if not params:
        raise TemplateError(f"template {fn.__name__!r} needs the result as first parameter",
                            where)
    stored = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
              and isinstance(n.ctx, gast.Store)}
    aliases = {alias_of(p.name): p.name for p in params[1:] if alias_of(p.name) is not None}
    return ParsedTemplate(node=node, result=params[0].name,
                          signature=sig.replace(parameters=params[1:]), location=where,
                          locals=stored - {p.name for p in params}, aliases=aliases)


def make_rule(primitive: Any, kind: str, fn: Callable) -> Rule:
    """The rule of ``fn`` for ``primitive``: checked now (``TemplateError``), unless it is one
    of tangentlike's own (see :class:`Rule`)."""
    rule = Rule(primitive, kind, fn)
    if not (getattr(fn, "__module__", None) or "").startswith("tangentlike.templates."):
        rule.parse()
    return rule
