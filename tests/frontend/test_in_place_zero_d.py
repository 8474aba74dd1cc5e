"""``out += v`` on a 0-d array stays a 0-d array (NumPy adds in place), so a later
``out[mask] = v`` writes into it, as in SciPy's ``dpareto_lognorm._logpdf``
(``out = np.asarray(...); out += ...; out[x == 0] = -np.inf; return out[()]``): the
derivative runs the same program (``keep_dtype``), in every mode."""
from __future__ import annotations

import numpy as np
import pytest
from support import check_grad, make_function

import tangentlike

SOURCE = """
def f(x):
    out = np.asarray(np.log(x) + 1.0)
    out += np.sin(x)
    out[x == 0] = -np.inf
    return out[()] * 2.0
"""


@pytest.mark.parametrize("x", [0.5, np.array(0.7)])
@pytest.mark.parametrize("optimized", [True, False])
def test_a_zero_d_array_updated_in_place_then_written(x, optimized):
    f = make_function(SOURCE)
    check_grad(f, [x], optimized=optimized)
    tangent, value = tangentlike.autodiff(f, mode="forward", preserve_result=True,
                                          optimized=optimized)(x, 1.0)
    assert value == f(x)
    assert np.isclose(tangent, 2.0 * (1.0 / x + np.cos(x)))
    assert np.isclose(tangentlike.hvp(f)(x, 1.0), 2.0 * (-1.0 / x**2 - np.sin(x)))
