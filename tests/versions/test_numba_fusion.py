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


GATHERED = "one pass per array it adds to"


@pytest.mark.parametrize("body, gathered", [
    # the stencil's adjoint: one array updated at three offsets from one new array
    ("t = k * b[1:-1]\n    a[:-2] += t\n    a[1:-1] += -2.0 * t\n    a[2:] += t", True),
    ("a[2:] -= b[:-2] * k\n    a[:-2] += b[2:]\n    a[1:-1] -= b[1:-1] * b[2:]", True),
    ("a[1:] += b[1:]\n    a[1:] += b[:-1]\n    a[:-1] += k * b[1:]", True),  # one offset twice
    ("a[1:] += b\n    a[:-1] += b * 2.0", True),  # b read whole (one shorter than a)
    # two arrays, each at its own offsets; one array at one offset only
    ("a[1:] += b[1:]\n    c[:-1] += b[1:] * 2.0\n    a[:-1] += b[:-1]\n    c[1:] -= b[:-1]", True),
    ("c[1:] += b[1:]\n    a[3:] += b[:-3] * 2.0\n    a[:-3] += b[3:]", True),
    # not gathered: offsets from the end, a read of the array written, a product, a sum
    ("a[-3:] += b[:3]\n    a[-4:-1] += b[:3] * 2.0", False),
    ("a[-5:-1] += b[:-1]\n    a[-4:-1] += b[1:] * 2.0", False),  # both a[0:2] at size 3
    ("a[1:] += a[:-1] * k\n    a[:-1] += b[1:]", False),
    ("a[1:] += b[1:]\n    a[:-1] *= 2.0", False),
    ("a[1:] += b[1:]\n    c[1:] = b[1:] * 2.0\n    a[:-1] += b[:-1]", False),
])
@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 9])
def test_an_array_added_to_at_several_offsets(body, gathered, size):
    """Each element of the array gathers its terms in the statements' order (bit for bit
    the statements' result where every term reaches the middle elements), its first and
    last elements statement by statement; every length, down to ones shorter than the
    spread of the offsets and empty, against the statements themselves."""
    a, b = np.linspace(-1.0, 2.0, size), np.linspace(0.5, 3.0, size) ** 2
    c = np.linspace(1.0, -2.0, size)
    if "+= b\n" in body:
        b = b[1:] if size else b
    source = f"def f(a, b, c, k):\n    {body}\n    return a, c\n"
    try:
        want = _load(source)(*_copies((a, b, c, 0.3)))
    except ValueError:  # (a shape NumPy refuses: the fused source must refuse it too)
        with pytest.raises(ValueError):
            _both(source, a, b, c, 0.3)
        return
    _, got, fused, copies = _both(source, a, b, c, 0.3)
    if size >= 4:  # (the kinds seen: an empty run sees arrays too)
        assert (GATHERED in fused) is gathered, fused
    _same(want, got, exact=size >= 5)
    _same(copies[0], copies[1], exact=size >= 5)


def test_gathered_updates_through_a_view_run_the_original():
    """``b`` a view of ``a`` (what the terms read is what the loop writes): the guard
    sends it to the original statements."""
    source = textwrap.dedent("""
        def f(a, b):
            a[:-2] += b[:-2]
            a[2:] += b[2:] * 2.0
            return a
        """)
    kinds = numba_fusion.observe_kinds(_load(source), (A.copy(), B.copy()), {})
    fused = _load(numba_fusion.fuse(source, kinds))
    assert GATHERED in numba_fusion.fuse(source, kinds)
    x, y = A.copy(), A.copy()
    _same([_load(source)(x, x[::1])], [fused(y, y[::1])])
    x, y = A.copy(), A.copy()
    _same([_load(source)(x[1:], x[:-1])], [fused(y[1:], y[:-1])])


@pytest.mark.slow
def test_numba_gathered_stencil_gradient_at_every_length():
    """The stencil's adjoint gathered (``a[:-2] += t``, ``a[1:-1] += -2.0 * t``,
    ``a[2:] += t``) and another (offsets 2 and 0, three apart at the ends), compiled: equal to
    the Python derivative and to central differences, from vectors too short for the
    middle loop (no element every term reaches) to long ones, and a loop that runs zero
    times."""
    pytest.importorskip("numba")
    import tangentlike

    def heat(u, k):
        for _ in range(6):
            inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
            u = np.concatenate((u[:1], inner, u[-1:]))
        return 0.5 * np.sum(u * u)

    def wide(u, k):
        for _ in range(3):
            v = u[3:] * k - u[:-3] - u[2:-1] * 0.5
            u = np.concatenate((v, u[:3])) * 0.5
        return np.sum(u * u)

    def none(u, k):
        for _ in range(0):
            u = np.concatenate((u[:1], u[2:] - u[:-2], u[-1:]))
        return np.sum(u * u) * k

    rng = np.random.default_rng(7)
    for fn, sizes in ((heat, (3, 4, 5, 40)), (wide, (4, 5, 6, 30)), (none, (5,))):
        dn = tangentlike.grad(fn, wrt=(0, 1), backend="numba")
        dp = tangentlike.grad(fn, wrt=(0, 1))
        for n in sizes:
            u, k = rng.standard_normal(n), 0.3
            try:
                got = dn(u, k)
            except tangentlike.CompiledBackendError:  # (a refusal is fine; a wrong value not)
                assert fn is none
                continue
            want = dp(u, k)
            np.testing.assert_allclose(got[0], want[0], rtol=1e-12, atol=1e-12)
            assert got[1] == pytest.approx(want[1], rel=1e-12, abs=1e-12)
            h = 1e-6
            fd = [(fn(u + h * e, k) - fn(u - h * e, k)) / (2 * h) for e in np.eye(n)]
            np.testing.assert_allclose(got[0], fd, rtol=1e-6, atol=1e-6)
            assert got[1] == pytest.approx((fn(u, k + h) - fn(u, k - h)) / (2 * h),
                                           rel=1e-6, abs=1e-6)
        if fn is not none:
            assert GATHERED in dn.source_for(u, k), dn.source_for(u, k)
        if fn is heat:  # (the forward step: inner written into the new u)
            assert JOINED in dn.source_for(u, k), dn.source_for(u, k)


JOINED = "into u's new array"


@pytest.mark.parametrize("body, joined", [
    # the stencil's step: the new inner values written straight into the new state
    ("t = u[2:] - 2.0 * u[1:-1] + u[:-2]\n    inner = u[1:-1] + k * t\n"
     "    u = np.concatenate((u[:1], inner, u[-1:]))", True),
    ("inner = u[1:] * k\n    u = np.concatenate((inner, u[:1]))", True),  # first
    ("inner = u[1:] * k\n    u = np.concatenate([b, u[:1], inner])", True),  # last, a list
    ("inner = u[1:] * k\n    u = np.concatenate((b[:2], b, inner, u, b[1:]))", True),
    ("inner = u[1:] * k\n    u = np.concatenate((inner,))", True),
    # a piece the run writes, read after it: its new values
    ("b[1:] += u[1:]\n    inner = b[:-1] * k\n    u = np.concatenate((b[:2], inner, b))", True),
    # not joined: the new array read later, another axis, a piece not a float64 vector
    ("inner = u[1:] * k\n    u = np.concatenate((u[:1], inner))\n    b = b + inner.sum()", False),
    ("inner = u[1:] * k\n    u = np.concatenate((u[:1], inner), axis=0)", False),
    ("inner = u[1:] * k\n    u = np.concatenate((u[:1], inner, inner))", False),
    ("inner = u[1:] * k\n    u = np.concatenate((u[:1], inner, b * 2.0))", False),
    ("inner = u[1:] * k\n    u = np.concatenate((m, inner))", False),
])
@pytest.mark.parametrize("size", [0, 1, 2, 3, 9])
def test_a_new_array_written_into_its_concatenation(body, joined, size):
    """``x = np.concatenate((..., new, ...))`` right after the run that computes ``new``:
    the loop writes ``new`` into the concatenation's array, the other pieces copied after
    it, bit for bit what the statements compute, at every length down to empty."""
    u, b = np.linspace(-1.0, 2.0, size), np.linspace(0.5, 3.0, size) ** 2
    source = f"def f(u, b, m, k):\n    {body}\n    return u, b\n"
    m = np.arange(3)
    _, got, fused, copies = _both(source, u, b, m, 0.3)
    want = _load(source)(*_copies((u, b, m, 0.3)))
    if size:  # (an empty run: the kinds of some names not seen)
        assert (JOINED in fused) is joined, fused
    _same(want, got)
    _same(copies[0], copies[1])


def test_a_concatenation_not_of_numpy_or_after_a_moved_pop_is_left():
    source = textwrap.dedent("""
        def f(u, k):
            inner = u[1:] * k
            u = np.concatenate((u[:1], inner))
            return u
        """)
    kinds = numba_fusion.observe_kinds(_load(source), (A.copy(), 0.5), {})
    assert JOINED in numba_fusion.fuse(source, kinds)
    assert JOINED not in numba_fusion.fuse(source, kinds, numpy=("numpy",))
    want, got, fused, _ = _both("""
        def f(u, k):
            stack = [u * 3.0]
            inner = u[1:] * k
            x = stack.pop()
            v = u[:-1] * k
            u = np.concatenate((x, v))
            return u, inner
        """, A, 0.5)
    assert "moved after it" in fused and "u's new array" not in fused
    _same(want, got)
