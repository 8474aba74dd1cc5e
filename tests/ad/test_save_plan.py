"""The save plan of reverse mode (``tangentlike.pipeline.save_plan``): what the forward sweep
saves for the backward sweep, where, how and why, and how each loop runs again; the sweeps
are generated from it."""
from __future__ import annotations

import math

import numpy as np
import pytest
from support import numerical_grad

import tangentlike
from tangentlike.ad.reverse import How, SavePlan, When
from tangentlike.pipeline import save_plan


def power(a, n):
    for i in range(n):
        a = a * a
    return a


def branch(x, y):
    if x > 0:
        y = y * x
    else:
        y = np.sin(y)
    return y


def set_items(x0, v):
    x = x0.copy()
    for i in range(3):
        x[i] = v * x[i]
    return np.sum(x)


def growing(x):
    xs = []
    for i in range(3):
        xs.append(x * i)
    total = 0.0
    for v in xs:
        total = total + v * v
    return total


def hooked(x):
    total = 0.0
    for i in range(2):
        y = x + 1.0
        with tangentlike.insert_grad_of(y) as dy:
            dy = dy * y
        total = total + y
    return total


def counted(x, n):
    for i in range(n):
        j = 0
        while j < 2:
            x = np.sin(x)
            j = j + 1
    return x


def straight(x):
    y = np.sin(x)
    return y * x


def sine_step(x):
    for _ in range(4):
        s = math.sin(x)
        x = s * x + 0.5 * x
    return x


def cosine_of_earlier(x, y):
    for i in range(3):
        y = y * 0.9 + x
        c = math.cos(y)
        x = x * c + math.sin(i)
    return x + y


def argument_changes_before_the_read(x, y):
    for _ in range(3):
        s = math.sin(x)
        x = x * 0.9
        y = y + s * x
    return x + y


def read_by_the_next_iteration(x):
    c = 0.5
    for _ in range(3):
        x = x + c * x
        c = math.cos(x)
    return x * c


def not_cheap(x):
    for _ in range(3):
        s = np.sin(x)
        x = s * x + 0.5 * x
    return x


def _line(f, offset: int) -> int:
    return f.__code__.co_firstlineno + offset


def test_power_loop_saves_the_old_value_and_replays_by_range():
    plan = save_plan(power)
    assert isinstance(plan, SavePlan)
    (save,) = plan.saves
    assert (save.name, save.when, save.how) == ("a_1", When.BEFORE, How.VALUE)
    assert save.reason.reader == save.stmt  # its own adjoint reads the old a
    (loop,) = plan.loops
    assert (loop.replay, loop.flows, loop.trips_saved) == ("range", False, False)
    assert plan.uses_stack and plan.names == {"a_1"} and not plan.shape_only
    line = _line(power, 2)
    assert str(plan).splitlines() == [
        f"line {line}  a_1 = a_1 * a_1: push a_1 before the statement (value): "
        f"the adjoint of line {line} reads it",
        f"line {_line(power, 1)}  for i in range(n): replayed by range; per iteration: i",
    ]
    # the forward sweep pushes what the plan says, once
    assert tangentlike.autodiff(power, optimized=False).source.count(".append(a_1)") == 1


def test_branch_saves_in_both_branches():
    plan = save_plan(branch)
    assert [(s.name, s.when) for s in plan.saves] == [("y_1", When.BEFORE)] * 2
    assert [s.line for s in plan.saves] == [_line(branch, 2), _line(branch, 4)]
    assert plan.loops == () and not plan.slices


def test_set_item_in_a_loop_saves_the_slice():
    plan = save_plan(set_items)
    (slice_save,) = plan.slices
    assert slice_save.base == "x" and slice_save.line == _line(set_items, 3)
    assert plan.saves_slice(slice_save.stmt)
    assert "push the slice of x" in str(plan)
    (loop,) = plan.loops
    assert loop.replay == "range"
    source = tangentlike.autodiff(set_items, optimized=False).source
    assert "copy_of(x[i])" in source and "x[i] = stack.pop()" in source


def test_growing_list_needs_no_save_and_a_loop_over_it_counts_its_trips():
    plan = save_plan(growing)
    appends, over_list = plan.loops
    assert appends.replay == "range" and not plan.at(appends.loop)
    assert (over_list.replay, over_list.flows) == ("trips", True)
    (v,) = plan.at(over_list.loop)
    assert (v.name, v.when) == ("v", When.EACH_ITERATION)
    assert {s.name: s.how for s in plan.saves if s.name != "v"} == {
        "t2": How.SHAPE, "total": How.SHAPE}


def test_hook_reads_a_value_saved_by_value():
    plan = save_plan(hooked)
    how = {s.name: s.how for s in plan.saves}
    assert how == {"y": How.VALUE, "total": How.SHAPE}  # the hook reads y's value
    assert plan.loops[0].iteration_local == ("i", "y")


def test_nested_counted_loop_pushes_its_trip_count():
    plan = save_plan(counted)
    outer, inner = plan.loops
    assert (outer.replay, inner.replay, inner.trips_saved) == ("range", "trips", True)
    assert "its trip count pushed" in str(plan)


def test_straight_line_code_saves_nothing():
    plan = save_plan(straight)
    assert not plan.uses_stack and str(plan) == "(nothing saved, no loop)"


def _check_gradients(f, args) -> None:
    wrt = tuple(range(len(args)))
    expected = numerical_grad(f, args, wrt)
    for options in ({}, {"optimized": False}, {"motion": "split"},
                    {"motion": "split", "optimized": False}):
        got = tangentlike.grad(f, wrt=wrt, **options)(*args)
        got = got if isinstance(got, tuple) else (got,)
        assert got == pytest.approx(tuple(expected), rel=1e-6, abs=1e-9), options


def test_cheap_math_value_in_a_loop_is_recomputed_not_saved():
    plan = save_plan(sine_step)
    recompute, *_ = plan.saves
    assert (recompute.name, recompute.how) == ("s", How.RECOMPUTE)
    assert "s" not in plan.names and plan.recomputed == {"s"}
    assert plan.recomputed_at(recompute.at) == (recompute,)  # the step of the next line
    assert str(plan).splitlines()[0] == (
        f"line {_line(sine_step, 2)}  s = math.sin(x_1): recompute s in the backward sweep "
        f"(recompute): the adjoint of line {_line(sine_step, 3)} reads it")
    for optimized in (False, True):
        source = tangentlike.autodiff(sine_step, optimized=optimized).source
        backward = source.split("reversed(")[1]
        assert "s = math.sin(x" in backward, source
        assert ".append(s)" not in source and "s = stack.pop()" not in source, source
    _check_gradients(sine_step, (0.7,))


def test_recomputed_from_a_restored_argument_and_the_loop_index():
    plan = save_plan(cosine_of_earlier, wrt=(0, 1))
    assert {s.name: s.how for s in plan.saves}["c"] is How.RECOMPUTE
    assert "y_1" in plan.names and "y_1" not in plan.shape_only  # the recomputation reads it
    _check_gradients(cosine_of_earlier, (0.3, 0.4))


@pytest.mark.parametrize("f, args, name", [
    (argument_changes_before_the_read, (0.6, 0.2), "s"),  # x not yet restored at the read
    (read_by_the_next_iteration, (0.6,), "c"),  # the loop reads the previous iteration's c
    (not_cheap, (0.6,), "s"),                   # np.sin: may be an array, not cheap
])
def test_not_recomputed_where_it_would_read_other_values(f, args, name):
    plan = save_plan(f, wrt=tuple(range(len(args))))
    assert How.RECOMPUTE not in {s.how for s in plan.saves}, str(plan)
    assert {s.name: s.how for s in plan.saves}[name] is How.VALUE
    assert f"push {name} before the statement (value)" in str(plan)
    _check_gradients(f, args)


def layers_of_different_widths(x, params):
    for w, b in params:
        x = np.tanh(np.dot(x, w) + b)
    return np.sum(x)


def test_loop_values_changing_shape_unoptimized():
    """Each backward iteration zeroes its temporaries' adjoints with the shape they had in
    that iteration: saved (shape only) at the end of each forward iteration when nothing else
    restores them; the optimizer removes the saves when the zeros go."""
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(3, 4)), rng.normal(size=4)),
              (rng.normal(size=(4, 2)), rng.normal(size=2))]
    x = rng.normal(size=3)
    h = 1e-6
    expected = [(layers_of_different_widths(x + h * e, params)
                 - layers_of_different_widths(x - h * e, params)) / (2 * h) for e in np.eye(3)]
    for optimized in (False, True):
        df = tangentlike.grad(layers_of_different_widths, optimized=optimized)
        np.testing.assert_allclose(df(x, params), expected, rtol=1e-6)
        assert ("stack.append(shape_only(t3))" in df.source) is not optimized
