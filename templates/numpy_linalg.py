"""Products and linear algebra: ``np.dot vdot inner outer tensordot einsum kron cross vecdot
matrix_transpose`` and ``np.linalg``'s ``inv det slogdet solve cholesky eigh eigvalsh eig svd
svdvals pinv qr norm vector_norm matrix_norm matrix_power eigvals cond lstsq tensorinv
tensorsolve multi_dot`` (with the array API spellings ``np.linalg.matmul outer tensordot vecdot
cross matrix_transpose diagonal trace``).

Adjoints are written with ``@``, ``np.linalg`` and ``np.einsum`` (whose own adjoint is another
einsum), so that second derivatives (forward mode over the generated reverse code) find rules
for every call.  The decompositions take what makes them differentiable: distinct eigenvalues
(``eigh``, ``eig``, real for ``eig``) or singular values (``svd``), full rank (``pinv``,
``qr`` with at least as many rows as columns).
"""
import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import (
    dot_adjoint_a,
    dot_adjoint_b,
    matmul_adjoint_a,
    matmul_adjoint_b,
    unbroadcast,
    unreduce,
    zeros_like,
)
from tangentlike.runtime.arrays import undiagonal, untrace
from tangentlike.runtime.linalg import (
    cond_ends,
    eig_eye,
    einsum_adjoint_subscripts,
    einsum_place,
    einsum_refuse_operands_first,
    einsum_subscripts,
    einsum_with,
    inner_adjoint_subscripts,
    kron_layout,
    linalg_cast,
    linalg_eye,
    matrix_power_blocks,
    norm_gradient,
    norm_hessian,
    qr_mask,
    real_matrix,
    residual_gate,
    solve_matrix_shape,
    svd_eye,
    tensordot_adjoint_subscripts,
    tensorinv_shapes,
    tensorsolve_shapes,
    triangle_mask,
    vecdot_axis,
)
from tangentlike.runtime.multi_dot import multi_dot_adjoints, multi_dot_tangent

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(cond_ends, einsum_adjoint_subscripts, einsum_refuse_operands_first,
                   einsum_subscripts, inner_adjoint_subscripts, kron_layout, linalg_eye, eig_eye,
                   matrix_power_blocks, qr_mask, solve_matrix_shape, svd_eye,
                   tensordot_adjoint_subscripts, tensorinv_shapes, tensorsolve_shapes,
                   triangle_mask, vecdot_axis)


# real_matrix(a) is a, refused when complex: it marks the rules written for real matrices
# only (slogdet's sign, the singular values, pinv's transposes); the identity for derivatives
# of the rules.
@adjoint(real_matrix)
def real_matrix_adjoint(y, a, what="this function"):
    d[a] = d[y]


@tangent(real_matrix)
def real_matrix_tangent(y, a, what="this function"):
    d[y] = d[a]


@adjoint(np.dot)
@adjoint(np.ndarray.dot)
def dot(z, a, b, out=None):
    d[a] = dot_adjoint_a(d[z], a, b)
    d[b] = dot_adjoint_b(d[z], a, b)


@tangent(np.dot)
@tangent(np.ndarray.dot)
def dot_tangent(z, a, b, out=None):
    d[z] = np.dot(d[a], b)
    d[z] = np.dot(a, d[b])


@adjoint(np.vdot)
def vdot(z, a, b):
    # vdot conjugates a: the adjoint of a is the conjugate of the product's (autograd's
    # convention), the identity for real values.
    d[a] = np.conjugate(d[z] * np.reshape(b, np.shape(a)))
    d[b] = d[z] * np.conjugate(np.reshape(a, np.shape(b)))


@tangent(np.vdot)
def vdot_tangent(z, a, b):
    d[z] = np.vdot(d[a], b)
    d[z] = np.vdot(a, d[b])


@adjoint(np.inner)
def inner(z, a, b):
    s = inner_adjoint_subscripts(a, b)
    d[a] = linalg_cast(einsum_with(s[0], d[z], b), a)
    d[b] = linalg_cast(einsum_with(s[1], a, d[z]), b)


@tangent(np.inner)
def inner_tangent(z, a, b):
    d[z] = np.inner(d[a], b)
    d[z] = np.inner(a, d[b])


@adjoint(np.outer)
def outer(z, a, b, out=None):
    d[a] = linalg_cast(np.reshape(np.einsum("ij,j->i", d[z], np.reshape(b, -1)), np.shape(a)), a)
    d[b] = linalg_cast(np.reshape(np.einsum("i,ij->j", np.reshape(a, -1), d[z]), np.shape(b)), b)


@tangent(np.outer)
def outer_tangent(z, a, b, out=None):
    d[z] = np.outer(d[a], b)
    d[z] = np.outer(a, d[b])


@adjoint(np.tensordot)
def tensordot(z, a, b, axes=2):
    s = tensordot_adjoint_subscripts(a, b, axes)
    d[a] = linalg_cast(einsum_with(s[0], d[z], b), a)
    d[b] = linalg_cast(einsum_with(s[1], a, d[z]), b)


@tangent(np.tensordot)
def tensordot_tangent(z, a, b, axes=2):
    d[z] = np.tensordot(d[a], b, axes)
    d[z] = np.tensordot(a, d[b], axes)


@adjoint(np.kron)
def kron(z, a, b):
    layout = kron_layout(a, b)
    d[a] = linalg_cast(np.reshape(np.einsum(layout[0], np.reshape(d[z], layout[2]),
                                             np.reshape(b, layout[4])), np.shape(a)), a)
    d[b] = linalg_cast(np.reshape(np.einsum(layout[1], np.reshape(a, layout[3]),
                                             np.reshape(d[z], layout[2])), np.shape(b)), b)


@tangent(np.kron)
def kron_tangent(z, a, b):
    d[z] = np.kron(d[a], b)
    d[z] = np.kron(a, d[b])


# <a x b, g> = <a, b x g> = <b, g x a>: each adjoint is a cross product again (3-vectors).
@adjoint(np.cross)
def cross(c, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is None:
        d[a] = unbroadcast(np.cross(b, d[c], axisa=axisb, axisb=axisc, axisc=axisa), a)
        d[b] = unbroadcast(np.cross(d[c], a, axisa=axisc, axisb=axisa, axisc=axisb), b)
    else:
        d[a] = unbroadcast(np.cross(b, d[c], axis=axis), a)
        d[b] = unbroadcast(np.cross(d[c], a, axis=axis), b)


@tangent(np.cross)
def cross_tangent(c, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    d[c] = np.cross(d[a], b, axisa, axisb, axisc, axis)
    d[c] = np.cross(a, d[b], axisa, axisb, axisc, axis)


# The array API spellings in np.linalg (no flattening, no scalars, keyword-only options).
@adjoint(np.linalg.matmul)
def linalg_matmul(z, x1, x2):
    d[x1] = matmul_adjoint_a(d[z], x1, x2)
    d[x2] = matmul_adjoint_b(d[z], x1, x2)


@tangent(np.linalg.matmul)
def linalg_matmul_tangent(z, x1, x2):
    d[z] = d[x1] @ x2
    d[z] = x1 @ d[x2]


@adjoint(np.linalg.outer)
def linalg_outer(z, x1, x2):
    d[x1] = linalg_cast(d[z] @ x2, x1)
    d[x2] = linalg_cast(x1 @ d[z], x2)


@tangent(np.linalg.outer)
def linalg_outer_tangent(z, x1, x2):
    d[z] = np.linalg.outer(d[x1], x2)
    d[z] = np.linalg.outer(x1, d[x2])


@adjoint(np.linalg.tensordot)
def linalg_tensordot(z, x1, x2, axes=2):
    s = tensordot_adjoint_subscripts(x1, x2, axes)
    d[x1] = linalg_cast(einsum_with(s[0], d[z], x2), x1)
    d[x2] = linalg_cast(einsum_with(s[1], x1, d[z]), x2)


@tangent(np.linalg.tensordot)
def linalg_tensordot_tangent(z, x1, x2, axes=2):
    d[z] = np.linalg.tensordot(d[x1], x2, axes=axes)
    d[z] = np.linalg.tensordot(x1, d[x2], axes=axes)


# vecdot sums conj(x1) * x2 over one axis (operands broadcast); unreduce spreads the adjoint
# back over that axis of the product's shape (conjugated for x1, as vdot's).
@adjoint(np.linalg.vecdot)
def linalg_vecdot(y, x1, x2, axis=-1):
    d[x1] = unbroadcast(np.conjugate(unreduce(d[y], x1 * x2, axis) * x2), x1)
    d[x2] = unbroadcast(np.conjugate(x1) * unreduce(d[y], x1 * x2, axis), x2)


@tangent(np.linalg.vecdot)
def linalg_vecdot_tangent(y, x1, x2, axis=-1):
    d[y] = np.linalg.vecdot(d[x1], x2, axis=axis)
    d[y] = np.linalg.vecdot(x1, d[x2], axis=axis)


@adjoint(np.vecdot)
def vecdot(y, x1, x2, out=None, *, axes=None, axis=None, keepdims=False):
    d[x1] = unbroadcast(
        np.conjugate(unreduce(d[y], x1 * x2, vecdot_axis(axis, axes), keepdims) * x2), x1)
    d[x2] = unbroadcast(
        np.conjugate(x1) * unreduce(d[y], x1 * x2, vecdot_axis(axis, axes), keepdims), x2)


@tangent(np.vecdot)
def vecdot_tangent(y, x1, x2, out=None, *, axes=None, axis=None, keepdims=False):
    d[y] = np.vecdot(d[x1], x2, axis=vecdot_axis(axis, axes), keepdims=keepdims)
    d[y] = np.vecdot(x1, d[x2], axis=vecdot_axis(axis, axes), keepdims=keepdims)


@adjoint(np.linalg.cross)
def linalg_cross(y, x1, x2, axis=-1):
    d[x1] = unbroadcast(np.linalg.cross(x2, d[y], axis=axis), x1)
    d[x2] = unbroadcast(np.linalg.cross(d[y], x1, axis=axis), x2)


@tangent(np.linalg.cross)
def linalg_cross_tangent(y, x1, x2, axis=-1):
    d[y] = np.linalg.cross(d[x1], x2, axis=axis)
    d[y] = np.linalg.cross(x1, d[x2], axis=axis)


# np.einsum(subscripts, x0, x1, ...) for up to four operands.  The adjoint of an operand is the
# einsum of the result's adjoint with the other operands, spread by einsum_place over the
# letters only that operand has and onto the diagonals of its repeated letters.  einsum_with
# is np.einsum of the operands that are not None, so that these rules need no branches.  The
# subscripts carry no derivative, unless they are an array: np.einsum(a, [0, 1], b, [1, 2]),
# the interleaved form, which the rules refuse.
@adjoint(np.einsum)
@adjoint(einsum_with)
def einsum(y, subscripts, x0, x1=None, x2=None, x3=None, out=None, optimize=False):
    d[subscripts] = einsum_refuse_operands_first(d[y])
    s0 = einsum_adjoint_subscripts(subscripts, 0, x0, x1, x2, x3)
    d[x0] = einsum_place(einsum_with(s0[0], d[y], x1, x2, x3, None, optimize), x0, s0[1], s0[2])
    s1 = einsum_adjoint_subscripts(subscripts, 1, x0, x1, x2, x3)
    d[x1] = einsum_place(einsum_with(s1[0], d[y], x0, x2, x3, None, optimize), x1, s1[1], s1[2])
    s2 = einsum_adjoint_subscripts(subscripts, 2, x0, x1, x2, x3)
    d[x2] = einsum_place(einsum_with(s2[0], d[y], x0, x1, x3, None, optimize), x2, s2[1], s2[2])
    s3 = einsum_adjoint_subscripts(subscripts, 3, x0, x1, x2, x3)
    d[x3] = einsum_place(einsum_with(s3[0], d[y], x0, x1, x2, None, optimize), x3, s3[1], s3[2])


@tangent(np.einsum)
@tangent(einsum_with)
def einsum_tangent(y, subscripts, x0, x1=None, x2=None, x3=None, out=None, optimize=False):
    d[y] = einsum_refuse_operands_first(d[subscripts])
    d[y] = einsum_with(subscripts, d[x0], x1, x2, x3, None, optimize)
    d[y] = einsum_with(subscripts, x0, d[x1], x2, x3, None, optimize)
    d[y] = einsum_with(subscripts, x0, x1, d[x2], x3, None, optimize)
    d[y] = einsum_with(subscripts, x0, x1, x2, d[x3], None, optimize)


# linalg_cast and einsum_place are linear in t.
@adjoint(linalg_cast)
def linalg_cast_adjoint(r, t, x):
    d[t] = linalg_cast(d[r], t)


@tangent(linalg_cast)
def linalg_cast_tangent(r, t, x):
    d[r] = linalg_cast(d[t], x)


@adjoint(einsum_place)
def einsum_place_adjoint(r, t, x, letters, target):
    d[t] = linalg_cast(np.einsum(einsum_subscripts(target, letters), d[r]), t)


@tangent(einsum_place)
def einsum_place_tangent(r, t, x, letters, target):
    d[r] = einsum_place(d[t], x, letters, target)


# ---------------------------------------------------------------------------------------------
# np.linalg.  Stacks of matrices broadcast as in np.matmul; np.matrix_transpose transposes the
# last two axes.  Products of matrices are written with @ (never a many-operand einsum, which
# NumPy would evaluate without BLAS, and in O(n^4) for three matrices).


@adjoint(np.matrix_transpose)
@adjoint(np.linalg.matrix_transpose)
def matrix_transpose(y, x):
    d[x] = np.matrix_transpose(d[y])


@tangent(np.matrix_transpose)
@tangent(np.linalg.matrix_transpose)
def matrix_transpose_tangent(y, x):
    d[y] = np.matrix_transpose(d[x])


@adjoint(np.linalg.inv)
def inv(y, a):
    d[a] = -(np.matrix_transpose(y) @ d[y] @ np.matrix_transpose(y))


@tangent(np.linalg.inv)
def inv_tangent(y, a):
    d[y] = -(y @ d[a] @ y)


@adjoint(np.linalg.det)
def det(y, a):
    d[a] = linalg_cast(np.einsum("...,...,...ji->...ij", d[y], y, np.linalg.inv(a)), a)


@tangent(np.linalg.det)
def det_tangent(y, a):
    d[y] = y * np.einsum("...ij,...ji->...", np.linalg.inv(a), d[a])


# The sign is piecewise constant: only the log of the absolute value carries a derivative (for
# real matrices; a complex one's sign moves, and is refused).
@adjoint(np.linalg.slogdet, tuple_result=True)
def slogdet(y, a):
    d[a] = linalg_cast(np.einsum("...,...ji->...ij", d[y][1],
                                 np.linalg.inv(real_matrix(a, "np.linalg.slogdet"))), a)


@tangent(np.linalg.slogdet, tuple_result=True)
def slogdet_tangent(y, a):
    d[y] = (zeros_like(y[0]),
            np.einsum("...ij,...ji->...", np.linalg.inv(real_matrix(a, "np.linalg.slogdet")), d[a]))


# x = solve(a, b) with b a vector (b.ndim == 1) or a stack of matrices; solve_matrix_shape is
# x's shape as a stack of matrices (a column for a vector).
@adjoint(np.linalg.solve)
def solve(x, a, b):
    xm = np.reshape(x, solve_matrix_shape(x, b))
    bb = np.linalg.solve(np.matrix_transpose(a), np.reshape(d[x], np.shape(xm)))
    d[a] = unbroadcast(-(bb @ np.matrix_transpose(xm)), a)
    d[b] = unbroadcast(np.reshape(bb, np.shape(x)), b)


@tangent(np.linalg.solve)
def solve_tangent(x, a, b):
    d[x] = -np.reshape(np.linalg.solve(a, d[a] @ np.reshape(x, solve_matrix_shape(x, b))),
                       np.shape(x))
    d[x] = np.linalg.solve(a, d[b])


# np.linalg.cholesky and eigh read one triangle of their input (the lower one by default) as
# the symmetric matrix it stands for, so the derivative of a is in that triangle: with
# tri = triangle_mask(a, ...) (ones in the strict triangle, halves on the diagonal), the
# matrix seen changes by sym = tri*da + (tri*da)^T, and for the adjoint S computed for a
# symmetric input, the adjoint of a is tri * (S + S^T).  (For a symmetric input built from
# a parameter, as in A + A.T, this gives the same gradient as symmetrizing S.)

# a = L L^T (L lower; upper=True returns U = L^T).  With phi(X) = tri_lower * X (the lower
# triangle with half the diagonal): dL = L phi(L^-1 sym L^-T), and S = L^-T phi(L^T dL) L^-1
# (Murray, "Differentiation of the Cholesky decomposition", 2016).
@adjoint(np.linalg.cholesky)
def cholesky(y, a, upper=False):
    if upper:
        lo = np.matrix_transpose(y)
        lb = np.matrix_transpose(d[y])
    else:
        lo = y
        lb = d[y]
    li = np.linalg.inv(lo)
    s = np.matrix_transpose(li) @ (triangle_mask(lo, False) * (np.matrix_transpose(lo) @ lb)) @ li
    d[a] = triangle_mask(a, upper) * (s + np.matrix_transpose(s))


@tangent(np.linalg.cholesky)
def cholesky_tangent(y, a, upper=False):
    tri = triangle_mask(a, upper)
    if upper:
        lo = np.matrix_transpose(y)
        li = np.linalg.inv(lo)
        d[y] = np.matrix_transpose(lo @ (triangle_mask(lo, False) * (
            li @ (tri * d[a] + np.matrix_transpose(tri * d[a])) @ np.matrix_transpose(li))))
    else:
        li = np.linalg.inv(y)
        d[y] = y @ (triangle_mask(y, False) * (
            li @ (tri * d[a] + np.matrix_transpose(tri * d[a])) @ np.matrix_transpose(li)))


# a = V diag(w) V^T with distinct eigenvalues; f[i, j] = 1 / (w[j] - w[i]) off the diagonal.
# dw = diag(V^T sym V), dV = V (f * V^T sym V), S = V (diag(dw) + f * V^T dV) V^T.
@adjoint(np.linalg.eigh, tuple_result=True)
def eigh(y, a, UPLO="L"):
    eye = linalg_eye(y[0])
    f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
    inner = (f * (np.matrix_transpose(y[1]) @ d[y][1])
             + np.einsum("...i,ij->...ij", d[y][0], eye))
    s = y[1] @ inner @ np.matrix_transpose(y[1])
    d[a] = linalg_cast(triangle_mask(a, UPLO) * (s + np.matrix_transpose(s)), a)


@tangent(np.linalg.eigh, tuple_result=True)
def eigh_tangent(y, a, UPLO="L"):
    eye = linalg_eye(y[0])
    f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
    tri = triangle_mask(a, UPLO)
    d[y] = (2 * np.einsum("...ki,...ki->...i", y[1], (tri * d[a]) @ y[1]),
            y[1] @ (f * (np.matrix_transpose(y[1])
                         @ (tri * d[a] + np.matrix_transpose(tri * d[a])) @ y[1])))


# a V = V diag(w), real and distinct eigenvalues, columns of V of unit norm (so their
# tangents are orthogonal to them): M = V^-1 da V, dw = diag(M), dV0 = V (f * M),
# dV = dV0 - V diag(diag(V^T dV0)).
@adjoint(np.linalg.eig, tuple_result=True)
def eig(y, a):
    eye = eig_eye(y[0])
    f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
    vb = d[y][1] - np.einsum("...ij,...j->...ij", y[1],
                             np.einsum("...ki,...ki->...i", y[1], d[y][1]))
    inner = f * (np.matrix_transpose(y[1]) @ vb) + np.einsum("...i,ij->...ij", d[y][0], eye)
    d[a] = linalg_cast(np.matrix_transpose(np.linalg.inv(y[1])) @ inner
                       @ np.matrix_transpose(y[1]), a)


@tangent(np.linalg.eig, tuple_result=True)
def eig_tangent(y, a):
    eye = eig_eye(y[0])
    f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
    vi = np.linalg.inv(y[1])
    dv = y[1] @ (f * (vi @ d[a] @ y[1]))
    d[y] = (np.einsum("...ik,...ki->...i", vi, d[a] @ y[1]),
            dv - np.einsum("...ij,...j->...ij", y[1], np.einsum("...ki,...ki->...i", y[1], dv)))


# a = U diag(s) Vh, distinct nonzero singular values (Townsend, "Differentiating the singular
# value decomposition", 2016); f[i, j] = 1 / (s[j]**2 - s[i]**2) off the diagonal.
# full_matrices=True only for square matrices (where it is the reduced SVD).
@adjoint(np.linalg.svd, tuple_result=True)
def svd(y, a, full_matrices=True, compute_uv=True, hermitian=False):
    if compute_uv:
        eye = svd_eye(y[1], a, full_matrices)
        f = (1.0 - eye) / (y[1][..., None, :] ** 2 - y[1][..., :, None] ** 2 + eye)
        utub = np.matrix_transpose(y[0]) @ d[y][0]
        vtvb = y[2] @ np.matrix_transpose(d[y][2])
        inner = (f * (utub - np.matrix_transpose(utub)) * y[1][..., None, :]
                 + np.einsum("...i,ij->...ij", d[y][1], eye)
                 + y[1][..., :, None] * (f * (vtvb - np.matrix_transpose(vtvb))))
        d[a] = linalg_cast(y[0] @ inner @ y[2]
                           + (d[y][0] - y[0] @ utub) @ (y[2] / y[1][..., :, None])
                           + (y[0] / y[1][..., None, :])
                           @ (d[y][2] - np.matrix_transpose(vtvb) @ y[2]), a)
    else:
        usv = np.linalg.svd(real_matrix(a, "np.linalg.svd"), full_matrices=False)
        d[a] = linalg_cast((usv[0] * d[y][..., None, :]) @ usv[2], a)


@tangent(np.linalg.svd, tuple_result=True)
def svd_tangent(y, a, full_matrices=True, compute_uv=True, hermitian=False):
    if compute_uv:
        eye = svd_eye(y[1], a, full_matrices)
        f = (1.0 - eye) / (y[1][..., None, :] ** 2 - y[1][..., :, None] ** 2 + eye)
        v = np.matrix_transpose(y[2])
        dp = np.matrix_transpose(y[0]) @ d[a] @ v
        dpt = np.matrix_transpose(dp)
        d[y] = (y[0] @ (f * (dp * y[1][..., None, :] + y[1][..., :, None] * dpt))
                + (d[a] @ v - y[0] @ dp) / y[1][..., None, :],
                np.einsum("...ii->...i", dp),
                np.matrix_transpose(
                    v @ (f * (y[1][..., :, None] * dp + dpt * y[1][..., None, :]))
                    + (np.matrix_transpose(d[a]) @ y[0] - v @ dpt) / y[1][..., None, :]))
    else:
        usv = np.linalg.svd(real_matrix(a, "np.linalg.svd"), full_matrices=False)
        d[y] = np.einsum("...ki,...ki->...i", usv[0], d[a] @ np.matrix_transpose(usv[2]))


# Y = pinv(A) for A of full rank (Golub and Pereyra, 1973):
# dY = -Y dA Y + Y Y^T dA^T (I - A Y) + (I - Y A) dA^T Y^T Y.
@adjoint(np.linalg.pinv)
def pinv(y, a, rcond=None, hermitian=False, *, rtol=None):
    yt = np.matrix_transpose(y)
    z = np.matrix_transpose(d[y]) @ (y @ yt)
    u = (yt @ y) @ np.matrix_transpose(d[y])
    d[a] = linalg_cast(-(yt @ d[y] @ yt) + z - real_matrix(a, "np.linalg.pinv") @ (y @ z) + u
                       - (u @ y) @ a, a)


@tangent(np.linalg.pinv)
def pinv_tangent(y, a, rcond=None, hermitian=False, *, rtol=None):
    yt = np.matrix_transpose(y)
    p = y @ (yt @ np.matrix_transpose(d[a]))
    q = np.matrix_transpose(d[a]) @ (yt @ y)
    d[y] = -(y @ d[a] @ y) + p - (p @ real_matrix(a, "np.linalg.pinv")) @ y + q - y @ (a @ q)


# a = Q R with m >= n ("reduced"; "complete" when square); low is the strictly lower mask:
# C = Q^T da R^-1, O = low*C - (low*C)^T, dQ = Q O + da R^-1 - Q C, dR = (C - O) R.  R is
# upper triangular, so only the upper triangle of its adjoint counts.
@adjoint(np.linalg.qr, tuple_result=True)
def qr(y, a, mode="reduced"):
    low = qr_mask(a, mode)
    x = ((1.0 - low) * d[y][1]) @ np.matrix_transpose(y[1]) - np.matrix_transpose(y[0]) @ d[y][0]
    g = x - low * (x - np.matrix_transpose(x))
    d[a] = linalg_cast((d[y][0] + y[0] @ g) @ np.matrix_transpose(np.linalg.inv(y[1])), a)


@tangent(np.linalg.qr, tuple_result=True)
def qr_tangent(y, a, mode="reduced"):
    low = qr_mask(a, mode)
    ri = np.linalg.inv(y[1])
    c = np.matrix_transpose(y[0]) @ d[a] @ ri
    o = low * c - np.matrix_transpose(low * c)
    d[y] = (y[0] @ o + d[a] @ ri - y[0] @ c, (c - o) @ y[1])


# Every ord, axis and keepdims: the adjoint spreads the result's adjoint over the reduced axes
# and multiplies by norm_gradient (the gradient of each norm), whose own derivative
# (norm_hessian) serves second derivatives.
@adjoint(np.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    d[x] = linalg_cast(unreduce(d[y], x, axis, keepdims) * norm_gradient(x, ord, axis), x)


@tangent(np.linalg.norm)
def norm_tangent(y, x, ord=None, axis=None, keepdims=False):
    d[y] = np.sum(d[x] * norm_gradient(x, ord, axis), axis=axis, keepdims=keepdims)


@adjoint(np.linalg.vector_norm)
def vector_norm(y, x, axis=None, keepdims=False, ord=2):
    d[x] = linalg_cast(unreduce(d[y], x, axis, keepdims) * norm_gradient(x, ord, axis, True), x)


@tangent(np.linalg.vector_norm)
def vector_norm_tangent(y, x, axis=None, keepdims=False, ord=2):
    d[y] = np.sum(d[x] * norm_gradient(x, ord, axis, True), axis=axis, keepdims=keepdims)


@adjoint(np.linalg.matrix_norm)
def matrix_norm(y, x, keepdims=False, ord="fro"):
    d[x] = linalg_cast(unreduce(d[y], x, (-2, -1), keepdims)
                       * norm_gradient(x, ord, (-2, -1)), x)


@tangent(np.linalg.matrix_norm)
def matrix_norm_tangent(y, x, keepdims=False, ord="fro"):
    d[y] = np.sum(d[x] * norm_gradient(x, ord, (-2, -1)), axis=(-2, -1), keepdims=keepdims)


@adjoint(norm_gradient)
def norm_gradient_adjoint(g, x, ord=None, axis=None, vector=False):
    d[x] = norm_hessian(d[g], x, ord, axis, vector)


@tangent(norm_gradient)
def norm_gradient_tangent(g, x, ord=None, axis=None, vector=False):
    d[g] = norm_hessian(d[x], x, ord, axis, vector)


# Eigenvalues and singular values alone, from the decompositions (whose rules then serve
# second derivatives).
@adjoint(np.linalg.eigvalsh)
def eigvalsh(y, a, UPLO="L"):
    v = np.linalg.eigh(a, UPLO)[1]
    s = (v * d[y][..., None, :]) @ np.matrix_transpose(v)
    d[a] = linalg_cast(triangle_mask(a, UPLO) * (s + np.matrix_transpose(s)), a)


@tangent(np.linalg.eigvalsh)
def eigvalsh_tangent(y, a, UPLO="L"):
    v = np.linalg.eigh(a, UPLO)[1]
    d[y] = 2 * np.einsum("...ki,...ki->...i", v, (triangle_mask(a, UPLO) * d[a]) @ v)


@adjoint(np.linalg.svdvals)
def svdvals(y, x):
    usv = np.linalg.svd(real_matrix(x, "np.linalg.svdvals"), full_matrices=False)
    d[x] = linalg_cast((usv[0] * d[y][..., None, :]) @ usv[2], x)


@tangent(np.linalg.svdvals)
def svdvals_tangent(y, x):
    usv = np.linalg.svd(real_matrix(x, "np.linalg.svdvals"), full_matrices=False)
    d[y] = np.einsum("...ki,...ki->...i", usv[0], d[x] @ np.matrix_transpose(usv[2]))


# The derivative of A**n along E is the upper right block of [[A, E], [0, A]]**n, and its
# adjoint for the adjoint G of A**n is the same block of [[A^T, G], [0, A^T]]**n.
@adjoint(np.linalg.matrix_power)
def matrix_power(y, a, n):
    blocks = matrix_power_blocks(a)
    d[a] = np.linalg.matrix_power(np.kron(blocks[0], np.matrix_transpose(a))
                                  + np.kron(blocks[1], d[y]), n)[blocks[2]]


@tangent(np.linalg.matrix_power)
def matrix_power_tangent(y, a, n):
    blocks = matrix_power_blocks(a)
    d[y] = np.linalg.matrix_power(np.kron(blocks[0], a) + np.kron(blocks[1], d[a]), n)[blocks[2]]


# The array API's np.linalg.diagonal and np.linalg.trace read the last two axes.
@adjoint(np.linalg.diagonal)
def linalg_diagonal(y, x, offset=0):
    d[x] = undiagonal(d[y], x, offset, -2, -1)


@tangent(np.linalg.diagonal)
def linalg_diagonal_tangent(y, x, offset=0):
    d[y] = np.linalg.diagonal(d[x], offset=offset)


@adjoint(np.linalg.trace)
def linalg_trace(y, x, offset=0, dtype=None):
    d[x] = linalg_cast(untrace(d[y], x, offset, -2, -1), x)


@tangent(np.linalg.trace)
def linalg_trace_tangent(y, x, offset=0, dtype=None):
    d[y] = np.linalg.trace(d[x], offset=offset)


# Eigenvalues alone, real and distinct (as for eig, from whose rules second derivatives come):
# dw = diag(V^-1 da V).
@adjoint(np.linalg.eigvals)
def eigvals(y, a):
    v = np.linalg.eig(a)[1]
    d[a] = linalg_cast(np.matrix_transpose(np.linalg.inv(v))
                       @ np.einsum("...i,ij->...ij", d[y], eig_eye(y)) @ np.matrix_transpose(v), a)


@tangent(np.linalg.eigvals)
def eigvals_tangent(y, a):
    v = np.linalg.eig(a)[1]
    d[y] = np.einsum("...ij,ji->...i", np.linalg.inv(v) @ d[a] @ v, eig_eye(y))


# cond(x) = s_first / s_last for p None, 2 and -2 (the singular values' ends, cond_ends):
# dc = (ds_first - c ds_last) / s_last with ds_i = u_i^T dx v_i.  For the other p,
# cond(x) = norm(x, p) norm(inv(x), p), differentiated as that product.
@adjoint(np.linalg.cond)
def cond(y, x, p=None):
    ends = cond_ends(p)
    if ends is None:
        xi = np.linalg.inv(real_matrix(x, "np.linalg.cond"))
        n1 = np.linalg.norm(x, p, axis=(-2, -1), keepdims=True)
        n2 = np.linalg.norm(xi, p, axis=(-2, -1), keepdims=True)
        g = np.expand_dims(d[y], (-2, -1))
        d[x] = linalg_cast(g * n2 * norm_gradient(x, p, (-2, -1))
                           - np.matrix_transpose(xi) @ (g * n1 * norm_gradient(xi, p, (-2, -1)))
                           @ np.matrix_transpose(xi), x)
    else:
        usv = np.linalg.svd(real_matrix(x, "np.linalg.cond"), full_matrices=False)
        first = usv[0][..., :, ends[0], None] * usv[2][..., ends[0], None, :]
        last = usv[0][..., :, ends[1], None] * usv[2][..., ends[1], None, :]
        d[x] = linalg_cast(np.expand_dims(d[y] / usv[1][..., ends[1]], (-2, -1))
                           * (first - np.expand_dims(y, (-2, -1)) * last), x)


@tangent(np.linalg.cond)
def cond_tangent(y, x, p=None):
    ends = cond_ends(p)
    if ends is None:
        xi = np.linalg.inv(real_matrix(x, "np.linalg.cond"))
        d[y] = (np.linalg.norm(xi, p, axis=(-2, -1))
                * np.sum(d[x] * norm_gradient(x, p, (-2, -1)), axis=(-2, -1))
                - np.linalg.norm(x, p, axis=(-2, -1))
                * np.sum((xi @ d[x] @ xi) * norm_gradient(xi, p, (-2, -1)), axis=(-2, -1)))
    else:
        usv = np.linalg.svd(real_matrix(x, "np.linalg.cond"), full_matrices=False)
        d[y] = (np.einsum("...k,...kl,...l->...", usv[0][..., ends[0]], d[x],
                          usv[2][..., ends[0], :])
                - y * np.einsum("...k,...kl,...l->...", usv[0][..., ends[1]], d[x],
                                usv[2][..., ends[1], :])) / usv[1][..., ends[1]]


# tensorinv and tensorsolve are inv and solve of a reshaped to a matrix.
@adjoint(np.linalg.tensorinv)
def tensorinv(y, a, ind=2):
    shapes = tensorinv_shapes(a, ind)
    ym = np.reshape(y, shapes[1])
    d[a] = -np.reshape(np.matrix_transpose(ym) @ np.reshape(d[y], shapes[1])
                       @ np.matrix_transpose(ym), np.shape(a))


@tangent(np.linalg.tensorinv)
def tensorinv_tangent(y, a, ind=2):
    shapes = tensorinv_shapes(a, ind)
    ym = np.reshape(y, shapes[1])
    d[y] = -np.reshape(ym @ np.reshape(d[a], shapes[0]) @ ym, np.shape(y))


@adjoint(np.linalg.tensorsolve)
def tensorsolve(x, a, b, axes=None):
    shapes = tensorsolve_shapes(a, x, axes)
    bb = np.linalg.solve(np.matrix_transpose(np.reshape(a, shapes[0])), np.reshape(d[x], -1))
    d[a] = -np.reshape(np.outer(bb, x), np.shape(a))
    d[b] = np.reshape(bb, np.shape(b))


@tangent(np.linalg.tensorsolve)
def tensorsolve_tangent(x, a, b, axes=None):
    shapes = tensorsolve_shapes(a, x, axes)
    d[x] = -np.reshape(np.linalg.solve(np.reshape(a, shapes[0]),
                                       np.reshape(d[a], shapes[0]) @ np.reshape(x, -1)),
                       np.shape(x))
    d[x] = np.reshape(np.linalg.solve(np.reshape(a, shapes[0]), np.reshape(d[b], -1)),
                      np.shape(x))


# x = pinv(a) b (full rank), from the rules of pinv; the residuals r_j = |b_j - a x_j|^2 (when
# lstsq returns them) change by 2 (b_j - a x_j)^T (db_j - da x_j), as a^T (b - a x) = 0; the
# singular values as in svdvals; the rank not at all.  residual_gate leaves out what lstsq
# returns no residuals for.
@adjoint(np.linalg.lstsq, containers=True, tuple_result=True)
def lstsq(y, a, b, rcond=None):
    pa = np.linalg.pinv(real_matrix(a, "np.linalg.lstsq"))
    xm = np.reshape(y[0], solve_matrix_shape(y[0], b))
    bm = np.reshape(real_matrix(b, "np.linalg.lstsq"), solve_matrix_shape(b, b))
    gr = 2.0 * (bm - a @ xm) * residual_gate(d[y][1], y[1], 0.0)
    gy = np.reshape(d[y][0], np.shape(xm)) @ np.matrix_transpose(bm)
    pt = np.matrix_transpose(pa)
    z = np.matrix_transpose(gy) @ (pa @ pt)
    u = (pt @ pa) @ np.matrix_transpose(gy)
    usv = np.linalg.svd(a, full_matrices=False)
    d[a] = linalg_cast(-(pt @ gy @ pt) + z - a @ (pa @ z) + u - (u @ pa) @ a
                       - gr @ np.matrix_transpose(xm) + (usv[0] * d[y][3][..., None, :]) @ usv[2],
                       a)
    d[b] = linalg_cast(np.reshape(pt @ np.reshape(d[y][0], np.shape(xm)) + gr, np.shape(b)), b)


@tangent(np.linalg.lstsq, containers=True, tuple_result=True)
def lstsq_tangent(y, a, b, rcond=None):
    pa = np.linalg.pinv(real_matrix(a, "np.linalg.lstsq"))
    xm = np.reshape(y[0], solve_matrix_shape(y[0], b))
    bm = np.reshape(real_matrix(b, "np.linalg.lstsq"), solve_matrix_shape(b, b))
    pt = np.matrix_transpose(pa)
    p = pa @ (pt @ np.matrix_transpose(d[a]))
    q = np.matrix_transpose(d[a]) @ (pt @ pa)
    usv = np.linalg.svd(a, full_matrices=False)
    d[y] = (np.reshape((-(pa @ d[a] @ pa) + p - (p @ a) @ pa + q - pa @ (a @ q)) @ bm,
                       np.shape(y[0])),
            residual_gate(-2.0 * np.sum((bm - a @ xm) * (d[a] @ xm), axis=0), y[1], y[1]),
            zeros_like(y[2]),
            np.einsum("...ki,...ki->...i", usv[0], d[a] @ np.matrix_transpose(usv[2])))
    d[y] = (np.reshape(pa @ np.reshape(d[b], np.shape(bm)), np.shape(y[0])),
            residual_gate(2.0 * np.sum((bm - a @ xm) * np.reshape(d[b], np.shape(bm)), axis=0),
                          y[1], y[1]),
            zeros_like(y[2]), zeros_like(y[3]))


@adjoint(residual_gate)
def residual_gate_adjoint(g, t, residuals, like):
    d[t] = residual_gate(d[g], residuals, t)


@tangent(residual_gate)
def residual_gate_tangent(g, t, residuals, like):
    d[g] = residual_gate(d[t], residuals, like)


# np.linalg.multi_dot(arrays): the adjoint of each matrix is the result's adjoint between the
# transposed products left and right of it (a 1-d first array a row, a 1-d last a column);
# the helpers are plain Python over @, differentiated again from their source.
@adjoint(np.linalg.multi_dot)
def multi_dot(y, arrays, *, out=None):
    d[arrays] = multi_dot_adjoints(d[y], arrays)


@tangent(np.linalg.multi_dot)
def multi_dot_tangent_rule(y, arrays, *, out=None):
    d[y] = multi_dot_tangent(d[arrays], arrays, y)
