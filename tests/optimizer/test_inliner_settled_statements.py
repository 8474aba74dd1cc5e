"""The inliner looks again, after its first round, only at the statements whose last look
may find something else now (issue 18 item 5, seventh round: ``_Inliner._settled``): every
call the optimizer makes gives the same tree, and the same answer, as the inliner that looks
at every statement in every round; and the later rounds do skip statements."""
from __future__ import annotations

import pytest
from optimizer_cases import LOOPS, chained, fresh_cache, straight  # noqa: F401 (a fixture)
from support import make_function

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
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
    looks = {"skipped": 0, "calls": 0}

    def counted(self, index, i, stmt):
        skip = settled(self, index, i, stmt)
        looks["skipped"] += skip
        return skip

    fast_inline = optimizer.inline_temporaries

    def inline(fn, temporaries, facts=None, *, to_fixed_point=False):
        copy, names = syntax.clone(fn), set(temporaries)
        with monkeypatch.context() as patch:  # the reference: every statement looked at
            patch.setattr(optimizer._Inliner, "_settled", lambda *args: False)
            want = fast_inline(copy, names, to_fixed_point=to_fixed_point)
        got = fast_inline(fn, temporaries, facts, to_fixed_point=to_fixed_point)
        assert got == want and temporaries == names
        assert syntax.dump(fn) == syntax.dump(copy)
        looks["calls"] += 1
        return got

    monkeypatch.setattr(optimizer._Inliner, "_settled", counted)
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
