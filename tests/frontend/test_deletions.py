"""``del name`` in a differentiated function (frontend/deletions.py): left out where the
name is bound before it and nothing that can run after it reads the name, refused elsewhere
(never a derivative of a program that would have raised)."""
from __future__ import annotations

import numpy as np
import pytest
from support import check_every_mode, make_function

import tangentlike
from tangentlike.errors import UnsupportedSyntaxError

X = np.array([0.3, -0.7, 1.1])
V = np.array([0.5, 1.0, -2.0])

SUPPORTED = {
    "after-last-use": """
        def f(x):
            y = np.sin(x) * x
            z = np.sum(y ** 2)
            del y
            return z * 3.0
    """,
    "a-parameter-copied-first": """
        def f(x):
            xs = [x, x * 2.0]
            del x
            return np.sum(xs[0] * xs[1] ** 2)
    """,
    "several-names": """
        def f(x):
            a = x * x
            b = np.exp(x)
            c = np.sum(a * b)
            del a, b
            return c
    """,
    "in-a-loop-bound-again-each-trip": """
        def f(x):
            s = 0.0
            for i in range(3):
                t = x[i] * np.cos(x[i])
                s = s + t * t
                del t
            return s
    """,
    "in-a-branch": """
        def f(x):
            y = x ** 3
            z = np.sum(y)
            if z > 0.0:
                del y
                z = z * 2.0
            return z
    """,
    "bound-again-then-read": """
        def f(x):
            y = x * 2.0
            z = np.sum(y * x)
            del y
            y = np.tanh(x)
            return z + np.sum(y)
    """,
}


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("case", sorted(SUPPORTED))
def test_a_del_left_out(case, optimized):
    f = make_function(SUPPORTED[case])
    check_every_mode(f, X, V, hvp=optimized, optimized=optimized)


def test_the_generated_code_has_no_del():
    f = make_function(SUPPORTED["after-last-use"])
    df = tangentlike.grad(f)
    assert "del " not in df.source
    value, _ = tangentlike.value_and_grad(f)(X)
    assert value == f(X)


REFUSED = {
    "read-after": ("""
        def f(x):
            y = x * 2.0
            del y
            return np.sum(y)
    """, "reads 'y'"),
    "read-on-the-next-trip": ("""
        def f(x):
            y = x * 2.0
            s = 0.0
            for i in range(2):
                s = s + np.sum(y)
                del y
            return s
    """, "reads 'y'"),
    "deleted-twice": ("""
        def f(x):
            y = x * 2.0
            z = np.sum(y)
            del y
            del y
            return z
    """, "reads 'y'"),
    "in-a-while-test": ("""
        def f(x):
            y = np.sum(x)
            s = 0.0
            while y > 0.0:
                s = s + y
                del y
            return s
    """, "reads 'y'"),
    "read-by-a-handler": ("""
        def f(x):
            y = x * 2.0
            z = np.sum(y)
            try:
                del y
                z = z / 1.0
            except ZeroDivisionError:
                z = np.sum(y)
            return z
    """, "reads 'y'"),
    "maybe-unbound": ("""
        def f(x):
            if x[0] > 0.0:
                y = x * 2.0
            del y
            return np.sum(x)
    """, "may not be bound"),
    "a-closure-reads-it": ("""
        def f(x):
            y = x * 2.0
            g = lambda: y
            del y
            return np.sum(g())
    """, "lambda"),
    "a-subscript": ("""
        def f(x):
            ys = [x, x * 2.0]
            del ys[0]
            return np.sum(ys[0])
    """, "subscript"),
}


@pytest.mark.parametrize("mode", ["reverse", "forward"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_del_that_shows_is_refused(case, mode):
    source, words = REFUSED[case]
    f = make_function(source)
    with pytest.raises(UnsupportedSyntaxError) as info:
        if mode == "reverse":
            tangentlike.grad(f)(X)
        else:
            tangentlike.autodiff(f, mode="forward")(X, V)
    assert words in info.value.message
    assert "del" in info.value.message
    assert info.value.location.line.strip().startswith("del ")
    assert info.value.hint
