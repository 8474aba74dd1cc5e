"""``free_data.tree_names``: the one walk ``Versions.__init__`` makes of a derivative gives
what the walks it replaced gave (``syntax.loaded_names``, ``syntax.stored_names``,
``syntax.dotted_name`` of each ``Attribute`` of ``syntax.walk``, a search for ``gast.Try``),
and the data readers built from it read the same values, in the same order, as the readers
the earlier code built (written out here as the reference)."""
from __future__ import annotations

import builtins
import types
from collections.abc import Callable
from typing import Any

import gast
import numpy as np
import pytest

import tangentlike
from tangentlike.core import syntax
from tangentlike.versions import free_data

config = types.ModuleType("config")  # a module of the user's holding data, and one inside
config.W = np.linspace(0.5, 1.5, 3)
config.inner = types.ModuleType("inner")
config.inner.scale = 0.25
G = np.array([0.3, -0.2, 0.9])
K = 2.0


def globals_loss(x):
    y = np.tanh(x * config.W) * G + config.inner.scale * np.pi
    return np.sum(y ** 2) * K


def tuple_loss(x):
    a, b = x[0], x[1:]
    for k in range(2):
        a = a * np.cos(b[k]) + config.W[k]
    return a * np.e


def try_loss(x):
    try:
        y = np.sin(x)
    except ValueError:
        y = x
    return np.sum(y * G)


def closure_loss() -> Callable:
    H = np.array([1.0, 2.0, 3.0])

    def loss(x):
        return np.sum(np.exp(x) * H) + np.sum(x.T * config.W)
    return loss


def _reference_readers(tree: gast.FunctionDef, scope: Any) -> tuple:
    """The readers as ``data_readers`` built them before ``tree_names``: three walks."""
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    local = syntax.stored_names(tree) | params
    for extra in (tree.args.vararg, tree.args.kwarg):
        if extra is not None:
            local.add(extra.id)
    readers = []
    for name in sorted(syntax.loaded_names(tree) - local):
        if name in scope:
            continue
        if name in scope.cells:
            reader = free_data._cell_reader(scope.cells[name])
        elif name in scope.live or not hasattr(builtins, name):
            reader = free_data._global_reader(scope.live, name)
        else:
            continue
        value = reader()
        if isinstance(value, types.ModuleType) or callable(value):
            continue
        readers.append(reader)
    paths = set()
    for node in syntax.walk(tree):
        dotted = syntax.dotted_name(node) if isinstance(node, gast.Attribute) else None
        if dotted is None:
            continue
        root, *attrs = dotted.split(".")
        if root in local:
            continue
        value = scope.get(root, free_data.MISSING)
        for k, attr in enumerate(attrs):
            if not isinstance(value, types.ModuleType):
                break
            value = getattr(value, attr, free_data.MISSING)
            if value is not free_data.MISSING and not isinstance(value, types.ModuleType) and (
                    not callable(value)):
                paths.add((root, *attrs[:k + 1]))
                break
    return (*readers, *(free_data._path_reader(scope, p) for p in sorted(paths)))


def _same(a: Any, b: Any) -> bool:
    return a is b or (isinstance(a, np.ndarray) and np.array_equal(a, b)) or a == b


X = np.array([0.2, -0.4, 0.7])


@pytest.mark.parametrize(("make", "args", "has_try"), [
    (lambda: tangentlike.grad(globals_loss), (X,), False),
    (lambda: tangentlike.autodiff(globals_loss, mode="forward"), (X, X), False),
    (lambda: tangentlike.grad(tuple_loss), (X,), False),
    (lambda: tangentlike.grad(try_loss), (X,), True),
    (lambda: tangentlike.grad(closure_loss()), (X,), False),
], ids=["reverse", "forward", "tuple-and-loop", "try", "closure"])
def test_one_walk_finds_what_the_four_walks_found(make: Callable, args: tuple,
                                                  has_try: bool) -> None:
    tangentlike.clear_cache()
    df = make()
    df(*args)
    versions = df.specializer
    tree = versions.tree
    names = free_data.tree_names(tree)
    assert names.loaded == syntax.loaded_names(tree)
    assert names.stored == syntax.stored_names(tree)
    assert names.dotted == {syntax.dotted_name(n) for n in syntax.walk(tree)
                            if isinstance(n, gast.Attribute)} - {None}
    assert names.has_try == any(isinstance(n, gast.Try) for n in syntax.walk(tree))
    assert versions.no_versions == names.has_try == has_try
    reference = _reference_readers(tree, versions.scope)
    assert len(versions.readers) == len(reference) > 0
    for new, old in zip(versions.readers, reference):
        assert _same(new(), old())


@pytest.mark.parametrize("module", ["golden_functions", "control_flow_functions",
                                    "containers_functions", "forward_functions"])
def test_the_names_the_pipeline_hands_are_the_trees(module: str) -> None:
    """The pipeline gathers each generated function's names while emitting it, and the
    versions take the tree's ``TreeNames`` from that walk (``Derivative.names``) instead of
    walking it again: the same as a walk of the tree once the derivative is loaded."""
    from support import functions_of_test_modules

    from tangentlike.pipeline import Options, compile_derivative
    checked = 0
    for func in functions_of_test_modules([module]):
        for mode in ("reverse", "forward"):
            tangentlike.clear_cache()
            try:
                derivative = compile_derivative(func, Options(mode=mode))
            except tangentlike.TangentlikeError:
                continue  # refused: no derivative, no names
            if derivative.tree is None:
                assert derivative.names is None
                continue
            assert derivative.names == free_data.tree_names(derivative.tree)
            checked += 1
    assert checked > 0
