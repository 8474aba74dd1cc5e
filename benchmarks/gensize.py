"""Issue 18 item 5: generation time against the size of the user's code.

``source(kind, n)`` writes a function of two Python floats ``x, y``: ``kind="straight"`` is
``n`` straight-line assignments (sin/cos/tanh and arithmetic on the two previous values, so
every value stays bounded), ``kind="ifexp"`` is ``n`` assignments of a conditional
expression (``a if t > c else b``).  tangentlike reads source, so the function is written to a
temporary ``.py`` file and imported.

Run as a script (``python gensize.py KIND N CLOCK CAP``; ``run.py`` does, one fresh process
per size), it stops a generation that runs past ``CAP`` seconds on ``CLOCK`` (a timer signal:
``ITIMER_PROF`` for CPU time, ``ITIMER_REAL`` for wall-clock time) and says so; otherwise it
generates ``grad(f, wrt=(0,
1))`` once with a cold cache after a warm-up generation (one-time costs), checks the gradient
against autograd (or central differences without it), and prints one JSON line:
``seconds`` (generation; None when stopped at the cap), ``lines`` (of the generated
gradient), ``ok`` and ``error``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

KINDS = ("straight", "ifexp")
POINT = (0.3, 0.7)

_STRAIGHT = (
    "t{i} = 0.5 * t{a} + 0.3 * math.sin(t{b})",
    "t{i} = 0.6 * t{a} + 0.2 * x",
    "t{i} = 0.4 * math.cos(t{a}) + 0.5 * t{b} * y",
    "t{i} = math.tanh(t{a} + y) - 0.2 * t{b}",
)
_IFEXP = "t{i} = 0.6 * t{a} + 0.3 * x if t{a} > t{b} else 0.5 * math.sin(t{b}) + 0.2 * y"


def source(kind: str, n: int) -> str:
    """The source of ``f(x, y)`` with ``n`` assignments of the given kind, then a return."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    lines = ["import math", "", "", "def f(x, y):", "    t0 = x", "    t1 = y"]
    for i in range(2, n + 2):
        template = _IFEXP if kind == "ifexp" else _STRAIGHT[i % len(_STRAIGHT)]
        lines.append("    " + template.format(i=i, a=i - 1, b=i - 2))
    lines.append(f"    return t{n + 1} + 0.1 * t{n}")
    return "\n".join(lines) + "\n"


def load(kind: str, n: int, directory: str) -> Any:
    """Write :func:`source` to a ``.py`` file in ``directory``, import it, return ``f``."""
    path = Path(directory) / f"gen_{kind}_{n}.py"
    path.write_text(source(kind, n), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def reference_grad(f: Any) -> tuple[float, float]:
    """d/dx, d/dy of ``f`` at :data:`POINT`: autograd's, else central differences."""
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        h = 1e-6
        x, y = POINT
        return ((f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h))
    f.__globals__["math"] = anp  # the module is private to this process
    try:
        return tuple(float(g) for g in autograd.grad(f, (0, 1))(*POINT))
    finally:
        f.__globals__["math"] = math


class OverCap(Exception):
    """The generation ran past the time cap."""


def _stop(signum: int, frame: Any) -> None:
    raise OverCap


def measure(kind: str, n: int, clock: str = "cpu", cap: float | None = None) -> dict[str, Any]:
    """Generate ``grad`` of the size-``n`` function with a cold cache (stopped after ``cap``
    seconds on ``clock``, if given); check it."""
    timer = time.process_time if clock == "cpu" else time.perf_counter
    itimer, signum = ((signal.ITIMER_PROF, signal.SIGPROF) if clock == "cpu"
                      else (signal.ITIMER_REAL, signal.SIGALRM))
    import tangentlike

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TANGENTLIKE_CACHE_DIR"] = os.path.join(tmp, "cache")
        warm = load(kind, 2, tmp)
        tangentlike.grad(warm, wrt=(0, 1))(*POINT)  # one-time costs, in no measurement
        tangentlike.clear_cache()
        f = load(kind, n, tmp)
        if cap:
            signal.signal(signum, _stop)
            signal.setitimer(itimer, cap)
        t0 = timer()
        try:
            df = tangentlike.grad(f, wrt=(0, 1))
        except OverCap:
            return {"seconds": None, "lines": None, "ok": True, "error": None}
        finally:
            signal.setitimer(itimer, 0)
        seconds = timer() - t0
        got = df(*POINT)
        want = reference_grad(f)
        ok = all(math.isclose(g, w, rel_tol=1e-6, abs_tol=1e-9) for g, w in zip(got, want))
        error = None if ok else f"gradient {got} != reference {want}"
        return {
            "seconds": seconds,
            "lines": len((getattr(df, "source", "") or "").splitlines()),
            "ok": error is None,
            "error": error,
        }


if __name__ == "__main__":
    kind_arg, n_arg = sys.argv[1], int(sys.argv[2])
    clock_arg = sys.argv[3] if len(sys.argv) > 3 else "cpu"
    cap_arg = float(sys.argv[4]) if len(sys.argv) > 4 else None
    print(json.dumps(measure(kind_arg, n_arg, clock_arg, cap_arg)))
