"""``observe.slots``, now walked with each node's class looked up once, lists the same
places in the same order as the walk it replaced (``syntax.walk`` and an ``isinstance``
test per class, written out here as the reference), for generated derivatives (``gast``)
and their parsed source (``ast``): the k-th place of the instrumented copy must stay the
k-th of every clone.  The calls, tests and loops it notes on the way (``checked``) are
the nodes of those classes in the walk's order, and ``static.shape_follows`` given them
answers as it does walking the function itself."""
from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import gast
import pytest
from walk_samples import mlp, rnn

import tangentlike
from tangentlike.core import syntax
from tangentlike.versions import observe, static


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
    checked: list[gast.AST] = []
    assert observe.slots(tree, checked) == places
    assert checked == [n for n in syntax.walk(tree)
                       if isinstance(n, (gast.Call, gast.If, gast.While, gast.For))]
    values = observe.slot_values(places)  # read in one pass: the same nodes
    assert len(values) == len(places)
    assert all(v is observe.slot_value(p) for v, p in zip(values, places))


def _shape_answers(tree: gast.FunctionDef, seen: dict, scope: dict) -> tuple:
    """``shape_follows`` walking ``tree``, and given the nodes ``slots`` noted."""
    checked: list[gast.AST] = []
    places = observe.slots(tree, checked)
    walked = static.shape_follows(tree, static.Static(tree, set(), scope), seen, places)
    given = static.shape_follows(tree, static.Static(tree, set(), scope), seen, places,
                                 checked)
    return walked, given


def test_shape_follows_answers_alike_from_the_noted_nodes() -> None:
    """A loop over ``range(n)``, a test on a value (which decides no shape in advance), a
    straight-line MLP: the same answer either way."""
    def loop(x, n):
        for _ in range(n):
            x = x * 2.0
        return x.sum()

    def branch(x):
        if x.sum() > 0:
            return (x * x).sum()
        return x.sum()

    for fn in (loop, branch, mlp):
        tangentlike.clear_cache()
        df = tangentlike.grad(fn)
        tree = df.specializer.tree
        scope = df.specializer.scope
        walked, given = _shape_answers(tree, {}, scope)
        assert walked == given
        if fn is branch:
            assert walked is not None and "test depends on values" in walked
