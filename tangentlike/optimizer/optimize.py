"""Stage 5, optimize: make generated code read like a careful person wrote it.

Passes, run to a fixed point:

- constant folding and algebraic identities (``2 - 1``, ``g * 1``, ``x ** 1``, ``None is None``;
  ``core/fold.py``);
- zero-initialised adjoints whose first contribution can simply be assigned (``bx = 0;
  bx = bx + g`` becomes ``bx = g``);
- copy propagation (``a = b`` then uses of ``a`` read ``b``);
- inlining of temporaries used once (``t = W @ x; h = np.tanh(t)`` becomes one line);
- an adjoint's contributions in one block as one sum (``bx = a; bx = bx + b`` becomes
  ``bx = a + b``), with like terms added and common factors pulled out (``factor.py``);
- once at the end, an arithmetic value repeated in a block computed once (``cse.py``);
- dead-code elimination (pure statements whose results are never read; ``dead_code.py``).

Only statements that tangentlike wrote, or that compute a pure value, are ever removed; the
user's calls made for their effects (``print``) stay.  (Recomputing cheap saved values
instead of saving them is decided by reverse mode's save plan: ``ad/reverse/recompute.py``.)
"""
from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from copy import deepcopy

import gast

from tangentlike import runtime
from tangentlike.core import anno, dataflow, syntax
from tangentlike.core.fold import FoldConstants
from tangentlike.optimizer.cse import share_subexpressions
from tangentlike.optimizer.dead_code import (
    eliminate_dead_code,
    is_pure,
    remove_dead_saves,
    remove_orphan_comments,
)
from tangentlike.optimizer.factor import factor_sums


def fold_constants(fn: gast.FunctionDef, facts: dataflow.StatementFacts | None = None) -> bool:
    """Fold each statement (``core/fold.py``); one that folded to nothing new is marked in
    ``facts`` and not folded again until it changes (folding it again would find nothing),
    and one that holds no node a fold starts from is not folded (``facts.may_fold``: noted
    in the walk for its names, which the later passes read)."""
    changed = False
    # (a fold edits its statement only: the statements, and what is known of those not
    # folded yet, are the same before the first fold as when each is met)
    foldable = [stmt for stmt in syntax.statements(fn.body, with_bodies=True)
                if isinstance(stmt, (gast.Assign, gast.Return))
                or (isinstance(stmt, gast.Expr) and not syntax.is_comment(stmt))]
    if facts is None:
        for stmt in foldable:
            changed |= _fold(stmt)
        return changed
    # (those not asked of: they hold no seed, or are marked, where folding finds nothing)
    for stmt in facts.fold_candidates(foldable, "folded"):
        changed |= facts.edit_unless_settled(stmt, "folded", functools.partial(_fold, stmt))
    return changed


def _fold(stmt: gast.stmt) -> bool:
    folder = FoldConstants(algebra=anno.info(stmt).generated)
    folder.visit(stmt)
    return folder.changed


# -- zero-initialised adjoints -----------------------------------------------------------------
def _accumulated(stmt: gast.stmt, name: str, like: gast.expr,
                 edited: list[bool] | None = None, reads: int | None = None
                 ) -> gast.expr | None:
    """``e`` if ``stmt`` is ``name = name + e`` or ``name = add_grad(name, e)``; ``-e`` if it
    is ``name = name - e``; ``unindex(g, x, i)`` if it is ``name = add_item(name, g, x, i)``;
    ``name`` zero, as ``zeros_like(like)`` made it (``edited``, where given, gets True
    appended when ``stmt`` was changed in place: see :func:`_read_structure_of`).  ``reads``,
    where given: how many times ``stmt`` reads ``name`` (once: only as the sum's first term,
    so that ``e`` reads no ``name`` and nothing in it needs a look)."""
    if not (anno.info(stmt).contribution and isinstance(stmt, gast.Assign)
            and syntax.is_name(stmt.targets[0], name)):
        return None
    value = stmt.value
    if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub)) \
            and syntax.is_name(value.left, name):
        rest = value.right
        if isinstance(value.op, gast.Sub):
            rest = gast.UnaryOp(op=gast.USub(), operand=rest)
        if reads == 1:
            return rest
    elif isinstance(value, gast.Call) and len(value.args) == 2 and syntax.is_name(
            value.args[0], name):
        rest = value.args[1]
        if reads == 1:
            return rest
    elif isinstance(value, gast.Call) and anno.info(value).alone is not None \
            and len(value.args) == 4 and syntax.is_name(value.args[0], name):
        # add_item(name, g, x, i) of a zero name: unindex(g, x, i)
        rest = syntax.call(deepcopy(anno.info(value).alone), value.args[1:])
    else:
        return None
    if _read_structure_of(rest, name, like) and edited is not None:
        edited.append(True)
    return None if name in syntax.loaded_names(rest) else rest


def _walk_after_first_contribution(facts: dataflow.StatementFacts, old: gast.stmt,
                                   new: gast.Assign) -> None:
    """Where ``old`` is ``name = name + e`` (or ``- e``) and ``new`` is ``name = e`` (or
    ``-e``) with the same ``e``, tell ``facts`` the walk of ``new`` from ``old``'s: the walk
    (``syntax.walk_names_noting``) takes an assignment's value before its target, and a
    sum's right operand before its left, so ``old``'s names are ``e``'s, then the read
    ``name``, then the target; ``new``'s are ``e``'s, then its own target (``-e`` adds a
    negation, a node folding starts from).  Other forms are walked when first asked."""
    value, made = old.value, new.value
    if not (value.__class__ is gast.BinOp and value.left.__class__ is gast.Name):
        return
    negated = made.__class__ is gast.UnaryOp and made.operand is value.right
    if not (made is value.right or negated):
        return
    walked = facts.walked_names(old)
    if len(walked) < 2 or walked[-2] is not value.left or walked[-1] is not old.targets[0]:
        return  # (not the order described: left to a walk of its own)
    seeded = facts.may_fold(old) or negated
    facts.walked_as(new, walked[:-2] + [new.targets[0]], seeded)


def _read_structure_of(expr: gast.expr, name: str, like: gast.expr) -> bool:
    """Where ``unindex(g, name, i)`` or ``share(g, name)`` read only the structure of the
    adjoint ``name`` (reverse.py), read ``like``'s, which is the same; whether there was
    one."""
    changed = False
    for node in list(syntax.walk(expr)):
        if (_calls(node, runtime.unindex, runtime.unelement, runtime.share)
                and len(node.args) >= 2
                and syntax.is_name(node.args[1], name)):
            node.args[1] = deepcopy(like)
            changed = True
    return changed


def _calls(node: gast.AST, *helpers: object) -> bool:
    """``node`` calls one of the runtime ``helpers``, as its builder annotated it (the name
    it prints under may be an alias: ``zeros_like_1``)."""
    return (isinstance(node, gast.Call) and anno.has_info(node.func)
            and any(anno.info(node.func).callee is h for h in helpers))


def _is_zero_init(stmt: gast.stmt) -> str | None:
    """``bx`` if ``stmt`` is ``bx = zeros_like(...)`` as tangentlike wrote it."""
    if (stmt.__class__ is gast.Assign and stmt.value.__class__ is gast.Call
            and stmt.targets[0].__class__ is gast.Name and anno.info(stmt).generated):
        func = stmt.value.func  # (what _calls(stmt.value, runtime.zeros_like) asks)
        if anno.has_info(func) and anno.info(func).callee is runtime.zeros_like:
            return stmt.targets[0].id
    return None


def remove_zero_inits(fn: gast.FunctionDef, facts: dataflow.StatementFacts | None = None, *,
                      none_since: list[int] | None = None) -> bool:
    """``bx = zeros_like(x)`` whose next mention in its block is a first contribution
    (``bx = bx + g``) goes, and the contribution becomes ``bx = g`` (:func:`_accumulated`).

    ``none_since``, where given (with ``facts``), is the pass's note across its runs in one
    optimization: after a run that found no zero initialisation in the function, the length
    of ``facts.edited`` then; empty otherwise.  With it, a later run reads only the
    statements edited since: it finds nothing unless one of them is a zero initialisation.
    Why: a statement becomes one only by an edit in place, which the passes tell ``facts``
    of (``forget``), or as a new statement, which only this pass writes during the passes'
    cycle (its replacements, made in a run that found a zero initialisation, so with no
    note after it); a statement removed or moved to another block makes none."""
    facts = facts or dataflow.StatementFacts()
    if none_since:
        # (an assignment of a call only, as the scan below asks)
        if not any(stmt.__class__ is gast.Assign and stmt.value.__class__ is gast.Call
                   and _is_zero_init(stmt) for stmt in facts.edited[none_since[0]:]):
            none_since[0] = len(facts.edited)
            return False
        none_since.clear()
    changed = False
    found = False  # (a zero initialisation in some block)
    for block in syntax.blocks(fn.body):
        # (an assignment of a call only: what _is_zero_init asks first, without a call)
        inits = {i: name for i, stmt in enumerate(block)
                 if stmt.__class__ is gast.Assign and stmt.value.__class__ is gast.Call
                 and (name := _is_zero_init(stmt))}
        if not inits:
            continue
        found = True
        targets = set(inits.values())  # (a replacement binds its zero init's name)
        names = [facts.all_names(s) for s in block]  # kept in step with the replacements
        where: dict[str, list[int]] = {}  # target -> the positions whose names hold it
        for j, held in enumerate(names):
            for name in held:
                if name in targets:
                    where.setdefault(name, []).append(j)
        dropped = set()  # (only zero inits already passed: never looked at again)
        for i in range(len(block)):
            if i not in inits:
                continue
            name = _is_zero_init(block[i])  # (again: a replacement may be one)
            if name is None:
                continue
            positions = where.get(name, [])
            k = bisect.bisect_right(positions, i)
            if k == len(positions):
                continue
            j = positions[k]  # the first statement after it that mentions the name
            edited: list[bool] = []
            reads = (facts.load_counts(block[j]).get(name)
                     if block[j].__class__ is gast.Assign else None)
            rest = _accumulated(block[j], name, block[i].value.args[0], edited, reads)
            if edited:
                facts.forget(block[j])
            if rest is not None:
                new = syntax.assign(name, rest)
                anno.info(new).generated = True
                anno.info(new).origin = anno.info(block[j]).origin
                _walk_after_first_contribution(facts, block[j], new)
                old_names, block[j], names[j] = names[j], new, facts.all_names(new)
                for gone in old_names - names[j]:
                    if gone in targets:
                        where[gone].remove(j)
                for added in names[j] - old_names:
                    if added in targets:
                        bisect.insort(where.setdefault(added, []), j)
                inits[j] = name
                dropped.add(i)
                changed = True
        if dropped:
            block[:] = [s for i, s in enumerate(block) if i not in dropped]
    if none_since is not None and not found:
        none_since[:] = [len(facts.edited)]
    return changed


# -- copy propagation ---------------------------------------------------------------------------
def propagate_copies(fn: gast.FunctionDef, temporaries: set[str],
                     facts: dataflow.StatementFacts | None = None, *,
                     to_fixed_point: bool = False) -> bool:
    """After ``t = b`` with ``t`` a temporary, read ``b`` wherever ``t`` was read, where
    reaching definitions show that the copy, and the same ``b``, reach the use (names the user
    can recognise are kept).

    With ``to_fixed_point``, the pass runs again until it changes nothing (what calling it
    again until it returns False does): a rename changes what a statement reads, never what
    it binds nor which statements there are, so the reaching definitions and the index of
    readers made once serve every round."""
    facts = facts or dataflow.StatementFacts()
    statements = list(syntax.statements(fn.body, with_bodies=True))
    copies = [copy for copy in statements
              if copy.__class__ is gast.Assign and copy.targets[0].__class__ is gast.Name
              and copy.value.__class__ is gast.Name]  # (a rename keeps a copy a copy)
    copied = [copy.targets[0].id for copy in copies  # the temporaries copies bind
              if copy.targets[0].id in temporaries and copy.targets[0].id != copy.value.id]
    if not copied:
        return False  # (known before the reads of every statement are gathered)
    reads = {id(s): facts.uses(s) for s in statements}  # kept in step with the renames
    readers: dict[str, set[int]] = {}  # name -> positions of the statements that read it
    for i, stmt in enumerate(statements):
        for name in reads[id(stmt)]:
            readers.setdefault(name, set()).add(i)
    if not any(readers.get(name) for name in copied):
        return False  # (no copy to propagate: its first round would find nothing)
    reaching = dataflow.reaching_definitions(fn, facts)
    changed = False
    while _propagate_round(copies, statements, temporaries, facts, reaching, reads, readers):
        changed = True
        if not to_fixed_point:
            break
    return changed


def _propagate_round(copies: list[gast.Assign], statements: list[gast.stmt],
                     temporaries: set[str], facts: dataflow.StatementFacts,
                     reaching: dict[int, dataflow.Definitions], reads: dict[int, set[str]],
                     readers: dict[str, set[int]]) -> bool:
    """One round of :func:`propagate_copies` over its copies, in order."""
    changed = False
    for copy in copies:
        a, b = copy.targets[0].id, copy.value.id
        if a not in temporaries or a == b:
            continue
        b_at_copy = reaching[id(copy)].get(b)
        for i in sorted(readers.get(a, ())):
            stmt = statements[i]
            seen = reaching.get(id(stmt), {})
            if (stmt is copy or a not in reads[id(stmt)] or a in facts.defs(stmt)
                    or seen.get(a) != frozenset({id(copy)}) or seen.get(b) != b_at_copy):
                continue
            if isinstance(stmt, dataflow.COMPOUND):
                continue  # the header's names only; keep it simple
            syntax.rename(stmt, {a: b})
            facts.forget(stmt)
            reads[id(stmt)] = facts.uses(stmt)
            for name in reads[id(stmt)]:
                readers.setdefault(name, set()).add(i)
            changed = True
    return changed


def coalesce_copies(fn: gast.FunctionDef, temporaries: set[str],
                    facts: dataflow.StatementFacts | None = None) -> bool:
    """``t1, t2 = f(...); a = t1`` becomes ``a, t2 = f(...)`` when ``t1`` is a temporary
    used only by the copy and nothing in between touches ``a``."""
    facts = facts or dataflow.StatementFacts()
    blocks = list(syntax.blocks(fn.body))
    if not any(_copies_temporary(stmt, temporaries) for block in blocks for stmt in block):
        return False  # (no copy of a temporary: nothing to coalesce, no counts needed)
    uses = facts.use_counts(fn)  # a coalesced copy changes no other name's counts
    counts = facts.definition_counts(fn)
    changed = False
    for block in blocks:
        j = 0
        while j < len(block):
            copy = block[j]
            j += 1
            if not (isinstance(copy, gast.Assign) and isinstance(copy.targets[0], gast.Name)
                    and isinstance(copy.value, gast.Name)):
                continue
            a, t = copy.targets[0].id, copy.value.id
            if t not in temporaries or uses.get(t) != 1 or counts.get(t) != 1:
                continue
            for i in range(j - 2, -1, -1):
                stmt = block[i]
                if t in facts.stored(stmt) and isinstance(stmt, gast.Assign):
                    if a in facts.all_names(stmt) or anno.info(stmt).keep:
                        break
                    syntax.rename(stmt.targets, {t: a})
                    facts.forget(stmt)
                    j -= 1
                    del block[j]
                    changed = True
                    break
                if a in facts.all_names(stmt) or isinstance(stmt, dataflow.COMPOUND):
                    break
    return changed


def _copies_temporary(stmt: gast.stmt, temporaries: set[str]) -> bool:
    """``stmt`` is ``a = t`` with ``t`` a temporary (what :func:`coalesce_copies` looks
    for)."""
    return (stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name
            and stmt.value.__class__ is gast.Name and stmt.value.id in temporaries)


def rename_working_copies(fn: gast.FunctionDef) -> None:
    """Give the user's names back to working copies: ``x_1 = x`` (a parameter re-bound in a
    loop works on a copy, see normalize) where ``x`` is read nowhere else becomes ``x``, and
    ``bx = bx_1`` at the end, where ``bx_1`` is read nowhere after, becomes ``bx_1``'s name
    ``bx`` throughout."""
    params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    body = fn.body
    for i in range(len(body) - 1, -1, -1):
        copy = body[i]
        if not (isinstance(copy, gast.Assign) and isinstance(copy.targets[0], gast.Name)
                and isinstance(copy.value, gast.Name)):
            continue
        target, source = copy.targets[0].id, copy.value.id
        if not (_is_version(target, source) or _is_version(source, target)):
            continue
        before = set().union(set(), *(syntax.all_names(s) for s in body[:i]))
        after = set().union(set(), *(syntax.all_names(s) for s in body[i + 1:]))
        if source in params and source not in before | after and target not in params:
            old, new = target, source  # x_1 = x: the copy takes the parameter's name
        elif target not in before | params and source not in after | params:
            old, new = source, target  # bx = bx_1 at the end: bx_1 takes bx's name
        else:
            continue
        del body[i]
        syntax.rename(body, {old: new})


def _is_version(name: str, of: str) -> bool:
    """``x_1`` is a version of ``x`` (naming.Namer's spelling)."""
    base, _, number = name.rpartition("_")
    return base == of and number.isdigit()


# -- inlining of single-use temporaries ---------------------------------------------------------
def inline_temporaries(fn: gast.FunctionDef, temporaries: set[str],
                       facts: dataflow.StatementFacts | None = None, *,
                       to_fixed_point: bool = False) -> bool:
    """A temporary read once is computed where it is read.  A temporary assigned in several
    places (a value computed again in the backward pass) is inlined where one assignment's
    value is read by one statement, once, and is dead after it.

    One round does every inlining it finds, each block's statements in order, with the
    reads, bindings and barriers of each block indexed by position (:class:`_BlockIndex`),
    and liveness computed once: an inlining of ``t = e`` into a later statement of its block
    moves the reads of ``e`` past statements that bind none of them (nor ``t``), which
    changes what is live only between the two, where no other temporary's single reader
    can be (the first statement after ``t = e`` that reads ``t`` is its reader).

    With ``to_fixed_point``, rounds run until one changes nothing (what calling it again
    until it returns False does), on the same indexes: the statements a round removed stay
    in their blocks until the end, read as statements that read and bind nothing, and the
    counts of uses and definitions are brought up to date between rounds.  A later round
    looks again only at the statements whose last look may now find something else
    (:meth:`_Inliner._settled`); the second, at those the first listed
    (:meth:`_Inliner._positions`)."""
    inliner = _Inliner(fn, temporaries, facts or dataflow.StatementFacts())
    changed = False
    while inliner.round():
        changed = True
        if not to_fixed_point:
            break
    inliner.compact()
    return changed


class _Inliner:
    """The state :func:`inline_temporaries` keeps across its rounds."""

    def __init__(self, fn: gast.FunctionDef, temporaries: set[str],
                 facts: dataflow.StatementFacts) -> None:
        self.fn, self.temporaries, self.facts = fn, temporaries, facts
        self.uses = facts.use_counts(fn)  # as at the start of the round
        # every block's index, outermost first (the function's body's made now, the others
        # in the first round)
        top = _BlockIndex(fn.body, facts)
        top.top = True
        self.indexes: list[_BlockIndex] = [top]
        self.counts = (facts.definition_counts(fn) if top.stops
                       else _definition_counts(fn, top))
        self.rounds = 0
        self.inlinings = 0  # so far, over all rounds: the clock of looks and edits
        # per round: the names whose counts it or a later round changed
        self.changed_since: list[set[str]] = []
        self.ever_changed: set[str] = set()  # the names whose counts any round changed

    def round(self) -> bool:
        """Every inlining found in one pass over the blocks; whether there was one.  After
        the first round, a statement is looked at again only where what its last look read
        may have changed (:meth:`_settled`; in the second round, only those the first listed
        are asked, :meth:`_positions`)."""
        facts, temporaries, uses, counts = self.facts, self.temporaries, self.uses, self.counts
        first = not self.rounds
        now = self.rounds
        self.rounds += 1
        blocks = syntax.blocks(self.fn.body) if first else (x.block for x in self.indexes)
        live_after: Mapping[int, AbstractSet[str]] | None = None  # computed at the first need
        use_changes: dict[str, int] = {}  # to the counts, once the round is over
        inlined: list[str] = []  # the names whose definitions the round removed
        for number, block in enumerate(blocks):
            if first and number:  # (the function's body's is made at the start)
                self.indexes.append(_BlockIndex(block, facts))
            index = self.indexes[number]
            index.removed_now = set()
            index.touched.append([])
            if not first and self._quiet(index):
                continue
            removed = index.removed
            looked, looked_at, horizon = index.looked, index.looked_at, index.horizon
            # (the first round: the candidates looked at since the block's last inlining,
            # and those whose look an inlining after it may have changed; see _positions)
            pending: list[int] = []
            positions = self._positions(index, now)
            if first:
                again = index.again = []
            for i in positions:
                stmt = block[i]
                if i in removed or (not first and self._settled(index, i, stmt)):
                    continue
                looked[i], looked_at[i] = now, self.inlinings
                horizon[i] = i  # (what a statement of another kind reads)
                if not (stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name):
                    continue
                name = stmt.targets[0].id
                if (name not in temporaries or not counts.get(name)
                        or not facts.pure(stmt, is_pure)):
                    continue
                j = _after(index.readers.get(name), i)
                horizon[i] = len(block) if j is None else j
                if first:
                    pending.append(i)
                if j is None:
                    continue
                later = block[j]
                if isinstance(later, dataflow.COMPOUND):
                    continue
                last_read = uses.get(name) == 1 and counts.get(name) == 1
                # (in the function's body, whether ``name`` is live after its reader, where
                # the block decides it: the last-read question below reads it, asked here
                # first; each question reads the current state only, so the order changes no
                # answer, and most values bound or read more than once there fail here,
                # where may_move's walk of the value's reads is spared.  In a branch or a
                # loop the block seldom decides: asked below, as before)
                live = None
                if index.top and not last_read:
                    live = index.live_after(j, name)
                    if live and name not in facts.defs(later):
                        continue
                if not index.may_move(i, name, j):
                    continue
                # (the questions about a value bound or read more than once come before the
                # measures, which walk the two statements the first time: each question
                # reads the current state only, so their order changes no answer, and most
                # of those values fail one)
                if not last_read:
                    # the last read of this value: read once by ``later``, dead after it
                    if not _reads_once(later, name, facts):
                        continue
                    if name not in facts.defs(later):
                        # (read off the index where the block decides it, else off liveness
                        # computed at its first need: both give what is live now, see
                        # _BlockIndex.live_after)
                        if live is None and not index.top:
                            live = index.live_after(j, name)
                        if live is None:
                            if live_after is None:
                                liveness = dataflow.Liveness(facts)
                                for known in (self.indexes[:number + 1] if first
                                              else self.indexes):
                                    known.share_facts(liveness, current=known is index)
                                live_after = liveness.after_all(self.fn)
                            live = name in live_after[id(later)]
                        if live:
                            continue
                if not index.fits(i, j):
                    continue
                # The reads of the value move into ``later``, in place of its read of
                # ``name``: where it reads ``name`` once and the assignment has one target
                # (its loads are its value's), the function reads ``name`` once less and
                # every other name as often as before.
                moved_once = (len(stmt.targets) == 1
                              and facts.load_counts(later).get(name) == 1)
                if moved_once:
                    use_changes[name] = use_changes.get(name, 0) - 1
                else:
                    _count_change(use_changes, facts.load_counts(stmt), -1)
                    _count_change(use_changes, facts.load_counts(later), -1)
                measures = _measures_after_substitution(facts, later, name, stmt)
                walk = _walk_after_inlining(facts, later, name, stmt) if moved_once else None
                # (the value itself where it goes in once: its statement is removed below)
                syntax.substitute(later, name, stmt.value, moved=moved_once)
                facts.forget(later, measures)
                if walk is not None:
                    facts.walked_as(later, *walk)
                if not moved_once:
                    _count_change(use_changes, facts.load_counts(later), 1)
                inlined.extend(index.binds[i])
                index.remove(i)
                index.update(j)
                self.inlinings += 1
                if first:  # (the looks before it whose horizon holds ``i``: see _positions)
                    again.extend(k for k in pending if k != i and horizon[k] >= i)
                    pending.clear()
                bisect.insort(index.touched[now], i)
                bisect.insort(index.touched[now], j)
                index.touched_at[i] = index.touched_at[j] = self.inlinings
        changed_names = {name for name, change in use_changes.items() if change}
        for name, change in use_changes.items():
            if change:
                uses[name] = uses.get(name, 0) + change
        for name in inlined:
            counts[name] -= 1
        changed_names.update(inlined)
        if first:  # (and the statements that bind a name whose counts changed)
            for index in self.indexes:
                names = changed_names.intersection(index.binders)
                if names:
                    index.again = sorted({*index.again,
                                          *(k for name in names for k in index.binders[name])})
        self.changed_since.append(set())
        for since in self.changed_since:
            since |= changed_names
        self.ever_changed |= changed_names
        return bool(inlined)

    def _positions(self, index: _BlockIndex, now: int) -> Iterable[int]:
        """The positions of the block to look at in this round, in order: every one, but in
        the second round those of ``index.again`` (kept by the first) until the round's
        first inlining in the block, then every one after it.

        Why no other statement needs a look in the second round before its first inlining
        (each would be :meth:`_settled`): the first round looked at every statement, in
        order, so an edit of that round came after the look of every statement before the
        inlining that made it, and after no other.  An inlining at ``i`` edits ``i`` and a
        later statement, so it touches the span of a look before it (from its statement to
        its horizon) exactly where the horizon is at or past ``i``: the first round keeps
        those (a statement that is no candidate has itself as horizon, so none of them),
        and then the statements that bind a name whose counts it changed.  Once the second
        round inlined something, its own edits may unsettle any later statement: each is
        asked as before."""
        size = len(index.block)
        if now != 1 or index.again is None:
            return range(size)
        return self._looks_again(index.again, size)

    def _looks_again(self, again: list[int], size: int) -> Iterator[int]:
        """The positions of ``again``, then, once this round inlined something in the
        block, every one after the last given (:meth:`_positions`)."""
        inlinings = self.inlinings
        last = -1
        for i in again:
            if self.inlinings != inlinings:
                break
            yield i
            last = i
        if self.inlinings != inlinings:
            yield from range(last + 1, size)

    def _settled(self, index: _BlockIndex, i: int, stmt: gast.stmt) -> bool:
        """Whether a look at the statement at ``i`` would find what its last look found
        (nothing: else it would be gone): no statement from it to its horizon (its first
        reader of its name, or the block's end where none; itself only, for a statement
        that is no candidate) was removed or edited since that look, and the counts of its
        name did not change (they change at the end of a round, so those of the look's
        round count).  What else the look reads stays: an inlining elsewhere moves the
        reads of a value only past statements that bind none of them.  (An edit of the
        look's round made before the look, by an inlining into a later statement of a
        value above it, was seen by the look: the clock of inlinings tells them apart.)"""
        since, last, seen = index.looked[i], index.horizon[i], index.looked_at[i]
        touched_at = index.touched_at
        for touched in index.touched[since:]:
            k = bisect.bisect_left(touched, i)
            while k < len(touched) and touched[k] <= last:
                if touched_at[touched[k]] > seen:
                    return False
                k += 1
        if stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name:
            name = stmt.targets[0].id
            return name not in self.changed_since[since]
        return True

    def _quiet(self, index: _BlockIndex) -> bool:
        """Whether every statement of the block is :meth:`_settled`, known without asking
        each: nothing in the block was ever removed or edited, and no name it binds (the
        name of each assignment looked at is one) had its counts changed in any round."""
        return not any(index.touched) and self.ever_changed.isdisjoint(index.binders)

    def compact(self) -> None:
        """Take the removed statements out of their blocks."""
        for index in self.indexes:
            if index.removed:
                index.block[:] = [s for k, s in enumerate(index.block) if k not in index.removed]


def _measures_after_substitution(facts: dataflow.StatementFacts, later: gast.stmt, name: str,
                                 stmt: gast.Assign
                                 ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The measures ``later`` will have (``syntax.measure`` of it and, for an assignment to
    a name, of its value) once each read of ``name`` in it holds ``stmt``'s value, worked
    out from those kept now where that is exact (None where not): each read is a plain name,
    two nodes, so the size grows by the value's size less two per read; the call depth stays
    where the value holds no call, and is the value's where ``later`` held none."""
    kept = facts.kept_measures(later)
    if kept == (None, None):
        return kept
    reads = [n for n in facts.walked_names(later) if n.id == name and isinstance(n.ctx, gast.Load)]
    if any(n.annotation is not None for n in reads):
        return None, None
    size, depth = facts.value_measure(stmt)
    in_value = (later.__class__ is gast.Assign and len(later.targets) == 1
                and later.targets[0].__class__ is gast.Name)

    def grown(measure: tuple[int, int] | None) -> tuple[int, int] | None:
        if measure is None or (depth and measure[1]):
            return None
        return measure[0] + len(reads) * (size - 2), measure[1] or depth

    return grown(kept[0]), grown(kept[1]) if in_value else None


def _definition_counts(fn: gast.FunctionDef, index: _BlockIndex) -> dict[str, int]:
    """``facts.definition_counts(fn)`` of a function whose body holds no statement with a
    body (``index.stops`` empty), read off the index of its body: then every statement is
    simple, and binds what the index keeps (its kept ``defs``, which the counts add up), and
    there is no nested function, so the rest are the function's parameters."""
    counts = {name: len(positions) for name, positions in index.binders.items()}
    args = fn.args
    for arg in args.posonlyargs + args.args + args.kwonlyargs:
        counts[arg.id] = counts.get(arg.id, 0) + 1
    return counts


def _walk_after_inlining(facts: dataflow.StatementFacts, later: gast.stmt, name: str,
                         stmt: gast.Assign) -> tuple[list[gast.Name], bool] | None:
    """The walk for names (``syntax.walk_names_noting(later, fold.FOLD_SEEDS)``) that
    ``later`` will have once its one read of ``name`` holds ``stmt``'s value itself (moved,
    not copied), from the walks kept for the two, without a walk; None where they are not
    kept, or where the note may change.

    Why it is the walk of the edited statement: the walk goes depth first, so a node's
    names come together, where the node stands; ``stmt``'s names are its value's, then its
    one target's (an assignment's value is walked before its targets).  So the value's
    names go where the read stood.  The note (a node a fold starts from) is either's: each
    test of ``FOLD_SEEDS`` looks at a node and its children (a negation, down a product's
    left operands), and the value's nodes have the same children as before; a node above
    the read sees the value where it saw a plain name, which it reads the same way unless
    the value is a literal, a tuple, a negation or a product that starts with a literal
    (:func:`_reads_as_a_name`)."""
    kept_later, kept_value = facts.kept_walk(later), facts.kept_walk(stmt)
    if kept_later is None or kept_value is None or not _reads_as_a_name(stmt.value):
        return None
    names, seeded = kept_later
    value_names, value_seeded = kept_value
    if not value_names or value_names[-1] is not stmt.targets[0]:
        return None  # (not the order described: left to a walk of its own)
    for k, read in enumerate(names):
        if read.id == name and read.ctx.__class__ is gast.Load:
            if read.annotation is not None:
                return None  # (the walk noted it: the note may go with it)
            return names[:k] + value_names[:-1] + names[k + 1:], seeded or value_seeded
    return None


def _reads_as_a_name(value: gast.expr) -> bool:
    """Whether every test of ``fold.FOLD_SEEDS`` at a node above a plain name answers the
    same when ``value`` stands there instead: they ask whether a child is a literal
    (``Constant``, ``Tuple``) or a negation, and a negation's test goes down the left
    operands of products to a literal."""
    cls = value.__class__
    if cls is gast.Constant or cls is gast.Tuple or cls is gast.UnaryOp:
        return False
    while cls is gast.BinOp and value.op.__class__ is gast.Mult:
        value = value.left
        cls = value.__class__
        if cls is gast.Constant:
            return False
    return True


def _count_change(changes: dict[str, int], counts: Mapping[str, int], sign: int) -> None:
    """Add ``sign`` times ``counts`` to ``changes``."""
    for name, k in counts.items():
        changes[name] = changes.get(name, 0) + sign * k


class _BlockIndex:
    """One block's statements by position, for the inliner and the fusion of contributions:
    which statements read and bind each name, and the barriers (statements a pure value may
    not move past: compound statements, and simple ones that neither compute a pure value nor
    save or restore one; comments are no barrier), kept in step as statements are removed
    and edited."""

    def __init__(self, block: list[gast.stmt], facts: dataflow.StatementFacts) -> None:
        self.block = block
        self.facts = facts
        self.statements = tuple(block)  # (the block loses the removed ones at the end)
        # each statement's loads, bindings, and whether it is a barrier and a comment, kept
        # in the facts for a simple statement until it changes (the inliner's second call
        # and the fusion index blocks the first call indexed already)
        entries = facts.block_entries(block, functools.partial(_block_entry, facts=facts))
        self.loads = [entry[0] for entry in entries]
        self.binds = [entry[1] for entry in entries]
        self.readers: dict[str, list[int]] = {}
        self.binders: dict[str, list[int]] = {}
        for k in range(len(block)):
            for name in self.loads[k]:
                self.readers.setdefault(name, []).append(k)
            for name in self.binds[k]:
                self.binders.setdefault(name, []).append(k)
        self.barriers = [k for k, entry in enumerate(entries) if entry[2]]
        # for live_after: the statements with bodies, the returns, and whether the block
        # is the function's body (the inliner says)
        self.stops = [k for k, stmt in enumerate(block) if _HAS_BODY[stmt.__class__]]
        self.returns = [k for k, stmt in enumerate(block) if stmt.__class__ is gast.Return]
        self.top = False
        self.comments = [k for k, entry in enumerate(entries) if entry[3]]
        # the inliner's: what its second round looks at (_Inliner._positions)
        self.again: list[int] | None = None
        self.removed: set[int] = set()
        self.removed_now: set[int] = set()  # (in the inliner's current round)
        # the inliner's record: per round, the sorted positions removed or edited in it;
        # per position, the inliner's count of inlinings at its last removal or edit, and
        # the round of its last look, the count at that look and how far it read
        self.touched: list[list[int]] = []
        self.touched_at = [0] * len(block)
        self.looked = [0] * len(block)
        self.looked_at = [0] * len(block)
        self.horizon = [len(block)] * len(block)

    def share_facts(self, liveness: dataflow.Liveness, current: bool = False) -> None:
        """Tell ``liveness`` what each simple statement still here reads and binds (for a
        simple statement, what this index keeps: its uses and definitions), so that it
        does not walk them again; a removed statement (still in the block until the
        inliner's last round) reads and binds nothing, except in the ``current`` block the
        ones removed in this round (what liveness read when blocks were compacted after
        each round: the current block was not yet)."""
        for k, stmt in enumerate(self.statements):
            if k in self.removed:
                if not (current and k in self.removed_now):
                    liveness.assume(stmt, _NOTHING, _NOTHING)
            elif not isinstance(stmt, dataflow.COMPOUND):
                liveness.assume(stmt, self.loads[k], self.binds[k])

    def fits(self, i: int, j: int, limit: int = syntax.MAX_NODES) -> bool:
        """``syntax.fits`` of the value of the assignment at ``i`` into the statement at
        ``j``, each measured once while it does not change (kept in the facts)."""
        return syntax.measures_fit(self.facts.value_measure(self.block[i]),
                                   self.facts.measure(self.block[j]), limit)

    def may_move(self, i: int, name: str, j: int) -> bool:
        """Whether the value of ``name = value`` at ``i`` may move to the statement at ``j``,
        the first after it that reads ``name``: every statement in between is a comment, or
        a pure computation or a save that binds neither ``name`` nor a name that ``value``
        reads."""
        barrier = _after(self.barriers, i)
        if barrier is not None and barrier < j:
            return False
        binders = self.binders
        for read in (name, *self.facts.value_loads(self.block[i])):
            bound = binders.get(read)  # (_after, inline: each read of each candidate)
            if bound:
                k = bisect.bisect_right(bound, i)
                if k < len(bound) and bound[k] < j:
                    return False
        return True

    def next_mention(self, name: str, i: int) -> int | None:
        """The position of the first statement after ``i`` that reads or binds ``name``,
        where the value of ``name = value`` at ``i`` may move to it: in the same run of
        statements (no comment in between), with every statement in between a pure
        computation or a save that binds no name that ``value`` reads."""
        j = _first(_after(self.readers.get(name), i), _after(self.binders.get(name), i))
        if j is None:
            return None
        stop = _first(_after(self.comments, i), _after(self.barriers, i))
        if stop is not None and stop < j:
            return None
        for read in self.facts.value_loads(self.block[i]):
            bound = _after(self.binders.get(read), i)
            if bound is not None and bound < j:
                return None
        return j

    def live_after(self, j: int, name: str) -> bool | None:
        """Whether ``name`` is live after the statement at ``j``, where the statements of
        this block after it decide: the first that reads or binds ``name`` (read: live;
        bound only: dead) or a return (dead, unless it reads it), with no statement with a
        body before it; past the end of the function's body (``top``), nothing is live.
        None where they do not decide (a statement with a body on the way, the end of a
        block inside one).  This is how liveness moves a live set back over simple
        statements, read off the positions kept here, which follow every removal and edit:
        so it is what is live now.  (The inliner's liveness, computed once a round, answers
        the same for the inliner's questions: the inlinings of a round change what is live
        only between a value's old place and its reader, for the names the value reads and
        its own, where no later question of the round about those names falls.)"""
        read = _after(self.readers.get(name), j)
        decides = read
        for other in (_after(self.binders.get(name), j), _after(self.returns, j)):
            if other is not None and (decides is None or other < decides):  # (_first, inline)
                decides = other
        stop = _after(self.stops, j)
        if stop is not None and (decides is None or stop <= decides):
            return None  # (a body may read or bind it, or return)
        if decides is not None:
            return decides == read  # (read, or bound: a return reads or ends all)
        return False if self.top else None

    def remove(self, i: int) -> None:
        """The statement at ``i`` is gone (it was a pure computation: no barrier)."""
        for name in self.loads[i]:
            _discard(self.readers[name], i)
        for name in self.binds[i]:
            _discard(self.binders[name], i)
        self.loads[i], self.binds[i] = set(), set()
        self.removed.add(i)
        self.removed_now.add(i)

    def update(self, j: int) -> None:
        """The statement at ``j`` reads other names now (what it binds is unchanged; the
        facts have forgotten it)."""
        old, new = self.loads[j], self.facts.loads(self.block[j])
        for name in old - new:
            _discard(self.readers[name], j)
        for name in new - old:
            bisect.insort(self.readers.setdefault(name, []), j)
        self.loads[j] = new
        if _is_barrier(self.block[j], self.facts):
            k = bisect.bisect_left(self.barriers, j)
            if k == len(self.barriers) or self.barriers[k] != j:
                self.barriers.insert(k, j)


_NOTHING: frozenset[str] = frozenset()


class _HasBody(dict):
    """Statement class -> whether it has a body (kept per class)."""

    def __missing__(self, cls: type) -> bool:
        self[cls] = has = "body" in cls._fields
        return has


_HAS_BODY = _HasBody()


def _block_entry(stmt: gast.stmt, facts: dataflow.StatementFacts
                 ) -> tuple[set[str], set[str], bool, bool]:
    """What a :class:`_BlockIndex` reads of one statement: its loads, its bindings, whether
    it is a barrier (:func:`_is_barrier`) and whether it is a comment; each read from the
    statement and its annotations only, so kept with its facts while it does not change."""
    loads, bound = facts.loads_defs(stmt)
    if stmt.__class__ is gast.Assign:  # (most: no comment, and _is_barrier's test inline)
        return loads, bound, not (facts.pure(stmt, is_pure) or _is_save(stmt)), False
    comment = stmt.__class__ is gast.Expr and syntax.is_comment(stmt)
    return loads, bound, _is_barrier(stmt, facts), comment


def _is_barrier(stmt: gast.stmt, facts: dataflow.StatementFacts) -> bool:
    """A statement that no pure value may move past, whatever it binds."""
    if stmt.__class__ is gast.Expr and syntax.is_comment(stmt):  # (a comment is an Expr)
        return False
    return isinstance(stmt, dataflow.COMPOUND) or not (facts.pure(stmt, is_pure)
                                                       or _is_save(stmt))


def _after(positions: list[int] | None, i: int) -> int | None:
    """The first of the sorted ``positions`` after ``i``."""
    if not positions:
        return None
    k = bisect.bisect_right(positions, i)
    return positions[k] if k < len(positions) else None


def _first(*positions: int | None) -> int | None:
    """The smallest of the positions given (None: none)."""
    return min((p for p in positions if p is not None), default=None)


def _discard(positions: list[int], i: int) -> None:
    k = bisect.bisect_left(positions, i)
    if k < len(positions) and positions[k] == i:
        del positions[k]


def _reads_once(stmt: gast.stmt, name: str, facts: dataflow.StatementFacts) -> bool:
    """``stmt`` reads ``name`` once, and is no copy (copy propagation does better there):
    with ``name`` dead after ``stmt`` or bound by it, the value it reads is read last."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name):
        return False
    return facts.load_counts(stmt).get(name) == 1


def summed_into(stmt: gast.stmt) -> str | None:
    """``a`` if ``stmt`` is ``a = a + e`` with ``e`` not reading ``a``."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name)):
        return None
    name, value = stmt.targets[0].id, stmt.value
    if (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add)
            and syntax.is_name(value.left, name)
            and name not in syntax.loaded_names(value.right)):
        return name
    return None


def fuse_accumulations(fn: gast.FunctionDef,
                       facts: dataflow.StatementFacts | None = None) -> bool:
    """``ba = e1`` followed by ``ba = ba + e2`` becomes ``ba = e1 + e2``: an adjoint's
    contributions in one block read as one sum (and run as one statement).  Only across
    statements that neither read ``ba`` nor change what ``e1`` reads (each block's
    statements indexed by position: :class:`_BlockIndex`)."""
    facts = facts or dataflow.StatementFacts()
    changed = False
    for block in syntax.blocks(fn.body):
        summed = _may_fuse(block)
        if not summed:
            continue  # (no index needed)
        index = _BlockIndex(block, facts)
        for i, stmt in enumerate(block):
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                    and stmt.targets[0].id in summed
                    and anno.has_info(stmt) and anno.info(stmt).generated
                    and facts.pure(stmt, is_pure)):
                continue
            name = stmt.targets[0].id
            j = index.next_mention(name, i)
            if j is None:
                continue
            later = block[j]
            if (summed_into(later) == name and anno.info(later).generated
                    and index.fits(i, j, syntax.MAX_SUM_NODES)):
                later.value.left = stmt.value
                facts.forget(later)
                index.remove(i)
                index.update(j)
                changed = True
        if index.removed:
            block[:] = [s for k, s in enumerate(block) if k not in index.removed]
    return changed


def _may_fuse(block: list[gast.stmt]) -> AbstractSet[str]:
    """The names ``ba`` of the ``ba = ba + e2`` in ``block`` (:func:`_may_be_summed`) that
    follow an assignment to ``ba`` in the same run of statements (no comment or compound
    statement between them: ``next_mention`` finds no statement past one of those): a
    fusion of ``ba = e1`` has ``ba`` among them.  They stay so while fusions go on: a
    fusion removes an assignment, neither a comment nor a compound statement, and only
    puts a value in place of the ``ba`` that such a statement read first, which makes no
    new one (the value would have to be ``ba``, in a statement that was one already)."""
    assigned: set[str] = set()  # (in the current run)
    summed: set[str] = set()
    for stmt in block:
        cls = stmt.__class__
        if cls is gast.Assign and stmt.targets[0].__class__ is gast.Name:
            name = stmt.targets[0].id
            if name in assigned and _may_be_summed(stmt):
                summed.add(name)
            assigned.add(name)
        elif cls is gast.Expr and syntax.is_comment(stmt) or isinstance(stmt, dataflow.COMPOUND):
            assigned.clear()  # (a run ends)
    return summed


def _may_be_summed(stmt: gast.stmt) -> bool:
    """``stmt`` has the shape ``a = a + e`` (what :func:`summed_into` asks first, without
    reading ``e``)."""
    if stmt.__class__ is not gast.Assign or stmt.value.__class__ is not gast.BinOp:
        return False
    target, left = stmt.targets[0], stmt.value.left
    return (target.__class__ is gast.Name and left.__class__ is gast.Name
            and target.id == left.id and stmt.value.op.__class__ is gast.Add)


def _is_save(stmt: gast.stmt) -> bool:
    """A stack push or pop of a saved value: a pure value may move past it (the names it
    binds and reads are checked like any statement's)."""
    return anno.has_info(stmt) and anno.info(stmt).saves is not None


def optimize(fn: gast.FunctionDef, temporaries: set[str]) -> None:
    """Optimize ``fn`` in place, to a fixed point: the passes run in turn until each has run
    once more without changing anything.  A function with a ``try`` statement is left as it
    is: the passes assume that a block, once entered, runs to its end."""
    if any(isinstance(s, gast.Try) for s in syntax.statements(fn.body, with_bodies=True)):
        return

    # What each statement reads and binds, kept across the passes: each pass tells it of
    # the statements it edits in place.
    facts = dataflow.StatementFacts()

    def repeated(run: Callable[[gast.FunctionDef, set[str], dataflow.StatementFacts], bool]
                 ) -> Callable[[], bool]:
        def until_unchanged() -> bool:
            changed = False
            while run(fn, temporaries, facts):
                changed = True
            return changed
        return until_unchanged

    # Dead code's last run: True appended where a second run would find nothing.
    dead_code_settled: list[bool] = []

    def eliminate() -> bool:
        dead_code_settled.clear()
        return eliminate_dead_code(fn, facts, settled=dead_code_settled)

    # remove_zero_inits' note across its runs (its ``none_since``)
    zero_inits_note: list[int] = []

    passes: list[Callable[[], bool]] = [
        lambda: fold_constants(fn, facts),
        lambda: remove_zero_inits(fn, facts, none_since=zero_inits_note),
        lambda: inline_temporaries(fn, temporaries, facts, to_fixed_point=True),
        lambda: propagate_copies(fn, temporaries, facts, to_fixed_point=True),
        repeated(coalesce_copies),
        lambda: fuse_accumulations(fn, facts),
        lambda: factor_sums(syntax.statements(fn.body, with_bodies=True), facts),
        eliminate,
        lambda: remove_dead_saves(fn, facts),
    ]
    # A repeated pass that changed the tree ran last on it without changing anything: it is
    # at its own fixed point, so it counts as a pass that changed nothing since (running it
    # again would find nothing; this spares that run).  So does dead code where its run
    # says a second run would find nothing (``dead_code._eliminate``'s ``settled``): most
    # often the last pass that changes anything, whose run again after the others was the
    # last of the confirming cycle.
    fixed_when_changed = {2, 3, 4}
    dead_code = passes.index(eliminate)
    unchanged = 0  # passes run in a row that changed nothing
    for step in range(100 * len(passes)):
        index = step % len(passes)
        if passes[index]():
            fixed = index in fixed_when_changed or (index == dead_code and dead_code_settled)
            unchanged = 1 if fixed else 0
        else:
            unchanged += 1
        if unchanged == len(passes):
            break
    share_subexpressions(fn, temporaries, facts)
    rename_working_copies(fn)
    remove_orphan_comments(fn)
