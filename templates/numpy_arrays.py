"""NumPy functions that build arrays and pick or rearrange parts of them: flip, roll, rot90,
diag, diagonal, trace, tril, triu, pad, sort, partition, take, np.array of a list, astype, and
the constructors whose values come from an argument: full, full_like (the fill value),
linspace (start and stop), arange (start and step).

All of them are linear in the array they rearrange, so each derivative is the same kind of
rearrangement (a tangent) or its transpose (an adjoint).  Where NumPy has no function for the
transpose, a helper of tangentlike.runtime does it; those helpers have rules at the end of
this module, so that derivatives can be differentiated again.
"""
from typing import Any

import numpy as np

from tangentlike.errors import NoDerivativeError
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, non_differentiable, tangent
from tangentlike.runtime import unbroadcast, zeros_like
from tangentlike.runtime.arrays import (
    cast_derivative,
    pad_derivative,
    pad_fill,
    permutation_between,
    take_permuted,
    unarray,
    undiagonal,
    unpad,
    unpad_fill,
    untake,
    untake_permuted,
    untrace,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


def linspace_weights(y: Any, num: int, endpoint: bool = True, axis: int = 0) -> np.ndarray:
    """For ``y = np.linspace(start, stop, num, endpoint, axis=axis)``, which is ``start *
    (1 - t) + stop * t``: the weights ``t`` (``i / (num - 1)``, or ``i / num`` without the
    endpoint), shaped to broadcast against ``y``."""
    div = num - 1 if endpoint else num
    t = np.arange(num, dtype=float) / div if div > 0 else np.zeros(num)
    shape = [1] * np.ndim(y)
    shape[axis % len(shape)] = num
    return np.reshape(t, tuple(shape))


def linspace_retstep() -> None:
    """Refuse ``np.linspace(..., retstep=True)`` (a pair) on a differentiated value."""
    raise NoDerivativeError(
        "tangentlike has no derivative for np.linspace with retstep=True",
        hint="compute the step yourself: (stop - start) / (num - 1), or / num with "
        "endpoint=False")


non_differentiable(permutation_between, linspace_weights)


@adjoint(np.flip)
def flip(y, m, axis=None):
    d[m] = np.flip(d[y], axis)


@tangent(np.flip)
def flip_tangent(y, m, axis=None):
    d[y] = np.flip(d[m], axis)


@adjoint(np.fliplr)
def fliplr(y, m):
    d[m] = np.fliplr(d[y])


@tangent(np.fliplr)
def fliplr_tangent(y, m):
    d[y] = np.fliplr(d[m])


@adjoint(np.flipud)
def flipud(y, m):
    d[m] = np.flipud(d[y])


@tangent(np.flipud)
def flipud_tangent(y, m):
    d[y] = np.flipud(d[m])


@adjoint(np.rot90)
def rot90(y, m, k=1, axes=(0, 1)):
    d[m] = np.rot90(d[y], -k, axes)


@tangent(np.rot90)
def rot90_tangent(y, m, k=1, axes=(0, 1)):
    d[y] = np.rot90(d[m], k, axes)


@adjoint(np.roll)
def roll(y, a, shift, axis=None):
    d[a] = np.roll(d[y], np.negative(shift), axis)


@tangent(np.roll)
def roll_tangent(y, a, shift, axis=None):
    d[y] = np.roll(d[a], shift, axis)


# np.diag of a vector builds a matrix; of a matrix (square or not) it reads a diagonal.
@adjoint(np.diag)
def diag(y, v, k=0):
    if np.ndim(v) == 1:
        d[v] = np.diagonal(d[y], k)
    else:
        d[v] = undiagonal(d[y], v, k)


@tangent(np.diag)
def diag_tangent(y, v, k=0):
    d[y] = np.diag(d[v], k)


@adjoint(np.diagonal)
@adjoint(np.ndarray.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    d[a] = undiagonal(d[y], a, offset, axis1, axis2)


@tangent(np.diagonal)
@tangent(np.ndarray.diagonal)
def diagonal_tangent(y, a, offset=0, axis1=0, axis2=1):
    d[y] = np.diagonal(d[a], offset, axis1, axis2)


@adjoint(np.trace)
@adjoint(np.ndarray.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[a] = untrace(d[y], a, offset, axis1, axis2)


@tangent(np.trace)
@tangent(np.ndarray.trace)
def trace_tangent(y, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    d[y] = np.trace(d[a], offset, axis1, axis2)


# np.tril of a vector stacks masked copies of it as the rows of a square matrix.
@adjoint(np.tril)
def tril(y, m, k=0):
    if np.ndim(m) == 1:
        d[m] = np.sum(np.tril(d[y], k), axis=0)
    else:
        d[m] = np.tril(d[y], k)


@tangent(np.tril)
def tril_tangent(y, m, k=0):
    d[y] = np.tril(d[m], k)


@adjoint(np.triu)
def triu(y, m, k=0):
    if np.ndim(m) == 1:
        d[m] = np.sum(np.triu(d[y], k), axis=0)
    else:
        d[m] = np.triu(d[y], k)


@tangent(np.triu)
def triu_tangent(y, m, k=0):
    d[y] = np.triu(d[m], k)


# The modes that copy elements of the array (and 'constant', whose padding may itself be
# differentiated); the helpers raise NoDerivativeError for the others ('mean', 'linear_ramp',
# reflect_type='odd', ...) rather than give a wrong derivative.
@adjoint(np.pad)
def pad(y, array, pad_width, mode="constant", *, stat_length=None, constant_values=0,
        end_values=0, reflect_type="even"):
    d[array] = unpad(d[y], array, pad_width, mode, reflect_type)
    d[constant_values] = unpad_fill(d[y], array, pad_width, constant_values)


@tangent(np.pad)
def pad_tangent(y, array, pad_width, mode="constant", *, stat_length=None, constant_values=0,
                end_values=0, reflect_type="even"):
    d[y] = pad_derivative(d[array], pad_width, mode, reflect_type)
    d[y] = cast_derivative(pad_fill(d[constant_values], array, pad_width), y)


# Sorting moves each element somewhere: the derivative moves the same way (ties share no
# derivative: either order of equal elements is a sort).
@adjoint(np.sort)
def sort(y, a, axis=-1, kind=None, order=None):
    d[a] = untake_permuted(d[y], a, np.argsort(a, axis=axis), axis)


@tangent(np.sort)
def sort_tangent(y, a, axis=-1, kind=None, order=None):
    d[y] = take_permuted(d[a], np.argsort(a, axis=axis), axis)


@adjoint(np.partition)
def partition(y, a, kth, axis=-1, kind="introselect", order=None):
    d[a] = untake_permuted(d[y], a, permutation_between(a, y, axis), axis)


@tangent(np.partition)
def partition_tangent(y, a, kth, axis=-1, kind="introselect", order=None):
    d[y] = take_permuted(d[a], permutation_between(a, y, axis), axis)


@adjoint(np.take)
@adjoint(np.ndarray.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    d[a] = untake(d[y], a, indices, axis, mode)


@tangent(np.take)
@tangent(np.ndarray.take)
def take_tangent(y, a, indices, axis=None, out=None, mode="raise"):
    d[y] = np.take(d[a], indices, axis, mode=mode)


# np.array([x, y * 2.0]): the adjoint is a list of the parts of d[y], each cast like its
# element (a Python float stays a float); the tangent is the array of the parts' tangents.
@adjoint(np.array)
def array(y, object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0):
    d[object] = unarray(d[y], object, y)


@tangent(np.array)
def array_tangent(y, object, dtype=None, *, copy=True, order="K", subok=False, ndmin=0):
    d[y] = cast_derivative(d[object], y)


@adjoint(np.asarray)
def asarray(y, a, dtype=None, order=None):
    d[a] = unarray(d[y], a, y)


@tangent(np.asarray)
def asarray_tangent(y, a, dtype=None, order=None):
    d[y] = cast_derivative(d[a], y)


# x.astype(np.float32): the derivative is cast back to x's type (none for an integer type).
@adjoint(np.ndarray.astype)
def astype(y, a, dtype, order="K", casting="unsafe", subok=True, copy=True):
    d[a] = unarray(d[y], a, y)


@tangent(np.ndarray.astype)
def astype_tangent(y, a, dtype, order="K", casting="unsafe", subok=True, copy=True):
    d[y] = cast_derivative(d[a], y)


# np.astype(x, dtype) (NumPy 2), the function of the method: the same derivative.
@adjoint(np.astype)
def astype_function(y, x, dtype, /, *, copy=True, device=None):
    d[x] = unarray(d[y], x, y)


@tangent(np.astype)
def astype_function_tangent(y, x, dtype, /, *, copy=True, device=None):
    d[y] = cast_derivative(d[x], y)


@adjoint(np.copy)
def copy(y, a, order="K", subok=False):
    d[a] = d[y]


@tangent(np.copy)
def copy_tangent(y, a, order="K", subok=False):
    d[y] = d[a]


@adjoint(np.ndarray.copy)
def copy_method(y, a, order="C"):
    d[a] = d[y]


@tangent(np.ndarray.copy)
def copy_method_tangent(y, a, order="C"):
    d[y] = d[a]


# Constructors whose values come from an argument.  The shape, the dtype, the array whose
# shape full_like copies, the number of samples and arange's stop (which only decides how many
# values there are) carry no derivative.  An integer result carries none (unarray and
# cast_derivative give zeros).
@adjoint(np.full, new_array=True)
def full(y, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    d[fill_value] = unarray(unbroadcast(d[y], fill_value), fill_value, y)


@tangent(np.full)
def full_tangent(y, shape, fill_value, dtype=None, order="C", *, device=None, like=None):
    d[y] = cast_derivative(np.full(np.shape(y), d[fill_value]), y)


@adjoint(np.full_like)
def full_like(y, a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    d[fill_value] = unarray(unbroadcast(d[y], fill_value), fill_value, y)


@tangent(np.full_like)
def full_like_tangent(y, a, fill_value, dtype=None, order="K", subok=True, shape=None, *,
                      device=None):
    d[y] = cast_derivative(np.full(np.shape(y), d[fill_value]), y)


# linspace is start * (1 - t) + stop * t, t the weights along axis; linear in (start, stop),
# so its tangent is the linspace of the tangents.
@adjoint(np.linspace)
def linspace(y, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    if retstep:
        linspace_retstep()
    t = linspace_weights(y, num, endpoint, axis)
    d[start] = unarray(unbroadcast(np.sum(d[y] * (1.0 - t), axis), start), start, y)
    d[stop] = unarray(unbroadcast(np.sum(d[y] * t, axis), stop), stop, y)


@tangent(np.linspace)
def linspace_tangent(y, start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0,
                     *, device=None):
    if retstep:
        linspace_retstep()
    d[y] = cast_derivative(np.linspace(d[start], zeros_like(stop), num, endpoint, axis=axis), y)
    d[y] = cast_derivative(np.linspace(zeros_like(start), d[stop], num, endpoint, axis=axis), y)


# arange(start, stop, step) is start + i * step; arange(stop) (stop None) starts at 0.
@adjoint(np.arange)
def arange(y, start_or_stop, stop=None, step=1, *, dtype=None, device=None, like=None):
    if stop is not None:
        d[start_or_stop] = unarray(np.sum(d[y]), start_or_stop, y)
    d[step] = unarray(np.sum(d[y] * np.arange(np.size(y))), step, y)


@tangent(np.arange)
def arange_tangent(y, start_or_stop, stop=None, step=1, *, dtype=None, device=None, like=None):
    if stop is not None:
        d[y] = cast_derivative(np.full(np.shape(y), d[start_or_stop]), y)
    d[y] = cast_derivative(d[step] * np.arange(np.size(y)), y)


# Rules for the helpers above, so that derivatives can be differentiated again.  Each is
# linear in the derivative it carries (its first argument): its tangent applies it to the
# tangent, and its adjoint is its transpose.
@adjoint(undiagonal)
def undiagonal_adjoint(r, g, x, offset=0, axis1=0, axis2=1):
    d[g] = np.diagonal(d[r], offset, axis1, axis2)


@tangent(undiagonal)
def undiagonal_tangent(r, g, x, offset=0, axis1=0, axis2=1):
    d[r] = undiagonal(d[g], x, offset, axis1, axis2)


@adjoint(untrace)
def untrace_adjoint(r, g, x, offset=0, axis1=0, axis2=1):
    d[g] = np.trace(d[r], offset, axis1, axis2)


@tangent(untrace)
def untrace_tangent(r, g, x, offset=0, axis1=0, axis2=1):
    d[r] = untrace(d[g], x, offset, axis1, axis2)


@adjoint(take_permuted)
def take_permuted_adjoint(r, t, index, axis=-1):
    d[t] = untake_permuted(d[r], t, index, axis)


@tangent(take_permuted)
def take_permuted_tangent(r, t, index, axis=-1):
    d[r] = take_permuted(d[t], index, axis)


@adjoint(untake_permuted)
def untake_permuted_adjoint(r, g, x, index, axis=-1):
    d[g] = take_permuted(d[r], index, axis)


@tangent(untake_permuted)
def untake_permuted_tangent(r, g, x, index, axis=-1):
    d[r] = untake_permuted(d[g], x, index, axis)


@adjoint(untake)
def untake_adjoint(r, g, x, indices, axis=None, mode="raise"):
    d[g] = np.take(d[r], indices, axis, mode=mode)


@tangent(untake)
def untake_tangent(r, g, x, indices, axis=None, mode="raise"):
    d[r] = untake(d[g], x, indices, axis, mode)


@adjoint(pad_derivative)
def pad_derivative_adjoint(r, t, pad_width, mode="constant", reflect_type="even"):
    d[t] = unpad(d[r], t, pad_width, mode, reflect_type)


@tangent(pad_derivative)
def pad_derivative_tangent(r, t, pad_width, mode="constant", reflect_type="even"):
    d[r] = pad_derivative(d[t], pad_width, mode, reflect_type)


@adjoint(unpad)
def unpad_adjoint(r, g, x, pad_width, mode="constant", reflect_type="even"):
    d[g] = pad_derivative(d[r], pad_width, mode, reflect_type)


@tangent(unpad)
def unpad_tangent(r, g, x, pad_width, mode="constant", reflect_type="even"):
    d[r] = unpad(d[g], x, pad_width, mode, reflect_type)


@adjoint(pad_fill)
def pad_fill_adjoint(r, t, x, pad_width):
    d[t] = unpad_fill(d[r], x, pad_width, t)


@tangent(pad_fill)
def pad_fill_tangent(r, t, x, pad_width):
    d[r] = pad_fill(d[t], x, pad_width)


@adjoint(unpad_fill)
def unpad_fill_adjoint(r, g, x, pad_width, constant_values):
    d[g] = pad_fill(d[r], x, pad_width)


@tangent(unpad_fill)
def unpad_fill_tangent(r, g, x, pad_width, constant_values):
    d[r] = unpad_fill(d[g], x, pad_width, constant_values)


@adjoint(cast_derivative)
def cast_derivative_adjoint(r, t, like):
    d[t] = unarray(d[r], t, like)


@tangent(cast_derivative)
def cast_derivative_tangent(r, t, like):
    d[r] = cast_derivative(d[t], like)


@adjoint(unarray, tuple_result=True)
def unarray_adjoint(r, g, obj, y):
    d[g] = cast_derivative(d[r], y)


@tangent(unarray, tuple_result=True)
def unarray_tangent(r, g, obj, y):
    d[r] = unarray(d[g], obj, y)


# Their result's length follows from the values of their bounds: a version by shape needs
# every argument static (versions/static.py).
for _function in (np.arange, np.linspace):
    declare(_function, library=True, shape=Shape.FROM_STATIC_ARGUMENTS)
