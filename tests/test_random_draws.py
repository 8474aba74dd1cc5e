"""Random draws in functions whose derivative runs them several times (``jacobian``,
``hessian``, ``jacfwd``, ``jacrev``, ``linearize``'s ``jvp_fn``): every run sees the numbers
one call of ``f`` draws, so the result is the derivative for one call's draws (autograd's,
which runs ``f`` once, with the same seed), and the generators are left where one call of
``f`` leaves them (``tangentlike/draws.py``)."""
from __future__ import annotations

import random
import subprocess
import sys

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

import tangentlike
from tangentlike.errors import ValueRefusedError

X = np.array([0.5, -0.3])


def legacy(seed):
    """A closure drawing from a ``RandomState`` (black-box SVI's objective); ``randn(3)``
    leaves a cached normal deviate in the ``RandomState``."""
    rs = np.random.RandomState(seed)

    def objective(params):
        samples = rs.randn(3) * anp.exp(params[1]) + params[0]
        return anp.sum(samples ** 3)

    return objective, rs


def generator(seed):
    """A closure drawing from a ``Generator``."""
    rng = np.random.default_rng(seed)

    def objective(params):
        samples = rng.normal(size=3) * anp.exp(params[1]) + params[0]
        return anp.sum(samples ** 3) + anp.sum(rng.uniform(size=2) * params ** 2)

    return objective, rng


def global_numpy(params):
    """``np.random``'s global state."""
    return anp.sum((np.random.randn(2) * params) ** 3)


def python_random(params):
    """The ``random`` module."""
    return anp.sum((random.gauss(0.0, 1.0) + params) ** 3) * random.random()


def _state(rs):
    s = rs.get_state(legacy=False) if isinstance(rs, np.random.RandomState) \
        else rs.bit_generator.state
    return repr(s)


@pytest.mark.parametrize("make", [legacy, generator], ids=["RandomState", "Generator"])
@pytest.mark.parametrize("optimized", [True, False])
def test_hessian_of_closed_over_generator_is_autograds(make, optimized):
    f, _ = make(0)
    expected = autograd.hessian(f)(X)
    f, rs = make(0)
    H = tangentlike.hessian(f, optimized=optimized)(X)
    np.testing.assert_allclose(H, expected, rtol=1e-12)
    np.testing.assert_allclose(H, H.T, rtol=1e-12)
    g, rs_once = make(0)
    g(X)  # the generator as one call of f leaves it
    assert _state(rs) == _state(rs_once)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_of_closed_over_generator_is_autograds(mode):
    def vector(seed):
        rs = np.random.RandomState(seed)
        return (lambda x: rs.randn(3)[:2] * x ** 2 + rs.randn() * x), rs

    x = np.array([1.0, 2.0])
    expected = autograd.jacobian(vector(0)[0])(x)
    g, rs = vector(0)
    np.testing.assert_allclose(tangentlike.jacobian(g, mode=mode)(x), expected, rtol=1e-12)
    once, rs_once = vector(0)
    once(x)
    assert _state(rs) == _state(rs_once)
    jac = tangentlike.jacfwd if mode == "forward" else tangentlike.jacrev
    g, _ = vector(0)
    np.testing.assert_allclose(jac(g)(x), expected, rtol=1e-12)


def test_hessian_and_jacobian_of_global_numpy_state():
    np.random.seed(3)
    expected = autograd.hessian(global_numpy)(X)
    after = np.random.randn()
    np.random.seed(3)
    expected_jac = autograd.jacobian(autograd.grad(global_numpy))(X)
    np.random.seed(3)
    H = tangentlike.hessian(global_numpy)(X)
    assert np.random.randn() == after
    np.testing.assert_allclose(H, expected, rtol=1e-12)
    for mode in ("forward", "reverse"):
        np.random.seed(3)
        J = tangentlike.jacobian(tangentlike.grad(global_numpy), mode=mode)(X)
        np.testing.assert_allclose(J, expected_jac, rtol=1e-12)


def test_hessian_of_python_random_module():
    random.seed(5)
    expected = autograd.hessian(python_random)(X)
    after = random.random()
    random.seed(5)
    H = tangentlike.hessian(python_random)(X)
    assert random.random() == after
    np.testing.assert_allclose(H, expected, rtol=1e-12)
    np.testing.assert_allclose(H, H.T, rtol=1e-12)


def test_hessian_with_respect_to_several_arguments():
    rs = np.random.RandomState(1)

    def f(a, b):
        r = rs.randn(2)
        return anp.sum(r * a ** 2 * b) + anp.sum(rs.randn(2) * b ** 3)

    a, b = np.array([0.3, 0.7]), np.array([1.1, -0.4])
    rs.seed(1)
    expected = autograd.hessian(lambda ab: f(ab[:2], ab[2:]))(np.concatenate([a, b]))
    rs.seed(1)
    blocks = tangentlike.hessian(f, wrt=(0, 1))(a, b)
    np.testing.assert_allclose(np.block([list(row) for row in blocks]), expected, rtol=1e-12)


def test_linearize_replays_the_draws_of_its_call():
    f, rs = legacy(0)
    value, jvp_fn = tangentlike.linearize(f, X)
    once, rs_once = legacy(0)
    assert value == once(X)
    assert _state(rs) == _state(rs_once)
    J = autograd.jacobian(legacy(0)[0])(X)
    rs.randn(7)  # the user draws between the products: jvp_fn neither sees nor moves it
    moved = _state(rs)
    for v in (np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.3, -2.0])):
        np.testing.assert_allclose(jvp_fn(v), J @ v, rtol=1e-12)
        assert _state(rs) == moved


def test_runs_that_draw_differently_are_refused():
    rs, calls = np.random.RandomState(0), []

    def f(x):
        calls.append(1)  # each run draws one number more than the one before
        return anp.sum(rs.randn(len(calls)) ** 2 * x ** 3)

    with pytest.raises(ValueRefusedError, match="drew different random numbers"):
        tangentlike.hessian(f)(X)


def test_linearize_refusal_leaves_the_generators_where_they_were():
    rs, calls = np.random.RandomState(0), []

    def f(x):
        calls.append(1)  # each run draws one number more than the one before
        return anp.sum(rs.randn(len(calls)) ** 2 * x ** 3)

    _, jvp_fn = tangentlike.linearize(f, X)
    rs.randn(2)
    moved = _state(rs)
    with pytest.raises(ValueRefusedError, match="drew different random numbers"):
        jvp_fn(np.ones(2))
    assert _state(rs) == moved


def _same_reference(a, b):
    """Equality of two generator states, element by element (``draws._same`` compares a
    tuple of plain values in one step)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(
            _same_reference(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return isinstance(b, (tuple, list)) and len(a) == len(b) and all(
            _same_reference(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


@pytest.mark.parametrize("make", [
    lambda: np.random.RandomState(1), lambda: np.random.default_rng(1).bit_generator,
    lambda: np.random.MT19937(1), lambda: random.Random(1)], ids=["rs", "pcg", "mt", "py"])
def test_state_comparison_matches_elementwise_comparison(make):
    from tangentlike.draws import _same
    from tangentlike.draws import _state as state
    g = make()
    if isinstance(g, random.Random):
        def draw(n):
            return [g.random() for _ in range(n)]
    elif isinstance(g, np.random.RandomState):
        draw = g.randn
    else:
        draw = np.random.Generator(g).random
    states = [state(g)]
    for n in (0, 1, 5):
        draw(n)
        states.append(state(g))
    legacy_tuples = [np.random.RandomState(s).get_state() for s in (1, 1, 2)]  # (arrays inside)
    samples = states + legacy_tuples + [(1, 2.0, "a"), (1, 2.0, "b"), [1, None], (1,)]
    for a in samples:
        for b in samples:
            assert _same(a, b) == _same_reference(a, b), (a, b)


_FROZEN_GENERATORS = """
import gc
import random
import numpy as np
import tangentlike


def drawing_from(rng):
    def f(x):
        return x * rng.normal(size=3)
    return f


def replayed(rng):
    state = rng.bit_generator.state
    jacobian = tangentlike.jacobian(drawing_from(rng))(np.ones(3))
    rng.bit_generator.state = state
    return "SAME" if np.allclose(jacobian, np.diag(rng.normal(size=3))) else "DIFFERENT"


before = np.random.default_rng(0)
print(replayed(before))  # nothing frozen yet
gc.freeze()  # the generators are in the permanent generation: gc.get_objects() omits them
print(replayed(np.random.default_rng(1)))  # created after the freeze
print(replayed(before))  # frozen
held = {"rng": np.random.default_rng(2)}
gc.freeze()  # a second freeze: the frozen generators are looked for again
print(replayed(held["rng"]))
frozen_python = random.Random(3)
gc.freeze()


def g(x):
    return x * frozen_python.random()


state = frozen_python.getstate()
x = np.array([2.0, 1.0])
hessian_of_cubes = tangentlike.hessian(lambda x: np.sum(g(x) ** 3))(x)
frozen_python.setstate(state)
u = frozen_python.random()
print("SAME" if np.allclose(hessian_of_cubes, np.diag(6 * x * u ** 3)) else "DIFFERENT")
"""


def test_generators_frozen_with_gc_freeze_are_replayed(tmp_path, subprocess_env):
    """A program that freezes its heap (``gc.freeze``) after creating generators: each column
    of the Jacobian (and of the Hessian) must see one call's draws, whether the generator was
    frozen once, twice or not at all.  Run in a child process: freezing this process's heap
    would make every later test look for frozen generators."""
    script = tmp_path / "frozen_generators.py"
    script.write_text(_FROZEN_GENERATORS)
    done = subprocess.run([sys.executable, str(script)], env=subprocess_env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["SAME"] * 5
