"""scipy.stats methods SciPy computes in a way no derivative follows (numerical integration,
compiled code with no closed-form derivative, a B-spline object per point:
``standardized.NO_DERIVATIVE``): refused by name at the user's line, with the reason, in
reverse and forward mode; the census lists them as refused."""
from __future__ import annotations

import pytest
from support import make_function

import tangentlike
from tangentlike.errors import NoDerivativeError

pytest.importorskip("scipy")

CALLS = {
    "levy_stable.pdf": "levy_stable.pdf(x, 1.8, -0.5, loc=0.3)",
    "levy_stable.logcdf": "levy_stable.logcdf(x, 1.8, -0.5)",
    "landau.pdf": "landau.pdf(x, scale=s)",
    "landau.logcdf": "landau.logcdf(x)",
    "gausshyper.cdf": "gausshyper.cdf(x, 13.8, 3.1, 2.5, 5.2)",
    "gausshyper.logcdf": "gausshyper.logcdf(x, 13.8, 3.1, 2.5, 5.2)",
    "irwinhall.pdf": "irwinhall.pdf(x * 4.0, 10)",
    "irwinhall.cdf": "irwinhall.cdf(x * 4.0, 10)",
    "geninvgauss.logpdf": "geninvgauss.logpdf(x, 2.3, s)",
    "geninvgauss.cdf": "geninvgauss.cdf(x, 2.3, s)",
    "genhyperbolic.pdf": "genhyperbolic.pdf(x, 0.5, 1.5, -0.5)",
    "genhyperbolic.cdf": "genhyperbolic.cdf(x, 0.5, 1.5, -0.5)",
    "nchypergeom_wallenius.pmf": "nchypergeom_wallenius.pmf(3, 20, 7, 12, x * 3.0)",
    "nchypergeom_wallenius.logpmf": "nchypergeom_wallenius.logpmf(3, 20, 7, 12, x * 3.0)",
    "nchypergeom_wallenius.cdf": "nchypergeom_wallenius.cdf(3, 20, 7, 12, x * 3.0)",
    "nchypergeom_wallenius.logcdf": "nchypergeom_wallenius.logcdf(3, 20, 7, 12, x * 3.0)",
}
WHY = {"levy_stable": "numerical integration", "landau": "compiled", "gausshyper": "integrates",
       "irwinhall": "B-spline", "geninvgauss": "compiled", "genhyperbolic": "compiled",
       "nchypergeom_wallenius": "integral"}


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("method", sorted(CALLS))
def test_refused_by_name_with_the_reason(method, mode):
    f = make_function(f"""
        import scipy.stats
        def f(x, s):
            return scipy.stats.{CALLS[method]}  # <-
    """)
    with pytest.raises(NoDerivativeError) as info:
        if mode == "reverse":
            tangentlike.grad(f)(0.5, 1.5)
        else:
            tangentlike.autodiff(f, mode="forward")(0.5, 1.5, 1.0)
    error = info.value
    assert f"scipy.stats.{method}" in error.message
    assert WHY[method.split(".")[0]] in error.message
    assert error.location.line.strip().endswith("# <-")
    assert error.hint


def test_the_census_refuses_them():
    from tangentlike.frontend.standardized import NO_DERIVATIVE
    from tangentlike.rules.census_tables import REFUSED

    refused = " ".join(REFUSED.values()).split()
    for name in NO_DERIVATIVE:
        listed = {f"scipy.stats.{name}"} if "." in name else \
            {f"scipy.stats.{name}.*"}
        assert listed <= set(refused), name
