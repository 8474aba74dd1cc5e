"""Cases for templates/scipy_stats_extremes.py (none without SciPy): kappa4's, genextreme's,
kappa3's and dpareto_lognorm's densities and distribution functions in x, the shape
parameters, loc and scale, inside the support (z = (x - loc) / scale with k z < 1 and h u < 1);
genextreme also at c = 0 (Gumbel's, where the rule's series takes over).  The points h = 0 and
k = 0 of kappa4 are checked in tests/rules/test_stats_extremes.py (SciPy's own kappa4 loses
digits near k = 0, too many for central differences).  scipy.stats computes in float64: no
float32 checks."""
import functools

from rule_cases import values
from rule_cases.scipy_special import add_scipy as _add_scipy
from rule_cases.scipy_special import scipy

add_scipy = functools.partial(_add_scipy, float32=False)

# x, loc and scale: a Python float alone, all of one shape, broadcast against each other.
_SHAPES = [("float", None, None), ((4,), (4,), (4,)), ((2, 3), (3,), (2, 1))]
# (name, methods, x's range, {shape parameter: range or a literal})
_FAMILIES = [
    ("kappa4", ("pdf", "logpdf", "cdf", "logcdf"), (0.2, 1.2),
     {"h": (-0.5, 0.5), "k": (-0.4, 0.4)}),
    ("genextreme", ("pdf", "logpdf"), (-1.0, 1.0), {"c": (-0.5, 0.5)}),
    ("kappa3", ("logcdf",), (0.5, 3.0), {"a": (0.5, 3.0)}),
    ("dpareto_lognorm", ("cdf", "logcdf"), (0.5, 3.0),
     {"u": (-0.3, 0.3), "s": (0.4, 1.0), "a": (1.0, 3.0), "b": (1.0, 3.0)}),
]


def _cases(name, method, x_range, shapes, tag=""):
    """Cases of ``scipy.stats.<name>.<method>(x, *shapes, loc, scale=scale)``."""
    prim = getattr(getattr(scipy.stats, name), method)
    for sx, sloc, sscale in _SHAPES:
        case_id = f"{name}.{method}{tag}-{sx}-{sloc}-{sscale}"
        params = {"x": values(case_id + "x", sx, *x_range)}
        args = ["x"]
        for p, spec in shapes.items():
            if isinstance(spec, str):
                args.append(spec)
                continue
            params[p] = values(case_id + p, sx, *spec)
            args.append(p)
        if sloc is not None:
            params["loc"] = values(case_id + "loc", sloc, -0.3, 0.3)
            params["scale"] = values(case_id + "scale", sscale, 0.8, 1.5)
            args += ["loc", "scale=scale"]
        add_scipy(case_id, prim, f"scipy.stats.{name}.{method}({', '.join(args)})", params,
                  second_order=True)


if scipy is not None:
    for _name, _methods, _x, _shapes in _FAMILIES:
        for _method in _methods:
            _cases(_name, _method, _x, _shapes)
    for _method in ("pdf", "logpdf"):  # Gumbel's point: c = 0, the rule's series
        _cases("genextreme", _method, (-1.0, 1.0), {"c": "0.0"}, tag="-gumbel")
