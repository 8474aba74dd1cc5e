"""A generated derivative run on another library's arrays (Dask, CuPy, an array-API library):
the same source, loaded once more with ``np`` and the runtime helpers bound to that library
(``tangentlike.runtime.libraries``), and each generated callee (a helper's derivative) loaded
the same way.  The NumPy derivative is left as it was."""
from __future__ import annotations

import ast
import linecache
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tangentlike.backend.loading import Scope, scope_of
from tangentlike.runtime.libraries import Library, rebound, refuse_missing_method
from tangentlike.runtime.standard_code import STANDARD_HELPERS, standard_tree


def foreign_function(function: Callable, library: Library) -> Callable:
    """``function`` (a generated function) as it runs on ``library``'s arrays."""
    scope = scope_of(function)
    if scope is None:
        return function
    return foreign_scope(scope, library)[function.__name__]


def call_on_library(function: Callable, library: Library, args: Any, kwargs: Any) -> Any:
    """``function`` (a generated function) called on ``library``'s arrays; a NumPy array
    method their arrays lack (the standard's have no ``x.reshape``) is refused by name."""
    try:
        return foreign_function(function, library)(*args, **kwargs)
    except AttributeError as error:
        refuse_missing_method(error, library)
        raise


def foreign_scope(scope: Scope, library: Library) -> Scope:
    """The generated module of ``scope`` loaded for ``library``'s arrays (once)."""
    variants = scope.__dict__.setdefault("foreign_variants", {})
    variant = variants.get(library.name)
    if variant is not None:
        return variant
    path = Path(scope["__file__"])
    source = "".join(linecache.getlines(str(path)))
    tree = ast.parse(source)
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    own: dict[str, Any] = {}
    live_names = set(scope.live_names)
    for name, value in scope.items():
        if name in functions:
            continue
        changed = _foreign_value(value, library)
        own[name] = changed
        if changed is not value:
            live_names.discard(name)  # the user's global ``np`` reads as the stand-in here
    cells = dict(scope.cells)
    for name, cell in scope.cells.items():  # a derivative's derivative reads its helpers
        try:                                # through the closure cells of the first
            value = cell.cell_contents
        except ValueError:
            continue
        changed = _foreign_value(value, library)
        if changed is not value:
            own[name] = changed
            del cells[name]
    for name in _loaded_names(tree):  # a user's global NumPy (``onp``) the code reads
        if name not in own and name not in cells:
            value = scope.live.get(name)
            changed = _foreign_value(value, library)
            if changed is not value:
                own[name] = changed
    variant = Scope(own, scope.live, cells, frozenset(live_names))
    variants[library.name] = variant
    if library.numpy_signatures:
        variant.update(variant.load(source, path))
    else:
        variant.update(STANDARD_HELPERS)
        variant.update(variant.load_tree(standard_tree(tree), path))
    return variant


def _foreign_value(value: Any, library: Library) -> Any:
    if scope_of(value) is not None:
        return foreign_function(value, library)
    return rebound(value, library)


def _loaded_names(tree: ast.Module) -> set[str]:
    return {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
