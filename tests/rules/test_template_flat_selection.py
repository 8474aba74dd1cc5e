"""``template.instantiate`` selects the statements of a template holding no ``if`` in one
flat loop over them and their facts (``_Plans.flat``), where a template with an ``if`` goes
through ``_selected``: the derivatives of the test functions (reverse, forward, split, and
with ``optimized=False``) are the same when every template goes through ``_selected``.  A
call answering the flat loop's questions as an earlier call did keeps that call's statements
(``_known_choice``): the same as the flat loop's, asked in the same order."""
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


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_known_choices_as_selected(module, monkeypatch):
    """A call whose answers were met before keeps what the flat loop keeps, with the same
    questions asked in the same order (``_known_choice``): each choice found is checked
    against the flat loop run on the same call after it (which asks nothing new)."""
    functions = functions_of_test_modules([module])
    original = template._known_choice
    found, differ = [], []

    def checked(plans, tangent, derivative_of):
        choice = original(plans, tangent, derivative_of)
        if choice is not None:
            instance = derivative_of.__self__
            asked = list(instance.asked.items())
            selection = template._Selection(instance, {}, tangent,
                                            instance.rule.parse().result, None)
            kept = [stmt for stmt, facts in plans.flat if selection.keeps(stmt, facts)]
            found.append(choice)
            if (kept != choice.kept or selection.contributions != choice.contributions
                    or list(instance.asked.items()) != asked):
                differ.append(instance.rule)
        return choice

    monkeypatch.setattr(template, "_known_choice", checked)
    got = derivative_sources(functions, OPTIONS)
    monkeypatch.setattr(template, "_known_choice", lambda plans, tangent, ask: None)
    want = derivative_sources(functions, OPTIONS)
    assert found, "no call's choice was known"
    assert not differ, differ[:3]
    assert got == want
