"""Stage 4 (forward mode): a normalized function to one computing its value and tangent.

Each statement of the user's code is followed by the statements computing its tangent
(``dy`` for ``y``), under ``# Tangent of: <the user's line>``.  Control flow stays as it is:
an ``if`` or a loop carries the tangents along, so forward mode needs no stack.  A tangent
rule states one contribution per argument (``d[z] = d[x] * y`` and ``d[z] = x * d[y]``); the
contributions of the arguments that carry a derivative are summed.  Calls into the user's own
functions call their generated ``f_jvp`` (recursion included).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import gast

from tangentlike.ad.calls import bound_call
from tangentlike.ad.common import (
    DerivativeNames,
    derivative_or_zero,
    dynamic_call,
    dynamic_target,
    generated,
    instantiate_rule,
    is_constant,
    last_and_rest,
    map_contributions,
    parameter_names,
    runtime_call,
    setitem_index,
    with_origin_comments,
    with_seeds,
    zero,
)
from tangentlike.core import anno, syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import NoDerivativeError
from tangentlike.frontend.annotate import Activity
from tangentlike.frontend.operations import (
    Dynamic,
    Kind,
    loop_source,
    operation,
    targets,
    where,
)
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.rules import registry
from tangentlike.rules.primitive import primitive, tuple_result
from tangentlike.rules.template import Namespace


@dataclass
class ForwardOptions:
    wrt: tuple[int, ...] = (0,)
    preserve_result: bool = False
    inner: bool = False  # the jvp of a callee, called by generated code


class ForwardAD:
    """Builds the forward-mode derivative of one normalized function."""

    def __init__(self, fn: gast.FunctionDef, parsed: ParsedFunction, activity: Activity,
                 namer: Namer, namespace: Namespace, options: ForwardOptions,
                 jvps: Callable[..., str] | None = None):
        self.fn = fn
        self.parsed = parsed
        self.varied = activity.varied
        self.namer = namer
        self.namespace = namespace
        self.options = options
        self.jvps = jvps
        self.local_names = syntax.stored_names(fn)
        # tangent(x): the tangent variable of a name that depends on a wrt input, else None
        self.tangent = DerivativeNames(namer, self.varied, "tangent")

    # -- names and helpers ------------------------------------------------------------------
    def runtime_call(self, helper: str, args: list[gast.expr]) -> gast.Call:
        return runtime_call(self.namespace, helper, args)

    def tangent_or_zero(self, node: gast.expr) -> gast.expr:
        tangent = self.tangent(node.id) if isinstance(node, gast.Name) else None
        return derivative_or_zero(self.namespace, tangent, syntax.clone(node))

    def zero(self, name: str) -> gast.stmt:
        return zero(self.namespace, self.tangent(name), name)

    # -- statements -------------------------------------------------------------------------
    def block(self, body: list[gast.stmt]) -> list[gast.stmt]:
        return with_origin_comments(((stmt, self.statement(stmt)) for stmt in body),
                                    "Tangent of", _computes_tangent)

    def statement(self, stmt: gast.stmt) -> list[gast.stmt]:
        if isinstance(stmt, gast.If):
            return [gast.If(test=stmt.test, body=self.block(stmt.body) or [gast.Pass()],
                            orelse=self.block(stmt.orelse))]
        if isinstance(stmt, gast.While):
            return [gast.While(test=stmt.test, body=self.block(stmt.body) or [gast.Pass()],
                               orelse=[])]
        if isinstance(stmt, gast.For):
            return self.loop(stmt)
        if isinstance(stmt, gast.Try):
            return self.probe(stmt)
        if isinstance(stmt, gast.With):
            return []  # a gradient hook belongs to the backward pass of reverse mode
        if isinstance(stmt, gast.Expr):
            return self.expression_statement(stmt)
        if isinstance(stmt, gast.Assign):
            return self.assignment(stmt)
        return [stmt]

    def probe(self, probe: gast.Try) -> list[gast.stmt]:
        """A ``try`` (frontend/exceptions.py): each tangent right after its statement, in the
        try; an exception raised by tangent code (``math.sqrt(x)``'s at 0) is never the
        user's to catch: the handler raises it again (``in_tangent``)."""
        flag = self.namer.fresh("in_tangent")
        body, flagged = _flag_tangents(self.block(probe.body), flag)
        if not flagged:
            return [gast.Try(body=body or [gast.Pass()],
                             handlers=syntax.clone(probe.handlers), orelse=[], finalbody=[])]
        handlers = syntax.clone(probe.handlers)
        for handler in handlers:
            handler.body.insert(0, generated(gast.If(test=syntax.load(flag),
                                                     body=[gast.Raise(exc=None, cause=None)],
                                                     orelse=[])))
        start = generated(syntax.assign(flag, syntax.const(False)))
        return [start, gast.Try(body=body, handlers=handlers, orelse=[], finalbody=[])]

    def loop(self, loop: gast.For) -> list[gast.stmt]:
        body = self.block(loop.body)
        source = loop_source(loop)
        target = loop.target.id if isinstance(loop.target, gast.Name) else None
        if source and target and self.tangent(target) and self.tangent(source):
            # for row in X: the row's tangent is the matching row of X's tangent
            index = self.namer.fresh("k")
            header = syntax.tuple_of([syntax.store(index), syntax.store(target)], gast.Store())
            iterate = syntax.call(syntax.load("enumerate"), [syntax.load(source)])
            first = generated(syntax.assign(self.tangent(target), self.runtime_call(
                "element_tangent", [self.tangent_or_zero(syntax.load(source)),
                                    syntax.load(index)])))
            return [gast.For(target=header, iter=iterate, body=[first] + body, orelse=[],
                             type_comment=None)]
        if target and self.tangent(target):  # a value from a constant sequence (a range)
            body = [self.zero(target)] + body
        return [gast.For(target=loop.target, iter=loop.iter, body=body or [gast.Pass()],
                         orelse=[], type_comment=None)]

    def expression_statement(self, stmt: gast.Expr) -> list[gast.stmt]:
        op = operation(stmt, self.parsed, self.local_names)
        if op.kind is not Kind.APPEND or not self.tangent(op.inputs[0]):
            return [stmt]
        base = op.inputs[0]
        grown = self.runtime_call("appended", [syntax.load(self.tangent(base)),
                                               self.tangent_or_zero(op.args[0])])
        return [stmt, generated(syntax.assign(self.tangent(base), grown))]

    def assignment(self, stmt: gast.Assign) -> list[gast.stmt]:
        op = operation(stmt, self.parsed, self.local_names)
        if op.kind is Kind.SETITEM:
            return self.setitem(stmt, op)
        names = [n for n in targets(stmt) if self.tangent(n)]
        if not names:
            return [stmt]
        if is_constant(op):
            return [stmt] + [self.zero(n) for n in names]  # a new value, with no tangent
        if op.kind is Kind.CALL:
            return self.call(stmt, op)
        if op.kind is Kind.POP and not self.tangent(op.inputs[0]):
            return [stmt] + [self.zero(n) for n in names]  # a stack of constants
        if op.kind is Kind.POP:  # v = stack.pop(): v's tangent comes off the end of the stack's
            stack, element = self.tangent(op.inputs[0]), names[0]
            last, rest = last_and_rest(stack)
            return [stmt, generated(syntax.assign(self.tangent(element), last)),
                    generated(syntax.assign(stack, rest))]
        target = stmt.targets[0]
        overwritten = isinstance(target, gast.Name) and target.id in op.inputs
        result = target.id if isinstance(target, gast.Name) else None
        primal = [stmt]
        if overwritten:  # y = f(y): the tangent reads the old y, so compute the new one aside
            result = self.namer.fresh(f"{target.id}_new")
            self.namer.temporaries.add(result)
            primal = [syntax.assign(result, stmt.value)]
            anno.info(primal[0]).origin = anno.info(stmt).origin
        tangent = self.tangent_statements(stmt, op, result)
        if overwritten:
            tangent.append(syntax.assign(target.id, syntax.load(result)))
        return primal + tangent

    def tangent_statements(self, stmt: gast.Assign, op, result: str | None) -> list[gast.stmt]:
        target = stmt.targets[0]
        if op.kind is Kind.COPY:
            return [generated(syntax.assign(
                self.tangent(target.id), self.tangent_or_zero(syntax.load(op.inputs[0]))))]
        if op.kind in (Kind.TUPLE, Kind.DICT):
            parts = [self.tangent_or_zero(e) for e in op.args]
            if op.kind is Kind.DICT:
                value = gast.Dict(keys=[syntax.clone(k) for k in op.keywords["keys"]],
                                  values=parts)
            elif isinstance(stmt.value, gast.List):
                value = gast.List(elts=parts, ctx=gast.Load())
            else:
                value = syntax.tuple_of(parts)
            return [generated(syntax.assign(self.tangent(target.id), value))]
        if op.kind is Kind.NODE:
            return [generated(syntax.assign(self.tangent(target.id), self.node_tangent(
                op, result)))]
        if op.kind is Kind.UNPACK:
            source = self.tangent_or_zero(syntax.load(op.inputs[0]))
            return [generated(syntax.assign(
                self.tangent(e.id), gast.Subscript(value=syntax.clone(source),
                                                   slice=syntax.const(i), ctx=gast.Load())))
                    for i, e in enumerate(target.elts) if self.tangent(e.id)]
        rule = registry.tangent_rule(op.key)
        if rule is None:
            raise NoDerivativeError(
                f"no forward-mode (tangent) rule for {registry.describe(op.key)}",
                where(stmt, self.parsed),
                hint="use reverse mode, or register one with @tangentlike.tangent")
        tangent_name = self.tangent(target.id)
        body = instantiate_rule(rule, op, result, self.tangent, {result: tangent_name},
                                self.namespace, where(stmt, self.parsed))
        summed = self.sum_contributions(body, tangent_name, target.id, elementwise=(
            primitive(op.key).containers or tuple_result(op.key)))
        # Summed, the statements define the tangent: none is an adjoint's contribution, which
        # the optimizer would fold into a zero-initialised name (dx = zeros_like(x) followed by
        # dx = broadcast_like(dx, x_new) is not dx = x_new).
        for s in syntax.statements(summed, with_bodies=True):
            if anno.has_info(s):
                anno.info(s).contribution = False
        return summed

    def node_tangent(self, op, result: str) -> gast.expr:
        """``q = Params(a, b=c)``: ``with_fields(zeros_like(q), W=da, b=dc)``;
        ``q = p._replace(W=a)``: ``with_fields(dp, W=da)``."""
        if op.fields and op.fields[0] is None:
            start, pairs = self.tangent_or_zero(op.args[0]), zip(op.fields[1:], op.args[1:])
            if op.key is dataclasses.replace:  # the fields are the values passed: checked
                start = self.runtime_call("plain_fields", [start])
        else:
            start = self.runtime_call("zeros_like", [syntax.load(result)])
            pairs = ((f, a) for f, a in zip(op.fields, op.args)
                     if isinstance(a, gast.Name) and self.tangent(a.id))
        keywords = [gast.keyword(arg=f, value=self.tangent_or_zero(a)) for f, a in pairs]
        if not keywords:
            return start
        call = self.runtime_call("with_fields", [start])
        call.keywords = keywords
        return call

    def sum_contributions(self, body: list[gast.stmt], tangent: str, name: str,
                          elementwise: bool = False) -> list[gast.stmt]:
        """``d[z] = e1`` and ``d[z] = e2`` become ``dz = e1 + e2`` (``add_grad(e1, e2)`` for
        the tangents of tuples, lists and dicts, which ``+`` would concatenate)."""
        flat = [s for s in body if anno.info(s).contribution]
        nested = any(isinstance(s, gast.If) for s in body)
        if nested:  # contributions inside a run-time branch: start from zero, accumulate
            return [self.zero(name)] + self._accumulate(body, tangent, elementwise)
        if not flat:  # it depends on the inputs only through arguments with no derivative
            return body + [self.zero(name)]
        if len(flat) == 1:
            return body
        out, parts = [], []
        for s in body:
            if anno.info(s).contribution:
                part = self.namer.temp()
                out.append(generated(syntax.assign(part, s.value)))
                parts.append(syntax.load(part))
            else:
                out.append(s)
        total = parts[0]
        for part in parts[1:]:
            total = (self.runtime_call("add_grad", [total, part]) if elementwise
                     else gast.BinOp(left=total, op=gast.Add(), right=part))
        return out + [generated(syntax.assign(tangent, total))]

    def _accumulate(self, body: list[gast.stmt], tangent: str,
                    elementwise: bool = False) -> list[gast.stmt]:
        def add(s: gast.stmt) -> gast.expr:
            if elementwise:  # tuples, lists and dicts: add_grad, not + (which concatenates)
                return self.runtime_call("add_grad", [syntax.load(tangent), s.value])
            return gast.BinOp(left=syntax.load(tangent), op=gast.Add(), right=s.value)
        return map_contributions(body, lambda s: generated(syntax.assign(tangent, add(s))))

    def setitem(self, stmt: gast.Assign, op) -> list[gast.stmt]:
        """``x[i] = v``: the tangent of x gets v's tangent (or zero) at i, out of place."""
        base, value = op.inputs[0], op.args[0]
        if not self.tangent(base):
            return [stmt]
        new = self.runtime_call("set_at", [syntax.load(self.tangent(base)), setitem_index(stmt),
                                           self.tangent_or_zero(value)])
        return [stmt, generated(syntax.assign(self.tangent(base), new))]

    def call(self, stmt: gast.Assign, op) -> list[gast.stmt]:
        """``y = f(a, b)`` runs as ``dy, y = f_jvp(a, b, da, db)``."""
        call = bound_call(op, self.tangent, self.namespace)
        seeds = [syntax.load(self.tangent(n)) for n in call.differentiated()]
        target = stmt.targets[0].id
        if isinstance(op.key, Dynamic):  # a callee known when the call runs
            value = dynamic_call(self.namespace, "call_jvp", [
                dynamic_target(self.namespace, op.key, self.tangent), syntax.const(call.wrt),
                syntax.tuple_of(call.positional),
                gast.Dict(keys=[syntax.const(k.arg) for k in call.keywords],
                          values=[k.value for k in call.keywords]), syntax.tuple_of(seeds)])
        else:
            name = self.jvps(op.key, call.wrt, where(stmt, self.parsed))
            value = syntax.call(syntax.load(name), [*call.positional, *seeds], call.keywords)
        new = syntax.assign(
            syntax.tuple_of([syntax.store(self.tangent(target)), syntax.store(target)],
                            gast.Store()), value)
        anno.info(new).origin = anno.info(stmt).origin
        # the user's function runs here, once, in order, even if its value is unused: it may
        # draw random numbers or do I/O
        anno.info(new).generated = anno.info(new).keep = True
        return [new]

    # -- the whole function -----------------------------------------------------------------
    def build(self) -> gast.FunctionDef:
        fn = self.fn
        params = parameter_names(fn)
        wrt_names = [params[i] for i in self.options.wrt]
        seeds = [self.tangent.force(n) for n in wrt_names]
        *body, ret = fn.body
        # Parameters that depend on the inputs only through a re-binding start at zero.
        start = [self.zero(n) for n in params if n not in wrt_names and self.tangent(n)]
        out = start + self.block(body)
        returned = ret.value
        if isinstance(returned, gast.Tuple):
            result = syntax.tuple_of([self.tangent_or_zero(e) for e in returned.elts])
        else:
            result = self.tangent_or_zero(returned)
        if self.options.preserve_result:
            result = syntax.tuple_of([result, syntax.clone(returned)])
        new_args = with_seeds(fn.args, seeds, inner=self.options.inner)
        name = f"{fn.name}_jvp"  # reserved by the pipeline: recursive calls use it
        return gast.FunctionDef(name=name, args=new_args,
                                body=out + [gast.Return(value=result)], decorator_list=[],
                                returns=None, type_comment=None, type_params=[])


def _flag_tangents(body: list[gast.stmt], flag: str) -> tuple[list[gast.stmt], bool]:
    """``body`` with each run of tangent statements between ``flag = True`` and
    ``flag = False`` (in nested ``if`` blocks too); whether there was any."""
    out: list[gast.stmt] = []
    run: list[gast.stmt] = []
    flagged = False

    def close() -> None:
        nonlocal flagged
        if any(not syntax.is_comment(s) for s in run):
            out.append(generated(syntax.assign(flag, syntax.const(True))))
            out.extend(run)
            out.append(generated(syntax.assign(flag, syntax.const(False))))
            flagged = True
        else:
            out.extend(run)
        run.clear()

    for stmt in body:
        if isinstance(stmt, gast.If):
            close()
            stmt.body, inner = _flag_tangents(stmt.body, flag)
            stmt.orelse, other = _flag_tangents(stmt.orelse, flag)
            flagged = flagged or inner or other
            out.append(stmt)
        elif anno.has_info(stmt) and anno.info(stmt).generated and not anno.info(stmt).keep:
            run.append(stmt)
        else:
            close()
            out.append(stmt)
    close()
    return out, flagged


def _computes_tangent(stmt: gast.stmt, produced: list[gast.stmt]) -> bool:
    """A simple statement whose tangent statements follow it (an ``if`` or a loop carries its
    own statements' comments)."""
    return not isinstance(stmt, (gast.If, gast.For, gast.While, gast.Try)) and any(
        anno.info(s).generated for s in produced)


def forward_ad(fn: gast.FunctionDef, parsed: ParsedFunction, activity: Activity, namer: Namer,
               namespace: Namespace, options: ForwardOptions,
               jvps: Callable[..., str] | None = None) -> gast.FunctionDef:
    """The forward-mode derivative of a normalized, annotated function.  ``jvps(f, wrt)``
    names the forward-mode derivative of a user function ``f`` (returning tangent, value)."""
    return ForwardAD(fn, parsed, activity, namer, namespace, options, jvps).build()
