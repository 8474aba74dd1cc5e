"""The front end's shortcuts of the sixteenth round (issue 18 item 5) give what they
replace: ``function_facts``' stack walk against the breadth-first ``syntax.walk`` it
replaces; ``apply_calls._calls``, which does not enter a name or a constant, against
the walk of every node (the same calls found, the same callees resolved, in order);
``lifting.scope_names``' walk written out against ``syntax.walk_depth_first``; and the
values ``functions.Lowering.statement`` no longer asks about (arithmetic, literals)
against the three questions it skips."""
from __future__ import annotations

import textwrap

import gast
import numpy as np
from support import functions_of_test_modules, trees_of_test_functions

from tangentlike.core import syntax
from tangentlike.frontend import apply_calls, functions, lifting
from tangentlike.frontend.function_walk import FunctionFacts, function_facts
from tangentlike.frontend.namespaces import module_of
from tangentlike.frontend.parsing import parse_function


def _walked_facts(node: gast.FunctionDef) -> FunctionFacts:
    """``function_facts`` as it was: over ``syntax.walk(node)``."""
    changed, kept, read, bound, grown = set(), set(), [], set(), set()
    first_yield, classes, keywords, methods = None, set(), set(), set()
    for sub in syntax.walk(node):
        cls = sub.__class__
        classes.add(cls)
        if cls is gast.Name:
            ctx = sub.ctx.__class__
            if ctx is gast.Load:
                read.append(sub)
            elif ctx is gast.Store or ctx is gast.Param:
                bound.add(sub.id)
            elif ctx is gast.Del:
                changed.add(sub.id)
            continue
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
        elif isinstance(sub, (gast.Yield, gast.YieldFrom)) and first_yield is None:
            first_yield = sub
    return FunctionFacts(changed, {sub.id for sub in read if id(sub) not in kept}, bound,
                         grown, first_yield, classes, keywords, methods)


_HAND_MADE = textwrap.dedent("""
    def f(x: float, *ys: list, k=lambda t: t + 1, **kw) -> float:
        del kw["a"]
        xs = [x]
        xs.append(len(ys))
        for i, y in enumerate(ys):
            xs[i] += y
        with open(x) as fh:
            z = [v for v in fh if v]
        g(*xs, **kw, scale=2)
        if x > 0:
            a = (yield from xs)
        b = yield x
        return (yield b)
    """)


def test_function_facts_are_the_walked_facts() -> None:
    """On every test function, parsed and normalized, and a hand-made one (annotations, a
    lambda default, ``del``, ``+=``, a comprehension, ``with``, spreads, three ``yield``s
    at different depths: the first in breadth-first order is not the stack walk's first):
    the same facts, the first ``yield`` the same node."""
    trees = trees_of_test_functions() + [syntax.parse(_HAND_MADE).body[0]]
    yields = 0
    for node in trees:
        ours, theirs = function_facts(node), _walked_facts(node)
        assert ours.first_yield is theirs.first_yield
        yields += ours.first_yield is not None
        for field in ("changed", "shared", "bound", "grown", "classes", "keywords",
                      "methods"):
            assert getattr(ours, field) == getattr(theirs, field), field
    assert yields


def _walked_calls(node, normalizer, deferred, found) -> None:
    """``apply_calls._calls`` as it was: every child node entered and asked."""
    for child in syntax.child_nodes(node):
        if isinstance(child, gast.stmt):
            continue
        _walked_calls(child, normalizer, deferred or isinstance(child, apply_calls._DEFERRED),
                      found)
        if apply_calls._target(child, normalizer) is not None:
            found.append((child, deferred))


def _lowered_apply(x):
    y = np.apply_along_axis(lambda r: np.sum(r * x), 0, np.outer(x, x))
    return np.sum(np.sin(y) + np.apply_over_axes(np.sum, np.cos(y), [0]))


def test_calls_are_the_walked_calls(monkeypatch) -> None:
    """On every statement of every parsed test function (and one with calls of
    ``np.apply_along_axis`` and ``np.apply_over_axes``): the same calls found, with the
    same flags, and the same callees resolved in the same order (the order of the first
    resolutions fixes the order of the guards)."""
    resolved: list = []
    resolve = apply_calls.resolve

    def noting(func, parsed, local_names):
        resolved.append(func)
        return resolve(func, parsed, local_names)

    monkeypatch.setattr(apply_calls, "resolve", noting)
    parsed = [parse_function(_lowered_apply)]
    trees = trees_of_test_functions(parsed=True)
    found_any = 0
    for tree in [parsed[0].node] + trees:
        context = apply_calls._Context(parsed[0], None, None)
        for stmt in syntax.statements(tree.body, with_bodies=True):
            ours, theirs = [], []
            resolved.clear()
            apply_calls._calls(stmt, context, False, ours)
            ours_resolved = list(resolved)
            resolved.clear()
            _walked_calls(stmt, context, False, theirs)
            assert [(id(c), d) for c, d in ours] == [(id(c), d) for c, d in theirs]
            assert [id(f) for f in ours_resolved] == [id(f) for f in resolved]
            found_any += len(ours)
    assert found_any >= 2


def _walked_scope_names(fn: gast.FunctionDef) -> lifting.ScopeNames:
    """``lifting.scope_names`` as it was: over ``syntax.walk_depth_first``."""
    counts: dict[str, int] = {}
    for p in lifting.params_of(fn.args):
        counts[p.id] = counts.get(p.id, 0) + 1
    bound: set[str] = set()
    defs: set[str] = set()
    nested: list = []
    for node in syntax.walk_depth_first(fn.body, (gast.FunctionDef, gast.Lambda)):
        kind = lifting._binding_kind(node.__class__)
        if kind is None:
            if node.__class__ is gast.Assign and node.value.__class__ is gast.Lambda \
                    and node.targets[0].__class__ is gast.Name:
                defs.add(node.targets[0].id)
            continue
        if kind == "name":
            if node.ctx.__class__ in (gast.Store, gast.Param):
                bound.add(node.id)
            if not isinstance(node.ctx, gast.Load):
                counts[node.id] = counts.get(node.id, 0) + 1
        elif kind in ("def", "lambda"):
            if kind == "def":
                counts[node.name] = counts.get(node.name, 0) + 1
            lifting._nested_scope(node, bound, defs, nested)
        elif kind == "comprehension":
            for name in syntax.stored_names(node.target):
                counts[name] = counts.get(name, 0) + 1
        elif kind == "loop":
            for name in syntax.stored_names(gast.Module(body=node.body, type_ignores=[])):
                counts[name] = counts.get(name, 0) + 1
    return lifting.ScopeNames(counts, bound, defs, nested)


def test_scope_names_are_the_walked_scope_names() -> None:
    """On every test function, parsed and normalized: the same counts in the same order
    (the walk's), the same names bound and defined, the same nested scopes in order."""
    nested = 0
    for node in trees_of_test_functions():
        ours, theirs = lifting.scope_names(node), _walked_scope_names(node)
        assert list(ours.counts.items()) == list(theirs.counts.items())
        assert ours.bound == theirs.bound and ours.defs == theirs.defs
        assert [id(n) for n in ours.nested] == [id(n) for n in theirs.nested]
        nested += len(ours.nested)
    assert nested


def test_no_function_values_are_no_function_values() -> None:
    """``Lowering.statement`` asks ``module_of``, ``stands_frozen`` and ``function_value``
    nothing of a value of a class in ``_NO_FUNCTION_VALUES``: on every such assignment of
    every test function, each gives what the statement then does nothing with."""
    asked = 0
    for f in functions_of_test_modules():
        parsed = parse_function(f)
        lowering = functions.Lowering(parsed, lambda obj, preferred: preferred, {})
        for stmt in syntax.statements(parsed.node.body, with_bodies=True):
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], gast.Name)
                    and stmt.value.__class__ in functions._NO_FUNCTION_VALUES):
                continue
            name = stmt.targets[0].id
            assert module_of(stmt.value, lowering.resolve) is None
            assert not lowering.stands_frozen(name, stmt.value)
            assert lowering.function_value(stmt.value, snapshot=name) is None
            asked += 1
    assert asked > 100
