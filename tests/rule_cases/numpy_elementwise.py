"""Cases for templates/numpy_elementwise.py: NumPy's elementwise functions."""
import numpy as np

from rule_cases import add, values

for _shape in ("float", (), (3,), (2, 3)):
    _id = f"sin-second-{_shape}"
    add(_id, np.sin, "np.sin(x) * np.cos(x)", {"x": values(_id, _shape, -2, 2)},
        second_order=True)
