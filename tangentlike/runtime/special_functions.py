"""Helpers of the rules of templates/scipy_special_functions.py: the order of the next
derivative a Legendre function or a spherical harmonic is asked for (refused beyond what SciPy
computes), and the orders of the sequences that ``lmbda``, ``pbdv_seq`` and ``pbvv_seq``
return."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError


def next_order(diff_n: int, function: str, most: int = 2) -> int:
    """``diff_n + 1``: the order of the derivatives ``function`` (a Legendre function or a
    spherical harmonic with ``diff_n=``) is called with to differentiate its result; refused
    beyond ``most``, the highest order SciPy computes (or this rule follows)."""
    if diff_n >= most:
        raise ValueRefusedError(
            f"tangentlike has no derivative of scipy.special.{function} with diff_n={diff_n} "
            f"(it needs the derivatives of order {diff_n + 1}, and SciPy computes them up to "
            f"order {most} here)",
            hint=f"call it with diff_n below {most} (or diff_n=0 and let tangentlike "
                 "differentiate)")
    return diff_n + 1


def sequence_orders(v: Any, values: Any) -> np.ndarray:
    """The orders ``v - floor(v), v - floor(v) + 1, ..., v`` of the sequence ``values``
    (``lmbda``, ``pbdv_seq``, ``pbvv_seq`` of the order ``v``), one per entry."""
    return np.arange(np.size(values)) + (v - np.floor(v))


def nonnegative_order(n: Any, function: str) -> Any:
    """``n``, refused when negative: SciPy's ``pbdn_seq`` returns a derivative of 0 for the last
    order of a negative ``n`` (which is not the derivative)."""
    if np.any(np.asarray(n) < 0):
        raise ValueRefusedError(
            f"tangentlike has no derivative of scipy.special.{function} for a negative order "
            f"n={n} (SciPy's derivative of the last order is wrong there)",
            hint="use a nonnegative n, or scipy.special.pbdv for each order")
    return n
