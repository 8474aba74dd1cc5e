"""SciPy's frozen distributions: ``scipy.stats.norm(loc, scale).logpdf(x)`` is
``scipy.stats.norm.logpdf(x, loc, scale)``.

A frozen distribution is an object built when the code runs; calling its method would be a
call found only then, whose source (``rv_frozen.logpdf``: ``self.dist.logpdf(x, *self.args,
**self.kwds)``) spreads ``*args`` of unknown length.  Written as the distribution's own
method, with the frozen arguments after ``x``, the call meets the distribution's rule
(``templates/scipy_stats.py``), or is differentiated from its source, refused from the
user's line.  Both forms are rewritten: the call on the frozen object where it is made, and
a name bound once to one (``d = norm(m, s)``) whose every use calls one of its methods; the
frozen arguments are then bound to names of their own where the object is made
(``Lowering.frozen_now``), so that each call reads the values the object holds.  Univariate
(``rv_generic``) and multivariate (``multi_rv_generic``) distributions alike.
"""
from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import gast

from tangentlike.core import syntax

# The methods of a frozen distribution that take the point alone (``d.logpdf(x)``) and are
# the distribution's method with the frozen arguments after it.
POINT_METHODS = frozenset({"pdf", "logpdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf",
                           "pmf", "logpmf"})


def is_distribution(value: Any) -> bool:
    """A distribution of scipy.stats (``scipy.stats.norm``: an ``rv_generic`` instance, or
    ``scipy.stats.multivariate_normal``: a ``multi_rv_generic`` one)."""
    return any(c.__name__ in ("rv_generic", "multi_rv_generic")
               and c.__module__.startswith("scipy.stats") for c in type(value).__mro__)


def freezes(node: gast.expr, resolve: Callable[[gast.expr], Any]) -> bool:
    """``node`` is ``dist(args...)``, a distribution of scipy.stats frozen, with its arguments
    written out (no ``*args``, no ``**kwargs``)."""
    return (isinstance(node, gast.Call) and syntax.dotted_name(node.func) is not None
            and not any(isinstance(a, gast.Starred) for a in node.args)
            and not any(k.arg is None for k in node.keywords)
            and is_distribution(resolve(node.func)))


def point_call(node: gast.Call) -> tuple[gast.expr, str] | None:
    """``(frozen, method)`` for a call ``frozen.method(x)`` of one of :data:`POINT_METHODS`
    with the point alone."""
    func = node.func
    if (isinstance(func, gast.Attribute) and func.attr in POINT_METHODS
            and len(node.args) == 1 and not isinstance(node.args[0], gast.Starred)
            and not node.keywords):
        return func.value, func.attr
    return None


def unfrozen(frozen: gast.Call, method: str, call: gast.Call) -> gast.Call:
    """``call`` (``frozen.method(x)``) as ``dist.method(x, *frozen's arguments)``, less the
    frozen ``seed=`` of a multivariate distribution (its random draws')."""
    func = gast.Attribute(value=syntax.clone(frozen.func), attr=method, ctx=gast.Load())
    new = gast.Call(func=gast.copy_location(func, call.func),
                    args=[call.args[0], *map(syntax.clone, frozen.args)],
                    keywords=[gast.keyword(arg=k.arg, value=syntax.clone(k.value))
                              for k in frozen.keywords if k.arg != "seed"])
    return gast.copy_location(new, call)


def only_point_calls(name: str, body: list[gast.stmt]) -> bool:
    """Every read of ``name`` in ``body`` is ``name.method(x)`` of :data:`POINT_METHODS`."""
    calls = reads = 0
    for stmt in body:
        for node in gast.walk(stmt):
            if isinstance(node, gast.Name) and node.id == name and isinstance(
                    node.ctx, gast.Load):
                reads += 1
            if isinstance(node, gast.Call) and point_call(node) is not None:
                frozen, _ = point_call(node)
                calls += isinstance(frozen, gast.Name) and frozen.id == name
    return reads == calls


def is_private_method(callee: Any) -> bool:
    """``callee`` is a distribution's private method (``scipy.stats.alpha._logpdf``): plain
    Python over NumPy and scipy.special, differentiated from its source."""
    return (isinstance(callee, types.MethodType) and callee.__name__.startswith("_")
            and is_distribution(callee.__self__))
