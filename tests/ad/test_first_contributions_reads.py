"""Reverse mode's ``first_contributions`` (``ad/reverse/build.py``) takes the names a
contribution's value reads from ``Adjoints.reads`` (noted when its template statement was
rebuilt from a recipe, ``rules/recipe.py``) instead of walking the value.  For every
derivative of the test functions (joint and split, all parameters), each noted value still
reads exactly the names noted for it when ``first_contributions`` runs, and its result is the
same as with every value walked; the names the backward sweep reads (``build._loaded_names``)
too."""
from __future__ import annotations

import pytest
from support import derivative_sources, functions_of_test_modules, swept_modules

from tangentlike.ad.reverse import build
from tangentlike.backend.emit import to_source
from tangentlike.core import syntax
from tangentlike.rules.recipe import names_read

MODULES = ["golden_functions", "control_flow_functions", "containers_functions",
           "shape_functions", "calls_functions"]


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_noted_reads_are_the_walked_ones(module, monkeypatch):
    original = build.first_contributions
    noted = []

    def compared(statements, zeroed, reads=None):
        for entry in (reads or {}).values():
            node = entry[0]
            assert names_read(entry) == [n.id for n in syntax.walk_names(node)], \
                to_source(node)
        noted.append(len(reads or {}))
        # (a copy walked: ``first_contributions`` rewrites the statements it is given)
        want, want_zero = original(syntax.clone(statements), zeroed)
        got, got_zero = original(statements, zeroed, reads)
        assert got_zero == want_zero
        assert [to_source(s) for s in got] == [to_source(s) for s in want]
        return got, got_zero

    monkeypatch.setattr(build, "first_contributions", compared)
    derivative_sources(functions_of_test_modules([module]), ({}, {"motion": "split"}))
    assert noted, "first_contributions did not run"
    if module == "golden_functions":
        assert sum(noted) > 0, "no value's reads were noted"


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_loaded_names_as_walked(module, monkeypatch):
    """``build._loaded_names`` (the names the backward sweep reads, the noted values not
    walked) is the union of every statement's ``syntax.loaded_names``."""
    original = build._loaded_names
    compared = []

    def checked(statements, reads):
        got = original(statements, reads)
        assert got == set().union(*(syntax.loaded_names(s) for s in statements))
        compared.append(len(reads))
        return got

    monkeypatch.setattr(build, "_loaded_names", checked)
    derivative_sources(functions_of_test_modules([module]), ({}, {"motion": "split"}))
    if module == "control_flow_functions":
        assert compared and sum(compared) > 0, "no noted value was met"
