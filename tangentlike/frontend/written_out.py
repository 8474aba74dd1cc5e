"""Private methods of scipy.stats distributions written out as NumPy expressions, for the
generic densities (frontend/standardized.py), where SciPy's own source holds what
tangentlike does not follow (``_lazyselect``, which calls a list of lambdas through
``func(*arrays)``).

By class name and method: an expression of the standardized point ``safe`` and the
distribution's shape parameters, by their names, whose value is SciPy's, element by element
(the same operations on the same numbers).  SciPy's ``_lazyselect(conditions, functions,
arrays)`` fills the result condition by condition, a later condition overwriting an earlier
one: written as nested ``np.where``, the last condition outermost.  A denominator that is 0
where its branch is not chosen is replaced there (``np.where(c == 0, 1.0, c)``), so that the
branch's derivative, multiplied by 0, stays finite.
"""
from __future__ import annotations

from typing import Any

# truncnorm's log cdf: log mass(a, x) - log mass(a, b), or, where that is above -0.1,
# log1p(-exp(log sf)) (SciPy's _logcdf; its in-place update written as np.where, the log sf
# held at -1 where it is not chosen, so that log1p(-exp(0)) never enters the derivative).
_LOG_MASS = "(_log_gauss_mass(a, safe) - _log_gauss_mass(a, b))"
_TRUNCNORM_LOGCDF = (
    f"np.where({_LOG_MASS} > -0.1, np.log1p(-np.exp(np.where({_LOG_MASS} > -0.1, "
    f"_log_gauss_mass(safe, b) - _log_gauss_mass(a, b), -1.0))), {_LOG_MASS})")

WRITTEN_OUT: dict[tuple[str, str], str] = {
    # triang: [c == 0, x < c, (x >= c) & (c != 1), c == 1] (c == 0 gives x >= c: the third)
    ("triang_gen", "_pdf"):
        "np.where(c == 1, 2 * safe, np.where(safe >= c, "
        "2 * (1 - safe) / (1 - np.where(c == 1, 0.5, c)), "
        "2 * safe / np.where(c == 0, 1.0, c)))",
    ("triang_gen", "_cdf"):
        "np.where(c == 1, safe * safe, np.where(safe >= c, "
        "(safe * safe - 2 * safe + c) / (np.where(c == 1, 0.5, c) - 1), "
        "safe * safe / np.where(c == 0, 1.0, c)))",
    # trapezoid: [x < c, (c <= x) & (x <= d), x > d], disjoint; u = 2 / (d - c + 1)
    ("trapezoid_gen", "_pdf"):
        "np.where(safe < c, 2 / (d - c + 1) * safe / np.where(c == 0, 1.0, c), "
        "np.where(safe <= d, 2 / (d - c + 1), "
        "2 / (d - c + 1) * (1 - safe) / (1 - np.where(d == 1, 0.5, d))))",
    ("trapezoid_gen", "_cdf"):
        "np.where(safe < c, safe ** 2 / np.where(c == 0, 1.0, c) / (d - c + 1), "
        "np.where(safe <= d, (c + 2 * (safe - c)) / (d - c + 1), "
        "1 - ((1 - safe) ** 2 / (d - c + 1) / (1 - np.where(d == 1, 0.5, d)))))",
    ("truncnorm_gen", "_logcdf"): _TRUNCNORM_LOGCDF,
    ("truncnorm_gen", "_cdf"): f"np.exp({_TRUNCNORM_LOGCDF})",
}


def names() -> dict[str, Any]:
    """The functions the expressions call besides NumPy's (SciPy's private helpers, where
    this SciPy has them)."""
    try:
        from scipy.stats._continuous_distns import _log_gauss_mass
    except ImportError:  # no SciPy, or one without it (truncnorm is then read as it is)
        return {}
    return {"_log_gauss_mass": _log_gauss_mass}
