"""``template.instantiate`` selects the statements of a template holding no ``if`` in one
flat loop over them and their facts (``_Plans.flat``), where a template with an ``if`` goes
through ``_selected``: the derivatives of the test functions (reverse, forward, split, and
with ``optimized=False``) are the same when every template goes through ``_selected``."""
from __future__ import annotations

import inspect

import pytest
from support import functions_of_test_modules

import tangentlike
from tangentlike.rules import template

MODULES = ["golden_functions", "control_flow_functions", "containers_functions",
           "forward_functions", "shape_functions"]
OPTIONS = ({}, {"mode": "forward"}, {"motion": "split"}, {"optimized": False})


def _sources(functions) -> list[str]:
    tangentlike.clear_cache()
    out = []
    for f in functions:
        n = len([p for p in inspect.signature(f).parameters.values()
                 if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                          p.POSITIONAL_OR_KEYWORD)])
        if n == 0:
            continue
        for options in (*OPTIONS, {"wrt": tuple(range(n))}):
            try:
                out.append(tangentlike.autodiff(f, verbose=0, **options).source)
            except Exception as e:  # a refusal: its message is compared
                out.append(f"{f.__name__}: {type(e).__name__}: {e}")
    tangentlike.clear_cache()
    return out


@pytest.mark.parametrize("module", MODULES)
def test_flat_selection_as_selected(module, monkeypatch):
    functions = functions_of_test_modules([module])
    flat = []
    original = template._plans

    def noted(node):
        plans = original(node)
        flat.append(plans.flat is not None)
        return plans

    monkeypatch.setattr(template, "_plans", noted)
    got = _sources(functions)
    monkeypatch.setattr(template, "_plans", lambda node: original(node)._replace(flat=None))
    want = _sources(functions)
    assert any(flat), "no template was selected by the flat loop"
    assert got == want
