"""The save plan, as data: what the forward sweep saves for the backward sweep (``Save``,
``SliceSave``), where (``When``), how (``How``: the value, its shape only, or nothing, the
backward sweep computing it again) and why (``Reason``), and how each loop runs again
backwards (``LoopPlan``).  ``saves.plan_saves`` computes it (``recompute`` picks the values
computed again); ``sweeps`` generates code from it; ``print(plan)`` shows it, one line per
save and loop."""
from __future__ import annotations

import ast
import enum
from dataclasses import dataclass

import gast

from tangentlike.ad.reverse.analysis import StmtRef
from tangentlike.core import syntax


class How(enum.Enum):
    VALUE = "value"
    SHAPE = "shape only"  # the backward sweep reads only its shape: ``shape_only(x)`` is pushed
    RECOMPUTE = "recompute"  # nothing pushed: the backward sweep computes it again


class When(enum.Enum):
    BEFORE = "before the statement"
    EACH_ITERATION = "at the end of each iteration"  # a loop target, popped first
    BEFORE_LOOP = "before the loop"  # a nested loop's target


@dataclass(frozen=True)
class Reason:
    """The backward code that reads a saved value."""

    reader: StmtRef
    line: int
    why: str  # with ``{line}`` for the reader's line

    def __str__(self) -> str:
        return self.why.format(line=self.line)


@dataclass(frozen=True)
class Save:
    """``name`` pushed at ``stmt`` and popped back after its backward step; or, recomputed
    (``How.RECOMPUTE``), its statement run again in the backward sweep at the start of the
    backward step of ``at`` (after that step's pops), nothing pushed."""

    stmt: StmtRef
    line: int
    text: str
    name: str
    when: When
    how: How
    reason: Reason
    at: StmtRef | None = None  # where a recomputed value is computed again

    def __str__(self) -> str:
        if self.how is How.RECOMPUTE:
            return (f"line {self.line}  {self.text}: recompute {self.name} in the backward "
                    f"sweep ({self.how.value}): {self.reason}")
        return (f"line {self.line}  {self.text}: push {self.name} {self.when.value} "
                f"({self.how.value}): {self.reason}")


@dataclass(frozen=True)
class SliceSave:
    """``x[i] = v``: a copy of the old ``x[i]`` pushed before, put back after its adjoint."""

    stmt: StmtRef
    line: int
    text: str
    base: str
    reason: Reason

    def __str__(self) -> str:
        return f"line {self.line}  {self.text}: push the slice of {self.base}: {self.reason}"


@dataclass(frozen=True)
class LoopPlan:
    """How a loop runs again in the backward sweep: ``range`` (reversed), ``trips`` (a
    counted loop; ``trips_saved`` when the count itself is pushed, inside control flow) or
    ``none`` (no backward code)."""

    loop: StmtRef
    line: int
    text: str
    replay: str
    flows: bool  # for row in X: row's adjoint flows into X[k]
    iteration_local: tuple[str, ...]
    trips_saved: bool

    def __str__(self) -> str:
        extra = ", its trip count pushed" if self.trips_saved else ""
        extra += ", the adjoint flows into the iterable" if self.flows else ""
        local = f"; per iteration: {', '.join(self.iteration_local)}" \
            if self.iteration_local else ""
        return f"line {self.line}  {self.text}: replayed by {self.replay}{extra}{local}"


@dataclass(frozen=True)
class SavePlan:
    """Every save of one derivative; the sweeps are generated from it."""

    names: frozenset[str]  # saved names: pushed at every binding inside if/for/while
    # (the recomputed ones are not: see ``recomputed``)
    shape_only: frozenset[str]
    saves: tuple[Save, ...]
    slices: tuple[SliceSave, ...]
    loops: tuple[LoopPlan, ...]

    def is_saved(self, name: str | None) -> bool:
        return name in self.names

    def saves_slice(self, ref: StmtRef) -> bool:
        return any(s.stmt == ref for s in self.slices)

    def loop(self, ref: StmtRef) -> LoopPlan | None:
        return next((p for p in self.loops if p.loop == ref), None)

    def replayed(self, ref: StmtRef) -> bool:
        plan = self.loop(ref)
        return plan is not None and plan.replay != "none"

    def at(self, ref: StmtRef) -> tuple[Save, ...]:
        return tuple(s for s in self.saves if s.stmt == ref)

    @property
    def recomputed(self) -> frozenset[str]:
        return frozenset(s.name for s in self.saves if s.how is How.RECOMPUTE)

    def recomputed_at(self, ref: StmtRef) -> tuple[Save, ...]:
        """The values computed again at the start of the backward step of ``ref``."""
        return tuple(s for s in self.saves if s.how is How.RECOMPUTE and s.at == ref)

    @property
    def uses_stack(self) -> bool:
        return bool(self.names or self.slices or any(p.trips_saved for p in self.loops))

    def __str__(self) -> str:
        lines = [str(s) for s in (*self.saves, *self.slices, *self.loops)]
        return "\n".join(lines) if lines else "(nothing saved, no loop)"


def first_line(stmt: gast.stmt) -> str:
    """The statement's first line, as Python."""
    node = ast.fix_missing_locations(gast.gast_to_ast(syntax.clone(stmt)))
    return ast.unparse(node).splitlines()[0].rstrip(":")
