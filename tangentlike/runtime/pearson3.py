"""The refusal of ``scipy.stats.pearson3``'s distribution function's derivative in a small
nonzero skew (templates/scipy_stats_compiled.py).  Its derivative in the skew is the
incomplete gamma function's in its parameter ``a = 4 / skew^2`` (a quadrature,
tangentlike/runtime/incomplete.py, checked up to ``a = 1e5``); below ``|skew| = 2 /
sqrt(1e5)`` it is refused, but at ``skew = 0`` exactly, where it is the normal one's first
Edgeworth term ``-phi(z) (z^2 - 1) / 6`` (SciPy's value is the normal distribution's for
``|skew| < 1.6e-5``, constant in the skew, so its derivative there is the limit's)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.incomplete import _LARGEST

SMALLEST = 2.0 / np.sqrt(_LARGEST)  # |skew| below this (but 0) is refused


def skew_checked(skew: Any) -> Any:
    """1.0, or raise where ``0 < |skew| <`` :data:`SMALLEST`."""
    skew = np.asarray(skew)
    if np.any((skew != 0) & (np.abs(skew) < SMALLEST)):
        raise ValueRefusedError(
            f"tangentlike differentiates scipy.stats.pearson3's distribution function in skew "
            f"at skew = 0 and for |skew| >= {SMALLEST:.4g} only (its derivative is the "
            f"incomplete gamma function's in its parameter 4 / skew^2, computed up to "
            f"{_LARGEST:g})",
            hint="hold skew constant, or keep it at 0 or away from it")
    return 1.0
