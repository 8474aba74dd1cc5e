"""The save plan of reverse mode (``tangentlike.pipeline.save_plan``): what the forward sweep
saves for the backward sweep, where, how and why, and how each loop runs again; the sweeps
are generated from it."""
from __future__ import annotations

import numpy as np

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
