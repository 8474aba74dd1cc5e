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
