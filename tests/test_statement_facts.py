"""The optimizer's passes share what each statement reads and binds
(``dataflow.StatementFacts``, issue 18 item 5): every answer the kept facts give while a
derivative is optimized is checked against the same fact worked out afresh, so a pass that
edits a statement without telling the facts fails here; and the shared facts change no
generated line."""
import copy
import importlib.util
import inspect
import sys

import pytest

import tangentlike
from tangentlike.core import anno, dataflow, syntax
from tangentlike.core.fold import FoldConstants
from tangentlike.optimizer import factor
from tests import control_flow_functions, golden_functions


class _CheckedFacts(dataflow.StatementFacts):
    """StatementFacts that compares each answer with a fresh computation."""

    checked = 0

    def _same(self, got, fresh):
        assert got == fresh
        type(self).checked += 1
        return got

    def loads(self, stmt):
        return self._same(super().loads(stmt), syntax.loaded_names(stmt))

    def load_counts(self, stmt):
        return self._same(super().load_counts(stmt), dataflow.use_counts(stmt))

    def all_names(self, stmt):
        return self._same(super().all_names(stmt), syntax.all_names(stmt))

    def stored(self, stmt):
        return self._same(super().stored(stmt), syntax.stored_names(stmt))

    def uses(self, stmt):
        return self._same(super().uses(stmt), dataflow.uses(stmt))

    def defs(self, stmt):
        return self._same(super().defs(stmt), dataflow.defs(stmt))

    def uses_defs(self, stmt):
        return self._same(super().uses_defs(stmt), (dataflow.uses(stmt), dataflow.defs(stmt)))

    def value_loads(self, stmt):
        return self._same(super().value_loads(stmt), syntax.loaded_names(stmt.value))

    def measure(self, stmt):
        return self._same(super().measure(stmt), syntax.measure(stmt))

    def value_measure(self, stmt):
        return self._same(super().value_measure(stmt), syntax.measure(stmt.value))

    def use_counts(self, fn):
        return self._same(super().use_counts(fn), dataflow.use_counts(fn))

    def definition_counts(self, fn):
        return self._same(super().definition_counts(fn), dataflow.definition_counts(fn))

    def is_marked(self, stmt, mark):
        marked = super().is_marked(stmt, mark)
        if marked and mark == "folded":  # folding it again finds nothing
            folder = FoldConstants(algebra=anno.info(stmt).generated)
            folder.visit(copy.deepcopy(stmt))
            self._same(folder.changed, False)
        elif marked and mark == "factored":
            sums = factor._Sums()
            sums.visit(copy.deepcopy(stmt.value))
            self._same(sums.changed, False)
        return marked


def _functions():
    for module, most in ((golden_functions, None), (control_flow_functions, 30)):
        found = [f for _, f in sorted(vars(module).items())
                 if inspect.isfunction(f) and f.__module__ == module.__name__]
        yield from found[:most]


def _chained(tmp_path):
    """Conditional expressions and straight-line statements, each reading the last two
    (benchmarks/gensize.py's shapes, small)."""
    lines = ["import math", "", "def f(x, y):", "    t0 = x", "    t1 = y"]
    for i in range(2, 30):
        if i % 2:
            lines.append(f"    t{i} = 0.6 * t{i - 1} + 0.3 * x if t{i - 1} > t{i - 2} "
                         f"else 0.5 * math.sin(t{i - 2}) + 0.2 * y")
        else:
            lines.append(f"    t{i} = 0.5 * t{i - 1} + 0.3 * math.sin(t{i - 2}) * y")
    lines.append("    return t29 + 0.1 * t28")
    path = tmp_path / "facts_chained.py"
    path.write_text("\n".join(lines) + "\n")
    spec = importlib.util.spec_from_file_location("facts_chained", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["facts_chained"] = module
    spec.loader.exec_module(module)
    return module.f


def _sources(functions):
    sources = []
    for f in functions:
        tangentlike.clear_cache()
        try:
            sources.append(tangentlike.grad(f).source)
        except tangentlike.TangentlikeError as error:  # a refusal is the same either way
            sources.append(type(error).__name__)
    return sources


def test_kept_facts_are_the_fresh_ones(monkeypatch, tmp_path):
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    functions = list(_functions()) + [_chained(tmp_path)]
    try:
        plain = _sources(functions)
        _CheckedFacts.checked = 0
        monkeypatch.setattr(dataflow, "StatementFacts", _CheckedFacts)
        checked = _sources(functions)
    finally:
        sys.modules.pop("facts_chained", None)
        tangentlike.clear_cache()
    assert _CheckedFacts.checked > 1000  # the passes did read the kept facts
    assert checked == plain


@pytest.mark.parametrize("stmt_source", ["a = b + c * b", "if a:\n    b = c\nelse:\n    d = a"])
def test_forget_and_compound_statements(stmt_source):
    """A simple statement's facts are kept until ``forget``; a statement with bodies is
    worked out each time, from its parts."""
    import gast
    stmt = gast.parse(stmt_source).body[0]
    facts = dataflow.StatementFacts()
    assert facts.loads(stmt) == syntax.loaded_names(stmt)
    edited = stmt.body[0] if isinstance(stmt, gast.If) else stmt  # the simple one
    syntax.rename(edited, {"c": "e"})
    assert "c" in facts.loads(stmt)  # kept: the pass must say it edited the statement
    facts.forget(edited)
    assert facts.loads(stmt) == syntax.loaded_names(stmt)  # (an if: made from its parts)
    assert "e" in facts.loads(stmt)
