"""Cases for templates/scipy_special_rest.py (none without SciPy).

As in ``scipy_special_more.py``, the expressions use ``scipy`` (a global given by ``_case``);
order and shape parameters are literals (their derivatives are refused, which
tests/rules/test_scipy_special_rest.py checks).  autograd has none of these functions.
"""
from rule_cases import add, values

try:
    import scipy.special
except ImportError:  # SciPy is optional: no cases
    scipy = None

SHAPES = ("float", (3,), (2, 3))


def _case(case_id, covers, expr, params, **kw):
    return add(case_id, covers, expr, params, autograd=False, names={"scipy": scipy}, **kw)


def _in_x(name, params, low, high, shapes=SHAPES, float32=True, second_order=True,
          expr="scipy.special.{name}({params}, x)", covers=()):
    """Cases of ``scipy.special.<name>(params, x)`` (literal parameters) for x in [low, high]."""
    prim = getattr(scipy.special, name)
    for shape in shapes:
        case_id = f"special-{name}-{params}-{shape}".replace(" ", "")
        _case(case_id, (prim, *covers), expr.format(name=name, params=params),
              {"x": values(case_id, shape, low, high)}, second_order=second_order,
              float32=float32 and shape != "float")


if scipy is not None:
    from tangentlike.runtime.special_more import in_dtype_of

    sp = scipy.special
    # Orthogonal polynomials in x, degree 0 (derivative 0), 1 and 4; Legendre of degree 2.5.
    # (SciPy computes them in float64 for an integer n: no float32 check.)
    for _n in (0, 1, 4):
        _in_x("eval_legendre", _n, -0.9, 0.9, float32=False)
        _in_x("eval_sh_legendre", _n, 0.05, 0.95, float32=False)
        _in_x("eval_chebyt", _n, -0.9, 0.9, float32=False)
        _in_x("eval_chebyu", _n, -0.9, 0.9, float32=False)
        _in_x("eval_chebyc", _n, -1.8, 1.8, float32=False)
        _in_x("eval_chebys", _n, -1.8, 1.8, float32=False)
        _in_x("eval_sh_chebyt", _n, 0.05, 0.95, float32=False)
        _in_x("eval_sh_chebyu", _n, 0.05, 0.95, float32=False)
        _in_x("eval_hermite", _n, -2, 2, float32=False)
        _in_x("eval_hermitenorm", _n, -2, 2, float32=False)
        _in_x("eval_laguerre", _n, 0.1, 3, float32=False)
        _in_x("eval_genlaguerre", f"{_n}, 0.7", 0.1, 3, float32=False)
        _in_x("eval_gegenbauer", f"{_n}, 0.7", -0.9, 0.9, float32=False)
        _in_x("eval_jacobi", f"{_n}, 0.5, 1.5", -0.9, 0.9, float32=False)
        _in_x("eval_sh_jacobi", f"{_n}, 2.5, 1.5", 0.05, 0.95, float32=False)
    _in_x("eval_legendre", 2.5, -0.9, 0.9, shapes=((3,),), float32=False)
    # Distribution functions in their continuous argument (k, n truncated; literal dfs).
    # SciPy computes bdtr and nbdtr in float64 (and warns of float k in float32): no float32.
    for _name, _params, _low, _high in (("bdtr", "2, 6", 0.1, 0.9), ("bdtrc", "3, 6", 0.1, 0.9),
                                        ("bdtri", "2, 6", 0.1, 0.9),
                                        ("nbdtr", "2, 3", 0.1, 0.9),
                                        ("nbdtrc", "1, 4", 0.1, 0.9),
                                        ("nbdtri", "2, 3", 0.1, 0.9),
                                        ("fdtr", "3.0, 4.5", 0.2, 3),
                                        ("fdtrc", "2.5, 5.0", 0.2, 3),
                                        ("fdtri", "3.0, 4.5", 0.1, 0.9)):
        _in_x(_name, _params, _low, _high, covers=(in_dtype_of,), float32=_name[0] == "f")
    for _lmbda in (0.0, 0.4, 1.5, -0.3):
        _in_x("tklmbda", _lmbda, -0.6, 0.6, expr="scipy.special.{name}(x, {params})")
    # Elliptic integrals: both arguments differentiated.
    for _sa, _sb in (("float", "float"), ((3,), (3,)), ((2, 3), (3,))):
        for _name, _lm, _hm in (("ellipkinc", -0.8, 0.9), ("ellipeinc", 0.1, 0.9)):
            _id = f"special-{_name}-{_sa}-{_sb}"
            _case(_id, getattr(sp, _name), f"scipy.special.{_name}(phi, m)",
                  {"phi": values(_id + "p", _sa, -1.4, 1.4), "m": values(_id + "m", _sb, _lm, _hm)},
                  second_order=True, float32=_sa != "float")
        _id = f"special-elliprc-{_sa}-{_sb}"
        _case(_id, sp.elliprc, "scipy.special.elliprc(x, y)",
              {"x": values(_id + "x", _sa, 0.2, 1.0), "y": values(_id + "y", _sb, 1.3, 2.5)},
              second_order=True, float32=_sa != "float")
        _id = f"special-elliprf-{_sa}-{_sb}"
        _case(_id, sp.elliprf, "scipy.special.elliprf(x, y, z)",
              {"x": values(_id + "x", _sa, 0.2, 1.0), "y": values(_id + "y", _sb, 1.3, 2.5),
               "z": values(_id + "z", "float", 0.5, 2.0)}, float32=_sa != "float")
    _id = "special-elliprc-negative-y"
    _case(_id, sp.elliprc, "scipy.special.elliprc(x, y)",
          {"x": values(_id + "x", (3,), 0.2, 2.0), "y": values(_id + "y", (3,), -2.0, -0.5)},
          second_order=True)
    # (The quadrature rules of an integer order alone are constants: no case;
    # tests/rules/test_scipy_special_rest.py differentiates through one.)
    # Complex results of a real argument, ending in a real loss.
    for _shape in SHAPES:
        _id = f"special-lambertw-{_shape}"
        _case(_id, sp.lambertw, "np.real(scipy.special.lambertw(x))",
              {"x": values(_id, _shape, 0.1, 3.0)}, second_order=True, float32=False)
        _id = f"special-lambertw-branch-{_shape}"
        _case(_id, sp.lambertw, "np.real(scipy.special.lambertw(x, -1))",
              {"x": values(_id, _shape, -0.3, -0.05)}, second_order=True, float32=False)
        _id = f"special-wofz-{_shape}"
        _case(_id, sp.wofz, "np.real(scipy.special.wofz(x)) + 2.0 * np.imag(scipy.special.wofz(x))",
              {"x": values(_id, _shape, -2.0, 2.0)}, second_order=True, float32=False)
    for _sx, _ss, _sg in (("float", "float", "float"), ((3,), (3,), (3,)),
                          ((2, 3), (3,), "float")):
        _id = f"special-voigt_profile-{_sx}-{_ss}-{_sg}"
        _case(_id, sp.voigt_profile, "scipy.special.voigt_profile(x, sigma, gamma)",
              {"x": values(_id + "x", _sx, -2.0, 2.0), "sigma": values(_id + "s", _ss, 0.5, 1.5),
               "gamma": values(_id + "g", _sg, 0.3, 1.2)}, second_order=True,
              float32=_sg != "float")
    # Airy functions: four results, used whole or unpacked.
    for _shape in SHAPES:
        _id = f"special-airy-{_shape}"
        _case(_id, sp.airy, None, {"x": values(_id, _shape, -2.0, 1.5)}, second_order=True,
              float32=_shape != "float",
              body="    ai, aip, bi, bip = scipy.special.airy(x)\n"
                   "    return np.sum(ai * 2.0 + aip * aip + bi * 0.5 - bip)\n")
        _id = f"special-itairy-{_shape}"
        _case(_id, sp.itairy, None, {"x": values(_id, _shape, -1.5, 1.5)}, second_order=True,
              float32=False,
              body="    a, b, c, e = scipy.special.itairy(x)\n"
                   "    return np.sum(a * 2.0 + b * b + c * 0.5 - e)\n")
    _id = "special-airy-one"
    _case(_id, sp.airy, "scipy.special.airy(x)[1]", {"x": values(_id, (3,), -2.0, 1.5)})
    # Hankel functions of a real argument, ending in a real loss.
    for _name in ("hankel1", "hankel2", "hankel1e", "hankel2e", "h1vp", "h2vp"):
        for _v in (0.5, 2):
            _in_x(_name, _v, 0.5, 3.0, float32=False,
                  expr="np.real({name}) + 2.0 * np.imag({name})".replace(
                      "{name}", "scipy.special.{name}({params}, x)"))
    _in_x("h1vp", "1.5, x, 2", 0.5, 3.0, shapes=((3,),), float32=False,
          expr="np.imag(scipy.special.{name}({params}))")
    # modfresnelp, modfresnelm and kelvin: complex results of a real x, unpacked.
    for _shape in SHAPES:
        for _name in ("modfresnelp", "modfresnelm"):
            _id = f"special-{_name}-{_shape}"
            _case(_id, getattr(sp, _name), None, {"x": values(_id, _shape, 0.2, 2.0)},
                  second_order=True, float32=False,
                  body=f"    f, k = scipy.special.{_name}(x)\n"
                       "    return np.sum(np.real(f) + 2.0 * np.imag(f) - np.real(k * k))\n")
        _id = f"special-kelvin-{_shape}"
        _case(_id, sp.kelvin, None, {"x": values(_id, _shape, 0.3, 2.5)}, second_order=True,
              float32=False,
              body="    be, ke, bep, kep = scipy.special.kelvin(x)\n"
                   "    return np.sum(np.real(be) + np.imag(ke) * 2.0 - np.real(bep * kep))\n")
    # Riccati-Bessel functions of a scalar x (arrays of orders 0..n), lpmv in x.
    for _name in ("riccati_jn", "riccati_yn"):
        _id = f"special-{_name}"
        _case(_id, getattr(sp, _name), None, {"x": values(_id, "float", 0.5, 2.5)},
              second_order=True, float32=False,
              body=f"    s, sp = scipy.special.{_name}(3, x)\n"
                   "    return np.sum(s * np.array([1.0, 2.0, 0.5, 1.5]) + sp * sp)\n")
    for _mv in ("1, 2.5", "0, 3", "2, 2"):
        _in_x("lpmv", _mv, -0.9, 0.9)
