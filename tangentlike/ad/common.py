"""Statement builders both modes share: the parameters ``wrt`` counts, calls of runtime
helpers, the mark on generated statements, and zero derivatives."""
from __future__ import annotations

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
    name = namespace.name_for(getattr(runtime, helper), helper)
    return syntax.call(syntax.load(name), args)


def generated(stmt: gast.stmt) -> gast.stmt:
    """``stmt``, marked as tangentlike's (the optimizer may remove or rewrite it)."""
    anno.info(stmt).generated = True
    return stmt


def zero(namespace: Namespace, derivative: str, name: str) -> gast.stmt:
    """``derivative = zeros_like(name)``."""
    return generated(syntax.assign(
        derivative, runtime_call(namespace, "zeros_like", [syntax.load(name)])))
