"""Helpers of the rules of ``np.gradient`` (templates/numpy_leftovers.py).

``np.gradient(f, *spacings, axis=None, edge_order=1)`` is linear in ``f``: along each axis a
banded operator (central differences inside, one-sided ones of order 1 or 2 at the ends, with
uniform spacings or coordinates).  Its tangent is ``np.gradient`` of the tangent; its adjoint
applies the operator's transpose, read off ``np.gradient`` itself: row ``i`` reads at most three
neighbouring elements (a window ``lo .. lo + 2``), whose positions modulo 3 differ, so three
probes (the indicators of the positions ``j % 3 == k``) give every coefficient exactly.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.runtime.numpy_only import refuse_other_libraries


def _axes(f: Any, axis: Any) -> tuple[int, ...]:
    ndim = np.ndim(f)
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(int(a) % ndim for a in axes)


def _spacing(spacings: tuple, j: int) -> Any:
    """The spacing of the ``j``-th differentiated axis (NumPy's: none, one for all, or one
    per axis)."""
    if not spacings:
        return 1.0
    return spacings[0] if len(spacings) == 1 else spacings[j]


def _given(*spacings: Any) -> tuple:
    return tuple(s for s in spacings if s is not None)


def gradient_of(t: Any, axis: Any, edge_order: int, s0: Any = None, s1: Any = None,
                s2: Any = None, s3: Any = None) -> Any:
    """``np.gradient(t, s0, ..., axis=axis, edge_order=edge_order)`` with the spacings given
    (None: not given); linear in ``t``."""
    return np.gradient(t, *_given(s0, s1, s2, s3), axis=axis, edge_order=edge_order)


def _transpose_along(g: np.ndarray, axis: int, spacing: Any, edge_order: int) -> np.ndarray:
    # A scatter at boolean-masked rows: another library's (Dask's) arrays are refused.
    refuse_other_libraries("np.add.at", g)
    n = g.shape[axis]
    probes = (np.arange(n)[:, None] % 3 == np.arange(3)).astype(float)
    coef = np.gradient(probes, spacing, axis=0, edge_order=edge_order)
    rows = np.arange(n)
    lo = np.clip(rows - 1, 0, max(n - 3, 0))
    g = np.moveaxis(g, axis, 0)
    out = np.zeros(g.shape, np.result_type(g, coef.dtype))
    for k in range(3):
        col = lo + (k - lo) % 3
        keep = col < n
        share = coef[keep, k].reshape((-1,) + (1,) * (g.ndim - 1))
        np.add.at(out, col[keep], share * g[keep])
    return np.moveaxis(out, 0, axis)


def gradient_transpose(g: Any, f: Any, axis: Any, edge_order: int, s0: Any = None,
                       s1: Any = None, s2: Any = None, s3: Any = None) -> Any:
    """The transpose of :func:`gradient_of` (``f`` gives the shape): ``g`` is one array per
    differentiated axis (a tuple), or one array for one axis; linear in ``g``."""
    axes = _axes(f, axis)
    parts = list(g) if len(axes) > 1 else [g]
    spacings = _given(s0, s1, s2, s3)
    kind = np.result_type(np.asarray(f), *(np.asarray(p) for p in parts), 1.0)
    kind = kind if kind.kind in "fc" else np.dtype(float)
    out = np.zeros(np.shape(f), kind)
    for j, (ax, part) in enumerate(zip(axes, parts)):
        part = np.broadcast_to(np.asarray(part), np.shape(f))
        out = out + _transpose_along(part, ax, _spacing(spacings, j), edge_order)
    return out.astype(kind, copy=False)
