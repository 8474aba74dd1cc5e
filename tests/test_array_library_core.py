"""The mechanism that runs a derivative on another library's arrays (runtime/libraries.py,
backend/foreign.py): the same generated source, loaded again with ``np`` and the runtime
helpers bound to the library; NumPy's own derivatives untouched; a NumPy function the library
lacks refused by name.  (The catalogue of functions is tests/test_array_libraries.py.)"""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike as tl
import tangentlike.runtime as runtime
from tangentlike.runtime.libraries import floating_dtype, library_of

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")


def _refuse_compute(*args, **kwargs):
    raise AssertionError("a dask graph was computed while the derivative was built")


def lazy():
    """Inside it, computing any dask graph fails the test: the derivative must stay lazy."""
    return dask.config.set(scheduler=_refuse_compute)


def computed(value):
    return dask.compute(value, scheduler="sync")[0]


def mlp(params, X, y):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - y) ** 2)


def _mlp_data(rows=400):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(rows, 3)), rng.normal(size=rows)
    params = (rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=5), 0.5)
    return params, X, y


def test_mlp_over_dask_data_is_lazy_and_equals_numpy():
    params, X, y = _mlp_data()
    grad = tl.grad(mlp)
    with lazy():
        out = grad(params, da.from_array(X, chunks=100), da.from_array(y, chunks=100))
    assert all(isinstance(part, da.Array) for part in out)
    expected = grad(params, X, y)
    for got, want in zip(computed(out), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_numpy_derivative_is_untouched_by_a_dask_call():
    params, X, y = _mlp_data()
    grad = tl.grad(mlp)
    before = grad(params, X, y)
    with lazy():
        grad(params, da.from_array(X, chunks=100), da.from_array(y, chunks=100))
    after = grad(params, X, y)
    for a, b in zip(before, after):
        assert type(a) is type(b)
        np.testing.assert_array_equal(a, b)
    assert runtime.unbroadcast.__globals__["np"] is np  # the helpers NumPy code calls


def test_hvp_reads_rebound_helpers_through_closure_cells():
    def f(w, X):
        return np.sum(np.tanh(X @ w) ** 2)

    rng = np.random.default_rng(1)
    X, w, v = rng.normal(size=(60, 3)), rng.normal(size=3), rng.normal(size=3)
    with lazy():
        out = tl.hvp(f, wrt=0)(da.from_array(w), da.from_array(X, chunks=20),
                               da.from_array(v))
        value, tangent = tl.jvp(f, wrt=0)((da.from_array(w), da.from_array(X, chunks=20)),
                                          (da.from_array(v),))
    assert isinstance(out, da.Array)
    np.testing.assert_allclose(computed(out), tl.hvp(f, wrt=0)(w, X, v), rtol=1e-12)
    want_value, want_tangent = tl.jvp(f, wrt=0)((w, X), (v,))
    np.testing.assert_allclose(computed(value), want_value, rtol=1e-12)
    np.testing.assert_allclose(computed(tangent), want_tangent, rtol=1e-12)


def gathered(x, idx):
    return np.sum(x[idx] ** 2)


def rows_gathered(x, idx):
    return np.sum(x[idx, :] ** 2)


def test_a_numpy_function_the_library_lacks_is_refused_by_name():
    x = da.from_array(np.arange(6.0), chunks=3)
    mask = np.array([True, False, True, False, False, True])
    with lazy(), pytest.raises(tl.ArrayLibraryError) as caught:
        tl.grad(gathered)(x, mask)  # a mask's scatter: Dask has no np.add.at
    message = str(caught.value)
    assert "np.add.at" in message and "dask.array" in message
    assert "unindex" in message  # the helper that needed it
    assert "return np.sum(x[idx] ** 2)" in message  # the user's line


def test_repeated_indices_add_up_lazily_without_a_scatter():
    x = np.arange(12.0).reshape(4, 3)
    idx = np.array([0, 2, 2, -1])
    with lazy():
        rows = tl.grad(rows_gathered)(da.from_array(x, chunks=2), idx)
        flat = tl.grad(gathered)(da.from_array(x[:, 0], chunks=2), idx)
    np.testing.assert_array_equal(computed(rows), tl.grad(rows_gathered)(x, idx))
    np.testing.assert_array_equal(computed(rows)[2], 4 * x[2])  # row 2 read twice
    np.testing.assert_array_equal(computed(flat), [0.0, 0.0, 24.0, 18.0])


def test_a_missing_function_spelled_with_others_the_library_has():
    def f(a):
        return np.sum(np.linalg.inv(a) * np.arange(9.0).reshape(3, 3))

    a = np.array([[3.0, 1.0, 0.0], [1.0, 4.0, 1.0], [0.0, 1.0, 5.0]])
    with lazy():
        out = tl.grad(f)(da.from_array(a))
    np.testing.assert_allclose(computed(out), tl.grad(f)(a), rtol=1e-12)


xpc = pytest.importorskip("array_api_compat.numpy")


def standard_loss(w, X, y):
    r = xpc.matmul(X, w) - y
    return xpc.sum(xpc.pow(r, 2.0)) / X.shape[0]


def test_a_function_of_an_array_api_namespace_gets_numpys_rules():
    rng = np.random.default_rng(2)
    X, y, w = rng.normal(size=(30, 4)), rng.normal(size=30), rng.normal(size=4)
    got = tl.grad(standard_loss)(w, X, y)
    np.testing.assert_allclose(got, 2 * X.T @ (X @ w - y) / 30, rtol=1e-12)


def test_which_values_belong_to_another_library():
    assert library_of(np.ones(3)) is None
    assert library_of(np.float64(1.0)) is None
    assert library_of(1.0) is None
    assert library_of(da.ones(3)).name == "dask.array"
    strict = pytest.importorskip("array_api_strict")
    assert library_of(strict.ones(3)).namespace is strict
    assert floating_dtype(strict.float32) and not floating_dtype(strict.int64)
    assert floating_dtype(np.float64) and not floating_dtype(np.int32)


def test_an_integer_array_of_another_library_is_refused():
    with pytest.raises(tl.InputError, match="dask.array array of int64"):
        tl.grad(gathered)(da.from_array(np.arange(6)), np.array([0]))


DATA = {}


def global_data_loss(w):
    X, y = DATA["X"], DATA["y"]
    return np.sum((X @ w - y) ** 2)


def test_data_read_from_a_global_takes_its_library():
    rng = np.random.default_rng(3)
    X, y, w = rng.normal(size=(40, 2)), rng.normal(size=40), rng.normal(size=2)
    DATA.update(X=da.from_array(X, chunks=10), y=da.from_array(y, chunks=10))
    try:
        with lazy():
            out = tl.grad(global_data_loss)(w)
    finally:
        DATA.clear()
    assert isinstance(out, da.Array)
    np.testing.assert_allclose(computed(out), 2 * X.T @ (X @ w - y), rtol=1e-12)
