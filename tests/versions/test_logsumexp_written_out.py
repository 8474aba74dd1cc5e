"""``scipy.special.logsumexp`` written out in a version by shape (issue 18, item 1:
tangentlike/versions/logsumexp.py): a max-shifted log-sum-exp whose exponentials the
derivative shares (a softmax, ``t3 / t4``), as a hand-written gradient does; left as the
user wrote it where its value is returned, or where it has other arguments.

Each derivative is checked against central finite differences at its first three calls
(the third runs the version by shape), its value exactly ``f``'s, in reverse mode, forward
mode and as a Hessian-vector product where the function is of one vector.
"""
from __future__ import annotations

import numpy as np
import pytest
from support import check_every_mode, check_grad, make_function, numerical_grad

import tangentlike

RNG = np.random.default_rng(7)
VECTOR = RNG.standard_normal(6)
MATRIX = RNG.standard_normal((4, 5))
HEADER = "import scipy.special\n\n"

FORMS = [
    ("scipy.special.logsumexp(x)", VECTOR, True),
    ("scipy.special.logsumexp(x)", MATRIX, True),
    ("np.sum(scipy.special.logsumexp(x, axis=1, keepdims=True) * x)", MATRIX, True),
    ("np.sum(np.sin(scipy.special.logsumexp(x, axis=0)))", MATRIX, False),
    ("np.sum(np.sin(scipy.special.logsumexp(x, 1)))", MATRIX, False),
    # written out, but not shared: unreduce over a tuple of axes stays a helper call
    ("np.sum(scipy.special.logsumexp(x, axis=(0, 1), keepdims=True))", MATRIX, False),
]


def function(expression: str) -> object:
    return make_function(HEADER + f"def lse_form(x):\n    return {expression}\n")


def code_of(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if not line.strip().startswith("#"))


@pytest.mark.parametrize("expression, x, softmax", FORMS,
                         ids=[f"{e}-{x.ndim}d" for e, x, _ in FORMS])
def test_written_out_logsumexp(expression: str, x: np.ndarray, softmax: bool) -> None:
    f = function(expression)
    check_grad(f, [x])
    df = tangentlike.grad(f)
    expected = numerical_grad(f, [x])[0]
    for _ in range(3):  # the third call runs the version by shape
        np.testing.assert_allclose(df(x), expected, rtol=1e-6, atol=1e-8)
    version = df.version_for(x)
    assert version.kind == "shapes", version.reason
    code = code_of(version.source)
    assert "logsumexp" not in code.split('"""')[-1], version.source  # past the docstring
    assert ("/" in code) == softmax  # the terms over their sum: one exponential


def test_forward_mode_and_hvp() -> None:
    f = function("scipy.special.logsumexp(np.sin(x) * 2.0)")
    check_every_mode(f, VECTOR, np.linspace(-1.0, 1.0, VECTOR.size))


@pytest.mark.parametrize("x", [
    np.array([0.5, np.inf, -1.0]), np.array([-np.inf, -np.inf, -np.inf]),
    np.array([-np.inf, 0.3, 2.0]), np.array([1e300, 1e308, -1e308]),
], ids=["inf", "all -inf", "some -inf", "huge"])
def test_infinities_as_scipy(x: np.ndarray) -> None:
    """Where the maximum is not finite SciPy shifts by 0: the version gives what the general
    derivative gives, NaN for NaN."""
    f = function("scipy.special.logsumexp(x)")
    df = tangentlike.grad(f)
    with np.errstate(all="ignore"):
        general = df(x)
        df(x)
        np.testing.assert_allclose(df(x), general, rtol=1e-12, equal_nan=True)
    assert df.version_for(x).kind == "shapes"


def test_float32() -> None:
    f = function("scipy.special.logsumexp(x, axis=1, keepdims=True).sum()")
    x = MATRIX.astype(np.float32)
    df = tangentlike.grad(f)
    general = df(x)
    df(x)
    got = df(x)
    assert got.dtype == general.dtype == np.float32
    np.testing.assert_allclose(got, general, rtol=1e-6)


def test_the_returned_value_is_scipys() -> None:
    """Returned, the value is computed as the user wrote it (float for float)."""
    f = function("scipy.special.logsumexp(x, axis=1, keepdims=True).sum()")
    vg = tangentlike.grad(f, preserve_result=True)
    for _ in range(3):
        assert vg(MATRIX)[-1] == f(MATRIX)
    assert "scipy.special.logsumexp(" in code_of(vg.version_for(MATRIX).source)


def test_other_arguments_stay() -> None:
    f = make_function(HEADER + "def lse_weighted(x):\n"
                      "    return scipy.special.logsumexp(x, b=np.arange(1.0, 7.0))\n")
    check_grad(f, [VECTOR])
    df = tangentlike.grad(f)
    for _ in range(3):
        np.testing.assert_allclose(df(VECTOR), numerical_grad(f, [VECTOR])[0], rtol=1e-6)
    assert "scipy.special.logsumexp(" in code_of(df.version_for(VECTOR).source)
