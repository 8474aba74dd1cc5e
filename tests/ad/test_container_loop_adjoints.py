"""``for v in xs`` over a list, tuple or dict in reverse mode (issue 18, item 2): each backward
iteration adds the element's adjoint to one item of ``xs``'s (``add_element``), so the cost is
linear in the length of ``xs``, never a whole container of zeros per iteration.  Gradients are
checked against central finite differences (float64, every array leaf of the containers),
against the old formula ``add_grad(total, unelement(g, xs, k))``, in forward mode and as
Hessian-vector products; and the zero-building helper is counted at run time."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import tangentlike
import tangentlike.runtime as runtime
from tangentlike.versions.dispatch import version_of

RNG = np.random.default_rng(18)


def _layers(depth, width=3, tuple_of=tuple):
    return [tuple_of((RNG.standard_normal((width, width)) / 2, RNG.standard_normal(width) / 2))
            for _ in range(depth)]


def _leaves(tree):
    """The arrays of a container, in order (dicts by key order)."""
    if isinstance(tree, np.ndarray):
        return [tree]
    if isinstance(tree, float):
        return []
    items = tree.values() if isinstance(tree, dict) else tree
    return [leaf for item in items for leaf in _leaves(item)]


def _fd(f, args, eps=1e-6):
    """Central differences of ``f`` with respect to every array leaf of ``args[0]`` (changed
    in place and restored)."""
    out = []
    for leaf in _leaves(args[0]):
        g = np.zeros_like(leaf)
        for index in np.ndindex(*leaf.shape):
            old = leaf[index]
            leaf[index] = old + eps
            plus = f(*args)
            leaf[index] = old - eps
            minus = f(*args)
            leaf[index] = old
            g[index] = (plus - minus) / (2 * eps)
        out.append(g)
    return out


def _same_structure(got, like):
    assert type(got) is type(like), (type(got), type(like))
    if isinstance(like, dict):
        assert list(got) == list(like)
        for k in like:
            _same_structure(got[k], like[k])
    elif isinstance(like, (list, tuple)):
        assert len(got) == len(like)
        for a, b in zip(got, like):
            _same_structure(a, b)
    else:
        assert np.shape(got) == np.shape(like)


def check_container_grad(f, args, optimized=True):
    """Three calls (general code, instrumented run, version by shape) against differences."""
    df = tangentlike.grad(f, optimized=optimized)
    expected = _fd(f, args)
    for _ in range(3):
        got = df(*args)
        _same_structure(got, args[0])
        for a, b in zip(_leaves(got), expected):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)
    return df


# -- the user's functions ------------------------------------------------------------------
def mlp(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def nested_mlp(params, x):
    h = x
    for layer in params:
        W, (b, c) = layer
        h = np.tanh(h @ W + b) * c
    return np.sum(h * h)


def plain_list(ws, x):
    s = 0.0
    for w in ws:
        s = s + np.sum(np.sin(w * x))
    return s


def loop_twice(ws, x):
    s = 0.0
    for w in ws:
        s = s + np.sum(w * x)
    for w in ws:
        s = s + np.sum(w * w)
    return s * s


def over_keys(params, x):
    h = x
    for name in params:
        h = np.tanh(h @ params[name])
    return np.sum(h * h)


def appended_in_loop(ws, x):
    out = []
    for w in ws:
        out.append(np.tanh(w * x))
    s = 0.0
    for v in out:
        s = s + np.sum(v * v)
    return s


def grown_then_looped(ws, x):
    vs = []
    for w in ws:
        vs.append(w)
    vs.append(x * x)
    s = 0.0
    for v in vs:
        s = s + np.sum(np.cos(v) * x)
    return s


def by_index(params, x):
    h = x
    for i in range(len(params)):
        W, b = params[i]
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def by_key(params, x):
    h = x
    for name in params:
        h = np.tanh(h @ params[name][0] + params[name][1])
    return np.sum(h * h)


def rewritten_in_loop(xs, x):
    for i in range(len(xs)):
        xs[i] = np.sin(xs[i] * x) + xs[i - 1]
    s = 0.0
    for v in xs:
        s = s + np.sum(v * v)
    return s


X3 = np.array([[0.3, -0.7, 1.1], [0.2, 0.5, -0.4]])


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("make", [list, tuple], ids=["list", "tuple"])
def test_mlp_over_a_list_or_tuple_of_layers(make, optimized):
    check_container_grad(mlp, (make(_layers(3)), X3.copy()), optimized)


def test_layers_as_lists_and_nested():
    check_container_grad(mlp, (_layers(2, tuple_of=list), X3.copy()))
    params = [(W, (b, RNG.standard_normal(3))) for W, b in _layers(3)]
    check_container_grad(nested_mlp, (params, X3.copy()))


def test_the_same_array_in_two_slots():
    """Aliasing: each slot gets its own adjoint, as if the slots held copies."""
    W, b = _layers(1)[0]
    params = [(W, b), (W, b), (W, b)]
    copies = [(W.copy(), b.copy()) for _ in range(3)]
    df = tangentlike.grad(mlp)
    for _ in range(3):
        got, expected = df(params, X3), df(copies, X3)
        for a, e in zip(_leaves(got), _leaves(expected)):
            np.testing.assert_array_equal(a, e)
    check_container_grad(mlp, (copies, X3.copy()))
    ws = [X3[0]] * 3
    got = tangentlike.grad(plain_list)(ws, X3[1])
    assert len(got) == 3 and got[0] is not got[1]
    for g in got:
        np.testing.assert_allclose(g, np.cos(X3[0] * X3[1]) * X3[1], rtol=1e-12)


def test_empty_and_one_element_lists():
    assert tangentlike.grad(plain_list)([], X3[1]) == []
    assert tangentlike.grad(mlp)((), X3) == ()
    check_container_grad(plain_list, ([X3[0].copy()], X3[1].copy()))


def test_looped_twice_over_keys_and_mutated_lists():
    ws = [X3[0].copy(), X3[1].copy(), X3[0] * 2]
    check_container_grad(loop_twice, (ws, X3[1].copy()))
    check_container_grad(appended_in_loop, ([w.copy() for w in ws], X3[1].copy()))
    check_container_grad(grown_then_looped, ([w.copy() for w in ws], X3[1].copy()))
    df = tangentlike.grad(rewritten_in_loop)
    ws = [RNG.standard_normal(3) for _ in range(4)]
    expected = _fd(lambda xs, x: rewritten_in_loop([w.copy() for w in xs], x), (ws, X3[1]))
    for _ in range(3):
        got = df([w.copy() for w in ws], X3[1])
        for a, b in zip(got, expected):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)
    assert "bxs = add_item(bxs, " in df.source
    params = {"a": RNG.standard_normal((3, 3)) / 2, "b": RNG.standard_normal((3, 3)) / 2}
    check_container_grad(over_keys, (params, X3.copy()))


def test_forward_mode_and_hvp_through_the_backward_loop():
    params = _layers(3)
    tangents = _layers(3)
    eps = 1e-6
    shifted = [[(W + s * eps * dW, b + s * eps * db) for (W, b), (dW, db) in zip(params, tangents)]
               for s in (1, -1)]
    expected = (mlp(shifted[0], X3) - mlp(shifted[1], X3)) / (2 * eps)
    got = tangentlike.autodiff(mlp, mode="forward")(params, X3, tangents)
    np.testing.assert_allclose(got, expected, rtol=1e-6)

    def f(x):
        ws = [x * 0.5, x * x, np.sin(x)]
        s = 0.0
        for w in ws:
            s = s + np.sum(np.tanh(w) * w)
        return s

    x, v = X3[0].copy(), np.array([0.5, 1.0, -2.0])
    grad = tangentlike.grad(f)
    assert "add_element(" in grad.source
    expected_hvp = (grad(x + 1e-5 * v) - grad(x - 1e-5 * v)) / 2e-5
    hf = tangentlike.hvp(f)
    for _ in range(3):
        np.testing.assert_allclose(hf(x, v), expected_hvp, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("optimized", [True, False])
def test_layers_read_by_index_or_key(optimized):
    """``params[i]`` and ``params[name]`` in a loop: ``add_item``, one item per iteration."""
    df = check_container_grad(by_index, (_layers(3), X3.copy()), optimized)
    assert "bparams = add_item(bparams, " in df.source and "unindex" not in df.source
    check_container_grad(by_index, (tuple(_layers(2)), X3.copy()), optimized)
    params = dict(zip("abc", _layers(3)))
    df = check_container_grad(by_key, (params, X3.copy()), optimized)
    # (params[name][0]: the adjoint of the pair params[name] is unindex(g, t, 0), once)
    assert "bparams = add_item(bparams, " in df.source and "add_grad" not in df.source


# -- the helper against the formula it replaces ----------------------------------------------
Pair = collections.namedtuple("Pair", "W b")
CONTAINERS = [
    [np.ones(2), np.ones(3), 1.5],
    (np.ones(2), np.ones(3)),
    [(np.ones((2, 2)), np.ones(2)), (np.ones((2, 2)), np.ones(2))],
    [[np.ones(2), (np.ones(1), 2.0)], [np.ones(2), (np.ones(1), 2.0)]],
    Pair(np.ones(2), np.ones(2)),
    {"a": np.ones(2), "b": np.ones(3)},
    np.ones((3, 2)),
]
CONTAINER_KINDS = ["list", "tuple", "layers", "nested", "namedtuple", "dict", "array"]


@pytest.mark.parametrize("xs", CONTAINERS, ids=CONTAINER_KINDS)
def test_add_item_is_add_grad_of_unindex(xs):
    total = runtime.zeros_like(xs)
    keys = list(xs) if isinstance(xs, dict) else list(range(len(xs)))
    for index in [*keys, keys[-1]] + ([slice(0, 2)] if not isinstance(xs, dict) else []):
        g = runtime.zeros_like(xs[index])
        for leaf in _leaves(g):
            leaf += RNG.standard_normal(leaf.shape)
        g = 0.5 if isinstance(g, float) else g
        new = runtime.add_item(total, g, xs, index)
        old = runtime.add_grad(total, runtime.unindex(g, xs, index))
        _same_structure(new, old)
        assert all(np.array_equal(a, b) for a, b in zip(_leaves(new), _leaves(old)))
        total = new


@pytest.mark.parametrize("xs", CONTAINERS, ids=CONTAINER_KINDS)
def test_add_element_is_add_grad_of_unelement(xs):
    total = runtime.zeros_like(xs)
    items = xs.values() if isinstance(xs, dict) else xs
    for position, item in enumerate(items):
        g = runtime.zeros_like(item)
        for leaf in _leaves(g) if not isinstance(g, float) else []:
            leaf += RNG.standard_normal(leaf.shape)
        g = 0.25 * position + 1.0 if isinstance(g, float) else g
        before = [leaf.copy() for leaf in _leaves(total)] if not isinstance(total, float) else 0
        new = runtime.add_element(total, g, xs, position)
        old = runtime.add_grad(total, runtime.unelement(g, xs, position))
        _same_structure(new, old)
        assert all(np.array_equal(a, b) for a, b in zip(_leaves(new), _leaves(old)))
        assert new == old if isinstance(old, (float, list)) and not _leaves(old) else True
        if not isinstance(total, float):  # the old total is not changed
            assert all(np.array_equal(a, b) for a, b in zip(_leaves(total), before))
        total = new


# -- linear, not quadratic --------------------------------------------------------------------
def _zeros_made(monkeypatch, depth, f=mlp):
    """How many times ``zeros_like`` runs (recursion included) in one call of the general
    derivative of the MLP ``f`` of ``depth`` layers."""
    calls = [0]
    real = runtime.zeros_like

    def counting(x):
        calls[0] += 1
        return real(x)

    df = tangentlike.grad(f)
    params, x = _layers(depth), X3.copy()
    with monkeypatch.context() as patch:
        patch.setattr(runtime, "zeros_like", counting)
        scope = df.specializer.generic.__globals__
        for name, value in list(scope.items()):
            if value is real:
                patch.setitem(scope, name, counting)
        df.specializer.generic(params, x)
    return calls[0]


def test_zeros_built_grow_linearly_with_depth(monkeypatch):
    counts = [_zeros_made(monkeypatch, depth) for depth in (2, 4, 6, 16)]
    # One zeros_like(params) (1 + 3 * depth calls with its recursion), nothing per iteration.
    assert counts[1] - counts[0] == counts[2] - counts[1] == 6
    assert counts[3] <= 3 * 16 + 2
    source = tangentlike.grad(mlp).source
    assert "add_element(bparams, (bW, bb), params, k)" in source
    assert "unelement" not in source
    counts = [_zeros_made(monkeypatch, depth, by_index) for depth in (2, 4, 6)]
    assert counts[1] - counts[0] == counts[2] - counts[1] == 6


def test_the_version_by_shape_keeps_the_one_item_sum():
    """The per-shape version is written for the loop (no reason to decline) and keeps the
    adjoint of ``params`` as slots (versions/element_adjoints.py): no zeros before the loop,
    each layer's adjoint kept as it is (the list's structure is part of the signature, its
    items' shapes too), zeros only for layers no iteration reached."""
    df = tangentlike.grad(mlp)
    params, x = _layers(4), X3.copy()
    for _ in range(3):
        df(params, x)
    assert df.specializer.declined == {}
    assert df.specialized  # (other tests' signatures may have their versions too)
    for source in df.specialized.values():
        assert "bparams = element_slots(params)" in source
        assert "bparams = filled_elements(bparams)" in source
        assert "zeros_like(params)" not in source
    source = version_of(df, (params, x), {}).source
    assert "put_first(bparams, (bW, bb), params, k)" in source  # (tuples of arrays)

