"""The cast a ufunc's ``dtype=`` makes of its inputs (frontend/ufunc_keywords.py writes
``np.sin(x, dtype=T)`` as ``np.sin(ufunc_input(x, T))``)."""
from __future__ import annotations

from typing import Any

import numpy as np


def ufunc_input(x: Any, dtype: Any, casting: str = "same_kind") -> Any:
    """``x`` cast to ``dtype`` as a ufunc called with ``dtype=dtype`` casts its inputs
    (``casting`` its rule: NumPy refuses a float to an integer type by default), so that the
    ufunc computes in ``dtype``: a 0-d array for a number, which the ufunc returns as a
    scalar, as it does for a number."""
    return np.asarray(x).astype(dtype, casting=casting)
