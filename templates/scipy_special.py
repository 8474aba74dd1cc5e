"""scipy.special (SciPy is optional: tangentlike/templates imports this module only when SciPy
is installed).

Every derivative is written with functions that have rules themselves, so derivatives of
derivatives (Hessian-vector products) work.  Where a closed form divides by ``x`` (``i1``,
``i1e``, ``j1``, ``y1``), the derivative at exactly ``x = 0`` is NaN.  ``polygamma`` is
differentiable in ``x`` only (its order ``n`` is an integer).
"""
import numpy as np
import scipy.special

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, tangent
from tangentlike.runtime import unbroadcast, unreduce, zeros_like
from tangentlike.runtime.linalg import real_matrix
from tangentlike.runtime.special import polygamma_like

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

# 2 / sqrt(pi) and sqrt(pi) / 2, as literals (templates read them into the generated code).
# erf'(x) = 2 / sqrt(pi) exp(-x**2); erfinv'(x) = sqrt(pi) / 2 exp(erfinv(x)**2).


# ---------------------------------------------------------------------------------------------
# Error functions and the logistic function.

@elementwise(scipy.special.erf)
def erf(y, x):
    d[x] = d[y] * 1.1283791670955126 * np.exp(-x * x)


@elementwise(scipy.special.erfc)
def erfc(y, x):
    d[x] = -d[y] * 1.1283791670955126 * np.exp(-x * x)


@elementwise(scipy.special.erfinv)
def erfinv(y, x):
    d[x] = d[y] * 0.8862269254527580 * np.exp(y * y)


@elementwise(scipy.special.erfcinv)
def erfcinv(y, x):
    d[x] = -d[y] * 0.8862269254527580 * np.exp(y * y)


@elementwise(scipy.special.expit)
def expit(y, x):
    d[x] = d[y] * y * (1.0 - y)


@elementwise(scipy.special.logit)
def logit(y, x):
    d[x] = d[y] / (x * (1.0 - x))


# ---------------------------------------------------------------------------------------------
# Gamma and beta functions.  ``scipy.special.psi`` is ``digamma``.

@elementwise(scipy.special.gamma)
def gamma(y, x):
    d[x] = d[y] * y * scipy.special.digamma(x)


@elementwise(scipy.special.gammaln)
def gammaln(y, x):
    d[x] = d[y] * scipy.special.digamma(x)


@elementwise(scipy.special.digamma)
def digamma(y, x):
    d[x] = d[y] * polygamma_like(1, x)


@elementwise(scipy.special.polygamma)
def polygamma(y, n, x):
    d[x] = unbroadcast(d[y] * polygamma_like(n + 1, x), x)


# polygamma_like(n, x) is scipy.special.polygamma(n, x) in x's floating point type.
@elementwise(polygamma_like)
def polygamma_like_adjoint(y, n, x):
    d[x] = unbroadcast(d[y] * polygamma_like(n + 1, x), x)


@adjoint(scipy.special.beta)
def beta(y, a, b):
    d[a] = unbroadcast(d[y] * y * (scipy.special.digamma(a) - scipy.special.digamma(a + b)), a)
    d[b] = unbroadcast(d[y] * y * (scipy.special.digamma(b) - scipy.special.digamma(a + b)), b)


@tangent(scipy.special.beta)
def beta_tangent(y, a, b):
    d[y] = d[a] * y * (scipy.special.digamma(a) - scipy.special.digamma(a + b))
    d[y] = d[b] * y * (scipy.special.digamma(b) - scipy.special.digamma(a + b))


@adjoint(scipy.special.betaln)
def betaln(y, a, b):
    d[a] = unbroadcast(d[y] * (scipy.special.digamma(a) - scipy.special.digamma(a + b)), a)
    d[b] = unbroadcast(d[y] * (scipy.special.digamma(b) - scipy.special.digamma(a + b)), b)


@tangent(scipy.special.betaln)
def betaln_tangent(y, a, b):
    d[y] = d[a] * (scipy.special.digamma(a) - scipy.special.digamma(a + b))
    d[y] = d[b] * (scipy.special.digamma(b) - scipy.special.digamma(a + b))


# ---------------------------------------------------------------------------------------------
# Log-sum-exp and softmax.  The weights of logsumexp are the softmax of a (times b):
# exp(a - y), with y spread back over the reduced axes.  With return_sign=True the result is
# (y, sign), sum(b exp(a)) = sign exp(y): the weights are sign b exp(a - y), and the sign is a
# constant (piecewise: it carries no derivative).

@adjoint(scipy.special.logsumexp, tuple_result=True)
def logsumexp(y, a, axis=None, b=None, keepdims=False, return_sign=False):
    if return_sign:
        s = real_matrix(y[1], "scipy.special.logsumexp(return_sign=True)")  # 1 without b
        if b is None:
            d[a] = (unreduce(d[y][0] * s, a, axis, keepdims)
                    * np.exp(a - unreduce(y[0], a, axis, keepdims)))
        else:
            d[a] = unbroadcast(unreduce(d[y][0] * s, a * b, axis, keepdims)
                               * b * np.exp(a - unreduce(y[0], a * b, axis, keepdims)), a)
            d[b] = unbroadcast(unreduce(d[y][0] * s, a * b, axis, keepdims)
                               * np.exp(a - unreduce(y[0], a * b, axis, keepdims)), b)
    elif b is None:
        d[a] = (unreduce(d[y], a, axis, keepdims)
                * np.exp(a - unreduce(y, a, axis, keepdims)))
    else:
        d[a] = unbroadcast(unreduce(d[y], a * b, axis, keepdims)
                           * b * np.exp(a - unreduce(y, a * b, axis, keepdims)), a)
        d[b] = unbroadcast(unreduce(d[y], a * b, axis, keepdims)
                           * np.exp(a - unreduce(y, a * b, axis, keepdims)), b)


@tangent(scipy.special.logsumexp, tuple_result=True)
def logsumexp_tangent(y, a, axis=None, b=None, keepdims=False, return_sign=False):
    if return_sign:
        s = real_matrix(y[1], "scipy.special.logsumexp(return_sign=True)")  # 1 without b
        if b is None:
            d[y] = (s * np.sum(d[a] * np.exp(a - unreduce(y[0], a, axis, keepdims)),
                           axis=axis, keepdims=keepdims), zeros_like(y[1]))
        else:
            d[y] = (s * np.sum(d[a] * b * np.exp(a - unreduce(y[0], a * b, axis, keepdims)),
                                  axis=axis, keepdims=keepdims), zeros_like(y[1]))
            d[y] = (s * np.sum(d[b] * np.exp(a - unreduce(y[0], a * b, axis, keepdims)),
                                  axis=axis, keepdims=keepdims), zeros_like(y[1]))
    elif b is None:
        d[y] = np.sum(d[a] * np.exp(a - unreduce(y, a, axis, keepdims)),
                      axis=axis, keepdims=keepdims)
    else:
        d[y] = np.sum(d[a] * b * np.exp(a - unreduce(y, a * b, axis, keepdims)),
                      axis=axis, keepdims=keepdims)
        d[y] = np.sum(d[b] * np.exp(a - unreduce(y, a * b, axis, keepdims)),
                      axis=axis, keepdims=keepdims)


# With return_sign=True the result is a tuple: its tangents and adjoints are added with add_grad
# (tuple_result, above).
declare(scipy.special.logsumexp, library=True, containers=True)


@adjoint(scipy.special.softmax)
def softmax(y, x, axis=None):
    d[x] = y * (d[y] - np.sum(d[y] * y, axis=axis, keepdims=True))


@tangent(scipy.special.softmax)
def softmax_tangent(y, x, axis=None):
    d[y] = y * (d[x] - np.sum(d[x] * y, axis=axis, keepdims=True))


@adjoint(scipy.special.log_softmax)
def log_softmax(y, x, axis=None):
    d[x] = d[y] - np.exp(y) * np.sum(d[y], axis=axis, keepdims=True)


@tangent(scipy.special.log_softmax)
def log_softmax_tangent(y, x, axis=None):
    d[y] = d[x] - np.sum(d[x] * np.exp(y), axis=axis, keepdims=True)


# ---------------------------------------------------------------------------------------------
# x log(y) and x log(1 + y).

@adjoint(scipy.special.xlogy)
def xlogy(z, x, y):
    d[x] = unbroadcast(d[z] * np.log(y), x)
    d[y] = unbroadcast(d[z] * x / y, y)


@tangent(scipy.special.xlogy)
def xlogy_tangent(z, x, y):
    d[z] = d[x] * np.log(y)
    d[z] = d[y] * x / y


@adjoint(scipy.special.xlog1py)
def xlog1py(z, x, y):
    d[x] = unbroadcast(d[z] * np.log1p(y), x)
    d[y] = unbroadcast(d[z] * x / (1.0 + y), y)


@tangent(scipy.special.xlog1py)
def xlog1py_tangent(z, x, y):
    d[z] = d[x] * np.log1p(y)
    d[z] = d[y] * x / (1.0 + y)


# ---------------------------------------------------------------------------------------------
# Bessel functions: modified of the first kind (i0 i1, and scaled by exp(-|x|): i0e i1e), and of
# the first and second kinds (j0 j1 y0 y1).  I0' = I1, I1' = I0 - I1/x, J0' = -J1,
# J1' = J0 - J1/x, and the same for Y.

@elementwise(scipy.special.i0)
def i0(y, x):
    d[x] = d[y] * scipy.special.i1(x)


@elementwise(scipy.special.i1)
def i1(y, x):
    d[x] = d[y] * (scipy.special.i0(x) - y / x)


@elementwise(scipy.special.i0e)
def i0e(y, x):
    d[x] = d[y] * (scipy.special.i1e(x) - np.sign(x) * y)


@elementwise(scipy.special.i1e)
def i1e(y, x):
    d[x] = d[y] * (scipy.special.i0e(x) - y / x - np.sign(x) * y)


@elementwise(scipy.special.j0)
def j0(y, x):
    d[x] = -d[y] * scipy.special.j1(x)


@elementwise(scipy.special.j1)
def j1(y, x):
    d[x] = d[y] * (scipy.special.j0(x) - y / x)


@elementwise(scipy.special.y0)
def y0(y, x):
    d[x] = -d[y] * scipy.special.y1(x)


@elementwise(scipy.special.y1)
def y1(y, x):
    d[x] = d[y] * (scipy.special.y0(x) - y / x)

