"""Lambdas as autograd's example programs write them: a lambda that returns a lambda, called
where it is written (``(lambda b: lambda x: x * b)(a)(3.0)``: ``b`` a name of its own, bound
once, as the outer call binds it), and lambdas whose lines do not parse on their own (on the
last line of a bracketed expression that spans lines, in a ``for`` header, two on one line):
their source is found in the whole file, by line, parameters and column.  Each derivative is
checked in reverse mode (joint and split, optimized and not), forward mode and as a
Hessian-vector product against central finite differences, and its value against the
function's own."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike
from tangentlike.errors import TangentlikeError

X = np.array([0.3, -0.7, 1.1])


# -- a lambda that returns a lambda (min_nested_lambda) -----------------------------------

def curried(a):
    return (lambda b: lambda x: x * b)(a)(3.0)


def curried_named(x):
    scale = (lambda b, c: lambda t: np.sin(t * b) + c)(x, np.cos(x))
    return np.sum(scale(x) * scale(2.0 * x))


def curried_to_helper(x):
    return np.sum(apply((lambda w: lambda t: t * w)(np.exp(x)), x))


def apply(f, v):
    return f(v) + f(v * v)


def test_curried_lambda_at_a_float():
    assert tangentlike.grad(curried)(2.0) == 3.0
    tangent, value = tangentlike.autodiff(curried, mode="forward", preserve_result=True)(
        2.0, 1.0)
    assert tangent == 3.0 and value == curried(2.0)


@pytest.mark.parametrize("f", [curried_named, curried_to_helper], ids=lambda f: f.__name__)
def test_curried_lambdas(f):
    check_everywhere(f, [X])


def test_the_outer_argument_gets_a_name_of_its_own():
    source = tangentlike.grad(curried_named).source
    line = curried_named.__code__.co_firstlineno + 1  # the lambda's line names it
    assert f"lambda_{line}_b = x" in source and f"lambda_{line}_c = np.cos(x)" in source


def curried_rebinding(x):
    return (lambda b: lambda b: b * 2.0)(x)(x)  # the inner lambda binds b again


def test_curried_lambda_that_binds_its_name_again_is_refused():
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(curried_rebinding)(1.0)
    assert info.value.location.filename == __file__


# -- a lambda's source found in the whole file (min_lambda_source) --------------------------

BRACKETED = [np.sum(X),
             lambda x: np.sum(np.sin(x) * x)]
FOR_HEADER = []
for g in [lambda x: np.sum(x ** 3), lambda x: np.sum(np.cos(x))]:
    FOR_HEADER.append(g)
TWO_ON_A_LINE = (lambda x: np.sum(x * np.exp(x))), (lambda x: np.sum(np.tanh(x) * 2.0))


@pytest.mark.parametrize("f", [BRACKETED[1], *FOR_HEADER, *TWO_ON_A_LINE],
                         ids=["bracketed", "for-header-1", "for-header-2", "two-on-a-line-1",
                              "two-on-a-line-2"])
def test_lambda_whose_lines_do_not_parse_alone(f):
    if sys.version_info < (3, 11) and f is not BRACKETED[1]:
        pytest.skip("two lambdas on a line are told apart by column (co_positions, Python "
                    "3.11+); on 3.10 they are refused by name")
    check_everywhere(f, [X])


def test_lambda_in_a_call_spanning_lines():
    out = [np.sum(X),
           tangentlike.grad(lambda x: np.sum(np.sin(x)))(X)]
    np.testing.assert_allclose(out[1], np.cos(X))
