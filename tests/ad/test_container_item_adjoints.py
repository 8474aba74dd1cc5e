"""Items of a list, tuple or dict read by constant index at the top level (``params[0]``,
``params["W1"]``, issue 18 item 1): each contribution adds to one item of the container's
adjoint (``add_item``), the first one on its own (``unindex``), never a whole container of
zeros added per read.  Gradients against central finite differences, optimized and not, in
reverse and forward mode, with items read twice, in a branch and in a loop."""
from __future__ import annotations

import numpy as np
import pytest

import tangentlike
from tests.support import numerical_grad

RNG = np.random.default_rng(181)


def mlp_list(params, X):
    h = np.tanh(X @ params[0] + params[1])
    return np.sum(np.tanh(h @ params[2] + params[3]) ** 2)


def mlp_dict(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    return np.sum(np.tanh(h @ params["W2"] + params["b2"]) ** 2)


def read_twice(params, X):
    y = np.sin(X @ params[0]) * params[1]
    return np.sum(y * params[0][0] + params[1] ** 2)


def in_a_branch(params, X):
    y = np.sum(np.cos(X @ params[0]))
    if y > -100.0:
        y = y + np.sum(params[1] ** 3)
    return y * np.sum(params[1])


def in_a_loop(params, X):
    y = np.sum(X @ params[0])
    for k in range(2):
        y = y + np.sum(np.sin(params[k]) * k)
    return y * np.sum(params[1])


def _params(kind):
    W1, b1 = RNG.standard_normal((4, 3)), RNG.standard_normal(3)
    W2, b2 = RNG.standard_normal((3, 2)), RNG.standard_normal(2)
    if kind == "dict":
        return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return [W1, b1, W2, b2] if kind == "list" else (W1, b1, W2, b2)


def _flat(p):
    return list(p.values()) if isinstance(p, dict) else list(p)


def _fd(f, params, X):
    keys = list(params) if isinstance(params, dict) else range(len(params))

    def of(*leaves):
        given = dict(zip(keys, leaves)) if isinstance(params, dict) else type(params)(leaves)
        return f(given, X)

    return numerical_grad(of, _flat(params), tuple(range(len(keys))))


CASES = [(mlp_list, "list"), (mlp_list, "tuple"), (mlp_dict, "dict"), (read_twice, "list"),
         (in_a_branch, "list"), (in_a_loop, "list"), (in_a_loop, "tuple")]


@pytest.mark.parametrize("optimized", [True, False])
@pytest.mark.parametrize("f,kind", CASES, ids=[f"{f.__name__}-{k}" for f, k in CASES])
def test_item_adjoints(f, kind, optimized, monkeypatch):
    monkeypatch.setenv("TANGENTLIKE_SPECIALIZE", "off")  # the general derivative
    params, X = _params(kind), RNG.standard_normal((5, 4))
    df = tangentlike.grad(f, optimized=optimized)
    got = df(params, X)
    assert type(got) is type(params)
    for g, want in zip(_flat(got), _fd(f, params, X), strict=True):
        np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-8)
    assert "add_grad(bparams, unindex(" not in df.source, df.source
    value, _ = tangentlike.value_and_grad(f, optimized=optimized)(params, X)
    assert value == f(params, X)


@pytest.mark.parametrize("f,kind", CASES[:3], ids=[f"{f.__name__}-{k}" for f, k in CASES[:3]])
def test_item_adjoints_in_versions_and_forward_mode(f, kind):
    params, X = _params(kind), RNG.standard_normal((5, 4))
    want = _fd(f, params, X)
    df = tangentlike.grad(f)
    for _ in range(3):  # general, instrumented, version by shape
        for g, w in zip(_flat(df(params, X)), want, strict=True):
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)
    direction = type(params)(
        {k: RNG.standard_normal(np.shape(v)) for k, v in params.items()}
        if isinstance(params, dict) else [RNG.standard_normal(np.shape(v)) for v in params])
    value, tangent = tangentlike.jvp(f, wrt=(0,))((params, X), (direction,))
    expected = sum(np.sum(w * d) for w, d in zip(want, _flat(direction), strict=True))
    np.testing.assert_allclose(tangent, expected, rtol=1e-6)
    assert value == f(params, X)


def test_top_level_items_use_add_item():
    source = tangentlike.grad(mlp_list).source
    assert source.count("add_item(bparams,") == 3 and "unindex(" in source, source
    assert "add_grad" not in source, source
