"""More scipy.stats distributions (SciPy is optional: tangentlike/templates imports this
module only when SciPy is installed).

The densities and distribution functions of most distributions have no rule of their own:
tangentlike differentiates the distribution's private method at the standardized point from
SciPy's source (tangentlike/frontend/standardized.py).  This module holds what that needs:

- the discrete distributions whose parameters are all integers (``hypergeom``'s ``M, n, N``,
  ``nhypergeom``'s ``M, n, r``, ``randint``'s ``low, high``): their mass and distribution
  functions are constants (the count ``k`` and ``loc`` carry no derivative either);
- ``scipy.special._ufuncs._binom_cdf(k, n, p)`` (``binom._cdf``, which ``bernoulli.cdf``
  calls): ``d/dp = -n binom.pmf(floor(k), n - 1, p)``; ``k`` and ``n`` are counts;
- ``integrated(dist, method, z, *shapes)``, SciPy's ``_cdf`` or ``_sf`` where it integrates
  the density numerically (the default ``_cdf``): its rules refuse, naming the distribution;
- ``valued(value, same)``: ``value`` (SciPy's), with the derivative of ``same``, the same
  number computed in another order (a discrete distribution's default cdf, its mass summed);
- ``_log_gauss_mass(a, b)``, the log of the normal distribution's mass between ``a`` and
  ``b`` (SciPy's, which ``truncnorm`` computes with): its derivative is
  ``-phi(a) / mass`` in ``a`` and ``phi(b) / mass`` in ``b``, ``exp(norm.logpdf(.) - y)``.
"""
import numpy as np
import scipy.special._ufuncs
import scipy.stats

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime import unbroadcast
from tangentlike.runtime.linalg import real_matrix
from tangentlike.runtime.stats_generic import integrated, refuse_integrated, valued

try:  # SciPy's private helper (SciPy 1.9 and later)
    from scipy.stats._continuous_distns import _log_gauss_mass
except ImportError:
    _log_gauss_mass = None

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)

# The log normal mass is for real bounds (SciPy discards an imaginary part): complex ones are
# refused.
_MASS = "scipy.stats.truncnorm (SciPy's _log_gauss_mass)"

non_differentiable(refuse_integrated)
non_differentiable(*(getattr(getattr(scipy.stats, name), method)
                     for name in ("hypergeom", "nhypergeom", "randint")
                     for method in ("pmf", "logpmf", "cdf", "logcdf")))


if _log_gauss_mass is not None:
    @adjoint(_log_gauss_mass)
    def log_gauss_mass(y, a, b):
        d[a] = unbroadcast(-d[y] * np.exp(scipy.stats.norm.logpdf(real_matrix(a, _MASS)) - y),
                           a)
        d[b] = unbroadcast(d[y] * np.exp(scipy.stats.norm.logpdf(real_matrix(b, _MASS)) - y),
                           b)

    @tangent(_log_gauss_mass)
    def log_gauss_mass_tangent(y, a, b):
        d[y] = -d[a] * np.exp(scipy.stats.norm.logpdf(real_matrix(a, _MASS)) - y)
        d[y] = d[b] * np.exp(scipy.stats.norm.logpdf(real_matrix(b, _MASS)) - y)


@adjoint(valued)
def valued_adjoint(y, value, same):
    d[same] = unbroadcast(d[y], same)


@tangent(valued)
def valued_tangent(y, value, same):
    d[y] = d[same] + np.zeros_like(y)


@adjoint(scipy.special._ufuncs._binom_cdf)
def binom_cdf_private(y, k, n, p):
    d[p] = unbroadcast(-d[y] * n * scipy.stats.binom.pmf(np.floor(k), n - 1, p), p)


@tangent(scipy.special._ufuncs._binom_cdf)
def binom_cdf_private_tangent(y, k, n, p):
    d[y] = -d[p] * n * scipy.stats.binom.pmf(np.floor(k), n - 1, p)


@adjoint(integrated)
def integrated_adjoint(y, dist, method, z, s0=None, s1=None, s2=None, s3=None):
    d[z] = refuse_integrated(dist, d[y])
    d[s0] = refuse_integrated(dist, d[y])
    d[s1] = refuse_integrated(dist, d[y])
    d[s2] = refuse_integrated(dist, d[y])
    d[s3] = refuse_integrated(dist, d[y])


@tangent(integrated)
def integrated_tangent(y, dist, method, z, s0=None, s1=None, s2=None, s3=None):
    d[y] = refuse_integrated(dist, d[z])
    d[y] = refuse_integrated(dist, d[s0])
    d[y] = refuse_integrated(dist, d[s1])
    d[y] = refuse_integrated(dist, d[s2])
    d[y] = refuse_integrated(dist, d[s3])
