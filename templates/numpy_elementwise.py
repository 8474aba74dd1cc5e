"""NumPy's elementwise functions (ufuncs): one output element per input element."""
import numpy as np

from tangentlike.rules.primitive import Facts
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import broadcast_like, tie_share, unbroadcast
from tangentlike.runtime.elementwise import (
    abs_direction,
    abs_direction_derivative,
    clip_share,
    pow_log,
    sinc_derivative,
)

# Every function of this family computes a value and does nothing else.
FACTS = Facts(pure=True)

non_differentiable(clip_share, abs_direction_derivative)


@adjoint(np.sin)
def sin(y, x):
    d[x] = d[y] * np.cos(x)


@tangent(np.sin)
def sin_tangent(y, x):
    d[y] = d[x] * np.cos(x)


@adjoint(np.cos)
def cos(y, x):
    d[x] = -d[y] * np.sin(x)


@tangent(np.cos)
def cos_tangent(y, x):
    d[y] = -d[x] * np.sin(x)


@adjoint(np.tan)
def tan(y, x):
    d[x] = d[y] * (1.0 + y * y)


@tangent(np.tan)
def tan_tangent(y, x):
    d[y] = d[x] * (1.0 + y * y)


@adjoint(np.exp)
def exp(y, x):
    d[x] = d[y] * y


@tangent(np.exp)
def exp_tangent(y, x):
    d[y] = d[x] * y


@adjoint(np.log)
def log(y, x):
    d[x] = d[y] / x


@tangent(np.log)
def log_tangent(y, x):
    d[y] = d[x] / x


@adjoint(np.log1p)
def log1p(y, x):
    d[x] = d[y] / (1.0 + x)


@tangent(np.log1p)
def log1p_tangent(y, x):
    d[y] = d[x] / (1.0 + x)


@adjoint(np.sqrt)
def sqrt(y, x):
    d[x] = d[y] / (2.0 * y)


@tangent(np.sqrt)
def sqrt_tangent(y, x):
    d[y] = d[x] / (2.0 * y)


@adjoint(np.tanh)
def tanh(y, x):
    d[x] = d[y] * (1.0 - y * y)


@tangent(np.tanh)
def tanh_tangent(y, x):
    d[y] = d[x] * (1.0 - y * y)


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


@adjoint(np.negative)
def negative(y, x):
    d[x] = -d[y]


@tangent(np.negative)
def negative_tangent(y, x):
    d[y] = -d[x]


@adjoint(np.maximum)
def maximum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@tangent(np.maximum)
def maximum_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * tie_share(x1, z, x2), z)
    d[z] = broadcast_like(d[x2] * tie_share(x2, z, x1), z)


@adjoint(np.minimum)
def minimum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@tangent(np.minimum)
def minimum_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * tie_share(x1, z, x2), z)
    d[z] = broadcast_like(d[x2] * tie_share(x2, z, x1), z)


# Inverse trigonometric functions.


@adjoint(np.arcsin)
def arcsin(y, x):
    d[x] = d[y] / np.sqrt(1.0 - x * x)


@tangent(np.arcsin)
def arcsin_tangent(y, x):
    d[y] = d[x] / np.sqrt(1.0 - x * x)


@adjoint(np.arccos)
def arccos(y, x):
    d[x] = -d[y] / np.sqrt(1.0 - x * x)


@tangent(np.arccos)
def arccos_tangent(y, x):
    d[y] = -d[x] / np.sqrt(1.0 - x * x)


@adjoint(np.arctan)
def arctan(y, x):
    d[x] = d[y] / (1.0 + x * x)


@tangent(np.arctan)
def arctan_tangent(y, x):
    d[y] = d[x] / (1.0 + x * x)


# Hyperbolic functions and their inverses.


@adjoint(np.sinh)
def sinh(y, x):
    d[x] = d[y] * np.cosh(x)


@tangent(np.sinh)
def sinh_tangent(y, x):
    d[y] = d[x] * np.cosh(x)


@adjoint(np.cosh)
def cosh(y, x):
    d[x] = d[y] * np.sinh(x)


@tangent(np.cosh)
def cosh_tangent(y, x):
    d[y] = d[x] * np.sinh(x)


@adjoint(np.arcsinh)
def arcsinh(y, x):
    d[x] = d[y] / np.sqrt(x * x + 1.0)


@tangent(np.arcsinh)
def arcsinh_tangent(y, x):
    d[y] = d[x] / np.sqrt(x * x + 1.0)


@adjoint(np.arccosh)
def arccosh(y, x):
    d[x] = d[y] / np.sqrt(x * x - 1.0)


@tangent(np.arccosh)
def arccosh_tangent(y, x):
    d[y] = d[x] / np.sqrt(x * x - 1.0)


@adjoint(np.arctanh)
def arctanh(y, x):
    d[x] = d[y] / (1.0 - x * x)


@tangent(np.arctanh)
def arctanh_tangent(y, x):
    d[y] = d[x] / (1.0 - x * x)


# Exponentials, logarithms, powers.  The constants are literals (log 2, log 10, pi / 180):
# a Python float keeps float32 derivatives float32, a NumPy float64 would not.


@adjoint(np.exp2)
def exp2(y, x):
    d[x] = d[y] * y * 0.6931471805599453


@tangent(np.exp2)
def exp2_tangent(y, x):
    d[y] = d[x] * y * 0.6931471805599453


@adjoint(np.expm1)
def expm1(y, x):
    d[x] = d[y] * (y + 1.0)


@tangent(np.expm1)
def expm1_tangent(y, x):
    d[y] = d[x] * (y + 1.0)


@adjoint(np.log2)
def log2(y, x):
    d[x] = d[y] / (x * 0.6931471805599453)


@tangent(np.log2)
def log2_tangent(y, x):
    d[y] = d[x] / (x * 0.6931471805599453)


@adjoint(np.log10)
def log10(y, x):
    d[x] = d[y] / (x * 2.302585092994046)


@tangent(np.log10)
def log10_tangent(y, x):
    d[y] = d[x] / (x * 2.302585092994046)


@adjoint(np.square)
def square(y, x):
    d[x] = d[y] * 2.0 * x


@tangent(np.square)
def square_tangent(y, x):
    d[y] = d[x] * 2.0 * x


@adjoint(np.reciprocal)
def reciprocal(y, x):
    d[x] = -d[y] * y * y


@tangent(np.reciprocal)
def reciprocal_tangent(y, x):
    d[y] = -d[x] * y * y


@adjoint(np.cbrt)
def cbrt(y, x):
    d[x] = d[y] / (3.0 * y * y)


@tangent(np.cbrt)
def cbrt_tangent(y, x):
    d[y] = d[x] / (3.0 * y * y)


# pow_log(x1, z) is log(x1), 0 where x1 == 0, in the type of z (see tangentlike.runtime).
@adjoint(np.power)
def power(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2 * x1 ** (x2 - 1), x1)
    d[x2] = unbroadcast(d[z] * z * pow_log(x1, z), x2)


@tangent(np.power)
def power_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * x2 * x1 ** (x2 - 1), z)
    d[z] = broadcast_like(d[x2] * z * pow_log(x1, z), z)


@adjoint(np.float_power)
def float_power(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2 * np.float_power(x1, x2 - 1), x1)
    d[x2] = unbroadcast(d[z] * z * pow_log(x1, z), x2)


@tangent(np.float_power)
def float_power_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * x2 * np.float_power(x1, x2 - 1), z)
    d[z] = broadcast_like(d[x2] * z * pow_log(x1, z), z)


# z only gives the type: no derivative flows into it.  At x == 0 the log was replaced by a
# constant, so the derivative is 0 there.
@adjoint(pow_log)
def pow_log_adjoint(r, x, z):
    d[x] = d[r] * (x != 0) / (x + (x == 0))


@tangent(pow_log)
def pow_log_tangent(r, x, z):
    d[r] = d[x] * (x != 0) / (x + (x == 0))


@adjoint(np.logaddexp)
def logaddexp(z, x1, x2):
    d[x1] = unbroadcast(d[z] * np.exp(x1 - z), x1)
    d[x2] = unbroadcast(d[z] * np.exp(x2 - z), x2)


@tangent(np.logaddexp)
def logaddexp_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * np.exp(x1 - z), z)
    d[z] = broadcast_like(d[x2] * np.exp(x2 - z), z)


@adjoint(np.logaddexp2)
def logaddexp2(z, x1, x2):
    d[x1] = unbroadcast(d[z] * np.exp2(x1 - z), x1)
    d[x2] = unbroadcast(d[z] * np.exp2(x2 - z), x2)


@tangent(np.logaddexp2)
def logaddexp2_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * np.exp2(x1 - z), z)
    d[z] = broadcast_like(d[x2] * np.exp2(x2 - z), z)


# Angles and distances.


# sinc_derivative(x, n) is the n-th derivative of sinc, exact at 0 and near it (where
# (cos(pi x) - sinc(x)) / x loses its digits), so derivatives of every order are exact.
@adjoint(np.sinc)
def sinc(y, x):
    d[x] = d[y] * sinc_derivative(x, 1)


@tangent(np.sinc)
def sinc_tangent(y, x):
    d[y] = d[x] * sinc_derivative(x, 1)


@adjoint(sinc_derivative)
def sinc_derivative_adjoint(y, x, n=1):
    d[x] = d[y] * sinc_derivative(x, n + 1)


@tangent(sinc_derivative)
def sinc_derivative_tangent(y, x, n=1):
    d[y] = d[x] * sinc_derivative(x, n + 1)


@adjoint(np.deg2rad)
def deg2rad(y, x):
    d[x] = d[y] * 0.017453292519943295


@tangent(np.deg2rad)
def deg2rad_tangent(y, x):
    d[y] = d[x] * 0.017453292519943295


@adjoint(np.radians)
def radians(y, x):
    d[x] = d[y] * 0.017453292519943295


@tangent(np.radians)
def radians_tangent(y, x):
    d[y] = d[x] * 0.017453292519943295


@adjoint(np.rad2deg)
def rad2deg(y, x):
    d[x] = d[y] * 57.29577951308232


@tangent(np.rad2deg)
def rad2deg_tangent(y, x):
    d[y] = d[x] * 57.29577951308232


@adjoint(np.degrees)
def degrees(y, x):
    d[x] = d[y] * 57.29577951308232


@tangent(np.degrees)
def degrees_tangent(y, x):
    d[y] = d[x] * 57.29577951308232


@adjoint(np.arctan2)
def arctan2(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2 / (x1 * x1 + x2 * x2), x1)
    d[x2] = unbroadcast(-d[z] * x1 / (x1 * x1 + x2 * x2), x2)


@tangent(np.arctan2)
def arctan2_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * x2 / (x1 * x1 + x2 * x2), z)
    d[z] = broadcast_like(-d[x2] * x1 / (x1 * x1 + x2 * x2), z)


@adjoint(np.hypot)
def hypot(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x1 / z, x1)
    d[x2] = unbroadcast(d[z] * x2 / z, x2)


@tangent(np.hypot)
def hypot_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * x1 / z, z)
    d[z] = broadcast_like(d[x2] * x2 / z, z)


# Piecewise functions: the derivative of the piece each element is on.  Ties of fmax / fmin
# share the derivative equally, as maximum / minimum do; a NaN operand is never chosen.


@adjoint(np.fabs)
def fabs(y, x):
    d[x] = d[y] * np.sign(x)


@tangent(np.fabs)
def fabs_tangent(y, x):
    d[y] = d[x] * np.sign(x)


@adjoint(np.fmax)
def fmax(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@tangent(np.fmax)
def fmax_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * tie_share(x1, z, x2), z)
    d[z] = broadcast_like(d[x2] * tie_share(x2, z, x1), z)


@adjoint(np.fmin)
def fmin(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@tangent(np.fmin)
def fmin_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * tie_share(x1, z, x2), z)
    d[z] = broadcast_like(d[x2] * tie_share(x2, z, x1), z)


# np.mod is np.remainder: x1 - floor(x1 / x2) * x2, as Python's %.
@adjoint(np.mod)
def mod(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(-d[z] * np.floor_divide(x1, x2), x2)


@tangent(np.mod)
def mod_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1], z)
    d[z] = broadcast_like(-d[x2] * np.floor_divide(x1, x2), z)


# C's fmod: x1 - trunc(x1 / x2) * x2.
@adjoint(np.fmod)
def fmod(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(-d[z] * np.trunc(x1 / x2), x2)


@tangent(np.fmod)
def fmod_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1], z)
    d[z] = broadcast_like(-d[x2] * np.trunc(x1 / x2), z)


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


@adjoint(np.ndarray.clip)
def clip_method(y, self, min=None, max=None):
    d[self] = unbroadcast(d[y] * clip_share(self, y, min, max, 0), self)
    d[min] = unbroadcast(d[y] * clip_share(self, y, min, max, 1), min)
    d[max] = unbroadcast(d[y] * clip_share(self, y, min, max, 2), max)


@tangent(np.ndarray.clip)
def clip_method_tangent(y, self, min=None, max=None):
    d[y] = broadcast_like(d[self] * clip_share(self, y, min, max, 0), y)
    d[y] = broadcast_like(d[min] * clip_share(self, y, min, max, 1), y)
    d[y] = broadcast_like(d[max] * clip_share(self, y, min, max, 2), y)


@adjoint(np.where)
def where(out, condition, x, y):
    d[x] = unbroadcast(np.where(condition, d[out], 0.0), x)
    d[y] = unbroadcast(np.where(condition, 0.0, d[out]), y)


@tangent(np.where)
def where_tangent(out, condition, x, y):
    d[out] = broadcast_like(np.where(condition, d[x], 0.0), out)
    d[out] = broadcast_like(np.where(condition, 0.0, d[y]), out)


# nan_to_num: the identity on finite elements; the replaced NaNs and infinities are constants.
@adjoint(np.nan_to_num)
def nan_to_num(y, x, copy=True, nan=0.0, posinf=None, neginf=None):
    d[x] = np.where(np.isfinite(x), d[y], 0.0)


@tangent(np.nan_to_num)
def nan_to_num_tangent(y, x, copy=True, nan=0.0, posinf=None, neginf=None):
    d[y] = np.where(np.isfinite(x), d[x], 0.0)


# The identity, and the conjugate as a method (np.conj, np.real and np.imag are with the complex
# rules in numpy_fft.py).  The adjoint of a conjugate is the conjugate of the adjoint.


@adjoint(np.positive)
def positive(y, x):
    d[x] = d[y]


@tangent(np.positive)
def positive_tangent(y, x):
    d[y] = d[x]


@adjoint(np.ndarray.conjugate)
def conjugate_method(y, self):
    d[self] = d[y].conjugate()


@tangent(np.ndarray.conjugate)
def conjugate_method_tangent(y, self):
    d[y] = d[self].conjugate()


@adjoint(np.ndarray.conj)
def conj_method(y, self):
    d[self] = d[y].conjugate()


@tangent(np.ndarray.conj)
def conj_method_tangent(y, self):
    d[y] = d[self].conjugate()
