"""User-registered rules.  Importing this module registers them (tangentlike's registry is
global), so tests import it through :func:`api_fixtures.registered`, which unregisters them
afterwards.
"""
import math

import numpy as np

import tangentlike
from tangentlike import d


# A primitive tangentlike must not look inside: it loops over a C function (math.erf) that
# has no derivative rule, so only the registered adjoint below can differentiate it.
def my_prim(x):
    flat = [math.erf(v) for v in np.ravel(x)]
    return np.array(flat).reshape(np.shape(x))


@tangentlike.adjoint(my_prim)
def my_prim_adjoint(y, x):
    d[x] = d[y] * (2.0 / np.sqrt(np.pi)) * np.exp(-x * x)


def uses_my_prim(x):
    return np.sum(my_prim(x) * 3.0)


@tangentlike.non_differentiable
def norm_constant(x):
    return np.max(np.abs(x)) + 1.0


def uses_non_differentiable(x):
    return np.sum(x * x / norm_constant(x))
