# x: float64[2, 3], y: float64[3]
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def h(a, b, scale=0.5, shift=0.0):
    v1 = (0.3 + b)
    scale = np.max((scale + scale))
    return ((np.mean(RS.randn(3)) if (scale) > 2.0 else np.sum(v1)) * scale + shift)


def f(x, y):
    y = RNG.normal(size=(2, 3))
    y = x
    L2 = [(y * x)]
    x = x
    v3 = ((-G_C) + (-x))
    if np.sum(G_A) > 0.0:
        v3[1:] *= np.max(y, axis=0)
        v3, y = y, v3
        L2[0] = x
    v4 = 0.5
    return np.sum(x)

"""
Found by a 10,000-program campaign (seed 81, program 77) on the code that fixed seed 71's two.
reverse: wrong: the derivative modified its arguments

After ``v3[1:] *= ...`` the branch re-binds ``v3`` (``v3, y = y, v3``; ``y`` is ``x``).  The
backward sweep undoes the in-place update by name, ``v3[1:] = stack.pop()``, and ran it with
``v3`` still bound to ``x``: it wrote the old ``v3[1:]`` into the caller's ``x``.  The restore
was not counted as a read of ``v3``, so the re-binding did not save and restore the old binding.
Fixed (reverse.py, backward_simple: the restore's names are reads of the statement); the
program is a regression test, with a reduced one, and tests/oracle.py now checks that no
derivative changes its arguments.
"""
