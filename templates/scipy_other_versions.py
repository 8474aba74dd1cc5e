"""SciPy names that only the older versions CI runs have (SciPy is optional: tangentlike/
templates imports this module only when SciPy is installed; each rule is registered only
where its function exists): ``scipy.linalg.kron`` (deprecated in SciPy 1.15, gone in 1.17:
np.kron's rule, for two matrices), ``scipy.special.sph_harm`` (gone in 1.17:
``sph_harm(m, n, theta, phi)`` is ``sph_harm_y(n, m, phi, theta)``, whose gradient SciPy
gives; no Hessian, as for sph_harm_y), ``lpn`` (``legendre_p_all(n, z, diff_n=1)``, P and P'
stacked), ``lpmn`` and ``clpmn`` (the associated Legendre functions of orders 0..m and degrees
0..n with their derivatives in z, two arrays): the second derivative from the Legendre
equation, as for ``lqn`` and ``lqmn``.
"""
import numpy as np
import scipy.linalg
import scipy.special

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.linalg import linalg_cast
from tangentlike.runtime.other_versions import legendre_orders, scipy_kron_layout

# Every function of this family computes a value and does nothing else, and returns an array
# or a tuple of them, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

non_differentiable(legendre_orders, scipy_kron_layout)


# scipy.linalg.kron(a, b): np.kron for matrices (bilinear: its tangent is kron again).
if hasattr(scipy.linalg, "kron"):
    @adjoint(scipy.linalg.kron)
    def scipy_kron(z, a, b):
        layout = scipy_kron_layout(a, b)
        d[a] = linalg_cast(np.reshape(np.einsum(layout[0], np.reshape(d[z], layout[2]),
                                                 np.reshape(b, layout[4])), np.shape(a)), a)
        d[b] = linalg_cast(np.reshape(np.einsum(layout[1], np.reshape(a, layout[3]),
                                                 np.reshape(d[z], layout[2])), np.shape(b)), b)

    @tangent(scipy.linalg.kron)
    def scipy_kron_tangent(z, a, b):
        d[z] = scipy.linalg.kron(d[a], b)
        d[z] = scipy.linalg.kron(a, d[b])


# sph_harm(m, n, theta, phi), theta the azimuth and phi the polar angle: sph_harm_y(n, m,
# phi, theta), whose gradient (diff_n=1) holds the derivatives in (phi, theta).
if hasattr(scipy.special, "sph_harm"):
    @adjoint(scipy.special.sph_harm)
    def sph_harm(y, m, n, theta, phi):
        g = scipy.special.sph_harm_y(n, m, phi, theta, diff_n=1)[1]
        d[theta] = unbroadcast(d[y] * g[..., 1], theta)
        d[phi] = unbroadcast(d[y] * g[..., 0], phi)

    @tangent(scipy.special.sph_harm)
    def sph_harm_tangent(y, m, n, theta, phi):
        g = scipy.special.sph_harm_y(n, m, phi, theta, diff_n=1)[1]
        d[y] = d[theta] * g[..., 1]
        d[y] = d[phi] * g[..., 0]


# lpn(n, z) is legendre_p_all(n, z, diff_n=1), (P, P') of degrees k = 0..n stacked (an array):
# (1 - z**2) P'' = 2 z P' - k (k + 1) P (as for lqn), so that Hessians work too.
if hasattr(scipy.special, "lpn"):
    @adjoint(scipy.special.lpn)
    def lpn(y, n, z):
        o = legendre_orders(0, n, z)
        d[z] = unbroadcast(np.sum(d[y][0] * y[1] + d[y][1] * (2.0 * z * y[1] - o[1][0] * y[0])
                                  / (1.0 - z * z), axis=0), z)

    @tangent(scipy.special.lpn)
    def lpn_tangent(y, n, z):
        o = legendre_orders(0, n, z)
        d[y] = np.stack([d[z] * y[1], d[z] * (2.0 * z * y[1] - o[1][0] * y[0]) / (1.0 - z * z)])


# lpmn(m, n, z) = (P, P') of orders j = 0..|m| (rows; -j for a negative m) and degrees
# k = 0..n: (1 - z**2) P'' = 2 z P' - (k (k + 1) - j**2 / (1 - z**2)) P, either branch
# (|z| <= 1 or not); clpmn is the same of a complex z (holomorphic).  Infinite at z = +-1.
if hasattr(scipy.special, "lpmn"):
    @adjoint(scipy.special.lpmn, tuple_result=True)
    def lpmn(y, m, n, z):
        o = legendre_orders(m, n, z)
        d[z] = unbroadcast(np.sum(d[y][0] * y[1] + d[y][1] * (2.0 * z * y[1] - (
            o[1] - o[0] / (1.0 - z * z)) * y[0]) / (1.0 - z * z), axis=(0, 1)), z)

    @tangent(scipy.special.lpmn, tuple_result=True)
    def lpmn_tangent(y, m, n, z):
        o = legendre_orders(m, n, z)
        d[y] = (d[z] * y[1], d[z] * (2.0 * z * y[1] - (o[1] - o[0] / (1.0 - z * z)) * y[0])
                / (1.0 - z * z))

if hasattr(scipy.special, "clpmn"):
    @adjoint(scipy.special.clpmn, tuple_result=True)
    def clpmn(y, m, n, z, type=3):
        o = legendre_orders(m, n, z)
        d[z] = unbroadcast(np.sum(d[y][0] * y[1] + d[y][1] * (2.0 * z * y[1] - (
            o[1] - o[0] / (1.0 - z * z)) * y[0]) / (1.0 - z * z), axis=(0, 1)), z)

    @tangent(scipy.special.clpmn, tuple_result=True)
    def clpmn_tangent(y, m, n, z, type=3):
        o = legendre_orders(m, n, z)
        d[y] = (d[z] * y[1], d[z] * (2.0 * z * y[1] - (o[1] - o[0] / (1.0 - z * z)) * y[0])
                / (1.0 - z * z))
