"""Helpers of the rules of templates/scipy_noncentral.py: the non-central chi-squared
density (in logarithms), the non-central t and F distributions' moments (``E[S**k phi(t S -
nc)]``, ``E[W**k g(u W)]``),
the derivatives of every order of the Kolmogorov and Smirnov distribution functions
(``scipy.special.kolmogorov`` and ``smirnov``), and the refusal of a shape parameter.  Each
helper has rules of its own there, so derivatives of derivatives work."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc
import scipy.stats

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.numpy_only import refuse_other_libraries

_LOG_HALF = math.log(0.5)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_TERMS = np.arange(1.0, 31.0)  # the series' terms: enough for double precision


def ncx2_logdensity(x: Any, df: Any, nc: Any) -> Any:
    """The logarithm of the non-central chi-squared density at ``x`` (``df`` degrees of
    freedom, non-centrality ``nc``), in float64: ``log(exp(-(x + nc) / 2) (x / nc)**(df / 4 -
    1 / 2) I_(df / 2 - 1)(sqrt(nc x)) / 2)`` with the exponentially scaled Bessel function
    ``ive``, the chi-squared density for ``nc == 0``, ``-inf`` for ``x <= 0``."""
    _real("the non-central chi-squared distribution", x, df, nc)
    x, df, nc = (np.asarray(v, dtype=np.float64) for v in (x, df, nc))
    with np.errstate(all="ignore"):
        inside = x > 0
        xs = np.where(inside, x, 1.0)
        central = nc == 0
        ncs = np.where(central, 1.0, nc)
        order = 0.5 * df - 1.0
        z = np.sqrt(ncs * xs)
        bessel = (_LOG_HALF - 0.5 * (xs + ncs) + 0.5 * order * np.log(xs / ncs) + z
                  + np.log(sc.ive(order, z)))
        chi2 = sc.xlogy(order, 0.5 * xs) - 0.5 * xs - sc.gammaln(0.5 * df) + _LOG_HALF
        out = np.where(inside, np.where(central, chi2, bessel), -np.inf)
    return out[()]


def nct_moment(k: int, t: Any, df: Any, nc: Any) -> Any:
    """``E[S**k phi(t S - nc)]`` for ``S = sqrt(chi2(df) / df)`` and ``phi`` the normal
    density, in float64: the non-central t density is ``k = 1``, the derivative of its
    distribution function in ``nc`` is minus ``k = 0``.  Tilting ``S``'s density by ``S**j``
    gives ``S`` of ``df + j`` degrees of freedom scaled by ``c = sqrt((df + j) / df)``, so for
    ``k >= 1`` it is ``E[S**(k-1)] c nct.pdf(t c, df + k - 1, nc)``; ``k = 0`` follows from the
    recurrence ``df J_0 = (t**2 + df) J_2 - t nc J_1`` (integration by parts)."""
    refuse_other_libraries("tangentlike.runtime.noncentral.nct_moment", t, df, nc)
    _real("the non-central t distribution", t, df, nc)
    t, df, nc = (np.asarray(v, dtype=np.float64) for v in (t, df, nc))
    if k == 0:
        return ((t * t + df) * nct_moment(2, t, df, nc) - t * nc * nct_moment(1, t, df, nc)) / df
    j = k - 1.0
    with np.errstate(all="ignore"):
        moment = np.exp(0.5 * j * np.log(2.0 / df) + sc.gammaln(0.5 * (df + j))
                        - sc.gammaln(0.5 * df))
        c = np.sqrt((df + j) / df)
        out = moment * c * scipy.stats.nct.pdf(t * c, df + j, nc)
    return out[()]


def ncf_moment(k: int, u: Any, dfn: Any, dfd: Any, nc: Any) -> Any:
    """``E[W**k g(u W; dfn, nc)]`` for ``W = chi2(dfd) / dfd`` and ``g`` the non-central
    chi-squared density, in float64: the non-central F density at ``f`` is ``dfn`` times
    ``k = 1`` at ``u = dfn f``; the derivative of its distribution function in ``nc`` is minus
    ``k = 0`` with ``dfn + 2``.  Tilting ``W``'s density by ``W**k`` gives ``W`` of ``dfd + 2 k``
    degrees of freedom scaled by ``(dfd + 2 k) / dfd``, so it is ``E[W**k] ncf.pdf(u (dfd + 2 k
    - 2) / (dfd dfn), dfn, dfd + 2 k - 2, nc) / dfn``: for ``k = 0`` only where ``dfd > 2``
    (refused elsewhere)."""
    refuse_other_libraries("tangentlike.runtime.noncentral.ncf_moment", u, dfn, dfd, nc)
    _real("the non-central F distribution", u, dfn, dfd, nc)
    u, dfn, dfd, nc = (np.asarray(v, dtype=np.float64) for v in (u, dfn, dfd, nc))
    if k == 0 and np.any(dfd <= 2):
        raise ValueRefusedError(
            "tangentlike differentiates the non-central F distribution function (ncfdtr, "
            "ncfdtri, ncfdtrinc, scipy.stats.ncf.cdf and logcdf) in the non-centrality nc "
            "where dfd > 2 only (its derivative there is a non-central F density of dfd - 2 "
            "degrees of freedom; for dfd <= 2 it has no closed form)",
            hint="hold nc constant, or use dfd > 2")
    with np.errstate(all="ignore"):
        moment = np.exp(k * np.log(2.0 / dfd) + sc.gammaln(0.5 * dfd + k) - sc.gammaln(0.5 * dfd))
        shifted = dfd + 2.0 * k - 2.0
        out = moment * scipy.stats.ncf.pdf(u * shifted / (dfd * dfn), dfn, shifted, nc) / dfn
    return out[()]


def kolmogorov_slope(n: int, y: Any) -> Any:
    """The derivative of order ``n >= 1`` of ``scipy.special.kolmogorov`` at ``y``, in
    float64: for ``y >= 1`` the series ``2 sum((-1)**(k - 1) exp(-2 k**2 y**2))`` differentiated
    term by term (Hermite polynomials), below 1 minus that of the distribution function
    ``sqrt(2 pi) / y sum(exp(-(2 k - 1)**2 pi**2 / (8 y**2)))`` (whose terms' derivatives are
    polynomials in ``1 / y`` times the exponential); 0 for ``y <= 0``."""
    _real("scipy.special.kolmogorov", y)
    y = np.asarray(y, dtype=np.float64)
    k = _TERMS
    with np.errstate(all="ignore"):
        large = y >= 1.0
        yl = np.where(large, y, 1.0)[..., None]
        c = 2.0 * k * k
        root = np.sqrt(c)
        terms = ((-1.0) ** (k - 1.0) * (-root) ** n * sc.eval_hermite(n, root * yl)
                 * np.exp(-c * yl * yl))
        alternating = 2.0 * np.sum(terms, axis=-1)
        w = 1.0 / np.where(large | (y <= 0), 0.5, y)[..., None]
        a = (2.0 * k - 1.0) ** 2 * (math.pi ** 2 / 8.0)
        # d/dy (P(w) exp(-a w**2)) = (-w**2 P'(w) + 2 a w**3 P(w)) exp(-a w**2), w = 1 / y.
        coefficients: dict[int, Any] = {1: np.ones_like(a)}
        for _ in range(n):
            following: dict[int, Any] = {}
            for power, value in coefficients.items():
                following[power + 1] = following.get(power + 1, 0.0) - power * value
                following[power + 3] = following.get(power + 3, 0.0) + 2.0 * a * value
            coefficients = following
        polynomial = sum(value * w ** power for power, value in coefficients.items())
        theta = _SQRT_2PI * np.sum(polynomial * np.exp(-a * w * w), axis=-1)
        out = np.where(large, alternating, np.where(y > 0, -theta, 0.0))
    return out[()]


def smirnov_slope(m: int, n: Any, x: Any) -> Any:
    """The derivative of order ``m >= 1`` in ``x`` of ``scipy.special.smirnov(n, x)`` (``n``
    truncated to an integer, as SciPy does), in float64: the exact finite sum
    ``sum(comb(n, j) x (x + j / n)**(j - 1) (1 - x - j / n)**(n - j))`` over
    ``j < n (1 - x)``, differentiated term by term (Leibniz's rule); 0 outside ``0 < x < 1``."""
    _real("scipy.special.smirnov", n, x)
    n, d = np.broadcast_arrays(np.trunc(np.asarray(n, dtype=np.float64)),
                               np.asarray(x, dtype=np.float64))
    out = np.zeros(d.shape)
    for index in np.ndindex(d.shape):
        out[index] = _smirnov_slope(m, n[index], d[index])
    return out[()]


def _smirnov_slope(m: int, n: float, d: float) -> float:
    refuse_other_libraries("tangentlike.runtime.noncentral._smirnov_slope", n, d)
    if not (n >= 1 and 0.0 < d < 1.0):
        return 0.0 if n >= 1 and not math.isnan(d) else math.nan
    j = np.arange(0.0, math.ceil(n * (1.0 - d)))
    a = d + j / n
    b = 1.0 - d - j / n
    j, a, b = j[b > 0], a[b > 0], b[b > 0]
    base = np.exp(sc.gammaln(n + 1.0) - sc.gammaln(j + 1.0) - sc.gammaln(n - j + 1.0)
                  + (j - 1.0) * np.log(a) + (n - j) * np.log(b))
    total = np.zeros_like(base)
    for first in (0, 1):  # the derivative of the factor d: d itself, then 1
        for of_a in range(m - first + 1):
            of_b = m - first - of_a
            weight = math.factorial(m) / (math.factorial(of_a) * math.factorial(of_b))
            fa = _falling(j - 1.0, of_a) / a ** of_a
            fb = (-1.0) ** of_b * _falling(n - j, of_b) / b ** of_b
            total = total + weight * (d if first == 0 else 1.0) * fa * fb
    return float(np.sum(base * total))


def _falling(p: Any, count: int) -> Any:
    """``p (p - 1) ... (p - count + 1)``."""
    out = np.ones_like(p)
    for i in range(count):
        out = out * (p - i)
    return out


def _real(what: str, *values: Any) -> None:
    """Refuse complex values (SciPy computes some of these functions on them, but the rules
    are written for real ones): a refusal, not a wrong number."""
    if any(np.iscomplexobj(v) for v in values):
        raise ValueRefusedError(
            f"the derivative of {what} is implemented for real values only; these are "
            f"complex ({np.result_type(*values)})")


def no_shape_derivative(t: Any, function: str, parameter: str) -> Any:
    """Raise: ``t``, a derivative of ``function`` (its full name) in ``parameter``, is needed,
    and has no closed form (a distribution function's derivative in its degrees of freedom)
    or does not exist (an integer sample size).  Generated code calls this only where
    ``parameter`` is differentiated."""
    error = ValueRefusedError(
        f"tangentlike has no derivative of {function} in its parameter {parameter!r} "
        f"({_WHY.get(parameter, 'no closed form')}; the other arguments are differentiated)",
        hint=f"pass {parameter} as a constant (not computed from the differentiated inputs), "
             "or register your own rule with @tangentlike.adjoint and @tangentlike.tangent")
    raise error  # the user's line: frontend.library.locate_at_run_time


_WHY = {"n": "an integer sample size: no derivative",
        "df": "the derivative in the degrees of freedom has no closed form"}
