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
import numpy as np
import pytest

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


def mlp(W1, b1, W2, X, Y):
    h = np.tanh(X @ W1 + b1)
    z = h @ W2
    z = z - np.max(z, axis=1, keepdims=True)
    p = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return -np.mean(np.sum(Y * np.log(p), axis=1))


def rnn(Wx, Wh, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    if np.sum(h) > 0:
        h = h[:, 1:] * 2.0
    return 0.5 * np.sum((h[:, :2] - target) ** 2)


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
