"""Cases for templates/numpy_linalg.py."""

import numpy as np

from rule_cases import add, values
from tangentlike.runtime import linalg as runtime


def sid(shape):
    """A shape as it reads in a case id: ``f`` for a Python float, ``0d``, ``2x3``."""
    if shape == "float":
        return "f"
    return "x".join(map(str, shape)) if shape else "0d"


def pair(name, prim, expr, sa, sb, **kwargs):
    """A case ``expr`` of ``a`` of shape ``sa`` and ``b`` of shape ``sb``.  NumPy's products
    of a Python float and a float32 array are float64 (the float becomes a float64 array), so
    those cases skip the float32 check."""
    if "float" in (sa, sb):
        kwargs.setdefault("float32", False)
    case_id = f"{name}-{sid(sa)}-{sid(sb)}"
    return add(case_id, prim, expr, {"a": values(case_id + "/a", sa),
                                     "b": values(case_id + "/b", sb)}, **kwargs)


# Products.
for _sa, _sb in [((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (3, 2)), ((), ()), ((4,), (2, 2))]:
    pair("vdot", np.vdot, "np.vdot(a, b)", _sa, _sb, second_order=True,
         autograd="np.sum(np.ravel(a) * np.ravel(b))")
for _sa, _sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 3), (4, 3)),
                 ((2, 3, 4), (5, 4)), ("float", (2, 3)), ((2, 3), ()), ((), ()),
                 ((2, 3, 4), (2, 1, 4))]:
    pair("inner", (np.inner, runtime.linalg_cast), "np.inner(a, b)", _sa, _sb,
         second_order=True)
for _sa, _sb in [((3,), (4,)), ((2, 3), (4,)), ((3,), (2, 2)), ((), (3,)), ("float", (3,)),
                 ((2, 1, 2), (3,))]:
    pair("outer", np.outer, "np.outer(a, b)", _sa, _sb, second_order=True,
         autograd="np.outer(np.ravel(a), np.ravel(b))")  # autograd's keeps the flat shape
for _sa, _sb, _axes in [((2, 3), (3, 4), 1), ((2, 3, 4), (3, 4, 5), 2), ((2, 3), (4,), 0),
                        ((3, 4), (3, 4), 2), ((2, 3, 4), (4, 2, 5), ([0, 2], [1, 0])),
                        ((2, 3, 4), (5, 3), ([1], [1])), ((3, 2), (2, 3), ((0, 1), (1, 0))),
                        ((2, 3), (3, 2), (-1, 0)), ((), (2, 3), 0)]:
    pair(f"tensordot-axes{_axes}".replace(" ", ""), np.tensordot,
         f"np.tensordot(a, b, {_axes!r})", _sa, _sb, second_order=True)
pair("tensordot-default", np.tensordot, "np.tensordot(a, b)", (2, 3, 4), (3, 4, 2))
pair("tensordot-keyword", np.tensordot, "np.tensordot(a, b, axes=([0], [1]))", (3, 2), (4, 3))
for _sa, _sb in [((2,), (3,)), ((2, 3), (3, 2)), ((2, 1), (2, 3)), ((3,), (2, 2)),
                 ((2, 2), (3,)), ((2, 2, 3), (2, 2)), ((), (2, 3)), ("float", (2,))]:
    pair("kron", np.kron, "np.kron(a, b)", _sa, _sb, second_order=True)
for _sa, _sb in [((3,), (3,)), ((4, 3), (4, 3)), ((4, 3), (3,)), ((2, 1, 3), (4, 3))]:
    pair("cross", np.cross, "np.cross(a, b)", _sa, _sb, second_order=True,
         autograd="np.cross(a + 0 * b, b + 0 * a)")  # autograd's does not unbroadcast
pair("cross-axis0", np.cross, "np.cross(a, b, axis=0)", (3, 4), (3, 4))
pair("cross-axisabc", np.cross, "np.cross(a, b, axisa=0, axisb=1, axisc=0)", (3, 4), (4, 3))

# einsum: explicit and implicit output, repeated letters (diagonals, traces), letters summed out
# of one operand, '...' with broadcasting, broadcast dimensions of 1, one to four operands.
EINSUM = [  # (id, subscripts, operand shapes)
    ("matmul", "ij,jk->ik", [(2, 3), (3, 4)]),
    ("matmul-implicit", "ij,jk", [(2, 3), (3, 4)]),
    ("implicit-order", "cA,Ab", [(2, 3), (3, 4)]),
    ("transpose", "ij->ji", [(2, 3)]),
    ("transpose-implicit", "ji", [(2, 3)]),
    ("sum-all", "ijk->", [(2, 3, 4)]),
    ("sum-axis", "ijk->jk", [(2, 3, 4)]),
    ("diagonal", "ii->i", [(3, 3)]),
    ("trace", "ii", [(3, 3)]),
    ("trace-explicit", "ii->", [(3, 3)]),
    ("diagonal-3d", "iji->ij", [(3, 2, 3)]),
    ("diagonal-triple", "iii->i", [(3, 3, 3)]),
    ("diagonal-times", "ii,i->i", [(3, 3), (3,)]),
    ("dot", "i,i", [(3,), (3,)]),
    ("outer", "i,j->ij", [(3,), (4,)]),
    ("scalar", ",ij->ij", [(), (2, 3)]),
    ("scalar-float", ",ij->ji", ["float", (2, 3)]),
    ("summed-alone", "ij,k->k", [(2, 3), (4,)]),
    ("batched", "bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ellipsis", "...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("ellipsis-implicit", "...ij,...jk", [(2, 3, 4), (4, 2)]),
    ("ellipsis-sum", "i...->...", [(3, 2, 4)]),
    ("ellipsis-broadcast", "...,...", [(2, 3), (3,)]),
    ("broadcast-one", "ij,ij->ij", [(1, 3), (2, 3)]),
    ("broadcast-one-sum", "ij,ij->j", [(2, 3), (2, 1)]),
    ("three", "ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("three-implicit", "ij,jk,kl", [(2, 3), (3, 4), (4, 2)]),
    ("four", "i,ij,jk,k->", [(2,), (2, 3), (3, 4), (4,)]),
    ("four-batched", "bi,bij,jk,bk->b", [(2, 3), (2, 3, 4), (4, 5), (2, 5)]),
    ("spaces", " ij , jk -> ik ", [(2, 3), (3, 4)]),
]
for _name, _subscripts, _shapes in EINSUM:
    _id = f"einsum-{_name}"
    _names = "abcd"[:len(_shapes)]
    _params = {n: values(f"{_id}/{n}", s) for n, s in zip(_names, _shapes)}
    # autograd's einsum does not take a letter repeated in one operand
    _autograd = all(len(set(sub)) == len(sub) for sub in _subscripts.split("->")[0].split(","))
    _covers = (np.einsum, runtime.einsum_with)
    if _name.startswith(("diag", "trace")):
        _covers += (runtime.einsum_place,)
    add(_id, _covers, f"np.einsum({_subscripts!r}, {', '.join(_names)})", _params,
        second_order=True, autograd=_autograd,
        float32=not any(s == "float" for s in _shapes))
add("einsum-optimize", np.einsum, "np.einsum('ij,jk,kl->il', a, b, c, optimize=True)",
    {"a": values("eo/a", (2, 3)), "b": values("eo/b", (3, 4)), "c": values("eo/c", (4, 2))},
    second_order=True)
add("einsum-constant-operand", np.einsum, "np.einsum('ij,jk->ik', a, np.ones((3, 2)))",
    {"a": values("eco/a", (2, 3))}, second_order=True, float32=False)  # float64 constant


# Linear algebra, on well-conditioned matrices: random + n I (real eigenvalues for eig),
# symmetric positive definite B B^T + n I for cholesky and eigh.
def matrix(case_id, shape, shift=None):
    """Uniform values in [-1, 1] plus ``shift`` (default: the size) times the identity."""
    m = values(case_id, shape)
    n = shape[-1]
    return m + (n if shift is None else shift) * np.eye(n)


def spd(case_id, shape):
    """A symmetric positive definite matrix (or stack of them)."""
    b = values(case_id, shape)
    return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])


T = "np.einsum('...ij->...ji', {})"  # a transpose autograd differentiates too

for _shape in [(3, 3), (2, 3, 3), (1, 1)]:
    _id = sid(_shape)
    add(f"inv-{_id}", np.linalg.inv, "np.linalg.inv(a)", {"a": matrix(f"inv-{_id}", _shape)},
        second_order=True)
    add(f"det-{_id}", np.linalg.det, "np.linalg.det(a)", {"a": matrix(f"det-{_id}", _shape)},
        second_order=True)
    add(f"slogdet-{_id}", np.linalg.slogdet, "np.linalg.slogdet(a)[1]",
        {"a": -matrix(f"slogdet-{_id}", _shape)}, second_order=True)
add("slogdet-unpacked", np.linalg.slogdet, None, {"a": -matrix("slogdet-u", (3, 3))},
    body="    sign, logdet = np.linalg.slogdet(a)\n    return sign * logdet\n",
    second_order=True)
add("slogdet-sign-only", np.linalg.slogdet, None, {"a": matrix("slogdet-s", (3, 3))},
    body="    sign, logdet = np.linalg.slogdet(a)\n    return sign * np.sum(a)\n")
add("inv-matmul", np.linalg.inv, "np.linalg.inv(a) @ a @ a", {"a": matrix("inv-mm", (3, 3))},
    second_order=True)

# solve: b a vector (also against a stack of matrices), a matrix, a stack; broadcasting stacks.
for _sa, _sb in [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 4)), ((2, 3, 3), (3,)),
                 ((3, 3), (2, 3, 2)), ((2, 3, 3), (3, 1)), ((2, 1, 3, 3), (4, 3, 2))]:
    _id = f"solve-{sid(_sa)}-{sid(_sb)}"
    # autograd's solve neither sums broadcast stacks back nor takes NumPy 2's vector b
    _plain = len(_sa) == len(_sb) + (len(_sb) == 1) and _sa[:-2] == _sb[:-2]
    add(_id, np.linalg.solve, "np.linalg.solve(a, b)",
        {"a": matrix(_id + "/a", _sa), "b": values(_id + "/b", _sb)}, second_order=True,
        autograd=_plain)

# cholesky and eigh read one triangle of a symmetric matrix: tested on symmetric inputs, both
# directly (finite differences move one element at a time, as the triangle read sees them)
# and through a symmetric function of a parameter.
for _shape in [(3, 3), (2, 3, 3)]:
    _id = sid(_shape)
    # autograd symmetrizes the adjoint; the matrix NumPy reads is the lower (upper) triangle
    add(f"cholesky-{_id}", np.linalg.cholesky, "np.linalg.cholesky(a)",
        {"a": spd(f"chol-{_id}", _shape)}, second_order=True,
        autograd="np.linalg.cholesky(np.tril(a) + " + T.format("np.tril(a, -1)") + ")")
    add(f"cholesky-sym-{_id}", np.linalg.cholesky,
        f"np.linalg.cholesky(a @ {T.format('a')} + 3.0 * np.eye(3))",
        {"a": values(f"chol-sym-{_id}", _shape)}, second_order=True, float32=False)
    add(f"cholesky-upper-{_id}", np.linalg.cholesky, "np.linalg.cholesky(a, upper=True)",
        {"a": spd(f"chol-up-{_id}", _shape)}, second_order=True,
        autograd=T.format("np.linalg.cholesky(np.triu(a) + " + T.format("np.triu(a, 1)") + ")"))
    add(f"eigh-w-{_id}", np.linalg.eigh, "np.linalg.eigh(a)[0]",
        {"a": spd(f"eigh-w-{_id}", _shape)}, second_order=True)
    add(f"eigh-v-{_id}", np.linalg.eigh, "np.linalg.eigh(a)[1] ** 2",
        {"a": spd(f"eigh-v-{_id}", _shape)}, second_order=True)
    add(f"eigh-upper-{_id}", np.linalg.eigh, None, {"a": spd(f"eigh-u-{_id}", _shape)},
        body="    w, v = np.linalg.eigh(a, 'U')\n"
             "    return np.sum(w * w) + np.sum(v * v * np.arange(9.0).reshape(3, 3))\n",
        second_order=True, float32=False)
add("eigh-both-sym", np.linalg.eigh, None, {"a": values("eigh-sym", (3, 3))},
    body="    w, v = np.linalg.eigh(a + a.T)\n"
         "    return np.sum(np.sin(w)) + np.sum(v * v * np.arange(9.0).reshape(3, 3))\n",
    second_order=True, float32=False)
add("eigh-vvt", np.linalg.eigh, None, {"a": spd("eigh-vvt", (4, 4))},
    body="    w, v = np.linalg.eigh(a)\n"
         "    return np.sum((v[:, :2] @ v[:, :2].T) * np.arange(16.0).reshape(4, 4))\n",
    second_order=True, float32=False)

# eig: real matrices with real, distinct eigenvalues; eigenvectors have unit norm and a sign
# of LAPACK's choosing, so the loss reads their squares.  NumPy 2.5 returns them as complex
# numbers (zero imaginary parts), so each loss takes the real part.
_P = matrix("eig-P", (3, 3))
_EIG = _P @ np.diag([1.0, 2.5, -1.5]) @ np.linalg.inv(_P)
add("eig-w", np.linalg.eig, "np.real(np.linalg.eig(a)[0])", {"a": _EIG}, autograd=False)
add("eig-v", np.linalg.eig, "np.real(np.linalg.eig(a)[1] ** 2)", {"a": _EIG}, autograd=False)
add("eig-both", np.linalg.eig, None, {"a": _EIG},
    body="    w, v = np.linalg.eig(a)\n"
         "    return np.real(np.sum(v * v * w * np.arange(3.0)[:, None]) + np.sum(w ** 3))\n",
    autograd=False, float32=False)

# svd: reduced (tall and wide), square with full matrices, singular values only, stacks.
for _shape in [(4, 3), (3, 4), (3, 3), (2, 4, 3)]:
    _id = sid(_shape)
    _fm = "" if _shape == (3, 3) else ", full_matrices=False"
    _ag = "np.linalg.svd(a, full_matrices=False)"  # autograd: reduced SVDs only
    add(f"svd-s-{_id}", np.linalg.svd, f"np.linalg.svd(a{_fm})[1]",
        {"a": values(f"svd-s-{_id}", _shape)}, second_order=True, autograd=f"{_ag}[1]")
    add(f"svd-u-{_id}", np.linalg.svd, f"np.linalg.svd(a{_fm})[0] ** 2",
        {"a": values(f"svd-u-{_id}", _shape)}, second_order=True, autograd=f"{_ag}[0] ** 2")
    add(f"svd-vh-{_id}", np.linalg.svd, f"np.linalg.svd(a{_fm})[2] ** 2",
        {"a": values(f"svd-vh-{_id}", _shape)}, second_order=True, autograd=f"{_ag}[2] ** 2")
    add(f"svd-nouv-{_id}", np.linalg.svd, "np.linalg.svd(a, compute_uv=False)",
        {"a": values(f"svd-nouv-{_id}", _shape)}, second_order=True)
add("svd-usv", np.linalg.svd, None, {"a": values("svd-usv", (4, 3))},
    body="    u, s, vh = np.linalg.svd(a, full_matrices=False)\n"
         "    return np.sum((u * np.arange(1.0, 4.0) * s) @ vh * np.arange(12.0).reshape(4, 3))"
         "\n",
    second_order=True, float32=False)

for _shape in [(4, 3), (3, 4), (3, 3), (2, 4, 3)]:
    _id = sid(_shape)
    add(f"pinv-{_id}", np.linalg.pinv, "np.linalg.pinv(a)", {"a": values(f"pinv-{_id}", _shape)},
        second_order=True)

for _shape in [(4, 3), (3, 3), (2, 4, 3)]:
    _id = sid(_shape)
    add(f"qr-q-{_id}", np.linalg.qr, "np.linalg.qr(a)[0]", {"a": values(f"qr-q-{_id}", _shape)},
        autograd=False, second_order=True)
    add(f"qr-r-{_id}", np.linalg.qr, "np.linalg.qr(a)[1]", {"a": values(f"qr-r-{_id}", _shape)},
        autograd=False, second_order=True)
add("qr-both", np.linalg.qr, None, {"a": values("qr-both", (4, 3))},
    body="    q, r = np.linalg.qr(a, mode='reduced')\n"
         "    return np.sum(q * np.arange(12.0).reshape(4, 3)) + np.sum(r * r)\n",
    autograd=False, second_order=True, float32=False)

for _n in [0, 1, 2, 3, -1, -2]:
    add(f"matrix_power-{_n}".replace("-", "-m", 1) if _n < 0 else f"matrix_power-{_n}",
        np.linalg.matrix_power, f"np.linalg.matrix_power(a, {_n})",
        {"a": matrix(f"mp-{_n}", (3, 3))}, second_order=True, autograd=False)
add("matrix_power-stack", np.linalg.matrix_power, "np.linalg.matrix_power(a, 3)",
    {"a": matrix("mp-stack", (2, 3, 3))}, second_order=True, autograd=False)

# norm: vector norms (any p, inf, -inf, 0), matrix norms (fro, nuc, 2, -2, 1, -1, inf, -inf),
# over axis (int, pair, None) with keepdims.  Inputs are away from ties and zeros.
NORMS = [  # (id, shape, ord, axis, keepdims)
    ("vec", (5,), None, None, False), ("vec-2", (5,), 2, None, False),
    ("vec-1", (5,), 1, None, False), ("vec-inf", (5,), "np.inf", None, False),
    ("vec-minf", (5,), "-np.inf", None, False), ("vec-3", (5,), 3, None, False),
    ("vec-half", (5,), 0.5, None, False), ("vec-m1", (5,), -1, None, False),
    ("vec-0", (5,), 0, None, False), ("vec-keepdims", (5,), None, 0, True),
    ("flat-2d", (3, 4), None, None, False), ("flat-3d", (2, 3, 4), None, None, False),
    ("flat-keepdims", (3, 4), None, None, True),
    ("fro", (3, 4), "'fro'", None, False), ("nuc", (3, 4), "'nuc'", None, False),
    ("mat-2", (3, 4), 2, None, False), ("mat-m2", (4, 3), -2, None, False),
    ("mat-1", (3, 4), 1, None, False), ("mat-m1", (3, 4), -1, None, False),
    ("mat-inf", (3, 4), "np.inf", None, False), ("mat-minf", (3, 4), "-np.inf", None, False),
    ("rows", (3, 4), None, 1, False), ("rows-2-keepdims", (3, 4), 2, 1, True),
    ("rows-1", (3, 4), 1, -1, False), ("cols-inf", (3, 4), "np.inf", 0, False),
    ("rows-3", (3, 4), 3, 1, True), ("axis-tuple-fro", (3, 4), "'fro'", (0, 1), False),
    ("axis-reversed-2", (3, 4), 2, (1, 0), False),
    ("stack-nuc", (2, 3, 4), "'nuc'", (1, 2), False),
    ("stack-2-keepdims", (2, 3, 4), 2, (1, 2), True),
    ("stack-1", (2, 3, 4), 1, (2, 0), False), ("stack-inf", (2, 3, 4), "np.inf", (1, 2), True),
    ("stack-fro", (2, 3, 4), "'fro'", (2, 0), True), ("stack-3", (2, 3, 4), 3, -1, False),
]
for _name, _shape, _ord, _axis, _keepdims in NORMS:
    _id = f"norm-{_name}"
    _args = f"x, {_ord}" + (f", axis={_axis}" if _axis is not None else "") + \
        (", keepdims=True" if _keepdims else "")
    # autograd's norm has no matrix 2, 1, inf norms, no vector p <= 1 or inf, and keeps the
    # reduced axes of keepdims in its gradient
    _autograd = not _keepdims and _ord in (None, 2, 3, "'fro'", "'nuc'") and \
        not (_ord == 2 and (len(_shape) == 2 and _axis is None or isinstance(_axis, tuple)))
    add(_id, (np.linalg.norm, runtime.norm_gradient), f"np.linalg.norm({_args})",
        {"x": values(_id, _shape, 0.2, 1.0, signed=True)}, second_order=True,
        autograd=_autograd)
for _shape in ["float", ()]:
    add(f"norm-{sid(_shape)}", np.linalg.norm, "np.linalg.norm(x)",
        {"x": values(f"norm-{sid(_shape)}", _shape, 0.2, 1.0, signed=True)}, second_order=True,
        autograd=_shape != "float")

# The array API spellings: np.linalg.matmul outer tensordot vecdot cross matrix_transpose
# vector_norm matrix_norm svdvals, np.vecdot and np.matrix_transpose (autograd has none).
for _sa, _sb in [((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 2, 3), (3,)), ((2, 1, 2, 3), (3, 3, 2))]:
    pair("linalg.matmul", np.linalg.matmul, "np.linalg.matmul(a, b)", _sa, _sb,
         second_order=True, autograd="np.matmul(a, b)")
pair("linalg.outer", np.linalg.outer, "np.linalg.outer(a, b)", (3,), (4,), second_order=True,
     autograd="np.outer(a, b)")
pair("linalg.tensordot", np.linalg.tensordot, "np.linalg.tensordot(a, b, axes=([0], [1]))",
     (3, 2), (4, 3), second_order=True, autograd="np.tensordot(a, b, axes=([0], [1]))")
pair("linalg.tensordot-default", np.linalg.tensordot, "np.linalg.tensordot(a, b)",
     (2, 3, 4), (3, 4), second_order=True, autograd="np.tensordot(a, b)")
for _name, _prim in [("linalg.vecdot", "np.linalg.vecdot"), ("vecdot", "np.vecdot")]:
    for _sa, _sb, _axis in [((2, 3), (2, 3), -1), ((2, 3), (3,), -1), ((4, 1, 3), (2, 3), -1),
                            ((3, 2), (3, 1), 0)]:
        pair(f"{_name}-axis{_axis}", eval(_prim), f"{_prim}(a, b, axis={_axis})", _sa, _sb,
             second_order=True, autograd=f"np.sum(a * b, axis={_axis})")
pair("vecdot-keepdims", np.vecdot, "np.vecdot(a, b, keepdims=True)", (2, 3), (2, 3),
     autograd="np.sum(a * b, axis=-1, keepdims=True)")
for _sa, _sb in [((3,), (3,)), ((4, 3), (3,)), ((2, 1, 3), (4, 3))]:
    pair("linalg.cross", np.linalg.cross, "np.linalg.cross(a, b)", _sa, _sb, second_order=True,
         autograd="np.cross(a + 0 * b, b + 0 * a)")
pair("linalg.cross-axis0", np.linalg.cross, "np.linalg.cross(a, b, axis=0)", (3, 4), (3, 4),
     autograd="np.cross(a, b, axis=0)")
for _shape in [(2, 3), (2, 3, 4)]:
    for _prim in ("np.matrix_transpose", "np.linalg.matrix_transpose"):
        _id = f"{_prim[3:]}-{sid(_shape)}"
        add(_id, eval(_prim), f"{_prim}(a) @ a", {"a": values(_id, _shape)}, second_order=True,
            autograd="np.swapaxes(a, -1, -2) @ a")

for _name, _shape, _kwargs in [
        ("vec", (5,), ""), ("flat", (3, 4), ""), ("axis", (3, 4), "axis=1"),
        ("axes", (2, 3, 4), "axis=(0, 2), keepdims=True"), ("ord3", (3, 4), "ord=3"),
        ("ord1", (5,), "ord=1"), ("inf", (3, 4), "axis=0, ord=np.inf"),
        ("minf", (2, 3, 4), "axis=(1, 2), ord=-np.inf"), ("0d", (), "")]:
    _id = f"vector_norm-{_name}"
    add(_id, (np.linalg.vector_norm, runtime.norm_gradient),
        f"np.linalg.vector_norm(x{', ' if _kwargs else ''}{_kwargs})",
        {"x": values(_id, _shape, 0.2, 1.0, signed=True)}, second_order=True, autograd=False)
for _name, _shape, _kwargs in [
        ("fro", (3, 4), ""), ("nuc", (2, 3, 4), "ord='nuc'"), ("2", (3, 4), "ord=2"),
        ("m2-keepdims", (2, 4, 3), "ord=-2, keepdims=True"), ("1", (3, 4), "ord=1"),
        ("inf", (2, 3, 4), "ord=np.inf")]:
    _id = f"matrix_norm-{_name}"
    add(_id, (np.linalg.matrix_norm, runtime.norm_gradient),
        f"np.linalg.matrix_norm(x{', ' if _kwargs else ''}{_kwargs})",
        {"x": values(_id, _shape, 0.2, 1.0, signed=True)}, second_order=True, autograd=False)

for _shape in [(3, 3), (2, 3, 3)]:
    _id = f"eigvalsh-{sid(_shape)}"
    add(_id, np.linalg.eigvalsh, "np.linalg.eigvalsh(a)", {"a": spd(_id, _shape)},
        second_order=True, autograd="np.linalg.eigh(a)[0]")
    _id = f"svdvals-{sid(_shape)}"
    add(_id, np.linalg.svdvals, "np.linalg.svdvals(a)", {"a": values(_id, _shape)},
        second_order=True, autograd="np.linalg.svd(a, compute_uv=False)")
add("eigvalsh-upper", np.linalg.eigvalsh, "np.linalg.eigvalsh(a, UPLO='U')",
    {"a": spd("eigvalsh-u", (3, 3))}, second_order=True,
    autograd="np.linalg.eigh(a, UPLO='U')[0]")
add("svdvals-wide", np.linalg.svdvals, "np.linalg.svdvals(a)", {"a": values("svdv-w", (3, 5))},
    second_order=True, autograd="np.linalg.svd(a, compute_uv=False)")

# NumPy 2's array API np.linalg.diagonal and np.linalg.trace (the last two axes).
for _shape, _offset in [((3, 3), 0), ((2, 3, 4), 1), ((2, 4, 3), -1)]:
    _id = f"linalg.diagonal-{sid(_shape)}-{_offset}"
    add(_id, np.linalg.diagonal, f"np.linalg.diagonal(a, offset={_offset})",
        {"a": values(_id, _shape)}, second_order=True,
        autograd=_shape == (3, 3) and "np.sum(a * np.eye(3), axis=-1)")
    _id = f"linalg.trace-{sid(_shape)}-{_offset}"
    add(_id, np.linalg.trace, f"np.linalg.trace(a, offset={_offset})",
        {"a": values(_id, _shape)}, second_order=True,
        autograd=_shape == (3, 3) and "np.sum(a * np.eye(3))")

add("eigvals", np.linalg.eigvals, "np.real(np.linalg.eigvals(a))", {"a": _EIG},
    second_order=True, autograd=False)
add("eigvals-stack", np.linalg.eigvals, "np.real(np.linalg.eigvals(a)) ** 2",
    {"a": np.stack([_EIG, _EIG.T + 0.1 * np.eye(3)])}, autograd=False)

# cond: the 2-norm ratio (p None, 2, -2) and the products of norms (fro, nuc, 1, inf, -1).
for _p, _shape in [(None, (3, 3)), (2, (2, 3, 3)), (-2, (3, 3)), ("'fro'", (3, 3)),
                   ("'nuc'", (2, 3, 3)), (1, (3, 3)), ("np.inf", (3, 3)), (-1, (3, 3))]:
    _id = f"cond-{_p}-{sid(_shape)}".replace("'", "")
    add(_id, np.linalg.cond, f"np.linalg.cond(a{'' if _p is None else f', {_p}'})",
        {"a": matrix(_id, _shape, 1.0)}, second_order=_p not in (1, "np.inf", -1),
        autograd=False)
add("cond-tall", np.linalg.cond, "np.linalg.cond(a)", {"a": values("cond-tall", (4, 3))},
    second_order=True, autograd=False)

for _shape, _ind in [((2, 3, 6), 2), ((6, 2, 3), 1), ((2, 2, 2, 2), 2)]:
    _id = f"tensorinv-{sid(_shape)}-{_ind}"
    _m = matrix(_id, (6, 6) if _shape[0] * _shape[1] == 6 and _ind == 2 or _ind == 1
                else (4, 4))
    add(_id, np.linalg.tensorinv, f"np.linalg.tensorinv(a, {_ind})",
        {"a": _m.reshape(_shape)}, second_order=True, autograd=False)
for _sa, _sb in [((2, 3, 6), (2, 3)), ((4, 2, 2), (4,)), ((3, 3), (3,))]:
    _id = f"tensorsolve-{sid(_sa)}-{sid(_sb)}"
    _n = int(np.prod(_sb))
    add(_id, np.linalg.tensorsolve, "np.linalg.tensorsolve(a, b)",
        {"a": matrix(_id, (_n, _n)).reshape(_sa), "b": values(_id + "/b", _sb)},
        second_order=True, autograd=False)

# lstsq: x (tall, square, wide, vector b), the residuals (tall: returned; wide: none), the
# singular values.
for _sa, _sb in [((5, 3), (5, 2)), ((5, 3), (5,)), ((3, 3), (3, 2)), ((2, 4), (2, 3))]:
    _id = f"lstsq-x-{sid(_sa)}-{sid(_sb)}"
    add(_id, np.linalg.lstsq, "np.linalg.lstsq(a, b)[0]",
        {"a": values(_id, _sa), "b": values(_id + "/b", _sb)}, second_order=True,
        autograd=False)
for _sa, _sb in [((5, 3), (5, 2)), ((5, 3), (5,)), ((2, 4), (2, 3))]:
    _id = f"lstsq-all-{sid(_sa)}-{sid(_sb)}"
    add(_id, (np.linalg.lstsq, runtime.residual_gate), None,
        {"a": values(_id, _sa), "b": values(_id + "/b", _sb)},
        body="    x, res, rank, sv = np.linalg.lstsq(a, b)\n"
             "    return np.sum(x * x) + np.sum(res) * rank + np.sum(sv ** 3)\n",
        second_order=True, autograd=False, float32=False)
