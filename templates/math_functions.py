"""The ``math`` module: scalar code on Python floats keeps its derivative on Python floats.

Most of its rules are derived from their NumPy twins' (``@elementwise(np.sin, math.sin)`` in
numpy_elementwise.py: the same template with ``np.`` re-spelled ``math.``); the ones below
differ from their twin's, or have none.  Each tangent is derived from its adjoint."""
import math

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import d, declare

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


@elementwise(math.fabs)
def fabs(y, x):
    d[x] = d[y] * math.copysign(1.0, x)


@elementwise(math.pow)
def pow(z, x, y):
    d[x] = d[z] * y * math.pow(x, y - 1.0)
    d[y] = d[z] * z * math.log(x)


# atan2's parameters are (y, x), np.arctan2's (x1, x2): written out, not derived.
@elementwise(math.atan2)
def atan2(z, y, x):
    d[y] = d[z] * x / (x * x + y * y)
    d[x] = -d[z] * y / (x * x + y * y)


# fmod(x, y) = x - trunc(x / y) y (int() truncates); remainder(x, y) = x - round(x / y) y
# (round() rounds half to even, as IEEE's remainder does).  Both jump where x / y is a whole
# number (or half one); elsewhere the quotient is constant.
@elementwise(math.fmod)
def fmod(z, x, y):
    d[x] = d[z]
    d[y] = -d[z] * int(x / y)


@elementwise(math.remainder)
def remainder(z, x, y):
    d[x] = d[z]
    d[y] = -d[z] * round(x / y)


if hasattr(math, "cbrt"):  # Python 3.11

    @elementwise(math.exp2)
    def exp2(y, x):
        d[x] = d[y] * y * 0.6931471805599453

    @elementwise(math.cbrt)
    def cbrt(y, x):
        d[x] = d[y] / (3.0 * y * y)


# math.prod of arrays broadcasts them (is_math leaves it out: it need not return a number).
declare(math.prod, library=True, shape=Shape.FROM_SHAPES)
