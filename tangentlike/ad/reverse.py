"""Stage 4 (reverse mode): a normalized function to its joint forward-and-backward function.

The output reads top to bottom as a person would write a gradient by hand: the user's
computation (the forward sweep), then the backward sweep, one block per active statement in
reverse order, each headed by ``# Grad of: <the user's line>``.  Adjoints start at zero and
every contribution is accumulated (``bx = bx + ...``); the optimizer turns a first
contribution into a plain assignment and removes what is dead.

Control flow is replayed in reverse: an ``if`` tests the same condition again, a loop runs
its body's adjoints as many times as the loop ran (``for i in reversed(range(n))`` when the
loop was over a ``range`` whose bounds do not change, else a trip count).  Inside ``if``,
``for`` and ``while``, a statement that overwrites a value the backward sweep reads pushes
the old value on a stack first; the backward sweep pops it back after that statement's
adjoint.  Top-level code needs no stack: normalize gave every re-bound name a new version.

An empty comment marks where the forward sweep ends, so split motion can cut the function.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast

from tangentlike import runtime
from tangentlike.ad.calls import bind_arguments, differentiated_positions
from tangentlike.core import anno, dataflow, syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend.annotate import (
    Activity,
    Kind,
    loop_source,
    operation,
    resolve,
    targets,
    where,
)
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.rules import registry
from tangentlike.rules.template import Namespace, instantiate, value_expression

SEED = "init_grad"  # the output seed's parameter name (``df(x, init_grad=v)``), when free


@dataclass
class ReverseOptions:
    wrt: tuple[int, ...] = (0,)
    preserve_result: bool = False
    check_dims: bool = True
    seed_required: bool = False
    # the seed parameter's name: ``SEED``, or a fresh name when the function has a parameter
    # of that name (chosen, and reserved in the namer, by the caller)
    seed: str = SEED


def is_boundary(stmt: gast.stmt) -> bool:
    """The empty comment between the forward sweep and the backward sweep."""
    return syntax.is_comment(stmt) and stmt.value.value == ""


def parameter_names(fn: gast.FunctionDef) -> list[str]:
    """Positional parameters, then keyword-only ones: what ``wrt`` indices count."""
    return [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]


def _runtime(helper: str):
    return getattr(runtime, helper)


def _copy_classes(body: list[gast.stmt]) -> dict[str, set[str]]:
    """For each name ``a = b`` binds or reads, every name joined to it by such copies: they
    may be one array, so ``a[i] = v`` changes what the backward sweep reads as ``b`` (a tuple
    assignment ``v2, v3 = e2, e3`` becomes ``t = e3; v3 = t``)."""
    classes: dict[str, set[str]] = {}
    for stmt in syntax.statements(body, with_bodies=False):
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Name)):
            a, b = stmt.targets[0].id, stmt.value.id
            joined = classes.get(a, {a}) | classes.get(b, {b})
            for name in joined:
                classes[name] = joined
    return classes


def _growing_containers(body: list[gast.stmt]) -> set[str]:
    """Names of lists that ``append``, ``extend`` or ``insert`` grows and of dicts (made by
    a display) that ``d[k] = v`` may give a new key: the backward sweep sees them longer than
    they were at an earlier read."""
    dicts, keyed, appended = set(), set(), set()
    for stmt in syntax.statements(body, with_bodies=False):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Dict):
            dicts |= syntax.stored_names(stmt.targets[0])
        elif (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript)
                and isinstance(stmt.targets[0].value, gast.Name)):
            keyed.add(stmt.targets[0].value.id)
        elif (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
                and isinstance(stmt.value.func, gast.Attribute)
                and stmt.value.func.attr in ("append", "extend", "insert")
                and isinstance(stmt.value.func.value, gast.Name)):
            appended.add(stmt.value.func.value.id)
    return appended | (keyed & dicts)


def _ends_with_break(body: list[gast.stmt]) -> bool:
    last = body[-1] if body else None
    return (isinstance(last, gast.If) and len(last.body) == 1
            and isinstance(last.body[0], gast.Break))


@dataclass
class Adjoint:
    """The backward statements of one active statement.  Inside if/for/while the result is
    read through placeholders (``values``: target -> name holding the value the statement
    produced; ``adjoints``: target -> name holding its adjoint) because the target itself is
    restored to its old value, and its adjoint reset, before the statements run."""

    body: list[gast.stmt]
    values: dict[str, str] = field(default_factory=dict)
    adjoints: dict[str, str] = field(default_factory=dict)


class ReverseAD:
    """Builds the derivative of one normalized function."""

    def __init__(self, fn: gast.FunctionDef, parsed: ParsedFunction, activity: Activity,
                 namer: Namer, namespace: Namespace, options: ReverseOptions,
                 pairs: Callable[..., tuple[str, str]] | None = None):
        self.fn = fn
        self.pairs = pairs
        self.forward_forms: dict[int, gast.stmt] = {}  # call -> its forward-pair form
        self.calls: dict[int, tuple] = {}  # call -> what its backward half needs
        self.parsed = parsed
        self.active = activity.active
        self.namer = namer
        self.namespace = namespace
        self.options = options
        self.local_names = syntax.stored_names(fn)
        self.primal_names = self.local_names | set(parameter_names(fn))
        self.adjoints: dict[str, str] = {}
        self.copies = _copy_classes(fn.body)
        self.containers = self._container_names()
        self.saved: set[str] = set()  # names pushed before being overwritten in if/for/while
        self.shape_only: set[str] = set()  # saved names the backward sweep reads for shape only
        self.stack: str | None = None
        self.trips: dict[int, str] = {}  # loop -> its trip counter
        self.indices: dict[int, str] = {}  # loop -> index of the backward loop
        self.counters: set[int] = set()  # ids of trip-count increments (never saved)
        self.iteration_local = self._iteration_local_names()
        self.reads: dict[int, set[str]] = {}  # statement -> names its backward code reads
        self.replayed: set[int] = set()  # loops with backward code (the others count nothing)
        self.saved_slices: set[int] = set()  # x[i] = v statements whose old x[i] is saved
        self.mutated_arrays = {self.setitem_base(s) for s in
                               syntax.statements(fn.body, with_bodies=False)} - {None}
        self.growing = _growing_containers(fn.body)
        self.captures: dict[int, set[str]] = {}  # statement -> results it captures first

    # -- names ------------------------------------------------------------------------------
    def adjoint(self, name: str) -> str | None:
        """The adjoint variable of an active name (None if it carries no derivative)."""
        if name not in self.active:
            return None
        if name not in self.adjoints:
            self.adjoints[name] = self.namer.adjoint(name)
        return self.adjoints[name]

    def _container_names(self) -> set[str]:
        """Names whose adjoints are added element by element (``add_grad``): tuples, lists and
        dicts we can see, and values only ever subscripted (e.g. a dict of parameters)."""
        names, arithmetic, subscripted = set(), set(), set()
        for stmt in syntax.statements(self.fn.body, with_bodies=False):
            if not isinstance(stmt, gast.Assign):
                continue
            value = stmt.value
            if isinstance(stmt.targets[0], gast.Tuple) and isinstance(value, gast.Name):
                names.add(value.id)
            elif isinstance(value, (gast.Tuple, gast.List, gast.Dict)):
                names |= syntax.stored_names(stmt.targets[0])
            elif isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
                subscripted.add(value.value.id)
                if isinstance(value.slice, gast.Tuple):  # x[:, 0]: only arrays take these
                    arithmetic.add(value.value.id)
            elif isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name):
                arithmetic.add(value.value.id)  # x.T, x.shape: an array
            else:
                op = operation(stmt, self.parsed, self.local_names)
                if op.key in runtime.CONTAINER_HELPERS:  # in derivative code: may build containers
                    names |= syntax.stored_names(stmt.targets[0])
                    subscripted |= set(op.inputs)
                elif op.kind is Kind.CALL or not op.differentiable:
                    subscripted |= set(op.inputs)  # len(xs), f(params): may be containers
                elif not isinstance(value, gast.Name):
                    arithmetic |= syntax.loaded_names(value)
        for loop in syntax.statements(self.fn.body, with_bodies=False):
            if isinstance(loop, gast.For) and loop_source(loop):
                subscripted.add(loop_source(loop))  # for v in xs
        names |= subscripted - arithmetic
        # a copy of a container is one, and so is what it was copied from
        return set().union(set(), *(self.copies.get(n, {n}) for n in names))

    def _iteration_local_names(self) -> dict[int, list[str]]:
        """For each loop, the names that live within one iteration: bound once, directly in
        the loop's body, before any use there, and never used outside the loop.  Their
        adjoints start from zero in each backward iteration instead of being reset."""
        result: dict[int, list[str]] = {}
        for loop in syntax.statements(self.fn.body, with_bodies=False):
            if not isinstance(loop, (gast.For, gast.While)):
                continue
            outside = self._names_outside(loop)
            seen: set[str] = set()
            local = []
            if isinstance(loop, gast.For) and isinstance(loop.target, gast.Name):
                name = loop.target.id
                if name not in outside and not any(
                        name in syntax.stored_names(s) for s in loop.body):
                    local.append(name)
            for stmt in loop.body:
                names = targets(stmt) if isinstance(stmt, gast.Assign) else []
                reads = (syntax.loaded_names(stmt) if not isinstance(
                    stmt, (gast.If, gast.For, gast.While)) else syntax.all_names(stmt))
                for name in names:
                    inner = [s for s in syntax.statements(loop.body, with_bodies=False)
                             if name in syntax.stored_names(s) and isinstance(s, gast.Assign)]
                    if (name not in seen and name not in reads and name not in outside
                            and len(inner) == 1):
                        local.append(name)
                seen |= reads | set(names)
                if not isinstance(stmt, gast.Assign):
                    seen |= syntax.all_names(stmt)
            result[id(loop)] = local
        return result

    def _names_outside(self, loop: gast.stmt) -> set[str]:
        inside = {id(s) for s in syntax.statements([loop], with_bodies=False)}
        names: set[str] = set()
        for stmt in syntax.statements(self.fn.body, with_bodies=False):
            if id(stmt) in inside:
                continue
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                header = stmt.test if not isinstance(stmt, gast.For) else stmt.iter
                names |= syntax.all_names(header)
                if isinstance(stmt, gast.For):
                    names |= syntax.all_names(stmt.target)
            else:
                names |= syntax.all_names(stmt)
        return names

    def is_iteration_local(self, name: str) -> bool:
        return any(name in names for names in self.iteration_local.values())

    def targets(self, stmt: gast.stmt) -> list[str]:
        """The names a statement binds in the forward sweep (a call to a user function also
        binds the record its backward half needs)."""
        return targets(self.forward_forms.get(id(stmt), stmt))

    def stack_name(self) -> str:
        if self.stack is None:
            self.stack = self.namer.fresh("stack")
        return self.stack

    # -- building blocks --------------------------------------------------------------------
    def runtime_call(self, helper: str, args: list[gast.expr]) -> gast.Call:
        name = self.namespace.name_for(_runtime(helper), helper)
        return syntax.call(syntax.load(name), args)

    def generated(self, stmt: gast.stmt) -> gast.stmt:
        anno.info(stmt).generated = True
        return stmt

    def accumulate(self, name: str, value: gast.expr) -> gast.stmt:
        """``bx = bx + value`` (element by element for tuples, lists and dicts)."""
        adjoint = self.adjoint(name)
        if name in self.containers:
            self._shape_from_adjoint(name, adjoint, value)
            total = self.runtime_call("add_grad", [syntax.load(adjoint), value])
        else:
            total = gast.BinOp(left=syntax.load(adjoint), op=gast.Add(), right=value)
        stmt = syntax.assign(adjoint, total)
        record = anno.info(stmt)
        record.contribution = record.generated = True
        return stmt

    def _shape_from_adjoint(self, name: str, adjoint: str, value: gast.expr) -> None:
        """``unindex(g, xs, i)`` and ``share(g, xs)`` read only the structure of ``xs``, and
        the backward sweep sees ``xs`` as the forward sweep left it: longer, if it was appended
        to after this statement.  The adjoint ``bxs`` has the structure ``xs`` had here, so
        the helper reads that instead (``remove_zero_inits`` puts ``xs`` back where the two
        are the same)."""
        if (name in self.growing and isinstance(value, gast.Call) and len(value.args) >= 2
                and syntax.is_name(value.args[1], name)
                and any(self.namespace.resolve(value.func) is helper
                        for helper in (runtime.unindex, runtime.share))):
            value.args[1] = syntax.load(adjoint)

    def zero(self, name: str, adjoint: str | None = None) -> gast.stmt:
        adjoint = adjoint or self.adjoint(name)
        return self.generated(
            syntax.assign(adjoint, self.runtime_call("zeros_like", [syntax.load(name)])))

    def push(self, name: str, pair: Any = None) -> gast.stmt:
        """Save ``name`` on the stack; ``pair`` is a key shared with its one pop."""
        value = syntax.load(name)
        if name in self.shape_only:  # the backward sweep reads only its shape
            value = self.runtime_call("shape_only", [value])
        stmt = self.generated(gast.Expr(value=self.stack_method("append", [value])))
        anno.info(stmt).saves = pair
        return stmt

    def stack_method(self, method: str, args: list[gast.expr]) -> gast.Call:
        """``stack.append(v)`` or ``stack.pop()``."""
        return syntax.call(gast.Attribute(value=syntax.load(self.stack_name()), attr=method,
                                          ctx=gast.Load()), args)

    def pop(self, name: str, pair: Any = None) -> gast.stmt:
        stmt = self.generated(syntax.assign(name, self.stack_method("pop", [])))
        anno.info(stmt).keep = True
        anno.info(stmt).saves = pair
        return stmt

    # -- the adjoint of one statement -------------------------------------------------------
    def adjoint_of(self, stmt: gast.Assign, nested: bool) -> Adjoint:
        op = operation(stmt, self.parsed, self.local_names)
        if op.kind is Kind.CALL:
            self.prepare_call(stmt, op)
        names = self.targets(stmt)
        result = Adjoint([])
        if nested:
            for name in names:
                result.values[name] = self.namer.fresh(f"{name}_out")
                self.namer.temporaries.add(result.values[name])
                if self.adjoint(name) and not self.is_iteration_local(name):
                    result.adjoints[name] = self.namer.fresh(f"{self.adjoint(name)}_out")
                    self.namer.temporaries.add(result.adjoints[name])
        by_value = {result.values.get(n, n): result.adjoints.get(n) or self.adjoint(n)
                    for n in names}

        def derivative(name: str) -> str | None:
            return by_value[name] if name in by_value else self.adjoint(name)

        def value(name: str) -> gast.Name:
            return syntax.load(result.values.get(name, name))

        def adjoint_of_target(name: str) -> gast.Name:
            return syntax.load(result.adjoints.get(name) or self.adjoint(name))

        if op.kind in (Kind.SETITEM, Kind.APPEND):
            result.body = self.mutation_adjoint(stmt, op)
            return result
        if op.kind is Kind.POP and not self.adjoint(op.inputs[0]):
            return result  # popped from a stack of constants (shape_only stand-ins)
        if op.kind is Kind.POP:  # the element's adjoint goes back on the end of the stack's
            stack = self.adjoint(op.inputs[0])
            element = adjoint_of_target(names[0]) if self.adjoint(names[0]) else \
                self.runtime_call("zeros_like", [value(names[0])])
            result.body = [self.generated(syntax.assign(stack, gast.BinOp(
                left=syntax.load(stack), op=gast.Add(),
                right=gast.List(elts=[element], ctx=gast.Load()))))]
            return result
        target = stmt.targets[0]
        if op.kind in (Kind.CONSTANT, Kind.OPAQUE) or not op.differentiable:
            pass  # a new value that depends on no input: only the adjoint reset remains
        elif op.kind is Kind.COPY:
            if self.adjoint(op.inputs[0]):
                result.body = [self.accumulate(op.inputs[0], adjoint_of_target(target.id))]
        elif op.kind in (Kind.TUPLE, Kind.DICT):
            keys = op.keywords.get("keys") or [syntax.const(i) for i in range(len(op.args))]
            for key, elt in zip(keys, op.args):
                if isinstance(elt, gast.Name) and self.adjoint(elt.id):
                    part = gast.Subscript(value=adjoint_of_target(target.id),
                                          slice=syntax.clone(key), ctx=gast.Load())
                    result.body.append(self.accumulate(elt.id, part))
        elif op.kind is Kind.CALL:
            result.body = self.call_adjoint(stmt, op, value, adjoint_of_target)
        elif op.kind is Kind.UNPACK:  # nothing flows back when the tuple carries no derivative
            if self.adjoint(op.inputs[0]):
                parts = [adjoint_of_target(e.id) if self.adjoint(e.id) else
                         self.runtime_call("zeros_like", [value(e.id)]) for e in target.elts]
                result.body = [self.accumulate(op.inputs[0], syntax.tuple_of(parts))]
        else:
            rule = registry.adjoint_rule(op.key)
            body = instantiate(rule, value(target.id), op.args, op.keywords, derivative,
                               self.namer, self.namespace, where(stmt, self.parsed))
            result.body = self.accumulate_contributions(body)
        return result

    # -- containers changed in place --------------------------------------------------------
    def mutation_adjoint(self, stmt: gast.stmt, op) -> list[gast.stmt]:
        """``x[i] = v``: v gets the adjoint of x[i], which is then zero (the old values were
        overwritten).  ``xs.append(v)``: v gets the adjoint of the last element."""
        base, value = op.inputs[0], op.args[0]
        adjoint = syntax.load(self.adjoint(base))
        if op.kind is Kind.SETITEM:
            index = stmt.targets[0].slice
            part = gast.Subscript(value=adjoint, slice=syntax.clone(index), ctx=gast.Load())
            rest = self.runtime_call("zero_at", [syntax.load(self.adjoint(base)),
                                                 value_expression(syntax.clone(index))])
        else:
            part = gast.Subscript(value=adjoint, slice=syntax.const(-1), ctx=gast.Load())
            rest = gast.Subscript(value=syntax.load(self.adjoint(base)), slice=gast.Slice(
                lower=None, upper=syntax.const(-1), step=None), ctx=gast.Load())
        out = []
        if isinstance(value, gast.Name) and self.adjoint(value.id):
            if op.kind is Kind.SETITEM:
                part = self.runtime_call("unbroadcast", [part, syntax.load(value.id)])
            out.append(self.accumulate(value.id, part))
        out.append(self.generated(syntax.assign(self.adjoint(base), rest)))
        return out

    def setitem_base(self, stmt: gast.stmt) -> str | None:
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript)
                and isinstance(stmt.targets[0].value, gast.Name)):
            return stmt.targets[0].value.id
        return None

    def forward_mutation(self, stmt: gast.Assign) -> list[gast.stmt]:
        """Save the values ``x[i] = v`` overwrites when the backward sweep reads x."""
        if id(stmt) not in self.saved_slices:
            return []
        target = stmt.targets[0]
        old = gast.Subscript(value=syntax.clone(target.value), slice=syntax.clone(target.slice),
                             ctx=gast.Load())
        return [self.generated(gast.Expr(value=self.stack_method(
            "append", [self.runtime_call("copy_of", [old])])))]

    def restore_mutation(self, stmt: gast.Assign) -> list[gast.stmt]:
        if id(stmt) not in self.saved_slices:
            return []
        target = stmt.targets[0]
        restore = gast.Assign(targets=[gast.Subscript(
            value=syntax.clone(target.value), slice=syntax.clone(target.slice),
            ctx=gast.Store())], value=self.stack_method("pop", []),
            type_comment=None)
        anno.info(restore).keep = anno.info(restore).generated = True
        return [restore]

    def copy_if_mutated(self, stmt: gast.stmt) -> gast.stmt:
        """``t = x[i]`` reads a copy when x is changed in place later (not a view)."""
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Subscript)
                and isinstance(stmt.value.value, gast.Name)
                and stmt.value.value.id in self.mutated_arrays
                and isinstance(stmt.targets[0], gast.Name)):
            new = syntax.assign(stmt.targets[0].id,
                                self.runtime_call("copy_of", [syntax.clone(stmt.value)]))
            anno.info(new).origin = anno.info(stmt).origin
            return new
        return stmt

    # -- gradient hooks -----------------------------------------------------------------------
    def backward_hook(self, hook: gast.With) -> list[gast.stmt]:
        """``with insert_grad_of(x) as dx: body`` runs here, on x's adjoint."""
        item = hook.items[0]
        x, dx = item.context_expr.args[0].id, item.optional_vars.id
        adjoint = self.adjoint(x)
        start = syntax.load(adjoint) if adjoint else self.runtime_call("zeros_like",
                                                                      [syntax.load(x)])
        body = syntax.clone(hook.body)
        for stmt in syntax.statements(body, with_bodies=False):
            anno.info(stmt).keep = True
        out = [syntax.assign(dx, start), *body]
        self.reads[id(hook)] = set().union(*(syntax.loaded_names(s) for s in body)) - {dx}
        if adjoint:
            out.append(syntax.assign(adjoint, syntax.load(dx)))
        for stmt in out:
            anno.info(stmt).keep = True
        return out

    # -- calls into the user's functions ----------------------------------------------------
    def prepare_call(self, stmt: gast.Assign, op) -> None:
        """``y = f(a, b)`` runs as ``y, y_saved = f_forward(a, b)`` in the forward sweep."""
        positional, keywords = bind_arguments(op.key, op.args, op.keywords, self.namespace)
        wrt = differentiated_positions(positional, keywords, self.adjoint)
        forward_name, backward_name, seed = self.pairs(op.key, wrt, where(stmt, self.parsed))
        target = stmt.targets[0].id
        record = self.namer.fresh(f"{target}_saved")
        self.primal_names.add(record)
        form = syntax.assign(
            syntax.tuple_of([syntax.store(target), syntax.store(record)], gast.Store()),
            syntax.call(syntax.load(forward_name), positional, keywords))
        anno.info(form).origin = anno.info(stmt).origin
        self.forward_forms[id(stmt)] = form
        self.calls[id(stmt)] = (backward_name, record, positional, keywords, wrt, seed)

    def call_adjoint(self, stmt: gast.Assign, op, value, adjoint_of_target) -> list[gast.stmt]:
        backward_name, record, positional, keywords, wrt, seed_name = self.calls[id(stmt)]
        if not wrt:
            return []
        seed = gast.keyword(arg=seed_name, value=adjoint_of_target(stmt.targets[0].id))
        call = syntax.call(syntax.load(backward_name),
                           [value(record), *[syntax.clone(a) for a in positional]],
                           [*keywords, seed])
        arguments = positional + [k.value for k in keywords]
        names = [arguments[i].id for i in wrt]
        parts = [self.namer.fresh(f"{self.adjoint(n)}_{op.key.__name__}") for n in names]
        self.namer.temporaries.update(parts)
        target = syntax.store(parts[0]) if len(parts) == 1 else syntax.tuple_of(
            [syntax.store(p) for p in parts], gast.Store())
        out = [self.generated(syntax.assign(target, call))]
        out += [self.accumulate(n, syntax.load(p)) for n, p in zip(names, parts)]
        return out

    def accumulate_contributions(self, body: list[gast.stmt]) -> list[gast.stmt]:
        """Template statements ``bx = e`` marked as contributions become ``bx = bx + e``."""
        out = []
        for s in body:
            if isinstance(s, gast.If):
                s.body = self.accumulate_contributions(s.body)
                s.orelse = self.accumulate_contributions(s.orelse)
                out.append(s)
            elif anno.info(s).contribution:
                (name,) = [k for k, v in self.adjoints.items() if v == s.targets[0].id]
                out.append(self.accumulate(name, s.value))
            else:
                out.append(s)
        return out

    # -- loops ------------------------------------------------------------------------------
    def range_arguments(self, loop: gast.For) -> list[gast.expr] | None:
        """The bounds of ``for i in range(...)`` when the backward sweep can recompute the
        iteration (no break, bounds not re-bound in the loop); else None."""
        call = loop.iter
        if not (isinstance(call, gast.Call) and isinstance(loop.target, gast.Name)
                and not call.keywords and all(syntax.is_atom(a) for a in call.args)):
            return None
        if resolve(call.func, self.parsed, self.local_names) is not range:
            return None
        if _ends_with_break(loop.body):
            return None
        bound_in_loop = set().union(*(syntax.stored_names(s) for s in loop.body))
        if syntax.loaded_names(call) & bound_in_loop:
            return None
        return call.args

    def trip_counter(self, loop: gast.stmt) -> str:
        if id(loop) not in self.trips:
            self.trips[id(loop)] = self.namer.fresh("trips")
        return self.trips[id(loop)]

    def loop_index(self, loop: gast.stmt) -> str:
        if id(loop) not in self.indices:
            self.indices[id(loop)] = self.namer.fresh("k")
        return self.indices[id(loop)]

    def flows_from_iterable(self, loop: gast.For) -> bool:
        source = loop_source(loop)
        return bool(source and self.adjoint(source) and isinstance(loop.target, gast.Name)
                    and self.adjoint(loop.target.id))

    # -- the forward sweep ------------------------------------------------------------------
    def forward(self, body: list[gast.stmt], depth: int) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for stmt in body:
            if isinstance(stmt, gast.If):
                out.append(gast.If(test=stmt.test,
                                   body=self.forward(stmt.body, depth + 1) or [gast.Pass()],
                                   orelse=self.forward(stmt.orelse, depth + 1)))
            elif isinstance(stmt, gast.For):
                out += self.forward_for(stmt, depth)
            elif isinstance(stmt, gast.While):
                out += self.forward_while(stmt, depth)
            elif isinstance(stmt, gast.With):
                continue  # a gradient hook: its body runs in the backward sweep
            else:
                if depth and id(stmt) not in self.counters:
                    out += [self.push(n, (id(stmt), n)) for n in self.targets(stmt)
                            if n in self.saved]
                out += self.forward_mutation(stmt)
                out.append(self.copy_if_mutated(self.forward_forms.get(id(stmt), stmt)))
        return out

    def count_trips(self, loop: gast.stmt, body: list[gast.stmt]) -> list[gast.stmt]:
        trips = self.trip_counter(loop)
        increment = self.generated(syntax.assign(trips, gast.BinOp(
            left=syntax.load(trips), op=gast.Add(), right=syntax.const(1))))
        self.counters.add(id(increment))
        if _ends_with_break(body):
            return body[:-1] + [increment, body[-1]]
        return body + [increment]

    def forward_for(self, loop: gast.For, depth: int) -> list[gast.stmt]:
        target = loop.target.id if isinstance(loop.target, gast.Name) else None
        before = [self.push(target)] if depth and target in self.saved else []
        body = self.forward(loop.body, depth + 1)
        if self.range_arguments(loop) is not None or id(loop) not in self.replayed:
            new = gast.For(target=loop.target, iter=loop.iter, body=body, orelse=[],
                           type_comment=None)
            return before + [new]
        if target in self.saved:  # at the end of each iteration, so it is popped first
            body = (body[:-1] + [self.push(target), body[-1]] if _ends_with_break(body)
                    else body + [self.push(target)])
        trips = self.trip_counter(loop)
        new = gast.For(target=loop.target, iter=loop.iter, body=self.count_trips(loop, body),
                       orelse=[], type_comment=None)
        after = [self.push(trips)] if depth else []
        return before + [self.generated(syntax.assign(trips, syntax.const(0))), new] + after

    def forward_while(self, loop: gast.While, depth: int) -> list[gast.stmt]:
        if id(loop) not in self.replayed:  # nothing to undo: the loop runs as written
            return [gast.While(test=loop.test, body=self.forward(loop.body, depth + 1),
                               orelse=[])]
        trips = self.trip_counter(loop)
        body = self.count_trips(loop, self.forward(loop.body, depth + 1))
        new = gast.While(test=loop.test, body=body, orelse=[])
        after = [self.push(trips)] if depth else []
        return [self.generated(syntax.assign(trips, syntax.const(0))), new] + after

    # -- the backward sweep -----------------------------------------------------------------
    def backward(self, body: list[gast.stmt], depth: int, adjoints: dict[int, Adjoint],
                 enclosing=None) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        previous = enclosing
        for stmt in reversed(body):
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                block = self.backward_compound(stmt, depth, adjoints)
            elif isinstance(stmt, gast.With):
                block = self.backward_hook(stmt)
            elif isinstance(stmt, (gast.Assign, gast.Expr)) and id(stmt) not in self.counters:
                block = self.backward_simple(stmt, depth, adjoints)
            else:
                block = []
            if not block:
                continue
            origin = anno.info(stmt).origin
            if origin is not None and origin != previous and any(
                    not anno.info(s).generated or anno.info(s).contribution
                    or isinstance(s, (gast.If, gast.For)) for s in block):
                out.append(syntax.origin_comment("Grad of", origin.line))
                previous = origin
            out += block
        return out

    def backward_simple(self, stmt: gast.Assign, depth: int,
                        adjoints: dict[int, Adjoint]) -> list[gast.stmt]:
        adjoint = adjoints.get(id(stmt))
        names = self.targets(stmt)
        # an in-place update's restore reads its array by name: a later re-binding of the
        # name (``v3[1:] *= s`` then ``v3 = y``) must be undone before it runs
        restore = self.restore_mutation(stmt)
        restore_reads = set().union(set(), *(syntax.loaded_names(s) for s in restore))
        if not depth:
            self.reads[id(stmt)] = set().union(restore_reads, *(
                syntax.loaded_names(s) for s in (adjoint.body if adjoint else [])))
            body = list(adjoint.body) if adjoint else []
            return body + restore
        out: list[gast.stmt] = []
        if adjoint:
            out += [self.generated(syntax.assign(adjoint.values[n], syntax.load(n)))
                    for n in names]
        out += [self.pop(n, (id(stmt), n)) for n in reversed(names) if n in self.saved]
        body_reads = set().union(set(), *(syntax.loaded_names(s) for s in
                                          (adjoint.body if adjoint else [])))
        # the adjoint reset below reads the value the statement overwrote (its shape), if
        # the name had one
        bound_before = self.reaching.get(id(stmt), {})
        self.reads[id(stmt)] = body_reads | restore_reads | {
            n for n in (adjoint.adjoints if adjoint else ())
            if not self.is_iteration_local(n) and bound_before.get(n)}
        if adjoint:  # the values it captures, which earlier iterations' steps read again
            self.captures[id(stmt)] = {n for n in names if adjoint.values[n] in body_reads}
        if adjoint:
            for n in names:
                if n in adjoint.adjoints:
                    out.append(self.generated(syntax.assign(
                        adjoint.adjoints[n], syntax.load(self.adjoint(n)))))
                    if not self.is_iteration_local(n):  # else zeroed per backward iteration
                        out.append(self.zero(n))
            out += adjoint.body
        return out + restore

    def backward_compound(self, stmt: gast.stmt, depth: int,
                          adjoints: dict[int, Adjoint]) -> list[gast.stmt]:
        if isinstance(stmt, gast.If):
            origin = anno.info(stmt).origin
            body = self.backward(stmt.body, depth + 1, adjoints, origin)
            orelse = self.backward(stmt.orelse, depth + 1, adjoints, origin)
            if not body and not orelse:
                return []
            self.reads[id(stmt)] = syntax.loaded_names(stmt.test)
            return [gast.If(test=stmt.test, body=body or [gast.Pass()], orelse=orelse)]
        body = self.backward(stmt.body, depth + 1, adjoints, anno.info(stmt).origin)
        if body:
            body = [self.zero(n) for n in self.iteration_local[id(stmt)]
                    if self.adjoint(n)] + body
        target = stmt.target.id if isinstance(stmt, gast.For) and isinstance(
            stmt.target, gast.Name) else None
        flows = isinstance(stmt, gast.For) and self.flows_from_iterable(stmt)
        if not body and not flows:
            return []
        self.replayed.add(id(stmt))
        bounds = self.range_arguments(stmt) if isinstance(stmt, gast.For) else None
        self.reads[id(stmt)] = (set().union(*(syntax.loaded_names(b) for b in bounds))
                                if bounds else set())
        if flows:
            self.reads[id(stmt)].add(loop_source(stmt))
        after = [self.pop(target)] if depth and target in self.saved else []
        if bounds is not None:
            reversed_range = syntax.call(syntax.load("reversed"), [syntax.call(
                syntax.load("range"), [syntax.clone(a) for a in bounds])])
            return [self.generated(gast.For(
                target=syntax.store(target), iter=reversed_range, body=body or [gast.Pass()],
                orelse=[], type_comment=None))] + after
        trips = self.trip_counter(stmt)
        before = [self.pop(trips)] if depth else []
        if target in self.saved:
            body = [self.pop(target)] + body
        if flows:  # for row in X: row's adjoint flows into X[k]
            index = self.loop_index(stmt)
            source = loop_source(stmt)
            part = self.runtime_call("unindex", [syntax.load(self.adjoint(target)),
                                                 syntax.load(source), syntax.load(index)])
            body = body + [self.accumulate(source, part)]
            if not self.is_iteration_local(target):
                body.append(self.zero(target))
            iterate = syntax.call(syntax.load("reversed"), [syntax.call(
                syntax.load("range"), [syntax.load(trips)])])
        else:
            index = "_"
            iterate = syntax.call(syntax.load("range"), [syntax.load(trips)])
        loop = self.generated(gast.For(target=syntax.store(index), iter=iterate, body=body,
                                       orelse=[], type_comment=None))
        return before + [loop] + after

    # -- the whole function -----------------------------------------------------------------
    def seed(self, returned: gast.expr, init_grad: str) -> tuple[list[gast.stmt], set[str]]:
        """Statements giving the returned values their adjoints from the seed, and the names
        whose adjoints they assign (the others still need a zero first)."""
        seed_value = syntax.load(init_grad)
        if self.options.check_dims:
            seed_value = self.runtime_call("seed", [seed_value, syntax.clone(returned)])
        if isinstance(returned, gast.Name):
            if not self.adjoint(returned.id):
                return [], set()
            return [syntax.assign(self.adjoint(returned.id), seed_value)], {returned.id}
        if not isinstance(returned, gast.Tuple):
            return [], set()  # a constant: nothing flows back
        names = [e.id if isinstance(e, gast.Name) else None for e in returned.elts]
        distinct = [n for n in names if n is not None]
        if len(set(distinct)) == len(distinct):
            elts = [syntax.store(self.adjoint(n) if n and self.adjoint(n) else "_")
                    for n in names]
            if all(e.id == "_" for e in elts):
                return [], set()
            assigned = {n for n in distinct if self.adjoint(n)}
            return [syntax.assign(syntax.tuple_of(elts, gast.Store()), seed_value)], assigned
        seeds = self.namer.fresh("seeds")
        out = [syntax.assign(seeds, seed_value)]
        for i, n in enumerate(names):
            if n and self.adjoint(n):
                part = gast.Subscript(value=syntax.load(seeds), slice=syntax.const(i),
                                      ctx=gast.Load())
                out.append(self.accumulate(n, part))
        return out, set()

    def prepare(self, body: list[gast.stmt], depth: int, adjoints: dict[int, Adjoint]) -> None:
        """The adjoint statements of every active statement, by statement id."""
        for stmt in body:
            if isinstance(stmt, (gast.Assign, gast.Expr)) and anno.info(stmt).active:
                adjoints[id(stmt)] = self.adjoint_of(stmt, nested=depth > 0)
            if isinstance(stmt, gast.With):
                continue  # a gradient hook's body is the user's backward-sweep code
            for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
                if isinstance(inner, list):
                    self.prepare(inner, depth + 1, adjoints)

    def nested_names(self, body: list[gast.stmt], depth: int = 0,
                     assignments_only: bool = False) -> set[str]:
        """Names bound inside if/for/while (the ones that may need saving); with
        ``assignments_only``, those saved before an assignment (not top-level loop targets,
        which are saved after each iteration)."""
        names: set[str] = set()
        for stmt in body:
            if depth:
                names |= set(self.targets(stmt)) if isinstance(stmt, gast.Assign) else set()
            if (isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name)
                    and (depth or not assignments_only)):
                names.add(stmt.target.id)
            if isinstance(stmt, gast.With):
                continue
            for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
                if isinstance(inner, list):
                    names |= self.nested_names(inner, depth + 1, assignments_only)
        return names

    def decide_saves(self, body: list[gast.stmt], adjoints: dict[int, Adjoint]) -> None:
        """Save a name bound inside if/for/while only if backward code that runs after the
        binding's own backward step reads it: code of earlier statements, of the statement
        itself, and of anything in the same loop (earlier iterations).  To a fixed point, as
        restoring a value can make an ``if`` read its condition in the backward sweep."""
        order: dict[int, tuple[int, int | None]] = {}  # stmt -> (position, outermost loop)
        bindings: list[tuple[int, str]] = []  # (stmt, name) bound inside if/for/while

        def walk(stmts: list[gast.stmt], depth: int, loop: int | None) -> None:
            for stmt in stmts:
                outer = loop if loop is not None else (
                    id(stmt) if isinstance(stmt, (gast.For, gast.While)) else None)
                order[id(stmt)] = (len(order), outer if depth or outer == id(stmt) else loop)
                if depth and isinstance(stmt, gast.Assign):
                    bindings.extend((id(stmt), n) for n in self.targets(stmt))
                if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name):
                    bindings.append((id(stmt), stmt.target.id))
                if isinstance(stmt, gast.With):
                    continue
                for inner in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
                    if isinstance(inner, list):
                        walk(inner, depth + 1, outer)

        walk(body, 0, None)
        # each ``x[i] = v`` and the names that may be its array (x and its copies)
        updates = [(id(s), self.copies.get(base, {base}))
                   for s in syntax.statements(body, with_bodies=False)
                   if (base := self.setitem_base(s)) is not None]
        while True:
            self.reads, self.captures, self.replayed = {}, {}, set()
            backward = self.backward(body, 0, adjoints)
            self.shape_only = self.saved - self.value_reads(backward)
            new = set(self.saved)
            for binding, name in bindings:
                position, loop = order[binding]
                for stmt_id, names in self.reads.items():
                    other, other_loop = order.get(stmt_id, (-1, None))
                    if stmt_id != binding or loop is not None:  # other runs of a loop too
                        names = names | self.captures.get(stmt_id, set())
                    if name in names and (other <= position or (
                            loop is not None and other_loop == loop)):
                        new.add(name)
                        break
            read_anywhere = set().union(set(), *self.reads.values())
            slices = {i for i, names in updates if names & read_anywhere} | self.saved_slices
            if new == self.saved and slices == self.saved_slices:
                return
            self.saved, self.saved_slices = new, slices

    def value_reads(self, stmts: list[gast.stmt]) -> set[str]:
        """Names the statements read other than for their shape (``unbroadcast(g, x)``
        reads ``x`` only for its shape: see ``runtime.SHAPE_ARGUMENTS``)."""
        shape_reads: set[int] = set()
        names: set[str] = set()
        copies: dict[str, set[str]] = {}  # x_out = x: x is read as x_out is
        for node in (n for s in stmts for n in gast.walk(s)):
            if (isinstance(node, gast.Assign) and isinstance(node.value, gast.Name)
                    and isinstance(node.targets[0], gast.Name)):
                copies.setdefault(node.targets[0].id, set()).add(node.value.id)
                shape_reads.add(id(node.value))
            elif isinstance(node, gast.Call):
                helper = self.namespace.resolve(node.func)
                positions = runtime.SHAPE_ARGUMENTS.get(helper, ()) if helper else ()
                shape_reads |= {id(node.args[i]) for i in positions if i < len(node.args)}
            elif (isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load)
                  and id(node) not in shape_reads):
                names.add(node.id)
        pending = list(names)
        while pending:
            for source in copies.get(pending.pop(), ()):
                if source not in names:
                    names.add(source)
                    pending.append(source)
        return names

    def initial_values(self, body: list[gast.stmt], params: list[str],
                       needed: set[str]) -> list[gast.stmt]:
        """Names bound only inside if/for/while that are saved before their first binding,
        or that the backward sweep reads whatever branch ran, start as None."""
        bound = set(params)
        out = []
        for stmt in body:
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                pushed_first = self.nested_names([stmt], assignments_only=True)
                first = sorted((pushed_first & (self.saved | needed)) - bound)
                for name in first:
                    out.append(self.generated(syntax.assign(name, syntax.const(None))))
                bound |= set(first)
            out.append(stmt)
            bound |= set().union(*(set(self.targets(s))
                                   for s in syntax.statements([stmt], with_bodies=False)
                                   if isinstance(s, gast.Assign)))
        return out

    def build(self) -> gast.FunctionDef:
        fn = self.fn
        params = parameter_names(fn)
        wrt_names = [params[i] for i in self.options.wrt]
        *body, ret = fn.body
        returned = ret.value
        init_grad = self.options.seed
        adjoints: dict[int, Adjoint] = {}
        self.reaching = dataflow.reaching_definitions(fn)
        self.prepare(body, 0, adjoints)
        self.decide_saves(body, adjoints)
        forward = self.forward(body, 0)
        if self.stack is not None or self.saved or self.saved_slices:
            forward.insert(0, self.generated(syntax.assign(self.stack_name(),
                                                           gast.List(elts=[], ctx=gast.Load()))))
        seed_statements, seeded = self.seed(returned, init_grad)
        zero_inits = []
        for name in self._zero_init_order(body, wrt_names):
            if name in seeded or self.is_iteration_local(name):
                continue
            if name not in self.active:  # a wrt input the output does not depend on
                self.adjoints[name] = self.namer.adjoint(name)
            zero_inits.append(self.zero(name, self.adjoints.get(name) or self.adjoint(name)))
        backward = seed_statements + zero_inits if seeded else zero_inits + seed_statements
        backward += self.backward(body, 0, adjoints)
        needed = set().union(*(syntax.loaded_names(s) for s in backward))
        if self.options.preserve_result:
            needed |= syntax.loaded_names(returned)
        forward = self.initial_values(forward, params, needed)
        grads = [syntax.load(self.adjoints[n]) for n in wrt_names]
        value: list[gast.expr] = []
        if self.options.preserve_result:  # read before the backward sweep restores anything
            name = self.namer.fresh("value")
            self.namer.temporaries.add(name)
            forward.append(self.generated(syntax.assign(name, syntax.clone(returned))))
            value = [syntax.load(name)]
        outputs = grads + value
        result = outputs[0] if len(outputs) == 1 else syntax.tuple_of(outputs)
        new_args = syntax.clone(fn.args)
        if not self.options.seed_required:
            new_args.args.append(syntax.param(init_grad))
            new_args.defaults.append(syntax.const(1.0))
        elif new_args.defaults or new_args.kwonlyargs:
            new_args.kwonlyargs.append(syntax.param(init_grad))
            new_args.kw_defaults.append(None)
        else:
            new_args.args.append(syntax.param(init_grad))
        name = self.namer.fresh("d" + fn.name + "_" + "_".join(f"d{n}" for n in wrt_names))
        return gast.FunctionDef(
            name=name, args=new_args,
            body=forward + [syntax.comment("")] + backward + [gast.Return(value=result)],
            decorator_list=[], returns=None, type_comment=None, type_params=[],
        )

    def _zero_init_order(self, body: list[gast.stmt], wrt_names: list[str]) -> list[str]:
        order = list(wrt_names)
        for stmt in syntax.statements(body, with_bodies=False):
            names: list[str] = []
            if isinstance(stmt, (gast.Assign, gast.Expr)) and anno.info(stmt).active:
                op = operation(stmt, self.parsed, self.local_names)
                names = op.inputs + targets(stmt)
            elif isinstance(stmt, gast.For) and self.flows_from_iterable(stmt):
                names = [stmt.target.id]
            for name in names:
                if name in self.active and name not in order:
                    order.append(name)
        return order


def reverse_ad(fn: gast.FunctionDef, parsed: ParsedFunction, activity: Activity, namer: Namer,
               namespace: Namespace, options: ReverseOptions,
               pairs: Callable[..., tuple[str, str]] | None = None,
               ) -> gast.FunctionDef:
    """The joint derivative function of a normalized, annotated function.  ``pairs(f, wrt)``
    names the forward and backward halves of the derivative of a user function ``f``."""
    return ReverseAD(fn, parsed, activity, namer, namespace, options, pairs).build()
