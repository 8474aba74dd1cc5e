"""What the rules of templates/scipy_linalg_forms.py, scipy_linalg_equations.py and
scipy_linalg_factors.py refuse (a ValueRefusedError naming the function and what it takes
instead, in reverse and forward mode), and the scipy.linalg functions refused by name with
the census's reason (funm, signm, expm_cond, ldl, subspace_angles)."""
import numpy as np
import pytest

import tangentlike
from tangentlike.errors import TangentlikeError, ValueRefusedError

scipy = pytest.importorskip("scipy")
la = pytest.importorskip("scipy.linalg")

A = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])
D = np.array([1.0, 2.5, -0.5])
AB = np.array([[0.1, 0.4, -0.3], [3.0, 3.5, 3.2]])


def tridiagonal_select(d):
    return np.sum(la.eigh_tridiagonal(d, np.array([0.3, -0.2]), select="i",
                                      select_range=(0, 1))[0])


def care_e(a):
    return np.sum(la.solve_continuous_are(a, np.ones((3, 1)), np.eye(3), 1.0, e=np.eye(3)))


def eig_left(a):
    return np.sum(np.real(la.eig(a, left=True)[0]))


def eig_generalized(a):
    return np.sum(np.real(la.eig(a, np.eye(3))[0]))


def rq_wide_full(a):
    return np.sum(la.rq(a[:2])[0])


def rq_mode_r(a):
    return np.sum(la.rq(a, mode="r")[0])


def banded_select(ab):
    return np.sum(la.eig_banded(ab, select="i", select_range=(0, 1))[0])


def qr_multiply_pivoting(a):
    return np.sum(la.qr_multiply(a, np.ones(3), pivoting=True)[0])


CASES = [
    (tridiagonal_select, D, "select='i'"),
    (care_e, A, "e="),
    (eig_left, A, "left=False"),
    (eig_generalized, A, "no b="),
    (rq_wide_full, A, "mode='economic'"),
    (rq_mode_r, A, "mode='economic'"),
    (banded_select, AB, "select='i'"),
    (qr_multiply_pivoting, A, "pivoting"),
]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, a, words", CASES, ids=lambda p: getattr(p, "__name__", ""))
def test_refused(f, a, words, mode):
    with pytest.raises(ValueRefusedError) as info:
        if mode == "reverse":
            tangentlike.grad(f)(a)
        else:
            tangentlike.autodiff(f, mode="forward")(a, np.ones_like(a))
    assert words in str(info.value)


def funm(a):
    return np.sum(la.funm(a, np.exp))


def signm(a):
    return np.sum(la.signm(a))


def expm_cond(a):
    return la.expm_cond(a)


def ldl(a):
    return np.sum(la.ldl(a)[0])


def subspace_angles(a):
    return np.sum(la.subspace_angles(a, a[:, :2] + 1.0))


_NEW = tuple(int(p) for p in scipy.__version__.split(".")[:2]) >= (1, 16)


@pytest.mark.parametrize("f, words", [
    (funm, "applies a Python function"), (signm, "sqrtm(A @ A)"),
    (subspace_angles, "orthonormal bases"),
    # SciPy 1.15's expm_cond is Python code over rules (differentiated from its source), and
    # its ldl changes its argument in place (refused as such)
    *([(expm_cond, "condition number"), (ldl, "Bunch-Kaufman")] if _NEW else []),
], ids=lambda p: getattr(p, "__name__", ""))
def test_refused_by_name_with_the_census_reason(f, words):
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(f)(A)
    assert f"scipy.linalg.{f.__name__}" in str(info.value) and words in str(info.value)
