"""Cases for templates/fixed_points.py: ``tangentlike.fixed_point`` differentiated by
implicit differentiation and one-step differentiation (tests/test_fixed_point.py checks it
further: unrolled iterations, closed forms, refusals, memory)."""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime.fixed_points import fixed_point


def contraction(z, a, b):
    return 0.5 * np.tanh(z) + a * b


def newton_sqrt(x, c):
    return x - (x * x - c) / (2.0 * x)


NAMES = {"fixed_point": fixed_point, "contraction": contraction, "newton_sqrt": newton_sqrt}

for _shape in ("float", (3,)):
    _id = f"fixed_point-contraction-{_shape}"
    add(_id, fixed_point, "fixed_point(contraction, 0.0 * a, a, b, tol=1e-13) ** 2",
        {"a": values(_id + "a", _shape), "b": values(_id + "b", "float")},
        autograd=False, float32=False, names=NAMES)
    _id = f"fixed_point-newton-one_step-{_shape}"
    add(_id, fixed_point,
        'fixed_point(newton_sqrt, 1.0 + 0.0 * c, c, tol=1e-14, method="one_step")',
        {"c": values(_id, _shape, 0.5, 3.0)}, autograd=False, float32=False, names=NAMES)
