"""Statement builders both modes share: the parameters ``wrt`` counts, calls of runtime
helpers, the mark on generated statements, zero derivatives, a rule's contributions, and the
seeds' parameters."""
from __future__ import annotations

from collections.abc import Callable

import gast

from tangentlike import runtime
from tangentlike.core import anno, syntax
from tangentlike.rules.template import Namespace

SEED = "init_grad"  # the output seed's parameter name (``df(x, init_grad=v)``), when free


def parameter_names(fn: gast.FunctionDef) -> list[str]:
    """Positional parameters, then keyword-only ones: what ``wrt`` indices count."""
    return [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]


def runtime_call(namespace: Namespace, helper: str, args: list[gast.expr]) -> gast.Call:
    """A call of the runtime helper ``helper``, under the name the namespace gives it."""
    function = getattr(runtime, helper)
    func = syntax.load(namespace.name_for(function, helper))
    anno.info(func).callee = function  # what the optimizer recognizes it by, not its name
    return syntax.call(func, args)


def generated(stmt: gast.stmt) -> gast.stmt:
    """``stmt``, marked as tangentlike's (the optimizer may remove or rewrite it)."""
    anno.info(stmt).generated = True
    return stmt


def zero(namespace: Namespace, derivative: str, name: str) -> gast.stmt:
    """``derivative = zeros_like(name)``."""
    return generated(syntax.assign(
        derivative, runtime_call(namespace, "zeros_like", [syntax.load(name)])))


def map_contributions(body: list[gast.stmt],
                      make: Callable[[gast.Assign], gast.stmt]) -> list[gast.stmt]:
    """A rule's statements with each one marked as a contribution (``d[x] = e``) replaced
    by ``make(stmt)``, inside its ``if`` branches too."""
    out = []
    for stmt in body:
        if isinstance(stmt, gast.If):
            stmt.body = map_contributions(stmt.body, make) or [gast.Pass()]
            stmt.orelse = map_contributions(stmt.orelse, make)
        elif anno.info(stmt).contribution:
            stmt = make(stmt)
        out.append(stmt)
    return out


def add_seeds(args: gast.arguments, seeds: list[str]) -> None:
    """The seeds as parameters after the function's own: keyword-only when it has defaults
    or keyword-only parameters (a positional one would need a default), else positional."""
    if args.defaults or args.kwonlyargs:
        args.kwonlyargs += [syntax.param(s) for s in seeds]
        args.kw_defaults += [None] * len(seeds)
    else:
        args.args += [syntax.param(s) for s in seeds]
