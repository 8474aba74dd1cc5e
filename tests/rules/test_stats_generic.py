"""The generic scipy.stats densities (frontend/standardized.py), walked over every
distribution SciPy ships example shapes for (``scipy.stats._distr_params``): each method
either differentiates correctly (reverse and forward mode against central finite differences
in x, loc, scale and the shapes, the value SciPy's) or is refused with a TangentlikeError,
never a wrong number.  The full walk is slow; a sample runs by default."""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tangentlike.errors import TangentlikeError, ValueRefusedError
from tests.support import make_function, numerical_grad

pytest.importorskip("scipy")
import scipy.stats  # noqa: E402
from scipy.stats._distr_params import distcont, distdiscrete  # noqa: E402

from tangentlike.frontend.standardized import standardized  # noqa: E402

CONTINUOUS = ("pdf", "logpdf", "cdf", "logcdf")
DISCRETE = ("pmf", "logpmf", "cdf", "logcdf")


def _cases() -> list[tuple[str, tuple, str]]:
    """(name, shapes, method) for every method the generic mechanism stands for."""
    cases, seen = [], set()
    for table, methods in ((distcont, CONTINUOUS), (distdiscrete, DISCRETE)):
        for name, shapes in table:
            dist = getattr(scipy.stats, name, None)
            if name in seen or not isinstance(name, str) or dist is None:
                continue
            if not all(np.ndim(s) == 0 for s in shapes):
                continue
            seen.add(name)
            cases.extend((name, tuple(shapes), m) for m in methods
                         if standardized(getattr(dist, m)) is not None)
    return cases


CASES = _cases()
SAMPLE = {("alpha", "logpdf"), ("lognorm", "cdf"), ("weibull_min", "pdf"),
          ("ksone", "pdf"), ("geom", "logpmf"), ("nbinom", "pmf")}


# Methods that work in x, loc, scale and some shapes and refuse the others by name (a special
# function's derivative in its order or shape parameter has no closed form): (name, method)
# -> the positions of the refused shapes (census_tables.REWRITTEN says so).
SHAPES_REFUSED = {("gausshyper", "pdf"): (0, 1, 2), ("gausshyper", "logpdf"): (0, 1, 2)}


def _refused_shapes(f, args: list, name: str, method: str) -> tuple[int, ...]:
    """The argument positions of :data:`SHAPES_REFUSED`'s shapes, each checked to be refused
    by name (ValueRefusedError naming the special function's parameter) in both modes."""
    positions = tuple(i + 1 for i in SHAPES_REFUSED.get((name, method), ()))
    for i in positions:
        with pytest.raises(ValueRefusedError, match="in its parameter"):
            tangentlike.grad(f, wrt=(i,))(*args)
        with pytest.raises(ValueRefusedError, match="in its parameter"):
            tangentlike.jvp(f, wrt=(i,))(tuple(args), (1.0,))
    return positions


def outcome(name: str, shapes: tuple, method: str) -> str:
    """"works" or "refused"; fails (AssertionError) on a wrong value or derivative."""
    dist = getattr(scipy.stats, name)
    discrete = method in ("pmf", "logpmf") or isinstance(dist, scipy.stats.rv_discrete)
    params = [f"s{i}" for i in range(len(shapes))]
    if discrete:
        source = (f"import scipy.stats\ndef f(k, {', '.join(params)}):\n"
                  f"    return scipy.stats.{name}.{method}(k, {', '.join(params)}, loc=1)\n")
        k = float(np.floor(dist.ppf(0.6, *shapes))) + 1.0
        args = [k, *map(float, shapes)]
        wrt = tuple(i + 1 for i, s in enumerate(shapes) if isinstance(s, float))
    else:
        source = (f"import scipy.stats\ndef f(x, {''.join(p + ', ' for p in params)}m, s):\n"
                  f"    return scipy.stats.{name}.{method}(x, "
                  f"{''.join(p + ', ' for p in params)}loc=m, scale=s)\n")
        x = 0.3 + 1.3 * float(dist.ppf(0.37, *shapes))
        args = [x, *map(float, shapes), 0.3, 1.3]
        wrt = (0, *(i + 1 for i, s in enumerate(shapes) if isinstance(s, float)),
               len(args) - 2, len(args) - 1)
    f = make_function(source)
    expected = f(*args)
    if not wrt or not np.isfinite(expected):
        pytest.skip("no float argument, or a point outside the support")
    refused = _refused_shapes(f, args, name, method)
    wrt = tuple(i for i in wrt if i not in refused)
    try:
        value, grads = tangentlike.value_and_grad(f, wrt=wrt)(*args)
        if len(wrt) == 1:
            grads = (grads,)
        keep = tuple(i for i in range(len(args)) if i not in refused)
        tangents = tuple(1.0 if i in wrt else 0.0 for i in keep)
        fvalue, tangent = tangentlike.jvp(f, wrt=keep)(tuple(args), tangents)
    except TangentlikeError:
        return "refused"
    assert value == pytest.approx(expected, rel=1e-12, abs=0), (name, method)
    assert fvalue == pytest.approx(expected, rel=1e-12, abs=0), (name, method)
    numeric = numerical_grad(f, args, wrt)
    for i, got, fd in zip(wrt, grads, numeric):
        assert np.isclose(got, fd, rtol=1e-4, atol=1e-6), (name, method, i, got, fd)
    assert np.isclose(tangent, sum(numeric), rtol=1e-4, atol=1e-6), (name, method, tangent)
    return "works"


def _param(case):
    name, shapes, method = case
    marks = () if (name, method) in SAMPLE else (pytest.mark.slow,)
    return pytest.param(*case, id=f"{name}.{method}", marks=marks)


def _working() -> set[str]:
    """The methods the census classes BOTH by this mechanism (census_tables.REWRITTEN)."""
    from tangentlike.rules.census_tables import REWRITTEN

    return {n.removeprefix("scipy.stats.") for names in REWRITTEN.values()
            for n in names.split() if n.startswith("scipy.stats.") and "*" not in n}


@pytest.mark.parametrize(("name", "shapes", "method"), [_param(c) for c in CASES])
def test_generic_distribution_method(name, shapes, method):
    """Works exactly where the census says it does (REWRITTEN), refuses elsewhere."""
    expected = "works" if f"{name}.{method}" in _working() else "refused"
    assert outcome(name, shapes, method) == expected


def test_the_walk_covers_the_distributions():
    names = {c[0] for c in CASES}
    assert {"alpha", "lognorm", "weibull_min", "geom"} <= names
    assert "norm" not in names  # a rule of its own (templates/scipy_stats.py)
    assert {c[0] + "." + c[2] for c in CASES} >= _working()


def test_the_census_says_which_shapes_are_refused():
    """A method of SHAPES_REFUSED is classed as a rule under a reason that says its shapes
    with no closed-form derivative are refused."""
    from tangentlike.rules.census_tables import REWRITTEN

    for (name, method) in SHAPES_REFUSED:
        reasons = [r for r, names in REWRITTEN.items()
                   if f"scipy.stats.{name}.{method}" in names.split()]
        assert len(reasons) == 1 and "refused" in reasons[0], (name, method)


def test_a_refusal_names_the_users_line():
    """Refused inside SciPy's source (vonmises's _cdf hands its point to compiled code that may
    change it in place): the public method is named, at the user's line.  (The public
    scipy.stats.vonmises_line has rules of its own, templates/scipy_stats_compiled.py: a
    second instance of its class has none.)"""
    f = make_function("""
        import numpy as np
        import scipy.stats._continuous_distns

        vonmises_line = scipy.stats._continuous_distns.vonmises_gen(
            a=-np.pi, b=np.pi, name="vonmises_line")

        def f(x, s):
            return vonmises_line.cdf(x, 1.5, 0.0, s)
    """, name="f")
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(f)(0.3, 0.9)
    assert "scipy.stats.vonmises_line.cdf has no derivative rule" in info.value.message
    assert "von_mises_cdf" in info.value.message
    where = (info.value.calls or (info.value.location,))[0]
    assert where.line.strip() == "return vonmises_line.cdf(x, 1.5, 0.0, s)"


def test_a_refusal_met_when_the_derivative_runs_names_the_users_line():
    """kappa4's _pdf calls self._logpdf, found only when the derivative runs, and that spreads
    arrays SciPy's source does not show (_lazyselect): the refusal names the public method,
    and its chain of calls starts at the user's line.  (scipy.stats.kappa4 has rules of its
    own, templates/scipy_stats_extremes.py: a second instance of its class has none.)"""
    f = make_function("""
        import scipy.stats._continuous_distns

        kappa4 = scipy.stats._continuous_distns.kappa4_gen(name="kappa4")

        def f(x, s):
            return kappa4.pdf(x, 0.5, 0.3, s)
    """, name="f")
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(f)(0.3, 0.9)
    assert "scipy.stats.kappa4.pdf has no derivative rule" in info.value.message
    assert info.value.calls[0].line.strip() == "return kappa4.pdf(x, 0.5, 0.3, s)"
    assert "_lazyselect" in str(info.value)


def test_outside_the_support_the_value_is_scipys_and_the_derivative_zero():
    f = make_function("""
        import scipy.stats
        def f(x, a):
            return np.sum(scipy.stats.alpha.pdf(x, a, loc=0.5, scale=2.0))
    """)
    x = np.array([-1.0, 0.2, 1.3, 3.0])
    value, grads = tangentlike.value_and_grad(f, wrt=(0, 1))(x, 3.57)
    assert value == f(x, 3.57)
    assert grads[0][0] == 0.0 and grads[0][1] == 0.0  # z <= 0: outside alpha's support
    for got, fd in zip(grads, numerical_grad(f, [x, 3.57], (0, 1))):
        assert np.allclose(got, fd, rtol=1e-5, atol=1e-7)


def test_a_frozen_distribution_and_keywords():
    f = make_function("""
        import scipy.stats
        def f(x, a, s):
            d = scipy.stats.gumbel_r(loc=a, scale=s)
            return d.logpdf(x) + scipy.stats.powerlaw.logcdf(x, a=a, scale=s + 2.0)
    """)
    args = [0.7, 0.4, 1.1]
    value, grads = tangentlike.value_and_grad(f, wrt=(0, 1, 2))(*args)
    assert value == f(*args)
    assert np.allclose(grads, numerical_grad(f, args, (0, 1, 2)), rtol=1e-5, atol=1e-7)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_deprecated_alias_stands_for_its_distribution():
    """scipy.stats.trapz (SciPy before 1.16, census_tables.REWRITTEN's trapz.*) is a
    wrapper that warns and calls trapezoid's method: differentiated as trapezoid's."""
    if not hasattr(scipy.stats, "trapz"):
        pytest.skip("this SciPy has no scipy.stats.trapz")
    f = make_function("""
        import scipy.stats

        def f(x, c, d, s):
            return (scipy.stats.trapz.logpdf(x, c, d, 0.1, s)
                    + scipy.stats.trapz.cdf(x, c, d, 0.1, s)
                    + scipy.stats.trapz.pdf(x, c, d, 0.1, s)
                    + scipy.stats.trapz.logcdf(x, c, d, 0.1, s))
    """, name="f")
    args = [0.5, 0.3, 0.7, 1.2]
    grads = tangentlike.grad(f, wrt=(0, 1, 2, 3))(*args)
    np.testing.assert_allclose(grads, numerical_grad(f, args, (0, 1, 2, 3)), rtol=1e-6)
