"""The optimizer's shortcuts of the thirteenth round (issue 18 item 5), each against its slow
twin: ``share_subexpressions``' keys found by a walk that reads the fields inline
(``cse._candidate_keys``) are those of ``cse._candidates``; its index skips the statements
``_eligible`` refuses through ``may_repeat`` alone, and makes the names bound in the block
at the first ``repeats``, as they were when the pass started; its Namer, made at the first
share, names the new temporary as one made at the start did.  ``factor_sums``: a sum's
first term, asked first, is the one of its leftmost operand; the transformer that passes
over names and constants simplifies as the one that visited them; and a value that
``factor._may_change`` finds no seed in is one the transformer leaves as it is."""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import (  # noqa: F401 (a fixture)
    SWEPT_FUNCTIONS,
    fresh_cache,
    generated_function,
)
from support import make_function

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import dataflow, syntax
from tangentlike.core.naming import Namer
from tangentlike.optimizer import cse, factor

FUNCTIONS = SWEPT_FUNCTIONS

SHARING = ("def f(h, da, bh, dbh, a, W):\n"
           "    t1 = a\n"
           "    dh = da * (1.0 - h * h)\n"
           "    dx = dbh * (1.0 - h * h) + bh * dh + t1\n"
           "    if a:\n"
           "        q = W.T @ (a + h) * -(h * h - 2)\n"
           "        r = q + W.T @ (a + h) * -(h * h - 2)\n"
           "    return dx, r\n")


def _check_index(monkeypatch, seen: dict) -> None:
    """Wrap ``cse._candidate_keys``, ``_Index.may_repeat`` and ``_Index.defs`` with checks
    against their slow twins."""
    candidate_keys, may_repeat = cse._candidate_keys, cse._Index.may_repeat
    defs = cse._Index.defs.fget
    made = {}  # id(index) -> the bindings by position, made eagerly at the start
    index_init = cse._Index.__init__

    def checked_candidate_keys(node):
        got = candidate_keys(node)
        assert got == {key for key, _ in cse._candidates(node)}
        seen["keys"] += 1
        return got

    def checked_init(self, block, facts=None):
        eager: dict[str, list[int]] = {}
        for k, stmt in enumerate(block):
            for name in dataflow.defs(stmt):
                eager.setdefault(name, []).append(k)
        made[id(self)] = eager
        index_init(self, block, facts)

    def checked_may_repeat(self, stmt):
        got = may_repeat(self, stmt)
        if id(stmt) in self.order and not cse._eligible(stmt):
            assert not got
            seen["refused"] += 1
        return got

    def checked_defs(self):
        got = defs(self)
        assert got == made[id(self)]
        seen["defs"] += 1
        return got

    monkeypatch.setattr(cse, "_candidate_keys", checked_candidate_keys)
    monkeypatch.setattr(cse._Index, "__init__", checked_init)
    monkeypatch.setattr(cse._Index, "may_repeat", checked_may_repeat)
    monkeypatch.setattr(cse._Index, "defs", property(checked_defs))


@pytest.mark.parametrize("label, source", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_the_index_inside_real_optimizations(label, source, monkeypatch) -> None:
    seen = {"keys": 0, "refused": 0, "defs": 0}
    _check_index(monkeypatch, seen)
    f = make_function(source)
    df = tangentlike.grad(f, verbose=0)
    df(0.3, 0.7)  # (on floats: the version for floats is optimized again)
    assert seen["keys"] and seen["refused"]


def test_the_index_where_values_are_shared(monkeypatch) -> None:
    seen = {"keys": 0, "refused": 0, "defs": 0}
    _check_index(monkeypatch, seen)
    fn = generated_function(SHARING)
    assert cse.share_subexpressions(fn, set())
    assert seen["keys"] and seen["defs"]


@pytest.mark.parametrize("with_facts", [False, True])
def test_the_new_temporaries_are_named_as_at_the_start(with_facts) -> None:
    fn = generated_function(SHARING)
    eager = Namer(syntax.all_names(fn))
    expected = [eager.temp() for _ in range(3)]
    temporaries: set[str] = set()
    assert cse.share_subexpressions(
        fn, temporaries, dataflow.StatementFacts() if with_facts else None)
    source = emit.to_source(fn)
    assert expected[0] == "t2" and "t1 = a" in source, source  # (t1 is taken)
    assert sorted(temporaries) == sorted(t for t in expected if f"{t} = " in source), source
    assert source.count("1.0 - h * h") == 1 and source.count("h * h - 2") == 1, source


def test_the_keys_of_awkward_expressions() -> None:
    for text in ["f(a * b + c, x=(a - b) ** 2)[i * j - k]", "-(a.T @ b) * (c + 1.5)",
                 "[u * v + w for u in range(3)] + (a + b) * c", "lambda q: q * q + 1",
                 "(a + b) * (a + b) - True * (a + b)", "x.y * (z + 1) + x.T * (z + 1)"]:
        node = syntax.parse_expr(text)
        assert cse._candidate_keys(node) == {key for key, _ in cse._candidates(node)}, text


# -- factor_sums: the first term asked before the others, and the leaves not visited ----------
_ATOMS = ["a", "b", "g", "2.0", "0.5", "-a", "-2.0", "a * g", "-a * g", "2.0 * g", "f(a + a)",
          "(a - b)", "-(a + g)", "True", "'s'", "x.T"]


def _sums() -> list[str]:
    found = []
    for first in _ATOMS:
        for op in ("+", "-"):
            for second in _ATOMS:
                found.append(f"{first} {op} {second}")
                found.append(f"{first} {op} {second} - b * g + {first}")
    return found


class _PlainSums(factor._Sums):
    """The transformer as it was: a Name and a constant visited as any node."""

    visit_Name = syntax.Transformer.generic_visit
    visit_Constant = syntax.Transformer.generic_visit


def test_the_first_term_is_the_leftmost_operands() -> None:
    for text in _sums():
        node = syntax.parse_expr(text)
        first = node
        while factor._is_sum(first):
            first = first.left
        (c1, f1), (c2, f2) = factor._terms(node)[0], factor._terms(first)[0]
        assert c1 == c2 and [syntax.dump(f) for f in f1] == [syntax.dump(f) for f in f2], text


def test_the_sums_are_simplified_as_when_every_leaf_was_visited() -> None:
    changed = 0
    for text in _sums() + [f"h({s}) * 2.0 * -g" for s in _sums()[:60]]:
        fast, plain = factor._Sums(), _PlainSums()
        got = fast.visit(syntax.parse_expr(text))
        want = plain.visit(syntax.parse_expr(text))
        assert syntax.dump(got) == syntax.dump(want) and plain.changed == fast.changed, text
        changed += fast.changed
    assert changed > 100


def _unchanged_where_no_seed(node: gast.expr) -> bool:
    """Where ``_may_change`` says no, ``_Sums`` changes nothing (a copy is visited)."""
    if factor._may_change(node):
        return False
    copy = syntax.clone(node)
    sums = factor._Sums()
    new = sums.visit(copy)
    assert not sums.changed and syntax.dump(new) == syntax.dump(node), syntax.dump(node)
    return True


def test_a_value_without_seeds_is_left_as_it_is() -> None:
    skipped = 0
    more = ["a * b + c * d", "f() * a + f() * b", "[] * a + [] * b", "1j * a - 1j * b",
            "g(h(u)) * a + g(h(v)) * b", "x.y(a) * b + x.z(c)", "a + b * -c",
            "-a * -b", "(a, b) * c + (d, e) * g", "f(a)[:] * b + f(c)[:] * d"]
    for text in _sums() + more + [f"h({s}) * k" for s in _sums()]:
        skipped += _unchanged_where_no_seed(syntax.parse_expr(text))
    assert skipped > 50


@pytest.mark.parametrize("label, source", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_values_without_seeds_inside_real_optimizations(label, source, monkeypatch) -> None:
    seen = {"asked": 0, "skipped": 0}
    plain = factor._factor

    def checked(stmt):
        seen["asked"] += 1
        seen["skipped"] += _unchanged_where_no_seed(stmt.value)
        return plain(stmt)

    monkeypatch.setattr(factor, "_factor", checked)
    f = make_function(source)
    df = tangentlike.grad(f, verbose=0)
    df(0.3, 0.7)
    assert seen["asked"]
