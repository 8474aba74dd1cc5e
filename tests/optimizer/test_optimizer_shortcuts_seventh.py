"""Shortcuts of the optimizer's seventh round (issue 18 item 5) against the plain forms they
replace, inside real optimizations: ``fuse_accumulations`` passing over a block where no
``a = a + e`` follows an assignment to ``a`` (``_may_fuse``), the keys common subexpressions index
(``cse._candidate_keys``), ``syntax.measure`` (empty fields skipped, a plain name not
walked) and ``StatementFacts.pure`` (``is_pure`` kept until the statement changes)."""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import LOOPS, SHARED, chained, fresh_cache  # noqa: F401 (a fixture)
from support import make_function

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.optimizer import cse
from tangentlike.optimizer import optimize as optimizer

CHAINED = chained(12)

FUNCTIONS = [("chained", CHAINED, {}), ("loops", LOOPS, {}), ("shared", SHARED, {}),
             ("shared_forward", SHARED, {"mode": "forward"}),
             ("loops_split", LOOPS, {"motion": "split"})]


def _plain_measure(node: gast.AST) -> tuple[int, int]:
    """``syntax.measure`` as it was: every field of every node walked."""
    size, depth = 1, 0
    for field in node._fields:
        value = getattr(node, field, None)
        for item in value if value.__class__ is list else (value,):
            if isinstance(item, syntax._LEAF_NODES):
                size += 1
            elif isinstance(item, gast.AST):
                inner_size, inner_depth = _plain_measure(item)
                size += inner_size
                depth = max(depth, inner_depth)
    return size, depth + (node.__class__ is gast.Call)



class _EveryName:
    """What ``_may_fuse`` says in the plain form: every name of the block may be fused."""

    def __contains__(self, name: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


_EVERY_NAME = _EveryName()

@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_shortcuts_agree_with_the_plain_forms(label, source, options, monkeypatch) -> None:
    f = make_function(source)
    seen = {"fuse": 0, "measured": 0, "keys": 0}
    fast_fuse = optimizer.fuse_accumulations

    def fuse(fn, facts=None):
        copy = syntax.clone(fn)
        with monkeypatch.context() as patch:  # every block indexed and looked at
            patch.setattr(optimizer, "_may_fuse", lambda block: _EVERY_NAME)
            want = fast_fuse(copy)
        got = fast_fuse(fn, facts)
        assert got == want
        assert syntax.dump(fn) == syntax.dump(copy)
        for node in gast.walk(fn):
            assert syntax.measure(node) == _plain_measure(node)
            seen["measured"] += 1
        for stmt in syntax.statements(fn.body, with_bodies=True):
            # the optimizer's kept purity, where a pass asked it before, is still the fact
            assert facts.pure(stmt, optimizer.is_pure) == optimizer.is_pure(stmt)
            if isinstance(stmt, gast.Assign):
                keys = cse._candidate_keys(stmt.value)
                assert keys == {key for key, _ in cse._candidates(stmt.value)}
                seen["keys"] += bool(keys)
        seen["fuse"] += 1
        return got

    monkeypatch.setattr(optimizer, "fuse_accumulations", fuse)
    tangentlike.autodiff(f, **options)
    assert seen["fuse"] and seen["measured"], seen
    if label.startswith("shared"):  # (1.0 - h * h: an operation on an operation)
        assert seen["keys"], seen


def test_a_name_without_context_is_measured_as_one_node() -> None:
    bare = gast.Name(id="x", ctx=None, annotation=None, type_comment=None)
    assert syntax.measure(bare) == _plain_measure(bare) == (1, 0)
    call = syntax.parse_expr("f(g(x), y + 1)")
    assert syntax.measure(call) == _plain_measure(call) == (13, 2)


def test_fusion_passes_over_blocks_without_sums_only() -> None:
    source = ("def f(a, b, c):\n"
              "    ba = a * b\n"
              "    ba = ba + c\n"
              "    if c > 0:\n"
              "        bb = a - c\n"
              "        bc = bb * a\n"
              "    else:\n"
              "        bc = c * b\n"
              "        bc = bc + a\n"
              "    return ba, bc\n")

    def generated() -> gast.FunctionDef:
        fn = syntax.parse_stmts(source)[0]
        for node in gast.walk(fn):
            if isinstance(node, gast.stmt):
                anno.info(node).generated = True
        return fn

    fast, plain = generated(), generated()
    assert optimizer.fuse_accumulations(fast)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimizer, "_may_fuse", lambda block: _EVERY_NAME)
        assert optimizer.fuse_accumulations(plain)
    text = emit.to_source(fast)
    assert text == emit.to_source(plain)
    assert "ba = a * b + c" in text and "bc = c * b + a" in text and "bb = a - c" in text


@pytest.mark.parametrize("read_after", [False, True])
def test_copy_propagation_skips_the_reaching_definitions_only_with_nothing_to_do(
        read_after, monkeypatch) -> None:
    # ``t = a`` is a temporary's copy; ``u = b`` is not (u is no temporary); ``t`` is read
    # only where ``read_after``.
    lines = ["def f(a, b):", "    t = a", "    u = b", "    v = u * b"]
    lines += ["    w = t + v", "    return w"] if read_after else ["    return v"]
    fn = syntax.parse_stmts("\n".join(lines) + "\n")[0]
    before = emit.to_source(fn)
    computed = []
    reaching = optimizer.dataflow.reaching_definitions
    monkeypatch.setattr(optimizer.dataflow, "reaching_definitions",
                        lambda *args: computed.append(1) or reaching(*args))
    changed = optimizer.propagate_copies(fn, {"t"}, to_fixed_point=True)
    assert changed == read_after and bool(computed) == read_after
    after = emit.to_source(fn)
    if read_after:
        assert "w = a + v" in after and "u * b" in after, after
    else:
        assert after == before


@pytest.mark.parametrize("copied", [False, True])
def test_coalescing_counts_names_only_where_a_temporary_is_copied(copied, monkeypatch) -> None:
    # ``t1, t2 = divmod(a, b)`` then ``q = t1``: ``q`` takes ``t1``'s place where ``t1`` is a
    # temporary; with no temporary copied the pass finds nothing and counts nothing.
    source = ("def f(a, b):\n"
              "    t1, t2 = divmod(a, b)\n"
              "    q = t1\n"
              "    return q * t2\n")
    fn = syntax.parse_stmts(source)[0]
    before = emit.to_source(fn)
    counted = []
    monkeypatch.setattr(optimizer.dataflow.StatementFacts, "use_counts",
                        lambda self, fn, _plain=optimizer.dataflow.StatementFacts.use_counts:
                        counted.append(1) or _plain(self, fn))
    changed = optimizer.coalesce_copies(fn, {"t1", "t2"} if copied else {"t2"})
    assert changed == copied and bool(counted) == copied
    after = emit.to_source(fn)
    if copied:
        assert "q, t2 = divmod(a, b)" in after and "q = t1" not in after, after
    else:
        assert after == before
