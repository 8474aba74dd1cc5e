"""``core/collection.py``: the collector is paused in the block, and what the block keeps is
handed to the oldest generation (no young pass walks it), unless the block failed or the
program froze objects of its own."""
from __future__ import annotations

import gc

import pytest

from tangentlike.core import collection


class Node:
    """A tracked object (its instances are in the collector's lists)."""


def _young() -> set[int]:
    return {id(o) for o in gc.get_objects(generation=0)} | {
        id(o) for o in gc.get_objects(generation=1)}


def test_kept_objects_go_to_the_oldest_generation(monkeypatch):
    monkeypatch.setattr(collection, "_seen_frozen", False)
    if gc.get_freeze_count():  # (CPython 3.12 starts with objects in the permanent generation)
        pytest.skip("objects are frozen already: nothing is promoted (the test below)")
    assert gc.isenabled()
    with collection.paused():
        assert not gc.isenabled()
        kept = [Node() for _ in range(50)]
    assert gc.isenabled()
    young = _young()
    assert not any(id(o) in young for o in kept)
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(o) in oldest for o in kept)
    assert gc.get_freeze_count() == 0


def test_cycles_made_in_the_block_are_still_collected():
    with collection.paused():
        cycle = [Node()]
        cycle[0].back = cycle
        marker = id(cycle[0])
        del cycle
    gc.collect()
    assert marker not in {id(o) for o in gc.get_objects()}


def test_a_failed_block_promotes_nothing():
    with pytest.raises(ValueError), collection.paused():
        kept = [Node() for _ in range(50)]
        raise ValueError
    assert gc.isenabled()
    young = _young()
    assert all(id(o) in young for o in kept)


def test_nested_and_disabled_are_left_as_they_are():
    with collection.paused():
        with collection.paused():
            kept = [Node() for _ in range(20)]
        assert not gc.isenabled()  # the inner block leaves the outer one's pause
        assert all(id(o) in _young() for o in kept)  # and promotes nothing
    gc.disable()
    try:
        with collection.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_the_program_froze_stay_frozen(monkeypatch):
    monkeypatch.setattr(collection, "_seen_frozen", False)
    frozen = Node()
    gc.freeze()
    try:
        with collection.paused():
            kept = Node()
        assert gc.get_freeze_count() > 0  # nothing thawed
        assert id(kept) in _young()  # nothing promoted
        del frozen
    finally:
        gc.unfreeze()


def test_frozen_objects_are_counted_once(monkeypatch):
    """``gc.get_freeze_count`` walks every frozen object: once it has found some, a later
    block neither counts them again nor promotes."""
    monkeypatch.setattr(collection, "_seen_frozen", False)
    counts = []
    real = gc.get_freeze_count
    monkeypatch.setattr(collection.gc, "get_freeze_count", lambda: counts.append(1) or real())
    gc.freeze()
    try:
        for _ in range(3):
            with collection.paused():
                kept = Node()
            assert id(kept) in _young()  # nothing promoted
    finally:
        gc.unfreeze()
    assert len(counts) == 1
