"""Stage 4 (reverse mode): a normalized function to its joint forward-and-backward function.

The output reads top to bottom as a person would write a gradient by hand: the user's
computation (the forward sweep), then one block per active statement in reverse order, each
headed by ``# Grad of: <the user's line>``.  Adjoints start at zero and every contribution is
accumulated (``bx = bx + ...``); the optimizer turns a first contribution into a plain
assignment and removes what is dead.  An empty comment marks where the forward sweep ends,
so split motion can cut the function in two.
"""
from __future__ import annotations

from dataclasses import dataclass

import gast

from tangentlike import anno, registry, runtime, syntax
from tangentlike.annotate import Activity, operation, targets, where
from tangentlike.naming import Namer
from tangentlike.parsing import ParsedFunction
from tangentlike.template import Namespace, instantiate


@dataclass
class ReverseOptions:
    wrt: tuple[int, ...] = (0,)
    preserve_result: bool = False
    check_dims: bool = True
    seed_required: bool = False


def is_boundary(stmt: gast.stmt) -> bool:
    """The empty comment between the forward sweep and the backward sweep."""
    return syntax.is_comment(stmt) and stmt.value.value == ""


def parameter_names(fn: gast.FunctionDef) -> list[str]:
    return [a.id for a in fn.args.posonlyargs + fn.args.args]


class ReverseAD:
    """Builds the derivative of one normalized function."""

    def __init__(self, fn: gast.FunctionDef, parsed: ParsedFunction, activity: Activity,
                 namer: Namer, namespace: Namespace, options: ReverseOptions):
        self.fn = fn
        self.parsed = parsed
        self.active = activity.active
        self.namer = namer
        self.namespace = namespace
        self.options = options
        self.local_names = syntax.stored_names(fn)
        self.adjoints: dict[str, str] = {}
        self.containers = self._container_names()

    def adjoint(self, name: str) -> str | None:
        """The adjoint variable of an active name (None if it carries no derivative)."""
        if name not in self.active:
            return None
        if name not in self.adjoints:
            self.adjoints[name] = self.namer.adjoint(name)
        return self.adjoints[name]

    def _container_names(self) -> set[str]:
        names = set()
        for stmt in self.fn.body:
            if isinstance(stmt, gast.Assign):
                if isinstance(stmt.targets[0], gast.Tuple) and isinstance(stmt.value, gast.Name):
                    names.add(stmt.value.id)
                if isinstance(stmt.value, (gast.Tuple, gast.List)):
                    names |= syntax.stored_names(stmt.targets[0])
        return names

    # -- building blocks ------------------------------------------------------------------
    def accumulate(self, name: str, value: gast.expr) -> gast.stmt:
        """``bx = bx + value`` (element by element for tuples and lists)."""
        adjoint = self.adjoint(name)
        if name in self.containers:
            add_grad = self.namespace.name_for(_runtime("add_grad"), "add_grad")
            total = syntax.call(syntax.load(add_grad), [syntax.load(adjoint), value])
        else:
            total = gast.BinOp(left=syntax.load(adjoint), op=gast.Add(), right=value)
        stmt = syntax.assign(adjoint, total)
        record = anno.info(stmt)
        record.contribution = record.generated = True
        return stmt

    def runtime_call(self, helper: str, args: list[gast.expr]) -> gast.Call:
        name = self.namespace.name_for(_runtime(helper), helper)
        return syntax.call(syntax.load(name), args)

    # -- the adjoint of one statement -----------------------------------------------------
    def adjoint_statements(self, stmt: gast.Assign) -> list[gast.stmt]:
        op = operation(stmt, self.parsed, self.local_names)
        target = stmt.targets[0]
        if op.kind == "copy":
            return [self.accumulate(op.inputs[0], syntax.load(self.adjoint(target.id)))]
        if op.kind == "tuple":
            out = []
            for i, elt in enumerate(op.args):
                if isinstance(elt, gast.Name) and self.adjoint(elt.id):
                    part = gast.Subscript(value=syntax.load(self.adjoint(target.id)),
                                          slice=syntax.const(i), ctx=gast.Load())
                    out.append(self.accumulate(elt.id, part))
            return out
        if op.kind == "unpack":
            parts = [syntax.load(self.adjoint(e.id)) if self.adjoint(e.id)
                     else self.runtime_call("zeros_like", [syntax.load(e.id)])
                     for e in target.elts]
            return [self.accumulate(op.inputs[0], syntax.tuple_of(parts))]
        rule = registry.adjoint_rule(op.key)
        body = instantiate(rule, syntax.load(target.id), op.args, op.keywords, self.adjoint,
                           self.namer, self.namespace, where(stmt, self.parsed))
        return self.accumulate_contributions(body)

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

    # -- the whole function ---------------------------------------------------------------
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

    def build(self) -> gast.FunctionDef:
        fn = self.fn
        params = parameter_names(fn)
        wrt_names = [params[i] for i in self.options.wrt]
        *body, ret = fn.body
        returned = ret.value
        init_grad = self.namer.fresh("init_grad")
        forward = list(body)
        backward: list[gast.stmt] = []
        seed_statements, seeded = self.seed(returned, init_grad)
        zero_inits: list[gast.stmt] = []
        for name in self._zero_init_order(body, wrt_names):
            if name in seeded:
                continue
            if name not in self.active:  # a wrt input the output does not depend on
                self.adjoints[name] = self.namer.adjoint(name)
            zero = self.runtime_call("zeros_like", [syntax.load(name)])
            init = syntax.assign(self.adjoints.get(name) or self.adjoint(name), zero)
            anno.info(init).generated = True
            zero_inits.append(init)
        backward += zero_inits + seed_statements if not seeded else seed_statements + zero_inits
        previous_origin = None
        for stmt in reversed(body):
            if not anno.info(stmt).active:
                continue
            origin = anno.info(stmt).origin
            if origin is not None and origin != previous_origin:
                backward.append(syntax.comment(f"Grad of: {_statement_text(origin.line)}"))
                previous_origin = origin
            backward += self.adjoint_statements(stmt)
        grads = [syntax.load(self.adjoints[n]) for n in wrt_names]
        outputs = grads + ([syntax.clone(returned)] if self.options.preserve_result else [])
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
        name = "d" + fn.name + "_" + "_".join(f"d{n}" for n in wrt_names)
        name = self.namer.fresh(name)
        return gast.FunctionDef(
            name=name, args=new_args,
            body=forward + [syntax.comment("")] + backward + [gast.Return(value=result)],
            decorator_list=[], returns=None, type_comment=None, type_params=[],
        )

    def _zero_init_order(self, body: list[gast.stmt], wrt_names: list[str]) -> list[str]:
        order = list(wrt_names)
        for stmt in body:
            if anno.info(stmt).active:
                op = operation(stmt, self.parsed, self.local_names)
                for name in op.inputs + targets(stmt):
                    if name in self.active and name not in order:
                        order.append(name)
        return order


def _statement_text(line: str) -> str:
    text = line.strip()
    return text if not text.endswith(("(", "[", "{", ",", "\\")) else text + " ..."


def _runtime(helper: str):
    return getattr(runtime, helper)


def reverse_ad(fn: gast.FunctionDef, parsed: ParsedFunction, activity: Activity, namer: Namer,
               namespace: Namespace, options: ReverseOptions) -> gast.FunctionDef:
    """The joint derivative function of a normalized, annotated function."""
    return ReverseAD(fn, parsed, activity, namer, namespace, options).build()
