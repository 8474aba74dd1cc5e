"""Functions whose results carry no derivative: shapes, sizes, indices, comparisons, integers,
constructors of constant arrays.  Code that uses them differentiates; their results are
treated as constants.

A function belongs here only when its result carries no derivative through any of its
arguments: integers, booleans and indices, or values whose derivative is zero wherever it
exists (rounding, signs).  A function that is differentiable in some argument (``np.full``'s
fill value, ``np.linspace``'s bounds) gets rules for those arguments instead, its other
arguments marked by the rule reading no ``d[...]`` of them; listed here, it would give an exact
zero where the derivative is not."""
import operator

import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape, ShapeLowering
from tangentlike.rules.registry import declare, non_differentiable

# Every function here computes a value and does nothing else, except print (below), and
# returns a new array or number.
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(
    # builtins
    len, int, bool, range, isinstance, type, print, round, id, hash, repr, str, slice,
    # Python operators whose derivative is zero wherever it exists
    operator.floordiv, operator.not_, operator.invert, operator.lshift, operator.rshift,
    operator.or_, operator.and_, operator.xor,
    # shapes and sizes
    np.shape, np.ndim, np.size,
    # constant arrays (np.full, np.full_like, np.linspace and np.arange take their values
    # from an argument: they have rules in numpy_arrays.py)
    np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like, np.empty_like, np.eye,
    np.identity,
    # indices, signs, rounding, predicates
    np.argmax, np.argmin, np.argsort, np.floor, np.ceil, np.round, np.rint,
    np.trunc, np.isnan, np.isfinite, np.isinf, np.floor_divide,
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
    np.ndarray.argmax, np.ndarray.argmin, np.ndarray.argsort,
    # more rounding and predicates (autograd's list of functions with no gradient)
    np.around, np.fix, np.signbit, np.isneginf, np.isposinf, np.isreal, np.iscomplex,
    np.isrealobj, np.iscomplexobj, np.isscalar, np.isnat, np.isfortran, np.ndarray.round,
    # indices: sorting, searching, counting, nonzero entries
    np.argpartition, np.argwhere, np.nonzero, np.flatnonzero, np.count_nonzero,
    np.searchsorted, np.digitize, np.lexsort, np.isin,
    np.ndarray.argpartition, np.ndarray.nonzero, np.ndarray.searchsorted,
    np.unravel_index, np.ravel_multi_index, np.indices, np.tri, np.tril_indices,
    np.triu_indices, np.diag_indices, np.mask_indices,
    # whole-array tests
    np.any, np.all, np.ndarray.any, np.ndarray.all, np.allclose, np.isclose,
    np.array_equal, np.array_equiv, np.shares_memory, np.may_share_memory,
    # integer arithmetic and bits
    np.gcd, np.lcm, np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert,
    np.left_shift, np.right_shift,
    # types and shapes
    np.result_type, np.can_cast, np.promote_types, np.min_scalar_type, np.broadcast_shapes,
    np.iinfo, np.finfo,
)

declare(print, library=True, pure=False)  # it writes to a file
# They read their argument only for its shape (tangentlike.rules.primitive).
# Once the argument's shape is known, the call is that constant (versions/lower.py).
for _function in (np.shape, np.ndim, np.size):
    declare(_function, library=True, shape_arguments=(0,), on_shapes=ShapeLowering.SHAPE_FACT)
# They always make a fresh array (versions/inplace.py).
for _function in (np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like):
    declare(_function, library=True, new_array=True)
# Their result's shape follows from their arguments' values (which entries are nonzero, how
# many distinct): a version by shape needs every argument static (versions/static.py).
for _function in (np.nonzero, np.argwhere, np.flatnonzero, np.ravel_multi_index,
                  np.unravel_index, np.digitize, np.searchsorted, np.lexsort, np.argsort,
                  np.argpartition,
                  # no rule: they are refused on a differentiated value
                  np.unique, np.extract, np.compress, np.trim_zeros, np.bincount, np.delete,
                  np.insert, np.resize, np.histogram, np.setdiff1d, np.intersect1d,
                  np.union1d, np.setxor1d):
    declare(_function, library=True, shape=Shape.FROM_STATIC_ARGUMENTS)
