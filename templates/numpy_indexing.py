"""NumPy functions that gather elements, or build arrays from differentiated pieces:
take_along_axis, append, delete, insert, extract, compress, choose, select, resize,
trim_zeros, unique (and unique_values, _counts, _inverse, _all), intersect1d, union1d,
setdiff1d, setxor1d, block, broadcast_arrays, meshgrid, unstack, diagflat, vander, logspace,
geomspace, the methods x.compress, x.choose, x.item, x.tolist, x.view, x.to_device, and the
functions that write into their first argument (np.copyto, np.put, ...: see ``written``).

Most of them move elements without changing them.  The rules call the function on arrays of
flat indices (``flat_sources``; tangentlike/runtime/gathers.py) to find where each element of
the result comes from, then read a tangent there (``gathered``) or add an adjoint back
(``ungathered``; an element copied twice gets both contributions).  The counts and indices
np.unique and np.intersect1d can return are constants; a value np.unique keeps is the first
element equal to it (a tie, as for np.max: that element gets the derivative).
"""
import numpy as np
from tangentlike.templates.numpy_arrays import linspace_weights

from tangentlike.rules.primitive import Facts, Returns
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast, zeros_like
from tangentlike.runtime.arrays import cast_derivative, unarray
from tangentlike.runtime.gathers import (
    first_part,
    flat_sources,
    gathered,
    gathered_pieces,
    item_source,
    mesh_shape,
    no_sources,
    piece_sources,
    same_dtype_view,
    scalar_base,
    select_sources,
    set_sources,
    spread_part,
    trim_sources,
    ungathered,
    ungathered_pieces,
    unique_sources,
    unspread_part,
    vander_powers,
    with_constant_parts,
)
from tangentlike.runtime.writes import write_sources, written

# Every function of this family computes a value and does nothing else and returns a new
# value; some return tuples (np.unique with return_counts=True, np.broadcast_arrays), and the
# shapes of most follow from the values (np.delete's indices, np.unique).
FACTS = Facts(pure=True, containers=True, returns=Returns.NEW)

non_differentiable(flat_sources, no_sources, piece_sources, select_sources, set_sources,
                   unique_sources, trim_sources, item_source, mesh_shape, vander_powers,
                   write_sources)


# Gathers of one array ------------------------------------------------------------------------

@adjoint(np.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    d[arr] = ungathered(d[y], arr, np.take_along_axis(flat_sources(arr), indices, axis))


@tangent(np.take_along_axis)
def take_along_axis_tangent(y, arr, indices, axis=-1):
    d[y] = gathered(d[arr], np.take_along_axis(flat_sources(arr), indices, axis))


@adjoint(np.delete)
def delete(y, arr, obj, axis=None):
    d[arr] = ungathered(d[y], arr, np.delete(flat_sources(arr), obj, axis))


@tangent(np.delete)
def delete_tangent(y, arr, obj, axis=None):
    d[y] = gathered(d[arr], np.delete(flat_sources(arr), obj, axis))


@adjoint(np.extract)
def extract(y, condition, arr):
    d[arr] = ungathered(d[y], arr, np.extract(condition, flat_sources(arr)))


@tangent(np.extract)
def extract_tangent(y, condition, arr):
    d[y] = gathered(d[arr], np.extract(condition, flat_sources(arr)))


@adjoint(np.compress)
def compress(y, condition, a, axis=None, out=None):
    d[a] = ungathered(d[y], a, np.compress(condition, flat_sources(a), axis))


@tangent(np.compress)
def compress_tangent(y, condition, a, axis=None, out=None):
    d[y] = gathered(d[a], np.compress(condition, flat_sources(a), axis))


@adjoint(np.ndarray.compress)
def compress_method(y, a, condition, axis=None, out=None):
    d[a] = ungathered(d[y], a, np.compress(condition, flat_sources(a), axis))


@tangent(np.ndarray.compress)
def compress_method_tangent(y, a, condition, axis=None, out=None):
    d[y] = gathered(d[a], np.compress(condition, flat_sources(a), axis))


@adjoint(np.resize)
def resize(y, a, new_shape):
    d[a] = ungathered(d[y], a, np.resize(flat_sources(a), new_shape))


@tangent(np.resize)
def resize_tangent(y, a, new_shape):
    d[y] = gathered(d[a], np.resize(flat_sources(a), new_shape))


@adjoint(np.trim_zeros)
def trim_zeros(y, filt, trim="fb", axis=None):
    d[filt] = ungathered(d[y], filt, trim_sources(filt, y, trim, axis))


@tangent(np.trim_zeros)
def trim_zeros_tangent(y, filt, trim="fb", axis=None):
    d[y] = gathered(d[filt], trim_sources(filt, y, trim, axis))


# x.item(i): a Python float; x.tolist(): nested lists of them (whose derivatives are added
# item by item, ``add_grad``: ``+`` would join two lists).
@adjoint(np.ndarray.item)
def item(y, a, *args):
    d[a] = ungathered(d[y], a, item_source(a, args))


@tangent(np.ndarray.item)
def item_tangent(y, a, *args):
    d[y] = cast_derivative(gathered(d[a], item_source(a, args)), y)


@adjoint(np.ndarray.tolist, tuple_result=True)
def tolist(y, a):
    d[a] = cast_derivative(d[y], a)


@tangent(np.ndarray.tolist, tuple_result=True)
def tolist_tangent(y, a):
    d[y] = unarray(d[a], y, a)


# Two arrays: each gets the derivative of the elements it gave ----------------------------------

@adjoint(np.append)
def append(y, arr, values, axis=None):
    d[arr] = ungathered(d[y], arr, np.append(flat_sources(arr), no_sources(values), axis))
    d[values] = ungathered(d[y], values, np.append(no_sources(arr), flat_sources(values), axis))


@tangent(np.append)
def append_tangent(y, arr, values, axis=None):
    d[y] = cast_derivative(gathered(d[arr], np.append(flat_sources(arr), no_sources(values),
                                                      axis)), y)
    d[y] = cast_derivative(gathered(d[values], np.append(no_sources(arr), flat_sources(values),
                                                         axis)), y)


# np.insert broadcasts the values into the slots: a value inserted twice gets both parts.
@adjoint(np.insert)
def insert(y, arr, obj, values, axis=None):
    d[arr] = ungathered(d[y], arr, np.insert(flat_sources(arr), obj, -1, axis))
    d[values] = ungathered(d[y], values, np.insert(no_sources(arr), obj, flat_sources(values),
                                                   axis))


@tangent(np.insert)
def insert_tangent(y, arr, obj, values, axis=None):
    d[y] = cast_derivative(gathered(d[arr], np.insert(flat_sources(arr), obj, -1, axis)), y)
    d[y] = cast_derivative(gathered(d[values], np.insert(no_sources(arr), obj,
                                                         flat_sources(values), axis)), y)


# The set operations: each value comes from the first equal element, ar1's before ar2's.
@adjoint(np.union1d)
def union1d(y, ar1, ar2):
    d[ar1] = ungathered(d[y], ar1, set_sources(y, ar1, ar2, 0))
    d[ar2] = ungathered(d[y], ar2, set_sources(y, ar1, ar2, 1))


@tangent(np.union1d)
def union1d_tangent(y, ar1, ar2):
    d[y] = gathered(d[ar1], set_sources(y, ar1, ar2, 0))
    d[y] = gathered(d[ar2], set_sources(y, ar1, ar2, 1))


@adjoint(np.setxor1d)
def setxor1d(y, ar1, ar2, assume_unique=False):
    d[ar1] = ungathered(d[y], ar1, set_sources(y, ar1, ar2, 0))
    d[ar2] = ungathered(d[y], ar2, set_sources(y, ar1, ar2, 1))


@tangent(np.setxor1d)
def setxor1d_tangent(y, ar1, ar2, assume_unique=False):
    d[y] = gathered(d[ar1], set_sources(y, ar1, ar2, 0))
    d[y] = gathered(d[ar2], set_sources(y, ar1, ar2, 1))


# A value of np.intersect1d is in both arrays: ar1's element gets the derivative (ar2 none).
@adjoint(np.intersect1d, tuple_result=True)
def intersect1d(y, ar1, ar2, assume_unique=False, return_indices=False):
    d[ar1] = ungathered(first_part(d[y]), ar1, set_sources(first_part(y), ar1, ar2, 0))


@tangent(np.intersect1d, tuple_result=True)
def intersect1d_tangent(y, ar1, ar2, assume_unique=False, return_indices=False):
    d[y] = with_constant_parts(gathered(d[ar1], set_sources(first_part(y), ar1, ar2, 0)), y)


@adjoint(np.setdiff1d)
def setdiff1d(y, ar1, ar2, assume_unique=False):
    d[ar1] = ungathered(d[y], ar1, set_sources(y, ar1, ar2, 0))


@tangent(np.setdiff1d)
def setdiff1d_tangent(y, ar1, ar2, assume_unique=False):
    d[y] = gathered(d[ar1], set_sources(y, ar1, ar2, 0))


# np.unique: the values are a gather; the indices, inverse and counts are constants.
@adjoint(np.unique, tuple_result=True)
def unique(y, ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, sorted=True):
    d[ar] = ungathered(first_part(d[y]), ar, unique_sources(ar, y, axis, equal_nan))


@tangent(np.unique, tuple_result=True)
def unique_tangent(y, ar, return_index=False, return_inverse=False, return_counts=False,
                   axis=None, *, equal_nan=True, sorted=True):
    d[y] = with_constant_parts(gathered(d[ar], unique_sources(ar, y, axis, equal_nan)), y)


@adjoint(np.unique_values)
@adjoint(np.unique_counts, tuple_result=True)
@adjoint(np.unique_inverse, tuple_result=True)
@adjoint(np.unique_all, tuple_result=True)
def unique_values(y, x):
    d[x] = ungathered(first_part(d[y]), x, unique_sources(x, y))


@tangent(np.unique_values)
@tangent(np.unique_counts, tuple_result=True)
@tangent(np.unique_inverse, tuple_result=True)
@tangent(np.unique_all, tuple_result=True)
def unique_values_tangent(y, x):
    d[y] = with_constant_parts(gathered(d[x], unique_sources(x, y)), y)


# Lists of arrays: the pieces are numbered one after the other ---------------------------------

# np.choose(a, choices): choices a list of arrays (or one array, its first axis the choice).
@adjoint(np.choose)
def choose(y, a, choices, out=None, mode="raise"):
    d[choices] = ungathered_pieces(d[y], choices,
                                   np.choose(a, piece_sources(choices), mode=mode))


@tangent(np.choose)
def choose_tangent(y, a, choices, out=None, mode="raise"):
    d[y] = gathered_pieces(d[choices], np.choose(a, piece_sources(choices), mode=mode))


@adjoint(np.ndarray.choose)
def choose_method(y, a, choices, out=None, mode="raise"):
    d[choices] = ungathered_pieces(d[y], choices,
                                   np.choose(a, piece_sources(choices), mode=mode))


@tangent(np.ndarray.choose)
def choose_method_tangent(y, a, choices, out=None, mode="raise"):
    d[y] = gathered_pieces(d[choices], np.choose(a, piece_sources(choices), mode=mode))


@adjoint(np.select)
def select(y, condlist, choicelist, default=0):
    d[choicelist] = ungathered_pieces(d[y], choicelist,
                                      select_sources(condlist, choicelist, default, "choices"))
    d[default] = ungathered(d[y], default,
                            select_sources(condlist, choicelist, default, "default"))


@tangent(np.select)
def select_tangent(y, condlist, choicelist, default=0):
    d[y] = cast_derivative(gathered_pieces(
        d[choicelist], select_sources(condlist, choicelist, default, "choices")), y)
    d[y] = cast_derivative(gathered(
        d[default], select_sources(condlist, choicelist, default, "default")), y)


@adjoint(np.block)
def block(y, arrays):
    d[arrays] = ungathered_pieces(d[y], arrays, np.block(piece_sources(arrays)))


@tangent(np.block)
def block_tangent(y, arrays):
    d[y] = gathered_pieces(d[arrays], np.block(piece_sources(arrays)))


# Tuples of arrays ------------------------------------------------------------------------------

# np.broadcast_arrays(x0, x1, ...) (up to four arrays): each result is its input broadcast.
@adjoint(np.broadcast_arrays, tuple_result=True)
def broadcast_arrays(y, x0, x1=None, x2=None, x3=None, subok=False):
    d[x0] = unspread_part(d[y], 0, x0)
    d[x1] = unspread_part(d[y], 1, x1)
    d[x2] = unspread_part(d[y], 2, x2)
    d[x3] = unspread_part(d[y], 3, x3)


@tangent(np.broadcast_arrays, tuple_result=True)
def broadcast_arrays_tangent(y, x0, x1=None, x2=None, x3=None, subok=False):
    d[y] = spread_part(d[x0], 0, y)
    d[y] = spread_part(d[x1], 1, y)
    d[y] = spread_part(d[x2], 2, y)
    d[y] = spread_part(d[x3], 3, y)


# np.meshgrid(x0, x1, ...) (up to four arrays): each result is its input, flattened, along its
# own axis (the first two swapped with indexing="xy"), broadcast to the grid.
@adjoint(np.meshgrid, tuple_result=True)
def meshgrid(y, x0, x1=None, x2=None, x3=None, copy=True, sparse=False, indexing="xy"):
    d[x0] = unspread_part(d[y], 0, x0, mesh_shape(y, 0, indexing))
    d[x1] = unspread_part(d[y], 1, x1, mesh_shape(y, 1, indexing))
    d[x2] = unspread_part(d[y], 2, x2, mesh_shape(y, 2, indexing))
    d[x3] = unspread_part(d[y], 3, x3, mesh_shape(y, 3, indexing))


@tangent(np.meshgrid, tuple_result=True)
def meshgrid_tangent(y, x0, x1=None, x2=None, x3=None, copy=True, sparse=False,
                     indexing="xy"):
    d[y] = spread_part(d[x0], 0, y, mesh_shape(y, 0, indexing))
    d[y] = spread_part(d[x1], 1, y, mesh_shape(y, 1, indexing))
    d[y] = spread_part(d[x2], 2, y, mesh_shape(y, 2, indexing))
    d[y] = spread_part(d[x3], 3, y, mesh_shape(y, 3, indexing))


@adjoint(np.unstack, tuple_result=True)
def unstack(y, x, axis=0):
    d[x] = np.stack(d[y], axis=axis)


@tangent(np.unstack, tuple_result=True)
def unstack_tangent(y, x, axis=0):
    d[y] = np.unstack(d[x], axis=axis)


# Built from values -------------------------------------------------------------------------

@adjoint(np.diagflat)
def diagflat(y, v, k=0):
    d[v] = unarray(np.reshape(np.diagonal(d[y], k), np.shape(v)), v, y)


@tangent(np.diagflat)
def diagflat_tangent(y, v, k=0):
    d[y] = np.diagflat(d[v], k)


# np.vander(x, N): the columns are powers p of x, whose derivatives are p * x ** (p - 1).
@adjoint(np.vander)
def vander(y, x, N=None, increasing=False):
    p = vander_powers(x, N, increasing)
    d[x] = unarray(np.sum(d[y] * p * np.expand_dims(x, 1) ** np.maximum(p - 1.0, 0.0), axis=1),
                   x, y)


@tangent(np.vander)
def vander_tangent(y, x, N=None, increasing=False):
    p = vander_powers(x, N, increasing)
    d[y] = cast_derivative(np.expand_dims(d[x], 1) * p
                           * np.expand_dims(x, 1) ** np.maximum(p - 1.0, 0.0), y)


# logspace is base ** linspace(start, stop); geomspace start * (stop / start) ** t, t the
# weights along axis (a number for a base; start and stop may be arrays).
@adjoint(np.logspace)
def logspace(y, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    t = linspace_weights(y, num, endpoint, axis)
    d[start] = unarray(unbroadcast(np.sum(d[y] * y * (1.0 - t), axis) * np.log(base), start),
                       start, y)
    d[stop] = unarray(unbroadcast(np.sum(d[y] * y * t, axis) * np.log(base), stop), stop, y)
    d[base] = unarray(np.sum(d[y] * y * np.linspace(start, stop, num, endpoint, axis=axis))
                      / scalar_base(base), base, y)


@tangent(np.logspace)
def logspace_tangent(y, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    d[y] = cast_derivative(y * np.log(base) * np.linspace(d[start], zeros_like(stop), num,
                                                          endpoint, axis=axis), y)
    d[y] = cast_derivative(y * np.log(base) * np.linspace(zeros_like(start), d[stop], num,
                                                          endpoint, axis=axis), y)
    d[y] = cast_derivative(y * np.linspace(start, stop, num, endpoint, axis=axis)
                           * d[base] / scalar_base(base), y)


@adjoint(np.geomspace)
def geomspace(y, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    t = linspace_weights(y, num, endpoint, axis)
    d[start] = unarray(unbroadcast(np.sum(d[y] * y * (1.0 - t), axis) / start, start), start, y)
    d[stop] = unarray(unbroadcast(np.sum(d[y] * y * t, axis) / stop, stop), stop, y)


@tangent(np.geomspace)
def geomspace_tangent(y, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    d[y] = cast_derivative(y * np.linspace(d[start] / start, zeros_like(stop), num, endpoint,
                                           axis=axis), y)
    d[y] = cast_derivative(y * np.linspace(zeros_like(start), d[stop] / stop, num, endpoint,
                                           axis=axis), y)


# x.view() (the same dtype) and x.to_device("cpu"): the same values.
@adjoint(np.ndarray.view)
def view(y, a, dtype=None, type=None):
    d[a] = same_dtype_view(d[y], a, y)


@tangent(np.ndarray.view)
def view_tangent(y, a, dtype=None, type=None):
    d[y] = same_dtype_view(d[a], a, y)


@adjoint(np.ndarray.to_device)
def to_device(y, a, device, stream=None):
    d[a] = d[y]


@tangent(np.ndarray.to_device)
def to_device_tangent(y, a, device, stream=None):
    d[y] = d[a]


# np.copyto(y, v), np.put(y, i, v), ... as statements become y[...] = written(np.put, y, v,
# (i,), ()) (frontend/in_place.py): NumPy's function run on a copy, its sources found by
# running it on flat indices.
@adjoint(written)
def written_adjoint(y, func, a, value, before=(), after=()):
    d[a] = ungathered(d[y], a, write_sources(func, a, value, before, after, 0))
    d[value] = ungathered(d[y], value, write_sources(func, a, value, before, after, 1))


@tangent(written)
def written_tangent(y, func, a, value, before=(), after=()):
    d[y] = cast_derivative(gathered(d[a], write_sources(func, a, value, before, after, 0)), y)
    d[y] = cast_derivative(gathered(d[value], write_sources(func, a, value, before, after, 1)),
                           y)


# Rules for the helpers above, so that derivatives can be differentiated again: each is
# linear in the derivative it carries (its first argument).
@adjoint(gathered)
def gathered_adjoint(r, t, source):
    d[t] = ungathered(d[r], t, source)


@tangent(gathered)
def gathered_tangent(r, t, source):
    d[r] = gathered(d[t], source)


@adjoint(ungathered)
def ungathered_adjoint(r, g, x, source):
    d[g] = unbroadcast(gathered(d[r], source), g)


@tangent(ungathered)
def ungathered_tangent(r, g, x, source):
    d[r] = ungathered(d[g], x, source)


@adjoint(gathered_pieces)
def gathered_pieces_adjoint(r, ts, source):
    d[ts] = ungathered_pieces(d[r], ts, source)


@tangent(gathered_pieces)
def gathered_pieces_tangent(r, ts, source):
    d[r] = gathered_pieces(d[ts], source)


@adjoint(ungathered_pieces)
def ungathered_pieces_adjoint(r, g, pieces, source):
    d[g] = unbroadcast(gathered_pieces(d[r], source), g)


@tangent(ungathered_pieces)
def ungathered_pieces_tangent(r, g, pieces, source):
    d[r] = ungathered_pieces(d[g], pieces, source)


@adjoint(first_part)
def first_part_adjoint(r, g):
    d[g] = with_constant_parts(d[r], g)


@tangent(first_part)
def first_part_tangent(r, g):
    d[r] = first_part(d[g])


@adjoint(with_constant_parts)
def with_constant_parts_adjoint(r, t, y):
    d[t] = first_part(d[r])


@tangent(with_constant_parts)
def with_constant_parts_tangent(r, t, y):
    d[r] = with_constant_parts(d[t], y)


@adjoint(spread_part)
def spread_part_adjoint(r, t, k, y, shape=None):
    d[t] = unspread_part(d[r], k, t, shape)


@tangent(spread_part)
def spread_part_tangent(r, t, k, y, shape=None):
    d[r] = spread_part(d[t], k, y, shape)


@adjoint(unspread_part)
def unspread_part_adjoint(r, g, k, x, shape=None):
    d[g] = spread_part(d[r], k, g, shape)


@tangent(unspread_part)
def unspread_part_tangent(r, g, k, x, shape=None):
    d[r] = unspread_part(d[g], k, x, shape)


@adjoint(scalar_base)
def scalar_base_adjoint(r, base):
    d[base] = d[r]


@tangent(scalar_base)
def scalar_base_tangent(r, base):
    d[r] = d[base]


@adjoint(same_dtype_view)
def same_dtype_view_adjoint(r, g, x, y):
    d[g] = same_dtype_view(d[r], x, y)


@tangent(same_dtype_view)
def same_dtype_view_tangent(r, g, x, y):
    d[r] = same_dtype_view(d[g], x, y)
