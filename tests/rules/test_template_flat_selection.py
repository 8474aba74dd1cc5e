"""``template.instantiate`` selects the statements of a template holding no ``if`` in one
flat loop over them and their facts (``_Plans.flat``), where a template with an ``if`` goes
through ``_selected``: the derivatives of the test functions (reverse, forward, split, and
with ``optimized=False``) are the same when every template goes through ``_selected``."""
from __future__ import annotations

import pytest
from support import derivative_sources, functions_of_test_modules, swept_modules

from tangentlike.rules import template

MODULES = ["golden_functions", "control_flow_functions", "containers_functions",
           "forward_functions", "shape_functions"]
OPTIONS = ({}, {"mode": "forward"}, {"motion": "split"}, {"optimized": False})


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_flat_selection_as_selected(module, monkeypatch):
    functions = functions_of_test_modules([module])
    flat = []
    original = template._plans

    def noted(node):
        plans = original(node)
        flat.append(plans.flat is not None)
        return plans

    monkeypatch.setattr(template, "_plans", noted)
    got = derivative_sources(functions, OPTIONS)
    monkeypatch.setattr(template, "_plans", lambda node: original(node)._replace(flat=None))
    want = derivative_sources(functions, OPTIONS)
    assert any(flat), "no template was selected by the flat loop"
    assert got == want
