"""Python builtins that pass derivatives through: ``float``, ``abs``, ``sum`` and ``pow``."""
import functools

import numpy as np

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, tangent
from tangentlike.runtime import broadcast_like, share, unbroadcast
from tangentlike.runtime.elementwise import abs_direction, pow_log

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


@adjoint(float)
def to_float(y, x):
    # float() changes the type, not the value: the derivative passes through unchanged.
    d[x] = d[y]


@tangent(float)
def to_float_tangent(y, x):
    d[y] = d[x]


# abs of a complex number: conj(x) / |x| (abs_direction, as np.abs), its tangent real.
@adjoint(abs)
def absolute(y, x):
    d[x] = d[y] * abs_direction(x)


@tangent(abs)
def absolute_tangent(y, x):
    d[y] = np.real(d[x] * abs_direction(x))


# pow(x, p) is x ** p (np.power's derivative; SciPy's densities call it: weibull_min._pdf).
# pow(x, p, mod) does not match the rule: refused by name.
@elementwise(pow)
def builtin_pow(z, base, exp):
    d[base] = unbroadcast(d[z] * exp * base ** (exp - 1), base)
    d[exp] = unbroadcast(d[z] * z * pow_log(base, z), exp)


# sum(xs, start): every element, and the start, receive the sum's derivative (summed to their
# shapes where the sum broadcast them).
@adjoint(sum)
def builtin_sum(y, iterable, start=0):
    d[iterable] = share(d[y], iterable)
    d[start] = unbroadcast(d[y], start)


@tangent(sum)
def builtin_sum_tangent(y, iterable, start=0):
    d[y] = broadcast_like(sum(d[iterable]), y)
    d[y] = broadcast_like(d[start], y)


# functools.partial only makes an object holding the function and the arguments given: it
# changes none of them (a lambda carrying locals is lowered to one, frontend/functions.py).
declare(functools.partial, library=True, pure=True, returns=Returns.MAY_SHARE)
