"""scipy.linalg, matrices in other forms (SciPy is optional: tangentlike/templates imports
this module only when SciPy is installed): ``block_diag`` (its arrays come as ``*arrs``),
the symmetric tridiagonal eigenproblems ``eigh_tridiagonal eigvalsh_tridiagonal`` (their
diagonal is the parameter ``d``, written ``d_`` here: see rules/rule.py's ``alias_of``).

The eigenvalue rules are np.linalg.eigh's (distinct eigenvalues) for the dense matrix T of
the diagonals: with S the adjoint of T, the diagonal's adjoint is S's diagonal and the
off-diagonal's the sum of S's two off-diagonals (T holds e twice).
"""
import numpy as np
import scipy.linalg

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, tangent
from tangentlike.runtime import zeros_like
from tangentlike.runtime.linalg import linalg_eye
from tangentlike.runtime.linalg_forms import (
    block_diag_parts,
    tridiagonal_checked,
    tridiagonal_dense,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a tuple of arrays, new.
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)



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


@adjoint(scipy.linalg.eigh_tridiagonal, containers=True)
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


@tangent(scipy.linalg.eigh_tridiagonal, containers=True)
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
