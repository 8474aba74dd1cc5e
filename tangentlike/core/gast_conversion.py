"""Python's ``ast`` trees to ``gast`` trees, as ``gast.ast_to_gast`` converts them, faster:
every parse of tangentlike goes through it (``syntax.parse``)."""
from __future__ import annotations

import ast

import gast
from gast.ast3 import Ast3ToGAst


class _ToGast(Ast3ToGAst):
    """``gast.ast_to_gast``, the same tree (fields, positions, the order of each node's
    ``__dict__``), without a method lookup, a keyword constructor and a dict of fields per
    node: a node gast converts generically has its fields and positions copied directly;
    the few it converts specially (``arg``, ``FunctionDef``, ``ExceptHandler``...) go to its
    methods, ``Name`` (most nodes) written out as gast's method makes it."""

    def visit(self, node: ast.AST) -> gast.AST | None:
        cls = node.__class__
        if cls is ast.Name:
            return self._name(node)
        plan = _PLANS.get(cls)
        if plan is None:
            special = vars(Ast3ToGAst).get("visit_" + cls.__name__)  # (not NodeVisitor's)
            target = getattr(gast, cls.__name__, None)
            plan = _PLANS[cls] = (special, target, cls._fields, cls._attributes)
        special, target, fields, attributes = plan
        if special is not None:
            return special(self, node)
        if target is None:
            return None  # (gast's generic_visit: a node that is not part of the AST)
        new = _new_node(target)
        values = new.__dict__
        for name in fields:
            try:
                value = getattr(node, name)
            except AttributeError:
                continue
            if value.__class__ is list:
                value = [self._visit(item) for item in value]
            elif isinstance(value, ast.AST):
                value = self.visit(value)
            values[name] = value
        for name in attributes:
            try:
                values[name] = getattr(node, name)
            except AttributeError:
                pass
        return new

    def _name(self, node: ast.Name) -> gast.Name:
        """``Ast3ToGAst.visit_Name``: the fields, then ``ast.copy_location``."""
        new = _new_node(gast.Name)
        values = new.__dict__
        values["id"] = node.id
        values["ctx"] = _new_node(_CONTEXTS[node.ctx.__class__])
        values["annotation"] = None
        values["type_comment"] = None
        for name in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            value = getattr(node, name, None)
            if value is not None or hasattr(node, name) and name.startswith("end_"):
                values[name] = value
        return new


_new_node = gast.AST.__new__
_PLANS: dict[type, tuple] = {}  # ast class -> (gast's method, gast class, fields, positions)
_CONTEXTS = {ast.Load: gast.Load, ast.Store: gast.Store, ast.Del: gast.Del}


def to_gast(tree: ast.AST) -> gast.AST:
    """``gast.ast_to_gast(tree)``: the same tree, converted faster."""
    return _ToGast().visit(tree)
