"""Recompute cheap saved values in the backward loop instead of saving them (checkpointing).

Inside a loop, a value the backward pass reads is saved before the forward pass overwrites
it (``stack.append(t1)``, then ``t1 = math.sin(x)``) and restored once the backward pass is
done with it (``t1 = stack.pop()``).  When the value is a ``math`` function of names whose
values the backward loop has at hand, computing it again is cheaper than a push and a pop:

    for _ in range(100):                    for _ in reversed(range(100)):
        t1 = math.sin(x)                        x = stack.pop()
        stack.append(x)                         t1 = math.sin(x)
        x = t1 * x + 0.5 * x                    bx = 0.5 * bx + t1 * bx ...

The rewrite is made only when it provably reads the same values: ``t1`` is assigned once in
the forward loop's body, by ``t1 = f(a, ...)`` with ``f`` a function of the ``math`` module;
each argument is a constant, a name the loop body does not assign, a name assigned once
before ``t1`` (which holds that value until the backward loop restores it), or a name
assigned once after ``t1`` whose restore comes before the recomputation; the backward body
reads ``t1`` only before its restore, and nothing outside the two loops reads ``t1``.
"""
from __future__ import annotations

from typing import Any

import gast

from tangentlike.core import anno, dataflow, syntax
from tangentlike.frontend.annotate import list_method_target
from tangentlike.rules.primitive import primitive


def _math_call(stmt: gast.stmt) -> bool:
    """``t = f(...)``: the user's call of a function cheaper to compute again than to save
    (its record's ``cheap``: the math module's functions), as annotated when the function
    was read, whatever the module is called there."""
    op = anno.info(stmt).callee if anno.has_info(stmt) else None
    return (isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call)
            and not stmt.value.keywords and primitive(getattr(op, "key", None)).cheap)


def _saves(fn: gast.FunctionDef) -> dict[Any, dict[str, tuple[list, int, gast.stmt]]]:
    """For each saved value's key: where its push and its pop are (their block, index in it,
    and the loop whose body the block is, else the function)."""
    found: dict[Any, dict[str, tuple[list, int, gast.stmt]]] = {}

    def visit(block: list[gast.stmt], owner: gast.stmt) -> None:
        for i, stmt in enumerate(block):
            key = anno.info(stmt).saves if anno.has_info(stmt) else None
            if key is not None:
                found.setdefault(key, {})["pop" if isinstance(stmt, gast.Assign)
                                          else "push"] = (block, i, owner)
            visit(getattr(stmt, "body", None) or [], stmt)
            visit(getattr(stmt, "orelse", None) or [], stmt)

    visit(fn.body, fn)
    return found


def _assignments(block: list[gast.stmt], name: str) -> list[int]:
    return [i for i, s in enumerate(block) if name in dataflow.defs(s)
            or any(name in dataflow.defs(inner) for inner in gast.walk(s)
                   if isinstance(inner, gast.stmt) and inner is not s)]


def _reads(stmt: gast.stmt, name: str) -> bool:
    return name in syntax.loaded_names(stmt)


def recompute_saved(fn: gast.FunctionDef) -> bool:
    """Apply the rewrite of the module docstring wherever it is valid; True if it did."""
    changed = False
    for where in _saves(fn).values():
        if set(where) != {"push", "pop"}:
            continue
        (forward, push, loop), (backward, pop, reverse_loop) = where["push"], where["pop"]
        if forward is backward or not isinstance(loop, (gast.For, gast.While)) or \
                not isinstance(reverse_loop, gast.For) or forward is not loop.body or \
                backward is not reverse_loop.body:
            continue
        name = syntax.dotted_name(backward[pop].targets[0])
        if not _recomputable(fn, forward, push, backward, pop, name):
            continue
        value = syntax.clone(next(s for s in forward[push + 1:]
                                  if name in dataflow.defs(s)).value)
        first_read = next(i for i, s in enumerate(backward) if _reads(s, name))
        pop_statement, push_statement = backward[pop], forward[push]
        reader = backward[first_read]
        read_once = sum(dataflow.use_counts(s).get(name, 0) for s in backward) == 1
        if read_once and syntax.fits(value, reader) and not isinstance(reader,
                                                                         dataflow.COMPOUND):
            syntax.substitute(reader, name, value)  # read once: computed where it is read
        else:
            recompute = syntax.assign(name, value)
            anno.info(recompute).generated = True
            backward.insert(first_read, recompute)
        backward.remove(pop_statement)
        forward.remove(push_statement)
        changed = True
    return changed


def _recomputable(fn: gast.FunctionDef, forward: list[gast.stmt], push: int,
                  backward: list[gast.stmt], pop: int, name: str | None) -> bool:
    if name is None or list_method_target(forward[push].value, "append", 1) is None:
        return False
    if not syntax.is_name(forward[push].value.args[0], name):
        return False
    defined = _assignments(forward, name)
    if len(defined) != 1 or defined[0] <= push:
        return False
    at = defined[0]
    stmt = forward[at]
    if not _math_call(stmt):
        return False
    if any(_reads(s, name) for i, s in enumerate(forward[:at]) if i != push):
        return False  # the loop reads the previous iteration's value
    reads = [i for i, s in enumerate(backward) if _reads(s, name)]
    if not reads or max(reads) > pop or _assignments(backward, name) != [pop]:
        return False
    first_read = reads[0]
    for arg in stmt.value.args:
        if isinstance(arg, gast.Constant):
            continue
        if not isinstance(arg, gast.Name):
            return False
        assigned = _assignments(forward, arg.id)
        restored = _assignments(backward, arg.id)
        if not assigned and not restored:
            continue  # the loop does not change it
        if len(assigned) != 1 or len(restored) != 1:
            return False
        if assigned[0] > at and not restored[0] < first_read:
            return False  # after the restore, it holds the value it had at the call
        if assigned[0] < at and not restored[0] > first_read:
            return False  # before its restore, it holds this iteration's value
    inside = {id(s) for s in forward + backward}
    return not any(isinstance(s, gast.stmt) and not isinstance(s, gast.FunctionDef)
                   and id(s) not in inside and name in dataflow.uses(s)
                   for s in gast.walk(fn))  # nothing else reads it
