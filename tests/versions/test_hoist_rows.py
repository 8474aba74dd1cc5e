"""Factors of hoisted sums read from an array instead of copied each step
(tangentlike/versions/hoist.py): a row ``xs[t]`` of a parameter is read from the parameter,
and the state before a step of a recurrence (``h = np.tanh(...)``) is computed into one array
of the states (``out=``), whose slices the chunk's product reads.

Each case compares the version's gradient with the generic derivative's (relative 1e-9: the
chunk's product adds in another order) and with central finite differences (float64,
relative 1e-6), and says which factors are read from an array.
"""
from __future__ import annotations

import re

import hoist_functions as hf
import hoist_rows_functions as hrf
import input_functions as inf
import numpy as np
import pytest
from support import checked_version_source, numerical_grad

import tangentlike
from tangentlike.versions.dispatch import ENV

ROW = "is row t of xs, read from it"
STATES = "h_states"


@pytest.fixture(autouse=True)
def first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "first")
    tangentlike.clear_cache()  # a derivative has versions for 8 signatures at most


def _args(steps: int, seed: int = 0, dtype: type = np.float64,
          batch: int = 2) -> tuple[np.ndarray, ...]:
    r = np.random.default_rng(seed)
    return tuple(a.astype(dtype) for a in (
        0.5 * r.normal(size=(3, 4)), 0.4 * r.normal(size=(4, 4)), 0.1 * r.normal(size=4),
        r.normal(size=(steps, batch, 3))))


def _check(f: object, args: tuple, wrt: tuple[int, ...], row: bool, states: bool,
           rtol: float = 1e-9, fd: bool = True) -> str:
    """The version's gradient equals the generic derivative's and finite differences; its
    source reads the rows of ``xs`` and the states from arrays, or not, as said."""
    source = checked_version_source(f, args, wrt, rtol, fd)
    assert (ROW in source) == row, source
    assert (STATES in source) == states, source
    return source


@pytest.mark.parametrize("f", [hf.rnn, hf.rnn_dot, inf.rnn_method, hf.rnn_einsum,
                               inf.rnn_tensordot, inf.rnn_bias_first, hrf.rnn_row_named],
                         ids=["matmul", "dot", "method", "einsum", "tensordot", "bias-first",
                              "row-named"])
def test_rows_and_states_read_from_arrays(f: object) -> None:
    source = _check(f, _args(70, batch=2), (0, 1, 2), row=True, states=True)
    assert "xs[t:t + 64].reshape(-1, 3).T @" in source, source  # 64 steps of 2 rows
    assert "h_states[t:t + 64].reshape(-1, 4).T @" in source, source
    assert "xs[:steps]" in source and "h_states[:steps]" in source, source
    assert "out=h_states[t + 1]" in source, source
    row = re.search(r"(\w+) is row t of xs", source).group(1)  # no longer saved and restored
    assert f"stack.append({row})" not in source and f"{row} = stack.pop()" not in source
    # nor bound: the forward loop's ``row = xs[t]`` and its ``row = None`` went as dead code
    assert f"{row} = xs[t]" not in source and f"{row} = None" not in source, source


def test_a_row_read_elsewhere_is_still_saved() -> None:
    source = _check(hrf.rnn_row_read_after, _args(13, batch=16), (0, 1, 2, 3), row=True,
                    states=True)
    assert "stack.append(x)" in source and "x = stack.pop()" in source, source


@pytest.mark.parametrize("steps", [0, 1, 7, 8, 9, 63, 64, 65, 130])
def test_any_number_of_steps(steps: int) -> None:
    _check(hf.rnn, _args(steps, seed=steps, batch=16), (0, 1, 2), row=steps > 0,
           states=steps > 0, fd=steps < 20)


@pytest.mark.parametrize("n", [0, 1, 5, 9])
def test_fewer_steps_than_rows(n: int) -> None:
    args = _args(9, seed=n, batch=16)
    _check(inf.rnn_steps, (*args, n), (0, 1, 2), row=n > 0, states=n > 0)


def test_float32() -> None:
    args = _args(20, dtype=np.float32, batch=16)
    source = _check(hrf.rnn_of_its_dtype, args, (0, 1, 2), row=True, states=True,
                    rtol=1e-4, fd=False)
    assert "dtype=np.float32" in source.split("h_states = ")[1].splitlines()[0], source


def test_the_start_state_is_a_parameter_and_is_differentiated() -> None:
    r = np.random.default_rng(3)
    args = (*_args(12, batch=16), r.normal(size=(16, 4)))
    h0 = args[-1].copy()
    _check(hrf.rnn_start_state, args, (0, 1, 2, 4), row=True, states=True)
    np.testing.assert_array_equal(args[-1], h0)  # the states array is a copy of it


def test_the_input_is_differentiated_too() -> None:
    _check(hf.rnn, _args(11, batch=16), (0, 1, 2, 3), row=True, states=True)


@pytest.mark.parametrize("f", [hrf.rnn_steps_state_twice, hrf.rnn_sigmoid],
                         ids=["state-bound-twice", "state-not-a-ufunc"])
def test_states_copied_when_not_one_ufunc(f: object) -> None:
    source = _check(f, _args(13, batch=16), (0, 1, 2), row=True, states=False)
    assert "h_steps[7 - steps] = h" in source or "_steps[7 - steps]" in source, source


def test_a_row_that_is_computed_is_copied() -> None:
    source = _check(hrf.rnn_scaled_input, _args(13, batch=16), (0, 1, 2), row=False,
                    states=True)
    assert "_steps[7 - steps] =" in source, source


def test_two_weights_in_a_step() -> None:
    r = np.random.default_rng(5)
    Wx, Wh, b, xs = _args(13, batch=16)
    _check(hrf.rnn_two_weights, (Wx, Wh, 0.5 * r.normal(size=(4, 4)), b, xs), (0, 1, 2, 3),
           row=True, states=False)


@pytest.mark.parametrize("f", [inf.rnn_from_one, inf.rnn_every_other, hf.rnn_over_rows,
                               hf.rnn_break],
                         ids=["from-one", "every-other", "over-rows", "break"])
def test_left_alone(f: object) -> None:
    _check(f, _args(13, batch=16), (0, 1, 2), row=False, states=False)


def test_the_row_of_the_step_before_is_copied() -> None:
    # u is xs[t - 1] where the step reads it: only the state is read from an array
    _check(inf.row_of_the_step_before, _args(13, batch=16), (0, 1, 2), row=False,
           states=True)


def test_value_and_grad_value_exact() -> None:
    args = _args(21, batch=16)
    value, grads = tangentlike.value_and_grad(hf.rnn, wrt=(0, 1, 2))(*args)
    value, grads = tangentlike.value_and_grad(hf.rnn, wrt=(0, 1, 2))(*args)
    assert value == hf.rnn(*args)
    expected = numerical_grad(hf.rnn, list(args), (0, 1, 2))
    for g, e in zip(grads, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)
