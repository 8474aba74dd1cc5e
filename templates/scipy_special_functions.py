"""Elliptic, Legendre, parabolic-cylinder, Mathieu, spheroidal, Wright and combinatorial
functions of scipy.special (SciPy is optional: tangentlike/templates imports this module only
when SciPy is installed).

Many of these functions return their own derivative (``pbdv`` returns (D, D'), ``lqn``
returns (Q, Q'), ``legendre_p(n, z, diff_n=k)`` the derivatives of orders 0..k): the
derivative of the last one comes from the function's differential equation, or from SciPy
with one more order (``diff_n=k + 1``; SciPy computes up to order 2: beyond, refused by name).
As in templates/scipy_special_more.py, a derivative in an order or shape parameter that has no
closed form (the ``q`` of the Mathieu functions, the ``c`` of the spheroidal ones, the ``a``
and ``b`` of ``wright_bessel``) is refused when that parameter is differentiated
(``no_parameter_derivative``); a constant parameter costs nothing.  The characteristic values
(``mathieu_a``, ``pro_cv``, ...), Mathieu's Fourier coefficients and the quadrature rules in a
float parameter have no rule (classed refused in the census): constant arguments are fine.
"""
import numpy as np
import scipy.special

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, non_differentiable, tangent
from tangentlike.runtime import unbroadcast, zeros_like
from tangentlike.runtime.linalg import real_matrix
from tangentlike.runtime.special_functions import (
    next_order,
    nonnegative_order,
    sequence_orders,
)
from tangentlike.runtime.special_more import no_parameter_derivative

# Every function of this family computes a value and does nothing else, and returns an array,
# a number or a tuple of them, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(next_order, sequence_orders, nonnegative_order)

# Literals the templates read: pi / 180, pi / 8 and 9 pi / 64.


# ---------------------------------------------------------------------------------------------
# Jacobian elliptic functions: ellipj(u, m) = (sn, cn, dn, ph), ph = am(u, m).  In u:
# sn' = cn dn, cn' = -sn dn, dn' = -m sn cn, ph' = dn.  In m (checked against differences):
# ph_m = (dn ((1 - m) u - E(ph, m)) + m sn cn) / (2 m (1 - m)), and from sn = sin(ph),
# cn = cos(ph), dn**2 = 1 - m sn**2: sn_m = cn ph_m, cn_m = -sn ph_m,
# dn_m = -(sn**2 + 2 m sn cn ph_m) / (2 dn).  NaN at m = 0 and 1 exactly.

@adjoint(scipy.special.ellipj)
def ellipj(y, u, m):
    ph_m = (y[2] * ((1.0 - m) * u - scipy.special.ellipeinc(y[3], m)) + m * y[0] * y[1]) / (
        2.0 * m * (1.0 - m))
    d[u] = unbroadcast(d[y][0] * y[1] * y[2] - d[y][1] * y[0] * y[2]
                       - d[y][2] * m * y[0] * y[1] + d[y][3] * y[2], u)
    d[m] = unbroadcast((d[y][0] * y[1] - d[y][1] * y[0] + d[y][3]) * ph_m
                       - d[y][2] * (y[0] * y[0] + 2.0 * m * y[0] * y[1] * ph_m) / (2.0 * y[2]), m)


@tangent(scipy.special.ellipj)
def ellipj_tangent(y, u, m):
    ph_m = (y[2] * ((1.0 - m) * u - scipy.special.ellipeinc(y[3], m)) + m * y[0] * y[1]) / (
        2.0 * m * (1.0 - m))
    d[y] = (d[u] * y[1] * y[2], -d[u] * y[0] * y[2], -d[u] * m * y[0] * y[1], d[u] * y[2])
    d[y] = (d[m] * y[1] * ph_m, -d[m] * y[0] * ph_m,
            -d[m] * (y[0] * y[0] + 2.0 * m * y[0] * y[1] * ph_m) / (2.0 * y[2]), d[m] * ph_m)


# The result is a tuple: its tangents in u and m are added with add_grad.
declare(scipy.special.ellipj, library=True, containers=True)


# ---------------------------------------------------------------------------------------------
# Carlson's symmetric integrals R_D, R_J and R_G (DLMF 19.16), from their integrals by partial
# fractions: dR_D/dx = (R_D(x, y, z) - R_D(y, z, x)) / (2 (z - x)) (y alike), and the last
# argument from the homogeneity x R_x + y R_y + z R_z = -3/2 R (R_J's p the same, with R_J);
# R_G from 2 R_G = z R_F - (x - z)(y - z) R_D / 3 + sqrt(x y / z) (DLMF 19.21.10).  The
# formulas divide by differences of the arguments: NaN where two are exactly equal.

@adjoint(scipy.special.elliprd)
def elliprd(r, x, y, z):
    r_x = (r - scipy.special.elliprd(y, z, x)) / (2.0 * (z - x))
    r_y = (r - scipy.special.elliprd(z, x, y)) / (2.0 * (z - y))
    d[x] = unbroadcast(d[r] * r_x, x)
    d[y] = unbroadcast(d[r] * r_y, y)
    d[z] = unbroadcast(-d[r] * (1.5 * r + x * r_x + y * r_y) / z, z)


@tangent(scipy.special.elliprd)
def elliprd_tangent(r, x, y, z):
    r_x = (r - scipy.special.elliprd(y, z, x)) / (2.0 * (z - x))
    r_y = (r - scipy.special.elliprd(z, x, y)) / (2.0 * (z - y))
    d[r] = d[x] * r_x
    d[r] = d[y] * r_y
    d[r] = -d[z] * (1.5 * r + x * r_x + y * r_y) / z


@adjoint(scipy.special.elliprj)
def elliprj(r, x, y, z, p):
    r_x = (r - scipy.special.elliprd(y, z, x)) / (2.0 * (p - x))
    r_y = (r - scipy.special.elliprd(z, x, y)) / (2.0 * (p - y))
    r_z = (r - scipy.special.elliprd(x, y, z)) / (2.0 * (p - z))
    d[x] = unbroadcast(d[r] * r_x, x)
    d[y] = unbroadcast(d[r] * r_y, y)
    d[z] = unbroadcast(d[r] * r_z, z)
    d[p] = unbroadcast(-d[r] * (1.5 * r + x * r_x + y * r_y + z * r_z) / p, p)


@tangent(scipy.special.elliprj)
def elliprj_tangent(r, x, y, z, p):
    r_x = (r - scipy.special.elliprd(y, z, x)) / (2.0 * (p - x))
    r_y = (r - scipy.special.elliprd(z, x, y)) / (2.0 * (p - y))
    r_z = (r - scipy.special.elliprd(x, y, z)) / (2.0 * (p - z))
    d[r] = d[x] * r_x
    d[r] = d[y] * r_y
    d[r] = d[z] * r_z
    d[r] = -d[p] * (1.5 * r + x * r_x + y * r_y + z * r_z) / p


@adjoint(scipy.special.elliprg)
def elliprg(r, x, y, z):
    d[x] = unbroadcast(d[r] * (0.25 * np.sqrt(y / (x * z)) - (
        y * scipy.special.elliprd(y, z, x) + (y - z) * scipy.special.elliprd(x, y, z)) / 12.0), x)
    d[y] = unbroadcast(d[r] * (0.25 * np.sqrt(x / (y * z)) - (
        x * scipy.special.elliprd(z, x, y) + (x - z) * scipy.special.elliprd(x, y, z)) / 12.0), y)
    d[z] = unbroadcast(d[r] * (0.25 * np.sqrt(y / (x * z)) - (
        y * scipy.special.elliprd(x, y, z) + (y - x) * scipy.special.elliprd(z, y, x)) / 12.0), z)


@tangent(scipy.special.elliprg)
def elliprg_tangent(r, x, y, z):
    d[r] = d[x] * (0.25 * np.sqrt(y / (x * z)) - (
        y * scipy.special.elliprd(y, z, x) + (y - z) * scipy.special.elliprd(x, y, z)) / 12.0)
    d[r] = d[y] * (0.25 * np.sqrt(x / (y * z)) - (
        x * scipy.special.elliprd(z, x, y) + (x - z) * scipy.special.elliprd(x, y, z)) / 12.0)
    d[r] = d[z] * (0.25 * np.sqrt(y / (x * z)) - (
        y * scipy.special.elliprd(x, y, z) + (y - x) * scipy.special.elliprd(z, y, x)) / 12.0)


# The arithmetic-geometric mean: agm(a, b) = a pi / (2 K(m)), m = 1 - (b / a)**2, so
# d/da = y / a - y (K'(m) / K(m)) 2 b**2 / a**3 and d/db = y (K'(m) / K(m)) 2 b / a**2, with
# K'(m) = (E(m) - (1 - m) K(m)) / (2 m (1 - m)), its series pi / 8 + 9 pi m / 64 near m = 0
# (a = b, where the quotient cancels; the series' error is below 1e-9 there).  NaN at a = 0
# or b = 0.

@adjoint(scipy.special.agm)
def agm(y, a, b):
    m = 1.0 - (b / a) ** 2
    slope = np.where(np.abs(m) < 1e-5, 0.39269908169872414 + 0.44178646691106466 * m,
                     (scipy.special.ellipe(m) - (1.0 - m) * scipy.special.ellipk(m))
                     / (2.0 * np.where(np.abs(m) < 1e-5, 1.0, m) * (1.0 - m))
                     ) / scipy.special.ellipk(m)
    d[a] = unbroadcast(d[y] * y * (1.0 / a - slope * 2.0 * b * b / (a * a * a)), a)
    d[b] = unbroadcast(d[y] * y * slope * 2.0 * b / (a * a), b)


@tangent(scipy.special.agm)
def agm_tangent(y, a, b):
    m = 1.0 - (b / a) ** 2
    slope = np.where(np.abs(m) < 1e-5, 0.39269908169872414 + 0.44178646691106466 * m,
                     (scipy.special.ellipe(m) - (1.0 - m) * scipy.special.ellipk(m))
                     / (2.0 * np.where(np.abs(m) < 1e-5, 1.0, m) * (1.0 - m))
                     ) / scipy.special.ellipk(m)
    d[y] = d[a] * y * (1.0 / a - slope * 2.0 * b * b / (a * a * a))
    d[y] = d[b] * y * slope * 2.0 * b / (a * a)


# ---------------------------------------------------------------------------------------------
# Exponentially scaled Airy functions of a real x: airye(x) = (eAi, eAip, eBi, eBip), Ai and
# Ai' times exp(z), Bi and Bi' times exp(-z), z = 2/3 x**1.5 for x > 0 (0 for x < 0, where
# eAi is NaN): with s = sqrt(x) (0 for x < 0), eAi' = eAip + s eAi, eAip' = x eAi + s eAip,
# eBi' = eBip - s eBi, eBip' = x eBi - s eBip (eAi and eAip, NaN, pass no derivative for
# x <= 0).  On complex values eBi scales by
# exp(-|Re(z)|), not holomorphic: refused.

@adjoint(scipy.special.airye)
def airye(y, x):
    s = np.where(real_matrix(x, "scipy.special.airye") > 0.0, np.sqrt(np.abs(x)), 0.0)
    d[x] = (np.where(x > 0.0, d[y][0] * (y[1] + s * y[0]) + d[y][1] * (x * y[0] + s * y[1]),
                     0.0)
            + d[y][2] * (y[3] - s * y[2]) + d[y][3] * (x * y[2] - s * y[3]))


@tangent(scipy.special.airye)
def airye_tangent(y, x):
    s = np.where(real_matrix(x, "scipy.special.airye") > 0.0, np.sqrt(np.abs(x)), 0.0)
    d[y] = (d[x] * (y[1] + s * y[0]), d[x] * (x * y[0] + s * y[1]),
            d[x] * (y[3] - s * y[2]), d[x] * (x * y[2] - s * y[3]))


# ---------------------------------------------------------------------------------------------
# assoc_laguerre(x, n, k) = eval_genlaguerre(n, k, x): L' = -L_(n-1)^(k+1) (the hypergeometric
# form: for a float n too); n and k refused.

@adjoint(scipy.special.assoc_laguerre)
def assoc_laguerre(y, x, n, k=0.0):
    d[n] = no_parameter_derivative(d[y], "assoc_laguerre", "n")
    d[k] = no_parameter_derivative(d[y], "assoc_laguerre", "k")
    d[x] = unbroadcast(d[y] * -scipy.special.eval_genlaguerre(n - 1, k + 1.0, x), x)


@tangent(scipy.special.assoc_laguerre)
def assoc_laguerre_tangent(y, x, n, k=0.0):
    d[y] = no_parameter_derivative(d[n], "assoc_laguerre", "n")
    d[y] = no_parameter_derivative(d[k], "assoc_laguerre", "k")
    d[y] = d[x] * -scipy.special.eval_genlaguerre(n - 1, k + 1.0, x)


# ---------------------------------------------------------------------------------------------
# Combinations and permutations with exact=False: comb(N, k) = binom(N, k) and
# perm(N, k) = poch(N - k + 1, k) = gamma(N + 1) / gamma(N - k + 1) where 0 <= k <= N, and 0
# elsewhere (derivative 0 there); repetition=True is comb(N + k - 1, k).  exact=True gives
# integers (SciPy refuses non-integral N and k): piecewise constant, derivative 0.

@adjoint(scipy.special.comb)
def comb(y, N, k, exact=False, repetition=False):
    if exact:
        d[N] = zeros_like(N)
        d[k] = zeros_like(k)
    elif repetition:
        d[N] = unbroadcast(d[y] * np.where((N >= 1.0) & (k >= 0.0), y * (
            scipy.special.digamma(N + k) - scipy.special.digamma(N)), 0.0), N)
        d[k] = unbroadcast(d[y] * np.where((N >= 1.0) & (k >= 0.0), y * (
            scipy.special.digamma(N + k) - scipy.special.digamma(k + 1.0)), 0.0), k)
    else:
        d[N] = unbroadcast(d[y] * np.where((k <= N) & (N >= 0.0) & (k >= 0.0), y * (
            scipy.special.digamma(N + 1.0) - scipy.special.digamma(N - k + 1.0)), 0.0), N)
        d[k] = unbroadcast(d[y] * np.where((k <= N) & (N >= 0.0) & (k >= 0.0), y * (
            scipy.special.digamma(N - k + 1.0) - scipy.special.digamma(k + 1.0)), 0.0), k)


@tangent(scipy.special.comb)
def comb_tangent(y, N, k, exact=False, repetition=False):
    if exact:
        d[y] = zeros_like(d[N])
        d[y] = zeros_like(d[k])
    elif repetition:
        d[y] = d[N] * np.where((N >= 1.0) & (k >= 0.0), y * (
            scipy.special.digamma(N + k) - scipy.special.digamma(N)), 0.0)
        d[y] = d[k] * np.where((N >= 1.0) & (k >= 0.0), y * (
            scipy.special.digamma(N + k) - scipy.special.digamma(k + 1.0)), 0.0)
    else:
        d[y] = d[N] * np.where((k <= N) & (N >= 0.0) & (k >= 0.0), y * (
            scipy.special.digamma(N + 1.0) - scipy.special.digamma(N - k + 1.0)), 0.0)
        d[y] = d[k] * np.where((k <= N) & (N >= 0.0) & (k >= 0.0), y * (
            scipy.special.digamma(N - k + 1.0) - scipy.special.digamma(k + 1.0)), 0.0)


@adjoint(scipy.special.perm)
def perm(y, N, k, exact=False):
    if exact:
        d[N] = zeros_like(N)
        d[k] = zeros_like(k)
    else:
        d[N] = unbroadcast(d[y] * np.where((k <= N) & (N >= 0.0) & (k >= 0.0), y * (
            scipy.special.digamma(N + 1.0) - scipy.special.digamma(N - k + 1.0)), 0.0), N)
        d[k] = unbroadcast(d[y] * np.where((k <= N) & (N >= 0.0) & (k >= 0.0), y * (
            scipy.special.digamma(N - k + 1.0)), 0.0), k)


@tangent(scipy.special.perm)
def perm_tangent(y, N, k, exact=False):
    if exact:
        d[y] = zeros_like(d[N])
        d[y] = zeros_like(d[k])
    else:
        d[y] = d[N] * np.where((k <= N) & (N >= 0.0) & (k >= 0.0), y * (
            scipy.special.digamma(N + 1.0) - scipy.special.digamma(N - k + 1.0)), 0.0)
        d[y] = d[k] * np.where((k <= N) & (N >= 0.0) & (k >= 0.0), y * (
            scipy.special.digamma(N - k + 1.0)), 0.0)


# ---------------------------------------------------------------------------------------------
# Wright's generalized Bessel function: the series sum x**k / (k! gamma(a k + b)) has the
# derivative wright_bessel(a, a + b, x); log_wright_bessel's is its quotient.  a and b are
# refused.  besselpoly(a, lmb, nu) = the integral of x**lmb J_nu(2 a x) over [0, 1]: with
# J' = (J_(nu-1) - J_(nu+1)) / 2, d/da = besselpoly(a, lmb + 1, nu - 1)
# - besselpoly(a, lmb + 1, nu + 1); lmb and nu are refused.

@adjoint(scipy.special.wright_bessel)
def wright_bessel(y, a, b, x):
    d[a] = no_parameter_derivative(d[y], "wright_bessel", "a")
    d[b] = no_parameter_derivative(d[y], "wright_bessel", "b")
    d[x] = unbroadcast(d[y] * scipy.special.wright_bessel(a, a + b, x), x)


@tangent(scipy.special.wright_bessel)
def wright_bessel_tangent(y, a, b, x):
    d[y] = no_parameter_derivative(d[a], "wright_bessel", "a")
    d[y] = no_parameter_derivative(d[b], "wright_bessel", "b")
    d[y] = d[x] * scipy.special.wright_bessel(a, a + b, x)


@adjoint(scipy.special.log_wright_bessel)
def log_wright_bessel(y, a, b, x):
    d[a] = no_parameter_derivative(d[y], "log_wright_bessel", "a")
    d[b] = no_parameter_derivative(d[y], "log_wright_bessel", "b")
    d[x] = unbroadcast(d[y] * np.exp(scipy.special.log_wright_bessel(a, a + b, x) - y), x)


@tangent(scipy.special.log_wright_bessel)
def log_wright_bessel_tangent(y, a, b, x):
    d[y] = no_parameter_derivative(d[a], "log_wright_bessel", "a")
    d[y] = no_parameter_derivative(d[b], "log_wright_bessel", "b")
    d[y] = d[x] * np.exp(scipy.special.log_wright_bessel(a, a + b, x) - y)


@adjoint(scipy.special.besselpoly)
def besselpoly(y, a, lmb, nu):
    d[lmb] = no_parameter_derivative(d[y], "besselpoly", "lmb")
    d[nu] = no_parameter_derivative(d[y], "besselpoly", "nu")
    d[a] = unbroadcast(d[y] * (scipy.special.besselpoly(a, lmb + 1.0, nu - 1.0)
                               - scipy.special.besselpoly(a, lmb + 1.0, nu + 1.0)), a)


@tangent(scipy.special.besselpoly)
def besselpoly_tangent(y, a, lmb, nu):
    d[y] = no_parameter_derivative(d[lmb], "besselpoly", "lmb")
    d[y] = no_parameter_derivative(d[nu], "besselpoly", "nu")
    d[y] = d[a] * (scipy.special.besselpoly(a, lmb + 1.0, nu - 1.0)
                   - scipy.special.besselpoly(a, lmb + 1.0, nu + 1.0))


# ---------------------------------------------------------------------------------------------
# Legendre functions and spherical harmonics of the new API (SciPy 1.15): with diff_n=k the
# result stacks the derivatives of orders 0..k in z (theta for sph_legendre_p) on a first
# axis, so its derivative is SciPy's result with diff_n=k + 1 less its first row.  The degree n
# and order m are integers (constants).  SciPy computes up to diff_n=2: a derivative of a
# result with diff_n=2 is refused (next_order), and a Hessian needs diff_n=0.

@adjoint(scipy.special.legendre_p)
def legendre_p(y, n, z, diff_n=0):
    d[z] = unbroadcast(np.sum(d[y] * scipy.special.legendre_p(
        n, z, diff_n=next_order(diff_n, "legendre_p"))[1:], axis=0), z)


@tangent(scipy.special.legendre_p)
def legendre_p_tangent(y, n, z, diff_n=0):
    d[y] = d[z] * scipy.special.legendre_p(n, z, diff_n=next_order(diff_n, "legendre_p"))[1:]


@adjoint(scipy.special.legendre_p_all)
def legendre_p_all(y, n, z, diff_n=0):
    d[z] = unbroadcast(np.sum(d[y] * scipy.special.legendre_p_all(
        n, z, diff_n=next_order(diff_n, "legendre_p_all"))[1:], axis=(0, 1)), z)


@tangent(scipy.special.legendre_p_all)
def legendre_p_all_tangent(y, n, z, diff_n=0):
    d[y] = d[z] * scipy.special.legendre_p_all(
        n, z, diff_n=next_order(diff_n, "legendre_p_all"))[1:]


@adjoint(scipy.special.assoc_legendre_p)
def assoc_legendre_p(y, n, m, z, branch_cut=2, norm=False, diff_n=0):
    d[z] = unbroadcast(np.sum(d[y] * scipy.special.assoc_legendre_p(
        n, m, z, branch_cut=branch_cut, norm=norm,
        diff_n=next_order(diff_n, "assoc_legendre_p"))[1:], axis=0), z)


@tangent(scipy.special.assoc_legendre_p)
def assoc_legendre_p_tangent(y, n, m, z, branch_cut=2, norm=False, diff_n=0):
    d[y] = d[z] * scipy.special.assoc_legendre_p(
        n, m, z, branch_cut=branch_cut, norm=norm,
        diff_n=next_order(diff_n, "assoc_legendre_p"))[1:]


@adjoint(scipy.special.assoc_legendre_p_all)
def assoc_legendre_p_all(y, n, m, z, branch_cut=2, norm=False, diff_n=0):
    d[z] = unbroadcast(np.sum(d[y] * scipy.special.assoc_legendre_p_all(
        n, m, z, branch_cut=branch_cut, norm=norm,
        diff_n=next_order(diff_n, "assoc_legendre_p_all"))[1:], axis=(0, 1, 2)), z)


@tangent(scipy.special.assoc_legendre_p_all)
def assoc_legendre_p_all_tangent(y, n, m, z, branch_cut=2, norm=False, diff_n=0):
    d[y] = d[z] * scipy.special.assoc_legendre_p_all(
        n, m, z, branch_cut=branch_cut, norm=norm,
        diff_n=next_order(diff_n, "assoc_legendre_p_all"))[1:]


@adjoint(scipy.special.sph_legendre_p)
def sph_legendre_p(y, n, m, theta, diff_n=0):
    d[theta] = unbroadcast(np.sum(d[y] * scipy.special.sph_legendre_p(
        n, m, theta, diff_n=next_order(diff_n, "sph_legendre_p"))[1:], axis=0), theta)


@tangent(scipy.special.sph_legendre_p)
def sph_legendre_p_tangent(y, n, m, theta, diff_n=0):
    d[y] = d[theta] * scipy.special.sph_legendre_p(
        n, m, theta, diff_n=next_order(diff_n, "sph_legendre_p"))[1:]


@adjoint(scipy.special.sph_legendre_p_all)
def sph_legendre_p_all(y, n, m, theta, diff_n=0):
    d[theta] = unbroadcast(np.sum(d[y] * scipy.special.sph_legendre_p_all(
        n, m, theta, diff_n=next_order(diff_n, "sph_legendre_p_all"))[1:], axis=(0, 1, 2)),
        theta)


@tangent(scipy.special.sph_legendre_p_all)
def sph_legendre_p_all_tangent(y, n, m, theta, diff_n=0):
    d[y] = d[theta] * scipy.special.sph_legendre_p_all(
        n, m, theta, diff_n=next_order(diff_n, "sph_legendre_p_all"))[1:]


# sph_harm_y(n, m, theta, phi) (complex; a real theta and phi get the real part of the
# adjoint): with diff_n=1 SciPy returns (Y, its gradient in (theta, phi)), whose second part
# is the derivative.  A result with diff_n >= 1 is a tuple: refused (next_order with most=1),
# and so is a Hessian.  The gradient's last axis holds (theta, phi).

@adjoint(scipy.special.sph_harm_y)
def sph_harm_y(y, n, m, theta, phi, diff_n=0):
    g = scipy.special.sph_harm_y(n, m, theta, phi, diff_n=next_order(diff_n, "sph_harm_y", 1))[1]
    d[theta] = unbroadcast(d[y] * g[..., 0], theta)
    d[phi] = unbroadcast(d[y] * g[..., 1], phi)


@tangent(scipy.special.sph_harm_y)
def sph_harm_y_tangent(y, n, m, theta, phi, diff_n=0):
    g = scipy.special.sph_harm_y(n, m, theta, phi, diff_n=next_order(diff_n, "sph_harm_y", 1))[1]
    d[y] = d[theta] * g[..., 0]
    d[y] = d[phi] * g[..., 1]


@adjoint(scipy.special.sph_harm_y_all)
def sph_harm_y_all(y, n, m, theta, phi, diff_n=0):
    g = scipy.special.sph_harm_y_all(
        n, m, theta, phi, diff_n=next_order(diff_n, "sph_harm_y_all", 1))[1]
    d[theta] = unbroadcast(np.sum(d[y] * g[..., 0], axis=(0, 1)), theta)
    d[phi] = unbroadcast(np.sum(d[y] * g[..., 1], axis=(0, 1)), phi)


@tangent(scipy.special.sph_harm_y_all)
def sph_harm_y_all_tangent(y, n, m, theta, phi, diff_n=0):
    g = scipy.special.sph_harm_y_all(
        n, m, theta, phi, diff_n=next_order(diff_n, "sph_harm_y_all", 1))[1]
    d[y] = d[theta] * g[..., 0]
    d[y] = d[phi] * g[..., 1]


# Legendre functions of the second kind of orders 0..n of a scalar z: lqn(n, z) = (Q, Q'),
# (1 - z**2) Q'' = 2 z Q' - k (k + 1) Q (degree k); lqmn(m, n, z) = (Q, Q') of orders j <= m
# (rows) and degrees k <= n: (1 - z**2) Q'' = 2 z Q' - (k (k + 1) - j**2 / (1 - z**2)) Q.
# Infinite at z = +-1.

@adjoint(scipy.special.lqn, tuple_result=True)
def lqn(y, n, z):
    d[z] = unbroadcast(np.sum(d[y][0] * y[1] + d[y][1] * (
        2.0 * z * y[1] - np.arange(n + 1) * (np.arange(n + 1) + 1.0) * y[0]) / (1.0 - z * z)), z)


@tangent(scipy.special.lqn, tuple_result=True)
def lqn_tangent(y, n, z):
    d[y] = (d[z] * y[1], d[z] * (2.0 * z * y[1] - np.arange(n + 1) * (
        np.arange(n + 1) + 1.0) * y[0]) / (1.0 - z * z))


@adjoint(scipy.special.lqmn, tuple_result=True)
def lqmn(y, m, n, z):
    d[z] = unbroadcast(np.sum(d[y][0] * y[1] + d[y][1] * (2.0 * z * y[1] - (
        np.arange(n + 1) * (np.arange(n + 1) + 1.0)
        - np.arange(m + 1)[:, None] ** 2 / (1.0 - z * z)) * y[0]) / (1.0 - z * z)), z)


@tangent(scipy.special.lqmn, tuple_result=True)
def lqmn_tangent(y, m, n, z):
    d[y] = (d[z] * y[1], d[z] * (2.0 * z * y[1] - (
        np.arange(n + 1) * (np.arange(n + 1) + 1.0)
        - np.arange(m + 1)[:, None] ** 2 / (1.0 - z * z)) * y[0]) / (1.0 - z * z))


# ---------------------------------------------------------------------------------------------
# Parabolic cylinder functions, which return (value, derivative): pbdv(v, x) = (D, D') and
# pbvv(v, x) = (V, V') solve w'' = (x**2 / 4 - v - 1/2) w; pbwa(a, x) = (W, W') solves
# W'' = (a - x**2 / 4) W.  The order is refused.  The sequences pbdv_seq(v, x) and
# pbvv_seq(v, x) of a scalar x hold the orders v - floor(v), ..., v; pbdn_seq(n, z) the
# orders 0..n (refused for n < 0, where SciPy's last derivative is 0, and for a complex z,
# where SciPy's values are not holomorphic).

@adjoint(scipy.special.pbdv)
def pbdv(y, v, x):
    d[v] = no_parameter_derivative(d[y], "pbdv", "v")
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * (0.25 * x * x - v - 0.5) * y[0], x)


@tangent(scipy.special.pbdv)
def pbdv_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "pbdv", "v")
    d[y] = (d[x] * y[1], d[x] * (0.25 * x * x - v - 0.5) * y[0])


@adjoint(scipy.special.pbvv)
def pbvv(y, v, x):
    d[v] = no_parameter_derivative(d[y], "pbvv", "v")
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * (0.25 * x * x - v - 0.5) * y[0], x)


@tangent(scipy.special.pbvv)
def pbvv_tangent(y, v, x):
    d[y] = no_parameter_derivative(d[v], "pbvv", "v")
    d[y] = (d[x] * y[1], d[x] * (0.25 * x * x - v - 0.5) * y[0])


@adjoint(scipy.special.pbwa)
def pbwa(y, a, x):
    d[a] = no_parameter_derivative(d[y], "pbwa", "a")
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * (a - 0.25 * x * x) * y[0], x)


@tangent(scipy.special.pbwa)
def pbwa_tangent(y, a, x):
    d[y] = no_parameter_derivative(d[a], "pbwa", "a")
    d[y] = (d[x] * y[1], d[x] * (a - 0.25 * x * x) * y[0])


@adjoint(scipy.special.pbdv_seq, tuple_result=True)
def pbdv_seq(y, v, x):
    d[x] = unbroadcast(np.sum(d[y][0] * y[1] + d[y][1] * (
        0.25 * x * x - sequence_orders(v, y[0]) - 0.5) * y[0]), x)


@tangent(scipy.special.pbdv_seq, tuple_result=True)
def pbdv_seq_tangent(y, v, x):
    d[y] = (d[x] * y[1], d[x] * (0.25 * x * x - sequence_orders(v, y[0]) - 0.5) * y[0])


@adjoint(scipy.special.pbvv_seq, tuple_result=True)
def pbvv_seq(y, v, x):
    d[x] = unbroadcast(np.sum(d[y][0] * y[1] + d[y][1] * (
        0.25 * x * x - sequence_orders(v, y[0]) - 0.5) * y[0]), x)


@tangent(scipy.special.pbvv_seq, tuple_result=True)
def pbvv_seq_tangent(y, v, x):
    d[y] = (d[x] * y[1], d[x] * (0.25 * x * x - sequence_orders(v, y[0]) - 0.5) * y[0])


@adjoint(scipy.special.pbdn_seq, tuple_result=True)
def pbdn_seq(y, n, z):
    d[z] = unbroadcast(np.sum(d[y][0] * y[1] + d[y][1] * (
        0.25 * real_matrix(z, "scipy.special.pbdn_seq") * z
        - np.arange(nonnegative_order(n, "pbdn_seq") + 1) - 0.5) * y[0]), z)


@tangent(scipy.special.pbdn_seq, tuple_result=True)
def pbdn_seq_tangent(y, n, z):
    d[y] = (d[z] * y[1], d[z] * (
        0.25 * real_matrix(z, "scipy.special.pbdn_seq") * z
        - np.arange(nonnegative_order(n, "pbdn_seq") + 1) - 0.5) * y[0])


# Jahnke-Emden Lambda functions of a scalar x: lmbda(v, x) = (L, L') of the orders
# v - floor(v), ..., v, which solve x L'' + (2 v + 1) L' + x L = 0.
@adjoint(scipy.special.lmbda, tuple_result=True)
def lmbda(y, v, x):
    d[x] = unbroadcast(np.sum(d[y][0] * y[1] - d[y][1] * (
        (2.0 * sequence_orders(v, y[0]) + 1.0) * y[1] / x + y[0])), x)


@tangent(scipy.special.lmbda, tuple_result=True)
def lmbda_tangent(y, v, x):
    d[y] = (d[x] * y[1], -d[x] * ((2.0 * sequence_orders(v, y[0]) + 1.0) * y[1] / x + y[0]))


# ---------------------------------------------------------------------------------------------
# Mathieu functions, which return (value, derivative): mathieu_cem(m, q, x) and mathieu_sem
# take x in degrees and return the derivative in radians, and solve
# y'' = -(a - 2 q cos(2 x)) y (x in radians; a = mathieu_a(m, q) for cem, mathieu_b for sem);
# the modified (radial) ones solve y'' = (a - 2 q cosh(2 x)) y.  q is refused; m is an
# integer.

@adjoint(scipy.special.mathieu_cem)
def mathieu_cem(y, m, q, x):
    d[q] = no_parameter_derivative(d[y], "mathieu_cem", "q")
    d[x] = unbroadcast(0.017453292519943295 * (d[y][0] * y[1] - d[y][1] * (
        scipy.special.mathieu_a(m, q) - 2.0 * q * np.cos(0.03490658503988659 * x)) * y[0]), x)


@tangent(scipy.special.mathieu_cem)
def mathieu_cem_tangent(y, m, q, x):
    d[y] = no_parameter_derivative(d[q], "mathieu_cem", "q")
    d[y] = (0.017453292519943295 * d[x] * y[1], -0.017453292519943295 * d[x] * (
        scipy.special.mathieu_a(m, q) - 2.0 * q * np.cos(0.03490658503988659 * x)) * y[0])


@adjoint(scipy.special.mathieu_sem)
def mathieu_sem(y, m, q, x):
    d[q] = no_parameter_derivative(d[y], "mathieu_sem", "q")
    d[x] = unbroadcast(0.017453292519943295 * (d[y][0] * y[1] - d[y][1] * (
        scipy.special.mathieu_b(m, q) - 2.0 * q * np.cos(0.03490658503988659 * x)) * y[0]), x)


@tangent(scipy.special.mathieu_sem)
def mathieu_sem_tangent(y, m, q, x):
    d[y] = no_parameter_derivative(d[q], "mathieu_sem", "q")
    d[y] = (0.017453292519943295 * d[x] * y[1], -0.017453292519943295 * d[x] * (
        scipy.special.mathieu_b(m, q) - 2.0 * q * np.cos(0.03490658503988659 * x)) * y[0])


@adjoint(scipy.special.mathieu_modcem1)
def mathieu_modcem1(y, m, q, x):
    d[q] = no_parameter_derivative(d[y], "mathieu_modcem1", "q")
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * (
        scipy.special.mathieu_a(m, q) - 2.0 * q * np.cosh(2.0 * x)) * y[0], x)


@tangent(scipy.special.mathieu_modcem1)
def mathieu_modcem1_tangent(y, m, q, x):
    d[y] = no_parameter_derivative(d[q], "mathieu_modcem1", "q")
    d[y] = (d[x] * y[1], d[x] * (scipy.special.mathieu_a(m, q) - 2.0 * q * np.cosh(2.0 * x)) * y[0])


@adjoint(scipy.special.mathieu_modcem2)
def mathieu_modcem2(y, m, q, x):
    d[q] = no_parameter_derivative(d[y], "mathieu_modcem2", "q")
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * (
        scipy.special.mathieu_a(m, q) - 2.0 * q * np.cosh(2.0 * x)) * y[0], x)


@tangent(scipy.special.mathieu_modcem2)
def mathieu_modcem2_tangent(y, m, q, x):
    d[y] = no_parameter_derivative(d[q], "mathieu_modcem2", "q")
    d[y] = (d[x] * y[1], d[x] * (scipy.special.mathieu_a(m, q) - 2.0 * q * np.cosh(2.0 * x)) * y[0])


@adjoint(scipy.special.mathieu_modsem1)
def mathieu_modsem1(y, m, q, x):
    d[q] = no_parameter_derivative(d[y], "mathieu_modsem1", "q")
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * (
        scipy.special.mathieu_b(m, q) - 2.0 * q * np.cosh(2.0 * x)) * y[0], x)


@tangent(scipy.special.mathieu_modsem1)
def mathieu_modsem1_tangent(y, m, q, x):
    d[y] = no_parameter_derivative(d[q], "mathieu_modsem1", "q")
    d[y] = (d[x] * y[1], d[x] * (scipy.special.mathieu_b(m, q) - 2.0 * q * np.cosh(2.0 * x)) * y[0])


@adjoint(scipy.special.mathieu_modsem2)
def mathieu_modsem2(y, m, q, x):
    d[q] = no_parameter_derivative(d[y], "mathieu_modsem2", "q")
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * (
        scipy.special.mathieu_b(m, q) - 2.0 * q * np.cosh(2.0 * x)) * y[0], x)


@tangent(scipy.special.mathieu_modsem2)
def mathieu_modsem2_tangent(y, m, q, x):
    d[y] = no_parameter_derivative(d[q], "mathieu_modsem2", "q")
    d[y] = (d[x] * y[1], d[x] * (scipy.special.mathieu_b(m, q) - 2.0 * q * np.cosh(2.0 * x)) * y[0])


# ---------------------------------------------------------------------------------------------
# Spheroidal wave functions, which return (value, derivative), in x: the angular ones solve
# (1 - x**2) s'' = 2 x s' - (cv -+ c**2 x**2 - m**2 / (1 - x**2)) s (prolate -, oblate +), the
# prolate radial ones (x**2 - 1) R'' = -2 x R' + (cv - c**2 x**2 + m**2 / (x**2 - 1)) R, the
# oblate radial ones (x**2 + 1) R'' = -2 x R' + (cv - c**2 x**2 - m**2 / (x**2 + 1)) R, with
# the characteristic value cv = pro_cv(m, n, c) (obl_cv; given to the *_cv functions).  c (and
# cv) are refused; m and n are integers.  (The radial functions of the second kind have no
# rule: SciPy's values miss that equation by up to 1e-2 (prolate) and 1 (oblate), relative.)


@adjoint(scipy.special.pro_ang1)
def pro_ang1(y, m, n, c, x):
    d[c] = no_parameter_derivative(d[y], "pro_ang1", "c")
    lam = scipy.special.pro_cv(m, n, c)
    curve = (2.0 * x * y[1] - (lam - c * c * x * x - m * m / (1.0 - x * x)) * y[0]) / (1.0 - x * x)
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * curve, x)


@tangent(scipy.special.pro_ang1)
def pro_ang1_tangent(y, m, n, c, x):
    d[y] = no_parameter_derivative(d[c], "pro_ang1", "c")
    lam = scipy.special.pro_cv(m, n, c)
    curve = (2.0 * x * y[1] - (lam - c * c * x * x - m * m / (1.0 - x * x)) * y[0]) / (1.0 - x * x)
    d[y] = (d[x] * y[1], d[x] * curve)


@adjoint(scipy.special.pro_ang1_cv)
def pro_ang1_cv(y, m, n, c, cv, x):
    d[c] = no_parameter_derivative(d[y], "pro_ang1_cv", "c")
    d[cv] = no_parameter_derivative(d[y], "pro_ang1_cv", "cv")
    curve = (2.0 * x * y[1] - (cv - c * c * x * x - m * m / (1.0 - x * x)) * y[0]) / (1.0 - x * x)
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * curve, x)


@tangent(scipy.special.pro_ang1_cv)
def pro_ang1_cv_tangent(y, m, n, c, cv, x):
    d[y] = no_parameter_derivative(d[c], "pro_ang1_cv", "c")
    d[y] = no_parameter_derivative(d[cv], "pro_ang1_cv", "cv")
    curve = (2.0 * x * y[1] - (cv - c * c * x * x - m * m / (1.0 - x * x)) * y[0]) / (1.0 - x * x)
    d[y] = (d[x] * y[1], d[x] * curve)


@adjoint(scipy.special.pro_rad1)
def pro_rad1(y, m, n, c, x):
    d[c] = no_parameter_derivative(d[y], "pro_rad1", "c")
    lam = scipy.special.pro_cv(m, n, c)
    curve = (-2.0 * x * y[1] + (lam - c * c * x * x + m * m / (x * x - 1.0)) * y[0]) / (x * x - 1.0)
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * curve, x)


@tangent(scipy.special.pro_rad1)
def pro_rad1_tangent(y, m, n, c, x):
    d[y] = no_parameter_derivative(d[c], "pro_rad1", "c")
    lam = scipy.special.pro_cv(m, n, c)
    curve = (-2.0 * x * y[1] + (lam - c * c * x * x + m * m / (x * x - 1.0)) * y[0]) / (x * x - 1.0)
    d[y] = (d[x] * y[1], d[x] * curve)


@adjoint(scipy.special.pro_rad1_cv)
def pro_rad1_cv(y, m, n, c, cv, x):
    d[c] = no_parameter_derivative(d[y], "pro_rad1_cv", "c")
    d[cv] = no_parameter_derivative(d[y], "pro_rad1_cv", "cv")
    curve = (-2.0 * x * y[1] + (cv - c * c * x * x + m * m / (x * x - 1.0)) * y[0]) / (x * x - 1.0)
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * curve, x)


@tangent(scipy.special.pro_rad1_cv)
def pro_rad1_cv_tangent(y, m, n, c, cv, x):
    d[y] = no_parameter_derivative(d[c], "pro_rad1_cv", "c")
    d[y] = no_parameter_derivative(d[cv], "pro_rad1_cv", "cv")
    curve = (-2.0 * x * y[1] + (cv - c * c * x * x + m * m / (x * x - 1.0)) * y[0]) / (x * x - 1.0)
    d[y] = (d[x] * y[1], d[x] * curve)


@adjoint(scipy.special.obl_ang1)
def obl_ang1(y, m, n, c, x):
    d[c] = no_parameter_derivative(d[y], "obl_ang1", "c")
    lam = scipy.special.obl_cv(m, n, c)
    curve = (2.0 * x * y[1] - (lam + c * c * x * x - m * m / (1.0 - x * x)) * y[0]) / (1.0 - x * x)
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * curve, x)


@tangent(scipy.special.obl_ang1)
def obl_ang1_tangent(y, m, n, c, x):
    d[y] = no_parameter_derivative(d[c], "obl_ang1", "c")
    lam = scipy.special.obl_cv(m, n, c)
    curve = (2.0 * x * y[1] - (lam + c * c * x * x - m * m / (1.0 - x * x)) * y[0]) / (1.0 - x * x)
    d[y] = (d[x] * y[1], d[x] * curve)


@adjoint(scipy.special.obl_ang1_cv)
def obl_ang1_cv(y, m, n, c, cv, x):
    d[c] = no_parameter_derivative(d[y], "obl_ang1_cv", "c")
    d[cv] = no_parameter_derivative(d[y], "obl_ang1_cv", "cv")
    curve = (2.0 * x * y[1] - (cv + c * c * x * x - m * m / (1.0 - x * x)) * y[0]) / (1.0 - x * x)
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * curve, x)


@tangent(scipy.special.obl_ang1_cv)
def obl_ang1_cv_tangent(y, m, n, c, cv, x):
    d[y] = no_parameter_derivative(d[c], "obl_ang1_cv", "c")
    d[y] = no_parameter_derivative(d[cv], "obl_ang1_cv", "cv")
    curve = (2.0 * x * y[1] - (cv + c * c * x * x - m * m / (1.0 - x * x)) * y[0]) / (1.0 - x * x)
    d[y] = (d[x] * y[1], d[x] * curve)


@adjoint(scipy.special.obl_rad1)
def obl_rad1(y, m, n, c, x):
    d[c] = no_parameter_derivative(d[y], "obl_rad1", "c")
    lam = scipy.special.obl_cv(m, n, c)
    curve = (-2.0 * x * y[1] + (lam - c * c * x * x - m * m / (x * x + 1.0)) * y[0]) / (x * x + 1.0)
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * curve, x)


@tangent(scipy.special.obl_rad1)
def obl_rad1_tangent(y, m, n, c, x):
    d[y] = no_parameter_derivative(d[c], "obl_rad1", "c")
    lam = scipy.special.obl_cv(m, n, c)
    curve = (-2.0 * x * y[1] + (lam - c * c * x * x - m * m / (x * x + 1.0)) * y[0]) / (x * x + 1.0)
    d[y] = (d[x] * y[1], d[x] * curve)


@adjoint(scipy.special.obl_rad1_cv)
def obl_rad1_cv(y, m, n, c, cv, x):
    d[c] = no_parameter_derivative(d[y], "obl_rad1_cv", "c")
    d[cv] = no_parameter_derivative(d[y], "obl_rad1_cv", "cv")
    curve = (-2.0 * x * y[1] + (cv - c * c * x * x - m * m / (x * x + 1.0)) * y[0]) / (x * x + 1.0)
    d[x] = unbroadcast(d[y][0] * y[1] + d[y][1] * curve, x)


@tangent(scipy.special.obl_rad1_cv)
def obl_rad1_cv_tangent(y, m, n, c, cv, x):
    d[y] = no_parameter_derivative(d[c], "obl_rad1_cv", "c")
    d[y] = no_parameter_derivative(d[cv], "obl_rad1_cv", "cv")
    curve = (-2.0 * x * y[1] + (cv - c * c * x * x - m * m / (x * x + 1.0)) * y[0]) / (x * x + 1.0)
    d[y] = (d[x] * y[1], d[x] * curve)
