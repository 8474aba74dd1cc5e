"""The public API: grad, autodiff, value_and_grad, init_grad, the cache, and Tangent compatibility.

The functions differentiated here live in tests/api_fixtures/ (tangentlike reads source code).
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from api_fixtures import collisions, globals_probe, models, registered, tangent_style

import tangentlike
import tangentlike.api
import tangentlike.pipeline
from tangentlike import INPUT_DERIVATIVE
from tangentlike.rules import registry

RNG = np.random.default_rng(0)
X = np.array([0.3, -1.2, 2.0])
W = np.array([[0.5, -0.25, 1.0], [0.1, 0.2, -0.3]])
B = np.array([0.05, -0.4])


def sin_times_x_grad(x):
    return np.cos(x) * x + np.sin(x)


def layer_grads(x, w, b):
    """Closed-form gradients of ``models.layer`` with respect to x, W and b."""
    z = 1.0 - np.tanh(w @ x + b) ** 2
    return w.T @ z, np.outer(z, x), z


# --- grad: basic use ------------------------------------------------------------------------

def test_grad_matches_closed_form():
    df = tangentlike.grad(models.sin_times_x)
    np.testing.assert_allclose(df(X), sin_times_x_grad(X), rtol=1e-12)


def test_grad_result_is_an_array_of_the_input_shape():
    x = RNG.normal(size=(4, 3))
    g = tangentlike.grad(models.sin_times_x)(x)
    assert isinstance(g, np.ndarray) and g.shape == x.shape and g.dtype == np.float64
    np.testing.assert_allclose(g, sin_times_x_grad(x), rtol=1e-12)


def test_bare_decorator():
    # models.bare_decorated is defined with a bare ``@tangentlike.grad``.
    assert callable(models.bare_decorated)
    assert "def " in models.bare_decorated.source
    np.testing.assert_allclose(models.bare_decorated(X), 3.0 * X ** 2, rtol=1e-12)


def test_decorator_with_arguments():
    # models.decorated_two is defined with ``@tangentlike.grad(wrt=(0, 1))``.
    y = np.array([0.1, 0.2, -0.5])
    gx, gy = models.decorated_two(X, y)
    np.testing.assert_allclose(gx, np.exp(y), rtol=1e-12)
    np.testing.assert_allclose(gy, X * np.exp(y), rtol=1e-12)


def test_decorator_inside_a_function():
    @tangentlike.grad
    def f(x):
        return np.sum(np.exp(x) * 2.0)

    @tangentlike.grad(wrt=(1,))
    def g(x, y):
        return np.sum(x * y * y)

    np.testing.assert_allclose(f(X), 2.0 * np.exp(X), rtol=1e-12)
    np.testing.assert_allclose(g(X, X + 1.0), 2.0 * X * (X + 1.0), rtol=1e-12)


@pytest.mark.parametrize("wrt, index", [((0,), 0), ((1,), 1), ((2,), 2), (0, 0), (2, 2),
                                        (("x",), 0), (("W",), 1), ("b", 2)])
def test_wrt_by_index_and_by_name(wrt, index):
    g = tangentlike.grad(models.layer, wrt=wrt)(X, W, B)
    expected = layer_grads(X, W, B)[index]
    assert np.shape(g) == np.shape(expected)
    np.testing.assert_allclose(g, expected, rtol=1e-12)


@pytest.mark.parametrize("wrt", [(0, 1, 2), ("x", "W", "b"), (0, "W", 2)])
def test_several_wrt_return_a_tuple_in_order(wrt):
    grads = tangentlike.grad(models.layer, wrt=wrt)(X, W, B)
    assert isinstance(grads, tuple) and len(grads) == 3
    for g, expected in zip(grads, layer_grads(X, W, B)):
        np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_several_wrt_follow_the_order_given():
    gb, gx = tangentlike.grad(models.layer, wrt=(2, 0))(X, W, B)
    ex, _, eb = layer_grads(X, W, B)
    np.testing.assert_allclose(gb, eb, rtol=1e-12)
    np.testing.assert_allclose(gx, ex, rtol=1e-12)


@pytest.mark.parametrize("wrt", [(5,), ("nope",), (0, 0)])
def test_bad_wrt_is_a_clear_error(wrt):
    with pytest.raises(tangentlike.TangentlikeError):
        tangentlike.grad(models.layer, wrt=wrt)


def test_non_differentiated_inputs_are_left_alone():
    x, w = X.copy(), np.array([2.0, 0.5, -1.0])
    x0, w0 = x.copy(), w.copy()
    # ``label`` is not differentiated, so any object with a length is fine, even a string.
    g = tangentlike.grad(models.weighted)(x, w, "abc")
    np.testing.assert_allclose(g, 2.0 * x * w * 3.0, rtol=1e-12)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    # an integer index array that is not differentiated is no InputError
    idx = np.array([2, 2, 0])
    g = tangentlike.grad(models.pick)(x, idx)
    np.testing.assert_allclose(g, [2 * x[0], 0.0, 4 * x[2]], rtol=1e-12)
    np.testing.assert_array_equal(idx, [2, 2, 0])


def test_seed_is_not_modified():
    seed = np.array([1.0, 2.0])
    seed0 = seed.copy()
    tangentlike.grad(models.vector_out)(X, W, seed)
    np.testing.assert_array_equal(seed, seed0)


# --- results: preserve_result and value_and_grad -------------------------------------------

def test_preserve_result_returns_grad_then_value():
    df = tangentlike.grad(models.sin_times_x, preserve_result=True)
    out = df(X)
    assert isinstance(out, tuple) and len(out) == 2
    g, value = out
    np.testing.assert_allclose(g, sin_times_x_grad(X), rtol=1e-12)
    assert value == pytest.approx(models.sin_times_x(X), rel=1e-12)


def test_preserve_result_with_several_wrt():
    out = tangentlike.grad(models.layer, wrt=(0, 2), preserve_result=True)(X, W, B)
    assert len(out) == 3
    gx, gb, value = out
    ex, _, eb = layer_grads(X, W, B)
    np.testing.assert_allclose(gx, ex, rtol=1e-12)
    np.testing.assert_allclose(gb, eb, rtol=1e-12)
    assert value == pytest.approx(models.layer(X, W, B), rel=1e-12)


def test_value_and_grad_returns_value_first():
    value, g = tangentlike.value_and_grad(models.sin_times_x)(X)
    assert value == pytest.approx(models.sin_times_x(X), rel=1e-12)
    np.testing.assert_allclose(g, sin_times_x_grad(X), rtol=1e-12)


def test_value_and_grad_with_several_wrt():
    value, grads = tangentlike.value_and_grad(models.layer, wrt=("x", "W"))(X, W, B)
    assert value == pytest.approx(models.layer(X, W, B), rel=1e-12)
    assert isinstance(grads, tuple) and len(grads) == 2
    ex, ew, _ = layer_grads(X, W, B)
    np.testing.assert_allclose(grads[0], ex, rtol=1e-12)
    np.testing.assert_allclose(grads[1], ew, rtol=1e-12)


def test_value_and_grad_as_decorator():
    @tangentlike.value_and_grad
    def f(x):
        return np.sum(x * x)

    value, g = f(X)
    assert value == pytest.approx(np.sum(X * X))
    np.testing.assert_allclose(g, 2 * X)


# --- the output seed (init_grad) ------------------------------------------------------------

def test_init_grad_keyword_scales_the_gradient():
    df = tangentlike.grad(models.sin_times_x)
    np.testing.assert_allclose(df(X, init_grad=2.5), 2.5 * sin_times_x_grad(X), rtol=1e-12)


def test_init_grad_trailing_positional_scales_the_gradient():
    df = tangentlike.grad(models.sin_times_x)
    np.testing.assert_allclose(df(X, -0.5), -0.5 * sin_times_x_grad(X), rtol=1e-12)


def test_init_grad_defaults_to_one():
    df = tangentlike.grad(models.sin_times_x)
    np.testing.assert_allclose(df(X), df(X, 1.0), rtol=0)
    np.testing.assert_allclose(df(X), df(X, init_grad=1.0), rtol=0)


def vector_out_jacobian(x, w):
    return w * (1.0 - np.tanh(x) ** 2)[None, :]


@pytest.mark.parametrize("how", ["positional", "keyword"])
def test_vector_output_with_array_seed_is_a_vjp(how):
    v = np.array([0.7, -1.3])
    df = tangentlike.grad(models.vector_out)
    g = df(X, W, v) if how == "positional" else df(X, W, init_grad=v)
    np.testing.assert_allclose(g, v @ vector_out_jacobian(X, W), rtol=1e-12)


def test_vector_output_rows_of_the_jacobian():
    df = tangentlike.grad(models.vector_out)
    rows = np.stack([df(X, W, e) for e in np.eye(2)])
    np.testing.assert_allclose(rows, vector_out_jacobian(X, W), rtol=1e-12)


def test_vector_output_without_seed_is_a_clear_error():
    df = tangentlike.grad(models.vector_out)
    with pytest.raises(ValueError) as info:
        df(X, W)
    message = str(info.value)
    assert "init_grad" in message
    assert "(2,)" in message  # names the output's shape


def test_seed_of_wrong_shape_is_a_clear_error():
    df = tangentlike.grad(models.vector_out)
    with pytest.raises(ValueError, match="shape"):
        df(X, W, np.ones(3))


def test_check_dims_false_is_accepted():
    df = tangentlike.grad(models.sin_times_x, check_dims=False)
    np.testing.assert_allclose(df(X), sin_times_x_grad(X), rtol=1e-12)
    dv = tangentlike.grad(models.vector_out, check_dims=False)
    v = np.array([0.7, -1.3])
    np.testing.assert_allclose(dv(X, W, v), v @ vector_out_jacobian(X, W), rtol=1e-12)


def test_autodiff_required_seed():
    df = tangentlike.autodiff(models.square, input_derivative=INPUT_DERIVATIVE.Required)
    with pytest.raises(TypeError):
        df(3.0)
    assert df(3.0, 1.0) == pytest.approx(6.0)
    assert df(3.0, init_grad=0.5) == pytest.approx(3.0)


def test_autodiff_default_is_required():
    df = tangentlike.autodiff(models.square, wrt=(0,))
    with pytest.raises(TypeError):
        df(3.0)


def test_autodiff_default_one_seed():
    df = tangentlike.autodiff(models.square, input_derivative=INPUT_DERIVATIVE.DefaultOne)
    assert df(3.0) == pytest.approx(6.0)
    assert df(3.0, 2.0) == pytest.approx(12.0)


def test_autodiff_rejects_unsupported_mode_and_motion():
    with pytest.raises(tangentlike.TangentlikeError):
        tangentlike.autodiff(models.square, mode="sideways")
    with pytest.raises(tangentlike.TangentlikeError):
        tangentlike.autodiff(models.square, motion="diagonal")


# --- motion and optimization ----------------------------------------------------------------

@pytest.mark.parametrize("wrt", [(0,), (0, 1, 2)])
def test_split_motion_matches_joint(wrt):
    joint = tangentlike.grad(models.layer, wrt=wrt)(X, W, B)
    df = tangentlike.grad(models.layer, wrt=wrt, motion="split")
    split = df(X, W, B)
    if len(wrt) == 1:
        joint, split = (joint,), (split,)
    assert len(split) == len(joint)
    for a, b in zip(joint, split):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert callable(df.forward) and callable(df.backward)


def test_split_motion_forward_and_backward_by_hand():
    df = tangentlike.grad(models.layer, wrt=(1,), motion="split")
    value, saved = df.forward(X, W, B)
    assert value == pytest.approx(models.layer(X, W, B), rel=1e-12)
    g = df.backward(saved, X, W, B)
    np.testing.assert_allclose(g, layer_grads(X, W, B)[1], rtol=1e-12)
    np.testing.assert_allclose(df.backward(saved, X, W, B, 2.0), 2.0 * g, rtol=1e-12)


def test_split_motion_seed_and_preserve_result():
    df = tangentlike.grad(models.sin_times_x, motion="split", preserve_result=True)
    g, value = df(X, init_grad=3.0)
    np.testing.assert_allclose(g, 3.0 * sin_times_x_grad(X), rtol=1e-12)
    assert value == pytest.approx(models.sin_times_x(X), rel=1e-12)
    v = np.array([0.7, -1.3])
    dv = tangentlike.grad(models.vector_out, motion="split")
    np.testing.assert_allclose(dv(X, W, v), v @ vector_out_jacobian(X, W), rtol=1e-12)


@pytest.mark.parametrize("motion", ["joint", "split"])
def test_arguments_by_keyword(motion):
    df = tangentlike.grad(models.layer, wrt=(0, 2), motion=motion)
    by_position = df(X, W, B)
    by_keyword = df(x=X, W=W, b=B)
    for a, b in zip(by_position, by_keyword):
        np.testing.assert_allclose(a, b, rtol=0)
    for a, b in zip(df(X, W, b=B, init_grad=2.0), by_position):
        np.testing.assert_allclose(a, 2.0 * b, rtol=1e-12)


@pytest.mark.parametrize("motion", ["joint", "split"])
def test_unoptimized_matches_optimized(motion):
    fast = tangentlike.grad(models.layer, wrt=(0, 1, 2), motion=motion)
    slow = tangentlike.grad(models.layer, wrt=(0, 1, 2), motion=motion, optimized=False)
    assert fast is not slow
    for a, b in zip(fast(X, W, B), slow(X, W, B)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert "not optimized" in slow.source


def test_verbose_prints_the_source(capsys):
    tangentlike.clear_cache()
    df = tangentlike.grad(models.sin_times_x, verbose=1)
    out = capsys.readouterr().out
    assert df.source.strip() in out
    assert "def " in out


def test_verbose_zero_prints_nothing(capsys):
    tangentlike.grad(models.sin_times_x, verbose=0)
    assert capsys.readouterr().out == ""


# --- the in-memory cache and deterministic output -------------------------------------------

@pytest.fixture
def compile_spy(monkeypatch):
    """Count calls of the pipeline's compile_derivative (wherever the API looks it up)."""
    calls = []
    real = tangentlike.pipeline.compile_derivative

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(tangentlike.pipeline, "compile_derivative", spy)
    monkeypatch.setattr(tangentlike.api, "compile_derivative", spy, raising=False)
    return calls


def test_second_grad_is_served_from_the_cache(compile_spy):
    tangentlike.clear_cache()
    first = tangentlike.grad(models.sin_times_x)
    assert len(compile_spy) == 1
    second = tangentlike.grad(models.sin_times_x)
    assert second is first
    assert len(compile_spy) == 1


def test_different_options_are_cached_separately(compile_spy):
    tangentlike.clear_cache()
    a = tangentlike.grad(models.layer, wrt=(0,))
    b = tangentlike.grad(models.layer, wrt=(1,))
    assert a is not b and len(compile_spy) == 2
    assert tangentlike.grad(models.layer, wrt=(0,)) is a
    assert tangentlike.grad(models.layer, wrt=(1,)) is b
    assert len(compile_spy) == 2


def test_clear_cache_forces_regeneration(compile_spy):
    tangentlike.clear_cache()
    first = tangentlike.grad(models.sin_times_x)
    tangentlike.clear_cache()
    second = tangentlike.grad(models.sin_times_x)
    assert second is not first
    assert len(compile_spy) == 2
    np.testing.assert_allclose(first(X), second(X), rtol=0)


@pytest.mark.parametrize("kwargs", [{}, {"wrt": (0, 1, 2)}, {"motion": "split"},
                                    {"optimized": False}, {"preserve_result": True}])
def test_generation_is_deterministic(kwargs):
    tangentlike.clear_cache()
    first = tangentlike.grad(models.layer, **kwargs)
    tangentlike.clear_cache()
    second = tangentlike.grad(models.layer, **kwargs)
    assert second is not first
    assert second.source.encode() == first.source.encode()
    assert second.path == first.path


_PRINT_SOURCE = """
import sys
import tangentlike
from api_fixtures import collisions, globals_probe, models
for func, wrt in [(models.layer, (0, 1, 2)), (globals_probe.model, (0, 1)),
                  (collisions.collide, (0,))]:
    for motion in ("joint", "split"):
        sys.stdout.write(tangentlike.grad(func, wrt=wrt, motion=motion).source)
"""


@pytest.mark.slow  # several processes (seconds): the default run's time
def test_generation_is_deterministic_across_processes(subprocess_env):
    """Different hash seeds (set and dict orders) give byte-identical modules."""
    outputs = []
    for hash_seed in ("1", "2", "12345"):
        env = dict(subprocess_env, PYTHONHASHSEED=hash_seed)
        done = subprocess.run([sys.executable, "-c", _PRINT_SOURCE], env=env,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]


# --- Tangent compatibility ------------------------------------------------------------------

def test_tangent_style_program_runs_unchanged():
    r = tangent_style.main()
    x = np.array([0.5, -1.0, 2.0])
    y = np.array([1.5, 0.25, -0.5])
    np.testing.assert_allclose(r["grad_x"], np.cos(x * y) * y, rtol=1e-12)
    gx, gy, value = r["grad_xy_and_value"]
    np.testing.assert_allclose(gx, np.cos(x * y) * y, rtol=1e-12)
    np.testing.assert_allclose(gy, np.cos(x * y) * x + 2 * y, rtol=1e-12)
    assert value == pytest.approx(tangent_style.f(x, y), rel=1e-12)
    assert r["autodiff_default_one"] == pytest.approx(12.0)
    assert r["autodiff_required"] == pytest.approx(6.0)


def test_tangent_style_program_as_a_script(subprocess_env):
    done = subprocess.run([sys.executable, tangent_style.__file__], env=subprocess_env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "grad_x" in done.stdout and "init_grad_dict" in done.stdout


def test_tangent_init_grad():
    r = tangent_style.main()
    zeros = r["init_grad_array"]
    assert isinstance(zeros, np.ndarray) and zeros.shape == (3,) and zeros.dtype == np.float64
    assert not zeros.any()
    assert r["init_grad_float"] == 0.0 and isinstance(r["init_grad_float"], float)
    t = r["init_grad_tuple"]
    assert isinstance(t, tuple) and t[0] == 0.0 and np.array_equal(t[1], np.zeros(3))
    lst = r["init_grad_list"]
    assert isinstance(lst, list) and lst[0] == 0.0 and np.array_equal(lst[1], np.zeros(3))
    dct = r["init_grad_dict"]
    assert isinstance(dct, dict) and set(dct) == {"a", "b"}
    assert dct["a"] == 0.0 and np.array_equal(dct["b"], np.zeros(3))


@pytest.mark.parametrize("x, shape, dtype", [
    (np.ones((2, 3)), (2, 3), np.float64),
    (np.ones(4, dtype=np.float32), (4,), np.float32),
    (np.arange(3), (3,), np.float64),  # integer arrays get a floating point zero
    (np.float32(2.0), (), np.float32),
])
def test_init_grad_shapes_and_dtypes(x, shape, dtype):
    z = tangentlike.init_grad(x)
    assert np.shape(z) == shape
    assert np.asarray(z).dtype == dtype
    assert not np.any(z)


def test_init_grad_does_not_alias_its_input():
    x = np.ones(3)
    z = tangentlike.init_grad(x)
    z += 1.0
    np.testing.assert_array_equal(x, np.ones(3))


# --- generated names never collide with the user's ------------------------------------------

@pytest.mark.parametrize("motion", ["joint", "split"])
@pytest.mark.parametrize("optimized", [True, False])
def test_user_names_do_not_collide_with_generated_names(motion, optimized):
    x = np.array([0.4, -0.7, 1.3])
    df = tangentlike.grad(collisions.collide, motion=motion, optimized=optimized)
    np.testing.assert_allclose(df(x), collisions.collide_expected(x), rtol=1e-12)
    np.testing.assert_allclose(df(x, 2.0), 2.0 * collisions.collide_expected(x), rtol=1e-12)


def test_init_grad_keyword_works_when_user_has_a_local_named_init_grad():
    x = np.array([0.4, -0.7, 1.3])
    df = tangentlike.grad(collisions.collide)
    np.testing.assert_allclose(df(x, init_grad=2.0), 2.0 * collisions.collide_expected(x),
                               rtol=1e-12)


@pytest.mark.parametrize("motion", ["joint", "split"])
def test_seed_passes_under_the_name_df_reports_when_a_parameter_is_named_init_grad(motion):
    """``f(x, init_grad)``: the seed gets a fresh name (``df.seed``), under which it is passed
    by keyword; the user's ``init_grad`` is an argument like any other (a split derivative
    used to drop it from the forward sweep and pass the seed there)."""
    f = collisions.seed_named_parameter
    s = np.array([0.5, 2.0, -1.0])
    expected = np.cos(X) * s
    df = tangentlike.grad(f, motion=motion)
    assert df.seed != "init_grad"
    np.testing.assert_allclose(df(X, s), expected, rtol=1e-12)
    np.testing.assert_allclose(df(X, s, 2.0), 2.0 * expected, rtol=1e-12)
    np.testing.assert_allclose(df(X, s, **{df.seed: 2.0}), 2.0 * expected, rtol=1e-12)
    np.testing.assert_allclose(df(X, init_grad=s, **{df.seed: 2.0}), 2.0 * expected,
                               rtol=1e-12)
    np.testing.assert_allclose(df(x=X, init_grad=s), expected, rtol=1e-12)
    required = tangentlike.autodiff(f, motion=motion)
    np.testing.assert_allclose(required(X, s, **{required.seed: 2.0}), 2.0 * expected,
                               rtol=1e-12)
    value, g = tangentlike.value_and_grad(f)(X, s, **{df.seed: 2.0})
    assert value == pytest.approx(f(X, s))
    np.testing.assert_allclose(g, 2.0 * expected, rtol=1e-12)
    g, aux = tangentlike.grad(collisions.seed_named_pair, has_aux=True)(
        X, init_grad=s, **{df.seed: 2.0})
    assert aux == "aux"
    np.testing.assert_allclose(g, 2.0 * expected, rtol=1e-12)
    value, vjp_fn = tangentlike.vjp(f, X, s)
    gx, gs = vjp_fn(2.0)
    np.testing.assert_allclose(gx, 2.0 * expected, rtol=1e-12)
    np.testing.assert_allclose(gs, 2.0 * np.sin(X), rtol=1e-12)


def test_a_wrong_seed_is_reported_under_the_name_df_takes_it_by():
    """The seed's checks name the parameter the derivative has (``init_grad_1`` when ``f``
    has an ``init_grad`` of its own), not ``init_grad``."""
    df = tangentlike.grad(collisions.seed_named_parameter)
    with pytest.raises(ValueError, match=rf"^{df.seed} has shape \(2,\)"):
        df(X, np.ones(3), **{df.seed: np.ones(2)})


@pytest.mark.parametrize("motion", ["joint", "split"])
def test_recursive_call_passes_the_seed_under_the_name_the_callee_chose(motion):
    """The recursive call's seed keyword is the callee's seed name, known before its halves
    are generated (``init_grad_1`` is a local there, so the seed is ``init_grad_2``)."""
    df = tangentlike.grad(collisions.calls_seed_named_recursion, motion=motion)
    x, s = 1.5, 0.5
    assert df(x, s) == pytest.approx(3 * x ** 2 * 2.0 * s, rel=1e-12)
    assert df(x, s, **{df.seed: 2.0}) == pytest.approx(2 * 3 * x ** 2 * 2.0 * s, rel=1e-12)


def test_user_module_globals_are_not_modified():
    before = dict(vars(globals_probe))
    x = np.array([0.2, -0.1, 0.4])
    w = W.copy()
    for kwargs in [{}, {"wrt": (0, 1)}, {"motion": "split"}, {"optimized": False},
                   {"preserve_result": True}]:
        tangentlike.clear_cache()
        tangentlike.grad(globals_probe.model, **kwargs)(x, w)
    tangentlike.value_and_grad(globals_probe.model)(x, w)
    after = dict(vars(globals_probe))
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert after[key] is value, key
    assert "np" not in vars(globals_probe)


def test_collision_module_globals_are_not_modified():
    before = dict(vars(collisions))
    tangentlike.clear_cache()
    tangentlike.grad(collisions.collide)(np.array([0.1, 0.2]))
    after = dict(vars(collisions))
    assert after.keys() == before.keys()
    assert all(after[k] is v for k, v in before.items())


# --- user rules -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def user_rules():
    """api_fixtures.user_rules, whose rules are registered only while this module's tests run."""
    with registered("api_fixtures.user_rules") as module:
        yield module


def test_user_registered_adjoint_is_used(user_rules):
    x = np.array([0.1, -0.5, 1.2])
    df = tangentlike.grad(user_rules.uses_my_prim)
    expected = 3.0 * 2.0 / np.sqrt(np.pi) * np.exp(-x * x)
    np.testing.assert_allclose(df(x), expected, rtol=1e-12)
    # The primitive is called, not inlined or differentiated through.
    assert "my_prim(x)" in df.source
    assert "erf" not in df.source


def test_user_registered_adjoint_in_split_motion(user_rules):
    x = np.array([0.1, -0.5, 1.2])
    df = tangentlike.grad(user_rules.uses_my_prim, motion="split", optimized=False)
    np.testing.assert_allclose(df(x), 6.0 / np.sqrt(np.pi) * np.exp(-x * x), rtol=1e-12)


def test_non_differentiable_function_is_a_constant(user_rules):
    x = np.array([0.1, -0.5, 1.2])
    g = tangentlike.grad(user_rules.uses_non_differentiable)(x)
    np.testing.assert_allclose(g, 2.0 * x / user_rules.norm_constant(x), rtol=1e-12)


def test_non_differentiable_returns_the_function(user_rules):
    assert callable(user_rules.norm_constant)
    assert user_rules.norm_constant(np.array([-3.0, 1.0])) == 4.0


def test_without_the_rule_the_primitive_is_not_differentiated_through(user_rules, monkeypatch):
    """my_prim really needs its rule: with it taken away, grad refuses the function."""
    assert registry.adjoint_rule(user_rules.my_prim) is not None
    monkeypatch.delitem(registry.ADJOINTS, user_rules.my_prim)
    tangentlike.clear_cache()
    with pytest.raises(tangentlike.TangentlikeError):
        tangentlike.grad(user_rules.uses_my_prim)
    tangentlike.clear_cache()


# --- input checks ---------------------------------------------------------------------------

def test_python_int_argument_gives_a_float_gradient():
    g = tangentlike.grad(models.square)(3)
    assert isinstance(g, float)
    assert g == 6.0


def test_python_int_argument_through_numpy():
    g = tangentlike.grad(models.sin_times_x)(2)
    assert isinstance(g, (float, np.floating))
    assert g == pytest.approx(np.cos(2.0) * 2.0 + np.sin(2.0), rel=1e-12)


def test_integer_array_raises_input_error():
    df = tangentlike.grad(models.sin_times_x)
    with pytest.raises(tangentlike.InputError) as info:
        df(np.arange(3))
    assert isinstance(info.value, tangentlike.TangentlikeError)
    assert "int" in str(info.value)


def test_integer_array_by_keyword_raises_input_error():
    df = tangentlike.grad(models.sin_times_x)
    with pytest.raises(tangentlike.InputError):
        df(x=np.arange(3))


def test_integer_array_for_a_later_wrt_argument_raises_input_error():
    df = tangentlike.grad(models.layer, wrt=("W",))
    with pytest.raises(tangentlike.InputError):
        df(X, np.ones((2, 3), dtype=int), B)


def test_public_names():
    for name in ["grad", "autodiff", "value_and_grad", "INPUT_DERIVATIVE", "init_grad",
                 "clear_cache", "adjoint", "non_differentiable", "d", "InputError",
                 "TangentlikeError"]:
        assert hasattr(tangentlike, name), name
    assert {m.name for m in INPUT_DERIVATIVE} >= {"Required", "DefaultOne"}


def test_cache_dir_is_the_session_tmp_dir(tangentlike_cache_dir):
    assert os.environ["TANGENTLIKE_CACHE_DIR"] == str(tangentlike_cache_dir)
    df = tangentlike.grad(models.square)
    assert df.path.parent.resolve() == tangentlike_cache_dir.resolve()


def _sin_times_square(x, y):
    return np.sum(np.sin(x) * y ** 2)


def test_forward_mode_takes_one_tangent_per_wrt_argument():
    x, y = np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 3.0])
    df = tangentlike.autodiff(_sin_times_square, wrt=0, mode="forward")
    np.testing.assert_allclose(df(x, y, x), np.sum(np.cos(x) * y ** 2 * x))
    with pytest.raises(tangentlike.InputError, match="1 tangent"):
        df(x, y, x, y, y)  # the extra tangents were dropped without a word
    both = tangentlike.autodiff(_sin_times_square, wrt=(0, 1), mode="forward")
    with pytest.raises(tangentlike.InputError, match="2 tangent"):
        both(x, y, x)
