"""Which derivatives of the example programs get a version by shape (issue 18 item 2).

For every program of ``tests/autograd_programs.py`` (the shapes of autograd's public
examples: reverse mode, forward mode, Hessian-vector product), of ``examples/`` and every
workload of ``benchmarks/`` (W1-W6, X1, S1, M1, D2-D16, the spellings), the derivative is
called three times (the third call runs the version written at the second) and the version
it runs is reported: ``shapes``, ``floats``, or ``general`` with the reason the dispatcher
gave.  Run: ``python benchmarks/versions_census.py`` (add ``-v`` for one line per
derivative).
"""
from __future__ import annotations

import collections
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests"), str(HERE.parent / "examples")]

import tangentlike  # noqa: E402


def _autograd_programs() -> list[tuple[str, Callable, tuple]]:
    try:
        import autograd_programs as ap
        from autograd.misc import flatten
    except ImportError:  # autograd is optional
        return []
    cases = ap.example_cases()
    out = []
    for name, (f, args) in cases.items():
        flat, unflatten = flatten(args[0])
        v = unflatten(np.random.RandomState(5).randn(flat.size))
        out.append((f"autograd {name}: grad", tangentlike.grad(f), args))
        jf = tangentlike.autodiff(f, mode="forward")
        out.append((f"autograd {name}: forward", jf, (*args, v)))
        out.append((f"autograd {name}: hvp", tangentlike.hvp(f), (*args, v)))
    return out


def _examples() -> list[tuple[str, Callable, tuple]]:
    import mlp
    import newton
    import quickstart
    import rnn
    import scalar_loop

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(32, 64)), np.eye(10)[rng.integers(0, 10, size=32)]
    mlp_args = (rng.normal(scale=0.1, size=(64, 128)), np.zeros(128),
                rng.normal(scale=0.1, size=(128, 10)), np.zeros(10), X, Y)
    A, b = rng.normal(size=(8, 4)), rng.normal(size=4)
    x4 = rng.normal(size=4)
    W, x3, y3 = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=2)
    Wx, Wh, bh = rng.normal(size=(3, 5)), rng.normal(size=(5, 5)) * 0.5, np.zeros(5)
    xs, target = rng.normal(size=(6, 4, 3)), rng.normal(size=(4, 5))
    return [
        ("examples mlp.loss: grad", tangentlike.grad(mlp.loss, wrt=(0, 1, 2, 3)), mlp_args),
        ("examples newton.objective: grad", tangentlike.grad(newton.objective), (x4, A, b)),
        ("examples newton.objective: hvp", tangentlike.hvp(newton.objective),
         (x4, A, b, rng.normal(size=4))),
        ("examples quickstart.loss: grad", tangentlike.grad(quickstart.loss), (W, x3, y3)),
        ("examples rnn.loss: grad", tangentlike.grad(rnn.loss, wrt=(0, 1, 2)),
         (Wx, Wh, bh, xs, target)),
        ("examples scalar_loop.f: grad", tangentlike.grad(scalar_loop.f), (0.7,)),
    ]


def _workloads() -> list[tuple[str, Callable, tuple]]:
    from spellings import SPELLINGS
    from workloads import WORKLOADS

    out = []
    for wl in [*WORKLOADS, *SPELLINGS]:
        if wl.name == "W6":  # its arguments end with the vector
            out.append((f"benchmark {wl.name}: hvp", tangentlike.hvp(wl.fn, wrt=wl.wrt[0]),
                        wl.make_args()))
            continue
        out.append((f"benchmark {wl.name}: grad", tangentlike.grad(wl.fn, wrt=wl.wrt),
                    wl.make_args()))
    return out


def census() -> list[tuple[str, str, str]]:
    """(derivative, kind of the version its third call runs, reason where general)."""
    rows = []
    for name, df, args in [*_autograd_programs(), *_examples(), *_workloads()]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                for _ in range(3):
                    df(*args)
            except Exception as error:  # noqa: BLE001  (reported, not raised)
                rows.append((name, "error", f"{type(error).__name__}: {error}"[:120]))
                continue
        versions = df.specializer
        written = [v.kind for v in versions.written.values()] if versions else []
        if written:
            rows.append((name, written[0], ""))
        else:
            why = list(versions.declined.values()) if versions else ["no versions"]
            rows.append((name, "general", why[0] if why else "writing it failed"))
    return rows


def main(argv: list[str]) -> None:
    rows = census()
    kinds = collections.Counter(kind for _, kind, _ in rows)
    reasons = collections.Counter(reason for _, kind, reason in rows if kind == "general")
    if "-v" in argv:
        for name, kind, reason in rows:
            print(f"{name:60s} {kind:8s} {reason}")
    print(f"{len(rows)} derivatives: " + ", ".join(f"{n} {k}" for k, n in kinds.most_common()))
    print("| reason a call runs the general code | derivatives |\n|---|---:|")
    for reason, n in reasons.most_common():
        print(f"| {reason} | {n} |")


if __name__ == "__main__":
    main(sys.argv[1:])
