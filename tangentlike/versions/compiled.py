"""``backend="numba"``: a derivative's version for a call's signature, compiled by numba.

The function compiled is the version a Python call with that signature runs (for Python
floats, or by argument shapes: ``dispatch.py``; the general derivative where there is
none), written at the first call, with its one
stack of saved values split per name (``numba_form.py``) and its runs of elementwise slice
statements fused into loops (``numba_fusion.py``); its source, with its
``# Grad of:`` comments, is what ``df.source_for(*args)`` shows.  numba compiles the runtime
helpers a version keeps through the overloads of ``numba_rules.py``.  Where numba cannot
compile it (a helper or construct numba does not type: the general derivative's shape
helpers, a ``try`` statement), the first
call with that signature raises a :class:`~tangentlike.errors.CompiledBackendError` with
numba's reason and the user's line: there is no silent fallback to Python.

numba reads a global or closure value once, when it compiles: each call checks that the
values the compiled function read are still the ones the user's names hold, and compiles
again when one was re-bound; a global array, which numba freezes as a constant and which
could change in place, is refused.
"""
from __future__ import annotations

import dataclasses
import inspect
import re
import types
from collections.abc import Callable, Hashable
from typing import Any

import gast
import numpy as np

from tangentlike.backend import cache, loading
from tangentlike.core import anno
from tangentlike.errors import CompiledBackendError, Location
from tangentlike.versions import numba_fusion
from tangentlike.versions.dispatch import Version, Versions
from tangentlike.versions.numba_form import split_stack
from tangentlike.versions.signature import signature, signature_part

HINT = "use the default backend (backend=\"python\"), or rewrite the line for numba"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_AT = re.compile(r'File "([^"]+)", line (\d+)')
_CALLEE = re.compile(r"([A-Za-z_][\w.]*)\(")


def numba_module() -> types.ModuleType:
    """numba, with tangentlike's overloads registered; a clear error where it is missing."""
    try:
        import numba
    except ImportError as error:
        raise CompiledBackendError(
            f"backend=\"numba\" needs numba, which is not installed ({error})",
            hint="pip install 'tangentlike[numba]', or use backend=\"python\"") from None
    from tangentlike.versions import numba_rules  # noqa: F401  (registers the overloads)

    return numba


@dataclasses.dataclass
class Entry:
    """A compiled version and the global and closure values it read when compiled."""

    function: Callable
    globals: dict[str, Any]
    frozen: tuple[tuple[str, Any], ...]
    cells: tuple[tuple[Any, Any], ...]

    def __post_init__(self) -> None:
        self.checked = bool(self.frozen or self.cells)  # (most read no data from outside)

    def current(self) -> bool:
        """Whether every value the compiled code read is still the one it was compiled
        with (by identity)."""
        live = self.globals
        return all(live.get(n, _ABSENT) is v for n, v in self.frozen) and all(
            c.cell_contents is v for c, v in self.cells)


_ABSENT = object()


def stack_name(tree: gast.FunctionDef) -> str | None:
    """The name of the derivative's stack: the list its pushes (``saves``) append to."""
    for node in gast.walk(tree):
        if isinstance(node, gast.Expr) and anno.has_info(node) and \
                anno.info(node).saves is not None and isinstance(node.value, gast.Call) \
                and isinstance(node.value.func, gast.Attribute) \
                and isinstance(node.value.func.value, gast.Name):
            return node.value.func.value.id
    return None


class Compiled:
    """Calls the numba-compiled version of ``versions`` for each call's signature."""

    def __init__(self, versions: Versions, user: Callable | None):
        self.versions = versions
        versions.for_numba = True  # (the versions it writes are for numba)
        self.stack = stack_name(versions.tree)  # the name of its stack of saved values
        self.user = user  # the differentiated function, for the messages
        self.entries: dict[Hashable, Entry] = {}
        self.written: dict[Hashable, Version] = {}
        self.sources: dict[Hashable, str] = {}

    def dispatcher(self) -> Callable:
        entries, kind = self.entries, signature_part

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                key = signature(args, kwargs) if kwargs else tuple(map(kind, args))
            except TypeError:
                key = None
            entry = entries.get(key)
            if entry is not None and (not entry.checked or entry.current()):
                return entry.function(*args, **kwargs)
            return self._first_call(key, args, kwargs)

        self._call = call
        return call

    def _first_call(self, key: Hashable | None, args: tuple, kwargs: dict) -> Any:
        checked, checked_kwargs = self.versions.check(args, kwargs)
        if checked is not args or checked_kwargs is not kwargs:  # converted (an int): the
            return self._call(*checked, **checked_kwargs)  # version of the converted ones
        numba = numba_module()
        version = self.version_for(args, kwargs)
        scope = loading.scope_of(version.function)
        entry = self._frozen(version.function, version.source, scope)
        compiled = numba.njit(version.function)
        try:
            result = compiled(*args, **kwargs)
        except (numba.core.errors.NumbaError, numba.core.errors.UnsupportedBytecodeError) \
                as error:  # (numba's refusals of a construct: typing, lowering, bytecode)
            raise self._refusal(error, version) from None
        except NotImplementedError as error:  # numba's word for a call it has no typing of
            if not raised_in_numba(error):
                raise  # (the derivative's own, at run time)
            raise self._refusal(error, version) from None
        entry.function = compiled
        if key is not None:
            self.entries[key] = entry
        return result

    def version_for(self, args: tuple, kwargs: dict) -> Version:
        """The version ``backend="numba"`` compiles for these arguments (written and loaded
        now, not yet compiled): the one a Python call runs (the general derivative where
        the arguments have no other, its ``reason`` kept for the messages)."""
        key = signature(args, kwargs)
        if key in self.written:
            return self.written[key]
        version = self.versions.version_for(args, kwargs)
        if version.kind == "general":  # the derivative itself: its function's lines
            version = dataclasses.replace(version, source=inspect.getsource(version.function))
        name = version.function.__name__
        source = split_stack(version.source, self.stack).replace(
            f"def {name}(", f"def {name}_numba(", 1)
        header = (f'"""The version {name} compiled by numba (tangentlike); it runs with '
                  f'the names of\n{version.path.name if version.path else "its module"}.\n'
                  f'"""\n\n\n')
        scope = (loading.scope_of(version.function) or self.versions.scope).copy()
        scope.update(numba_fusion.own_names())
        if numba_fusion.candidates(source):  # the names' kinds, from one Python run
            path = cache.write_module(header + source, f"{name}_numba")
            plain = scope.copy().load(header + source, path)[f"{name}_numba"]
            try:
                kinds = numba_fusion.observe_kinds(plain, args, kwargs)
            except Exception:  # (the compiled call says what is wrong, if anything is)
                kinds = {}
            numpy = tuple(n for n, v in plain.__globals__.items() if v is np)
            source = numba_fusion.fuse(source, kinds, numpy)
        path = cache.write_module(header + source, f"{name}_numba")
        function = scope.copy().load(header + source, path)[f"{name}_numba"]
        compiled = Version(key, "numba", source, path, function, version.reason)
        self.written[key] = compiled
        self.sources[key] = source
        return compiled

    def _frozen(self, function: Callable, source: str, scope: Any) -> Entry:
        """The values numba will read once: the user's globals and closure values the
        function names (modules, functions and classes are code, not data: not checked)."""
        tree = gast.parse(source).body[0]
        bound = {a.id for a in gast.walk(tree.args) if isinstance(a, gast.Name)} | {
            n.id for n in gast.walk(tree) if isinstance(n, gast.Name)
            and isinstance(n.ctx, (gast.Store, gast.Del))}
        read = sorted({n.id for n in gast.walk(tree) if isinstance(n, gast.Name)
                       and isinstance(n.ctx, gast.Load)} - bound)
        live = function.__globals__
        cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
        frozen, kept = [], []
        for name in read:
            if name in cells:
                try:
                    value = cells[name].cell_contents
                except ValueError:
                    continue
            elif name in live:
                value = live[name]
            else:
                continue
            if isinstance(value, (types.ModuleType, type)) or callable(value):
                continue
            if isinstance(value, np.ndarray):
                raise CompiledBackendError(
                    f"{self._name()}'s derivative reads the array {name!r} from outside the "
                    "function: numba would freeze it as a constant when it compiles, and "
                    "miss any later change", self._where(None),
                    hint=f"pass {name} as an argument, or use backend=\"python\"")
            if name in cells:
                kept.append((cells[name], value))
            else:
                frozen.append((name, value))
        return Entry(function, live, tuple(frozen), tuple(kept))

    def _name(self) -> str:
        return getattr(self.user, "__name__", self.versions.name)

    def _where(self, grad_of: str | None, generated: str = "") -> Location | None:
        """The user's line a ``# Grad of:`` comment stands for; else the first that calls
        what the ``generated`` line calls (a statement of the forward sweep); else the
        ``def`` line."""
        if self.user is None:
            return None
        try:
            lines, first = inspect.getsourcelines(self.user)
            filename = inspect.getsourcefile(self.user) or "<unknown>"
        except (OSError, TypeError):
            return None
        found = None
        if grad_of:
            wanted = "".join(grad_of.split())
            found = next((k for k, line in enumerate(lines)
                          if "".join(line.split()) == wanted), None)
        if found is None:
            for callee in _CALLEE.findall(generated):
                found = next((k for k, line in enumerate(lines[1:], 1)
                              if f"{callee}(" in line), None)
                if found is not None:
                    break
        k = found or 0
        return Location(filename, first + k, lines[k] if lines else "", self._name())

    def _refusal(self, error: Exception, version: Version) -> CompiledBackendError:
        """numba's refusal, worded for the user: its reason, the generated line, and the
        user's line that line derives from."""
        text = _ANSI.sub("", str(error))
        reason = " ".join(line.strip() for line in text.splitlines()[1:4]
                          if line.strip() and not line.strip().startswith("File ")) \
            or text.splitlines()[0]
        generated, grad_of = "", None
        at = [m for m in _AT.finditer(text) if m.group(1).endswith(version.path.name)] \
            if version.path else []
        if at:
            lines = (version.path.read_text() if version.path.exists() else "").splitlines()
            lineno = int(at[0].group(2))
            if 0 < lineno <= len(lines):
                generated = lines[lineno - 1].strip()
                for line in reversed(lines[:lineno]):
                    if line.strip().startswith("# Grad of:"):
                        grad_of = line.strip()[len("# Grad of:"):].strip()
                        break
        where = f" at `{generated}`" if generated else ""
        general = f" (these arguments run the general derivative: {version.reason})" \
            if version.reason else ""
        return CompiledBackendError(
            f"numba cannot compile {self._name()}'s derivative ({version.function.__name__})"
            f"{where}: {reason}{general}", self._where(grad_of, generated), hint=HINT)


def raised_in_numba(error: BaseException) -> bool:
    """Whether ``error`` was raised inside numba itself (its typing or lowering of the code
    it compiles), not by the compiled code as it runs."""
    tb = error.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_globals.get("__name__", "").split(".")[0] == "numba"
