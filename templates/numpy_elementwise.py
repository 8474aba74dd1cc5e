"""NumPy's elementwise functions (ufuncs): one output element per input element."""
import numpy as np

from tangentlike.registry import adjoint, d
from tangentlike.runtime import tie_share, unbroadcast


@adjoint(np.sin)
def sin(y, x):
    d[x] = d[y] * np.cos(x)


@adjoint(np.cos)
def cos(y, x):
    d[x] = -d[y] * np.sin(x)


@adjoint(np.tan)
def tan(y, x):
    d[x] = d[y] * (1.0 + y * y)


@adjoint(np.exp)
def exp(y, x):
    d[x] = d[y] * y


@adjoint(np.log)
def log(y, x):
    d[x] = d[y] / x


@adjoint(np.log1p)
def log1p(y, x):
    d[x] = d[y] / (1.0 + x)


@adjoint(np.sqrt)
def sqrt(y, x):
    d[x] = d[y] / (2.0 * y)


@adjoint(np.tanh)
def tanh(y, x):
    d[x] = d[y] * (1.0 - y * y)


@adjoint(np.abs)
def absolute(y, x):
    d[x] = d[y] * np.sign(x)


@adjoint(np.negative)
def negative(y, x):
    d[x] = -d[y]


@adjoint(np.maximum)
def maximum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)


@adjoint(np.minimum)
def minimum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * tie_share(x1, z, x2), x1)
    d[x2] = unbroadcast(d[z] * tie_share(x2, z, x1), x2)
