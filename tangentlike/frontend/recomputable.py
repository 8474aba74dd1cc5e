"""Whether a function may be run again in the backward pass (``tangentlike.checkpoint``):
not if it draws random numbers, which a second run would draw anew.

The function's source is read, and the source of each of your functions it calls, for calls
of ``numpy.random`` and ``random`` (the modules' functions, a ``Generator``'s, a
``RandomState``'s or a ``random.Random``'s methods, a generator reached through a global) and
for method calls, on a local value, named like a generator's methods (``rng.normal(...)``, with
``rng`` an argument: its type is known only when the call runs)."""
from __future__ import annotations

import random
import types
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.core.resolve import resolve_in
from tangentlike.errors import Location, TangentlikeError
from tangentlike.frontend.parsing import ParsedFunction, parse_function
from tangentlike.rules.checkpoint import checkpointed_function

_GENERATORS = (np.random.Generator, np.random.RandomState, np.random.BitGenerator,
               random.Random)
# the methods of the generators (their public names), by which a method call of a local
# value is taken for a draw
GENERATOR_METHODS = frozenset(
    name for kind in (np.random.Generator, np.random.RandomState, random.Random)
    for name in dir(kind) if not name.startswith("_")
    and name not in {"seed", "getstate", "setstate", "get_state", "set_state", "bit_generator",
                     "spawn", "VERSION"})


def _draws(value: Any) -> bool:
    if isinstance(value, _GENERATORS) or isinstance(getattr(value, "__self__", None),
                                                    _GENERATORS):
        return True
    module = getattr(value, "__module__", None)
    return isinstance(module, str) and (module.startswith("numpy.random") or module == "random")


def random_draw(func: Any, seen: set | None = None) -> Location | None:
    """The first call in ``func`` (or in a function of yours it calls) that may draw random
    numbers; None when there is none it can see."""
    seen = set() if seen is None else seen
    if id(func) in seen or not isinstance(func, types.FunctionType):
        return None
    seen.add(id(func))
    try:
        parsed = parse_function(func)
    except TangentlikeError:
        return None  # no source: nothing to read (its call is refused elsewhere if need be)
    return _draw_in(parsed, seen)


def _draw_in(parsed: ParsedFunction, seen: set) -> Location | None:
    local = syntax.stored_names(parsed.node) | {
        a.id for a in gast.walk(parsed.node.args) if isinstance(a, gast.Name)}
    func = parsed.func
    cells = {}
    for name, cell in zip(func.__code__.co_freevars, func.__closure__ or ()):
        try:
            cells[name] = cell.cell_contents
        except ValueError:
            continue
    for node in gast.walk(parsed.node):
        if not isinstance(node, gast.Call):
            continue
        callee = node.func
        dotted = syntax.dotted_name(callee)
        if dotted is not None and dotted.split(".")[0] in local:
            if isinstance(callee, gast.Attribute) and callee.attr in GENERATOR_METHODS:
                return parsed.location(node)  # rng.normal(...), rng a local value
            continue
        value = resolve_in(callee, (cells, func.__globals__), missing=None)
        if value is None:
            continue
        if _draws(value):
            return parsed.location(node)
        inner = random_draw(checkpointed_function(value) or value, seen)
        if inner is not None:
            return inner
    return None
