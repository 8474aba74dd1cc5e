"""numpy.fft: the discrete Fourier transforms and the frequency shifts."""
import numpy as np  # noqa: F401  (the rules below use it)

from tangentlike.registry import adjoint, d, tangent  # noqa: F401
