"""Cases for templates/scipy_noncentral.py (none without SciPy): the non-central chi-squared,
t and F distribution functions and their inverses in x, the probability and the
non-centrality; the Kolmogorov and Smirnov survival functions and their inverses;
scipy.stats' ncx2, nct, ncf, kstwobign, ksone (and kstwo's cdf, first order) in x, nc, loc
and scale.  The degrees of freedom and the Smirnov sample size are literals (differentiated,
they are refused: tests/rules/test_scipy_noncentral.py); the helpers' own rules (second
derivatives) are checked by every case with second_order=True.  scipy.stats computes in
float64: no float32 checks there.
"""
from rule_cases import values
from rule_cases.scipy_special import add_scipy, scipy

_SHAPES = (("float", "float"), ((3,), (3,)), ((2, 3), (3,)))


def _two(name, expr, first, second, low1, high1, low2, high2, covers=(), tag="", **kw):
    """Cases of ``expr`` in two arguments ``first``, ``second`` (ranges given), both
    differentiated, second order included (``covers``: the helpers it runs too)."""
    prim = getattr(scipy.special, name)
    for s1, s2 in _SHAPES:
        case_id = f"noncentral-{name}{tag}-{s1}-{s2}"
        add_scipy(case_id, (prim, *covers), expr,
                  {first: values(case_id + first, s1, low1, high1),
                   second: values(case_id + second, s2, low2, high2)},
                  second_order=True, float32=s1 != "float", **kw)


def _one(name, expr, low, high, tag="", covers=(), shapes=("float", (3,), (2, 3)),
         float32=True):
    prim = getattr(scipy.special, name)
    for shape in shapes:
        case_id = f"noncentral-{name}{tag}-{shape}"
        add_scipy(case_id, (prim, *covers), expr, {"x": values(case_id, shape, low, high)},
                  second_order=True, float32=float32 and shape != "float")


# x, loc and scale: a Python float alone, all of one shape, broadcast against each other.
_STATS_SHAPES = (("float", None, None), ((4,), (4,), (4,)), ((2, 3), (3,), (2, 1)))
# name: (x's range, differentiated shape parameters and their ranges, literal shapes,
# loc's range, scale's range).
_FAMILIES = {
    "ncx2": ((1.5, 4.0), {"nc": (0.5, 3.0)}, "3.0", (-0.3, 0.3), (0.8, 1.5)),
    "nct": ((-1.0, 2.5), {"nc": (-1.0, 2.0)}, "3.5", (-0.3, 0.3), (0.8, 1.5)),
    "ncf": ((0.6, 3.0), {"nc": (0.3, 3.0)}, "3.0, 7.5", (-0.3, 0.3), (0.8, 1.5)),
    "kstwobign": ((0.6, 1.8), {}, "", (-0.1, 0.1), (0.8, 1.3)),
    # z = (x - loc) / scale stays in (0.2, 0.4), where smirnov(5, .) is one polynomial.
    "ksone": ((0.25, 0.35), {}, "5", (-0.01, 0.01), (0.95, 1.05)),
    "kstwo": ((0.25, 0.45), {}, "10", (-0.01, 0.01), (0.95, 1.05)),
}


def _stats(name, method, covers=(), literals=None, tag="", second_order=True):
    """Cases of ``scipy.stats.<name>.<method>`` (``literals``: other constant shapes)."""
    x_range, shapes, constants, loc_range, scale_range = _FAMILIES[name]
    literals = constants if literals is None else literals
    prim = getattr(getattr(scipy.stats, name), method)
    for sx, sloc, sscale in _STATS_SHAPES:
        case_id = f"noncentral-{name}{tag}.{method}-{sx}-{sloc}-{sscale}"
        params = {"x": values(case_id + "x", sx, *x_range)}
        args = ["x"] + ([literals] if literals else [])
        for p, (low, high) in shapes.items():
            params[p] = values(case_id + p, sx, low, high)
            args.append(p)
        if sloc is not None:
            params["loc"] = values(case_id + "loc", sloc, *loc_range)
            params["scale"] = values(case_id + "scale", sscale, *scale_range)
            args += ["loc", "scale=scale"]
        add_scipy(case_id, (prim, *covers), f"scipy.stats.{name}.{method}({', '.join(args)})",
                  params, second_order=second_order, float32=False)


if scipy is not None:
    from tangentlike.runtime.noncentral import (
        kolmogorov_slope,
        ncf_moment,
        nct_moment,
        ncx2_logdensity,
        smirnov_slope,
    )

    sp = scipy.special
    # chndtr(x, df, nc) in x and nc (df below 2 too); nc == 0 (the central distribution) in x.
    _two("chndtr", "scipy.special.chndtr(x, 3.0, nc)", "x", "nc", 0.5, 6.0, 0.2, 4.0,
         covers=(ncx2_logdensity,))
    _two("chndtr", "scipy.special.chndtr(x, 0.7, nc)", "x", "nc", 0.5, 3.0, 0.2, 4.0,
         tag="-df0.7")
    _one("chndtr", "scipy.special.chndtr(x, 2.5, 0.0)", 0.5, 4.0, tag="-central")
    _two("chndtrix", "scipy.special.chndtrix(p, 3.0, nc)", "p", "nc", 0.1, 0.9, 0.2, 4.0)
    # chndtrinc(x, df, p): p below chndtr(x, df, 0) (0.68 at x = 3.5), so nc > 0.
    _two("chndtrinc", "scipy.special.chndtrinc(x, 3.0, p)", "x", "p", 3.5, 5.0, 0.1, 0.5)
    # nctdtr(df, nc, t) in nc and t (df below 1 too), and its inverses.
    _two("nctdtr", "scipy.special.nctdtr(3.5, nc, t)", "nc", "t", -1.0, 2.0, -1.5, 2.5,
         covers=(nct_moment,))
    _two("nctdtr", "scipy.special.nctdtr(0.7, nc, t)", "nc", "t", -1.0, 2.0, -1.5, 2.5,
         tag="-df0.7")
    _two("nctdtrit", "scipy.special.nctdtrit(3.5, nc, p)", "nc", "p", -1.0, 2.0, 0.1, 0.9)
    _two("nctdtrinc", "scipy.special.nctdtrinc(3.5, p, t)", "p", "t", 0.1, 0.9, -1.0, 2.0)
    # ncfdtr(dfn, dfd, nc, f) in nc and f (dfn below 1 too), and its inverses.  SciPy solves
    # ncfdtrinc to about 1e-6 in p: its differences are that far from the exact inverse's.
    _two("ncfdtr", "scipy.special.ncfdtr(3.0, 7.0, nc, f)", "nc", "f", 0.3, 3.0, 0.3, 3.0,
         covers=(ncf_moment,))
    _two("ncfdtr", "scipy.special.ncfdtr(0.7, 4.5, nc, f)", "nc", "f", 0.3, 3.0, 0.3, 3.0,
         tag="-dfn0.7")
    _two("ncfdtri", "scipy.special.ncfdtri(3.0, 7.0, nc, p)", "nc", "p", 0.3, 3.0, 0.1, 0.9)
    _two("ncfdtrinc", "scipy.special.ncfdtrinc(3.0, 7.0, p, f)", "p", "f", 0.1, 0.5, 1.5, 3.0,
         rtol=1e-3)
    # kolmogorov: below 1 (the theta series) and above (the alternating series).
    _one("kolmogorov", "scipy.special.kolmogorov(x)", 0.3, 0.95, tag="-small",
         covers=(kolmogorov_slope,))
    _one("kolmogorov", "scipy.special.kolmogorov(x)", 1.0, 2.5, tag="-large")
    _one("kolmogi", "scipy.special.kolmogi(x)", 0.05, 0.95)
    # smirnov(n, x) is a polynomial between the points 1 - j / n: ranges inside one piece.
    # SciPy computes smirnov of an integer n in float64 (its value too): no float32 check.
    _one("smirnov", "scipy.special.smirnov(5, x)", 0.22, 0.38, tag="-5", covers=(smirnov_slope,),
         float32=False)
    _one("smirnov", "scipy.special.smirnov(40, x)", 0.1, 0.3, tag="-40", float32=False)
    _one("smirnovi", "scipy.special.smirnovi(5, x)", float(sp.smirnov(5, 0.38)),
         float(sp.smirnov(5, 0.22)), float32=False)
    for _name in _FAMILIES:
        for _method in ("logpdf", "pdf", "cdf", "logcdf"):
            if _name != "kstwo":
                _stats(_name, _method)
    # kstwo: the distribution function alone, first order (SciPy's density has no derivative).
    for _method in ("cdf", "logcdf"):
        _stats("kstwo", _method, second_order=False)
    # ncf's density with dfd <= 2 (its distribution function's derivative in nc is refused
    # there: tests/rules/test_scipy_noncentral.py).
    for _method in ("logpdf", "pdf"):
        _stats("ncf", _method, literals="3.0, 1.5", tag="-dfd1.5")
