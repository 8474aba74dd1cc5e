"""Core cases, part 1: Python's operators, products, the first NumPy elementwise functions.

Each case runs end to end in reverse mode in all four modes (``add_core``), and, where the
primitive is called directly, on its templates (``add_template``), on Python floats, 0-d
arrays, 1-d to 4-d arrays and broadcasting pairs.  Inputs avoid the kinks and jumps of each
function (ties are cases of their own, in ``core_arrays.py``).
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from rule_cases import add_core, add_template, draw, rng, shape_id

BINARY_SHAPES = [
    ("float", "float"), ((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3, 1), (1, 4)),
    ((4,), (3, 4)), ((3, 4), (4,)), ("float", (3,)), ((2, 3), "float"), ((), (2, 3)),
    ((2, 3), ()), ((2, 1, 3), (4, 1)),
]


def binary_values(op: str, generator: np.random.Generator, sx: Any, sy: Any,
                  signed_divisor: bool = False) -> tuple[Any, Any]:
    """Two operands for ``op`` on its domain, away from its kinks and jumps."""
    if op == "truediv":
        return draw(generator, sx, -2, 2), draw(generator, sy, 0.5, 2, signed=True)
    if op == "pow":  # positive base, any exponent
        return draw(generator, sx, 0.5, 2), draw(generator, sy, -2, 2)
    if op == "mod":  # keep x / y away from integers, where % jumps
        while True:
            x = draw(generator, sx, -3, 3)
            y = draw(generator, sy, 0.7, 1.6, signed=signed_divisor)
            q = np.asarray(x) / np.asarray(y)
            if np.all(np.abs(q - np.round(q)) > 0.05):
                return x, y
    if op in ("maximum", "minimum"):  # keep x and y apart, where the choice switches
        while True:
            x, y = draw(generator, sx, -2, 2), draw(generator, sy, -2, 2)
            if np.all(np.abs(np.asarray(x) - np.asarray(y)) > 0.05):
                return x, y
    return draw(generator, sx, -2, 2), draw(generator, sy, -2, 2)


# ---------------------------------------------------------------------------------------------
# Python operators: + - * / ** % on floats, 0-d arrays, arrays and broadcasting pairs.

BINARY_OPERATORS = {"add": (operator.add, "x + y"), "sub": (operator.sub, "x - y"),
                    "mul": (operator.mul, "x * y"), "truediv": (operator.truediv, "x / y"),
                    "pow": (operator.pow, "x ** y"), "mod": (operator.mod, "x % y")}
for _op, (_prim, _expr) in BINARY_OPERATORS.items():
    for _sx, _sy in BINARY_SHAPES:
        _id = f"{_op}-{shape_id(_sx)}-{shape_id(_sy)}"
        _x, _y = binary_values(_op, rng(_id), _sx, _sy)
        add_core(_id, _expr, {"x": _x, "y": _y})
        if _op == "mod":  # the templates also see negative divisors
            _x, _y = binary_values(_op, rng(_id), _sx, _sy, signed_divisor=True)
        add_template(_id, _prim, _x, _y)
    # Only one operand differentiated, the other a non-differentiated argument.
    for _wrt in ((0,), (1,)):
        _id = f"{_op}-3x1-1x4-wrt{_wrt[0]}"
        _x, _y = binary_values(_op, rng(_id), (3, 1), (1, 4))
        add_core(_id, _expr, {"x": _x, "y": _y}, wrt=_wrt)

# The same variable on both sides, and constants on either side.
_r = rng("same")
_pos = draw(_r, (2, 3), 0.5, 2)
add_core("mul-same", "x * x", {"x": draw(_r, (2, 3))})
add_core("add-same", "x + x", {"x": draw(_r, (2, 3))})
add_core("sub-same", "x - x * 2.0", {"x": draw(_r, (2, 3))})
add_core("truediv-same", "x / (x + 3.0)", {"x": _pos})
add_core("pow-same", "x ** x", {"x": _pos})
add_core("mod-negative-divisor", "x % y", {"x": np.array([0.4, -2.3, 1.2]),
                                           "y": np.array([-0.9, -1.3, 1.1])})
add_core("mod-const", "x % 1.5", {"x": np.array([0.2, 1.0, 2.0, -0.4, -2.5])})
add_core("mod-const-base", "5.0 % x", {"x": np.array([0.7, 1.1, 1.4])})
add_core("truediv-const-num", "1.0 / x", {"x": _pos})
# A non-differentiated exponent argument with a negative base: no log(x) may be taken.
add_core("pow-exponent-arg", "x ** p", {"x": np.array([-1.3, 0.7, -0.4]),
                                        "p": np.array([2.0, 3.0, 2.0])}, wrt=(0,))
add_template("pow-negative-base-const-exponent", operator.pow, np.array([-1.3, 0.7, -0.4]),
             np.array([2.0, 3.0, 2.0]), wrt=(0,))
add_template("pow-float-negative-base", operator.pow, -1.3, 3.0, wrt=(0,))
add_template("pow-int-exponent", operator.pow, draw(rng("pie"), (2, 3), -2, 2), 2)
add_template("pow-constbase", operator.pow, 2.0, draw(rng("pcb"), (3,), -2, 2), wrt=(1,))
add_template("mul-int-array", operator.mul, draw(rng("mia"), (2, 3)), np.array([1, 2, 3]))
add_template("truediv-int-array", operator.truediv, np.array([1, 2, 3]),
             draw(rng("tia"), (3,), 1, 2))

# ** with a constant exponent (any sign of base for integer exponents) and a constant base.
for _shape in ("float", (), (3,), (2, 3)):
    _s = shape_id(_shape)
    _r = rng(f"powc-{_s}")
    add_core(f"pow-const2-{_s}", "x ** 2", {"x": draw(_r, _shape, -2, 2)})
    add_core(f"pow-const3f-{_s}", "x ** 3.0", {"x": draw(_r, _shape, -2, 2)})
    add_core(f"pow-consthalf-{_s}", "x ** 0.5", {"x": draw(_r, _shape, 0.5, 2)})
    add_core(f"pow-constneg-{_s}", "x ** -1.5", {"x": draw(_r, _shape, 0.5, 2)})
    add_core(f"pow-constbase-{_s}", "2.0 ** x", {"x": draw(_r, _shape, -2, 2)})

# Unary - and +.
for _shape in ("float", (), (3,), (2, 3)):
    _s = shape_id(_shape)
    _x = draw(rng(f"unary-{_s}"), _shape)
    add_core(f"neg-{_s}", "-x", {"x": _x})
    add_core(f"pos-{_s}", "+x", {"x": _x}, autograd="x")
    add_core(f"negneg-{_s}", "-(-x) * 3.0", {"x": _x})
    add_template(f"neg-{_s}", operator.neg, _x)
    add_template(f"pos-{_s}", operator.pos, _x)

# ---------------------------------------------------------------------------------------------
# Products: @, np.matmul, np.dot, x.dot(y).

MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 3, 4), (2, 4, 5)),
    ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((2, 3, 4), (4,)),
    ((4,), (2, 4, 3)),
]
for _sx, _sy in MATMUL_SHAPES:
    _ids = f"{shape_id(_sx)}-{shape_id(_sy)}"
    _r = rng(f"matmul-{_ids}")
    _x, _y = draw(_r, _sx), draw(_r, _sy)
    add_core(f"matmul-op-{_ids}", "x @ y", {"x": _x, "y": _y})
    add_core(f"matmul-np-{_ids}", "np.matmul(x, y)", {"x": _x, "y": _y})
    for _wrt in ((0,), (1,)):
        add_core(f"matmul-op-{_ids}-wrt{_wrt[0]}", "x @ y", {"x": _x, "y": _y}, wrt=_wrt)
    add_template(f"matmul-op-{_ids}", operator.matmul, _x, _y)
    add_template(f"matmul-np-{_ids}", np.matmul, _x, _y)

DOT_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 3, 4), (4, 5)),
    ((2, 3), (2, 3, 4)), ((), (3,)), ((2, 3), ()), ("float", (2, 3)), ("float", "float"),
    ((), ()), ((4, 3), (3, 2)),
]
for _sx, _sy in DOT_SHAPES:
    _ids = f"{shape_id(_sx)}-{shape_id(_sy)}"
    _r = rng(f"dot-{_ids}")
    _x, _y = draw(_r, _sx), draw(_r, _sy)
    if (_sx, _sy) != ((4, 3), (3, 2)):  # the templates' extra pair
        add_core(f"dot-{_ids}", "np.dot(x, y)", {"x": _x, "y": _y})
        if isinstance(_x, np.ndarray) and _x.ndim > 0:
            add_core(f"dot-method-{_ids}", "x.dot(y)", {"x": _x, "y": _y},
                     autograd="np.dot(x, y)")
    add_template(f"dot-{_ids}", np.dot, _x, _y)
    if isinstance(_x, np.ndarray):
        add_template(f"dot-method-{_ids}", np.ndarray.dot, _x, _y)

# The same array on both sides of a product.
add_core("dot-self", "np.dot(x, x)", {"x": draw(rng("dot-self"), (4,))})
add_core("matmul-self", "x @ x.T", {"x": draw(rng("matmul-self"), (2, 3))})
add_core("dot-method-self", "x.dot(x.T)", {"x": draw(rng("dot-method-self"), (2, 3))},
         autograd="np.dot(x, x.T)")

# ---------------------------------------------------------------------------------------------
# NumPy elementwise functions, each on its domain.

ELEMENTWISE = {  # name: (primitive, expression, low, high, signed)
    "sin": (np.sin, "np.sin(x)", -2, 2, False), "cos": (np.cos, "np.cos(x)", -2, 2, False),
    "tan": (np.tan, "np.tan(x)", -1, 1, False), "exp": (np.exp, "np.exp(x)", -1, 1, False),
    "log": (np.log, "np.log(x)", 0.5, 2, False),
    "log1p": (np.log1p, "np.log1p(x)", -0.5, 2, False),
    "sqrt": (np.sqrt, "np.sqrt(x)", 0.5, 2, False),
    "tanh": (np.tanh, "np.tanh(x)", -2, 2, False), "abs": (np.abs, "np.abs(x)", 0.2, 2, True),
    "absolute": (None, "np.absolute(x)", 0.2, 2, True),  # np.abs again: end to end only
    "negative": (np.negative, "np.negative(x)", -2, 2, False),
}
for _name, (_prim, _expr, _low, _high, _signed) in ELEMENTWISE.items():
    for _shape in ("float", (), (3,), (2, 3), (2, 1, 3)):
        _id = f"{_name}-{shape_id(_shape)}"
        _x = draw(rng(_id), _shape, _low, _high, _signed)
        add_core(_id, _expr, {"x": _x})
        if _prim is not None:
            add_template(_id, _prim, _x)
    _x = np.float64(draw(rng(_name), "float", _low, _high, _signed))
    add_core(f"{_name}-npscalar", _expr, {"x": _x})
    if _prim is not None:
        add_template(f"{_name}-npscalar", _prim, _x)
    _id = f"{_name}-composed"
    add_core(_id, _expr.replace("(x)", "(x * y + 0.1)"),
             {"x": draw(rng(_id), (3, 1), 0.5, 1.0), "y": draw(rng(_id), (4,), 0.5, 1.0)})

MAXIMUM_SHAPES = [("float", "float"), ((), ()), ((3,), (3,)), ((2, 3), (2, 3)),
                  ((3, 1), (1, 4)), ((4,), (3, 4)), ((2, 3), "float"), ((), (2, 3))]
for _name, _prim in (("maximum", np.maximum), ("minimum", np.minimum)):
    _expr = f"np.{_name}(x, y)"
    for _sx, _sy in BINARY_SHAPES:  # end to end on the first eight pairs
        _id = f"{_name}-{shape_id(_sx)}-{shape_id(_sy)}"
        _x, _y = binary_values(_name, rng(_id), _sx, _sy)
        if (_sx, _sy) in MAXIMUM_SHAPES:
            add_core(_id, _expr, {"x": _x, "y": _y})
        add_template(_id, _prim, _x, _y)
    add_core(f"{_name}-const", _expr.replace("y", "0.1"), {"x": np.array([-1.0, 0.5, 2.0])})
add_template("maximum-const", np.maximum, np.array([-1.0, 0.5, 2.0]), 0.1)
