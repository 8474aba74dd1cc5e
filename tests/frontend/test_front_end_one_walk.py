"""The front end's faster forms give what the forms they replaced gave (issue 18 item 5,
seventh round): the parser's conversion to gast against ``gast.parse`` (the same nodes,
fields, positions, and order of each node's fields), a function parsed at its line against
parsing its dedented text then moving every node (``gast.increment_lineno``), and the
spreading facts found in one walk against the three walks that found them before.
"""
from __future__ import annotations

import glob
import importlib
import importlib.util
import inspect
import os
import textwrap
from typing import Any

import gast
import pytest
from support import functions_of_test_modules

import tangentlike
from tangentlike.core import syntax
from tangentlike.frontend import parsing
from tangentlike.frontend.function_walk import function_facts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCES = sorted(glob.glob(os.path.join(ROOT, "tangentlike", "**", "*.py"), recursive=True)
                 + glob.glob(os.path.join(ROOT, "tests", "*_functions.py")))


def difference(old: Any, new: Any, path: str = "tree") -> str | None:
    """Where two trees differ (class, the keys of each node's ``__dict__`` in order, values),
    or None."""
    if type(old) is not type(new):
        return f"{path}: {type(old).__name__} / {type(new).__name__}"
    if isinstance(old, list):
        if len(old) != len(new):
            return f"{path}: {len(old)} / {len(new)} items"
        for i, (a, b) in enumerate(zip(old, new)):
            found = difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(old, gast.AST):
        if list(old.__dict__) != list(new.__dict__):
            return f"{path}: fields {list(old.__dict__)} / {list(new.__dict__)}"
        for key, value in old.__dict__.items():
            found = difference(value, new.__dict__[key], f"{path}.{key}")
            if found:
                return found
        return None
    same = old == new or (old != old and new != new)  # (a NaN literal)
    return None if same else f"{path}: {old!r} / {new!r}"


@pytest.mark.parametrize("path", SOURCES[::3], ids=lambda p: os.path.relpath(p, ROOT))
def test_conversion_is_gast_parse(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert difference(gast.parse(text), syntax.parse(text)) is None


def test_conversion_of_every_kind_of_node() -> None:
    text = textwrap.dedent('''
        import os.path as p
        from a import (b as c, d)
        @dec(1)
        async def f(x: int, /, y=2, *args, z, w=3, **kw) -> None:
            """doc"""
            global g
            async with m() as (q, r), n():
                await s
            async for i in t:
                yield i
            try:
                del x[0], y.a
            except (ValueError, TypeError) as e:
                raise RuntimeError("x") from e
            except Exception:
                pass
            else:
                x @= y
            finally:
                assert x, "m"
            while not x < y <= 3 is not None:
                break
            else:
                continue
            lambda u, *v, k=1, **kk: (u if v else k)
            a = [i for i in b if i for j in c], {k: v for k, v in d}, {*e}, (i async for i in f)
            b = f"{x!r:>{w}}" + b"\\x00" + ... + 1j + -1.5e3 + True
            c = x[1:2:3, ..., None][::2]
            match c:
                case [1, *rest] | {"k": _, **kw2} if rest:
                    pass
                case Point(x=0) as pt:
                    pass
            def inner():
                nonlocal a
            class K(B, metaclass=M):
                v: int = 1
            return (yield from x)
        ''')
    assert difference(gast.parse(text), syntax.parse(text)) is None


def test_parsed_at_its_line_is_parsed_then_moved() -> None:
    compared = 0
    for func in functions_of_test_modules():
        lines, start = inspect.getsourcelines(func.__code__)
        old = gast.parse(textwrap.dedent("".join(lines))).body[0]
        if not isinstance(old, gast.FunctionDef):
            continue
        gast.increment_lineno(old, start - 1)
        old.decorator_list = []
        new = parsing.parse_function(func).node
        old.name = new.name
        assert difference(old, new) is None, func.__qualname__
        compared += 1
    assert compared > 200


def _changed_otherwise(node: gast.FunctionDef) -> set[str]:
    """The walk ``spreading`` made before (the reference)."""
    changed = set()
    for sub in syntax.walk(node):
        if isinstance(sub, gast.Subscript) and isinstance(sub.ctx, (gast.Store, gast.Del)) \
                and isinstance(sub.value, gast.Name):
            changed.add(sub.value.id)
        elif isinstance(sub, gast.Call) and isinstance(sub.func, gast.Attribute) \
                and isinstance(sub.func.value, gast.Name):
            changed.add(sub.func.value.id)
        elif isinstance(sub, (gast.AugAssign, gast.For, gast.comprehension)):
            changed |= syntax.stored_names(sub.target)
        elif isinstance(sub, gast.withitem) and sub.optional_vars is not None:
            changed |= syntax.stored_names(sub.optional_vars)
        elif isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Del):
            changed.add(sub.id)
    return changed


def _shared(node: gast.FunctionDef) -> set[str]:
    """The two walks ``spreading`` made before (the reference)."""
    kept = set()
    for sub in syntax.walk(node):
        if isinstance(sub, (gast.Starred, gast.Subscript)) or isinstance(
                sub, gast.keyword) and sub.arg is None:
            kept.add(id(sub.value))
        elif isinstance(sub, gast.For):
            kept.add(id(sub.iter))
        elif isinstance(sub, gast.Call) and isinstance(sub.func, gast.Name) \
                and sub.func.id == "len" and len(sub.args) == 1:
            kept.add(id(sub.args[0]))
    return {sub.id for sub in syntax.walk(node) if isinstance(sub, gast.Name)
            and isinstance(sub.ctx, gast.Load) and id(sub) not in kept}


def test_spreading_facts_in_one_walk() -> None:
    nodes = [parsing.parse_function(f).node for f in functions_of_test_modules()]
    nodes.append(syntax.parse(textwrap.dedent("""
        def f(xs, d, n):
            ys = [1, 2]
            ys.append(n)
            del d["k"], zs
            xs[0] += 1
            for i, j in pairs:
                total += len(ys) + g(*xs, **d)[i]
            with open(p) as (fh, other):
                w = [k for k, v in d.items()]
            return h(xs, key=ys, **kw)
        """)).body[0])
    interesting = 0
    for node in nodes:
        facts = function_facts(node)
        assert facts.changed == _changed_otherwise(node)
        assert facts.shared == _shared(node)
        interesting += bool(facts.changed)
    assert interesting > 20


def test_generation_unchanged_by_the_prefilter_of_helpers(tmp_path) -> None:
    """A function that calls no helper is not copied by the inliner, and one that calls a
    small helper still has it written out (its derivative against central differences)."""
    from tangentlike.frontend.inlining import _calls_free_names
    module = tmp_path / "prefilter_helpers.py"
    module.write_text(textwrap.dedent("""
        import math

        def helper(a):
            return a * a + 1.0

        def calls_helper(x):
            return math.sin(helper(x)) * 2.0

        def calls_none(x):
            y = abs(x) + 0.5
            return math.sin(y) * y
        """))
    spec = importlib.util.spec_from_file_location("prefilter_helpers", module)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    assert _calls_free_names(parsing.parse_function(loaded.calls_helper).node)
    assert not _calls_free_names(parsing.parse_function(loaded.calls_none).node)
    for f in (loaded.calls_helper, loaded.calls_none):
        x, h = 0.7, 1e-6
        expected = (f(x + h) - f(x - h)) / (2 * h)
        assert abs(tangentlike.grad(f)(x) - expected) < 1e-6


@pytest.mark.parametrize("path", SOURCES[1::6], ids=lambda p: os.path.relpath(p, ROOT))
def test_child_nodes_are_gast_children_less_contexts_and_operators(path: str) -> None:
    from tangentlike.core.syntax import child_nodes
    leaves = (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop, gast.boolop)
    with open(path, encoding="utf-8") as f:
        tree = gast.parse(f.read())
    for node in gast.walk(tree):
        expected = [c for c in gast.iter_child_nodes(node) if not isinstance(c, leaves)]
        assert [id(c) for c in child_nodes(node)] == [id(c) for c in expected]
