"""The second call of a derivative, the one that writes the version for its arguments'
shapes (issue 18, item 4), timed alone: ``python benchmarks/second_call.py [REPEATS]
[--workload NAME ...]`` (from a repository root, whose ``tangentlike`` is imported; default
W2, W4 and W5, 9 repeats) generates each workload's gradient with a cold cache, calls it
once, and times the second call (wall clock, as ``run.py`` does); it prints the median and
the minimum of the repeats.  The call includes running the version (W5's: on a million
numbers, a few milliseconds).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

import workloads  # noqa: E402

import tangentlike  # noqa: E402


def second_calls(name: str, repeats: int) -> list[float]:
    """Seconds of the second call of ``name``'s gradient, one per fresh generation."""
    workload = {w.name: w for w in workloads.WORKLOADS}[name]
    times = []
    for _ in range(repeats + 1):  # (the first is a warm-up)
        tangentlike.clear_cache()
        os.environ["TANGENTLIKE_CACHE_DIR"] = tempfile.mkdtemp(prefix="tangentlike-second-")
        df = tangentlike.grad(workload.fn, wrt=workload.wrt, verbose=0)
        args = workload.make_args()
        df(*args)
        start = time.perf_counter()
        df(*args)
        times.append(time.perf_counter() - start)
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repeats", type=int, nargs="?", default=9)
    parser.add_argument("--workload", action="append", help="W2, W4, W5 by default")
    args = parser.parse_args()
    print(f"second call ({tangentlike.__file__}), median and min of {args.repeats}:")
    for name in args.workload or ["W2", "W4", "W5"]:
        times = second_calls(name, args.repeats)
        print(f"  {name}: {statistics.median(times) * 1e3:.1f} ms, "
              f"min {min(times) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
