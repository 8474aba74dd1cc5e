"""The rest of scipy.special with closed-form derivatives (SciPy is optional:
tangentlike/templates imports this module only when SciPy is installed): orthogonal
polynomials' values in x, incomplete elliptic integrals and Carlson's R_C and R_F, the
binomial, negative binomial, F and Tukey-lambda distribution functions in their continuous
argument, and the Gaussian quadrature rules of an integer order alone (constants).

As in templates/scipy_special_more.py, a derivative in an order or shape parameter that has no
closed form (the ``n`` and ``alpha`` of ``eval_genlaguerre``, the ``lmbda`` of ``tklmbda``) is
refused when that parameter is differentiated (``no_parameter_derivative``); a constant
parameter costs nothing. The ``dfn`` and ``dfd`` of ``fdtr`` are differentiated by
tangentlike/runtime/incomplete.py's quadratures. SciPy truncates the ``k`` and ``n`` of
``bdtr`` and ``nbdtr`` (and their complements and inverses) to integers: piecewise constant,
they carry no derivative.
"""
import numpy as np
import scipy.special

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.incomplete import fdtr_ddfd, fdtr_ddfn
from tangentlike.runtime.special_more import in_dtype_of, no_parameter_derivative

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

# Gaussian quadrature nodes and weights of an integer order alone: constants.
non_differentiable(
    scipy.special.roots_chebyc, scipy.special.roots_chebys, scipy.special.roots_chebyt,
    scipy.special.roots_chebyu, scipy.special.roots_sh_chebyt, scipy.special.roots_sh_chebyu,
    scipy.special.roots_hermite, scipy.special.roots_hermitenorm,
    scipy.special.roots_laguerre, scipy.special.roots_legendre,
    scipy.special.roots_sh_legendre)


# ---------------------------------------------------------------------------------------------
# Orthogonal polynomials' values in x (DLMF 18.9.15-18.9.20): the derivative of a degree-n
# polynomial is one of degree n - 1 of the family with shifted parameters.  SciPy's value of
# degree -1 is 0 (and the factor n is 0 where it is not), so n = 0 gives 0.

@adjoint(scipy.special.eval_legendre)
def eval_legendre(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_legendre", "n")
    d[x] = unbroadcast(d[y] * (n + 1.0) * 0.5 * scipy.special.eval_jacobi(n - 1, 1.0, 1.0, x), x)


@tangent(scipy.special.eval_legendre)
def eval_legendre_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_legendre", "n")
    d[y] = d[x] * (n + 1.0) * 0.5 * scipy.special.eval_jacobi(n - 1, 1.0, 1.0, x)


@adjoint(scipy.special.eval_sh_legendre)
def eval_sh_legendre(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_sh_legendre", "n")
    d[x] = unbroadcast(d[y] * (n + 1.0) * (
        scipy.special.eval_jacobi(n - 1, 1.0, 1.0, 2.0 * x - 1.0)), x)


@tangent(scipy.special.eval_sh_legendre)
def eval_sh_legendre_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_sh_legendre", "n")
    d[y] = d[x] * (n + 1.0) * scipy.special.eval_jacobi(n - 1, 1.0, 1.0, 2.0 * x - 1.0)


@adjoint(scipy.special.eval_chebyt)
def eval_chebyt(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_chebyt", "n")
    d[x] = unbroadcast(d[y] * n * scipy.special.eval_chebyu(n - 1, x), x)


@tangent(scipy.special.eval_chebyt)
def eval_chebyt_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_chebyt", "n")
    d[y] = d[x] * n * scipy.special.eval_chebyu(n - 1, x)


@adjoint(scipy.special.eval_chebyu)
def eval_chebyu(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_chebyu", "n")
    d[x] = unbroadcast(d[y] * 2.0 * scipy.special.eval_gegenbauer(n - 1, 2.0, x), x)


@tangent(scipy.special.eval_chebyu)
def eval_chebyu_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_chebyu", "n")
    d[y] = d[x] * 2.0 * scipy.special.eval_gegenbauer(n - 1, 2.0, x)


@adjoint(scipy.special.eval_chebyc)
def eval_chebyc(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_chebyc", "n")
    d[x] = unbroadcast(d[y] * n * scipy.special.eval_chebys(n - 1, x), x)


@tangent(scipy.special.eval_chebyc)
def eval_chebyc_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_chebyc", "n")
    d[y] = d[x] * n * scipy.special.eval_chebys(n - 1, x)


@adjoint(scipy.special.eval_chebys)
def eval_chebys(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_chebys", "n")
    d[x] = unbroadcast(d[y] * scipy.special.eval_gegenbauer(n - 1, 2.0, 0.5 * x), x)


@tangent(scipy.special.eval_chebys)
def eval_chebys_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_chebys", "n")
    d[y] = d[x] * scipy.special.eval_gegenbauer(n - 1, 2.0, 0.5 * x)


@adjoint(scipy.special.eval_sh_chebyt)
def eval_sh_chebyt(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_sh_chebyt", "n")
    d[x] = unbroadcast(d[y] * 2.0 * n * scipy.special.eval_sh_chebyu(n - 1, x), x)


@tangent(scipy.special.eval_sh_chebyt)
def eval_sh_chebyt_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_sh_chebyt", "n")
    d[y] = d[x] * 2.0 * n * scipy.special.eval_sh_chebyu(n - 1, x)


@adjoint(scipy.special.eval_sh_chebyu)
def eval_sh_chebyu(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_sh_chebyu", "n")
    d[x] = unbroadcast(d[y] * 4.0 * scipy.special.eval_gegenbauer(n - 1, 2.0, 2.0 * x - 1.0), x)


@tangent(scipy.special.eval_sh_chebyu)
def eval_sh_chebyu_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_sh_chebyu", "n")
    d[y] = d[x] * 4.0 * scipy.special.eval_gegenbauer(n - 1, 2.0, 2.0 * x - 1.0)


@adjoint(scipy.special.eval_hermite)
def eval_hermite(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_hermite", "n")
    d[x] = unbroadcast(d[y] * 2.0 * n * scipy.special.eval_hermite(np.maximum(n - 1, 0), x), x)


@tangent(scipy.special.eval_hermite)
def eval_hermite_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_hermite", "n")
    d[y] = d[x] * 2.0 * n * scipy.special.eval_hermite(np.maximum(n - 1, 0), x)


@adjoint(scipy.special.eval_hermitenorm)
def eval_hermitenorm(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_hermitenorm", "n")
    d[x] = unbroadcast(d[y] * n * scipy.special.eval_hermitenorm(np.maximum(n - 1, 0), x), x)


@tangent(scipy.special.eval_hermitenorm)
def eval_hermitenorm_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_hermitenorm", "n")
    d[y] = d[x] * n * scipy.special.eval_hermitenorm(np.maximum(n - 1, 0), x)


@adjoint(scipy.special.eval_laguerre)
def eval_laguerre(y, n, x):
    d[n] = no_parameter_derivative(d[y], "eval_laguerre", "n")
    d[x] = unbroadcast(d[y] * -scipy.special.eval_genlaguerre(n - 1, 1.0, x), x)


@tangent(scipy.special.eval_laguerre)
def eval_laguerre_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "eval_laguerre", "n")
    d[y] = d[x] * -scipy.special.eval_genlaguerre(n - 1, 1.0, x)


@adjoint(scipy.special.eval_genlaguerre)
def eval_genlaguerre(y, n, alpha, x):
    d[n] = no_parameter_derivative(d[y], "eval_genlaguerre", "n")
    d[alpha] = no_parameter_derivative(d[y], "eval_genlaguerre", "alpha")
    d[x] = unbroadcast(d[y] * -scipy.special.eval_genlaguerre(n - 1, alpha + 1.0, x), x)


@tangent(scipy.special.eval_genlaguerre)
def eval_genlaguerre_tangent(y, n, alpha, x):
    d[y] = no_parameter_derivative(d[n], "eval_genlaguerre", "n")
    d[y] = no_parameter_derivative(d[alpha], "eval_genlaguerre", "alpha")
    d[y] = d[x] * -scipy.special.eval_genlaguerre(n - 1, alpha + 1.0, x)


@adjoint(scipy.special.eval_gegenbauer)
def eval_gegenbauer(y, n, alpha, x):
    d[n] = no_parameter_derivative(d[y], "eval_gegenbauer", "n")
    d[alpha] = no_parameter_derivative(d[y], "eval_gegenbauer", "alpha")
    d[x] = unbroadcast(d[y] * 2.0 * alpha * scipy.special.eval_gegenbauer(n - 1, alpha + 1.0, x), x)


@tangent(scipy.special.eval_gegenbauer)
def eval_gegenbauer_tangent(y, n, alpha, x):
    d[y] = no_parameter_derivative(d[n], "eval_gegenbauer", "n")
    d[y] = no_parameter_derivative(d[alpha], "eval_gegenbauer", "alpha")
    d[y] = d[x] * 2.0 * alpha * scipy.special.eval_gegenbauer(n - 1, alpha + 1.0, x)


@adjoint(scipy.special.eval_jacobi)
def eval_jacobi(y, n, alpha, beta, x):
    d[n] = no_parameter_derivative(d[y], "eval_jacobi", "n")
    d[alpha] = no_parameter_derivative(d[y], "eval_jacobi", "alpha")
    d[beta] = no_parameter_derivative(d[y], "eval_jacobi", "beta")
    d[x] = unbroadcast(d[y] * (n + alpha + beta + 1.0) * 0.5 * (
        scipy.special.eval_jacobi(n - 1, alpha + 1.0, beta + 1.0, x)), x)


@tangent(scipy.special.eval_jacobi)
def eval_jacobi_tangent(y, n, alpha, beta, x):
    d[y] = no_parameter_derivative(d[n], "eval_jacobi", "n")
    d[y] = no_parameter_derivative(d[alpha], "eval_jacobi", "alpha")
    d[y] = no_parameter_derivative(d[beta], "eval_jacobi", "beta")
    d[y] = d[x] * (n + alpha + beta + 1.0) * 0.5 * (
        scipy.special.eval_jacobi(n - 1, alpha + 1.0, beta + 1.0, x))


@adjoint(scipy.special.eval_sh_jacobi)
def eval_sh_jacobi(y, n, p, q, x):
    d[n] = no_parameter_derivative(d[y], "eval_sh_jacobi", "n")
    d[p] = no_parameter_derivative(d[y], "eval_sh_jacobi", "p")
    d[q] = no_parameter_derivative(d[y], "eval_sh_jacobi", "q")
    d[x] = unbroadcast(d[y] * n * (
        scipy.special.eval_sh_jacobi(np.where(n == 0, 0, n - 1), p + 2.0, q + 1.0, x)), x)


@tangent(scipy.special.eval_sh_jacobi)
def eval_sh_jacobi_tangent(y, n, p, q, x):
    d[y] = no_parameter_derivative(d[n], "eval_sh_jacobi", "n")
    d[y] = no_parameter_derivative(d[p], "eval_sh_jacobi", "p")
    d[y] = no_parameter_derivative(d[q], "eval_sh_jacobi", "q")
    d[y] = d[x] * n * scipy.special.eval_sh_jacobi(np.where(n == 0, 0, n - 1), p + 2.0, q + 1.0, x)


# ---------------------------------------------------------------------------------------------
# Binomial and negative binomial distribution functions in p.  bdtr(k, n, p) =
# betainc(n - k, k + 1, 1 - p) and nbdtr(k, n, p) = betainc(n, k + 1, p) with k and n
# truncated: the derivative in p is the beta density (its logarithm with xlogy/xlog1py, so
# p = 0 and 1 stay finite); an inverse divides by it.  in_dtype_of keeps float32 float32.

@elementwise(scipy.special.bdtr)
def bdtr(y, k, n, p):
    d[p] = unbroadcast(-d[y] * in_dtype_of(np.exp(
        scipy.special.xlogy(np.floor(k), p)
        + scipy.special.xlog1py(np.floor(n) - np.floor(k) - 1.0, -p)
        - scipy.special.betaln(np.floor(n) - np.floor(k), np.floor(k) + 1.0)), y), p)


@elementwise(scipy.special.bdtrc)
def bdtrc(y, k, n, p):
    d[p] = unbroadcast(d[y] * in_dtype_of(np.exp(
        scipy.special.xlogy(np.floor(k), p)
        + scipy.special.xlog1py(np.floor(n) - np.floor(k) - 1.0, -p)
        - scipy.special.betaln(np.floor(n) - np.floor(k), np.floor(k) + 1.0)), y), p)


@elementwise(scipy.special.bdtri)
def bdtri(p, k, n, y):
    d[y] = unbroadcast(-d[p] * in_dtype_of(np.exp(
        scipy.special.betaln(np.floor(n) - np.floor(k), np.floor(k) + 1.0)
        - scipy.special.xlogy(np.floor(k), p)
        - scipy.special.xlog1py(np.floor(n) - np.floor(k) - 1.0, -p)), p), y)


@elementwise(scipy.special.nbdtr)
def nbdtr(y, k, n, p):
    d[p] = unbroadcast(d[y] * in_dtype_of(np.exp(
        scipy.special.xlogy(np.floor(n) - 1.0, p)
        + scipy.special.xlog1py(np.floor(k), -p)
        - scipy.special.betaln(np.floor(n), np.floor(k) + 1.0)), y), p)


@elementwise(scipy.special.nbdtrc)
def nbdtrc(y, k, n, p):
    d[p] = unbroadcast(-d[y] * in_dtype_of(np.exp(
        scipy.special.xlogy(np.floor(n) - 1.0, p)
        + scipy.special.xlog1py(np.floor(k), -p)
        - scipy.special.betaln(np.floor(n), np.floor(k) + 1.0)), y), p)


@elementwise(scipy.special.nbdtri)
def nbdtri(p, k, n, y):
    d[y] = unbroadcast(d[p] * in_dtype_of(np.exp(
        scipy.special.betaln(np.floor(n), np.floor(k) + 1.0)
        - scipy.special.xlogy(np.floor(n) - 1.0, p)
        - scipy.special.xlog1py(np.floor(k), -p)), p), y)


# F distribution: fdtr(dfn, dfd, x) has the density
# exp(a log(dfn) + b log(dfd) + (a - 1) log(x) - (a + b) log(dfd + dfn x) - betaln(a, b)),
# a = dfn / 2, b = dfd / 2; fdtri(dfn, dfd, p) divides by it.  The degrees of freedom's
# derivatives are tangentlike/runtime/incomplete.py's quadratures (fdtr_ddfn, fdtr_ddfd).

@adjoint(scipy.special.fdtr)
def fdtr(y, dfn, dfd, x):
    d[dfn] = unbroadcast(d[y] * in_dtype_of(fdtr_ddfn(dfn, dfd, x), y), dfn)
    d[dfd] = unbroadcast(d[y] * in_dtype_of(fdtr_ddfd(dfn, dfd, x), y), dfd)
    d[x] = unbroadcast(d[y] * in_dtype_of(np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)), y), x)


@tangent(scipy.special.fdtr)
def fdtr_tangent(y, dfn, dfd, x):
    d[y] = d[dfn] * in_dtype_of(fdtr_ddfn(dfn, dfd, x), y)
    d[y] = d[dfd] * in_dtype_of(fdtr_ddfd(dfn, dfd, x), y)
    d[y] = d[x] * in_dtype_of(np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)), y)


@adjoint(scipy.special.fdtrc)
def fdtrc(y, dfn, dfd, x):
    d[dfn] = unbroadcast(-d[y] * in_dtype_of(fdtr_ddfn(dfn, dfd, x), y), dfn)
    d[dfd] = unbroadcast(-d[y] * in_dtype_of(fdtr_ddfd(dfn, dfd, x), y), dfd)
    d[x] = unbroadcast(-d[y] * in_dtype_of(np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)), y), x)


@tangent(scipy.special.fdtrc)
def fdtrc_tangent(y, dfn, dfd, x):
    d[y] = -d[dfn] * in_dtype_of(fdtr_ddfn(dfn, dfd, x), y)
    d[y] = -d[dfd] * in_dtype_of(fdtr_ddfd(dfn, dfd, x), y)
    d[y] = -d[x] * in_dtype_of(np.exp(
        0.5 * dfn * np.log(dfn) + 0.5 * dfd * np.log(dfd)
        + scipy.special.xlogy(0.5 * dfn - 1.0, x) - 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)
        - scipy.special.betaln(0.5 * dfn, 0.5 * dfd)), y)


@adjoint(scipy.special.fdtri)
def fdtri(x, dfn, dfd, p):
    slope = in_dtype_of(np.exp(
        scipy.special.betaln(0.5 * dfn, 0.5 * dfd) - 0.5 * dfn * np.log(dfn)
        - 0.5 * dfd * np.log(dfd) - scipy.special.xlogy(0.5 * dfn - 1.0, x)
        + 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)), x)
    d[dfn] = unbroadcast(-d[x] * in_dtype_of(fdtr_ddfn(dfn, dfd, x), x) * slope, dfn)
    d[dfd] = unbroadcast(-d[x] * in_dtype_of(fdtr_ddfd(dfn, dfd, x), x) * slope, dfd)
    d[p] = unbroadcast(d[x] * slope, p)


@tangent(scipy.special.fdtri)
def fdtri_tangent(x, dfn, dfd, p):
    slope = in_dtype_of(np.exp(
        scipy.special.betaln(0.5 * dfn, 0.5 * dfd) - 0.5 * dfn * np.log(dfn)
        - 0.5 * dfd * np.log(dfd) - scipy.special.xlogy(0.5 * dfn - 1.0, x)
        + 0.5 * (dfn + dfd) * np.log(dfd + dfn * x)), x)
    d[x] = -d[dfn] * in_dtype_of(fdtr_ddfn(dfn, dfd, x), x) * slope
    d[x] = -d[dfd] * in_dtype_of(fdtr_ddfd(dfn, dfd, x), x) * slope
    d[x] = d[p] * slope


# Tukey lambda: p = tklmbda(x, lmbda) inverts x = (p**lmbda - (1 - p)**lmbda) / lmbda, so
# dp/dx = 1 / (p**(lmbda - 1) + (1 - p)**(lmbda - 1)) inside the support (0 < p < 1; the
# logistic p (1 - p) at lmbda = 0) and 0 outside it.  lmbda is refused.

@adjoint(scipy.special.tklmbda)
def tklmbda(p, x, lmbda):
    d[lmbda] = no_parameter_derivative(d[p], "tklmbda", "lmbda")
    d[x] = unbroadcast(d[p] * np.where((p > 0.0) & (p < 1.0), 1.0 / (
        np.power(p, lmbda - 1.0) + np.power(1.0 - p, lmbda - 1.0)), 0.0), x)


@tangent(scipy.special.tklmbda)
def tklmbda_tangent(p, x, lmbda):
    d[p] = no_parameter_derivative(d[lmbda], "tklmbda", "lmbda")
    d[p] = d[x] * np.where((p > 0.0) & (p < 1.0), 1.0 / (
        np.power(p, lmbda - 1.0) + np.power(1.0 - p, lmbda - 1.0)), 0.0)


# ---------------------------------------------------------------------------------------------
# Incomplete elliptic integrals (DLMF 19.4.2, 19.4.4 with F' = 1 / Delta, E' = Delta,
# Delta = sqrt(1 - m sin(phi)**2)); the derivatives in m divide by m: NaN at m = 0 exactly.

@adjoint(scipy.special.ellipkinc)
def ellipkinc(y, phi, m):
    d[phi] = unbroadcast(d[y] / np.sqrt(1.0 - m * np.sin(phi) ** 2), phi)
    d[m] = unbroadcast(d[y] * (
        scipy.special.ellipeinc(phi, m) / (2.0 * m * (1.0 - m)) - y / (2.0 * m)
        - np.sin(2.0 * phi) / (4.0 * (1.0 - m) * np.sqrt(1.0 - m * np.sin(phi) ** 2))), m)


@tangent(scipy.special.ellipkinc)
def ellipkinc_tangent(y, phi, m):
    d[y] = d[phi] / np.sqrt(1.0 - m * np.sin(phi) ** 2)
    d[y] = d[m] * (
        scipy.special.ellipeinc(phi, m) / (2.0 * m * (1.0 - m)) - y / (2.0 * m)
        - np.sin(2.0 * phi) / (4.0 * (1.0 - m) * np.sqrt(1.0 - m * np.sin(phi) ** 2)))


@adjoint(scipy.special.ellipeinc)
def ellipeinc(y, phi, m):
    d[phi] = unbroadcast(d[y] * np.sqrt(1.0 - m * np.sin(phi) ** 2), phi)
    d[m] = unbroadcast(d[y] * (y - scipy.special.ellipkinc(phi, m)) / (2.0 * m), m)


@tangent(scipy.special.ellipeinc)
def ellipeinc_tangent(y, phi, m):
    d[y] = d[phi] * np.sqrt(1.0 - m * np.sin(phi) ** 2)
    d[y] = d[m] * (y - scipy.special.ellipkinc(phi, m)) / (2.0 * m)


# Carlson's R_C(x, y) (DLMF 19.2.17-19.2.18; the Cauchy principal value for y < 0):
# dR_C/dx = (R_C - 1 / sqrt(x)) / (2 (y - x)), dR_C/dy = (sqrt(x) / y - R_C) / (2 (y - x)).
@adjoint(scipy.special.elliprc)
def elliprc(z, x, y):
    d[x] = unbroadcast(d[z] * (z - 1.0 / np.sqrt(x)) / (2.0 * (y - x)), x)
    d[y] = unbroadcast(d[z] * (np.sqrt(x) / y - z) / (2.0 * (y - x)), y)


@tangent(scipy.special.elliprc)
def elliprc_tangent(z, x, y):
    d[z] = d[x] * (z - 1.0 / np.sqrt(x)) / (2.0 * (y - x))
    d[z] = d[y] * (np.sqrt(x) / y - z) / (2.0 * (y - x))


# R_F(x, y, z): dR_F/dz = -R_D(x, y, z) / 6 (DLMF 19.18.1), symmetric in x, y, z.  (R_D has
# no rule: first order only.)
@adjoint(scipy.special.elliprf)
def elliprf(r, x, y, z):
    d[x] = unbroadcast(-d[r] * scipy.special.elliprd(y, z, x) / 6.0, x)
    d[y] = unbroadcast(-d[r] * scipy.special.elliprd(z, x, y) / 6.0, y)
    d[z] = unbroadcast(-d[r] * scipy.special.elliprd(x, y, z) / 6.0, z)


@tangent(scipy.special.elliprf)
def elliprf_tangent(r, x, y, z):
    d[r] = -d[x] * scipy.special.elliprd(y, z, x) / 6.0
    d[r] = -d[y] * scipy.special.elliprd(z, x, y) / 6.0
    d[r] = -d[z] * scipy.special.elliprd(x, y, z) / 6.0


# ---------------------------------------------------------------------------------------------
# Holomorphic functions with complex results (autograd's convention: the adjoint of a real
# argument is the real part, which unbroadcast keeps).  lambertw: W e**W = z, so
# W' = exp(-W) / (1 + W) (infinite at the branch point z = -1/e); the branch k and tol are
# constants.  wofz, the Faddeeva function: w' = -2 z w + 2i / sqrt(pi).

@adjoint(scipy.special.lambertw)
def lambertw(w, z, k=0, tol=1e-8):
    d[z] = unbroadcast(d[w] * np.exp(-w) / (1.0 + w), z)


@tangent(scipy.special.lambertw)
def lambertw_tangent(w, z, k=0, tol=1e-8):
    d[w] = d[z] * np.exp(-w) / (1.0 + w)


@adjoint(scipy.special.wofz)
def wofz(w, z):
    d[z] = unbroadcast(d[w] * (1.1283791670955126j - 2.0 * z * w), z)


@tangent(scipy.special.wofz)
def wofz_tangent(w, z):
    d[w] = d[z] * (1.1283791670955126j - 2.0 * z * w)


# voigt_profile(x, sigma, gamma) = Re w(t) / (sigma sqrt(2 pi)), t = (x + i gamma) /
# (sigma sqrt(2)): through w'(t) = -2 t w(t) + 2i / sqrt(pi) (NaN at sigma = 0, where SciPy
# switches to the Lorentzian).
@adjoint(scipy.special.voigt_profile)
def voigt_profile(v, x, sigma, gamma):
    t = (x + 1j * gamma) / (sigma * 1.4142135623730951)
    slope = (1.1283791670955126j - 2.0 * t * scipy.special.wofz(t)) / (
        sigma * sigma * 3.5449077018110318)
    d[x] = unbroadcast(d[v] * np.real(slope), x)
    d[gamma] = unbroadcast(-d[v] * np.imag(slope), gamma)
    d[sigma] = unbroadcast(-d[v] * (np.real(slope * t) * 1.4142135623730951 + v / sigma),
                           sigma)


@tangent(scipy.special.voigt_profile)
def voigt_profile_tangent(v, x, sigma, gamma):
    t = (x + 1j * gamma) / (sigma * 1.4142135623730951)
    slope = (1.1283791670955126j - 2.0 * t * scipy.special.wofz(t)) / (
        sigma * sigma * 3.5449077018110318)
    d[v] = d[x] * np.real(slope)
    d[v] = -d[gamma] * np.imag(slope)
    d[v] = -d[sigma] * (np.real(slope * t) * 1.4142135623730951 + v / sigma)


# ---------------------------------------------------------------------------------------------
# Airy functions: airy(z) = (Ai, Ai', Bi, Bi') with Ai'' = z Ai and Bi'' = z Bi (holomorphic);
# itairy(x) = the integrals from 0 to x of Ai(t), Bi(t), Ai(-t), Bi(-t).

@adjoint(scipy.special.airy)
def airy(y, z):
    d[z] = d[y][0] * y[1] + d[y][1] * z * y[0] + d[y][2] * y[3] + d[y][3] * z * y[2]


@tangent(scipy.special.airy)
def airy_tangent(y, z):
    d[y] = (d[z] * y[1], d[z] * z * y[0], d[z] * y[3], d[z] * z * y[2])


@adjoint(scipy.special.itairy)
def itairy(y, x):
    d[x] = (d[y][0] * scipy.special.airy(x)[0] + d[y][1] * scipy.special.airy(x)[2]
            + d[y][2] * scipy.special.airy(-x)[0] + d[y][3] * scipy.special.airy(-x)[2])


@tangent(scipy.special.itairy)
def itairy_tangent(y, x):
    d[y] = (d[x] * scipy.special.airy(x)[0], d[x] * scipy.special.airy(x)[2],
            d[x] * scipy.special.airy(-x)[0], d[x] * scipy.special.airy(-x)[2])


# ---------------------------------------------------------------------------------------------
# Hankel functions in z (holomorphic; the order v is refused): H' = (H_(v-1) - H_(v+1)) / 2;
# hankel1e = hankel1 exp(-iz) and hankel2e = hankel2 exp(iz) add -i and +i times themselves;
# h1vp(v, z, n), the n-th derivative, has the derivative h1vp(v, z, n + 1) (n a constant).

@adjoint(scipy.special.hankel1)
def hankel1(y, v, z):
    d[v] = no_parameter_derivative(d[y], "hankel1", "v")
    d[z] = unbroadcast(d[y] * 0.5 * (scipy.special.hankel1(v - 1.0, z)
                                     - scipy.special.hankel1(v + 1.0, z)), z)


@tangent(scipy.special.hankel1)
def hankel1_tangent(y, v, z):
    d[y] = no_parameter_derivative(d[v], "hankel1", "v")
    d[y] = d[z] * 0.5 * (scipy.special.hankel1(v - 1.0, z) - scipy.special.hankel1(v + 1.0, z))


@adjoint(scipy.special.hankel2)
def hankel2(y, v, z):
    d[v] = no_parameter_derivative(d[y], "hankel2", "v")
    d[z] = unbroadcast(d[y] * 0.5 * (scipy.special.hankel2(v - 1.0, z)
                                     - scipy.special.hankel2(v + 1.0, z)), z)


@tangent(scipy.special.hankel2)
def hankel2_tangent(y, v, z):
    d[y] = no_parameter_derivative(d[v], "hankel2", "v")
    d[y] = d[z] * 0.5 * (scipy.special.hankel2(v - 1.0, z) - scipy.special.hankel2(v + 1.0, z))


@adjoint(scipy.special.hankel1e)
def hankel1e(y, v, z):
    d[v] = no_parameter_derivative(d[y], "hankel1e", "v")
    d[z] = unbroadcast(d[y] * (0.5 * (scipy.special.hankel1e(v - 1.0, z)
                                      - scipy.special.hankel1e(v + 1.0, z)) - 1j * y), z)


@tangent(scipy.special.hankel1e)
def hankel1e_tangent(y, v, z):
    d[y] = no_parameter_derivative(d[v], "hankel1e", "v")
    d[y] = d[z] * (0.5 * (scipy.special.hankel1e(v - 1.0, z)
                          - scipy.special.hankel1e(v + 1.0, z)) - 1j * y)


@adjoint(scipy.special.hankel2e)
def hankel2e(y, v, z):
    d[v] = no_parameter_derivative(d[y], "hankel2e", "v")
    d[z] = unbroadcast(d[y] * (0.5 * (scipy.special.hankel2e(v - 1.0, z)
                                      - scipy.special.hankel2e(v + 1.0, z)) + 1j * y), z)


@tangent(scipy.special.hankel2e)
def hankel2e_tangent(y, v, z):
    d[y] = no_parameter_derivative(d[v], "hankel2e", "v")
    d[y] = d[z] * (0.5 * (scipy.special.hankel2e(v - 1.0, z)
                          - scipy.special.hankel2e(v + 1.0, z)) + 1j * y)


@adjoint(scipy.special.h1vp)
def h1vp(y, v, z, n=1):
    d[v] = no_parameter_derivative(d[y], "h1vp", "v")
    d[z] = unbroadcast(d[y] * scipy.special.h1vp(v, z, n + 1), z)


@tangent(scipy.special.h1vp)
def h1vp_tangent(y, v, z, n=1):
    d[y] = no_parameter_derivative(d[v], "h1vp", "v")
    d[y] = d[z] * scipy.special.h1vp(v, z, n + 1)


@adjoint(scipy.special.h2vp)
def h2vp(y, v, z, n=1):
    d[v] = no_parameter_derivative(d[y], "h2vp", "v")
    d[z] = unbroadcast(d[y] * scipy.special.h2vp(v, z, n + 1), z)


@tangent(scipy.special.h2vp)
def h2vp_tangent(y, v, z, n=1):
    d[y] = no_parameter_derivative(d[v], "h2vp", "v")
    d[y] = d[z] * scipy.special.h2vp(v, z, n + 1)


# ---------------------------------------------------------------------------------------------
# Complex results of a real argument, the adjoint's real part kept by unbroadcast.
# modfresnelp(x) = (fp, kp), fp = the integral of exp(i t**2) from x to infinity and
# kp = exp(-i (x**2 + pi / 4)) fp / sqrt(pi): fp' = -exp(i x**2),
# kp' = -2i x kp - exp(-i pi / 4) / sqrt(pi); modfresnelm the same with -i.

@adjoint(scipy.special.modfresnelp)
def modfresnelp(y, x):
    d[x] = unbroadcast(-d[y][0] * np.exp(1j * x * x) - d[y][1] * (
        2j * x * y[1] + (0.3989422804014327 - 0.3989422804014327j)), x)


@tangent(scipy.special.modfresnelp)
def modfresnelp_tangent(y, x):
    d[y] = (-d[x] * np.exp(1j * x * x),
            -d[x] * (2j * x * y[1] + (0.3989422804014327 - 0.3989422804014327j)))


@adjoint(scipy.special.modfresnelm)
def modfresnelm(y, x):
    d[x] = unbroadcast(-d[y][0] * np.exp(-1j * x * x) + d[y][1] * (
        2j * x * y[1] - (0.3989422804014327 + 0.3989422804014327j)), x)


@tangent(scipy.special.modfresnelm)
def modfresnelm_tangent(y, x):
    d[y] = (-d[x] * np.exp(-1j * x * x),
            d[x] * (2j * x * y[1] - (0.3989422804014327 + 0.3989422804014327j)))


# kelvin(x) = (Be, Ke, Bep, Kep), Be = ber + i bei and Ke = ker + i kei, which solve
# w'' = i w - w' / x (the Kelvin equation of order 0).
@adjoint(scipy.special.kelvin)
def kelvin(y, x):
    d[x] = unbroadcast(d[y][0] * y[2] + d[y][1] * y[3] + d[y][2] * (1j * y[0] - y[2] / x)
                       + d[y][3] * (1j * y[1] - y[3] / x), x)


@tangent(scipy.special.kelvin)
def kelvin_tangent(y, x):
    d[y] = (d[x] * y[2], d[x] * y[3], d[x] * (1j * y[0] - y[2] / x),
            d[x] * (1j * y[1] - y[3] / x))


# ---------------------------------------------------------------------------------------------
# Riccati-Bessel functions of orders 0..n of a scalar x: riccati_jn(n, x) = (S, S'), which
# solve S_k'' = (k (k + 1) / x**2 - 1) S_k (riccati_yn the same); n is a constant.

@adjoint(scipy.special.riccati_jn, tuple_result=True)
def riccati_jn(y, n, x):
    d[x] = np.sum(d[y][0] * y[1] + d[y][1] * (
        np.arange(n + 1) * (np.arange(n + 1) + 1.0) / (x * x) - 1.0) * y[0])


@tangent(scipy.special.riccati_jn, tuple_result=True)
def riccati_jn_tangent(y, n, x):
    d[y] = (d[x] * y[1],
            d[x] * (np.arange(n + 1) * (np.arange(n + 1) + 1.0) / (x * x) - 1.0) * y[0])


@adjoint(scipy.special.riccati_yn, tuple_result=True)
def riccati_yn(y, n, x):
    d[x] = np.sum(d[y][0] * y[1] + d[y][1] * (
        np.arange(n + 1) * (np.arange(n + 1) + 1.0) / (x * x) - 1.0) * y[0])


@tangent(scipy.special.riccati_yn, tuple_result=True)
def riccati_yn_tangent(y, n, x):
    d[y] = (d[x] * y[1],
            d[x] * (np.arange(n + 1) * (np.arange(n + 1) + 1.0) / (x * x) - 1.0) * y[0])


# lpmv(m, v, x), the associated Legendre function: (x**2 - 1) P' = v x P - (v + m) P_(v-1)
# (infinite at x = +-1); the order m and degree v are refused.
@adjoint(scipy.special.lpmv)
def lpmv(y, m, v, x):
    d[m] = no_parameter_derivative(d[y], "lpmv", "m")
    d[v] = no_parameter_derivative(d[y], "lpmv", "v")
    d[x] = unbroadcast(d[y] * (v * x * y - (v + m) * scipy.special.lpmv(m, v - 1.0, x))
                       / (x * x - 1.0), x)


@tangent(scipy.special.lpmv)
def lpmv_tangent(y, m, v, x):
    d[y] = no_parameter_derivative(d[m], "lpmv", "m")
    d[y] = no_parameter_derivative(d[v], "lpmv", "v")
    d[y] = d[x] * (v * x * y - (v + m) * scipy.special.lpmv(m, v - 1.0, x)) / (x * x - 1.0)
