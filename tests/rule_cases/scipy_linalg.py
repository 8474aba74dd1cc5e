"""Cases for templates/scipy_linalg.py (none without SciPy).

Inputs as in numpy_linalg.py: well-conditioned matrices (random + n I), symmetric positive
definite ones where the function reads one triangle of a symmetric matrix (finite differences
move one element at a time, as that reading sees them).  float32 is checked where SciPy keeps
float32 (not ``det``, ``logm``, ``sqrtm``, the Lyapunov solvers: float64 results).
"""
import numpy as np

from rule_cases import values
from rule_cases.numpy_linalg import matrix, sid, spd
from rule_cases.scipy_special import add_scipy, scipy
from tangentlike.runtime import linalg as runtime

if scipy is not None:
    import scipy.linalg

    la = scipy.linalg

    try:  # stacks of matrices: SciPy 1.16 and newer
        la.inv(np.eye(2)[None])
        _BATCHED = True
    except ValueError:
        _BATCHED = False

    def _case(case_id, covers, expr, params, **kw):
        if not _BATCHED and any(np.ndim(v) > 2 for v in params.values()):
            return None
        kw.setdefault("second_order", True)
        try:
            return add_scipy(case_id, covers, expr, params, **kw)
        except TypeError as error:  # a keyword older SciPy lacks (inv's assume_a: 1.16)
            if "unexpected keyword" not in str(error):
                raise
            return None

    # Inverses, determinants, linear systems.
    for _shape in [(3, 3), (2, 3, 3)]:
        _id = f"scipy.inv-{sid(_shape)}"
        _case(_id, la.inv, "scipy.linalg.inv(a)", {"a": matrix(_id, _shape)})
        _id = f"scipy.det-{sid(_shape)}"
        _case(_id, la.det, "scipy.linalg.det(a)", {"a": matrix(_id, _shape)}, float32=False)
    _case("scipy.inv-pos", la.inv, "scipy.linalg.inv(a, assume_a='pos')",
          {"a": spd("scipy.inv-pos", (3, 3))})
    _case("scipy.inv-sym-lower", la.inv, "scipy.linalg.inv(a, assume_a='sym', lower=True)",
          {"a": spd("scipy.inv-sym", (3, 3))})
    for _sa, _sb, _kw in [((3, 3), (3,), ""), ((3, 3), (3, 2), ""),
                          ((3, 3), (3, 2), ", assume_a='pos'"),
                          ((3, 3), (3,), ", assume_a='sym', lower=True"),
                          ((2, 3, 3), (2, 3, 2), "")]:
        _id = f"scipy.solve-{sid(_sa)}-{sid(_sb)}{_kw}".replace("'", "")
        _a = spd(_id, _sa) if "assume" in _kw else matrix(_id, _sa)
        _case(_id, la.solve, f"scipy.linalg.solve(a, b{_kw})",
              {"a": _a, "b": values(_id + "/b", _sb)})
    for _sb, _kw in [((3,), ""), ((3, 2), ", lower=True"), ((3, 2), ", trans=1"),
                     ((3,), ", trans='T', lower=True"), ((3, 2), ", unit_diagonal=True"),
                     ((3,), ", trans=1, lower=True, unit_diagonal=True")]:
        _id = f"scipy.solve_triangular-{sid(_sb)}{_kw}".replace("'", "")
        _case(_id, la.solve_triangular, f"scipy.linalg.solve_triangular(a, b{_kw})",
              {"a": matrix(_id, (3, 3)), "b": values(_id + "/b", _sb)})

    # Cholesky, cho_factor and cho_solve, lu_factor and lu_solve.
    for _kw in ["", ", lower=True"]:
        _id = f"scipy.cholesky{_kw}".replace(", ", "-")
        _case(_id, la.cholesky, f"scipy.linalg.cholesky(a{_kw})", {"a": spd(_id, (3, 3))})
        _id = f"scipy.cho_factor{_kw}".replace(", ", "-")
        _case(_id, la.cho_factor, f"scipy.linalg.cho_factor(a{_kw})[0]",
              {"a": spd(_id, (3, 3))})
        for _sb in [(3,), (3, 2)]:
            _id = f"scipy.cho_solve-{sid(_sb)}{_kw}".replace(", ", "-")
            _case(_id, (la.cho_factor, la.cho_solve), None,
                  {"a": spd(_id, (3, 3)), "b": values(_id + "/b", _sb)},
                  body=f"    c = scipy.linalg.cho_factor(a{_kw})\n"
                       f"    x = scipy.linalg.cho_solve(c, b)\n"
                       f"    return np.sum(x * np.arange(1.0, {np.prod(_sb) + 1}).reshape"
                       f"({_sb}))\n", float32=False)  # float64 weights
    _case("scipy.lu_factor", la.lu_factor, "scipy.linalg.lu_factor(a)[0]",
          {"a": values("scipy.lu_factor", (4, 4))})
    for _sb, _kw in [((3,), ""), ((3, 2), ""), ((3, 2), ", trans=1"), ((3,), ", 2")]:
        _id = f"scipy.lu_solve-{sid(_sb)}{_kw}".replace(", ", "-").replace("=", "")
        _case(_id, (la.lu_factor, la.lu_solve), None,
              {"a": values(_id, (3, 3)), "b": values(_id + "/b", _sb)},
              body=f"    lu = scipy.linalg.lu_factor(a)\n"
                   f"    x = scipy.linalg.lu_solve(lu, b{_kw})\n"
                   f"    return np.sum(x * np.arange(1.0, {np.prod(_sb) + 1}).reshape"
                   f"({_sb}))\n", float32=False)

    # Eigenvalues, singular values, pseudo-inverses, norms.
    _W = "np.arange(9.0).reshape(3, 3)"
    for _kw in ["", ", lower=False"]:
        _tag = _kw.replace(", ", "-").replace("=", "")
        _case(f"scipy.eigh{_tag}", la.eigh, None, {"a": spd(f"scipy.eigh{_tag}", (3, 3))},
              body=f"    w, v = scipy.linalg.eigh(a{_kw})\n"
                   f"    return np.sum(w * w) + np.sum(v * v * {_W})\n", float32=False)
        _case(f"scipy.eigh-values{_tag}", la.eigh,
              f"scipy.linalg.eigh(a, eigvals_only=True{_kw})",
              {"a": spd(f"scipy.eigh-values{_tag}", (3, 3))})
        _case(f"scipy.eigvalsh{_tag}", la.eigvalsh, f"scipy.linalg.eigvalsh(a{_kw})",
              {"a": spd(f"scipy.eigvalsh{_tag}", (3, 3))})
    _case("scipy.svd", la.svd, None, {"a": values("scipy.svd", (4, 3))},
          body="    u, s, vh = scipy.linalg.svd(a, full_matrices=False)\n"
               "    return np.sum((u * np.arange(1.0, 4.0) * s) @ vh"
               " * np.arange(12.0).reshape(4, 3))\n", float32=False)
    _case("scipy.svd-square", la.svd, "scipy.linalg.svd(a)[2] ** 2",
          {"a": values("scipy.svd-square", (3, 3))})
    _case("scipy.svd-values", la.svd, "scipy.linalg.svd(a, compute_uv=False)",
          {"a": values("scipy.svd-values", (3, 4))})
    for _shape in [(4, 3), (3, 5)]:
        _id = f"scipy.svdvals-{sid(_shape)}"
        _case(_id, la.svdvals, "scipy.linalg.svdvals(a)", {"a": values(_id, _shape)})
        _id = f"scipy.pinv-{sid(_shape)}"
        _case(_id, (la.pinv, runtime.pinv_only), "scipy.linalg.pinv(a)", {"a": values(_id, _shape)})
    for _kw in ["", ", lower=False"]:
        _id = f"scipy.pinvh{_kw}".replace(", ", "-")
        _case(_id, la.pinvh, f"scipy.linalg.pinvh(a{_kw})", {"a": spd(_id, (3, 3))})
    for _name, _shape, _kw in [("vec", (5,), ""), ("fro", (3, 4), ""),
                               ("nuc", (3, 4), ", 'nuc'"), ("mat-1", (3, 4), ", 1"),
                               ("axis", (3, 4), ", 3, axis=1, keepdims=True")]:
        _id = f"scipy.norm-{_name}"
        _case(_id, la.norm, f"scipy.linalg.norm(a{_kw})",
              {"a": values(_id, _shape, 0.2, 1.0, signed=True)})

    # Matrix functions, where they are real: near the identity, or positive definite.
    def _near_identity(case_id, shape=(3, 3), scale=0.3):
        return np.eye(shape[-1]) + scale * values(case_id, shape)

    for _name, _float32 in [("expm", True), ("logm", False), ("sqrtm", False),
                            ("cosm", True), ("sinm", True), ("tanm", True), ("coshm", True),
                            ("sinhm", True), ("tanhm", True)]:
        _id = f"scipy.{_name}"
        # SciPy before 1.16 returns sqrtm's and logm's values as complex numbers (zero
        # imaginary parts) for some real matrices
        _complex = np.iscomplexobj(getattr(la, _name)(_near_identity(_id)))
        _case(_id, (getattr(la, _name), runtime.matrix_function_cast),
              f"np.real(scipy.linalg.{_name}(a))" if _complex else f"scipy.linalg.{_name}(a)",
              {"a": _near_identity(_id)}, float32=_float32, rtol=1e-4)
    _case("scipy.expm-stack", la.expm, "scipy.linalg.expm(a)",
          {"a": values("scipy.expm-stack", (2, 3, 3))}, rtol=1e-4)
    _case("scipy.sqrtm-spd", la.sqrtm, "scipy.linalg.sqrtm(a)",
          {"a": spd("scipy.sqrtm-spd", (3, 3))}, float32=False, rtol=1e-4)
    for _t in [0.5, 1.5, -0.3]:
        _id = f"scipy.fractional_matrix_power-{_t}"
        # SciPy returns complex numbers (zero imaginary parts) for powers other than 1/2
        _case(_id, la.fractional_matrix_power,
              f"np.real(scipy.linalg.fractional_matrix_power(a, {_t}))",
              {"a": _near_identity(_id)}, float32=False, rtol=1e-4)

    # Matrix equations.
    _id = "scipy.solve_sylvester"
    _case(_id, la.solve_sylvester, "scipy.linalg.solve_sylvester(a, b, q)",
          {"a": matrix(_id + "/a", (3, 3)), "b": matrix(_id + "/b", (2, 2)),
           "q": values(_id + "/q", (3, 2))})
    _id = "scipy.solve_continuous_lyapunov"
    _case(_id, la.solve_continuous_lyapunov, "scipy.linalg.solve_continuous_lyapunov(a, q)",
          {"a": matrix(_id + "/a", (3, 3)), "q": values(_id + "/q", (3, 3))}, float32=False)
    for _method in ["", ", method='direct'", ", method='bilinear'"]:
        _id = f"scipy.solve_discrete_lyapunov{_method}".replace(", method=", "-").replace(
            "'", "")
        _case(_id, la.solve_discrete_lyapunov,
              f"scipy.linalg.solve_discrete_lyapunov(a, q{_method})",
              {"a": 0.3 * values(_id + "/a", (3, 3)), "q": values(_id + "/q", (3, 3))},
              float32=False)

    # Structured matrices.
    for _name, _sc, _sr in [("toeplitz", (3,), None), ("toeplitz", (3,), (4,)),
                            ("toeplitz", (4,), (2,)), ("hankel", (3,), None),
                            ("hankel", (3,), (4,)), ("hankel", (4,), (2,)),
                            ("circulant", (4,), None)]:
        _id = f"scipy.{_name}-{sid(_sc)}-{_sr and sid(_sr)}"
        _params = {"c": values(_id + "/c", _sc)}
        if _sr is not None:
            _params["r"] = values(_id + "/r", _sr)
        _case(_id, getattr(la, _name),
              f"scipy.linalg.{_name}(c{', r' if _sr is not None else ''}) ** 2", _params)
    for _sa, _sb in [((2, 3), (4, 3)), ((3, 1), (2, 1))]:
        _id = f"scipy.khatri_rao-{sid(_sa)}-{sid(_sb)}"
        _case(_id, la.khatri_rao, "scipy.linalg.khatri_rao(a, b)",
              {"a": values(_id + "/a", _sa), "b": values(_id + "/b", _sb)})

    # eigvals: real, distinct eigenvalues (SciPy returns them as complex numbers).
    from rule_cases.numpy_linalg import _EIG

    _case("scipy.eigvals", la.eigvals, "np.real(scipy.linalg.eigvals(a))", {"a": _EIG})
    _case("scipy.eigvals-squared", la.eigvals, "np.real(scipy.linalg.eigvals(a)) ** 2",
          {"a": _EIG.T + 0.1 * np.eye(3)})

    # qr: economic (tall), full (square); both factors.
    for _shape, _mode in [((4, 3), "economic"), ((3, 3), "full"), ((3, 3), "economic")]:
        _id = f"scipy.qr-{sid(_shape)}-{_mode}"
        _case(_id, la.qr, None, {"a": values(_id, _shape)},
              body=f"    q, r = scipy.linalg.qr(a, mode={_mode!r})\n"
                   f"    return np.sum(q * np.arange({_shape[0] * _shape[1]}.0).reshape"
                   f"{_shape}) + np.sum(r * r)\n", float32=False)
    _case("scipy.qr-r", la.qr, "scipy.linalg.qr(a, mode='economic')[1]",
          {"a": values("scipy.qr-r", (4, 3))})

    # lstsq (SciPy's residues: 0-d for a vector b), tall, square and wide.
    for _sa, _sb in [((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 3), (3,)), ((2, 4), (2,))]:
        _id = f"scipy.lstsq-{sid(_sa)}-{sid(_sb)}"
        _case(_id, la.lstsq, None,
              {"a": matrix(_id, _sa) if _sa[0] == _sa[1] else values(_id, _sa),
               "b": values(_id + "/b", _sb)},
              body="    x, res, rank, s = scipy.linalg.lstsq(a, b)\n"
                   "    return np.sum(x * x) + np.sum(res) + np.sum(s)\n", float32=False)
    _case("scipy.lstsq-gelss", la.lstsq, "scipy.linalg.lstsq(a, b, lapack_driver='gelss')[0]",
          {"a": values("scipy.lstsq-gelss", (4, 3)), "b": values("scipy.lstsq-gelss/b", (4,))})

    # Structured matrices: diagsvd, leslie, convolution_matrix, companion.
    for _m, _n in [(3, 3), (3, 5), (4, 2)]:
        _id = f"scipy.diagsvd-{_m}-{_n}"
        _case(_id, la.diagsvd, f"scipy.linalg.diagsvd(s, {_m}, {_n}) ** 2",
              {"s": values(_id, (min(_m, _n),))})
    for _sf in [(3,), (2, 3)]:
        _id = f"scipy.leslie-{sid(_sf)}"
        _case(_id, la.leslie, "scipy.linalg.leslie(f, s) ** 2",
              {"f": values(_id + "/f", _sf), "s": values(_id + "/s", _sf[:-1] + (2,))})
    for _n, _mode in [(4, "full"), (4, "same"), (2, "same"), (5, "valid")]:
        _id = f"scipy.convolution_matrix-{_n}-{_mode}"
        _case(_id, la.convolution_matrix, f"scipy.linalg.convolution_matrix(a, {_n}, "
              f"{_mode!r}) ** 2", {"a": values(_id, (3,))})
    for _sa in [(4,), (2, 3)]:
        _id = f"scipy.companion-{sid(_sa)}"
        _case(_id, la.companion, "scipy.linalg.companion(a) ** 2",
              {"a": values(_id, _sa) + 2.0})
    for _sb in [(3,), (3, 2)]:
        _id = f"scipy.solve_circulant-{sid(_sb)}"
        _case(_id, la.solve_circulant, "scipy.linalg.solve_circulant(c, b)",
              {"c": values(_id + "/c", (3,)) + np.array([4.0, 0.0, 0.0]),
               "b": values(_id + "/b", _sb)})

    # lu: (P, L, U) and (P L, U) with permute_l, of one matrix and a stack.
    for _shape in [(3, 3), (2, 3, 3)]:
        _id = f"scipy.lu-{sid(_shape)}"
        _w = f"np.arange(1.0, {np.prod(_shape) + 1}).reshape({_shape})"
        _case(_id, la.lu, None, {"a": matrix(_id, _shape)},
              body=f"    p, lo, up = scipy.linalg.lu(a)\n"
                   f"    return np.sum(lo * {_w}) + np.sum(up * up)\n", float32=False)
        _case(_id + "-permute_l", la.lu, None, {"a": matrix(_id + "-permute_l", _shape)},
              body=f"    pl, up = scipy.linalg.lu(a, permute_l=True)\n"
                   f"    return np.sum(pl * {_w}) + np.sum(up * up)\n", float32=False)

    # expm_frechet: both results, and the derivative alone.
    _id = "scipy.expm_frechet"
    _case(_id, la.expm_frechet, None,
          {"a": 0.5 * values(_id + "/a", (3, 3)), "e": values(_id + "/e", (3, 3))},
          body="    x, lf = scipy.linalg.expm_frechet(a, e)\n"
               "    return np.sum(x * np.arange(9.0).reshape(3, 3)) + np.sum(lf * lf)\n",
          float32=False)
    _case(_id + "-no-expm", la.expm_frechet,
          "scipy.linalg.expm_frechet(a, e, compute_expm=False)",
          {"a": 0.5 * values(_id + "/a2", (3, 3)), "e": values(_id + "/e2", (3, 3))},
          float32=False)

    # polar, right and left, of an invertible square matrix: both factors.
    for _side in ["right", "left"]:
        _id = f"scipy.polar-{_side}"
        _case(_id, la.polar, None, {"a": matrix(_id, (3, 3))},
              body=f"    u, p = scipy.linalg.polar(a, side={_side!r})\n"
                   f"    return np.sum(u * np.arange(9.0).reshape(3, 3)) + np.sum(p * p)\n",
              float32=False)

    # orthogonal_procrustes: the rotation and the scale.
    _id = "scipy.orthogonal_procrustes"
    _case(_id, la.orthogonal_procrustes, None,
          {"a": values(_id + "/a", (4, 3)), "b": values(_id + "/b", (4, 3))},
          body="    r, scale = scipy.linalg.orthogonal_procrustes(a, b)\n"
               "    return np.sum(r * np.arange(9.0).reshape(3, 3)) + scale ** 2\n",
          float32=False)

    # solve_toeplitz and matmul_toeplitz, of c and of (c, r); their second derivatives run
    # the rules of the helpers toeplitz_dense and toeplitz_parts (each other's adjoints).
    _C = np.array([4.0, 0.5, -0.3, 0.2])
    for _pair in [False, True]:
        for _sb in [(4,), (4, 2)]:
            _id = f"scipy.solve_toeplitz-{'cr' if _pair else 'c'}-{sid(_sb)}"
            _cr = "(c, r)" if _pair else "c"
            _params = {"c": _C + 0.1 * values(_id + "/c", (4,)), "b": values(_id + "/b", _sb)}
            if _pair:
                _params["r"] = np.array([4.0, 0.0, 0.0, 0.0]) + 0.3 * values(_id + "/r", (4,))
            _case(_id, (la.solve_toeplitz, runtime.toeplitz_dense, runtime.toeplitz_parts),
                  f"scipy.linalg.solve_toeplitz({_cr}, b)", _params, float32=False)
            _id = _id.replace("solve_toeplitz", "matmul_toeplitz")
            _case(_id, la.matmul_toeplitz, f"scipy.linalg.matmul_toeplitz({_cr}, b) ** 2",
                  dict(_params), float32=False)  # SciPy: float64 results

    # solve_banded (l, u) = (1, 2) and (0, 1); its second derivatives run the rules of the
    # helpers banded_dense and banded_parts (each other's adjoints).
    for _lu, _sb in [((1, 2), (4,)), ((1, 2), (4, 2)), ((0, 1), (4,))]:
        _id = f"scipy.solve_banded-{_lu[0]}{_lu[1]}-{sid(_sb)}"
        _ab = values(_id, (sum(_lu) + 1, 4))
        _ab[_lu[1]] += 4.0  # the diagonal: well conditioned
        _case(_id, (la.solve_banded, runtime.banded_dense, runtime.banded_parts),
              f"scipy.linalg.solve_banded({_lu}, ab, b)",
              {"ab": _ab, "b": values(_id + "/b", _sb)})
