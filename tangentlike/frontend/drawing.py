"""Whether a function may draw random numbers: read from its source before it runs.

``jacobian``, ``hessian`` and ``linearize`` run a function several times and give every run
the draws of one call (``tangentlike/draws.py``), which means finding every random number
generator alive: a walk of the whole heap.  :func:`draws_nothing` says when that walk is not
needed, because nothing the function runs can draw.  It answers True only when it can tell:

- every global, closure variable or builtin the function (or a function nested in it) names
  is a value that cannot draw: a number, a string, an array, a module, a tuple, list or dict
  of such values, NumPy's or Python's value types, a function tangentlike knows to be pure
  (NumPy's, ``math``'s, those declared with ``tangentlike.pure``; never ``numpy.random``), a
  builtin that runs no code of its own choosing, or a Python function of which all this holds
  in turn (its source read the same way);
- every call is of such a name, of a function defined in the function itself (a ``def`` or a
  ``lambda``), or a method of a local value that is an array or a number: a parameter whose
  argument is one, or a name every assignment of which computes one from such values (an
  operator, an index, a pure function's result, an array's method).

Anything else (a generator, an object of the user's class, a method of an unknown value, a
function whose source cannot be read) answers False: the heap is walked.  As everywhere in
tangentlike (docs/supported.md, "Purity"), an operator, an attribute read or an index is
taken to compute a value and nothing else: an object whose ``__add__`` or property draws
random numbers is not supported."""
from __future__ import annotations

import builtins
import inspect
import types
from collections.abc import Callable, Mapping
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.core.resolve import resolve_in
from tangentlike.errors import TangentlikeError
from tangentlike.frontend.parsing import parse_function
from tangentlike.rules import registry

# Builtins that call no code but their arguments' (whose names are read as any other).
_PLAIN_BUILTINS = frozenset(
    getattr(builtins, name) for name in (
        "abs all any bool complex dict divmod enumerate filter float format frozenset "
        "getattr hasattr int isinstance issubclass iter len list map max min next pow "
        "print range repr reversed round set slice sorted str sum tuple type zip").split())

_VALUES = (type(None), bool, int, float, complex, str, bytes, slice, type(Ellipsis),
           np.generic, np.dtype, types.ModuleType)

_MISSING = object()
_LIMIT = 10_000  # the most items of containers read for one answer (else: False)


def draws_nothing(func: Callable, args: tuple = (), kwargs: Mapping[str, Any] | None = None,
                  ) -> bool:
    """True when nothing ``func(*args, **kwargs)`` runs can draw random numbers (see the
    module's docstring)."""
    try:
        arguments = inspect.signature(func).bind_partial(*args, **(kwargs or {})).arguments
    except (TypeError, ValueError):
        arguments = {}  # (its parameters' values are then not known)
    try:
        return _Reader().function(func, dict(arguments))
    except (TangentlikeError, RecursionError, SyntaxError, TypeError, ValueError):
        return False  # (no source, or source tangentlike does not read: the walk is made)


class _Reader:
    """One answer: the functions read so far (a recursive helper is read once; a function
    being read counts as drawing nothing, its other parts answer for the cycle)."""

    def __init__(self) -> None:
        self.read: set[int] = set()
        self.budget = _LIMIT

    def function(self, func: Any, arguments: dict[str, Any]) -> bool:
        if id(func) in self.read:
            return True
        self.read.add(id(func))
        if getattr(func, "__wrapped__", None) is not None:
            return False  # a decorator's wrapper runs, whose code is not what is read
        parsed = parse_function(func)
        node = parsed.node
        cells = {}
        code = getattr(parsed.func, "__code__", None)
        for name, cell in zip(code.co_freevars if code else (), parsed.func.__closure__ or ()):
            try:
                cells[name] = cell.cell_contents
            except ValueError:
                return False  # (a cell not yet filled: read when it runs)
        given = [*arguments.values(), *(getattr(func, "__defaults__", None) or ()),
                 *(getattr(func, "__kwdefaults__", None) or {}).values()]
        if not all(self.value(v) for v in given):
            return False  # (an argument or a default a builtin or NumPy may call, or iterate)
        scopes = (parsed.values or {}, cells, parsed.func.__globals__)
        params = _parameters(node)
        defined = _defined_functions(node, params)
        local = syntax.stored_names(node) | params | defined
        arrays = _array_names(node, local, params, arguments, scopes, self)
        for sub in syntax.walk(node):
            if isinstance(sub, gast.Call) and not self._callee(sub.func, local, defined,
                                                              arrays, scopes):
                return False
            if isinstance(sub, (gast.Name, gast.Attribute)) and not isinstance(
                    getattr(sub, "ctx", None), (gast.Store, gast.Del)):
                if not self._read(sub, local, scopes):
                    return False
        return True

    def _callee(self, func: gast.expr, local: set[str], defined: set[str], arrays: set[str],
                scopes: tuple) -> bool:
        """The callee expression of a call names something that cannot draw: a global (its
        value is checked as every name read is: ``_read``), a function defined here, or an
        array's method (of a local value that only ever holds arrays or numbers)."""
        root = _root(func)
        if isinstance(func, gast.Name):
            return func.id not in local or func.id in defined
        if isinstance(func, gast.Attribute):
            if root is not None and root not in local:
                return True  # np.linalg.norm
            return hasattr(np.ndarray, func.attr) and _is_array(func.value, arrays, local,
                                                                scopes, self)
        return False  # fs[i](x), g()(x): what is called is not known

    def _read(self, node: gast.expr, local: set[str], scopes: tuple) -> bool:
        """A name or dotted name read that is not local holds a value that cannot draw: an
        attribute is read (resolved) only of a module; of any other value, the value itself
        is checked (a tuple of arrays passes, an object of a class of the user's does not,
        and its attributes are not read: a property runs code)."""
        root = _root(node)
        if root is None or root in local:
            return True  # an attribute of a value computed here: its root is read itself
        value = resolve_in(gast.Name(id=root, ctx=gast.Load(), annotation=None,
                                     type_comment=None), scopes, missing=_MISSING)
        if value is _MISSING:
            return False  # (not bound yet: read when it runs)
        if isinstance(value, types.ModuleType) and isinstance(node, gast.Attribute):
            value = resolve_in(node, scopes, missing=_MISSING)
            if value is _MISSING:
                return False
        return self.value(value)

    def value(self, value: Any) -> bool:
        """``value`` cannot draw when read, called, or run through."""
        self.budget -= 1
        if self.budget < 0:
            return False
        if isinstance(value, _VALUES):
            return not (isinstance(value, types.ModuleType)
                        and value.__name__.startswith("numpy.random"))
        if type(value) is np.ndarray:  # (exactly: a subclass's methods are its own)
            return value.dtype.kind != "O"
        if type(value) in (tuple, list, frozenset, set):  # (a namedtuple has methods)
            return all(self.value(v) for v in value)
        if type(value) is dict:
            return all(self.value(k) and self.value(v) for k, v in value.items())
        if isinstance(value, type):
            return value.__module__ in ("builtins", "numpy") and not issubclass(
                value, (np.random.Generator, np.random.RandomState))
        try:
            if value in _PLAIN_BUILTINS or registry.is_pure_function(value):
                return True
        except TypeError:  # (unhashable)
            return False
        if isinstance(value, types.FunctionType):
            return self.function(value, {})
        return False


def _root(node: gast.expr) -> str | None:
    """The name a dotted expression starts from (``np`` of ``np.linalg.norm``)."""
    while isinstance(node, gast.Attribute):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def _parameters(node: gast.AST) -> set[str]:
    """The parameters of every function and lambda in ``node`` (its own included)."""
    out = set()
    for sub in syntax.walk(node):
        if isinstance(sub, gast.arguments):
            for arg in (*sub.posonlyargs, *sub.args, *sub.kwonlyargs, sub.vararg, sub.kwarg):
                if isinstance(arg, gast.Name):
                    out.add(arg.id)
    return out


def _defined_functions(node: gast.FunctionDef, params: set[str]) -> set[str]:
    """The local names bound only to functions defined in ``node`` (``def g``, ``g =
    lambda``): calling one runs code read with the rest.  A name bound any other way too
    (assigned, one of ``params``, a loop's target) is not one of them."""
    functions, other, lambda_targets = set(), set(), set()
    for sub in syntax.walk(node):  # (breadth first: an assignment before its target)
        if sub is node:
            continue
        if isinstance(sub, gast.FunctionDef):
            functions.add(sub.name)
        elif isinstance(sub, gast.Assign) and isinstance(sub.value, gast.Lambda) and len(
                sub.targets) == 1 and isinstance(sub.targets[0], gast.Name):
            functions.add(sub.targets[0].id)
            lambda_targets.add(id(sub.targets[0]))
        elif isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Store) and id(
                sub) not in lambda_targets:
            other.add(sub.id)
    return functions - other - params


def _array_names(node: gast.FunctionDef, local: set[str], params: set[str],
                 arguments: dict[str, Any], scopes: tuple, reader: _Reader) -> set[str]:
    """The local names that only ever hold arrays or numbers: a parameter whose argument is
    one (and is not assigned), a name every binding of which computes one from such names
    (``_is_array``).  The largest such set: start from every local name, drop one with a
    binding that may compute something else, until none is dropped (each binding then
    computes an array from arrays, so by induction over a run every value is one)."""
    bindings: dict[str, list[gast.AST | None]] = {name: [] for name in local}
    stores: dict[str, int] = {}  # how many times each name is a Store (any binding form)
    for name in params:
        bindings[name].append(None)  # a parameter: its argument
    for sub in syntax.walk(node):
        if isinstance(sub, gast.Assign):
            for target in sub.targets:
                for name in _target_names(target):
                    bindings[name].append(sub.value)
        elif isinstance(sub, gast.AugAssign) and isinstance(sub.target, gast.Name):
            bindings[sub.target.id].append(sub)
        elif isinstance(sub, gast.AnnAssign) and isinstance(sub.target, gast.Name):
            bindings[sub.target.id].append(sub.value)
        elif isinstance(sub, (gast.For, gast.comprehension)):
            for name in _target_names(sub.target):
                bindings[name].append(_Iterated(sub.iter))
        elif isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Store):
            bindings.setdefault(sub.id, [])
            stores[sub.id] = stores.get(sub.id, 0) + 1
    arrays = set(bindings)
    for name in params:
        if not (name in arguments and _is_array_value(arguments[name])):
            arrays.discard(name)
    for name, found in bindings.items():  # bound other than by the forms read above
        if stores.get(name, 0) != sum(1 for b in found if b is not None):
            arrays.discard(name)
    changed = True
    while changed:
        changed = False
        for name in list(arrays):
            for value in bindings[name]:
                if value is None:
                    continue
                if not _is_array(value, arrays, local, scopes, reader):
                    arrays.discard(name)
                    changed = True
                    break
    return arrays


class _Iterated:
    """A ``for`` target's binding: an element of ``iter``."""

    def __init__(self, iter: gast.expr) -> None:
        self.iter = iter


def _target_names(target: gast.expr) -> list[str]:
    """The names a target binds, as a whole or unpacked (``a, (b, c) = ...``)."""
    if isinstance(target, gast.Name):
        return [target.id]
    if isinstance(target, (gast.Tuple, gast.List)):
        return [n for e in target.elts for n in _target_names(e)]
    if isinstance(target, gast.Starred):
        return _target_names(target.value)
    return []


def _is_array_value(value: Any) -> bool:
    """An array (exactly NumPy's, not of object dtype) or a number: its methods draw
    nothing."""
    return (type(value) in (bool, int, float, complex) or isinstance(value, np.generic)
            or (type(value) is np.ndarray and value.dtype.kind != "O"))


def _is_array(value: Any, arrays: set[str], local: set[str], scopes: tuple,
              reader: _Reader) -> bool:
    """``value`` (an expression bound to a name) computes an array or a number from the
    names of ``arrays`` and values that cannot draw."""
    if isinstance(value, gast.AugAssign):
        return _is_array(value.value, arrays, local, scopes, reader)
    if isinstance(value, _Iterated):
        it = value.iter
        if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and (
                it.func.id not in local and resolve_in(it.func, scopes) is range):
            return True
        return _is_array(it, arrays, local, scopes, reader)  # rows of an array
    if isinstance(value, gast.Constant):
        return isinstance(value.value, (bool, int, float, complex))
    if isinstance(value, gast.Name):
        if value.id in local:
            return value.id in arrays
        return _is_array_value(resolve_in(value, scopes, missing=_MISSING))
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Subscript)):
        parts = ([value.left, value.right] if isinstance(value, gast.BinOp)
                 else [value.operand] if isinstance(value, gast.UnaryOp)
                 else [value.left, *value.comparators] if isinstance(value, gast.Compare)
                 else [value.value])
        return all(_is_array(p, arrays, local, scopes, reader) for p in parts)
    if isinstance(value, gast.Attribute):  # x.T, x.real: an array's attribute
        return _is_array(value.value, arrays, local, scopes, reader) and hasattr(
            np.ndarray, value.attr) and not callable(getattr(np.ndarray, value.attr))
    if isinstance(value, gast.Call):
        func = value.func
        if isinstance(func, gast.Attribute) and _root(func) in (*local, None):
            return hasattr(np.ndarray, func.attr) and _is_array(func.value, arrays, local,
                                                                scopes, reader)
        callee = resolve_in(func, scopes, local, missing=_MISSING)
        return callee is not _MISSING and registry.is_pure_function(callee) and (
            getattr(callee, "__module__", "") or "").split(".")[0] in ("numpy", "math")
    return False
