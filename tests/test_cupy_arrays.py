"""Derivatives on CuPy arrays, on a GPU (issue 20, item 3): the least-squares loss and the
tanh MLP of tests/test_dask_cluster.py, called with CuPy arrays, give CuPy arrays equal to
tangentlike's gradient on the same data as NumPy arrays and to the hand-written NumPy
gradient.  Skipped, with the reason (``-ra`` prints it), where CuPy or a CUDA device is
absent."""
from __future__ import annotations

import numpy as np
import pytest

cp = pytest.importorskip("cupy", reason="CuPy is not installed (pip install 'tangentlike[cuda]')")


def _no_device() -> str | None:
    """Why no CUDA device can run CuPy's kernels here, or None where one can."""
    try:
        count = cp.cuda.runtime.getDeviceCount()
    except cp.cuda.runtime.CUDARuntimeError as error:  # no driver, or no device
        return f"CuPy finds no CUDA device: {error}"
    return None if count > 0 else "CuPy finds no CUDA device"


NO_DEVICE = _no_device()
if NO_DEVICE is not None:
    pytest.skip(NO_DEVICE, allow_module_level=True)

from array_library_functions import (  # noqa: E402
    lsq,
    lsq_by_hand,
    mlp,
    mlp_by_hand,
    mlp_params,
)

import tangentlike  # noqa: E402

ROWS, FEATURES, HIDDEN = 100_000, 4, 8
# float64 on the device sums in another order than NumPy: agreement to about 1e-13; float32
# to about 1e-6 of the largest component.
RTOL = {np.float64: 1e-10, np.float32: 1e-4}
DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])


def numpy_data(dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """X and y = sin(X w_true) + noise, as NumPy arrays of ``dtype``."""
    rng = np.random.default_rng(20)
    X = rng.standard_normal((ROWS, FEATURES))
    y = np.sin(X @ np.linspace(-1.0, 2.0, FEATURES)) + 0.1 * rng.standard_normal(ROWS)
    return X.astype(dtype), y.astype(dtype)


def assert_on_device_and_close(got: object, by_hand: np.ndarray, by_numpy: np.ndarray,
                               dtype: type) -> None:
    """``got`` is a CuPy array of ``dtype`` whose values equal both NumPy references."""
    assert isinstance(got, cp.ndarray), type(got)
    assert got.dtype == dtype and got.shape == by_hand.shape
    host = cp.asnumpy(got)
    rtol = RTOL[dtype]
    for want in (by_hand, by_numpy):
        np.testing.assert_allclose(host, want, rtol=rtol, atol=rtol * np.abs(want).max())


@DTYPES
def test_least_squares_gradient(dtype: type) -> None:
    X, y = numpy_data(dtype)
    w = np.array([0.5, -0.25, 1.0, 2.0], dtype=dtype)
    got = tangentlike.grad(lsq)(cp.asarray(w), cp.asarray(X), cp.asarray(y))
    assert_on_device_and_close(got, lsq_by_hand(w, X, y), tangentlike.grad(lsq)(w, X, y),
                               dtype)


@DTYPES
def test_mlp_gradient(dtype: type) -> None:
    X, y = numpy_data(dtype)
    params = tuple(p.astype(dtype) for p in mlp_params(FEATURES, HIDDEN, seed=5))
    got = tangentlike.grad(mlp)(tuple(cp.asarray(p) for p in params), cp.asarray(X),
                                cp.asarray(y))
    assert isinstance(got, tuple) and len(got) == 3
    for got_part, by_hand, by_numpy in zip(
            got, mlp_by_hand(params, X, y), tangentlike.grad(mlp)(params, X, y)):
        assert_on_device_and_close(got_part, by_hand, by_numpy, dtype)


def test_repeated_calls_stay_on_the_device() -> None:
    """The later calls (which may run a version written for the arguments' shapes) still
    take and give CuPy arrays, and the values stay right."""
    X, y = numpy_data(np.float64)
    w = np.array([0.5, -0.25, 1.0, 2.0])
    dlsq = tangentlike.grad(lsq)
    X_gpu, y_gpu = cp.asarray(X), cp.asarray(y)
    for _ in range(3):
        got = dlsq(cp.asarray(w), X_gpu, y_gpu)
        assert_on_device_and_close(got, lsq_by_hand(w, X, y), dlsq(w, X, y), np.float64)
