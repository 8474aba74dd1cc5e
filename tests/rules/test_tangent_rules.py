"""Every forward-mode (tangent) rule, tested on its template directly, without forward mode.

A small harness executes a registered template numerically: its source (``Rule.node``) is
rewritten so that ``d[name]`` reads a dict of derivatives, and each statement ``d[t] = e`` is a
contribution to ``t``.  For a tangent rule, a statement that reads the tangent of an argument
carrying none is skipped and the remaining contributions are summed, as forward mode does at
a call site; for an adjoint rule, a statement writing the adjoint of an inactive argument is
skipped and the contributions to each argument are summed.

Each case ``prim(*args, **kwargs)`` is checked, for all its float arguments together and for
each alone:

* against central finite differences of the primitive along a random direction, in float64
  (``h = 1e-6``; ``|jvp - fd| <= 1e-6 + 1e-5 |fd|``);
* against the primitive's adjoint by the dot-product test ``<J v, u> == <v, J^T u>`` (to
  ``1e-10`` relative to ``sum |terms|``), which also holds at ties (forward and reverse mode
  share a tie equally);
* each contribution already has the result's shape (each adjoint contribution its
  argument's), and float32 inputs give float32 tangents.

A walk over the registry checks that every adjoint shipped in ``templates/`` has a tangent
with the same signature, written one contribution per argument, and a case here.
"""
from __future__ import annotations

import ast
import copy
import math
import operator
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast
import numpy as np
import pytest
import rule_cases

import tangentlike  # noqa: F401  (registers the rules)
from tangentlike import runtime
from tangentlike.rules.registry import ADJOINTS, TANGENTS, Rule, describe

H = 1e-6
FD_RTOL, FD_ATOL = 1e-5, 1e-6
DOT_RTOL = 1e-10

# ---------------------------------------------------------------------------------------------
# The harness: a template as a Python function that reports its contributions.


def _is_derivative(node: ast.AST) -> bool:
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
            and node.value.id == "d")


class _ReadDerivatives(ast.NodeTransformer):
    """``d[x]`` becomes ``_d['x']``."""

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        self.generic_visit(node)
        if _is_derivative(node):
            return ast.Subscript(value=ast.Name(id="_d", ctx=ast.Load()),
                                 slice=ast.Constant(node.slice.id), ctx=ast.Load())
        return node


class _Contributions(ast.NodeTransformer):
    """``d[t] = e`` becomes ``_contribute('t', (names read as d[...] in e), lambda: e)``."""

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        if len(node.targets) == 1 and _is_derivative(node.targets[0]):
            target = node.targets[0].slice.id
            reads = sorted({s.slice.id for s in ast.walk(node.value) if _is_derivative(s)})
            value = _ReadDerivatives().visit(node.value)
            lam = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=None,
                                                kwonlyargs=[], kw_defaults=[], kwarg=None,
                                                defaults=[]), body=value)
            call = ast.Call(func=ast.Name(id="_contribute", ctx=ast.Load()),
                            args=[ast.Constant(target),
                                  ast.Tuple(elts=[ast.Constant(r) for r in reads],
                                            ctx=ast.Load()), lam], keywords=[])
            return ast.Expr(value=call)
        return _ReadDerivatives().visit(node)


@dataclass
class Executable:
    """A template compiled as ``_rule(result, *args, _d, _contribute, **kwargs)``."""

    rule: Rule
    source: str
    function: Callable
    positional: list[str] = field(default_factory=list)  # parameter names after the result


_compiled: dict[int, Executable] = {}


def executable(rule: Rule) -> Executable:
    if id(rule) in _compiled:
        return _compiled[id(rule)]
    fn = gast.gast_to_ast(copy.deepcopy(rule.node))
    fn.name = "_rule"
    fn.decorator_list = []
    fn.returns = None
    fn.args.kwonlyargs += [ast.arg(arg="_d"), ast.arg(arg="_contribute")]
    fn.args.kw_defaults += [None, None]
    fn.body = [_Contributions().visit(s) for s in fn.body]
    module = ast.fix_missing_locations(ast.Module(body=[fn], type_ignores=[]))
    source = ast.unparse(module)
    namespace = dict(rule.globals)
    exec(compile(source, f"<{rule.kind} {rule.function.__name__}>", "exec"), namespace)
    params = [p.name for p in rule.signature.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    out = _compiled[id(rule)] = Executable(rule, source, namespace["_rule"], params)
    return out


def _add(total: Any, contribution: Any) -> Any:
    if total is None:
        return contribution
    if isinstance(total, (tuple, list)):
        return type(total)(_add(a, b) for a, b in zip(total, contribution))
    if isinstance(total, dict):
        return {k: _add(total[k], contribution[k]) for k in total}
    return total + contribution


def run_tangent(prim: Any, result: Any, args: tuple, kwargs: dict,
                tangents: dict[int, Any]) -> tuple[Any, list[Any]]:
    """The template's tangent of ``result`` given the tangents of some positional arguments,
    and the contributions it summed."""
    ex = executable(TANGENTS[prim])
    d = {ex.positional[i]: t for i, t in tangents.items()}
    contributions: list[Any] = []

    def contribute(target: str, reads: tuple[str, ...], value: Callable[[], Any]) -> None:
        assert target == ex.rule.result, f"a tangent rule writes d[{target}]\n{ex.source}"
        if all(r in d for r in reads):
            contributions.append(value())

    ex.function(result, *args, _d=d, _contribute=contribute, **kwargs)
    total = None
    for c in contributions:
        total = _add(total, c)
    return total, contributions


def run_adjoint(prim: Any, result: Any, args: tuple, kwargs: dict, seed: Any,
                active: tuple[int, ...]) -> dict[int, Any]:
    """The template's adjoints of the active positional arguments for the result's ``seed``;
    each contribution is checked to have its argument's shape."""
    ex = executable(ADJOINTS[prim])
    names = {ex.positional[i]: i for i in active}
    out: dict[int, Any] = {}

    def contribute(target: str, reads: tuple[str, ...], value: Callable[[], Any]) -> None:
        if target in names:
            assert set(reads) <= {ex.rule.result}, ex.source
            c = value()
            i = names[target]
            assert shape_of(c) == shape_of(args[i]), (
                f"adjoint contribution of shape {shape_of(c)} to {target} of shape "
                f"{shape_of(args[i])}\n{ex.source}")
            out[i] = _add(out.get(i), c)

    ex.function(result, *args, _d={ex.rule.result: seed}, _contribute=contribute, **kwargs)
    return out


# ---------------------------------------------------------------------------------------------
# Values, directions, inner products (arrays, floats and containers of them).


def shape_of(x: Any) -> Any:
    if isinstance(x, (tuple, list)):
        return type(x)(shape_of(v) for v in x)
    if isinstance(x, dict):
        return {k: shape_of(v) for k, v in x.items()}
    return np.shape(x)


def _is_float(x: Any) -> bool:
    if isinstance(x, (tuple, list)):
        return bool(x) and all(_is_float(v) for v in x)
    if isinstance(x, dict):
        return bool(x) and all(_is_float(v) for v in x.values())
    if isinstance(x, bool):
        return False
    return isinstance(x, (float, np.floating)) or (
        isinstance(x, np.ndarray) and x.dtype.kind == "f")


def direction(rng: np.random.Generator, x: Any) -> Any:
    """A random direction of the type and shape of ``x``."""
    if isinstance(x, (tuple, list)):
        return type(x)(direction(rng, v) for v in x)
    if isinstance(x, dict):
        return {k: direction(rng, v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return np.asarray(rng.normal(size=x.shape), dtype=x.dtype)
    if isinstance(x, np.generic):
        return x.dtype.type(rng.normal())
    return float(rng.normal())


def axpy(x: Any, a: float, v: Any) -> Any:
    """``x + a v``, keeping ``x``'s type (0-d arrays stay arrays)."""
    if isinstance(x, (tuple, list)):
        return type(x)(axpy(p, a, q) for p, q in zip(x, v))
    if isinstance(x, dict):
        return {k: axpy(x[k], a, v[k]) for k in x}
    if isinstance(x, np.ndarray):
        return np.asarray(x + a * v, dtype=x.dtype)
    return type(x)(x + a * v)


def inner(a: Any, b: Any) -> tuple[float, float]:
    """``<a, b>`` and ``sum |a_i b_i|`` (the scale of the rounding error)."""
    if isinstance(a, (tuple, list)):
        parts = [inner(p, q) for p, q in zip(a, b)]
        return sum(p[0] for p in parts), sum(p[1] for p in parts)
    if isinstance(a, dict):
        return inner([a[k] for k in a], [b[k] for k in a])
    assert np.shape(a) == np.shape(b), (np.shape(a), np.shape(b))
    prod = np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)
    return float(np.sum(prod)), float(np.sum(np.abs(prod)))


def _leaves(x: Any) -> list[Any]:
    if isinstance(x, (tuple, list)):
        return [leaf for v in x for leaf in _leaves(v)]
    if isinstance(x, dict):
        return _leaves([x[k] for k in sorted(x)])
    return [x]


def _flat(x: Any) -> np.ndarray:
    if isinstance(x, (tuple, list)):
        return np.concatenate([_flat(v) for v in x]) if x else np.zeros(0)
    if isinstance(x, dict):
        return _flat([x[k] for k in sorted(x)])
    return np.ravel(np.asarray(x, dtype=np.float64))


# ---------------------------------------------------------------------------------------------
# Cases.


@dataclass
class Case:
    id: str
    prim: Any
    args: tuple
    kwargs: dict = field(default_factory=dict)
    wrt: tuple[int, ...] | None = None  # default: every float argument
    tie: Callable[..., Any] | None = None  # at a tie: the expected tangent given directions

    def __post_init__(self) -> None:
        if self.wrt is None:
            self.wrt = tuple(i for i, a in enumerate(self.args) if _is_float(a))
        assert self.wrt, self.id

    def call(self, args: tuple | None = None) -> Any:
        return self.prim(*(self.args if args is None else args), **self.kwargs)


CASES: dict[str, Case] = {}


def add(case_id: str, prim: Any, *args: Any, wrt: tuple[int, ...] | None = None,
        tie: Callable[..., Any] | None = None, **kwargs: Any) -> None:
    assert case_id not in CASES, case_id
    CASES[case_id] = Case(case_id, prim, args, kwargs, wrt, tie)


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode()))


def shape_id(shape: Any) -> str:
    if shape == "float":
        return "f"
    return "x".join(map(str, shape)) if shape else "0d"


def values(rng: np.random.Generator, shape: Any, low: float = -1.0, high: float = 1.0,
           signed: bool = False) -> Any:
    """Uniform in [low, high] (times a random sign if ``signed``): a Python float for shape
    "float", else an array (0-d for ``()``)."""
    size = None if shape == "float" else shape
    v = rng.uniform(low, high, size=size)
    if signed:
        v = v * rng.choice([-1.0, 1.0], size=size)
    return float(v) if shape == "float" else np.asarray(v, dtype=np.float64)


# Python operators, on floats, 0-d arrays, arrays and broadcasting pairs.
BINARY_SHAPES = [
    ("float", "float"), ((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((3, 1), (1, 4)),
    ((4,), (3, 4)), ((3, 4), (4,)), ("float", (3,)), ((2, 3), "float"), ((), (2, 3)),
    ((2, 3), ()), ((2, 1, 3), (4, 1)),
]


def binary_values(op: str, rng: np.random.Generator, sx: Any, sy: Any) -> tuple[Any, Any]:
    if op == "truediv":
        return values(rng, sx, -2, 2), values(rng, sy, 0.5, 2, signed=True)
    if op == "pow":
        return values(rng, sx, 0.5, 2), values(rng, sy, -2, 2)
    if op == "mod":  # away from the jumps of %
        while True:
            x, y = values(rng, sx, -3, 3), values(rng, sy, 0.7, 1.6, signed=True)
            q = np.asarray(x) / np.asarray(y)
            if np.all(np.abs(q - np.round(q)) > 0.05):
                return x, y
    if op in ("maximum", "minimum"):  # away from ties
        while True:
            x, y = values(rng, sx, -2, 2), values(rng, sy, -2, 2)
            if np.all(np.abs(np.asarray(x) - np.asarray(y)) > 0.05):
                return x, y
    return values(rng, sx, -2, 2), values(rng, sy, -2, 2)


BINARY = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
          "truediv": operator.truediv, "pow": operator.pow, "mod": operator.mod,
          "maximum": np.maximum, "minimum": np.minimum}
for _name, _prim in BINARY.items():
    for _sx, _sy in BINARY_SHAPES:
        _id = f"{_name}-{shape_id(_sx)}-{shape_id(_sy)}"
        add(_id, _prim, *binary_values(_name, _rng(_id), _sx, _sy))
add("pow-negative-base-const-exponent", operator.pow, np.array([-1.3, 0.7, -0.4]),
    np.array([2.0, 3.0, 2.0]), wrt=(0,))
add("pow-float-negative-base", operator.pow, -1.3, 3.0, wrt=(0,))
add("pow-int-exponent", operator.pow, values(_rng("pie"), (2, 3), -2, 2), 2)
add("pow-constbase", operator.pow, 2.0, values(_rng("pcb"), (3,), -2, 2), wrt=(1,))
add("mul-int-array", operator.mul, values(_rng("mia"), (2, 3)), np.array([1, 2, 3]))
add("truediv-int-array", operator.truediv, np.array([1, 2, 3]), values(_rng("tia"), (3,), 1, 2))
add("maximum-const", np.maximum, np.array([-1.0, 0.5, 2.0]), 0.1)

# Ties share the derivative equally; ``tie`` gives the expected tangent for the directions.
_xt, _yt = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0])
add("maximum-tie", np.maximum, _xt, _yt,
    tie=lambda vx, vy: np.array([(vx[0] + vy[0]) / 2, vx[1], vy[2]]))
add("minimum-tie", np.minimum, _xt, _yt,
    tie=lambda vx, vy: np.array([(vx[0] + vy[0]) / 2, vy[1], vx[2]]))
add("maximum-tie-float", np.maximum, 1.5, 1.5, tie=lambda vx, vy: (vx + vy) / 2)
add("minimum-tie-broadcast", np.minimum, np.array([[0.5], [2.0]]), np.array([0.5, 1.0]),
    tie=lambda vx, vy: np.array([[(vx[0, 0] + vy[0]) / 2, vx[0, 0]], [vy[0], vy[1]]]))

for _shape in ("float", (), (3,), (2, 3)):
    _x = values(_rng(f"unary-{shape_id(_shape)}"), _shape)
    add(f"neg-{shape_id(_shape)}", operator.neg, _x)
    add(f"pos-{shape_id(_shape)}", operator.pos, _x)

# Products.
MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 3, 4), (2, 4, 5)),
    ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((2, 3, 4), (4,)),
    ((4,), (2, 4, 3)),
]
for _sx, _sy in MATMUL_SHAPES:
    _ids = f"{shape_id(_sx)}-{shape_id(_sy)}"
    _r = _rng(f"matmul-{_ids}")
    _x, _y = values(_r, _sx), values(_r, _sy)
    add(f"matmul-op-{_ids}", operator.matmul, _x, _y)
    add(f"matmul-np-{_ids}", np.matmul, _x, _y)

DOT_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((2, 3, 4), (4, 5)),
    ((2, 3), (2, 3, 4)), ((), (3,)), ((2, 3), ()), ("float", (2, 3)), ("float", "float"),
    ((), ()), ((4, 3), (3, 2)),
]
for _sx, _sy in DOT_SHAPES:
    _ids = f"{shape_id(_sx)}-{shape_id(_sy)}"
    _r = _rng(f"dot-{_ids}")
    _x, _y = values(_r, _sx), values(_r, _sy)
    add(f"dot-{_ids}", np.dot, _x, _y)
    if isinstance(_x, np.ndarray):
        add(f"dot-method-{_ids}", np.ndarray.dot, _x, _y)

# NumPy elementwise functions, each on its domain.
ELEMENTWISE = {  # name: (primitive, low, high, signed)
    "sin": (np.sin, -2, 2, False), "cos": (np.cos, -2, 2, False),
    "tan": (np.tan, -1, 1, False), "exp": (np.exp, -1, 1, False),
    "log": (np.log, 0.5, 2, False), "log1p": (np.log1p, -0.5, 2, False),
    "sqrt": (np.sqrt, 0.5, 2, False), "tanh": (np.tanh, -2, 2, False),
    "abs": (np.abs, 0.2, 2, True), "negative": (np.negative, -2, 2, False),
}
for _name, (_prim, _low, _high, _signed) in ELEMENTWISE.items():
    for _shape in ("float", (), (3,), (2, 3), (2, 1, 3)):
        _id = f"{_name}-{shape_id(_shape)}"
        add(_id, _prim, values(_rng(_id), _shape, _low, _high, _signed))
    add(f"{_name}-npscalar", _prim,
        np.float64(values(_rng(_name), "float", _low, _high, _signed)))

# Reductions, as functions and methods, over every axis form.
REDUCTIONS = {
    "sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "amax": np.amax,
    "amin": np.amin, "sum-method": np.ndarray.sum, "mean-method": np.ndarray.mean,
    "max-method": np.ndarray.max, "min-method": np.ndarray.min,
}
for _name, _prim in REDUCTIONS.items():
    for _axis in (None, 0, 1, -1):
        for _keepdims in (False, True):
            _id = f"{_name}-3x4-axis{_axis}-keepdims{_keepdims}"
            add(_id, _prim, values(_rng(_id), (3, 4), -2, 2), axis=_axis, keepdims=_keepdims)
    for _shape, _axis, _keepdims in (
            ((5,), None, False), ((5,), 0, True), ((2, 3, 4), (0, 2), False),
            ((2, 3, 4), (0, 2), True), ((2, 3, 4), 1, False), ((2, 3, 4), (-1, 0), False),
            ((2, 3, 4), (-1, 0), True), ((), None, False), ((2, 3, 4), None, False)):
        _id = f"{_name}-{shape_id(_shape)}-axis{_axis}".replace(" ", "") + "-keepdims" * _keepdims
        add(_id, _prim, values(_rng(_id), _shape, -2, 2), axis=_axis, keepdims=_keepdims)
    _id = f"{_name}-3x4-positional"
    add(_id, _prim, values(_rng(_id), (3, 4), -2, 2), 1, wrt=(0,))
for _name in ("sum", "mean", "max", "min"):
    add(f"{_name}-float", REDUCTIONS[_name], 0.7)
add("sum-method-positional-keepdims", np.ndarray.sum, values(_rng("spk"), (3, 4)), 0,
    keepdims=True, wrt=(0,))

_vmax = np.array([1.0, 3.0, 3.0, 0.0])
add("max-tie", np.max, _vmax, tie=lambda v: (v[1] + v[2]) / 2)
add("amin-tie-all", np.amin, np.full((2, 2), 0.5), tie=lambda v: np.mean(v))
add("min-tie-axis", np.min, np.array([[1.0, 1.0, 2.0], [0.0, 1.0, 0.0]]), axis=1,
    tie=lambda v: np.array([(v[0, 0] + v[0, 1]) / 2, (v[1, 0] + v[1, 2]) / 2]))
add("max-method-tie-keepdims", np.ndarray.max,
    np.array([[2.0, 1.0], [2.0, 0.0], [2.0, 1.0]]), axis=0, keepdims=True,
    tie=lambda v: np.array([[(v[0, 0] + v[1, 0] + v[2, 0]) / 3, (v[0, 1] + v[2, 1]) / 2]]))
add("max-tie-axes", np.max, np.array([[[1.0, 2.0], [2.0, 0.0]], [[2.0, 2.0], [1.0, 1.0]]]),
    axis=(0, 2), tie=lambda v: np.array([(v[0, 0, 1] + v[1, 0, 0] + v[1, 0, 1]) / 3,
                                         v[0, 1, 0]]))

# Shapes.
_x34 = values(_rng("reshape"), (3, 4))
_x234 = values(_rng("transpose"), (2, 3, 4))
SHAPES = {
    "reshape-tuple": (np.reshape, (_x34, (4, 3)), {}),
    "reshape-minus1": (np.reshape, (_x34, (2, -1)), {}),
    "reshape-flat": (np.reshape, (_x34, -1), {}),
    "reshape-keyword": (np.reshape, (_x34,), {"shape": (6, 2)}),
    "reshape-order-F": (np.reshape, (_x34, (4, 3)), {"order": "F"}),
    "reshape-0d": (np.reshape, (np.array(0.3), (1, 1)), {}),
    "reshape-to-0d": (np.reshape, (np.array([0.3]), ()), {}),
    "reshape-3d": (np.reshape, (_x234, (4, 6)), {}),
    "reshape-method-args": (np.ndarray.reshape, (_x34, 4, 3), {}),
    "reshape-method-tuple": (np.ndarray.reshape, (_x34, (6, 2)), {}),
    "reshape-method-minus1": (np.ndarray.reshape, (_x34, -1), {}),
    "reshape-method-3d": (np.ndarray.reshape, (_x34, 2, -1, 3), {}),
    "reshape-method-order-F": (np.ndarray.reshape, (_x34, (4, 3)), {"order": "F"}),
    "reshape-method-order-F-args": (np.ndarray.reshape, (_x234, 4, 6), {"order": "F"}),
    "transpose-2d": (np.transpose, (_x34,), {}),
    "transpose-3d": (np.transpose, (_x234,), {}),
    "transpose-1d": (np.transpose, (values(_rng("t1"), (5,)),), {}),
    "transpose-0d": (np.transpose, (np.array(0.4),), {}),
    "transpose-axes": (np.transpose, (_x234, (2, 0, 1)), {}),
    "transpose-axes-keyword": (np.transpose, (_x234,), {"axes": (1, 2, 0)}),
    "transpose-axes-list": (np.transpose, (_x234, [1, 0, 2]), {}),
    "transpose-axes-negative": (np.transpose, (_x234, (-1, 0, 1)), {}),
    "transpose-method": (np.ndarray.transpose, (_x34,), {}),
    "transpose-method-3d": (np.ndarray.transpose, (_x234,), {}),
    "transpose-method-none": (np.ndarray.transpose, (_x234, None), {}),
    "transpose-method-args": (np.ndarray.transpose, (_x234, 2, 0, 1), {}),
    "transpose-method-tuple": (np.ndarray.transpose, (_x234, (2, 0, 1)), {}),
    "transpose-method-negative": (np.ndarray.transpose, (_x234, -1, 0, 1), {}),
}
for _id, (_prim, _args, _kwargs) in SHAPES.items():
    add(_id, _prim, *_args, wrt=(0,), **_kwargs)

# The math module and builtins, on Python floats.
MATH = {
    "sin": (math.sin, 0.7), "cos": (math.cos, 0.7), "tan": (math.tan, 0.7),
    "exp": (math.exp, 0.7), "log": (math.log, 1.7), "log1p": (math.log1p, 0.7),
    "sqrt": (math.sqrt, 1.7), "tanh": (math.tanh, 0.7), "fabs": (math.fabs, 0.7),
    "fabs-negative": (math.fabs, -0.7), "sin-negative": (math.sin, -2.3),
}
for _name, (_prim, _x) in MATH.items():
    add(f"math-{_name}", _prim, _x)
add("math-pow", math.pow, 1.3, 0.7)
add("math-pow-const", math.pow, 1.7, 2.5, wrt=(0,))
add("math-pow-constbase", math.pow, 2.5, 0.7, wrt=(1,))
add("math-pow-negative-base", math.pow, -1.3, 3.0, wrt=(0,))

add("float-f", float, 0.7)
add("float-0d", float, np.array(0.7))
add("float-npscalar", float, np.float64(0.7))
for _shape in ("float", (), (3,), (2, 3)):
    _id = f"builtin-abs-{shape_id(_shape)}"
    add(_id, abs, values(_rng(_id), _shape, 0.2, 2, signed=True))

# Subscripts: basic, advanced and boolean indices, and containers.
_x5 = values(_rng("sub5"), (5,))
_x45 = values(_rng("sub45"), (4, 5))
SUBSCRIPTS = {
    "index-0": (_x5, 0), "index-last": (_x5, -1), "index-row": (_x45, 0),
    "index-2d": (_x45, (1, 2)), "slice": (_x5, slice(1, 3)),
    "slice-column": (_x45, (slice(None), 0)), "slice-reverse": (_x5, slice(None, None, -1)),
    "slice-step-2d": (_x45, (slice(1, None), slice(None, None, 2))),
    "slice-ellipsis": (_x234, (Ellipsis, 1)), "slice-newaxis": (_x5, (None, slice(None))),
    "index-0d": (np.array(0.4), ()), "fancy-repeated": (_x5, np.array([0, 0, 2])),
    "fancy-negative": (_x5, np.array([-1, 4, 1])), "fancy-list": (_x5, [0, 0, 2]),
    "fancy-2d": (_x45, (np.array([0, 0, 3]), np.array([1, 1, 4]))),
    "fancy-rows": (_x45, np.array([2, 0, 2])),
    "fancy-mixed": (_x45, (np.array([1, 1]), slice(1, 3))), "mask": (_x5, _x5 > 0),
    "tuple": ((_x5, 0.3, np.array(0.2)), 0), "tuple-float": ((_x5, 0.3), 1),
    "tuple-slice": ((_x5, 0.3, _x45), slice(1, None)), "list": ([0.5, 1.5, -0.2], -1),
    "dict": ({"a": _x5, "b": 0.25}, "a"),
}
for _id, (_x, _index) in SUBSCRIPTS.items():
    add(f"getitem-{_id}", operator.getitem, _x, _index, wrt=(0,))

# The helpers generated code calls, so that derivatives can be differentiated again.
_r = _rng("runtime")
_g34, _x34, _x14 = values(_r, (3, 4)), values(_r, (3, 4)), values(_r, (1, 4))
_a34, _b45, _g35 = values(_r, (3, 4)), values(_r, (4, 5)), values(_r, (3, 5))
add("rt-seed", runtime.seed, values(_r, 3), values(_r, 3), wrt=(0,))
add("rt-copy_of", runtime.copy_of, values(_r, (2, 3)))
add("rt-keep_dtype", runtime.keep_dtype, values(_r, (2, 3)), values(_r, (2, 3)), wrt=(0,))
add("rt-unbroadcast", runtime.unbroadcast, _g34, _x14, wrt=(0,))
add("rt-broadcast_like", runtime.broadcast_like, _x14, _g34, wrt=(0,))
add("rt-unreduce-axis", runtime.unreduce, values(_r, 3), _x34, 1, False, wrt=(0,))
add("rt-unreduce-all", runtime.unreduce, 1.5, _x34, wrt=(0,))
add("rt-unreduce_extremum", runtime.unreduce_extremum, values(_r, 4), _x34,
    np.max(_x34, axis=0), 0, False, wrt=(0,))
add("rt-reduce_extremum", runtime.reduce_extremum, _x34, _x34, np.max(_x34, axis=1), 1,
    False, wrt=(0,))
add("rt-unindex", runtime.unindex, values(_r, 2), values(_r, 5), slice(1, 3), wrt=(0,))
add("rt-zero_at", runtime.zero_at, values(_r, 5), 2, wrt=(0,))
add("rt-set_at", runtime.set_at, values(_r, 5), slice(1, 3), values(_r, 2), wrt=(0, 2))
add("rt-matmul_adjoint_a", runtime.matmul_adjoint_a, _g35, _a34, _b45, wrt=(0, 2))
add("rt-matmul_adjoint_b", runtime.matmul_adjoint_b, _g35, _a34, _b45, wrt=(0, 1))
add("rt-dot_adjoint_a", runtime.dot_adjoint_a, _g35, _a34, _b45, wrt=(0, 2))
add("rt-dot_adjoint_b", runtime.dot_adjoint_b, _g35, _a34, _b45, wrt=(0, 1))
add("math-copysign", math.copysign, -0.7, 2.0, wrt=(0,))
add("rt-add_grad", runtime.add_grad, values(_r, 3), values(_r, 3))
add("rt-appended", runtime.appended, [values(_r, 3), values(_r, 2)], values(_r, 4), wrt=(0, 1))

# Which case stands for each rule in the registry walk.
COVERAGE: dict[Any, str] = {
    runtime.seed: "rt-seed", runtime.copy_of: "rt-copy_of", runtime.keep_dtype: "rt-keep_dtype",
    runtime.unbroadcast: "rt-unbroadcast", runtime.broadcast_like: "rt-broadcast_like",
    runtime.unreduce: "rt-unreduce-axis", runtime.unreduce_extremum: "rt-unreduce_extremum",
    runtime.unindex: "rt-unindex", runtime.reduce_extremum: "rt-reduce_extremum",
    runtime.zero_at: "rt-zero_at", runtime.set_at: "rt-set_at", runtime.appended: "rt-appended",
    runtime.matmul_adjoint_a: "rt-matmul_adjoint_a",
    runtime.matmul_adjoint_b: "rt-matmul_adjoint_b", runtime.dot_adjoint_a: "rt-dot_adjoint_a",
    runtime.dot_adjoint_b: "rt-dot_adjoint_b", math.copysign: "math-copysign",
    runtime.add_grad: "rt-add_grad",
    float: "float-0d", abs: "builtin-abs-2x3",
    math.sin: "math-sin", math.cos: "math-cos", math.tan: "math-tan", math.exp: "math-exp",
    math.log: "math-log", math.log1p: "math-log1p", math.sqrt: "math-sqrt",
    math.tanh: "math-tanh", math.fabs: "math-fabs-negative", math.pow: "math-pow",
    np.sin: "sin-2x3", np.cos: "cos-2x3", np.tan: "tan-2x3", np.exp: "exp-2x3",
    np.log: "log-2x3", np.log1p: "log1p-2x3", np.sqrt: "sqrt-2x3", np.tanh: "tanh-2x3",
    np.abs: "abs-2x3", np.negative: "negative-2x3",
    np.maximum: "maximum-3x1-1x4", np.minimum: "minimum-4-3x4",
    np.dot: "dot-2x3x4-4x5", np.ndarray.dot: "dot-method-2x3-3x4",
    np.sum: "sum-2x3x4-axis(0,2)", np.ndarray.sum: "sum-method-3x4-axis-1-keepdimsTrue",
    np.mean: "mean-3x4-axis1-keepdimsTrue",
    np.ndarray.mean: "mean-method-3x4-axis0-keepdimsFalse",
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


# ---------------------------------------------------------------------------------------------
# Checks.


def _subsets(case: Case) -> list[tuple[int, ...]]:
    """All differentiated arguments together, then each alone."""
    out = [case.wrt]
    if len(case.wrt) > 1:
        out += [(i,) for i in case.wrt]
    return out


def _directions(case: Case, active: tuple[int, ...], salt: str = "") -> dict[int, Any]:
    rng = _rng(f"{case.id}/v/{active}{salt}")
    return {i: direction(rng, case.args[i]) for i in active}


def _jvp(case: Case, tangents: dict[int, Any]) -> Any:
    result = case.call()
    jvp, contributions = run_tangent(case.prim, result, case.args, case.kwargs, tangents)
    source = executable(TANGENTS[case.prim]).source
    assert contributions, f"no contribution for active {sorted(tangents)}\n{source}"
    for c in contributions:
        assert shape_of(c) == shape_of(result), (
            f"a contribution of shape {shape_of(c)} to a result of shape {shape_of(result)}"
            f"\n{source}")
    return jvp


def _finite_difference(case: Case, tangents: dict[int, Any]) -> Any:
    def at(step: float) -> Any:
        args = list(case.args)
        for i, v in tangents.items():
            args[i] = axpy(args[i], step, v)
        return case.call(tuple(args))

    return (_flat(at(H)) - _flat(at(-H))) / (2 * H)


FD_CASES = [c for c in CASES if CASES[c].tie is None]
TIE_CASES = [c for c in CASES if CASES[c].tie is not None]


@pytest.mark.parametrize("case_id", FD_CASES)
def test_tangent_against_finite_differences(case_id: str) -> None:
    case = CASES[case_id]
    for active in _subsets(case):
        tangents = _directions(case, active)
        jvp = _jvp(case, tangents)
        expected = _finite_difference(case, tangents)
        np.testing.assert_allclose(
            _flat(jvp), expected, rtol=FD_RTOL, atol=FD_ATOL,
            err_msg=f"active {active}\n{executable(TANGENTS[case.prim]).source}")


@pytest.mark.parametrize("case_id", list(CASES))
def test_tangent_is_the_transpose_of_the_adjoint(case_id: str) -> None:
    """<J v, u> == <v, J^T u>, with the adjoint template evaluated the same way."""
    case = CASES[case_id]
    result = case.call()
    for active in _subsets(case):
        tangents = _directions(case, active)
        jvp = _jvp(case, tangents)
        u = direction(_rng(f"{case.id}/u"), result)
        adjoints = run_adjoint(case.prim, result, case.args, case.kwargs, u, active)
        assert sorted(adjoints) == sorted(active), executable(ADJOINTS[case.prim]).source
        forward, scale_f = inner(jvp, u)
        backward = [inner(tangents[i], adjoints[i]) for i in active]
        total = sum(b[0] for b in backward)
        scale = max(scale_f, sum(b[1] for b in backward), 1e-300)
        assert abs(forward - total) <= DOT_RTOL * scale, (
            f"<J v, u> = {forward!r} but <v, J^T u> = {total!r} (active {active})\n"
            f"{executable(TANGENTS[case.prim]).source}\n{executable(ADJOINTS[case.prim]).source}")


@pytest.mark.parametrize("case_id", TIE_CASES)
def test_ties_share_the_tangent(case_id: str) -> None:
    case = CASES[case_id]
    tangents = _directions(case, case.wrt)
    jvp = _jvp(case, tangents)
    expected = case.tie(*(tangents[i] for i in case.wrt))
    np.testing.assert_allclose(_flat(jvp), _flat(expected), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case_id", [c for c in CASES if c.startswith("math-")])
def test_math_tangents_stay_python_floats(case_id: str) -> None:
    case = CASES[case_id]
    for active in _subsets(case):
        jvp = _jvp(case, _directions(case, active))
        assert type(jvp) is float, type(jvp)


def _as_float32(x: Any) -> Any:
    if isinstance(x, (tuple, list)):
        return type(x)(_as_float32(v) for v in x)
    if isinstance(x, dict):
        return {k: _as_float32(v) for k, v in x.items()}
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x.astype(np.float32)
    if isinstance(x, (float, np.float64)) and not isinstance(x, bool):
        return np.float32(x)
    return x


FLOAT32_CASES = [c for c in CASES if not c.startswith(("math-", "float-"))]
FLOAT32_XFAIL: dict[str, str] = {}  # case id -> reason, for known float32 leaks


@pytest.mark.parametrize("case_id", [
    pytest.param(c, marks=[pytest.mark.xfail(strict=True, reason=FLOAT32_XFAIL[c])]
                 if c in FLOAT32_XFAIL else []) for c in FLOAT32_CASES])
def test_float32_tangents_stay_float32(case_id: str) -> None:
    """Every float argument (Python floats too) as float32: a float32 result gets a float32
    tangent, for every subset of differentiated arguments."""
    case = CASES[case_id]
    case32 = Case(case.id, case.prim, _as_float32(case.args), case.kwargs, case.wrt, case.tie)
    dtypes = {np.asarray(v).dtype for v in _leaves(case32.call())}
    if dtypes != {np.dtype(np.float32)}:
        pytest.skip(f"the result is {sorted(map(str, dtypes))}, not float32")
    for active in _subsets(case32):
        jvp = _jvp(case32, _directions(case32, active))
        got = [np.asarray(p).dtype for p in _leaves(jvp)]
        assert got == [np.float32] * len(got), (
            f"active {active}: tangent {got}\n{executable(TANGENTS[case.prim]).source}")


# ---------------------------------------------------------------------------------------------
# The registry.

SHIPPED = [p for p, rule in ADJOINTS.items()
           if rule.function.__module__.startswith("tangentlike.templates")]


def test_every_adjoint_has_a_tangent() -> None:
    assert len(SHIPPED) > 40
    missing = [describe(p) for p in SHIPPED if p not in TANGENTS]
    assert not missing, f"adjoints without a tangent rule: {missing}"


def test_every_tangent_is_covered() -> None:
    shipped = [p for p, rule in TANGENTS.items()
               if rule.function.__module__.startswith("tangentlike.templates")]
    rule_cases.load_all()  # the rules tested end to end in tests/rules/test_numpy_rules.py
    missing = [describe(p) for p in shipped if p not in COVERAGE and p not in rule_cases.covered()]
    assert not missing, f"tangent rules without a case in COVERAGE: {missing}"
    wrong = {describe(p): c for p, c in COVERAGE.items()
             if c not in CASES or CASES[c].prim is not p}
    assert not wrong, f"COVERAGE names cases that do not exist or test another rule: {wrong}"
    untested = [describe(p) for p in shipped if p not in rule_cases.covered()
                and not any(case.prim is p for case in CASES.values())]
    assert not untested


@pytest.mark.parametrize("prim", SHIPPED, ids=describe)
def test_tangent_matches_its_adjoint(prim: Any) -> None:
    """Same signature and file as the adjoint; each statement writes d[result] and reads the
    tangent of exactly one argument."""
    tan, adj = TANGENTS[prim], ADJOINTS[prim]
    assert tan.kind == "tangent" and adj.kind == "adjoint"
    assert tan.result == adj.result
    assert str(tan.signature) == str(adj.signature)
    assert tan.function.__module__ == adj.function.__module__
    tree = gast.gast_to_ast(copy.deepcopy(tan.node))
    params = set(tan.signature.parameters)
    written = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(_is_derivative(t) for t in node.targets):
            assert [t.slice.id for t in node.targets] == [tan.result], ast.unparse(node)
            reads = {s.slice.id for s in ast.walk(node.value) if _is_derivative(s)}
            assert len(reads) == 1 and reads <= params, ast.unparse(node)
            written += 1
    assert written
    # A contribution per differentiable argument: as many as the adjoint writes.
    adjoint_tree = gast.gast_to_ast(copy.deepcopy(adj.node))
    adjoint_reads = {t.slice.id for node in ast.walk(adjoint_tree)
                     if isinstance(node, ast.Assign) for t in node.targets if _is_derivative(t)}
    tangent_reads = {s.slice.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                     for s in ast.walk(node.value) if _is_derivative(s)}
    assert tangent_reads == adjoint_reads


# ---------------------------------------------------------------------------------------------
# Through the real forward mode: a few programs per file of rules, against finite differences.

_r = _rng("forward")
_a34, _b4, _c31 = values(_r, (3, 4), 0.5, 2), values(_r, (4,), 0.5, 2), values(_r, (3, 1), -1, 1)
FORWARD = {  # id: (source body expression of x, y, arguments)
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


@pytest.mark.parametrize("case_id", list(FORWARD))
def test_rules_through_forward_mode(case_id: str) -> None:
    support = pytest.importorskip("support")
    expr, args = FORWARD[case_id]
    f = support.make_function(f"def f(x, y):\n    return {expr}\n")
    try:
        df = tangentlike.autodiff(f, wrt=(0, 1), mode="forward")
    except tangentlike.TangentlikeError as exc:  # forward mode still being written
        pytest.skip(f"forward mode: {exc}")
    rng = _rng(f"forward/{case_id}")
    v = [direction(rng, a) for a in args]
    got = df(*args, *v)
    expected = (_flat(f(*(axpy(a, H, t) for a, t in zip(args, v))))
                - _flat(f(*(axpy(a, -H, t) for a, t in zip(args, v))))) / (2 * H)
    np.testing.assert_allclose(_flat(got), expected, rtol=FD_RTOL, atol=FD_ATOL,
                               err_msg=df.source)
