"""What a generated derivative assumed about the user's names, checked before each call.

Generated code reads the user's names live (``loading.load_module``): data globals and closure
cells are never copied.  But some names *shaped* the code when it was generated: a callee
resolved to a rule or to a user function (whose derivative halves were generated from that
very function), a module, a builtin that no global shadowed.  Each such resolution is a
guard, ``(namespace, name, object)``; a derivative whose guards no longer hold (a
monkeypatched helper, a re-bound function) is generated again before it runs
(:class:`Regenerating`).  Checking is a dictionary lookup and an identity test per guard.
"""
from __future__ import annotations

import functools
import os
import sys
import threading
import time
import types
import weakref
from collections.abc import Callable
from typing import Any

from tangentlike.errors import TangentlikeError

ABSENT = object()  # the guarded name was not there (a builtin no global shadowed)

# Modules whose attributes are not guarded: tangentlike's rules are for their functions, and
# nobody replaces ``np.sin``; a user's own modules are guarded attribute by attribute.
_TRUSTED = frozenset({"numpy", "scipy", "math", "cmath", "builtins", "operator", "tangentlike",
                      "autograd"})


class Guards:
    """The names a derivative's code depends on, with the objects they named."""

    __slots__ = ("names", "cells", "labels")

    def __init__(self) -> None:
        self.names: dict[tuple[int, str], tuple[dict, str, Any]] = {}
        self.cells: dict[int, tuple[Any, Any]] = {}
        self.labels: dict[int | tuple[int, str], str] = {}

    def name(self, namespace: dict, name: str, value: Any, label: str | None = None) -> None:
        """``namespace[name]`` must stay ``value`` (``ABSENT``: stay missing)."""
        key = (id(namespace), name)
        if key not in self.names:
            self.names[key] = (namespace, name, value)
            self.labels[key] = label or name

    def cell(self, cell: Any, value: Any, label: str) -> None:
        """A closure cell must keep holding ``value``."""
        if id(cell) not in self.cells:
            self.cells[id(cell)] = (cell, value)
            self.labels[id(cell)] = label

    def attribute(self, owner: Any, attr: str, value: Any, label: str) -> None:
        """``owner.attr`` must stay ``value`` when ``owner`` is one of the user's modules."""
        if isinstance(owner, types.ModuleType) and \
                owner.__name__.partition(".")[0] not in _TRUSTED:
            self.name(vars(owner), attr, value, label)

    def include(self, other: Frozen | None) -> None:
        """Add the guards of a derivative this one calls."""
        if other is None:
            return
        for (namespace, name, value), label in zip(other.names, other.name_labels):
            self.name(namespace, name, value, label)
        for (cell, value), label in zip(other.cells, other.cell_labels):
            self.cell(cell, value, label)

    def freeze(self) -> Frozen:
        names = list(self.names.items())
        cells = list(self.cells.items())
        return Frozen(tuple(v for _, v in names), tuple(self.labels[k] for k, _ in names),
                      tuple(v for _, v in cells), tuple(self.labels[k] for k, _ in cells))


class Frozen:
    """Guards as tuples, for the check before each call."""

    __slots__ = ("names", "name_labels", "cells", "cell_labels")

    def __init__(self, names: tuple = (), name_labels: tuple = (), cells: tuple = (),
                 cell_labels: tuple = ()):
        self.names, self.name_labels = names, name_labels
        self.cells, self.cell_labels = cells, cell_labels

    def hold(self) -> bool:
        """Whether every guarded name still names the object it named."""
        for namespace, name, value in self.names:
            if namespace.get(name, ABSENT) is not value:
                return False
        for cell, value in self.cells:
            try:
                if cell.cell_contents is not value:
                    return False
            except ValueError:  # an empty cell
                return False
        return True

    def changed(self) -> list[str]:
        """The names that no longer hold (for messages)."""
        out = [label for (namespace, name, value), label in zip(self.names, self.name_labels)
               if namespace.get(name, ABSENT) is not value]
        for (cell, value), label in zip(self.cells, self.cell_labels):
            try:
                same = cell.cell_contents is value
            except ValueError:
                same = False
            if not same:
                out.append(label)
        return out


NONE = Frozen()

# The guards of each generated function (a derivative of a derivative inherits them).
_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def remember(function: Callable, guards: Frozen) -> None:
    _of[function] = guards


def of(function: Any) -> Frozen | None:
    """The guards of a generated function, None for any other object."""
    try:
        return _of.get(function)
    except TypeError:  # not weakly referenceable, or unhashable: not a generated function
        return None


# The files of the modules tangentlike generated and loaded in this process (loading.py adds each
# one as it registers its lines with linecache).
_generated_files: set[str] = set()


def remember_file(filename: str) -> None:
    _generated_files.add(filename)


def is_generated(filename: str) -> bool:
    """Whether ``filename`` (a code object's ``co_filename``) is a module tangentlike
    generated and loaded in this process."""
    return filename in _generated_files


def unwrap(func: Callable) -> Callable:
    """The function that runs when ``func`` is called, as tangentlike differentiates it: the
    plain function behind a bound method, the generated function behind a derivative
    tangentlike returned, the function behind ``functools.lru_cache``/``cache`` (which return
    its values unchanged), the function behind ``tangentlike.checkpoint``.  A user's
    decorator is never skipped: its wrapper (``__wrapped__`` or not) is what runs, so it is
    what gets differentiated (or refused, see
    :func:`tangentlike.frontend.parsing.parse_function`)."""
    func = getattr(func, "__func__", func)
    while True:
        if isinstance(func, Regenerating):
            func = func.current()
            continue
        wrapped = getattr(func, "__wrapped__", None)
        if wrapped is None:
            return func
        if isinstance(func, functools._lru_cache_wrapper) or getattr(
                func, "differentiates_as_wrapped", False):  # tangentlike.checkpoint's
            func = wrapped
            continue
        inner = func
        while getattr(inner, "__wrapped__", None) is not None and \
                not isinstance(inner, Regenerating):
            inner = inner.__wrapped__
        if isinstance(inner, Regenerating) or of(inner) is not None:
            func = inner  # a derivative tangentlike made, wrapped by its API
            continue
        return func  # a user's decorator: its wrapper is what runs


# The one lock of generation (pipeline.py says what it guards); here so that a derivative
# generated again takes it too.
generation_lock = threading.RLock()


# A generation that takes longer than this (seconds) says so on stderr, in one line.
NOTE_AFTER = 1.0
_note_lock = threading.Lock()
_noting = threading.local()  # this thread's generation being noted: a nested one says nothing


def generate(make: Callable[[], Callable], note: str | None) -> Callable:
    """``make()``; when it takes longer than ``NOTE_AFTER`` seconds, one line on stderr:
    ``tangentlike: generating <note>... 1.4 s`` (the start of the line written once the time
    has passed, the time when done).  ``note`` None: silent."""
    if note is None or getattr(_noting, "active", False):
        return make()
    state = {"said": False, "done": False}

    def say() -> None:  # in a timer thread
        with _note_lock:
            if not state["done"]:
                _write(f"tangentlike: generating {note}...")
                state["said"] = True

    start = time.perf_counter()
    timer = threading.Timer(NOTE_AFTER, say)
    timer.daemon = True
    timer.start()
    _noting.active = True
    try:
        return make()
    finally:
        _noting.active = False
        timer.cancel()
        with _note_lock:
            state["done"] = True
            if state["said"]:
                _write(f" {time.perf_counter() - start:.1f} s\n")


def note_for(func: Any, verbose: int | None) -> str | None:
    """What :func:`generate` says about generating the derivative of ``func``
    (``"the derivative of f (model.py:12)"``); None when ``verbose`` is 0 (``verbose=0``
    silences tangentlike; the default, None, and 1 and more let it say this)."""
    if verbose is not None and not verbose:
        return None
    name = getattr(func, "__name__", "a function")
    code = getattr(func, "__code__", None)
    if code is None:
        return f"the derivative of {name}"
    return (f"the derivative of {name} "
            f"({os.path.basename(code.co_filename)}:{code.co_firstlineno})")


def _write(text: str) -> None:
    stream = sys.stderr
    if stream is not None:
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):  # closed or broken: a note is not worth an error
            pass


# Gives a refusal raised while a derivative runs (a rule's run-time refusal) the user's line:
# frontend.library.locate_at_run_time, set by the pipeline (a lower layer cannot import it).
LOCATE: Callable[[TangentlikeError], None] | None = None


class Regenerating:
    """A derivative (``grad(f)``'s result) that generates itself again, before a call, when a
    name its code was generated from no longer names the same object.  Attributes
    (``source``, ``specialized``, ...) are those of the current generation.

    ``note`` (``"the derivative of f (model.py:12)"``) is said on stderr when generating takes
    longer than a second (:func:`generate`); None: never.  What a user calls on a derivative
    besides (``debug``, the notebook views) is added by
    :class:`tangentlike.api.DerivativeFunction`."""

    def __init__(self, make: Callable[[], Callable], note: str | None = None):
        self._make = make
        self._note = note
        self._current = generate(make, note)
        self._names, self._cells = self._current.guards.names, self._current.guards.cells
        for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
            try:
                object.__setattr__(self, attr, getattr(self._current, attr))
            except AttributeError:
                pass

    def current(self) -> Callable:
        """The derivative for the names as they are now (generated again if they changed)."""
        current = self._current
        if not current.guards.hold():
            with generation_lock:  # one thread generates it again; the others find it
                current = self._current
                if not current.guards.hold():
                    current = self._current = generate(self._make, self._note)
                    self._names, self._cells = current.guards.names, current.guards.cells
        return current

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            for namespace, name, value in self._names:  # Frozen.hold, inlined: every call
                if namespace.get(name, ABSENT) is not value:
                    return self.current()(*args, **kwargs)
            if self._cells:
                return self.current()(*args, **kwargs)
            return self._current(*args, **kwargs)
        except TangentlikeError as error:
            if LOCATE is not None:
                LOCATE(error)
            raise

    @property
    def __wrapped__(self) -> Callable:
        """The generated function that runs (``inspect.getsource`` shows it)."""
        current = self.current()
        return getattr(current, "__wrapped__", current)

    @property
    def stands_for(self) -> Callable:
        """The generated function: what differentiating a call to this derivative reads."""
        return unwrap(self.current())

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self.current(), attr)

    def __repr__(self) -> str:
        return f"<derivative {getattr(self, '__name__', '?')} (tangentlike)>"
