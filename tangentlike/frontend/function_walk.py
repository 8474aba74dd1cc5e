"""What the normalizer reads of the user's function before it starts (after functions
are lowered), found in one walk of it: the names it binds, the lists it appends to, the
names spreading must leave alone (``spreading.py``), its first ``yield``, and which node
classes and call keywords it holds (a later walk that looks only for those is skipped where
the function has none)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import gast

from tangentlike.core import syntax


@dataclass
class FunctionFacts:
    """The facts of one function (see :func:`function_facts`)."""

    # the names whose value may change other than by a plain assignment (spreading.py)
    changed: set[str]
    # the names whose value another name or function may reach (spreading.py)
    shared: set[str]
    # the names bound anywhere in it, parameters included (``syntax.stored_names``)
    bound: set[str]
    # the names whose ``append`` method is called (a list whose length changes)
    grown: set[str]
    # the first ``yield`` or ``yield from`` in ``syntax.walk``'s order, None if none
    first_yield: gast.expr | None
    # the classes of the nodes ``syntax.walk`` gives (no contexts or operators)
    classes: set[type]
    # the keywords' names of its calls (None for ``**d``)
    keywords: set[str | None]
    # the methods called on a name (``xs.sort()``: ``sort``)
    methods: set[str] = dataclasses.field(default_factory=set)


def function_facts(node: gast.FunctionDef) -> FunctionFacts:
    """In one walk of ``node``: the names whose value may change other than by a plain
    assignment: in place (``xs[i] = v``, ``del xs[i]``, ``xs.append(v)``: any method called
    on them, ``+=``), or as the target of a ``for``, a comprehension or a ``with``; the
    names whose value another name or function may reach (so change a list's length or a
    dict's keys): every name read other than spread (``*xs``, ``**d``), indexed
    (``xs[i]``), looped over (``for x in xs``) or measured (``len(xs)``); the names bound
    (``Store`` and ``Param`` names), those appended to, the first ``yield``, the classes
    of its nodes, the names of its calls' keywords and the methods called on names."""
    changed = set()
    kept = set()  # the ids of the reads that do not share
    read: list[gast.Name] = []
    bound = set()
    grown = set()
    first_yield = None
    classes = set()
    keywords = set()
    methods = set()
    yields = []
    # A stack walk of the nodes ``syntax.walk`` gives (a Name's annotation entered), in
    # another order, which none of the sets depends on (``first_yield`` does: below).
    name_class, node_class = gast.Name, gast.AST
    fields_by_class = syntax.FIELDS_BY_CLASS
    todo = [node]
    pop, push = todo.pop, todo.append
    while todo:
        sub = pop()
        cls = sub.__class__
        classes.add(cls)
        if cls is name_class:
            ctx = sub.ctx.__class__
            if ctx is gast.Load:
                read.append(sub)
            elif ctx is gast.Store or ctx is gast.Param:
                bound.add(sub.id)
            elif ctx is gast.Del:
                changed.add(sub.id)
            if sub.annotation is not None:
                push(sub.annotation)
            continue
        fields = fields_by_class.get(cls)
        if fields is None:
            fields = syntax.walked_fields(cls)
        for field in fields:  # (``syntax.child_fields``: every field that holds nodes)
            value = getattr(sub, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_class):
                        push(item)
            elif isinstance(value, node_class):
                push(value)
        if cls is gast.Subscript:
            kept.add(id(sub.value))
            if isinstance(sub.ctx, (gast.Store, gast.Del)) and isinstance(sub.value, gast.Name):
                changed.add(sub.value.id)
        elif cls is gast.Call:
            func = sub.func
            if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
                changed.add(func.value.id)
                methods.add(func.attr)
                if func.attr == "append":
                    grown.add(func.value.id)
            elif isinstance(func, gast.Name) and func.id == "len" and len(sub.args) == 1:
                kept.add(id(sub.args[0]))
        elif cls is gast.keyword:
            keywords.add(sub.arg)
            if sub.arg is None:
                kept.add(id(sub.value))
        elif cls is gast.Starred:
            kept.add(id(sub.value))
        elif isinstance(sub, (gast.AugAssign, gast.For, gast.comprehension)):
            changed |= syntax.stored_names(sub.target)
            if cls is gast.For:
                kept.add(id(sub.iter))
        elif isinstance(sub, gast.withitem) and sub.optional_vars is not None:
            changed |= syntax.stored_names(sub.optional_vars)
        elif isinstance(sub, (gast.Yield, gast.YieldFrom)):
            yields.append(sub)
    if yields:  # the first in ``syntax.walk``'s (breadth-first) order
        first_yield = yields[0] if len(yields) == 1 else next(
            sub for sub in syntax.walk(node) if isinstance(sub, (gast.Yield, gast.YieldFrom)))
    return FunctionFacts(changed, {sub.id for sub in read if id(sub) not in kept}, bound,
                         grown, first_yield, classes, keywords, methods)


@dataclass
class NamesAndCalls:
    """What the pipeline reads of the parsed function before anything changes it (see
    :func:`names_and_calls`)."""

    # every Name, in ``syntax.walk_names``' order (a Name's annotation not entered)
    names: list[gast.Name]
    # the ids of the Names called (``f(...)``) anywhere in ``syntax.walk``'s nodes
    called: set[str]


def names_and_calls(node: gast.AST) -> NamesAndCalls:
    """``syntax.walk_names(node)`` (what ``pipeline._namer`` reads) and the names called in
    ``node`` (what ``inlining._calls_free_names`` looks for), in one walk: the stack walk of
    ``syntax.walk_names_noting``, which reaches every node ``syntax.walk`` gives except those
    inside a Name's annotation (a parameter's): those are walked for calls on their own."""
    found: list[gast.Name] = []
    called: set[str] = set()
    annotations = []
    name_class, call_class = gast.Name, gast.Call
    fields_by_class = syntax.FIELDS_BY_CLASS
    todo = [node]
    pop, push, extend = todo.pop, todo.append, todo.extend
    while todo:
        sub = pop()
        cls = sub.__class__
        if cls is name_class:
            found.append(sub)
            if sub.annotation is not None:
                annotations.append(sub.annotation)
            continue
        if cls is call_class and sub.func.__class__ is name_class:
            called.add(sub.func.id)
        fields = fields_by_class.get(cls)
        if fields is None:
            fields = syntax.walked_fields(cls)
        for field in fields:
            # A value that is no node (None, a string) has no fields: popped, it adds
            # nothing, so the nodes come off the stack in ``walk_names_noting``'s order.
            value = getattr(sub, field, None)
            if value.__class__ is list:
                extend(value)
            else:
                push(value)
    called.update(sub.func.id for annotation in annotations for sub in syntax.walk(annotation)
                  if sub.__class__ is call_class and sub.func.__class__ is name_class)
    return NamesAndCalls(found, called)

