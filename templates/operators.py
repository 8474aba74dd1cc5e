"""Python's arithmetic operators and subscripts: ``+ - * / ** @ %``, unary ``-``/``+``, ``x[i]``.

Binary operators broadcast, so each adjoint is summed back to its operand's shape.
"""
import operator

import numpy as np

from tangentlike.registry import adjoint, d
from tangentlike.runtime import matmul_adjoint_a, matmul_adjoint_b, unbroadcast, unindex


@adjoint(operator.add)
def add(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(d[z], y)


@adjoint(operator.sub)
def sub(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(-d[z], y)


@adjoint(operator.mul)
def mul(z, x, y):
    d[x] = unbroadcast(d[z] * y, x)
    d[y] = unbroadcast(x * d[z], y)


@adjoint(operator.truediv)
def truediv(z, x, y):
    d[x] = unbroadcast(d[z] / y, x)
    d[y] = unbroadcast(-d[z] * z / y, y)


@adjoint(operator.pow)
def pow(z, x, y):
    d[x] = unbroadcast(d[z] * y * x ** (y - 1), x)
    d[y] = unbroadcast(d[z] * z * np.log(np.where(x == 0, 1.0, x)), y)


@adjoint(operator.mod)
def mod(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(-d[z] * np.floor_divide(x, y), y)


@adjoint(operator.matmul)
@adjoint(np.matmul)
def matmul(z, x1, x2):
    d[x1] = matmul_adjoint_a(d[z], x1, x2)
    d[x2] = matmul_adjoint_b(d[z], x1, x2)


@adjoint(operator.neg)
def neg(y, x):
    d[x] = -d[y]


@adjoint(operator.pos)
def pos(y, x):
    d[x] = d[y]


@adjoint(operator.getitem)
def getitem(y, x, index):
    d[x] = unindex(d[y], x, index)
