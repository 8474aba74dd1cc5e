"""Every reverse-mode derivative rule against central finite differences in float64, on several
shapes (Python floats, 0-d arrays, 1-d to 4-d arrays, broadcasting pairs), with
``optimized`` True and False and ``motion`` 'joint' and 'split'; a representative case per
rule against autograd; float32 inputs keep float32 gradients; and a walk over
``tangentlike.rules.registry.ADJOINTS`` so that no rule can be registered without a test here.

Each case is a small function written to a real module file by ``support.make_function``
(tangentlike reads source).  A primitive with a non-scalar result ``prim(...)`` is tested as
``np.sum(prim(...) * w)`` with a fixed random weight ``w`` of the result's shape (an extra
argument, not differentiated), so that a transposed or permuted derivative cannot pass.
"""
from __future__ import annotations

import math
import operator
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import rule_cases
from support import MODE_IDS, MODES, as_tuple, check_grad, make_function, numerical_grad

import tangentlike
from tangentlike.rules.registry import ADJOINTS, describe


@dataclass
class Case:
    id: str
    source: str
    func: Callable
    args: tuple
    wrt: tuple[int, ...]
    autograd: bool = True  # the same source also runs with autograd.numpy as np
    autograd_source: str | None = None  # else the source, run with autograd.numpy as np


CASES: dict[str, Case] = {}


def _rng(case_id: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(case_id.encode()))


def shape_id(shape: Any) -> str:
    if shape == "float":
        return "f"
    if shape == ():
        return "0d"
    return "x".join(map(str, shape))


def values(rng: np.random.Generator, shape: Any, low: float = -1.0, high: float = 1.0,
           signed: bool = False, dtype: Any = np.float64) -> Any:
    """Uniform values in [low, high] (times a random sign if ``signed``): a Python float
    for shape "float", else an array of ``shape`` (0-d for ``()``)."""
    size = None if shape == "float" else shape
    v = rng.uniform(low, high, size=size)
    if signed:
        v = v * rng.choice([-1.0, 1.0], size=size)
    if shape == "float":
        return float(v)
    return np.asarray(v, dtype=dtype)


def add_case(case_id: str, expr: str, params: dict[str, Any], wrt: tuple[int, ...] | None = None,
             autograd: bool = True, body: str | None = None,
             autograd_expr: str | None = None) -> Case:
    """Register the case ``f(params) = expr``; weighted by ``w`` when ``expr`` is not scalar.

    ``body`` (statements, indented 4 spaces, ending in ``return``) replaces ``expr`` for
    functions of several statements; ``autograd_expr`` replaces ``expr`` in the autograd
    reference where autograd lacks the construct (``+x``, ``x.dot(y)``)."""
    assert case_id not in CASES, case_id
    names = list(params)
    args = tuple(params.values())
    signature = ", ".join(names)
    if body is None:
        inner = make_function(f"def f({signature}):\n    return {expr}\n")
        out = inner(*args)
        if np.ndim(out) > 0:
            w = _rng(case_id + "/w").normal(size=np.shape(out))
            template = f"def f({signature}, w):\n    return np.sum(({{}}) * w)\n"
            args = (*args, w)
        else:
            template = f"def f({signature}):\n    return {{}}\n"
        source = template.format(expr)
    else:
        source = f"def f({signature}):\n{body}"
    if wrt is None:
        wrt = tuple(i for i, (n, v) in enumerate(params.items())
                    if isinstance(v, float) or (isinstance(v, np.ndarray) and v.dtype.kind == "f"))
    case = Case(case_id, source, make_function(source), args, wrt, autograd,
                None if autograd_expr is None else template.format(autograd_expr))
    CASES[case_id] = case
    return case


# ---------------------------------------------------------------------------------------------
# Python operators: + - * / ** % on floats, 0-d arrays, arrays and broadcasting pairs.

BINARY_SHAPES = [
    ("float", "float"), ((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3, 1), (1, 4)),
    ((4,), (3, 4)), ((3, 4), (4,)), ("float", (3,)), ((2, 3), "float"), ((), (2, 3)),
    ((2, 3), ()), ((2, 1, 3), (4, 1)),
]


def _binary_values(op: str, rng: np.random.Generator, sx: Any, sy: Any) -> tuple[Any, Any]:
    if op == "truediv":
        return values(rng, sx, -2, 2), values(rng, sy, 0.5, 2, signed=True)
    if op == "pow":  # positive base, any exponent
        return values(rng, sx, 0.5, 2), values(rng, sy, -2, 2)
    if op == "mod":  # keep x / y away from integers, where % jumps
        while True:
            x, y = values(rng, sx, -3, 3), values(rng, sy, 0.7, 1.6)
            q = np.asarray(x) / np.asarray(y)
            if np.all(np.abs(q - np.round(q)) > 0.05):
                return x, y
    if op in ("maximum", "minimum"):  # keep x and y apart, where the choice switches
        while True:
            x, y = values(rng, sx, -2, 2), values(rng, sy, -2, 2)
            if np.all(np.abs(np.asarray(x) - np.asarray(y)) > 0.05):
                return x, y
    return values(rng, sx, -2, 2), values(rng, sy, -2, 2)


BINARY_OPERATORS = {"add": "x + y", "sub": "x - y", "mul": "x * y", "truediv": "x / y",
                    "pow": "x ** y", "mod": "x % y"}
for _op, _expr in BINARY_OPERATORS.items():
    for _sx, _sy in BINARY_SHAPES:
        _id = f"{_op}-{shape_id(_sx)}-{shape_id(_sy)}"
        _x, _y = _binary_values(_op, _rng(_id), _sx, _sy)
        add_case(_id, _expr, {"x": _x, "y": _y})
    # Only one operand differentiated, the other a non-differentiated argument.
    for _wrt in ((0,), (1,)):
        _id = f"{_op}-3x1-1x4-wrt{_wrt[0]}"
        _x, _y = _binary_values(_op, _rng(_id), (3, 1), (1, 4))
        add_case(_id, _expr, {"x": _x, "y": _y}, wrt=_wrt)

# The same variable on both sides, and constants on either side.
_r = _rng("same")
_pos = values(_r, (2, 3), 0.5, 2)
add_case("mul-same", "x * x", {"x": values(_r, (2, 3))})
add_case("add-same", "x + x", {"x": values(_r, (2, 3))})
add_case("sub-same", "x - x * 2.0", {"x": values(_r, (2, 3))})
add_case("truediv-same", "x / (x + 3.0)", {"x": _pos})
add_case("pow-same", "x ** x", {"x": _pos})
add_case("mod-negative-divisor", "x % y", {"x": np.array([0.4, -2.3, 1.2]),
                                          "y": np.array([-0.9, -1.3, 1.1])})
add_case("mod-const", "x % 1.5", {"x": np.array([0.2, 1.0, 2.0, -0.4, -2.5])})
add_case("mod-const-base", "5.0 % x", {"x": np.array([0.7, 1.1, 1.4])})
add_case("truediv-const-num", "1.0 / x", {"x": _pos})
# A non-differentiated exponent argument with a negative base: no log(x) may be taken.
add_case("pow-exponent-arg", "x ** p", {"x": np.array([-1.3, 0.7, -0.4]),
                                        "p": np.array([2.0, 3.0, 2.0])}, wrt=(0,))

# ** with a constant exponent (any sign of base for integer exponents) and a constant base.
for _shape in ("float", (), (3,), (2, 3)):
    _s = shape_id(_shape)
    _r = _rng(f"powc-{_s}")
    add_case(f"pow-const2-{_s}", "x ** 2", {"x": values(_r, _shape, -2, 2)})
    add_case(f"pow-const3f-{_s}", "x ** 3.0", {"x": values(_r, _shape, -2, 2)})
    add_case(f"pow-consthalf-{_s}", "x ** 0.5", {"x": values(_r, _shape, 0.5, 2)})
    add_case(f"pow-constneg-{_s}", "x ** -1.5", {"x": values(_r, _shape, 0.5, 2)})
    add_case(f"pow-constbase-{_s}", "2.0 ** x", {"x": values(_r, _shape, -2, 2)})

# Unary - and +.
for _shape in ("float", (), (3,), (2, 3)):
    _s = shape_id(_shape)
    _x = values(_rng(f"unary-{_s}"), _shape)
    add_case(f"neg-{_s}", "-x", {"x": _x})
    add_case(f"pos-{_s}", "+x", {"x": _x}, autograd_expr="x")
    add_case(f"negneg-{_s}", "-(-x) * 3.0", {"x": _x})

# ---------------------------------------------------------------------------------------------
# Products: @, np.matmul, np.dot, x.dot(y).

MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 3, 4), (2, 4, 5)),
    ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((2, 3, 4), (4,)),
    ((4,), (2, 4, 3)),
]
for _sx, _sy in MATMUL_SHAPES:
    _ids = f"{shape_id(_sx)}-{shape_id(_sy)}"
    _r = _rng(f"matmul-{_ids}")
    _x, _y = values(_r, _sx), values(_r, _sy)
    add_case(f"matmul-op-{_ids}", "x @ y", {"x": _x, "y": _y})
    add_case(f"matmul-np-{_ids}", "np.matmul(x, y)", {"x": _x, "y": _y})
    for _wrt in ((0,), (1,)):
        add_case(f"matmul-op-{_ids}-wrt{_wrt[0]}", "x @ y", {"x": _x, "y": _y}, wrt=_wrt)

DOT_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 3, 4), (4, 5)),
    ((2, 3), (2, 3, 4)), ((), (3,)), ((2, 3), ()), ("float", (2, 3)), ("float", "float"),
    ((), ()),
]
for _sx, _sy in DOT_SHAPES:
    _ids = f"{shape_id(_sx)}-{shape_id(_sy)}"
    _r = _rng(f"dot-{_ids}")
    _x, _y = values(_r, _sx), values(_r, _sy)
    add_case(f"dot-{_ids}", "np.dot(x, y)", {"x": _x, "y": _y})
    if isinstance(_x, np.ndarray) and _x.ndim > 0:
        add_case(f"dot-method-{_ids}", "x.dot(y)", {"x": _x, "y": _y},
                 autograd_expr="np.dot(x, y)")

# The same array on both sides of a product.
add_case("dot-self", "np.dot(x, x)", {"x": values(_rng("dot-self"), (4,))})
add_case("matmul-self", "x @ x.T", {"x": values(_rng("matmul-self"), (2, 3))})
add_case("dot-method-self", "x.dot(x.T)", {"x": values(_rng("dot-method-self"), (2, 3))},
         autograd_expr="np.dot(x, x.T)")

# ---------------------------------------------------------------------------------------------
# NumPy elementwise functions, each on its domain.

ELEMENTWISE = {  # name: (expression, low, high, signed)
    "sin": ("np.sin(x)", -2, 2, False), "cos": ("np.cos(x)", -2, 2, False),
    "tan": ("np.tan(x)", -1, 1, False), "exp": ("np.exp(x)", -1, 1, False),
    "log": ("np.log(x)", 0.5, 2, False), "log1p": ("np.log1p(x)", -0.5, 2, False),
    "sqrt": ("np.sqrt(x)", 0.5, 2, False), "tanh": ("np.tanh(x)", -2, 2, False),
    "abs": ("np.abs(x)", 0.2, 2, True), "absolute": ("np.absolute(x)", 0.2, 2, True),
    "negative": ("np.negative(x)", -2, 2, False),
}
for _name, (_expr, _low, _high, _signed) in ELEMENTWISE.items():
    for _shape in ("float", (), (3,), (2, 3), (2, 1, 3)):
        _id = f"{_name}-{shape_id(_shape)}"
        add_case(_id, _expr, {"x": values(_rng(_id), _shape, _low, _high, _signed)})
    add_case(f"{_name}-npscalar", _expr, {"x": np.float64(values(_rng(_name), "float",
                                                                    _low, _high, _signed))})
    _id = f"{_name}-composed"
    add_case(_id, _expr.replace("(x)", "(x * y + 0.1)"),
             {"x": values(_rng(_id), (3, 1), 0.5, 1.0), "y": values(_rng(_id), (4,), 0.5, 1.0)})

for _name, _expr in (("maximum", "np.maximum(x, y)"), ("minimum", "np.minimum(x, y)")):
    for _sx, _sy in [("float", "float"), ((), ()), ((3,), (3,)), ((2, 3), (2, 3)),
                     ((3, 1), (1, 4)), ((4,), (3, 4)), ((2, 3), "float"), ((), (2, 3))]:
        _id = f"{_name}-{shape_id(_sx)}-{shape_id(_sy)}"
        _x, _y = _binary_values(_name, _rng(_id), _sx, _sy)
        add_case(_id, _expr, {"x": _x, "y": _y})
    add_case(f"{_name}-const", _expr.replace("y", "0.1"), {"x": np.array([-1.0, 0.5, 2.0])})

# ---------------------------------------------------------------------------------------------
# Reductions, as functions and methods, over every axis form.

REDUCTIONS = {
    "sum": "np.sum(x{})", "mean": "np.mean(x{})", "max": "np.max(x{})", "min": "np.min(x{})",
    "amax": "np.amax(x{})", "amin": "np.amin(x{})", "sum-method": "x.sum({})",
    "mean-method": "x.mean({})", "max-method": "x.max({})", "min-method": "x.min({})",
}


def _reduction_args(method: bool, axis: Any, keepdims: bool) -> str:
    parts = []
    if axis is not None or keepdims:
        parts.append(f"axis={axis}")
    if keepdims:
        parts.append("keepdims=True")
    text = ", ".join(parts)
    return text if method or not text else ", " + text


for _name, _template in REDUCTIONS.items():
    _method = _name.endswith("method")
    for _axis in (None, 0, 1, -1):
        for _keepdims in (False, True):
            _id = f"{_name}-3x4-axis{_axis}-keepdims{_keepdims}"
            _expr = _template.format(_reduction_args(_method, _axis, _keepdims))
            add_case(_id, _expr, {"x": values(_rng(_id), (3, 4), -2, 2)})
    for _shape, _axis, _keepdims in (
            ((5,), None, False), ((5,), 0, False), ((5,), 0, True), ((2, 3, 4), (0, 2), False),
            ((2, 3, 4), (0, 2), True), ((2, 3, 4), 1, False), ((2, 3, 4), (-1, 0), False),
            ((2, 3, 4), (-1, 0), True), ((), None, False), ((2, 3, 4), None, False)):
        _id = f"{_name}-{shape_id(_shape)}-axis{_axis}".replace(" ", "")
        _id += "-keepdims" * _keepdims
        _expr = _template.format(_reduction_args(_method, _axis, _keepdims))
        add_case(_id, _expr, {"x": values(_rng(_id), _shape, -2, 2)})
    # The axis given positionally.
    _id = f"{_name}-3x4-positional"
    _expr = _template.format("1" if _method else ", 1")
    add_case(_id, _expr, {"x": values(_rng(_id), (3, 4), -2, 2)})

add_case("sum-float", "np.sum(x) * 2.0", {"x": 0.7})
add_case("sum-method-positional-keepdims", "x.sum(0, keepdims=True)",
         {"x": values(_rng("spk"), (3, 4))})
add_case("mean-positional-tuple", "np.mean(x, (0, 2))", {"x": values(_rng("mpt"), (2, 3, 4))})
add_case("max-float", "np.max(x) * 2.0", {"x": 0.7})
add_case("sum-composed", "np.sum(np.sin(x), axis=0)", {"x": values(_rng("sc"), (3, 4))})

# Ties share the derivative equally (autograd's convention); checked against fixed values
# (finite differences do not apply at a tie) and against autograd.
TIES = {
    "maximum-tie": ("np.sum(np.maximum(x, y))", {"x": np.array([1.0, 2.0, 3.0]),
                                         "y": np.array([1.0, 1.0, 4.0])},
                    [np.array([0.5, 1.0, 0.0]), np.array([0.5, 0.0, 1.0])]),
    "minimum-tie": ("np.sum(np.minimum(x, y))", {"x": np.array([1.0, 2.0, 3.0]),
                                         "y": np.array([1.0, 1.0, 4.0])},
                    [np.array([0.5, 0.0, 1.0]), np.array([0.5, 1.0, 0.0])]),
    "max-tie": ("np.max(x)", {"x": np.array([1.0, 3.0, 3.0, 0.0])},
                [np.array([0.0, 0.5, 0.5, 0.0])]),
    "min-tie-axis": ("np.sum(np.min(x, axis=1))", {"x": np.array([[1.0, 1.0, 2.0],
                                                                  [0.0, 1.0, 0.0]])},
                     [np.array([[0.5, 0.5, 0.0], [0.5, 0.0, 0.5]])]),
    "max-method-tie-keepdims": ("np.sum(x.max(axis=0, keepdims=True))",
                                {"x": np.array([[2.0, 1.0], [2.0, 0.0], [2.0, 1.0]])},
                                [np.array([[1 / 3, 0.5], [1 / 3, 0.0], [1 / 3, 0.5]])]),
}
for _id, (_expr, _params, _) in TIES.items():
    add_case(_id, _expr, _params)

# ---------------------------------------------------------------------------------------------
# Shapes: reshape and transpose, as functions, methods and .T.

_x34 = values(_rng("reshape"), (3, 4))
_x234 = values(_rng("transpose"), (2, 3, 4))
RESHAPES = {
    "reshape-tuple": ("np.reshape(x, (4, 3))", _x34),
    "reshape-minus1": ("np.reshape(x, (2, -1))", _x34),
    "reshape-flat": ("np.reshape(x, -1)", _x34),
    "reshape-keyword": ("np.reshape(x, shape=(6, 2))", _x34),
    "reshape-order-F": ("np.reshape(x, (4, 3), order='F')", _x34),
    "reshape-0d": ("np.reshape(x, (1, 1))", np.array(0.3)),
    "reshape-to-0d": ("np.reshape(x, ()) * 2.0", np.array([0.3])),
    "reshape-method-from-shape": ("x.reshape(x.shape[1], x.shape[0])", _x34),
    "reshape-3d": ("np.reshape(x, (4, 6))", _x234),
    "reshape-method-args": ("x.reshape(4, 3)", _x34),
    "reshape-method-tuple": ("x.reshape((6, 2))", _x34),
    "reshape-method-minus1": ("x.reshape(-1)", _x34),
    "reshape-method-3d": ("x.reshape(2, -1, 3)", _x34),
    "reshape-method-order-F": ("x.reshape((4, 3), order='F')", _x34),
    "transpose-2d": ("np.transpose(x)", _x34),
    "transpose-3d": ("np.transpose(x)", _x234),
    "transpose-1d": ("np.transpose(x)", values(_rng("t1"), (5,))),
    "transpose-axes": ("np.transpose(x, (2, 0, 1))", _x234),
    "transpose-axes-keyword": ("np.transpose(x, axes=(1, 2, 0))", _x234),
    "transpose-axes-swap": ("np.transpose(x, (1, 0, 2))", _x234),
    "transpose-axes-negative": ("np.transpose(x, (-1, 0, 1))", _x234),
    "transpose-method-negative": ("x.transpose(-1, 0, 1)", _x234),
    "transpose-method": ("x.transpose()", _x34),
    "transpose-method-3d": ("x.transpose()", _x234),
    "transpose-method-args": ("x.transpose(2, 0, 1)", _x234, "np.transpose(x, (2, 0, 1))"),
    "transpose-method-tuple": ("x.transpose((2, 0, 1))", _x234),
    "T-2d": ("x.T", _x34),
    "T-3d": ("x.T", _x234),
    "T-composed": ("np.sin(x.T) @ x", _x34),
}
for _id, (_expr, _x, *_reference) in RESHAPES.items():
    add_case(_id, _expr, {"x": _x}, autograd_expr=_reference[0] if _reference else None)

# ---------------------------------------------------------------------------------------------
# The math module and builtins, on Python floats.

MATH = {  # name: (expression, x)
    "sin": ("math.sin(x)", 0.7), "cos": ("math.cos(x)", 0.7), "tan": ("math.tan(x)", 0.7),
    "exp": ("math.exp(x)", 0.7), "log": ("math.log(x)", 1.7), "log1p": ("math.log1p(x)", 0.7),
    "sqrt": ("math.sqrt(x)", 1.7), "tanh": ("math.tanh(x)", 0.7),
    "fabs": ("math.fabs(x)", 0.7), "fabs-negative": ("math.fabs(x)", -0.7),
    "pow-const": ("math.pow(x, 2.5)", 1.7), "pow-constbase": ("math.pow(2.5, x)", 0.7),
    "pow-negative-base": ("math.pow(x, 2.0)", -1.3),
}
for _name, (_expr, _x) in MATH.items():
    add_case(f"math-{_name}", _expr, {"x": _x})
add_case("math-pow", "math.pow(x, y)", {"x": 1.3, "y": 0.7})
add_case("math-pow-exponent-arg", "math.pow(x, p)", {"x": -1.3, "p": 3.0}, wrt=(0,))
add_case("pow-float-negative-base", "x ** 3.0 + x ** 2", {"x": -1.3})
add_case("math-composed", "math.sin(x) * math.exp(y) + math.log(x * y)", {"x": 1.3, "y": 0.7})

add_case("float-f", "float(x) * 3.0", {"x": 0.7}, autograd=False)
add_case("float-0d", "float(x) * 3.0", {"x": np.array(0.7)}, autograd=False)
add_case("float-composed", "float(x * y) ** 2", {"x": 0.7, "y": 1.3}, autograd=False)
for _shape in ("float", (), (3,), (2, 3)):
    _id = f"builtin-abs-{shape_id(_shape)}"
    add_case(_id, "abs(x)", {"x": values(_rng(_id), _shape, 0.2, 2, signed=True)})

# ---------------------------------------------------------------------------------------------
# Subscripts and slices.

_x5 = values(_rng("sub5"), (5,))
_x45 = values(_rng("sub45"), (4, 5))
SUBSCRIPTS = {
    "index-0": ("x[0]", _x5),
    "index-last": ("x[-1]", _x5),
    "index-row": ("x[0]", _x45),
    "index-2d": ("x[1, 2]", _x45),
    "slice": ("x[1:3]", _x5),
    "slice-column": ("x[:, 0]", _x45),
    "slice-reverse": ("x[::-1]", _x5),
    "slice-step-2d": ("x[1:, ::2]", _x45),
    "slice-ellipsis": ("x[..., 1]", _x234),
    "slice-newaxis": ("x[None, :]", _x5),
    "slice-newaxis-last": ("x[:, None]", _x5),
    "index-0d": ("x[()]", np.array(0.4)),
    "fancy-repeated": ("x[np.array([0, 0, 2])]", _x5),
    "fancy-negative": ("x[np.array([-1, 4, 1])]", _x5),
    "fancy-list": ("x[[0, 0, 2]]", _x5),
    "fancy-2d": ("x[np.array([0, 0, 3]), np.array([1, 1, 4])]", _x45),
    "fancy-rows": ("x[np.array([2, 0, 2])]", _x45),
    "fancy-mixed": ("x[np.array([1, 1]), 1:3]", _x45),
    "mask": ("x[x > 0]", _x5),
    "index-twice": ("x[0] * x[0] + x[1] * x[3]", _x5),
    "index-of-result": ("np.sin(x)[1:3, 0]", _x45),
}
for _id, (_expr, _x) in SUBSCRIPTS.items():
    add_case(f"getitem-{_id}", _expr, {"x": _x})
add_case("getitem-index-arg", "x[i] * 2.0", {"x": _x5, "i": 3})
add_case("getitem-index-array-arg", "x[i]", {"x": _x5, "i": np.array([4, 1, 4])})

# ---------------------------------------------------------------------------------------------
# Non-differentiable functions inside differentiated code: their results are constants.

NON_DIFFERENTIABLE = {
    "shape": "np.sum(x * x.shape[0])",
    "shape-1": "np.sum(x) * x.shape[1]",
    "len": "np.sum(x) * len(x)",
    "np-shape": "np.sum(x ** 2) / np.shape(x)[0]",
    "ndim-size": "np.sum(x * x.ndim) / x.size",
    "argmax": "x[np.argmax(x) // 4, np.argmax(x) % 4] * 2.0",
    "argmax-axis": "np.sum(x[np.argmax(x, axis=0), np.arange(4)])",
    "argmin-method": "x[x.argmin() // 4, x.argmin() % 4]",
    "zeros_like": "np.sum((np.zeros_like(x) + x) * 2.0)",
    "ones_like": "np.sum(np.ones_like(x) * x)",
    "zeros": "np.sum(np.zeros(x.shape) + x ** 2)",
    "sign": "np.sum(np.sign(x) * x)",
    "floor": "np.sum(np.floor(x * 3.0) + x)",
    "compare": "np.sum(x * (x > 0.0))",
}
_xnd = values(_rng("nondiff"), (3, 4), 0.05, 1.0, signed=True)
_xnd = _xnd + 0.01 * np.sign(_xnd)  # nothing near a kink of floor(3x) or sign
while np.any(np.abs(3 * _xnd - np.round(3 * _xnd)) < 0.05):
    _xnd = _xnd * 1.01
for _id, _expr in NON_DIFFERENTIABLE.items():
    add_case(f"nondiff-{_id}", _expr, {"x": _xnd})

# A function of several statements mixing all of the above.
add_case("program", "", {"x": values(_rng("program"), (3, 4)), "y": values(_rng("p2"), (4,))},
         body="    n = x.shape[0]\n"
              "    z = np.tanh(x @ y) / n\n"
              "    z = z + np.max(x, axis=1) * z\n"
              "    s = np.sum(z ** 2)\n"
              "    return s + np.mean(x.T[1:] * y[1:, None])\n")

# ---------------------------------------------------------------------------------------------
# Which case tests each rule in the registry (the representative compared with autograd).

COVERAGE: dict[Any, str] = {
    float: "float-composed",
    abs: "builtin-abs-2x3",
    math.sin: "math-sin", math.cos: "math-cos", math.tan: "math-tan", math.exp: "math-exp",
    math.log: "math-log", math.log1p: "math-log1p", math.sqrt: "math-sqrt",
    math.tanh: "math-tanh", math.fabs: "math-fabs-negative", math.pow: "math-pow",
    np.sin: "sin-composed", np.cos: "cos-composed", np.tan: "tan-composed",
    np.exp: "exp-composed", np.log: "log-composed", np.log1p: "log1p-composed",
    np.sqrt: "sqrt-composed", np.tanh: "tanh-composed", np.abs: "abs-2x3",
    np.negative: "negative-composed",
    np.maximum: "maximum-3x1-1x4", np.minimum: "minimum-4-3x4",
    np.dot: "dot-2x3x4-4x5", np.ndarray.dot: "dot-method-2x3-3x4",
    np.sum: "sum-2x3x4-axis(0,2)", np.ndarray.sum: "sum-method-3x4-axis-1-keepdimsTrue",
    np.mean: "mean-3x4-axis1-keepdimsTrue", np.ndarray.mean: "mean-method-3x4-axis0-keepdimsFalse",
    np.max: "max-3x4-axis0-keepdimsFalse", np.amax: "amax-3x4-axis-1-keepdimsTrue",
    np.ndarray.max: "max-method-3x4-axis1-keepdimsFalse",
    np.min: "min-3x4-axis1-keepdimsTrue", np.amin: "amin-3x4-axisNone-keepdimsTrue",
    np.ndarray.min: "min-method-3x4-axis0-keepdimsTrue",
    np.reshape: "reshape-minus1", np.ndarray.reshape: "reshape-method-3d",
    np.transpose: "transpose-axes", np.ndarray.transpose: "transpose-method-args",
    operator.add: "add-3x1-1x4", operator.sub: "sub-4-3x4", operator.mul: "mul-2x1x3-4x1",
    operator.truediv: "truediv-3x4-4", operator.pow: "pow-3x1-1x4",
    operator.mod: "mod-3x1-1x4", operator.matmul: "matmul-op-2x3x4-4x5",
    np.matmul: "matmul-np-2x1x3x4-3x4x2", operator.neg: "neg-2x3", operator.pos: "pos-2x3",
    operator.getitem: "getitem-fancy-2d",
}

# Cases that fail because of a tangentlike bug: case id (or (case id, mode id)) -> reason.
XFAIL: dict[Any, str] = {}  # case id (or (case id, mode id)) -> reason, for known bugs


def _params(case_ids: list[str], modes: bool = True) -> list[Any]:
    out = []
    for case_id in case_ids:
        for mode, mode_id in zip(MODES, MODE_IDS) if modes else [((True, "joint"), "")]:
            reason = XFAIL.get((case_id, mode_id)) or XFAIL.get(case_id)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(case_id, *mode, marks=marks,
                                    id=f"{case_id}-{mode_id}" if modes else case_id))
    return out


FD_CASES = [c for c in CASES if c not in TIES]


@pytest.mark.parametrize("case_id, optimized, motion", _params(FD_CASES))
def test_rule_against_finite_differences(case_id: str, optimized: bool, motion: str) -> None:
    case = CASES[case_id]
    check_grad(case.func, case.args, case.wrt, optimized=optimized, motion=motion)


@pytest.mark.parametrize("case_id, optimized, motion", _params(list(TIES)))
def test_ties_share_the_derivative(case_id: str, optimized: bool, motion: str) -> None:
    case = CASES[case_id]
    df = tangentlike.grad(case.func, wrt=case.wrt, optimized=optimized, motion=motion)
    got = as_tuple(df(*case.args), len(case.wrt))
    for g, expected in zip(got, TIES[case_id][2]):
        np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-12, err_msg=df.source)


def _autograd_source(source: str) -> str:
    return (source.replace("math.fabs(", "np.abs(").replace("math.pow(", "np.power(")
            .replace("math.", "np."))


AUTOGRAD_CASES = sorted({c for c in [*COVERAGE.values(), *TIES] if CASES[c].autograd}
                        | {c for c in CASES if c.startswith(("nondiff-", "getitem-", "program"))
                           and CASES[c].autograd})


@pytest.mark.parametrize("case_id, optimized, motion", _params(AUTOGRAD_CASES))
def test_rule_against_autograd(case_id: str, optimized: bool, motion: str) -> None:
    autograd = pytest.importorskip("autograd")
    case = CASES[case_id]
    reference = make_function(_autograd_source(case.autograd_source or case.source),
                              numpy="autograd")
    df = tangentlike.grad(case.func, wrt=case.wrt, optimized=optimized, motion=motion)
    got = as_tuple(df(*case.args), len(case.wrt))
    for i, g in zip(case.wrt, got):
        expected = autograd.grad(reference, i)(*case.args)
        assert np.shape(g) == np.shape(expected), df.source
        np.testing.assert_allclose(g, expected, rtol=1e-9, atol=1e-12, err_msg=df.source)


def test_every_registered_rule_is_covered() -> None:
    """Every rule shipped in templates/ (users' own rules registered by other tests aside),
    unless tests/rules/test_numpy_rules.py covers it.
    The rules of the runtime helpers (templates/runtime_helpers.py) are covered in
    tests/rules/test_tangent_rules.py: finite differences of their tangents, and each adjoint
    checked against its tangent (<J v, u> == <v, J^T u>)."""
    shipped = [p for p, rule in ADJOINTS.items()
               if rule.function.__module__.startswith("tangentlike.templates")
               and not rule.function.__module__.endswith("runtime_helpers")]
    assert len(shipped) > 40
    rule_cases.load_all()  # the rules tested in tests/rules/test_numpy_rules.py
    missing = [describe(p) for p in shipped if p not in COVERAGE and p not in rule_cases.covered()]
    assert not missing, f"derivative rules without a test case in COVERAGE: {missing}"
    unknown = {describe(p): c for p, c in COVERAGE.items() if c not in CASES}
    assert not unknown, f"COVERAGE names cases that do not exist: {unknown}"


def test_every_case_runs_in_every_mode() -> None:
    assert sorted(MODES) == sorted((o, m) for o in (True, False) for m in ("joint", "split"))
    assert set(COVERAGE.values()) <= set(FD_CASES) | set(TIES)


# ---------------------------------------------------------------------------------------------
# float32 inputs give float32 gradients.

FLOAT32 = {
    **{f"f32-{name}": (expr, low, high, signed)
       for name, (expr, low, high, signed) in ELEMENTWISE.items()},
    "f32-add": ("x + y", -2, 2, False), "f32-sub": ("x - y", -2, 2, False),
    "f32-mul": ("x * y", -2, 2, False), "f32-truediv": ("x / y", 0.5, 2, False),
    "f32-pow": ("x ** y", 0.5, 2, False), "f32-pow-const": ("x ** 2", -2, 2, False),
    "f32-neg": ("-x", -2, 2, False), "f32-maximum": ("np.maximum(x, 0.1)", 0.2, 2, True),
    "f32-minimum": ("np.minimum(x, y)", -2, 2, False),
    "f32-python-constant": ("np.sin(x) * 2.5 + 1.0", -2, 2, False),
    # Not elementwise, but float32 in should still mean float32 out.
    "f32-sum": ("np.sum(x, axis=0)", -2, 2, False), "f32-mean": ("np.mean(x)", -2, 2, False),
    "f32-max": ("np.max(x)", -2, 2, False), "f32-max-axis": ("x.max(axis=1)", -2, 2, False),
    "f32-matmul": ("x @ y", -2, 2, False), "f32-dot": ("np.dot(x, y)", -2, 2, False),
    "f32-getitem": ("x[0, 1:] * x[np.array([1, 1]), 0]", -2, 2, False),
    "f32-reshape-transpose": ("np.reshape(x, (3, 2)).T", -2, 2, False),
}
for _id, (_expr, _low, _high, _signed) in FLOAT32.items():
    _r = _rng(_id)
    _params32 = {"x": values(_r, (2, 3), _low, _high, _signed, dtype=np.float32)}
    if "y" in _expr:
        _params32["y"] = values(_r, (3,), _low, _high, _signed, dtype=np.float32)
    _case = add_case(_id, _expr, _params32)
    _case.args = tuple(a.astype(np.float32) if isinstance(a, np.ndarray) else a
                       for a in _case.args)


@pytest.mark.parametrize("case_id, optimized, motion", _params(list(FLOAT32)))
def test_float32_gradients_stay_float32(case_id: str, optimized: bool, motion: str) -> None:
    case = CASES[case_id]
    df = tangentlike.grad(case.func, wrt=case.wrt, optimized=optimized, motion=motion)
    got = as_tuple(df(*case.args), len(case.wrt))
    expected = numerical_grad(case.func, case.args, case.wrt)
    for i, g, e in zip(case.wrt, got, expected):
        assert np.shape(g) == case.args[i].shape, df.source
        assert np.asarray(g).dtype == np.float32, f"dtype {np.asarray(g).dtype}\n{df.source}"
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5, err_msg=df.source)


# ---------------------------------------------------------------------------------------------
# Generated code compiles cleanly.


def test_unoptimized_transpose_with_axes_compiles_without_warnings() -> None:
    f = make_function("def f(x, w):\n    return np.sum(np.transpose(x, (1, 2, 0)) * w * 2.0)\n")
    x = values(_rng("warn"), (2, 3, 4))
    w = values(_rng("warn/w"), (3, 4, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = tangentlike.grad(f, optimized=False)
        g = df(x, w)
    np.testing.assert_allclose(g, 2.0 * np.transpose(w, (2, 0, 1)))
