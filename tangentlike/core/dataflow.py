"""Dataflow facts over structured statement lists: uses, definitions, liveness.

Blocks are walked structurally (``if``, ``for`` and ``while`` by fixed point), which is exact
for the structured code tangentlike generates and conservative elsewhere.  A ``try`` (the probe
of frontend/exceptions.py: one handler that records the exception) may stop after any
statement of its body: what is live after it is live everywhere in its body, and the
definitions reaching any point of its body may reach past it.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import gast

from tangentlike.core import syntax
from tangentlike.core.fold import FOLD_SEEDS

COMPOUND = (gast.If, gast.For, gast.While, gast.With, gast.Try)


def uses(stmt: gast.stmt) -> set[str]:
    """Names a simple statement reads (for a compound statement: its header)."""
    if isinstance(stmt, gast.If) or isinstance(stmt, gast.While):
        return syntax.loaded_names(stmt.test)
    if isinstance(stmt, gast.For):
        return syntax.loaded_names(stmt.iter)
    if isinstance(stmt, gast.With):
        return set().union(*(syntax.loaded_names(i.context_expr) for i in stmt.items))
    if isinstance(stmt, gast.Try):  # its handlers (their bodies only bind)
        return set().union(*(syntax.loaded_names(h.type) for h in stmt.handlers if h.type))
    if syntax.is_comment(stmt):
        return set()
    return syntax.loaded_names(stmt)


def defs(stmt: gast.stmt) -> set[str]:
    """Names a simple statement binds (for a compound statement: its header)."""
    if isinstance(stmt, gast.For):
        return syntax.stored_names(stmt.target)
    if isinstance(stmt, (gast.If, gast.While)):
        return set()
    if isinstance(stmt, gast.With):
        return set().union(*(syntax.stored_names(i.optional_vars) for i in stmt.items
                              if i.optional_vars is not None))
    if isinstance(stmt, gast.Try):  # what its handlers bind, when it catches
        return set().union(*(syntax.stored_names(h) for h in stmt.handlers))
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
        base = stmt.targets[0].value  # x[i] = v changes x (and still reads it)
        return syntax.stored_names(stmt) | ({base.id} if isinstance(base, gast.Name) else set())
    return syntax.stored_names(stmt)


class Liveness:
    """Which names are live where, in statements that do not change while it is used (a pass
    that removes statements may go on using it; one that edits a statement may not): each
    statement's uses and definitions are computed once, loops are walked to a fixed point."""

    def __init__(self, facts: StatementFacts | None = None) -> None:
        self._facts: dict[int, tuple[gast.stmt, set[str], set[str]]] = {}
        self._kept = facts  # (the simple statements' uses and definitions, where given)
        self._raising: set[str] = set()  # live after the try statements around (see transfer)
        # while after_all runs: an if statement's id -> its branches' block liveness, made
        # when its liveness was first worked out (kept for after_all to use, not made again)
        self._built: dict[int, tuple[_BlockLiveness, _BlockLiveness]] | None = None
        # while after_all runs: a loop's id, the live set after it and the try statements'
        # -> the names live before it (the statements do not change meanwhile: a nested
        # loop's fixed point, reached again for each round of the loops around it and for
        # the blocks of after_all, is worked out once per live set)
        self._loops: dict[tuple[int, frozenset[str], frozenset[str]], set[str]] | None = None

    def _uses_defs(self, stmt: gast.stmt) -> tuple[set[str], set[str]]:
        fact = self._facts.get(id(stmt))
        if fact is None or fact[0] is not stmt:
            if self._kept is not None and "body" not in stmt._fields:
                return self._kept.uses_defs(stmt)
            fact = self._facts[id(stmt)] = (stmt, uses(stmt), defs(stmt))
        return fact[1], fact[2]

    def defs(self, stmt: gast.stmt) -> set[str]:
        """:func:`defs` of ``stmt`` (as this liveness takes it: kept, or assumed)."""
        return self._uses_defs(stmt)[1]

    def uses_defs(self, stmt: gast.stmt) -> tuple[set[str], set[str]]:
        """:func:`uses` and :func:`defs` of a simple statement (as this liveness takes it)."""
        return self._uses_defs(stmt)

    def pure(self, stmt: gast.stmt, is_pure: Callable[[gast.stmt], bool]) -> bool:
        """``is_pure(stmt)``, kept in the statement facts where given
        (:meth:`StatementFacts.pure`)."""
        return is_pure(stmt) if self._kept is None else self._kept.pure(stmt, is_pure)

    def if_summary(self, stmt: gast.stmt) -> tuple[set[str], set[str]] | None:
        """For an if statement whose branches hold simple statements only, outside any
        ``try``: the names live before it whatever is live after it, and the names both
        branches bind first (what is live before it is ``(live - bound) | read``); else
        None."""
        return None if self._raising else _if_summary(self, stmt)

    def assume(self, stmt: gast.stmt, used: set[str], bound: set[str]) -> None:
        """Take ``stmt`` to use and define these names, not what it reads and writes."""
        self._facts[id(stmt)] = (stmt, used, bound)

    def live_in(self, body: list[gast.stmt], live_out: set[str]) -> set[str]:
        """Names live on entry to ``body`` given those live after it."""
        live = set(live_out)
        for stmt in reversed(body):
            if isinstance(stmt, (*COMPOUND, gast.Return)):
                live = self.transfer(stmt, live)
            else:  # (live is this loop's own set: no copy per statement)
                self.transfer_in_place(stmt, live)
        return live

    def transfer(self, stmt: gast.stmt, live: set[str]) -> set[str]:
        """Liveness before ``stmt`` given liveness after it (inside a ``try``, what is live
        after the ``try`` too: the next statement may raise)."""
        result = self._transfer(stmt, live)
        return result | self._raising if self._raising else result

    def transfer_in_place(self, stmt: gast.stmt, live: set[str]) -> None:
        """``transfer`` for a simple statement (no body, not a return), updating ``live``."""
        used, bound = self._uses_defs(stmt)
        self.transfer_known(live, used, bound)

    def transfer_known(self, live: set[str], used: set[str], bound: set[str]) -> None:
        """``transfer_in_place`` for a simple statement whose :meth:`uses_defs` the caller
        read already (``used``, ``bound``)."""
        live -= bound
        live |= used
        live |= self._raising

    def _transfer(self, stmt: gast.stmt, live: set[str]) -> set[str]:
        used, bound = self._uses_defs(stmt)
        if isinstance(stmt, gast.Try):
            outer, self._raising = self._raising, self._raising | live
            try:
                return used | self.live_in(stmt.body, live) | live
            finally:
                self._raising = outer
        if isinstance(stmt, gast.If):
            if self._built is not None:
                body = _BlockLiveness(self, stmt.body, live)
                orelse = _BlockLiveness(self, stmt.orelse, live)
                self._built[id(stmt)] = (body, orelse)
                return body.entry | orelse.entry | used
            result = self.live_in(stmt.body, live)  # (a set of its own, extended in place)
            result |= self.live_in(stmt.orelse, live)
            result |= used
            return result
        if isinstance(stmt, (gast.For, gast.While)):
            key = None
            if self._loops is not None:
                key = (id(stmt), frozenset(live), frozenset(self._raising))
                known = self._loops.get(key)
                if known is not None:
                    return set(known)
            entry = set(live)
            while True:  # the body may run again: iterate to a fixed point
                new = (live | used | self.live_in(stmt.body, entry | live)
                       | self.live_in(stmt.orelse, live))
                if new <= entry:
                    if key is not None:
                        self._loops[key] = set(entry)
                    return entry
                entry |= new
        if isinstance(stmt, gast.With):
            return used | self.live_in(stmt.body, live)
        if isinstance(stmt, gast.Return):
            return set(used)
        return (live - bound) | used

    def after_each(self, body: list[gast.stmt], live_out: set[str]) -> list[set[str]]:
        """For each statement of ``body``, the names live right after it."""
        result: list[set[str]] = [set() for _ in body]
        live = set(live_out)
        for i in range(len(body) - 1, -1, -1):
            result[i] = set(live)
            if isinstance(body[i], (*COMPOUND, gast.Return)):
                live = self.transfer(body[i], live)
            else:  # (live is this loop's own set: no copy)
                self.transfer_in_place(body[i], live)
        return result

    def after_all(self, fn: gast.FunctionDef) -> Mapping[int, set[str]]:
        """For every statement of ``fn`` (by ``id``), nested ones included, the names live
        right after it (a read-only mapping whose sets are made when first read: a long
        block keeps one copy of its live set every few statements, not one per statement;
        read it before any statement of ``fn`` changes)."""
        result = _LiveAfter()
        self._built, self._loops = {}, {}
        try:
            self._visit_after(result, fn.body, set())
        finally:
            self._built = self._loops = None
        return result

    def _visit_after(self, result: _LiveAfter, body: list[gast.stmt],
                     live_out: set[str], block: _BlockLiveness | None = None) -> None:
        """``after_all`` for one block and the blocks inside it (a method, not a closure
        calling itself: that would be a reference cycle keeping ``result`` alive until the
        collector runs); ``block``: its liveness, made already where given."""
        if block is None:
            block = _BlockLiveness(self, body, live_out)
        for i, stmt in enumerate(body):
            result.slots[id(stmt)] = (block, i)
            if not isinstance(stmt, (gast.If, gast.For, gast.While, gast.With, gast.Try)):
                continue
            if i in block.summaries:  # branches of simple statements: read off the block
                for branch in (stmt.body, stmt.orelse):
                    inner = _BranchLiveness(self, branch, block, i)
                    for k, branch_stmt in enumerate(branch):
                        result.slots[id(branch_stmt)] = (inner, k)
                continue
            live = block.after(i)  # (a copy is kept around each compound statement)
            if isinstance(stmt, gast.If):
                built = self._built.get(id(stmt), (None, None)) if self._built else (None, None)
                for branch, made in zip((stmt.body, stmt.orelse), built):
                    if not (made is not None and made.body == tuple(branch)
                            and made.raising == self._raising and made.live_out == live):
                        made = None  # (made for another live set: in a loop's fixed point)
                    self._visit_after(result, branch, live, made)
            elif isinstance(stmt, (gast.For, gast.While)):
                self._visit_after(result, stmt.body, self.transfer(stmt, live) | live)
                self._visit_after(result, stmt.orelse, live)
            elif isinstance(stmt, gast.With):
                self._visit_after(result, stmt.body, live)
            elif isinstance(stmt, gast.Try):
                outer, self._raising = self._raising, self._raising | live
                self._visit_after(result, stmt.body, live)
                self._raising = outer


class _BlockLiveness:
    """The names live after each statement of one block, kept as a copy of the live set
    every ``EVERY`` statements and around each compound statement: whether a name is live
    after any other statement is read off the few statements up to the next copy."""

    EVERY = 32

    def __init__(self, liveness: Liveness, body: list[gast.stmt], live_out: set[str]):
        self.liveness = liveness
        self.body = tuple(body)
        self.raising = liveness._raising  # (inside a try: see Liveness.transfer)
        self.copies: dict[int, set[str]] = {}  # index -> the live set after it
        self.before: dict[int, set[str]] = {}  # compound statement's index -> live before it
        # an if statement whose branches are simple statements, by index: what it reads and
        # what both branches bind (its liveness is (live - bound) | read, as a simple
        # statement's: no live set is kept around it, which is what made a long run of
        # such statements quadratic in the number of live names)
        self.summaries: dict[int, tuple[set[str], set[str]]] = {}
        # a simple statement's uses and definitions by index, where liveness has them from
        # its own record (what ``Liveness.assume`` told it, or what it worked out itself):
        # that record does not change while this block is read, so ``holds`` reads them
        # here without a look-up; None where they come from the statement facts, which a
        # pass editing the statement meanwhile changes (read at each need, as before)
        self.recorded: list[tuple[set[str], set[str]] | None] = [None] * len(body)
        recorded, own = self.recorded, liveness._facts
        live = self.live_out = set(live_out)  # (never changed: kept, or copied first)
        shared = False  # whether ``live`` is kept (in copies or before): copied on change
        for i in range(len(body) - 1, -1, -1):
            stmt = body[i]
            compound = isinstance(stmt, (*COMPOUND, gast.Return))
            summary = _if_summary(liveness, stmt) if compound and not self.raising else None
            if summary is not None:
                self.summaries[i] = summary
                compound = False
            if compound or i % self.EVERY == 0 or i == len(body) - 1:
                self.copies[i] = live
                shared = True
            if compound:
                live = liveness.transfer(stmt, live)  # (a new set)
                self.before[i] = live
                shared = True
            else:
                if shared or live is self.live_out:
                    live, shared = set(live), False
                if summary is not None:
                    live -= summary[1]
                    live |= summary[0]
                else:
                    fact = own.get(id(stmt))
                    if fact is not None and fact[0] is stmt:  # (transfer_in_place, read here)
                        used, bound = recorded[i] = fact[1], fact[2]
                        liveness.transfer_known(live, used, bound)
                    else:
                        liveness.transfer_in_place(stmt, live)
        self.entry = live  # the names live before the block (read only)

    def _uses_defs(self, k: int) -> tuple[set[str], set[str]]:
        """What the ``k``-th statement (simple, or a summarized if statement) reads and
        binds, as liveness takes it."""
        summary = self.summaries.get(k)
        return summary if summary is not None else self.liveness._uses_defs(self.body[k])

    def holds(self, i: int, name: str) -> bool:
        """Whether ``name`` is live right after the ``i``-th statement."""
        found = self.copies.get(i)
        if found is not None:
            return name in found
        if name in self.raising:
            return True
        k = i + 1
        while True:  # the first statement after it that reads or binds it decides
            before = self.before.get(k)
            if before is not None:
                return name in before
            known = self.recorded[k]
            used, bound = self._uses_defs(k) if known is None else known
            if name in used:
                return True
            if name in bound:
                return False
            found = self.copies.get(k)
            if found is not None:
                return name in found
            k += 1

    def after(self, i: int) -> set[str]:
        """The names live right after the ``i``-th statement."""
        found = self.copies.get(i)
        if found is not None:
            return found
        j = i + 1
        while j not in self.copies:
            j += 1
        live = set(self.copies[j])
        outer, self.liveness._raising = self.liveness._raising, self.raising
        try:
            for k in range(j, i, -1):
                if k in self.before:
                    live = set(self.before[k])
                elif k in self.summaries:
                    live -= self.summaries[k][1]
                    live |= self.summaries[k][0]
                else:
                    self.liveness.transfer_in_place(self.body[k], live)
        finally:
            self.liveness._raising = outer
        return live


def _if_summary(liveness: Liveness, stmt: gast.stmt) -> tuple[set[str], set[str]] | None:
    """For an if statement whose branches hold simple statements only (no return), the
    names live before it whatever is live after it (its test's reads, and what a branch
    reads before binding), and the names both branches bind before reading; else None."""
    if stmt.__class__ is not gast.If:
        return None
    reads = set(liveness._uses_defs(stmt)[0])
    bound_in_both: set[str] | None = None
    for branch in (stmt.body, stmt.orelse):
        read, bound = set(), set()
        for inner in reversed(branch):
            if isinstance(inner, (*COMPOUND, gast.Return)):
                return None
            used, binds = liveness._uses_defs(inner)
            read -= binds
            read |= used
            bound |= binds
        reads |= read
        bound_in_both = bound if bound_in_both is None else bound_in_both & bound
    return reads, bound_in_both or set()


class _BranchLiveness:
    """The names live after each statement of a branch of an if statement that a block
    summarized (``_BlockLiveness.summaries``): read off the statements after it in the
    branch, then off the block's liveness after the if statement (no live set is kept)."""

    def __init__(self, liveness: Liveness, body: list[gast.stmt], outer: _BlockLiveness,
                 at: int) -> None:
        self.liveness, self.body, self.outer, self.at = liveness, tuple(body), outer, at

    def holds(self, i: int, name: str) -> bool:
        """Whether ``name`` is live right after the ``i``-th statement."""
        for k in range(i + 1, len(self.body)):
            used, bound = self.liveness._uses_defs(self.body[k])
            if name in used:
                return True
            if name in bound:
                return False
        return self.outer.holds(self.at, name)

    def after(self, i: int) -> set[str]:
        """The names live right after the ``i``-th statement."""
        live = set(self.outer.after(self.at))
        outer, self.liveness._raising = self.liveness._raising, set()  # (as summarized)
        try:
            for k in range(len(self.body) - 1, i, -1):
                self.liveness.transfer_in_place(self.body[k], live)
        finally:
            self.liveness._raising = outer
        return live


class _LiveSet(AbstractSet):
    """The names live after one statement: a membership test reads a few statements; any
    other use makes the set."""

    __slots__ = ("block", "i", "_made")

    def __init__(self, block: _BlockLiveness | _BranchLiveness, i: int) -> None:
        self.block, self.i, self._made = block, i, None

    def _set(self) -> set[str]:
        if self._made is None:
            self._made = self.block.after(self.i)
        return self._made

    def __contains__(self, name: object) -> bool:
        if self._made is not None:
            return name in self._made
        return isinstance(name, str) and self.block.holds(self.i, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._set())

    def __len__(self) -> int:
        return len(self._set())

    @classmethod
    def _from_iterable(cls, it: Iterable[str]) -> set[str]:
        return set(it)


class _LiveAfter(Mapping):
    """Statement id -> the names live right after it (see ``Liveness.after_all``)."""

    def __init__(self) -> None:
        self.slots: dict[int, tuple[_BlockLiveness | _BranchLiveness, int]] = {}

    def __getitem__(self, key: int) -> AbstractSet[str]:
        block, i = self.slots[key]
        return _LiveSet(block, i)

    def __contains__(self, key: object) -> bool:
        return key in self.slots

    def __iter__(self) -> Iterator[int]:
        return iter(self.slots)

    def __len__(self) -> int:
        return len(self.slots)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping) and len(other) != len(self):
            return False  # (``live_after == {}`` makes no set)
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]


def definition_counts(fn: gast.FunctionDef,
                      defs_of: Callable[[gast.stmt], set[str]] | None = None) -> dict[str, int]:
    """How many statements bind each name in ``fn`` (parameters count once); ``defs_of``:
    what gives a statement's :func:`defs` (a :class:`StatementFacts`' kept ones)."""
    defs_of = defs_of or defs
    counts: dict[str, int] = {}
    functions = [fn]
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if isinstance(stmt, gast.FunctionDef):
            functions.append(stmt)
        elif not isinstance(stmt, (gast.If, gast.While, gast.With)):
            for name in defs_of(stmt):  # (a try: what its handler binds)
                counts[name] = counts.get(name, 0) + 1
    for function in functions:
        args = function.args
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            counts[arg.id] = counts.get(arg.id, 0) + 1
    return counts


def use_counts(node: gast.AST) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in syntax.walk_names(node):
        if isinstance(name.ctx, gast.Load):
            counts[name.id] = counts.get(name.id, 0) + 1
    return counts


Definitions = Mapping[str, frozenset[int]]  # name -> ids of the statements that may have bound it


class _Run:
    """The definitions along a run of simple statements after a state (``base``): each
    statement's bindings recorded once, by name and position, so that the state before any
    statement of the run is read without copying the whole state (linear in the run)."""

    __slots__ = ("base", "positions", "values", "count")

    def __init__(self, base: Definitions) -> None:
        self.base = base
        self.positions: dict[str, list[int]] = {}
        self.values: dict[str, list[frozenset[int]]] = {}
        self.count = 0

    def bind(self, names: set[str], stmt_id: int) -> None:
        """The next statement of the run binds ``names``."""
        value = frozenset({stmt_id})
        for name in names:
            self.positions.setdefault(name, []).append(self.count)
            self.values.setdefault(name, []).append(value)
        self.count += 1

    def assign(self, values: Mapping[str, frozenset[int]]) -> None:
        """The next step of the run sets these names' definitions (a branch's merge)."""
        for name, value in values.items():
            self.positions.setdefault(name, []).append(self.count)
            self.values.setdefault(name, []).append(value)
        self.count += 1

    def tip(self) -> Definitions:
        """The state after the statements of the run so far."""
        return self.base if self.count == 0 else _State(self, self.count)


class _State(Mapping):
    """The definitions before the ``at``-th statement of a run (read-only)."""

    __slots__ = ("run", "at")

    def __init__(self, run: _Run, at: int) -> None:
        self.run, self.at = run, at

    def __getitem__(self, name: str) -> frozenset[int]:
        positions = self.run.positions.get(name)
        if positions:
            i = bisect.bisect_left(positions, self.at)
            if i:
                return self.run.values[name][i - 1]
        return self.run.base[name]

    def get(self, name: str, default: Any = None) -> Any:
        """``Mapping.get``: the same answer as ``self[name]`` or ``default`` where that
        raises KeyError, without raising one (copy propagation asks of names the state
        holds no definition of)."""
        positions = self.run.positions.get(name)
        if positions:
            i = bisect.bisect_left(positions, self.at)
            if i:
                return self.run.values[name][i - 1]
        return self.run.base.get(name, default)

    def materialize(self) -> dict[str, frozenset[int]]:
        state = dict(self.run.base)
        for name, positions in self.run.positions.items():
            i = bisect.bisect_left(positions, self.at)
            if i:
                state[name] = self.run.values[name][i - 1]
        return state

    def __iter__(self) -> Iterator[str]:
        return iter(self.materialize())

    def __len__(self) -> int:
        return len(self.materialize())


def _as_dict(state: Definitions) -> dict[str, frozenset[int]]:
    return state.materialize() if isinstance(state, _State) else state  # type: ignore[return-value]


def _merge(a: Definitions, b: Definitions) -> dict[str, frozenset[int]]:
    a, b = _as_dict(a), _as_dict(b)
    return {k: a.get(k, frozenset()) | b.get(k, frozenset()) for k in a.keys() | b.keys()}


def _bound_in(stmt: gast.If, defs_of: Callable[[gast.stmt], set[str]]) -> set[str] | None:
    """The names that statements in the branches of ``stmt`` bind; None where a branch
    may return (the state after it is then the other branch's, not a merge of both)."""
    bound: set[str] = set()
    for inner in syntax.statements(stmt.body + stmt.orelse, with_bodies=True):
        if isinstance(inner, gast.Return):
            return None
        bound |= defs_of(inner)
    return bound


def reaching_definitions(fn: gast.FunctionDef,
                         facts: StatementFacts | None = None) -> dict[int, Definitions]:
    """For each statement (by ``id``), the definitions that may reach its entry (read-only
    mappings: a straight run of statements shares one record of its bindings).

    Parameters are defined by the ``FunctionDef`` itself (``id(fn)``); ``facts``: the
    statements' kept definitions, where given.
    """
    entry: Definitions = {a.id: frozenset({id(fn)})
                          for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    result: dict[int, Definitions] = {}
    _reach(fn.body, entry, result, facts.defs if facts is not None else defs)
    return result


def _reach(body: list[gast.stmt], state: Definitions, result: dict[int, Definitions],
           defs_of: Callable[[gast.stmt], set[str]]) -> Definitions:
    run = _Run(state)
    for stmt in body:
        here = run.tip()
        seen = result.get(id(stmt))
        result[id(stmt)] = here if seen is None else _merge(seen, here)  # (a loop's body)
        if isinstance(stmt, gast.If):
            body = _reach(stmt.body, here, result, defs_of)
            orelse = _reach(stmt.orelse, here, result, defs_of)
            bound = _bound_in(stmt, defs_of)
            if bound is None:
                run = _Run(_merge(body, orelse))
            else:  # only what the branches bind changes: the run goes on (linear in them)
                empty: frozenset[int] = frozenset()
                merged = {n: body.get(n, empty) | orelse.get(n, empty) for n in bound}
                run.assign({n: d for n, d in merged.items() if d})
        elif isinstance(stmt, (gast.For, gast.While)):
            loop_state = _as_dict(here)
            while True:  # the body may run again with its own definitions
                header = {**loop_state, **{n: frozenset({id(stmt)}) for n in defs(stmt)}}
                end = _reach(stmt.body, header, result, defs_of)
                new = _merge(loop_state, end)
                if new == loop_state:
                    break
                loop_state = new
            run = _Run(_reach(stmt.orelse, loop_state, result, defs_of))
        elif isinstance(stmt, gast.With):
            inner = _Run(here)
            inner.bind(defs(stmt), id(stmt))
            run = _Run(_reach(stmt.body, inner.tip(), result, defs_of))
        elif isinstance(stmt, gast.Try):
            # it may stop anywhere in its body: what reached any statement of it may reach
            # past it, and its handler may bind its names
            after = _merge(here, _reach(stmt.body, here, result, defs_of))
            for inner_stmt in syntax.statements(stmt.body, with_bodies=True):
                after = _merge(after, result.get(id(inner_stmt), {}))
            run = _Run({**after, **{n: after.get(n, frozenset()) | {id(stmt)}
                                    for n in defs(stmt)}})
        elif isinstance(stmt, gast.Return):
            run = _Run({})
        else:
            run.bind(defs_of(stmt), id(stmt))
    return run.tip()


class StatementFacts:
    """What each simple statement reads and binds, worked out once while it does not change:
    the optimizer's passes share one record (``optimizer/optimize.py``), and a pass that edits
    a statement in place calls :meth:`forget` for it (a statement replaced by a new one, or
    removed, needs nothing).  Statements with bodies (``if``, loops, ``with``, ``try``, a
    nested function) are not kept, since their bodies change under them: their facts are
    worked out at each call, from the kept facts of the statements inside where that is
    exact (:meth:`use_counts`, :meth:`definition_counts`).  The sets and mappings returned are
    shared: read them, never change them."""

    def __init__(self) -> None:
        self._known: dict[int, _Facts] = {}
        # every statement :meth:`forget` was told of, in order (repeats kept): what the
        # passes edited in place, for a pass that asks again only of those edited since its
        # last run (``optimize.remove_zero_inits``)
        self.edited: list[gast.stmt] = []

    def _of(self, stmt: gast.stmt) -> _Facts | None:
        fact = self._known.get(id(stmt))
        if fact is not None and fact.stmt is stmt:
            return fact
        simple = _SIMPLE.get(stmt.__class__)
        if simple is None:
            simple = _SIMPLE[stmt.__class__] = "body" not in stmt._fields
        if not simple:
            return None
        fact = self._known[id(stmt)] = _Facts(stmt)
        return fact

    def forget(self, stmt: gast.stmt,
               measures: tuple[tuple[int, int] | None, tuple[int, int] | None] = (None, None)
               ) -> None:
        """``stmt`` was edited in place: what was kept about it no longer holds, except the
        ``measures`` given (its :meth:`measure` and :meth:`value_measure` as they are now,
        where known: None for one to work out again at its next need)."""
        self._known.pop(id(stmt), None)
        self.edited.append(stmt)
        if measures != (None, None):
            fact = self._of(stmt)
            if fact is not None:
                fact.measure, fact.value_measure = measures

    def walked_as(self, stmt: gast.stmt, names: list[gast.Name], may_fold: bool) -> None:
        """Take ``names`` to be ``syntax.walk_names(stmt)`` of a new simple statement, and
        ``may_fold`` (True where unsure) what the walk would note (:meth:`may_fold`): for a
        statement made from parts of one already walked, whose walk is known without one."""
        fact = self._of(stmt)
        if fact is not None:
            fact._names, fact._seeded = names, may_fold

    def kept_walk(self, stmt: gast.stmt) -> tuple[list[gast.Name], bool] | None:
        """The walk kept for ``stmt`` (its names and :meth:`may_fold`), None where none is
        kept (not walked since it last changed)."""
        fact = self._known.get(id(stmt))
        if fact is None or fact.stmt is not stmt or fact._names is None:
            return None
        return fact._names, fact._seeded

    def kept_measures(self, stmt: gast.stmt
                      ) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
        """The :meth:`measure` and :meth:`value_measure` kept for ``stmt`` (None for one not
        worked out since it last changed)."""
        fact = self._known.get(id(stmt))
        if fact is None or fact.stmt is not stmt:
            return None, None
        return fact.measure, fact.value_measure

    def _kept(self, stmt: gast.stmt, fact_name: str, compute: Callable[[gast.stmt], Any]) -> Any:
        """``compute(stmt)``, kept in the statement's fact ``fact_name`` (worked out at each
        call for a statement with bodies)."""
        fact = self._known.get(id(stmt))
        if fact is None or fact.stmt is not stmt:  # (the look-up of _of, inline: hot)
            fact = self._of(stmt)
            if fact is None:
                return compute(stmt)
        value = getattr(fact, fact_name)
        if value is None:
            value = compute(stmt)
            setattr(fact, fact_name, value)
        return value

    def loads(self, stmt: gast.stmt) -> set[str]:
        """``syntax.loaded_names(stmt)`` (for a statement with bodies, made from the kept
        names of the statements in them)."""
        fact = self._known.get(id(stmt))
        if fact is None or fact.stmt is not stmt:
            fact = self._of(stmt)
        if fact is None:
            found: set[str] = set()
            for field in syntax.child_fields(stmt.__class__):
                value = getattr(stmt, field, None)
                if value.__class__ is list and value and isinstance(value[0], gast.stmt):
                    for inner in value:
                        found |= self.loads(inner)
                else:
                    for item in value if value.__class__ is list else (value,):
                        if isinstance(item, gast.AST):
                            found |= syntax.loaded_names(item)
            return found
        if fact.loads is None:
            fact.loads = set(fact.load_counts())
        return fact.loads

    def load_counts(self, stmt: gast.stmt) -> dict[str, int]:
        """``use_counts(stmt)``: how many times ``stmt`` reads each name."""
        fact = self._known.get(id(stmt))
        if fact is None or fact.stmt is not stmt:
            fact = self._of(stmt)
        return use_counts(stmt) if fact is None else fact.load_counts()

    def walked_names(self, stmt: gast.stmt) -> list[gast.Name]:
        """``syntax.walk_names(stmt)``."""
        fact = self._of(stmt)
        return syntax.walk_names(stmt) if fact is None else fact.walked()

    def all_names(self, stmt: gast.stmt) -> set[str]:
        """``syntax.all_names(stmt)`` (for a statement with bodies, made from the kept names
        of the statements in them)."""
        fact = self._of(stmt)
        if fact is None:  # (a statement with bodies: from the kept names of those in them)
            names: set[str] = set()
            self._add_names_in([stmt], names)
            return names
        if fact.names is None:
            fact.names = {n.id for n in fact.walked()}
        return fact.names

    def stored(self, stmt: gast.stmt) -> set[str]:
        """``syntax.stored_names(stmt)``."""
        return self._kept(stmt, "stored", syntax.stored_names)

    def uses(self, stmt: gast.stmt) -> set[str]:
        """:func:`uses`."""
        fact = self._of(stmt)
        if fact is None:
            return uses(stmt)
        if fact.uses is None:
            fact.uses = set() if syntax.is_comment(stmt) else self.loads(stmt)
        return fact.uses

    def uses_defs(self, stmt: gast.stmt) -> tuple[set[str], set[str]]:
        """:meth:`uses` and :meth:`defs` together (what liveness reads)."""
        fact = self._known.get(id(stmt))
        if fact is None or fact.stmt is not stmt:  # (the look-up of _of, inline: hot)
            fact = self._of(stmt)
            if fact is None:
                return uses(stmt), defs(stmt)
        both = fact.uses_defs
        if both is None:
            used = fact.uses
            if used is None:  # (as uses makes it: a comment reads nothing)
                loads, bound = self.loads_defs(stmt)
                used = fact.uses = (set() if stmt.__class__ is gast.Expr
                                    and syntax.is_comment(stmt) else loads)
            else:
                bound = self.defs(stmt)
            both = fact.uses_defs = (used, bound)
        return both

    def loads_defs(self, stmt: gast.stmt) -> tuple[set[str], set[str]]:
        """:meth:`loads` and :meth:`defs` together, one look-up for both (what a block's
        index reads of each statement)."""
        fact = self._known.get(id(stmt))
        if fact is None or fact.stmt is not stmt:
            fact = self._of(stmt)
            if fact is None:
                return self.loads(stmt), self.defs(stmt)
        loads, bound = fact.loads, fact.defs
        if loads is None:  # (as loads makes it)
            kept = fact._counts
            loads = fact.loads = set(fact.load_counts() if kept is None else kept)
        if bound is None:  # (as defs makes it: _kept_defs)
            bound = fact.defs = _assigned_name(stmt) or defs(stmt)
        return loads, bound

    def defs(self, stmt: gast.stmt) -> set[str]:
        """:func:`defs`."""
        fact = self._known.get(id(stmt))  # (what _kept finds where it is kept: hot)
        if fact is not None and fact.stmt is stmt and fact.defs is not None:
            return fact.defs
        return self._kept(stmt, "defs", _kept_defs)

    def value_loads(self, stmt: gast.Assign) -> set[str]:
        """``syntax.loaded_names(stmt.value)`` of an assignment."""
        targets = stmt.targets
        if (len(targets) == 1 and targets[0].__class__ is gast.Name
                and targets[0].ctx.__class__ is not gast.Load):
            return self.loads(stmt)  # (most: what _value_loads gives, without its calls)
        return self._kept(stmt, "value_loads", self._value_loads)

    def _value_loads(self, stmt: gast.Assign) -> set[str]:
        # An assignment to plain names reads what its value reads, no more (a target name
        # that is not read is no load, and the walk for names does not enter a name's
        # annotation): its kept loads are the value's, with no walk of its own.
        if all(t.__class__ is gast.Name and t.ctx.__class__ is not gast.Load
               for t in stmt.targets):
            return self.loads(stmt)
        return syntax.loaded_names(stmt.value)

    def pure(self, stmt: gast.stmt, is_pure: Callable[[gast.stmt], bool]) -> bool:
        """``is_pure(stmt)`` (the optimizer's test that removing or moving ``stmt`` changes
        nothing but values: it reads the statement and its annotations only)."""
        fact = self._known.get(id(stmt))  # (what _kept does, inline: hot)
        if fact is None or fact.stmt is not stmt:
            fact = self._of(stmt)
            if fact is None:
                return is_pure(stmt)
        pure = fact.pure
        if pure is None:
            pure = fact.pure = is_pure(stmt)
        return pure

    def block_entry(self, stmt: gast.stmt, make: Callable[[gast.stmt], tuple]) -> tuple:
        """``make(stmt)``: what a block's index keeps of the statement (the optimizer's
        ``_BlockIndex``: its loads, bindings and kind, made from the other kept facts), kept
        while the statement does not change, so that an index made again of a block whose
        statements did not change costs one look-up per statement."""
        return self._kept(stmt, "block_entry", make)

    def block_entries(self, block: list[gast.stmt], make: Callable[[gast.stmt], tuple]
                      ) -> list[tuple]:
        """:meth:`block_entry` of each statement of ``block``, in order: one kept costs a
        look-up and no call."""
        known = self._known
        entries = []
        for stmt in block:
            fact = known.get(id(stmt))
            if fact is None or fact.stmt is not stmt:
                fact = self._of(stmt)
                if fact is None:  # (a statement with bodies: made at each call)
                    entries.append(make(stmt))
                    continue
            entry = fact.block_entry
            if entry is None:
                entry = fact.block_entry = make(stmt)
            entries.append(entry)
        return entries

    def measure(self, stmt: gast.stmt) -> tuple[int, int]:
        """``syntax.measure(stmt)``."""
        if stmt.__class__ is gast.Assign:
            return self._kept(stmt, "measure", self._assign_measure)
        return self._kept(stmt, "measure", syntax.measure)

    def _assign_measure(self, stmt: gast.Assign) -> tuple[int, int]:
        # What syntax.measure counts for an assignment (itself, its targets, its value; its
        # type comment is no node), with the value's kept measure: a value is measured once
        # for both questions (the inliner asks one of the value moved, the other of the
        # statement it moves into).
        size, depth = self.value_measure(stmt)
        for target in stmt.targets:
            target_size, target_depth = syntax.measure(target)
            size += target_size
            depth = max(depth, target_depth)
        return size + 1, depth

    def value_measure(self, stmt: gast.Assign) -> tuple[int, int]:
        """``syntax.measure(stmt.value)`` of an assignment."""
        return self._kept(stmt, "value_measure", lambda s: syntax.measure(s.value))

    def may_fold(self, stmt: gast.stmt) -> bool:
        """Whether constant folding may find something in ``stmt``: it holds a node that
        every fold starts from (``fold.FOLD_SEEDS``), noted in the walk for its names."""
        fact = self._of(stmt)
        return True if fact is None else fact.may_fold()

    def is_marked(self, stmt: gast.stmt, mark: str) -> bool:
        """Whether a pass marked ``stmt`` with ``mark`` (its own name for "nothing to do
        here") since the statement last changed."""
        fact = self._of(stmt)
        return fact is not None and mark in fact.marks

    def mark(self, stmt: gast.stmt, mark: str) -> None:
        """Remember ``mark`` for ``stmt`` until it changes (kept for simple statements only)."""
        fact = self._of(stmt)
        if fact is not None:
            fact.marks.add(mark)

    def unmarked(self, statements: Iterable[gast.stmt], mark: str) -> list[gast.stmt]:
        """The statements of ``statements`` not :meth:`is_marked` ``mark``, in order: a pass
        that asks :meth:`edit_unless_settled` of every statement, each edit changing its own
        statement only, skips those marked (where it would find nothing) with a look-up each
        and no call."""
        known = self._known
        found = []
        for stmt in statements:
            fact = known.get(id(stmt))
            if fact is None or fact.stmt is not stmt or mark not in fact.marks:
                found.append(stmt)
        return found

    def fold_candidates(self, statements: Iterable[gast.stmt], mark: str) -> list[gast.stmt]:
        """The statements of ``statements`` that :meth:`may_fold` and are not
        :meth:`is_marked` ``mark``, in order (what constant folding, which edits each
        statement alone, asks of each before it folds it): one already walked costs a
        look-up and no call."""
        known = self._known
        found = []
        for stmt in statements:
            fact = known.get(id(stmt))
            if fact is None or fact.stmt is not stmt:
                fact = self._of(stmt)
                if fact is None:  # (a statement with bodies: may_fold, and never marked)
                    found.append(stmt)
                    continue
            if fact._names is None:  # (the walk that may_fold makes, without its calls)
                fact._names, fact._seeded = syntax.walk_names_noting(stmt, FOLD_SEEDS)
            if fact._seeded and mark not in fact.marks:  # (may_fold, is_marked, as kept)
                found.append(stmt)
        return found

    def edit_unless_settled(self, stmt: gast.stmt, mark: str, edit: Callable[[], bool]) -> bool:
        """Run ``edit()`` (a deterministic in-place rewrite of ``stmt``, True if it changed
        it) unless it found nothing in ``stmt`` since the statement last changed; what it
        changed is forgotten, what it left alone is marked ``mark``."""
        if self.is_marked(stmt, mark):
            return False
        changed = edit()
        if changed:
            self.forget(stmt)
        else:
            self.mark(stmt, mark)
        return changed

    def use_counts(self, fn: gast.FunctionDef) -> dict[str, int]:
        """:func:`use_counts` of a whole function, from its statements' kept counts."""
        counts: dict[str, int] = {}
        for field, value in gast.iter_fields(fn):
            if field != "body":
                _count_loads(value, counts)
        self._add_load_counts(fn.body, counts)
        return counts

    def _add_load_counts(self, body: list[gast.stmt], counts: dict[str, int]) -> None:
        known = self._known
        for stmt in body:
            fact = known.get(id(stmt))
            if fact is None or fact.stmt is not stmt:
                fact = self._of(stmt)
            if fact is not None:
                kept = fact._counts  # (load_counts, without its call where made)
                for name, k in (fact.load_counts() if kept is None else kept).items():
                    counts[name] = counts.get(name, 0) + k
                continue
            for _, value in gast.iter_fields(stmt):
                if value.__class__ is list and value and isinstance(value[0], gast.stmt):
                    self._add_load_counts(value, counts)
                else:
                    _count_loads(value, counts)

    def names_in(self, fn: gast.FunctionDef) -> set[str]:
        """``syntax.all_names(fn)``, from the statements' kept names."""
        names: set[str] = set()
        for field, value in gast.iter_fields(fn):
            if field != "body":
                _add_names(value, names)
        self._add_names_in(fn.body, names)
        return names

    def _add_names_in(self, body: list[gast.stmt], names: set[str]) -> None:
        for stmt in body:
            if self._of(stmt) is not None:
                names |= self.all_names(stmt)
                continue
            for _, value in gast.iter_fields(stmt):
                if value.__class__ is list and value and isinstance(value[0], gast.stmt):
                    self._add_names_in(value, names)
                else:
                    _add_names(value, names)

    def definition_counts(self, fn: gast.FunctionDef) -> dict[str, int]:
        """:func:`definition_counts`, with the kept definitions (the same walk, without
        generators)."""
        counts: dict[str, int] = {}
        functions = [fn]
        self._add_definitions(fn.body, counts, functions)
        for function in functions:
            args = function.args
            for arg in args.posonlyargs + args.args + args.kwonlyargs:
                counts[arg.id] = counts.get(arg.id, 0) + 1
        return counts

    def _add_definitions(self, body: list[gast.stmt], counts: dict[str, int],
                         functions: list[gast.FunctionDef]) -> None:
        known = self._known
        for stmt in body:
            fact = known.get(id(stmt))
            if fact is not None and fact.stmt is stmt:  # (a simple statement, its facts kept)
                bound = fact.defs
                if bound is None:
                    bound = fact.defs = _assigned_name(stmt) or defs(stmt)
                for name in bound:
                    counts[name] = counts.get(name, 0) + 1
                continue
            if isinstance(stmt, gast.FunctionDef):
                functions.append(stmt)
            elif not isinstance(stmt, (gast.If, gast.While, gast.With)):
                for name in self.defs(stmt):
                    counts[name] = counts.get(name, 0) + 1
            if _SIMPLE.get(stmt.__class__):
                continue
            for field in ("body", "orelse"):  # (as syntax.statements walks them)
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    self._add_definitions(inner, counts, functions)


_SIMPLE: dict[type, bool] = {}  # statement class -> whether it has no body (StatementFacts)


def _assigned_name(stmt: gast.stmt) -> set[str] | None:
    """:func:`defs` of an assignment to one name (most statements), without its class tests
    and ``syntax.stored_names``' call; None for any other statement."""
    if stmt.__class__ is gast.Assign and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if target.__class__ is gast.Name and target.ctx.__class__ is gast.Store:
            return {target.id}
    return None


def _kept_defs(stmt: gast.stmt) -> set[str]:
    """:func:`defs`, as :meth:`StatementFacts.definition_counts` keeps it (most statements
    assign one name: :func:`_assigned_name`, without the walk)."""
    return _assigned_name(stmt) or defs(stmt)


def _count_loads(value: object, counts: dict[str, int]) -> None:
    """Add the reads of names in ``value`` (a node, a list of nodes, or neither) to ``counts``."""
    for item in value if value.__class__ is list else (value,):
        if isinstance(item, gast.AST):
            for name in syntax.walk_names(item):
                if isinstance(name.ctx, gast.Load):
                    counts[name.id] = counts.get(name.id, 0) + 1


def _add_names(value: object, names: set[str]) -> None:
    """Add the names in ``value`` (a node, a list of nodes, or neither) to ``names``."""
    for item in value if value.__class__ is list else (value,):
        if isinstance(item, gast.AST):
            names.update(name.id for name in syntax.walk_names(item))


class _Facts:
    """What :class:`StatementFacts` keeps about one simple statement, each fact worked out
    at its first need."""

    __slots__ = ("stmt", "_names", "_seeded", "_counts", "loads", "names", "stored", "uses", "defs",
                 "value_loads", "measure", "value_measure", "marks", "uses_defs", "pure",
                 "block_entry")

    def __init__(self, stmt: gast.stmt) -> None:
        self.stmt = stmt
        self._names: list[gast.Name] | None = None
        self._seeded = True  # (until the walk: whether it holds one of fold.FOLD_SEEDS)
        self._counts: dict[str, int] | None = None
        self.loads: set[str] | None = None
        self.names: set[str] | None = None
        self.stored: set[str] | None = None
        self.uses: set[str] | None = None
        self.defs: set[str] | None = None
        self.value_loads: set[str] | None = None
        self.measure: tuple[int, int] | None = None
        self.value_measure: tuple[int, int] | None = None
        self.marks: set[str] = set()
        self.uses_defs: tuple[set[str], set[str]] | None = None
        self.pure: bool | None = None
        self.block_entry: tuple | None = None

    def walked(self) -> list[gast.Name]:
        if self._names is None:
            self._names, self._seeded = syntax.walk_names_noting(self.stmt, FOLD_SEEDS)
        return self._names

    def may_fold(self) -> bool:
        self.walked()
        return self._seeded

    def load_counts(self) -> dict[str, int]:
        if self._counts is None:
            counts: dict[str, int] = {}
            for name in self._names if self._names is not None else self.walked():
                if name.ctx.__class__ is gast.Load:  # (as syntax.loaded_names tests it)
                    counts[name.id] = counts.get(name.id, 0) + 1
            self._counts = counts
        return self._counts
