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

"""
Found by the default fuzz run once the generator read slices (chunk 1d-32-5).
reverse: wrong: call 3: d/dx off by +1 at x[0] and -1 at x[2] (float64 and float32).

Only the third call, the version by shapes, was wrong.  Its algebra (cancel.py) follows the
straight-line statements of the derivative and zeroes a value no escaping value contains; the
backward `if t7: if t8: ... bx = zeros_like(x)` binds ``bx`` in a branch, and the pass dropped
the value ``bx`` had before it from what it tracks without counting it as read, although
``return bx`` reads it whenever the branch does not run.  So the slice adjoints of
``x[1:] - x[:-1]`` were replaced by zeros.  Fixed: a name a compound statement may bind keeps
its old value escaping.  Regression test in tests/test_fuzz_regressions.py.
"""
