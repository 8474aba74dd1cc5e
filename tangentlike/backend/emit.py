"""Stage 6, emit: generated ASTs to Python source, written to a real file and compiled.

The module is a file in the cache directory (``$TANGENTLIKE_CACHE_DIR``, else
``$XDG_CACHE_HOME/tangentlike`` or ``~/.cache/tangentlike``), named from a hash of its source,
so tracebacks, ``inspect.getsource``, pdb and profilers all show the generated lines.  Its
functions run with the user's live module globals and closure cells (:class:`Scope`), so a
global re-bound after generation is seen, as the user's function sees it.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import linecache
import math
import os
import re
import tempfile
import threading
import time
import types
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gast

from tangentlike.core import guards, syntax
from tangentlike.errors import CacheDirError
from tangentlike.rules.template import Namespace

CACHE_ENV = "TANGENTLIKE_CACHE_DIR"


_COMMENT = "__tangentlike_comment_{}__"
_COMMENT_LINE = re.compile(r"^(\s*)__tangentlike_comment_(\d+)__$")
_TUPLE = "__tangentlike_tuple_{}__"
_TUPLE_NAME = re.compile(r"__tangentlike_tuple_(\d+)__")


class _Printable(ast.NodeTransformer):
    """Prepares a tree for ``ast.unparse``: comment markers become placeholder names (one
    line each, replaced by ``# ...`` afterwards), tuples returned, assigned or looped over are
    printed without parentheses (``return a, b``), and negative numbers become ``-n``, which
    the printer parenthesizes where needed (``(-1.0) ** 2``; a constant ``-1.0`` prints as
    ``-1.0 ** 2``, which is ``-(1.0 ** 2)``)."""

    def __init__(self) -> None:
        self.comments: list[str] = []
        self.tuples: list[str] = []

    def visit_Expr(self, node: ast.Expr) -> ast.Expr | None:
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, syntax.Comment):
            if not value.value:
                return None
            self.comments.append(str(value.value))
            name = _COMMENT.format(len(self.comments) - 1)
            return ast.Expr(value=ast.Name(id=name, ctx=ast.Load()))
        return self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> ast.Return:
        self.generic_visit(node)
        node.value = self._bare(node.value)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.Assign:
        self.generic_visit(node)
        node.targets = [self._bare(t) for t in node.targets]
        node.value = self._bare(node.value)
        return node

    def visit_For(self, node: ast.For) -> ast.For:
        self.generic_visit(node)
        node.target = self._bare(node.target)
        return node

    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        self.generic_visit(node)
        node.target = self._bare(node.target)
        return node

    def _bare(self, node: ast.expr | None) -> ast.expr | None:
        """``return a, b``, ``x, y = y, x`` and ``for i, v in ...`` without the parentheses
        that ``ast.unparse`` adds (to values always; to targets before Python 3.11): a tuple
        is printed here and a placeholder name replaced by its text afterwards, the same on
        every Python."""
        if not (isinstance(node, ast.Tuple) and node.elts):
            return node
        parts = []
        for element in node.elts:
            text = ast.unparse(ast.fix_missing_locations(element))
            if isinstance(element, (ast.NamedExpr, ast.Yield, ast.YieldFrom)) and (
                    not text.startswith("(")):
                text = f"({text})"
            parts.append(text)
        self.tuples.append(", ".join(parts) + ("," if len(parts) == 1 else ""))
        return ast.Name(id=_TUPLE.format(len(self.tuples) - 1), ctx=node.ctx)

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        value = node.value
        if (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.copysign(1.0, value) < 0 and not math.isnan(value)):
            return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        node = super().generic_visit(node)
        if getattr(node, "body", None) == []:
            node.body = [ast.Pass()]  # a block whose only lines were empty comments
        return node


def to_source(node: gast.AST) -> str:
    """Python source of a gast tree (comment markers become ``#`` lines, each after a blank
    line unless it opens a block)."""
    printable = _Printable()
    tree = printable.visit(gast.gast_to_ast(node))
    if tree is None:  # an empty comment marker alone
        return ""
    lines: list[str] = []
    for line in ast.unparse(ast.fix_missing_locations(tree)).splitlines():
        match = _COMMENT_LINE.match(line)
        if match:
            if lines and lines[-1].strip() and not lines[-1].endswith(":"):
                lines.append("")
            line = f"{match.group(1)}# {printable.comments[int(match.group(2))]}"
        else:
            while _TUPLE_NAME.search(line):  # a tuple's text may hold an inner one's name
                line = _TUPLE_NAME.sub(lambda m: printable.tuples[int(m.group(1))], line)
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"


def module_source(functions: list[gast.FunctionDef], namespace: Namespace, doc: str) -> str:
    """The whole generated module: a docstring, the imports templates need, the functions."""
    header = [f'"""{doc}"""']
    used = set().union(*(syntax.loaded_names(fn) for fn in functions))
    lines = [line for name, line in namespace.import_lines.items() if name in used]
    if lines:
        header.append(_group_imports(lines))
    body = "\n\n".join(to_source(fn) for fn in functions)
    return "\n\n".join(header) + "\n\n\n" + body


def _group_imports(lines) -> str:
    """``from m import a`` and ``from m import b`` become ``from m import a, b``."""
    plain, grouped = set(), {}
    for line in lines:
        if line.startswith("from "):
            module, _, names = line[5:].partition(" import ")
            grouped.setdefault(module, set()).add(names)
        else:
            plain.add(line)
    out = sorted(plain)
    for module in sorted(grouped):
        names = ", ".join(sorted(grouped[module]))
        out.append(f"from {module} import {names}")
    return "\n".join(out)


def cache_dir() -> Path:
    """Where generated modules are written (created on first use); ``CacheDirError`` when
    it cannot be created."""
    path = os.environ.get(CACHE_ENV)
    if path:
        root = Path(path)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = Path(base) / "tangentlike"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _unusable(root, error) from error
    return root


def _unusable(root: Path, error: OSError) -> CacheDirError:
    """The error for a cache directory that cannot be created or written."""
    reason = error.strerror or str(error)
    if error.filename and str(error.filename) != str(root):
        reason += f" ({error.filename})"
    where = (f"{CACHE_ENV} is set to it" if os.environ.get(CACHE_ENV)
             else f"the default, as {CACHE_ENV} is not set")
    return CacheDirError(
        f"cannot write generated code to the cache directory {root}: {reason} ({where})",
        hint=f"set the environment variable {CACHE_ENV} to a directory you can write to "
        "(it is created if missing), or make this one writable")


def write_module(source: str, stem: str) -> Path:
    """Write ``source`` to ``<cache>/<stem>_<hash>.py`` (atomically: another thread or
    process reads the whole file or none; reused if present, and then marked as used now,
    for :func:`evict`).  Now and then, after writing a new file, the least recently used
    files beyond the cache's bounds are deleted (:func:`evict`)."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    path = cache_dir() / f"{stem}_{digest}.py"
    try:
        if _reuse(path, source):
            return path
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}_", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(source)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as error:
        raise _unusable(path.parent, error) from error
    _written(path.parent)
    return path


def _reuse(path: Path, source: str) -> bool:
    """Whether ``path`` holds ``source`` already; if so its time is set to now (the cache
    evicts the least recently used files).  A file another process deletes meanwhile is
    written again."""
    try:
        if path.read_text(encoding="utf-8") != source:
            return False
    except FileNotFoundError:
        return False
    try:
        os.utime(path)
    except FileNotFoundError:  # evicted by another process just now: write it again
        return False
    except OSError:  # a shared directory's file owned by someone else: reuse it as it is
        pass
    return True


# --- The cache's bounds -----------------------------------------------------------------------
#
# Generated files accumulate (one per function, options, and version by shape), so the
# directory is kept within bounds: at most MAX_FILES_ENV files and MAX_BYTES_ENV bytes of
# them.  When a process has written a new file (its first, then every EVICT_EVERY), it deletes
# the least recently used files (by modification time, which reusing a file sets) until the
# directory is within 90% of its bounds.  Processes and threads may share the directory:
# a file used in the last MIN_AGE seconds is never deleted, so nobody loses a file it is
# writing or reading; a file another process deleted is simply written again; and only the
# files tangentlike wrote are deleted (named ``<name>_<hash of the content>.py``, the hash
# checked), whatever else the directory holds.

MAX_FILES_ENV = "TANGENTLIKE_CACHE_MAX_FILES"
MAX_BYTES_ENV = "TANGENTLIKE_CACHE_MAX_BYTES"
DEFAULT_MAX_FILES = 2000
DEFAULT_MAX_BYTES = 100 * 2**20
MIN_AGE = 600.0  # seconds
EVICT_EVERY = 100  # new files written by this process between two evictions
_GENERATED = re.compile(r"^\w+_([0-9a-f]{12})\.py$")
_TEMPORARY = re.compile(r"^\..*\.tmp$")  # a writer's partial file (tempfile.mkstemp)
_written_count = 0
_evicting = threading.Lock()


def cache_bounds() -> tuple[int | None, int | None]:
    """(most files, most bytes) the cache directory keeps; None: no bound.  From the
    environment variables ``TANGENTLIKE_CACHE_MAX_FILES`` (a count) and
    ``TANGENTLIKE_CACHE_MAX_BYTES`` (bytes, or with a suffix: ``500k``, ``100M``, ``1G``);
    ``0`` or ``none`` removes that bound."""
    return (_bound(MAX_FILES_ENV, DEFAULT_MAX_FILES, {}),
            _bound(MAX_BYTES_ENV, DEFAULT_MAX_BYTES, {"k": 2**10, "m": 2**20, "g": 2**30}))


def _bound(name: str, default: int, units: dict[str, int]) -> int | None:
    text = os.environ.get(name, "").strip().lower()
    if not text:
        return default
    if text in ("none", "off", "unlimited"):
        return None
    number = text.removesuffix("b").removesuffix("i").strip() if units else text
    unit = units.get(number[-1:], 1)
    if unit != 1:
        number = number[:-1]
    try:
        value = int(float(number) * unit)
    except ValueError:
        raise CacheDirError(
            f"{name}={os.environ[name]!r} is not a number",
            hint=f"set {name} to a number" + (" of bytes, e.g. 100M" if units else "")
            + ", or 0 for no bound") from None
    return value if value > 0 else None


def _written(root: Path) -> None:
    """Count a new file; evict at the first and then every ``EVICT_EVERY``."""
    global _written_count
    _written_count += 1  # a lost update between threads only moves the next eviction
    if (_written_count - 1) % EVICT_EVERY == 0:
        evict(root)


def evict(root: Path | None = None, now: float | None = None) -> list[Path]:
    """Delete the least recently used generated files of the cache directory (``root``,
    default :func:`cache_dir`) beyond :func:`cache_bounds`, down to 90% of them, never one
    used in the last ``MIN_AGE`` seconds; also partial files of writers that stopped more
    than ``MIN_AGE`` ago.  Returns the files deleted.  Safe to run from several threads and
    processes at once; a thread finding another one evicting returns at once."""
    if not _evicting.acquire(blocking=False):
        return []
    try:
        return _evict(root if root is not None else cache_dir(),
                      time.time() if now is None else now)
    finally:
        _evicting.release()


def _evict(root: Path, now: float) -> list[Path]:
    max_files, max_bytes = cache_bounds()
    files: list[tuple[float, int, Path]] = []
    deleted: list[Path] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return deleted
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            info = entry.stat(follow_symlinks=False)
        except OSError:  # deleted meanwhile
            continue
        if _GENERATED.match(entry.name):
            files.append((info.st_mtime, info.st_size, Path(entry.path)))
        elif _TEMPORARY.match(entry.name) and now - info.st_mtime > MIN_AGE:
            if _delete(Path(entry.path)) is True:
                deleted.append(Path(entry.path))
    count, size = len(files), sum(f[1] for f in files)
    if (max_files is None or count <= max_files) and (max_bytes is None or size <= max_bytes):
        return deleted
    keep_files = None if max_files is None else int(max_files * 0.9)
    keep_bytes = None if max_bytes is None else int(max_bytes * 0.9)
    for mtime, nbytes, path in sorted(files, key=lambda f: f[0]):
        if (keep_files is None or count <= keep_files) and \
                (keep_bytes is None or size <= keep_bytes):
            break
        if now - mtime < MIN_AGE:
            break  # this one and every later one was used recently
        ours = _ours(path)
        outcome = _delete(path) if ours else "gone" if ours is None else False
        if outcome:  # deleted, here or by another process
            count, size = count - 1, size - nbytes
            if outcome is True:
                deleted.append(path)
    return deleted


def _ours(path: Path) -> bool | None:
    """Whether tangentlike wrote ``path``: its name ends with the hash of its content (None:
    the file is gone)."""
    match = _GENERATED.match(path.name)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return False
    content = content.replace(b"\r\n", b"\n")  # written in text mode
    return match is not None and hashlib.sha256(content).hexdigest()[:12] == match.group(1)


def _delete(path: Path) -> bool | str:
    """True: deleted; ``"gone"``: another process deleted it first; False: it stays."""
    try:
        path.unlink()
    except FileNotFoundError:
        return "gone"
    except OSError:
        return False
    return True


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

    def _load(self, source: str, path: Path) -> dict[str, Callable]:
        tree = ast.parse(source, str(path))
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
        ast.fix_missing_locations(module)
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
