"""Before A-normal form: the NumPy functions that write into their first argument, called as
statements on a local name or parameter (``np.copyto(y, v)``, ``np.put(y, i, v)``, ``np.place``,
``np.putmask``, ``np.fill_diagonal``, ``np.put_along_axis``), become the index assignment
``y[...] = written(np.put, y, v, (i,), ())`` (runtime/writes.py), which the rest of the
compiler follows as any ``y[k] = v``: in the derivative too, with the checks on names that
share ``y``'s memory, and a parameter worked on as a copy and written back at the return.
Any other use of these functions on a differentiated value stays refused (annotate.py).

The array methods that write in place, as statements on a local name or parameter, become the
same kind of index assignment: ``y.sort(...)`` is ``y[:] = np.sort(y, ...)`` (a slice, which a
Python list takes too), ``y.partition(k, ...)`` is ``y[...] = np.partition(y, k, ...)``,
``y.fill(v)`` is ``y[...] = v`` and ``y.put(i, v, ...)`` is ``np.put(y, i, v, ...)``, lowered as
above.  ``y.resize`` changes the shape and stays refused; ``xs.sort()`` on a name the function
binds to a list, and ``xs.sort(key=..., reverse=...)``, are a list's and left alone.
"""
from __future__ import annotations

import inspect
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.frontend.operations import resolve
from tangentlike.runtime.writes import written

# function -> the name of the parameter holding the values written
WRITERS: dict[Any, str] = {
    np.copyto: "src", np.put: "v", np.place: "vals", np.putmask: "values",
    np.fill_diagonal: "val", np.put_along_axis: "values",
}


# The signatures NumPy's C functions do not report in older versions (NumPy 2.2).
_SIGNATURES: dict[Any, inspect.Signature] = {
    np.copyto: inspect.signature(lambda dst, src, casting="same_kind", where=True: None),
    np.putmask: inspect.signature(lambda a, /, mask, values: None),
}

# the ndarray methods lowered here, by name; ``np.ndarray.<name>`` in the census
METHODS = ("sort", "partition", "fill", "put")


def lower_in_place_writes(body: list[gast.stmt], normalizer: Any) -> list[gast.stmt]:
    """``body`` with each such statement lowered (in nested blocks too)."""
    out = []
    for stmt in body:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                setattr(stmt, field, lower_in_place_writes(block, normalizer))
        for handler in getattr(stmt, "handlers", None) or []:
            handler.body = lower_in_place_writes(handler.body, normalizer)
        out.append(_lowered(stmt, normalizer) or stmt)
    return out


def _lowered(stmt: gast.stmt, normalizer: Any) -> gast.stmt | None:
    if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)):
        return None
    call = stmt.value
    method = _method_lowered(stmt, call, normalizer)
    if method is not None:
        return method
    func = resolve(call.func, normalizer.parsed, normalizer.locals)
    try:
        value_name = WRITERS.get(func)
    except TypeError:  # an unhashable callee
        return None
    if value_name is None or not call.args or not isinstance(call.args[0], gast.Name) \
            or call.args[0].id not in normalizer.locals \
            or any(isinstance(a, gast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None
    try:
        signature = inspect.signature(func)
    except ValueError:
        signature = _SIGNATURES[func]
    try:
        bound = signature.bind(*call.args, **{k.arg: k.value for k in call.keywords})
    except TypeError:
        return None  # NumPy raises the error when the call runs
    params = list(signature.parameters)
    nodes = []
    for name in params:
        default = signature.parameters[name].default
        nodes.append(bound.arguments[name] if name in bound.arguments
                     else syntax.const(default))
    at = params.index(value_name)
    target = gast.Subscript(value=syntax.load(call.args[0].id),
                            slice=syntax.const(Ellipsis), ctx=gast.Store())
    value = syntax.call(normalizer.helper(written), [
        syntax.clone(call.func), syntax.load(call.args[0].id), nodes[at],
        syntax.tuple_of(nodes[1:at]), syntax.tuple_of(nodes[at + 1:])])
    new = syntax.assign(target, value)
    for sub in gast.walk(new):
        if getattr(sub, "lineno", None) is None and hasattr(stmt, "lineno"):
            gast.copy_location(sub, stmt)
    return new


def _method_lowered(stmt: gast.Expr, call: gast.Call, normalizer: Any) -> gast.stmt | None:
    """``y.sort()``, ``y.partition(k)``, ``y.fill(v)``, ``y.put(i, v)`` on a local name or
    parameter ``y``, as an index assignment (``y.put`` through ``np.put``'s lowering)."""
    func = call.func
    if not (isinstance(func, gast.Attribute) and func.attr in METHODS
            and isinstance(func.value, gast.Name) and func.value.id in normalizer.locals) \
            or any(isinstance(a, gast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return None
    name = func.value.id
    if func.attr == "sort" and (any(k.arg in ("key", "reverse") for k in call.keywords)
                                or name in normalizer.lists):
        return None  # a list's sort
    if func.attr == "put":
        as_function = gast.Call(func=normalizer.helper(np.put),
                                args=[syntax.load(name), *call.args], keywords=call.keywords)
        return _lowered(gast.copy_location(gast.Expr(value=as_function), stmt), normalizer)
    if func.attr == "fill":
        if len(call.args) + len(call.keywords) != 1:
            return None  # NumPy raises the error when the call runs
        value = call.args[0] if call.args else call.keywords[0].value
    else:
        value = gast.Call(func=normalizer.helper(getattr(np, func.attr)),
                          args=[syntax.load(name), *call.args], keywords=call.keywords)
    index = gast.Slice(None, None, None) if func.attr == "sort" else syntax.const(Ellipsis)
    target = gast.Subscript(value=syntax.load(name), slice=index, ctx=gast.Store())
    new = syntax.assign(target, value)
    for sub in gast.walk(new):
        if getattr(sub, "lineno", None) is None and hasattr(stmt, "lineno"):
            gast.copy_location(sub, stmt)
    return new


def bound_lists(node: gast.FunctionDef) -> set[str]:
    """The names the function binds to a list it writes out, builds (``[v for ...]``,
    ``list(...)``, ``sorted(...)``) or extends (``xs.append(v)``): their ``sort`` is a
    list's."""
    names = set()
    for sub in gast.walk(node):
        if isinstance(sub, gast.Assign) and isinstance(sub.value, (gast.List, gast.ListComp)) \
                or isinstance(sub, gast.Assign) and isinstance(sub.value, gast.Call) \
                and isinstance(sub.value.func, gast.Name) \
                and sub.value.func.id in ("list", "sorted"):
            names |= {t.id for t in sub.targets if isinstance(t, gast.Name)}
        elif isinstance(sub, gast.Call) and isinstance(sub.func, gast.Attribute) \
                and sub.func.attr in ("append", "extend", "insert") \
                and isinstance(sub.func.value, gast.Name):
            names.add(sub.func.value.id)
    return names
