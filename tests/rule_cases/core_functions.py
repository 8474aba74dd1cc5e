"""Core cases, part 3: the math module and builtins, non-differentiable functions, a
program, float32 inputs, the runtime helpers' templates, through forward mode; and which
core case stands for each rule (its representative, also compared with autograd).
"""
from __future__ import annotations

import math
import operator
from typing import Any, NamedTuple

import numpy as np

import rule_cases.core_arrays  # noqa: F401  (the representatives name their cases)
import rule_cases.core_operators
from rule_cases import ALL, CORE, add_core, add_template, draw, rng, shape_id
from tangentlike import runtime
from tangentlike.runtime import pytrees

# ---------------------------------------------------------------------------------------------
# The math module and builtins, on Python floats.

MATH = {  # name: (primitive, expression, x); a None expression: template only
    "sin": (math.sin, "math.sin(x)", 0.7), "cos": (math.cos, "math.cos(x)", 0.7),
    "tan": (math.tan, "math.tan(x)", 0.7), "exp": (math.exp, "math.exp(x)", 0.7),
    "log": (math.log, "math.log(x)", 1.7), "log1p": (math.log1p, "math.log1p(x)", 0.7),
    "sqrt": (math.sqrt, "math.sqrt(x)", 1.7), "tanh": (math.tanh, "math.tanh(x)", 0.7),
    "fabs": (math.fabs, "math.fabs(x)", 0.7),
    "fabs-negative": (math.fabs, "math.fabs(x)", -0.7),
    "sin-negative": (math.sin, None, -2.3),
}
for _name, (_prim, _expr, _x) in MATH.items():
    if _expr is not None:
        add_core(f"math-{_name}", _expr, {"x": _x})
    add_template(f"math-{_name}", _prim, _x)
add_core("math-pow-const", "math.pow(x, 2.5)", {"x": 1.7})
add_template("math-pow-const", math.pow, 1.7, 2.5, wrt=(0,))
add_core("math-pow-constbase", "math.pow(2.5, x)", {"x": 0.7})
add_template("math-pow-constbase", math.pow, 2.5, 0.7, wrt=(1,))
add_core("math-pow-negative-base", "math.pow(x, 2.0)", {"x": -1.3})
add_template("math-pow-negative-base", math.pow, -1.3, 3.0, wrt=(0,))
add_core("math-pow", "math.pow(x, y)", {"x": 1.3, "y": 0.7})
add_template("math-pow", math.pow, 1.3, 0.7)
add_core("math-pow-exponent-arg", "math.pow(x, p)", {"x": -1.3, "p": 3.0}, wrt=(0,))
add_core("pow-float-negative-base", "x ** 3.0 + x ** 2", {"x": -1.3})
add_core("math-composed", "math.sin(x) * math.exp(y) + math.log(x * y)", {"x": 1.3, "y": 0.7})
add_template("math-copysign", math.copysign, -0.7, 2.0, wrt=(0,))

add_core("float-f", "float(x) * 3.0", {"x": 0.7}, autograd=False)
add_template("float-f", float, 0.7)
add_core("float-0d", "float(x) * 3.0", {"x": np.array(0.7)}, autograd=False)
add_template("float-0d", float, np.array(0.7))
add_template("float-npscalar", float, np.float64(0.7))
add_core("float-composed", "float(x * y) ** 2", {"x": 0.7, "y": 1.3}, autograd=False)
for _shape in ("float", (), (3,), (2, 3)):
    _id = f"builtin-abs-{shape_id(_shape)}"
    _x = draw(rng(_id), _shape, 0.2, 2, signed=True)
    add_core(_id, "abs(x)", {"x": _x})
    add_template(_id, abs, _x)

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
_xnd = draw(rng("nondiff"), (3, 4), 0.05, 1.0, signed=True)
_xnd = _xnd + 0.01 * np.sign(_xnd)  # nothing near a kink of floor(3x) or sign
while np.any(np.abs(3 * _xnd - np.round(3 * _xnd)) < 0.05):
    _xnd = _xnd * 1.01
for _id, _expr in NON_DIFFERENTIABLE.items():
    add_core(f"nondiff-{_id}", _expr, {"x": _xnd})

# A function of several statements mixing all of the above.
add_core("program", "", {"x": draw(rng("program"), (3, 4)), "y": draw(rng("p2"), (4,))},
         body="    n = x.shape[0]\n"
              "    z = np.tanh(x @ y) / n\n"
              "    z = z + np.max(x, axis=1) * z\n"
              "    s = np.sum(z ** 2)\n"
              "    return s + np.mean(x.T[1:] * y[1:, None])\n")

# ---------------------------------------------------------------------------------------------
# float32 inputs give float32 gradients (end to end, against finite differences).

FLOAT32 = {
    **{f"f32-{name}": (expr, low, high, signed) for name, (_, expr, low, high, signed)
       in rule_cases.core_operators.ELEMENTWISE.items()},
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
    _r = rng(_id)
    _params = {"x": draw(_r, (2, 3), _low, _high, _signed, dtype=np.float32)}
    if "y" in _expr:
        _params["y"] = draw(_r, (3,), _low, _high, _signed, dtype=np.float32)
    _case = add_core(_id, _expr, _params, autograd=False, suite="float32")
    _case.args = tuple(a.astype(np.float32) if isinstance(a, np.ndarray) else a
                       for a in _case.args)

# ---------------------------------------------------------------------------------------------
# The helpers generated code calls, so that derivatives can be differentiated again
# (templates only).



class _Pair(NamedTuple):  # a pytree for the field helpers
    W: Any
    b: Any


_r = rng("runtime")
_g34, _x34, _x14 = draw(_r, (3, 4)), draw(_r, (3, 4)), draw(_r, (1, 4))
_a34, _b45, _g35 = draw(_r, (3, 4)), draw(_r, (4, 5)), draw(_r, (3, 5))
add_template("rt-seed", runtime.seed, draw(_r, 3), draw(_r, 3), wrt=(0,))
add_template("rt-copy_of", runtime.copy_of, draw(_r, (2, 3)))
add_template("rt-keep_dtype", runtime.keep_dtype, draw(_r, (2, 3)), draw(_r, (2, 3)), wrt=(0,))
add_template("rt-unbroadcast", runtime.unbroadcast, _g34, _x14, wrt=(0,))
add_template("rt-broadcast_like", runtime.broadcast_like, _x14, _g34, wrt=(0,))
add_template("rt-unreduce-axis", runtime.unreduce, draw(_r, 3), _x34, 1, False, wrt=(0,))
add_template("rt-unreduce-all", runtime.unreduce, 1.5, _x34, wrt=(0,))
add_template("rt-unreduce_extremum", runtime.unreduce_extremum, draw(_r, 4), _x34,
             np.max(_x34, axis=0), 0, False, wrt=(0,))
add_template("rt-reduce_extremum", runtime.reduce_extremum, _x34, _x34, np.max(_x34, axis=1),
             1, False, wrt=(0,))
add_template("rt-unindex", runtime.unindex, draw(_r, 2), draw(_r, 5), slice(1, 3), wrt=(0,))
add_template("rt-unelement", runtime.unelement, draw(_r, 3), draw(_r, (4, 3)), 2, wrt=(0,))
add_template("rt-add_element", runtime.add_element, draw(_r, (4, 3)), draw(_r, 3), draw(_r, (4, 3)),
             2, wrt=(0, 1))
add_template("rt-add_item", runtime.add_item, draw(_r, 5), draw(_r, 2), draw(_r, 5), slice(1, 3),
             wrt=(0, 1))
add_template("rt-element_tangent", runtime.element_tangent, draw(_r, (4, 3)), 1, wrt=(0,))
add_template("rt-zero_at", runtime.zero_at, draw(_r, 5), 2, wrt=(0,))
add_template("rt-set_at", runtime.set_at, draw(_r, 5), slice(1, 3), draw(_r, 2), wrt=(0, 2))
add_template("rt-matmul_adjoint_a", runtime.matmul_adjoint_a, _g35, _a34, _b45, wrt=(0, 2))
add_template("rt-matmul_adjoint_b", runtime.matmul_adjoint_b, _g35, _a34, _b45, wrt=(0, 1))
add_template("rt-dot_adjoint_a", runtime.dot_adjoint_a, _g35, _a34, _b45, wrt=(0, 2))
add_template("rt-dot_adjoint_b", runtime.dot_adjoint_b, _g35, _a34, _b45, wrt=(0, 1))
add_template("rt-add_grad", runtime.add_grad, draw(_r, 3), draw(_r, 3))
add_template("rt-appended", runtime.appended, [draw(_r, 3), draw(_r, 2)], draw(_r, 4),
             wrt=(0, 1))
add_template("rt-field_of", pytrees.field_of, _Pair(draw(_r, 3), draw(_r, 2)),
             _Pair(draw(_r, 3), draw(_r, 2)), "b", wrt=(0,))
add_template("rt-unfield", pytrees.unfield, draw(_r, 3), _Pair(draw(_r, 3), draw(_r, 2)), "W",
             wrt=(0,))
add_template("rt-without_fields", pytrees.without_fields, _Pair(draw(_r, 3), draw(_r, 2)),
             _Pair(draw(_r, 3), draw(_r, 2)), ("W",), wrt=(0,))
add_template("getattr-field", getattr, _Pair(draw(_r, 3), draw(_r, 2)), "b", wrt=(0,))
add_template("rt-concat", runtime.concat, (draw(_r, 3), draw(_r, 2)), (draw(_r, 4),),
             wrt=(0, 1))
add_template("rt-concat-lists", runtime.concat, [draw(_r, (2, 2))], [draw(_r, 3), 1.5],
             wrt=(0, 1))

# ---------------------------------------------------------------------------------------------
# Through the real forward mode: a few programs per file of rules, against finite differences
# (the result not weighted: every output is compared).

_r = rng("forward")
_a34, _b4, _c31 = draw(_r, (3, 4), 0.5, 2), draw(_r, (4,), 0.5, 2), draw(_r, (3, 1), -1, 1)
FORWARD = {  # id: (expression of x and y, arguments)
    "arithmetic": ("x * y - x / y + x ** y + (-x) % 0.7 + (+y)", (_a34, _b4)),
    "pow-mod-arg": ("x ** 2 + 3.0 ** y + x % y", (_a34, _b4)),
    "elementwise": ("np.sin(x) * np.cos(y) + np.tan(x / 4) + np.exp(y) * np.log(x) "
                    "+ np.log1p(x) + np.sqrt(y) + np.tanh(x) + np.abs(x - 1.2) "
                    "+ np.negative(y)", (_a34, _b4)),
    "maximum-minimum": ("np.maximum(x, y) * np.minimum(y, 1.0)", (_a34, _b4)),
    "products": ("x @ y + np.matmul(x, y) + np.dot(x, y) + x.dot(y)", (_a34, _b4)),
    "matrix-products": ("np.sum(x.T @ (x * y) + np.dot(y[:, None], y[None, :]))", (_a34, _b4)),
    "reductions": ("np.sum(x, axis=0) * np.mean(x) + x.sum(0) + x.mean(axis=0, keepdims=True) "
                   "+ np.max(x * y, axis=0) + np.amin(x) + x.max(0) + x.min(axis=0) "
                   "+ np.amax(y) + np.min(y)", (_a34, _b4)),
    "shapes": ("(np.reshape(x, (4, 3)) @ y[:3])[:3] + x.reshape(2, 6).T.reshape(-1)[:3] "
               "+ np.transpose(x)[:3, 0] + x.transpose(1, 0)[0, :3] "
               "+ x.transpose((1, 0))[1, :3] + np.reshape(x, (4, 3), order='F')[0]",
               (_a34, _b4)),
    "subscripts": ("x[0] * y + x[np.array([2, 0, 2]), 1:].sum(axis=0) @ np.ones((3, 4)) "
                   "+ x[x > 1.0].sum()", (_a34, _b4)),
    "math-builtins": ("math.sin(x) * math.cos(y) + math.tan(x) + math.exp(y) + math.log(x) "
                      "+ math.log1p(y) + math.sqrt(x) + math.tanh(y) + math.fabs(-x) "
                      "+ math.pow(x, y) + float(x * y) + abs(x - 2.0)", (1.3, 0.7)),
    "broadcast": ("x + y * 2.0 - x", (_c31, _b4)),
}
for _id, (_expr, (_x, _y)) in FORWARD.items():
    add_core(f"forward-{_id}", "", {"x": _x, "y": _y}, body=f"    return {_expr}\n",
             autograd=False, suite="forward")

# ---------------------------------------------------------------------------------------------
# The representative of each rule: it covers the rule and is compared with autograd, in all
# four modes, as are the ties, the non-differentiable functions, subscripts and the program.

REPRESENTATIVES: dict[Any, str] = {
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


def _autograd_source(source: str) -> str:
    """autograd has no ``math`` module: its NumPy functions instead."""
    return (source.replace("math.fabs(", "np.abs(").replace("math.pow(", "np.power(")
            .replace("math.", "np."))


def represent() -> None:
    """Cover each rule by its representative; compare only the representatives, the ties,
    the non-differentiable functions, subscripts and the program with autograd."""
    for prim, case_id in REPRESENTATIVES.items():
        case = ALL[CORE + case_id]
        assert case.suite == "core", case_id
        case.covers += (prim,)
    for case in ALL.values():
        if case.suite != "core" or case.autograd_source is None:
            continue
        name = case.id.removeprefix(CORE)
        if case.covers or case.expected is not None or name.startswith(
                ("nondiff-", "getitem-", "program")):
            case.autograd_source = _autograd_source(case.autograd_source)
        else:
            case.autograd_source = None


represent()
