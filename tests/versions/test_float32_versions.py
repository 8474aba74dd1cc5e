"""float32 in, float32 out, in versions by shape too (issue 18, item 1): the version written
for float32 arguments computes in float32 as the general derivative does (the seed cast to
the output's precision once, ``np.float32(init_grad)``; zeros ``np.zeros(shape,
np.float32)``), and the rewrites float64 versions get (the softmax's cancelling terms
dropped, reductions' adjoints broadcast by the operation that reads them, adjoints summed
in place) are made for float32 too, never with a float64 constant that would promote the
backward pass.

Each derivative is run three times (the third call runs the version): every gradient is
float32 (float64 where the general derivative gives float64: mixed precision), equal to
the general derivative's to float32 rounding, and close to central finite differences of
the function in float64.
"""
from __future__ import annotations

import numpy as np
import pytest
from support import make_function, numerical_grad

import tangentlike

RNG = np.random.default_rng(18)

SOFTMAX_LOSS = """
    def softmax_loss(W, b, X, Y):
        logits = X @ W + b
        m = np.max(logits, axis=1, keepdims=True)
        shifted = logits - m
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        return -np.mean(np.sum(Y * log_probs, axis=1))
    """
RNN = """
    def rnn(Wh, b, xs):
        h = np.zeros((xs.shape[1], Wh.shape[0]), dtype=xs.dtype)
        for t in range(xs.shape[0]):
            h = np.tanh(xs[t] + h @ Wh + b)
        return 0.5 * np.sum(h ** 2)
    """
MEAN_OVER_AXIS = """
    def mean_over_axis(x, w):
        return np.sum(np.mean(x * w, axis=0) ** 2) + np.sum(np.max(x, axis=1))
    """
SUM_ONLY = """
    def sum_only(x, w):
        return np.sum(x) + 2.0 * np.sum(w, axis=0).sum()
    """
SCALAR_PATH = """
    def scalar_path(x, s):
        return s * np.sum(np.sin(x)) + s
    """


def _f32(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def _one_hot(n: int, k: int) -> np.ndarray:
    return np.eye(k, dtype=np.float32)[RNG.integers(0, k, n)]


CASES = {
    "softmax": (SOFTMAX_LOSS, lambda: (_f32(4, 3), _f32(3), _f32(5, 4), _one_hot(5, 3)),
                (0, 1)),
    "rnn": (RNN, lambda: (0.5 * _f32(3, 3), _f32(3), _f32(4, 2, 3)), (0, 1)),
    "mean_over_axis": (MEAN_OVER_AXIS, lambda: (_f32(3, 4), _f32(4)), (0, 1)),
    "sum_only": (SUM_ONLY, lambda: (_f32(2, 3), _f32(3, 2)), (0, 1)),
    "scalar_path": (SCALAR_PATH, lambda: (_f32(3), np.float32(0.7)), (0, 1)),
    "mixed": (MEAN_OVER_AXIS, lambda: (_f32(3, 4), RNG.standard_normal(4)), (0, 1)),
}


def _leaves(value: object) -> list:
    return list(value) if isinstance(value, tuple) else [value]


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("init_grad", [None, 2.0])
def test_version_computes_in_the_inputs_precision(name: str, init_grad: float | None) -> None:
    source, make, wrt = CASES[name]
    f = make_function(source)
    args = make()
    df = tangentlike.grad(f, wrt=wrt)
    extra = () if init_grad is None else (init_grad,)
    general = _leaves(df(*args, *extra))
    df(*args, *extra)
    version = df.version_for(*args, *extra)
    assert version.kind == "shapes", version.reason
    assert "seed(" not in version.source and "zeros_like(" not in version.source
    shaped = _leaves(df(*args, *extra))
    expected = numerical_grad(f, args, wrt)
    scale = 1.0 if init_grad is None else init_grad
    for i, g, s, e in zip(wrt, general, shaped, expected):
        assert np.result_type(s) == np.result_type(g), (i, version.source)
        if name != "mixed":
            assert np.result_type(s) == np.float32, (i, version.source)
        np.testing.assert_allclose(s, g, rtol=2e-5, atol=2e-6 * scale)
        np.testing.assert_allclose(s, scale * e, rtol=2e-3, atol=2e-3 * scale)


def test_float32_softmax_version_drops_the_maximum_like_float64() -> None:
    """The float32 version is the float64 one, statement for statement: the derivative of the
    subtracted maximum cancels in both (no ``unreduce_extremum``), no helper call stays."""
    f = make_function(SOFTMAX_LOSS)
    sources = []
    for dtype in (np.float64, np.float32):
        args = [a.astype(dtype) for a in CASES["softmax"][1]()]
        df = tangentlike.grad(f, wrt=(0, 1))
        df(*args)
        sources.append(df.source_for(*args))
    for source in sources:
        assert "unreduce" not in source and "seed(" not in source, source
    f64, f32 = (s.split('"""')[2] for s in sources)
    assert f32.replace("np.float32(init_grad)", "init_grad") == f64


def test_float32_loop_accumulates_in_place() -> None:
    """The weight adjoints of a float32 loop start as float32 zeros and are summed in place,
    as float64 ones are."""
    f = make_function(RNN)
    args = CASES["rnn"][1]()
    df = tangentlike.grad(f, wrt=(0, 1))
    df(*args)
    source = df.source_for(*args)
    assert "np.zeros((3, 3), np.float32)" in source and "bWh +=" in source, source


def test_jvp_float32_version() -> None:
    """Forward mode: the version's tangent of a float32 function is float32."""
    f = make_function(MEAN_OVER_AXIS)
    x, w = _f32(3, 4), _f32(4)
    dx = _f32(3, 4)
    df = tangentlike.autodiff(f, mode="forward", wrt=(0,))
    results = [df(x, w, dx) for _ in range(3)]
    expected = numerical_grad(f, (x, w), (0,))[0]
    for result in results:
        assert np.result_type(result) == np.float32
        np.testing.assert_allclose(result, np.sum(expected * dx), rtol=2e-3)
