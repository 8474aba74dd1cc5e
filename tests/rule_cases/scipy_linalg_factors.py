"""Cases for templates/scipy_linalg_factors.py (none without SciPy).  eig: a matrix with a
pair of complex eigenvalues (complex eigenvectors, their largest entries real) and one with
real ones; real losses of the real and imaginary parts (so the eigenvectors' phase, which
LAPACK fixes, is checked too)."""
import numpy as np

from rule_cases import values
from rule_cases.scipy_special import add_scipy, scipy

if scipy is not None:
    import scipy.linalg

    la = scipy.linalg
    _ROT = np.array([[0.3, -1.0, 0.2], [1.1, 0.1, 0.3], [0.1, 0.2, 0.8]])
    _W1, _W2 = "np.arange(9.0).reshape(3, 3)", "np.cos(np.arange(9.0)).reshape(3, 3)"
    _EIG = (f"    w, v = scipy.linalg.eig(a)\n"
            f"    return np.sum(np.real(w) * np.arange(3.0) + np.imag(w) ** 2)"
            f" + np.sum(np.real(v) * {_W1} + np.imag(v) * {_W2})\n")
    for _tag, _a in [("complex", _ROT + 0.2 * values("scipy.eig/a", (3, 3))),
                     ("real", np.diag([1.0, 2.0, 3.5]) + 0.3 * values("scipy.eig/r", (3, 3)))]:
        add_scipy(f"scipy.eig-{_tag}", (la.eig,), None,
                  {"a": _a}, body=_EIG, second_order=True, float32=False)
        add_scipy(f"scipy.eig-right-False-{_tag}", (la.eig,), None, {"a": _a},
                  body="    w = scipy.linalg.eig(a, right=False)\n"
                       "    return np.sum(np.real(w) ** 2 + np.imag(w) * np.arange(3.0))\n",
                  second_order=True, float32=False)

    # rq: square (mode='full'), wide (mode='economic'); R's and Q's entries weighted.
    for _shape, _kw in [((3, 3), ""), ((2, 4), ", mode='economic'")]:
        _id = f"scipy.rq-{_shape[0]}x{_shape[1]}"
        add_scipy(_id, (la.rq,), None,
                  {"a": values(_id, _shape) + np.eye(*_shape)},
                  body=f"    r, q = scipy.linalg.rq(a{_kw})\n"
                       f"    return np.sum(r * np.arange({_shape[0] * min(_shape)}.0).reshape("
                       f"{(_shape[0], min(_shape))})) + np.sum(q * np.cos(np.arange("
                       f"{min(_shape) * _shape[1]}.0)).reshape({(min(_shape), _shape[1])}))\n",
                  second_order=True, float32=False)

    # qr_multiply: right and left, c a vector or a matrix, a tall or square.
    for _sa, _sc, _kw in [((4, 3), (4,), ""), ((4, 3), (2, 4), ""),
                          ((3, 3), (3, 2), ", mode='left'"), ((4, 3), (3,), ", mode='left'")]:
        _id = f"scipy.qr_multiply-{'x'.join(map(str, _sa))}-{'x'.join(map(str, _sc))}{_kw}"
        _id = _id.replace(", mode=", "-").replace("'", "")
        add_scipy(_id, (la.qr_multiply,), None,
                  {"a": values(_id, _sa) + np.eye(*_sa), "c": values(_id + "/c", _sc)},
                  body=f"    qc, r = scipy.linalg.qr_multiply(a, c{_kw})\n"
                       f"    return np.sum(qc * np.cos(np.arange(qc.size)).reshape(qc.shape))"
                       f" + np.sum(r * np.arange(r.size).reshape(r.shape))\n",
                  second_order=True, float32=False)
