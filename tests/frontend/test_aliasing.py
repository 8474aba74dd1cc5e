"""In-place changes and names that share memory (tangentlike/frontend/aliasing.py).

NumPy changes an array in place for ``x += v``, ``x[i] = v``, ``out=``, and in helpers that
write into their arguments; every other name bound to that array, or to a view of it, sees the
change.  The derivative must compute what the function computes: each case here is either
differentiated right in every mode (tests/oracle.py: the same value as ``f``, derivatives equal
to finite differences, at three calls) or refused with an error naming the user's line.
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest
from oracle import check_everywhere
from support import numerical_grad

import tangentlike
from tangentlike.errors import TangentlikeError

X = np.array([0.3, 0.7, 1.1])


# -- differentiated right ------------------------------------------------------------------------
def float_alias(x):
    y = x
    y += 1.0  # floats are immutable: only y changes
    return y * x


def new_array_updated(x):
    z = x * 2.0
    z += x
    z *= z
    return np.sum(z)


def element_read_then_written(x):
    y = np.sin(x) * 2.0
    b0 = y[1]  # a number: a copy
    y[1] = x[0] ** 2
    return b0 * np.sum(y)


def element_updates_with_constants(x):
    z = x * 1.0
    z[0] += 0.5
    z[1] *= 2.0
    z[1:3] += 0.25
    z[2] -= 1.5
    return np.sum(z * z)


def copy_then_update(x):
    a = x * 1.0
    b = a.copy()
    a *= a
    return np.sum(a + b)


def argument_updated(x):
    x += 1.0  # the caller's array changes in f, and in the derivative
    return np.sum(x * x)


def helper_copies(y):
    y = y.copy()
    y[0] = 1.0
    return y


def calls_helper_that_copies(x):
    z = x * 2.0
    w = helper_copies(z)
    return np.sum(w * z)


def helper_pure(y, s=2.0):
    return y * s


def calls_pure_helper(x):
    z = x * 2.0
    w = helper_pure(z, s=3.0)
    z += w
    return np.sum(z)


def list_of_fresh_values(x):
    xs = [x * 1.0, x * 2.0]
    xs.append(np.sin(x))
    total = 0.0
    for v in xs:
        total = total + np.sum(v * v)
    return total


def rebinds_in_branch(x):
    y = x * 2.0
    if np.sum(x) > 0.0:
        y = y + 1.0
    else:
        y = x
    y += x
    return np.sum(y)


def reads_last_then_appends(x):
    xs = [x * 2.0, np.tanh(np.cos(x))]
    for _ in range(2):
        if np.sum(x) > -10.0:
            xs.append(np.exp(np.sin(xs[-1])))  # xs[-1] before the list grows
    return np.sum(sum(xs)) + np.sum(xs[-2])


def rebinds_loop_variable(x):
    v = x[:1] * 1.0
    for _ in range(2):
        for r in x:
            r = v  # the loop variable re-bound to a value of another shape
            v = 0.6 * r + np.cos(np.tanh(r))
    return np.sum(x) + np.sum(np.sin(v))


SUPPORTED = [rebinds_loop_variable, reads_last_then_appends, float_alias, new_array_updated,
             element_read_then_written, element_updates_with_constants, copy_then_update,
             calls_helper_that_copies,
             calls_pure_helper, list_of_fresh_values, rebinds_in_branch]


@pytest.mark.parametrize("f", SUPPORTED, ids=[f.__name__ for f in SUPPORTED])
def test_differentiated_right(f):
    check_everywhere(f, [1.5 if f is float_alias else X.copy()])


def test_updated_argument_changes_callers_array_as_f_does():
    """``x += 1.0`` on a parameter: the derivative is with respect to the value given, and the
    caller's array ends as ``f`` leaves it (``write_back``), in every mode."""
    for derivative in (tangentlike.grad(argument_updated),
                       tangentlike.grad(argument_updated, motion="split"),
                       tangentlike.grad(argument_updated, optimized=False)):
        x = X.copy()
        np.testing.assert_allclose(derivative(x), 2 * (X + 1.0))
        np.testing.assert_array_equal(x, X + 1.0)
    x = X.copy()
    tangent = tangentlike.autodiff(argument_updated, mode="forward")(x, np.ones_like(X))
    np.testing.assert_allclose(tangent, np.sum(2 * (X + 1.0)))
    np.testing.assert_array_equal(x, X + 1.0)
    x = X.copy()
    np.testing.assert_allclose(tangentlike.hvp(argument_updated)(x, np.ones_like(X)),
                               2 * np.ones_like(X))
    np.testing.assert_array_equal(x, X + 1.0)


# -- refused, naming the line ----------------------------------------------------------------------
def alias_updated(x):
    a = x * 1.0
    b = a
    a *= a  # MARK
    return np.sum(b)


def slice_view_updated(x):
    z = x * 1.0
    v = z[0:2]
    v *= 3.0  # MARK
    return np.sum(z * z)


def reshape_view_written(x):
    z = x * 1.0
    v = z.reshape(3)
    v[0] = 10.0  # MARK
    return np.sum(z * x)


def view_read_before_write(x):
    y = np.sin(x)
    t = y[1:3]
    y[1] = 0.0  # MARK
    return np.sum(t) + np.sum(y)


def list_alias_appended(x):
    xs = [x]
    ys = xs
    xs.append(x * 2.0)  # MARK
    return np.sum(ys[-1])


def helper_scales(y):
    y *= 2.0


def helper_mutates(x):
    y = x * 1.0
    helper_scales(y)  # MARK
    return np.sum(y * x)


def helper_writes(buf, v):
    buf[0] = v


def helper_writes_argument(x):
    buf = np.zeros(2)
    helper_writes(buf, x[0])  # MARK
    return np.sum(buf * buf)


def helper_appends(lst, v):
    lst.append(v)


def helper_appends_to_list(x):
    lst = [x]
    helper_appends(lst, x * 2.0)  # MARK
    return np.sum(lst[0] * lst[-1])


def helper_through_helper(lst, v):
    helper_appends(lst, v)


def nested_helper_appends(x):
    lst = [x]
    helper_through_helper(lst, x * 2.0)  # MARK
    return np.sum(lst[0] * lst[-1])


def helper_updates_dict(d, v):
    d["w"] = v


def helper_updates_a_dict(x):
    d = {"w": x}
    helper_updates_dict(d, x * 3.0)  # MARK
    return np.sum(d["w"])


def copyto(x):
    buf = np.zeros(3)
    np.copyto(buf, x)
    return np.sum(buf * x)


def put_along_axis(x):
    buf = np.zeros(3)
    np.put_along_axis(buf, np.array([0]), x[:1], axis=0)
    return np.sum(buf * x)


def copyto_then_alias_read(x):
    buf = np.zeros(3)
    view = buf[1:]
    np.copyto(buf, x)  # MARK
    return np.sum(view * x[1:])


def ufunc_out(x):
    buf = np.zeros(3)
    np.multiply(x, 2.0, out=buf)  # MARK
    return np.sum(buf * x)


def sorts_in_place(x):
    y = x * 1.0
    view = y[1:]
    y.sort()  # MARK: y[:] = np.sort(y), read through the view
    return np.sum(view * x[1:])


class Dense:
    def __init__(self, W):
        self.W = W

    def __call__(self, v):
        return self.W * v

    def apply(self, v):
        return self.W * v


def object_made(W):
    layer = Dense(W)  # built attribute by attribute (test_plain_objects.py)
    return np.sum(layer(2.0) * W)  # a method of an object that carries a derivative


LAYER = Dense(np.ones(3))


def object_called(x):
    return np.sum(LAYER.apply(x))  # a global object's method: Dense.apply(LAYER, x)


def dict_with_name_key(x):
    k = "a"
    d = {k: x}  # MARK
    return np.sum(d[k] * 2.0)


REFUSED_NOW = [slice_view_updated, reshape_view_written, view_read_before_write,
               list_alias_appended, helper_mutates, helper_writes_argument,
               helper_appends_to_list, nested_helper_appends, helper_updates_a_dict,
               ufunc_out, sorts_in_place, dict_with_name_key, copyto_then_alias_read]


def _marked_line(f) -> int:
    lines, start = inspect.getsourcelines(f)
    return start + next(i for i, line in enumerate(lines) if "# MARK" in line)


MODES = {
    "reverse": lambda f: tangentlike.grad(f),
    "split": lambda f: tangentlike.grad(f, motion="split", optimized=False),
    "forward": lambda f: (lambda x: tangentlike.autodiff(f, mode="forward")(x, np.ones(3))),
    "hvp": lambda f: (lambda x: tangentlike.hvp(f)(x, np.ones(3))),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", REFUSED_NOW, ids=[f.__name__ for f in REFUSED_NOW])
def test_refused_naming_the_line(f, mode):
    with pytest.raises(tangentlike.TangentlikeError) as info:
        MODES[mode](f)(X.copy())
    error = info.value
    assert error.location is not None and error.location.lineno == _marked_line(f), error
    assert error.location.filename == __file__, error
    assert error.hint


@pytest.mark.parametrize("mode", MODES)
def test_shared_update_refused_when_it_runs(mode):
    """``a *= a`` with ``b = a`` read later: an array is shared (refused when the derivative
    runs, naming the line); the same code on floats is differentiated."""
    with pytest.raises(tangentlike.UnsupportedSyntaxError) as info:
        MODES[mode](alias_updated)(X.copy())
    assert f"line {_marked_line(alias_updated)}" in str(info.value)
    assert "'b'" in str(info.value) or " b " in str(info.value)


def test_zero_dimensional_array_alias_is_refused():
    """``y = x; y += 1.0`` shares memory when ``x`` is a 0-d array (NumPy changes x too)."""
    with pytest.raises(tangentlike.UnsupportedSyntaxError):
        tangentlike.grad(float_alias)(np.array(1.5))
    assert tangentlike.grad(float_alias)(1.5) == pytest.approx(2 * 1.5 + 1.0)


def aliased_in_branch(x, c):
    z = x * 1.0
    if c > 0.0:
        y = z
    else:
        y = z * 1.0
    y += 1.0
    return np.sum(z * y)


def test_alias_made_in_a_branch_is_checked_on_the_branch_taken():
    df = tangentlike.grad(aliased_in_branch)
    with pytest.raises(tangentlike.UnsupportedSyntaxError):
        df(X.copy(), 1.0)
    check_everywhere(aliased_in_branch, [X.copy(), -1.0])


def aliased_in_loop(x):
    z = x * 1.0
    w = z * 2.0
    for i in range(3):
        if i == 1:
            w = z
        w += 1.0
    return np.sum(z * w)


def test_alias_made_in_a_loop_is_refused():
    with pytest.raises(tangentlike.UnsupportedSyntaxError):
        tangentlike.grad(aliased_in_loop)(X.copy())


def test_harmless_self_assignment_is_fine():
    def self_assign(x):
        x = x
        x += 2.0
        return np.sum(x * x)

    np.testing.assert_allclose(tangentlike.grad(self_assign)(X.copy()), 2 * (X + 2.0))


def scale_in_place(y, c):
    y *= c  # in place for an array, a new value for a float
    return y * 2.0


def helper_scales_a_float(x):
    s = np.sum(x)
    t = scale_in_place(s, 1.5)
    return t * s


def helper_scales_an_array(x):
    z = x * 1.0
    t = scale_in_place(z, 1.5)  # MARK
    return np.sum(t * z)


def test_helper_updating_its_parameter_is_checked_when_called():
    """``y *= c`` in a helper changes an array argument, not a float one: a float passes."""
    check_everywhere(helper_scales_a_float, [X.copy()])
    for mode in MODES.values():
        with pytest.raises(tangentlike.UnsupportedSyntaxError) as info:
            mode(helper_scales_an_array)(X.copy())
        assert info.value.location.lineno == _marked_line(helper_scales_an_array)


def test_method_of_a_global_object_is_differentiated():
    """Once refused as an object: a global object's method is the class's function with the
    object first (issue 16), which only reads the object."""
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(tangentlike.grad(object_called)(x), LAYER.W)


def writes_into_its_argument(x, y):
    x[0] = x[1] * y
    x[1:] += np.sin(x[:-1])
    return np.sum(x * x) + y


def test_writing_into_an_argument_is_differentiated_on_a_copy_written_back():
    """``x[i] = v`` on a parameter (issue 16): the derivative works on ``copy_of(x)``, with
    respect to the value the function was given, and at the return the caller's array gets
    the value the function leaves in it (``write_back``), in every mode."""
    given = np.array([0.3, -0.7, 1.1])
    after = given.copy()
    value = writes_into_its_argument(after, 2.0)
    expected = numerical_grad(lambda a: writes_into_its_argument(a.copy(), 2.0), [given])[0]
    v = np.array([1.0, 0.5, -2.0])
    derivatives = [lambda x: tangentlike.grad(writes_into_its_argument)(x, 2.0),
                   lambda x: tangentlike.grad(writes_into_its_argument, motion="split",
                                              optimized=False)(x, 2.0),
                   lambda x: tangentlike.value_and_grad(writes_into_its_argument)(x, 2.0)[1]]
    for derivative in derivatives:
        x = given.copy()
        np.testing.assert_allclose(derivative(x), expected, rtol=1e-6)
        np.testing.assert_array_equal(x, after)
    x = given.copy()
    assert tangentlike.value_and_grad(writes_into_its_argument)(x, 2.0)[0] == value
    x = given.copy()
    tangent = tangentlike.autodiff(writes_into_its_argument, mode="forward")(x, 2.0, v)
    np.testing.assert_allclose(tangent, expected @ v, rtol=1e-6)
    np.testing.assert_array_equal(x, after)
    source = tangentlike.grad(writes_into_its_argument).source
    assert "copy_of(x)" in source and "write_back(x, x_1)" in source


def writes_into_then_rebinds(x):
    x[0] = 7.0
    x = x * 2.0
    return np.sum(x * x)


def extends_its_list(xs, v):
    xs += [v * v]
    return xs[0] * xs[-1]


def test_a_written_argument_bound_again_is_left_as_it_was():
    """Once the name is bound again, which array the writes reach is not followed: the
    derivative leaves the caller's array as it was (documented), and is right."""
    x = np.array([0.5, 1.5])
    np.testing.assert_allclose(tangentlike.grad(writes_into_then_rebinds)(x), [0.0, 12.0])
    np.testing.assert_array_equal(x, [0.5, 1.5])


def test_a_list_argument_extended_in_place_is_extended_for_the_caller():
    xs = [1.5, 2.0]
    gradient = tangentlike.grad(extends_its_list, wrt=(0, 1))(xs, 3.0)
    assert xs == [1.5, 2.0, 9.0]
    np.testing.assert_allclose(gradient[0], [9.0, 0.0])
    np.testing.assert_allclose(gradient[1], 2 * 3.0 * 1.5)


def test_writing_into_an_argument_another_one_shares_is_refused_when_it_runs():
    x = np.array([0.3, -0.7, 1.1])
    with pytest.raises(TangentlikeError, match="'y' shares its memory"):
        tangentlike.grad(writes_into_twice)(x, x)


def writes_into_twice(x, y):
    x[0] = 5.0
    return np.sum(x * y)


def halves_in_place(v):
    v[0] = v[0] * 0.5
    return np.sum(v)


def reads_after_a_helper_changed_it(x):
    x = x * 2.0  # x is a second version of the name in the normalized code
    y = halves_in_place(x)
    return y + np.sum(x)


def test_refusal_names_the_users_names_not_the_versions():
    """The message and the hint say ``x``, the user's name, not ``x_1`` (the normalized
    code's second version of it), and name no temporaries."""
    with pytest.raises(TangentlikeError) as raised:
        tangentlike.grad(reads_after_a_helper_changed_it)
    message = str(raised.value)
    assert "halves_in_place(...) changes 'x' in place" in message
    assert "x = x.copy()" in message
    assert "x_1" not in message and "'t" not in message


def test_a_method_of_an_object_built_from_differentiated_values():
    """``Dense(W)`` built in the function (plain objects), then ``layer(2.0)``: the class's
    ``__call__`` with the object as a differentiated argument (runtime.dynamic)."""
    check_everywhere(object_made, [X.copy()])


def test_numpy_writes_in_place_are_index_assignments():
    """``np.copyto(buf, x)`` and ``np.put_along_axis(buf, ...)`` on a name are
    ``buf[...] = ...`` (frontend/in_place.py): differentiated, in every mode."""
    check_everywhere(copyto, [X.copy()])
    check_everywhere(put_along_axis, [X.copy()])


def fills_its_argument(y, v):
    np.copyto(y, v)
    return np.sum(y)


def reads_what_a_helper_filled(x):
    z = x * 2.0
    s = fills_its_argument(z, x)
    return s + np.sum(z)


def test_refusal_through_a_helper_says_what_changes_the_parameter():
    """The caller's message names the statement inside the helper that changes its
    parameter, not only its line (an unreadable callee there says why it is suspected)."""
    with pytest.raises(TangentlikeError) as raised:
        tangentlike.grad(reads_what_a_helper_filled)
    message = str(raised.value)
    assert "fills_its_argument(...) changes 'z' in place (its parameter 'y'" in message
    # np.copyto(y, v) on a name is the index assignment y[...] = ... (frontend/in_place.py)
    assert "y[...] = ... changes 'y' in place" in message, message
