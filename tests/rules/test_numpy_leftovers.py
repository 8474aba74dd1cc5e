"""What templates/numpy_leftovers.py refuses: a differentiated spacing of np.gradient, np.poly
of a matrix, differentiated bins or range of np.histogram2d and np.histogramdd, density=True;
each raises NoDerivativeError naming the function and the argument, in reverse and forward
mode.  (The rules themselves are checked against finite differences by the registry walk:
tests/rule_cases/numpy_leftovers.py.)"""
from __future__ import annotations

import numpy as np
import pytest
from support import make_function

import tangentlike
from tangentlike.errors import NoDerivativeError

REFUSED = {
    "gradient-spacing": ("np.sum(np.gradient(x, p) * x)", r"np.gradient.*spacing"),
    "gradient-coordinates": ("np.sum(np.gradient(x, p * np.arange(5.0)) ** 2)",
                             r"np.gradient.*spacing"),
    "poly-matrix": ("np.sum(np.poly(np.outer(x[:2], x[:2]) + p))", r"np.poly of a matrix"),
    "histogram2d-range": ("np.sum(np.histogram2d(x, x ** 2, 2, range=[[0.0, p + 5.0], "
                          "[0.0, 20.0]])[1])", r"np.histogram2d.*range"),
    "histogramdd-bins": ("np.sum(np.histogramdd(x, [np.array([0.0, p, 9.0])])[1][0])",
                         r"np.histogramdd.*bins"),
    "histogramdd-density": ("np.sum(np.histogramdd(x * p, 2, density=True)[1][0])",
                            r"density=True"),
}


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_by_name(case: str, mode: str) -> None:
    expr, message = REFUSED[case]
    f = make_function(f"def f(p, x):\n    return {expr}\n")
    x = np.linspace(0.5, 2.0, 5) ** 2
    with pytest.raises(NoDerivativeError, match=message):
        if mode == "reverse":
            tangentlike.grad(f)(0.7, x)
        else:
            tangentlike.autodiff(f, mode="forward")(0.7, x, 1.0)


def test_the_data_alone_is_differentiated() -> None:
    """With the spacing a constant argument, np.gradient is differentiated in x only."""
    f = make_function("def f(p, x):\n    return np.sum(np.gradient(x, p) ** 2)\n")
    x = np.linspace(0.5, 2.0, 5) ** 2
    g = tangentlike.grad(f, wrt=1)(0.7, x)
    h = 1e-6
    expected = [(f(0.7, x + h * e) - f(0.7, x - h * e)) / (2 * h) for e in np.eye(5)]
    np.testing.assert_allclose(g, expected, rtol=1e-6)
