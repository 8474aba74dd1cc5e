"""numpy.fft: the discrete Fourier transforms and the frequency shifts, and the complex parts
``np.real``, ``np.imag``, ``np.conj``, ``np.angle``, ``np.real_if_close``, ``np.sort_complex``
and the complex types ``np.complex64``, ``np.complex128``, ``np.clongdouble``.

Complex derivatives follow autograd's convention (JAX's is the same): the adjoint ``c`` of a
complex ``z`` is such that a real loss changes by ``Re(c * dz)``, so the gradient of a real
function of ``z = x + iy`` is ``dL/dx - i dL/dy``, and the adjoint of a holomorphic function
is ``d[y] * f'(z)``, with no conjugate (the adjoint of ``x * y`` with respect to ``x`` is
``d[z] * y``).  So the adjoint of a complex-linear map is its transpose, and the DFT matrix
is symmetric: the adjoint of ``fft`` is ``fft`` (``ifft`` of ``ifft``), cut or zero-padded
back to the input's size when ``n``/``s`` resized it.  A real input gets the real part
(``fft_fit``, ``unbroadcast``): the gradient of a real function of real values is real, as
in autograd and JAX.  Tangents of complex values are complex directions: the tangent of a
holomorphic ``f`` is ``f'(z) * dz``.

``rfft`` is the first half of ``fft``: its adjoint is ``fft`` of the half spectrum's adjoint
zero-padded to the full length, real part.

``irfft``/``irfftn`` read only half of a Hermitian spectrum (and ignore the imaginary part of
the zero and Nyquist frequencies); their adjoint is ``ifft`` of the output's adjoint, kept on
the frequencies the transform reads and weighted by how often each appears in the full
spectrum (``hermitian_weights``: 1 for the zero and Nyquist frequencies, 2 for the others).
``hfft(a)`` is ``irfft(conj(a))`` with the opposite normalization, ``ihfft(a)`` is
``conj(rfft(a))`` with the opposite normalization.
"""
import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.arrays import cast_derivative, take_permuted, untake_permuted
from tangentlike.runtime.fft import fft_axes, fft_fit, fft_sizes, hermitian_weights

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(fft_axes, fft_sizes, hermitian_weights)


# ---------------------------------------------------------------------------------------------
# Complex parts.  ``x.real`` and ``x.imag`` are read as ``np.real(x)`` and ``np.imag(x)``;
# ``np.conj`` is ``np.conjugate`` (the methods ``x.conj()`` are with the elementwise rules).

@adjoint(np.real)
def real(y, val):
    d[val] = np.real(d[y])


@tangent(np.real)
def real_tangent(y, val):
    d[y] = np.real(d[val])


@adjoint(np.imag)
def imag(y, val):
    d[val] = fft_fit(-1j * np.real(d[y]), val)


@tangent(np.imag)
def imag_tangent(y, val):
    d[y] = np.imag(d[val])


@adjoint(np.conjugate)
def conjugate(y, x):
    d[x] = fft_fit(np.conjugate(d[y]), x)


@tangent(np.conjugate)
def conjugate_tangent(y, x):
    d[y] = np.conjugate(d[x])


# np.angle(z) = atan2(Im z, Re z): its derivative is Im(dz / z), so its adjoint is
# d[y] * (-1j / z) (autograd's g * conj(1j z) / |z|**2), the real part for a real z (whose
# angle, 0 or pi, is a constant).

@adjoint(np.angle)
def angle(y, z, deg=False):
    if deg:
        d[z] = unbroadcast(d[y] * (-57.29577951308232j / z), z)
    else:
        d[z] = unbroadcast(d[y] * (-1j / z), z)


@tangent(np.angle)
def angle_tangent(y, z, deg=False):
    if deg:
        d[y] = np.real(d[z] * (-57.29577951308232j / z))
    else:
        d[y] = np.real(d[z] * (-1j / z))


# np.real_if_close drops imaginary parts that are all close to zero: the identity, with the
# real part of the tangent when the result is real (autograd's match_complex).

@adjoint(np.real_if_close)
def real_if_close(y, a, tol=100):
    d[a] = unbroadcast(d[y], a)


@tangent(np.real_if_close)
def real_if_close_tangent(y, a, tol=100):
    d[y] = unbroadcast(d[a], y)


# np.sort_complex sorts along the last axis by real, then imaginary part (np.sort's order on
# complex values; a real input becomes complex128): the derivative moves as the elements do,
# and comes back in the input's precision.

@adjoint(np.sort_complex)
def sort_complex(y, a):
    d[a] = cast_derivative(unbroadcast(untake_permuted(d[y], a, np.argsort(a, axis=-1), -1), a),
                           a)


@tangent(np.sort_complex)
def sort_complex_tangent(y, a):
    d[y] = take_permuted(d[a], np.argsort(a, axis=-1), -1) + 0j


# The complex types as conversions: the identity in the type's precision; the adjoint in the
# input's precision (its real part for a real input).  The parameter is named as NumPy 2.2
# names it (np.complex128(real=0, imag=0)); a given imag part does not match the rule.

@adjoint(np.complex128)
def complex128(y, real):
    d[real] = cast_derivative(unbroadcast(d[y], real), real)


@tangent(np.complex128)
def complex128_tangent(y, real):
    d[y] = np.complex128(d[real])


@adjoint(np.complex64)
def complex64(y, real):
    d[real] = cast_derivative(unbroadcast(d[y], real), real)


@tangent(np.complex64)
def complex64_tangent(y, real):
    d[y] = np.complex64(d[real])


@adjoint(np.clongdouble)
def clongdouble(y, real):
    d[real] = cast_derivative(unbroadcast(d[y], real), real)


@tangent(np.clongdouble)
def clongdouble_tangent(y, real):
    d[y] = np.clongdouble(d[real])


# fft_fit(g, x) cuts or zero-pads g to x's shape (linear in g; its transpose fits back), and
# keeps the real part when x is real (the transpose of that is the embedding of the reals, once
# the adjoint of the real result is made real).

@adjoint(fft_fit)
def fft_fit_adjoint(y, g, x):
    d[g] = fft_fit(fft_fit(d[y], x), g)


@tangent(fft_fit)
def fft_fit_tangent(y, g, x):
    d[y] = fft_fit(d[g], x)


# ---------------------------------------------------------------------------------------------
# One-dimensional transforms.

@adjoint(np.fft.fft)
def fft(y, a, n=None, axis=-1, norm=None, out=None):
    d[a] = fft_fit(np.fft.fft(d[y], axis=axis, norm=norm), a)


@tangent(np.fft.fft)
def fft_tangent(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = np.fft.fft(d[a], n, axis, norm)


@adjoint(np.fft.ifft)
def ifft(y, a, n=None, axis=-1, norm=None, out=None):
    d[a] = fft_fit(np.fft.ifft(d[y], axis=axis, norm=norm), a)


@tangent(np.fft.ifft)
def ifft_tangent(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = np.fft.ifft(d[a], n, axis, norm)


@adjoint(np.fft.rfft)
def rfft(y, a, n=None, axis=-1, norm=None, out=None):
    # The full spectrum's transpose, on the half spectrum padded with zeros.
    if n is None:
        d[a] = fft_fit(np.fft.fft(d[y], np.shape(a)[axis], axis, norm), a)
    else:
        d[a] = fft_fit(np.fft.fft(d[y], n, axis, norm), a)


@tangent(np.fft.rfft)
def rfft_tangent(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = np.fft.rfft(d[a], n, axis, norm)


@adjoint(np.fft.irfft)
def irfft(y, a, n=None, axis=-1, norm=None, out=None):
    d[a] = fft_fit(np.fft.ifft(d[y], axis=axis, norm=norm), a) * hermitian_weights(y, a, axis)


@tangent(np.fft.irfft)
def irfft_tangent(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = np.fft.irfft(d[a], n, axis, norm)


# hfft(a, n) = irfft(conj(a), n) with the normalization swapped: the conjugate of irfft's
# adjoint, fft(conj(g)) with the normalization kept.  ihfft(a, n) = conj(rfft(a, n)) with the
# normalization swapped: rfft's adjoint of conj(g), the real part of ifft(g, n) (NumPy drops
# the imaginary part of a complex input: it has no derivative).

@adjoint(np.fft.hfft)
def hfft(y, a, n=None, axis=-1, norm=None, out=None):
    d[a] = (fft_fit(np.fft.fft(np.conjugate(d[y]), axis=axis, norm=norm), a)
            * hermitian_weights(y, a, axis))


@tangent(np.fft.hfft)
def hfft_tangent(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = np.fft.hfft(d[a], n, axis, norm)


@adjoint(np.fft.ihfft)
def ihfft(y, a, n=None, axis=-1, norm=None, out=None):
    if n is None:
        d[a] = fft_fit(np.real(np.fft.ifft(d[y], np.shape(a)[axis], axis, norm)), a)
    else:
        d[a] = fft_fit(np.real(np.fft.ifft(d[y], n, axis, norm)), a)


@tangent(np.fft.ihfft)
def ihfft_tangent(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = np.fft.ihfft(d[a], n, axis, norm)


# ---------------------------------------------------------------------------------------------
# Transforms over several axes.  ``fft_axes`` spells out the axes ``s`` implies when ``axes``
# is None (the last ``len(s)``), ``fft_sizes`` the lengths of the full (not halved) spectrum.

@adjoint(np.fft.fftn)
def fftn(y, a, s=None, axes=None, norm=None, out=None):
    if s is None:
        d[a] = fft_fit(np.fft.fftn(d[y], axes=axes, norm=norm), a)
    else:
        d[a] = fft_fit(np.fft.fftn(d[y], axes=fft_axes(a, s, axes), norm=norm), a)


@tangent(np.fft.fftn)
def fftn_tangent(y, a, s=None, axes=None, norm=None, out=None):
    d[y] = np.fft.fftn(d[a], s, axes, norm)


@adjoint(np.fft.ifftn)
def ifftn(y, a, s=None, axes=None, norm=None, out=None):
    if s is None:
        d[a] = fft_fit(np.fft.ifftn(d[y], axes=axes, norm=norm), a)
    else:
        d[a] = fft_fit(np.fft.ifftn(d[y], axes=fft_axes(a, s, axes), norm=norm), a)


@tangent(np.fft.ifftn)
def ifftn_tangent(y, a, s=None, axes=None, norm=None, out=None):
    d[y] = np.fft.ifftn(d[a], s, axes, norm)


@adjoint(np.fft.fft2)
def fft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] = fft_fit(np.fft.fft2(d[y], axes=axes, norm=norm), a)


@tangent(np.fft.fft2)
def fft2_tangent(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[y] = np.fft.fft2(d[a], s, axes, norm)


@adjoint(np.fft.ifft2)
def ifft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] = fft_fit(np.fft.ifft2(d[y], axes=axes, norm=norm), a)


@tangent(np.fft.ifft2)
def ifft2_tangent(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[y] = np.fft.ifft2(d[a], s, axes, norm)


@adjoint(np.fft.rfftn)
def rfftn(y, a, s=None, axes=None, norm=None, out=None):
    d[a] = fft_fit(np.fft.fftn(d[y], fft_sizes(a, s, axes), fft_axes(a, s, axes), norm), a)


@tangent(np.fft.rfftn)
def rfftn_tangent(y, a, s=None, axes=None, norm=None, out=None):
    d[y] = np.fft.rfftn(d[a], s, axes, norm)


@adjoint(np.fft.rfft2)
def rfft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] = fft_fit(np.fft.fftn(d[y], fft_sizes(a, s, axes), fft_axes(a, s, axes), norm), a)


@tangent(np.fft.rfft2)
def rfft2_tangent(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[y] = np.fft.rfft2(d[a], s, axes, norm)


@adjoint(np.fft.irfftn)
def irfftn(y, a, s=None, axes=None, norm=None, out=None):
    if s is None:
        d[a] = fft_fit(np.fft.ifftn(d[y], axes=axes, norm=norm), a) * hermitian_weights(y, a, axes)
    else:
        d[a] = (fft_fit(np.fft.ifftn(d[y], axes=fft_axes(a, s, axes), norm=norm), a)
                * hermitian_weights(y, a, axes))


@tangent(np.fft.irfftn)
def irfftn_tangent(y, a, s=None, axes=None, norm=None, out=None):
    d[y] = np.fft.irfftn(d[a], s, axes, norm)


@adjoint(np.fft.irfft2)
def irfft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] = fft_fit(np.fft.ifft2(d[y], axes=axes, norm=norm), a) * hermitian_weights(y, a, axes)


@tangent(np.fft.irfft2)
def irfft2_tangent(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[y] = np.fft.irfft2(d[a], s, axes, norm)


# ---------------------------------------------------------------------------------------------
# Frequency shifts: permutations, undone by each other.

@adjoint(np.fft.fftshift)
def fftshift(y, x, axes=None):
    d[x] = np.fft.ifftshift(d[y], axes)


@tangent(np.fft.fftshift)
def fftshift_tangent(y, x, axes=None):
    d[y] = np.fft.fftshift(d[x], axes)


@adjoint(np.fft.ifftshift)
def ifftshift(y, x, axes=None):
    d[x] = np.fft.fftshift(d[y], axes)


@tangent(np.fft.ifftshift)
def ifftshift_tangent(y, x, axes=None):
    d[y] = np.fft.ifftshift(d[x], axes)


# ---------------------------------------------------------------------------------------------
# Sample frequencies: k / (n * d), constants in the length n; in the spacing d, -y / d.

@adjoint(np.fft.fftfreq)
def fftfreq(y, n, d=1.0, device=None):
    d[d] = unbroadcast(-d[y] * y / d, d)


@tangent(np.fft.fftfreq)
def fftfreq_tangent(y, n, d=1.0, device=None):
    d[y] = -y * (d[d] / d)


@adjoint(np.fft.rfftfreq)
def rfftfreq(y, n, d=1.0, device=None):
    d[d] = unbroadcast(-d[y] * y / d, d)


@tangent(np.fft.rfftfreq)
def rfftfreq_tangent(y, n, d=1.0, device=None):
    d[y] = -y * (d[d] / d)
