"""Cases for templates/math_functions.py: the ``math`` module on Python floats (compared with
autograd through the NumPy function of the same meaning)."""
import math

import numpy as np  # noqa: F401  (the case sources use np)

from rule_cases import add

UNARY = {  # name -> (points, autograd's expression)
    "asin": ((-0.7, 0.4), "np.arcsin(x)"),
    "acos": ((-0.7, 0.4), "np.arccos(x)"),
    "atan": ((-2.3, 0.8), "np.arctan(x)"),
    "sinh": ((-1.3, 0.8), "np.sinh(x)"),
    "cosh": ((-1.3, 0.8), "np.cosh(x)"),
    "asinh": ((-2.3, 0.8), "np.arcsinh(x)"),
    "acosh": ((1.3, 2.8), "np.arccosh(x)"),
    "atanh": ((-0.7, 0.4), "np.arctanh(x)"),
    "expm1": ((-1.3, 0.8), "np.expm1(x)"),
    "log2": ((0.3, 2.8), "np.log2(x)"),
    "log10": ((0.3, 2.8), "np.log10(x)"),
    "degrees": ((-1.3, 0.8), "np.degrees(x) ** 2"),
    "radians": ((-130.0, 80.0), "np.radians(x) ** 2"),
}
if hasattr(math, "cbrt"):  # Python 3.11
    UNARY["exp2"] = ((-1.3, 0.8), "np.exp2(x)")
    UNARY["cbrt"] = ((-2.3, 0.8), "np.sign(x) * np.abs(x) ** (1.0 / 3.0)")
for _name, (_points, _autograd) in UNARY.items():
    _expr = f"math.{_name}(x)" + (" ** 2" if _name in ("degrees", "radians") else "")
    for _i, _x in enumerate(_points):
        add(f"math-{_name}-{_i}", getattr(math, _name), _expr, {"x": _x},
            autograd=_autograd, second_order=True)
    # Through another function, for a second derivative that is not the rule's alone.
    add(f"math-{_name}-composed", getattr(math, _name), f"math.sin({_expr}) * x",
        {"x": _points[1]}, autograd=f"np.sin({_autograd}) * x", second_order=True)

BINARY = {  # name -> ((x, y) points away from the jumps, autograd's expression)
    "atan2": (((0.7, -1.3), (-0.4, 0.9), (-1.1, -0.6)), "np.arctan2(x, y)"),
    "fmod": (((2.3, 0.7), (-2.3, 0.7), (2.3, -0.9)), "x - np.trunc(x / y) * y"),
    "remainder": (((2.3, 0.7), (-2.5, 0.7), (2.0, -0.9)), "x - np.round(x / y) * y"),
}
for _name, (_points, _autograd) in BINARY.items():
    for _i, (_x, _y) in enumerate(_points):
        add(f"math-{_name}-{_i}", getattr(math, _name), f"math.{_name}(x, y)",
            {"x": _x, "y": _y}, autograd=_autograd, second_order=True)
        add(f"math-{_name}-{_i}-second-arg", getattr(math, _name),
            f"math.{_name}(x, y) ** 2", {"y": _y, "x": _x}, autograd=f"({_autograd}) ** 2",
            second_order=True)
