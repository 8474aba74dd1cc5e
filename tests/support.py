"""Shared helpers for the derivative-rule tests: finite differences, a gradient checker, and a
factory that turns source text into a function defined in a real ``.py`` file.

tangentlike reads a function's source, so test functions must live in files ``inspect`` can
read; :func:`make_function` writes each distinct source once into a temporary module and
returns the same function object for the same source (tangentlike caches generated
derivatives per function object, so reusing it keeps the tests fast).
"""
from __future__ import annotations

import atexit
import hashlib
import importlib.util
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

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
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    fn = getattr(module, name)
    _functions[cache_key] = fn
    return fn


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
    float64 gradients, and the derivative does not modify its arguments.  Returns the
    gradients as a tuple.
    """
    wrt = tuple(wrt)
    df = tangentlike.grad(f, wrt=wrt, **grad_kwargs)
    before = [_copy(a) for a in args]
    got = as_tuple(df(*args), len(wrt))
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b, err_msg="the derivative modified its arguments")
    expected = numerical_grad(f, args, wrt)
    for i, g, e in zip(wrt, got, expected):
        x = args[i]
        where = f"gradient of argument {i} of {f.__name__}\n{df.source}"
        assert np.shape(g) == np.shape(x), \
            f"{where}: shape {np.shape(g)} != argument shape {np.shape(x)}"
        if isinstance(x, np.ndarray):
            assert isinstance(g, (np.ndarray, np.generic)) or (x.ndim == 0 and type(g) is float), \
                f"{where}: got {type(g).__name__}"
            if x.dtype == np.float64:
                assert np.asarray(g).dtype == np.float64, f"{where}: dtype {np.asarray(g).dtype}"
        np.testing.assert_allclose(np.asarray(g, np.float64), e, rtol=rtol, atol=atol,
                                   err_msg=where)
    return got
