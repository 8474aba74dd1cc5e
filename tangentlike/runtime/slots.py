"""The adjoint of a list or tuple that a loop adds to one element at a time, kept as slots
(versions by shape write it, ``versions/element_adjoints.py``).

``bxs = zeros_like(xs)`` before ``for k in reversed(range(trips)): ... bxs = add_element(bxs,
g, xs, k)`` makes an array of zeros per element and adds each element's adjoint to its zeros,
in a new list every iteration.  The slots version writes ``bxs = element_slots(xs)``, ``bxs =
put_element(bxs, g, xs, k)`` and, before anything else reads ``bxs``, ``bxs =
filled_elements(bxs)``: the first adjoint of an element is kept as it is (where adding it to
zeros would give the same values), a later one added to it, and zeros made only for the
elements no iteration reached.  Each helper gives what the ``zeros_like``/``add_element`` pair
gives, value for value; the slots object itself never leaves the four of them.

An array is kept only if its memory (its own, or its base's for a view) is not kept in
another slot already (``for w in ws: s = s + w`` has the same adjoint for every element), else
copied: the items given back never share memory, as the sums with zeros did not.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.runtime import add_element, add_grad, zeros_like
from tangentlike.runtime.pytrees import registered

_EMPTY = object()  # a slot no iteration has written

# NumPy's array type: np.ndarray is another library's in the helpers' copies for its arrays.
_NUMPY_ARRAY = np.ndarray


class ElementSlots:
    """The adjoint of ``xs`` (a list or tuple) while a loop adds to it: ``items``, one per
    element of ``xs`` as it was (``like``), ``_EMPTY`` where nothing was added yet;
    ``kept``: the ids of the arrays kept as they are (alive: the slots hold them)."""

    __slots__ = ("kind", "like", "items", "kept")

    def __init__(self, xs: list | tuple):
        self.kind = type(xs)
        self.like = list(xs)  # xs may change later (popped in the backward sweep)
        self.items = [_EMPTY] * len(self.like)
        self.kept: set[int] = set()

    def keep(self, g: np.ndarray) -> np.ndarray:
        """``g``, or a copy where its memory (its own, or its base's for a view) is kept in
        another slot already."""
        base = g.base
        memory = id(g) if base is None else id(base)
        kept = self.kept
        if memory in kept:
            return g.copy()
        kept.add(memory)
        return g

    def first(self, x: Any, g: Any) -> Any:
        """``add_grad(zeros_like(x), g)``: ``g``'s arrays kept where that sum has their
        values (an array of ``x``'s shape and dtype, of floating point; a float for a
        float), item by item in a list or tuple."""
        kind = type(x)
        if kind is _NUMPY_ARRAY:
            if type(g) is _NUMPY_ARRAY and g.shape == x.shape and g.dtype == x.dtype \
                    and x.ndim and x.dtype.kind in "fc":
                return self.keep(g)
        elif kind is float:
            if type(g) is float:
                return g
        elif (kind is tuple or kind is list) and (type(g) is tuple or type(g) is list) and len(
                g) == len(x) and not registered(kind):
            items = [self.first(a, b) for a, b in zip(x, g)]
            return items if kind is list else tuple(items)
        return add_grad(zeros_like(x), g)


def element_slots(xs: Any) -> Any:
    """``zeros_like(xs)`` as slots for a list or tuple (the other values: ``zeros_like``)."""
    kind = type(xs)
    if (kind is list or kind is tuple) and not registered(kind):
        return ElementSlots(xs)
    return zeros_like(xs)


def put_element(total: Any, g: Any, xs: Any, position: int) -> Any:
    """``add_element(total, g, xs, position)``; slots are written in place."""
    if type(total) is ElementSlots:
        kind = type(xs)
        if kind is not list and kind is not tuple:
            return add_element(filled_elements(total), g, xs, position)
        items = total.items
        old = items[position]
        items[position] = total.first(total.like[position], g) if old is _EMPTY else add_grad(
            old, g)
        return total
    return add_element(total, g, xs, position)


def put_first(total: Any, g: Any, xs: Any, position: int) -> Any:
    """``put_element`` where ``g`` is known to be made of new arrays (no other slot or name
    keeps them) of the structure of ``xs``'s elements (an array of the element's shape and
    dtype, of floating point; a tuple or list of such, as the element is): kept unchecked."""
    if type(total) is ElementSlots and type(xs) is total.kind:
        items = total.items
        old = items[position]
        items[position] = g if old is _EMPTY else add_grad(old, g)
        return total
    return put_element(total, g, xs, position)


def filled_elements(total: Any) -> Any:
    """The list or tuple the slots stand for: zeros where nothing was added."""
    if type(total) is not ElementSlots:
        return total
    items = [zeros_like(x) if v is _EMPTY else v for x, v in zip(total.like, total.items)]
    return items if total.kind is list else tuple(items)
