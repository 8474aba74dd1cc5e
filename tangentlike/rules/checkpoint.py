"""``tangentlike.checkpoint``: a call whose callee's forward values are recomputed in the
backward pass instead of saved.

``checkpoint(f)`` (a decorator on ``f``, or ``checkpoint(f)(a, b)`` where ``f`` is called) is a
callable that runs ``f`` unchanged.  When a differentiated function calls it, the forward sweep
runs the plain call ``y = f(a, b)``, keeping nothing of ``f``'s intermediate values (only its
arguments, as the save plan keeps any value the backward sweep reads), and the call's backward
step first runs ``f``'s forward half again (``# Recompute: y = f(a, b)``) to get what its
backward half reads.  Forward mode has nothing to store: a checkpointed call is an ordinary
call there.  Differentiated itself (``grad(checkpoint(f))``), it is ``f``.
"""
from __future__ import annotations

import functools
import types
import weakref
from typing import Any

from tangentlike.errors import InputError

_MADE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # function -> its Checkpointed


class Checkpointed:
    """``function``, called unchanged; a call of it in a differentiated function recomputes
    ``function``'s forward values in the backward pass."""

    # tangentlike differentiates this wrapper as the function it wraps (``core.guards.unwrap``)
    differentiates_as_wrapped = True

    def __init__(self, function: Any):
        functools.update_wrapper(self, function, updated=())
        self.function = function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else types.MethodType(self, obj)

    def __repr__(self) -> str:
        return f"<checkpointed {self.function.__qualname__}>"


def checkpoint(function: Any) -> Checkpointed:
    """``function``, with its forward values recomputed in the backward pass instead of saved.

    Use it as a decorator (``@tangentlike.checkpoint``) or where the function is called
    (``y = tangentlike.checkpoint(f)(a, b)``).  Called outside differentiation, it simply runs
    ``function``.  The derivative of a function that calls it keeps only the call's arguments
    for the backward pass; the call's backward step runs ``function``'s forward values again:
    less memory (nothing of ``function``'s intermediates is stored, in a loop nothing per
    iteration but the arguments) for one more forward evaluation of ``function``."""
    if isinstance(function, Checkpointed):
        return function
    if not isinstance(function, types.FunctionType):
        raise InputError(
            f"tangentlike.checkpoint takes a Python function defined with def or lambda; "
            f"got {type(function).__name__} {function!r}",
            hint="checkpoint the function that calls it, or wrap it in a def")
    made = _MADE.get(function)
    if made is None:
        made = _MADE[function] = Checkpointed(function)
    return made


def checkpointed_function(value: Any) -> Any:
    """The function a :func:`checkpoint` wrapper runs; None for anything else."""
    return value.function if isinstance(value, Checkpointed) else None


def checkpointed_binding(binding: Any) -> Checkpointed:
    """A checkpointed function with ``*args``/``**kwargs`` as one call binds them
    (``frontend.varargs.Specialized``, made by the normalizer), checkpointed too."""
    made = _MADE.get(binding)
    if made is None:
        made = _MADE[binding] = Checkpointed(binding)
    return made


# inside a differentiated function, ``checkpoint(f)`` is a value named ``checkpointed_f``
checkpoint.value_prefix = "checkpointed_"  # type: ignore[attr-defined]
