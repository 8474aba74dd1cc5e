"""autograd's ``flatten`` (``tangentlike.runtime.flat``): a structure of arrays as one vector
and back.  Both directions are linear and each is the other's transpose, so every derivative
is one of the two functions again (Hessian-vector products find rules for every call).
The structure ``like`` only gives shapes: no derivative flows into it.
"""
from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, non_differentiable, tangent
from tangentlike.runtime.flat import Unflatten, flat_vector, flatten, unflat

# Each computes a value from its argument and does nothing else.
FACTS = Facts(pure=True)

# The function flatten returns knows only the structure's shapes.
non_differentiable(Unflatten)


@adjoint(flatten, returns=Returns.NEW, shape=Shape.FROM_SHAPES)
def flatten_adjoint(y, value):
    d[value] = unflat(d[y][0], value, True)


@tangent(flatten)
def flatten_tangent(y, value):
    d[y] = (flat_vector(d[value]), 0.0)


@adjoint(flat_vector, returns=Returns.NEW, shape=Shape.FROM_SHAPES)
def flat_vector_adjoint(y, value):
    d[value] = unflat(d[y], value, True)


@tangent(flat_vector)
def flat_vector_tangent(y, value):
    d[y] = flat_vector(d[value])


@adjoint(unflat, returns=Returns.MAY_SHARE, shape=Shape.FROM_SHAPES)
def unflat_adjoint(y, vector, like, numbers=False):
    d[vector] = flat_vector(d[y])


@tangent(unflat)
def unflat_tangent(y, vector, like, numbers=False):
    d[y] = unflat(d[vector], like, numbers)
