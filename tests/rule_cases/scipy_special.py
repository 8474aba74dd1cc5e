"""Cases for templates/scipy_special.py (none without SciPy).

The case functions live in modules that import only ``math`` and ``np``, so :func:`add_scipy`
hands them ``scipy`` as a global (``names``).  autograd spells these functions differently
(``autograd.scipy.special``): tests/rules/test_scipy_against_autograd.py compares with it.
"""
import numpy as np

from rule_cases import add, values

try:
    import scipy.special
    import scipy.stats
except ImportError:  # SciPy is optional: no cases
    scipy = None


def add_scipy(case_id, covers, expr, params, **kw):
    """:func:`rule_cases.add` for an expression that uses ``scipy`` (no autograd reference)."""
    return add(case_id, covers, expr, params, autograd=False, names={"scipy": scipy}, **kw)


SHAPES = ("float", (), (3,), (2, 3), (2, 1, 3))
# Cases mixing a Python float with float32 arrays skip the float32 check: a NumPy or SciPy
# function of a Python float gives a float64 scalar, which promotes float32 (NEP 50).


def _unary(name, low, high, shapes=SHAPES, expr=None, tag="", signed=False):
    """Cases of ``scipy.special.<name>(x)`` (or ``expr``) for x in [low, high] (times a random
    sign if ``signed``), second order included."""
    prim = getattr(scipy.special, name)
    for shape in shapes:
        case_id = f"{name}{tag}-{shape}"
        add_scipy(case_id, prim, expr or f"scipy.special.{name}(x)",
                  {"x": values(case_id, shape, low, high, signed)}, second_order=True)


if scipy is not None:
    from tangentlike.runtime.special import polygamma_like

    sp = scipy.special
    # Error functions, logistic.
    _unary("erf", -2, 2)
    _unary("erfc", -2, 2)
    _unary("erfinv", -0.9, 0.9)
    _unary("erfcinv", 0.1, 1.9)
    _unary("expit", -4, 4)
    _unary("logit", 0.1, 0.9)
    # Gamma family: away from the poles at 0, -1, ...
    _unary("gamma", 0.5, 3)
    _unary("gamma", -0.8, -0.2, shapes=((3,),), tag="-negative")
    _unary("gammaln", 0.5, 4)
    _unary("gammaln", -1.8, -1.2, shapes=((2, 3),), tag="-negative")
    _unary("digamma", 0.5, 4)
    _unary("psi", 0.5, 4, shapes=((4,),), expr="scipy.special.psi(x) ** 2")
    for _shape in ("float", (3,), (2, 3)):
        for _n in (0, 1, 2):
            _id = f"polygamma-{_n}-{_shape}"
            add_scipy(_id, (sp.polygamma, polygamma_like), f"scipy.special.polygamma({_n}, x)",
                      {"x": values(_id, _shape, 0.5, 3)}, second_order=True, float32=False)
    # (scipy.special.polygamma itself computes in float64: no float32 case.)
    _id = "polygamma-orders"
    add_scipy(_id, sp.polygamma, "scipy.special.polygamma(n, x)",
              {"n": np.array([0, 1, 3]), "x": values(_id, (2, 3), 0.5, 3)}, second_order=True,
              float32=False)
    # Orders broadcasting a scalar x: the derivative is summed back to x's shape.
    _id = "polygamma-orders-scalar-x"
    add_scipy(_id, sp.polygamma, "scipy.special.polygamma(n, x)",
              {"n": np.array([0, 1, 2]), "x": values(_id, "float", 0.5, 3)}, second_order=True,
              float32=False)
    for _name in ("beta", "betaln"):
        for _sa, _sb in [("float", "float"), ((3,), (3,)), ((2, 3), (3,)), ((), (2, 3)),
                         ((3, 1), (1, 4)), ("float", (2, 2))]:
            _id = f"{_name}-{_sa}-{_sb}"
            add_scipy(_id, getattr(sp, _name), f"scipy.special.{_name}(a, b)",
                      {"a": values(_id + "a", _sa, 0.5, 3), "b": values(_id + "b", _sb, 0.5, 3)},
                      second_order=True, float32=_sa != "float")
    # x log y, x log(1 + y), with broadcasting; x = 0 gives 0 (its derivative in y is 0).
    for _name, _low in (("xlogy", 0.2), ("xlog1py", -0.8)):
        for _sx, _sy in [("float", "float"), ((3,), (3,)), ((2, 3), (3,)), ((), (2, 3)),
                         ((3, 1), (1, 4)), ((4,), "float")]:
            _id = f"{_name}-{_sx}-{_sy}"
            add_scipy(_id, getattr(sp, _name), f"scipy.special.{_name}(x, y)",
                      {"x": values(_id + "x", _sx, -2, 2), "y": values(_id + "y", _sy, _low, 3)},
                      second_order=True, float32=_sy != "float")
        _id = f"{_name}-zero-x"
        add_scipy(_id, getattr(sp, _name), f"scipy.special.{_name}(x * 0.0, y)",
                  {"x": values(_id + "x", (3,)), "y": values(_id + "y", (3,), 0.5, 2)})
    # Bessel functions, away from 0 (the closed forms of i1, i1e, j1, y1 divide by x).
    for _name in ("i0", "i1", "i0e", "i1e", "j0", "j1"):
        _unary(_name, 0.2, 3, signed=True)
    _unary("y0", 0.2, 4)
    _unary("y1", 0.2, 4)

    # logsumexp: every axis, keepdims, the weights b.
    for _shape, _args in [("float", ""), ((), ""), ((4,), ""), ((2, 3), ""), ((2, 3), ", 0"),
                          ((2, 3), ", axis=1"), ((2, 3), ", axis=-1, keepdims=True"),
                          ((2, 3, 4), ", axis=(0, 2)"), ((2, 3, 4), ", (2, 0), keepdims=True"),
                          ((2, 3, 4), ", keepdims=True"), ((2, 3, 4), ", axis=1")]:
        _id = f"logsumexp-{_shape}{_args}"
        add_scipy(_id, sp.logsumexp, f"scipy.special.logsumexp(x{_args})",
                  {"x": values(_id, _shape, -3, 3)}, second_order=True)
    for _shape, _sb, _args in [((4,), (4,), ""), ((2, 3), (2, 3), ", axis=0"),
                               ((2, 3), (3,), ", axis=1, keepdims=True"),
                               ((2, 3, 4), (3, 1), ", axis=(0, 2)"), ((3,), "float", "")]:
        _id = f"logsumexp-b-{_shape}-{_sb}{_args}"
        add_scipy(_id, sp.logsumexp, f"scipy.special.logsumexp(x{_args}, b=b)",
                  {"x": values(_id, _shape, -3, 3), "b": values(_id + "b", _sb, 0.5, 2)},
                  second_order=True)
    _id = "logsumexp-large"
    add_scipy(_id, sp.logsumexp, "scipy.special.logsumexp(x * 400.0, axis=0)",
              {"x": values(_id, (3, 2), 1, 2)})
    # softmax, log_softmax: every axis.
    for _name in ("softmax", "log_softmax"):
        for _shape, _args in [("float", ""), ((4,), ""), ((2, 3), ""), ((2, 3), ", 0"),
                              ((2, 3), ", axis=-1"), ((2, 3, 4), ", axis=(0, 2)"),
                              ((2, 3, 4), ", axis=1")]:
            _id = f"{_name}-{_shape}{_args}"
            add_scipy(_id, getattr(sp, _name), f"scipy.special.{_name}(x{_args})",
                      {"x": values(_id, _shape, -3, 3)}, second_order=True)
