"""Cases for templates/scipy_linalg_updates.py (none without SciPy): the QR factors of a
matrix ``a`` (scipy.linalg.qr, economic or full), updated by qr_update (rank 1 and rank 2),
qr_insert (rows, columns, a negative index) and qr_delete (rows, columns); both factors of
the result weighted.  The factors come from ``a`` so that finite differences move them as
SciPy requires (``Q`` orthogonal, ``R`` upper triangular)."""
import numpy as np

from rule_cases import values
from rule_cases.scipy_special import add_scipy, scipy

if scipy is not None:
    import scipy.linalg

    la = scipy.linalg

    def _case(case_id, prim, shape, mode, call, params, second_order=False):
        """``q, r = qr(a, mode)``, then ``q1, r1 = <call>``; ``a`` is well conditioned.  A
        wide ``a`` (mode 'full'): the QR factors of its square part, then ``R``'s other
        columns ``Q^T a``; a tall one with a square ``Q``: the factors of ``a`` with constant
        columns appended, less ``R``'s last columns."""
        a = values(case_id, shape) + np.eye(*shape)
        m, n = shape
        qr = (f"scipy.linalg.qr(a[:, :{m}])\n"
              f"    r = np.concatenate([r, np.matrix_transpose(q) @ a[:, {m}:]], axis=1)"
              if m < n else
              f"scipy.linalg.qr(np.concatenate([a, np.cos(np.arange({m * (m - n)}.0))"
              f".reshape({m}, {m - n})], axis=1))\n    r = r[:, :{n}]"
              if m > n and mode == "full" else f"scipy.linalg.qr(a, mode={mode!r})")
        add_scipy(case_id, (la.qr, prim), None, {"a": a, **params},
                  body=f"    q, r = {qr}\n"
                       f"    q1, r1 = {call}\n"
                       f"    return np.sum(q1 * np.cos(np.arange(q1.size)).reshape(q1.shape))"
                       f" + np.sum(r1 * np.arange(r1.size).reshape(r1.shape))\n",
                  second_order=second_order, float32=False)

    # qr_update: rank 1 and rank 2, economic (tall) and square.
    _case("scipy.qr_update-4x3-economic", la.qr_update, (4, 3), "economic",
          "scipy.linalg.qr_update(q, r, u, v)",
          {"u": values("qr_update/u", (4,)), "v": values("qr_update/v", (3,))},
          second_order=True)
    _case("scipy.qr_update-4x3-economic-rank2", la.qr_update, (4, 3), "economic",
          "scipy.linalg.qr_update(q, r, u, v, overwrite_qruv=False, check_finite=False)",
          {"u": values("qr_update2/u", (4, 2)), "v": values("qr_update2/v", (3, 2))})
    _case("scipy.qr_update-3x3-full", la.qr_update, (3, 3), "full",
          "scipy.linalg.qr_update(q, r, u, v)",
          {"u": values("qr_update3/u", (3,)), "v": values("qr_update3/v", (3,))})

    # qr_insert: rows into an economic factorization (one; two before the last, k=-1), a row
    # making a wide matrix square (full), a column making a tall one square.
    _case("scipy.qr_insert-row-4x3-economic", la.qr_insert, (4, 3), "economic",
          "scipy.linalg.qr_insert(q, r, u, 1)", {"u": values("qr_insert/u", (3,))},
          second_order=True)
    _case("scipy.qr_insert-rows-4x3-economic", la.qr_insert, (4, 3), "economic",
          "scipy.linalg.qr_insert(q, r, u, -1, which='row', overwrite_qru=False)",
          {"u": values("qr_insert2/u", (2, 3))})
    _case("scipy.qr_insert-row-3x4-full", la.qr_insert, (3, 4), "full",
          "scipy.linalg.qr_insert(q, r, u, 3, 'row')", {"u": values("qr_insert3/u", (4,))})
    _case("scipy.qr_insert-col-4x3-economic", la.qr_insert, (4, 3), "economic",
          "scipy.linalg.qr_insert(q, r, u, 1, which='col', rcond=1e-10)",
          {"u": values("qr_insert4/u", (4,))})
    _case("scipy.qr_insert-cols-4x2-full", la.qr_insert, (4, 2), "full",
          "scipy.linalg.qr_insert(q, r, u, 0, which='col')",
          {"u": values("qr_insert5/u", (4, 2))})

    # qr_delete: a row of a full factorization (square result), two rows of an economic one,
    # columns of an economic one (k=-1 the last).
    _case("scipy.qr_delete-row-4x3-full", la.qr_delete, (4, 3), "full",
          "scipy.linalg.qr_delete(q, r, 1)", {}, second_order=True)
    _case("scipy.qr_delete-rows-5x3-economic", la.qr_delete, (5, 3), "economic",
          "scipy.linalg.qr_delete(q, r, 1, 2, which='row', overwrite_qr=False, "
          "check_finite=True)", {})
    _case("scipy.qr_delete-col-4x3-economic", la.qr_delete, (4, 3), "economic",
          "scipy.linalg.qr_delete(q, r, 0, which='col')", {})
    _case("scipy.qr_delete-last-col-4x3-economic", la.qr_delete, (4, 3), "economic",
          "scipy.linalg.qr_delete(q, r, -1, 1, 'col')", {})
