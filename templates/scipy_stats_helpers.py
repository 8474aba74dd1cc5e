"""SciPy's compiled helpers of the scipy.stats distributions that the distributions' private
methods call (frontend/standardized.py differentiates those methods from SciPy's source), with
a closed-form derivative.

``_cosine_cdf(x)`` (``scipy.special._ufuncs``, cosine's ``_cdf`` and ``_sf``) is
``(pi + x + sin(x)) / (2 pi)`` on ``[-pi, pi]``, 0 below and 1 above: its derivative is the
density ``(1 + cos(x)) / (2 pi)`` inside and 0 outside (continuous: 0 at +-pi).
"""
import numpy as np
import scipy.special._ufuncs as scu

from tangentlike.rules.elementwise import elementwise
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import d

FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


@elementwise(scu._cosine_cdf)
def cosine_cdf(y, x):
    d[x] = d[y] * np.where(np.abs(x) < np.pi, (1.0 + np.cos(x)) / (2.0 * np.pi), 0.0)
