"""Functions as values, lowered before the rest of the frontend sees them (issue 16, items 1
and 2).

- A ``def`` nested in the function, and a ``lambda``, is *lifted*: it becomes a function of
  its own (``synthetic``: a real Python function, compiled from the user's lines, whose source
  tangentlike keeps), with each local of the enclosing function it reads as a keyword-only
  parameter.  A call ``g(t)`` becomes ``g(t, a=a)``: the values are passed when the call
  runs, as Python's closures read their cells then, and a derivative flows back to them like
  to any argument.  Free variables that are not locals (globals, the enclosing function's own
  closure cells) stay free: the lifted function shares the enclosing one's globals and cells.
- A call of your function with a function among its arguments (``apply(np.sin, x)``,
  ``apply(lambda t: t * a, x)``, ``apply(g, x)``, ``apply(functools.partial(h, y), x)``) is
  *specialized*: it calls a copy of ``apply`` in which that parameter is a closure cell
  holding the function, and the values the function carries (its captured locals, a
  partial's arguments) are keyword-only parameters of their own.  Calls of the parameter
  inside are then calls of a known function, differentiated as usual, in every mode.
- A local name bound once to a function (``act = np.tanh``, ``g = lambda t: ...``,
  ``g = functools.partial(h, y)``) stands for it: its calls are calls of that function.
  ``map(f, xs)`` is the generator ``(f(v) for v in xs)``, and a ``for`` over a literal tuple
  of functions runs its body once for each.

A function value used in any other way (returned, stored in a list) is left as a value:
code that does not differentiate through it runs as written, and a differentiated value that
reaches it is refused by the later passes, as any opaque call is.
"""
from __future__ import annotations

import ast
import builtins
import functools
import sys
import types
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.core.guards import unwrap
from tangentlike.core.naming import Namer
from tangentlike.errors import UnsupportedSyntaxError
from tangentlike.frontend import constructors, distributions, flattening, lazy_where
from tangentlike.frontend.lifting import (
    LIFTED,
    NonlocalReads,
    compile_function,
    constant_defaults,
    free_names,
    params_of,
    positional_parameters,
    scope_names,
    without,
    writes_nonlocal,
)
from tangentlike.frontend.namespaces import module_of, module_reference, substitute
from tangentlike.frontend.operations import MISSING, resolve
from tangentlike.frontend.parsing import (
    ParsedFunction,
    generated_name,
    parse_function,
    register_synthetic,
)
from tangentlike.frontend.standardized import standardized
from tangentlike.frontend.varargs import has_star_parameters
from tangentlike.rules import registry
from tangentlike.rules.checkpoint import checkpointed_function


@dataclass
class FunctionValue:
    """A function a name stands for: a call ``name(*a, **k)`` runs
    ``target(*args, *a, **k, **keywords)``.  ``name`` is how the code being lowered reaches
    ``target`` (a closure cell of a lifted function, or a name the generated module holds);
    ``args`` and ``keywords`` are expressions of that code (captured locals, a partial's
    arguments)."""

    target: Callable
    name: str
    args: list[gast.expr] = field(default_factory=list)
    keywords: list[tuple[str, gast.expr]] = field(default_factory=list)
    # a lifted function's defaults that are not literals (``def g(t, s=a)``), evaluated where
    # its def ran: (parameter, its position or None if keyword-only, the value's expression);
    # a call that does not pass the parameter passes the value (``g(x, s=g_s)``)
    defaults: list[tuple[str, int | None, gast.expr]] = field(default_factory=list)

    @property
    def carried(self) -> list[tuple[str, gast.expr]]:
        """The values the function carries, each with a suffix for its parameter's name."""
        return [(str(i), e) for i, e in enumerate(self.args)] + list(self.keywords) + [
            (f"default_{p}", e) for p, _, e in self.defaults]

    @property
    def shape(self) -> tuple:
        """What a function made for this value depends on besides its target."""
        return (len(self.args), tuple(k for k, _ in self.keywords),
                tuple((p, i) for p, i, _ in self.defaults))

    def fill_defaults(self, node: gast.Call, where: Callable[[gast.AST], Any]) -> None:
        """``node`` (a call of the value, its carried values in) passing each default the
        call leaves out; ``where`` gives a refusal's location."""
        if not self.defaults:
            return
        if any(isinstance(a, gast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords):
            raise UnsupportedSyntaxError(
                "a starred call (f(*xs), f(**d)) of a nested function or lambda whose "
                "default value is not a literal", where(node),
                hint="pass the arguments one by one")
        given = {k.arg for k in node.keywords}
        for param, index, expr in self.defaults:
            if param not in given and (index is None or index >= len(node.args)):
                node.keywords.append(gast.keyword(arg=param, value=syntax.clone(expr)))


# tangentlike's own transforms (``grad``, ``value_and_grad``, ...: the API registers them):
# ``g = tangentlike.grad(h)`` inside a differentiated function makes the derivative of ``h``
# when the function is generated, and ``g(x)`` calls it like any function with source.
TRANSFORMS: set[Callable] = set()

# Lifted functions by enclosing function and place; specializations by callee and key;
# derivatives made by transforms, by function and call.
# The values of ``name = value`` that are no module, frozen distribution or function
# (arithmetic and literals, most of the user's statements): ``module_of`` asks for a call
# or a dotted name, ``stands_frozen`` for a call, ``function_value`` for a name, a lambda,
# a call or a dotted name, so :meth:`Lowering.statement` asks none of the three of them.
_NO_FUNCTION_VALUES = frozenset({gast.BinOp, gast.UnaryOp, gast.BoolOp, gast.Compare,
                                 gast.Constant})
_TRANSFORMED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SPECIALIZED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_IN_PROGRESS: set[tuple] = set()


class Lowering(syntax.Transformer):
    """Lowers function values in one function (see the module docstring).  ``values``: the
    function values its free names stand for (a lifted or specialized function's)."""

    def __init__(self, parsed: ParsedFunction, name_for: Callable[[Any, str], str],
                 values: dict[str, FunctionValue]):
        self.parsed = parsed
        self.name_for = name_for
        self.values = dict(values)
        node = parsed.node
        scope = scope_names(node)  # (one walk: the counts, and the body's names)
        self.bindings = scope.counts
        self.defs: set[str] = scope.defs  # nested functions' names, names bound to lambdas
        nested = scope.nested  # the nested functions and lambdas
        bound = scope.bound  # (syntax.stored_names(node): the body's, and the header's)
        for header in (f for f in node._fields if f != "body"):  # (its parameters...)
            value = getattr(node, header, None)
            bound.update(*(syntax.stored_names(item) for item in (
                value if isinstance(value, list) else [value]) if isinstance(item, gast.AST)))
        self.locals = bound | {p.id for p in params_of(node.args)} | self.defs
        self.pending: list[gast.stmt] = []  # statements to put before the current one
        # names bound once to a module (``xp = np``, ``xp = array_namespace(x)``): how the
        # code reaches it, and the module (frontend/namespaces.py)
        self.modules: dict[str, gast.expr] = {}
        self.module_values: dict[str, Any] = {}
        self.frozen: dict[str, gast.Call] = {}  # d = norm(m, s): frontend/distributions.py
        self.nested_reads = set().union(set(), *(free_names(n) for n in nested))
        self.deferred = 0  # inside a comprehension or a while test (not evaluated once)
        # as_value's partials of a function with a positional default that is not a literal
        self.with_defaults: dict[int, tuple[FunctionValue, gast.Call]] = {}
        self.evaluated: dict[int, tuple[gast.expr, gast.expr]] = {}  # bind_once's

    # -- statements ---------------------------------------------------------------------
    def run(self) -> None:
        self.parsed.node.body = self.statements(self.parsed.node.body)
        left = self.with_defaults and (
            {id(n) for n in syntax.walk(self.parsed.node)} & set(self.with_defaults))
        if left:
            value, made = self.with_defaults[left.pop()]
            raise UnsupportedSyntaxError(
                "a nested function or lambda with a default value that is not a literal "
                f"({value.defaults[0][0]}=...), used as a value (not called where it is "
                "written or passed to your function)", self.parsed.location(made),
                hint="make the parameter keyword-only (def g(t, *, s=a)), or pass the value "
                "as an argument")

    def statements(self, body: list[gast.stmt]) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for stmt in body:
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt: gast.stmt) -> list[gast.stmt]:
        if isinstance(stmt, gast.FunctionDef) and self.bindings.get(stmt.name) == 1:
            self.values[stmt.name] = self.lift(stmt, stmt.name)
            out, self.pending = self.pending, []
            return out  # its defaults' values, if any
        if flattening.unpacked(stmt, self.resolve):  # v, unflatten = flatten(value)
            stmt.value.args = [self.visit(stmt.value.args[0])]
            new = flattening.split(stmt, self.name_for, self.bind_now)
            out, self.pending = self.pending, []
            return [*out, *new]
        if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)
                and stmt.value.__class__ not in _NO_FUNCTION_VALUES
                and self.bindings.get(stmt.targets[0].id) == 1):
            name = stmt.targets[0].id
            module = None if name in self.nested_reads else module_of(stmt.value, self.resolve)
            if module is not None:
                self.modules[name] = module_reference(stmt.value, module, self.name_for)
                self.module_values[name] = module
                return []
            if self.stands_frozen(name, stmt.value):
                self.frozen[name] = self.frozen_now(name, stmt.value)
                out, self.pending = self.pending, []
                return out  # the frozen arguments' values, bound now
            value = self.function_value(stmt.value, snapshot=name)
            if value is not None:
                self.values[name] = value
                out, self.pending = self.pending, []
                return out
        if isinstance(stmt, gast.For) and not stmt.orelse:
            unrolled = self.unroll(stmt)
            if unrolled is not None:
                return unrolled
        for name in ("body", "orelse", "finalbody"):
            if isinstance(getattr(stmt, name, None), list):
                setattr(stmt, name, self.statements(getattr(stmt, name)))
        if isinstance(stmt, gast.Try):
            for handler in stmt.handlers:
                handler.body = self.statements(handler.body)
        for name, value in gast.iter_fields(stmt):
            if name in ("body", "orelse", "finalbody", "handlers"):
                continue
            if isinstance(stmt, gast.While) and name == "test":  # evaluated at each trip
                self.deferred += 1
                stmt.test = self.visit(value)
                self.deferred -= 1
            elif isinstance(value, gast.AST):
                setattr(stmt, name, self.visit(value))
            elif isinstance(value, list):
                setattr(stmt, name, [self.visit(v) if isinstance(v, gast.AST) else v
                                     for v in value])
        out, self.pending = self.pending, []
        return [*out, stmt]

    def unroll(self, stmt: gast.For) -> list[gast.stmt] | None:
        """``for f in (np.sin, g): body`` as the body once for each function."""
        if not (isinstance(stmt.target, gast.Name)
                and isinstance(stmt.iter, (gast.Tuple, gast.List)) and stmt.iter.elts):
            return None
        if any(isinstance(n, (gast.Break, gast.Continue)) for s in stmt.body
               for n in gast.walk(s)) or stmt.target.id in set().union(
                   *(syntax.stored_names(s) for s in stmt.body)):
            return None
        if self.bindings.get(stmt.target.id) != 1:
            return None
        values = [self.function_value(e) for e in stmt.iter.elts]
        if any(v is None or v.args or v.defaults or any(
                self.bindings.get(n, 0) > 1 for _, e in v.keywords
                for n in syntax.loaded_names(e)) for v in values):
            return None  # (a value carried is read at each call, as it would be once)
        out, self.pending = self.pending, []
        name = stmt.target.id
        for value in values:
            self.values[name] = value
            out.extend(self.statements(syntax.clone(stmt.body)))
        del self.values[name]
        return out

    # -- expressions --------------------------------------------------------------------
    def visit_Call(self, node: gast.Call) -> gast.expr:
        if self.modules:  # xp.sum(t), xp a module's name: numpy.sum
            node.func = substitute(node.func, self.modules, self.module_values)
        point = distributions.point_call(node)  # norm(m, s).logpdf(x): norm.logpdf(x, m, s)
        if point is not None:
            frozen, method = point
            if isinstance(frozen, gast.Name) and frozen.id in self.frozen:
                node = distributions.unfrozen(self.frozen[frozen.id], method, node)
            elif distributions.freezes(frozen, self.resolve):
                node = distributions.unfrozen(frozen, method, node)
        func = node.func
        if _returns_lambda(node):  # (lambda b: lambda x: ...)(a) as a value
            value = self.applied(node)
            if value is not None:
                return self.as_value(value, node)
        if isinstance(func, gast.Name) and func.id in self.values:
            node.args = [self.visit(a) for a in node.args]
            node.keywords = [self.visit(k) for k in node.keywords]
            return self.call(self.values[func.id], node)
        if isinstance(func, gast.Lambda) or (isinstance(func, gast.Call) and func.args
                                             and self.resolve(func.func) in TRANSFORMS) \
                or _returns_lambda(func):
            value = self.function_value(func)
            if value is None:
                self.generic_visit(node)
                return node
            node.args = [self.visit(a) for a in node.args]
            node.keywords = [self.visit(k) for k in node.keywords]
            return self.call(value, node)
        callee = self.resolve(func)
        builder = _builder(callee)
        if builder is not None:  # Layer(W, b): init_Layer(W, b), its attributes set
            self.generic_visit(node)
            node.func = self.callee_name(FunctionValue(builder, self.name_for(
                builder, builder.__name__)), node.func)
            return self.specialize(builder, node) if self.specializable(builder) else node
        generic = standardized(callee)
        if generic is not None:  # scipy.stats.alpha.logpdf(x, a): alpha._logpdf at z
            self.generic_visit(node)
            node.func = self.callee_name(FunctionValue(generic, self.name_for(
                generic, generic.__name__)), node.func)
            return self.specialize(generic, node) if self.specializable(generic) else node
        lazy = lazy_where.rewritten(callee, node)
        if lazy is not None:  # SciPy's apply_where(cond, (x, s), f1, fill_value=v)
            stand_in, node = lazy
            self.generic_visit(node)
            node.func = self.callee_name(FunctionValue(stand_in, self.name_for(
                stand_in, stand_in.__name__)), node.func)
            return self.specialize(stand_in, node)
        method = _method_of_object(callee)
        if method is not None and (isinstance(func, gast.Attribute) or not isinstance(
                callee, types.MethodType)):  # MODEL.loss(x), LAYER(x): the class's
            # function, object first
            self.generic_visit(node)
            receiver = func.value if isinstance(callee, types.MethodType) else func
            node.args = [syntax.clone(receiver), *node.args]
            node.func = self.callee_name(FunctionValue(method, self.name_for(
                method, generated_name(method))), node.func)
            if self.specializable(method):
                return self.specialize(method, node)
            return node
        if syntax.dotted_name(func) is None and not isinstance(func, gast.Call):
            # LAYERS[0](x), self.layers[0].forward(x): the object in a name of its own, so
            # the call is one of a local value (found when it runs)
            root = func.value if isinstance(func, gast.Attribute) else func
            if not isinstance(root, gast.Name):
                self.generic_visit(node)
                name = self.bind_now("callee", self.visit(root))
                if isinstance(func, gast.Attribute):
                    func.value = name
                else:
                    node.func = name
                return node
        if callee is map and len(node.args) > 1 and not node.keywords:
            if self.function_value(node.args[0]) is not None:
                return self.visit(_as_generator(node, self.fresh))
        if (callee is list and len(node.args) == 1 and not node.keywords
                and isinstance(node.args[0], gast.Call)
                and self.resolve(node.args[0].func) is map):
            generator = self.visit(node.args[0])
            if isinstance(generator, gast.GeneratorExp):  # list(map(f, xs)): a list
                return gast.copy_location(gast.ListComp(
                    elt=generator.elt, generators=generator.generators), node)
        self.generic_visit(node)
        if self.specializable(callee):
            return self.specialize(callee, node)
        return node

    def visit_comprehension_like(self, node: gast.expr) -> gast.expr:
        self.deferred += 1
        try:
            return self.generic_visit(node)
        finally:
            self.deferred -= 1

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = \
        visit_comprehension_like

    def visit_Lambda(self, node: gast.Lambda) -> gast.expr:
        return self.as_value(self.lift(node, self.lambda_name(node)), node)

    def visit_Constant(self, node: gast.Constant) -> gast.expr:
        return node  # (``generic_visit``'s answer: a constant holds no node)

    def visit_Name(self, node: gast.Name) -> gast.expr:
        if isinstance(node.ctx, gast.Load) and node.id in self.values:
            return self.as_value(self.values[node.id], node)
        if isinstance(node.ctx, gast.Load) and node.id in self.modules:
            return gast.copy_location(syntax.clone(self.modules[node.id]), node)
        return node

    def as_value(self, value: FunctionValue, node: gast.AST) -> gast.expr:
        """The function as a value (not called here): itself, or a ``functools.partial`` of
        it with the values it carries: the values now, which is what Python's closure reads
        later only if no name it captures is bound again (else refused)."""
        func = self.callee_name(value, node)
        if not value.carried:
            return func
        rebound = sorted(n for _, e in value.keywords for n in syntax.loaded_names(e)
                         if self.bindings.get(n, 0) > 1)
        if rebound:
            raise UnsupportedSyntaxError(
                f"a nested function or lambda used as a value (not called where it is "
                f"written or passed to your function) that reads {rebound[0]!r}, which the "
                "function binds again: Python's closure would read its value when called",
                self.parsed.location(node),
                hint="call it where it is defined, pass the value as an argument, or bind "
                "it with functools.partial")
        partial = self.callee_name(FunctionValue(
            functools.partial, self.name_for(functools.partial, "partial")), node)
        made = gast.copy_location(syntax.call(
            partial, [func, *map(syntax.clone, value.args)],
            [gast.keyword(arg=k, value=syntax.clone(e)) for k, e in value.keywords]
            + [gast.keyword(arg=p, value=syntax.clone(e)) for p, _, e in value.defaults]),
            node)
        if any(i is not None for _, i, _ in value.defaults):
            # a partial would take a positional argument for it twice: only passed to your
            # function (specialize) it is the function; refused if left a value (run)
            self.with_defaults[id(made)] = (value, made)
        return made

    def callee_name(self, value: FunctionValue, node: gast.AST) -> gast.Name:
        func = gast.copy_location(syntax.parse_expr(value.name), node)
        target = value.target
        if isinstance(getattr(target, "stands_for", None), types.FunctionType):
            target = target.stands_for  # a derivative: the generated function it runs
        anno.info(func).callee = target
        return func

    def call(self, value: FunctionValue, node: gast.Call) -> gast.Call:
        node.func = self.callee_name(value, node.func)
        node.args = [*map(syntax.clone, value.args), *node.args]
        node.keywords = [*node.keywords, *(gast.keyword(arg=k, value=syntax.clone(e))
                                           for k, e in value.keywords)]
        value.fill_defaults(node, self.parsed.location)
        if self.specializable(value.target):
            return self.specialize(value.target, node)
        return node

    def stands_frozen(self, name: str, value: gast.expr) -> bool:
        """``name = dist(args)`` may be dropped, each ``name.logpdf(x)`` becoming
        ``dist.logpdf(x, args)``: only methods of the point read it, and no nested function
        does (:meth:`frozen_now` binds the arguments' values where the object is made)."""
        if name in self.nested_reads or not distributions.freezes(value, self.resolve):
            return False
        arguments = [*value.args, *(k.value for k in value.keywords)]
        return (not any(isinstance(n, (gast.Lambda, gast.NamedExpr))
                        for a in arguments for n in gast.walk(a))
                and distributions.only_point_calls(name, self.parsed.node.body))

    def frozen_now(self, name: str, value: gast.Call) -> gast.Call:
        """``dist(args)`` with each argument lowered and bound to a name of its own now (a
        literal stays), so that every ``name.logpdf(x)`` reads the values the object froze."""
        args = [self.bind_now(f"{name}_arg", self.visit(a)) for a in value.args]
        keywords = [gast.keyword(arg=k.arg, value=self.bind_now(f"{name}_{k.arg}",
                                                                self.visit(k.value)))
                    for k in value.keywords if k.arg != "seed"]
        return gast.copy_location(gast.Call(func=value.func, args=args, keywords=keywords),
                                  value)

    def resolve(self, node: gast.expr) -> Any:
        if anno.has_info(node) and anno.info(node).callee is not None:
            return anno.info(node).callee
        if syntax.dotted_name(node) is None:
            return MISSING
        return resolve(node, self.parsed, self.locals)

    def function_value(self, node: gast.expr, snapshot: str | None = None,
                       ) -> FunctionValue | None:
        """The function ``node`` is, if it is one known here: a name standing for one, a
        lambda, ``functools.partial(f, ...)``, or a global function (``np.sin``, your own).
        ``snapshot``: a partial's arguments are evaluated now, into names of their own."""
        if isinstance(node, gast.Name) and node.id in self.values:
            return self.values[node.id]
        if id(node) in self.with_defaults:  # made by as_value
            return self.with_defaults[id(node)][0]
        if isinstance(node, gast.Lambda):
            return self.lift(node, snapshot or self.lambda_name(node))
        if isinstance(node, gast.Call) and self.resolve(node.func) is functools.partial \
                and node.args and not any(k.arg is None for k in node.keywords):
            inner = self.function_value(node.args[0])
            if inner is None:
                return None
            args = [self.visit(a) for a in node.args[1:]]
            keywords = [(k.arg, self.visit(k.value)) for k in node.keywords]
            if snapshot is not None:  # bound now, as functools.partial binds them
                args = [self.bind_now(f"{snapshot}_{i}", a) for i, a in enumerate(args)]
                keywords = [(k, self.bind_now(f"{snapshot}_{k}", e)) for k, e in keywords]
            return FunctionValue(inner.target, inner.name, [*inner.args, *args],
                                 [*inner.keywords, *keywords], list(inner.defaults))
        if isinstance(node, gast.Call) and node.args and self.resolve(node.func) in TRANSFORMS:
            return self.transformed(node)
        if _returns_lambda(node):
            return self.applied(node)
        if syntax.dotted_name(node) is None:
            return None
        target = self.resolve(node)
        if not _is_function(target):
            return None
        dotted = syntax.dotted_name(node)
        if "." in dotted:  # np.sin: called as written
            return FunctionValue(target, dotted)
        return FunctionValue(target, self.name_for(target, dotted))

    def applied(self, node: gast.Call) -> FunctionValue | None:
        """``(lambda b: lambda x: x * b)(a)``: the inner lambda with ``b`` a name of its
        own bound now (``lambda_8_b = a``), as the outer call binds it once; None when the
        arguments do not match the parameters one to one, or the inner lambda binds one
        of them again."""
        outer, inner = node.func, node.func.body
        params = [a.id for a in outer.args.posonlyargs + outer.args.args]
        if (outer.args.vararg or outer.args.kwarg or outer.args.kwonlyargs
                or outer.args.defaults or len(node.args) != len(params) or node.keywords
                or any(isinstance(a, gast.Starred) for a in node.args)):
            return None
        bound_inside = {n.id for n in gast.walk(inner) if isinstance(n, gast.Name)
                        and not isinstance(n.ctx, gast.Load)}
        if bound_inside & set(params):
            return None
        base = self.lambda_name(outer)
        values = {p: self.bind_once(f"{base}_{p}", a, "an argument of a lambda that returns "
                                    "a lambda, called where it is written,")
                  for p, a in zip(params, node.args)}
        renamed = syntax.rename(syntax.clone(inner), values)
        for value in values.values():
            if isinstance(value, gast.Name):
                self.bindings[value.id] = 1  # bound once, here
        return self.function_value(renamed)

    def transformed(self, node: gast.Call) -> FunctionValue | None:
        """``tangentlike.grad(h, wrt=...)`` of a function known here, with literal options:
        the derivative, made now; a lambda's captured locals are passed to it as keywords."""
        inner = self.function_value(node.args[0])
        if inner is None or inner.args:
            return None
        try:
            options = [ast.literal_eval(gast.gast_to_ast(syntax.clone(a)))
                       for a in node.args[1:]]
            keywords = {k.arg: ast.literal_eval(gast.gast_to_ast(syntax.clone(k.value)))
                        for k in node.keywords}
        except ValueError:
            return None
        if None in keywords:
            return None
        transform = self.resolve(node.func)
        key = (transform, repr(options), repr(sorted(keywords.items())))
        made = _TRANSFORMED.setdefault(inner.target, {})
        if key not in made:
            made[key] = transform(inner.target, *options, **keywords)
        target = made[key]
        prefix = getattr(transform, "value_prefix", "d")  # checkpoint(step): checkpointed_step
        name = f"{prefix}{getattr(inner.target, '__name__', 'f')}".replace("<", "").replace(
            ">", "")
        return FunctionValue(target, self.name_for(target, name), [], list(inner.keywords),
                             list(inner.defaults))

    def bind_now(self, name: str, value: gast.expr) -> gast.expr:
        if isinstance(value, gast.Constant):
            return value
        name = self.fresh(name)
        self.pending.append(gast.copy_location(syntax.assign(name, value), value))
        return syntax.load(name)

    def bind_once(self, name: str, node: gast.expr, what: str) -> gast.expr:
        """``node``'s value bound now (:meth:`bind_now`), once however often the lowering
        looks at ``node`` (``map(f, xs)`` and a loop over functions look before they
        rewrite): a value it reads again, never evaluated twice.  ``what`` it is, for the
        refusal inside a comprehension or a ``while`` test (evaluated at each element)."""
        known = self.evaluated.get(id(node))
        if known is not None and known[0] is node:
            return syntax.clone(known[1])
        if self.deferred and syntax.loaded_names(node) & self.locals:
            raise UnsupportedSyntaxError(
                f"{what} in a comprehension or a while condition, which reads a local "
                "variable", self.parsed.location(node),
                hint="define the function before, or pass the value as an argument")
        value = self.bind_now(name, self.visit(syntax.clone(node)))
        self.evaluated[id(node)] = (node, value)
        return value

    def fresh(self, base: str) -> str:
        used = syntax.all_names(self.parsed.node) | self.locals
        name, k = base, 0
        while name in used:
            k += 1
            name = f"{base}_{k}"
        self.locals.add(name)
        return name

    def lambda_name(self, node: gast.Lambda) -> str:
        return f"lambda_{node.lineno}"

    # -- lifting ------------------------------------------------------------------------
    def lift(self, fn: gast.FunctionDef | gast.Lambda, name: str) -> FunctionValue:
        """A nested def or lambda as a function of its own (see the module docstring)."""
        parsed = self.parsed
        written = writes_nonlocal(fn)
        if written is not None:
            raise UnsupportedSyntaxError(
                f"a nested function that assigns to the nonlocal variable {written!r}",
                parsed.location(fn),
                hint="return the new value from the nested function and assign it in the "
                "enclosing one")
        if isinstance(fn, gast.FunctionDef) and fn.decorator_list:
            raise UnsupportedSyntaxError(
                f"a decorated nested function ({name})", parsed.location(fn),
                hint="define the decorated function at module level")
        defaults, kwdefaults, evaluated = self.lifted_defaults(fn, name)
        free = free_names(_without_defaults(fn))  # its defaults are evaluated here
        carried = sorted(n for n in free & self.locals if n not in self.values)
        for name_ in carried:
            if self.bindings.get(name_) == 1 and name_ in self.defs:
                raise UnsupportedSyntaxError(
                    f"a nested function that calls {name_!r}, a nested function defined "
                    "after it or itself (recursion)" if name_ != name else
                    f"a recursive nested function ({name})", parsed.location(fn),
                    hint="define the function at module level")
        passed = sorted(n for n in free if n in self.values)
        if isinstance(fn, gast.Lambda):
            node = gast.FunctionDef(name=name, args=fn.args, body=[gast.copy_location(
                gast.Return(value=fn.body), fn.body)], decorator_list=[], returns=None,
                type_comment=None, type_params=[])
            gast.copy_location(node, fn)
        else:
            node = fn
            node.name = name
        node = syntax.clone(node)
        node.body = [s for s in map(NonlocalReads().visit, node.body) if s is not None]
        node.returns = None
        if evaluated:  # every call passes them (FunctionValue.fill_defaults)
            node.args.defaults = []
            dropped = {p for p, _, _ in evaluated}
            node.args.kw_defaults = [None if a.id in dropped else d for a, d in zip(
                node.args.kwonlyargs, node.args.kw_defaults)]
        node.args.kwonlyargs = [*node.args.kwonlyargs, *map(syntax.param, carried)]
        node.args.kw_defaults = [*node.args.kw_defaults, *([None] * len(carried))]
        key = ("lift", fn.lineno, fn.col_offset, name, tuple(carried),
               tuple((n, id(self.values[n].target), self.values[n].shape) for n in passed))
        inner_values, outer_exprs = self.transfer(node, {n: self.values[n] for n in passed})
        func = self.synthesize(key, node, inner_values, defaults, kwdefaults, free - set(carried))
        value = FunctionValue(func, self.name_for(func, name))
        value.keywords = [(n, syntax.load(n)) for n in carried] + outer_exprs
        value.defaults = evaluated
        return value

    def lifted_defaults(self, fn: gast.FunctionDef | gast.Lambda, name: str,
                        ) -> tuple[tuple, dict, list[tuple[str, int | None, gast.expr]]]:
        """The defaults of ``fn``'s parameters: the lifted function's own (literals), and,
        if any default is not a literal, every positional default and those keyword-only
        ones evaluated where the def runs, each into a name of its own (``g_s = a``)."""
        try:
            return (*constant_defaults(fn, self.parsed), [])
        except UnsupportedSyntaxError:
            pass
        args = fn.args
        positional = [*args.posonlyargs, *args.args]
        start = len(positional) - len(args.defaults)
        evaluated = [(p.id, start + k, self.default_now(name, p.id, e))
                     for k, (p, e) in enumerate(zip(positional[start:], args.defaults))]
        kwdefaults = {}
        for param, expr in zip(args.kwonlyargs, args.kw_defaults):
            if expr is None:
                continue
            try:
                kwdefaults[param.id] = ast.literal_eval(gast.gast_to_ast(syntax.clone(expr)))
            except ValueError:
                evaluated.append((param.id, None, self.default_now(name, param.id, expr)))
        return (), kwdefaults, evaluated

    def default_now(self, name: str, param: str, expr: gast.expr) -> gast.expr:
        """A default's value, evaluated now (where the def runs): a literal or a global
        function as written, else into a name of its own."""
        if isinstance(expr, gast.Constant):
            return syntax.clone(expr)
        if syntax.dotted_name(expr) is not None and not syntax.loaded_names(expr) & \
                self.locals and self.function_value(expr) is not None:
            return syntax.clone(expr)  # act=np.tanh: the function, known here
        return self.bind_once(f"{name}_{param}", expr,
                              f"a default value that is not a literal ({param}=...)")

    @staticmethod
    def transfer(node: gast.FunctionDef, values: dict[str, FunctionValue],
                 ) -> tuple[dict[str, FunctionValue], list[tuple[str, gast.expr]]]:
        """The function values ``names`` stand for, passed into the new function ``node``:
        each a closure cell there (its own name), and each value it carries a keyword-only
        parameter ``name_suffix``; also the keywords a call passes those values as."""
        inner: dict[str, FunctionValue] = {}
        outer: list[tuple[str, gast.expr]] = []
        for name, value in values.items():
            moved = FunctionValue(value.target, name)
            defaults = {f"default_{p}": (p, i) for p, i, _ in value.defaults}
            for suffix, expr in value.carried:
                param = f"{name}_{suffix}"
                node.args.kwonlyargs.append(syntax.param(param))
                node.args.kw_defaults.append(None)
                outer.append((param, expr))
                if suffix in defaults:
                    moved.defaults.append((*defaults[suffix], syntax.load(param)))
                elif suffix.isdigit():
                    moved.args.append(syntax.load(param))
                else:
                    moved.keywords.append((suffix, syntax.load(param)))
            inner[name] = moved
        return inner, outer

    def synthesize(self, key: tuple, node: gast.FunctionDef,
                   values: dict[str, FunctionValue], defaults: tuple, kwdefaults: dict,
                   free: set[str]) -> types.FunctionType:
        """The Python function for ``node`` (cached by ``key`` per enclosing function), its
        free names in ``values`` closure cells holding their targets."""
        owner = self.parsed.func
        cache = LIFTED.setdefault(owner, {})
        if key not in cache:
            outer_cells = dict(zip(owner.__code__.co_freevars, owner.__closure__ or ()))
            cells = {n: outer_cells[n] for n in free if n in outer_cells}
            cache[key] = synthetic(owner, node, self.parsed.filename, cells, values,
                                   defaults, kwdefaults)
        return cache[key]

    # -- specialization -----------------------------------------------------------------
    def specializable(self, callee: Any) -> bool:
        """A function of the user's (not a library's: site-packages, the standard library,
        tangentlike) with named parameters and no rule."""
        return (isinstance(callee, types.FunctionType) and callee is unwrap(callee)
                and not registry.is_primitive(callee) and not has_star_parameters(callee)
                and getattr(callee, "__wrapped__", None) is None and not _is_library(callee))

    def specialize(self, callee: types.FunctionType, node: gast.Call) -> gast.Call:
        """``node`` calling a copy of ``callee`` with its function arguments bound (see the
        module docstring); ``node`` itself if none of its arguments is a function."""
        params = positional_parameters(callee)
        bound: dict[str, FunctionValue] = {}
        keep_args, keep_keywords = [], []
        for i, arg in enumerate(node.args):
            value = None if isinstance(arg, gast.Starred) or i >= len(params) else \
                self.function_value(arg)
            if value is None:
                keep_args.append(arg)
            else:
                bound[params[i]] = value
        for kw in node.keywords:
            value = None if kw.arg is None or kw.arg not in params else \
                self.function_value(kw.value)
            if value is None:
                keep_keywords.append(kw)
            else:
                bound[kw.arg] = value
        if not any(isinstance(a, gast.Starred) for a in node.args) and all(
                kw.arg is not None for kw in node.keywords):
            given = set(params[:len(node.args)]) | {kw.arg for kw in node.keywords}
            for param, default in _function_defaults(callee).items():
                if param not in given:  # def predict(W, x, act=np.tanh) called predict(W, x)
                    bound[param] = FunctionValue(default, param)
        if not bound:
            return node
        positional = [p for p in params[:len(node.args)] if p not in bound]
        if positional != params[:len(keep_args)]:
            # a function bound before a positional argument kept: pass the rest by keyword
            keep_keywords = [gast.keyword(arg=p, value=a) for p, a in
                             zip(params[:len(node.args)], node.args) if p not in bound
                             ] + keep_keywords
            keep_args = []
        func = self.specialized(callee, bound, node)
        if func is None:
            return node
        keywords = [gast.keyword(arg=f"{p}_{suffix}", value=syntax.clone(e))
                    for p, v in bound.items() for suffix, e in v.carried]
        value = FunctionValue(func, self.name_for(func, callee.__name__))
        node.func = self.callee_name(value, node.func)
        node.args, node.keywords = keep_args, keep_keywords + keywords
        return node

    def specialized(self, callee: types.FunctionType, bound: dict[str, FunctionValue],
                    where: gast.AST) -> types.FunctionType | None:
        key = tuple(sorted((p, id(v.target), v.shape) for p, v in bound.items()))
        cache = _SPECIALIZED.setdefault(callee, {})
        if key in cache:
            return cache[key][0]
        if (callee, key) in _IN_PROGRESS:
            raise UnsupportedSyntaxError(
                f"a recursive function ({callee.__name__}) that passes a function on to "
                "itself", self.parsed.location(where),
                hint="pass the function's results instead, or write the recursion as a loop")
        parsed = parse_function(callee)
        node = parsed.node
        if set(bound) & set().union(*(syntax.stored_names(s) for s in node.body)):
            return None  # the parameter is re-bound inside: not a function throughout
        node.args = without(node.args, set(bound))
        inner, _ = self.transfer(node, bound)
        defaults = callee.__defaults__ or ()
        names = positional_parameters(callee)
        kept_defaults = names[len(names) - len(defaults):]
        defaults = tuple(d for p, d in zip(kept_defaults, defaults) if p not in bound)
        kwdefaults = {k: v for k, v in (callee.__kwdefaults__ or {}).items() if k not in bound}
        cells = dict(zip(callee.__code__.co_freevars, callee.__closure__ or ()))
        _IN_PROGRESS.add((callee, key))
        try:
            func = synthetic(callee, node, parsed.filename, cells,
                             {**parsed_values(parsed), **inner}, defaults, kwdefaults)
        finally:
            _IN_PROGRESS.discard((callee, key))
        cache[key] = (func, [v.target for v in bound.values()])
        return func


def synthetic(owner: Callable, node: gast.FunctionDef, filename: str, cells: dict[str, Any],
              values: dict[str, FunctionValue], defaults: tuple, kwdefaults: dict,
              ) -> types.FunctionType:
    """A Python function for ``node`` (written from ``owner``'s lines): its function values
    lowered, each a closure cell holding its target; registered so that parsing it returns
    ``node`` with ``values``."""
    cells = {**cells, **{n: types.CellType(v.target) for n, v in values.items()}}
    lowered = ParsedFunction(func=owner, node=syntax.clone(node), filename=filename)
    # What the lowering calls by a name of its own (init_Layer, a specialized helper): a
    # cell of a name nothing else uses, so that the tree registered (before lowering) reads
    # its own names as it did.
    namer = Namer({n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
                  | set(owner.__globals__) | set(cells) | set(values) | set(dir(builtins)))
    named: dict[str, Any] = {}

    def name_for(obj: Any, preferred: str) -> str:
        name = next((n for n, o in named.items() if o is obj), None) or namer.fresh(preferred)
        named[name] = obj
        return name

    Lowering(lowered, name_for, values).run()
    cells.update({n: types.CellType(obj) for n, obj in named.items()})
    free = syntax.loaded_names(lowered.node) - syntax.stored_names(lowered.node)
    func = compile_function(lowered.node, filename, owner.__globals__,
                            {n: c for n, c in cells.items() if n in free}, defaults, kwdefaults)
    register_synthetic(func, syntax.clone(node), filename, values)
    return func


_BUILDERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # class -> (init, func)


def _builder(callee: Any) -> types.FunctionType | None:
    """The function that builds an object of the plain class ``callee`` attribute by
    attribute (``constructors``), written once per class and ``__init__``; None for any
    other callee, and for a class whose ``__init__`` does more (called as it is)."""
    if not isinstance(callee, type) or callee.__flags__ & (1 << 9) == 0:
        return None
    init = callee.__init__
    cached = _BUILDERS.get(callee)
    if cached is not None and cached[0] is init:
        return cached[1]
    found = constructors.plan(callee)
    func = None
    if isinstance(found, constructors.Plan):
        func = synthetic(found.init, found.node, found.filename, found.cells, {}, (
            found.init.__defaults__ or ()), dict(found.init.__kwdefaults__ or {}))
    _BUILDERS[callee] = (init, func)
    return func


def _without_defaults(fn: gast.FunctionDef | gast.Lambda) -> gast.FunctionDef | gast.Lambda:
    """``fn`` with no default values (a shallow copy: its parameters and body shared)."""
    args = gast.arguments(posonlyargs=fn.args.posonlyargs, args=fn.args.args,
                          vararg=fn.args.vararg, kwonlyargs=fn.args.kwonlyargs,
                          kw_defaults=[None] * len(fn.args.kwonlyargs), kwarg=fn.args.kwarg,
                          defaults=[])
    copy = type(fn)(**{**dict(gast.iter_fields(fn)), "args": args})
    return copy


def parsed_values(parsed: ParsedFunction) -> dict[str, FunctionValue]:
    return dict(parsed.values or {})


def _is_function(value: Any) -> bool:
    """A function a name may stand for: a Python function, builtin, ufunc or a derivative
    tangentlike made; not a class, not data."""
    if isinstance(value, type) or value is MISSING:
        return False
    return isinstance(value, (types.FunctionType, types.BuiltinFunctionType, np.ufunc,
                              functools.partial)) or callable(getattr(value, "stands_for",
                                                                      None))


def _returns_lambda(node: gast.expr) -> bool:
    """``(lambda b: lambda x: ...)(a)``: a lambda called where it is written, whose value is
    a lambda."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Lambda) \
        and isinstance(node.func.body, gast.Lambda)


def _function_defaults(callee: types.FunctionType) -> dict[str, Any]:
    """The parameters of ``callee`` whose default value is a function (``act=np.tanh``),
    each with it."""
    params = positional_parameters(callee)
    defaults = callee.__defaults__ or ()
    found = dict(zip(params[len(params) - len(defaults):], defaults))
    found.update(callee.__kwdefaults__ or {})
    return {p: v for p, v in found.items() if _is_function(v)}


def _method_of_object(callee: Any) -> Callable | None:
    """The Python function a bound method of an object (``MODEL.loss``) or a callable
    object (``LAYER``, whose class defines ``__call__``) runs with the object first (a
    checkpointed method: its ``tangentlike.checkpoint`` wrapper)."""
    if isinstance(callee, types.MethodType) and registry.is_primitive(callee):
        return None  # scipy.stats.norm.logpdf: a rule of its own
    if isinstance(callee, types.MethodType) and not isinstance(callee.__self__, type):
        function = callee.__func__
        if checkpointed_function(function) is not None:  # @tangentlike.checkpoint on a method
            return function if isinstance(checkpointed_function(function),
                                          types.FunctionType) else None
    elif (callee is not MISSING and not isinstance(callee, (type, types.FunctionType,
                                                             types.BuiltinFunctionType,
                                                             types.ModuleType, np.ufunc,
                                                             functools.partial))
          and not hasattr(callee, "stands_for")):
        function = type(callee).__dict__.get("__call__")
    else:
        return None
    if isinstance(function, types.FunctionType) and not registry.is_primitive(function) \
            and (not _is_library(function) or distributions.is_private_method(callee)):
        return function
    return None


def _is_library(func: types.FunctionType) -> bool:
    """Defined by an installed package or the standard library, or by tangentlike."""
    module = (getattr(func, "__module__", None) or "").split(".")[0]
    filename = func.__code__.co_filename
    return (module == "tangentlike" or module in sys.stdlib_module_names
            or "site-packages" in filename or "dist-packages" in filename)


def _as_generator(node: gast.Call, fresh: Callable[[str], str]) -> gast.expr:
    """``map(f, a, b)`` as ``(f(v0, v1) for v0, v1 in zip(a, b))`` (``fresh`` names the
    element variables)."""
    func, *iterables = node.args
    names = [fresh(f"v{i}") for i in range(len(iterables))]
    if len(iterables) == 1:
        target, source = syntax.store(names[0]), iterables[0]
    else:
        target = syntax.tuple_of([syntax.store(n) for n in names], gast.Store())
        source = syntax.call(syntax.load("zip"), iterables)
    element = syntax.call(func, [syntax.load(n) for n in names])
    return gast.copy_location(gast.GeneratorExp(elt=element, generators=[gast.comprehension(
        target=target, iter=source, ifs=[], is_async=0)]), node)


def lower_functions(parsed: ParsedFunction, name_for: Callable[[Any, str], str]) -> None:
    """Lower the function values of ``parsed`` in place (its node)."""
    Lowering(parsed, name_for, parsed_values(parsed)).run()
