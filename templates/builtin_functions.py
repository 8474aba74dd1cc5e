"""Python builtins that pass derivatives through: ``float`` and ``abs``."""
import numpy as np

from tangentlike.registry import adjoint, d, tangent


@adjoint(float)
def to_float(y, x):
    # float() changes the type, not the value: the derivative passes through unchanged.
    d[x] = d[y]


@tangent(float)
def to_float_tangent(y, x):
    d[y] = d[x]


@adjoint(abs)
def absolute(y, x):
    d[x] = d[y] * np.sign(x)


@tangent(abs)
def absolute_tangent(y, x):
    d[y] = d[x] * np.sign(x)
