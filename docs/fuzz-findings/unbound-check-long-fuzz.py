# x: float64[2, 3], y: float
import numpy as np

G_C = 0.7
G_A = np.array([0.3, -0.5, 0.8])
RS = np.random.RandomState(11)
RNG = np.random.default_rng(12)


def f(x, y):
    x = np.max((y / (1.0 + x ** 2)), axis=0)
    for r1 in x:
        r1 -= np.log(1.0 + y ** 2)
        L2 = [(x / (1.0 + y ** 2)), (np.sum((G_A - G_C)) + np.zeros((3,)))]
        for r3 in x:
            r3 -= (y * y)
    v4 = np.sum(y)
    if (np.log(1.0 + G_C ** 2)) < 1.0:
        x, y = v4, ((1.5 - v4) * (x) ** 2)
    else:
        x, y = y, x
        L5 = [(-1.2)]
    v4 -= v4
    return np.sum(v4) + np.sum(y)

"""
reverse: crashed: UnboundLocalError: cannot access local variable 't12' where it is not
associated with a value (the run-time check of r1 -= ... read the inner loop's variable, bound
only from the second outer iteration on)
"""
