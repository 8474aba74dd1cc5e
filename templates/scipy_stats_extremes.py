"""scipy.stats' extreme-value family in closed form: ``kappa4`` (``pdf logpdf cdf logcdf``),
``genextreme`` (``pdf logpdf``; its ``cdf logcdf`` are differentiated from SciPy's source),
``kappa3.logcdf`` and ``dpareto_lognorm``'s ``cdf logcdf`` (Reed and Jorgensen's closed form,
below) (SciPy is optional: tangentlike/templates imports this module only when SciPy is
installed).

With ``z = (x - loc) / scale``, ``s = k z``, ``t = 1 - s`` and ``u = t**(1/k)`` (``exp(-z)``
at ``k = 0``), the four-parameter kappa distribution has

- ``log F = log1p(-h u) / h`` (``-u`` at ``h = 0``);
- ``log f = log F + log u - log t - log1p(-h u)``,

and the generalized extreme value distribution is its ``h = 0`` member (``c = k``; ``c = 0``
is Gumbel's).  Writing ``M(s) = -log1p(-s) / s`` (so ``log u = -z M(k z)``) and ``r(s) =
(log1p(-s) + s / (1 - s)) / s**2`` (``d log u / dk = -z**2 r(k z)``), both evaluated by their
Taylor series where ``|s| < 1e-3`` (no 0/0 at ``h = 0`` or ``k = 0``, and derivatives of every
order are continuous across them), the derivatives are, with ``v = h u``,

- ``d log F/dz = u / (t (1 - v))``, ``d log F/dh = -u**2 r(v)``,
  ``d log F/dk = z**2 r(s) u / (1 - v)``;
- ``d log f/dz = (u (1 - h) / (1 - v) - 1 + k) / t``, ``d log f/dh = u / (1 - v) - u**2 r(v)``,
  ``d log f/dk = z / t - z**2 r(s) (u (h - 1) / (1 - v) + 1)``;

and then ``d/dx = D_z / scale``, ``d/dloc = -D_z / scale``, ``d/dscale = -(z D_z + 1) / scale``
for a density (``-z D_z / scale`` for a distribution function).  ``kappa3``'s distribution
function is ``z (a + z**a)**(-1/a)`` for ``z > 0``.  Every intermediate is written with NumPy
functions that have rules, so derivatives of derivatives work.  Outside the support (where
SciPy's density is 0 or its distribution function 0 or 1) the derivatives are 0.  Complex
values are refused (``real_matrix``).
"""
import numpy as np
import scipy.stats

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import d
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.linalg import real_matrix

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


# ---------------------------------------------------------------------------------------------
# kappa4 (h, k)

@elementwise(scipy.stats.kappa4.logpdf)
def kappa4_logpdf(y, x, h, k, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.kappa4.logpdf")
    s = real_matrix(k, "scipy.stats.kappa4.logpdf") * z
    ok = s < 1.0
    s1 = np.where(ok, s, 0.0)
    near = np.abs(s1) < 1e-3
    a1 = np.where(near, 0.5, s1)
    m1 = np.where(near, 1.0 + s1 * (0.5 + s1 * (1.0 / 3.0 + s1 * (0.25 + s1 * 0.2))),
                  -np.log1p(-a1) / a1)
    r1 = np.where(near, 0.5 + s1 * (2.0 / 3.0 + s1 * (0.75 + s1 * (0.8 + s1 * 5.0 / 6.0))),
                  (np.log1p(-a1) + a1 / (1.0 - a1)) / (a1 * a1))
    u = np.exp(-z * m1)
    ok = ok & (real_matrix(h, "scipy.stats.kappa4.logpdf") * u < 1.0)
    v = np.where(ok, h * u, 0.0)
    nv = np.abs(v) < 1e-3
    a2 = np.where(nv, 0.5, v)
    r2 = np.where(nv, 0.5 + v * (2.0 / 3.0 + v * (0.75 + v * (0.8 + v * 5.0 / 6.0))),
                  (np.log1p(-a2) + a2 / (1.0 - a2)) / (a2 * a2))
    t = 1.0 - s1
    hz = np.where(ok, (u * (1.0 - h) / (1.0 - v) - 1.0 + k) / t, 0.0)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[h] = unbroadcast(d[y] * np.where(ok, u / (1.0 - v) - u * u * r2, 0.0), h)
    d[k] = unbroadcast(d[y] * np.where(
        ok, z / t - z * z * r1 * (u * (h - 1.0) / (1.0 - v) + 1.0), 0.0), k)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * np.where(ok, z * hz + 1.0, 0.0) / scale, scale)


@elementwise(scipy.stats.kappa4.pdf)
def kappa4_pdf(y, x, h, k, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.kappa4.pdf")
    s = real_matrix(k, "scipy.stats.kappa4.pdf") * z
    ok = s < 1.0
    s1 = np.where(ok, s, 0.0)
    near = np.abs(s1) < 1e-3
    a1 = np.where(near, 0.5, s1)
    m1 = np.where(near, 1.0 + s1 * (0.5 + s1 * (1.0 / 3.0 + s1 * (0.25 + s1 * 0.2))),
                  -np.log1p(-a1) / a1)
    r1 = np.where(near, 0.5 + s1 * (2.0 / 3.0 + s1 * (0.75 + s1 * (0.8 + s1 * 5.0 / 6.0))),
                  (np.log1p(-a1) + a1 / (1.0 - a1)) / (a1 * a1))
    u = np.exp(-z * m1)
    ok = ok & (real_matrix(h, "scipy.stats.kappa4.pdf") * u < 1.0)
    v = np.where(ok, h * u, 0.0)
    nv = np.abs(v) < 1e-3
    a2 = np.where(nv, 0.5, v)
    r2 = np.where(nv, 0.5 + v * (2.0 / 3.0 + v * (0.75 + v * (0.8 + v * 5.0 / 6.0))),
                  (np.log1p(-a2) + a2 / (1.0 - a2)) / (a2 * a2))
    t = 1.0 - s1
    hz = np.where(ok, (u * (1.0 - h) / (1.0 - v) - 1.0 + k) / t, 0.0)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[h] = unbroadcast(d[y] * y * np.where(ok, u / (1.0 - v) - u * u * r2, 0.0), h)
    d[k] = unbroadcast(d[y] * y * np.where(
        ok, z / t - z * z * r1 * (u * (h - 1.0) / (1.0 - v) + 1.0), 0.0), k)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * np.where(ok, z * hz + 1.0, 0.0) / scale, scale)


@elementwise(scipy.stats.kappa4.logcdf)
def kappa4_logcdf(y, x, h, k, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.kappa4.logcdf")
    s = real_matrix(k, "scipy.stats.kappa4.logcdf") * z
    ok = s < 1.0
    s1 = np.where(ok, s, 0.0)
    near = np.abs(s1) < 1e-3
    a1 = np.where(near, 0.5, s1)
    m1 = np.where(near, 1.0 + s1 * (0.5 + s1 * (1.0 / 3.0 + s1 * (0.25 + s1 * 0.2))),
                  -np.log1p(-a1) / a1)
    r1 = np.where(near, 0.5 + s1 * (2.0 / 3.0 + s1 * (0.75 + s1 * (0.8 + s1 * 5.0 / 6.0))),
                  (np.log1p(-a1) + a1 / (1.0 - a1)) / (a1 * a1))
    u = np.exp(-z * m1)
    ok = ok & (real_matrix(h, "scipy.stats.kappa4.logcdf") * u < 1.0)
    v = np.where(ok, h * u, 0.0)
    nv = np.abs(v) < 1e-3
    a2 = np.where(nv, 0.5, v)
    r2 = np.where(nv, 0.5 + v * (2.0 / 3.0 + v * (0.75 + v * (0.8 + v * 5.0 / 6.0))),
                  (np.log1p(-a2) + a2 / (1.0 - a2)) / (a2 * a2))
    gz = np.where(ok, u / ((1.0 - s1) * (1.0 - v)), 0.0)
    d[x] = unbroadcast(d[y] * gz / scale, x)
    d[h] = unbroadcast(d[y] * np.where(ok, -u * u * r2, 0.0), h)
    d[k] = unbroadcast(d[y] * np.where(ok, z * z * r1 * u / (1.0 - v), 0.0), k)
    d[loc] = unbroadcast(-d[y] * gz / scale, loc)
    d[scale] = unbroadcast(-d[y] * z * gz / scale, scale)


@elementwise(scipy.stats.kappa4.cdf)
def kappa4_cdf(y, x, h, k, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.kappa4.cdf")
    s = real_matrix(k, "scipy.stats.kappa4.cdf") * z
    ok = s < 1.0
    s1 = np.where(ok, s, 0.0)
    near = np.abs(s1) < 1e-3
    a1 = np.where(near, 0.5, s1)
    m1 = np.where(near, 1.0 + s1 * (0.5 + s1 * (1.0 / 3.0 + s1 * (0.25 + s1 * 0.2))),
                  -np.log1p(-a1) / a1)
    r1 = np.where(near, 0.5 + s1 * (2.0 / 3.0 + s1 * (0.75 + s1 * (0.8 + s1 * 5.0 / 6.0))),
                  (np.log1p(-a1) + a1 / (1.0 - a1)) / (a1 * a1))
    u = np.exp(-z * m1)
    ok = ok & (real_matrix(h, "scipy.stats.kappa4.cdf") * u < 1.0)
    v = np.where(ok, h * u, 0.0)
    nv = np.abs(v) < 1e-3
    a2 = np.where(nv, 0.5, v)
    r2 = np.where(nv, 0.5 + v * (2.0 / 3.0 + v * (0.75 + v * (0.8 + v * 5.0 / 6.0))),
                  (np.log1p(-a2) + a2 / (1.0 - a2)) / (a2 * a2))
    gz = np.where(ok, u / ((1.0 - s1) * (1.0 - v)), 0.0)
    d[x] = unbroadcast(d[y] * y * gz / scale, x)
    d[h] = unbroadcast(d[y] * y * np.where(ok, -u * u * r2, 0.0), h)
    d[k] = unbroadcast(d[y] * y * np.where(ok, z * z * r1 * u / (1.0 - v), 0.0), k)
    d[loc] = unbroadcast(-d[y] * y * gz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * z * gz / scale, scale)


# ---------------------------------------------------------------------------------------------
# genextreme (c): kappa4 with h = 0, k = c

@elementwise(scipy.stats.genextreme.logpdf)
def genextreme_logpdf(y, x, c, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.genextreme.logpdf")
    s = real_matrix(c, "scipy.stats.genextreme.logpdf") * z
    ok = s < 1.0
    s1 = np.where(ok, s, 0.0)
    near = np.abs(s1) < 1e-3
    a1 = np.where(near, 0.5, s1)
    m1 = np.where(near, 1.0 + s1 * (0.5 + s1 * (1.0 / 3.0 + s1 * (0.25 + s1 * 0.2))),
                  -np.log1p(-a1) / a1)
    r1 = np.where(near, 0.5 + s1 * (2.0 / 3.0 + s1 * (0.75 + s1 * (0.8 + s1 * 5.0 / 6.0))),
                  (np.log1p(-a1) + a1 / (1.0 - a1)) / (a1 * a1))
    u = np.exp(-z * m1)
    t = 1.0 - s1
    hz = np.where(ok, (u - 1.0 + c) / t, 0.0)
    d[x] = unbroadcast(d[y] * hz / scale, x)
    d[c] = unbroadcast(d[y] * np.where(ok, z / t - z * z * r1 * (1.0 - u), 0.0), c)
    d[loc] = unbroadcast(-d[y] * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * np.where(ok, z * hz + 1.0, 0.0) / scale, scale)


@elementwise(scipy.stats.genextreme.pdf)
def genextreme_pdf(y, x, c, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.genextreme.pdf")
    s = real_matrix(c, "scipy.stats.genextreme.pdf") * z
    ok = s < 1.0
    s1 = np.where(ok, s, 0.0)
    near = np.abs(s1) < 1e-3
    a1 = np.where(near, 0.5, s1)
    m1 = np.where(near, 1.0 + s1 * (0.5 + s1 * (1.0 / 3.0 + s1 * (0.25 + s1 * 0.2))),
                  -np.log1p(-a1) / a1)
    r1 = np.where(near, 0.5 + s1 * (2.0 / 3.0 + s1 * (0.75 + s1 * (0.8 + s1 * 5.0 / 6.0))),
                  (np.log1p(-a1) + a1 / (1.0 - a1)) / (a1 * a1))
    u = np.exp(-z * m1)
    t = 1.0 - s1
    hz = np.where(ok, (u - 1.0 + c) / t, 0.0)
    d[x] = unbroadcast(d[y] * y * hz / scale, x)
    d[c] = unbroadcast(d[y] * y * np.where(ok, z / t - z * z * r1 * (1.0 - u), 0.0), c)
    d[loc] = unbroadcast(-d[y] * y * hz / scale, loc)
    d[scale] = unbroadcast(-d[y] * y * np.where(ok, z * hz + 1.0, 0.0) / scale, scale)


# ---------------------------------------------------------------------------------------------
# kappa3 (a): log F = log z - log(a + z**a) / a for z > 0

@elementwise(scipy.stats.kappa3.logcdf)
def kappa3_logcdf(y, x, a, loc=0.0, scale=1.0):
    z = real_matrix((x - loc) / scale, "scipy.stats.kappa3.logcdf")
    ok = z > 0.0
    zp = np.where(ok, z, 1.0)
    lz = np.log(zp)
    w = np.exp(real_matrix(a, "scipy.stats.kappa3.logcdf") * lz)
    gz = np.where(ok, a / (zp * (a + w)), 0.0)
    d[x] = unbroadcast(d[y] * gz / scale, x)
    d[a] = unbroadcast(d[y] * np.where(
        ok, np.log(a + w) / (a * a) - (1.0 + w * lz) / (a * (a + w)), 0.0), a)
    d[loc] = unbroadcast(-d[y] * gz / scale, loc)
    d[scale] = unbroadcast(-d[y] * z * gz / scale, scale)


# ---------------------------------------------------------------------------------------------
# dpareto_lognorm (u, s, a, b): with w = (x - loc) / scale, z = (log w - u) / s,
# p1 = a s - z, p2 = b s + z, A = exp(a**2 s**2 / 2 - a s z) sf(p1), B = exp(b**2 s**2 / 2 +
# b s z) sf(p2) (sf the normal survival function) and N = b A - a B, Reed and Jorgensen's
# F = Phi(z) - N / (a + b); w f(w) = a b (A + B) / (a + b); with g_i = p_i - lambda(p_i)
# (lambda the normal hazard phi / sf): dF/du = -w f(w), dF/ds = -z w f(w) - a b (A g1 -
# B g2) / (a + b), dF/da = N / (a + b)**2 - (b s A g1 - B) / (a + b), dF/db = N / (a + b)**2
# - (A - a s B g2) / (a + b).

@elementwise(scipy.stats.dpareto_lognorm.cdf)
def dpareto_lognorm_cdf(y, x, u, s, a, b, loc=0.0, scale=1.0):
    w = real_matrix((x - loc) / scale, "scipy.stats.dpareto_lognorm.cdf")
    ok = w > 0.0
    lw = np.log(np.where(ok, w, 1.0)) - real_matrix(u, "scipy.stats.dpareto_lognorm.cdf")
    z = lw / real_matrix(s, "scipy.stats.dpareto_lognorm.cdf")
    p1 = real_matrix(a, "scipy.stats.dpareto_lognorm.cdf") * s - z
    p2 = real_matrix(b, "scipy.stats.dpareto_lognorm.cdf") * s + z
    big_a = np.exp(0.5 * a * a * s * s - a * s * z + scipy.stats.norm.logsf(p1))
    big_b = np.exp(0.5 * b * b * s * s + b * s * z + scipy.stats.norm.logsf(p2))
    g1 = p1 - np.exp(scipy.stats.norm.logpdf(p1) - scipy.stats.norm.logsf(p1))
    g2 = p2 - np.exp(scipy.stats.norm.logpdf(p2) - scipy.stats.norm.logsf(p2))
    n = (b * big_a - a * big_b) / ((a + b) * (a + b))
    wf = np.where(ok, a * b * (big_a + big_b) / (a + b), 0.0)
    d[x] = unbroadcast(d[y] * wf / np.where(ok, x - loc, 1.0), x)
    d[u] = unbroadcast(-d[y] * wf, u)
    d[s] = unbroadcast(d[y] * np.where(
        ok, -z * wf - a * b * (big_a * g1 - big_b * g2) / (a + b), 0.0), s)
    d[a] = unbroadcast(d[y] * np.where(ok, n - (b * s * big_a * g1 - big_b) / (a + b), 0.0), a)
    d[b] = unbroadcast(d[y] * np.where(ok, n - (big_a - a * s * big_b * g2) / (a + b), 0.0), b)
    d[loc] = unbroadcast(-d[y] * wf / np.where(ok, x - loc, 1.0), loc)
    d[scale] = unbroadcast(-d[y] * wf / scale, scale)


@elementwise(scipy.stats.dpareto_lognorm.logcdf)
def dpareto_lognorm_logcdf(y, x, u, s, a, b, loc=0.0, scale=1.0):
    w = real_matrix((x - loc) / scale, "scipy.stats.dpareto_lognorm.logcdf")
    ok = w > 0.0
    lw = np.log(np.where(ok, w, 1.0)) - real_matrix(u, "scipy.stats.dpareto_lognorm.logcdf")
    z = lw / real_matrix(s, "scipy.stats.dpareto_lognorm.logcdf")
    p1 = real_matrix(a, "scipy.stats.dpareto_lognorm.logcdf") * s - z
    p2 = real_matrix(b, "scipy.stats.dpareto_lognorm.logcdf") * s + z
    big_a = np.exp(0.5 * a * a * s * s - a * s * z + scipy.stats.norm.logsf(p1) - y)
    big_b = np.exp(0.5 * b * b * s * s + b * s * z + scipy.stats.norm.logsf(p2) - y)
    g1 = p1 - np.exp(scipy.stats.norm.logpdf(p1) - scipy.stats.norm.logsf(p1))
    g2 = p2 - np.exp(scipy.stats.norm.logpdf(p2) - scipy.stats.norm.logsf(p2))
    n = (b * big_a - a * big_b) / ((a + b) * (a + b))
    wf = np.where(ok, a * b * (big_a + big_b) / (a + b), 0.0)
    d[x] = unbroadcast(d[y] * wf / np.where(ok, x - loc, 1.0), x)
    d[u] = unbroadcast(-d[y] * wf, u)
    d[s] = unbroadcast(d[y] * np.where(
        ok, -z * wf - a * b * (big_a * g1 - big_b * g2) / (a + b), 0.0), s)
    d[a] = unbroadcast(d[y] * np.where(ok, n - (b * s * big_a * g1 - big_b) / (a + b), 0.0), a)
    d[b] = unbroadcast(d[y] * np.where(ok, n - (big_a - a * s * big_b * g2) / (a + b), 0.0), b)
    d[loc] = unbroadcast(-d[y] * wf / np.where(ok, x - loc, 1.0), loc)
    d[scale] = unbroadcast(-d[y] * wf / scale, scale)
