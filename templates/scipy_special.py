"""scipy.special (SciPy is optional: tangentlike/templates imports this module only when SciPy
is installed)."""
import numpy as np  # noqa: F401  (the rules below use it)
import scipy.special  # noqa: F401  (the rules below use it)

from tangentlike.registry import adjoint, d, tangent  # noqa: F401
