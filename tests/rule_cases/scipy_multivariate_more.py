"""Cases for templates/scipy_multivariate_more.py (none without SciPy).

As in scipy_multivariate.py: matrices SciPy reads one triangle of are built from free
matrices (``c @ c.T + I``), probabilities from free positive numbers (``z / np.sum(z)``, so
that they sum to one), unit vectors from free ones (``u / np.linalg.norm(u)``).  Counts are
integer arrays (constant).  scipy.stats computes in float64: no float32 checks.  The frozen
forms and the refusals are tested in tests/test_scipy_multivariate_more.py.
"""
import functools

import numpy as np

from rule_cases import values
from rule_cases.scipy_special import add_scipy as _add_scipy
from rule_cases.scipy_special import scipy

add_scipy = functools.partial(_add_scipy, float32=False)

if scipy is not None:
    st = scipy.stats

    # multinomial: counts (a point, points as rows), p on the simplex (rows of p too).
    for _method in ("logpmf", "pmf"):
        _prim = getattr(st.multinomial, _method)
        # pmf: a row whose counts do not sum to n (mass 0, constant); logpmf would be -inf.
        _last = [0, 3, 0] if _method == "pmf" else [0, 3, 1]
        for _x, _n, _sz in [([2, 0, 3], 5, (3,)), ([[1, 2, 1], [0, 4, 0]], 4, (3,)),
                            ([[1, 2, 1], _last], 4, (2, 3))]:
            _id = f"multinomial.{_method}-{_x}-{_sz}"
            add_scipy(_id, _prim, f"scipy.stats.multinomial.{_method}(x, {_n}, "
                      "z / np.sum(z, axis=-1, keepdims=True))",
                      {"x": np.array(_x), "z": values(_id + "z", _sz, 0.5, 2)},
                      second_order=True)
        _id = f"multinomial.{_method}-frozen"
        add_scipy(_id, _prim, f"scipy.stats.multinomial(6, z / np.sum(z)).{_method}(x)",
                  {"x": np.array([[1, 2, 3], [6, 0, 0]]), "z": values(_id + "z", (3,), 0.5, 2)},
                  second_order=True)

    # dirichlet_multinomial: in alpha.
    for _method in ("logpmf", "pmf"):
        _prim = getattr(st.dirichlet_multinomial, _method)
        _last = [0, 3, 1] if _method == "pmf" else [0, 3, 2]
        for _x, _n, _sa in [([2, 0, 3], 5, (3,)), ([[1, 2, 1], [0, 4, 0]], 4, (3,)),
                            ([[1, 2, 1], _last], np.array([4, 5]), (2, 3))]:
            _id = f"dirichlet_multinomial.{_method}-{_x}-{_sa}"
            add_scipy(_id, _prim, f"scipy.stats.dirichlet_multinomial.{_method}(x, alpha, n)",
                      {"x": np.array(_x), "alpha": values(_id + "a", _sa, 0.5, 3),
                       "n": np.asarray(_n)}, second_order=True)
        _id = f"dirichlet_multinomial.{_method}-frozen"
        add_scipy(_id, _prim, f"scipy.stats.dirichlet_multinomial(alpha, 6).{_method}(x)",
                  {"x": np.array([[1, 2, 3], [6, 0, 0]]),
                   "alpha": values(_id + "a", (3,), 0.5, 3)}, second_order=True)

    # multivariate_t: like multivariate_normal's cases, and df.
    for _method in ("logpdf", "pdf"):
        _prim = getattr(st.multivariate_t, _method)
        for _sx, _k, _loc in [((3,), 3, True), ((4, 3), 3, True), ((2, 4, 2), 2, True),
                              ((4, 2), 2, False), ((5,), 1, True)]:
            _id = f"multivariate_t.{_method}-{_sx}-{_k}-{_loc}"
            _params = {"x": values(_id + "x", _sx, -1, 1)}
            _args = ["x"]
            if _loc:
                _params["loc"] = values(_id + "loc", (_k,), -0.5, 0.5)
                _args.append("loc")
            _params["c"] = values(_id + "c", (_k, _k), -0.5, 0.5)
            _params["df"] = values(_id + "df", "float", 2, 6)
            _args.append(f"c @ c.T + np.eye({_k})" if _loc else
                         f"shape=c @ c.T + np.eye({_k})")
            _args.append("df" if _loc else "df=df")
            add_scipy(_id, _prim, f"scipy.stats.multivariate_t.{_method}({', '.join(_args)})",
                      _params, second_order=True)
        _id = f"multivariate_t.{_method}-frozen"
        add_scipy(_id, _prim, f"scipy.stats.multivariate_t(loc, c @ c.T + np.eye(3), df)"
                  f".{_method}(x)",
                  {"x": values(_id + "x", (4, 3), -1, 1), "loc": values(_id + "m", (3,)),
                   "c": values(_id + "c", (3, 3), -0.5, 0.5), "df": 3.5}, second_order=True)

    # wishart, invwishart: points one matrix or a stack (p, p, n); df and scale.
    for _name in ("wishart", "invwishart"):
        for _method in ("logpdf", "pdf"):
            _prim = getattr(getattr(st, _name), _method)
            for _p, _n in [(2, None), (3, None), (2, 3)]:
                _id = f"{_name}.{_method}-{_p}-{_n}"
                if _n is None:
                    _x = f"a @ a.T + np.eye({_p})"
                    _sa = (_p, _p)
                else:
                    _x = f"np.einsum('kij,klj->ilk', a, a) + np.eye({_p})[:, :, None]"
                    _sa = (_n, _p, _p)
                add_scipy(_id, _prim, f"scipy.stats.{_name}.{_method}({_x}, df, "
                          f"c @ c.T + np.eye({_p}))",
                          {"a": values(_id + "a", _sa, -0.7, 0.7),
                           "df": values(_id + "df", "float", _p + 1.5, _p + 4),
                           "c": values(_id + "c", (_p, _p), -0.5, 0.5)}, second_order=True)
            _id = f"{_name}.{_method}-frozen"
            add_scipy(_id, _prim, f"scipy.stats.{_name}(df, c @ c.T + np.eye(2))"
                      f".{_method}(a @ a.T + np.eye(2))",
                      {"a": values(_id + "a", (2, 2), -0.7, 0.7), "df": 4.5,
                       "c": values(_id + "c", (2, 2), -0.5, 0.5)}, second_order=True)

    # matrix_normal: X one matrix or a stack; mean, rowcov, colcov.
    for _method in ("logpdf", "pdf"):
        _prim = getattr(st.matrix_normal, _method)
        for _sx, _mean in [((3, 2), True), ((2, 3, 2), True), ((2, 2, 3, 2), True),
                           ((3, 2), False)]:
            _id = f"matrix_normal.{_method}-{_sx}-{_mean}"
            _params = {"X": values(_id + "x", _sx, -1, 1)}
            _args = ["X"]
            if _mean:
                _params["mean"] = values(_id + "m", (3, 2), -0.5, 0.5)
                _args.append("mean")
            _params["u"] = values(_id + "u", (3, 3), -0.5, 0.5)
            _params["v"] = values(_id + "v", (2, 2), -0.5, 0.5)
            _args += ["rowcov=u @ u.T + np.eye(3)", "colcov=v @ v.T + np.eye(2)"]
            add_scipy(_id, _prim, f"scipy.stats.matrix_normal.{_method}({', '.join(_args)})",
                      _params, second_order=True)
        _id = f"matrix_normal.{_method}-frozen"
        add_scipy(_id, _prim, "scipy.stats.matrix_normal(mean, u @ u.T + np.eye(3), "
                  f"v @ v.T + np.eye(2)).{_method}(X)",
                  {"X": values(_id + "x", (3, 2)), "mean": values(_id + "m", (3, 2)),
                   "u": values(_id + "u", (3, 3), -0.5, 0.5),
                   "v": values(_id + "v", (2, 2), -0.5, 0.5)}, second_order=True)

    # normal_inverse_gamma: elementwise, broadcast.
    for _method in ("logpdf", "pdf"):
        _prim = getattr(st.normal_inverse_gamma, _method)
        for _sx, _sp in [((4,), (4,)), ((2, 3), (3,)), ("float", "float")]:
            _id = f"normal_inverse_gamma.{_method}-{_sx}-{_sp}"
            add_scipy(_id, _prim, f"scipy.stats.normal_inverse_gamma.{_method}"
                      "(x, s2, mu, lmbda, a, b)",
                      {"x": values(_id + "x", _sx, -1, 1), "s2": values(_id + "s", _sx, 0.5, 2),
                       "mu": values(_id + "mu", _sp, -0.5, 0.5),
                       "lmbda": values(_id + "l", _sp, 0.5, 2),
                       "a": values(_id + "a", _sp, 0.5, 3), "b": values(_id + "b", _sp, 0.5, 2)},
                      second_order=True)
        _id = f"normal_inverse_gamma.{_method}-defaults"
        add_scipy(_id, _prim, f"scipy.stats.normal_inverse_gamma.{_method}(x, s2)",
                  {"x": values(_id + "x", (3,)), "s2": values(_id + "s", (3,), 0.5, 2)},
                  second_order=True)
        _id = f"normal_inverse_gamma.{_method}-keywords"
        add_scipy(_id, _prim,
                  f"scipy.stats.normal_inverse_gamma.{_method}(x, s2, mu, lmbda=lmbda)",
                  {"x": values(_id + "x", (3,)), "s2": values(_id + "s", (3,), 0.5, 2),
                   "mu": values(_id + "mu", "float"), "lmbda": values(_id + "l", "float", 1, 2)},
                  second_order=True)

    # vonmises_fisher: unit points (one, rows, a stack), a unit mu, kappa.
    for _method in ("logpdf", "pdf"):
        _prim = getattr(st.vonmises_fisher, _method)
        for _sx in [(3,), (4, 3), (2, 2, 3), (5, 2)]:
            _id = f"vonmises_fisher.{_method}-{_sx}"
            _k = _sx[-1]
            add_scipy(_id, _prim, f"scipy.stats.vonmises_fisher.{_method}("
                      "u / np.linalg.norm(u, axis=-1, keepdims=True), "
                      "m / np.linalg.norm(m), kappa)",
                      {"u": values(_id + "u", _sx, 0.2, 1, signed=True),
                       "m": values(_id + "m", (_k,), 0.2, 1, signed=True),
                       "kappa": values(_id + "k", "float", 0.5, 4)}, second_order=True)
        _id = f"vonmises_fisher.{_method}-frozen"
        add_scipy(_id, _prim, f"scipy.stats.vonmises_fisher(m / np.linalg.norm(m), kappa)"
                  f".{_method}(u / np.linalg.norm(u, axis=-1, keepdims=True))",
                  {"u": values(_id + "u", (3, 4), 0.2, 1, signed=True),
                   "m": values(_id + "m", (4,), 0.2, 1, signed=True), "kappa": 2.5},
                  second_order=True)

# matrix_t: SciPy 1.17 and later.
if scipy is not None and hasattr(scipy.stats, "matrix_t"):
    for _method in ("logpdf", "pdf"):
        _prim = getattr(scipy.stats.matrix_t, _method)
        for _sx, _mean in [((3, 2), True), ((2, 3, 2), True), ((2, 2, 3, 2), True),
                           ((3, 2), False)]:
            _id = f"matrix_t.{_method}-{_sx}-{_mean}"
            _params = {"X": values(_id + "x", _sx, -1, 1)}
            _args = ["X"]
            if _mean:
                _params["mean"] = values(_id + "m", (3, 2), -0.5, 0.5)
                _args.append("mean")
            _params["u"] = values(_id + "u", (3, 3), -0.5, 0.5)
            _params["v"] = values(_id + "v", (2, 2), -0.5, 0.5)
            _params["df"] = values(_id + "df", "float", 1.5, 5)
            _args += ["row_spread=u @ u.T + np.eye(3)", "col_spread=v @ v.T + np.eye(2)",
                      "df=df"]
            add_scipy(_id, _prim, f"scipy.stats.matrix_t.{_method}({', '.join(_args)})",
                      _params, second_order=True)
        _id = f"matrix_t.{_method}-frozen"
        add_scipy(_id, _prim, "scipy.stats.matrix_t(mean, u @ u.T + np.eye(3), "
                  f"v @ v.T + np.eye(2), df).{_method}(X)",
                  {"X": values(_id + "x", (3, 2)), "mean": values(_id + "m", (3, 2)),
                   "u": values(_id + "u", (3, 3), -0.5, 0.5),
                   "v": values(_id + "v", (2, 2), -0.5, 0.5), "df": 2.5}, second_order=True)

# multivariate_normal.cdf, logcdf: in x and mean (first derivatives only: the helper's rules
# refuse second ones, tests/test_scipy_multivariate_more.py).  One and two dimensions are
# computed deterministically; three with rng=0 (SciPy 1.16 and later: randomized
# quasi-Monte Carlo, each derivative accurate to SciPy's abseps).
if scipy is not None:
    import inspect

    from tangentlike.runtime.stats_multivariate import mvn_cdf_gradient

    _COVS = {1: "np.array([[1.3]])", 2: "np.array([[1.2, 0.3], [0.3, 0.8]])",
             3: "np.array([[1.5, 0.3, 0.2], [0.3, 1.0, 0.1], [0.2, 0.1, 0.8]])"}
    _rng = "rng" in inspect.signature(scipy.stats.multivariate_normal.cdf).parameters
    for _method in ("cdf", "logcdf"):
        _prim = getattr(scipy.stats.multivariate_normal, _method)
        _covers = (_prim, mvn_cdf_gradient)
        for _sx, _k, _mean in [((2,), 2, True), ((4, 2), 2, True), ((3, 2, 2), 2, False),
                               ((4,), 1, True), ((3, 3), 3, True)]:
            if _k == 3 and not _rng:
                continue
            _id = f"multivariate_normal.{_method}-{_sx}-{_k}-{_mean}"
            _params = {"x": values(_id + "x", _sx, -1, 1)}
            _args = ["x"]
            if _mean:
                _params["mean"] = values(_id + "mean", (_k,), -0.5, 0.5)
                _args.append("mean")
            _args.append(("" if _mean else "cov=") + _COVS[_k])
            if _k == 3:
                _args.append("rng=0")
            add_scipy(_id, _covers, f"scipy.stats.multivariate_normal.{_method}"
                      f"({', '.join(_args)})", _params, rtol=1e-3 if _k == 3 else 1e-5)
        _id = f"multivariate_normal.{_method}-frozen"
        add_scipy(_id, _covers, f"scipy.stats.multivariate_normal(mean, np.eye(2)).{_method}(x)",
                  {"x": values(_id + "x", (3, 2), -1, 1), "mean": values(_id + "m", (2,))})

    # multivariate_t.cdf: in x and loc, SciPy's integral made accurate (maxpts=) and fixed
    # (random_state=) so that finite differences can check the exact derivative.
    from tangentlike.runtime.stats_multivariate import mvt_cdf_gradient

    _prim = scipy.stats.multivariate_t.cdf
    for _sx, _k, _loc in [((2,), 2, True), ((3,), 1, True), ((2, 3), 3, False)]:
        _id = f"multivariate_t.cdf-{_sx}-{_k}-{_loc}"
        _params = {"x": values(_id + "x", _sx, -1, 1)}
        _args = ["x"]
        if _loc:
            _params["loc"] = values(_id + "loc", (_k,), -0.5, 0.5)
            _args.append("loc")
        _args += [("" if _loc else "shape=") + _COVS[_k], "df=3.5", "maxpts=20000",
                  "random_state=0"]
        add_scipy(_id, (_prim, mvt_cdf_gradient), "scipy.stats.multivariate_t.cdf"
                  f"({', '.join(_args)})", _params, rtol=1e-3)
