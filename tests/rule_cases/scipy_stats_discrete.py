"""Cases for templates/scipy_stats_discrete.py (none without SciPy): nbinom's distribution
functions in n and p, skellam's in mu1 and mu2, nchypergeom_fisher's in the odds (and its
helpers fisher_mean, fisher_sum), poisson_binom's in the probability vector p; the counts k
are integers (non-integers too for the distribution functions, constant between counts).
scipy.stats computes in float64: no float32 checks.  All ids start with "discrete-".
"""
import functools

from rule_cases import add, values
from rule_cases.scipy_special import add_scipy as _add_scipy
from rule_cases.scipy_special import scipy

add_scipy = functools.partial(_add_scipy, float32=False)
_METHODS = ("pmf", "logpmf", "cdf", "logcdf")


def _counts(case_id, shape, low, high, method):
    """Counts in [low, high]: integers, or (distribution functions) some non-integer."""
    k = values(case_id + "k", shape, low, high)
    return k.round().astype(int) if method in ("pmf", "logpmf") or shape == (4,) else k


if scipy is not None:
    from tangentlike.runtime.discrete import fisher_mean, fisher_sum, without_each

    # nbinom.cdf = betainc(n, k + 1, p): n and p first order (the quadrature in n has no
    # second derivative), p alone second order; below the support (k < 0, loc) the cdf is 0.
    for _method in ("cdf", "logcdf"):
        _prim = getattr(scipy.stats.nbinom, _method)
        for _sk, _sp in [((4,), (4,)), ((2, 3), (3,)), ((3,), "float")]:
            _id = f"discrete-nbinom.{_method}-{_sk}-{_sp}"
            add_scipy(_id, _prim, f"scipy.stats.nbinom.{_method}(k, n, p)",
                      {"k": _counts(_id, _sk, 0, 6, _method),
                       "n": values(_id + "n", _sp, 0.7, 4), "p": values(_id + "p", _sp, 0.2, 0.8)})
            _id = f"discrete-nbinom.{_method}-p-{_sk}-{_sp}"
            add_scipy(_id, _prim, f"scipy.stats.nbinom.{_method}(k, 2.5, p, loc=-1)",
                      {"k": _counts(_id, _sk, -1, 5, _method),
                       "p": values(_id + "p", _sp, 0.2, 0.8)}, second_order=True)
        # (SciPy 1.15's tanhsinh misjudges its error at about 1% of points, where betainc_da
        # refuses: the points of "-below" hit one, these do not.)
        _id = f"discrete-nbinom.{_method}-below-support"
        add_scipy(_id, _prim, f"scipy.stats.nbinom.{_method}(k, n, p, loc=2)",
                  {"k": [2, 3, 4, 1] if _method == "cdf" else [2, 3, 4, 5],
                   "n": values(_id + "n", (4,), 0.7, 4), "p": values(_id + "p", (4,), 0.2, 0.8)})

    # skellam (mu1, mu2): counts of both signs.
    for _method in _METHODS:
        _prim = getattr(scipy.stats.skellam, _method)
        for _sk, _sp, _loc in [((4,), (4,), ""), ((2, 3), (3,), ", loc=1"),
                               ((3,), "float", "")]:
            _id = f"discrete-skellam.{_method}-{_sk}-{_sp}{_loc}"
            add_scipy(_id, _prim, f"scipy.stats.skellam.{_method}(k, mu1, mu2{_loc})",
                      {"k": _counts(_id, _sk, -3, 3, _method),
                       "mu1": values(_id + "mu1", _sp, 0.5, 4),
                       "mu2": values(_id + "mu2", _sp, 0.5, 4)}, second_order=True)

    # nchypergeom_fisher(M, n, N, odds): the odds differentiated; M, n, N integers (arrays
    # too, broadcast).
    for _method in _METHODS:
        _prim = getattr(scipy.stats.nchypergeom_fisher, _method)
        for _sk, _sw, _loc in [((4,), (4,), ""), ((2, 3), (3,), ", loc=1"),
                               ((3,), "float", "")]:
            _id = f"discrete-nchypergeom_fisher.{_method}-{_sk}-{_sw}{_loc}"
            add_scipy(_id, _prim,
                      f"scipy.stats.nchypergeom_fisher.{_method}(k, 20, 7, 12, odds{_loc})",
                      {"k": _counts(_id, _sk, 1, 6, _method),
                       "odds": values(_id + "odds", _sw, 0.5, 3)}, second_order=True)
        _id = f"discrete-nchypergeom_fisher.{_method}-arrays"
        add_scipy(_id, _prim, f"scipy.stats.nchypergeom_fisher.{_method}(k, M, 6, N, odds)",
                  {"k": [[2], [3]], "M": [15, 18, 25], "N": [[8], [10]],
                   "odds": values(_id + "odds", (3,), 0.5, 3)}, second_order=True)
    _helper = functools.partial(add, autograd=False, float32=False, second_order=True,
                                names={"fisher_mean": fisher_mean, "fisher_sum": fisher_sum})
    for _sw in ("float", (3,)):
        _id = f"discrete-fisher_mean-{_sw}"
        _helper(_id, fisher_mean, "fisher_mean(20, 7, 12, odds)",
                {"odds": values(_id, _sw, 0.5, 3)})
        for _r in (0, 1, 2, 3):
            _id = f"discrete-fisher_sum-{_r}-{_sw}"
            _helper(_id, fisher_sum, f"fisher_sum({_r}, 4, 20, 7, 12, odds)",
                    {"odds": values(_id, _sw, 0.5, 3)})

    # poisson_binom(p): p's last axis the Bernoulli probabilities, its others batch axes.
    for _sp in ((3,), (2, 4)):
        _id = f"discrete-without_each-{_sp}"
        add(_id, without_each, "without_each(p) ** 2", {"p": values(_id, _sp, 0.1, 0.9)},
            autograd=False, float32=False, second_order=True,
            names={"without_each": without_each})
    if hasattr(scipy.stats, "poisson_binom"):
        for _method in _METHODS:
            _prim = getattr(scipy.stats.poisson_binom, _method)
            for _sk, _sp, _loc in [((), (4,), ""), ((3,), (4,), ", loc=1"),
                                   ((3, 1), (2, 5), "")]:
                _id = f"discrete-poisson_binom.{_method}-{_sk}-{_sp}{_loc}"
                _k = _counts(_id, _sk if _sk else (1,), 0, 4, _method)
                add_scipy(_id, _prim, f"scipy.stats.poisson_binom.{_method}(k, p{_loc})",
                          {"k": _k.reshape(_sk) if _sk == () else _k,
                           "p": values(_id + "p", _sp, 0.1, 0.9)}, second_order=True)
