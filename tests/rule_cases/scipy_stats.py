"""Cases for templates/scipy_stats.py (none without SciPy).  autograd comparisons are in
tests/rules/test_scipy_against_autograd.py.

scipy.stats computes in float64 whatever its inputs: no float32 checks here.
"""
import functools

from rule_cases import values
from rule_cases.scipy_special import add_scipy as _add_scipy
from rule_cases.scipy_special import scipy

add_scipy = functools.partial(_add_scipy, float32=False)

if scipy is not None:
    st = scipy.stats
    # x, loc and scale: Python floats, 0-d, 1-d, 2-d, 3-d, broadcast against each other.
    _SHAPES = [("float", None, None), ((), None, None), ((4,), None, None),
               ((2, 3), "float", "float"), ((4,), (4,), (4,)), ((2, 3), (3,), (2, 1)),
               ((3,), (2, 1), ()), ((2, 1, 3), (3,), (2, 1, 1))]

    def _with_loc_scale(name, prim, shapes=_SHAPES, shape_params=(), x_range=(-2, 2),
                        second_order=True):
        """Cases of ``prim(x, *shape_params, loc, scale)`` (loc and scale left out, passed by
        position or by name)."""
        for sx, sloc, sscale in shapes:
            for style in ("position", "keyword"):
                case_id = f"{name}-{style}-{sx}-{sloc}-{sscale}"
                params = {"x": values(case_id + "x", sx, *x_range)}
                args = ["x"]
                for p, (low, high) in shape_params:
                    params[p] = values(case_id + p, sx, low, high)
                    args.append(p)
                if sloc is not None:
                    params["loc"] = values(case_id + "loc", sloc, -0.3, 0.3)
                    params["scale"] = values(case_id + "scale", sscale, 0.8, 1.5)
                    args += (["loc", "scale"] if style == "position"
                             else ["loc=loc", "scale=scale"])
                elif style == "keyword":
                    continue
                add_scipy(case_id, prim, f"scipy.stats.{name}({', '.join(args)})", params,
                          second_order=second_order)

    for _f in ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"):
        _with_loc_scale(f"norm.{_f}", getattr(st.norm, _f))
    # Far in the tails, where cdf / sf underflow but their logarithms do not.
    for _f in ("logcdf", "logsf"):
        _id = f"norm.{_f}-tails"
        add_scipy(_id, getattr(st.norm, _f), f"scipy.stats.norm.{_f}(x * 30.0, 0.5, 2.0)",
                  {"x": values(_id, (2, 3), -1, 1)}, rtol=1e-4)
    _with_loc_scale("t.logpdf", st.t.logpdf, shape_params=[("df", (1.5, 6))], x_range=(-3, 3))
    _with_loc_scale("gamma.logpdf", st.gamma.logpdf, shape_params=[("a", (0.5, 3))],
                    x_range=(1.6, 3))
    _with_loc_scale("beta.logpdf", st.beta.logpdf,
                    shape_params=[("a", (0.5, 3)), ("b", (0.5, 3))], x_range=(0.35, 0.65))
    # Shape parameters of other shapes than x, and constants.
    _id = "t.logpdf-df-broadcast"
    add_scipy(_id, st.t.logpdf, "scipy.stats.t.logpdf(x, df, 0.2, scale=1.3)",
              {"x": values(_id, (2, 3), -3, 3), "df": values(_id + "df", (3,), 1, 5)},
              second_order=True)
    _id = "gamma.logpdf-a-float"
    add_scipy(_id, st.gamma.logpdf, "scipy.stats.gamma.logpdf(x, a)",
              {"x": values(_id, (4,), 0.5, 3), "a": 2.5}, second_order=True)
    _id = "beta.logpdf-constants"
    add_scipy(_id, st.beta.logpdf, "scipy.stats.beta.logpdf(x, 2.0, b, scale=2.0)",
              {"x": values(_id, (2, 3), 0.3, 1.5), "b": values(_id, (3,), 1, 4)},
              second_order=True)
    # poisson.logpmf: in mu (the counts k are integers, loc too).
    for _sk, _smu in [((4,), (4,)), ((2, 3), (3,)), ((3,), "float"), ((), ())]:
        _id = f"poisson.logpmf-{_sk}-{_smu}"
        _k = values(_id + "k", _sk, 0, 6).round().astype(int)
        add_scipy(_id, st.poisson.logpmf, "scipy.stats.poisson.logpmf(k, mu)",
                  {"k": _k, "mu": values(_id, _smu, 0.5, 5)}, second_order=True)
    _id = "poisson.logpmf-loc"
    add_scipy(_id, st.poisson.logpmf, "scipy.stats.poisson.logpmf(k, mu, loc=-1)",
              {"k": values(_id + "k", (4,), 0, 6).round().astype(int),
               "mu": values(_id, (4,), 0.5, 5)}, second_order=True)
