"""Calls whose callee is known only when they run: a method of an object (``layer.forward(x)``,
``self.encode(x)``), an object with ``__call__`` (``layer(x)``), a function held in a variable
(``f = fs[i]; f(x)``).  The derivative calls these helpers, which find the Python function the
call runs (a bound method's function with its object first, a callable object's
``__call__``, a ``functools.partial``'s function with its arguments), have its derivative
generated (once per function and differentiated positions, then cached, as for a call the
compiler sees) and run it:

    y, y_saved = call_forward(layer, (0,), x)      # forward sweep: value and saved record
    bx = call_backward(y_saved, by)                # backward sweep: the arguments' adjoints
    dy, y = call_jvp(layer, (0,), (x,), {}, (dx,)) # forward mode

``wrt`` counts the call's own arguments (positional, then keywords as written).  The object
a method is called on, and anything else the callee reads from it, is a constant.

The compiler is above this layer: ``GENERATE`` is set by :mod:`tangentlike.pipeline` to the
function that returns a derivative's halves (``generate(function, wrt, mode)``),
``SUMMARY`` to the one that says which parameters a function changes in place, ``WRAP``
to the one that writes a function calling a callable that has no Python source, and
``COUNTERPART`` to the one that maps an autograd function to NumPy's.
"""
from __future__ import annotations

import functools
import inspect
import sys
import types
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.pytrees import is_method, is_node, method_in_class

GENERATE: Callable[[Callable, tuple[int, ...], str], Any] | None = None
SUMMARY: Callable[[Callable], Any] | None = None
WRAP: Callable[[Any, int, tuple[str, ...]], types.FunctionType] | None = None
# an autograd function's NumPy counterpart (core/counterparts.py; the value itself otherwise)
COUNTERPART: Callable[[Any], Any] | None = None
# The user's line a helper call in generated code runs (frontend.library.calling_site).
WHERE: Callable[[Any], Any] | None = None


class Record:
    """What ``call_forward`` saves for ``call_backward``: the callee's derivative, the
    arguments it was called with (in its parameter order), for each of the call's ``wrt``
    positions its rank among the callee's, and the callee's own saved values.  ``varied``:
    the callee's parameters that carry a derivative when the derivative is differentiated
    again (grad of grad).  (A plain class, neither a tuple nor a dataclass: a zero
    derivative of it is 0.0.)"""

    __slots__ = ("derivative", "positional", "keywords", "order", "saved", "varied")

    def __init__(self, derivative: Any, positional: tuple, keywords: dict,
                 order: tuple[int, ...], saved: Any, varied: frozenset = frozenset()):
        self.derivative, self.positional, self.keywords = derivative, positional, keywords
        self.order, self.saved, self.varied = order, saved, varied


class RecordTangent:
    """The tangent or adjoint of a :class:`Record` (a derivative of a derivative): those of
    the arguments (None where none) and of the callee's saved values.  Adjoints add up (0.0
    is the adjoint of a record nothing flowed back to).  A plain class, as Record."""

    __slots__ = ("positional", "keywords", "saved")

    def __init__(self, positional: tuple, keywords: dict, saved: Any):
        self.positional, self.keywords, self.saved = positional, keywords, saved

    def __add__(self, other: Any) -> RecordTangent:
        if other is None or (isinstance(other, float) and other == 0.0):
            return self
        from tangentlike.runtime import add_grad

        def both(a: Any, b: Any) -> Any:
            return b if a is None else a if b is None else add_grad(a, b)

        return RecordTangent(
            tuple(both(a, b) for a, b in zip(self.positional, other.positional)),
            {k: both(v, other.keywords[k]) for k, v in self.keywords.items()},
            both(self.saved, other.saved))

    __radd__ = __add__


def _callee(target: Any, n_args: int, keywords: tuple[str, ...],
            ) -> tuple[types.FunctionType, tuple, dict]:
    """The Python function a call of ``target`` with ``n_args`` positional arguments and
    ``keywords`` runs, with the arguments it puts first.  A function with no Python source (a
    NumPy function, a ufunc: ``f = fs[i]; f(x)``) is called by a function written for the
    call (``WRAP``: ``def call_sin(a0): return f(a0)``, ``f`` a closure cell); an autograd
    function (``autograd.numpy.tanh`` held in a variable) is its NumPy counterpart's."""
    if COUNTERPART is not None and isinstance(target, types.FunctionType):
        mapped = COUNTERPART(target)
        if not callable(mapped):
            raise ValueRefusedError(
                f"the derivative calls {mapped!r} through a variable: autograd's own function, "
                "which has no NumPy or SciPy counterpart that tangentlike could differentiate",
                hint="call a NumPy function, or your own")
        target = mapped
    if isinstance(target, types.MethodType) and isinstance(target.__func__,
                                                           types.FunctionType):
        return target.__func__, (target.__self__,), {}
    if isinstance(target, functools.partial):
        function, lead, given = _callee(target.func, n_args + len(target.args),
                                        (*target.keywords, *keywords))
        return function, (*lead, *target.args), {**given, **target.keywords}
    if isinstance(target, types.FunctionType):
        stands_for = getattr(target, "stands_for", None)
        return (stands_for if isinstance(stands_for, types.FunctionType) else target), (), {}
    if isinstance(getattr(target, "stands_for", None), types.FunctionType):
        return target.stands_for, (), {}  # a derivative tangentlike made
    call = next((c.__dict__["__call__"] for c in type(target).__mro__
                 if "__call__" in c.__dict__), None)
    if isinstance(call, types.FunctionType):
        return call, (target,), {}
    owner = getattr(target, "__self__", None)
    if isinstance(target, types.BuiltinMethodType) and isinstance(
            owner, (dict, list, tuple, set, str, np.ndarray)):
        raise ValueRefusedError(
            f"the derivative calls {type(owner).__name__}.{target.__name__}, a method of a "
            "built-in container or an array found when the call runs, on a differentiated "
            "argument: it has no derivative rule", hint="index the container, or call a "
            "function of yours")
    if callable(target) and WRAP is not None:
        return WRAP(target, n_args, keywords), (), {}
    raise ValueRefusedError(
        f"the derivative calls {target!r} through a variable or a method, and it is not a "
        "function, method or object with a __call__ method", hint="call a function")


def method_of(obj: Any, name: str) -> types.FunctionType:
    """The function ``obj.name(...)`` runs, for an object that carries a derivative (a
    dataclass, named tuple or registered class differentiated): the derivative calls it
    with the object as its first, differentiated, argument (``call_forward(method_of(p,
    'forward'), (0, 1), p, x)``).  Only a method defined with ``def`` in the object's class;
    a staticmethod, a classmethod, a function held in a field or one with no source is
    refused."""
    if isinstance(obj, (types.FunctionType, functools.partial)):
        raise _located(ValueRefusedError(
            "a function made from differentiated values (a closure or a lambda that a call "
            "returned) is called: tangentlike does not follow the derivative through the "
            "values it holds", hint="pass the differentiated values to the function as "
            "arguments"))
    if not is_node(obj):
        raise _located(ValueRefusedError(
            f"the method {type(obj).__name__}.{name} is called on a value that carries a "
            "derivative: tangentlike passes a derivative to a method only for dataclasses, "
            "named tuples, registered classes and plain objects", hint="call a function with "
            "the arrays as arguments, or make the class a dataclass (or register it as a "
            "pytree)"))
    if is_method(obj, name):
        return method_in_class(obj, name)
    raise _located(ValueRefusedError(
        f"{type(obj).__name__}.{name}, called on a value that carries a derivative, is not a "
        "method defined with def in its class (a staticmethod, a classmethod, a function "
        "held in a field, a builtin's method): tangentlike cannot pass the derivative to it",
        hint=f"define {name} with def in the class {type(obj).__name__}, or call a function "
        "with the object's arrays as arguments"))


def _located(error: ValueRefusedError) -> ValueRefusedError:
    """``error`` at the user's line the generated code calling ``method_of`` runs."""
    where = WHERE(sys._getframe(2)) if WHERE is not None else None
    if where is not None:
        error.location = where
        error.args = (str(error),)
    return error


class Binding(NamedTuple):
    """A call bound to the function it runs: the function, its positional and keyword-only
    arguments (defaults filled in), its differentiated positions (as ``wrt`` counts them),
    for each of the call's ``wrt`` positions its rank among those, and the parameters the
    call's positional arguments go to."""

    function: types.FunctionType
    positional: tuple
    keywords: dict
    wrt: tuple[int, ...]
    order: tuple[int, ...]
    call_names: list[str]


# Signatures of the functions called, by function (checked against its code and defaults):
# inspect.signature is slow, and a dynamic call is on the derivative's hot path.
_SIGNATURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _signature(function: types.FunctionType) -> inspect.Signature:
    made = (function.__code__, function.__defaults__, function.__kwdefaults__)
    cached = _SIGNATURES.get(function)
    if cached is None or cached[0] != made:
        cached = _SIGNATURES[function] = (made, inspect.signature(function))
    return cached[1]


def bind(target: Any, wrt: tuple[int, ...], args: tuple, kwargs: dict) -> Binding:
    """``target(*args, **kwargs)`` bound to the function it runs (see :class:`Binding`)."""
    function, lead, keywords = _callee(target, len(args), tuple(kwargs))
    signature = _signature(function)
    params = list(signature.parameters.values())
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        raise ValueRefusedError(
            f"{function.__qualname__}, called through a variable or a method, takes *args or "
            "**kwargs", hint="name its parameters")
    bound = signature.bind(*lead, *args, **keywords, **kwargs)
    bound.apply_defaults()
    names = [p.name for p in params]
    call_names = [names[len(lead) + i] for i in range(len(args))] + list(kwargs)
    positions = [names.index(call_names[i]) for i in wrt]
    callee_wrt = tuple(sorted(positions))
    order = tuple(callee_wrt.index(p) for p in positions)
    positional = tuple(bound.arguments[p.name] for p in params if p.kind is not p.KEYWORD_ONLY)
    keyword_only = {p.name: bound.arguments[p.name] for p in params
                    if p.kind is p.KEYWORD_ONLY}
    _check_unchanged(function, bound.arguments)
    return Binding(function, positional, keyword_only, callee_wrt, order, call_names)


def _check_unchanged(function: types.FunctionType, arguments: dict[str, Any]) -> None:
    """A callee that changes an argument in place is refused: the derivative runs a half of
    it that changes nothing (as for every call of your functions), and its own derivative
    reads the values it was given."""
    summary = SUMMARY(function) if SUMMARY is not None else None
    if summary is None:
        return
    for name, value in arguments.items():
        if name in summary.changed or (name in summary.checked
                                       and isinstance(value, np.ndarray)):
            raise ValueRefusedError(
                f"{function.__qualname__}, called through a variable or a method, changes its "
                f"parameter {name!r} in place", hint="return the new value instead of "
                "changing the argument (or the object's attribute)")


def fresh(value: Any, inputs: tuple) -> Any:
    """``value`` with every array that may share memory with an array in ``inputs`` copied:
    what these helpers return is new (an identity layer returns its argument)."""
    if isinstance(value, np.ndarray):
        if any(isinstance(i, np.ndarray) and np.may_share_memory(value, i)
               for i in _arrays(inputs)):
            return value.copy()
        return value
    if isinstance(value, (tuple, list)):
        parts = [fresh(v, inputs) for v in value]
        return type(value)(*parts) if hasattr(value, "_fields") else type(value)(parts)
    if isinstance(value, dict):
        return {k: fresh(v, inputs) for k, v in value.items()}
    return value


def _arrays(values: Any) -> list:
    """The arrays in a structure of tuples, lists, dicts and records."""
    if isinstance(values, np.ndarray):
        return [values]
    if isinstance(values, (tuple, list)):
        return [a for v in values for a in _arrays(v)]
    if isinstance(values, dict):
        return [a for v in values.values() for a in _arrays(v)]
    if isinstance(values, Record):
        return _arrays((values.positional, values.keywords, values.saved))
    return []


def ordered(grads: Any, order: tuple[int, ...]) -> Any:
    """The callee's gradients (one, or a tuple in its order) in the call's order."""
    if len(order) == 1:
        return grads
    return tuple(grads[k] for k in order)


def call_forward(target: Any, wrt: tuple[int, ...], *args: Any, **kwargs: Any,
                 ) -> tuple[Any, Record]:
    """The value of ``target(*args, **kwargs)`` and the record its backward sweep reads.
    ``target`` may be one of these helpers (grad of grad: :mod:`runtime.rederive`)."""
    if is_helper(target):
        from tangentlike.runtime import rederive
        return rederive.forward(target, wrt, args, kwargs)
    function, positional, keywords, callee_wrt, order, _ = bind(target, wrt, args, kwargs)
    derivative = GENERATE(function, callee_wrt, "reverse")
    value, saved = derivative.function(*positional, **keywords)
    value = fresh(value, (positional, keywords))
    return value, Record(derivative, positional, keywords, order, saved)


def call_backward(record: Record, init_grad: Any) -> Any:
    """The adjoints of the call's differentiated arguments (one, or a tuple in the call's
    order) for the adjoint ``init_grad`` of its value."""
    if not isinstance(record, Record):  # a helper's call differentiated (runtime.rederive)
        from tangentlike.runtime import rederive
        return rederive.backward(record, init_grad)
    derivative = record.derivative
    grads = derivative.backward(record.saved, *record.positional, **record.keywords,
                                **{derivative.seed: init_grad})
    return fresh(ordered(grads, record.order), (record, init_grad))


def call_jvp(target: Any, wrt: tuple[int, ...], args: tuple, kwargs: dict,
             tangents: tuple) -> tuple[Any, Any]:
    """``(tangent, value)`` of ``target(*args, **kwargs)`` along ``tangents`` (one per
    ``wrt`` position, in the call's order).  ``target`` may be one of these helpers
    (forward over reverse or over forward: :mod:`runtime.rederive`)."""
    if is_helper(target):
        from tangentlike.runtime import rederive
        return rederive.jvp(target, wrt, args, kwargs, tangents)
    function, positional, keywords, callee_wrt, order, _ = bind(target, wrt, args, kwargs)
    derivative = GENERATE(function, callee_wrt, "forward")
    seeds = [None] * len(order)
    for tangent, rank in zip(tangents, order):
        seeds[rank] = tangent
    return fresh(derivative.function(*positional, *seeds, **keywords),
                  (positional, keywords, tangents))


def parameters(function: Callable) -> tuple[list[str], list[str]]:
    """A generated function's positional parameters and keyword-only ones."""
    params = _signature(function).parameters.values()
    return ([p.name for p in params if p.kind is not p.KEYWORD_ONLY],
            [p.name for p in params if p.kind is p.KEYWORD_ONLY])


HELPERS = (call_forward, call_backward, call_jvp)


def is_helper(target: Any) -> bool:
    """``target`` is one of these helpers (compared by identity: a callee may be anything)."""
    return any(target is helper for helper in HELPERS)
