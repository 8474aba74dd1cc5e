"""A primitive whose user-registered adjoint raises, to see tracebacks from generated code."""
import numpy as np

import tangentlike
from tangentlike import d


class AdjointExploded(RuntimeError):
    pass


def explode(x):
    raise AdjointExploded("raised while computing the derivative")


def fragile(x):
    return np.log(x)


@tangentlike.adjoint(fragile)
def fragile_adjoint(y, x):
    d[x] = d[y] * explode(x)


def model(x):
    return np.sum(fragile(x * 2.0))
