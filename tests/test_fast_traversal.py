"""The fast tree traversals (``syntax.walk``, ``syntax.Transformer``, ``FoldConstants``'s
visit) give exactly what the standard library's ``ast.walk`` and ``ast.NodeTransformer``
give: the second call's version and every generated module depend on it byte for byte."""
from __future__ import annotations

import ast
import inspect

import gast
import golden_functions
import pytest
import shape_functions

from tangentlike.core import syntax
from tangentlike.core.fold import FoldConstants

BARE = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _trees() -> list[gast.AST]:
    """Parsed functions of the test corpora, with every construct they use."""
    trees = []
    for module in (golden_functions, shape_functions):
        for _, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__:
                trees.append(syntax.parse(inspect.getsource(fn)))
    return trees


TREES = _trees()


def test_corpus_is_not_empty() -> None:
    assert len(TREES) > 20


@pytest.mark.parametrize("kind", ["gast", "ast"])
def test_walk_is_ast_walk_without_contexts_and_operators(kind: str) -> None:
    for tree in TREES:
        tree = gast.gast_to_ast(syntax.clone(tree)) if kind == "ast" else tree
        expected = [n for n in ast.walk(tree) if not isinstance(n, BARE)]
        assert list(syntax.walk(tree)) == expected


class _Standard(ast.NodeTransformer):
    """A transformer that renames, deletes, splices a list in, and counts what it saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def visit_Name(self, node):
        self.seen.append(node.id)
        if node.id == "x":
            return gast.Name(id="x_renamed", ctx=node.ctx, annotation=None, type_comment=None)
        return node

    def visit_Expr(self, node):  # a docstring or a bare call: spliced as two statements
        self.generic_visit(node)
        return [node, gast.Pass()]

    def visit_Pass(self, node):
        return None  # deleted

    def visit_Constant(self, node):
        self.seen.append(repr(node.value))
        return node


class _Fast(syntax.Transformer, _Standard):
    pass


class _WithContexts(ast.NodeTransformer):
    """Visits contexts and operators: the fast transformer must not skip them then."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def visit_Load(self, node):
        self.seen.append("load")
        return node

    def visit_Add(self, node):
        self.seen.append("add")
        return gast.Sub()


class _FastWithContexts(syntax.Transformer, _WithContexts):
    pass


@pytest.mark.parametrize("standard, fast", [(_Standard, _Fast),
                                            (_WithContexts, _FastWithContexts)])
def test_transformer_is_node_transformer(standard, fast) -> None:
    for tree in TREES:
        a, b = syntax.clone(tree), syntax.clone(tree)
        one, other = standard(), fast()
        one.visit(a)
        other.visit(b)
        assert gast.dump(a) == gast.dump(b)
        assert one.seen == other.seen


def test_transformer_methods_are_per_class() -> None:
    """The method found for a node class is kept per transformer class: two transformers
    with different methods for ``Name`` each run their own."""

    class Upper(syntax.Transformer):
        def visit_Name(self, node):
            return gast.Name(id=node.id.upper(), ctx=node.ctx, annotation=None,
                             type_comment=None)

    class Suffix(syntax.Transformer):
        def visit_Name(self, node):
            return gast.Name(id=node.id + "_s", ctx=node.ctx, annotation=None,
                             type_comment=None)

    expr = syntax.parse_expr("a + b * c")
    assert ast.unparse(gast.gast_to_ast(Upper().visit(syntax.clone(expr)))) == "A + B * C"
    assert ast.unparse(gast.gast_to_ast(Suffix().visit(syntax.clone(expr)))) == \
        "a_s + b_s * c_s"
    assert ast.unparse(gast.gast_to_ast(syntax.Transformer().visit(syntax.clone(expr)))) == \
        "a + b * c"


class _StandardFold(FoldConstants, ast.NodeTransformer):
    """FoldConstants with the standard library's traversal."""

    def visit(self, node):
        new = ast.NodeTransformer.visit(self, node)
        self.changed |= new is not node
        return new

    def generic_visit(self, node):
        return ast.NodeTransformer.generic_visit(self, node)


@pytest.mark.parametrize("algebra", [True, False])
def test_folding_is_the_standard_traversal(algebra: bool) -> None:
    sources = ["y = 2 - 1 + x * 1 + 0", "y = -(-x) ** 1 + (3 * 2) * z",
               "y = [1 + 1, (2 * 3, x + 0)][0] if 1 < 2 else f(x * 1, k=2 ** 2)",
               "y = x[1 + 1:2 * 3] - -y", "return None is None, (1 + 2) * x"]
    for source in sources + [ast.unparse(gast.gast_to_ast(t)) for t in TREES]:
        a = syntax.parse(source) if not source.startswith("return") else syntax.parse(
            f"def f(x):\n    {source}")
        b = syntax.clone(a)
        one, other = _StandardFold(algebra), FoldConstants(algebra)
        one.visit(a)
        other.visit(b)
        assert gast.dump(a) == gast.dump(b)
        assert one.changed == other.changed
