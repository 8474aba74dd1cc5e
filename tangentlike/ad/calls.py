"""Calls into the user's own functions: binding a call's arguments to the callee's signature.

Both reverse mode (forward and backward halves) and forward mode (a ``_jvp`` function)
differentiate a callee with respect to the positions that carry derivatives at the call, so
the arguments are put in the callee's parameter order (positional, then keyword-only, as
``wrt`` counts them), defaults filled in.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NamedTuple

import gast

from tangentlike.core import syntax
from tangentlike.frontend.operations import Dynamic, Operation
from tangentlike.rules.template import Namespace

LITERAL_DEFAULTS = (type(None), bool, int, float, str)


def bind_arguments(callee: Any, args: list[gast.expr], keywords: dict[str, gast.expr],
                   namespace: Namespace) -> tuple[list[gast.expr], list[gast.keyword]]:
    """The call's positional arguments and keyword-only ones, in the callee's order."""
    signature = inspect.signature(callee)
    bound = signature.bind(*args, **keywords)
    positional, keyword_only = [], []
    for name, param in signature.parameters.items():
        if name in bound.arguments:
            value = bound.arguments[name]
        elif isinstance(param.default, LITERAL_DEFAULTS):
            value = syntax.const(param.default)
        else:
            value = syntax.load(namespace.name_for(param.default, f"{name}_default"))
        if param.kind is param.KEYWORD_ONLY:
            keyword_only.append(gast.keyword(arg=name, value=value))
        else:
            positional.append(value)
    return positional, keyword_only


def differentiated_positions(positional: list[gast.expr], keyword_only: list[gast.keyword],
                             carries: Any) -> tuple[int, ...]:
    """The positions (as ``wrt`` counts them) of arguments that carry a derivative."""
    arguments = positional + [k.value for k in keyword_only]
    return tuple(i for i, a in enumerate(arguments)
                 if isinstance(a, gast.Name) and carries(a.id))


class BoundCall(NamedTuple):
    """A call of a user function, its arguments in the callee's order, and the positions (as
    ``wrt`` counts them) of those that carry a derivative."""

    positional: list[gast.expr]
    keywords: list[gast.keyword]
    wrt: tuple[int, ...]

    def differentiated(self) -> list[str]:
        """The names passed at the ``wrt`` positions."""
        arguments = self.positional + [k.value for k in self.keywords]
        return [arguments[i].id for i in self.wrt]


def bound_call(op: Operation, carries: Callable[[str], Any], namespace: Namespace) -> BoundCall:
    """``op`` (a ``Kind.CALL``) bound to its callee's signature; ``carries(name)`` says whether
    an argument carries a derivative (its adjoint or tangent name, or None).  A callee known
    only when the call runs (``Dynamic``) takes the arguments as the call gives them: ``wrt``
    counts them (positional, then keywords as written), after the object whose method it is
    when that object carries a derivative."""
    if isinstance(op.key, Dynamic):
        positional = list(op.args)
        if op.key.helper is None and carries(op.key.receiver):  # p.forward(x), p carried
            positional.insert(0, syntax.load(op.key.receiver))  # ad.common.dynamic_target
        keywords = [gast.keyword(arg=k, value=v) for k, v in op.keywords.items()]
    else:
        positional, keywords = bind_arguments(op.key, op.args, op.keywords, namespace)
    return BoundCall(positional, keywords,
                     differentiated_positions(positional, keywords, carries))
