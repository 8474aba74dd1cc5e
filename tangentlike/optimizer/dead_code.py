"""Dead code in generated functions: statements whose values are never read, saves whose
restored value nothing reads, branches and loops left empty, and comments left without
their block.

Only statements that tangentlike wrote, or that compute a pure value (:func:`is_pure`), are
ever removed; the user's calls made for their effects (``print``) stay.
"""
from __future__ import annotations

from typing import Any

import gast

from tangentlike.core import anno, dataflow, syntax
from tangentlike.frontend.operations import Operation
from tangentlike.rules import registry

_PURE_EXPRESSIONS = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Attribute,
                     gast.Subscript, gast.Tuple, gast.List, gast.Compare, gast.BoolOp)


def is_pure(stmt: gast.stmt) -> bool:
    """Removing or moving the statement cannot change what the program does besides values."""
    if not isinstance(stmt, gast.Assign):
        return False
    record = anno.info(stmt)  # (read once for the three questions below)
    if record.keep:
        return False
    if not isinstance(stmt.targets[0], (gast.Name, gast.Tuple)):
        return False  # x[i] = v changes x in place (and whatever shares its memory)
    if record.generated:
        return True
    value = stmt.value
    if isinstance(value, _PURE_EXPRESSIONS):
        return True
    if isinstance(value, gast.Call):
        op = record.callee
        key = op.key if isinstance(op, Operation) else None
        return key is not None and registry.is_pure_function(key)
    return False


def eliminate_dead_code(fn: gast.FunctionDef,
                        facts: dataflow.StatementFacts | None = None, *,
                        settled: list[bool] | None = None) -> bool:
    """Remove the pure statements whose values are never read (``facts``: the statements'
    kept uses and definitions, where given).  ``settled``, where given, gets True appended
    when a second run would find nothing (:func:`_eliminate`: the run changed nothing in a
    statement with bodies of the function's block, and removed none)."""
    return _eliminate(fn.body, set(), dataflow.Liveness(facts), settled)


def _eliminate(body: list[gast.stmt], live_out: set[str], liveness: dataflow.Liveness,
               settled: list[bool] | None = None) -> bool:
    """Walked backwards with one live set updated in place (linear in the block): each
    statement is judged by what is live after it in ``body`` as it was on entry (what is
    live before a compound statement is taken before its own bodies are cleaned).  A removed
    statement reads nothing: what it read is not made live by it, so a chain of dead
    statements goes in one run (each run removed one link before).

    ``settled``, where given, gets True appended when a second run on ``body`` with the same
    ``live_out`` would find nothing: where the run removed simple statements of ``body``
    only, and changed no statement with bodies.  Why: a second run goes backwards over the
    statements kept, with the same live set at each as the first run had there (a removed
    statement left the live set as it was, and a kept one changes it as before), so each
    simple statement is kept again, and each statement with bodies, the same as before the
    first run, is judged and cleaned with the same live sets as then, which found nothing.
    (Where the first run cleaned a branch or a loop, what is live before it was taken
    before the cleaning, and may be less in a second run: no such answer then.)"""
    changed = False
    within = False  # whether a statement with bodies changed or was removed
    live = set(live_out)  # live after the statement being looked at
    keep = []
    for stmt in reversed(body):
        if not isinstance(stmt, (*dataflow.COMPOUND, gast.Return)):
            # a simple statement: no summary, nothing inside it to clean, and its uses and
            # definitions read once, for the test and for the live set
            used, bound = liveness.uses_defs(stmt)
            pure = liveness.pure(stmt, is_pure)
            if pure and not (bound & live):
                changed = True
                continue  # (removed: what it read is not made live)
            if (pure and isinstance(stmt.targets[0], gast.Name)
                    and syntax.is_name(stmt.value, stmt.targets[0].id)):
                changed = True  # x = x
                continue  # (what is live before it is what is live after it)
            keep.append(stmt)
            liveness.transfer_known(live, used, bound)
            continue
        summary = liveness.if_summary(stmt)
        if summary is not None:  # its branches judged against ``live``, never copied
            cleaned = _eliminate_in_branch(stmt.body, live, liveness)
            cleaned |= _eliminate_in_branch(stmt.orelse, live, liveness)
            kept, negated = _settle_if(stmt)
            cleaned |= negated
            changed |= cleaned
            within |= cleaned or not kept
            if kept:
                keep.append(stmt)
            live -= summary[1]  # (the summary was taken before its branches were cleaned)
            live |= summary[0]
            continue
        # a compound statement or a return (never pure: is_pure takes assignments only)
        before = liveness.transfer(stmt, live)
        kept, cleaned = _clean(stmt, live, before, liveness)
        changed |= cleaned
        within |= cleaned or not kept
        if kept:
            keep.append(stmt)
        live = before
    keep.reverse()
    body[:] = keep
    if settled is not None and not within:
        settled.append(True)
    return changed


def _eliminate_in_branch(body: list[gast.stmt], live_out: set[str],
                         liveness: dataflow.Liveness) -> bool:
    """:func:`_eliminate` for a branch of simple statements: what is live after each is
    ``(live_out - removed) | added``, the two small sets kept as the walk goes, so that
    ``live_out`` (as large as the function's live names) is neither copied nor changed."""
    changed = False
    added: set[str] = set()
    removed: set[str] = set()
    keep = []
    for stmt in reversed(body):
        used, bound = liveness.uses_defs(stmt)
        pure = liveness.pure(stmt, is_pure)
        if pure and not any(
                name in added or (name in live_out and name not in removed) for name in bound):
            changed = True
            continue  # removed: as in _eliminate
        elif (pure and isinstance(stmt.targets[0], gast.Name)
                and syntax.is_name(stmt.value, stmt.targets[0].id)):
            changed = True  # x = x
            continue
        else:
            keep.append(stmt)  # (a simple statement: nothing inside it to clean)
        added -= bound  # as Liveness.transfer_in_place: live -= bound; live |= used
        removed |= bound
        added |= used
        removed -= used
    keep.reverse()
    body[:] = keep
    return changed


def _settle_if(stmt: gast.If) -> tuple[bool, bool]:
    """An if statement whose branches were cleaned: whether it stays (not when both are
    empty and its test is pure), and whether it changed (an empty body: the test negated)."""
    if _empty(stmt.body) and _empty(stmt.orelse):
        if _pure_header(stmt):
            return False, True
        stmt.body, stmt.orelse = [gast.Pass()], []  # the test may do something
    elif _empty(stmt.body):  # `if c: pass else: ...` reads better as `if not c: ...`
        stmt.test = gast.UnaryOp(op=gast.Not(), operand=stmt.test)
        stmt.body, stmt.orelse = stmt.orelse, []
        return True, True
    return True, False


def _clean(stmt: gast.stmt, live: set[str], before: set[str] | None,
           liveness: dataflow.Liveness) -> tuple[bool, bool]:
    """Dead code out of a branch's or loop's bodies (``live``: what is live after it,
    ``before``: before it): whether the statement stays, and whether anything changed."""
    changed = False
    if isinstance(stmt, gast.If):
        changed |= (_eliminate(stmt.body, live, liveness)
                    | _eliminate(stmt.orelse, live, liveness))
        kept, settled = _settle_if(stmt)
        return kept, changed | settled
    elif isinstance(stmt, (gast.For, gast.While)):
        # After the body: the next iteration (the loop's entry) or what follows the loop.
        changed |= _eliminate(stmt.body, before | live, liveness)
        if _empty(stmt.body) and anno.info(stmt).generated:
            return False, True
        if _empty(stmt.body):  # comments only: the orphan comments go later
            stmt.body = [gast.Pass()]
    return True, changed


def remove_dead_saves(fn: gast.FunctionDef,
                      facts: dataflow.StatementFacts | None = None) -> bool:
    """Drop a saved value's push and pop when nothing reads the value the pop restores
    (after other optimizations removed its last reader).  The stack stays balanced: the
    pair is removed together, and pushes and pops nest like brackets."""
    pushes: dict[Any, list[gast.stmt]] = {}
    pops: dict[Any, list[gast.stmt]] = {}
    for stmt in syntax.statements(fn.body, with_bodies=True):
        key = anno.info(stmt).saves if anno.has_info(stmt) else None
        if key is not None:
            (pops if isinstance(stmt, gast.Assign) else pushes).setdefault(key, []).append(stmt)
    pairs = [(found[0], pushes[key][0]) for key, found in pops.items()
             if len(found) == 1 and len(pushes.get(key, [])) == 1]
    if not pairs:
        return False
    liveness = dataflow.Liveness(facts)
    live_after = liveness.after_all(fn)
    drop = {id(s) for pop, push in pairs if not liveness.defs(pop) & live_after[id(pop)]
            for s in (pop, push)}
    if not drop:
        return False
    for block in syntax.blocks(fn.body):
        block[:] = [s for s in block if id(s) not in drop]
    return True


def _empty(block: list[gast.stmt]) -> bool:
    return all(syntax.is_comment(s) or isinstance(s, gast.Pass) for s in block)


def _pure_header(stmt: gast.If) -> bool:
    """The test only reads names and compares values: evaluating it does nothing else."""
    return all(isinstance(n, (gast.Name, gast.Constant, gast.expr_context, gast.UnaryOp,
                              gast.unaryop, gast.Compare, gast.cmpop, gast.BoolOp, gast.boolop))
               for n in gast.walk(stmt.test))


def remove_orphan_comments(fn: gast.FunctionDef) -> None:
    """Drop ``# Grad of`` comments whose block was optimized away entirely."""
    for block in syntax.blocks(fn.body):
        keep = []
        for i, stmt in enumerate(block):
            if syntax.is_comment(stmt) and stmt.value.value:
                nxt = block[i + 1] if i + 1 < len(block) else None
                if nxt is None or syntax.is_comment(nxt) or isinstance(nxt, gast.Return):
                    continue
            keep.append(stmt)
        block[:] = keep
