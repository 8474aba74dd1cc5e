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
``1 - t`` keeps its digits), with ``scipy.integrate.tanhsinh`` on the integrand's logarithm
(no underflow in the tails), elementwise and adaptive to a relative error of about 1e-13.
Where it does not converge (parameters below about 1e-3), the derivative is refused
(``ValueRefusedError``), never a wrong number.  Against mpmath these agree to about 1e-12 over
``a, b`` in [0.01, 1e4] and ``x`` across the support, tails included.

The helpers return float64 (the rules cast to the result's type) and NaN where SciPy's
function is NaN (``a <= 0``, ``x`` outside the support).  Their own rules
(templates/scipy_incomplete.py) differentiate them in ``x`` (a closed form) and refuse a
second derivative in a parameter (:func:`no_second_parameter_derivative`).
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime import dynamic
from tangentlike.runtime.special_more import _user_line

_RTOL = np.log(1e-14)  # tanhsinh on logarithms: the log of the relative tolerance
_ACCEPT = np.log(1e-10)  # the error estimate (relative) a result must be under


def gammainc_da(a: Any, x: Any) -> Any:
    """``d/da scipy.special.gammainc(a, x)`` (negative; ``d/da gammaincc`` is its opposite)."""
    a, x = np.broadcast_arrays(*_floats(a, x))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (x >= 0) & ~np.isnan(x)
    out[ok] = 0.0  # x = 0 and x = inf
    run = ok & (x > 0) & np.isfinite(x)
    if run.any():
        from scipy.special import digamma, gammaln

        ar, lx = a[run], np.log(x[run])
        psi = digamma(ar)
        lower = lx <= psi
        lo, hi = np.where(lower, -np.inf, lx), np.where(lower, lx, np.inf)
        log_int, good = _integrate(_gamma_log_integrand, lo, hi, (ar, psi, gammaln(ar)))
        _check(good, "gammainc", "a", ar, x[run])
        out[run] = -np.exp(log_int)
    return _shaped(out)


def _gamma_log_integrand(w: Any, a: Any, psi: Any, lg: Any) -> Any:
    """log of ``t**a exp(-t) |log t - psi| / Gamma(a)`` at ``t = exp(w)`` (``dt = t dw``)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return a * w - np.exp(w) - lg + np.log(np.abs(w - psi))


def betainc_da(a: Any, b: Any, x: Any) -> Any:
    """``d/da scipy.special.betainc(a, b, x)`` (negative; ``d/da betaincc`` is its opposite)."""
    return -_beta_parameter(a, b, x, 0, "a")


def betainc_db(a: Any, b: Any, x: Any) -> Any:
    """``d/db scipy.special.betainc(a, b, x)`` (positive; ``d/db betaincc`` is its opposite)."""
    return _beta_parameter(a, b, x, 1, "b")


def _beta_parameter(a: Any, b: Any, x: Any, which: int, name: str) -> Any:
    """``|d/da I_x(a, b)|`` (which 0) or ``|d/db I_x(a, b)|`` (which 1)."""
    a, b, x = np.broadcast_arrays(*_floats(a, b, x))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
    out[ok] = 0.0  # x = 0 and x = 1
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
        first, good1 = _integrate(_beta_log_integrand, _log(lo), _log(np.minimum(hi, 0.5)),
                                  (ar, br, lb, c, which == 0))
        second, good2 = _integrate(_beta_log_integrand, _log(1.0 - hi),
                                   _log(1.0 - np.maximum(lo, 0.5)), (br, ar, lb, c, which == 1))
        _check(good1 & good2, "betainc", name, ar, br, xr)
        out[run] = np.exp(np.logaddexp(first, second))
    return _shaped(out)


def _beta_log_integrand(w: Any, p: Any, q: Any, lb: Any, c: Any, on_w: Any) -> Any:
    """log of ``t**p (1 - t)**(q - 1) |g - c| / B`` at ``t = exp(w)``, with ``g = log t``
    where ``on_w``, else ``g = log(1 - t)``."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        rest = np.log1p(-np.exp(w))
        return p * w + (q - 1.0) * rest - lb + np.log(np.abs(np.where(on_w, w, rest) - c))


def _integrate(log_integrand: Any, lo: Any, hi: Any, args: tuple) -> tuple[Any, Any]:
    """log of the integral of ``exp(log_integrand)`` over ``[lo, hi]`` elementwise (-inf for
    an empty interval), and where the result is good (converged, small error estimate)."""
    from scipy.integrate import tanhsinh

    lo, hi, *args = np.broadcast_arrays(lo, hi, *args)
    out = np.full(lo.shape, -np.inf)
    good = np.ones(lo.shape, dtype=bool)
    run = lo < hi
    if run.any():
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            res = tanhsinh(log_integrand, lo[run], hi[run], args=tuple(v[run] for v in args),
                           log=True, rtol=_RTOL, maxlevel=10)
        integral = np.real(res.integral)
        out[run] = integral
        # status -2: the level limit before the (strict) tolerance; the estimate decides
        good[run] = ((res.status == 0) | (res.status == -2)) & np.isfinite(integral) & (
            np.real(res.error) - integral < _ACCEPT)
    return out, good


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
    """Refuse (at the user's line) where the integral did not reach its accuracy."""
    if good.all():
        return
    i = int(np.argmin(good))
    at = ", ".join(f"{v[i]:.17g}" for v in values)
    _raise(ValueRefusedError(
        f"tangentlike cannot compute the derivative of scipy.special.{function} in its "
        f"parameter {parameter!r} accurately at ({at}) (its quadrature did not converge; "
        "parameters below about 1e-3 are out of its reach)",
        hint=f"keep {parameter} in the range where the derivative is computed, or pass it as "
             "a constant"))


def no_second_parameter_derivative(t: Any, function: str, parameter: str) -> Any:
    """Raise: a second derivative of ``function`` in its ``parameter`` is needed (the first
    is a quadrature, tangentlike has no rule for its own derivative in the parameter)."""
    _raise(ValueRefusedError(
        f"tangentlike has no second derivative of scipy.special.{function} in its parameter "
        f"{parameter!r} (the first one is a numerical integral)",
        hint=f"differentiate in {parameter} once only (a gradient, not a Hessian), or register "
             "your own rule with @tangentlike.adjoint and @tangentlike.tangent"))


def _raise(error: ValueRefusedError) -> None:
    """Raise ``error`` located at the user's line the generated code that called us is at."""
    frame = sys._getframe(1)
    while frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    where = dynamic.WHERE(frame) if dynamic.WHERE is not None else None
    where = where or _user_line(frame)
    if where is not None:
        error.location = where
        error.args = (str(error),)
    raise error
