"""Updates of a QR factorization: ``scipy.linalg.qr_update``, ``qr_insert`` and ``qr_delete``
(SciPy is optional: tangentlike/templates imports this module only when SciPy is installed).

Each returns the QR factorization ``(Q1, R1)`` of an updated matrix ``A1``, where ``A = Q R``
(``Q`` orthogonal and ``R`` upper triangular, as SciPy requires): ``A + u v^T`` (rank 1, or
rank k for matrices ``u`` and ``v``), ``A`` with rows or columns inserted, or deleted.  The
derivative of ``A1`` follows from ``dA = dQ R + Q dR`` (``R`` read as upper triangular), then
np.linalg.qr's rule at ``(Q1, R1)``: a QR derivative depends only on the results, so the
signs the Givens rotations leave do not matter.  Refused as np.linalg.qr's rule refuses
(``qr_updated_mask``): an updated matrix with more columns than rows, a square ``Q1`` of a tall
one (use economic factors), complex factors; and ``overwrite_*=True`` (the rules read ``Q``
and ``R``).

With ``low`` the strictly lower mask and ``Ri = R1^-1``: the tangent of ``Q1, R1`` for a
tangent ``dA1`` is ``(Q1 h + E, -h R1)`` with ``E = dA1 Ri``, ``c = Q1^T E`` and ``h = low*c -
(low*c)^T - c``, one contribution per differentiated argument; the adjoint of ``A1`` is
np.linalg.qr's adjoint, carried back to ``Q``, ``R``, ``u`` and ``v`` through the products
that make ``A1``.
"""
import numpy as np
import scipy.linalg

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime.qr_updates import (
    as_columns,
    qr_delete_layout,
    qr_insert_layout,
    qr_updated_mask,
)

# Every function of this family computes a value (overwrite_*=True, which lets SciPy write
# into its arguments, is refused when differentiated) and returns a new tuple of arrays.
FACTS = Facts(pure=True, containers=True, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(as_columns, qr_delete_layout, qr_insert_layout, qr_updated_mask)


# A1 = A + U V^T (U, V: u and v as matrices of columns).
@adjoint(scipy.linalg.qr_update, tuple_result=True)
def qr_update(y, Q, R, u, v, overwrite_qruv=False, check_finite=True):
    low = qr_updated_mask(y, "qr_update", overwrite_qruv)
    x = ((1.0 - low) * d[y][1]) @ np.matrix_transpose(y[1]) - np.matrix_transpose(y[0]) @ d[y][0]
    g = x - low * (x - np.matrix_transpose(x))
    ga = (d[y][0] + y[0] @ g) @ np.matrix_transpose(np.linalg.inv(y[1]))
    d[Q] = ga @ np.matrix_transpose(R)
    d[R] = np.triu(np.matrix_transpose(Q) @ ga)
    d[u] = np.reshape(ga @ np.reshape(v, as_columns(v)), np.shape(u))
    d[v] = np.reshape(np.matrix_transpose(ga) @ np.reshape(u, as_columns(u)), np.shape(v))


@tangent(scipy.linalg.qr_update, tuple_result=True)
def qr_update_tangent(y, Q, R, u, v, overwrite_qruv=False, check_finite=True):
    low = qr_updated_mask(y, "qr_update", overwrite_qruv)
    ri = np.linalg.inv(y[1])
    cq = np.matrix_transpose(y[0]) @ d[Q] @ R @ ri
    hq = low * cq - np.matrix_transpose(low * cq) - cq
    d[y] = (y[0] @ hq + d[Q] @ R @ ri, -(hq @ y[1]))
    cr = np.matrix_transpose(y[0]) @ Q @ np.triu(d[R]) @ ri
    hr = low * cr - np.matrix_transpose(low * cr) - cr
    d[y] = (y[0] @ hr + Q @ np.triu(d[R]) @ ri, -(hr @ y[1]))
    vt = np.matrix_transpose(np.reshape(v, as_columns(v))) @ ri
    cu = np.matrix_transpose(y[0]) @ np.reshape(d[u], as_columns(u)) @ vt
    hu = low * cu - np.matrix_transpose(low * cu) - cu
    d[y] = (y[0] @ hu + np.reshape(d[u], as_columns(u)) @ vt, -(hu @ y[1]))
    uc = np.reshape(u, as_columns(u))
    cv = np.matrix_transpose(y[0]) @ uc @ np.matrix_transpose(np.reshape(d[v], as_columns(v))) @ ri
    hv = low * cv - np.matrix_transpose(low * cv) - cv
    d[y] = (y[0] @ hv + uc @ np.matrix_transpose(np.reshape(d[v], as_columns(v))) @ ri,
            -(hv @ y[1]))


# A1 = L A Rt + Lu U Ru (qr_insert_layout: the old matrix and the new rows or columns U, u as
# a matrix, placed by constant matrices).
@adjoint(scipy.linalg.qr_insert, tuple_result=True)
def qr_insert(y, Q, R, u, k, which="row", rcond=None, overwrite_qru=False, check_finite=True):
    low = qr_updated_mask(y, "qr_insert", overwrite_qru)
    lay = qr_insert_layout(Q, R, u, k, which)
    x = ((1.0 - low) * d[y][1]) @ np.matrix_transpose(y[1]) - np.matrix_transpose(y[0]) @ d[y][0]
    g = x - low * (x - np.matrix_transpose(x))
    ga = (d[y][0] + y[0] @ g) @ np.matrix_transpose(np.linalg.inv(y[1]))
    gb = np.matrix_transpose(lay[0]) @ ga @ np.matrix_transpose(lay[1])
    d[Q] = gb @ np.matrix_transpose(R)
    d[R] = np.triu(np.matrix_transpose(Q) @ gb)
    d[u] = np.reshape(np.matrix_transpose(lay[2]) @ ga @ np.matrix_transpose(lay[3]), np.shape(u))


@tangent(scipy.linalg.qr_insert, tuple_result=True)
def qr_insert_tangent(y, Q, R, u, k, which="row", rcond=None, overwrite_qru=False,
                      check_finite=True):
    low = qr_updated_mask(y, "qr_insert", overwrite_qru)
    lay = qr_insert_layout(Q, R, u, k, which)
    ri = np.linalg.inv(y[1])
    cq = np.matrix_transpose(y[0]) @ lay[0] @ d[Q] @ R @ lay[1] @ ri
    hq = low * cq - np.matrix_transpose(low * cq) - cq
    d[y] = (y[0] @ hq + lay[0] @ d[Q] @ R @ lay[1] @ ri, -(hq @ y[1]))
    cr = np.matrix_transpose(y[0]) @ lay[0] @ Q @ np.triu(d[R]) @ lay[1] @ ri
    hr = low * cr - np.matrix_transpose(low * cr) - cr
    d[y] = (y[0] @ hr + lay[0] @ Q @ np.triu(d[R]) @ lay[1] @ ri, -(hr @ y[1]))
    cu = np.matrix_transpose(y[0]) @ lay[2] @ np.reshape(d[u], lay[4]) @ lay[3] @ ri
    hu = low * cu - np.matrix_transpose(low * cu) - cu
    d[y] = (y[0] @ hu + lay[2] @ np.reshape(d[u], lay[4]) @ lay[3] @ ri, -(hu @ y[1]))


# A1 = L A Rt (qr_delete_layout: the rows or columns kept).
@adjoint(scipy.linalg.qr_delete, tuple_result=True)
def qr_delete(y, Q, R, k, p=1, which="row", overwrite_qr=False, check_finite=True):
    low = qr_updated_mask(y, "qr_delete", overwrite_qr)
    lay = qr_delete_layout(Q, R, k, p, which)
    x = ((1.0 - low) * d[y][1]) @ np.matrix_transpose(y[1]) - np.matrix_transpose(y[0]) @ d[y][0]
    g = x - low * (x - np.matrix_transpose(x))
    ga = (d[y][0] + y[0] @ g) @ np.matrix_transpose(np.linalg.inv(y[1]))
    gb = np.matrix_transpose(lay[0]) @ ga @ np.matrix_transpose(lay[1])
    d[Q] = gb @ np.matrix_transpose(R)
    d[R] = np.triu(np.matrix_transpose(Q) @ gb)


@tangent(scipy.linalg.qr_delete, tuple_result=True)
def qr_delete_tangent(y, Q, R, k, p=1, which="row", overwrite_qr=False, check_finite=True):
    low = qr_updated_mask(y, "qr_delete", overwrite_qr)
    lay = qr_delete_layout(Q, R, k, p, which)
    ri = np.linalg.inv(y[1])
    cq = np.matrix_transpose(y[0]) @ lay[0] @ d[Q] @ R @ lay[1] @ ri
    hq = low * cq - np.matrix_transpose(low * cq) - cq
    d[y] = (y[0] @ hq + lay[0] @ d[Q] @ R @ lay[1] @ ri, -(hq @ y[1]))
    cr = np.matrix_transpose(y[0]) @ lay[0] @ Q @ np.triu(d[R]) @ lay[1] @ ri
    hr = low * cr - np.matrix_transpose(low * cr) - cr
    d[y] = (y[0] @ hr + lay[0] @ Q @ np.triu(d[R]) @ lay[1] @ ri, -(hr @ y[1]))
