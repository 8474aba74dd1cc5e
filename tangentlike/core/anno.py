"""Annotations attached to AST nodes, under one attribute holding a typed record.

Every pass that needs to remember something about a node stores it in the node's
:class:`NodeInfo` (``node._tangentlike``), never as ad-hoc attributes.  Fields:

- ``origin``: the user's statement a normalized statement came from (file, line, text);
- ``callee``: the Python object a call resolves to;
- ``active``: for an assignment, whether its target carries a derivative;
- ``generated``: the statement was written by tangentlike (safe to remove when dead);
- ``comment``: a marker statement that is emitted as a ``#`` comment line;
- ``contribution``: a template statement ``d[x] = ...`` adding to an adjoint (reverse mode);
- ``keep``: a generated statement with an effect (a stack pop): never removed or moved;
- ``inplace``: for the statement normalize makes of ``x += v`` (``x = x + v``), the user's
  name ``x``; for ``x[i] += v`` (``x[i] = t``), ``True``: NumPy changes memory there
  (aliasing.py checks that no other live name sees it);
- ``saves``: for the push and the pop of one saved value (one of each): the same key, so the
  optimizer can drop both when the popped value is never read;
- ``reraises``: for the probe of a lowered ``try`` in generated code that catches everything
  (frontend/exceptions.py: a ``finally``, differentiated again): the
  function raises again after the ``finally`` block whenever the probe caught something;
- ``versions``: for a normalized function, the user's name of each version of a name
  (``x_1``: ``x``), for messages;
- ``seen``: for an expression of a derivative being specialized to argument shapes, the
  ``(type, shape, dtype)`` of each value it had in the instrumented run (versions/observe.py);
- ``alone``: for a generated ``add_item(bx, g, x, i)`` (one item added to a container's
  adjoint), the callee of the same contribution on its own, ``unindex``: the optimizer
  writes ``unindex(g, x, i)`` where ``bx`` is still zero (``remove_zero_inits``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tangentlike.errors import Location

KEY = "_tangentlike"


@dataclass
class NodeInfo:
    origin: Location | None = None
    callee: Any = None
    active: bool = False
    generated: bool = False
    comment: str | None = None
    contribution: bool = False
    keep: bool = False
    inplace: str | bool = False
    saves: Any = None
    reraises: bool = False
    seen: frozenset | None = None
    versions: dict[str, str] | None = None
    alone: Any = None


def info(node: Any) -> NodeInfo:
    """The annotation record of ``node``, created on first use."""
    record = node.__dict__.get(KEY)
    if record is None:
        record = NodeInfo()
        setattr(node, KEY, record)
    return record


def has_info(node: Any) -> bool:
    return KEY in node.__dict__
