"""Reverse mode's order of the zero initialisations (``build._zero_init_order``) is read from
what ``Adjoints.instantiate`` notes as it makes the adjoints (``Adjoints.mentions``), not from
a second walk of the statements: the order is the same as the walk's (every statement in
forward pre-order: an active statement's operation's inputs, then the names it binds; a
``for`` loop's element whose adjoint flows into its iterable's), for the reverse derivatives
of the test functions (joint and split, all parameters)."""
from __future__ import annotations

import gast
import pytest
from support import derivative_sources, functions_of_test_modules, swept_modules

from tangentlike.ad.reverse import build
from tangentlike.core import anno
from tangentlike.frontend.operations import targets

MODULES = ["golden_functions", "control_flow_functions", "containers_functions",
           "shape_functions", "recompute_functions", "calls_functions"]


def walked_order(program, adjoints, wrt_names: list[str]) -> list[str]:
    """The order as found by walking the statements (the slow twin)."""
    order = list(wrt_names)
    seen = set(order)
    for stmt in program.statements():
        names: list[str] = []
        if isinstance(stmt, (gast.Assign, gast.Expr)) and anno.info(stmt).active:
            names = program.operation(stmt).inputs + targets(stmt)
        elif isinstance(stmt, gast.For) and adjoints.flows_from_iterable(stmt):
            names = [stmt.target.id]
        for name in names:
            if name in program.active and name not in seen:
                order.append(name)
                seen.add(name)
    return order


@pytest.mark.parametrize("module", swept_modules(MODULES))
def test_order_as_walked(module, monkeypatch):
    original = build._zero_init_order
    compared = []

    def both(program, adjoints, wrt_names):
        got = original(program, adjoints, wrt_names)
        compared.append((got, walked_order(program, adjoints, wrt_names)))
        return got

    monkeypatch.setattr(build, "_zero_init_order", both)
    derivative_sources(functions_of_test_modules([module]), ({}, {"motion": "split"}))
    assert compared, "no zero initialisation order was found"
    assert any(len(got) > 2 for got, _ in compared)
    for got, want in compared:
        assert got == want
