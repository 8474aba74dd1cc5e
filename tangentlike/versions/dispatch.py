"""Which version of a generated derivative a call runs, and when versions are written.

:class:`Versions` wraps a generated derivative.  Each call's *signature* (``signature.py``)
is the type, shape and dtype of every argument.  A call is a *float signature* when every
differentiated argument and every seed is a Python float: its version (``floats.py``) is
written at the first such call and runs every call with a float signature.  Otherwise,
where what an instrumented run would record follows from the signature itself
(``infer.py``: assignments and loops over ``range`` of floating point values, stacks of saved
values), the first call with a signature writes the version of the derivative for it
(``lower.py``) and runs it.  Where it does not, the first call runs the generic derivative;
the second runs an instrumented copy of it (``observe.py``) that records the type, shape and
dtype of every call argument, index, operand and assigned value, and then writes the version,
provided every shape follows from the signature (``static.py``).
Later calls with that signature run the new version.  A call finds its version by a *flat
key* (``signature.key_parts``: the shapes and dtypes of its arrays, the types of its other
values, in one tuple), one dictionary lookup; the signature itself is computed only when the
flat key is new.  ``TANGENTLIKE_SPECIALIZE=off`` turns all of this off, ``=first`` writes
every version by shape at the first call (the instrumented run then being the first call; the
test suite uses it to check every rewrite), ``=second`` every one at the second (a derivative
called once per signature then writes none).  :meth:`Versions.version_for` says which version
a call runs (:class:`Version`: its kind, source and file, or why there is none).
"""
from __future__ import annotations

import dataclasses
import inspect
import os
import threading
import warnings
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import gast
import numpy as np

from tangentlike.backend import cache, emit, loading
from tangentlike.backend.foreign import call_on_library
from tangentlike.core import collection
from tangentlike.runtime.libraries import computes_refused, library_in
from tangentlike.versions.floats import lower_floats
from tangentlike.versions.free_data import (
    TreeNames,
    data_parts,
    data_readers,
    data_signature,
    tree_names,
)
from tangentlike.versions.infer import infer_seen
from tangentlike.versions.lower import lower_shapes
from tangentlike.versions.observe import Observer
from tangentlike.versions.signature import key_parts, signature

ENV = "TANGENTLIKE_SPECIALIZE"
MAX_VERSIONS = 8  # signatures per derivative; beyond them, calls run the generic version
MAX_KEYS = 4 * MAX_VERSIONS  # flat keys remembered (a NaN dict key makes a new one per call)
DATA = object()  # in a key: the signatures of the data read from globals and cells follow
Check = Callable[[tuple, dict], tuple[tuple, dict]]


@dataclasses.dataclass(frozen=True)
class Finish:
    """What the API does with a derivative's result before it returns it (a gradient given
    the structure of its argument): ``apply(result, args, kwargs)``; ``needed(args,
    kwargs)`` is False where ``apply`` would return the result unchanged, decided once per
    flat key (so it may depend only on what the key says: types, shapes, dtypes)."""

    apply: Callable[[Any, tuple, dict], Any]
    needed: Callable[[tuple, dict], bool]


@dataclasses.dataclass(frozen=True)
class Version:
    """The code a call with ``signature`` runs: ``kind`` is ``"general"`` (the generated
    derivative ``df.source`` shows), ``"floats"`` or ``"shapes"``; ``source`` its text (with
    the ``# Grad of:`` comments), ``path`` its file, ``function`` the loaded function;
    ``reason``: for a general version, why the call has no other."""

    signature: Hashable | None
    kind: str
    source: str
    path: Path | None
    function: Callable
    reason: str = ""


class Versions:
    """Calls ``generic``, or the version of it written for the arguments' signature.

    ``check(args, kwargs)`` checks the arguments (and converts, say, integers to floats);
    it runs at the first calls of a signature only, so versions are kept only for the
    signatures whose arguments it passes unchanged.  ``numbers``: the parameters that are
    Python floats in a call with a float signature; ``source`` and ``path``: the generated
    module of ``generic``; ``names``: ``free_data.tree_names(tree)``, where the caller has it.
    """

    def __init__(self, generic: Callable, tree: gast.FunctionDef, temporaries: set[str],
                 scope: loading.Scope, check: Check, numbers: tuple[str, ...] = (),
                 source: str = "", path: Path | None = None, names: TreeNames | None = None):
        self.generic = generic
        self.name = tree.name
        self.tree = tree  # shared with the pipeline: read, never changed
        self.temporaries = temporaries
        self.scope = scope
        self.check = check
        self.numbers = numbers
        self.general = Version(None, "general", source, path, generic)
        # Whether numba compiles the versions (compiled.py sets it): a join is then left to
        # its fusion, and no ufunc gets ``out=`` (see lower_shapes).
        self.for_numba = False
        # The version table.  ``versions`` and the dispatchers' flat keys are read without a
        # lock, by every call; a version is stored there only once it is complete and
        # checked.  Everything else is written under ``_lock``, which is never held while the
        # user's code runs.
        self.versions: dict[Hashable, Callable] = {}
        self.written: dict[Hashable, Version] = {}  # the versions written, by signature
        self.sources: dict[Hashable, str] = {}  # those by shape: their source
        self.declined: dict[Hashable, str] = {}  # signatures without a version, and why
        self.seen_once: set[Hashable] = set()  # signatures whose first call ran the generic
        self.not_inferred: set[Hashable] = set()  # those whose shapes the inference left open
        self._writing: set[Hashable] = set()  # signatures a thread is observing or writing
        self._lock = threading.Lock()
        self._observer: Observer | None = None  # made at the first observation
        self._floats: Version | None = None  # the version for floats, once written
        self._parameters: inspect.Signature | None = None
        if names is None:  # (the pipeline hands its own, gathered as it emits: ``emit.printed``)
            names = tree_names(tree)  # one walk of the derivative for both
        # the user's globals and cells holding data: their signatures are part of the key
        self.readers = data_readers(tree, scope, names)
        # a try statement: the rewrites assume a block runs to its end once entered
        self.no_versions = names.has_try

    def dispatcher(self, finish: Finish | None = None) -> Callable:
        """The function to call: it finds the function to run by the call's flat key (one
        dictionary lookup; this runs every call, so it is a closure with everything it needs
        in local names, and takes no lock), else by its signature (``_dispatch``), and
        remembers the flat key for the next call.  ``finish``: applied to every result."""
        functions: dict[tuple, Callable] = {}  # by flat key: the version, finished
        ndarray, parts, slow = np.ndarray, key_parts, self._dispatch
        readers = self.readers

        def call(*args: Any, **kwargs: Any) -> Any:
            key: list = []
            append = key.append
            for value in args:  # key_parts, inlined for arrays and floats
                kind = type(value)
                if kind is ndarray:
                    append(value.shape)
                    append(value.dtype)
                elif kind is float:
                    append(float)
                elif not parts(append, value):
                    return slow(functions, finish, None, args, kwargs)
            for name, value in kwargs.items():
                append(name)
                if not parts(append, value):
                    return slow(functions, finish, None, args, kwargs)
            if readers:
                append(DATA)
                if not data_parts(append, readers):
                    return slow(functions, finish, None, args, kwargs)
            flat = tuple(key)
            function = functions.get(flat)
            if function is not None:
                return function(*args, **kwargs)
            return slow(functions, finish, flat, args, kwargs)

        return call

    def _dispatch(self, functions: dict[tuple, Callable], finish: Finish | None,
                  flat: tuple | None, args: tuple, kwargs: dict) -> Any:
        """A call whose flat key the dispatcher does not know (or that has none): its
        version by signature, remembered under the flat key; or the first calls."""
        key = self.signature(args, kwargs)
        version = self.versions.get(key) if key is not None else None
        if version is None:
            result = self._first_calls(key, args, kwargs)
            return result if finish is None else finish.apply(result, args, kwargs)
        function = version
        if finish is not None and finish.needed(args, kwargs):
            apply = finish.apply

            def function(*args: Any, **kwargs: Any) -> Any:
                return apply(version(*args, **kwargs), args, kwargs)

        if flat is not None and len(functions) < MAX_KEYS:
            functions[flat] = function  # a version, once stored, is never replaced
        return function(*args, **kwargs)

    def signature(self, args: tuple, kwargs: dict) -> Hashable | None:
        """The key of the version for these arguments (``signature.signature``) and the
        data the derivative reads from the user's globals and cells (``free_data``)."""
        key = signature(args, kwargs)
        if key is None or not self.readers:
            return key
        data = data_signature(self.readers)
        return None if data is None else (*key, (DATA, data))

    def _first_calls(self, key: Hashable | None, args: tuple, kwargs: dict,
                     when: str | None = None) -> Any:
        checked, checked_kwargs = self.check(args, kwargs)
        if key is None or checked is not args or checked_kwargs is not kwargs:
            library = (library_in(checked) or library_in(checked_kwargs)
                       or library_in([read() for read in self.readers]))
            if library is not None:  # Dask, CuPy, ... arrays: the same code on their library
                with computes_refused(library):
                    return call_on_library(self.generic, library, checked, checked_kwargs)
            return self.generic(*checked, **checked_kwargs)  # no version under this key
        when = when or os.environ.get(ENV, "inferred")
        with self._lock:
            function = self._next(key, args, kwargs, when)
        if function is not None:
            return function(*args, **kwargs)
        # This thread writes the version of ``key``: observe (or infer), write, publish.
        try:
            if key not in self.not_inferred:
                inferred = self._write_inferred(key, args, kwargs)
                if inferred is not None:
                    return inferred(*args, **kwargs)
                with self._lock:
                    self.not_inferred.add(key)
                    first = key not in self.seen_once
                    self.seen_once.add(key)
                if first and when != "first":  # the instrumented run waits for a second call
                    return self.generic(*args, **kwargs)
            try:
                with self._lock, collection.paused():
                    if self._observer is None:
                        self._observer = Observer(self.tree, self.scope,
                                                  self.general.source, self.general.path)
                    observer = self._observer
                    observed = observer.function()
            except Exception as error:  # noqa: BLE001  (a failed rewrite must not fail the call)
                self._give_up(key, error)
                return self.generic(*args, **kwargs)
            seen, result = observer.run(observed, args, kwargs)
            try:
                with collection.paused():
                    scope = self.scope.copy()
                    written = lower_shapes(self.tree, args, kwargs, seen, scope,
                                           self.temporaries, for_numba=self.for_numba)
                    with self._lock:
                        self._publish(key, *written, scope)
            except Exception as error:  # noqa: BLE001
                self._give_up(key, error)
            return result
        finally:
            with self._lock:
                self._writing.discard(key)

    def _write_inferred(self, key: Hashable, args: tuple, kwargs: dict) -> Callable | None:
        """Where what the instrumented run would record follows from the signature
        (``infer.py``), write and publish the version of ``key`` from it, without the
        run: the function the call then runs (the version, or the generic one where none
        was written); None where the instrumented run is needed.  The cyclic garbage
        collector is paused while a version is written, as while a derivative is generated
        (``core/collection.py``): the nodes made and dropped would set off its passes inside
        the call (a full one took 85 ms of W4's).  The instrumented copy is made paused too;
        its run is not."""
        try:
            with collection.paused():
                seen = infer_seen(self.tree, self.scope, args, kwargs)
                if seen is None:
                    return None
                scope = self.scope.copy()
                written = lower_shapes(self.tree, args, kwargs, seen, scope,
                                       self.temporaries, for_numba=self.for_numba)
                with self._lock:
                    self._publish(key, *written, scope)
        except Exception as error:  # noqa: BLE001  (a failed rewrite must not fail the call)
            self._give_up(key, error)
        return self.versions[key]

    def _next(self, key: Hashable, args: tuple, kwargs: dict, when: str) -> Callable | None:
        """What a first call with signature ``key`` runs (with ``_lock`` held): the version
        published meanwhile, the one for floats, or the generic function; None when this
        call is to observe and write the version (the signature is then in ``_writing``)."""
        version = self.versions.get(key)
        if version is not None:
            return version
        if when == "off" or len(self.versions) + len(self._writing) >= MAX_VERSIONS:
            return self.generic
        if self.no_versions:
            self.declined[key] = "a try statement: no version is written for it"
            return self.generic
        if self._is_float_signature(args, kwargs):
            floats = self._float_version()
            if floats.kind == "general":
                self.declined[key] = floats.reason
            else:
                self.written[key] = dataclasses.replace(floats, signature=key)
            self.versions[key] = floats.function  # last: the version is complete
            return floats.function
        if key not in self.seen_once and (when == "second" or key in self.not_inferred):
            self.seen_once.add(key)
            return self.generic
        if key in self._writing:  # another thread is writing it
            return self.generic
        self._writing.add(key)
        return None

    def _is_float_signature(self, args: tuple, kwargs: dict) -> bool:
        """Whether every differentiated argument and every seed of the call is a Python
        float, defaults included (the other arguments may be anything)."""
        if not self.numbers:
            return False
        if self._parameters is None:
            self._parameters = inspect.signature(self.generic)
        try:
            bound = self._parameters.bind(*args, **kwargs)
        except TypeError:
            return False
        bound.apply_defaults()
        return all(type(bound.arguments.get(n)) is float for n in self.numbers)

    def _float_version(self) -> Version:
        """The version for float signatures, written at the first (with ``_lock`` held: it
        runs none of the user's code), or the general one and why there is none.  The
        collector is paused while it is written, as for the other versions
        (``_write_inferred``): for a large function its full passes took longer than the
        writing."""
        if self._floats is not None:
            return self._floats
        with collection.paused():
            try:
                fn = lower_floats(self.tree, set(self.numbers), self.scope, self.temporaries)
            except Exception as error:  # noqa: BLE001  (a failed rewrite must not fail the call)
                self._warn(error)
                fn, why = None, f"writing it failed: {type(error).__name__}: {error}"
            else:
                why = "for Python floats, there is no shape bookkeeping to drop"
            if fn is None:
                self._floats = dataclasses.replace(self.general, reason=why)
            else:
                self._floats = self._load(fn, "floats", "for Python floats", self.scope.copy())
        return self._floats

    def _warn(self, error: Exception) -> None:
        warnings.warn(f"tangentlike: no specialized version of {self.name}: "
                      f"{type(error).__name__}: {error}", RuntimeWarning, stacklevel=5)

    def _give_up(self, key: Hashable, error: Exception) -> None:
        """A bug in writing a version must not fail the call: warn, and run the generic one."""
        self._warn(error)
        with self._lock:
            self.versions[key] = self.generic

    def _load(self, fn: gast.FunctionDef, kind: str, what: str, scope: loading.Scope) -> Version:
        """Emit the version ``fn`` in a file of its own, load it (in ``scope``)."""
        source = emit.to_source(fn)
        header = (f'"""A version of {self.name} {what} (tangentlike); it runs with '
                  f'the names of\n{_file_name(self.scope)}.\n"""\n\n\n')
        path = cache.write_module(header + source, fn.name)
        function = scope.load(header + source, path)[fn.name]
        return Version(None, kind, source, path, function)

    def _publish(self, key: Hashable, fn: gast.FunctionDef | None, why: str,
                 scope: loading.Scope) -> None:
        """Store the version written for ``key`` (with ``_lock`` held): name it, emit it,
        load it, then make it visible to calls; or record why there is none."""
        if fn is None:
            self.declined[key] = why
            self.versions[key] = self.generic
            return
        number = len(self.sources) + 1
        fn.name = f"{self.name}_shaped{number if number > 1 else ''}"
        version = self._load(fn, "shapes", "by argument shapes", scope)
        self.sources[key] = version.source
        self.written[key] = dataclasses.replace(version, signature=key)
        self.versions[key] = version.function  # last: the version is complete

    def version_for(self, args: tuple, kwargs: dict) -> Version:
        """The version a call with these arguments runs, written now if it would be written
        at a later call (``TANGENTLIKE_SPECIALIZE=first``); a signature not met before is
        called once for that (a version by shape runs the instrumented derivative)."""
        key = self.signature(args, kwargs)
        checked, checked_kwargs = self.check(args, kwargs)
        when = os.environ.get(ENV, "second")
        reason = ""
        if key is None:
            reason = ("an argument, or a global or closure variable the derivative reads, has "
                      "no signature (not a number, array or container of them)")
        elif checked is not args or checked_kwargs is not kwargs:
            reason = "the arguments are converted first (an int to a float): no version"
        elif when == "off":
            reason = f"{ENV}=off"
        elif key not in self.versions:
            self._first_calls(key, args, kwargs, "first")
        if key in self.written:
            return self.written[key]
        if not reason:
            reason = self.declined.get(key) or (
                f"{MAX_VERSIONS} signatures have versions already"
                if len(self.versions) >= MAX_VERSIONS else "writing it failed")
        return dataclasses.replace(self.general, signature=key, reason=reason)


def _file_name(scope: dict) -> str:
    """The name of the generic function's file (beside the version's, in the cache
    directory): the path would make the version's source depend on where the cache is."""
    path = scope.get("__file__")
    return os.path.basename(path) if path else "its module"


def version_of(derivative: Callable, args: tuple, kwargs: dict) -> Version:
    """The version a call ``derivative(*args, **kwargs)`` runs (``derivative``: a function
    ``api._make_callable`` made, with its ``specializer``, ``source`` and ``path``)."""
    versions = getattr(derivative, "specializer", None)
    if versions is None:
        return Version(signature(args, kwargs), "general", derivative.source,
                       getattr(derivative, "path", None), derivative,
                       "only an optimized joint derivative or tangent has versions")
    arguments = getattr(derivative, "arguments", None)  # forward mode: tangents by position
    if arguments is not None:
        args, kwargs = arguments(args, kwargs)
    return versions.version_for(args, kwargs)
