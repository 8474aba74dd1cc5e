"""A loop's input products ``xs[t] @ W`` computed a chunk of steps at a time
(tangentlike/versions/inputs.py).

Each case compares the version's gradient with the generic derivative's (relative 1e-9:
a chunk's product may round differently) and with central finite differences (float64,
relative 1e-6), and says whether the rewrite was made.
"""
from __future__ import annotations

import input_functions as inf
import numpy as np
import pytest
from support import checked_version_source

import tangentlike
from tangentlike.versions.dispatch import ENV

HOISTED = "The input products of the next"


@pytest.fixture(autouse=True)
def first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "first")


def _args(steps: int, seed: int = 0, dtype: type = np.float64,
          batch: tuple[int, ...] = (2,)) -> tuple[np.ndarray, ...]:
    r = np.random.default_rng(seed)
    return tuple(a.astype(dtype) for a in (
        0.5 * r.normal(size=(3, 4)), 0.4 * r.normal(size=(4, 4)), 0.1 * r.normal(size=4),
        r.normal(size=(steps, *batch, 3))))


def _check(f: object, args: tuple, wrt: tuple[int, ...], hoisted: bool,
           rtol: float = 1e-9, fd: bool = True) -> str:
    """The version's gradient equals the generic derivative's and finite differences; its
    source (with the input products in chunks or not, as said)."""
    source = checked_version_source(f, args, wrt, rtol, fd)
    assert (HOISTED in source) == hoisted, source
    return source


@pytest.mark.parametrize("f", [inf.rnn, inf.rnn_dot, inf.rnn_method, inf.rnn_einsum,
                               inf.rnn_tensordot, inf.rnn_bias_first],
                         ids=["matmul", "dot", "method", "einsum", "tensordot", "bias-first"])
def test_rnn_input_products_in_chunks(f: object) -> None:
    source = _check(f, _args(6), (0, 1, 2), hoisted=True)
    assert "xs[t:t + 64].reshape(-1, 3) @ Wx" in source, source  # 64 steps of 2 rows
    assert "Wx).reshape(-1, 2, 4) + b" in source, source  # the bias added once a chunk


@pytest.mark.parametrize("steps", [0, 1, 63, 64, 65, 130])
def test_any_number_of_steps(steps: int) -> None:
    # No step ran in the instrumented run: nothing recorded, no rewrite.
    _check(inf.rnn, _args(steps, seed=steps), (0, 1, 2, 3), hoisted=steps > 0,
           fd=steps < 70)


def test_fewer_steps_than_rows() -> None:
    args = _args(9)
    for n in (0, 3, 9):
        _check(inf.rnn_steps, (*args, n), (0, 1, 2), hoisted=n > 0)


def test_more_steps_than_rows_raises_as_the_function_does() -> None:
    args = (*_args(3), 5)
    df = tangentlike.grad(inf.rnn_steps, wrt=(0, 1, 2))
    for _ in range(3):
        with pytest.raises(IndexError):
            df(*args)


def test_vector_rows_and_a_per_batch_bias() -> None:
    r = np.random.default_rng(3)
    Wx, Wh = 0.5 * r.normal(size=(3, 4)), 0.4 * r.normal(size=(4, 4))
    source = _check(inf.rnn_vector, (Wx, Wh, 0.1 * r.normal(size=4), r.normal(size=(7, 3))),
                    (0, 1, 2, 3), hoisted=True)
    assert "xs[t:t + 128] @ Wx + b" in source, source
    B = 0.1 * r.normal(size=(2, 4))
    _check(inf.rnn_batch_bias, (Wx, Wh, B, r.normal(size=(7, 2, 3))), (0, 1, 2, 3),
           hoisted=True)


def test_float32_keeps_its_dtype() -> None:
    args = _args(5, dtype=np.float32)
    _check(inf.rnn, args, (0, 1, 2), hoisted=True, rtol=1e-5, fd=False)


def test_large_batches_stay_per_step() -> None:
    _check(inf.rnn, _args(3, batch=(65,)), (0, 1), hoisted=False)


@pytest.mark.parametrize("f", [inf.rnn_from_one, inf.rnn_every_other, inf.weight_rebound,
                               inf.weight_alias_written, inf.row_changed,
                               inf.row_of_the_step_before, inf.product_written,
                               inf.counter_rebound])
def test_loops_it_leaves_alone(f: object) -> None:
    _check(f, _args(5), (0, 1, 2), hoisted=False)


def test_a_bias_rebound_is_not_added_in_the_chunk() -> None:
    source = _check(inf.bias_rebound, _args(5), (0, 1, 2), hoisted=True)
    assert "+ b\n" not in source.split(HOISTED)[1].split("stack.append")[0], source


def test_a_product_of_the_state_stays_per_step() -> None:
    r = np.random.default_rng(4)
    W, xs = 0.3 * r.normal(size=(3, 3)), 0.5 * r.normal(size=(4, 3, 3))
    source = _check(inf.state_product, (W, xs), (0, 1), hoisted=True)
    assert "@ h" in source.split(HOISTED)[1], source  # xs[t] @ h: the state's product


def test_a_product_rebound_after_it_is_read() -> None:
    _check(inf.product_scaled, _args(5), (0, 1, 2), hoisted=True)


def test_inputs_given_as_a_list_are_right() -> None:
    Wx, Wh, b, xs = _args(4)
    _check(inf.rnn_list, (Wx, Wh, b, list(xs)), (0, 1, 2), hoisted=False)


def test_value_and_grad_keeps_the_value_exact() -> None:
    args = _args(6)
    vg = tangentlike.value_and_grad(inf.rnn, wrt=(0, 1))
    for _ in range(3):
        value, _ = vg(*args)
        assert value == inf.rnn(*args)


def test_forward_mode_and_hvp_of_the_rnn() -> None:
    Wx, Wh, b, xs = _args(4)
    v = np.random.default_rng(7).normal(size=Wh.shape)
    hvp = tangentlike.hvp(lambda W: inf.rnn(Wx, W, b, xs))

    def g(W: np.ndarray) -> np.ndarray:
        return tangentlike.grad(inf.rnn, wrt=(1,))(Wx, W, b, xs)

    eps = 1e-6
    expected = (g(Wh + eps * v) - g(Wh - eps * v)) / (2 * eps)
    for _ in range(3):
        np.testing.assert_allclose(hvp(Wh, v), expected, rtol=1e-5, atol=1e-7)
    jvp = tangentlike.jvp(lambda W: inf.rnn(Wx, W, b, xs))
    for _ in range(3):
        _, tangent = jvp((Wh,), (v,))
        np.testing.assert_allclose(tangent, np.sum(g(Wh) * v), rtol=1e-6)
