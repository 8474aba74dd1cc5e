"""NumPy reductions, as functions and as array methods: ``sum mean max min prod var std``,
the running ``cumsum cumprod``, ``average`` (with or without weights), ``nansum nanmean``.

``prod`` and ``cumprod`` divide by the input (the derivative of a product with respect to one
factor is the product over that factor), as autograd does: correct wherever the input has no
zeros; where it has a zero the derivative is NaN or infinite.  ``std`` divides by the result:
its derivative is NaN where the values reduced over are all equal (a kink of ``std``).
"""
import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, non_differentiable, tangent
from tangentlike.runtime import reduce_extremum, unbroadcast, unreduce, unreduce_extremum
from tangentlike.runtime.arrays import cast_derivative
from tangentlike.runtime.shapes import nan_count, reverse_cumsum, weights_shape
from tangentlike.runtime.statistics import initial_won, where_count

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(nan_count, weights_shape, where_count, initial_won)


@adjoint(np.sum)
@adjoint(np.ndarray.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
        where=None):
    if dtype is None:
        if where is None:
            d[a] = unreduce(d[y], a, axis, keepdims)
        else:
            d[a] = unreduce(d[y], a, axis, keepdims) * where
    elif where is None:  # none through a sum of an integer type
        d[a] = unreduce(cast_derivative(d[y], y), a, axis, keepdims)
    else:
        d[a] = unreduce(cast_derivative(d[y], y), a, axis, keepdims) * where
    d[initial] = np.sum(d[y])


@tangent(np.sum)
@tangent(np.ndarray.sum)
def sum_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
                where=None):
    if dtype is None:
        if where is None:
            d[y] = np.sum(d[a], axis=axis, keepdims=keepdims)
        else:
            d[y] = np.sum(d[a], axis=axis, keepdims=keepdims, where=where)
    elif where is None:  # the sum's type (float32, or none for an integer type)
        d[y] = cast_derivative(np.sum(d[a], axis=axis, keepdims=keepdims), y)
    else:
        d[y] = cast_derivative(np.sum(d[a], axis=axis, keepdims=keepdims, where=where), y)
    d[y] = d[initial] * np.ones_like(y)


@adjoint(np.mean)
@adjoint(np.ndarray.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    if dtype is None:
        if where is None:
            d[a] = unreduce(d[y], a, axis, keepdims) * (np.size(y) / np.size(a))
        else:
            d[a] = (unreduce(d[y] / where_count(a, axis, keepdims, where), a, axis, keepdims)
                    * where)
    elif where is None:  # none through a mean of an integer type
        d[a] = unreduce(cast_derivative(d[y], y), a, axis, keepdims) * (np.size(y) / np.size(a))
    else:
        d[a] = (unreduce(cast_derivative(d[y], y) / where_count(a, axis, keepdims, where), a,
                         axis, keepdims) * where)


@tangent(np.mean)
@tangent(np.ndarray.mean)
def mean_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    if dtype is None:
        if where is None:
            d[y] = np.mean(d[a], axis=axis, keepdims=keepdims)
        else:
            d[y] = np.mean(d[a], axis=axis, keepdims=keepdims, where=where)
    elif where is None:  # the mean's type (float32, or none for an integer type)
        d[y] = cast_derivative(np.mean(d[a], axis=axis, keepdims=keepdims), y)
    else:
        d[y] = cast_derivative(np.mean(d[a], axis=axis, keepdims=keepdims, where=where), y)


@adjoint(np.max)
@adjoint(np.amax)
@adjoint(np.ndarray.max)
def max(y, a, axis=None, out=None, keepdims=False, initial=None, where=None):
    if where is None:
        d[a] = unreduce_extremum(d[y], a, y, axis, keepdims)
    else:
        d[a] = unreduce_extremum(d[y], a, y, axis, keepdims, where)
    d[initial] = np.sum(d[y] * initial_won(a, y, axis, keepdims, where))


@tangent(np.max)
@tangent(np.amax)
@tangent(np.ndarray.max)
def max_tangent(y, a, axis=None, out=None, keepdims=False, initial=None,
               where=None):
    if where is None:
        d[y] = reduce_extremum(d[a], a, y, axis, keepdims)
    else:
        d[y] = reduce_extremum(d[a], a, y, axis, keepdims, where)
    d[y] = d[initial] * initial_won(a, y, axis, keepdims, where)


@adjoint(np.min)
@adjoint(np.amin)
@adjoint(np.ndarray.min)
def min(y, a, axis=None, out=None, keepdims=False, initial=None, where=None):
    if where is None:
        d[a] = unreduce_extremum(d[y], a, y, axis, keepdims)
    else:
        d[a] = unreduce_extremum(d[y], a, y, axis, keepdims, where)
    d[initial] = np.sum(d[y] * initial_won(a, y, axis, keepdims, where))


@tangent(np.min)
@tangent(np.amin)
@tangent(np.ndarray.min)
def min_tangent(y, a, axis=None, out=None, keepdims=False, initial=None,
               where=None):
    if where is None:
        d[y] = reduce_extremum(d[a], a, y, axis, keepdims)
    else:
        d[y] = reduce_extremum(d[a], a, y, axis, keepdims, where)
    d[y] = d[initial] * initial_won(a, y, axis, keepdims, where)


# d prod(a) / d a_i = prod(a) / a_i: NaN or infinite where a has zeros.
@adjoint(np.prod)
@adjoint(np.ndarray.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
         where=None):
    if dtype is None:
        if where is None:
            d[a] = unreduce(d[y] * y, a, axis, keepdims) / a
        else:
            d[a] = unreduce(d[y] * y, a, axis, keepdims) / a * where
    elif where is None:  # none through a product of an integer type
        d[a] = unreduce(cast_derivative(d[y], y) * y, a, axis, keepdims) / a
    else:
        d[a] = unreduce(cast_derivative(d[y], y) * y, a, axis, keepdims) / a * where
    d[initial] = np.sum(d[y] * y) / initial


@tangent(np.prod)
@tangent(np.ndarray.prod)
def prod_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
                 where=None):
    if dtype is None:
        if where is None:
            d[y] = np.sum(d[a] / a, axis=axis, keepdims=keepdims) * y
        else:
            d[y] = np.sum(d[a] / a, axis=axis, keepdims=keepdims, where=where) * y
    elif where is None:  # the product's type (float32, or none for an integer type)
        d[y] = cast_derivative(np.sum(d[a] / a, axis=axis, keepdims=keepdims) * y, y)
    else:
        d[y] = cast_derivative(np.sum(d[a] / a, axis=axis, keepdims=keepdims, where=where) * y,
                               y)
    d[y] = d[initial] / initial * y


# var = sum(|a - mean|^2) / (n - ddof) over the n values reduced into each result (the
# conjugates are the identity for real values; for complex ones, autograd's convention).
@adjoint(np.var)
@adjoint(np.ndarray.var)
def var(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    if where is None:
        d[a] = (unreduce(d[y], a, axis, keepdims)
                * np.conjugate(a - np.mean(a, axis=axis, keepdims=True))
                * (2.0 / (np.size(a) / np.size(y) - ddof)))
    else:
        d[a] = (unreduce(d[y] * (2.0 / (where_count(a, axis, keepdims, where) - ddof)), a, axis,
                         keepdims)
                * np.conjugate(a - np.mean(a, axis=axis, keepdims=True, where=where)) * where)


@tangent(np.var)
@tangent(np.ndarray.var)
def var_tangent(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    if where is None:
        d[y] = (np.real(np.sum(d[a] * np.conjugate(a - np.mean(a, axis=axis, keepdims=True)),
                               axis=axis, keepdims=keepdims))
                * (2.0 / (np.size(a) / np.size(y) - ddof)))
    else:
        d[y] = (np.real(np.sum(
            d[a] * np.conjugate(a - np.mean(a, axis=axis, keepdims=True, where=where)),
            axis=axis, keepdims=keepdims, where=where))
                * (2.0 / (where_count(a, axis, keepdims, where) - ddof)))


@adjoint(np.std)
@adjoint(np.ndarray.std)
def std(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    if where is None:
        d[a] = (unreduce(d[y] / y, a, axis, keepdims)
                * np.conjugate(a - np.mean(a, axis=axis, keepdims=True))
                / (np.size(a) / np.size(y) - ddof))
    else:
        d[a] = (unreduce(d[y] / (y * (where_count(a, axis, keepdims, where) - ddof)), a, axis,
                         keepdims)
                * np.conjugate(a - np.mean(a, axis=axis, keepdims=True, where=where)) * where)


@tangent(np.std)
@tangent(np.ndarray.std)
def std_tangent(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    if where is None:
        d[y] = (np.real(np.sum(d[a] * np.conjugate(a - np.mean(a, axis=axis, keepdims=True)),
                               axis=axis, keepdims=keepdims))
                / ((np.size(a) / np.size(y) - ddof) * y))
    else:
        d[y] = (np.real(np.sum(
            d[a] * np.conjugate(a - np.mean(a, axis=axis, keepdims=True, where=where)),
            axis=axis, keepdims=keepdims, where=where))
                / ((where_count(a, axis, keepdims, where) - ddof) * y))


# Running sums and products (of the flattened array when axis is None): element i of the
# adjoint sums the adjoints of the results i, i+1, ... that include a_i.
@adjoint(np.cumsum)
@adjoint(np.ndarray.cumsum)
def cumsum(y, a, axis=None, dtype=None, out=None):
    if dtype is not None:  # none through a sum of an integer type
        d[a] = np.reshape(reverse_cumsum(cast_derivative(d[y], y), axis), np.shape(a))
    elif axis is None:
        d[a] = np.reshape(reverse_cumsum(d[y]), np.shape(a))
    else:
        d[a] = reverse_cumsum(d[y], axis)


@tangent(np.cumsum)
@tangent(np.ndarray.cumsum)
def cumsum_tangent(y, a, axis=None, dtype=None, out=None):
    if dtype is None:
        d[y] = np.cumsum(d[a], axis=axis)
    else:  # the sum's type (float32, or none for an integer type)
        d[y] = cast_derivative(np.cumsum(d[a], axis=axis), y)


@adjoint(np.cumprod)
@adjoint(np.ndarray.cumprod)
def cumprod(y, a, axis=None, dtype=None, out=None):
    if axis is None:
        d[a] = np.reshape(reverse_cumsum(d[y] * y), np.shape(a)) / a
    else:
        d[a] = reverse_cumsum(d[y] * y, axis) / a


@tangent(np.cumprod)
@tangent(np.ndarray.cumprod)
def cumprod_tangent(y, a, axis=None, dtype=None, out=None):
    d[y] = np.cumsum(d[a] / a, axis=axis) * y


# average: the mean, or sum(a * w) / sum(w) with the weights w lined up with a (the same
# shape, or 1-d along axis).  returned=True (a tuple result) has no rule.
@adjoint(np.average)
def average(y, a, axis=None, weights=None, returned=False, *, keepdims=False):
    if weights is None:
        d[a] = unreduce(d[y], a, axis, keepdims) * (np.size(y) / np.size(a))
    else:
        w = np.reshape(weights, weights_shape(a, axis, weights))
        share = unreduce(d[y] / np.sum(np.broadcast_to(w, np.shape(a)), axis=axis,
                                       keepdims=keepdims), a, axis, keepdims)
        d[a] = share * w
        d[weights] = np.reshape(unbroadcast(share * (a - unreduce(y, a, axis, keepdims)), w),
                                np.shape(weights))


@tangent(np.average)
def average_tangent(y, a, axis=None, weights=None, returned=False, *, keepdims=False):
    if weights is None:
        d[y] = np.mean(d[a], axis=axis, keepdims=keepdims)
    else:
        w = np.reshape(weights, weights_shape(a, axis, weights))
        total = np.sum(np.broadcast_to(w, np.shape(a)), axis=axis, keepdims=keepdims)
        d[y] = np.sum(d[a] * w, axis=axis, keepdims=keepdims) / total
        d[y] = np.sum(np.reshape(d[weights], np.shape(w)) * (a - unreduce(y, a, axis, keepdims)),
                      axis=axis, keepdims=keepdims) / total


# NaNs are left out: their derivative is zero.
@adjoint(np.nansum)
def nansum(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * np.logical_not(np.isnan(a))


@tangent(np.nansum)
def nansum_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[y] = np.sum(d[a] * np.logical_not(np.isnan(a)), axis=axis, keepdims=keepdims)


@adjoint(np.nanmean)
def nanmean(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[a] = (unreduce(d[y] / nan_count(a, axis, keepdims), a, axis, keepdims)
            * np.logical_not(np.isnan(a)))


@tangent(np.nanmean)
def nanmean_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False):
    d[y] = (np.sum(d[a] * np.logical_not(np.isnan(a)), axis=axis, keepdims=keepdims)
            / nan_count(a, axis, keepdims))


# reverse_cumsum, which the cumsum and cumprod adjoints call on derivatives, is linear: its
# transpose is np.cumsum.
@adjoint(reverse_cumsum)
def reverse_cumsum_adjoint(r, g, axis=None):
    d[g] = np.reshape(np.cumsum(d[r], axis=axis), np.shape(g))


@tangent(reverse_cumsum)
def reverse_cumsum_tangent(r, g, axis=None):
    d[r] = reverse_cumsum(d[g], axis)


# The same as a method of their first argument when it is an array (versions/lower.py writes
# ``a.sum(axis=0)``: the method skips NumPy's Python wrapper).
for _function, _method in ((np.sum, "sum"), (np.max, "max"), (np.amax, "max"), (np.min, "min"),
                           (np.amin, "min"), (np.mean, "mean"), (np.prod, "prod")):
    declare(_function, library=True, method=_method)
