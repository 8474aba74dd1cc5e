"""The names a generated tree reads and binds, found by one walk (:meth:`Seen.walk`) or while
the emitter prints the tree (``emit.printed``), which visits every node anyway: the
pipeline reads them to list the module's imports and guard the user's globals
(``pipeline._import_user_globals``), and the versions read them for the user's data
(``versions/free_data.py``, whose ``TreeNames`` is the frozen form).
"""
from __future__ import annotations

import gast

from tangentlike.core import syntax


class Seen:
    """The names a tree reads (``loaded``) and binds (``stored``: parameters and ``Param``
    contexts included; a ``del`` is neither), the dotted names of its attribute chains rooted
    at a name (``config.W``, ``np.linalg.norm`` and its ``np.linalg``), and whether it holds
    a ``try`` statement.  A name is a leaf (its annotation is not entered)."""

    __slots__ = ("loaded", "stored", "dotted", "has_try")

    def __init__(self) -> None:
        self.loaded: set[str] = set()
        self.stored: set[str] = set()
        self.dotted: set[str] = set()
        self.has_try = False

    def name(self, node: gast.Name) -> None:
        """Note one ``Name`` by its context."""
        context = node.ctx.__class__
        if context is gast.Load:
            self.loaded.add(node.id)
        elif context is gast.Store or context is gast.Param:
            self.stored.add(node.id)

    def attribute(self, node: gast.Attribute) -> None:
        """Note one ``Attribute``'s dotted name, if it is a chain rooted at a name."""
        chain = syntax.dotted_name(node)
        if chain is not None:
            self.dotted.add(chain)

    def walk(self, tree: gast.AST) -> Seen:
        """Note every node of ``tree`` (one walk; ``syntax.loaded_names``,
        ``syntax.stored_names``, ``syntax.dotted_name`` of every ``Attribute`` and a search
        for ``gast.Try`` each walked the whole tree).  The order does not matter (it fills
        sets), so it is a plain stack of every field's value (``_walked``), as
        ``syntax.walk_names_noting`` walks."""
        loaded, stored, dotted = self.loaded, self.stored, self.dotted
        walked = _WALKED
        name_class, attribute_class, load, store, param = (
            gast.Name, gast.Attribute, gast.Load, gast.Store, gast.Param)
        todo = [tree]
        pop, push, extend = todo.pop, todo.append, todo.extend
        while todo:
            node = pop()
            cls = node.__class__
            if cls is name_class:
                context = node.ctx.__class__
                if context is load:
                    loaded.add(node.id)
                elif context is store or context is param:
                    stored.add(node.id)
                continue
            entry = walked.get(cls)
            if entry is None:
                entry = _walked(cls)
            is_try, fields = entry
            if cls is attribute_class:
                chain = syntax.dotted_name(node)
                if chain is not None:
                    dotted.add(chain)
            elif is_try:
                self.has_try = True
            for field in fields:
                # A value that is no node (None, a string) has no fields (``_walked``):
                # popped, it adds nothing; nor does a list inside a list.
                value = getattr(node, field, None)
                if value.__class__ is list:
                    extend(value)
                else:
                    push(value)
        return self


# By class, for ``Seen.walk``: whether it is a ``Try`` and the fields to walk
# (``syntax.walked_fields``: none for a value that is no node).
_WALKED: dict[type, tuple[bool, tuple[str, ...]]] = {}


def _walked(cls: type) -> tuple[bool, tuple[str, ...]]:
    entry = (issubclass(cls, gast.Try), syntax.walked_fields(cls))
    _WALKED[cls] = entry
    return entry


def is_try(cls: type) -> bool:
    """Whether ``Seen.walk`` counts a node of ``cls`` as a ``try`` statement."""
    entry = _WALKED.get(cls)
    return (entry if entry is not None else _walked(cls))[0]
