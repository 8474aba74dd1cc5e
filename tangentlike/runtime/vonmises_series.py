"""The von Mises distribution function's derivative in its concentration ``kappa``
(``scipy.stats.vonmises_line.cdf``'s, templates/scipy_stats_compiled.py).

On ``[-pi, pi]`` the distribution function is the series
``F(z, kappa) = (z + pi) / (2 pi) + (1 / pi) sum_{n >= 1} r_n(kappa) sin(n z) / n`` with
``r_n = I_n(kappa) / I_0(kappa)`` (SciPy's ``von_mises_cdf_series``), so
``dF/dkappa = (1 / pi) sum_{n >= 1} r_n' sin(n z) / n`` with
``r_n' = (r_{n-1} + r_{n+1}) / 2 - r_n r_1`` (``I_n' = (I_{n-1} + I_{n+1}) / 2``), the ratios
from ``scipy.special.ive`` (no overflow).  ``r_n`` falls like ``exp(-n^2 / (2 kappa))``: the
sum runs to ``n = 40 + 12 sqrt(kappa)``, past which the terms are below ``1e-30``.  The
differences in ``r_n'`` lose about ``log10(kappa)`` digits: ``kappa`` above :data:`LARGEST` is
refused (``ValueRefusedError``), never a wrong number.  Its own rules (the template) give its
derivative in ``z`` in closed form and refuse a second derivative in ``kappa``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError

LARGEST = 50.0  # kappa from here is refused: SciPy approximates the function by a normal one


def vonmises_cdf_dkappa(kappa: Any, z: Any) -> Any:
    """``d/dkappa`` of the von Mises distribution function at ``z`` (standardized), 0 outside
    ``[-pi, pi]``; float64."""
    kappa, z = np.broadcast_arrays(np.asarray(kappa, dtype=float), np.asarray(z, dtype=float))
    if np.any(kappa > LARGEST):
        raise ValueRefusedError(
            f"tangentlike differentiates scipy.stats.vonmises_line's distribution function in "
            f"kappa for kappa <= {LARGEST:g} only (a series in Bessel function ratios, whose "
            f"differences lose digits above it)",
            hint="hold kappa constant, or keep it at most 100")
    out = np.zeros(kappa.shape)
    run = (kappa >= 0) & (np.abs(z) < np.pi)
    out[~((kappa >= 0) & ~np.isnan(z))] = np.nan
    if run.any():
        from scipy.special import ive

        k, x = kappa[run], z[run]
        terms = int(40 + 12 * np.sqrt(np.max(k)))
        n = np.arange(terms + 2, dtype=float)[:, None]
        r = ive(n, k) / ive(0.0, k)  # r[0] = 1
        dr = (r[:-2] + r[2:]) / 2 - r[1:-1] * r[1]  # r_n' for n = 1 .. terms
        m = n[1:-1]
        out[run] = np.sum(dr * np.sin(m * x) / m, axis=0) / np.pi
    return out


def no_second_kappa_derivative(t: Any) -> Any:
    """Raise: a second derivative of ``vonmises_line.cdf`` in ``kappa`` is needed."""
    raise ValueRefusedError(
        "tangentlike has no second derivative of scipy.stats.vonmises_line's distribution "
        "function in kappa (the first one is a series)",
        hint="differentiate in kappa once only (a gradient, not a Hessian), or register your "
             "own rule with @tangentlike.adjoint and @tangentlike.tangent")


def tail_checked(y: Any) -> Any:
    """1.0, or raise where the log distribution function ``y`` is below ``log(1e-5)`` (and
    finite): there the series' absolute error (about 1e-16) is no longer small next to the
    distribution function it is divided by."""
    y = np.asarray(y)
    if np.any(np.isfinite(y) & (y < np.log(1e-5))):
        raise ValueRefusedError(
            "tangentlike differentiates scipy.stats.vonmises_line.logcdf in kappa where the "
            "distribution function is at least 1e-5 only (its series' absolute error is not "
            "small next to a smaller one)",
            hint="hold kappa constant in the far left tail, or differentiate the cdf")
    return 1.0
