"""scipy.linalg, matrices in other forms (SciPy is optional: tangentlike/templates imports
this module only when SciPy is installed): ``block_diag`` (its arrays come as ``*arrs``),
the symmetric tridiagonal eigenproblems ``eigh_tridiagonal eigvalsh_tridiagonal`` (their
diagonal is the parameter ``d``, written ``d_`` here: see rules/rule.py's ``alias_of``), and
the Fiedler matrices ``fiedler fiedler_companion``, and symmetric banded matrices ``solveh_banded
cholesky_banded cho_solve_banded eig_banded eigvals_banded``.

The eigenvalue rules are np.linalg.eigh's (distinct eigenvalues) for the dense matrix T of
the diagonals: with S the adjoint of T, the diagonal's adjoint is S's diagonal and the
off-diagonal's the sum of S's two off-diagonals (T holds e twice).
"""
import numpy as np
import scipy.linalg

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import zeros_like
from tangentlike.runtime.linalg import (
    banded_dense,
    banded_parts,
    linalg_cast,
    linalg_eye,
    solve_matrix_shape,
    triangle_mask,
)
from tangentlike.runtime.linalg_forms import (
    band_corner,
    block_diag_parts,
    fiedler_companion_parts,
    symmetric_band,
    symmetric_from_triangle,
    tridiagonal_checked,
    tridiagonal_dense,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a tuple of arrays, new.
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(band_corner, symmetric_band)



# tridiagonal_checked(x, ...) is x, once the call is one these rules differentiate.
@adjoint(tridiagonal_checked)
def tridiagonal_checked_adjoint(r, x, d_, e, select, name):
    d[x] = d[r]


@tangent(tridiagonal_checked)
def tridiagonal_checked_tangent(r, x, d_, e, select, name):
    d[r] = d[x]


# ---------------------------------------------------------------------------------------------
# block_diag(*arrs) is linear: its adjoint cuts the diagonal blocks out of the result's
# (block_diag_parts, itself linear: block_diag is its adjoint).

@adjoint(scipy.linalg.block_diag)
def block_diag(y, *arrs):
    d[arrs] = block_diag_parts(d[y], *arrs)


@tangent(scipy.linalg.block_diag)
def block_diag_tangent(y, *arrs):
    d[y] = scipy.linalg.block_diag(*d[arrs])


@adjoint(block_diag_parts, containers=True, tuple_result=True)
def block_diag_parts_adjoint(p, g, *arrs):
    d[g] = scipy.linalg.block_diag(*d[p])


@tangent(block_diag_parts, containers=True, tuple_result=True)
def block_diag_parts_tangent(p, g, *arrs):
    d[p] = block_diag_parts(d[g], *arrs)


# ---------------------------------------------------------------------------------------------
# Symmetric tridiagonal eigenproblems, all eigenvalues (select='a').  f[i, j] = 1 / (w_j - w_i)
# off the diagonal, as in np.linalg.eigh's rule.  The eigenvalues alone: dw_i = v_i^T dT v_i,
# sum_k v_ki^2 dd_k + 2 sum_k v_ki v_(k+1)i de_k.

@adjoint(tridiagonal_dense)
def tridiagonal_dense_adjoint(t, d_, e):
    d[d_] = np.diagonal(d[t]).copy()
    d[e] = np.diagonal(d[t], 1) + np.diagonal(d[t], -1)


@tangent(tridiagonal_dense)
def tridiagonal_dense_tangent(t, d_, e):
    d[t] = tridiagonal_dense(d[d_], zeros_like(e))
    d[t] = tridiagonal_dense(zeros_like(d_), d[e])


@adjoint(scipy.linalg.eigh_tridiagonal, containers=True, tuple_result=True)
def eigh_tridiagonal(y, d_, e, eigvals_only=False, select="a", select_range=None,
                     check_finite=True, tol=0.0, lapack_driver="auto"):
    if eigvals_only:
        v = scipy.linalg.eigh_tridiagonal(
            tridiagonal_checked(d_, d_, e, select, "scipy.linalg.eigh_tridiagonal"), e)[1]
        d[d_] = (v * v) @ d[y]
        d[e] = 2.0 * ((v[:-1] * v[1:]) @ d[y])
    else:
        w = tridiagonal_checked(y[0], d_, e, select, "scipy.linalg.eigh_tridiagonal")
        eye = linalg_eye(w)
        f = (1.0 - eye) / (w[None, :] - w[:, None] + eye)
        s = y[1] @ (f * (np.matrix_transpose(y[1]) @ d[y][1]) + eye * d[y][0]) \
            @ np.matrix_transpose(y[1])
        d[d_] = np.diagonal(s).copy()
        d[e] = np.diagonal(s, 1) + np.diagonal(s, -1)


@tangent(scipy.linalg.eigh_tridiagonal, containers=True, tuple_result=True)
def eigh_tridiagonal_tangent(y, d_, e, eigvals_only=False, select="a", select_range=None,
                             check_finite=True, tol=0.0, lapack_driver="auto"):
    if eigvals_only:
        v = scipy.linalg.eigh_tridiagonal(
            tridiagonal_checked(d_, d_, e, select, "scipy.linalg.eigh_tridiagonal"), e)[1]
        d[y] = d[d_] @ (v * v)
        d[y] = 2.0 * (d[e] @ (v[:-1] * v[1:]))
    else:
        w = tridiagonal_checked(y[0], d_, e, select, "scipy.linalg.eigh_tridiagonal")
        eye = linalg_eye(w)
        f = (1.0 - eye) / (w[None, :] - w[:, None] + eye)
        d[y] = (d[d_] @ (y[1] * y[1]),
                y[1] @ (f * (np.matrix_transpose(y[1])
                             @ tridiagonal_dense(d[d_], zeros_like(e)) @ y[1])))
        d[y] = (2.0 * (d[e] @ (y[1][:-1] * y[1][1:])),
                y[1] @ (f * (np.matrix_transpose(y[1])
                             @ tridiagonal_dense(zeros_like(d_), d[e]) @ y[1])))


@adjoint(scipy.linalg.eigvalsh_tridiagonal)
def eigvalsh_tridiagonal(y, d_, e, select="a", select_range=None, check_finite=True, tol=0.0,
                         lapack_driver="auto"):
    v = scipy.linalg.eigh_tridiagonal(
        tridiagonal_checked(d_, d_, e, select, "scipy.linalg.eigvalsh_tridiagonal"), e)[1]
    d[d_] = (v * v) @ d[y]
    d[e] = 2.0 * ((v[:-1] * v[1:]) @ d[y])


@tangent(scipy.linalg.eigvalsh_tridiagonal)
def eigvalsh_tridiagonal_tangent(y, d_, e, select="a", select_range=None, check_finite=True,
                                 tol=0.0, lapack_driver="auto"):
    v = scipy.linalg.eigh_tridiagonal(
        tridiagonal_checked(d_, d_, e, select, "scipy.linalg.eigvalsh_tridiagonal"), e)[1]
    d[y] = d[d_] @ (v * v)
    d[y] = 2.0 * (d[e] @ (v[:-1] * v[1:]))


# ---------------------------------------------------------------------------------------------
# Symmetric banded matrices in LAPACK's storage (one triangle, upper unless lower=True): the
# dense matrix H = symmetric_from_triangle(banded_dense(bands, ab)) (runtime/linalg.py's
# banded storage, bands (0, k) or (k, 0)); the rules are the dense ones (scipy.linalg.solve,
# cholesky, cho_solve, eigh), and the adjoint of ab is that of H read on the stored triangle
# (banded_parts of symmetric_from_triangle(S): an entry off the diagonal stands for two).
# The Cholesky factor is stored like the matrix: banded_dense gives it, banded_parts packs
# its derivative; the storage entries outside the matrix are ab's own, copied (band_corner).

@adjoint(symmetric_from_triangle)
def symmetric_from_triangle_adjoint(r, t):
    d[t] = symmetric_from_triangle(d[r])


@tangent(symmetric_from_triangle)
def symmetric_from_triangle_tangent(r, t):
    d[r] = symmetric_from_triangle(d[t])


@adjoint(scipy.linalg.solveh_banded)
def solveh_banded(y, ab, b, overwrite_ab=False, overwrite_b=False, lower=False,
                  check_finite=True):
    bands = symmetric_band(ab, lower, "a", "scipy.linalg.solveh_banded")
    gb = scipy.linalg.solveh_banded(ab, d[y], lower=lower)
    d[b] = linalg_cast(gb, b)
    s = -(np.reshape(gb, solve_matrix_shape(y, b))
          @ np.matrix_transpose(np.reshape(y, solve_matrix_shape(y, b))))
    d[ab] = linalg_cast(banded_parts(symmetric_from_triangle(s), bands, ab), ab)


@tangent(scipy.linalg.solveh_banded)
def solveh_banded_tangent(y, ab, b, overwrite_ab=False, overwrite_b=False, lower=False,
                          check_finite=True):
    bands = symmetric_band(ab, lower, "a", "scipy.linalg.solveh_banded")
    d[y] = scipy.linalg.solveh_banded(ab, d[b], lower=lower)
    d[y] = -scipy.linalg.solveh_banded(
        ab, symmetric_from_triangle(banded_dense(bands, d[ab])) @ y, lower=lower)


@adjoint(scipy.linalg.cholesky_banded)
def cholesky_banded(y, ab, overwrite_ab=False, lower=False, check_finite=True):
    bands = symmetric_band(ab, lower, "a", "scipy.linalg.cholesky_banded")
    if lower:
        lo = banded_dense(bands, y)
        lb = banded_dense(bands, d[y])
    else:
        lo = np.matrix_transpose(banded_dense(bands, y))
        lb = np.matrix_transpose(banded_dense(bands, d[y]))
    li = np.linalg.inv(lo)
    s = np.matrix_transpose(li) @ (triangle_mask(lo, False) * (np.matrix_transpose(lo) @ lb)) @ li
    d[ab] = linalg_cast(banded_parts(symmetric_from_triangle(s), bands, ab)
                        + band_corner(ab, lower) * d[y], ab)


@tangent(scipy.linalg.cholesky_banded)
def cholesky_banded_tangent(y, ab, overwrite_ab=False, lower=False, check_finite=True):
    bands = symmetric_band(ab, lower, "a", "scipy.linalg.cholesky_banded")
    if lower:
        lo = banded_dense(bands, y)
        li = np.linalg.inv(lo)
        d[y] = banded_parts(lo @ (triangle_mask(lo, False) * (
            li @ symmetric_from_triangle(banded_dense(bands, d[ab])) @ np.matrix_transpose(li))),
            bands, y)
    else:
        lo = np.matrix_transpose(banded_dense(bands, y))
        li = np.linalg.inv(lo)
        d[y] = banded_parts(np.matrix_transpose(lo @ (triangle_mask(lo, False) * (
            li @ symmetric_from_triangle(banded_dense(bands, d[ab])) @ np.matrix_transpose(li)))),
            bands, y)
    d[y] = band_corner(ab, lower) * d[ab]


# x = cho_solve_banded((cb, lower), b) solves M x = b, M = F F^T for the lower factor F, F^T F
# for the upper one (scipy.linalg.cho_solve's rule, F dense from the band).
@adjoint(scipy.linalg.cho_solve_banded)
def cho_solve_banded(x, cb_and_lower, b, overwrite_b=False, check_finite=True):
    bands = symmetric_band(cb_and_lower[0], cb_and_lower[1], "a",
                           "scipy.linalg.cho_solve_banded")
    f = banded_dense(bands, cb_and_lower[0])
    xm = np.reshape(x, solve_matrix_shape(x, b))
    bb = scipy.linalg.cho_solve_banded(cb_and_lower, np.reshape(d[x], np.shape(xm)))
    s = -(bb @ np.matrix_transpose(xm))
    if cb_and_lower[1]:
        d[cb_and_lower] = (banded_parts((s + np.matrix_transpose(s)) @ f, bands,
                                        cb_and_lower[0]), zeros_like(cb_and_lower[1]))
    else:
        d[cb_and_lower] = (banded_parts(f @ (s + np.matrix_transpose(s)), bands,
                                        cb_and_lower[0]), zeros_like(cb_and_lower[1]))
    d[b] = linalg_cast(np.reshape(bb, np.shape(b)), b)


@tangent(scipy.linalg.cho_solve_banded)
def cho_solve_banded_tangent(x, cb_and_lower, b, overwrite_b=False, check_finite=True):
    bands = symmetric_band(cb_and_lower[0], cb_and_lower[1], "a",
                           "scipy.linalg.cho_solve_banded")
    f = banded_dense(bands, cb_and_lower[0])
    if cb_and_lower[1]:
        d[x] = -np.reshape(scipy.linalg.cho_solve_banded(cb_and_lower, (
            banded_dense(bands, d[cb_and_lower][0]) @ np.matrix_transpose(f)
            + f @ np.matrix_transpose(banded_dense(bands, d[cb_and_lower][0])))
            @ np.reshape(x, solve_matrix_shape(x, b))), np.shape(x))
    else:
        d[x] = -np.reshape(scipy.linalg.cho_solve_banded(cb_and_lower, (
            np.matrix_transpose(banded_dense(bands, d[cb_and_lower][0])) @ f
            + np.matrix_transpose(f) @ banded_dense(bands, d[cb_and_lower][0]))
            @ np.reshape(x, solve_matrix_shape(x, b))), np.shape(x))
    d[x] = scipy.linalg.cho_solve_banded(cb_and_lower, d[b])


# eig_banded and eigvals_banded: np.linalg.eigh's rules for H (distinct eigenvalues, all of
# them).
@adjoint(scipy.linalg.eig_banded, tuple_result=True)
def eig_banded(y, a_band, lower=False, eigvals_only=False, overwrite_a_band=False, select="a",
               select_range=None, max_ev=0, check_finite=True):
    bands = symmetric_band(a_band, lower, select, "scipy.linalg.eig_banded")
    if eigvals_only:
        v = scipy.linalg.eig_banded(a_band, lower)[1]
        s = (v * d[y][..., None, :]) @ np.matrix_transpose(v)
    else:
        eye = linalg_eye(y[0])
        f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
        s = y[1] @ (f * (np.matrix_transpose(y[1]) @ d[y][1]) + eye * d[y][0][..., None, :]) \
            @ np.matrix_transpose(y[1])
    d[a_band] = linalg_cast(banded_parts(symmetric_from_triangle(s), bands, a_band), a_band)


@tangent(scipy.linalg.eig_banded, tuple_result=True)
def eig_banded_tangent(y, a_band, lower=False, eigvals_only=False, overwrite_a_band=False,
                       select="a", select_range=None, max_ev=0, check_finite=True):
    bands = symmetric_band(a_band, lower, select, "scipy.linalg.eig_banded")
    if eigvals_only:
        v = scipy.linalg.eig_banded(a_band, lower)[1]
        d[y] = np.einsum("...ki,...ki->...i", v,
                         symmetric_from_triangle(banded_dense(bands, d[a_band])) @ v)
    else:
        eye = linalg_eye(y[0])
        f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
        d[y] = (np.einsum("...ki,...ki->...i", y[1],
                          symmetric_from_triangle(banded_dense(bands, d[a_band])) @ y[1]),
                y[1] @ (f * (np.matrix_transpose(y[1])
                             @ symmetric_from_triangle(banded_dense(bands, d[a_band])) @ y[1])))


@adjoint(scipy.linalg.eigvals_banded)
def eigvals_banded(y, a_band, lower=False, overwrite_a_band=False, select="a",
                   select_range=None, check_finite=True):
    bands = symmetric_band(a_band, lower, select, "scipy.linalg.eigvals_banded")
    v = scipy.linalg.eig_banded(a_band, lower)[1]
    d[a_band] = linalg_cast(banded_parts(symmetric_from_triangle(
        (v * d[y][..., None, :]) @ np.matrix_transpose(v)), bands, a_band), a_band)


@tangent(scipy.linalg.eigvals_banded)
def eigvals_banded_tangent(y, a_band, lower=False, overwrite_a_band=False, select="a",
                           select_range=None, check_finite=True):
    bands = symmetric_band(a_band, lower, select, "scipy.linalg.eigvals_banded")
    v = scipy.linalg.eig_banded(a_band, lower)[1]
    d[y] = np.einsum("...ki,...ki->...i", v,
                     symmetric_from_triangle(banded_dense(bands, d[a_band])) @ v)


# fiedler(a)[i, j] = |a_i - a_j|: with s = conj(sign(a_i - a_j)) (0 on ties), the adjoint of
# a_k is sum_j (G_kj + G_jk) s_kj, the tangent Re(s_ij (da_i - da_j)).
@adjoint(scipy.linalg.fiedler)
def fiedler(y, a):
    d[a] = linalg_cast(np.sum((d[y] + np.matrix_transpose(d[y])) * np.conj(
        np.sign(a[..., :, None] - a[..., None, :])), axis=-1), a)


@tangent(scipy.linalg.fiedler)
def fiedler_tangent(y, a):
    d[y] = np.real(np.conj(np.sign(a[..., :, None] - a[..., None, :]))
                   * (d[a][..., :, None] - d[a][..., None, :]))


# fiedler_companion(a) = M(c), c = a / a[0]: ones and zeros, and -c[k] (k >= 1) in places
# fixed by the size, so dM = M(1, dc[1:]) - M(1, 0) with dc = da / a0 - a da0 / a0^2 (whose
# first entry is 0); fiedler_companion_parts is that map's adjoint (in c), linear in g.
@adjoint(scipy.linalg.fiedler_companion)
def fiedler_companion(y, a):
    gc = fiedler_companion_parts(d[y], a)
    d[a] = linalg_cast(gc / a[..., :1] - (np.arange(np.shape(a)[-1]) == 0)
                       * np.sum(gc * a, axis=-1, keepdims=True) / a[..., :1] ** 2, a)


@tangent(scipy.linalg.fiedler_companion)
def fiedler_companion_tangent(y, a):
    d[y] = scipy.linalg.fiedler_companion(np.where(
        np.arange(np.shape(a)[-1]) == 0, 1.0,
        d[a] / a[..., :1] - a * d[a][..., :1] / a[..., :1] ** 2)) \
        - scipy.linalg.fiedler_companion(np.where(np.arange(np.shape(a)[-1]) == 0, 1.0,
                                                  zeros_like(a)))


@adjoint(fiedler_companion_parts)
def fiedler_companion_parts_adjoint(p, g, a):
    d[g] = scipy.linalg.fiedler_companion(np.where(np.arange(np.shape(a)[-1]) == 0, 1.0,
                                                   d[p])) \
        - scipy.linalg.fiedler_companion(np.where(np.arange(np.shape(a)[-1]) == 0, 1.0,
                                                  zeros_like(a)))


@tangent(fiedler_companion_parts)
def fiedler_companion_parts_tangent(p, g, a):
    d[p] = fiedler_companion_parts(d[g], a)
