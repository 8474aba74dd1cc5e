"""More of scipy.special (SciPy is optional: tangentlike/templates imports this module only
when SciPy is installed): the closed-form derivatives beyond templates/scipy_special.py.

Every derivative is written with functions that have rules themselves, so derivatives of
derivatives (Hessian-vector products) work. A derivative in an order or shape parameter that
has no closed form (the order ``v`` of ``jv``, the ``a, b`` of ``hyp1f1``, ...) is refused when
that parameter is differentiated (``no_parameter_derivative``, a ``ValueRefusedError`` naming
the function and the parameter); a constant parameter costs nothing. The incomplete gamma and
beta functions' parameters (``gammainc``, ``betainc``, ``chdtr``, ``gdtr`` and their inverses)
are differentiated by tangentlike/runtime/incomplete.py's quadratures
(templates/scipy_incomplete.py). An integer parameter that SciPy truncates (the ``k`` of
``pdtr``) is piecewise constant: its derivative is zero. Where a closed form divides by the
argument (``expi``, ``exp1``, ``exprel``, ``k1``, ``sici``, ...), the derivative at exactly 0
is NaN or infinite, as it is at a pole.
"""
import numpy as np
import scipy.special

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.incomplete import betainc_da, betainc_db, gammainc_da, stdtr_ddf
from tangentlike.runtime.linalg import real_matrix
from tangentlike.runtime.special_more import (
    in_dtype_of,
    multipolygamma,
    no_parameter_derivative,
)

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(no_parameter_derivative)


# in_dtype_of(v, x) is v in x's floating point type: linear in v.
@elementwise(in_dtype_of)
def in_dtype_of_adjoint(y, v, x):
    d[v] = d[y]


# Integer results, constants of an integer order, signs and rounding: no derivative.
non_differentiable(
    scipy.special.bernoulli, scipy.special.euler, scipy.special.factorial2,
    scipy.special.factorialk, scipy.special.stirling2, scipy.special.gammasgn,
    scipy.special.round, scipy.special.ai_zeros, scipy.special.bei_zeros,
    scipy.special.beip_zeros, scipy.special.ber_zeros, scipy.special.berp_zeros,
    scipy.special.bi_zeros, scipy.special.erf_zeros, scipy.special.fresnel_zeros,
    scipy.special.fresnelc_zeros, scipy.special.fresnels_zeros, scipy.special.jn_zeros,
    scipy.special.jnjnp_zeros, scipy.special.jnp_zeros, scipy.special.jnyn_zeros,
    scipy.special.kei_zeros, scipy.special.keip_zeros, scipy.special.kelvin_zeros,
    scipy.special.ker_zeros, scipy.special.kerp_zeros, scipy.special.y0_zeros,
    scipy.special.y1_zeros, scipy.special.y1p_zeros, scipy.special.yn_zeros,
    scipy.special.ynp_zeros)

# Literals the templates read: ln 10, ln 2, pi / 180, 2 / sqrt(pi), log(sqrt(2 pi)),
# log(sqrt(pi)), 1 / (2 pi), 1 / sqrt(2).


# ---------------------------------------------------------------------------------------------
# Powers, exponentials and logarithms; trigonometric functions in degrees.

@elementwise(scipy.special.cbrt)
def cbrt(y, x):
    d[x] = d[y] / (3.0 * y * y)


@elementwise(scipy.special.exp10)
def exp10(y, x):
    d[x] = d[y] * y * 2.302585092994046


@elementwise(scipy.special.exp2)
def exp2(y, x):
    d[x] = d[y] * y * 0.6931471805599453


@elementwise(scipy.special.expm1)
def expm1(y, x):
    d[x] = d[y] * (y + 1.0)


@elementwise(scipy.special.log1p)
def log1p(y, x):
    d[x] = d[y] / (1.0 + x)


@elementwise(scipy.special.cosm1)
def cosm1(y, x):
    d[x] = -d[y] * np.sin(x)


# exprel(x) = (exp(x) - 1) / x: its derivative (exp(x) - exprel(x)) / x is NaN at x = 0.
@elementwise(scipy.special.exprel)
def exprel(y, x):
    d[x] = d[y] * (np.exp(x) - y) / x


@elementwise(scipy.special.cosdg)
def cosdg(y, x):
    d[x] = -d[y] * scipy.special.sindg(x) * 0.017453292519943295


@elementwise(scipy.special.sindg)
def sindg(y, x):
    d[x] = d[y] * scipy.special.cosdg(x) * 0.017453292519943295


@elementwise(scipy.special.tandg)
def tandg(y, x):
    d[x] = d[y] * (1.0 + y * y) * 0.017453292519943295


@elementwise(scipy.special.cotdg)
def cotdg(y, x):
    d[x] = -d[y] * (1.0 + y * y) * 0.017453292519943295


# radian(degrees, minutes, seconds) is linear.
@adjoint(scipy.special.radian)
def radian(y, deg, minutes, seconds):
    d[deg] = unbroadcast(d[y] * 0.017453292519943295, deg)
    d[minutes] = unbroadcast(d[y] * 0.0002908882086657216, minutes)
    d[seconds] = unbroadcast(d[y] * 4.84813681109536e-06, seconds)


@tangent(scipy.special.radian)
def radian_tangent(y, deg, minutes, seconds):
    d[y] = d[deg] * 0.017453292519943295
    d[y] = d[minutes] * 0.0002908882086657216
    d[y] = d[seconds] * 4.84813681109536e-06


# powm1(x, p) = x ** p - 1.
@adjoint(scipy.special.powm1)
def powm1(z, x, p):
    d[x] = unbroadcast(d[z] * p * np.power(x, p - 1.0), x)
    d[p] = unbroadcast(d[z] * (z + 1.0) * np.log(x), p)


@tangent(scipy.special.powm1)
def powm1_tangent(z, x, p):
    d[z] = d[x] * p * np.power(x, p - 1.0)
    d[z] = d[p] * (z + 1.0) * np.log(x)


# ---------------------------------------------------------------------------------------------
# The logistic family, entropies, Huber losses, Box-Cox transforms.

@elementwise(scipy.special.log_expit)
def log_expit(y, x):
    d[x] = d[y] * scipy.special.expit(-x)


@elementwise(scipy.special.softplus)
def softplus(y, x):
    d[x] = d[y] * scipy.special.expit(x)


@elementwise(scipy.special.entr)
def entr(y, x):
    d[x] = -d[y] * (np.log(x) + 1.0)


@adjoint(scipy.special.rel_entr)
def rel_entr(z, x, y):
    d[x] = unbroadcast(d[z] * (np.log(x / y) + 1.0), x)
    d[y] = unbroadcast(-d[z] * x / y, y)


@tangent(scipy.special.rel_entr)
def rel_entr_tangent(z, x, y):
    d[z] = d[x] * (np.log(x / y) + 1.0)
    d[z] = -d[y] * x / y


@adjoint(scipy.special.kl_div)
def kl_div(z, x, y):
    d[x] = unbroadcast(d[z] * np.log(x / y), x)
    d[y] = unbroadcast(d[z] * (1.0 - x / y), y)


@tangent(scipy.special.kl_div)
def kl_div_tangent(z, x, y):
    d[z] = d[x] * np.log(x / y)
    d[z] = d[y] * (1.0 - x / y)


# huber(delta, r): r**2 / 2 where |r| <= delta, else delta * (|r| - delta / 2).
@adjoint(scipy.special.huber)
def huber(y, delta, r):
    d[delta] = unbroadcast(d[y] * np.maximum(np.abs(r) - delta, 0.0), delta)
    d[r] = unbroadcast(d[y] * np.clip(r, -delta, delta), r)


@tangent(scipy.special.huber)
def huber_tangent(y, delta, r):
    d[y] = d[delta] * np.maximum(np.abs(r) - delta, 0.0)
    d[y] = d[r] * np.clip(r, -delta, delta)


# pseudo_huber(delta, r) = delta**2 (sqrt(1 + (r / delta)**2) - 1).
@adjoint(scipy.special.pseudo_huber)
def pseudo_huber(y, delta, r):
    d[delta] = unbroadcast(d[y] * (2.0 * y / delta - r * r / np.sqrt(delta * delta + r * r)),
                           delta)
    d[r] = unbroadcast(d[y] * r * delta / np.sqrt(delta * delta + r * r), r)


@tangent(scipy.special.pseudo_huber)
def pseudo_huber_tangent(y, delta, r):
    d[y] = d[delta] * (2.0 * y / delta - r * r / np.sqrt(delta * delta + r * r))
    d[y] = d[r] * r * delta / np.sqrt(delta * delta + r * r)


# boxcox(x, lmbda) = (x**lmbda - 1) / lmbda (log(x) at lmbda = 0), boxcox1p of 1 + x, and
# their inverses.  The derivatives in lmbda divide by lmbda: NaN at exactly lmbda = 0.
@adjoint(scipy.special.boxcox)
def boxcox(y, x, lmbda):
    d[x] = unbroadcast(d[y] * np.power(x, lmbda - 1.0), x)
    d[lmbda] = unbroadcast(d[y] * (np.power(x, lmbda) * np.log(x) - y) / lmbda, lmbda)


@tangent(scipy.special.boxcox)
def boxcox_tangent(y, x, lmbda):
    d[y] = d[x] * np.power(x, lmbda - 1.0)
    d[y] = d[lmbda] * (np.power(x, lmbda) * np.log(x) - y) / lmbda


@adjoint(scipy.special.boxcox1p)
def boxcox1p(y, x, lmbda):
    d[x] = unbroadcast(d[y] * np.power(1.0 + x, lmbda - 1.0), x)
    d[lmbda] = unbroadcast(d[y] * (np.power(1.0 + x, lmbda) * np.log1p(x) - y) / lmbda, lmbda)


@tangent(scipy.special.boxcox1p)
def boxcox1p_tangent(y, x, lmbda):
    d[y] = d[x] * np.power(1.0 + x, lmbda - 1.0)
    d[y] = d[lmbda] * (np.power(1.0 + x, lmbda) * np.log1p(x) - y) / lmbda


# x = inv_boxcox(t, lmbda) = (lmbda t + 1) ** (1 / lmbda).
@adjoint(scipy.special.inv_boxcox)
def inv_boxcox(x, t, lmbda):
    d[t] = unbroadcast(d[x] * np.power(x, 1.0 - lmbda), t)
    d[lmbda] = unbroadcast(d[x] * x * (t / (lmbda * (lmbda * t + 1.0))
                                      - np.log1p(lmbda * t) / (lmbda * lmbda)), lmbda)


@tangent(scipy.special.inv_boxcox)
def inv_boxcox_tangent(x, t, lmbda):
    d[x] = d[t] * np.power(x, 1.0 - lmbda)
    d[x] = d[lmbda] * x * (t / (lmbda * (lmbda * t + 1.0))
                           - np.log1p(lmbda * t) / (lmbda * lmbda))


# x = inv_boxcox1p(t, lmbda) = (lmbda t + 1) ** (1 / lmbda) - 1.
@adjoint(scipy.special.inv_boxcox1p)
def inv_boxcox1p(x, t, lmbda):
    d[t] = unbroadcast(d[x] * np.power(1.0 + x, 1.0 - lmbda), t)
    d[lmbda] = unbroadcast(d[x] * (1.0 + x) * (t / (lmbda * (lmbda * t + 1.0))
                                              - np.log1p(lmbda * t) / (lmbda * lmbda)), lmbda)


@tangent(scipy.special.inv_boxcox1p)
def inv_boxcox1p_tangent(x, t, lmbda):
    d[x] = d[t] * np.power(1.0 + x, 1.0 - lmbda)
    d[x] = d[lmbda] * (1.0 + x) * (t / (lmbda * (lmbda * t + 1.0))
                                   - np.log1p(lmbda * t) / (lmbda * lmbda))


# wrightomega(x) solves w + log(w) = x: w' = w / (1 + w).
@elementwise(scipy.special.wrightomega)
def wrightomega(y, x):
    d[x] = d[y] * y / (1.0 + y)


# diric(x, n) = sin(n x / 2) / (n sin(x / 2)), n an integer: NaN at x = 2 pi k.
@elementwise(scipy.special.diric)
def diric(y, x, n):
    d[x] = unbroadcast(d[y] * 0.5 * (np.cos(0.5 * n * x) - y * np.cos(0.5 * x))
                       / np.sin(0.5 * x), x)


# ---------------------------------------------------------------------------------------------
# Error functions and relatives.

@elementwise(scipy.special.erfcx)
def erfcx(y, x):
    d[x] = d[y] * (2.0 * x * y - 1.1283791670955126)


@elementwise(scipy.special.erfi)
def erfi(y, x):
    d[x] = d[y] * 1.1283791670955126 * np.exp(x * x)


@elementwise(scipy.special.dawsn)
def dawsn(y, x):
    d[x] = d[y] * (1.0 - 2.0 * x * y)


# fresnel(x) = (S, C): S' = sin(pi x**2 / 2), C' = cos(pi x**2 / 2).
@adjoint(scipy.special.fresnel)
def fresnel(y, x):
    d[x] = (d[y][0] * np.sin(1.5707963267948966 * x * x)
            + d[y][1] * np.cos(1.5707963267948966 * x * x))


@tangent(scipy.special.fresnel)
def fresnel_tangent(y, x):
    d[y] = (d[x] * np.sin(1.5707963267948966 * x * x),
            d[x] * np.cos(1.5707963267948966 * x * x))


# ---------------------------------------------------------------------------------------------
# Gamma functions.

@elementwise(scipy.special.loggamma)
def loggamma(y, x):
    d[x] = d[y] * scipy.special.digamma(x)


# rgamma = 1 / gamma: at its zeros (0, -1, -2, ...) the closed form is NaN.
@elementwise(scipy.special.rgamma)
def rgamma(y, x):
    d[x] = -d[y] * y * scipy.special.digamma(x)


# factorial(n) = gamma(n + 1) for float n (0 for n < 0; exact=True accepts integers only, so
# a differentiated n never takes that path).
@elementwise(scipy.special.factorial)
def factorial(y, n, exact=False, extend="zero"):
    d[n] = d[y] * y * scipy.special.digamma(n + 1.0)


# poch(z, m) = gamma(z + m) / gamma(z).
@adjoint(scipy.special.poch)
def poch(y, z, m):
    d[z] = unbroadcast(d[y] * y * (scipy.special.digamma(z + m) - scipy.special.digamma(z)), z)
    d[m] = unbroadcast(d[y] * y * scipy.special.digamma(z + m), m)


@tangent(scipy.special.poch)
def poch_tangent(y, z, m):
    d[y] = d[z] * y * (scipy.special.digamma(z + m) - scipy.special.digamma(z))
    d[y] = d[m] * y * scipy.special.digamma(z + m)


# binom(n, k) = gamma(n + 1) / (gamma(k + 1) gamma(n - k + 1)).
@adjoint(scipy.special.binom)
def binom(y, n, k):
    d[n] = unbroadcast(d[y] * y * (scipy.special.digamma(n + 1.0)
                                   - scipy.special.digamma(n - k + 1.0)), n)
    d[k] = unbroadcast(d[y] * y * (scipy.special.digamma(n - k + 1.0)
                                   - scipy.special.digamma(k + 1.0)), k)


@tangent(scipy.special.binom)
def binom_tangent(y, n, k):
    d[y] = d[n] * y * (scipy.special.digamma(n + 1.0) - scipy.special.digamma(n - k + 1.0))
    d[y] = d[k] * y * (scipy.special.digamma(n - k + 1.0) - scipy.special.digamma(k + 1.0))


# multigammaln(a, d): the sum of gammaln(a - j / 2) for j < d, plus a constant.  Its second
# parameter is named d, the name templates give derivatives: the rules take it as *dims, so
# multigammaln(a, 3) is differentiated and multigammaln(a, d=3) does not match the rule.
@adjoint(scipy.special.multigammaln)
def multigammaln(y, a, *dims):
    d[a] = unbroadcast(d[y] * multipolygamma(0, a, *dims), a)


@tangent(scipy.special.multigammaln)
def multigammaln_tangent(y, a, *dims):
    d[y] = d[a] * multipolygamma(0, a, *dims)


@elementwise(multipolygamma)
def multipolygamma_adjoint(y, n, a, dim):
    d[a] = unbroadcast(d[y] * multipolygamma(n + 1, a, dim), a)


# ---------------------------------------------------------------------------------------------
# Exponential and related integrals.

@elementwise(scipy.special.expi)
def expi(y, x):
    d[x] = d[y] * np.exp(x) / x


@elementwise(scipy.special.exp1)
def exp1(y, x):
    d[x] = -d[y] * np.exp(-x) / x


# expn(n, x): E_n' = -E_(n-1) = ((n - 1) E_n - exp(-x)) / x; n is an integer.
@adjoint(scipy.special.expn)
def expn(y, n, x):
    d[n] = no_parameter_derivative(d[y], "expn", "n")
    d[x] = unbroadcast(d[y] * ((n - 1.0) * y - np.exp(-x)) / x, x)


@tangent(scipy.special.expn)
def expn_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "expn", "n")
    d[y] = d[x] * ((n - 1.0) * y - np.exp(-x)) / x


# sici(x) = (Si, Ci), shichi(x) = (Shi, Chi): Si' = sin(x) / x, Ci' = cos(x) / x,
# Shi' = sinh(x) / x, Chi' = cosh(x) / x.
@adjoint(scipy.special.sici)
def sici(y, x):
    d[x] = (d[y][0] * np.sin(x) + d[y][1] * np.cos(x)) / x


@tangent(scipy.special.sici)
def sici_tangent(y, x):
    d[y] = (d[x] * np.sin(x) / x, d[x] * np.cos(x) / x)


@adjoint(scipy.special.shichi)
def shichi(y, x):
    d[x] = (d[y][0] * np.sinh(x) + d[y][1] * np.cosh(x)) / x


@tangent(scipy.special.shichi)
def shichi_tangent(y, x):
    d[y] = (d[x] * np.sinh(x) / x, d[x] * np.cosh(x) / x)


# spence(x) = integral from 1 to x of log(t) / (1 - t): NaN at x = 1 (the limit is -1).
@elementwise(scipy.special.spence)
def spence(y, x):
    d[x] = d[y] * np.log(x) / (1.0 - x)


# zeta(x, q): d/dq = -x zeta(x + 1, q); the derivative in x has no closed form.
@adjoint(scipy.special.zeta)
def zeta(y, x, q=None, out=None):
    d[x] = no_parameter_derivative(d[y], "zeta", "x")
    d[q] = unbroadcast(-d[y] * x * scipy.special.zeta(x + 1.0, q), q)


@tangent(scipy.special.zeta)
def zeta_tangent(y, x, q=None, out=None):
    d[y] = no_parameter_derivative(d[x], "zeta", "x")
    d[y] = -d[q] * x * scipy.special.zeta(x + 1.0, q)


# ---------------------------------------------------------------------------------------------
# Bessel functions of integer order in x: K0' = -K1, K1' = -K0 - K1 / x, and the scaled
# k0e = exp(x) K0, k1e = exp(x) K1.

@elementwise(scipy.special.k0)
def k0(y, x):
    d[x] = -d[y] * scipy.special.k1(x)


@elementwise(scipy.special.k1)
def k1(y, x):
    d[x] = -d[y] * (scipy.special.k0(x) + y / x)


@elementwise(scipy.special.k0e)
def k0e(y, x):
    d[x] = d[y] * (y - scipy.special.k1e(x))


@elementwise(scipy.special.k1e)
def k1e(y, x):
    d[x] = d[y] * (y - scipy.special.k0e(x) - y / x)


# Bessel functions of order v, in x (the order is a constant): C_v' = (C_(v-1) - C_(v+1)) / 2
# for J and Y, (I_(v-1) + I_(v+1)) / 2, -(K_(v-1) + K_(v+1)) / 2.  For real x, jve and yve
# equal jv and yv; ive = exp(-|x|) iv and kve = exp(x) kv.  jn is jv.

@adjoint(scipy.special.jv)
def jv(y, v, x):
    d[v] = no_parameter_derivative(d[y], "jv", "v")
    d[x] = unbroadcast(d[y] * 0.5 * (scipy.special.jv(v - 1.0, x)
                                     - scipy.special.jv(v + 1.0, x)), x)


@tangent(scipy.special.jv)
def jv_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "jv", "v")
    d[y] = d[x] * 0.5 * (scipy.special.jv(v - 1.0, x) - scipy.special.jv(v + 1.0, x))


@adjoint(scipy.special.jve)
def jve(y, v, x):
    d[v] = no_parameter_derivative(d[y], "jve", "v")
    d[x] = unbroadcast(d[y] * 0.5 * (scipy.special.jve(v - 1.0, real_matrix(x, "scipy.special.jve"))
                                     - scipy.special.jve(v + 1.0, x)), x)


@tangent(scipy.special.jve)
def jve_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "jve", "v")
    d[y] = d[x] * 0.5 * (scipy.special.jve(v - 1.0, real_matrix(x, "scipy.special.jve"))
                         - scipy.special.jve(v + 1.0, x))


@adjoint(scipy.special.yv)
def yv(y, v, x):
    d[v] = no_parameter_derivative(d[y], "yv", "v")
    d[x] = unbroadcast(d[y] * 0.5 * (scipy.special.yv(v - 1.0, x)
                                     - scipy.special.yv(v + 1.0, x)), x)


@tangent(scipy.special.yv)
def yv_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "yv", "v")
    d[y] = d[x] * 0.5 * (scipy.special.yv(v - 1.0, x) - scipy.special.yv(v + 1.0, x))


@adjoint(scipy.special.yve)
def yve(y, v, x):
    d[v] = no_parameter_derivative(d[y], "yve", "v")
    d[x] = unbroadcast(d[y] * 0.5 * (scipy.special.yve(v - 1.0, real_matrix(x, "scipy.special.yve"))
                                     - scipy.special.yve(v + 1.0, x)), x)


@tangent(scipy.special.yve)
def yve_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "yve", "v")
    d[y] = d[x] * 0.5 * (scipy.special.yve(v - 1.0, real_matrix(x, "scipy.special.yve"))
                         - scipy.special.yve(v + 1.0, x))


@adjoint(scipy.special.yn)
def yn(y, n, x):
    d[n] = no_parameter_derivative(d[y], "yn", "n")
    d[x] = unbroadcast(d[y] * 0.5 * (scipy.special.yn(n - 1, x) - scipy.special.yn(n + 1, x)),
                       x)


@tangent(scipy.special.yn)
def yn_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "yn", "n")
    d[y] = d[x] * 0.5 * (scipy.special.yn(n - 1, x) - scipy.special.yn(n + 1, x))


@adjoint(scipy.special.iv)
def iv(y, v, x):
    d[v] = no_parameter_derivative(d[y], "iv", "v")
    d[x] = unbroadcast(d[y] * 0.5 * (scipy.special.iv(v - 1.0, x)
                                     + scipy.special.iv(v + 1.0, x)), x)


@tangent(scipy.special.iv)
def iv_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "iv", "v")
    d[y] = d[x] * 0.5 * (scipy.special.iv(v - 1.0, x) + scipy.special.iv(v + 1.0, x))


@adjoint(scipy.special.ive)
def ive(y, v, x):
    d[v] = no_parameter_derivative(d[y], "ive", "v")
    d[x] = unbroadcast(d[y] * (0.5 * (scipy.special.ive(v - 1.0,
                                                         real_matrix(x, "scipy.special.ive"))
                                      + scipy.special.ive(v + 1.0, x)) - np.sign(x) * y), x)


@tangent(scipy.special.ive)
def ive_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "ive", "v")
    d[y] = d[x] * (0.5 * (scipy.special.ive(v - 1.0, real_matrix(x, "scipy.special.ive"))
                          + scipy.special.ive(v + 1.0, x))
                   - np.sign(x) * y)


@adjoint(scipy.special.kv)
def kv(y, v, x):
    d[v] = no_parameter_derivative(d[y], "kv", "v")
    d[x] = unbroadcast(-d[y] * 0.5 * (scipy.special.kv(v - 1.0, x)
                                      + scipy.special.kv(v + 1.0, x)), x)


@tangent(scipy.special.kv)
def kv_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "kv", "v")
    d[y] = -d[x] * 0.5 * (scipy.special.kv(v - 1.0, x) + scipy.special.kv(v + 1.0, x))


@adjoint(scipy.special.kve)
def kve(y, v, x):
    d[v] = no_parameter_derivative(d[y], "kve", "v")
    d[x] = unbroadcast(d[y] * (y - 0.5 * (scipy.special.kve(v - 1.0, x)
                                          + scipy.special.kve(v + 1.0, x))), x)


@tangent(scipy.special.kve)
def kve_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "kve", "v")
    d[y] = d[x] * (y - 0.5 * (scipy.special.kve(v - 1.0, x) + scipy.special.kve(v + 1.0, x)))


@adjoint(scipy.special.kn)
def kn(y, n, x):
    d[n] = no_parameter_derivative(d[y], "kn", "n")
    d[x] = unbroadcast(-d[y] * 0.5 * (scipy.special.kn(n - 1, x) + scipy.special.kn(n + 1, x)),
                       x)


@tangent(scipy.special.kn)
def kn_tangent(y, n, x):
    d[y] = no_parameter_derivative(d[n], "kn", "n")
    d[y] = -d[x] * 0.5 * (scipy.special.kn(n - 1, x) + scipy.special.kn(n + 1, x))


# jvp(v, z, n): the n-th derivative of jv in z (and yvp, ivp, kvp): the next one is n + 1.
@adjoint(scipy.special.jvp)
def jvp(y, v, z, n=1):
    d[v] = no_parameter_derivative(d[y], "jvp", "v")
    d[z] = unbroadcast(d[y] * scipy.special.jvp(v, z, n + 1), z)


@tangent(scipy.special.jvp)
def jvp_tangent(y, v, z, n=1):
    d[y] = no_parameter_derivative(d[v], "jvp", "v")
    d[y] = d[z] * scipy.special.jvp(v, z, n + 1)


@adjoint(scipy.special.yvp)
def yvp(y, v, z, n=1):
    d[v] = no_parameter_derivative(d[y], "yvp", "v")
    d[z] = unbroadcast(d[y] * scipy.special.yvp(v, z, n + 1), z)


@tangent(scipy.special.yvp)
def yvp_tangent(y, v, z, n=1):
    d[y] = no_parameter_derivative(d[v], "yvp", "v")
    d[y] = d[z] * scipy.special.yvp(v, z, n + 1)


@adjoint(scipy.special.ivp)
def ivp(y, v, z, n=1):
    d[v] = no_parameter_derivative(d[y], "ivp", "v")
    d[z] = unbroadcast(d[y] * scipy.special.ivp(v, z, n + 1), z)


@tangent(scipy.special.ivp)
def ivp_tangent(y, v, z, n=1):
    d[y] = no_parameter_derivative(d[v], "ivp", "v")
    d[y] = d[z] * scipy.special.ivp(v, z, n + 1)


@adjoint(scipy.special.kvp)
def kvp(y, v, z, n=1):
    d[v] = no_parameter_derivative(d[y], "kvp", "v")
    d[z] = unbroadcast(d[y] * scipy.special.kvp(v, z, n + 1), z)


@tangent(scipy.special.kvp)
def kvp_tangent(y, v, z, n=1):
    d[y] = no_parameter_derivative(d[v], "kvp", "v")
    d[y] = d[z] * scipy.special.kvp(v, z, n + 1)


# Struve functions in x: H_v' = H_(v-1) - (v / x) H_v, and the same for L_v (modstruve).
@adjoint(scipy.special.struve)
def struve(y, v, x):
    d[v] = no_parameter_derivative(d[y], "struve", "v")
    d[x] = unbroadcast(d[y] * (scipy.special.struve(v - 1.0, x) - v * y / x), x)


@tangent(scipy.special.struve)
def struve_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "struve", "v")
    d[y] = d[x] * (scipy.special.struve(v - 1.0, x) - v * y / x)


@adjoint(scipy.special.modstruve)
def modstruve(y, v, x):
    d[v] = no_parameter_derivative(d[y], "modstruve", "v")
    d[x] = unbroadcast(d[y] * (scipy.special.modstruve(v - 1.0, x) - v * y / x), x)


@tangent(scipy.special.modstruve)
def modstruve_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "modstruve", "v")
    d[y] = d[x] * (scipy.special.modstruve(v - 1.0, x) - v * y / x)


# Integrals of Bessel and Struve functions: the derivative is the integrand at x (negated for
# an integral from x to infinity).  iti0k0, itj0y0, it2i0k0 and it2j0y0 return pairs.  (SciPy
# computes struve(0.0, x) in float64: in_dtype_of keeps a float32 derivative float32.)
@elementwise(scipy.special.itstruve0)
def itstruve0(y, x):
    d[x] = d[y] * in_dtype_of(scipy.special.struve(0.0, x), y)


@elementwise(scipy.special.it2struve0)
def it2struve0(y, x):
    d[x] = -d[y] * in_dtype_of(scipy.special.struve(0.0, x), y) / x


@elementwise(scipy.special.itmodstruve0)
def itmodstruve0(y, x):
    d[x] = d[y] * in_dtype_of(scipy.special.modstruve(0.0, x), y)


@adjoint(scipy.special.iti0k0)
def iti0k0(y, x):
    d[x] = d[y][0] * scipy.special.i0(x) + d[y][1] * scipy.special.k0(x)


@tangent(scipy.special.iti0k0)
def iti0k0_tangent(y, x):
    d[y] = (d[x] * scipy.special.i0(x), d[x] * scipy.special.k0(x))


@adjoint(scipy.special.itj0y0)
def itj0y0(y, x):
    d[x] = d[y][0] * scipy.special.j0(x) + d[y][1] * scipy.special.y0(x)


@tangent(scipy.special.itj0y0)
def itj0y0_tangent(y, x):
    d[y] = (d[x] * scipy.special.j0(x), d[x] * scipy.special.y0(x))


@adjoint(scipy.special.it2i0k0)
def it2i0k0(y, x):
    d[x] = (d[y][0] * (scipy.special.i0(x) - 1.0) - d[y][1] * scipy.special.k0(x)) / x


@tangent(scipy.special.it2i0k0)
def it2i0k0_tangent(y, x):
    d[y] = (d[x] * (scipy.special.i0(x) - 1.0) / x, -d[x] * scipy.special.k0(x) / x)


@adjoint(scipy.special.it2j0y0)
def it2j0y0(y, x):
    d[x] = (d[y][0] * (1.0 - scipy.special.j0(x)) - d[y][1] * scipy.special.y0(x)) / x


@tangent(scipy.special.it2j0y0)
def it2j0y0_tangent(y, x):
    d[y] = (d[x] * (1.0 - scipy.special.j0(x)) / x, -d[x] * scipy.special.y0(x) / x)


# Kelvin functions: ber + i bei and ker + i kei solve w'' + w' / x - i w = 0, so
# ber'' = -ber' / x - bei, bei'' = -bei' / x + ber, and the same for ker, kei; SciPy's berp,
# beip, kerp, keip are the first derivatives.
@elementwise(scipy.special.ber)
def ber(y, x):
    d[x] = d[y] * scipy.special.berp(x)


@elementwise(scipy.special.bei)
def bei(y, x):
    d[x] = d[y] * scipy.special.beip(x)


@elementwise(scipy.special.berp)
def berp(y, x):
    d[x] = -d[y] * (y / x + scipy.special.bei(x))


@elementwise(scipy.special.beip)
def beip(y, x):
    d[x] = d[y] * (scipy.special.ber(x) - y / x)


@elementwise(scipy.special.ker)
def ker(y, x):
    d[x] = d[y] * scipy.special.kerp(x)


@elementwise(scipy.special.kei)
def kei(y, x):
    d[x] = d[y] * scipy.special.keip(x)


@elementwise(scipy.special.kerp)
def kerp(y, x):
    d[x] = -d[y] * (y / x + scipy.special.kei(x))


@elementwise(scipy.special.keip)
def keip(y, x):
    d[x] = d[y] * (scipy.special.ker(x) - y / x)


# Spherical Bessel functions (integer order n): with derivative=True the function is the
# first derivative, and the second comes from Bessel's equation
# f'' = -(2 / z) f' - (1 - n (n + 1) / z**2) f (for jn, yn; +(1 + ...) for in, kn).

@elementwise(scipy.special.spherical_jn)
def spherical_jn(y, n, z, derivative=False):
    d[z] = unbroadcast(d[y] * np.where(
        derivative,
        -2.0 * y / z - (1.0 - n * (n + 1.0) / (z * z)) * scipy.special.spherical_jn(n, z),
        scipy.special.spherical_jn(n, z, True)), z)


@elementwise(scipy.special.spherical_yn)
def spherical_yn(y, n, z, derivative=False):
    d[z] = unbroadcast(d[y] * np.where(
        derivative,
        -2.0 * y / z - (1.0 - n * (n + 1.0) / (z * z)) * scipy.special.spherical_yn(n, z),
        scipy.special.spherical_yn(n, z, True)), z)


@elementwise(scipy.special.spherical_in)
def spherical_in(y, n, z, derivative=False):
    d[z] = unbroadcast(d[y] * np.where(
        derivative,
        -2.0 * y / z + (1.0 + n * (n + 1.0) / (z * z)) * scipy.special.spherical_in(n, z),
        scipy.special.spherical_in(n, z, True)), z)


@elementwise(scipy.special.spherical_kn)
def spherical_kn(y, n, z, derivative=False):
    d[z] = unbroadcast(d[y] * np.where(
        derivative,
        -2.0 * y / z + (1.0 + n * (n + 1.0) / (z * z)) * scipy.special.spherical_kn(n, z),
        scipy.special.spherical_kn(n, z, True)), z)


# ---------------------------------------------------------------------------------------------
# Distribution functions in their argument, and their inverses in the probability (the
# implicit function theorem: one over the density at the result).  The shape parameters'
# derivatives have no closed form: refused.  Normal: the density is
# exp(-x**2 / 2 - log(sqrt(2 pi))).

@elementwise(scipy.special.ndtr)
def ndtr(y, x):
    d[x] = d[y] * np.exp(-0.5 * x * x - 0.9189385332046727)


@elementwise(scipy.special.log_ndtr)
def log_ndtr(y, x):
    d[x] = d[y] * np.exp(-0.5 * x * x - 0.9189385332046727 - y)


@elementwise(scipy.special.ndtri)
def ndtri(y, p):
    d[p] = d[y] * np.exp(0.5 * y * y + 0.9189385332046727)


# ndtri_exp(t) = ndtri(exp(t)).
@elementwise(scipy.special.ndtri_exp)
def ndtri_exp(y, t):
    d[t] = d[y] * np.exp(t + 0.5 * y * y + 0.9189385332046727)


# Regularized incomplete gamma P(a, x) = gammainc, Q = gammaincc = 1 - P: the density is
# exp(-x + (a - 1) log(x) - gammaln(a)); the inverses divide by it.  Below the support (x < 0,
# where SciPy's value is NaN) the derivatives are 0, so that the branch np.where(x > 0, ...,
# gammaincc(a, -x)) does not select (SciPy's dgamma) adds no NaN (0 * NaN).  in_dtype_of keeps a
# float32 derivative float32 (gammaln of a Python float is a float64 scalar).
@adjoint(scipy.special.gammainc)
def gammainc(y, a, x):
    d[a] = unbroadcast(d[y] * in_dtype_of(gammainc_da(a, x), y), a)
    density = in_dtype_of(np.where(x < 0.0, 0.0, np.exp(
        scipy.special.xlogy(a - 1.0, x) - x - scipy.special.gammaln(a))), y)
    d[x] = unbroadcast(d[y] * density, x)


@tangent(scipy.special.gammainc)
def gammainc_tangent(y, a, x):
    d[y] = d[a] * in_dtype_of(gammainc_da(a, x), y)
    density = in_dtype_of(np.where(x < 0.0, 0.0, np.exp(
        scipy.special.xlogy(a - 1.0, x) - x - scipy.special.gammaln(a))), y)
    d[y] = d[x] * density


@adjoint(scipy.special.gammaincc)
def gammaincc(y, a, x):
    d[a] = unbroadcast(-d[y] * in_dtype_of(gammainc_da(a, x), y), a)
    density = in_dtype_of(np.where(x < 0.0, 0.0, np.exp(
        scipy.special.xlogy(a - 1.0, x) - x - scipy.special.gammaln(a))), y)
    d[x] = unbroadcast(-d[y] * density, x)


@tangent(scipy.special.gammaincc)
def gammaincc_tangent(y, a, x):
    d[y] = -d[a] * in_dtype_of(gammainc_da(a, x), y)
    density = in_dtype_of(np.where(x < 0.0, 0.0, np.exp(
        scipy.special.xlogy(a - 1.0, x) - x - scipy.special.gammaln(a))), y)
    d[y] = -d[x] * density


@adjoint(scipy.special.gammaincinv)
def gammaincinv(x, a, p):
    slope = in_dtype_of(np.exp(x + scipy.special.gammaln(a)
                                 - scipy.special.xlogy(a - 1.0, x)), x)
    d[a] = unbroadcast(-d[x] * in_dtype_of(gammainc_da(a, x), x) * slope, a)
    d[p] = unbroadcast(d[x] * slope, p)


@tangent(scipy.special.gammaincinv)
def gammaincinv_tangent(x, a, p):
    slope = in_dtype_of(np.exp(x + scipy.special.gammaln(a)
                                 - scipy.special.xlogy(a - 1.0, x)), x)
    d[x] = -d[a] * in_dtype_of(gammainc_da(a, x), x) * slope
    d[x] = d[p] * slope


@adjoint(scipy.special.gammainccinv)
def gammainccinv(x, a, p):
    slope = in_dtype_of(np.exp(x + scipy.special.gammaln(a)
                                 - scipy.special.xlogy(a - 1.0, x)), x)
    d[a] = unbroadcast(-d[x] * in_dtype_of(gammainc_da(a, x), x) * slope, a)
    d[p] = unbroadcast(-d[x] * slope, p)


@tangent(scipy.special.gammainccinv)
def gammainccinv_tangent(x, a, p):
    slope = in_dtype_of(np.exp(x + scipy.special.gammaln(a)
                                 - scipy.special.xlogy(a - 1.0, x)), x)
    d[x] = -d[a] * in_dtype_of(gammainc_da(a, x), x) * slope
    d[x] = -d[p] * slope


# Regularized incomplete beta I_x(a, b) = betainc, betaincc = 1 - I: the density is
# exp((a - 1) log(x) + (b - 1) log(1 - x) - betaln(a, b)).
@adjoint(scipy.special.betainc)
def betainc(y, a, b, x):
    d[a] = unbroadcast(d[y] * in_dtype_of(betainc_da(a, b, x), y), a)
    d[b] = unbroadcast(d[y] * in_dtype_of(betainc_db(a, b, x), y), b)
    density = in_dtype_of(np.exp(scipy.special.xlogy(a - 1.0, x)
                                 + scipy.special.xlog1py(b - 1.0, -x)
                                 - scipy.special.betaln(a, b)), y)
    d[x] = unbroadcast(d[y] * density, x)


@tangent(scipy.special.betainc)
def betainc_tangent(y, a, b, x):
    d[y] = d[a] * in_dtype_of(betainc_da(a, b, x), y)
    d[y] = d[b] * in_dtype_of(betainc_db(a, b, x), y)
    density = in_dtype_of(np.exp(scipy.special.xlogy(a - 1.0, x)
                                 + scipy.special.xlog1py(b - 1.0, -x)
                                 - scipy.special.betaln(a, b)), y)
    d[y] = d[x] * density


@adjoint(scipy.special.betaincc)
def betaincc(y, a, b, x):
    d[a] = unbroadcast(-d[y] * in_dtype_of(betainc_da(a, b, x), y), a)
    d[b] = unbroadcast(-d[y] * in_dtype_of(betainc_db(a, b, x), y), b)
    density = in_dtype_of(np.exp(scipy.special.xlogy(a - 1.0, x)
                                 + scipy.special.xlog1py(b - 1.0, -x)
                                 - scipy.special.betaln(a, b)), y)
    d[x] = unbroadcast(-d[y] * density, x)


@tangent(scipy.special.betaincc)
def betaincc_tangent(y, a, b, x):
    d[y] = -d[a] * in_dtype_of(betainc_da(a, b, x), y)
    d[y] = -d[b] * in_dtype_of(betainc_db(a, b, x), y)
    density = in_dtype_of(np.exp(scipy.special.xlogy(a - 1.0, x)
                                 + scipy.special.xlog1py(b - 1.0, -x)
                                 - scipy.special.betaln(a, b)), y)
    d[y] = -d[x] * density


@adjoint(scipy.special.betaincinv)
def betaincinv(x, a, b, p):
    slope = in_dtype_of(np.exp(scipy.special.betaln(a, b) - scipy.special.xlogy(a - 1.0, x)
                               - scipy.special.xlog1py(b - 1.0, -x)), x)
    d[a] = unbroadcast(-d[x] * in_dtype_of(betainc_da(a, b, x), x) * slope, a)
    d[b] = unbroadcast(-d[x] * in_dtype_of(betainc_db(a, b, x), x) * slope, b)
    d[p] = unbroadcast(d[x] * slope, p)


@tangent(scipy.special.betaincinv)
def betaincinv_tangent(x, a, b, p):
    slope = in_dtype_of(np.exp(scipy.special.betaln(a, b) - scipy.special.xlogy(a - 1.0, x)
                               - scipy.special.xlog1py(b - 1.0, -x)), x)
    d[x] = -d[a] * in_dtype_of(betainc_da(a, b, x), x) * slope
    d[x] = -d[b] * in_dtype_of(betainc_db(a, b, x), x) * slope
    d[x] = d[p] * slope


@adjoint(scipy.special.betainccinv)
def betainccinv(x, a, b, p):
    slope = in_dtype_of(np.exp(scipy.special.betaln(a, b) - scipy.special.xlogy(a - 1.0, x)
                               - scipy.special.xlog1py(b - 1.0, -x)), x)
    d[a] = unbroadcast(-d[x] * in_dtype_of(betainc_da(a, b, x), x) * slope, a)
    d[b] = unbroadcast(-d[x] * in_dtype_of(betainc_db(a, b, x), x) * slope, b)
    d[p] = unbroadcast(-d[x] * slope, p)


@tangent(scipy.special.betainccinv)
def betainccinv_tangent(x, a, b, p):
    slope = in_dtype_of(np.exp(scipy.special.betaln(a, b) - scipy.special.xlogy(a - 1.0, x)
                               - scipy.special.xlog1py(b - 1.0, -x)), x)
    d[x] = -d[a] * in_dtype_of(betainc_da(a, b, x), x) * slope
    d[x] = -d[b] * in_dtype_of(betainc_db(a, b, x), x) * slope
    d[x] = -d[p] * slope


# Student's t: stdtr(df, t), with the density exp(gammaln((df + 1) / 2) - gammaln(df / 2)
# - log(df) / 2 - log(sqrt(pi)) - (df + 1) / 2 log(1 + t**2 / df)); stdtrit is its inverse.
@adjoint(scipy.special.stdtr)
def stdtr(y, df, t):
    density = in_dtype_of(np.exp(
        scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df)
        - 0.5 * np.log(df) - 0.5723649429247001 - (0.5 * df + 0.5) * np.log1p(t * t / df)), y)
    d[df] = unbroadcast(d[y] * in_dtype_of(stdtr_ddf(df, t), y), df)
    d[t] = unbroadcast(d[y] * density, t)


@tangent(scipy.special.stdtr)
def stdtr_tangent(y, df, t):
    d[y] = d[df] * in_dtype_of(stdtr_ddf(df, t), y)
    density = in_dtype_of(np.exp(
        scipy.special.gammaln(0.5 * df + 0.5) - scipy.special.gammaln(0.5 * df)
        - 0.5 * np.log(df) - 0.5723649429247001 - (0.5 * df + 0.5) * np.log1p(t * t / df)), y)
    d[y] = d[t] * density


@adjoint(scipy.special.stdtrit)
def stdtrit(t, df, p):
    slope = in_dtype_of(np.exp(
        scipy.special.gammaln(0.5 * df) - scipy.special.gammaln(0.5 * df + 0.5)
        + 0.5 * np.log(df) + 0.5723649429247001 + (0.5 * df + 0.5) * np.log1p(t * t / df)), t)
    d[df] = unbroadcast(-d[t] * in_dtype_of(stdtr_ddf(df, t), t) * slope, df)
    d[p] = unbroadcast(d[t] * slope, p)


@tangent(scipy.special.stdtrit)
def stdtrit_tangent(t, df, p):
    slope = in_dtype_of(np.exp(
        scipy.special.gammaln(0.5 * df) - scipy.special.gammaln(0.5 * df + 0.5)
        + 0.5 * np.log(df) + 0.5723649429247001 + (0.5 * df + 0.5) * np.log1p(t * t / df)), t)
    d[t] = -d[df] * in_dtype_of(stdtr_ddf(df, t), t) * slope
    d[t] = d[p] * slope


# Chi-squared: chdtr(v, x) = gammainc(v / 2, x / 2), chdtrc = 1 - chdtr, chdtri inverts
# chdtrc in its probability.
@adjoint(scipy.special.chdtr)
def chdtr(y, v, x):
    d[v] = unbroadcast(d[y] * 0.5 * in_dtype_of(gammainc_da(0.5 * v, 0.5 * x), y), v)
    density = in_dtype_of(0.5 * np.exp(scipy.special.xlogy(0.5 * v - 1.0, 0.5 * x) - 0.5 * x
                                       - scipy.special.gammaln(0.5 * v)), y)
    d[x] = unbroadcast(d[y] * density, x)


@tangent(scipy.special.chdtr)
def chdtr_tangent(y, v, x):
    d[y] = d[v] * 0.5 * in_dtype_of(gammainc_da(0.5 * v, 0.5 * x), y)
    density = in_dtype_of(0.5 * np.exp(scipy.special.xlogy(0.5 * v - 1.0, 0.5 * x) - 0.5 * x
                                       - scipy.special.gammaln(0.5 * v)), y)
    d[y] = d[x] * density


@adjoint(scipy.special.chdtrc)
def chdtrc(y, v, x):
    d[v] = unbroadcast(-d[y] * 0.5 * in_dtype_of(gammainc_da(0.5 * v, 0.5 * x), y), v)
    density = in_dtype_of(0.5 * np.exp(scipy.special.xlogy(0.5 * v - 1.0, 0.5 * x) - 0.5 * x
                                       - scipy.special.gammaln(0.5 * v)), y)
    d[x] = unbroadcast(-d[y] * density, x)


@tangent(scipy.special.chdtrc)
def chdtrc_tangent(y, v, x):
    d[y] = -d[v] * 0.5 * in_dtype_of(gammainc_da(0.5 * v, 0.5 * x), y)
    density = in_dtype_of(0.5 * np.exp(scipy.special.xlogy(0.5 * v - 1.0, 0.5 * x) - 0.5 * x
                                       - scipy.special.gammaln(0.5 * v)), y)
    d[y] = -d[x] * density


@adjoint(scipy.special.chdtri)
def chdtri(x, v, p):
    slope = in_dtype_of(2.0 * np.exp(0.5 * x + scipy.special.gammaln(0.5 * v)
                                     - scipy.special.xlogy(0.5 * v - 1.0, 0.5 * x)), x)
    d[v] = unbroadcast(-d[x] * 0.5 * in_dtype_of(gammainc_da(0.5 * v, 0.5 * x), x) * slope, v)
    d[p] = unbroadcast(-d[x] * slope, p)


@tangent(scipy.special.chdtri)
def chdtri_tangent(x, v, p):
    slope = in_dtype_of(2.0 * np.exp(0.5 * x + scipy.special.gammaln(0.5 * v)
                                     - scipy.special.xlogy(0.5 * v - 1.0, 0.5 * x)), x)
    d[x] = -d[v] * 0.5 * in_dtype_of(gammainc_da(0.5 * v, 0.5 * x), x) * slope
    d[x] = -d[p] * slope


# Gamma: gdtr(a, b, x) = gammainc(b, a x) (a the rate, b the shape), gdtrc = 1 - gdtr; the
# derivative in a is x times the density of a x, in x a times it.
@adjoint(scipy.special.gdtr)
def gdtr(y, a, b, x):
    density = in_dtype_of(np.exp(scipy.special.xlogy(b - 1.0, a * x) - a * x
                                 - scipy.special.gammaln(b)), y)
    d[a] = unbroadcast(d[y] * x * density, a)
    d[b] = unbroadcast(d[y] * in_dtype_of(gammainc_da(b, a * x), y), b)
    d[x] = unbroadcast(d[y] * a * density, x)


@tangent(scipy.special.gdtr)
def gdtr_tangent(y, a, b, x):
    density = in_dtype_of(np.exp(scipy.special.xlogy(b - 1.0, a * x) - a * x
                                 - scipy.special.gammaln(b)), y)
    d[y] = d[a] * x * density
    d[y] = d[b] * in_dtype_of(gammainc_da(b, a * x), y)
    d[y] = d[x] * a * density


@adjoint(scipy.special.gdtrc)
def gdtrc(y, a, b, x):
    density = in_dtype_of(np.exp(scipy.special.xlogy(b - 1.0, a * x) - a * x
                                 - scipy.special.gammaln(b)), y)
    d[a] = unbroadcast(-d[y] * x * density, a)
    d[b] = unbroadcast(-d[y] * in_dtype_of(gammainc_da(b, a * x), y), b)
    d[x] = unbroadcast(-d[y] * a * density, x)


@tangent(scipy.special.gdtrc)
def gdtrc_tangent(y, a, b, x):
    density = in_dtype_of(np.exp(scipy.special.xlogy(b - 1.0, a * x) - a * x
                                 - scipy.special.gammaln(b)), y)
    d[y] = -d[a] * x * density
    d[y] = -d[b] * in_dtype_of(gammainc_da(b, a * x), y)
    d[y] = -d[x] * a * density


# gdtrix(a, b, p) inverts gdtr in x, gdtria(p, b, x) in a: one over the derivative of gdtr;
# gdtr depends on a and x through a x only, so x(a) = c / a and a(x) = c / x.
@adjoint(scipy.special.gdtrix)
def gdtrix(x, a, b, p):
    d[a] = unbroadcast(-d[x] * x / a, a)
    d[b] = unbroadcast(-d[x] * in_dtype_of(gammainc_da(b, a * x) * np.exp(
        a * x + scipy.special.gammaln(b) - scipy.special.xlogy(b - 1.0, a * x)), x) / a, b)
    d[p] = unbroadcast(d[x] * in_dtype_of(np.exp(a * x + scipy.special.gammaln(b)
                                                 - scipy.special.xlogy(b - 1.0, a * x)), x)
                       / a, p)


@tangent(scipy.special.gdtrix)
def gdtrix_tangent(x, a, b, p):
    d[x] = -d[a] * x / a
    d[x] = -d[b] * in_dtype_of(gammainc_da(b, a * x) * np.exp(
        a * x + scipy.special.gammaln(b) - scipy.special.xlogy(b - 1.0, a * x)), x) / a
    d[x] = d[p] * in_dtype_of(np.exp(a * x + scipy.special.gammaln(b)
                                     - scipy.special.xlogy(b - 1.0, a * x)), x) / a


@adjoint(scipy.special.gdtria)
def gdtria(a, p, b, x):
    d[p] = unbroadcast(d[a] * in_dtype_of(np.exp(a * x + scipy.special.gammaln(b)
                                                 - scipy.special.xlogy(b - 1.0, a * x)), a)
                       / x, p)
    d[b] = unbroadcast(-d[a] * in_dtype_of(gammainc_da(b, a * x) * np.exp(
        a * x + scipy.special.gammaln(b) - scipy.special.xlogy(b - 1.0, a * x)), a) / x, b)
    d[x] = unbroadcast(-d[a] * a / x, x)


@tangent(scipy.special.gdtria)
def gdtria_tangent(a, p, b, x):
    d[a] = d[p] * in_dtype_of(np.exp(a * x + scipy.special.gammaln(b)
                                     - scipy.special.xlogy(b - 1.0, a * x)), a) / x
    d[a] = -d[b] * in_dtype_of(gammainc_da(b, a * x) * np.exp(
        a * x + scipy.special.gammaln(b) - scipy.special.xlogy(b - 1.0, a * x)), a) / x
    d[a] = -d[x] * a / x


# Poisson: pdtr(k, m) = gammaincc(floor(k) + 1, m), pdtrc = 1 - pdtr.  SciPy truncates k:
# piecewise constant, so k carries no derivative.
@elementwise(scipy.special.pdtr)
def pdtr(y, k, m):
    d[m] = unbroadcast(-d[y] * in_dtype_of(np.exp(scipy.special.xlogy(np.floor(k), m) - m
                                                  - scipy.special.gammaln(np.floor(k) + 1.0)),
                                           y), m)


@elementwise(scipy.special.pdtrc)
def pdtrc(y, k, m):
    d[m] = unbroadcast(d[y] * in_dtype_of(np.exp(scipy.special.xlogy(np.floor(k), m) - m
                                                 - scipy.special.gammaln(np.floor(k) + 1.0)),
                                          y), m)


# pdtri(k, y) inverts pdtr in m.
@elementwise(scipy.special.pdtri)
def pdtri(m, k, p):
    d[p] = unbroadcast(-d[m] * in_dtype_of(np.exp(m + scipy.special.gammaln(np.floor(k) + 1.0)
                                                  - scipy.special.xlogy(np.floor(k), m)), m),
                       p)


# Owen's T function T(h, a): dT/dh = -phi(h) erf(a h / sqrt(2)) / 2,
# dT/da = exp(-h**2 (1 + a**2) / 2) / (2 pi (1 + a**2)).
@adjoint(scipy.special.owens_t)
def owens_t(y, h, a):
    d[h] = unbroadcast(-d[y] * 0.5 * np.exp(-0.5 * h * h - 0.9189385332046727)
                       * scipy.special.erf(0.7071067811865476 * a * h), h)
    d[a] = unbroadcast(d[y] * 0.15915494309189535 * np.exp(-0.5 * h * h * (1.0 + a * a))
                       / (1.0 + a * a), a)


@tangent(scipy.special.owens_t)
def owens_t_tangent(y, h, a):
    d[y] = -d[h] * 0.5 * np.exp(-0.5 * h * h - 0.9189385332046727) * scipy.special.erf(
        0.7071067811865476 * a * h)
    d[y] = d[a] * 0.15915494309189535 * np.exp(-0.5 * h * h * (1.0 + a * a)) / (1.0 + a * a)


# ---------------------------------------------------------------------------------------------
# Hypergeometric functions in their argument: 0F1(; v; z)' = 0F1(; v + 1; z) / v,
# 1F1(a; b; x)' = a / b 1F1(a + 1; b + 1; x), 2F1(a, b; c; z)' = a b / c 2F1(a + 1, b + 1;
# c + 1; z), U(a, b, x)' = -a U(a + 1, b + 1, x).  The parameters' derivatives are refused.

@adjoint(scipy.special.hyp0f1)
def hyp0f1(y, v, z):
    d[v] = no_parameter_derivative(d[y], "hyp0f1", "v")
    d[z] = unbroadcast(d[y] * scipy.special.hyp0f1(v + 1.0, z) / v, z)


@tangent(scipy.special.hyp0f1)
def hyp0f1_tangent(y, v, z):
    d[y] = no_parameter_derivative(d[v], "hyp0f1", "v")
    d[y] = d[z] * scipy.special.hyp0f1(v + 1.0, z) / v


@adjoint(scipy.special.hyp1f1)
def hyp1f1(y, a, b, x):
    d[a] = no_parameter_derivative(d[y], "hyp1f1", "a")
    d[b] = no_parameter_derivative(d[y], "hyp1f1", "b")
    d[x] = unbroadcast(d[y] * a / b * scipy.special.hyp1f1(a + 1.0, b + 1.0, x), x)


@tangent(scipy.special.hyp1f1)
def hyp1f1_tangent(y, a, b, x):
    d[y] = no_parameter_derivative(d[a], "hyp1f1", "a")
    d[y] = no_parameter_derivative(d[b], "hyp1f1", "b")
    d[y] = d[x] * a / b * scipy.special.hyp1f1(a + 1.0, b + 1.0, x)


@adjoint(scipy.special.hyp2f1)
def hyp2f1(y, a, b, c, z):
    d[a] = no_parameter_derivative(d[y], "hyp2f1", "a")
    d[b] = no_parameter_derivative(d[y], "hyp2f1", "b")
    d[c] = no_parameter_derivative(d[y], "hyp2f1", "c")
    d[z] = unbroadcast(d[y] * a * b / c * scipy.special.hyp2f1(a + 1.0, b + 1.0, c + 1.0, z), z)


@tangent(scipy.special.hyp2f1)
def hyp2f1_tangent(y, a, b, c, z):
    d[y] = no_parameter_derivative(d[a], "hyp2f1", "a")
    d[y] = no_parameter_derivative(d[b], "hyp2f1", "b")
    d[y] = no_parameter_derivative(d[c], "hyp2f1", "c")
    d[y] = d[z] * a * b / c * scipy.special.hyp2f1(a + 1.0, b + 1.0, c + 1.0, z)


@adjoint(scipy.special.hyperu)
def hyperu(y, a, b, x):
    d[a] = no_parameter_derivative(d[y], "hyperu", "a")
    d[b] = no_parameter_derivative(d[y], "hyperu", "b")
    d[x] = unbroadcast(-d[y] * a * scipy.special.hyperu(a + 1.0, b + 1.0, x), x)


@tangent(scipy.special.hyperu)
def hyperu_tangent(y, a, b, x):
    d[y] = no_parameter_derivative(d[a], "hyperu", "a")
    d[y] = no_parameter_derivative(d[b], "hyperu", "b")
    d[y] = -d[x] * a * scipy.special.hyperu(a + 1.0, b + 1.0, x)


# Complete elliptic integrals of the parameter m: K' = (E - (1 - m) K) / (2 m (1 - m)),
# E' = (E - K) / (2 m); ellipkm1(p) = K(1 - p).
@elementwise(scipy.special.ellipk)
def ellipk(y, m):
    d[m] = d[y] * (scipy.special.ellipe(m) - (1.0 - m) * y) / (2.0 * m * (1.0 - m))


@elementwise(scipy.special.ellipe)
def ellipe(y, m):
    d[m] = d[y] * (y - scipy.special.ellipk(m)) / (2.0 * m)


@elementwise(scipy.special.ellipkm1)
def ellipkm1(y, p):
    d[p] = -d[y] * (scipy.special.ellipe(1.0 - p) - p * y) / (2.0 * p * (1.0 - p))
