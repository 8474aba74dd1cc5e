"""Cases for templates/numpy_ufuncs.py: the ufuncs written as functions, conversions to a float
type, np.bincount's weights.  Inputs lie away from each function's jumps."""
import numpy as np

from rule_cases import add, shape_id, values
from tangentlike.runtime.bessel import bessel_i
from tangentlike.runtime.casts import ufunc_input

PAIR_SHAPES = (("float", "float"), ((3,), (3,)), ((3, 1), (1, 4)), ((4,), (3, 4)),
               ("float", (3,)), ((2, 3, 4), (3, 1)))

# name -> (low, high of each operand, autograd's expression (True: the same))
ARITHMETIC = {
    "add": ((-2, -2), (2, 2), True),
    "subtract": ((-2, -2), (2, 2), True),
    "multiply": ((-2, -2), (2, 2), True),
    "divide": ((-2, 0.5), (2, 2), True),
    "true_divide": ((-2, 0.5), (2, 2), True),
}
for _name, (_low, _high, _autograd) in ARITHMETIC.items():
    _prim = getattr(np, _name)
    for _sx, _sy in PAIR_SHAPES:
        _id = f"ufunc-{_name}-{shape_id(_sx)}-{shape_id(_sy)}"
        _x = values(_id + "/x", _sx, _low[0], _high[0])
        _y = values(_id + "/y", _sy, _low[1], _high[1])
        add(_id, _prim, f"np.{_name}(x, y) ** 2", {"x": _x, "y": _y}, autograd=_autograd,
            second_order=True)
    _id = f"ufunc-{_name}-const"
    add(_id, _prim, f"np.{_name}(x, y) ** 2",
        {"x": values(_id, (2, 3), -2, 2), "y": values(_id + "/y", (3,), 0.5, 2)}, wrt=(0,),
        second_order=True)
    add(_id + "-second", _prim, f"np.{_name}(y, x) ** 2",
        {"x": values(_id, (2, 3), 0.5, 2), "y": values(_id + "/y", (3,), 0.5, 2)}, wrt=(0,),
        second_order=True)

# divmod: the remainder's derivative, the quotient a constant (x / y away from integers).
_xd = np.array([[3.3, -2.2, 5.1], [0.4, -4.7, 1.3]])
_yd = np.array([1.3, 0.9, -1.6])
add("ufunc-divmod", np.divmod, "np.divmod(x, y)[1] ** 2 + np.divmod(x, y)[0] * x",
    {"x": _xd, "y": _yd}, autograd="np.mod(x, y) ** 2 + np.floor_divide(x, y) * x",
    second_order=True)
add("ufunc-divmod-float", np.divmod, "np.divmod(x, y)[1] ** 3", {"x": 5.3, "y": 1.7},
    autograd="np.mod(x, y) ** 3", second_order=True)
add("ufunc-divmod-unpacked", np.divmod, "", {"x": _xd, "y": _yd},
    body="    q, r = np.divmod(x, y)\n    return np.sum(r * r * y + q)\n",
    autograd="    q, r = np.floor_divide(x, y), np.mod(x, y)\n    return np.sum(r * r * y + q)\n",
    second_order=True)

# copysign: |x1| with the sign of x2; heaviside: x2 where x1 == 0.
_x1 = np.array([[0.7, -1.3, 2.2], [-0.4, 1.1, -2.6]])
add("ufunc-copysign", np.copysign, "np.copysign(x, y) ** 3",
    {"x": _x1, "y": np.array([1.5, -0.3, -2.0])}, autograd=False, second_order=True)
add("ufunc-copysign-float", np.copysign, "np.copysign(x, y) ** 3", {"x": -0.8, "y": 2.0},
    autograd=False, second_order=True)
add("ufunc-heaviside", np.heaviside, "np.heaviside(x, y) * y",
    {"x": np.array([[0.0, -1.3, 2.2], [0.0, 0.0, -2.6]]), "y": np.array([1.5, -0.3, 0.7])},
    wrt=(1,), autograd=False, second_order=True)  # (x jumps at 0)
add("ufunc-heaviside-float", np.heaviside, "np.heaviside(x - 1.0, y) * y",
    {"x": 1.0, "y": 0.25}, wrt=(1,), autograd=False, second_order=True)
add("ufunc-nextafter", np.nextafter, "np.nextafter(x, y) ** 2",
    {"x": _x1, "y": np.array([3.0, -3.0, 0.0])}, wrt=(0,), autograd=False,
    second_order=True)
add("ufunc-nextafter-float", np.nextafter, "np.nextafter(x, 2.0) ** 3", {"x": 0.6},
    autograd=False, second_order=True)

# frexp, ldexp, modf: scalings by powers of two and a shift, piecewise.
add("ufunc-frexp", np.frexp, "np.frexp(x)[0] ** 3 + np.frexp(x)[1]", {"x": _x1 * 3.0},
    autograd=False, second_order=True, float32=False)  # (float32 + int32 is float64)
add("ufunc-frexp-float", np.frexp, "np.frexp(x)[0] ** 3", {"x": 5.5}, autograd=False,
    second_order=True)
add("ufunc-ldexp", np.ldexp, "np.ldexp(x, n) ** 2",
    {"x": _x1, "n": np.array([1, -2, 3])}, autograd=False, second_order=True)
add("ufunc-ldexp-float", np.ldexp, "np.ldexp(x, 3) ** 3", {"x": -0.7}, autograd=False,
    second_order=True)
add("ufunc-modf", np.modf, "np.modf(x)[0] ** 3 + np.modf(x)[1] * x", {"x": _x1 * 2.0},
    autograd=False, second_order=True)
add("ufunc-modf-float", np.modf, "np.modf(x)[0] ** 3", {"x": -2.6}, autograd=False,
    second_order=True)

# i0: its derivatives are Bessel functions of every order (autograd has no i0).
for _shape in ("float", (3,), (2, 3)):
    _id = f"ufunc-i0-{shape_id(_shape)}"
    add(_id, (np.i0, bessel_i), "np.i0(x) ** 2", {"x": values(_id, _shape, -4, 4)},
        autograd=False, second_order=True)
add("ufunc-i0-large", (np.i0, bessel_i), "np.log(np.i0(x))",
    {"x": np.array([0.0, 12.0, -30.0, 150.0])}, autograd=False, second_order=True,
    float32=False)  # (i0(150) overflows float32)

# matvec and vecmat (NumPy 2.2), with stacks that broadcast.
if hasattr(np, "matvec"):
    MATVEC = {
        "ufunc-matvec": ("np.matvec(a, v)", (3, 4), (4,)),
        "ufunc-matvec-stack": ("np.matvec(a, v)", (2, 3, 4), (5, 1, 4)),
        "ufunc-vecmat": ("np.vecmat(v, a)", (4, 3), (4,)),
        "ufunc-vecmat-stack": ("np.vecmat(v, a)", (2, 4, 3), (5, 1, 4)),
    }
    for _id, (_expr, _sa, _sv) in MATVEC.items():
        _prim = np.matvec if "matvec" in _id else np.vecmat
        add(_id, _prim, _expr, {"a": values(_id + "/a", _sa, -2, 2),
                                "v": values(_id + "/v", _sv, -2, 2)},
            autograd=False, second_order=True)

# Conversions to a float type: the identity, then the cast.  Finite differences of a cast
# that rounds are its rounding noise, so the float32 case is at |x| ~ 1e-5, where float32's
# spacing is 1e-12 (a relative error of 1e-6); float16 cannot be checked so (its rule is
# checked exactly in tests/test_numpy_ufunc_keywords.py).
add("ufunc-float32", np.float32, "np.float32(x) * 1e5 + x", {"x": values("f32", (2, 3), -2e-5,
                                                                          2e-5)},
    autograd=False, float32=False)
add("ufunc-float16", np.float16, "np.float16(x) * 0.0 + x ** 2",
    {"x": values("f16", (2, 3), -2, 2)}, autograd=False, float32=False)
for _name in ("float64", "longdouble"):
    _id = f"ufunc-{_name}"
    add(_id, getattr(np, _name), f"np.{_name}(x) ** 3", {"x": values(_id, (2, 3), -2, 2)},
        autograd=False, second_order=True, float32=False)  # (a cast up)
add("ufunc-float64-float", np.float64, "np.float64(x) ** 3", {"x": -1.5}, autograd=False,
    second_order=True)
CONVERT = {
    "asanyarray": "np.asanyarray(x) ** 3",
    "ascontiguousarray": "np.ascontiguousarray(x.T) ** 3",
    "asfortranarray": "np.asfortranarray(x) ** 3",
    "asarray_chkfinite": "np.asarray_chkfinite(x) ** 3",
    "require": "np.require(x, requirements='C') ** 3",
}
for _name, _expr in CONVERT.items():
    for _shape in ((2, 3), (4,)):
        _id = f"ufunc-{_name}-{shape_id(_shape)}"
        add(_id, getattr(np, _name), _expr, {"x": values(_id, _shape, -2, 2)},
            autograd=False, second_order=True)
add("ufunc-asanyarray-dtype", np.asanyarray, "np.asanyarray(x, dtype=np.float64) * x",
    {"x": values("aad", (3,), -2, 2)}, autograd=False, second_order=True, float32=False)

# np.bincount: the sums of the weights per bin (the bins are constants).
add("ufunc-bincount", np.bincount, "np.bincount(i, x) ** 2",
    {"i": np.array([0, 3, 3, 1, 0]), "x": values("bc", (5,), -2, 2)}, autograd=False,
    second_order=True, float32=False)  # (np.bincount sums in float64)
add("ufunc-bincount-minlength", np.bincount, "np.bincount(i, weights=x, minlength=6) ** 2",
    {"i": np.array([0, 3, 3, 1, 0]), "x": values("bcm", (5,), -2, 2)}, autograd=False,
    second_order=True, float32=False)

# A ufunc's dtype= casts its inputs (ufunc_input): float64 here, where finite differences see
# no rounding (float32 is checked exactly in tests/test_numpy_ufunc_keywords.py).
DTYPE = {
    "ufunc-dtype-sin": ("np.sin(x, dtype=np.float64) * y", (3,), (2, 3)),
    "ufunc-dtype-multiply": ("np.multiply(x, y, dtype=np.float64) ** 2", (3,), (2, 3)),
    "ufunc-dtype-add-casting": ("np.add(x, y, dtype='float64', casting='same_kind') ** 2",
                                (2, 1), (3,)),
    "ufunc-dtype-float": ("np.divide(x, y, dtype=np.float64) ** 2", "float", "float"),
}
for _id, (_expr, _sx, _sy) in DTYPE.items():
    add(_id, ufunc_input, _expr, {"x": values(_id + "/x", _sx, 0.5, 2),
                                  "y": values(_id + "/y", _sy, 0.5, 2)},
        autograd=_expr.split(", dtype")[0] + ")" + _expr.split(")", 1)[1],
        second_order=True, float32=False)  # (cast to float64)
