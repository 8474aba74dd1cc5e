"""A join of an array's own pieces around new ones written as the array's copy
(versions/joins.py, issue 18's fourteenth round): ``u = np.concatenate((u[:1], inner,
u[-1:]))`` is ``u = u.copy(); u[1:-1] = inner`` in the version by shape, only where every
piece of ``u`` lands where it was, ``u`` has the join's shape and dtype at every definition
that reaches it, and the other pieces are names of the join's dtype.

Every case is checked end to end: the version's gradient equals the generic derivative's
and central finite differences (``checked_version_source``), the function's value exactly
as ``f`` computes it, and the user's arguments unchanged; the cases the rewrite must leave
alone keep their ``np.concatenate``.
"""
from __future__ import annotations

import numpy as np
import pytest
from support import checked_version_source

import tangentlike

RNG = np.random.default_rng(1414)


def heat(u, k):
    for _ in range(5):
        inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        u = np.concatenate((u[:1], inner, u[-1:]))
    return 0.5 * np.sum(u * u)


def two_pieces(u, k):
    for _ in range(3):
        head = np.sin(u[:3]) * k
        tail = u[5:] * u[5:]
        u = np.concatenate((head, u[3:5], tail))  # only the middle is u's own
    return np.sum(u * u) * k


def read_after(u, k):
    old = u
    inner = u[1:-1] * k
    u = np.concatenate((u[:1], inner, u[-1:]))
    u[0] = 3.0 * u[1]  # the new array written in place: old must not see it
    return np.sum(u * old) + np.sum(u ** 2)


def rows(m, k):
    for _ in range(2):
        middle = m[1:-1] * k + m[2:]
        m = np.concatenate((m[:1], middle, m[-1:]))
    return np.sum(np.sin(m))


def moved(u, k):  # each end goes to the other end
    for _ in range(3):
        inner = u[1:-1] * k
        u = np.concatenate((u[-1:], inner, u[:1]))
    return np.sum(u * np.arange(u.size))


def grows(u, k):  # u has another length at each step
    for _ in range(3):
        inner = u[1:] * k
        u = np.concatenate((u[:1], inner, u[-1:]))
    return np.sum(u * u)


def wider_dtype(u, k):  # the middle is float64, u float32: the join is float64
    inner = u[1:-1].astype(np.float64) * k
    u = np.concatenate((u[:1], inner, u[-1:]))
    return np.sum(u * u)


def an_expression(u, k):  # a piece that is not a name: left as it is
    for _ in range(2):
        u = np.concatenate((u[:1], u[1:-1] * k, u[-1:]))
    return np.sum(u * u)


@pytest.mark.parametrize("fn, args, copied", [
    (heat, (RNG.standard_normal(9), 0.25), "u = u.copy()\n        u[1:8] = inner"),
    (two_pieces, (RNG.standard_normal(8), 0.5), None),  # u[3:5] lands at 3: but two new
    (read_after, (RNG.standard_normal(6), 0.7), "u_2 = u_1.copy()\n    u_2[1:5] = inner"),
    (rows, (RNG.standard_normal((5, 3)), 0.3), "m = m.copy()\n        m[1:4] = middle"),
])
def test_joins_of_own_pieces_are_copies(fn, args, copied) -> None:
    before = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    source = checked_version_source(fn, args, (0, 1))
    if copied is None:  # two new pieces around one of u's own: a copy and two writes
        assert "u = u.copy()" in source and "u[0:3] = head" in source \
            and "u[5:8] = tail" in source, source
    else:
        assert copied in source, source
    forward = source.split("init_grad")[1].split("# Grad of")[0]
    assert "concatenate" not in forward, source
    df = tangentlike.grad(fn, wrt=(0, 1))
    assert tangentlike.value_and_grad(fn, wrt=(0, 1))(*args)[0] == fn(*args)
    df(*args)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)  # the user's arrays untouched


@pytest.mark.parametrize("fn, args", [
    (moved, (RNG.standard_normal(7), 0.4)),
    (grows, (RNG.standard_normal(4), 0.6)),
    (wider_dtype, (RNG.standard_normal(6).astype(np.float32), 0.6)),
    (an_expression, (RNG.standard_normal(6), 0.6)),
])
def test_other_joins_left_alone(fn, args) -> None:
    df = tangentlike.grad(fn, wrt=(0, 1))
    generic = df(*args)
    df(*args)
    source = df.source_for(*args)
    forward = source.split("init_grad")[1].split("# Grad of")[0]
    assert ".copy()" not in forward, source
    for g, e in zip(df(*args), generic, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-6 if fn is wider_dtype else 1e-12)
