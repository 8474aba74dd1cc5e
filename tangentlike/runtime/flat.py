"""autograd's ``flatten`` (``autograd.misc.flatten``), for code written for autograd: a list,
tuple or dict (nested as deep as you like) of arrays and numbers as one vector, and the
function that builds the structure back from a vector.  ``core/counterparts.py`` maps
autograd's function here; the rules are in ``templates/numpy_arrays.py``.

The order is autograd's: lists and tuples in order, dicts by sorted key; ``unflatten``
returns arrays (0-d for a number), lists as lists, tuples as tuples, dicts in their key order.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _leaves(value: Any) -> list:
    kind = type(value)
    if kind in (list, tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    if kind is dict:
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    return [value]


def flat_vector(value: Any) -> np.ndarray:
    """The leaves of ``value`` raveled and concatenated (autograd's ``flatten(value)[0]``)."""
    parts = [np.ravel(leaf) for leaf in _leaves(value)]
    return np.concatenate(parts) if parts else np.array([])


def unflat(vector: Any, like: Any, numbers: bool = False) -> Any:
    """``vector``'s parts in the structure and shapes of ``like`` (the inverse of
    :func:`flat_vector`); a number's part is a 0-d array, or (``numbers``) a float (a complex for a
    complex number)."""
    offset = 0

    def build(value: Any) -> Any:
        nonlocal offset
        kind = type(value)
        if kind in (list, tuple):
            return kind(build(item) for item in value)
        if kind is dict:
            parts = {key: build(value[key]) for key in sorted(value)}
            return {key: parts[key] for key in value}
        size, shape = int(np.size(value)), np.shape(value)
        part = np.reshape(vector[offset:offset + size], shape)
        offset += size
        if numbers and not isinstance(value, np.ndarray):
            return complex(part) if isinstance(value, complex) else float(part)
        return part

    return build(like)


class Unflatten:
    """The function ``flatten`` returns with the vector: ``unflatten(v)`` builds the
    structure back (it keeps the structure's shapes, not its values)."""

    def __init__(self, like: Any):
        self.like = unflat(np.zeros(flat_vector(like).size), like)

    def __call__(self, vector: Any) -> Any:
        return unflat(vector, self.like)

    def __repr__(self) -> str:
        return "<unflatten>"


def flatten(value: Any) -> tuple[np.ndarray, Unflatten]:
    """autograd's ``flatten``: ``(flat_vector(value), Unflatten(value))``."""
    return flat_vector(value), Unflatten(value)
