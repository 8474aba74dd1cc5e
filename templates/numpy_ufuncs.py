"""NumPy's ufuncs written as functions (``np.add(x, y)`` for ``x + y``, ``np.divmod``,
``np.copysign``, ``np.heaviside``, ``np.frexp``, ``np.ldexp``, ``np.modf``, ``np.nextafter``,
``np.i0``, ``np.matvec``, ``np.vecmat``), conversions to a float type (``np.float32(x)``,
``np.asanyarray``, ...), and the functions of integer, boolean or dtype results.

The arithmetic ufuncs have the rules of Python's operators (templates/operators.py).  The
functions of several results (``np.divmod``, ``np.frexp``, ``np.modf``) give a tuple: its
integer-valued part carries no derivative.
"""
import numpy as np

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, non_differentiable, tangent
from tangentlike.runtime import broadcast_like, unbroadcast, zeros_like
from tangentlike.runtime.arrays import cast_derivative, unarray
from tangentlike.runtime.bessel import bessel_i
from tangentlike.runtime.casts import ufunc_input

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


# The operators as functions.


@elementwise(np.add)
def add(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(d[z], x2)


@elementwise(np.subtract)
def subtract(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(-d[z], x2)


@elementwise(np.multiply)
def multiply(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2, x1)
    d[x2] = unbroadcast(x1 * d[z], x2)


# np.true_divide is np.divide.
@elementwise(np.divide)
def divide(z, x1, x2):
    d[x1] = unbroadcast(d[z] / x2, x1)
    d[x2] = unbroadcast(-d[z] * z / x2, x2)


# divmod(x1, x2) is (x1 // x2, x1 % x2): the quotient is piecewise constant, the remainder
# has the derivative of % (templates/operators.py).
@adjoint(np.divmod)
def divmod_(z, x1, x2):
    d[x1] = unbroadcast(d[z][1], x1)
    d[x2] = unbroadcast(-d[z][1] * z[0], x2)


@tangent(np.divmod)
def divmod_tangent(z, x1, x2):
    d[z] = (zeros_like(z[0]), broadcast_like(d[x1], z[1]))
    d[z] = (zeros_like(z[0]), -d[x2] * z[0])


# Signs and steps: copysign(x1, x2) is |x1| with the sign of x2 (no derivative in x2, a
# sign); heaviside(x1, x2) is 0 below 0, 1 above and x2 at x1 == 0; nextafter(x1, x2) is x1
# moved by one step.


@elementwise(np.copysign)
def copysign(z, x1, x2):
    d[x1] = unbroadcast(d[z] * np.copysign(1.0, x1) * np.copysign(1.0, z), x1)


@elementwise(np.heaviside)
def heaviside(z, x1, x2):
    d[x2] = unbroadcast(np.where(x1 == 0, d[z], 0.0), x2)


@elementwise(np.nextafter)
def nextafter(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)


# frexp(x) is (m, e) with x = m * 2**e: m = ldexp(x, -e), e piecewise constant.  ldexp(x1, i)
# is x1 * 2**i for integers i.  modf(x) is (x - trunc(x), trunc(x)).
@adjoint(np.frexp)
def frexp(z, x):
    d[x] = np.ldexp(d[z][0], -z[1])


@tangent(np.frexp)
def frexp_tangent(z, x):
    d[z] = (np.ldexp(d[x], -z[1]), zeros_like(z[1]))


@adjoint(np.ldexp)
def ldexp(z, x1, x2):
    d[x1] = unbroadcast(np.ldexp(d[z], x2), x1)


@tangent(np.ldexp)
def ldexp_tangent(z, x1, x2):
    d[z] = np.ldexp(broadcast_like(d[x1], z), x2)


@adjoint(np.modf)
def modf(z, x):
    d[x] = d[z][0]


@tangent(np.modf)
def modf_tangent(z, x):
    d[z] = (d[x], zeros_like(z[1]))


declare(np.divmod, library=True, containers=True)
declare(np.frexp, library=True, containers=True)
declare(np.modf, library=True, containers=True)


# The modified Bessel function i0: i0' = i1, and I_n' = (I_(n-1) + I_(n+1)) / 2 (I_(-1) is I_1)
# for the derivatives of every order.
@elementwise(np.i0)
def i0(y, x):
    d[x] = d[y] * bessel_i(x, 1)


@elementwise(bessel_i)
def bessel_i_adjoint(y, x, n):
    d[x] = d[y] * (bessel_i(x, abs(n - 1)) + bessel_i(x, n + 1)) * 0.5


# Matrix times vector and vector times matrix (NumPy 2.2), over stacks that broadcast.
# vecmat conjugates its vector, conj(x1) @ x2: for complex values its adjoint in x1 is the
# conjugate (autograd's convention, as for np.conj); matvec is holomorphic.
if hasattr(np, "matvec"):
    @adjoint(np.matvec)
    def matvec(z, x1, x2):
        d[x1] = unbroadcast(d[z][..., :, None] * x2[..., None, :], x1)
        d[x2] = unbroadcast(np.matvec(np.matrix_transpose(x1), d[z]), x2)

    @tangent(np.matvec)
    def matvec_tangent(z, x1, x2):
        d[z] = np.matvec(d[x1], x2)
        d[z] = np.matvec(x1, d[x2])

    @adjoint(np.vecmat)
    def vecmat(z, x1, x2):
        d[x1] = unbroadcast(np.conj(np.matvec(x2, d[z])), x1)
        d[x2] = unbroadcast(np.conj(x1)[..., :, None] * d[z][..., None, :], x2)

    @tangent(np.vecmat)
    def vecmat_tangent(z, x1, x2):
        d[z] = np.vecmat(d[x1], x2)
        d[z] = np.vecmat(x1, d[x2])


# Conversions to a float type: the identity, then the cast (np.float32(x) of a float64 x);
# the derivative goes back in x's type.  np.float64(x) of a float64 array is x itself.
CONVERSIONS = (np.float16, np.float32, np.float64, np.longdouble)
for _type in CONVERSIONS:
    @adjoint(_type)
    def to_float(y, x):
        d[x] = unarray(d[y], x, y)

    @tangent(_type)
    def to_float_tangent(y, x):
        d[y] = cast_derivative(d[x], y)

    declare(_type, library=True, returns=Returns.VIEW)


@adjoint(np.asanyarray)
def asanyarray(y, a, dtype=None, order=None, *, device=None, copy=None, like=None):
    d[a] = unarray(d[y], a, y)


@tangent(np.asanyarray)
def asanyarray_tangent(y, a, dtype=None, order=None, *, device=None, copy=None,
                       like=None):
    d[y] = cast_derivative(d[a], y)


@adjoint(np.ascontiguousarray)
def ascontiguousarray(y, a, dtype=None, *, like=None):
    d[a] = unarray(d[y], a, y)


@tangent(np.ascontiguousarray)
def ascontiguousarray_tangent(y, a, dtype=None, *, like=None):
    d[y] = cast_derivative(d[a], y)


@adjoint(np.asfortranarray)
def asfortranarray(y, a, dtype=None, *, like=None):
    d[a] = unarray(d[y], a, y)


@tangent(np.asfortranarray)
def asfortranarray_tangent(y, a, dtype=None, *, like=None):
    d[y] = cast_derivative(d[a], y)


# asarray_chkfinite raises on a NaN or an infinity, and is np.asarray otherwise.
@adjoint(np.asarray_chkfinite)
def asarray_chkfinite(y, a, dtype=None, order=None):
    d[a] = unarray(d[y], a, y)


@tangent(np.asarray_chkfinite)
def asarray_chkfinite_tangent(y, a, dtype=None, order=None):
    d[y] = cast_derivative(d[a], y)


declare(np.asarray_chkfinite, library=True, returns=Returns.VIEW)


@adjoint(np.require)
def require(y, a, dtype=None, requirements=None, *, like=None):
    d[a] = unarray(d[y], a, y)


@tangent(np.require)
def require_tangent(y, a, dtype=None, requirements=None, *, like=None):
    d[y] = cast_derivative(d[a], y)


# A ufunc's dtype=T casts its inputs to T (frontend/ufunc_keywords.py): the derivative goes back
# in each input's type.
@adjoint(ufunc_input)
def ufunc_input_adjoint(y, x, dtype, casting="same_kind"):
    d[x] = unarray(d[y], x, y)


@tangent(ufunc_input)
def ufunc_input_tangent(y, x, dtype, casting="same_kind"):
    d[y] = cast_derivative(d[x], y)


# np.bincount(x, weights): the sums of the weights by bin; the counts alone are constants.
@adjoint(np.bincount)
def bincount(y, x, weights=None, minlength=0):
    d[weights] = cast_derivative(d[y][x], weights)  # (the sums are float64)


@tangent(np.bincount)
def bincount_tangent(y, x, weights=None, minlength=0):
    d[y] = np.bincount(x, d[weights], np.size(y))


# Integer, boolean, index and dtype results, and constant arrays of an integer size (the
# windows): no derivative.  np.spacing is the step between floats at x, a constant.
non_differentiable(
    np.bool, np.int8, np.int16, np.int32, np.int64, np.longlong, np.uint8, np.uint16,
    np.uint32, np.uint64, np.ulonglong,
    np.bitwise_count, np.spacing, np.isdtype, np.issubdtype, np.iterable, np.mintypecode,
    np.common_type, np.diag_indices_from, np.tril_indices_from, np.triu_indices_from, np.ix_,
    np.packbits, np.unpackbits, np.nanargmax, np.nanargmin, np.einsum_path, np.bartlett,
    np.blackman, np.hamming, np.hanning, np.linalg.matrix_rank,
)
if hasattr(np, "in1d"):
    non_differentiable(np.in1d)
