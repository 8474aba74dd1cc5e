"""``backend="numba"`` (issue 18, item 6): the version of a derivative for a call's signature,
compiled by numba, computes what the Python derivative computes (to rounding), and its
source is the one ``source_for`` shows; where numba cannot compile it, a
:class:`tangentlike.CompiledBackendError` names the function, the line and numba's reason.
Each numba compilation takes a second or more: the benchmark's stencil (S1) is slow."""
from __future__ import annotations

import math
import sys

import numpy as np
import pytest
import scipy.special

import tangentlike
from tangentlike import CompiledBackendError, InputError

numba = pytest.importorskip("numba")

ME = sys.modules[__name__]


def fd(f, args, i, h=1e-6):
    """Central finite difference of the scalar ``f`` in its scalar argument ``i``."""
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def scalar_loop(x):  # the benchmark's W1
    for _ in range(100):
        x = math.sin(x) * x + 0.5 * x
    return x


def branches(x, y):
    if x > y:
        z = x * y + math.exp(-x)
    else:
        z = math.cos(x) * y
    return z * z


def grows(x):
    n = 0.0
    while x < 10.0:
        x = x * 1.5 + math.sin(x)
        n = n + 1.0
    return x * n


def powers(x, y):
    s = 0.0
    for i in range(5):
        s = s + x ** i * math.tanh(y) / (i + 1)
    return s


@pytest.mark.parametrize("f, args", [(scalar_loop, (0.5,)), (branches, (1.5, 0.3)),
                                     (branches, (0.2, 0.3)), (grows, (0.7,)),
                                     (powers, (0.8, -0.4))])
def test_scalar_functions_compile_and_match_python(f, args):
    wrt = tuple(range(len(args)))
    compiled = tangentlike.grad(f, wrt=wrt, backend="numba")
    python = tangentlike.grad(f, wrt=wrt)
    got = compiled(*args)
    expected = python(*args)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-300)
    got = got if len(args) > 1 else (got,)
    for i in range(len(args)):
        np.testing.assert_allclose(got[i], fd(f, args, i), rtol=1e-6, atol=1e-9)
    assert compiled(*args) == compiled(*args)  # the compiled function, called again
    assert compiled.specializer.entries  # it ran compiled (not the Python version)


def test_the_compiled_function_is_the_source_users_read():
    df = tangentlike.grad(scalar_loop, backend="numba")
    df(0.5)
    source = df.source_for(0.5)
    assert "# Grad of: x = math.sin(x) * x + 0.5 * x" in source
    assert "def dscalar_loop_dx_floats_numba(x, init_grad=1.0):" in source
    assert "stack_x.append(x)" in source and "x = stack_x.pop()" in source
    (entry,) = df.specializer.entries.values()
    assert entry.function.py_func.__code__.co_filename == str(df.version_for(0.5).path)
    assert source in df.version_for(0.5).path.read_text()


def test_value_and_grad_and_forward_mode():
    vg = tangentlike.value_and_grad(powers, argnums=(0, 1), backend="numba")
    value, grads = vg(0.8, -0.4)
    assert value == powers(0.8, -0.4)
    np.testing.assert_allclose(grads, tangentlike.grad(powers, wrt=(0, 1))(0.8, -0.4),
                               rtol=1e-13)
    jf = tangentlike.autodiff(scalar_loop, mode="forward", backend="numba")
    np.testing.assert_allclose(jf(0.5, 1.0), tangentlike.grad(scalar_loop)(0.5), rtol=1e-12)


def vector_loop(x, w):
    for _ in range(3):
        x = np.sin(x) * w + x[::-1] * 0.5
    return np.sum(x * x)


@pytest.mark.slow  # (a few seconds: the default run keeps the file's other tests)
def test_arrays_compile_and_match_python():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(7), rng.standard_normal(7)
    compiled = tangentlike.grad(vector_loop, wrt=(0, 1), backend="numba")
    python = tangentlike.grad(vector_loop, wrt=(0, 1))
    for got, expected in zip(compiled(x, w), python(x, w)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    h = 1e-6
    e = np.eye(7)[2]
    np.testing.assert_allclose(compiled(x, w)[0][2], (vector_loop(x + h * e, w)
                                                      - vector_loop(x - h * e, w)) / (2 * h),
                               rtol=1e-6)


def heat(u, k):  # the benchmark's S1, on fewer steps
    for _ in range(20):
        inner = u[1:-1] + k * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        u = np.concatenate((u[:1], inner, u[-1:]))
    return 0.5 * np.sum(u * u)


@pytest.mark.slow
def test_stencil_compiles_and_matches_python_and_finite_differences():
    u, k = np.random.default_rng(5).standard_normal(30), 0.25
    compiled = tangentlike.grad(heat, wrt=(0, 1), backend="numba")
    python = tangentlike.grad(heat, wrt=(0, 1))
    (gu, gk), (pu, pk) = compiled(u, k), python(u, k)
    np.testing.assert_allclose(gu, pu, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gk, pk, rtol=1e-12)
    np.testing.assert_allclose(gk, fd(heat, (u, k), 1), rtol=1e-6)
    assert "# Grad of:" in compiled.source_for(u, k)  # the version's own source


@pytest.mark.slow
def test_benchmark_workloads_w1_s1_match_the_handwritten_gradients():
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parents[2] / "benchmarks"))
    try:
        import workloads
    finally:
        sys.path.pop(0)
    for w in workloads.WORKLOADS:
        if w.name in ("W1", "S1"):
            args = w.make_args()
            got = tangentlike.grad(w.fn, wrt=w.wrt, backend="numba")(*args)
            expected = w.handwritten(*args)
            if len(w.wrt) == 1:
                got, expected = (got,), (expected,)
            for g, e in zip(got, expected):
                np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-30)


def recurrence(Wh, b, xs):  # the benchmark's W4 in small: its states kept in one array
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] + h @ Wh + b)
    return 0.5 * np.sum(h * h)


@pytest.mark.slow
def test_a_loop_whose_states_are_kept_compiles():
    """The version keeps the loop's states in one array, each step's ufunc writing its row
    (``out=`` in Python, by position for numba, which takes no ``out=``)."""
    rng = np.random.default_rng(3)
    args = (0.5 * rng.standard_normal((4, 4)), rng.standard_normal(4),
            rng.standard_normal((6, 3, 4)))
    compiled = tangentlike.grad(recurrence, wrt=(0, 1), backend="numba")
    python = tangentlike.grad(recurrence, wrt=(0, 1))
    for got, expected in zip(compiled(*args), python(*args)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert "h_states[t + 1])" in compiled.source_for(*args)
    assert "out=h_states[t + 1]" in python.source_for(*args)


def test_numba_s_not_implemented_is_told_from_the_code_s_own():
    """numba raises NotImplementedError for a call it cannot type (a ufunc's ``out=``):
    ``backend="numba"`` words it as a refusal; one the running code raises stays its own."""
    from tangentlike.versions.compiled import raised_in_numba

    with pytest.raises(NotImplementedError) as numba_s:
        numba.njit(lambda a: np.tanh(a, out=a))(np.ones(2))
    assert raised_in_numba(numba_s.value)
    with pytest.raises(NotImplementedError) as own:
        raise NotImplementedError("the user's")
    assert not raised_in_numba(own.value)


def shifted(x):
    try:
        y = x * 2.0
    except ValueError:
        y = x
    return y * x


def test_no_version_to_compile_is_refused_clearly():
    df = tangentlike.grad(shifted, backend="numba")
    with pytest.raises(CompiledBackendError) as info:
        df(1.5)
    text = str(info.value)
    assert "shifted" in text and "try statement" in text and "backend=\"python\"" in text
    assert "exception" in text  # numba's reason
    assert info.value.location.filename == __file__


def sideways(a, b):
    return np.sum(np.concatenate((a, b), axis=1) ** 2)


def test_a_concatenation_along_another_axis_compiles():
    a, b = np.arange(4.0).reshape(2, 2), np.arange(6.0).reshape(2, 3)
    got = tangentlike.grad(sideways, wrt=(0, 1), backend="numba")(a, b)
    np.testing.assert_allclose(got[0], 2 * a, rtol=1e-15)
    np.testing.assert_allclose(got[1], 2 * b, rtol=1e-15)


def special(x):
    return np.sum(scipy.special.gammaln(x) * x)


def test_what_numba_cannot_type_is_refused_with_its_reason_and_the_line():
    x = np.array([1.5, 2.5, 3.0])
    df = tangentlike.grad(special, backend="numba")
    with pytest.raises(CompiledBackendError) as info:
        df(x)
    error = info.value
    assert "numba cannot compile special's derivative" in error.message
    assert "gammaln" in error.message  # the generated line, and numba's reason
    assert error.location.filename == __file__
    assert "scipy.special.gammaln(x) * x" in error.location.line
    np.testing.assert_allclose(tangentlike.grad(special)(x), tangentlike.grad(special)(x))


SCALE = 2.0
TABLE = np.array([1.0, 2.0])


def scaled(x):
    return math.sin(x) * SCALE


def tabled(x):
    return math.sin(x) * TABLE[0]


def test_a_global_rebound_after_compiling_is_seen():
    df = tangentlike.grad(scaled, backend="numba")
    assert df(0.3) == pytest.approx(2.0 * math.cos(0.3), rel=1e-14)
    try:
        ME.SCALE = 3.0
        assert df(0.3) == pytest.approx(3.0 * math.cos(0.3), rel=1e-14)
    finally:
        ME.SCALE = 2.0
    assert df(0.3) == pytest.approx(2.0 * math.cos(0.3), rel=1e-14)


def test_a_global_array_is_refused():
    with pytest.raises(CompiledBackendError, match="TABLE"):
        tangentlike.grad(tabled, backend="numba")(0.3)


def test_options_that_have_no_compiled_form():
    with pytest.raises(InputError, match="backend must be one of 'python', 'numba'"):
        tangentlike.grad(scalar_loop, backend="jax")
    with pytest.raises(CompiledBackendError, match="motion='split'"):
        tangentlike.autodiff(scalar_loop, motion="split", backend="numba")
    with pytest.raises(CompiledBackendError, match="has_aux"):
        tangentlike.grad(scalar_loop, has_aux=True, backend="numba")
    with pytest.raises(CompiledBackendError, match="optimized=False"):
        tangentlike.grad(scalar_loop, optimized=False, backend="numba")(0.5)


def test_numba_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    with pytest.raises(CompiledBackendError, match=r"tangentlike\[numba\]"):
        tangentlike.grad(branches, backend="numba")


def broadcasts(x, w, b):
    return np.sum(np.tanh(x * w + b) * x) * b


def test_the_general_derivative_compiles_where_its_helpers_have_numba_forms(monkeypatch):
    df = tangentlike.grad(scaled, backend="numba")  # a global: no version for floats
    assert "unbroadcast(" in df.source_for(0.3)
    assert df(0.3) == pytest.approx(tangentlike.grad(scaled)(0.3), rel=1e-15)
    monkeypatch.setenv("TANGENTLIKE_SPECIALIZE", "off")  # no versions: the general one
    x, w = np.linspace(-1.0, 1.0, 4), np.linspace(0.5, 1.5, 4)
    compiled = tangentlike.grad(broadcasts, wrt=(0, 1, 2), backend="numba")
    for got, expected in zip(compiled(x, w, 0.3), tangentlike.grad(
            broadcasts, wrt=(0, 1, 2))(x, w, 0.3)):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    assert "unreduce(" in compiled.source_for(x, w, 0.3)


def test_arguments_converted_by_the_check_run_the_converted_version():
    df = tangentlike.grad(powers, wrt=(0, 1), backend="numba")
    np.testing.assert_allclose(df(1, -0.4), df(1.0, -0.4), rtol=1e-15)
    assert len(df.specializer.entries) == 1  # the floats' compiled version, once
    with pytest.raises(InputError):
        tangentlike.grad(vector_loop, backend="numba")(np.arange(3), np.ones(3))


def test_float32_values_match_python_to_float32_rounding(monkeypatch):
    """numba's NumPy promotes a float32 array combined with a float to float64 (NumPy 2 keeps
    float32): the values agree to float32's rounding, the dtype may be float64
    (docs/performance.md, "Compiled backend")."""
    monkeypatch.setenv("TANGENTLIKE_SPECIALIZE", "off")  # the general one: unreduce, unbroadcast
    x, w = np.linspace(-1.0, 1.0, 4, dtype=np.float32), np.ones(4, np.float32)
    got = tangentlike.grad(broadcasts, wrt=(0, 1), backend="numba")(x, w, 0.3)
    expected = tangentlike.grad(broadcasts, wrt=(0, 1))(x, w, 0.3)
    for g, e in zip(got, expected):
        assert e.dtype == np.float32 and g.dtype in (np.float32, np.float64)
        np.testing.assert_allclose(g, e, rtol=1e-6)
