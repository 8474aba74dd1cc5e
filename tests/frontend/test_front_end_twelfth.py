"""The front end's shortcuts of the twelfth round (issue 18 item 5) give what they replace:
``function_walk.names_and_calls`` (one walk of the parsed function for the namer and the
inliner) against ``syntax.walk_names`` and the calls of ``syntax.walk``, and the inliner's
test of free calls from it against its own walks.
"""
from __future__ import annotations

import builtins
import textwrap

import gast
from support import functions_of_test_modules, trees_of_test_functions

from tangentlike.core import syntax
from tangentlike.frontend import inlining, parsing
from tangentlike.frontend.function_walk import names_and_calls

_HANDMADE = textwrap.dedent("""
    def g(x: make(3), ys, *, n: int = helper(2)):
        def h(t: other(1)) -> later(t):
            return t * scale(t)
        try:
            x = h(x) + (lambda u: inner(u))(x)
        except ValueError as e:
            x = [called(v) for v in ys if check(v)]
        return len(x) + ys.count(x) + (yield_me(x) if n else 0)
    """)


def _nodes() -> list[gast.FunctionDef]:
    nodes = [parsing.parse_function(f).node for f in functions_of_test_modules()]
    nodes.append(syntax.parse(_HANDMADE).body[0])
    return nodes


def _calls_free_names_walked(node: gast.FunctionDef) -> bool:
    """``inlining._calls_free_names`` as it was: ``syntax.walk`` and ``stored_names``."""
    called = {sub.func.id for sub in syntax.walk(node)
              if sub.__class__ is gast.Call and sub.func.__class__ is gast.Name
              and not hasattr(builtins, sub.func.id)}
    return bool(called) and not called <= syntax.stored_names(node)


def test_names_and_calls_against_their_walks() -> None:
    answers = set()
    for node in _nodes():
        walked = names_and_calls(node)
        assert [id(n) for n in walked.names] == [id(n) for n in syntax.walk_names(node)]
        assert walked.called == {sub.func.id for sub in syntax.walk(node)
                                 if isinstance(sub, gast.Call)
                                 and isinstance(sub.func, gast.Name)}
        answer = _calls_free_names_walked(node)
        assert inlining._calls_free_names(node, walked) == answer
        assert inlining._calls_free_names(node) == answer
        answers.add(answer)
    assert answers == {True, False}


def test_annotation_calls_are_seen() -> None:
    """A call inside a parameter's annotation is among the calls (``syntax.walk`` enters
    annotations) but its names are not among the Names (``walk_names`` does not)."""
    node = syntax.parse(_HANDMADE).body[0]
    walked = names_and_calls(node)
    assert {"make", "helper", "other", "later", "scale", "inner", "called", "check",
            "yield_me", "len"} <= walked.called
    assert "make" not in {n.id for n in walked.names}


def test_reads_any_against_loaded_names() -> None:
    """``operations.reads_any`` answers as ``loaded_names(node) & names`` does, for every
    expression of the test functions and of their normalized forms, with a name read in it
    (up to four) as the only one asked about, all of them, and none."""
    from tangentlike.frontend.operations import reads_any

    nodes = _nodes() + trees_of_test_functions(80, parsed=False)
    asked = 0
    for node in nodes:
        for sub in syntax.walk(node):
            if not isinstance(sub, gast.expr):
                continue
            loaded = syntax.loaded_names(sub)
            every = {n.id for n in syntax.walk_names(sub)}
            for names in [set(), every, *({name} for name in sorted(every)[:4])]:
                assert reads_any(sub, names) == bool(loaded & names)
                asked += 1
    assert asked > 10_000


def test_targets_and_stored_names_without_a_walk() -> None:
    """``operations.targets`` and ``points_to._stored_names`` give a name target's name
    without a walk: what ``syntax.stored_names`` gives, on every assignment of the test
    functions and hand-made targets (a load, a parameter, a tuple, a subscript)."""
    from tangentlike.frontend import operations, points_to

    statements = [sub for node in _nodes() for sub in syntax.walk(node)
                  if isinstance(sub, gast.Assign)]
    for context in (gast.Load(), gast.Param(), gast.Del()):
        statements.append(gast.Assign(targets=[gast.Name(id="v", ctx=context, annotation=None,
                                                        type_comment=None)],
                                      value=syntax.const(1), type_comment=None))
    statements.append(syntax.parse("a, (b, c[i]) = t").body[0])
    statements.append(syntax.parse("x[i] = t").body[0])
    assert len(statements) > 500
    for stmt in statements:
        target = stmt.targets[0]
        assert operations.targets(stmt) == sorted(syntax.stored_names(target))
        assert set(points_to._stored_names(target)) == syntax.stored_names(target)


def _lowering_reference(fn: gast.FunctionDef) -> tuple[set[str], set[str], list]:
    """What ``functions.Lowering.__init__`` found in its own walk before ``scope_names``:
    the body's bound names, the functions defined, the nested functions and lambdas."""
    defs, nested, bound = set(), [], set()
    for s in fn.body:
        for n in syntax.walk(s):
            if isinstance(n, gast.Name):
                if isinstance(n.ctx, (gast.Store, gast.Param)):
                    bound.add(n.id)
            elif isinstance(n, gast.FunctionDef):
                defs.add(n.name)
                nested.append(n)
            elif isinstance(n, gast.Lambda):
                nested.append(n)
            elif isinstance(n, gast.Assign) and isinstance(n.value, gast.Lambda) \
                    and isinstance(n.targets[0], gast.Name):
                defs.add(n.targets[0].id)
    return bound, defs, nested


_NESTED = textwrap.dedent("""
    def f(x, k=2):
        scale = lambda t, s=3: t * s
        def g(y, *rest, w=None, **more):
            inner = lambda q: [q * z for z in rest]
            def h(v):
                u = v
                return inner(u)
            return h(y) + scale(y)
        async def a(p):
            def b(r):
                return r
            return b(p)
        for i in range(k):
            x = g(x) if i else (lambda m: m + 1)(x)
        del k
        return [scale(e) for e in (x,)]
    """)


def test_scope_names_against_the_walks_they_replace() -> None:
    from tangentlike.frontend import lifting

    nodes = _nodes()
    nodes.append(syntax.parse(_NESTED).body[0])
    checked = with_nested = 0
    for node in nodes:
        for fn in (n for n in gast.walk(node) if isinstance(n, gast.FunctionDef)):
            scope = lifting.scope_names(fn)
            bound, defs, nested = _lowering_reference(fn)
            assert scope.bound == bound and scope.defs == defs, fn.name
            assert sorted(map(id, scope.nested)) == sorted(map(id, nested)), fn.name
            checked += 1
            with_nested += bool(nested)
    assert checked > 400 and with_nested > 20
