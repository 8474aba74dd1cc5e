"""Small constructors and queries on gast trees, shared by every pass."""
from __future__ import annotations

import ast
import copy
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import gast

from tangentlike.core import anno
from tangentlike.core.gast_conversion import to_gast

# The constructors below fill a new node's fields as ``gast.Name(id=..., ctx=...)`` does,
# the same node, without the keyword call of gast's constructor (they make most nodes).
_new_node = gast.AST.__new__


def name_node(name: str, ctx: gast.expr_context) -> gast.Name:
    """``gast.Name(id=name, ctx=ctx, annotation=None, type_comment=None)``."""
    node = _new_node(gast.Name)
    fields = node.__dict__
    fields["id"] = name
    fields["ctx"] = ctx
    fields["annotation"] = None
    fields["type_comment"] = None
    return node


def load(name: str) -> gast.Name:
    return name_node(name, _new_node(gast.Load))


def store(name: str) -> gast.Name:
    return name_node(name, _new_node(gast.Store))


def param(name: str) -> gast.Name:
    return name_node(name, _new_node(gast.Param))


def const(value: Any) -> gast.Constant:
    node = _new_node(gast.Constant)
    fields = node.__dict__
    fields["value"] = value
    fields["kind"] = None
    return node


def assign(target: gast.expr | str, value: gast.expr) -> gast.Assign:
    if isinstance(target, str):
        target = store(target)
    node = _new_node(gast.Assign)
    fields = node.__dict__
    fields["targets"] = [target]
    fields["value"] = value
    fields["type_comment"] = None
    return node


def call(func: gast.expr | str, args: Iterable[gast.expr] = (), keywords=()) -> gast.Call:
    if isinstance(func, str):
        func = parse_expr(func)
    return gast.Call(func=func, args=list(args), keywords=list(keywords))


def tuple_of(elts: Iterable[gast.expr], ctx: gast.expr_context | None = None) -> gast.Tuple:
    return gast.Tuple(elts=list(elts), ctx=ctx or gast.Load())


# CPython converts between its parser's trees and ``ast`` objects (``ast.parse``, ``compile``
# of a tree) with one recursion counter per interpreter, not per thread: two threads doing it
# at once can fail with "AST constructor recursion depth mismatch" (CPython gh-106905).
# tangentlike's own conversions take this lock.
C_AST = threading.RLock()


def parse(source: str, mode: str = "exec") -> gast.AST:
    """``gast.parse`` (the same tree: ``gast_conversion.to_gast``), under :data:`C_AST`."""
    with C_AST:
        tree = ast.parse(source, mode=mode)
    return to_gast(tree)


def body_start(fn: gast.FunctionDef) -> int:
    """Where ``fn``'s code starts: 1 after a docstring, else 0."""
    first = fn.body[0] if fn.body else None
    return int(isinstance(first, gast.Expr) and isinstance(first.value, gast.Constant)
               and isinstance(first.value.value, str))


def parse_expr(source: str) -> gast.expr:
    return parse(source, mode="eval").body


def parse_stmts(source: str) -> list[gast.stmt]:
    return parse(source).body


def clone(node: Any) -> Any:
    """A deep copy of a tree (or a list of trees) that keeps annotations: every node is new
    but contexts and operators without attributes (``Load()``, ``Add()``: they hold nothing,
    and the passes replace them, never change them), each annotation record (``anno``) a
    copy; other values are shared (names, constants, the objects a record points to), as
    they are never changed in place."""
    if isinstance(node, list):
        return [clone(n) for n in node]
    if not isinstance(node, gast.AST):
        return node
    cls = node.__class__
    if cls in _LEAF_CLASSES and not node.__dict__:
        return node
    if cls is gast.Name:
        return clone_name(node)
    return _copy(node)


def _copy(node: gast.AST) -> gast.AST:
    """:func:`clone` of one node, field by field."""
    cls = node.__class__
    new = cls.__new__(cls)
    fields = new.__dict__
    for key, value in node.__dict__.items():
        kind = value.__class__
        if kind is list:
            value = [clone(n) if isinstance(n, gast.AST) else n for n in value]
        elif isinstance(value, gast.AST):
            value = clone(value)
        elif key == anno.KEY:
            value = clone_info(value)
        elif isinstance(value, list):  # a subclass of list
            value = clone(value)
        fields[key] = value
    return new


def clone_name(node: gast.Name) -> gast.Name:
    """:func:`clone` of a name (most of what the passes copy), its fields copied at once
    without a look at each: the annotation record copied, a context holding something
    cloned; a name with an annotation or another field is copied field by field."""
    fields = node.__dict__
    if not fields.keys() <= _NAME_KEYS or fields.get("annotation") is not None:
        return _copy(node)
    new = _new_node(gast.Name)
    copied = new.__dict__
    copied.update(fields)
    ctx = fields.get("ctx")
    if ctx is not None and (ctx.__dict__ or ctx.__class__ not in _LEAF_CLASSES):
        copied["ctx"] = clone(ctx)
    record = fields.get(anno.KEY)
    if record is not None:
        copied[anno.KEY] = clone_info(record)
    return new


_NAME_KEYS = frozenset({"id", "ctx", "annotation", "type_comment", anno.KEY, "lineno",
                        "col_offset", "end_lineno", "end_col_offset"})


def clone_without(node: gast.AST, skipped: tuple[str, ...]) -> gast.AST:
    """:func:`clone` of ``node`` with the fields ``skipped`` (``body``, ``orelse``) left as
    empty lists for the caller to fill, their statements not copied."""
    new = node.__class__.__new__(node.__class__)
    new.__dict__.update(
        (key, [] if key in skipped else clone_info(value) if key == anno.KEY else clone(value))
        for key, value in node.__dict__.items())
    return new


def clone_info(record: Any) -> Any:
    """A copy of a node's annotation record (what ``clone`` gives the copy of the node)."""
    if record.__class__ is anno.NodeInfo:  # a plain record: what copy.copy does, faster
        new = _new_info(anno.NodeInfo)
        new.__dict__.update(record.__dict__)
        return new
    return copy.copy(record)


_new_info = object.__new__
_LEAF_CLASSES = frozenset(c for base in (gast.expr_context, gast.operator, gast.unaryop,
                                         gast.cmpop, gast.boolop)
                          for c in base.__subclasses__())


# Fields that never hold a node with names inside (strings, numbers, operators, contexts).
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "id", "kind", "type_comment", "attr", "level",
                          "is_async", "conversion", "module"})
# By class: ``child_fields`` of a node class, and () for a value that is no node
# (``walked_fields``).  The walks that push every field value unlooked-at read it inline
# (``FIELDS_BY_CLASS.get(cls)``, then ``walked_fields(cls)`` the first time).
FIELDS_BY_CLASS: dict[type, tuple[str, ...]] = {gast.Constant: ()}


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that may hold nodes with names or expressions inside
    (not its operators, contexts, names or other leaves)."""
    fields = FIELDS_BY_CLASS.get(cls)
    if fields is None:
        fields = FIELDS_BY_CLASS[cls] = tuple(f for f in cls._fields if f not in _LEAF_FIELDS)
    return fields


def child_nodes(node: gast.AST) -> list[gast.AST]:
    """``gast.iter_child_nodes(node)`` (the same order) without the contexts, operators and
    other leaves (:func:`child_fields`), which hold no expression or statement; several
    times faster."""
    found = []
    for field in child_fields(node.__class__):
        value = getattr(node, field, None)
        if value.__class__ is list:
            found += [item for item in value if isinstance(item, gast.AST)]
        elif isinstance(value, gast.AST):
            found.append(value)
    return found


def replace_child(parent: gast.AST, old: gast.AST, new: gast.AST) -> bool:
    """Put ``new`` where ``old`` is among ``parent``'s children (by identity); whether it
    was there."""
    for field in child_fields(type(parent)):
        value = getattr(parent, field, None)
        if value is old:
            setattr(parent, field, new)
            return True
        if isinstance(value, list):
            for i, item in enumerate(value):
                if item is old:
                    value[i] = new
                    return True
    return False


def replace_in(root: gast.AST, old: gast.AST, new: gast.AST) -> None:
    """Put ``new`` where ``old`` is in ``root`` (by identity)."""
    for node in walk(root):
        if replace_child(node, old, new):
            return


def walk_names(node: gast.AST) -> list[gast.Name]:
    """Every Name in ``node`` (a pruned ``ast.walk``: the passes call this a lot)."""
    return walk_names_noting(node, ())[0]


def walk_names_noting(node: gast.AST,
                      kinds: tuple[type, ...] | Mapping[type, Callable[[Any], bool] | None]
                      ) -> tuple[list[gast.Name], bool]:
    """Every Name in ``node`` (:func:`walk_names`), and whether ``node`` holds a node of one
    of the classes ``kinds`` or a Name with an annotation (whose annotation the walk does not
    enter): one walk for both.  ``kinds`` may map each class to a test of a node of it
    (None: any node of it counts), which is asked until one node is noted."""
    found = []
    noted = False
    tests = kinds.__class__ is not tuple
    todo = [node]
    pop, push, extend = todo.pop, todo.append, todo.extend
    while todo:
        sub = pop()
        cls = sub.__class__
        if cls is gast.Name:
            found.append(sub)
            if sub.annotation is not None:
                noted = True
            continue
        if not noted and cls in kinds:
            noted = not tests or (test := kinds[cls]) is None or test(sub)
        fields = FIELDS_BY_CLASS.get(cls)
        if fields is None:
            fields = walked_fields(cls)
        for field in fields:
            value = getattr(sub, field, None)
            # Every field value (a list's items) is pushed unlooked-at: one that is no node
            # (None, a string) has no fields to walk (``walked_fields``) and is dropped when
            # popped, so the nodes come off the stack in the order that pushing the nodes
            # alone gives.
            if value.__class__ is list:
                extend(value)
            else:
                push(value)
    return found, noted


def walked_fields(cls: type) -> tuple[str, ...]:
    """:func:`child_fields` of a node class; no fields for any other class (a field's value
    that is no node: what :func:`walk_names_noting` drops)."""
    if not issubclass(cls, gast.AST):
        FIELDS_BY_CLASS[cls] = ()
        return ()
    return child_fields(cls)


def walk_depth_first(roots: list[Any], leaves: tuple[type, ...] = ()) -> Iterator[Any]:
    """Every node under ``roots`` (themselves included), depth first: the last root first,
    and each node's children (:func:`child_nodes`, the same order) pushed after it is
    given, so taken last to first.  A node of a class in ``leaves`` is given, not entered.
    The walks that need this order or a pruning (``lifting.binding_counts``,
    ``free_data.tree_names``) share it: its field look-up is per class, not a call per
    node."""
    entered: dict[type, tuple[str, ...]] = {}  # a class's fields to push, () for a leaf
    node_class = gast.AST
    todo = list(roots)
    pop, push = todo.pop, todo.append
    while todo:
        node = pop()
        yield node
        cls = node.__class__
        fields = entered.get(cls)
        if fields is None:
            fields = entered[cls] = () if issubclass(cls, leaves) else child_fields(cls)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_class):
                        push(item)
            elif isinstance(value, node_class):
                push(value)


# Fields whose nodes have no children worth visiting: contexts and operators.
_BARE_FIELDS = frozenset({"ctx", "op", "ops"})
_WALK_FIELDS: dict[type, tuple[str, ...]] = {}


def walk(node: Any) -> Iterator[Any]:
    """``ast.walk`` (the same nodes in the same breadth-first order) without the contexts
    and operators, for ``gast`` and ``ast`` trees alike; several times faster."""
    todo = deque([node])
    pop, push = todo.popleft, todo.append
    while todo:
        sub = pop()
        yield sub
        cls = sub.__class__
        fields = _WALK_FIELDS.get(cls)
        if fields is None:
            fields = _WALK_FIELDS[cls] = tuple(f for f in cls._fields if f not in _BARE_FIELDS)
        for field in fields:
            value = getattr(sub, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, gast.AST):  # (gast.AST is ast.AST)
                        push(item)
            elif isinstance(value, gast.AST):
                push(value)


def parents(root: Any) -> dict[int, Any]:
    """The parent of each node under ``root`` by the node's ``id`` (the nodes ``walk``
    gives: contexts and operators left out); what ``gast.iter_child_nodes`` over
    ``gast.walk`` gives, several times faster."""
    found: dict[int, Any] = {}
    for node in walk(root):
        cls = node.__class__
        fields = _WALK_FIELDS.get(cls)
        if fields is None:
            fields = _WALK_FIELDS[cls] = tuple(f for f in cls._fields if f not in _BARE_FIELDS)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, gast.AST):
                        found[id(item)] = node
            elif isinstance(value, gast.AST):
                found[id(value)] = node
    return found


def dump(node: gast.AST, reads_as: dict[str, str] | None = None) -> str:
    """``gast.dump(node)``, the same text, without the reference cycle that its inner
    function calling itself makes at each call (garbage the collector must find); with
    ``reads_as``, the text of ``node`` with the names it reads renamed so (not changed)."""
    return _dump(node, reads_as or {})


def _dump(node: Any, reads_as: dict[str, str]) -> str:
    """``gast.dump``'s ``_format`` with its defaults (one line, no attributes)."""
    if isinstance(node, gast.AST):
        cls = type(node)
        args = []
        for name in node._fields:
            try:
                value = getattr(node, name)
            except AttributeError:
                continue
            if value is None and getattr(cls, name, 42) is None or value == []:
                continue
            if name == "id" and reads_as and cls is gast.Name \
                    and node.ctx.__class__ is gast.Load:
                value = reads_as.get(value, value)
            args.append(f"{name}={_dump(value, reads_as)}")
        return f"{cls.__name__}({', '.join(args)})"
    if isinstance(node, list):
        return f"[{', '.join(_dump(x, reads_as) for x in node)}]"
    return repr(node)


def loaded_names(node: gast.AST) -> set[str]:
    """Names read anywhere in ``node``."""
    return {n.id for n in walk_names(node) if n.ctx.__class__ is gast.Load}


def stored_names(node: gast.AST) -> set[str]:
    """Names bound anywhere in ``node`` (assignment targets, loop variables, parameters)."""
    if isinstance(node, gast.Assign):  # only the targets: normalize refuses ``:=`` in values
        targets = node.targets
        if len(targets) == 1 and targets[0].__class__ is gast.Name:  # (most: no walk)
            target = targets[0]
            return {target.id} if isinstance(target.ctx, gast.Store) else set()
        return {n.id for t in targets for n in walk_names(t)
                if isinstance(n.ctx, gast.Store)}
    return {n.id for n in walk_names(node) if isinstance(n.ctx, (gast.Store, gast.Param))}


def all_names(node: gast.AST) -> set[str]:
    return {n.id for n in walk_names(node)}


def is_name(node: Any, name: str | None = None) -> bool:
    return isinstance(node, gast.Name) and (name is None or node.id == name)


class _HoldsBlocks(dict):
    """Statement class -> whether it has a ``body`` or ``orelse`` field (a statement of any
    other class holds no statement list: :func:`blocks` and :func:`statements` pass over it
    without looking for one), worked out at a class's first look-up."""

    def __missing__(self, cls: type) -> bool:
        holds = self[cls] = "body" in cls._fields or "orelse" in cls._fields
        return holds


_HOLDS_BLOCKS = _HoldsBlocks()


def blocks(body: list[gast.stmt]) -> Iterator[list[gast.stmt]]:
    """Every statement list in ``body`` (``if``, loop and ``with`` bodies), outermost first."""
    yield body
    for stmt in body:
        if not _HOLDS_BLOCKS[stmt.__class__]:
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                yield from blocks(inner)


def statements(body: list[gast.stmt], *, with_bodies: bool) -> Iterator[gast.stmt]:
    """Every statement in ``body``, nested ones included, each before those inside it; the
    body of a ``with`` (a gradient hook, ``insert_grad_of``: it runs in the backward sweep)
    only when ``with_bodies``, its ``with`` statement always."""
    for stmt in body:
        yield stmt
        if not _HOLDS_BLOCKS[stmt.__class__]:
            continue
        if isinstance(stmt, gast.With) and not with_bodies:
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                yield from statements(inner, with_bodies=with_bodies)


def is_number(node: gast.AST) -> bool:
    """An int or float literal (not a bool)."""
    return (isinstance(node, gast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))


def is_atom(node: gast.AST) -> bool:
    """A name or a literal: what ANF allows as an operand."""
    return isinstance(node, (gast.Name, gast.Constant))


def dotted_name(node: gast.AST) -> str | None:
    """``np.linalg.norm`` for an attribute chain rooted at a name, else None."""
    parts = []
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, gast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


# The node classes that the fields in ``_BARE_FIELDS`` hold (contexts and operators).
_BARE_CLASSES = frozenset(c.__name__ for base in (gast.expr_context, gast.operator,
                                                  gast.unaryop, gast.cmpop, gast.boolop)
                          for c in base.__subclasses__())
_TRANSFORM_METHODS: dict[tuple[type, type], Any] = {}
_TRANSFORM_FIELDS: dict[tuple[type, type], tuple[str, ...]] = {}


class Transformer(gast.NodeTransformer):
    """``ast.NodeTransformer`` with the same results, faster: each node class's visitor
    method is looked up once, and a context or operator (which has no children) is not
    visited unless the subclass has a method for one.  The hot passes derive from it."""

    def visit(self, node: Any) -> Any:
        key = (self.__class__, node.__class__)
        method = _TRANSFORM_METHODS.get(key)
        if method is None:
            kind = self.__class__
            method = getattr(kind, "visit_" + node.__class__.__name__, None)
            if method is None or method is ast.NodeVisitor.visit_Constant:
                method = kind.generic_visit  # (visit_Constant: for visit_Num and the like)
                if any(hasattr(kind, n) for n in ("visit_Num", "visit_Str", "visit_Bytes",
                                                  "visit_NameConstant", "visit_Ellipsis")):
                    method = ast.NodeVisitor.visit_Constant
            _TRANSFORM_METHODS[key] = method
        return method(self, node)

    def generic_visit(self, node: Any) -> Any:
        key = (self.__class__, node.__class__)
        fields = _TRANSFORM_FIELDS.get(key)
        if fields is None:
            kind = self.__class__
            bare = any(hasattr(kind, "visit_" + n) for n in _BARE_CLASSES)
            fields = _TRANSFORM_FIELDS[key] = tuple(
                f for f in node._fields if bare or f not in _BARE_FIELDS)
        for field in fields:
            old = getattr(node, field, None)
            if isinstance(old, list):
                new_values = []
                for value in old:
                    if isinstance(value, gast.AST):
                        value = self.visit(value)
                        if value is None:
                            continue
                        if not isinstance(value, gast.AST):
                            new_values.extend(value)
                            continue
                    new_values.append(value)
                old[:] = new_values
            elif isinstance(old, gast.AST):
                new_node = self.visit(old)
                if new_node is None:
                    delattr(node, field)
                else:
                    setattr(node, field, new_node)
        return node


class Renamer(Transformer):
    """Replace names by expressions (a copy of the replacement at each use); with
    ``loads_only``, reads only (bindings of the name stay)."""

    def __init__(self, mapping: dict[str, gast.expr | str], loads_only: bool = False):
        self.mapping = mapping
        self.loads_only = loads_only

    def visit_Name(self, node: gast.Name) -> gast.expr:
        target = self.mapping.get(node.id)
        if target is None or self.loads_only and not isinstance(node.ctx, gast.Load):
            return node
        if isinstance(target, str):
            new = name_node(target, node.ctx)
            if isinstance(node.ctx, gast.Load) and anno.has_info(node) \
                    and anno.info(node).seen is not None:
                anno.info(new).seen = anno.info(node).seen  # the value read there is the same
            return new
        if not isinstance(node.ctx, gast.Load):
            if isinstance(target, gast.Name):
                return name_node(target.id, node.ctx)
            raise ValueError(f"cannot store into the expression substituted for {node.id}")
        return clone(target)


def rename(node: Any, mapping: dict[str, gast.expr | str]) -> Any:
    """Rename (or substitute) names in ``node`` in place; returns the node."""
    if not mapping:
        return node
    if isinstance(node, list):
        node[:] = [Renamer(mapping).visit(n) for n in node]
        return node
    return Renamer(mapping).visit(node)


def substitute(stmt: gast.stmt, name: str, value: gast.expr, *, moved: bool = False) -> None:
    """Replace, in place, every read of ``name`` in ``stmt`` by a copy of ``value`` (a
    binding of ``name`` in ``stmt`` stays).  ``moved``: ``stmt`` reads ``name`` once and
    ``value`` leaves its old place (the statement that held it is removed), so ``value``
    itself goes in, not a copy (a copy is the same tree; none is needed where the original
    is not kept).

    What ``Renamer({name: value}, loads_only=True).visit(stmt)`` does (the inliner calls
    this for each inlining), without a visitor: the same children are looked at (the fields
    :func:`child_fields` names hold every child node), a name is replaced where it is read
    and not entered, and a copy is not looked into."""
    todo = [stmt]
    while todo:
        node = todo.pop()
        for field in child_fields(node.__class__):
            child = getattr(node, field, None)
            if child.__class__ is list:
                for i, item in enumerate(child):
                    if item.__class__ is gast.Name:
                        if item.id == name and isinstance(item.ctx, gast.Load):
                            if moved:
                                child[i] = value
                                return
                            child[i] = clone(value)
                    elif isinstance(item, gast.AST):
                        todo.append(item)
            elif child.__class__ is gast.Name:
                if child.id == name and isinstance(child.ctx, gast.Load):
                    if moved:
                        setattr(node, field, value)
                        return
                    setattr(node, field, clone(value))
            elif isinstance(child, gast.AST):
                todo.append(child)


class Comment(str):
    """The text of a ``#`` comment line, carried through the passes as a marker statement;
    ``origin``: the user's statement an origin comment names (``# Grad of: ...``)."""

    origin: Any = None


def comment(text: str) -> gast.Expr:
    """A statement that the emitter prints as ``# text`` (nothing when ``text`` is empty)."""
    return gast.Expr(value=gast.Constant(value=Comment(text), kind=None))


def origin_comment(label: str, origin: Any) -> gast.Expr:
    """``# Grad of: <the user's line>`` (``...`` marks a statement that goes on) for the
    user's statement at ``origin`` (an ``errors.Location``), which the comment carries."""
    text = origin.line.strip()
    if text.endswith(("(", "[", "{", ",", "\\")):
        text += " ..."
    node = comment(f"{label}: {text}")
    node.value.value.origin = origin
    return node


def is_comment(stmt: gast.AST) -> bool:
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant)
            and isinstance(stmt.value.value, Comment))


MAX_CALL_DEPTH = 2
MAX_NODES = 32  # about 60 characters
MAX_SUM_NODES = 40  # an adjoint's contributions as one sum may run a little longer


_LEAF_NODES = (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop, gast.boolop)


def _measure(node: gast.AST) -> tuple[int, int]:
    """How many nodes ``node`` has (as ``ast.walk`` counts them), and how deep calls nest."""
    cls = node.__class__
    if cls is gast.Name and node.annotation is None and node.ctx is not None:
        return 2, 0  # (itself and its context)
    if cls is gast.Constant:
        return 1, 0  # (its value and kind are no nodes)
    size, depth = 1, 0
    fields = _MEASURE_FIELDS.get(cls)
    if fields is None:
        fields = _MEASURE_FIELDS[cls] = tuple(cls._fields)
    for field in fields:
        value = getattr(node, field, None)
        if value is None:
            continue
        for item in value if value.__class__ is list else (value,):
            # (a context or operator: one node; _LEAF_CLASSES holds every class of the
            # _LEAF_NODES kinds, so the class look-up answers what isinstance would)
            item_cls = item.__class__
            if item_cls in _LEAF_CLASSES:
                size += 1
            elif item_cls is gast.Name and item.annotation is None and item.ctx is not None:
                size += 2  # (the first case of _measure, without the call)
            elif isinstance(item, gast.AST):
                inner_size, inner_depth = _measure(item)
                size += inner_size
                if inner_depth > depth:
                    depth = inner_depth
    return size, depth + (cls is gast.Call)


_MEASURE_FIELDS: dict[type, tuple[str, ...]] = {}


def fits(value: gast.expr, target: gast.stmt, limit: int = MAX_NODES) -> bool:
    """Whether substituting ``value`` into ``target`` keeps the line readable: few nested
    calls, a short expression (``limit`` nodes)."""
    return measures_fit(_measure(value), _measure(target), limit)


def measure(node: gast.AST) -> tuple[int, int]:
    """How many nodes ``node`` has, and how deep calls nest in it (what ``fits`` reads)."""
    return _measure(node)


def measures_fit(value: tuple[int, int], target: tuple[int, int],
                 limit: int = MAX_NODES) -> bool:
    """``fits`` for a value and a target already measured (``measure``)."""
    return value[1] + target[1] <= MAX_CALL_DEPTH and value[0] + target[0] <= limit


def located_at(node: gast.AST, at: gast.AST) -> gast.AST:
    """``node``, with every statement, expression and handler in it that has no position
    taking ``at``'s (code written for the user's statement ``at``)."""
    for sub in gast.walk(node):
        if isinstance(sub, (gast.stmt, gast.expr, gast.ExceptHandler)) \
                and getattr(sub, "lineno", None) is None:
            gast.copy_location(sub, at)
    return node
