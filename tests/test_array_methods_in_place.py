"""The array methods that write in place (issue 17): ``y.sort()``, ``y.partition(k)``,
``y.fill(v)`` and ``y.put(i, v)``, as statements on a local name or a parameter, are lowered
to index assignments (frontend/in_place.py) and differentiated as those, in reverse mode,
forward mode and as a Hessian-vector product, against central finite differences; a parameter
changed so is changed for the caller as ``f`` changes it.  ``y.resize`` stays refused."""
from __future__ import annotations

import numpy as np
import pytest
from support import check_every_mode

import tangentlike
from tangentlike.errors import UnsupportedSyntaxError

X = np.array([0.3, -1.2, 0.7, 2.1])
V = np.array([0.5, 1.0, -2.0, 0.25])
W = np.arange(1.0, 5.0)


def sorts_local(x):
    y = x * x + x
    y.sort()
    return np.sum(y * W)


def sorts_parameter(x):
    x.sort()
    return np.sum(x * W)


def sorts_rows(x):
    z = np.outer(x, np.sin(x))
    z.sort(axis=0, kind="stable")
    return np.sum(z * np.arange(16.0).reshape(4, 4))


def partitions(x):
    y = x * 1.5
    y.partition(2)
    return y[2] * x[0] + np.sum(y[:2] ** 2)


def fills(x):
    y = x * 1.0
    y.fill(x[0] * x[1])
    return np.sum(y * x)


def puts(x):
    y = x ** 2
    y.put([0, 2], np.sin(x[:2]))
    return np.sum(y * x)


def puts_wrapping(x):
    y = x * 2.0
    y.put(np.array([5, -1]), x[1:3] ** 2, mode="wrap")
    return np.sum(y * y)


def sorts_a_list_of_constants(x):
    ks = [3, 1, 2]
    ks.sort()
    ks.sort(reverse=True)
    return x[ks[0]] * x[ks[2]]


@pytest.mark.parametrize("f", [sorts_local, sorts_rows, partitions, fills, puts,
                               puts_wrapping, sorts_a_list_of_constants],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("optimized", [True, False])
def test_method_written_in_place(f, optimized):
    check_every_mode(f, X, V, optimized=optimized)


@pytest.mark.parametrize("optimized", [True, False])
def test_sort_of_a_parameter_is_written_back(optimized):
    check_every_mode(sorts_parameter, X, V, optimized=optimized)
    x = X.copy()
    tangentlike.grad(sorts_parameter, optimized=optimized)(x)
    np.testing.assert_array_equal(x, np.sort(X))  # changed for the caller, as f changes it


def resizes(x):
    y = x * 2.0
    y.resize((2, 2))
    return np.sum(y)


def test_resize_is_refused():
    with pytest.raises(UnsupportedSyntaxError, match=r"\.resize\(\)") as info:
        tangentlike.grad(resizes)(X)
    assert "np.resize" in str(info.value)


def sorts_a_list_of_differentiated_values(x):
    xs = [x[0] * 2.0, x[1], x[2] ** 2]
    xs.sort()  # a list's sort: not lowered, refused as before
    return xs[0] * 3.0 + xs[2]


def test_sort_of_a_list_the_function_builds_stays_refused():
    with pytest.raises(UnsupportedSyntaxError, match=r"\.sort\(\)") as info:
        tangentlike.grad(sorts_a_list_of_differentiated_values)(X)
    assert "xs = sorted(xs)" in info.value.hint


def sorts_given_indices(x, ks):
    ks.sort()
    return x[ks[0]] * 2.0 + x[ks[2]]


def test_sort_of_a_list_parameter_sorts_it():
    ks = [2, 0, 3]
    g = tangentlike.grad(sorts_given_indices)(X, ks)
    np.testing.assert_array_equal(g, [2.0, 0.0, 0.0, 1.0])
    assert ks == [0, 2, 3]
