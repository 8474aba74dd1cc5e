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

import re
from typing import Any

# truncnorm's log cdf: log mass(a, x) - log mass(a, b), or, where that is above -0.1,
# log1p(-exp(log sf)) (SciPy's _logcdf; its in-place update written as np.where, the log sf
# held at -1 where it is not chosen, so that log1p(-exp(0)) never enters the derivative).
_LOG_MASS = "(_log_gauss_mass(a, safe) - _log_gauss_mass(a, b))"
_TRUNCNORM_LOGCDF = (
    f"np.where({_LOG_MASS} > -0.1, np.log1p(-np.exp(np.where({_LOG_MASS} > -0.1, "
    f"_log_gauss_mass(safe, b) - _log_gauss_mass(a, b), -1.0))), {_LOG_MASS})")

# pearson3 (SciPy's _preprocess, loc = 0 and scale = 1 written as they compute): the normal
# density where |skew| < 0.000016, else a gamma distribution's of transx, alpha.
_SKEW = "np.where(np.abs(skew) < 0.000016, 1.0, skew)"
_BETA = f"(2.0 / ({_SKEW} * 1.0))"
_ALPHA = f"((1.0 * {_BETA}) ** 2)"
_TRANSX = f"({_BETA} * (safe - (0.0 - {_ALPHA} / {_BETA})))"
_PEARSON3_LOGPDF = (f"np.where(np.abs(skew) < 0.000016, np.log(_norm_pdf(safe)), "
                    f"np.log(np.abs({_BETA})) + _gamma.logpdf({_TRANSX}, {_ALPHA}))")

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
    ("pearson3_gen", "_logpdf"): _PEARSON3_LOGPDF,
    ("pearson3_gen", "_pdf"): f"np.exp({_PEARSON3_LOGPDF})",
    # truncpareto (SciPy 1.16 and later: xpx.apply_where(b > 0, ..., self._logpdf_pos_b,
    # super()._logpdf), whose source holds a del): the positive-b method where b > 0 (b held
    # at 1 elsewhere), the base class's (the log of the pdf or cdf) elsewhere.
    ("truncpareto_gen", "_logpdf"):
        "np.where(b > 0, dist._logpdf_pos_b(safe, np.where(b > 0, b, 1.0), c), np.log({_pdf}))",
    ("truncpareto_gen", "_logcdf"):
        "np.where(b > 0, dist._logcdf_pos_b(safe, np.where(b > 0, b, 1.0), c), "
        "np.where(safe < median(dist{listed}), np.log({_cdf}), np.log1p(-{_sf})))",
    # norminvgauss's _sf integrates the density numerically, like the default _cdf
    ("norminvgauss_gen", "_sf"): "integrated(dist, '_sf', safe{listed})",
}


def written(dist: Any, owner: type, method: str) -> str | None:
    """The written-out expression of ``dist``'s private ``method`` (defined by ``owner``), or
    None: none is written, or it calls a method this SciPy's distribution does not have (its
    source is another version's)."""
    expression = WRITTEN_OUT.get((owner.__name__, method))
    if expression is None or not all(hasattr(dist, name) for name in
                                     re.findall(r"dist\.(\w+)", expression)):
        return None
    return expression


def names() -> dict[str, Any]:
    """The functions the expressions call besides NumPy's (SciPy's private helpers, where
    this SciPy has them)."""
    try:
        import scipy.stats
        from scipy.stats import _continuous_distns
    except ImportError:  # no SciPy
        return {}
    found = {"_gamma": scipy.stats.gamma}
    for name in ("_log_gauss_mass", "_norm_pdf"):  # where this SciPy has them
        if hasattr(_continuous_distns, name):
            found[name] = getattr(_continuous_distns, name)
    return found
