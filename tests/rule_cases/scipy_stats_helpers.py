"""Cases for templates/scipy_stats_helpers.py (none without SciPy): SciPy's compiled helpers
of the scipy.stats distributions, inside and outside their support."""
from rule_cases import add, values
from rule_cases.scipy_special import scipy

if scipy is not None:
    import scipy.special._ufuncs as scu

    for shape in ("float", (4,), (2, 3)):
        _id = f"stats-helper-cosine_cdf-{shape}"
        add(_id, scu._cosine_cdf, "scu._cosine_cdf(x)", {"x": values(_id, shape, -3.0, 3.0)},
            second_order=True, autograd=False, names={"scu": scu})
    # outside [-pi, pi] the cdf is constant: derivative 0
    _id = "stats-helper-cosine_cdf-outside"
    add(_id, scu._cosine_cdf, "scu._cosine_cdf(x)",
        {"x": values(_id, (3,), 3.3, 5.0, signed=True)}, second_order=True, autograd=False,
        names={"scu": scu})
