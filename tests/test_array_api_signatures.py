"""NumPy calls adapted to the array API standard's signatures (runtime/libraries.py's
standard_call and NumPyStandIn): derivatives run on array_api_strict's arrays equal to the same
derivatives on NumPy's, or are refused by name (tangentlike.ArrayLibraryError)."""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike as tl
from tangentlike.runtime.libraries import Library, NumPyStandIn

xp = pytest.importorskip("array_api_strict")
STRICT_ARRAY = type(xp.asarray(0.0))
RNG = np.random.default_rng(20)


def _strict(value):
    return xp.asarray(value) if isinstance(value, np.ndarray) else value


def _numpy(value):
    return np.from_dlpack(value) if isinstance(value, STRICT_ARRAY) else value


def assert_same_gradient(f, *args, wrt=(0,)):
    """``f``'s gradient on array_api_strict's arrays equals it on NumPy's."""
    grad = tl.grad(f, wrt=wrt)
    expected = grad(*args)
    got = grad(*(_strict(a) for a in args))
    if len(wrt) == 1:
        expected, got = (expected,), (got,)
    for i, want, have in zip(wrt, expected, got):
        if isinstance(args[i], np.ndarray):
            assert isinstance(have, STRICT_ARRAY)
        np.testing.assert_allclose(np.asarray(_numpy(have)), want, rtol=1e-10, atol=1e-12)


def fft_positional(x, w):
    return np.sum(np.real(np.fft.fft(x, 3, 0)) * w + np.imag(np.fft.fft(x, 3, 0)))


def real_imag_of_real(x, w):
    return np.sum((np.real(x) + np.imag(x) * 2.0) * w)


def cholesky_factor(a, w):
    return np.sum(np.linalg.cholesky(a) * w)


def scalar_types(x, w):
    return np.sum((np.float64(x) ** 3 + np.real(np.complex128(x)) * 2.0) * w)


def cumprod_of_number(x, w):
    return np.sum(np.cumprod(x) * w)


def linspace_of_numbers(a, b, w):
    return np.sum(np.linspace(a, b, 3) ** 2 * w)


def squeeze_repeat(x, w):
    return np.sum(np.repeat(np.squeeze(x), [1, 2, 3], axis=1) * w)


def tile_int(x, w):
    return np.sum(np.tile(x, 2) * w)


def roll_cumsum(x, w):
    return np.sum(np.roll(x, [1, 2], axis=[0, 1]) * w) + np.sum(np.cumsum(x) ** 2)


def vecdot_axis0(x, y, w):
    return np.sum(np.vecdot(x, y, axis=0) * w)


def full_of_array(x, w):
    return np.sum(np.full((2, 3), x) * np.full(3, x, order="F") * w)


def block_nested(x, w):
    return np.sum(np.block([[x, w], [w, x]]) ** 2)


def method_reshape(w):
    return np.sum(np.arange(6.0).reshape(2, 3) * w)


def test_fft_takes_numpy_positional_options_and_real_input():
    assert_same_gradient(fft_positional, RNG.normal(size=(4, 3)), RNG.normal(size=(3, 3)))


def test_real_and_imag_of_a_real_array():
    assert_same_gradient(real_imag_of_real, RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)))


def test_creation_with_a_dtype_keyword_in_the_cholesky_rule():
    m = RNG.normal(size=(3, 3))
    assert_same_gradient(cholesky_factor, m @ m.T + 3.0 * np.eye(3), RNG.normal(size=(3, 3)))


def test_numpy_scalar_types_cast_the_library_array():
    assert_same_gradient(scalar_types, RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)))


def test_arrays_made_from_numbers_only_are_the_library_s():
    assert_same_gradient(cumprod_of_number, 1.3, RNG.normal(size=1))
    assert_same_gradient(linspace_of_numbers, 0.5, 2.0, RNG.normal(size=3), wrt=(0, 1))


def test_squeeze_repeat_tile_with_numpy_arguments():
    assert_same_gradient(squeeze_repeat, RNG.normal(size=(1, 2, 3)), RNG.normal(size=(2, 6)))
    assert_same_gradient(tile_int, RNG.normal(size=3), RNG.normal(size=6))


def test_roll_with_lists_and_cumsum_without_axis():
    assert_same_gradient(roll_cumsum, RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)))


def test_vecdot_with_a_non_negative_axis():
    assert_same_gradient(vecdot_axis0, RNG.normal(size=(3, 2)), RNG.normal(size=(3, 1)),
                         RNG.normal(size=2), wrt=(0, 1))


def test_full_with_an_array_fill_and_a_memory_order():
    assert_same_gradient(full_of_array, RNG.normal(size=()), RNG.normal(size=(2, 3)))


def test_nested_lists_of_library_arrays_are_refused_by_name():
    grad = tl.grad(block_nested)
    grad(RNG.normal(size=(2, 2)), RNG.normal(size=(2, 2)))
    with pytest.raises(tl.ArrayLibraryError, match="np.block"):
        grad(xp.asarray(RNG.normal(size=(2, 2))), xp.asarray(RNG.normal(size=(2, 2))))


def test_a_numpy_array_method_the_library_lacks_is_refused_by_name():
    grad = tl.grad(method_reshape)
    np.testing.assert_allclose(grad(np.ones((2, 3))), np.arange(6.0).reshape(2, 3))
    with pytest.raises(tl.ArrayLibraryError, match=r"\.reshape.*array_api_strict"):
        grad(xp.asarray(np.ones((2, 3))))


def test_scalar_type_stand_ins_behave_as_numpy_s_types():
    library = Library("array_api_strict", xp, STRICT_ARRAY)
    stand_in = NumPyStandIn(library)
    assert isinstance(np.float64(1.5), stand_in.float64)
    assert issubclass(np.float64, stand_in.float64)
    assert np.dtype(stand_in.float64) == np.float64
    assert type(stand_in.float64(1.5)) is np.float64
    assert np.zeros(2, stand_in.complex128).dtype == np.complex128
    cast = stand_in.float32(xp.asarray([1.0, 2.5]))
    assert isinstance(cast, STRICT_ARRAY) and cast.dtype == xp.float32
