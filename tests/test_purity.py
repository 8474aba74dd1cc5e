"""Calls the compiler cannot prove pure run exactly once, in program order, and their values
are saved for the backward pass: random draws of every kind, I/O, the user's functions.

Each function is checked in every mode (tests/oracle.py) with the generators reseeded before
every evaluation, so ``f`` and each derivative draw the same numbers: the derivative's value
must equal ``f``'s exactly, and its derivatives the finite differences of ``f``.
"""
from __future__ import annotations

import random

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike

rs = np.random.RandomState(0)
gen = np.random.default_rng(0)
python_random = random.Random(0)


def reseed():
    rs.seed(0)
    gen.bit_generator.state = np.random.default_rng(0).bit_generator.state
    python_random.seed(0)
    random.seed(0)
    np.random.seed(0)


def random_state(s):
    return np.sum(rs.randn(3) * np.exp(s))


def generator(s):
    return np.sum(gen.normal(size=3) * np.exp(s))


def generator_of_shape(s):
    e = gen.standard_normal(s.shape)
    return np.sum(e * s * s)


def global_numpy_random(s):
    return np.sum(np.random.randn(3) * s * s)


def python_random_module(s):
    return np.sum(random.random() * s * s + random.gauss(0.0, 1.0) * s)


def random_instance(s):
    return np.sum(python_random.uniform(-1.0, 1.0) * np.sin(s))


def draws_in_loop(s):
    acc = 0.0
    for _ in range(3):
        e = rs.randn(3)
        acc = acc + np.sum(e * np.sin(s * e))
    return acc


def draw_in_range(s):
    acc = s
    for _ in range(rs.randint(2, 6)):
        acc = acc * np.cos(acc)
    return np.sum(acc)


def draw_in_while_test(s):
    acc = s
    while rs.rand() < 0.7:
        acc = np.sin(acc) + acc
    return np.sum(acc)


def draw_in_branch(s):
    if rs.rand() > 0.5:
        y = s * rs.randn(3)
    else:
        y = np.sin(s) * rs.randn(3)
    return np.sum(y * s)


def dropout(s):
    mask = rs.rand(3) > 0.3
    return np.sum(np.where(mask, s * s, 0.0) / 0.7)


def draw_twice_same_spelling(s):
    e = rs.normal(size=s.shape)
    y = s * e
    e = rs.normal(size=s.shape)
    return np.sum(y * e * s)


def unused_draw(s):
    rs.randn(2)
    unused = rs.randn(2)  # noqa: F841  (drawn, never read)
    return np.sum(s * rs.randn(3))


def noise():
    return rs.randn(3) * 0.1


def noisy_helper(s):
    return np.sum(np.sin(s + noise()))


def helper_of_x(x):
    return x + rs.randn(3)


def noisy_helper_of_x(s):
    return np.sum(np.sin(helper_of_x(s)) * helper_of_x(s))


def unused_noisy_helper_of_x(s):
    unused = helper_of_x(s) * 2.0  # noqa: F841  (called, never read)
    return np.sum(s * rs.randn(3))


CASES = [unused_noisy_helper_of_x, random_state, generator, generator_of_shape, global_numpy_random,
         python_random_module, random_instance, draws_in_loop, draw_in_range,
         draw_in_while_test, draw_in_branch, dropout, draw_twice_same_spelling, unused_draw,
         noisy_helper, noisy_helper_of_x]


@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
def test_random_draws_run_once(f):
    check_everywhere(f, [np.array([0.3, -0.5, 0.7])], reseed=reseed)


calls: list[int] = []


@tangentlike.non_differentiable
def counted(n):
    """Not declared pure: an effect (appending to ``calls``) the derivative must keep."""
    calls.append(n)
    return np.full(n, float(len(calls)))


def uses_counted(x):
    w = counted(3)
    y = np.sin(x) * w
    for _ in range(2):
        y = y * counted(3)
    return np.sum(y * x)


@pytest.mark.parametrize("request_", [
    lambda f: tangentlike.grad(f),
    lambda f: tangentlike.grad(f, optimized=False),
    lambda f: tangentlike.grad(f, motion="split"),
    lambda f: (lambda x: tangentlike.autodiff(f, mode="forward")(x, np.ones(3))),
    lambda f: (lambda x: tangentlike.hvp(f)(x, np.ones(3))),
], ids=["reverse", "unoptimized", "split", "forward", "hvp"])
def test_unknown_function_called_once_per_call_as_in_f(request_):
    x = np.array([0.3, 0.4, 0.5])
    df = request_(uses_counted)
    for _ in range(3):  # the general code, the instrumented run, a version by shape
        calls.clear()
        df(x)
        assert calls == [3, 3, 3], "each call of counted(3) in f runs once, in order"


def test_pure_declaration():
    def double(v):
        return 2.0 * v

    assert not tangentlike.rules.registry.is_pure_function(double)
    assert tangentlike.pure(double) is double
    assert tangentlike.rules.registry.is_pure_function(double)
    assert tangentlike.rules.registry.is_pure_function(np.sin)
    assert not tangentlike.rules.registry.is_pure_function(np.random.randn)
    assert not tangentlike.rules.registry.is_pure_function(rs.randn)
    assert not tangentlike.rules.registry.is_pure_function(print)


def draw_in_comparison(s):
    total = 0.0
    for _ in range(2):
        flag = np.sum(rs.normal(size=(3,))) < 1.0  # noqa: F841  (drawn, never read)
    return np.sum(s * rs.standard_normal()) + total


def draw_in_conditional_test(s):
    v = (s if rs.rand() < 0.5 else s * 2.0)
    return np.sum(v * rs.randn(3))


@pytest.mark.parametrize("f", [draw_in_comparison, draw_in_conditional_test],
                         ids=["comparison", "conditional-test"])
def test_draws_inside_comparisons_run_once(f):
    check_everywhere(f, [np.array([0.3, -0.5, 0.7])], reseed=reseed)


def test_draw_after_and_is_refused():
    def draw_after_and(s):
        c = np.sum(s) > 0.0 and rs.rand() < 0.5
        return np.sum(s * 2.0) if c else np.sum(s)

    with pytest.raises(tangentlike.UnsupportedSyntaxError, match="and/or"):
        tangentlike.grad(draw_after_and)(np.array([0.3, 0.5, 0.7]))
