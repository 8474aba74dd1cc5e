"""``np.apply_along_axis``, ``np.apply_over_axes`` and ``np.fromfunction``, written as the code
they run.

Each calls a Python function the compiler cannot see through a NumPy call, so the call is
replaced by the loop NumPy runs, which tangentlike differentiates like the user's own code
(the function called by name each time).  The statements go before the statement holding the
call, whose value becomes a new name::

    y = np.sum(np.apply_along_axis(g, 1, x))
    # becomes
    f = g; m = np.moveaxis(x, 1, -1); rows = np.reshape(m, along_axis_rows(x, 1)); out = []
    for k in range(np.shape(rows)[0]):
        out.append(f(rows[k]))
    r = np.moveaxis(np.reshape(np.stack(out), along_axis_shape(x, 1, out[0])), ...)
    y = np.sum(r)

``np.apply_over_axes(f, a, axes)`` becomes a loop over the axes (``a = f(a, axis)``, with the
axis kept where ``f`` drops it); ``np.fromfunction(f, shape, dtype=...)`` becomes
``f(*np.indices(shape, dtype=dtype))``, the indices spread one by one (the shape must be a
tuple or list written out).  A call where moving it before its statement could change what
runs (in a lambda, a comprehension, ``and``/``or``, a conditional expression, a loop or ``if``
test) is refused, naming the function.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import UnsupportedSyntaxError
from tangentlike.frontend.operations import resolve
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.rules.template import Namespace
from tangentlike.runtime import shapes

NAMES = {np.apply_along_axis: "np.apply_along_axis", np.apply_over_axes: "np.apply_over_axes",
         np.fromfunction: "np.fromfunction"}
_SIMPLE = (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Return, gast.Expr)
_DEFERRED = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp,
             gast.BoolOp, gast.IfExp)

_ALONG = """
m = moveaxis(arr, axis, -1)
rows = reshape(m, along_axis_rows(arr, axis))
out = []
for k in range(shape(rows)[0]):
    out.append(func(rows[k]))
result = moveaxis(reshape(stack(out), along_axis_shape(arr, axis, out[0])),
                  along_axis_source(arr, out[0]), along_axis_target(arr, axis, out[0]))
"""

_OVER = """
result = asarray(a)
k = over_axes(a, axes)
for axis in k:
    r = func(result, axis)
    if ndim(r) != ndim(result):
        r = expand_dims(r, axis)
    result = r
"""

_HELPERS = {
    "moveaxis": np.moveaxis, "reshape": np.reshape, "stack": np.stack, "shape": np.shape,
    "range": range, "asarray": np.asarray, "ndim": np.ndim, "expand_dims": np.expand_dims,
    "indices": np.indices, "along_axis_rows": shapes.along_axis_rows,
    "along_axis_shape": shapes.along_axis_shape, "along_axis_source": shapes.along_axis_source,
    "along_axis_target": shapes.along_axis_target, "over_axes": shapes.over_axes,
}


class _Context:
    """What the rewriting needs of the function: its names, new temporaries, helpers."""

    def __init__(self, parsed: ParsedFunction, namer: Namer, namespace: Namespace | None):
        self.parsed, self.namer, self.namespace = parsed, namer, namespace
        node = parsed.node
        self.locals = set().union(*(syntax.stored_names(s) for s in node.body)) | {
            a.id for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}

    def temp(self) -> str:
        name = self.namer.temp()
        self.locals.add(name)
        return name

    def helper(self, func: Any) -> gast.Name:
        name = func.__name__ if self.namespace is None else \
            self.namespace.name_for(func, func.__name__)
        node = syntax.load(name)
        anno.info(node).callee = func
        return node

    def unsupported(self, node: gast.AST, what: str, hint: str) -> UnsupportedSyntaxError:
        return UnsupportedSyntaxError(
            f"tangentlike does not support {what} in a differentiated function",
            self.parsed.location(node), hint=hint)


def lower_apply_calls(parsed: ParsedFunction, namer: Namer,
                      namespace: Namespace | None) -> None:
    """Rewrite, in the parsed function's tree, each call of the three functions into the loop
    it runs (before local functions are lowered, so that the function NumPy calls is called
    by name, where it is defined)."""
    parsed.node.body = _lower_body(parsed.node.body, _Context(parsed, namer, namespace))


def _lower_body(body: list[gast.stmt], normalizer: _Context) -> list[gast.stmt]:
    out: list[gast.stmt] = []
    for stmt in body:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                setattr(stmt, field, _lower_body(inner, normalizer))
        for handler in getattr(stmt, "handlers", None) or ():
            handler.body = _lower_body(handler.body, normalizer)
        out += _lowered(stmt, normalizer)
    return out


def _target(node: gast.AST, normalizer: _Context) -> Any:
    if not isinstance(node, gast.Call):
        return None
    try:
        func = resolve(node.func, normalizer.parsed, normalizer.locals)
    except Exception:  # noqa: BLE001  (not resolvable here: not one of these)
        return None
    try:
        return func if func in NAMES else None
    except TypeError:  # unhashable
        return None


def _calls(node: gast.AST, normalizer: _Context, deferred: bool, found: list) -> None:
    """The calls of the three functions under ``node`` (innermost first), each with whether
    it sits where hoisting it could change what runs."""
    for child in syntax.child_nodes(node):
        cls = child.__class__
        if cls is gast.Constant or cls is gast.Name and child.annotation is None:
            continue  # (no call, nor a node that holds one; most operands)
        if isinstance(child, gast.stmt):
            continue  # nested blocks are lowered on their own
        _calls(child, normalizer, deferred or isinstance(child, _DEFERRED), found)
        if cls is gast.Call and _target(child, normalizer) is not None:
            found.append((child, deferred))


def _lowered(stmt: gast.stmt, normalizer: _Context) -> list[gast.stmt]:
    found: list = []
    if isinstance(stmt, _SIMPLE):
        _calls(stmt, normalizer, False, found)
    else:  # if/for/while tests and headers: a call there runs more than once, or not at all
        for field in ("test", "iter", "items", "subject"):
            value = getattr(stmt, field, None)
            nodes = value if isinstance(value, list) else [value] if value is not None else []
            for node in nodes:
                _calls(node, normalizer, True, found)
                if _target(node, normalizer) is not None:
                    found.append((node, True))
    before: list[gast.stmt] = []
    for call, deferred in found:
        func = _target(call, normalizer)
        name = NAMES[func]
        if deferred:
            raise normalizer.unsupported(
                call, f"{name} inside a lambda, a comprehension, and/or, a conditional "
                      "expression or a loop or if test",
                f"call {name} in a statement of its own: y = {name}(...)")
        result, statements = _expand(func, call, normalizer)
        before += statements
        _replace(stmt, call, syntax.load(result))
    for new in before:
        for node in gast.walk(new):
            if hasattr(node, "lineno") or isinstance(node, (gast.stmt, gast.expr)):
                gast.copy_location(node, stmt)
    return before + [stmt]


def _replace(root: gast.AST, old: gast.AST, new: gast.AST) -> None:
    for node in gast.walk(root):
        for field, value in gast.iter_fields(node):
            if value is old:
                setattr(node, field, new)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new


def _arguments(call: gast.Call, names: list[str], normalizer: _Context, name: str) -> dict:
    """The call's arguments by parameter name (positional first, then keywords)."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(
            k.arg is None for k in call.keywords):
        raise normalizer.unsupported(call, f"{name} with *args or **kwargs",
                                     "pass each argument by name")
    bound = dict(zip(names, call.args))
    extra = call.args[len(names):]
    keywords = {k.arg: k.value for k in call.keywords}
    for param in names:
        if param in keywords:
            bound[param] = keywords.pop(param)
    return {"bound": bound, "extra": extra, "keywords": keywords}


def _expand(func: Any, call: gast.Call, normalizer: _Context) -> tuple[str, list[gast.stmt]]:
    """The statements computing ``call``'s value into a new name, and that name."""
    name = NAMES[func]
    if func is np.fromfunction:
        args = _arguments(call, ["function", "shape"], normalizer, name)
        shape = args["bound"].get("shape")
        if args["extra"] or "like" in args["keywords"] or not isinstance(
                shape, (gast.Tuple, gast.List)) or "function" not in args["bound"]:
            raise normalizer.unsupported(
                call, f"{name} with a shape that is not a tuple written out (or like=)",
                "write the shape as a tuple, np.fromfunction(f, (3, 4)), or call the "
                "function on np.indices(shape) yourself")
        dtype = args["keywords"].pop("dtype", syntax.parse_expr("float"))
        temps = {key: normalizer.temp() for key in ("func", "index", "result")}
        function = args["bound"]["function"]
        statements = [] if _plain(function) else [syntax.assign(temps["func"], function)]
        callee = function if _plain(function) else syntax.load(temps["func"])
        statements += [syntax.assign(temps["index"], syntax.call(
                          _helper("indices", normalizer), [shape],
                          [gast.keyword(arg="dtype", value=dtype)]))]
        spread = [gast.Subscript(value=syntax.load(temps["index"]), slice=syntax.const(i),
                                 ctx=gast.Load()) for i in range(len(shape.elts))]
        statements.append(syntax.assign(temps["result"], syntax.call(
            callee, spread,
            [gast.keyword(arg=k, value=v) for k, v in args["keywords"].items()])))
        return temps["result"], statements
    if func is np.apply_along_axis:
        args = _arguments(call, ["func1d", "axis", "arr"], normalizer, name)
        params, source = ("func", "axis", "arr"), _ALONG
        values = [args["bound"].get(p) for p in ("func1d", "axis", "arr")]
    else:
        args = _arguments(call, ["func", "a", "axes"], normalizer, name)
        if args["extra"] or args["keywords"]:
            raise normalizer.unsupported(call, f"{name} with more arguments than func, a, axes",
                                         "call np.apply_over_axes(func, a, axes)")
        params, source = ("func", "a", "axes"), _OVER
        values = [args["bound"].get(p) for p in ("func", "a", "axes")]
    if any(v is None for v in values):
        raise normalizer.unsupported(call, f"{name} without all its arguments",
                                     "pass each argument")
    statements = []
    renamed: dict[str, str] = {}
    function = values[0] if _plain(values[0]) else None
    for param, value in zip(params, values):  # each argument evaluated once, in order
        renamed[param] = normalizer.temp()
        if param != "func" or function is None:
            statements.append(syntax.assign(renamed[param], value))
    extra = []
    for value in args["extra"]:  # np.apply_along_axis(f, axis, arr, *args, **kwargs)
        extra.append(normalizer.temp())
        statements.append(syntax.assign(extra[-1], value))
    keywords = {}
    for key, value in args["keywords"].items():
        keywords[key] = normalizer.temp()
        statements.append(syntax.assign(keywords[key], value))
    tree = syntax.parse(source)
    for local in ("m", "rows", "out", "k", "result", "r", "axis"):
        if local not in renamed:
            renamed[local] = normalizer.temp()
    for node in gast.walk(tree):
        if isinstance(node, gast.Call) and syntax.is_name(node.func, "func"):
            if func is np.apply_along_axis:
                node.args += [syntax.load(e) for e in extra]
                node.keywords += [gast.keyword(arg=k, value=syntax.load(v))
                                  for k, v in keywords.items()]
            if function is not None:  # the function itself, called where NumPy calls it
                node.func = syntax.clone(function)
    for node in gast.walk(tree):
        if isinstance(node, gast.Name) and node.id in renamed:
            node.id = renamed[node.id]
    for node in list(gast.walk(tree)):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id in _HELPERS:
            node.func = _helper(node.func.id, normalizer)
    statements += tree.body
    return renamed["result"], statements


def _plain(function: gast.expr) -> bool:
    """A function written as a name or a dotted name: called by that name where NumPy calls
    it (anything else, a lambda included, is given a name first)."""
    return syntax.dotted_name(function) is not None


def _helper(name: str, normalizer: _Context) -> gast.expr:
    return normalizer.helper(_HELPERS[name])
