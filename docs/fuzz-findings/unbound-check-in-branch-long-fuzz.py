# x: float64[2, 3], y: float64[]
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def h(a, b, scale=0.5, shift=0.0):
    if (np.random.randn()) < -1.0:
        scale += np.log(1.0 + scale ** 2)
    else:
        L1 = [(-shift), np.mean(np.mean(G_C))]
    return (np.sum(np.sin(b)) * scale + shift), a


def f(x, y):
    k2 = 0
    while k2 < 1:
        k2 += 1
        v3, v4 = h(y, (np.sum(np.tanh(y)) + np.zeros((3,))), scale=y)
        k5 = 0
        while k5 < 3:
            k5 += 1
            v4 *= (G_C / (1.0 + v4 ** 2))
        L6 = [(-1.2), np.sqrt(1.0 + G_C ** 2)]
    y = (G_A + (x * G_C))
    y = 2.0
    if (np.sum(y)) > 0.5:
        y *= x
    else:
        y *= (x) ** 2
    y = 1.5
    if ((0.5 + 1.5)) < 1.0:
        y -= np.sin(x)
        v7 = ((y if np.sum((x + y)) > -1.0 else y) - np.max(y, axis=1, keepdims=True))
    else:
        if (y) < 0.5:
            y, v8 = (y - (y * y)), x
            L9 = [np.mean(x, axis=0), ((-np.cos(y)) + np.zeros((3,)))]
            v8 = 0.3
    return np.sum(x)

"""
reverse and forward: crashed: UnboundLocalError: t10 (bound only inside the inner while loop)
read by the run-time check of the helper call h(y, ..., scale=y), which changes scale in place
"""
