"""Facts about a normalized function that reverse mode reads and nothing changes: each
statement's place (``StmtRef``, its pre-order index) and outermost loop, which names may be
one array, which are containers, which live within one loop iteration, which arrays change in
place, how each loop can be replayed, and the definitions reaching each statement.  Nothing
here names anything."""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gast

from tangentlike.core import anno, dataflow, syntax
from tangentlike.frontend.operations import (
    Kind,
    Operation,
    loop_source,
    names_of,
    operation,
    resolve,
    targets,
)
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.rules import registry
from tangentlike.rules.primitive import container_helper, tuple_result
from tangentlike.rules.registry import NON_DIFFERENTIABLE_ATTRIBUTES
from tangentlike.runtime import copy_of

StmtRef = int  # a statement's pre-order index in ``syntax.statements(body, with_bodies=False)``

LOOPS = (gast.For, gast.While)
COMPOUND = (gast.If, gast.For, gast.While, gast.Try)  # (a try: frontend/exceptions.py)


@dataclass(frozen=True)
class Program:
    """The function reverse mode differentiates, and what is known of it before any code is
    generated.  ``body`` is the function's body without its final ``return``."""

    fn: gast.FunctionDef
    parsed: ParsedFunction
    active: frozenset[str]
    body: tuple[gast.stmt, ...]
    order: tuple[gast.stmt, ...]  # every statement in pre-order, the return included
    refs: dict[int, StmtRef]  # id(stmt) -> its StmtRef
    outer_loops: dict[StmtRef, StmtRef | None]  # the outermost loop around or at a statement
    depths: dict[StmtRef, int]  # how many if/for/while enclose a statement
    iteration_local: dict[StmtRef, tuple[str, ...]]
    # names that live within one branch of an if enclosed by nothing but ifs: the branch's
    # ``StmtRef`` (the if's) and which branch, True for the body (``_branch_local_names``)
    branch_local: dict[str, tuple[StmtRef, bool]]
    bound_once_in_branch: frozenset[str]  # those of them one statement binds

    # The facts below are found from ``order`` (or ``fn``) when first asked.  ``copies``,
    # ``mutated_arrays``, ``growing`` and ``keyed_dicts`` are asked only where the function
    # has what they are about (a container, an item written, a subscript read), and the
    # local names only for an operation not cached yet: straight-line code on numbers and
    # arrays walks none of them.
    @functools.cached_property
    def has_loops(self) -> bool:
        """Whether the function has a ``for`` or a ``while`` loop."""
        return any(isinstance(stmt, LOOPS) for stmt in self.order)

    @functools.cached_property
    def copies(self) -> dict[str, set[str]]:
        """``copy_classes``: the names ``a = b`` may join into one array."""
        return copy_classes(self.order)

    @functools.cached_property
    def mutated_arrays(self) -> frozenset[str]:
        """The names ``x[i] = v`` writes into."""
        return frozenset({setitem_base(s) for s in self.order} - {None})

    @functools.cached_property
    def growing(self) -> frozenset[str]:
        """``_growing_containers``."""
        return frozenset(_growing_containers(self.order))

    @functools.cached_property
    def keyed_dicts(self) -> frozenset[str]:
        """Dicts the function makes and sets keys in (``d[k] = v``): ``_keyed_dicts``."""
        return frozenset(_keyed_dicts(self.order))

    @functools.cached_property
    def local_names(self) -> frozenset[str]:
        """The names the function binds (``syntax.stored_names``), found when first asked:
        only an operation not yet found (``operation``) and a loop's ``range`` read them."""
        return frozenset(syntax.stored_names(self.fn))

    def operation(self, stmt: gast.stmt) -> Operation:
        """``operations.operation(stmt, parsed, local_names)``: the statement's cached
        operation as it is (the front end's activity found it for every statement of the
        function: that call returns the cached one without reading the local names, so
        they are not walked for it), else found with the local names."""
        op = anno.info(stmt).callee
        if isinstance(op, Operation):
            return op
        return operation(stmt, self.parsed, self.local_names)

    @functools.cached_property
    def containers(self) -> frozenset[str]:
        """The names whose adjoints are added element by element (``_container_names``),
        found when first asked (the first adjoint added asks); a copy of a container is
        one, and so is what it was copied from (``copies``, asked only then)."""
        names = _container_names(self.order, self.operation)
        return frozenset(set().union(set(), *(self.copies.get(n, {n}) for n in names)))

    @functools.cached_property
    def reaching(self) -> dict[int, dataflow.Definitions]:
        """The definitions reaching each statement (found when first asked: only a
        statement inside an if or a loop asks)."""
        return dataflow.reaching_definitions(self.fn)

    def ref(self, stmt: gast.stmt) -> StmtRef:
        return self.refs[id(stmt)]

    def statements(self) -> list[gast.stmt]:
        """Every statement of the body in pre-order (a hook's body left out): the statement
        of ``StmtRef`` ``i`` is the ``i``-th."""
        return list(self.order[:-1])  # the final return left out

    def line(self, stmt: gast.stmt) -> int:
        """The user's line a statement came from (0 when unknown)."""
        origin = anno.info(stmt).origin if anno.has_info(stmt) else None
        return origin.lineno if origin is not None else getattr(stmt, "lineno", 0) or 0

    def is_iteration_local(self, name: str) -> bool:
        return any(name in names for names in self.iteration_local.values())

    def branch_local_names(self, branch: gast.If, body: bool) -> list[str]:
        """The names local to the ``body`` (else the ``orelse``) of ``branch``."""
        return self._by_branch.get((self.ref(branch), body), [])

    @functools.cached_property
    def _by_branch(self) -> dict[tuple[StmtRef, bool], list[str]]:
        by_branch: dict[tuple[StmtRef, bool], list[str]] = {}
        for name, where in self.branch_local.items():
            by_branch.setdefault(where, []).append(name)
        return by_branch

    def adjoint_read_once(self, name: str) -> bool:
        """Whether the adjoint of ``name`` starts from zero each time its binding runs and
        nothing reads it after the adjoint of that binding: no ``bx_out`` copy, no reset
        (a name local to one loop iteration, or bound once in the branch it is local to)."""
        return self.is_iteration_local(name) or name in self.bound_once_in_branch

    def bound_before(self, stmt: gast.stmt, name: str) -> bool:
        """Whether a definition of ``name`` may reach ``stmt``."""
        return bool(self.reaching.get(id(stmt), {}).get(name))

    def range_arguments(self, loop: gast.stmt) -> list[gast.expr] | None:
        """The bounds of ``for i in range(...)`` when the backward sweep can recompute the
        iteration (no break, bounds not re-bound in the loop); else None."""
        call = getattr(loop, "iter", None)
        if not (isinstance(loop, gast.For) and isinstance(call, gast.Call)
                and isinstance(loop.target, gast.Name) and not call.keywords
                and all(syntax.is_atom(a) for a in call.args)):
            return None
        if resolve(call.func, self.parsed, set(self.local_names)) is not range:
            return None
        if ends_with_break(loop.body):
            return None
        bound_in_loop = set().union(*(syntax.stored_names(s) for s in loop.body))
        if syntax.loaded_names(call) & bound_in_loop:
            return None
        return call.args

    def flows(self, loop: gast.stmt) -> bool:
        """``for row in X`` with both differentiated: row's adjoint flows into X[k]."""
        source = loop_source(loop) if isinstance(loop, gast.For) else None
        return bool(source and source in self.active and isinstance(loop.target, gast.Name)
                    and loop.target.id in self.active)


def analyze(fn: gast.FunctionDef, parsed: ParsedFunction, active: set[str]) -> Program:
    """The facts of a normalized, annotated function."""
    body = fn.body[:-1]
    statements = list(syntax.statements(fn.body, with_bodies=False))  # the return included
    refs = {id(s): i for i, s in enumerate(statements)}
    outer_loops: dict[StmtRef, StmtRef | None] = {}
    depths: dict[StmtRef, int] = {}

    def walk(stmts: list[gast.stmt], depth: int, loop: StmtRef | None) -> None:
        for stmt in stmts:
            ref = refs[id(stmt)]
            outer = loop if loop is not None else (ref if isinstance(stmt, LOOPS) else None)
            outer_loops[ref], depths[ref] = outer, depth
            if isinstance(stmt, gast.With):
                continue
            for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
                if isinstance(inner, list):
                    walk(inner, depth + 1, outer)

    walk(body, 0, None)
    branch_local = _branch_local_names(fn)
    return Program(
        fn=fn, parsed=parsed, active=frozenset(active),
        body=tuple(body), order=tuple(statements), refs=refs, outer_loops=outer_loops,
        depths=depths,
        iteration_local={refs[id(loop)]: tuple(names) for loop, names in
                         _iteration_local_names(statements, fn.body)},
        branch_local={name: (refs[id(branch)], body)
                      for name, (branch, body, _) in branch_local.items()},
        bound_once_in_branch=frozenset(name for name, (_, _, bindings)
                                       in branch_local.items() if bindings == 1),
    )


def setitem_base(stmt: gast.stmt) -> str | None:
    """``x`` for ``x[i] = v``."""
    if (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript)
            and isinstance(stmt.targets[0].value, gast.Name)):
        return stmt.targets[0].value.id
    return None


def ends_with_break(body: list[gast.stmt]) -> bool:
    last = body[-1] if body else None
    return (isinstance(last, gast.If) and len(last.body) == 1
            and isinstance(last.body[0], gast.Break))


def copy_classes(statements: Sequence[gast.stmt]) -> dict[str, set[str]]:
    """For each name ``a = b`` binds or reads (in ``statements``: every statement of the
    function, ``Program.order``), every name joined to it by such copies: they may be one
    array, so ``a[i] = v`` changes what the backward sweep reads as ``b`` (a tuple
    assignment ``v2, v3 = e2, e3`` becomes ``t = e3; v3 = t``)."""
    classes: dict[str, set[str]] = {}
    for stmt in statements:
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Name)):
            a, b = stmt.targets[0].id, stmt.value.id
            joined = classes.get(a, {a}) | classes.get(b, {b})
            for name in joined:
                classes[name] = joined
    return classes


def _growing_containers(statements: Sequence[gast.stmt]) -> set[str]:
    """Names of lists that ``append``, ``extend`` or ``insert`` grows and of dicts (made by
    a display) that ``d[k] = v`` may give a new key: the backward sweep sees them longer than
    they were at an earlier read."""
    dicts, keyed, appended = set(), set(), set()
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Dict):
            dicts |= syntax.stored_names(stmt.targets[0])
        elif setitem_base(stmt) is not None:
            keyed.add(setitem_base(stmt))
        elif (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
                and isinstance(stmt.value.func, gast.Attribute)
                and stmt.value.func.attr in ("append", "extend", "insert")
                and isinstance(stmt.value.func.value, gast.Name)):
            appended.add(stmt.value.func.value.id)
    return appended | (keyed & dicts)


def _keyed_dicts(statements: Sequence[gast.stmt]) -> set[str]:
    """Names of dicts made by a display (``d = {}``) that ``d[k] = v`` may give a new key (a
    key not written in the display): the value saved before it may be none
    (``runtime.old_item``)."""
    displayed: dict[str, set] = {}  # dict -> the constant keys its displays write
    keyed: dict[str, list[gast.expr]] = {}  # dict -> the keys d[k] = v sets
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Dict):
            keys = {k.value for k in stmt.value.keys if isinstance(k, gast.Constant)}
            for name in syntax.stored_names(stmt.targets[0]):
                displayed[name] = displayed.get(name, keys) & keys
        elif setitem_base(stmt) is not None:
            keyed.setdefault(setitem_base(stmt), []).append(stmt.targets[0].slice)
    return {name for name, keys in keyed.items() if name in displayed and any(
        not (isinstance(k, gast.Constant) and k.value in displayed[name]) for k in keys)}


def _container_names(statements: Sequence[gast.stmt],
                     operation_of: Callable[[gast.stmt], Operation]) -> set[str]:
    """Names whose adjoints are added element by element (``add_grad``): tuples, lists and
    dicts we can see, and values only ever subscripted (e.g. a dict of parameters), before
    their copies are added (``Program.containers``).  ``operation_of``:
    ``Program.operation``."""
    names, arithmetic, subscripted = set(), set(), set()
    copied: list[tuple[str, str]] = []  # x_1 = copy_of(x): both containers, or neither
    sliced: list[tuple[str, str]] = []  # t = xs[1:]: a container where xs is one
    # (arithmetic values: what they read is arithmetic, which only takes names out of
    # ``subscripted``; they are walked at the end, only where something was subscripted)
    computed: list[gast.expr] = []
    kinds: dict[int, tuple[str | None, Any]] = {}  # (``_callee_kind``'s)
    for stmt in statements:
        if not isinstance(stmt, gast.Assign):
            continue
        value = stmt.value
        if isinstance(stmt.targets[0], gast.Tuple) and isinstance(value, gast.Name):
            names.add(value.id)
        elif isinstance(value, (gast.Tuple, gast.List, gast.Dict)):
            names |= syntax.stored_names(stmt.targets[0])
        elif isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
            subscripted.add(value.value.id)
            if isinstance(value.slice, gast.Slice) and isinstance(stmt.targets[0], gast.Name):
                sliced.append((stmt.targets[0].id, value.value.id))  # xs[1:]: a list too
            if isinstance(value.slice, gast.Tuple) and not all(
                    isinstance(k, gast.Constant) and type(k.value) in (int, str, bytes)
                    for k in value.slice.elts):  # x[:, 0]: only arrays take these
                arithmetic.add(value.value.id)  # (p[(1, 'a')], p[(1, 2)]: maybe a dict's key)
        elif isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name):
            if value.attr in registry.ATTRIBUTES or value.attr in NON_DIFFERENTIABLE_ATTRIBUTES:
                arithmetic.add(value.value.id)  # x.T, x.shape: an array
            else:
                subscripted.add(value.value.id)  # p.W: a dataclass, named tuple or pytree
        else:
            op = operation_of(stmt)
            if op.kind is Kind.NODE:  # Params(a, b), p._replace(W=a): a dataclass, a tuple
                names |= syntax.stored_names(stmt.targets[0])
                if op.fields and op.fields[0] is None:
                    names |= set(names_of(op.args[:1]))
            elif op.key is copy_of and isinstance(stmt.targets[0], gast.Name):
                copied += [(stmt.targets[0].id, n) for n in names_of(op.args[:1])]
            elif (kind := _callee_kind(op.key, kinds)) is _HELPER:  # may build containers
                names |= syntax.stored_names(stmt.targets[0])
                subscripted |= set(op.inputs)
            elif kind is _TUPLE:  # lu = lu_factor(a): a tuple, passed on whole
                names |= syntax.stored_names(stmt.targets[0])
            elif op.kind is Kind.CALL or not op.differentiable:
                subscripted |= set(op.inputs)  # len(xs), f(params): may be containers
            elif not isinstance(value, gast.Name):
                computed.append(value)
    for loop in statements:
        if isinstance(loop, gast.For) and loop_source(loop):
            subscripted.add(loop_source(loop))  # for v in xs
    if subscripted:
        for value in computed:
            arithmetic |= syntax.loaded_names(value)
    names |= subscripted - arithmetic
    for target, source in copied:  # a parameter written into, worked on as a copy
        if target in names or source in names:
            names |= {target, source}
    for target, source in sliced:
        if source in names:
            names.add(target)
    return names


# What ``_callee_kind`` finds a callee to be: a runtime helper that may build containers in
# derivative code (``add_grad``), a primitive whose result is a tuple, or neither (None).
_HELPER, _TUPLE = "helper", "tuple"


def _callee_kind(callee: Any, known: dict[int, tuple[str | None, Any]]) -> str | None:
    """``_HELPER`` if ``container_helper(callee)``, else ``_TUPLE`` if
    ``tuple_result(callee)``, else None: asked once per callee of a function (``known``, by
    its id, holds each answer with the callee, so that no id is reused while it is kept;
    the answers read only the callee's module and its declared record, which do not change
    while a function is analyzed)."""
    found = known.get(id(callee))
    if found is None:
        kind = _HELPER if container_helper(callee) else _TUPLE if tuple_result(callee) else None
        found = known[id(callee)] = (kind, callee)
    return found[0]


def _iteration_local_names(statements: list[gast.stmt], body: list[gast.stmt],
                           ) -> list[tuple[gast.stmt, list[str]]]:
    """For each loop, the names that live within one iteration: bound once, directly in
    the loop's body, before any use there, and never used outside the loop.  Their
    adjoints start from zero in each backward iteration instead of being reset."""
    result = []
    for loop in statements:
        if not isinstance(loop, LOOPS):
            continue
        outside = _names_outside(loop, body)
        seen: set[str] = set()
        local = []
        if isinstance(loop, gast.For) and isinstance(loop.target, gast.Name):
            name = loop.target.id
            if name not in outside and not any(
                    name in syntax.stored_names(s) for s in loop.body):
                local.append(name)
        for stmt in loop.body:
            names = targets(stmt) if isinstance(stmt, gast.Assign) else []
            reads = (syntax.loaded_names(stmt) if not isinstance(stmt, COMPOUND)
                     else syntax.all_names(stmt))
            for name in names:
                inner = [s for s in syntax.statements(loop.body, with_bodies=False)
                         if name in syntax.stored_names(s) and isinstance(s, gast.Assign)]
                if (name not in seen and name not in reads and name not in outside
                        and len(inner) == 1):
                    local.append(name)
            seen |= reads | set(names)
            if not isinstance(stmt, gast.Assign):
                seen |= syntax.all_names(stmt)
        result.append((loop, local))
    return result


def _branch_local_names(fn: gast.FunctionDef) -> dict[str, tuple[gast.If, bool, int]]:
    """The names that live within one branch of an ``if`` (True: its body) which only ifs
    enclose, with the innermost such branch and how many statements bind the name there:
    every statement that mentions the name is in the branch, and the first binds it,
    directly in the branch, without reading it.  The backward sweep's mirror of the branch
    runs exactly when the branch ran (its if tests the same value, and no loop runs the
    branch again), after the name was bound, so the name needs no value before the if
    (``build.initial_values``) and its adjoint starts from zero in the mirror
    (``Sweeps.backward_if``) instead of before the backward sweep."""
    ifs = []  # (the if, its branch, the branch's body), outermost first

    def collect(block: list[gast.stmt]) -> None:
        for stmt in block:
            if isinstance(stmt, gast.If):
                ifs.extend([(stmt, True, stmt.body), (stmt, False, stmt.orelse)])
                collect(stmt.body)
                collect(stmt.orelse)

    collect(fn.body)
    if not ifs:
        return {}
    mentions = {id(s): _mentioned(s) for s in syntax.statements(fn.body, with_bodies=False)}
    total: dict[str, int] = {}
    for names in mentions.values():
        for name in names:
            total[name] = total.get(name, 0) + 1
    params = syntax.stored_names(fn.args)
    local: dict[str, tuple[gast.If, bool, int]] = {}
    for branch, body, block in ifs:
        inside = list(syntax.statements(block, with_bodies=False))
        if any(isinstance(s, gast.Return) for s in inside):
            continue
        counts: dict[str, int] = {}
        bindings: dict[str, int] = {}
        first: dict[str, gast.stmt] = {}
        for stmt in inside:
            for name in mentions[id(stmt)]:
                counts[name] = counts.get(name, 0) + 1
                first.setdefault(name, stmt)
            for name in _bound(stmt):
                bindings[name] = bindings.get(name, 0) + 1
        direct = {id(s) for s in block}
        for name, count in counts.items():
            stmt = first[name]
            if (count == total[name] and name not in params and id(stmt) in direct
                    and isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                    and syntax.is_name(stmt.targets[0], name)
                    and name not in syntax.loaded_names(stmt.value)):
                local[name] = (branch, body, bindings[name])  # (an inner one, later, wins)
    return local


def _mentioned(stmt: gast.stmt) -> set[str]:
    """The names a statement mentions itself: a compound statement's header, not its blocks
    (a gradient hook's ``with`` and a ``try``'s handlers whole: their bodies are not
    statements of the walk)."""
    if isinstance(stmt, (gast.If, gast.While)):
        return syntax.all_names(stmt.test)
    if isinstance(stmt, gast.For):
        return syntax.all_names(stmt.target) | syntax.all_names(stmt.iter)
    if isinstance(stmt, gast.Try):
        return set().union(set(), *(syntax.all_names(h) for h in stmt.handlers),
                           *(syntax.all_names(s) for s in stmt.finalbody))
    return syntax.all_names(stmt)


def _bound(stmt: gast.stmt) -> set[str]:
    """The names a statement binds itself (a compound statement: in its header)."""
    if isinstance(stmt, (gast.If, gast.While)):
        return set()
    if isinstance(stmt, gast.For):
        return syntax.stored_names(stmt.target)
    if isinstance(stmt, gast.Try):
        return set().union(set(), *(syntax.stored_names(h) for h in stmt.handlers),
                           *(syntax.stored_names(s) for s in stmt.finalbody))
    return syntax.stored_names(stmt)


def _names_outside(loop: gast.stmt, body: list[gast.stmt]) -> set[str]:
    inside = {id(s) for s in syntax.statements([loop], with_bodies=False)}
    names: set[str] = set()
    for stmt in syntax.statements(body, with_bodies=False):
        if id(stmt) not in inside:
            names |= _mentioned(stmt)
    return names
