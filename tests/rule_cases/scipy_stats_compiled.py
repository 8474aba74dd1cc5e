"""Cases for templates/scipy_stats_compiled.py (none without SciPy): skewnorm's,
vonmises_line's and tukeylambda's distribution functions (and tukeylambda's densities) in x,
the shape parameter, loc and scale.  scipy.stats computes in float64: no float32 checks.
tukeylambda's lam stays out of |lam| < 1e-4, where SciPy's tklmbda is the logistic
distribution's (constant in lam; tests/test_scipy_stats_compiled.py checks lam = 0).
"""
import functools

from rule_cases import add_template, values
from rule_cases.scipy_special import add_scipy as _add_scipy
from rule_cases.scipy_special import scipy

add_scipy = functools.partial(_add_scipy, float32=False)

# x, loc and scale: a Python float alone, all of one shape, broadcast against each other.
_SHAPES = [("float", None, None), ((4,), (4,), (4,)), ((2, 3), (3,), (2, 1))]


def _cases(name, method, x_range, shape, shape_range, tag=""):
    """Cases of ``scipy.stats.<name>.<method>(x, <shape>, loc, scale)``, all differentiated."""
    prim = getattr(getattr(scipy.stats, name), method)
    for sx, sloc, sscale in _SHAPES:
        case_id = f"{name}.{method}{tag}-{sx}-{sloc}-{sscale}"
        params = {"x": values(case_id + "x", sx, *x_range),
                  shape: values(case_id + shape, sx, *shape_range)}
        args = ["x", shape]
        if sloc is not None:
            params["loc"] = values(case_id + "loc", sloc, -0.2, 0.2)
            params["scale"] = values(case_id + "scale", sscale, 0.8, 1.3)
            args += ["loc", "scale=scale"]
        add_scipy(case_id, prim, f"scipy.stats.{name}.{method}({', '.join(args)})", params,
                  second_order=True)


if scipy is not None:
    for _method in ("cdf", "logcdf"):
        _cases("skewnorm", _method, (-2, 2), "a", (-3, 3))
        _cases("vonmises_line", _method, (-2, 2), "kappa", (0.5, 3))
    # pearson3: skew positive and negative (refused for 0 < |skew| < 0.0063; 0 exactly:
    # tests/test_scipy_stats_compiled.py)
    for _method in ("cdf", "logcdf"):
        _cases("pearson3", _method, (-1, 1.5), "skew", (0.2, 1.2), "-positive")
        _cases("pearson3", _method, (-1.5, 1), "skew", (-1.2, -0.2), "-negative")
    # tukeylambda: lam negative, small, about 1 and about 2 (its support |z| < 1 / lam)
    for _method in ("pdf", "logpdf", "cdf", "logcdf"):
        _cases("tukeylambda", _method, (-2, 2), "lam", (-0.8, -0.05), "-negative")
        _cases("tukeylambda", _method, (-1.2, 1.2), "lam", (0.05, 0.3), "-small")
        _cases("tukeylambda", _method, (-0.5, 0.5), "lam", (0.9, 1.1), "-one")
        _cases("tukeylambda", _method, (-0.25, 0.25), "lam", (1.8, 2.2), "-two")

    # The runtime helpers' own rules (tangentlike/runtime/tukeylambda.py, vonmises_series.py):
    # in p and lam, and in z (a second derivative in kappa, or a third in lam, is refused:
    # tests/test_scipy_stats_compiled.py).
    from tangentlike.runtime.tukeylambda import quantile, quantile_dlam, quantile_dlam2
    from tangentlike.runtime.vonmises_series import vonmises_cdf_dkappa

    add_template("stats_compiled-quantile", quantile, values("tq0", (3,), 0.05, 0.95),
                 values("tql0", (3,), -0.8, 2.0), wrt=(0, 1))
    add_template("stats_compiled-quantile_dlam", quantile_dlam, values("tqp", (3,), 0.05, 0.95),
                 values("tql", (3,), -0.8, 2.0), wrt=(0, 1))
    add_template("stats_compiled-quantile_dlam2", quantile_dlam2,
                 values("tqp2", (3,), 0.05, 0.95), values("tql2", (3,), -0.8, 2.0), wrt=(0,))
    add_template("stats_compiled-vonmises_cdf_dkappa", vonmises_cdf_dkappa, 1.5,
                 values("vmz", (3,), -3, 3), wrt=(1,))
