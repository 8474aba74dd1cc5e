"""Shared helpers for the derivative-rule tests: finite differences, a gradient checker, the
primal invariant, and a factory that turns source text into a function defined in a real
``.py`` file.

tangentlike reads a function's source, so test functions must live in files ``inspect`` can
read; :func:`make_function` writes each distinct source once into a temporary module and
returns the same function object for the same source (tangentlike caches generated
derivatives per function object, so reusing it keeps the tests fast).
"""
from __future__ import annotations

import atexit
import contextlib
import functools
import glob
import hashlib
import importlib
import importlib.util
import inspect
import random
import shutil
import sys
import tempfile
import textwrap
import tracemalloc
import types
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tangentlike

# Every (optimized, motion) combination the reverse mode offers.
MODES = [(True, "joint"), (True, "split"), (False, "joint"), (False, "split")]
MODE_IDS = ["opt-joint", "opt-split", "noopt-joint", "noopt-split"]

_module_dir: Path | None = None
_functions: dict[tuple[str, str], Callable] = {}

HEADERS = {
    "numpy": "import math\n\nimport numpy as np\n",
    "autograd": "import math\n\nimport autograd.numpy as np\n",
}


def _directory() -> Path:
    global _module_dir
    if _module_dir is None:
        _module_dir = Path(tempfile.mkdtemp(prefix="tangentlike_tests_"))
        atexit.register(shutil.rmtree, _module_dir, True)
    return _module_dir


def import_file(module_name: str, path: Path) -> Any:
    """Import the Python file ``path`` as the module ``module_name`` (registered in
    ``sys.modules``, so that tangentlike, which reads source, finds it)."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def make_function(source: str, numpy: str = "numpy", name: str | None = None) -> Callable:
    """The function defined by ``source`` (one or more ``def`` statements, the one named
    ``name`` or else the first is returned), in a module that imports ``math`` and, as ``np``,
    NumPy (``numpy="numpy"``) or ``autograd.numpy`` (``numpy="autograd"``).

    The module is a real file, so tangentlike can read the function's source.  The same
    source and header always give the same function object.
    """
    source = textwrap.dedent(source).strip() + "\n"
    key = (source, numpy)
    if name is None:
        name = source.split("def ", 1)[1].split("(", 1)[0].strip()
    cache_key = (source + "\0" + name, numpy)
    if cache_key in _functions:
        return _functions[cache_key]
    text = HEADERS[numpy] + "\n\n" + source
    digest = hashlib.sha1(repr(key).encode()).hexdigest()[:16]
    module_name = f"_tangentlike_generated_{digest}"
    module = sys.modules.get(module_name)
    if module is None:
        path = _directory() / f"{module_name}.py"
        path.write_text(text)
        module = import_file(module_name, path)
    fn = getattr(module, name)
    _functions[cache_key] = fn
    return fn


@contextlib.contextmanager
def calls_as_written() -> Iterator[None]:
    """Calls into the user's helpers kept as calls (``TANGENTLIKE_INLINE=off``,
    frontend/inlining.py), for tests of the callee mechanism itself; derivatives generated
    inside are forgotten on leaving, and so are those generated before."""
    import os

    saved = os.environ.get("TANGENTLIKE_INLINE")
    os.environ["TANGENTLIKE_INLINE"] = "off"
    tangentlike.clear_cache()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TANGENTLIKE_INLINE", None)
        else:
            os.environ["TANGENTLIKE_INLINE"] = saved
        tangentlike.clear_cache()


def _perturbed(x: Any, index: tuple[int, ...], delta: float) -> Any:
    if isinstance(x, np.ndarray):
        out = x.astype(np.float64, copy=True)
        out[index] += delta
        return out
    return float(x) + delta


def numerical_grad(f: Callable, args: Sequence[Any], wrt: Sequence[int] = (0,),
                   eps: float = 1e-6) -> list[Any]:
    """Central finite differences of scalar-valued ``f`` with respect to ``args[i]``, ``i`` in
    ``wrt``, computed in float64: ``(f(x + eps e_k) - f(x - eps e_k)) / (2 eps)`` for each
    element ``k``.  Python floats give a Python float, arrays (0-d included) an array of
    ``x``'s shape.  The truncation error is O(eps**2 f''') and the rounding error about
    1e-16 |f| / eps, so about 1e-10 relative for well-scaled test functions."""
    args = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
            for a in args]
    if draws_random_numbers(f, args):
        f = functools.partial(_reseeded_call, f)
    out = []
    for i in wrt:
        x = args[i]
        if isinstance(x, np.ndarray):
            g = np.zeros(x.shape, np.float64)
            for index in np.ndindex(*x.shape):
                plus = list(args)
                minus = list(args)
                plus[i] = _perturbed(x, index, eps)
                minus[i] = _perturbed(x, index, -eps)
                g[index] = (float(f(*plus)) - float(f(*minus))) / (2 * eps)
            out.append(g)
        else:
            plus, minus = list(args), list(args)
            plus[i] = float(x) + eps
            minus[i] = float(x) - eps
            out.append((float(f(*plus)) - float(f(*minus))) / (2 * eps))
    return out


def as_tuple(grads: Any, n: int) -> tuple[Any, ...]:
    """tangentlike returns a bare gradient for one ``wrt`` argument, a tuple for several."""
    if n == 1:
        return (grads,)
    assert isinstance(grads, tuple) and len(grads) == n, f"expected {n} gradients: {grads!r}"
    return grads


def _copy(a: Any) -> Any:
    return a.copy() if isinstance(a, np.ndarray) else a


# -- the primal invariant ------------------------------------------------------------------------
#
# Issue 13, item 9: the value a generated function computes (``preserve_result``,
# ``value_and_grad``, forward mode, ``jvp``, every version by shape) is the user's ``f(*args)``,
# the same floats, at the first, second and later calls (the first call runs the general code,
# the second an instrumented copy that records shapes, the third the version written for that
# signature: see docs/supported.md, "Versions by shape").

PRIMAL_CALLS = 3
GRADIENT_CALLS = 1  # check_grad's calls of the plain derivative (versions: test_shape_specialize)
RANDOM_SEED = 20240613


@contextlib.contextmanager
def reseeded(seed: int = RANDOM_SEED) -> Iterator[None]:
    """Seed NumPy's global generator and the ``random`` module with ``seed`` for the body,
    then restore their states: a function that draws from them (``np.random.randn``,
    ``random.gauss``) draws the same numbers in ``f`` and in each derivative call.
    (A generator object the function reads from a global is the caller's to re-create.)"""
    numpy_state, python_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)


def draws_random_numbers(f: Callable, args: Sequence[Any]) -> bool:
    """Whether ``f(*args)`` draws from NumPy's global generator or the ``random`` module
    (their states change); finite differences then reseed before each evaluation."""
    with reseeded():
        f(*args)
        numpy_state, python_state = np.random.get_state(), random.getstate()
    with reseeded():
        return not (python_state == random.getstate()
                    and np.array_equal(numpy_state[1], np.random.get_state()[1])
                    and numpy_state[2:] == np.random.get_state()[2:])


def _reseeded_call(f: Callable, *args: Any) -> Any:
    with reseeded():
        return f(*args)


def primal_value(f: Callable, args: Sequence[Any], kwargs: dict | None = None) -> Any:
    """``f(*args, **kwargs)`` with the random generators :func:`reseeded`."""
    with reseeded():
        return f(*args, **(kwargs or {}))


def _is_array(x: Any) -> bool:
    return isinstance(x, np.ndarray)


def assert_same_value(got: Any, expected: Any, where: str = "") -> None:
    """``got`` is the same value as ``expected``: what the primal invariant means by "same".

    * Tuples, lists and dicts: the same type, length (keys, in order) and items, recursively.
    * Array-ness: an ``np.ndarray`` (0-d included) must stay an array, and a scalar (a Python
      float or int, a NumPy scalar) must stay a scalar.  A Python float and an ``np.float64``
      count as the same (``np.float64`` is a subclass of ``float`` and behaves as one);
      an ``np.float32`` and a Python float do not (the dtype differs).
    * The dtype (``np.asarray(x).dtype``) and the shape are equal.
    * The floats are equal exactly: element by element ``==``, NaN equal to NaN, and the
      signs of zeros equal (``-0.0`` is not ``0.0``: ``1 / x`` tells them apart).
    Anything else (``None``, strings, objects) must compare equal with ``==``.
    """
    label = where or "value"
    if isinstance(expected, (tuple, list)):
        assert type(got) is type(expected) and len(got) == len(expected), \
            f"{label}: got {got!r}, expected {expected!r}"
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same_value(g, e, f"{label}[{i}]")
        return
    if isinstance(expected, dict):
        assert type(got) is type(expected) and list(got) == list(expected), \
            f"{label}: got {got!r}, expected {expected!r}"
        for k in expected:
            assert_same_value(got[k], expected[k], f"{label}[{k!r}]")
        return
    numeric = (np.ndarray, np.generic, float, int, complex)
    if not isinstance(expected, numeric) or isinstance(expected, (str, bytes)):
        assert got == expected, f"{label}: got {got!r}, expected {expected!r}"
        return
    assert isinstance(got, numeric), f"{label}: got {type(got).__name__} {got!r}, " \
        f"expected {type(expected).__name__} {expected!r}"
    a, b = np.asarray(got), np.asarray(expected)
    problems = []
    if _is_array(got) != _is_array(expected):
        problems.append(f"{type(got).__name__} instead of {type(expected).__name__}")
    if a.dtype != b.dtype:
        problems.append(f"dtype {a.dtype} instead of {b.dtype}")
    if a.shape != b.shape:
        problems.append(f"shape {a.shape} instead of {b.shape}")
    elif not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc" and b.dtype.kind in "fc"):
        differ = np.asarray(a != b) & ~(np.isnan(a) & np.isnan(b)) \
            if a.dtype.kind in "fc" and b.dtype.kind in "fc" else np.asarray(a != b)
        problems.append(f"{int(np.sum(differ))} of {max(b.size, 1)} values differ "
                        f"(largest difference {np.max(np.abs(a - b)[differ])!r})"
                        if a.dtype.kind in "fciu" and b.dtype.kind in "fciu" else "values differ")
    elif a.dtype.kind == "f" and not np.array_equal(np.signbit(a), np.signbit(b)):
        problems.append("the sign of a zero differs")
    assert not problems, (f"{label}: not the function's own value: " + "; ".join(problems)
                          + f"\n  got      {got!r}\n  expected {expected!r}")


def check_primal(derivative: Callable, args: Sequence[Any], expected: Any,
                 value_of: Callable[[Any], tuple[Any, Any]], where: str = "",
                 calls: int = PRIMAL_CALLS, kwargs: dict | None = None) -> list[Any]:
    """Call ``derivative(*args, **kwargs)`` ``calls`` times (random generators
    :func:`reseeded` before each), split each result with ``value_of`` into ``(value,
    rest)``, and assert that every value is :func:`assert_same_value` as ``expected`` (the
    function's own value, from :func:`primal_value`).  Returns the ``rest`` of each call.

    Three calls by default: the general code, the instrumented copy that records shapes, and
    the version written for the arguments' signature."""
    rests = []
    for call in range(1, calls + 1):
        with reseeded():
            result = derivative(*args, **(kwargs or {}))
        value, rest = value_of(result)
        assert_same_value(value, expected, f"{where or 'the derivative'}, call {call}")
        rests.append(rest)
    return rests


def reverse_value(n: int) -> Callable[[Any], tuple[Any, tuple[Any, ...]]]:
    """``value_of`` for reverse mode with ``preserve_result=True`` and ``n`` wrt arguments:
    ``(gradients..., value)`` becomes ``(value, gradients)``."""
    def split(result: Any) -> tuple[Any, tuple[Any, ...]]:
        assert isinstance(result, tuple) and len(result) == n + 1, \
            f"expected {n} gradients and the value: {result!r}"
        return result[-1], tuple(result[:-1])
    return split


def forward_value(result: Any) -> tuple[Any, Any]:
    """``value_of`` for forward mode with ``preserve_result=True``: ``(tangent, value)``."""
    assert isinstance(result, tuple) and len(result) == 2, f"expected (tangent, value): {result!r}"
    return result[1], result[0]


def jvp_value(result: Any) -> tuple[Any, Any]:
    """``value_of`` for ``tangentlike.jvp``: ``(value, tangent)``."""
    assert isinstance(result, tuple) and len(result) == 2, f"expected (value, tangent): {result!r}"
    return result[0], result[1]


def _check_gradients(got: Sequence[Any], expected: Sequence[Any], args: Sequence[Any],
                     wrt: Sequence[int], rtol: float, atol: float, where: str) -> None:
    for i, g, e in zip(wrt, got, expected):
        x = args[i]
        label = f"gradient of argument {i} {where}"
        assert np.shape(g) == np.shape(x), \
            f"{label}: shape {np.shape(g)} != argument shape {np.shape(x)}"
        if isinstance(x, np.ndarray):
            assert isinstance(g, (np.ndarray, np.generic)) or (x.ndim == 0 and type(g) is float), \
                f"{label}: got {type(g).__name__}"
            if x.dtype == np.float64:
                assert np.asarray(g).dtype == np.float64, f"{label}: dtype {np.asarray(g).dtype}"
        np.testing.assert_allclose(np.asarray(g, np.float64), e, rtol=rtol, atol=atol,
                                   err_msg=label)


def _check_arguments_left_as_f_leaves_them(f: Callable, args: Sequence[Any],
                                           given: Sequence[Any]) -> None:
    """The derivative changes the arrays it is given as ``f`` does (``x[i] = v`` on a
    parameter is written back at the return), and no other way."""
    if all(np.array_equal(a, b) for a, b in zip(args, given)):
        return
    after = [_copy(a) for a in args]
    with reseeded():
        f(*after)
    for a, b in zip(given, after):
        np.testing.assert_array_equal(a, b, err_msg="the derivative left an argument unlike f")


def check_grad(f: Callable, args: Sequence[Any], wrt: Sequence[int] = (0,), rtol: float = 1e-5,
               atol: float = 1e-7, **grad_kwargs: Any) -> tuple[Any, ...]:
    """Differentiate ``f`` with ``tangentlike.grad(f, wrt=wrt, **grad_kwargs)``, call the
    result on ``args`` and compare with :func:`numerical_grad`.

    Tolerance: element by element ``|g - g_fd| <= atol + rtol * |g_fd|``
    (``numpy.testing.assert_allclose``), by default ``rtol=1e-5, atol=1e-7``.  Central
    differences in float64 with ``eps=1e-6`` are accurate to about 1e-10 on the well-scaled
    test functions, so these bounds leave room for rounding, never for a wrong rule.

    Also checked: each gradient has its argument's shape (a Python float or 0-d array
    argument may get a Python float, a NumPy scalar or a 0-d array), float64 arguments get
    float64 gradients, and the derivative leaves its arguments as ``f`` leaves them.  The same
    derivative with ``preserve_result=True`` is called :data:`PRIMAL_CALLS` times (general
    code, shape recording, version by shape): its value must be exactly ``f(*args)`` (the
    primal invariant, :func:`check_primal`) and its gradients must match finite differences
    at every call; with joint motion and no other option, once more through
    ``value_and_grad``.  Returns the gradients of the plain derivative as a tuple.
    """
    wrt = tuple(wrt)
    df = tangentlike.grad(f, wrt=wrt, **grad_kwargs)
    calls = []
    for _ in range(GRADIENT_CALLS):
        given = [_copy(a) for a in args]
        with reseeded():
            calls.append(as_tuple(df(*given), len(wrt)))
        _check_arguments_left_as_f_leaves_them(f, args, given)
    expected = numerical_grad(f, args, wrt)
    for call, got in enumerate(calls, 1):
        _check_gradients(got, expected, args, wrt, rtol, atol,
                         f"of {f.__name__}, call {call}\n{df.source}")
    dfv = tangentlike.grad(f, wrt=wrt, preserve_result=True, **grad_kwargs)
    where = f"preserve_result=True value of {f.__name__} ({grad_kwargs})\n{dfv.source}"
    rests = check_primal(dfv, args, primal_value(f, args), reverse_value(len(wrt)), where)
    for call, got in enumerate(rests, 1):
        _check_gradients(got, expected, args, wrt, rtol, atol,
                         f"of {f.__name__} with preserve_result=True, call {call}\n{dfv.source}")
    if grad_kwargs.get("motion", "joint") == "joint" and set(grad_kwargs) <= {"optimized",
                                                                            "motion"}:
        # value_and_grad wraps the same generated function: once more through its API.
        vg = tangentlike.value_and_grad(f, wrt=wrt, optimized=grad_kwargs.get("optimized", True))
        (got,) = check_primal(vg, args, primal_value(f, args), _value_first(len(wrt)),
                              f"value_and_grad value of {f.__name__}", calls=1)
        _check_gradients(got, expected, args, wrt, rtol, atol,
                         f"of {f.__name__} by value_and_grad\n{dfv.source}")
    return calls[0]


def _value_first(n: int) -> Callable[[Any], tuple[Any, tuple[Any, ...]]]:
    def split(result: Any) -> tuple[Any, tuple[Any, ...]]:
        assert isinstance(result, tuple) and len(result) == 2, f"(value, grad): {result!r}"
        return result[0], as_tuple(result[1], n)
    return split


def check_every_mode(f: Callable, x: np.ndarray, v: np.ndarray, *, hvp: bool = True,
                     optimized: bool = True) -> None:
    """The derivatives of scalar ``f`` of one array at ``x`` in reverse mode (``grad``,
    ``value_and_grad``), forward mode along ``v`` and, with ``hvp``, as a Hessian-vector
    product, against central finite differences, at the first three calls (the third runs
    the version by shape); the values the derivatives compute are ``f``'s own.  Each call
    gets a copy of ``x``."""
    def fd(at: np.ndarray, eps: float = 1e-6) -> np.ndarray:
        return numerical_grad(lambda y: f(y.copy()), [at], eps=eps)[0]

    expected = fd(x)
    df = tangentlike.grad(f, optimized=optimized)
    vdf = tangentlike.value_and_grad(f, optimized=optimized)
    jf = tangentlike.autodiff(f, mode="forward", optimized=optimized, preserve_result=True)
    for _ in range(3):
        np.testing.assert_allclose(df(x.copy()), expected, rtol=1e-6, atol=1e-8)
        value, _ = vdf(x.copy())
        assert value == f(x.copy())
        tangent, value = jf(x.copy(), v)
        np.testing.assert_allclose(tangent, expected @ v, rtol=1e-6, atol=1e-8)
        assert value == f(x.copy())
    if hvp:
        expected_hvp = (fd(x + 1e-4 * v, 1e-5) - fd(x - 1e-4 * v, 1e-5)) / 2e-4
        hf = tangentlike.hvp(f)
        for _ in range(3):
            np.testing.assert_allclose(hf(x.copy(), v), expected_hvp, rtol=1e-4, atol=1e-5)


def peak_bytes(call: Callable[..., Any], *args: Any) -> int:
    """The peak of what ``call(*args)`` allocates (tracemalloc: Python objects and NumPy
    buffers), the result included; warm the call up (generation, versions) before."""
    tracemalloc.start()
    try:
        call(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def checked_version_source(f: Callable, args: tuple, wrt: tuple[int, ...],
                           rtol: float = 1e-9, fd: bool = True) -> str:
    """The source of ``grad(f, wrt)``'s version for ``args`` (written at the second call),
    after checking that its gradient, at two more calls, equals the generic derivative's
    (dtype too) and, where ``fd``, central finite differences."""
    df = tangentlike.grad(f, wrt=wrt)
    generic = df.specializer.generic(*args)
    df(*args)
    source = df.source_for(*args)
    for _ in range(2):  # new buffers every call
        got = df(*args)
        for g, e in zip(got, generic, strict=True):
            assert g.dtype == e.dtype
            np.testing.assert_allclose(g, e, rtol=rtol, atol=rtol * 1e-3)
    if fd:
        expected = numerical_grad(f, list(args), wrt)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-8)
    return source


def shapes_version_source(f: Callable, args: tuple, wrt: tuple[int, ...]) -> str:
    """The source of ``grad(f, wrt)``'s version by shapes for ``args`` (written at the
    second call)."""
    df = tangentlike.grad(f, wrt=wrt)
    df(*args), df(*args)
    version = df.version_for(*args)
    assert version.kind == "shapes", version.reason
    return version.source


def check_rewrite_keeps_the_numbers(f: Callable, args: tuple, wrt: tuple[int, ...],
                                    rewrite: str, marker: str, rtol: float,
                                    monkeypatch: Any) -> None:
    """``grad(f, wrt)``'s version for ``args`` holds ``marker`` (what the version rewrite
    ``tangentlike.versions.lower.<rewrite>`` writes); its gradient equals the generic
    derivative's (dtype, and within ``rtol``) and, bit for bit, the gradient of the version
    written with that rewrite switched off (which holds no ``marker``)."""
    assert marker in shapes_version_source(f, args, wrt)
    df = tangentlike.grad(f, wrt=wrt)
    generic = df.specializer.generic(*args)
    rewritten = df(*args)
    for got, want in zip(rewritten, generic, strict=True):
        assert np.asarray(got).dtype == np.asarray(want).dtype
        np.testing.assert_allclose(got, want, rtol=rtol)
    monkeypatch.setattr(f"tangentlike.versions.lower.{rewrite}", lambda *a: False)
    tangentlike.clear_cache()
    assert marker not in shapes_version_source(f, args, wrt)
    plain = tangentlike.grad(f, wrt=wrt)(*args)
    for got, want in zip(rewritten, plain, strict=True):
        assert np.asarray(got).tobytes() == np.asarray(want).tobytes()


SWEPT_IN_SLOW_RUN = ("containers_functions", "forward_functions")


def swept_modules(modules: Sequence[str]) -> list:
    """``modules`` as the parameters of a sweep that compares a fast path with its slow twin
    over whole test-function modules: the containers' and forward mode's modules run in the
    slow run (``-m slow``, which CI runs), the others in the default run too."""
    return [pytest.param(m, marks=pytest.mark.slow) if m in SWEPT_IN_SLOW_RUN else m
            for m in modules]


def functions_of_test_modules(modules: Sequence[str] | None = None) -> list[types.FunctionType]:
    """The functions defined in the test-function modules (``tests/*_functions.py``, or the
    ones named), module by module in name order (the test-function modules import by name:
    ``tests`` is on ``sys.path``)."""
    names = modules or sorted(Path(p).stem for p in
                              glob.glob(str(Path(__file__).parent / "*_functions.py")))
    found = []
    for name in names:
        module = importlib.import_module(name)
        found += [f for f in vars(module).values() if isinstance(f, types.FunctionType)
                  and f.__module__ == module.__name__ and f.__name__ != "<lambda>"]
    return found


def trees_of_test_functions(count: int | None = None, *, parsed: bool = True) -> list:
    """The trees a front-end shortcut is checked over: for each of the first ``count``
    functions of :func:`functions_of_test_modules` (all of them without ``count``), a copy
    of its parsed tree (with ``parsed``) and its normalized tree, where normalization does
    not refuse it."""
    from tangentlike.core import syntax
    from tangentlike.core.naming import Namer
    from tangentlike.frontend import parsing
    from tangentlike.frontend.normalize import normalize

    trees = []
    for f in functions_of_test_modules()[:count]:
        function = parsing.parse_function(f)
        if parsed:  # (copied first: normalization desugars the parsed statements in place)
            trees.append(syntax.clone(function.node))
        try:
            trees.append(normalize(function, Namer(syntax.all_names(function.node))))
        except Exception:  # noqa: BLE001  (a refusal: the parsed tree is enough)
            continue
    return trees


def derivative_sources(functions: Sequence[Callable], options: Sequence[dict]) -> list[str]:
    """The source of each function's derivative with each of ``options`` and with respect to
    all its required positional parameters (or the refusal's message), from an empty
    cache: what a change that should not change the generated code compares before and
    after."""
    tangentlike.clear_cache()
    out = []
    for f in functions:
        n = len([p for p in inspect.signature(f).parameters.values()
                 if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                          p.POSITIONAL_OR_KEYWORD)])
        if n == 0:
            continue
        for each in (*options, {"wrt": tuple(range(n))}):
            try:
                out.append(tangentlike.autodiff(f, verbose=0, **each).source)
            except Exception as e:  # noqa: BLE001 (a refusal: its message is compared)
                out.append(f"{f.__name__}: {type(e).__name__}: {e}")
    tangentlike.clear_cache()
    return out
