"""User names that generated code would like to use itself.

This module imports numpy as ``numpy`` only: the local ``np`` below is a plain array, and the
generated code must reach numpy under another name.  The globals ``unbroadcast`` and ``seed``
shadow tangentlike's runtime helpers and must not be called by the generated code.
"""
import numpy

unbroadcast = "the user's unbroadcast, not tangentlike's"
seed = None


def collide(x):
    d = 2.0
    bx = x * d
    init_grad = numpy.sin(bx)
    t1 = init_grad * x
    unbroadcast = t1 + 1.0
    np = unbroadcast * unbroadcast
    return numpy.sum(np * 3.0)


def collide_expected(x):
    """The closed-form gradient of ``collide``."""
    u = numpy.sin(2.0 * x) * x + 1.0
    return 6.0 * u * (2.0 * numpy.cos(2.0 * x) * x + numpy.sin(2.0 * x))


def seed_named_parameter(x, init_grad):
    """A parameter named like the output seed: the derivative's seed gets another name."""
    return numpy.sum(numpy.sin(x) * init_grad)


def seed_named_pair(x, init_grad):
    """``seed_named_parameter`` with an aux (for ``has_aux=True``)."""
    return numpy.sum(numpy.sin(x) * init_grad), "aux"


def seed_named_recursion(x, init_grad, n):
    """Recursive, with a parameter named like the seed and a local named like its first
    fresh name: the recursive call's seed must be the name the derivative chose."""
    init_grad_1 = init_grad * 2.0
    if n == 0:
        return x * init_grad_1
    return seed_named_recursion(x, init_grad, n - 1) * x


def calls_seed_named_recursion(x, s):
    return seed_named_recursion(x, s, 2)
