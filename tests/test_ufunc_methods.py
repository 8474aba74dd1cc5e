"""The methods of NumPy's ufuncs as users write them (issue 17, item 2): ``np.f.at`` into a
parameter (written back, as ``x[i] += v`` is) and into a local array in a loop, with and
without optimization; the keyword forms of ``reduce``; what stays refused, by name.  The
rules themselves are checked by the registry walk (``tests/rule_cases/numpy_ufunc_methods.py``)."""
from __future__ import annotations

import numpy as np
import pytest
from support import check_every_mode, make_function

import tangentlike
from tangentlike import TangentlikeError

X = np.array([0.3, -0.7, 1.1, 0.4])
V = np.array([0.5, 1.0, -2.0, 0.3])


def _f(source: str):
    return make_function(source)


@pytest.mark.parametrize("optimized", [True, False])
def test_add_at_into_the_parameter_accumulates_and_is_written_back(optimized):
    f = _f("""
def f(x):
    np.add.at(x, np.array([0, 2, 2, 3]), np.sin(x[1]) * x[:4])
    return np.sum(x ** 3)
""")
    check_every_mode(f, X, V, optimized=optimized)
    given, expected = X.copy(), X.copy()
    tangentlike.grad(f, optimized=optimized)(given)
    f(expected)
    np.testing.assert_array_equal(given, expected)  # as f leaves it: repeated indices add


@pytest.mark.parametrize("optimized", [True, False])
def test_scatters_in_a_loop(optimized):
    f = _f("""
def f(x):
    y = np.ones(3)
    for k in range(3):
        np.multiply.at(y, np.array([k, 0]), x[k:k + 2])
        np.maximum.at(y, np.array([1, 1]), x[1:3] * k)
        np.subtract.at(y, 2, x[3])
    return np.sum(np.sin(y))
""")
    check_every_mode(f, X, V, optimized=optimized)


def test_reduce_keywords():
    f = _f("""
def f(x):
    m = x.reshape(2, 2)
    a = np.add.reduce(m, axis=(0, 1), keepdims=True, dtype=np.float64)
    b = np.maximum.reduce(m, axis=None, initial=0.0, where=m < 1.0)
    c = np.logaddexp.reduce(m, axis=-1, where=np.array([True, False]), initial=-1.0)
    return np.sum(a) * b + np.sum(c ** 2)
""")
    check_every_mode(f, X, V)


def test_generated_code_names_the_scatter():
    f = _f("""
def f(x, v):
    y = x * 2.0
    np.add.at(y, np.array([0, 0]), v)
    return np.sum(y ** 2)
""")
    source = tangentlike.grad(f, wrt=(0, 1)).source
    assert "# Grad of: np.add.at(y, np.array([0, 0]), v)" in source
    assert "add_at(" in source


@pytest.mark.parametrize("body, words", [
    ("    y = x * 2.0\n    np.exp.at(y, np.array([0, 1]))\n    return np.sum(y)\n",
     "np.exp.at"),
    ("    y = x * 2.0\n    np.logaddexp.at(y, np.array([0, 1]), x[:2])\n    return np.sum(y)\n",
     "np.logaddexp.at"),
    ("    y = x * 2.0\n    np.add.at(y[1:], np.array([0, 0]), x[0])\n    return np.sum(y)\n",
     "np.add.at"),
    ("    y = x * 2.0\n    t = y[:2]\n    np.add.at(y, np.array([0, 0]), x[0])\n"
     "    return np.sum(t)\n", "changes 'y' in place"),
    ("    o = np.zeros(())\n    np.add.reduce(x, out=o)\n    return o * 2.0\n", "reduce"),
    ("    return np.sum(np.add.outer(x, x, where=x > 0.0))\n", "outer"),
])
def test_refused_by_name(body, words):
    f = _f("def f(x):\n" + body)
    for call in (lambda: tangentlike.grad(f)(X.copy()),
                 lambda: tangentlike.autodiff(f, mode="forward")(X.copy(), V)):
        with pytest.raises(TangentlikeError) as caught:
            call()
        assert words in str(caught.value)
        assert caught.value.hint


def test_outer_with_dtype():
    f = _f("""
def f(x):
    return np.sum(np.sin(np.multiply.outer(x, x[:2], dtype=np.float64)))
""")
    check_every_mode(f, X, V)


def test_ties_share_the_derivative_as_np_max_does():
    """At a tie, maximum.reduce, maximum.accumulate and maximum.at share the derivative
    equally among the elements holding the extremum (and initial), as np.max's rule."""
    x = np.array([1.0, 3.0, 3.0, 2.0])
    reduce = _f("def f(x):\n    return np.maximum.reduce(x)\n")
    np.testing.assert_array_equal(tangentlike.grad(reduce)(x), [0.0, 0.5, 0.5, 0.0])
    same = _f("def f(x):\n    return np.max(x)\n")
    np.testing.assert_array_equal(tangentlike.grad(same)(x), tangentlike.grad(reduce)(x))
    initial = _f("def f(x):\n    return np.maximum.reduce(x, initial=3.0)\n")
    np.testing.assert_allclose(tangentlike.grad(initial)(x), [0.0, 1 / 3, 1 / 3, 0.0])
    running = _f("def f(x):\n    return np.sum(np.maximum.accumulate(x) * np.arange(1.0, 5.0))\n")
    # results 1..3 hold 3.0: result 1 is x[1]'s alone; results 2 and 3 share it with x[2]
    np.testing.assert_allclose(tangentlike.grad(running)(x), [1.0, 2 + 1.5 + 2.0, 1.5 + 2.0, 0])
    np.testing.assert_allclose(tangentlike.autodiff(running, mode="forward")(x, np.eye(4)[2]),
                               1.5 + 2.0)
    scatter = _f("""
def f(x):
    y = np.array([3.0, 0.0])
    np.maximum.at(y, np.array([0, 0, 1]), x[1:])
    return np.sum(y * np.array([1.0, 10.0]))
""")
    # y[0] ends 3.0, held by y[0] itself, x[1] and x[2]: each a third; y[1] is x[3]
    np.testing.assert_allclose(tangentlike.grad(scatter)(x), [0.0, 1 / 3, 1 / 3, 10.0])
