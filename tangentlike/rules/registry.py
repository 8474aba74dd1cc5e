"""Derivative rules: which template differentiates which primitive, and what has no derivative.

A rule is a plain Python function whose first parameter is the primitive's result and whose
other parameters are the primitive's arguments, in order and by the same names; ``d[x]``
stands for the derivative of ``x`` (the adjoint in reverse mode, the tangent in forward mode)::

    @adjoint(np.sin)
    def sin(y, x):
        d[x] = d[y] * np.cos(x)

Templates are parsed and checked when they are registered (``rule.py``), so a typo in a
placeholder fails at import time, not as a silently wrong derivative.  The rules live in
each function's record (``primitive.py``); the decorators here write them.
"""
from __future__ import annotations

import inspect
import linecache
import operator
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.errors import Location, TemplateError
from tangentlike.rules.primitive import (  # noqa: F401  (re-exported)
    NUMPY_EFFECTS,
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
from tangentlike.rules.rule import Rule, d, make_rule, qualified_name  # noqa: F401 (d: re-exported)
from tangentlike.rules.tables import (  # noqa: F401  (re-exported: the old tables' names)
    ADJOINTS,
    NON_DIFFERENTIABLE,
    PURE,
    TANGENTS,
)

# ``x.T`` behaves as ``np.transpose(x)``; ``x.shape`` never carries a derivative.
ATTRIBUTES: dict[str, Any] = {"T": np.transpose, "mT": np.matrix_transpose, "real": np.real,
                              "imag": np.imag}
NON_DIFFERENTIABLE_ATTRIBUTES = {"shape", "ndim", "size", "dtype", "itemsize", "nbytes"}

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
        name = getattr(self.primitive, "__name__", None) or qualified_name(self.primitive)
        raise TemplateError(
            f"{name}(...) was called, but {name} names tangentlike.{self.kind}({name}), the "
            f"decorator that registers a template as the {_MODE[self.kind]} rule of {name}, "
            f"not your function: tangentlike.{self.kind} was applied to {name} without a "
            "primitive (or the decorator got something other than one template function)",
            hint=_bare_hint(self.kind))

    def register(self, fn: Callable) -> Callable:
        """Check the template ``fn`` and make it ``primitive``'s rule; return ``fn``."""
        rule = make_rule(self.primitive, self.kind, fn)
        library = is_library(fn.__globals__)
        # the rule's own facts win over its family's
        facts = {**family_facts(fn.__globals__, library, self.primitive), **self.facts}
        declare(self.primitive, library=library, **facts, **{self.kind: rule})
        return fn

    def __repr__(self) -> str:
        return f"<tangentlike.{self.kind}({qualified_name(self.primitive)}): a rule decorator>"


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


def is_library(module_globals: dict[str, Any]) -> bool:
    """Whether code of this module states tangentlike's own facts (``tangentlike.templates``)."""
    return str(module_globals.get("__name__")).startswith(_LIBRARY)


def family_facts(module_globals: dict[str, Any], library: bool,
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
    library = is_library(caller)
    for function in primitives:
        declare(function, library=library, differentiable=False,
                **family_facts(caller, library, function))
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
    return qualified_name(primitive)


OPERATORS = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow, gast.MatMult: operator.matmul,
    gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod, gast.USub: operator.neg,
    gast.UAdd: operator.pos, gast.Not: operator.not_, gast.Invert: operator.invert,
    gast.LShift: operator.lshift, gast.RShift: operator.rshift, gast.BitOr: operator.or_,
    gast.BitAnd: operator.and_, gast.BitXor: operator.xor,
}
