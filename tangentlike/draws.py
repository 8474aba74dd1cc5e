"""Random draws when a derivative runs ``f`` several times (``jacobian``, ``hessian``,
``linearize``'s ``jvp_fn``): each run must see the numbers one call of ``f`` draws.

:class:`Draws` records the state of every random number generator alive (NumPy's bit
generators, behind ``np.random.*``, ``RandomState`` and ``Generator`` objects, and Python's
``random.Random`` objects, behind the ``random`` module) before the first run, and puts back
the state of those a run changed before the next one.  After the last run the generators are
where one call of ``f`` leaves them."""
from __future__ import annotations

import gc
import itertools
import random
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.random.bit_generator import BitGenerator

from tangentlike.errors import ValueRefusedError
from tangentlike.frontend.drawing import draws_nothing


def _generators() -> list[Any]:
    """The random number generators alive whose state can be read and set: bit generators,
    ``RandomState`` objects (their state holds a cached normal deviate besides their bit
    generator's) and ``random.Random`` objects, those frozen with ``gc.freeze()`` included.
    The heap is filtered by exact type against the classes and their subclasses of now (in
    C: a large program's heap holds millions of objects, and an ``isinstance`` per object in
    Python took half a second)."""
    kinds = _subclasses(BitGenerator) | _subclasses(np.random.RandomState) | (
        _subclasses(random.Random) - _subclasses(random.SystemRandom))
    objects = gc.get_objects()
    found = list(itertools.compress(objects, map(kinds.__contains__, map(type, objects))))
    found += [g for g in _frozen(objects) if type(g) in kinds]
    names = getattr(getattr(tempfile, "_name_sequence", None), "_rng", None)
    return [g for g in found if g is not names]  # not the one tempfile names files with


# The generators among the objects frozen with ``gc.freeze()``, found for the count of frozen
# objects they were found at: (count, generators).
_FROZEN: list[Any] = [0, []]


def _frozen(objects: list[Any]) -> list[Any]:
    """The generators (of any class ``_generators`` takes, or another) frozen with
    ``gc.freeze()``, which ``gc.get_objects()`` (``objects``) does not list: found by
    following references from the objects it lists, the modules, and the locals of the
    frames running, through the objects it does not list.  Found again only when the count
    of frozen objects has changed since: a frozen object is never collected, a new one is
    frozen only by a ``gc.freeze()`` that freezes every tracked object (the count grows), and
    one freed makes the count drop, while the generators found are held here (so not freed
    unseen).  Costs about one walk of the heap's references, once per freeze."""
    count = gc.get_freeze_count()
    if count == 0:
        _FROZEN[:] = [0, []]
        return []
    if _FROZEN[0] == count:
        return _FROZEN[1]
    seen = set(map(id, objects))
    seen.update((id(objects), id(seen)))  # (this walk's own lists: not the program's)
    frames, frame = [], sys._getframe(1)
    while frame is not None:
        frames.append(dict(frame.f_locals))  # (a dict: 3.13's is a proxy the collector
        # does not track)
        frame = frame.f_back
    todo = [*gc.get_referents(*objects), sys.modules, *frames]
    generators = []
    while todo:
        fresh = []
        for obj in todo:
            if id(obj) not in seen and gc.is_tracked(obj):
                seen.add(id(obj))
                fresh.append(obj)
                if isinstance(obj, (BitGenerator, np.random.RandomState, random.Random)):
                    generators.append(obj)
        todo = gc.get_referents(*fresh)
    _FROZEN[:] = [count, generators]
    return generators


def _subclasses(cls: type) -> set[type]:
    """``cls`` and its subclasses, however deep."""
    out, todo = set(), [cls]
    while todo:
        c = todo.pop()
        if c not in out:
            out.add(c)
            todo.extend(c.__subclasses__())
    return out


def _state(g: Any) -> Any:
    if isinstance(g, BitGenerator):
        return g.state
    if isinstance(g, np.random.RandomState):
        return g.get_state(legacy=False)
    return g.getstate()


def _set_state(g: Any, state: Any) -> None:
    if isinstance(g, BitGenerator):
        g.state = state
    elif isinstance(g, np.random.RandomState):
        g.set_state(state)
    else:
        g.setstate(state)


def _same(a: Any, b: Any) -> bool:
    """Two generator states are equal (dicts and tuples of ints, strings and arrays)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(
            _same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        if not (isinstance(b, (tuple, list)) and len(a) == len(b)):
            return False
        if _SCALARS.issuperset(map(type, a)) and _SCALARS.issuperset(map(type, b)):
            return a == b  # (``random.Random``'s 625 words: one comparison in C)
        return all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b))
    return bool(a == b)


# What a state's tuple may hold for ``==`` to compare it whole: values whose ``==`` is a bool.
_SCALARS = frozenset({int, float, str, bytes, bool, type(None)})


class Draws:
    """The generators' states before the first run of a function, to give every run the
    same draws (see the module's docstring)."""

    def __init__(self, name: str, func: Callable | None = None, args: tuple = (),
                 kwargs: dict[str, Any] | None = None) -> None:
        """``func``, called with ``args`` and ``kwargs``, is the function the runs call:
        where its source shows it cannot draw (``frontend/drawing.py``), no generator is
        looked for (the heap is not walked)."""
        self.name = name
        quiet = func is not None and draws_nothing(func, args, kwargs or {})
        self.before = [] if quiet else [(g, _state(g)) for g in _generators()]
        self.after: list[tuple[Any, Any]] | None = None  # what the first run changed

    def _states(self) -> list[Any]:
        """The state of each generator of ``before`` now (in its order)."""
        return [_state(g) for g, _ in self.before]

    def changed(self, states: list[Any] | None = None) -> list[tuple[Any, Any]]:
        """The generators the runs so far moved on, with their states now (``states``: the
        states just read by ``_states``, else they are read)."""
        states = self._states() if states is None else states
        return [(g, now) for (g, state), now in zip(self.before, states)
                if not _same(now, state)]

    def again(self, restore: bool = True, states: list[Any] | None = None) -> None:
        """After a run: check it drew what the first run drew (else ``ValueRefusedError``),
        and put the generators back for the next run (unless ``restore`` is false: after the
        last run).  ``states``: as for ``changed``."""
        changed = self.changed(states)
        if self.after is None:
            self.after = changed
        elif any(g is h and not _same(s, t) for g, s in changed for h, t in self.after):
            # (a generator only one run moved is not the function's: the first call of a
            # derivative inside it may generate code, a later one another version)
            raise ValueRefusedError(
                f"{self.name} ran the function several times and the runs drew different "
                "random numbers from the same starting state: the derivative would not "
                "belong to one call's draws",
                hint="draw the random numbers outside the function and pass them in")
        if restore:
            moved = {id(g) for g, _ in changed}
            for g, state in self.before:
                if id(g) in moved:
                    _set_state(g, state)

    def replay(self, run: Callable[[], Any]) -> Any:
        """``run()`` with the generators as they were before the first run (whose draws
        ``again`` recorded), checked to draw what it drew, leaving the generators as they
        are now (for ``linearize``'s ``jvp_fn``, called whenever the user likes).  Each
        generator's state is read twice: before the run, and after it (for the check and
        to see which ones to put back)."""
        now = self._states()
        for (g, state), current in zip(self.before, now):
            if not _same(state, current):
                _set_state(g, state)
        after = None
        try:
            result = run()
            after = self._states()
            self.again(restore=False, states=after)
            return result
        finally:
            after = self._states() if after is None else after
            for (g, _), state, then in zip(self.before, now, after):
                if not _same(then, state):
                    _set_state(g, state)
