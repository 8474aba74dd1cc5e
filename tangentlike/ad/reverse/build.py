"""The joint derivative function: the facts (``analysis``), the adjoints (``adjoints``), the
save plan (``saves``), then the sweeps, each generated once (``sweeps``), assembled with the
seed, the adjoints' zero initialisations and the signature."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gast

from tangentlike.ad.common import SEED, generated, parameter_names, with_seeds
from tangentlike.ad.reverse.adjoints import Adjoints
from tangentlike.ad.reverse.analysis import COMPOUND, Program, analyze
from tangentlike.ad.reverse.plan import SavePlan
from tangentlike.ad.reverse.saves import plan_saves
from tangentlike.ad.reverse.sweeps import Sweeps
from tangentlike.core import anno, syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend.annotate import Activity
from tangentlike.frontend.operations import targets
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.rules.recipe import Reads, names_read
from tangentlike.rules.template import Namespace


@dataclass
class ReverseOptions:
    wrt: tuple[int, ...] = (0,)
    preserve_result: bool = False
    check_dims: bool = True
    seed_required: bool = False
    # the seed parameter's name: ``SEED``, or a fresh name when the function has a parameter
    # of that name (chosen, and reserved in the namer, by the caller)
    seed: str = SEED
    # grad(f, snapshots=k): the top-level loops checkpointed with k snapshots (None: saved)
    snapshots: int | None = None
    # the optimizer runs on the result: a zero initialisation that its ``remove_zero_inits``
    # would remove at once is not written (``first_contributions``); False keeps the
    # unoptimized derivative as it reads
    optimized: bool = False


def plan(fn: gast.FunctionDef, parsed: ParsedFunction, activity: Activity, namer: Namer,
         namespace: Namespace, pairs: Callable[..., tuple[str, str]] | None = None,
         ) -> tuple[Program, Adjoints, SavePlan]:
    """The facts, the adjoints (instantiated once, in forward order) and the save plan."""
    program = analyze(fn, parsed, activity.active)
    adjoints = Adjoints(program, namer, namespace, pairs)
    adjoints.instantiate(list(program.body))
    return program, adjoints, plan_saves(program, adjoints)


def reverse_ad(fn: gast.FunctionDef, parsed: ParsedFunction, activity: Activity, namer: Namer,
               namespace: Namespace, options: ReverseOptions,
               pairs: Callable[..., tuple[str, str]] | None = None,
               ) -> gast.FunctionDef:
    """The joint derivative function of a normalized, annotated function.  ``pairs(f, wrt)``
    names the forward and backward halves of the derivative of a user function ``f``."""
    program, adjoints, saves = plan(fn, parsed, activity, namer, namespace, pairs)
    params = parameter_names(fn)
    wrt_names = [params[i] for i in options.wrt]
    zero_order = _zero_init_order(program, adjoints, wrt_names)
    sweeps = Sweeps(program, adjoints, saves, options.snapshots, zero_order)
    body = list(program.body)
    returned = fn.body[-1].value
    backward_sweep = sweeps.backward(body)
    forward = sweeps.forward(body)
    if saves.uses_stack or sweeps.stack is not None:  # (a try's step counter, pushed)
        forward.insert(0, generated(syntax.assign(sweeps.stack_name(),
                                                  gast.List(elts=[], ctx=gast.Load()))))
    seed_statements, seeded = seed(adjoints, options, returned)
    zeroed = {}  # name -> its adjoint, in the order of the zero initialisations
    for name in zero_order:
        if (name in seeded or program.is_iteration_local(name)
                or name in program.branch_local):  # (zeroed in the branch's mirror)
            continue
        # (forced: a wrt input the output does not depend on still gets a zero gradient)
        zeroed[name] = adjoints.adjoint.force(name)
    later = backward_sweep if seeded else seed_statements + backward_sweep
    still_zero = set(zeroed.values())
    if options.optimized:
        later, still_zero = first_contributions(later, still_zero, adjoints.reads)
    zero_inits = [adjoints.zero(name, adjoint) for name, adjoint in zeroed.items()
                  if adjoint in still_zero]
    backward = (seed_statements + zero_inits if seeded else zero_inits) + later
    needed: set[str] = set()  # (read only at an if or a loop of the forward sweep's top)
    if any(isinstance(stmt, COMPOUND) for stmt in forward):
        needed = _loaded_names(backward, adjoints.reads)
        if options.preserve_result:
            needed |= syntax.loaded_names(returned)
        needed -= program.branch_local.keys()  # (read only where their branch ran)
    forward = initial_values(saves, forward, params, needed)
    grads = [syntax.load(adjoints.names[n]) for n in wrt_names]
    value: list[gast.expr] = []
    if options.preserve_result:  # read before the backward sweep restores anything
        name = namer.fresh("value")
        namer.temporaries.add(name)
        forward.append(generated(syntax.assign(name, syntax.clone(returned))))
        value = [syntax.load(name)]
    outputs = grads + value
    result = outputs[0] if len(outputs) == 1 else syntax.tuple_of(outputs)
    name = namer.fresh("d" + fn.name + "_" + "_".join(f"d{n}" for n in wrt_names))
    return gast.FunctionDef(
        name=name, args=with_seeds(fn.args, [options.seed],
                                   default_one=not options.seed_required),
        body=forward + [syntax.comment("")] + backward + [gast.Return(value=result)],
        decorator_list=[], returns=None, type_comment=None, type_params=[],
    )


def _loaded_names(statements: list[gast.stmt], reads: Reads) -> set[str]:
    """The names read anywhere in ``statements`` (``syntax.loaded_names`` of each, united),
    without walking the values noted in ``reads`` (``Adjoints.reads``: a template's value
    rebuilt from its recipe, whose names are all read, ``recipe.names_read``): an
    assignment to a plain name reads only its value (a contribution ``bx = bx + e``, ``bx``
    and ``e``'s), an ``if`` its test and its branches."""
    out: set[str] = set()
    for stmt in statements:
        cls = stmt.__class__
        if cls is gast.Assign and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
            left = None
            if (value.__class__ is gast.BinOp and value.left.__class__ is gast.Name
                    and value.left.ctx.__class__ is gast.Load):
                left, value = value.left, value.right
            noted = reads.get(id(value))
            if (noted is not None and noted[0] is value and target.__class__ is gast.Name
                    and target.ctx.__class__ is gast.Store):
                out.update(names_read(noted))
                if left is not None:
                    out.add(left.id)
                continue
        elif cls is gast.If:
            out |= syntax.loaded_names(stmt.test)
            out |= _loaded_names(stmt.body, reads)
            out |= _loaded_names(stmt.orelse, reads)
            continue
        out |= syntax.loaded_names(stmt)
    return out


def seed(adjoints: Adjoints, options: ReverseOptions, returned: gast.expr,
         ) -> tuple[list[gast.stmt], set[str]]:
    """Statements giving the returned values their adjoints from the seed, and the names
    whose adjoints they assign (the others still need a zero first)."""
    adjoint = adjoints.adjoint
    seed_value = syntax.load(options.seed)
    if options.check_dims:
        named = [] if options.seed == SEED else [syntax.const(options.seed)]  # for messages
        seed_value = adjoints.runtime_call("seed", [seed_value, syntax.clone(returned), *named])
    if isinstance(returned, gast.Name):
        if not adjoint(returned.id):
            return [], set()
        return [syntax.assign(adjoint(returned.id), seed_value)], {returned.id}
    if not isinstance(returned, gast.Tuple):
        return [], set()  # a constant: nothing flows back
    names = [e.id if isinstance(e, gast.Name) else None for e in returned.elts]
    distinct = [n for n in names if n is not None]
    if len(set(distinct)) == len(distinct):
        elts = [syntax.store(adjoint(n) if n and adjoint(n) else "_") for n in names]
        if all(e.id == "_" for e in elts):
            return [], set()
        assigned = {n for n in distinct if adjoint(n)}
        return [syntax.assign(syntax.tuple_of(elts, gast.Store()), seed_value)], assigned
    seeds = adjoints.namer.fresh("seeds")
    out = [syntax.assign(seeds, seed_value)]
    for i, n in enumerate(names):
        if n and adjoint(n):
            part = gast.Subscript(value=syntax.load(seeds), slice=syntax.const(i),
                                  ctx=gast.Load())
            out.append(adjoints.accumulate(n, part))
    return out, set()


def first_contributions(statements: list[gast.stmt], zeroed: set[str],
                        reads: Reads | None = None) -> tuple[list[gast.stmt], set[str]]:
    """``statements`` (the top block after the zero initialisations of the adjoints
    ``zeroed``) with each adjoint's first contribution ``bx = bx + g`` written ``bx = g``,
    and the adjoints that still need their zero initialisation.

    This is what the optimizer's ``remove_zero_inits`` does first on the top block, done
    here so that the zero initialisations it would remove are never built, and no pass looks
    at them.  It takes only the case whose result is sure to be the same: ``bx``'s first
    mention after its zero initialisation is a contribution ``bx = bx + g`` (a plain sum)
    whose ``g`` reads no ``bx`` and is not a constant (``fold_constants``, which runs before
    ``remove_zero_inits``, may fold ``bx + 0`` to ``bx``; ``bx + -h``, which it writes
    ``bx - h``, still becomes ``bx = -h``).  The new statement is annotated as
    ``remove_zero_inits`` annotates its own (generated, the contribution's origin, no longer
    a contribution).  The scan stops at the first statement that is not a comment or a
    plain assignment (an ``if``, a loop): the adjoints not yet mentioned keep their zero
    initialisations, which the optimizer then treats as before, one adjoint at a time.

    ``reads`` (``Adjoints.reads``) holds the names some values read, known from their
    template's recipe: each ``g`` found there is not walked (the same names; a value
    missing from it is walked).

    The statements are the backward sweep's, made for this derivative and held nowhere
    else: a contribution rewritten is rewritten in place (``_first``), so ``statements`` is
    not to be read again."""
    known = reads or {}

    def read_by(value: gast.expr) -> list[str]:
        noted = known.get(id(value))
        if noted is not None and noted[0] is value:
            return names_read(noted)
        return [n.id for n in syntax.walk_names(value)]  # (a value: all read)

    pending = set(zeroed)  # not yet mentioned after the zero initialisations
    still_zero = set(zeroed)
    out = list(statements)
    for k, stmt in enumerate(statements):
        if not pending:
            break
        if stmt.__class__ is not gast.Assign:
            if syntax.is_comment(stmt):
                continue
            break
        target, value = stmt.targets[0], stmt.value
        if target.__class__ is not gast.Name:
            pending -= syntax.all_names(stmt)
            continue
        name = target.id
        if name in pending:
            pending.discard(name)  # (mentioned here, first contribution or not)
            if (value.__class__ is gast.BinOp and value.op.__class__ is gast.Add
                    and value.left.__class__ is gast.Name and value.left.id == name
                    and value.right.__class__ is not gast.Constant
                    and (old := anno.info(stmt)).contribution):
                read = read_by(value.right)
                if name not in read:
                    out[k] = _first(stmt, target, value.right, old)
                    still_zero.discard(name)
                pending.difference_update(read)
                continue
        if value.__class__ is gast.BinOp and value.left.__class__ is gast.Name:
            pending.discard(value.left.id)  # (a later contribution ``bx = bx + g``)
            pending.difference_update(read_by(value.right))
        else:
            pending.difference_update(read_by(value))
    return out, still_zero


def _first(stmt: gast.Assign, target: gast.Name, value: gast.expr,
           record: anno.NodeInfo) -> gast.Assign:
    """``bx = g`` for the contribution ``stmt``, ``bx = bx + g`` (with its ``target`` and
    annotation ``record``), annotated as ``remove_zero_inits`` annotates its own: generated,
    the contribution's origin, no longer a contribution.  Made from ``stmt``, its target
    and its record where they hold exactly what a new statement's would (the fields of
    ``syntax.assign``, a target without a record, a record with only ``contribution`` and
    ``generated`` set besides the origin): the same tree, without three new objects; else
    a new statement, as before."""
    origin = record.origin
    record.origin = None  # (compared without it: the new record takes it too)
    plain = record.__dict__ == _CONTRIBUTION_RECORD
    record.origin = origin
    if (plain and stmt.__dict__.keys() == _ASSIGN_FIELDS
            and target.__dict__.keys() == _NAME_FIELDS):
        stmt.value = value
        record.contribution = False
        return stmt
    new = syntax.assign(target.id, value)
    new_record = anno.info(new)
    new_record.generated = True
    new_record.origin = origin
    return new


# What a contribution ``Adjoints.accumulate`` made holds: its fields, its target's, and its
# record's (without the origin)
_ASSIGN_FIELDS = {"targets": 0, "value": 0, "type_comment": 0, anno.KEY: 0}.keys()
_NAME_FIELDS = {"id": 0, "ctx": 0, "annotation": 0, "type_comment": 0}.keys()
_CONTRIBUTION_RECORD = {**anno.NodeInfo().__dict__, "contribution": True, "generated": True}


def initial_values(saves: SavePlan, body: list[gast.stmt],
                   params: list[str], needed: set[str]) -> list[gast.stmt]:
    """Names bound only inside if/for/while that are saved before their first binding,
    or that the backward sweep reads whatever branch ran, start as None."""
    bound = set(params)
    out = []
    # (``bound`` is read only at an if or a loop: what the statements after the last bind
    # is never read, so not collected; in straight-line code, nothing is)
    last = max((i for i, stmt in enumerate(body) if isinstance(stmt, COMPOUND)), default=-1)
    wanted = saves.names | needed  # (made once: ``needed`` may hold thousands of names)
    for i, stmt in enumerate(body):
        if isinstance(stmt, COMPOUND):
            pushed_first = _nested_names([stmt])
            first = sorted((pushed_first & wanted) - bound)
            for name in first:
                out.append(generated(syntax.assign(name, syntax.const(None))))
            bound |= set(first)
        out.append(stmt)
        if i < last:
            bound |= set().union(*(set(targets(s))
                                   for s in syntax.statements([stmt], with_bodies=False)
                                   if isinstance(s, gast.Assign)))
    return out


def _nested_names(body: list[gast.stmt], depth: int = 0) -> set[str]:
    """Names a forward sweep pushes before an assignment inside if/for/while, or before a
    nested loop (a call's forward form binds its record too)."""
    names: set[str] = set()
    for stmt in body:
        if depth and isinstance(stmt, gast.Assign):
            names |= set(targets(stmt))
        if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name) and depth:
            names.add(stmt.target.id)
        if isinstance(stmt, gast.With):
            continue
        for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
            if isinstance(inner, list):
                names |= _nested_names(inner, depth + 1)
    return names


def _zero_init_order(program: Program, adjoints: Adjoints, wrt_names: list[str]) -> list[str]:
    """The ``wrt`` names, then the active names in the order the statements mention them
    (forward pre-order: each active statement's inputs and targets, the element of a
    ``for`` loop whose adjoint flows into its iterable's), as ``Adjoints.mentions`` noted
    them while the adjoints were made (no second walk of the statements)."""
    order = list(wrt_names)
    seen = set(order)
    active = program.active
    for mentioned in adjoints.mentions:
        if mentioned.__class__ is gast.For:  # (asked here, after every adjoint is made:
            # it may name the adjoints of the loop's names, in this order)
            mentioned = [mentioned.target.id] if adjoints.flows_from_iterable(mentioned) \
                else ()
        for name in mentioned:
            if name in active and name not in seen:
                order.append(name)
                seen.add(name)
    return order
