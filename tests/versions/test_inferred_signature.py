"""Versions by shape written without the instrumented run (versions/infer.py).

Where a derivative is straight-line code over floating point values and operations whose
result's type, shape and dtype follow from their operands', ``infer_seen`` works out what
the instrumented run would record.  Checked: the table equals the recorded one, place for
place (a wrong entry would write a wrong version); the version written from it is the
version written after the instrumented run, source for source, and gives the generic
derivative's numbers (which central differences check); where the inference cannot decide
(a slice, an integer array, a global array; loops: test_inferred_loops.py) it gives
None and the run is made.
"""
from __future__ import annotations

import numpy as np
import pytest
from inference_checks import (
    check_against_central_differences,
    check_inferred_table,
    check_version_without_the_run,
)

import tangentlike
from tangentlike.versions import infer, observe

SCALE = np.ones(3)


def mlp(W1, b1, W2, b2, X, Y):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    m = np.max(logits, axis=1, keepdims=True)
    shifted = logits - m
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(np.sum(Y * log_probs, axis=1))


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def reductions(x, y):
    a = np.sum(x, axis=0) * y
    b = np.mean(x * x, axis=-1, keepdims=True)
    c = np.min(x, 1)
    return np.sum(a) + np.sum(b * x) + x.sum() * c.mean() + np.max(x, 0).sum()


def stretched(x, row, col, s):
    z = x * row + col * s - s ** 2
    return np.sum(np.sin(z) / (1.5 + np.cos(z))) + 2 * s


def vectors(A, v, w):
    u = A @ v
    return np.sum(u * u) + v @ w + np.sum(w @ A.T)


def scalars(a, b, n):
    return (a * b + a / b) ** n - np.exp(a) * 3.0


def with_index(x):
    return np.sum(x[1:] * x[:-1])


def with_global(x):
    return np.sum(x * SCALE)


def _cases() -> list[tuple]:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(6, 5))
    Y = np.eye(4)[rng.integers(0, 4, size=6)]
    mlp_args = (rng.normal(size=(5, 3)) * 0.5, rng.normal(size=3), rng.normal(size=(3, 4)),
                rng.normal(size=4), X, Y)
    return [
        ("mlp", mlp, mlp_args, (0, 1, 2, 3)),
        ("mlp float32", mlp, tuple(a.astype(np.float32) for a in mlp_args), (0, 1, 2)),
        ("logsumexp", logsumexp, (rng.normal(size=50),), (0,)),
        ("logsumexp float32", logsumexp, (rng.normal(size=50).astype(np.float32),), (0,)),
        ("reductions", reductions, (rng.normal(size=(4, 3)), rng.normal(size=3)), (0, 1)),
        ("reductions float y", reductions, (rng.normal(size=(4, 3)), 0.7), (0, 1)),
        ("stretched", stretched, (rng.normal(size=(4, 3)), rng.normal(size=(1, 3)),
                                  rng.normal(size=(4, 1)), 0.3), (0, 1, 2, 3)),
        ("stretched numpy scalar", stretched,
         (rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(4, 1)),
          np.float64(0.3)), (0, 1, 2, 3)),
        ("vectors", vectors, (rng.normal(size=(3, 4)), rng.normal(size=4),
                              rng.normal(size=4)), (0, 1, 2)),
        ("scalars", scalars, (np.float64(1.3), np.float64(0.6), 3), (0, 1)),
        ("scalar arrays", scalars, (np.array(1.3), np.array(0.6), 2), (0, 1)),
    ]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c[0])
def test_inferred_table_is_the_recorded_one(case: tuple) -> None:
    check_inferred_table(case)


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c[0])
def test_version_without_the_run_is_the_version_after_it(case: tuple,
                                                          monkeypatch) -> None:
    check_version_without_the_run(case, monkeypatch)


@pytest.mark.parametrize("case", [c for c in _cases() if "float32" not in c[0]],
                         ids=lambda c: c[0])
def test_version_without_the_run_against_central_differences(case: tuple) -> None:
    check_against_central_differences(case)


def test_no_inference_where_it_cannot_decide() -> None:
    rng = np.random.default_rng(1)
    cases = [(with_index, (rng.normal(size=5),), (0,)),
             (with_global, (rng.normal(size=3),), (0,)),
             (logsumexp, (np.arange(5),), (0,))]  # an integer array
    for f, args, wrt in cases:
        df = tangentlike.grad(f, wrt=wrt)
        versions = df.specializer
        assert infer.infer_seen(versions.tree, versions.scope, args, {}) is None, f.__name__


def vector(x):
    return np.sin(x) * 2.0


def test_seeds() -> None:
    """A vector output: its seed passed as an array is followed; the default float seed,
    which the generic derivative refuses, gives None (the run refuses it)."""
    df = tangentlike.grad(vector)
    versions = df.specializer
    x = np.linspace(0.0, 1.0, 3)
    assert infer.infer_seen(versions.tree, versions.scope, (x,), {}) is None
    with pytest.raises(ValueError):
        df(x)
    seed = {"init_grad": np.array([1.0, -2.0, 0.5])}
    inferred = infer.infer_seen(versions.tree, versions.scope, (x,), seed)
    assert inferred is not None
    observer = observe.Observer(versions.tree, versions.scope, versions.general.source,
                                versions.general.path)
    assert inferred == observer.run(observer.function(), (x,), seed)[0]
    for _ in range(3):
        np.testing.assert_allclose(df(x, **seed), 2.0 * np.cos(x) * seed["init_grad"],
                                   rtol=1e-14)
