"""Objects (issue 16, item 3): a method or callable object called inside a differentiated
function.  One whose object is a global is resolved when the derivative is generated
(``LAYER(x)`` is ``Dense.__call__(LAYER, x)``) and differentiated like any call of your
functions, in every mode; one whose object is a local value (``for layer in layers: x =
layer(x)``, ``self.forward(x)``) is found when the call runs (``runtime.dynamic``), its
derivative generated then and cached, in reverse and forward mode and as a Hessian-vector
product.  Each is checked against central finite differences at three calls, and the value
is the function's own."""
from __future__ import annotations

import numpy as np
import objects_functions as of
import pytest
from support import check_every_mode, numerical_grad

import tangentlike
from tangentlike.errors import TangentlikeError, ValueRefusedError

X = np.array([0.3, -0.7, 1.1])
V = np.array([0.5, 1.0, -2.0])


def _fd_grad(f, x, h=1e-6):
    return numerical_grad(f, [x], eps=h)[0]


@pytest.mark.parametrize("f", of.STATIC, ids=lambda f: f.__name__)
def test_global_objects_in_every_mode(f):
    check_every_mode(f, X, V)


@pytest.mark.parametrize("f", of.DYNAMIC, ids=lambda f: f.__name__)
def test_objects_found_when_the_call_runs(f):
    check_every_mode(f, X, V)


def test_grad_of_grad_through_a_call_found_when_it_runs():
    """The gradient's squared norm differentiated: 2 H g (tests/test_dynamic_higher_order.py
    has every combination)."""
    df = tangentlike.grad(of.loop_over_layers)
    got = tangentlike.grad(of.sum_of_gradient)(X.copy(), df)
    expected = _fd_grad(lambda x: of.sum_of_gradient(x, df), X)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)


def test_bound_method_calling_its_own_methods_and_layers():
    loss = of.MODEL.loss
    expected = _fd_grad(loss, X)
    np.testing.assert_allclose(tangentlike.grad(loss)(X), expected, rtol=1e-6)
    value, gradient = tangentlike.value_and_grad(loss)(X)
    assert value == loss(X)
    # the layers' arrays are read as they are at each call
    before = tangentlike.grad(loss)(X)
    of.MODEL.layers[0].W = of.MODEL.layers[0].W * 2.0
    try:
        np.testing.assert_allclose(tangentlike.grad(loss)(X), _fd_grad(loss, X), rtol=1e-6)
        assert not np.allclose(tangentlike.grad(loss)(X), before)
    finally:
        of.MODEL.layers[0].W = of.MODEL.layers[0].W / 2.0


def test_object_passed_as_an_argument():
    model = of.Model([3, 4, 2], seed=3)
    df = tangentlike.grad(of.object_argument, wrt=1)
    np.testing.assert_allclose(df(model, X),
                               _fd_grad(lambda x: of.object_argument(model, x), X), rtol=1e-6)
    other = of.Model([3, 6, 6, 1], seed=4)  # another object, other shapes: found again
    np.testing.assert_allclose(df(other, X),
                               _fd_grad(lambda x: of.object_argument(other, x), X), rtol=1e-6)


def test_derivative_code_reads_the_call():
    source = tangentlike.grad(of.loop_over_layers).source
    assert "call_forward(layer, (0,), x" in source
    assert "call_backward(" in source
    static = tangentlike.grad(of.global_callable).source
    assert "Dense_call_forward(LAYER, x)" in static


def test_numpy_function_held_in_a_variable_is_called_by_a_function_written_for_it():
    source = tangentlike.grad(of.numpy_function_held)
    source(X.copy())
    from tangentlike.frontend import lifting
    assert any(f.__name__ == "call_sin" for _, f in lifting._CALLING.values())


def test_callee_changing_its_argument_is_refused_when_it_runs():
    with pytest.raises(ValueRefusedError, match="changes its parameter 'x' in place"):
        tangentlike.grad(of.mutating_callee)(X.copy())


def test_method_of_a_differentiated_array_is_refused_when_it_runs():
    """A method of a differentiated dataclass is differentiated (test_methods_of_
    differentiated.py); of an array, it is refused when the call runs, by name."""
    with pytest.raises(ValueRefusedError, match="ndarray.forward is called on a value that "
                       "carries a derivative") as info:
        tangentlike.grad(of.method_of_differentiated_value)(X.copy())
    assert info.value.hint


def test_closure_made_from_a_differentiated_value_is_refused_by_name():
    """The closure holds sin(x) in a cell: calling it must not treat that as a constant."""
    with pytest.raises(TangentlikeError, match="a function value made from the "
                       "differentiated value") as info:
        tangentlike.grad(of.closure_made_from_differentiated_value)(X.copy())
    assert info.value.calls[0].function == "closure_made_from_differentiated_value"
