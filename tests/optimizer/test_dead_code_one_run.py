"""Dead-code elimination takes a removed statement's reads out of the live set (issue 18
item 5, tenth round): a chain of dead statements goes in one run, where each run removed one
link before (the version for Python floats of a 1,000-statement function went round the
optimizer's passes five times, three of them for one link each).  One run on straight-line
code is its own fixed point, and inside real optimizations a run leaves what running it
until it changes nothing leaves, where the block holds no loop or branch."""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import LOOPS, SHARED, chained, fresh_cache, straight  # noqa: F401 (a fixture)
from support import make_function

import tangentlike
from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer import dead_code
from tangentlike.optimizer import optimize as optimizer

CHAIN = '''
def f(x, y):
    a = x + 1
    b = a * 2
    c = b + y
    d = c * c
    e = d - a
    keep = x * y
    unused = keep + e
    z = z
    return keep
'''


def _generated(source: str) -> gast.FunctionDef:
    fn = syntax.parse(source).body[0]
    for stmt in syntax.statements(fn.body, with_bodies=True):
        anno.info(stmt).generated = True  # (pure: removable when dead)
    return fn


def test_a_dead_chain_goes_in_one_run() -> None:
    fn = _generated(CHAIN)
    assert dead_code.eliminate_dead_code(fn)
    assert not dead_code.eliminate_dead_code(fn)
    assert [syntax.dump(s) for s in fn.body] == [syntax.dump(s) for s in _generated(
        "def f(x, y):\n    keep = x * y\n    return keep\n").body]


def _straight_line(fn: gast.FunctionDef) -> bool:
    return not any(isinstance(s, dataflow.COMPOUND) for s in fn.body)


FUNCTIONS = [("chained", chained(14)), ("straight", straight(24)), ("loops", LOOPS),
             ("shared", SHARED)]


@pytest.mark.parametrize("label, source", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_one_run_is_the_fixed_point_of_straight_line_code(label, source, monkeypatch) -> None:
    plain = optimizer.eliminate_dead_code
    seen = {"runs": 0, "straight": 0}

    def eliminate(fn, facts=None, **settled):
        copy = syntax.clone(fn)
        while plain(copy):
            pass
        got = plain(fn, facts, **settled)
        seen["runs"] += 1
        if _straight_line(fn):
            assert syntax.dump(fn) == syntax.dump(copy)
            seen["straight"] += 1
        return got

    monkeypatch.setattr(optimizer, "eliminate_dead_code", eliminate)
    f = make_function(source)
    df = tangentlike.grad(f, verbose=0)
    df(0.3, 0.7)  # (on floats: the version for floats is optimized again)
    assert seen["runs"] > 0
    if label == "straight":
        assert seen["straight"] > 0


# -- a run that says a second run would find nothing (``settled``: twelfth round) ----------
LOOP_THEN_DEAD = '''
def f(x, n):
    a = x * 2
    for i in range(n):
        b = a + i
        x = x + 1
    return x
'''

IF_THEN_DEAD = '''
def f(x, c):
    a = x * 2
    if c:
        b = a + 1
        x = x + 1
    unused = x * 3
    return x
'''


def test_settled_after_a_chain_of_simple_statements() -> None:
    fn = _generated(CHAIN)
    settled: list[bool] = []
    assert dead_code.eliminate_dead_code(fn, settled=settled)
    assert settled == [True]
    assert not dead_code.eliminate_dead_code(fn)


@pytest.mark.parametrize("source", [LOOP_THEN_DEAD, IF_THEN_DEAD], ids=["loop", "if"])
def test_not_settled_where_a_body_was_cleaned(source) -> None:
    # the first run cleans the body, which read `a`, after `a = x * 2` was judged live:
    # a second run removes it, so the first may not say settled
    fn = _generated(source)
    settled: list[bool] = []
    assert dead_code.eliminate_dead_code(fn, settled=settled)
    assert settled == []
    assert dead_code.eliminate_dead_code(fn)


SETTLED_FUNCTIONS = FUNCTIONS + [("loop_then_dead", LOOP_THEN_DEAD),
                                 ("if_then_dead", IF_THEN_DEAD)]


@pytest.mark.parametrize("label, source", SETTLED_FUNCTIONS, ids=[f[0] for f in SETTLED_FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_a_settled_run_is_its_own_fixed_point(label, source, monkeypatch) -> None:
    """Inside real optimizations (generation and the first call on floats), wherever a run
    says settled, a second run finds nothing and changes nothing."""
    plain = optimizer.eliminate_dead_code
    seen = {"settled": 0}

    def eliminate(fn, facts=None, settled=None):
        got = plain(fn, facts, settled=settled)
        if settled:
            copy = syntax.clone(fn)
            assert not plain(copy)
            assert syntax.dump(copy) == syntax.dump(fn)
            seen["settled"] += 1
        return got

    monkeypatch.setattr(optimizer, "eliminate_dead_code", eliminate)
    f = make_function(source)
    df = tangentlike.grad(f, verbose=0)
    df(0.3, 2 if label.endswith("_dead") else 0.7)
    assert seen["settled"] > 0
