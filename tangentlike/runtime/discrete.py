"""Helpers of the discrete distributions' rules (templates/scipy_stats_discrete.py): the
moments of Fisher's non-central hypergeometric distribution, summed over its support, and
``without_each(p)``, Poisson binomial probabilities with each left out in turn.

With ``pmf(x) = C(n, x) C(M - n, N - x) w**x / Z`` on ``max(0, N - M + n) <= x <= min(n, N)``,
``d log pmf(x) / dw = (x - mean) / w``.  ``fisher_mean`` is the mean and
``fisher_sum(r, k, ...)`` the partial central sum ``sum_(x <= k) (x - mean)**r pmf(x)``
(``k`` beyond the support: the central moment); their rules (in the templates) differentiate
them in ``w`` to every order:

- ``d mean / dw = fisher_sum(2, N) / w`` (the variance over ``w``);
- ``d fisher_sum(r, k) / dw = (fisher_sum(r + 1, k) - r fisher_sum(2, N) fisher_sum(r - 1, k))
  / w``.

The sums are computed from the mass in logarithms (``gammaln``, normalized by its largest
term), one row per element over the widest support: exact to rounding, independent of
SciPy's own (BiasedUrn's) evaluation of the mass.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from tangentlike.runtime.linalg import real_matrices
from tangentlike.runtime.numpy_only import refuse_other_libraries

_WHAT = "scipy.stats.nchypergeom_fisher"


def _masses(M: Any, n: Any, N: Any, odds: Any, k: Any = 0.0) -> tuple[Any, Any, Any, Any]:
    """``(x, pmf, k, shape)``: the support points and masses, one row per element of the
    broadcast shape (past an element's support ``x`` is 0 and the mass 0), ``k`` a column."""
    refuse_other_libraries("tangentlike.runtime.discrete._masses", M, n, N, odds, k)
    real_matrices(_WHAT, odds)
    M, n, N, odds, k = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (M, n, N, odds, k)))
    shape = M.shape
    M, n, N, odds, k = (v.reshape(-1, 1) for v in (M, n, N, odds, k))
    lo = np.maximum(0.0, N - (M - n))
    hi = np.minimum(n, N)
    width = int(np.max(hi - lo, initial=0)) + 1
    x = lo + np.arange(width, dtype=float)
    inside = x <= hi
    x = np.where(inside, x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logw = (sc.gammaln(n + 1) - sc.gammaln(x + 1) - sc.gammaln(n - x + 1)
                + sc.gammaln(M - n + 1) - sc.gammaln(N - x + 1)
                - sc.gammaln(M - n - N + x + 1) + x * np.log(odds))
    logw = np.where(inside, logw, -np.inf)
    w = np.exp(logw - np.max(logw, axis=1, keepdims=True))
    return x, w / np.sum(w, axis=1, keepdims=True), k, shape


def fisher_mean(M: Any, n: Any, N: Any, odds: Any) -> Any:
    """The mean of ``scipy.stats.nchypergeom_fisher(M, n, N, odds)``, summed."""
    x, pmf, _, shape = _masses(M, n, N, odds)
    return np.sum(x * pmf, axis=1).reshape(shape)[()]


def fisher_sum(r: int, k: Any, M: Any, n: Any, N: Any, odds: Any) -> Any:
    """``sum_(x <= k) (x - mean)**r pmf(x)`` for ``nchypergeom_fisher(M, n, N, odds)``."""
    x, pmf, k, shape = _masses(M, n, N, odds, k)
    mean = np.sum(x * pmf, axis=1, keepdims=True)
    terms = np.where(x <= k, (x - mean) ** r * pmf, 0.0)
    return np.sum(terms, axis=1).reshape(shape)[()]


def without_each(p: Any) -> Any:
    """``p`` (Bernoulli probabilities on its last axis, of length ``m``) as ``m`` rows, the
    ``i``-th with ``p_i`` set to 0: shape ``(..., m, m)`` (linear in ``p``: its rules are the
    templates').  Refused when complex (SciPy casts ``poisson_binom``'s ``p`` to real)."""
    real_matrices("scipy.stats.poisson_binom", p)
    p = np.asarray(p)
    return np.expand_dims(p, -2) * (1.0 - np.eye(p.shape[-1], dtype=p.dtype))
