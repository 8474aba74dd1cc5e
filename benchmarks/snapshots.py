"""Loops under a memory budget: ``grad(f, snapshots=k)`` on a 10,000-step loop (explicit
Euler on a 1,000-float reaction-diffusion state), for k in (10, 20, 50) and without
snapshots= (the unrestricted tape): peak memory (tracemalloc, in states of 1,000 floats beyond
the inputs) and run time (CPU clock, the best of a few, the variants taking turns).

Run by ``python benchmarks/run.py --workload snapshots`` (its own table), or alone:
``python benchmarks/snapshots.py``."""
from __future__ import annotations

import time
import tracemalloc

import numpy as np

import tangentlike as tl

STEPS = 10_000
SIZE = 1_000
BUDGETS = (10, 20, 50, None)


def reaction_diffusion(u, rate, n):
    """Explicit Euler: u' = D (u[i-1] - 2 u[i] + u[i+1]) + rate u (1 - u)."""
    dt = 0.001
    for _ in range(n):
        lap = np.roll(u, 1) - 2.0 * u + np.roll(u, -1)
        u = u + dt * (10.0 * lap + rate * u * (1.0 - u))
    return np.sum(u * u)


def _inputs() -> tuple[np.ndarray, float, int]:
    u = 0.5 + 0.1 * np.sin(np.linspace(0.0, 2.0 * np.pi, SIZE))
    return u, 1.5, STEPS


def _peak(df, args) -> int:
    tracemalloc.start()
    try:
        df(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(repeats: int = 3) -> list[dict]:
    """One row per budget: k, peak memory (bytes and states), best CPU seconds, and the
    gradient's largest difference from the unrestricted one."""
    args = _inputs()
    dfs = {k: tl.grad(reaction_diffusion, snapshots=k) for k in BUDGETS}
    grads = {k: df(*args) for k, df in dfs.items()}  # generated, versions written
    grads = {k: df(*args) for k, df in dfs.items()}
    best = {k: float("inf") for k in BUDGETS}
    for _ in range(repeats):  # the budgets take turns
        for k, df in dfs.items():
            start = time.process_time()
            df(*args)
            best[k] = min(best[k], time.process_time() - start)
    start = time.process_time()
    reaction_diffusion(*args)
    plain_value = time.process_time() - start
    rows = []
    for k in BUDGETS:
        peak = _peak(dfs[k], args)
        rows.append({"k": k, "peak": peak, "states": peak / args[0].nbytes,
                     "seconds": best[k], "ratio": best[k] / best[None],
                     "error": float(np.max(np.abs(grads[k] - grads[None]))),
                     "function": plain_value})
    return rows


def table(rows: list[dict]) -> list[str]:
    """The rows as Markdown."""
    out = [f"Loops under a memory budget: grad of {STEPS:,} explicit Euler steps on "
           f"{SIZE:,} floats (benchmarks/snapshots.py); a state is {SIZE * 8:,} bytes; "
           f"the function alone: {rows[0]['function']:.2f} s CPU.", "",
           "| snapshots | peak memory | in states | CPU time | vs unrestricted | max diff |",
           "|---|--:|--:|--:|--:|--:|"]
    for r in rows:
        name = "unlimited (no snapshots=)" if r["k"] is None else str(r["k"])
        out.append(f"| {name} | {r['peak'] / 1e6:.2f} MB | {r['states']:.1f} | "
                   f"{r['seconds']:.2f} s | {r['ratio']:.2f}x | {r['error']:.1e} |")
    return out


if __name__ == "__main__":
    print("\n".join(table(measure())))
