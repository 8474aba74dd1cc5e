"""Issue 20's fixes for derivatives run on ``array_api_strict`` arrays, each against the same
derivative run on NumPy: NumPy's type promotion where the standard refuses to mix types, a
partial index, NumPy calls whose arguments the standard takes otherwise, a 0-d output's seed,
and the helper a refusal names; and Dask's compute guard used from several threads."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from support import check_grad

import tangentlike as tl

xs = pytest.importorskip("array_api_strict")
STRICT_ARRAY = type(xs.asarray(0.0))


def _on_both(f, *args, wrt=(0,)):
    """``f``'s gradient run on NumPy's arrays and on array_api_strict's (as NumPy arrays)."""
    df = tl.grad(f, wrt=wrt)
    expected = df(*args)
    got = df(*[xs.asarray(a) if isinstance(a, np.ndarray) else a for a in args])
    expected, got = (expected, got) if len(wrt) > 1 else ((expected,), (got,))
    for g in got:
        assert isinstance(g, STRICT_ARRAY)
    return [np.from_dlpack(g) for g in got], [np.asarray(e) for e in expected]


def _check(f, *args, wrt=(0,)):
    got, expected = _on_both(f, *args, wrt=wrt)
    for g, e in zip(got, expected):
        assert g.shape == e.shape
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


RNG = np.random.default_rng(20)
X = RNG.normal(size=4)
W = RNG.normal(size=4)


def test_bool_times_float_is_promoted_as_numpy_does():
    _check(lambda x, w: np.sum((np.sign(x) * x * x + np.signbit(x) * x) * w), X, W)


def test_integer_array_times_float_is_promoted_as_numpy_does():
    _check(lambda x, w: np.sum(np.arange(4) * x * w + np.arange(4) / 3), X, W)


def test_power_with_an_integer_array_exponent():
    _check(lambda x, n, w: np.sum(np.power(x, n) * w), X, np.array([1, 2, 3, 2]), W)


def test_a_partial_index_reads_the_rows():
    _check(lambda a, b: np.sum(np.sin(np.stack([b, a])[0]) * np.stack([a, b])[1:] ** 2),
           X, W, wrt=(0, 1))


@pytest.mark.parametrize("triangle", [np.tril, np.triu])
def test_triangle_of_a_vector_is_of_its_square_matrix(triangle):
    _check(lambda x, w: np.sum(triangle(x, k=-1) * w), X, W)


def test_take_of_a_number_drops_the_axis():
    m = RNG.normal(size=(3, 4))
    _check(lambda x, w: np.sum(np.take(x, 2, axis=0) ** 2 * w), m, W)


def test_broadcast_arrays_with_a_number():
    def f(x, v, w):
        a, b, c = np.broadcast_arrays(x, v, 2.0)
        return np.sum(a * b * c * w)

    _check(f, X[:, None], X, W[:, None], wrt=(0, 1))


def test_asarray_of_a_list_of_arrays_stacks_them():
    _check(lambda x, w: np.sum(np.asarray([x, x * x]) * w), X, W)


def test_finfo_of_the_library_dtype():
    _check(lambda x: np.sum(x * np.finfo(np.result_type(x)).eps * 1e15), X)


def test_a_0d_output_gradient_is_the_library_array():
    _check(lambda x, y: np.remainder(x, y), np.array(5.5), np.array(2.0), wrt=(0, 1))


def test_numpy_semantics_leave_numpy_results_alone():
    df = tl.grad(lambda x: np.sum(np.arange(4) * x + np.signbit(x) * x))
    np.testing.assert_allclose(df(X), np.arange(4) + np.signbit(X))


def test_a_refusal_names_the_helper_that_needs_numpy():
    df = tl.grad(lambda beta, w: np.sum(np.kaiser(7, beta) * w))
    with pytest.raises(tl.ArrayLibraryError, match="through tangentlike.runtime's bessel_i"):
        df(2.0, xs.asarray(RNG.normal(size=7)))


def test_dask_compute_guard_from_two_threads_restores_the_scheduler():
    pytest.importorskip("dask")
    import dask.base

    from tangentlike.runtime.libraries import computes_refused, library_of

    library = library_of(pytest.importorskip("dask.array").zeros(2))
    before = dask.base.get_scheduler()
    entered, leave_first = threading.Event(), threading.Event()
    seen = []

    def first():
        with computes_refused(library):
            entered.set()
            leave_first.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    entered.wait(10)
    with computes_refused(library):
        leave_first.set()  # the first thread leaves while this one is inside
        thread.join(10)
        seen.append(dask.base.get_scheduler())
    # A compute outside any derivative runs on the scheduler set before, whatever thread.
    assert float(dask.array.ones(3).sum().compute()) == 3.0
    assert seen[0] is not before  # still guarded after the other thread left
    assert dask.base.get_scheduler() is before


def test_arange_of_0d_arrays_is_of_their_numbers():
    _check(lambda a, b, s, w: np.sum(np.arange(a, b, s) * a * w),
           np.array(0.18), np.array(3.1), np.array(0.93), W, wrt=(0, 1, 2))


def test_a_helper_indexes_a_matrix_by_rows():
    from tangentlike.runtime.arrays import cast_derivative, unarray

    def f(x, m):
        a = cast_derivative([x, x * x], m)
        b = unarray(a * a, [m[0], m[1]], m)
        return np.sum(b[0] * b[1])

    _check(f, X[:3], RNG.normal(size=(2, 3)))


def _numpy_step(z, a):
    return 0.5 * np.tanh(z) + a


def _namespace_step(z, a):
    return 0.5 * z.__array_namespace__().tanh(z) + a


def test_a_fixed_point_whose_step_calls_numpy_is_refused_by_name():
    """NumPy's ``np.tanh`` of a strict array gives a NumPy array: refused, naming the step."""
    def f(a):
        return np.sum(tl.fixed_point(_numpy_step, 0.0 * a, a, tol=1e-13) ** 2)

    a = RNG.normal(size=3) * 0.3
    check_grad(f, (a,))  # NumPy's: runs, against finite differences
    with pytest.raises(tl.ArrayLibraryError, match="step function _numpy_step .*line"):
        tl.grad(f)(xs.asarray(a))
    with pytest.raises(tl.ArrayLibraryError, match="NumPy's value for array_api_strict"):
        tl.fixed_point(_numpy_step, xs.asarray(0.0 * a), xs.asarray(a))


def test_a_fixed_point_whose_step_uses_the_namespace_runs():
    z = tl.fixed_point(_namespace_step, xs.asarray(np.zeros(3)), xs.asarray(np.full(3, 0.2)),
                       tol=1e-13)
    assert isinstance(z, STRICT_ARRAY)
    expected = tl.fixed_point(_numpy_step, np.zeros(3), np.full(3, 0.2), tol=1e-13)
    np.testing.assert_allclose(np.from_dlpack(z), expected, rtol=1e-12)
