"""SciPy's lazy ``where``: ``xpx.apply_where(cond, args, f1, f2, fill_value=...)``
(``scipy._lib.array_api_extra``, SciPy >= 1.16) and ``_lazywhere(cond, arrays, f, fillvalue,
f2)`` (``scipy._lib._util``, older SciPy), which the densities of scipy.stats call.

Both evaluate ``f1`` only where ``cond`` holds and ``f2`` (or ``fill_value``) elsewhere, on
the arguments broadcast together and masked; their own source spreads a tuple of unknown
length (``f1(*(a[cond] for a in args))``), which tangentlike does not follow.  A call whose
arguments are a tuple written out (or one array) becomes a call of a function written here for
that number of arguments, which does the same on NumPy arrays (:func:`stand_in`)::

    def lazy_where_2_fill(cond, a0, a1, f1, fill_value):
        cond, a0, a1 = np.broadcast_arrays(cond, a0, a1)
        t1 = f1(a0[cond], a1[cond])
        out = np.full(cond.shape, fill_value, dtype=np.result_type(t1, fill_value))
        out[cond] = t1
        return out

and tangentlike differentiates it (the masks carry no derivative; ``f1`` and ``f2`` are bound
in, like any function passed to a function).  Any other call is left to SciPy's source.
"""
from __future__ import annotations

import builtins
import types
from typing import Any

import gast
import numpy as np

from tangentlike.core import syntax
from tangentlike.frontend.library import STANDING_FOR
from tangentlike.frontend.lifting import compile_function
from tangentlike.frontend.parsing import register_synthetic
from tangentlike.runtime.removable import removable_at

# name -> the modules that define it (array_api_extra is vendored in scipy._lib, then in
# scipy._external), the order of the parameters that may be given by position, and the
# keyword names of (arrays, f1, f2, fill_value).
_LAZY = {"apply_where": (("scipy._lib.array_api_extra._lib._funcs",
                          "scipy._external.array_api_extra._lib._funcs"),
                         ("cond", "args", "f1", "f2"), "args", "f1", "f2", "fill_value"),
         "_lazywhere": (("scipy._lib._util",), ("cond", "arrays", "f", "fillvalue", "f2"),
                        "arrays", "f", "f2", "fillvalue")}

_MADE: dict[tuple[int, bool, tuple], types.FunctionType] = {}


def rewritten(callee: Any, node: gast.Call) -> tuple[types.FunctionType, gast.Call] | None:
    """The stand-in function and the call of it that replace ``node`` (a call of SciPy's
    lazy where ``callee``), or None (another callee, or arguments not written out)."""
    name = getattr(callee, "__name__", None)
    if name not in _LAZY or not isinstance(callee, types.FunctionType) \
            or callee.__module__ not in _LAZY[name][0]:
        return None
    _, order, arrays_name, f1_name, f2_name, fill_name = _LAZY[name]
    if any(isinstance(a, gast.Starred) for a in node.args) or len(node.args) > len(order) \
            or any(k.arg is None for k in node.keywords):
        return None
    given = dict(zip(order, node.args)) | {k.arg: k.value for k in node.keywords}
    if not set(given) <= {*order, fill_name, "xp", "kwargs"} or any(
            not _is_none(given.get(k)) for k in ("xp", "kwargs")):
        return None
    arrays, f1 = given.get(arrays_name), given.get(f1_name)
    f2, fill = given.get(f2_name), given.get(fill_name)
    if "cond" not in given or arrays is None or f1 is None or (f2 is None) == (fill is None):
        return None
    if isinstance(arrays, (gast.Tuple, gast.List)):
        if any(isinstance(e, gast.Starred) for e in arrays.elts):
            return None
        elements = list(arrays.elts)
    elif name == "apply_where":  # one array, not in a tuple
        elements = [arrays]
    else:
        return None
    func = stand_in(len(elements), f2 is not None, _special_points(given["cond"], elements))
    call = gast.Call(func=node.func, args=[given["cond"], *elements, f1,
                                           f2 if f2 is not None else fill], keywords=[])
    return func, gast.copy_location(call, node)


def _is_none(node: gast.expr | None) -> bool:
    return node is None or isinstance(node, gast.Constant) and node.value is None


def _special_points(cond: gast.expr, elements: list[gast.expr]) -> tuple:
    """``(j, value, label)`` for each ``a == value`` or ``a != value`` in ``cond`` (``c != 0``)
    whose ``a`` is the name of the ``j``-th array: a point where the branch taken is a special
    case's formula."""
    names = {e.id: j for j, e in enumerate(elements) if isinstance(e, gast.Name)}
    found = []
    for sub in gast.walk(cond):
        if not (isinstance(sub, gast.Compare) and len(sub.ops) == 1
                and isinstance(sub.ops[0], (gast.Eq, gast.NotEq))):
            continue
        for one, other in ((sub.left, sub.comparators[0]), (sub.comparators[0], sub.left)):
            value = _number(other)
            if isinstance(one, gast.Name) and one.id in names and value is not None:
                found.append((names[one.id], value, f"{one.id} at {one.id} == {value!r}"))
    return tuple(sorted(set(found)))


def _number(node: gast.expr) -> float | None:
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, gast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    return None


def stand_in(n: int, two: bool, special: tuple = ()) -> types.FunctionType:
    """The function for ``n`` arrays, with ``f2`` (``two``) or a fill value; each array of
    ``special`` (:func:`_special_points`) passes through ``removable_at``, whose derivative
    refuses at the special point (tangentlike/runtime/removable.py)."""
    made = _MADE.get((n, two, special))
    if made is not None:
        return made
    names = [f"a{i}" for i in range(n)]
    listed = ", ".join(names)
    masked = ", ".join(f"{a}[cond]" for a in names)
    name = f"lazy_where_{n}_{'f2' if two else 'fill'}"
    lines = [f"def {name}(cond, {listed}, f1, {'f2' if two else 'fill_value'}):",
             f"    cond, {listed}{',' if n == 1 else ''} = np.broadcast_arrays(cond, {listed})"]
    lines += [f"    a{j} = removable_at(a{j}, a{j} == {value!r}, {label!r})"
              for j, value, label in special]
    lines += [f"    t1 = f1({masked})"]
    if two:
        unmasked = ", ".join(f"{a}[~cond]" for a in names)
        lines += [f"    t2 = f2({unmasked})",
                  "    out = np.zeros(cond.shape, dtype=np.result_type(t1, t2))",
                  "    out[~cond] = t2"]
    else:
        lines += ["    out = np.full(cond.shape, fill_value, "
                  "dtype=np.result_type(t1, fill_value))"]
    lines += ["    out[cond] = t1", "    return out"]
    source = "\n".join(lines) + "\n"
    node = syntax.parse(source).body[0]
    filename = f"{STANDING_FOR}scipy's lazy where, {n} arrays>"
    func = compile_function(node, filename, {"__builtins__": builtins, "np": np,
                                             "removable_at": removable_at}, {}, (), {})
    func.__module__, func.__qualname__ = "scipy._lib", name
    register_synthetic(func, syntax.clone(node), filename, {})
    _MADE[(n, two, special)] = func
    return func
