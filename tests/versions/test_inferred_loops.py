"""Versions by shape written without the instrumented run through loops (versions/infer.py).

A derivative with loops over ``range(...)`` (its backward loop over ``reversed(range(...))``),
a stack of saved values and ``xs[t]`` has its table worked out step by step; a step that
starts where the one before it started is not evaluated again.  Checked against the
instrumented run: the table place for place, the version written from it source for source
(and its numbers those of the generic derivative, which central differences check), for
loops of one, two and many steps, forward and reverse mode; and the cases it declines (the
counter read as a number, no step at all, a value whose shape grows at every step is
followed, not declined, and must still equal the run).
"""
from __future__ import annotations

import numpy as np
import pytest
from inference_checks import (
    check_against_central_differences,
    check_inferred_table,
    check_version_without_the_run,
    recorded,
)

import tangentlike
from tangentlike.versions import infer


def rnn(Wx, Wh, b, xs, target):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
    return 0.5 * np.sum((h - target) ** 2)


def repeated(x, W):
    for _ in range(3):
        x = np.tanh(x @ W)
    return np.sum(x)


def two_loops(x, a):
    y = x * a
    for _ in range(4):
        y = np.sin(y) * a
    s = np.sum(y)
    for _ in range(2):
        s = s * s + np.sum(x)
    return s


def vector_rows(xs, w):
    total = 0.0
    for t in range(xs.shape[0]):
        total = total + np.sum(xs[t] * w)
    return total


def counter_as_number(x):
    y = x
    for t in range(3):
        y = y * (t + 1.0)
    return np.sum(y)


def grows(x):
    y = x
    for _ in range(3):
        y = np.concatenate([y, x])
    return np.sum(y ** 2)


def _cases() -> list[tuple]:
    rng = np.random.default_rng(11)
    T, B, D, H = 5, 4, 3, 6
    rnn_args = (rng.normal(size=(D, H)) * 0.4, rng.normal(size=(H, H)) * 0.3,
                rng.normal(size=H), rng.normal(size=(T, B, D)), rng.normal(size=(B, H)))
    return [
        ("rnn", rnn, rnn_args, (0, 1, 2)),
        ("rnn one step", rnn, rnn_args[:3] + (rnn_args[3][:1], rnn_args[4]), (0, 1, 2)),
        ("rnn two steps", rnn, rnn_args[:3] + (rnn_args[3][:2], rnn_args[4]), (0, 1, 2)),
        ("rnn float32", rnn, tuple(a.astype(np.float32) for a in rnn_args), (0, 1)),
        ("repeated", repeated, (rng.normal(size=(2, 3)), rng.normal(size=(3, 3))), (0, 1)),
        ("two loops", two_loops, (rng.normal(size=3) * 0.3, 0.7), (0, 1)),
        ("vector rows", vector_rows, (rng.normal(size=(4, 3)), rng.normal(size=3)), (0, 1)),
    ]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c[0])
def test_inferred_table_is_the_recorded_one(case: tuple) -> None:
    check_inferred_table(case)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c[0])
def test_version_without_the_run_is_the_version_after_it(case: tuple, monkeypatch) -> None:
    check_version_without_the_run(case, monkeypatch)


@pytest.mark.parametrize("case", [c for c in _cases() if "float32" not in c[0]],
                         ids=lambda c: c[0])
def test_version_against_central_differences(case: tuple) -> None:
    check_against_central_differences(case)


def test_declined_or_equal_to_the_run() -> None:
    """The counter read as a number, and no step at all, are declined; a value that grows
    at every step, where the inference follows it, gives the recorded table."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=3)
    versions = tangentlike.grad(counter_as_number).specializer
    assert infer.infer_seen(versions.tree, versions.scope, (x,), {}) is None
    rnn_versions = tangentlike.grad(rnn, wrt=(0, 1, 2)).specializer
    _, _, args, _ = _cases()[0]
    empty = args[:3] + (args[3][:0], args[4])
    assert infer.infer_seen(rnn_versions.tree, rnn_versions.scope, empty, {}) is None
    versions = tangentlike.grad(grows).specializer
    inferred = infer.infer_seen(versions.tree, versions.scope, (x,), {})
    assert inferred is None or inferred == recorded(versions, (x,))


def test_a_name_bound_before_it_is_read_decides_no_step(monkeypatch) -> None:
    """The RNN's backward step binds its adjoint temporaries (``bt12 = ...``) before reading
    them: that they are unbound before the first step and bound before the second does not
    make the second a new step.  Of five steps each way two are evaluated: forward the
    first (its saves are Nones) and the second, backward the first and the last (it pops
    the first step's Nones); the table is still the recorded one."""
    _, f, args, wrt = _cases()[0]
    versions = tangentlike.grad(f, wrt=wrt).specializer
    evaluated = []
    step = infer._Run._loop

    def counted(self, loop):
        statement = self._statement
        self._statement = lambda s: (evaluated.append(s), statement(s))[1]
        try:
            step(self, loop)
        finally:
            del self._statement

    monkeypatch.setattr(infer._Run, "_loop", counted)
    inferred = infer.infer_seen(versions.tree, versions.scope, args, {})
    assert inferred == recorded(versions, args)
    loops = [s for s in versions.tree.body if s.__class__.__name__ == "For"]
    assert len(loops) == 2
    assert len(evaluated) == 2 * len(loops[0].body) + 2 * len(loops[1].body)
