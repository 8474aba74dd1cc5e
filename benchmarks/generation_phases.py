"""Where generation's time goes (issue 18, item 5): the CPU seconds of each phase of
``tangentlike.grad`` on one of ``gensize.py``'s functions, and the Python calls of the whole.

``python benchmarks/generation_phases.py straight 1000`` (or ``ifexp 200``; from a repository
root, whose ``tangentlike`` is imported) generates the gradient ``--repeats`` times (default
3) with a cold cache after a warm-up, each phase's function wrapped with a CPU timer, and
prints the phases of the fastest run, largest first; ``--passes`` times the optimizer's
passes instead; ``--calls`` adds the number of Python calls of one more generation
(cProfile: the measure a loaded machine does not change); ``--first-call`` adds the CPU
seconds of the derivative's first call on Python floats (which writes the version for
floats, ``versions/floats.py``: as costly as a generation for a large function).
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), HERE]

import gensize  # noqa: E402

import tangentlike  # noqa: E402
from tangentlike import pipeline  # noqa: E402
from tangentlike.optimizer import optimize  # noqa: E402

PHASES = {
    pipeline: ("parse_function", "normalize", "share_repeated_values", "reverse_ad",
               "forward_ad", "optimize", "_import_user_globals", "inline_helpers"),
    pipeline.annotate: ("activity", "check_rules"),
    pipeline.aliasing: ("check_function",),
    pipeline.emit: ("module_source", "printed"),
    pipeline.loading: ("load_module",),
    pipeline.library: ("note_generated",),
    pipeline.cache: ("write_module",),
}
PASSES = {optimize: ("fold_constants", "remove_zero_inits", "inline_temporaries",
                     "propagate_copies", "coalesce_copies", "fuse_accumulations", "factor_sums",
                     "eliminate_dead_code", "remove_dead_saves", "share_subexpressions",
                     "rename_working_copies", "remove_orphan_comments")}


def timed(table: dict, seconds: collections.Counter, calls: collections.Counter) -> None:
    """Wrap each function named in ``table`` (module: names) to add up its CPU seconds."""
    for module, names in table.items():
        for name in names:
            function = getattr(module, name, None)
            if function is not None:
                setattr(module, name, _timer(function, name, seconds, calls))


def _timer(function: Callable, name: str, seconds: collections.Counter,
           calls: collections.Counter) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[name] += time.process_time() - start
            calls[name] += 1
    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=gensize.KINDS)
    parser.add_argument("size", type=int)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--passes", action="store_true", help="the optimizer's passes")
    parser.add_argument("--calls", action="store_true", help="count Python calls too")
    parser.add_argument("--first-call", action="store_true",
                        help="time the first call on floats too (the float version)")
    args = parser.parse_args()
    seconds: collections.Counter = collections.Counter()
    calls: collections.Counter = collections.Counter()
    timed(PASSES if args.passes else PHASES, seconds, calls)
    best: tuple[float, dict, dict] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TANGENTLIKE_CACHE_DIR"] = os.path.join(tmp, "cache")
        warm = gensize.load(args.kind, 2, tmp)
        tangentlike.grad(warm, wrt=(0, 1), verbose=0)(*gensize.POINT)
        f = gensize.load(args.kind, args.size, tmp)
        for _ in range(args.repeats):
            tangentlike.clear_cache()
            seconds.clear()
            calls.clear()
            start = time.process_time()
            tangentlike.grad(f, wrt=(0, 1), verbose=0)
            total = time.process_time() - start
            if best is None or total < best[0]:
                best = (total, dict(seconds), dict(calls))
        if args.calls:
            tangentlike.clear_cache()
            profile = cProfile.Profile()
            profile.enable()
            tangentlike.grad(f, wrt=(0, 1), verbose=0)
            profile.disable()
            count = sum(entry[1] for entry in pstats.Stats(profile).stats.values())
        if args.first_call:
            first = []
            for _ in range(args.repeats):
                tangentlike.clear_cache()
                df = tangentlike.grad(f, wrt=(0, 1), verbose=0)
                start = time.process_time()
                df(*gensize.POINT)
                first.append(time.process_time() - start)
    total, phase_seconds, phase_calls = best
    print(f"{args.kind} {args.size} ({tangentlike.__file__}): {total:.3f} s CPU, best of "
          f"{args.repeats}" + (f"; {count:,} Python calls" if args.calls else ""))
    for name, spent in sorted(phase_seconds.items(), key=lambda item: -item[1]):
        print(f"  {name:24s} {spent:7.3f} s  ({phase_calls[name]} call"
              f"{'s' if phase_calls[name] > 1 else ''})")
    if not args.passes:  # (the passes are all inside ``optimize``)
        print(f"  {'(the rest)':24s} {total - sum(phase_seconds.values()):7.3f} s")
    if args.first_call:
        print(f"first call on floats (the float version): {min(first):.3f} s CPU, best of "
              f"{args.repeats}")


if __name__ == "__main__":
    main()
