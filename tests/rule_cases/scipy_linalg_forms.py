"""Cases for templates/scipy_linalg_forms.py (none without SciPy): block_diag (its arrays
as ``*arrs``: numbers, vectors, matrices; one or several of them differentiated), the
symmetric tridiagonal eigenproblems (the diagonal is the parameter ``d``).  Eigenvectors are
read through ``v * v`` weighted (their signs are LAPACK's choice)."""
import numpy as np

from rule_cases import values
from rule_cases.scipy_special import add_scipy, scipy
from tangentlike.runtime import linalg_forms as runtime

if scipy is not None:
    import scipy.linalg

    la = scipy.linalg

    def _case(case_id, covers, expr, params, **kw):
        kw.setdefault("second_order", True)
        return add_scipy(case_id, covers, expr, params, **kw)

    # block_diag: its second derivatives run block_diag_parts' rules.
    _case("scipy.block_diag-2x2-3-1x1", (la.block_diag, runtime.block_diag_parts),
          "scipy.linalg.block_diag(a, b, c) ** 2",
          {"a": values("scipy.block_diag/a", (2, 2)), "b": values("scipy.block_diag/b", (3,)),
           "c": values("scipy.block_diag/c", (1, 1))})
    _case("scipy.block_diag-one", (la.block_diag, runtime.block_diag_parts),
          "np.sin(scipy.linalg.block_diag(a))", {"a": values("scipy.block_diag-one", (2, 3))})
    _case("scipy.block_diag-some", (la.block_diag, runtime.block_diag_parts),
          "scipy.linalg.block_diag(a, np.ones((2, 1)), b, a) ** 3",
          {"a": values("scipy.block_diag-some/a", (2, 2)),
           "b": values("scipy.block_diag-some/b", (1, 2))}, wrt=(0,), float32=False)

    # The symmetric tridiagonal eigenproblems (distinct eigenvalues).
    _W = "np.arange(16.0).reshape(4, 4)"
    _d, _e = np.array([1.0, 2.5, -0.5, 4.0]), values("scipy.eigh_tridiagonal/e", (3,))
    _case("scipy.eigh_tridiagonal", (la.eigh_tridiagonal, runtime.tridiagonal_dense,
                                      runtime.tridiagonal_checked), None, {"d": _d, "e": _e},
          body=f"    w, v = scipy.linalg.eigh_tridiagonal(d, e)\n"
               f"    return np.sum(w * w) + np.sum(v * v * {_W})\n", float32=False)
    _case("scipy.eigh_tridiagonal-keywords", (la.eigh_tridiagonal, runtime.tridiagonal_checked),
          None, {"d": _d, "e": _e},
          body=f"    w, v = scipy.linalg.eigh_tridiagonal(e=e, d=d, select='a')\n"
               f"    return np.sum(w ** 3) + np.sum(v * v * {_W})\n", float32=False)
    _case("scipy.eigh_tridiagonal-eigvals_only", (la.eigh_tridiagonal,),
          "scipy.linalg.eigh_tridiagonal(d, e, eigvals_only=True)", {"d": _d, "e": _e},
          float32=False)
    _case("scipy.eigvalsh_tridiagonal", (la.eigvalsh_tridiagonal,),
          "scipy.linalg.eigvalsh_tridiagonal(d, e)", {"d": _d, "e": _e}, float32=False)
    _case("scipy.eigvalsh_tridiagonal-d", (la.eigvalsh_tridiagonal,),
          "scipy.linalg.eigvalsh_tridiagonal(d=d, e=np.array([0.5, -0.25, 0.75])) ** 2",
          {"d": _d}, float32=False)

    # Symmetric bands (positive definite: a heavy diagonal), upper and lower storage; their
    # second derivatives run the rules of banded_dense, banded_parts and
    # symmetric_from_triangle.
    from tangentlike.runtime import linalg as dense

    def _band(case_id, k, lower):
        ab = 0.5 * values(case_id + "/ab", (k + 1, 4))
        ab[0 if lower else k] += 3.0
        return ab

    _BANDED = (dense.banded_dense, dense.banded_parts, runtime.symmetric_from_triangle)
    for _k, _lower in [(1, False), (2, True)]:
        _kw = ", lower=True" if _lower else ""
        _tag = f"{_k}{'-lower' if _lower else ''}"
        for _sb in [(4,), (4, 2)]:
            _id = f"scipy.solveh_banded-{_tag}-{'x'.join(map(str, _sb))}"
            _case(_id, (la.solveh_banded, *_BANDED), f"scipy.linalg.solveh_banded(ab, b{_kw})",
                  {"ab": _band(_id, _k, _lower), "b": values(_id + "/b", _sb)})
        _id = f"scipy.cholesky_banded-{_tag}"
        _case(_id, (la.cholesky_banded, *_BANDED), f"scipy.linalg.cholesky_banded(ab{_kw})",
              {"ab": _band(_id, _k, _lower)})
        _id = f"scipy.cho_solve_banded-{_tag}"
        _case(_id, (la.cho_solve_banded, la.cholesky_banded), None,
              {"ab": _band(_id, _k, _lower), "b": values(_id + "/b", (4,))},
              body=f"    c = scipy.linalg.cholesky_banded(ab{_kw})\n"
                   f"    x = scipy.linalg.cho_solve_banded((c, {_lower}), b)\n"
                   f"    return np.sum(x * np.arange(1.0, 5.0))\n", float32=False)
        _id = f"scipy.eig_banded-{_tag}"
        _case(_id, (la.eig_banded, *_BANDED), None, {"ab": _band(_id, _k, _lower)},
              body=f"    w, v = scipy.linalg.eig_banded(ab{_kw})\n"
                   f"    return np.sum(w * w) + np.sum(v * v * {_W})\n", float32=False)
        _id = f"scipy.eig_banded-eigvals_only-{_tag}"
        _case(_id, (la.eig_banded,), f"scipy.linalg.eig_banded(ab{_kw}, eigvals_only=True)",
              {"ab": _band(_id, _k, _lower)}, float32=False)
        _id = f"scipy.eigvals_banded-{_tag}"
        _case(_id, (la.eigvals_banded,), f"scipy.linalg.eigvals_banded(ab{_kw})",
              {"ab": _band(_id, _k, _lower)}, float32=False)

    # fiedler (distinct entries: no ties).
    _case("scipy.fiedler", (la.fiedler,), "scipy.linalg.fiedler(a) ** 2",
          {"a": np.array([0.3, -1.2, 2.0, 0.7])})
    _case("scipy.fiedler-sin", (la.fiedler,), "np.sin(scipy.linalg.fiedler(a))",
          {"a": values("scipy.fiedler-sin", (5,))})

    # fiedler_companion (its second derivatives run fiedler_companion_parts' rules).
    for _n in [2, 5, 6]:
        _id = f"scipy.fiedler_companion-{_n}"
        _a = values(_id, (_n,))
        _a[0] = 1.5
        _case(_id, (la.fiedler_companion, runtime.fiedler_companion_parts),
              "scipy.linalg.fiedler_companion(a) ** 2", {"a": _a})
