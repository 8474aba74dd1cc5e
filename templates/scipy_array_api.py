"""SciPy's helpers for code written for any array library (SciPy is optional: imported only
when SciPy is installed).

``xp_promote(x, force_floating=True, xp=xp)`` (``scipy.optimize.rosen``, ``scipy.special``'s
Python functions) is ``np.asarray`` of one value to a common, possibly floating, dtype: its
derivative is ``np.asarray``'s.  With several values (up to four: ``x, b, c =
xp_promote(x, b, c, force_floating=True, xp=np)``, scipy.stats' ``truncpareto``) it returns a
tuple of them, broadcast with ``broadcast=True`` (``tangentlike.runtime.promotion``).
``array_namespace`` itself never reaches a rule: a name bound to it stands for NumPy
(``tangentlike.frontend.namespaces``).
"""
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, tangent
from tangentlike.runtime.promotion import promoted_part, promotion_tangent

try:
    from scipy._lib._array_api import xp_promote as _xp_promote
except ImportError:  # an older SciPy, whose functions call no xp_promote
    _xp_promote = None

# The result is the argument itself when it already has the dtype (like np.asarray).
FACTS = Facts(pure=True, containers=False, returns=Returns.MAY_SHARE, shape=Shape.FROM_SHAPES)

if _xp_promote is not None:
    @adjoint(_xp_promote, containers=True, tuple_result=True)  # several values: a tuple
    def xp_promote(y, a, a1=None, a2=None, a3=None, *, broadcast=False, force_floating=False,
                   xp=None):
        d[a] = promoted_part(d[y], 0, a, y)
        d[a1] = promoted_part(d[y], 1, a1, y)
        d[a2] = promoted_part(d[y], 2, a2, y)
        d[a3] = promoted_part(d[y], 3, a3, y)

    @tangent(_xp_promote, containers=True, tuple_result=True)
    def xp_promote_tangent(y, a, a1=None, a2=None, a3=None, *, broadcast=False,
                           force_floating=False, xp=None):
        d[y] = promotion_tangent(d[a], 0, a, y)
        d[y] = promotion_tangent(d[a1], 1, a1, y)
        d[y] = promotion_tangent(d[a2], 2, a2, y)
        d[y] = promotion_tangent(d[a3], 3, a3, y)

    # The helpers' own rules (linear in their first argument), for higher derivatives.
    @adjoint(promoted_part)
    def promoted_part_adjoint(r, g, k, x, y):
        d[g] = promotion_tangent(d[r], k, x, y)

    @tangent(promoted_part)
    def promoted_part_tangent(r, g, k, x, y):
        d[r] = promoted_part(d[g], k, x, y)

    @adjoint(promotion_tangent)
    def promotion_tangent_adjoint(r, t, k, x, y):
        d[t] = promoted_part(d[r], k, x, y)

    @tangent(promotion_tangent)
    def promotion_tangent_tangent(r, t, k, x, y):
        d[r] = promotion_tangent(d[t], k, x, y)
