"""The rules of ``ufunc.outer``, derived from the ufunc's own.

``np.f.outer(A, B)`` is ``np.f(a, B)`` with ``a = np.reshape(A, outer_shape(A, B))`` (``A``'s
axes, then one axis of size 1 per axis of ``B``), so its rules are the ufunc's, on those
broadcast operands::

    def add_outer(z, A, B):               # from  def add(z, x, y):
        x = np.reshape(A, outer_shape(A, B))
        d[A] = np.reshape(unbroadcast(d[z], x), np.shape(A))    # d[x] = unbroadcast(d[z], x)
        d[B] = unbroadcast(d[z], B)                             # d[y] = unbroadcast(d[z], y)

and in the tangent, ``d[x]`` reads ``np.reshape(d[A], np.shape(x))``.  The trees are built
the first time they are parsed, like the ufunc's.
"""
from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.errors import TemplateError
from tangentlike.rules.primitive import declare
from tangentlike.rules.registry import declared, describe
from tangentlike.rules.rule import ParsedTemplate, Rule
from tangentlike.runtime.ufunc_methods import outer_shape

_LEFT, _RIGHT = "A", "B"  # the outer rule's parameters


class OuterRule(Rule):
    """The adjoint or tangent of ``ufunc.outer``, built from the ufunc's rule ``source``."""

    def __init__(self, primitive: Any, kind: str, base: Any, stand_in: Callable):
        super().__init__(primitive, kind, stand_in)
        self.base = base

    @property
    def source(self) -> Rule:
        """The ufunc's rule of the same kind (looked up when first needed: the templates of
        the operators may be registered after these)."""
        record = declared(self.base)
        rule = None if record is None else getattr(record, self.kind)
        if rule is None:
            raise TemplateError(f"the {self.kind} rule of {describe(self.primitive)} is "
                                f"derived from {describe(self.base)}'s, which has none")
        return rule

    @property
    def globals(self) -> dict[str, Any]:
        return {**self.source.globals, "np": np, "outer_shape": outer_shape}

    def _build(self) -> ParsedTemplate:
        parsed = self.source.parse()
        params = list(parsed.signature.parameters)
        if len(params) < 2 or {_LEFT, _RIGHT} & ({parsed.result, *params} | parsed.locals):
            raise TemplateError(f"cannot derive the {self.kind} rule of "
                                f"{describe(self.primitive)} from {self.source!r}",
                                parsed.location)
        left, right = params[:2]
        node = _Rewrite(left, right, self.kind).visit(copy.deepcopy(parsed.node))
        node.name = f"{node.name}_outer"
        node.args.args = [syntax.store(parsed.result), gast.Name(_LEFT, gast.Param(), None, None),
                          gast.Name(_RIGHT, gast.Param(), None, None)]
        node.args.defaults = []
        node.args.kwonlyargs = [gast.Name("dtype", gast.Param(), None, None)]
        node.args.kw_defaults = [syntax.const(None)]
        reshape = syntax.assign(left, syntax.call(
            gast.Attribute(syntax.load("np"), "reshape", gast.Load()),
            [syntax.load(_LEFT), syntax.call("outer_shape", [syntax.load(_LEFT),
                                                             syntax.load(_RIGHT)])]))
        gast.copy_location(reshape, node.body[0])
        gast.fix_missing_locations(reshape)
        node.body = [reshape] + [s for s in node.body if not _docstring(s)]
        signature = inspect.Signature([  # dtype= only sets the result's precision
            inspect.Parameter(_LEFT, inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter(_RIGHT, inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("dtype", inspect.Parameter.KEYWORD_ONLY, default=None)])
        return parsed._replace(node=node, signature=signature,
                               locals=parsed.locals | {left})


def _docstring(stmt: gast.stmt) -> bool:
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant)


def _is_d(node: gast.AST, name: str) -> bool:
    return (isinstance(node, gast.Subscript) and syntax.is_name(node.value, "d")
            and syntax.is_name(node.slice, name))


def _np(attr: str, args: list[gast.expr]) -> gast.Call:
    return syntax.call(gast.Attribute(syntax.load("np"), attr, gast.Load()), args)


class _Rewrite(gast.NodeTransformer):
    """The ufunc's tree on the outer rule's operands: its second parameter is ``B``; its
    first, a local (``A`` reshaped), whose derivative is ``A``'s reshaped."""

    def __init__(self, left: str, right: str, kind: str):
        self.left, self.right, self.kind = left, right, kind

    def visit_Assign(self, node: gast.Assign) -> gast.stmt:
        if len(node.targets) == 1 and _is_d(node.targets[0], self.left):
            node.value = self.visit(node.value)
            node.targets[0].slice = syntax.load(_LEFT)
            node.value = _np("reshape", [node.value, _np("shape", [syntax.load(_LEFT)])])
            gast.copy_location(node.value, node)
            gast.fix_missing_locations(node)
            return node
        return self.generic_visit(node)

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        if _is_d(node, self.left) and isinstance(node.ctx, gast.Load):
            node.slice = syntax.load(_LEFT)
            new = _np("reshape", [node, _np("shape", [syntax.load(self.left)])])
            gast.copy_location(new, node)
            return gast.fix_missing_locations(new)
        return self.generic_visit(node)

    def visit_Name(self, node: gast.Name) -> gast.Name:
        if node.id == self.right:
            node.id = _RIGHT
        return node


def derive_outer(ufunc: np.ufunc, base: Any, stand_in: Callable, **facts: Any) -> None:
    """Declare the adjoint and tangent of ``ufunc.outer``, built from ``base``'s rules
    (``base`` is ``ufunc`` itself, or the operator it is: ``operator.add`` for ``np.add``).
    ``stand_in``, a function of the template file that declares them, is the rules'
    ``function``: where they are declared, for the coverage table and the census."""
    method = ufunc.outer
    declare(method, library=True, adjoint=OuterRule(method, "adjoint", base, stand_in),
            tangent=OuterRule(method, "tangent", base, stand_in), **facts)
