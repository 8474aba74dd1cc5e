"""``syntax.clone_name`` (the way ``syntax.clone`` copies a name) against the copy field
by field it replaces: the same fields, a new annotation record with the same contents,
contexts shared or cloned alike."""
from __future__ import annotations

import gast

from tangentlike.core import anno, syntax


def _fields(node: gast.AST) -> dict:
    out = {}
    for key, value in node.__dict__.items():
        if key == anno.KEY:
            out[key] = (type(value), dict(value.__dict__))
        elif isinstance(value, gast.AST):
            out[key] = (type(value), _fields(value))
        else:
            out[key] = value
    return out


def _check(node: gast.Name) -> None:
    copied, reference = syntax.clone_name(node), syntax._copy(node)
    assert copied is not node and _fields(copied) == _fields(reference)
    assert (copied.ctx is node.ctx) == (reference.ctx is node.ctx)
    if anno.has_info(node):
        assert anno.info(copied) is not anno.info(node)
        anno.info(copied).contribution = True
        assert not anno.info(node).contribution


def test_plain_and_annotated_names():
    _check(syntax.load("x"))
    annotated = syntax.store("y")
    anno.info(annotated).seen = frozenset({"a"})
    anno.info(annotated).callee = len
    _check(annotated)


def test_positions_context_and_annotation():
    node = syntax.parse("x = y").body[0].targets[0]  # with its positions
    _check(node)
    holding = gast.Name(id="z", ctx=gast.Load(), annotation=None, type_comment=None)
    holding.ctx.lineno = 3  # a context holding something is cloned, not shared
    _check(holding)
    with_annotation = gast.Name(id="z", ctx=gast.Param(), annotation=syntax.load("int"),
                                type_comment=None)
    _check(with_annotation)
    assert syntax.clone_name(with_annotation).annotation is not with_annotation.annotation
