"""What a callee expression names: the one resolver of dotted names (``np.linalg.inv``,
``range``, ``helper``) that every pass uses, for the user's code (``frontend/annotate.py``,
which records guards as it reads) and for generated code (``Namespace.resolve``, the
versions)."""
from __future__ import annotations

import builtins
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

import gast

from tangentlike.core import syntax
from tangentlike.core.counterparts import (
    array_api_counterpart,
    is_array_namespace,
    numpy_counterpart,
)

UNBOUND = object()
"""A scope's value for a name bound there that has no value yet (an empty closure cell): the
lookup stops there, as Python's does, and the name resolves to nothing."""

_ABSENT = object()


def resolve_in(node: gast.expr, scopes: Sequence[Mapping[str, Any]],
               local: Container[str] = frozenset(), *, missing: Any = None,
               on_root: Callable[[int | None, str, Any], None] | None = None,
               on_attribute: Callable[[Any, str, Any, str], None] | None = None) -> Any:
    """The object the dotted expression ``node`` names: its root looked up in the first of
    ``scopes`` that has it (``scope.get``), then in the builtins, then each attribute read in
    turn.  ``missing`` when ``node`` is no dotted name, its root is in ``local`` (a local
    value, not a global), a scope holds it ``UNBOUND``, or a name or attribute is not there
    (a scope whose value for the root is ``missing`` itself does not have it: with the
    default, a name bound to None is looked up further).

    ``on_root(i, root, value)`` is told where the root was found (``i``: the index of its
    scope, None for the builtins); ``on_attribute(owner, attr, value, path)`` each attribute
    read (``value`` is ``missing`` for one that is absent; ``path``: ``"np.linalg"``).

    A function of autograd's NumPy (``import autograd.numpy as np``) names the NumPy or SciPy
    function it wraps (``core/counterparts.py``): every pass sees ``numpy.sin``, while the
    hooks see the objects the names hold."""
    dotted = syntax.dotted_name(node)
    if dotted is None:
        return missing
    root, *attrs = dotted.split(".")
    if root in local:
        return missing
    where: int | None = None  # the index of the scope that has the root; None: builtins
    value = _ABSENT
    for i, scope in enumerate(scopes):
        value = scope.get(root, _ABSENT)
        if value is not _ABSENT and value is not missing:
            where = i
            break
    else:
        value = getattr(builtins, root, _ABSENT)
    if value is _ABSENT or value is UNBOUND or value is missing:
        return missing
    if on_root is not None:
        on_root(where, root, value)
    namespace = attrs and is_array_namespace(value)
    for k, attr in enumerate(attrs):
        owner, value = value, getattr(value, attr, missing)
        if on_attribute is not None:
            on_attribute(owner, attr, value, ".".join([root, *attrs[:k + 1]]))
        if value is missing:
            return value
    if namespace:
        counterpart = array_api_counterpart(attrs)
        if counterpart is not None:
            return counterpart
    return numpy_counterpart(value)
