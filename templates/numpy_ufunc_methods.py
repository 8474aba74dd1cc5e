"""The methods of NumPy's ufuncs: ``reduce`` and ``accumulate`` of ``add multiply maximum
minimum fmax fmin logaddexp logaddexp2``.

``np.add.reduce`` is ``np.sum`` and ``np.multiply.reduce`` ``np.prod`` (dividing by the input
as ``np.prod``'s rule does: NaN or infinite where it has zeros), with NumPy's default
``axis=0``; ``maximum``/``minimum``/``fmax``/``fmin.reduce`` are ``np.max``/``np.min``, ties
(with ``initial`` too) sharing the derivative equally; ``logaddexp.reduce`` is a
log-sum-exp, its derivative ``exp(x - y)`` (never above 1).  ``where=`` masks the elements
left out, ``initial`` is one more operand of every result.  ``accumulate`` is the running
form: ``np.cumsum``, ``np.cumprod``, the running extremum (the derivative of result k goes to
the elements holding the extremum at k, ties sharing it) and the running log-sum-exp.
"""
import operator

import numpy as np

from tangentlike.rules.outer import derive_outer
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, family_facts, non_differentiable, tangent
from tangentlike.runtime import broadcast_like, unbroadcast, unreduce
from tangentlike.runtime.shapes import reverse_cumsum
from tangentlike.runtime.ufunc_methods import (
    add_at,
    at_kept_share,
    at_scattered_share,
    divide_at,
    extremum_share,
    fmax_at,
    fmin_at,
    initial_share,
    last_along,
    leading_sign,
    maximum_at,
    minimum_at,
    multiply_at,
    outer_shape,
    running_extremum_adjoint,
    running_extremum_tangent,
    subtract_at,
    unreduceat,
)

# Every function of this family computes a value and does nothing else, and returns a new
# array or number.
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(extremum_share, initial_share, last_along, leading_sign, outer_shape,
                   at_kept_share, at_scattered_share)

# The methods of the ufuncs with boolean or integer results carry no derivative, as the
# ufuncs do.
for _ufunc in (np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.equal, np.not_equal,
               np.greater, np.greater_equal, np.less, np.less_equal, np.logical_and,
               np.logical_or, np.logical_xor, np.gcd, np.lcm, np.left_shift, np.right_shift,
               np.floor_divide):
    non_differentiable(_ufunc.reduce, _ufunc.accumulate, _ufunc.reduceat, _ufunc.outer)

# reduce(array, axis=0, dtype=None, out=None, keepdims=False, initial=<none>, where=True)


@adjoint(np.add.reduce)
def add_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
               where=True):
    if where is True:
        d[array] = unreduce(d[y], array, axis, keepdims)
    else:
        d[array] = unreduce(d[y], array, axis, keepdims) * where
    if initial is not None:
        d[initial] = np.sum(d[y])


@tangent(np.add.reduce)
def add_reduce_tangent(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                       where=True):
    if where is True:
        d[y] = np.sum(d[array], axis=axis, keepdims=keepdims)
    else:
        d[y] = np.sum(d[array] * where, axis=axis, keepdims=keepdims)
    if initial is not None:
        d[y] = broadcast_like(d[initial], y)


# d y / d x_i = y / x_i: NaN or infinite where x has zeros, as np.prod's rule.
@adjoint(np.multiply.reduce)
def multiply_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                    where=True):
    if where is True:
        d[array] = unreduce(d[y] * y, array, axis, keepdims) / array
    else:
        d[array] = unreduce(d[y] * y, array, axis, keepdims) / array * where
    if initial is not None:
        d[initial] = np.sum(d[y] * y) / initial


@tangent(np.multiply.reduce)
def multiply_reduce_tangent(y, array, axis=0, dtype=None, out=None, keepdims=False,
                            initial=None, where=True):
    if where is True:
        d[y] = np.sum(d[array] / array, axis=axis, keepdims=keepdims) * y
    else:
        d[y] = np.sum(d[array] / array * where, axis=axis, keepdims=keepdims) * y
    if initial is not None:
        d[y] = d[initial] / initial * y


@adjoint(np.maximum.reduce)
@adjoint(np.minimum.reduce)
@adjoint(np.fmax.reduce)
@adjoint(np.fmin.reduce)
def extremum_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                    where=True):
    d[array] = (unreduce(d[y], array, axis, keepdims)
                * extremum_share(array, y, axis, keepdims, initial, where))
    if initial is not None:
        d[initial] = np.sum(d[y] * initial_share(array, y, axis, keepdims, initial, where))


@tangent(np.maximum.reduce)
@tangent(np.minimum.reduce)
@tangent(np.fmax.reduce)
@tangent(np.fmin.reduce)
def extremum_reduce_tangent(y, array, axis=0, dtype=None, out=None, keepdims=False,
                            initial=None, where=True):
    d[y] = np.sum(d[array] * extremum_share(array, y, axis, keepdims, initial, where),
                  axis=axis, keepdims=keepdims)
    if initial is not None:
        d[y] = d[initial] * initial_share(array, y, axis, keepdims, initial, where)


# y = log(sum(exp(x))): d y / d x_i = exp(x_i - y), at most 1 (no overflow).
@adjoint(np.logaddexp.reduce)
def logaddexp_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                     where=True):
    if where is True:
        d[array] = (unreduce(d[y], array, axis, keepdims)
                    * np.exp(array - unreduce(y, array, axis, keepdims)))
    else:
        d[array] = (unreduce(d[y], array, axis, keepdims)
                    * np.exp(array - unreduce(y, array, axis, keepdims)) * where)
    if initial is not None:
        d[initial] = np.sum(d[y] * np.exp(initial - y))


@tangent(np.logaddexp.reduce)
def logaddexp_reduce_tangent(y, array, axis=0, dtype=None, out=None, keepdims=False,
                             initial=None, where=True):
    if where is True:
        d[y] = np.sum(d[array] * np.exp(array - unreduce(y, array, axis, keepdims)),
                      axis=axis, keepdims=keepdims)
    else:
        d[y] = np.sum(d[array] * np.exp(array - unreduce(y, array, axis, keepdims)) * where,
                      axis=axis, keepdims=keepdims)
    if initial is not None:
        d[y] = d[initial] * np.exp(initial - y)


# y = log2(sum(2 ** x)): d y / d x_i = 2 ** (x_i - y).
@adjoint(np.logaddexp2.reduce)
def logaddexp2_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                      where=True):
    if where is True:
        d[array] = (unreduce(d[y], array, axis, keepdims)
                    * np.exp2(array - unreduce(y, array, axis, keepdims)))
    else:
        d[array] = (unreduce(d[y], array, axis, keepdims)
                    * np.exp2(array - unreduce(y, array, axis, keepdims)) * where)
    if initial is not None:
        d[initial] = np.sum(d[y] * np.exp2(initial - y))


@tangent(np.logaddexp2.reduce)
def logaddexp2_reduce_tangent(y, array, axis=0, dtype=None, out=None, keepdims=False,
                              initial=None, where=True):
    if where is True:
        d[y] = np.sum(d[array] * np.exp2(array - unreduce(y, array, axis, keepdims)),
                      axis=axis, keepdims=keepdims)
    else:
        d[y] = np.sum(d[array] * np.exp2(array - unreduce(y, array, axis, keepdims)) * where,
                      axis=axis, keepdims=keepdims)
    if initial is not None:
        d[y] = d[initial] * np.exp2(initial - y)


# y = sqrt(sum(x ** 2)): d y / d x_i = x_i / y (NaN where y is 0, as for a norm at 0).
@adjoint(np.hypot.reduce)
def hypot_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                 where=True):
    if where is True:
        d[array] = unreduce(d[y] / y, array, axis, keepdims) * array
    else:
        d[array] = unreduce(d[y] / y, array, axis, keepdims) * array * where
    if initial is not None:
        d[initial] = np.sum(d[y] / y) * initial


@tangent(np.hypot.reduce)
def hypot_reduce_tangent(y, array, axis=0, dtype=None, out=None, keepdims=False,
                         initial=None, where=True):
    if where is True:
        d[y] = np.sum(d[array] * array, axis=axis, keepdims=keepdims) / y
    else:
        d[y] = np.sum(d[array] * array * where, axis=axis, keepdims=keepdims) / y
    if initial is not None:
        d[y] = d[initial] * initial / y


# subtract.reduce is x[0] - x[1] - ... (initial - x[0] - ... with initial), divide.reduce
# x[0] / x[1] / ...: each element enters with its sign (leading_sign), as a term or as an
# exponent.  NumPy reduces them over one axis.
@adjoint(np.subtract.reduce)
def subtract_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                    where=True):
    d[array] = unreduce(d[y], array, axis, keepdims) * leading_sign(array, axis, initial, where)
    if initial is not None:
        d[initial] = np.sum(d[y])


@tangent(np.subtract.reduce)
def subtract_reduce_tangent(y, array, axis=0, dtype=None, out=None, keepdims=False,
                            initial=None, where=True):
    d[y] = np.sum(d[array] * leading_sign(array, axis, initial, where), axis=axis,
                  keepdims=keepdims)
    if initial is not None:
        d[y] = broadcast_like(d[initial], y)


@adjoint(np.divide.reduce)
def divide_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False, initial=None,
                  where=True):
    d[array] = (unreduce(d[y] * y, array, axis, keepdims)
                * leading_sign(array, axis, initial, where) / array)
    if initial is not None:
        d[initial] = np.sum(d[y] * y) / initial


@tangent(np.divide.reduce)
def divide_reduce_tangent(y, array, axis=0, dtype=None, out=None, keepdims=False,
                          initial=None, where=True):
    d[y] = np.sum(d[array] * leading_sign(array, axis, initial, where) / array, axis=axis,
                  keepdims=keepdims) * y
    if initial is not None:
        d[y] = d[initial] / initial * y


# accumulate(array, axis=0, dtype=None, out=None): running forms along one axis.


@adjoint(np.add.accumulate)
def add_accumulate(y, array, axis=0, dtype=None, out=None):
    d[array] = reverse_cumsum(d[y], axis)


@tangent(np.add.accumulate)
def add_accumulate_tangent(y, array, axis=0, dtype=None, out=None):
    d[y] = np.cumsum(d[array], axis=axis)


@adjoint(np.multiply.accumulate)
def multiply_accumulate(y, array, axis=0, dtype=None, out=None):
    d[array] = reverse_cumsum(d[y] * y, axis) / array


@tangent(np.multiply.accumulate)
def multiply_accumulate_tangent(y, array, axis=0, dtype=None, out=None):
    d[y] = np.cumsum(d[array] / array, axis=axis) * y


@adjoint(np.subtract.accumulate)
def subtract_accumulate(y, array, axis=0, dtype=None, out=None):
    d[array] = reverse_cumsum(d[y], axis) * leading_sign(array, axis)


@tangent(np.subtract.accumulate)
def subtract_accumulate_tangent(y, array, axis=0, dtype=None, out=None):
    d[y] = np.cumsum(d[array] * leading_sign(array, axis), axis=axis)


@adjoint(np.divide.accumulate)
def divide_accumulate(y, array, axis=0, dtype=None, out=None):
    d[array] = reverse_cumsum(d[y] * y, axis) * leading_sign(array, axis) / array


@tangent(np.divide.accumulate)
def divide_accumulate_tangent(y, array, axis=0, dtype=None, out=None):
    d[y] = np.cumsum(d[array] * leading_sign(array, axis) / array, axis=axis) * y


# y_k = sqrt(sum_{j <= k} x_j ** 2): d y_k / d x_j = x_j / y_k.
@adjoint(np.hypot.accumulate)
def hypot_accumulate(y, array, axis=0, dtype=None, out=None):
    d[array] = reverse_cumsum(d[y] / y, axis) * array


@tangent(np.hypot.accumulate)
def hypot_accumulate_tangent(y, array, axis=0, dtype=None, out=None):
    d[y] = np.cumsum(d[array] * array, axis=axis) / y


@adjoint(np.maximum.accumulate)
@adjoint(np.minimum.accumulate)
@adjoint(np.fmax.accumulate)
@adjoint(np.fmin.accumulate)
def extremum_accumulate(y, array, axis=0, dtype=None, out=None):
    d[array] = running_extremum_adjoint(d[y], array, y, axis)


@tangent(np.maximum.accumulate)
@tangent(np.minimum.accumulate)
@tangent(np.fmax.accumulate)
@tangent(np.fmin.accumulate)
def extremum_accumulate_tangent(y, array, axis=0, dtype=None, out=None):
    d[y] = running_extremum_tangent(d[array], array, y, axis)


# The running extremum's helpers are linear in the derivative, each the other's transpose;
# the choice of elements is a constant of the derivative.
@adjoint(running_extremum_adjoint)
def running_extremum_adjoint_adjoint(r, g, x, y, axis=0):
    d[g] = running_extremum_tangent(d[r], x, y, axis)


@tangent(running_extremum_adjoint)
def running_extremum_adjoint_tangent(r, g, x, y, axis=0):
    d[r] = running_extremum_adjoint(d[g], x, y, axis)


@adjoint(running_extremum_tangent)
def running_extremum_tangent_adjoint(r, t, x, y, axis=0):
    d[t] = running_extremum_adjoint(d[r], x, y, axis)


@tangent(running_extremum_tangent)
def running_extremum_tangent_tangent(r, t, x, y, axis=0):
    d[r] = running_extremum_tangent(d[t], x, y, axis)


# y_k = log(sum_{j <= k} exp(x_j)): d y_k / d x_j = exp(x_j - y_k), computed as
# exp(x_j - c) * exp(c - y_k) with c the last (largest) y along the axis, a constant: the
# factors stay in range unless y spans more than ~700 along the axis.
@adjoint(np.logaddexp.accumulate)
def logaddexp_accumulate(y, array, axis=0, dtype=None, out=None):
    c = last_along(y, axis)
    d[array] = np.exp(array - c) * reverse_cumsum(d[y] * np.exp(c - y), axis)


@tangent(np.logaddexp.accumulate)
def logaddexp_accumulate_tangent(y, array, axis=0, dtype=None, out=None):
    c = last_along(y, axis)
    d[y] = np.cumsum(d[array] * np.exp(array - c), axis=axis) * np.exp(c - y)


@adjoint(np.logaddexp2.accumulate)
def logaddexp2_accumulate(y, array, axis=0, dtype=None, out=None):
    c = last_along(y, axis)
    d[array] = np.exp2(array - c) * reverse_cumsum(d[y] * np.exp2(c - y), axis)


@tangent(np.logaddexp2.accumulate)
def logaddexp2_accumulate_tangent(y, array, axis=0, dtype=None, out=None):
    c = last_along(y, axis)
    d[y] = np.cumsum(d[array] * np.exp2(array - c), axis=axis) * np.exp2(c - y)


# reduceat(array, indices, axis=0, dtype=None, out=None): each result reduces a segment
# (x[i:j] for consecutive indices i < j, x[i] alone when i >= j, x[i:] for the last);
# unreduceat spreads each result's derivative over its segment.
@adjoint(np.add.reduceat)
def add_reduceat(y, array, indices, axis=0, dtype=None, out=None):
    d[array] = unreduceat(d[y], array, indices, axis)


@tangent(np.add.reduceat)
def add_reduceat_tangent(y, array, indices, axis=0, dtype=None, out=None):
    d[y] = np.add.reduceat(d[array], indices, axis)


# d y_i / d x_j = y_i / x_j for j in segment i: NaN or infinite where x has zeros.
@adjoint(np.multiply.reduceat)
def multiply_reduceat(y, array, indices, axis=0, dtype=None, out=None):
    d[array] = unreduceat(d[y] * y, array, indices, axis) / array


@tangent(np.multiply.reduceat)
def multiply_reduceat_tangent(y, array, indices, axis=0, dtype=None, out=None):
    d[y] = np.add.reduceat(d[array] / array, indices, axis) * y


# unreduceat is linear in the derivative: its transpose is np.add.reduceat.
@adjoint(unreduceat)
def unreduceat_adjoint(r, g, x, indices, axis=0):
    d[g] = np.add.reduceat(d[r], indices, axis)


@tangent(unreduceat)
def unreduceat_tangent(r, g, x, indices, axis=0):
    d[r] = unreduceat(d[g], x, indices, axis)


def outer(z, A, B):
    """``np.f.outer(A, B)`` is ``np.f(np.reshape(A, outer_shape(A, B)), B)``: its rules are
    ``np.f``'s on those operands, built from them (``derive_outer``, in
    tangentlike/rules/outer.py); ``np.add``'s are the operator ``+``'s.  Never called."""


for _ufunc, _base in ((np.add, operator.add), (np.subtract, operator.sub),
                      (np.multiply, operator.mul), (np.divide, operator.truediv),
                      (np.power, np.power), (np.float_power, np.float_power),
                      (np.maximum, np.maximum), (np.minimum, np.minimum), (np.fmax, np.fmax),
                      (np.fmin, np.fmin), (np.logaddexp, np.logaddexp),
                      (np.logaddexp2, np.logaddexp2), (np.arctan2, np.arctan2),
                      (np.hypot, np.hypot), (np.remainder, np.remainder), (np.fmod, np.fmod),
                      (np.copysign, np.copysign), (np.heaviside, np.heaviside),
                      (np.nextafter, np.nextafter), (np.ldexp, np.ldexp)):
    derive_outer(_ufunc, _base, outer, **family_facts(globals(), True, _ufunc.outer))


# ufunc.at: np.add.at(x, i, v), a scatter in place, is written x[...] = add_at(x, i, v)
# (tangentlike/frontend/ufunc_at.py); add_at and the others scatter into a copy of x.  Each
# operand of v (broadcast to x[i]) reaches the element it was scattered into, as often as
# its index repeats.
@adjoint(add_at)
def add_at_adjoint(r, a, indices, b):
    d[a] = d[r]
    d[b] = unbroadcast(d[r][indices], b)


@tangent(add_at)
def add_at_tangent(r, a, indices, b):
    d[r] = d[a]
    d[r] = add_at(np.zeros_like(r), indices, d[b])


@adjoint(subtract_at)
def subtract_at_adjoint(r, a, indices, b):
    d[a] = d[r]
    d[b] = -unbroadcast(d[r][indices], b)


@tangent(subtract_at)
def subtract_at_tangent(r, a, indices, b):
    d[r] = d[a]
    d[r] = subtract_at(np.zeros_like(r), indices, d[b])


# r = a * (the product of the operands scattered into each element): each operand's
# derivative is r / b there (NaN or infinite where b is 0, as np.prod's rule).
@adjoint(multiply_at)
def multiply_at_adjoint(r, a, indices, b):
    d[a] = d[r] * multiply_at(np.ones_like(a), indices, b)
    d[b] = unbroadcast((d[r] * r)[indices] / b, b)


@tangent(multiply_at)
def multiply_at_tangent(r, a, indices, b):
    d[r] = d[a] * multiply_at(np.ones_like(a), indices, b)
    d[r] = r * add_at(np.zeros_like(r), indices, d[b] / b)


@adjoint(divide_at)
def divide_at_adjoint(r, a, indices, b):
    d[a] = d[r] * divide_at(np.ones_like(a), indices, b)
    d[b] = -unbroadcast((d[r] * r)[indices] / b, b)


@tangent(divide_at)
def divide_at_tangent(r, a, indices, b):
    d[r] = d[a] * divide_at(np.ones_like(a), indices, b)
    d[r] = -r * add_at(np.zeros_like(r), indices, d[b] / b)


# The extremum each element ends with: its derivative goes to the element of a or the
# operands of b holding it, shared equally among ties.
@adjoint(maximum_at)
@adjoint(minimum_at)
@adjoint(fmax_at)
@adjoint(fmin_at)
def extremum_at_adjoint(r, a, indices, b):
    d[a] = d[r] * at_kept_share(a, indices, b, r)
    d[b] = unbroadcast(d[r][indices] * at_scattered_share(a, indices, b, r), b)


@tangent(maximum_at)
@tangent(minimum_at)
@tangent(fmax_at)
@tangent(fmin_at)
def extremum_at_tangent(r, a, indices, b):
    d[r] = d[a] * at_kept_share(a, indices, b, r)
    d[r] = add_at(np.zeros_like(r), indices, d[b] * at_scattered_share(a, indices, b, r))
