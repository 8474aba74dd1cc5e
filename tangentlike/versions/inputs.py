"""Products of a loop's input rows with a weight, computed a chunk of steps at a time.

In a recurrence ``h = tanh(xs[t] @ Wx + h @ Wh + b)`` the product ``xs[t] @ Wx`` does not
depend on the loop-carried state: each step multiplies one row of ``xs`` (16 rows of the
batch in the RNN of W4) by the same weight, a product far below the size where BLAS runs
at speed.  Since row ``j`` of ``xs[t:t + k] @ Wx`` is ``xs[t + j] @ Wx``, a version by
shape computes the products of ``chunk`` steps in one call, once every ``chunk`` steps,
and each step reads its row.  The chunk holds a bounded number of rows (``ROWS``), so the
memory does not grow with the number of steps.

The rewrite is made only where it cannot change a returned value of the user's function
(the product of a chunk may round differently than the step's own product):

- the loop is a top-level ``for t in range(stop)`` of the derivative (one argument: ``t``
  runs 0, 1, 2, ...) that no returned value of the user's function depends on, with no
  ``else``, ``break``, ``continue``, ``return`` or ``yield``;
- the product is ``u @ W`` in a top-level statement of the body, where ``u`` is ``X[t]`` or
  a name bound to ``X[t]`` by an earlier top-level statement of the body, ``X`` is a
  parameter the function never binds, and neither ``u`` (between), ``W`` nor ``t`` is bound
  in the body;
- the body changes nothing in place: no item or attribute assigned, no augmented
  assignment, no call but to pure functions (NumPy's, math's, without ``out=``) and a
  list's ``append``, so no alias of ``X`` or ``W`` changes either;
- ``X`` is a float array ``(T, *r)`` (the version's signature fixes it) with
  ``r`` one or two dimensions (``(d,)`` or ``(b, d)``, ``b`` at most ``MAX_STEP_ROWS``),
  and the instrumented run recorded one shape for ``W``, a float array ``(d, n)`` of
  ``X``'s dtype, and for the product, ``(*r[:-1], n)``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.rules.registry import is_pure_function
from tangentlike.versions.cancel import recorded
from tangentlike.versions.hoist import fresh_name

ROWS = 128  # rows of the input multiplied by one product
MAX_STEP_ROWS = 64  # a step's rows up to which its product is worth computing in chunks
# Methods of an array that change nothing (without ``out=``).
READING_METHODS = frozenset({"dot", "sum", "reshape", "copy", "transpose", "ravel", "astype",
                             "mean", "max", "min", "prod", "squeeze"})


def hoist_inputs(fn: gast.FunctionDef, bound: dict[str, Any], exact: set[int],
                 resolve: Callable[[gast.expr], Any]) -> bool:
    """Compute the products of input rows in ``fn``'s top-level loops a chunk of steps at a
    time (see the module); ``bound``: the parameters' values of the version's call;
    ``exact``: the statements a returned primal value depends on; ``resolve``: what a
    function expression names.  True if any changed."""
    loops = [s for s in fn.body if isinstance(s, gast.For) and id(s) not in exact]
    if not loops:
        return False
    names = syntax.all_names(fn)
    stored = set().union(*map(syntax.stored_names, fn.body))
    arrays = {p: v for p, v in bound.items() if type(v) is np.ndarray and p not in stored}
    known = _arrays(fn) | set(arrays)
    changed = False
    for loop in loops:
        changed |= _Loop(loop, names, arrays, _lists(fn), known, resolve).rewrite()
    return changed


class _Loop:
    def __init__(self, loop: gast.For, names: set[str], arrays: dict[str, np.ndarray],
                 lists: set[str], known: set[str], resolve: Callable[[gast.expr], Any]):
        self.loop, self.names, self.arrays, self.resolve = loop, names, arrays, resolve
        self.lists, self.known = lists, known  # names of lists, of arrays

    def rewrite(self) -> bool:
        loop = self.loop
        if not self._counted() or not self._in_place_free():
            return False
        counter = loop.target.id
        bound = set().union(*(syntax.stored_names(s) for s in loop.body))
        if counter in bound:
            return False
        rows: dict[str, tuple[str, int]] = {}  # u -> (X, position of ``u = X[t]``)
        chunks: list[gast.stmt] = []
        chunk_steps = None
        for position, stmt in enumerate(loop.body):
            parents = syntax.parents(stmt)
            for node in list(syntax.walk(stmt)):
                if not _matrix_product(node):
                    continue
                found = self._product(node, rows, position, bound)
                if found is None:
                    continue
                source, weight, steps = found
                if chunk_steps not in (None, steps):
                    continue
                chunk_steps = steps
                name = fresh_name(self.names, f"{source}_{weight}_rows")
                value = self._chunk(source, weight, counter, steps, node)
                row: gast.expr = gast.Subscript(value=syntax.load(name),
                                                slice=_modulo(counter, steps), ctx=gast.Load())
                old, folded = node, _folded(node, parents, bound)
                if folded is not None:  # (P + Q) + c: the chunk adds c
                    old, term, other = folded
                    value = gast.BinOp(left=value, op=gast.Add(), right=syntax.load(term))
                    if other is not None:
                        row = gast.BinOp(left=row, op=gast.Add(), right=other) \
                            if parents[id(node)].left is node else \
                            gast.BinOp(left=other, op=gast.Add(), right=row)
                chunks.append(syntax.assign(name, value))
                _replace(stmt, old, row)
            row_of = self._row(stmt, counter)
            if row_of is not None:
                rows[row_of[0]] = (row_of[1], position)
            for name in syntax.stored_names(stmt):
                if row_of is None or name != row_of[0]:
                    rows.pop(name, None)
        if not chunks:
            return False
        test = gast.Compare(left=_modulo(counter, chunk_steps), ops=[gast.Eq()],
                            comparators=[syntax.const(0)])
        heading = syntax.comment(f"The input products of the next {chunk_steps} steps")
        loop.body[:0] = [heading, gast.If(test=test, body=chunks, orelse=[])]
        return True

    def _counted(self) -> bool:
        """``for t in range(stop)`` with no else and no jump out of the body."""
        loop = self.loop
        if loop.orelse or not isinstance(loop.target, gast.Name):
            return False
        it = loop.iter
        if not (isinstance(it, gast.Call) and len(it.args) == 1 and not it.keywords
                and not isinstance(it.args[0], gast.Starred) and self.resolve(it.func) is range):
            return False
        return not any(isinstance(n, (gast.Break, gast.Continue, gast.Return, gast.Yield,
                                      gast.YieldFrom, gast.Global, gast.Nonlocal, gast.Lambda,
                                      gast.NamedExpr, gast.FunctionDef, gast.ClassDef))
                       for s in loop.body for n in syntax.walk(s))

    def _in_place_free(self) -> bool:
        """The body changes no value in place (see the module)."""
        for stmt in self.loop.body:
            if syntax.is_comment(stmt):
                continue
            if not isinstance(stmt, (gast.Assign, gast.Expr)):
                return False
            if isinstance(stmt, gast.Assign) and not all(
                    isinstance(t, gast.Name) for t in stmt.targets):
                return False
            for node in syntax.walk(stmt):
                if isinstance(node, gast.Call) and not self._harmless(node):
                    return False
        return True

    def _harmless(self, node: gast.Call) -> bool:
        if any(k.arg in (None, "out", "where") for k in node.keywords):
            return False
        if isinstance(node.func, gast.Attribute) and node.func.attr == "append" \
                and isinstance(node.func.value, gast.Name) and node.func.value.id in self.lists:
            return True
        if isinstance(node.func, gast.Attribute) and self.resolve(node.func) is None:
            # a method: it may change its object, unless it only reads an array
            return node.func.attr in READING_METHODS and isinstance(
                node.func.value, gast.Name) and node.func.value.id in self.known
        return is_pure_function(self.resolve(node.func))

    def _row(self, stmt: gast.stmt, counter: str) -> tuple[str, str] | None:
        """``(u, X)`` for ``u = X[t]``."""
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name):
            source = _indexed(stmt.value, counter)
            if source is not None and source != stmt.targets[0].id:
                return stmt.targets[0].id, source
        return None

    def _product(self, node: gast.expr, rows: dict[str, tuple[str, int]], position: int,
                 bound: set[str]) -> tuple[str, str, int] | None:
        """``(X, W, steps)`` for a product ``X[t] @ W`` (or ``X[t].dot(W)``) this module
        computes in chunks."""
        counter = self.loop.target.id
        left, right = _operands(node)
        source = _indexed(left, counter)
        if source is None and isinstance(left, gast.Name) and left.id in rows:
            source = rows[left.id][0]
        if source not in self.arrays or not isinstance(right, gast.Name) or right.id in bound:
            return None
        array = self.arrays[source]
        inputs = (np.ndarray, array.shape, array.dtype)
        weight, product = recorded(right), recorded(node)
        if weight is None or product is None:
            return None
        if not all(seen[0] is np.ndarray and seen[1] is not None
                   and np.issubdtype(seen[2], np.floating)
                   for seen in (inputs, weight, product)):
            return None
        shape, (d, n) = inputs[1], (weight[1] if len(weight[1]) == 2 else (None, None))
        if d is None or len(shape) not in (2, 3) or shape[-1] != d or min(*shape, d, n) <= 0 \
                or inputs[2] != weight[2] or product[2] != inputs[2] \
                or product[1] != (*shape[1:-1], n):
            return None
        step_rows = shape[1] if len(shape) == 3 else 1
        if step_rows > MAX_STEP_ROWS:
            return None
        return source, right.id, max(1, ROWS // step_rows)

    def _chunk(self, source: str, weight: str, counter: str, steps: int,
               node: gast.BinOp) -> gast.expr:
        """``X[t:t + steps].reshape(-1, d) @ W`` (reshaped back for 2-D rows)."""
        rows = gast.Subscript(value=syntax.load(source), slice=gast.Slice(
            lower=syntax.load(counter), upper=gast.BinOp(
                left=syntax.load(counter), op=gast.Add(), right=syntax.const(steps)),
            step=None), ctx=gast.Load())
        shape = self.arrays[source].shape
        if len(shape) == 2:
            return gast.BinOp(left=rows, op=gast.MatMult(), right=syntax.load(weight))
        flat = syntax.call(gast.Attribute(value=rows, attr="reshape", ctx=gast.Load()),
                           [syntax.const(-1), syntax.const(shape[-1])])
        product = gast.BinOp(left=flat, op=gast.MatMult(), right=syntax.load(weight))
        n = recorded(node)[1][-1]
        return syntax.call(gast.Attribute(value=product, attr="reshape", ctx=gast.Load()),
                           [syntax.const(-1), syntax.const(shape[1]), syntax.const(n)])


def _matrix_product(node: gast.AST) -> bool:
    """``a @ b`` or ``a.dot(b)``."""
    if isinstance(node, gast.BinOp):
        return isinstance(node.op, gast.MatMult)
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
        and node.func.attr == "dot" and len(node.args) == 1 and not node.keywords \
        and not isinstance(node.args[0], gast.Starred)


def _operands(node: gast.expr) -> tuple[gast.expr, gast.expr]:
    """``(a, b)`` of ``a @ b`` or ``a.dot(b)``."""
    if isinstance(node, gast.BinOp):
        return node.left, node.right
    return node.func.value, node.args[0]


def _folded(node: gast.expr, parents: dict[int, gast.AST],
            bound: set[str]) -> tuple[gast.BinOp, str, gast.expr | None] | None:
    """For the product ``P`` (``node``) in ``(P + Q) + c``, ``(Q + P) + c`` or ``P + c``,
    where ``c`` is a name the loop does not bind, an array of ``P``'s dtype whose shape
    broadcasts to ``P``'s, and every sum has ``P``'s shape: (the outer sum, ``c``, ``Q`` or
    None).  ``P + c`` is then computed for a chunk of steps at once (rounded differently
    from ``(P + Q) + c``: the loop is one no returned value depends on)."""
    product = recorded(node)
    parent = parents.get(id(node))
    if not (isinstance(parent, gast.BinOp) and isinstance(parent.op, gast.Add)):
        return None
    outer, other = parent, None
    grand = parents.get(id(parent))
    if not _invariant(parent.right, parent, product, bound):
        if not (isinstance(grand, gast.BinOp) and isinstance(grand.op, gast.Add)
                and grand.left is parent and recorded(parent) == product
                and _invariant(grand.right, grand, product, bound)):
            return None
        outer, other = grand, (parent.right if parent.left is node else parent.left)
    return outer, outer.right.id, other


def _invariant(term: gast.expr, total: gast.BinOp, product: tuple, bound: set[str]) -> bool:
    """``term`` (of the sum ``total``) is a name the loop does not bind, an array that
    broadcasts to the product's shape, of its dtype, and the sum has the product's shape."""
    if not isinstance(term, gast.Name) or term.id in bound or recorded(total) != product:
        return False
    seen = recorded(term)
    if seen is None or seen[0] is not np.ndarray or seen[1] is None or seen[2] != product[2] \
            or len(seen[1]) > len(product[1]):
        return False
    try:
        return np.broadcast_shapes(seen[1], product[1]) == product[1]
    except ValueError:
        return False


def _arrays(fn: gast.FunctionDef) -> set[str]:
    """The names ``fn`` binds only by plain assignments, each to ``None`` or to a value the
    instrumented run recorded as arrays only: calling a reading method on one changes
    nothing (on ``None`` it raises)."""
    simple: set[int] = set()
    names: set[str] = set()
    others: set[str] = set()
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name):
            simple.add(id(stmt.targets[0]))
            name = stmt.targets[0].id
            seen = anno.info(stmt.value).seen if anno.has_info(stmt.value) else None
            if isinstance(stmt.value, gast.Constant) and stmt.value.value is None:
                continue
            if seen and all(kind in (np.ndarray, type(None)) for kind, _, _ in seen):
                names.add(name)
            else:
                others.add(name)
    others |= {n.id for n in syntax.walk_names(fn)
               if not isinstance(n.ctx, gast.Load) and id(n) not in simple}
    return names - others


def _lists(fn: gast.FunctionDef) -> set[str]:
    """The names ``fn`` binds only to list displays (``stack = []``): appending to one
    changes no array."""
    displays: set[int] = set()
    lists: set[str] = set()
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.List):
            displays.add(id(stmt.targets[0]))
            lists.add(stmt.targets[0].id)
    others = {n.id for n in syntax.walk_names(fn)
              if not isinstance(n.ctx, gast.Load) and id(n) not in displays}
    return lists - others - {a.id for a in fn.args.posonlyargs + fn.args.args
                             + fn.args.kwonlyargs}


def _indexed(node: gast.expr, counter: str) -> str | None:
    """``X`` of ``X[t]`` (a name indexed by the loop counter), else None."""
    if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
            and syntax.is_name(node.slice, counter):
        return node.value.id
    return None


def _modulo(counter: str, steps: int) -> gast.expr:
    return gast.BinOp(left=syntax.load(counter), op=gast.Mod(), right=syntax.const(steps))


def _replace(stmt: gast.stmt, old: gast.expr, new: gast.expr) -> None:
    """Put ``new`` where ``old`` is in ``stmt``, with what was recorded for ``old``."""
    if anno.has_info(old):
        anno.info(new).seen = anno.info(old).seen
    syntax.replace_in(stmt, old, new)
