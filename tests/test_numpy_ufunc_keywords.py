"""The keyword forms of NumPy's ufunc calls (issue 17, item 2), and the casts finite
differences cannot check.

- ``dtype=T`` computes in ``T``: the value is NumPy's own, exactly; the derivative is the
  cast's identity times the ufunc's derivative in ``T`` (float32 here), checked against the
  exact derivative in float64 to float32's precision, in reverse and forward mode;
  ``dtype=`` of an integer type carries no derivative, and NumPy's refusal of an unsafe cast
  stays NumPy's.
- ``out=`` and ``where=`` on a differentiated value are refused by name and line (the
  catalogue in tests/frontend/test_unsupported_catalogue.py); on constants they run.
- ``np.float16(x)`` and ``np.float32(x)`` round, so their finite differences are noise: their
  derivative (the identity, in the cast's type forward, in x's type backward) is checked
  exactly.
"""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tangentlike import TangentlikeError

X = np.array([0.3, -1.2, 2.5])
Y = np.array([[0.7], [1.9]])
V = np.array([1.0, -0.5, 2.0])


def sin_f32(x):
    return np.sum(np.sin(x, dtype=np.float32) * np.array([1.0, 2.0, 3.0]))


def multiply_f32(x, y):
    return np.sum(np.multiply(x, y, dtype=np.float32) ** 2)


def add_int_unsafe(x):
    return np.sum(np.add(x, x, dtype=np.int64, casting="unsafe")) + np.sum(x * x)


def add_int(x):
    return np.sum(np.add(x, x, dtype=np.int64))


def sum_f32(x):
    return np.sum(x * x, dtype=np.float32)


def sum_int(x):
    return np.sum(x * x, dtype=int) + np.sum(x)


def method_sum_int(x):
    return (x * x).sum(dtype=np.int32) + np.sum(x)


def float16_cast(x):
    return np.sum(np.float16(x) * np.array([1.0, 2.0, 3.0]))


def float32_cast(x):
    return np.sum(np.float32(x) * np.array([1.0, 2.0, 3.0]))


def out_on_constants(x):
    buffer = np.zeros(3)
    np.multiply(np.arange(3.0), 2.0, out=buffer)
    return np.sum(x * buffer)


@pytest.mark.parametrize("optimized", [True, False])
def test_dtype_float32_unary(optimized):
    grad = tangentlike.value_and_grad(sin_f32, optimized=optimized)
    value, g = grad(X)
    assert value == sin_f32(X)
    expected = np.cos(X.astype(np.float32)) * np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(g, expected, rtol=1e-6)
    tangent = tangentlike.jvp(sin_f32)((X,), (V,))
    assert tangent[0] == sin_f32(X)
    np.testing.assert_allclose(tangent[1], expected @ V, rtol=1e-6)


@pytest.mark.parametrize("optimized", [True, False])
def test_dtype_float32_binary_broadcasting(optimized):
    grad = tangentlike.value_and_grad(multiply_f32, wrt=(0, 1), optimized=optimized)
    value, (gx, gy) = grad(X, Y)
    assert value == multiply_f32(X, Y)
    z = X * Y
    np.testing.assert_allclose(gx, np.sum(2 * z * Y, axis=0), rtol=1e-6)
    np.testing.assert_allclose(gy, np.sum(2 * z * X, axis=1, keepdims=True), rtol=1e-6)
    assert gx.dtype == np.float64 and gy.dtype == np.float64  # each input's type
    value, tangent = tangentlike.jvp(multiply_f32)((X, Y), (V, np.ones_like(Y)))
    assert value == multiply_f32(X, Y)
    assert tangent.dtype == np.float32  # the result's type
    np.testing.assert_allclose(tangent, gx @ V + np.sum(gy), rtol=1e-6)


def test_dtype_python_floats():
    def f(a):
        return np.divide(a, 3.0, dtype=np.float32) * a

    value, g = tangentlike.value_and_grad(f)(1.5)
    assert value == f(1.5)
    np.testing.assert_allclose(g, 1.0, rtol=1e-6)


@pytest.mark.parametrize("f", [add_int_unsafe, sum_int, method_sum_int])
def test_an_integer_dtype_carries_no_derivative(f):
    np.testing.assert_array_equal(tangentlike.grad(f)(X), 2 * X if f is add_int_unsafe
                                  else np.ones(3))
    _, tangent = tangentlike.jvp(f)((X,), (V,))
    np.testing.assert_allclose(tangent, (2 * X if f is add_int_unsafe else np.ones(3)) @ V)


def test_an_unsafe_dtype_is_numpys_error():
    with pytest.raises(TypeError):
        add_int(X)
    with pytest.raises(TypeError):
        tangentlike.grad(add_int)(X)


def test_sum_dtype_float32():
    value, g = tangentlike.value_and_grad(sum_f32)(X)
    assert value == sum_f32(X)
    np.testing.assert_allclose(g, 2 * X, rtol=1e-6)
    value, tangent = tangentlike.jvp(sum_f32)((X,), (V,))
    assert value == sum_f32(X) and tangent.dtype == np.float32
    np.testing.assert_allclose(tangent, 2 * X @ V, rtol=1e-6)


@pytest.mark.parametrize("f, dtype", [(float16_cast, np.float16), (float32_cast, np.float32)])
def test_float_casts_are_the_identity(f, dtype):
    w = np.array([1.0, 2.0, 3.0])
    value, g = tangentlike.value_and_grad(f)(X)
    assert value == f(X)
    np.testing.assert_array_equal(g, w)
    assert g.dtype == np.float64
    x32 = X.astype(np.float32)
    assert tangentlike.grad(f)(x32).dtype == np.float32
    value, tangent = tangentlike.jvp(f)((X,), (V,))
    assert value == f(X)
    np.testing.assert_allclose(tangent, V.astype(dtype).astype(float) @ w)


def test_out_on_constants_runs():
    np.testing.assert_array_equal(tangentlike.grad(out_on_constants)(X), [0.0, 2.0, 4.0])
    _, tangent = tangentlike.jvp(out_on_constants)((X,), (V,))
    assert tangent == pytest.approx(V @ [0.0, 2.0, 4.0])


def test_out_refusal_names_call_and_line():
    def f(x):
        y = np.zeros(3)
        np.sin(x, out=y)
        return np.sum(y)

    for derive in (tangentlike.grad, lambda f: tangentlike.autodiff(f, mode="forward")):
        with pytest.raises(TangentlikeError) as caught:
            derive(f)(X)
        assert "numpy.sin(..., out=...)" in str(caught.value)
        assert "assign the result instead" in str(caught.value)
        assert caught.value.location.lineno == f.__code__.co_firstlineno + 2


def scaled(x, out=1.0):
    return x * out


def users_out_parameter(x):
    return np.sum(scaled(x, out=2.0))


def test_your_own_out_parameter_is_a_parameter():
    np.testing.assert_array_equal(tangentlike.grad(users_out_parameter)(X), [2.0, 2.0, 2.0])
    _, tangent = tangentlike.jvp(users_out_parameter)((X,), (V,))
    assert tangent == pytest.approx(2.0 * np.sum(V))


# An integer dtype= on the other reductions: their result carries no derivative either; a
# float32 one gives float32 derivatives.
def integer_mean(x):
    return np.mean(x * x, dtype=int) + np.sum(x)


def integer_prod(x):
    return np.prod(x * x, dtype=int) + np.sum(x)


def integer_cumsum(x):
    return np.sum(np.cumsum(x * x, dtype=int)) + np.sum(x)


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("f", [integer_mean, integer_prod, integer_cumsum])
def test_an_integer_dtype_of_other_reductions_carries_no_derivative(f, optimized):
    x = np.array([1.5, 2.5, 3.5])
    np.testing.assert_array_equal(tangentlike.grad(f, optimized=optimized)(x), np.ones(3))
    forward = tangentlike.autodiff(f, mode="forward", optimized=optimized)
    assert forward(x, np.array([1.0, -2.0, 0.5])) == pytest.approx(-0.5)


def float32_mean(x):
    return np.mean(x * x, dtype=np.float32)


def float32_prod(x):
    return np.prod(x * x, dtype=np.float32)


def float32_cumsum(x):
    return np.sum(np.cumsum(x * x, dtype=np.float32))


@pytest.mark.parametrize("f, exact", [(float32_mean, lambda x: 2 * x / 3),
                                      (float32_prod, lambda x: 2 * np.prod(x * x) / x),
                                      (float32_cumsum, lambda x: 2 * x * [3, 2, 1])])
def test_a_float32_dtype_keeps_the_derivative(f, exact):
    x = np.array([0.5, 1.5, 2.5])
    np.testing.assert_allclose(tangentlike.grad(f)(x), exact(x), rtol=1e-6)
    forward = tangentlike.autodiff(f, mode="forward")
    np.testing.assert_allclose(forward(x, np.eye(3)[1]), exact(x)[1], rtol=1e-6)


def defaults_written_out(x, y):
    return np.sum(np.multiply(np.sin(x, out=None), y, where=True) ** 2)


@pytest.mark.parametrize("optimized", [True, False])
def test_numpys_defaults_out_none_and_where_true(optimized):
    def plain(x, y):
        return np.sum((np.sin(x) * y) ** 2)

    value, (gx, gy) = tangentlike.value_and_grad(defaults_written_out, wrt=(0, 1),
                                                 optimized=optimized)(X, Y)
    assert value == defaults_written_out(X, Y)
    ex, ey = tangentlike.grad(plain, wrt=(0, 1))(X, Y)
    np.testing.assert_allclose(gx, ex, rtol=1e-12)
    np.testing.assert_allclose(gy, ey, rtol=1e-12)
    eps = 1e-6
    fd = [(plain(X + eps * e, Y) - plain(X - eps * e, Y)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(gx, fd, rtol=1e-6)
    _, tangent = tangentlike.jvp(defaults_written_out)((X, Y), (V, np.zeros_like(Y)))
    np.testing.assert_allclose(tangent, gx @ V, rtol=1e-12)


# np.matvec and np.vecmat of complex values (vecmat conjugates its vector): autograd's
# convention, grad = df/dx - i df/dy for a real loss, against finite differences in the real
# and imaginary directions; forward mode gives Re(grad * direction).
def abs_matvec(a, v):
    return np.sum(np.abs(np.matvec(a, v)) ** 2)


def abs_vecmat(u, a):
    return np.sum(np.abs(np.vecmat(u, a)) ** 2)


def _complex_fd(f, args, i, eps=1e-6):
    g = np.zeros(args[i].shape, complex)
    for index in np.ndindex(args[i].shape):
        for unit, part in ((1.0, 1.0), (1j, -1j)):
            plus, minus = [a.copy() for a in args], [a.copy() for a in args]
            plus[i][index] += eps * unit
            minus[i][index] -= eps * unit
            g[index] += part * (f(*plus) - f(*minus)) / (2 * eps)
    return g


@pytest.mark.skipif(not hasattr(np, "matvec"), reason="np.matvec is NumPy 2.2's")
@pytest.mark.parametrize("f, shapes", [(abs_matvec, ((2, 3, 4), (4,))),
                                       (abs_vecmat, ((3,), (2, 3, 4)))])
def test_matvec_vecmat_complex(f, shapes):
    rng = np.random.default_rng(7)
    args = [rng.normal(size=s) + 1j * rng.normal(size=s) for s in shapes]
    grads = tangentlike.grad(f, wrt=(0, 1))(*args)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g, _complex_fd(f, args, i), rtol=1e-6, atol=1e-8)
    directions = [rng.normal(size=s) + 1j * rng.normal(size=s) for s in shapes]
    _, tangent = tangentlike.jvp(f)(tuple(args), tuple(directions))
    expected = sum(np.sum(np.real(g * t)) for g, t in zip(grads, directions))
    np.testing.assert_allclose(tangent, expected, rtol=1e-8)
