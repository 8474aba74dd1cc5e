"""A NumPy function with no derivative rule, called on a differentiated value, is refused in
both modes with a ``NoDerivativeError`` (a ``TangentlikeError``) naming it: never a silent
zero.  And a rule that supports only some variants of its function (``np.pad``'s modes)
refuses the others when the derivative runs.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
from support import make_function

import tangentlike
from tangentlike import NoDerivativeError, TangentlikeError
from tangentlike.rules.registry import describe, is_primitive

# Functions implemented in C (no Python source to fall back on) that carry a derivative in
# principle but have no rule; the tests use the first that still has none (a dotted name is
# reached attribute by attribute: NumPy's private gufunc of np.linalg.det, last).
FUNCTIONS = ["heaviside", "nextafter", "spacing", "bincount",
             "linalg._umath_linalg.det"]  # np.<name>(x, ...)
METHODS = ["cumprod", "compress", "repeat", "byteswap"]  # x.<name>(...)
CALLS = {"heaviside": "np.heaviside(x, 0.5)", "nextafter": "np.nextafter(x, 2.0)",
         "spacing": "np.spacing(x)", "bincount": "np.bincount([0, 1, 2], weights=x)",
         "cumprod": "x.cumprod()", "compress": "x.compress([True, True, True])",
         "repeat": "x.repeat(1)", "byteswap": "x.byteswap()", "linalg._umath_linalg.det":
         "np.linalg._umath_linalg.det(np.diag(x))"}
X = np.array([0.3, 0.6, 0.9])


def _first_without_rule(names: list[str], owner: Any) -> tuple[str, Any]:
    for name in names:
        function = functools.reduce(getattr, name.split("."), owner)
        if not is_primitive(function):
            return name, function
    pytest.fail(f"every candidate has a rule now: add another to {names}")


def _refused(name: str, function: Any) -> None:
    f = make_function(f"def f(x):\n    return np.sum({CALLS[name]} * x)\n")
    with pytest.raises(NoDerivativeError) as reverse:
        tangentlike.grad(f)(X)
    with pytest.raises(NoDerivativeError) as forward:
        tangentlike.autodiff(f, mode="forward")(X, np.ones(3))
    for info in (reverse, forward):
        assert isinstance(info.value, TangentlikeError)
        assert name.rsplit(".", 1)[-1] in info.value.message
        assert describe(function) in str(info.value)
        assert info.value.location is not None and info.value.location.function == "f"


def test_numpy_function_without_rule_is_refused_in_both_modes() -> None:
    _refused(*_first_without_rule(FUNCTIONS, np))


def test_array_method_without_rule_is_refused_in_both_modes() -> None:
    _refused(*_first_without_rule(METHODS, np.ndarray))


@pytest.mark.parametrize("call", ["np.pad(x, 1, mode='mean')", "np.pad(x, (1, 2), 'maximum')",
                                  "np.pad(x, 2, 'reflect', reflect_type='odd')",
                                  "np.pad(x, 1, mode='linear_ramp', end_values=1.0)"])
def test_pad_mode_without_derivative_is_refused(call: str) -> None:
    """The modes whose derivative is not a copy of elements raise (the derivative is never
    silently wrong), naming np.pad and the mode."""
    f = make_function(f"def f(x):\n    return np.sum(np.sin({call}))\n")
    with pytest.raises(NoDerivativeError, match="np.pad with mode="):
        tangentlike.grad(f)(X)
    with pytest.raises(NoDerivativeError, match="np.pad with mode="):
        tangentlike.autodiff(f, mode="forward")(X, np.ones(3))
