"""The inliner's later rounds (issue 18 item 5, thirteenth round): a statement is looked at
again only where a statement of its horizon was removed or edited after its last look
(``_Inliner._settled`` reads the count of inlinings at each look and each edit), not where
an inlining of the same round edited it before the look; and what a later edit exposes is
still found."""
from __future__ import annotations

import gast

from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.optimizer import optimize as optimizer


def _generated(source: str) -> gast.FunctionDef:
    fn = syntax.parse_stmts(source)[0]
    for stmt in fn.body:
        anno.info(stmt).generated = True
    return fn


def test_an_edit_made_before_the_look_is_not_looked_at_again(monkeypatch) -> None:
    # Round 1 inlines ``t`` into ``u = t + c`` before it looks at that statement, so the
    # look saw the edit: round 2 has nothing to look at again.
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
    assert answers == [True, True], answers  # (round 2: ``u = ...`` and the return)


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
