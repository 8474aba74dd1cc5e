"""Python's cyclic garbage collector, paused while a derivative is generated.

Generation builds and drops many small trees (a large function's are millions of nodes);
the collector's full passes over them cost about a third of the generation time of a
1,000-statement function and grow with its size.  Nothing generation makes relies on the
collector: what it drops without cycles is freed at once, and the cycles it leaves are
collected once the collector runs again."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause the collector for the block (nested blocks, and a collector the user turned
    off, are left as they are)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
