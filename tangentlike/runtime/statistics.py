"""Helpers of the reduction keyword forms and the statistics rules (templates/numpy_reductions.py,
templates/numpy_statistics.py): counts under ``where=`` masks, the results ``initial=`` decided,
the transposes of differences and of the trapezoid rule."""
from __future__ import annotations

from typing import Any

import numpy as np

from tangentlike.errors import NoDerivativeError, ValueRefusedError


def where_count(a: Any, axis: Any = None, keepdims: bool = False, where: Any = True) -> Any:
    """How many values of ``a`` a reduction over ``axis`` with ``where=`` reads into each
    result (``np.mean``'s divisor), in ``a``'s floating point type."""
    selected = np.broadcast_to(where, np.shape(a))
    return np.sum(selected, axis=axis, keepdims=keepdims, dtype=np.result_type(a, 1.0))


def initial_won(a: Any, y: Any, axis: Any = None, keepdims: bool = False,
                where: Any = None) -> Any:
    """1.0 where ``y = np.max(a, axis, initial=..., where=...)`` (or min) reached no element of
    ``a`` (the initial value is the result), else 0.0: the results ``initial`` decided."""
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        y = np.expand_dims(y, tuple(ax % np.ndim(a) for ax in axes))
    hit = np.equal(a, y) if where is None else np.logical_and(np.equal(a, y), where)
    reached = np.any(hit, axis=axis, keepdims=keepdims)
    return np.logical_not(reached).astype(np.result_type(a, 1.0))


def undiff(g: Any, n: int = 1, axis: int = -1) -> Any:
    """The transpose of ``np.diff(., n, axis)``: ``g`` (a difference's derivative) spread back
    over the array differenced, one element longer along ``axis`` per order."""
    for _ in range(n):
        # zeros concatenated at both ends, not diff's prepend/append: Dask's diff computes a
        # 0-d Dask prepend, and this stays lazy
        shape = list(np.shape(g))
        shape[axis] = 1
        zero = np.zeros(tuple(shape), dtype=np.result_type(g, 1.0))
        g = -np.diff(np.concatenate((zero, g, zero), axis=axis), axis=axis)
    return g


def diff_piece(full: Any, a: Any, axis: int, prepend: Any, append: Any, part: str) -> Any:
    """The part of ``full`` (shaped like ``np.concatenate((prepend, a, append), axis)``, as
    ``np.diff`` builds it) that comes from ``part`` ("prepend", "a" or "append"), summed back
    to that argument's shape when NumPy broadcast it."""
    axis = axis % np.ndim(a)

    def length(v: Any) -> int:
        if v is None or v is np._NoValue:
            return 0
        return 1 if np.ndim(v) == 0 else np.shape(v)[axis]

    start, stop = length(prepend), length(prepend) + np.shape(a)[axis]
    if part == "prepend":
        piece, like = np.take(full, np.arange(0, start), axis=axis), prepend
    elif part == "append":
        piece = np.take(full, np.arange(stop, np.shape(full)[axis]), axis=axis)
        like = append
    else:
        return np.take(full, np.arange(start, stop), axis=axis)
    return np.sum(piece) if np.ndim(like) == 0 else np.reshape(piece, np.shape(like))


def zero_part(v: Any, missing: Any = np._NoValue) -> Any:
    """``np.zeros_like(v)``, or ``missing`` when ``v`` was not given (None): the marker that
    stands for "not given" (``np.diff``'s ``prepend`` and ``append``: NumPy's own)."""
    if v is None or v is np._NoValue:
        return missing
    return np.zeros_like(v, dtype=np.result_type(v, 1.0))


def ediff1d_index(ary: Any, to_begin: Any, part: str, to_end: Any = None) -> Any:
    """The positions in ``np.ediff1d(ary, to_end, to_begin)`` of its ``part``: "to_begin",
    the differences ("ary") or "to_end"."""
    begin = 0 if to_begin is None else np.size(to_begin)
    steps = max(np.size(ary) - 1, 0)
    if part == "to_begin":
        return np.arange(begin)
    if part == "ary":
        return np.arange(begin, begin + steps)
    return np.arange(begin + steps, begin + steps + np.size(to_end))


def diff_unpiece(g: Any, full: Any, a: Any, axis: int, prepend: Any, append: Any,
                 part: str) -> Any:
    """The transpose of :func:`diff_piece`: ``g`` (shaped like the part) put in its place in
    an array of zeros shaped like ``full``."""
    axis = axis % np.ndim(a)
    out = np.zeros(np.shape(full), dtype=np.result_type(g, full))
    pre = 0 if prepend is None or prepend is np._NoValue else (1 if np.ndim(prepend) == 0
                                            else np.shape(prepend)[axis])
    stop = pre + np.shape(a)[axis]
    span = {"prepend": (0, pre), "a": (pre, stop), "append": (stop, np.shape(full)[axis])}[part]
    index = (slice(None),) * axis + (slice(*span),)
    out[index] = g if np.ndim(g) else np.broadcast_to(g, out[index].shape)
    return out


def no_derivative(function: str, argument: str, hint: str) -> Any:
    """Raise: ``function`` has no derivative with respect to ``argument``."""
    raise NoDerivativeError(f"tangentlike has no derivative of {function} with respect to "
                            f"{argument}", hint=hint)


def step_index(y: Any, axis: Any, skip: int) -> Any:
    """The indices along ``axis`` (0 when None) of ``y`` without its first ``skip``
    elements (``np.cumulative_sum(..., include_initial=True)`` starts with a zero)."""
    axis = 0 if axis is None else axis
    return np.arange(skip, np.shape(y)[axis])


def real_values(what: str, a: Any) -> None:
    """Refuse complex values where a rule's derivative is written for real ones (np.correlate
    conjugates its second argument, np.cov its rows; sorting orders by real part first): a
    refusal, not a wrong number."""
    if np.iscomplexobj(a):
        raise ValueRefusedError(
            f"the derivative of {what} is implemented for real values only; these are complex "
            f"({np.result_type(a)})")


def convolve_padding(a: Any, v: Any, mode: str, correlate: bool = False) -> tuple[int, int]:
    """Where ``np.convolve(a, v, mode)`` (or ``np.correlate``) sits in the full one: the zeros
    before and after it that make the full length; refuses complex ``a`` or ``v``."""
    real_values("np.correlate" if correlate else "np.convolve", a)
    real_values("np.correlate" if correlate else "np.convolve", v)
    n, m = np.size(a), np.size(v)
    if mode not in ("full", "same", "valid"):
        raise ValueRefusedError(f"the derivative of np.convolve or np.correlate with "
                                f"mode={mode!r}: use 'full', 'same' or 'valid'")
    function = np.correlate if correlate else np.convolve
    # Distinct values convolved with a unit impulse: the part matches one place of the full.
    a, v = np.arange(1.0, n + 1.0), np.zeros(m)
    v[0] = 1.0
    full = function(a, v, "full")
    part = function(a, v, mode)
    start = next(i for i in range(len(full) - len(part) + 1)
                 if np.array_equal(full[i:i + len(part)], part))
    return start, len(full) - len(part) - start

def trapezoid_steps(x: Any, y: Any, axis: int) -> Any:
    """``np.diff(x)`` lined up with ``y`` as ``np.trapezoid(y, x, axis=axis)`` uses it: a 1-d
    ``x`` along ``axis``, else differenced along ``axis``."""
    if np.ndim(x) == 1:
        shape = [1] * np.ndim(y)
        shape[axis % np.ndim(y)] = np.shape(x)[0] - 1
        return np.reshape(np.diff(x), shape)
    return np.diff(x, axis=axis)


def untrapezoid_steps(g: Any, x: Any, axis: int) -> Any:
    """The transpose of :func:`trapezoid_steps`: ``g`` (shaped like its result) back to
    ``x``'s shape."""
    if np.ndim(x) == 1:
        other = tuple(i for i in range(np.ndim(g)) if i != axis % np.ndim(g))
        return undiff(np.sum(g, axis=other), 1, 0)
    g = np.sum(g, axis=tuple(range(np.ndim(g) - np.ndim(x))))  # axes x was broadcast along
    steps = np.shape(np.diff(x, axis=axis))
    stretched = tuple(i for i, n in enumerate(steps) if n == 1 and np.shape(g)[i] != 1)
    return undiff(np.sum(g, axis=stretched, keepdims=True), 1, axis)


def pair_shape(y: Any, axis: int) -> tuple[int, ...]:
    """The shape of :func:`pair_mean`'s result: one element fewer along ``axis``."""
    shape = list(np.shape(y))
    shape[axis % len(shape)] -= 1
    return tuple(shape)


def pair_mean(y: Any, axis: int) -> Any:
    """The means of neighbours along ``axis``: ``(y[1:] + y[:-1]) / 2`` there."""
    n = np.shape(y)[axis]
    return (np.take(y, np.arange(1, n), axis=axis) + np.take(y, np.arange(0, n - 1), axis=axis)) / 2


def unpair_mean(g: Any, axis: int) -> Any:
    """The transpose of :func:`pair_mean`: one element longer along ``axis``."""
    ndim = np.ndim(g)
    before = [(0, 0)] * ndim
    after = [(0, 0)] * ndim
    before[axis % ndim] = (1, 0)
    after[axis % ndim] = (0, 1)
    return (np.pad(g, before) + np.pad(g, after)) / 2


def quantile_weights(a: Any, q: Any, axis: Any = None, scale: float = 1.0,
                     nan: bool = False, slope: bool = False, method: Any = None) -> Any:
    """The weights ``W`` (shape ``q.shape + a.shape``) that make ``np.quantile(a, q / scale,
    axis)`` with the 'linear' method ``np.sum(W * a, axis=<axis, after q's axes>)``: each
    quantile mixes the two sorted values around it.  ``nan``: NaNs are left out
    (``np.nanquantile``).  ``slope``: instead, the weights of the quantile's derivative
    with respect to ``q`` (the difference of the two sorted values, per unit of ``q``).
    ``method``: anything but 'linear' (None: the default) is refused; so are complex
    values."""
    real_values("np.median, np.quantile and np.percentile", a)
    if method not in (None, "linear"):
        raise ValueRefusedError(
            f"the derivative of a quantile (np.quantile, np.percentile, np.median and their "
            f"NaN-ignoring forms) with method={method!r}: only method='linear' (the default) "
            "has a rule", hint="use method='linear', or compute the quantile outside the "
                               "differentiated function if it is a constant")
    a = np.asarray(a)
    q = np.asarray(q, dtype=np.result_type(a, 1.0)) / scale
    if nan and q.ndim > 1 and np.ndim(axis) > 0:
        raise ValueRefusedError("the derivative of np.nanquantile or np.nanpercentile with q of "
                                "more than one dimension and a tuple of axes (NumPy's result "
                                "has another layout): reshape q to 1-d")
    ndim = a.ndim
    axes = tuple(range(ndim)) if axis is None else tuple(
        ax % ndim for ax in ((axis,) if np.ndim(axis) == 0 else axis))
    kept = tuple(i for i in range(ndim) if i not in axes)
    order = kept + axes
    moved = np.transpose(a, order)
    frame = moved.shape[:len(kept)]
    flat = moved.reshape(frame + (-1,))
    rank = np.argsort(np.argsort(flat, axis=-1, kind="stable"), axis=-1, kind="stable")
    if nan:
        count = np.sum(np.logical_not(np.isnan(flat)), axis=-1, keepdims=True)
    else:
        count = np.full(frame + (1,), flat.shape[-1])
    qq = q.reshape(q.shape + (1,) * (len(frame) + 1))
    position = qq * np.maximum(count - 1, 0)
    low = np.floor(position)
    high = np.minimum(low + 1, np.maximum(count - 1, 0))
    frac = position - low
    at_low = rank == low
    at_high = rank == high
    if slope:
        w = (at_high.astype(flat.dtype) - at_low) * (np.maximum(count - 1, 0) / scale)
        w = np.where(high == low, 0.0, w)
    else:
        w = at_low * (1 - frac) + at_high * frac
    w = np.asarray(w, dtype=np.result_type(a, 1.0)).reshape(q.shape + moved.shape)
    inverse = np.argsort(order)
    return np.transpose(w, tuple(range(q.ndim)) + tuple(q.ndim + i for i in inverse))


def quantile_axes(q: Any, a: Any, axis: Any = None) -> tuple[int, ...]:
    """The axes of ``quantile_weights(a, q, axis) * a`` that the quantile sums over."""
    ndim = np.ndim(a)
    axes = range(ndim) if axis is None else (
        ax % ndim for ax in ((axis,) if np.ndim(axis) == 0 else axis))
    return tuple(np.ndim(q) + ax for ax in axes)


def q_axes(q: Any, y: Any) -> tuple[int, ...]:
    """The axes of a quantile's result ``y`` past ``q``'s own (leading) ones."""
    return tuple(range(np.ndim(q), np.ndim(y)))


def q_lined_up(q: Any, y: Any) -> tuple[int, ...]:
    """``q``'s shape with axes of length 1 for the rest of ``y``'s."""
    return np.shape(q) + (1,) * (np.ndim(y) - np.ndim(q))


# Covariances: the observations as rows of variables, as np.cov arranges them.

def cov_rows(m: Any, rowvar: bool = True, y: Any = None) -> Any:
    """``m`` as np.cov reads it: a 2-d array, one variable per row (real: refused if
    complex)."""
    real_values("np.cov and np.corrcoef", m)
    if y is not None:
        raise ValueRefusedError(
            "the derivative of np.cov or np.corrcoef with a second array y: join them first, "
            "np.cov(np.vstack([m, y]))")
    x = np.asarray(m)
    x = x.reshape(1, -1) if x.ndim < 2 else x
    return x.T if not rowvar and x.shape[0] != 1 else x


def cov_unrows(g: Any, m: Any, rowvar: bool = True) -> Any:
    """The transpose of :func:`cov_rows`: ``g`` (one row per variable) back to ``m``'s
    shape."""
    g = np.asarray(g)
    x_rows = np.shape(m)[0] if np.ndim(m) >= 2 else 1
    transposed = not rowvar and np.ndim(m) >= 2 and x_rows != 1
    # np.cov computes in float64 at least: the derivative takes m's precision back.
    return np.reshape(g.T if transposed else g, np.shape(m)).astype(np.result_type(m, 1.0),
                                                                    copy=False)


def cov_square(m: Any, rowvar: bool = True) -> tuple[int, int]:
    """The shape of np.cov's result before NumPy squeezes it: (variables, variables)."""
    n = cov_rows(m, rowvar).shape[0]
    return n, n


def cov_weights(m: Any, rowvar: bool = True, fweights: Any = None, aweights: Any = None) -> Any:
    """The weight of each observation in np.cov (ones without weights)."""
    w = np.ones(cov_rows(m, rowvar).shape[1], dtype=np.result_type(m, 1.0))
    if fweights is not None:
        w = w * np.asarray(fweights, dtype=w.dtype)
    if aweights is not None:
        w = w * np.asarray(aweights, dtype=w.dtype)
    return w


def cov_factor(m: Any, rowvar: bool = True, bias: bool = False, ddof: Any = None,
               fweights: Any = None, aweights: Any = None) -> Any:
    """What np.cov divides the weighted sum of products by."""
    if ddof is None:
        ddof = 0 if bias else 1
    if fweights is None and aweights is None:
        return cov_rows(m, rowvar).shape[1] - ddof
    w = cov_weights(m, rowvar, fweights, aweights)
    total = np.sum(w)
    if ddof == 0:
        return total
    if aweights is None:
        return total - ddof
    return total - ddof * np.sum(w * aweights) / total


# Polynomials as coefficient arrays, highest power first.

def poly_powers(p: Any, x: Any) -> Any:
    """The power of ``x`` each coefficient of ``p`` multiplies (in their floating type)."""
    return np.arange(np.size(p) - 1, -1, -1, dtype=np.result_type(p, x, 1.0))


def poly_tail(y: Any, a: Any) -> Any:
    """The positions of ``a``'s coefficients in the sum or difference ``y`` (the last ones:
    the shorter polynomial is padded in front)."""
    return np.arange(np.size(y) - np.size(a), np.size(y))


def polyder_factors(p: Any, m: int = 1) -> Any:
    """What ``np.polyder(p, m)`` multiplies the first ``len(p) - m`` coefficients by."""
    powers = np.arange(np.size(p) - 1, m - 1, -1, dtype=np.result_type(p, 1.0))
    factors = np.ones_like(powers)
    for j in range(m):
        factors = factors * (powers - j)
    return factors


def polyint_factors(p: Any, m: int = 1) -> Any:
    """What ``np.polyint(p, m)`` multiplies ``p``'s coefficients by (they come first)."""
    powers = np.arange(np.size(p) - 1, -1, -1, dtype=np.result_type(p, 1.0))
    factors = np.ones_like(powers)
    for j in range(1, m + 1):
        factors = factors / (powers + j)
    return factors


def polyfit_matrix(x: Any, deg: int, rcond: Any = None, full: bool = False, w: Any = None,
                   cov: Any = False) -> Any:
    """The matrix ``P`` with ``np.polyfit(x, y, deg, w=w) == P @ y``: least squares is linear
    in ``y`` (``x`` and the weights fixed)."""
    if full or cov:
        raise ValueRefusedError("the derivative of np.polyfit with full=True or cov=True (a "
                                "tuple): call np.polyfit for the coefficients alone")
    vander = np.vander(np.asarray(x, dtype=float), deg + 1)
    weights = np.ones(len(vander)) if w is None else np.asarray(w, dtype=float)
    return np.linalg.pinv(vander * weights[:, None]) * weights


# Interpolation: np.interp(x, xp, fp) = sum_k V_k(x) fp_k, with the hat functions V_k of the
# points xp; its slope in x is sum_k S_k(x) fp_k with S_k piecewise constant.

def _interp_check(xp: Any, left: Any, right: Any, period: Any) -> None:
    if period is not None:
        raise ValueRefusedError("the derivative of np.interp with period=: unwrap x first")


def interp_slope_weights(x: Any, xp: Any, left: Any = None, right: Any = None,
                         period: Any = None) -> Any:
    """``S`` (shape ``x.shape + xp.shape``): the slope of ``np.interp(x, xp, fp)`` in ``x`` is
    ``np.sum(S * fp, axis=-1)`` (zero outside ``xp``'s range and at its points' kinks' right
    side, as NumPy's interval search picks)."""
    _interp_check(xp, left, right, period)
    xp = np.asarray(xp, dtype=float)
    x = np.asarray(x)
    n = len(xp)
    i = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, n - 2)
    inside = (x >= xp[0]) & (x < xp[-1])
    step = (1.0 / (xp[i + 1] - xp[i])) * inside
    s = np.zeros(x.shape + (n,), dtype=np.result_type(x, 1.0))
    np.put_along_axis(s, i[..., None], -step[..., None], axis=-1)
    np.put_along_axis(s, i[..., None] + 1, step[..., None], axis=-1)
    return s


def interp_adjoint(g: Any, x: Any, xp: Any, left: Any = None, right: Any = None,
                   period: Any = None) -> Any:
    """The transpose of ``fp -> np.interp(x, xp, fp)``: the derivative ``g`` (shaped like
    ``x``) spread onto ``fp``'s points (``left``/``right`` values take their share away)."""
    _interp_check(xp, left, right, period)
    n = np.size(xp)
    basis = np.eye(n, dtype=np.result_type(g, 1.0))
    zero_l = None if left is None else 0.0
    zero_r = None if right is None else 0.0
    flat = np.ravel(x)
    hats = np.stack([np.interp(flat, xp, basis[k], zero_l, zero_r) for k in range(n)], axis=-1)
    return np.sum(np.reshape(g, (-1, 1)) * hats, axis=0).astype(np.result_type(g, 1.0))


def interp_slope_adjoint(g: Any, x: Any, xp: Any, left: Any = None, right: Any = None,
                         period: Any = None) -> Any:
    """``sum_j g_j S(x_j)``: the transpose of ``fp -> slope of the interpolant at x``."""
    s = interp_slope_weights(x, xp, left, right, period)
    return np.sum(np.reshape(g, (-1, 1)) * np.reshape(s, (-1, np.size(xp))), axis=0)
