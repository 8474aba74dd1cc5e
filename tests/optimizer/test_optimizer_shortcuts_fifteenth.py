"""The optimizer's shortcuts of the fifteenth round (issue 18 item 5), each against its slow
twin: the walk for names that the inliner hands over for a statement it moved a value into
(``optimize._walk_after_inlining``) is the walk of the edited statement, note included;
``_reads_as_a_name`` says True only of values that leave every fold test above them as a
plain name left it; the inliner's definition counts of a function without statements with
bodies, read off the index of its body (``optimize._definition_counts``), are
``dataflow.definition_counts``; and ``propagate_copies`` with no copy of a temporary answers
False without gathering the reads of every statement."""
from __future__ import annotations

import pytest
from optimizer_cases import (  # noqa: F401 (a fixture)
    SWEPT_FUNCTIONS,
    fresh_cache,
    generated_function,
    straight,
)
from support import make_function

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import dataflow, syntax
from tangentlike.core.fold import FOLD_SEEDS
from tangentlike.optimizer import optimize

FUNCTIONS = [*SWEPT_FUNCTIONS,
             ("negations", straight(12, "-(t{a} * y) + 2.0 * t{b} - -t{a}"))]


def _check_walks(monkeypatch, seen: dict) -> None:
    """Wrap ``_walk_after_inlining`` so that each walk it gives is checked, once the
    statement is edited, against a walk of it (the same Name nodes in the same order, and
    the same note)."""
    plain = optimize._walk_after_inlining
    given: dict[int, tuple] = {}  # id(later) -> the walk handed over
    walked_as = dataflow.StatementFacts.walked_as

    def recorded(facts, later, name, stmt):
        walk = plain(facts, later, name, stmt)
        seen["spliced" if walk is not None else "walked"] += 1
        if walk is not None:
            given[id(later)] = walk
        return walk

    def checked(self, stmt, names, may_fold):
        walk = given.pop(id(stmt), None)
        if walk is not None:
            assert walk == (names, may_fold)
            found, noted = syntax.walk_names_noting(stmt, FOLD_SEEDS)
            assert len(found) == len(names) and all(a is b for a, b in zip(found, names))
            assert noted == may_fold, syntax.dump(stmt)
            seen["checked"] += 1
        walked_as(self, stmt, names, may_fold)

    monkeypatch.setattr(optimize, "_walk_after_inlining", recorded)
    monkeypatch.setattr(dataflow.StatementFacts, "walked_as", checked)


@pytest.mark.parametrize("label, source", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_the_walks_handed_over_inside_real_optimizations(label, source, monkeypatch) -> None:
    seen = {"spliced": 0, "walked": 0, "checked": 0}
    _check_walks(monkeypatch, seen)
    f = make_function(source)
    df = tangentlike.grad(f, verbose=0)
    df(0.3, 0.7)  # (on floats: the version for floats is optimized again)
    assert seen["spliced"] == seen["checked"] > 0
    if label == "negations":  # (a negation moved into a sum: walked, not handed over)
        assert seen["walked"]


_PARENTS = ["-(t * b)", "a + t", "a - t", "t + a", "t * 1", "1 * t", "t * -1", "t / 1",
            "t ** 1", "t == ()", "() == t", "t and 1", "1 or t", "b if t else c", "-t",
            "f(t)", "t * b * c", "-(t * b * c)", "-(b * t)", "t[0] + 1", "-t.x", "(t, 1)",
            "[t] * 2", "t - -a", "-(-t)"]
_VALUES = ["2.0 * a", "a * 2.0", "-a", "1.0", "0", "()", "(a,)", "f(a)", "a.b", "a[0]",
           "a + b", "a * b", "(2.0 * a) * b", "(a * 2.0) * b", "a ** 1", "a - 0", "-(2.0 * a)",
           "a if b else c", "not a", "a == b", "[a, b]", "a @ b", "-(-a)", "a * (2.0 * b)"]


def _noted(text: str) -> bool:
    return syntax.walk_names_noting(syntax.parse_expr(text), FOLD_SEEDS)[1]


def test_values_read_as_a_name_leave_the_fold_tests_above_them() -> None:
    refused = 0
    for value in _VALUES:
        if not optimize._reads_as_a_name(syntax.parse_expr(value)):
            refused += 1
            continue
        for parent in _PARENTS:
            moved = parent.replace("t", f"({value})")
            assert _noted(moved) == (_noted(parent) or _noted(value)), (parent, value)
    assert refused == 10  # (literals, tuples, negations, products that start with a literal)


def test_a_function_without_a_copy_of_a_temporary_is_not_read(monkeypatch) -> None:
    fn = generated_function("def f(x, y):\n"
                            "    t = x * y\n"
                            "    a = x\n"         # (a copy into a name that is no temporary)
                            "    u = t\n"         # (a copy of a temporary into one)
                            "    return a + u\n")

    def unread(*args):
        raise AssertionError("the reads were gathered")

    monkeypatch.setattr(dataflow.StatementFacts, "uses", unread)
    monkeypatch.setattr(dataflow, "reaching_definitions", unread)
    assert not optimize.propagate_copies(fn, {"t"}, dataflow.StatementFacts())
    assert not optimize.propagate_copies(fn, {"t"}, to_fixed_point=True)
    monkeypatch.undo()
    # (with a copy of a temporary, the reads are gathered and the copy propagated)
    assert optimize.propagate_copies(fn, {"u"}, dataflow.StatementFacts())
    assert "return a + t" in emit.to_source(fn)


@pytest.mark.parametrize("label, source", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_the_definition_counts_read_off_the_index(label, source, monkeypatch) -> None:
    seen = {"index": 0, "facts": 0}
    from_index, from_facts = optimize._definition_counts, dataflow.StatementFacts.definition_counts

    def checked_index(fn, index):
        got = from_index(fn, index)
        assert got == dataflow.definition_counts(fn)
        seen["index"] += 1
        return got

    def counted_facts(self, fn):
        seen["facts"] += 1
        return from_facts(self, fn)

    monkeypatch.setattr(optimize, "_definition_counts", checked_index)
    monkeypatch.setattr(dataflow.StatementFacts, "definition_counts", counted_facts)
    df = tangentlike.grad(make_function(source), verbose=0)
    df(0.3, 0.7)
    if label in ("straight", "negations"):  # (straight-line derivatives: read off the index)
        assert seen["index"]
    if label in ("chained", "loops", "ifexp", "nested"):  # (with bodies: counted as before)
        assert seen["facts"]


@pytest.mark.parametrize("body, expected", [
    # (bound twice, and read again after a reader that binds it: dead after the reader)
    ("    t = x * 2\n    t = t + 1\n    return t\n", "    return x * 2 + 1\n"),
    # (read again after its reader: live there, not inlined, with or without may_move)
    ("    t = x * 2\n    u = t + 1\n    y = t * u\n    return y\n", None),
    ("    t = x * 2\n    x = 3\n    u = t + 1\n    y = t * u\n    return y\n", None),
    # (read last by its reader: inlined, the value's other definition aside)
    ("    t = x * 2\n    u = t + 1\n    t = u * 3\n    return t\n",
     "    u = x * 2 + 1\n    return u * 3\n"),
])
def test_the_last_read_asked_before_may_move(body, expected) -> None:
    # The inliner asks in the function's body whether a value bound or read more than once
    # is live after its reader before may_move: the same answers as asked after it.
    fn = generated_function("def f(x):\n" + body)
    changed = optimize.inline_temporaries(fn, {"t"}, dataflow.StatementFacts())  # (a round)
    assert changed == (expected is not None)
    assert emit.to_source(fn) == "def f(x):\n" + (expected or body)
