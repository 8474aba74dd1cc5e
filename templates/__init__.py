"""Derivative rules of tangentlike, as plain Python functions (``d[x]``: derivative of x).

Importing this package registers every rule; modules are grouped as a reader would look
for a function: Python operators, NumPy (elementwise, reductions, shapes, linear algebra),
the ``math`` module, builtins, and the functions that carry no derivative.
"""
from tangentlike.templates import (  # noqa: F401  (imported to register the rules)
    builtin_functions,
    math_functions,
    non_differentiable,
    numpy_elementwise,
    numpy_linalg,
    numpy_reductions,
    numpy_shapes,
    operators,
    runtime_helpers,
)
