"""Functions as values (issue 16, items 1 and 2): nested defs and lambdas (lifted to
functions of their own that take the locals they read), functions passed to your functions
(which get a copy specialized for the function), ``functools.partial``, aliases, loops over
functions and ``map``.  Each function of ``function_values_functions`` is checked in reverse
mode, forward mode and as a Hessian-vector product against central finite differences, at its
first, second and third calls (the third runs the version by shape), optimized and not, and
the value the derivative computes is the function's own."""
from __future__ import annotations

import function_values_functions as fv
import numpy as np
import pytest
from support import check_every_mode, numerical_grad

import tangentlike
from tangentlike.errors import TangentlikeError

X = np.array([0.3, -0.7, 1.1])
V = np.array([0.5, 1.0, -2.0])


def _fd_grad(f, x, h=1e-6):
    return numerical_grad(f, [x], eps=h)[0]


@pytest.mark.parametrize("optimized", [True, False], ids=["optimized", "unoptimized"])
@pytest.mark.parametrize("f", fv.FUNCTIONS, ids=lambda f: f.__name__)
def test_derivatives_match_finite_differences(f, optimized):
    check_every_mode(f, X, V, optimized=optimized)


@pytest.mark.parametrize("f", list(fv.REFUSED), ids=lambda f: f.__name__)
def test_refused_by_name_at_the_users_line(f):
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(f)(X.copy())
    error = info.value
    assert fv.REFUSED[f] in str(error)
    assert error.location is not None
    assert error.location.filename.endswith("function_values_functions.py")
    assert error.hint


def test_late_binding_reads_the_value_at_the_call():
    # the closure reads ``a`` when called: the two calls see different values
    x = X.copy()
    expected = _fd_grad(fv.nested_late_binding, x)
    np.testing.assert_allclose(tangentlike.grad(fv.nested_late_binding)(x), expected,
                               rtol=1e-6)


def test_derivative_of_a_lifted_function_takes_the_captured_values():
    source = tangentlike.grad(fv.nested_captures).source
    assert "g_forward(x, a=a)" in source
    assert "g_backward(" in source and ", a=a" in source


def test_numpy_function_argument_is_called_as_written():
    source = tangentlike.grad(fv.alias).source
    assert "np.tanh(" in source
