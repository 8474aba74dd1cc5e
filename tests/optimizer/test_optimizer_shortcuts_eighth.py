"""Shortcuts of the optimizer's eighth round (issue 18 item 5) against the plain forms they
replace, inside real optimizations: constant folding passing over a statement with no node a
fold starts from (``StatementFacts.may_fold``, ``fold.FOLD_SEEDS``), the measures the inliner
works out for an edited statement from its old ones (``_measures_after_substitution``), the
loops' liveness remembered while ``Liveness.after_all`` runs, and a first contribution read
off without a look inside it where it reads its adjoint once (``_accumulated``'s ``reads``)."""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import LOOPS, NESTED, SHARED, chained, fresh_cache, straight  # noqa: F401
from support import make_function

import tangentlike
from tangentlike.ad.reverse import build
from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer import optimize as optimizer

FUNCTIONS = [("chained", chained(12), {}), ("straight", straight(30), {}),
             ("loops", LOOPS, {}), ("nested", NESTED, {}), ("shared", SHARED, {}),
             ("nested_forward", NESTED, {"mode": "forward"}),
             ("nested_split", NESTED, {"motion": "split"})]


class _Unremembered(dataflow.Liveness):
    """Liveness that works out each loop's fixed point at each need (as before the round)."""

    def _transfer(self, stmt: gast.stmt, live: set[str]) -> set[str]:
        self._loops = None
        return super()._transfer(stmt, live)


@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_shortcuts_agree_with_the_plain_forms(label, source, options, monkeypatch) -> None:
    f = make_function(source)
    seen = {"unfoldable": 0, "derived": 0, "loops": 0, "accumulated": 0}
    fast_accumulated = optimizer._accumulated

    def accumulated(stmt, name, like, edited=None, reads=None):
        copy = syntax.clone(stmt)
        want_edited: list[bool] = []
        want = fast_accumulated(copy, name, like, want_edited)
        got = fast_accumulated(stmt, name, like, edited, reads)
        assert (got is None) == (want is None)
        if got is not None:
            assert syntax.dump(got) == syntax.dump(want)
            seen["accumulated"] += reads == 1
        assert syntax.dump(stmt) == syntax.dump(copy)
        assert bool(edited) == bool(want_edited) or edited is None
        return got

    fast_fold, fast_forget = optimizer.fold_constants, dataflow.StatementFacts.forget
    fast_after_all = dataflow.Liveness.after_all

    def fold(fn, facts=None):
        for stmt in syntax.statements(fn.body, with_bodies=True):
            if (isinstance(stmt, (gast.Assign, gast.Return, gast.Expr))
                    and not syntax.is_comment(stmt)
                    and not dataflow.StatementFacts().may_fold(stmt)):
                copy = syntax.clone(stmt)
                assert not optimizer._fold(copy), syntax.dump(stmt)
                assert syntax.dump(copy) == syntax.dump(stmt)
                seen["unfoldable"] += 1
        return fast_fold(fn, facts)

    def forget(self, stmt, measures=(None, None)):
        fast_forget(self, stmt, measures)
        whole, value = measures
        if whole is not None:
            assert whole == syntax.measure(stmt)
            seen["derived"] += 1
        if value is not None:
            assert value == syntax.measure(stmt.value)

    def after_all(self, fn):
        got = fast_after_all(self, fn)
        plain = _Unremembered(self._kept)
        plain._facts = dict(self._facts)  # (what the inliner assumed of removed statements)
        want = fast_after_all(plain, fn)
        for stmt in syntax.statements(fn.body, with_bodies=True):
            assert set(got[id(stmt)]) == set(want[id(stmt)])
            seen["loops"] += isinstance(stmt, (gast.For, gast.While))
        return got

    monkeypatch.setattr(optimizer, "fold_constants", fold)
    monkeypatch.setattr(optimizer, "_accumulated", accumulated)
    monkeypatch.setattr(dataflow.StatementFacts, "forget", forget)
    monkeypatch.setattr(dataflow.Liveness, "after_all", after_all)
    # (reverse mode writes the first contributions of straight-line code itself when the
    # optimizer follows, ``first_contributions``: off here, so that ``_accumulated`` meets them)
    monkeypatch.setattr(build, "first_contributions",
                        lambda s, zeroed, reads=None: (s, set(zeroed)))
    tangentlike.autodiff(f, **options)
    assert seen["unfoldable"], seen
    if label in ("chained", "straight"):
        assert seen["derived"], seen
    if options.get("mode") != "forward":
        assert seen["accumulated"], seen
    if label.startswith(("loops", "nested")) and options.get("mode") != "forward":
        assert seen["loops"], seen


@pytest.mark.parametrize("line, seeded", [
    ("a = b * c", False), ("a = f(b, c[i])", False), ("a, b = c", False),
    ("a = b * 1", True), ("a = b + -c", True), ("a = () == ()", True),
    ("a = b if c else d", False), ("a = b if True else d", True), ("return b", False)])
def test_may_fold_notes_the_seeds(line: str, seeded: bool) -> None:
    if line.startswith("return"):
        stmt = syntax.parse_stmts(f"def g(b):\n    {line}\n")[0].body[0]
    else:
        stmt = syntax.parse_stmts(line)[0]
    anno.info(stmt).generated = True
    facts = dataflow.StatementFacts()
    assert facts.may_fold(stmt) is seeded
    names, _ = syntax.walk_names_noting(stmt, ())
    assert [n.id for n in names] == [n.id for n in syntax.walk_names(stmt)]
    assert [n.id for n in facts.walked_names(stmt)] == [n.id for n in names]
    if not seeded:
        assert not optimizer._fold(stmt)
    elif "()" in line:
        assert optimizer._fold(stmt)  # (a comparison of literals without a constant)
