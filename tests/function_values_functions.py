"""Functions as values, written as people write them (issue 16, items 1 and 2): nested defs,
lambdas, functions passed to helpers, functools.partial, loops over functions, map."""
import functools
import math

import numpy as np

import tangentlike

SCALE = 1.5


def apply(f, x):
    return f(x)


def apply_twice(f, x):
    return f(f(x))


def apply_on(x, f, scale=2.0):
    return scale * f(x)


def pass_on(f, x):
    return apply(f, x) + apply_on(x, f)


def combine(f, g, x):
    return f(x) * g(x)


def cube(t):
    return t ** 3


def power_of(t, p, *, shift=0.0):
    return (t + shift) ** p


# -- nested defs ----------------------------------------------------------------------------

def nested_plain(x):
    def square(t):
        return t * t
    return np.sum(square(np.sin(x)) + square(x))


def nested_captures(x):
    a = np.cos(x)

    def g(t):
        return t * a + SCALE
    return np.sum(g(x) * g(a))


def nested_late_binding(x):
    a = x * 2.0

    def g(t):
        return t * a
    first = g(x)
    a = np.sin(x)  # the closure reads a when it is called: the second call sees this value
    return np.sum(first + g(x))


def nested_calls_nested(x):
    a = np.exp(x * 0.5)

    def inner(t):
        return np.tanh(t * a)

    def outer(t):
        return inner(t) + a * inner(t * t)
    return np.sum(outer(x))


def nested_default_and_keyword(x):
    def g(t, k=2.0, *, c=1.0):
        return t ** k + c
    return np.sum(g(x) + g(x, 3.0, c=0.5) + g(x, k=1.0))


def nested_nonlocal_read(x):
    k = np.sum(x)

    def g(t):
        nonlocal k
        return t * k
    return np.sum(g(x))


def nested_in_branch(x):
    if np.sum(x) > 0:
        def g(t):
            return np.sin(t)
        y = g(x)
    else:
        y = x * 2.0
    return np.sum(y)


def nested_in_loop_body(x):
    total = 0.0
    for i in range(3):
        total = total + np.sum(apply(lambda t: t * (i + 1.0), x) ** 2)  # noqa: B023
    return total


# -- lambdas --------------------------------------------------------------------------------

def lambda_assigned(x):
    f = lambda t: t ** 2 + np.sin(t)  # noqa: E731
    return np.sum(f(x) * f(2.0 * x))


def lambda_immediate(x):
    return np.sum((lambda t: t * 3.0 + x)(np.cos(x)))


def lambda_to_helper(x):
    return np.sum(apply(lambda t: np.sin(t) * 2.0, x))


def lambda_captures_to_helper(x):
    w = np.tanh(x)
    return np.sum(apply_twice(lambda t: t * w + 0.5, x))


def lambda_keyword_to_helper(x):
    return np.sum(apply_on(x, f=lambda t: np.exp(-t * t), scale=3.0))


def lambda_sort_key(x):
    order = sorted(range(3), key=lambda i: -i)
    return np.sum(x[order] * np.arange(3.0))


# -- functions as values --------------------------------------------------------------------

def numpy_to_helper(x):
    return np.sum(apply(np.sin, x) + apply_on(x, np.tanh))


def user_to_helper(x):
    return np.sum(apply(cube, x))


def math_to_helper(x):
    return apply(math.sin, float(x[0])) + np.sum(x)


def passed_on(x):
    return np.sum(pass_on(np.cos, x))


def two_function_arguments(x):
    return np.sum(combine(np.sin, lambda t: t * x, x))


def alias(x):
    act = np.tanh
    return np.sum(act(x) * act(2.0 * x))


def partial_numpy(x):
    g = functools.partial(np.power, x)
    return np.sum(g(2.0) + g(3.0))


def partial_user(x):
    g = functools.partial(power_of, p=3.0, shift=0.5)
    return np.sum(g(x))


def partial_binds_now(x):
    y = np.sin(x)
    g = functools.partial(np.arctan2, y)
    y = x * 10.0  # the partial holds the value y had
    return np.sum(g(x) + y)


def partial_to_helper(x):
    return np.sum(apply(functools.partial(power_of, p=2.0), x * x))


def loop_over_functions(x):
    s = 0.0
    for f in (np.sin, np.cos, cube, lambda t: t * x):
        s = s + np.sum(f(x))
    return s


def mapped(x):
    return np.sum(np.array(list(map(np.sin, x)))) + sum(map(lambda a, b: a * b, x, x))


def helper_with_function_result_only(x):
    return np.sum(apply_on(x, cube, scale=0.5))


FUNCTIONS = [
    nested_plain, nested_captures, nested_late_binding, nested_calls_nested,
    nested_default_and_keyword, nested_nonlocal_read, nested_in_branch, nested_in_loop_body,
    lambda_assigned, lambda_immediate, lambda_to_helper, lambda_captures_to_helper,
    lambda_keyword_to_helper, lambda_sort_key, numpy_to_helper, user_to_helper, math_to_helper,
    passed_on, two_function_arguments, alias, partial_numpy, partial_user, partial_binds_now,
    partial_to_helper, loop_over_functions, mapped, helper_with_function_result_only,
]


# -- refused --------------------------------------------------------------------------------

def nonlocal_write(x):
    k = 1.0

    def g(t):
        nonlocal k
        k = k + 1.0
        return t * k
    return np.sum(g(x))


def recursive_nested(x):
    def g(t, n):
        return t if n == 0 else g(np.sin(t), n - 1)
    return np.sum(g(x, 2))


def closures_in_list(x):
    fs = [lambda t: t * k for k in range(3)]  # noqa: B023
    return np.sum(fs[0](x))


def recursive_higher_order(f, x, n):
    return x if n == 0 else recursive_higher_order(f, f(x), n - 1)


def uses_recursive_higher_order(x):
    return np.sum(recursive_higher_order(np.sin, x, 2))


REFUSED = {
    nonlocal_write: "nonlocal",
    recursive_nested: "recursive",
    closures_in_list: "binds again",
    uses_recursive_higher_order: "recursive",
}


# -- derivatives inside ---------------------------------------------------------------------

def grad_inside(x):
    g = tangentlike.grad(lambda t: np.sum(np.sin(t) * t))
    return np.sum(g(x) ** 2)


def grad_inside_captures(x):
    w = np.cos(x)
    g = tangentlike.grad(lambda t: np.sum(np.sin(t) * w))
    return np.sum(g(x) * x)


def grad_of_global_inside(x):
    return np.sum(tangentlike.grad(cube_sum)(x) * x)


def cube_sum(t):
    return np.sum(t ** 3)


FUNCTIONS += [grad_inside, grad_inside_captures, grad_of_global_inside]
