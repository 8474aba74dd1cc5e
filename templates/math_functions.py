"""The ``math`` module: scalar code on Python floats keeps its derivative on Python floats."""
import math

from tangentlike.rules.primitive import Facts
from tangentlike.rules.registry import adjoint, d, tangent

# Every function of this family computes a value and does nothing else.
FACTS = Facts(pure=True)


@adjoint(math.sin)
def sin(y, x):
    d[x] = d[y] * math.cos(x)


@tangent(math.sin)
def sin_tangent(y, x):
    d[y] = d[x] * math.cos(x)


@adjoint(math.cos)
def cos(y, x):
    d[x] = -d[y] * math.sin(x)


@tangent(math.cos)
def cos_tangent(y, x):
    d[y] = -d[x] * math.sin(x)


@adjoint(math.tan)
def tan(y, x):
    d[x] = d[y] * (1.0 + y * y)


@tangent(math.tan)
def tan_tangent(y, x):
    d[y] = d[x] * (1.0 + y * y)


@adjoint(math.exp)
def exp(y, x):
    d[x] = d[y] * y


@tangent(math.exp)
def exp_tangent(y, x):
    d[y] = d[x] * y


@adjoint(math.log)
def log(y, x):
    d[x] = d[y] / x


@tangent(math.log)
def log_tangent(y, x):
    d[y] = d[x] / x


@adjoint(math.log1p)
def log1p(y, x):
    d[x] = d[y] / (1.0 + x)


@tangent(math.log1p)
def log1p_tangent(y, x):
    d[y] = d[x] / (1.0 + x)


@adjoint(math.sqrt)
def sqrt(y, x):
    d[x] = d[y] / (2.0 * y)


@tangent(math.sqrt)
def sqrt_tangent(y, x):
    d[y] = d[x] / (2.0 * y)


@adjoint(math.tanh)
def tanh(y, x):
    d[x] = d[y] * (1.0 - y * y)


@tangent(math.tanh)
def tanh_tangent(y, x):
    d[y] = d[x] * (1.0 - y * y)


@adjoint(math.fabs)
def fabs(y, x):
    d[x] = d[y] * math.copysign(1.0, x)


@tangent(math.fabs)
def fabs_tangent(y, x):
    d[y] = d[x] * math.copysign(1.0, x)


@adjoint(math.pow)
def pow(z, x, y):
    d[x] = d[z] * y * math.pow(x, y - 1.0)
    d[y] = d[z] * z * math.log(x)


@tangent(math.pow)
def pow_tangent(z, x, y):
    d[z] = d[x] * y * math.pow(x, y - 1.0)
    d[z] = d[y] * z * math.log(x)


# Inverse trigonometric and hyperbolic functions, logarithms and exponentials in other bases,
# angles and remainders: the derivatives of numpy_elementwise.py's, on Python floats (the
# constants are literals: log 2, log 10, pi / 180).


@adjoint(math.asin)
def asin(y, x):
    d[x] = d[y] / math.sqrt(1.0 - x * x)


@tangent(math.asin)
def asin_tangent(y, x):
    d[y] = d[x] / math.sqrt(1.0 - x * x)


@adjoint(math.acos)
def acos(y, x):
    d[x] = -d[y] / math.sqrt(1.0 - x * x)


@tangent(math.acos)
def acos_tangent(y, x):
    d[y] = -d[x] / math.sqrt(1.0 - x * x)


@adjoint(math.atan)
def atan(y, x):
    d[x] = d[y] / (1.0 + x * x)


@tangent(math.atan)
def atan_tangent(y, x):
    d[y] = d[x] / (1.0 + x * x)


@adjoint(math.atan2)
def atan2(z, y, x):
    d[y] = d[z] * x / (x * x + y * y)
    d[x] = -d[z] * y / (x * x + y * y)


@tangent(math.atan2)
def atan2_tangent(z, y, x):
    d[z] = d[y] * x / (x * x + y * y)
    d[z] = -d[x] * y / (x * x + y * y)


@adjoint(math.sinh)
def sinh(y, x):
    d[x] = d[y] * math.cosh(x)


@tangent(math.sinh)
def sinh_tangent(y, x):
    d[y] = d[x] * math.cosh(x)


@adjoint(math.cosh)
def cosh(y, x):
    d[x] = d[y] * math.sinh(x)


@tangent(math.cosh)
def cosh_tangent(y, x):
    d[y] = d[x] * math.sinh(x)


@adjoint(math.asinh)
def asinh(y, x):
    d[x] = d[y] / math.sqrt(x * x + 1.0)


@tangent(math.asinh)
def asinh_tangent(y, x):
    d[y] = d[x] / math.sqrt(x * x + 1.0)


@adjoint(math.acosh)
def acosh(y, x):
    d[x] = d[y] / math.sqrt(x * x - 1.0)


@tangent(math.acosh)
def acosh_tangent(y, x):
    d[y] = d[x] / math.sqrt(x * x - 1.0)


@adjoint(math.atanh)
def atanh(y, x):
    d[x] = d[y] / (1.0 - x * x)


@tangent(math.atanh)
def atanh_tangent(y, x):
    d[y] = d[x] / (1.0 - x * x)


@adjoint(math.expm1)
def expm1(y, x):
    d[x] = d[y] * (y + 1.0)


@tangent(math.expm1)
def expm1_tangent(y, x):
    d[y] = d[x] * (y + 1.0)


@adjoint(math.log2)
def log2(y, x):
    d[x] = d[y] / (x * 0.6931471805599453)


@tangent(math.log2)
def log2_tangent(y, x):
    d[y] = d[x] / (x * 0.6931471805599453)


@adjoint(math.log10)
def log10(y, x):
    d[x] = d[y] / (x * 2.302585092994046)


@tangent(math.log10)
def log10_tangent(y, x):
    d[y] = d[x] / (x * 2.302585092994046)


@adjoint(math.degrees)
def degrees(y, x):
    d[x] = d[y] * 57.29577951308232


@tangent(math.degrees)
def degrees_tangent(y, x):
    d[y] = d[x] * 57.29577951308232


@adjoint(math.radians)
def radians(y, x):
    d[x] = d[y] * 0.017453292519943295


@tangent(math.radians)
def radians_tangent(y, x):
    d[y] = d[x] * 0.017453292519943295


# fmod(x, y) = x - trunc(x / y) y (int() truncates); remainder(x, y) = x - round(x / y) y
# (round() rounds half to even, as IEEE's remainder does).  Both jump where x / y is a whole
# number (or half one); elsewhere the quotient is constant.
@adjoint(math.fmod)
def fmod(z, x, y):
    d[x] = d[z]
    d[y] = -d[z] * int(x / y)


@tangent(math.fmod)
def fmod_tangent(z, x, y):
    d[z] = d[x]
    d[z] = -d[y] * int(x / y)


@adjoint(math.remainder)
def remainder(z, x, y):
    d[x] = d[z]
    d[y] = -d[z] * round(x / y)


@tangent(math.remainder)
def remainder_tangent(z, x, y):
    d[z] = d[x]
    d[z] = -d[y] * round(x / y)


if hasattr(math, "cbrt"):  # Python 3.11

    @adjoint(math.exp2)
    def exp2(y, x):
        d[x] = d[y] * y * 0.6931471805599453

    @tangent(math.exp2)
    def exp2_tangent(y, x):
        d[y] = d[x] * y * 0.6931471805599453

    @adjoint(math.cbrt)
    def cbrt(y, x):
        d[x] = d[y] / (3.0 * y * y)

    @tangent(math.cbrt)
    def cbrt_tangent(y, x):
        d[y] = d[x] / (3.0 * y * y)
