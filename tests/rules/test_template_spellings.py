"""Two spellings of derivative templates (rules/rule.py, rules/template.py): a ``*args``
parameter, whose derivative ``d[xs]`` is read as the tuple of its values' derivatives (zeros
for those that carry none) and written from a tuple (one contribution per value that carries
one), and ``d_`` for a primitive's parameter named ``d`` (the notation's name), which a call
may pass by keyword as ``d=``."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from support import check_grad, import_file, numerical_grad

import tangentlike
from tangentlike import d
from tangentlike.errors import TemplateError
from tangentlike.rules import registry

SPREAD_RULES = Path(__file__).parent.parent / "fixtures" / "spread_rules.py"


@pytest.fixture
def rules():
    """tests/fixtures/spread_rules.py, freshly imported; its rules are removed afterwards."""
    module = import_file("spread_rules", SPREAD_RULES)
    try:
        yield module
    finally:
        for prim in (module.total, module.scaled):
            registry.ADJOINTS.pop(registry._key(prim), None)
            registry.TANGENTS.pop(registry._key(prim), None)
        sys.modules.pop(module.__name__, None)


def _args():
    gen = np.random.default_rng(3)
    return [gen.normal(size=(2, 3)) for _ in range(4)]


@pytest.mark.parametrize("optimized", [True, False])
def test_a_star_parameter_written_from_a_tuple(rules, optimized):
    args = _args()
    check_grad(rules.uses_total, args, wrt=(0, 2), optimized=optimized)
    source = tangentlike.grad(rules.uses_total, wrt=(0, 2)).source
    assert "xs_parts = repeated(" in source and "xs_parts[0]" in source \
        and "xs_parts[2]" in source and "xs_parts[1]" not in source


def test_a_value_passed_twice_gets_both_contributions(rules):
    args = _args()[:3]
    (ga,) = check_grad(rules.uses_total_twice, args, wrt=(0,))
    np.testing.assert_allclose(ga, 2.0 * args[2])


def test_a_star_parameter_read_as_a_tuple_with_zeros(rules):
    args = _args()
    df = tangentlike.autodiff(rules.uses_total, mode="forward", wrt=(1,))
    assert "total(zeros_like(a), db, zeros_like(c))" in df.source
    v = np.random.default_rng(4).normal(size=(2, 3))
    (fd,) = numerical_grad(rules.uses_total, args, wrt=(1,))
    np.testing.assert_allclose(df(*args, v), np.sum(fd * v), rtol=1e-6)
    two = tangentlike.autodiff(rules.uses_total, mode="forward", wrt=(0, 2))
    fd0, fd2 = numerical_grad(rules.uses_total, args, wrt=(0, 2))
    np.testing.assert_allclose(two(*args, v, 2 * v), np.sum(fd0 * v + fd2 * 2 * v),
                               rtol=1e-6)


@pytest.mark.parametrize("optimized", [True, False])
def test_a_parameter_named_d(rules, optimized):
    args = _args()[:2]
    check_grad(rules.uses_scaled, args, wrt=(0, 1), optimized=optimized)
    df = tangentlike.autodiff(rules.uses_scaled, mode="forward", wrt=(0, 1))
    v = np.random.default_rng(5).normal(size=(2, 2, 3))
    ga, gb = numerical_grad(rules.uses_scaled, args, wrt=(0, 1))
    np.testing.assert_allclose(df(*args, v[0], v[1]), np.sum(ga * v[0] + gb * v[1]),
                               rtol=1e-6)


def named_d(d, e):
    return d + e


def named_x(x, e):
    return x + e


def test_d_underscore_stands_only_for_a_parameter_named_d():
    with pytest.raises(TemplateError, match="should be named 'x'"):
        @tangentlike.adjoint(named_x)
        def named_x_adjoint(y, d_, e):
            d[d_] = d[y]
    with pytest.raises(TemplateError, match="should be named 'd'"):
        @tangentlike.adjoint(named_d)
        def named_d_adjoint(y, dd, e):
            d[dd] = d[y]
    assert registry.adjoint_rule(named_d) is None and registry.adjoint_rule(named_x) is None
