"""The dispatcher (tangentlike/versions/dispatch.py): every call runs the version written for
its own signature, found by its flat key (``signature.key_parts``), whatever ran before it.

Each test warms a derivative up with several signatures (the second call of a signature
writes its version), then calls them in turn: each call must run its own version (seen with
a profiler: the generated function whose code ran) and give the gradient of central finite
differences, with the argument's shape and dtype.  The flat keys themselves are checked to
say exactly one signature each (``test_flat_keys_*``).
"""
from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from support import numerical_grad

import tangentlike
from tangentlike.versions.dispatch import ENV, MAX_KEYS
from tangentlike.versions.signature import key_parts, signature


@pytest.fixture(autouse=True)
def second(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default: a version is written at the second call of a signature; each test
    with derivatives of its own (their versions: at most ``MAX_VERSIONS`` each)."""
    monkeypatch.delenv(ENV, raising=False)
    tangentlike.clear_cache()


def _ran(df: Callable, args: tuple, kwargs: dict) -> tuple[Any, set]:
    """``df(*args, **kwargs)`` and the code objects of the Python functions it ran."""
    codes: set = set()

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            codes.add(frame.f_code)

    sys.setprofile(profile)
    try:
        result = df(*args, **kwargs)
    finally:
        sys.setprofile(None)
    return result, codes


def _runs_its_version(df: Callable, args: tuple, kwargs: dict | None = None) -> Any:
    """Call ``df``; assert it ran the version ``version_for`` names for these arguments and
    no other version; return the result."""
    kwargs = kwargs or {}
    mine = df.version_for(*args, **kwargs)
    result, codes = _ran(df, args, kwargs)
    functions = df.current().specializer
    others = {v.function.__code__ for v in functions.written.values()} | {
        functions.generic.__code__}
    others.discard(mine.function.__code__)
    assert mine.function.__code__ in codes, mine.kind
    assert not others & codes, (mine.kind, mine.signature)
    return result


def _leaves(x: Any) -> list:
    """The arrays of a container (in order), or the value itself."""
    if isinstance(x, dict):
        return [leaf for v in x.values() for leaf in _leaves(v)]
    if isinstance(x, (tuple, list)):
        return [leaf for v in x for leaf in _leaves(v)]
    return [x]


def _container_grad(f: Callable, args: tuple, i: int, h: float = 1e-6) -> list:
    """Central differences for every array in the container ``args[i]`` (perturbed in
    place, then restored), in the order of ``_leaves``."""
    out = []
    for leaf in _leaves(args[i]):
        g = np.zeros(leaf.shape)
        for index in np.ndindex(leaf.shape):
            saved = leaf[index]
            leaf[index] = saved + h
            up = f(*args)
            leaf[index] = saved - h
            down = f(*args)
            leaf[index] = saved
            g[index] = (up - down) / (2 * h)
        out.append(g)
    return out


def _check(f: Callable, df: Callable, args: tuple, wrt: tuple[int, ...], got: Any,
           rtol: float = 1e-6) -> None:
    """``got`` (``df(*args)``, one gradient per ``wrt`` argument) against central
    differences in float64, each with its argument's shape (structure) and floating
    dtype."""
    got = got if len(wrt) > 1 else (got,)
    if any(isinstance(args[i], (tuple, list, dict)) for i in wrt):
        for g, i in zip(got, wrt, strict=True):
            # (a list unpacked by ``W, b = params`` has a tuple for its gradient, as before)
            assert isinstance(g, dict) == isinstance(args[i], dict)
            if isinstance(g, dict):
                assert list(g) == list(args[i])
            for gl, el, al in zip(_leaves(g), _container_grad(f, args, i), _leaves(args[i]),
                                  strict=True):
                assert gl.shape == al.shape
                np.testing.assert_allclose(gl, el, rtol=rtol, atol=rtol)
        return
    wide = tuple(np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else a
                 for a in args)
    expected = numerical_grad(f, wide, wrt)
    for g, e, i in zip(got, expected, wrt, strict=True):
        assert np.shape(g) == np.shape(args[i])
        if isinstance(args[i], np.ndarray) and all(
                a.dtype == args[i].dtype for a in args if isinstance(a, np.ndarray)):
            assert np.asarray(g).dtype == args[i].dtype
        np.testing.assert_allclose(g, e, rtol=rtol, atol=rtol)


def _in_turns(f: Callable, wrt: tuple[int, ...], calls: list[tuple], rtol: float = 1e-6,
              versions: int | None = None) -> Callable:
    """Warm ``grad(f, wrt)`` up with every argument tuple of ``calls`` (twice each), then
    call them in turns, forwards and backwards: each must run its version and be right."""
    df = tangentlike.grad(f, wrt=wrt if len(wrt) > 1 else wrt[0])
    for args in calls:
        df(*args)
        df(*args)
    for args in [*calls, *reversed(calls), *calls]:
        _check(f, df, args, wrt, _runs_its_version(df, args), rtol)
    if versions is not None:  # that many signatures, each with its version by shape
        signatures = {signature(args, {}) for args in calls}
        assert len(signatures) == versions
        written = df.current().specializer.written
        assert all(written[s].kind == "shapes" for s in signatures)
    return df


def tanh_loss(x, y):
    return np.sum(np.tanh(x * y) ** 2)


def test_float32_and_float64_run_their_own_versions() -> None:
    r = np.random.default_rng(0)
    x, y = r.normal(size=(3, 4)), r.normal(size=4)
    calls = [(x, y), (x.astype(np.float32), y.astype(np.float32)),
             (x.astype(np.float32), y)]  # float32 with float64: float64 results
    _in_turns(tanh_loss, (0, 1), calls, rtol=1e-4, versions=3)


def test_shapes_and_dimensions_run_their_own_versions() -> None:
    r = np.random.default_rng(1)
    calls = [(r.normal(size=(3, 4)), r.normal(size=4)), (r.normal(size=(2, 4)), r.normal(size=4)),
             (r.normal(size=(3, 4)), r.normal(size=(3, 4))), (r.normal(size=4), r.normal(size=4)),
             (r.normal(size=(2, 3, 4)), r.normal(size=(3, 1))), (np.array(0.3), r.normal(size=4))]
    _in_turns(tanh_loss, (0, 1), calls, versions=len(calls))


def test_zero_d_arrays_floats_numpy_scalars_and_ints_are_told_apart() -> None:
    x = np.array([0.1, -0.7, 1.3])
    calls = [(x, np.array(0.5)), (x, 0.5), (x, np.float64(0.5)), (x, np.float32(0.5)), (x, 2),
             (np.array(0.4), 0.5), (0.4, 0.5)]
    df = tangentlike.grad(tanh_loss, wrt=(0, 1))
    for args in calls:
        df(*args)
        df(*args)
    for args in [*calls, *reversed(calls)]:
        got = _runs_its_version(df, args)
        _check(tanh_loss, df, args, (0, 1), got)


def steps(x, n, flip):
    for _ in range(n):
        x = np.sin(x) * 1.5
    if flip:
        x = -x
    return np.sum(x * x)


def test_ints_and_bools_by_value() -> None:
    x = np.array([0.1, -0.7, 1.3])
    calls = [(x, 1, False), (x, 3, False), (x, 1, True), (x, 3, True), (x, 0, False)]
    _in_turns(steps, (0,), calls)
    df = tangentlike.grad(steps)
    for args in [(x, 1, True), (x, 1, 1), (x, True, 1)]:  # 1 == True: equal keys would mix
        df(*args)
        df(*args)
    assert signature((x, 1, True), {}) != signature((x, 1, 1), {})
    for args in [(x, 1, True), (x, 1, 1), (x, True, 1)]:
        _check(steps, df, args, (0,), _runs_its_version(df, args))


def tuple_loss(params, X):
    W, b = params
    return np.sum(np.tanh(X @ W + b) ** 2)


def list_loss(params, X):
    h = X
    for W, b in params:
        h = np.tanh(h @ W + b)
    return np.sum(h * h)


def dict_loss(params, X):
    return np.sum(np.tanh(X @ params["W"] + params["b"]) ** 2)


def _layer(r: np.random.Generator, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return r.normal(size=(n, m)) * 0.5, r.normal(size=m)


def test_containers_run_their_own_versions() -> None:
    r = np.random.default_rng(2)
    X = r.normal(size=(5, 3))
    W, b = _layer(r, 3, 4)
    _in_turns(tuple_loss, (0,), [((W, b), X), ([W, b], X), ((W, b[:1]), X), ((W, b), X[:2])],
              versions=4)
    _in_turns(dict_loss, (0,), [({"W": W, "b": b}, X), ({"b": b, "W": W}, X),
                                ({"W": W, "b": b, "c": b.copy()}, X),
                                ({"W": W[:, :2], "b": b[:2]}, X)], versions=4)
    layers = [_layer(r, 3, 4), _layer(r, 4, 4), _layer(r, 4, 2)]
    _in_turns(list_loss, (0,), [(layers[:1], X), (layers[:2], X), (layers, X),
                                ([list(p) for p in layers], X), (tuple(layers), X)])


def test_nesting_is_part_of_the_key() -> None:
    # [[a], b] and [[a, b]] hold the same arrays in the same order; their keys differ
    a, b = np.ones(2), np.ones(3)
    assert _flat([[a], b]) != _flat([[a, b]])
    assert _flat([(a,), (b,)]) != _flat([(a, b)])


def test_views_and_non_contiguous_arrays() -> None:
    r = np.random.default_rng(3)
    base = r.normal(size=(4, 6))
    y = r.normal(size=6)
    df = _in_turns(tanh_loss, (0, 1), [(base[:, :], y), (base.T.copy().T, y[::-1]),
                                       (np.asfortranarray(base), y)], versions=1)
    strided = r.normal(size=(8, 12))[::2, ::2]
    x = strided.copy()
    _check(tanh_loss, df, (strided, y), (0, 1), _runs_its_version(df, (strided, y)))
    np.testing.assert_array_equal(df(strided, y)[0], df(x, y)[0])


class Sub(np.ndarray):
    pass


def test_subclasses_of_ndarray_run_the_generic_derivative() -> None:
    r = np.random.default_rng(4)
    x, y = r.normal(size=(3, 4)), r.normal(size=4)
    df = _in_turns(tanh_loss, (0, 1), [(x, y)])
    sub = x.view(Sub)
    assert signature((sub, y), {}) is None
    for _ in range(3):
        got = _runs_its_version(df, (sub, y))
        assert df.version_for(sub, y).kind == "general"
        _check(tanh_loss, df, (sub, y), (0, 1), got)
    _runs_its_version(df, (x, y))


def bias(x, b=0.5, *, scale=1.0):
    return np.sum(np.tanh(x + b) * scale)


def test_keywords_are_part_of_the_key() -> None:
    r = np.random.default_rng(5)
    x, b = r.normal(size=3), r.normal(size=3)
    df = tangentlike.grad(bias, wrt=(0, 1))
    calls = [((x,), {}), ((x, b), {}), ((x,), {"b": b}), ((), {"x": x, "b": b}),
             ((), {"b": b, "x": x}), ((x,), {"b": 0.25}), ((x,), {"b": b, "scale": 2.0}),
             ((x,), {"scale": 2.0, "b": b}), ((x,), {"b": b[:1]})]
    for args, kwargs in calls:
        df(*args, **kwargs)
        df(*args, **kwargs)
    for args, kwargs in [*calls, *reversed(calls)]:
        gx, gb = _runs_its_version(df, args, kwargs)
        given = {"b": 0.5, "scale": 1.0, **dict(zip(("x", "b"), args)), **kwargs}
        expected = given["scale"] * (1 - np.tanh(given["x"] + given["b"]) ** 2)
        np.testing.assert_allclose(gx, expected, rtol=1e-12)
        b_shape = np.shape(given["b"])
        np.testing.assert_allclose(gb, np.sum(expected).reshape(b_shape) if len(b_shape) < 1
                                   or b_shape == (1,) else expected, rtol=1e-12)
        assert np.shape(gb) == b_shape


G = np.ones(3)


def global_loss(x):
    return np.sum(np.tanh(x * G) ** 2)


def helper(x):
    return np.sin(x)


def helper_loss(x):
    return np.sum(helper(x) ** 2)


def test_a_global_array_that_changes_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    r = np.random.default_rng(6)
    x = r.normal(size=3)
    df = tangentlike.grad(global_loss)
    for shape in [(3,), (3,), (3,), (2, 3), (1,), (3,), (4, 1)]:
        monkeypatch.setitem(globals(), "G", r.normal(size=shape))
        for _ in range(2):
            _check(global_loss, df, (x,), (0,), df(x))


settings = types.ModuleType("settings")  # a module of the user's, holding data
settings.W = np.ones(3)


def module_data_loss(x):
    return np.sum(np.tanh(x * settings.W) ** 2)


def test_an_array_of_a_module_that_changes_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """``config.W`` is read by its path: a new shape gets its own version (the version of
    the old shape gave a (2, 3) gradient for a (3,) argument)."""
    r = np.random.default_rng(8)
    x = r.normal(size=3)
    df = tangentlike.grad(module_data_loss)
    for shape in [(3,), (3,), (3,), (2, 3), (1,), (3,), (4, 1), ()]:
        monkeypatch.setattr(settings, "W", r.normal(size=shape))
        for _ in range(2):
            _check(module_data_loss, df, (x,), (0,), df(x))


def test_a_helper_rebound_gets_a_new_derivative(monkeypatch: pytest.MonkeyPatch) -> None:
    x = np.array([0.1, -0.7, 1.3])
    df = tangentlike.grad(helper_loss)
    for _ in range(3):
        np.testing.assert_allclose(df(x), 2 * np.sin(x) * np.cos(x), rtol=1e-12)
    monkeypatch.setitem(globals(), "helper", lambda x: np.tanh(x))
    for _ in range(3):
        np.testing.assert_allclose(df(x), 2 * np.tanh(x) * (1 - np.tanh(x) ** 2), rtol=1e-12)


def test_forward_mode_and_hvp_dispatch_by_their_tangents() -> None:
    r = np.random.default_rng(7)
    calls = [(r.normal(size=3), r.normal(size=3)), (r.normal(size=(2, 3)), r.normal(size=3)),
             (r.normal(size=3).astype(np.float32), r.normal(size=3).astype(np.float32))]
    tangent = tangentlike.autodiff(tanh_loss, wrt=(0, 1), mode="forward")
    product = tangentlike.hvp(tanh_loss, wrt=0)
    for _ in range(2):
        for x, y in [*calls, *calls]:
            vx, vy = np.ones_like(x), np.ones_like(y)
            h = 1e-6
            wide = x.astype(np.float64), y.astype(np.float64)
            expected = (tanh_loss(wide[0] + h * vx, wide[1] + h * vy)
                        - tanh_loss(wide[0] - h * vx, wide[1] - h * vy)) / (2 * h)
            np.testing.assert_allclose(tangent(x, y, vx, vy), expected, rtol=1e-4)
            g = tangentlike.grad(tanh_loss)
            expected = (g(wide[0] + h * vx, wide[1]) - g(wide[0] - h * vx, wide[1])) / (2 * h)
            got = product(x, y, vx)
            assert got.shape == x.shape and got.dtype == x.dtype
            np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4)


def scalar_loss(x, y):
    return x * np.sin(y) + x * x


def test_python_floats_and_their_version() -> None:
    calls = [(0.3, 0.7), (np.array(0.3), 0.7), (0.3, np.array(0.7)), (3, 0.7)]
    df = tangentlike.grad(scalar_loss, wrt=(0, 1))
    for args in calls:
        df(*args)
        df(*args)
    assert df.version_for(0.3, 0.7).kind == "floats"
    for args in [*calls, *reversed(calls)]:
        got = _runs_its_version(df, args)
        x, y = (np.asarray(a, dtype=np.float64) for a in args)
        np.testing.assert_allclose(got[0], np.sin(y) + 2 * x, rtol=1e-12)
        np.testing.assert_allclose(got[1], x * np.cos(y), rtol=1e-12)
        assert np.shape(got[1]) == np.shape(args[1])


def test_nan_dictionary_keys_are_remembered_a_bounded_number_of_times() -> None:
    x = np.array([0.1, 0.2])
    df = tangentlike.grad(dict_first)
    for _ in range(MAX_KEYS + 10):
        np.testing.assert_allclose(df({float("nan"): x, "v": x})["v"], 2 * x)
    functions = _functions(df)
    assert len(functions) <= MAX_KEYS


def dict_first(params):
    return np.sum(params["v"] ** 2)


def _functions(df: Callable) -> dict:
    """The dispatcher's functions by flat key (a cell of its closure)."""
    call = df.current()
    cells = dict(zip(call.__code__.co_freevars, call.__closure__))
    return cells["functions"].cell_contents


# -- the flat keys -------------------------------------------------------------------------------
def _flat(*args: Any, **kwargs: Any) -> tuple | None:
    """The dispatcher's flat key of a call (None: the call has none)."""
    key: list = []
    for value in args:
        if not key_parts(key.append, value):
            return None
    for name, value in kwargs.items():
        key.append(name)
        if not key_parts(key.append, value):
            return None
    return tuple(key)


VALUES = [
    np.ones(3), np.ones(3, dtype=np.float32), np.ones((3, 1)), np.ones((1, 3)), np.array(1.0),
    np.ones(0), 1.0, 1, 2, True, False, 0, (), [], {}, (np.ones(3),), [np.ones(3)],
    {"a": np.ones(3)}, {"b": np.ones(3)}, {(3,): np.ones(3)}, {3: np.ones(3)}, [1.0, 2],
    [(np.ones(3), np.ones(2))], [(np.ones(3),), (np.ones(2),)], [[np.ones(3)], np.ones(2)],
    [[np.ones(3), np.ones(2)]], (1, np.ones(2)), (np.ones(2), 1), {"a": {"b": np.ones(1)}},
    {"a": [np.ones(1)]}, (float, np.ones(1)), None, "text", np.float64(1.0),
    np.ones(3).view(Sub), object(),
]


def test_flat_keys_tell_apart_what_signatures_tell_apart() -> None:
    """Calls with equal flat keys have equal signatures (so they may share a version), for
    every pair of one- and two-argument calls, positional and by keyword."""
    calls = [((v,), {}) for v in VALUES] + [((v, w), {}) for v in VALUES[:12]
                                             for w in VALUES] + [
        ((v,), {"k": w}) for v in VALUES[:6] for w in VALUES] + [
        ((), {"k": v, "j": w}) for v in VALUES[:6] for w in VALUES[:6]]
    keyed = {}
    for args, kwargs in calls:
        flat = _flat(*args, **kwargs)
        if flat is None:
            continue
        sig = signature(args, kwargs)
        assert sig is not None
        if flat in keyed:
            assert keyed[flat] == sig, (flat, args, kwargs)
        keyed[flat] = sig
    assert len(keyed) > 400


def test_flat_keys_are_none_where_signatures_are_none() -> None:
    for value in VALUES:
        if signature((value,), {}) is None:
            assert _flat(value) is None
