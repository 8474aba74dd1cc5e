"""The forward and backward sweeps, each generated once from the save plan.

The forward sweep is the user's code with the plan's pushes (``stack.append(x)`` before a
statement overwrites a saved ``x``, a slice's copy before ``x[i] = v``) and trip counters for
loops replayed by count.  The backward sweep mirrors it in reverse: an ``if`` on the same
(saved) condition, a loop running as many times as the forward loop ran, and for each active
statement its adjoint.  Inside control flow a step (1) reads the value its statement produced
into a placeholder (``y_out = y``), (2) pops the old value if it was saved, (3) takes the
adjoint it accumulated (``by_out = by``) and resets ``by`` for the old value, (4) runs the
adjoint with the placeholders as the result, and (5) puts a saved slice back.

A ``try`` (the probe of frontend/exceptions.py) may stop after any statement of its body.  The
forward sweep counts its statements as they complete (``step = k``, numbered in pre-order, an
``if`` counted when reached), and pushes a statement's saved values only after it completed
(``keep = y; y = f(a); stack.append(keep)``), so a statement that raised leaves nothing on
the stack; the backward sweep replays statement ``k`` under ``if step >= k:``.  The probe of
a ``finally`` needs no count: when it caught something the function raised again.
"""
from __future__ import annotations

from typing import Any

import gast

from tangentlike.ad.common import generated, with_origin_comments
from tangentlike.ad.reverse.adjoints import Adjoints
from tangentlike.ad.reverse.analysis import Program, ends_with_break
from tangentlike.ad.reverse.checkpointed import CheckpointedLoops
from tangentlike.ad.reverse.plan import SavePlan
from tangentlike.core import anno, syntax
from tangentlike.frontend.exceptions import reraises
from tangentlike.frontend.operations import loop_source


class Sweeps:
    """Builds the sweeps of one function from its plan; names the stack, trip counters and
    backward loop indices the first time it needs them."""

    def __init__(self, program: Program, adjoints: Adjoints, plan: SavePlan,
                 snapshots: int | None = None, zero_order: list[str] | None = None):
        self.program, self.adjoints, self.plan = program, adjoints, plan
        # the names whose adjoints start from zero -> their place in the order of their
        # initialisations
        self.zero_order = {name: k for k, name in enumerate(zero_order or ())}
        # grad(f, snapshots=k): the top-level loops, checkpointed (checkpointed.py)
        self.checkpointed = None if snapshots is None else CheckpointedLoops(self, snapshots)
        self.stack: str | None = None
        self.trips: dict[int, str] = {}  # loop (StmtRef) -> its trip counter
        self.indices: dict[int, str] = {}  # loop (StmtRef) -> index of the backward loop
        self.steps: dict[int, str] = {}  # try (StmtRef) replayed in part -> its step counter
        self.gated: set[int] = set()  # statements (by id) replayed under if step >= k

    # -- names and the stack ----------------------------------------------------------------
    def stack_name(self) -> str:
        if self.stack is None:
            self.stack = self.adjoints.namer.fresh("stack")
        return self.stack

    def trip_counter(self, loop: gast.stmt) -> str:
        ref = self.program.ref(loop)
        if ref not in self.trips:
            self.trips[ref] = self.adjoints.namer.fresh("trips")
        return self.trips[ref]

    def loop_index(self, loop: gast.stmt) -> str:
        ref = self.program.ref(loop)
        if ref not in self.indices:
            self.indices[ref] = self.adjoints.namer.fresh("k")
        return self.indices[ref]

    def stack_method(self, method: str, args: list[gast.expr]) -> gast.Call:
        """``stack.append(v)`` or ``stack.pop()``."""
        return syntax.call(gast.Attribute(value=syntax.load(self.stack_name()), attr=method,
                                          ctx=gast.Load()), args)

    def push(self, name: str, pair: Any = None) -> gast.stmt:
        """Save ``name`` on the stack; ``pair`` is a key shared with its one pop."""
        value = syntax.load(name)
        if name in self.plan.shape_only:  # the backward sweep reads only its shape
            value = self.adjoints.runtime_call("shape_only", [value])
        stmt = generated(gast.Expr(value=self.stack_method("append", [value])))
        anno.info(stmt).saves = pair
        return stmt

    def pop(self, name: str, pair: Any = None) -> gast.stmt:
        stmt = generated(syntax.assign(name, self.stack_method("pop", [])))
        anno.info(stmt).keep = True
        anno.info(stmt).saves = pair
        return stmt

    def setitem_target(self, stmt: gast.Assign, ctx: type) -> gast.Subscript:
        target = stmt.targets[0]
        return gast.Subscript(value=syntax.clone(target.value),
                              slice=syntax.clone(target.slice), ctx=ctx())

    def numbers(self, probe: gast.Try) -> dict[int, int]:
        """The statements of a ``try``'s body (by ``id``), numbered from 1 in pre-order."""
        return {id(s): k for k, s in enumerate(
            syntax.statements(probe.body, with_bodies=False), 1)}

    def count(self, steps: tuple[str, dict[int, int]] | None,
              stmt: gast.stmt) -> list[gast.stmt]:
        """``step = k`` after statement ``k`` (before an ``if``) of a ``try`` replayed in part,
        when the backward sweep asks."""
        if steps is None or id(stmt) not in self.gated:
            return []
        return [generated(syntax.assign(steps[0], syntax.const(steps[1][id(stmt)])))]

    # -- the forward sweep ------------------------------------------------------------------
    def forward(self, body: list[gast.stmt], depth: int = 0,
                steps: tuple[str, dict[int, int]] | None = None) -> list[gast.stmt]:
        """``steps``: the step counter and numbers of the ``try`` whose body this is."""
        out: list[gast.stmt] = []
        for stmt in body:
            if isinstance(stmt, gast.If):
                out += self.count(steps, stmt)
                out.append(gast.If(
                    test=stmt.test,
                    body=self.forward(stmt.body, depth + 1, steps) or [gast.Pass()],
                    orelse=self.forward(stmt.orelse, depth + 1, steps)))
            elif isinstance(stmt, (gast.For, gast.While)):
                out += self.forward_loop(stmt, depth)
            elif isinstance(stmt, gast.Try):
                out += self.forward_try(stmt, depth)
            elif isinstance(stmt, gast.With):  # a gradient hook: its body runs backward
                out += self.count(steps, stmt)
            else:
                ref = self.program.ref(stmt)
                pushes = []
                if depth:
                    pushes += [self.push(n, (ref, n)) for n in self.adjoints.targets(stmt)
                               if self.plan.is_saved(n)]
                if self.plan.saves_slice(ref):  # x[i] = v: the old x[i] first
                    pushes.append(generated(gast.Expr(value=self.stack_method(
                        "append", [self.old_value(stmt)]))))
                forward = self.copy_if_mutated(self.adjoints.forward_form(stmt))
                if steps is None:
                    out += pushes + [forward]
                else:  # pushed once it completed; then counted
                    out += self.pushed_after(pushes, forward) + self.count(steps, stmt)
        return out

    def pushed_after(self, pushes: list[gast.stmt], stmt: gast.stmt) -> list[gast.stmt]:
        """``keep = v; stmt; stack.append(keep)`` for each push ``stack.append(v)``."""
        before, after = [], []
        for push in pushes:
            keep = self.adjoints.namer.fresh("keep")
            self.adjoints.namer.temporaries.add(keep)
            before.append(generated(syntax.assign(keep, push.value.args[0])))
            append = generated(gast.Expr(value=self.stack_method("append",
                                                                  [syntax.load(keep)])))
            anno.info(append).saves = anno.info(push).saves
            after.append(append)
        return before + [stmt] + after

    def forward_try(self, probe: gast.Try, depth: int) -> list[gast.stmt]:
        """The probe as written; its statements counted when it is replayed in part."""
        step = self.steps.get(self.program.ref(probe))
        counting = (step, self.numbers(probe)) if step is not None else None
        body = self.forward(probe.body, depth + 1, counting) or [gast.Pass()]
        new = gast.Try(body=body, handlers=syntax.clone(probe.handlers), orelse=[],
                       finalbody=[])
        if step is None:
            return [new]
        start = generated(syntax.assign(step, syntax.const(0)))
        return [start, new] + ([self.push(step)] if depth else [])

    def old_value(self, stmt: gast.Assign) -> gast.expr:
        """What ``x[i] = v`` saves: a copy of ``x[i]``; in a dict that may not have the key
        yet, ``old_item(d, k)`` (its value, or a mark that there was none)."""
        target = stmt.targets[0]
        if isinstance(target.value, gast.Name) and target.value.id in self.program.keyed_dicts:
            return self.adjoints.runtime_call("old_item", [syntax.clone(target.value),
                                                           syntax.clone(target.slice)])
        return self.adjoints.runtime_call("copy_of", [self.setitem_target(stmt, gast.Load)])

    def restore_value(self, stmt: gast.Assign) -> gast.stmt:
        """``x[i] = stack.pop()``; in a dict that may not have had the key,
        ``restore_item(d, k, stack.pop())`` (which deletes a key that was new)."""
        target = stmt.targets[0]
        popped = self.stack_method("pop", [])
        if isinstance(target.value, gast.Name) and target.value.id in self.program.keyed_dicts:
            restore: gast.stmt = gast.Expr(value=self.adjoints.runtime_call(
                "restore_item", [syntax.clone(target.value), syntax.clone(target.slice),
                                 popped]))
        else:
            restore = syntax.assign(self.setitem_target(stmt, gast.Store), popped)
        anno.info(restore).keep = anno.info(restore).generated = True
        return restore

    def copy_if_mutated(self, stmt: gast.stmt) -> gast.stmt:
        """``t = x[i]`` reads a copy when x is changed in place later (not a view)."""
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Subscript)
                and isinstance(stmt.value.value, gast.Name)
                and stmt.value.value.id in self.program.mutated_arrays
                and isinstance(stmt.targets[0], gast.Name)):
            new = syntax.assign(stmt.targets[0].id, self.adjoints.runtime_call(
                "copy_of", [syntax.clone(stmt.value)]))
            anno.info(new).origin = anno.info(stmt).origin
            return new
        return stmt

    def forward_loop(self, loop: gast.stmt, depth: int) -> list[gast.stmt]:
        """The loop as written, counting its trips when it is replayed by count."""
        if self.checkpointed is not None and self.checkpointed.chosen(loop, depth):
            return self.checkpointed.forward(loop)
        plan = self.plan.loop(self.program.ref(loop))
        target = loop.target.id if isinstance(loop, gast.For) and isinstance(
            loop.target, gast.Name) else None
        before = [self.push(target)] if depth and target and self.plan.is_saved(target) \
            else []
        body = self.forward(loop.body, depth + 1)
        shapes = [self.push_shape(loop, n) for n in self.zeroed_by_shape(loop)]
        if shapes:  # at the end of each iteration, so they are popped first
            body = (body[:-1] + shapes + [body[-1]] if ends_with_break(body)
                    else body + shapes)
        if plan.replay != "trips":
            if isinstance(loop, gast.While):
                return [gast.While(test=loop.test, body=body, orelse=[])]
            return before + [gast.For(target=loop.target, iter=loop.iter, body=body,
                                      orelse=[], type_comment=None)]
        if self.plan.is_saved(target):  # at the end of each iteration, so it is popped first
            body = (body[:-1] + [self.push(target), body[-1]] if ends_with_break(body)
                    else body + [self.push(target)])
        trips = self.trip_counter(loop)
        increment = generated(syntax.assign(trips, gast.BinOp(
            left=syntax.load(trips), op=gast.Add(), right=syntax.const(1))))
        body = (body[:-1] + [increment, body[-1]] if ends_with_break(body)
                else body + [increment])
        if isinstance(loop, gast.While):
            new = gast.While(test=loop.test, body=body, orelse=[])
        else:
            new = gast.For(target=loop.target, iter=loop.iter, body=body, orelse=[],
                           type_comment=None)
        after = [self.push(trips)] if depth else []
        return before + [generated(syntax.assign(trips, syntax.const(0))), new] + after

    # -- the backward sweep -----------------------------------------------------------------
    def backward(self, body: list[gast.stmt], depth: int = 0,
                 enclosing=None, steps: tuple[str, dict[int, int]] | None = None,
                 ) -> list[gast.stmt]:
        """``steps``: the step counter and numbers of the ``try`` whose body this is (each
        statement's step replayed only if the statement completed)."""
        blocks = []
        for stmt in reversed(body):
            recomputed = self.recompute(stmt)
            if isinstance(stmt, gast.If):
                block = recomputed + self.backward_if(stmt, depth, steps)
            elif isinstance(stmt, (gast.For, gast.While)):
                block = recomputed + self.backward_loop(stmt, depth)
            elif isinstance(stmt, gast.Try):
                block = recomputed + self.backward_try(stmt, depth)
            elif isinstance(stmt, gast.With):
                block = recomputed + self.backward_hook(stmt)
            elif isinstance(stmt, (gast.Assign, gast.Expr)):
                block = self.backward_simple(stmt, depth, recomputed)
            else:
                block = []
            if steps is not None and block:
                reached = gast.Compare(left=syntax.load(steps[0]), ops=[gast.GtE()],
                                       comparators=[syntax.const(steps[1][id(stmt)])])
                block = [generated(gast.If(test=reached, body=block, orelse=[]))]
                self.gated.add(id(stmt))
            blocks.append((stmt, block))
        return with_origin_comments(blocks, "Grad of", _shows_adjoint, enclosing)

    def backward_try(self, probe: gast.Try, depth: int) -> list[gast.stmt]:
        """The body's steps in reverse, each under ``if step >= k:`` (not for the probe of
        a ``finally``: the backward sweep runs only if it caught nothing)."""
        origin = anno.info(probe).origin
        if reraises(probe):
            return self.backward(probe.body, depth + 1, origin)
        ref = self.program.ref(probe)
        step = self.steps.get(ref) or self.adjoints.namer.fresh("step")
        body = self.backward(probe.body, depth + 1, origin, (step, self.numbers(probe)))
        if not body:
            return []
        self.steps[ref] = step
        return ([self.pop(step)] if depth else []) + body

    def recompute(self, stmt: gast.stmt) -> list[gast.stmt]:
        """The values the plan computes again at the start of the backward step of
        ``stmt`` (``How.RECOMPUTE``): their statements, run again."""
        out = []
        for save in self.plan.recomputed_at(self.program.ref(stmt)):
            value = syntax.clone(self.program.order[save.stmt].value)
            out.append(generated(syntax.assign(save.name, value)))
        return out

    def backward_simple(self, stmt: gast.stmt, depth: int,
                        recomputed: list[gast.stmt]) -> list[gast.stmt]:
        """A statement's backward step; ``recomputed`` runs after its pops (first, when it
        recomputes the statement's own target, which its placeholder reads)."""
        adjoint = self.adjoints.of(stmt)
        ref = self.program.ref(stmt)
        restore = []
        if self.plan.saves_slice(ref):  # read by name: a later re-binding is undone first
            restore = [self.restore_value(stmt)]
        if not depth:
            return recomputed + (list(adjoint.body) if adjoint else []) + restore
        names = self.adjoints.targets(stmt)
        own = any(s.targets[0].id in names for s in recomputed)
        out: list[gast.stmt] = list(recomputed) if own else []
        if adjoint:
            out += [generated(syntax.assign(adjoint.values[n], syntax.load(n)))
                    for n in names]
        out += [self.pop(n, (ref, n)) for n in reversed(names) if self.plan.is_saved(n)]
        out += [] if own else recomputed
        if adjoint:
            for n in names:
                if n in adjoint.adjoints:
                    out.append(generated(syntax.assign(
                        adjoint.adjoints[n], syntax.load(self.adjoints.adjoint(n)))))
                    if not self.program.adjoint_read_once(n):  # else zeroed before
                        out.append(self.adjoints.zero(n))
            out += adjoint.body
        return out + restore

    def backward_if(self, stmt: gast.If, depth: int,
                    steps: tuple[str, dict[int, int]] | None = None) -> list[gast.stmt]:
        origin = anno.info(stmt).origin
        body = self.backward(stmt.body, depth + 1, origin, steps)
        orelse = self.backward(stmt.orelse, depth + 1, origin, steps)
        if not body and not orelse:
            return []
        body = self.zeros_of_branch(stmt, True) + body if body else body
        orelse = self.zeros_of_branch(stmt, False) + orelse if orelse else orelse
        return [gast.If(test=stmt.test, body=body or [gast.Pass()], orelse=orelse)]

    def zeros_of_branch(self, branch: gast.If, body: bool) -> list[gast.stmt]:
        """The zero initialisations of the adjoints of the names local to a branch
        (``Program.branch_local``), at the start of its mirror: where the branch ran."""
        local = self.program.branch_local_names(branch, body)
        order = self.zero_order
        return [self.adjoints.zero(n, self.adjoints.adjoint.force(n))
                for n in sorted((n for n in local if n in order), key=order.get)]

    def zeroed_by_shape(self, loop: gast.stmt) -> list[str]:
        """The loop's own names whose adjoints start each backward iteration at zero, shaped
        like their value in that iteration, which nothing else restores: the forward sweep
        saves their shape at the end of each iteration (a value's shape may change from one
        iteration to the next: layers of different widths)."""
        return [n for n in self.program.iteration_local[self.program.ref(loop)]
                if self.adjoints.adjoint(n) and not self.plan.is_saved(n)
                and n not in self.plan.recomputed]  # (math on numbers: no shape)

    def push_shape(self, loop: gast.stmt, name: str) -> gast.stmt:
        stmt = generated(gast.Expr(value=self.stack_method("append", [
            self.adjoints.runtime_call("shape_only", [syntax.load(name)])])))
        anno.info(stmt).saves = (self.program.ref(loop), name, "shape")
        return stmt

    def backward_loop(self, stmt: gast.stmt, depth: int) -> list[gast.stmt]:
        body = self.backward(stmt.body, depth + 1, anno.info(stmt).origin)
        if body:
            ref = self.program.ref(stmt)
            body = [self.pop(n, (ref, n, "shape"))
                    for n in reversed(self.zeroed_by_shape(stmt))] + [
                self.adjoints.zero(n) for n in self.program.iteration_local[ref]
                if self.adjoints.adjoint(n)] + body
        if self.checkpointed is not None and self.checkpointed.chosen(stmt, depth):
            return self.checkpointed.backward(stmt, body)
        target = stmt.target.id if isinstance(stmt, gast.For) and isinstance(
            stmt.target, gast.Name) else None
        flows = isinstance(stmt, gast.For) and self.adjoints.flows_from_iterable(stmt)
        assert self.plan.replayed(self.program.ref(stmt)) == bool(body or flows), \
            "the backward sweep replays a loop the save plan does not (or the reverse)"
        if not body and not flows:
            return []
        bounds = self.program.range_arguments(stmt)
        after = [self.pop(target)] if depth and self.plan.is_saved(target) else []
        if bounds is not None:
            reversed_range = syntax.call(syntax.load("reversed"), [syntax.call(
                syntax.load("range"), [syntax.clone(a) for a in bounds])])
            return [generated(gast.For(
                target=syntax.store(target), iter=reversed_range, body=body or [gast.Pass()],
                orelse=[], type_comment=None))] + after
        trips = self.trip_counter(stmt)
        before = [self.pop(trips)] if depth else []
        if self.plan.is_saved(target):
            body = [self.pop(target)] + body
        if flows:  # for row in X: row's adjoint flows into X[k]
            index = self.loop_index(stmt)
            source = loop_source(stmt)
            body = body + [self.adjoints.accumulate_element(source, target, index)]
            if not self.program.is_iteration_local(target):
                body.append(self.adjoints.zero(target))
            iterate = syntax.call(syntax.load("reversed"), [syntax.call(
                syntax.load("range"), [syntax.load(trips)])])
        else:
            index = "_"
            iterate = syntax.call(syntax.load("range"), [syntax.load(trips)])
        loop = generated(gast.For(target=syntax.store(index), iter=iterate, body=body,
                                  orelse=[], type_comment=None))
        return before + [loop] + after

    def backward_hook(self, hook: gast.With) -> list[gast.stmt]:
        """``with insert_grad_of(x) as dx: body`` runs here, on x's adjoint."""
        item = hook.items[0]
        x, dx = item.context_expr.args[0].id, item.optional_vars.id
        adjoint = self.adjoints.adjoint(x)
        start = syntax.load(adjoint) if adjoint else self.adjoints.runtime_call(
            "zeros_like", [syntax.load(x)])
        body = syntax.clone(hook.body)
        out = [syntax.assign(dx, start), *body]
        if adjoint:
            out.append(syntax.assign(adjoint, syntax.load(dx)))
        for stmt in syntax.statements(out, with_bodies=False):
            anno.info(stmt).keep = True
        return out


def _shows_adjoint(stmt: gast.stmt, block: list[gast.stmt]) -> bool:
    """A block that does more than generated bookkeeping (placeholders, pops, resets): it has
    a rule's own statements, a contribution, a gradient hook's code, or a replayed branch or
    loop."""
    return any(not anno.info(s).generated or anno.info(s).contribution
               or isinstance(s, (gast.If, gast.For)) for s in block)
