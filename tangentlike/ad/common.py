"""Statement builders both modes share: the parameters ``wrt`` counts, the derivative names,
calls of runtime helpers, the mark on generated statements, zero derivatives, the cases of the
``Kind`` dispatch built the same way (a rule's instantiation and contributions, a constant, an
index, the end of a list), the origin comments, and the seeds' parameters.

The dispatch itself stays in each mode (``forward.ForwardAD.assignment``,
``reverse.adjoints.Adjoints.adjoint_of``): COPY, TUPLE/DICT, UNPACK, POP and APPEND move
derivatives in opposite directions (forward mode builds ``dy`` from ``dx``, reverse mode adds
``by`` into ``bx``), so only their building blocks are shared."""
from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from typing import Any, Literal

import gast

from tangentlike import runtime
from tangentlike.core import anno, syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import Location
from tangentlike.frontend.operations import Dynamic, Kind, Operation
from tangentlike.rules.recipe import Reads
from tangentlike.rules.registry import Rule
from tangentlike.rules.template import Namespace, instantiate, value_expression
from tangentlike.runtime import dynamic

SEED = "init_grad"  # the output seed's parameter name (``df(x, init_grad=v)``), when free


def parameter_names(fn: gast.FunctionDef) -> list[str]:
    """Positional parameters, then keyword-only ones: what ``wrt`` indices count."""
    return [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]


class DerivativeNames:
    """The derivative variables of one function: ``bx`` (``kind='adjoint'``) or ``dx``
    (``'tangent'``) for ``x``, named by one namer the first time each is asked for, so the
    order of first use fixes the names.  Called with a name that carries no derivative (not
    active, not varied), it answers None."""

    def __init__(self, namer: Namer, carries: Container[str],
                 kind: Literal["adjoint", "tangent"]):
        self.namer = namer
        self.carries = carries  # the names that carry a derivative (active or varied)
        self.kind = kind
        self.names: dict[str, str] = {}  # name -> its derivative variable
        self._primals: dict[str, list[str]] = {}  # derivative variable -> names (one)

    def __call__(self, name: str) -> str | None:
        """The derivative variable of a name that carries a derivative, else None."""
        return self.force(name) if name in self.carries else None

    def force(self, name: str) -> str:
        """The derivative variable of ``name``, even if it carries none (a ``wrt`` input the
        output does not depend on still gets a zero gradient); a call still answers None."""
        if name not in self.names:
            derivative = self.names[name] = getattr(self.namer, self.kind)(name)
            self._primals.setdefault(derivative, []).append(name)
        return self.names[name]

    def primal(self, derivative: str) -> str:
        """The name whose derivative variable is ``derivative``."""
        (name,) = self._primals.get(derivative, [])
        return name


def runtime_call(namespace: Namespace, helper: str, args: list[gast.expr]) -> gast.Call:
    """A call of the runtime helper ``helper``, under the name the namespace gives it."""
    function = getattr(runtime, helper)
    func = syntax.load(namespace.name_for(function, helper))
    anno.info(func).callee = function  # what the optimizer recognizes it by, not its name
    return syntax.call(func, args)


def dynamic_call(namespace: Namespace, helper: str, args: list[gast.expr],
                 keywords: list[gast.keyword] = ()) -> gast.Call:
    """A call of ``runtime.dynamic``'s ``helper`` (a callee known when the call runs)."""
    function = getattr(dynamic, helper)
    func = syntax.load(namespace.name_for(function, helper))
    anno.info(func).callee = function
    return syntax.call(func, args, list(keywords))


def dynamic_target(namespace: Namespace, key: Dynamic, carries: Callable[[str], Any],
                   ) -> gast.expr:
    """The callee of a call found when it runs, as the derivative reads it: ``layer``,
    ``self.encode``; for a method of a value that carries a derivative, the class's function,
    called with the object first (``method_of(p, 'forward')``: ``calls.bound_call`` puts ``p``
    among the arguments); one of ``runtime.dynamic``'s helpers in a derivative differentiated
    again (``call_forward(call_forward, (2,), layer, (0,), x)``)."""
    if key.helper is not None:
        func = syntax.load(namespace.name_for(key.helper, key.helper.__name__))
        anno.info(func).callee = key.helper
        return func
    if carries(key.receiver):
        func = syntax.load(namespace.name_for(dynamic.method_of, "method_of"))
        anno.info(func).callee = dynamic.method_of
        return syntax.call(func, [syntax.load(key.receiver),
                                  syntax.const(key.method or "__call__")])
    return key.expression()


def generated(stmt: gast.stmt) -> gast.stmt:
    """``stmt``, marked as tangentlike's (the optimizer may remove or rewrite it)."""
    anno.info(stmt).generated = True
    return stmt


def zero(namespace: Namespace, derivative: str, name: str) -> gast.stmt:
    """``derivative = zeros_like(name)``."""
    return generated(syntax.assign(
        derivative, runtime_call(namespace, "zeros_like", [syntax.load(name)])))


def derivative_or_zero(namespace: Namespace, derivative: str | None,
                       value: gast.expr) -> gast.expr:
    """The derivative variable, or ``zeros_like(value)`` when ``value`` carries none."""
    if derivative:
        return syntax.load(derivative)
    return runtime_call(namespace, "zeros_like", [value])


# -- cases of the Kind dispatch -------------------------------------------------------------
def is_constant(op: Operation) -> bool:
    """A literal, an opaque value or a non-differentiable operation: a new value whose
    derivative is zero whatever its inputs' are."""
    return op.kind in (Kind.CONSTANT, Kind.OPAQUE) or not op.differentiable


def setitem_index(stmt: gast.Assign) -> gast.expr:
    """The index of ``x[i] = v`` as a value (``1:3`` becomes ``slice(1, 3)``)."""
    return value_expression(syntax.clone(stmt.targets[0].slice))


def last_and_rest(name: str) -> tuple[gast.expr, gast.expr]:
    """``name[-1]`` and ``name[:-1]``: a list's last element and the list without it (the
    tangent of ``v = xs.pop()``, the adjoint of ``xs.append(v)``)."""
    last = gast.Subscript(value=syntax.load(name), slice=syntax.const(-1), ctx=gast.Load())
    rest = gast.Subscript(value=syntax.load(name), slice=gast.Slice(
        lower=None, upper=syntax.const(-1), step=None), ctx=gast.Load())
    return last, rest


def instantiate_rule(rule: Rule, op: Operation, result: str, derivatives: DerivativeNames,
                     of_result: Mapping[str, str | None], namespace: Namespace,
                     where: Location | None, reads: Reads | None = None) -> list[gast.stmt]:
    """The statements of a derivative rule (adjoint or tangent) for ``op``, with its result
    read from ``result``.  The derivative variable of a name is ``of_result[name]`` for the
    result's names (reverse mode's placeholders, forward mode's ``dy`` for a ``y_new``), else
    ``derivatives(name)``.  ``reads``: see ``template.instantiate``."""
    carries, force = derivatives.carries, derivatives.force

    def derivative(name: str) -> str | None:  # (``derivatives(name)`` without its call)
        if name in of_result:
            return of_result[name]
        return force(name) if name in carries else None

    return instantiate(rule, syntax.load(result), op.args, op.keywords, derivative,
                       derivatives.namer, namespace, where, reads)


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


def with_origin_comments(blocks: Iterable[tuple[gast.stmt, list[gast.stmt]]], label: str,
                         shows: Callable[[gast.stmt, list[gast.stmt]], bool],
                         previous: Location | None = None) -> list[gast.stmt]:
    """The blocks built for the user's statements (``(stmt, block)``, in output order), each
    under ``# <label>: <the user's line>`` when ``shows(stmt, block)`` and the line is not the
    one above (``previous``: the enclosing statement's)."""
    out: list[gast.stmt] = []
    for stmt, block in blocks:
        origin = anno.info(stmt).origin
        # (``is not`` first: the statements of one line share its ``Location``, whose
        # ``!=`` compares its fields)
        if (origin is not None and origin is not previous and origin != previous
                and shows(stmt, block)):
            out.append(syntax.origin_comment(label, origin))
            previous = origin
        out += block
    return out


def with_seeds(args: gast.arguments, seeds: list[str], default_one: bool = False,
               inner: bool = False) -> gast.arguments:
    """The function's parameters (a copy), then the seeds': positional, with every default
    dropped, for ``inner`` (a callee's derivative, called by generated code with every
    argument); positional, defaulting to 1.0, for ``default_one`` (reverse mode's output
    seed); else keyword-only when the function has defaults or keyword-only parameters (a
    positional one would need a default), and positional otherwise."""
    new = syntax.clone(args)
    params = [syntax.param(s) for s in seeds]
    if inner:
        new.defaults, new.kw_defaults = [], [None] * len(new.kwonlyargs)
        new.args += params
    elif default_one:
        new.args += params
        new.defaults += [syntax.const(1.0) for _ in seeds]
    elif new.defaults or new.kwonlyargs:
        new.kwonlyargs += params
        new.kw_defaults += [None] * len(seeds)
    else:
        new.args += params
    return new
