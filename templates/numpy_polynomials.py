"""NumPy's polynomials as coefficient arrays (1-d, highest power first): ``polyval polyadd
polysub polymul polyder polyint polyfit``.

All but polyval are linear in the coefficients: a sum or difference (the shorter polynomial
padded in front), a convolution (polymul), fixed factors (polyder, polyint), least squares
(polyfit, linear in y for fixed x and weights).  The integration constants of polyint and the
x and weights of polyfit are constants: differentiating them is refused.
"""
import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import zeros_like
from tangentlike.runtime.statistics import (
    no_derivative,
    poly_powers,
    poly_tail,
    polyder_factors,
    polyfit_matrix,
    polyint_factors,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(poly_powers, poly_tail, polyder_factors, polyfit_matrix, polyint_factors)



@adjoint(np.polyval)
def polyval(y, p, x):
    d[p] = np.sum(np.expand_dims(d[y], -1) * np.expand_dims(x, -1) ** poly_powers(p, x),
                  axis=tuple(range(np.ndim(y))))
    d[x] = d[y] * np.polyval(np.polyder(p), x)


@tangent(np.polyval)
def polyval_tangent(y, p, x):
    d[y] = np.polyval(d[p], x)
    d[y] = np.polyval(np.polyder(p), x) * d[x]


@adjoint(np.polyadd)
def polyadd(y, a1, a2):
    d[a1] = np.reshape(np.take(d[y], poly_tail(y, a1)), np.shape(a1))
    d[a2] = np.reshape(np.take(d[y], poly_tail(y, a2)), np.shape(a2))


@tangent(np.polyadd)
def polyadd_tangent(y, a1, a2):
    d[y] = np.polyadd(d[a1], zeros_like(a2))
    d[y] = np.polyadd(zeros_like(a1), d[a2])


@adjoint(np.polysub)
def polysub(y, a1, a2):
    d[a1] = np.reshape(np.take(d[y], poly_tail(y, a1)), np.shape(a1))
    d[a2] = -np.reshape(np.take(d[y], poly_tail(y, a2)), np.shape(a2))


@tangent(np.polysub)
def polysub_tangent(y, a1, a2):
    d[y] = np.polysub(d[a1], zeros_like(a2))
    d[y] = np.polysub(zeros_like(a1), d[a2])


# The product of polynomials is the convolution of their coefficients.
@adjoint(np.polymul)
def polymul(y, a1, a2):
    # np.correlate conjugates its second argument: conjugated back, for complex coefficients
    d[a1] = np.reshape(np.correlate(d[y], np.conjugate(np.atleast_1d(a2)), "valid"),
                       np.shape(a1))
    d[a2] = np.reshape(np.correlate(d[y], np.conjugate(np.atleast_1d(a1)), "valid"),
                       np.shape(a2))


@tangent(np.polymul)
def polymul_tangent(y, a1, a2):
    d[y] = np.polymul(d[a1], a2)
    d[y] = np.polymul(a1, d[a2])


@adjoint(np.polyder)
def polyder(y, p, m=1):
    d[p] = np.pad(d[y] * polyder_factors(p, m), (0, np.size(p) - np.size(y)))


@tangent(np.polyder)
def polyder_tangent(y, p, m=1):
    d[y] = np.polyder(d[p], m)


# The integration constants k come last; they are constants here.
@adjoint(np.polyint)
def polyint(y, p, m=1, k=None):
    d[p] = np.take(d[y], np.arange(np.size(p))) * polyint_factors(p, m)
    d[k] = no_derivative("np.polyint", "k", "add the constants' polynomial with np.polyadd")


@tangent(np.polyint)
def polyint_tangent(y, p, m=1, k=None):
    d[y] = np.polyint(d[p], m)
    d[y] = no_derivative("np.polyint", "k",
                         "add the constants' polynomial with np.polyadd") * d[k]


# Least squares is linear in y for fixed x and weights: c = P @ y.
@adjoint(np.polyfit)
def polyfit(c, x, y, deg, rcond=None, full=False, w=None, cov=False):
    d[y] = np.transpose(polyfit_matrix(x, deg, rcond, full, w, cov)) @ d[c]
    d[x] = no_derivative("np.polyfit", "x", "only y may be differentiated; x is fixed")
    d[w] = no_derivative("np.polyfit", "w", "pass the weights as constants")


@tangent(np.polyfit)
def polyfit_tangent(c, x, y, deg, rcond=None, full=False, w=None, cov=False):
    d[c] = polyfit_matrix(x, deg, rcond, full, w, cov) @ d[y]
    d[c] = no_derivative("np.polyfit", "x", "only y may be differentiated; x is fixed") * d[x]
    d[c] = no_derivative("np.polyfit", "w", "pass the weights as constants") * d[w]
