"""The inliner looks again, after its first round, only at the statements whose last look
may find something else now (issue 18 item 5, seventh round: ``_Inliner._settled``; the
fourteenth round's second round reads the first round's list of them, ``_positions``): every
call the optimizer makes gives the same tree, and the same answer, as the inliner that looks
at every statement in every round; the later rounds do skip statements; and a statement the
second round's list leaves out is one ``_settled`` would skip."""
from __future__ import annotations

import random

import pytest
from optimizer_cases import LOOPS, chained, fresh_cache, straight  # noqa: F401 (a fixture)
from support import make_function
from test_inliner_random_blocks import TEMPORARIES, _block

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer import optimize as optimizer

CHAINED = chained(30)
STRAIGHT = straight(40, "math.tanh(0.5 * t{a} + 0.3 * math.sin(t{b}) * y) - 0.2 * t{b}")

FUNCTIONS = [("chained", CHAINED, {}), ("straight", STRAIGHT, {}), ("loops", LOOPS, {}),
             ("chained_forward", CHAINED, {"mode": "forward"}),
             ("straight_split", STRAIGHT, {"motion": "split"}),
             ("loops_split", LOOPS, {"motion": "split"})]


@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_skipping_settled_statements_changes_nothing(label, source, options, monkeypatch) -> None:
    f = make_function(source)
    settled = optimizer._Inliner._settled
    positions = optimizer._Inliner._positions
    looks = {"skipped": 0, "calls": 0}

    def counted(self, index, i, stmt):
        skip = settled(self, index, i, stmt)
        looks["skipped"] += skip
        return skip

    def listed(self, index, now):
        if now == 1 and index.again is not None:  # (the second round, at the block's start)
            left_out = set(range(len(index.block))) - index.removed - set(index.again)
            for k in sorted(left_out):
                assert settled(self, index, k, index.block[k]), (k, index.again)
            looks["skipped"] += len(left_out)
        return positions(self, index, now)

    fast_inline = optimizer.inline_temporaries

    def inline(fn, temporaries, facts=None, *, to_fixed_point=False):
        copy, names = syntax.clone(fn), set(temporaries)
        with monkeypatch.context() as patch:  # the reference: every statement looked at
            patch.setattr(optimizer._Inliner, "_settled", lambda *args: False)
            patch.setattr(optimizer._Inliner, "_positions",
                          lambda self, index, now: range(len(index.block)))
            want = fast_inline(copy, names, to_fixed_point=to_fixed_point)
        got = fast_inline(fn, temporaries, facts, to_fixed_point=to_fixed_point)
        assert got == want and temporaries == names
        assert syntax.dump(fn) == syntax.dump(copy)
        looks["calls"] += 1
        return got

    monkeypatch.setattr(optimizer._Inliner, "_settled", counted)
    monkeypatch.setattr(optimizer._Inliner, "_positions", listed)
    monkeypatch.setattr(optimizer, "inline_temporaries", inline)
    tangentlike.autodiff(f, **options)
    assert looks["calls"], looks
    if label in ("chained", "straight"):  # later rounds ran, and skipped statements
        assert looks["skipped"] > 0, looks


def test_a_statement_whose_name_lost_a_definition_is_looked_at_again() -> None:
    # Round 1 inlines the first ``t`` (its reader is its last read); nothing near the second
    # ``t = a - c`` changed, but ``t`` is now bound once and read once, so round 2 must look
    # at it again and inline it into the copy ``w = t`` (which round 1's last-read rule
    # leaves to copy propagation).
    source = ("def f(a, b, c):\n"
              "    t = a * b\n"
              "    u = t + c\n"
              "    t = a - c\n"
              "    w = t\n"
              "    return u * w\n")
    fn = syntax.parse_stmts(source)[0]
    for stmt in fn.body:
        anno.info(stmt).generated = True
    assert optimizer.inline_temporaries(fn, {"t"}, to_fixed_point=True)
    text = emit.to_source(fn)
    assert "u = a * b + c" in text and "w = a - c" in text, text
    env: dict = {}
    exec(text, env)  # noqa: S102 - the test's own code
    assert env["f"](0.3, -1.2, 2.0) == (0.3 * -1.2 + 2.0) * (0.3 - 2.0)


@pytest.mark.parametrize("seed", range(12))
def test_the_second_rounds_list_on_random_blocks(seed: int, monkeypatch) -> None:
    # The random straight-line blocks of test_inliner_random_blocks (temporaries bound and
    # read several times, so that last reads, liveness and later rounds decide): a
    # statement that the second round's list leaves out is settled, and the inliner gives
    # the tree that looking at every statement in every round gives.
    rng = random.Random(seed)
    settled = optimizer._Inliner._settled
    positions = optimizer._Inliner._positions
    listed = {"rounds": 0, "left_out": 0, "again": 0}

    def checked(self, index, now):
        if now == 1 and index.again is not None:
            left_out = set(range(len(index.block))) - index.removed - set(index.again)
            for k in sorted(left_out):
                assert settled(self, index, k, index.block[k]), (k, index.again)
            listed["rounds"] += 1
            listed["left_out"] += len(left_out)
            listed["again"] += len(index.again)
        return positions(self, index, now)

    for _ in range(25):
        source = _block(rng)
        fn = syntax.parse_stmts(source)[0]
        for stmt in fn.body:
            anno.info(stmt).generated = True
        copy = syntax.clone(fn)
        with monkeypatch.context() as patch:  # the reference: every statement looked at
            patch.setattr(optimizer._Inliner, "_settled", lambda *args: False)
            patch.setattr(optimizer._Inliner, "_positions",
                          lambda self, index, now: range(len(index.block)))
            want = _rounds(copy)
        with monkeypatch.context() as patch:
            patch.setattr(optimizer._Inliner, "_positions", checked)
            got = _rounds(fn)
        assert got == want, source
    assert listed["rounds"] and listed["left_out"] and listed["again"], listed


def _rounds(fn) -> list[list[str]]:
    """The inliner's rounds on ``fn`` to a fixed point: after each, the statements still
    there (so that a round that finds later what another finds at once tells)."""
    inliner = optimizer._Inliner(fn, set(TEMPORARIES), dataflow.StatementFacts())
    states = []
    while inliner.round():
        states.append([syntax.dump(stmt) for index in inliner.indexes
                       for k, stmt in enumerate(index.block) if k not in index.removed])
    return states


def test_the_second_round_looks_at_every_later_statement_once_it_inlined() -> None:
    # ``_looks_again``: the listed positions while the round has inlined nothing in the
    # block; after its first inlining, each later position (its edits may unsettle any).
    class Counting:
        inlinings = 0

    inliner = Counting()
    given = []
    for i in optimizer._Inliner._looks_again(inliner, [2, 5, 6], 9):
        given.append(i)
        if i == 5:
            inliner.inlinings += 1  # (an inlining at 5)
    assert given == [2, 5, 6, 7, 8]
    assert list(optimizer._Inliner._looks_again(Counting(), [2, 5], 9)) == [2, 5]
