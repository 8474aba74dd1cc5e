"""The version of a generated derivative for one signature: the runtime helpers replaced by
what they do for the recorded shapes.

``unbroadcast(g, x)`` becomes ``g``, one ``np.sum`` or a reshape of one; ``seed`` and
``broadcast_like`` the identity; ``matmul_adjoint_a(g, a, b)`` one matrix product;
``unreduce`` a broadcast, or nothing where the operation it feeds broadcasts anyway;
``np.size(t)`` of an intermediate its value (each helper's record names its lowering,
``on_shapes``; ``lowerings.py`` writes them).  Before those, every product of two arrays
that is a matrix product for the recorded ranks, however it is spelled (``np.dot``,
``np.einsum``, ``np.tensordot``, their adjoints), becomes ``@`` (``contractions.py``), and
``scipy.special.logsumexp`` is written out (``logsumexp.py``).
Then the terms that cancel exactly are dropped (``cancel.py``), the result optimized again
(which removes what is now dead), the sums of per-step products in a backward loop computed
a chunk of steps at a time (``hoist.py``), ``np.sum(a)`` written ``a.sum()`` and adjoint sums
made in place (``inplace.py``).
"""
from __future__ import annotations

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer.dead_code import eliminate_dead_code
from tangentlike.optimizer.optimize import optimize
from tangentlike.optimizer.tuples import split_tuples
from tangentlike.versions.cancel import cancel, recorded, returned_primal_slice
from tangentlike.versions.contractions import Contractions, may_rewrite
from tangentlike.versions.element_adjoints import keep_element_slots
from tangentlike.versions.fills import spread_fills
from tangentlike.versions.hoist import hoist_products
from tangentlike.versions.inplace import accumulate_in_place
from tangentlike.versions.inputs import hoist_inputs
from tangentlike.versions.items import split_items
from tangentlike.versions.joins import fill_joins
from tangentlike.versions.logsumexp import share_terms, write_out
from tangentlike.versions.lowerings import np_call, replacement, restored
from tangentlike.versions.observe import record, slots
from tangentlike.versions.reductions import fold_negations, share_sums, sums_as_dots
from tangentlike.versions.resolver import Resolver
from tangentlike.versions.rewriter import Rewriter
from tangentlike.versions.signature import shape_text
from tangentlike.versions.splits import lower_splits
from tangentlike.versions.static import Static, shape_follows
from tangentlike.versions.wheres import (
    combine_selections,
    flip_selections,
    merge_selections,
    share_comparisons,
    swap_selections,
)


def lower_shapes(tree: gast.FunctionDef, args: tuple, kwargs: dict, seen: dict[int, set],
                 scope: dict, temporaries: set[str], *, for_numba: bool = False
                 ) -> tuple[gast.FunctionDef | None, str]:
    """The version of ``tree`` for the signature of ``args`` and ``kwargs``, from what the
    instrumented run ``seen``, or None and why there is none.  It changes nothing shared
    (``scope`` is the version's own copy), so threads may write at once.  ``for_numba``:
    the version is for numba, which fuses a join itself (numba_fusion.py finds it by its
    ``np.concatenate``: ``joins.py`` leaves it) and takes no ``out=`` keyword (hoist.py
    computes no factor into its buffer)."""
    temporaries = set(temporaries)  # the optimizer adds the names it makes
    names = Resolver(scope)  # every look-up of a dotted name goes through it
    name = tree.name
    fn = syntax.clone(tree)
    params = [a.id for a in fn.args.posonlyargs + fn.args.args]
    bound = dict(zip(params, args)) | kwargs
    static_params = {p for p, v in bound.items() if type(v) in (int, bool)}
    # The clone's names, walked once for the analyses that read it before anything
    # changes it (and for the first rewrite round, where nothing did).
    walked = syntax.walk_names(fn)
    static = Static(fn, static_params, scope, walked, names)
    checked: list[gast.AST] = []  # the calls, tests and loops, noted in the same walk
    places = slots(fn, checked)
    reason = shape_follows(fn, static, seen, places, checked)
    if reason is not None:
        return None, reason
    record(fn, seen, places)
    local = static.stored | set(bound)  # (the names ``fn`` binds: it has not changed)
    resolve = names.within(local)
    exact = returned_primal_slice(fn)
    rewritten = may_rewrite(checked, resolve) and Contractions(
        fn, resolve, recorded, exact, walked).rewrite(fn)
    written, softmaxes = write_out(fn, resolve, recorded, exact, numpy_name(scope),
                                   temporaries)
    rewritten |= written
    if rewritten:
        optimize(fn, temporaries)
    # A rewrite lets the optimizer inline what another rewrite then sees whole (an
    # ``unreduce`` into the product that broadcasts it); ``unreduce`` calls left over
    # are rewritten last.
    # The optimizer runs after the first round (its inlining exposes what the second
    # rewrites) and then once after the other three: the spread round follows a name
    # bound once to its ``unreduce`` call itself (``_spread_value``), and the last round
    # rewrites what the spread round wrote, so neither needs the optimizer before it
    # (the versions came out byte-identical over the benchmark and the test suite).
    # Where no softmax is shared, that last run waits until after the cancellation, which
    # reads an unoptimized function as well (copies, dead statements: they add no term and
    # read no value where the algebra cannot follow it), and is then the run after it:
    # one run of the optimizer saved (again byte-identical).
    pending = False
    unchanged: _Rewrite | None = None  # the last round, when the tree is as it left it
    for spread, then_optimize in ((False, True), (False, False), (True, False), (False, False)):
        if _may_find_more(unchanged, spread):
            rewrite = _Rewrite(fn, scope, names, spread, unchanged,
                               None if rewritten else walked)
            fn.body = [rewrite.visit(s) for s in fn.body]
            unchanged = None if rewrite.changed else rewrite
            if rewrite.changed:
                rewritten = pending = True
        if pending and then_optimize:
            optimize(fn, temporaries)
            pending = False
            unchanged = None
    if pending and softmaxes:
        optimize(fn, temporaries)
        pending = False
    if softmaxes and share_terms(fn, softmaxes, returned_primal_slice(fn)):
        optimize(fn, temporaries)
    shapes = {p: np.shape(v) for p, v in bound.items()
              if type(v) is float or isinstance(v, (np.ndarray, np.floating))}
    local = syntax.stored_names(fn) | set(bound)  # the optimizer may have made names
    resolve = names.within(local)
    for _ in range(3):  # a value found zero can make others zero
        if not cancel(fn, shapes, resolve, numpy_name(scope)):
            break
        rewritten = True
        optimize(fn, temporaries)
        pending = False
    if pending:
        optimize(fn, temporaries)
    if split_items(fn, bound, resolve, numpy_name(scope)):
        rewritten = True
        optimize(fn, temporaries)
    if keep_element_slots(fn, resolve, scope, bound):
        rewritten = True
    if not rewritten:
        return None, "nothing to work out for these shapes"
    if share_comparisons(fn):
        optimize(fn, temporaries)
    if merge_selections(fn, resolve):
        optimize(fn, temporaries)
    if combine_selections(fn, resolve) | spread_fills(fn, resolve):
        optimize(fn, temporaries)
    dots = sums_as_dots(fn, resolve)
    if lower_splits(fn, resolve) or dots:
        optimize(fn, temporaries)
        if fold_negations(fn, temporaries):
            optimize(fn, temporaries)
    if share_sums(fn, resolve):
        optimize(fn, temporaries)
    swap_selections(fn, resolve, numpy_name(scope))
    flip_selections(fn, resolve, numpy_name(scope))
    # The input products first: the forward loop it reads changes nothing in place until
    # hoist_products may write its states into an array (``out=``).
    # Both rewrite top-level loops only (none: nothing to slice); what the user's function
    # returns depends on the same statements after a first rewrite that changed nothing.
    # What they leave unread (a row ``f = X[t]`` the forward loop bound for a product now
    # read from ``X``, its ``f = None`` before the loop) goes with dead code's pass alone:
    # the optimizer ran to its fixed point before them, so nothing else became dead.
    if any(isinstance(s, gast.For) for s in fn.body):
        exact = returned_primal_slice(fn)
        hoisted = hoist_inputs(fn, bound, exact, resolve)
        if hoisted:
            exact = returned_primal_slice(fn)
        if hoist_products(fn, numpy_name(scope), exact, resolve, bound,
                          into_slots=not for_numba) | hoisted:
            eliminate_dead_code(fn)
    fn.body = [_Methods(local, names).visit(s) for s in fn.body]
    accumulate_in_place(fn, resolve, numpy_name(scope))
    split_tuples(fn)  # (after the copies of joined adjoints, which read the tuples of cuts)
    if not for_numba:
        fill_joins(fn, resolve, bound)
    described = ", ".join(f"{p}: {shape_text(bound[p])}" for p in params if p in bound)
    if isinstance(fn.body[0], gast.Expr) and isinstance(fn.body[0].value, gast.Constant):
        fn.body[0].value.value = (f"{name} for {described}: the shapes worked out "
                                  "in advance.")
    return fn, ""


def _may_find_more(last: _Rewrite | None, spread: bool) -> bool:
    """Whether a rewrite round (``spread``: ``unreduce`` calls too) may change the tree:
    not after a round ``last`` that found nothing in the tree as it is and rewrote at least
    as much (the same bindings and counts, the same visit, less or as many calls).  A
    spread round after a round that was not differs from it only at the ``unreduce`` calls
    that round visited and left (``kept_unreduce``): with none, it finds nothing either."""
    return last is None or (spread > last.spread and last.kept_unreduce)


def _same_value(new: gast.expr, old: gast.expr) -> gast.expr:
    """``new``, which computes what ``old`` did, with what was recorded for ``old``."""
    if anno.has_info(old):
        anno.info(new).seen = anno.info(old).seen
    return new


def _one(node: gast.AST) -> tuple | None:
    """The one (type, shape, dtype) recorded for an expression that has a shape, or None."""
    only = recorded(node)
    return only if only is not None and only[1] is not None else None


def numpy_name(scope: dict) -> str:
    """The name NumPy has in the generated module (``np`` unless the user chose another);
    ``np`` is added to ``scope`` when it has none."""
    if scope.get("np") is np:
        return "np"
    for name, value in scope.items():
        if value is np and name.isidentifier():
            return name
    name = "np" if "np" not in scope else "numpy_"
    scope[name] = np
    return name


def _scalar(node: gast.expr) -> bool:
    """A number: a numeric constant, a value recorded with shape (), or arithmetic of them."""
    if isinstance(node, gast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    if (_one(node) or (None, None))[1] == ():
        return True
    if isinstance(node, gast.BinOp):
        return _scalar(node.left) and _scalar(node.right)
    return isinstance(node, gast.UnaryOp) and _scalar(node.operand)


class _Rewrite(Rewriter):
    """Replace helper calls by what they do for the recorded shapes (see ``_replacement``);
    ``spread``: ``unreduce`` calls too (else only where an operation broadcasts them)."""

    def __init__(self, fn: gast.FunctionDef, scope: dict, names: Resolver, spread: bool,
                 same: _Rewrite | None = None, walked: list[gast.Name] | None = None):
        """``names``: the resolver of ``scope``'s names; ``same``: a round that ran on
        ``fn`` as it is now (it changed nothing): its bindings and counts are this round's;
        ``walked``: ``syntax.walk_names(fn)`` of ``fn`` as it is now, if the caller has it."""
        self.scope = scope
        self.names = names
        self.spread = spread
        self.numpy = numpy_name(scope)
        self.changed = False
        self.kept_unreduce = False  # an ``unreduce`` call visited and left (not ``spread``)
        if same is not None:
            self.params, self.local, self.once = same.params, same.local, same.once
            self.uses, self.values = same.uses, same.values
            return
        self.params = {a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
        # ``syntax.stored_names(fn)`` and ``dataflow.use_counts(fn)`` from one walk
        self.local = set(self.params)
        self.uses: dict[str, int] = {}
        for node in syntax.walk_names(fn) if walked is None else walked:
            if isinstance(node.ctx, gast.Load):
                self.uses[node.id] = self.uses.get(node.id, 0) + 1
            elif isinstance(node.ctx, (gast.Store, gast.Param)):
                self.local.add(node.id)
        counts = dataflow.definition_counts(fn)
        self.once = {n for n, c in counts.items() if c == 1}  # never rebound
        self.values = {s.targets[0].id: s.value for s in fn.body if isinstance(s, gast.Assign)
                       and syntax.is_name(s.targets[0]) and s.targets[0].id in self.once}

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        """``unreduce(g, x, ...) * y`` is ``g * y`` when ``y`` has the shape of ``x``: the
        operation broadcasts ``g`` itself.  So is ``np.broadcast_to(g, s).copy() * y``, and
        ``np.full(s, v) * y`` is ``v * y``."""
        if isinstance(node.op, (gast.Add, gast.Sub, gast.Mult, gast.Div)):
            for side, other in (("left", "right"), ("right", "left")):
                operand = getattr(node, side)
                if not (operand.__class__ is gast.Call or (
                        operand.__class__ is gast.Name and operand.id in self.values)):
                    continue  # nothing ``_broadcast`` or ``_spread_value`` follows
                partner = _one(getattr(node, other))
                if partner is not None and partner[0] is np.ndarray \
                        and partner == _one(node):
                    broadcast = self._broadcast(operand)
                    if broadcast is not None:
                        setattr(node, side, broadcast)
                        self.changed = True
                        continue
                operand = self._spread_value(operand)
                if not (isinstance(operand, gast.Call) and not operand.keywords and self.names(
                        operand.func, self.local) is runtime.unreduce):
                    continue
                seen = [_one(a) for a in operand.args]
                if None in seen or partner is None or partner[0] is not np.ndarray or \
                        partner[1:] != seen[1][1:]:
                    continue
                back = restored(self.numpy, operand.args, seen)
                if back is not None:
                    setattr(node, side, back)
                    self.changed = True
        self.generic_visit(node)
        scaled = self._scaled_fill(node)
        if scaled is not None:
            self.changed = True
            return scaled
        return node

    def _spread_value(self, node: gast.expr) -> gast.expr:
        """For a name bound once to an ``unreduce`` call and read only here (``bt4 * t4``
        after ``bt4 = unreduce(...)``), a copy of the call, whose names are bound once too;
        else ``node``.  The binding is then dead."""
        value = self.values.get(node.id) if isinstance(node, gast.Name) else None
        if (value is None or self.uses.get(node.id) != 1 or not isinstance(value, gast.Call)
                or not syntax.loaded_names(value) & self.local <= self.once):
            return node
        return syntax.clone(value)

    def _broadcast(self, node: gast.expr, depth: int = 0) -> gast.expr | None:
        """What ``node`` broadcasts, when it is only that value spread out (through a name
        bound once to it): ``g`` of ``np.broadcast_to(g, s).copy()``, ``v`` of
        ``np.full(s, v)``, of ``np.expand_dims(np.full(s, v), a)``; else None."""
        if depth > 3:
            return None
        if isinstance(node, gast.Name) and node.id in self.values:
            found = self._broadcast(self.values[node.id], depth + 1)
            return found if found is not None and syntax.loaded_names(found) <= self.once \
                else None
        if not isinstance(node, gast.Call) or node.keywords:
            return None
        if isinstance(node.func, gast.Attribute) and node.func.attr == "copy" and not node.args:
            return self._broadcast(node.func.value, depth + 1)
        func = self.names(node.func, self.local)
        if func is np.broadcast_to and len(node.args) == 2:
            return node.args[0]
        if func is np.full and len(node.args) == 2 and _scalar(node.args[1]):
            return node.args[1]
        if func is np.expand_dims and len(node.args) == 2:
            inner = self._broadcast(node.args[0], depth + 1)
            return inner if inner is not None and _scalar(inner) else None
        return None

    def _scaled_fill(self, node: gast.BinOp) -> gast.expr | None:
        """``np.full(s, v) * c`` as ``np.full(s, v * c)`` (a Python number ``c``)."""
        if not isinstance(node.op, (gast.Mult, gast.Div)):
            return None
        fill, factor = node.left, node.right
        if not (isinstance(fill, gast.Call) and not fill.keywords and len(fill.args) == 2
                and self.names(fill.func, self.local) is np.full
                and _scalar(fill.args[1])):
            return None
        kind = type(factor.value) if isinstance(factor, gast.Constant) else (
            _one(factor) or (None,))[0]
        if kind not in (float, int) or _one(fill) is None or _one(fill) != _one(node):
            return None
        value = gast.BinOp(left=fill.args[1], op=node.op, right=factor)
        return _same_value(np_call(self.numpy, "full", [fill.args[0], value]), node)

    def visit_Call(self, node: gast.Call) -> gast.expr:
        plain = _plain_name(node.func)  # (then visiting the arguments leaves it as it is)
        if plain:
            func = self.names(node.func, self.local)
            if func is None or self.names.record(func).on_shapes is None:
                self.generic_visit(node)
                return node  # no lowering: ``replacement`` would keep it
        recorded = [_one(a) for a in node.args]
        self.generic_visit(node)
        if not plain:
            func = self.names(node.func, self.local)
        if func in (np.size, np.shape, np.ndim) and node.args and syntax.is_name(
                node.args[0]) and node.args[0].id in self.params:
            return node  # a parameter's shape: cheap, and keeps the version readable
        if func is runtime.unreduce and not self.spread:
            self.kept_unreduce = True  # (the one visit that depends on ``spread``)
            return node
        new = replacement(node, func, recorded, self.numpy)
        if new is None:
            return node
        self.changed = True
        return _same_value(new, node)



def _plain_name(node: gast.expr) -> bool:
    """A name or a chain of attributes of one (``np.linalg.norm``): nothing in it a
    rewrite replaces."""
    while node.__class__ is gast.Attribute:
        node = node.value
    return node.__class__ is gast.Name


class _Methods(Rewriter):
    """``np.sum(a, axis=0)`` as ``a.sum(axis=0)`` where ``a`` was an array: the method
    skips NumPy's Python wrapper (about 1.5 us a call, which adds up in a loop)."""

    def __init__(self, local: set[str], names: Resolver):
        self.local, self.names = local, names

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if not node.args or isinstance(node.args[0], gast.Starred):
            return node
        func = self.names(node.func, self.local)
        method = None if func is None else self.names.record(func).method  # np.sum: "sum"
        seen = _one(node.args[0])
        if method is None or seen is None or seen[0] is not np.ndarray:
            return node
        func = gast.Attribute(value=node.args[0], attr=method, ctx=gast.Load())
        return _same_value(syntax.call(func, node.args[1:], node.keywords), node)

