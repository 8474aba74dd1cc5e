"""``syntax.parents`` against the map ``gast.walk`` and ``gast.iter_child_nodes`` give (the
rewrites of ``versions/`` used that map): the same parent for every node but the contexts and
operators, which ``syntax.parents`` leaves out."""
from __future__ import annotations

import inspect

import gast
import numpy as np
import pytest

import tangentlike
from tangentlike.core import syntax


def _reference(root: gast.AST) -> dict[int, gast.AST]:
    return {id(child): node for node in gast.walk(root)
            for child in gast.iter_child_nodes(node)}


def _bare(node: gast.AST) -> bool:
    return isinstance(node, (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop,
                             gast.boolop))


def _loop(x, n, flags):
    total = 0.0
    for k, (a, b) in enumerate(zip(x[1:], x[:-1])):
        if not (a < b <= 2 * a) and flags[k]:
            total += -a * b if k % 2 else np.sum(x[k:n, ..., ::2])
        else:
            total = total - (lambda v: v ** 2)(a)
    return {"total": total, "last": [x[-1], *x[:1]]}


def _rnn(W, h, xs):
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ W + h)
    return np.sum(h ** 2)


SOURCES = [inspect.getsource(_loop), inspect.getsource(_rnn)]


def _check(tree: gast.AST) -> None:
    nodes = [n for n in gast.walk(tree) if n is not tree]
    bare = {id(n) for n in nodes if _bare(n)}
    found = syntax.parents(tree)
    assert found == {k: v for k, v in _reference(tree).items() if k not in bare}
    assert {id(n) for n in nodes} - bare == set(found)


@pytest.mark.parametrize("source", SOURCES, ids=["loop", "rnn"])
def test_parents_is_the_walk_map_without_contexts_and_operators(source: str) -> None:
    _check(syntax.parse(source))


def test_parents_of_a_generated_derivative() -> None:
    _check(syntax.parse(tangentlike.grad(_rnn, wrt=(0, 1)).source))
