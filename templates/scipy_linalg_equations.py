"""scipy.linalg, the algebraic Riccati equations (SciPy is optional: tangentlike/templates
imports this module only when SciPy is installed): ``solve_continuous_are`` and
``solve_discrete_are``, differentiated by the implicit function theorem.

With K the gain and Ac = A - B K the closed loop, the continuous equation
A^T X + X A - (X B + S) R^-1 (B^T X + S^T) + Q = 0 changes by Ac^T dX + dX Ac + C = 0, with
C = dA^T X + X dA - (X dB + dS) K - K^T (dB^T X + dS^T) + K^T dR K + dQ (K = R^-1 (B^T X +
S^T)): a Lyapunov equation for dX.  The discrete one, A^T X A - X - (A^T X B + S)
(R + B^T X B)^-1 (B^T X A + S^T) + Q = 0, changes by Ac^T dX Ac - dX + C = 0 with
C = dA^T X Ac + Ac^T X dA - Ac^T X dB K - K^T dB^T X Ac - dS K - K^T dS^T + K^T dR K + dQ
(K = (R + B^T X B)^-1 (B^T X A + S^T)).  The adjoints solve the transposed Lyapunov equation
for W (Ac W + W Ac^T = G, W - Ac W Ac^T = G) and read C's terms against W.  Real matrices,
one equation (no stacks), no ``e`` (riccati_checked refuses the others by name).  SciPy
wants ``q`` and ``r`` symmetric: a derivative is meaningful along symmetric directions.
"""
import numpy as np
import scipy.linalg

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, tangent
from tangentlike.runtime.linalg_forms import riccati_checked

# Every function of this family computes a value and does nothing else, and returns a new
# array.
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


# riccati_checked(x, ...) is x, once the call is one these rules differentiate.
@adjoint(riccati_checked)
def riccati_checked_adjoint(r, x, a, e, name):
    d[x] = d[r]


@tangent(riccati_checked)
def riccati_checked_tangent(r, x, a, e, name):
    d[r] = d[x]


@adjoint(scipy.linalg.solve_continuous_are)
def solve_continuous_are(y, a, b, q, r, e=None, s=None, balanced=True):
    x = riccati_checked(y, a, e, "scipy.linalg.solve_continuous_are")
    rm = np.reshape(r, (np.shape(b)[-1], np.shape(b)[-1]))
    if s is None:
        k = np.linalg.solve(rm, np.matrix_transpose(b) @ x)
    else:
        k = np.linalg.solve(rm, np.matrix_transpose(b) @ x + np.matrix_transpose(s))
    w = scipy.linalg.solve_continuous_lyapunov(a - b @ k, d[y])
    ws = w + np.matrix_transpose(w)
    d[a] = -(x @ ws)
    d[b] = x @ ws @ np.matrix_transpose(k)
    d[q] = -w
    d[r] = np.reshape(-(k @ w @ np.matrix_transpose(k)), np.shape(r))
    d[s] = ws @ np.matrix_transpose(k)


@tangent(scipy.linalg.solve_continuous_are)
def solve_continuous_are_tangent(y, a, b, q, r, e=None, s=None, balanced=True):
    x = riccati_checked(y, a, e, "scipy.linalg.solve_continuous_are")
    rm = np.reshape(r, (np.shape(b)[-1], np.shape(b)[-1]))
    if s is None:
        k = np.linalg.solve(rm, np.matrix_transpose(b) @ x)
    else:
        k = np.linalg.solve(rm, np.matrix_transpose(b) @ x + np.matrix_transpose(s))
    act = np.matrix_transpose(a - b @ k)
    d[y] = scipy.linalg.solve_continuous_lyapunov(act, -(np.matrix_transpose(d[a]) @ x
                                                         + x @ d[a]))
    d[y] = scipy.linalg.solve_continuous_lyapunov(act, x @ d[b] @ k + np.matrix_transpose(k)
                                                  @ np.matrix_transpose(d[b]) @ x)
    d[y] = scipy.linalg.solve_continuous_lyapunov(act, -d[q])
    d[y] = scipy.linalg.solve_continuous_lyapunov(
        act, -(np.matrix_transpose(k) @ np.reshape(d[r], np.shape(rm)) @ k))
    d[y] = scipy.linalg.solve_continuous_lyapunov(act, d[s] @ k + np.matrix_transpose(k)
                                                  @ np.matrix_transpose(d[s]))


@adjoint(scipy.linalg.solve_discrete_are)
def solve_discrete_are(y, a, b, q, r, e=None, s=None, balanced=True):
    x = riccati_checked(y, a, e, "scipy.linalg.solve_discrete_are")
    rm = np.reshape(r, (np.shape(b)[-1], np.shape(b)[-1])) + np.matrix_transpose(b) @ x @ b
    if s is None:
        k = np.linalg.solve(rm, np.matrix_transpose(b) @ x @ a)
    else:
        k = np.linalg.solve(rm, np.matrix_transpose(b) @ x @ a + np.matrix_transpose(s))
    ac = a - b @ k
    w = scipy.linalg.solve_discrete_lyapunov(ac, d[y])
    ws = w + np.matrix_transpose(w)
    d[a] = x @ ac @ ws
    d[b] = -(x @ ac @ ws @ np.matrix_transpose(k))
    d[q] = w
    d[r] = np.reshape(k @ w @ np.matrix_transpose(k), np.shape(r))
    d[s] = -(ws @ np.matrix_transpose(k))


@tangent(scipy.linalg.solve_discrete_are)
def solve_discrete_are_tangent(y, a, b, q, r, e=None, s=None, balanced=True):
    x = riccati_checked(y, a, e, "scipy.linalg.solve_discrete_are")
    rm = np.reshape(r, (np.shape(b)[-1], np.shape(b)[-1])) + np.matrix_transpose(b) @ x @ b
    if s is None:
        k = np.linalg.solve(rm, np.matrix_transpose(b) @ x @ a)
    else:
        k = np.linalg.solve(rm, np.matrix_transpose(b) @ x @ a + np.matrix_transpose(s))
    ac = a - b @ k
    act = np.matrix_transpose(ac)
    d[y] = scipy.linalg.solve_discrete_lyapunov(act, np.matrix_transpose(d[a]) @ x @ ac
                                                + act @ x @ d[a])
    d[y] = scipy.linalg.solve_discrete_lyapunov(act, -(act @ x @ d[b] @ k + np.matrix_transpose(k)
                                                       @ np.matrix_transpose(d[b]) @ x @ ac))
    d[y] = scipy.linalg.solve_discrete_lyapunov(act, d[q])
    d[y] = scipy.linalg.solve_discrete_lyapunov(
        act, np.matrix_transpose(k) @ np.reshape(d[r], (np.shape(b)[-1], np.shape(b)[-1])) @ k)
    d[y] = scipy.linalg.solve_discrete_lyapunov(act, -(d[s] @ k + np.matrix_transpose(k)
                                                       @ np.matrix_transpose(d[s])))
