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
hvp: wrong: call 3: H v: got array([[ 1.18327332, -0.37520645,  0.65973992],
       [-0.21921968, -3.16496223,  1.81846481]]), expected array([[ 0.21921979,  3.16496237, -1.81846473],
       [-1.18327342,  0.37520657, -0.65973978]])
"""
