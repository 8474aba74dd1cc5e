"""Which version of a generated derivative a call runs, and when versions are written.

:class:`Versions` wraps a generated derivative.  Each call's *signature* (``signature.py``)
is the type, shape and dtype of every argument.  The first call with a signature runs the
generic derivative.  The second runs an instrumented copy of it (``observe.py``) that records
the type, shape and dtype of every call argument, index, operand and assigned value, and
then writes a version of the derivative for that signature (``lower.py``), provided every
shape follows from the signature (``static.py``).  Later calls with that signature run the
new version.  ``TANGENTLIKE_SPECIALIZE=off`` turns this off, ``=first`` writes the version at
the first call (the test suite uses it to check every rewrite).
"""
from __future__ import annotations

import functools
import os
import threading
import warnings
from collections.abc import Callable, Hashable
from typing import Any

import gast

from tangentlike.backend import emit
from tangentlike.core import syntax
from tangentlike.versions.lower import lower_shapes
from tangentlike.versions.observe import Observer
from tangentlike.versions.signature import signature, signature_part

ENV = "TANGENTLIKE_SPECIALIZE"
MAX_VERSIONS = 8  # signatures per derivative; beyond them, calls run the generic version
Check = Callable[[tuple, dict], tuple[tuple, dict]]


def _float_dispatch(stmt: gast.stmt, floats: str) -> bool:
    return (isinstance(stmt, gast.If) and len(stmt.body) == 1
            and isinstance(stmt.body[0], gast.Return)
            and isinstance(stmt.body[0].value, gast.Call)
            and syntax.is_name(stmt.body[0].value.func, floats))


class Versions:
    """Calls ``generic``, or the version of it written for the arguments' signature.

    ``check(args, kwargs)`` checks the arguments (and converts, say, integers to floats);
    it runs at the first calls of a signature only, so versions are kept only for the
    signatures whose arguments it passes unchanged.  ``floats``: the version for Python
    floats that the generic function dispatches to itself (``specialize.py``), if any.
    """

    def __init__(self, generic: Callable, tree: gast.FunctionDef, temporaries: set[str],
                 scope: dict, check: Check, floats: Callable | None = None):
        self.generic = generic
        self.name = tree.name
        self._generic_tree = tree  # shared with the pipeline: read, never changed
        self.temporaries = temporaries
        self.scope = scope
        self.check = check
        self.floats = floats
        # The version table.  ``versions`` and ``by_types`` are read without a lock, by every
        # call; a version is stored there only once it is complete and checked.  Everything
        # is written under ``_lock``, which is never held while the user's code runs.
        self.versions: dict[Hashable, Callable] = {}
        self.by_types: dict[tuple, Callable] = {}  # the versions for Python floats, by types
        self.sources: dict[Hashable, str] = {}
        self.declined: dict[Hashable, str] = {}  # signatures without a version, and why
        self.seen_once: set[Hashable] = set()
        self._writing: set[Hashable] = set()  # signatures a thread is observing or writing
        self._lock = threading.Lock()
        self._observer: Observer | None = None  # made at the first observation (its tree)

    @functools.cached_property
    def tree(self) -> gast.FunctionDef:
        """A copy of the generic function's tree, without the dispatch to its version for
        floats (``if type(x) is float ...: return f_floats(...)``)."""
        fn = syntax.clone(self._generic_tree)
        fn.body = [s for s in fn.body if not _float_dispatch(s, f"{fn.name}_floats")]
        return fn

    def dispatcher(self) -> Callable:
        """The function to call: it finds the version by signature (this runs every call,
        so it is a closure with everything it needs in local names, and takes no lock)."""
        versions, by_types, kind = self.versions, self.by_types, signature_part
        first_calls = self._first_calls

        def call(*args: Any, **kwargs: Any) -> Any:
            if kwargs:
                key = signature(args, kwargs)
            else:
                version = by_types.get(tuple(map(type, args)))  # Python floats: no shapes
                if version is not None:
                    return version(*args)
                try:
                    key = tuple(map(kind, args))  # signature(), inlined
                except TypeError:
                    key = None
            version = versions.get(key)
            if version is not None:
                return version(*args, **kwargs)
            return first_calls(key, args, kwargs)

        return call

    def _first_calls(self, key: Hashable | None, args: tuple, kwargs: dict) -> Any:
        checked, checked_kwargs = self.check(args, kwargs)
        if key is None or checked is not args or checked_kwargs is not kwargs:
            return self.generic(*checked, **checked_kwargs)  # no version under this key
        with self._lock:
            function = self._next(key, kwargs, os.environ.get(ENV, "second"))
        if function is not None:
            return function(*args, **kwargs)
        # This thread writes the version of ``key``: observe, write, publish.
        try:
            try:
                with self._lock:
                    if self._observer is None:
                        self._observer = Observer(self.tree, self.scope)
                    observer = self._observer
                    observed = observer.function()
            except Exception as error:  # noqa: BLE001  (a failed rewrite must not fail the call)
                self._give_up(key, error)
                return self.generic(*args, **kwargs)
            seen, result = observer.run(observed, args, kwargs)
            try:
                scope = self.scope.copy()
                written = lower_shapes(self.tree, args, kwargs, seen, scope,
                                       self.temporaries)
                with self._lock:
                    self._publish(key, *written, scope)
            except Exception as error:  # noqa: BLE001
                self._give_up(key, error)
            return result
        finally:
            with self._lock:
                self._writing.discard(key)

    def _next(self, key: Hashable, kwargs: dict, when: str) -> Callable | None:
        """What a first call with signature ``key`` runs (with ``_lock`` held): the version
        published meanwhile, or the generic function; None when this call is to observe and
        write the version (the signature is then in ``_writing``)."""
        version = self.versions.get(key)
        if version is not None:
            return version
        if when == "off" or len(self.versions) + len(self._writing) >= MAX_VERSIONS:
            return self.generic
        if all(kind is float for kind in key):  # the version for floats exists already
            version = self.floats or self.generic
            if not kwargs:
                self.by_types[key] = version
            self.versions[key] = version
            return self.generic
        if when != "first" and key not in self.seen_once:
            self.seen_once.add(key)
            return self.generic
        if key in self._writing:  # another thread is writing it
            return self.generic
        self._writing.add(key)
        return None

    def _give_up(self, key: Hashable, error: Exception) -> None:
        """A bug in writing a version must not fail the call: warn, and run the generic one."""
        warnings.warn(f"tangentlike: no shape-specialized version of {self.name}: "
                      f"{type(error).__name__}: {error}", RuntimeWarning, stacklevel=4)
        with self._lock:
            self.versions[key] = self.generic

    def _publish(self, key: Hashable, fn: gast.FunctionDef | None, why: str,
                 scope: dict) -> None:
        """Store the version written for ``key`` (with ``_lock`` held): name it, emit it,
        load it, then make it visible to calls; or record why there is none."""
        if fn is None:
            self.declined[key] = why
            self.versions[key] = self.generic
            return
        number = len(self.sources) + 1
        fn.name = f"{self.name}_shaped{number if number > 1 else ''}"
        source = emit.to_source(fn)
        header = (f'"""A version of {self.name} by argument shapes (tangentlike); it runs with '
                  f'the names of\n{_file_name(self.scope)}.\n"""\n\n\n')
        path = emit.write_module(header + source, fn.name)
        version = scope.load(header + source, path)[fn.name]
        self.sources[key] = source
        self.versions[key] = version  # last: the version is complete


def _file_name(scope: dict) -> str:
    """The name of the generic function's file (beside the version's, in the cache
    directory): the path would make the version's source depend on where the cache is."""
    path = scope.get("__file__")
    return os.path.basename(path) if path else "its module"
