"""The faster forms of generation passes (issue 18 item 5, fourth round) give what the
plain forms gave: ``emit.to_ast`` the tree ``gast.gast_to_ast`` makes, ``syntax.dump`` with
``reads_as`` the text of a renamed copy."""
from __future__ import annotations

import ast
from pathlib import Path

import gast
import pytest

from tangentlike.backend import emit
from tangentlike.core import syntax

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("tests/*_functions.py"), *ROOT.glob("tangentlike/frontend/*.py"),
                  *ROOT.glob("templates/**/*.py")])

EXTRA = '''
def f(x, y=2, *a, k=1, **kw):
    """doc"""
    try:
        z = [i for i in range(3) if i]; w = {1: x}; u = {*a}
    except ValueError as e:
        raise
    finally:
        pass
    class C(object, metaclass=type):
        q: int = 3
    async def g():
        async with a as b:
            await b
        async for i in x:
            yield i
    with open(x) as (p, q):
        del p
    match x:
        case [1, *rest] if rest:
            pass
        case {"k": v, **others}:
            pass
        case C(q=3) | None:
            pass
    global gg
    return lambda t, *s: t[1:2, ::3], f"{x!r:>{y}}", x if y else -1.5, not x, (yield from y)
'''


# EXTRA (every syntax form) and every third file in the default run; the others with -m slow.
@pytest.mark.parametrize("source", [
    pytest.param(s, id=getattr(s, "name", "extra"), marks=[] if i % 3 == 0 else [pytest.mark.slow])
    for i, s in enumerate([EXTRA, *SOURCES])])
def test_to_ast_is_gast_to_ast(source):
    text = source if isinstance(source, str) else source.read_text(encoding="utf-8")
    tree = gast.ast_to_gast(ast.parse(text))
    want = gast.gast_to_ast(tree)
    got = emit.to_ast(tree)
    assert ast.dump(got, include_attributes=True) == ast.dump(want, include_attributes=True)
    assert ast.unparse(got) == ast.unparse(want)


def test_to_ast_of_a_function_alone():
    fn = gast.parse(EXTRA).body[0]
    assert ast.dump(emit.to_ast(fn)) == ast.dump(gast.gast_to_ast(fn))


@pytest.mark.parametrize("text", ["f(a, b[c], d=a)", "a + a * b", "x[a] = g(a, *b)",
                                  "y = [a for a in b]", "a, c = (b, a)"])
def test_dump_reads_as_is_the_dump_of_a_renamed_copy(text):
    renames = {"a": "z", "b": "w"}
    node = gast.parse(text).body[0]
    before = syntax.dump(node)
    copy = syntax.clone(node)
    for name in syntax.walk_names(copy):
        if isinstance(name.ctx, gast.Load) and name.id in renames:
            name.id = renames[name.id]
    assert syntax.dump(node, reads_as=renames) == syntax.dump(copy)
    assert syntax.dump(node) == before == gast.dump(node)  # the node itself is unchanged
