"""Stage 3, annotate: what each call resolves to, and which variables carry derivatives.

- :func:`resolve` finds the Python object a callee expression names, through the function's
  closure cells, globals and builtins (without touching the user's module), by
  :func:`tangentlike.core.resolve.resolve_in`, guarding each name it reads;
- :func:`operation` says what primitive an A-normal-form statement applies and which of its
  operands can carry a derivative;
- :func:`activity` marks names *active*: they depend on a ``wrt`` input (varied) and the
  output depends on them (useful).  Only active statements are differentiated.
- reaching definitions and liveness, used by the optimizer, live in
  :mod:`tangentlike.core.dataflow`.
"""
from __future__ import annotations

import enum
import functools
import operator
import types
from dataclasses import dataclass, field
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.core.guards import ABSENT
from tangentlike.core.resolve import UNBOUND, resolve_in
from tangentlike.errors import Location, NoDerivativeError, UnsupportedSyntaxError
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.rules import registry

_MISSING = object()


@dataclass(frozen=True)
class Method:
    """A method called on a local value, e.g. ``x.sum`` (resolved as ``np.ndarray.sum``)."""

    name: str


class Kind(enum.Enum):
    """What kind of A-normal-form statement an :class:`Operation` is."""

    COPY = "copy"  # y = x
    CONSTANT = "constant"  # y = a value that reads no local name
    PRIMITIVE = "primitive"  # y = f(x) for a function, ufunc or operator; x.attr; x[i]
    CALL = "call"  # y = f(x) for the user's function (differentiated from its source)
    TUPLE = "tuple"  # y = (a, b) or [a, b]
    DICT = "dict"  # y = {"a": a, "b": b}
    UNPACK = "unpack"  # a, b = y
    SETITEM = "setitem"  # x[i] = v
    APPEND = "append"  # xs.append(v)
    POP = "pop"  # v = xs.pop()
    OPAQUE = "opaque"  # anything else: a comparison, a string, a set; and/or (passes values)


@dataclass
class Operation:
    """What one A-normal-form statement computes.

    ``kind`` is a :class:`Kind`; ``key`` is the primitive (a function, ufunc or operator) for
    ``Kind.PRIMITIVE``, the user's function for ``Kind.CALL``; ``inputs`` are the operand
    names a derivative can flow from; ``args`` and ``keywords`` are the operands as the
    primitive receives them.
    """

    kind: Kind
    key: Any = None
    inputs: list[str] = field(default_factory=list)
    args: list[gast.expr] = field(default_factory=list)
    keywords: dict[str, gast.expr] = field(default_factory=dict)
    differentiable: bool = True


def resolve(node: gast.expr, parsed: ParsedFunction, local_names: set[str]) -> Any:
    """The object a callee expression names, or ``Method`` for ``local.method``: resolved
    through the function's closure cells, globals and builtins (``core.resolve``), each name
    read guarded (``parsed.guards``, checked before each call)."""
    if anno.has_info(node) and anno.info(node).callee is not None:
        return anno.info(node).callee  # a helper tangentlike's own rewriting calls
    dotted = syntax.dotted_name(node)
    if dotted is not None and dotted.split(".")[0] in local_names:
        attrs = dotted.split(".")[1:]
        return Method(attrs[-1]) if attrs else _MISSING
    func = parsed.func
    guards = parsed.guards  # what this resolution assumes, checked before each call
    closure = dict(zip(func.__code__.co_freevars, func.__closure__ or ()))
    cells = {}  # a free variable is its cell's value, never a global's
    for name, cell in closure.items():
        try:
            cells[name] = cell.cell_contents
        except ValueError:
            cells[name] = UNBOUND

    def on_root(scope: int | None, root: str, value: Any) -> None:
        if scope == 0:
            guards.cell(closure[root], value, root)
        else:  # a global, or a builtin no global may shadow later
            guards.name(func.__globals__, root, value if scope == 1 else ABSENT)

    value = resolve_in(node, (cells, func.__globals__), missing=_MISSING, on_root=on_root,
                       on_attribute=guards.attribute)
    if isinstance(value, functools._lru_cache_wrapper):
        value = value.__wrapped__  # a cache returns the function's values unchanged
    if isinstance(getattr(value, "stands_for", None), types.FunctionType):
        value = value.stands_for  # a stand-in for a generated derivative (mutual recursion)
    return value


def _names(nodes: list[gast.expr]) -> list[str]:
    return [n.id for n in nodes if isinstance(n, gast.Name)]


def operation(stmt: gast.stmt, parsed: ParsedFunction, local_names: set[str]) -> Operation:
    """The :class:`Operation` of an A-normal-form statement (cached on the statement)."""
    record = anno.info(stmt)
    if isinstance(record.callee, Operation):
        return record.callee
    op = _operation(stmt, parsed, local_names)
    record.callee = op
    return op


def _operation(stmt: gast.stmt, parsed: ParsedFunction, local_names: set[str]) -> Operation:
    if isinstance(stmt, gast.Expr) and _is_append(stmt, local_names):
        call = stmt.value
        return Operation(Kind.APPEND, inputs=[call.func.value.id, *_names(call.args)],
                         args=list(call.args))
    if _is_pop(stmt, local_names):  # v = stack.pop(), on a list of this function
        return Operation(Kind.POP, inputs=[stmt.value.func.value.id])
    if not isinstance(stmt, gast.Assign):
        return Operation(Kind.OPAQUE, differentiable=False)
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, gast.Subscript):  # x[i] = v: x now depends on v too
        return Operation(Kind.SETITEM, inputs=[target.value.id, *_names([value])], args=[value])
    if isinstance(target, gast.Tuple):
        return Operation(Kind.UNPACK, inputs=_names([value]))
    if isinstance(value, gast.Name):
        return Operation(Kind.COPY, inputs=[value.id])
    if not (syntax.loaded_names(value) & local_names):
        return Operation(Kind.CONSTANT, differentiable=False)
    if isinstance(value, gast.BinOp):
        args = [value.left, value.right]
        key = registry.OPERATORS[type(value.op)]
    elif isinstance(value, gast.UnaryOp):
        args = [value.operand]
        key = registry.OPERATORS[type(value.op)]
    elif isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
            and isinstance(value.func.value, gast.Constant):  # "{}".format(x): a string
        return Operation(Kind.OPAQUE, differentiable=False)
    elif isinstance(value, gast.Call):
        key = resolve(value.func, parsed, local_names)
        args = list(value.args)
        if isinstance(key, Method):
            key = getattr(np.ndarray, key.name, key)
            args = [value.func.value, *args]
        keywords = {}
        for kw in value.keywords:
            if kw.arg is None:
                raise UnsupportedSyntaxError(
                    "tangentlike does not support **kwargs in a call",
                    where(stmt, parsed), hint="pass each keyword argument by name")
            keywords[kw.arg] = kw.value
        inputs = _names(args) + _names(list(keywords.values()))
        if isinstance(value.func, gast.Name) and value.func.id in local_names:
            inputs.append(value.func.id)  # a local value called: layer(x) reads layer
        kind = Kind.CALL if is_user_function(key) else Kind.PRIMITIVE
        return Operation(kind, key, inputs, args, keywords,
                         not registry.is_non_differentiable(key))
    elif isinstance(value, gast.Attribute):
        if value.attr in registry.NON_DIFFERENTIABLE_ATTRIBUTES:
            return Operation(Kind.OPAQUE, differentiable=False)
        key = registry.ATTRIBUTES.get(value.attr, Method(value.attr))
        args = [value.value]
    elif isinstance(value, gast.Subscript):
        args = [value.value, value.slice]
        return Operation(Kind.PRIMITIVE, operator.getitem, _names([value.value]), args)
    elif isinstance(value, (gast.Tuple, gast.List)):
        return Operation(Kind.TUPLE, inputs=_names(value.elts), args=list(value.elts))
    elif isinstance(value, gast.Dict) and all(isinstance(k, gast.Constant)
                                              and isinstance(k.value, str) for k in value.keys):
        return Operation(Kind.DICT, inputs=_names(value.values), args=list(value.values),
                         keywords={"keys": list(value.keys)})
    elif isinstance(value, gast.BoolOp):
        return Operation(Kind.OPAQUE, inputs=sorted(syntax.loaded_names(value)))
    else:  # comparisons, f-strings, sets, dicts: no derivative flows through them
        return Operation(Kind.OPAQUE, differentiable=False)
    return Operation(Kind.PRIMITIVE, key, _names(args), args, {},
                     not registry.is_non_differentiable(key))


def where(stmt: gast.stmt, parsed: ParsedFunction) -> Location:
    """The user's line a normalized statement came from."""
    return anno.info(stmt).origin or parsed.location(stmt)


def list_method_target(call: gast.expr, method: str, n_args: int) -> str | None:
    """``xs`` for a call ``xs.method(...)`` with ``n_args`` positional arguments (and no
    keywords): ``xs.append(v)`` and ``xs.pop()``, a list's changes that generated code (its
    stack of saved values) and users' code make."""
    if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == method and isinstance(call.func.value, gast.Name)
            and len(call.args) == n_args and not call.keywords):
        return call.func.value.id
    return None


def _is_append(stmt: gast.Expr, local_names: set[str]) -> bool:
    return list_method_target(stmt.value, "append", 1) in local_names


def _is_pop(stmt: gast.stmt, local_names: set[str]) -> bool:
    return (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and list_method_target(stmt.value, "pop", 0) in local_names)


def mutated(stmt: gast.stmt, op: Operation) -> list[str]:
    """The container a statement changes in place (``x[i] = v``, ``xs.append(v)``,
    ``v = xs.pop()``)."""
    return [op.inputs[0]] if op.kind in (Kind.SETITEM, Kind.APPEND, Kind.POP) else []


def is_user_function(key: Any) -> bool:
    """A plain Python function with no rule of its own: differentiated from its source."""
    return isinstance(key, types.FunctionType) and not registry.is_primitive(key)


def targets(stmt: gast.stmt) -> list[str]:
    if isinstance(stmt, gast.Assign):
        return sorted(syntax.stored_names(stmt.targets[0]))
    return []


@dataclass
class Activity:
    varied: set[str]
    useful: set[str]

    @property
    def active(self) -> set[str]:
        return self.varied & self.useful


def loop_source(loop: gast.For) -> str | None:
    """The name a ``for`` loop iterates over, when a derivative can flow from it."""
    return loop.iter.id if isinstance(loop.iter, gast.Name) else None


def _derivative_inputs(op: Operation) -> list[str]:
    """The inputs a derivative can flow from: for a primitive, those its rule
    differentiates (``seed(init_grad, y)`` passes none from ``y``, which only gives a shape)."""
    if op.kind is not Kind.PRIMITIVE:
        return op.inputs
    rule = registry.adjoint_rule(op.key) or registry.tangent_rule(op.key)
    if rule is None:
        return op.inputs
    try:
        bound = rule.signature.bind(*op.args, **op.keywords).arguments
    except TypeError:
        return op.inputs
    differentiable = rule.differentiable
    nodes = []
    for name, value in bound.items():
        if name in differentiable:
            nodes += list(value) if isinstance(value, tuple) else [value]
            nodes += list(value.values()) if isinstance(value, dict) else []
    return [n for n in _names([v for v in nodes if isinstance(v, gast.AST)])]


def activity(fn: gast.FunctionDef, wrt: list[str], parsed: ParsedFunction) -> Activity:
    """Names that depend on a ``wrt`` input and that the output depends on.

    Flow-insensitive (a name is active everywhere if it is active anywhere), which is exact
    for straight-line code thanks to versioned names, and safe for loops.
    """
    local_names = syntax.stored_names(fn)
    edges: list[tuple[list[str], list[str]]] = []  # (inputs, targets)
    for stmt in syntax.statements(fn.body, with_bodies=False):
        if isinstance(stmt, gast.For):
            source = loop_source(stmt)
            if source:
                edges.append(([source], sorted(syntax.stored_names(stmt.target))))
        elif isinstance(stmt, (gast.Assign, gast.Expr)):
            op = operation(stmt, parsed, local_names)
            if op.differentiable:
                edges.append((_derivative_inputs(op), targets(stmt) + mutated(stmt, op)))
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for inputs, outs in edges:
            if varied.intersection(inputs) and not varied.issuperset(outs):
                varied.update(outs)
                changed = True
    returned = fn.body[-1].value
    useful = syntax.loaded_names(returned) if returned is not None else set()
    changed = True
    while changed:
        changed = False
        for inputs, outs in edges:
            if useful.intersection(outs) and not useful.issuperset(inputs):
                useful.update(inputs)
                changed = True
    result = Activity(varied, useful)
    for stmt in syntax.statements(fn.body, with_bodies=False):
        if isinstance(stmt, (gast.Assign, gast.Expr)):
            outs = targets(stmt) + mutated(stmt, operation(stmt, parsed, local_names))
            anno.info(stmt).active = bool(result.active.intersection(outs))
    return result


def check_rules(fn: gast.FunctionDef, parsed: ParsedFunction, active: set[str],
                varied: set[str] = frozenset(), mode: str = "reverse") -> None:
    """Every active statement must have a derivative rule: never a silent zero."""
    local_names = syntax.stored_names(fn)
    for stmt in syntax.statements(fn.body, with_bodies=False):
        if (isinstance(stmt, gast.For) and not loop_source(stmt)
                and syntax.loaded_names(stmt.iter) & varied
                and not (isinstance(stmt.iter, gast.Call) and registry.is_non_differentiable(
                    resolve(stmt.iter.func, parsed, local_names)))):
            raise UnsupportedSyntaxError(
                "tangentlike can only differentiate a for loop over a variable or range(...)",
                where(stmt, parsed), hint="assign the sequence to a variable first: "
                "xs = ...; for x in xs:")
        if isinstance(stmt, gast.Expr):
            _check_discarded_call(stmt, parsed, local_names, varied)
        if not isinstance(stmt, gast.Assign):
            continue
        op = operation(stmt, parsed, local_names)
        location = where(stmt, parsed)
        if op.kind is Kind.PRIMITIVE and op.differentiable and varied.intersection(op.inputs):
            _check_understood(op, location, sorted(varied.intersection(op.inputs)))
        if isinstance(stmt.value, (gast.Dict, gast.Set)) and op.kind is not Kind.DICT \
                and varied & syntax.loaded_names(stmt.value):
            raise UnsupportedSyntaxError(
                "tangentlike does not support a differentiated value in a set, or in a dict "
                "whose key is not a string literal", location,
                hint='use string keys written out ({"a": x}), or a list or tuple')
        if not anno.info(stmt).active:
            continue
        if op.kind is Kind.OPAQUE and op.differentiable:  # and/or pass values through
            raise UnsupportedSyntaxError(
                "tangentlike cannot differentiate through a boolean operator (and/or) on a "
                "differentiated value", location, hint="use np.where or an explicit choice")
        rule = registry.adjoint_rule if mode == "reverse" else registry.tangent_rule
        if op.kind is not Kind.PRIMITIVE or not op.differentiable or rule(op.key) is not None:
            continue  # calls into the user's functions are differentiated from their source
        raise no_rule_error(op.key, location, mode)


def _check_understood(op: Operation, location: Location, touched: list[str]) -> None:
    """A call on a differentiated value must be one tangentlike understands, even when its
    result is not used: an object, or a function with no rule, may keep or change the value
    in ways no derivative follows."""
    if isinstance(op.key, type) and not registry.is_primitive(op.key):
        raise UnsupportedSyntaxError(
            f"tangentlike does not support objects of your classes yet: "
            f"{registry.describe(op.key)}(...) is given the differentiated value {touched[0]}",
            location, hint="pass the arrays to plain functions instead of keeping them in an "
            "object (objects are planned), or compute this outside the differentiated function")
    if op.key is _MISSING:
        raise NoDerivativeError(
            f"cannot tell what this call on the differentiated value {touched[0]} does",
            location, hint="call a function defined at module level or imported by name")
    if not (registry.is_primitive(op.key) or registry.is_pure_function(op.key)
            or isinstance(op.key, Method)):
        raise no_rule_error(op.key, location)


def _check_discarded_call(stmt: gast.Expr, parsed: ParsedFunction, local_names: set[str],
                          varied: set[str]) -> None:
    """A call whose result is dropped, on a differentiated value, can only matter by
    changing that value in place (``y.sort()``, ``np.put(y, i, v)``): tangentlike cannot
    follow that, so it is refused rather than differentiated as if nothing happened."""
    call = stmt.value
    if not isinstance(call, gast.Call) or syntax.is_comment(stmt) or anno.info(stmt).generated:
        return
    op = operation(stmt, parsed, local_names)
    if op.kind in (Kind.APPEND, Kind.POP):
        return
    callee = resolve(call.func, parsed, local_names)
    receiver = call.func.value if isinstance(call.func, gast.Attribute) else None
    operands = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(callee, Method) and isinstance(receiver, gast.Name):
        operands.append(receiver)
    touched = sorted({n.id for n in operands if isinstance(n, gast.Name)} & varied)
    if not touched or is_user_function(callee) or registry.is_non_differentiable(callee):
        return
    what = f".{callee.name}()" if isinstance(callee, Method) else registry.describe(callee)
    raise UnsupportedSyntaxError(
        f"the result of {what} on the differentiated value {touched[0]} is not used: if it "
        "changes its argument in place, tangentlike cannot follow that",
        where(stmt, parsed), hint="write the result to a new name instead, e.g. "
        "y = np.sort(y) rather than y.sort()")


def no_rule_error(key: Any, where, mode: str = "reverse") -> NoDerivativeError:
    """The error for a call on a differentiated value that tangentlike cannot differentiate."""
    if mode == "forward" and registry.adjoint_rule(key) is not None:
        return NoDerivativeError(
            f"no forward-mode (tangent) rule for {registry.describe(key)}", where,
            hint="use reverse mode for this function, or register a rule with "
            "@tangentlike.tangent")
    if key is _MISSING:
        return NoDerivativeError(
            "cannot tell which function this call on a differentiated value refers to",
            where, hint="call a function defined at module level or imported by name")
    if isinstance(key, Method):
        return NoDerivativeError(
            f"no derivative rule for the method .{key.name}() on a differentiated value",
            where, hint=f"use the NumPy function instead of .{key.name}(), or register a rule "
            "with @tangentlike.adjoint")
    name = registry.describe(key)
    if isinstance(key, functools.partial):  # never suggest non_differentiable: it would be 0
        hint = (f"call {registry.describe(key.func)} directly with all its arguments (or "
                "write it with operators), or define the partial function with def, which "
                "tangentlike differentiates from its source")
    else:
        short = getattr(key, "__name__", "fn")
        hint = (f"register its derivative: @tangentlike.adjoint({short}) on a template "
                "def rule(result, x): d[x] = ... (and @tangentlike.tangent for forward "
                "mode), see docs/guide.md")
    return NoDerivativeError(
        f"no derivative rule for {name}, and it has no Python source to differentiate",
        where, hint=hint)
