"""``library``'s walks of a derivative's statements (origin comments by each class's block
fields, statements by its non-empty blocks) against the walks they replaced, on the
derivatives of the test functions (loops, branches, ``try`` blocks); and the one walk
(``_origins``) that notes both the origin comments and the statements' origins against
the two walks it replaced, in the order ``_spans`` finds the statements in the printed
text."""
from __future__ import annotations

import ast
import importlib
import inspect

import gast
import pytest

import tangentlike
from tangentlike.core import anno, syntax
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
    """Every statement, each one's blocks in its fields' order (a try's handlers before
    its else, as printed)."""
    for stmt in body:
        yield stmt
        for field in stmt._fields:
            if field in ("body", "orelse", "handlers", "finalbody"):
                yield from _statements_every_block(getattr(stmt, field, None) or [])


@pytest.mark.parametrize("module", ["golden_functions", "control_flow_functions",
                                    "golden_try_functions"])
def test_walks_find_what_the_walks_they_replaced_found(module, monkeypatch):
    seen = []
    note = library.note_generated

    def noting(path, source, functions, func):
        seen.append((functions, source))
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
    tries = 0
    for emitted, source in seen:
        origins = []
        for fn in emitted:
            got, want, noted = [], [], []
            library._origins(fn.body, got, noted)
            _origin_comments_every_field(fn.body, want)
            assert got == want
            statements = list(_statements_every_block(fn.body))
            assert list(library._statements(fn.body)) == statements
            assert noted == [anno.info(s).origin if anno.has_info(s) else None
                             for s in statements if not syntax.is_comment(s)]
            origins += noted
            tries += sum(isinstance(s, gast.Try) for s in statements)
        # ``_spans`` matches them, in order, to the statements of the printed text
        written = [s for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)
                   for s in library._statements(node.body)]
        assert len(written) == len(origins)
        classes = [type(s).__name__ for fn in emitted for s in _statements_every_block(fn.body)
                   if not syntax.is_comment(s)]
        assert [type(s).__name__ for s in written] == classes
    assert tries or module != "golden_try_functions"
