"""Derivative rules of tangentlike, as plain Python functions (``d[x]``: derivative of x).

Importing this package registers every rule; modules are grouped as a reader would look
for a function: Python operators, NumPy (elementwise, reductions, shapes, building and
rearranging arrays, linear algebra, FFT), the ``math`` module, builtins, SciPy (when
installed), and the functions that carry no derivative.
"""
import importlib.util

from tangentlike.templates import (  # noqa: F401  (imported to register the rules)
    builtin_functions,
    math_functions,
    non_differentiable,
    numpy_arrays,
    numpy_elementwise,
    numpy_fft,
    numpy_linalg,
    numpy_reductions,
    numpy_shapes,
    operators,
    runtime_helpers,
)

from tangentlike import registry

if importlib.util.find_spec("scipy") is not None:  # SciPy stays optional
    from tangentlike.templates import scipy_special, scipy_stats  # noqa: F401

# Every function these rules cover computes a value and does nothing else, except print.
registry.pure(*(key for key in {*registry.ADJOINTS, *registry.TANGENTS,
                                 *registry.NON_DIFFERENTIABLE} if key is not print))
