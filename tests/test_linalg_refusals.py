"""What the linear algebra rules refuse (templates/numpy_linalg.py, scipy_linalg.py): each a
ValueRefusedError naming the function and what it takes instead, in reverse and forward
mode, never a wrong derivative."""
import numpy as np
import pytest

import tangentlike
from tangentlike.errors import ValueRefusedError

scipy = pytest.importorskip("scipy")
scipy_linalg = pytest.importorskip("scipy.linalg")

A = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])
ROTATION = np.array([[0.2, -1.0, 0.0], [1.0, 0.2, 0.0], [0.0, 0.0, 1.0]])  # complex pair


def eigvals_complex(a):
    return np.sum(np.real(np.linalg.eigvals(a)))


def tensorsolve_axes(a):
    return np.sum(np.linalg.tensorsolve(a, np.ones(3), axes=(0,)))


def solve_transposed(a):
    return np.sum(scipy_linalg.solve(a, np.ones(3), transposed=True))


def solve_banded_kind(a):
    return np.sum(scipy_linalg.solve(a, np.ones(3), assume_a="tridiagonal"))


def eigh_generalized(a):
    return np.sum(scipy_linalg.eigh(a, np.eye(3), eigvals_only=True))


def pinv_rank(a):
    return np.sum(scipy_linalg.pinv(a, return_rank=True)[0])


def qr_pivoting(a):
    return np.sum(scipy_linalg.qr(a, pivoting=True, mode="economic")[1])


def sqrtm_negative(a):  # sqrtm(-a) = i sqrtm(a): complex (logm(-a) has a real derivative)
    return np.sum(np.real(scipy_linalg.sqrtm(-a)))


def toeplitz_batch(a):
    return np.sum(scipy_linalg.toeplitz(a))


def scipy_eigvals_complex(a):
    return np.sum(np.real(scipy_linalg.eigvals(a)))


def lstsq_gelsy(a):
    return np.sum(scipy_linalg.lstsq(a, np.ones(3), lapack_driver="gelsy")[0])


def lu_rectangular(a):
    return np.sum(scipy_linalg.lu(a[:, :2])[2])


def lu_p_indices(a):
    return np.sum(scipy_linalg.lu(a, p_indices=True)[2])


def polar_rectangular(a):
    return np.sum(scipy_linalg.polar(a[:, :2])[0])


def solve_circulant_axes(a):
    return np.sum(scipy_linalg.solve_circulant(a[0], a, baxis=1, outaxis=1))


def solve_toeplitz_batch(a):
    return np.sum(scipy_linalg.solve_toeplitz(a, np.ones(3)))


def solve_banded_stack(a):
    return np.sum(scipy_linalg.solve_banded((1, 1), np.stack([a, a]), np.ones(3)))


def null_space_no_rule(a):
    return np.sum(scipy_linalg.null_space(a[:2]))


# SciPy 1.17 reads a matrix given to toeplitz as a batch of vectors; older ones ravel it.
_TOEPLITZ_BATCHES = tuple(int(p) for p in scipy.__version__.split(".")[:2]) >= (1, 17)

CASES = [
    (eigvals_complex, ROTATION, "eigvals"),
    (tensorsolve_axes, A, "axes="),
    (solve_transposed, A, "transposed=False"),
    (solve_banded_kind, A, "assume_a"),
    (eigh_generalized, A, "b="),
    (pinv_rank, A, "return_rank=False"),
    (qr_pivoting, A, "pivoting"),
    (sqrtm_negative, A, "real results only"),
    *([(toeplitz_batch, A, "vectors c and r")] if _TOEPLITZ_BATCHES else []),
    (scipy_eigvals_complex, ROTATION, "real eigenvalues"),
    (lstsq_gelsy, A, "gelsy"),
    (lu_rectangular, A, "square matrices"),
    (lu_p_indices, A, "p_indices=False"),
    (polar_rectangular, A, "one square matrix"),
    (solve_circulant_axes, A, "default caxis, baxis and outaxis"),
    *([(solve_toeplitz_batch, A, "vectors c and r"),
       (solve_banded_stack, A, "one banded matrix")] if _TOEPLITZ_BATCHES else []),
]


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_null_space_has_no_rule(mode):
    """Subspaces are not unique: null_space (and orth, schur, hessenberg, qz) have no rule,
    and the call is refused by name."""
    with pytest.raises(tangentlike.errors.TangentlikeError) as info:
        if mode == "reverse":
            tangentlike.grad(null_space_no_rule)(A)
        else:
            tangentlike.autodiff(null_space_no_rule, mode="forward")(A, np.ones_like(A))
    # SciPy 1.15's null_space is Python code, differentiated up to its svd's refusal
    assert "null_space" in str(info.value) or "full_matrices" in str(info.value)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, a, words", CASES, ids=lambda p: getattr(p, "__name__", ""))
def test_refused(f, a, words, mode):
    with pytest.raises(ValueRefusedError) as info:
        if mode == "reverse":
            tangentlike.grad(f)(a)
        else:
            tangentlike.autodiff(f, mode="forward")(a, np.ones_like(a))
    assert words in str(info.value)

