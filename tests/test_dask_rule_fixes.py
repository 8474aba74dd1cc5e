"""Derivatives on Dask arrays that used to compute the arrays or fail (issue 20): each runs
lazily (under a scheduler that raises) and equals NumPy's derivative on the same data, or is
refused by name (``ArrayLibraryError`` naming the line)."""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike as tl
from tangentlike.runtime.arrays import cast_derivative
from tangentlike.runtime.libraries import _stand_in, library_of

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")

RNG = np.random.default_rng(20)


def _refuse_compute(*args, **kwargs):
    raise AssertionError("a dask graph was computed while the derivative was built")


def _to_dask(x):
    if not isinstance(x, np.ndarray):
        return x
    return da.from_array(x, chunks=tuple(max(1, -(-n // 2)) for n in x.shape))


def _lazy_and_equal(f, *args, wrt=(0,)):
    """``tl.grad(f, wrt)`` on Dask arrays: lazy, Dask's arrays for NumPy arrays, NumPy's
    values; the Dask results."""
    df = tl.grad(f, wrt=wrt)
    expected = df(*args)
    expected = expected if isinstance(expected, tuple) else (expected,)
    with dask.config.set(scheduler=_refuse_compute):
        got = df(*[_to_dask(a) for a in args])
    got = got if isinstance(got, tuple) else (got,)
    for i, g, e in zip(wrt, got, expected):
        if isinstance(args[i], np.ndarray):
            assert isinstance(g, da.Array), type(g)
        value = g.compute(scheduler="sync") if isinstance(g, da.Array) else g
        assert np.shape(value) == np.shape(e)
        np.testing.assert_allclose(value, e, rtol=1e-12, atol=1e-14)
    return got


def array_of_arrays(x, y, w):
    return np.sum((np.array([x, y * 2.0]) * np.sin(np.array([y, x]))) * w)


def array_of_floats(a, b, w):
    return np.sum(np.array([a, b * 2.0]) ** 2 * w)


def arange_from(a, w):
    return np.sum(np.arange(a, 4.0) * np.sin(np.arange(a, 4.0)) * w)


def test_np_array_of_dask_arrays_reads_their_shapes():
    x, y, w = RNG.normal(size=3), RNG.normal(size=3), RNG.normal(size=(2, 3))
    _lazy_and_equal(array_of_arrays, x, y, w, wrt=(0, 1))


def test_python_number_derivative_is_a_lazy_0d_array():
    got = _lazy_and_equal(array_of_floats, 0.5, -1.5, RNG.normal(size=2), wrt=(0, 1))
    assert all(isinstance(g, da.Array) and g.shape == () for g in got)
    got = _lazy_and_equal(arange_from, 0.5, RNG.normal(size=4))
    assert isinstance(got[0], da.Array)


def test_cast_derivative_on_numpy_still_returns_python_and_numpy_values():
    assert type(cast_derivative(np.asarray(2.0), 1.0)) is float
    assert type(cast_derivative(np.asarray(2.0), np.float32(1.0))) is np.float32


def diagonal_offset(x):
    return np.sum(np.diagonal(x, 1) ** 2)


def diagonal_3d(x):
    return np.sum(np.diagonal(x, -1, 2, 0) ** 2)


def trace_3d(x):
    return np.sum(np.trace(x, 1, 1, 2) ** 2)


@pytest.mark.parametrize("f, shape", [(diagonal_offset, (3, 4)), (diagonal_3d, (3, 2, 4)),
                                      (trace_3d, (2, 3, 4))])
def test_diagonal_and_trace_adjoints_are_built_lazily(f, shape):
    _lazy_and_equal(f, RNG.normal(size=shape))


def conj_method(x, w):
    return np.sum(x.conj() ** 3 * w)


def test_conj_method_adjoint():
    _lazy_and_equal(conj_method, RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)))


def test_conj_method_tangent_equals_the_derivative():
    x, w, v = RNG.normal(size=3), RNG.normal(size=3), RNG.normal(size=3)
    tangent = tl.autodiff(conj_method, wrt=0, mode="forward")(x, w, v)
    np.testing.assert_allclose(tangent, np.sum(3 * x ** 2 * v * w), rtol=1e-12)


def squeeze_0d(x):
    return np.squeeze(x)


def fmod_0d(x, y):
    return np.fmod(x, y)


def test_output_seed_is_dask_so_adjoints_of_the_seed_are():
    _lazy_and_equal(squeeze_0d, np.asarray(0.7))
    _lazy_and_equal(fmod_0d, np.asarray(5.5), np.asarray(2.0), wrt=(0, 1))


def cumulative_sums(x, w):
    return np.sum(np.cumulative_sum(x, axis=0, include_initial=True) ** 2 * w)


def full_of_row(x, w):
    return np.sum(np.full((2, 3), x) * x * w)


def linalg_vecdot(a, b):
    return np.sum(np.linalg.vecdot(a, b, axis=0) ** 2)


def vecdot_keepdims(a, b):
    return np.sum(np.vecdot(a, b, keepdims=True) ** 2)


def outer(a, b):
    return np.sum(np.outer(a, b) ** 2)


def vdot(a, b):
    return np.vdot(a, b)


def test_numpy_functions_written_out_for_dask():
    _lazy_and_equal(cumulative_sums, RNG.normal(size=(3, 2)), RNG.normal(size=(4, 2)))
    _lazy_and_equal(full_of_row, RNG.normal(size=3), RNG.normal(size=(2, 3)))
    _lazy_and_equal(linalg_vecdot, RNG.normal(size=(3, 2)), RNG.normal(size=(3, 1)),
                    wrt=(0, 1))
    _lazy_and_equal(vecdot_keepdims, RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)),
                    wrt=(0, 1))
    _lazy_and_equal(outer, RNG.normal(size=(2, 3)), RNG.normal(size=4), wrt=(0, 1))
    _lazy_and_equal(vdot, RNG.normal(size=(2, 3)), RNG.normal(size=(3, 2)), wrt=(0, 1))


def test_creation_functions_take_numpy_positional_options():
    stand_in = _stand_in(library_of(da.ones(2)))
    zeros = stand_in.zeros((2, 3), bool)  # Dask's own zeros(shape, bool) is float64
    assert isinstance(zeros, da.Array) and zeros.dtype == np.dtype(bool)
    assert stand_in.ones((2,), "int32").dtype == np.dtype("int32")


def pad_constant(x, w):
    return np.sum(np.pad(x, ((1, 0), (2, 1))) ** 2 * w)


def pad_edge(x, w):
    return np.sum(np.pad(x, 2, mode="edge") ** 2 * w)


def pad_fill_value(x, c, w):
    return np.sum(np.pad(x, ((1, 0), (2, 1)), constant_values=c) ** 2 * w)


def test_pad_adjoints():
    x = RNG.normal(size=(2, 3))
    _lazy_and_equal(pad_constant, x, RNG.normal(size=(3, 6)))
    _lazy_and_equal(pad_edge, x, RNG.normal(size=(6, 7)))
    _lazy_and_equal(pad_fill_value, x, 0.3, RNG.normal(size=(3, 6)), wrt=(0, 1))


def take_flat(x, w):
    return np.sum(np.take(x, np.array([5, 0, 5, 11])) ** 2 * w)


def take_clip(x, w):
    return np.sum(np.take(x, np.array([-1, 2, 7]), axis=1, mode="clip") ** 2 * w)


def test_take_reads_numpy_defaults():
    _lazy_and_equal(take_flat, RNG.normal(size=(3, 4)), RNG.normal(size=4))
    _lazy_and_equal(take_clip, RNG.normal(size=(2, 4)), RNG.normal(size=(2, 3)))


def scalar_type(x, w):
    return np.sum((np.float32(x) * 1e5 + x) * w)


def int_of_count(x):
    return np.sum(x) * int(np.count_nonzero(x > 0.5))


def arange_of_0d(a, b, w):
    return np.sum(np.arange(a, b, 1.0) * a * w)


@pytest.mark.parametrize("f, args, text", [
    (scalar_type, (RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))), "np.float32(x)"),
    (int_of_count, (RNG.normal(size=5),), "int(np.count_nonzero(x > 0.5))"),
    (arange_of_0d, (np.asarray(0.5), np.asarray(3.0), RNG.normal(size=3)), "in np.arange"),
])
def test_a_compute_is_refused_by_name(f, args, text):
    df = tl.grad(f)
    with dask.config.set(scheduler=_refuse_compute), \
            pytest.raises(tl.ArrayLibraryError, match="computes the dask.array arrays") as error:
        df(*[_to_dask(a) for a in args])
    assert text in str(error.value)


def branch(x):
    if np.sum(x) > 0:
        return np.sum(x ** 2)
    return np.sum(x ** 3)


def test_the_users_own_branch_still_computes():
    x = RNG.normal(size=4) + 1.0
    got = tl.grad(branch)(_to_dask(x))
    np.testing.assert_allclose(got.compute(scheduler="sync"), tl.grad(branch)(x), rtol=1e-12)


def gradient_2d(x):
    return np.sum(np.stack(np.gradient(x)) ** 2)


def test_gradient_adjoint_is_refused_by_name():
    with pytest.raises(tl.ArrayLibraryError, match="np.add.at"):
        tl.grad(gradient_2d)(_to_dask(RNG.normal(size=(4, 5))))
