"""The adjoint statements of each active statement, instantiated once, before anything is
decided about saves: templates, in-place changes, and calls into the user's functions (their
forward form ``y, y_saved = f_forward(a)`` and backward call).  Also the adjoint names
(``bx`` for ``x``), handed out lazily by one namer, in a fixed order."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import gast

from tangentlike import runtime
from tangentlike.ad.calls import BoundCall, bound_call
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
    runtime_call,
    setitem_index,
    zero,
)
from tangentlike.ad.reverse.analysis import Program
from tangentlike.core import anno, syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import UnsupportedSyntaxError
from tangentlike.frontend.operations import (
    Dynamic,
    Kind,
    loop_source,
    targets,
    where,
)
from tangentlike.frontend.recomputable import random_draw
from tangentlike.rules import registry
from tangentlike.rules.recipe import Reads
from tangentlike.rules.template import Namespace


def _sum(left: gast.expr, right: gast.expr) -> gast.BinOp:
    """``gast.BinOp(left=left, op=gast.Add(), right=right)``, the same node, without the
    keyword calls of gast's constructors (one per contribution)."""
    node = gast.AST.__new__(gast.BinOp)
    node.__dict__.update(left=left, op=gast.AST.__new__(gast.Add), right=right)
    return node


def _reused(shell: gast.Assign, adjoint: str, value: gast.expr) -> gast.Assign:
    """``adjoint = adjoint + value`` (``accumulate``'s plain sum), made from ``shell``, a
    statement ``adjoint = value`` that nothing else holds: its node and its target's are
    taken, with exactly the fields and the annotation record a new statement would have
    (``syntax.assign`` then ``contribution`` and ``generated``; ``shell``'s positions and
    record, the template's, dropped), so the result is the same tree.  A target that is not
    a plain ``Name`` of ``adjoint`` without a record gets a new one, as before."""
    target = shell.targets[0]
    if not (len(shell.targets) == 1 and target.__class__ is gast.Name and target.id == adjoint
            and target.__dict__.keys() == _NAME_FIELDS):
        target = syntax.store(adjoint)
    fields = shell.__dict__
    fields.clear()  # (then filled in ``syntax.assign``'s order)
    fields["targets"] = [target]
    fields["value"] = _sum(syntax.load(adjoint), value)
    fields["type_comment"] = None
    record = anno.info(shell)
    record.contribution = record.generated = True
    return shell


_NAME_FIELDS = syntax.store("_").__dict__.keys()


# The kinds of operation whose adjoint ``Adjoints.adjoint_of`` writes itself (the others,
# unless constant, instantiate their rule's template); a tuple (``in`` compares by identity
# first), not a set (an ``Enum`` member's hash is a Python call)
_OWN_ADJOINTS = (Kind.SETITEM, Kind.APPEND, Kind.POP, Kind.COPY, Kind.TUPLE, Kind.DICT,
                 Kind.NODE, Kind.CALL, Kind.UNPACK)


@dataclass
class Adjoint:
    """The backward statements of one active statement.  Inside if/for/while the result is
    read through placeholders (``values``: target -> name holding the value the statement
    produced; ``adjoints``: target -> name holding its adjoint) because the target itself is
    restored to its old value, and its adjoint reset, before the statements run."""

    body: list[gast.stmt]
    values: dict[str, str] = field(default_factory=dict)
    adjoints: dict[str, str] = field(default_factory=dict)


class Adjoints:
    """The adjoint names of one function and the adjoint of each active statement."""

    def __init__(self, program: Program, namer: Namer, namespace: Namespace,
                 pairs: Callable[..., tuple[str, str]] | None = None):
        self.program = program
        self.namer = namer
        self.namespace = namespace
        self.pairs = pairs
        # adjoint(x): the adjoint variable of an active name (None if it carries no derivative)
        self.adjoint = DerivativeNames(namer, program.active, "adjoint")
        self.names = self.adjoint.names  # name -> its adjoint variable
        self.forward_forms: dict[int, gast.stmt] = {}  # call -> its forward-pair form
        # call -> what its backward half needs: (backward, record, bound call, seed name)
        self.calls: dict[int, tuple[str, str, BoundCall, str]] = {}
        # a checkpointed call -> its forward-pair form, run in its backward step instead
        self.recomputed: dict[int, gast.stmt] = {}
        self.bodies: dict[int, Adjoint] = {}  # StmtRef -> the statement's adjoint
        # StmtRef -> (its forward form, that form's target, the names it binds): the save
        # planner and the sweeps ask for a statement's targets several times
        self._targets: dict[int, tuple[gast.stmt, gast.expr | None, list[str]]] = {}
        self.in_loop = False  # building the adjoint of a statement inside a loop or branch
        # the names read by the values of template statements rebuilt from a recipe (each
        # the ``e`` of a contribution ``bx = bx + e``): ``first_contributions`` reads them
        # instead of walking the values
        self.reads: Reads = {}
        # in forward pre-order, what each active simple statement mentions (its operation's
        # inputs, then the names it binds) and each ``for`` loop: the order of the zero
        # initialisations (``build._zero_init_order``), noted as the adjoints are made
        self.mentions: list[list[str] | gast.For] = []

    # -- names ------------------------------------------------------------------------------
    def targets(self, stmt: gast.stmt) -> list[str]:
        """The names a statement binds in the forward sweep (a call to a user function also
        binds the record its backward half needs)."""
        ref = self.program.ref(stmt)
        form = self.forward_forms.get(ref, stmt)
        target = form.targets[0] if isinstance(form, gast.Assign) else None
        known = self._targets.get(ref)
        if known is None or known[0] is not form or known[1] is not target:
            known = self._targets[ref] = (form, target, targets(form))
        return list(known[2])

    def forward_form(self, stmt: gast.stmt) -> gast.stmt:
        return self.forward_forms.get(self.program.ref(stmt), stmt)

    def of(self, stmt: gast.stmt) -> Adjoint | None:
        """The adjoint of a statement, if it is active."""
        return self.bodies.get(self.program.ref(stmt))

    def flows_from_iterable(self, loop: gast.For) -> bool:
        """``for row in X`` with both differentiated (naming both adjoints)."""
        source = loop_source(loop)
        return bool(source and self.adjoint(source) and isinstance(loop.target, gast.Name)
                    and self.adjoint(loop.target.id))

    # -- building blocks --------------------------------------------------------------------
    def runtime_call(self, helper: str, args: list[gast.expr]) -> gast.Call:
        return runtime_call(self.namespace, helper, args)

    def zero(self, name: str, adjoint: str | None = None) -> gast.stmt:
        return zero(self.namespace, adjoint or self.adjoint(name), name)

    def accumulate(self, name: str, value: gast.expr,
                   shell: gast.Assign | None = None) -> gast.stmt:
        """``bx = bx + value`` (element by element for tuples, lists and dicts).  ``shell``:
        a statement ``bx = value`` that nothing else holds (a template's contribution, just
        made), whose nodes the plain sum may reuse (``_reused``)."""
        adjoint = self.adjoint(name)
        containers = self.program.containers  # (none: no item of one either)
        if shell is not None and not containers:
            return _reused(shell, adjoint, value)
        if containers and (name in containers or self._item_of_container(value)):
            self.reads.pop(id(value), None)  # (``_shape_from_adjoint`` may rename a read)
            self._shape_from_adjoint(name, adjoint, value)
            if self._is_unindex(value):  # one item added, not a container of zeros
                total = self.runtime_call("add_item", [syntax.load(adjoint), *value.args])
                anno.info(total).alone = value.func
            else:
                total = self.runtime_call("add_grad", [syntax.load(adjoint), value])
        else:
            total = _sum(syntax.load(adjoint), value)
        stmt = syntax.assign(adjoint, total)
        record = anno.info(stmt)
        record.contribution = record.generated = True
        return stmt

    def _is_unindex(self, value: gast.expr) -> bool:
        """``unindex(g, x, i)``: ``bx = add_item(bx, g, x, i)`` adds ``g`` to one item of
        ``bx`` (where ``bx`` is still zero, the zero-initialisation pass writes the sum as
        ``bx = unindex(g, x, i)``, its ``alone`` form, which needs no zeros either)."""
        return (isinstance(value, gast.Call) and len(value.args) == 3 and not value.keywords
                and self.namespace.resolve(value.func) is runtime.unindex)

    def accumulate_element(self, source: str, element: str, index: str) -> gast.stmt:
        """The adjoint of ``for v in xs``'s element added back into ``xs``'s at position
        ``index``: ``bxs = add_element(bxs, bv, xs, k)`` for a container (one item touched
        per iteration, not a whole container of zeros), ``bX = bX + unelement(bv, X, k)``
        for an array."""
        args = [syntax.load(self.adjoint(element)), syntax.load(source), syntax.load(index)]
        if source not in self.program.containers:
            return self.accumulate(source, self.runtime_call("unelement", args))
        adjoint = self.adjoint(source)
        stmt = syntax.assign(adjoint, self.runtime_call(
            "add_element", [syntax.load(adjoint), *args]))
        record = anno.info(stmt)
        record.contribution = record.generated = True
        return stmt

    def _item_of_container(self, value: gast.expr) -> bool:
        """``bxs[i]`` with ``xs`` a container: its item may be a container or an object too
        (a plain object a list holds), added with ``add_grad``."""
        containers = {self.adjoint(n) for n in self.program.containers}
        return (isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name)
                and value.value.id in containers)

    def _shape_from_adjoint(self, name: str, adjoint: str, value: gast.expr) -> None:
        """``unindex(g, xs, i)`` and ``share(g, xs)`` read only the structure of ``xs``, and
        the backward sweep sees ``xs`` as the forward sweep left it: longer, if it was appended
        to after this statement.  The adjoint ``bxs`` has the structure ``xs`` had here, so
        the helper reads that instead (``remove_zero_inits`` puts ``xs`` back where the two
        are the same)."""
        if (name in self.program.growing and isinstance(value, gast.Call)
                and len(value.args) >= 2 and syntax.is_name(value.args[1], name)
                and any(self.namespace.resolve(value.func) is helper
                        for helper in (runtime.unindex, runtime.unelement, runtime.share))):
            value.args[1] = syntax.load(adjoint)

    # -- every active statement -------------------------------------------------------------
    def instantiate(self, body: list[gast.stmt], depth: int = 0) -> None:
        """The adjoint statements of every active statement, in forward pre-order."""
        for stmt in body:
            if isinstance(stmt, (gast.Assign, gast.Expr)) and anno.info(stmt).active:
                self.bodies[self.program.ref(stmt)] = self.adjoint_of(stmt, nested=depth > 0)
            elif isinstance(stmt, gast.For):
                self.mentions.append(stmt)
            if isinstance(stmt, gast.With):
                continue  # a gradient hook's body is the user's backward-sweep code
            for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
                if isinstance(inner, list):
                    self.instantiate(inner, depth + 1)

    def adjoint_of(self, stmt: gast.Assign, nested: bool) -> Adjoint:
        self.in_loop = nested
        op = self.program.operation(stmt)
        if op.kind is Kind.CALL:
            self.prepare_call(stmt, op)
        names = self.targets(stmt)
        # (the names of the statement itself: a call's forward form binds its record too)
        self.mentions += [op.inputs, names if op.kind is not Kind.CALL else targets(stmt)]
        result = Adjoint([])
        if nested:
            for name in names:
                result.values[name] = self.namer.fresh(f"{name}_out")
                self.namer.temporaries.add(result.values[name])
                if self.adjoint(name) and not self.program.adjoint_read_once(name):
                    result.adjoints[name] = self.namer.fresh(f"{self.adjoint(name)}_out")
                    self.namer.temporaries.add(result.adjoints[name])
        def adjoint_name(name: str) -> str | None:  # of a target: maybe its placeholder
            return result.adjoints.get(name) or self.adjoint(name)

        if nested:
            by_value = {result.values.get(n, n): adjoint_name(n) for n in names}
        else:  # (no placeholders: the same map, without a call of adjoint_name per name)
            by_value = {}
            for n in names:  # (most bind one name: a loop, not a comprehension's frame)
                by_value[n] = self.adjoint(n)
        if op.kind not in _OWN_ADJOINTS and not is_constant(op):
            # (most statements: their rule's template, before the cases below are made)
            target = stmt.targets[0].id
            body = instantiate_rule(registry.adjoint_rule(op.key), op,
                                    result.values.get(target, target), self.adjoint,
                                    by_value, self.namespace, where(stmt, self.program.parsed),
                                    self.reads)
            result.body = self.accumulate_contributions(body)
            return result

        def value(name: str) -> gast.Name:
            return syntax.load(result.values.get(name, name))

        def adjoint_of_target(name: str) -> gast.Name:
            return syntax.load(adjoint_name(name))

        if op.kind in (Kind.SETITEM, Kind.APPEND):
            result.body = self.mutation_adjoint(stmt, op)
            return result
        if op.kind is Kind.POP and not self.adjoint(op.inputs[0]):
            return result  # popped from a stack of constants (shape_only stand-ins)
        if op.kind is Kind.POP:  # the element's adjoint goes back on the end of the stack's
            stack = self.adjoint(op.inputs[0])
            element = derivative_or_zero(self.namespace, adjoint_name(names[0]),
                                         value(names[0]))
            result.body = [generated(syntax.assign(stack, gast.BinOp(
                left=syntax.load(stack), op=gast.Add(),
                right=gast.List(elts=[element], ctx=gast.Load()))))]
            return result
        target = stmt.targets[0]
        if is_constant(op):
            pass  # a new value that depends on no input: only the adjoint reset remains
        elif op.kind is Kind.COPY:
            if self.adjoint(op.inputs[0]):
                result.body = [self.accumulate(op.inputs[0], adjoint_of_target(target.id))]
        elif op.kind in (Kind.TUPLE, Kind.DICT):
            keys = op.keywords.get("keys") or [syntax.const(i) for i in range(len(op.args))]
            for key, elt in zip(keys, op.args):
                if isinstance(elt, gast.Name) and self.adjoint(elt.id):
                    part = gast.Subscript(value=adjoint_of_target(target.id),
                                          slice=syntax.clone(key), ctx=gast.Load())
                    result.body.append(self.accumulate(elt.id, part))
        elif op.kind is Kind.NODE:
            result.body = self.node_adjoint(op, value(target.id), adjoint_of_target(target.id))
        elif op.kind is Kind.CALL:
            result.body = self.call_adjoint(stmt, op, value, adjoint_of_target)
        elif op.kind is Kind.UNPACK:  # nothing flows back when the tuple carries no derivative
            if self.adjoint(op.inputs[0]):
                parts = [derivative_or_zero(self.namespace, adjoint_name(e.id), value(e.id))
                         for e in target.elts]
                result.body = [self.accumulate(op.inputs[0], syntax.tuple_of(parts))]
        return result

    def node_adjoint(self, op, built: gast.Name, adjoint: gast.Name) -> list[gast.stmt]:
        """``q = Params(a, b=c)``: ``ba`` is ``field_of(bq, q, 'W')``, and so on;
        ``q = p._replace(W=a)`` also gives ``p`` the adjoint of ``q`` without ``W``."""
        out = []
        changed = tuple(f for f in op.fields if f is not None)
        if op.key is dataclasses.replace:  # the fields are the values passed: checked
            built = self.runtime_call("plain_fields", [built])
        for name, arg in zip(op.fields, op.args):
            if not (isinstance(arg, gast.Name) and self.adjoint(arg.id)):
                continue
            if name is None:
                part = self.runtime_call("without_fields", [
                    syntax.clone(adjoint), syntax.clone(built), syntax.const(changed)])
            else:
                part = self.runtime_call("field_of", [syntax.clone(adjoint),
                                                      syntax.clone(built), syntax.const(name)])
            out.append(self.accumulate(arg.id, part))
        return out

    def mutation_adjoint(self, stmt: gast.stmt, op) -> list[gast.stmt]:
        """``x[i] = v``: v gets the adjoint of x[i], which is then zero (the old values were
        overwritten).  ``xs.append(v)``: v gets the adjoint of the last element."""
        base, value = op.inputs[0], op.args[0]
        if op.kind is Kind.SETITEM:
            part = gast.Subscript(value=syntax.load(self.adjoint(base)),
                                  slice=syntax.clone(stmt.targets[0].slice), ctx=gast.Load())
            rest = self.runtime_call("zero_at", [syntax.load(self.adjoint(base)),
                                                 setitem_index(stmt)])
        else:
            part, rest = last_and_rest(self.adjoint(base))
        out = []
        if isinstance(value, gast.Name) and self.adjoint(value.id):
            if op.kind is Kind.SETITEM:
                part = self.runtime_call("unbroadcast", [part, syntax.load(value.id)])
            if value.id == base:  # x[i] = x: the part's adjoint is read before it is zeroed
                held = self.namer.fresh(f"{self.adjoint(base)}_part")
                self.namer.temporaries.add(held)
                return [generated(syntax.assign(held, part)),
                        generated(syntax.assign(self.adjoint(base), rest)),
                        self.accumulate(value.id, syntax.load(held))]
            out.append(self.accumulate(value.id, part))
        out.append(generated(syntax.assign(self.adjoint(base), rest)))
        return out

    # -- calls into the user's functions ----------------------------------------------------
    def prepare_call(self, stmt: gast.Assign, op) -> None:
        """``y = f(a, b)`` runs as ``y, y_saved = f_forward(a, b)`` in the forward sweep (a
        callee known only then: ``y, y_saved = call_forward(layer, wrt, a, b)``)."""
        call = bound_call(op, self.adjoint, self.namespace)
        target = stmt.targets[0].id
        record = self.namer.fresh(f"{target}_saved")
        if isinstance(op.key, Dynamic):
            forward = dynamic_call(self.namespace, "call_forward", [
                dynamic_target(self.namespace, op.key, self.adjoint), syntax.const(call.wrt),
                *call.positional], call.keywords)
            backward_name, seed = None, None
        else:
            forward_name, backward_name, seed = self.pairs(op.key, call.wrt,
                                                           where(stmt, self.program.parsed))
            forward = syntax.call(syntax.load(forward_name), call.positional, call.keywords)
        form = syntax.assign(
            syntax.tuple_of([syntax.store(target), syntax.store(record)], gast.Store()),
            forward)
        anno.info(form).origin = anno.info(stmt).origin
        if op.checkpointed and backward_name is not None:
            # tangentlike.checkpoint(f): the forward sweep runs the plain call; the backward
            # step runs the forward half again (``recompute_call``)
            self.refuse_random_draws(stmt, op.key)
            self.namer.temporaries.add(record)
            self.recomputed[self.program.ref(stmt)] = form
        else:
            self.forward_forms[self.program.ref(stmt)] = form
        self.calls[self.program.ref(stmt)] = (backward_name, record, call, seed)

    def refuse_random_draws(self, stmt: gast.Assign, callee) -> None:
        """A checkpointed function that draws random numbers would draw others when run
        again: refused, naming the draw."""
        draw = random_draw(getattr(callee, "func", callee))  # a Specialized binding: its func
        if draw is not None:
            raise UnsupportedSyntaxError(
                f"tangentlike.checkpoint({callee.__name__}): {callee.__name__} may draw random "
                f"numbers (line {draw.lineno} of {draw.filename}: {draw.line.strip()}), which "
                "its recomputation in the backward pass would draw anew",
                where(stmt, self.program.parsed),
                hint="draw the numbers before the call and pass them as an argument, or "
                     "call the function without checkpoint")

    def recompute_call(self, stmt: gast.Assign) -> list[gast.stmt]:
        """A checkpointed call's forward half run again at the start of its backward step,
        under ``# Recompute: <the user's line>``: ``y_again, y_saved = f_forward(a, b)``
        (the value under a name of its own: the backward sweep may hold another value of
        ``y`` there)."""
        form = syntax.clone(self.recomputed[self.program.ref(stmt)])
        value = self.namer.fresh(f"{stmt.targets[0].id}_again")
        self.namer.temporaries.add(value)
        form.targets[0].elts[0] = syntax.store(value)
        out = [generated(form)]
        origin = anno.info(stmt).origin
        if origin is not None:
            out.insert(0, syntax.origin_comment("Recompute", origin))
        return out

    def call_adjoint(self, stmt: gast.Assign, op, value, adjoint_of_target) -> list[gast.stmt]:
        backward_name, record, bound, seed_name = self.calls[self.program.ref(stmt)]
        if not bound.wrt:
            return []
        if backward_name is None:  # a callee known when the call runs
            call = dynamic_call(self.namespace, "call_backward", [
                value(record), adjoint_of_target(stmt.targets[0].id)])
        else:
            seed = gast.keyword(arg=seed_name, value=adjoint_of_target(stmt.targets[0].id))
            call = syntax.call(syntax.load(backward_name),
                               [value(record), *[syntax.clone(a) for a in bound.positional]],
                               [*bound.keywords, seed])
        names = bound.differentiated()
        label = "".join(c if c.isalnum() or c == "_" else "" for c in op.key.__name__)
        parts = [self.namer.fresh(f"{self.adjoint(n)}_{label or 'call'}") for n in names]
        self.namer.temporaries.update(parts)
        target = syntax.store(parts[0]) if len(parts) == 1 else syntax.tuple_of(
            [syntax.store(p) for p in parts], gast.Store())
        out = [generated(syntax.assign(target, call))]
        out += [self.accumulate(n, syntax.load(p)) for n, p in zip(names, parts)]
        if self.program.ref(stmt) in self.recomputed:
            out = self.recompute_call(stmt) + out
        return out

    def accumulate_contributions(self, body: list[gast.stmt]) -> list[gast.stmt]:
        """Template statements ``bx = e`` marked as contributions become ``bx = bx + e``."""
        def accumulated(stmt: gast.Assign) -> gast.stmt:
            return self.accumulate(self.adjoint.primal(stmt.targets[0].id), stmt.value, stmt)

        return map_contributions(body, accumulated)
