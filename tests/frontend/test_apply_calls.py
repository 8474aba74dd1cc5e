"""np.apply_along_axis, np.apply_over_axes and np.fromfunction, rewritten into the loops they
run (tangentlike/frontend/apply_calls.py): reverse mode (optimized or not), forward mode and
HVP against central differences, the value exactly f's; the positions where the call cannot be
moved, and a shape not written out, are refused naming the function."""
from __future__ import annotations

import numpy as np
import pytest
from support import check_grad, make_function, numerical_grad

import tangentlike
from tangentlike.errors import UnsupportedSyntaxError

X = np.random.default_rng(7).uniform(0.5, 1.5, (3, 4))
V = np.random.default_rng(8).standard_normal((3, 4))

SUPPORTED = {
    "along-axis-named": """
        def h(r):
            return np.sum(r ** 2) * r

        def f(x):
            return np.sum(np.apply_along_axis(h, 1, x) ** 2)
        """,
    "along-axis-lambda-scalar": """
        def f(x):
            return np.sum(np.apply_along_axis(lambda r: np.sum(np.sin(r) * x[:, 0]), 0, x))
        """,
    "along-axis-extra-arguments": """
        def f(x):
            y = np.apply_along_axis(np.outer, -1, x, x[0] ** 2)
            return np.sum(y * np.cos(y))
        """,
    "along-axis-nested-def": """
        def f(x):
            def scaled(r, k):
                return r * k + x[1, 1]
            return np.sum(np.apply_along_axis(scaled, 0, x, k=2.0) ** 3)
        """,
    "over-axes": """
        def f(x):
            y = np.apply_over_axes(np.sum, x ** 2, [0, 1])
            z = np.apply_over_axes(np.mean, np.sin(x), -1)
            return np.sum(y) * np.sum(z * x)
        """,
    "fromfunction-lambda": """
        def f(x):
            g = np.fromfunction(lambda i, j: x[0, 0] * i + j * x[1, 1] ** 2, (3, 4))
            return np.sum(g ** 2)
        """,
    "fromfunction-def-dtype": """
        def f(x):
            def grid(i, j, k):
                return np.sin(x[i, j]) * k
            return np.sum(np.fromfunction(grid, (3, 4), dtype=int, k=3.0))
        """,
}


@pytest.mark.parametrize("case", sorted(SUPPORTED))
def test_rewritten_calls_are_differentiated(case: str) -> None:
    f = make_function(SUPPORTED[case], name="f")
    for optimized in (True, False):
        check_grad(f, (X,), optimized=optimized)
    expected = numerical_grad(f, (X,))[0]
    forward = tangentlike.autodiff(f, mode="forward")
    np.testing.assert_allclose(forward(X, V), np.sum(expected * V), rtol=1e-6, atol=1e-8)
    h = 1e-4
    expected_hvp = (numerical_grad(f, (X + h * V,))[0]
                    - numerical_grad(f, (X - h * V,))[0]) / (2 * h)
    np.testing.assert_allclose(tangentlike.hvp(f)(X, V), expected_hvp, rtol=1e-4, atol=1e-5)


REFUSED = {
    "in-a-lambda": ("lambda y: np.apply_along_axis(np.sin, 0, y)", "np.apply_along_axis"),
    "in-and-or": ("x.size > 0 and np.apply_over_axes(np.sum, x, 0)", "np.apply_over_axes"),
    "shape-not-written-out": ("np.fromfunction(lambda i, j: i * x[0, 0], np.shape(x))",
                              "np.fromfunction"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_where_the_call_cannot_move(case: str) -> None:
    expr, name = REFUSED[case]
    f = make_function(f"def f(x):\n    y = {expr}\n    return np.sum(x * 2.0)\n")
    with pytest.raises(UnsupportedSyntaxError, match=name.replace(".", r"\.")):
        tangentlike.grad(f)(X)
