"""NumPy's elementwise functions (ufuncs): one output element per input element."""
import math

import numpy as np

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, non_differentiable, tangent
from tangentlike.runtime import broadcast_like, tie_share, unbroadcast
from tangentlike.runtime.elementwise import (
    abs_direction,
    abs_direction_derivative,
    clip_share,
    finite_elements,
    pow_log,
    sign_adjoint,
    sign_derivative_derivative,
    sign_tangent,
    sinc_derivative,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(clip_share, abs_direction_derivative, finite_elements,
                   sign_derivative_derivative)


@elementwise(np.sin, math.sin)
def sin(y, x):
    d[x] = d[y] * np.cos(x)


@elementwise(np.cos, math.cos)
def cos(y, x):
    d[x] = -d[y] * np.sin(x)


@elementwise(np.tan, math.tan)
def tan(y, x):
    d[x] = d[y] * (1.0 + y * y)


@elementwise(np.exp, math.exp)
def exp(y, x):
    d[x] = d[y] * y


@elementwise(np.log, math.log)
def log(y, x):
    d[x] = d[y] / x


@elementwise(np.log1p, math.log1p)
def log1p(y, x):
    d[x] = d[y] / (1.0 + x)


@elementwise(np.sqrt, math.sqrt)
def sqrt(y, x):
    d[x] = d[y] / (2.0 * y)


@elementwise(np.tanh, math.tanh)
def tanh(y, x):
    d[x] = d[y] * (1.0 - y * y)


@adjoint(np.abs)
def absolute(y, x):
    d[x] = d[y] * abs_direction(x)


@tangent(np.abs)
def absolute_tangent(y, x):
    d[y] = np.real(d[x] * abs_direction(x))  # |x| is real, also for a complex x


@adjoint(abs_direction)
def abs_direction_adjoint(s, x):
    d[x] = abs_direction_derivative(d[s], x)


@tangent(abs_direction)
def abs_direction_tangent(s, x):
    d[s] = abs_direction_derivative(d[x], x)


# np.sign is piecewise constant on real values (derivative 0); NumPy's sign of a complex x is
# x / |x|, which has a derivative (sign_tangent, sign_adjoint).
@adjoint(np.sign)
def sign(y, x):
    d[x] = sign_adjoint(d[y], x)


@tangent(np.sign)
def sign_tangent_rule(y, x):
    d[y] = sign_tangent(d[x], x)


# sign_adjoint and sign_tangent are linear in their first argument; their derivative in x is
# zero for real x (complex: refused).
@adjoint(sign_adjoint)
def sign_adjoint_adjoint(z, g, x):
    d[g] = sign_adjoint(d[z], x)
    d[x] = sign_derivative_derivative(d[z], x)


@tangent(sign_adjoint)
def sign_adjoint_tangent(z, g, x):
    d[z] = sign_adjoint(d[g], x)
    d[z] = sign_derivative_derivative(d[x], x)


@adjoint(sign_tangent)
def sign_tangent_adjoint(z, t, x):
    d[t] = sign_adjoint(d[z], x)
    d[x] = sign_derivative_derivative(d[z], x)


@tangent(sign_tangent)
def sign_tangent_tangent(z, t, x):
    d[z] = sign_tangent(d[t], x)
    d[z] = sign_derivative_derivative(d[x], x)


@elementwise(np.negative)
def negative(y, x):
    d[x] = -d[y]


@elementwise(np.maximum)
def maximum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@elementwise(np.minimum)
def minimum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


# Inverse trigonometric functions.


@elementwise(np.arcsin, math.asin)
def arcsin(y, x):
    d[x] = d[y] / np.sqrt(1.0 - x * x)


@elementwise(np.arccos, math.acos)
def arccos(y, x):
    d[x] = -d[y] / np.sqrt(1.0 - x * x)


@elementwise(np.arctan, math.atan)
def arctan(y, x):
    d[x] = d[y] / (1.0 + x * x)


# Hyperbolic functions and their inverses.


@elementwise(np.sinh, math.sinh)
def sinh(y, x):
    d[x] = d[y] * np.cosh(x)


@elementwise(np.cosh, math.cosh)
def cosh(y, x):
    d[x] = d[y] * np.sinh(x)


@elementwise(np.arcsinh, math.asinh)
def arcsinh(y, x):
    d[x] = d[y] / np.sqrt(x * x + 1.0)


@elementwise(np.arccosh, math.acosh)
def arccosh(y, x):
    d[x] = d[y] / np.sqrt(x * x - 1.0)


@elementwise(np.arctanh, math.atanh)
def arctanh(y, x):
    d[x] = d[y] / (1.0 - x * x)


# Exponentials, logarithms, powers.  The constants are literals (log 2, log 10, pi / 180):
# a Python float keeps float32 derivatives float32, a NumPy float64 would not.


@elementwise(np.exp2)
def exp2(y, x):
    d[x] = d[y] * y * 0.6931471805599453


@elementwise(np.expm1, math.expm1)
def expm1(y, x):
    d[x] = d[y] * (y + 1.0)


@elementwise(np.log2, math.log2)
def log2(y, x):
    d[x] = d[y] / (x * 0.6931471805599453)


@elementwise(np.log10, math.log10)
def log10(y, x):
    d[x] = d[y] / (x * 2.302585092994046)


@elementwise(np.square)
def square(y, x):
    d[x] = d[y] * 2.0 * x


@elementwise(np.reciprocal)
def reciprocal(y, x):
    d[x] = -d[y] * y * y


@elementwise(np.cbrt)
def cbrt(y, x):
    d[x] = d[y] / (3.0 * y * y)


# pow_log(x1, z) is log(x1), 0 where x1 == 0, in the type of z (see tangentlike.runtime).
@elementwise(np.power)
def power(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2 * x1 ** (x2 - 1), x1)
    d[x2] = unbroadcast(d[z] * z * pow_log(x1, z), x2)


@elementwise(np.float_power)
def float_power(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2 * np.float_power(x1, x2 - 1), x1)
    d[x2] = unbroadcast(d[z] * z * pow_log(x1, z), x2)


# z only gives the type: no derivative flows into it.  At x == 0 the log was replaced by a
# constant, so the derivative is 0 there.
@elementwise(pow_log)
def pow_log_adjoint(r, x, z):
    d[x] = d[r] * (x != 0) / (x + (x == 0))


@elementwise(np.logaddexp)
def logaddexp(z, x1, x2):
    d[x1] = unbroadcast(d[z] * np.exp(x1 - z), x1)
    d[x2] = unbroadcast(d[z] * np.exp(x2 - z), x2)


@elementwise(np.logaddexp2)
def logaddexp2(z, x1, x2):
    d[x1] = unbroadcast(d[z] * np.exp2(x1 - z), x1)
    d[x2] = unbroadcast(d[z] * np.exp2(x2 - z), x2)


# Angles and distances.


# sinc_derivative(x, n) is the n-th derivative of sinc, exact at 0 and near it (where
# (cos(pi x) - sinc(x)) / x loses its digits), so derivatives of every order are exact.
@elementwise(np.sinc)
def sinc(y, x):
    d[x] = d[y] * sinc_derivative(x, 1)


@elementwise(sinc_derivative)
def sinc_derivative_adjoint(y, x, n=1):
    d[x] = d[y] * sinc_derivative(x, n + 1)


@elementwise(np.deg2rad)
def deg2rad(y, x):
    d[x] = d[y] * 0.017453292519943295


@elementwise(np.radians, math.radians)
def radians(y, x):
    d[x] = d[y] * 0.017453292519943295


@elementwise(np.rad2deg)
def rad2deg(y, x):
    d[x] = d[y] * 57.29577951308232


@elementwise(np.degrees, math.degrees)
def degrees(y, x):
    d[x] = d[y] * 57.29577951308232


@elementwise(np.arctan2)
def arctan2(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2 / (x1 * x1 + x2 * x2), x1)
    d[x2] = unbroadcast(-d[z] * x1 / (x1 * x1 + x2 * x2), x2)


@elementwise(np.hypot)
def hypot(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x1 / z, x1)
    d[x2] = unbroadcast(d[z] * x2 / z, x2)


# Piecewise functions: the derivative of the piece each element is on.  Ties of fmax / fmin
# share the derivative equally, as maximum / minimum do; a NaN operand is never chosen.


@elementwise(np.fabs)
def fabs(y, x):
    d[x] = d[y] * np.sign(x)


@elementwise(np.fmax)
def fmax(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@elementwise(np.fmin)
def fmin(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


# np.mod is np.remainder: x1 - floor(x1 / x2) * x2, as Python's %.
@elementwise(np.mod)
def mod(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(-d[z] * np.floor_divide(x1, x2), x2)


# C's fmod: x1 - trunc(x1 / x2) * x2.
@elementwise(np.fmod)
def fmod(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(-d[z] * np.trunc(x1 / x2), x2)


# np.clip(a, lo, hi) is np.minimum(np.maximum(a, lo), hi): the derivative goes to a where
# lo < a < hi and to the active bound elsewhere (shared at ties).  A bound may be None.
@adjoint(np.clip)
def clip(y, a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    if min is None and max is None:
        d[a] = unbroadcast(d[y] * clip_share(a, y, a_min, a_max, 0), a)
        d[a_min] = unbroadcast(d[y] * clip_share(a, y, a_min, a_max, 1), a_min)
        d[a_max] = unbroadcast(d[y] * clip_share(a, y, a_min, a_max, 2), a_max)
    elif max is None:  # np.clip(a, min=lo), NumPy's other spelling of the bounds
        d[a] = unbroadcast(d[y] * clip_share(a, y, min, a_max, 0), a)
        d[min] = unbroadcast(d[y] * clip_share(a, y, min, a_max, 1), min)
        d[a_max] = unbroadcast(d[y] * clip_share(a, y, min, a_max, 2), a_max)
    elif min is None:
        d[a] = unbroadcast(d[y] * clip_share(a, y, a_min, max, 0), a)
        d[a_min] = unbroadcast(d[y] * clip_share(a, y, a_min, max, 1), a_min)
        d[max] = unbroadcast(d[y] * clip_share(a, y, a_min, max, 2), max)
    else:
        d[a] = unbroadcast(d[y] * clip_share(a, y, min, max, 0), a)
        d[min] = unbroadcast(d[y] * clip_share(a, y, min, max, 1), min)
        d[max] = unbroadcast(d[y] * clip_share(a, y, min, max, 2), max)


@tangent(np.clip)
def clip_tangent(y, a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    if min is None and max is None:
        d[y] = broadcast_like(d[a] * clip_share(a, y, a_min, a_max, 0), y)
        d[y] = broadcast_like(d[a_min] * clip_share(a, y, a_min, a_max, 1), y)
        d[y] = broadcast_like(d[a_max] * clip_share(a, y, a_min, a_max, 2), y)
    elif max is None:
        d[y] = broadcast_like(d[a] * clip_share(a, y, min, a_max, 0), y)
        d[y] = broadcast_like(d[min] * clip_share(a, y, min, a_max, 1), y)
        d[y] = broadcast_like(d[a_max] * clip_share(a, y, min, a_max, 2), y)
    elif min is None:
        d[y] = broadcast_like(d[a] * clip_share(a, y, a_min, max, 0), y)
        d[y] = broadcast_like(d[a_min] * clip_share(a, y, a_min, max, 1), y)
        d[y] = broadcast_like(d[max] * clip_share(a, y, a_min, max, 2), y)
    else:
        d[y] = broadcast_like(d[a] * clip_share(a, y, min, max, 0), y)
        d[y] = broadcast_like(d[min] * clip_share(a, y, min, max, 1), y)
        d[y] = broadcast_like(d[max] * clip_share(a, y, min, max, 2), y)


@elementwise(np.ndarray.clip)
def clip_method(y, self, min=None, max=None):
    d[self] = unbroadcast(d[y] * clip_share(self, y, min, max, 0), self)
    d[min] = unbroadcast(d[y] * clip_share(self, y, min, max, 1), min)
    d[max] = unbroadcast(d[y] * clip_share(self, y, min, max, 2), max)


@elementwise(np.where)
def where(out, condition, x, y):
    d[x] = unbroadcast(np.where(condition, d[out], 0.0), x)
    d[y] = unbroadcast(np.where(condition, 0.0, d[out]), y)


# np.where(condition) alone is np.nonzero(condition): its shape follows from the values.
declare(np.where, library=True, shape_below=(2, Shape.FROM_STATIC_ARGUMENTS))


# nan_to_num: the identity on finite elements; the replaced NaNs and infinities are constants.
@elementwise(np.nan_to_num)
def nan_to_num(y, x, copy=True, nan=0.0, posinf=None, neginf=None):
    d[x] = np.where(finite_elements(x), d[y], 0.0)


# The identity, and the conjugate as a method (np.conj, np.real and np.imag are with the complex
# rules in numpy_fft.py).  The adjoint of a conjugate is the conjugate of the adjoint.


@elementwise(np.positive)
def positive(y, x):
    d[x] = d[y]


@elementwise(np.ndarray.conjugate)
def conjugate_method(y, self):
    d[self] = d[y].conjugate()


@elementwise(np.ndarray.conj)
def conj_method(y, self):
    d[self] = np.conjugate(d[y])  # Dask's arrays have .conj but no .conjugate

