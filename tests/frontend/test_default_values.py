"""Default values that are not literals (found running autograd's example programs): a
function's defaults are the values it holds (evaluated once, where its ``def`` ran), never
its default expressions evaluated again in the generated module; a nested function's or
lambda's default is evaluated where the ``def`` runs, into a name of its own, and passed by
each call that leaves it out; a default that is a function (``act=np.tanh``, autograd's
included) is the function the helper is specialized for.  Each derivative is checked in
reverse mode (joint and split, optimized and not), forward mode and as a Hessian-vector
product against central finite differences, and its value against the function's own."""
from __future__ import annotations

import functools

import numpy as np
import pytest
from oracle import check_everywhere

import tangentlike
from tangentlike.errors import TangentlikeError

X = np.array([0.3, -0.7, 1.1])


# -- a closure's defaults (min_bayesian_optimization) ----------------------------------------

def make(a, w):
    def inner(x, a=a, w=w):  # enclosing locals as defaults: NameError in generated code once
        return a * x + np.sin(w * x)

    def outer(x):
        return np.sum(inner(x) ** 2)

    return outer


def test_closure_with_defaults_of_enclosing_locals():
    check_everywhere(make(2.0, np.array([1.0, 0.5, -2.0])), [X])


def make_top(a):
    def top(x, a=a):  # the differentiated function itself
        return np.sum(np.cos(a * x))
    return top


V = np.array([0.5, 1.0, -2.0])


def check_with_defaults(f, expected, v=V):
    """Reverse mode, forward mode (the tangent by keyword: the function has defaults) and
    hvp of ``f`` at X."""
    for optimized in (True, False):
        np.testing.assert_allclose(tangentlike.grad(f, optimized=optimized)(X), expected)
        tangent, value = tangentlike.autodiff(f, mode="forward", optimized=optimized,
                                              preserve_result=True)(X, dx=v)
        np.testing.assert_allclose(tangent, expected @ v)
        assert value == f(X)
    h = 1e-5
    expected_hvp = (tangentlike.grad(f)(X + h * v) - tangentlike.grad(f)(X - h * v)) / (2 * h)
    np.testing.assert_allclose(tangentlike.hvp(f)(X, v), expected_hvp, rtol=1e-5, atol=1e-7)


def test_differentiated_function_with_a_default_of_an_enclosing_local():
    a = np.array([1.5, -0.5, 2.0])
    f = make_top(a)
    check_with_defaults(f, -a * np.sin(a * X))
    assert "a=a_default" in tangentlike.grad(f).source


SCALE = 3.0


def scaled(x, s=SCALE * 2.0):  # an expression of a global: the value held, 6.0
    return np.sum(s * x ** 2)


def test_default_is_the_value_held_not_the_expression(monkeypatch):
    df = tangentlike.grad(scaled)
    monkeypatch.setitem(globals(), "SCALE", 100.0)  # Python keeps s=6.0
    np.testing.assert_allclose(df(X), 12.0 * X)
    check_with_defaults(scaled, 12.0 * X)


# -- a nested function's or lambda's defaults ---------------------------------------------------

def nested_defaults(x):
    a = np.sin(x)
    def g(t, s=a, *, k=a * 2.0):  # noqa: E306
        return s * t + k
    h = lambda t, c=a * a: t * c  # noqa: E731
    a = a * 3.0  # re-bound after: the defaults keep the values they had
    return np.sum(g(x) + g(x, 2.0) + g(x, s=x, k=1.0) + h(x) + a)


def nested_default_in_loop(x):
    total = 0.0
    for i in range(3):
        w = x * (i + 1.0)
        def g(t, c=w):  # noqa: E306  (bound in a loop: its calls are found when they run)
            return np.sin(t * c)
        total = total + np.sum(g(x, x))
    return total


def nested_default_to_helper(x):
    a = np.cos(x)
    def g(t, s=a):  # noqa: E306
        return t * s
    return np.sum(apply(g, x)) + np.sum(list(map(g, [x, 2.0 * x]))[1])


def apply(f, v):
    return f(v) * 2.0


def nested_default_partial(x):
    a = x * x
    def g(t, u, s=a):  # noqa: E306
        return t * u + s
    p = functools.partial(g, x)
    return np.sum(p(3.0) + p(x, s=1.0))


@pytest.mark.parametrize("f", [nested_defaults, nested_default_in_loop,
                               nested_default_to_helper, nested_default_partial],
                         ids=lambda f: f.__name__)
def test_nested_defaults_evaluated_where_the_def_runs(f):
    check_everywhere(f, [X])


def test_nested_default_gets_a_name_of_its_own():
    source = tangentlike.grad(nested_defaults).source
    assert "g_s = a" in source and "g_k = a * 2.0" in source and "h_c = a * a" in source


def nested_default_as_value(x):
    a = np.sin(x)
    g = lambda t, s=a: t * s  # noqa: E731
    fs = [g]
    return np.sum(fs[0](x))


def nested_default_in_loop_as_value(x):
    total = 0.0
    for i in range(3):
        g = lambda t, c=x * i: t * c  # noqa: E731  (bound in a loop: a value)
        total = total + np.sum(g(x))
    return total


def nested_default_in_comprehension(x):
    return np.sum([(lambda t, c=k: t * c)(x) for k in x])


@pytest.mark.parametrize("f, words", [
    (nested_default_as_value, "used as a value"),
    (nested_default_in_loop_as_value, "used as a value"),
    (nested_default_in_comprehension, "in a comprehension"),
], ids=["as-value", "in-a-loop", "comprehension"])
def test_refused_by_name(f, words):
    with pytest.raises(TangentlikeError) as info:
        tangentlike.grad(f)(X)
    assert words in info.value.message
    assert info.value.location.filename == __file__
    assert info.value.hint


# -- a function as a default value (min_neural_net_regression) ------------------------------

def predict(W, x, nonlinearity=np.tanh):
    return nonlinearity(x @ W)


def predict_user(W, x, nonlinearity=None, act=lambda t: t * np.sin(t)):
    return act(x @ W)


def regression_loss(W):
    return np.sum(predict(W, np.ones((2, 3))) ** 2) + np.sum(predict_user(W, np.eye(3)))


def test_function_default_is_specialized():
    check_everywhere(regression_loss, [X])
    source = tangentlike.grad(regression_loss).source
    assert "call_forward" not in source  # predict specialized for np.tanh, called by name


try:
    import autograd.numpy as anp
except ImportError:  # pragma: no cover
    anp = None

if anp is not None:
    def predict_autograd(W, x, nonlinearity=anp.tanh):
        return nonlinearity(anp.dot(x, W))

    def loss_autograd(W):
        return anp.sum(predict_autograd(W, anp.ones((2, 3))) ** 2)

    def autograd_function_in_a_list(W):
        fs = [anp.tanh, anp.sin]
        f = fs[0]  # a callee found when the call runs: autograd's tanh, NumPy's
        return anp.sum(f(W) * W)


@pytest.mark.skipif(anp is None, reason="autograd is not installed")
def test_autograd_function_as_a_value():
    check_everywhere(loss_autograd, [X])
    check_everywhere(autograd_function_in_a_list, [X])
    check_everywhere(lambda_free_predict, [X])


def lambda_free_predict(W):
    return anp.sum(predict_autograd(W, np.eye(3)))


# -- evaluated once, however often the lowering looks ---------------------------------------

RS = np.random.RandomState(0)


def reseed():
    RS.seed(0)


def defaults_drawn_once(x):
    a = np.sin(x)
    ys = list(map(lambda t, c=a * RS.randn(): t * c, [x, 2.0 * x]))  # noqa: B008
    zs = list(map((lambda b: lambda t: t * b)(RS.randn() * x), [x]))
    return np.sum(ys[0] + ys[1] + zs[0])


def test_a_default_and_a_curried_argument_are_evaluated_once():
    check_everywhere(defaults_drawn_once, [X], reseed=reseed)
    assert tangentlike.grad(defaults_drawn_once).source.count("= RS.randn()") == 2
