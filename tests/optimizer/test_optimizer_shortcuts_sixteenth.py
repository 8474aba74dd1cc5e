"""The optimizer's shortcuts of the sixteenth round (issue 18 item 5).

``remove_zero_inits`` keeps a note across its runs in one optimization: after a run that
found no zero initialisation, a later run reads only the statements edited since
(``StatementFacts.edited``).  Inside real optimizations, every run answered from the note
finds the function without a zero initialisation (what the full scan would find, changing
nothing); a zero initialisation made by an edit after the note is found.  A block's index
reads each statement's loads and bindings in one look-up (``StatementFacts.loads_defs``):
the same sets as ``loads`` and ``defs``."""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import SWEPT_FUNCTIONS, fresh_cache, generated_function  # noqa: F401
from support import make_function

import tangentlike
from tangentlike import runtime
from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer import optimize as optimizer


@pytest.mark.parametrize("label, source", SWEPT_FUNCTIONS, ids=[f[0] for f in SWEPT_FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_a_run_answered_from_the_note_finds_no_zero_init(label, source, monkeypatch) -> None:
    plain = optimizer.remove_zero_inits
    seen = {"noted": 0, "scanned": 0}

    def remove_zero_inits(fn, facts=None, *, none_since=None):
        if none_since:
            seen["noted"] += 1
            assert not any(optimizer._is_zero_init(s)
                           for s in syntax.statements(fn.body, with_bodies=True))
        else:
            seen["scanned"] += 1
        return plain(fn, facts, none_since=none_since)

    monkeypatch.setattr(optimizer, "remove_zero_inits", remove_zero_inits)
    f = make_function(source)
    df = tangentlike.grad(f, verbose=0)
    df(0.3, 0.7)  # (on floats: the version for floats is optimized again)
    assert seen["scanned"]
    if label == "straight":  # (no zero initialisation there: every later run uses the note)
        assert seen["noted"]


def _zero_init(name: str, like: str) -> gast.Assign:
    stmt = syntax.parse_stmts(f"{name} = zeros_like({like})")[0]
    anno.info(stmt).generated = True
    anno.info(stmt.value.func).callee = runtime.zeros_like
    return stmt


def test_a_zero_init_made_by_an_edit_after_the_note_is_found() -> None:
    fn = generated_function("def f(x, g):\n    bx = x * 2\n    bx = bx + g\n    return bx\n")
    anno.info(fn.body[1]).contribution = True
    facts, note = dataflow.StatementFacts(), []
    assert not optimizer.remove_zero_inits(fn, facts, none_since=note)
    assert note == [len(facts.edited)]
    assert not optimizer.remove_zero_inits(fn, facts, none_since=note)  # (from the note)
    # an edit in place makes the first statement a zero initialisation
    fn.body[0].value = _zero_init("bx", "x").value
    facts.forget(fn.body[0])
    assert optimizer.remove_zero_inits(fn, facts, none_since=note)
    assert syntax.is_name(fn.body[0].targets[0], "bx") and syntax.is_name(fn.body[0].value, "g")
    assert len(fn.body) == 2


def test_a_run_that_found_a_zero_init_leaves_no_note() -> None:
    fn = generated_function("def f(x, g, h):\n    bx = x\n    by = x\n    return bx\n")
    fn.body[0] = _zero_init("bx", "x")  # (kept: no contribution follows)
    facts, note = dataflow.StatementFacts(), []
    assert not optimizer.remove_zero_inits(fn, facts, none_since=note)
    assert note == []


@pytest.mark.parametrize("source", [
    "def f(x, y):\n    a = x * y\n    b, c = a, y\n    x[0] = b\n    print(c)\n    return a\n",
    "def f(x, y):\n    for i in y:\n        x = x + i\n    return x\n",
])
def test_loads_defs_are_loads_and_defs(source) -> None:
    fn = syntax.parse_stmts(source)[0]
    facts = dataflow.StatementFacts()
    for stmt in syntax.statements(fn.body, with_bodies=True):
        plain = dataflow.StatementFacts()
        assert facts.loads_defs(stmt) == (plain.loads(stmt), plain.defs(stmt))
        assert facts.loads_defs(stmt) == (facts.loads(stmt), facts.defs(stmt))  # (as kept)


def test_uses_defs_are_uses_and_defs() -> None:
    """``StatementFacts.uses_defs`` read through ``loads_defs`` (a comment reads nothing),
    first asked and after ``uses`` was kept."""
    fn = syntax.parse_stmts(
        "def f(x, y):\n    a = x * y\n    b, c = a, y\n    x[0] = b\n    print(c)\n"
        "    return a\n")[0]
    fn.body.insert(0, syntax.comment("Grad of: a = x * y"))
    for ask_uses_first in (False, True):
        facts = dataflow.StatementFacts()
        for stmt in fn.body:
            if ask_uses_first:
                facts.uses(stmt)
            assert facts.uses_defs(stmt) == (dataflow.uses(stmt), dataflow.defs(stmt))
