"""Derivatives of :mod:`tangentlike.runtime.dynamic`'s helpers: a derivative of a derivative
through a call whose callee is found when it runs (grad of grad, forward over forward,
reverse over forward, forward over reverse).  Each helper runs generated code -- the callee's
forward half (``call_forward``), its backward half (``call_backward``), its jvp
(``call_jvp``) -- so the helper's derivative is the derivative of that generated function,
generated (and cached) when the call runs.  Differentiated again, a helper's call is itself a
call found when it runs, with the helper as the callee:

    y, y_saved = call_forward(call_forward, (2,), layer, (0,), x)   # grad of grad
    bx = call_backward(y_saved, by)
    dy, y = call_jvp(call_jvp, (2, 4), (layer, (0,), args, {}, tangents), {}, (dargs, dtangents))

A :class:`Step` is a helper's call as a call of generated code: the function, the values of
its parameters, which parameters each of the helper's arguments gives (an argument, a tuple of
arguments, the record ``call_forward`` made), and how the function's value becomes the
helper's.  A third derivative through such a call is refused when it is generated.
"""
from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tangentlike.runtime import add_grad, dynamic, zeros_like
from tangentlike.runtime.dynamic import Record, RecordTangent
from tangentlike.runtime.pytrees import children, is_node


@dataclass(frozen=True)
class Feed:
    """The parameters one argument of a helper gives the generated function: ``one`` (the
    argument itself), ``parts`` (a tuple's elements, None where an element gives none),
    ``keys`` (a dict's values by key) or, for a :class:`Record`, ``record``: its saved
    values' parameter, then its positional and keyword arguments' parameters."""

    one: str | None = None
    parts: tuple[str | None, ...] | None = None
    keys: dict[str, str] | None = None
    record: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None


@dataclass
class Step:
    """A helper's call as a call of generated code (see the module's docstring)."""

    helper: Callable
    function: types.FunctionType
    names: list[str]  # its positional parameters
    kwonly: list[str]  # its keyword-only parameters
    values: dict[str, Any]  # each parameter's value
    feeds: dict[int | str, Feed]  # the helper's argument (position or keyword) -> parameters
    order: tuple[int, ...] = ()  # the call's wrt positions' ranks among the callee's
    made: Any = None  # call_forward: the callee's derivative whose forward half this is

    def run(self, function: Callable, *extra: Any) -> Any:
        return function(*(self.values[n] for n in self.names), *extra,
                        **{n: self.values[n] for n in self.kwonly})

    def finish(self, value: Any, varied: frozenset = frozenset()) -> Any:
        """The helper's value from the function's."""
        if self.helper is dynamic.call_forward:
            result, saved = value
            return result, Record(self.made, tuple(self.values[n] for n in self.names),
                                  {n: self.values[n] for n in self.kwonly}, self.order,
                                  saved, varied)
        if self.helper is dynamic.call_backward:
            return dynamic.ordered(value, self.order)
        return value

    def tangent(self, dvalue: Any, given: dict[str, Any]) -> Any:
        """The tangent of the helper's value from the function's and its inputs'."""
        if self.helper is dynamic.call_forward:
            dresult, dsaved = dvalue
            return dresult, RecordTangent(tuple(given.get(n) for n in self.names),
                                          {n: given.get(n) for n in self.kwonly}, dsaved)
        return self.finish(dvalue)

    def seed(self, adjoint: Any, value: Any) -> Any:
        """The adjoint of the function's value from the helper's (``value``: the
        function's)."""
        if self.helper is dynamic.call_forward:
            if _is_zero(adjoint):
                return zeros_like(value)
            result, record = adjoint
            saved = record.saved if isinstance(record, RecordTangent) else None
            return (_or_zero(result, value[0]), _or_zero(saved, value[1]))
        if _is_zero(adjoint):
            return zeros_like(value)
        if self.helper is dynamic.call_backward and len(self.order) > 1:
            return tuple(adjoint[self.order.index(rank)] for rank in range(len(self.order)))
        return adjoint

    def passed_through(self, adjoint: Any) -> dict[str, Any]:
        """Adjoints that reach parameters other than through the function: the record
        ``call_forward`` returns holds its arguments."""
        if self.helper is not dynamic.call_forward or _is_zero(adjoint):
            return {}
        record = adjoint[1]
        if not isinstance(record, RecordTangent):
            return {}
        passed = dict(zip(self.names, record.positional))
        passed.update(record.keywords)
        return {n: g for n, g in passed.items() if g is not None}


def _is_zero(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value == 0.0)


def _or_zero(derivative: Any, value: Any) -> Any:
    return zeros_like(value) if _is_zero(derivative) else derivative


def _differentiable(value: Any) -> bool:
    """A value a derivative can flow through (not an integer, string, None or object)."""
    if isinstance(value, (bool, int, str, type(None))):
        return False
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc"
    return True


# -- each helper's call as a Step -------------------------------------------------------------

def _forward_step(args: tuple, kwargs: dict) -> Step:
    """``call_forward(target, wrt, *call_args, **kwargs)``: the callee's forward half."""
    target, wrt, *call_args = args
    bound = dynamic.bind(target, wrt, tuple(call_args), kwargs)
    made = dynamic.GENERATE(bound.function, bound.wrt, "reverse")
    names, kwonly = dynamic.parameters(made.function)
    values = {**dict(zip(names, bound.positional)), **bound.keywords}
    feeds: dict[int | str, Feed] = {
        2 + i: Feed(one=n) for i, n in enumerate(bound.call_names[:len(call_args)])}
    feeds.update({k: Feed(one=k) for k in kwargs})
    feeds.update(_receiver(target, names))
    return Step(dynamic.call_forward, made.function, names, kwonly, values, feeds,
                order=bound.order, made=made)


def _receiver(target: Any, names: list[str]) -> dict[int | str, Feed]:
    """The callee a method of a differentiated object (``p.forward``, its derivative that of
    ``p``: ``pytrees.field_of``) gives its object to the function's first parameter."""
    if isinstance(target, types.MethodType) and is_node(target.__self__):
        return {0: Feed(one=names[0])}
    return {}


def _backward_step(args: tuple, kwargs: dict) -> Step:
    """``call_backward(record, seed)``: the callee's backward half."""
    record, seed = args
    made = record.derivative
    names, kwonly = dynamic.parameters(made.backward)
    values = dict(zip(names, (record.saved, *record.positional)))
    values.update(record.keywords)
    values[made.seed] = seed
    given = Feed(record=(names[0], tuple(names[1:1 + len(record.positional)]),
                         tuple(record.keywords)))
    return Step(dynamic.call_backward, made.backward, names, kwonly, values,
                {0: given, 1: Feed(one=made.seed)}, order=record.order)


def _jvp_step(args: tuple, kwargs: dict) -> Step:
    """``call_jvp(target, wrt, call_args, call_kwargs, tangents)``: the callee's jvp."""
    target, wrt, call_args, call_kwargs, tangents = args
    bound = dynamic.bind(target, wrt, tuple(call_args), dict(call_kwargs))
    made = dynamic.GENERATE(bound.function, bound.wrt, "forward")
    names, kwonly = dynamic.parameters(made.function)
    seed_names = names[len(bound.positional):len(bound.positional) + len(bound.wrt)]
    values = dict(zip(names, bound.positional))
    for tangent, rank in zip(tangents, bound.order):
        values[seed_names[rank]] = tangent
    values.update(bound.keywords)
    feeds = {2: Feed(parts=tuple(bound.call_names[:len(call_args)])),
             3: Feed(keys={k: k for k in call_kwargs}),
             4: Feed(parts=tuple(seed_names[rank] for rank in bound.order)),
             **_receiver(target, names)}
    return Step(dynamic.call_jvp, made.function, names, kwonly, values, feeds)


STEPS: dict[Callable, Callable[[tuple, dict], Step]] = {
    dynamic.call_forward: _forward_step, dynamic.call_backward: _backward_step,
    dynamic.call_jvp: _jvp_step}


def _step(helper: Callable, args: tuple, kwargs: dict) -> Step:
    if helper is not dynamic.call_backward and args and dynamic.is_helper(args[0]):
        raise dynamic.ValueRefusedError(
            "a third derivative through a call whose function is known only when it runs",
            hint="differentiate twice at most through such a call")
    return STEPS[helper](args, kwargs)


def _keys(args: tuple, kwargs: dict, wrt: tuple[int, ...]) -> list[int | str]:
    """The helper's arguments at the ``wrt`` positions: positions, then keywords."""
    keys: list[int | str] = [*range(len(args)), *kwargs]
    return [keys[i] for i in wrt]


def _argument(args: tuple, kwargs: dict, key: int | str) -> Any:
    return args[key] if isinstance(key, int) else kwargs[key]


def _spread(feed: Feed, tangent: Any, given: dict[str, Any]) -> None:
    """The tangents ``feed``'s parameters get from the argument's ``tangent``."""
    if tangent is None:
        return
    if feed.one is not None:
        given[feed.one] = tangent
    elif feed.parts is not None:
        given.update((n, t) for n, t in zip(feed.parts, tangent) if n is not None)
    elif feed.keys is not None:
        given.update((n, tangent[k]) for k, n in feed.keys.items())
    elif isinstance(tangent, RecordTangent):
        saved, positional, keywords = feed.record
        given[saved] = tangent.saved
        given.update(zip(positional, tangent.positional))
        given.update((k, tangent.keywords.get(k)) for k in keywords)


def _fed(feed: Feed, value: Any) -> list[str]:
    """The parameters ``feed`` gives that a derivative can flow through."""
    if feed.one is not None:
        return [feed.one]
    if feed.parts is not None:
        return [n for n, v in zip(feed.parts, value) if n is not None and _differentiable(v)]
    if feed.keys is not None:
        return [n for k, n in feed.keys.items() if _differentiable(value[k])]
    saved, positional, keywords = feed.record
    return [saved, *(n for n in (*positional, *keywords) if n in value.varied)]


def _gathered(feed: Feed, value: Any, adjoints: dict[str, Any]) -> Any:
    """The argument's adjoint from its parameters'."""
    def of(name: str | None, part: Any) -> Any:
        return _or_zero(adjoints.get(name), part)

    if feed.one is not None:
        return of(feed.one, value)
    if feed.parts is not None:
        return tuple(of(n, v) for n, v in zip(feed.parts, value))
    if feed.keys is not None:
        return {k: of(n, value[k]) for k, n in feed.keys.items()}
    saved, positional, keywords = feed.record
    return RecordTangent(tuple(adjoints.get(n) for n in positional),
                         {k: adjoints.get(k) for k in keywords}, adjoints.get(saved))


def _check_zero(tangent: Any, step: Step) -> None:
    """A tangent of the called object, which the call takes as a constant (an object that is
    not a differentiated pytree's method): right only if it is zero."""
    if tangent is None or not any(np.any(leaf) for leaf in _leaves(tangent)):
        return
    raise dynamic.ValueRefusedError(
        f"{step.function.__qualname__} is called through an object that carries a derivative, "
        "which the call does not follow", hint="pass the differentiated values as arguments")


def _leaves(x: Any) -> list[Any]:
    if is_node(x):
        return [leaf for child in children(x) for leaf in _leaves(child)]
    if isinstance(x, (tuple, list)):
        return [leaf for child in x for leaf in _leaves(child)]
    if isinstance(x, dict):
        return [leaf for child in x.values() for leaf in _leaves(child)]
    return [x] if isinstance(x, (float, complex, np.ndarray, np.generic)) else []


def _positions(step: Step, names: set[str]) -> tuple[int, ...]:
    return tuple(i for i, n in enumerate(step.names + step.kwonly)
                 if n in names and _differentiable(step.values[n]))


# -- the derivatives --------------------------------------------------------------------------

def jvp(helper: Callable, wrt: tuple[int, ...], args: tuple, kwargs: dict,
        tangents: tuple) -> tuple[Any, Any]:
    """Forward mode over ``helper(*args, **kwargs)``: ``(tangent, value)``."""
    step = _step(helper, args, kwargs)
    given: dict[str, Any] = {}
    for key, tangent in zip(_keys(args, kwargs, wrt), tangents):
        if key not in step.feeds:  # the callee, a constant of the call (flat.Unflatten)
            _check_zero(tangent, step)
            continue
        _spread(step.feeds[key], tangent, given)
    positions = _positions(step, {n for n, t in given.items() if t is not None})
    if not positions:
        return None, step.finish(dynamic.fresh(step.run(step.function), (step.values,)))
    made = dynamic.GENERATE(step.function, positions, "forward")
    every = step.names + step.kwonly
    seeds = [given[every[i]] for i in positions]
    dvalue, value = dynamic.fresh(step.run(made.function, *seeds), (step.values, seeds))
    return step.tangent(dvalue, given), step.finish(value)


@dataclass(frozen=True)
class StepRecord:
    """What reverse mode over a helper saves for its backward sweep."""

    derivative: Any  # the generated function's halves (None: nothing differentiated)
    step: Step
    args: tuple
    kwargs: dict
    keys: list[int | str]  # the differentiated arguments
    differentiated: list[str]  # their parameters, in the function's order
    value: Any  # the function's value
    saved: Any


def forward(helper: Callable, wrt: tuple[int, ...], args: tuple, kwargs: dict,
            ) -> tuple[Any, StepRecord]:
    """Reverse mode over ``helper(*args, **kwargs)``: its value and the record its backward
    sweep reads."""
    step = _step(helper, args, kwargs)
    keys = _keys(args, kwargs, wrt)
    fed = {n for k in keys for n in _fed(step.feeds[k], _argument(args, kwargs, k))}
    positions = _positions(step, fed)
    every = step.names + step.kwonly
    varied = frozenset(n for n in fed if n in step.values)
    if not positions:
        value = dynamic.fresh(step.run(step.function), (step.values,))
        return step.finish(value), StepRecord(None, step, args, kwargs, keys, [], value, None)
    made = dynamic.GENERATE(step.function, positions, "reverse")
    value, saved = dynamic.fresh(step.run(made.function), (step.values,))
    return (step.finish(value, varied),
            StepRecord(made, step, args, kwargs, keys, [every[i] for i in positions], value,
                       saved))


def backward(record: StepRecord, adjoint: Any) -> Any:
    """The adjoints of the differentiated arguments of the helper's call (one, or a tuple in
    the call's order)."""
    step, made = record.step, record.derivative
    adjoints: dict[str, Any] = {}
    if made is not None:
        grads = made.backward(record.saved, *(step.values[n] for n in step.names),
                              **{n: step.values[n] for n in step.kwonly},
                              **{made.seed: step.seed(adjoint, record.value)})
        if len(record.differentiated) == 1:
            grads = (grads,)
        adjoints = dict(zip(record.differentiated, grads))
    for name, passed in step.passed_through(adjoint).items():
        adjoints[name] = add_grad(adjoints[name], passed) if name in adjoints else passed
    grads = [_gathered(step.feeds[k], _argument(record.args, record.kwargs, k), adjoints)
             for k in record.keys]
    return grads[0] if len(grads) == 1 else tuple(grads)
