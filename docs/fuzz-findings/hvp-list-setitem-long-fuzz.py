# x: float64[3], y: float64[]
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def h(a, b, scale=0.5, shift=0.0):
    if np.mean(a) < 2.0:
        v1 = ((0.5) ** 2 / (1.0 + b ** 2))
        v2 = np.cos((v1 if (np.exp(np.tanh(scale))) > 1.0 else G_C))
        L3 = [(G_C - v1)]
    k4 = 0
    while k4 < 3:
        k4 += 1
        scale = 0.3
        shift = G_C
        v5 = ((shift - a) - (scale) ** 2)
    b = (-(b * shift))
    return ((a + shift) * scale + shift), np.exp(np.tanh((-1.2)))


def f(x, y):
    for i6 in range(1):
        if np.mean(RNG.normal(size=(1,))) < 1.0:
            break
        v7 = 1.5
        y = 2.0
    L8 = [(x / (1.0 + 0.3 ** 2))]
    L8.append(((y - x) - (x) ** 2))
    L8.append(((x + y) * (L8[1] - G_C)))
    L8[1] = np.sin(x)
    k9 = 0
    while k9 < 1:
        k9 += 1
        v10 = np.sqrt(1.0 + (G_C - x) ** 2)
        v10[k9] = np.random.randn()
        if np.mean(x) > 0.5:
            continue
        v11 = (np.exp(np.tanh(k9)) if np.sum(np.sum(v10, keepdims=True)) > 1.0 else (0.3 * y))
    k12 = 0
    while k12 < 2:
        k12 += 1
        y = np.cos(np.sin(y))
        y = np.tanh(np.sum(y))
    v13 = (-0.7)
    return np.sum(y) + np.sum(sum(L8))

"""
hvp: wrong: H v = [-0.0371, -4.028, 2.380]; central differences of the (right) reverse-mode
gradient give [-0.0350, -6.286, 2.343].  Fixed: the backward sweep of t2 = L8[1] spread the
adjoint over L8 as the forward sweep left it (one element longer, after the next append),
so add_grad(bL8, unindex(bt2, L8, 1)) added lists of different lengths.  add_grad dropped
the extra zero; its tangent (forward over reverse) did not.  The helper now reads the
structure of the adjoint bL8 (reverse.py, _shape_from_adjoint).  A regression test in
tests/test_fuzz_regressions.py, with four reduced programs of the same kind.
"""
