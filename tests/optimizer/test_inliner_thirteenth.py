"""The inliner's later rounds (issue 18 item 5, thirteenth round): a statement is looked at
again only where a statement of its horizon was removed or edited after its last look
(``_Inliner._settled`` reads the count of inlinings at each look and each edit), not where
an inlining of the same round edited it before the look; and what a later edit exposes is
still found."""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import LOOPS, SHARED, chained, fresh_cache, straight  # noqa: F401 (a fixture)
from support import make_function

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer import optimize as optimizer


def _generated(source: str) -> gast.FunctionDef:
    fn = syntax.parse_stmts(source)[0]
    for stmt in fn.body:
        anno.info(stmt).generated = True
    return fn


def test_an_edit_made_before_the_look_is_not_looked_at_again(monkeypatch) -> None:
    # Round 1 inlines ``t`` into ``u = t + c`` before it looks at that statement, so the
    # look saw the edit: round 2 has nothing to look at again (since the fourteenth round
    # it does not even ask: ``_positions`` lists no statement).
    fn = _generated("def f(a, b, c):\n"
                    "    t = a * b\n"
                    "    u = t + c\n"
                    "    return u\n")
    settled = optimizer._Inliner._settled
    answers: list[bool] = []

    def counted(self, index, i, stmt):
        answer = settled(self, index, i, stmt)
        answers.append(answer)
        return answer

    monkeypatch.setattr(optimizer._Inliner, "_settled", counted)
    assert optimizer.inline_temporaries(fn, {"t"}, to_fixed_point=True)
    assert "u = a * b + c" in emit.to_source(fn)
    assert answers == [], answers  # (round 2 asked nothing of ``u = ...`` and the return)


def test_a_binder_removed_after_the_look_is_looked_at_again() -> None:
    # Round 1 looks at ``t = x * 2`` first: ``x`` is bound again before ``t``'s reader, so
    # it stays.  Then it inlines that binding of ``x`` (read once, dead after ``w``), which
    # removes the obstacle: round 2 must look at ``t`` again and inline it.
    fn = _generated("def f(x, b):\n"
                    "    t = x * 2\n"
                    "    x = x * b\n"
                    "    w = x + 1\n"
                    "    v = t + w\n"
                    "    return v\n")
    assert optimizer.inline_temporaries(fn, {"t", "x"}, to_fixed_point=True)
    text = emit.to_source(fn)
    assert "w = x * b + 1" in text and "v = x * 2 + w" in text, text
    env: dict = {}
    exec(text, env)  # noqa: S102 - the test's own code
    assert env["f"](0.5, 3.0) == 0.5 * 2 + (0.5 * 3.0 + 1)


FUNCTIONS = [("chained", chained(30), {}),
             ("straight", straight(40, "math.tanh(0.5 * t{a} + 0.3 * math.sin(t{b}) * y)"), {}),
             ("loops", LOOPS, {}), ("shared", SHARED, {}),
             ("straight_split", straight(30), {"motion": "split"}),
             ("chained_forward", chained(20), {"mode": "forward"})]


@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_the_use_counts_kept_across_rounds_are_the_function_s(label, source, options,
                                                              monkeypatch) -> None:
    # Where an inlining moves a value into the one read of its name, the inliner counts one
    # read of that name less and nothing else (no walk of the statement it edited): after
    # each round its counts are those of the statements still there.
    rounds = {"checked": 0}

    def inline(fn, temporaries, facts=None, *, to_fixed_point=False):
        inliner = optimizer._Inliner(fn, temporaries, facts or dataflow.StatementFacts())
        changed = False
        while inliner.round():
            changed = True
            want = dataflow.use_counts(fn)
            for index in inliner.indexes:
                for k in index.removed:
                    for name, count in dataflow.use_counts(index.statements[k]).items():
                        want[name] -= count
            kept = {name: count for name, count in inliner.uses.items() if count}
            assert kept == {name: count for name, count in want.items() if count}
            rounds["checked"] += 1
            if not to_fixed_point:
                break
        inliner.compact()
        return changed

    monkeypatch.setattr(optimizer, "inline_temporaries", inline)
    tangentlike.autodiff(make_function(source), **options)
    assert rounds["checked"], rounds


def test_an_assignment_to_one_name_binds_what_defs_says() -> None:
    # ``dataflow._assigned_name``: the shortcut the definition counts take for most
    # statements, against ``defs`` on statements of every kind it must answer or pass over.
    source = ("def f(x, y, z):\n"
              "    a = x + 1\n"
              "    b = c = y\n"
              "    d, e = x, y\n"
              "    z[0] = x\n"
              "    z.attr = y\n"
              "    g = [k for k in x]\n"
              "    x += 1\n"
              "    h: int = 3\n"
              "    for i in x:\n"
              "        pass\n"
              "    return a\n")
    answered = 0
    for stmt in syntax.parse_stmts(source)[0].body:
        quick = dataflow._assigned_name(stmt)
        if quick is not None:
            assert quick == dataflow.defs(stmt), syntax.dump(stmt)
            answered += 1
    assert answered == 2  # (``a = x + 1`` and ``g = [...]``)
