"""Loops under a memory budget (``grad(f, snapshots=k)``): binomial checkpointing of each
``for i in range(...)`` loop at the top level of the function.

The forward sweep keeps the loop's state at its entry (``loop_entry = (h, x)``: the names its
body binds that an iteration reads before binding them, or that the backward sweep reads as
they were before the loop) and runs the loop as written, saving nothing.  The backward sweep
puts the entry state back and follows ``runtime/revolve.schedule(n, k)``: it keeps at most
``k`` snapshots of the state, advances from one to a later step running the plain body, and
reverses one step at a time by running the body saving what its backward step reads (the
save plan's pushes, as in any loop) and then that backward step (its pops).  Peak memory is
``k`` states and one step's saves instead of every step's; the body runs forward at most
``r + 2`` times per step, ``r`` the least integer with ``C(k + r, k) >= n``.

A loop it cannot replay from a snapshot is refused by name: a ``while`` loop, a loop over
something else than ``range``, a ``break``, ``continue`` or ``return``, a ``try``, a write into
an array or a call for its effect inside the loop, a loop inside an ``if`` at the top level.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from tangentlike.ad.common import generated
from tangentlike.core import anno, syntax
from tangentlike.errors import UnsupportedSyntaxError
from tangentlike.frontend.operations import targets
from tangentlike.runtime import revolve

if TYPE_CHECKING:
    from tangentlike.ad.reverse.sweeps import Sweeps


class CheckpointedLoops:
    """The sweeps of the loops a function's derivative checkpoints with ``snapshots``."""

    def __init__(self, sweeps: Sweeps, snapshots: int):
        self.sweeps, self.snapshots = sweeps, snapshots
        self.program = sweeps.program
        self.entries: dict[int, str] = {}  # loop (StmtRef) -> the name of its entry state
        self.states: dict[int, list[str]] = {}  # loop (StmtRef) -> its state's names
        self.check(list(self.program.body))

    # -- which loops, and their state -------------------------------------------------------
    def chosen(self, loop: gast.stmt, depth: int) -> bool:
        """A top-level loop the backward sweep replays."""
        return depth == 0 and self.sweeps.plan.replayed(self.program.ref(loop))

    def check(self, body: list[gast.stmt]) -> None:
        """Refuse, by name, every replayed loop this cannot checkpoint."""
        bound = _parameters(self.program.fn)
        for stmt in body:
            if isinstance(stmt, (gast.For, gast.While)):
                if self.sweeps.plan.replayed(self.program.ref(stmt)):
                    self.check_loop(stmt, bound)
            elif isinstance(stmt, (gast.If, gast.Try)):
                for inner in syntax.statements([stmt], with_bodies=False):
                    if isinstance(inner, (gast.For, gast.While)) and \
                            self.sweeps.plan.replayed(self.program.ref(inner)):
                        self.refuse(inner, "a loop inside an `if` or `try`",
                                    "move the loop out of the `if` (to the function's top level)")
            bound |= _bound_names(stmt)

    def check_loop(self, loop: gast.stmt, bound: set[str]) -> None:
        if isinstance(loop, gast.While):
            self.refuse(loop, "a `while` loop (its number of steps is not known before it "
                        "runs)", "write it as `for i in range(n):`")
        if self.program.range_arguments(loop) is None:
            self.refuse(loop, "a loop that is not `for i in range(...)` with bounds the loop "
                        "does not change", "write it as `for i in range(n):`")
        for stmt in syntax.statements(loop.body, with_bodies=False):
            what = _unreplayable(stmt)
            if what:
                self.refuse(stmt, what + " inside a checkpointed loop",
                            "compute the new value into a name the loop carries, or leave "
                            "out snapshots=")
        body_bound = set().union(*(_bound_names(s) for s in loop.body))
        exposed = _read_before_bound(loop.body, {loop.target.id}) & body_bound
        first_bound_here = sorted(exposed - bound)
        if first_bound_here:
            self.refuse(loop, f"the loop reads {', '.join(map(repr, first_bound_here))} "
                        "from the step before, but it is first bound inside the loop",
                        "bind it before the loop")
        saved = body_bound & bound & self.sweeps.plan.names
        state = sorted((exposed | saved) - {loop.target.id})
        self.states[self.program.ref(loop)] = state

    def refuse(self, stmt: gast.stmt, what: str, hint: str) -> None:
        origin = anno.info(stmt).origin if anno.has_info(stmt) else None
        raise UnsupportedSyntaxError(
            f"snapshots={self.snapshots} checkpoints loops; it cannot replay {what}",
            origin, hint=hint)

    # -- the sweeps -------------------------------------------------------------------------
    def comment(self, loop: gast.stmt) -> gast.stmt:
        origin = anno.info(loop).origin
        line = f": line {origin.lineno}" if origin is not None else ""
        return syntax.comment(f"Checkpointed loop (binomial, {self.snapshots} snapshots)"
                              f"{line}")

    def forward(self, loop: gast.For) -> list[gast.stmt]:
        """``loop_entry = (h, x)``, then the loop as written, saving nothing."""
        ref = self.program.ref(loop)
        entry = self.entries.setdefault(ref, self.sweeps.adjoints.namer.fresh("loop_entry"))
        keep = generated(syntax.assign(entry, self.state(ref, gast.Load)))
        anno.info(keep).keep = True
        plain = gast.For(target=syntax.clone(loop.target), iter=syntax.clone(loop.iter),
                         body=self.plain_body(loop), orelse=[], type_comment=None)
        return [self.comment(loop), keep, plain]

    def backward(self, loop: gast.For, body: list[gast.stmt]) -> list[gast.stmt]:
        """The entry state put back, then the schedule's actions; ``body`` is one step's
        backward step (its pops first)."""
        ref = self.program.ref(loop)
        namer = self.sweeps.adjoints.namer
        entry = self.entries.setdefault(ref, namer.fresh("loop_entry"))
        snapshots, action, at, to = (namer.fresh(n) for n in ("snapshots", "action", "at",
                                                              "to"))
        steps = syntax.clone(loop.iter)
        with_saves = syntax.clone(self.sweeps.forward(loop.body, 1))
        shapes = [self.sweeps.push_shape(loop, n) for n in self.sweeps.zeroed_by_shape(loop)]
        index = syntax.assign(loop.target.id, gast.Subscript(
            value=syntax.clone(steps), slice=syntax.load(at), ctx=gast.Load()))
        advance = gast.For(target=syntax.clone(loop.target), iter=gast.Subscript(
            value=syntax.clone(steps), slice=gast.Slice(lower=syntax.load(at),
                                                        upper=syntax.load(to), step=None),
            ctx=gast.Load()), body=self.plain_body(loop), orelse=[], type_comment=None)
        state = self.states[ref]
        if state:
            store = syntax.assign(gast.Subscript(value=syntax.load(snapshots),
                                                 slice=syntax.load(at), ctx=gast.Store()),
                                  self.state(ref, gast.Load))
            restore = syntax.assign(self.state(ref, gast.Store), gast.Subscript(
                value=syntax.load(snapshots), slice=syntax.load(at), ctx=gast.Load()))
            start = [syntax.assign(self.state(ref, gast.Store), syntax.load(entry)),
                     syntax.assign(snapshots, gast.Dict(keys=[], values=[]))]
        else:
            store = restore = gast.Pass()
            start = []
        schedule = self.sweeps.adjoints.namespace.name_for(revolve.schedule,
                                                          "checkpoint_schedule")
        call = syntax.call(syntax.load(schedule), [
            syntax.call(syntax.load("len"), [syntax.clone(steps)]),
            syntax.const(self.snapshots)])
        anno.info(call.func).callee = revolve.schedule

        def when(name: str, then: list[gast.stmt], orelse: list[gast.stmt]) -> gast.If:
            test = gast.Compare(left=syntax.load(action), ops=[gast.Eq()],
                                comparators=[syntax.const(name)])
            return gast.If(test=test, body=then, orelse=orelse)

        dispatch = when("advance", [advance], [when(
            "reverse", [index] + with_saves + shapes + body,
            [when("store", [store], [restore])])])
        loop_over = gast.For(
            target=syntax.tuple_of([syntax.store(action), syntax.store(at), syntax.store(to)],
                                   gast.Store()),
            iter=call, body=[dispatch], orelse=[], type_comment=None)
        for stmt in [*start, store, restore, index, loop_over]:
            anno.info(stmt).keep = anno.info(stmt).generated = True
        return [self.comment(loop)] + start + [loop_over]

    def state(self, ref: int, ctx: type) -> gast.expr:
        names = self.states[ref]
        return syntax.tuple_of([gast.Name(id=n, ctx=ctx(), annotation=None,
                                          type_comment=None) for n in names], ctx())

    def plain_body(self, loop: gast.For) -> list[gast.stmt]:
        """The loop's body as the forward sweep runs it, without its pushes."""
        return _without_pushes(syntax.clone(self.sweeps.forward(loop.body, 1)),
                               self.sweeps.stack)


def _without_pushes(body: list[gast.stmt], stack: str | None) -> list[gast.stmt]:
    out = []
    for stmt in body:
        if stack is not None and _is_push(stmt, stack):
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner:
                setattr(stmt, field, _without_pushes(inner, stack) or [gast.Pass()])
        out.append(stmt)
    return out


def _is_push(stmt: gast.stmt, stack: str) -> bool:
    """``stack.append(v)``."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    return (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == "append" and isinstance(call.func.value, gast.Name)
            and call.func.value.id == stack)


def _parameters(fn: gast.FunctionDef) -> set[str]:
    args = fn.args
    return {a.id for a in args.posonlyargs + args.args + args.kwonlyargs
            + [a for a in (args.vararg, args.kwarg) if a is not None]}


def _bound_names(stmt: gast.stmt) -> set[str]:
    """The names ``stmt`` binds, in its nested statements too."""
    return syntax.stored_names(stmt)


def _unreplayable(stmt: gast.stmt) -> str:
    """What in a loop's body stops a step from running again from a snapshot."""
    if isinstance(stmt, (gast.Break, gast.Continue)):
        return "a `break` or `continue`"
    if isinstance(stmt, gast.Return):
        return "a `return`"
    if isinstance(stmt, (gast.Try, gast.While)):
        return "a `try`" if isinstance(stmt, gast.Try) else "a `while` loop"
    if isinstance(stmt, (gast.Assign, gast.AugAssign)):
        assigned = stmt.targets if isinstance(stmt, gast.Assign) else [stmt.target]
        if any(not isinstance(t, (gast.Name, gast.Tuple)) for t in assigned):
            return "a write into an array or an attribute"
    if isinstance(stmt, gast.Expr) and not syntax.is_comment(stmt):
        return "a call for its effect (one that changes a value in place)"
    return ""


def _read_before_bound(body: list[gast.stmt], bound: set[str]) -> set[str]:
    """The names an iteration of ``body`` may read before it binds them."""
    bound = set(bound)
    exposed: set[str] = set()
    for stmt in body:
        if isinstance(stmt, gast.If):
            exposed |= syntax.loaded_names(stmt.test) - bound
            exposed |= _read_before_bound(stmt.body, bound)
            exposed |= _read_before_bound(stmt.orelse, bound)
            bound |= _definitely_bound(stmt.body) & _definitely_bound(stmt.orelse)
        elif isinstance(stmt, gast.For):
            exposed |= syntax.loaded_names(stmt.iter) - bound
            inner = bound | syntax.stored_names(stmt.target)
            exposed |= _read_before_bound(stmt.body, inner)
        elif isinstance(stmt, gast.With):
            exposed |= syntax.loaded_names(stmt) - bound
        else:
            exposed |= syntax.loaded_names(stmt) - bound
            bound |= _bound_names(stmt)
    return exposed


def _definitely_bound(body: list[gast.stmt]) -> set[str]:
    bound: set[str] = set()
    for stmt in body:
        if isinstance(stmt, gast.If):
            bound |= _definitely_bound(stmt.body) & _definitely_bound(stmt.orelse)
        elif isinstance(stmt, gast.Assign):
            bound |= set(targets(stmt))
    return bound
