"""NumPy's elementwise functions (ufuncs): one output element per input element."""
import numpy as np

from tangentlike.registry import adjoint, d, tangent
from tangentlike.runtime import broadcast_like, tie_share, unbroadcast


@adjoint(np.sin)
def sin(y, x):
    d[x] = d[y] * np.cos(x)


@tangent(np.sin)
def sin_tangent(y, x):
    d[y] = d[x] * np.cos(x)


@adjoint(np.cos)
def cos(y, x):
    d[x] = -d[y] * np.sin(x)


@tangent(np.cos)
def cos_tangent(y, x):
    d[y] = -d[x] * np.sin(x)


@adjoint(np.tan)
def tan(y, x):
    d[x] = d[y] * (1.0 + y * y)


@tangent(np.tan)
def tan_tangent(y, x):
    d[y] = d[x] * (1.0 + y * y)


@adjoint(np.exp)
def exp(y, x):
    d[x] = d[y] * y


@tangent(np.exp)
def exp_tangent(y, x):
    d[y] = d[x] * y


@adjoint(np.log)
def log(y, x):
    d[x] = d[y] / x


@tangent(np.log)
def log_tangent(y, x):
    d[y] = d[x] / x


@adjoint(np.log1p)
def log1p(y, x):
    d[x] = d[y] / (1.0 + x)


@tangent(np.log1p)
def log1p_tangent(y, x):
    d[y] = d[x] / (1.0 + x)


@adjoint(np.sqrt)
def sqrt(y, x):
    d[x] = d[y] / (2.0 * y)


@tangent(np.sqrt)
def sqrt_tangent(y, x):
    d[y] = d[x] / (2.0 * y)


@adjoint(np.tanh)
def tanh(y, x):
    d[x] = d[y] * (1.0 - y * y)


@tangent(np.tanh)
def tanh_tangent(y, x):
    d[y] = d[x] * (1.0 - y * y)


@adjoint(np.abs)
def absolute(y, x):
    d[x] = d[y] * np.sign(x)


@tangent(np.abs)
def absolute_tangent(y, x):
    d[y] = d[x] * np.sign(x)


@adjoint(np.negative)
def negative(y, x):
    d[x] = -d[y]


@tangent(np.negative)
def negative_tangent(y, x):
    d[y] = -d[x]


@adjoint(np.maximum)
def maximum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@tangent(np.maximum)
def maximum_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * tie_share(x1, z, x2), z)
    d[z] = broadcast_like(d[x2] * tie_share(x2, z, x1), z)


@adjoint(np.minimum)
def minimum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@tangent(np.minimum)
def minimum_tangent(z, x1, x2):
    d[z] = broadcast_like(d[x1] * tie_share(x1, z, x2), z)
    d[z] = broadcast_like(d[x2] * tie_share(x2, z, x1), z)
