"""``tangentlike.checkpoint``: a checkpointed call's forward values are recomputed in the
backward pass instead of saved (issue 19, item 1).

Every derivative is checked against central finite differences (``support.check_grad``,
``support.check_every_mode``: reverse, forward along a direction, Hessian-vector product) and
against the same function without the checkpoint; the generated code is checked to recompute
(``# Recompute:``) and to save nothing of the callee; a loop of checkpointed blocks is checked
to need less memory (``tracemalloc``).
"""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tests.support import check_every_mode, check_grad, numerical_grad, peak_bytes

# -- the functions ---------------------------------------------------------------------------


@tangentlike.checkpoint
def dense(W, b, x):
    h = np.dot(W, x) + b
    return np.tanh(h)


def dense_plain(W, b, x):
    h = np.dot(W, x) + b
    return np.tanh(h)


def mlp(W1, b1, W2, b2, x):
    h = dense(W1, b1, x)
    y = dense(W2, b2, h)
    return np.sum(y * y)


def mlp_plain(W1, b1, W2, b2, x):
    h = dense_plain(W1, b1, x)
    y = dense_plain(W2, b2, h)
    return np.sum(y * y)


def step(x, w):
    a = np.sin(x * w)
    b = np.cos(a) * x
    c = np.tanh(b + a)
    return c * c * 0.5 + x * 0.9


def loop_checkpointed(x, w):
    for _ in range(100):
        x = tangentlike.checkpoint(step)(x, w)
    return np.sum(x * x)


def loop_plain(x, w):
    for _ in range(100):
        x = step(x, w)
    return np.sum(x * x)


def loop_named_checkpoint(x, w):
    block = tangentlike.checkpoint(step)
    for _ in range(7):
        x = block(x, w)
    return np.sum(np.sin(x))


def inner_helper(t):
    return np.exp(-t * t) + t


@tangentlike.checkpoint
def inner_checkpointed(t, s):
    return np.sin(t) * s


@tangentlike.checkpoint
def outer_block(x, s):
    u = inner_helper(x)  # an ordinary call inside a checkpointed function
    v = inner_checkpointed(u, s)  # and a checkpointed one
    return u * v


def nested(x, s):
    y = outer_block(x, s)
    z = outer_block(y, s)
    return np.sum(z) + np.sum(y * x)


def nested_one(x):
    return nested(x, 0.9)


def nested_plain(x, s):
    y = outer_block.function(x, s)
    z = outer_block.function(y, s)
    return np.sum(z) + np.sum(y * x)


@tangentlike.checkpoint
def block(x, s):
    h = np.sin(x) * s
    return np.tanh(h) + x


def one_block(x):
    y = block(x, 1.3)
    return np.sum(y * y)


def block_in_loop(x):
    for i in range(4):
        x = block(x, 0.5 + 0.1 * i)
    return np.sum(np.cos(x))


def argument_changed_after(x):
    a = x * 2.0
    y = block(a, 0.5)
    a[0] = 3.0  # the call read the old a[0]: the backward step must see it too
    return np.sum(y * a)


def argument_rebound_after(x):
    a = x * 2.0
    y = block(a, 0.5)
    a = a * a + y
    y = y + block(a, 0.25)
    return np.sum(y * a)


def params_layer(p, x):
    return np.tanh(np.dot(p["W"], x) + p["b"]) * p["scale"][0]


def pytree_args(W, b, x):
    p = {"W": W, "b": b, "scale": (1.5, 2.0)}
    y = tangentlike.checkpoint(params_layer)(p, x)
    return np.sum(y ** 2)


def pytree_args_plain(W, b, x):
    p = {"W": W, "b": b, "scale": (1.5, 2.0)}
    y = params_layer(p, x)
    return np.sum(y ** 2)


@tangentlike.checkpoint
def scalar_block(t):
    u = t * t
    return np.sin(u) * t


def scalar_f(t):
    return scalar_block(t) * 3.0 + scalar_block(t * 0.5)


def scalar_f_plain(t):
    return scalar_block.function(t) * 3.0 + scalar_block.function(t * 0.5)


RNG = np.random.default_rng(19)


def _normal(*shape):
    return RNG.standard_normal(shape)


# -- running it ------------------------------------------------------------------------------


def test_plain_calls_run_the_function():
    x = _normal(4)
    np.testing.assert_array_equal(block(x, 2.0), np.tanh(np.sin(x) * 2.0) + x)
    np.testing.assert_array_equal(tangentlike.checkpoint(step)(x, 0.3), step(x, 0.3))
    assert tangentlike.checkpoint(step) is tangentlike.checkpoint(step)
    assert tangentlike.checkpoint(block) is block
    assert block.__name__ == "block" and block.__wrapped__ is block.function


def test_mlp_layer_matches_finite_differences_and_the_plain_gradient():
    args = [_normal(5, 3), _normal(5), _normal(2, 5), _normal(2), _normal(3)]
    wrt = (0, 1, 2, 3, 4)
    got = check_grad(mlp, args, wrt=wrt)
    expected = tangentlike.grad(mlp_plain, wrt=wrt)(*args)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def test_loop_of_100_checkpointed_steps():
    x = _normal(6)
    (got,) = check_grad(loop_checkpointed, [x, 0.8], wrt=(0,))
    np.testing.assert_allclose(got, tangentlike.grad(loop_plain)(x, 0.8),
                               rtol=1e-12, atol=1e-14)
    both = tangentlike.grad(loop_checkpointed, wrt=(0, 1))(x, 0.8)
    np.testing.assert_allclose(both[1], numerical_grad(loop_checkpointed, [x, 0.8], (1,))[0],
                               rtol=1e-5)


sin_times = tangentlike.checkpoint(lambda t: np.sin(t) * t)


def lambda_at_module_level(x):
    return np.sum(sin_times(x) * x)


def lambda_at_the_call(x, s):
    y = tangentlike.checkpoint(lambda t: np.sin(t) * s)(x)  # s: a local the lambda reads
    return np.sum(y * x)


def test_lambdas():
    check_grad(lambda_at_module_level, [_normal(4)])
    check_grad(lambda_at_the_call, [_normal(4), 0.3], wrt=(0, 1))
    source = tangentlike.grad(lambda_at_the_call, wrt=(0, 1)).source
    assert "# Recompute: y = tangentlike.checkpoint(lambda t: np.sin(t) * s)(x)" in source


@tangentlike.checkpoint
def star_args(x, *rest, scale=2.0):
    return np.sin(x) * scale + rest[0] * rest[1]


@tangentlike.checkpoint
def defaults(x, scale=2.0, *, off=1.0):
    return np.sin(x) * scale + off


def calls_star_args(x):
    return np.sum(star_args(x, x * x, 0.5, scale=3.0))


def calls_with_defaults(x):
    return np.sum(defaults(x, off=x) * defaults(x))


@pytest.mark.parametrize("f", [calls_star_args, calls_with_defaults], ids=lambda f: f.__name__)
def test_star_parameters_and_defaults(f):
    check_every_mode(f, _normal(4), _normal(4))
    assert "# Recompute:" in tangentlike.grad(f).source
    assert "_forward(" not in _sweeps(tangentlike.grad(f).source)[0]


def test_a_checkpoint_bound_to_a_name_then_called():
    check_grad(loop_named_checkpoint, [_normal(5), 0.6], wrt=(0, 1))


def test_nested_calls_inside_a_checkpointed_function():
    x = _normal(4)
    got = check_grad(nested, [x, 0.7], wrt=(0, 1))
    expected = tangentlike.grad(nested_plain, wrt=(0, 1))(x, 0.7)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("f", [one_block, block_in_loop, argument_changed_after,
                               argument_rebound_after, nested_one], ids=lambda f: f.__name__)
def test_every_mode_and_hvp(f):
    """Reverse, forward (a checkpointed call is an ordinary one there) and Hessian-vector
    products (forward over the reverse derivative, through the recomputation)."""
    check_every_mode(f, _normal(5), _normal(5))


def test_arguments_changed_after_the_call():
    for f in (argument_changed_after, argument_rebound_after, block_in_loop):
        check_grad(f, [_normal(6)])


def dict_layer(p, x):
    return np.tanh(p["W"] * x) + p["b"][0]


def container_changed_after(W, x):
    p = {"W": W, "b": [x * 2.0]}
    y = tangentlike.checkpoint(dict_layer)(p, x)
    p["W"] = W * 3.0  # the first call read the old p["W"]
    z = tangentlike.checkpoint(dict_layer)(p, y)
    return np.sum(z * y)


def test_a_container_argument_changed_after_the_call():
    check_grad(container_changed_after, [_normal(4), _normal(4)], wrt=(0, 1))
    backward = _sweeps(tangentlike.grad(container_changed_after).source)[1]
    assert backward.index("p['W'] = stack.pop()") < backward.index("dict_layer_forward(p, x)")


def test_pytree_arguments():
    args = [_normal(3, 4), _normal(3), _normal(4)]
    got = check_grad(pytree_args, args, wrt=(0, 1, 2))
    expected = tangentlike.grad(pytree_args_plain, wrt=(0, 1, 2))(*args)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


def test_split_motion():
    check_grad(one_block, [_normal(4)], motion="split")
    check_grad(block_in_loop, [_normal(4)], motion="split")


def test_forward_mode_is_an_ordinary_call():
    x, v = _normal(5), _normal(5)
    jf = tangentlike.autodiff(block_in_loop, mode="forward")
    expected = numerical_grad(block_in_loop, [x])[0] @ v
    np.testing.assert_allclose(jf(x, v), expected, rtol=1e-6)
    source = jf.source
    assert "Recompute" not in source and "_jvp(" in source


def test_second_order():
    t = 0.7
    d2 = tangentlike.grad(tangentlike.grad(scalar_f))
    d2_plain = tangentlike.grad(tangentlike.grad(scalar_f_plain))
    d1 = tangentlike.grad(scalar_f)
    eps = 1e-5
    fd = (d1(t + eps) - d1(t - eps)) / (2 * eps)
    np.testing.assert_allclose(d2(t), fd, rtol=1e-6)
    np.testing.assert_allclose(d2(t), d2_plain(t), rtol=1e-12)
    x = _normal(3)
    h = tangentlike.hessian(one_block)(x)
    g = tangentlike.grad(one_block)
    columns = [(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(h, np.array(columns).T, rtol=1e-5, atol=1e-7)


@tangentlike.checkpoint
def block_loss(x, s):
    h = np.sin(x) * s
    return np.sum(np.tanh(h) * x)


def test_the_top_level_function_is_the_function_it_wraps():
    x = _normal(4)
    got = check_grad(block_loss, [x, 1.1], wrt=(0, 1))
    expected = tangentlike.grad(block_loss.function, wrt=(0, 1))(x, 1.1)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)
    check_every_mode(lambda t: block_loss(t, 0.4), x, _normal(4))


# -- the generated code ----------------------------------------------------------------------


def _sweeps(source: str) -> tuple[str, str]:
    """The forward sweep and the backward sweep of a joint reverse-mode derivative."""
    forward, _, backward = source.partition("= seed(")
    return forward, backward


def test_generated_code_recomputes_and_saves_nothing_of_the_callee():
    source = tangentlike.grad(loop_checkpointed).source
    forward, backward = _sweeps(source)
    assert "# Recompute: x = tangentlike.checkpoint(step)(x, w)" in backward
    assert "step_forward(x, w)" in backward and "step_backward(" in backward
    assert "step_forward" not in forward and "_saved" not in forward
    assert "checkpointed_step(x, w)" in forward
    assert forward.count("stack.append(") == 1  # the argument x, once per iteration
    plain_forward, _ = _sweeps(tangentlike.grad(loop_plain).source)
    assert plain_forward.count("stack.append(") > forward.count("stack.append(")

    source = tangentlike.grad(one_block).source
    forward, backward = _sweeps(source)
    assert "y = block(x, 1.3)" in forward and "_forward" not in forward
    lines = [line.strip() for line in backward.splitlines()]
    at = lines.index("# Recompute: y = block(x, 1.3)")
    assert lines[at + 1] == "y_again, y_saved = block_forward(x, 1.3)"
    assert lines[at + 2].startswith("bx = block_backward(y_saved, x, 1.3, init_grad=")


def test_a_checkpointed_function_is_never_inlined(monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_INLINE", "on")
    source = tangentlike.grad(one_block).source
    assert "np.sin(" not in _sweeps(source)[0]


# -- memory ----------------------------------------------------------------------------------


def wide_step(x, w):
    a = np.sin(x * w)
    b = np.cos(a) * x
    c = np.tanh(b + a)
    d = c * c + a
    return d * 0.5 + x * 0.1


def wide_loop(x, w):
    for _ in range(50):
        x = wide_step(x, w)
    return np.sum(x)


def wide_loop_checkpointed(x, w):
    for _ in range(50):
        x = tangentlike.checkpoint(wide_step)(x, w)
    return np.sum(x)


def _peak_bytes(df, *args) -> int:
    df(*args)  # generated, and its version by shape written, before measuring
    df(*args)
    return peak_bytes(df, *args)


@pytest.mark.slow  # (a few seconds: the default run keeps the file's other tests)
def test_checkpointing_a_loop_lowers_peak_memory():
    """50 steps on 100,000 floats (800 kB an array): without the checkpoint each step's
    intermediates are kept for the backward pass (about 207 MB at the peak, 406 MB with
    inlining off); with it, only each step's argument (about 55 MB at the peak), and the
    gradients are the same."""
    x = _normal(100_000)
    plain = tangentlike.grad(wide_loop)
    checkpointed = tangentlike.grad(wide_loop_checkpointed)
    np.testing.assert_allclose(checkpointed(x, 0.9), plain(x, 0.9), rtol=1e-12, atol=1e-300)
    peak_plain = _peak_bytes(plain, x, 0.9)
    peak_checkpointed = _peak_bytes(checkpointed, x, 0.9)
    assert peak_checkpointed < peak_plain / 3, (peak_plain, peak_checkpointed)
    assert peak_checkpointed < 80 * x.nbytes  # 50 saved arguments and a step's values


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [np.sin, 3.0, dict, "step"])
def test_checkpoint_of_something_that_is_not_a_function(value):
    with pytest.raises(tangentlike.InputError, match="tangentlike.checkpoint takes a Python "
                                                     "function"):
        tangentlike.checkpoint(value)


GLOBAL_GENERATOR = np.random.default_rng(5)


def noise_np_random(a):
    return a * np.random.normal(size=a.shape)


def noise_global_generator(a):
    return a + GLOBAL_GENERATOR.standard_normal(a.shape)


def draws_in_a_helper(a):
    return np.sin(noise_np_random(a))


def noise_from_argument(a, rng):
    return a * rng.uniform(size=a.shape)


def calls_noise_np_random(x):
    return np.sum(tangentlike.checkpoint(noise_np_random)(x) * x)


def calls_noise_global_generator(x):
    return np.sum(tangentlike.checkpoint(noise_global_generator)(x) * x)


def calls_draws_in_a_helper(x):
    return np.sum(tangentlike.checkpoint(draws_in_a_helper)(x) * x)


def calls_noise_from_argument(x, rng):
    return np.sum(tangentlike.checkpoint(noise_from_argument)(x, rng) * x)


@pytest.mark.parametrize("f, line", [
    (calls_noise_np_random, "np.random.normal(size=a.shape)"),
    (calls_noise_global_generator, "GLOBAL_GENERATOR.standard_normal(a.shape)"),
    (calls_draws_in_a_helper, "np.random.normal(size=a.shape)"),
    (calls_noise_from_argument, "rng.uniform(size=a.shape)"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_checkpointed_function_that_draws_random_numbers_is_refused(f, line):
    """Run again in the backward pass, it would draw other numbers: a wrong gradient."""
    args = [_normal(3)] + ([np.random.default_rng(0)] if f is calls_noise_from_argument
                          else [])
    with pytest.raises(tangentlike.UnsupportedSyntaxError, match="may draw random numbers") \
            as refused:
        tangentlike.grad(f)(*args)
    assert line in str(refused.value) and "test_checkpoint.py" in str(refused.value)
    undecorated = f.__name__.replace("calls_", "")
    assert f"tangentlike.checkpoint({undecorated})" in str(refused.value)


class Model:
    def __init__(self, w):
        self.w = w

    @tangentlike.checkpoint
    def block(self, x):
        return np.sin(x) * self.w


MODEL = Model(1.5)


def calls_a_checkpointed_method(x):
    return np.sum(MODEL.block(x) * x)


def calls_the_method_of_an_argument(x, model):
    return np.sum(model.block(x) * x)


def test_a_checkpointed_method():
    x = _normal(4)
    np.testing.assert_array_equal(MODEL.block(x), np.sin(x) * 1.5)
    check_grad(calls_a_checkpointed_method, [x])
    source = tangentlike.grad(calls_a_checkpointed_method).source
    assert "# Recompute:" in source and "block_forward(MODEL, x)" in source


def test_a_checkpointed_method_of_an_argument_is_refused_not_wrong():
    """A method found only when the call runs: not differentiated through (yet): refused."""
    with pytest.raises(tangentlike.TangentlikeError):
        tangentlike.grad(calls_the_method_of_an_argument)(_normal(4), MODEL)
