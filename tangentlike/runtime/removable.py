"""A point where SciPy's lazy where switches on equality (``apply_where(c != 0, (x, c), f1,
fill_value=-x)``: genpareto, genextreme at ``c == 0``): the branch taken there is a special
case's formula, whose derivative is not the function's (the limit of ``f1``'s as ``c`` tends
to 0).  The stand-in (frontend/lazy_where.py) passes such an argument through
:func:`removable_at`, the identity, whose derivative is not given where an element sits at
the point: forward mode refuses (:class:`ValueRefusedError`) where a tangent there is not
zero; reverse mode gives NaN there (the adjoint that reaches the argument there is zero
whether or not it is wanted: a NaN shows in the gradient of what was differentiated, and
vanishes with an argument that was not)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.numpy_only import on_other_library, refuse_other_libraries


def removable_at(a: Any, at: Any, what: str) -> Any:
    """``a`` (``at``: where ``a`` sits at the special point; ``what`` names it)."""
    return a


def nan_at_removable(g: Any, at: Any) -> Any:
    """``g``, the adjoint of an argument of a lazy where, with NaN where it is at the
    special point (``at``)."""
    if not on_other_library(g, at) and not np.any(at):  # (on Dask, no compute to look)
        return g
    return np.where(at, np.nan, g)


def refused_at_removable(g: Any, at: Any, what: str) -> Any:
    """``g``, the tangent of an argument of a lazy where, where it is zero at the special
    point (``at``); raise otherwise."""
    refuse_other_libraries("tangentlike.runtime.removable.refused_at_removable", g, at)
    if not np.any(np.logical_and(at, np.asarray(g) != 0)):
        return g
    error = ValueRefusedError(
        f"tangentlike has no derivative in {what}: SciPy computes the value there by a "
        "special case's formula (its lazy where switches on equality), whose derivative is "
        "not the function's",
        hint="differentiate at a point next to it (the function is smooth there), or pass "
             "that argument as a constant")
    raise error  # the user's line: frontend.library.locate_at_run_time
