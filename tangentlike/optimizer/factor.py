"""Like terms and common factors in generated sums (an optimizer pass).

Adjoints of a value used several times arrive as sums of products that share a factor:
the gradient of ``x = sin(x) * x + 0.5 * x`` adds ``0.5 * bx``, ``t1 * bx`` and
``bx * x * cos(x)``.  Written as ``(0.5 + t1 + x * cos(x)) * bx`` it multiplies once, as a
person would write it; ``h * dh + dh * h`` is ``2 * h * dh``.

Only sums of products (``+``, ``-``, ``*`` and unary ``-``) in statements tangentlike wrote
are rewritten, and only sums that are surely sums of numbers: NumPy adds booleans by ``or``
(a mask ``m`` gives ``m * g + m * g == m * g``), so the sum's first term, and the first term
of every sum written instead, must be a number or an array of numbers: a product with a
numeric constant, or a value the instrumented run of a version saw as one.  Then
``a * g + b * g == (a + b) * g`` up to rounding, broadcasting included.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, dataflow, syntax

Term = tuple[float, list[gast.expr]]  # coefficient, factors


def _terms(node: gast.expr, sign: float = 1.0) -> list[Term]:
    """``node`` as a signed sum of products of factors (flattening ``+``, ``-``, ``*``)."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)):
        right = -sign if isinstance(node.op, gast.Sub) else sign
        return _terms(node.left, sign) + _terms(node.right, right)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return [(-c, f) for c, f in _terms(node.operand, sign)] if _is_product(
            node.operand) else [(-sign, [node.operand])]
    coefficient, factors = sign, []
    for factor in _factors(node):
        if syntax.is_number(factor):
            coefficient *= factor.value
        else:
            factors.append(factor)
    return [(coefficient, factors)]


def _is_product(node: gast.expr) -> bool:
    return not (isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub)))


def _factors(node: gast.expr) -> list[gast.expr]:
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        return _factors(node.left) + _factors(node.right)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return [syntax.const(-1)] + _factors(node.operand)
    return [node]


def _numeric(node: gast.expr) -> bool:
    """Surely a number or an array of numbers (not a boolean): what a sum may start with."""
    if syntax.is_number(node):
        return True
    if isinstance(node, gast.BinOp):
        if isinstance(node.op, gast.Div):
            return True
        return isinstance(node.op, (gast.Add, gast.Sub, gast.Mult)) and (
            _numeric(node.left) or _numeric(node.right))
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return _numeric(node.operand)
    seen = anno.info(node).seen if anno.has_info(node) else None
    return bool(seen) and all(_numeric_kind(kind, dtype) for kind, _, dtype in seen)


def _numeric_kind(kind: type, dtype: Any) -> bool:
    """A recorded value's type and dtype (for a tuple or list, versions/observe.py records
    whether it holds an integer in that place, not a dtype: not a number)."""
    if kind in (int, float, complex):
        return True
    return isinstance(dtype, np.dtype) and dtype.kind in "iufc"


def _numeric_term(term: Term) -> bool:
    """The term, as written by ``_product``, is surely numeric."""
    coefficient, factors = term
    return abs(coefficient) != 1 or not factors or any(_numeric(f) for f in factors)


def _key(factors: list[gast.expr]) -> tuple[str, ...]:
    return tuple(sorted(syntax.dump(f) for f in factors))


def _like_terms(terms: list[Term]) -> list[Term]:
    """Terms with the same factors (in any order) as one, their coefficients added."""
    merged: dict[tuple[str, ...], Term] = {}
    for coefficient, factors in terms:
        key = _key(factors)
        if key in merged:
            merged[key] = (merged[key][0] + coefficient, merged[key][1])
        else:
            merged[key] = (coefficient, factors)
    return list(merged.values())


def _common_name(terms: list[Term]) -> str | None:
    """The name that is a factor of the most terms (of two at least)."""
    counts: dict[str, int] = {}
    for _, factors in terms:
        for name in {f.id for f in factors if isinstance(f, gast.Name)}:
            counts[name] = counts.get(name, 0) + 1
    best = max(counts.items(), key=lambda item: item[1], default=(None, 0))
    return best[0] if best[1] >= 2 else None


def _product(coefficient: float, factors: list[gast.expr]) -> tuple[float, gast.expr]:
    """``(sign, |coefficient| * f1 * f2 ...)``."""
    sign = -1.0 if coefficient < 0 else 1.0
    magnitude = abs(coefficient)
    node = None if magnitude == 1 and factors else syntax.const(magnitude)
    for factor in factors:
        node = factor if node is None else gast.BinOp(left=node, op=gast.Mult(), right=factor)
    return sign, node


def _sum(terms: list[Term]) -> gast.expr:
    """The terms as ``a + b - c``, starting with a numeric term (there is one), positive
    if one is."""
    terms = sorted(terms, key=lambda t: (not _numeric_term(t), t[0] < 0))  # stable
    node = None
    for coefficient, factors in terms:
        sign, product = _product(coefficient, factors)
        if node is None:
            node = product if sign > 0 else gast.UnaryOp(op=gast.USub(), operand=product)
        else:
            op = gast.Add() if sign > 0 else gast.Sub()
            node = gast.BinOp(left=node, op=op, right=product)
    return node


def _factored(terms: list[Term]) -> list[Term]:
    """Pull the most common name out of the terms that have it, as long as one is shared."""
    name = _common_name(terms)
    if name is None:
        return terms
    with_name, rest = [], []
    for coefficient, factors in terms:
        index = next((i for i, f in enumerate(factors) if syntax.is_name(f, name)), None)
        if index is None:
            rest.append((coefficient, factors))
        else:
            with_name.append((coefficient, factors[:index] + factors[index + 1:]))
    if not any(_numeric_term(t) for t in with_name):
        return terms  # (m1 + m2) * g would be wrong for masks m1, m2
    inner_sum = _sum(_factored(with_name))  # two terms at least, unlike (merged before)
    return [(1.0, [inner_sum, syntax.load(name)])] + rest


def simplify_sum(node: gast.expr) -> gast.expr | None:
    """``node`` with like terms added and common factors pulled out, or None if nothing
    changes."""
    if not _is_sum(node):
        return None
    first = node.left  # (the first term is the leftmost one's, with the sign +1: asked first)
    while _is_sum(first):
        first = first.left
    if not _numeric_term(_terms(first)[0]):
        return None  # perhaps masks added by `or`
    terms = _terms(node)
    merged = _like_terms(terms)
    if any(coefficient == 0 for coefficient, _ in merged):
        return None  # terms that cancel: 0 would lose the shape (cancel.py knows shapes)
    factored = _factored(merged)
    if len(merged) == len(terms) and factored is merged or not any(map(_numeric_term, factored)):
        return None  # no change, or no numeric term left to start the sum
    return _sum(factored)


def _product_parts(node: gast.expr) -> list[gast.expr] | None:
    """The factors of a product of ``*`` and unary ``-`` (numbers included), or None."""
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult):
        left, right = _product_parts(node.left), _product_parts(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _product_parts(node.operand)
        return None if inner is None else [syntax.const(-1)] + inner
    return [node]


def _keep_records(node: gast.expr) -> None:
    """Give the operand of each negation in the product ``node`` what was recorded for the
    negation (the same shape and dtype), where nothing was recorded for it: the negation
    goes, and the versions read shapes from these records."""
    for inner in gast.walk(node):
        if (isinstance(inner, gast.UnaryOp) and isinstance(inner.op, gast.USub)
                and anno.has_info(inner) and anno.info(inner).seen is not None
                and not (anno.has_info(inner.operand) and anno.info(inner.operand).seen)):
            anno.info(inner.operand).seen = anno.info(inner).seen


def _floating(node: gast.expr) -> bool:
    """Surely a float or complex number or array (a float constant, or recorded as one)."""
    if isinstance(node, gast.Constant):
        return type(node.value) in (float, complex)
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Div):
        return True
    if isinstance(node, gast.BinOp):
        return _floating(node.left) or _floating(node.right)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return _floating(node.operand)
    seen = anno.info(node).seen if anno.has_info(node) else None
    return bool(seen) and all(kind in (float, complex) or (
        isinstance(dtype, np.dtype) and dtype.kind in "fc") for kind, _, dtype in seen)


def _power_of_two(value: float) -> bool:
    """``value`` is plus or minus a power of two (1 included): multiplying by it is exact."""
    mantissa, _ = math.frexp(abs(value)) if math.isfinite(value) and value else (0.0, 0)
    return mantissa == 0.5


def simplify_product(node: gast.expr) -> gast.expr | None:
    """A product's numbers and negations as one coefficient in front (``2.0 * -g`` is
    ``-2.0 * g``, ``0.5 * -a * 2 * b`` is ``-a * b``), or None if there is nothing to fold.

    Numbers are folded only where at most one of them is not a power of two, so the
    coefficient is exact and so is the product (signs and powers of two scale exactly,
    overflow and underflow aside); the factors keep their order, and only a number
    moved in front of them may round differently (as ``a * g + b * g == (a + b) * g``).  A
    coefficient of 1 or -1 is left out only where that keeps the dtype (a factor surely
    floating, or no float among the numbers folded) and -1 goes on a factor surely numeric
    (``-m`` of a mask ``m`` would fail), else on the whole product."""
    parts = _product_parts(node)
    if parts is None or len(parts) < 2:
        return None
    numbers = [p for p in parts if syntax.is_number(p)]
    factors = [p for p in parts if not syntax.is_number(p)]
    if not factors or len(numbers) < 2:
        return None  # (a negation counts as the number -1)
    if sum(not _power_of_two(n.value) for n in numbers) > 1:
        return None  # 3.0 * (0.1 * x) is not 0.30000000000000004 * x: leave it as written
    coefficient = 1
    for number in numbers:
        coefficient = coefficient * number.value
    if not (isinstance(coefficient, int) or math.isfinite(coefficient)) or coefficient == 0:
        return None  # 0 * a keeps a's shape, and inf * 0 is nan: leave those as written
    floats = any(type(n.value) is float for n in numbers)
    drop = abs(coefficient) == 1 and (not floats or any(_floating(f) for f in factors))
    product = None if drop else syntax.const(coefficient)
    if drop and coefficient < 0:
        first = next((i for i, f in enumerate(factors) if _numeric(f)), None)
        if first is not None:
            factors = factors[:]
            factors[first] = gast.UnaryOp(op=gast.USub(), operand=factors[first])
            coefficient = 1
    for factor in factors:
        product = factor if product is None else gast.BinOp(
            left=product, op=gast.Mult(), right=factor)
    if drop and coefficient < 0:
        product = gast.UnaryOp(op=gast.USub(), operand=product)
    if syntax.dump(product) == syntax.dump(node):
        return None
    _keep_records(node)
    if anno.has_info(node) and anno.info(node).seen is not None:
        anno.info(product).seen = anno.info(node).seen
    return product


class _Sums(syntax.Transformer):
    """Simplify every sum in an expression, each as a whole (not its partial sums), and
    fold the numbers of every product (each as a whole)."""

    def __init__(self) -> None:
        self.changed = False

    def visit_BinOp(self, node: gast.BinOp, whole: bool = True) -> gast.expr:
        is_sum, is_product = _is_sum(node), _is_product_node(node)
        for field in ("left", "right"):
            child = getattr(node, field)
            if is_sum and _is_sum(child):
                setattr(node, field, self.visit_BinOp(child, whole=False))
            elif is_product and _is_product_node(child):
                setattr(node, field, self._visit_part(child))
            else:
                setattr(node, field, self.visit(child))
        if is_product and whole:
            return self._product(node)
        if not (is_sum and whole):
            return node
        new = simplify_sum(node)
        if new is None:
            return node
        self.changed = True
        return new

    def visit_UnaryOp(self, node: gast.UnaryOp, whole: bool = True) -> gast.expr:
        if not _is_product_node(node):
            self.generic_visit(node)
            return node
        node.operand = (self._visit_part(node.operand) if _is_product_node(node.operand)
                        else self.visit(node.operand))
        return self._product(node) if whole else node

    def visit_Name(self, node: gast.Name) -> gast.expr:
        # (generic_visit would enter only an annotation: a Name in a value has none)
        return node if node.annotation is None else self.generic_visit(node)

    def visit_Constant(self, node: gast.Constant) -> gast.expr:
        return node  # (no node inside: generic_visit would change nothing)

    def _visit_part(self, node: gast.expr) -> gast.expr:
        if isinstance(node, gast.BinOp):
            return self.visit_BinOp(node, whole=False)
        return self.visit_UnaryOp(node, whole=False)

    def _product(self, node: gast.expr) -> gast.expr:
        new = simplify_product(node)
        if new is None:
            return node
        self.changed = True
        return new


def _is_product_node(node: gast.expr) -> bool:
    return (isinstance(node, gast.BinOp) and isinstance(node.op, gast.Mult)) or (
        isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub))


def _is_sum(node: gast.expr) -> bool:
    return isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub))


def factor_sums(statements: Iterable[gast.stmt],
                facts: dataflow.StatementFacts | None = None) -> bool:
    """Apply :func:`simplify_sum` to the sums in every generated assignment of arithmetic
    (``facts``: told of each statement changed, and remembering those with nothing to do)."""
    changed = False
    if facts is not None:  # (a marked statement: edit_unless_settled would find nothing)
        statements = facts.unmarked(statements, "factored")
    for stmt in statements:
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.value, (gast.BinOp, gast.UnaryOp))
                and anno.has_info(stmt) and anno.info(stmt).generated):
            factor = functools.partial(_factor, stmt)
            changed |= (factor() if facts is None
                        else facts.edit_unless_settled(stmt, "factored", factor))
    return changed


def _factor(stmt: gast.Assign) -> bool:
    if not _may_change(stmt.value):
        return False  # (what _Sums finds there: nothing)
    sums = _Sums()
    stmt.value = sums.visit(stmt.value)
    return sums.changed


def _may_change(node: gast.expr) -> bool:
    """Whether :class:`_Sums` may change ``node``.  It may not where no name is read twice
    in ``node`` (a called function's name aside) and ``node`` holds at most one seed: a
    constant, a negation, or a node with nothing inside (``[]``; ``f()``, its function's
    name aside).  Why: a product's numbers fold only where it has two (a negation counts as
    -1: two seeds); a sum changes only where two of its terms have like factors or share a
    name factor.  A name factor in two terms is a name read twice; two terms of numbers only
    hold two constants; two equal factors hold the same names in the same places (read
    twice, unless they are called functions' names, which pair with each other only) or,
    without such names, each end in a constant or a node with nothing inside: two seeds.
    One walk without a call per node, where the transformer visits every node and splits
    every sum into terms (most generated statements have no seed twice)."""
    names: set[str] = set()
    seeds = 0
    todo = [node]
    pop, push = todo.pop, todo.append
    fields_by_class = syntax.FIELDS_BY_CLASS
    while todo:
        sub = pop()
        cls = sub.__class__
        if cls is gast.Name:
            if sub.id in names or sub.annotation is not None:
                return True
            names.add(sub.id)
            continue
        if cls is gast.Constant or cls is gast.UnaryOp and sub.op.__class__ is gast.USub:
            seeds += 1
            if seeds > 1:
                return True
            if cls is gast.Constant:
                continue
        fields = fields_by_class.get(cls)
        if fields is None:
            fields = syntax.walked_fields(cls)
        inside = False
        for field in fields:
            value = getattr(sub, field, None)
            if field == "func" and value.__class__ is gast.Name:
                continue  # (a call's function name: not a value of the sum)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, gast.AST):
                        push(item)
                        inside = True
            elif isinstance(value, gast.AST):
                push(value)
                inside = True
        if not inside:
            seeds += 1  # (a node with nothing inside: one more seed)
            if seeds > 1:
                return True
    return False
