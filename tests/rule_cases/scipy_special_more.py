"""Cases for templates/scipy_special_more.py (none without SciPy).

As in ``scipy_special.py``, the expressions use ``scipy`` (a global given by ``_case``).  The
functions autograd has too (``gammainc``, ``gammaincc``, ``iv``, ``ive``, ``jn``, ``yn``,
``rgamma``, ``multigammaln``) are compared with it in
tests/rules/test_scipy_against_autograd.py.  Order and shape parameters are literals (or
integer arrays): their derivatives are refused, which tests/rules/test_scipy_special_more.py
checks.
"""
import numpy as np

from rule_cases import add, values

try:
    import scipy.special
except ImportError:  # SciPy is optional: no cases
    scipy = None


def _case(case_id, covers, expr, params, **kw):
    """:func:`rule_cases.add` for an expression that uses ``scipy`` (the autograd references
    are in tests/rules/test_scipy_against_autograd.py)."""
    return add(case_id, covers, expr, params, autograd=False, names={"scipy": scipy}, **kw)


SHAPES = ("float", (3,), (2, 3))


def _unary(name, low, high, shapes=SHAPES, expr=None, tag="", signed=False, float32=True,
           second_order=True, rtol=1e-5):
    """Cases of ``scipy.special.<name>(x)`` (or ``expr``) for x in [low, high]."""
    prim = getattr(scipy.special, name)
    for shape in shapes:
        case_id = f"special-{name}{tag}-{shape}"
        _case(case_id, prim, expr or f"scipy.special.{name}(x)",
              {"x": values(case_id, shape, low, high, signed)}, second_order=second_order,
              float32=float32 and shape != "float", rtol=rtol)


def _binary(name, low_a, high_a, low_b, high_b, expr=None, tag="", float32=True,
            second_order=True, shapes=(("float", "float"), ((3,), (3,)), ((2, 3), (3,)),
                                       ((3, 1), (1, 4)))):
    """Cases of ``scipy.special.<name>(a, b)`` (or ``expr``), both differentiated."""
    prim = getattr(scipy.special, name)
    for sa, sb in shapes:
        case_id = f"special-{name}{tag}-{sa}-{sb}"
        _case(case_id, prim, expr or f"scipy.special.{name}(a, b)",
              {"a": values(case_id + "a", sa, low_a, high_a),
               "b": values(case_id + "b", sb, low_b, high_b)},
              second_order=second_order, float32=float32 and "float" not in (sa, sb))


def _in_x(name, params, expr, low, high, shapes=SHAPES, tag="", float32=True, signed=False):
    """Cases of ``expr`` (a call of scipy.special.<name> with literal parameters ``params``
    and the differentiated x in [low, high])."""
    prim = getattr(scipy.special, name)
    for shape in shapes:
        case_id = f"special-{name}{tag}-{params}-{shape}"
        _case(case_id, (prim, in_dtype_of), expr.format(params),
              {"x": values(case_id, shape, low, high, signed)}, second_order=True,
              float32=float32 and shape != "float")


if scipy is not None:
    from tangentlike.runtime.special_more import in_dtype_of, multipolygamma

    sp = scipy.special
    # Powers, exponentials, logarithms, degrees.
    _unary("cbrt", 0.3, 2, signed=True)
    _unary("exp10", -1, 1)
    _unary("exp2", -2, 2)
    _unary("expm1", -2, 2)
    _unary("log1p", -0.5, 2)
    _unary("cosm1", -3, 3)
    _unary("exprel", 0.2, 2, signed=True)
    _unary("cosdg", -200, 200)
    _unary("sindg", -200, 200)
    _unary("tandg", -80, 80)
    _unary("cotdg", 10, 170)
    for _shape in ("float", (3,)):
        _id = f"special-radian-{_shape}"
        _case(_id, sp.radian, "scipy.special.radian(a, b, c)",
              {"a": values(_id + "a", _shape, -90, 90), "b": values(_id + "b", _shape, 0, 60),
               "c": values(_id + "c", _shape, 0, 60)}, second_order=True,
              float32=_shape != "float")
    _id = "special-radian-broadcast"
    _case(_id, sp.radian, "scipy.special.radian(a, b, c)",
          {"a": values(_id + "a", (2, 3), -90, 90), "b": values(_id + "b", (3,), 0, 60),
           "c": values(_id + "c", "float", 0, 60)}, float32=False)
    _binary("powm1", 0.5, 2, -2, 2)
    # Logistic family, entropies, losses, Box-Cox.
    _unary("log_expit", -4, 4)
    _unary("softplus", -4, 4)
    _unary("entr", 0.1, 2)
    _binary("rel_entr", 0.1, 2, 0.1, 2)
    _binary("kl_div", 0.1, 2, 0.1, 2)
    # huber(delta, r): r on both sides of delta (away from the kink |r| = delta).
    for _name in ("huber", "pseudo_huber"):
        for _sd, _sr in [("float", (4,)), ((3,), (3,)), ((2, 1), (2, 3))]:
            _id = f"special-{_name}-{_sd}-{_sr}"
            _r = np.asarray(values(_id + "r", _sr, 0.2, 3, signed=True))
            _delta = values(_id + "d", _sd, 0.5, 1.5)
            _r = np.where(np.abs(np.abs(_r) - np.max(_delta)) < 0.1, _r + 0.3, _r)
            _r = np.where(np.abs(np.abs(_r) - np.min(_delta)) < 0.1, _r + 0.3, _r)
            _case(_id, getattr(sp, _name), f"scipy.special.{_name}(delta, r)",
                  {"delta": _delta, "r": _r}, second_order=True, float32=_sd != "float")
    _binary("boxcox", 0.5, 2, -1.5, 1.5)
    _binary("boxcox1p", -0.5, 2, -1.5, 1.5)
    _binary("inv_boxcox", 0.1, 1.5, 0.2, 1.5)
    _binary("inv_boxcox1p", 0.1, 1.5, 0.2, 1.5)
    _unary("wrightomega", -2, 3)
    for _n in (3, 4):
        _in_x("diric", _n, "scipy.special.diric(x, {})", 0.3, 3, float32=False)
    # Error functions and relatives.
    _unary("erfcx", -1, 3)
    _unary("erfi", -1.5, 1.5)
    _unary("dawsn", -3, 3)
    for _shape in ("float", (3,), (2, 3)):
        _id = f"special-fresnel-{_shape}"
        _case(_id, sp.fresnel, "scipy.special.fresnel(x)[0] * scipy.special.fresnel(x)[1]",
              {"x": values(_id, _shape, -2, 2)}, second_order=True, float32=_shape != "float")
    _id = "special-fresnel-unpacked"
    _case(_id, sp.fresnel, None, {"x": values(_id, (3,), -2, 2)},
          body="    s, c = scipy.special.fresnel(x)\n    return np.sum(s * 2.0 + c * c)\n")
    _id = "special-fresnel-one"
    _case(_id, sp.fresnel, "scipy.special.fresnel(x)[1]", {"x": values(_id, (3,), -2, 2)})
    # Gamma functions.
    _unary("loggamma", 0.5, 4)
    _unary("rgamma", 0.5, 3)
    _unary("rgamma", -0.9, -0.1, shapes=((3,),), tag="-negative")
    _unary("factorial", 0.2, 4, float32=False)  # SciPy computes arrays in float64
    _unary("factorial", -0.9, -0.1, shapes=((3,),), tag="-negative", float32=False)
    _binary("poch", 0.5, 3, -0.4, 2)
    _binary("binom", 3, 6, 0.5, 2.5)
    for _dim in (1, 3):
        for _shape in ("float", (3,)):
            _id = f"special-multigammaln-{_dim}-{_shape}"
            _case(_id, (sp.multigammaln, multipolygamma),
                  f"scipy.special.multigammaln(a, {_dim})", {"a": values(_id, _shape, 2, 4)},
                  second_order=True, float32=False)
    # Exponential integrals.
    _unary("expi", 0.3, 2, signed=True)
    _unary("exp1", 0.2, 2)
    for _n in (0, 1, 3):
        _in_x("expn", _n, "scipy.special.expn({}, x)", 0.2, 2, float32=False)
    _id = "special-expn-orders"
    _case(_id, sp.expn, "scipy.special.expn(n, x)",
          {"n": np.array([1, 2, 5]), "x": values(_id, (2, 3), 0.2, 2)}, second_order=True,
          float32=False)
    for _name in ("sici", "shichi"):
        for _shape in ("float", (3,), (2, 3)):
            _id = f"special-{_name}-{_shape}"
            _case(_id, getattr(sp, _name),
                  f"scipy.special.{_name}(x)[0] * scipy.special.{_name}(x)[1]",
                  {"x": values(_id, _shape, 0.3, 3)}, second_order=True,
                  float32=_shape != "float")
        _id = f"special-{_name}-unpacked"
        _case(_id, getattr(sp, _name), None, {"x": values(_id, (3,), 0.3, 3)},
              body=f"    s, c = scipy.special.{_name}(x)\n    return np.sum(s + c * c)\n")
    _unary("spence", 0.1, 0.9)
    _unary("spence", 1.2, 3, shapes=((3,),), tag="-above-1")
    for _sx, _sq in [("float", "float"), ((3,), (3,)), ((2, 3), (3,))]:
        _id = f"special-zeta-{_sx}-{_sq}"
        _case(_id, sp.zeta, "scipy.special.zeta(3.5, q) + scipy.special.zeta(2.0 + 0 * x, q)",
              {"x": values(_id + "x", _sx, 0, 1), "q": values(_id + "q", _sq, 0.5, 3)},
              wrt=(1,), second_order=True, float32=False)
    # Bessel functions.
    _unary("k0", 0.2, 3)
    _unary("k1", 0.2, 3)
    _unary("k0e", 0.2, 3)
    _unary("k1e", 0.2, 3)
    for _name, _low, _signed in (("jv", 0.2, True), ("jve", 0.2, True), ("yv", 0.3, False),
                                 ("yve", 0.3, False), ("iv", 0.2, False),
                                 ("ive", 0.2, True), ("kv", 0.2, False), ("kve", 0.2, False)):
        for _v in (0, 1.5):
            _in_x(_name, _v, f"scipy.special.{_name}({{}}, x)", _low, 3, signed=_signed
                  and _v == 0)
    for _name in ("yn", "kn"):
        for _n in (0, 2):
            _in_x(_name, _n, f"scipy.special.{_name}({{}}, x)", 0.3, 3, float32=False)
    _id = "special-jv-orders"
    _case(_id, sp.jv, "scipy.special.jv(v, x)",
          {"v": np.array([0, 1, 3]), "x": values(_id, (2, 3), 0.2, 3)}, second_order=True,
          float32=False)
    _id = "special-jn-alias"
    _case(_id, sp.jv, "scipy.special.jn(2, x) * x", {"x": values(_id, (3,), 0.2, 3)},
          second_order=True)
    for _name in ("jvp", "yvp", "ivp", "kvp"):
        for _args in ("1, x", "0.5, x, 2"):
            _id = f"special-{_name}-{_args}"
            _case(_id, getattr(sp, _name), f"scipy.special.{_name}({_args})",
                  {"x": values(_id, (3,), 0.3, 3)}, second_order=True, float32=False)
    for _name in ("struve", "modstruve"):
        for _v in (0, 1.5):
            _in_x(_name, _v, f"scipy.special.{_name}({{}}, x)", 0.3, 3, float32=False)
    for _name in ("itstruve0", "it2struve0", "itmodstruve0"):
        _unary(_name, 0.3, 3)
    for _name in ("iti0k0", "itj0y0", "it2i0k0", "it2j0y0"):
        for _shape in ("float", (3,), (2, 3)):
            _id = f"special-{_name}-{_shape}"
            _case(_id, getattr(sp, _name),
                  f"scipy.special.{_name}(x)[0] * scipy.special.{_name}(x)[1]",
                  {"x": values(_id, _shape, 0.3, 3)}, second_order=True,
                  float32=_shape != "float")
    for _name in ("ber", "bei", "berp", "beip", "ker", "kei", "kerp", "keip"):
        _unary(_name, 0.3, 4)
    for _name in ("spherical_jn", "spherical_yn", "spherical_in", "spherical_kn"):
        for _args in ("0, x", "2, x", "1, x, True", "2, x, derivative=True"):
            _id = f"special-{_name}-{_args}"
            _case(_id, getattr(sp, _name), f"scipy.special.{_name}({_args})",
                  {"x": values(_id, (3,), 0.3, 3)}, second_order=True, float32=False)
    # Integer parameters broadcasting a smaller x: the derivative is summed back to x's shape.
    for _name, _expr, _shape, _low, _high in (
            ("pdtr", "scipy.special.pdtr(n, x)", "float", 0.5, 4),
            ("pdtrc", "scipy.special.pdtrc(n, x)", (1,), 0.5, 4),
            ("pdtri", "scipy.special.pdtri(n, x)", "float", 0.1, 0.9),
            ("spherical_jn", "scipy.special.spherical_jn(n, x)", "float", 0.3, 3),
            ("spherical_kn", "scipy.special.spherical_kn(n, x, True)", (1,), 0.3, 3),
            ("diric", "scipy.special.diric(x, n + 2)", "float", 0.3, 3),
            ("jv", "scipy.special.jv(n, x)", "float", 0.3, 3),
            ("expn", "scipy.special.expn(n, x)", (1,), 0.3, 3)):
        _id = f"special-{_name}-broadcast-n-{_shape}"
        _case(_id, getattr(sp, _name), _expr,
              {"n": np.array([[0, 1, 2], [2, 3, 1]]), "x": values(_id, _shape, _low, _high)},
              second_order=True, float32=False)
    # Distribution functions and their inverses.
    _unary("ndtr", -3, 3)
    _unary("log_ndtr", -5, 3)
    _unary("ndtri", 0.05, 0.95)
    _unary("ndtri_exp", -4, -0.1)
    for _name, _a, _low, _high in (("gammainc", 2.5, 0.2, 4), ("gammainc", 1.0, 0.2, 4),
                                   ("gammaincc", 0.7, 0.2, 4),
                                   ("gammaincinv", 2.5, 0.05, 0.95),
                                   ("gammainccinv", 0.7, 0.05, 0.95),
                                   ("stdtr", 3.0, -3, 3), ("stdtrit", 4.5, 0.05, 0.95),
                                   ("chdtr", 3.0, 0.2, 5), ("chdtrc", 5.0, 0.2, 5),
                                   ("chdtri", 3.0, 0.05, 0.95), ("pdtr", 3, 0.5, 5),
                                   ("pdtrc", 2.7, 0.5, 5)):
        _in_x(_name, _a, f"scipy.special.{_name}({{}}, x)", _low, _high,
              float32=not _name.startswith("gammainc"))
    for _name, _low, _high in (("betainc", 0.05, 0.95), ("betaincc", 0.05, 0.95),
                               ("betaincinv", 0.05, 0.95), ("betainccinv", 0.05, 0.95)):
        for _ab in ("2.5, 1.5", "0.7, 3.0"):
            _in_x(_name, _ab, f"scipy.special.{_name}({{}}, x)", _low, _high)
    for _name in ("gdtr", "gdtrc"):
        for _sa, _sx in [("float", "float"), ((3,), (3,)), ((2, 3), (3,))]:
            _id = f"special-{_name}-{_sa}-{_sx}"
            _case(_id, getattr(sp, _name), f"scipy.special.{_name}(a, 2.5, x)",
                  {"a": values(_id + "a", _sa, 0.5, 2), "x": values(_id + "x", _sx, 0.2, 3)},
                  second_order=True, float32=_sa != "float" and _sx != "float")
    for _sa, _sp in [("float", "float"), ((3,), (3,)), ((2, 3), (3,))]:
        _id = f"special-gdtrix-{_sa}-{_sp}"
        _case(_id, (sp.gdtrix, in_dtype_of), "scipy.special.gdtrix(a, 2.5, p)",
              {"a": values(_id + "a", _sa, 0.5, 2), "p": values(_id + "p", _sp, 0.1, 0.9)},
              second_order=True, float32=_sa != "float" and _sp != "float")
        _id = f"special-gdtria-{_sa}-{_sp}"
        _case(_id, (sp.gdtria, in_dtype_of), "scipy.special.gdtria(p, 2.5, x)",
              {"p": values(_id + "p", _sp, 0.1, 0.9), "x": values(_id + "x", _sa, 0.5, 3)},
              second_order=True, float32=_sa != "float" and _sp != "float")
    _in_x("pdtri", 3, "scipy.special.pdtri({}, x)", 0.1, 0.9, float32=False)
    _in_x("pdtri", 0, "scipy.special.pdtri({}, x)", 0.1, 0.9, float32=False)
    _binary("owens_t", -2, 2, -2, 2)
    # Hypergeometric functions and complete elliptic integrals.
    _in_x("hyp0f1", 1.5, "scipy.special.hyp0f1({}, x)", -2, 2)
    _in_x("hyp1f1", "0.5, 1.5", "scipy.special.hyp1f1({}, x)", -2, 2)
    _in_x("hyp2f1", "0.5, 1.5, 2.5", "scipy.special.hyp2f1({}, x)", -0.8, 0.8, float32=False)
    _in_x("hyperu", "0.5, 1.5", "scipy.special.hyperu({}, x)", 0.3, 3)
    _unary("ellipk", 0.05, 0.95)
    _unary("ellipe", 0.05, 0.95)
    _unary("ellipkm1", 0.05, 0.95)
