"""scipy.linalg, factorizations (SciPy is optional: tangentlike/templates imports this module
only when SciPy is installed): ``eig`` (general eigenvectors, complex ones too), ``rq``,
``qr_multiply``.

eig: A V = V diag(w), distinct eigenvalues.  With X = V^-1 dA V: dw = diag(X), and the
eigenvectors change by u = V (F * X) (F[i, j] = 1 / (w_j - w_i) off the diagonal) plus a
multiple c_i of each v_i that keeps LAPACK's normalization: unit norm (Re(v_i^H dv_i) = 0) and
the entry of largest modulus real (its imaginary part stays 0): c_i = Re(v_i^H u_i) +
i Im(u_ki) / v_ki.  The adjoint reads these against the eigenvectors' adjoint G (a real loss
changes by Re(sum G * dv), autograd's convention): u's adjoint is G - Re(s) conj(v) -
i Im(s) m / v_k, s_i = sum_j G_ji v_ji, m the mask of the largest entries; then
A's adjoint is V^-T (F * (V^T u-adjoint) + diag(g_w)) V^T (real for a real matrix).
"""
import numpy as np
import scipy.linalg

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import zeros_like
from tangentlike.runtime.linalg import linalg_cast, real_matrix, scipy_qr_mask
from tangentlike.runtime.linalg_factors import eig_eye, eig_largest, rq_mask

# Every function of this family computes a value and does nothing else, and returns an array
# or a tuple of arrays, new.
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(eig_eye, eig_largest, rq_mask)


@adjoint(scipy.linalg.eig, tuple_result=True)
def eig(y, a, b=None, left=False, right=True, overwrite_a=False, overwrite_b=False,
        check_finite=True, homogeneous_eigvals=False):
    if right:
        eye = eig_eye(y[0], b, left, homogeneous_eigvals)
        f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
        m = eig_largest(y[1])
        s = np.sum(d[y][1] * y[1], axis=-2, keepdims=True)
        gu = d[y][1] - np.conj(y[1]) * np.real(s) \
            - 1j * m * np.imag(s) / np.real(np.sum(m * y[1], axis=-2, keepdims=True))
        h = f * (np.matrix_transpose(y[1]) @ gu) + eye * d[y][0][..., None, :]
        d[a] = linalg_cast(np.matrix_transpose(np.linalg.inv(y[1])) @ h
                           @ np.matrix_transpose(y[1]), a)
    else:
        eye = eig_eye(y, b, left, homogeneous_eigvals)
        v = scipy.linalg.eig(a)[1]
        d[a] = linalg_cast(np.matrix_transpose(np.linalg.inv(v)) @ (eye * d[y][..., None, :])
                           @ np.matrix_transpose(v), a)


@tangent(scipy.linalg.eig, tuple_result=True)
def eig_tangent(y, a, b=None, left=False, right=True, overwrite_a=False, overwrite_b=False,
                check_finite=True, homogeneous_eigvals=False):
    if right:
        eye = eig_eye(y[0], b, left, homogeneous_eigvals)
        f = (1.0 - eye) / (y[0][..., None, :] - y[0][..., :, None] + eye)
        m = eig_largest(y[1])
        u = y[1] @ (f * (np.linalg.inv(y[1]) @ d[a] @ y[1]))
        d[y] = (linalg_cast(np.sum(eye * (np.linalg.inv(y[1]) @ d[a] @ y[1]), axis=-1), y[0]),
                linalg_cast(u - y[1] * (
                    np.real(np.sum(np.conj(y[1]) * u, axis=-2, keepdims=True))
                    + 1j * np.imag(np.sum(m * u, axis=-2, keepdims=True))
                    / np.real(np.sum(m * y[1], axis=-2, keepdims=True))), y[1]))
    else:
        eye = eig_eye(y, b, left, homogeneous_eigvals)
        v = scipy.linalg.eig(a)[1]
        d[y] = linalg_cast(np.sum(eye * (np.linalg.inv(v) @ d[a] @ v), axis=-1), y)


# rq: a = R Q is the QR factorization b = Q1 R1 of b = a^T J (J reverses the order of rows or
# columns), Q1 = Q^T J and R1 = J R^T J: np.linalg.qr's rule for (Q1, R1), whose signs are
# those of SciPy's (R, Q).
@adjoint(scipy.linalg.rq, tuple_result=True)
def rq(y, a, overwrite_a=False, lwork=None, mode="full", check_finite=True):
    low = rq_mask(a, mode)
    q1 = np.flip(np.matrix_transpose(y[1]), -1)
    r1 = np.flip(np.matrix_transpose(y[0]), (-2, -1))
    gq = np.flip(np.matrix_transpose(d[y][1]), -1)
    x = ((1.0 - low) * np.flip(np.matrix_transpose(d[y][0]), (-2, -1))) @ np.matrix_transpose(r1) \
        - np.matrix_transpose(q1) @ gq
    g = x - low * (x - np.matrix_transpose(x))
    d[a] = linalg_cast(np.flip(np.matrix_transpose(
        (gq + q1 @ g) @ np.matrix_transpose(np.linalg.inv(r1))), -2), a)


@tangent(scipy.linalg.rq, tuple_result=True)
def rq_tangent(y, a, overwrite_a=False, lwork=None, mode="full", check_finite=True):
    low = rq_mask(a, mode)
    q1 = np.flip(np.matrix_transpose(y[1]), -1)
    r1 = np.flip(np.matrix_transpose(y[0]), (-2, -1))
    ri = np.linalg.inv(r1)
    db = np.flip(np.matrix_transpose(d[a]), -1)
    c = np.matrix_transpose(q1) @ db @ ri
    o = low * c - np.matrix_transpose(low * c)
    d[y] = (np.flip(np.matrix_transpose((c - o) @ r1), (-2, -1)),
            np.flip(np.matrix_transpose(q1 @ o + np.flip(np.matrix_transpose(d[a]), -1) @ ri
                                        - q1 @ c), -2))


# qr_multiply(a, c): (c Q, R) ('right') or (Q c, R) ('left') for the economic QR factorization
# a = Q R (np.linalg.qr's rule for dQ and dR, Q from scipy.linalg.qr: the same factors).
@adjoint(scipy.linalg.qr_multiply, containers=True, tuple_result=True)
def qr_multiply(y, a, c, mode="right", pivoting=False, conjugate=False, overwrite_a=False,
                overwrite_c=False):
    low = scipy_qr_mask(a, "economic", pivoting)
    q = scipy.linalg.qr(real_matrix(a, "scipy.linalg.qr_multiply"), mode="economic")[0]
    if mode == "left":
        gm = np.reshape(d[y][0], (np.shape(q)[-2], -1))
        gq = gm @ np.matrix_transpose(np.reshape(c, (np.shape(q)[-1], -1)))
        d[c] = linalg_cast(np.reshape(np.matrix_transpose(q) @ gm, np.shape(c)), c)
    else:
        gm = np.reshape(d[y][0], (-1, np.shape(q)[-1]))
        gq = np.matrix_transpose(np.reshape(c, (-1, np.shape(q)[-2]))) @ gm
        d[c] = linalg_cast(np.reshape(gm @ np.matrix_transpose(q), np.shape(c)), c)
    x = ((1.0 - low) * d[y][1]) @ np.matrix_transpose(y[1]) - np.matrix_transpose(q) @ gq
    g = x - low * (x - np.matrix_transpose(x))
    d[a] = linalg_cast((gq + q @ g) @ np.matrix_transpose(np.linalg.inv(y[1])), a)


@tangent(scipy.linalg.qr_multiply, containers=True, tuple_result=True)
def qr_multiply_tangent(y, a, c, mode="right", pivoting=False, conjugate=False,
                        overwrite_a=False, overwrite_c=False):
    low = scipy_qr_mask(a, "economic", pivoting)
    q = scipy.linalg.qr(real_matrix(a, "scipy.linalg.qr_multiply"), mode="economic")[0]
    ri = np.linalg.inv(y[1])
    k = np.matrix_transpose(q) @ d[a] @ ri
    o = low * k - np.matrix_transpose(low * k)
    if mode == "left":
        d[y] = ((q @ o + d[a] @ ri - q @ k) @ c, (k - o) @ y[1])
        d[y] = (q @ d[c], zeros_like(y[1]))
    else:
        d[y] = (c @ (q @ o + d[a] @ ri - q @ k), (k - o) @ y[1])
        d[y] = (d[c] @ q, zeros_like(y[1]))
