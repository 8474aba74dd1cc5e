"""NumPy's differences, running sums and products, convolutions and statistics:
``diff ediff1d cumulative_sum cumulative_prod nancumsum nancumprod ptp trapezoid convolve
correlate unwrap interp median percentile quantile cov corrcoef`` and the NaN-ignoring
reductions ``nanmax nanmin nanprod nanvar nanstd nanmedian nanpercentile nanquantile``.

Most are linear in their arrays (a difference, a sum, a convolution): each derivative is the
same operation (a tangent) or its transpose (an adjoint), done by a helper of
tangentlike.runtime.statistics with rules of its own at the end of this module.  The order
statistics (median, percentile, quantile, with the 'linear' method only) are weighted sums of
the sorted values, the weights fixed by the order: ties share no derivative, as for np.sort.
The extremes (ptp, nanmax, nanmin) share the derivative among ties, as np.max does.
"""
import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import reduce_extremum, unreduce, unreduce_extremum, zeros_like
from tangentlike.runtime.linalg import real_matrix
from tangentlike.runtime.shapes import nan_count, reverse_cumsum
from tangentlike.runtime.statistics import (
    convolve_padding,
    cov_factor,
    cov_rows,
    cov_square,
    cov_unrows,
    cov_weights,
    diff_piece,
    diff_unpiece,
    ediff1d_index,
    interp_adjoint,
    interp_slope_adjoint,
    interp_slope_weights,
    no_derivative,
    pair_mean,
    pair_shape,
    q_axes,
    q_lined_up,
    quantile_axes,
    quantile_weights,
    step_index,
    trapezoid_steps,
    undiff,
    unpair_mean,
    untrapezoid_steps,
    zero_part,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(interp_slope_weights, cov_factor, cov_square, cov_weights,
                   convolve_padding, pair_shape, ediff1d_index, no_derivative, zero_part,
                   q_axes, q_lined_up, quantile_axes, quantile_weights, step_index)


# ---------------------------------------------------------------------------------------------
# Differences: np.diff is linear; its transpose is undiff.  prepend and append are joined to
# the array before differencing: their derivatives are the pieces of the joined array's.

@adjoint(np.diff)
def diff(y, a, n=1, axis=-1, prepend=None, append=None):
    if prepend is None and append is None:
        d[a] = undiff(d[y], n, axis)
    else:
        d[a] = diff_piece(undiff(d[y], n, axis), a, axis, prepend, append, "a")
        d[prepend] = diff_piece(undiff(d[y], n, axis), a, axis, prepend, append, "prepend")
        d[append] = diff_piece(undiff(d[y], n, axis), a, axis, prepend, append, "append")


@tangent(np.diff)
def diff_tangent(y, a, n=1, axis=-1, prepend=None, append=None):
    if prepend is None and append is None:
        d[y] = np.diff(d[a], n, axis)
    else:
        d[y] = np.diff(d[a], n, axis, prepend=zero_part(prepend), append=zero_part(append))
        d[y] = np.diff(zeros_like(a), n, axis, prepend=d[prepend], append=zero_part(append))
        d[y] = np.diff(zeros_like(a), n, axis, prepend=zero_part(prepend), append=d[append])


# ediff1d: the differences of the flattened array between to_begin and to_end.
@adjoint(np.ediff1d)
def ediff1d(y, ary, to_end=None, to_begin=None):
    d[ary] = np.reshape(undiff(np.take(d[y], ediff1d_index(ary, to_begin, "ary")), 1, 0),
                        np.shape(ary))
    d[to_begin] = np.reshape(np.take(d[y], ediff1d_index(ary, to_begin, "to_begin")),
                             np.shape(to_begin))
    d[to_end] = np.reshape(np.take(d[y], ediff1d_index(ary, to_begin, "to_end", to_end)),
                           np.shape(to_end))


@tangent(np.ediff1d)
def ediff1d_tangent(y, ary, to_end=None, to_begin=None):
    d[y] = np.ediff1d(d[ary], zero_part(to_end, None), zero_part(to_begin, None))
    d[y] = np.ediff1d(zeros_like(ary), zero_part(to_end, None), d[to_begin])
    d[y] = np.ediff1d(zeros_like(ary), d[to_end], zero_part(to_begin, None))


# ---------------------------------------------------------------------------------------------
# Running sums and products (the NaN-ignoring ones treat a NaN as 0 or 1: no derivative).

@adjoint(np.nancumsum)
def nancumsum(y, a, axis=None, dtype=None, out=None):
    if axis is None:
        d[a] = np.reshape(reverse_cumsum(d[y]), np.shape(a)) * np.logical_not(np.isnan(a))
    else:
        d[a] = reverse_cumsum(d[y], axis) * np.logical_not(np.isnan(a))


@tangent(np.nancumsum)
def nancumsum_tangent(y, a, axis=None, dtype=None, out=None):
    d[y] = np.cumsum(d[a] * np.logical_not(np.isnan(a)), axis=axis)


@adjoint(np.nancumprod)
def nancumprod(y, a, axis=None, dtype=None, out=None):
    if axis is None:
        d[a] = (np.reshape(reverse_cumsum(d[y] * y), np.shape(a))
                / np.where(np.isnan(a), 1.0, a) * np.logical_not(np.isnan(a)))
    else:
        d[a] = (reverse_cumsum(d[y] * y, axis) / np.where(np.isnan(a), 1.0, a)
                * np.logical_not(np.isnan(a)))


@tangent(np.nancumprod)
def nancumprod_tangent(y, a, axis=None, dtype=None, out=None):
    d[y] = np.cumsum(d[a] / np.where(np.isnan(a), 1.0, a) * np.logical_not(np.isnan(a)),
                     axis=axis) * y


if hasattr(np, "cumulative_sum"):  # NumPy 2.1 and later
    # include_initial=True puts a 0 (a 1 for the product) first: it has no derivative.
    @adjoint(np.cumulative_sum)
    def cumulative_sum(y, x, axis=None, dtype=None, out=None, include_initial=None):
        if include_initial is None:
            d[x] = reverse_cumsum(d[y], axis)
        else:
            d[x] = reverse_cumsum(np.take(d[y], step_index(y, axis, int(include_initial)),
                                          axis=axis), axis)

    @tangent(np.cumulative_sum)
    def cumulative_sum_tangent(y, x, axis=None, dtype=None, out=None, include_initial=None):
        if include_initial is None:
            d[y] = np.cumulative_sum(d[x], axis=axis)
        else:
            d[y] = np.cumulative_sum(d[x], axis=axis, include_initial=include_initial)

    @adjoint(np.cumulative_prod)
    def cumulative_prod(y, x, axis=None, dtype=None, out=None, include_initial=None):
        if include_initial is None:
            d[x] = reverse_cumsum(d[y] * y, axis) / x
        else:
            d[x] = reverse_cumsum(np.take(d[y] * y, step_index(y, axis, int(include_initial)),
                                          axis=axis), axis) / x

    @tangent(np.cumulative_prod)
    def cumulative_prod_tangent(y, x, axis=None, dtype=None, out=None, include_initial=None):
        if include_initial is None:
            d[y] = np.cumulative_sum(d[x] / x, axis=axis) * y
        else:
            d[y] = np.cumulative_sum(d[x] / x, axis=axis, include_initial=include_initial) * y


# ---------------------------------------------------------------------------------------------
# Extremes and NaN-ignoring reductions.

@adjoint(np.ptp)
def ptp(y, a, axis=None, out=None, keepdims=False):
    d[a] = (unreduce_extremum(d[y], a, np.max(a, axis=axis, keepdims=keepdims), axis, keepdims)
            - unreduce_extremum(d[y], a, np.min(a, axis=axis, keepdims=keepdims), axis,
                                keepdims))


@tangent(np.ptp)
def ptp_tangent(y, a, axis=None, out=None, keepdims=False):
    d[y] = (reduce_extremum(d[a], a, np.max(a, axis=axis, keepdims=keepdims), axis, keepdims)
            - reduce_extremum(d[a], a, np.min(a, axis=axis, keepdims=keepdims), axis, keepdims))


# NaN never equals the result, so the extremum rules leave NaNs out by themselves.
@adjoint(np.nanmax)
@adjoint(np.nanmin)
def nanmax(y, a, axis=None, out=None, keepdims=False, initial=None, where=None):
    if where is None:
        d[a] = unreduce_extremum(d[y], a, y, axis, keepdims)
    else:
        d[a] = unreduce_extremum(d[y], a, y, axis, keepdims, where)
    d[initial] = no_derivative("np.nanmax or np.nanmin", "initial",
                               "use np.maximum(np.nanmax(x), initial)")


@tangent(np.nanmax)
@tangent(np.nanmin)
def nanmax_tangent(y, a, axis=None, out=None, keepdims=False, initial=None, where=None):
    if where is None:
        d[y] = reduce_extremum(d[a], a, y, axis, keepdims)
    else:
        d[y] = reduce_extremum(d[a], a, y, axis, keepdims, where)
    d[y] = no_derivative("np.nanmax or np.nanmin", "initial",
                         "use np.maximum(np.nanmax(x), initial)") * d[initial]


@adjoint(np.nanprod)
def nanprod(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    if where is None:
        d[a] = (unreduce(d[y] * y, a, axis, keepdims) / np.where(np.isnan(a), 1.0, a)
                * np.logical_not(np.isnan(a)))
    else:
        d[a] = (unreduce(d[y] * y, a, axis, keepdims) / np.where(np.isnan(a), 1.0, a)
                * np.logical_and(np.logical_not(np.isnan(a)), where))
    d[initial] = np.sum(d[y] * y) / initial


@tangent(np.nanprod)
def nanprod_tangent(y, a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
                    where=None):
    if where is None:
        d[y] = np.sum(d[a] / np.where(np.isnan(a), 1.0, a) * np.logical_not(np.isnan(a)),
                      axis=axis, keepdims=keepdims) * y
    else:
        d[y] = np.sum(d[a] / np.where(np.isnan(a), 1.0, a) * np.logical_not(np.isnan(a)),
                      axis=axis, keepdims=keepdims, where=where) * y
    d[y] = d[initial] / initial * y


# nanvar = sum((a - nanmean)^2 over the values that are not NaN) / (count - ddof).
@adjoint(np.nanvar)
def nanvar(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    d[a] = (unreduce(d[y] * (2.0 / (nan_count(a, axis, keepdims) - ddof)), a, axis, keepdims)
            * np.where(np.isnan(real_matrix(a, "np.nanvar")), 0.0,
                       a - np.nanmean(a, axis=axis, keepdims=True)))


@tangent(np.nanvar)
def nanvar_tangent(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    d[y] = (np.nansum(d[a] * np.where(np.isnan(real_matrix(a, "np.nanvar")), 0.0,
                                       a - np.nanmean(a, axis=axis, keepdims=True)),
                      axis=axis, keepdims=keepdims)
            * (2.0 / (nan_count(a, axis, keepdims) - ddof)))


@adjoint(np.nanstd)
def nanstd(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    d[a] = (unreduce(d[y] / (y * (nan_count(a, axis, keepdims) - ddof)), a, axis, keepdims)
            * np.where(np.isnan(real_matrix(a, "np.nanstd")), 0.0,
                       a - np.nanmean(a, axis=axis, keepdims=True)))


@tangent(np.nanstd)
def nanstd_tangent(y, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    d[y] = (np.nansum(d[a] * np.where(np.isnan(real_matrix(a, "np.nanstd")), 0.0,
                                       a - np.nanmean(a, axis=axis, keepdims=True)),
                      axis=axis, keepdims=keepdims)
            / (y * (nan_count(a, axis, keepdims) - ddof)))


# ---------------------------------------------------------------------------------------------
# Order statistics, 'linear' method: y = sum(W * a) with the weights W of quantile_weights
# (shape q.shape + a.shape), fixed by the order of a.  Their derivative in q is the slope
# between the two sorted values each quantile mixes.

@adjoint(np.median)
def median(y, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * quantile_weights(a, 0.5, axis)


@tangent(np.median)
def median_tangent(y, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[y] = np.sum(quantile_weights(a, 0.5, axis) * d[a], axis=axis, keepdims=keepdims)


@adjoint(np.nanmedian)
def nanmedian(y, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * quantile_weights(a, 0.5, axis, 1.0, True)


@tangent(np.nanmedian)
def nanmedian_tangent(y, a, axis=None, out=None, overwrite_input=False, keepdims=False):
    d[y] = np.sum(quantile_weights(a, 0.5, axis, 1.0, True) * np.where(np.isnan(a), 0.0, d[a]),
                  axis=axis, keepdims=keepdims)


@adjoint(np.quantile)
def quantile(y, a, q, axis=None, out=None, overwrite_input=False, method=None, keepdims=False,
             *, weights=None):
    d[a] = np.sum(unreduce(d[y], quantile_weights(a, q, axis, 1.0, False, False, method),
                           quantile_axes(q, a, axis), keepdims)
                  * quantile_weights(a, q, axis, 1.0, False, False, method),
                  axis=tuple(range(np.ndim(q))))
    d[q] = np.reshape(np.sum(d[y] * np.sum(quantile_weights(a, q, axis, 1.0, False, True) * a,
                                           axis=quantile_axes(q, a, axis), keepdims=keepdims),
                             axis=q_axes(q, y)), np.shape(q))


@tangent(np.quantile)
def quantile_tangent(y, a, q, axis=None, out=None, overwrite_input=False, method=None,
                     keepdims=False, *, weights=None):
    d[y] = np.sum(quantile_weights(a, q, axis, 1.0, False, False, method) * d[a],
                  axis=quantile_axes(q, a, axis), keepdims=keepdims)
    d[y] = (np.sum(quantile_weights(a, q, axis, 1.0, False, True) * a,
                   axis=quantile_axes(q, a, axis), keepdims=keepdims)
            * np.reshape(d[q], q_lined_up(q, y)))


@adjoint(np.percentile)
def percentile(y, a, q, axis=None, out=None, overwrite_input=False, method=None,
               keepdims=False, *, weights=None):
    d[a] = np.sum(unreduce(d[y], quantile_weights(a, q, axis, 100.0, False, False, method),
                           quantile_axes(q, a, axis), keepdims)
                  * quantile_weights(a, q, axis, 100.0, False, False, method),
                  axis=tuple(range(np.ndim(q))))
    d[q] = np.reshape(np.sum(d[y] * np.sum(quantile_weights(a, q, axis, 100.0, False, True) * a,
                                           axis=quantile_axes(q, a, axis), keepdims=keepdims),
                             axis=q_axes(q, y)), np.shape(q))


@tangent(np.percentile)
def percentile_tangent(y, a, q, axis=None, out=None, overwrite_input=False, method=None,
                       keepdims=False, *, weights=None):
    d[y] = np.sum(quantile_weights(a, q, axis, 100.0, False, False, method) * d[a],
                  axis=quantile_axes(q, a, axis), keepdims=keepdims)
    d[y] = (np.sum(quantile_weights(a, q, axis, 100.0, False, True) * a,
                   axis=quantile_axes(q, a, axis), keepdims=keepdims)
            * np.reshape(d[q], q_lined_up(q, y)))


@adjoint(np.nanquantile)
def nanquantile(y, a, q, axis=None, out=None, overwrite_input=False, method=None,
                keepdims=False, *, weights=None):
    d[a] = np.sum(unreduce(d[y], quantile_weights(a, q, axis, 1.0, True, False, method),
                           quantile_axes(q, a, axis), keepdims)
                  * quantile_weights(a, q, axis, 1.0, True, False, method),
                  axis=tuple(range(np.ndim(q))))
    d[q] = np.reshape(np.sum(d[y] * np.sum(quantile_weights(a, q, axis, 1.0, True, True)
                                           * np.where(np.isnan(a), 0.0, a),
                                           axis=quantile_axes(q, a, axis), keepdims=keepdims),
                             axis=q_axes(q, y)), np.shape(q))


@tangent(np.nanquantile)
def nanquantile_tangent(y, a, q, axis=None, out=None, overwrite_input=False, method=None,
                        keepdims=False, *, weights=None):
    d[y] = np.sum(quantile_weights(a, q, axis, 1.0, True, False, method)
                  * np.where(np.isnan(a), 0.0, d[a]),
                  axis=quantile_axes(q, a, axis), keepdims=keepdims)
    d[y] = (np.sum(quantile_weights(a, q, axis, 1.0, True, True) * np.where(np.isnan(a), 0.0, a),
                   axis=quantile_axes(q, a, axis), keepdims=keepdims)
            * np.reshape(d[q], q_lined_up(q, y)))


@adjoint(np.nanpercentile)
def nanpercentile(y, a, q, axis=None, out=None, overwrite_input=False, method=None,
                  keepdims=False, *, weights=None):
    d[a] = np.sum(unreduce(d[y], quantile_weights(a, q, axis, 100.0, True, False, method),
                           quantile_axes(q, a, axis), keepdims)
                  * quantile_weights(a, q, axis, 100.0, True, False, method),
                  axis=tuple(range(np.ndim(q))))
    d[q] = np.reshape(np.sum(d[y] * np.sum(quantile_weights(a, q, axis, 100.0, True, True)
                                           * np.where(np.isnan(a), 0.0, a),
                                           axis=quantile_axes(q, a, axis), keepdims=keepdims),
                             axis=q_axes(q, y)), np.shape(q))


@tangent(np.nanpercentile)
def nanpercentile_tangent(y, a, q, axis=None, out=None, overwrite_input=False, method=None,
                          keepdims=False, *, weights=None):
    d[y] = np.sum(quantile_weights(a, q, axis, 100.0, True, False, method)
                  * np.where(np.isnan(a), 0.0, d[a]),
                  axis=quantile_axes(q, a, axis), keepdims=keepdims)
    d[y] = (np.sum(quantile_weights(a, q, axis, 100.0, True, True)
                   * np.where(np.isnan(a), 0.0, a),
                   axis=quantile_axes(q, a, axis), keepdims=keepdims)
            * np.reshape(d[q], q_lined_up(q, y)))


# ---------------------------------------------------------------------------------------------
# The trapezoid rule: sum over the steps h = diff(x) (or dx) of h * (the mean of the two
# values at its ends), linear in y for fixed steps and in the steps for fixed y.

@adjoint(np.trapezoid)
def trapezoid(r, y, x=None, dx=1.0, axis=-1):
    if x is None:
        d[y] = unpair_mean(np.broadcast_to(np.expand_dims(d[r], axis) * dx,
                                           pair_shape(y, axis)), axis)
        d[dx] = np.sum(d[r] * np.sum(pair_mean(y, axis), axis=axis))
    else:
        d[y] = unpair_mean(np.expand_dims(d[r], axis) * trapezoid_steps(x, y, axis), axis)
        d[x] = untrapezoid_steps(np.expand_dims(d[r], axis) * pair_mean(y, axis), x, axis)


@tangent(np.trapezoid)
def trapezoid_tangent(r, y, x=None, dx=1.0, axis=-1):
    if x is None:
        d[r] = np.trapezoid(d[y], dx=dx, axis=axis)
        d[r] = np.sum(pair_mean(y, axis), axis=axis) * d[dx]
    else:
        d[r] = np.trapezoid(d[y], x, axis=axis)
        d[r] = np.sum(pair_mean(y, axis) * trapezoid_steps(d[x], y, axis), axis=axis)


# ---------------------------------------------------------------------------------------------
# Convolutions of 1-d arrays (real): the full convolution's adjoint in a is the correlation of
# the derivative with v (and in v, with a); the other modes are slices of the full one, so the
# derivative is padded back to the full length first.  np.correlate(a, v) is
# np.convolve(a, v[::-1]).

@adjoint(np.convolve)
def convolve(y, a, v, mode="full"):
    d[a] = np.correlate(np.pad(d[y], convolve_padding(a, v, mode)), v,
                        "valid")
    d[v] = np.correlate(np.pad(d[y], convolve_padding(a, v, mode)), a,
                        "valid")


@tangent(np.convolve)
def convolve_tangent(y, a, v, mode="full"):
    d[y] = np.convolve(d[a], v, mode)
    d[y] = np.convolve(a, d[v], mode)


@adjoint(np.correlate)
def correlate(y, a, v, mode="valid"):
    d[a] = np.correlate(np.pad(d[y], convolve_padding(a, v, mode, True)),
                        np.flip(v), "valid")
    d[v] = np.flip(np.correlate(np.pad(d[y], convolve_padding(a, v, mode, True)),
                                a, "valid"))


@tangent(np.correlate)
def correlate_tangent(y, a, v, mode="valid"):
    d[y] = np.correlate(d[a], v, mode)
    d[y] = np.correlate(a, d[v], mode)


# ---------------------------------------------------------------------------------------------
# Unwrapping adds whole periods where the values jump: locally constant, so the derivative
# passes through unchanged.

@adjoint(np.unwrap)
def unwrap(y, p, discont=None, axis=-1, *, period=None):
    d[p] = d[y]
    d[discont] = no_derivative("np.unwrap", "discont", "pass discont as a constant")
    d[period] = no_derivative("np.unwrap", "period", "pass period as a constant")


@tangent(np.unwrap)
def unwrap_tangent(y, p, discont=None, axis=-1, *, period=None):
    d[y] = d[p]
    d[y] = no_derivative("np.unwrap", "discont", "pass discont as a constant") * d[discont]
    d[y] = no_derivative("np.unwrap", "period", "pass period as a constant") * d[period]


# ---------------------------------------------------------------------------------------------
# Rules of the helpers above, which are linear in their first argument: so that derivatives
# can be differentiated again.

@adjoint(undiff)
def undiff_adjoint(r, g, n=1, axis=-1):
    d[g] = np.diff(d[r], n, axis)


@tangent(undiff)
def undiff_tangent(r, g, n=1, axis=-1):
    d[r] = undiff(d[g], n, axis)


@adjoint(diff_piece)
def diff_piece_adjoint(r, full, a, axis, prepend, append, part):
    d[full] = diff_unpiece(d[r], full, a, axis, prepend, append, part)


@tangent(diff_piece)
def diff_piece_tangent(r, full, a, axis, prepend, append, part):
    d[r] = diff_piece(d[full], a, axis, prepend, append, part)


@adjoint(diff_unpiece)
def diff_unpiece_adjoint(r, g, full, a, axis, prepend, append, part):
    d[g] = diff_piece(d[r], a, axis, prepend, append, part)


@tangent(diff_unpiece)
def diff_unpiece_tangent(r, g, full, a, axis, prepend, append, part):
    d[r] = diff_unpiece(d[g], full, a, axis, prepend, append, part)


@adjoint(pair_mean)
def pair_mean_adjoint(r, y, axis):
    d[y] = unpair_mean(d[r], axis)


@tangent(pair_mean)
def pair_mean_tangent(r, y, axis):
    d[r] = pair_mean(d[y], axis)


@adjoint(unpair_mean)
def unpair_mean_adjoint(r, g, axis):
    d[g] = pair_mean(d[r], axis)


@tangent(unpair_mean)
def unpair_mean_tangent(r, g, axis):
    d[r] = unpair_mean(d[g], axis)


@adjoint(trapezoid_steps)
def trapezoid_steps_adjoint(r, x, y, axis):
    d[x] = untrapezoid_steps(d[r], x, axis)


@tangent(trapezoid_steps)
def trapezoid_steps_tangent(r, x, y, axis):
    d[r] = trapezoid_steps(d[x], y, axis)


@adjoint(untrapezoid_steps)
def untrapezoid_steps_adjoint(r, g, x, axis):
    d[g] = np.broadcast_to(trapezoid_steps(d[r], g, axis), np.shape(g))


@tangent(untrapezoid_steps)
def untrapezoid_steps_tangent(r, g, x, axis):
    d[r] = untrapezoid_steps(d[g], x, axis)


# ---------------------------------------------------------------------------------------------
# Covariance of the rows X (observations along a row, weights w): C = (Xc * w) @ Xc.T / fact
# with Xc = X less its weighted mean; the mean's own derivative cancels (Xc's weighted rows
# sum to zero), so dX = (G + G.T) @ (Xc * w) / fact.  The weights are constants.

@adjoint(np.cov)
def cov(c, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    rows = cov_rows(m, rowvar, y)
    w = cov_weights(m, rowvar, fweights, aweights)
    g = np.reshape(d[c], cov_square(m, rowvar))
    d[m] = cov_unrows((g + np.transpose(g))
                      @ ((rows - np.sum(rows * w, axis=1, keepdims=True) / np.sum(w)) * w)
                      / cov_factor(m, rowvar, bias, ddof, fweights, aweights), m, rowvar)
    d[fweights] = no_derivative("np.cov", "fweights", "pass the weights as constants")
    d[aweights] = no_derivative("np.cov", "aweights", "pass the weights as constants")


@tangent(np.cov)
def cov_tangent(c, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
                aweights=None, *, dtype=None):
    rows = cov_rows(m, rowvar, y)
    w = cov_weights(m, rowvar, fweights, aweights)
    centered = rows - np.sum(rows * w, axis=1, keepdims=True) / np.sum(w)
    d[c] = np.reshape(((cov_rows(d[m], rowvar, y) * w) @ np.transpose(centered)
                       + centered @ np.transpose(cov_rows(d[m], rowvar, y) * w))
                      / cov_factor(m, rowvar, bias, ddof, fweights, aweights), np.shape(c))
    d[c] = no_derivative("np.cov", "fweights", "pass the weights as constants") * d[fweights]
    d[c] = no_derivative("np.cov", "aweights", "pass the weights as constants") * d[aweights]


# corrcoef: R = C / (s s^T) with s = sqrt(diag C); the derivative reaches C directly and
# through s (on the diagonal), then m as for np.cov.
@adjoint(np.corrcoef)
def corrcoef(r, x, y=None, rowvar=True, *, dtype=None):
    rows = cov_rows(x, rowvar, y)
    spread = np.sqrt(np.diag(np.cov(rows)))
    g = np.reshape(d[r], cov_square(x, rowvar))
    both = g * np.cov(rows) / np.outer(spread, spread)
    gc = (g / np.outer(spread, spread)
          - np.diag((np.sum(both, axis=1) + np.sum(both, axis=0)) / (2.0 * spread ** 2)))
    d[x] = cov_unrows((gc + np.transpose(gc))
                      @ (rows - np.mean(rows, axis=1, keepdims=True))
                      / (np.shape(rows)[1] - 1), x, rowvar)


@tangent(np.corrcoef)
def corrcoef_tangent(r, x, y=None, rowvar=True, *, dtype=None):
    rows = cov_rows(x, rowvar, y)
    centered = (rows - np.mean(rows, axis=1, keepdims=True)) / (np.shape(rows)[1] - 1)
    spread = np.sqrt(np.diag(np.cov(rows)))
    # With S = dX @ Xc.T / (n - 1): dC = S + S.T, and d(s_i) / s_i = S_ii / s_i^2.
    d[r] = np.reshape(
        (cov_rows(d[x], rowvar, y) @ np.transpose(centered)
         + centered @ np.transpose(cov_rows(d[x], rowvar, y))) / np.outer(spread, spread)
        - np.cov(rows) / np.outer(spread, spread)
        * (np.reshape(np.sum(cov_rows(d[x], rowvar, y) * centered, axis=1) / spread ** 2,
                      (-1, 1))
           + np.reshape(np.sum(cov_rows(d[x], rowvar, y) * centered, axis=1) / spread ** 2,
                        (1, -1))), np.shape(r))


@adjoint(cov_rows)
def cov_rows_adjoint(r, m, rowvar=True, y=None):
    d[m] = cov_unrows(d[r], m, rowvar)


@tangent(cov_rows)
def cov_rows_tangent(r, m, rowvar=True, y=None):
    d[r] = cov_rows(d[m], rowvar, y)


@adjoint(cov_unrows)
def cov_unrows_adjoint(r, g, m, rowvar=True):
    d[g] = cov_rows(d[r], rowvar)


@tangent(cov_unrows)
def cov_unrows_tangent(r, g, m, rowvar=True):
    d[r] = cov_unrows(d[g], m, rowvar)


# ---------------------------------------------------------------------------------------------
# Interpolation: linear in fp; in x, the slope of the segment x falls in (zero outside xp's
# range).  xp, left, right are constants.

@adjoint(np.interp)
def interp(y, x, xp, fp, left=None, right=None, period=None):
    d[x] = d[y] * np.sum(interp_slope_weights(x, xp, left, right, period) * fp, axis=-1)
    d[fp] = interp_adjoint(d[y], x, xp, left, right, period)
    d[xp] = no_derivative("np.interp", "xp", "pass the points xp as constants")
    d[left] = no_derivative("np.interp", "left", "pass left as a constant")
    d[right] = no_derivative("np.interp", "right", "pass right as a constant")


@tangent(np.interp)
def interp_tangent(y, x, xp, fp, left=None, right=None, period=None):
    d[y] = np.sum(interp_slope_weights(x, xp, left, right, period) * fp, axis=-1) * d[x]
    d[y] = np.interp(x, xp, d[fp], left=zero_part(left, None), right=zero_part(right, None))
    d[y] = no_derivative("np.interp", "xp", "pass the points xp as constants") * d[xp]
    d[y] = no_derivative("np.interp", "left", "pass left as a constant") * d[left]
    d[y] = no_derivative("np.interp", "right", "pass right as a constant") * d[right]


@adjoint(interp_adjoint)
def interp_adjoint_adjoint(r, g, x, xp, left=None, right=None, period=None):
    d[g] = np.interp(x, xp, d[r], left=zero_part(left, None), right=zero_part(right, None))
    d[x] = g * np.sum(interp_slope_weights(x, xp, left, right, period) * d[r], axis=-1)


@tangent(interp_adjoint)
def interp_adjoint_tangent(r, g, x, xp, left=None, right=None, period=None):
    d[r] = interp_adjoint(d[g], x, xp, left, right, period)
    d[r] = interp_slope_adjoint(g * d[x], x, xp, left, right, period)


@adjoint(interp_slope_adjoint)
def interp_slope_adjoint_adjoint(r, g, x, xp, left=None, right=None, period=None):
    d[g] = np.sum(interp_slope_weights(x, xp, left, right, period) * d[r], axis=-1)


@tangent(interp_slope_adjoint)
def interp_slope_adjoint_tangent(r, g, x, xp, left=None, right=None, period=None):
    d[r] = interp_slope_adjoint(d[g], x, xp, left, right, period)
