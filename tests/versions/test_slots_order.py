"""``observe.slots``, now walked with each node's class looked up once, lists the same
places in the same order as the walk it replaced (``syntax.walk`` and an ``isinstance``
test per class, written out here as the reference), for generated derivatives (``gast``)
and their parsed source (``ast``): the k-th place of the instrumented copy must stay the
k-th of every clone."""
from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import gast
import pytest
from walk_samples import mlp, rnn

import tangentlike
from tangentlike.core import syntax
from tangentlike.versions import observe


def _reference(fn: Any, kind: Any) -> list[tuple[Any, str, int | None]]:
    found = []
    for node in syntax.walk(fn):
        if isinstance(node, kind.Call):
            found += [(node, "args", i) for i in range(len(node.args))]
            found += [(k, "value", None) for k in node.keywords]
        elif isinstance(node, kind.Subscript):
            found.append((node, "slice", None))
        elif isinstance(node, kind.BinOp):
            found += [(node, "left", None), (node, "right", None)]
        elif isinstance(node, kind.Assign):
            found.append((node, "value", None))
    return found


@pytest.mark.parametrize("make", [lambda: tangentlike.grad(mlp), lambda: tangentlike.grad(rnn),
                                  lambda: tangentlike.autodiff(rnn, mode="forward")],
                         ids=["mlp", "rnn", "rnn-forward"])
def test_places_in_the_walks_order(make: Callable) -> None:
    tangentlike.clear_cache()
    df = make()
    tree = df.specializer.tree
    places = observe.slots(tree)
    assert places == _reference(tree, gast)
    assert len(places) > 20
    parsed = next(d for d in ast.parse(df.source).body if isinstance(d, ast.FunctionDef))
    assert observe._slots(parsed, ast) == _reference(parsed, ast)
