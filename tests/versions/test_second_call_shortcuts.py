"""The work the second call skips while it writes a version by shape (issue 18 item 4).

Each shortcut must leave the version as it was: a rewrite round of ``versions/lower.py``
after a round that found nothing (``_may_find_more``), the fixed point of ``Static``
worked out only when a value is asked about, the selection rewrites of ``wheres.py``
skipped where no block holds two selections; the garbage collector paused while a
version is written.  Checked: the version's source with the
shortcut equals the version's source with the work done as before (the shortcut turned
off), its values are the generic derivative's, and the shortcuts are taken.
"""
from __future__ import annotations

import gc
import math
import re

import gast
import numpy as np
import pytest

import tangentlike
from tangentlike.core.resolve import resolve_in
from tangentlike.rules.primitive import primitive
from tangentlike.versions import dispatch, lower, observe, resolver, static, wheres


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def mlp(W1, b1, W2, b2, X):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    return np.sum(logits - m - np.log(np.sum(np.exp(logits - m), axis=1, keepdims=True)))


def rnn(Wx, Wh, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    return np.sum(h * h)


def mixture(l1, l2):
    hi = np.where(l1 > l2, l1, l2)
    lo = np.where(l1 > l2, l2, l1)
    return np.sum(hi + np.log1p(np.exp(lo - hi)))


def one_selection(x, y):
    z = np.where(x > 0.0, x, y)
    return np.sum(z * z)


def masked(x):
    return np.sum(x[x > 0.0] ** 2)


def by_argmax(x):
    k = np.argmax(x)
    return np.sum(x[:k + 1] ** 2)


def spelled_products(w, x):
    h = np.tanh(np.dot(x, w))
    return np.sum(np.einsum("ij,jk->ik", h, w))


def _cases() -> list[tuple]:
    rng = np.random.default_rng(3)
    return [
        ("logsumexp", logsumexp, (rng.normal(size=40),), (0,)),
        ("mlp", mlp, (rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=(3, 4)),
                      rng.normal(size=4), rng.normal(size=(6, 5))), (0, 1, 2, 3)),
        ("rnn", rnn, (rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 4)) * 0.5,
                      rng.normal(size=(5, 2, 3))), (0, 1)),
        ("mixture", mixture, (rng.normal(size=30), rng.normal(size=30)), (0, 1)),
        ("one selection", one_selection, (rng.normal(size=7), rng.normal(size=7)), (0, 1)),
        ("spelled products", spelled_products, (rng.normal(size=(3, 3)),
                                                rng.normal(size=(4, 3))), (0,)),
    ]


def _unnumbered(source: str) -> str:
    return re.sub(r"_shaped\d*\(", "_shaped(", source)


def _version(f, wrt: tuple, args: tuple) -> tuple[str, str, object, object]:
    """The kind and source of the version a fresh derivative writes, its result and the
    generic derivative's."""
    tangentlike.clear_cache()
    df = tangentlike.grad(f, wrt=wrt)
    generic = df.specializer.generic(*args)
    df(*args), df(*args)
    version = df.version_for(*args)
    return version.kind, _unnumbered(version.source or ""), df(*args), generic


def _without_shortcuts(monkeypatch) -> None:
    monkeypatch.setattr(lower, "_may_find_more", lambda last, spread: True)
    monkeypatch.setattr(wheres, "_two_selections", lambda fn: True)
    eager = static.Static.__init__

    def init(self, *args, **kwargs) -> None:
        eager(self, *args, **kwargs)
        assert self.names is not None  # the fixed point at once, as before

    monkeypatch.setattr(static.Static, "__init__", init)
    # every function's contractions rewritten, every name looked up, every node walked
    monkeypatch.setattr(lower, "may_rewrite", lambda calls, resolve: True)
    monkeypatch.setattr(lower, "Resolver", _LookingUp)
    follows = lower.shape_follows
    monkeypatch.setattr(lower, "shape_follows",
                        lambda fn, found, seen, places, checked: follows(fn, found, seen))


class _LookingUp(resolver.Resolver):
    """A resolver that keeps nothing: ``resolve_in`` and ``primitive`` at each look-up."""

    def __call__(self, node: gast.expr, local) -> object:
        return resolve_in(node, (self.scope,), local)

    def record(self, function: object) -> object:
        return primitive(function)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c[0])
def test_version_is_the_one_written_without_shortcuts(case: tuple, monkeypatch) -> None:
    _, f, args, wrt = case
    kind, source, result, generic = _version(f, wrt, args)
    assert kind == "shapes"
    with monkeypatch.context() as patched:
        _without_shortcuts(patched)
        expected_kind, expected_source, expected_result, _ = _version(f, wrt, args)
    assert (kind, source) == (expected_kind, expected_source)
    single = len(wrt) == 1
    for got, want, before in zip((result,) if single else result,
                                 (generic,) if single else generic,
                                 (expected_result,) if single else expected_result):
        np.testing.assert_array_equal(got, before)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_rounds_after_a_round_that_found_nothing_are_skipped(monkeypatch) -> None:
    """logsumexp: the round after the optimizer finds nothing and leaves no ``unreduce``
    call, so the spreading round (which differs from it only there) and the plain round
    after it are not run; with every round run, two more visits."""
    counted: list[bool] = []
    original, decide = lower._Rewrite.__init__, lower._may_find_more

    def init(self, fn, scope, names, spread, *rest) -> None:
        counted.append(spread)
        original(self, fn, scope, names, spread, *rest)

    monkeypatch.setattr(lower._Rewrite, "__init__", init)
    args = (np.linspace(-1.0, 2.0, 9),)
    _version(logsumexp, (0,), args)
    skipped = list(counted)
    counted.clear()
    monkeypatch.setattr(lower, "_may_find_more", lambda last, spread: True)
    _version(logsumexp, (0,), args)
    assert skipped == [False, False]
    assert counted == [False, False, True, False]
    assert not decide(_Round(spread=True), False)
    assert not decide(_Round(spread=False), False)
    assert decide(_Round(spread=False, kept_unreduce=True), True)
    assert not decide(_Round(spread=False), True)
    assert not decide(_Round(spread=True, kept_unreduce=True), True)
    assert decide(None, False)


def test_a_spreading_round_runs_after_an_unreduce_left() -> None:
    """The RNN: the round after the optimizer leaves ``unreduce`` calls, which the
    spreading round then rewrites (the version has none)."""
    rng = np.random.default_rng(3)
    args = (rng.normal(size=(3, 4)) * 0.5, rng.normal(size=(4, 4)) * 0.5,
            rng.normal(size=(5, 2, 3)))
    kept: list[bool] = []
    original = lower._Rewrite.visit

    def visit(self, node):
        found = original(self, node)
        kept.append((self.spread, self.kept_unreduce))
        return found

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(lower._Rewrite, "visit", visit)
        kind, source, _, _ = _version(rnn, (0, 1), args)
    assert kind == "shapes" and "unreduce" not in source
    assert (False, True) in kept and any(spread for spread, _ in kept)


class _Round:
    def __init__(self, spread: bool, kept_unreduce: bool = False) -> None:
        self.spread = spread
        self.kept_unreduce = kept_unreduce


def test_declined_for_the_same_reasons() -> None:
    """A mask or an integer computed from values that decides a shape: no version, with
    the reason the eager fixed point gave."""
    rng = np.random.default_rng(5)
    for f in (masked, by_argmax):
        x = rng.normal(size=8)
        df = tangentlike.grad(f)
        df(x), df(x)
        version = df.version_for(x)
        assert version.kind != "shapes"
        assert "decides a shape" in version.reason, version.reason
        np.testing.assert_allclose(df(x), df.specializer.generic(x), rtol=0, atol=0)


def test_static_names_worked_out_when_asked() -> None:
    """The fixed point is the greatest one: a shape, a length and an int parameter's
    arithmetic follow; a value read from an array does not, nor what it feeds."""
    fn = gast.parse(
        "def f(x, n):\n"
        "    a = x.shape[0]\n"
        "    b = a * n + len(x)\n"
        "    c = np.argmax(x)\n"
        "    d = c + a\n"
        "    e = b\n"
        "    for i in range(a):\n"
        "        e = e + i\n"
        "    return e\n").body[0]
    found = static.Static(fn, {"n"}, {"np": np, "len": len, "range": range})
    assert found._names is None  # nothing asked yet
    assert found.of(gast.parse("a + b", mode="eval").body)
    assert found.names == {"a", "b", "e", "i", "n"}
    assert not found.of(gast.parse("d", mode="eval").body)


@pytest.mark.parametrize("case", [c for c in _cases() if c[0] in ("mlp", "rnn")],
                         ids=lambda c: c[0])
def test_collector_paused_while_writing(case: tuple, monkeypatch) -> None:
    """The collector is off while the version is written (inferred: mlp; after the
    instrumented run: rnn), on during the instrumented run, and on again after; one the
    user turned off stays off."""
    _, f, args, wrt = case
    states: dict[str, list[bool]] = {"write": [], "run": []}
    write, run = dispatch.lower_shapes, observe.Observer.run

    def lower_shapes(*a, **k):
        states["write"].append(gc.isenabled())
        return write(*a, **k)

    def observed_run(self, *a, **k):
        states["run"].append(gc.isenabled())
        return run(self, *a, **k)

    monkeypatch.setattr(dispatch, "lower_shapes", lower_shapes)
    monkeypatch.setattr(observe.Observer, "run", observed_run)
    if f is rnn:  # its loop is inferred now (test_inferred_loops.py): make the run
        monkeypatch.setattr(dispatch, "infer_seen", lambda *a: None)
    assert gc.isenabled()
    kind, _, result, generic = _version(f, wrt, args)
    assert kind == "shapes" and gc.isenabled()
    assert states["write"] == [False]
    assert states["run"] == ([True] if f is rnn else [])
    for got, want in zip(result, generic):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    gc.disable()
    try:
        _version(f, wrt, args)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _scalar(x, y):
    z = x * y + math.sin(x)
    return z * z


def test_collector_paused_while_writing_the_float_version(monkeypatch) -> None:
    """The version for Python floats (written at the first call with floats) is written
    with the collector off too, and the collector is on again after the call."""
    states: list[bool] = []
    write = dispatch.lower_floats

    def lower_floats(*a, **k):
        states.append(gc.isenabled())
        return write(*a, **k)

    monkeypatch.setattr(dispatch, "lower_floats", lower_floats)
    tangentlike.clear_cache()
    df = tangentlike.grad(_scalar, wrt=(0, 1))
    assert gc.isenabled()
    got = df(0.3, 0.7)
    assert states == [False] and gc.isenabled()
    dz = (0.3 * 0.7 + math.sin(0.3)) * 2
    assert got == pytest.approx((dz * (0.7 + math.cos(0.3)), dz * 0.3), rel=1e-14)
