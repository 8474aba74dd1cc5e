"""The adjoint of a list or tuple a loop adds to element by element, kept as slots in
versions by shape (issue 18 item 2; versions/element_adjoints.py, runtime/slots.py).

Each function is differentiated three times (general code, instrumented run, version) and
checked against central differences (float64, every array leaf); the leaves given back must
never share memory.  Adversarial cases: the same arrays in several slots, a layer used twice,
a loop that stops early or runs zero times, the list rebound or changed before the loop,
read again after it, looped over twice or inside another loop, layers of different shapes,
an element adjoint shared by two items or by every element; hvp through the slots.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tangentlike
from tangentlike.runtime import add_element, zeros_like
from tangentlike.runtime.slots import (
    element_slots,
    filled_elements,
    put_element,
    put_first,
)

RNG = np.random.default_rng(1802)
X = np.array([[0.3, -0.7, 1.1], [0.2, 0.5, -0.4]])


def _layers(depth, width=3, kind=tuple, dtype=np.float64):
    return [kind((RNG.standard_normal((width, width)).astype(dtype) / 2,
                  RNG.standard_normal(width).astype(dtype) / 2)) for _ in range(depth)]


def _leaves(tree):
    if isinstance(tree, np.ndarray):
        return [tree]
    if isinstance(tree, float):
        return []
    return [leaf for item in tree for leaf in _leaves(item)]


def _copy(tree):
    if isinstance(tree, np.ndarray):
        return tree.copy()
    if isinstance(tree, (list, tuple)):
        return type(tree)(_copy(v) for v in tree)
    return tree


def _fd(f, args, eps=1e-6):
    """Central differences with respect to every array leaf of ``args[0]``, each leaf taken
    as its own variable (aliased leaves are copied first), the function given copies."""
    first = _copy(args[0])
    out = []
    for leaf in _leaves(first):
        g = np.zeros_like(leaf)
        for index in np.ndindex(*leaf.shape):
            old = leaf[index]
            leaf[index] = old + eps
            plus = f(_copy(first), *_copy(args[1:]))
            leaf[index] = old - eps
            minus = f(_copy(first), *_copy(args[1:]))
            leaf[index] = old
            g[index] = (plus - minus) / (2 * eps)
        out.append(g)
    return out


def _same_structure(got, like):
    assert type(got) is type(like), (type(got), type(like))
    if isinstance(like, (list, tuple)):
        assert len(got) == len(like)
        for a, b in zip(got, like):
            _same_structure(a, b)
    else:
        assert np.shape(got) == np.shape(like)


def check(f, args, slots="put_first", rtol=1e-6):
    """Three calls against differences; the version has the slots (``slots``: the sum it
    writes, or None where no version by shape is expected to keep slots)."""
    df = tangentlike.grad(f)
    expected = _fd(f, args)
    for _ in range(3):
        got = df(*_copy(args))
        _same_structure(got, args[0])
        leaves = _leaves(got)
        for a, b in zip(leaves, expected):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-8)
        for a, b in itertools.combinations(leaves, 2):
            assert not np.shares_memory(a, b)
    sources = list(df.specialized.values())
    if slots is not None:
        assert any(f"= {slots}(" in s and "element_slots(" in s for s in sources), sources
    return df


# -- the user's functions --------------------------------------------------------------------
def mlp(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def layer_twice(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def stops_early(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
        if np.sum(h) > 0.0:
            break
    return np.sum(h * h)


def bias_unused(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W)
    return np.sum(h * h)


def shared_adjoint(pairs, x):
    s = 0.0
    for a, c in pairs:
        t = a + c
        s = s + np.sum(np.sin(t) * x)
    return s


def sum_of_elements(ws, x):
    s = x
    for w in ws:
        s = s + w
    return np.sum(np.sin(s))


def epochs(params, x):
    h = x
    for _ in range(3):
        for W, b in params:
            h = np.tanh(h @ W + b)
    return np.sum(h * h)


def with_penalty(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
    penalty = 0.0
    for W, b in params:
        penalty = penalty + np.sum(W * W)
    return np.sum(h * h) + 0.1 * penalty


def rebound(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
    params = params + [(params[0][0] * 2.0, params[0][1])]
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def changed_in_place(params, x):
    params.append((params[0][0] * 0.5, params[-1][1]))
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def read_after(params, x):
    h = x
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h * h) + np.sum(params[0][0] * params[-1][0])


def over_arrays(ws, x):
    h = x
    for W in ws:
        h = np.sin(h @ W)
    return np.sum(h * h)


# -- the tests ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [list, tuple], ids=["list", "tuple"])
@pytest.mark.parametrize("depth", [1, 3])
def test_a_list_or_tuple_of_layers(kind, depth):
    check(mlp, (kind(_layers(depth)), X))
    check(mlp, (_layers(depth, kind=list), X))


def test_zero_layers():
    df = tangentlike.grad(mlp)
    for _ in range(3):
        assert df([], X) == []
        assert df((), X) == ()


def test_the_same_arrays_in_every_slot():
    W, b = _layers(1)[0]
    params = [(W, b)] * 3
    df = tangentlike.grad(mlp)
    expected = df(_copy(params), X)  # (the first call: the general code)
    for _ in range(3):
        got = df(params, X)
        for a, e in zip(_leaves(got), _leaves(expected)):
            np.testing.assert_array_equal(a, e)
        for a, e in itertools.combinations(_leaves(got), 2):
            assert not np.shares_memory(a, e)
    check(mlp, (params, X))


def test_a_layer_used_twice_a_loop_that_stops_an_unused_bias():
    check(layer_twice, (_layers(3), X), slots=None)
    params = _layers(4)
    stops = [(W, b + 3.0) for W, b in params]  # at the first layer
    assert np.sum(np.tanh(X @ stops[0][0] + stops[0][1])) > 0.0
    check(stops_early, (stops, X), slots=None)
    check(stops_early, ([(W, b - 3.0) for W, b in params], X), slots=None)  # never
    check(bias_unused, (_layers(3), X), slots=None)


def test_adjoints_shared_between_items_or_elements():
    """The same adjoint array for both items of each pair, and for every element: the
    leaves given back are separate arrays."""
    pairs = [(RNG.standard_normal(3), RNG.standard_normal(3)) for _ in range(3)]
    check(shared_adjoint, (pairs, X[0]), slots="put_element")
    check(sum_of_elements, ([RNG.standard_normal(3) for _ in range(4)], X[0]),
          slots="put_element")


def test_loops_inside_loops_twice_rebound_changed_read_after():
    check(epochs, (_layers(2), X), slots=None)
    check(with_penalty, (_layers(3), X), slots=None)
    check(rebound, (_layers(2), X), slots=None)
    check(changed_in_place, (_layers(3), X), slots=None)
    check(read_after, (_layers(3), X), slots=None)


def test_layers_of_different_shapes_and_float32():
    params = [(RNG.standard_normal((3, 4)) / 2, RNG.standard_normal(4) / 2),
              (RNG.standard_normal((4, 2)) / 2, RNG.standard_normal(2) / 2)]
    check(mlp, (params, X), slots="put_element")
    check(over_arrays, ([RNG.standard_normal((3, 3)) / 2 for _ in range(3)], X))
    params = _layers(2, dtype=np.float32)
    df = tangentlike.grad(mlp)
    expected = tangentlike.grad(mlp)(_layers_as(params, np.float64), X.astype(np.float32))
    for _ in range(3):
        got = df(params, X.astype(np.float32))
        for a, e in zip(_leaves(got), _leaves(expected)):
            assert a.dtype == np.float32
            np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-5)


def _layers_as(params, dtype):
    return [tuple(v.astype(dtype) for v in layer) for layer in params]


def test_hvp_and_forward_mode_through_the_slots():
    params, v = _layers(3), _layers(3)
    grad = tangentlike.grad(mlp)
    eps = 1e-5
    plus = grad([(W + eps * dW, b + eps * db) for (W, b), (dW, db) in zip(params, v)], X)
    minus = grad([(W - eps * dW, b - eps * db) for (W, b), (dW, db) in zip(params, v)], X)
    expected = [(p - m) / (2 * eps) for p, m in zip(_leaves(plus), _leaves(minus))]
    hf = tangentlike.hvp(mlp)
    for _ in range(3):
        got = hf(params, X, v)
        _same_structure(got, params)
        for a, e in zip(_leaves(got), expected):
            np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-7)
    jvp = tangentlike.autodiff(mlp, mode="forward")
    fd = (mlp([(W + eps * dW, b + eps * db) for (W, b), (dW, db) in zip(params, v)], X)
          - mlp([(W - eps * dW, b - eps * db) for (W, b), (dW, db) in zip(params, v)], X))
    for _ in range(3):
        np.testing.assert_allclose(jvp(params, X, v), fd / (2 * eps), rtol=1e-6)


# -- the helpers against the pair they replace -----------------------------------------------
CASES = [
    ([np.ones(2), np.ones(3)], [np.full(2, 0.5), -np.ones(3)]),
    ([(np.ones((2, 2)), np.ones(2)), (np.ones((2, 2)), np.ones(2))],
     [(np.full((2, 2), 2.0), np.ones(2)), (np.zeros((2, 2)), 0.0)]),
    ((np.ones(2, np.float32), np.arange(3)), (np.ones(2, np.float64), np.ones(3))),
    ([1.0, 2.0, 3.0], [0.5, -0.5, np.float64(2.0)]),
    ([np.ones(2), [np.ones(2), 1.0]], [np.ones(()) * 2, [np.ones(2), 3.0]]),
]


@pytest.mark.parametrize("xs, gs", CASES)
@pytest.mark.parametrize("order", ["reversed", "twice", "some"])
def test_put_element_gives_what_add_element_gives(xs, gs, order):
    positions = {"reversed": list(reversed(range(len(xs)))),
                 "twice": [0, len(xs) - 1, 0],
                 "some": [len(xs) - 1]}[order]
    expected, slots = zeros_like(xs), element_slots(xs)
    for k in positions:
        expected = add_element(expected, gs[k], xs, k)
        slots = put_element(slots, gs[k], xs, k)
    got = filled_elements(slots)
    _same_structure(got, expected)
    for a, e in zip(_flat(got), _flat(expected)):
        assert type(a) is type(e) and np.asarray(a).dtype == np.asarray(e).dtype
        np.testing.assert_array_equal(a, e)


def _flat(tree):
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _flat(item)]
    return [tree]


def test_put_first_and_other_values():
    xs = _layers(3)
    gs = [tuple(v * 2 for v in layer) for layer in xs]
    slots = element_slots(xs)
    for k in (2, 0, 2):
        slots = put_first(slots, gs[k], xs, k)
    got = filled_elements(slots)
    assert got[0][0] is gs[0][0] and got[1][0].sum() == 0.0
    np.testing.assert_array_equal(got[2][0], 2 * gs[2][0])
    # not a list or tuple: zeros_like and add_element
    d = {"a": np.ones(2)}
    assert list(element_slots(d)) == ["a"]
    np.testing.assert_array_equal(element_slots(d)["a"], np.zeros(2))
    total = put_element(element_slots(np.ones(3)), 1.0, np.ones(3), 1)
    np.testing.assert_array_equal(filled_elements(total), [0.0, 1.0, 0.0])


# -- for k, v in enumerate(xs): the position follows from the signature ---------------------
def enumerated(params, x):
    h = x
    for k, (W, b) in enumerate(params):
        h = np.tanh(h @ W + b) * (k + 1.0)
    return np.sum(h[:, k % 2] * h[:, 0])


def enumerated_counts(ns, x):
    s = 0.0
    for k, n in enumerate(ns):
        s = s + np.sum(np.sin(x[:n])) * (k + 1.0)
    return s


def test_enumerate_keeps_a_version_in_forward_mode_and_hvp():
    params, v = _layers(3), _layers(3)
    eps = 1e-6
    fd = (enumerated([(W + eps * dW, b + eps * db) for (W, b), (dW, db) in zip(params, v)], X)
          - enumerated([(W - eps * dW, b - eps * db) for (W, b), (dW, db) in zip(params, v)],
                       X)) / (2 * eps)
    jvp = tangentlike.autodiff(enumerated, mode="forward")
    for _ in range(3):
        np.testing.assert_allclose(jvp(params, X, v), fd, rtol=1e-6)
    assert jvp.specializer.written and not jvp.specializer.declined
    check(enumerated, (params, X), slots=None)
    hf = tangentlike.hvp(enumerated)
    grad = tangentlike.grad(enumerated)
    plus = grad([(W + 1e-5 * dW, b + 1e-5 * db) for (W, b), (dW, db) in zip(params, v)], X)
    minus = grad([(W - 1e-5 * dW, b - 1e-5 * db) for (W, b), (dW, db) in zip(params, v)], X)
    for _ in range(3):
        for a, p, m in zip(_leaves(hf(params, X, v)), _leaves(plus), _leaves(minus)):
            np.testing.assert_allclose(a, (p - m) / 2e-5, rtol=1e-5, atol=1e-7)


def test_the_element_of_enumerate_still_takes_values():
    """Only the position is static: elements (integer arrays, the same signature at every
    call) deciding a slice's length get no version that assumes one length."""
    jvp = tangentlike.autodiff(enumerated_counts, wrt=1, mode="forward")
    grad = tangentlike.grad(enumerated_counts, wrt=1)
    x, v = X[0].copy(), np.array([0.5, -1.0, 2.0])
    for ns in ([1, 3], [2, 1], [3, 2], [1, 1], [2, 3]):
        ns = [np.array(n) for n in ns]
        expected = np.zeros(3)
        for k, n in enumerate(ns):
            expected[:n] += (k + 1.0) * np.cos(x[:n])
        np.testing.assert_allclose(grad(ns, x), expected, rtol=1e-12)
        np.testing.assert_allclose(jvp(ns, x, v), expected @ v, rtol=1e-12)
    assert not jvp.specializer.written and not grad.specializer.written


# -- a constant index (v[:, 0]) keeps a version: slice(None) follows from the signature --------
def constant_index(v, w):
    return np.sum(np.sin(v[:, 0]) * w) + np.sum(v[1, 1:] ** 2) + np.sum(v[::2, -1])


def index_from_values(v):
    n = int(np.sum(v) > 0.0) + 1
    return np.sum(v[:n, ::n] ** 2)


def test_a_constant_index_keeps_a_version():
    df = tangentlike.grad(constant_index)
    for _ in range(4):
        v, w = RNG.standard_normal((4, 3)), RNG.standard_normal(4)
        expected = np.zeros((4, 3))
        expected[:, 0] = np.cos(v[:, 0]) * w
        expected[1, 1:] += 2 * v[1, 1:]
        expected[::2, -1] += 1.0
        np.testing.assert_allclose(df(v, w), expected, rtol=1e-12)
    assert df.specializer.written and not df.specializer.declined


def test_a_slice_bound_from_values_gets_no_version():
    df = tangentlike.grad(index_from_values)
    for sign in (1.0, -1.0, 1.0, -1.0):
        v = sign * np.abs(RNG.standard_normal((3, 4)))
        n = int(np.sum(v) > 0.0) + 1
        expected = np.zeros((3, 4))
        expected[:n, ::n] = 2 * v[:n, ::n]
        np.testing.assert_allclose(df(v), expected, rtol=1e-12)
    assert not df.specializer.written


def test_the_slots_are_filled_before_a_break_leaves_the_block():
    """Written by hand (a derivative's backward sweep has its zero inits at the top): the
    filling goes before a statement that may leave the loop body, and before any other read."""
    import ast

    import gast

    from tangentlike import runtime
    from tangentlike.versions.element_adjoints import keep_element_slots

    tree = gast.parse(
        "def f(xs, g, c):\n"
        "    for i in range(3):\n"
        "        bxs = zeros_like(xs)\n"
        "        for k in reversed(range(2)):\n"
        "            bxs = add_element(bxs, g, xs, k)\n"
        "        if c:\n"
        "            break\n"
        "        bxs = add_element(bxs, g, xs, 0)\n"
        "    return bxs\n").body[0]
    names = {"zeros_like": runtime.zeros_like, "add_element": runtime.add_element}
    scope: dict = {}
    resolve = lambda f: names.get(f.id) if isinstance(f, gast.Name) else None  # noqa: E731
    assert keep_element_slots(tree, resolve, scope, {})
    text = ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(tree)))
    assert text.index("bxs = filled_elements(bxs)") < text.index("if c:")
    assert "bxs = element_slots(xs)" in text and "put_element(bxs, g, xs, k)" in text
    assert "bxs = add_element(bxs, g, xs, 0)" in text
