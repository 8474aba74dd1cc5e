"""The derivative guard of SciPy's lazy where (frontend/lazy_where.py): an argument compared
by equality in its condition (``c != 0``) carries its derivative through
``removable_at(c, c == 0, what)``, the identity, whose derivative is not given where an
element is at that point: NaN in reverse mode, refused in forward mode where the tangent there
is not zero (tangentlike/runtime/removable.py)."""
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, tangent
from tangentlike.runtime.removable import nan_at_removable, refused_at_removable, removable_at

FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


@adjoint(removable_at)
def removable_at_adjoint(y, a, at, what):
    d[a] = nan_at_removable(d[y], at)


@tangent(removable_at)
def removable_at_tangent(y, a, at, what):
    d[y] = refused_at_removable(d[a], at, what)


# Linear in g: their own derivatives (Hessian-vector products differentiate the adjoint).
@adjoint(nan_at_removable)
def nan_at_removable_adjoint(y, g, at):
    d[g] = nan_at_removable(d[y], at)


@tangent(nan_at_removable)
def nan_at_removable_tangent(y, g, at):
    d[y] = nan_at_removable(d[g], at)


@adjoint(refused_at_removable)
def refused_at_removable_adjoint(y, g, at, what):
    d[g] = refused_at_removable(d[y], at, what)


@tangent(refused_at_removable)
def refused_at_removable_tangent(y, g, at, what):
    d[y] = refused_at_removable(d[g], at, what)
