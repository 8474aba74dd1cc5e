"""Sums of per-step matrix products in a backward loop, computed a chunk of steps at a time.

The adjoint of a weight that every step of a loop uses is a sum of per-step products:
``bWh = bWh + h.T @ bt`` runs once a step, a product whose inner dimension is the step's
batch (16 rows in the RNN of W4), far below the size where BLAS runs at speed, plus a call
and an addition each step.  Since ``sum_t A_t.T @ G_t`` is ``A.T @ G`` for ``A`` and ``G``
the steps' factors stacked row-wise, a version by shape keeps each step's two factors (copies,
in preallocated buffers of ``chunk`` steps) and adds one product per ``chunk`` steps, and one
for the steps left after the loop.  The buffers hold a bounded number of rows (``ROWS``), so
the memory does not grow with the number of steps.

The rewrite is made only where it cannot change a value (besides rounding: the terms are
added in another order):

- the loop is a top-level ``for`` loop of the derivative that no returned value of the
  user's function depends on (the primal invariant), with no ``else``, ``break``,
  ``continue``, ``return`` or ``yield``: every step runs the whole body;
- the sum ``acc = acc + P @ Q`` is a top-level statement of its body, and ``acc`` is read or
  written nowhere else in the loop (no other reader sees a partial sum);
- ``P`` and ``Q`` are names or their transposes, and the instrumented run recorded one
  shape for each, 2-D float arrays ``(m, b)`` and ``(b, n)``, and one shape and dtype for
  ``acc`` and for the sum, ``(m, n)`` (no broadcasting, no cast): every step's factors fit
  the buffers.  The factors are copied where the sum was, so a value changed later (or an
  alias of one) cannot reach them;
- ``b`` is at most ``MAX_STEP_ROWS`` (beyond that, each step's product already runs well).

A factor that is row ``t`` of a parameter ``X`` at every step ``t`` of a backward loop ``for t
in reversed(range(S))`` (the forward loop ``for t in range(S)`` bound it by ``f = X[t]``, its
only binding there, and the backward loop restores it only after the sum) is not copied: the
buffers are filled from their last slot down, so that a chunk's factor is the slice ``X[t:t +
chunk]`` itself and the steps left are ``X[:steps]``, as a hand-written gradient reads its
inputs.  Only where the backward loop changes nothing in place (so ``X`` is the same when the
chunk is summed as when the step ran) and ``X`` is a float array parameter the function never
binds, ``(T, b, m)`` with the factor's dtype.  Such a factor, read nowhere else, is no longer
saved and restored (its push and its pop, where the loops' pushes and pops pair up by
position).  Likewise the state before step ``t`` of a recurrence (``h = np.tanh(...)`` in the
forward loop, a NumPy ufunc, its only binding there, restored by ``h = stack.pop()`` in the
backward loop before the sum): the forward loop computes each step's state into one array of
the states (``out=states[t + 1]``, the same values; ``states[0]`` the value before the loop),
and a chunk's factor is its slice ``states[t:t + chunk]``: no copy per step.

Where nothing can keep a buffer's slot or write into it, a step's factor computed by
arithmetic is computed into its slot (``np.multiply(a, b, out=slot)``), and so is the
arithmetic inside it and inside a state's ufunc (``np.matmul(h, W, out=states[t + 1]);
np.add(a, h, out=h); np.tanh(h, out=h)``): the same elementwise operations (and the same
matrix product) on the same values, with no array made for the steps between.  Not for
numba, which takes no ``out=`` keyword.
"""
from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.versions.cancel import recorded

ROWS = 128  # rows of the stacked factors summed by one product
MAX_STEP_ROWS = 64  # a step's inner dimension up to which its product is worth deferring


def hoist_products(fn: gast.FunctionDef, numpy: str, exact: set[int],
                   resolve: Callable[[gast.expr], Any],
                   arrays: dict[str, Any] | None = None, *, into_slots: bool = True) -> bool:
    """Rewrite the sums of per-step products in ``fn``'s top-level loops (see the module);
    ``exact``: the statements a returned primal value depends on; ``resolve``: what a
    function expression names; ``arrays``: the parameters' values of the version's call
    (a factor that is a parameter's row is read from it); ``into_slots``: whether a factor
    computed by arithmetic may be computed into its buffer (``out=``: not for numba).  True
    if any changed."""
    loops = [s for s in fn.body if isinstance(s, gast.For) and id(s) not in exact
             and any(map(_summed, s.body))]
    if not loops:
        return False
    names = syntax.all_names(fn)
    bound = _bindings(fn)
    out: list[gast.stmt] = []
    changed = False
    for stmt in fn.body:
        if any(stmt is loop for loop in loops):
            rows = _input_rows(fn, stmt, arrays or {}, resolve, bound)
            hoisted = _Loop(stmt, numpy, names, bound, resolve, rows, fn, into_slots)
            rewritten = hoisted.rewrite()
            if rewritten is not None:
                heading = [out.pop()] if out and syntax.is_comment(out[-1]) else []
                loop_at = next(i for i, s in enumerate(rewritten) if s is stmt)
                out += rewritten[:loop_at] + heading + rewritten[loop_at:]
                for row in hoisted.states:
                    at = next(i for i, s in enumerate(out) if s is row.forward)
                    out[at:at] = row.keep_states(numpy, into_slots)
                reads = Counter(n.id for s in out for n in syntax.walk_names(s)
                                if isinstance(n.ctx, gast.Load))  # a drop changes only its name's
                for name in hoisted.read:
                    _drop_saves(out, name, rows[name][0].forward, stmt, reads[name])
                changed = True
                continue
        out.append(stmt)
    fn.body = out
    return changed


class _Sum:
    """One ``acc = acc + P @ Q`` of a loop body: its factors as stored (``left.T @ right``
    is the step's product), their shapes, and the buffers they go to."""

    def __init__(self, stmt: gast.Assign, factors: tuple, shapes: tuple, dtypes: tuple):
        self.stmt, self.acc = stmt, stmt.targets[0].id
        self.factors = factors  # (left, right): left.T @ right; (rows,): rows.sum(axis=0)
        self.shapes, self.dtypes = shapes, dtypes  # (b, m), (b, n); (b, n)
        self.buffers: list[str] = []


class _Loop:
    def __init__(self, loop: gast.For, numpy: str, names: set[str],
                 bound: dict[str, tuple | None], resolve: Callable[[gast.expr], Any],
                 rows: dict[str, list[_Row]] | None = None, fn: gast.FunctionDef | None = None,
                 into_slots: bool = True):
        self.loop, self.numpy, self.names, self.bound = loop, numpy, names, bound
        self.resolve = resolve
        self.rows = rows or {}  # factor name -> where in the body it holds row t of what
        self.sources: set[str] = set()  # the buffers that are a parameter's rows instead
        self.states: list[_Row] = []  # the forward loop's states this loop reads
        self.read: set[str] = set()  # the factors read from an array instead
        self.mentions: Counter[str] | None = None  # how often the loop body names each name
        self.fn = fn  # the function the loop is in (what is read outside the loop)
        self.into_slots = into_slots  # a factor may be computed into its buffer slot
        self.sums: list[_Sum] = []
        self.outside: Counter[str] | None = None  # names named outside the loop body
        self.parents: dict[int, gast.AST] = {}  # of the loop body's nodes

    def rewrite(self) -> list[gast.stmt] | None:
        loop = self.loop
        if loop.orelse or _holds(loop.body, (gast.Break, gast.Continue, gast.Return, gast.Yield,
                                             gast.YieldFrom, gast.Global, gast.Nonlocal)):
            return None
        sums = [s for s in map(self._sum, loop.body) if s is not None]
        if not sums:
            return None
        self.sums = sums
        rows = max(s.shapes[0][0] for s in sums)
        chunk = max(1, ROWS // rows)
        counter = fresh_name(self.names, "steps")
        positions = {id(stmt): position for position, stmt in enumerate(loop.body)}
        sources = {id(factor): source for s in sums
                   for factor, shape, dtype in zip(s.factors, s.shapes, s.dtypes)
                   if (source := self._row_source(factor, shape, dtype,
                                                  positions[id(s.stmt)])) is not None}
        # With a parameter's rows as a factor, the buffers fill from their last slot down,
        # in the order of those rows (the loop runs backward).
        slot: gast.expr = syntax.load(counter) if not sources else gast.BinOp(
            left=syntax.const(chunk - 1), op=gast.Sub(), right=syntax.load(counter))
        buffers: dict[str, tuple[int, str, gast.expr]] = {}  # dump -> (position, name, factor)
        texts = {id(s.stmt): _text(s.stmt) for s in sums}
        before = [syntax.comment(
            "Hoisted out of the loop: " + "; ".join(texts.values())
            + f" (each step's factors are kept, one product sums {chunk} steps)"),
            syntax.assign(counter, syntax.const(0))]
        body: list[gast.stmt] = []
        for position, stmt in enumerate(loop.body):
            found = next((s for s in sums if s.stmt is stmt), None)
            if found is None:
                body.append(stmt)
                continue
            read = [f"{_text(f)} is row {self.loop.target.id} of {sources[id(f)]}, read "
                    "from it" for f in found.factors if id(f) in sources]
            heading = syntax.comment(f"Keep the factors of: {texts[id(stmt)]}" + "".join(
                f" ({note})" for note in read))
            body.append(heading)
            for factor, shape, dtype in zip(found.factors, found.shapes, found.dtypes):
                if id(factor) in sources:
                    self.sources.add(sources[id(factor)])
                    found.buffers.append(sources[id(factor)])
                    continue
                key = ast.dump(factor) + repr((shape, dtype))
                shared = buffers.get(key)
                if shared is not None and _unchanged(factor, [
                        s for s in loop.body[shared[0] + 1:position]
                        if not any(other.stmt is s for other in sums)]):
                    found.buffers.append(shared[1])
                    continue
                name = fresh_name(self.names, f"{_label(factor)}_steps")
                buffers[key] = (position, name, factor)
                found.buffers.append(name)
                before.append(syntax.assign(name, self._empty((chunk, *shape), dtype)))
                into = gast.Subscript(value=syntax.load(name), slice=syntax.clone(slot),
                                      ctx=gast.Load())
                binding = self._computed_into(factor, shape, dtype, position) \
                    if self.into_slots else None
                if binding is not None:  # the step's factor computed into its slot
                    at = next(i for i, s in enumerate(body) if s is binding) + 1
                    body[at:at] = _compute_into(binding, into, self.numpy)
                    text = heading.value.value  # (a syntax.Comment: a str the emitter knows)
                    heading.value.value = type(text)(
                        f"{text} ({factor.id} is computed into {name})")
                    continue
                into.ctx = gast.Store()
                body.append(gast.Assign(targets=[into], value=factor, type_comment=None))
        body.append(syntax.assign(counter, gast.BinOp(
            left=syntax.load(counter), op=gast.Add(), right=syntax.const(1))))
        flush = [self._product(s, None, counter, chunk, bool(sources)) for s in sums]
        flush.append(syntax.assign(counter, syntax.const(0)))
        body.append(gast.If(test=gast.Compare(left=syntax.load(counter), ops=[gast.Eq()],
                                              comparators=[syntax.const(chunk)]),
                            body=flush, orelse=[]))
        loop.body = body
        after = [syntax.comment("The steps left of the sums hoisted out of the loop above")]
        after += [self._product(s, counter, counter, chunk, bool(sources)) for s in sums]
        return [*before, loop, *after]

    def _computed_into(self, factor: gast.expr, shape: tuple, dtype: np.dtype,
                       position: int) -> gast.Assign | None:
        """The statement ``f = a op b`` of the loop body before ``position`` (the sum's)
        that computes the factor ``f`` (elementwise arithmetic, recorded with the factor's
        shape and dtype), where it can compute ``f`` into the factor's buffer slot itself
        (``np.multiply(a, b, out=slot)``: the same values) instead of a copy after it; else
        None.  Only where that is ``f``'s one binding, and every other read of ``f`` is in
        the loop body after it, an operand of arithmetic (which makes a new array): nothing
        can keep the slot or write into it, and ``f`` is bound again (by the same
        statement, into the next slot) before the slot is written again, ``chunk`` steps
        later."""
        if not isinstance(factor, gast.Name):
            return None
        f = factor.id
        bindings = [i for i, s in enumerate(self.loop.body) if f in syntax.stored_names(s)]
        if len(bindings) != 1 or bindings[0] >= position:
            return None
        stmt = self.loop.body[bindings[0]]
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, (gast.BinOp, gast.UnaryOp))
                and type(stmt.value.op) in _UFUNCS
                and recorded(stmt.value) == (np.ndarray, tuple(shape), dtype)):
            return None
        if self.outside is None:
            inside = {id(n) for s in self.loop.body for n in syntax.walk_names(s)}
            self.outside = Counter(n.id for n in syntax.walk_names(self.fn)
                                   if id(n) not in inside)
            self.parents = {}
            for s in self.loop.body:
                self.parents.update(syntax.parents(s))
        if self.outside[f]:
            return None  # read or bound outside the loop
        summed = next(s.stmt for s in self.sums if s.stmt is self.loop.body[position])
        for at, other in enumerate(self.loop.body):
            if other is summed or other is stmt:
                continue
            for node in syntax.walk_names(other):
                if node.id == f and (at < bindings[0] or not isinstance(
                        self.parents.get(id(node)), (gast.BinOp, gast.UnaryOp))):
                    return None
        return stmt

    def _row_source(self, factor: gast.expr, shape: tuple, dtype: np.dtype,
                    position: int) -> str | None:
        """The array whose row ``t`` ``factor`` is, read by the loop's statement at
        ``position`` (a parameter, or the forward loop's states: see the module), else
        None."""
        if not isinstance(factor, gast.Name):
            return None
        for row in self.rows.get(factor.id, ()):
            if row.first <= position < row.last and row.shape == tuple(shape) \
                    and row.dtype == dtype:
                if row.source is None:
                    row.source = fresh_name(self.names, f"{factor.id}_states")
                    self.states.append(row)
                self.read.add(factor.id)
                return row.source
        return None

    def _sum(self, stmt: gast.stmt) -> _Sum | None:
        """``stmt`` as a sum this module rewrites (see the module), or None."""
        if not _summed(stmt):
            return None
        acc = stmt.targets[0].id
        product = stmt.value.right
        if acc in syntax.all_names(product):
            return None
        if self.mentions is None:
            self.mentions = Counter(n.id for s in self.loop.body
                                    for n in syntax.walk_names(s))
        # acc is read or written by this statement only (its target and left operand).
        if self.mentions[acc] != 2 or \
                acc in syntax.all_names(self.loop.target) or acc in syntax.all_names(
                    self.loop.iter):
            return None
        before, after = recorded(stmt.value.left), recorded(stmt.value)
        if before is None or before != after or before[0] is not np.ndarray:
            return None
        rows = self._row_sum(product)
        if rows is not None:
            seen = _matrix(rows, self.bound)
            if seen is None or seen[1][1:] != before[1] or not 0 < seen[1][0] <= MAX_STEP_ROWS:
                return None
            return _Sum(stmt, (syntax.clone(rows),), (seen[1],), (seen[2],))
        if not (isinstance(product, gast.BinOp) and isinstance(product.op, gast.MatMult)) \
                or len(before[1]) != 2:
            return None
        seen = [_matrix(product.left, self.bound), _matrix(product.right, self.bound)]
        if None in seen:
            return None
        (m, b), (b2, n) = seen[0][1], seen[1][1]
        if (m, n) != before[1] or b != b2 or min(m, n, b) <= 0 or b > MAX_STEP_ROWS:
            return None
        left = _transposed(product.left)
        right = product.right
        return _Sum(stmt, (left, right), ((b, m), (b, n)), (seen[0][2], seen[1][2]))

    def _row_sum(self, node: gast.expr) -> gast.expr | None:
        """``x`` of ``np.sum(x, axis=0)`` or ``x.sum(axis=0)`` (a name's), else None."""
        if not (isinstance(node, gast.Call) and len(node.keywords) == 1
                and node.keywords[0].arg == "axis"
                and isinstance(node.keywords[0].value, gast.Constant)
                and node.keywords[0].value.value == 0
                and type(node.keywords[0].value.value) is int):
            return None
        if len(node.args) == 1 and self.resolve(node.func) is np.sum:
            rows = node.args[0]
        elif not node.args and isinstance(node.func, gast.Attribute) \
                and node.func.attr == "sum":
            rows = node.func.value
        else:
            return None
        return rows if isinstance(rows, gast.Name) else None

    def _product(self, found: _Sum, rows: str | None, counter: str, chunk: int,
                 from_last: bool) -> gast.Assign:
        """``acc = acc + L.reshape(-1, m).T @ R.reshape(-1, n)`` of the buffers (their
        ``rows`` steps, when ``rows`` names the count: the first ones, or the last ones
        when they fill ``from_last``); a parameter's rows are its slice of the chunk."""
        stacked = []
        step = self.loop.target.id if isinstance(self.loop.target, gast.Name) else None
        for name, shape in zip(found.buffers, found.shapes):
            buffer: gast.expr = syntax.load(name)
            if name in self.sources:
                lower: gast.expr | None = None if rows is not None else syntax.load(step)
                upper: gast.expr = syntax.load(rows) if rows is not None else gast.BinOp(
                    left=syntax.load(step), op=gast.Add(), right=syntax.const(chunk))
                buffer = gast.Subscript(value=buffer, slice=gast.Slice(
                    lower=lower, upper=upper, step=None), ctx=gast.Load())
            elif rows is not None and from_last:
                buffer = gast.Subscript(value=buffer, slice=gast.Slice(
                    lower=gast.BinOp(left=syntax.const(chunk), op=gast.Sub(),
                                     right=syntax.load(rows)), upper=None, step=None),
                    ctx=gast.Load())
            elif rows is not None:
                buffer = gast.Subscript(value=buffer, slice=gast.Slice(
                    lower=None, upper=syntax.load(rows), step=None), ctx=gast.Load())
            stacked.append(syntax.call(gast.Attribute(value=buffer, attr="reshape",
                                                      ctx=gast.Load()),
                                       [syntax.const(-1), syntax.const(shape[1])]))
        if len(stacked) == 1:
            product = syntax.call(gast.Attribute(value=stacked[0], attr="sum",
                                                 ctx=gast.Load()),
                                  keywords=[gast.keyword(arg="axis", value=syntax.const(0))])
        else:
            product = gast.BinOp(left=gast.Attribute(value=stacked[0], attr="T",
                                                     ctx=gast.Load()),
                                 op=gast.MatMult(), right=stacked[1])
        old = found.stmt.value
        value = gast.BinOp(left=syntax.load(found.acc), op=gast.Add(), right=product)
        _copy_seen(old, value)
        _copy_seen(old.left, value.left)
        _copy_seen(old.right, product)
        return syntax.assign(found.acc, value)

    def _empty(self, shape: tuple, dtype: np.dtype) -> gast.expr:
        return _empty(self.numpy, syntax.tuple_of([syntax.const(d) for d in shape]), dtype)


class _Row:
    """Where a factor holds row ``t`` of an array in each step ``t`` of a backward loop: in
    the statements ``first`` to ``last - 1`` of its body; of the parameter ``source``, or
    (``source`` None until a sum reads it) of the states the forward loop's statement
    ``store`` computes, kept by :meth:`keep_states`."""

    def __init__(self, source: str | None, first: int, last: int, shape: tuple,
                 dtype: np.dtype, forward: gast.For, store: gast.Assign | None = None):
        self.source, self.first, self.last = source, first, last
        self.shape, self.dtype, self.forward, self.store = shape, dtype, forward, store

    def keep_states(self, numpy: str, into: bool = True) -> list[gast.stmt]:
        """The statements before the forward loop that make the array of its states (the
        first: the name's value before the loop), and ``store`` writing each step's into
        it (``out=``: the same values, no copy; for numba, ``into`` false, the output is
        passed by position, the only form numba accepts).  With ``into``, where the
        ufunc's one argument is arithmetic recorded with the state's shape and dtype, that
        is computed into the state's row first (:func:`_compute_into`, products too) and
        the ufunc applied there: ``h = np.tanh(a + h @ W, out=states[t + 1])`` is ``h =
        np.matmul(h, W, out=states[t + 1]); np.add(a, h, out=h); np.tanh(h, out=h)``."""
        name, counter = self.store.targets[0].id, self.forward.target.id
        stop = self.forward.iter.args[0]
        steps = syntax.call("max", [syntax.clone(stop), syntax.const(0)])
        size = gast.Tuple(elts=[gast.BinOp(left=steps, op=gast.Add(), right=syntax.const(1)),
                                *map(syntax.const, self.shape)], ctx=gast.Load())
        slot = gast.BinOp(left=syntax.load(counter), op=gast.Add(), right=syntax.const(1))
        row = gast.Subscript(value=syntax.load(self.source), slice=slot, ctx=gast.Load())
        call = self.store.value
        if into:
            call.keywords.append(gast.keyword(arg="out", value=row))
        else:  # numba takes a ufunc's output by position only (the same call in NumPy)
            call.args.append(row)
        anno.info(self.store).keep = True  # it writes the states: never dead code's to drop
        inner = call.args[0] if len(call.args) == 1 else None
        if into and isinstance(inner, (gast.BinOp, gast.UnaryOp)) \
                and type(inner.op) in _PRODUCTS and recorded(inner) == recorded(call):
            self.store.value = inner
            after = _compute_into(self.store, row, numpy, products=True)
            call.args = [syntax.load(name)]
            call.keywords[-1].value = syntax.load(name)
            at = next(i for i, s in enumerate(self.forward.body) if s is self.store)
            self.forward.body[at + 1:at + 1] = [*after, gast.Expr(value=call)]
        return [
            syntax.comment(f"The states {name} of the loop below, before each step, in one "
                           "array (the loop computes each into it)"),
            syntax.assign(self.source, _empty(numpy, size, self.dtype)),
            gast.Assign(targets=[gast.Subscript(value=syntax.load(self.source),
                                                slice=syntax.const(0), ctx=gast.Store())],
                        value=syntax.load(name), type_comment=None)]


def _input_rows(fn: gast.FunctionDef, loop: gast.For, arrays: dict[str, Any],
                resolve: Callable[[gast.expr], Any],
                bound: dict[str, tuple | None]) -> dict[str, list[_Row]]:
    """Where the names hold row ``t`` of an array in step ``t`` of the backward loop
    ``loop`` (``for t in reversed(range(S))``), after the forward loop ``for t in
    range(S)`` before it: a name bound by ``f = X[t]`` in the forward loop, its only
    binding there, before ``loop`` binds it (the restore of its value of the step before);
    a name bound by ``f = ufunc(...)`` in the forward loop, its only binding there, after
    ``loop`` restores it by ``f = stack.pop()``, its only binding there (the state before
    step ``t``).  None where the loops or what is between them change anything in place,
    or ``S``, ``t`` are bound elsewhere (see the module)."""
    it = loop.iter
    if not (isinstance(loop.target, gast.Name) and _called(it, resolve, reversed)
            and _called(it.args[0], resolve, range)
            and isinstance(it.args[0].args[0], gast.Name)):
        return {}
    counter, stop = loop.target.id, it.args[0].args[0].id
    at = next(i for i, s in enumerate(fn.body) if s is loop)
    forward_at = next((i for i in range(at - 1, -1, -1) if isinstance(fn.body[i], gast.For)
                       and syntax.is_name(fn.body[i].target, counter)
                       and _called(fn.body[i].iter, resolve, range)
                       and syntax.is_name(fn.body[i].iter.args[0], stop)), None)
    if forward_at is None or _writes_in_place(fn.body[forward_at:at + 1]):
        return {}
    forward = fn.body[forward_at]
    if forward.orelse or _holds(forward.body, (gast.Break, gast.Continue, gast.Return)):
        return {}
    binders = [syntax.stored_names(s) for s in fn.body]
    forward_binders = [syntax.stored_names(s) for s in forward.body]
    backward_binders = [syntax.stored_names(s) for s in loop.body]
    if any(stop in names for names in binders[forward_at:]) or any(
            counter in names for names in forward_binders + backward_binders):
        return {}
    stored = set().union(*binders)
    between = set().union(*binders[forward_at + 1:at])
    binding_statements = Counter(n for names in forward_binders for n in names)
    rows: dict[str, list[_Row]] = {}
    for stmt in forward.body:
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)):
            continue
        name = stmt.targets[0].id
        if binding_statements[name] > 1 or name in between:  # bound elsewhere too
            continue
        stores = [i for i, names in enumerate(backward_binders) if name in names]
        value = stmt.value
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                and syntax.is_name(value.slice, counter) and stores:
            source = value.value.id
            array = arrays.get(source)
            if type(array) is np.ndarray and array.ndim == 3 and source not in stored \
                    and np.issubdtype(array.dtype, np.floating):
                rows[name] = [_Row(source, 0, stores[0], array.shape[1:], array.dtype,
                                   forward)]
        elif _state(stmt, resolve) and len(stores) == 1 and _popped(loop.body[stores[0]]) \
                and resolve(syntax.load("max")) is max:  # the states' count: max(S, 0) + 1
            seen = recorded(value)
            if seen is not None and seen == bound.get(name) and seen[0] is np.ndarray \
                    and seen[1] is not None and len(seen[1]) == 2 \
                    and np.issubdtype(seen[2], np.floating):
                rows[name] = [_Row(None, stores[0] + 1, len(loop.body), seen[1], seen[2],
                                   forward, stmt)]
    return rows


_UFUNCS = {gast.Add: "add", gast.Sub: "subtract", gast.Mult: "multiply",
           gast.Div: "true_divide", gast.USub: "negative"}  # what ``a op b``, ``-a`` call
_PRODUCTS = _UFUNCS | {gast.MatMult: "matmul"}  # and ``a @ b``


def _compute_into(stmt: gast.Assign, into: gast.Subscript, numpy: str,
                  products: bool = False) -> list[gast.stmt]:
    """``f = a op b`` as ``f = np.<ufunc>(a, b, out=into)`` (``f = -a``: ``np.negative(a,
    out=into)``): the same values, in ``into`` (marked kept: it writes into the buffer,
    never dead code's to drop).  Where one operand is itself arithmetic recorded with the
    same shape and dtype and the others are names or numbers (not ``f``), that operand is
    computed into ``into`` first and the operation applied to it there: ``f = bh * (1.0 - h
    * h)`` is ``f = np.multiply(h, h, out=into)``, then the statements returned,
    ``np.subtract(1.0, f, out=f)`` and ``np.multiply(bh, f, out=f)``: each element is the
    same operation on the same values (a ufunc may write over an input it reads, element by
    element), with no array made for the inner results.  With ``products``, a matrix
    product too (``np.matmul(a, b, out=into)``: the same BLAS call as ``a @ b``)."""
    f = stmt.targets[0].id
    shape = recorded(stmt.value)
    ufuncs = _PRODUCTS if products else _UFUNCS
    levels: list[tuple[gast.expr, list[gast.expr], int | None]] = []
    value = stmt.value
    while True:
        operands = [value.operand] if isinstance(value, gast.UnaryOp) else [
            value.left, value.right]
        inner = [k for k, o in enumerate(operands) if isinstance(o, (gast.BinOp, gast.UnaryOp))
                 and type(o.op) in ufuncs and recorded(o) == shape]
        plain = all(k in inner or _plain(o, f) for k, o in enumerate(operands))
        at = inner[0] if len(inner) == 1 and plain else None
        levels.append((value, operands, at))
        if at is None:
            break
        value = operands[at]

    def ufunc(value: gast.expr, operands: list[gast.expr], out: gast.expr) -> gast.Call:
        call = syntax.call(gast.Attribute(value=syntax.load(numpy), attr=ufuncs[type(
            value.op)], ctx=gast.Load()), operands, [gast.keyword(arg="out", value=out)])
        _copy_seen(value, call)
        return call

    innermost, operands, _ = levels.pop()
    stmt.value = ufunc(innermost, operands, into)
    anno.info(stmt).keep = True
    after: list[gast.stmt] = []
    for value, operands, at in reversed(levels):
        operands = [syntax.load(f) if k == at else o for k, o in enumerate(operands)]
        after.append(gast.Expr(value=ufunc(value, operands, syntax.load(f))))
    return after


def _plain(node: gast.expr, name: str) -> bool:
    """A name other than ``name``, a number, a name's transpose, or an item or slice of a
    name indexed by names (not ``name``), numbers and arithmetic: evaluated later, the same
    value, and nothing else happens."""
    inner = node.value if isinstance(node, gast.Attribute) and node.attr == "T" else node
    if isinstance(inner, gast.Subscript) and isinstance(inner.value, gast.Name):
        return inner.value.id != name and all(
            isinstance(n, (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Slice,
                           gast.operator, gast.unaryop, gast.expr_context))
            and not (isinstance(n, gast.Name) and n.id == name) for n in gast.walk(inner.slice))
    return (isinstance(inner, gast.Name) and inner.id != name) or syntax.is_number(node)


def _empty(numpy: str, size: gast.expr, dtype: np.dtype) -> gast.Call:
    """``np.empty(size)``, with ``dtype=np.<dtype>`` unless float64."""
    keywords = [] if dtype == np.float64 else [gast.keyword(
        arg="dtype", value=gast.Attribute(value=syntax.load(numpy), attr=np.dtype(dtype).name,
                                          ctx=gast.Load()))]
    return syntax.call(gast.Attribute(value=syntax.load(numpy), attr="empty", ctx=gast.Load()),
                       [size], keywords)


def _state(stmt: gast.Assign, resolve: Callable[[gast.expr], Any]) -> bool:
    """``stmt`` is ``f = ufunc(a, ...)``, a NumPy ufunc of one output and all its inputs
    given by position (``out=`` may be added)."""
    call = stmt.value
    if not isinstance(call, gast.Call) or call.keywords:
        return False
    ufunc = resolve(call.func)
    return isinstance(ufunc, np.ufunc) and ufunc.nout == 1 and len(call.args) == ufunc.nin \
        and not any(isinstance(a, gast.Starred) for a in call.args)


def _popped(stmt: gast.stmt) -> bool:
    """``stmt`` is ``f = stack.pop()``."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) \
        and isinstance(stmt.value.func, gast.Attribute) and stmt.value.func.attr == "pop" \
        and isinstance(stmt.value.func.value, gast.Name) and not stmt.value.args \
        and not stmt.value.keywords


def _drop_saves(body: list[gast.stmt], name: str, forward: gast.For,
                backward: gast.For, reads: int) -> None:
    """Take out the forward loop's push ``stack.append(name)`` and the backward loop's pop
    ``name = stack.pop()`` that restores it, where ``body`` reads ``name`` nowhere else (of
    its ``reads`` reads: the sums that read it read an array now).  Only where every push
    and pop of that stack in the two loops is a statement of their bodies, the pops restore
    the pushed names in reverse, and nothing between the loops uses the stack: each pop
    takes what its push put."""
    pushes = [(i, s) for i, s in enumerate(forward.body) if _pushed(s) is not None]
    pops = [(i, s) for i, s in enumerate(backward.body) if _popped(s)]
    if not pushes or len(pushes) != len(pops):
        return
    stack = pushes[0][1].value.func.value.id
    if any(_pushed(s) != (stack, p.targets[0].id)
           for (_, s), (_, p) in zip(pushes, reversed(pops), strict=True)) \
            or any(p.value.func.value.id != stack for _, p in pops):
        return
    paired = {id(s) for _, s in pushes + pops}
    mentions = [s for s in forward.body + backward.body if id(s) not in paired
                and stack in syntax.all_names(s)]
    start = next(i for i, s in enumerate(body) if s is forward)
    end = next(i for i, s in enumerate(body) if s is backward)
    if mentions or any(stack in syntax.all_names(s) for s in body[start + 1:end]):
        return
    at = next(k for k, (_, s) in enumerate(pushes) if _pushed(s)[1] == name)
    if reads != sum(_pushed(s)[1] == name for _, s in pushes):
        return  # read somewhere besides its pushes
    push, pop = pushes[at][1], pops[len(pops) - 1 - at][1]
    forward.body = [s for s in forward.body if s is not push]
    backward.body = [s for s in backward.body if s is not pop]


def _pushed(stmt: gast.stmt) -> tuple[str, str] | None:
    """``(stack, f)`` of ``stack.append(f)``, else None."""
    if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)):
        return None
    call = stmt.value
    if isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
            and isinstance(call.func.value, gast.Name) and len(call.args) == 1 \
            and isinstance(call.args[0], gast.Name) and not call.keywords:
        return call.func.value.id, call.args[0].id
    return None


def _called(node: gast.expr, resolve: Callable[[gast.expr], Any], function: Any) -> bool:
    """``node`` calls ``function`` with one positional argument."""
    return isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords \
        and not isinstance(node.args[0], gast.Starred) and resolve(node.func) is function


def _holds(body: list[gast.stmt], kinds: tuple[type, ...]) -> bool:
    """Some statement of ``body`` holds a node of one of ``kinds`` (a jump out of a loop)."""
    for stmt in body:
        for node in syntax.walk(stmt):
            if isinstance(node, kinds):
                return True
    return False


def _writes_in_place(body: list[gast.stmt]) -> bool:
    """``body`` may change an array in place: an item or attribute assigned, an augmented
    assignment, a deletion, or an ``out=`` argument."""
    for stmt in body:
        for node in syntax.walk(stmt):
            if isinstance(node, (gast.AugAssign, gast.Delete)) or (
                    isinstance(node, (gast.Subscript, gast.Attribute))
                    and isinstance(node.ctx, gast.Store)) or (
                    isinstance(node, gast.keyword) and node.arg == "out"):
                return True
    return False


def _bindings(fn: gast.FunctionDef) -> dict[str, tuple | None]:
    """For each name of ``fn`` bound only by plain assignments ``name = value``: the one
    (type, shape, dtype) recorded for all their values, or None (several, or one not
    recorded); None also for the names bound any other way (parameters, loop targets,
    unpacking, ...)."""
    values: dict[str, set] = {}
    simple: set[int] = set()
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name):
            simple.add(id(stmt.targets[0]))
            values.setdefault(stmt.targets[0].id, set()).add(recorded(stmt.value))
    for node in syntax.walk_names(fn):
        if not isinstance(node.ctx, gast.Load) and id(node) not in simple:
            values.setdefault(node.id, set()).add(None)
    return {name: next(iter(seen)) if len(seen) == 1 else None
            for name, seen in values.items()}


def _matrix(node: gast.expr, bound: dict[str, tuple | None]) -> tuple | None:
    """The recorded (type, shape, dtype) of a factor: a name or a name's transpose, a 2-D
    real floating point array with one shape recorded (for the expression, or for every
    value bound to the name); else None."""
    inner = node.value if isinstance(node, gast.Attribute) and node.attr == "T" else node
    if not isinstance(inner, gast.Name) and not _arithmetic(node):
        return None
    seen = recorded(node)
    if seen is None and inner is node and isinstance(node, gast.Name):
        seen = bound.get(inner.id)
    if seen is None and inner is not node and isinstance(inner, gast.Name):
        under = recorded(inner) or bound.get(inner.id)
        seen = None if under is None or under[1] is None else (
            under[0], tuple(reversed(under[1])), under[2])
    if seen is None or seen[0] is not np.ndarray or seen[1] is None or len(seen[1]) != 2 \
            or not np.issubdtype(seen[2], np.floating) or not hasattr(np, np.dtype(
                seen[2]).name):
        return None
    return seen


def _summed(stmt: gast.stmt) -> bool:
    """``stmt`` is ``acc = acc + e``."""
    return (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.BinOp) and isinstance(stmt.value.op, gast.Add)
            and syntax.is_name(stmt.value.left, stmt.targets[0].id))


def _unchanged(factor: gast.expr, between: list[gast.stmt]) -> bool:
    """``between`` cannot change the value of ``factor``: they bind none of its names, and
    change nothing in place (no item or attribute assigned, no ``+=``, no call, no compound
    statement), so not through an alias either."""
    names = syntax.loaded_names(factor)
    for stmt in between:
        if syntax.is_comment(stmt):
            continue
        if not isinstance(stmt, gast.Assign) or syntax.stored_names(stmt) & names or not all(
                isinstance(t, gast.Name) for t in stmt.targets):
            return False
        if any(isinstance(n, (gast.Call, gast.Lambda, gast.NamedExpr))
               for n in syntax.walk(stmt.value)):
            return False
    return True


def _arithmetic(node: gast.expr) -> bool:
    """Arithmetic of names, numbers and transposes (``g * (1.0 - h * h)``): it computes a
    value and changes nothing, so it may be evaluated where the sum was, into a buffer."""
    if isinstance(node, gast.BinOp):
        return not isinstance(node.op, gast.MatMult) and _arithmetic(node.left) \
            and _arithmetic(node.right)
    if isinstance(node, gast.UnaryOp):
        return _arithmetic(node.operand)
    if isinstance(node, gast.Attribute):
        return node.attr == "T" and isinstance(node.value, gast.Name)
    return isinstance(node, gast.Name) or syntax.is_number(node)


def _transposed(node: gast.expr) -> gast.expr:
    """``x`` for ``x.T``, else ``node.T``."""
    if isinstance(node, gast.Attribute) and node.attr == "T":
        return syntax.clone(node.value)
    return gast.Attribute(value=syntax.clone(node), attr="T", ctx=gast.Load())


def _label(factor: gast.expr) -> str:
    """A name for the buffer of ``factor``: ``h`` for ``h``, ``h_T`` for ``h.T``, else the
    first name it reads."""
    inner = factor.value if isinstance(factor, gast.Attribute) else factor
    if isinstance(inner, gast.Name):
        return inner.id + ("_T" if isinstance(factor, gast.Attribute) else "")
    return next((n.id for n in syntax.walk_names(factor)), "factor")


def _text(node: gast.AST) -> str:
    """The source of a statement or expression (``emit.to_ast`` makes a new tree, so
    ``node`` is left as it is; ``ast.unparse`` reads no position but a statement's line)."""
    tree = emit.to_ast(node)
    if isinstance(tree, ast.stmt) and getattr(tree, "lineno", None) is None:
        tree.lineno = 1
    return ast.unparse(tree).strip()


def _copy_seen(old: gast.AST, new: gast.AST) -> None:
    if anno.has_info(old):
        anno.info(new).seen = anno.info(old).seen


def fresh_name(names: set[str], stem: str) -> str:
    """``stem``, else ``stem2``, ``stem3``, ...: the first not in ``names``, added to it."""
    name, k = stem, 1
    while name in names:
        k += 1
        name = f"{stem}{k}"
    names.add(name)
    return name
