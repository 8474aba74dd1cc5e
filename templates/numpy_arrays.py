"""NumPy functions that build arrays and pick or rearrange parts of them: flip, roll, rot90,
diag, diagonal, trace, tril, triu, pad, sort, partition, take, np.array of a list, astype."""
import numpy as np  # noqa: F401  (the rules below use it)

from tangentlike.registry import adjoint, d, tangent  # noqa: F401
