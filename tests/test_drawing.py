"""``frontend/drawing.py``: whether a function may draw random numbers, read from its source,
so that ``jacobian``, ``hessian`` and ``linearize`` walk the heap for generators only where
the function could draw from one (``draws.py``).  Checked case by case, and against what the
functions of the test-function modules do when they run: one judged to draw nothing must
leave every generator where it was."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest
from support import functions_of_test_modules

import tangentlike
import tangentlike.draws
from tangentlike.draws import _generators, _same, _state
from tangentlike.frontend.drawing import draws_nothing

rng = np.random.default_rng(0)
W = np.ones((3, 3))
LAYERS = [(np.ones((3, 3)), np.zeros(3))]


def helper(x):
    return np.tanh(x) * 2


def drawing_helper(x):
    return x * rng.normal(size=3)


def recursive(x, n):
    return x if n == 0 else recursive(np.sin(x), n - 1)


def decorated(func):
    def wrapper(*args):
        return func(*args) + rng.normal()
    wrapper.__wrapped__ = func
    return wrapper


@decorated
def noisy(x):
    return np.sum(x)


def global_generator(x):
    return x * rng.normal(size=3)


def numpy_global_state(x):
    return x * np.random.normal(size=3)


def random_module(x):
    return x * random.random()


def through_helper(x):
    return helper(x) + drawing_helper(x)


def generator_argument(x, r):
    return x * r.normal()


def passed_to_numpy(x):
    return np.apply_along_axis(drawing_helper, 0, x)


def methods_of_arrays(x):
    y = x @ W
    z = y.sum() + np.sin(x).mean() + helper(x)[0]
    for i in range(3):
        y = np.tanh(y) * i
    return z + y.dot(x)


def nested_functions(x):
    def h(t):
        return math.exp(1.0) * t
    g = lambda t: t ** 2  # noqa: E731
    return g(x) + h(x)


def unpacked_and_augmented(x):
    a, b = np.split(x, [1])
    a += 1.0
    return a.sum() + b.sum()


def layers(x):
    for w, b in LAYERS:
        x = np.tanh(x @ w + b)
    return x.sum()


def method_of_a_list(x):
    xs = [x, x]
    xs.append(x)
    return sum(xs)


def method_of_a_helper_value(x):
    return helper(x).mean()


def local_generator(x):
    r = np.random.default_rng(1)
    return x * r.normal()


def mapped(x, sampler):
    return np.array(list(map(sampler, x)))


def rebound(x, sampler):
    g = lambda t: t  # noqa: E731
    g = sampler
    return g(x)


def defaulted(x, noise=rng.normal):
    return x * noise()


def noisy_value(t):
    return t * rng.normal()


class Model:
    def __init__(self):
        self.rng = np.random.default_rng(2)


MODEL = Model()


def object_attribute(x):
    return x * MODEL.rng.normal()


CASES = [  # (function, its arguments after x, draws nothing)
    (helper, (), True),
    (methods_of_arrays, (), True),
    (nested_functions, (), True),
    (unpacked_and_augmented, (), True),
    (layers, (), True),
    (recursive, (2,), True),
    (global_generator, (), False),
    (numpy_global_state, (), False),
    (random_module, (), False),
    (through_helper, (), False),
    (generator_argument, (rng,), False),
    (passed_to_numpy, (), False),
    (noisy, (), False),
    (local_generator, (), False),
    (object_attribute, (), False),
    (mapped, (noisy_value,), False),  # a function passed in, which map calls
    (rebound, (noisy_value,), False),
    (rebound, (np.sin,), False),  # (a local name called: the reader does not follow it)
    (defaulted, (), False),
    # cannot tell (a method of a value the reader does not know): the heap is walked
    (method_of_a_list, (), False),
    (method_of_a_helper_value, (), False),
]


@pytest.mark.parametrize("func, rest, expected", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_what_draws_nothing_is_told_from_the_source(func, rest, expected):
    assert draws_nothing(func, (np.ones(3), *rest)) is expected


def test_without_source_the_function_may_draw():
    assert draws_nothing(np.sin, (1.0,)) is False
    assert draws_nothing(lambda x: np.sin(x), (1.0,)) is True


def _states() -> list:
    return [(g, _state(g)) for g in _generators()]


def _calls(func):
    """``func`` called with floats, then with small arrays, for each way that works."""
    for arg in (0.5, np.linspace(0.1, 0.9, 3), np.linspace(0.1, 0.9, 4).reshape(2, 2)):
        count = func.__code__.co_argcount
        yield (arg,) * count


def test_functions_judged_to_draw_nothing_leave_the_generators_alone():
    """Over the test-function modules and the cases above (called with floats or small
    arrays where they take them): a function judged to draw nothing moves no generator when
    it runs.  The sweep must judge some functions either way, and the drawing ones must
    include functions that really draw."""
    before = _states()
    judged = {True: 0, False: 0}
    drawing = 0
    for func in [*functions_of_test_modules(), *(case[0] for case in CASES)]:
        for args in _calls(func):
            quiet = draws_nothing(func, args)
            states = [(g, _state(g)) for g, _ in before]
            try:
                with np.errstate(all="ignore"):
                    func(*args)
            except Exception:  # noqa: BLE001 (arguments it does not take)
                continue
            moved = [g for (g, s), (_, t) in zip(states, [(g, _state(g)) for g, _ in before])
                     if not _same(s, t)]
            assert not (quiet and moved), f"{func.__module__}.{func.__name__} drew"
            judged[quiet] += 1
            drawing += bool(moved)
            break
    for g, state in before:  # (the draws of the sweep undone)
        tangentlike.draws._set_state(g, state)
    assert judged[True] >= 100 and judged[False] >= 20 and drawing >= 3, (judged, drawing)


def test_jacobian_of_a_function_that_draws_nothing_does_not_walk_the_heap(monkeypatch):
    walked = []
    monkeypatch.setattr(tangentlike.draws, "_generators", lambda: walked.append(1) or [])
    x = np.array([0.5, -0.2, 0.1])
    assert np.allclose(tangentlike.jacobian(helper)(x), np.diag(2 / np.cosh(x) ** 2))
    tangentlike.hessian(lambda x: np.sum(helper(x)))(x)
    tangentlike.linearize(helper, x)
    assert walked == []
    tangentlike.jacobian(global_generator)(x)
    assert walked == [1]
