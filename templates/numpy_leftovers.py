"""More NumPy functions: ``np.gradient``, ``np.roots``, ``np.poly`` and ``np.polydiv``,
``np.histogram2d`` and ``np.histogramdd``, ``np.kaiser``, ``np.row_stack`` (NumPy 1's name of
``np.vstack``), ``np.trapz`` (NumPy 1's name of ``np.trapezoid``: its rule) and
``np.divmod.outer`` (helpers in tangentlike/runtime/gradients.py, polyroots.py and
histograms.py).

``np.gradient`` is linear in ``f`` (its tangent is np.gradient of the tangent, its adjoint the
banded operator's transpose); the spacings are constants (a derivative in them is refused by
name).  ``np.roots(p)`` are the eigenvalues of the companion matrix, complex in general; by the
implicit function theorem ``dr = -dp(r) / p'(r)`` for each simple root (holomorphic in ``p``;
a real ``p`` gets a real gradient).  ``np.poly(z)`` is ``prod_j (x - z_j)``, whose derivative in
``z_j`` is minus the quotient ``a(x) / (x - z_j)``; np.poly of a matrix is refused.
``np.polydiv`` is linear in the numerator; in the denominator, ``u = q v + r`` gives
``dq v + dr = -q dv``.  The 2-d and d-d histograms are np.histogram's rule per dimension (the
counts constants, the edges following the data).  ``np.kaiser(M, beta)`` is
``i0(beta r) / i0(beta)`` (``r`` a constant of ``M``).
"""
import numpy as np
from tangentlike.templates.numpy_statistics import trapezoid, trapezoid_tangent

from tangentlike.rules.primitive import Facts, Returns, declare
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import broadcast_like, unbroadcast, zeros_like
from tangentlike.runtime.arrays import cast_derivative
from tangentlike.runtime.bessel import bessel_i
from tangentlike.runtime.gathers import gathered, gathered_pieces, ungathered, ungathered_pieces
from tangentlike.runtime.gradients import gradient_of, gradient_transpose
from tangentlike.runtime.histograms import (
    dd_bin_sources,
    dd_bins,
    dd_edge_matrix,
    dd_edge_sources,
    dd_positions,
    dd_range,
    edge_sources,
    edge_weights,
)
from tangentlike.runtime.linalg import linalg_cast
from tangentlike.runtime.polyroots import kaiser_radii, poly_exponents, poly_mask, root_powers
from tangentlike.runtime.shapes import split_like
from tangentlike.runtime.statistics import (
    no_derivative,
    poly_tail,
)
from tangentlike.runtime.ufunc_methods import outer_shape

# Every function of this family computes a value and does nothing else, and returns a new
# array (np.gradient and np.divmod.outer a tuple of them).
FACTS = Facts(pure=True, returns=Returns.NEW)

non_differentiable(root_powers, poly_exponents, poly_mask, kaiser_radii, dd_bins, dd_range,
                   dd_edge_sources, dd_positions, dd_edge_matrix, dd_bin_sources)


# np.gradient(f, s0, s1, ..., axis=None, edge_order=1): one array per differentiated axis (a
# tuple), or one array for one axis; up to four spacings (one for every axis, or one each).
@adjoint(np.gradient)
def gradient(y, f, s0=None, s1=None, s2=None, s3=None, axis=None, edge_order=1):
    d[f] = gradient_transpose(d[y], f, axis, edge_order, s0, s1, s2, s3)
    d[s0] = no_derivative("np.gradient", "its spacing (or coordinates) s0",
                          "the spacings are constants: divide by a differentiated step "
                          "yourself, np.gradient(f) / h")
    d[s1] = no_derivative("np.gradient", "its spacing (or coordinates) s1",
                          "the spacings are constants")
    d[s2] = no_derivative("np.gradient", "its spacing (or coordinates) s2",
                          "the spacings are constants")
    d[s3] = no_derivative("np.gradient", "its spacing (or coordinates) s3",
                          "the spacings are constants")


@tangent(np.gradient)
def gradient_tangent(y, f, s0=None, s1=None, s2=None, s3=None, axis=None, edge_order=1):
    d[y] = gradient_of(d[f], axis, edge_order, s0, s1, s2, s3)
    d[y] = no_derivative("np.gradient", "its spacing (or coordinates) s0",
                         "the spacings are constants: divide by a differentiated step "
                         "yourself, np.gradient(f) / h") * d[s0]
    d[y] = no_derivative("np.gradient", "its spacing (or coordinates) s1",
                         "the spacings are constants") * d[s1]
    d[y] = no_derivative("np.gradient", "its spacing (or coordinates) s2",
                         "the spacings are constants") * d[s2]
    d[y] = no_derivative("np.gradient", "its spacing (or coordinates) s3",
                         "the spacings are constants") * d[s3]


declare(np.gradient, library=True, containers=True, tuple_result=True)


# The helpers are linear in their first argument and each other's transpose.
@adjoint(gradient_of)
def gradient_of_adjoint(r, t, axis, edge_order, s0=None, s1=None, s2=None, s3=None):
    d[t] = gradient_transpose(d[r], t, axis, edge_order, s0, s1, s2, s3)


@tangent(gradient_of)
def gradient_of_tangent(r, t, axis, edge_order, s0=None, s1=None, s2=None, s3=None):
    d[r] = gradient_of(d[t], axis, edge_order, s0, s1, s2, s3)


@adjoint(gradient_transpose)
def gradient_transpose_adjoint(r, g, f, axis, edge_order, s0=None, s1=None, s2=None, s3=None):
    d[g] = gradient_of(d[r], axis, edge_order, s0, s1, s2, s3)


@tangent(gradient_transpose)
def gradient_transpose_tangent(r, g, f, axis, edge_order, s0=None, s1=None, s2=None, s3=None):
    d[r] = gradient_transpose(d[g], f, axis, edge_order, s0, s1, s2, s3)


declare(gradient_of, library=True, containers=True, tuple_result=True)
declare(gradient_transpose, library=True, containers=True, tuple_result=True)


# np.roots(p): p(r) = 0, so dr = -dp(r) / p'(r) for each simple root.
@adjoint(np.roots)
def roots(r, p):
    d[p] = linalg_cast(np.sum(np.expand_dims(-d[r] / np.polyval(np.polyder(p), r), -1)
                              * np.expand_dims(r, -1) ** root_powers(p), axis=0), p)


@tangent(np.roots)
def roots_tangent(r, p):
    d[r] = -np.polyval(d[p], r) / np.polyval(np.polyder(p), r)


# np.poly(z): a = prod_j (x - z_j); da = -sum_j dz_j q_j with q_j = a / (x - z_j) (its
# coefficients by synthetic division; a result made real is the real part).
@adjoint(np.poly)
def poly(y, seq_of_zeros):
    q = np.einsum("jkm,km,m->jk", np.expand_dims(np.expand_dims(seq_of_zeros, -1), -1)
                  ** poly_exponents(seq_of_zeros), poly_mask(seq_of_zeros), y[:-1])
    d[seq_of_zeros] = linalg_cast(-(q @ d[y][1:]), seq_of_zeros)


@tangent(np.poly)
def poly_tangent(y, seq_of_zeros):
    q = np.einsum("jkm,km,m->jk", np.expand_dims(np.expand_dims(seq_of_zeros, -1), -1)
                  ** poly_exponents(seq_of_zeros), poly_mask(seq_of_zeros), y[:-1])
    d[y] = linalg_cast(np.concatenate([zeros_like(y[:1]), -(d[seq_of_zeros] @ q)]), y)


# np.kaiser(M, beta) = i0(beta r) / i0(beta): dw/dbeta = (r i1(beta r) - w i1(beta)) / i0(beta).
@adjoint(np.kaiser)
def kaiser(y, M, beta):
    d[beta] = cast_derivative(np.sum(d[y] * (kaiser_radii(M) * bessel_i(beta * kaiser_radii(M),
                                                                        1)
                                             - y * bessel_i(beta, 1)) / np.i0(beta)), beta)


@tangent(np.kaiser)
def kaiser_tangent(y, M, beta):
    d[y] = d[beta] * (kaiser_radii(M) * bessel_i(beta * kaiser_radii(M), 1)
                      - y * bessel_i(beta, 1)) / np.i0(beta)


# np.row_stack, NumPy 1's name of np.vstack (deprecated in NumPy 2, gone in 2.5).
if hasattr(np, "row_stack"):
    @adjoint(np.row_stack)
    def row_stack(y, tup):
        d[tup] = split_like(d[y], tup, 0)

    @tangent(np.row_stack)
    def row_stack_tangent(y, tup):
        d[y] = np.vstack(d[tup])


# np.trapz, NumPy 1's name of np.trapezoid (deprecated in NumPy 2, gone in 2.4): trapezoid's
# rules (the same function; the tangent computes with np.trapezoid).
if hasattr(np, "trapz"):
    adjoint(np.trapz)(trapezoid)
    tangent(np.trapz)(trapezoid_tangent)


# np.divmod.outer(A, B) is (A // B, A % B) over every pair: the quotient is piecewise
# constant, the remainder has the derivative of % (as np.divmod's rule).
@adjoint(np.divmod.outer)
def divmod_outer(z, A, B):
    d[A] = np.reshape(unbroadcast(d[z][1], np.reshape(A, outer_shape(A, B))), np.shape(A))
    d[B] = unbroadcast(-d[z][1] * z[0], B)


@tangent(np.divmod.outer)
def divmod_outer_tangent(z, A, B):
    d[z] = (zeros_like(z[0]), broadcast_like(np.reshape(d[A], outer_shape(A, B)), z[1]))
    d[z] = (zeros_like(z[0]), -d[B] * z[0])


declare(np.divmod.outer, library=True, containers=True, tuple_result=True)


# np.histogram2d(x, y) and np.histogramdd(sample): the counts are constants of the data,
# weighted counts linear in the weights; each dimension's edges follow its smallest and largest
# value (bins a number), as np.histogram's; a given range or given edges are constants.
@adjoint(np.histogram2d)
def histogram2d(h, x, y, bins=10, range=None, density=None, weights=None):
    d[x] = ungathered(np.stack([np.sum(d[h][1] * (1.0 - edge_weights(h[1]))),
                                np.sum(d[h][1] * edge_weights(h[1]))]), x,
                      edge_sources(x, dd_bins(bins, 0, True), dd_range(range, 0), density))
    d[y] = ungathered(np.stack([np.sum(d[h][2] * (1.0 - edge_weights(h[2]))),
                                np.sum(d[h][2] * edge_weights(h[2]))]), y,
                      edge_sources(y, dd_bins(bins, 1, True), dd_range(range, 1), density))
    d[weights] = cast_derivative(gathered(d[h][0], dd_bin_sources((x, y), (h[1], h[2]))),
                                 weights)
    d[bins] = no_derivative("np.histogram2d", "bins", "give the edges as constants")
    d[range] = no_derivative("np.histogram2d", "range", "give the range as constants")


@tangent(np.histogram2d)
def histogram2d_tangent(h, x, y, bins=10, range=None, density=None, weights=None):
    d[h] = (zeros_like(h[0]), cast_derivative(np.linspace(
        gathered(d[x], edge_sources(x, dd_bins(bins, 0, True), dd_range(range, 0), density))[0],
        gathered(d[x], edge_sources(x, dd_bins(bins, 0, True), dd_range(range, 0), density))[1],
        np.size(h[1])), h[1]), zeros_like(h[2]))
    d[h] = (zeros_like(h[0]), zeros_like(h[1]), cast_derivative(np.linspace(
        gathered(d[y], edge_sources(y, dd_bins(bins, 1, True), dd_range(range, 1), density))[0],
        gathered(d[y], edge_sources(y, dd_bins(bins, 1, True), dd_range(range, 1), density))[1],
        np.size(h[2])), h[2]))
    d[h] = (np.histogram2d(x, y, [h[1], h[2]], weights=d[weights])[0], zeros_like(h[1]),
            zeros_like(h[2]))
    d[h] = no_derivative("np.histogram2d", "bins", "give the edges as constants") * d[bins]
    d[h] = no_derivative("np.histogram2d", "range", "give the range as constants") * d[range]


@adjoint(np.histogramdd)
def histogramdd(h, sample, bins=10, range=None, density=None, weights=None):
    d[sample] = ungathered_pieces(dd_edge_matrix(h[1]) @ gathered_pieces(d[h][1],
                                                                         dd_positions(h[1])),
                                  sample, dd_edge_sources(sample, bins, range, density))
    d[weights] = cast_derivative(gathered(d[h][0], dd_bin_sources(sample, h[1])), weights)
    d[bins] = no_derivative("np.histogramdd", "bins", "give the edges as constants")
    d[range] = no_derivative("np.histogramdd", "range", "give the range as constants")


@tangent(np.histogramdd)
def histogramdd_tangent(h, sample, bins=10, range=None, density=None, weights=None):
    d[h] = (zeros_like(h[0]), ungathered_pieces(
        np.transpose(dd_edge_matrix(h[1]))
        @ gathered_pieces(d[sample], dd_edge_sources(sample, bins, range, density)),
        h[1], dd_positions(h[1])))
    d[h] = (np.histogramdd(sample, h[1], weights=d[weights])[0], zeros_like(h[1]))
    d[h] = no_derivative("np.histogramdd", "bins", "give the edges as constants") * d[bins]
    d[h] = no_derivative("np.histogramdd", "range", "give the range as constants") * d[range]


declare(np.histogram2d, library=True, containers=True, tuple_result=True)
declare(np.histogramdd, library=True, containers=True, tuple_result=True)


# np.polydiv(u, v) = (q, r) with u = q v + r: linear in u (the quotient solves a triangular
# Toeplitz system T_v q = u's head; r is the tail of u - q v), and 0 = dq v + q dv + dr in v, so
# (dq, dr) divide du - q dv by v.  The adjoint of F -> (dq, dr): e = T^T gr + D^T (gq - C_v^T
# T^T gr), with D^T(s) = flip(polydiv([flip(s), 0...], v)[0]) (T_v^-T, by reversal).
@adjoint(np.polydiv)
def polydiv(y, u, v):
    tail = np.polyadd(zeros_like(np.polymul(y[0], v)), d[y][1])
    s = d[y][0] - np.correlate(tail, np.conjugate(np.atleast_1d(v)), "valid")
    e = tail + np.concatenate([np.flip(np.polydiv(np.concatenate(
        [np.flip(s), np.zeros_like(np.atleast_1d(v)[1:])]), v)[0]),
        np.zeros_like(np.atleast_1d(v)[1:])])
    d[u] = np.reshape(np.take(e, poly_tail(e, u)), np.shape(u))
    d[v] = -np.reshape(np.correlate(e, np.conjugate(np.atleast_1d(y[0])), "valid"), np.shape(v))


@tangent(np.polydiv)
def polydiv_tangent(y, u, v):
    d[y] = (np.polydiv(d[u], v)[0],
            np.take(np.polysub(d[u], np.polymul(np.polydiv(d[u], v)[0], v)),
                    poly_tail(np.polymul(y[0], v), y[1])))
    d[y] = (np.polydiv(-np.polymul(y[0], d[v]), v)[0],
            np.take(np.polysub(-np.polymul(y[0], d[v]),
                               np.polymul(np.polydiv(-np.polymul(y[0], d[v]), v)[0], v)),
                    poly_tail(np.polymul(y[0], v), y[1])))


declare(np.polydiv, library=True, containers=True, tuple_result=True)
