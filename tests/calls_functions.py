"""Module-level functions whose gradients tests/ad/test_calls.py checks: calls into the user's own
Python functions, in this module and imported from tests/calls_imported.py.

Lines the tests look up carry a ``# MARK: name`` comment.  ``SCALE`` here differs from
``calls_imported.SCALE`` on purpose: a callee from that module must read its own.
"""
import calls_imported
import numpy as np
from calls_imported import scaled_tanh, shifted_energy

SCALE = 100.0
BIAS = np.array([0.5, -1.0, 2.0])


# -- 1. helpers in this module, imported helpers, chains, several derivative halves ------------


def square_plus_sin(x):
    return x * x + np.sin(x)


def uses_local_helper(x):
    y = square_plus_sin(x)  # MARK: local-call
    return np.sum(y * 2.0)


def uses_imported_helper(x):
    y = scaled_tanh(x)
    return np.sum(y * y)


def uses_imported_two_arguments(x, w):
    return shifted_energy(x, w) + np.sum(x)


def uses_module_attribute(x):
    y = calls_imported.inner(x)
    return np.sum(y * x)


def inner(t):
    """Same name as calls_imported.inner, different function."""
    return np.cos(t) * SCALE


def uses_two_functions_named_inner(x):
    a = inner(x)
    b = calls_imported.inner(x)
    return np.sum(a * b)


def constant_helper(x):
    return np.ones(3) * 2.0


def uses_constant_helper(x):
    return np.sum(constant_helper(x) * x)


def chain_h(t):
    return np.exp(t * 0.5)


def chain_g(t):
    u = chain_h(t) * np.cos(t)
    return u + chain_h(u)


def chain_f(x):
    y = chain_g(x * 2.0)
    return np.sum(chain_g(y) + y)


def layer(x, W):
    return np.tanh(np.dot(W, x))


def two_layers(x, W):
    """layer(x, W) differentiates W only (or x and W), layer(h, W) both h and W."""
    h = layer(x, W)
    out = layer(h, W)
    return np.sum(out * out)


def layer_x_then_layer_w(x, W, v):
    """The first call differentiates x only, the second W only (with wrt=(0, 1))."""
    h = layer(x, v)
    out = layer(v, W)
    return np.sum(out * h)


def power_select(x, n, mode, idx):
    y = x ** n
    if mode == "double":
        y = y * 2.0
    z = y[idx]
    return z


def uses_non_differentiated_arguments(x, n):
    z = power_select(x, n, "double", [0, 2])
    w = power_select(x, 2, "plain", [1])
    return np.sum(z) + np.sum(w * x[1])


# -- 2. keywords, defaults, keyword-only parameters, tuple results -----------------------------


def affine(x, w, b=0.5):
    return x * w + b


def uses_keywords(x, w):
    return np.sum(affine(w=w, x=x, b=np.sin(x)))


def uses_float_default(x, w):
    return np.sum(affine(x, w) * x)


def normalized(x, scale=None):
    factor = 2.0 if scale is None else scale
    return x / factor


def uses_none_default(x, s):
    a = normalized(x)
    b = normalized(x, s)
    return np.sum(a * b)


def uses_none_default_only(x):
    return np.sum(normalized(x) * x)


def normalized_rebinding(x, scale=None):
    if scale is None:
        scale = 2.0
    return x / scale


def uses_none_default_rebound_in_callee(x, s):
    a = normalized_rebinding(x)
    b = normalized_rebinding(x, s)
    return np.sum(a * b)


def biased(x, b=BIAS):
    return np.tanh(x + b)


def uses_array_default(x):
    return np.sum(biased(x) * biased(x, x))


def keyword_only(x, *, power=2.0, weight):
    return np.sum(weight * x ** power)


def uses_keyword_only(x, w):
    """Only x is differentiated (wrt=(0,)): the keyword-only arguments carry no derivative."""
    a = keyword_only(x, weight=w)
    b = keyword_only(x, power=3.0, weight=w)
    return a + b


def uses_differentiated_keyword_only(x, w):
    """x and w flow into the keyword-only parameter ``weight`` as well."""
    a = keyword_only(x, weight=w)
    b = keyword_only(w, power=3.0, weight=x)
    return a + b


def weighted_constant(x):
    return keyword_only(2.0, weight=x)


def moments(x):
    m = np.mean(x)
    s = np.mean(x * x)
    return m, s


def uses_one_tuple_result(x):
    m, s = moments(x)
    return s * 3.0


def uses_both_tuple_results(x):
    m, s = moments(np.sin(x))
    return s - m * m


# -- 3. calls inside loops and branches --------------------------------------------------------


def step(h, x_t, W):
    return np.tanh(np.dot(W, h) + x_t)


def rnn(h0, xs, W):
    h = h0
    for t in range(10):
        h = step(h, xs[t], W)
    return np.sum(h)


def rnn_over_rows(h0, xs, W):
    h = h0
    for x_t in xs:
        h = step(h, x_t, W)
    return np.sum(h * h)


def positive_part(t):
    return t * np.tanh(t)


def negative_part(t):
    return np.sin(t) * t


def call_in_branch(x, flag):
    if flag > 0:
        y = positive_part(x)
    else:
        y = negative_part(x)
    return np.sum(y * x)


def call_in_condition(x):
    if np.sum(square_plus_sin(x)) > 0.0:
        y = x * 2.0
    else:
        y = x * 3.0
    return np.sum(y * y)


def repeat_sin(x, n):
    for i in range(n):
        x = np.sin(x)
    return np.sum(np.sin(x))


def uses_parameter_rebound_in_callee_loop(x):
    return repeat_sin(x, 2) * 1.0


def call_in_while(x, n):
    i = 0
    while i < n:
        x = square_plus_sin(x) * 0.5
        i = i + 1
    return np.sum(x)


# -- 4. recursion ------------------------------------------------------------------------------


def repeated_square(x, n):
    return x if n == 0 else repeated_square(x * x, n - 1)


def accumulate(x, n):
    if n == 0:
        y = np.sin(x)
    else:
        y = accumulate(x, n - 1) + x
    return y


def is_even(x, n):
    if n == 0:
        y = x
    else:
        y = is_odd(x * 1.1, n - 1)
    return y


def is_odd(x, n):
    if n == 0:
        y = x * x
    else:
        y = np.sin(is_even(x, n - 1)) + x
    return y


def parity(x, n):
    return np.sum(is_even(x, n) * x)


def swap(x, y, n):
    """Each level differentiates the other argument: the (0,) and (1,) halves call each other."""
    return x * y if n == 0 else swap(y, x * 2.0, n - 1)


def uses_swap(x, y):
    return swap(x, y, 3) + swap(y, 1.5, 4)


def deep(x, n):
    return x if n == 0 else deep(np.sin(x) + 0.5 * x, n - 1)


# -- 5. errors ---------------------------------------------------------------------------------

_namespace: dict = {}
exec("def made_by_exec(t):\n    return t * 3.0\n", _namespace)
made_by_exec = _namespace["made_by_exec"]


def calls_exec_function(x):
    y = np.sin(x)
    z = made_by_exec(y)  # MARK: exec-call
    return z + x


def helper_calls_exec_function(t):
    return made_by_exec(t) * 2.0  # MARK: nested-exec-call


def calls_helper_that_calls_exec_function(x):
    return helper_calls_exec_function(x) + x


def exec_function_on_constant(x):
    k = made_by_exec(2.0)
    return x * k
