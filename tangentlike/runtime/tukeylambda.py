"""The Tukey lambda quantile function's derivatives in ``lam``, for the rules of
``scipy.stats.tukeylambda`` (templates/scipy_stats_compiled.py), whose distribution function
is the inverse of the quantile ``Q(p) = (p^lam - (1 - p)^lam) / lam`` (``log(p / (1 - p))`` at
``lam = 0``).

With ``L = log p`` and ``g(L) = (exp(lam L) - 1) / lam``, ``Q = g(log p) - g(log(1 - p))``;
``dg/dlam = L^2 phi(lam L)`` and ``d2g/dlam2 = L^3 chi(lam L)`` where
``phi(u) = (u e^u - e^u + 1) / u^2 = sum_n (n + 1) u^n / (n + 2)!`` and
``chi(u) = (e^u (u^2 - 2u + 2) - 2) / u^3 = sum_n (n + 1)(n + 2) u^n / (n + 3)!``: the closed
forms for ``|u| >= 0.5``, the series (to a relative 1e-17) below, where the closed forms
cancel.  Both are 0 at and beyond the ends ``p <= 0``, ``p >= 1`` (where the density, which
multiplies them in the rules, is 0).  ``quantile`` is ``Q`` itself, for one Newton step
that refines SciPy's distribution function where it is the logistic one (``|lam| < 1e-4``:
tklmbda's value there is off by O(lam), the rules' derivative then not).  Their own rules
(the template) give their derivatives in ``p`` in closed form, ``Q``'s and the first one's in
``lam`` by the next, the second one's in ``lam`` is refused (a third derivative).
"""
from __future__ import annotations

from math import factorial
from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError

_SMALL = 0.5  # below this |u| the series are summed
_TERMS = 24  # 0.5^24 / 26! is far below 1e-17


def _phi(u: Any) -> Any:
    small = np.abs(u) < _SMALL
    w = np.where(small, 1.0, u)
    with np.errstate(over="ignore", invalid="ignore"):
        closed = (np.expm1(w) * (w - 1.0) + w) / (w * w)  # u e^u - e^u + 1 = (e^u - 1)(u - 1) + u
    series = sum((n + 1) * u ** n / factorial(n + 2) for n in range(_TERMS))
    return np.where(small, series, closed)


def _chi(u: Any) -> Any:
    small = np.abs(u) < _SMALL
    w = np.where(small, 1.0, u)
    with np.errstate(over="ignore", invalid="ignore"):
        closed = (np.expm1(w) * (w * w - 2.0 * w + 2.0) + w * w - 2.0 * w) / (w ** 3)
    series = sum((n + 1) * (n + 2) * u ** n / factorial(n + 3) for n in range(_TERMS))
    return np.where(small, series, closed)


def _parts(p: Any, lam: Any) -> tuple[Any, Any, Any, Any]:
    p, lam = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(lam, dtype=float))
    inside = (p > 0) & (p < 1)
    q = np.where(inside, p, 0.5)
    return inside, np.log(q), np.log1p(-q), lam


def quantile(p: Any, lam: Any) -> Any:
    """The Tukey lambda quantile function at ``p``, ``g(log p) - g(log(1 - p))`` with
    ``g(L) = L expm1(lam L) / (lam L)`` (no cancellation near ``lam = 0``); 0 outside
    ``(0, 1)``."""
    inside, l1, l2, lam = _parts(p, lam)
    out = l1 * _ratio(lam * l1) - l2 * _ratio(lam * l2)
    return np.where(inside, out, 0.0)


def _ratio(u: Any) -> Any:
    w = np.where(u == 0, 1.0, u)
    with np.errstate(over="ignore"):
        return np.where(u == 0, 1.0, np.expm1(w) / w)


def quantile_dlam(p: Any, lam: Any) -> Any:
    """``d/dlam`` of the Tukey lambda quantile function at ``p`` (0 outside ``(0, 1)``)."""
    inside, l1, l2, lam = _parts(p, lam)
    out = l1 * l1 * _phi(lam * l1) - l2 * l2 * _phi(lam * l2)
    return np.where(inside, out, 0.0)


def quantile_dlam2(p: Any, lam: Any) -> Any:
    """``d2/dlam2`` of the Tukey lambda quantile function at ``p`` (0 outside ``(0, 1)``)."""
    inside, l1, l2, lam = _parts(p, lam)
    out = l1 ** 3 * _chi(lam * l1) - l2 ** 3 * _chi(lam * l2)
    return np.where(inside, out, 0.0)


def no_third_lam_derivative(t: Any) -> Any:
    """Raise: a third derivative of ``scipy.stats.tukeylambda``'s distribution function in
    ``lam`` is needed."""
    raise ValueRefusedError(
        "tangentlike differentiates scipy.stats.tukeylambda's distribution function at most "
        "twice in lam",
        hint="differentiate in lam at most twice (a Hessian, not a third derivative), or "
             "register your own rule with @tangentlike.adjoint and @tangentlike.tangent")
