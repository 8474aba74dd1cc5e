"""The NumPy functions that write into their first argument (``np.copyto``, ``np.put``,
``np.place``, ``np.putmask``, ``np.fill_diagonal``, ``np.put_along_axis``), as values.

The frontend (frontend/in_place.py) lowers the statement ``np.put(y, i, v)`` to the index
assignment ``y[...] = written(np.put, y, v, (i,), ())``, which the derivative follows as any
``y[k] = v``.  :func:`written` runs NumPy's function on a copy, and :func:`write_sources`
runs it on arrays of flat indices to find where each element of the result comes from (the
rules are in templates/numpy_indexing.py, through ``gathered`` and ``ungathered``), so
repeated indices, values repeated to fill, masks and ``where=`` follow NumPy exactly.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tangentlike.runtime.gathers import flat_sources, no_sources
from tangentlike.runtime.numpy_only import refuse_other_libraries


def written(func: Callable, a: Any, value: Any, before: tuple = (), after: tuple = ()) -> Any:
    """A copy of ``a`` after ``func(a, *before, value, *after)`` writes into it."""
    refuse_other_libraries(func, a, value, *before, *after)
    out = np.array(a, copy=True)
    func(out, *before, value, *after)
    return out


def write_sources(func: Callable, a: Any, value: Any, before: tuple, after: tuple,
                  which: int) -> np.ndarray:
    """For each element of :func:`written`'s result, the flat index of the element of ``a``
    (``which`` 0) or of ``value`` (1) it holds; -1 where it holds one of the other."""
    if which == 0:
        out = flat_sources(a)
        func(out, *before, np.broadcast_to(-1, np.shape(value)), *after)
    else:
        out = no_sources(a)
        func(out, *before, flat_sources(value), *after)
    return out
