"""Reverse mode's ``first_contributions`` (``ad/reverse/build.py``) writes, when the optimizer
follows, an adjoint's first contribution ``bx = g`` without its zero initialisation, as the
optimizer's ``remove_zero_inits`` would: the optimized derivative is the same with it and
without it, and the unoptimized one keeps its zero initialisations."""
from __future__ import annotations

import pytest
from support import derivative_sources, functions_of_test_modules, swept_modules

import tangentlike
from tangentlike.ad.reverse import build

OPTIONS = ({}, {"motion": "split"})
MODULES = ["golden_functions", "control_flow_functions", "containers_functions",
           "shape_functions"]


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_optimized_derivatives_as_without_it(module, monkeypatch):
    functions = functions_of_test_modules([module])
    taken = []
    original = build.first_contributions

    def counted(statements, zeroed, reads=None):
        out, still_zero = original(statements, zeroed, reads)
        taken.append(len(zeroed) - len(still_zero))
        return out, still_zero

    monkeypatch.setattr(build, "first_contributions", counted)
    got = derivative_sources(functions, OPTIONS)
    monkeypatch.setattr(build, "first_contributions",
                        lambda s, zeroed, reads=None: (s, set(zeroed)))
    want = derivative_sources(functions, OPTIONS)
    assert sum(taken) > 0, "no first contribution was written without its zero init"
    assert got == want


def test_unoptimized_derivative_keeps_its_zero_inits():
    def f(x, y):
        t = x * y
        return t + x

    source = tangentlike.grad(f, wrt=(0, 1), optimized=False).source
    assert "bt = zeros_like(t)" in source and "bt = bt + " in source
