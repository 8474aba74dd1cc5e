"""Cases for templates/scipy_special_functions.py (none without SciPy).

As in ``scipy_special_rest.py``, the expressions use ``scipy`` (a global given by ``_case``);
order and shape parameters are literals (their derivatives are refused, which
tests/rules/test_scipy_special_functions.py checks).  autograd has none of these functions.
The functions that return (value, derivative) are unpacked and both parts used, so the
derivative of the derivative (from the differential equation) is checked too.
"""
from rule_cases import add, values

try:
    import scipy.special
except ImportError:  # SciPy is optional: no cases
    scipy = None

SHAPES = ("float", (3,), (2, 3))


def _case(case_id, covers, expr, params, **kw):
    return add(case_id, covers, expr, params, autograd=False, names={"scipy": scipy}, **kw)


def _pair(name, params, low, high, shapes=SHAPES, float32=False, second_order=True, covers=()):
    """Cases of ``v, dv = scipy.special.<name>(params, x)`` for x in [low, high], both used."""
    for shape in shapes:
        case_id = f"specialfn-{name}-{params}-{shape}-{low}".replace(" ", "")
        _case(case_id, (getattr(scipy.special, name), *covers), None,
              {"x": values(case_id, shape, low, high)}, second_order=second_order,
              float32=float32 and shape != "float",
              body=f"    v, dv = scipy.special.{name}({params}, x)\n"
                   "    return np.sum(v * 2.0 + dv * dv - 0.5 * v * dv)\n")


def _in_x(name, params, low, high, shapes=SHAPES, float32=False, second_order=True,
          expr="scipy.special.{name}({params}, x)", covers=()):
    """Cases of ``scipy.special.<name>(params, x)`` (literal parameters) for x in [low, high]."""
    for shape in shapes:
        case_id = f"specialfn-{name}-{params}-{shape}".replace(" ", "")
        _case(case_id, (getattr(scipy.special, name), *covers),
              expr.format(name=name, params=params), {"x": values(case_id, shape, low, high)},
              second_order=second_order, float32=float32 and shape != "float")


if scipy is not None:
    sp = scipy.special
    # Jacobian elliptic functions: both arguments, all four results.
    for _su, _sm in (("float", "float"), ((3,), (3,)), ((2, 3), (3,))):
        _id = f"specialfn-ellipj-{_su}-{_sm}"
        _case(_id, sp.ellipj, None, {"u": values(_id + "u", _su, -2.0, 2.0),
                                     "m": values(_id + "m", _sm, 0.1, 0.9)},
              second_order=True, float32=False,
              body="    sn, cn, dn, ph = scipy.special.ellipj(u, m)\n"
                   "    return np.sum(sn * 2.0 + cn * cn + dn * 0.5 - ph * sn)\n")
    # Carlson's integrals in every argument (R_J with p > 0 and p < 0: a principal value).
    for _sa, _sb in (("float", "float"), ((3,), (3,)), ((2, 3), (3,))):
        _id = f"specialfn-elliprd-{_sa}-{_sb}"
        _case(_id, sp.elliprd, "scipy.special.elliprd(x, y, z)",
              {"x": values(_id + "x", _sa, 0.2, 1.0), "y": values(_id + "y", _sb, 1.3, 2.5),
               "z": values(_id + "z", _sb, 0.5, 2.0)}, second_order=True, float32=False)
        _id = f"specialfn-elliprg-{_sa}-{_sb}"
        _case(_id, sp.elliprg, "scipy.special.elliprg(x, y, z)",
              {"x": values(_id + "x", _sa, 0.2, 1.0), "y": values(_id + "y", _sb, 1.3, 2.5),
               "z": values(_id + "z", _sb, 0.5, 2.0)}, second_order=True, float32=False)
        for _lp, _hp in ((2.6, 3.5), (-1.5, -0.5)):
            _id = f"specialfn-elliprj-{_sa}-{_sb}-{_lp}"
            _case(_id, sp.elliprj, "scipy.special.elliprj(x, y, z, p)",
                  {"x": values(_id + "x", _sa, 0.2, 1.0), "y": values(_id + "y", _sb, 1.3, 2.5),
                   "z": values(_id + "z", _sb, 0.5, 1.2), "p": values(_id + "p", _sb, _lp, _hp)},
                  second_order=True, float32=False)
        # The arithmetic-geometric mean (both signs; b > a gives m < 0).
        for _la, _ha in ((0.5, 2.0), (-2.0, -0.5)):
            _id = f"specialfn-agm-{_sa}-{_sb}-{_la}"
            _case(_id, sp.agm, "scipy.special.agm(a, b)",
                  {"a": values(_id + "a", _sa, _la, _ha), "b": values(_id + "b", _sb, _la, _ha)},
                  second_order=True, float32=False)
    _id = "specialfn-agm-equal"  # a = b: the series of K'(m)
    _case(_id, sp.agm, "scipy.special.agm(a, a * (1.0 + 1e-7))",
          {"a": values(_id, (3,), 0.5, 2.0)}, second_order=True, float32=False)
    # Exponentially scaled Airy functions: x > 0 (all four results), x < 0 (Bi's).
    for _shape in SHAPES:
        _id = f"specialfn-airye-{_shape}"
        _case(_id, sp.airye, None, {"x": values(_id, _shape, 0.2, 2.5)}, second_order=True,
              float32=False,
              body="    ai, aip, bi, bip = scipy.special.airye(x)\n"
                   "    return np.sum(ai * 2.0 + aip * aip + bi * 0.5 - bip * ai)\n")
        _id = f"specialfn-airye-negative-{_shape}"
        _case(_id, sp.airye, None, {"x": values(_id, _shape, -2.5, -0.2)}, second_order=True,
              float32=False,
              body="    ai, aip, bi, bip = scipy.special.airye(x)\n"
                   "    return np.sum(bi * 0.5 - bip * bi)\n")
    # Laguerre polynomials, combinations and permutations, Wright's function, besselpoly.
    for _nk in ("0", "1", "3, 0.7", "4.5, 1.5"):
        _in_x("assoc_laguerre", _nk, 0.1, 3.0, expr="scipy.special.{name}(x, {params})")
    for _name in ("comb", "perm"):
        for _sn, _sk in (("float", "float"), ((3,), (3,)), ((2, 3), (3,))):
            _id = f"specialfn-{_name}-{_sn}-{_sk}"
            _case(_id, getattr(sp, _name), f"scipy.special.{_name}(N, k)",
                  {"N": values(_id + "N", _sn, 3.5, 7.0), "k": values(_id + "k", _sk, 0.5, 3.0)},
                  second_order=True, float32=False)
    for _sn, _sk in (("float", "float"), ((3,), (3,))):
        _id = f"specialfn-comb-repetition-{_sn}"
        _case(_id, sp.comb, "scipy.special.comb(N, k, repetition=True)",
              {"N": values(_id + "N", _sn, 1.5, 5.0), "k": values(_id + "k", _sk, 0.5, 3.0)},
              second_order=True, float32=False)
    _id = "specialfn-comb-outside"  # k > N: 0, and its derivative 0
    _case(_id, (sp.comb, sp.perm),
          "scipy.special.comb(N, N + 0.5) + scipy.special.perm(N, N + 1.5)",
          {"N": values(_id, (3,), 1.0, 3.0)}, float32=False)
    for _ab in ("0.6, 1.2", "1.5, 0.5"):
        _in_x("wright_bessel", _ab, 0.1, 3.0)
        _in_x("log_wright_bessel", _ab, 0.1, 3.0)
    for _ln in ("1.5, 2.0", "0.5, 0.5", "2.0, 0.0"):
        _in_x("besselpoly", _ln, 0.2, 1.5, expr="scipy.special.{name}(x, {params})")
    # Legendre functions and spherical harmonics of the new API: diff_n 0 and 1 (a Hessian
    # needs diff_n=0: SciPy computes the derivatives up to order 2).
    for _diff in (0, 1):
        _opt = f", diff_n={_diff}" if _diff else ""
        _second = _diff == 0
        _in_x("legendre_p", f"3, x{_opt}", -0.9, 0.9, second_order=_second,
              expr="scipy.special.{name}({params})")
        _in_x("legendre_p_all", f"3, x{_opt}", -0.9, 0.9, second_order=_second,
              expr="scipy.special.{name}({params})")
        _in_x("assoc_legendre_p", f"3, 1, x{_opt}", -0.9, 0.9, second_order=_second,
              expr="scipy.special.{name}({params})")
        _in_x("assoc_legendre_p", f"4, -2, x, norm=True{_opt}", -0.9, 0.9,
              second_order=_second, expr="scipy.special.{name}({params})", shapes=((3,),))
        _in_x("assoc_legendre_p_all", f"3, 2, x{_opt}", -0.9, 0.9, second_order=_second,
              expr="scipy.special.{name}({params})")
        _in_x("sph_legendre_p", f"3, 1, x{_opt}", 0.2, 2.9, second_order=_second,
              expr="scipy.special.{name}({params})")
        _in_x("sph_legendre_p_all", f"3, 2, x{_opt}", 0.2, 2.9, second_order=_second,
              expr="scipy.special.{name}({params})")
    for _sa, _sb in (("float", "float"), ((3,), (3,)), ((2, 3), (3,))):
        for _nm in ("3, 1", "2, -2"):
            _id = f"specialfn-sph_harm_y-{_nm}-{_sa}-{_sb}".replace(" ", "")
            _case(_id, sp.sph_harm_y, None,
                  {"theta": values(_id + "t", _sa, 0.2, 2.9),
                   "phi": values(_id + "p", _sb, -3.0, 3.0)}, float32=False,
                  body=f"    y = scipy.special.sph_harm_y({_nm}, theta, phi)\n"
                       "    return np.sum(np.real(y) * 2.0 + np.imag(y) * np.real(y))\n")
        _id = f"specialfn-sph_harm_y_all-{_sa}-{_sb}"
        _case(_id, sp.sph_harm_y_all, None,
              {"theta": values(_id + "t", _sa, 0.2, 2.9),
               "phi": values(_id + "p", _sb, -3.0, 3.0)}, float32=False,
              body="    y = scipy.special.sph_harm_y_all(2, 1, theta, phi)\n"
                   "    w = np.arange(9.0).reshape(3, 3, *([1] * (np.ndim(y) - 2)))\n"
                   "    return np.sum(np.real(y) * w + np.imag(y) * np.real(y))\n")
    # Legendre functions of the second kind of a scalar z (|z| < 1 and > 1).
    for _lz, _hz in ((-0.9, 0.9), (1.2, 2.5)):
        _pair("lqn", 3, _lz, _hz, shapes=("float",))
        _pair("lqmn", "2, 3", _lz, _hz, shapes=("float",))
    # Parabolic cylinder functions: pairs, and sequences of a scalar x (pbdn_seq complex).
    _pair("pbdv", 1.3, -2.0, 2.0)
    _pair("pbdv", -0.6, -2.0, 2.0, shapes=((3,),))
    _pair("pbvv", 1.3, -2.0, 2.0)
    _pair("pbwa", 0.7, -3.0, 3.0)
    _pair("pbwa", -1.5, -3.0, 3.0, shapes=((3,),))
    _pair("pbdv_seq", 2.5, -2.0, 2.0, shapes=("float",))
    _pair("pbdv_seq", 3.0, -2.0, 2.0, shapes=("float",))
    _pair("pbvv_seq", 2.5, 0.2, 2.0, shapes=("float",))
    _id = "specialfn-pbdn_seq"
    _case(_id, sp.pbdn_seq, None, {"x": values(_id, "float", -2.0, 2.0)},
          second_order=True, float32=False,
          body="    v, dv = scipy.special.pbdn_seq(3, x)\n"
               "    return np.sum(np.real(v) * np.arange(1.0, 5.0) + np.real(dv * dv))\n")
    _pair("lmbda", 2.5, 0.3, 2.5, shapes=("float",))
    _pair("lmbda", 1.0, 0.3, 2.5, shapes=("float",))
    # Mathieu functions (cem and sem in degrees) and spheroidal wave functions.
    for _name in ("mathieu_cem", "mathieu_sem"):
        _pair(_name, "2, 1.5", 5.0, 85.0)
        _pair(_name, "1, 0.4", 100.0, 170.0, shapes=((3,),))
    for _name in ("mathieu_modcem1", "mathieu_modcem2", "mathieu_modsem1", "mathieu_modsem2"):
        _pair(_name, "2, 1.5", 0.2, 1.2)
    for _fam in ("pro", "obl"):
        _cv = float(getattr(sp, f"{_fam}_cv")(1, 3, 1.2))
        _pair(f"{_fam}_ang1", "1, 3, 1.2", -0.8, 0.8)
        _pair(f"{_fam}_ang1_cv", f"1, 3, 1.2, {_cv!r}", -0.8, 0.8, shapes=((3,),))
        _pair(f"{_fam}_rad1", "1, 3, 1.2", 1.2, 2.5)
        _pair(f"{_fam}_rad1_cv", f"1, 3, 1.2, {_cv!r}", 1.2, 2.5, shapes=((3,),))
