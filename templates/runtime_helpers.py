"""Rules for the helpers generated code calls (tangentlike.runtime), so that a derivative can
itself be differentiated: ``grad(grad(f))``, forward over reverse for Hessian-vector products.

Most helpers are linear in the adjoint they carry (``g``): their tangent applies the helper
to the tangent, and their adjoint applies its transpose (``unbroadcast`` and
``broadcast_like`` are each other's transpose, as are ``unreduce`` and ``np.sum``).  Masks,
ties and shapes are piecewise constant: no derivative flows into them.
"""
import math

import numpy as np

from tangentlike.rules.primitive import Facts, Lowering, Returns, Shape, ShapeLowering
from tangentlike.rules.registry import adjoint, d, declare, non_differentiable, tangent
from tangentlike.runtime import (
    add_element,
    add_grad,
    add_item,
    appended,
    broadcast_like,
    concat,
    copy_of,
    dot_adjoint_a,
    dot_adjoint_b,
    dynamic,
    element_tangent,
    float_dtype,
    inverse_permutation,
    is_float_like,
    keep_dtype,
    matmul_adjoint_a,
    matmul_adjoint_b,
    old_item,
    reduce_extremum,
    restore_item,
    seed,
    set_at,
    shape_only,
    share,
    shares,
    tie_share,
    unbroadcast,
    unelement,
    unindex,
    unreduce,
    unreduce_extremum,
    zero_at,
    zeros_like,
)
from tangentlike.runtime.linalg import norm_hessian
from tangentlike.runtime.plain import new_object
from tangentlike.runtime.pytrees import (
    field_of,
    plain_fields,
    unfield,
    with_fields,
    without_fields,
)
from tangentlike.runtime.special import polygamma_like

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

# A callee found when the call runs (runtime/dynamic.py): each helper runs the user's code
# (impure), and returns values of its own (arrays that may share an argument's are copied).
for _helper in dynamic.HELPERS:
    declare(_helper, library=True, returns=Returns.NEW)

non_differentiable(dynamic.method_of)  # reads the object's class: the function it calls
non_differentiable(zeros_like, tie_share, inverse_permutation, shape_only, old_item,
                   restore_item)
# plain_fields(q) is q, checked; derivative code passes it only where the structure is read.
non_differentiable(plain_fields)
# new_object(cls, W=a) builds a plain object holding its arguments (Kind.NODE: no rule needed).
declare(new_object, library=True, pure=True)


@adjoint(seed)
def seed_adjoint(s, init_grad, y, name="init_grad"):
    d[init_grad] = d[s]


@tangent(seed)
def seed_tangent(s, init_grad, y, name="init_grad"):
    d[s] = d[init_grad]


@adjoint(copy_of)
def copy_of_adjoint(y, x):
    d[x] = d[y]


@tangent(copy_of)
def copy_of_tangent(y, x):
    d[y] = d[x]


@adjoint(keep_dtype)
def keep_dtype_adjoint(y, new, old):
    d[new] = d[y]


@tangent(keep_dtype)
def keep_dtype_tangent(y, new, old):
    d[y] = keep_dtype(d[new], old)


@adjoint(unbroadcast)
def unbroadcast_adjoint(y, g, x):
    d[g] = broadcast_like(d[y], g)


@tangent(unbroadcast)
def unbroadcast_tangent(y, g, x):
    d[y] = unbroadcast(d[g], x)


@adjoint(broadcast_like)
def broadcast_like_adjoint(z, g, y):
    d[g] = unbroadcast(d[z], g)


@tangent(broadcast_like)
def broadcast_like_tangent(z, g, y):
    d[z] = broadcast_like(d[g], y)


@adjoint(unreduce)
def unreduce_adjoint(y, g, x, axis=None, keepdims=False):
    d[g] = np.reshape(np.sum(d[y], axis=axis, keepdims=keepdims), np.shape(g))


@tangent(unreduce)
def unreduce_tangent(y, g, x, axis=None, keepdims=False):
    d[y] = unreduce(d[g], x, axis, keepdims)


@adjoint(unreduce_extremum)
def unreduce_extremum_adjoint(r, g, x, y, axis=None, keepdims=False, where=True):
    share = unreduce_extremum(np.ones_like(g), x, y, axis, keepdims, where)
    d[g] = np.reshape(np.sum(d[r] * share, axis=axis, keepdims=keepdims), np.shape(g))


@tangent(unreduce_extremum)
def unreduce_extremum_tangent(r, g, x, y, axis=None, keepdims=False, where=True):
    d[r] = unreduce_extremum(d[g], x, y, axis, keepdims, where)


@adjoint(reduce_extremum)
def reduce_extremum_adjoint(r, t, x, y, axis=None, keepdims=False, where=True):
    d[t] = unreduce_extremum(d[r], x, y, axis, keepdims, where)


@tangent(reduce_extremum)
def reduce_extremum_tangent(r, t, x, y, axis=None, keepdims=False, where=True):
    d[r] = reduce_extremum(d[t], x, y, axis, keepdims, where)


@adjoint(unindex)
def unindex_adjoint(y, g, x, index):
    d[g] = d[y][index]


@tangent(unindex)
def unindex_tangent(y, g, x, index):
    d[y] = unindex(d[g], x, index)


# The loop element's derivative (for v in xs): unindex and a subscript, except over a dict.
@adjoint(unelement)
def unelement_adjoint(y, g, xs, position):
    d[g] = element_tangent(d[y], position)


@tangent(unelement)
def unelement_tangent(y, g, xs, position):
    d[y] = unelement(d[g], xs, position)


@adjoint(element_tangent)
def element_tangent_adjoint(y, dxs, position):
    d[dxs] = unelement(d[y], dxs, position)


@tangent(element_tangent)
def element_tangent_tangent(y, dxs, position):
    d[y] = element_tangent(d[dxs], position)


# add_item(total, g, x, i) is add_grad(total, unindex(g, x, i)): linear in total and g.
@adjoint(add_item)
def add_item_adjoint(y, total, g, x, index):
    d[total] = d[y]
    d[g] = d[y][index]


@tangent(add_item)
def add_item_tangent(y, total, g, x, index):
    d[y] = d[total]
    d[y] = unindex(d[g], x, index)


# add_element(total, g, xs, k) is add_grad(total, unelement(g, xs, k)): linear in total and g.
@adjoint(add_element)
def add_element_adjoint(y, total, g, xs, position):
    d[total] = d[y]
    d[g] = element_tangent(d[y], position)


@tangent(add_element)
def add_element_tangent(y, total, g, xs, position):
    d[y] = d[total]
    d[y] = unelement(d[g], xs, position)


# field_of(t, x, name) and unfield(g, x, name) are linear in their first argument, and each is
# the other's transpose (x and name only say where the field is).
@adjoint(field_of)
def field_of_adjoint(y, t, x, name):
    d[t] = unfield(d[y], x, name)


@tangent(field_of)
def field_of_tangent(y, t, x, name):
    d[y] = field_of(d[t], x, name)


@adjoint(unfield)
def unfield_adjoint(y, g, x, name):
    d[g] = field_of(d[y], x, name)


@tangent(unfield)
def unfield_tangent(y, g, x, name):
    d[y] = unfield(d[g], x, name)


# without_fields(g, names) zeroes fields: a projection, its own transpose.  with_fields has no
# rule: it builds tangents in forward-mode code, which is not differentiated again.
@adjoint(without_fields)
def without_fields_adjoint(y, g, x, names):
    d[g] = without_fields(d[y], x, names)


@tangent(without_fields)
def without_fields_tangent(y, g, x, names):
    d[y] = without_fields(d[g], x, names)


@adjoint(appended)
def appended_adjoint(y, xs, value):
    d[xs] = d[y][:-1]
    d[value] = d[y][-1]


@tangent(appended)
def appended_tangent(y, xs, value):
    d[y] = appended(d[xs], zeros_like(value))
    d[y] = appended(zeros_like(xs), d[value])


@adjoint(concat)
def concat_adjoint(z, a, b):
    d[a] = d[z][:len(a)]
    d[b] = d[z][len(a):]


@tangent(concat)
def concat_tangent(z, a, b):
    d[z] = concat(d[a], zeros_like(b))
    d[z] = concat(zeros_like(a), d[b])


@adjoint(zero_at)
def zero_at_adjoint(y, g, index):
    d[g] = zero_at(d[y], index)


@tangent(zero_at)
def zero_at_tangent(y, g, index):
    d[y] = zero_at(d[g], index)


@adjoint(set_at)
def set_at_adjoint(y, g, index, value):
    d[g] = zero_at(d[y], index)
    d[value] = unbroadcast(d[y][index], value)


@tangent(set_at)
def set_at_tangent(y, g, index, value):
    d[y] = zero_at(d[g], index)
    d[y] = set_at(zeros_like(y), index, d[value])


# matmul_adjoint_a(g, a, b) is the derivative of a @ b with respect to a, applied to g: linear
# in g and in b (a only gives the shape).  Its transpose in g is the product again.
@adjoint(matmul_adjoint_a)
def matmul_adjoint_a_adjoint(y, g, a, b):
    d[g] = np.matmul(broadcast_like(d[y], a), b)
    d[b] = matmul_adjoint_b(g, d[y], b)


@tangent(matmul_adjoint_a)
def matmul_adjoint_a_tangent(y, g, a, b):
    d[y] = matmul_adjoint_a(d[g], a, b)
    d[y] = matmul_adjoint_a(g, a, d[b])


@adjoint(matmul_adjoint_b)
def matmul_adjoint_b_adjoint(y, g, a, b):
    d[g] = np.matmul(a, broadcast_like(d[y], b))
    d[a] = matmul_adjoint_a(g, a, d[y])


@tangent(matmul_adjoint_b)
def matmul_adjoint_b_tangent(y, g, a, b):
    d[y] = matmul_adjoint_b(d[g], a, b)
    d[y] = matmul_adjoint_b(g, d[a], b)


@adjoint(dot_adjoint_a)
def dot_adjoint_a_adjoint(y, g, a, b):
    d[g] = np.dot(d[y], b)
    d[b] = dot_adjoint_b(g, d[y], b)


@tangent(dot_adjoint_a)
def dot_adjoint_a_tangent(y, g, a, b):
    d[y] = dot_adjoint_a(d[g], a, b)
    d[y] = dot_adjoint_a(g, a, d[b])


@adjoint(dot_adjoint_b)
def dot_adjoint_b_adjoint(y, g, a, b):
    d[g] = np.dot(a, d[y])
    d[a] = dot_adjoint_a(g, a, d[y])


@tangent(dot_adjoint_b)
def dot_adjoint_b_tangent(y, g, a, b):
    d[y] = dot_adjoint_b(d[g], a, b)
    d[y] = dot_adjoint_b(g, d[a], b)


@adjoint(math.copysign)
def copysign_adjoint(y, x1, x2):
    d[x1] = d[y] * math.copysign(1.0, x1) * math.copysign(1.0, x2)


@tangent(math.copysign)
def copysign_tangent(y, x1, x2):
    d[y] = d[x1] * math.copysign(1.0, x1) * math.copysign(1.0, x2)


@adjoint(add_grad)
def add_grad_adjoint(r, a, b):
    d[a] = d[r]
    d[b] = d[r]


@tangent(add_grad)
def add_grad_tangent(r, a, b):
    d[r] = d[a]
    d[r] = d[b]


# share(g, xs) is linear in g: its transpose adds the parts back up (Python's sum, whose
# adjoint is share again).
@adjoint(share)
def share_adjoint(parts, g, xs):
    d[g] = unbroadcast(sum(d[parts]), g)


@tangent(share)
def share_tangent(parts, g, xs):
    d[parts] = share(d[g], xs)


# Facts the compiler's passes read about the helpers (see tangentlike.rules.primitive).
# Their results may be tuples, lists or dicts (when their arguments are): derivative code
# adds their derivatives with add_grad, since ``+`` would concatenate.
for _helper in (add_grad, add_element, add_item, unindex, unelement, zero_at, set_at, appended,
                concat, field_of, unfield, with_fields, without_fields):
    declare(_helper, library=True, containers=True)
# Zero when their first argument is zero (versions/cancel.py).
for _helper in (unbroadcast, broadcast_like, unreduce, unreduce_extremum, reduce_extremum,
                matmul_adjoint_a, matmul_adjoint_b):
    declare(_helper, library=True, zero_in_first=True)
# The positions they read only for a shape, dtype or structure: a value the backward sweep
# reads only there is saved as ``shape_only(value)``.
for _helper, _positions in ((unbroadcast, (1,)), (broadcast_like, (1,)), (unreduce, (1,)),
                            (zeros_like, (0,)), (unindex, (1,)), (unelement, (1,)),
                            (add_element, (2,)), (add_item, (2,)),
                            (seed, (1,)),
                            (field_of, (1,)), (unfield, (1,)), (without_fields, (1,)),
                            (matmul_adjoint_a, (1,)), (matmul_adjoint_b, (2,)),
                            (dot_adjoint_a, (1,)), (dot_adjoint_b, (2,))):
    declare(_helper, library=True, shape_arguments=_positions)
# What they are when their arguments are Python numbers (versions/floats.py): unbroadcast(g, x)
# is g on any shape-() values; seed(g, y) is g on Python numbers only (a NumPy scalar keeps its
# dtype); zeros_like(x) is 0.0; add_grad(a, b) is a + b.
for _helper, _lowering in ((unbroadcast, Lowering.FIRST_ON_SCALARS),
                           (broadcast_like, Lowering.FIRST_ON_SCALARS),
                           (shape_only, Lowering.FIRST_ON_SCALARS), (seed, Lowering.FIRST),
                           (copy_of, Lowering.FIRST), (keep_dtype, Lowering.FIRST),
                           (zeros_like, Lowering.ZERO), (add_grad, Lowering.ADD)):
    declare(_helper, library=True, on_numbers=_lowering)
# What they are once the shapes, types and dtypes of their arguments are known
# (versions/lower.py): unbroadcast(g, x) a sum to x's shape, matmul_adjoint_a(g, a, b) g @ b.T.
for _helper, _shaped in ((unbroadcast, ShapeLowering.SUM_TO),
                         (broadcast_like, ShapeLowering.FIRST_IF_SAME_SHAPE),
                         (keep_dtype, ShapeLowering.FIRST_IF_SAME_DTYPE),
                         (seed, ShapeLowering.SEED),
                         (matmul_adjoint_a, ShapeLowering.MATMUL_ADJOINT_A),
                         (matmul_adjoint_b, ShapeLowering.MATMUL_ADJOINT_B),
                         (add_grad, ShapeLowering.ADD), (unreduce, ShapeLowering.SPREAD),
                         (zeros_like, ShapeLowering.ZEROS)):
    declare(_helper, library=True, on_shapes=_shaped)
# The restore of d[k] = v in a dict that may not have had the key writes into the dict (the
# save, old_item, is a copy like copy_of: the family's facts).
declare(restore_item, library=True, pure=False, writes=(0,))
# Helpers with no rule that only compute a value (the checks, check_unshared and
# check_not_view, raise: they are not pure).
for _helper in (float_dtype, is_float_like, shares, norm_hessian, polygamma_like, with_fields):
    declare(_helper, library=True, **FACTS.stated(_helper))
