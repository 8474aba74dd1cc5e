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
    """The keys of :func:`_candidates` (the same set, found without a generator: a walk
    that reads each class's fields inline, as ``syntax.walk_names_noting``, and does not
    enter a Name's annotation)."""
    keys = set()
    todo = [node]
    pop, push, extend = todo.pop, todo.append, todo.extend
    fields_by_class = syntax.FIELDS_BY_CLASS
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
        fields = fields_by_class.get(cls)
        if fields is None:
            fields = syntax.walked_fields(cls)
        for field in fields:  # (a value that is no node has no fields: dropped when popped)
            value = getattr(sub, field, None)
            if value.__class__ is list:
                extend(value)
            else:
                push(value)
    return keys


def _eligible(stmt: gast.stmt) -> bool:
    record = stmt.__dict__.get(anno.KEY) if stmt.__class__ is gast.Assign else None
    return (record is not None and record.generated and not record.keep
            and isinstance(stmt.targets[0], (gast.Name, gast.Tuple)))


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
        self.held: dict[int, set[Key]] = {}  # position -> its keys (eligible statements only)
        self._facts = facts
        self._defs: dict[str, list[int]] | None = None  # (made at the first repeats)
        self.compounds: list[int] = []
        compound = dataflow.COMPOUND
        for k, stmt in enumerate(block):
            if isinstance(stmt, compound):
                self.compounds.append(k)
            if _eligible(stmt):
                self._add(k)

    @property
    def defs(self) -> dict[str, list[int]]:
        """Name -> positions of the statements binding it.  Made at its first need: the pass
        binds no name in the block's indexed statements (it rewrites values, and inserts
        statements, which are not indexed), so the statements bind then what they bound
        when the pass started."""
        if self._defs is None:
            defs_of = dataflow.defs if self._facts is None else self._facts.defs
            self._defs = {}
            for k, stmt in enumerate(self.statements):
                for name in defs_of(stmt):
                    self._defs.setdefault(name, []).append(k)
        return self._defs

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
        """Whether ``stmt`` is eligible and an eligible statement after it holds one of its
        keys (if not, :meth:`repeats` finds nothing for any of them); True for a statement
        not indexed."""
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


class _LazyNamer:
    """A Namer of the names in ``fn``, made at the first :meth:`temp`: the pass changes
    nothing before its first share, so the names are those ``fn`` had when the pass started
    (most functions share nothing, and gathering the names of every statement is then
    spared)."""

    def __init__(self, fn: gast.FunctionDef, facts: dataflow.StatementFacts | None):
        self.fn, self.facts = fn, facts
        self.namer: Namer | None = None

    def temp(self) -> str:
        if self.namer is None:
            fn, facts = self.fn, self.facts
            self.namer = Namer(syntax.all_names(fn) if facts is None else facts.names_in(fn))
        return self.namer.temp()


def share_subexpressions(fn: gast.FunctionDef, temporaries: set[str],
                         facts: dataflow.StatementFacts | None = None) -> bool:
    """Compute each repeated arithmetic value of a block once (see the module docstring).
    Each new temporary is ``Namer.temp``'s next name free in ``fn`` as it is now (the
    optimizer has freed the low numbers of the temporaries it inlined); ``facts``: the
    statements' kept names and definitions, where given."""
    namer = _LazyNamer(fn, facts)
    changed = False
    for block in list(syntax.blocks(fn.body)):
        index = _Index(block, facts)
        i = 0
        while i < len(block):
            # The statements the loop meets are the indexed ones (each inserted statement is
            # stepped over), so may_repeat answers for each whether it is eligible, without
            # asking _eligible again (a rewrite of a value does not change that).
            if index.may_repeat(block[i]) and _share_from(
                    block, i, namer, temporaries, index):
                changed = True
                i += 1  # past the new temporary's statement
            i += 1
    return changed


def _share_from(block: list[gast.stmt], i: int, namer: _LazyNamer, temporaries: set[str],
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
