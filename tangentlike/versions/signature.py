"""The signature of a call: what of its arguments a version of a derivative depends on.

A signature is the type, shape and dtype of every argument (the value of integer arguments;
the structure of tuples, lists and dicts).  Also here: what the instrumented run records of
each value (``describe``), and which recorded values can decide a shape by their value.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np


def signature_part(value: Any) -> Hashable:
    """What of ``value`` a specialized version depends on."""
    kind = type(value)
    if kind is np.ndarray:
        return value.shape, value.dtype
    if kind is float or value is None:
        return kind
    if kind is int or kind is bool or kind is str:
        return kind, value
    if isinstance(value, np.generic):
        return kind, value.dtype
    if kind is tuple or kind is list:  # arrays inline: a list of layers is read every call
        return kind, tuple([(v.shape, v.dtype) if type(v) is np.ndarray else signature_part(v)
                            for v in value])
    if kind is dict:
        return kind, tuple(zip(value, map(signature_part, value.values())))
    if kind is complex:
        return kind
    raise TypeError  # anything else: no specialization


def signature(args: tuple, kwargs: dict) -> Hashable | None:
    """The key of the version for these arguments, or None for the generic version (the
    order of the keywords is part of it: the same call written twice has the same key)."""
    try:
        key = tuple(map(signature_part, args))
        if kwargs:
            key += tuple(zip(kwargs, map(signature_part, kwargs.values())))
    except TypeError:
        return None
    return key



def key_parts(append: Callable[[Any], None], value: Any) -> bool:
    """Append to a dispatcher's flat key the parts that say what ``value`` contributes to
    its signature (an array: its shape and dtype; a float: ``float``; an int or a bool: its
    type and value; a tuple, list or dict: its type, length, then each item's parts, after
    its key for a dict); False for any other value (the call then takes the slow path).

    The parts of one value are read in order without a separator, so a flat key says
    exactly one signature: an array begins with its shape (a tuple), every other value with
    its type, a keyword argument with its name (a string)."""
    kind = type(value)
    if kind is np.ndarray:
        append(value.shape)
        append(value.dtype)
    elif kind is float:
        append(float)
    elif kind is int or kind is bool:
        append(kind)
        append(value)
    elif kind is tuple or kind is list:
        append(kind)
        append(len(value))
        for item in value:
            if type(item) is np.ndarray:
                append(item.shape)
                append(item.dtype)
            elif not key_parts(append, item):
                return False
    elif kind is dict:
        append(dict)
        append(len(value))
        for name, item in value.items():
            append(name)
            if type(item) is np.ndarray:
                append(item.shape)
                append(item.dtype)
            elif not key_parts(append, item):
                return False
    else:
        return False
    return True


def describe(value: Any) -> tuple:
    """(type, shape, dtype) of a value; shape None when it has none (a list, an object)."""
    kind = type(value)
    if kind is np.ndarray or isinstance(value, np.generic):
        return kind, value.shape, value.dtype
    if kind in (float, int, bool, complex) or value is None:
        return kind, (), None
    if kind in (tuple, list):
        return kind, None, any(is_integer(v) for v in value)
    return kind, None, None


def is_integer(value: Any) -> bool:
    """An integer or boolean scalar, or a boolean array: what can decide a shape by its value."""
    if isinstance(value, (int, np.integer, np.bool_)):
        return True
    return isinstance(value, np.ndarray) and (value.dtype.kind == "b" or (
        value.ndim == 0 and value.dtype.kind in "iu"))


def decides_shape(seen: tuple) -> bool:
    kind, shape, dtype = seen
    if kind in (tuple, list):
        return bool(dtype)
    if issubclass(kind, (int, np.integer, np.bool_)):
        return True
    return kind is np.ndarray and (dtype.kind == "b" or (shape == () and dtype.kind in "iu"))


def shape_text(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype} {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__} of {len(value)}"
    return type(value).__name__
