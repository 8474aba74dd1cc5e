"""Complex numbers, in autograd's convention (issue 17, item 3).

- The gradient of a real-valued ``f`` of ``z = x + iy`` is ``df/dx - i df/dy`` (autograd's
  ``grad``, and JAX's): checked against central finite differences in the real and the
  imaginary directions, and against autograd itself where it is installed.
- A complex output has no gradient (autograd raises "Grad only applies to real scalar-output
  functions"); a complex seed ``1 + 0j`` asks for the gradient of the real part, which is
  ``f'(z)`` for a holomorphic ``f`` (autograd's ``holomorphic_grad``).
- Forward mode: the tangent of a complex input is a complex direction; the tangent of a
  holomorphic ``f`` is ``f'(z) * dz``, of any ``f`` the directional derivative.
- vjp of a complex output with a complex cotangent: autograd's ``make_vjp``.
- The rules written for real values only refuse complex values by name.
"""
from __future__ import annotations

import sys
import types

import numpy as np
import pytest

import tangentlike
from tangentlike import InputError, ValueRefusedError

ME = sys.modules[__name__]
Z = np.array([0.3 + 0.4j, -0.7 + 0.2j, 0.5 - 0.6j])
M = np.array([[1.0 + 0.5j, 0.2 - 0.3j], [-0.4 + 0.1j, 0.9 - 0.2j]])
DZ = np.array([0.5 - 0.2j, 1.0 + 0.7j, -0.3 + 1.1j])


# --- real-valued functions of complex values ----------------------------------------------------

def holomorphic_parts(z):
    w = np.sin(z) * np.exp(z) / (1.0 + z * z) + np.log(z) * np.sqrt(z) - np.tanh(z) ** 3
    return np.sum(np.abs(w) ** 2 + np.real(w) - 0.5 * np.imag(w))


def inverse_trig(z):
    w = np.arcsin(z) + np.arccos(z * 0.5) + np.arctan(z) + np.arcsinh(z) + np.arctanh(z * 0.5)
    return np.sum(np.real(w * np.conj(w)) + np.imag(w))


def powers(z):
    w = z ** 3 + z ** 2.5 + np.power(z, z + 1.0) + 2.0 ** z + np.reciprocal(z) + np.square(z)
    return np.real(np.sum(w)) + np.imag(np.prod(z))


def conjugates(z):
    return np.real(np.sum(np.conj(z) * z * (1 + 2j))) + np.sum(np.imag(z.conj() * z * z))


def angles(z):
    return np.sum(np.angle(z) * np.abs(z)) + np.sum(np.angle(z * 1j, deg=True))


def attributes(z):
    return np.sum(z.real * z.imag + z.real ** 2)


def reductions(z):
    return (np.abs(np.mean(z * z)) ** 2 + np.real(np.sum(np.cumprod(z)))
            + np.var(z) + np.std(z * 1j) + np.abs(np.max(z)))


def products(z):
    return (np.real(np.vdot(z, z * (1 - 1j))) + np.imag(np.dot(z, z) + np.inner(z, z * 1j))
            + np.abs(np.vecdot(z * 1j, z)) ** 2 + np.abs(np.sum(np.outer(z, z))))


def shapes(z):
    w = np.concatenate([z, z[::-1] * 1j]).reshape(2, 3)
    return np.sum(np.abs(w.T @ w)) + np.real(np.sum(np.stack([z, np.flip(z)]) ** 2))


def selection(z):
    return np.sum(np.abs(np.where(np.real(z) > 0, z, z * z)) ** 2) + np.real(
        np.sum(np.sort(z) * np.arange(3.0)))


def power_spectrum(z):
    return np.sum(np.abs(np.fft.fft(z)) ** 2 * np.arange(1.0, 4.0))


def fft_pipeline(z):
    spectrum = np.fft.fft(z, 5) * np.exp(-1j * np.arange(5.0))
    return np.sum(np.real(np.fft.ifft(spectrum)) ** 2) + np.sum(np.abs(np.fft.fftshift(spectrum)))


def hermitian_transforms(z):
    return np.sum(np.fft.hfft(z) ** 2) + np.sum(np.abs(np.fft.ihfft(np.real(z) * 2.0)))


def matrices(m):
    w = np.linalg.inv(m) @ m.T + np.linalg.solve(m, m[0]) + np.linalg.det(m) * m
    return np.sum(np.abs(w) ** 2) + np.real(np.trace(np.linalg.matrix_power(m, 3)))


def matrix_fft(m):
    return np.sum(np.abs(np.fft.fft2(m)) ** 2 + np.real(np.fft.ifftn(m * m)))


def conversions(z):
    return np.sum(np.abs(np.complex128(z) * np.real_if_close(z * 1j)) ** 2) + np.sum(
        np.real(np.sort_complex(z)) * np.arange(3.0))


def signs(z):
    """NumPy's sign of a complex z is z / |z| (autograd's sign has no derivative)."""
    return np.sum(np.real(np.sign(z) * (1 - 2j)) + np.abs(np.sign(z * z) + z) ** 2)


REAL_VALUED = {f.__name__: (f, Z) for f in (
    holomorphic_parts, inverse_trig, powers, conjugates, angles, attributes, reductions,
    products, shapes, selection, power_spectrum, fft_pipeline, hermitian_transforms,
    conversions, signs)}
REAL_VALUED.update({f.__name__: (f, M) for f in (matrices, matrix_fft)})
# autograd has no rule (or method) for some of what these use: vdot, cumprod, flip,
# matrix_power, hfft, sort_complex, np.angle's deg, ndarray .conj() and .real.
NO_AUTOGRAD = {"attributes", "conversions", "hermitian_transforms", "products", "reductions",
               "shapes", "angles", "conjugates", "matrices", "signs"}


def autograd_parts(z):
    """What of those autograd differentiates: angle, conj, var, std, mean, dot, inner, outer."""
    w = np.angle(z) * np.abs(z) + np.real(np.conj(z) * z * (1 + 2j))
    return (np.sum(w) + np.var(z) + np.std(z * 1j) + np.abs(np.mean(z * z)) ** 2
            + np.imag(np.dot(z, z) + np.inner(z, z * 1j)) + np.abs(np.sum(np.outer(z, z))))


def autograd_matrices(m):
    w = np.linalg.inv(m) @ m.T + np.linalg.solve(m, m[0]) + np.linalg.det(m) * m
    return np.sum(np.abs(w) ** 2) + np.real(np.trace(m @ m @ m))


REAL_VALUED["autograd_parts"] = (autograd_parts, Z)
REAL_VALUED["autograd_matrices"] = (autograd_matrices, M)


def fd_gradient(f, z, h=1e-6):
    """``df/dx - i df/dy``, element by element, by central differences."""
    out = np.zeros(z.shape, complex)
    for k in range(z.size):
        e = np.zeros(z.shape)
        e.flat[k] = 1.0
        dx = (f(z + h * e) - f(z - h * e)) / (2 * h)
        dy = (f(z + 1j * h * e) - f(z - 1j * h * e)) / (2 * h)
        out.flat[k] = dx - 1j * dy
    return out


def with_autograd(f):
    """``f`` with ``np`` bound to ``autograd.numpy``."""
    anp = pytest.importorskip("autograd.numpy")
    return types.FunctionType(f.__code__, {**f.__globals__, "np": anp}, f.__name__)


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("name", list(REAL_VALUED))
def test_gradient_of_a_real_function_of_complex_values(name, optimized):
    f, z = REAL_VALUED[name]
    g = tangentlike.grad(f, optimized=optimized)(z)
    assert g.dtype == np.complex128 and g.shape == z.shape
    np.testing.assert_allclose(g, fd_gradient(f, z), rtol=1e-6, atol=1e-7)
    value, g2 = tangentlike.value_and_grad(f, optimized=optimized)(z)
    assert value == f(z)  # the generated function's value is f's, exactly
    np.testing.assert_array_equal(g2, g)


@pytest.mark.parametrize("name", sorted(set(REAL_VALUED) - NO_AUTOGRAD))
def test_gradient_is_autograds(name):
    autograd = pytest.importorskip("autograd")
    f, z = REAL_VALUED[name]
    np.testing.assert_allclose(tangentlike.grad(f)(z), autograd.grad(with_autograd(f))(z),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("name", list(REAL_VALUED))
def test_forward_mode_along_complex_directions(name, optimized):
    f, z = REAL_VALUED[name]
    v = DZ if z.ndim == 1 else DZ[:2] * DZ[:2, None]
    t = tangentlike.autodiff(f, mode="forward", optimized=optimized)(z, v)
    h = 1e-6
    np.testing.assert_allclose(t, (f(z + h * v) - f(z - h * v)) / (2 * h), rtol=1e-6, atol=1e-7)
    # the tangent is Re(<gradient, v>), the convention's pairing
    np.testing.assert_allclose(t, np.real(np.sum(tangentlike.grad(f)(z) * v)), rtol=1e-10)
    value, t2 = tangentlike.jvp(f)((z,), (v,))
    assert value == f(z)
    np.testing.assert_allclose(t2, t, rtol=1e-12)


def test_real_and_complex_arguments_together():
    def mixed(x, z):
        return np.sum(np.abs(x * z + np.exp(1j * x)) ** 2)

    ME.mixed = mixed
    x = np.array([0.2, -0.5, 0.9])
    gx, gz = tangentlike.grad(mixed, wrt=(0, 1))(x, Z)
    assert gx.dtype == np.float64 and gz.dtype == np.complex128
    np.testing.assert_allclose(gx, np.real(fd_gradient(lambda a: mixed(a, Z), x)), rtol=1e-6)
    np.testing.assert_allclose(gz, fd_gradient(lambda b: mixed(x, b), Z), rtol=1e-6)


def python_complex(z):
    return abs(z * z + 1j) ** 2 + (z * z.conjugate()).real


def test_python_complex_scalars():
    z = 0.3 - 1.2j
    g = tangentlike.grad(python_complex)(z)
    assert isinstance(g, complex)
    np.testing.assert_allclose(g, fd_gradient(lambda a: python_complex(a[0]), np.array([z]))[0],
                               rtol=1e-6)


def test_complex64_keeps_its_precision():
    z64 = Z.astype(np.complex64)
    g = tangentlike.grad(spectrum_power)(z64)
    assert g.dtype == np.complex64
    np.testing.assert_allclose(g, tangentlike.grad(spectrum_power)(Z), rtol=1e-5)
    x = np.array([0.3, -0.7, 1.1], np.float32)
    gx = tangentlike.grad(single_precision)(x)
    assert gx.dtype == np.float32
    np.testing.assert_allclose(gx, tangentlike.grad(double_precision)(x.astype(float)),
                               rtol=1e-5)


def spectrum_power(z):
    return np.sum(np.abs(np.fft.fft(z) * z) ** 2)


def single_precision(x):
    return np.sum(np.abs(np.complex64(x) * (1 + 2j)) ** 2)


def double_precision(x):
    return np.sum(np.abs(np.complex128(x) * (1 + 2j)) ** 2)


# --- complex outputs ----------------------------------------------------------------------------

def holomorphic(z):
    return np.sin(z) * z + np.exp(z * 0.5)


def holomorphic_derivative(z):
    return np.cos(z) * z + np.sin(z) + 0.5 * np.exp(z * 0.5)


def test_a_complex_output_has_no_gradient_as_in_autograd():
    with pytest.raises(InputError, match="output is complex") as info:
        tangentlike.grad(holomorphic)(0.3 + 0.4j)
    assert "1 + 0j" in str(info.value)  # the hint: a complex seed, or a real loss
    with pytest.raises(InputError, match="output is complex"):
        tangentlike.value_and_grad(holomorphic)(0.3 + 0.4j)
    autograd = pytest.importorskip("autograd")
    with pytest.raises(TypeError, match="real scalar-output"):
        autograd.grad(with_autograd(holomorphic))(0.3 + 0.4j)


def test_a_complex_seed_gives_the_complex_derivative():
    z = 0.3 + 0.4j
    g = tangentlike.grad(holomorphic)(z, 1 + 0j)
    np.testing.assert_allclose(g, holomorphic_derivative(z), rtol=1e-12)
    autograd = pytest.importorskip("autograd")
    np.testing.assert_allclose(g, autograd.holomorphic_grad(with_autograd(holomorphic))(z),
                               rtol=1e-12)


def test_forward_mode_of_a_holomorphic_function():
    t = tangentlike.autodiff(holomorphic, mode="forward")(Z, DZ)
    np.testing.assert_allclose(t, holomorphic_derivative(Z) * DZ, rtol=1e-12)
    t1 = tangentlike.autodiff(holomorphic, mode="forward")(Z, np.ones(3))  # a real direction
    np.testing.assert_allclose(t1, holomorphic_derivative(Z), rtol=1e-12)


def test_vjp_of_a_holomorphic_function_is_autograds():
    value, vjp_fn = tangentlike.vjp(holomorphic, Z)
    np.testing.assert_array_equal(value, holomorphic(Z))
    (c,) = vjp_fn(DZ)
    np.testing.assert_allclose(c, DZ * holomorphic_derivative(Z), rtol=1e-12)
    autograd = pytest.importorskip("autograd")
    theirs, _ = autograd.make_vjp(with_autograd(holomorphic))(Z)
    np.testing.assert_allclose(c, theirs(DZ), rtol=1e-12)


# --- refused: rules written for real values, second derivatives ---------------------------------

def eigh_of(m):
    return np.sum(np.linalg.eigh(m @ m.conj().T)[0])


def cholesky_of(m):
    return np.sum(np.abs(np.linalg.cholesky(m @ m.conj().T + 2.0 * np.eye(2))))


def svd_of(m):
    return np.sum(np.linalg.svd(m)[1])


def svdvals_of(m):
    return np.sum(np.linalg.svd(m, compute_uv=False))


def qr_of(m):
    return np.sum(np.abs(np.linalg.qr(m)[1]))


def slogdet_of(m):
    return np.linalg.slogdet(m)[1]


def pinv_of(m):
    return np.sum(np.abs(np.linalg.pinv(m)) ** 2)


def norm_of(z):
    return np.linalg.norm(z)


def sinc_of(z):
    return np.sum(np.abs(np.sinc(z)))


REFUSED = [(eigh_of, M, "eigh"), (cholesky_of, M, "cholesky"), (svd_of, M, "np.linalg.svd"),
           (svdvals_of, M, "np.linalg.svd"), (qr_of, M, "np.linalg.qr"),
           (slogdet_of, M, "np.linalg.slogdet"), (pinv_of, M, "np.linalg.pinv"),
           (norm_of, Z, "np.linalg.norm"),
           (sinc_of, Z, "np.sinc")]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, z, name", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_rules_for_real_values_refuse_complex_ones(f, z, name, mode):
    df = tangentlike.autodiff(f, mode=mode)
    with pytest.raises(ValueRefusedError, match="complex") as info:
        df(z, 1.0) if mode == "reverse" else df(z, np.ones(z.shape))
    assert name in str(info.value)


def test_real_inputs_to_those_rules_still_work():
    a = np.array([[2.0, 0.3], [0.3, 1.5]])
    for f in (eigh_of, cholesky_of, svd_of, svdvals_of, qr_of, slogdet_of, pinv_of, norm_of):
        g = tangentlike.grad(f)(a)
        assert g.dtype == np.float64
        np.testing.assert_allclose(g, np.real(fd_gradient(f, a)), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("entry", ["hvp", "hessian", "jacobian"])
def test_second_derivatives_of_complex_arguments_are_refused(entry):
    call = {"hvp": lambda: tangentlike.hvp(power_spectrum)(Z, DZ),
            "hessian": lambda: tangentlike.hessian(power_spectrum)(Z),
            "jacobian": lambda: tangentlike.jacobian(holomorphic)(Z)}[entry]
    with pytest.raises(InputError, match="complex arguments are not supported yet"):
        call()


def test_complex_tangent_of_a_real_argument_is_refused():
    with pytest.raises(InputError, match="complex, but its argument is real"):
        tangentlike.autodiff(power_spectrum, mode="forward")(np.ones(3), DZ)
