"""Sums of products as dot products in versions by shape.

Adjoints of a scalar that multiplies a vector arrive as ``np.sum(g * t)`` or
``(-bt * t / s).sum()``: an array the size of the vector made only to be summed.  With the
shapes recorded, ``g`` and ``t`` vectors of one shape and ``s`` a scalar, that is
``-(bt @ t) / s``: one pass, no array.  A sum of one vector times scalars is the vector's sum
times them (``(bt / s).sum()`` is ``bt.sum() / s``).

Only sums in statements tangentlike wrote (the user's values stay exactly as ``f`` computes
them), of real vectors of one shape and dtype (the sum's), and scalars that are Python numbers
or of that dtype, are rewritten: the result has the sum's type and dtype, and differs
from it by rounding (``@`` adds in another order; a scalar factor is applied once, after
the sum).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, dataflow, syntax
from tangentlike.versions.cancel import recorded
from tangentlike.versions.rewriter import Rewriter


class _Factors:
    """A product of vectors and scalars: ``sign * prod(vectors) * prod(up) / prod(down)``."""

    def __init__(self) -> None:
        self.sign = 1
        self.vectors: list[gast.expr] = []
        self.up: list[gast.expr] = []
        self.down: list[gast.expr] = []


def _split(node: gast.expr, vector: tuple, out: _Factors, below: bool = False,
           stands: tuple | None = None) -> bool:
    """Put ``node``'s factors into ``out`` (``below``: a divisor; ``stands``: what was
    recorded for the negation of ``node``, which has its shape and dtype); False when a
    factor is neither a vector of ``vector``'s shape and dtype nor a scalar, or a vector
    divides."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div)):
        if isinstance(node.op, gast.Div) and below:
            return False
        return (_split(node.left, vector, out, below)
                and _split(node.right, vector, out, below != isinstance(node.op, gast.Div)))
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        out.sign = -out.sign
        return _split(node.operand, vector, out, below, recorded(node) or stands)
    seen = recorded(node) or stands
    if syntax.is_number(node) and type(node.value) is not complex:
        (out.down if below else out.up).append(node)
        return True
    if seen is None:
        return False
    kind, shape, dtype = seen
    if kind is np.ndarray and shape == vector[1] and dtype == vector[2] and not below:
        out.vectors.append(node)
        return True
    if shape == () and (kind in (float, int) or (dtype == vector[2] and kind is not np.ndarray)):
        (out.down if below else out.up).append(node)
        return True
    return False


def _written(factors: _Factors) -> gast.expr | None:
    """The sum of the product, as a dot product or one vector's sum times the scalars."""
    if len(factors.vectors) == 2:
        core: gast.expr = gast.BinOp(left=factors.vectors[0], op=gast.MatMult(),
                                     right=factors.vectors[1])
    elif len(factors.vectors) == 1:
        sum_of = gast.Attribute(value=factors.vectors[0], attr="sum", ctx=gast.Load())
        core = syntax.call(sum_of, [])
    else:
        return None
    if factors.sign < 0:
        core = gast.UnaryOp(op=gast.USub(), operand=core)
    for scalar in factors.up:
        core = gast.BinOp(left=core, op=gast.Mult(), right=scalar)
    for scalar in factors.down:
        core = gast.BinOp(left=core, op=gast.Div(), right=scalar)
    return core


class _Sums(Rewriter):
    def __init__(self, resolve: Callable[[gast.expr], Any]):
        self.resolve = resolve
        self.changed = False

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        summed = self._summed(node)
        if summed is None:
            return node
        vector = recorded(summed)
        if not (vector is not None and vector[0] is np.ndarray and len(vector[1]) == 1
                and vector[2].kind == "f"):
            return node
        factors = _Factors()
        if not _split(summed, vector, factors) or (
                len(factors.vectors) == 1 and not (factors.up or factors.down)
                and factors.sign > 0):
            return node  # nothing to gain: the sum of one vector
        new = _written(factors)
        if new is None:
            return node
        self.changed = True
        return new

    def _summed(self, node: gast.Call) -> gast.expr | None:
        """``a`` of ``np.sum(a)`` or ``a.sum()`` (no other argument), else None."""
        if node.keywords:
            return None
        if (isinstance(node.func, gast.Attribute) and node.func.attr == "sum"
                and not node.args and recorded(node.func.value) is not None):
            return node.func.value
        if len(node.args) == 1 and self.resolve(node.func) is np.sum:
            return node.args[0]
        return None


def sums_as_dots(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> bool:
    """Rewrite ``fn``'s sums of products of vectors and scalars as dot products (see the
    module's docstring).  True if anything changed."""
    sums = _Sums(resolve)
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if _written_by_tangentlike(stmt):  # the user's own values stay exact
            sums.visit(stmt)
    return sums.changed


def _written_by_tangentlike(stmt: gast.stmt) -> bool:
    """A simple statement tangentlike wrote (an adjoint's), not one of the user's."""
    return (not isinstance(stmt, dataflow.COMPOUND) and anno.has_info(stmt)
            and anno.info(stmt).generated)


def _linear_step(parent: gast.AST, child: gast.AST) -> bool:
    """``parent`` is linear in ``child``: a factor of a product or quotient, a matrix product,
    or the array a sum (``x.sum()``) reduces."""
    if isinstance(parent, gast.BinOp):
        return isinstance(parent.op, (gast.Mult, gast.MatMult)) or (
            isinstance(parent.op, gast.Div) and parent.left is child)
    return (isinstance(parent, gast.Attribute) and parent.attr == "sum"
            and parent.value is child)


def _absorbing(read: gast.Name, parents: dict[int, gast.AST]) -> gast.UnaryOp | None:
    """The negation ``-(...)`` that ``read`` reaches through linear steps (``-(n @ t) / s``,
    ``-(n.sum() / s)``), or None."""
    node: gast.AST = read
    while True:
        parent = parents.get(id(node))
        if isinstance(parent, gast.UnaryOp) and isinstance(parent.op, gast.USub):
            return parent
        if isinstance(parent, gast.Call) and parent.func is node and not parent.args \
                and not parent.keywords and isinstance(node, gast.Attribute):
            node = parent  # x.sum(): the call of the attribute
            continue
        if parent is None or not _linear_step(parent, node):
            return None
        node = parent


def fold_negations(fn: gast.FunctionDef, temporaries: set[str]) -> bool:
    """``n = -a * b`` read only under another negation (``-(n @ t) / s``) as ``n = a * b``
    and ``(n @ t) / s``: one array operation fewer, the same value (signs are exact).  Only
    for a temporary bound once, every read of it under a negation through products,
    quotients' numerators, matrix products and sums.  True if anything changed."""
    counts = dataflow.definition_counts(fn)
    parents = syntax.parents(fn)
    reads: dict[str, list[gast.Name]] = {}
    for node in syntax.walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            reads.setdefault(node.id, []).append(node)
    changed = False
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name) and _written_by_tangentlike(stmt)):
            continue
        name = stmt.targets[0].id
        if name not in temporaries or counts.get(name) != 1 or not _signed(stmt.value):
            continue
        found = [_absorbing(r, parents) for r in reads.get(name, ())]
        if not found or None in found or len({id(f) for f in found}) != len(found):
            continue
        for negation in found:
            parent = parents[id(negation)]
            syntax.replace_child(parent, negation, negation.operand)
            parents[id(negation.operand)] = parent
        stmt.value = _without_sign(stmt.value)
        changed = True
    return changed


def _first_negation(value: gast.expr) -> tuple[gast.AST | None, gast.UnaryOp] | None:
    """The negation ``value`` starts with (``-a`` or the first factor of ``-a * b / c``)
    and its parent (None for ``value`` itself), else None."""
    parent, node = None, value
    while True:
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
            return parent, node
        if not (isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Mult, gast.Div))):
            return None
        parent, node = node, node.left


def _signed(value: gast.expr) -> bool:
    return _first_negation(value) is not None


def _without_sign(value: gast.expr) -> gast.expr:
    """``a * b`` for ``-a * b``, ``a`` for ``-a`` (changed in place where it can be)."""
    parent, negation = _first_negation(value)
    if parent is None:
        return negation.operand
    parent.left = negation.operand
    return value


def _sum_key(node: gast.AST, resolve: Callable[[gast.expr], Any]) -> str | None:
    """The name ``a`` summed by ``np.sum(a)`` or ``a.sum()`` (nothing else passed), else None."""
    if not isinstance(node, gast.Call) or node.keywords:
        return None
    if (isinstance(node.func, gast.Attribute) and node.func.attr == "sum" and not node.args
            and isinstance(node.func.value, gast.Name)
            and (recorded(node.func.value) or (None,))[0] is np.ndarray):
        return node.func.value.id
    if (len(node.args) == 1 and isinstance(node.args[0], gast.Name)
            and resolve(node.func) is np.sum):
        return node.args[0].id
    return None


def share_sums(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> bool:
    """``v = np.sum(a)`` moved up to the statement of the same block that first sums ``a``
    (``blog_sigma = unindex(-np.sum(bl2), ...)`` ... ``blog_p2 = np.sum(bl2)``), which then
    reads ``v``: one sum where there were two.  Only adjoint statements; nothing in between
    binds ``a`` or ``v`` or reads ``v``.  True if anything changed."""
    changed = False
    for block in syntax.blocks(fn.body):
        k = 0
        while k < len(block):
            stmt = block[k]
            k += 1
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], gast.Name) and _written_by_tangentlike(stmt)):
                continue
            summed, v = _sum_key(stmt.value, resolve), stmt.targets[0].id
            if summed is None or summed == v:
                continue
            first = _first_sum(block, k - 1, summed, v, resolve)
            if first is None:
                continue
            j, calls = first
            for call in calls:
                _replace_everywhere(block[j], call, syntax.load(v))
            del block[k - 1]
            block.insert(j, stmt)
            changed = True
    return changed


def _first_sum(block: list[gast.stmt], k: int, summed: str, v: str,
               resolve: Callable[[gast.expr], Any]) -> tuple[int, list[gast.Call]] | None:
    """The earliest statement before ``block[k]`` that sums ``summed`` (in the chain of
    statements up to ``k`` that bind neither ``summed`` nor ``v`` and do not read ``v``), and
    its sums of it; or None."""
    found = None
    for j in range(k - 1, -1, -1):
        stmt = block[j]
        if isinstance(stmt, dataflow.COMPOUND) or syntax.is_comment(stmt):
            if syntax.is_comment(stmt):
                continue
            break
        if dataflow.defs(stmt) & {summed, v} or v in dataflow.uses(stmt):
            break
        calls = [n for n in syntax.walk(stmt) if _sum_key(n, resolve) == summed]
        if calls and _written_by_tangentlike(stmt):
            found = (j, calls)
    return found


def _replace_everywhere(root: gast.AST, old: gast.AST, new: gast.AST) -> None:
    for node in syntax.walk(root):
        syntax.replace_child(node, old, new)
