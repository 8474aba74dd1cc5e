"""Benchmark tangentlike's generated derivatives against hand-written NumPy and other AD tools.

Usage (from the repository root)::

    python benchmarks/run.py                    # full run, a few minutes on 2 cores
    python benchmarks/run.py --quick            # a minute or two; smoke test, noisy numbers
    python benchmarks/run.py --output table.md  # also write the Markdown report to a file
    python benchmarks/run.py --workload W2 --workload W4
    python benchmarks/run.py --workload 'W2.*' --workload depth --workload gensize
    python benchmarks/run.py --keep-going       # time the rest when some row fails its check
    python benchmarks/run.py --clock wall       # wall-clock times instead of CPU times
    python benchmarks/run.py --workload gpu     # W3 and W5 on CuPy arrays, where a GPU is

A script, not part of the test suite.  For every workload W1-W6 of issue 5 (and the extra
ones: X1; issue 18's S1, M1, D2-D16 and the spellings of W2 and W4, see
``benchmarks/workloads.py`` and ``benchmarks/spellings.py``) it runs, in this one process:
the function alone (``forward``), the hand-written NumPy derivative, tangentlike's, and
where installed autograd's ``grad``, ``jax.grad`` (not jitted), ``jax.jit(jax.grad)`` and
PyTorch eager (``torch.autograd.grad``).  The Hessian-vector-product workload (W6) times the
hand-written HVP (Pearlmutter's R-operator), ``tangentlike.hvp`` (forward over reverse), autograd's
``hessian_vector_product``, ``jax.jvp`` of ``jax.grad`` (eager and jitted) and torch's double
backward (``create_graph=True``).

Every derivative is first checked against the hand-written one; a mismatch or a failure exits
with status 1 before anything is timed (a failing tangentlike row is printed with its
generated source), unless ``--keep-going``.  Times are medians of repeated runs, the
implementations of a workload taking turns, until each cell has had its time budget (or a
number of runs); ratios are to the hand-written derivative.  By default a time is the CPU
time of the process (all threads), which other processes on a shared machine do not
inflate; ``--clock wall`` measures wall-clock time.  tangentlike's generation time
(``grad()`` or ``hvp()`` with a cold cache: ``clear_cache()`` and a fresh
``TANGENTLIKE_CACHE_DIR``; the median of a few, the workloads taking turns) is reported
separately, as is the peak memory of one derivative
call (``tracemalloc``: NumPy's and Python's allocations, so not for jax or torch).  BLAS,
torch and XLA are pinned to one thread.  The report is Markdown on stdout; progress goes to
stderr.

Issue 18's rows have tables of their own: the spellings (workload by spelling, the ratio to
the one hand-written gradient, a median over spellings; a spelling tangentlike refuses says
so rather than failing the run), the depth series (time per layer) and the generation-size
series (``benchmarks/gensize.py``: generated functions of growing size, one process per size,
a time cap that skips the larger sizes).  ``--workload`` takes a name, a glob or a set
(``issue5``, ``spellings``, ``new``, ``depth``, ``gensize``).

The GPU column (issue 20, ``benchmarks/gpu.py``): W3 and W5 at larger sizes with their
arguments as CuPy arrays, beside the same in NumPy on the CPU (wall-clock, synchronised), a
table of its own (``--workload gpu``) that the full run appends; without CuPy or a CUDA
device it is one line saying why it is skipped.
"""

from __future__ import annotations

import os

# Pin BLAS/OpenMP, torch and XLA to one thread before numpy, torch or jax is loaded.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
for _var in THREAD_VARS:
    os.environ[_var] = "1"
XLA_THREAD_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {XLA_THREAD_FLAGS}".strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import argparse  # noqa: E402
import atexit  # noqa: E402
import dataclasses  # noqa: E402
import datetime  # noqa: E402
import fnmatch  # noqa: E402
import functools  # noqa: E402
import gc  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
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

# tangentlike's on-disk cache goes to a throw-away directory (set before importing it); each
# cold generation below gets a fresh subdirectory of it.
CACHE_ENV = "TANGENTLIKE_CACHE_DIR"
CACHE_DIR = tempfile.mkdtemp(prefix="tangentlike-bench-")
os.environ[CACHE_ENV] = CACHE_DIR
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)

from spellings import BASE_SPELLING, SPELLINGS  # noqa: E402
from workloads import WORKLOADS, Workload  # noqa: E402

ALL_WORKLOADS: list[Workload] = [*WORKLOADS, *SPELLINGS]
# --workload accepts a row name, a glob ("W2.*") or one of these sets.
SUITES = ("issue5", "spellings", "new", "depth", "gensize")


def _try_import(name: str) -> tuple[Any, str | None]:
    """Import ``name``; return ``(module, None)`` or ``(None, reason)``."""
    try:
        return __import__(name, fromlist=["_"]), None
    except Exception as exc:  # noqa: BLE001 - any import failure means "skip"
        return None, f"{type(exc).__name__}: {exc}"


tangentlike, TANGENTLIKE_ERR = _try_import("tangentlike")
if tangentlike is not None and not hasattr(tangentlike, "grad"):
    tangentlike, TANGENTLIKE_ERR = None, "module has no attribute 'grad' (not finished yet?)"
TangentlikeError = getattr(_try_import("tangentlike.errors")[0], "TangentlikeError", None)
autograd, AUTOGRAD_ERR = _try_import("autograd")
anp = _try_import("autograd.numpy")[0] if autograd is not None else None
ag_sps = _try_import("autograd.scipy.special")[0] if autograd is not None else None
jax, JAX_ERR = _try_import("jax")
jnp = None
if jax is not None:
    jax.config.update("jax_enable_x64", True)  # compare in float64 like everything else
    jnp = _try_import("jax.numpy")[0]
    jax_sps = _try_import("jax.scipy.special")[0]
numba, NUMBA_ERR = _try_import("numba")  # tangentlike's backend="numba" (issue 18, item 6)
torch, TORCH_ERR = _try_import("torch")
if torch is not None:
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set, or parallel work already started
        pass

# jax, torch and the modules they load hold millions of objects: move them out of the garbage
# collector's view, so that collections (automatic ones, gc.collect() before each memory
# measurement) cost milliseconds rather than most of a second.
gc.collect()
gc.freeze()

RTOL = 1e-6
ATOL_FACTOR = 1e-9  # atol = ATOL_FACTOR * max|reference|, so tiny gradients are still checked

# The columns of the run-time table: (key, heading).  "hand" is the reference.
COLUMNS = (
    ("forward", "forward"),
    ("hand", "hand-written"),
    ("tangentlike", "tangentlike"),
    ("autograd", "autograd"),
    ("jax", "jax.grad"),
    ("jax_jit", "jax.jit(jax.grad)"),
    ("torch", "torch eager"),
)
HEADINGS = dict(COLUMNS)
PEERS = ("autograd", "jax", "jax_jit", "torch")
# Issue 18, item 6: tangentlike's backend="numba", timed beside jax.jit(jax.grad) on these rows
# (its own table, "Compiled backend"); compile times (CPU clock) by (workload, key).
COMPILED_ROWS = ("W1", "S1")
HEADINGS["numba"] = "tangentlike numba"
COMPILE_S: dict[tuple[str, str], float] = {}


def log(msg: str) -> None:
    """Progress, on stderr (stdout is the report)."""
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Implementations


@dataclass
class Impl:
    """A timed cell: ``call()`` runs once; ``grads(result)`` gives the gradient (or HVP) as a
    tuple of NumPy arrays (``None`` for the forward row, which is not a derivative).
    ``source``: the generated code, printed when the row fails its check; ``traced``: whether
    tracemalloc sees its memory (not jax's or torch's buffers)."""

    key: str
    call: Callable[[], Any]
    grads: Callable[[Any], tuple[np.ndarray, ...]] | None = None
    source: str | None = None
    traced: bool = True
    versions: dict | None = None  # tangentlike: the versions it wrote (floats, shapes)
    first_call_s: float | None = None  # tangentlike: the first call (writes the version
    second_call_s: float | None = None  # where shapes follow from the signature), the second
    refused: str | None = None  # tangentlike: the TangentlikeError of a refused spelling


def rebind_globals(fn: Callable[..., Any], **names: Any) -> Callable[..., Any]:
    """Return a copy of ``fn`` whose global names (e.g. ``np``, ``math``) are replaced."""
    new_globals = dict(fn.__globals__)
    new_globals.update(names)
    new = types.FunctionType(fn.__code__, new_globals, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


def _leaves(value: Any) -> list[np.ndarray]:
    """The arrays of a gradient in a fixed order: tuples and lists in order, dicts by
    sorted key (so that every tool's containers line up with the hand-written ones)."""
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [np.asarray(value)]


def _as_tuple(result: Any, n: int) -> tuple[np.ndarray, ...]:
    """Normalise a gradient result (one value when ``n == 1``, else a tuple) to its arrays,
    containers (a tuple, list or dict of parameters) flattened by :func:`_leaves`."""
    items = (result,) if n == 1 else tuple(result)
    if len(items) != n:
        raise ValueError(f"expected {n} gradient(s), got {len(items)}")
    return tuple(leaf for item in items for leaf in _leaves(item))


def _to_jax(value: Any) -> Any:
    """An argument for jax: arrays (also inside tuples, lists, dicts) as jax arrays; Python
    floats stay floats."""
    if isinstance(value, dict):
        return {key: _to_jax(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_jax(item) for item in value)
    return value if isinstance(value, float) else jnp.asarray(value)


def _wants(wl: Workload, peer: str) -> bool:
    """Whether ``wl`` runs the peer column ``peer`` (``jax`` covers both jax columns)."""
    return wl.peers is None or peer in wl.peers


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
) -> dict[str, Impl]:
    """The implementations of ``wl`` available here, by column key (``df``: tangentlike's
    gradient, or its HVP for an HVP workload, if generated); failures go to problems."""
    n = len(wl.wrt)
    to_np = lambda r: _as_tuple(r, n)
    hvp = wl.kind == "hvp"
    fn_args = args[:-1] if hvp else args  # an HVP workload's last argument is the direction
    impls = [
        Impl("forward", lambda: wl.fn(*fn_args)),
        Impl("hand", lambda: wl.handwritten(*args), to_np),
    ]

    if df is not None:
        impls.append(Impl("tangentlike", lambda: df(*args), to_np, getattr(df, "source", None),
                          versions=getattr(df, "versions", None)))

    if autograd is not None and _wants(wl, "autograd"):
        try:
            ag_fn = wl.autograd_fn or rebind_globals(wl.fn, np=anp, math=anp, sps=ag_sps)
            if hvp:
                ag = autograd.hessian_vector_product(ag_fn, wl.wrt[0])
            else:
                ag = autograd.grad(ag_fn, wl.wrt if n > 1 else wl.wrt[0])
            impls.append(Impl("autograd", lambda: ag(*args), to_np))
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{wl.name}/autograd: setup failed: {type(exc).__name__}: {exc}")

    if jax is not None and _wants(wl, "jax"):
        try:
            jx_fn = wl.jax_fn or rebind_globals(wl.fn, np=jnp, math=jnp, sps=jax_sps)
            if hvp:
                eager = _jax_hvp(jx_fn, wl.wrt[0])
            else:
                eager = jax.grad(jx_fn, argnums=wl.wrt if n > 1 else wl.wrt[0])
            jitted = jax.jit(eager)
            jargs = tuple(_to_jax(a) for a in args)
            impls.append(
                Impl("jax", lambda: jax.block_until_ready(eager(*jargs)), to_np, traced=False)
            )
            impls.append(
                Impl("jax_jit", lambda: jax.block_until_ready(jitted(*jargs)), to_np, traced=False)
            )
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{wl.name}/jax: setup failed: {type(exc).__name__}: {exc}")

    impls += compiled_impls(wl, args, problems)

    if torch is not None and wl.torch_fn is not None and _wants(wl, "torch"):
        try:
            impls.append(_torch_impl(wl, args))
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{wl.name}/torch: setup failed: {type(exc).__name__}: {exc}")
    return {impl.key: impl for impl in impls}


# ---------------------------------------------------------------------------------------------
# Issue 18, item 6: the compiled backend, beside jax.jit(jax.grad)


def compiled_impls(wl: Workload, args: tuple[Any, ...], problems: list[str]) -> list[Impl]:
    """``tangentlike.grad(f, backend="numba")`` for the rows of ``COMPILED_ROWS``, compiled
    here (its first call: numba's compilation, timed into ``COMPILE_S``, as the first call of
    a fresh ``jax.jit(jax.grad)`` is); checked and timed with the other cells, after it."""
    if wl.name not in COMPILED_ROWS or wl.kind != "grad" or tangentlike is None:
        return []
    out = []
    if numba is not None:
        try:
            dn = tangentlike.grad(wl.fn, wrt=wl.wrt, backend="numba")
            t0 = _timer()
            dn(*args)
            COMPILE_S[(wl.name, "numba")] = _timer() - t0
            out.append(Impl("numba", lambda: dn(*args), lambda r: _as_tuple(r, len(wl.wrt)),
                            traced=False))
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{wl.name}/numba: {type(exc).__name__}: {exc}")
    if jax is not None and _wants(wl, "jax"):
        jx_fn = wl.jax_fn or rebind_globals(wl.fn, np=jnp, math=jnp, sps=jax_sps)
        n = len(wl.wrt)
        fresh = jax.jit(jax.grad(jx_fn, argnums=wl.wrt if n > 1 else wl.wrt[0]))
        t0 = _timer()
        jax.block_until_ready(fresh(*(_to_jax(a) for a in args)))
        COMPILE_S[(wl.name, "jax_jit")] = _timer() - t0
    return out


def compiled_section(results: list[Result]) -> list[str]:
    """The table of the compiled backend: W1 and S1 with tangentlike's ``backend="numba"``
    beside ``jax.jit(jax.grad)`` (both after warm-up; compilation in columns of its own)."""
    rows = []
    for r in results:
        if r.wl.name not in COMPILED_ROWS:
            continue
        numba_t, jit_t = r.timings.get("numba"), r.timings.get("jax_jit")
        ratio = numba_t.median / jit_t.median if numba_t and jit_t else None
        rows.append([
            r.wl.name, r.wl.title, r.cell("hand"), r.cell("tangentlike"), r.cell("numba"),
            r.cell("jax_jit"), fmt_ratio(ratio),
            *(fmt_time(COMPILE_S[(r.wl.name, k)]) if (r.wl.name, k) in COMPILE_S else "-"
              for k in ("numba", "jax_jit")),
        ])
    if not rows:
        return []
    versions = f"numba {_version('numba', numba)}" if numba is not None else \
        f"numba: none ({NUMBA_ERR})"
    out = [
        "",
        "### Compiled backend (issue 18, item 6)",
        "",
        f"`tangentlike.grad(f, backend=\"numba\")` ({versions}): the version of the "
        "derivative for the arguments' types and shapes, compiled by numba; beside "
        "`jax.jit(jax.grad)`. Median time per call after warm-up (ratio to hand-written); "
        "*numba / jax.jit*: the time ratio (target: at most 1); compile: the first call "
        "(numba: writing the version and compiling it; jax: tracing and XLA), not in the "
        "medians. n/a: not installed.",
        "",
    ]
    headers = ["", "workload", "hand-written", "tangentlike", "tangentlike numba",
               "jax.jit(jax.grad)", "numba / jax.jit", "compile numba", "compile jax.jit"]
    return out + md_table(headers, rows, "ll" + "r" * (len(headers) - 2))


def _torch_impl(wl: Workload, args: tuple[Any, ...]) -> Impl:
    """PyTorch eager: ``torch.autograd.grad`` of the hand-written torch loss; for an HVP
    workload, double backward (the gradient with ``create_graph=True``, then its
    vector-Jacobian product with the direction, the Hessian being symmetric)."""
    hvp = wl.kind == "hvp"
    fn_args = args[:-1] if hvp else args
    targs = tuple(torch.tensor(a, dtype=torch.float64) for a in fn_args)
    inputs = [targs[i].requires_grad_(True) for i in wl.wrt]
    tfn = wl.torch_fn
    if hvp:
        direction = torch.tensor(args[-1], dtype=torch.float64)

        def call() -> tuple[Any, ...]:
            (g,) = torch.autograd.grad(tfn(*targs), inputs, create_graph=True)
            return torch.autograd.grad(g, inputs, grad_outputs=direction)

    else:

        def call() -> tuple[Any, ...]:
            return torch.autograd.grad(tfn(*targs), inputs)

    return Impl("torch", call, lambda r: tuple(t.detach().numpy() for t in r), traced=False)


# ---------------------------------------------------------------------------------------------
# Correctness


def check_impls(wl: Workload, impls: dict[str, Impl], problems: list[str]) -> set[str]:
    """Compare every derivative with the hand-written one; record mismatches in problems
    (followed by the row's generated source, if it has one); return the failed keys."""
    ref = impls["hand"].grads(impls["hand"].call())
    failed: set[str] = set()
    checked = 0
    for key, impl in impls.items():
        if key == "forward":
            impl.call()  # warm-up, and it must run
            continue
        if key == "hand":
            continue
        found = len(problems)
        # tangentlike: the generic derivative, the call that writes the version for these
        # shapes (timed), and that version: all three checked.
        try:
            for number in (1, 2, 3) if key == "tangentlike" else (1,):
                seconds = _check_one(wl, impl, ref, problems)
                if number == 1:  # (each the call alone, not the comparison)
                    impl.first_call_s = seconds
                elif number == 2:
                    impl.second_call_s = seconds
        except _Refused as exc:
            impl.refused = str(exc)
            log(f"  {wl.name}: tangentlike refuses this spelling: {exc}")
            continue
        checked += 1
        if len(problems) > found:
            failed.add(key)
            for text in [impl.source or "", *(v.source for v in (impl.versions or {}).values())]:
                if text:
                    source = textwrap.indent(text.rstrip(), "  | ", lambda line: True)
                    problems.append(f"{wl.name}/{key}: generated source:\n{source}")
    if checked > 1 and len(failed) == checked:
        problems.append(
            f"{wl.name}: every implementation disagrees with the hand-written "
            f"{'HVP' if wl.kind == 'hvp' else 'gradient'}; check it (workloads.py)"
        )
    return failed


class _Refused(Exception):
    """tangentlike refused the workload's spelling (a TangentlikeError): reported as such in
    the tables, not a failed check."""


def _refusal(exc: BaseException) -> str | None:
    """``exc``'s one-line description when it is tangentlike's refusal, else None."""
    if TangentlikeError is not None and isinstance(exc, TangentlikeError):
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def _check_one(wl: Workload, impl: Impl, ref: tuple[np.ndarray, ...],
               problems: list[str]) -> float | None:
    """Compare one derivative with the reference values ``ref`` (raises :class:`_Refused`
    when tangentlike refuses the call); the seconds the call took (None if it raised)."""
    label = f"{wl.name}/{HEADINGS[impl.key]}"
    try:
        t0 = _timer()
        result = impl.call()
        seconds = _timer() - t0
        got = impl.grads(result)
    except Exception as exc:  # noqa: BLE001
        if impl.key == "tangentlike" and (why := _refusal(exc)):
            raise _Refused(why) from exc
        problems.append(f"{label}: raised {type(exc).__name__}: {exc}")
        return None
    if len(got) != len(ref):
        problems.append(f"{label}: {len(got)} gradient arrays, want {len(ref)}")
        return seconds
    for idx, (g, r) in enumerate(zip(got, ref, strict=True)):
        where = f"{label}: {'HVP' if wl.kind == 'hvp' else 'gradient'} array {idx}"
        if g.shape != r.shape:
            problems.append(f"{where}: shape {g.shape}, want {r.shape}")
            continue
        atol = wl.atol_factor * float(np.max(np.abs(r))) if r.size else 0.0
        if not np.allclose(g, r, rtol=wl.rtol, atol=atol):
            err = np.abs(g - r)
            problems.append(
                f"{where}: mismatch (rtol={wl.rtol:g}, atol={atol:.2g}): "
                f"max abs err {np.max(err):.3g}, "
                f"max rel err {np.max(err / np.maximum(np.abs(r), 1e-300)):.3g}"
            )
    return seconds


# ---------------------------------------------------------------------------------------------
# Timing


@dataclass(frozen=True)
class Settings:
    """Each sample runs a call ``number`` times (calibrated to last about sample_s); a cell
    takes samples, in turns with the workload's other cells, until it has at least
    min_repeats of them and has run for budget_s, or has max_repeats."""

    name: str
    budget_s: float
    sample_s: float
    min_repeats: int
    max_repeats: int
    gen_repeats: int
    gen_sizes: tuple[tuple[str, tuple[int, ...]], ...] = ()  # generation-size series
    gen_cap_s: float = 60.0  # a size whose generation takes longer stops its series

    def describe(self) -> str:
        return (
            f"median of >= {self.min_repeats} samples (at most {self.max_repeats}) per cell, "
            f"sampling until each cell has run ~{self.budget_s:g} s; each sample repeats the "
            f"call to last >= {self.sample_s * 1e3:g} ms; cells of a workload take turns; "
            "gc off while timing"
        )


FULL = Settings(
    "full", budget_s=1.0, sample_s=0.02, min_repeats=7, max_repeats=200, gen_repeats=5,
    gen_sizes=(("straight", (50, 100, 200, 500, 1000)), ("ifexp", (25, 50, 100, 200))),
    gen_cap_s=60.0,
)
QUICK = Settings(
    "--quick", budget_s=0.08, sample_s=0.004, min_repeats=3, max_repeats=30, gen_repeats=1,
    gen_sizes=(("straight", (25, 50, 100)), ("ifexp", (5, 20))), gen_cap_s=10.0,
)


@dataclass
class Timing:
    """Median seconds per call, the per-call samples and the calls per sample."""

    median: float
    samples: list[float] = field(default_factory=list)
    number: int = 1


# What a sample (and a generation) measures: the CPU time of this process, all its threads (the
# default: time slices given to other processes on a busy, shared machine do not inflate it;
# the work is pinned to one thread), or wall-clock time.
CLOCKS = {
    "wall": (time.perf_counter, "wall-clock time (time.perf_counter)"),
    "cpu": (time.process_time, "CPU time of the process, all threads (time.process_time)"),
}
_timer = time.process_time


def _clock(call: Callable[[], Any], number: int) -> float:
    """Seconds for ``number`` calls of ``call``, with the garbage collector off (as timeit)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = _timer()
        for _ in range(number):
            call()
        return _timer() - t0
    finally:
        if gc_was_enabled:
            gc.enable()


def _calibrate(call: Callable[[], Any], sample_s: float) -> tuple[int, float | None]:
    """Calls per sample so that a sample lasts about ``sample_s`` (at least one call); and,
    when one call is that long already, its time, the first sample.  ``call`` has been
    warmed up (the check ran it)."""
    one = _clock(call, 1)
    if one >= sample_s:
        return 1, one
    one = min(one, _clock(call, 1))
    return max(1, round(sample_s / max(one, 1e-9))), None


def time_impls(impls: dict[str, Impl], settings: Settings) -> dict[str, Timing]:
    """Time the implementations in turns (so drift hits them alike); medians per call."""
    numbers: dict[str, int] = {}
    samples: dict[str, list[float]] = {key: [] for key in impls}
    spent = dict.fromkeys(impls, 0.0)
    for key, impl in impls.items():
        numbers[key], first = _calibrate(impl.call, settings.sample_s)
        if first is not None:
            samples[key].append(first)
            spent[key] += first
    active = list(impls)
    while active:
        for key in list(active):
            n = numbers[key]
            t = _clock(impls[key].call, n)
            samples[key].append(t / n)
            spent[key] += t
            k = len(samples[key])
            if k >= settings.max_repeats or (
                k >= settings.min_repeats and spent[key] >= settings.budget_s
            ):
                active.remove(key)
    return {key: Timing(statistics.median(s), s, numbers[key]) for key, s in samples.items()}


@dataclass
class GenTiming:
    """tangentlike generation times for one workload, in seconds, and the derivative."""

    first: float
    cold: list[float]
    cached: float
    source_lines: int
    df: Callable[..., Any]


def _generate(wl: Workload) -> Callable[..., Any]:
    """tangentlike's derivative of ``wl`` (``hvp()`` generates the gradient, then that
    gradient's forward-mode derivative)."""
    if wl.kind == "hvp":
        return tangentlike.hvp(wl.fn, wrt=wl.wrt[0])
    return tangentlike.grad(wl.fn, wrt=wl.wrt)


def _cold(gen: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds for ``gen()`` with tangentlike's caches cleared and a fresh, empty cache
    directory; and its result."""
    tangentlike.clear_cache()
    os.environ[CACHE_ENV] = tempfile.mkdtemp(dir=CACHE_DIR)
    t0 = _timer()
    result = gen()
    return _timer() - t0, result


def time_generation(wl: Workload) -> GenTiming:
    """Time tangentlike's generation of ``wl``'s derivative: the first time in this process
    (cache cold), and a cached call (``time_cold_generations`` adds the other cold ones)."""
    first, df = _cold(lambda: _generate(wl))
    cold = [first]
    _generate(wl)
    t0 = _timer()
    for _ in range(20):
        _generate(wl)
    cached = (_timer() - t0) / 20
    source = getattr(df, "source", "") or ""
    return GenTiming(first, cold, cached, len(source.splitlines()), df)


def time_cold_generations(results: list[Result], settings: Settings) -> None:
    """Generate every workload's derivative again, cache cold, gen_repeats - 1 times, the
    workloads taking turns (as in the run-time timing: a burst of load on a shared machine
    then hits one sample of each, not every sample of one)."""
    for _ in range(settings.gen_repeats - 1):
        for r in results:
            if r.gen is not None:
                r.gen.cold.append(_cold(functools.partial(_generate, r.wl))[0])


def _warmup_fn(x):
    return math.sin(x) * x + 1.0


def tangentlike_warmup() -> float:
    """Seconds for tangentlike's first generation in this process (a two-line function):
    one-time costs (lazy imports, template parsing) that no workload's row should carry."""
    return _cold(lambda: tangentlike.grad(_warmup_fn))[0]


@dataclass
class SizeRow:
    """One size of the generation-size series (``gensize.py``): generation seconds (None when
    not measured), lines of the generated gradient, and a note (stopped, skipped, failed)."""

    kind: str
    size: int
    seconds: float | None = None
    lines: int | None = None
    note: str = ""


SIZE_TITLES = {
    "straight": "straight-line statements",
    "ifexp": "conditional expressions (`a if c else b`)",
}


def gen_size_series(settings: Settings, clock: str, problems: list[str]) -> list[SizeRow]:
    """Generation time of ``grad()`` for generated functions of growing size, one fresh
    process per size (``gensize.py``: cold cache, after a warm-up generation).  A size over
    ``settings.gen_cap_s`` on the run's clock (the child stops it; as a backstop, the child
    is killed at 5x the cap in wall-clock time plus a minute) skips the larger sizes of its
    series, so the run finishes; a wrong gradient is a problem like any other."""
    rows: list[SizeRow] = []
    script = str(HERE / "gensize.py")
    for kind, sizes in settings.gen_sizes:
        over: str | None = None
        for size in sizes:
            row = SizeRow(kind, size)
            rows.append(row)
            if over:
                row.note = f"skipped: {over}"
                continue
            log(f"generation size: {kind} {size}")
            limit = 5 * settings.gen_cap_s + 60
            try:
                done = subprocess.run(
                    [sys.executable, script, kind, str(size), clock, str(settings.gen_cap_s)],
                    capture_output=True,
                    text=True, timeout=limit, env={**os.environ, CACHE_ENV: CACHE_DIR},
                )
            except subprocess.TimeoutExpired:
                row.note = f"stopped after {limit:.0f} s (wall clock)"
                over = f"size {size} over the {settings.gen_cap_s:g} s cap"
                continue
            try:
                out = json.loads(done.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
                why = _refusal_line(tail[0])
                row.note = why or "failed: " + tail[0]
                if not why:
                    problems.append(f"generation size {kind} {size}: {tail[0]}")
                over = f"size {size} {'refused' if why else 'failed'}"
                continue
            row.seconds, row.lines = out["seconds"], out["lines"]
            if row.seconds is None:
                row.note = f"stopped at the {settings.gen_cap_s:g} s cap"
                over = f"size {size} over the cap"
                continue
            if not out["ok"]:
                row.note = "FAILED its check"
                problems.append(f"generation size {kind} {size}: {out['error']}")
            if row.seconds > settings.gen_cap_s:
                over = f"size {size} over the {settings.gen_cap_s:g} s cap"
    return rows


def _refusal_line(line: str) -> str | None:
    """A child's last stderr line when it is a tangentlike refusal (an ``...Error:`` line
    naming a TangentlikeError subclass), else None."""
    name = line.split(":", 1)[0].rsplit(".", 1)[-1]
    errors = _try_import("tangentlike.errors")[0]
    cls = getattr(errors, name, None)
    if isinstance(cls, type) and TangentlikeError and issubclass(cls, TangentlikeError):
        return f"refused: {line}"
    return None


# ---------------------------------------------------------------------------------------------
# Memory


def peak_memory(call: Callable[[], Any]) -> int:
    """Peak bytes allocated during one ``call()`` beyond what was allocated before it, as
    tracemalloc sees them (Python objects and NumPy buffers); the result is included.
    ``call`` has been warmed up (lazy imports, caches) already.  The garbage collector is
    off during the call, so that freeing older garbage does not hide part of the peak."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.enable()
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


def fmt_ratio(r: float | None) -> str:
    """A ratio as ``1.23x``, ``12.3x`` or ``123x``; ``-`` for none."""
    if r is None or not math.isfinite(r):
        return "-"
    if r >= 100:
        return f"{r:.0f}x"
    return f"{r:.1f}x" if r >= 10 else f"{r:.2f}x"


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """A Markdown table; ``align`` holds one 'l' or 'r' per column."""
    marks = {"l": "---", "r": "---:"}
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _version(dist: str, module: Any = None) -> str:
    """Installed distribution version, else the module's ``__version__``."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return f"{getattr(module, '__version__', '?')} (not installed; from {ROOT.name}/)"


def _cpu_model() -> str:
    """The CPU model from /proc/cpuinfo (Linux), else platform.processor()."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _git_revision() -> str:
    """The repository's commit, and whether the working tree has changes (read-only)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT, capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT, capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "no git"
    return f"git {rev}{' + uncommitted changes' if dirty else ''}"


def header_lines(settings: Settings, argv: Sequence[str], clock: str) -> list[str]:
    """Machine, versions and settings, as a Markdown list."""
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        blas_desc = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001 - purely informative
        blas_desc = "unknown"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    tl = (
        f"tangentlike {_version('tangentlike', tangentlike)} ({_git_revision()})"
        if tangentlike is not None
        else f"tangentlike unavailable ({TANGENTLIKE_ERR})"
    )
    peers = [f"autograd {_version('autograd', autograd)}" if autograd else "autograd: none"]
    if jax is not None:
        peers.append(
            f"jax {_version('jax', jax)} (jaxlib {_version('jaxlib')}, "
            f"{jax.default_backend()}, float64)"
        )
    else:
        peers.append(f"jax: none ({JAX_ERR})")
    peers.append(f"torch {_version('torch', torch)}" if torch else f"torch: none ({TORCH_ERR})")
    command = " ".join(["python", "benchmarks/run.py", *argv])
    return [
        f"Taken {now} with `{command}` ({settings.name} run).",
        "",
        f"- Machine: {_cpu_model()}, {os.cpu_count()} cores ({usable} usable), "
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"- Python {platform.python_implementation()} {platform.python_version()}, "
        f"NumPy {np.__version__} (BLAS: {blas_desc})",
        f"- {tl}; {'; '.join(peers)}",
        f"- One thread: {', '.join(f'{v}=1' for v in THREAD_VARS)}, torch.set_num_threads(1), "
        f"XLA_FLAGS=`{XLA_THREAD_FLAGS}`",
        f"- Timing: {settings.describe()}; clock: {CLOCKS[clock][1]}",
        f"- Checked before timing: every derivative equals the hand-written one "
        f"(np.allclose, rtol={RTOL:g}, atol={ATOL_FACTOR:g} * max|hand-written|; float32 "
        "rows against a float32 hand-written one, rtol=2e-4, atol=1e-5 * max)",
    ]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="short run (a minute or two), noisy")
    names = [w.name for w in ALL_WORKLOADS]
    p.add_argument(
        "--workload",
        action="append",
        metavar="NAME",
        help="run only these rows (repeatable): a name, a glob such as 'W2.*', or a set: "
        f"{', '.join(SUITES)}; names: {', '.join(names)}; 'snapshots': the table of "
        "grad(f, snapshots=k) on a 10,000-step loop (benchmarks/snapshots.py); 'gpu': W3 and "
        "W5 at larger sizes on CuPy arrays (benchmarks/gpu.py; skipped, saying why, without "
        "CuPy or a CUDA device)",
    )
    p.add_argument("--output", metavar="FILE", help="also write the Markdown report to FILE")
    p.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="what a time measures: the process's CPU time, all threads (default; steady on "
        "a machine busy with other work) or wall-clock time",
    )
    p.add_argument(
        "--memory",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure peak memory (tracemalloc; default on)",
    )
    p.add_argument(
        "--keep-going",
        action="store_true",
        help="when a derivative fails its check, leave that cell out and time the rest "
        "(the exit status is still 1)",
    )
    return p.parse_args(argv)


@dataclass
class Result:
    """Everything measured for one workload."""

    wl: Workload
    impls: dict[str, Impl]
    failed: set[str]
    gen: GenTiming | None = None
    gen_error: str | None = None
    refused: str | None = None  # tangentlike's refusal (TangentlikeError) of this spelling
    timings: dict[str, Timing] = field(default_factory=dict)
    peaks: dict[str, int] = field(default_factory=dict)

    def ratio(self, num: str, den: str) -> float | None:
        """Median time of ``num`` over that of ``den``, when both were timed."""
        if num in self.timings and den in self.timings:
            return self.timings[num].median / self.timings[den].median
        return None

    def cell(self, key: str) -> str:
        """Run-time table cell: median and ratio to the hand-written derivative."""
        if key in self.failed or (key == "tangentlike" and self.gen_error):
            return "FAILED"
        if key == "tangentlike" and self.refused:
            return "refused"
        if key not in self.timings:
            return "n/a"
        t = fmt_time(self.timings[key].median)
        return f"**{t}**" if key == "hand" else f"{t} ({fmt_ratio(self.ratio(key, 'hand'))})"


def fmt_first_calls(r: Result) -> str:
    """The times of tangentlike's first and second calls (one of them writes the version
    by shape: the first where the shapes follow from the signature, else the second)."""
    impl = r.impls.get("tangentlike")
    times = [getattr(impl, f"{n}_call_s", None) for n in ("first", "second")]
    return " / ".join(fmt_time(t) if t is not None else "-" for t in times)


def gen_and_first_call(r: Result) -> float | None:
    """Seconds from ``grad()`` with a cold cache to the first call's result: the cold
    generation's median and the first call."""
    first = getattr(r.impls.get("tangentlike"), "first_call_s", None)
    return statistics.median(r.gen.cold) + first if r.gen and first is not None else None


SPELLING_TARGET, SPELLING_MEDIAN_TARGET = 1.25, 1.10  # issue 18 item 1


def spelling_section(results: list[Result]) -> list[str]:
    """Issue 18 item 1: each family (W2, W4) by spelling, tangentlike against the same
    hand-written gradient; a median line per family and over all spellings."""
    families: dict[str, list[tuple[str, Result]]] = {}
    for r in results:
        if r.wl.suite == "issue5" and r.wl.name in BASE_SPELLING:
            families.setdefault(r.wl.name, []).insert(0, (BASE_SPELLING[r.wl.name], r))
        elif r.wl.family:
            families.setdefault(r.wl.family, []).append((r.wl.spelling or r.wl.name, r))
    families = {k: v for k, v in families.items() if len(v) > 1 or v[0][1].wl.family}
    if not families:
        return []
    out = [
        "",
        "### Spellings (issue 18 item 1)",
        "",
        "The same function spelled differently, each checked against and timed next to the "
        "same hand-written gradient (W2's or W4's; for float32, that gradient in float32). "
        f"Targets: every spelling within {SPELLING_TARGET:g}x of the hand-written gradient, "
        f"the median over spellings at most {SPELLING_MEDIAN_TARGET:.2f}x.",
        "",
    ]
    headers = ["workload", "spelling", "hand-written", "tangentlike", "tangentlike / hand",
               f"within {SPELLING_TARGET:g}x", "autograd / tangentlike", "generation",
               "1st / 2nd call"]
    rows: list[list[str]] = []
    every: list[float | None] = []
    for family, members in sorted(families.items()):
        ratios = []
        for spelling, r in members:
            ratio = r.ratio("tangentlike", "hand")
            ratios.append(ratio)
            if r.refused:
                verdict = "refused"
            elif ratio is None:
                verdict = "FAILED" if ("tangentlike" in r.failed or r.gen_error) else "-"
            else:
                verdict = "yes" if ratio <= SPELLING_TARGET else "**no**"
            rows.append([
                family if spelling == members[0][0] else "", spelling, r.cell("hand"),
                r.cell("tangentlike").split(" (")[0], fmt_ratio(ratio), verdict,
                fmt_ratio(r.ratio("autograd", "tangentlike")),
                fmt_time(statistics.median(r.gen.cold)) if r.gen else "-",
                fmt_first_calls(r),
            ])
        every += ratios
        rows.append(["", f"*median over {family}'s spellings*", "", "",
                     f"*{fmt_ratio(_median(ratios))}*", "", "", "", ""])
    rows.append(["**all**", "**median over spellings**", "", "",
                 f"**{fmt_ratio(_median(every))}**", "", "", "", ""])
    out += md_table(headers, rows, "ll" + "r" * (len(headers) - 2))
    refusals = [f"- {r.wl.name}: {r.refused}" for _, members in sorted(families.items())
                for _, r in members if r.refused]
    if refusals:
        out += ["", "Refused by tangentlike (a TangentlikeError, not a wrong derivative):", "",
                *refusals]
    return out


def depth_section(results: list[Result]) -> list[str]:
    """Issue 18 item 2: the ``for W, b in params:`` MLP by depth; the time per layer shows
    whether the cost is linear in the depth."""
    depth = [r for r in results if r.wl.suite == "depth"]
    if not depth:
        return []
    out = [
        "",
        "### Depth (issue 18 item 2)",
        "",
        "`for W, b in params:` over a list of layers. *Per layer*: tangentlike's time over the "
        "depth (flat when the cost is linear in the depth). Target: linear, and within "
        "1.25x of the hand-written gradient at 16 layers.",
        "",
    ]
    headers = ["", "depth", "hand-written", "tangentlike", "autograd", "tangentlike / hand",
               "tangentlike / autograd", "tangentlike per layer", "hand per layer",
               "generation", "1st / 2nd call"]
    rows = []
    for r in depth:
        n = int(r.wl.name[1:])
        per = {k: fmt_time(r.timings[k].median / n) if k in r.timings else "-"
               for k in ("tangentlike", "hand")}
        rows.append([
            r.wl.name, str(n), r.cell("hand"), r.cell("tangentlike"), r.cell("autograd"),
            fmt_ratio(r.ratio("tangentlike", "hand")),
            fmt_ratio(r.ratio("tangentlike", "autograd")), per["tangentlike"], per["hand"],
            fmt_time(statistics.median(r.gen.cold)) if r.gen else "-", fmt_first_calls(r),
        ])
    out += md_table(headers, rows, "ll" + "r" * (len(headers) - 2))
    return out


def size_section(size_rows: Sequence[SizeRow], settings: Settings, clock: str) -> list[str]:
    """Issue 18 item 5: generation time against the size of the differentiated function."""
    if not size_rows:
        return []
    out = [
        "",
        "### Generation against program size (issue 18 item 5)",
        "",
        "`grad(f, wrt=(0, 1))` of generated functions of two floats (benchmarks/gensize.py), "
        "one fresh process per size, cache cold, after a warm-up generation; each gradient "
        f"checked. A size over {settings.gen_cap_s:g} s skips the larger sizes of its series. "
        f"Clock: {CLOCKS[clock][1]}. Targets: roughly linear; at most 1 s for 1,000 "
        "straight-line statements and for 200 conditional expressions.",
        "",
    ]
    headers = ["function", "size", "generation", "per statement", "generated lines", "note"]
    rows = []
    for row in size_rows:
        rows.append([
            SIZE_TITLES.get(row.kind, row.kind), str(row.size),
            fmt_time(row.seconds) if row.seconds is not None else "-",
            fmt_time(row.seconds / row.size) if row.seconds is not None else "-",
            str(row.lines) if row.lines is not None else "-", row.note,
        ])
    out += md_table(headers, rows, "lrrrrl")
    return out


def issue18_targets(results: list[Result], size_rows: Sequence[SizeRow],
                    mem_ratio: Callable[[Result], float | None]) -> list[str]:
    """Issue 18's targets, read off the tables (a row short of its target is reported)."""
    by_name = {r.wl.name: r for r in results}
    targets = []
    spell = [r.ratio("tangentlike", "hand") for r in results
             if r.wl.family or (r.wl.name in BASE_SPELLING and any(
                 x.wl.family == r.wl.name for x in results))]
    present = [x for x in spell if x is not None]
    if present:
        worst = max(present)
        targets.append(
            f"spellings: median {fmt_ratio(_median(present))} (target <= "
            f"{SPELLING_MEDIAN_TARGET:.2f}x), worst {fmt_ratio(worst)} (target <= "
            f"{SPELLING_TARGET:g}x); {sum(x <= SPELLING_TARGET for x in present)} of "
            f"{len(spell)} within"
        )
    if "D16" in by_name:
        d16 = by_name["D16"]
        line = f"depth: D16 tangentlike / hand {fmt_ratio(d16.ratio('tangentlike', 'hand'))}"
        if "D2" in by_name and "tangentlike" in d16.timings and "tangentlike" in (
                by_name["D2"].timings):
            growth = d16.timings["tangentlike"].median / by_name["D2"].timings[
                "tangentlike"].median
            line += f"; time D16 / D2 {fmt_ratio(growth)} (linear: 8x)"
        targets.append(line + " (target: linear, <= 1.25x)")
    gen = [f"{n} {fmt_time(statistics.median(by_name[n].gen.cold))}" for n in ("W2", "W4")
           if n in by_name and by_name[n].gen]
    if gen:
        targets.append("generation, cache cold (targets: W2 <= 20 ms, W4 <= 60 ms): "
                       + ", ".join(gen))
    both = [f"{n} {fmt_time(gen_and_first_call(by_name[n]))}" for n in ("W2", "W4")
            if n in by_name and gen_and_first_call(by_name[n]) is not None]
    if both:
        targets.append("generation and the first call, which writes the version, cache cold "
                       "(targets: W2 <= 20 ms, W4 <= 60 ms): " + ", ".join(both))
    calls = [f"{n} {fmt_first_calls(by_name[n])}" for n in ("W2", "W4", "W5") if n in by_name]
    if calls:
        targets.append("first / second call (target: the second < 10 ms): " + ", ".join(calls))
    if "W4" in by_name:
        w4 = by_name["W4"]
        targets.append(
            f"W4 tangentlike / hand {fmt_ratio(w4.ratio('tangentlike', 'hand'))} (target <= "
            f"0.9x), peak memory {fmt_ratio(mem_ratio(w4))} (target <= 1.2x)"
        )
    for kind, size in (("straight", 1000), ("ifexp", 200)):
        row = next((x for x in size_rows if x.kind == kind and x.size == size), None)
        if row is not None:
            got = fmt_time(row.seconds) if row.seconds is not None else row.note
            targets.append(f"generation of {size} {SIZE_TITLES[kind]}: {got} (target <= 1 s)")
    return targets


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def report(results: list[Result], settings: Settings, argv: Sequence[str], clock: str,
           warmup: float | None, memory: bool, elapsed: float,
           size_rows: Sequence[SizeRow] = ()) -> list[str]:
    """The Markdown report."""
    out = ["## Benchmark results", "", *header_lines(settings, argv, clock), ""]
    if any(r.failed or r.gen_error for r in results):
        out += [
            "**Some derivatives failed their check (`--keep-going`): their cells say FAILED; "
            "the messages went to stderr.**",
            "",
        ]

    out += [
        "### Run time",
        "",
        "Median time per call; in parentheses the ratio to the hand-written derivative "
        "(bold). W6: the HVP (see notes).",
        "",
    ]
    rows = [
        [r.wl.name, r.wl.title, *(r.cell(key) for key, _ in COLUMNS)]
        for r in results if r.wl.suite != "spellings"
    ]
    out += md_table(["", "workload", *(h for _, h in COLUMNS)], rows, "ll" + "r" * len(COLUMNS))

    # Targets: tangentlike against hand-written code and its peers; generation; memory.
    out += [
        "",
        "### tangentlike: ratios, generation, memory",
        "",
        "*tangentlike / hand*: time ratio (lower is better). *Speedup vs X*: X's time / "
        "tangentlike's (above 1: tangentlike is faster). *Generation*: a first `grad()` "
        "(`hvp()` for W6) call, cache cold: the median of the cold generations below. "
        "*Peak memory*: tracemalloc peak of one derivative call.",
        "",
    ]
    headers = [
        "", "workload", "tangentlike / hand", "speedup vs autograd", "vs jax.grad",
        "vs jax.jit(jax.grad)", "vs torch eager", "generation", "1st / 2nd call", "peak mem hand",
        "peak mem tangentlike", "mem tangentlike / hand",
    ]
    rows = []
    main = [r for r in results if not r.wl.extra]
    extra = [r for r in results if r.wl.extra and r.wl.suite != "spellings"]

    def speedups(r: Result) -> list[float | None]:
        return [r.ratio(peer, "tangentlike") for peer in PEERS]

    def mem_ratio(r: Result) -> float | None:
        hand, tl = r.peaks.get("hand"), r.peaks.get("tangentlike")
        return tl / hand if hand and tl is not None else None

    def row(r: Result) -> list[str]:
        peaks = [fmt_bytes(r.peaks[k]) if k in r.peaks else "-" for k in ("hand", "tangentlike")]
        gen = fmt_time(statistics.median(r.gen.cold)) if r.gen else (
            "FAILED" if r.gen_error else "refused" if r.refused else "-")
        return [
            r.wl.name, r.wl.title, fmt_ratio(r.ratio("tangentlike", "hand")),
            *(fmt_ratio(s) for s in speedups(r)), gen, fmt_first_calls(r), *peaks,
            fmt_ratio(mem_ratio(r)),
        ]

    rows = [row(r) for r in main]
    if len(main) > 1:
        names = [r.wl.name for r in main]
        span = f"{names[0]}-{names[-1]}" if len(names) == len(set(names)) else "all"
        med_speedups = [_median([speedups(r)[i] for r in main]) for i in range(len(PEERS))]
        gens = [statistics.median(r.gen.cold) for r in main if r.gen]
        rows.append([
            f"**median {span}**", "",
            f"**{fmt_ratio(_median([r.ratio('tangentlike', 'hand') for r in main]))}**",
            *(fmt_ratio(s) for s in med_speedups),
            fmt_time(statistics.median(gens)) if gens else "-", "", "", "",
            fmt_ratio(_median([mem_ratio(r) for r in main])),
        ])
    rows += [row(r) for r in extra]
    out += md_table(headers, rows, "ll" + "r" * (len(headers) - 2))

    # Targets of issue 5, read off the table above.
    by_name = {r.wl.name: r for r in results}
    targets = []
    if main:
        med = _median([r.ratio("tangentlike", "hand") for r in main])
        targets.append(f"tangentlike / hand-written, median over W1-W6: {fmt_ratio(med)}")
    ag = [
        f"{n} {fmt_ratio(by_name[n].ratio('autograd', 'tangentlike'))}"
        for n in ("W1", "W2", "W4") if n in by_name
    ]
    if ag:
        targets.append("speedup vs autograd on W1, W2, W4 (target >= 3x): " + ", ".join(ag))
    jx = [f"{r.wl.name} {fmt_ratio(r.ratio('jax', 'tangentlike'))}" for r in main]
    if jx and jax is not None:
        targets.append("speedup vs un-jitted jax.grad: " + ", ".join(jx))
    gen = [f"{n} {fmt_time(statistics.median(by_name[n].gen.cold))}" for n in ("W2", "W4")
           if n in by_name and by_name[n].gen]
    if gen:
        targets.append("generation (first call, cache cold; median): " + ", ".join(gen))
    if "W4" in by_name and mem_ratio(by_name["W4"]) is not None:
        targets.append(
            f"peak memory tangentlike / hand-written, W4: {fmt_ratio(mem_ratio(by_name['W4']))}"
        )
    if targets:
        out += ["", "Issue 5 targets:", ""] + [f"- {t}" for t in targets]

    out += spelling_section(results)
    out += depth_section(results)
    out += size_section(size_rows, settings, clock)
    out += compiled_section(results)
    targets = issue18_targets(results, size_rows, mem_ratio)
    if targets:
        out += ["", "### Issue 18 targets", ""] + [f"- {t}" for t in targets]

    # Generation and memory details.
    out += ["", "### Generation and memory details", ""]
    if warmup is not None:
        out += [
            f"tangentlike's first generation in the process (a two-line function) took "
            f"{fmt_time(warmup)}, before the workloads (one-time costs, in no row below; "
            f"times on the clock of the run-time table). "
            f"*First*: the first generation of the workload's derivative in the process; "
            f"*cold*: median of {settings.gen_repeats} generation(s), the first and more, each "
            "after `clear_cache()` with a fresh `TANGENTLIKE_CACHE_DIR`, the workloads taking "
            "turns after the checks; *cached*: a `grad()` call "
            "that finds the derivative already generated; *1st / 2nd call*: the derivative's "
            "first and second calls with the benchmark's arguments (each the call alone, not "
            "the check of its values); the first writes the version for those shapes where "
            "they follow from the signature, else the second does, after an instrumented "
            "run (docs/supported.md, \"Versions by shape\"); later "
            "calls, the ones timed, run that version. Peak memory (tracemalloc: NumPy and "
            "Python allocations; jax's and torch's buffers are not seen) of one call, result "
            "included.",
            "",
        ]
    headers = ["", "workload", "generation first", "cold median", "cached",
               "1st / 2nd call", "generated lines"]
    if memory:
        headers += ["peak forward", "peak hand", "peak tangentlike", "peak autograd"]
    rows = []
    for r in results:
        g = r.gen
        cells = [
            r.wl.name, r.wl.title,
            fmt_time(g.first) if g else "-",
            fmt_time(statistics.median(g.cold)) if g else "-",
            fmt_time(g.cached) if g else "-",
            fmt_first_calls(r),
            str(g.source_lines) if g else "-",
        ]
        if memory:
            cells += [
                fmt_bytes(r.peaks[k]) if k in r.peaks else "-"
                for k in ("forward", "hand", "tangentlike", "autograd")
            ]
        rows.append(cells)
    out += md_table(headers, rows, "ll" + "r" * (len(headers) - 2))

    out += [
        "",
        "Notes:",
        "",
        "- W6 (HVP wrt W1 along a fixed V): *forward* is the loss alone; *hand-written* is "
        "Pearlmutter's R-operator applied by hand to the hand-written gradient; tangentlike "
        "is `tangentlike.hvp` (forward mode over the generated gradient); autograd is "
        "`hessian_vector_product` (reverse over reverse); jax is `jax.jvp` of `jax.grad` "
        "(forward over reverse), eager and jitted; torch is double backward "
        "(`torch.autograd.grad(..., create_graph=True)`, then a second `grad` with the "
        "direction as `grad_outputs`).",
        "- jax.grad is not jitted: every primitive is dispatched one by one; "
        "jax.jit(jax.grad) is compiled once, before timing. torch eager: "
        "`torch.autograd.grad` of a hand-written torch version of the loss (W1: a 0-d tensor "
        "in a Python loop).",
        "- X1, S1, M1 and D2-D16 are extra workloads, left out of the W1-W6 medians; the "
        "spelling rows (W2.*, W4.*) are in their own table.",
        "",
        "Workloads:",
        "",
    ]
    out += [f"- {r.wl.name} ({r.wl.title}): {r.wl.description}" for r in results]
    out += ["", f"Total benchmark time: {elapsed:.0f} s."]
    return out


def _snapshots_table(quick: bool) -> list[str]:
    import snapshots  # noqa: PLC0415  (benchmarks/snapshots.py: loops under a budget)
    return snapshots.table(snapshots.measure(1 if quick else 3))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; return the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    opts = parse_args(argv)
    settings = QUICK if opts.quick else FULL
    for name, table in (("snapshots", _snapshots_table), ("gpu", gpu_section)):
        if opts.workload and name in opts.workload:  # a table of its own
            lines = table(opts.quick)
            print("\n".join(lines))
            if opts.output:
                Path(opts.output).write_text("\n".join(lines) + "\n")
            opts.workload = [w for w in opts.workload if w != name]
            if not opts.workload:
                return 0
    try:
        workloads, sizes = select(opts.workload)
    except ValueError as exc:
        log(str(exc))
        return 2
    if not sizes:
        settings = dataclasses.replace(settings, gen_sizes=())
    return _run(opts, argv, settings, workloads, time.perf_counter())


def gpu_section(quick: bool) -> list[str]:
    """The GPU column (benchmarks/gpu.py): W3 and W5 at larger sizes on CuPy arrays where
    CuPy finds a CUDA device, else a line saying why it is skipped."""
    if tangentlike is None:
        return ["", "### GPU column (issue 20)", "",
                f"GPU column skipped: cannot use tangentlike ({TANGENTLIKE_ERR})."]
    import gpu  # noqa: PLC0415  (imports tangentlike; CuPy only where installed)

    log("GPU column (benchmarks/gpu.py)")
    return gpu.section(quick)


def select(patterns: Sequence[str] | None) -> tuple[list[Workload], bool]:
    """The rows ``--workload`` selects (all without it), and whether the generation-size
    series is selected; a pattern that selects nothing is an error."""
    if not patterns:
        return list(ALL_WORKLOADS), True
    chosen: set[str] = set()
    sizes = False
    for pattern in patterns:
        if pattern == "gensize":
            sizes = True
            continue
        found = {w.name for w in ALL_WORKLOADS
                 if w.suite == pattern or fnmatch.fnmatchcase(w.name, pattern)}
        if not found:
            raise ValueError(f"--workload {pattern}: no such row or set (sets: {SUITES})")
        chosen |= found
    return [w for w in ALL_WORKLOADS if w.name in chosen], sizes


def _run(opts: argparse.Namespace, argv: list[str], settings: Settings,
         workloads: list[Workload], start: float) -> int:
    global _timer
    _timer = CLOCKS[opts.clock][0]
    if tangentlike is None:
        log(f"!! tangentlike rows skipped: cannot use tangentlike ({TANGENTLIKE_ERR})")
    for name, mod, err in (("autograd", autograd, AUTOGRAD_ERR), ("jax", jax, JAX_ERR),
                           ("torch", torch, TORCH_ERR)):
        if mod is None:
            log(f"!! {name} rows skipped: {err}")

    # 1. Generate tangentlike's derivatives (timing generation), build every implementation
    #    and check every derivative, all before timing any run.
    warmup = tangentlike_warmup() if tangentlike is not None else None
    problems: list[str] = []
    results: list[Result] = []
    for wl in workloads:
        log(f"{wl.name}: generating and checking ({time.perf_counter() - start:.0f} s)")
        args = wl.make_args()
        gen = gen_error = refused = None
        if tangentlike is not None:
            try:
                gen = time_generation(wl)
            except Exception as exc:  # noqa: BLE001
                if refused := _refusal(exc):
                    log(f"  {wl.name}: tangentlike refuses this spelling: {refused}")
                else:
                    gen_error = f"{type(exc).__name__}: {exc}"
                    problems.append(f"{wl.name}/tangentlike: {wl.kind}() failed: {gen_error}")
        impls = build_impls(wl, args, gen.df if gen else None, problems)
        failed = check_impls(wl, impls, problems)
        tl = impls.get("tangentlike")
        if tl is not None and tl.refused:
            refused = tl.refused
            del impls["tangentlike"]
        results.append(Result(wl, impls, failed, gen, gen_error, refused=refused))
    if tangentlike is not None:
        log(f"generating again, cache cold ({time.perf_counter() - start:.0f} s)")
        time_cold_generations(results, settings)
    size_rows = gen_size_series(settings, opts.clock, problems) if tangentlike else []
    if problems:
        log("DERIVATIVE CHECK FAILED:")
        for msg in problems:
            first, *rest = msg.splitlines()
            log(f"  - {first}")
            for line in rest:
                log(f"    {line}".rstrip())
        if not opts.keep_going:
            return 1
        log("--keep-going: timing the rest")
    gc.collect()
    gc.freeze()  # and what generation, jit compilation and the checks left (see the top)

    # 2. Run time, and 3. peak memory.
    for r in results:
        log(f"{r.wl.name}: timing ({time.perf_counter() - start:.0f} s)")
        timed = {k: v for k, v in r.impls.items() if k not in r.failed}
        r.timings = time_impls(timed, settings)
        if opts.memory:
            for key in ("forward", "hand", "tangentlike", "autograd"):
                if key in timed and timed[key].traced:
                    r.peaks[key] = peak_memory(timed[key].call)

    log(f"done ({time.perf_counter() - start:.0f} s, {time.process_time():.0f} s CPU)")
    lines = report(
        results, settings, argv, opts.clock, warmup, opts.memory, time.perf_counter() - start,
        size_rows,
    )
    if not opts.workload:  # the full run: the GPU column too (skipped without a device)
        lines += gpu_section(opts.quick)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if opts.output:
        Path(opts.output).write_text(text, encoding="utf-8")
        log(f"wrote {opts.output}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
