"""Shortcuts of the optimizer's eleventh round (issue 18 item 5) against the plain forms they
replace, inside real optimizations: a block index made from each statement's kept entry
(``StatementFacts.block_entry``: its loads, bindings, and whether it is a barrier and a
comment) against one made from fresh facts, and a block liveness's ``holds`` reading the
uses and definitions recorded when the block was made (``_BlockLiveness.recorded``) against
reading them at each step, as it did; and reaching definitions' states answering ``get``
without raising KeyError."""
from __future__ import annotations

from collections.abc import Mapping

import pytest
from optimizer_cases import IFEXP, LOOPS, NESTED, SHARED, chained, fresh_cache, straight  # noqa: F401
from support import make_function

import tangentlike
from tangentlike.core import dataflow, syntax
from tangentlike.optimizer import optimize as optimizer

FUNCTIONS = [("chained", chained(12), {}), ("straight", straight(30), {}), ("ifexp", IFEXP, {}),
             ("loops", LOOPS, {}), ("nested", NESTED, {}), ("shared", SHARED, {}),
             ("nested_forward", NESTED, {"mode": "forward"}),
             ("nested_split", NESTED, {"motion": "split"})]


def _plain_holds(block: dataflow._BlockLiveness, i: int, name: str) -> bool:
    """``_BlockLiveness.holds`` as it was: every statement's uses and definitions read at
    each step."""
    found = block.copies.get(i)
    if found is not None:
        return name in found
    if name in block.raising:
        return True
    k = i + 1
    while True:
        before = block.before.get(k)
        if before is not None:
            return name in before
        used, bound = block._uses_defs(k)
        if name in used:
            return True
        if name in bound:
            return False
        found = block.copies.get(k)
        if found is not None:
            return name in found
        k += 1


@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_shortcuts_agree_with_the_plain_forms(label, source, options, monkeypatch) -> None:
    f = make_function(source)
    seen = {"indexes": 0, "kept_entries": 0, "holds": 0, "recorded": 0}
    fast_index_init = optimizer._BlockIndex.__init__
    fast_holds = dataflow._BlockLiveness.holds

    def index_init(self, block, facts):
        kept = sum(fact is not None and fact.stmt is s and fact.block_entry is not None
                   for s, fact in ((s, facts._known.get(id(s))) for s in block))
        fast_index_init(self, block, facts)
        fresh = dataflow.StatementFacts()  # (nothing kept: every fact worked out now)
        assert self.loads == [fresh.loads(s) for s in block]
        assert self.binds == [fresh.defs(s) for s in block]
        assert self.barriers == [k for k, s in enumerate(block)
                                 if optimizer._is_barrier(s, fresh)]
        assert self.comments == [k for k, s in enumerate(block) if syntax.is_comment(s)]
        seen["indexes"] += 1
        seen["kept_entries"] += kept

    def holds(self, i, name):
        got = fast_holds(self, i, name)
        assert got == _plain_holds(self, i, name)
        seen["holds"] += 1
        seen["recorded"] += any(entry is not None for entry in self.recorded[i + 1:])
        return got

    monkeypatch.setattr(optimizer._BlockIndex, "__init__", index_init)
    monkeypatch.setattr(dataflow._BlockLiveness, "holds", holds)
    tangentlike.autodiff(f, **options)
    assert seen["indexes"], seen
    if label in ("chained", "ifexp"):  # (straight-line code needs no liveness since the
        # twelfth round: the inliner reads it off its index, ``_BlockIndex.live_after``)
        assert seen["holds"] and seen["recorded"], seen
    if label == "ifexp":  # (the inliner's second call indexes blocks the first one did)
        assert seen["kept_entries"], seen


@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_reaching_states_get_as_a_mapping_does(label, source, options, monkeypatch) -> None:
    """``_State.get`` (no KeyError raised) against ``Mapping.get`` (``self[name]``, the
    default where that raises), for every name of the function at every statement."""
    f = make_function(source)
    seen = {"states": 0}
    fast_reaching = dataflow.reaching_definitions

    def reaching_definitions(fn, facts=None):
        result = fast_reaching(fn, facts)
        names = syntax.all_names(fn) | {"not_a_name"}
        for state in result.values():
            if isinstance(state, dataflow._State):
                for name in names:
                    assert state.get(name) == Mapping.get(state, name)
                    assert state.get(name, 7) == Mapping.get(state, name, 7)
                seen["states"] += 1
        return result

    monkeypatch.setattr(dataflow, "reaching_definitions", reaching_definitions)
    tangentlike.autodiff(f, **options)
    if label in ("chained", "ifexp"):  # (copies of temporaries to propagate)
        assert seen["states"], seen
