"""A value written twice is computed once before differentiation (issue 18, item 1:
tangentlike/frontend/shared_values.py), so that the cancellation of a stable log-softmax
does not depend on how many times the user wrote the maximum; random draws, values a name
re-bound in between, and impure calls are kept apart.  Every derivative is checked against
central finite differences (its value exactly ``f``'s), at its first three calls (the third
runs the version by shape), in reverse mode, forward mode and as a Hessian-vector product.
"""
from __future__ import annotations

import numpy as np
from support import check_every_mode, check_grad, make_function, numerical_grad

import tangentlike

X = np.array([[0.3, -0.7, 1.1, 0.2], [0.5, 0.2, -0.4, 1.4], [-1.2, 0.8, 0.1, 0.0]])
Y = np.array([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
ONCE = make_function("""
def log_softmax_once(z, y):
    m = np.max(z, axis=1, keepdims=True)
    return -np.sum(y * ((z - m) - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))))
""")
TWICE = make_function("""
def log_softmax_twice(z, y):
    return -np.sum(y * ((z - np.max(z, axis=1, keepdims=True)) - np.log(np.sum(np.exp(
        z - np.max(z, axis=1, keepdims=True)), axis=1, keepdims=True))))
""")


def code_of(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines()
            if not line.strip().startswith("#") and "=" in line]


def check_three_calls(f, args, wrt=(0,)):
    check_grad(f, args, wrt=wrt)
    df = tangentlike.grad(f, wrt=wrt)
    expected = numerical_grad(f, args, wrt)
    for _ in range(3):
        got = df(*args)
        got = got if isinstance(got, tuple) else (got,)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)
    return df


def test_a_maximum_written_twice_is_computed_once() -> None:
    df = check_three_calls(TWICE, [X, Y])
    general = "\n".join(code_of(df.source))
    assert general.count("np.max(") == 1
    assert general.count("unreduce_extremum") == 1


def test_the_cancellation_does_not_depend_on_the_spelling() -> None:
    """The version of the twice-written loss drops the maximum's derivative, as the
    version of the once-written one does: the same statements."""
    once = tangentlike.grad(ONCE).version_for(X, Y)
    twice = tangentlike.grad(TWICE).version_for(X, Y)
    assert once.kind == twice.kind == "shapes"
    assert "unreduce_extremum" not in once.source
    assert "unreduce_extremum" not in twice.source
    assert len(code_of(twice.source)) <= len(code_of(once.source))
    np.testing.assert_allclose(tangentlike.grad(TWICE)(X, Y), tangentlike.grad(ONCE)(X, Y),
                               rtol=1e-12)


def test_forward_mode_and_hvp() -> None:
    f = make_function("""
def lse_twice(x):
    return np.max(x) + np.log(np.sum(np.exp(x - np.max(x)))) + np.sin(np.max(x))
""")
    check_every_mode(f, np.array([0.3, -0.7, 1.1, 0.2]), np.array([1.0, -0.5, 0.25, 2.0]))


def test_random_draws_stay_two() -> None:
    f = make_function("""
def two_draws(x):
    return np.sum(x * np.random.rand(3)) + np.sum(x * np.random.rand(3))
""")
    source = tangentlike.grad(f).source
    assert sum(line.count("np.random.rand(") for line in code_of(source)) >= 2


def test_a_name_rebound_in_between_is_another_value() -> None:
    f = make_function("""
def rebound(x):
    total = 0.0
    for _ in range(3):
        total = total + np.sum(np.sin(x))
        x = x * 1.5
        total = total + np.sum(np.sin(x))
    return total
""")
    check_three_calls(f, [np.array([0.3, -0.7, 1.1])])


def test_arithmetic_written_twice() -> None:
    f = make_function("""
def arithmetic(x, w):
    return np.sum(np.tanh(x @ w + 1.0) * (x @ w + 1.0))
""")
    df = check_three_calls(f, [X, np.arange(12.0).reshape(4, 3) / 10.0], wrt=(0, 1))
    code = "\n".join(code_of(df.source))
    assert code.count("@") == 1 and code.count("matmul_adjoint_a(") == 1


WRITTEN_BETWEEN = make_function("""
def written_between(x):
    y = x * 1.0
    a = np.sin(y) * 2.0
    y[0] = 5.0
    b = np.sin(y) * 3.0
    return np.sum(a) + np.sum(b)
""")
CALLED_BETWEEN = make_function("""
def called_between(x):
    y = [x * 1.0]
    a = np.sin(y[0]) * 2.0
    y[0] = x * 2.0
    b = np.sin(y[0]) * 3.0
    return np.sum(a) + np.sum(b)
""")


def test_a_write_in_between_makes_two_values() -> None:
    """``y[0] = 5.0`` between two ``np.sin(y)``: two values, each with its derivative (the
    value and the gradient are f's), in both modes."""
    x = np.array([0.3, 0.7, 1.1])
    for f in (WRITTEN_BETWEEN, CALLED_BETWEEN):
        df = check_three_calls(f, [x])
        value, _ = tangentlike.value_and_grad(f)(x.copy())
        assert value == f(x.copy())
        assert "\n".join(code_of(df.source)).count("np.sin(") == 2
        check_every_mode(f, x, np.array([0.2, -0.4, 0.9]))


def test_an_alias_written_in_between_is_not_missed() -> None:
    """``z = y; z[0] = 5.0`` between two ``np.sin(y)``: never one value (refused by the
    aliasing check, as without sharing, or right)."""
    f = make_function("""
    def alias_written(x):
        y = x * 1.0
        z = y
        a = np.sin(y) * 2.0
        z[0] = 5.0
        b = np.sin(y) * 3.0
        return np.sum(a) + np.sum(b)
    """)
    x = np.array([0.3, 0.7, 1.1])
    try:
        got = tangentlike.grad(f)(x.copy())
    except tangentlike.TangentlikeError:
        return
    np.testing.assert_allclose(got, numerical_grad(f, [x.copy()], (0,))[0], rtol=1e-6)
