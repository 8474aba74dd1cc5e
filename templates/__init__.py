"""Derivative rules of tangentlike, as plain Python functions (``d[x]``: derivative of x).

Importing this package registers every rule; modules are grouped as a reader would look
for a function: Python operators, NumPy (elementwise, reductions, shapes, building and
rearranging arrays, linear algebra, FFT), the ``math`` module, builtins, SciPy (when
installed; registered the first time a function of SciPy is looked up, so that importing
tangentlike does not import SciPy), and the functions that carry no derivative.
"""
import importlib.util

from tangentlike.templates import (  # noqa: F401  (imported to register the rules)
    builtin_functions,
    fixed_points,
    flat_vectors,
    math_functions,
    methods,
    non_differentiable,
    numpy_arrays,
    numpy_elementwise,
    numpy_fft,
    numpy_histograms,
    numpy_indexing,
    numpy_leftovers,
    numpy_linalg,
    numpy_polynomials,
    numpy_reductions,
    numpy_shapes,
    numpy_statistics,
    numpy_ufunc_methods,
    numpy_ufuncs,
    operators,
    runtime_helpers,
)

from tangentlike.rules import registry


def _load_scipy() -> None:
    """Register the SciPy rules (``scipy_special``, ``scipy_stats``, ``scipy_array_api``,
    ``scipy_linalg``).
    Importing SciPy takes seconds, so this runs on first use: the registry calls it the first
    time it is asked about a function of SciPy (``registry.defer``), and
    ``registry.load_deferred`` (the table of supported functions) runs it too.  Without SciPy
    installed, there is nothing to register.  A rule the user registered for a SciPy function
    stays theirs: library facts never replace the user's (``primitive.declare``)."""
    if importlib.util.find_spec("scipy") is None:  # SciPy stays optional
        return
    importlib.import_module("tangentlike.templates.scipy_special")
    importlib.import_module("tangentlike.templates.scipy_special_more")
    importlib.import_module("tangentlike.templates.scipy_special_rest")
    importlib.import_module("tangentlike.templates.scipy_incomplete")
    importlib.import_module("tangentlike.templates.scipy_special_functions")
    importlib.import_module("tangentlike.templates.scipy_stats")
    importlib.import_module("tangentlike.templates.scipy_stats_families")
    importlib.import_module("tangentlike.templates.scipy_noncentral")
    importlib.import_module("tangentlike.templates.scipy_stats_more")
    importlib.import_module("tangentlike.templates.scipy_multivariate")
    importlib.import_module("tangentlike.templates.scipy_multivariate_more")
    importlib.import_module("tangentlike.templates.scipy_array_api")
    importlib.import_module("tangentlike.templates.scipy_linalg")
    importlib.import_module("tangentlike.templates.scipy_linalg_forms")
    importlib.import_module("tangentlike.templates.scipy_linalg_equations")
    importlib.import_module("tangentlike.templates.scipy_linalg_factors")
    importlib.import_module("tangentlike.templates.scipy_lazy_where")
    importlib.import_module("tangentlike.templates.scipy_stats_helpers")
    importlib.import_module("tangentlike.templates.scipy_stats_compiled")
    importlib.import_module("tangentlike.templates.scipy_stats_extremes")
    importlib.import_module("tangentlike.templates.scipy_linalg_updates")
    importlib.import_module("tangentlike.templates.scipy_other_versions")
    importlib.import_module("tangentlike.templates.scipy_stats_discrete")


registry.defer("scipy", _load_scipy)
