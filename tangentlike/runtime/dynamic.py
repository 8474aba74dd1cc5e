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
function that returns a derivative's halves (``generate(function, wrt, mode)``), and
``SUMMARY`` to the one that says which parameters a function changes in place.
"""
from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from tangentlike.errors import ValueRefusedError

GENERATE: Callable[[Callable, tuple[int, ...], str], Any] | None = None
SUMMARY: Callable[[Callable], Any] | None = None


class Record(NamedTuple):
    """What ``call_forward`` saves for ``call_backward``: the callee's derivative, the
    arguments it was called with (in its parameter order), the positions differentiated (the
    call's and the callee's), and the callee's own saved values."""

    derivative: Any
    positional: tuple
    keywords: dict
    order: tuple[int, ...]  # for each of the call's wrt positions, its rank in the callee's
    saved: Any


def _callee(target: Any) -> tuple[types.FunctionType, tuple, dict]:
    """The Python function a call of ``target`` runs, with the arguments it puts first."""
    if isinstance(target, types.MethodType) and isinstance(target.__func__,
                                                           types.FunctionType):
        return target.__func__, (target.__self__,), {}
    if isinstance(target, functools.partial):
        function, lead, keywords = _callee(target.func)
        return function, (*lead, *target.args), {**keywords, **target.keywords}
    if isinstance(target, types.FunctionType):
        stands_for = getattr(target, "stands_for", None)
        return (stands_for if isinstance(stands_for, types.FunctionType) else target), (), {}
    if isinstance(getattr(target, "stands_for", None), types.FunctionType):
        return target.stands_for, (), {}  # a derivative tangentlike made
    call = next((c.__dict__["__call__"] for c in type(target).__mro__
                 if "__call__" in c.__dict__), None)
    if isinstance(call, types.FunctionType):
        return call, (target,), {}
    raise ValueRefusedError(
        f"the derivative calls {target!r} through a variable or a method, and it is not a "
        "Python function, method or object with a __call__ method written in Python, so "
        "tangentlike cannot read what it does",
        hint="call the function by its name (np.sin(x), not f = np.sin; f(x)) or wrap it in "
        "a function defined with def")


def _bind(target: Any, wrt: tuple[int, ...], args: tuple, kwargs: dict,
          ) -> tuple[types.FunctionType, tuple, dict, tuple[int, ...], tuple[int, ...]]:
    """The callee, its positional and keyword-only arguments (defaults filled in), its
    differentiated positions (as ``wrt`` counts them), and for each of the call's ``wrt``
    positions its rank among those."""
    function, lead, keywords = _callee(target)
    signature = inspect.signature(function)
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
    return function, positional, keyword_only, callee_wrt, order


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


def _ordered(grads: Any, order: tuple[int, ...]) -> Any:
    """The callee's gradients (one, or a tuple in its order) in the call's order."""
    if len(order) == 1:
        return grads
    return tuple(grads[k] for k in order)


def call_forward(target: Any, wrt: tuple[int, ...], *args: Any, **kwargs: Any,
                 ) -> tuple[Any, Record]:
    """The value of ``target(*args, **kwargs)`` and the record its backward sweep reads."""
    function, positional, keywords, callee_wrt, order = _bind(target, wrt, args, kwargs)
    derivative = GENERATE(function, callee_wrt, "reverse")
    value, saved = derivative.function(*positional, **keywords)
    return value, Record(derivative, positional, keywords, order, saved)


def call_backward(record: Record, init_grad: Any) -> Any:
    """The adjoints of the call's differentiated arguments (one, or a tuple in the call's
    order) for the adjoint ``init_grad`` of its value."""
    derivative = record.derivative
    grads = derivative.backward(record.saved, *record.positional, **record.keywords,
                                **{derivative.seed: init_grad})
    return _ordered(grads, record.order)


def call_jvp(target: Any, wrt: tuple[int, ...], args: tuple, kwargs: dict,
             tangents: tuple) -> tuple[Any, Any]:
    """``(tangent, value)`` of ``target(*args, **kwargs)`` along ``tangents`` (one per
    ``wrt`` position, in the call's order)."""
    function, positional, keywords, callee_wrt, order = _bind(target, wrt, args, kwargs)
    derivative = GENERATE(function, callee_wrt, "forward")
    seeds = [None] * len(order)
    for tangent, rank in zip(tangents, order):
        seeds[rank] = tangent
    return derivative.function(*positional, *seeds, **keywords)


HELPERS = (call_forward, call_backward, call_jvp)
