"""The versions' resolver (``versions/resolver.py``) answers as ``resolve_in`` does: for every
dotted name, asked twice (the second answer is the kept one), with and without its root
bound in the function, and after the scope gains a name; and its records are
``primitive``'s."""
import math

import gast
import numpy as np
import pytest

from tangentlike import runtime
from tangentlike.core.resolve import resolve_in
from tangentlike.rules.primitive import primitive
from tangentlike.versions.resolver import Resolver

NAMES = ["np.sum", "np.linalg.norm", "np.nothing_here", "unbroadcast", "range", "len",
         "math.sqrt", "stack.pop", "stack", "helper", "np", "t3"]


def _node(text: str) -> gast.expr:
    return gast.parse(text).body[0].value


@pytest.mark.parametrize("local", [set(), {"stack", "t3"}, {"np"}, {"math", "helper"}])
def test_the_same_answers_as_resolve_in(local):
    scope = {"np": np, "math": math, "unbroadcast": runtime.unbroadcast}
    names = Resolver(scope)
    for _ in range(2):
        for text in NAMES:
            assert names(_node(text), local) is resolve_in(_node(text), (scope,), local), text
    for text in ["np.sum()", "x[0]", "(a + b).sum"]:  # no dotted name
        assert names(_node(text), local) is None


def test_a_name_kept_then_bound_in_the_function_is_local():
    scope = {"np": np}
    names = Resolver(scope)
    assert names(_node("np.sum"), set()) is np.sum
    assert names(_node("np.sum"), {"np"}) is None
    assert names.within(set())(_node("np.sum")) is np.sum


def test_a_name_added_to_the_scope_is_looked_up_again():
    scope = {"np": np}
    names = Resolver(scope)
    assert names(_node("helper"), set()) is None
    assert names(_node("np.sum"), set()) is np.sum
    scope["helper"] = runtime.unbroadcast
    scope["np"] = math  # (never done while a version is written; the growth clears all)
    assert names(_node("helper"), set()) is runtime.unbroadcast
    assert names(_node("np.sqrt"), set()) is resolve_in(_node("np.sqrt"), (scope,), set())


def test_the_records_are_primitives():
    names = Resolver({})

    def helper(x):
        return x

    for function in (np.sum, np.tanh, runtime.unbroadcast, helper, np.sum):
        kept = names.record(function)
        assert kept is names.record(function)
        assert kept.on_shapes is primitive(function).on_shapes
        assert kept.method == primitive(function).method
        assert kept.shape == primitive(function).shape
