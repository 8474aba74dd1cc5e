"""Helpers of the rules of ``np.i0`` (templates/numpy_ufuncs.py): the modified Bessel
functions of the first kind of integer order, by their power series, in NumPy alone (SciPy
stays optional)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from tangentlike.runtime import float_dtype, is_float_like
from tangentlike.runtime.numpy_only import refuse_other_libraries


def bessel_i(x: Any, n: int) -> Any:
    """``I_n(x)`` for an integer order ``n >= 0``: ``sum_k (x/2)^(2k+n) / (k! (k+n)!)``.

    Every term has the sign of ``x^n``, so the sum loses no digits; terms are added until they
    no longer change it (about ``|x|`` terms for a large ``|x|``).  The result has the floating
    point type of ``x`` (a Python float for a Python number), as ``np.i0``'s does."""
    refuse_other_libraries("tangentlike.runtime.bessel.bessel_i", x)
    dtype = float_dtype(x)
    half = np.asarray(x, dtype=np.float64) / 2.0
    quarter = half * half
    term = half ** n / math.factorial(n)
    total = term
    k = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while np.any(np.abs(term) > 1e-17 * np.abs(total)) and k < 2000:
            k += 1
            term = term * quarter / (k * (k + n))
            total = total + term
    if is_float_like(x):
        return float(total)
    return total.astype(dtype) if isinstance(x, np.ndarray) else dtype.type(total)
