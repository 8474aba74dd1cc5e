"""``@elementwise``: one written adjoint for an elementwise function, the rest derived.

::

    @elementwise(np.sin, math.sin)
    def sin(y, x):
        d[x] = d[y] * np.cos(x)

registers the adjoint of ``np.sin`` as written, and derives three rules from it:

- the **tangent**: a statement ``name = E`` reading no derivative is kept; each
  ``d[xi] = E``, with ``d[y]`` once in ``E`` and in a linear place (a
  factor of ``*``, the numerator of ``/``, under unary ``-``, a branch of ``np.where`` whose
  other branch is zero, ``.conjugate()``), becomes ``d[y] = E[d[y] := d[xi]]``;
  ``unbroadcast(E0, xi)`` becomes ``broadcast_like(E0', y)``.
- the **twin's** adjoint and tangent (``math.sin``): the same trees with each ``np.g``
  re-spelled as ``g``'s twin in the twin's module (``np.cos`` as ``math.cos``).

Anything else is a ``TemplateError``: write ``@adjoint`` and ``@tangent`` instead.  The
derived rules are built the first time they are parsed, like tangentlike's written ones.
"""
from __future__ import annotations

import copy
import dataclasses
import inspect
import sys
import types
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.errors import TemplateError
from tangentlike.rules import primitive as records
from tangentlike.rules.registry import declare, describe, family_facts, is_library
from tangentlike.rules.rule import ParsedTemplate, Rule, make_rule
from tangentlike.runtime import broadcast_like, unbroadcast


class DerivedRule(Rule):
    """A rule built from another rule's tree: a tangent from an adjoint, or a twin's rule."""

    def __init__(self, primitive: Any, kind: str, source: Rule,
                 derive: Callable[[DerivedRule, gast.FunctionDef], gast.FunctionDef],
                 extra_globals: dict[str, Any] | None = None):
        super().__init__(primitive, kind, source.function)
        self.source = source
        self._derive = derive
        self._globals = {**source.globals, **(extra_globals or {})}

    @property
    def globals(self) -> dict[str, Any]:
        return self._globals

    def _build(self) -> ParsedTemplate:
        parsed = self.source.parse()
        node = self._derive(self, copy.deepcopy(parsed.node))
        return parsed._replace(node=node)

    def fail(self, message: str, node: gast.AST | None = None) -> TemplateError:
        line = getattr(node, "lineno", None)
        location = self.source.location
        if line is not None:
            location = dataclasses.replace(location, lineno=line)
        return TemplateError(
            f"cannot derive the {self.kind} rule of {describe(self.primitive)} from the "
            f"@elementwise template {self.function.__name__!r}: {message}", location,
            hint="write its rules with @adjoint and @tangent instead")

    def __repr__(self) -> str:
        return (f"<{self.kind} rule derived from {self.function.__name__} for "
                f"{describe(self.primitive)}>")


def _is_derivative(node: gast.AST, name: str | None = None) -> bool:
    return (isinstance(node, gast.Subscript) and syntax.is_name(node.value, "d")
            and isinstance(node.slice, gast.Name) and (name is None or node.slice.id == name))


def _resolves(node: gast.expr, globals_: dict[str, Any], obj: Any) -> bool:
    """Whether ``node`` (a name or ``module.name``) names ``obj`` in the template's globals."""
    if isinstance(node, gast.Name):
        return globals_.get(node.id) is obj
    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name):
        return getattr(globals_.get(node.value.id), node.attr, None) is obj
    return False


def _is_zero(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and not isinstance(node.value, bool) \
        and node.value == 0


def _linear(expr: gast.expr, target: gast.expr, globals_: dict[str, Any]) -> bool:
    """Whether ``expr`` is linear in ``target`` (which occurs in it once)."""
    if expr is target:
        return True

    def holds(part: gast.expr) -> bool:
        return any(n is target for n in gast.walk(part))

    if isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.Mult):
        return _linear(expr.left if holds(expr.left) else expr.right, target, globals_)
    if isinstance(expr, gast.BinOp) and isinstance(expr.op, gast.Div):
        return holds(expr.left) and _linear(expr.left, target, globals_)
    if isinstance(expr, gast.UnaryOp) and isinstance(expr.op, (gast.USub, gast.UAdd)):
        return _linear(expr.operand, target, globals_)
    if isinstance(expr, gast.Call) and not expr.keywords:
        func = expr.func
        if isinstance(func, gast.Attribute) and func.attr == "conjugate" and not expr.args:
            return _linear(func.value, target, globals_)
        if _resolves(func, globals_, np.conjugate) and len(expr.args) == 1:
            return _linear(expr.args[0], target, globals_)
        if _resolves(func, globals_, np.where) and len(expr.args) == 3:
            _, a, b = expr.args
            if holds(a) and _is_zero(b):
                return _linear(a, target, globals_)
            if holds(b) and _is_zero(a):
                return _linear(b, target, globals_)
    return False


def _is_local(stmt: gast.stmt) -> bool:
    """Whether ``stmt`` is ``name = E`` reading no derivative: kept as it is."""
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name)
            and not any(_is_derivative(n) for n in gast.walk(stmt.value)))


def _tangent_tree(rule: DerivedRule, node: gast.FunctionDef) -> gast.FunctionDef:
    """The tangent of an adjoint tree (see the module's docstring)."""
    parsed = rule.source.parse()
    result = parsed.result
    for stmt in node.body:
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant):
            continue  # the docstring
        if _is_local(stmt):
            continue  # a primal quantity both rules use (z = (x - loc) / scale)
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and _is_derivative(stmt.targets[0]) and stmt.targets[0].slice.id != result):
            raise rule.fail("each statement must be d[x] = ... for an argument x", stmt)
        target = stmt.targets[0]
        argument = target.slice.id
        value, broadcast = stmt.value, False
        if (isinstance(value, gast.Call) and _resolves(value.func, rule.globals, unbroadcast)
                and len(value.args) == 2 and not value.keywords
                and syntax.is_name(value.args[1], argument)):
            value, broadcast = value.args[0], True
        found = [n for n in gast.walk(value) if _is_derivative(n)]
        if len(found) != 1 or found[0].slice.id != result:
            raise rule.fail(f"d[{argument}] must read d[{result}] once, and no other "
                            "derivative", stmt)
        if not _linear(value, found[0], rule.globals):
            raise rule.fail(f"d[{result}] is not in a linear place", stmt)
        found[0].slice.id = argument
        target.slice.id = result
        if broadcast:
            stmt.value = syntax.call(syntax.load("broadcast_like"),
                                     [value, syntax.load(result)])
    node.name = f"{node.name}_tangent"
    return node


def _twin_in(function: Any, module: types.ModuleType) -> Any:
    """``function``'s declared twin in ``module``, or None."""
    record = records.PRIMITIVES.get(records._key(function))
    for twin in record.twins if record is not None else ():
        if getattr(module, getattr(twin, "__name__", ""), None) is twin:
            return twin
    return None


def _twin_tree(rule: DerivedRule, node: gast.FunctionDef) -> gast.FunctionDef:
    """The source's tree with each function of another module (``np.g``) re-spelled as its
    twin in the module of ``rule.primitive`` (``math.g``)."""
    module = sys.modules[rule.primitive.__module__]

    class Respell(gast.NodeTransformer):
        def visit_Attribute(self, attr: gast.Attribute) -> gast.expr:
            owner = rule.globals.get(attr.value.id) \
                if isinstance(attr.value, gast.Name) else None
            function = getattr(owner, attr.attr, None)
            if (not isinstance(owner, types.ModuleType) or owner is module
                    or not callable(function)):
                return self.generic_visit(attr)
            twin = _twin_in(function, module)
            if twin is None:
                raise rule.fail(f"{describe(function)} has no twin in {module.__name__} "
                                f"(declare it with @elementwise)", attr)
            return gast.Attribute(value=syntax.load(module.__name__), attr=twin.__name__,
                                  ctx=gast.Load())

    return Respell().visit(node)


def elementwise(function: Any, *twins: Any, **facts: Any) -> Callable[[Callable], Callable]:
    """Register the decorated template as the adjoint of the elementwise ``function`` and
    derive its tangent, and the adjoints and tangents of its ``twins`` (``math.sin`` for
    ``np.sin``), from it.  ``facts`` are declared for all of them."""

    def register(template: Callable) -> Callable:
        if not inspect.isfunction(template):
            raise TemplateError(f"@elementwise({describe(function)}) decorates a template "
                                "function")
        library = is_library(template.__globals__)
        stated = {**facts, "elementwise": True}
        adjoint = make_rule(function, "adjoint", template)
        family = template.__globals__
        derived = [_derived(function, adjoint, twins, library,
                            {**family_facts(family, library, function), **stated})]
        for twin in twins:
            twin_adjoint = DerivedRule(twin, "adjoint", adjoint, _twin_tree,
                                       {twin.__module__: sys.modules[twin.__module__]})
            derived += [twin_adjoint, _derived(twin, twin_adjoint, (function,), library,
                                               {**family_facts(family, library, twin),
                                                **stated})]
        if not library:  # the user's: checked now, as @adjoint checks theirs
            for rule in derived:
                rule.parse()
        return template

    return register


def _derived(function: Any, adjoint: Rule, twins: tuple[Any, ...], library: bool,
             facts: dict[str, Any]) -> Rule:
    """Declare ``function``'s adjoint and its derived tangent; return the tangent."""
    tangent = DerivedRule(function, "tangent", adjoint, _tangent_tree,
                          {"broadcast_like": broadcast_like})
    declare(function, library=library, adjoint=adjoint, tangent=tangent, twins=twins,
            **facts)
    return tangent
