"""@elementwise: one written adjoint; the tangent and the math twin's rules are derived."""
import ast
import copy
import math

import gast
import numpy as np
import pytest

import tangentlike
from tangentlike.errors import TemplateError
from tangentlike.rules import primitive as prim
from tangentlike.rules import registry
from tangentlike.rules.elementwise import DerivedRule, elementwise
from tangentlike.rules.registry import d
from tangentlike.runtime import unbroadcast


def _source(rule: registry.Rule) -> str:
    node = copy.deepcopy(rule.node)
    node.decorator_list = []
    return ast.unparse(gast.gast_to_ast(node)).split("\n", 1)[1].strip()


def test_library_tangent_and_twin_are_derived():
    tangent = registry.tangent_rule(np.sin)
    assert isinstance(tangent, DerivedRule)
    assert _source(tangent) == "d[y] = d[x] * np.cos(x)"
    assert _source(registry.adjoint_rule(math.sin)) == "d[x] = d[y] * math.cos(x)"
    assert _source(registry.tangent_rule(math.sin)) == "d[y] = d[x] * math.cos(x)"
    assert _source(registry.tangent_rule(np.hypot)) == (
        "d[z] = broadcast_like(d[x1] * x1 / z, z)\n    d[z] = broadcast_like(d[x2] * x2 / z, z)")
    record = prim.primitive(np.sin)
    assert record.elementwise and record.pure and record.twins == (math.sin,)


def _scaled(x, k):
    return x * k


def _mine(x):
    return np.sin(x) * 2.0


@pytest.fixture
def forget():
    functions = []
    yield functions.append
    for function in functions:
        prim.PRIMITIVES.pop(prim._key(function), None)


def test_a_users_elementwise_rule_works_in_both_modes(forget):
    def mine_adjoint(y, x):
        d[x] = d[y] * 2.0 * np.cos(x)

    forget(_mine)
    elementwise(_mine)(mine_adjoint)

    def f(x):
        return _mine(x) * x

    x = 0.3
    expected = 2.0 * np.cos(x) * x + _mine(x)
    assert tangentlike.grad(f)(x) == pytest.approx(expected)
    assert tangentlike.autodiff(f, mode="forward")(x, 1.0) == pytest.approx(expected)
    assert not prim.primitive(_mine).pure  # a user's function: impure unless declared


def test_a_nonlinear_adjoint_is_refused_at_registration(forget):
    def squared(y, x, k):
        d[x] = d[y] * d[y] * k

    forget(_scaled)
    with pytest.raises(TemplateError, match="write its rules with @adjoint and @tangent"):
        elementwise(_scaled)(squared)


def test_unbroadcast_becomes_broadcast_like(forget):
    def scaled(y, x, k):
        d[x] = unbroadcast(d[y] * k, x)

    forget(_scaled)
    elementwise(_scaled)(scaled)
    assert _source(registry.tangent_rule(_scaled)) == "d[y] = broadcast_like(d[x] * k, y)"


def test_a_twin_needs_twins_for_what_the_template_calls(forget):
    def lg(y, x):
        d[x] = d[y] * np.float_power(x, 2.0)

    forget(_mine)
    forget(math.lgamma)
    with pytest.raises(TemplateError, match="has no twin in math"):
        elementwise(_mine, math.lgamma)(lg)


def test_a_primal_statement_is_kept_in_the_tangent(forget):
    def scaled(y, x, k):
        z = np.cos(x) * k
        d[x] = unbroadcast(d[y] * z, x)

    forget(_scaled)
    elementwise(_scaled)(scaled)
    assert _source(registry.tangent_rule(_scaled)) == (
        "z = np.cos(x) * k\n    d[y] = broadcast_like(d[x] * z, y)")


def test_a_statement_reading_a_derivative_is_refused(forget):
    def scaled(y, x, k):
        g = d[y] * k
        d[x] = g

    forget(_scaled)
    with pytest.raises(TemplateError, match="each statement must be d"):
        elementwise(_scaled)(scaled)
