"""A step's factor of a hoisted sum computed into its buffer slot (versions/hoist.py,
``_Loop._computed_into``; issue 18's fourteenth round): ``g = a * b`` then ``g_steps[k] =
g`` is ``g = np.multiply(a, b, out=g_steps[k])``, only where nothing can keep the slot or
write into it (``g`` bound once, read after its binding only as an operand of arithmetic,
nowhere outside the loop); the arithmetic inside it, and inside the forward loop's state
``np.tanh(..., out=h_states[t + 1])``, computed there first.

Each rewrite is run before and after on the same arrays (relative 1e-12: the hoisted sums
add their terms in another order), and end to end the RNN's version equals the generic
derivative and central finite differences.
"""
from __future__ import annotations

import re
import textwrap

import gast
import hoist_rows_functions as hrf
import numpy as np
import pytest
from support import checked_version_source

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.versions import hoist

F64 = np.dtype("float64")
SEEN = {"a": (3, 4), "x": (2, 3), "g": (2, 4), "g0": (2, 4), "acc": (3, 4)}


def _rewritten(source: str, also: tuple[str, ...] = ()) -> str:
    """``source``'s function after hoist_products, every name of SEEN and every value
    assigned to one recorded with its shape, and the expressions ``also`` with g's."""
    fn = gast.parse(textwrap.dedent(source)).body[0]
    for node in gast.walk(fn):
        if isinstance(node, gast.expr) and emit.to_source(node).strip() in also:
            anno.info(node).seen = frozenset([(np.ndarray, SEEN["g"], F64)])
        if isinstance(node, gast.Name) and node.id in SEEN:
            anno.info(node).seen = frozenset([(np.ndarray, SEEN[node.id], F64)])
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], gast.Name) \
                and node.targets[0].id in SEEN:
            anno.info(node.value).seen = frozenset([(np.ndarray, SEEN[node.targets[0].id],
                                                     F64)])
    hoist.hoist_products(fn, "np", set(), lambda f: {"np.sum": np.sum}.get(
        syntax.dotted_name(f)))
    return emit.to_source(fn)


def _same(before: str, after: str) -> None:
    rng = np.random.default_rng(14)
    args = (rng.standard_normal((3, 4)), rng.standard_normal((2, 3)),
            rng.standard_normal((2, 4)), 11)
    results = []
    for source in (textwrap.dedent(before), after):
        scope: dict = {"np": np}
        exec(source, scope)  # noqa: S102
        results.append(scope["f"](*args))
    for e, g in zip(*results, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-12)


COMPUTED = """
def f(a, x, g0, n):
    acc = np.zeros((3, 4))
    for t in reversed(range(n)):
        g = g0 * 0.9 + g0
        acc = acc + x.T @ g
        g0 = -g * 0.5 + x @ a
    return acc, g0
"""


def test_a_factor_computed_by_arithmetic_goes_into_its_slot() -> None:
    after = _rewritten(COMPUTED)
    assert "g = np.add(g0 * 0.9, g0, out=g_steps[steps])" in after, after
    assert "g_steps[steps] = g" not in after, after
    _same(COMPUTED, after)


NESTED = COMPUTED.replace("g = g0 * 0.9 + g0", "g = g0 - (1.0 - g0 * g0) * g0").replace(
    "g0 = -g * 0.5 + x @ a", "g0 = g * 0.01 + 0.1 * x @ a")  # (no overflow)
INNER = ("(1.0 - g0 * g0) * g0", "1.0 - g0 * g0", "g0 * g0")


def test_arithmetic_inside_goes_into_the_slot_first() -> None:
    after = _rewritten(NESTED, also=INNER)
    assert "g = np.multiply(g0, g0, out=g_steps[steps])\n" in after, after
    assert "np.subtract(1.0, g, out=g)\n        np.multiply(g, g0, out=g)\n" \
        "        np.subtract(g0, g, out=g)\n" in after, after
    _same(NESTED, after)
    # the inner difference recorded with another shape (a broadcast): computed as it was
    after = _rewritten(NESTED, also=INNER[:1])
    assert "g = np.multiply(1.0 - g0 * g0, g0, out=g_steps[steps])\n" \
        "        np.subtract(g0, g, out=g)\n" in after, after
    _same(NESTED, after)
    # an operand that is not a name or a number (x @ a): the rest computed as it was
    source = NESTED.replace("g = g0 - (", "g = x @ a - (")
    after = _rewritten(source, also=INNER)
    assert "g = np.subtract(x @ a, (1.0 - g0 * g0) * g0, out=g_steps[steps])\n" in after
    _same(source, after)


@pytest.mark.parametrize("change", [
    ("    return acc, g0", "    return acc, g"),  # read after the loop
    ("        g0 = -g * 0.5 + x @ a", "        g0 = np.sin(g)"),  # read by a call
    ("        g0 = -g * 0.5 + x @ a", "        g[0] = 1.0\n        g0 = g * 0.5"),  # written
    ("        g0 = -g * 0.5 + x @ a", "        h = g\n        g0 = h * 0.5"),  # another name
    ("        g = g0 * 0.9 + g0", "        g = np.tanh(g0)"),  # not arithmetic
])
def test_a_factor_that_may_escape_is_copied(change: tuple[str, str]) -> None:
    source = COMPUTED.replace(*change)
    after = _rewritten(source)
    assert "g_steps[steps] = g" in after and "out=g_steps" not in after, after
    _same(source, after)


@pytest.mark.parametrize("f", [hrf.rnn_row_named, hrf.rnn_sigmoid])
def test_the_rnn_computes_its_adjoint_into_the_buffer(f: object) -> None:
    r = np.random.default_rng(3)
    args = (0.5 * r.normal(size=(3, 4)), 0.4 * r.normal(size=(4, 4)), 0.1 * r.normal(size=4),
            r.normal(size=(13, 16, 3)))
    source = checked_version_source(f, args, (0, 1, 2))
    assert "out=bt" in source and "_steps[7 - steps])" in source, source
    assert not re.search(r"bt\w*_steps\[7 - steps\] = ", source), source  # (h's: a pop)


def test_the_rnn_computes_its_state_into_its_row() -> None:
    """The forward loop's ``h = np.tanh(x @ Wx + h @ Wh + b, out=h_states[t + 1])``: the
    argument computed into the row first, the product too (``keep_states``)."""
    r = np.random.default_rng(4)
    args = (0.5 * r.normal(size=(3, 4)), 0.4 * r.normal(size=(4, 4)), 0.1 * r.normal(size=4),
            r.normal(size=(13, 16, 3)))
    source = checked_version_source(hrf.rnn_row_named, args, (0, 1, 2))
    forward = source.split("init_grad")[1]
    assert "h = np.matmul(h, Wh, out=h_states[t + 1])\n" in forward, source
    assert "np.tanh(h, out=h)\n" in forward and "np.add(" in forward, source
    value, _ = tangentlike.value_and_grad(hrf.rnn_row_named, wrt=(0, 1, 2))(*args)
    assert value == hrf.rnn_row_named(*args)  # the states exactly as f computes them


@pytest.mark.slow
def test_numba_versions_compute_no_factor_into_a_slot() -> None:
    """numba takes no ``out=`` keyword: its versions keep the copy into the buffer (and
    compile, as before)."""
    pytest.importorskip("numba")
    r = np.random.default_rng(3)
    args = (0.5 * r.normal(size=(3, 4)), 0.4 * r.normal(size=(4, 4)), 0.1 * r.normal(size=4),
            r.normal(size=(13, 16, 3)))
    dn = tangentlike.grad(hrf.rnn_sigmoid, wrt=(0, 1, 2), backend="numba")
    got = dn(*args)
    got = dn(*args)
    want = tangentlike.grad(hrf.rnn_sigmoid, wrt=(0, 1, 2))(*args)
    for g, e in zip(got, want, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-12)
    source = dn.source_for(*args)
    assert "out=" not in source and "bt12_steps[7 - steps] = bt12" in source, source
