"""One form for the products of two arrays, once their ranks are known: ``a @ b``.

NumPy spells a matrix product many ways: ``a @ b``, ``np.matmul(a, b)``, ``np.dot(a, b)``
(``a.dot(b)``), ``np.tensordot(a, b, axes=1)``, ``np.einsum('ij,jk->ik', a, b)``; and the
generated derivative adds its own (``dot_adjoint_a(g, a, b)``, an ``einsum`` whose subscripts
``tensordot_adjoint_subscripts`` or ``einsum_adjoint_subscripts`` work out from the shapes).
Which of them is a matrix product depends on the operands' ranks (``np.dot`` of two 3-D
arrays is not ``np.matmul``'s), so a version by shape, where the ranks are recorded, writes
each as explicit einsum subscripts (``"ab,bc->ac"``) and, where those name one matrix product
(one letter summed, at most one kept per operand, nothing broadcast), as ``@`` of the
operands or their transposes (``g @ b.T``): every spelling then runs the same BLAS call, and
the later rewrites (the cancellation, the optimizer) see the same code.

The helpers that compute subscripts from shapes are evaluated first (their value is a
constant for the version's shapes), and ``einsum_place``/``linalg_cast`` of a value that
needs neither spreading nor a cast dropped.  The statements a returned value of the user's
function depends on are left as written (the primal invariant: the value is ``f``'s, float
for float), as are anything that is not a real floating point array of rank 1 or 2.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.core import anno, syntax
from tangentlike.runtime import linalg
from tangentlike.versions.rewriter import Rewriter

Seen = tuple  # (type, shape, dtype) recorded for a value


def subscripts_of(func: Any, args: list, seen: list[Seen | None]) -> str | None:
    """The explicit einsum subscripts (``"A,B->O"``) of the two-operand contraction
    ``func(*args)``, whose operands ``args[:2]`` have the recorded ``seen``; None when it is
    not one, or its ranks or constants are not known."""
    if len(seen) < 2 or not all(_array(s) for s in seen[:2]):
        return None
    ra, rb = len(seen[0][1]), len(seen[1][1])
    if func in (np.dot, np.matmul) and len(args) == 2:
        if func is np.matmul and (ra > 2 or rb > 2):
            return None  # a stack of products: broadcast, not one product
        return _dot_subscripts(ra, rb)
    if func is np.tensordot and len(args) == 3 and _constant(args[2]):
        axes = args[2].value if isinstance(args[2], gast.Constant) else _literal(args[2])
        try:
            return linalg._tensordot_subscripts(ra, rb, axes)
        except (TypeError, ValueError, IndexError):
            return None
    return None


def _dot_subscripts(ra: int, rb: int) -> str | None:
    """``np.dot`` of arrays of ranks ``ra`` and ``rb``: ``a``'s last axis with ``b``'s
    second-to-last (or only) axis."""
    if ra == 0 or rb == 0:
        return None
    a = "abcdefgh"[:ra]
    b = "ijklmnop"[:rb]
    summed = b[-2] if rb > 1 else b[0]
    b = b.replace(summed, a[-1])
    return f"{a},{b}->{a[:-1]}{b.replace(a[-1], '')}"


def adjoint_subscripts(subscripts: str, of_a: bool) -> str | None:
    """For ``z = einsum("A,B->O", a, b)`` where every letter of ``A`` and ``B`` is in the
    other operand or in ``O``: the subscripts of the adjoint of ``a`` (``"O,B->A"``, of
    ``g`` and ``b``) or of ``b`` (``"A,O->B"``)."""
    ins, _, out = subscripts.partition("->")
    a, b = ins.split(",")
    if any(c not in b + out for c in a) or any(c not in a + out for c in b):
        return None
    return f"{out},{b}->{a}" if of_a else f"{a},{out}->{b}"


def as_matmul(subscripts: str, x: gast.expr, y: gast.expr) -> gast.expr | None:
    """``np.einsum(subscripts, x, y)`` as ``@`` of ``x``, ``y`` or their transposes when
    the explicit ``subscripts`` name one matrix product (one letter summed, at most one
    kept from each operand, no letter repeated or broadcast), as ``x[:, None] * y`` when
    they name the outer product of two vectors (the adjoint of ``m @ v``), else None."""
    ins, arrow, out = subscripts.partition("->")
    if not arrow or "." in subscripts or ins.count(",") != 1:
        return None
    a, b = ins.split(",")
    if len(a) > 2 or len(b) > 2 or any(len(set(s)) != len(s) for s in (a, b, out)) \
            or set(out) - set(a + b):
        return None
    summed = set(a) & set(b)
    if not summed and len(a) == len(b) == 1 and out in (a + b, b + a):  # adjoint of m @ v
        first, second = (x, y) if out == a + b else (y, x)
        return gast.BinOp(left=_column(first), op=gast.Mult(), right=second)
    if len(summed) != 1 or summed & set(out) or set(a + b) - summed - set(out):
        return None  # an outer product, a batch axis, or an axis summed in one operand
    (c,) = summed
    fa, fb = a.replace(c, ""), b.replace(c, "")
    if out == fa + fb:  # (fa, c) @ (c, fb)
        return _matmul(_arranged(x, a, fa + c), _arranged(y, b, c + fb))
    if fa and fb and out == fb + fa:  # (fb, c) @ (c, fa)
        return _matmul(_arranged(y, b, fb + c), _arranged(x, a, c + fa))
    return None


def _arranged(x: gast.expr, have: str, want: str) -> gast.expr:
    """``x`` with axes ``have`` as ``want`` (the same letters; at most two)."""
    if have == want or len(have) < 2:
        return x
    return gast.Attribute(value=x, attr="T", ctx=gast.Load())


def _column(x: gast.expr) -> gast.Subscript:
    """``x[:, None]``."""
    index = gast.Tuple(elts=[gast.Slice(lower=None, upper=None, step=None),
                             syntax.const(None)], ctx=gast.Load())
    return gast.Subscript(value=x, slice=index, ctx=gast.Load())


def _matmul(x: gast.expr, y: gast.expr) -> gast.BinOp:
    return gast.BinOp(left=x, op=gast.MatMult(), right=y)


def _array(seen: Seen | None) -> bool:
    """A real floating point array (not a scalar) with one recorded shape."""
    if seen is None:
        return False
    kind, shape, dtype = seen
    return kind is np.ndarray and shape is not None and len(shape) >= 1 \
        and dtype is not None and dtype.kind == "f"


def _constant(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) or (
        isinstance(node, gast.Tuple) and all(_constant(e) for e in node.elts))


def _plain(value: Any) -> bool:
    """A string, an int or None, or a tuple of them: a constant the source can spell."""
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int)


def _literal(node: gast.expr) -> Any:
    if isinstance(node, gast.Constant):
        return node.value
    return tuple(_literal(e) for e in node.elts)


def _stand_in(seen: Seen) -> np.ndarray:
    """An array of the recorded shape and dtype, without memory (for a helper that reads
    only the shape)."""
    return np.broadcast_to(np.zeros((), seen[2]), seen[1])


# The helpers whose value follows from their arguments' shapes and the constants among them.
_OF_SHAPES: tuple[Callable, ...] = (linalg.tensordot_adjoint_subscripts,
                                    linalg.einsum_adjoint_subscripts)
# The functions whose calls ``Contractions._product`` rewrites (it looks at no other), and
# those of ``_OF_SHAPES``: a function that calls none of them has nothing to rewrite.
_PRODUCTS: tuple[Callable, ...] = (np.einsum, linalg.einsum_with, np.tensordot, np.dot,
                                   np.matmul, runtime.dot_adjoint_a, runtime.dot_adjoint_b,
                                   linalg.linalg_cast, linalg.einsum_place)
_REWRITTEN = _PRODUCTS + _OF_SHAPES


def may_rewrite(calls: list[gast.AST], resolve: Callable[[gast.expr], Any]) -> bool:
    """Whether :class:`Contractions` may change a function whose calls are ``calls`` (other
    nodes in the list are passed over): whether one is of a function it rewrites."""
    return any(node.__class__ is gast.Call and resolve(node.func) in _REWRITTEN
               for node in calls)


class Contractions(Rewriter):
    """Rewrites the contractions of a version (see the module docstring).  ``resolve``: a
    callee's expression -> the object it stands for; ``recorded``: an expression -> its
    one recorded (type, shape, dtype) or None; ``skip``: the ids of the top-level statements
    left as written."""

    def __init__(self, fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                 recorded: Callable[[gast.AST], Seen | None], skip: set[int],
                 walked: list[gast.Name] | None = None):
        """``walked``: ``syntax.walk_names(fn)``, if the caller has it."""
        self.resolve, self.recorded, self.skip = resolve, recorded, skip
        self.constants: dict[str, Any] = {}  # names bound once to a value of shapes
        self.changed = False
        counts: dict[str, int] = {}
        for node in syntax.walk_names(fn) if walked is None else walked:
            if isinstance(node.ctx, gast.Store):
                counts[node.id] = counts.get(node.id, 0) + 1
        self.once = {n for n, c in counts.items() if c == 1}

    def rewrite(self, fn: gast.FunctionDef) -> bool:
        """Rewrite ``fn``'s body in place; True if anything changed."""
        fn.body = [s if id(s) in self.skip else self.visit(s) for s in fn.body]
        return self.changed

    def visit_Assign(self, node: gast.Assign) -> gast.stmt:
        self.generic_visit(node)
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, gast.Name) \
                and target.id in self.once and isinstance(node.value, gast.Call):
            value = self._of_shapes(node.value)
            if value is not None:
                self.constants[target.id] = value
                node.value = syntax.const(value)
                self.changed = True
        return node

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        self.generic_visit(node)
        if isinstance(node.value, gast.Name) and node.value.id in self.constants and \
                isinstance(node.slice, gast.Constant) and type(node.slice.value) is int:
            value = self.constants[node.value.id]
            if isinstance(value, tuple) and -len(value) <= node.slice.value < len(value):
                self.changed = True
                return syntax.const(value[node.slice.value])
        return node

    def _of_shapes(self, call: gast.Call) -> Any:
        """The value of a call of a helper of ``_OF_SHAPES`` whose arguments are constants
        or arrays of recorded shapes, or None."""
        if call.keywords or self.resolve(call.func) not in _OF_SHAPES:
            return None
        args = []
        for arg in call.args:
            if _constant(arg):
                args.append(_literal(arg))
                continue
            seen = self.recorded(arg)
            if seen is None or seen[0] is not np.ndarray or seen[1] is None:
                return None
            args.append(_stand_in(seen))
        try:
            value = self.resolve(call.func)(*args)
        except Exception:  # noqa: BLE001  (it raises at run time then: keep the call)
            return None
        return value if _plain(value) else None

    def visit_Call(self, node: gast.Call) -> gast.expr:
        seen = [self.recorded(a) for a in node.args]
        self.generic_visit(node)
        new = self._product(node, seen)
        if new is None:
            return node
        if anno.has_info(node):
            anno.info(new).seen = anno.info(node).seen
        self.changed = True
        return new

    def _product(self, node: gast.Call, seen: list) -> gast.expr | None:
        func = self.resolve(node.func)
        args = node.args
        if func is None or func not in _PRODUCTS or any(
                isinstance(a, gast.Starred) for a in args):
            return None
        if func in (np.einsum, linalg.einsum_with):
            keywords = {k.arg: k.value for k in node.keywords}
            if set(keywords) - {"optimize"} or len(args) != 3 or not (
                    isinstance(args[0], gast.Constant) and isinstance(args[0].value, str)) \
                    or not all(_array(s) for s in seen[1:]):
                return None
            try:
                explicit = _explicit(args[0].value, seen[1:])
            except ValueError:
                return None
            return as_matmul(explicit, args[1], args[2])
        if func is np.tensordot and [k.arg for k in node.keywords] == ["axes"] \
                and len(args) == 2:
            args = [*args, node.keywords[0].value]  # np.tensordot(a, b, axes=1)
        elif func is np.tensordot and not node.keywords and len(args) == 2:
            args = [*args, syntax.const(2)]  # the default
        elif node.keywords:
            return None
        if func in (runtime.dot_adjoint_a, runtime.dot_adjoint_b) and len(args) == 3:
            if not all(_array(s) for s in seen):
                return None
            forward = subscripts_of(np.dot, args[1:], seen[1:])
            of_a = func is runtime.dot_adjoint_a
            adjoint = forward and adjoint_subscripts(forward, of_a)
            if adjoint is None:
                return None
            return as_matmul(adjoint, args[0], args[2]) if of_a else \
                as_matmul(adjoint, args[1], args[0])
        if func is linalg.linalg_cast and len(args) == 2:
            return args[0] if _array(seen[0]) and seen[0] == seen[1] else None
        if func is linalg.einsum_place and len(args) == 4:
            letters, target = args[2], args[3]
            if (isinstance(letters, gast.Constant) and isinstance(target, gast.Constant)
                    and letters.value == target.value
                    and len(set(target.value)) == len(target.value)
                    and _array(seen[0]) and seen[0] == seen[1]):
                return args[0]
            return None
        explicit = subscripts_of(func, args, seen)
        return None if explicit is None else as_matmul(explicit, args[0], args[1])


def _explicit(subscripts: str, seen: list[Seen]) -> str:
    """``subscripts`` of einsum operands of the recorded shapes, made explicit."""
    ins, out, _ = linalg._einsum_parse(subscripts, tuple(s[1] for s in seen))
    return ",".join(ins) + "->" + out
