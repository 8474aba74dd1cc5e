"""``versions.rewriter.Rewriter``, the traversal of the versions' rewrites, visits the nodes
that ``syntax.Transformer`` visits (names and constants aside) in the same order and leaves
the same tree, for a visitor that replaces calls, products and subscripts, on generated
derivatives (a loop, a branch, forward mode) and on the versions written from them."""
from __future__ import annotations

from collections.abc import Callable

import gast
import numpy as np
import pytest
from walk_samples import mlp, rnn

import tangentlike
from tangentlike.core import syntax
from tangentlike.versions.rewriter import Rewriter


def _visitor(base: type) -> type:
    """A rewrite on ``base``: each call, product and subscript is logged when visited (before
    and after its children); sums become ``.sum()``, products by 2.0 additions, and each
    constant index of a subscript the index plus 0."""

    class Logged(base):
        def __init__(self) -> None:
            self.log: list[str] = []

        def visit_Call(self, node: gast.Call) -> gast.expr:
            self.log.append("call " + syntax.dump(node))
            self.generic_visit(node)
            if syntax.dotted_name(node.func) == "np.sum" and len(node.args) == 1:
                return syntax.call(gast.Attribute(value=node.args[0], attr="sum",
                                                  ctx=gast.Load()), [], node.keywords)
            return node

        def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
            self.log.append("binop " + syntax.dump(node))
            self.generic_visit(node)
            self.log.append("after " + syntax.dump(node))
            if isinstance(node.op, gast.Mult) and isinstance(node.right, gast.Constant) \
                    and node.right.value == 2.0:
                return gast.BinOp(left=node.left, op=gast.Add(), right=node.left)
            return node

        def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
            self.generic_visit(node)
            self.log.append("subscript " + syntax.dump(node))
            if isinstance(node.slice, gast.Constant) and type(node.slice.value) is int:
                node.slice = gast.BinOp(left=node.slice, op=gast.Add(),
                                        right=syntax.const(0))
            return node

    return Logged


def _derivatives() -> list[tuple[str, Callable, tuple]]:
    rng = np.random.RandomState(0)
    mlp_args = (rng.randn(4, 5), rng.randn(5), rng.randn(5, 3), rng.randn(6, 4),
                np.eye(3)[[0, 1, 2, 0, 1, 2]])
    rnn_args = (rng.randn(3, 4), rng.randn(4, 4), rng.randn(5, 2, 3), rng.randn(2, 2))
    return [("mlp", tangentlike.grad(mlp), mlp_args), ("rnn", tangentlike.grad(rnn), rnn_args),
            ("rnn-forward", tangentlike.autodiff(rnn, mode="forward"),
             (*rnn_args, np.ones_like(rnn_args[0])))]


@pytest.mark.parametrize("which", range(3), ids=["mlp", "rnn", "rnn-forward"])
def test_same_visits_and_tree_as_the_transformer(which: int) -> None:
    tangentlike.clear_cache()
    _, df, args = _derivatives()[which]
    trees = [df.specializer.tree]
    df(*args)
    df(*args)  # the second call writes the version (where one is written)
    trees += [syntax.parse(v.source).body[0] for v in df.specializer.written.values()]
    changed = 0
    for tree in trees:
        results = []
        for base in (syntax.Transformer, Rewriter):
            fn = syntax.clone(tree)
            visitor = _visitor(base)()
            fn.body = [visitor.visit(s) for s in fn.body]
            results.append((visitor.log, syntax.dump(fn)))
        assert results[0][0], "the visitor saw nothing"
        assert results[1] == results[0]
        changed += results[0][1] != syntax.dump(tree)
    assert changed  # the rewrite changed something


def test_no_rewrite_visits_what_the_traversal_skips() -> None:
    """The traversal does not visit names, constants, nor attributes of names: no rewrite
    of ``versions/`` may have a visitor for one of them."""
    import importlib
    import pkgutil

    import tangentlike.versions as package

    rewrites = []
    for module in pkgutil.iter_modules(package.__path__):
        loaded = importlib.import_module(f"{package.__name__}.{module.name}")
        rewrites += [v for v in vars(loaded).values() if isinstance(v, type)
                     and issubclass(v, Rewriter) and v is not Rewriter]
    assert len(rewrites) >= 5  # _Rewrite, _Methods, Contractions, _Softmax, _Sums
    for rewrite in rewrites:
        for skipped in ("Name", "Constant", "Attribute"):  # (ast's visit_Constant aside)
            method = "visit_" + skipped
            assert getattr(rewrite, method, None) is getattr(Rewriter, method, None), (
                rewrite, skipped)
