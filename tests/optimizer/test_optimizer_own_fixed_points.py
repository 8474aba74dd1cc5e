"""The optimizer's passes that run to their own fixed point on what their first round built
(issue 18 item 5, sixth round) give what calling the plain pass until it changes nothing
gives: the inliner (its block indexes and counts kept across rounds, the statements it
removed left in place until the end), copy propagation (its reaching definitions made
once), and common subexpressions and ``StatementFacts.names_in`` from the kept facts.

Each check runs inside a real optimization (every call the optimizer makes, on the tree as
it is then), on a copy of the tree: the faster form against the plain one with fresh facts.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest
from optimizer_cases import LOOPS, SHARED, chained, fresh_cache, straight  # noqa: F401 (a fixture)
from support import make_function

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer import optimize as optimizer

CHAINED = chained(14)
STRAIGHT = straight(24)

FUNCTIONS = [("chained", CHAINED, {}), ("straight", STRAIGHT, {}), ("loops", LOOPS, {}),
             ("shared", SHARED, {}), ("chained_forward", CHAINED, {"mode": "forward"}),
             ("loops_split", LOOPS, {"motion": "split"})]


def _dump(fn) -> str:
    return syntax.dump(fn)


def _repeated(run: Callable[[], bool]) -> int:
    """Run ``run`` until it returns False; how many rounds changed something."""
    rounds = 0
    while run():
        rounds += 1
    return rounds


@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_own_fixed_points_are_the_plain_passes_repeated(label, source, options,
                                                        monkeypatch) -> None:
    f = make_function(source)
    seen = {"inline": 0, "propagate": 0, "cse": 0, "rounds": 0}
    plain_inline, plain_propagate = optimizer.inline_temporaries, optimizer.propagate_copies
    plain_share = optimizer.share_subexpressions

    def inline(fn, temporaries, facts=None, *, to_fixed_point=False):
        copy, names = syntax.clone(fn), set(temporaries)
        rounds = _repeated(lambda: plain_inline(copy, names))
        got = plain_inline(fn, temporaries, facts, to_fixed_point=to_fixed_point)
        assert to_fixed_point and got == bool(rounds)
        assert _dump(fn) == _dump(copy)
        seen["inline"] += 1
        seen["rounds"] = max(seen["rounds"], rounds)
        return got

    def propagate(fn, temporaries, facts=None, *, to_fixed_point=False):
        copy, names = syntax.clone(fn), set(temporaries)
        rounds = _repeated(lambda: plain_propagate(copy, names))
        got = plain_propagate(fn, temporaries, facts, to_fixed_point=to_fixed_point)
        assert to_fixed_point and got == bool(rounds)
        assert _dump(fn) == _dump(copy)
        seen["propagate"] += 1
        return got

    def share(fn, temporaries, facts=None):
        assert facts is not None
        assert facts.names_in(fn) == syntax.all_names(fn)
        copy, names = syntax.clone(fn), set(temporaries)
        want = plain_share(copy, names)
        got = plain_share(fn, temporaries, facts)
        assert got == want and temporaries == names
        assert _dump(fn) == _dump(copy)
        seen["cse"] += 1
        return got

    monkeypatch.setattr(optimizer, "inline_temporaries", inline)
    monkeypatch.setattr(optimizer, "propagate_copies", propagate)
    monkeypatch.setattr(optimizer, "share_subexpressions", share)
    tangentlike.autodiff(f, **options)
    assert seen["inline"] and seen["propagate"] and seen["cse"], seen
    # (rounds that find what the one before made possible: the direct tests below; since
    # the adjoints of names local to a branch start from zero in its mirror, no function
    # here needs a second round of the inliner)


def test_names_in_reads_headers_and_nested_bodies() -> None:
    fn = syntax.parse_stmts(LOOPS)[0]
    facts = dataflow.StatementFacts()
    for stmt in syntax.statements(fn.body, with_bodies=True):
        facts.all_names(stmt)  # (kept, where simple)
    assert facts.names_in(fn) == syntax.all_names(fn)
    assert {"i", "w", "x", "u", "range", "np"} <= facts.names_in(fn)


def _generated(source: str):
    fn = syntax.parse_stmts(source)[0]
    for stmt in syntax.statements(fn.body, with_bodies=True):
        anno.info(stmt).generated = True
    return fn


def _run(fn, args: tuple) -> object:
    env: dict = {}
    exec(emit.to_source(fn), env)  # noqa: S102 - the test's own code
    return env["f"](*args)


def test_a_round_reads_the_counts_the_last_one_left() -> None:
    # ``t`` is bound twice: the first binding is inlined (its reader is its last read), then
    # ``t`` is bound once and read once, so the next round inlines it into the copy ``v = t``
    # (which the last-read rule leaves to copy propagation).
    source = ("def f(a, b, c):\n"
              "    t = a * b\n"
              "    u = t + c\n"
              "    t = a - c\n"
              "    v = t\n"
              "    return u * v\n")
    plain, fixed = _generated(source), _generated(source)
    assert _repeated(lambda: optimizer.inline_temporaries(plain, {"t"})) == 2
    assert optimizer.inline_temporaries(fixed, {"t"}, to_fixed_point=True)
    assert _dump(fixed) == _dump(plain)
    text = emit.to_source(fixed)
    assert "u = a * b + c" in text and "v = a - c" in text, text
    for args in [(0.3, -1.2, 2.0), (1.5, 0.7, -0.4)]:
        assert _run(fixed, args) == _run(_generated(source), args)
