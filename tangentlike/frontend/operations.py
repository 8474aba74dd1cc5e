"""What each A-normal-form statement computes, as data: :func:`operation` reads a statement
into an :class:`Operation` (its :class:`Kind`, the primitive or user function it applies,
and the operands a derivative can flow from), and :func:`resolve` finds the Python object a
callee expression names, through the function's closure cells, globals and builtins, guarding
each name it reads.  Both modes, the aliasing analysis and the optimizer read statements
through it."""
from __future__ import annotations

import dataclasses
import enum
import functools
import operator
import types
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.core.guards import ABSENT
from tangentlike.core.resolve import UNBOUND, resolve_in
from tangentlike.errors import Location, UnsupportedSyntaxError
from tangentlike.frontend.parsing import ParsedFunction
from tangentlike.frontend.varargs import Specialized
from tangentlike.rules import registry
from tangentlike.rules.checkpoint import checkpointed_function
from tangentlike.runtime import dynamic, plain, pytrees
from tangentlike.runtime.pytrees import generated_constructor

MISSING = object()  # a callee that names nothing
_NOT_KEPT = object()


@dataclass(frozen=True)
class Method:
    """A method called on a local value, e.g. ``x.sum`` (resolved as ``np.ndarray.sum``)."""

    name: str


# Method names of the containers and arrays code calls methods on: any other method called
# on a local value (``layer.forward(x)``) is one of an object's, found when the call runs.
CONTAINER_METHODS = frozenset().union(*(dir(t) for t in (np.ndarray, list, dict, tuple, str,
                                                          set, float, int, complex)))


@dataclass(frozen=True)
class Dynamic:
    """The callee of a call that is a local value or a method of one (``layer(x)``,
    ``self.encode(x)``): known when the call runs (``runtime.dynamic``).  ``receiver`` is the
    local name; ``method`` the method's name, None when the value itself is called.
    ``helper``: one of ``runtime.dynamic``'s helpers, called in a derivative that is
    differentiated again (``receiver`` is then the name it is called by)."""

    receiver: str
    method: str | None = None
    helper: Any = None

    @property
    def __name__(self) -> str:
        return self.method or self.receiver

    def expression(self) -> gast.expr:
        """The callee as generated code reads it: ``layer`` or ``self.encode``."""
        receiver = syntax.load(self.receiver)
        if self.method is None:
            return receiver
        return gast.Attribute(value=receiver, attr=self.method, ctx=gast.Load())


def dynamic_callee(func: gast.expr, local_names: Collection[str]) -> Dynamic | None:
    """The :class:`Dynamic` callee ``func`` is, if it is one."""
    if isinstance(func, gast.Name) and func.id in local_names:
        return Dynamic(func.id)
    if (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)
            and func.value.id in local_names and func.attr not in CONTAINER_METHODS
            and func.attr != "_replace"):  # a named tuple's (operations: Kind.NODE)
        return Dynamic(func.value.id, func.attr)
    return None


def _helper_callee(call: gast.Call, key: Any, parsed: ParsedFunction,
                   local_names: set[str]) -> Dynamic | None:
    """A call of ``runtime.dynamic``'s helper in a derivative differentiated again: itself a
    call found when it runs, the helper its callee (``runtime.rederive``).  A helper called
    on a helper (a third derivative) is left a primitive, refused by name."""
    if not dynamic.is_helper(key) or not isinstance(call.func, gast.Name):
        return None
    if call.args and dynamic.is_helper(resolve(call.args[0], parsed, local_names)):
        return None
    return Dynamic(call.func.id, helper=key)


def spreads_unknown(call: gast.Call) -> bool:
    """A call that spreads a tuple or dict whose length or keys the code does not show
    (``f(*xs)``, ``f(**d)``: ``spreading.py`` spread the others)."""
    return any(isinstance(a, gast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords)


def object_method(stmt: gast.Assign, op: Operation, varied: set[str]) -> Operation | None:
    """``y = r.m(a, k=b)`` taken for a container's or an array's method ``m`` by its name
    (``Method``: ``get``, ``copy``, ``sum``), as a call of ``r``'s method found when it runs
    (:class:`Dynamic`), when ``r`` carries no derivative (in ``varied``): the caller knows
    a differentiated argument would get none from the container's method, so ``r`` may be
    an object of your class (``parser.get(W, "params")``), whose method the derivative
    follows; if ``r`` is a container or an array after all, the call is refused when it
    runs (a builtin method has no rule).  Not a method whose result is a constant
    (``s.searchsorted(x)``).  None for any other statement."""
    call = stmt.value
    if not (op.kind is Kind.PRIMITIVE and op.differentiable and isinstance(call, gast.Call)
            and isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name)
            and op.args and op.args[0] is call.func.value and call.func.value.id not in varied
            and not any(isinstance(a, gast.Starred) for a in call.args)):
        return None
    receiver = call.func.value.id
    return Operation(Kind.CALL, Dynamic(receiver, call.func.attr),
                     [*names_of(call.args), *names_of(list(op.keywords.values())), receiver],
                     list(call.args), dict(op.keywords))


class Kind(enum.Enum):
    """What kind of A-normal-form statement an :class:`Operation` is."""

    COPY = "copy"  # y = x
    CONSTANT = "constant"  # y = a value that reads no local name
    PRIMITIVE = "primitive"  # y = f(x) for a function, ufunc or operator; x.T; x[i]; p.W
    CALL = "call"  # y = f(x) for the user's function (differentiated from its source)
    TUPLE = "tuple"  # y = (a, b) or [a, b]
    DICT = "dict"  # y = {"a": a, "b": b}
    UNPACK = "unpack"  # a, b = y
    SETITEM = "setitem"  # x[i] = v
    APPEND = "append"  # xs.append(v)
    POP = "pop"  # v = xs.pop()
    NODE = "node"  # y = Params(a, b=c), y = p._replace(W=a), dataclasses.replace(p, W=a)
    OPAQUE = "opaque"  # anything else: a comparison, a string, a set; and/or (passes values)


@dataclass
class Operation:
    """What one A-normal-form statement computes.

    ``kind`` is a :class:`Kind`; ``key`` is the primitive (a function, ufunc or operator) for
    ``Kind.PRIMITIVE``, the user's function for ``Kind.CALL``; ``inputs`` are the operand
    names a derivative can flow from; ``args`` and ``keywords`` are the operands as the
    primitive receives them.
    """

    kind: Kind
    key: Any = None
    inputs: list[str] = field(default_factory=list)
    args: list[gast.expr] = field(default_factory=list)
    keywords: dict[str, gast.expr] = field(default_factory=dict)
    differentiable: bool = True
    # Kind.NODE: the field each of ``args`` goes to; None for the object replaced (first)
    fields: list[str | None] = field(default_factory=list)
    # Kind.CALL of a ``tangentlike.checkpoint`` wrapper (``key`` is the function it runs):
    # reverse mode recomputes the callee's forward values in the backward pass
    checkpointed: bool = False


def resolve(node: gast.expr, parsed: ParsedFunction, local_names: set[str],
            checkpoints: bool = False) -> Any:
    """The object a callee expression names, or ``Method`` for ``local.method``: resolved
    through the function's closure cells, globals and builtins (``core.resolve``), each name
    read guarded (``parsed.guards``, checked before each call).  A ``tangentlike.checkpoint``
    wrapper is the function it runs, unless ``checkpoints`` asks for the wrapper itself."""
    value = _resolve(node, parsed, local_names)
    if not checkpoints and checkpointed_function(value) is not None:
        value = checkpointed_function(value)
    return value


def _resolve(node: gast.expr, parsed: ParsedFunction, local_names: set[str]) -> Any:
    if anno.has_info(node) and anno.info(node).callee is not None:
        return anno.info(node).callee  # a helper tangentlike's own rewriting calls
    dotted = syntax.dotted_name(node)
    if dotted is not None and dotted.split(".")[0] in local_names:
        attrs = dotted.split(".")[1:]
        return Method(attrs[-1]) if attrs else MISSING
    kept = parsed.resolutions
    if kept is not None and dotted is not None:
        value = kept.get(dotted, _NOT_KEPT)
        if value is _NOT_KEPT:  # (its guards are in parsed.guards from the first time)
            value = kept[dotted] = _resolve_global(node, parsed)
        return value
    return _resolve_global(node, parsed)


def _resolve_global(node: gast.expr, parsed: ParsedFunction) -> Any:
    """``_resolve`` of a callee whose root is not bound in the function."""
    func = parsed.func
    guards = parsed.guards  # what this resolution assumes, checked before each call
    closure = dict(zip(func.__code__.co_freevars, func.__closure__ or ()))
    cells = {}  # a free variable is its cell's value, never a global's
    for name, cell in closure.items():
        try:
            cells[name] = cell.cell_contents
        except ValueError:
            cells[name] = UNBOUND

    def on_root(scope: int | None, root: str, value: Any) -> None:
        if scope == 1:
            guards.cell(closure[root], value, root)
        elif scope != 0:  # a global, or a builtin no global may shadow later
            guards.name(func.__globals__, root, value if scope == 2 else ABSENT)

    value = resolve_in(node, (parsed.aliases, cells, func.__globals__), missing=MISSING,
                       on_root=on_root, on_attribute=guards.attribute)
    if (isinstance(value, types.BuiltinMethodType) and isinstance(node, gast.Attribute)
            and isinstance(node.value, gast.Name)
            and type(getattr(value, "__self__", None)) is np.ndarray):
        return Method(node.attr)  # X.dot(w) of a global array: ndarray.dot, as for a local
    if isinstance(value, functools._lru_cache_wrapper):
        value = value.__wrapped__  # a cache returns the function's values unchanged
    if isinstance(getattr(value, "stands_for", None), types.FunctionType):
        value = value.stands_for  # a stand-in for a generated derivative (mutual recursion)
    return value


def names_of(nodes: list[gast.expr]) -> list[str]:
    return [n.id for n in nodes if isinstance(n, gast.Name)]


def reads_any(node: gast.AST, names: Collection[str]) -> bool:
    """``bool(syntax.loaded_names(node) & names)``, stopping at the first such read: the
    Names ``syntax.walk_names`` gives (the fields of ``syntax.child_fields``, a Name a
    leaf), in another order, which a yes or no does not depend on.  An operand of an
    A-normal-form value is read first, so the usual answer takes a node or two, not a
    walk and a set."""
    todo = [node]
    pop, push = todo.pop, todo.append
    name_class, load, node_class = gast.Name, gast.Load, gast.AST
    while todo:
        sub = pop()
        cls = sub.__class__
        if cls is name_class:
            if sub.ctx.__class__ is load and sub.id in names:
                return True
            continue
        for part in syntax.child_fields(cls):
            value = getattr(sub, part, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_class):
                        push(item)
            elif isinstance(value, node_class):
                push(value)
    return False


def operation(stmt: gast.stmt, parsed: ParsedFunction, local_names: set[str]) -> Operation:
    """The :class:`Operation` of an A-normal-form statement (cached on the statement)."""
    record = anno.info(stmt)
    if isinstance(record.callee, Operation):
        return record.callee
    op = _operation(stmt, parsed, local_names)
    record.callee = op
    return op


def _operation(stmt: gast.stmt, parsed: ParsedFunction, local_names: set[str]) -> Operation:
    if isinstance(stmt, gast.Expr) and _is_append(stmt, local_names):
        call = stmt.value
        return Operation(Kind.APPEND, inputs=[call.func.value.id, *names_of(call.args)],
                         args=list(call.args))
    if _is_pop(stmt, local_names):  # v = stack.pop(), on a list of this function
        return Operation(Kind.POP, inputs=[stmt.value.func.value.id])
    if not isinstance(stmt, gast.Assign):
        return Operation(Kind.OPAQUE, differentiable=False)
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, gast.Subscript):  # x[i] = v: x now depends on v too
        return Operation(Kind.SETITEM, inputs=[target.value.id, *names_of([value])], args=[value])
    if isinstance(target, gast.Tuple):
        return Operation(Kind.UNPACK, inputs=names_of([value]))
    if isinstance(value, gast.Name):
        return Operation(Kind.COPY, inputs=[value.id])
    if not reads_any(value, local_names):
        return Operation(Kind.CONSTANT, differentiable=False)
    if isinstance(value, gast.BinOp):
        args = [value.left, value.right]
        key = registry.OPERATORS[type(value.op)]
    elif isinstance(value, gast.UnaryOp):
        args = [value.operand]
        key = registry.OPERATORS[type(value.op)]
    elif isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
            and isinstance(value.func.value, gast.Constant):  # "{}".format(x): a string
        return Operation(Kind.OPAQUE, differentiable=False)
    elif isinstance(value, gast.Call) and spreads_unknown(value):
        # rs.randn(*x.shape): runs as written; annotate refuses it on a differentiated value
        return Operation(Kind.OPAQUE, inputs=sorted(syntax.loaded_names(value) & local_names))
    elif isinstance(value, gast.Call):
        key = resolve(value.func, parsed, local_names, checkpoints=True)
        checkpointed = checkpointed_function(key)
        if checkpointed is not None:  # tangentlike.checkpoint(f): a call of f, recomputed
            return _call_operation(stmt, value, checkpointed, parsed, checkpointed=True)
        node = _node_operation(value, key)
        if node is not None:
            return node
        key = (dynamic_callee(value.func, local_names)
               or _helper_callee(value, key, parsed, local_names) or key)
        return _call_operation(stmt, value, key, parsed)
    elif isinstance(value, gast.Attribute):
        if value.attr in registry.NON_DIFFERENTIABLE_ATTRIBUTES:
            return Operation(Kind.OPAQUE, differentiable=False)
        if value.attr not in registry.ATTRIBUTES:  # p.W: a field, read as getattr(p, "W")
            return Operation(Kind.PRIMITIVE, getattr, names_of([value.value]),
                             [value.value, syntax.const(value.attr)])
        key = registry.ATTRIBUTES[value.attr]
        args = [value.value]
    elif isinstance(value, gast.Subscript):
        args = [value.value, value.slice]
        return Operation(Kind.PRIMITIVE, operator.getitem, names_of([value.value]), args)
    elif isinstance(value, (gast.Tuple, gast.List)):
        return Operation(Kind.TUPLE, inputs=names_of(value.elts), args=list(value.elts))
    elif isinstance(value, gast.Dict) and all(isinstance(k, gast.Constant)
                                              and isinstance(k.value, str) for k in value.keys):
        return Operation(Kind.DICT, inputs=names_of(value.values), args=list(value.values),
                         keywords={"keys": list(value.keys)})
    elif isinstance(value, gast.BoolOp):
        return Operation(Kind.OPAQUE, inputs=sorted(syntax.loaded_names(value)))
    else:  # comparisons, f-strings, sets, dicts: no derivative flows through them
        return Operation(Kind.OPAQUE, differentiable=False)
    return Operation(Kind.PRIMITIVE, key, names_of(args), args, {},
                     not registry.is_non_differentiable(key))


def _call_operation(stmt: gast.stmt, value: gast.Call, key: Any, parsed: ParsedFunction,
                    checkpointed: bool = False) -> Operation:
    """The operation of ``value``, a call of ``key`` (its callee resolved)."""
    args = list(value.args)
    if isinstance(key, Method):
        key = getattr(np.ndarray, key.name, key)
        args = [value.func.value, *args]
    keywords = {}
    for kw in value.keywords:
        if kw.arg is None:
            raise UnsupportedSyntaxError(
                "tangentlike does not support **kwargs in a call",
                where(stmt, parsed), hint="pass each keyword argument by name")
        keywords[kw.arg] = kw.value
    inputs = names_of(args) + names_of(list(keywords.values()))
    if isinstance(key, Dynamic) and key.helper is None:
        inputs.append(key.receiver)  # a local value called: layer(x) reads layer
    kind = Kind.CALL if is_user_function(key) else Kind.PRIMITIVE
    return Operation(kind, key, inputs, args, keywords,
                     not registry.is_non_differentiable(key),
                     checkpointed=checkpointed and kind is Kind.CALL)


def is_node_class(key: Any) -> bool:
    """A dataclass or a named tuple class: calling it builds an object field by field."""
    return isinstance(key, type) and not pytrees.registered(key) and (
        dataclasses.is_dataclass(key) or (issubclass(key, tuple) and hasattr(key, "_fields")))


def builds_node(key: Any) -> bool:
    """A call that builds a dataclass, named tuple or plain object from its arguments and
    changes none of them: the class (with no ``__post_init__``), ``p._replace``,
    ``dataclasses.replace``, ``plain.new_object``."""
    if isinstance(key, Method):
        return key.name == "_replace"
    return key is dataclasses.replace or key is plain.new_object or (
        is_node_class(key) and generated_constructor(key) and not hasattr(key, "__post_init__"))


def init_fields(cls: type) -> list[str]:
    """The fields a dataclass or named tuple class takes by position, in order (a dataclass's
    keyword-only fields are not among them)."""
    if issubclass(cls, tuple):
        return list(cls._fields)
    return [f.name for f in dataclasses.fields(cls)
            if f.init and not getattr(f, "kw_only", False)]


def _node_operation(call: gast.Call, key: Any) -> Operation | None:
    """``Params(a, b=c)`` (a dataclass or named tuple class), ``p._replace(W=a)`` and
    ``dataclasses.replace(p, W=a)``: an object built field by field (``Kind.NODE``)."""
    if any(kw.arg is None for kw in call.keywords):
        return None
    changes = [(kw.arg, kw.value) for kw in call.keywords]
    if isinstance(key, Method) and key.name == "_replace" and not call.args:
        pairs = [(None, call.func.value), *changes]
    elif key is plain.new_object and len(call.args) == 1:  # a plain class's (constructors)
        pairs = changes
    elif key is dataclasses.replace and len(call.args) == 1:
        pairs = [(None, call.args[0]), *changes]
    elif is_node_class(key) and not registry.is_primitive(key):
        names = init_fields(key)
        if len(call.args) > len(names):
            return None  # a TypeError when it runs
        pairs = [*zip(names, call.args), *changes]
    else:
        return None
    if any(isinstance(a, gast.Starred) for _, a in pairs):
        return None
    args = [a for _, a in pairs]
    return Operation(Kind.NODE, key, names_of(args), args, fields=[n for n, _ in pairs])


def where(stmt: gast.stmt, parsed: ParsedFunction) -> Location:
    """The user's line a normalized statement came from."""
    return anno.info(stmt).origin or parsed.location(stmt)


def list_method_target(call: gast.expr, method: str, n_args: int) -> str | None:
    """``xs`` for a call ``xs.method(...)`` with ``n_args`` positional arguments (and no
    keywords): ``xs.append(v)`` and ``xs.pop()``, a list's changes that generated code (its
    stack of saved values) and users' code make."""
    if (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == method and isinstance(call.func.value, gast.Name)
            and len(call.args) == n_args and not call.keywords):
        return call.func.value.id
    return None


def _is_append(stmt: gast.Expr, local_names: set[str]) -> bool:
    return list_method_target(stmt.value, "append", 1) in local_names


def _is_pop(stmt: gast.stmt, local_names: set[str]) -> bool:
    return (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and list_method_target(stmt.value, "pop", 0) in local_names)


def mutated(stmt: gast.stmt, op: Operation) -> list[str]:
    """The container a statement changes in place (``x[i] = v``, ``xs.append(v)``,
    ``v = xs.pop()``)."""
    return [op.inputs[0]] if op.kind in (Kind.SETITEM, Kind.APPEND, Kind.POP) else []


def is_user_function(key: Any) -> bool:
    """A plain Python function with no rule of its own: differentiated from its source
    (also one with ``*args``/``**kwargs`` as a call binds them, ``varargs.Specialized``), or
    a callee known when the call runs (:class:`Dynamic`)."""
    return isinstance(key, (Dynamic, Specialized)) or (
        isinstance(key, types.FunctionType) and not registry.is_primitive(key)
        and key not in dynamic.HELPERS)


def targets(stmt: gast.stmt) -> list[str]:
    """The names an assignment binds (its first target's ``syntax.stored_names``), sorted."""
    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
        if target.__class__ is gast.Name:  # (most: what stored_names gives, without a walk)
            return [target.id] if isinstance(target.ctx, (gast.Store, gast.Param)) else []
        return sorted(syntax.stored_names(target))
    return []


def loop_source(loop: gast.For) -> str | None:
    """The name a ``for`` loop iterates over, when a derivative can flow from it."""
    return loop.iter.id if isinstance(loop.iter, gast.Name) else None
