"""``scipy.special.logsumexp`` written out in a version by shape, as a stable log-sum-exp
is written by hand: its value there feeds only the derivative, and SciPy's function spends
most of its time in its own bookkeeping (about 3x the arithmetic on a million elements,
6x on a 32 x 10 batch).

``y = scipy.special.logsumexp(x, axis=a, keepdims=k)`` of a real floating point array
becomes, as SciPy computes it::

    t1 = np.max(x, axis=a, keepdims=True)
    t2 = np.where(np.isfinite(t1), t1, 0.0)    # SciPy's shift: 0 where the maximum is inf
    y = np.log(np.sum(np.exp(x - t2), axis=a, keepdims=k)) + t2   # t2 reshaped to y's shape

The statements a returned value of the user's function depends on are left as written (the
primal invariant: ``value_and_grad`` returns ``f``'s value, float for float), and so is a
call with other arguments (``b``, ``return_sign``) or of unrecorded shape.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, syntax
from tangentlike.core.naming import Namer
from tangentlike.versions.lowerings import np_call
from tangentlike.versions.rewriter import Rewriter

Seen = tuple  # (type, shape, dtype) recorded for a value


Softmaxes = dict  # (x, y) -> (t3, t4) of each y = logsumexp(x) written out


def write_out(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
              recorded: Callable[[gast.AST], Seen | None], skip: set[int], numpy: str,
              temporaries: set[str]) -> tuple[bool, Softmaxes]:
    """Write out the ``logsumexp`` calls of ``fn`` outside the top-level statements ``skip``
    (by id), in place; the new names go to ``temporaries``.  Whether any was, and the
    names for :func:`share_terms`."""
    special = sys.modules.get("scipy.special")
    if special is None:  # not imported: the user's code calls no SciPy function
        return False, {}
    rewrite = _Rewrite(special.logsumexp, resolve, recorded, numpy,
                       lambda: Namer(syntax.all_names(fn)), temporaries)
    fn.body = rewrite.block(fn.body, skip)
    return rewrite.changed, rewrite.softmax


def share_terms(fn: gast.FunctionDef, softmaxes: Softmaxes, skip: set[int]) -> bool:
    """Once the helpers are lowered (``np.exp(x - unreduce(y, x))`` is ``np.exp(x - y)``):
    ``np.exp(x - y)`` of a ``y = logsumexp(x)`` written out as ``t3 / t4``, its terms over
    their sum (a softmax, as written by hand: one exponential less), where ``x`` and ``y``
    are bound once and ``t3``, ``t4`` are still there.  True if ``fn`` changed."""
    once = _bound_once(fn)
    stored = syntax.stored_names(fn)
    pairs = {k: v for k, v in softmaxes.items() if set(k) <= once and set(v) <= stored}
    if not pairs:
        return False
    share = _Softmax(pairs)
    fn.body = [s if id(s) in skip else share.visit(s) for s in fn.body]
    return share.changed


def _bound_once(fn: gast.FunctionDef) -> set[str]:
    """The names ``fn`` binds once (its parameters among them), never again."""
    counts: dict[str, int] = {}
    for node in syntax.walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param)):
            counts[node.id] = counts.get(node.id, 0) + 1
    return {n for n, c in counts.items() if c == 1}


def _name(node: gast.expr) -> str | None:
    return node.id if isinstance(node, gast.Name) else None


class _Softmax(Rewriter):
    """``np.exp(x - y)`` as ``t3 / t4`` for ``y = logsumexp(x)`` written out: the terms of
    the sum divided by it, as a hand-written softmax (``x`` and ``y`` bound once)."""

    def __init__(self, pairs: Softmaxes):
        self.pairs = pairs
        self.changed = False

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if isinstance(node.func, gast.Attribute) and node.func.attr == "exp" \
                and len(node.args) == 1 and not node.keywords \
                and isinstance(node.args[0], gast.BinOp) \
                and isinstance(node.args[0].op, gast.Sub):
            key = (_name(node.args[0].left), _name(node.args[0].right))
            if key in self.pairs:
                terms, total = self.pairs[key]
                self.changed = True
                return gast.BinOp(left=syntax.load(terms), op=gast.Div(),
                                  right=syntax.load(total))
        return node


class _Rewrite:
    def __init__(self, logsumexp: Any, resolve: Callable, recorded: Callable, numpy: str,
                 namer: Callable[[], Namer], temporaries: set[str]):
        """``namer`` makes the namer of the function's names at the first write-out (most
        functions have none): the tree is unchanged until then, so its names are the ones
        it had at the start."""
        self.logsumexp, self.resolve, self.recorded = logsumexp, resolve, recorded
        self.numpy, self.temporaries = numpy, temporaries
        self._make_namer: Callable[[], Namer] = namer
        self._namer: Namer | None = None
        self.changed = False
        # (x, y) -> (t3, t4) of each y = logsumexp(x) written out, for np.exp(x - y)
        self.softmax: dict[tuple[str | None, str], tuple[str, str]] = {}

    def block(self, body: list[gast.stmt], skip: set[int] = frozenset()) -> list[gast.stmt]:
        out: list[gast.stmt] = []
        for stmt in body:
            if id(stmt) in skip:
                out.append(stmt)
                continue
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list) and not isinstance(
                        stmt, gast.Try):
                    setattr(stmt, field, self.block(getattr(stmt, field)))
            out += self.statement(stmt) or [stmt]
        return out

    def statement(self, stmt: gast.stmt) -> list[gast.stmt] | None:
        """``stmt`` written out, or None when it is not a ``logsumexp`` to write out."""
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Call)
                and self.resolve(stmt.value.func) is self.logsumexp):
            return None
        call = stmt.value
        options = {k.arg: k.value for k in call.keywords}
        if len(call.args) == 2 and "axis" not in options:
            options["axis"] = call.args[1]
        if not 1 <= len(call.args) <= 2 or set(options) - {"axis", "keepdims"} or not all(
                _literal(v) for v in options.values()):
            return None
        x, seen, result = call.args[0], self.recorded(call.args[0]), self.recorded(call)
        if not (_real_array(seen) and result is not None and result[1] is not None):
            return None
        axis = options.get("axis", syntax.const(None))
        keepdims = options.get("keepdims", syntax.const(False))
        numpy = self.numpy
        if self._namer is None:
            self._namer = self._make_namer()
        peak, shift, terms, total = (self._namer.temp() for _ in range(4))
        self.temporaries |= {peak, shift, terms, total}
        along = {} if isinstance(axis, gast.Constant) and axis.value is None \
            else {"axis": axis}
        top = syntax.assign(peak, np_call(numpy, "max", [syntax.clone(x)], **along,
                                          keepdims=syntax.const(True)))
        finite = np_call(numpy, "isfinite", [syntax.load(peak)])
        guard = syntax.assign(shift, np_call(numpy, "where", [finite, syntax.load(peak),
                                                              syntax.const(0.0)]))
        spread = gast.BinOp(left=syntax.clone(x), op=gast.Sub(), right=syntax.load(shift))
        exps = syntax.assign(terms, np_call(numpy, "exp", [spread]))
        exps_read = syntax.load(terms)
        anno.info(exps_read).seen = frozenset({seen})  # x's shape and dtype: a method call
        summed = syntax.assign(total, np_call(numpy, "sum", [exps_read], **{
            k: syntax.clone(v) for k, v in along.items()}, keepdims=syntax.const(True)))
        value: gast.expr = gast.BinOp(left=np_call(numpy, "log", [syntax.load(total)]),
                                      op=gast.Add(), right=syntax.load(shift))
        if not keepdims.value:
            value = syntax.call(gast.Attribute(value=value, attr="reshape", ctx=gast.Load()),
                                [syntax.const(result[1])])
        stmt.value = value
        if keepdims.value or result[1] == ():  # x - y broadcasts y over x: a softmax
            self.softmax[(_name(x), stmt.targets[0].id)] = (terms, total)
        self.changed = True
        return [top, guard, exps, summed, stmt]


def _real_array(seen: Seen | None) -> bool:
    return seen is not None and seen[0] is np.ndarray and seen[1] is not None \
        and len(seen[1]) >= 1 and seen[2] is not None and seen[2].kind == "f"


def _literal(node: gast.expr) -> bool:
    """An int, None, a bool or a tuple of ints, written as a literal."""
    if isinstance(node, gast.Tuple):
        return all(isinstance(e, gast.Constant) and type(e.value) is int for e in node.elts)
    return isinstance(node, gast.Constant) and (node.value is None
                                                or type(node.value) in (int, bool))
