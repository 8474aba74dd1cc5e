"""Cases for templates/scipy_linalg_equations.py (none without SciPy): the Riccati
equations, with ``q`` and ``r`` made symmetric positive definite inside the function (SciPy
refuses others, so finite differences move them along symmetric directions); with and without
the cross term ``s``, a scalar ``r`` for one input."""
import numpy as np

from rule_cases import values
from rule_cases.scipy_special import add_scipy, scipy
from tangentlike.runtime import linalg_forms as runtime

if scipy is not None:
    import scipy.linalg

    la = scipy.linalg
    _W = "np.arange(9.0).reshape(3, 3)"
    for _name, _shift in [("solve_continuous_are", -1.0), ("solve_discrete_are", 0.0)]:
        _prim = getattr(la, _name)
        _id = f"scipy.{_name}"
        _params = {"a": values(_id + "/a", (3, 3)) + _shift * np.eye(3),
                   "b": values(_id + "/b", (3, 2)), "qm": values(_id + "/q", (3, 3)),
                   "rm": values(_id + "/r", (2, 2))}
        _body = (f"    q = qm @ qm.T + np.eye(3)\n"
                 f"    r = rm @ rm.T + np.eye(2)\n"
                 f"    x = scipy.linalg.{_name}(a, b, q, r{{}})\n"
                 f"    return np.sum(x * {_W})\n")
        add_scipy(_id, (_prim, runtime.riccati_checked), None, dict(_params),
                  body=_body.format(""), second_order=True, float32=False)
        add_scipy(_id + "-s", (_prim,), None,
                  {**_params, "s": 0.2 * values(_id + "/s", (3, 2))},
                  body=_body.format(", s=s"), float32=False)
        add_scipy(_id + "-scalar-r", (_prim,), None,
                  {"a": _params["a"], "b": values(_id + "/b1", (3, 1)), "qm": _params["qm"],
                   "r": 1.5},
                  body=f"    q = qm @ qm.T + np.eye(3)\n"
                       f"    x = scipy.linalg.{_name}(a, b, q, r)\n"
                       f"    return np.sum(x * {_W})\n", float32=False)
