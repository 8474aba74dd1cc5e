"""One record per primitive: every fact tangentlike knows about a function, in one place.

A :class:`Primitive` holds a function's rules (adjoint, tangent, or none: non-differentiable)
and the facts the compiler's passes ask about it: is it pure, what its result's shape follows
from, does it return a new array, which arguments it writes into, which it reads only for
their shape.  A function nobody declared gets the safe defaults: impure (it runs once, in
order, and is kept), its result's shape may depend on values, and its result may share memory
with an argument.

Facts are stated with :func:`declare` (the rule decorators of ``registry`` call it) and read
with :func:`primitive`.  Two module policies stand in for records nobody wrote (:func:`policy`):
the ``math`` module's functions are pure, elementwise and cheap, and NumPy's are pure unless
they write into an argument, do I/O, or draw random numbers.

tangentlike's own rules (``tangentlike.templates``) are *library* facts: declared with
``library=True``, they never replace a fact the user stated, even when the library's rules
are registered after the user's (SciPy's rules are registered on first use).
"""
from __future__ import annotations

import dataclasses
import enum
import math
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tangentlike.core.counterparts import numpy_counterpart


class Shape(enum.Enum):
    """What a primitive's result shape follows from."""

    FROM_SHAPES = "result shape follows from the arguments' shapes"
    FROM_STATIC_ARGUMENTS = "follows when every argument is static"
    FROM_VALUES = "may depend on values"  # the default


class Returns(enum.Enum):
    """Whether a primitive's result shares memory with an argument."""

    NEW = "a new value"
    VIEW = "a view of an argument"
    MAY_SHARE = "unknown"  # the default


class Lowering(enum.Enum):
    """What a call is when its arguments are Python numbers (versions/floats.py)."""

    FIRST = "its first argument, when every argument is a Python number"  # seed(g, y)
    FIRST_ON_SCALARS = "its first argument, when every argument has shape ()"  # unbroadcast
    ZERO = "0.0, when its argument is a Python number"  # zeros_like(x)
    ADD = "a + b, when both have shape ()"  # add_grad(a, b)


class ShapeLowering(enum.Enum):
    """What a call is once its arguments' shapes, types and dtypes are known
    (versions/lower.py writes it; None: the call stays)."""

    SUM_TO = "g itself, one np.sum, or a reshaped sum, to the second argument's shape"
    FIRST_IF_SAME_SHAPE = "its first argument, when both arguments have one shape"
    FIRST_IF_SAME_DTYPE = "its first argument, when it has the second's dtype already"
    SEED = "the seed itself, when it has the output's shape and dtype"
    MATMUL_ADJOINT_A = "g @ b.T, for real matrices"
    MATMUL_ADJOINT_B = "a.T @ g, for real matrices"
    ADD = "a + b, for two arrays or floats of one shape and dtype"
    SPREAD = "g repeated along the reduced axes (np.full, np.broadcast_to)"
    ZEROS = "np.zeros(shape, dtype), for an array or a NumPy number"
    SHAPE_FACT = "a constant: the argument's size, shape or number of axes"


@dataclass(frozen=True)
class Primitive:
    """Everything known about one function; the defaults are the safe assumptions."""

    function: Any
    adjoint: Any = None  # registry.Rule
    tangent: Any = None  # registry.Rule
    differentiable: bool = True  # False: its result carries no derivative
    pure: bool = False  # impure: runs once, in program order, and is kept
    shape: Shape = Shape.FROM_VALUES
    returns: Returns = Returns.MAY_SHARE
    writes: tuple[int, ...] = ()  # positions of the arguments it writes into
    # (n, shape): with fewer than n positional arguments, its result's shape follows from
    # ``shape`` instead (np.where(c) is np.nonzero(c): (2, Shape.FROM_STATIC_ARGUMENTS))
    shape_below: tuple[int, Shape] | None = None
    shape_arguments: tuple[int, ...] = ()  # positions it reads only for their shape
    containers: bool = True  # its result may be a container (tuple, list, dict)
    tuple_result: bool = False  # its result is a tuple of arrays, (lu, piv): adjoints add by item
    elementwise: bool = False  # one output element per input element
    zero_in_first: bool = False  # zero whenever its first argument is zero
    new_array: bool = False  # always makes a fresh array
    cheap: bool = False  # recomputing it costs less than saving it
    on_numbers: Lowering | None = None  # what the call is on Python numbers (None: it stays)
    on_shapes: ShapeLowering | None = None  # what the call is for known shapes
    method: str | None = None  # the same as this method of its first argument: np.sum -> .sum
    twins: tuple[Any, ...] = ()  # the same function elsewhere: np.sin <-> math.sin
    user_facts: frozenset[str] = frozenset()  # the fields the user declared

    @property
    def is_primitive(self) -> bool:
        """Known to tangentlike's rules: it has a rule or carries no derivative."""
        return (self.adjoint is not None or self.tangent is not None
                or not self.differentiable)


FACT_NAMES = frozenset(f.name for f in dataclasses.fields(Primitive)) - {"function",
                                                                          "user_facts"}


@dataclass(frozen=True)
class Facts:
    """The facts a template file states for its whole family (``FACTS = Facts(pure=True)``);
    None leaves a fact at its default.  A rule's own facts go in its decorator."""

    pure: bool | None = None
    shape: Shape | None = None
    returns: Returns | None = None
    containers: bool | None = None

    def stated(self, function: Any) -> dict[str, Any]:
        """The facts stated here for ``function``, below what its module's policy says
        (``np.reshape`` in a family of new arrays stays a view)."""
        ruled = policy(function)
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) is not None and f.name not in ruled}


PRIMITIVES: dict[Any, Primitive] = {}
_lock = threading.RLock()


def _key(function: Any) -> Any:
    """The key of ``function``'s record: the function itself (its id when unhashable); an
    autograd wrapper's is the NumPy function it wraps (``core/counterparts.py``)."""
    function = numpy_counterpart(function)
    try:
        hash(function)
    except TypeError:
        return id(function)
    return function


def declare(function: Any, *, library: bool = False, **facts: Any) -> Primitive:
    """State facts about ``function`` (merged into its record, which starts from its module's
    policy) and return the record.  With ``library=True`` (tangentlike's own rules) a fact
    the user declared is kept."""
    unknown = set(facts) - FACT_NAMES
    if unknown:
        raise TypeError(f"unknown primitive facts: {', '.join(sorted(unknown))}")
    key = _key(function)
    with _lock:
        record = PRIMITIVES.get(key) or Primitive(function, **policy(function))
        if library:
            facts = {k: v for k, v in facts.items() if k not in record.user_facts}
        else:
            facts["user_facts"] = record.user_facts | set(facts)
        record = dataclasses.replace(record, **facts)
        PRIMITIVES[key] = record
    return record


def _forget(key: Any, fact: str) -> None:
    """Put one fact of the record under ``key`` back to its default."""
    with _lock:
        record = PRIMITIVES.get(key)
        if record is not None:
            default = Primitive.__dataclass_fields__[fact].default
            PRIMITIVES[key] = dataclasses.replace(
                record, **{fact: default, "user_facts": record.user_facts - {fact}})


# NumPy functions that do more than compute a value, with the positions of the arguments they
# write into: they change an argument in place, or do I/O.
NUMPY_EFFECTS: dict[str, tuple[int, ...]] = {
    "copyto": (0,), "put": (0,), "place": (0,), "putmask": (0,), "fill_diagonal": (0,),
    "put_along_axis": (0,), "save": (), "savez": (), "savez_compressed": (), "savetxt": (),
    "load": (), "loadtxt": (), "genfromtxt": (), "fromfile": (), "seterr": (),
    "seterrcall": (), "set_printoptions": (), "setbufsize": (), "shares_memory": ()}


# NumPy functions whose result may be a view of an argument (the others make a new array).
NUMPY_VIEWS = frozenset(getattr(np, name) for name in (
    "reshape", "ravel", "transpose", "swapaxes", "moveaxis", "rollaxis", "squeeze",
    "expand_dims", "broadcast_to", "broadcast_arrays", "atleast_1d", "atleast_2d",
    "atleast_3d", "asarray", "asanyarray", "ascontiguousarray", "asfortranarray", "diagonal",
    "real", "imag", "flip", "fliplr", "flipud", "rot90", "split", "array_split", "hsplit",
    "vsplit", "dsplit", "require", "matrix_transpose", "unstack") if hasattr(np, name))


# What the result's shape of a method (``x.sum()``, ``xs.append(v)``) follows from, by the
# method's name: a value's type is not known before the call.  An unknown method's may depend
# on values.  Declared in tangentlike/templates/methods.py.
METHOD_SHAPES: dict[str, Shape] = {}


def declare_methods(*names: str, shape: Shape) -> None:
    """State what the result shape of the methods called ``names`` follows from."""
    with _lock:
        METHOD_SHAPES.update(dict.fromkeys(names, shape))


def method_shape(name: str) -> Shape:
    """What the result shape of a method called ``name`` follows from (by default: values)."""
    return METHOD_SHAPES.get(name, Shape.FROM_VALUES)


def is_math(function: Any) -> bool:
    """A function of the math module (they all return Python numbers; math.prod aside)."""
    name = getattr(function, "__name__", None)
    return (function is not None and function is not math.prod and isinstance(name, str)
            and getattr(math, name, None) is function)


def policy(function: Any) -> dict[str, Any]:
    """The facts that hold for a function nobody declared, by its module: the ``math``
    module's functions are pure, elementwise and cheap to recompute, and a ufunc's and a
    runtime helper's result shape follows from its arguments' shapes; a ufunc, and a NumPy
    function outside ``numpy.random`` and :data:`NUMPY_EFFECTS`, is pure (those write into
    the arguments listed there).  Dropping the NumPy policy would make every unregistered
    NumPy call impure: kept, saved, never moved."""
    if is_math(function):
        return {"pure": True, "elementwise": True, "cheap": True, "returns": Returns.NEW,
                "shape": Shape.FROM_SHAPES}
    try:
        if isinstance(function, np.ufunc):
            return {"pure": True, "returns": Returns.NEW, "shape": Shape.FROM_SHAPES}
        module = getattr(function, "__module__", None) or ""
    except Exception:  # noqa: BLE001  (a strange object: no policy)
        return {}
    if isinstance(module, str) and module.startswith("tangentlike.runtime") \
            and callable(function):
        return {"shape": Shape.FROM_SHAPES}
    if not (callable(function) and not isinstance(function, type)
            and isinstance(module, str) and module.split(".")[0] == "numpy"):
        return {}
    name = getattr(function, "__name__", "")
    if name in NUMPY_EFFECTS and getattr(np, name, None) is function:
        return {"writes": NUMPY_EFFECTS[name]}
    if module.startswith("numpy.random") or name in NUMPY_EFFECTS:
        return {}
    return {"pure": True,
            "returns": Returns.VIEW if _in(function, NUMPY_VIEWS) else Returns.NEW}


def _in(function: Any, functions: frozenset) -> bool:
    try:
        return function in functions
    except TypeError:  # unhashable
        return False


# Records registered on first use, by the top-level package of the functions they cover: the
# SciPy rules import SciPy, which takes seconds, so they are registered the first time a
# lookup is about a function of SciPy.
_deferred: dict[str, Callable[[], None]] = {}
_deferred_lock = threading.RLock()
_loading: set[str] = set()


def defer(package: str, load: Callable[[], None]) -> None:
    """Call ``load`` (which registers rules) the first time a function of ``package`` (a
    top-level package name, like ``"scipy"``) is looked up, or at ``load_deferred()``."""
    with _deferred_lock:
        _deferred[package] = load


def load_deferred() -> None:
    """Register every deferred rule now (for whoever reads the tables whole: the table of
    supported functions)."""
    while _deferred:
        _load(next(iter(_deferred)))


def _load(package: str) -> None:
    with _deferred_lock:  # one thread loads; the others wait, then find the rules
        load = _deferred.get(package)
        if load is None or package in _loading:  # loaded, or this thread is loading it
            return
        _loading.add(package)
        try:
            load()
        finally:
            _loading.discard(package)
            _deferred.pop(package, None)  # last: a lookup meanwhile waits for the rules


def _package_of(function: Any) -> str | None:
    """The top-level package a function comes from: ``scipy`` for ``scipy.special.gammaln``
    and for the bound method ``scipy.stats.norm.pdf``.  A ufunc does not say its module
    (``scipy.special.erf.__module__`` is None): one that is not NumPy's is taken as SciPy's
    when scipy.special is imported."""
    try:
        module = getattr(function, "__module__", None)
    except Exception:  # noqa: BLE001  (a strange object: not a deferred package's function)
        return None
    if isinstance(module, str):
        return module.partition(".")[0]
    if isinstance(function, np.ufunc) and "scipy.special" in sys.modules:
        return "scipy"
    return None


def _look_up(function: Any) -> Any:
    """``_key(function)``, after registering the deferred rules of its package (an autograd
    wrapper's: the package of the function it wraps)."""
    function = numpy_counterpart(function)
    if _deferred:
        package = _package_of(function)
        if package in _deferred:
            _load(package)
    return _key(function)


def declared(function: Any) -> Primitive | None:
    """The record declared for ``function``, or None."""
    return PRIMITIVES.get(_look_up(function))


def primitive(function: Any) -> Primitive:
    """The record of ``function``: the declared one, or the facts of its module's policy
    (:func:`policy`) over the safe defaults."""
    function = numpy_counterpart(function)
    record = declared(function)
    if record is not None:
        return record
    return Primitive(function, **policy(function))


def container_helper(function: Any) -> bool:
    """A runtime helper (``tangentlike.runtime``) whose declared record says its result may be
    a tuple, list or dict (``add_grad``): in derivative code, its result may be a container."""
    try:
        module = getattr(function, "__module__", None) or ""
    except Exception:  # noqa: BLE001  (a strange object: not a helper)
        return False
    if not (isinstance(module, str) and module.startswith("tangentlike.runtime")):
        return False
    record = PRIMITIVES.get(_key(function))
    return record is not None and record.containers


def tuple_result(function: Any) -> bool:
    """A primitive whose result is a tuple or a list, as its declared record says
    (``np.linalg.lstsq``, ``scipy.linalg.lu_factor``, ``np.split``) or as a ufunc of several
    outputs (``np.modf``): its adjoint is added item by item (``add_grad``, as ``+`` would
    join two of them) even where the whole result is passed on (``lu_solve(lu, b)``)."""
    if isinstance(function, np.ufunc) and function.nout > 1:
        return True  # np.modf, np.divmod: a tuple of arrays
    record = PRIMITIVES.get(_key(function))
    return record is not None and record.tuple_result


def shape_arguments(function: Any) -> tuple[int, ...]:
    """The positions of the arguments ``function`` reads only for their shape, dtype or
    structure, as its declared record says (none for a function nobody declared)."""
    record = PRIMITIVES.get(_key(function))
    return () if record is None else record.shape_arguments
