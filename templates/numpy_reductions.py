"""NumPy reductions, as functions and as array methods: ``sum mean max min prod var std``,
the running ``cumsum cumprod``, ``average`` (with or without weights), ``nansum nanmean``.

``prod`` and ``cumprod`` divide by the input (the derivative of a product with respect to one
factor is the product over that factor), as autograd does: correct wherever the input has no
zeros; where it has a zero the derivative is NaN or infinite.  ``std`` divides by the result:
its derivative is NaN where the values reduced over are all equal (a kink of ``std``).
``where=`` and ``dtype=`` are applied once per rule, by ``masked``, ``result_typed`` and
``every`` (runtime/reduction_keywords.py), which the instantiation leaves out where the keyword
is not given.
"""
import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, non_differentiable, tangent
from tangentlike.rules.template import stands_for
from tangentlike.runtime import reduce_extremum, unbroadcast, unreduce, unreduce_extremum
from tangentlike.runtime.arrays import unarray
from tangentlike.runtime.reduction_keywords import every, masked, result_typed
from tangentlike.runtime.shapes import nan_count, reverse_cumsum, weights_shape
from tangentlike.runtime.statistics import initial_won, where_count

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(nan_count, weights_shape, where_count, initial_won, every)

# where= and dtype= are applied once per rule (runtime/reduction_keywords.py): each helper is its
# first argument where its keyword is the literal None, and every(None) leaves where= out.
stands_for(masked, 0, 1)
stands_for(result_typed, 0, 2)
stands_for(every, None, 0)


# The helpers are linear in their first argument.
@adjoint(masked)
def masked_adjoint(r, t, where):
    d[t] = masked(d[r], where)


@tangent(masked)
def masked_tangent(r, t, where):
    d[r] = masked(d[t], where)


@adjoint(result_typed)
def result_typed_adjoint(r, t, y, dtype):
    if dtype is None:
        d[t] = d[r]
    else:
        d[t] = unarray(d[r], t, y)


@tangent(result_typed)
def result_typed_tangent(r, t, y, dtype):
    d[r] = result_typed(d[t], y, dtype)


@adjoint(np.sum)
@adjoint(np.ndarray.sum)
def sum(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
        where=None):
    d[a] = masked(unreduce(result_typed(d[y], y, dtype), a, axis, keepdims), where)
    d[initial] = np.sum(d[y])


@tangent(np.sum)
@tangent(np.ndarray.sum)
def sum_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
                where=None):
    d[y] = result_typed(np.sum(d[a], axis=axis, keepdims=keepdims, where=every(where)), y,
                        dtype)
    d[y] = d[initial] * np.ones_like(y)


@adjoint(np.mean)
@adjoint(np.ndarray.mean)
def mean(y, a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    d[a] = masked(unreduce(result_typed(d[y], y, dtype)
                           / where_count(a, axis, keepdims, where=every(where)), a, axis,
                           keepdims), where)


@tangent(np.mean)
@tangent(np.ndarray.mean)
def mean_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    d[y] = result_typed(np.mean(d[a], axis=axis, keepdims=keepdims, where=every(where)), y,
                        dtype)


@adjoint(np.max)
@adjoint(np.amax)
@adjoint(np.ndarray.max)
def max(y, a, axis=None, out=None, keepdims=False, initial=None, where=None):
    d[a] = unreduce_extremum(d[y], a, y, axis, keepdims, where=every(where))
    d[initial] = np.sum(d[y] * initial_won(a, y, axis, keepdims, where))


@tangent(np.max)
@tangent(np.amax)
@tangent(np.ndarray.max)
def max_tangent(y, a, axis=None, out=None, keepdims=False, initial=None,
               where=None):
    d[y] = reduce_extremum(d[a], a, y, axis, keepdims, where=every(where))
    d[y] = d[initial] * initial_won(a, y, axis, keepdims, where)


@adjoint(np.min)
@adjoint(np.amin)
@adjoint(np.ndarray.min)
def min(y, a, axis=None, out=None, keepdims=False, initial=None, where=None):
    d[a] = unreduce_extremum(d[y], a, y, axis, keepdims, where=every(where))
    d[initial] = np.sum(d[y] * initial_won(a, y, axis, keepdims, where))


@tangent(np.min)
@tangent(np.amin)
@tangent(np.ndarray.min)
def min_tangent(y, a, axis=None, out=None, keepdims=False, initial=None,
               where=None):
    d[y] = reduce_extremum(d[a], a, y, axis, keepdims, where=every(where))
    d[y] = d[initial] * initial_won(a, y, axis, keepdims, where)


# d prod(a) / d a_i = prod(a) / a_i: NaN or infinite where a has zeros.
@adjoint(np.prod)
@adjoint(np.ndarray.prod)
def prod(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
         where=None):
    d[a] = masked(unreduce(result_typed(d[y], y, dtype) * y, a, axis, keepdims) / a, where)
    d[initial] = np.sum(d[y] * y) / initial


@tangent(np.prod)
@tangent(np.ndarray.prod)
def prod_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
                 where=None):
    d[y] = result_typed(np.sum(d[a] / a, axis=axis, keepdims=keepdims, where=every(where)) * y,
                        y, dtype)
    d[y] = d[initial] / initial * y


# var = sum(|a - mean|^2) / (n - ddof) over the n values reduced into each result (the
# conjugates are the identity for real values; for complex ones, autograd's convention).
@adjoint(np.var)
@adjoint(np.ndarray.var)
def var(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    d[a] = masked(unreduce(d[y] * (2.0 / (where_count(a, axis, keepdims, where=every(where))
                                          - ddof)), a, axis, keepdims)
                  * np.conjugate(a - np.mean(a, axis=axis, keepdims=True, where=every(where))),
                  where)


@tangent(np.var)
@tangent(np.ndarray.var)
def var_tangent(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    d[y] = (np.real(np.sum(
        d[a] * np.conjugate(a - np.mean(a, axis=axis, keepdims=True, where=every(where))),
        axis=axis, keepdims=keepdims, where=every(where)))
            * (2.0 / (where_count(a, axis, keepdims, where=every(where)) - ddof)))


@adjoint(np.std)
@adjoint(np.ndarray.std)
def std(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    d[a] = masked(unreduce(d[y] / (y * (where_count(a, axis, keepdims, where=every(where))
                                        - ddof)), a, axis, keepdims)
                  * np.conjugate(a - np.mean(a, axis=axis, keepdims=True, where=every(where))),
                  where)


@tangent(np.std)
@tangent(np.ndarray.std)
def std_tangent(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None):
    d[y] = (np.real(np.sum(
        d[a] * np.conjugate(a - np.mean(a, axis=axis, keepdims=True, where=every(where))),
        axis=axis, keepdims=keepdims, where=every(where)))
            / ((where_count(a, axis, keepdims, where=every(where)) - ddof) * y))


# Running sums and products (of the flattened array when axis is None): element i of the
# adjoint sums the adjoints of the results i, i+1, ... that include a_i.
@adjoint(np.cumsum)
@adjoint(np.ndarray.cumsum)
def cumsum(y, a, axis=None, dtype=None, out=None):
    if axis is None:
        d[a] = np.reshape(reverse_cumsum(result_typed(d[y], y, dtype)), np.shape(a))
    else:
        d[a] = reverse_cumsum(result_typed(d[y], y, dtype), axis)


@tangent(np.cumsum)
@tangent(np.ndarray.cumsum)
def cumsum_tangent(y, a, axis=None, dtype=None, out=None):
    d[y] = result_typed(np.cumsum(d[a], axis=axis), y, dtype)


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
