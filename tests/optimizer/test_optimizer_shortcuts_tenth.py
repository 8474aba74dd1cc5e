"""Shortcuts of the optimizer's tenth round (issue 18 item 5) against the plain forms they
replace, inside real optimizations: ``syntax.walk_names_noting`` pushing every field value
unlooked-at (one that is no node dropped when popped), ``syntax.measure`` reading a context or
operator by its class and a plain name without a call, ``_is_zero_init`` reading the
callee's annotation itself, the inliner passing over a block whose statements are all
settled without asking each (``_Inliner._quiet``), and the walk of a first contribution made
an assignment (``bx = bx + g`` become ``bx = g``) taken from the old statement's
(``_walk_after_first_contribution``)."""
from __future__ import annotations

import gast
import pytest
from optimizer_cases import IFEXP, LOOPS, NESTED, SHARED, chained, fresh_cache, straight  # noqa: F401
from support import make_function
from test_optimizer_shortcuts_seventh import _plain_measure

import tangentlike
from tangentlike import runtime
from tangentlike.ad.reverse import build
from tangentlike.core import fold, syntax
from tangentlike.optimizer import optimize as optimizer

FUNCTIONS = [("chained", chained(12), {}), ("straight", straight(30), {}), ("ifexp", IFEXP, {}),
             ("loops", LOOPS, {}), ("nested", NESTED, {}), ("shared", SHARED, {}),
             ("nested_forward", NESTED, {"mode": "forward"}),
             ("nested_split", NESTED, {"motion": "split"})]


def _plain_walk_names_noting(node: gast.AST, kinds: tuple[type, ...] | dict
                             ) -> tuple[list[gast.Name], bool]:
    """``syntax.walk_names_noting`` as it was: only nodes pushed, in field order."""
    found, noted, todo = [], False, [node]
    while todo:
        sub = todo.pop()
        if sub.__class__ is gast.Name:
            found.append(sub)
            noted |= sub.annotation is not None
            continue
        if sub.__class__ in kinds:  # (a mapping: a test of the node, None for any)
            test = kinds[sub.__class__] if isinstance(kinds, dict) else None
            noted |= test is None or test(sub)
        for field in syntax.child_fields(sub.__class__):
            value = getattr(sub, field, None)
            for item in value if value.__class__ is list else (value,):
                if isinstance(item, gast.AST):
                    todo.append(item)
    return found, noted


def _plain_is_zero_init(stmt: gast.stmt) -> str | None:
    """``_is_zero_init`` as it was (through ``_calls``)."""
    if (isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call)
            and isinstance(stmt.targets[0], gast.Name) and optimizer.anno.info(stmt).generated
            and optimizer._calls(stmt.value, runtime.zeros_like)):
        return stmt.targets[0].id
    return None


def _check(node: gast.AST) -> None:
    got, noted = syntax.walk_names_noting(node, fold.FOLD_SEEDS)
    want, want_noted = _plain_walk_names_noting(node, fold.FOLD_SEEDS)
    assert [id(n) for n in got] == [id(n) for n in want] and noted == want_noted
    assert syntax.measure(node) == _plain_measure(node)


@pytest.mark.parametrize("label, source, options", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_shortcuts_agree_with_the_plain_forms(label, source, options, monkeypatch) -> None:
    f = make_function(source)
    seen = {"walked": 0, "zero_inits": 0, "quiet": 0, "derived": 0}
    fast_remove_zero_inits = optimizer.remove_zero_inits
    fast_quiet = optimizer._Inliner._quiet

    def quiet(self, index):
        got = fast_quiet(self, index)
        if got:  # what asking each statement would have found
            for i, stmt in enumerate(index.block):
                assert i in index.removed or self._settled(index, i, stmt)
            seen["quiet"] += 1
        return got

    def remove_zero_inits(fn, facts=None, **note):
        for stmt in syntax.statements(fn.body, with_bodies=True):
            assert optimizer._is_zero_init(stmt) == _plain_is_zero_init(stmt)
            seen["zero_inits"] += optimizer._is_zero_init(stmt) is not None
            for node in syntax.walk(stmt):
                _check(node)
                seen["walked"] += 1
        got = fast_remove_zero_inits(fn, facts, **note)
        for stmt in syntax.statements(fn.body, with_bodies=True):
            if facts is not None and facts.kept_walk(stmt) is not None:
                kept, may_fold = facts.kept_walk(stmt)
                names, noted = syntax.walk_names_noting(stmt, fold.FOLD_SEEDS)
                assert [id(n) for n in kept] == [id(n) for n in names], syntax.dump(stmt)
                assert may_fold or not noted, syntax.dump(stmt)
                seen["derived"] += 1
        return got

    monkeypatch.setattr(optimizer, "remove_zero_inits", remove_zero_inits)
    monkeypatch.setattr(optimizer._Inliner, "_quiet", quiet)
    # (reverse mode writes the first contributions of straight-line code itself when the
    # optimizer follows, ``first_contributions``: off here, so that the zero inits and the
    # first contributions reach ``remove_zero_inits``)
    monkeypatch.setattr(build, "first_contributions",
                        lambda s, zeroed, reads=None: (s, set(zeroed)))
    tangentlike.autodiff(f, **options)
    assert seen["walked"], seen
    if label == "ifexp":
        assert seen["quiet"], seen
    if options.get("mode") != "forward":
        assert seen["zero_inits"] and seen["derived"], seen


@pytest.mark.parametrize("source", [
    "{**a, 'k': b}",  # a dictionary's key None
    "f(x, *ys, key=z, **kw)",  # a keyword's name, a string
    "lambda a, *b, c=1, **d: a + c",  # arguments: None fields, defaults
    "[u for u in v if -u < w]",  # comprehensions, a negation, a comparison
    "x[1:n, ::2].attr",  # slices with empty ends, an attribute's name
])
def test_samples_agree_with_the_plain_forms(source: str) -> None:
    for node in syntax.walk(syntax.parse_expr(source)):
        _check(node)


def test_a_statement_that_names_strings_is_walked_as_before() -> None:
    (stmt,) = gast.parse("def g():\n    global a, b\n    c = a\n").body[0].body[:1]
    assert syntax.walk_names_noting(stmt, ()) == ([], False)
