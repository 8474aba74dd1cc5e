"""Module-level functions whose gradients tests/ad/test_control_flow.py checks: reverse mode through
``if``/``elif``/``else``, conditional expressions, ``for`` and ``while`` loops, ``break`` and
``continue``.

tangentlike reads a function's source and caches its derivatives per function object, so the
functions under test live here, in a real module.  Each is written so that autograd can run
the same code too: the tests build an autograd twin of a function from its source
(``inspect.getsource``) with ``autograd.numpy`` as ``np`` and ``math.`` calls spelled
``np.``.  Functions must therefore be self-contained (no module globals, no helpers), except
the recursive ones, which call themselves.
"""
import math

import numpy as np

# -- 1. if / elif / else, conditional expressions -----------------------------------------------


def if_sum_positive(x):
    if np.sum(x) > 0:
        y = np.sin(x) * x
    else:
        y = np.cos(x) + x * x
    return np.sum(y * y)


def nested_branches(x, w):
    s = np.sum(x * w)
    if s > 0:
        if np.max(x) > 1.0:
            r = np.tanh(x) * w
        else:
            r = x * x * w
    else:
        if np.min(w) < -1.0:
            r = np.exp(x) * w
        else:
            r = np.sin(x * w)
    return np.sum(r) * s


def branches_assign_different(x):
    y = 1.0
    z = 2.0
    if np.sum(x) > 0:
        y = np.sin(x)
    else:
        z = np.exp(x)
    return np.sum(y * z * x)


def branches_assign_different_active(x, w):
    y = x * w
    z = w * 2.0
    if np.sum(x) > 0:
        y = np.sin(x) * w
    else:
        z = np.exp(x) * z
    return np.sum(y * z)


def elif_chain(x):
    s = np.sum(x)
    if s > 2.0:
        r = x * x
    elif s > 0.0:
        r = np.sin(x) * 3.0
    elif s > -2.0:
        r = x * x * x
    else:
        r = np.exp(x)
    return np.sum(r * x)


def if_overwrites(x):
    y = x * 2.0
    if np.max(x) > 1.0:
        y = y * y
        x = np.tanh(x)
    return np.sum(y * x)


def if_overwrites_float(a, b):
    c = a * b
    if c > 1.0:
        a = a * a
    return a * c + b


def if_after_loop_value(x):
    y = x
    for i in range(3):
        y = y * 0.9 + np.sin(y)
    if np.sum(y) > 1.0:
        y = y * x
    return np.sum(y)


def conditional_expression(x, y):
    z = x * y if np.sum(x) > np.sum(y) else x + y * y
    return np.sum(z * z)


def conditional_expression_inside(a, b):
    return (a * a if a > b else -a * b) + (b if b > 0 else 0.5 * b) * a


def guarded_division(x, d):
    return x / d if d != 0.0 else x * 3.0


def guarded_log(x):
    return math.log(x) * x if x > 0.0 else x * x


def guarded_division_statement(x, d):
    if d == 0.0:
        r = x * 3.0
    else:
        r = x / d
    return r * x


# -- 2. the classic cases -----------------------------------------------------------------------


def slide_math(a, b, c):
    return a * math.sin(b) if b > c else a + b * c


def slide_np(a, b, c):
    return a * np.sin(b) if b > c else a + b * c


def power_loop(a, b):
    for i in range(b):
        a = a * a
    return a


def power_recursive(a, b):
    return a if b == 0 else power_recursive(a * a, b - 1)


# -- 3. for loops -------------------------------------------------------------------------------


def range_constant(x):
    for i in range(4):
        x = np.sin(x) * 1.5 + x * 0.25
    return np.sum(x)


def range_len(x):
    s = 0.0
    for i in range(len(x)):
        s = s + x[i] * x[i] * (i + 1.0)
    return s


def range_start_stop_step(x, n):
    s = 0.0
    for i in range(1, n, 2):
        s = s + np.sin(x[i]) * i
    return s * x[0]


def range_computed(x):
    n = x.shape[0] - 1
    s = x[0]
    for i in range(n):
        s = s * x[i + 1] + x[i]
    return s


def loop_over_constant_list(x):
    s = 0.0
    for c in [0.5, -1.0, 2.0]:
        s = s + np.sin(c * x)
    return np.sum(s)


def loop_over_built_list(x):
    s = 0.0
    coefficients = [0.5, -1.0, 2.0]
    coefficients.append(0.25)
    for c in coefficients:
        s = s * x + c
    return np.sum(s)


def loop_over_list_of_active(x):
    terms = [x, x * x, np.sin(x)]
    s = 0.0
    for t in terms:
        s = s + t * x
    return np.sum(s)


def horner(x, coefficients):
    s = 0.0
    for c in coefficients:
        s = s * x + c
    return np.sum(s)


def loop_over_rows(X, w):
    s = 0.0
    for row in X:
        s = s + np.tanh(np.dot(row, w))
    return s


def loop_over_rows_overwrite(X, v):
    for row in X:
        v = np.tanh(row * v) + 0.5 * v
    return np.sum(v * v)


def loop_over_zip(xs, ys):
    s = 0.0
    for a, b in zip(xs, ys):
        s = s + a * b * a
    return s


def loop_over_zip_list(X, weights):
    s = 0.0
    for row, w in zip(X, weights):
        s = s + w * np.sum(row * row)
    return s


def loop_over_enumerate(x):
    s = 0.0
    for i, v in enumerate(x):
        s = s + (i + 1.0) * v * v
    return s


def loop_over_enumerate_overwrite(x, y):
    for i, v in enumerate(x):
        y = y * v + i * np.sin(y)
    return y


def square_loop(x, n):
    for i in range(n):
        x = x * x
    return x


def square_loop_array(x, n):
    for i in range(n):
        x = x * x
    return np.sum(x)


def sin_loop_100(x):
    for i in range(100):
        x = math.sin(x) * x + 0.5 * x
    return x


def accumulate(x, y):
    s = 0.0
    for i in range(3):
        s = s + np.sum(x * y) * i
        s += np.sum(np.sin(x + i))
    return s


def accumulate_array(x):
    s = np.zeros(3)
    for i in range(x.shape[0]):
        s = s + x[i] * np.sin(s + 1.0)
    return np.sum(s)


# -- nested loops and branches --


def loop_in_loop(X):
    s = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            s = s + X[i, j] * X[j, i] * (i - j + 0.5)
    return s


def loop_in_loop_overwrite(x):
    for i in range(3):
        for j in range(2):
            x = np.sin(x) + x * 0.5
        x = x * 1.1
    return np.sum(x)


def triangular_loop(x):
    s = 0.0
    for i in range(len(x)):
        for j in range(i):
            s = s + x[i] * x[j]
    return s


def loops_in_branches(x):
    s = 0.0
    if np.sum(x) > 0:
        for i in range(3):
            s = s + np.sum(x * x) * i
    else:
        for v in x:
            s = s + np.sin(v)
    return s


def branches_in_loop(x):
    y = x
    for i in range(5):
        if np.sum(y) > 0.5:
            y = y * 0.5
        elif np.sum(y) > -1.0:
            y = np.sin(y) + 0.3
        else:
            y = y * y
    return np.sum(y * x)


def branch_on_index_in_loop(x):
    s = 0.0
    for i in range(len(x)):
        if i % 2 == 0:
            s = s + x[i] * x[i]
        else:
            s = s * x[i]
    return s


# -- while loops --


def while_doubling(x):
    while x < 100.0:
        x = x * 2.0 + 1.0
    return x


def while_doubling_array(x):
    while np.sum(x) < 100.0:
        x = x * 2.0 + np.sin(x)
    return np.sum(x * x)


def while_counter(x):
    k = 0
    while k < 5:
        x = np.sin(x) * x + 0.5
        k = k + 1
    return x


def while_data_and_counter(x):
    k = 0
    while k < 20:
        if x > 50.0:
            break
        x = x * 1.5 + np.sin(x)
        k = k + 1
    return x * x


def newton_sqrt(a):
    y = a
    while abs(y * y - a) > 1e-13 * a:
        y = 0.5 * (y + a / y)
    return y


def newton_fixed_iterations(a, x0):
    y = x0
    for i in range(8):
        y = y - (y * y * y - a) / (3.0 * y * y)
    return y


# -- break and continue --


def for_break(x):
    s = 0.0
    for i in range(10):
        s = s + x * (i + 1.0)
        if s > 5.0:
            break
    return s * x


def for_break_array(x):
    s = 0.0
    for v in x:
        if v < 0.0:
            break
        s = s + np.sin(v) * v
    return s


def for_continue(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] < 0.0:
            continue
        s = s + x[i] * x[i] * i
    return s


def for_continue_overwrite(x):
    y = x
    for i in range(6):
        if i % 3 == 1:
            continue
        y = np.sin(y) * 1.2 + i
    return y


def while_break(x):
    k = 0
    while True:
        x = x * 1.3 + 0.1
        k = k + 1
        if x > 10.0:
            break
        if k > 50:
            break
    return x


def while_continue(x):
    k = 0
    s = 0.0
    while k < 6:
        k = k + 1
        if k % 2 == 0:
            continue
        s = s + x * k
        x = np.sin(x) + 0.25 * x
    return s + x


def nested_break(X):
    s = 0.0
    for row in X:
        for v in row:
            if v > 1.0:
                break
            s = s + v * v
        if s > 3.0:
            break
    return s


def break_in_branch_with_else(x):
    s = 0.0
    for i in range(8):
        if s > 2.0:
            break
        else:
            s = s + np.exp(x * 0.1 * i)
    return s


# -- zero trips --


def zero_trip_range(x, n):
    y = x * 2.0
    for i in range(n):
        y = y * x
    return np.sum(y)


def zero_trip_list(x, coefficients):
    s = x * 0.5
    for c in coefficients:
        s = s * c + x
    return np.sum(s)


def zero_trip_while(x):
    while x < 1.0:
        x = x * x + 0.5
    return x * 3.0


# -- code structure --


def structure_range_sum(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i]
    return s


def structure_if_no_overwrite(x):
    if np.sum(x) > 0:
        y = np.sin(x)
    else:
        y = np.cos(x)
    return np.sum(y)


# -- more overwriting --


def swap_in_loop(a, b):
    for i in range(5):
        a, b = b, a * b * 0.9 + 0.1
    return a + 2.0 * b


def loop_index_after_loop(x, n):
    for i in range(n):
        x = np.sin(x) + x
    return x * i


def range_bound_rebound(x, n):
    for i in range(n):
        n = n - 1
        x = x * np.cos(x) + 1.0
    return x


def while_in_for(x):
    for i in range(3):
        k = 0
        while x < 4.0 + i:
            x = x * 1.5
            k = k + 1
        x = np.sqrt(x)
    return x


def for_break_in_while(x):
    k = 0
    while k < 4:
        for j in range(5):
            if x > 3.0:
                break
            x = x * 1.2 + 0.05
        x = np.sin(x) + 2.5
        k = k + 1
    return x


# -- loops over a variable that the body re-binds --


def loop_over_rebound_array(x):
    a = x * 0.5
    s = 0.0
    for e in a:
        s = s + e * e
        a = a * 3.0
    return s + np.sum(a)


def loop_over_rebound_zip(x, y):
    a = x * 0.5
    for e, f in zip(a, y):
        a = np.tanh(x * f) + e
    return np.sum(a * x)


def loop_over_rebound_enumerate(x):
    s = 0.0
    for i, e in enumerate(x):
        s = s + np.sin(e) * i
        x = x * 0.5
    return s + np.sum(x)


# -- an inner loop with nothing to differentiate --


def inactive_while_in_loop(x):
    a = x * 0.5
    for i in range(3):
        n = 0
        while n < i:
            n = n + 1
        a = np.tanh(a * (n + 1.0))
    return np.sum(a)


def inactive_for_in_loop(x):
    a = x * 0.5
    for i in range(3):
        m = 0
        for v in x:
            m = m + 1
        a = np.tanh(a * 1.5) + m
    return np.sum(a)


def inactive_while_at_top(x):
    n = 0
    while n < 3:
        n = n + 1
    return np.sum(np.tanh(x * n))


def inactive_while_in_branch(x):
    a = x * 0.5
    n = 1
    if np.sum(x) > 0:
        while n < 3:
            n = n + 1
    return np.sum(np.tanh(a * n))


def inactive_range_with_break_in_loop(x, y):
    a = x * 0.5
    for i in range(3):
        for j in range(4):
            if y * j > 1.5:
                break
        a = np.tanh(a * 1.5) + j
    return np.sum(a)
