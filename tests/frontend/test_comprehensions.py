"""List comprehensions and generator expressions (tangentlike/frontend/normalize.py: a list built by
a loop).  Reverse mode is checked in tests/ad/test_containers.py (four modes, finite differences,
autograd); here forward mode against reverse mode (``jvp(v) == grad . v`` to 1e-10), the
Hessian-vector product against central differences of the gradient (float64, step 1e-6, relative
1e-5), the scoping of the comprehension's variables, dict comprehensions (a dict a loop sets
keys in, checked everywhere by ``oracle.check_everywhere``), set comprehensions of values
that carry no derivative (``set(...)`` of the list a loop builds), and the errors left: a
set of differentiated values is refused.
"""
from __future__ import annotations

import containers_functions as C
import numpy as np
import pytest
from oracle import check_everywhere
from support import make_function

import tangentlike
from tangentlike.errors import UnsupportedSyntaxError

R = np.random.default_rng(7)
X, Y = R.normal(size=3), R.normal(size=3)
FUNCTIONS = [C.comprehension_of_arrays, C.comprehension_over_zip,
             C.comprehension_names_stay_inside]
ARGS = {C.comprehension_of_arrays: (R.normal(size=(3, 3)), Y)}


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("wrt", [0, 1])
def test_forward_mode_matches_reverse_mode(fn, wrt: int) -> None:
    args = ARGS.get(fn, (X, Y))
    v = R.normal(size=np.shape(args[wrt]))
    gradient = tangentlike.grad(fn, wrt=wrt)(*args)
    tangent = tangentlike.autodiff(fn, wrt=wrt, mode="forward")(*args, v)
    np.testing.assert_allclose(tangent, np.sum(gradient * v), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
def test_hessian_vector_product(fn) -> None:
    args = ARGS.get(fn, (X, Y))
    v = R.normal(size=np.shape(args[0]))
    gradient = tangentlike.grad(fn, wrt=0)
    h = 1e-6
    expected = (gradient(args[0] + h * v, *args[1:])
                - gradient(args[0] - h * v, *args[1:])) / (2 * h)
    got = tangentlike.hvp(fn, wrt=0)(*args, v)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_generator_in_a_list_argument() -> None:
    xs, w = [R.normal(size=3), R.normal(size=3)], R.normal(size=3)
    df = tangentlike.grad(C.generator_with_condition, wrt=1)
    v = R.normal(size=3)
    tangent = tangentlike.autodiff(C.generator_with_condition, wrt=1, mode="forward")(xs, w, v)
    np.testing.assert_allclose(tangent, df(xs, w) @ v, rtol=1e-10)


def test_the_comprehension_variable_does_not_touch_the_function_variable() -> None:
    # a = x * 2.0 before, [a * a for a in y] inside: the gradient wrt x is 2 * sum(y * y)
    df = tangentlike.grad(C.comprehension_names_stay_inside, wrt=0)
    np.testing.assert_allclose(df(X, Y), np.full(3, 2.0 * np.sum(Y * Y)), rtol=1e-12)


def test_generated_code_says_which_line() -> None:
    source = tangentlike.grad(C.comprehension_of_arrays, wrt=1).source
    assert "# Grad of: return np.sum([np.sin(t) * y for t in x])" in source, source
    assert ".append(" in source, source


def dict_of_powers(x):
    parts = {k: np.sin(x) * k for k in range(1, 4) if k != 2}
    return np.sum(parts[1] * parts[3])


def dict_over_zip(x):
    names = ("a", "b")
    d = {name: v * v for name, v in zip(names, [x, np.cos(x)])}
    return np.sum(d["a"] + d["b"] * x)


def dict_key_set_twice(x):
    d = {k % 2: x * (k + 1.0) for k in range(3)}  # key 0 is set, then set again
    return np.sum(d[0] * d[1])


@pytest.mark.parametrize("f", [dict_of_powers, dict_over_zip, dict_key_set_twice],
                         ids=lambda f: f.__name__)
def test_dict_comprehension(f) -> None:
    check_everywhere(f, [X.copy()])


def dict_updated_in_a_loop(x):
    d = {"a": x, "b": 2.0}
    for i in range(3):
        d["a"] = np.sin(d["a"]) * 1.5
    return np.sum(d["a"] * d["b"])


def test_a_dict_updated_at_its_own_keys_keeps_every_mode() -> None:
    # its keys are all in its display: no key can be new, the save stays d["a"] = stack.pop()
    check_everywhere(dict_updated_in_a_loop, [X.copy()])
    assert "old_item" not in tangentlike.grad(dict_updated_in_a_loop, optimized=False).source


def dict_read_in_a_loop_after(x):
    d = {k: x[k] * x[(k + 1) % 3] for k in range(3) if k != 1}
    total = 0.0
    for k in d:  # the keys: the loop binds no differentiated value
        total = total + np.sin(d[k]) * d[k] * (k + 1.0)
    return total


def test_hvp_through_a_dict_comprehension_follows_the_restored_items() -> None:
    """The reverse sweep puts each old item back (``restore_item``): forward mode over it,
    and the aliasing check, follow it like ``d[k] = v``.  A loop over the dict binds its keys,
    with no derivative (``unelement``, ``element_tangent``): they are used as numbers here,
    which gave wrong derivatives when keys 0, 1, 2 were taken for positions."""
    check_everywhere(dict_read_in_a_loop_after, [X.copy()])
    assert "restore_item" in tangentlike.grad(dict_read_in_a_loop_after).source


def set_of_indices(x):
    s = {int(i) % 3 for i in range(5)}  # {0, 1, 2}
    y = x * len(s)
    for k in sorted(s):
        y = y + np.sin(x[k]) * k
    return np.sum(y * x)


def set_of_keys_with_condition(x):
    names = ["a", "b", "a", "c"]
    keys = {n for n in names if n != "c"}
    d = {"a": x * 2.0, "b": np.cos(x), "c": x}
    total = 0.0
    for k in sorted(keys):
        total = total + np.sum(d[k] * x)
    return total + len(keys) * np.sum(x)


@pytest.mark.parametrize("f", [set_of_indices, set_of_keys_with_condition],
                         ids=lambda f: f.__name__)
def test_set_comprehension_of_values_with_no_derivative(f) -> None:
    check_everywhere(f, [X.copy()])


def test_set_comprehension_variables_stay_inside() -> None:
    f = make_function("def f(x):\n    i = 2.0\n    s = {i % 2 for i in range(4)}\n"
                      "    return x * i * len(s)\n")
    assert tangentlike.grad(f)(1.5) == 4.0
    assert tangentlike.autodiff(f, mode="forward")(1.5, 1.0) == 4.0


@pytest.mark.parametrize("source", [
    "def f(x):\n    return sum({x * k for k in range(3)})\n",
    "def f(x):\n    s = {v for v in [x, 2.0 * x]}\n    return len(s) * x\n",
    "def f(x):\n    return sum(set([x, 2.0 * x]))\n",
])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_set_of_differentiated_values_is_refused(source: str, mode: str) -> None:
    # A set is unordered: no gradient can follow its elements (never a silent zero).
    f = make_function(source)
    with pytest.raises(UnsupportedSyntaxError, match="set of differentiated values") as info:
        tangentlike.autodiff(f, mode=mode)(1.5, *([1.0] if mode == "forward" else []))
    assert info.value.location.line.strip() == source.splitlines()[1].strip(), info.value
