"""Outputs: a value, a tuple, the same value twice, an input returned as is."""
import numpy as np
from golden_functions import returns_input, returns_input_twice

import tangentlike


def test_returning_an_input_twice_adds_both_seeds():
    x = np.array([1.0, 2.0])
    for optimized in (True, False):
        df = tangentlike.grad(returns_input_twice, optimized=optimized)
        np.testing.assert_allclose(df(x, init_grad=(np.ones(2), 2 * np.ones(2))), [3.0, 3.0])


def test_returning_an_input_gives_the_seed_back():
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(tangentlike.grad(returns_input)(x, init_grad=x), x)
    assert tangentlike.grad(returns_input)(3.0) == 1.0
