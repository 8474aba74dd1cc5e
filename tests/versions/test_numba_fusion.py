"""Loop fusion for ``backend="numba"`` (``versions/numba_fusion.py``): a run of elementwise
slice statements becomes one index loop only where that computes what the statements
compute.  The fused source is plain Python, so most tests run it in Python beside the
original (fast, no numba): adversarial runs (a slice written in place and read at another
offset, aliases, other lengths, negative steps, broadcasting) must give the same arrays,
bit for bit where no sum is reordered; a run whose order of accesses no loop keeps must be
left as it was.  The numba tests (slow) compile the fused derivative of the stencil."""
from __future__ import annotations

import textwrap

import numpy as np
import pytest

from tangentlike.versions import numba_fusion


def _load(source: str):
    scope = {"np": np, **numba_fusion.own_names()}
    exec(compile(source, "<fused>", "exec"), scope)
    return scope["f"]


def _copies(args: tuple) -> tuple:
    return tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in args)


def _both(source: str, *args):
    """(original's result, fused's result, fused source), each run on copies of ``args``."""
    source = textwrap.dedent(source)
    original = _load(source)
    kinds = numba_fusion.observe_kinds(original, _copies(args), {})
    fused_source = numba_fusion.fuse(source, kinds)
    fused = _load(fused_source)
    copies = [_copies(args) for _ in range(2)]
    return original(*copies[0]), fused(*copies[1]), fused_source, copies


def _same(a, b, exact=True):
    for x, y in zip(a, b):
        if exact:
            np.testing.assert_array_equal(x, y)
        else:
            np.testing.assert_allclose(x, y, rtol=1e-13, atol=1e-13)


A, B = np.linspace(-1.0, 2.0, 9), np.linspace(0.5, 3.0, 9)


def test_stencil_step_fuses_into_one_loop():
    want, got, source, _ = _both("""
        def f(u, k):
            t = u[2:] - 2.0 * u[1:-1] + u[:-2]
            inner = u[1:-1] + k * t
            return t, inner
        """, A, 0.25)
    assert source.count("for i in range(") == 1 and "Fused by the numba backend: 2" in source
    _same(want, got)


@pytest.mark.parametrize("body, fused", [
    ("u[1:] = u[1:] + u[:-1]", True),  # forwards would read what it wrote: runs backwards
    ("u[:-1] = u[:-1] + u[1:]", True),  # forwards
    ("u[1:-1] = u[:-2] + u[2:]", False),  # reads on both sides of its write: no loop keeps it
    ("u[1:-1] = u[:-2] * u[2:] - u[1:-1]", False),
    ("u[1:] += u[:-1]", True),
    ("u[1:-1] += u[2:] - u[:-2]", False),
])
def test_in_place_writes_read_at_another_offset(body, fused):
    want, got, source, copies = _both(f"def f(u, v):\n    {body}\n    return u\n", A, B)
    assert ("Fused" in source) is fused
    _same(want, got)
    _same(copies[0], copies[1])


@pytest.mark.parametrize("body, fused", [
    ("a[1:] += b[:-1]\n    c = a[:-1] * 2.0", True),  # reads what the run wrote before
    ("c = a[1:] * 2.0\n    a[:-1] += b[1:]", True),  # reads what it writes later
    ("c = a[:-1] * 2.0\n    a[1:] = b[1:] * 3.0", True),  # backwards
    ("a[1:] = b[1:] * 3.0\n    c = a[:-1] * 2.0\n    a[:-1] = c * a[1:]", True),
    ("a[1:-1] = b[1:-1] * 3.0\n    c = a[2:] + a[:-2]", False),  # writes between its reads
    ("c = a * 2.0\n    a[1:] = c[:-1] + 1.0", False),  # a slice of a new array
])
def test_two_statements_over_one_array(body, fused):
    want, got, source, copies = _both(
        f"def f(a, b):\n    c = np.zeros_like(b)\n    {body}\n    return a, c\n", A, B)
    whole = f"Fused by the numba backend: {body.count(chr(10)) + 1} statement(s)"
    assert (whole in source) is fused, source
    _same(want, got)
    _same(copies[0], copies[1])


def test_alias_runs_the_original_statements():
    """``b`` is a view of ``a`` shifted by one: the loop would read what it wrote."""
    def run(fn_source):
        return _both(fn_source, A, B)
    want, got, source, _ = run("""
        def f(a, b):
            v = a[1:]  # (a view: never made a new array)
            w = a[:-1] * 1.0
            v[:] += a[:-1] * 2.0
            return a, v, w
        """)
    _same(want, got)
    want, got, source, _ = run("""
        def f(a, b):
            v = a[:-1]
            a[1:] += v * 2.0
            a[1:] += b[1:]
            return a, v
        """)
    assert "may_share_memory(a, v)" in source
    _same(want, got)


def test_other_lengths_and_broadcasting_run_the_original():
    one = np.array([2.0])
    want, got, source, _ = _both("""
        def f(a, b):
            c = a[1:] * b + a[:-1]
            d = c * 2.0
            return c, d
        """, A, one)
    assert "Fused" in source  # (b is read whole: the lengths differ at run time)
    _same(want, got)
    want, got, _, _ = _both("""
        def f(a, b):
            c = a[1:] + b[2:]
            d = c * 2.0
            return c, d
        """, A, B[:3])
    _same(want, got)


def test_negative_steps_and_non_constant_bounds_are_left():
    want, got, source, _ = _both("""
        def f(a, b):
            n = 2
            c = a[::-1] * 2.0 + b
            d = a[n:] * 2.0
            e = a[:n] * 3.0
            return c, d, e
        """, A, B)
    assert "Fused" not in source
    _same(want, got)


def test_reduction_and_a_moved_pop():
    want, got, source, _ = _both("""
        def f(a, b):
            stack = [a * 1.0]
            s = 1.0
            g = np.zeros(8)
            s = s + (a[1:] * b[:-1]).sum()
            t = 3.0 * b[1:]
            x = stack.pop()
            g[:] += t
            return s, g, x
        """, A, B)
    assert "moved after it" in source and "s_sum += " in source
    _same(want, got, exact=False)


def test_not_floats_are_left():
    ints = np.arange(9)
    want, got, source, _ = _both("""
        def f(a, b):
            c = a[1:] + b[:-1]
            d = c * 2
            return c, d
        """, ints, ints)
    assert "Fused" not in source
    _same(want, got)


def test_a_fused_array_read_later_is_kept_one_read_nowhere_else_becomes_a_number():
    want, got, source, _ = _both("""
        def f(a, b):
            t = a * 2.0
            c = t + b
            return c
        """, A, B)
    assert "t_element" in source and "c_fused" in source
    _same(want, got)


@pytest.mark.slow
def test_numba_stencil_gradient_is_fused_and_equals_python():
    pytest.importorskip("numba")
    import tangentlike

    def heat(u, k):
        for _ in range(20):
            inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
            u = np.concatenate((u[:1], inner, u[-1:]))
        return 0.5 * np.sum(u * u)

    args = (np.random.default_rng(1).standard_normal(50), 0.25)
    dn = tangentlike.grad(heat, wrt=(0, 1), backend="numba")
    dp = tangentlike.grad(heat, wrt=(0, 1))
    got, want = dn(*args), dp(*args)
    assert "Fused by the numba backend" in dn.source_for(*args)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12, atol=1e-12)
    assert got[1] == pytest.approx(want[1], rel=1e-12)


@pytest.mark.slow
def test_numba_shifted_products_gradient_equals_python():
    """Products of slices at three offsets: the derivative updates one adjoint in place at
    several offsets, in runs fused only where a loop keeps their order."""
    pytest.importorskip("numba")
    import tangentlike

    def shifted(u, k):
        for _ in range(5):
            inner = u[1:-1] - k * (u[2:] - u[1:-1]) * (u[1:-1] - u[:-2])
            u = np.concatenate((u[:1], inner, u[-1:]))
        return np.sum(u * u)

    u = np.linspace(-1.0, 1.0, 12)
    dn = tangentlike.grad(shifted, wrt=(0, 1), backend="numba")
    got, want = dn(u, 0.3), tangentlike.grad(shifted, wrt=(0, 1))(u, 0.3)
    assert "Fused by the numba backend" in dn.source_for(u, 0.3)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12, atol=1e-12)
    assert got[1] == pytest.approx(want[1], rel=1e-12)


@pytest.mark.slow
def test_numba_may_share_memory():
    numba = pytest.importorskip("numba")
    from tangentlike.versions import numba_rules  # noqa: F401

    @numba.njit
    def share(a, b):
        return np.may_share_memory(a, b)

    x = np.arange(10.0)
    assert share(x[1:], x[:-1]) and share(x[::-1], x[:1]) and share(x[2:5], x[4:])
    assert not share(x[:3], x[3:]) and not share(x, np.zeros(3)) and not share(x[:0], x)


@pytest.mark.parametrize("body", [
    "a[:3] += b[:3]\n    a[-3:] += b[:3] * 2.0\n    a[:3] += b[:3] * 3.0",  # one element, two views
    "a[1:] += b[1:]\n    a[1:] += a[1:] * 0.5\n    a[:-1] += b[1:]",
    "a[2:] -= b[2:]\n    a[2:] *= 2.0\n    a[1:-1] += b[1:-1]",
])
def test_an_element_updated_twice_in_an_iteration(body):
    """A written element held as a number for the iteration: only where no other view of
    its array can meet it in the same iteration."""
    for size in (3, 5):
        a, b = np.linspace(-1.0, 2.0, size), np.linspace(0.5, 3.0, size)
        want, got, source, copies = _both(f"def f(a, b):\n    {body}\n    return a\n", a, b)
        _same(want, got, exact=False)
        _same(copies[0], copies[1], exact=False)
