"""Helpers of the linear algebra rules (templates/numpy_linalg.py): the subscripts of the einsums
the rules write, masks and identities, norms."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from tangentlike.errors import ValueRefusedError
from tangentlike.runtime import float_dtype
from tangentlike.runtime.libraries import astype, float_of

_EINSUM_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# NumPy's array type: np.ndarray is another library's in the helpers' copies for its arrays.
_NUMPY_ARRAY = np.ndarray


@functools.lru_cache(maxsize=1024)
def _einsum_parse(subscripts: str, shapes: tuple) -> tuple[list[str], str, list[str]]:
    """``subscripts`` as explicit subscripts without ``...``: the operands' subscripts, the
    output's, and the letters left unused.  The dimensions ``...`` stands for get letters of
    their own (right-aligned, as they broadcast); implicit output is NumPy's: ``...`` first,
    then the letters used once, in ASCII order."""
    s = subscripts.replace(" ", "")
    inputs, arrow, output = s.partition("->")
    ins = inputs.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum subscripts {subscripts!r} name {len(ins)} operands, "
                         f"{len(shapes)} given")
    unused = [c for c in _EINSUM_LETTERS if c not in s]
    ell = max([len(shape) - len(sub) + 3 for sub, shape in zip(ins, shapes) if "..." in sub],
              default=0)
    ell_letters, unused = "".join(unused[:ell]), unused[ell:]
    explicit = [sub.replace("...", ell_letters[ell - (len(shape) - len(sub) + 3):])
                if "..." in sub else sub for sub, shape in zip(ins, shapes)]
    if not arrow:
        letters = [c for sub in ins for c in sub if c != "."]
        output = ell_letters + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    else:
        output = output.replace("...", ell_letters)
    return explicit, output, unused


@functools.lru_cache(maxsize=1024)
def _einsum_adjoint(subscripts: str, k: int, shapes: tuple) -> tuple[str, str, str]:
    ins, out, unused = _einsum_parse(subscripts, shapes)
    sizes: dict[str, int] = {}
    for sub, shape in zip(ins, shapes):
        for c, n in zip(sub, shape):
            sizes[c] = max(sizes.get(c, 1), n)
    fresh = iter(unused)

    def own(sub: str, shape: tuple) -> str:
        # A dimension of 1 that broadcasts against a longer one gets a letter of its own.
        return "".join(next(fresh) if n == 1 and sizes[c] > 1 else c for c, n in zip(sub, shape))

    target = own(ins[k], shapes[k])
    others = [own(sub, shape) for j, (sub, shape) in enumerate(zip(ins, shapes)) if j != k]
    known = set(out).union(*others)
    avail = "".join(c for c in dict.fromkeys(target) if c in known)
    return ",".join([out, *others]) + "->" + avail, avail, target


def einsum_adjoint_subscripts(subscripts: str, k: int, *operands: Any) -> Any:
    """For ``y = np.einsum(subscripts, *operands)`` (the operands that are not None): the
    subscripts of the einsum of ``y``'s adjoint and the other operands (in order) that gives
    the adjoint of operand ``k`` over the letters it shares with them, those letters, and
    operand ``k``'s own subscripts, for :func:`einsum_place`.  None if there is no operand
    ``k``."""
    if not isinstance(subscripts, str):
        einsum_refuse_operands_first(subscripts)
    shapes = tuple(np.shape(x) for x in operands if x is not None)
    return _einsum_adjoint(subscripts, k, shapes) if k < len(shapes) else None


def einsum_refuse_operands_first(x: Any) -> Any:
    """Raise: the derivative of np.einsum's interleaved form is not implemented."""
    raise ValueRefusedError(
        "tangentlike differentiates np.einsum with a subscripts string first, as in "
        "np.einsum('ij,jk->ik', a, b); the interleaved form np.einsum(a, [0, 1], b, [1, 2]) is "
        "not supported")


def einsum_with(subscripts: str, x0: Any, x1: Any = None, x2: Any = None, x3: Any = None,
                out: Any = None, optimize: Any = False) -> Any:
    """``np.einsum(subscripts, ...)`` of the operands that are not None."""
    if x2 is None and x3 is None and x1 is not None:
        product = _as_product(subscripts, x0, x1)
        if product is not None:
            return product
    operands = [x for x in (x0, x1, x2, x3) if x is not None]
    return np.einsum(subscripts, *operands, optimize=optimize)


def _as_product(subscripts: str, x: Any, y: Any) -> Any:
    """``np.einsum(subscripts, x, y)`` computed as ``@`` of ``x``, ``y`` or their
    transposes, or as an outer product of two vectors, when ``x`` and ``y`` are real floating
    point arrays of rank 1 or 2 and the explicit ``subscripts`` name such a product (see
    :func:`_product_plan`); None otherwise (``np.einsum`` computes it then)."""
    if type(x) is not _NUMPY_ARRAY or type(y) is not _NUMPY_ARRAY \
            or x.dtype.kind != "f" or y.dtype.kind != "f" or type(subscripts) is not str:
        return None
    plan = _product_plan(subscripts)
    if plan is None or (x.ndim, y.ndim) != plan[0]:
        return None
    _, swap, tx, ty, outer, summed = plan
    if summed is not None and x.shape[summed[0]] != y.shape[summed[1]]:
        return None  # a dimension of 1 einsum broadcasts: einsum's business
    if swap:
        x, y = y, x
    if outer:
        return x[:, None] * y
    return (x.T if tx else x) @ (y.T if ty else y)


@functools.lru_cache(maxsize=1024)
def _product_plan(subscripts: str) -> tuple | None:
    """For explicit two-operand ``subscripts`` ``"A,B->O"`` that name one matrix product (one
    letter summed, at most one more letter per operand, each kept in ``O``) or the outer
    product of two vectors: ``((len(A), len(B)), swap, transpose first, transpose second,
    outer, summed)``: the product is ``first @ second`` of the operands, swapped if ``swap``
    and transposed as told (or ``first[:, None] * second`` if ``outer``); ``summed`` is the
    summed letter's axis in ``A`` and in ``B`` (None for an outer product).  None for any
    other subscripts."""
    ins, arrow, out = subscripts.replace(" ", "").partition("->")
    if not arrow or "." in subscripts or ins.count(",") != 1:
        return None
    a, b = ins.split(",")
    if not (0 < len(a) <= 2 and 0 < len(b) <= 2) \
            or any(len(set(s)) != len(s) or not (s.isascii() and s.isalpha()) for s in (a, b)) \
            or len(set(out)) != len(out) or set(out) - set(a + b):
        return None
    ranks = (len(a), len(b))
    shared = set(a) & set(b)
    if not shared and len(a) == len(b) == 1 and out in (a + b, b + a):
        return ranks, out == b + a, False, False, True, None
    if len(shared) != 1 or shared & set(out) or set(a + b) - shared - set(out):
        return None
    (c,) = shared
    fa, fb = a.replace(c, ""), b.replace(c, "")
    summed = (a.index(c), b.index(c))
    if out == fa + fb:  # (fa, c) @ (c, fb)
        return ranks, False, a != fa + c, b != c + fb, False, summed
    if fa and fb and out == fb + fa:  # (fb, c) @ (c, fa)
        return ranks, True, b != fb + c, a != c + fa, False, summed
    return None


def linalg_cast(t: Any, x: Any) -> Any:
    """``t``, a derivative computed for ``x``, in ``x``'s floating point type (einsums of a
    float32 array and a Python float are float64)."""
    dtype = float_dtype(x)
    if isinstance(t, (np.ndarray, np.generic)) and t.dtype != dtype:
        if t.dtype.kind == "c" and dtype.kind != "c":
            t = np.real(t)  # NumPy 2.5's eig: complex numbers with zero imaginary parts
        return t.astype(dtype)
    return t


def einsum_place(t: Any, x: Any, letters: str, target: str) -> Any:
    """``t``, the adjoint of ``x`` over the subscripts ``letters``, as an adjoint of ``x``
    (subscripts ``target``): spread over the letters of ``target`` it lacks, and placed on the
    diagonal where ``target`` repeats a letter (zeros elsewhere), in ``x``'s floating point
    type.  Linear in ``t``."""
    dtype = float_dtype(x)
    unique = "".join(dict.fromkeys(target))
    if letters == unique == target:
        return linalg_cast(t, x)
    sizes = dict(zip(target, np.shape(x)))
    if letters != unique:
        missing = tuple(i for i, c in enumerate(unique) if c not in letters)
        t = np.broadcast_to(np.expand_dims(t, missing), tuple(sizes[c] for c in unique))
        if unique == target:
            return np.array(t, dtype=dtype)
    subs, operands, out, seen = [unique], [t], "", set()
    spare = iter(c for c in _EINSUM_LETTERS if c not in target)
    for c in target:
        if c in seen:
            f = next(spare)
            subs.append(c + f)
            operands.append(np.eye(sizes[c], dtype=dtype))
            out += f
        else:
            seen.add(c)
            out += c
    return np.einsum(",".join(subs) + "->" + out, *operands, dtype=dtype, casting="same_kind")


def einsum_subscripts(inputs: str, output: str) -> str:
    """``inputs + "->" + output``."""
    return inputs + "->" + output


@functools.lru_cache(maxsize=1024)
def _product_adjoint_subscripts(subscripts: str) -> tuple[str, str]:
    """For explicit ``"A,B->O"`` with every letter of A and B in the other operand or in O (no
    repeats): the subscripts of the adjoints, ``"O,B->A"`` and ``"A,O->B"``."""
    inputs, _, out = subscripts.partition("->")
    a, b = inputs.split(",")
    return f"{out},{b}->{a}", f"{a},{out}->{b}"


@functools.lru_cache(maxsize=1024)
def _tensordot_subscripts(ndim_a: int, ndim_b: int, axes: Any) -> str:
    """``np.tensordot(a, b, axes)`` as explicit einsum subscripts."""
    if isinstance(axes, (int, np.integer)):
        axes_a, axes_b = list(range(ndim_a - axes, ndim_a)), list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    axes_a = [i % ndim_a for i in axes_a]
    axes_b = [i % ndim_b for i in axes_b]
    letters = iter(_EINSUM_LETTERS)
    a = [next(letters) for _ in range(ndim_a)]
    b = [next(letters) for _ in range(ndim_b)]
    for i, j in zip(axes_a, axes_b):
        b[j] = a[i]
    out = [c for i, c in enumerate(a) if i not in axes_a]
    out += [c for j, c in enumerate(b) if j not in axes_b]
    return "".join(a) + "," + "".join(b) + "->" + "".join(out)


def tensordot_adjoint_subscripts(a: Any, b: Any, axes: Any = 2) -> tuple[str, str]:
    """The einsum subscripts of the adjoints of ``np.tensordot(a, b, axes)``."""
    if not isinstance(axes, (int, np.integer)):
        axes = tuple(tuple(x) if isinstance(x, (list, tuple)) else x for x in axes)
    return _product_adjoint_subscripts(_tensordot_subscripts(np.ndim(a), np.ndim(b), axes))


def inner_adjoint_subscripts(a: Any, b: Any) -> tuple[str, str]:
    """The einsum subscripts of the adjoints of ``np.inner(a, b)``: a product when either is
    a scalar, else a sum over the last axes."""
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return tensordot_adjoint_subscripts(a, b, 0)
    return tensordot_adjoint_subscripts(a, b, ((-1,), (-1,)))


@functools.lru_cache(maxsize=1024)
def _kron_layout(sa: tuple, sb: tuple) -> tuple:
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    a, b = _EINSUM_LETTERS[:n], _EINSUM_LETTERS[n:2 * n]
    out = "".join(x + y for x, y in zip(a, b))
    paired = tuple(m for pair in zip(sa, sb) for m in pair)
    return f"{out},{b}->{a}", f"{a},{out}->{b}", paired, sa, sb


def kron_layout(a: Any, b: Any) -> tuple:
    """For ``np.kron(a, b)``: the einsum subscripts of the adjoints of ``a`` and ``b`` from the
    result's adjoint reshaped to pairs of axes (``(a0, b0, a1, b1, ...)``, the third item), and
    the shapes of ``a`` and ``b`` padded with leading ones to the same length."""
    return _kron_layout(np.shape(a), np.shape(b))


def linalg_eye(a: Any) -> np.ndarray:
    """The identity matrix of the size of ``a``'s last axis, in ``a``'s floating point type."""
    return np.eye(np.shape(a)[-1], dtype=float_dtype(a))


def _linalg_swap(x: Any) -> Any:
    return np.swapaxes(x, -1, -2)


def solve_matrix_shape(x: Any, b: Any) -> tuple:
    """The shape of ``x = np.linalg.solve(a, b)`` as a stack of matrices: a column for a vector
    ``b`` (``b.ndim == 1``)."""
    return np.shape(x) + (1,) if np.ndim(b) == 1 else np.shape(x)


def real_matrices(what: str, a: Any) -> None:
    """Refuse complex values where a rule's derivative is written for real ones (a symmetric
    matrix's, not a Hermitian one's): a refusal, not a wrong number."""
    if np.iscomplexobj(a):
        raise ValueRefusedError(
            f"the derivative of {what} is implemented for real values only; these are complex "
            f"({np.result_type(a)})")


def real_matrix(a: Any, what: str = "this function") -> Any:
    """``a``, refused when complex: marks the rules written for real matrices only."""
    real_matrices(what, a)
    return a


def triangle_mask(a: Any, upper: Any) -> np.ndarray:
    """Ones in the strict lower triangle (upper: ``upper`` True or "U") and halves on the
    diagonal, the size of ``a``'s last axis, in its floating point type (``a`` real: the
    rules of np.linalg.cholesky, eigh and eigvalsh that use it are for real matrices)."""
    real_matrices("np.linalg.cholesky, eigh and eigvalsh", a)
    n = np.shape(a)[-1]
    dtype = float_dtype(a)
    ones = np.ones((n, n), dtype)
    up = upper in ("U", "u") if isinstance(upper, str) else bool(upper)
    strict = np.triu(ones, 1) if up else np.tril(ones, -1)
    return strict + np.eye(n, dtype=dtype) / 2


def eig_eye(w: Any) -> np.ndarray:
    """The identity matrix for the eigenvalues ``w`` of ``np.linalg.eig``, which must be real
    (NumPy 2.5 returns them as complex numbers with zero imaginary parts)."""
    if np.iscomplexobj(w) and np.any(np.imag(w)):
        raise ValueRefusedError(
            "the derivative of np.linalg.eig (and eigvals) is implemented for real eigenvalues "
            "only; this matrix has complex ones (for a symmetric matrix use np.linalg.eigh)")
    return linalg_eye(w)


def svd_eye(s: Any, a: Any, full_matrices: Any) -> np.ndarray:
    """The identity matrix for the singular values ``s`` of ``np.linalg.svd(a)``; refuses
    ``full_matrices=True`` for a matrix that is not square (the extra singular vectors are
    not determined by ``a``), and complex matrices."""
    real_matrices("np.linalg.svd", a)
    if full_matrices and np.shape(a)[-1] != np.shape(a)[-2]:
        raise ValueRefusedError(
            "the derivative of np.linalg.svd(a, full_matrices=True) is implemented for square "
            "matrices only; pass full_matrices=False")
    return linalg_eye(s)


def qr_mask(a: Any, mode: Any) -> np.ndarray:
    """The strictly lower triangle of ones for ``np.linalg.qr(a, mode)`` (``n x n``); refuses
    what the rule does not cover: fewer rows than columns, modes other than "reduced" (and
    "complete" for square matrices), complex matrices."""
    real_matrices("np.linalg.qr", a)
    m, n = np.shape(a)[-2:]
    if m < n or mode not in ("reduced", "complete") or mode == "complete" and m != n:
        raise ValueRefusedError(
            "the derivative of np.linalg.qr is implemented for mode='reduced' and matrices with "
            f"at least as many rows as columns (got mode={mode!r} and shape {np.shape(a)})")
    return np.tril(np.ones((n, n), float_dtype(a)), -1)


def matrix_power_blocks(a: Any) -> tuple:
    """For the block matrix ``[[A, E], [0, A]]`` built with ``np.kron``: the 2 x 2 identity
    and the 2 x 2 matrix with a one in the upper right corner (shaped for ``a``'s stack and
    in its floating point type), and the index of the upper right block."""
    lead = (1,) * (np.ndim(a) - 2)
    dtype = float_dtype(a)
    m = np.shape(a)[-1]
    ones = np.eye(2, dtype=dtype).reshape(lead + (2, 2))
    corner = np.array([[0, 1], [0, 0]], dtype=dtype).reshape(lead + (2, 2))
    return ones, corner, (Ellipsis, slice(0, m), slice(m, 2 * m))


def _norm_kind(x: Any, ord: Any, axis: Any, vector: bool) -> tuple[str, Any]:
    """("vector", axis) or ("matrix", (row axis, column axis)), as np.linalg.norm decides
    (``vector``: np.linalg.vector_norm, a vector norm over ``axis``, all axes for None)."""
    ndim = np.ndim(x)
    if vector:
        return "vector", axis
    if axis is None:
        if ord is not None and ndim == 2:
            return "matrix", (0, 1)
        return "vector", None
    if isinstance(axis, (tuple, list)):
        if len(axis) == 2:
            return "matrix", (axis[0] % ndim, axis[1] % ndim)
        return "vector", tuple(axis)
    return "vector", axis


def _vector_norm(mag: np.ndarray, p: Any, axis: Any) -> np.ndarray:
    """The p-norms of the magnitudes ``mag`` over ``axis`` (all axes: None), keeping them."""
    if p == np.inf:
        return np.max(mag, axis=axis, keepdims=True)
    if p == -np.inf:
        return np.min(mag, axis=axis, keepdims=True)
    if p == 2:
        return np.sqrt(np.sum(mag * mag, axis=axis, keepdims=True))
    return np.sum(mag ** p, axis=axis, keepdims=True) ** (1.0 / p)


def _norm_share(hit: np.ndarray, axis: Any) -> np.ndarray:
    share = astype(hit, float_of(hit))  # (the standard's boolean arrays neither sum nor divide)
    return share / np.sum(share, axis=axis, keepdims=True)


def norm_gradient(x: Any, ord: Any = None, axis: Any = None, vector: bool = False) -> Any:
    """The gradient of each norm ``np.linalg.norm(x, ord, axis)`` computes (with ``vector``:
    ``np.linalg.vector_norm(x, axis=axis, ord=ord)``), shaped like ``x``; at ties of the max
    and min norms the gradient is shared equally.  Real ``x`` only."""
    real_matrices("np.linalg.norm, vector_norm and matrix_norm", x)
    kind, ax = _norm_kind(x, ord, axis, vector)
    xa = np.asarray(x)
    dtype = float_dtype(x)
    if kind == "vector":
        p = 2 if ord is None else ord
        mag = np.abs(xa)
        if p == 0:
            out = np.zeros_like(xa, dtype=dtype)
        elif p in (np.inf, -np.inf):
            out = np.sign(xa) * _norm_share(mag == _vector_norm(mag, p, ax), ax).astype(dtype)
        else:
            out = np.sign(xa) * (mag / _vector_norm(mag, p, ax)) ** (p - 1)
    else:
        xm = np.moveaxis(xa, ax, (-2, -1))
        if ord in (None, "fro"):
            out = xm / np.sqrt(np.sum(xm * xm, axis=(-2, -1), keepdims=True))
        elif ord == "nuc":
            u, _, vh = np.linalg.svd(xm, full_matrices=False)
            out = u @ vh
        elif ord in (2, -2):
            u, _, vh = np.linalg.svd(xm, full_matrices=False)
            k = 0 if ord == 2 else -1
            out = u[..., :, k, None] * vh[..., k, None, :]
        else:  # 1, -1: the columns' sums (over the rows); inf, -inf: the rows' sums
            over, pick = (-2, -1) if ord in (1, -1) else (-1, -2)
            sums = np.sum(np.abs(xm), axis=over, keepdims=True)
            ext = (np.max if ord > 0 else np.min)(sums, axis=pick, keepdims=True)
            out = np.sign(xm) * _norm_share(sums == ext, pick).astype(dtype)
        out = np.moveaxis(out, (-2, -1), ax)
    out = np.asarray(out, dtype=dtype)
    return float(out) if isinstance(x, float) else out


def _svd_jvp(u: np.ndarray, s: np.ndarray, vh: np.ndarray, da: np.ndarray) -> tuple:
    """The tangents of the reduced SVD ``u, s, vh`` of a matrix along ``da``."""
    eye = np.eye(s.shape[-1], dtype=s.dtype)
    f = (1 - eye) / (s[..., None, :] ** 2 - s[..., :, None] ** 2 + eye)
    v = _linalg_swap(vh)
    dp = _linalg_swap(u) @ da @ v
    dpt = _linalg_swap(dp)
    du = (u @ (f * (dp * s[..., None, :] + s[..., :, None] * dpt))
          + (da @ v - u @ dp) / s[..., None, :])
    dv = (v @ (f * (s[..., :, None] * dp + dpt * s[..., None, :]))
          + (_linalg_swap(da) @ u - v @ dpt) / s[..., None, :])
    return du, np.einsum("...ii->...i", dp), _linalg_swap(dv)


def norm_hessian(t: Any, x: Any, ord: Any = None, axis: Any = None, vector: bool = False) -> Any:
    """The derivative of :func:`norm_gradient` at ``x`` along ``t`` (the Hessian of the norms
    applied to ``t``: linear in ``t`` and symmetric)."""
    kind, ax = _norm_kind(x, ord, axis, vector)
    xa, ta = np.asarray(x), np.asarray(t)
    dtype = float_dtype(x)
    if kind == "vector":
        p = 2 if ord is None else ord
        if p in (0, 1, np.inf, -np.inf):
            out = np.zeros_like(xa, dtype=dtype)
        else:
            mag = np.abs(xa)
            n = _vector_norm(mag, p, ax)
            g = np.sign(xa) * (mag / n) ** (p - 1)
            out = (p - 1) * ((mag / n) ** (p - 2) * ta - g * np.sum(g * ta, axis=ax,
                                                                     keepdims=True)) / n
    else:
        xm, tm = np.moveaxis(xa, ax, (-2, -1)), np.moveaxis(ta, ax, (-2, -1))
        if ord in (None, "fro"):
            n = np.sqrt(np.sum(xm * xm, axis=(-2, -1), keepdims=True))
            g = xm / n
            out = (tm - g * np.sum(g * tm, axis=(-2, -1), keepdims=True)) / n
        elif ord in ("nuc", 2, -2):
            u, s, vh = np.linalg.svd(xm, full_matrices=False)
            du, _, dvh = _svd_jvp(u, s, vh, tm)
            if ord == "nuc":
                out = du @ vh + u @ dvh
            else:
                k = 0 if ord == 2 else -1
                out = (du[..., :, k, None] * vh[..., k, None, :]
                       + u[..., :, k, None] * dvh[..., k, None, :])
        else:
            out = np.zeros_like(xm, dtype=dtype)
        out = np.moveaxis(out, (-2, -1), ax)
    out = np.asarray(out, dtype=dtype)
    return float(out) if isinstance(x, float) and isinstance(t, float) else out


def vecdot_axis(axis: Any, axes: Any) -> Any:
    """The axis ``np.vecdot`` sums over (its ``axes`` form is not supported)."""
    if axes is not None:
        raise ValueRefusedError("the derivative of np.vecdot takes axis=, not axes=")
    return -1 if axis is None else axis


def cond_ends(p: Any) -> tuple[int, int] | None:
    """For ``np.linalg.cond(x, p)``: the positions of the singular values whose ratio it is
    (``(0, -1)`` for p None or 2, ``(-1, 0)`` for -2), None for the other p (a product of
    norms)."""
    if p is None or isinstance(p, (int, np.integer)) and p == 2:
        return 0, -1
    if isinstance(p, (int, np.integer)) and p == -2:
        return -1, 0
    return None


def tensorinv_shapes(a: Any, ind: Any = 2) -> tuple[tuple, tuple]:
    """For ``y = np.linalg.tensorinv(a, ind)``: the shapes of ``a`` and of ``y`` as square
    matrices."""
    shape = np.shape(a)
    front, back = int(np.prod(shape[:ind])), int(np.prod(shape[ind:]))
    return (front, back), (back, front)


def tensorsolve_shapes(a: Any, x: Any, axes: Any = None) -> tuple[tuple, int]:
    """For ``x = np.linalg.tensorsolve(a, b)``: the shape of ``a`` as a matrix and the size of
    ``x``; refuses ``axes=`` (the rule does not reorder ``a``'s axes)."""
    if axes is not None:
        raise ValueRefusedError(
            "the derivative of np.linalg.tensorsolve is implemented without axes=; move the "
            "axes of a with np.moveaxis first")
    n = int(np.size(x))
    return (int(np.size(a)) // n, n), n


def residual_gate(t: Any, residuals: Any, like: Any) -> Any:
    """``t`` where ``np.linalg.lstsq`` returned residuals (``residuals`` not empty), else zeros
    of ``like``'s shape (lstsq returns no residuals for a matrix of fewer rows than columns or
    not of full rank).  Linear in ``t``."""
    if np.size(residuals):
        return t
    return np.zeros(np.shape(like), float_dtype(t))


# ---------------------------------------------------------------------------------------------
# Helpers of templates/scipy_linalg.py (SciPy itself is never imported here).

_GENERAL = (None, "gen", "general")
_SYMMETRIC = ("sym", "symmetric", "her", "hermitian", "pos", "positive definite")


def assumed_masks(a: Any, assume_a: Any = None, lower: Any = False,
                  transposed: Any = False) -> tuple:
    """For ``scipy.linalg.solve`` and ``inv`` with ``assume_a``: masks ``m0, m1`` such that
    the matrix SciPy reads is ``m0 * a + (m1 * a)^T`` (the whole of ``a``, or one triangle
    reflected for the symmetric kinds: the lower one with ``lower``).  Refuses the other
    kinds (banded, triangular, ...) and ``transposed=True``."""
    dtype = float_dtype(a)
    n = np.shape(a)[-1]
    if transposed:
        raise ValueRefusedError("the derivative of scipy.linalg.solve is implemented for "
                                "transposed=False; solve with the transposed matrix instead")
    if assume_a in _GENERAL:
        return np.ones((n, n), dtype), np.zeros((n, n), dtype)
    if assume_a in _SYMMETRIC:
        tri = triangle_mask(a, not lower)
        return tri, tri
    raise ValueRefusedError(
        f"the derivative of scipy.linalg.solve and inv is implemented for assume_a None, "
        f"'gen', 'sym', 'her' and 'pos' (got {assume_a!r})")


def triangular_masks(a: Any, trans: Any = 0, lower: Any = False,
                     unit_diagonal: Any = False) -> tuple:
    """For ``scipy.linalg.solve_triangular``: the mask of the entries of ``a`` it reads (its
    triangle, without the diagonal for ``unit_diagonal``), and whether it solves with the
    transposed matrix (``trans`` 1, 2, "T" or "C": the same for real matrices)."""
    n = np.shape(a)[-1]
    ones = np.ones((n, n), float_dtype(a))
    mask = np.tril(ones, -1 if unit_diagonal else 0) if lower else \
        np.triu(ones, 1 if unit_diagonal else 0)
    if trans not in (0, 1, 2, "N", "T", "C"):
        raise ValueRefusedError(f"scipy.linalg.solve_triangular: trans={trans!r}")
    return mask, trans not in (0, "N")


def factor_masks(a: Any, lower: Any = False) -> tuple:
    """For ``scipy.linalg.cho_factor`` and ``cho_solve``: ones in the triangle that holds the
    factor (diagonal included: the lower one with ``lower``), and the mask of the triangle
    that is read (:func:`triangle_mask`)."""
    n = np.shape(a)[-1]
    ones = np.ones((n, n), float_dtype(a))
    return (np.tril(ones) if lower else np.triu(ones)), triangle_mask(a, not lower)


@functools.cache
def _cho_factor_copies() -> bool:
    """Whether this SciPy's cho_factor leaves the input in the triangle it does not factor
    into (SciPy 1.17 and older; 1.18 writes zeros there)."""
    import scipy.linalg

    return bool(scipy.linalg.cho_factor(np.array([[2.0, 1.0], [1.0, 2.0]]))[0][1, 0] == 1.0)


def copied_triangle(a: Any, lower: Any = False) -> Any:
    """Ones where ``scipy.linalg.cho_factor(a, lower)``'s first result holds ``a``'s own
    entries (the other triangle, where this SciPy copies them), zeros elsewhere."""
    n = np.shape(a)[-1]
    ones = np.ones((n, n), float_dtype(a))
    other = np.triu(ones, 1) if lower else np.tril(ones, -1)
    return other if _cho_factor_copies() else 0.0 * other


def lu_masks(lu: Any, piv: Any) -> tuple:
    """For the ``lu, piv`` of ``scipy.linalg.lu_factor`` (a square matrix ``a = P^T L U``):
    the strictly lower mask (``L``'s part of ``lu``, the unit diagonal left out), the identity
    and the permutation matrix ``P`` (``P a = L U``), in ``lu``'s floating point type."""
    real_matrices("scipy.linalg.lu_factor and lu_solve", lu)
    m, n = np.shape(lu)[-2:]
    if m != n or np.ndim(lu) != 2:
        raise ValueRefusedError(
            "the derivatives of scipy.linalg.lu_factor and lu_solve are implemented for one "
            f"square matrix (got shape {np.shape(lu)})")
    dtype = float_dtype(lu)
    perm = np.arange(n)
    for i, p in enumerate(np.asarray(piv)):
        perm[[i, p]] = perm[[p, i]]
    eye = np.eye(n, dtype=dtype)
    return np.tril(np.ones((n, n), dtype), -1), eye, eye[perm]


def eigh_uplo(lower: Any = True, b: Any = None, type: Any = 1, subset_by_index: Any = None,
              subset_by_value: Any = None) -> str:
    """``"L"`` or ``"U"``, np.linalg's spelling of ``scipy.linalg.eigh``'s ``lower``; refuses
    what the rules of ``eigh`` and ``eigvalsh`` do not cover: the generalized problem
    (``b``) and subsets of the eigenvalues."""
    if b is not None or type != 1 or subset_by_index is not None or subset_by_value is not None:
        raise ValueRefusedError(
            "the derivatives of scipy.linalg.eigh and eigvalsh are implemented for the "
            "standard problem with every eigenvalue (no b=, type=, subset_by_index=, "
            "subset_by_value=)")
    return "L" if lower else "U"


def pinv_only(y: Any, return_rank: Any = False) -> Any:
    """``y``, the pseudo-inverse ``scipy.linalg.pinv`` or ``pinvh`` returned; refuses
    ``return_rank=True`` and complex matrices."""
    if return_rank:
        raise ValueRefusedError("the derivatives of scipy.linalg.pinv and pinvh are "
                                "implemented for return_rank=False")
    real_matrices("scipy.linalg.pinv and pinvh", y)
    return y


def matrix_function_cast(t: Any, x: Any) -> Any:
    """``t``, the derivative of a matrix function (``expm``, ``logm``, ``sqrtm``, ...) of the
    real ``x``, as a real array of ``x``'s floating point type; refuses a complex ``t`` with
    imaginary parts above rounding (the matrix function is complex there).  Linear in
    ``t`` (but for the refusal)."""
    if np.iscomplexobj(t):
        # SciPy's own rounding leaves imaginary parts of the order of its precision
        tol = 1e3 * np.finfo(np.real(t).dtype).eps * max(1.0, float(np.max(np.abs(t), initial=0)))
        if np.any(np.abs(np.imag(t)) > tol):
            raise ValueRefusedError(
                "the derivative of this SciPy matrix function is implemented for real "
                "results only (the matrix has eigenvalues where the function is complex)")
        t = np.real(t)
    return linalg_cast(t, x)


def structured_layout(kind: str, c: Any, r: Any = None) -> tuple:
    """For ``scipy.linalg.toeplitz(c, r)``, ``hankel(c, r)`` and ``circulant(c)`` of vectors:
    ``(i1, m1, i2, m2)`` such that the matrix is ``m1 * c[i1] + m2 * r2[i2]``, ``r2`` being
    ``r`` (``c`` for ``toeplitz(c)``), masks in ``c``'s floating point type.  Refuses stacks
    (SciPy 1.17 reads them as batches), and a complex ``toeplitz(c)`` (its ``r`` is
    ``conj(c)``, not holomorphic)."""
    if kind == "toeplitz" and r is None:
        real_matrices("scipy.linalg.toeplitz(c) (r = conj(c))", c)
    if np.ndim(c) != 1 or r is not None and np.ndim(r) != 1:
        raise ValueRefusedError(f"the derivative of scipy.linalg.{kind} is implemented for "
                                "vectors c and r")
    dtype = float_dtype(c)
    m = np.size(c)
    n = m if r is None or kind == "circulant" else np.size(r)
    i, j = np.indices((m, n))
    if kind == "toeplitz":
        first = i >= j
        return np.where(first, i - j, 0), first.astype(dtype), np.where(first, 0, j - i), \
            (~first).astype(dtype)
    if kind == "hankel":
        first = i + j < m
        return np.where(first, i + j, 0), first.astype(dtype), \
            np.where(first, 0, i + j - m + 1), (~first).astype(dtype)
    return (i - j) % m, np.ones((m, n), dtype), np.zeros((m, n), int), np.zeros((m, n), dtype)


def eigvals_eye(w: Any, b: Any = None, homogeneous_eigvals: Any = False) -> np.ndarray:
    """:func:`eig_eye` for ``scipy.linalg.eigvals``; refuses the generalized problem (``b``)
    and homogeneous eigenvalues."""
    if b is not None or homogeneous_eigvals:
        raise ValueRefusedError("the derivative of scipy.linalg.eigvals is implemented for the "
                                "standard problem (no b=, homogeneous_eigvals=False)")
    return eig_eye(w)


def scipy_qr_mask(a: Any, mode: Any = "full", pivoting: Any = False) -> np.ndarray:
    """:func:`qr_mask` for ``scipy.linalg.qr`` (mode "economic" is NumPy's "reduced", "full"
    its "complete", for square matrices); refuses the modes "r" and "raw" and pivoting."""
    m, n = np.shape(a)[-2:]
    if pivoting or mode not in ("full", "economic") or m < n or mode == "full" and m != n:
        raise ValueRefusedError(
            "the derivative of scipy.linalg.qr is implemented for mode='economic' (and 'full' "
            "for square matrices) without pivoting, of matrices with at least as many rows as "
            f"columns (got mode={mode!r}, pivoting={pivoting!r}, shape {np.shape(a)})")
    return qr_mask(a, "reduced" if mode == "economic" else "complete")


def convolution_layout(index: Any, like: Any) -> tuple:
    """For ``scipy.linalg.convolution_matrix(a, n, mode)``, given that matrix of the vector
    ``1, 2, ..., len(a)`` (``index``): ``(i, m)`` such that the matrix of ``a`` is
    ``m * a[i]``, the mask ``m`` in ``like``'s floating point type."""
    index = np.asarray(index)
    return np.maximum(np.rint(index).astype(int) - 1, 0), (index > 0).astype(float_dtype(like))


def circulant_check(c: Any, caxis: Any = -1, baxis: Any = 0, outaxis: Any = 0) -> tuple:
    """For ``scipy.linalg.solve_circulant(c, b)``'s rules: ``(t, i)`` such that
    ``circulant(c)`` is ``c[i]`` and its transpose ``circulant(c[t])``.  Refuses a stack of
    ``c`` and other axes than the default ones."""
    if np.ndim(c) != 1 or (caxis, baxis, outaxis) != (-1, 0, 0):
        raise ValueRefusedError("the derivative of scipy.linalg.solve_circulant is implemented "
                                "for a vector c and the default caxis, baxis and outaxis")
    m = np.size(c)
    i, j = np.indices((m, m))
    return -np.arange(m) % m, (i - j) % m


def lstsq_full(lapack_driver: Any = None) -> bool:
    """``False`` (``full_matrices`` of the SVD that ``scipy.linalg.lstsq``'s rules take):
    refuses ``lapack_driver='gelsy'``, which returns no singular values."""
    if lapack_driver == "gelsy":
        raise ValueRefusedError("the derivative of scipy.linalg.lstsq is implemented for the "
                                "drivers 'gelsd' and 'gelss' (lapack_driver='gelsy' returns no "
                                "singular values)")
    return False


def lu_mask(a: Any, p_indices: Any = False) -> np.ndarray:
    """For ``scipy.linalg.lu`` of square matrices (``a = P L U``, L unit lower): the strictly
    lower mask (``L``'s part of ``L^-1 P^T da U^-1``) in ``a``'s floating point type.  Refuses
    rectangular matrices and ``p_indices=True``."""
    m, n = np.shape(a)[-2:]
    if m != n or p_indices:
        raise ValueRefusedError(
            "the derivative of scipy.linalg.lu is implemented for square matrices and "
            f"p_indices=False (got shape {np.shape(a)}, p_indices={p_indices!r})")
    return np.tril(np.ones((n, n), float_dtype(a)), -1)


def polar_left(a: Any, side: Any = "right") -> bool:
    """Whether ``scipy.linalg.polar(a, side)`` is the left decomposition ``a = P U``; refuses
    other than square matrices (whose rules solve a Sylvester equation in ``P``)."""
    if np.ndim(a) != 2 or np.shape(a)[0] != np.shape(a)[1] or side not in ("left", "right"):
        raise ValueRefusedError(
            "the derivative of scipy.linalg.polar is implemented for one square matrix and "
            f"side 'right' or 'left' (got shape {np.shape(a)}, side={side!r})")
    real_matrices("scipy.linalg.polar", a)  # transposes, not conjugate transposes
    return side == "left"


def toeplitz_dense(c_or_cr: Any) -> Any:
    """The Toeplitz matrix that ``scipy.linalg.solve_toeplitz`` and ``matmul_toeplitz`` read
    from ``c_or_cr`` (``c``, or the pair ``(c, r)``) of vectors.  Linear; refuses stacks."""
    c, r = (c_or_cr[0], c_or_cr[1]) if isinstance(c_or_cr, (tuple, list)) else (c_or_cr, None)
    i1, m1, i2, m2 = structured_layout("toeplitz", c, r)
    return m1 * np.asarray(c)[i1] + m2 * np.asarray(c if r is None else r)[i2]


def toeplitz_parts(g: Any, c_or_cr: Any) -> Any:
    """The adjoint of :func:`toeplitz_dense`: ``g`` (shaped like the matrix) spread back over
    ``c`` or the pair ``(c, r)``, as ``c_or_cr`` is.  Linear in ``g``."""
    pair = isinstance(c_or_cr, (tuple, list))
    c, r = (c_or_cr[0], c_or_cr[1]) if pair else (c_or_cr, None)
    i1, m1, i2, m2 = structured_layout("toeplitz", c, r)
    gc = np.zeros(np.shape(c), np.result_type(g, c, 0.0))
    np.add.at(gc, i1, m1 * g)
    gr = np.zeros(np.shape(c if r is None else r), gc.dtype)
    np.add.at(gr, i2, m2 * g)
    return (gc, gr) if pair else gc + gr


def _band_layout(l_and_u: Any, ab: Any) -> tuple:
    """Rows and columns of ``ab`` (LAPACK banded storage, ``(l, u)`` bands) that hold the
    matrix entries ``a[i, j] = ab[u + i - j, j]``, and the mask of those inside the band."""
    if np.ndim(ab) != 2:
        raise ValueRefusedError("the derivative of scipy.linalg.solve_banded is implemented "
                                f"for one banded matrix ab (got shape {np.shape(ab)})")
    lo, up = int(l_and_u[0]), int(l_and_u[1])
    n = np.shape(ab)[1]
    i, j = np.indices((n, n))
    inside = (j - i <= up) & (i - j <= lo)
    return np.where(inside, up + i - j, 0), j, inside.astype(float_dtype(ab))


def banded_dense(l_and_u: Any, ab: Any) -> Any:
    """The square matrix that ``scipy.linalg.solve_banded(l_and_u, ab, b)`` solves with.
    Linear in ``ab``."""
    rows, cols, inside = _band_layout(l_and_u, ab)
    return inside * np.asarray(ab)[rows, cols]


def banded_parts(g: Any, l_and_u: Any, ab: Any) -> Any:
    """The adjoint of :func:`banded_dense`: ``g`` (shaped like the matrix) back in banded
    storage shaped like ``ab`` (zeros outside the band).  Linear in ``g``."""
    rows, cols, inside = _band_layout(l_and_u, ab)
    out = np.zeros(np.shape(ab), np.result_type(g, ab, 0.0))
    np.add.at(out, (rows, cols), inside * g)
    return out
