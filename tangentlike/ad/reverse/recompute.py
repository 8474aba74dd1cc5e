"""Which saved values the backward sweep computes again instead of popping (``How.RECOMPUTE``).

Inside a loop, a value the backward sweep reads is saved before the forward sweep overwrites
it (``stack.append(s)``, then ``s = math.sin(x)``) and popped back once its backward step is
done.  When the value is a cheap function (its record says ``cheap``: the ``math`` module's
functions) of names whose values the backward loop has at hand, computing it again where the
backward sweep first needs it is cheaper than a push and a pop:

    for _ in range(100):                    for _ in reversed(range(100)):
        s = math.sin(x)                         x = stack.pop()
        stack.append(x)                         s = math.sin(x)
        x = s * x + 0.5 * x                     bs = bt1 * x ...

The plan recomputes ``n = f(a, ...)`` only when that provably reads the values the forward
statement read: the statement is directly in the body of a loop ``L``; ``n`` lives within
one iteration of ``L`` (bound there once, before any use, and used nowhere else); every
backward step that reads ``n`` belongs to that statement or a later one of ``L``; and each
argument is a constant or a name that

- ``L`` does not bind, and that holds one value while the outermost loop around ``L`` runs
  backwards: bound only before it, or saved wherever it is bound there (a ``for`` around
  ``L`` binding it must be replayed by ``range`` or save it);
- or that ``L`` binds once, is saved, and is restored by the time ``n`` is recomputed: bound
  before ``n`` in the body (its backward step comes after), or after ``n`` in a statement
  whose backward step comes before the first read of ``n``, or in that very statement
  (the recomputation follows the step's pops).

Nothing is pushed for ``n``; the sweeps place ``n = f(a, ...)`` at the start of the first
backward step of ``L``'s body that reads it (after that step's pops).  Before that, at the top
of a backward iteration, ``n`` holds the value of the iteration after (``bn = zeros_like(n)``
reads only its shape, one float for every iteration of a ``math`` function).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import gast

from tangentlike.ad.reverse.analysis import LOOPS, Program, StmtRef
from tangentlike.ad.reverse.plan import How, Reason, Save, When, first_line
from tangentlike.core import anno, dataflow, syntax
from tangentlike.rules.primitive import primitive


class Step(Protocol):
    """What one statement's backward code reads (``saves._Step``)."""

    reads: dict[str, str]
    captures: set[str]
    emits: bool


def recomputed(program: Program, steps: Mapping[StmtRef, Step], saved: Mapping[str, Reason],
               shape_only: frozenset[str], replayed: set[StmtRef], captured: str) -> list[Save]:
    """The saves of ``saved`` (value saves) the backward sweep can compute again instead
    (not one whose arguments include another one: that one is not restored).  ``captured``
    is the reason given when the first reader is the statement's own adjoint."""
    if not saved:
        return []  # (each recomputation is of a saved name)
    binders = _binders(program)
    out: list[Save] = []
    for loop in program.statements():
        if not isinstance(loop, LOOPS):
            continue
        for index, stmt in enumerate(loop.body):
            name = _cheap_call(stmt)
            if (name is None or name not in saved or name in shape_only
                    or name not in program.iteration_local[program.ref(loop)]):
                continue
            place = _first_reader(program, steps, loop, index, name)
            if place is None:
                continue
            at, reader = place
            if all(_holds(program, saved, replayed, binders, loop, index, at, arg)
                   for arg in stmt.value.args):
                ref = program.ref(stmt)
                why = steps[reader].reads.get(name, captured)
                reason = Reason(reader, program.line(program.order[reader]), why)
                out.append(Save(ref, program.line(stmt), first_line(stmt), name, When.BEFORE,
                                How.RECOMPUTE, reason, program.ref(loop.body[at])))
    names = {save.name for save in out}
    return [save for save in out
            if not names & syntax.loaded_names(program.order[save.stmt].value)]


def _cheap_call(stmt: gast.stmt) -> str | None:
    """``n`` for ``n = f(a, ...)``, the user's call of a function cheaper to compute again
    than to save (its record's ``cheap``), with constants and names as arguments."""
    op = anno.info(stmt).callee if anno.has_info(stmt) else None
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call) and not stmt.value.keywords
            and primitive(getattr(op, "key", None)).cheap):
        return None
    if not all(isinstance(a, (gast.Constant, gast.Name)) for a in stmt.value.args):
        return None
    return stmt.targets[0].id


def _subtree(stmt: gast.stmt) -> list[gast.stmt]:
    return list(syntax.statements([stmt], with_bodies=False))


def _first_reader(program: Program, steps: Mapping[StmtRef, Step], loop: gast.stmt,
                  index: int, name: str) -> tuple[int, StmtRef] | None:
    """(the index in ``loop.body`` of the first backward step reading ``name``, the step
    that reads it), or None if a step outside the statement at ``index`` and those after it
    reads it."""
    inside: dict[StmtRef, int] = {}
    for i, child in enumerate(loop.body):
        inside.update((program.ref(s), i) for s in _subtree(child))
    readers = [ref for ref, step in steps.items()
               if step.emits and (name in step.reads or name in step.captures)]
    if not readers or any(inside.get(ref, -1) < index for ref in readers):
        return None
    at = max(inside[ref] for ref in readers)
    return at, max(ref for ref in readers if inside[ref] == at)


def _binders(program: Program) -> dict[str, list[gast.stmt]]:
    """For each name, the statements binding it (those in gradient hooks included)."""
    out: dict[str, list[gast.stmt]] = {}
    for stmt in syntax.statements(list(program.body), with_bodies=True):
        for name in dataflow.defs(stmt):
            out.setdefault(name, []).append(stmt)
    return out


def _holds(program: Program, saved: Mapping[str, Reason], replayed: set[StmtRef],
           binders: Mapping[str, list[gast.stmt]], loop: gast.stmt, index: int, at: int,
           arg: gast.expr) -> bool:
    """Whether ``arg`` has, where the sweeps recompute, the value it had at the call."""
    if isinstance(arg, gast.Constant):
        return True
    name = arg.id
    if program.copies.get(name, {name}) & program.mutated_arrays:
        return False  # an array changed in place
    ref = program.ref(loop)
    outer = program.outer_loops[ref]
    within = {program.ref(s) for s in _subtree(loop)}
    inner: list[int] = []  # indices in loop.body of the statements that bind it
    for stmt in binders.get(name, []):
        if id(stmt) not in program.refs:
            return False  # bound in a gradient hook
        where = program.ref(stmt)
        if stmt is loop or (where in within and isinstance(stmt, LOOPS)):
            if stmt is not loop or not (program.range_arguments(loop) is not None
                                        and where in replayed or name in saved):
                return False  # the backward loop does not give the target its values
        elif where in within:
            if not isinstance(stmt, gast.Assign) or name not in saved:
                return False
            inner += [i for i, child in enumerate(loop.body)
                      if any(s is stmt for s in _subtree(child))]
        elif where < outer:
            continue  # bound before the loops: one value while they run
        elif isinstance(stmt, gast.For) and where in replayed and any(
                s is loop for s in _subtree(stmt)):
            if program.range_arguments(stmt) is None and name not in saved:
                return False  # an enclosing loop replayed by count
        elif not (isinstance(stmt, gast.Assign) and program.depths[where] and name in saved):
            return False  # at the top level after the loop, or not restored
    if len(inner) > 1:
        return False
    if not inner:
        return True
    bound = inner[0]
    return bound < index or bound > at or (
        bound == at and not isinstance(loop.body[at], (*LOOPS, gast.If, gast.With, gast.Try)))
