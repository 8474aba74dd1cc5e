"""Loops under a memory budget: ``grad(f, snapshots=k)`` checkpoints top-level loops with
Griewank's binomial schedule (runtime/revolve.py, ad/reverse/checkpointed.py).  Every
gradient is compared with the unrestricted gradient and with central finite differences."""
from __future__ import annotations

import math

import numpy as np
import pytest

import tangentlike as tl
from tangentlike.errors import InputError, UnsupportedSyntaxError
from tangentlike.runtime import revolve
from tests.support import peak_bytes

# -- the schedule ------------------------------------------------------------------------


def _griewank(n: int, k: int) -> int:
    """The least number of plain steps that reverse n steps with k snapshots, by Griewank's
    formula: r n - C(k + r, r - 1), r the least with C(k + r, k) >= n."""
    if n <= 1:
        return 0
    r = 0
    while math.comb(k + r, k) < n:
        r += 1
    return r * n - math.comb(k + r, r - 1)


def _least_by_search(n: int, k: int, memo: dict) -> int:
    """The same least number, by trying every place for the next snapshot."""
    if n <= 1:
        return 0
    if k == 1:
        return n * (n - 1) // 2
    if (n, k) not in memo:
        memo[n, k] = min(m + _least_by_search(n - m, k - 1, memo) + _least_by_search(m, k, memo)
                         for m in range(1, n))
    return memo[n, k]


def _replay(n: int, k: int) -> tuple[int, list[int], int]:
    """Run the schedule on a counter: the steps advanced, the steps reversed in order, and the
    most snapshots held; every action checked against the state it needs."""
    current, snaps, reversed_steps, advanced = 0, {}, [], 0
    for action, at, to in revolve.schedule(n, k):
        if action == "store":
            assert 0 <= at < k and current == to
            snaps[at] = current
        elif action == "restore":
            current = snaps[at]
            assert current == to
        elif action == "advance":
            assert current == at < to
            advanced += to - at
            current = to
        else:
            assert action == "reverse" and current == at and to == at + 1
            reversed_steps.append(at)
            current = None  # a backward step leaves no usable state
    return advanced, reversed_steps, len(snaps)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 10, 20])
def test_schedule_reverses_every_step_with_griewanks_number_of_steps(k):
    for n in list(range(0, 60)) + [100, 1000]:
        advanced, reversed_steps, held = _replay(n, k)
        assert reversed_steps == list(range(n - 1, -1, -1))
        assert advanced == _griewank(n, k) == revolve.advances(n, k)
        assert held <= k


def test_schedule_is_the_least_possible():
    memo: dict = {}
    for k in (1, 2, 3, 4):
        for n in range(0, 45):
            assert revolve.advances(n, k) == _least_by_search(n, k, memo)


def test_schedule_of_ten_thousand_steps():
    totals = revolve.count(10_000, 20)
    assert totals["reverse"] == 10_000
    assert totals["snapshots"] == 20
    assert totals["advance"] == 4 * 10_000 - math.comb(24, 3)  # r = 4
    with pytest.raises(ValueError):
        list(revolve.schedule(3, 0))


# -- the functions -----------------------------------------------------------------------


def euler(x, n):
    """Explicit Euler on a small nonlinear system (a damped pendulum pair, coupled)."""
    h = 0.01
    for i in range(n):
        p = x[0]
        q = x[1]
        dp = q
        dq = -np.sin(p) - 0.1 * q + 0.05 * np.cos(q) * p
        x = np.stack([p + h * dp, q + h * dq])
    return np.sum(x * x)


def rnn(W, U, xs, h):
    """An RNN over the rows of xs; W the recurrent weights (the loop carries h)."""
    for i in range(xs.shape[0]):
        h = np.tanh(np.dot(W, h) + np.dot(U, xs[i]))
    return np.sum(h * h)


def accumulate(x, n):
    """Two carried values, a branch and a nested loop in the body."""
    s = 0.0
    y = x
    for i in range(1, n + 1):
        if i % 2 == 0:
            y = np.sin(y) * 1.1
        else:
            y = y * 0.9 + 0.01 * i
        for j in range(2):
            y = y + 0.001 * np.cos(y)
        s = s + np.sum(y * y) / i
    return s + np.sum(y)


def step(y, c):
    return y + 0.02 * np.tanh(c * y)


def calls_a_function(x, c, n):
    for i in range(n):
        x = step(x, c)
    return np.sum(x ** 3)


def numeric(f, args, index, eps=1e-6):
    args = list(args)
    x = np.array(args[index], dtype=float)
    g = np.zeros_like(x)
    for k in np.ndindex(*x.shape):
        up, down = x.copy(), x.copy()
        up[k] += eps
        down[k] -= eps
        args[index] = up
        fu = f(*args)
        args[index] = down
        fd = f(*args)
        g[k] = (fu - fd) / (2 * eps)
    return g


def _check(f, args, wrt, k):
    plain = tl.grad(f, wrt=wrt)(*args)
    budget = tl.grad(f, wrt=wrt, snapshots=k)
    got = budget(*args)
    got_again = budget(*args)  # the second call runs the version written for these shapes
    plain, got, got_again = (v if isinstance(v, tuple) else (v,)
                             for v in (plain, got, got_again))
    for index, p, g, h in zip(wrt, plain, got, got_again):
        np.testing.assert_allclose(g, p, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(h, p, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(g, numeric(f, args, index), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("k", [1, 2, 3, 10])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 11, 100])
def test_euler(n, k):
    _check(euler, (np.array([0.3, -0.2]), n), (0,), k)


@pytest.mark.parametrize("k", [1, 2, 3, 10])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 11, 100])
def test_rnn(n, k):
    rng = np.random.default_rng(n)
    args = (0.4 * rng.standard_normal((3, 3)), 0.4 * rng.standard_normal((3, 2)),
            rng.standard_normal((n, 2)), rng.standard_normal(3))
    _check(rnn, args, (0, 1, 3), k)


@pytest.mark.parametrize("k", [
    pytest.param(1, marks=pytest.mark.slow),  # one snapshot: n (n - 1) / 2 = 499,500 steps
    pytest.param(2, marks=pytest.mark.slow), 3, 10])  # 2: about 20 s
def test_thousand_steps(k):
    _check(euler, (np.array([0.3, -0.2]), 1000), (0,), k)


@pytest.mark.parametrize("k", [1, 3, 10])
@pytest.mark.parametrize("n", [0, 1, 5, 30])
def test_branch_and_nested_loop(n, k):
    _check(accumulate, (np.array([0.2, 0.7, -0.4]), n), (0,), k)


def two_loops(x, w, n):
    """Two checkpointed loops; the first's state read, and re-bound, after it."""
    y = x * 1.0
    for i in range(n):
        y = np.tanh(y * w) + 0.1 * x
    z = np.sum(y) * y
    for j in range(2, n):
        z = z * 0.9 + np.sin(z) * w
    y = y * z
    return np.sum(y)


@pytest.mark.parametrize("k", [1, 2, 4])
@pytest.mark.parametrize("n", [0, 1, 3, 9])
def test_two_loops(n, k):
    _check(two_loops, (np.array([0.3, -0.4, 0.5]), 0.7, n), (0, 1), k)


@pytest.mark.parametrize("k", [2, 5])
def test_call_into_a_user_function(k):
    _check(calls_a_function, (np.array([0.5, -1.0]), np.array(1.5), 40), (0, 1), k)


def test_value_and_grad_and_split_motion():
    x = np.array([0.3, -0.2])
    value, g = tl.value_and_grad(euler, snapshots=3)(x, 50)
    assert value == euler(x, 50)
    np.testing.assert_allclose(g, tl.grad(euler)(x, 50), rtol=1e-12, atol=1e-12)
    split = tl.autodiff(euler, motion="split", snapshots=3)
    out, saved = split.forward(x, 50)
    np.testing.assert_allclose(split.backward(saved, x, 50, init_grad=1.0), g,
                               rtol=1e-12, atol=1e-12)


def test_vjp():
    x = np.array([0.3, -0.2])
    value, vjp_fn = tl.vjp(euler, x, 50, snapshots=4)
    assert value == euler(x, 50)
    np.testing.assert_allclose(vjp_fn(2.0)[0], 2.0 * tl.grad(euler)(x, 50), rtol=1e-12,
                               atol=1e-12)


def test_forward_mode_ignores_snapshots():
    x, t = np.array([0.3, -0.2]), np.array([1.0, 0.0])
    jvp = tl.autodiff(euler, mode="forward", snapshots=3)(x, 20, t)
    np.testing.assert_allclose(jvp, tl.grad(euler)(x, 20) @ t, rtol=1e-10)


def test_generated_source_says_so():
    source = tl.grad(euler, snapshots=7).source
    line = euler.__code__.co_firstlineno + 3
    assert f"# Checkpointed loop (binomial, 7 snapshots): line {line}" in source
    assert "checkpoint_schedule" in source
    assert "checkpoint_schedule" not in tl.grad(euler).source


# -- memory and work ---------------------------------------------------------------------


def long_loop(x, n):
    for i in range(n):
        x = np.sin(x) * 0.999 + 0.001
    return np.sum(x)


@pytest.mark.slow  # (a few seconds: the default run keeps the file's other tests)
def test_peak_memory_of_ten_thousand_steps():
    """State: 1000 floats.  With k = 20 the derivative holds the k snapshots (the first is
    the input itself) and one step's working arrays: the current state, the body's
    temporaries and adjoints (measured: k + 6.3 states), within k + 7 states beyond its
    inputs; without snapshots= it holds one per step."""
    x = np.linspace(0.0, 1.0, 1000)
    state = x.nbytes
    budget = tl.grad(long_loop, snapshots=20)
    plain = tl.grad(long_loop)
    budget(x, 30), plain(x, 30)  # generated (and versions written) outside the measurement

    assert peak_bytes(budget, x, 10_000) <= (20 + 7) * state
    assert peak_bytes(plain, x, 10_000) > 1000 * state  # the unrestricted tape: the test can fail


def _body_runs(df, x, n):
    """How often the derivative runs long_loop's body forward (np.sin) and backward
    (np.cos, the adjoint of np.sin)."""
    calls = {"sin": 0, "cos": 0}
    sin, cos = np.sin, np.cos

    def counted_sin(v):
        calls["sin"] += 1
        return sin(v)

    def counted_cos(v):
        calls["cos"] += 1
        return cos(v)

    df(x, 3)  # generated before numpy is patched (rules are found by identity)
    df(x, 3)
    np.sin, np.cos = counted_sin, counted_cos
    try:
        df(x, n)
    finally:
        np.sin, np.cos = sin, cos
    return calls["sin"], calls["cos"]


def test_body_runs_within_four_times_the_unrestricted_gradient():
    """Body steps run (forward and backward): 2n for the unrestricted gradient; with k = 20
    and n = 10000, the forward sweep's n, Griewank's advances, and n steps run again and
    backward: at most 4 times as many."""
    x, n = np.linspace(0.0, 1.0, 10), 10_000
    plain = _body_runs(tl.grad(long_loop), x, n)
    budget = _body_runs(tl.grad(long_loop, snapshots=20), x, n)
    assert plain == (n, n)
    assert budget == (n + revolve.advances(n, 20) + n, n)
    assert sum(budget) <= 4 * sum(plain)


# -- refusals ----------------------------------------------------------------------------


def with_while(x):
    i = 0
    while i < 3:
        x = x * 2.0
        i = i + 1
    return x


def with_break(x, n):
    for i in range(n):
        x = x * 2.0
        if i > 3:
            break
    return x


def writes_in_place(x, n):
    y = np.zeros(3)
    for i in range(n):
        y[i % 3] = x * i
    return np.sum(y) * x


def first_bound_inside(x, n):
    for i in range(n):
        if i == 0:
            y = x
        else:
            y = y * x
    return y


def loop_in_if(x, n):
    if n > 2:
        for i in range(n):
            x = x * 1.5
    return x


@pytest.mark.parametrize("f, args, what", [
    (with_while, (1.5,), "while"),
    (with_break, (1.5, 6), "loop that is not"),
    (writes_in_place, (1.5, 6), "write into an array"),
    (first_bound_inside, (1.5, 6), "'y'"),
    (loop_in_if, (1.5, 6), "inside an `if`"),
])
def test_refused_by_name(f, args, what):
    with pytest.raises(UnsupportedSyntaxError, match=what) as info:
        tl.grad(f, snapshots=3)(*args)
    assert info.value.location is not None and info.value.location.lineno > 0
    tl.grad(f)(*args)  # without snapshots= nothing changes


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_snapshots_must_be_a_positive_whole_number(bad):
    with pytest.raises(InputError, match="snapshots"):
        tl.grad(euler, snapshots=bad)
