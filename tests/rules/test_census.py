"""The census of NumPy's and SciPy's callables (``tangentlike coverage``, rules/census.py).

Every public callable of the walked namespaces is in exactly one class; a NumPy or SciPy that
adds one fails ``test_no_callable_is_unknown`` until it is classed in
tangentlike/rules/census_tables.py (or given rules).
"""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike  # noqa: F401  (registers the rules)
from tangentlike import cli
from tangentlike.rules import census, census_tables, registry

Kind = census.Kind


@pytest.fixture(scope="module")
def found() -> list[census.Entry]:
    return census.entries()


@pytest.fixture(scope="module")
def by_name(found) -> dict[str, census.Entry]:
    return {entry.name: entry for entry in found}


def test_no_callable_is_unknown(found):
    unknown = [e.name for e in found if e.kind is Kind.UNKNOWN]
    assert not unknown, (
        f"{len(unknown)} callables of NumPy/SciPy are in no class of the census: "
        f"{', '.join(unknown)}; class them in tangentlike/rules/census_tables.py")


def test_nothing_is_missing(found):
    """Issue 17's to-do list is done: every callable has rules in both modes, is a constant,
    draws random numbers or is refused by name with a reason.  A NumPy or SciPy upgrade's new
    callable fails test_no_callable_is_unknown; one classed MISSING meanwhile fails here."""
    missing = [e.name for e in found if e.kind is Kind.MISSING]
    assert not missing, f"{len(missing)} callables still need a rule: {', '.join(missing)}"


def test_the_tables_are_up_to_date(found):
    """No curated name has a rule now (the MISSING list shrinks as rules are added), names an
    alias or nothing; no pattern is unused or takes a whole module; no conflicts."""
    assert census.problems(found) == []


def _shipped(rule) -> bool:
    return rule is not None and rule.function.__module__.startswith("tangentlike.templates.")


def test_classes_agree_with_the_registry(found):
    """Read the rules again: a callable classed BOTH has tangentlike's two rules, one classed
    REVERSE_ONLY an adjoint only, a constant is declared one, the curated classes none."""
    for entry in found:
        adjoint = _shipped(registry.adjoint_rule(entry.obj))
        tangent = _shipped(registry.tangent_rule(entry.obj))
        record = registry.declared(entry.obj)
        constant = (registry.is_non_differentiable(entry.obj)
                    and "differentiable" not in record.user_facts)
        expected = {Kind.BOTH: (True, True, False), Kind.REVERSE_ONLY: (True, False, False),
                    Kind.FORWARD_ONLY: (False, True, False),
                    Kind.NON_DIFFERENTIABLE: (False, False, True)}.get(
                        entry.kind, (False, False, False))
        if entry.kind is Kind.BOTH and entry.source:  # census_tables.REWRITTEN: no rules
            expected = (False, False, False)
        assert (adjoint, tangent, constant) == expected, (entry.name, entry.kind)
        if entry.kind in (Kind.REVERSE_ONLY, Kind.FORWARD_ONLY, Kind.RANDOM, Kind.REFUSED,
                          Kind.MISSING):
            assert entry.reason, entry.name


def test_a_users_rule_does_not_change_the_census(monkeypatch):
    """Rules and constants declared by a user (or by another test) are not tangentlike's:
    np.add stays out of the registry's classes."""
    import types

    from tangentlike.rules import primitive

    def users_template(y, a, b):
        return None

    rule = types.SimpleNamespace(function=users_template)
    key = registry._key(np.add)
    monkeypatch.setitem(primitive.PRIMITIVES, key, primitive.Primitive(
        np.add, adjoint=rule, tangent=rule, user_facts=frozenset({"adjoint", "tangent"})))
    assert registry.adjoint_rule(np.add) is rule
    assert census.registry_kind(np.add) is None
    monkeypatch.setitem(primitive.PRIMITIVES, key, primitive.Primitive(
        np.add, differentiable=False, user_facts=frozenset({"differentiable"})))
    assert registry.is_non_differentiable(np.add)
    assert census.registry_kind(np.add) is None
    assert census.registry_kind(np.sin) is Kind.BOTH


def test_every_callable_once(found):
    names = [e.name for e in found] + [a for e in found for a in e.aliases]
    assert len(names) == len(set(names))


def test_the_modules_and_names_walked(by_name):
    for name in ["np.add", "np.diff", "np.take_along_axis", "np.angle", "np.real_if_close",
                 "np.logaddexp.reduce", "np.add.reduce", "np.add.accumulate", "np.add.outer",
                 "np.add.at", "np.ndarray.sum", "np.linalg.solve", "np.fft.fft",
                 "np.random.normal", "np.random.Generator.normal",
                 "np.random.RandomState.randn", "scipy.special.gammaln",
                 "scipy.stats.norm.logpdf", "scipy.stats.multivariate_normal.logpdf",
                 "scipy.stats.poisson.logpmf", "scipy.linalg.expm"]:
        if name.startswith("scipy"):
            pytest.importorskip("scipy")
        assert name in by_name, name
    assert "np.sin.reduce" not in by_name  # unary ufuncs have no reductions
    assert "np.sin.at" in by_name


def test_aliases_by_identity(by_name):
    assert "np.true_divide" in by_name["np.divide"].aliases
    assert "np.true_divide" not in by_name
    assert "np.abs" in by_name["np.absolute"].aliases


def test_some_classes(by_name):
    assert by_name["np.sin"].kind is Kind.BOTH
    assert by_name["np.ndarray.sum"].kind is Kind.BOTH
    assert by_name["np.argmax"].kind is Kind.NON_DIFFERENTIABLE
    assert by_name["np.add"].kind is Kind.BOTH
    assert by_name["np.add.reduce"].kind is Kind.BOTH
    assert by_name["np.maximum.outer"].kind is Kind.BOTH
    assert by_name["np.bitwise_and.reduce"].kind is Kind.NON_DIFFERENTIABLE
    assert by_name["np.power.reduce"].kind is Kind.REFUSED
    assert by_name["np.add.at"].kind is Kind.BOTH  # rewritten: census_tables.REWRITTEN
    assert by_name["np.exp.at"].kind is Kind.REFUSED
    assert by_name["np.apply_along_axis"].kind is Kind.BOTH  # rewritten: apply_calls.py
    assert by_name["np.random.normal"].kind is Kind.RANDOM
    assert by_name["np.random.Generator.normal"].kind is Kind.RANDOM
    assert by_name["np.savetxt"].kind is Kind.REFUSED
    assert by_name["np.test"].kind is Kind.REFUSED  # an exact name beats np.random.*-like
    assert by_name["np.random.test"].kind is Kind.REFUSED  # patterns


def test_a_new_function_is_unknown(monkeypatch):
    """A NumPy that adds a function fails the census: the test above can fail."""
    def brand_new(x):
        return x

    monkeypatch.setattr(np, "brand_new", brand_new, raising=False)
    entry = next(e for e in census.entries() if e.name == "np.brand_new")
    assert entry.kind is Kind.UNKNOWN
    assert any("np.brand_new is in no class" in p for p in census.problems([entry]))


def test_a_missing_function_given_rules_must_leave_the_table(monkeypatch):
    monkeypatch.setitem(census_tables.MISSING, "a test's reason", "np.kaiser")
    monkeypatch.setattr(census, "_INDEX", None)
    again = census.entries()
    monkeypatch.setattr(census, "_INDEX", None)
    assert any("MISSING names np.kaiser, which is BOTH now" in p
               for p in census.problems(again))


def test_conflicts_and_module_patterns_are_problems(monkeypatch):
    monkeypatch.setitem(census_tables.REFUSED, "a test's reason",
                        "np.apply_along_axis np.linalg.*")
    monkeypatch.setattr(census, "_INDEX", None)
    found = census.entries()
    problems = census.problems(found)
    monkeypatch.setattr(census, "_INDEX", None)
    assert any("np.apply_along_axis is in several tables" in p for p in problems)
    assert any("np.linalg.* takes a whole module" in p for p in problems)


def test_one_mode_rules_need_a_reason():
    entry = census.Entry("np.fake", "np", object(), kind=Kind.REVERSE_ONLY)
    assert any("say why" in p for p in census.problems([entry]))


def test_cli_coverage(capsys):
    assert cli.main(["coverage"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| module | both |")
    assert "| np.ufunc methods |" in out and "| **all** |" in out
    assert cli.main(["coverage", "--table"]) == 0
    out = capsys.readouterr().out
    assert "\nnp.apply_along_axis\tBOTH\tcalls a Python function" in out
    assert "\nnp.add\tBOTH\t" in out
    assert "\nnp.sin\tBOTH\t" in out
    assert cli.main(["coverage", "--help"]) == 0
    assert "census_tables.py" in capsys.readouterr().out


def test_functions_page_has_the_census():
    page = census.markdown_section()
    assert page[0] == "## Census of NumPy and SciPy"
    text = "\n".join(page)
    assert "| np.ufunc methods |" in text
    # An alias is listed with its name in the lists of names (MISSING, REFUSED).
    aliased = next(e for e in census.entries()
                   if e.aliases and e.kind in (Kind.MISSING, Kind.REFUSED))
    assert f"`{aliased.name}` (also `{aliased.aliases[0]}`)" in text


def test_ufunc_methods_classed_as_constants_belong_to_constant_ufuncs(found, by_name):
    constants = [e for e in found if e.module == "np.ufunc methods"
                 and e.kind is Kind.NON_DIFFERENTIABLE]
    assert constants
    for entry in constants:
        ufunc = by_name[entry.name.rsplit(".", 1)[0]]
        assert ufunc.kind is Kind.NON_DIFFERENTIABLE, entry.name


def test_ufunc_methods_with_rules_belong_to_ufuncs_with_rules(found, by_name):
    """A method's rules are derived from the ufunc's, or are its reduction's: a ufunc with
    rules of its own (or the operator's, np.add's +) stands behind each."""
    operators = {"np.add", "np.subtract", "np.multiply", "np.divide"}
    for entry in found:
        if entry.module == "np.ufunc methods" and entry.kind is Kind.BOTH:
            ufunc = entry.name.rsplit(".", 1)[0]
            assert ufunc in operators or by_name[ufunc].kind is Kind.BOTH, entry.name


def test_rewritten_scatters_have_helpers_with_rules(found):
    """Each ufunc.at classed BOTH from census_tables.REWRITTEN is written as a call of a
    helper with tangentlike's two rules (frontend/ufunc_at.py), and only those are."""
    from tangentlike.frontend.ufunc_at import scatter_helper

    rewritten = {e.name for e in found
                 if e.kind is Kind.BOTH and e.source and e.module == "np.ufunc methods"}
    helped = {e.name for e in found if scatter_helper(e.obj) is not None}
    assert rewritten == helped
    for entry in found:
        helper = scatter_helper(entry.obj)
        if helper is not None:
            assert _shipped(registry.adjoint_rule(helper)), entry.name
            assert _shipped(registry.tangent_rule(helper)), entry.name


def test_rewritten_in_place_writers_are_lowered(found):
    """The NumPy functions and the array methods that write in place, classed BOTH from
    census_tables.REWRITTEN, are the ones frontend/in_place.py lowers to an index
    assignment, and only those (the functions that call a Python function are written as
    loops: frontend/apply_calls.py)."""
    from tangentlike.frontend.apply_calls import NAMES
    from tangentlike.frontend.in_place import METHODS, WRITERS

    rewritten = {e.obj for e in found
                 if e.kind is Kind.BOTH and e.source and e.module.startswith("np")
                 and e.module != "np.ufunc methods"} - set(NAMES)
    assert rewritten == set(WRITERS) | {getattr(np.ndarray, m) for m in METHODS}


def test_rewritten_distribution_methods_are_standardized(found):
    """The scipy.stats methods classed BOTH from census_tables.REWRITTEN are written as the
    distribution's private method at the standardized point (frontend/standardized.py); the
    walk of tests/rules/test_stats_generic.py checks each differentiates (and that the
    others refuse)."""
    from tangentlike.frontend.standardized import standardized

    rewritten = [e for e in found if e.kind is Kind.BOTH and e.source
                 and e.module == "scipy.stats"]
    assert len(rewritten) > 200
    for entry in rewritten:
        assert standardized(entry.obj) is not None, entry.name


def test_generalized_ufuncs_have_no_methods(by_name):
    assert "np.matmul.reduce" not in by_name and "np.matmul.at" not in by_name
