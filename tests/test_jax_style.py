"""JAX-style conveniences: ``has_aux``, ``argnums``, ``vjp``, ``linearize``, ``jacfwd``,
``jacrev``, ``check_grads``, and the Tangent-compatibility guards on ``@adjoint``/``@tangent``.

Each is checked against JAX (64-bit) where it is installed, on the same functions run with
``jax.numpy`` in place of NumPy, and without JAX against closed forms and central finite
differences.  The functions differentiated are defined here, at module level (tangentlike
reads their source).
"""
from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import tangentlike
from tangentlike import d
from tangentlike.errors import InputError, TemplateError
from tangentlike.rules import registry

RNG = np.random.default_rng(14)
X = np.array([0.3, -1.2, 2.0])
Y = np.array([1.0, 2.0, 0.5])
W = np.array([[0.5, -0.25, 1.0], [0.1, 0.2, -0.3]])
T = np.array([0.2, -0.6])
EPS = 1e-6


# -- functions to differentiate ------------------------------------------------------------------

def scalar_loss(x, y):
    return np.sum(np.sin(x) * y) + 0.5 * np.sum(x ** 3)


def of_floats(a, b):
    return a * np.sin(b) + a ** 2


def layer(w, x):
    return np.tanh(w @ x)


def three(w, x, t):
    return np.sum((np.tanh(w @ x) - t) ** 2) + np.sum(w * w) * 0.1


def loss_with_aux(w, x, t):
    h = np.tanh(w @ x)
    loss = np.sum((h - t) ** 2)
    return loss, h * 2.0


def loss_with_dict_aux(x):
    z = np.exp(x)
    return np.sum(z), {"z": z, "count": 3, "name": "exp"}


def not_a_pair(x):
    return np.sum(x)


def vector_with_aux(x):
    return np.sin(x), np.sum(x)


def two_outputs(x, y):
    return np.sin(x) * y, np.sum(x * y)


def dict_output(x):
    return {"a": np.sin(x)}


def with_count(x, n):
    s = 0.0
    for i in range(n):
        x = np.sin(x) * 1.5
        s = s + np.sum(x)
    return s


def filled(x):
    y = np.zeros(3)
    for i in range(3):
        y[i] = x[i] * 2.0
        y[i] = np.sin(y[i]) * x[0]
    return y * x


def with_default(x, y=2.0):
    return np.sin(x) * y


def softplus(x):
    return np.logaddexp(0.0, x)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softplus_wrong_adjoint(y, x):
    d[x] = d[y] * 2.0 / (1.0 + np.exp(-x))


def softplus_wrong_tangent(y, x):
    d[y] = d[x] * 2.0 / (1.0 + np.exp(-x))


def softplus_adjoint_via_sigmoid(y, x):
    d[x] = d[y] * sigmoid(x)


def sigmoid_wrong_adjoint(y, x):
    d[x] = d[y] * y


def uses_softplus(x):
    return np.sum(softplus(x) * x)


def uses_softplus_again(x):
    return np.sum(softplus(x) * np.cos(x))


def uses_softplus_third(x):
    return np.sum(softplus(x) ** 2)


# -- helpers ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def jax() -> Iterator[Any]:
    """JAX in 64-bit mode (restored afterwards); skips without JAX."""
    jax = pytest.importorskip("jax")
    before = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)
    yield jax
    jax.config.update("jax_enable_x64", before)


def on_jax(fn: Callable) -> Callable:
    """``fn`` with ``np`` bound to ``jax.numpy``: the same code, for JAX."""
    import jax.numpy as jnp
    return types.FunctionType(fn.__code__, {**fn.__globals__, "np": jnp}, fn.__name__,
                              fn.__defaults__, fn.__closure__)


def close(mine: Any, theirs: Any, rtol: float = 1e-12, atol: float = 1e-13) -> None:
    """Same structure (tuple for tuple, dict for dict), same shapes, close values."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(mine, tuple) and len(mine) == len(theirs), (mine, theirs)
        for a, b in zip(mine, theirs):
            close(a, b, rtol, atol)
    elif isinstance(theirs, dict):
        assert isinstance(mine, dict) and mine.keys() == theirs.keys()
        for k in theirs:
            close(mine[k], theirs[k], rtol, atol)
    else:
        assert not isinstance(mine, (tuple, list, dict)), (mine, theirs)
        assert np.shape(mine) == np.shape(theirs), (np.shape(mine), np.shape(theirs))
        np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=rtol, atol=atol)


def fd_gradient(f: Callable, args: tuple, i: int) -> Any:
    """d f / d args[i] of a scalar function by central differences."""
    x = np.asarray(args[i], dtype=np.float64)
    out = np.zeros(x.shape)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = EPS
        e = e.reshape(x.shape) if x.shape else float(e[0])
        up = (*args[:i], x + e, *args[i + 1:])
        down = (*args[:i], x - e, *args[i + 1:])
        out.flat[k] = (f(*up) - f(*down)) / (2 * EPS)
    return out if x.shape else float(out)


@pytest.fixture
def rules() -> Iterator[Callable[[str, Any, Callable], None]]:
    """``register(kind, primitive, template)``; the rules are removed after the test."""
    added: list[tuple[dict, Any, Any]] = []

    def register(kind: str, primitive: Any, template: Callable) -> None:
        table = registry.ADJOINTS if kind == "adjoint" else registry.TANGENTS
        added.append((table, primitive, table.get(primitive)))
        decorator = tangentlike.adjoint if kind == "adjoint" else tangentlike.tangent
        assert decorator(primitive)(template) is template

    yield register
    for table, primitive, before in reversed(added):
        if before is None:
            table.pop(primitive, None)
        else:
            table[primitive] = before
    tangentlike.clear_cache()


# -- has_aux -------------------------------------------------------------------------------------

@pytest.mark.parametrize("argnums", [0, 1, (0, 2), (1,), (2, 0)])
def test_grad_has_aux_matches_jax(jax, argnums) -> None:
    args = (W, X, T)
    g, aux = tangentlike.grad(loss_with_aux, argnums=argnums, has_aux=True)(*args)
    jg, jaux = jax.grad(on_jax(loss_with_aux), argnums=argnums, has_aux=True)(*args)
    close(g, jg)
    close(aux, jaux)


@pytest.mark.parametrize("argnums", [0, (0, 1), (1,)])
def test_value_and_grad_has_aux_matches_jax(jax, argnums) -> None:
    args = (W, X, T)
    (value, aux), g = tangentlike.value_and_grad(loss_with_aux, argnums=argnums,
                                                 has_aux=True)(*args)
    (jvalue, jaux), jg = jax.value_and_grad(on_jax(loss_with_aux), argnums=argnums,
                                            has_aux=True)(*args)
    close(value, jvalue)
    close(aux, jaux)
    close(g, jg)


def test_has_aux_differentiates_the_loss_only() -> None:
    args = (W, X, T)

    def loss_only(w, x, t):
        return loss_with_aux(w, x, t)[0]

    g, aux = tangentlike.grad(loss_with_aux, wrt=(0, 1), has_aux=True)(*args)
    expected = tangentlike.grad(three, wrt=(0, 1))(*args)  # three = loss + 0.1 |w|^2
    np.testing.assert_allclose(g[0], expected[0] - 0.2 * W, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g[1], expected[1], rtol=1e-12)
    np.testing.assert_allclose(g[0], fd_gradient(loss_only, args, 0), rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(aux, loss_with_aux(*args)[1])  # the value f returned


def test_has_aux_passes_any_aux_through() -> None:
    (value, aux), g = tangentlike.value_and_grad(loss_with_dict_aux, has_aux=True)(X)
    assert value == pytest.approx(np.sum(np.exp(X)), rel=1e-15)
    assert aux["count"] == 3 and aux["name"] == "exp"
    np.testing.assert_array_equal(aux["z"], np.exp(X))
    np.testing.assert_allclose(g, np.exp(X), rtol=1e-14)
    g2, aux2 = tangentlike.grad(loss_with_dict_aux, has_aux=True)(X)
    np.testing.assert_allclose(g2, g, rtol=0)
    assert aux2.keys() == aux.keys()


def test_has_aux_as_a_decorator_and_with_a_seed() -> None:
    dloss = tangentlike.grad(argnums=(0,), has_aux=True)(loss_with_aux)
    (gw,), aux = dloss(W, X, T)
    gw3, _ = dloss(W, X, T, init_grad=3.0)
    np.testing.assert_allclose(gw3[0], 3.0 * gw, rtol=1e-13)
    assert "def " in dloss.source


def test_has_aux_errors() -> None:
    with pytest.raises(InputError, match="must return a pair"):
        tangentlike.grad(not_a_pair, has_aux=True)(X)
    with pytest.raises(InputError, match="a gradient needs a scalar"):
        tangentlike.grad(vector_with_aux, has_aux=True)(X)
    with pytest.raises(InputError, match="has_aux=True or preserve_result=True"):
        tangentlike.grad(loss_with_aux, has_aux=True, preserve_result=True)


# -- argnums -------------------------------------------------------------------------------------

@pytest.mark.parametrize("argnums", [0, 1, 2, (0, 1), (2, 0, 1), (1,), (0,)])
def test_grad_and_value_and_grad_argnums_match_jax(jax, argnums) -> None:
    args = (W, X, T)
    g = tangentlike.grad(three, argnums=argnums)(*args)
    jg = jax.grad(on_jax(three), argnums=argnums)(*args)
    close(g, jg)
    value, g2 = tangentlike.value_and_grad(three, argnums=argnums)(*args)
    jvalue, jg2 = jax.value_and_grad(on_jax(three), argnums=argnums)(*args)
    close(value, jvalue)
    close(g2, jg2)


@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1,)])
def test_grad_argnums_on_floats_matches_jax(jax, argnums) -> None:
    g = tangentlike.grad(of_floats, argnums=argnums)(0.7, -1.3)
    close(g, jax.grad(on_jax(of_floats), argnums=argnums)(0.7, -1.3))


def test_argnums_int_and_tuple_shapes_without_jax() -> None:
    args = (W, X, T)
    single = tangentlike.grad(three, argnums=1)(*args)
    assert isinstance(single, np.ndarray) and single.shape == X.shape
    (one,) = tangentlike.grad(three, argnums=(1,))(*args)
    np.testing.assert_allclose(one, single, rtol=0)
    by_name = tangentlike.grad(three, argnums=("x", "w"))(*args)
    assert isinstance(by_name, tuple) and len(by_name) == 2
    np.testing.assert_allclose(by_name[0], fd_gradient(three, args, 1), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(by_name[1], fd_gradient(three, args, 0), rtol=1e-6, atol=1e-9)
    # Tangent's wrt is unchanged: wrt=(1,) gives one gradient, not a tuple.
    np.testing.assert_allclose(tangentlike.grad(three, wrt=(1,))(*args), single, rtol=0)
    value, (gx,) = tangentlike.value_and_grad(three, argnums=(1,))(*args)
    assert value == three(*args)


@pytest.mark.slow  # seconds: the default run's time (CI runs -m slow too)
def test_argnums_is_wrt_for_the_other_functions() -> None:
    args = (W, X, T)
    v = (RNG.normal(size=W.shape), RNG.normal(size=X.shape))
    pairs = [
        (tangentlike.jacobian(layer, argnums=(0, 1)), tangentlike.jacobian(layer, wrt=(0, 1)),
         (W, X)),
        (tangentlike.jacobian(layer, argnums=1), tangentlike.jacobian(layer, wrt=1), (W, X)),
        (tangentlike.hessian(three, argnums=(0, 1)), tangentlike.hessian(three, wrt=(0, 1)),
         args),
        (tangentlike.hessian(three, argnums="x"), tangentlike.hessian(three, wrt=1), args),
        (tangentlike.hvp(three, argnums=(0, 1)), tangentlike.hvp(three, wrt=(0, 1)),
         (*args, v)),
    ]
    for by_argnums, by_wrt, call in pairs:
        # (a version by shape may round apart from the general code by one unit)
        close(by_argnums(*call), by_wrt(*call), rtol=1e-12, atol=1e-15)
    dx = RNG.normal(size=X.shape)
    close(tangentlike.jvp(layer, argnums=(1,))((W, X), (dx,)),
          tangentlike.jvp(layer, wrt=(1,))((W, X), (dx,)), rtol=0, atol=0)
    df = tangentlike.autodiff(three, argnums=1, input_derivative=tangentlike.INPUT_DERIVATIVE
                              .DefaultOne)
    np.testing.assert_allclose(df(*args), tangentlike.grad(three, wrt=1)(*args), rtol=0)


@pytest.mark.parametrize("make", [
    lambda: tangentlike.grad(three, wrt=0, argnums=0),
    lambda: tangentlike.value_and_grad(three, wrt=(0,), argnums=(1,)),
    lambda: tangentlike.autodiff(three, wrt=0, argnums=1),
    lambda: tangentlike.jvp(three, wrt=(0,), argnums=(0,)),
    lambda: tangentlike.hvp(three, wrt=0, argnums=0),
    lambda: tangentlike.jacobian(layer, wrt=0, argnums=1),
    lambda: tangentlike.hessian(three, wrt=0, argnums=0),
], ids=["grad", "value_and_grad", "autodiff", "jvp", "hvp", "jacobian", "hessian"])
def test_wrt_and_argnums_together_is_an_error(make) -> None:
    with pytest.raises(InputError, match=r"both wrt=.* and argnums=") as info:
        make()
    assert "only one of wrt and argnums" in str(info.value)


def test_argnums_of_the_wrong_kind_is_an_error() -> None:
    with pytest.raises(InputError, match="argnums=1.5"):
        tangentlike.grad(three, argnums=1.5)
    with pytest.raises(InputError, match="argnums=True"):
        tangentlike.jacobian(layer, argnums=True)


def test_jvp_passes_tangents_by_name_to_a_function_with_defaults() -> None:
    value, tangent = tangentlike.jvp(with_default)((X,), (Y,))
    np.testing.assert_allclose(value, np.sin(X) * 2.0, rtol=1e-15)
    np.testing.assert_allclose(tangent, np.cos(X) * 2.0 * Y, rtol=1e-14)


# -- vjp -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, primals, cotangents", [
    (layer, (W, X), [T, np.array([1.0, 0.0]), np.array([-0.5, 2.0])]),
    (of_floats, (0.7, -1.3), [1.0, -2.5]),
    (two_outputs, (X, Y), [(np.ones(3), 1.0), (np.array([0.5, -1.0, 2.0]), -0.3)]),
    (scalar_loss, (X, Y), [1.0, 0.25]),
], ids=["matrix-vector", "floats", "tuple-output", "scalar"])
def test_vjp_matches_jax(jax, fn, primals, cotangents) -> None:
    value, vjp_fn = tangentlike.vjp(fn, *primals)
    jvalue, jvjp_fn = jax.vjp(on_jax(fn), *primals)
    close(value, jvalue)
    for ct in cotangents:  # one forward sweep, several cotangents
        close(vjp_fn(ct), jvjp_fn(ct))


def test_vjp_has_aux_matches_jax(jax) -> None:
    value, vjp_fn, aux = tangentlike.vjp(loss_with_aux, W, X, T, has_aux=True)
    jvalue, jvjp_fn, jaux = jax.vjp(on_jax(loss_with_aux), W, X, T, has_aux=True)
    close(value, jvalue)
    close(aux, jaux)
    for ct in (1.0, -3.0):
        close(vjp_fn(ct), jvjp_fn(ct))


def test_vjp_is_a_vector_jacobian_product() -> None:
    value, vjp_fn = tangentlike.vjp(layer, W, X)
    np.testing.assert_array_equal(value, layer(W, X))
    for ct in (T, np.array([1.0, 0.0]), np.array([0.0, 1.0])):
        gw, gx = vjp_fn(ct)
        z = ct * (1.0 - np.tanh(W @ X) ** 2)
        np.testing.assert_allclose(gw, np.outer(z, X), rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(gx, W.T @ z, rtol=1e-14, atol=1e-15)
    (g,) = tangentlike.vjp(scalar_loss, X, Y)[1](1.0)[:1]
    np.testing.assert_allclose(g, np.cos(X) * Y + 1.5 * X ** 2, rtol=1e-14)


def test_vjp_runs_the_forward_sweep_once(monkeypatch) -> None:
    df = tangentlike.autodiff(layer, wrt=(0, 1), motion="split")
    current = df.current()
    calls = {"forward": 0, "backward": 0}
    for half in calls:
        original = getattr(current, half)

        def counted(*args: Any, _original: Callable = original, _half: str = half,
                    **kwargs: Any) -> Any:
            calls[_half] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(current, half, counted)
    _, vjp_fn = tangentlike.vjp(layer, W, X)
    for ct in (T, 2.0 * T, -T):
        vjp_fn(ct)
    assert calls == {"forward": 1, "backward": 3}


@pytest.mark.parametrize("fn, primal, cotangent", [
    (with_count, None, 1.0),   # a loop: the forward sweep pushes on a stack
    (filled, None, None),      # x[i] = ... in a loop: the backward sweep restores in place
])
def test_vjp_fn_can_be_called_again(fn, primal, cotangent) -> None:
    args = (X, 3) if fn is with_count else (X,)
    value, vjp_fn = tangentlike.vjp(fn, *args)
    ct = cotangent if cotangent is not None else np.array([1.0, -2.0, 0.5])
    first = vjp_fn(ct)
    for _ in range(2):
        again = vjp_fn(ct)
        np.testing.assert_array_equal(again[0], first[0])
    scaled = vjp_fn(ct * 2.0)
    np.testing.assert_allclose(scaled[0], 2.0 * first[0], rtol=1e-14)

    def projected(x: np.ndarray) -> float:
        return float(np.sum(np.asarray(fn(x, *args[1:])) * ct))

    np.testing.assert_allclose(first[0], fd_gradient(projected, (X,), 0), rtol=1e-6, atol=1e-9)
    if fn is with_count:
        assert first[1] is None  # an integer primal is held constant


def test_vjp_errors() -> None:
    with pytest.raises(InputError, match="got no primals") as info:
        tangentlike.vjp(layer)
    assert "autodiff(f, wrt=..., mode='reverse')" in info.value.hint
    with pytest.raises(InputError, match="vjp takes no 'wrt'") as info:
        tangentlike.vjp(layer, W, X, wrt=(0,))
    assert "Tangent" in info.value.hint
    _, vjp_fn = tangentlike.vjp(layer, W, X)
    with pytest.raises(InputError, match=r"output has shape \(2,\), the cotangent \(3,\)"):
        vjp_fn(X)
    _, vjp_fn = tangentlike.vjp(two_outputs, X, Y)
    with pytest.raises(InputError, match="output is a tuple of 2"):
        vjp_fn(np.ones(3))
    with pytest.raises(InputError, match="got 3 primals"):
        tangentlike.vjp(layer, W, X, T)
    with pytest.raises(InputError, match="no primal is a float"):
        tangentlike.vjp(with_count, 1, 2)


# -- linearize -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, primals", [
    (layer, (W, X)), (of_floats, (0.7, -1.3)), (two_outputs, (X, Y)), (scalar_loss, (X, Y)),
], ids=["matrix-vector", "floats", "tuple-output", "scalar"])
def test_linearize_matches_jax(jax, fn, primals) -> None:
    value, jvp_fn = tangentlike.linearize(fn, *primals)
    jvalue, jjvp_fn = jax.linearize(on_jax(fn), *primals)
    close(value, jvalue)
    for _ in range(3):
        tangents = tuple(RNG.normal(size=np.shape(p)) if np.shape(p) else float(RNG.normal())
                         for p in primals)
        close(jvp_fn(*tangents), jjvp_fn(*tangents))


def test_linearize_has_aux_matches_jax(jax) -> None:
    value, jvp_fn, aux = tangentlike.linearize(loss_with_aux, W, X, T, has_aux=True)
    jvalue, jjvp_fn, jaux = jax.linearize(on_jax(loss_with_aux), W, X, T, has_aux=True)
    close(value, jvalue)
    close(aux, jaux)
    tangents = (RNG.normal(size=W.shape), RNG.normal(size=X.shape), RNG.normal(size=T.shape))
    close(jvp_fn(*tangents), jjvp_fn(*tangents))


def test_linearize_is_a_jacobian_vector_product() -> None:
    value, jvp_fn = tangentlike.linearize(layer, W, X)
    np.testing.assert_array_equal(value, layer(W, X))
    dw, dx = RNG.normal(size=W.shape), RNG.normal(size=X.shape)
    z = 1.0 - np.tanh(W @ X) ** 2
    np.testing.assert_allclose(jvp_fn(dw, dx), z * (dw @ X + W @ dx), rtol=1e-13)
    np.testing.assert_allclose(jvp_fn(dw, 0.0 * dx), z * (dw @ X), rtol=1e-13)
    value, jvp_fn = tangentlike.linearize(with_count, X, 3)
    dx = RNG.normal(size=X.shape)
    fd = (with_count(X + EPS * dx, 3) - with_count(X - EPS * dx, 3)) / (2 * EPS)
    assert jvp_fn(dx, None) == pytest.approx(fd, rel=1e-7)


def test_linearize_errors() -> None:
    _, jvp_fn = tangentlike.linearize(layer, W, X)
    with pytest.raises(InputError, match=r"takes 2 tangent\(s\), one per primal; got 1"):
        jvp_fn(W)
    with pytest.raises(InputError, match="got no primals"):
        tangentlike.linearize(layer)
    with pytest.raises(InputError, match="must return a pair"):
        tangentlike.linearize(not_a_pair, X, has_aux=True)


# -- jacfwd, jacrev, and the blocks of jacobian and hessian ---------------------------------------

@pytest.mark.parametrize("argnums", [0, 1, (0, 1), (1,), (1, 0)])
@pytest.mark.parametrize("which", ["jacfwd", "jacrev"])
def test_jacfwd_jacrev_match_jax(jax, which, argnums) -> None:
    mine = getattr(tangentlike, which)(layer, argnums=argnums)(W, X)
    theirs = getattr(jax, which)(on_jax(layer), argnums=argnums)(W, X)
    close(mine, theirs)


@pytest.mark.parametrize("which", ["jacfwd", "jacrev"])
@pytest.mark.parametrize("fn, args, argnums", [
    (of_floats, (0.7, -1.3), (0, 1)),        # scalar in, scalar out: 0-d blocks
    (of_floats, (0.7, -1.3), 1),
    (scalar_loss, (X, Y), (0, 1)),           # scalar out: blocks shaped like the inputs
    (with_default, (X,), 0),
    (two_outputs, (X, Y), (0, 1)),           # a tuple of outputs: a tuple of Jacobians
    (two_outputs, (X, Y), 1),
])
def test_jacfwd_jacrev_shapes_match_jax(jax, which, fn, args, argnums) -> None:
    mine = getattr(tangentlike, which)(fn, argnums=argnums)(*args)
    theirs = getattr(jax, which)(on_jax(fn), argnums=argnums)(*args)
    close(mine, theirs)


@pytest.mark.slow  # seconds: the default run's time (CI runs -m slow too)
def test_hessian_blocks_match_jax(jax) -> None:
    args = (W, X, T)
    close(tangentlike.hessian(three, argnums=(0, 1))(*args),
          jax.hessian(on_jax(three), argnums=(0, 1))(*args), rtol=1e-11, atol=1e-12)
    close(tangentlike.hessian(three, argnums=(1,))(*args),
          jax.hessian(on_jax(three), argnums=(1,))(*args), rtol=1e-11, atol=1e-12)
    close(tangentlike.hessian(of_floats, argnums=(0, 1))(0.7, -1.3),
          jax.hessian(on_jax(of_floats), argnums=(0, 1))(0.7, -1.3))


def test_jacobian_of_a_dict_output_is_refused() -> None:
    for which in ("jacfwd", "jacrev"):
        with pytest.raises(InputError, match="its output is a dict"):
            getattr(tangentlike, which)(dict_output)(X)


@pytest.mark.slow  # seconds: the default run's time (CI runs -m slow too)
def test_jacfwd_equals_jacrev_and_finite_differences() -> None:
    fwd = tangentlike.jacfwd(layer, argnums=(0, 1))(W, X)
    rev = tangentlike.jacrev(layer, argnums=(0, 1))(W, X)
    assert fwd[0].shape == (2, 2, 3) and fwd[1].shape == (2, 3)
    close(fwd, rev, rtol=1e-13, atol=1e-15)
    (ax, ay), (bx, by) = tangentlike.jacfwd(two_outputs, argnums=(0, 1))(X, Y)
    close(((ax, ay), (bx, by)), tangentlike.jacrev(two_outputs, argnums=(0, 1))(X, Y),
          rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ax, np.diag(np.cos(X) * Y), rtol=1e-14)
    np.testing.assert_allclose(by, X, rtol=1e-14)
    for i in range(2):
        for k in range(2):
            def row(*args: Any, _k: int = k) -> float:
                return float(layer(*args)[_k])
            np.testing.assert_allclose(fwd[i][k], fd_gradient(row, (W, X), i), rtol=1e-6,
                                       atol=1e-9)


# -- check_grads ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fn, args", [
    (scalar_loss, (X, Y)), (layer, (W, X)), (of_floats, (0.7, -1.3)), (two_outputs, (X, Y)),
    (three, (W, X, T)),
], ids=["scalar", "matrix-vector", "floats", "tuple-output", "three-arguments"])
def test_check_grads_passes_on_right_derivatives(fn, args) -> None:
    tangentlike.check_grads(fn, args)  # order 2, forward and reverse


def test_check_grads_options() -> None:
    tangentlike.check_grads(scalar_loss, (X, Y), order=3, modes=("rev",))
    tangentlike.check_grads(layer, [W, X], order=1, modes="fwd", eps=1e-4, atol=1e-5)
    tangentlike.check_grads(with_count, (X, 3), order=2)  # the integer is held constant
    tangentlike.check_grads(of_floats, (np.float32(0.7), 2.0), modes=("forward", "reverse"))


def test_check_grads_finds_a_wrong_adjoint(rules) -> None:
    rules("adjoint", softplus, softplus_wrong_adjoint)
    rules("tangent", softplus, softplus_wrong_tangent)
    with pytest.raises(AssertionError, match=r"the reverse-mode derivative of uses_softplus "
                                             r"\(order 1\) does not match") as info:
        tangentlike.check_grads(uses_softplus, (X,), order=1, modes=("rev",))
    assert "u^T J v" in str(info.value) and "rtol=1e-05" in str(info.value)
    with pytest.raises(AssertionError, match=r"the forward-mode derivative of uses_softplus "
                                             r"\(order 1\) does not match") as info:
        tangentlike.check_grads(uses_softplus, (X,), order=1, modes=("fwd",))
    assert "tangentlike" in str(info.value) and "finite differences" in str(info.value)


def test_check_grads_finds_a_wrong_second_derivative(rules) -> None:
    # First derivatives right (softplus' = sigmoid), second wrong (sigmoid's adjoint is).
    rules("adjoint", softplus, softplus_adjoint_via_sigmoid)
    rules("adjoint", sigmoid, sigmoid_wrong_adjoint)
    tangentlike.check_grads(uses_softplus_again, (X,), order=1, modes=("rev",))
    with pytest.raises(AssertionError, match=r"the reverse-mode derivative of the "
                                             r"reverse-mode derivative of uses_softplus_again "
                                             r"\(order 2\)"):
        tangentlike.check_grads(uses_softplus_again, (X,), order=2, modes=("rev",))


def test_check_grads_errors() -> None:
    with pytest.raises(InputError, match="args must be the tuple"):
        tangentlike.check_grads(scalar_loss, X)
    with pytest.raises(InputError, match="'backward'"):
        tangentlike.check_grads(scalar_loss, (X, Y), modes=("backward",))
    with pytest.raises(InputError, match="order must be an int"):
        tangentlike.check_grads(scalar_loss, (X, Y), order=0)
    with pytest.raises(InputError, match="eps=-1"):
        tangentlike.check_grads(scalar_loss, (X, Y), eps=-1e-5)
    with pytest.raises(InputError, match="nothing to check"):
        tangentlike.check_grads(with_count, (1, 2))


# Python 3.10 reports the line after a decorator: there the mistake is refused when the
# decorated name is called (test_rule_decorator_called_as_the_function_says_what_happened).
OWN_DECORATOR_LINE = pytest.mark.skipif(sys.version_info < (3, 11),
                                        reason="Python 3.10 reports the line after it")

# -- Tangent compatibility -----------------------------------------------------------------------

@OWN_DECORATOR_LINE
def test_bare_tangent_decorator_is_refused_at_decoration() -> None:
    with pytest.raises(TemplateError, match=r"@tangentlike.tangent is used without a "
                                            r"primitive on 'model'") as info:
        @tangentlike.tangent
        def model(x):
            return x * 2.0
    assert "insert_grad_of" in info.value.hint and "@tangentlike.tangent(primitive)" in \
        info.value.hint
    assert info.value.location is not None and info.value.location.lineno > 0


@OWN_DECORATOR_LINE
def test_bare_adjoint_decorator_is_refused_at_decoration() -> None:
    with pytest.raises(TemplateError, match=r"@tangentlike.adjoint is used without a "
                                            r"primitive on 'model'"):
        @tangentlike.adjoint  # a comment does not hide it
        def model(x):
            return x * 2.0


def test_rule_decorator_called_as_the_function_says_what_happened() -> None:
    decorated = tangentlike.tangent(scalar_loss)  # Tangent's f = tangent.tangent(f)
    with pytest.raises(TemplateError, match=r"scalar_loss\(\.\.\.\) was called, but "
                                            r"scalar_loss names tangentlike.tangent"):
        decorated(X, Y)
    assert "tangentlike.tangent" in repr(decorated)
    with pytest.raises(TemplateError, match="tangentlike.adjoint"):
        tangentlike.adjoint(scalar_loss)(X)
    assert scalar_loss not in registry.TANGENTS and scalar_loss not in registry.ADJOINTS


def test_rule_decorator_still_registers_templates(rules) -> None:
    rules("adjoint", softplus, softplus_wrong_adjoint)  # asserts the template comes back
    assert registry.adjoint_rule(softplus).function is softplus_wrong_adjoint
    g = tangentlike.grad(uses_softplus_third)(X)
    np.testing.assert_allclose(g, 2.0 * softplus(X) * 2.0 * sigmoid(X), rtol=1e-13)
