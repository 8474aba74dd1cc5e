"""What the dotted names of a version's tree name, each looked up once while the version is
written.

Writing one version resolves the same few callees (``np.sum``, ``unbroadcast``, ``range``)
hundreds of times: each rewrite round, the cancellation and the later rewrites ask again
of every call they read, and ``resolve_in`` (a walk of the dotted name, the scope's lookup,
the array-namespace and NumPy counterparts) is a few microseconds a time.  A
:class:`Resolver` answers as ``resolve_in(node, (scope,), local)`` does, keeping what each
dotted name was found to be:

- the answer depends only on the dotted name, ``local`` and what the scope holds;
- ``local`` is each caller's own (its root is checked at every look-up: a name bound in
  the function is a local value, not the global the scope holds);
- the scope is the version's own copy, to which the writing only adds names (``np``
  where it had none, the helpers of ``element_adjoints``), and no code of the user's
  runs meanwhile: what is kept is dropped whenever the scope has grown, so a name added
  since is looked up again;
- a name not found is not kept (it is looked up again each time, as before).
"""
from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

import gast

from tangentlike.core import syntax
from tangentlike.core.resolve import resolve_in
from tangentlike.rules.primitive import Primitive, primitive


class Resolver:
    """``resolve_in(node, (scope,), local)`` with what each dotted name names kept (see the
    module docstring); one per version written, shared by its rewrites."""

    def __init__(self, scope: dict) -> None:
        self.scope = scope
        self._size = len(scope)  # the scope's own names when ``_found`` was started
        self._found: dict[str, tuple[str, Any]] = {}  # dotted name -> (its root, object)
        self._records: dict[int, tuple[Any, Primitive]] = {}  # id -> (function, record)

    def __call__(self, node: gast.expr, local: Container[str]) -> Any:
        """What ``node`` names, None for a local value, no dotted name or nothing found."""
        cls = node.__class__
        if cls is gast.Name:
            dotted = node.id
        elif cls is gast.Attribute:
            dotted = syntax.dotted_name(node)
            if dotted is None:
                return None
        else:
            return None  # (no dotted name: what ``resolve_in`` answers)
        if len(self.scope) != self._size:  # names were added: look everything up again
            self._found.clear()
            self._size = len(self.scope)
        kept = self._found.get(dotted)
        if kept is not None:
            root, value = kept
            return None if root in local else value
        root = dotted.partition(".")[0]
        if root in local:
            return None  # a local value (``stack.pop``): what ``resolve_in`` answers
        value = resolve_in(node, (self.scope,), local)
        if value is not None:
            self._found[dotted] = (root, value)
        return value

    def record(self, function: Any) -> Primitive:
        """``primitive(function)``, kept for the function: the rules are not declared
        again while a version is written (a package's deferred rules load at its first
        look-up, before the record is kept), and the records are only read."""
        kept = self._records.get(id(function))
        if kept is not None and kept[0] is function:
            return kept[1]
        found = primitive(function)
        self._records[id(function)] = (function, found)
        return found

    def within(self, local: Container[str]) -> Callable[[gast.expr], Any]:
        """The one-argument resolver the rewrites take, for the names ``local`` binds."""
        return lambda node: self(node, local)
