"""NumPy functions that move elements around without changing them: reshape, transpose,
ravel, squeeze, expand_dims, swapaxes, moveaxis, rollaxis, broadcast_to, atleast_*d, the joins
(concatenate, stack, hstack, vstack, column_stack, dstack), the splits (split, array_split,
hsplit, vsplit, dsplit), tile and repeat.

Each derivative moves the derivative back the way the elements moved: a reshape undoes a
reshape, a split undoes a join and a join a split, and repeated or tiled elements sum the
derivatives of their copies.
"""
import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, non_differentiable, tangent
from tangentlike.runtime import broadcast_like, inverse_permutation, unbroadcast, unindex
from tangentlike.runtime.shapes import (
    join_like,
    repeat_index,
    rolled_axis,
    split_like,
    tile_blocks,
    tile_copy_axes,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(rolled_axis, tile_blocks, tile_copy_axes, repeat_index)


@adjoint(np.reshape)
def reshape(y, a, shape=None, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@tangent(np.reshape)
def reshape_tangent(y, a, shape=None, order="C"):
    d[y] = np.reshape(d[a], np.shape(y), order=order)


@adjoint(np.ndarray.reshape)
def reshape_method(y, a, *shape, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@tangent(np.ndarray.reshape)
def reshape_method_tangent(y, a, *shape, order="C"):
    d[y] = np.reshape(d[a], np.shape(y), order=order)


@adjoint(np.transpose)
def transpose(y, a, axes=None):
    if axes is None:
        d[a] = np.transpose(d[y])
    else:
        d[a] = np.transpose(d[y], inverse_permutation(axes, np.ndim(a)))


@tangent(np.transpose)
def transpose_tangent(y, a, axes=None):
    if axes is None:
        d[y] = np.transpose(d[a])
    else:
        d[y] = np.transpose(d[a], axes)


@adjoint(np.ndarray.transpose)
def transpose_method(y, a, *axes):
    if axes == () or axes == (None,):
        d[a] = np.transpose(d[y])
    else:
        d[a] = np.transpose(d[y], inverse_permutation(axes, np.ndim(a)))


@tangent(np.ndarray.transpose)
def transpose_method_tangent(y, a, *axes):
    # The tangent moves like the array: x.transpose(1, 0) and x.transpose((1, 0)) alike.
    if axes == () or axes == (None,):
        d[y] = np.transpose(d[a])
    else:
        d[y] = d[a].transpose(*axes)


# ravel and flatten read the elements in the order ``order`` ("C" or "F"); the derivative
# is put back in the same order.
@adjoint(np.ravel)
@adjoint(np.ndarray.ravel)
@adjoint(np.ndarray.flatten)
def ravel(y, a, order="C"):
    d[a] = np.reshape(d[y], np.shape(a), order=order)


@tangent(np.ravel)
@tangent(np.ndarray.ravel)
@tangent(np.ndarray.flatten)
def ravel_tangent(y, a, order="C"):
    d[y] = np.ravel(d[a], order=order)


# Functions that only add or drop axes of length 1: the derivative is reshaped.
@adjoint(np.squeeze)
@adjoint(np.ndarray.squeeze)
def squeeze(y, a, axis=None):
    d[a] = np.reshape(d[y], np.shape(a))


@tangent(np.squeeze)
@tangent(np.ndarray.squeeze)
def squeeze_tangent(y, a, axis=None):
    d[y] = np.reshape(d[a], np.shape(y))


@adjoint(np.expand_dims)
def expand_dims(y, a, axis):
    d[a] = np.reshape(d[y], np.shape(a))


@tangent(np.expand_dims)
def expand_dims_tangent(y, a, axis):
    d[y] = np.reshape(d[a], np.shape(y))


# np.atleast_1d(x) (one array; with several arrays they return a list, which has no rule).
@adjoint(np.atleast_1d)
@adjoint(np.atleast_2d)
@adjoint(np.atleast_3d)
def atleast_nd(y, arys):
    d[arys] = np.reshape(d[y], np.shape(arys))


@tangent(np.atleast_1d)
@tangent(np.atleast_2d)
@tangent(np.atleast_3d)
def atleast_nd_tangent(y, arys):
    d[y] = np.reshape(d[arys], np.shape(y))


@adjoint(np.swapaxes)
@adjoint(np.ndarray.swapaxes)
def swapaxes(y, a, axis1, axis2):
    d[a] = np.swapaxes(d[y], axis1, axis2)


@tangent(np.swapaxes)
@tangent(np.ndarray.swapaxes)
def swapaxes_tangent(y, a, axis1, axis2):
    d[y] = np.swapaxes(d[a], axis1, axis2)


@adjoint(np.moveaxis)
def moveaxis(y, a, source, destination):
    d[a] = np.moveaxis(d[y], destination, source)


@tangent(np.moveaxis)
def moveaxis_tangent(y, a, source, destination):
    d[y] = np.moveaxis(d[a], source, destination)


@adjoint(np.rollaxis)
def rollaxis(y, a, axis, start=0):
    d[a] = np.moveaxis(d[y], rolled_axis(np.ndim(a), axis, start), axis)


@tangent(np.rollaxis)
def rollaxis_tangent(y, a, axis, start=0):
    d[y] = np.rollaxis(d[a], axis, start)


@adjoint(np.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    d[array] = unbroadcast(d[y], array)


@tangent(np.broadcast_to)
def broadcast_to_tangent(y, array, shape, subok=False):
    d[y] = broadcast_like(d[array], y)


# Joins: the derivative of the result is cut back into one piece per joined array.
@adjoint(np.concatenate)
def concatenate(y, arrays, axis=0, out=None):
    d[arrays] = split_like(d[y], arrays, axis)


@tangent(np.concatenate)
def concatenate_tangent(y, arrays, axis=0, out=None):
    d[y] = np.concatenate(d[arrays], axis=axis)


@adjoint(np.stack)
def stack(y, arrays, axis=0, out=None):
    d[arrays] = split_like(d[y], arrays, axis)


@tangent(np.stack)
def stack_tangent(y, arrays, axis=0, out=None):
    d[y] = np.stack(d[arrays], axis=axis)


@adjoint(np.hstack)
def hstack(y, tup):
    d[tup] = split_like(d[y], tup, min(np.ndim(y) - 1, 1))  # 1-d arrays join along axis 0


@tangent(np.hstack)
def hstack_tangent(y, tup):
    d[y] = np.hstack(d[tup])


@adjoint(np.vstack)
def vstack(y, tup):
    d[tup] = split_like(d[y], tup, 0)


@tangent(np.vstack)
def vstack_tangent(y, tup):
    d[y] = np.vstack(d[tup])


@adjoint(np.column_stack)
def column_stack(y, tup):
    d[tup] = split_like(d[y], tup, 1)


@tangent(np.column_stack)
def column_stack_tangent(y, tup):
    d[y] = np.column_stack(d[tup])


@adjoint(np.dstack)
def dstack(y, tup):
    d[tup] = split_like(d[y], tup, 2)


@tangent(np.dstack)
def dstack_tangent(y, tup):
    d[y] = np.dstack(d[tup])


# Splits: the derivatives of the pieces (a list) are joined back.  The pieces' derivatives
# are a list too, added piece by piece (``add_grad``: ``+`` would join two lists).
@adjoint(np.split, tuple_result=True)
@adjoint(np.array_split, tuple_result=True)
def split(y, ary, indices_or_sections, axis=0):
    d[ary] = np.concatenate(d[y], axis=axis)


@tangent(np.split, tuple_result=True)
def split_tangent(y, ary, indices_or_sections, axis=0):
    d[y] = np.split(d[ary], indices_or_sections, axis=axis)


@tangent(np.array_split, tuple_result=True)
def array_split_tangent(y, ary, indices_or_sections, axis=0):
    d[y] = np.array_split(d[ary], indices_or_sections, axis=axis)


@adjoint(np.hsplit, tuple_result=True)
def hsplit(y, ary, indices_or_sections):
    d[ary] = np.hstack(d[y])


@tangent(np.hsplit, tuple_result=True)
def hsplit_tangent(y, ary, indices_or_sections):
    d[y] = np.hsplit(d[ary], indices_or_sections)


@adjoint(np.vsplit, tuple_result=True)
def vsplit(y, ary, indices_or_sections):
    d[ary] = np.vstack(d[y])


@tangent(np.vsplit, tuple_result=True)
def vsplit_tangent(y, ary, indices_or_sections):
    d[y] = np.vsplit(d[ary], indices_or_sections)


@adjoint(np.dsplit, tuple_result=True)
def dsplit(y, ary, indices_or_sections):
    d[ary] = np.dstack(d[y])


@tangent(np.dsplit, tuple_result=True)
def dsplit_tangent(y, ary, indices_or_sections):
    d[y] = np.dsplit(d[ary], indices_or_sections)


# Copies: the derivative of an element sums the derivatives of its copies.
@adjoint(np.tile)
def tile(y, A, reps):
    d[A] = np.reshape(np.sum(np.reshape(d[y], tile_blocks(A, reps)),
                             axis=tile_copy_axes(A, reps)), np.shape(A))


@tangent(np.tile)
def tile_tangent(y, A, reps):
    d[y] = np.tile(d[A], reps)


@adjoint(np.repeat)
@adjoint(np.ndarray.repeat)
def repeat(y, a, repeats, axis=None):
    if axis is None:
        d[a] = np.reshape(unindex(d[y], np.ravel(a), repeat_index(a, repeats)), np.shape(a))
    else:
        d[a] = unindex(d[y], a, repeat_index(a, repeats, axis))


@tangent(np.repeat)
@tangent(np.ndarray.repeat)
def repeat_tangent(y, a, repeats, axis=None):
    d[y] = np.repeat(d[a], repeats, axis=axis)


# The helpers the join rules call on derivatives: each is linear in its first argument and
# the transpose of the other.
@adjoint(split_like)
def split_like_adjoint(r, g, arrays, axis=0):
    d[g] = join_like(d[r], g, axis)


@tangent(split_like)
def split_like_tangent(r, g, arrays, axis=0):
    d[r] = split_like(d[g], arrays, axis)


@adjoint(join_like)
def join_like_adjoint(r, pieces, g, axis=0):
    d[pieces] = split_like(d[r], pieces, axis)


@tangent(join_like)
def join_like_tangent(r, pieces, g, axis=0):
    d[r] = join_like(d[pieces], g, axis)


# Their result's shape follows from the values of their counts or sections: a version by
# shape needs every argument static (versions/static.py).
for _function in (np.repeat, np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit):
    declare(_function, library=True, shape=Shape.FROM_STATIC_ARGUMENTS)
