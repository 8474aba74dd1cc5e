"""``tangentlike.fixed_point(step, z0, *params)``: derivatives by implicit differentiation
(or one-step differentiation), computed by runtime helpers that have ``step``'s own VJP and
JVP generated when they run (``tangentlike/runtime/fixed_points.py``).  ``z0`` gets no
derivative: the fixed point does not depend on where the iteration starts."""
from tangentlike.rules.primitive import Facts, Returns
from tangentlike.rules.registry import adjoint, d, tangent
from tangentlike.runtime.fixed_points import (
    fixed_point,
    fixed_point_adjoint,
    fixed_point_tangent,
)

# It calls step, a function of the user's, which must compute a value and do nothing else.
FACTS = Facts(pure=True)


@adjoint(fixed_point, returns=Returns.NEW)
def fixed_point_adjoint_rule(z, step, z0, *params, tol=1e-10, max_iter=1000,
                             method="implicit"):
    d[params] = fixed_point_adjoint(step, z, d[z], params, tol, max_iter, method)


@tangent(fixed_point)
def fixed_point_tangent_rule(z, step, z0, *params, tol=1e-10, max_iter=1000,
                             method="implicit"):
    d[z] = fixed_point_tangent(step, z, params, d[params], tol, max_iter, method)
