"""The rule tables by their old names, as live views of the records (``rules.primitive``):
``ADJOINTS`` and ``TANGENTS`` map a function to its rule, ``NON_DIFFERENTIABLE`` and ``PURE``
are the functions with that fact.  Reading or writing one reads or writes the records, so
code and tests written against the tables see the one source of truth."""
from __future__ import annotations

from collections.abc import Iterator, MutableMapping, MutableSet
from typing import Any

from tangentlike.rules.primitive import PRIMITIVES, _forget, _lock, declare


class _RuleView(MutableMapping):
    """The records' rules of one kind as a dict from key to rule (``ADJOINTS``)."""

    def __init__(self, fact: str):
        self.fact = fact

    def __getitem__(self, key: Any) -> Any:
        record = PRIMITIVES.get(key)
        rule = None if record is None else getattr(record, self.fact)
        if rule is None:
            raise KeyError(key)
        return rule

    def __setitem__(self, key: Any, rule: Any) -> None:
        with _lock:
            record = PRIMITIVES.get(key)
            function = record.function if record is not None else rule.primitive
            declare(function, **{self.fact: rule})

    def __delitem__(self, key: Any) -> None:
        self[key]  # noqa: B018  (KeyError when absent)
        _forget(key, self.fact)

    def __iter__(self) -> Iterator[Any]:
        return iter([k for k, r in list(PRIMITIVES.items()) if getattr(r, self.fact)
                     is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"<{self.fact} rules of {len(self)} primitives>"


class _FlagView(MutableSet):
    """The keys of the records where a boolean fact differs from its default
    (``NON_DIFFERENTIABLE``: ``differentiable`` is False; ``PURE``: ``pure`` is True)."""

    def __init__(self, fact: str, value: bool):
        self.fact, self.value = fact, value

    def __contains__(self, key: Any) -> bool:
        record = PRIMITIVES.get(key)
        return record is not None and getattr(record, self.fact) == self.value

    def __iter__(self) -> Iterator[Any]:
        return iter([k for k, r in list(PRIMITIVES.items())
                     if getattr(r, self.fact) == self.value])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def add(self, key: Any) -> None:
        with _lock:
            record = PRIMITIVES.get(key)
            declare(record.function if record is not None else key,
                    **{self.fact: self.value})

    def discard(self, key: Any) -> None:
        if key in self:
            _forget(key, self.fact)

    def update(self, keys: Any) -> None:
        for key in list(keys):
            self.add(key)

    def difference_update(self, keys: Any) -> None:
        for key in list(keys):
            self.discard(key)

    def __repr__(self) -> str:
        return f"<{self.fact}={self.value}: {len(self)} primitives>"


ADJOINTS: MutableMapping[Any, Any] = _RuleView("adjoint")
TANGENTS: MutableMapping[Any, Any] = _RuleView("tangent")
NON_DIFFERENTIABLE: MutableSet[Any] = _FlagView("differentiable", False)
PURE: MutableSet[Any] = _FlagView("pure", True)
