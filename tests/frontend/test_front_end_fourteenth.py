"""The front end's shortcuts of the fourteenth round (issue 18 item 5) give what they
replace: ``shared_values.walked``'s names by context against the two passes over its
names that ``pipeline._normalized`` made; ``points_to.Analysis.changes_nothing`` true only
where the analysis it spares finds no change, asks for no summary and adds no guard.
"""
from __future__ import annotations

from collections import Counter

import gast
from support import functions_of_test_modules, trees_of_test_functions

import tangentlike
from tangentlike import pipeline
from tangentlike.core import syntax
from tangentlike.frontend import aliasing, points_to
from tangentlike.frontend.shared_values import walked


def _by_context(names: list[gast.Name]) -> tuple[Counter, set[str]]:
    """What ``_normalized`` computed from the walk's names: each name's bindings (a Store or
    a parameter) and the names read and not bound."""
    bindings = Counter(n.id for n in names if isinstance(n.ctx, (gast.Store, gast.Param)))
    free = {n.id for n in names if n.ctx.__class__ is gast.Load} - set(bindings)
    return bindings, free


def test_walked_names_by_context() -> None:
    """The ids read and bound that ``walked`` keeps give ``_normalized``'s bindings (the
    same counts, in the same order) and free names, on every test function, parsed and
    normalized, and on a hand-made one (a parameter, ``del``, an augmented assignment, a
    nested function, a lambda, a comprehension, an annotated parameter)."""
    nodes = [syntax.parse(
        "def h(a, b: int = 1):\n"
        "    c = a\n"
        "    c += b\n"
        "    del b\n"
        "    def g(x):\n"
        "        return x + c\n"
        "    k = lambda y: y * a\n"
        "    return [g(z) + k(z) for z in (a, c)]\n").body[0]]
    nodes += trees_of_test_functions()
    stored = 0
    for node in nodes:
        walk = walked(node)
        bindings, free = _by_context(walk.names)
        fast = Counter(walk.stores)
        assert list(fast.items()) == list(bindings.items()), syntax.dump(node)
        assert set(walk.loads) - set(fast) == free, syntax.dump(node)
        assert len(walk.loads) == sum(n.ctx.__class__ is gast.Load for n in walk.names)
        stored += len(walk.stores)
    assert len(nodes) > 500 and stored > 5000


def _generate_all(functions) -> None:
    """Every function differentiated in both modes (a refusal ends one, as in the dump)."""
    for func in functions:
        for transform in (tangentlike.grad, tangentlike.jvp):
            tangentlike.clear_cache()
            try:
                transform(func)
            except (tangentlike.TangentlikeError, TypeError, ValueError):
                continue
    tangentlike.clear_cache()


def test_changes_nothing_only_where_the_analysis_finds_nothing(monkeypatch) -> None:
    """Wherever ``changes_nothing`` says so while the test functions are differentiated,
    the points-to analysis run after it records no change and asks for no summary, and
    no write through an attribute is found (``aliasing.check`` then returns at once); it
    says so for most functions, and not for those that change something in place."""
    answers = []
    changes_nothing = points_to.Analysis.changes_nothing

    def checked(self: points_to.Analysis) -> bool:
        answer = changes_nothing(self)
        answers.append(answer)
        if answer:
            asked = []
            summaries = self.summaries
            self.summaries = lambda func: asked.append(func) or summaries(func)
            self.run()
            assert not self.changes and not asked, syntax.dump(self.fn)
            assert not aliasing._writes_into_attributes(self.fn, self.params,
                                                        self.bound_names())
        return answer

    monkeypatch.setattr(points_to.Analysis, "changes_nothing", checked)
    _generate_all(functions_of_test_modules())
    assert answers.count(True) > 150 and answers.count(False) > 100


def test_same_guards_and_code_without_the_analysis(monkeypatch) -> None:
    """The derivatives of the test functions have the same source and the same guards
    (names, values and labels, in order) whether or not ``changes_nothing`` spares the
    analysis: the callees and free names it resolves are those the analysis resolves."""
    def generated() -> list[tuple]:
        found = []
        compile_ = pipeline._compile

        def kept(*args, **kwargs):
            made = compile_(*args, **kwargs)
            guards = made.guards
            found.append((made.source, [(id(ns), n, id(v)) for ns, n, v in guards.names],
                          guards.name_labels, [(id(c), id(v)) for c, v in guards.cells],
                          guards.cell_labels))
            return made

        with monkeypatch.context() as patch:
            patch.setattr(pipeline, "_compile", kept)
            _generate_all(functions_of_test_modules(_GUARDED))
        return found

    generated()  # (a process's first run makes a few derivatives more, of method_functions',
    # that later runs find made)
    fast = generated()
    monkeypatch.setattr(points_to.Analysis, "changes_nothing", lambda self: False)
    slow = generated()
    assert len(fast) > 100 and fast == slow


_GUARDED = ["golden_functions", "control_flow_functions", "calls_functions",
            "global_writes_functions", "method_functions", "objects_functions",
            "captured_functions", "shadowed_builtins_functions"]
