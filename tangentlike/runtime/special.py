"""Helpers of the scipy.special rules (templates/scipy_special.py)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime import float_dtype
from tangentlike.runtime.numpy_only import refuse_other_libraries


def polygamma_like(n: Any, x: Any) -> Any:
    """``scipy.special.polygamma(n, x)`` in the floating point type of ``x`` (SciPy computes it
    in float64): the derivative of ``digamma`` (n = 1) and of ``polygamma(n - 1, x)``."""
    refuse_other_libraries("tangentlike.runtime.special.polygamma_like", n, x)
    from scipy.special import polygamma

    if np.iscomplexobj(x):  # SciPy's polygamma takes real values only
        raise ValueRefusedError("the derivative of scipy.special.digamma (psi) and polygamma "
                                f"is implemented for real values only; these are complex "
                                f"({np.result_type(x)})")
    out = polygamma(n, x)
    dtype = float_dtype(x)
    return out.astype(dtype, copy=False) if np.ndim(out) else dtype.type(out)


# Reductions and shapes (templates/numpy_reductions.py, templates/numpy_shapes.py).
# split_like, join_like and reverse_cumsum carry derivatives and have rules there; the others
# compute shapes, axes and indices.
