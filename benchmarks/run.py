"""Benchmark tangentlike's generated gradients against hand-written NumPy and other AD tools.

Usage (from the repository root)::

    python benchmarks/run.py            # full run, well under 2 minutes on 2 cores
    python benchmarks/run.py --quick    # a few seconds; smoke test, noisy numbers
    python benchmarks/run.py --workload mlp --workload logsumexp
    python benchmarks/run.py --no-memory  # skip the peak-memory table

For every workload (see ``benchmarks/workloads.py``) it times, in this one process: the
forward function alone, the hand-written gradient, tangentlike's gradient, autograd's
``grad`` and, when installed, ``jax.jit(jax.grad(...))`` and torch's reverse mode.  A
Hessian-vector-product workload (``kind="hvp"``) times instead the hand-written HVP,
``tangentlike.hvp``, autograd's ``hessian_vector_product`` and, when installed,
``jax.jit`` of ``jax.jvp(jax.grad(...))``.  Every gradient (or HVP) is first checked against
the hand-written one; any mismatch or failure exits with status 1 before timing (a failing
tangentlike row is printed with its generated source).  tangentlike's generation time
(``grad(...)`` or ``hvp(...)`` with the cache cleared) is reported in a separate table, and
the peak memory of one call (``tracemalloc``: NumPy's and Python's allocations, so not for jax
or torch) in a third.  BLAS is pinned to one thread.
"""

from __future__ import annotations

import os

# Pin BLAS/OpenMP to one thread before numpy (or anything importing it) is loaded.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import atexit  # noqa: E402
import gc  # noqa: E402
import importlib.metadata  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import types  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(HERE), str(ROOT)):  # run as a script or as ``python -m benchmarks.run``
    if _p not in sys.path:
        sys.path.insert(0, _p)

# tangentlike's on-disk cache goes to a throw-away directory (set before importing it).
CACHE_DIR = tempfile.mkdtemp(prefix="tangentlike-bench-")
os.environ["TANGENTLIKE_CACHE_DIR"] = CACHE_DIR
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)

from workloads import WORKLOADS, Workload  # noqa: E402


def _try_import(name: str) -> tuple[Any, str | None]:
    """Import ``name``; return ``(module, None)`` or ``(None, reason)``."""
    try:
        return __import__(name, fromlist=["_"]), None
    except Exception as exc:  # noqa: BLE001 - any import failure means "skip"
        return None, f"{type(exc).__name__}: {exc}"


tangentlike, TANGENTLIKE_ERR = _try_import("tangentlike")
if tangentlike is not None and not hasattr(tangentlike, "grad"):
    tangentlike, TANGENTLIKE_ERR = None, "module has no attribute 'grad' (not finished yet?)"
autograd, AUTOGRAD_ERR = _try_import("autograd")
anp = _try_import("autograd.numpy")[0] if autograd is not None else None
jax, JAX_ERR = _try_import("jax")
jnp = None
if jax is not None:
    jax.config.update("jax_enable_x64", True)  # compare in float64 like everything else
    jnp = _try_import("jax.numpy")[0]
torch, TORCH_ERR = _try_import("torch")
if torch is not None:
    torch.set_num_threads(1)

RTOL = 1e-6
ATOL_FACTOR = 1e-9  # atol = ATOL_FACTOR * max|reference|, so tiny gradients are still checked


# ---------------------------------------------------------------------------------------------
# Implementations


@dataclass
class Impl:
    """A timed row: ``call()`` runs once; ``grads(result)`` gives the gradient (or HVP) as a
    tuple of NumPy arrays (``None`` for the forward row, which is not a gradient).
    ``source``: the generated code, printed when the row fails its check; ``traced``: whether
    tracemalloc sees its memory (not jax's or torch's buffers); ``reference``: the
    hand-written row that the others are checked against and compared with."""

    label: str
    call: Callable[[], Any]
    grads: Callable[[Any], tuple[np.ndarray, ...]] | None = None
    source: str | None = None
    traced: bool = True
    reference: bool = False


def reference_impl(impls: Sequence[Impl]) -> Impl:
    """The hand-written row of a workload's implementations."""
    return next(i for i in impls if i.reference)


def rebind_globals(fn: Callable[..., Any], **names: Any) -> Callable[..., Any]:
    """Return a copy of ``fn`` whose global names (e.g. ``np``, ``math``) are replaced."""
    new_globals = dict(fn.__globals__)
    new_globals.update(names)
    new = types.FunctionType(fn.__code__, new_globals, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


def _as_tuple(result: Any, n: int) -> tuple[np.ndarray, ...]:
    """Normalise a gradient result (one value when ``n == 1``, else a tuple) to arrays."""
    items = (result,) if n == 1 else tuple(result)
    if len(items) != n:
        raise ValueError(f"expected {n} gradient(s), got {len(items)}")
    return tuple(np.asarray(x) for x in items)


def _jax_hvp(jx_fn: Callable[..., Any], index: int) -> Callable[..., Any]:
    """``hvp(*args, v)``: forward over reverse, ``jax.jvp`` of ``jax.grad(jx_fn)`` wrt
    argument ``index`` along ``v``, the other arguments held fixed."""
    grad_fn = jax.grad(jx_fn, argnums=index)

    def hvp(*args_and_v: Any) -> Any:
        *primals, v = args_and_v

        def grad_at(x: Any) -> Any:
            return grad_fn(*primals[:index], x, *primals[index + 1 :])

        return jax.jvp(grad_at, (primals[index],), (v,))[1]

    return hvp


def build_impls(
    wl: Workload, args: tuple[Any, ...], df: Callable[..., Any] | None, problems: list[str]
) -> list[Impl]:
    """All implementations of ``wl`` available here (``df``: tangentlike's gradient, or its
    HVP for an HVP workload, if generated); construction failures go to problems."""
    n = len(wl.wrt)
    to_np = lambda r: _as_tuple(r, n)
    hvp = wl.kind == "hvp"
    fn_args = args[:-1] if hvp else args  # an HVP workload's last argument is the direction
    impls = [
        Impl("forward", lambda: wl.fn(*fn_args)),
        Impl(f"hand-written {wl.kind}", lambda: wl.handwritten(*args), to_np, reference=True),
    ]

    if df is not None:
        source = getattr(df, "source", None)
        impls.append(Impl("tangentlike", lambda: df(*args), to_np, source))

    if autograd is not None:
        try:
            ag_fn = wl.autograd_fn or rebind_globals(wl.fn, np=anp, math=anp)
            if hvp:
                ag = autograd.hessian_vector_product(ag_fn, wl.wrt[0])
            else:
                ag = autograd.grad(ag_fn, wl.wrt if n > 1 else wl.wrt[0])
            impls.append(Impl("autograd", lambda: ag(*args), to_np))
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{wl.name}/autograd: setup failed: {type(exc).__name__}: {exc}")

    if jax is not None:
        try:
            jx_fn = wl.jax_fn or rebind_globals(wl.fn, np=jnp, math=jnp)
            if hvp:
                jg = jax.jit(_jax_hvp(jx_fn, wl.wrt[0]))
            else:
                jg = jax.jit(jax.grad(jx_fn, argnums=wl.wrt if n > 1 else wl.wrt[0]))
            jargs = tuple(a if isinstance(a, float) else jnp.asarray(a) for a in args)
            impls.append(
                Impl("jax (jit)", lambda: jax.block_until_ready(jg(*jargs)), to_np, traced=False)
            )
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{wl.name}/jax: setup failed: {type(exc).__name__}: {exc}")

    # torch rows are gradients only (an HVP workload's torch_fn is not used).
    if torch is not None and wl.torch_fn is not None and not hvp:
        try:
            targs = tuple(torch.tensor(a, dtype=torch.float64) for a in args)
            inputs = [targs[i].requires_grad_(True) for i in wl.wrt]
            tfn = wl.torch_fn

            def torch_grad() -> tuple[Any, ...]:
                return torch.autograd.grad(tfn(*targs), inputs)

            to_np_torch = lambda r: tuple(t.detach().numpy() for t in r)
            impls.append(Impl("torch", torch_grad, to_np_torch, traced=False))
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{wl.name}/torch: setup failed: {type(exc).__name__}: {exc}")
    return impls


# ---------------------------------------------------------------------------------------------
# Correctness


def check_impls(wl: Workload, impls: Sequence[Impl], problems: list[str]) -> None:
    """Compare every gradient (or HVP) row with the hand-written one; record mismatches in
    problems (followed by the row's generated source, if it has one)."""
    reference = reference_impl(impls)
    ref = reference.grads(reference.call())
    checked = failed = 0
    for impl in impls:
        if impl.grads is None or impl is reference:
            continue
        found = len(problems)
        _check_one(wl, impl, ref, problems)
        checked += 1
        if len(problems) > found:
            failed += 1
            if impl.source:
                source = textwrap.indent(impl.source.rstrip(), "  | ", lambda line: True)
                problems.append(f"{wl.name}/{impl.label}: generated source:\n{source}")
    if checked > 1 and failed == checked:
        problems.append(
            f"{wl.name}: every implementation disagrees with the hand-written "
            f"{'HVP' if wl.kind == 'hvp' else 'gradient'}; check it (workloads.py)"
        )


def _check_one(wl: Workload, impl: Impl, ref: tuple[np.ndarray, ...], problems: list[str]) -> None:
    """Compare one gradient (or HVP) row with the reference values ``ref``."""
    try:
        got = impl.grads(impl.call())
    except Exception as exc:  # noqa: BLE001
        problems.append(f"{wl.name}/{impl.label}: raised {type(exc).__name__}: {exc}")
        return
    if len(got) != len(ref):
        problems.append(f"{wl.name}/{impl.label}: {len(got)} gradients, want {len(ref)}")
        return
    for idx, g, r in zip(wl.wrt, got, ref, strict=True):
        what = "HVP" if wl.kind == "hvp" else "gradient"
        where = f"{wl.name}/{impl.label}: {what} wrt arg {idx}"
        if g.shape != r.shape:
            problems.append(f"{where}: shape {g.shape}, want {r.shape}")
            continue
        atol = ATOL_FACTOR * float(np.max(np.abs(r))) if r.size else 0.0
        if not np.allclose(g, r, rtol=RTOL, atol=atol):
            err = np.abs(g - r)
            problems.append(
                f"{where}: mismatch (rtol={RTOL:g}, atol={atol:.2g}): "
                f"max abs err {np.max(err):.3g}, "
                f"max rel err {np.max(err / np.maximum(np.abs(r), 1e-300)):.3g}"
            )


# ---------------------------------------------------------------------------------------------
# Timing


@dataclass
class Settings:
    """Timing parameters: each repeat runs a call ``number`` times, lasting >= target_s."""

    target_s: float
    repeats: int
    gen_repeats: int


FULL = Settings(target_s=0.1, repeats=15, gen_repeats=15)
QUICK = Settings(target_s=0.005, repeats=3, gen_repeats=3)


@dataclass
class Timing:
    """Median seconds per call plus the raw per-call samples."""

    median: float
    samples: list[float] = field(default_factory=list)
    number: int = 1


def _clock(call: Callable[[], Any], number: int) -> float:
    """Seconds for ``number`` calls of ``call``, with the garbage collector off (as timeit)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(number):
            call()
        return time.perf_counter() - t0
    finally:
        if gc_was_enabled:
            gc.enable()


def _calibrate(call: Callable[[], Any], target_s: float) -> int:
    """Smallest ``number`` in 1, 2, 5, 10, 20, 50, ... with ``number`` calls >= target_s."""
    call()  # warm-up (caches, lazy imports, jit compilation)
    number = 1
    while True:
        for mult in (1, 2, 5):
            n = number * mult
            if _clock(call, n) >= target_s:
                return n
        number *= 10


def time_impls(impls: Sequence[Impl], settings: Settings) -> dict[str, Timing]:
    """Time all implementations round-robin (so drift hits them alike); medians per call."""
    numbers = {i.label: _calibrate(i.call, settings.target_s) for i in impls}
    samples: dict[str, list[float]] = {i.label: [] for i in impls}
    for _ in range(settings.repeats):
        for impl in impls:
            n = numbers[impl.label]
            samples[impl.label].append(_clock(impl.call, n) / n)
    return {label: Timing(statistics.median(s), s, numbers[label]) for label, s in samples.items()}


@dataclass
class GenTiming:
    """tangentlike generation times for one workload, in seconds, and the gradient (or HVP)
    function."""

    first: float
    cold_median: float
    cached_median: float
    source_lines: int
    df: Callable[..., Any]


def time_generation(wl: Workload, settings: Settings) -> GenTiming:
    """Time ``tangentlike.grad`` (``tangentlike.hvp`` for an HVP workload: it generates the
    gradient, then that gradient's forward-mode derivative) cold (after ``clear_cache()``)
    and cached."""

    def gen() -> Any:
        if wl.kind == "hvp":
            return tangentlike.hvp(wl.fn, wrt=wl.wrt[0])
        return tangentlike.grad(wl.fn, wrt=wl.wrt)

    # First generation of this function in the process, caches empty (an earlier workload
    # may already have paid tangentlike's one-time warm-up, e.g. lazy imports).
    tangentlike.clear_cache()
    t0 = time.perf_counter()
    df = gen()
    first = time.perf_counter() - t0

    cold = []
    for _ in range(settings.gen_repeats):
        tangentlike.clear_cache()
        t0 = time.perf_counter()
        gen()
        cold.append(time.perf_counter() - t0)

    cached = []
    for _ in range(settings.gen_repeats):
        t0 = time.perf_counter()
        gen()
        cached.append(time.perf_counter() - t0)

    source = getattr(df, "source", "") or ""
    return GenTiming(
        first, statistics.median(cold), statistics.median(cached), len(source.splitlines()), df
    )


# ---------------------------------------------------------------------------------------------
# Memory


def peak_memory(call: Callable[[], Any]) -> int:
    """Peak bytes allocated during one ``call()`` beyond what was allocated before it, as
    tracemalloc sees them (Python objects and NumPy buffers); the result is included."""
    call()  # warm-up outside tracing (lazy imports, caches)
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak - before


# ---------------------------------------------------------------------------------------------
# Reporting


def fmt_bytes(n: int) -> str:
    """Human-readable size in B, KiB or MiB with three significant digits."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} B"


def fmt_time(seconds: float) -> str:
    """Human-readable duration: ns, µs, ms or s with three significant digits."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None
) -> None:
    """Print a plain-text table; ``align`` holds one 'l' or 'r' per column."""
    align = align or "l" * len(headers)
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.ljust(w) if a == "l" else c.rjust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ]
        return "  ".join(parts).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def _version(dist: str, module: Any = None) -> str:
    """Installed distribution version, else the module's ``__version__``."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return f"{getattr(module, '__version__', '?')} (not installed; from {ROOT.name}/)"


def print_header(settings_name: str) -> None:
    """Machine, versions and settings."""
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        blas_desc = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001 - purely informative
        blas_desc = "unknown"
    print("tangentlike benchmarks")
    print(
        f"  machine : {platform.platform()} ({platform.machine()}), "
        f"{os.cpu_count()} CPUs, processor {platform.processor() or 'unknown'!r}"
    )
    print(f"  python  : {platform.python_implementation()} {platform.python_version()}")
    print(f"  numpy   : {np.__version__} (BLAS: {blas_desc}; OMP/OPENBLAS/MKL_NUM_THREADS=1)")
    print(f"  autograd: {_version('autograd', autograd) if autograd else 'not available'}")
    if tangentlike is not None:
        where = Path(tangentlike.__file__).parent
        print(f"  tangentlike: {_version('tangentlike', tangentlike)} ({where})")
    else:
        print("  tangentlike: unavailable")
    for name, mod, err in (("jax", jax, JAX_ERR), ("torch", torch, TORCH_ERR)):
        print(f"  {name:8}: {_version(name, mod) if mod else f'skipped ({err})'}")
    print(f"  settings: {settings_name}")
    if tangentlike is None:
        print(f"\n!! tangentlike rows SKIPPED: cannot use tangentlike ({TANGENTLIKE_ERR})")
    if autograd is None:
        print(f"\n!! autograd rows skipped: {AUTOGRAD_ERR}")
    print()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="short run (a few seconds), noisy")
    names = [w.name for w in WORKLOADS]
    p.add_argument(
        "--workload",
        action="append",
        choices=names,
        metavar="NAME",
        help=f"run only this workload (repeatable): {', '.join(names)}",
    )
    p.add_argument(
        "--memory",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="report the peak memory of one call per implementation (tracemalloc; default on)",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; return the process exit status."""
    opts = parse_args(argv)
    settings = QUICK if opts.quick else FULL
    workloads = [w for w in WORKLOADS if not opts.workload or w.name in opts.workload]
    print_header(
        f"{'--quick' if opts.quick else 'full'}: median of {settings.repeats} repeats, "
        f"each >= {fmt_time(settings.target_s)}; round-robin across implementations"
    )
    start = time.perf_counter()

    # 1. Generate tangentlike's gradients (timing generation), build every implementation
    #    and check all gradients before timing any run.
    problems: list[str] = []
    built: list[tuple[Workload, list[Impl]]] = []
    gen_timings: dict[str, GenTiming] = {}
    for wl in workloads:
        args = wl.make_args()
        if tangentlike is not None:
            try:
                gen_timings[wl.name] = time_generation(wl, settings)
            except Exception as exc:  # noqa: BLE001
                problems.append(
                    f"{wl.name}/tangentlike: {wl.kind}() failed: {type(exc).__name__}: {exc}"
                )
        df = gen_timings[wl.name].df if wl.name in gen_timings else None
        impls = build_impls(wl, args, df, problems)
        check_impls(wl, impls, problems)
        built.append((wl, impls))
    if problems:
        print("GRADIENT CHECK FAILED:", file=sys.stderr)
        for msg in problems:
            first, *rest = msg.splitlines()
            print(f"  - {first}", file=sys.stderr)
            for line in rest:
                print(f"    {line}".rstrip(), file=sys.stderr)
        return 1
    print(
        f"gradient check: all gradients (and HVPs) match the hand-written ones "
        f"(np.allclose, rtol={RTOL:g}, atol={ATOL_FACTOR:g}*max|ref|)\n"
    )

    # 2. Run-time table.
    rows = []
    for wl, impls in built:
        timings = time_impls(impls, settings)
        ref = timings[reference_impl(impls).label].median
        for impl in impls:
            t = timings[impl.label]
            rows.append(
                [wl.name, impl.label, fmt_time(t.median), f"{t.median / ref:.2f}x", str(t.number)]
            )
    print("Run time (median per call; ratio = time / hand-written gradient (or HVP) time)")
    print_table(["workload", "implementation", "median", "vs hand", "calls/rep"], rows, "llrrr")

    # 3. Generation table.
    if tangentlike is not None:
        gen_rows = []
        for wl in workloads:
            g = gen_timings[wl.name]
            gen_rows.append(
                [
                    wl.name,
                    fmt_time(g.first),
                    fmt_time(g.cold_median),
                    fmt_time(g.cached_median),
                    str(g.source_lines),
                ]
            )
        print(
            f"\ntangentlike generation time (grad() call, or hvp() for an HVP workload; "
            f"'cold' = after clear_cache(), median of {settings.gen_repeats})"
        )
        print_table(
            ["workload", "first", "cold median", "cached median", "source lines"], gen_rows, "lrrrr"
        )
    else:
        print("\ntangentlike generation time: skipped (tangentlike unavailable)")

    # 4. Memory table.
    if opts.memory:
        mem_rows = []
        for wl, impls in built:
            traced = [impl for impl in impls if impl.traced]
            peaks = {impl.label: peak_memory(impl.call) for impl in traced}
            ref = peaks[reference_impl(traced).label]
            for impl in traced:
                ratio = f"{peaks[impl.label] / ref:.2f}x" if ref else "-"
                mem_rows.append([wl.name, impl.label, fmt_bytes(peaks[impl.label]), ratio])
        print(
            "\nPeak memory of one call (tracemalloc: bytes allocated during the call beyond "
            "those held before it,\nresult included; jax and torch buffers are not traced; "
            "ratio = peak / hand-written gradient (or HVP) peak)"
        )
        print_table(["workload", "implementation", "peak", "vs hand"], mem_rows, "llrr")

    print("\nworkloads:")
    width = max(len(wl.name) for wl in workloads)
    for wl in workloads:
        print(f"  {wl.name:{width}}  {wl.description}")
    print(f"\ntotal benchmark time: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
