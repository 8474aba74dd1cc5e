"""Common subexpressions: an arithmetic value written twice in a block is computed once.

Forward mode over reverse mode (a Hessian-vector product) meets the same factor from both
sides: the tangent of ``h = tanh(a)`` is ``dh = da * (1.0 - h * h)`` and the adjoint of ``a``
is ``bh * (1.0 - h * h)``.  Here the second ``1.0 - h * h`` reads the first's value:

    t41 = 1.0 - h * h
    dh = dt1 * t41
    ...
    dbt1 = dbh * t41 + ...

Only arithmetic on names and numbers (``+ - * / ** @``, unary ``-``, attributes such as
``W.T``) in statements tangentlike wrote, within one block, where nothing in between
assigns a name the expression reads.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterator

import gast

from tangentlike.core import anno, dataflow, syntax
from tangentlike.core.naming import Namer

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.MatMult)
Key = tuple


def _key(node: gast.expr) -> Key | None:
    """A structural key of a pure arithmetic expression, or None for anything else."""
    if isinstance(node, gast.Name):
        return ("name", node.id)
    if isinstance(node, gast.Constant) and type(node.value) in (int, float):
        return ("const", type(node.value), node.value)
    if isinstance(node, gast.Attribute) and node.attr == "T":
        inner = _key(node.value)
        return None if inner is None else ("T", inner)
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _key(node.operand)
        return None if inner is None else ("neg", inner)
    if isinstance(node, gast.BinOp) and isinstance(node.op, _ARITHMETIC):
        left, right = _key(node.left), _key(node.right)
        if left is None or right is None:
            return None
        return ("op", type(node.op), left, right)
    return None


def _candidates(node: gast.AST) -> Iterator[tuple[Key, gast.BinOp]]:
    """The arithmetic subexpressions of ``node`` worth sharing (an operation on an operation:
    ``1.0 - h * h``, not ``h * h``), largest first."""
    for sub in syntax.walk(node):  # (breadth first, as ast.walk)
        if isinstance(sub, gast.BinOp) and (isinstance(sub.left, gast.BinOp)
                                            or isinstance(sub.right, gast.BinOp)):
            key = _key(sub)
            if key is not None:
                yield key, sub


def _candidate_keys(node: gast.AST) -> set[Key]:
    """The keys of :func:`_candidates` (the same set, found without a generator)."""
    keys = set()
    todo = [node]
    pop = todo.pop
    while todo:
        sub = pop()
        cls = sub.__class__
        if cls is gast.Name:
            continue
        if cls is gast.BinOp and (sub.left.__class__ is gast.BinOp
                                  or sub.right.__class__ is gast.BinOp):
            key = _key(sub)
            if key is not None:
                keys.add(key)
        todo += syntax.child_nodes(sub)
    return keys


def _eligible(stmt: gast.stmt) -> bool:
    return (isinstance(stmt, gast.Assign) and anno.has_info(stmt) and anno.info(stmt).generated
            and not anno.info(stmt).keep and isinstance(stmt.targets[0], (gast.Name, gast.Tuple)))


class _Replace(syntax.Transformer):
    def __init__(self, key: Key, name: str):
        self.key, self.name = key, name
        self.count = 0

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        if _key(node) == self.key:
            self.count += 1
            return syntax.load(self.name)
        self.generic_visit(node)
        return node


class _Index:
    """Where each arithmetic value, definition and compound statement of a block is, by the
    statements' positions when the pass started (a statement inserted later, a shared value,
    always stands before the statement being looked at, so it is never looked up): a repeat
    is found without reading every later statement again."""

    def __init__(self, block: list[gast.stmt], facts: dataflow.StatementFacts | None = None):
        self.order = {id(stmt): k for k, stmt in enumerate(block)}
        self.statements = list(block)
        self.keys: dict[Key, list[int]] = {}  # key -> positions of eligible statements with it
        self.held: dict[int, set[Key]] = {}  # position -> its keys
        self.defs: dict[str, list[int]] = {}  # name -> positions of statements binding it
        self.compounds: list[int] = []
        defs_of = dataflow.defs if facts is None else facts.defs
        for k, stmt in enumerate(block):
            if isinstance(stmt, dataflow.COMPOUND):
                self.compounds.append(k)
            for name in defs_of(stmt):
                self.defs.setdefault(name, []).append(k)
            if _eligible(stmt):
                self._add(k)

    def _add(self, k: int) -> None:
        held = self.held[k] = _candidate_keys(self.statements[k].value)
        for key in held:
            bisect.insort(self.keys.setdefault(key, []), k)

    def changed(self, stmt: gast.stmt) -> None:
        """``stmt``'s value was rewritten: index its keys again."""
        k = self.order[id(stmt)]
        for key in self.held.pop(k, ()):
            positions = self.keys[key]
            del positions[bisect.bisect_left(positions, k)]
        self._add(k)

    def may_repeat(self, stmt: gast.stmt) -> bool:
        """Whether an eligible statement after ``stmt`` holds one of its keys (if not,
        :meth:`repeats` finds nothing for any of them)."""
        k = self.order.get(id(stmt))
        if k is None:
            return True  # (not indexed: look)
        for key in self.held.get(k, ()):
            positions = self.keys[key]
            if positions[-1] > k:
                return True
        return False

    def repeats(self, stmt: gast.stmt, key: Key, reads: set[str]) -> list[gast.stmt]:
        """The eligible statements after ``stmt`` that repeat ``key``, up to the first
        compound statement or statement that binds one of ``reads`` (included)."""
        k = self.order[id(stmt)]
        stop = len(self.statements)
        for positions in [self.compounds] + [self.defs.get(name, []) for name in reads]:
            j = bisect.bisect_right(positions, k)
            if j < len(positions):
                stop = min(stop, positions[j])
        positions = self.keys.get(key, [])
        first, last = bisect.bisect_right(positions, k), bisect.bisect_right(positions, stop)
        return [self.statements[j] for j in positions[first:last]]


def share_subexpressions(fn: gast.FunctionDef, temporaries: set[str],
                         facts: dataflow.StatementFacts | None = None) -> bool:
    """Compute each repeated arithmetic value of a block once (see the module docstring).
    Each new temporary is ``Namer.temp``'s next name free in ``fn`` as it is now (the
    optimizer has freed the low numbers of the temporaries it inlined); ``facts``: the
    statements' kept names and definitions, where given."""
    namer = Namer(syntax.all_names(fn) if facts is None else facts.names_in(fn))
    changed = False
    for block in list(syntax.blocks(fn.body)):
        index = _Index(block, facts)
        i = 0
        while i < len(block):
            if (_eligible(block[i]) and index.may_repeat(block[i])
                    and _share_from(block, i, namer, temporaries, index)):
                changed = True
                i += 1  # past the new temporary's statement
            i += 1
    return changed


def _share_from(block: list[gast.stmt], i: int, namer: Namer, temporaries: set[str],
                index: _Index) -> bool:
    """Share the largest arithmetic value of ``block[i]`` that a later statement repeats."""
    stmt = block[i]
    for key, node in sorted(_candidates(stmt.value), key=lambda c: -len(str(c[0]))):
        reads = syntax.loaded_names(node)
        if reads & dataflow.defs(stmt):
            continue  # the statement changes what it reads: a later copy is another value
        repeats = index.repeats(stmt, key, reads)
        if not repeats:
            continue
        name = namer.temp()
        temporaries.add(name)
        for target in [stmt] + repeats:
            target.value = _Replace(key, name).visit(target.value)
        for target in repeats:
            index.changed(target)
        shared = syntax.assign(name, node)
        anno.info(shared).generated = True
        block.insert(i, shared)
        return True
    return False
