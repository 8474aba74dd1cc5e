"""Recomputing cheap saved values in the backward loop instead of saving them (the save
plan's ``How.RECOMPUTE``, tangentlike/ad/reverse/recompute.py): where it applies, the derivative
still matches central finite differences (float64, step 1e-6, relative 1e-6) and the generated
code recomputes instead of saving; where it would read other values, the value is saved.
tests/ad/test_save_plan.py checks the plan itself."""
from __future__ import annotations

import pytest
import recompute_functions as rf
from support import numerical_grad

import tangentlike


@pytest.mark.parametrize("func, args, recomputed", [
    (rf.after, (0.7,), "s = math.sin(x)"),
    (rf.before, (0.3, 0.4), "c = math.cos(y)"),
])
def test_recomputed_not_saved(func, args, recomputed) -> None:
    df = tangentlike.grad(func, wrt=tuple(range(len(args))))
    backward = df.source_for(*args).split("reversed(")[1]
    assert recomputed in backward, df.source
    name = recomputed.split(" =")[0]
    assert f"stack.append({name})" not in df.source and f"{name} = stack.pop()" not in \
        df.source, df.source
    got = df(*args)
    got = got if isinstance(got, tuple) else (got,)
    for g, e in zip(got, numerical_grad(func, args, range(len(args)))):
        assert g == pytest.approx(e, rel=1e-6, abs=1e-9), df.source


@pytest.mark.parametrize("func, saved", [
    (rf.carried, "c"),      # the loop reads the previous iteration's value
    (rf.not_math, "s"),     # not a math function: could be an array
    (rf.two_writes, "s"),   # assigned twice in the loop
])
def test_kept_where_recomputing_would_read_other_values(func, saved) -> None:
    df = tangentlike.grad(func)
    assert f"{saved} = stack.pop()" in df.source_for(0.6), df.source_for(0.6)
    assert df(0.6) == pytest.approx(numerical_grad(func, (0.6,))[0], rel=1e-6, abs=1e-9)
