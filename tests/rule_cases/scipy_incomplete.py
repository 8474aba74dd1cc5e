"""Cases for templates/scipy_incomplete.py and the parameter derivatives of
templates/scipy_special_more.py that call it (none without SciPy).

Every parameter is differentiated here (the cases of scipy_special_more.py keep them literal).
Hessian-vector products run in the first argument, which is never a parameter whose second
derivative is refused (the inverses in a shape parameter have none: their result is such a
parameter); the helpers' own rules (in x) run as template forms.
tests/rules/test_incomplete.py checks the helpers against mpmath on a grid and the refusals.
"""
from rule_cases import add, add_template, values

try:
    import scipy.special
except ImportError:  # SciPy is optional: no cases
    scipy = None


def _case(case_id, covers, expr, params, second_order=True, **kw):
    return add(case_id, covers, expr, params, autograd=False, names={"scipy": scipy},
               second_order=second_order, float32=False, **kw)


if scipy is not None:
    from tangentlike.runtime.incomplete import (
        betainc_da,
        betainc_db,
        fdtr_ddfd,
        fdtr_ddfn,
        gammainc_da,
        stdtr_ddf,
    )

    sp = scipy.special
    # (name, call, {parameter: (low, high)}, covers); the first parameter gets the Hessian.
    _CASES = [
        ("gammainc", "scipy.special.gammainc(a, x)", {"x": (0.2, 4), "a": (0.5, 4)}),
        ("gammaincc", "scipy.special.gammaincc(a, x)", {"x": (0.2, 4), "a": (0.5, 4)}),
        ("gammaincinv", "scipy.special.gammaincinv(a, p)", {"p": (0.1, 0.9), "a": (0.5, 4)}),
        ("gammainccinv", "scipy.special.gammainccinv(a, p)",
         {"p": (0.1, 0.9), "a": (0.5, 4)}),
        ("betainc", "scipy.special.betainc(a, b, x)",
         {"x": (0.1, 0.9), "a": (0.5, 4), "b": (0.5, 4)}),
        ("betaincc", "scipy.special.betaincc(a, b, x)",
         {"x": (0.1, 0.9), "a": (0.5, 4), "b": (0.5, 4)}),
        ("betaincinv", "scipy.special.betaincinv(a, b, p)",
         {"p": (0.1, 0.9), "a": (0.5, 4), "b": (0.5, 4)}),
        ("betainccinv", "scipy.special.betainccinv(a, b, p)",
         {"p": (0.1, 0.9), "a": (0.5, 4), "b": (0.5, 4)}),
        ("chdtr", "scipy.special.chdtr(v, x)", {"x": (0.2, 5), "v": (1, 6)}),
        ("chdtrc", "scipy.special.chdtrc(v, x)", {"x": (0.2, 5), "v": (1, 6)}),
        ("chdtri", "scipy.special.chdtri(v, p)", {"p": (0.1, 0.9), "v": (1, 6)}),
        ("gdtr", "scipy.special.gdtr(a, b, x)", {"x": (0.2, 3), "a": (0.5, 2), "b": (1, 4)}),
        ("gdtrc", "scipy.special.gdtrc(a, b, x)",
         {"x": (0.2, 3), "a": (0.5, 2), "b": (1, 4)}),
        ("gdtrix", "scipy.special.gdtrix(a, b, p)",
         {"p": (0.1, 0.9), "a": (0.5, 2), "b": (1, 4)}),
        ("gdtria", "scipy.special.gdtria(p, b, x)",
         {"p": (0.1, 0.9), "x": (0.5, 3), "b": (1, 4)}),
        ("gdtrib", "scipy.special.gdtrib(a, p, x)",
         {"p": (0.1, 0.9), "a": (0.5, 2), "x": (0.5, 3)}),
        ("chdtriv", "scipy.special.chdtriv(p, x)", {"p": (0.1, 0.9), "x": (0.5, 5)}),
        ("pdtrik", "scipy.special.pdtrik(p, m)", {"p": (0.1, 0.9), "m": (0.5, 5)}),
        ("btdtria", "scipy.special.btdtria(p, b, x)",
         {"p": (0.1, 0.9), "b": (0.5, 4), "x": (0.1, 0.9)}),
        ("btdtrib", "scipy.special.btdtrib(a, p, x)",
         {"p": (0.1, 0.9), "a": (0.5, 4), "x": (0.1, 0.9)}),
        ("nbdtrik", "scipy.special.nbdtrik(y, n, p)",
         {"y": (0.2, 0.8), "n": (2, 8), "p": (0.2, 0.8)}),
        ("nbdtrin", "scipy.special.nbdtrin(k, y, p)",
         {"y": (0.2, 0.8), "k": (1, 6), "p": (0.2, 0.8)}),
        ("bdtrik", "scipy.special.bdtrik(y, 10.0 + n, p)",
         {"y": (0.2, 0.8), "n": (0, 4), "p": (0.2, 0.8)}),
        ("bdtrin", "scipy.special.bdtrin(k, y, p)",
         {"y": (0.2, 0.8), "k": (1, 5), "p": (0.2, 0.8)}),
        ("stdtr", "scipy.special.stdtr(df, t)", {"t": (-3, 3), "df": (0.5, 8)}),
        ("stdtrit", "scipy.special.stdtrit(df, p)", {"p": (0.1, 0.9), "df": (0.5, 8)}),
        ("stdtridf", "scipy.special.stdtridf(p, t)", {"p": (0.6, 0.8), "t": (1.5, 3)}),
        ("fdtr", "scipy.special.fdtr(dfn, dfd, x)",
         {"x": (0.2, 3), "dfn": (1, 8), "dfd": (1, 8)}),
        ("fdtrc", "scipy.special.fdtrc(dfn, dfd, x)",
         {"x": (0.2, 3), "dfn": (1, 8), "dfd": (1, 8)}),
        ("fdtri", "scipy.special.fdtri(dfn, dfd, p)",
         {"p": (0.1, 0.9), "dfn": (1, 8), "dfd": (1, 8)}),
        ("fdtridfd", "scipy.special.fdtridfd(dfn, p, x)",
         {"p": (0.3, 0.6), "dfn": (2, 6), "x": (1.0, 2.0)}),
        ("nrdtrimn", "scipy.special.nrdtrimn(p, std, x)",
         {"p": (0.1, 0.9), "std": (0.5, 2), "x": (-1, 1)}),
        ("nrdtrisd", "scipy.special.nrdtrisd(mn, p, x)",
         {"p": (0.55, 0.9), "mn": (-1, 0), "x": (0.5, 2)}),
    ]
    # Their result is a shape parameter: any second derivative needs one in that parameter.
    _FIRST_ORDER = {"gdtrib", "chdtriv", "pdtrik", "btdtria", "btdtrib", "nbdtrik", "nbdtrin",
                    "bdtrik", "bdtrin", "stdtridf", "fdtridfd"}
    for _name, _expr, _ranges in _CASES:
        for _shape in ("float", (3,)):
            _id = f"incomplete-{_name}-{_shape}"
            _case(_id, getattr(sp, _name), _expr,
                  {k: values(f"{_id}/{k}", _shape, lo, hi) for k, (lo, hi) in _ranges.items()},
                  second_order=_shape == "float" and _name not in _FIRST_ORDER)

    # The parameter derivatives in x (their rules; a second derivative in a parameter is
    # refused: tests/rules/test_incomplete.py).
    add_template("incomplete-gammainc_da", gammainc_da, 2.5, values("gda", (3,), 0.3, 4),
                 wrt=(1,))
    add_template("incomplete-betainc_da", betainc_da, 2.5, 1.5, values("bda", (3,), 0.1, 0.9),
                 wrt=(2,))
    add_template("incomplete-betainc_db", betainc_db, 0.7, 3.0, values("bdb", (3,), 0.1, 0.9),
                 wrt=(2,))
    add_template("incomplete-stdtr_ddf", stdtr_ddf, 3.5, values("sdf", (3,), -3, 3), wrt=(1,))
    add_template("incomplete-fdtr_ddfn", fdtr_ddfn, 3.5, 4.5, values("fdn", (3,), 0.2, 3),
                 wrt=(2,))
    add_template("incomplete-fdtr_ddfd", fdtr_ddfd, 3.5, 4.5, values("fdd", (3,), 0.2, 3),
                 wrt=(2,))

    # scipy.stats' t, gamma, beta and chi2 distribution functions in their shape parameters
    # (templates/scipy_stats_families.py).
    import scipy.stats

    _SHAPES = {"t": {"df": (1, 6)}, "gamma": {"a": (0.5, 4)},
               "beta": {"a": (0.5, 4), "b": (0.5, 4)}, "chi2": {"df": (1, 6)}}
    _X = {"t": (-2, 2), "gamma": (0.5, 3), "beta": (0.55, 0.9), "chi2": (0.5, 4)}
    for _dist, _shapes in _SHAPES.items():
        for _method in ("cdf", "logcdf", "sf", "logsf"):
            _id = f"incomplete-stats-{_dist}-{_method}"
            _params = {"x": values(f"{_id}/x", (3,), *_X[_dist]),
                       **{k: values(f"{_id}/{k}", (3,), lo, hi) for k, (lo, hi) in _shapes.items()},
                       "loc": values(f"{_id}/loc", "float", -0.1, 0.1),
                       "scale": values(f"{_id}/scale", "float", 1.0, 1.2)}
            _call = f"scipy.stats.{_dist}.{_method}(x, {', '.join(_shapes)}, loc=loc, scale=scale)"
            add(_id, getattr(getattr(scipy.stats, _dist), _method), _call, _params,
                autograd=False, names={"scipy": scipy}, second_order=True, float32=False)
