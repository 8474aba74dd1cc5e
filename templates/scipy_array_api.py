"""SciPy's helpers for code written for any array library (SciPy is optional: imported only
when SciPy is installed).

``xp_promote(x, force_floating=True, xp=xp)`` (``scipy.optimize.rosen``, ``scipy.special``'s
Python functions) is ``np.asarray`` of one value to a common, possibly floating, dtype: its
derivative is ``np.asarray``'s.  With several values it returns a tuple: that call matches no
template, and is refused by name.  ``array_namespace`` itself never reaches a rule: a name
bound to it stands for NumPy (``tangentlike.frontend.namespaces``).
"""
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, tangent
from tangentlike.runtime.arrays import cast_derivative, unarray

try:
    from scipy._lib._array_api import xp_promote as _xp_promote
except ImportError:  # an older SciPy, whose functions call no xp_promote
    _xp_promote = None

# The result is the argument itself when it already has the dtype (like np.asarray).
FACTS = Facts(pure=True, containers=False, returns=Returns.MAY_SHARE, shape=Shape.FROM_SHAPES)

if _xp_promote is not None:
    @adjoint(_xp_promote)
    def xp_promote(y, a, *, broadcast=False, force_floating=False, xp=None):
        d[a] = unarray(d[y], a, y)

    @tangent(_xp_promote)
    def xp_promote_tangent(y, a, *, broadcast=False, force_floating=False, xp=None):
        d[y] = cast_derivative(d[a], y)
