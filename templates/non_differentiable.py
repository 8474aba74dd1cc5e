"""Functions whose results carry no derivative: shapes, sizes, indices, comparisons, integers,
constructors of constant arrays.  Code that uses them differentiates; their results are
treated as constants."""
import operator

import numpy as np

from tangentlike.registry import non_differentiable

non_differentiable(
    # builtins
    len, int, bool, range, isinstance, type, print, round, id, hash, repr, str,
    # Python operators whose derivative is zero wherever it exists
    operator.floordiv, operator.not_, operator.invert, operator.lshift, operator.rshift,
    operator.or_, operator.and_, operator.xor,
    # shapes and sizes
    np.shape, np.ndim, np.size,
    # constant arrays
    np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like, np.empty_like,
    np.full_like, np.arange, np.linspace, np.eye, np.identity,
    # indices, signs, rounding, predicates
    np.argmax, np.argmin, np.argsort, np.sign, np.floor, np.ceil, np.round, np.rint,
    np.trunc, np.isnan, np.isfinite, np.isinf, np.floor_divide,
    np.equal, np.not_equal, np.less, np.less_equal, np.greater, np.greater_equal,
    np.logical_and, np.logical_or, np.logical_not, np.logical_xor,
    np.ndarray.argmax, np.ndarray.argmin, np.ndarray.argsort,
)
