"""The instrumented copy of a derivative made from its generated source (versions/observe.py).

The second call of a derivative runs a copy that records every value's type, shape and
dtype; it is made by parsing the generic module's source again and wrapping its places in
place (``instrumented_parsed``), not by copying and printing the tree.  Checked: the copy
records exactly what the copy made from the tree records, place for place, and a source
that does not match the tree gives None (the tree's copy is used then).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

import tangentlike
from tangentlike.backend import emit
from tangentlike.versions import observe


def mlp(W, b, X):
    h = np.tanh(X @ W + b)
    return np.sum(h[:, 0] ** 2) - np.sum(np.dot(h, h.T)) * 0.5


def loop(W, x):
    total = 0.0
    for i in range(3):
        x = np.sin(x @ W) * -1.5
        total = total + np.sum(x[1:] * x[:-1])
    return total


def _observations(df: Callable, args: tuple, parsed: bool) -> tuple[dict, object]:
    versions = df.specializer
    source, path = versions.general.source, versions.general.path
    observer = observe.Observer(versions.tree, versions.scope,
                                source if parsed else "", path if parsed else None)
    seen, result = observer.run(observer.function(), args, {})
    return seen, result


def test_parsed_copy_records_what_the_tree_copy_records() -> None:
    rng = np.random.default_rng(0)
    cases = [(mlp, (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(5, 3)))),
             (loop, (rng.normal(size=(4, 4)) * 0.3, rng.normal(size=(2, 4))))]
    for f, args in cases:
        df = tangentlike.grad(f, wrt=(0,))
        tree = df.specializer.tree
        source = df.specializer.general.source
        assert observe.instrumented_parsed(tree, source) is not None, f.__name__
        from_source, value = _observations(df, args, parsed=True)
        from_tree, expected = _observations(df, args, parsed=False)
        assert from_source == from_tree and len(from_source) > 5
        np.testing.assert_array_equal(value, expected)
        np.testing.assert_array_equal(value, df(*args))


def test_a_source_that_does_not_match_gives_none() -> None:
    df = tangentlike.grad(mlp, wrt=(0,))
    tree = df.specializer.tree
    other = tangentlike.grad(loop, wrt=(0,)).specializer.general.source
    assert observe.instrumented_parsed(tree, other.replace("dloop", tree.name)) is None
    changed = emit.to_source(tree).replace("np.tanh", "np.sinh", 1)
    assert observe.instrumented_parsed(tree, changed) is None
    assert observe.instrumented_parsed(tree, "def (") is None
