"""The front end's shortcuts of the eighth round (issue 18 item 5) give what they replaced:
a top-level function's block found without tokenizing against ``inspect.getsourcelines``,
the normalizer's one walk (``function_walk.py``) against the walks it replaced, the
resolutions a generation keeps against resolving afresh (the same objects and guards), and
the names bound after shared values against ``syntax.stored_names``.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import textwrap
import types

import gast
from support import functions_of_test_modules
from test_front_end_one_walk import difference

from tangentlike import pipeline
from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend import operations, parsing
from tangentlike.frontend.function_walk import function_facts
from tangentlike.frontend.normalize import normalize
from tangentlike.rules.template import Namespace


def _tokenized(code: types.CodeType) -> gast.stmt:
    """The function parsed from the block ``inspect.getsourcelines`` finds (the reference)."""
    lines, start = inspect.getsourcelines(code)
    return syntax.parse("\n" * (start - 1) + textwrap.dedent("".join(lines))).body[0]


def test_top_level_block_is_the_tokenized_block() -> None:
    fast = 0
    for func in functions_of_test_modules():
        module = parsing._top_level_module(func.__code__)
        if module is None:
            continue
        assert difference(_tokenized(func.__code__), module.body[0]) is None, func.__qualname__
        fast += 1
    assert fast > 200


def _load(tmp_path, name: str, text: str) -> types.ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_top_level_block_at_lines_that_start_with_code(tmp_path) -> None:
    """Lines that start with code inside a function (a string, brackets, a continued header)
    make the block unclosed: tokenized instead; comments and blank lines at the start of a
    line, decorators, a last function without a newline: the same tree."""
    module = _load(tmp_path, "eighth_blocks", '''
        import functools

        def keep(f):
            return f

        def in_string(x):
            s = """
        y = 1
        """
            return x * len(s)

        def in_brackets(x):
            y = max(x,
        2.0)
            return y

        def header(x,
        y=1.0):
            return x * y

        @functools.lru_cache
        @keep
        def decorated(x):
        # a comment at the start of a line
            return x

            # an indented comment after it

        # a comment before the next

        def blank_lines(x):
            """doc

            with a line of spaces above"""

            return x + 1.0
        def last(x):
            return -x''')
    expected_fast = {"decorated": True, "blank_lines": True, "last": True,
                     "in_string": False, "in_brackets": False, "header": False}
    for name, fast in expected_fast.items():
        func = inspect.unwrap(getattr(module, name))
        found = parsing._top_level_module(func.__code__)
        assert (found is not None) == fast, name
        if found is not None:
            assert difference(_tokenized(func.__code__), found.body[0]) is None, name
        parsed = parsing.parse_function(func).node  # both ways: the same tree
        reference = _tokenized(func.__code__)
        reference.decorator_list = []
        reference.name = parsed.name
        assert difference(reference, parsed) is None, name


def _walked_facts(node: gast.FunctionDef) -> tuple[set[str], set[str], gast.AST | None]:
    """The walks ``function_facts`` replaced (the reference)."""
    grown = {call.func.value.id for call in syntax.walk(node)
             if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
             and call.func.attr == "append" and isinstance(call.func.value, gast.Name)}
    first_yield = next((sub for sub in syntax.walk(node)
                        if isinstance(sub, (gast.Yield, gast.YieldFrom))), None)
    return syntax.stored_names(node), grown, first_yield


def test_function_facts_in_one_walk() -> None:
    nodes = [parsing.parse_function(f).node for f in functions_of_test_modules()]
    nodes.append(syntax.parse(textwrap.dedent("""
        def g(xs, *, n=2):
            ys = []
            ys.append(n)
            for i in range(n):
                zs = [k for k in xs]
                yield (yield from zs)
            ys.append(i)
            del ys
            yield i
        """)).body[0])
    grown = yields = 0
    for node in nodes:
        facts = function_facts(node)
        assert (facts.bound, facts.grown, facts.first_yield) == _walked_facts(node)
        grown += bool(facts.grown)
        yields += facts.first_yield is not None
    assert grown > 5 and yields >= 1


def _callees(fn: gast.FunctionDef) -> list[gast.expr]:
    return [sub.func for sub in syntax.walk(fn) if isinstance(sub, gast.Call)]


def test_kept_resolutions_are_fresh_resolutions() -> None:
    """Every callee of every normalized test function: resolved with the generation's kept
    resolutions (twice), the same object as resolved afresh, and the same guards."""
    compared = kept_names = 0
    for func in functions_of_test_modules():
        try:
            parsed = parsing.parse_function(func)
            fn = normalize(parsed, Namer(syntax.all_names(parsed.node)))
        except Exception:  # (a refused function: nothing to resolve)
            continue
        local = syntax.stored_names(fn)
        kept = parsing.ParsedFunction(func=parsed.func, node=parsed.node,
                                      filename=parsed.filename, aliases=parsed.aliases,
                                      resolutions={})
        fresh = parsing.ParsedFunction(func=parsed.func, node=parsed.node,
                                       filename=parsed.filename, aliases=parsed.aliases)
        for callee in _callees(fn) * 2:
            assert operations.resolve(callee, kept, local) == \
                operations.resolve(callee, fresh, local)
            compared += 1
        for mine, theirs in [(kept.guards.names, fresh.guards.names),
                             (kept.guards.cells, fresh.guards.cells)]:
            assert list(mine) == list(theirs)  # (the same guards, in the same order)
            assert all(mine[k][-1] is theirs[k][-1] for k in mine)
        kept_names += len(kept.resolutions)
    assert compared > 1000 and kept_names > 200


def test_bound_after_shared_values_is_stored_names(tmp_path, monkeypatch) -> None:
    """``_normalized``'s names bound (counted before shared values, the dropped bindings
    taken off) and free names against ``syntax.stored_names`` and ``loaded_names`` of the
    function it gives."""
    module = _load(tmp_path, "eighth_repeated", """
        import numpy as np

        def repeated(x, y):
            a = np.sin(x) * np.sin(x) + np.sin(x) * y
            b = np.sin(x) * y
            return a + b * (x + y) + (x + y)
        """)
    renamed = []
    share = pipeline.share_repeated_values

    def sharing(*args):
        renamed.append(share(*args))
        return renamed[-1]
    monkeypatch.setattr(pipeline, "share_repeated_values", sharing)
    compared = 0
    for func in [module.repeated, *functions_of_test_modules()]:
        try:
            parsed = parsing.parse_function(func)
            namer = pipeline._namer(parsed)
            namespace = Namespace(func.__globals__, namer, {})
            params = [a.id for a in parsed.node.args.posonlyargs + parsed.node.args.args
                      + parsed.node.args.kwonlyargs]
            fn, bound, free = pipeline._normalized(parsed, namer, namespace, params)
        except Exception:  # (a refused function)
            continue
        assert bound == syntax.stored_names(fn), func.__qualname__
        assert free == syntax.loaded_names(fn) - bound, func.__qualname__
        compared += 1
    assert compared > 200
    assert renamed[0] and sum(bool(r) for r in renamed) > 5


def test_lowering_locals_in_its_one_walk() -> None:
    """``Lowering``'s locals (found in its walk for nested functions) against
    ``syntax.stored_names`` with the parameters and nested functions' names."""
    from tangentlike.frontend.functions import Lowering, params_of
    compared = 0
    for func in functions_of_test_modules():
        node = parsing.parse_function(func).node
        lowering = Lowering(parsing.parse_function(func), lambda obj, preferred: preferred, {})
        expected = syntax.stored_names(node) | {p.id for p in params_of(node.args)}
        assert lowering.locals == expected | lowering.defs, func.__qualname__
        compared += bool(lowering.defs)
    assert compared > 10


def _merged_by_loop(mine: dict, theirs: dict) -> dict:
    """``State.merged`` before (the reference): every name of the other state looked at."""
    points = dict(mine)
    for name, objects in theirs.items():
        old = points.get(name)
        if old is None:
            points[name] = objects
        elif old is not objects:
            points[name] = old | objects
    return points


def test_merged_states_are_the_loops() -> None:
    from tangentlike.frontend.points_to import State
    shared = frozenset({("param", "x")})
    a = {"x": shared, "y": frozenset({("made", 1)}), "z": frozenset({("made", 2)})}
    b = {"y": frozenset({("made", 3)}), "x": shared, "w": frozenset({("global", "g")}),
         "z": frozenset({("made", 2)})}  # (z: equal, another object)
    for mine, theirs in [(a, b), (b, a), (a, {}), ({}, b), (a, dict(a))]:
        got = State(dict(mine)).merged(State(dict(theirs))).points
        expected = _merged_by_loop(mine, theirs)
        assert got == expected and list(got) == list(expected)
        assert all(got[n] is mine[n] for n in mine if theirs.get(n) is mine[n])
