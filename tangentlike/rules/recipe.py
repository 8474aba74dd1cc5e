"""A template's instantiated statements kept as a recipe, rebuilt for the next call of the
same shape without instantiating the template again (issue 18, item 5).

``template.instantiate`` copies a template's kept statements node by node for each call:
each parameter replaced by a copy of what the call binds to it, ``d[x]`` by the derivative
variable of ``x``, each template-local name by a fresh name and each global by its name in
the module; then it folds constants and drops default arguments.  For two calls of one
template that keep the same statements, bind a constant of the same value to the same
parameters and a name to the others, and reach the same globals under the same names, the
results differ only in those names.  Folding and the dropping of default arguments read
constants, operators and callees, never a name (``FoldConstants(algebra=False)`` compares no
names), so they decide the same for both.  The first such call is instantiated as before,
noting where each name of its result came from (``origins``); its result, in post-order,
is the recipe; the next calls rebuild it with their own names::

    mul(z, x, y), x bound to 0.4:   bt6 = unbroadcast(0.4 * bt7, t6)
    the next call (z: t11, y: t10): bt10 = unbroadcast(0.4 * bt11, t10)

A recipe holds the steps that rebuild the statements on a stack: a node (its class and its
fields in their order: values shared as ``syntax.clone`` shares them, annotation records
copied, children taken from the stack, the ``id`` of a name that came from a derivative or a
renamed name looked up for the call), a copy of what the call binds to a parameter, or a
value that is an item of a list (a ``None`` among nodes).

The steps are interpreted (``interpret``) for the first rebuilds of a recipe; one rebuilt more
often (``COMPILE_AFTER``) is compiled into a builder (``compile_builder``: the steps written
out as a Python function, one statement per node, ``exec``'d once), which makes the same
nodes without reading the steps again; its source is kept on the recipe (``Recipe.source``)
to be read when debugging.

A recipe also knows the names each statement's value reads (``reads``: where each came
from), so that a rebuild can tell them without a walk of the value: reverse mode's
``first_contributions`` asks, for every contribution, which adjoints its value reads.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gast

from tangentlike.core import anno, syntax

# Where a node of an instantiated statement came from (``origins``, by the node's id, with the
# node): a copy of what the call binds to a parameter, the derivative variable of a parameter,
# or the new name of a template-local name or a global.
PARAM, DERIVED, RENAMED = "param", "derived", "renamed"

# Operators and contexts: a field holding one without attributes is shared, not copied.
LEAF_CLASSES = frozenset(c for base in (gast.expr_context, gast.operator, gast.unaryop,
                                        gast.cmpop, gast.boolop)
                         for c in base.__subclasses__())

# The steps of a recipe: build a node, copy a parameter's value, push a list item as it is.
_NODE, _PARAM, _VALUE = "node", "param", "value"
# What a node's step does with one of its fields (``_NODE``): keep its value, copy its
# annotation record, take one child or a list of children from the stack, look its name up.
_STATIC, _INFO, _CHILD, _ITEMS = "static", "info", "child", "items"


@dataclass(eq=False, slots=True)
class Recipe:
    """One call's instantiated statements, to rebuild for another call of the same shape."""

    # the steps, in post-order: (what, class or parameter or value, the node's fields in
    # their order with the values that are kept (the others None), the other fields (key,
    # what is done, value), how many children it takes from the stack)
    steps: tuple[tuple[str, Any, dict[str, Any], tuple[tuple[str, str, Any], ...], int], ...]
    # the parameters whose derivative the copy asked for, in the order it first asked
    asks: tuple[str, ...]
    # for each statement, the names its value reads, in walk order, each as (where it came
    # from, its key): (_STATIC, the name), (PARAM, the parameter bound to a name), (DERIVED,
    # the parameter whose derivative it is), (RENAMED, the template's name); None for a
    # statement without a value
    reads: tuple[tuple[tuple[str, str], ...] | None, ...]
    # how many times the steps were interpreted (:func:`interpret`), until the builder is
    # compiled; then the builder (:func:`compile_builder`) and its source, kept to be read
    interpreted: int = 0
    builder: Callable[[dict[str, gast.expr], dict[str, str | None], dict[str, str]],
                      list[gast.stmt]] | None = None
    source: str | None = None


def make_recipe(statements: list[gast.stmt], origins: dict[int, tuple[str, str, gast.AST]],
                asks: list[str]) -> Recipe | None:
    """The recipe of ``statements`` (a call's instantiated statements, each name that came
    from the call marked in ``origins``); None when a node appears twice in them (a rebuild
    would make two) or a field holds a subclass of list."""
    steps: list[tuple[str, Any, dict[str, Any], tuple[tuple[str, str, Any], ...], int]] = []
    seen: set[int] = set()

    def add(node: gast.AST) -> bool:
        if id(node) in seen:
            return False
        seen.add(id(node))
        origin = origins.get(id(node))  # (each node noted is kept there: its id is its own)
        if origin is not None and origin[0] == PARAM:
            steps.append((_PARAM, origin[1], {}, (), 0))
            return True
        fields, children = [], 0
        for key, value in node.__dict__.items():
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, gast.AST):
                        if not add(item):
                            return False
                    else:
                        steps.append((_VALUE, item, {}, (), 0))
                fields.append((key, _ITEMS, len(value)))
                children += len(value)
            elif isinstance(value, gast.AST):
                if value.__class__ in LEAF_CLASSES and not value.__dict__:
                    fields.append((key, _STATIC, value))  # (shared, as ``syntax.clone`` does)
                else:
                    if not add(value):
                        return False
                    fields.append((key, _CHILD, None))
                    children += 1
            elif key == anno.KEY:
                fields.append((key, _INFO, syntax.clone_info(value)))  # (as it is now)
            elif isinstance(value, list):
                return False
            elif key == "id" and origin is not None:
                fields.append((key, origin[0], origin[1]))  # DERIVED or RENAMED
            else:
                fields.append((key, _STATIC, value))
        # (the kept values set at once: a field set later keeps its place in the order)
        kept = {key: value if how is _STATIC else None for key, how, value in fields}
        others = tuple(field for field in fields if field[1] is not _STATIC)
        steps.append((_NODE, node.__class__, kept, others, children))
        return True

    for stmt in statements:
        if not add(stmt):
            return None
    return Recipe(tuple(steps), tuple(asks), tuple(_reads(stmt, origins) for stmt in statements))


def _reads(stmt: gast.stmt, origins: dict[int, tuple[str, str, gast.AST]],
           ) -> tuple[tuple[str, str], ...] | None:
    """Where each name ``stmt``'s value reads came from (``Recipe.reads``).  A parameter's
    value in the recipe is a name or a constant (``template._recipe_key``): a name is one
    name read, a constant none.  None (not noted) for a value with a name it does not read
    (a comprehension's variable, stored): the names noted are the value's loaded names."""
    value = getattr(stmt, "value", None)
    if not isinstance(value, gast.AST):
        return None
    names = syntax.walk_names(value)
    if any(node.ctx.__class__ is not gast.Load for node in names):
        return None
    out = []
    for node in names:
        origin = origins.get(id(node))
        out.append((_STATIC, node.id) if origin is None else (origin[0], origin[1]))
    return tuple(out)


def rebuild(recipe: Recipe, params: dict[str, gast.expr], derivatives: dict[str, str | None],
            renames: dict[str, str], reads: Reads | None = None) -> list[gast.stmt]:
    """The statements of ``recipe`` for a call binding ``params``, whose parameters have the
    ``derivatives`` (those of ``recipe.asks`` all asked) and whose template-local names and
    globals are ``renames``: new nodes throughout, as instantiation makes.  With ``reads``,
    the names each statement's value reads are noted there (:data:`Reads`).

    The first rebuilds interpret the steps (:func:`interpret`); a recipe rebuilt more often
    is compiled into a builder (:func:`compile_builder`), which makes the same nodes."""
    builder = recipe.builder
    if builder is not None:
        statements = builder(params, derivatives, renames)
    else:
        statements = interpret(recipe, params, derivatives, renames)
        recipe.interpreted += 1
        if recipe.interpreted >= COMPILE_AFTER:
            recipe.source, recipe.builder = compile_builder(recipe)
    if reads is not None:  # (noted as found here, the names made only if asked)
        for stmt, specs in zip(statements, recipe.reads):
            if specs is not None:
                value = stmt.value
                reads[id(value)] = (value, specs, params, derivatives, renames)
    return statements


# How many rebuilds interpret a recipe before its builder is compiled: compiling one (0.3-1 ms)
# costs what about 150 rebuilds by the builder save (about 4 us each, of 12), so a recipe
# rebuilt a few times only (most of them, in a small function) is never compiled, and one
# compiled has been rebuilt at least as often as its compilation costs.
COMPILE_AFTER = 128


def interpret(recipe: Recipe, params: dict[str, gast.expr], derivatives: dict[str, str | None],
              renames: dict[str, str]) -> list[gast.stmt]:
    """:func:`rebuild`'s statements, built by running the steps on a stack."""
    stack: list[Any] = []
    push = stack.append
    clone_info, clone_name = syntax.clone_info, syntax.clone_name
    for what, obj, kept, fields, count in recipe.steps:
        if what is _NODE:
            new = obj.__new__(obj)
            built = new.__dict__
            built.update(kept)
            if count:
                children = stack[-count:]
                del stack[-count:]
                at = 0
            for key, how, value in fields:
                if how is _CHILD:
                    built[key] = children[at]
                    at += 1
                elif how is _ITEMS:
                    built[key] = children[at:at + value]
                    at += value
                elif how is _INFO:
                    built[key] = clone_info(value)
                elif how is DERIVED:
                    built[key] = derivatives[value]
                else:  # RENAMED
                    built[key] = renames[value]
            push(new)
        elif what is _PARAM:  # (``syntax.clone``, which calls ``clone_name`` for a name)
            bound = params[obj]
            push(clone_name(bound) if bound.__class__ is gast.Name else syntax.clone(bound))
        else:
            push(obj)
    return stack


def compile_builder(recipe: Recipe) -> tuple[str, Callable[..., list[gast.stmt]]]:
    """A Python function that builds ``recipe``'s statements (what :func:`interpret` builds,
    node for node) and its source.  As ``dataclasses`` writes ``__init__``: the steps are
    known once the recipe is made, so the loop that reads them for every call (which step,
    which field does what) is written out once as straight-line code, one statement per node
    with its fields in their order, and ``exec``'d::

        def build(params, derivatives, renames):
            p = params['y']
            n0 = clone_name(p) if p.__class__ is Name else clone(p)
            n1 = new_node(Name)
            n1.__dict__ = {'id': renames['t'], 'ctx': c0, 'annotation': None, ...}
            ...
            return [n9]

    A node's dict is set whole, its keys in the fields' order (the order ``interpret``'s
    ``update`` then assignments give); each annotation record is copied as ``clone_info``
    copies a plain record (a new ``NodeInfo`` with a copy of the fields).  The values that
    are kept are the recipe's own objects (``c0``, ...: shared, as the interpreter shares
    them), but ``None``, strings, integers and booleans, written as literals."""
    lines = ["def build(params, derivatives, renames):"]
    names: dict[str, Any] = {"new_node": gast.AST.__new__, "new_info": object.__new__,
                             "clone_name": syntax.clone_name,
                             "clone": syntax.clone, "clone_info": syntax.clone_info,
                             "Name": gast.Name, "NodeInfo": anno.NodeInfo}
    known: dict[int, str] = {}  # id of a shared object -> its name in the builder

    def shared(value: Any, prefix: str = "c") -> str:
        if value is None or value.__class__ in (str, int, bool):
            return repr(value)
        name = known.get(id(value))
        if name is None:
            name = known[id(value)] = f"{prefix}{len(known)}"
            names[name] = value
        return name

    def node_class(cls: type) -> str:  # (by its own name, unless another has it)
        if names.setdefault(cls.__name__, cls) is cls:
            return cls.__name__
        return shared(cls, "C")

    stack: list[str] = []
    for at, (what, obj, kept, fields, count) in enumerate(recipe.steps):
        var = f"n{at}"
        if what is _PARAM:
            lines.append(f"    p = params[{obj!r}]")
            lines.append(f"    {var} = clone_name(p) if p.__class__ is Name else clone(p)")
        elif what is _VALUE:
            lines.append(f"    {var} = {shared(obj)}")
        else:
            children = stack[len(stack) - count:]
            del stack[len(stack) - count:]
            done = {}
            for key, how, value in fields:
                if how is _CHILD:
                    done[key] = children.pop(0)
                elif how is _ITEMS:
                    done[key] = "[" + ", ".join(children[:value]) + "]"
                    del children[:value]
                elif how is _INFO:
                    if value.__class__ is anno.NodeInfo:
                        info = f"i{at}"
                        lines.append(f"    {info} = new_info(NodeInfo)")
                        lines.append(f"    {info}.__dict__ = {shared(dict(value.__dict__), 'r')}"
                                     ".copy()")
                        done[key] = info
                    else:
                        done[key] = f"clone_info({shared(value, 'r')})"
                elif how is DERIVED:
                    done[key] = f"derivatives[{value!r}]"
                else:  # RENAMED
                    done[key] = f"renames[{value!r}]"
            items = ", ".join(f"{key!r}: {done[key] if key in done else shared(value)}"
                              for key, value in kept.items())
            lines.append(f"    {var} = new_node({node_class(obj)})")
            lines.append(f"    {var}.__dict__ = {{{items}}}")
        stack.append(var)
    lines.append(f"    return [{', '.join(stack)}]")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<recipe builder {id(recipe):x}>", "exec"), names)  # noqa: S102
    return source, names["build"]


# The names some values rebuilt from a recipe read, found without walking them: a value's id
# -> (the value, where each name it reads came from (``Recipe.reads``), and the call's
# parameters, derivatives and new names, which :func:`names_read` looks them up in).  The
# value is kept, so that its id is not reused while noted; a reader checks that the node at
# hand is the one noted, and the names hold only while nothing replaces a name in the value.
Reads = dict[int, tuple[gast.expr, tuple[tuple[str, str], ...], dict[str, gast.expr],
                        dict[str, str | None], dict[str, str]]]


def names_read(noted: tuple[gast.expr, tuple[tuple[str, str], ...], dict[str, gast.expr],
                            dict[str, str | None], dict[str, str]]) -> list[str]:
    """The names of the Name nodes in a value noted in :data:`Reads`, in walk order (as
    ``syntax.walk_names`` finds them)."""
    _, specs, params, derivatives, renames = noted
    return [key if how is _STATIC else derivatives[key] if how is DERIVED
            else renames[key] if how is RENAMED else params[key].id
            for how, key in specs]
