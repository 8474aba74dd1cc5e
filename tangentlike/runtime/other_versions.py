"""Helpers of the rules of templates/scipy_other_versions.py (SciPy names that only older
versions have: ``scipy.linalg.kron``, ``scipy.special.lpmn`` and ``clpmn``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.linalg import kron_layout


def scipy_kron_layout(a: Any, b: Any) -> tuple:
    """:func:`kron_layout` for ``scipy.linalg.kron(a, b)``, which is ``np.kron`` for two
    matrices; refuses other numbers of dimensions (SciPy's result is no Kronecker product
    there)."""
    if np.ndim(a) != 2 or np.ndim(b) != 2:
        raise ValueRefusedError(
            "the derivative of scipy.linalg.kron is implemented for two matrices (got "
            f"{np.ndim(a)} and {np.ndim(b)} dimensions)", hint="use np.kron")
    return kron_layout(a, b)


def legendre_orders(m: Any, n: Any, z: Any) -> tuple:
    """For ``lpmn(m, n, z)`` and ``clpmn``: ``j**2`` (order ``j`` of each row, 0..|m|) and
    ``k (k + 1)`` (degree ``k`` of each column, 0..n), shaped to broadcast against the
    results (``(|m| + 1, n + 1) + z.shape``)."""
    tail = (1,) * np.ndim(z)
    j = np.arange(abs(int(m)) + 1.0).reshape((-1, 1) + tail)
    k = np.arange(int(n) + 1.0).reshape((1, -1) + tail)
    return j * j, k * (k + 1.0)
