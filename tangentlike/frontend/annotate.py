"""Stage 3, annotate: what each call resolves to, and which variables carry derivatives.

- what each statement computes (:func:`~tangentlike.frontend.operations.operation`) and
  what a callee names (:func:`~tangentlike.frontend.operations.resolve`) are read in
  :mod:`tangentlike.frontend.operations`;
- :func:`activity` marks names *active*: they depend on a ``wrt`` input (varied) and the
  output depends on them (useful).  Only active statements are differentiated.
- :func:`check_rules` refuses, by name and line, an active statement with no rule;
- reaching definitions and liveness, used by the optimizer, live in
  :mod:`tangentlike.core.dataflow`.
"""
from __future__ import annotations

import functools
import types
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.core.counterparts import AutogradOnly
from tangentlike.errors import Location, NoDerivativeError, UnsupportedSyntaxError
from tangentlike.frontend import constructors, distributions, standardized
from tangentlike.frontend.in_place import WRITERS
from tangentlike.frontend.operations import (
    MISSING,
    Kind,
    Method,
    Operation,
    is_user_function,
    loop_source,
    mutated,
    names_of,
    object_method,
    operation,
    resolve,
    spreads_unknown,
    targets,
    where,
)
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.frontend.ufunc_at import HELPERS as SCATTERS
from tangentlike.frontend.ufunc_at import is_ufunc_at
from tangentlike.frontend.ufunc_keywords import check_ufunc_keywords, may_refuse
from tangentlike.rules import registry
from tangentlike.runtime import dynamic, fixed_points
from tangentlike.runtime.pytrees import generated_constructor


@dataclass
class Activity:
    varied: set[str]
    useful: set[str]

    @property
    def active(self) -> set[str]:
        return self.varied & self.useful


def _rule_binding(op: Operation) -> tuple[bool, list[str]]:
    """Whether ``op`` is a primitive whose rule takes its arguments, and the inputs a
    derivative can flow from: for a primitive, those its rule differentiates
    (``seed(init_grad, y)`` passes none from ``y``, which only gives a shape)."""
    if op.kind is not Kind.PRIMITIVE:
        return False, op.inputs
    rule = registry.adjoint_rule(op.key) or registry.tangent_rule(op.key)
    if rule is None:
        return False, op.inputs
    try:
        bound = rule.bind(op.args, op.keywords).arguments
    except TypeError:
        return False, op.inputs
    differentiable = rule.differentiable
    nodes = []
    for name, value in bound.items():
        if name in differentiable:
            nodes += list(value) if isinstance(value, tuple) else [value]
            nodes += list(value.values()) if isinstance(value, dict) else []
    return True, [n for n in names_of([v for v in nodes if isinstance(v, gast.AST)])]


class _RuleBindings:
    """:func:`_rule_binding` once per operation, while one :func:`activity` runs (each
    operation kept with its answer: its id is not reused while this lives), and a
    primitive's rule bound once per call shape (:meth:`places`)."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[Operation, tuple[bool, list[str]]]] = {}
        # (id of the primitive, number of arguments, keywords): (the primitive, places)
        self.shapes: dict[tuple[int, int, tuple[str, ...]], tuple[Any, Any]] = {}

    def __call__(self, op: Operation) -> tuple[bool, list[str]]:
        entry = self.known.get(id(op))
        if entry is None or entry[0] is not op:
            entry = self.known[id(op)] = (op, self.binding(op))
        return entry[1]

    def binding(self, op: Operation) -> tuple[bool, list[str]]:
        """:func:`_rule_binding`'s answer, from the places of ``op``'s call shape."""
        if op.kind is not Kind.PRIMITIVE:
            return False, op.inputs
        args, keywords = op.args, op.keywords
        places = self.places(op.key, len(args), tuple(keywords))
        if places is None:
            return False, op.inputs
        nodes = [args[p] if p.__class__ is int else keywords[p] for p in places]
        return True, names_of([v for v in nodes if isinstance(v, gast.AST)])

    def places(self, key: Any, count: int,
               keywords: tuple[str, ...]) -> tuple[int | str, ...] | None:
        """Where the values the rule of ``key`` differentiates come from, for a call with
        ``count`` arguments and these ``keywords``: an argument's index or a keyword's
        name, in the order :func:`_rule_binding` collects them; None where ``key`` has no
        rule or the rule does not take such a call.  The rule is bound once per shape to
        stand-ins (each argument's index, each keyword's name): ``Rule.bind`` places
        values by the call's shape alone, so an operation's values come out of the same
        places, in the same order, and a ``TypeError`` is the shape's."""
        shape = (id(key), count, keywords)
        entry = self.shapes.get(shape)
        if entry is None or entry[0] is not key:
            entry = self.shapes[shape] = (key, _places(key, count, keywords))
        return entry[1]


def _places(key: Any, count: int, keywords: tuple[str, ...]) -> tuple[int | str, ...] | None:
    """:meth:`_RuleBindings.places`, worked out (``_rule_binding`` on stand-ins)."""
    rule = registry.adjoint_rule(key) or registry.tangent_rule(key)
    if rule is None:
        return None
    try:
        bound = rule.bind(list(range(count)), {k: k for k in keywords}).arguments
    except TypeError:
        return None
    differentiable = rule.differentiable
    places: list[int | str] = []
    for name, value in bound.items():
        if name in differentiable:
            if isinstance(value, tuple):
                places += value
            elif isinstance(value, dict):
                places += value.values()
            else:
                places.append(value)
    return tuple(places)


def activity(fn: gast.FunctionDef, wrt: list[str], parsed: ParsedFunction,
             bound: set[str] | None = None) -> Activity:
    """Names that depend on a ``wrt`` input and that the output depends on.  ``bound``:
    the names ``fn`` binds (``syntax.stored_names(fn)``), where the caller has them.

    Flow-insensitive (a name is active everywhere if it is active anywhere), which is exact
    for straight-line code thanks to versioned names, and safe for loops.  A method call
    taken by its name for a container's or an array's (``parser.get(W, "a")``) whose receiver
    carries no derivative but whose differentiated argument that method would pass none from
    is a method of an object, found when the call runs (``operations.object_method``).
    """
    local_names = syntax.stored_names(fn) if bound is None else bound
    bindings = _RuleBindings()
    result = _activity(fn, wrt, parsed, local_names, bindings)
    while _methods_of_objects(fn, parsed, result.varied, local_names, bindings):
        result = _activity(fn, wrt, parsed, local_names, bindings)
    return result


def _methods_of_objects(fn: gast.FunctionDef, parsed: ParsedFunction, varied: set[str],
                        local_names: set[str], bindings: _RuleBindings) -> bool:
    """Make each such call's operation a call of the object's method; whether any changed."""
    changed = False
    for stmt in syntax.statements(fn.body, with_bodies=False):
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call)
                and isinstance(stmt.value.func, gast.Attribute)):
            continue  # (``object_method`` finds none in another statement)
        op = operation(stmt, parsed, local_names)
        passed = set(op.inputs[1:]) & varied
        if passed and not _rule_takes(op, passed, bindings):
            found = object_method(stmt, op, varied)
            if found is not None:
                anno.info(stmt).callee = found
                changed = True
    return changed


def _rule_takes(op: Operation, names: set[str], bindings: _RuleBindings) -> bool:
    """``op`` is a primitive whose rule takes its arguments and differentiates ``names``."""
    takes, inputs = bindings(op)
    return takes and names <= set(inputs)


def _activity(fn: gast.FunctionDef, wrt: list[str], parsed: ParsedFunction,
              local_names: set[str], bindings: _RuleBindings) -> Activity:
    edges: list[tuple[list[str], list[str]]] = []  # (inputs, targets)
    written: list[tuple[gast.stmt, list[str]]] = []  # each assignment or call, what it binds
    for stmt in syntax.statements(fn.body, with_bodies=False):
        if isinstance(stmt, gast.For):
            source = loop_source(stmt)
            if source:
                edges.append(([source], sorted(syntax.stored_names(stmt.target))))
        elif isinstance(stmt, (gast.Assign, gast.Expr)):
            op = operation(stmt, parsed, local_names)
            outs = targets(stmt) + mutated(stmt, op)
            written.append((stmt, outs))
            if op.differentiable:
                edges.append((bindings(op)[1], outs))
    varied = _reach(set(wrt), edges)
    returned = fn.body[-1].value
    useful = syntax.loaded_names(returned) if returned is not None else set()
    useful = _reach(useful, [(outs, inputs) for inputs, outs in edges])
    result = Activity(varied, useful)
    active = result.active
    for stmt, outs in written:
        anno.info(stmt).active = bool(active.intersection(outs))
    return result


def _reach(start: set[str], edges: list[tuple[list[str], list[str]]]) -> set[str]:
    """``start`` and every name reached from it: an edge ``(sources, ends)`` reaches all its
    ends once any of its sources is reached (a worklist: each edge fires at most once)."""
    by_source: dict[str, list[int]] = {}
    for k, (sources, _) in enumerate(edges):
        for name in sources:
            by_source.setdefault(name, []).append(k)
    reached, todo, fired = set(start), list(start), set()
    while todo:
        for k in by_source.get(todo.pop(), ()):
            if k not in fired:
                fired.add(k)
                for name in edges[k][1]:
                    if name not in reached:
                        reached.add(name)
                        todo.append(name)
    return reached


_UNSEEN = object()  # (a primitive not met yet: None may be one)


def check_rules(fn: gast.FunctionDef, parsed: ParsedFunction, active: set[str],
                varied: set[str] = frozenset(), mode: str = "reverse",
                bound: set[str] | None = None) -> None:
    """Every active statement must have a derivative rule: never a silent zero.
    ``bound``: as for :func:`activity`."""
    local_names = syntax.stored_names(fn) if bound is None else bound
    rule = registry.adjoint_rule if mode == "reverse" else registry.tangent_rule
    # A primitive found understood, or with a rule, once is for every statement: by id,
    # each kept with its primitive (the answers read the registry, which this leaves as is)
    understood: dict[int, Any] = {}
    with_rule: dict[int, tuple[Any, bool]] = {}
    for stmt in syntax.statements(fn.body, with_bodies=False):
        if (isinstance(stmt, gast.For) and not loop_source(stmt)
                and syntax.loaded_names(stmt.iter) & varied
                and not (isinstance(stmt.iter, gast.Call) and registry.is_non_differentiable(
                    resolve(stmt.iter.func, parsed, local_names)))):
            raise UnsupportedSyntaxError(
                "tangentlike can only differentiate a for loop over a variable or range(...)",
                where(stmt, parsed), hint="assign the sequence to a variable first: "
                "xs = ...; for x in xs:")
        if isinstance(stmt, (gast.Assign, gast.Expr)) and isinstance(stmt.value, gast.Call) \
                and spreads_unknown(stmt.value):
            touched = sorted(varied & syntax.loaded_names(stmt.value))
            if touched:
                raise UnsupportedSyntaxError(
                    "tangentlike does not support a starred argument (f(*xs), f(**d)) whose "
                    "length or keys the code does not show, in a call on a differentiated "
                    f"value ({touched[0]})", where(stmt, parsed),
                    hint="pass the arguments one by one, or spread a tuple written out in "
                    "the function (xs = (a, b); f(*xs)); a starred argument that carries no "
                    "derivative (rs.randn(*x.shape)) runs as written")
        if isinstance(stmt, (gast.Assign, gast.Expr)) and isinstance(stmt.value, gast.Call):
            callee = resolve(stmt.value.func, parsed, local_names)
            if may_refuse(stmt.value, callee):
                check_ufunc_keywords(stmt.value, callee,
                                     sorted(varied & syntax.loaded_names(stmt.value)),
                                     where(stmt, parsed))
        if isinstance(stmt, gast.Expr):
            _check_discarded_call(stmt, parsed, local_names, varied)
        if not isinstance(stmt, gast.Assign):
            continue
        op = operation(stmt, parsed, local_names)
        touched = varied.intersection(op.inputs)
        if op.kind is Kind.PRIMITIVE and op.key in (set, frozenset) and touched:
            raise UnsupportedSyntaxError(
                "tangentlike does not support a set of differentiated values (a set "
                "comprehension or set(...)): a set is unordered, no gradient follows its "
                "elements", where(stmt, parsed),
                hint="build a list ([e for x in xs]) or an array instead; a set of indices "
                "or keys that carry no derivative is fine")
        if op.kind is Kind.PRIMITIVE and op.differentiable and touched \
                and understood.get(id(op.key), _UNSEEN) is not op.key:
            _check_understood(op, where(stmt, parsed), sorted(touched))
            if op.key is not getattr:  # (getattr's check reads its arguments too)
                understood[id(op.key)] = op.key
        if op.kind is Kind.NODE and touched:
            _check_node(op, where(stmt, parsed))
        if isinstance(stmt.value, (gast.Dict, gast.Set)) and op.kind is not Kind.DICT \
                and varied & syntax.loaded_names(stmt.value):
            raise UnsupportedSyntaxError(
                "tangentlike does not support a differentiated value in a set, or in a dict "
                "whose key is not a string literal", where(stmt, parsed),
                hint='use string keys written out ({"a": x}), or a list or tuple')
        if touched and any(op.key is h for h in fixed_points.HELPERS):
            raise NoDerivativeError(
                "a derivative of a derivative through tangentlike.fixed_point (second "
                "order): its derivative's helper "
                f"{op.key.__name__} is not differentiated again", where(stmt, parsed),
                hint="differentiate fixed_point once (grad, vjp, jvp, jacobian), or unroll "
                "the iteration in a loop where a second derivative is needed")
        if not anno.info(stmt).active:
            continue
        if op.kind is Kind.OPAQUE and op.differentiable:  # and/or pass values through
            raise UnsupportedSyntaxError(
                "tangentlike cannot differentiate through a boolean operator (and/or) on a "
                "differentiated value", where(stmt, parsed),
                hint="use np.where or an explicit choice")
        if op.kind is not Kind.PRIMITIVE or not op.differentiable:
            continue  # calls into the user's functions are differentiated from their source
        known = with_rule.get(id(op.key))
        if known is None or known[0] is not op.key:
            known = with_rule[id(op.key)] = (op.key, rule(op.key) is not None)
        if known[1]:
            continue
        raise no_rule_error(op.key, where(stmt, parsed), mode)


def _check_understood(op: Operation, location: Location, touched: list[str]) -> None:
    """A call on a differentiated value must be one tangentlike understands, even when its
    result is not used: an object, or a function with no rule, may keep or change the value
    in ways no derivative follows."""
    if op.key is functools.partial:
        raise UnsupportedSyntaxError(
            f"a function value made from the differentiated value {touched[0]} (a nested "
            "function or lambda returned or stored, or functools.partial(...) of it): "
            "tangentlike cannot follow a derivative through a function value yet", location,
            hint="call the nested function where it is defined, or pass the value to the "
            "function as an argument where it is called")
    if isinstance(op.key, type) and not registry.is_primitive(op.key):
        refused = constructors.refusal(op.key)
        why = f": {refused.describe()}" if refused is not None else ""
        raise UnsupportedSyntaxError(
            f"tangentlike does not support building this object of your class from a "
            f"differentiated value: {registry.describe(op.key)}(...) is given "
            f"{touched[0]}{why}", location,
            hint="tangentlike builds a class whose __init__ only sets attributes of self "
            "(self.W = expression of the parameters), a @dataclass or a NamedTuple field by "
            "field; otherwise pass the arrays to plain functions instead, or build the "
            "object outside the differentiated function")
    if op.key is getattr:
        _check_getattr(op, location, touched)
    if op.key is MISSING:
        raise NoDerivativeError(
            f"cannot tell what this call on the differentiated value {touched[0]} does",
            location, hint="call a function defined at module level or imported by name")
    if not (registry.is_primitive(op.key) or registry.is_pure_function(op.key)
            or isinstance(op.key, Method)):
        raise no_rule_error(op.key, location)


def _check_node(op: Operation, location: Location) -> None:
    """A dataclass built from differentiated values must take them as its fields: one with
    ``__post_init__`` (which may compute fields from them) is refused by name."""
    cls = op.key if isinstance(op.key, type) else None
    if cls is not None and not generated_constructor(cls):
        method = "__new__" if issubclass(cls, tuple) else "__init__"
        raise UnsupportedSyntaxError(
            f"tangentlike does not differentiate building {cls.__name__}(...), which has an "
            f"{method} of its own: it may do anything with the differentiated values",
            location, hint=f"build {cls.__name__} outside the differentiated function, or "
            f"let @dataclass write its {method} (one argument per field)")
    if cls is not None and hasattr(cls, "__post_init__"):
        raise UnsupportedSyntaxError(
            f"tangentlike does not differentiate building {cls.__name__}(...), which has a "
            "__post_init__: it may compute its fields from the differentiated values",
            location, hint=f"build {cls.__name__} outside the differentiated function, or "
            "compute those fields before the call and pass them in (no __post_init__)")


def _check_getattr(op: Operation, location: Location, touched: list[str]) -> None:
    """``getattr(p, "W")`` is the field read ``p.W``; an attribute named at run time, a
    default, or an array's attribute (``getattr(x, "T")``) is refused by name."""
    name = op.args[1] if len(op.args) == 2 and not op.keywords else None
    if not (isinstance(name, gast.Constant) and isinstance(name.value, str)):
        raise UnsupportedSyntaxError(
            f"tangentlike differentiates getattr(obj, name) on the differentiated value "
            f"{touched[0]} only with one constant string name (a field, like obj.W)",
            location, hint='write the attribute out (p.W), or getattr(p, "W")')
    if name.value in registry.ATTRIBUTES or name.value in \
            registry.NON_DIFFERENTIABLE_ATTRIBUTES:
        raise UnsupportedSyntaxError(
            f"tangentlike does not differentiate getattr({touched[0]}, {name.value!r}), an "
            "array's attribute read through getattr", location,
            hint=f"write {touched[0]}.{name.value}")


def _check_discarded_call(stmt: gast.Expr, parsed: ParsedFunction, local_names: set[str],
                          varied: set[str]) -> None:
    """A call whose result is dropped, on a differentiated value, can only matter by
    changing that value in place (``y.sort()``, ``np.put(y, i, v)``): tangentlike cannot
    follow that, so it is refused rather than differentiated as if nothing happened."""
    call = stmt.value
    if not isinstance(call, gast.Call) or syntax.is_comment(stmt) or anno.info(stmt).generated:
        return
    op = operation(stmt, parsed, local_names)
    if op.kind in (Kind.APPEND, Kind.POP):
        return
    callee = resolve(call.func, parsed, local_names)
    receiver = call.func.value if isinstance(call.func, gast.Attribute) else None
    operands = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(callee, Method) and isinstance(receiver, gast.Name):
        operands.append(receiver)
    touched = sorted({n.id for n in operands if isinstance(n, gast.Name)} & varied)
    if not touched or is_user_function(callee) or registry.is_non_differentiable(callee):
        return
    if is_ufunc_at(callee):
        raise UnsupportedSyntaxError(
            f"np.{callee.__self__.__name__}.at(...) changes its first argument in place, "
            f"which reaches the differentiated value {touched[0]}: tangentlike follows "
            "np.f.at(x, i, v) into an array named x, for f one of "
            + ", ".join(sorted(u.__name__ for u in SCATTERS)), where(stmt, parsed),
            hint="scatter into a named array (row = x[0].copy(); np.add.at(row, i, v); "
            "x[0] = row), or write the new value: x = np.f(x) for a unary ufunc, "
            "x[i] = np.f(x[i]) for distinct indices")
    what = f".{callee.name}()" if isinstance(callee, Method) else registry.describe(callee)
    hint = (_IN_PLACE_HINTS.get(callee.name) if isinstance(callee, Method) else None) or (
        "call it on a local array or a parameter, or write the index assignment y[...] = v"
        if any(callee is w for w in WRITERS) else "write the result to a new name instead, e.g. "
        "y = np.sort(y) rather than y.sort()")
    raise UnsupportedSyntaxError(
        f"the result of {what} on the differentiated value {touched[0]} is not used: if it "
        "changes its argument in place, tangentlike cannot follow that",
        where(stmt, parsed), hint=hint)


# NumPy functions that call a Python function given as a value, or consume an iterator: what
# to write instead (tangentlike differentiates the loop, the comprehension, np.where).
_WRITE_INSTEAD = {
    np.apply_along_axis: "write the loop: np.stack([f(v) for v in np.moveaxis(x, axis, 0)], "
                         "axis=...) (or f on the whole array)",
    np.apply_over_axes: "write the loop over the axes: for a in axes: x = f(x, a)",
    np.fromfunction: "call the function on index arrays: f(*np.indices(shape, dtype=float))",
    np.piecewise: "write np.where(cond, f1(x), f2(x)) (nested for more pieces), or np.select",
    np.fromiter: "build the array from a list: np.array([...])",
}

# An array's methods that write into it, and what to write instead.
_IN_PLACE_HINTS = {
    "sort": "write xs = sorted(xs) for a list, y = np.sort(y) for an array (y.sort() on a "
            "name bound to an array is followed)",
    "partition": "write y = np.partition(y, kth) rather than y.partition(kth)",
    "fill": "write y[...] = v rather than y.fill(v)",
    "put": "write np.put(y, ind, v) (which tangentlike follows as y[...] = ...) rather than "
           "y.put(ind, v)",
    "resize": "write y = np.resize(y, shape) (which repeats the values; y.resize pads "
              "with zeros: np.pad) rather than y.resize(shape)",
}


def no_rule_error(key: Any, where, mode: str = "reverse") -> NoDerivativeError:
    """The error for a call on a differentiated value that tangentlike cannot differentiate."""
    if mode == "forward" and registry.adjoint_rule(key) is not None:
        return NoDerivativeError(
            f"no forward-mode (tangent) rule for {registry.describe(key)}", where,
            hint="use reverse mode for this function, or register a rule with "
            "@tangentlike.tangent")
    if key in dynamic.HELPERS:
        return NoDerivativeError(
            "a third derivative through a call whose function is known only when it runs "
            "(a method of an object, layer(x), a function held in a variable): "
            "tangentlike differentiates such a call twice at most", where,
            hint="call a function defined with def by its name, passing it the object's "
            "arrays, where a third derivative is needed")
    if key is MISSING:
        return NoDerivativeError(
            "cannot tell which function this call on a differentiated value refers to",
            where, hint="call a function defined at module level or imported by name")
    if isinstance(key, Method) and not hasattr(np.ndarray, key.name):
        return NoDerivativeError(
            f"no derivative rule for the call .{key.name}(...) on a differentiated value: "
            "a method tangentlike has no rule for, or a function kept in a field of a "
            "dataclass", where,
            hint=f"call the function by its name (np.tanh(h), not p.{key.name}(h)), keep it "
            "out of the differentiated argument, or register a rule with @tangentlike.adjoint")
    if isinstance(key, Method):
        return NoDerivativeError(
            f"no derivative rule for the method .{key.name}() on a differentiated value",
            where, hint=f"use the NumPy function instead of .{key.name}(), or register a rule "
            "with @tangentlike.adjoint")
    name = registry.describe(key)
    why = standardized.no_derivative(key)
    if why is not None:  # scipy.stats.levy_stable.pdf: numerical integration
        public = f"scipy.stats.{key.__self__.name}.{key.__name__}"
        return NoDerivativeError(
            f"tangentlike has no derivative of {public}: {why}", where,
            hint=f"differentiate another distribution, or register a rule for {public} with "
            "@tangentlike.adjoint (and @tangentlike.tangent) if you have its derivative")
    if isinstance(key, AutogradOnly):
        return NoDerivativeError(
            f"{name} is autograd's own function: it has no NumPy or SciPy counterpart that "
            "tangentlike could differentiate instead", where,
            hint="write it with NumPy functions (tangentlike reads autograd.numpy's as "
            f"NumPy's), or register its derivative with @tangentlike.adjoint({name})")
    if distributions.is_distribution(key):  # d = norm(m, s) kept as an object
        return NoDerivativeError(
            f"scipy.stats.{type(key).__name__.removesuffix('_gen')}(...) makes a frozen "
            "distribution object, which tangentlike does not differentiate", where,
            hint="call its method on the frozen call itself (norm(m, s).logpdf(x)), or bind "
            "it to a name once, outside loops, and call only its point methods (d.logpdf(x), "
            "d.cdf(x), ...); or call the distribution's method with the parameters "
            "(norm.logpdf(x, m, s))")
    if isinstance(key, functools.partial):  # never suggest non_differentiable: it would be 0
        hint = (f"call {registry.describe(key.func)} directly with all its arguments (or "
                "write it with operators), or define the partial function with def, which "
                "tangentlike differentiates from its source")
    elif any(key is f for f in _WRITE_INSTEAD):
        hint = next(h for f, h in _WRITE_INSTEAD.items() if key is f)
    else:
        short = getattr(key, "__name__", "fn")
        hint = (f"register its derivative: @tangentlike.adjoint({short}) on a template "
                "def rule(result, x): d[x] = ... (and @tangentlike.tangent for forward "
                "mode), see docs/guide.md")
    if isinstance(key, types.MethodType) and isinstance(key.__func__, types.FunctionType):
        why = "a method of a library's object, which tangentlike does not read from its source"
    else:
        why = "and it has no Python source to differentiate"
    return NoDerivativeError(f"no derivative rule for {name}, {why}", where, hint=hint)
