"""The GPU column (issue 20, item 3): W3 (the large MLP) and W5 (logsumexp) at larger sizes,
their arguments on the GPU as CuPy arrays, beside the same rows in NumPy on the CPU.

tangentlike's gradient runs the same generated source on CuPy arrays (docs/guide.md, "Dask
and CuPy arrays"); the hand-written gradients of ``benchmarks/workloads.py`` run on them
unchanged too (NumPy's functions dispatch to CuPy's).  Every GPU gradient is first checked
against the hand-written one on the CPU.  Times are wall-clock (the GPU's work is not the
process's CPU time), each call followed by a device synchronisation; the median of repeated
runs, the cells taking turns.  Where CuPy or a CUDA device is absent the table is one line
saying so and why.

Run by ``python benchmarks/run.py --workload gpu`` (its own table; the full run appends it),
or alone: ``python benchmarks/gpu.py [--quick]``.
"""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from workloads import (
    BIG_HIDDEN,
    BIG_IN,
    BIG_OUT,
    logsumexp,
    logsumexp_grad,
    make_mlp_args,
    mlp_loss,
    mlp_loss_grad,
)

import tangentlike

W3_BATCH = 16_384  # W3: 1,024
W5_SIZE = 10**7  # W5: 10**6
RTOL = 1e-6
CELLS = ("hand_cpu", "tangentlike_cpu", "hand_gpu", "tangentlike_gpu")


@dataclass(frozen=True)
class Device:
    """Where the GPU cells run: ``to_device`` / ``to_host`` move an array, ``synchronize``
    waits for the queued work; ``array_type``: the device's arrays; ``name``: for the table."""

    name: str
    array_type: type
    to_device: Callable[[np.ndarray], Any]
    to_host: Callable[[Any], np.ndarray]
    synchronize: Callable[[], None]


def cupy_device() -> Device | str:
    """The first CUDA device through CuPy, or why there is none here."""
    try:
        import cupy
    except ImportError as error:
        return f"CuPy is not installed ({error}; pip install 'tangentlike[cuda]')"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except cupy.cuda.runtime.CUDARuntimeError as error:
        return f"CuPy finds no CUDA device ({error})"
    if count == 0:
        return "CuPy finds no CUDA device"
    properties = cupy.cuda.runtime.getDeviceProperties(0)
    name = properties["name"]
    name = name.decode() if isinstance(name, bytes) else str(name)
    return Device(f"{name}, CuPy {cupy.__version__}", cupy.ndarray, cupy.asarray,
                  cupy.asnumpy, cupy.cuda.Device().synchronize)


@dataclass(frozen=True)
class GpuRow:
    """A workload of the table: its function, hand-written gradient, ``wrt`` and arguments
    (NumPy, built by ``make_args(scale)``: ``scale`` shrinks the sizes, for tests)."""

    name: str
    title: str
    fn: Callable[..., Any]
    handwritten: Callable[..., Any]
    wrt: tuple[int, ...]
    make_args: Callable[[float], tuple[np.ndarray, ...]]


def _w3_args(scale: float) -> tuple[np.ndarray, ...]:
    return make_mlp_args(max(int(W3_BATCH * scale), 8), BIG_IN, BIG_HIDDEN, BIG_OUT, seed=4)


def _w5_args(scale: float) -> tuple[np.ndarray, ...]:
    return (np.random.default_rng(1).standard_normal(max(int(W5_SIZE * scale), 8)),)


ROWS = (
    GpuRow("W3", f"large MLP, batch {W3_BATCH:,}, {BIG_IN}-{BIG_HIDDEN}-{BIG_OUT}", mlp_loss,
           mlp_loss_grad, (0, 1, 2, 3), _w3_args),
    GpuRow("W5", f"logsumexp {W5_SIZE:.0e}", logsumexp, logsumexp_grad, (0,), _w5_args),
)


def _leaves(result: Any, device: Device | None) -> list[np.ndarray]:
    parts = result if isinstance(result, tuple) else (result,)
    if device is None:
        return [np.asarray(part) for part in parts]
    for part in parts:
        if not isinstance(part, device.array_type):
            raise TypeError(f"a gradient on the GPU came back as {type(part).__name__}")
    return [device.to_host(part) for part in parts]


def _median_seconds(calls: dict[str, Callable[[], Any]], sync: Callable[[], None],
                    repeats: int) -> dict[str, float]:
    """Wall-clock seconds per call (synchronised), the median of ``repeats`` runs of each,
    the cells taking turns, after two warm-up calls each (a derivative's second call writes
    its version for the arguments' shapes)."""
    times: dict[str, list[float]] = {key: [] for key in calls}
    for call in calls.values():
        call()
        call()
    sync()
    for _ in range(repeats):
        for key, call in calls.items():
            start = time.perf_counter()
            call()
            sync()
            times[key].append(time.perf_counter() - start)
    return {key: statistics.median(values) for key, values in times.items()}


def measure(device: Device, quick: bool = False, scale: float = 1.0,
            rows: tuple[GpuRow, ...] = ROWS) -> list[dict]:
    """One dict per row of ``rows``: the median seconds of each cell of ``CELLS`` and the
    largest relative difference of tangentlike's GPU gradient from the hand-written one;
    raises AssertionError where a GPU gradient disagrees.  ``scale`` shrinks the sizes (for
    the tests; the titles still give the table's)."""
    out = []
    for row in rows:
        args = row.make_args(scale)
        on_device = tuple(device.to_device(a) for a in args)
        dfn = tangentlike.grad(row.fn, wrt=row.wrt)
        reference = _leaves(row.handwritten(*args), None)
        errors = []
        for key, result in (("hand_gpu", row.handwritten(*on_device)),
                            ("tangentlike_gpu", dfn(*on_device)),
                            ("tangentlike_gpu", dfn(*on_device))):  # the first calls differ
            for got, want in zip(_leaves(result, device), reference, strict=True):
                error = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
                assert error <= RTOL, f"{row.name} {key}: relative difference {error:.1e}"
                errors.append(error)
        calls = {
            "hand_cpu": lambda row=row, args=args: row.handwritten(*args),
            "tangentlike_cpu": lambda dfn=dfn, args=args: dfn(*args),
            "hand_gpu": lambda row=row, on_device=on_device: row.handwritten(*on_device),
            "tangentlike_gpu": lambda dfn=dfn, on_device=on_device: dfn(*on_device),
        }
        seconds = _median_seconds(calls, device.synchronize, 3 if quick else 15)
        out.append({"name": row.name, "title": row.title, "error": max(errors), **seconds})
    return out


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: list[dict] | str, device_name: str = "") -> list[str]:
    """The Markdown section: the rows, or the line saying why there are none (``rows`` is
    then the reason)."""
    out = ["", "### GPU column (issue 20)", ""]
    if isinstance(rows, str):
        return out + [f"GPU column skipped: {rows}."]
    out += [
        f"W3 and W5 at larger sizes, on {device_name} (CuPy arrays) and in NumPy on the CPU "
        "(benchmarks/gpu.py): wall-clock median per call, each call synchronised; "
        "*tangentlike / hand*: on the GPU; *GPU speedup*: tangentlike on the CPU / on the GPU; "
        "*max diff*: tangentlike's GPU gradient against the hand-written one (relative).",
        "",
        "| | workload | hand CPU | tangentlike CPU | hand GPU | tangentlike GPU "
        "| tangentlike / hand (GPU) | GPU speedup | max diff |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        out.append(
            f"| {r['name']} | {r['title']} | {_ms(r['hand_cpu'])} | {_ms(r['tangentlike_cpu'])} "
            f"| {_ms(r['hand_gpu'])} | {_ms(r['tangentlike_gpu'])} "
            f"| {r['tangentlike_gpu'] / r['hand_gpu']:.2f}x "
            f"| {r['tangentlike_cpu'] / r['tangentlike_gpu']:.1f}x | {r['error']:.1e} |")
    return out


def section(quick: bool = False) -> list[str]:
    """The GPU column's section: measured where CuPy finds a device, else why not."""
    device = cupy_device()
    if isinstance(device, str):
        return table(device)
    return table(measure(device, quick), device.name)


if __name__ == "__main__":
    import sys

    print("\n".join(section(quick="--quick" in sys.argv[1:])))
