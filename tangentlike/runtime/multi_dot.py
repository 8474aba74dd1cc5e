"""The derivatives of ``np.linalg.multi_dot(arrays)`` (templates/numpy_linalg.py): the product
of the matrices taken left to right, with a 1-d first array a row and a 1-d last array a
column, as NumPy takes them.  Written with ``@``, ``.T``, ``np.reshape`` and
``cast_derivative`` (each array's shape and type) only, so that
tangentlike differentiates them again from this source (second derivatives)."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.runtime.arrays import cast_derivative


def _matrices(arrays: Any) -> list:
    """``arrays`` as matrices: a 1-d first array a row, a 1-d last array a column."""
    n = len(arrays)
    out = []
    for i in range(n):
        a = arrays[i]
        if i == 0 and np.ndim(a) == 1:
            a = np.reshape(a, (1, -1))
        elif i == n - 1 and np.ndim(a) == 1:
            a = np.reshape(a, (-1, 1))
        out.append(a)
    return out


def _chain(mats: list) -> Any:
    out = mats[0]
    for m in mats[1:]:
        out = out @ m
    return out


def multi_dot_adjoints(g: Any, arrays: Any) -> list:
    """The adjoint of each array given the result's adjoint ``g``: ``L.T @ g @ R.T``, with
    ``L`` and ``R`` the products of the arrays left and right of it."""
    mats = _matrices(arrays)
    g = np.reshape(g, (np.shape(mats[0])[0], np.shape(mats[-1])[1]))
    out = []
    for i in range(len(mats)):
        left = [m.T for m in mats[:i]][::-1]
        right = [m.T for m in mats[i + 1:]][::-1]
        out.append(cast_derivative(_chain(left + [g] + right), arrays[i]))
    return out


def multi_dot_tangent(tangents: Any, arrays: Any, y: Any) -> Any:
    """The tangent of the product: the sum over the arrays of the product with that array
    replaced by its tangent, in ``y``'s shape."""
    mats = _matrices(arrays)
    moved = _matrices(tangents)
    out = 0.0
    for i in range(len(mats)):
        out = out + _chain(mats[:i] + [moved[i]] + mats[i + 1:])
    return cast_derivative(out, y)
