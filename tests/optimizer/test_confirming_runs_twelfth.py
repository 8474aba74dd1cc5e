"""The optimizer's confirming runs, second part of the twelfth round (issue 18 item 5): the
passes that ask ``StatementFacts.edit_unless_settled`` of every statement (constant folding,
``factor_sums``) take the statements to ask from ``StatementFacts.fold_candidates`` and
``StatementFacts.unmarked``, one call for the function.  Inside real optimizations, each
gives the statements that the questions asked one at a time (``may_fold``, ``is_marked``)
let through, in order.  ``remove_zero_inits`` asks ``_is_zero_init`` of assignments of a
call only.  (Dead code's ``settled``: ``test_dead_code_one_run.py``.)"""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import SWEPT_FUNCTIONS, fresh_cache  # noqa: F401 (a fixture)
from support import make_function

import tangentlike
from tangentlike.core import dataflow, syntax
from tangentlike.optimizer import factor
from tangentlike.optimizer import optimize as optimizer

FUNCTIONS = SWEPT_FUNCTIONS


@pytest.mark.parametrize("label, source", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_the_statements_asked_are_those_the_plain_questions_let_through(
        label, source, monkeypatch) -> None:
    seen = {"fold": 0, "factor": 0, "skipped": 0}
    fold_candidates, unmarked = dataflow.StatementFacts.fold_candidates, \
        dataflow.StatementFacts.unmarked

    def checked_fold_candidates(self, statements, mark):
        statements = list(statements)
        plain = [s for s in statements if self.may_fold(s) and not self.is_marked(s, mark)]
        got = fold_candidates(self, statements, mark)
        assert [id(s) for s in got] == [id(s) for s in plain]
        seen["fold"] += 1
        seen["skipped"] += len(statements) - len(got)
        return got

    def checked_unmarked(self, statements, mark):
        statements = list(statements)
        plain = [s for s in statements if not self.is_marked(s, mark)]
        got = unmarked(self, statements, mark)
        assert [id(s) for s in got] == [id(s) for s in plain]
        seen["factor"] += 1
        seen["skipped"] += len(statements) - len(got)
        return got

    monkeypatch.setattr(dataflow.StatementFacts, "fold_candidates", checked_fold_candidates)
    monkeypatch.setattr(dataflow.StatementFacts, "unmarked", checked_unmarked)
    f = make_function(source)
    df = tangentlike.grad(f, verbose=0)
    df(0.3, 0.7)  # (on floats: the version for floats is optimized again)
    assert seen["fold"] and seen["factor"] and seen["skipped"]


def test_folding_without_facts_folds_the_same_statements() -> None:
    source = "def f(x, y):\n    a = x * 1\n    b = 2 + 3\n    return a + b + 0\n"
    with_facts, without = syntax.parse(source).body[0], syntax.parse(source).body[0]
    assert optimizer.fold_constants(with_facts, dataflow.StatementFacts())
    assert optimizer.fold_constants(without)
    assert syntax.dump(with_facts) == syntax.dump(without)
    facts = dataflow.StatementFacts()
    assert not optimizer.fold_constants(with_facts, facts)
    assert not factor.factor_sums(syntax.statements(with_facts.body, with_bodies=True), facts)


WITH_ZERO_INITS = [f for f in FUNCTIONS if f[0] not in ("straight", "shared")]


@pytest.mark.parametrize("label, source", WITH_ZERO_INITS, ids=[f[0] for f in WITH_ZERO_INITS])
@pytest.mark.usefixtures("fresh_cache")
def test_every_zero_init_is_an_assignment_of_a_call(label, source, monkeypatch) -> None:
    """``remove_zero_inits`` asks ``_is_zero_init`` of assignments of a call only: inside
    real optimizations, no other statement is one."""
    plain = optimizer.remove_zero_inits
    seen = {"inits": 0}

    def remove_zero_inits(fn, facts=None, **note):
        for stmt in syntax.statements(fn.body, with_bodies=True):
            if optimizer._is_zero_init(stmt):
                assert stmt.__class__ is gast.Assign and stmt.value.__class__ is gast.Call
                seen["inits"] += 1
        return plain(fn, facts, **note)

    monkeypatch.setattr(optimizer, "remove_zero_inits", remove_zero_inits)
    f = make_function(source)
    df = tangentlike.grad(f, verbose=0)
    df(0.3, 0.7)
    assert seen["inits"]
