"""``Liveness.after_all`` reads an if statement whose branches hold simple statements off a
summary (what it reads, what both branches bind) and keeps no live set around it or in its
branches (issue 18 item 5, fifth round): every statement's live set is the one
``after_each`` gives, block by block (the plain backward walk)."""
from __future__ import annotations

import gast
import pytest

from tangentlike.core import anno, dataflow, syntax

SOURCE = '''
def f(x, y, n):
    a = x + 1
    b = y * 2
    if a > b:
        c = a + x
        d = c * 2
    else:
        c = b
        e = y
    if x:
        g = c
    t = a
    for i in range(n):
        if t > i:
            t = t + d
        else:
            u = e
            t = u + g
    while t < 3:
        if t:
            t = t + 1
            return t
        else:
            w = a
    if y:
        if x:
            q = b
        else:
            q = a
        r = q
    else:
        r = e
    try:
        if r:
            v = r
        else:
            v = x
    except ValueError:
        v = 0
    return v + t + r
'''


def _chain(n: int) -> str:
    """``n`` if statements in a row, each reading the last one's value (generated code's
    shape for conditional expressions)."""
    lines = ["def g(x, y):", "    t0 = x"]
    for i in range(1, n + 1):
        lines += [f"    if t{i - 1} > y:", f"        s{i} = t{i - 1} * 2", f"        t{i} = s{i}",
                  "    else:", f"        r{i} = y", f"        t{i} = r{i} + x"]
    lines.append(f"    return t{n} + s1")
    return "\n".join(lines) + "\n"


def _reference(fn: gast.FunctionDef) -> dict[int, set[str]]:
    """The live set after each statement, block by block with ``after_each``."""
    liveness = dataflow.Liveness()
    found: dict[int, set[str]] = {}

    def visit(body: list[gast.stmt], live_out: set[str]) -> None:
        for stmt, live in zip(body, liveness.after_each(body, live_out)):
            found[id(stmt)] = live
            if isinstance(stmt, gast.If):
                visit(stmt.body, live)
                visit(stmt.orelse, live)
            elif isinstance(stmt, (gast.For, gast.While)):
                visit(stmt.body, liveness.transfer(stmt, live) | live)
                visit(stmt.orelse, live)
            elif isinstance(stmt, gast.With):
                visit(stmt.body, live)

    visit(fn.body, set())
    return found


def _check(source: str) -> None:
    fn = syntax.parse(source).body[0]
    want = _reference(fn)
    got = dataflow.Liveness().after_all(fn)
    names = syntax.all_names(fn) | {"not_a_name"}
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if id(stmt) not in want:
            continue  # (a try's body: after_each does not walk into it)
        live = got[id(stmt)]
        for name in names:  # membership: read off the statements after it
            assert (name in live) == (name in want[id(stmt)]), (gast.dump(stmt), name)


def test_nested_statements_live_as_after_each_says() -> None:
    _check(SOURCE)


def test_a_long_chain_of_if_statements_lives_as_after_each_says() -> None:
    _check(_chain(80))  # (longer than a block's copies: every 32 statements)


def test_sets_made_in_full_equal_the_reference() -> None:
    fn = syntax.parse(_chain(40)).body[0]
    want = _reference(fn)
    got = dataflow.Liveness().after_all(fn)
    for stmt in syntax.statements(fn.body, with_bodies=True):
        assert set(got[id(stmt)]) == want[id(stmt)]
        assert len(got[id(stmt)]) == len(want[id(stmt)])


DEAD = '''
def h(x, y):
    a = x + 1
    b = y * 2
    if a > b:
        c = a + x
        dead1 = c * 3
        d = c * 2
    else:
        c = b
        d = c
        dead2 = y
    if x:
        unused = a
    if y:
        e = x
    else:
        e = e
    if a:
        f = d
    else:
        f = b
        z = x
    for i in range(3):
        if i:
            loop_dead = i
            f = f + d
        else:
            g = f
    return f + c + e
'''


def _eliminated(source: str, summaries: bool, monkeypatch: pytest.MonkeyPatch) -> str:
    from tangentlike.optimizer import dead_code

    fn = syntax.parse(source).body[0]
    for stmt in syntax.statements(fn.body, with_bodies=True):
        anno.info(stmt).generated = True  # (pure: removable when dead)
    with monkeypatch.context() as patched:
        if not summaries:  # every if statement through the general walk (copied live sets)
            patched.setattr(dataflow.Liveness, "if_summary", lambda self, stmt: None)
        while dead_code.eliminate_dead_code(fn):
            pass
    return gast.dump(fn)


@pytest.mark.parametrize("source", [DEAD, _chain(40)], ids=["nested", "chain"])
def test_dead_code_with_summaries_is_the_general_walks(source: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    general = _eliminated(source, False, monkeypatch)
    assert _eliminated(source, True, monkeypatch) == general
    assert "dead1" not in general and "unused" not in general and "loop_dead" not in general
