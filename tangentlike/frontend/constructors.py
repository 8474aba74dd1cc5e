"""Objects of your plain classes built in the differentiated function (``Layer(W, b)``).

A class whose objects are plain (``runtime.plain.plain_problem``) and whose ``__init__``
only sets attributes of ``self`` from its parameters (``self.W = W``,
``self.b = np.zeros(n)``, ``self.W, self.b = W, b``; locals, a docstring,
``super().__init__()`` of ``object``) is built by a function written from ``__init__``'s
lines: each ``self.<name>`` a local of its own, then ``new_object(Layer, W=..., b=...)``,
which ``operations`` reads as an object built field by field (``Kind.NODE``).  The
derivative flows through each attribute's expression like through any function of yours,
and the object is made without running ``__init__`` (its attributes set in the order
``__init__`` first sets them, as Python would).  Any other ``__init__`` (a loop, a branch, a
call whose result is dropped, ``self`` passed on or its methods called) is a
:class:`Refusal`, named with its line when a differentiated value reaches the class."""
from __future__ import annotations

import dataclasses
import types
from dataclasses import dataclass
from typing import Any

import gast

from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.errors import Location
from tangentlike.frontend.parsing import ParsedFunction, parse_function
from tangentlike.runtime import plain, pytrees

_STATEMENTS = {gast.If: "an if statement", gast.For: "a for loop", gast.While: "a while loop",
               gast.Return: "a return statement", gast.Try: "a try statement",
               gast.With: "a with block", gast.FunctionDef: "a nested def",
               gast.Raise: "a raise statement", gast.Assert: "an assert statement",
               gast.Delete: "a del statement", gast.Expr: "a call whose result is dropped"}


@dataclass(frozen=True)
class Refusal:
    """Why a class's ``__init__`` is not one tangentlike builds field by field."""

    reason: str
    location: Location | None = None

    def describe(self) -> str:
        where = f" ({self.location.filename}, line {self.location.lineno})" \
            if self.location is not None else ""
        return f"{self.reason}{where}"


@dataclass(frozen=True)
class Plan:
    """The function that builds an object of ``cls`` (its tree and what compiling it needs)."""

    cls: type
    node: gast.FunctionDef
    filename: str
    init: types.FunctionType
    cells: dict[str, Any]  # name -> cell


def plain_class(cls: Any) -> bool:
    """A class of yours whose objects are plain (not a dataclass, named tuple or registered
    class: those are built as they are)."""
    return (isinstance(cls, type) and plain.user_class(cls) and not pytrees.registered(cls)
            and not dataclasses.is_dataclass(cls)
            and not (issubclass(cls, tuple) and hasattr(cls, "_fields"))
            and plain.plain_problem(cls) is None)


def plan(cls: type) -> Plan | Refusal | None:
    """How ``cls(...)`` is built field by field, or why it is not; None for a class that is
    not a plain class of yours or has no ``__init__`` of its own (called as it is)."""
    if not plain_class(cls):
        return None
    init = cls.__init__
    if init is object.__init__:
        return None
    name = f"{cls.__name__}.__init__"
    if cls.__new__ is not object.__new__:
        return Refusal(f"{cls.__name__} defines __new__, which may do anything with the "
                       "values")
    if not isinstance(init, types.FunctionType):
        return Refusal(f"{name} is not a Python function")
    if getattr(init, "__wrapped__", None) is not None:
        return Refusal(f"{name} is decorated (its decorator may change the values)")
    code = init.__code__
    if code.co_flags & (0x04 | 0x08):
        return Refusal(f"{name} takes *args or **kwargs")
    try:
        parsed = parse_function(init)
    except Exception as error:  # noqa: BLE001  (no source: refused, never guessed)
        return Refusal(f"the source of {name} cannot be read ({error})")
    return _Writer(cls, parsed).plan()


class _Writer:
    """Writes the builder of one class from its ``__init__`` (see the module docstring)."""

    def __init__(self, cls: type, parsed: ParsedFunction):
        self.cls = cls
        self.parsed = parsed
        self.node = syntax.clone(parsed.node)
        args = self.node.args
        params = args.posonlyargs or args.args
        self.self_name = params[0].id if params else None
        self.namer = Namer({n.id for n in gast.walk(self.node) if isinstance(n, gast.Name)}
                           | {self.node.name})
        self.fields: dict[str, str] = {}  # attribute -> its local, in the order first set

    def refuse(self, what: str, node: gast.AST) -> Refusal:
        return Refusal(f"{self.cls.__name__}.__init__ has {what}", self.parsed.location(node))

    def plan(self) -> Plan | Refusal:
        if self.self_name is None or self.node.args.vararg or self.node.args.kwarg:
            return Refusal(f"{self.cls.__name__}.__init__ does not take self first")
        args = self.node.args
        if args.posonlyargs:
            args.posonlyargs = args.posonlyargs[1:]
        else:
            args.args = args.args[1:]
        body = []
        for i, stmt in enumerate(self.node.body):
            if i == 0 and isinstance(stmt, gast.Expr) and isinstance(
                    stmt.value, gast.Constant) and isinstance(stmt.value.value, str):
                continue  # the docstring
            object_init = self.object_init(stmt)
            if isinstance(stmt, gast.Pass) or object_init is True:
                continue
            if object_init is False:
                return self.refuse("a call of super().__init__ that runs a base class's "
                                   "__init__ (only object's is left out)", stmt)
            written = self.statement(stmt)
            if isinstance(written, Refusal):
                return written
            body.append(written)
        cls_name, make = self.namer.fresh(self.cls.__name__), self.namer.fresh("new_object")
        call = syntax.call(syntax.load(make), [syntax.load(cls_name)], [
            gast.keyword(arg=attr, value=syntax.load(local))
            for attr, local in self.fields.items()])
        last = self.node.body[-1]
        body.append(gast.copy_location(gast.Return(value=call), last))
        self.node.body = body
        self.node.name = f"init_{self.cls.__name__}"
        self.node.decorator_list = []
        init = self.parsed.func
        cells = dict(zip(init.__code__.co_freevars, init.__closure__ or ()))
        cells[cls_name] = types.CellType(self.cls)
        cells[make] = types.CellType(plain.new_object)
        return Plan(self.cls, self.node, self.parsed.filename, init, cells)

    def object_init(self, stmt: gast.stmt) -> bool | None:
        """``super().__init__(...)``: True when the next ``__init__`` is ``object``'s and it
        is given nothing, False otherwise; None for any other statement."""
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
                and call.func.attr == "__init__" and isinstance(call.func.value, gast.Call)
                and syntax.dotted_name(call.func.value.func) == "super"):
            return None
        if call.args or call.keywords or call.func.value.args:
            return False
        mro = self.cls.__mro__
        owner = next(k for k in mro if k.__dict__.get("__init__") is self.parsed.func)
        return all("__init__" not in k.__dict__ for k in mro[mro.index(owner) + 1:-1])

    def statement(self, stmt: gast.stmt) -> gast.stmt | Refusal:
        if isinstance(stmt, gast.AnnAssign):
            if stmt.value is None:
                return self.refuse("an annotation without a value", stmt)
            stmt = gast.copy_location(gast.Assign(targets=[stmt.target], value=stmt.value,
                                                  type_comment=None), stmt)
        if isinstance(stmt, gast.Assign):
            value = self.expression(stmt.value)
            if isinstance(value, Refusal):
                return value
            targets = [self.target(t) for t in stmt.targets]
            refused = next((t for t in targets if isinstance(t, Refusal)), None)
            if refused is not None:
                return refused
            stmt.targets, stmt.value = targets, value
            return stmt
        if isinstance(stmt, gast.AugAssign):
            target = stmt.target
            if isinstance(target, gast.Attribute) and self.is_self(target.value) \
                    and target.attr not in self.fields:
                return self.refuse(f"self.{target.attr} changed before it is set", stmt)
            value = self.expression(stmt.value)
            written = self.target(target)
            for part in (value, written):
                if isinstance(part, Refusal):
                    return part
            stmt.target, stmt.value = written, value
            return stmt
        what = _STATEMENTS.get(type(stmt), f"a {type(stmt).__name__} statement")
        return self.refuse(what, stmt)

    def is_self(self, node: gast.AST) -> bool:
        return isinstance(node, gast.Name) and node.id == self.self_name

    def target(self, node: gast.expr) -> gast.expr | Refusal:
        if isinstance(node, gast.Attribute) and self.is_self(node.value):
            if node.attr not in self.fields:
                self.fields[node.attr] = self.namer.fresh(f"self_{node.attr}")
            return gast.copy_location(syntax.store(self.fields[node.attr]), node)
        if isinstance(node, gast.Name) and node.id != self.self_name:
            return node
        if isinstance(node, (gast.Tuple, gast.List)):
            elts = [self.target(e) for e in node.elts]
            refused = next((e for e in elts if isinstance(e, Refusal)), None)
            if refused is not None:
                return refused
            node.elts = elts
            return node
        if isinstance(node, gast.Starred):
            value = self.target(node.value)
            if isinstance(value, Refusal):
                return value
            node.value = value
            return node
        what = "self re-bound" if self.is_self(node) else \
            "an assignment into a value (an index or an attribute of another object)"
        return self.refuse(what, node)

    def expression(self, node: gast.expr) -> gast.expr | Refusal:
        """``node`` with ``self.W`` (set before) read from its local; any other use of
        ``self`` refused."""
        problem: list[Refusal] = []
        writer = self

        class Reads(gast.NodeTransformer):
            def visit_Attribute(self, attr: gast.Attribute) -> gast.expr:
                if writer.is_self(attr.value):
                    if attr.attr in writer.fields:
                        return gast.copy_location(syntax.load(writer.fields[attr.attr]), attr)
                    problem.append(writer.refuse(
                        f"a read of self.{attr.attr}, which it has not set before (a method, "
                        "a property or a class attribute)", attr))
                    return attr
                self.generic_visit(attr)
                return attr

            def visit_Name(self, name: gast.Name) -> gast.expr:
                if writer.is_self(name):
                    problem.append(writer.refuse("self used other than to set or read its "
                                                 "attributes (passed on, called, indexed)",
                                                 name))
                return name

            def visit_Lambda(self, fn: gast.Lambda) -> gast.expr:
                if any(writer.is_self(n) for n in gast.walk(fn)):
                    problem.append(writer.refuse("a lambda that reads self", fn))
                return fn

        node = Reads().visit(node)
        return problem[0] if problem else node


def refusal(cls: Any) -> Refusal | None:
    """Why ``cls(...)`` on differentiated values is refused, if it is a plain class of yours
    that :func:`plan` does not build; None otherwise."""
    if isinstance(cls, type) and plain.user_class(cls) and not dataclasses.is_dataclass(
            cls) and not pytrees.registered(cls) and not issubclass(cls, tuple):
        problem = plain.plain_problem(cls)
        if problem is not None:
            return Refusal(f"its objects are not plain: {problem}")
        found = plan(cls)
        return found if isinstance(found, Refusal) else None
    return None
