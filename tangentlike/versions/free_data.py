"""The user's data a generated derivative reads besides its arguments: module globals and
closure cells that hold arrays, numbers or containers of them (``G`` in
``np.sum(x * G)``).  Generated code reads them live, and a version by shape is written
for their shapes as it is for the arguments', so their signatures are part of a call's key
(``dispatch.py``): after ``G = np.ones((2, 3))`` a call runs the version for that shape.

A name that holds a module or a callable is left out: re-binding one generates the
derivative again (``core/guards.py``).  A value without a signature (an object) makes the
call run the general derivative.  Data reached through attributes of a module
(``config.W``, ``settings.sizes.W``) is read the same way, by its path.
"""
from __future__ import annotations

import builtins
import dataclasses
import types
from collections.abc import Callable, Hashable
from typing import Any

import gast

from tangentlike.backend.loading import Scope
from tangentlike.backend.names import Seen
from tangentlike.versions.signature import key_parts, signature_part

MISSING = object()  # a name not bound (yet): no key, the general derivative raises NameError


@dataclasses.dataclass(frozen=True)
class TreeNames:
    """What one walk of a derivative finds: the names it reads and binds (parameters
    included), the dotted names of its attribute chains rooted at a name (``config.W``,
    ``np.linalg.norm`` and its ``np.linalg``), and whether it holds a ``try`` statement."""

    loaded: frozenset[str]
    stored: frozenset[str]
    dotted: frozenset[str]
    has_try: bool


def tree_names(tree: gast.AST) -> TreeNames:
    """``TreeNames`` of ``tree`` in one walk (``names.Seen.walk``).  The pipeline gathers
    each generated function's while emitting it (``emit.printed``: the same sets) and hands
    the tree's to the versions."""
    return frozen_names(Seen().walk(tree))


def frozen_names(seen: Seen) -> TreeNames:
    """The ``TreeNames`` of what ``seen`` found."""
    return TreeNames(frozenset(seen.loaded), frozenset(seen.stored), frozenset(seen.dotted),
                     seen.has_try)


def data_readers(tree: gast.FunctionDef, scope: Scope, names: TreeNames | None = None,
                 ) -> tuple[Callable[[], Any], ...]:
    """For each name ``tree`` reads from the user's globals or closure cells that holds
    data now (not a module, not a callable; or nothing yet), a function that reads its
    value as generated code does, in the order of the names.  ``names``: ``tree_names(tree)``
    where the caller has it."""
    if names is None:
        names = tree_names(tree)
    local = set(names.stored)
    local.update(a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs)
    if tree.args.vararg is not None:
        local.add(tree.args.vararg.id)
    if tree.args.kwarg is not None:
        local.add(tree.args.kwarg.id)
    readers = []
    for name in sorted(names.loaded - local):
        if name in scope:  # tangentlike's own names
            continue
        if name in scope.cells:
            reader = _cell_reader(scope.cells[name])
        elif name in scope.live or not hasattr(builtins, name):
            reader = _global_reader(scope.live, name)
        else:
            continue  # a builtin no global shadows (the guards see one that comes to)
        value = reader()
        if isinstance(value, types.ModuleType) or callable(value):
            continue
        readers.append(reader)
    for path in _module_data_paths(names.dotted, local, scope):
        readers.append(_path_reader(scope, path))
    return tuple(readers)


def _module_data_paths(dotted: frozenset[str], local: set[str], scope: Scope,
                       ) -> list[tuple[str, ...]]:
    """The attribute paths among the ``dotted`` names a tree reads that start at a module
    of the user's globals and end at data (``config.W``; ``np.pi`` too), shortest first,
    each once."""
    paths = set()
    for chain in dotted:
        root, *attrs = chain.split(".")
        if root in local:
            continue
        value = scope.get(root, MISSING)
        for k, attr in enumerate(attrs):
            if not isinstance(value, types.ModuleType):
                break
            value = getattr(value, attr, MISSING)
            if value is not MISSING and not isinstance(value, types.ModuleType) and (
                    not callable(value)):
                paths.add((root, *attrs[:k + 1]))
                break
    return sorted(paths)


def _path_reader(scope: Scope, path: tuple[str, ...]) -> Callable[[], Any]:
    """Reads ``config.W`` as generated code does: the module (one of tangentlike's own names,
    a closure cell or a global), then each attribute."""
    root, *attrs = path

    def read() -> Any:
        value = scope.get(root, MISSING)
        for attr in attrs:
            value = getattr(value, attr, MISSING)
        return value

    return read


def _cell_reader(cell: Any) -> Callable[[], Any]:
    def read() -> Any:
        try:
            return cell.cell_contents
        except ValueError:  # an empty cell
            return MISSING

    return read


def _global_reader(namespace: dict, name: str) -> Callable[[], Any]:
    def read() -> Any:
        return namespace.get(name, MISSING)

    return read


def data_parts(append: Callable[[Any], None], readers: tuple[Callable[[], Any], ...]) -> bool:
    """Append the flat-key parts of the data the readers read (``key_parts``); False when
    one has none."""
    for read in readers:
        if not key_parts(append, read()):
            return False
    return True


def data_signature(readers: tuple[Callable[[], Any], ...]) -> Hashable | None:
    """The signature of that data (``signature_part`` of each), None when one has none."""
    try:
        return tuple([signature_part(read()) for read in readers])
    except TypeError:
        return None
