"""The save planner (``ad/reverse/saves.py``) does not walk the adjoints for their reads when
the function binds no name inside an if, a loop or a try and writes into no array
(``_Planner.reads_matter``): nothing can be saved or restored then.  The save plan of every
reverse derivative of the test functions (joint and split, all parameters) is the same as the
one found with every statement's reads."""
from __future__ import annotations

import pytest
from support import derivative_sources, functions_of_test_modules, swept_modules

from tangentlike.ad.reverse import build, saves

MODULES = ["golden_functions", "control_flow_functions", "containers_functions",
           "shape_functions", "recompute_functions", "calls_functions"]


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_save_plan_as_with_every_read(module, monkeypatch):
    original = saves.plan_saves
    shortcut = []
    compared = []

    def with_every_read(program, adjoints):
        init = saves._Planner.__init__

        def reading(self, program, adjoints):
            init(self, program, adjoints)
            shortcut.append(not self.reads_matter)
            if not self.reads_matter:
                self.reads_matter = True
                self.find_facts()

        monkeypatch.setattr(saves._Planner, "__init__", reading)
        try:
            want = original(program, adjoints)
        finally:
            monkeypatch.setattr(saves._Planner, "__init__", init)
        got = original(program, adjoints)
        compared.append((got, want))
        return got

    monkeypatch.setattr(build, "plan_saves", with_every_read)
    derivative_sources(functions_of_test_modules([module]), ({}, {"motion": "split"}))
    assert compared, "no save plan was made"
    if module == "golden_functions":
        assert any(shortcut), "no save plan was made without the reads"
    for got, want in compared:
        assert got == want
