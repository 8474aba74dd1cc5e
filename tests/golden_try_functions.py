"""A function whose generated derivative is pinned by a golden file (tests/golden/try_loop.py):
a loop inside a try body (issue 16)."""
import numpy as np


def try_loop(x, n):
    """The derivative replays the iterations that ran, and the statements of the one that
    raised that completed."""
    total = 0.0
    try:
        for i in range(n):
            total = total + np.log(x[i]) * x[i]
            if x[i] > 5.0:
                raise ValueError("big")
    except ValueError:
        total = total * 2.0
    return total
