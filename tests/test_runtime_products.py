"""The runtime adjoints of np.dot, np.einsum and np.tensordot (the general derivative, before
or without a version by shape) take plain products for real arrays of rank 1 and 2: the same
values as the general path (tensordot + moveaxis, einsum), bitwise where both are the same
BLAS product, and the general path still for everything else."""
from __future__ import annotations

import numpy as np
import pytest

from tangentlike import runtime
from tangentlike.runtime import linalg
from tests.support import check_every_mode, check_grad

RNG = np.random.default_rng(18)


def _general_dot_a(g, a, b):
    """dot_adjoint_a's general path (tensordot), the reference."""
    a_ndim, b = np.ndim(a), np.asarray(b)
    if a_ndim == 0 or b.ndim == 0:
        return runtime.unbroadcast(np.sum(g * b) if a_ndim == 0 else g * b, a)
    contract = b.ndim - 2 if b.ndim > 1 else 0
    kept = [i for i in range(b.ndim) if i != contract]
    return np.tensordot(g, b, axes=(list(range(a_ndim - 1, a_ndim - 1 + len(kept))), kept))


def _general_dot_b(g, a, b):
    """dot_adjoint_b's general path (tensordot + moveaxis), the reference."""
    a, b_ndim = np.asarray(a), np.ndim(b)
    if a.ndim == 0 or b_ndim == 0:
        return runtime.unbroadcast(np.sum(g * a) if b_ndim == 0 else g * a, b)
    lead = list(range(a.ndim - 1))
    out = np.tensordot(a, g, axes=(lead, lead))
    return out if b_ndim == 1 else np.moveaxis(out, 0, b_ndim - 2)


def _array(shape, dtype):
    x = RNG.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * RNG.standard_normal(shape)
    elif np.dtype(dtype).kind == "i":
        x = np.round(4 * x)
    return np.asarray(x, dtype=dtype) if shape else np.dtype(dtype).type(x)


# (shape of a, shape of b) for np.dot: 0-d, 1-d, 2-d and 3-d operands.
DOT_SHAPES = [((), (3,)), ((4,), ()), ((5,), (5,)), ((4, 5), (5,)), ((5,), (5, 3)),
              ((4, 5), (5, 3)), ((1, 5), (5, 1)), ((4, 1), (1, 3)), ((2, 4, 5), (5, 3)),
              ((4, 5), (2, 5, 3)), ((2, 4, 5), (3, 5, 2)), ((5,), (2, 5, 3))]
DTYPES = [np.float64, np.float32, np.complex128, np.int64]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa,sb", DOT_SHAPES)
def test_dot_adjoints_match_the_general_path(sa, sb, dtype):
    a, b = _array(sa, dtype), _array(sb, dtype)
    g = np.ones_like(np.dot(a, b)) * _array(np.shape(np.dot(a, b)), dtype)
    for new, old in ((runtime.dot_adjoint_a, _general_dot_a),
                     (runtime.dot_adjoint_b, _general_dot_b)):
        got, want = new(g, a, b), old(g, a, b)
        assert np.shape(got) == np.shape(want)
        assert np.result_type(got) == np.result_type(want)
        # The same BLAS product (or one multiply per element): bitwise equal.
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("g", [2.5, np.float64(2.5), np.float32(2.5)])
def test_dot_adjoints_of_an_inner_product_with_a_scalar_seed(g, dtype):
    a, b = _array((5,), dtype), _array((5,), dtype)
    for new, old in ((runtime.dot_adjoint_a, _general_dot_a),
                     (runtime.dot_adjoint_b, _general_dot_b)):
        got, want = new(g, a, b), old(g, a, b)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_dot_adjoints_mixed_precision_promote_as_before():
    a, b = _array((4, 5), np.float32), _array((5, 3), np.float64)
    g = _array((4, 3), np.float64)
    for new, old in ((runtime.dot_adjoint_a, _general_dot_a),
                     (runtime.dot_adjoint_b, _general_dot_b)):
        got, want = new(g, a, b), old(g, a, b)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_dot_adjoint_fast_path_is_taken_only_for_real_ranks_one_and_two():
    f, c = np.zeros((2, 3)), np.zeros((2, 3), complex)
    assert runtime._real_products(np.zeros((2, 2)), f, f.T)
    assert not runtime._real_products(np.zeros((2, 2)), c, c.T)
    assert not runtime._real_products(np.zeros((2, 2, 2)), np.zeros((2, 2, 3)), f.T)
    assert not runtime._real_products(np.zeros((2,)), f, f.T)  # g of the wrong rank
    assert not runtime._real_products(np.zeros((2, 2), int), np.zeros((2, 3), int), f.T)


EINSUM_CASES = [  # subscripts, shapes: the adjoint subscripts the rules write, and others
    ("ij,jk->ik", (4, 5), (5, 3)), ("ik,jk->ij", (4, 3), (5, 3)), ("ij,ik->jk", (4, 5), (4, 3)),
    ("ji,kj->ik", (5, 4), (3, 5)), ("ij,jk->ki", (4, 5), (5, 3)), ("i,ij->j", (4,), (4, 3)),
    ("ij,j->i", (4, 5), (5,)), ("j,ij->i", (5,), (4, 5)), ("i,j->ij", (4,), (3,)),
    ("i,j->ji", (4,), (3,)), ("i,i->", (4,), (4,)), ("ij,jk->ik", (1, 5), (5, 1)),
    ("ij,jk->ik", (4, 1), (1, 3)),
    # not one product: einsum itself
    ("ij,jk->ijk", (4, 5), (5, 3)), ("ij,ij->i", (4, 5), (4, 5)), ("ii,i->i", (3, 3), (3,)),
    ("ijk,kl->ijl", (2, 4, 5), (5, 3)), ("ij,jk", (4, 5), (5, 3)),
    ("...j,jk->...k", (4, 5), (5, 3)),
    ("ij,kl->ijkl", (2, 3), (4, 5)), ("ij,jk->i", (4, 5), (5, 3)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("subscripts,sa,sb", EINSUM_CASES)
def test_einsum_with_two_operands_matches_einsum(subscripts, sa, sb, dtype):
    a, b = _array(sa, dtype), _array(sb, dtype)
    got, want = linalg.einsum_with(subscripts, a, b), np.einsum(subscripts, a, b)
    assert np.shape(got) == np.shape(want)
    assert np.result_type(got) == np.result_type(want)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_einsum_with_a_summed_dimension_einsum_broadcasts_stays_einsum():
    a, b = np.ones((4, 1)), np.ones((5, 3))
    np.testing.assert_array_equal(linalg.einsum_with("ij,jk->ik", a, b),
                                  np.einsum("ij,jk->ik", a, b))


@pytest.mark.parametrize("subscripts,plan", [
    ("ij,jk->ik", ((2, 2), False, False, False, False, (1, 0))),
    ("ik,jk->ij", ((2, 2), False, False, True, False, (1, 1))),
    ("ij,jk->ki", ((2, 2), True, True, True, False, (1, 0))),
    ("i,j->ji", ((1, 1), True, False, False, True, None)),
    ("ij,jk->ijk", None), ("ii,i->i", None), ("ij,jk", None), ("...j,jk->k", None),
    ("ijk,kl->ijl", None),
])
def test_product_plans(subscripts, plan):
    assert linalg._product_plan(subscripts) == plan


def _tensordot_axes_one(W, b, x):
    return np.sum(np.tanh(np.tensordot(x, W, axes=1) + b) ** 2)


def _einsum_pair(W, b, x):
    return np.sum(np.tanh(np.einsum("ni,ih->nh", x, W) + b) ** 2)


def _dot_vector(W, b, x):
    return np.sum(np.tanh(np.dot(W, x[0]) + b) ** 2) + np.dot(x[0], x[1]) * np.sum(W)


@pytest.mark.parametrize("f", [_tensordot_axes_one, _einsum_pair, _dot_vector])
@pytest.mark.parametrize("optimized", [True, False])
def test_general_derivatives_with_the_fast_products(f, optimized, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_SPECIALIZE", "off")  # the general derivative only
    W, b, x = RNG.standard_normal((3, 4)), RNG.standard_normal(4), RNG.standard_normal((3, 3))
    if f is _dot_vector:
        W, b, x = RNG.standard_normal((4, 3)), RNG.standard_normal(4), RNG.standard_normal((2, 3))
    check_grad(f, (W, b, x), wrt=(0, 1, 2), optimized=optimized)


M = RNG.standard_normal((4, 3))


def _einsum_of_x(x):
    return np.sum(np.tanh(np.einsum("ij,jk->ik", np.reshape(x, (2, 4)), M)) ** 2)


def _tensordot_of_x(x):
    return np.sum(np.sin(np.tensordot(np.reshape(x, (2, 4)), M, axes=1)) ** 2)


def _dot_of_x(x):
    y = np.reshape(x, (2, 4))
    return np.sum(np.cos(np.dot(y, M)) * np.dot(y[0], x[:4]))


@pytest.mark.parametrize("f", [_einsum_of_x, _tensordot_of_x, _dot_of_x])
def test_every_mode_with_the_fast_products(f, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_SPECIALIZE", "off")
    x, v = RNG.standard_normal(8), RNG.standard_normal(8)
    check_every_mode(f, x, v)
