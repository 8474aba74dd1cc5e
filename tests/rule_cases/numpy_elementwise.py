"""Cases for templates/numpy_elementwise.py: NumPy's elementwise functions.

Every case checks second derivatives too.  Inputs lie inside each function's domain and away
from its kinks, jumps and ties (``_away``), except the cases that test a tie or a NaN on
purpose.
"""
import numpy as np

from rule_cases import add, shape_id, values
from tangentlike.runtime.elementwise import (
    abs_direction,
    pow_log,
    sign_adjoint,
    sign_tangent,
    sinc_derivative,
)

SHAPES = ("float", (), (3,), (2, 3), (2, 3, 4))
PAIR_SHAPES = (  # the operand shapes of the binary functions
    ("float", "float"), ((), ()), ((3,), (3,)), ((3, 1), (1, 4)), ((4,), (3, 4)),
    ("float", (3,)), ((), (2, 3)), ((2, 3, 4), (3, 1)),
)


def _away(case_id, shape, low, high, signed=False, avoid=(), gap=0.05):
    """Values as ``values`` gives, drawn again until every element is ``gap`` away from each
    point of ``avoid``."""
    for attempt in range(100):
        v = values(f"{case_id}/{attempt}", shape, low, high, signed)
        if all(np.all(np.abs(np.asarray(v) - p) > gap) for p in avoid):
            return v
    raise AssertionError(f"no values away from {avoid} for {case_id}")


def _pair(case_id, sx, sy, low, high, signed=False, avoid=None, gap=0.05):
    """Two operands; ``avoid(x, y)`` is a distance to a kink that must exceed ``gap``."""
    for attempt in range(200):
        x = values(f"{case_id}/x/{attempt}", sx, low[0], high[0], signed[0] if
                   isinstance(signed, tuple) else signed)
        y = values(f"{case_id}/y/{attempt}", sy, low[1], high[1], signed[1] if
                   isinstance(signed, tuple) else signed)
        if avoid is None or np.all(avoid(np.asarray(x), np.asarray(y)) > gap):
            return x, y
    raise AssertionError(f"no operands away from the kinks for {case_id}")


# Unary functions: name -> (expression, low, high, signed, points to avoid, autograd's
# expression (True: the same; False: none)).
UNARY = {
    "sin": ("np.sin(x)", -2, 2, False, (), True),
    "cos": ("np.cos(x)", -2, 2, False, (), True),
    "tan": ("np.tan(x)", -1.2, 1.2, False, (), True),
    "arcsin": ("np.arcsin(x)", -0.9, 0.9, False, (), True),
    "arccos": ("np.arccos(x)", -0.9, 0.9, False, (), True),
    "arctan": ("np.arctan(x)", -3, 3, False, (), True),
    "sinh": ("np.sinh(x)", -2, 2, False, (), True),
    "cosh": ("np.cosh(x)", -2, 2, False, (), True),
    "tanh": ("np.tanh(x)", -2, 2, False, (), True),
    "arcsinh": ("np.arcsinh(x)", -3, 3, False, (), True),
    "arccosh": ("np.arccosh(x)", 1.2, 3, False, (), True),
    "arctanh": ("np.arctanh(x)", -0.8, 0.8, False, (), True),
    "exp": ("np.exp(x)", -2, 2, False, (), True),
    "exp2": ("np.exp2(x)", -2, 2, False, (), True),
    "expm1": ("np.expm1(x)", -2, 2, False, (), True),
    "log": ("np.log(x)", 0.3, 3, False, (), True),
    "log2": ("np.log2(x)", 0.3, 3, False, (), True),
    "log10": ("np.log10(x)", 0.3, 3, False, (), True),
    "log1p": ("np.log1p(x)", -0.7, 3, False, (), True),
    "sqrt": ("np.sqrt(x)", 0.3, 3, False, (), True),
    "cbrt": ("np.cbrt(x)", 0.3, 3, True, (), "np.sign(x) * np.abs(x) ** (1.0 / 3.0)"),
    "square": ("np.square(x)", -2, 2, False, (), True),
    "reciprocal": ("np.reciprocal(x)", 0.4, 2, True, (), True),
    "sinc": ("np.sinc(x)", -2.5, 2.5, False, (), True),
    "deg2rad": ("np.deg2rad(x) ** 2", -180, 180, False, (), True),
    "radians": ("np.radians(x) ** 2", -180, 180, False, (), True),
    "rad2deg": ("np.rad2deg(x) ** 2", -3, 3, False, (), True),
    "degrees": ("np.degrees(x) ** 2", -3, 3, False, (), True),
    "abs": ("np.abs(x) ** 3", 0.2, 2, True, (), True),
    "absolute": ("np.absolute(x) ** 3", 0.2, 2, True, (), True),
    "fabs": ("np.fabs(x) ** 3", 0.2, 2, True, (), True),
    "negative": ("np.negative(x) ** 3", -2, 2, False, (), True),
    "positive": ("np.positive(x) ** 3", -2, 2, False, (), "(x * 1.0) ** 3"),
    "nan_to_num": ("np.nan_to_num(x) ** 3", -2, 2, False, (), True),
    "clip": ("np.clip(x, -0.5, 0.8) ** 3", -1, 1, False, (-0.5, 0.8), True),
}
PRIMITIVES = {"abs": np.abs, "absolute": np.absolute, "radians": np.radians,
              "degrees": np.degrees, "nan_to_num": np.nan_to_num, "clip": np.clip}
for _name, (_expr, _low, _high, _signed, _avoid, _autograd) in UNARY.items():
    _prim = PRIMITIVES.get(_name) or getattr(np, _name)
    _covers = (_prim, sinc_derivative) if _name == "sinc" else _prim
    for _shape in SHAPES:
        _id = f"{_name}-{shape_id(_shape)}"
        add(_id, _covers, _expr, {"x": _away(_id, _shape, _low, _high, _signed, _avoid)},
            autograd=_autograd, second_order=True)
add("sin-cos-second", np.sin, "np.sin(x) * np.cos(x)", {"x": values("sc", (2, 3), -2, 2)},
    second_order=True)
# sinc at and near 0: its derivatives come from the Taylor series there (autograd: nan at 0).
add("sinc-at-zero", (np.sinc, sinc_derivative), "np.sinc(x)",
    {"x": np.array([0.0, 1e-9, -0.3, 0.9999, 1.0, -1.0, 2.0, 3.7])}, autograd=False,
    second_order=True)
add("sinc-times-square", (np.sinc, sinc_derivative), "", {"x": np.array([0.0, 0.4, -1.7])},
    body="    return np.sum(np.sinc(x) * x ** 2)\n", autograd=False, second_order=True)
add("sinc-float-zero", (np.sinc, sinc_derivative), "np.sinc(x) * x", {"x": 0.0},
    autograd=False, second_order=True)

# power, with the exponent differentiated and not, on the shapes that broadcast.
BINARY = {  # name -> (low, high, signed, distance to a kink, autograd's expression)
    "power": ((0.5, -2), (2, 2), False, None, True),
    "float_power": ((0.5, -2), (2, 2), False, None, "np.power(x, y)"),
    "arctan2": ((0.3, 0.3), (2, 2), True, None, True),
    "hypot": ((0.3, 0.3), (2, 2), True, None, True),
    "logaddexp": ((-2, -2), (2, 2), False, None, True),
    "logaddexp2": ((-2, -2), (2, 2), False, None, True),
    "maximum": ((-2, -2), (2, 2), False, lambda x, y: np.abs(x - y), True),
    "minimum": ((-2, -2), (2, 2), False, lambda x, y: np.abs(x - y), True),
    "fmax": ((-2, -2), (2, 2), False, lambda x, y: np.abs(x - y), True),
    "fmin": ((-2, -2), (2, 2), False, lambda x, y: np.abs(x - y), True),
    "mod": ((-3, 0.7), (3, 1.6), (False, True),
            lambda x, y: np.abs(x / y - np.round(x / y)), True),
    "remainder": ((-3, 0.7), (3, 1.6), (False, True),
                  lambda x, y: np.abs(x / y - np.round(x / y)), True),
    "fmod": ((-3, 0.7), (3, 1.6), (False, True),
             lambda x, y: np.abs(x / y - np.round(x / y)), "x - np.trunc(x / y) * y"),
}
for _name, (_low, _high, _signed, _kink, _autograd) in BINARY.items():
    _prim = getattr(np, _name)
    _covers = (_prim, pow_log) if "power" in _name else _prim
    _float32 = _name != "float_power"  # float_power computes in float64 by definition
    for _sx, _sy in PAIR_SHAPES:
        _id = f"{_name}-{shape_id(_sx)}-{shape_id(_sy)}"
        _x, _y = _pair(_id, _sx, _sy, _low, _high, _signed, _kink)
        _expr = f"np.{_name}(x, y)"
        add(_id, _covers, _expr, {"x": _x, "y": _y}, autograd=_autograd,
            second_order=True, float32=_float32)
        # The second argument first, for its second derivatives.
        _id = f"{_name}-{shape_id(_sx)}-{shape_id(_sy)}-second-arg"
        if _sx == (3, 1):
            add(_id, _covers, _expr, {"y": _y, "x": _x}, autograd=_autograd,
                second_order=True, float32=_float32)
    # One operand constant (only the other is differentiated), both ways round.
    _id = f"{_name}-const-second"
    _x, _y = _pair(_id, (2, 3), (3,), _low, _high, _signed, _kink)
    add(_id, _covers, f"np.{_name}(x, y)", {"x": _x, "y": _y}, wrt=(0,),
        autograd=_autograd, second_order=True, float32=_float32)
    _id = f"{_name}-const-first"
    add(_id, _covers, f"np.{_name}(x, y)", {"y": _y, "x": _x}, wrt=(0,),
        autograd=_autograd, second_order=True, float32=_float32)

# power with an integer or float constant exponent and a negative base, and a constant base.
_xneg = np.array([-1.3, 0.7, -0.4, 2.1])
add("power-int-exponent-negative-base", np.power, "np.power(x, 2)", {"x": _xneg},
    second_order=True)
add("power-int3-exponent-negative-base", np.power, "np.power(x, 3)", {"x": _xneg},
    second_order=True)
add("power-float-exponent-negative-base", np.power, "np.power(x, 3.0)", {"x": _xneg},
    second_order=True)
add("power-int-exponent-float-negative-base", np.power, "np.power(x, 2)", {"x": -1.3},
    second_order=True)
# (float32 ** an int64 array is float64.)
add("power-int-array-exponent", np.power, "np.power(x, n)",
    {"x": _xneg, "n": np.array([2, 3, 1, 4])}, second_order=True, float32=False)
add("power-negative-int-exponent", np.power, "np.power(x, -2.0)", {"x": _xneg},
    second_order=True)
add("power-const-base", (np.power, pow_log), "np.power(2.0, y)",
    {"y": values("pcb", (2, 3), -2, 2)}, second_order=True)
add("float_power-int-exponent-negative-base", np.float_power, "np.float_power(x, 2)",
    {"x": _xneg}, autograd="np.power(x, 2)", second_order=True, float32=False)

# A NaN is never chosen by fmax and fmin (autograd has no NaN rule for them).
_xt = np.array([1.0, 2.0, 3.0, -0.5])
_yt = np.array([0.5, 1.0, 4.0, np.nan])
add("fmax-nan", np.fmax, "np.fmax(x, y) ** 2", {"x": _xt, "y": _yt}, autograd=False,
    second_order=True)
add("fmin-nan", np.fmin, "np.fmin(y, x) ** 2", {"x": _xt, "y": _yt}, autograd=False,
    second_order=True)
add("fmax-nan-first", np.fmax, "np.fmax(y, x) ** 2", {"y": _yt, "x": _xt}, autograd=False,
    second_order=True)
# Ties share the derivative equally, as for maximum / minimum, which is what central
# differences see.  The gradient jumps there: no second derivative.
_xt, _yt = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0])
for _prim in (np.maximum, np.minimum, np.fmax, np.fmin):
    add(f"{_prim.__name__}-tie", _prim, f"np.{_prim.__name__}(x, y)", {"x": _xt, "y": _yt})
    add(f"{_prim.__name__}-tie-float", _prim, f"np.{_prim.__name__}(x, y)",
        {"x": 1.5, "y": 1.5}, autograd=_prim in (np.maximum, np.minimum))

# clip: constant, missing and differentiated bounds, as a function and as a method.
_lo4 = np.array([-0.6, -0.2, -0.7, 0.1])
_hi31 = np.array([[0.5], [0.75], [0.3]])
_x34 = _pair("clip34", (3, 4), (3, 4), (-1, -1), (1, 1), avoid=lambda x, _: np.minimum(
    np.minimum(np.abs(x - _lo4), np.abs(x - _hi31)),
    np.minimum(np.abs(x + 0.5), np.abs(x - 0.4))))[0]
CLIP = {  # id -> (expression, parameters, wrt, autograd's expression)
    "clip-none-low": ("np.clip(x, None, 0.4) ** 3", {"x": _x34}, None, True),
    "clip-none-high": ("np.clip(x, -0.5, None) ** 3", {"x": _x34}, None, True),
    "clip-keyword": ("np.clip(x, a_min=-0.5, a_max=0.4) ** 3", {"x": _x34}, None, True),
    "clip-array-bounds": ("np.clip(x, lo, hi) ** 3", {"x": _x34, "lo": _lo4, "hi": _hi31},
                          None, "np.minimum(np.maximum(x, lo), hi) ** 3"),
    "clip-array-bounds-const": ("np.clip(x, lo, hi) ** 3",
                                {"x": _x34, "lo": _lo4, "hi": _hi31}, (0,), True),
    "clip-bounds-first": ("np.clip(x, lo, hi) ** 3", {"lo": _lo4, "hi": _hi31, "x": _x34},
                          None, "np.minimum(np.maximum(x, lo), hi) ** 3"),
    "clip-float-bounds": ("np.clip(x, lo, hi) ** 3", {"lo": -0.5, "hi": 0.4, "x": _x34},
                          None, "np.minimum(np.maximum(x, lo), hi) ** 3"),
    "clip-bound-broadcasts": ("np.clip(x, lo, 0.4) ** 3",
                              {"lo": np.array([[-0.6, -0.2, -0.7, 0.1]] * 2), "x": _x34[:1]},
                              None, "np.minimum(np.maximum(x, lo), 0.4) ** 3"),
    "clip-float": ("np.clip(x, -0.5, 0.4) ** 3", {"x": 0.1}, None, True),
    # NumPy 2.1's keywords min= and max=.
    "clip-min-max-keywords": ("np.clip(x, min=-0.5, max=0.4) ** 3", {"x": _x34}, None,
                              "np.clip(x, -0.5, 0.4) ** 3"),
    "clip-min-keyword": ("np.clip(x, min=lo) ** 3", {"x": _x34, "lo": _lo4}, None,
                         "np.maximum(x, lo) ** 3"),
    "clip-max-keyword": ("np.clip(x, max=hi) ** 3", {"hi": _hi31, "x": _x34}, None,
                         "np.minimum(x, hi) ** 3"),
    "clip-min-max-keywords-bounds": ("np.clip(x, min=lo, max=hi) ** 3",
                                     {"x": _x34, "lo": _lo4, "hi": _hi31}, None,
                                     "np.minimum(np.maximum(x, lo), hi) ** 3"),
    "clip-float-clipped": ("np.clip(x, lo, 0.4) ** 3", {"lo": -0.5, "x": -0.7}, None,
                           "np.minimum(np.maximum(x, lo), 0.4) ** 3"),
}
for _id, (_expr, _params, _wrt, _autograd) in CLIP.items():
    add(_id, np.clip, _expr, _params, wrt=_wrt, autograd=_autograd, second_order=True)
CLIP_METHOD = {
    "clip-method": ("x.clip(-0.5, 0.4) ** 3", {"x": _x34}, True),
    "clip-method-max": ("x.clip(max=0.4) ** 3", {"x": _x34}, "np.clip(x, None, 0.4) ** 3"),
    "clip-method-min": ("x.clip(min=lo) ** 3", {"x": _x34, "lo": _lo4},
                        "np.maximum(x, lo) ** 3"),
    "clip-method-bounds": ("x.clip(lo, hi) ** 3", {"x": _x34, "lo": _lo4, "hi": _hi31},
                           "np.minimum(np.maximum(x, lo), hi) ** 3"),
    "clip-method-bounds-first": ("x.clip(lo, hi) ** 3",
                                 {"hi": _hi31, "lo": _lo4, "x": _x34},
                                 "np.minimum(np.maximum(x, lo), hi) ** 3"),
    "clip-method-3d": ("x.clip(-0.5, 0.4) ** 3",
                       {"x": _away("clip3d", (2, 3, 4), -1, 1, avoid=(-0.5, 0.4))}, True),
}
for _id, (_expr, _params, _autograd) in CLIP_METHOD.items():
    add(_id, np.ndarray.clip, _expr, _params, autograd=_autograd, second_order=True)
# At a tie with a bound, the derivative is shared equally between x and the bound.
add("clip-tie", np.clip, "np.clip(x, lo, hi)",
    {"x": np.array([-0.5, 0.0, 0.4]), "lo": -0.5, "hi": np.array([0.4, 0.4, 0.4])},
    autograd=False)

# where: the derivative goes to x where the condition holds, to y elsewhere.
_c34 = values("wc", (3, 4)) > 0
# autograd's where does not sum its operands' derivatives back to their shapes.
_WHERE_AG = "np.where(c, x + 0.0 * (c + x + y), y + 0.0 * (c + x + y)) ** 3"
WHERE = {  # id -> (expression, parameters, autograd)
    "where-same-shape": ("np.where(x > 0, x ** 2, np.sin(x))",
                         {"x": _away("w1", (3, 4), -2, 2, avoid=(0.0,))}, True),
    "where-two-args": ("np.where(c, x, y) ** 3",
                       {"c": _c34, "x": values("w2x", (3, 4), -2, 2),
                        "y": values("w2y", (3, 4), -2, 2)}, True),
    "where-broadcast": ("np.where(c, x, y) ** 3",
                        {"c": _c34, "x": values("w3x", (3, 1), -2, 2),
                         "y": values("w3y", (1, 4), -2, 2)}, _WHERE_AG),
    "where-broadcast-cond": ("np.where(c, x, y) ** 3",  # (float32: see the xfail below)
                             {"c": _c34, "x": values("w4x", (4,), -2, 2),
                              "y": values("w4y", "float", -2, 2)}, _WHERE_AG),
    "where-const-branch": ("np.where(c, x, 0.0) ** 3",
                           {"c": _c34, "x": values("w5x", (3, 4), -2, 2)}, True),
    "where-const-first": ("np.where(c, 1.5, y) ** 3",
                          {"c": _c34, "y": values("w6y", (4,), -2, 2)},
                          "np.where(c, 1.5, y + 0.0 * c) ** 3"),
    "where-0d": ("np.where(c, x, y) ** 3",
                 {"c": np.array(True), "x": values("w7x", (), -2, 2),
                  "y": values("w7y", (2, 3), -2, 2)}, _WHERE_AG),
    "where-floats": ("np.where(x > y, x * y, y) ** 3",
                     {"x": 0.7, "y": -0.4}, True),
    "where-3d": ("np.where(x > 0, np.exp(x), y * x) ** 2",
                 {"x": _away("w8x", (2, 3, 4), -2, 2, avoid=(0.0,)),
                  "y": values("w8y", (3, 1), -2, 2)}, True),
}
for _id, (_expr, _params, _autograd) in WHERE.items():
    add(_id, np.where, _expr, _params, autograd=_autograd, second_order=True,
        xfail={"float32": "np.where(c, 0.0, dy) of a Python float tangent dy is float64"}
        if _id == "where-broadcast-cond" else None)

# nan_to_num: the identity on finite values; replaced NaNs and infinities carry nothing.
_xnan = np.array([0.5, np.nan, np.inf, -np.inf, -1.2, 0.3])
_nan_ag = "np.where(np.isfinite(x), x, np.where(np.isnan(x), {}, np.sign(x) * 2.0)) ** 3"
add("nan_to_num-nonfinite", np.nan_to_num, "np.nan_to_num(x, posinf=2.0, neginf=-2.0) ** 3",
    {"x": _xnan}, autograd=_nan_ag.format(0.0), second_order=True)
add("nan_to_num-keywords", np.nan_to_num,
    "np.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0) ** 3", {"x": _xnan},
    autograd=_nan_ag.format(1.0), second_order=True)
add("nan_to_num-positional", np.nan_to_num, "np.nan_to_num(x, True, 1.0, 2.0, -2.0) ** 3",
    {"x": _xnan}, autograd=_nan_ag.format(1.0), second_order=True)
# copy=False replaces the values in its argument itself, so the argument the derivative reads
# no longer shows where the NaNs and infinities were: tangentlike refuses it by name
# (aliasing.py), autograd gives a wrong number.
_inplace = ("np.nan_to_num(x, copy=False) changes its argument in place, which the backward "
            "pass reads: refused")
add("nan_to_num-copy-false", np.nan_to_num,
    "np.nan_to_num(x * 1.0, copy=False, posinf=2.0, neginf=-2.0) ** 3", {"x": _xnan},
    autograd=_nan_ag.format(0.0), second_order=True,
    xfail={"reverse": _inplace, "forward": _inplace, "primal": _inplace, "autograd": _inplace,
           "second_order": _inplace, "float32": _inplace})

# The conjugate as a method is the identity on real arrays.
for _shape in ((), (3,), (2, 3), (2, 3, 4)):
    _id = f"conj-method-{shape_id(_shape)}"
    add(_id, np.ndarray.conj, "x.conj() ** 3", {"x": values(_id, _shape, -2, 2)},
        autograd="np.conj(x) ** 3", second_order=True)
    _id = f"conjugate-method-{shape_id(_shape)}"
    add(_id, np.ndarray.conjugate, "x.conjugate() ** 3", {"x": values(_id, _shape, -2, 2)},
        autograd="np.conj(x) ** 3", second_order=True)

# Everything at once, in float32 as well.
add("elementwise-mix", (np.arcsinh, np.logaddexp, np.hypot, np.where, np.clip), "",
    {"x": _away("mix", (2, 3), 0.3, 2, avoid=(1.0,)), "y": values("mixy", (3,), 0.3, 2)},
    body="    a = np.arcsinh(x) * np.logaddexp(x, y)\n"
         "    b = np.where(x > 1.0, np.hypot(x, y), np.clip(x * y, 0.1, 1.0))\n"
         "    return np.sum(a * b)\n",
    second_order=True)

# np.sign: derivative 0 on real values (second order through its helpers' rules); NumPy's sign
# of a complex z is z / |z|, which has a derivative (autograd's sign has none: no reference).
for _shape in ((3,), (2, 3)):
    _id = f"sign-real-{shape_id(_shape)}"
    add(_id, (np.sign, sign_adjoint, sign_tangent), "np.sign(x - 0.1) * x ** 2",
        {"x": values(_id, _shape, 0.3, 2, signed=True)}, second_order=True)
    _id = f"sign-complex-{shape_id(_shape)}"
    add(_id, np.sign, "np.real(np.sign(np.fft.fft(x * x) + 0.5j) * (1.0 - 0.5j))",
        {"x": values(_id, _shape, -1, 1)}, autograd=False, float32=False)

# |x| through its derivative factor abs_direction: real values (second order goes through
# abs_direction's rules), and complex values from an FFT (conj(x) / |x|).
for _shape in ((3,), (2, 3)):
    _id = f"abs-direction-{shape_id(_shape)}"
    add(_id, (np.abs, abs_direction), "np.abs(x - 0.1) * x",
        {"x": values(_id, _shape, 0.3, 2, signed=True)}, second_order=True)
    _id = f"abs-complex-{shape_id(_shape)}"
    add(_id, np.abs, "np.abs(np.fft.fft(x * x)) * 1.5", {"x": values(_id, _shape, -1, 1)},
        float32=False)
