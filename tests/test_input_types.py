"""The types of differentiated arguments, in every entry point and both modes.

- float64 in, float64 out; float32 in, float32 out; float16 in, float16 out (no promotion);
- Python ints and NumPy integer scalars are treated as floats: ``grad(f)(3) == grad(f)(3.0)``;
- integer and boolean arrays and bools raise ``InputError`` naming the argument (autograd and
  Tangent silently return zeros for integer arrays); complex numbers and arrays are
  differentiated (grad, value_and_grad, forward mode, jvp), second derivatives and Jacobians
  of them refused;
- forward-mode tangents: integers are taken as floats, and a floating point tangent gets its
  argument's precision; boolean tangents, and complex tangents of real arguments, raise
  ``InputError``;
- the same inside tuples, lists and dicts.
"""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tangentlike import InputError


def scalar_fn(x):
    return np.sum(np.sin(x) * x)


def reciprocal(x):
    return np.power(x, -1.0) + np.power(x, -1)


def square(x):
    return x * x


def two_args(x, y):
    return np.sum(np.tanh(x) * y)


def nested(p):
    return np.sum(p[0] * p[1]["w"]) + p[2]


def listed(xs):
    return xs[0] * xs[1] + np.sin(xs[1])


# --- every entry point, called on one differentiated argument x of f -----------------------

def _ones_like(x):
    return np.ones(np.shape(x)) if np.ndim(x) else 1.0


ENTRY_POINTS = {
    "grad": lambda f, x: tangentlike.grad(f)(x),
    "value_and_grad": lambda f, x: tangentlike.value_and_grad(f)(x)[1],
    "forward": lambda f, x: tangentlike.autodiff(f, mode="forward")(x, _ones_like(x)),
    "jvp": lambda f, x: tangentlike.jvp(f)((x,), (_ones_like(x),))[1],
    "hvp": lambda f, x: tangentlike.hvp(f)(x, _ones_like(x)),
    "jacobian-forward": lambda f, x: tangentlike.jacobian(f, mode="forward")(x),
    "jacobian-reverse": lambda f, x: tangentlike.jacobian(f, mode="reverse")(x),
    "hessian": lambda f, x: tangentlike.hessian(f)(x),
}
entry_points = pytest.mark.parametrize("entry", list(ENTRY_POINTS))


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    np.testing.assert_allclose(a, b, rtol=1e-12)


# --- integers are floats --------------------------------------------------------------------

@entry_points
@pytest.mark.parametrize("f", [scalar_fn, reciprocal, square])
def test_python_int_is_treated_as_a_float(entry, f):
    run = ENTRY_POINTS[entry]
    _same(run(f, 3), run(f, 3.0))


@entry_points
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_numpy_integer_scalar_is_treated_as_a_float(entry, dtype):
    run = ENTRY_POINTS[entry]
    _same(run(reciprocal, dtype(3)), run(reciprocal, np.float64(3.0)))


def test_python_int_gives_float_results_in_forward_mode_with_an_int_tangent():
    tangent, value = tangentlike.autodiff(square, mode="forward", preserve_result=True)(3, 1)
    assert type(tangent) is float and tangent == 6.0
    assert value == 9.0


def test_python_int_by_keyword_and_for_a_later_argument():
    x = np.array([0.3, -1.2])
    gx, gy = tangentlike.grad(two_args, wrt=(0, 1))(x, y=2)
    np.testing.assert_allclose(gy, np.sum(np.tanh(x)), rtol=1e-12)
    assert isinstance(gy, (float, np.floating))
    np.testing.assert_allclose(gx, 2.0 * (1 - np.tanh(x) ** 2), rtol=1e-12)


def test_ints_inside_containers_are_floats():
    g = tangentlike.grad(listed)([2, 3])
    assert isinstance(g, list) and len(g) == 2
    np.testing.assert_allclose(g, [3.0, 2.0 + np.cos(3.0)], rtol=1e-12)
    xs = [2, 3]
    tangentlike.grad(listed)(xs)
    assert xs == [2, 3] and all(type(v) is int for v in xs)  # the caller's list is untouched
    t = tangentlike.autodiff(listed, mode="forward")([2, 3], [1, 0])
    np.testing.assert_allclose(t, 3.0, rtol=1e-12)


# --- arrays that have no derivative ----------------------------------------------------------

NO_DERIVATIVE = {
    "int array": (np.arange(3), "int64"),
    "int 0-d array": (np.array(3), "int64"),
    "uint8 array": (np.arange(3, dtype=np.uint8), "uint8"),
    "bool array": (np.array([True, False, True]), "bool"),
    "bool": (True, "bool"),
    "numpy bool": (np.bool_(False), "bool"),
    "string": ("abc", "str"),
    "None": (None, "None"),
}


@entry_points
@pytest.mark.parametrize("case", list(NO_DERIVATIVE))
def test_values_without_derivative_raise_input_error(entry, case):
    x, word = NO_DERIVATIVE[case]
    with pytest.raises(InputError) as info:
        ENTRY_POINTS[entry](scalar_fn, x)
    message = str(info.value)
    assert "argument 0 (x) of scalar_fn" in message
    assert word in message


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_integer_array_for_the_second_argument_names_it(mode):
    df = tangentlike.autodiff(two_args, wrt=(0, 1), mode=mode)
    x, y = np.ones(3), np.arange(3)
    with pytest.raises(InputError, match=r"argument 1 \(y\) of two_args is an array of int64"):
        df(x, y, np.ones(3), np.ones(3)) if mode == "forward" else df(x, y, 1.0)
    with pytest.raises(InputError, match=r"argument 1 \(y\)"):
        df(x, y=y)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_integer_array_inside_a_container_names_the_path(mode):
    p = (np.ones(2), {"w": np.arange(2)}, 1.0)
    df = tangentlike.autodiff(nested, mode=mode)
    with pytest.raises(InputError, match=r"argument 0 \(p\) of nested\[1\]\['w'\] is an array"):
        df(p, p) if mode == "forward" else df(p, 1.0)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_non_differentiated_integer_arrays_are_fine(mode):
    x, idx = np.array([0.5, -0.2, 1.5]), np.array([2, 0])
    df = tangentlike.autodiff(two_args, wrt=(0,), mode=mode)
    y = idx[:1].repeat(3)  # [2, 2, 2], an integer array that is not differentiated
    out = df(x, y, np.ones(3)) if mode == "forward" else df(x, y, 1.0)
    expected = np.sum(2.0 * (1 - np.tanh(x) ** 2))
    np.testing.assert_allclose(out if mode == "forward" else np.sum(out), expected, rtol=1e-12)


# --- complex numbers ---------------------------------------------------------------------------

COMPLEX = {
    "python complex": 1.0 + 2.0j,
    "complex128 array": np.array([1.0 + 1.0j, 2.0]),
    "complex64 array": np.ones((2, 2), dtype=np.complex64),
    "complex128 scalar": np.complex128(1.5),
}


def real_valued(x):
    return np.sum(np.abs(np.sin(x) * x) ** 2)


SECOND_ORDER = ("hvp", "jacobian-forward", "jacobian-reverse", "hessian")


@pytest.mark.parametrize("entry", [e for e in ENTRY_POINTS if e not in SECOND_ORDER])
@pytest.mark.parametrize("case", list(COMPLEX))
def test_complex_inputs_are_differentiated(entry, case):
    """Complex inputs follow autograd's convention (tests/test_complex.py checks the values):
    the gradient of a real function is dL/dRe - i dL/dIm, in the input's precision."""
    x = COMPLEX[case]
    out = ENTRY_POINTS[entry](real_valued, x)
    if entry in ("grad", "value_and_grad"):
        assert np.shape(out) == np.shape(x) and np.iscomplexobj(out)
        h = 1e-3 if np.result_type(x) == np.complex64 else 1e-6
        e = np.zeros(np.shape(x), dtype=np.result_type(x))
        e.flat[0] = 1
        re = (real_valued(x + h * e) - real_valued(x - h * e)) / (2 * h)
        im = (real_valued(x + 1j * h * e) - real_valued(x - 1j * h * e)) / (2 * h)
        np.testing.assert_allclose(np.ravel(out)[0], re - 1j * im, rtol=1e-2)
    else:
        assert np.ndim(out) == 0 and not np.iscomplexobj(out)  # a real function's tangent


@pytest.mark.parametrize("entry", SECOND_ORDER)
@pytest.mark.parametrize("case", list(COMPLEX))
def test_second_derivatives_of_complex_inputs_are_refused_clearly(entry, case):
    with pytest.raises(InputError) as info:
        ENTRY_POINTS[entry](real_valued, COMPLEX[case])
    message = str(info.value)
    assert "argument 0 (x) of" in message and "complex" in message
    assert "real and imaginary parts" in message  # the hint says what to do


def test_complex_inside_a_container_is_differentiated():
    p = (np.ones(2), {"w": np.array([1.0 + 2.0j, -0.5j])}, 1.0)
    with pytest.raises(InputError, match="output is complex"):
        tangentlike.grad(nested)(p)  # a complex output has no gradient, as in autograd
    g = tangentlike.grad(nested)(p, 1.0 + 0j)  # the real part's
    np.testing.assert_allclose(g[1]["w"], np.ones(2))
    np.testing.assert_allclose(g[0], np.real(p[1]["w"]))  # a real argument: real


# --- precision: float32 in, float32 out ---------------------------------------------------------

# Each dtype and each shape once in the default run (a Latin square); the others with -m slow.
PRECISION_CASES = [
    pytest.param(dtype, shape, id=f"{shape}-{dtype.__name__}",
                 marks=[] if (i + j) % 3 == 0 else [pytest.mark.slow])
    for j, shape in enumerate([(), (3,), (2, 3)])
    for i, dtype in enumerate([np.float64, np.float32, np.float16])]


@entry_points
@pytest.mark.parametrize("dtype, shape", PRECISION_CASES)
def test_derivatives_keep_the_input_precision(entry, dtype, shape):
    x = (np.linspace(0.3, 1.2, int(np.prod(shape))).reshape(shape)).astype(dtype)
    if not shape:
        x = dtype(x)  # a NumPy scalar
    out = ENTRY_POINTS[entry](scalar_fn, x)
    assert np.asarray(out).dtype == dtype
    reference = ENTRY_POINTS[entry](scalar_fn, np.asarray(x, dtype=np.float64))
    tolerance = {np.float64: 1e-12, np.float32: 1e-5, np.float16: 3e-2}[dtype]
    np.testing.assert_allclose(np.asarray(out, dtype=float), reference, rtol=tolerance,
                               atol=tolerance)


def test_float32_containers_give_float32_gradients_in_both_modes():
    p = (np.ones(2, np.float32), {"w": np.full(2, 0.5, np.float32)}, np.float32(1.0))
    g = tangentlike.grad(nested)(p)
    assert g[0].dtype == np.float32 and g[1]["w"].dtype == np.float32
    t = tangentlike.autodiff(nested, mode="forward")(
        p, (np.ones(2), {"w": np.ones(2)}, 1.0))  # float64 tangents take p's precision
    assert np.asarray(t).dtype == np.float32
    np.testing.assert_allclose(t, 0.5 * 2 + 1.0 * 2 + 1.0, rtol=1e-6)


# --- forward-mode tangents ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_integer_tangent_is_taken_as_a_float_of_the_argument_precision(dtype):
    x = np.array([0.2, 0.4, 0.8], dtype=dtype)
    df = tangentlike.autodiff(scalar_fn, mode="forward")
    out = df(x, np.array([1, 0, 2]))
    assert np.asarray(out).dtype == dtype
    np.testing.assert_allclose(out, df(x, np.array([1.0, 0.0, 2.0], dtype=dtype)), rtol=1e-6)
    out = tangentlike.jvp(scalar_fn)((x,), (np.array([1, 0, 2]),))[1]
    assert np.asarray(out).dtype == dtype


def test_tangent_precision_follows_the_argument():
    x = np.array([0.2, 0.4], dtype=np.float64)
    out = tangentlike.autodiff(scalar_fn, mode="forward")(x, np.ones(2, np.float32))
    assert np.asarray(out).dtype == np.float64
    x32 = x.astype(np.float32)
    out = tangentlike.hvp(scalar_fn)(x32, np.ones(2))
    assert out.dtype == np.float32


@pytest.mark.parametrize("tangent, word", [
    (np.array([True, False]), "boolean"),
    (np.array([1.0 + 1.0j, 0.0]), "complex, but its argument is real"),
])
def test_bool_and_complex_tangents_are_refused(tangent, word):
    x = np.array([0.2, 0.4])
    with pytest.raises(InputError, match=word) as info:
        tangentlike.autodiff(scalar_fn, mode="forward")(x, tangent)
    assert "tangent dx of argument 0 (x) of scalar_fn" in str(info.value)
    with pytest.raises(InputError, match=word):
        tangentlike.hvp(scalar_fn)(x, tangent)
