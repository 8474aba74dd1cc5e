"""The machinery shared by the rule tests: templates run as Python functions, directions,
inner products and finite differences, over the cases of ``tests/rule_cases/``.

A registered template runs numerically: its source (``Rule.node``) is rewritten so that
``d[name]`` reads a dict of derivatives, and each statement ``d[t] = e`` is a contribution to
``t``.  For a tangent rule, a statement that reads the tangent of an argument carrying none
is skipped and the remaining contributions are summed, as forward mode does at a call site;
for an adjoint rule, a statement writing the adjoint of an inactive argument is skipped and
the contributions to each argument are summed.  Whether a template is written by hand or
derived does not matter: the registry's ``Rule.node`` is what runs.
"""
from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast
import numpy as np
from rule_cases import RuleCase, Template, rng

from tangentlike.rules.registry import ADJOINTS, TANGENTS, Rule

H = 1e-6  # the step of central differences
FD_RTOL, FD_ATOL = 1e-5, 1e-6  # tangents against central differences

# ---------------------------------------------------------------------------------------------
# A template as a Python function that reports its contributions.


def is_derivative(node: ast.AST) -> bool:
    """``d[name]``."""
    return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
            and node.value.id == "d")


class _ReadDerivatives(ast.NodeTransformer):
    """``d[x]`` becomes ``_d['x']``."""

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        self.generic_visit(node)
        if is_derivative(node):
            return ast.Subscript(value=ast.Name(id="_d", ctx=ast.Load()),
                                 slice=ast.Constant(node.slice.id), ctx=ast.Load())
        return node


class _Contributions(ast.NodeTransformer):
    """``d[t] = e`` becomes ``_contribute('t', (names read as d[...] in e), lambda: e)``."""

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        if len(node.targets) == 1 and is_derivative(node.targets[0]):
            target = node.targets[0].slice.id
            reads = sorted({s.slice.id for s in ast.walk(node.value) if is_derivative(s)})
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
    """``rule``'s template as a function (compiled once per rule)."""
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


def _like(x: Any, items: list) -> Any:
    """A tuple, named tuple or list like ``x`` holding ``items``."""
    return type(x)._make(items) if hasattr(type(x), "_fields") else type(x)(items)


def _add(total: Any, contribution: Any) -> Any:
    if total is None:
        return contribution
    if isinstance(total, (tuple, list)):
        return _like(total, [_add(a, b) for a, b in zip(total, contribution)])
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
        return _like(x, [shape_of(v) for v in x])
    if isinstance(x, dict):
        return {k: shape_of(v) for k, v in x.items()}
    return np.shape(x)


def direction(generator: np.random.Generator, x: Any) -> Any:
    """A random direction of the type and shape of ``x``."""
    if isinstance(x, (tuple, list)):
        return _like(x, [direction(generator, v) for v in x])
    if isinstance(x, dict):
        return {k: direction(generator, v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return np.asarray(generator.normal(size=x.shape), dtype=x.dtype)
    if isinstance(x, np.generic):
        return x.dtype.type(generator.normal())
    return float(generator.normal())


def axpy(x: Any, a: float, v: Any) -> Any:
    """``x + a v``, keeping ``x``'s type (0-d arrays stay arrays)."""
    if isinstance(x, (tuple, list)):
        return _like(x, [axpy(p, a, q) for p, q in zip(x, v)])
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


def leaves(x: Any) -> list[Any]:
    if isinstance(x, (tuple, list)):
        return [leaf for v in x for leaf in leaves(v)]
    if isinstance(x, dict):
        return leaves([x[k] for k in sorted(x)])
    return [x]


def flat(x: Any) -> np.ndarray:
    """Every number of ``x`` (containers in order, dicts by key) in one float64 vector."""
    if isinstance(x, (tuple, list)):
        return np.concatenate([flat(v) for v in x]) if x else np.zeros(0)
    if isinstance(x, dict):
        return flat([x[k] for k in sorted(x)])
    return np.ravel(np.asarray(x, dtype=np.float64))


def as_float32(x: Any) -> Any:
    """Every float64 array and float (containers too) as float32."""
    if isinstance(x, (tuple, list)):
        return _like(x, [as_float32(v) for v in x])
    if isinstance(x, dict):
        return {k: as_float32(v) for k, v in x.items()}
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x.astype(np.float32)
    if isinstance(x, (float, np.float64)) and not isinstance(x, bool):
        return np.float32(x)
    return x


def central_difference(f: Callable[..., Any], args: list[Any], moves: dict[int, Any]) -> Any:
    """``(f(args + H v) - f(args - H v)) / 2H`` flattened, ``v`` given per position."""
    def at(step: float) -> np.ndarray:
        moved = list(args)
        for i, v in moves.items():
            moved[i] = axpy(moved[i], step, v)
        return flat(f(*moved))

    return (at(H) - at(-H)) / (2 * H)


# ---------------------------------------------------------------------------------------------
# Template forms: directions per subset of arguments, the tangent, finite differences.


def subsets(template: Template) -> list[tuple[int, ...]]:
    """All differentiated arguments together, then each alone."""
    out = [template.wrt]
    if len(template.wrt) > 1:
        out += [(i,) for i in template.wrt]
    return out


def template_directions(case_id: str, template: Template,
                        active: tuple[int, ...]) -> dict[int, Any]:
    generator = rng(f"{case_id}/v/{active}")
    return {i: direction(generator, template.args[i]) for i in active}


def jvp(template: Template, tangents: dict[int, Any]) -> Any:
    """The tangent template's result; each contribution has the result's shape."""
    result = template.call()
    total, contributions = run_tangent(template.prim, result, template.args, template.kwargs,
                                       tangents)
    source = executable(TANGENTS[template.prim]).source
    assert contributions, f"no contribution for active {sorted(tangents)}\n{source}"
    for c in contributions:
        assert shape_of(c) == shape_of(result), (
            f"a contribution of shape {shape_of(c)} to a result of shape {shape_of(result)}"
            f"\n{source}")
    return total


# ---------------------------------------------------------------------------------------------
# End-to-end forms.


def case_direction(case: RuleCase, salt: str = "v") -> list[Any]:
    """A random direction for the differentiated arguments of ``case.func``."""
    generator = rng(f"{case.id}/{salt}")
    out = []
    for i in case.wrt:
        x = case.args[i]
        out.append(float(generator.normal()) if isinstance(x, float)
                   else generator.normal(size=np.shape(x)))
    return out


def moved(case: RuleCase, v: list[Any], h: float) -> list[Any]:
    """``case.args`` moved by ``h v`` along the differentiated arguments."""
    args = list(case.args)
    for i, vi in zip(case.wrt, v):
        args[i] = args[i] + h * vi
    return args


def close(got: Any, expected: Any, rtol: float, where: str) -> None:
    """``|got - expected| <= rtol |expected| + rtol / 100``, element by element."""
    np.testing.assert_allclose(np.asarray(got, np.float64), expected, rtol=rtol,
                               atol=rtol / 100, err_msg=where)
