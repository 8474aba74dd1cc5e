# x: float64[2, 3], y: float
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def h(a, b, scale=0.5, shift=0.0):
    b = np.max(b, axis=-1, keepdims=True)
    return (np.exp(np.tanh((shift) ** 2)) * scale + shift)


def f(x, y):
    y = (-(x - x))
    v1 = y
    v2, v3 = ((RNG.normal(size=(3,)) + v1) - (x * y)), np.sqrt(1.0 + (v1 + x) ** 2)
    if np.sum((v1 - v3)) > 0.5:
        x = v3
        v4 = v1
    else:
        v3[-1] *= np.sum((v1 * v1))
    v3 = ((G_C + 0.3) + RS.randn(2, 3))
    if G_C > 0.5:
        v2 += h(v1, b=(((1.5 / (1.0 + G_A ** 2))) ** 2 + np.zeros((2, 3))))
    else:
        v3, v5 = x, G_A
        v6, v7 = (np.sum(v2, axis=1, keepdims=True) - h(v1, ((G_C - 0.3) + (G_C * x)))), RNG.standard_normal((2, 3))
    return np.sum(v1) + np.sum(x) + np.sum(v2)


"""
reverse: wrong: d/dx had nan in its last row (campaign seed 61, program 4250).  The tuple
assignment v2, v3 = ..., np.sqrt(...) binds v3 through a temporary (t = np.sqrt(...); v3 = t),
and the backward sweep of the square root reads t.  v3[-1] *= ... changed that array in
place, but the old v3[-1] was saved and restored only when the backward sweep read v3 itself,
so the square root's derivative divided by the new value, zero.  Fixed: a name joined to the
changed array by copies counts as a read of it (reverse.py, _copy_classes).  A regression test
in tests/test_fuzz_regressions.py, with a reduced program.
"""
