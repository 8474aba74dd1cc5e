"""scipy.linalg (SciPy is optional: tangentlike/templates imports this module only when SciPy
is installed): ``inv det solve solve_triangular cholesky cho_factor cho_solve lu_factor
lu_solve eigh eigvalsh eigvals svd svdvals qr pinv pinvh norm``, the matrix functions ``expm
logm sqrtm cosm sinm tanm coshm sinhm tanhm fractional_matrix_power``, the equations
``solve_sylvester solve_continuous_lyapunov solve_discrete_lyapunov``, the structured
matrices ``toeplitz hankel circulant khatri_rao companion leslie diagsvd
convolution_matrix``, ``lstsq lu expm_frechet polar orthogonal_procrustes solve_circulant
solve_toeplitz matmul_toeplitz solve_banded``, and the constant matrices of an integer size.

The rules are those of np.linalg where SciPy computes the same thing (written again for
SciPy's signatures), with SciPy's conventions: ``cholesky`` returns the upper factor by
default, ``solve(assume_a='pos')`` and ``eigh`` read one triangle of their input (as
np.linalg.cholesky and eigh do, see templates/numpy_linalg.py).  ``cho_factor`` returns the
factor in one triangle and a copy of the input in the other; ``cho_solve`` and ``lu_solve``
read the pairs ``(c, lower)`` and ``(lu, piv)`` those return.

The derivative of a matrix function f along E is the upper right block of f([[A, E], [0, A]])
(Higham, "Functions of Matrices", 2008, theorem 3.6), and its adjoint for G the same block of
f([[A^T, G], [0, A^T]]): so these rules call f again, whose rule serves second derivatives.
Each is refused where that derivative is complex (a root of a matrix with negative
eigenvalues).
"""
import numpy as np
import scipy.linalg

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast, unindex, unreduce, zeros_like
from tangentlike.runtime.linalg import (
    assumed_masks,
    banded_dense,
    banded_parts,
    circulant_check,
    convolution_layout,
    copied_triangle,
    eigh_uplo,
    eigvals_eye,
    factor_masks,
    linalg_cast,
    linalg_eye,
    lstsq_full,
    lu_mask,
    lu_masks,
    matrix_function_cast,
    matrix_power_blocks,
    norm_gradient,
    pinv_only,
    polar_left,
    real_matrix,
    residual_gate,
    scipy_qr_mask,
    solve_matrix_shape,
    structured_layout,
    svd_eye,
    toeplitz_dense,
    toeplitz_parts,
    triangle_mask,
    triangular_masks,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(assumed_masks, copied_triangle, circulant_check, convolution_layout,
                   eigh_uplo, eigvals_eye,
                   factor_masks, lstsq_full, lu_mask, lu_masks, polar_left, scipy_qr_mask,
                   structured_layout, triangular_masks,
                   scipy.linalg.bandwidth, scipy.linalg.ishermitian, scipy.linalg.issymmetric,
                   scipy.linalg.hadamard, scipy.linalg.hilbert, scipy.linalg.invhilbert,
                   scipy.linalg.pascal, scipy.linalg.invpascal, scipy.linalg.dft,
                   scipy.linalg.helmert)


# ---------------------------------------------------------------------------------------------
# Inverses, determinants and linear systems.  With assume_a, the matrix SciPy reads is
# M = m0 * a + (m1 * a)^T (assumed_masks: all of a, or one triangle reflected), so that an
# adjoint S computed for M is m0 * S + m1 * S^T for a.

@adjoint(scipy.linalg.inv)
def inv(y, a, overwrite_a=False, check_finite=True, assume_a=None, lower=False):
    m = assumed_masks(a, assume_a, lower)
    s = -(np.matrix_transpose(y) @ d[y] @ np.matrix_transpose(y))
    d[a] = m[0] * s + m[1] * np.matrix_transpose(s)


@tangent(scipy.linalg.inv)
def inv_tangent(y, a, overwrite_a=False, check_finite=True, assume_a=None, lower=False):
    m = assumed_masks(a, assume_a, lower)
    d[y] = -(y @ (m[0] * d[a] + np.matrix_transpose(m[1] * d[a])) @ y)


@adjoint(scipy.linalg.det)
def det(y, a, overwrite_a=False, check_finite=True):
    d[a] = linalg_cast(np.einsum("...,...,...ji->...ij", d[y], y, np.linalg.inv(a)), a)


@tangent(scipy.linalg.det)
def det_tangent(y, a, overwrite_a=False, check_finite=True):
    d[y] = y * np.einsum("...ij,...ji->...", np.linalg.inv(a), d[a])


@adjoint(scipy.linalg.solve)
def solve(x, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
          assume_a=None, transposed=False):
    m = assumed_masks(a, assume_a, lower, transposed)
    xm = np.reshape(x, solve_matrix_shape(x, b))
    bb = np.linalg.solve(np.matrix_transpose(m[0] * a + np.matrix_transpose(m[1] * a)),
                         np.reshape(d[x], np.shape(xm)))
    s = -(bb @ np.matrix_transpose(xm))
    d[a] = unbroadcast(m[0] * s + m[1] * np.matrix_transpose(s), a)
    d[b] = unbroadcast(np.reshape(bb, np.shape(x)), b)


@tangent(scipy.linalg.solve)
def solve_tangent(x, a, b, lower=False, overwrite_a=False, overwrite_b=False,
                  check_finite=True, assume_a=None, transposed=False):
    m = assumed_masks(a, assume_a, lower, transposed)
    d[x] = -np.reshape(scipy.linalg.solve(
        a, (m[0] * d[a] + np.matrix_transpose(m[1] * d[a])) @ np.reshape(
            x, solve_matrix_shape(x, b)), lower=lower, assume_a=assume_a), np.shape(x))
    d[x] = scipy.linalg.solve(a, d[b], lower=lower, assume_a=assume_a)


# T x = b (or T^T x = b), T the triangle of a that triangular_masks marks (the unit
# diagonal left out): with bb = T^-T g (T^-1 g), the adjoint of T is -bb x^T (-x bb^T).
@adjoint(scipy.linalg.solve_triangular)
def solve_triangular(x, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    m = triangular_masks(a, trans, lower, unit_diagonal)
    xm = np.reshape(x, solve_matrix_shape(x, b))
    bb = scipy.linalg.solve_triangular(a, np.reshape(d[x], np.shape(xm)), 1 - m[1], lower,
                                       unit_diagonal)
    if m[1]:
        d[a] = -(m[0] * (xm @ np.matrix_transpose(bb)))
    else:
        d[a] = -(m[0] * (bb @ np.matrix_transpose(xm)))
    d[b] = np.reshape(bb, np.shape(b))


@tangent(scipy.linalg.solve_triangular)
def solve_triangular_tangent(x, a, b, trans=0, lower=False, unit_diagonal=False,
                             overwrite_b=False, check_finite=True):
    m = triangular_masks(a, trans, lower, unit_diagonal)
    if m[1]:
        d[x] = -np.reshape(scipy.linalg.solve_triangular(
            a, np.matrix_transpose(m[0] * d[a]) @ np.reshape(x, solve_matrix_shape(x, b)), 1,
            lower, unit_diagonal), np.shape(x))
    else:
        d[x] = -np.reshape(scipy.linalg.solve_triangular(
            a, (m[0] * d[a]) @ np.reshape(x, solve_matrix_shape(x, b)), 0, lower,
            unit_diagonal), np.shape(x))
    d[x] = scipy.linalg.solve_triangular(a, d[b], trans, lower, unit_diagonal)


# ---------------------------------------------------------------------------------------------
# Cholesky: as np.linalg.cholesky (its rule explains the formulas), the upper factor U = L^T
# by default; the triangle read is the upper one then.

@adjoint(scipy.linalg.cholesky)
def cholesky(y, a, lower=False, overwrite_a=False, check_finite=True):
    if lower:
        lo = y
        lb = d[y]
    else:
        lo = np.matrix_transpose(y)
        lb = np.matrix_transpose(d[y])
    li = np.linalg.inv(lo)
    s = np.matrix_transpose(li) @ (triangle_mask(lo, False) * (np.matrix_transpose(lo) @ lb)) @ li
    d[a] = triangle_mask(a, not lower) * (s + np.matrix_transpose(s))


@tangent(scipy.linalg.cholesky)
def cholesky_tangent(y, a, lower=False, overwrite_a=False, check_finite=True):
    tri = triangle_mask(a, not lower)
    if lower:
        li = np.linalg.inv(y)
        d[y] = y @ (triangle_mask(y, False) * (
            li @ (tri * d[a] + np.matrix_transpose(tri * d[a])) @ np.matrix_transpose(li)))
    else:
        lo = np.matrix_transpose(y)
        li = np.linalg.inv(lo)
        d[y] = np.matrix_transpose(lo @ (triangle_mask(lo, False) * (
            li @ (tri * d[a] + np.matrix_transpose(tri * d[a])) @ np.matrix_transpose(li))))


# (c, lower) = cho_factor(a): the factor in the triangle factor_masks marks, a's own entries
# in the other (SciPy leaves them as they were), which pass their derivative straight on.
@adjoint(scipy.linalg.cho_factor, containers=True, tuple_result=True)
def cho_factor(y, a, lower=False, overwrite_a=False, check_finite=True):
    m = factor_masks(a, lower)
    if lower:
        lo = m[0] * y[0]
        lb = m[0] * d[y][0]
    else:
        lo = np.matrix_transpose(m[0] * y[0])
        lb = np.matrix_transpose(m[0] * d[y][0])
    li = np.linalg.inv(lo)
    s = np.matrix_transpose(li) @ (triangle_mask(lo, False) * (np.matrix_transpose(lo) @ lb)) @ li
    d[a] = m[1] * (s + np.matrix_transpose(s)) + copied_triangle(a, lower) * d[y][0]


@tangent(scipy.linalg.cho_factor, containers=True, tuple_result=True)
def cho_factor_tangent(y, a, lower=False, overwrite_a=False, check_finite=True):
    m = factor_masks(a, lower)
    if lower:
        lo = m[0] * y[0]
        li = np.linalg.inv(lo)
        d[y] = (lo @ (triangle_mask(lo, False) * (
            li @ (m[1] * d[a] + np.matrix_transpose(m[1] * d[a])) @ np.matrix_transpose(li)))
            + copied_triangle(a, lower) * d[a], zeros_like(y[1]))
    else:
        lo = np.matrix_transpose(m[0] * y[0])
        li = np.linalg.inv(lo)
        d[y] = (np.matrix_transpose(lo @ (triangle_mask(lo, False) * (
            li @ (m[1] * d[a] + np.matrix_transpose(m[1] * d[a])) @ np.matrix_transpose(li))))
            + copied_triangle(a, lower) * d[a], zeros_like(y[1]))


# x = cho_solve((c, lower), b) solves M x = b, M = F F^T for the lower factor F, F^T F for
# the upper one: the adjoint of M is S = -bb x^T (bb = M^-1 g), that of F (S + S^T) F
# (F (S + S^T)), kept in the factor's triangle.
@adjoint(scipy.linalg.cho_solve)
def cho_solve(x, c_and_lower, b, overwrite_b=False, check_finite=True):
    m = factor_masks(c_and_lower[0], c_and_lower[1])
    xm = np.reshape(x, solve_matrix_shape(x, b))
    bb = scipy.linalg.cho_solve(c_and_lower, np.reshape(d[x], np.shape(xm)))
    s = -(bb @ np.matrix_transpose(xm))
    if c_and_lower[1]:
        d[c_and_lower] = (m[0] * ((s + np.matrix_transpose(s)) @ (m[0] * c_and_lower[0])),
                          zeros_like(c_and_lower[1]))
    else:
        d[c_and_lower] = (m[0] * ((m[0] * c_and_lower[0]) @ (s + np.matrix_transpose(s))),
                          zeros_like(c_and_lower[1]))
    d[b] = np.reshape(bb, np.shape(b))


@tangent(scipy.linalg.cho_solve)
def cho_solve_tangent(x, c_and_lower, b, overwrite_b=False, check_finite=True):
    m = factor_masks(c_and_lower[0], c_and_lower[1])
    if c_and_lower[1]:
        d[x] = -np.reshape(scipy.linalg.cho_solve(c_and_lower, (
            (m[0] * d[c_and_lower][0]) @ np.matrix_transpose(m[0] * c_and_lower[0])
            + (m[0] * c_and_lower[0]) @ np.matrix_transpose(m[0] * d[c_and_lower][0]))
            @ np.reshape(x, solve_matrix_shape(x, b))), np.shape(x))
    else:
        d[x] = -np.reshape(scipy.linalg.cho_solve(c_and_lower, (
            np.matrix_transpose(m[0] * d[c_and_lower][0]) @ (m[0] * c_and_lower[0])
            + np.matrix_transpose(m[0] * c_and_lower[0]) @ (m[0] * d[c_and_lower][0]))
            @ np.reshape(x, solve_matrix_shape(x, b))), np.shape(x))
    d[x] = scipy.linalg.cho_solve(c_and_lower, d[b])


# (lu, piv) = lu_factor(a): P a = L U with L unit lower (its strict triangle in lu) and U
# upper; lu_masks gives the strictly lower mask, the identity and P.  With
# F = L^-1 P da U^-1: dL = L (low * F), dU = ((1 - low) * F) U.
@adjoint(scipy.linalg.lu_factor, containers=True, tuple_result=True)
def lu_factor(y, a, overwrite_a=False, check_finite=True):
    m = lu_masks(y[0], y[1])
    lo = m[0] * y[0] + m[1]
    up = (1.0 - m[0]) * y[0]
    gf = (m[0] * (np.matrix_transpose(lo) @ d[y][0])
          + (1.0 - m[0]) * (d[y][0] @ np.matrix_transpose(up)))
    d[a] = np.matrix_transpose(m[2]) @ np.matrix_transpose(np.linalg.inv(lo)) @ gf \
        @ np.matrix_transpose(np.linalg.inv(up))


@tangent(scipy.linalg.lu_factor, containers=True, tuple_result=True)
def lu_factor_tangent(y, a, overwrite_a=False, check_finite=True):
    m = lu_masks(y[0], y[1])
    lo = m[0] * y[0] + m[1]
    up = (1.0 - m[0]) * y[0]
    li = np.linalg.inv(lo) @ m[2]
    ui = np.linalg.inv(up)
    d[y] = (lo @ (m[0] * (li @ d[a] @ ui)) + ((1.0 - m[0]) * (li @ d[a] @ ui)) @ up,
            zeros_like(y[1]))


# x = lu_solve((lu, piv), b, trans) solves A x = b (A^T x = b), A = P^T L U: the adjoint of A
# is S = -bb x^T (-x bb^T), that of L P S U^T and that of U L^T P S, packed as in lu.
@adjoint(scipy.linalg.lu_solve)
def lu_solve(x, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    m = lu_masks(lu_and_piv[0], lu_and_piv[1])
    t = triangular_masks(lu_and_piv[0], trans)
    xm = np.reshape(x, solve_matrix_shape(x, b))
    bb = scipy.linalg.lu_solve(lu_and_piv, np.reshape(d[x], np.shape(xm)), 1 - t[1])
    if t[1]:
        ps = -(m[2] @ xm @ np.matrix_transpose(bb))
    else:
        ps = -(m[2] @ bb @ np.matrix_transpose(xm))
    d[lu_and_piv] = (m[0] * (ps @ np.matrix_transpose((1.0 - m[0]) * lu_and_piv[0]))
                     + (1.0 - m[0]) * (np.matrix_transpose(m[0] * lu_and_piv[0] + m[1]) @ ps),
                     zeros_like(lu_and_piv[1]))
    d[b] = np.reshape(bb, np.shape(b))


@tangent(scipy.linalg.lu_solve)
def lu_solve_tangent(x, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    m = lu_masks(lu_and_piv[0], lu_and_piv[1])
    t = triangular_masks(lu_and_piv[0], trans)
    if t[1]:
        d[x] = -np.reshape(scipy.linalg.lu_solve(lu_and_piv, np.matrix_transpose(
            np.matrix_transpose(m[2]) @ ((m[0] * d[lu_and_piv][0]) @ ((1.0 - m[0]) * lu_and_piv[0])
                                         + (m[0] * lu_and_piv[0] + m[1])
                                         @ ((1.0 - m[0]) * d[lu_and_piv][0])))
            @ np.reshape(x, solve_matrix_shape(x, b)), trans), np.shape(x))
    else:
        d[x] = -np.reshape(scipy.linalg.lu_solve(lu_and_piv, (
            np.matrix_transpose(m[2]) @ ((m[0] * d[lu_and_piv][0]) @ ((1.0 - m[0]) * lu_and_piv[0])
                                         + (m[0] * lu_and_piv[0] + m[1])
                                         @ ((1.0 - m[0]) * d[lu_and_piv][0])))
            @ np.reshape(x, solve_matrix_shape(x, b)), trans), np.shape(x))
    d[x] = scipy.linalg.lu_solve(lu_and_piv, d[b], trans)


# ---------------------------------------------------------------------------------------------
# Eigenvalues and singular values: np.linalg.eigh's and svd's rules (distinct eigenvalues,
# distinct nonzero singular values), for SciPy's signatures.  eigh reads the lower triangle
# by default, as np.linalg.eigh does.

@adjoint(scipy.linalg.eigh, tuple_result=True)
def eigh(y, a, b=None, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    tri = triangle_mask(a, eigh_uplo(lower, b, type, subset_by_index, subset_by_value))
    if eigvals_only:
        v = np.linalg.eigh(a, eigh_uplo(lower))[1]
        s = (v * d[y][..., None, :]) @ np.matrix_transpose(v)
    else:
        eye = linalg_eye(y[0])
        f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
        s = y[1] @ (f * (np.matrix_transpose(y[1]) @ d[y][1])
                    + np.einsum("...i,ij->...ij", d[y][0], eye)) @ np.matrix_transpose(y[1])
    d[a] = linalg_cast(tri * (s + np.matrix_transpose(s)), a)


@tangent(scipy.linalg.eigh, tuple_result=True)
def eigh_tangent(y, a, b=None, lower=True, eigvals_only=False, overwrite_a=False,
                 overwrite_b=False, type=1, check_finite=True, subset_by_index=None,
                 subset_by_value=None, driver=None):
    tri = triangle_mask(a, eigh_uplo(lower, b, type, subset_by_index, subset_by_value))
    if eigvals_only:
        v = np.linalg.eigh(a, eigh_uplo(lower))[1]
        d[y] = 2 * np.einsum("...ki,...ki->...i", v, (tri * d[a]) @ v)
    else:
        eye = linalg_eye(y[0])
        f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
        d[y] = (2 * np.einsum("...ki,...ki->...i", y[1], (tri * d[a]) @ y[1]),
                y[1] @ (f * (np.matrix_transpose(y[1])
                             @ (tri * d[a] + np.matrix_transpose(tri * d[a])) @ y[1])))


@adjoint(scipy.linalg.eigvalsh)
def eigvalsh(y, a, b=None, lower=True, overwrite_a=False, overwrite_b=False, type=1,
             check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    tri = triangle_mask(a, eigh_uplo(lower, b, type, subset_by_index, subset_by_value))
    v = np.linalg.eigh(a, eigh_uplo(lower))[1]
    s = (v * d[y][..., None, :]) @ np.matrix_transpose(v)
    d[a] = linalg_cast(tri * (s + np.matrix_transpose(s)), a)


@tangent(scipy.linalg.eigvalsh)
def eigvalsh_tangent(y, a, b=None, lower=True, overwrite_a=False, overwrite_b=False, type=1,
                     check_finite=True, subset_by_index=None, subset_by_value=None,
                     driver=None):
    tri = triangle_mask(a, eigh_uplo(lower, b, type, subset_by_index, subset_by_value))
    v = np.linalg.eigh(a, eigh_uplo(lower))[1]
    d[y] = 2 * np.einsum("...ki,...ki->...i", v, (tri * d[a]) @ v)


@adjoint(scipy.linalg.svd, tuple_result=True)
def svd(y, a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):
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
        usv = np.linalg.svd(real_matrix(a, "scipy.linalg.svd"), full_matrices=False)
        d[a] = linalg_cast((usv[0] * d[y][..., None, :]) @ usv[2], a)


@tangent(scipy.linalg.svd, tuple_result=True)
def svd_tangent(y, a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
                lapack_driver="gesdd"):
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
        usv = np.linalg.svd(real_matrix(a, "scipy.linalg.svd"), full_matrices=False)
        d[y] = np.einsum("...ki,...ki->...i", usv[0], d[a] @ np.matrix_transpose(usv[2]))


@adjoint(scipy.linalg.svdvals)
def svdvals(y, a, overwrite_a=False, check_finite=True):
    usv = np.linalg.svd(real_matrix(a, "scipy.linalg.svdvals"), full_matrices=False)
    d[a] = linalg_cast((usv[0] * d[y][..., None, :]) @ usv[2], a)


@tangent(scipy.linalg.svdvals)
def svdvals_tangent(y, a, overwrite_a=False, check_finite=True):
    usv = np.linalg.svd(real_matrix(a, "scipy.linalg.svdvals"), full_matrices=False)
    d[y] = np.einsum("...ki,...ki->...i", usv[0], d[a] @ np.matrix_transpose(usv[2]))


# pinv of a matrix of full rank, as np.linalg.pinv; pinvh reads one triangle of a symmetric
# matrix (the lower one by default).
@adjoint(scipy.linalg.pinv)
def pinv(y, a, atol=None, rtol=None, return_rank=False, check_finite=True):
    p = pinv_only(y, return_rank)
    pt = np.matrix_transpose(p)
    z = np.matrix_transpose(d[y]) @ (p @ pt)
    u = (pt @ p) @ np.matrix_transpose(d[y])
    d[a] = linalg_cast(-(pt @ d[y] @ pt) + z - a @ (p @ z) + u - (u @ p) @ a, a)


@tangent(scipy.linalg.pinv)
def pinv_tangent(y, a, atol=None, rtol=None, return_rank=False, check_finite=True):
    p = pinv_only(y, return_rank)
    pt = np.matrix_transpose(p)
    q = p @ (pt @ np.matrix_transpose(d[a]))
    r = np.matrix_transpose(d[a]) @ (pt @ p)
    d[y] = -(p @ d[a] @ p) + q - (q @ a) @ p + r - p @ (a @ r)


@adjoint(scipy.linalg.pinvh)
def pinvh(y, a, atol=None, rtol=None, lower=True, return_rank=False, check_finite=True):
    p = pinv_only(y, return_rank)
    tri = triangle_mask(a, not lower)
    sym = tri * a + np.matrix_transpose(tri * a)
    gt = np.matrix_transpose(d[y])
    s = -(p @ d[y] @ p) + gt @ (p @ p) - sym @ (p @ (gt @ (p @ p))) + (p @ p) @ gt \
        - ((p @ p) @ gt @ p) @ sym
    d[a] = linalg_cast(tri * (s + np.matrix_transpose(s)), a)


@tangent(scipy.linalg.pinvh)
def pinvh_tangent(y, a, atol=None, rtol=None, lower=True, return_rank=False,
                  check_finite=True):
    p = pinv_only(y, return_rank)
    tri = triangle_mask(a, not lower)
    sym = tri * a + np.matrix_transpose(tri * a)
    q = (p @ p) @ (tri * d[a] + np.matrix_transpose(tri * d[a]))
    r = (tri * d[a] + np.matrix_transpose(tri * d[a])) @ (p @ p)
    d[y] = -(p @ (tri * d[a] + np.matrix_transpose(tri * d[a])) @ p) + q - (q @ sym) @ p + r \
        - p @ (sym @ r)


@adjoint(pinv_only)
def pinv_only_adjoint(r, y, return_rank=False):
    d[y] = d[r]


@tangent(pinv_only)
def pinv_only_tangent(r, y, return_rank=False):
    d[r] = d[y]


@adjoint(scipy.linalg.norm)
def norm(y, a, ord=None, axis=None, keepdims=False, check_finite=True):
    d[a] = linalg_cast(unreduce(d[y], a, axis, keepdims) * norm_gradient(a, ord, axis), a)


@tangent(scipy.linalg.norm)
def norm_tangent(y, a, ord=None, axis=None, keepdims=False, check_finite=True):
    d[y] = np.sum(d[a] * norm_gradient(a, ord, axis), axis=axis, keepdims=keepdims)


# ---------------------------------------------------------------------------------------------
# Matrix functions, by the block matrix [[A, E], [0, A]] (matrix_power_blocks builds it with
# np.kron, for a matrix or a stack).

@adjoint(scipy.linalg.expm)
def expm(y, A):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.expm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.expm)
def expm_tangent(y, A):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.expm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


@adjoint(scipy.linalg.logm)
def logm(y, A, disp=True):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.logm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.logm)
def logm_tangent(y, A, disp=True):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.logm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


@adjoint(scipy.linalg.sqrtm)
def sqrtm(y, A, disp=True, blocksize=64):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.sqrtm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.sqrtm)
def sqrtm_tangent(y, A, disp=True, blocksize=64):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.sqrtm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


@adjoint(scipy.linalg.cosm)
def cosm(y, A):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.cosm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.cosm)
def cosm_tangent(y, A):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.cosm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


@adjoint(scipy.linalg.sinm)
def sinm(y, A):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.sinm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.sinm)
def sinm_tangent(y, A):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.sinm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


@adjoint(scipy.linalg.tanm)
def tanm(y, A):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.tanm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.tanm)
def tanm_tangent(y, A):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.tanm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


@adjoint(scipy.linalg.coshm)
def coshm(y, A):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.coshm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.coshm)
def coshm_tangent(y, A):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.coshm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


@adjoint(scipy.linalg.sinhm)
def sinhm(y, A):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.sinhm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.sinhm)
def sinhm_tangent(y, A):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.sinhm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


@adjoint(scipy.linalg.tanhm)
def tanhm(y, A):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.tanhm(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]))[blocks[2]], A)


@tangent(scipy.linalg.tanhm)
def tanhm_tangent(y, A):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.tanhm(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]))[blocks[2]], A)


# A**t for a real power t (a constant of the derivative).
@adjoint(scipy.linalg.fractional_matrix_power)
def fractional_matrix_power(y, A, t):
    blocks = matrix_power_blocks(A)
    d[A] = matrix_function_cast(scipy.linalg.fractional_matrix_power(
        np.kron(blocks[0], np.matrix_transpose(A)) + np.kron(blocks[1], d[y]), t)[blocks[2]], A)


@tangent(scipy.linalg.fractional_matrix_power)
def fractional_matrix_power_tangent(y, A, t):
    blocks = matrix_power_blocks(A)
    d[y] = matrix_function_cast(scipy.linalg.fractional_matrix_power(
        np.kron(blocks[0], A) + np.kron(blocks[1], d[A]), t)[blocks[2]], A)


@adjoint(matrix_function_cast)
def matrix_function_cast_adjoint(r, t, x):
    d[t] = matrix_function_cast(d[r], t)


@tangent(matrix_function_cast)
def matrix_function_cast_tangent(r, t, x):
    d[r] = matrix_function_cast(d[t], x)


# ---------------------------------------------------------------------------------------------
# Matrix equations.  A X + X B = Q: dX solves A dX + dX B = dQ - dA X - X dB, and the adjoint
# of Q is the solution of A^T Y + Y B^T = G.

@adjoint(scipy.linalg.solve_sylvester)
def solve_sylvester(x, a, b, q):
    gq = scipy.linalg.solve_sylvester(np.matrix_transpose(a), np.matrix_transpose(b), d[x])
    d[a] = -(gq @ np.matrix_transpose(x))
    d[b] = -(np.matrix_transpose(x) @ gq)
    d[q] = gq


@tangent(scipy.linalg.solve_sylvester)
def solve_sylvester_tangent(x, a, b, q):
    d[x] = scipy.linalg.solve_sylvester(a, b, -(d[a] @ x))
    d[x] = scipy.linalg.solve_sylvester(a, b, -(x @ d[b]))
    d[x] = scipy.linalg.solve_sylvester(a, b, d[q])


# A X + X A^T = Q.
@adjoint(scipy.linalg.solve_continuous_lyapunov)
def solve_continuous_lyapunov(x, a, q):
    gq = scipy.linalg.solve_continuous_lyapunov(
        np.matrix_transpose(real_matrix(a, "scipy.linalg.solve_continuous_lyapunov")), d[x])
    d[a] = -(gq @ np.matrix_transpose(x) + np.matrix_transpose(gq) @ x)
    d[q] = gq


@tangent(scipy.linalg.solve_continuous_lyapunov)
def solve_continuous_lyapunov_tangent(x, a, q):
    d[x] = scipy.linalg.solve_continuous_lyapunov(
        real_matrix(a, "scipy.linalg.solve_continuous_lyapunov"),
        -(d[a] @ x + x @ np.matrix_transpose(d[a])))
    d[x] = scipy.linalg.solve_continuous_lyapunov(
        real_matrix(a, "scipy.linalg.solve_continuous_lyapunov"), d[q])


# A X A^T - X + Q = 0.
@adjoint(scipy.linalg.solve_discrete_lyapunov)
def solve_discrete_lyapunov(x, a, q, method=None):
    gq = scipy.linalg.solve_discrete_lyapunov(
        np.matrix_transpose(real_matrix(a, "scipy.linalg.solve_discrete_lyapunov")), d[x], method)
    d[a] = gq @ a @ np.matrix_transpose(x) + np.matrix_transpose(gq) @ a @ x
    d[q] = gq


@tangent(scipy.linalg.solve_discrete_lyapunov)
def solve_discrete_lyapunov_tangent(x, a, q, method=None):
    d[x] = scipy.linalg.solve_discrete_lyapunov(
        real_matrix(a, "scipy.linalg.solve_discrete_lyapunov"),
        d[a] @ x @ np.matrix_transpose(a) + a @ x @ np.matrix_transpose(d[a]), method)
    d[x] = scipy.linalg.solve_discrete_lyapunov(
        real_matrix(a, "scipy.linalg.solve_discrete_lyapunov"), d[q], method)


# ---------------------------------------------------------------------------------------------
# Structured matrices: entries copied from c and r (structured_layout: where from), whose
# adjoints add up the entries each element went to.

@adjoint(scipy.linalg.toeplitz)
def toeplitz(y, c, r=None):
    at = structured_layout("toeplitz", c, r)
    if r is None:
        d[c] = unindex(at[1] * d[y], c, at[0]) + unindex(at[3] * d[y], c, at[2])
    else:
        d[c] = unindex(at[1] * d[y], c, at[0])
        d[r] = unindex(at[3] * d[y], r, at[2])


@tangent(scipy.linalg.toeplitz)
def toeplitz_tangent(y, c, r=None):
    at = structured_layout("toeplitz", c, r)
    if r is None:
        d[y] = at[1] * d[c][at[0]] + at[3] * d[c][at[2]]
    else:
        d[y] = at[1] * d[c][at[0]]
        d[y] = at[3] * d[r][at[2]]


@adjoint(scipy.linalg.hankel)
def hankel(y, c, r=None):
    at = structured_layout("hankel", c, r)
    d[c] = unindex(at[1] * d[y], c, at[0])
    d[r] = unindex(at[3] * d[y], r, at[2])


@tangent(scipy.linalg.hankel)
def hankel_tangent(y, c, r=None):
    at = structured_layout("hankel", c, r)
    d[y] = at[1] * d[c][at[0]]
    d[y] = at[3] * d[r][at[2]]


@adjoint(scipy.linalg.circulant)
def circulant(y, c):
    d[c] = unindex(d[y], c, structured_layout("circulant", c)[0])


@tangent(scipy.linalg.circulant)
def circulant_tangent(y, c):
    d[y] = d[c][structured_layout("circulant", c)[0]]


# Column k of khatri_rao(a, b) is kron(a[:, k], b[:, k]).
@adjoint(scipy.linalg.khatri_rao)
def khatri_rao(y, a, b):
    d[a] = np.einsum("ipk,pk->ik", np.reshape(d[y], (np.shape(a)[0], np.shape(b)[0], -1)), b)
    d[b] = np.einsum("ipk,ik->pk", np.reshape(d[y], (np.shape(a)[0], np.shape(b)[0], -1)), a)


@tangent(scipy.linalg.khatri_rao)
def khatri_rao_tangent(y, a, b):
    d[y] = scipy.linalg.khatri_rao(d[a], b)
    d[y] = scipy.linalg.khatri_rao(a, d[b])


# scipy.linalg.eigvals: np.linalg.eigvals's rule (SciPy returns the eigenvalues as complex
# numbers: they must be real, with zero imaginary parts, and distinct).
@adjoint(scipy.linalg.eigvals)
def eigvals(y, a, b=None, *, overwrite_a=False, overwrite_b=False, check_finite=True,
            homogeneous_eigvals=False):  # the flags by name (SciPy 1.18 added overwrite_b)
    v = np.linalg.eig(a)[1]
    d[a] = linalg_cast(np.matrix_transpose(np.linalg.inv(v)) @ np.einsum(
        "...i,ij->...ij", d[y], eigvals_eye(y, b, homogeneous_eigvals)) @ np.matrix_transpose(v),
        a)


@tangent(scipy.linalg.eigvals)
def eigvals_tangent(y, a, b=None, *, overwrite_a=False, overwrite_b=False, check_finite=True,
                    homogeneous_eigvals=False):
    v = np.linalg.eig(a)[1]
    d[y] = np.einsum("...ij,ji->...i", np.linalg.inv(v) @ d[a] @ v,
                     eigvals_eye(y, b, homogeneous_eigvals))


# scipy.linalg.qr: np.linalg.qr's rule (mode="economic", or "full" for square matrices).
@adjoint(scipy.linalg.qr, tuple_result=True)
def qr(y, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    low = scipy_qr_mask(a, mode, pivoting)
    x = ((1.0 - low) * d[y][1]) @ np.matrix_transpose(y[1]) - np.matrix_transpose(y[0]) @ d[y][0]
    g = x - low * (x - np.matrix_transpose(x))
    d[a] = linalg_cast((d[y][0] + y[0] @ g) @ np.matrix_transpose(np.linalg.inv(y[1])), a)


@tangent(scipy.linalg.qr, tuple_result=True)
def qr_tangent(y, a, overwrite_a=False, lwork=None, mode="full", pivoting=False,
               check_finite=True):
    low = scipy_qr_mask(a, mode, pivoting)
    ri = np.linalg.inv(y[1])
    c = np.matrix_transpose(y[0]) @ d[a] @ ri
    o = low * c - np.matrix_transpose(low * c)
    d[y] = (y[0] @ o + d[a] @ ri - y[0] @ c, (c - o) @ y[1])


# scipy.linalg.lstsq: np.linalg.lstsq's rule (x = pinv(a) b at full rank), with SciPy's
# residues: a 0-d array for a vector b (NumPy's has one element).  lstsq_full refuses the
# driver 'gelsy' (no singular values).
@adjoint(scipy.linalg.lstsq, containers=True, tuple_result=True)
def scipy_lstsq(y, a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True,
                lapack_driver=None):
    pa = np.linalg.pinv(real_matrix(a, "scipy.linalg.lstsq"))
    xm = np.reshape(y[0], solve_matrix_shape(y[0], b))
    bm = np.reshape(b, solve_matrix_shape(b, b))
    gr = 2.0 * (bm - a @ xm) * residual_gate(d[y][1], y[1], 0.0)
    gy = np.reshape(d[y][0], np.shape(xm)) @ np.matrix_transpose(bm)
    pt = np.matrix_transpose(pa)
    z = np.matrix_transpose(gy) @ (pa @ pt)
    u = (pt @ pa) @ np.matrix_transpose(gy)
    usv = np.linalg.svd(a, full_matrices=lstsq_full(lapack_driver))
    d[a] = linalg_cast(-(pt @ gy @ pt) + z - a @ (pa @ z) + u - (u @ pa) @ a
                       - gr @ np.matrix_transpose(xm) + (usv[0] * d[y][3][..., None, :]) @ usv[2],
                       a)
    d[b] = linalg_cast(np.reshape(pt @ np.reshape(d[y][0], np.shape(xm)) + gr, np.shape(b)), b)


@tangent(scipy.linalg.lstsq, containers=True, tuple_result=True)
def scipy_lstsq_tangent(y, a, b, cond=None, overwrite_a=False, overwrite_b=False,
                        check_finite=True, lapack_driver=None):
    pa = np.linalg.pinv(real_matrix(a, "scipy.linalg.lstsq"))
    xm = np.reshape(y[0], solve_matrix_shape(y[0], b))
    bm = np.reshape(b, solve_matrix_shape(b, b))
    pt = np.matrix_transpose(pa)
    p = pa @ (pt @ np.matrix_transpose(d[a]))
    q = np.matrix_transpose(d[a]) @ (pt @ pa)
    usv = np.linalg.svd(a, full_matrices=lstsq_full(lapack_driver))
    d[y] = (np.reshape((-(pa @ d[a] @ pa) + p - (p @ a) @ pa + q - pa @ (a @ q)) @ bm,
                       np.shape(y[0])),
            residual_gate(-2.0 * np.sum(np.reshape((bm - a @ xm) * (d[a] @ xm), np.shape(b)),
                                        axis=0), y[1], y[1]),
            zeros_like(y[2]),
            np.einsum("...ki,...ki->...i", usv[0], d[a] @ np.matrix_transpose(usv[2])))
    d[y] = (np.reshape(pa @ np.reshape(d[b], np.shape(bm)), np.shape(y[0])),
            residual_gate(2.0 * np.sum(np.reshape((bm - a @ xm) * np.reshape(d[b], np.shape(bm)),
                                                  np.shape(b)), axis=0), y[1], y[1]),
            zeros_like(y[2]), zeros_like(y[3]))


# Structured matrices linear in their vectors: diagsvd, leslie, convolution_matrix; and
# companion, whose first row is -a[1:] / a[0] (ones below the diagonal).
@adjoint(scipy.linalg.diagsvd)
def diagsvd(y, s, M, N):
    d[s] = np.diagonal(d[y])


@tangent(scipy.linalg.diagsvd)
def diagsvd_tangent(y, s, M, N):
    d[y] = scipy.linalg.diagsvd(d[s], M, N)


@adjoint(scipy.linalg.leslie)
def leslie(y, f, s):
    d[f] = d[y][..., 0, :]
    d[s] = np.diagonal(d[y][..., 1:, :-1], axis1=-2, axis2=-1)


@tangent(scipy.linalg.leslie)
def leslie_tangent(y, f, s):
    d[y] = scipy.linalg.leslie(d[f], zeros_like(s))
    d[y] = scipy.linalg.leslie(zeros_like(f), d[s])


@adjoint(scipy.linalg.convolution_matrix)
def convolution_matrix(y, a, n, mode="full"):
    at = convolution_layout(scipy.linalg.convolution_matrix(np.arange(1.0, np.size(a) + 1.0),
                                                            n, mode), a)
    d[a] = unindex(at[1] * d[y], a, at[0])


@tangent(scipy.linalg.convolution_matrix)
def convolution_matrix_tangent(y, a, n, mode="full"):
    d[y] = scipy.linalg.convolution_matrix(d[a], n, mode)


@adjoint(scipy.linalg.companion)
def companion(y, a):
    g = d[y][..., 0, :]
    d[a] = np.concatenate([np.sum(g * a[..., 1:], axis=-1, keepdims=True) / a[..., :1] ** 2,
                           -g / a[..., :1]], axis=-1)


@tangent(scipy.linalg.companion)
def companion_tangent(y, a):
    d[y] = linalg_cast(-np.eye(np.shape(a)[-1] - 1, 1) * (
        d[a][..., 1:] / a[..., :1] - a[..., 1:] * d[a][..., :1] / a[..., :1] ** 2)[..., None, :],
        a)


# x = C^-1 b for the circulant matrix C = circulant(c): dx = C^-1 (db - circulant(dc) x); the
# adjoint solves with C^T = circulant(c[t]) and spreads -g_b x^T back over c.
@adjoint(scipy.linalg.solve_circulant)
def solve_circulant(y, c, b, singular="raise", tol=None, caxis=-1, baxis=0, outaxis=0):
    at = circulant_check(c, caxis, baxis, outaxis)
    gb = scipy.linalg.solve_circulant(c[at[0]], d[y])
    d[b] = gb
    d[c] = unindex(-(np.reshape(gb, (np.size(c), -1))
                     @ np.matrix_transpose(np.reshape(y, (np.size(c), -1)))), c, at[1])


@tangent(scipy.linalg.solve_circulant)
def solve_circulant_tangent(y, c, b, singular="raise", tol=None, caxis=-1, baxis=0, outaxis=0):
    at = circulant_check(c, caxis, baxis, outaxis)
    d[y] = scipy.linalg.solve_circulant(c, d[b])
    d[y] = -scipy.linalg.solve_circulant(c, d[c][at[1]] @ y)


# lu: a = P L U (square); with F = (P L)^-1 da U^-1, dL = L (low * F) and dU = ((1 - low) * F)
# U; permute_l returns P L, whose derivative is P L (low * F).  The adjoint of F is
# H = low * (L^T g_L) + (1 - low) * (g_U U^T), that of a (P L)^-T H U^-T.
@adjoint(scipy.linalg.lu, containers=True, tuple_result=True)
def lu(y, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    low = lu_mask(a, p_indices)
    if permute_l:
        d[a] = np.matrix_transpose(np.linalg.inv(y[0])) @ (
            low * (np.matrix_transpose(y[0]) @ d[y][0])
            + (1.0 - low) * (d[y][1] @ np.matrix_transpose(y[1]))) \
            @ np.matrix_transpose(np.linalg.inv(y[1]))
    else:
        d[a] = np.matrix_transpose(np.linalg.inv(y[0] @ y[1])) @ (
            low * (np.matrix_transpose(y[1]) @ d[y][1])
            + (1.0 - low) * (d[y][2] @ np.matrix_transpose(y[2]))) \
            @ np.matrix_transpose(np.linalg.inv(y[2]))


@tangent(scipy.linalg.lu, containers=True, tuple_result=True)
def lu_tangent(y, a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    low = lu_mask(a, p_indices)
    if permute_l:
        d[y] = (y[0] @ (low * (np.linalg.inv(y[0]) @ d[a] @ np.linalg.inv(y[1]))),
                ((1.0 - low) * (np.linalg.inv(y[0]) @ d[a] @ np.linalg.inv(y[1]))) @ y[1])
    else:
        d[y] = (zeros_like(y[0]),
                y[1] @ (low * (np.linalg.inv(y[0] @ y[1]) @ d[a] @ np.linalg.inv(y[2]))),
                ((1.0 - low) * (np.linalg.inv(y[0] @ y[1]) @ d[a] @ np.linalg.inv(y[2])))
                @ y[2])


# expm_frechet(A, E) = L(A, E), the upper right block of expm([[A, E], [0, A]]) = expm(M): linear
# in E (adjoint L(A^T, G)); along dA it changes by the upper right block of
# L(M, [[dA, 0], [0, dA]]), whose adjoint takes the diagonal blocks of L(M^T, [[0, G], [0, 0]]).
@adjoint(scipy.linalg.expm_frechet, tuple_result=True)
def expm_frechet(y, A, E, method=None, compute_expm=True, check_finite=True):
    n = np.shape(A)[-1]
    mt = np.block([[np.matrix_transpose(A), zeros_like(A)], [np.matrix_transpose(E),
                                                             np.matrix_transpose(A)]])
    if compute_expm:
        w = scipy.linalg.expm_frechet(mt, np.block([[zeros_like(A), d[y][1]],
                                                    [zeros_like(A), zeros_like(A)]]),
                                      compute_expm=False)
        d[A] = scipy.linalg.expm_frechet(np.matrix_transpose(A), d[y][0], compute_expm=False) \
            + w[:n, :n] + w[n:, n:]
        d[E] = scipy.linalg.expm_frechet(np.matrix_transpose(A), d[y][1], compute_expm=False)
    else:
        w = scipy.linalg.expm_frechet(mt, np.block([[zeros_like(A), d[y]],
                                                    [zeros_like(A), zeros_like(A)]]),
                                      compute_expm=False)
        d[A] = w[:n, :n] + w[n:, n:]
        d[E] = scipy.linalg.expm_frechet(np.matrix_transpose(A), d[y], compute_expm=False)


@tangent(scipy.linalg.expm_frechet, tuple_result=True)
def expm_frechet_tangent(y, A, E, method=None, compute_expm=True, check_finite=True):
    n = np.shape(A)[-1]
    m = np.block([[A, E], [zeros_like(A), A]])
    if compute_expm:
        d[y] = (scipy.linalg.expm_frechet(A, d[A], compute_expm=False),
                scipy.linalg.expm_frechet(m, np.block([[d[A], zeros_like(A)],
                                                       [zeros_like(A), d[A]]]),
                                          compute_expm=False)[:n, n:])
        d[y] = (zeros_like(y[0]), scipy.linalg.expm_frechet(A, d[E], compute_expm=False))
    else:
        d[y] = scipy.linalg.expm_frechet(m, np.block([[d[A], zeros_like(A)],
                                                      [zeros_like(A), d[A]]]),
                                         compute_expm=False)[:n, n:]
        d[y] = scipy.linalg.expm_frechet(A, d[E], compute_expm=False)


# polar (square, invertible): a = U P gives U^T da - da^T U = W P + P W for dU = U W (W
# skew), and dP = U^T da - W P; the Sylvester operator W -> P W + W P is self-adjoint.  The
# left decomposition a = P U is the right one of a^T (transposed).
@adjoint(scipy.linalg.polar, containers=True, tuple_result=True)
def polar(y, a, side="right"):
    if polar_left(a, side):
        gc = scipy.linalg.solve_sylvester(y[1], y[1], y[0] @ np.matrix_transpose(d[y][0])
                                          - d[y][1] @ y[1])
        d[a] = (np.matrix_transpose(gc) - gc + np.matrix_transpose(d[y][1])) @ y[0]
    else:
        gc = scipy.linalg.solve_sylvester(y[1], y[1], np.matrix_transpose(y[0]) @ d[y][0]
                                          - d[y][1] @ y[1])
        d[a] = y[0] @ (gc - np.matrix_transpose(gc) + d[y][1])


@tangent(scipy.linalg.polar, containers=True, tuple_result=True)
def polar_tangent(y, a, side="right"):
    if polar_left(a, side):
        w = scipy.linalg.solve_sylvester(y[1], y[1], y[0] @ np.matrix_transpose(d[a])
                                         - d[a] @ np.matrix_transpose(y[0]))
        d[y] = (-(w @ y[0]), y[0] @ np.matrix_transpose(d[a]) - w @ y[1])
    else:
        w = scipy.linalg.solve_sylvester(y[1], y[1], np.matrix_transpose(y[0]) @ d[a]
                                         - np.matrix_transpose(d[a]) @ y[0])
        d[y] = (y[0] @ w, np.matrix_transpose(y[0]) @ d[a] - w @ y[1])


# orthogonal_procrustes(A, B) = (U, trace P) for the polar decomposition U P of M = A^T B
# (square, invertible): polar's rule, and d trace P = trace(U^T dM) (W P has no trace).
@adjoint(scipy.linalg.orthogonal_procrustes, containers=True, tuple_result=True)
def orthogonal_procrustes(y, A, B, check_finite=True):
    up = scipy.linalg.polar(
        np.matrix_transpose(real_matrix(A, "scipy.linalg.orthogonal_procrustes")) @ B)
    gc = scipy.linalg.solve_sylvester(up[1], up[1], np.matrix_transpose(up[0]) @ d[y][0]
                                      - d[y][1] * up[1])
    d[A] = B @ np.matrix_transpose(up[0] @ (gc - np.matrix_transpose(gc)) + d[y][1] * up[0])
    d[B] = A @ (up[0] @ (gc - np.matrix_transpose(gc)) + d[y][1] * up[0])


@tangent(scipy.linalg.orthogonal_procrustes, containers=True, tuple_result=True)
def orthogonal_procrustes_tangent(y, A, B, check_finite=True):
    up = scipy.linalg.polar(
        np.matrix_transpose(real_matrix(A, "scipy.linalg.orthogonal_procrustes")) @ B)
    d[y] = (y[0] @ scipy.linalg.solve_sylvester(
        up[1], up[1], np.matrix_transpose(y[0]) @ np.matrix_transpose(d[A]) @ B
        - np.matrix_transpose(B) @ d[A] @ y[0]),
        np.trace(np.matrix_transpose(y[0]) @ np.matrix_transpose(d[A]) @ B))
    d[y] = (y[0] @ scipy.linalg.solve_sylvester(
        up[1], up[1], np.matrix_transpose(y[0]) @ np.matrix_transpose(A) @ d[B]
        - np.matrix_transpose(d[B]) @ A @ y[0]),
        np.trace(np.matrix_transpose(y[0]) @ np.matrix_transpose(A) @ d[B]))


# toeplitz_dense and toeplitz_parts (the Toeplitz matrix of c or (c, r), and spreading a
# matrix back over c or (c, r)) are linear and each other's adjoints.
@adjoint(toeplitz_dense, containers=True)
def toeplitz_dense_adjoint(t, c_or_cr):
    d[c_or_cr] = toeplitz_parts(d[t], c_or_cr)


@tangent(toeplitz_dense, containers=True)
def toeplitz_dense_tangent(t, c_or_cr):
    d[t] = toeplitz_dense(d[c_or_cr])


@adjoint(toeplitz_parts, containers=True)
def toeplitz_parts_adjoint(p, g, c_or_cr):
    d[g] = toeplitz_dense(d[p])


@tangent(toeplitz_parts, containers=True)
def toeplitz_parts_tangent(p, g, c_or_cr):
    d[p] = toeplitz_parts(d[g], c_or_cr)


# x = T^-1 b for T = toeplitz(c_or_cr): dx = T^-1 (db - dT x); the adjoint solves with T^T
# (densely) and spreads -g_b x^T back over c_or_cr.  matmul_toeplitz: y = T x.
@adjoint(scipy.linalg.solve_toeplitz, containers=True)
def solve_toeplitz(y, c_or_cr, b, check_finite=True):
    gb = np.linalg.solve(np.matrix_transpose(toeplitz_dense(c_or_cr)),
                         np.reshape(d[y], solve_matrix_shape(y, b)))
    d[b] = np.reshape(gb, np.shape(b))
    d[c_or_cr] = toeplitz_parts(-(gb @ np.matrix_transpose(
        np.reshape(y, solve_matrix_shape(y, b)))), c_or_cr)


@tangent(scipy.linalg.solve_toeplitz, containers=True)
def solve_toeplitz_tangent(y, c_or_cr, b, check_finite=True):
    d[y] = scipy.linalg.solve_toeplitz(c_or_cr, d[b])
    d[y] = -scipy.linalg.solve_toeplitz(c_or_cr, toeplitz_dense(d[c_or_cr]) @ y)


@adjoint(scipy.linalg.matmul_toeplitz, containers=True)
def matmul_toeplitz(y, c_or_cr, x, check_finite=False, workers=None):
    d[x] = np.matrix_transpose(toeplitz_dense(c_or_cr)) @ d[y]
    d[c_or_cr] = toeplitz_parts(np.reshape(d[y], (np.shape(y)[0], -1)) @ np.matrix_transpose(
        np.reshape(x, (np.shape(x)[0], -1))), c_or_cr)


@tangent(scipy.linalg.matmul_toeplitz, containers=True)
def matmul_toeplitz_tangent(y, c_or_cr, x, check_finite=False, workers=None):
    d[y] = scipy.linalg.matmul_toeplitz(c_or_cr, d[x], check_finite, workers)
    d[y] = toeplitz_dense(d[c_or_cr]) @ x


# banded_dense (the matrix of banded storage ab) and banded_parts (a matrix back in banded
# storage) are linear in ab and g, and each other's adjoints.  solve_banded: x = A^-1 b,
# dx = A^-1 (db - dA x), through the dense matrix for the adjoint.
@adjoint(banded_dense)
def banded_dense_adjoint(t, l_and_u, ab):
    d[ab] = banded_parts(d[t], l_and_u, ab)


@tangent(banded_dense)
def banded_dense_tangent(t, l_and_u, ab):
    d[t] = banded_dense(l_and_u, d[ab])


@adjoint(banded_parts)
def banded_parts_adjoint(p, g, l_and_u, ab):
    d[g] = banded_dense(l_and_u, d[p])


@tangent(banded_parts)
def banded_parts_tangent(p, g, l_and_u, ab):
    d[p] = banded_parts(d[g], l_and_u, ab)


@adjoint(scipy.linalg.solve_banded)
def solve_banded(y, l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    gb = np.linalg.solve(np.matrix_transpose(banded_dense(l_and_u, ab)),
                         np.reshape(d[y], solve_matrix_shape(y, b)))
    d[b] = linalg_cast(np.reshape(gb, np.shape(b)), b)
    d[ab] = linalg_cast(banded_parts(-(gb @ np.matrix_transpose(
        np.reshape(y, solve_matrix_shape(y, b)))), l_and_u, ab), ab)


@tangent(scipy.linalg.solve_banded)
def solve_banded_tangent(y, l_and_u, ab, b, overwrite_ab=False, overwrite_b=False,
                         check_finite=True):
    d[y] = scipy.linalg.solve_banded(l_and_u, ab, d[b])
    d[y] = -scipy.linalg.solve_banded(l_and_u, ab, banded_dense(l_and_u, d[ab]) @ y)
