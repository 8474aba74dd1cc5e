"""Python's arithmetic operators, subscripts and fields: ``+ - * / ** @ %``, unary ``-``/``+``,
``x[i]``, ``p.W``.

Binary operators broadcast, so each adjoint is summed back to its operand's shape, and each
tangent contribution that does not broadcast by itself is stretched to the result's shape.
"""
import operator

import numpy as np

from tangentlike.rules.primitive import Facts, Returns, Shape
from tangentlike.rules.registry import adjoint, d, declare, tangent
from tangentlike.runtime import (
    broadcast_like,
    matmul_adjoint_a,
    matmul_adjoint_b,
    unbroadcast,
    unindex,
)
from tangentlike.runtime.pytrees import field_of, unfield

# Every function of this family computes a value and does nothing else, and returns an array
# or a number, new (several derivative contributions are added with +); NumPy's views stay
# views (the NumPy policy in tangentlike.rules.primitive).
FACTS = Facts(pure=True, containers=False, returns=Returns.NEW, shape=Shape.FROM_SHAPES)


@adjoint(operator.add)
def add(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(d[z], y)


@tangent(operator.add)
def add_tangent(z, x, y):
    d[z] = broadcast_like(d[x], z)
    d[z] = broadcast_like(d[y], z)


@adjoint(operator.sub)
def sub(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = -unbroadcast(d[z], y)  # negate after summing: fewer elements


@tangent(operator.sub)
def sub_tangent(z, x, y):
    d[z] = broadcast_like(d[x], z)
    d[z] = broadcast_like(-d[y], z)


@adjoint(operator.mul)
def mul(z, x, y):
    d[x] = unbroadcast(d[z] * y, x)
    d[y] = unbroadcast(x * d[z], y)


@tangent(operator.mul)
def mul_tangent(z, x, y):
    d[z] = d[x] * y
    d[z] = x * d[y]


@adjoint(operator.truediv)
def truediv(z, x, y):
    d[x] = unbroadcast(d[z] / y, x)
    d[y] = unbroadcast(-d[z] * z / y, y)


@tangent(operator.truediv)
def truediv_tangent(z, x, y):
    d[z] = d[x] / y
    d[z] = -d[y] * z / y


@adjoint(operator.pow)
def pow(z, x, y):
    d[x] = unbroadcast(d[z] * y * x ** (y - 1), x)
    d[y] = unbroadcast(d[z] * z * np.log(np.where(x == 0, 1.0, x)), y)


@tangent(operator.pow)
def pow_tangent(z, x, y):
    d[z] = d[x] * y * x ** (y - 1)
    d[z] = d[y] * z * np.log(np.where(x == 0, 1.0, x))


@adjoint(operator.mod)
def mod(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(-d[z] * np.floor_divide(x, y), y)


@tangent(operator.mod)
def mod_tangent(z, x, y):
    d[z] = broadcast_like(d[x], z)
    d[z] = -d[y] * np.floor_divide(x, y)


@adjoint(operator.matmul)
@adjoint(np.matmul)
def matmul(z, x1, x2):
    d[x1] = matmul_adjoint_a(d[z], x1, x2)
    d[x2] = matmul_adjoint_b(d[z], x1, x2)


@tangent(operator.matmul)
@tangent(np.matmul)
def matmul_tangent(z, x1, x2):
    d[z] = d[x1] @ x2
    d[z] = x1 @ d[x2]


@adjoint(operator.neg)
def neg(y, x):
    d[x] = -d[y]


@tangent(operator.neg)
def neg_tangent(y, x):
    d[y] = -d[x]


@adjoint(operator.pos)
def pos(y, x):
    d[x] = d[y]


@tangent(operator.pos)
def pos_tangent(y, x):
    d[y] = d[x]


@adjoint(operator.getitem)
def getitem(y, x, index):
    d[x] = unindex(d[y], x, index)


@tangent(operator.getitem)
def getitem_tangent(y, x, index):
    d[y] = d[x][index]


# x.name, a field of a dataclass, a named tuple or a registered pytree (the frontend reads
# every attribute that is not an array's, x.T or x.shape say, as getattr(x, "name")): the
# derivative goes to that field, and a field that is not one (a property) is refused when
# the derivative runs.  The field is the object itself, maybe a container.
@adjoint(getattr)
def getattr_adjoint(y, x, name):
    d[x] = unfield(d[y], x, name)


@tangent(getattr)
def getattr_tangent(y, x, name):
    d[y] = field_of(d[x], x, name)


declare(getattr, library=True, returns=Returns.MAY_SHARE, containers=True,
        shape=Shape.FROM_VALUES)
