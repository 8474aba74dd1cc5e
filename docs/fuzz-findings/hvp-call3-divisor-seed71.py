# x: float64[3], y: float64[3]
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def h(a, b, scale=0.5, shift=0.0):
    k1 = 0
    while k1 < 3:
        k1 += 1
        if k1 == 1:
            break
        v2, v3 = (-((-1.2) if (np.max(a)) > 0.5 else shift)), (a if (shift) > 0.5 else shift)
    return (b * scale + shift), a


def f(x, y):
    v4 = (np.sqrt(1.0 + x ** 2)) ** 2
    v5 = v4
    return np.sum(v4) + np.sum(x)

"""
Found by a 2,500-program campaign (seed 71, program 2419) on the code that fixed seed 61's two.
hvp: wrong: call 3: H v: got array([0., 0., 0.]), expected array([-0.04660747,  1.68355531,  2.73517107])

Only the third call, the version by shapes, was wrong.  Its algebra (cancel.py) read the
adjoint ``t8 * t3 / (2.0 * t3)`` as ``t8 / 2``: no value the function returns contains the
atom ``t3 = np.sqrt(1.0 + t1)`` any more, so the pass replaced ``t3`` by zeros, as it may a
tangent whose every contribution cancels; but ``t3`` divides, and ``0 / 0`` is no ``1``.
Fixed: an atom a value is divided by is never replaced by zero.  Regression tests in
tests/test_fuzz_regressions.py and tests/versions/test_shape_specialize.py.
"""
