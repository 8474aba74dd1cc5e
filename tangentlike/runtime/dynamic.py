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
import types
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from tangentlike.errors import ValueRefusedError

GENERATE: Callable[[Callable, tuple[int, ...], str], Any] | None = None
SUMMARY: Callable[[Callable], Any] | None = None
WRAP: Callable[[Any, int, tuple[str, ...]], types.FunctionType] | None = None
# an autograd function's NumPy counterpart (core/counterparts.py; the value itself otherwise)
COUNTERPART: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Record:
    """What ``call_forward`` saves for ``call_backward``: the callee's derivative, the
    arguments it was called with (in its parameter order), for each of the call's ``wrt``
    positions its rank among the callee's, and the callee's own saved values.  (Not a tuple:
    a zero tangent of it is 0.0.)"""

    derivative: Any
    positional: tuple
    keywords: dict
    order: tuple[int, ...]
    saved: Any


class RecordTangent(NamedTuple):
    """The tangent of a :class:`Record` (forward over reverse: ``hvp``): the tangents of the
    arguments (None where none) and of the callee's saved values."""

    positional: tuple
    keywords: dict
    saved: Any


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


def _bind(target: Any, wrt: tuple[int, ...], args: tuple, kwargs: dict) -> Binding:
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


def _fresh(value: Any, inputs: tuple) -> Any:
    """``value`` with every array that may share memory with an array in ``inputs`` copied:
    what these helpers return is new (an identity layer returns its argument)."""
    if isinstance(value, np.ndarray):
        if any(isinstance(i, np.ndarray) and np.may_share_memory(value, i)
               for i in _arrays(inputs)):
            return value.copy()
        return value
    if isinstance(value, (tuple, list)):
        parts = [_fresh(v, inputs) for v in value]
        return type(value)(*parts) if hasattr(value, "_fields") else type(value)(parts)
    if isinstance(value, dict):
        return {k: _fresh(v, inputs) for k, v in value.items()}
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


def _ordered(grads: Any, order: tuple[int, ...]) -> Any:
    """The callee's gradients (one, or a tuple in its order) in the call's order."""
    if len(order) == 1:
        return grads
    return tuple(grads[k] for k in order)


def call_forward(target: Any, wrt: tuple[int, ...], *args: Any, **kwargs: Any,
                 ) -> tuple[Any, Record]:
    """The value of ``target(*args, **kwargs)`` and the record its backward sweep reads."""
    function, positional, keywords, callee_wrt, order, _ = _bind(target, wrt, args, kwargs)
    derivative = GENERATE(function, callee_wrt, "reverse")
    value, saved = derivative.function(*positional, **keywords)
    value = _fresh(value, (positional, keywords))
    return value, Record(derivative, positional, keywords, order, saved)


def call_backward(record: Record, init_grad: Any) -> Any:
    """The adjoints of the call's differentiated arguments (one, or a tuple in the call's
    order) for the adjoint ``init_grad`` of its value."""
    derivative = record.derivative
    grads = derivative.backward(record.saved, *record.positional, **record.keywords,
                                **{derivative.seed: init_grad})
    return _fresh(_ordered(grads, record.order), (record, init_grad))


def call_jvp(target: Any, wrt: tuple[int, ...], args: tuple, kwargs: dict,
             tangents: tuple) -> tuple[Any, Any]:
    """``(tangent, value)`` of ``target(*args, **kwargs)`` along ``tangents`` (one per
    ``wrt`` position, in the call's order)."""
    function, positional, keywords, callee_wrt, order, _ = _bind(target, wrt, args, kwargs)
    derivative = GENERATE(function, callee_wrt, "forward")
    seeds = [None] * len(order)
    for tangent, rank in zip(tangents, order):
        seeds[rank] = tangent
    return _fresh(derivative.function(*positional, *seeds, **keywords),
                  (positional, keywords, tangents))


def _seeds(names: list[str], tangents: dict[str, Any]) -> tuple[tuple[int, ...], list]:
    """The positions (as ``wrt`` counts parameters) that have a tangent, and those tangents."""
    wrt = tuple(i for i, n in enumerate(names) if tangents.get(n) is not None)
    return wrt, [tangents[names[i]] for i in wrt]


def _parameters(function: Callable) -> tuple[list[str], list[str]]:
    """A generated function's positional parameters and keyword-only ones."""
    params = _signature(function).parameters.values()
    return ([p.name for p in params if p.kind is not p.KEYWORD_ONLY],
            [p.name for p in params if p.kind is p.KEYWORD_ONLY])


def call_forward_jvp(target: Any, wrt: tuple[int, ...], args: tuple, kwargs: dict,
                     tangents: tuple, ktangents: dict) -> tuple[Any, Any]:
    """Forward mode over ``call_forward`` (``hvp``): ``((dvalue, drecord), (value, record))``,
    the jvp of the callee's forward half (generated code, differentiated again)."""
    function, positional, keywords, callee_wrt, order, call_names = _bind(
        target, wrt, args, kwargs)
    derivative = GENERATE(function, callee_wrt, "reverse")
    names, kwonly = _parameters(derivative.function)
    given = {**dict(zip(call_names, tangents)), **ktangents}
    jvp_wrt, seeds = _seeds(names + kwonly, given)
    if not jvp_wrt:
        value, saved = derivative.function(*positional, **keywords)
        value = _fresh(value, (positional, keywords))
        return None, (value, Record(derivative, positional, keywords, order, saved))
    jvp = GENERATE(derivative.function, jvp_wrt, "forward")
    (dvalue, dsaved), (value, saved) = _fresh(jvp.function(*positional, *seeds, **keywords),
                                              (positional, keywords, seeds))
    record = Record(derivative, positional, keywords, order, saved)
    drecord = RecordTangent(tuple(given.get(n) for n in names),
                            {n: given.get(n) for n in kwonly}, dsaved)
    return (dvalue, drecord), (value, record)


def call_backward_jvp(record: Record, drecord: Any, init_grad: Any, dinit_grad: Any,
                      ) -> tuple[Any, Any]:
    """Forward mode over ``call_backward`` (``hvp``): ``(dgradients, gradients)``, the jvp of
    the callee's backward half."""
    derivative = record.derivative
    backward = derivative.backward
    names, kwonly = _parameters(backward)
    values = dict(zip(names, (record.saved, *record.positional)))
    values.update(record.keywords)
    values[derivative.seed] = init_grad
    tangents: dict[str, Any] = {derivative.seed: dinit_grad}
    if isinstance(drecord, RecordTangent):
        tangents[names[0]] = drecord.saved
        tangents.update(zip(names[1:], drecord.positional))
        tangents.update(drecord.keywords)
    jvp_wrt, seeds = _seeds(names + kwonly, tangents)
    positional = [values[n] for n in names]
    keyword_only = {n: values[n] for n in kwonly}
    if not jvp_wrt:
        return None, _fresh(_ordered(backward(*positional, **keyword_only), record.order),
                            (positional, keyword_only))
    jvp = GENERATE(backward, jvp_wrt, "forward")
    dgrads, grads = _fresh(jvp.function(*positional, *seeds, **keyword_only),
                           (positional, keyword_only, seeds))
    return _ordered(dgrads, record.order), _ordered(grads, record.order)


HELPERS = (call_forward, call_backward, call_jvp)
# forward mode over reverse mode's helpers (hvp): their tangent is the helper's jvp
JVPS = {call_forward: call_forward_jvp, call_backward: call_backward_jvp}
