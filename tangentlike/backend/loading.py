"""Loading a generated module: its functions run with the user's live module globals and
closure cells (:class:`Scope`), so a global re-bound after generation is seen, as the user's
function sees it; its lines are registered with :mod:`linecache` for tracebacks and pdb.
"""
from __future__ import annotations

import ast
import linecache
import types
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tangentlike.core import guards, syntax
from tangentlike.rules.template import Namespace


class Scope(dict):
    """The names a generated module runs with.

    Its items are tangentlike's own names (runtime helpers, template globals, generated
    callee halves: ``Namespace.injected``), ``__file__`` and the functions loaded.  The user's
    names are not copied: the functions' globals *are* the user's live module dictionary, and
    a free variable of the differentiated function is its closure cell, shared.  ``get``
    looks a name up as generated code does: own names, closure cells, then the user's
    globals (code that resolves callees at generation time uses it).
    """

    def __init__(self, own: dict[str, Any], live: dict[str, Any], cells: dict[str, Any],
                 live_names: frozenset[str]):
        super().__init__(own)
        self.live = live
        self.cells = cells
        self.live_names = live_names  # own names that are the user's globals: read live

    def get(self, name: str, default: Any = None) -> Any:
        if name in self:
            return self[name]
        cell = self.cells.get(name)
        if cell is not None:
            try:
                return cell.cell_contents
            except ValueError:
                return default
        return self.live.get(name, default)

    def copy(self) -> Scope:
        return Scope(self, self.live, self.cells, self.live_names)

    def load(self, source: str, path: Path) -> dict[str, Callable]:
        """Compile the functions of a generated module's ``source`` (the file at ``path``) to
        run with the user's live globals, the closure cells, and the own names as closure
        variables of their own; return them by name.

        The file reads as a standalone module (its imports, then its functions); what runs
        is its functions nested in a factory whose parameters are the own names, so that
        a global name in them is looked up in the user's live module dictionary, at the
        speed of any global, and an own name is a closure variable, which no global can
        shadow.  Line numbers and the file name are the file's, for tracebacks and pdb."""
        remember_lines(path, source)
        with syntax.C_AST:
            return self._load(source, path)

    def load_tree(self, tree: ast.Module, path: Path) -> dict[str, Callable]:
        """``load`` for a module already parsed from the file at ``path`` (and registered
        by ``load``), changed since: its line numbers are the file's, and every node it
        gained has a location (``ast.copy_location``)."""
        with syntax.C_AST:
            return self._compile(tree, path)

    def _load(self, source: str, path: Path) -> dict[str, Callable]:
        return self._compile(ast.parse(source, str(path)), path)

    def _compile(self, tree: ast.Module, path: Path) -> dict[str, Callable]:
        defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        names = [node.name for node in defs]
        params = sorted(n for n in self if n.isidentifier() and not n.startswith("__")
                        and n not in self.live_names and n not in self.cells and n not in names)
        cells = sorted(n for n in self.cells if n not in names)
        outer = ast.parse(_FACTORY.format(", ".join(params))).body[0]
        outer.body[:0] = [ast.parse(f"{n} = None").body[0] for n in cells]
        factory = outer.body[len(cells)]
        factory.body = [*defs, ast.parse(f"return ({', '.join(names)},)").body[0]]
        module = ast.Module(body=[outer], type_ignores=[])
        # Every node has its location: the wrapper and the functions were parsed, and what
        # a caller of ``load_tree`` added carries one (compile refuses a node without).
        code = compile(module, str(path), "exec")
        outer_code = _const_code(code, "_tangentlike_cells")
        factory_code = _const_code(outer_code, "_tangentlike_module")
        closure = tuple(self.cells[n] for n in factory_code.co_freevars)
        make = types.FunctionType(factory_code, self.live, "_tangentlike_module", None,
                                  closure)
        functions = make(*(self[p] for p in params))
        for function in functions:
            function.__qualname__ = function.__name__
            _scopes[function] = self
        return dict(zip(names, functions))


def remember_lines(path: Path, source: str) -> None:
    """Register ``source`` as the lines of ``path`` with :mod:`linecache`, where tracebacks,
    pdb and ``inspect.getsource`` read them: they show the generated lines even once the file
    is deleted (the cache directory cleared, or :func:`evict`).  Like an imported module's
    source, the entry has no time, so ``linecache.checkcache`` keeps it."""
    name = str(path)
    linecache.cache[name] = (len(source), None, source.splitlines(keepends=True), name)
    guards.remember_file(name)  # guards.is_generated(name) is now true


_FACTORY = """def _tangentlike_cells():
    def _tangentlike_module({}):
        pass
    return _tangentlike_module
"""

# The scope each generated function was loaded in (``scope_of``).
_scopes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def scope_of(function: Callable) -> Scope | None:
    """The :class:`Scope` of a generated function (its own names and its module's other
    functions); None for any other function."""
    try:
        return _scopes.get(function)
    except TypeError:
        return None


def _const_code(code: types.CodeType, name: str) -> types.CodeType:
    return next(c for c in code.co_consts if isinstance(c, types.CodeType) and c.co_name == name)


def load_module(source: str, path: Path, user_globals: dict[str, Any], namespace: Namespace,
                cells: dict[str, Any] | None = None) -> Scope:
    """Load the generated module's functions (see :meth:`Scope.load`): they read the user's
    module globals and the closure ``cells`` live; return the module's :class:`Scope`."""
    cells = cells or {}
    own = dict(namespace.injected)
    live_names = frozenset(n for n, v in own.items()
                           if n not in cells and user_globals.get(n, _ABSENT) is v)
    own["__file__"] = str(path)
    own["__name__"] = f"tangentlike_generated.{path.stem}"
    scope = Scope(own, user_globals, cells, live_names)
    scope.update(scope.load(source, path))
    return scope


_ABSENT = object()
