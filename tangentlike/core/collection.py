"""Python's cyclic garbage collector, paused while a derivative is generated.

Generation builds and drops many small trees (a large function's are millions of nodes);
the collector's full passes over them cost about a third of the generation time of a
1,000-statement function and grow with its size.  Nothing generation makes relies on the
collector: what it drops without cycles is freed at once, and the cycles it leaves are
collected once the collector runs again.

What generation keeps (the optimized derivative's tree, for its versions: about 180,000
objects for 1,000 statements) would otherwise be walked by the collector's next pass of
its youngest generation, right after the block, and again by the middle generation's: each
a tenth of a second, to find what any pass would find, that the tree is still in use.  So
a block that ends normally hands everything the collector tracks to its oldest generation
(``gc.freeze`` then ``gc.unfreeze``: the two move the lists whole, without a walk), where two
young passes would have put the tree.  The full passes still walk it, and free it once it is
dropped; cyclic garbage that was young then (the user's, or a cycle generation left) waits
for the next full pass instead of a young one."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause the collector for the block, and on leaving it normally move what it tracks to
    its oldest generation (nested blocks, and a collector the user turned off, are left as
    they are)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    except BaseException:
        gc.enable()  # (an error's traceback holds frames in cycles: left to the young passes)
        raise
    promote()
    gc.enable()


_seen_frozen = False  # whether promote ever found objects frozen (then it stops)


def promote() -> None:
    """Move every object the collector tracks to its oldest generation, unless some are
    frozen already (``gc.freeze``: by the program, or by CPython 3.12 itself, which starts
    with objects in the permanent generation), which ``gc.unfreeze`` would thaw with ours.

    ``gc.get_freeze_count`` counts the frozen objects one by one (a server that froze its
    heap after loading its modules: 175,000 objects, about 12 ms, more than the generation
    of a small derivative), so once it finds some, promotion stops for the process: a
    program that freezes objects manages the collector itself."""
    global _seen_frozen
    if _seen_frozen:
        return
    if gc.get_freeze_count() == 0:  # (an empty count is immediate)
        gc.freeze()
        gc.unfreeze()
    else:
        _seen_frozen = True
