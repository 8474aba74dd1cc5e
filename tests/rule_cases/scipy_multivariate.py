"""Cases for templates/scipy_multivariate.py (none without SciPy), and for logsumexp's
``return_sign=True`` (templates/scipy_special.py).

SciPy reads one triangle of a covariance, so a finite difference of one entry is not the
derivative of a symmetric matrix: the cases build the covariance from a free matrix ``c``
(``c @ c.T + I``), whose every entry has a finite difference.  Dirichlet points must sum to one
(SciPy checks): they are built from free positive numbers, ``z / np.sum(z, axis=0)``.  The
symmetric convention itself and the frozen forms are tested in
tests/test_scipy_stats_frozen.py.  scipy.stats computes in float64: no float32 checks.
"""
import functools

import numpy as np

from rule_cases import values
from rule_cases.scipy_special import add_scipy as _add_scipy
from rule_cases.scipy_special import scipy

add_scipy = functools.partial(_add_scipy, float32=False)

if scipy is not None:
    st = scipy.stats
    for _method in ("logpdf", "pdf"):
        _prim = getattr(st.multivariate_normal, _method)
        # x: one point, points as rows, a stack of them; one dimension (x of n points).
        for _sx, _k, _mean in [((3,), 3, True), ((4, 3), 3, True), ((2, 4, 2), 2, True),
                               ((4, 2), 2, False), ((5,), 1, True)]:
            _id = f"multivariate_normal.{_method}-{_sx}-{_k}-{_mean}"
            _params = {"x": values(_id + "x", _sx, -1, 1)}
            _args = ["x"]
            if _mean:
                _params["mean"] = values(_id + "mean", (_k,), -0.5, 0.5)
                _args.append("mean")
            _params["c"] = values(_id + "c", (_k, _k), -0.5, 0.5)
            _args.append(f"c @ c.T + np.eye({_k})" if _mean else
                         f"cov=c @ c.T + np.eye({_k})")
            add_scipy(_id, _prim, f"scipy.stats.multivariate_normal.{_method}"
                      f"({', '.join(_args)})", _params, second_order=True)
        # The frozen form.
        _id = f"multivariate_normal.{_method}-frozen"
        add_scipy(_id, _prim, f"scipy.stats.multivariate_normal(mean, c @ c.T + np.eye(3))"
                  f".{_method}(x)",
                  {"x": values(_id + "x", (4, 3), -1, 1), "mean": values(_id + "m", (3,)),
                   "c": values(_id + "c", (3, 3), -0.5, 0.5)}, second_order=True)

    for _method in ("logpdf", "pdf"):
        _prim = getattr(st.dirichlet, _method)
        for _sz in [(3,), (4, 2), (2, 5)]:
            _id = f"dirichlet.{_method}-{_sz}"
            add_scipy(_id, _prim, f"scipy.stats.dirichlet.{_method}(z / np.sum(z, axis=0), "
                      "alpha)",
                      {"z": values(_id + "z", _sz, 0.5, 2),
                       "alpha": values(_id + "a", (_sz[0],), 0.7, 3)}, second_order=True)
        _id = f"dirichlet.{_method}-frozen"
        add_scipy(_id, _prim, f"scipy.stats.dirichlet(alpha).{_method}(z / np.sum(z))",
                  {"z": values(_id + "z", (3,), 0.5, 2), "alpha": values(_id + "a", (3,), 1, 3)},
                  second_order=True)

    # logsumexp(..., return_sign=True): (y, sign), the sign a constant.
    for _sa, _sb, _args in [((4,), None, ""), ((2, 3), (2, 3), ", axis=0"),
                            ((2, 3), (3,), ", axis=1, keepdims=True"),
                            ((2, 3, 4), (3, 1), ", axis=(0, 2)"), ((3,), "float", "")]:
        _id = f"logsumexp-sign-{_sa}-{_sb}{_args}"
        _params = {"x": values(_id, _sa, -3, 3)}
        _b = ""
        if _sb is not None:
            _params["b"] = values(_id + "b", _sb, 0.5, 2, signed=True)
            _b = ", b=b"
        add_scipy(_id, scipy.special.logsumexp, "", _params, second_order=True,
                  body=f"    y, sign = scipy.special.logsumexp(x{_args}{_b}, return_sign=True)\n"
                       "    return np.sum(y * sign * y)\n")
    _id = "logsumexp-sign-value"
    add_scipy(_id, scipy.special.logsumexp,
              "scipy.special.logsumexp(x, b=b, axis=1, return_sign=True)[0]",
              {"x": values(_id, (2, 3), -1, 1), "b": np.array([1.0, -2.0, 0.5])},
              second_order=True)
