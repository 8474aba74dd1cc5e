"""The shared tests of a function's parameters that have no derivative (an order, a shape, the
degrees of freedom): differentiated, the parameter is refused by name (ValueRefusedError naming
the function, the parameter and the user's line, with a hint) in reverse and forward mode;
held constant, the call is differentiated in its argument (value f's, derivative the central
difference's), optimized or not.

A test module states its table, ``(function's name, parameter): (call with p and x, p, x)``,
and takes the two tests: ``test_refused, test_constant = parameter_tests(REFUSED)``."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy
from support import make_function

import tangentlike
from tangentlike.errors import ValueRefusedError

Table = dict[tuple[str, str], tuple[str, float, float]]


def parameter_function(expr: str) -> Any:
    """``f(p, x)``: ``y = <expr>``, returning ``y * x``."""
    fn = make_function(f"def f(p, x):\n    y = {expr}\n    return y * x\n")
    fn.__globals__["scipy"] = scipy
    return fn


def parameter_tests(table: Table, prefix: str = "scipy.special.",
                    rtol: Callable[[str], float] = lambda expr: 1e-6) -> tuple[Any, Any]:
    """The two tests over ``table``; ``prefix`` completes the names in the messages, ``rtol``
    is the tolerance of a call's derivative against its central difference."""
    keys = pytest.mark.parametrize("key", list(table), ids=lambda k: "-".join(k))

    @keys
    @pytest.mark.parametrize("mode", ["reverse", "forward"])
    def test_parameter_derivative_is_refused(key: tuple[str, str], mode: str) -> None:
        name, parameter = key
        expr, p, x = table[key]
        f = parameter_function(expr)
        with pytest.raises(ValueRefusedError) as caught:
            if mode == "reverse":
                tangentlike.grad(f, wrt=(0,))(p, x)
            else:
                tangentlike.jvp(f)((p, x), (1.0, 0.0))
        message = str(caught.value)
        assert f"{prefix}{name} in its parameter {parameter!r}" in message
        assert caught.value.location is not None  # the user's line
        assert caught.value.location.line.strip() == f"y = {expr}"
        assert "hint:" in message

    @keys
    @pytest.mark.parametrize("optimized", [True, False])
    def test_constant_parameter_is_differentiated(key: tuple[str, str],
                                                  optimized: bool) -> None:
        """With the parameter constant, the value is f's and the derivative the
        difference's."""
        expr, p, x = table[key]
        f = parameter_function(expr)
        value, got = tangentlike.value_and_grad(f, wrt=(1,), optimized=optimized)(p, x)
        assert value == f(p, x)
        h = 1e-6
        expected = (f(p, x + h) - f(p, x - h)) / (2 * h)
        np.testing.assert_allclose(got, expected, rtol=rtol(expr))

    return test_parameter_derivative_is_refused, test_constant_parameter_is_differentiated
