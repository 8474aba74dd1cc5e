"""Instantiate derivative templates: substitute the user's names for the template's parameters."""
from __future__ import annotations

import builtins
import inspect
import sys
import types
from collections.abc import Callable
from typing import Any

import gast

from tangentlike.core import anno, syntax
from tangentlike.core.fold import FoldConstants
from tangentlike.core.naming import Namer
from tangentlike.core.resolve import resolve_in
from tangentlike.errors import Location, TemplateError
from tangentlike.rules.registry import Rule
from tangentlike.runtime import zeros_like

LITERAL_TYPES = (type(None), bool, int, float, complex, str)


class Namespace:
    """Global names of a generated module: tangentlike's own (``injected``: runtime helpers,
    template globals, generated callee halves) beside the user's names, which the generated
    code reads live (the module's globals, the function's closure cells; ``emit``).

    A template's ``np`` or ``unbroadcast`` keeps its name unless the user's code already
    uses that name for something else; then it gets a fresh alias (``np_1``).
    """

    def __init__(self, user_globals: dict[str, Any], namer: Namer,
                 cells: dict[str, Any] | None = None):
        self.user_globals = user_globals
        self.cells = cells or {}  # the differentiated function's closure cells, by name
        self.namer = namer
        self.injected: dict[str, Any] = {}
        self.import_lines: dict[str, str] = {}
        self._by_id: dict[int, str] = {}

    def _free(self, name: str, obj: Any) -> bool:
        if name in self.injected:
            return self.injected[name] is obj
        if name in self.cells:
            try:
                return self.cells[name].cell_contents is obj
            except ValueError:
                return False
        if name in self.user_globals:
            return self.user_globals[name] is obj
        return name not in self.namer.used

    def name_for(self, obj: Any, preferred: str) -> str:
        """The name under which generated code reaches ``obj``."""
        known = self._by_id.get(id(obj))
        if known is not None:
            return known
        name, k = preferred, 0
        while not self._free(name, obj):
            k += 1
            name = f"{preferred}_{k}"
        self.namer.reserve(name)
        self._by_id[id(obj)] = name
        self.injected[name] = obj
        line = _import_line(obj, name)
        if line:
            self.import_lines[name] = line
        return name

    def resolve(self, func: gast.expr, local: Any = frozenset()) -> Any:
        """The object a callee in generated code names through the module's globals
        (``unbroadcast``, ``np.shape``, ``float``); None for a name in ``local`` or unknown."""
        return resolve_in(func, (self.injected, _contents(self.cells), self.user_globals),
                          local)


def _contents(cells: dict[str, Any]) -> dict[str, Any]:
    """The values of closure cells, by name (empty cells left out)."""
    out = {}
    for name, cell in cells.items():
        try:
            out[name] = cell.cell_contents
        except ValueError:
            pass
    return out


def _import_line(obj: Any, name: str) -> str | None:
    if isinstance(obj, types.ModuleType):
        module = obj.__name__
        if module == name:
            return f"import {module}"
        parent, _, leaf = module.rpartition(".")
        if parent and leaf == name:
            return f"from {parent} import {leaf}"
        return f"import {module} as {name}"
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not module or not qualname or "." in qualname or module == "__main__":
        return None
    if getattr(sys.modules.get(module), qualname, None) is not obj:
        return None
    return f"from {module} import {qualname}" + (f" as {name}" if name != qualname else "")


def value_expression(node: gast.expr) -> gast.expr:
    """An index as a value: ``1:3`` becomes ``slice(1, 3)``, so it can be passed to a helper."""
    if isinstance(node, gast.Slice):
        parts = [node.lower, node.upper] + ([node.step] if node.step is not None else [])
        if parts == [None, None]:
            parts = [None]  # slice(None) is ':'

        return syntax.call(syntax.load("slice"),
                           [syntax.const(None) if p is None else p for p in parts])
    if isinstance(node, gast.Tuple):
        return syntax.tuple_of([value_expression(e) for e in node.elts])
    return node


def _literal(value: Any, rule: Rule, name: str) -> gast.expr:
    if isinstance(value, LITERAL_TYPES):
        return syntax.const(value)
    if isinstance(value, tuple) and all(isinstance(v, LITERAL_TYPES) for v in value):
        return syntax.tuple_of([syntax.const(v) for v in value])
    raise TemplateError(f"template {rule.function.__name__!r}: the default of {name!r} must "
                        "be a literal", rule.location)


class _Substitute(syntax.Transformer):
    def __init__(self, params: dict[str, gast.expr], derivative: Callable[[str], str | None],
                 rule: Rule, where: Location | None):
        self.params = params
        self.derivative = derivative
        self.rule = rule
        self.where = where

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        if syntax.is_name(node.value, "d"):
            bound = self.params[node.slice.id]
            name = self.derivative(bound.id) if isinstance(bound, gast.Name) else None
            if name is None:
                raise TemplateError(
                    f"template {self.rule.function.__name__!r} reads the derivative of "
                    f"{node.slice.id!r}, which carries none here", self.where)
            return gast.Name(id=name, ctx=node.ctx, annotation=None, type_comment=None)
        node.value = self.visit(node.value)
        if isinstance(node.slice, gast.Name) and node.slice.id in self.params:
            node.slice = syntax.clone(self.params[node.slice.id])
        else:
            node.slice = self.visit(node.slice)
        return node

    def visit_Name(self, node: gast.Name) -> gast.expr:
        if node.id in self.params:
            return value_expression(syntax.clone(self.params[node.id]))
        return node


def _read_derivatives(stmt: gast.stmt) -> list[str]:
    """The parameters whose derivative ``stmt`` reads (``... = d[x] * y``)."""
    value = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else stmt
    return [s.slice.id for s in syntax.walk(value) if isinstance(s, gast.Subscript)
            and syntax.is_name(s.value, "d") and isinstance(s.slice, gast.Name)]


def _written_derivatives(stmt: gast.stmt) -> list[str]:
    """The parameters whose derivative ``stmt`` writes (``d[x] = ...``)."""
    targets = stmt.targets if isinstance(stmt, gast.Assign) else []
    return [t.slice.id for t in targets
            if isinstance(t, gast.Subscript) and syntax.is_name(t.value, "d")]


def instantiate(
    rule: Rule,
    result: gast.expr,
    args: list[gast.expr],
    keywords: dict[str, gast.expr],
    derivative: Callable[[str], str | None],
    namer: Namer,
    namespace: Namespace,
    where: Location | None = None,
) -> list[gast.stmt]:
    """The template's statements for one call ``result = primitive(*args, **keywords)``.

    ``derivative(name)`` names the derivative variable of an active user name (None when the
    name carries no derivative); statements writing the derivative of an inactive argument
    are dropped.  Statements ``d[x] = e`` that write an argument's derivative are marked
    ``contribution`` so that reverse mode accumulates them.
    """
    try:
        bound = rule.bind(args, keywords)
    except TypeError as exc:
        raise TemplateError(f"the call does not match the derivative rule "
                            f"{rule.function.__name__!r}: {exc}", where,
                            hint=f"the rule differentiates the call with the arguments "
                            f"{rule.signature}: pass only those (no out=)") from None
    params: dict[str, gast.expr] = {rule.result: result}
    spread: dict[str, int] = {}  # a *args parameter -> how many values it holds here
    for name, param in rule.signature.parameters.items():
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            values = list(bound.arguments.get(name, ()))
            params[name] = syntax.tuple_of(values)
            spread[name] = len(values)
            for i, value in enumerate(values):
                params[_part(name, i)] = value
        elif name in bound.arguments:
            params[name] = bound.arguments[name]
        elif param.default is not inspect.Parameter.empty:
            params[name] = _literal(param.default, rule, name)
        else:
            raise TemplateError(f"missing argument {name!r} for rule "
                                f"{rule.function.__name__!r}", where)

    def active(param_name: str) -> bool:
        bound_to = params[param_name]
        return isinstance(bound_to, gast.Name) and derivative(bound_to.id) is not None

    body = [s for s in rule.node.body
            if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]

    parts_locals: set[str] = set()  # the tuples of d[args] = ... for a *args parameter
    zero: list[str] = []  # the name zeros_like has in the generated module, once it is used

    def zero_name() -> str:
        if not zero:
            zero.append(namespace.name_for(zeros_like, "zeros_like"))
        return zero[0]

    def spread_out(stmt: gast.stmt) -> list[gast.stmt]:
        """``stmt`` with the derivative of a ``*args`` parameter as one per value: read, a
        tuple of theirs (zeros for the values that carry none); written, a tuple whose
        items are their contributions; dropped where no value carries a derivative."""
        stmt = syntax.clone(stmt)
        for name, n in spread.items():
            read = [s for s in syntax.walk(stmt.value if isinstance(stmt, gast.Assign) else stmt)
                    if _is_derivative_of(s, name)]
            if read and not any(active(_part(name, i)) for i in range(n)):
                return []
            if read:
                stmt = _ReadParts(name, n, active, zero_name).visit(stmt)
        written = [t for t in (stmt.targets if isinstance(stmt, gast.Assign) else [])
                   if any(_is_derivative_of(t, name) for name in spread)]
        if not written:
            return [stmt]
        name = written[0].slice.id
        parts = [i for i in range(spread[name]) if active(_part(name, i))]
        if not parts:
            return []
        whole = f"{name}_parts"
        parts_locals.add(whole)
        return [gast.Assign(targets=[syntax.store(whole)], value=stmt.value, type_comment=None),
                *(gast.Assign(targets=[gast.Subscript(value=syntax.load("d"),
                                                      slice=syntax.load(_part(name, i)),
                                                      ctx=gast.Store())],
                              value=gast.Subscript(value=syntax.load(whole),
                                                   slice=syntax.const(i), ctx=gast.Load()),
                              type_comment=None)
                  for i in parts)]

    def select(stmt: gast.stmt) -> list[gast.stmt]:
        """Copies of a simple statement, if it writes only derivatives that exist here."""
        return select_one_of(spread_out(stmt) if spread else [stmt])

    def select_one_of(statements: list[gast.stmt]) -> list[gast.stmt]:
        out = []
        for stmt in statements:
            written = _written_derivatives(stmt)
            if written and not all(active(p) for p in written):
                continue
            if rule.kind == "tangent" and not all(active(p) for p in _read_derivatives(stmt)):
                continue  # a contribution from an argument that carries no derivative here
            stmt = syntax.clone(stmt)
            if written and (rule.kind == "tangent" or any(p != rule.result for p in written)):
                anno.info(stmt).contribution = True
            out.append(stmt)
        return out

    kept = _selected(body, select)

    # Template-local names get fresh names; globals are reached through the namespace.
    local_names = {name: namer.fresh(name) for name in sorted(rule.locals | parts_locals)
                   if any(name in syntax.all_names(s) for s in kept)}
    namer.temporaries.update(local_names.values())
    global_names = {name: name for name in zero}
    for stmt in kept:
        for name in syntax.loaded_names(stmt):
            if name in params or name in local_names or name == "d" or name in global_names:
                continue
            if name in rule.globals:
                global_names[name] = namespace.name_for(rule.globals[name], name)
            elif not hasattr(builtins, name):
                raise TemplateError(f"template {rule.function.__name__!r}: name {name!r} "
                                    "is not defined", rule.location)
    for stmt in kept:  # the optimizer knows a called helper by what it is, not its name
        for node in syntax.walk(stmt):
            if (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
                    and node.func.id in global_names):
                anno.info(node.func).callee = namespace.injected[global_names[node.func.id]]
    renames = {**local_names, **{k: v for k, v in global_names.items() if k != v}}
    substitute = _Substitute(params, derivative, rule, where)
    out = [substitute.visit(syntax.rename(stmt, renames)) for stmt in kept]
    if spread:
        out = [_SpliceStarred().visit(stmt) for stmt in out]
    out = resolve_static_branches(out)
    for stmt in out:
        for sub in syntax.walk(stmt):
            if isinstance(sub, gast.stmt):
                anno.info(sub).generated = True
        _drop_default_arguments(stmt, namespace)
    return out


def _selected(statements: list[gast.stmt],
              select: Callable[[gast.stmt], list[gast.stmt]]) -> list[gast.stmt]:
    """``select`` applied to each simple statement, an ``if``'s branches selected alike (a
    function of the module, not a closure calling itself: such a closure is a reference
    cycle, which keeps every local of the call alive until the collector runs)."""
    out = []
    for stmt in statements:
        if isinstance(stmt, gast.If):
            branch = syntax.clone(stmt)
            branch.body = _selected(stmt.body, select) or [gast.Pass()]
            branch.orelse = _selected(stmt.orelse, select)
            out.append(branch)
            continue
        out += select(stmt)
    return out


def _part(name: str, i: int) -> str:
    """The template-side name of the ``i``-th value of the ``*args`` parameter ``name``."""
    return f"{name}__{i}"


def _is_derivative_of(node: gast.AST, name: str) -> bool:
    return (isinstance(node, gast.Subscript) and syntax.is_name(node.value, "d")
            and syntax.is_name(node.slice, name))


class _ReadParts(gast.NodeTransformer):
    """``d[args]`` read as the tuple of its values' derivatives, ``zeros_like(v)`` for a
    value that carries none."""

    def __init__(self, name: str, n: int, active: Callable[[str], bool],
                 zero: Callable[[], str]):
        self.name, self.n, self.active, self.zero = name, n, active, zero

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        if not (_is_derivative_of(node, self.name) and isinstance(node.ctx, gast.Load)):
            return self.generic_visit(node)
        return syntax.tuple_of([
            gast.Subscript(value=syntax.load("d"), slice=syntax.load(_part(self.name, i)),
                           ctx=gast.Load()) if self.active(_part(self.name, i))
            else syntax.call(syntax.load(self.zero()), [syntax.load(_part(self.name, i))])
            for i in range(self.n)])


class _SpliceStarred(gast.NodeTransformer):
    """``f(*(a, b))`` written ``f(a, b)``: a ``*args`` parameter passed on in a call."""

    def visit_Call(self, node: gast.Call) -> gast.Call:
        self.generic_visit(node)
        args = []
        for arg in node.args:
            if isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Tuple):
                args += arg.value.elts
            else:
                args.append(arg)
        node.args = args
        return node


def resolve_static_branches(statements: list[gast.stmt]) -> list[gast.stmt]:
    """Fold constants, and replace an ``if`` whose test became a constant by its branch
    (``if axes is None:`` with ``axes`` bound to a literal)."""
    out = []
    for stmt in statements:
        FoldConstants(algebra=False).visit(stmt)
        if isinstance(stmt, gast.If):
            if isinstance(stmt.test, gast.Constant):
                out += resolve_static_branches(stmt.body if stmt.test.value else stmt.orelse)
                continue
            stmt.body = resolve_static_branches(stmt.body) or [gast.Pass()]
            stmt.orelse = resolve_static_branches(stmt.orelse)
        if not isinstance(stmt, gast.Pass) or not out:
            out.append(stmt)
    return [s for s in out if not isinstance(s, gast.Pass)] or out


def _parameters(callee: Any) -> list[inspect.Parameter] | None:
    """``callee``'s parameters, or None when it has no signature (remembered: templates call
    the same few helpers again and again)."""
    try:
        return _signatures[callee]
    except KeyError:
        pass
    except TypeError:  # unhashable
        return None
    try:
        params = list(inspect.signature(callee).parameters.values())
    except (TypeError, ValueError):
        params = None
    _signatures[callee] = params
    return params


_signatures: dict[Any, list[inspect.Parameter] | None] = {}


def _drop_default_arguments(stmt: gast.stmt, namespace: Namespace) -> None:
    """``unreduce(g, x, None, False)`` reads better as ``unreduce(g, x)``."""
    for call in list(syntax.walk(stmt)):
        if not isinstance(call, gast.Call):
            continue
        params = _parameters(resolve_in(call.func, (namespace.injected,)))
        if params is None:
            continue

        def is_default(param: inspect.Parameter, node: gast.expr) -> bool:
            return (isinstance(node, gast.Constant) and param.default is not param.empty
                    and type(node.value) is type(param.default)
                    and node.value == param.default)

        while call.args and len(call.args) <= len(params) and not call.keywords and \
                is_default(params[len(call.args) - 1], call.args[-1]):
            call.args.pop()
        by_name = {p.name: p for p in params}
        call.keywords = [k for k in call.keywords
                         if not (k.arg in by_name and is_default(by_name[k.arg], k.value))]
