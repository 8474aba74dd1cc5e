"""Names, as the user's function sees them (issue 13, items 3 and 4): module globals are
read live (re-bound after ``grad(f)``, or first defined then), closure cells are read from the
cells (never a global of the same name), a monkeypatched helper is the one called, and a
decorator is differentiated through or refused, never skipped.  Every derivative is checked
against central finite differences computed with the live values, in reverse mode, forward
mode and as a Hessian-vector product, at its first, second and third calls (the third runs
the version written for the argument shapes)."""
from __future__ import annotations

import functools
import sys
import types

import numpy as np
import pytest

import tangentlike

ME = sys.modules[__name__]
X = np.array([0.3, -0.7, 1.1])
V = np.array([0.5, 1.0, -2.0])


def _fd_grad(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def check(f, derivatives=None, x=X, v=V):
    """Reverse, forward and HVP of ``f`` at ``x`` (three calls each) against finite
    differences of ``f`` as it computes now; ``derivatives``: ones made earlier."""
    df, jf, hf = derivatives or make(f)
    expected = _fd_grad(f, x)
    expected_hvp = (_fd_grad(f, x + 1e-4 * v, 1e-5) - _fd_grad(f, x - 1e-4 * v, 1e-5)) / 2e-4
    for _ in range(3):
        np.testing.assert_allclose(df(x), expected, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(jf(x, v), expected @ v, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(hf(x, v), expected_hvp, rtol=1e-4, atol=1e-5)


def make(f):
    return (tangentlike.grad(f), tangentlike.autodiff(f, mode="forward"), tangentlike.hvp(f))


# -- globals re-bound after grad(f) -------------------------------------------------------

HYPER = 2.0
DATA = np.eye(3)
RS = np.random.RandomState(0)
RNG = np.random.default_rng(0)


def uses_hyperparameter(x):
    return np.sum(np.sin(x) ** 2) * HYPER


def uses_data(w):
    return np.sum((DATA @ w - 1.0) ** 2 * np.cos(w))


def uses_data_methods(w):
    return np.sum(np.tanh(DATA.dot(w)) * DATA.sum(axis=1)) + DATA.mean() * np.sum(w)


def test_a_method_of_a_global_array(monkeypatch):
    """``X.dot(w)`` of a module-global array is ``np.ndarray.dot``, as for a local array (it
    was refused: no rule for the bound method), and reads the array live."""
    made = make(uses_data_methods)
    check(uses_data_methods, made)
    monkeypatch.setattr(ME, "DATA", np.arange(9.0).reshape(3, 3) / 7.0)
    check(uses_data_methods, made)


def test_float_hyperparameter_rebound_after_grad(monkeypatch):
    made = make(uses_hyperparameter)
    check(uses_hyperparameter, made)
    monkeypatch.setattr(ME, "HYPER", -3.5)
    check(uses_hyperparameter, made)  # the derivatives made before see the new value
    check(uses_hyperparameter)  # and so does a new grad(f)


def test_array_data_rebound_after_grad(monkeypatch):
    made = make(uses_data)
    check(uses_data, made)
    monkeypatch.setattr(ME, "DATA", np.arange(9.0).reshape(3, 3) / 7.0)
    check(uses_data, made)
    check(uses_data)


def draws_from_random_state(x):
    noise = RS.uniform(size=3)
    return np.sum(np.sin(x) * noise)


def draws_from_generator(x):
    noise = RNG.normal(size=3)
    return np.sum(np.sin(x) * noise)


@pytest.mark.parametrize("fn, name, make_state, draw", [
    (draws_from_random_state, "RS", lambda: np.random.RandomState(7),
     lambda s: s.uniform(size=3)),
    (draws_from_generator, "RNG", lambda: np.random.default_rng(7),
     lambda s: s.normal(size=3)),
], ids=["RandomState", "Generator"])
def test_new_random_state_is_the_one_drawn_from(monkeypatch, fn, name, make_state, draw):
    df = tangentlike.grad(fn)
    jf = tangentlike.autodiff(fn, mode="forward")
    df(X)
    for _ in range(3):
        monkeypatch.setattr(ME, name, make_state())
        noise = draw(make_state())  # what the new state draws first
        np.testing.assert_allclose(df(X), np.cos(X) * noise, rtol=1e-12)
        monkeypatch.setattr(ME, name, make_state())
        np.testing.assert_allclose(jf(X, V), np.sum(np.cos(X) * noise * V), rtol=1e-12)


def uses_late_global(x):
    return np.sum(np.tanh(x) * LATE)  # noqa: F821  (defined by the test, after grad)


def test_global_defined_after_grad_before_the_call(monkeypatch):
    monkeypatch.delattr(ME, "LATE", raising=False)
    made = make(uses_late_global)
    monkeypatch.setattr(ME, "LATE", np.array([1.0, -2.0, 0.5]), raising=False)
    check(uses_late_global, made)


# -- monkeypatched helpers ------------------------------------------------------------------


def helper_square(x):
    return x * x


def helper_sin(x):
    return np.sin(x) * 3.0


def calls_helper(x):
    return np.sum(helper_square(x) * np.cos(x))


HELPERS = types.ModuleType("gc_helpers")  # a user's module of helpers
HELPERS.scale = helper_square


def calls_module_helper(x):
    return np.sum(HELPERS.scale(x) + x)


def test_monkeypatched_global_helper_is_the_one_called(monkeypatch):
    made = make(calls_helper)
    check(calls_helper, made)
    monkeypatch.setattr(ME, "helper_square", helper_sin)
    check(calls_helper, made)  # generated again, from the new helper
    check(calls_helper)


def test_monkeypatched_module_attribute_is_the_one_called(monkeypatch):
    made = make(calls_module_helper)
    check(calls_module_helper, made)
    monkeypatch.setattr(HELPERS, "scale", helper_sin)
    check(calls_module_helper, made)
    check(calls_module_helper)


# -- decorators ----------------------------------------------------------------------------


def doubled(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return 2.0 * fn(*args, **kwargs)
    return wrapper


def clipped(fn):
    @functools.wraps(fn)
    def wrapper(x):
        return np.minimum(fn(x), 0.5)
    return wrapper


@doubled
def decorated_by_scaling(x):
    return np.sum(np.sin(x) ** 2)


@clipped
def decorated_by_clipping(x):
    return np.sum(np.sin(x) ** 2)


@functools.cache
def cached_helper(n):
    return float(n) + 0.5


@functools.lru_cache(maxsize=16)
def cached_function(x):
    return x * x


def calls_cached(x):
    return np.sum(np.sin(x) * cached_helper(2)) + cached_function(x[0]) * x[1]


def test_scaling_decorator_is_differentiated_through_not_skipped():
    # wrapper(*args, **kwargs) of a function with positional parameters only: differentiated
    # as wrapper(x) (tests/test_varargs.py has more)
    check(decorated_by_scaling)
    np.testing.assert_allclose(tangentlike.grad(decorated_by_scaling)(X),
                               2.0 * tangentlike.grad(decorated_by_scaling.__wrapped__)(X),
                               rtol=1e-12)


def test_decorator_with_named_parameters_is_differentiated_through():
    check(decorated_by_clipping)  # clipped at X: a zero gradient
    check(decorated_by_clipping, x=0.2 * X)  # not clipped


def test_lru_cache_is_transparent():
    check(calls_cached)
    with pytest.raises(TypeError):  # arrays are not hashable: lru_cache itself refuses
        cached_function(X)


# -- closures ------------------------------------------------------------------------------

K = 100.0  # a global with the name of a closure variable: never substituted for the cell


def make_scaled(k):
    def scaled(x):
        return np.sum(np.sin(x) ** 2) * k
    return scaled


def make_shadowing():
    K = 0.25  # noqa: N806

    def shadowing(x):
        return np.sum(np.cos(x) * x) * K
    return shadowing


def make_adjustable():
    gain = 1.5

    def adjustable(x):
        return np.sum(np.tanh(x) * x) * gain

    def set_gain(value):
        nonlocal gain
        gain = value
    return adjustable, set_gain


def make_with_nested_callee(c):
    def inner(y):
        return np.sin(y) * c

    def outer(x):
        return np.sum(inner(x) * x)
    return outer


def test_closure_cell_without_a_global_of_that_name():
    check(make_scaled(3.0))


def test_closure_cell_beats_a_global_of_the_same_name():
    f = make_shadowing()
    check(f)
    np.testing.assert_allclose(tangentlike.grad(f)(X), 0.25 * (np.cos(X) - X * np.sin(X)))


def test_closure_cell_changed_by_nonlocal_later():
    f, set_gain = make_adjustable()
    made = make(f)
    check(f, made)
    set_gain(-4.0)
    check(f, made)
    check(f)


def test_nested_function_called_from_f():
    check(make_with_nested_callee(2.5))


def test_two_closures_of_one_function_keep_their_own_cells():
    f, g = make_scaled(2.0), make_scaled(-5.0)
    check(f)
    check(g)


# -- a closure differentiated with respect to what it captured (issue 16, item 1) ----------

def make_regression(data, scale):
    def loss(w):
        return np.sum((data @ w - 1.0) ** 2) * scale + np.sum(np.sin(data))
    return loss


def _fd(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def test_closure_gradient_with_respect_to_a_captured_array_and_float():
    data = np.array([[1.0, 2.0, 0.5], [0.5, -1.0, 2.0]])
    loss = make_regression(data, 0.5)
    w = np.array([0.3, -0.2, 0.7])
    gw, gdata, gscale = tangentlike.grad(loss, wrt=(0, "data", "scale"))(w)
    np.testing.assert_allclose(gw, _fd(loss, w), rtol=1e-6)
    np.testing.assert_allclose(gdata, _fd(lambda d: make_regression(d, 0.5)(w), data),
                               rtol=1e-6)
    np.testing.assert_allclose(gscale, _fd(lambda s: make_regression(data, s)(w), 0.5),
                               rtol=1e-6)
    value, gdata = tangentlike.value_and_grad(loss, wrt="data")(w)
    assert value == loss(w)
    tangent = tangentlike.autodiff(loss, wrt="scale", mode="forward")(w, 1.0)
    np.testing.assert_allclose(tangent, gscale, rtol=1e-9)


def test_closure_gradient_reads_the_cells_at_each_call():
    scale = 2.0

    def loss(w):
        return np.sum(w ** 2) * scale
    dscale = tangentlike.grad(loss, wrt="scale")
    w = np.array([1.0, 2.0])
    assert dscale(w) == 5.0
    scale = 3.0  # noqa: F841  (the closure's cell: the derivative reads the new value)
    assert tangentlike.grad(loss)(w).tolist() == [6.0, 12.0]
    assert dscale(w) == 5.0  # d/dscale does not depend on scale
    assert "scale" in repr(dscale) and "loss" in dscale.source
