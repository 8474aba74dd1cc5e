"""The first calls of a derivative, one of which writes the version for its arguments'
shapes (issue 18, item 4), each timed alone: ``python benchmarks/second_call.py [REPEATS]
[--workload NAME ...] [--when second]`` (from a repository root, whose ``tangentlike`` is
imported; default W2, W4 and W5, 9 repeats) generates each workload's gradient with a cold
cache and times ``grad()``, the first call and the second (wall clock, as ``run.py`` does);
it prints the medians and the minimum of the repeats.  By default the first call writes the
version where its shapes follow from the signature (W2, W4 and W5 do), else the second does;
``--when second`` (``TANGENTLIKE_SPECIALIZE=second``) makes the second call write it, as
before the thirteenth round.  A call includes running the version (W5's: on a million
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

STEPS = ("grad()", "first call", "second call")


def first_calls(name: str, repeats: int) -> list[tuple[float, float, float]]:
    """Seconds of ``grad()`` and of the first and second calls of ``name``'s gradient, one
    triple per fresh generation."""
    workload = {w.name: w for w in workloads.WORKLOADS}[name]
    times = []
    for _ in range(repeats + 1):  # (the first is a warm-up)
        tangentlike.clear_cache()
        os.environ["TANGENTLIKE_CACHE_DIR"] = tempfile.mkdtemp(prefix="tangentlike-second-")
        args = workload.make_args()
        marks = [time.perf_counter()]
        df = tangentlike.grad(workload.fn, wrt=workload.wrt, verbose=0)
        marks.append(time.perf_counter())
        for _call in range(2):
            df(*args)
            marks.append(time.perf_counter())
        times.append(tuple(b - a for a, b in zip(marks, marks[1:])))
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repeats", type=int, nargs="?", default=9)
    parser.add_argument("--workload", action="append", help="W2, W4, W5 by default")
    parser.add_argument("--when", choices=("second",), help="TANGENTLIKE_SPECIALIZE for the run")
    args = parser.parse_args()
    if args.when:
        os.environ["TANGENTLIKE_SPECIALIZE"] = args.when
    print(f"first calls ({tangentlike.__file__}), median (min) of {args.repeats}, ms:")
    for name in args.workload or ["W2", "W4", "W5"]:
        columns = zip(*first_calls(name, args.repeats))
        print(f"  {name}: " + ", ".join(
            f"{step} {statistics.median(t) * 1e3:.1f} ({min(t) * 1e3:.1f})"
            for step, t in zip(STEPS, columns)))


if __name__ == "__main__":
    main()
