"""Shortcuts of the optimizer's ninth round (issue 18 item 5) against the plain forms they
replace, inside real optimizations: an assignment's value read off the statement's kept loads
(``StatementFacts.value_loads``), its whole measure made from its value's
(``StatementFacts.measure``), a compound statement's names made from the kept names of the
statements in it (``StatementFacts.all_names``), and the inliner's substitution without a visitor
(``syntax.substitute`` against ``syntax.Renamer``)."""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import LOOPS, NESTED, SHARED, chained, fresh_cache, straight  # noqa: F401
from support import make_function

import tangentlike
from tangentlike.core import dataflow, syntax

FUNCTIONS = [("chained", chained(12), {}), ("straight", straight(30), {}),
             ("loops", LOOPS, {}), ("nested", NESTED, {}), ("shared", SHARED, {}),
             ("nested_forward", NESTED, {"mode": "forward"}),
             ("nested_split", NESTED, {"motion": "split"})]


@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_shortcuts_agree_with_the_plain_forms(label, source, options, monkeypatch) -> None:
    f = make_function(source)
    seen = {"value_loads": 0, "measure": 0, "substitute": 0, "moved": 0, "all_names": 0}
    fast_all_names = dataflow.StatementFacts.all_names
    fast_substitute = syntax.substitute
    fast_value_loads = dataflow.StatementFacts.value_loads
    fast_measure = dataflow.StatementFacts.measure

    def value_loads(self, stmt):
        got = fast_value_loads(self, stmt)
        assert got == syntax.loaded_names(stmt.value), syntax.dump(stmt)
        seen["value_loads"] += 1
        return got

    def measure(self, stmt):
        got = fast_measure(self, stmt)
        assert got == syntax.measure(stmt), syntax.dump(stmt)
        seen["measure"] += isinstance(stmt, gast.Assign)
        return got

    def substitute(stmt, name, value, *, moved=False):
        want = syntax.Renamer({name: value}, loads_only=True).visit(syntax.clone(stmt))
        if moved:  # (the value itself goes in: read once)
            assert dataflow.use_counts(stmt).get(name) == 1, syntax.dump(stmt)
        fast_substitute(stmt, name, value, moved=moved)
        assert syntax.dump(stmt) == syntax.dump(want)
        seen["substitute"] += 1
        seen["moved"] += moved

    def all_names(self, stmt):
        got = fast_all_names(self, stmt)
        assert got == syntax.all_names(stmt), syntax.dump(stmt)
        seen["all_names"] += isinstance(stmt, dataflow.COMPOUND)
        return got

    monkeypatch.setattr(dataflow.StatementFacts, "all_names", all_names)
    monkeypatch.setattr(syntax, "substitute", substitute)
    monkeypatch.setattr(dataflow.StatementFacts, "value_loads", value_loads)
    monkeypatch.setattr(dataflow.StatementFacts, "measure", measure)
    tangentlike.autodiff(f, **options)
    assert seen["value_loads"] and seen["measure"] and seen["moved"], seen
    if label.startswith(("loops", "nested")) and options.get("mode") != "forward":
        assert seen["all_names"], seen


@pytest.mark.parametrize("line, name, value", [
    ("a = t * t + f(t, u=t)", "t", "x + y"), ("t = t + 1", "t", "g(x)"),
    ("a[t] = [t for s in t]", "t", "x.y"), ("a = lambda t: t + u", "t", "x"),
    ("f(t)[t] = b", "t", "-x")])
def test_substitute_as_the_renamer(line: str, name: str, value: str) -> None:
    stmt = syntax.parse_stmts(line)[0]
    replacement = syntax.parse_expr(value)
    want = syntax.Renamer({name: replacement}, loads_only=True).visit(syntax.clone(stmt))
    syntax.substitute(stmt, name, replacement)
    assert syntax.dump(stmt) == syntax.dump(want)


@pytest.mark.parametrize("line", ["a = b * c", "a = b = f(c, g(d))", "a, b = c",
                                  "a[i] = b + a", "a.x = a", "a = [b for b in c]"])
def test_value_facts_of_any_assignment(line: str) -> None:
    stmt = syntax.parse_stmts(line)[0]
    facts = dataflow.StatementFacts()
    assert facts.value_loads(stmt) == syntax.loaded_names(stmt.value)
    assert facts.measure(stmt) == syntax.measure(stmt)
    assert facts.value_measure(stmt) == syntax.measure(stmt.value)
