"""``adjoints._reused``: a template's contribution ``bx = e``, just rebuilt, becomes
``bx = bx + e`` in place of a new statement.  The result must be the tree ``accumulate``
builds anew: the same fields in the same order, no positions, the same annotation record
(and a target that is not a plain ``Name`` of the adjoint replaced by one)."""
from __future__ import annotations

import gast

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
