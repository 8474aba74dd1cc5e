"""The ``where=`` and ``dtype=`` keywords of the reductions' rules (templates/numpy_reductions.py
and numpy_statistics.py), applied once per rule.

Each helper stands for its first argument when its keyword is None; the template instantiation
(``rules/template.py``, ``STANDS_FOR``) writes that argument alone where the keyword is the
literal None, so generated code shows ``* where`` or the cast only where the call had them.
"""
from __future__ import annotations

from typing import Any

from tangentlike.runtime.arrays import cast_derivative


def masked(t: Any, where: Any) -> Any:
    """``t`` where the ``where=`` mask is true, 0 elsewhere (``t`` without a mask)."""
    return t if where is None else t * where


def result_typed(t: Any, y: Any, dtype: Any) -> Any:
    """``t`` in the result's floating point type when the reduction was given ``dtype=`` (none
    through a reduction of an integer type), else ``t``."""
    return t if dtype is None else cast_derivative(t, y)


def every(where: Any) -> Any:
    """The ``where=`` keyword passed on to a reduction of a derivative: True (NumPy's default)
    without a mask; the keyword is left out where it is the literal None."""
    return True if where is None else where
