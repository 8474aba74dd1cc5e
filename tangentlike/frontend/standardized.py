"""A scipy.stats distribution's ``pdf logpdf cdf logcdf`` (``pmf logpmf cdf logcdf`` of a
discrete one) without a rule of its own, as the distribution's private method at the
standardized point.

``scipy.stats.alpha.logpdf(x, a, loc, scale)`` is, where SciPy computes it (valid shapes,
``scale > 0``, ``z = (x - loc) / scale`` in the support), ``alpha._logpdf(z, a) -
log(scale)``; ``pdf`` is ``_pdf(z, a) / scale``, ``cdf`` ``_cdf(z, a)``, ``logcdf``
``_logcdf(z, a)``; elsewhere it is SciPy's own value (0, 1, -inf, nan), a constant.  A call
of such a method becomes a call of a function written here for the distribution and method
(:func:`standardized`), which tangentlike differentiates from its source; the private method
is plain Python over NumPy and scipy.special in SciPy's source, differentiated from it too
(``functions._method_of_object``), or refused by name at the user's line where it uses
something tangentlike does not differentiate.  A discrete distribution's count ``k`` and its
``loc`` carry no derivative.  Some private methods are written out instead
(``frontend/written_out.py``: SciPy's ``_lazyselect`` and in-place updates as ``np.where``),
and SciPy's base-class defaults too (:data:`_BASE`): a discrete distribution's ``_cdf`` is its
mass summed (SciPy's value, the sum's derivative), a continuous one's, a numerical integral,
is refused when differentiated.
"""
from __future__ import annotations

import builtins
import types
from typing import Any

import numpy as np

from tangentlike.core import syntax
from tangentlike.frontend import distributions, written_out
from tangentlike.frontend.library import STANDING_FOR
from tangentlike.frontend.lifting import compile_function
from tangentlike.frontend.parsing import register_synthetic
from tangentlike.rules import registry
from tangentlike.runtime import stats_generic

# The private method each public one computes, and what the public one does with it.
CONTINUOUS = {"logpdf": "{_logpdf} - np.log(scale)", "pdf": "{_pdf} / scale",
              "cdf": "{_cdf}", "logcdf": "{_logcdf}"}
DISCRETE = {"logpmf": "{_logpmf}", "pmf": "np.clip({_pmf}, 0.0, 1.0)",
            "cdf": "np.clip({_cdf}, 0.0, 1.0)", "logcdf": "{_logcdf}"}

# SciPy's private methods of the base classes that spread ``*args`` (which tangentlike does
# not follow into a call found when it runs), written out: by class name and method.
_BASE = {("rv_continuous", "_logpdf"): "np.log({_pdf})",
         ("rv_discrete", "_logpmf"): "np.log({_pmf})",
         ("rv_generic", "_logcdf"): "np.log({_cdf})",
         ("rv_continuous", "_logcdf"): "np.where(safe < median(dist{listed}), np.log({_cdf}), "
                                       "np.log1p(-{_sf}))",
         ("rv_generic", "_sf"): "(1.0 - {_cdf})",
         # SciPy's default sums the mass from the support's least count up (_cdf_single,
         # vectorized): every count up to the greatest at once, masked (count_grid), for the
         # derivative; the value is SciPy's own (the sums add in another order).
         ("rv_discrete", "_cdf"): "valued(private_value(dist, '_cdf', safe{listed}), "
                                  "np.sum(np.where(count_grid(dist, safe{listed}) <= safe, "
                                  "{_pmf@grid}, 0.0), axis=0))",
         # SciPy's default integrates the density numerically: its rules refuse.
         ("rv_continuous", "_cdf"): "integrated(dist, '_cdf', safe{listed})"}

# The points a written-out private method is taken at, by the name its template gives them.
_POINTS = {"": "safe", "@grid": "count_grid(dist, safe{listed})"}

# Methods SciPy computes in a way no derivative follows, refused by name with the reason
# (annotate.no_rule_error): ``name`` (its four methods) or ``name.method`` -> why.
_COMPILED = ("SciPy computes it in compiled code (np.vectorize over a C function) and "
             "tangentlike has no closed-form derivative of it")
_QUADRATURE = "SciPy integrates the density numerically (scipy.integrate.quad, per point)"
_KSTWO = ("its derivative in x is the second derivative of the exact Kolmogorov-Smirnov "
          "distribution function of n samples (SciPy's _ksstats.kolmognp, an algorithm with "
          "no closed-form derivative); n is an integer, so x (with loc and scale) is its only "
          "differentiable argument, and kstwo.cdf and kstwo.logcdf have rules")
NO_DERIVATIVE = {
    "landau": "SciPy computes it in compiled code (Boost's Landau distribution), and its "
              "derivative has no closed form",
    "levy_stable": "SciPy computes it by numerical integration (or an FFT) of the "
                   "characteristic function",
    "genhyperbolic": f"{_COMPILED} (a Bessel function of the order p); the cdf: {_QUADRATURE}",
    "geninvgauss": f"{_COMPILED} (a Bessel function of the order p); the cdf: {_QUADRATURE}",
    "gausshyper.cdf": _QUADRATURE, "gausshyper.logcdf": _QUADRATURE,
    "irwinhall": "SciPy evaluates a B-spline object (scipy.interpolate.BSpline) point by "
                 "point (np.vectorize)",
    "kstwo.pdf": _KSTWO, "kstwo.logpdf": _KSTWO,
    "nchypergeom_wallenius": "SciPy computes Wallenius' mass in compiled code (BiasedUrn) "
                             "from an integral with no closed form, and its derivative in "
                             "the odds is another integral tangentlike has no validated "
                             "quadrature for",
}


def no_derivative(callee: Any) -> str | None:
    """Why ``callee`` (``scipy.stats.levy_stable.pdf``) has no derivative
    (:data:`NO_DERIVATIVE`), or None."""
    if not (isinstance(callee, types.MethodType)
            and distributions.is_distribution(callee.__self__)):
        return None
    name = getattr(callee.__self__, "name", None)
    if callee.__name__ not in {*CONTINUOUS, *DISCRETE}:
        return None
    return NO_DERIVATIVE.get(f"{name}.{callee.__name__}", NO_DERIVATIVE.get(name))


def _private(dist: Any, method: str, listed: str, point: str = "safe") -> str:
    """The expression of ``dist``'s private ``method`` at ``point``: its own method, or the
    base class's written out (:data:`_BASE`, at ``safe`` only)."""
    owner = next(c for c in type(dist).__mro__ if method in c.__dict__)
    written = written_out.written(dist, owner, method)
    if written is not None and point == "safe":
        return f"({_expand(dist, written, listed)})"
    template = _BASE.get((owner.__name__, method))
    if template is None:
        return f"dist.{method}({point}{listed})"
    if point != "safe":
        raise LookupError(f"{dist.name}.{method} is SciPy's default, at {point}")
    return _expand(dist, template, listed)


def _expand(dist: Any, template: str, listed: str) -> str:
    """``template`` with each ``{_method}`` replaced by :func:`_private`'s expression."""
    out = template.replace("{listed}", listed)
    for name in ("_pdf", "_logpdf", "_cdf", "_logcdf", "_sf", "_pmf", "_logpmf"):
        for suffix, point in _POINTS.items():
            token = "{" + name + suffix + "}"
            if token in out:
                out = out.replace(token, _private(dist, name, listed,
                                                  point.replace("{listed}", listed)))
    return out


_MADE: dict[tuple[int, str], tuple[Any, types.FunctionType]] = {}


def _shapes(dist: Any) -> list[str]:
    return [s.strip() for s in (dist.shapes or "").split(",") if s.strip()]


def _undeprecated(callee: Any) -> Any:
    """The method a deprecated alias of SciPy's calls (``scipy.stats.trapz.pdf``, SciPy
    before 1.16: a ``_DeprecationWrapper`` that warns and calls ``trapezoid.pdf``), else
    ``callee``."""
    kind = type(callee)
    if kind.__name__ == "_DeprecationWrapper" and kind.__module__.startswith("scipy.stats"):
        return getattr(callee, "method", callee)
    return callee


def standardized(callee: Any) -> types.FunctionType | None:
    """The function standing for ``callee`` (``scipy.stats.alpha.logpdf``, a method of a
    univariate distribution that has no rule), or None for any other callee."""
    callee = _undeprecated(callee)
    if not (isinstance(callee, types.MethodType)
            and distributions.is_distribution(callee.__self__)
            and not registry.is_primitive(callee)):
        return None
    dist, method = callee.__self__, callee.__name__
    kind = type(dist).__mro__
    discrete = any(c.__name__ == "rv_discrete" for c in kind)
    continuous = any(c.__name__ == "rv_continuous" for c in kind)
    table = DISCRETE if discrete else CONTINUOUS if continuous else {}
    if method not in table or no_derivative(callee) is not None:
        return None
    key = (id(dist), method)
    entry = _MADE.get(key)
    if entry is not None and entry[0] is dist:
        return entry[1]
    shapes = _shapes(dist)
    listed = "".join(f", {s}" for s in shapes)
    name = f"{dist.name}_{method}"
    try:
        body = _expand(dist, table[method], listed)
    except LookupError:  # SciPy's default method at a point other than the standardized one
        return None
    if discrete:
        source = (f"def {name}(k{listed}, loc=0):\n"
                  f"    j = count(k, loc)\n"
                  f"    ok = inside_discrete(dist, {method!r}, j{listed})\n"
                  f"    safe = np.where(ok, j, inner_count(dist, j{listed}))\n"
                  f"    return np.where(ok, {body}, "
                  f"scipy_value(dist, {method!r}, k{listed}, loc))\n")
    else:
        z = "z"
        while z in shapes:  # gausshyper's shape z: the standardized point takes another name
            z += "_"
        source = (f"def {name}(x{listed}, loc=0.0, scale=1.0):\n"
                  f"    {z} = (x - loc) / scale\n"
                  f"    ok = inside(dist, {method!r}, {z}, scale{listed})\n"
                  f"    safe = np.where(ok, {z}, inner_point(dist, {z}{listed}))\n"
                  f"    return np.where(ok, {body}, "
                  f"scipy_value(dist, {method!r}, x{listed}, loc, scale))\n")
    node = syntax.parse(source).body[0]
    filename = f"{STANDING_FOR}scipy.stats.{dist.name}.{method}>"
    globals_ = {"__builtins__": builtins, "np": np, **written_out.names(), **{
        n: getattr(stats_generic, n) for n in ("inside", "inside_discrete", "inner_point",
                                               "inner_count", "count", "median", "count_grid",
                                               "private_value", "valued", "integrated",
                                               "scipy_value")}}
    defaults = (0,) if discrete else (0.0, 1.0)
    func = compile_function(node, filename, globals_, {"dist": types.CellType(dist)},
                            defaults, {})
    func.__module__, func.__qualname__ = "scipy.stats", f"{dist.name}.{method}"
    register_synthetic(func, syntax.clone(node), filename, {})
    _MADE[key] = (dist, func)
    return func
