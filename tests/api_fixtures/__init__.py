"""User-style modules that tests/test_api.py and tests/backend/test_debugging.py differentiate.

They live in real files because tangentlike reads source code.
"""
from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

from tangentlike.rules import registry


@contextlib.contextmanager
def registered(module_name: str) -> Iterator[ModuleType]:
    """Import (or re-import) a module that registers rules; unregister them afterwards.

    tangentlike's rule registry is global; leaving test-only rules in it would leak into
    other test modules (for instance ones that check every registered rule is tested).
    """
    tables = (registry.ADJOINTS, registry.TANGENTS)
    before = [dict(t) for t in tables]
    before_nd = set(registry.NON_DIFFERENTIABLE)
    if module_name in sys.modules:
        module = importlib.reload(sys.modules[module_name])
    else:
        module = importlib.import_module(module_name)
    added = [{k: v for k, v in t.items() if before_t.get(k) is not v}
             for t, before_t in zip(tables, before)]
    added_nd = set(registry.NON_DIFFERENTIABLE) - before_nd
    try:
        yield module
    finally:
        for table, before_t, added_t in zip(tables, before, added):
            for key, rule in added_t.items():
                if table.get(key) is rule:  # still ours: put back what was there
                    if key in before_t:
                        table[key] = before_t[key]
                    else:
                        del table[key]
        registry.NON_DIFFERENTIABLE.difference_update(added_nd)
