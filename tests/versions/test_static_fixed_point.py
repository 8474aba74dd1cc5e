"""``Static``'s fixed point, which no longer looks again at a binding none of whose names is
left among the static ones, gives the names the loop it replaced gave (every binding looked
at in every round; written out here as the reference), for generated derivatives with loops
over ranges of shapes, over values and a static integer parameter."""
from __future__ import annotations

from collections.abc import Callable

import gast
import numpy as np
import pytest
from walk_samples import mlp, rnn

import tangentlike
from tangentlike.core import syntax
from tangentlike.versions.static import Static


def _reference(static: Static) -> set[str]:
    names = (static.stored - static.params) | static.static_params
    static._names = names
    bindings = [node for node in syntax.walk(static.fn) if isinstance(
        node, (gast.Assign, gast.AugAssign, gast.For, gast.With, gast.AnnAssign))]
    while True:
        before = set(names)
        for node in bindings:
            if isinstance(node, (gast.Assign, gast.AugAssign)):
                targets = node.targets if isinstance(node, gast.Assign) else [node.target]
                if not static.of(node.value):
                    for target in targets:
                        names -= syntax.stored_names(target)
            elif isinstance(node, gast.For):
                if not static.counts(node.iter):
                    names -= syntax.stored_names(static._valued(node))
            elif isinstance(node, (gast.With, gast.AnnAssign)):
                names -= syntax.stored_names(node)
        if names == before:
            return names


def counted(x, n):
    total = 0.0
    k = n * 2
    for i in range(k):
        total = total + np.sum(x[i % x.shape[0]]) * i
    return total


def by_value(x):
    total = 0.0
    steps = int(np.sum(x > 0)) + 1
    for i in range(steps):
        total = total + np.sin(x[0]) * i
    return total


@pytest.mark.parametrize("make", [
    lambda: tangentlike.grad(mlp), lambda: tangentlike.grad(rnn),
    lambda: tangentlike.autodiff(rnn, mode="forward"), lambda: tangentlike.grad(counted),
    lambda: tangentlike.grad(by_value), lambda: tangentlike.autodiff(counted, mode="forward")],
    ids=["mlp", "rnn", "rnn-forward", "counted", "by-value", "counted-forward"])
def test_fixed_point_as_before(make: Callable) -> None:
    tangentlike.clear_cache()
    df = make()
    tree = df.specializer.tree
    scope = df.specializer.scope
    params = {a.id for a in tree.args.args}
    for static_params in (set(), {p for p in params if p == "n"}):
        fast = Static(tree, static_params, scope).names
        assert fast == _reference(Static(tree, static_params, scope))
    assert len(Static(tree, set(), scope).stored) > 5
