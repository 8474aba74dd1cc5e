"""Derivatives of the regularized incomplete gamma and beta functions in their parameters:
``P(a, x) = scipy.special.gammainc(a, x)`` in ``a`` and ``I_x(a, b) =
scipy.special.betainc(a, b, x)`` in ``a`` and ``b`` (none is a closed form; JAX has the first
as ``igamma_grad_a``).

Each is an integral whose integrand has one sign: with ``f`` the density (gamma or beta),
``dP/da = int_0^x f(t) (log t - psi(a)) dt = -int_x^inf f(t) (log t - psi(a)) dt`` (the mean of
``log t`` is ``psi(a)``), and ``log t - psi(a)`` changes sign once, at ``exp(psi(a))``: the
side of ``x`` away from that point is integrated, so nothing cancels; likewise ``dI/da`` with
``log t - psi(a) + psi(a + b)`` and ``dI/db`` with ``log(1 - t) - psi(b) + psi(a + b)``.  The
integrals run in ``w = log t`` (``w = log(1 - t)`` for the half of [0, 1] above 1/2, so
``1 - t`` keeps its digits), with ``scipy.integrate.tanhsinh`` on the integrand
(scaled by its peak: no overflow, no underflow but of negligible parts), elementwise and
adaptive to a relative error of 1e-13.  Against mpmath these agree to about 1e-12 over
``a, b`` in [1e-7, 1e4] and ``x`` across the support, tails included (1e-10 at 1e5).  Where
the quadrature's error estimate is not small, or a parameter is above 1e5, the derivative is
refused (``ValueRefusedError``), never a wrong number.

``stdtr_ddf``, ``fdtr_ddfn`` and ``fdtr_ddfd`` (Student's t and F distribution functions in
their degrees of freedom) go through ``betainc``'s, at the argument that is at most 1/2 (the
other one's complement, given with its digits).

The helpers return float64 (the rules cast to the result's type), NaN for a parameter <= 0,
and 0 at and beyond the ends of the support (where SciPy's value is NaN, as the x-derivative
of the rules is: the unselected branch of ``np.where(x > 0, gammainc(a, x), ...)`` adds no
``0 * NaN``).  Their own rules
(templates/scipy_incomplete.py) differentiate them in ``x`` (a closed form) and refuse a
second derivative in a parameter (:func:`no_second_parameter_derivative`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime.numpy_only import refuse_other_libraries

_RTOL = 1e-13  # tanhsinh's relative tolerance (SciPy 1.15 cannot reach 1e-14 on some)
_ACCEPT = 1e-10  # the error estimate (relative) a result must be under
_NEGLIGIBLE = 800.0  # how far below its peak a log integrand is cut off
_LARGEST = 1e5  # parameters above this are refused (checked against mpmath up to it)


def gammainc_da(a: Any, x: Any) -> Any:
    """``d/da scipy.special.gammainc(a, x)`` (negative; ``d/da gammaincc`` is its opposite)."""
    refuse_other_libraries("tangentlike.runtime.incomplete.gammainc_da", a, x)
    a, x = np.broadcast_arrays(*_floats(a, x))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & ~np.isnan(x)
    out[ok] = 0.0  # x <= 0 and x = inf
    run = ok & (x > 0) & np.isfinite(x)
    if run.any():
        from scipy.special import digamma, gammaln

        ar, lx = a[run], np.log(x[run])
        psi = digamma(ar)
        lower = lx <= psi
        lo, hi = np.where(lower, -np.inf, lx), np.where(lower, lx, np.inf)
        # the log density a w - exp(w) - lg is largest at w = log a, else at the end nearer
        # it; the infinite ends are moved to where it is _NEGLIGIBLE below that (tanhsinh's
        # infinite intervals can stop early with a wrong result)
        lg = gammaln(ar)
        peak = np.clip(np.log(ar), lo, hi)
        top = _gamma_parts(peak, ar, psi, lg)[0] - _NEGLIGIBLE
        # below: a w - lg <= top
        lo = np.where(lower, np.minimum((top + lg) / ar, hi - 1.0), lo)
        # above log a: a w - exp(w) - lg = top, a fixed point of w = log(a w - lg - top)
        end = np.maximum(lo, np.log(ar)) + 1.0
        for _ in range(12):
            end = np.maximum(end, np.log(np.maximum(ar * end - lg - top, 1.0)))
        hi = np.where(lower, hi, end + 1.0)
        log_int, good = _integrate(_gamma_parts, lo, hi, peak, (ar, psi, lg))
        _check(good & (ar <= _LARGEST), "gammainc", "a", ar, x[run])
        out[run] = -np.exp(log_int)
    return _shaped(out)


def _gamma_parts(w: Any, a: Any, psi: Any, lg: Any) -> tuple[Any, Any]:
    """The integrand ``t**a exp(-t) (log t - psi) / Gamma(a)`` at ``t = exp(w)`` (``dt = t
    dw``): its first factor's logarithm and the weight ``log t - psi``."""
    return a * w - np.exp(w) - lg, w - psi


def betainc_da(a: Any, b: Any, x: Any) -> Any:
    """``d/da scipy.special.betainc(a, b, x)`` (negative; ``d/da betaincc`` is its opposite)."""
    return -_beta_parameter(a, b, x, 0, "a")


def betainc_db(a: Any, b: Any, x: Any) -> Any:
    """``d/db scipy.special.betainc(a, b, x)`` (positive; ``d/db betaincc`` is its opposite)."""
    return _beta_parameter(a, b, x, 1, "b")


def _beta_parameter(a: Any, b: Any, x: Any, which: int, name: str) -> Any:
    """``|d/da I_x(a, b)|`` (which 0) or ``|d/db I_x(a, b)|`` (which 1)."""
    refuse_other_libraries("tangentlike.runtime.incomplete._beta_parameter", a, b, x)
    a, b, x = np.broadcast_arrays(*_floats(a, b, x))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (b > 0) & ~np.isnan(x)
    out[ok] = 0.0  # x <= 0 and x >= 1
    run = ok & (x > 0) & (x < 1)
    if run.any():
        from scipy.special import betaln, digamma

        ar, br, xr = a[run], b[run], x[run]
        lb = betaln(ar, br)
        c = (digamma(ar) if which == 0 else digamma(br)) - digamma(ar + br)
        # the weight log t - c (which 0) grows with t, log(1 - t) - c (which 1) falls: the
        # integral runs on the side of x where it has one sign
        upper = xr > np.exp(c) if which == 0 else xr >= -np.expm1(c)
        lo, hi = np.where(upper, xr, 0.0), np.where(upper, 1.0, xr)
        # [lo, min(hi, 1/2)] in w = log t, [max(lo, 1/2), hi] in v = log(1 - t)
        first, good1 = _beta_piece(_log(lo), _log(np.minimum(hi, 0.5)), ar, br, lb, c,
                                   which == 0)
        second, good2 = _beta_piece(_log(1.0 - hi), _log(1.0 - np.maximum(lo, 0.5)), br, ar,
                                    lb, c, which == 1)
        _check(good1 & good2 & (ar <= _LARGEST) & (br <= _LARGEST), "betainc", name, ar, br, xr)
        out[run] = np.exp(np.logaddexp(first, second))
    return _shaped(out)


def _beta_piece(lo: Any, hi: Any, p: Any, q: Any, lb: Any, c: Any, on_w: Any) -> Any:
    """log of the integral of :func:`_beta_parts` over ``[lo, hi]`` (``hi <= log(1/2)``)."""
    # p w + (q - 1) log(1 - exp(w)) is largest at exp(w) = p / (p + q - 1) when q > 1, else
    # it grows with w
    with np.errstate(divide="ignore", invalid="ignore"):
        mode = np.where(q > 1.0, np.log(p / (p + q - 1.0)), np.inf)
    peak = np.clip(mode, lo, hi)
    # the infinite lower end moves to where the log density is _NEGLIGIBLE below its peak:
    # there it is at most p w - lb + max(0, 1 - q) log 2
    top = _beta_parts(peak, p, q, lb, c, on_w)[0] - _NEGLIGIBLE
    with np.errstate(invalid="ignore"):
        end = (top + lb - np.maximum(0.0, 1.0 - q) * 0.6931471805599453) / p
    lo = np.where(np.isneginf(lo), np.minimum(end, hi - 1.0), lo)
    return _integrate(_beta_parts, lo, hi, peak, (p, q, lb, c, on_w))


def _beta_parts(w: Any, p: Any, q: Any, lb: Any, c: Any, on_w: Any) -> tuple[Any, Any]:
    """The integrand ``t**p (1 - t)**(q - 1) (g - c) / B`` at ``t = exp(w)``, with ``g =
    log t`` where ``on_w``, else ``g = log(1 - t)``: its first factor's logarithm and the
    weight ``g - c``."""
    rest = np.log1p(-np.exp(w))
    return p * w + (q - 1.0) * rest - lb, np.where(on_w, w, rest) - c


def stdtr_ddf(df: Any, t: Any) -> Any:
    """``d/d(df) scipy.special.stdtr(df, t)``: with ``w = t**2 / (df + t**2)``, ``z = 1 - w``
    and ``D`` the beta density of ``(1/2, df/2)`` at ``w``, ``stdtr = 1/2 + sign(t)/2
    I_w(1/2, df/2)``, so the derivative is ``sign(t)/2 (I_b(1/2, df/2, w)/2 - D w z / df)``;
    for ``w > 1/2`` the same through ``I_z(df/2, 1/2)`` (its argument keeps its digits)."""
    df, t = np.broadcast_arrays(*_floats(df, t))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        w, z = t * t / (df + t * t), df / (df + t * t)
        w = np.where(np.isinf(t), 1.0, w)
        z = np.where(np.isinf(t), 0.0, z)
        return _shaped(_beta_form(0.5, 0.5 * df, w, z, 0.5 * np.sign(t), w * z / df, 1))


def fdtr_ddfn(dfn: Any, dfd: Any, x: Any) -> Any:
    """``d/d(dfn) scipy.special.fdtr(dfn, dfd, x) = I_a(dfn/2, dfd/2, u)/2 + D u (1 - u) /
    dfn`` with ``u = dfn x / (dfd + dfn x)`` and ``D`` the beta density at ``u``."""
    dfn, dfd, x = np.broadcast_arrays(*_floats(dfn, dfd, x))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u, uc = dfn * x / (dfd + dfn * x), dfd / (dfd + dfn * x)
        u, uc = np.where(np.isinf(x), 1.0, u), np.where(np.isinf(x), 0.0, uc)
        return _shaped(_beta_form(0.5 * dfn, 0.5 * dfd, u, uc, 1.0, -u * uc / dfn, 0))


def fdtr_ddfd(dfn: Any, dfd: Any, x: Any) -> Any:
    """``d/d(dfd) scipy.special.fdtr(dfn, dfd, x) = I_b(dfn/2, dfd/2, u)/2 - D u (1 - u) /
    dfd`` (see :func:`fdtr_ddfn`)."""
    dfn, dfd, x = np.broadcast_arrays(*_floats(dfn, dfd, x))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u, uc = dfn * x / (dfd + dfn * x), dfd / (dfd + dfn * x)
        u, uc = np.where(np.isinf(x), 1.0, u), np.where(np.isinf(x), 0.0, uc)
        return _shaped(_beta_form(0.5 * dfn, 0.5 * dfd, u, uc, 1.0, u * uc / dfd, 1))


def _beta_form(a: Any, b: Any, x: Any, xc: Any, scale: Any, chain: Any, which: int) -> Any:
    """``scale (d/dp I_x(a, b) / 2 - D chain)`` (``p`` = a for which 0, b for 1, ``D`` the
    beta density at x, ``xc = 1 - x`` given with its digits): where ``x > 1/2``, through
    ``I_x(a, b) = 1 - I_xc(b, a)``, whose parameter derivatives are the opposite ones."""
    refuse_other_libraries("tangentlike.runtime.incomplete._beta_form", a, b, x, xc, scale, chain)
    a, b, x, xc, scale, chain = np.broadcast_arrays(a, b, x, xc, scale, chain)
    from scipy.special import betaln

    flip = x > 0.5
    part = np.empty(x.shape)
    first, second = (betainc_da, betainc_db) if which == 0 else (betainc_db, betainc_da)
    keep = ~flip
    if keep.any():
        part[keep] = first(a[keep], b[keep], x[keep])
    if flip.any():
        part[flip] = -second(b[flip], a[flip], xc[flip])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_density = (a - 1.0) * np.log(x) + (b - 1.0) * np.log(xc) - betaln(a, b)
        term = np.where(chain == 0.0, 0.0, np.exp(log_density) * chain)
        out = scale * (0.5 * part - term)
    return np.where(np.isnan(x) | np.isnan(a) | np.isnan(b), np.nan, out)


def _integrate(parts: Any, lo: Any, hi: Any, peak: Any, args: tuple) -> tuple[Any, Any]:
    """log of ``|int exp(log_factor(w)) weight(w) dw|`` over ``[lo, hi]`` elementwise, with
    ``log_factor, weight = parts(w, *args)`` (-inf for an empty interval), and where the result
    is good (converged, small error estimate).  The factor is scaled by its value at ``peak``,
    its largest on the interval, so nothing overflows and only negligible values underflow;
    the weight changes sign at most at an end (the logarithm of its absolute value would put a
    singularity there, and near the interval where the sign change lies just outside it)."""
    from scipy.integrate import tanhsinh

    lo, hi, peak, *args = np.broadcast_arrays(lo, hi, peak, *args)
    out = np.full(lo.shape, -np.inf)
    good = np.ones(lo.shape, dtype=bool)
    run = lo < hi
    if run.any():
        args = tuple(v[run] for v in args)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            scale = parts(peak[run], *args)[0]
            res = tanhsinh(_scaled(parts), lo[run], hi[run], args=(scale, *args),
                           rtol=_RTOL, atol=0.0, maxlevel=10)
            integral = np.abs(res.integral)
            out[run] = np.log(integral) + scale
        # status -2: the level limit before the (strict) tolerance; the estimate decides
        good[run] = ((res.status == 0) | (res.status == -2)) & np.isfinite(out[run]) & (
            res.error <= _ACCEPT * integral)
    return out, good


def _scaled(parts: Any) -> Any:
    """The integrand of :func:`_integrate`, its factor divided by ``exp(scale)``."""
    def integrand(w: Any, scale: Any, *args: Any) -> Any:
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            log_factor, weight = parts(w, *args)
            return np.where(weight == 0.0, 0.0, np.exp(log_factor - scale) * weight)
    return integrand


def _log(v: Any) -> Any:
    with np.errstate(divide="ignore"):
        return np.log(v)


def _floats(*values: Any) -> list[Any]:
    if any(np.iscomplexobj(v) for v in values):
        raise ValueRefusedError("scipy.special's incomplete gamma and beta functions take "
                                "real values only; these are complex")
    return [np.asarray(v, dtype=np.float64) for v in values]


def _shaped(out: Any) -> Any:
    return out if out.ndim else out[()]


def _check(good: Any, function: str, parameter: str, *values: Any) -> None:
    """Refuse where the integral did not reach its accuracy (the user's line:
    frontend.library.locate_at_run_time)."""
    if good.all():
        return
    i = int(np.argmin(good))
    at = ", ".join(f"{v[i]:.17g}" for v in values)
    raise ValueRefusedError(
        f"tangentlike cannot compute the derivative of scipy.special.{function} in its "
        f"parameter {parameter!r} accurately at ({at}) (a parameter above {_LARGEST:g}, or "
        "its quadrature did not converge)",
        hint=f"keep {parameter} in the range where the derivative is computed, or pass it as "
             "a constant")


def no_second_parameter_derivative(t: Any, function: str, parameter: str) -> Any:
    """Raise: a second derivative of ``function`` in its ``parameter`` is needed (the first
    is a quadrature, tangentlike has no rule for its own derivative in the parameter)."""
    raise ValueRefusedError(
        f"tangentlike has no second derivative of scipy.special.{function} in its parameter "
        f"{parameter!r} (the first one is a numerical integral)",
        hint=f"differentiate in {parameter} once only (a gradient, not a Hessian), or register "
             "your own rule with @tangentlike.adjoint and @tangentlike.tangent")
