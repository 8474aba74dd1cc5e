"""``library``'s walks of a derivative's statements (origin comments by each class's block
fields, statements by its non-empty blocks) against the walks they replaced, on the
derivatives of the test functions (loops, branches, ``try`` blocks)."""
from __future__ import annotations

import importlib
import inspect

import gast
import pytest

import tangentlike
from tangentlike.frontend import library


def _origin_comments_every_field(body, found):
    """The walk as it was: every field of each statement, in field order."""
    for stmt in body:
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant):
            origin = getattr(stmt.value.value, "origin", None)
            if origin is not None:
                found.append(origin)
            continue
        for field in stmt._fields:
            inner = getattr(stmt, field, None)
            if inner.__class__ is list and inner and isinstance(
                    inner[0], (gast.stmt, gast.excepthandler)):
                _origin_comments_every_field(inner, found)


def _statements_every_block(body):
    for stmt in body:
        yield stmt
        for field in ("body", "orelse", "handlers", "finalbody"):
            yield from _statements_every_block(getattr(stmt, field, None) or [])


@pytest.mark.parametrize("module", ["golden_functions", "control_flow_functions",
                                    "golden_try_functions"])
def test_walks_find_what_the_walks_they_replaced_found(module, monkeypatch):
    seen = []
    note = library.note_generated

    def noting(path, source, functions, func):
        seen.append(functions)
        return note(path, source, functions, func)

    monkeypatch.setattr(library, "note_generated", noting)
    tangentlike.clear_cache()
    functions = importlib.import_module(module)
    for name, f in sorted(vars(functions).items()):
        if inspect.isfunction(f) and f.__module__ == functions.__name__:
            try:
                tangentlike.autodiff(f)
            except tangentlike.TangentlikeError:
                pass
    assert seen
    for emitted in seen:
        for fn in emitted:
            got, want = [], []
            library._origin_comments(fn.body, got)
            _origin_comments_every_field(fn.body, want)
            assert got == want
            assert list(library._statements(fn.body)) == list(
                _statements_every_block(fn.body))
