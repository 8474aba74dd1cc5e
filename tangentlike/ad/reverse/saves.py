"""The save plan: what the forward sweep saves for the backward sweep, where, how, and why.

Inside ``if``/``for``/``while`` a statement overwrites its target.  A name bound there is
saved (pushed before each binding, popped back after the binding's backward step) only if
backward code that runs after that step reads it: code of earlier statements, of the
statement itself, or of anything in the same loop (other iterations).  ``x[i] = v`` saves the
slice it overwrites when the backward sweep reads ``x`` or a name that may be its array.  A
loop is replayed backwards when its body has backward code, by ``range`` when it can be.

Saving can make more backward code (a pop makes an ``if`` read its test again), so the plan
is a fixed point; it is one over sets of names, computed from what each statement's backward
code reads, which is known once the adjoints are instantiated: no code is generated here.
"""
from __future__ import annotations

from dataclasses import dataclass

import gast

from tangentlike.ad.reverse.adjoints import Adjoints
from tangentlike.ad.reverse.analysis import LOOPS, Program, StmtRef, setitem_base
from tangentlike.ad.reverse.plan import (
    How,
    LoopPlan,
    Reason,
    Save,
    SavePlan,
    SliceSave,
    When,
    first_line,
)
from tangentlike.ad.reverse.recompute import recomputed
from tangentlike.core import syntax
from tangentlike.frontend.operations import loop_source
from tangentlike.rules.primitive import shape_arguments
from tangentlike.rules.template import Namespace

# why a step reads a name ({line}: the reader's line)
IF_TEST = "the if test at line {line} reads it"
RANGE = "the range of the loop at line {line} reads it"
FLOWS = "the loop at line {line} sends its adjoint into it"
HOOK = "the gradient hook at line {line} reads it"
ADJOINT = "the adjoint of line {line} reads it"
RESTORE = "restoring the slice at line {line} reads it"
RESET = "resetting the adjoint at line {line} reads its shape"
CAPTURED = "the adjoint of line {line}, in another iteration, reads the value it produced"
ARRAY = "backward code at line {line} reads the array"


@dataclass
class _Step:
    """What one statement's backward code reads, for given saves."""

    reads: dict[str, str]  # name -> why
    captures: set[str]
    emits: bool


class _Planner:
    """The fixed point: reads of each backward step, for the saves decided so far."""

    def __init__(self, program: Program, adjoints: Adjoints):
        self.program, self.adjoints = program, adjoints
        self.saved: dict[str, Reason] = {}
        self.slices: dict[StmtRef, Reason] = {}
        self.facts: dict[StmtRef, tuple[set[str], set[str], set[str], set[str]]] = {}
        # each adjoint's value reads and copies (``_summarize``), found with its reads
        self.summaries: dict[StmtRef, tuple[set[str], dict[str, set[str]]]] = {}
        # (the shape arguments of what each called name resolves to: ``_summarize``)
        self.helpers: dict[str, tuple[int, ...]] = {}
        # the names bound inside if/for/while, and the writes into arrays with the names
        # that may be their array: what may be saved (a name) or restored (a slice)
        self.bound_inside = self.bindings()
        self.updates = [(s, program.copies.get(base, {base})) for s in program.statements()
                        if (base := setitem_base(s)) is not None]
        # Without either, nothing is saved or restored whatever the steps read (``solve``
        # looks their reads up only for those; a recomputation and a read for the shape
        # only are of saved names), so the steps are found without their reads: no walk
        # of the adjoints (straight-line code)
        self.reads_matter = bool(self.bound_inside or self.updates)
        if self.reads_matter:
            self.find_facts()

    def find_facts(self) -> None:
        """The facts of every simple statement (``_simple_facts``)."""
        for stmt in self.program.statements():
            if isinstance(stmt, (gast.Assign, gast.Expr)):
                self.facts[self.program.ref(stmt)] = self._simple_facts(stmt)

    def _simple_facts(self, stmt: gast.stmt):
        """(adjoint reads, restore reads, reset reads, captures) of a simple statement."""
        adjoint = self.adjoints.of(stmt)
        body_reads = set()
        if adjoint:
            values, copied = set(), {}
            _summarize(adjoint.body, self.adjoints.namespace, values, copied, body_reads,
                       self.helpers)
            self.summaries[self.program.ref(stmt)] = values, copied
        base = setitem_base(stmt)
        restore = syntax.loaded_names(stmt.targets[0]) if base is not None else set()
        resets, captures = set(), set()
        if adjoint and self.program.depths[self.program.ref(stmt)]:
            resets = {n for n in adjoint.adjoints if not self.program.adjoint_read_once(n)
                      and self.program.bound_before(stmt, n)}
            captures = {n for n in self.adjoints.targets(stmt)
                        if adjoint.values[n] in body_reads}
        return body_reads, restore, resets, captures

    def steps(self) -> tuple[dict[StmtRef, _Step], set[StmtRef]]:
        """Each backward step's reads (in the backward sweep's order), and replayed loops."""
        steps: dict[StmtRef, _Step] = {}
        replayed: set[StmtRef] = set()
        self._walk(list(self.program.body), 0, steps, replayed)
        return steps, replayed

    def _walk(self, body: list[gast.stmt], depth: int, steps: dict[StmtRef, _Step],
              replayed: set[StmtRef]) -> bool:
        emits = False
        for stmt in reversed(body):
            ref = self.program.ref(stmt)
            if isinstance(stmt, gast.If):
                inner = self._walk(stmt.body, depth + 1, steps, replayed)
                inner = self._walk(stmt.orelse, depth + 1, steps, replayed) or inner
                if inner:
                    steps[ref] = _Step(dict.fromkeys(syntax.loaded_names(stmt.test),
                                                     IF_TEST), set(), True)
            elif isinstance(stmt, LOOPS):
                inner = self._walk(stmt.body, depth + 1, steps, replayed)
                flows = self.program.flows(stmt)
                if inner or flows:
                    replayed.add(ref)
                    bounds = self.program.range_arguments(stmt) or []
                    reads = dict.fromkeys(set().union(set(), *(
                        syntax.loaded_names(b) for b in bounds)), RANGE)
                    if flows:
                        reads[loop_source(stmt)] = FLOWS
                    steps[ref] = _Step(reads, set(), True)
                    inner = True
            elif isinstance(stmt, gast.Try):  # its body, replayed as far as it ran
                inner = self._walk(stmt.body, depth + 1, steps, replayed)
                if inner:
                    steps[ref] = _Step({}, set(), True)
            elif isinstance(stmt, gast.With):
                dx = stmt.items[0].optional_vars.id
                names = set().union(set(), *(syntax.loaded_names(s) for s in stmt.body))
                steps[ref] = _Step(dict.fromkeys(names - {dx}, HOOK), set(),
                                   True)
                inner = True
            elif isinstance(stmt, (gast.Assign, gast.Expr)):
                inner = self._simple(stmt, ref, depth, steps)
            else:
                inner = False
            emits = emits or inner
        return emits

    def _simple(self, stmt: gast.stmt, ref: StmtRef, depth: int,
                steps: dict[StmtRef, _Step]) -> bool:
        body_reads, restore, resets, captures = self.facts[ref] if self.reads_matter \
            else _NO_FACTS
        restores = ref in self.slices
        reads = dict.fromkeys(body_reads, ADJOINT)
        for name in restore if restores else ():
            reads.setdefault(name, RESTORE)
        adjoint = self.adjoints.of(stmt)
        if not depth:
            steps[ref] = _Step(reads, set(), bool(adjoint and adjoint.body) or restores)
            return steps[ref].emits
        for name in resets:
            reads.setdefault(name, RESET)
        names = self.adjoints.targets(stmt)
        emits = (bool(adjoint and (names or adjoint.body)) or restores
                 or any(n in self.saved for n in names))
        steps[ref] = _Step(reads, captures if adjoint else set(), emits)
        return emits

    def bindings(self) -> list[tuple[gast.stmt, str]]:
        """(statement, name) for each name bound inside if/for/while, and loop targets."""
        out = []
        for stmt in self.program.statements():
            if self.program.depths[self.program.ref(stmt)] and isinstance(stmt, gast.Assign):
                out.extend((stmt, n) for n in self.adjoints.targets(stmt))
            if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name):
                out.append((stmt, stmt.target.id))
        return out

    def solve(self) -> tuple[dict[StmtRef, _Step], set[StmtRef]]:
        program = self.program
        if not (self.reads_matter or program.has_loops):
            # Nothing bound inside an if, a loop or a try, no array written into: the fixed
            # point below saves nothing and restores nothing whatever the steps read, and
            # ``plan_saves`` reads the steps only for what is saved; ``replayed`` holds
            # loops only.  So without a loop the plan is the same without the steps (one
            # ``_Step`` per statement of straight-line code, never read).
            return {}, set()
        bindings, updates = self.bound_inside, self.updates
        while True:
            steps, replayed = self.steps()
            # the steps that read (or capture) each name, in the order of ``steps``: the
            # searches below look only at those (linear, not bindings times steps)
            # (each only where there is something to look up in it: straight-line code
            # binds nothing inside an if or a loop and writes into no array)
            readers: dict[str, list[tuple[int, StmtRef, _Step]]] = {}
            mentions: dict[str, list[tuple[StmtRef, _Step]]] = {}
            for k, (other, step) in enumerate(steps.items() if updates else ()):
                for name in step.reads:
                    readers.setdefault(name, []).append((k, other, step))
            for other, step in steps.items() if bindings else ():
                for name in step.reads.keys() | step.captures:
                    mentions.setdefault(name, []).append((other, step))
            changed = False
            for stmt, name in bindings:
                if name in self.saved:
                    continue
                position = program.ref(stmt)
                loop = program.outer_loops[position]
                for other, step in mentions.get(name, ()):
                    captured = step.captures if other != position or loop is not None else ()
                    if ((name in step.reads or name in captured) and (
                            other <= position or (loop is not None
                                                  and program.outer_loops[other] == loop))):
                        why = step.reads.get(name) or \
                            CAPTURED
                        self.saved[name] = self._reason(other, why)
                        changed = True
                        break
            for stmt, names in updates:
                ref = program.ref(stmt)
                first = min((readers[n][0] for n in names if n in readers), default=None)
                reader = first[1] if first is not None else None
                if ref not in self.slices and reader is not None:
                    self.slices[ref] = self._reason(reader, ARRAY)
                    changed = True
            if not changed:
                return steps, replayed

    def _reason(self, ref: StmtRef, why: str) -> Reason:
        return Reason(ref, self.program.line(self.program.order[ref]), why)


# The facts of a simple statement (``_Planner._simple_facts``) where its reads do not matter.
_NO_FACTS: tuple[frozenset[str], ...] = (frozenset(),) * 4


def plan_saves(program: Program, adjoints: Adjoints) -> SavePlan:
    """The save plan of a function whose adjoints are instantiated."""
    planner = _Planner(program, adjoints)
    steps, replayed = planner.solve()
    statements = program.statements()
    shape_only = frozenset(planner.saved) - _value_reads(program, adjoints, planner, steps) \
        if planner.saved else frozenset()
    recomputes = {s.name: s for s in recomputed(program, steps, planner.saved, shape_only,
                                                 replayed, CAPTURED)}
    if recomputes:  # nothing pushed for them; their arguments are read where recomputed
        for name in recomputes:
            del planner.saved[name]
        steps, _ = planner.steps()
        arguments = set().union(*(syntax.loaded_names(statements[s.stmt].value)
                                  for s in recomputes.values()))
        shape_only = frozenset(planner.saved) - _value_reads(program, adjoints, planner,
                                                             steps, arguments) \
            if planner.saved else frozenset()
    saves, slices, loops = [], [], []
    for stmt, name in planner.bound_inside:
        ref = program.ref(stmt)
        if name in recomputes:
            saves.append(recomputes[name])
        if name not in planner.saved:
            continue
        how = How.SHAPE if name in shape_only else How.VALUE
        when = [When.BEFORE] if isinstance(stmt, gast.Assign) else []
        if isinstance(stmt, gast.For):
            when = [When.BEFORE_LOOP] if program.depths[ref] else []
            if ref in replayed and program.range_arguments(stmt) is None:
                when.append(When.EACH_ITERATION)
        saves += [Save(ref, program.line(stmt), first_line(stmt), name, w, how,
                       planner.saved[name])
                  for w in when]
    for ref, reason in sorted(planner.slices.items()):
        stmt = statements[ref]
        slices.append(SliceSave(ref, program.line(stmt), first_line(stmt), setitem_base(stmt),
                                reason))
    for stmt in statements:
        if isinstance(stmt, LOOPS):
            ref = program.ref(stmt)
            replay = "none" if ref not in replayed else (
                "range" if program.range_arguments(stmt) is not None else "trips")
            loops.append(LoopPlan(ref, program.line(stmt), first_line(stmt), replay,
                                  program.flows(stmt), program.iteration_local[ref],
                                  replay == "trips" and program.depths[ref] > 0))
    return SavePlan(frozenset(planner.saved), shape_only, tuple(saves), tuple(slices),
                    tuple(loops))


def loads(stmts: list[gast.stmt]) -> set[str]:
    return set().union(set(), *(syntax.loaded_names(s) for s in stmts))


# -- what the backward sweep reads as values (the rest of a saved name is its shape) ----------
def _value_reads(program: Program, adjoints: Adjoints, planner: _Planner,
                 steps: dict[StmtRef, _Step], recomputing: set[str] | None = None) -> set[str]:
    """The names the backward sweep the plan gives reads other than for their shape: each
    emitted step's adjoint, its placeholders ``y_out = y`` (copies), restores, ``if``
    tests, range bounds, hooks and recomputed values' arguments (``recomputing``); pops,
    resets and ``unindex`` read shapes or the stack."""
    direct: set[str] = set(recomputing or ())
    copies: dict[str, set[str]] = {}
    namespace = adjoints.namespace
    for stmt in program.statements():
        ref = program.ref(stmt)
        step = steps.get(ref)
        if step is None or not step.emits:
            continue
        if isinstance(stmt, gast.If):
            _summarize([stmt.test], namespace, direct, copies)
        elif isinstance(stmt, LOOPS):
            for bound in program.range_arguments(stmt) or []:
                direct |= syntax.loaded_names(bound)
        elif isinstance(stmt, gast.Try):
            continue  # its step counter is the sweeps' own
        elif isinstance(stmt, gast.With):
            item = stmt.items[0]
            x, dx = item.context_expr.args[0].id, item.optional_vars.id
            _summarize(stmt.body, namespace, direct, copies)
            # dx = bx ... bx = dx (bx is named by the backward sweep: a stand-in here)
            adjoint = adjoints.names.get(x, f"<adjoint of {x}>") if x in program.active \
                else None
            if adjoint:
                copies.setdefault(dx, set()).add(adjoint)
                copies.setdefault(adjoint, set()).add(dx)
        else:
            adjoint = adjoints.of(stmt)
            if adjoint is not None:
                values, copied = planner.summaries[ref]
                direct |= values
                for copy, sources in copied.items():
                    copies.setdefault(copy, set()).update(sources)
                if program.depths[ref]:
                    for name, placeholder in adjoint.values.items():
                        copies.setdefault(placeholder, set()).add(name)
                    for name, placeholder in adjoint.adjoints.items():
                        copies.setdefault(placeholder, set()).add(adjoints.adjoint(name))
            if ref in planner.slices:
                direct |= syntax.loaded_names(stmt.targets[0])
    return _closed(direct, copies)


def value_reads(stmts: list[gast.stmt], namespace: Namespace) -> set[str]:
    """Names the statements read other than for their shape (``unbroadcast(g, x)``
    reads ``x`` only for its shape: see ``Primitive.shape_arguments``)."""
    direct: set[str] = set()
    copies: dict[str, set[str]] = {}
    _summarize(stmts, namespace, direct, copies)
    return _closed(direct, copies)


def _summarize(nodes: list[gast.AST], namespace: Namespace, names: set[str],
               copies: dict[str, set[str]], reads: set[str] | None = None,
               helpers: dict[str, tuple[int, ...]] | None = None) -> None:
    """Add the names ``nodes`` read as values to ``names``, and their copies ``a = b`` to
    ``copies`` (``a`` read as a value reads ``b`` too); with
    ``reads``, every name they read to it (``loads``); ``helpers`` remembers the shape
    arguments (``shape_arguments``) of what each called name resolves to (one dict for many
    calls while the namespace is unchanged)."""
    shape_reads: set[int] = set()
    helpers = {} if helpers is None else helpers  # a called name -> its shape arguments
    todo = list(nodes)  # (pre-order: a call or copy is met before the names in it)
    pop = todo.pop
    while todo:
        node = pop()
        cls = node.__class__
        if cls is gast.Name:
            if node.ctx.__class__ is gast.Load:
                if reads is not None:
                    reads.add(node.id)
                if id(node) not in shape_reads:
                    names.add(node.id)
            continue
        if cls is gast.Assign:
            value, target = node.value, node.targets[0]
            if value.__class__ is gast.Name and target.__class__ is gast.Name:
                copies.setdefault(target.id, set()).add(value.id)
                shape_reads.add(id(value))
        elif cls is gast.Call:
            func = node.func
            if func.__class__ is gast.Name:
                positions = helpers.get(func.id)
                if positions is None:
                    positions = helpers[func.id] = _shape_positions(namespace.resolve(func))
            else:
                positions = _shape_positions(namespace.resolve(func))
            if positions:
                args = node.args
                for i in positions:
                    if i < len(args):
                        shape_reads.add(id(args[i]))
        elif cls is gast.Constant:
            continue  # (no child)
        todo += syntax.child_nodes(node)


def _shape_positions(helper: object) -> tuple[int, ...]:
    """The positions of the arguments a resolved callee reads only for their shape (none
    for a callee not resolved)."""
    return shape_arguments(helper) if helper else ()


def _closed(names: set[str], copies: dict[str, set[str]]) -> set[str]:
    names = set(names)
    pending = list(names)
    while pending:
        for source in copies.get(pending.pop(), ()):
            if source not in names:
                names.add(source)
                pending.append(source)
    return names
