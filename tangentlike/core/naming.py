"""Fresh, deterministic names that never collide with the user's."""
from __future__ import annotations

from collections.abc import Iterable


class Namer:
    """Hands out names not yet used in one generated module (counters, never random)."""

    def __init__(self, used: Iterable[str] = ()):
        self.used: set[str] = set(used)
        self.temporaries: set[str] = set()  # names the optimizer may inline or rename away
        self._temps = 0
        self._next: dict[str, int] = {}  # base -> where fresh's search for base_k goes on

    def reserve(self, name: str) -> str:
        self.used.add(name)
        return name

    def fresh(self, base: str) -> str:
        """``base`` itself if free, else ``base_1``, ``base_2``, ..."""
        if base not in self.used:
            return self.reserve(base)
        k = self._next.get(base, 1)  # base_1 ... base_(k-1) are used: names are never freed
        while f"{base}_{k}" in self.used:
            k += 1
        self._next[base] = k + 1
        return self.reserve(f"{base}_{k}")

    def temp(self) -> str:
        """A temporary for an intermediate value: t1, t2, ..."""
        while True:
            self._temps += 1
            name = f"t{self._temps}"
            if name not in self.used:
                self.temporaries.add(name)
                return self.reserve(name)

    def derived(self, prefix: str, name: str) -> str:
        """A name derived from ``name``, a temporary if ``name`` is one."""
        new = self.fresh(f"{prefix}{name}")
        if name in self.temporaries:
            self.temporaries.add(new)
        return new

    def adjoint(self, name: str) -> str:
        """The adjoint of ``name``: ``bx`` for ``x`` (Tangent's convention)."""
        return self.derived("b", name)

    def tangent(self, name: str) -> str:
        """The tangent of ``name``: ``dx`` for ``x``."""
        return self.derived("d", name)
