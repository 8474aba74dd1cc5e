# x: float64[2, 3], y: float64[]
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def f(x, y):
    y = np.cos(np.exp(np.tanh(G_C)))
    y -= (G_C / (1.0 + y ** 2))
    v1 = (np.sum(x, axis=0, keepdims=True) + (2.0 - x))
    return np.sum(y) + np.sum(np.sum((v1) ** 2, axis=0, keepdims=True))

"""
Found by a 2,500-program campaign (seed 71, program 672) on the code that fixed seed 61's two.
hvp: wrong: call 3: H v: got array([[ 1.18327332, -0.37520645,  0.65973992],
       [-0.21921968, -3.16496223,  1.81846481]]), expected array([[ 0.21921979,  3.16496237, -1.81846473],
       [-1.18327342,  0.37520657, -0.65973978]])

Only the third call, the version by shapes, was wrong.  Its algebra (cancel.py) reads
``np.sum(dx, axis=0, keepdims=True)`` (the tangent of the column sum) as one atom, and
``np.sum(dbv1, axis=0, keepdims=True)`` later makes the same atom again, as a term of a sum
over an expression containing ``dx``.  The atom cancels in the returned tangent, so the pass
replaced the first statement by zeros, as it may a value its own; but the second sum still
computes it, and the two no longer cancel.  Fixed: a sum the algebra meets again counts as
made twice (as an opaque expression already did), and is not replaced.  Regression tests in
tests/test_fuzz_regressions.py and tests/versions/test_shape_specialize.py.
"""
