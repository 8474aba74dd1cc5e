"""The derivatives templates/scipy_special_more.py refuses: an order or shape parameter of a
special function (no closed form) that is differentiated raises ValueRefusedError naming the
function, the parameter and the user's line, in reverse and forward mode; the same call with
that parameter constant is differentiated. (The incomplete gamma and beta functions' parameters
are differentiated: tests/rules/test_incomplete.py.) (The rules themselves are checked against
finite differences by the registry walk: tests/rule_cases/scipy_special_more.py.)"""
from __future__ import annotations

import numpy as np
import pytest
from parameter_refusals import parameter_function, parameter_tests
from support import make_function

import tangentlike

pytest.importorskip("scipy")
import scipy.special  # noqa: E402

# function, the call with p (the parameter) and x, values of p and x
REFUSED = {
    ("jv", "v"): ("scipy.special.jv(p, x)", 1.5, 2.0),
    ("iv", "v"): ("scipy.special.iv(p, x)", 0.5, 2.0),
    ("kve", "v"): ("scipy.special.kve(p, x)", 0.5, 2.0),
    ("jvp", "v"): ("scipy.special.jvp(p, x)", 0.5, 2.0),
    ("expn", "n"): ("scipy.special.expn(p, x)", 2.0, 1.0),
    ("hyp1f1", "a"): ("scipy.special.hyp1f1(p, 1.5, x)", 0.5, 0.3),
    ("hyp2f1", "c"): ("scipy.special.hyp2f1(0.5, 1.5, p, x)", 2.5, 0.3),
    ("zeta", "x"): ("scipy.special.zeta(p, x)", 2.5, 1.5),
}



test_parameter_derivative_is_refused, test_constant_parameter_is_differentiated = (
    parameter_tests(REFUSED))


def test_truncated_integer_parameter_has_zero_derivative():
    """pdtr truncates k: piecewise constant, so its derivative in k is 0 (not refused)."""
    f = parameter_function("scipy.special.pdtr(p, x)")
    assert tangentlike.grad(f, wrt=(0,))(2.5, 1.5) == 0.0


def test_float32_derivative_stays_float32():
    """A Python-float shape parameter (gammaln(2.5) is a float64 scalar) does not promote a
    float32 derivative."""
    f = make_function("def f(x):\n    return np.sum(scipy.special.betainc(2.5, 1.5, x))\n")
    f.__globals__["scipy"] = scipy
    x = np.array([0.2, 0.5], dtype=np.float32)
    assert tangentlike.grad(f)(x).dtype == np.float32


def test_multigammaln_dimension_by_keyword_is_refused():
    """The rule of multigammaln takes d positionally (d names derivatives in templates): the
    keyword form is a TemplateError at the user's line, never a wrong derivative."""
    from tangentlike.errors import TemplateError

    f = make_function("def f(a):\n    return scipy.special.multigammaln(a, d=3)\n")
    f.__globals__["scipy"] = scipy
    with pytest.raises(TemplateError, match="does not match the derivative rule") as caught:
        tangentlike.grad(f)(2.5)
    assert caught.value.location is not None
