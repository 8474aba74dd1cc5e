"""``adjoints._reused``: a template's contribution ``bx = e``, just rebuilt, becomes
``bx = bx + e`` in place of a new statement; ``build._first``: a first contribution
``bx = bx + g`` becomes ``bx = g`` in place.  Each result must be the tree made anew before:
the same fields in the same order, no positions, the same annotation record (and a target
or record that is not plainly what a new one holds means a new statement, as before)."""
from __future__ import annotations

import gast

from tangentlike.ad.reverse import build
from tangentlike.ad.reverse.adjoints import _reused, _sum
from tangentlike.core import anno, syntax


def _shell(target: gast.expr) -> gast.Assign:
    """``target = g * cos(x)`` as a rebuild makes it: positions, and the template's record."""
    stmt = gast.Assign(targets=[target], value=syntax.parse_expr("g * cos(x)"),
                       type_comment=None, lineno=3, col_offset=4, end_lineno=3,
                       end_col_offset=20)
    record = anno.info(stmt)
    record.contribution = record.generated = True
    record.seen = frozenset({"g"})
    return stmt


def _fresh(adjoint: str, value: gast.expr) -> gast.Assign:
    """What ``accumulate`` builds without a shell."""
    stmt = syntax.assign(adjoint, _sum(syntax.load(adjoint), value))
    record = anno.info(stmt)
    record.contribution = record.generated = True
    return stmt


def _tree(stmt: gast.stmt) -> list[object]:
    return [gast.dump(stmt, include_attributes=True)] + [
        (node.__class__.__name__, list(node.__dict__),
         dict(anno.info(node).__dict__) if anno.has_info(node) else None)
        for node in gast.walk(stmt)]


def test_reused_is_the_new_statement():
    shell = _shell(syntax.store("bx"))
    target, value = shell.targets[0], shell.value
    reused = _reused(shell, "bx", value)
    assert reused is shell and reused.targets[0] is target
    assert _tree(reused) == _tree(_fresh("bx", syntax.parse_expr("g * cos(x)")))


def test_other_targets_are_replaced():
    for target in (syntax.store("by"),  # (another name: not the adjoint's)
                   gast.Subscript(value=syntax.load("bx"), slice=syntax.const(0),
                                  ctx=gast.Store())):
        shell = _shell(target)
        reused = _reused(shell, "bx", shell.value)
        assert reused.targets[0] is not target
        assert _tree(reused) == _tree(_fresh("bx", syntax.parse_expr("g * cos(x)")))
    named = syntax.store("bx")
    anno.info(named).generated = True  # (a record: not the plain name a new one is)
    shell = _shell(named)
    reused = _reused(shell, "bx", shell.value)
    assert reused.targets[0] is not named
    assert _tree(reused) == _tree(_fresh("bx", syntax.parse_expr("g * cos(x)")))


def _first_fresh(name: str, value: gast.expr, origin) -> gast.Assign:
    """What ``first_contributions`` wrote anew for a first contribution: ``bx = g``."""
    stmt = syntax.assign(name, value)
    record = anno.info(stmt)
    record.generated = True
    record.origin = origin
    return stmt


def test_first_contribution_in_place_is_the_new_statement():
    origin = object()  # (any origin: carried over as it is)
    stmt = _fresh("bx", syntax.parse_expr("g * cos(x)"))
    anno.info(stmt).origin = origin
    target, value = stmt.targets[0], stmt.value.right
    first = build._first(stmt, target, value, anno.info(stmt))
    assert first is stmt and first.targets[0] is target
    assert _tree(first) == _tree(_first_fresh("bx", syntax.parse_expr("g * cos(x)"), origin))


def test_first_contribution_with_more_is_a_new_statement():
    stmt = _fresh("bx", syntax.parse_expr("g * cos(x)"))
    anno.info(stmt).seen = frozenset({"g"})  # (a record with more set: not reused)
    before = _tree(stmt)
    first = build._first(stmt, stmt.targets[0], stmt.value.right, anno.info(stmt))
    assert first is not stmt and _tree(stmt) == before
    assert _tree(first) == _tree(_first_fresh("bx", syntax.parse_expr("g * cos(x)"), None))
    stmt = _fresh("bx", syntax.parse_expr("g * cos(x)"))
    stmt.lineno = 3  # (a field more: not reused)
    first = build._first(stmt, stmt.targets[0], stmt.value.right, anno.info(stmt))
    assert first is not stmt
    assert _tree(first) == _tree(_first_fresh("bx", syntax.parse_expr("g * cos(x)"), None))
