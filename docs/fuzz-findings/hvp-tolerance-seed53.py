# x: float64[3], y: float64[3]
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def f(x, y):
    for i1 in range(3):
        x = (np.sum(x) - y)
        if (G_C) > 2.0:
            continue
        y = (np.sin(x) * (y - 2.0))
    v2 = (y if np.sum((x + G_C)) < 1.0 else (y) ** 2)
    v2 = ((RNG.normal(size=(1,)) / (1.0 + G_C ** 2)) / (1.0 + np.sqrt(1.0 + x ** 2) ** 2))
    v3 = (np.exp(np.tanh(v2)) if (np.mean((-1.2))) > -1.0 else (v2 * 0.5))
    L4 = [(-x), (1.5 - np.exp(np.tanh(v2)))]
    L4[1] = L4[1] * (v2 if ((RNG.standard_normal() - G_C)) < 0.5 else (v3 - x))
    k5 = 0
    while k5 < 1:
        k5 += 1
        if G_C > 1.0:
            v6 = (v2 if (0.3) > 2.0 else (v3) ** 2)
            v6 = 2.0
        else:
            v7 = G_A
        v8 = ((x if G_C > 0.5 else y) * y)
        v9, v8 = (np.sqrt(1.0 + 0.5 ** 2)) ** 2, x
    return np.sum(y) + np.sum(v3) + np.sum(sum(L4)) + np.sum(RNG.standard_normal((3,)))

"""
hvp: wrong: call 1: H v: got array([22.54494789, 22.54494789, 22.54494789]), expected array([22.55250706, 22.55250706, 22.55250706])
"""
