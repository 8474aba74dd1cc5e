"""The derivatives of SciPy's ``xp_promote(*args)`` (templates/scipy_array_api.py): one
argument gives one array (``np.asarray`` to a common dtype), several a tuple of them,
broadcast with ``broadcast=True``.  Both helpers are linear in their first argument (their
rules are in templates/scipy_array_api.py)."""
from __future__ import annotations

from typing import Any

from tangentlike.runtime.arrays import cast_derivative, unarray
from tangentlike.runtime.gathers import spread_part, unspread_part


def promoted_part(g: Any, k: int, x: Any, y: Any) -> Any:
    """The derivative of ``xp_promote``'s ``k``-th argument ``x`` from the derivative ``g``
    of its result ``y`` (a tuple when it had several arguments)."""
    if isinstance(y, tuple):
        return unspread_part(g, k, x)
    return unarray(g, x, y)


def promotion_tangent(t: Any, k: int, x: Any, y: Any) -> Any:
    """The tangent of ``xp_promote``'s result ``y`` when only its ``k``-th argument ``x``
    moves, by ``t`` (zeros for the other parts of a tuple)."""
    if isinstance(y, tuple):
        return spread_part(t, k, y)
    return cast_derivative(t, y)
