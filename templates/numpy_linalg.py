"""Products: ``np.dot`` (``np.matmul`` and ``@`` live with the operators)."""
import numpy as np

from tangentlike.registry import adjoint, d, tangent
from tangentlike.runtime import dot_adjoint_a, dot_adjoint_b


@adjoint(np.dot)
@adjoint(np.ndarray.dot)
def dot(z, a, b, out=None):
    d[a] = dot_adjoint_a(d[z], a, b)
    d[b] = dot_adjoint_b(d[z], a, b)


@tangent(np.dot)
@tangent(np.ndarray.dot)
def dot_tangent(z, a, b, out=None):
    d[z] = np.dot(d[a], b)
    d[z] = np.dot(a, d[b])
