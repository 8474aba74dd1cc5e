"""The keywords of a ufunc call (``np.sin(x, out=y)``, ``np.add(a, b, where=m)``,
``np.multiply(a, b, dtype=np.float32)``).

- ``dtype=T`` (with ``casting=``) on a ufunc that computes each floating point type in that
  type (``np.sin``, ``np.add``: a loop ``d->d``, ``dd->d``) is the ufunc of its inputs cast to
  ``T``: :func:`rewrite_ufunc_keywords` writes it so before A-normal form, and the cast's rules
  give the derivative in ``T``'s floating point type.
- ``out=None`` and ``where=True`` are NumPy's defaults: dropped.
- ``out=`` (or a ufunc's output passed by position) writes the result into an array in
  place, and ``where=`` leaves the masked elements uninitialized (or ``out``'s): on a differentiated
  value both are refused by name (:func:`check_ufunc_keywords`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.errors import Location, UnsupportedSyntaxError
from tangentlike.frontend.operations import resolve
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.rules import registry
from tangentlike.runtime.casts import ufunc_input

# The keywords :func:`rewrite_ufunc_keywords` rewrites (a call without one is left as it is).
KEYWORDS = frozenset({"dtype", "out", "where"})


def _computes_in_each_float_type(ufunc: np.ufunc) -> bool:
    """Whether ``ufunc`` has a loop ``d...d->d``: given inputs of one float type, it computes
    in that type (not ``np.ldexp``, whose second input is an integer)."""
    return ufunc.nout == 1 and "d" * ufunc.nin + "->d" in ufunc.types


def _is_literal(node: gast.expr, value: Any) -> bool:
    return isinstance(node, gast.Constant) and node.value is value


def rewrite_ufunc_keywords(body: list[gast.stmt], parsed: ParsedFunction,
                           name_for: Callable[[Any, str], str],
                           local_names: set[str] | None = None) -> None:
    """In ``body`` (in place): drop a ufunc call's ``out=None`` and ``where=True`` (NumPy's
    defaults), and write each ``ufunc(a, b, dtype=T)`` as ``ufunc(ufunc_input(a, T),
    ufunc_input(b, T))``, for the ufuncs that compute in each float type.  ``local_names``:
    the names the function binds and its parameters, where the caller has them (else
    worked out from ``parsed.node`` at the first call with such a keyword)."""
    for stmt in body:
        for call in list(syntax.walk(stmt)):
            if not isinstance(call, gast.Call):
                continue
            keywords = {k.arg: k.value for k in call.keywords}
            if not KEYWORDS & set(keywords) or None in keywords \
                    or any(isinstance(a, gast.Starred) for a in call.args):
                continue
            if local_names is None:
                local_names = syntax.stored_names(parsed.node) | {
                    a.id for a in parsed.node.args.args + parsed.node.args.posonlyargs
                    + parsed.node.args.kwonlyargs}
            ufunc = resolve(call.func, parsed, local_names)
            if not isinstance(ufunc, np.ufunc):
                continue
            call.keywords = [k for k in call.keywords
                             if not (k.arg == "out" and _is_literal(k.value, None)
                                     or k.arg == "where" and _is_literal(k.value, True))]
            keywords = {k.arg: k.value for k in call.keywords}
            if "dtype" not in keywords or not _computes_in_each_float_type(ufunc) \
                    or len(call.args) != ufunc.nin or set(keywords) - {"dtype", "casting"}:
                continue
            extra = [keywords["casting"]] if "casting" in keywords else []
            cast = []
            for arg in call.args:
                func = gast.copy_location(syntax.load(name_for(ufunc_input, "ufunc_input")),
                                          arg)
                anno.info(func).callee = ufunc_input
                cast.append(gast.copy_location(
                    syntax.call(func, [arg, syntax.clone(keywords["dtype"]),
                                       *map(syntax.clone, extra)]), arg))
            call.args = cast
            call.keywords = []


def may_refuse(call: gast.Call, callee: Any) -> bool:
    """Whether :func:`check_ufunc_keywords` may refuse this call of ``callee`` (where it
    touches a differentiated name): a call with a keyword, or of a ufunc given more
    arguments than it takes (an output), of a ufunc or a function with rules; its caller
    leaves out the names the call reads, and the location, where it may not."""
    if not call.keywords and not (isinstance(callee, np.ufunc) and len(call.args) > callee.nin):
        return False
    return isinstance(callee, np.ufunc) or registry.is_primitive(callee)


def check_ufunc_keywords(call: gast.Call, callee: Any, touched: list[str],
                         location: Location | None) -> None:
    """Refuse ``out=`` on a call of a ufunc or a function with rules on a differentiated value,
    and ``where=`` on a ufunc call on one; ``touched`` are the differentiated names the call
    reads.  (Your own functions are differentiated from their source, ``out`` parameter and
    all.)"""
    if not touched or not (isinstance(callee, np.ufunc) or registry.is_primitive(callee)):
        return
    keywords = {k.arg: k.value for k in call.keywords}
    out = keywords.get("out")
    positional_out = isinstance(callee, np.ufunc) and len(call.args) > callee.nin
    if (out is not None and not (isinstance(out, gast.Constant) and out.value is None)) \
            or positional_out:
        what = registry.describe(callee)
        raise UnsupportedSyntaxError(
            f"{what}(..., out=...) on the differentiated value {touched[0]} writes its result "
            "into the out= array in place: tangentlike does not differentiate out=",
            location, hint=f"assign the result instead: y = {what}(...), without out=")
    if isinstance(callee, np.ufunc) and "dtype" in keywords:  # not written as casts
        what = registry.describe(callee)
        raise UnsupportedSyntaxError(
            f"{what}(..., dtype=...) on the differentiated value {touched[0]}: tangentlike "
            "writes dtype= as casts of the inputs only for a ufunc whose inputs are all of "
            "one floating point type, called with its inputs and casting= alone", location,
            hint="cast the arguments yourself (x.astype(np.float32)) and drop dtype=")
    if isinstance(callee, np.ufunc) and "where" in keywords:
        what = registry.describe(callee)
        raise UnsupportedSyntaxError(
            f"{what}(..., where=...) on the differentiated value {touched[0]}: NumPy leaves "
            "the elements where the mask is False uninitialized (or keeps out='s), which no "
            "derivative follows", location,
            hint=f"choose with np.where instead: np.where(mask, {what}(...), other)")
