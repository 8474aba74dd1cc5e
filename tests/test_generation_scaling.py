"""Generation scales linearly with the size of the user's code (issue 18, item 5).

Not a timed test: it counts work.  Every Python and built-in function call made while a
derivative is generated is counted (``sys.setprofile``), for generated functions of ``n``
and ``2 n`` statements; linear work doubles (plus a constant), quadratic work (a dataflow
state copied per statement, a block rescanned per statement) grows towards four times.
The generation times themselves are in docs/performance.md.
"""
import importlib.util
import sys
import time
from pathlib import Path

import pytest

import tangentlike


def _straight(n: int) -> str:
    """A straight-line function of ``n`` statements: elementwise operations, reductions and
    matrix products, each reading the last values."""
    forms = ["np.sin({p}) * {o} + 0.5", "np.tanh({p} @ W)", "{p} - np.sum({o}) * 0.01",
             "np.exp(-{p} * {p}) + {o}", "{p} / (1.0 + np.mean({p} ** 2))"]
    lines, names = ["import numpy as np", "", "def f(x, W):", "    h = x"], ["h"]
    for i in range(n):
        p, o = names[-1], names[max(0, len(names) - 3)]
        lines.append(f"    v{i} = " + forms[i % 5].format(p=p, o=o))
        names.append(f"v{i}")
    return "\n".join(lines + [f"    return np.sum({names[-1]})", ""])


def _conditional(n: int) -> str:
    """``n`` conditional expressions, each on the input."""
    lines = ["import numpy as np", "", "def f(x, a):", "    s = 0.0"]
    lines += [f"    s = s + (a * x if x > {i / 100} else x * x)" for i in range(n)]
    return "\n".join(lines + ["    return s", ""])


def _chained(n: int) -> str:
    """``n`` conditional expressions, each reading the last two (benchmarks/gensize.py)."""
    lines = ["import numpy as np", "", "def f(x, a):", "    t0 = x", "    t1 = a"]
    lines += [f"    t{i} = 0.6 * t{i - 1} + 0.3 * x if t{i - 1} > t{i - 2} "
              f"else 0.5 * np.sin(t{i - 2}) + 0.2 * a" for i in range(2, n + 2)]
    return "\n".join(lines + [f"    return t{n + 1} + 0.1 * t{n}", ""])


def _load(tmp_path, source: str, name: str):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (removed below) inspect reads the source through it
    spec.loader.exec_module(module)
    return module.f


def _calls(func) -> int:
    """How many calls generating ``func``'s gradient makes."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        tangentlike.grad(func, verbose=0)
    finally:
        sys.setprofile(None)
    return count


# How much the work may grow when the statements double (before issue 18's changes: 2.23
# and 2.62; conditional expressions that read each other: 4.8, when the optimizer inlined
# one temporary assigned in both branches per pass).
SIZE = 25
LIMITS = {"straight": 2.1, "conditional": 2.2, "chained": 2.2}


@pytest.mark.slow  # 6-7 s each; the benchmark's size rows show the growth too
@pytest.mark.parametrize("make", [_straight, _conditional, _chained],
                         ids=["straight", "conditional", "chained"])
def test_generation_work_grows_linearly(tmp_path, make):
    names = []
    try:
        counts = {}
        for n in (8, SIZE, 2 * SIZE):  # the first warms the rules' caches up
            names.append(f"scaling_{make.__name__[1:]}_{n}")
            counts[n] = _calls(_load(tmp_path, make(n), names[-1]))
        ratio = counts[2 * SIZE] / counts[SIZE]
        assert ratio < LIMITS[make.__name__[1:]], \
            f"{counts}: twice the statements cost {ratio:.2f} times the work"
    finally:
        for name in names:
            sys.modules.pop(name, None)


def _cpu_seconds(func, optimized: bool) -> float:
    start = time.process_time()
    tangentlike.grad(func, wrt=(0, 1), optimized=optimized, verbose=0)
    return time.process_time() - start


@pytest.mark.slow  # about 10 s: the benchmark's generation-size rows show the growth too
def test_generation_time_grows_linearly(tmp_path):
    """The benchmark's straight-line functions (``benchmarks/gensize.py``: a value written
    in many statements, computed once, its adjoint summed from all of them) through every
    stage but the optimizer: ten times the statements in under fifteen times the CPU time
    (about 10 now; quadratic stages made it about 19; the optimizer's share is in
    docs/performance.md)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        import gensize
    finally:
        sys.path.pop(0)
    _cpu_seconds(gensize.load("straight", 3, str(tmp_path)), optimized=False)  # warm-up
    small = _cpu_seconds(gensize.load("straight", 100, str(tmp_path)), optimized=False)
    large = _cpu_seconds(gensize.load("straight", 1000, str(tmp_path)), optimized=False)
    assert large < 15 * small, f"100 statements: {small:.2f} s, 1000: {large:.2f} s"
