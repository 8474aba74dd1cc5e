# x: float32[3], y: float32[3]  (tests/test_fuzz.py, chunk 1d-32-5, 9 programs a chunk)
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def h(a, b, scale=0.5, shift=0.0):
    v1 = np.sum(G_A * ((b - G_C) + np.zeros((3,))))
    shift -= np.sum(v1)
    v2 = (np.exp(np.tanh(b)) + np.cos(2.0))
    return (((-v2)) ** 2 * scale + shift)


def f(x, y):
    P3 = [np.sum((np.tanh(x) * (y / (1.0 + y ** 2)))), G_C]
    if np.ndim(y) == 2:
        if np.ndim(y) == 2:
            x = np.tanh(G_A)
        P4 = [(np.sum(x) + np.zeros((1,))), (np.sum((-y)) + np.zeros((1,))), (np.sum(y, axis=-1, keepdims=True) / (1.0 + (2.0 - y) ** 2))]
    L5 = [np.cos(x), np.concatenate([x[:1], x[1:] - x[:-1]])]
    return np.sum(y) + np.sum(sum(L5))
