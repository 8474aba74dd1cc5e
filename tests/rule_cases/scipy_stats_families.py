"""Cases for templates/scipy_stats_families.py (none without SciPy): the densities of each
location-scale family in x, the shape parameters, loc and scale; its distribution functions
with the shape parameters held constant (differentiated, they are refused: tests/
test_scipy_stats_frozen.py); the discrete distributions in their continuous parameters.
scipy.stats computes in float64: no float32 checks.
"""
import functools

from rule_cases import values
from rule_cases.scipy_special import add_scipy as _add_scipy
from rule_cases.scipy_special import scipy

add_scipy = functools.partial(_add_scipy, float32=False)

# x, loc and scale: a Python float alone, all of one shape, broadcast against each other.
_SHAPES = [("float", None, None), ((4,), (4,), (4,)), ((2, 3), (3,), (2, 1))]
# name: (x's range, {shape parameter: range}, constant shape parameters for the cdf).
_FAMILIES = {
    "t": ((-3, 3), {"df": (1.5, 6)}, "3.5"),
    "gamma": ((1.6, 3), {"a": (0.5, 3)}, "2.5"),
    "beta": ((0.4, 0.6), {"a": (0.5, 3), "b": (0.5, 3)}, "2.5, 1.5"),
    "chi2": ((1.6, 3), {"df": (1, 5)}, "3.0"),
    "expon": ((1.6, 3), {}, ""),
    "cauchy": ((-2, 2), {}, ""),
    "laplace": ((-2, 2), {}, ""),
    "logistic": ((-2, 2), {}, ""),
    "pareto": ((2.5, 4), {"b": (0.5, 3)}, "2.0"),
    "uniform": ((0.4, 0.6), {}, ""),
    "vonmises": ((-2, 2), {"kappa": (0.5, 3)}, "1.5"),
    "wrapcauchy": ((0.5, 4.5), {"c": (0.1, 0.8)}, "0.4"),
    "gennorm": ((-2, 2), {"beta": (1.2, 3)}, "1.5"),
}
_SCALE = {"beta": (0.95, 1.05), "uniform": (0.95, 1.05)}  # z = (x - loc) / scale in (0, 1)
_LOC = {"beta": (-0.05, 0.05), "uniform": (-0.05, 0.05)}


def _cases(name, method, x_range, shapes, constants):
    """Cases of ``scipy.stats.<name>.<method>(x, *shapes, loc, scale)``: the shape parameters
    differentiated (``shapes`` their ranges), or the literals ``constants``."""
    prim = getattr(getattr(scipy.stats, name), method)
    for sx, sloc, sscale in _SHAPES:
        case_id = f"{name}.{method}-{sx}-{sloc}-{sscale}"
        params = {"x": values(case_id + "x", sx, *x_range)}
        args = ["x"]
        for p, (low, high) in shapes.items():
            params[p] = values(case_id + p, sx, low, high)
            args.append(p)
        if constants:
            args.append(constants)
        if sloc is not None:
            params["loc"] = values(case_id + "loc", sloc, *_LOC.get(name, (-0.3, 0.3)))
            params["scale"] = values(case_id + "scale", sscale, *_SCALE.get(name, (0.8, 1.5)))
            args += ["loc", "scale=scale"]
        add_scipy(case_id, prim, f"scipy.stats.{name}.{method}({', '.join(args)})", params,
                  second_order=True)


if scipy is not None:
    for _name, (_x, _shapes, _constants) in _FAMILIES.items():
        for _method in ("logpdf", "pdf"):
            if (_name, _method) not in {("t", "logpdf"), ("gamma", "logpdf"),
                                        ("beta", "logpdf")}:  # scipy_stats.py's
                _cases(_name, _method, _x, _shapes, "")
        for _method in ("cdf", "logcdf", "sf", "logsf"):
            _cases(_name, _method, _x, {}, _constants)

    # The discrete distributions: k integers, the continuous parameters differentiated.
    _DISCRETE = {  # name: (k's range, {parameter: range}, constants after them)
        "poisson": ((0, 6), {"mu": (0.5, 5)}, ""),
        "bernoulli": ((0, 1), {"p": (0.2, 0.8)}, ""),
        "binom": ((0, 5), {"p": (0.2, 0.8)}, "n"),
        "geom": ((1, 6), {"p": (0.2, 0.8)}, ""),
        "nbinom": ((0, 6), {"n": (1, 4), "p": (0.2, 0.8)}, ""),
        "betabinom": ((0, 5), {"a": (0.5, 3), "b": (0.5, 3)}, "n"),
    }
    for _name, (_k, _params, _n) in _DISCRETE.items():
        for _method in ("logpmf", "pmf"):
            if (_name, _method) == ("poisson", "logpmf"):
                continue  # scipy_stats.py's
            for _sk, _sp in [((4,), (4,)), ((2, 3), (3,)), ((3,), "float")]:
                _id = f"{_name}.{_method}-{_sk}-{_sp}"
                _params_of = {"k": values(_id + "k", _sk, *_k).round().astype(int)}
                _args = ["k"] + (["5"] if _n else [])
                for _p, _range in _params.items():
                    _params_of[_p] = values(_id + _p, _sp, *_range)
                    _args.append(_p)
                add_scipy(_id, getattr(getattr(scipy.stats, _name), _method),
                          f"scipy.stats.{_name}.{_method}({', '.join(_args)})", _params_of,
                          second_order=True)
            _id = f"{_name}.{_method}-loc"
            _params_of = {"k": values(_id + "k", (4,), *_k).round().astype(int) + 1}
            _args = ["k"] + (["5"] if _n else [])
            for _p, _range in _params.items():
                _params_of[_p] = values(_id + _p, (4,), *_range)
                _args.append(_p)
            add_scipy(_id, getattr(getattr(scipy.stats, _name), _method),
                      f"scipy.stats.{_name}.{_method}({', '.join(_args)}, loc=1)", _params_of,
                      second_order=True)
    # Distribution functions: constant between counts (k not an integer, too).
    for _method in ("cdf", "logcdf"):
        for _name, _n in (("poisson", ""), ("binom", "5, ")):
            _param = "mu" if _name == "poisson" else "p"
            _range = (0.5, 5) if _name == "poisson" else (0.2, 0.8)
            for _sk, _sp, _loc in [((4,), (4,), ""), ((2, 3), (3,), ", loc=-1"),
                                   ((3,), "float", "")]:
                _id = f"{_name}.{_method}-{_sk}-{_sp}{_loc}"
                _k = values(_id + "k", _sk, -1 if _method == "cdf" else 0, 6)
                add_scipy(_id, getattr(getattr(scipy.stats, _name), _method),
                          f"scipy.stats.{_name}.{_method}(k, {_n}{_param}{_loc})",
                          {"k": _k.round().astype(int) if _sp == "float" else _k,
                           _param: values(_id + _param, _sp, *_range)}, second_order=True)
