"""Arrays of other libraries: Dask, CuPy, and any library of the Python array API standard.

A derivative called with such arrays runs the same generated source as for NumPy, loaded
once more (``tangentlike.backend.foreign``) with ``np`` bound to a :class:`NumPyStandIn`
for the arrays' library and the runtime helpers rebound to it (:func:`rebound`): each NumPy
function the code calls on the library's arrays is the library's own (``dask.array.sum``,
``cupy.sum``, ``xp.sum``), under NumPy's name or the standard's (``np.power`` is ``xp.pow``),
so nothing is pulled back to NumPy, and arrays the code creates (``np.zeros(shape)``) are the
library's.  A NumPy function the library lacks is refused by name
(:class:`~tangentlike.errors.ArrayLibraryError`), never run on data pulled to NumPy.

NumPy code pays nothing for this: only a call whose arguments hold another library's array
takes this path.
"""
from __future__ import annotations

import contextlib
import dataclasses
import inspect
import linecache
import math
import sys
import threading
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

# NumPy names whose array-API standard name differs (the standard's namespaces lack NumPy's).
STANDARD_NAMES = {
    "power": "pow", "concatenate": "concat",
    "arccos": "acos", "arcsin": "asin", "arctan": "atan", "arctan2": "atan2",
    "arccosh": "acosh", "arcsinh": "asinh", "arctanh": "atanh", "invert": "bitwise_invert",
    "left_shift": "bitwise_left_shift", "right_shift": "bitwise_right_shift",
    "absolute": "abs", "bool_": "bool", "conjugate": "conj", "true_divide": "divide",
    "cumsum": "cumulative_sum",
}

# The standard's names that Dask (whose functions are NumPy's) spells NumPy's way.
NUMPY_NAMES = {standard: numpy for numpy, standard in STANDARD_NAMES.items()
               if standard not in ("abs", "bool", "conj", "divide")}

# Functions that make an array from no array: on the library's side, the library's.
CREATION = frozenset({"zeros", "ones", "full", "empty", "eye", "identity", "arange",
                      "linspace", "asarray", "array", "tri"})

# Functions of an array's metadata, the same for every library (read from attributes).
def _shape(x: Any) -> tuple:
    if hasattr(x, "shape"):
        return tuple(x.shape)
    if isinstance(x, (list, tuple)) and x and _holds_array(x):
        return (len(x), *_shape(x[0]))  # np.shape would convert (compute) the arrays
    return np.shape(x)


def _holds_array(values: list | tuple) -> bool:
    """Whether nested lists ``values`` hold an array (of any library), read without
    converting it."""
    return any(hasattr(v, "shape") or (isinstance(v, (list, tuple)) and _holds_array(v))
               for v in values)


def _ndim(x: Any) -> int:
    return len(_shape(x))


def _size(x: Any, axis: Any = None) -> int:
    shape = _shape(x)
    return math.prod(shape) if axis is None else shape[axis]


def _iscomplexobj(x: Any) -> bool:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        if isinstance(x, (list, tuple)) and _holds_array(x):  # read without converting
            return any(_iscomplexobj(v) for v in x)
        return np.iscomplexobj(x)
    return "complex" in str(dtype)


def _isrealobj(x: Any) -> bool:
    return not _iscomplexobj(x)


METADATA: dict[str, Callable] = {
    "shape": _shape, "ndim": _ndim, "size": _size,
    "iscomplexobj": _iscomplexobj, "isrealobj": _isrealobj,
    "broadcast_shapes": np.broadcast_shapes,
}


@dataclasses.dataclass(frozen=True)
class Library:
    """An array library: ``name`` (its module's), ``namespace`` (where its functions are:
    ``dask.array``, ``cupy``, an array-API namespace), ``array_type``."""

    name: str
    namespace: Any
    array_type: type
    numpy_signatures: bool = False  # its functions take NumPy's arguments (Dask, CuPy, JAX)

    def owns(self, value: Any) -> bool:
        return isinstance(value, self.array_type)


_LIBRARIES: dict[type, Library | None] = {np.ndarray: None}


def library_of(value: Any) -> Library | None:
    """The library of ``value`` when it is an array of another library than NumPy (a Dask or
    CuPy array, an array with ``__array_namespace__``, a PyTorch tensor through
    array_api_compat); None for NumPy's arrays and scalars and for anything else."""
    kind = type(value)
    try:
        return _LIBRARIES[kind]
    except KeyError:
        pass
    library = _find_library(value)
    _LIBRARIES[kind] = library
    return library


def _find_library(value: Any) -> Library | None:
    kind = type(value)
    if isinstance(value, (np.ndarray, np.generic)) or not hasattr(kind, "shape") \
            or not hasattr(kind, "dtype"):  # the class's: not an object answering any name
        return None
    root = kind.__module__.split(".")[0]
    if root == "dask":
        import dask.array

        return Library("dask.array", dask.array, dask.array.Array, numpy_signatures=True)
    namespace = None
    if callable(getattr(kind, "__array_namespace__", None)):  # the class's: not __getattr__'s
        try:
            namespace = value.__array_namespace__()
        except Exception:  # noqa: BLE001  (a strange object: not an array of a library)
            return None
    if namespace is None or namespace is np:
        try:
            import array_api_compat
        except ImportError:
            array_api_compat = None
        if array_api_compat is not None:
            try:
                namespace = array_api_compat.array_namespace(value)
            except Exception:  # noqa: BLE001  (not an array it knows)
                namespace = None
    if namespace is None and callable(getattr(kind, "__array_function__", None)):
        namespace = sys.modules.get(root)
    if namespace is None or namespace is np:
        return None
    name = getattr(namespace, "__name__", root)
    return Library(name, namespace, kind,
                   numpy_signatures=name.split(".")[0] in _NUMPY_SIGNATURES)


# Libraries whose functions take NumPy's arguments; the others take the standard's (keyword-
# only options, the library's dtypes): ``standard_call`` adapts NumPy's call to them.
_NUMPY_SIGNATURES = frozenset({"cupy", "jax", "cupyx"})


def floating_dtype(dtype: Any) -> bool:
    """Whether ``dtype`` (NumPy's, or another library's: ``torch.float32``,
    ``array_api_strict.float64``) is a floating point or complex type."""
    try:
        return np.dtype(dtype).kind in "fc"
    except TypeError:
        name = str(dtype).rsplit(".", 1)[-1]
        return name.startswith(("float", "complex"))


_KIND_PREFIXES = (("complex", "c"), ("float", "f"), ("uint", "u"), ("int", "i"), ("bool", "b"))


def dtype_kind(dtype: Any) -> str:
    """NumPy's kind letter (``"f"``, ``"c"``, ``"i"``, ``"u"``, ``"b"``) of any library's
    dtype: NumPy's, Dask's and CuPy's (NumPy dtypes), ``array_api_strict.float32``,
    ``torch.float32``; ``"O"`` for one it does not know."""
    kind = getattr(dtype, "kind", None)
    if type(kind) is str:
        return kind
    try:
        return np.dtype(dtype).kind
    except TypeError:
        name = str(dtype).rsplit(".", 1)[-1]
        return next((k for prefix, k in _KIND_PREFIXES if name.startswith(prefix)), "O")


# Python's number type of each kind of dtype.
PYTHON_NUMBERS = {"b": bool, "i": int, "u": int, "f": float, "c": complex}


def float_of(x: Any) -> Any:
    """The default floating point type (float64) of ``x``'s library: what the derivative of
    an integer array is."""
    if isinstance(getattr(x, "dtype", None), np.dtype):
        return np.dtype(float)
    library = library_of(x)
    return library.namespace.float64 if library is not None else np.dtype(float)


def astype(x: Any, dtype: Any, copy: bool = True) -> Any:
    """``x.astype(dtype)`` for any library's array (the array API's ``xp.astype``: its
    arrays have no ``astype`` method)."""
    if hasattr(x, "astype"):
        return x.astype(dtype, copy=copy)
    library = library_of(x)
    if library is None or not hasattr(library.namespace, "astype"):
        raise_missing("astype", library)
    return library.namespace.astype(x, dtype, copy=copy)


def with_items(x: Any, index: Any, value: Any) -> Any:
    """``x`` with ``value`` written at ``index``: in place where the library's arrays can be
    written into (``x`` is a fresh copy or fresh zeros), a new array for JAX's (``.at``)."""
    at = getattr(x, "at", None)
    if at is not None and not isinstance(x, np.ndarray) and hasattr(at, "__getitem__"):
        return at[index].set(value)
    try:
        x[index] = value
    except IndexError:  # a standard library's ``x[0]`` of a matrix: ``x[0, ...]``
        full = full_index(x, index)
        if full is index:
            raise
        x[full] = value
    return x


def added_at(x: Any, index: Any, value: Any) -> Any:
    """``np.add.at(x, index, value)`` (repeated indices add up) for any library: JAX's
    ``x.at[index].add``; refused by name where the library has no scatter-add."""
    at = getattr(x, "at", None)
    if at is not None and not isinstance(x, np.ndarray) and hasattr(at, "__getitem__"):
        return at[index].add(value)
    if isinstance(x, np.ndarray):
        np.add.at(x, index, value)
        return x
    library = library_of(x)
    add = getattr(getattr(library.namespace, "add", None), "at", None)
    if add is not None:
        add(x, index, value)
        return x
    parts = index if isinstance(index, tuple) else (index,)
    if not library.numpy_signatures:  # a standard library's: a basic index, added in place
        basic = tuple(int(p) if _integer_scalar(p) else p for p in parts)
        if all(isinstance(p, (int, slice)) or p is None or p is Ellipsis for p in basic):
            return with_items(x, basic, x[full_index(x, basic)] + value)  # (no item twice)
    arrays = [k for k, p in enumerate(parts) if not _whole(p)]
    ids = parts[arrays[0]] if len(arrays) == 1 else None
    if ids is None or len(getattr(ids, "shape", (0, 0))) != 1 \
            or dtype_kind(getattr(ids, "dtype", None)) not in "iu":
        raise_missing("np.add.at", library)  # a mask, several integer vectors, or none
    return x + _one_hot_sum(library.namespace, x, arrays[0], parts[arrays[0]], value)


def _integer_scalar(part: Any) -> bool:
    """An index part that is one integer: a NumPy integer, or a 0-d integer array."""
    return isinstance(part, np.integer) or (getattr(part, "shape", None) == () and dtype_kind(
        getattr(part, "dtype", None)) in "iu")


def _whole(part: Any) -> bool:
    """An index part that takes a whole axis (``:``)."""
    return isinstance(part, slice) and part == slice(None)


def _one_hot_sum(namespace: Any, x: Any, axis: int, ids: Any, value: Any) -> Any:
    """What ``np.add.at(zeros_like(x), (:, ..., ids), value)`` adds (``ids`` one integer
    vector along ``axis``, repeats adding up), as a product with the one-hot matrix of
    ``ids``: the array API has no scatter-add (Dask, array_api_strict), a product stays lazy.
    Its memory is ``len(ids)`` times ``x.shape[axis]``."""
    size = x.shape[axis]
    ids = namespace.asarray(ids)
    ids = namespace.where(ids < 0, ids + size, ids)
    one_hot = namespace.astype(ids[:, None] == namespace.arange(size)[None, :], x.dtype) \
        if hasattr(namespace, "astype") else (ids[:, None] == namespace.arange(size)).astype(
            x.dtype)
    shape = (*x.shape[:axis], ids.shape[0], *x.shape[axis + 1:])
    value = namespace.broadcast_to(namespace.asarray(value, dtype=x.dtype), shape)
    summed = namespace.tensordot(value, one_hot, axes=([axis], [0]))  # axis moved last
    return namespace.moveaxis(summed, -1, axis)


def promoted_operation(operation: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """``operation(a, b)`` (``a * b``, in a derivative run on a standard library's arrays)
    with NumPy's type promotion where the library refuses to mix the types (``bool * float``,
    ``int / int``, an integer array and a Python float): both cast to the type NumPy gives."""
    try:
        return operation(a, b)
    except TypeError:
        promoted = _promoted(operation, (a, b))
        if promoted is None:
            raise
    return operation(*promoted)


def _promoted(numpy_operation: Callable, values: tuple | list) -> list | None:
    """``values`` (arrays of one standard library, Python numbers) cast to the type NumPy's
    ``numpy_operation`` gives (a value or a dtype: ``np.result_type``), found on
    one-element samples of their types; None where none is the library's array or NumPy
    refuses them too."""
    library = next((found for found in map(library_of, values) if found is not None), None)
    if library is None or library.numpy_signatures:
        return None
    try:
        samples = [np.ones((), dtype=_numpy_dtype(v.dtype)) if library.owns(v) else v
                   for v in values]
        with np.errstate(all="ignore"):
            result = numpy_operation(*samples)
        dtype = result if isinstance(result, np.dtype) else np.asarray(result).dtype
        own = getattr(library.namespace, dtype.name)
    except (TypeError, ValueError, AttributeError, ArithmeticError):
        return None
    scalar = PYTHON_NUMBERS.get(dtype.kind)
    return [astype(v, own, copy=False) if library.owns(v)
            else scalar(v) if scalar is not None and isinstance(v, (bool, int, float))
            else v for v in values]


def _numpy_dtype(dtype: Any) -> np.dtype:
    """NumPy's dtype of the same name as another library's (``array_api_strict.int64``)."""
    return np.dtype(str(dtype).rsplit(".", 1)[-1])


def full_index(x: Any, index: Any) -> Any:
    """``index`` for ``x[index]`` in a derivative run on a standard library's arrays: with a
    trailing ``...`` where it names fewer axes than ``x`` has (NumPy's ``x[0]`` of a matrix
    is its first row; the standard specifies an index of every axis only)."""
    if not hasattr(x, "shape") or isinstance(x, np.ndarray):
        return index
    parts = index if type(index) is tuple else (index,)
    named = 0
    for part in parts:
        if part is Ellipsis or len(getattr(part, "shape", ())) or isinstance(part, list):
            return index  # an array index: the library's rules (a mask is the sole index)
        named += part is not None
    return (*parts, Ellipsis) if named < len(x.shape) else index


def indexed(x: Any, index: Any) -> Any:
    """``x[index]`` with ``full_index``'s index."""
    return x[full_index(x, index)]


def library_in(values: Any, depth: int = 0) -> Library | None:
    """The library of the first array of another library than NumPy among ``values`` (a
    tuple, list or dict of arguments, searched into its containers, dataclasses and named
    tuples); None where there is none."""
    if isinstance(values, dict):
        values = values.values()
    for value in values:
        if type(value) in (float, int, np.ndarray, str, bool, type(None)):
            continue
        library = library_of(value)
        if library is not None:
            return library
        if depth < 8:
            children = _children(value)
            if children:
                library = library_in(children, depth + 1)
                if library is not None:
                    return library
    return None


def _children(value: Any) -> Any:
    if isinstance(value, (tuple, list, dict)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [getattr(value, f.name) for f in dataclasses.fields(value)]
    return ()


class NumPyStandIn:
    """What ``np`` is in a derivative run on ``library``'s arrays: each attribute is NumPy's
    (a constant, a type, a submodule's stand-in), or, for a function, one that calls the
    library's function of that name where an argument is the library's array or none is an
    array (``np.zeros(shape)``), and NumPy's otherwise (a NumPy parameter's own derivative)."""

    def __init__(self, library: Library, numpy_module: Any = np, namespace: Any = None,
                 prefix: str = "np"):
        self._library = library
        self._numpy = numpy_module
        self._namespace = library.namespace if namespace is None else namespace
        self._prefix = prefix

    def __repr__(self) -> str:
        return f"<NumPy's names on {self._library.name} arrays>"

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._numpy, name)  # NumPy's AttributeError for a name it lacks
        stand_in = self._translate(name, value)
        setattr(self, name, stand_in)  # the next read finds it at once
        return stand_in

    def _translate(self, name: str, value: Any) -> Any:
        own = _own_attribute(self._namespace, name, self._library.namespace)
        if isinstance(value, types.ModuleType):
            return NumPyStandIn(self._library, value, own, f"{self._prefix}.{name}")
        if name == "ndarray":
            return self._library.array_type
        if name in ("finfo", "iinfo") and own is not None \
                and not self._library.numpy_signatures:
            return _type_information(value, own)
        if isinstance(value, type) and not isinstance(value, np.ufunc):
            if value in _SCALAR_TYPES and not self._library.numpy_signatures:
                return _scalar_type(value, self._library)  # np.float64(x): x's cast
            return value  # np.floating, np.generic: NumPy's types describe every library's
        if name in METADATA:
            return METADATA[name]
        if not callable(value):
            return value  # np.pi, np.newaxis
        return LibraryFunction(f"{self._prefix}.{name}", value, own, self._library)


_SCALAR_TYPES = frozenset(t for t in np.sctypeDict.values()
                          if issubclass(t, (np.number, np.bool_)))


class _ScalarTypeOnLibrary(type):
    """The class of ``np.float64`` (and NumPy's other scalar types) as a derivative run on a
    standard library's arrays reads it: a subclass that, called with the library's array,
    casts it (NumPy's would pull it into NumPy); NumPy's type for anything else, and its
    instances and subclasses are NumPy's type's."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        numpy_type = cls.__mro__[1]
        if len(args) == 1 and not kwargs and cls.library.owns(args[0]):
            dtype = _library_dtype(numpy_type, cls.library)
            if dtype is numpy_type:
                raise_missing(f"np.{numpy_type.__name__}", cls.library)
            return astype(args[0], dtype)
        return numpy_type(*args, **kwargs)

    def __instancecheck__(cls, value: Any) -> bool:
        return isinstance(value, cls.__mro__[1])

    def __subclasscheck__(cls, kind: type) -> bool:
        return issubclass(kind, cls.__mro__[1])


def _type_information(numpy_information: type, own: Callable) -> Callable:
    """NumPy's ``finfo`` (or ``iinfo``) that reads a standard library's dtype or array with
    the library's own (NumPy's would compare its dtype with NumPy's, and warn)."""
    def information(dtype: Any) -> Any:
        if isinstance(dtype, (np.dtype, type, str, np.ndarray, np.generic, float, int)):
            return numpy_information(dtype)
        return own(dtype)

    return information


def _scalar_type(numpy_type: type, library: Library) -> type:
    return _ScalarTypeOnLibrary(numpy_type.__name__, (numpy_type,), {
        "library": library, "__module__": __name__, "__slots__": ()})


def _own_attribute(namespace: Any, name: str, root: Any) -> Any:
    """``namespace``'s function for NumPy's ``name``; one written out is written with the
    functions of ``root`` (the library's namespace: ``dask.array.linalg`` has no ``sum``)."""
    if namespace is None:
        return None
    own = getattr(namespace, name, None)
    if own is None and name in STANDARD_NAMES:
        own = getattr(namespace, STANDARD_NAMES[name], None)
    if own is None and name in NUMPY_NAMES:
        own = getattr(namespace, NUMPY_NAMES[name], None)
    if name in SPELLED_OUT and (own is None or name in ALWAYS_SPELLED_OUT):
        own = SPELLED_OUT[name](root) or own
    return own


class LibraryFunction:
    """A NumPy function (or ufunc, or a ufunc's method) as a derivative run on another
    library's arrays calls it: the library's counterpart, or NumPy's for NumPy's values."""

    def __init__(self, name: str, numpy_function: Any, own: Any, library: Library):
        self.name = name
        self.numpy_function = numpy_function
        self.own = own
        self.library = library

    def __repr__(self) -> str:
        return f"<{self.name} on {self.library.name} arrays>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self._on_library(args, kwargs):
            return _on_library_side(self.numpy_function(*args, **kwargs), args, kwargs,
                                    self.library)
        if self.own is None:
            raise_missing(self.name, self.library)
        if "optimize" in kwargs and self.name == "np.einsum":
            kwargs = {k: v for k, v in kwargs.items() if k != "optimize"}  # NumPy's own
        if self.library.numpy_signatures:
            return self.own(*args, **kwargs)
        return standard_call(self, args, kwargs)

    def _on_library(self, args: tuple, kwargs: dict) -> bool:
        """Whether the call is the library's: an argument is its array, or none is an array
        and the function makes one (``np.zeros(shape)``)."""
        numpy = False
        for value in (*args, *kwargs.values()):
            if isinstance(value, (list, tuple)):
                found = _nested_owner(value, self.library)
                if found is True:
                    return True
                numpy = numpy or found is False
            elif self.library.owns(value):
                return True
            elif isinstance(value, np.ndarray):
                numpy = True
        return not numpy and self.name.rsplit(".", 1)[-1] in CREATION

    def __getattr__(self, name: str) -> LibraryFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        numpy_method = getattr(self.numpy_function, name)
        own = getattr(self.own, name, None) if self.own is not None else None
        if own is None and name == "outer" and self.own is not None:
            own = _outer(self.own, self.library.namespace)
        method = LibraryFunction(f"{self.name}.{name}", numpy_method, own, self.library)
        setattr(self, name, method)  # the next read finds it at once
        return method


def _on_library_side(result: Any, args: tuple, kwargs: dict, library: Library) -> Any:
    """``result`` of NumPy's function called with ``args``, ``kwargs``: a NumPy array made
    from numbers only becomes a standard library's (its operators mix no NumPy array)."""
    if type(result) is np.ndarray and not library.numpy_signatures \
            and _nested_owner((*args, *kwargs.values()), library) is None:
        return library.namespace.asarray(result)
    return result


def _nested_owner(values: list | tuple, library: Library, depth: int = 0) -> bool | None:
    """Whether a list (of lists: ``np.block``) holds ``library``'s array (True), else a NumPy
    array (False), else none (None)."""
    numpy = None
    for value in values:
        if library.owns(value):
            return True
        if isinstance(value, np.ndarray):
            numpy = False
        elif isinstance(value, (list, tuple)) and depth < 8:
            found = _nested_owner(value, library, depth + 1)
            if found is True:
                return True
            numpy = numpy if found is None else found
    return numpy


def _outer(ufunc: Callable, xp: Any) -> Callable:
    """``ufunc.outer(a, b)`` for a library whose functions have no ``outer``."""
    def outer(a: Any, b: Any) -> Any:
        return ufunc(xp.reshape(a, tuple(a.shape) + (1,) * len(b.shape)), b)

    return outer


def standard_call(function: LibraryFunction, args: tuple, kwargs: dict) -> Any:
    """Call a standard namespace's function with a NumPy call's arguments: NumPy's signature
    binds them, the standard's positional-only parameters take them in order and the others
    by name, NumPy's dtypes become the library's, and an option the standard lacks (left at
    NumPy's default) is dropped; one set otherwise is refused by name."""
    own_signature = _signature(function.own)
    numpy_signature = _signature(function.numpy_function)
    if own_signature is None or numpy_signature is None:  # (NumPy before 2.3: its ufuncs)
        return _adapted_call(function, list(args), dict(kwargs))
    try:
        bound = numpy_signature.bind(*args, **kwargs)
    except TypeError:
        return function.own(*args, **kwargs)
    given: list[tuple[str, Any]] = []  # NumPy's arguments in order (a *args' one by one)
    for name, value in bound.arguments.items():
        kind = numpy_signature.parameters[name].kind
        if kind is _VAR_POSITIONAL:
            given += [("", v) for v in value]
        elif kind is _VAR_KEYWORD:
            given += list(value.items())
        elif name in ("shape", "newshape") and isinstance(value, int):
            given.append((name, (value,)))  # the standard's shapes are tuples
        else:
            given.append((name, value))
    unused = list(range(len(given)))  # NumPy's arguments not passed yet, in order
    positional, keywords = [], {}
    by_name = {p.name for p in own_signature.parameters.values()
               if p.kind is not inspect.Parameter.POSITIONAL_ONLY}
    for parameter in own_signature.parameters.values():
        if parameter.kind is _VAR_POSITIONAL:  # result_type(*arrays_and_dtypes)
            while unused and not given[unused[0]][0]:
                positional.append(given[unused.pop(0)][1])
            continue
        named = [k for k in unused if given[k][0] == parameter.name]
        if named and parameter.kind is not inspect.Parameter.POSITIONAL_ONLY:
            unused.remove(named[0])
            keywords[parameter.name] = given[named[0]][1]
        elif unused and parameter.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                           inspect.Parameter.POSITIONAL_OR_KEYWORD) \
                and given[unused[0]][0] not in by_name:  # (eye(N, dtype=): not n_cols)
            positional.append(given[unused.pop(0)][1])
    for k in unused:
        name, value = given[k]
        parameter = numpy_signature.parameters.get(name)
        default = inspect.Parameter.empty if parameter is None else parameter.default
        if name == "order":
            continue  # NumPy's memory layout: the standard's arrays have none, values alike
        if default is inspect.Parameter.empty or not _same(value, default):
            refuse_option(f"{function.name}(..., {name or 'arguments'}=...)",
                          f"{function.library.name}'s {function.own.__name__}")
    return _adapted_call(function, positional, keywords)


def _adapted_call(function: LibraryFunction, positional: list, keywords: dict) -> Any:
    """The standard's function called with NumPy's arguments matched to its parameters
    (``positional``, ``keywords``), adapted where it takes them otherwise."""
    library = function.library
    adapt = _ADAPTED_CALLS.get(function.name)
    if adapt is not None:
        done = adapt(library, positional, keywords)
        if done is not None:
            return done
    if function.name in _FFT_INPUT_KINDS and positional:
        positional[0] = _fft_input(positional[0], _FFT_INPUT_KINDS[function.name], library)
    elif function.name in ("np.real", "np.imag") and len(positional) == 1 \
            and dtype_kind(getattr(positional[0], "dtype", None)) in "fiub":
        x = positional[0]  # the standard's real and imag take complex input only
        return x if function.name == "np.real" else library.namespace.zeros_like(x)
    positional, keywords = _dtypes(positional, library), _dtypes(keywords, library)
    try:
        return function.own(*positional, **keywords)
    except TypeError:  # (types the standard does not promote: ``np.power(x, n)``, n's int)
        promoted = _promoted(np.result_type, positional) if not keywords and (
            function.name == "np.result_type" or getattr(function.numpy_function, "nin", 0)
            == len(positional) == 2) else None
        if promoted is None:
            raise
    return function.own(*promoted)


def _squeeze(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``squeeze(a)`` (every axis of length 1): the standard's needs ``axis``."""
    if keywords.get("axis", None) is None and len(positional) == 1:
        keywords["axis"] = tuple(i for i, n in enumerate(positional[0].shape) if n == 1)


def _repeat(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``repeat(a, [1, 2, 3])``: the standard's repeats are an int or an array."""
    for where, key in ((positional, 1), (keywords, "repeats")):
        if (key in where if where is keywords else len(where) > key) \
                and isinstance(where[key], (list, tuple, np.ndarray)):
            where[key] = library.namespace.asarray(np.asarray(where[key]))


def _tile(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``tile(a, 2)``: the standard's repetitions are a tuple."""
    if len(positional) > 1:
        reps = positional[1]
        positional[1] = tuple(int(r) for r in np.ravel(reps))


def _roll(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``roll(a, [1, 2], axis=[0, 1])``: the standard's are ints or tuples."""
    for key in ("shift", "axis"):
        value = keywords.get(key)
        if value is not None:
            keywords[key] = tuple(int(v) for v in value) if np.ndim(value) else int(value)


def _cumsum(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``cumsum(a)`` (flattened): the standard's needs ``axis`` past one axis."""
    if keywords.get("axis", None) is None and len(positional[0].shape) != 1:
        positional[0] = library.namespace.reshape(positional[0], (-1,))
        keywords["axis"] = 0


def _negative_axis(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``vecdot(a, b, axis=0)``: the standard's axis counts from the end."""
    axis = keywords.get("axis")
    if isinstance(axis, (int, np.integer)) and axis >= 0:
        ndim = max(len(getattr(v, "shape", ())) for v in positional)
        keywords["axis"] = int(axis) - ndim


def _diff(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``diff(a, prepend=0.0)``: the standard's prepend and append are arrays."""
    x = positional[0]
    for key in ("prepend", "append"):
        value = keywords.get(key)
        if value is not None and not hasattr(value, "shape"):
            shape = list(x.shape)
            shape[keywords.get("axis", -1)] = 1
            dtype = x.dtype if dtype_kind(x.dtype) in "fc" else None
            keywords[key] = library.namespace.full(tuple(shape), value, dtype=dtype)


def _full_of_array(library: Library, positional: list, keywords: dict) -> Any:
    """NumPy's ``full(shape, fill)`` with an array as ``fill`` (the standard's takes a
    number): ``fill`` broadcast into zeros of the type NumPy gives."""
    shape = positional[0] if positional else keywords.get("shape")
    fill = positional[1] if len(positional) > 1 else keywords.get("fill_value")
    if not hasattr(fill, "shape"):
        return None
    return _filled(library.namespace, shape, fill,
                   _library_dtype(keywords.get("dtype"), library))


def _filled(xp: Any, shape: Any, fill: Any, dtype: Any) -> Any:
    """NumPy's ``full(shape, fill, dtype)`` (``full_like`` where ``shape`` is an array) of an
    array ``fill``, which the library's ``full`` does not take: ``fill`` broadcast into
    zeros of ``dtype`` (``fill``'s when None)."""
    dtype = fill.dtype if dtype is None else dtype
    zeros = xp.zeros_like(shape, dtype=dtype) if hasattr(shape, "shape") \
        else xp.zeros(shape, dtype=dtype)
    return zeros + astype(fill, zeros.dtype)


def _stacked_sequence(library: Library, positional: list, keywords: dict) -> Any:
    """NumPy's ``asarray([x, y])`` of the library's arrays: the standard's takes no nested
    arrays (its ``stack`` does)."""
    value = positional[0] if positional else None
    if not isinstance(value, (list, tuple)) or _nested_owner(value, library) is not True \
            or set(keywords) - {"dtype"}:
        return None
    stacked = _stacked(library.namespace, value)
    dtype = keywords.get("dtype")
    return stacked if dtype is None else library.namespace.astype(
        stacked, _library_dtype(dtype, library))


def _stacked(xp: Any, value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        return xp.asarray(value)
    parts = [_stacked(xp, v) for v in value]
    return xp.stack(_promoted(np.result_type, parts) or parts)


def _range_numbers(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``arange(a, b, s)`` of 0-d arrays: the standard's takes Python numbers
    (``array_api_strict``'s reads a 0-d float array as an integer)."""
    for where, keys in ((positional, range(len(positional))), (keywords, list(keywords))):
        for key in keys:
            value = where[key]
            if library.owns(value) and tuple(value.shape) == ():
                where[key] = PYTHON_NUMBERS.get(dtype_kind(value.dtype), float)(value)


def _triangle(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``tril(v)`` of a vector ``v``: of the square matrix whose rows are ``v``."""
    x = positional[0] if positional else None
    if x is not None and len(getattr(x, "shape", (0, 0))) == 1:
        positional[0] = library.namespace.broadcast_to(x, (x.shape[0], x.shape[0]))


def _take_numbers(library: Library, positional: list, keywords: dict) -> Any:
    """NumPy's ``take(a, 2, axis=0)`` (indices a number or a list: the standard's are a
    vector): picked by a vector, in the shape NumPy gives."""
    if len(positional) != 2 or hasattr(positional[1], "shape") \
            or set(keywords) - {"axis"}:
        return None
    xp, (a, indices) = library.namespace, positional
    a, axis = _taken_axis(xp, a, keywords.get("axis"))
    return _taken_by_vector(xp, xp.take, a, indices, axis, np.shape(indices))


def _taken_axis(xp: Any, a: Any, axis: int | None) -> tuple[Any, int]:
    """``a`` and NumPy's ``take``'s non-negative ``axis``: of the flattened ``a`` for None."""
    if axis is None:
        a, axis = xp.reshape(a, (-1,)), 0
    return a, axis % len(a.shape)


def _taken_by_vector(xp: Any, take: Callable, a: Any, indices: Any, axis: int,
                     shape: tuple) -> Any:
    """NumPy's ``take(a, indices, axis)`` of indices of ``shape`` (a number's is ``()``) by a
    library's ``take`` of one index vector: of the flattened indices, in NumPy's shape."""
    picked = take(a, xp.reshape(xp.asarray(indices), (-1,)), axis=axis)
    return xp.reshape(picked, (*a.shape[:axis], *shape, *a.shape[axis + 1:]))


def _broadcast_numbers(library: Library, positional: list, keywords: dict) -> None:
    """NumPy's ``broadcast_arrays(x, 2.0)``: the standard's take arrays only."""
    positional[:] = [v if hasattr(v, "shape") else library.namespace.asarray(v)
                     for v in positional]


# NumPy calls whose arguments a standard library's function takes otherwise: the
# adaptation (it edits the arguments, or returns the value).
_ADAPTED_CALLS: dict[str, Callable[[Library, list, dict], Any]] = {
    "np.squeeze": _squeeze, "np.repeat": _repeat, "np.tile": _tile, "np.roll": _roll,
    "np.cumsum": _cumsum, "np.vecdot": _negative_axis, "np.linalg.vecdot": _negative_axis,
    "np.linalg.cross": _negative_axis, "np.full": _full_of_array,
    "np.full_like": _full_of_array,
    "np.diff": _diff, "np.tril": _triangle, "np.triu": _triangle, "np.take": _take_numbers,
    "np.broadcast_arrays": _broadcast_numbers, "np.asarray": _stacked_sequence,
    "np.array": _stacked_sequence, "np.arange": _range_numbers, "np.linspace": _range_numbers,
}


# The standard's transforms take complex input (``fft``) or real (``rfft``) only; NumPy's
# cast any: the input kind each wants, its input cast as NumPy does.
_FFT_INPUT_KINDS = {f"np.fft.{name}": "c" for name in (
    "fft", "ifft", "fftn", "ifftn", "irfft", "irfftn", "hfft")} | {
    f"np.fft.{name}": "f" for name in ("rfft", "rfftn", "ihfft")}


def _fft_input(x: Any, kind: str, library: Library) -> Any:
    """``x`` cast to the floating (``kind`` "f") or complex ("c") type NumPy's transform
    computes it in: of ``x``'s precision, double for integers."""
    have = dtype_kind(getattr(x, "dtype", None))
    if have == kind or have == "O" or (kind == "f" and have == "c"):
        return x  # (a complex rfft input: the library's own error, as NumPy discards it)
    single = str(x.dtype).rsplit(".", 1)[-1] in ("float32", "complex64")
    name = {"c": "complex64" if single else "complex128",
            "f": "float32" if single else "float64"}[kind]
    return library.namespace.astype(x, getattr(library.namespace, name))


_VAR_POSITIONAL = inspect.Parameter.VAR_POSITIONAL
_VAR_KEYWORD = inspect.Parameter.VAR_KEYWORD
_SIGNATURES: dict[Any, inspect.Signature | None] = {}  # by function (a few hundred at most)


# NumPy's creation functions, whose signatures NumPy before 2.3 does not tell ``inspect``.
_CREATION_SIGNATURES = {
    "zeros": "shape, dtype=None, order='C'", "empty": "shape, dtype=None, order='C'",
    "arange": "start_or_stop, /, stop=None, step=1, *, dtype=None",
    "asarray": "a, dtype=None, order=None, *, copy=None",
    "array": "object, dtype=None, *, copy=True, order='K', subok=False, ndmin=0",
}


def _signature(function: Any) -> inspect.Signature | None:
    try:
        return _SIGNATURES[function]
    except KeyError:
        pass
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        parameters = _CREATION_SIGNATURES.get(getattr(function, "__name__", ""))
        signature = None if parameters is None or function is not getattr(
            np, function.__name__) else inspect.signature(eval(f"lambda {parameters}: None"))
    _SIGNATURES[function] = signature
    return signature


def _same(value: Any, default: Any) -> bool:
    try:
        return value is default or bool(value == default)
    except Exception:  # noqa: BLE001  (an array compared: not the default)
        return False


def _dtypes(values: Any, library: Library) -> Any:
    """``values`` (a list or dict of arguments) with NumPy's dtypes as the library's."""
    if isinstance(values, dict):
        return {k: _library_dtype(v, library) for k, v in values.items()}
    return [_library_dtype(v, library) for v in values]


def _library_dtype(value: Any, library: Library) -> Any:
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(
            value, (np.generic, float, complex, int))):  # (Python's float: NumPy's float64)
        return getattr(library.namespace, np.dtype(value).name, value)
    return value


def raise_missing(name: str, library: Library, frame: Any = None) -> None:
    """Refuse a NumPy function ``name`` that ``library`` has no counterpart of, naming the
    derivative's line that called it (``frame``'s, or this call's)."""
    from tangentlike.errors import ArrayLibraryError

    caller = _generated_caller(frame)
    raise ArrayLibraryError(
        f"{name}, which the derivative{caller} calls, has no counterpart in {library.name}: "
        f"tangentlike would have to pull the {library.name} arrays into NumPy",
        hint=f"differentiate with NumPy arrays (convert the {library.name} arrays first), or "
        "write the function with operations the library has (docs/supported.md lists the "
        "derivatives that need NumPy)")


def refuse_option(call: str, counterpart: str) -> None:
    """Refuse a NumPy ``call`` with an option (``np.reshape(..., order=...)``) that the
    library's ``counterpart`` lacks, naming the derivative's line (two frames up)."""
    from tangentlike.errors import ArrayLibraryError

    raise ArrayLibraryError(
        f"{call}, which the derivative{_generated_caller(sys._getframe(2))} calls, has no "
        f"counterpart in {counterpart}",
        hint="differentiate with NumPy arrays, or call it without that option")


def refuse_missing_method(error: AttributeError, library: Library) -> None:
    """Refuse by name a NumPy array method (``x.reshape``) that the derivative called on
    ``library``'s array, which has none (``error``); return for any other error."""
    value, name = getattr(error, "obj", None), getattr(error, "name", None)
    if not library.owns(value) or not isinstance(name, str) or not hasattr(np.ndarray, name):
        return
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    raise_missing(f"the NumPy array attribute .{name}", library, tb.tb_frame)


# The module whose helpers refuse on behalf of their caller (``refuse_other_libraries``):
# the helper a refusal names is the one that called it.
_REFUSALS = "tangentlike.runtime.numpy_only"


def _generated_caller(frame: Any = None) -> str:
    """`` of <line>`` for the user's line whose derivative the innermost generated frame
    (from ``frame``, or this call's) runs (from the ``# Grad of:`` comment above it), with
    the helper in between."""
    frame = sys._getframe(2) if frame is None else frame
    helper = ""
    while frame is not None:
        code = frame.f_code
        lines = linecache.getlines(code.co_filename)
        if any("Generated by tangentlike" in line for line in lines[:4]):
            for line in reversed(lines[:frame.f_lineno]):
                text = line.strip()
                if text.startswith(("# Grad of:", "# Tangent of:", "# Recompute:")):
                    return f" of `{text.split(':', 1)[1].strip()}`{helper}"
            text = linecache.getline(code.co_filename, frame.f_lineno).strip()
            return f" at `{text}` ({code.co_filename}:{frame.f_lineno}){helper}"
        module = frame.f_globals.get("__name__")
        if not helper and code.co_filename != __file__ and module != _REFUSALS \
                and _is_runtime(module):
            helper = f" (through tangentlike.runtime's {code.co_name})"
        frame = frame.f_back
    return helper


@contextlib.contextmanager
def computes_refused(library: Library) -> Iterator[None]:
    """While a derivative runs on ``library``'s arrays (Dask's), a compute that would pull
    them into NumPy is refused by name (``ArrayLibraryError``): one a runtime helper or a
    library function starts, or a conversion to NumPy (``np.float32(x)``, ``int(x)``).
    A compute of the user's own control flow (``if x.sum() > 0``) runs as it would.

    Dask's scheduler setting is the process's: one guarding scheduler is set while any
    thread runs a derivative, and it guards only the computes of those threads."""
    if library.name != "dask.array":
        yield
        return
    from tangentlike.errors import ArrayLibraryError

    running = _GUARDED.__dict__.setdefault("libraries", [])
    _guard_computes(+1)
    running.append(library)
    try:
        yield
    except ArrayLibraryError as error:  # Dask's backend dispatch rewraps it: the cause
        if isinstance(error.__cause__, ArrayLibraryError):
            raise error.__cause__ from None
        raise
    finally:
        running.pop()
        _guard_computes(-1)


_GUARDED = threading.local()  # .libraries: the libraries whose derivatives this thread runs
_GUARD_LOCK = threading.Lock()
_guard: dict[str, Any] = {"users": 0, "setting": None, "previous": None}


def _guard_computes(change: int) -> None:
    """Count a thread's derivative in (+1) or out (-1): the first sets Dask's scheduler to
    ``_guarded_scheduler``, the last restores the one before."""
    import dask
    import dask.base
    import dask.threaded

    with _GUARD_LOCK:
        _guard["users"] += change
        if change > 0 and _guard["users"] == 1:
            _guard["previous"] = dask.base.get_scheduler() or dask.threaded.get
            _guard["setting"] = dask.config.set(scheduler=_guarded_scheduler)
        elif change < 0 and _guard["users"] == 0:
            setting, _guard["setting"] = _guard["setting"], None
            setting.__exit__(None, None, None)


def _guarded_scheduler(graph: Any, keys: Any, **kwargs: Any) -> Any:
    """Dask's scheduler while derivatives run: a compute that one of this thread's would
    pull into NumPy is refused; any other runs on the scheduler set before."""
    running = getattr(_GUARDED, "libraries", None)
    cause = _pulling_cause(sys._getframe(1)) if running else None
    if cause is None:
        return _guard["previous"](graph, keys, **kwargs)
    from tangentlike.errors import ArrayLibraryError

    raise ArrayLibraryError(
        f"the derivative{_generated_caller()} computes the {running[-1].name} arrays "
        f"({cause}): tangentlike would pull them into NumPy",
        hint="differentiate with NumPy arrays (convert the Dask arrays first), or write "
        "the function with operations that stay lazy (docs/supported.md lists the "
        "derivatives that need NumPy)")


def _pulling_cause(frame: Any) -> str | None:
    """What started a compute (the frames above ``frame``): a library function called as
    NumPy's, a runtime helper, or a conversion to NumPy; None for none of them."""
    converted = False
    while frame is not None:
        code = frame.f_code
        if code.co_name in _CONVERSIONS:
            converted = True
        elif code is LibraryFunction.__call__.__code__:
            return f"in {frame.f_locals['self'].name}"
        elif _is_runtime(frame.f_globals.get("__name__")):
            return "to read their values"
        elif any("Generated by tangentlike" in line
                 for line in linecache.getlines(code.co_filename)[:4]):
            return "a conversion to NumPy: np.asarray, a NumPy scalar type, int(), float()" \
                if converted else None
        frame = frame.f_back
    return None


# A Dask array's methods that compute it into a NumPy value (``__bool__``, the user's own
# control flow, is not one of them).
_CONVERSIONS = frozenset({"__array__", "__int__", "__float__", "__complex__", "__index__"})


def _matrix_transpose(xp: Any) -> Callable | None:
    swapaxes = _swapaxes(xp)

    def matrix_transpose(x: Any) -> Any:
        return x.mT if hasattr(x, "mT") else swapaxes(x, -1, -2)

    return None if swapaxes is None else matrix_transpose


def _swapaxes(xp: Any) -> Callable | None:
    if hasattr(xp, "swapaxes"):
        return xp.swapaxes
    permute_dims = getattr(xp, "permute_dims", None)
    if permute_dims is None:
        return None

    def swapaxes(x: Any, axis1: int, axis2: int) -> Any:
        axes = list(range(len(x.shape)))
        axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
        return permute_dims(x, tuple(axes))

    return swapaxes


def _transpose(xp: Any) -> Callable | None:
    """NumPy's ``transpose(a, axes=None)`` by the standard's ``permute_dims(x, axes)``
    (PyTorch's own ``transpose`` swaps two axes)."""
    permute_dims = getattr(xp, "permute_dims", None)
    if permute_dims is None:
        return None

    def transpose(a: Any, axes: Any = None) -> Any:
        return permute_dims(a, tuple(range(len(a.shape)))[::-1] if axes is None
                            else tuple(axes))

    return transpose


def _vecdot(xp: Any) -> Callable:
    def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, keepdims: bool = False) -> Any:
        return xp.sum(xp.conj(x1) * x2, axis=axis, keepdims=keepdims)

    return vecdot


def _cumulative_sum(xp: Any) -> Callable | None:
    """NumPy's ``cumulative_sum`` by NumPy's ``cumsum`` (Dask's), with its zeros in front
    for ``include_initial``; None where the library has its own."""
    if hasattr(xp, "cumulative_sum") or not hasattr(xp, "cumsum"):
        return None

    def cumulative_sum(x: Any, /, *, axis: int | None = None, dtype: Any = None,
                       include_initial: bool = False) -> Any:
        axis = 0 if axis is None else axis  # NumPy takes no axis for 1-d arrays only
        summed = xp.cumsum(x, axis=axis, dtype=dtype)
        if not include_initial:
            return summed
        shape = list(summed.shape)
        shape[axis] = 1
        return xp.concatenate([xp.zeros(tuple(shape), dtype=summed.dtype), summed], axis=axis)

    return cumulative_sum


def _numpy_style(xp: Any, name: str) -> Callable | None:
    """``xp``'s function ``name`` where ``xp`` takes NumPy's kind of arguments (Dask's), to
    be written out; None for a standard namespace's (``standard_call`` adapts NumPy's call)
    and for one ``xp`` lacks."""
    return None if hasattr(xp, "__array_api_version__") else getattr(xp, name, None)


def _full_numpy_style(xp: Any) -> Callable | None:
    """NumPy's ``full`` whose ``fill_value`` may be an array broadcast to ``shape`` (Dask's
    takes a scalar); None for the standard's (its ``full`` takes a scalar too: refused)."""
    own = _numpy_style(xp, "full")
    if own is None:
        return None

    def full(shape: Any, fill_value: Any, dtype: Any = None, order: str = "C") -> Any:
        if not hasattr(fill_value, "shape"):  # (``order``: NumPy's memory layout only)
            return own(shape, fill_value, dtype=dtype)
        return _filled(xp, shape, fill_value, dtype)

    return full


def _reshape(xp: Any) -> Callable | None:
    """NumPy's ``reshape`` taking an integer shape (Dask's takes a tuple); None for the
    standard's (``standard_call`` makes the shape a tuple)."""
    own = _numpy_style(xp, "reshape")
    if own is None:
        return None

    def reshape(a: Any, /, shape: Any = None, order: str = "C", *, newshape: Any = None,
                copy: Any = None) -> Any:
        shape = newshape if shape is None else shape
        if order != "C" or copy is not None:
            refuse_option("np.reshape(..., order=..., copy=...)", f"{xp.__name__}'s reshape")
        shape = (shape,) if isinstance(shape, int) else shape
        try:
            return own(a, shape)
        except NotImplementedError:  # Dask's splits a dimension unevenly: in two passes
            return own(own(a, (-1,)), shape)

    return reshape


def _take(xp: Any) -> Callable | None:
    """NumPy's ``take`` by Dask's (whose ``axis`` is 0 by default, indices one vector, no
    ``mode``): the flattened array for no axis, indices of any shape, clipped or wrapped;
    None for the standard's."""
    own = _numpy_style(xp, "take")
    if own is None:
        return None

    def take(a: Any, indices: Any, axis: int | None = None, out: Any = None,
             mode: str = "raise") -> Any:
        if out is not None:
            raise_missing("np.take(..., out=...)", library_of(a) or library_of(indices))
        a, axis = _taken_axis(xp, a, axis)
        shape = tuple(indices.shape) if hasattr(indices, "shape") else np.shape(indices)
        if mode != "raise":
            n = a.shape[axis]
            indices = xp.asarray(indices)
            indices = xp.clip(indices, 0, n - 1) if mode == "clip" else indices % n
        if len(shape) <= 1:
            return own(a, indices, axis=axis)
        return _taken_by_vector(xp, own, a, indices, axis, shape)

    return take


def _options_by_name(name: str) -> Callable[[Any], Callable | None]:
    """NumPy's creation function ``name`` (``zeros(shape, dtype)``) calling the library's
    with the first argument in place and the others by name: Dask's ``zeros(shape, bool)``
    reads a second argument as something else and makes float64 zeros; None for the
    standard's (``standard_call`` binds NumPy's call)."""
    def spelled_out(xp: Any) -> Callable | None:
        own = _numpy_style(xp, name)
        if own is None:
            return None
        numpy_signature = _signature(getattr(np, name))

        def create(*args: Any, **kwargs: Any) -> Any:
            options = dict(numpy_signature.bind(*args, **kwargs).arguments)
            first = options.pop(next(iter(numpy_signature.parameters)))
            if options.get("order") == "C":
                del options["order"]  # NumPy's memory layout, the default
            return own(first, **options)

        return create

    return spelled_out


# NumPy functions a library may lack (Dask: the standard's), written with others it has.
SPELLED_OUT: dict[str, Callable[[Any], Callable | None]] = {
    "astype": lambda xp: astype,
    "matrix_transpose": _matrix_transpose,
    "permute_dims": lambda xp: getattr(xp, "transpose", None),  # NumPy's spelling (Dask)
    "swapaxes": _swapaxes,
    "transpose": _transpose,
    "vecdot": _vecdot,
    "cumulative_sum": _cumulative_sum,
    "full": _full_numpy_style,
    "reshape": _reshape,
    "take": _take,
    **{name: _options_by_name(name) for name in ("zeros", "ones", "empty", "eye")},
}
# A library's own of these names differs (or takes less than NumPy's).
ALWAYS_SPELLED_OUT = frozenset({"transpose", "cumulative_sum", "full", "reshape", "take",
                                "zeros", "ones", "empty", "eye"})


# Rebinding the runtime helpers: a copy of each helper module's functions whose globals have
# ``np`` as the library's stand-in (built once per module and library).
_REBOUND: dict[tuple[str, str], dict[str, Any]] = {}


def rebound(value: Any, library: Library) -> Any:
    """``value`` as a derivative run on ``library``'s arrays uses it: NumPy (or a submodule)
    becomes its stand-in, a runtime helper its copy whose ``np`` is the stand-in; anything
    else is itself."""
    if value is np:
        return _stand_in(library)
    if isinstance(value, types.ModuleType) and value.__name__.startswith("numpy."):
        stand_in = _stand_in(library)
        for part in value.__name__.split(".")[1:]:
            stand_in = getattr(stand_in, part)
        return stand_in
    if isinstance(value, types.ModuleType) and _is_runtime(value.__name__):
        return _ReboundModule(value.__name__, library)  # ``pytrees.carries`` in a helper
    if isinstance(value, types.FunctionType) and _is_runtime(value.__module__):
        module_globals = _rebound_module(value.__module__, library)
        own = module_globals.get(value.__name__)
        if isinstance(own, types.FunctionType) and own.__code__ is value.__code__:
            return own
        return _copy(value, module_globals)
    if _is_scipy(value):
        return _scipy_guard(value, _scipy_name(value), library)
    return value


class _ReboundModule:
    """A runtime module as a helper run on ``library``'s arrays reads it (``pytrees`` in
    ``pytrees.carries(x)``): its functions rebound, read when first asked for."""

    def __init__(self, name: str, library: Library):
        self._name = name
        self._library = library

    def __repr__(self) -> str:
        return f"<{self._name} on {self._library.name} arrays>"

    def __getattr__(self, attr: str) -> Any:
        module_globals = _rebound_module(self._name, self._library)
        if attr not in module_globals:
            return getattr(sys.modules[self._name], attr)  # (a submodule not imported)
        return module_globals[attr]


def _is_scipy(value: Any) -> bool:
    """A module, function or object of SciPy's (``scipy.stats.norm``), not a class."""
    if isinstance(value, types.ModuleType):
        return value.__name__ == "scipy" or value.__name__.startswith("scipy.")
    if isinstance(value, type):
        return False
    module = getattr(value, "__module__", None) if callable(value) else None
    if not isinstance(module, str):
        module = type(value).__module__
    return module == "scipy" or module.startswith("scipy.")


def _scipy_name(value: Any) -> str:
    if isinstance(value, types.ModuleType):
        return value.__name__
    name = getattr(value, "__name__", None) or type(value).__name__
    return f"{getattr(value, '__module__', None) or 'scipy'}.{name}"


def _scipy_guard(value: Any, name: str, library: Library) -> Any:
    """A SciPy module, function or object as a derivative run on ``library``'s arrays reads
    it: a ufunc runs on Dask's arrays lazily (``__array_ufunc__``); anything else of SciPy's
    computes on NumPy's arrays (``np.asarray`` would pull the data in), so it is refused by
    name when given the library's arrays."""
    if isinstance(value, np.ufunc) and library.name == "dask.array":
        return value
    if isinstance(value, type) or not (callable(value) or isinstance(value, types.ModuleType)
                                       or _is_scipy(value)):
        return value
    return SciPyOnNumPy(value, name, library)


class SciPyOnNumPy:
    """A SciPy module, function or object (``scipy.stats.norm``) whose calls with another
    library's arrays are refused by name; with NumPy's values it is itself."""

    def __init__(self, target: Any, name: str, library: Library):
        self._target = target
        self._name = name
        self._library = library

    def __repr__(self) -> str:
        return f"<{self._name}, NumPy's arrays only>"

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._target, attr)
        guarded = _scipy_guard(value, f"{self._name}.{attr}", self._library)
        if not attr.startswith("__"):
            setattr(self, attr, guarded)
        return guarded

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if library_in(args) is not None or library_in(kwargs) is not None:
            raise_missing(self._name, self._library)
        return _on_library_side(self._target(*args, **kwargs), args, kwargs, self._library)


_STAND_INS: dict[str, NumPyStandIn] = {}


def _stand_in(library: Library) -> NumPyStandIn:
    stand_in = _STAND_INS.get(library.name)
    if stand_in is None:
        stand_in = _STAND_INS[library.name] = NumPyStandIn(library)
    return stand_in


def _is_runtime(module: str | None) -> bool:
    """A module of helpers the derivatives call: the runtime's, or a template module's
    (``linspace_weights``)."""
    return bool(module) and module != __name__ and (
        module == "tangentlike.runtime" or module.startswith(
            ("tangentlike.runtime.", "tangentlike.templates.")))


def _rebound_module(name: str, library: Library) -> dict[str, Any]:
    key = (name, library.name)
    module_globals = _REBOUND.get(key)
    if module_globals is not None:
        return module_globals
    module_globals = _REBOUND[key] = dict(vars(sys.modules[name]))  # first: helpers that
    if not library.numpy_signatures:                                 # call each other
        from tangentlike.runtime.standard_code import STANDARD_HELPERS  # a standard

        module_globals.update(STANDARD_HELPERS)  # library's: NumPy's operators and indexing
    for attr, value in list(module_globals.items()):
        if isinstance(value, types.FunctionType) and value.__module__ == name:
            module_globals[attr] = _copy(value, module_globals)
        elif not attr.startswith("__"):
            module_globals[attr] = rebound(value, library)
    return module_globals


def _copy(function: types.FunctionType, module_globals: dict[str, Any]) -> types.FunctionType:
    code = function.__code__
    if "_tangentlike_promoted" in module_globals:  # a standard library's: NumPy's semantics
        from tangentlike.runtime.standard_code import standard_code

        code = standard_code(function)
    copy = types.FunctionType(code, module_globals, function.__name__,
                              function.__defaults__, function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__dict__.update(function.__dict__)
    copy.__qualname__ = function.__qualname__
    copy.__doc__ = function.__doc__
    copy.__module__ = function.__module__
    return copy
