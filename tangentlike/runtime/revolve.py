"""Binomial checkpointing (Griewank's "revolve" schedule) for a loop whose derivative must run
under a memory budget: ``grad(f, snapshots=k)``.

The backward sweep of a checkpointed loop of ``n`` steps keeps at most ``k`` snapshots of the
loop's state (the names its body carries from one iteration to the next) instead of what every
step saves.  ``schedule(n, k)`` yields what the generated code does, in order, as
``(action, at, to)``:

- ``("store", slot, step)``: keep the current state (the state before ``step``) in ``slot``;
- ``("restore", slot, step)``: make the state in ``slot`` current again;
- ``("advance", start, stop)``: run the plain loop body for the steps ``start .. stop - 1``;
- ``("reverse", step, step + 1)``: run step ``step`` saving what its backward step reads, then
  its backward step.

Steps are counted from 0 (the generated code maps them to the loop's own index).  Slots are
numbered from 0 and never reach ``k``; slot 0 holds the state at the loop's entry.  The number
of steps advanced is the least possible with ``k`` snapshots: ``r n - C(k + r, r - 1)``, ``r``
the least integer with ``C(k + r, k) >= n`` (``advances``).
"""
from __future__ import annotations

from collections.abc import Iterator
from math import comb

Action = tuple[str, int, int]


def repetitions(n: int, k: int) -> int:
    """The least ``r`` with ``C(k + r, k) >= n``: how often, at most, a step runs forward."""
    r = 0
    while comb(k + r, k) < n:
        r += 1
    return r


def advances(n: int, k: int) -> int:
    """The number of plain steps the schedule of ``n`` steps with ``k`` snapshots advances
    (Griewank's minimum): ``n (n - 1) / 2`` for one snapshot."""
    if n <= 1:
        return 0
    r = repetitions(n, k)
    return r * n - comb(k + r, r - 1)


def _split(n: int, k: int) -> int:
    """Where to place the next snapshot in ``n`` steps with ``k`` snapshots (``k >= 2``): the
    ``m`` that minimizes ``m + advances(n - m, k - 1) + advances(m, k)``.  The cost is convex
    in ``m`` (each term's increments grow), so a bisection on its increment finds it."""
    def increment(m: int) -> int:  # cost(m + 1) - cost(m)
        return (1 + advances(m + 1, k) - advances(m, k)
                - advances(n - m, k - 1) + advances(n - m - 1, k - 1))
    low, high = 1, n - 1  # the first m whose increment is not negative (or n - 1)
    while low < high:
        mid = (low + high) // 2
        if increment(mid) >= 0:
            high = mid
        else:
            low = mid + 1
    return low


def schedule(n: int, k: int) -> Iterator[Action]:
    """The actions that reverse ``n`` steps with at most ``k`` snapshots (``k >= 1``); the
    current state is the loop's entry state when it starts."""
    if k < 1:
        raise ValueError(f"snapshots must be at least 1, not {k}")
    if n <= 0:
        return
    yield ("store", 0, 0)
    yield from _reverse(0, n, k, 0)


def _reverse(start: int, n: int, k: int, slot: int) -> Iterator[Action]:
    """Reverse steps ``start .. start + n - 1``; the state before ``start`` is current and
    kept in ``slot``; ``k`` snapshots (``slot`` and those after it) are free to use."""
    while n > 0:
        if n == 1:
            yield ("reverse", start, start + 1)
            return
        if k == 1:  # one snapshot: advance from it to each step in turn, the last first
            yield ("advance", start, start + n - 1)
            yield ("reverse", start + n - 1, start + n)
            yield ("restore", slot, start)
            n -= 1
            continue
        m = _split(n, k)
        yield ("advance", start, start + m)
        yield ("store", slot + 1, start + m)
        yield from _reverse(start + m, n - m, k - 1, slot + 1)
        yield ("restore", slot, start)
        n = m  # then the steps before the snapshot, with the same k snapshots


def count(n: int, k: int) -> dict[str, int]:
    """How many steps each action covers in ``schedule(n, k)``, and the most snapshots held
    at once (``"snapshots"``): what the tests compare with ``advances``."""
    totals = {"store": 0, "restore": 0, "advance": 0, "reverse": 0, "snapshots": 0}
    for action, at, to in schedule(n, k):
        if action in ("advance", "reverse"):
            totals[action] += to - at
        else:
            totals[action] += 1
        if action == "store":
            totals["snapshots"] = max(totals["snapshots"], at + 1)
    return totals
