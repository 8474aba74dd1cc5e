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

from tangentlike.backend import locations
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
        compiled = self._compile_text(source, path)
        if compiled is None:
            compiled = self._compile_tree(ast.parse(source, str(path)), path)
        return self._made(*compiled)

    def _names(self, functions: list[str]) -> tuple[list[str], list[str]]:
        """The factory's parameters (the own names the module's ``functions`` may read) and
        the closure cells it binds."""
        params = sorted(n for n in self if n.isidentifier() and not n.startswith("__")
                        and n not in self.live_names and n not in self.cells
                        and n not in functions)
        return params, sorted(n for n in self.cells if n not in functions)

    def _compile(self, tree: ast.Module, path: Path) -> dict[str, Callable]:
        return self._made(*self._compile_tree(tree, path))

    def _compile_tree(self, tree: ast.Module, path: Path
                      ) -> tuple[types.CodeType, list[str], list[str]]:
        """The factory compiled from the module's ``tree``, with its parameters and the
        module's function names."""
        defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        names = [node.name for node in defs]
        params, cells = self._names(names)
        outer = ast.parse(_FACTORY.format(", ".join(params))).body[0]
        outer.body[:0] = [ast.parse(f"{n} = None").body[0] for n in cells]
        factory = outer.body[len(cells)]
        factory.body = [*defs, ast.parse(f"return ({', '.join(names)},)").body[0]]
        module = ast.Module(body=[outer], type_ignores=[])
        # Every node has its location: the wrapper and the functions were parsed, and what
        # a caller of ``load_tree`` added carries one (compile refuses a node without).
        return compile(module, str(path), "exec"), params, names

    def _compile_text(self, source: str, path: Path
                      ) -> tuple[types.CodeType, list[str], list[str]] | None:
        """The factory compiled from ``source`` itself, without parsing it to a tree first
        (a large module's tree costs twice its compilation), with its parameters and the
        module's function names; None where the text is not one this way reads as the file.

        The factory's lines (``def _tangentlike_cells():``, the cells, ``def
        _tangentlike_module(...):``) take the place of the module's docstring and imports,
        so each function keeps its lines; its lines are indented by
        :data:`locations.INDENT`, and its code objects then get the file's columns back
        (``locations.dedented``).  Indenting a line changes nothing else where no token spans
        lines: the text is declined where a line ends with a backslash, and the result where
        a string constant holds a line break (a string written over lines would hold the
        indentation)."""
        lines = source.split("\n")
        first = next((i for i, line in enumerate(lines) if line.startswith("def ")), None)
        if first is None:
            return None
        body = lines[first:]
        names = [line[4:line.index("(")] for line in body if line.startswith("def ")]
        if any(line and line[0] not in " \t" and not line.startswith("def ")
               or line.endswith("\\") for line in body):
            return None  # another statement at the top level, or a line continued
        params, cells = self._names(names)
        head = ["def _tangentlike_cells():",
                *([f"    {' = '.join(cells)} = None"] if cells else []),
                f"    def _tangentlike_module({', '.join(params)}):"]
        if len(head) > first:
            return None
        indent = " " * locations.INDENT
        text = "\n".join([*head, *[""] * (first - len(head)),
                          *[indent + line if line else line for line in body],
                          f"{indent}return ({', '.join(names)},)",
                          "    return _tangentlike_module", ""])
        try:
            code = compile(text, str(path), "exec")
        except SyntaxError:
            return None  # (the tree's path reports it as the file's)
        factory = _const_code(_const_code(code, "_tangentlike_cells"), "_tangentlike_module")
        if _holds_line_break(factory):
            return None
        if locations.HAS_COLUMNS:
            code = _replace_functions(code, locations.dedented)
        return code, params, names

    def _made(self, code: types.CodeType, params: list[str], names: list[str]
              ) -> dict[str, Callable]:
        """The module's functions, made by running the compiled factory ``code``."""
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


def _replace_functions(code: types.CodeType,
                       change: Callable[[types.CodeType], types.CodeType]) -> types.CodeType:
    """The compiled factory ``code`` with ``change`` applied to the code of each function
    the factory makes (the module's functions)."""
    def replaced(code: types.CodeType, path: tuple[str, ...]) -> types.CodeType:
        consts = tuple(
            (replaced(c, path[1:]) if path else change(c)) if c.__class__ is types.CodeType
            and (not path or c.co_name == path[0]) else c for c in code.co_consts)
        return code.replace(co_consts=consts)
    return replaced(code, ("_tangentlike_cells", "_tangentlike_module"))


def _holds_line_break(code: types.CodeType) -> bool:
    """Whether a string or bytes constant of ``code``, or of a code object it holds, holds
    a line break."""
    return any(c.__class__ is types.CodeType and _holds_line_break(c)
               or isinstance(c, str) and "\n" in c or isinstance(c, bytes) and b"\n" in c
               for c in code.co_consts)


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
