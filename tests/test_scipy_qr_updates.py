"""What the rules of templates/scipy_linalg_updates.py (scipy.linalg.qr_update, qr_insert,
qr_delete) refuse, as np.linalg.qr's rule does: a square Q of a tall updated matrix, an
updated matrix with more columns than rows, complex factors; and overwrite_*=True (the rules
read Q and R).  A ValueRefusedError naming the function and the user's line, in reverse and
forward mode.  The derivatives themselves are checked by the registry walk
(tests/rule_cases/scipy_linalg_updates.py)."""
import numpy as np
import pytest

import tangentlike
from tangentlike.errors import ValueRefusedError

la = pytest.importorskip("scipy.linalg")

A = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0], [0.4, -0.3, 0.5]])
U = np.array([0.3, -0.2, 0.5, 0.1])
V = np.array([0.2, 0.1, -0.4])


def update_full_tall(u):
    q, r = la.qr(A)  # Q 4 x 4, R 4 x 3: the updated Q has columns A does not determine
    return np.sum(la.qr_update(q, r, u, V)[0])


def insert_col_wide(u):
    q, r = la.qr(A[:3])
    return np.sum(la.qr_insert(q, r, u[:3], 1, which="col")[1])  # 3 x 4


def delete_col_full(u):
    q, r = la.qr(A[:3] + u[:3, None])
    return np.sum(la.qr_delete(q, r, 0, which="col")[0])  # Q 3 x 3 of a 3 x 2 matrix


def update_overwrite(u):
    q, r = la.qr(A, mode="economic")
    return np.sum(la.qr_update(q, r, u, V, overwrite_qruv=True)[1])


def update_complex(u):
    q, r = la.qr(A + 0j, mode="economic")
    return np.sum(np.real(la.qr_update(q, r, u + 0j, V + 0j)[1]))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("f, words", [
    (update_full_tall, "scipy.linalg.qr_update is implemented when the updated matrix"),
    (insert_col_wide, "scipy.linalg.qr_insert is implemented when the updated matrix"),
    (delete_col_full, "scipy.linalg.qr_delete is implemented when the updated matrix"),
    (update_overwrite, "overwrite_*=True"),
    (update_complex, "scipy.linalg.qr_update"),
], ids=lambda p: getattr(p, "__name__", ""))
def test_refused(f, words, mode):
    with pytest.raises(ValueRefusedError) as info:
        if mode == "reverse":
            tangentlike.grad(f)(U)
        else:
            tangentlike.autodiff(f, mode="forward")(U, np.ones_like(U))
    assert words in str(info.value)
    assert "test_scipy_qr_updates.py" in str(info.value)


def test_constant_factors_need_no_derivative():
    """Factors of a constant matrix, updated by a differentiated u: only u's derivative."""
    def f(u):
        q, r = la.qr(A, mode="economic")
        q1, r1 = la.qr_update(q, r, u, V)
        return np.sum(r1 * r1) + np.sum(q1[:, 0])

    g = tangentlike.grad(f)(U)
    eps = 1e-6
    fd = np.array([(f(U + eps * e) - f(U - eps * e)) / (2 * eps) for e in np.eye(4)])
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)
