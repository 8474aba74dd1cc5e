"""Derivative terms that cancel exactly, found by algebra on a shape-specialized derivative.

The gradient of a stable logsumexp or log-softmax carries the derivative of the maximum
subtracted for stability: ``bm = g - np.sum(g / t3 * t2)`` with ``t3 = np.sum(t2)``, which
is zero for every input, as the function does not depend on the shift.  A hand-written
gradient leaves it out; generated code would compute it, spread it over the maximal
elements and add it in: passes over the array for nothing.

In forward mode over such a gradient (an HVP), the tangent of the maximum is not zero, but
its every contribution cancels.  So a value computed by a pure call is also replaced by
zero when no value the algebra cannot follow (an argument of a call it does not know, a
returned value, anything read in a loop) contains it; but not a value another is divided by
(``t * s / s`` is ``t`` only where ``s`` is not zero), nor one computed again elsewhere (the
other computation would still add its half of the cancelling pair).

This pass reads the straight-line top level of a function (see ``observe``, which
records every value's shape) as polynomials: a value is a sum of terms, each a coefficient
times a product of powers of *atoms* (names it does not look into, calls it does not know,
and sums of products of atoms).  It knows that ``np.sum`` is linear and that a factor
constant along the summed axes (by the recorded shapes) comes out of the sum.  Then an
assignment whose value is identically zero becomes ``np.zeros(shape)`` (or ``0.0``), a
runtime helper linear in its first argument gives zero for zero, and ``x + 0`` is ``x``
when the shapes agree; the optimizer afterwards removes what only fed them.  The results
are the exact-arithmetic ones: rounding differences of the order of ``1e-16`` (the value of
the cancelled terms) disappear, as in a hand-written gradient; and as there, ``a / s * s``
is ``a`` even where ``s`` is zero (where the general code would give NaN).  The statements a
returned value of the user's function depends on are left exactly as they are (the primal
invariant: ``value_and_grad`` returns ``f(*args)``, float for float).  A function that
may change a value in place (``x[i] = v``, ``out=``, a method call as a statement) is left
as it is.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.core import anno, syntax
from tangentlike.rules.primitive import primitive
from tangentlike.rules.registry import is_pure_function
from tangentlike.versions.lowerings import zeros_of

MAX_TERMS = 32  # a polynomial with more terms is kept as one atom

Monomial = tuple  # sorted ((atom, power), ...)
Poly = dict  # Monomial -> coefficient



def recorded(node: gast.AST) -> tuple | None:
    """The one ``(type, shape, dtype)`` the instrumented run recorded for an expression
    (``anno`` field ``seen``, see observe.py), or None."""
    found = anno.info(node).seen if anno.has_info(node) else None
    if not found or len(found) != 1:
        return None
    (only,) = found
    return only


def _seen_shape(node: gast.AST) -> tuple | None:
    """The one shape recorded for a floating point value, or None."""
    found = recorded(node)
    if found is None:
        return None
    kind, shape, _ = found
    if shape is None or not (kind is float or kind is np.ndarray
                             or issubclass(kind, np.floating)):
        return None
    return shape


def _product(a: Monomial, b: Monomial) -> Monomial:
    powers: dict[str, int] = dict(a)
    for atom, p in b:
        powers[atom] = powers.get(atom, 0) + p
    return tuple(sorted((atom, p) for atom, p in powers.items() if p))


def _add(a: Poly, b: Poly, sign: float = 1.0) -> Poly:
    out = dict(a)
    for m, c in b.items():
        total = out.get(m, 0.0) + sign * c
        if total == 0.0:
            out.pop(m, None)
        else:
            out[m] = total
    return out


def _multiply(a: Poly, b: Poly) -> Poly | None:
    if len(a) * len(b) > MAX_TERMS:
        return None
    out: Poly = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            out = _add(out, {_product(ma, mb): ca * cb})
    return out


class _Algebra:
    """Polynomials of the expressions of one function's top level, in statement order."""

    def __init__(self, params: dict[str, tuple], resolve: Callable[[gast.expr], Any]):
        self.resolve = resolve  # a callee's name -> the object it stands for
        self.env: dict[str, Poly] = {}
        self.version: dict[str, int] = {}
        self.shapes: dict[str, tuple | None] = {f"{n}@0": s for n, s in params.items()}
        self.escaped: list[Poly] = []  # values read where the algebra cannot follow them
        self.inside: dict[str, set[str]] = {}  # a sum's atom -> the atoms it sums
        self.recreated: set[str] = set()  # atoms an expression made again (one value twice)
        self.divisors: set[str] = set()  # atoms a value is divided by: never zero

    # -- atoms ---------------------------------------------------------------------------
    def atom(self, key: str, shape: tuple | None) -> Poly:
        self.shapes.setdefault(key, shape)
        return {((key, 1),): 1.0}

    def name_atom(self, name: str) -> str:
        return f"{name}@{self.version.get(name, 0)}"

    def opaque(self, node: gast.expr) -> Poly:
        """An expression as one atom: its source, with each name at its current version.
        The values of the names it reads *escape*: the algebra no longer follows them."""
        self.escape(node)
        key = repr(_structure(node, self.version))
        for c in syntax.walk(node):
            if c.__class__ is gast.Call and not _pure_call(c, self.resolve):
                key += f"  # call {len(self.shapes)}"  # two random draws are not one value
                break
        if key in self.shapes:  # ``y = np.sin(x)`` and ``z = np.sin(x)``: one atom, two names
            self.recreated.add(key)
        return self.atom(key, _seen_shape(node))

    def escape(self, node: gast.AST) -> None:
        for name in syntax.loaded_names(node):
            if name in self.env:
                self.escaped.append(self.env[name])

    # -- expressions -----------------------------------------------------------------------
    def of(self, node: gast.expr) -> Poly:
        poly = self._of(node)
        return poly if poly is not None else self.opaque(node)

    def _of(self, node: gast.expr) -> Poly | None:
        if isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return {(): float(node.value)} if node.value else {}
        if isinstance(node, gast.Name):
            if node.id in self.env:
                return self.env[node.id]
            key = self.name_atom(node.id)
            return self.atom(key, self.shapes.get(key, _seen_shape(node)))
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            inner = self.of(node.operand)
            return inner if isinstance(node.op, gast.UAdd) else _add({}, inner, -1.0)
        if isinstance(node, gast.BinOp):
            return self._binop(node)
        if isinstance(node, gast.Call):
            return self._call(node)
        return None

    def _binop(self, node: gast.BinOp) -> Poly | None:
        left, right = self.of(node.left), self.of(node.right)
        if isinstance(node.op, gast.Add):
            return _add(left, right)
        if isinstance(node.op, gast.Sub):
            return _add(left, right, -1.0)
        if isinstance(node.op, gast.Mult):
            return _multiply(left, right)
        if isinstance(node.op, gast.Div):
            if len(right) != 1:
                right = self.opaque(node.right)
            ((monomial, c),) = right.items()
            self.divisors.update(atom for atom, _ in monomial)
            return _multiply(left, {tuple((a, -p) for a, p in monomial): 1.0 / c})
        return None

    def _call(self, node: gast.Call) -> Poly | None:
        func = self.resolve(node.func)
        if func is np.zeros:
            return {}
        if primitive(func).zero_in_first and node.args and not self.of(node.args[0]):
            return {}
        if (func is np.broadcast_to or func is runtime.broadcast_like) and len(
                node.args) == 2 and not node.keywords:
            return self.of(node.args[0])  # broadcasting, as arithmetic does
        if isinstance(node.func, gast.Attribute) and node.func.attr == "copy" \
                and not node.args and not node.keywords:
            return self.of(node.func.value)
        if func is np.sum and len(node.args) == 1:
            return self._sum(node)
        return None

    def _sum(self, node: gast.Call) -> Poly | None:
        """``np.sum(e, axis, keepdims)``: term by term, constant factors taken out."""
        options = {k.arg: k.value for k in node.keywords}
        if set(options) - {"axis", "keepdims"} or not all(
                isinstance(v, gast.Constant) for v in options.values()):
            return None
        shape = _seen_shape(node.args[0])
        if shape is None:
            return None
        axis = options["axis"].value if "axis" in options else None
        keepdims = bool(options["keepdims"].value) if "keepdims" in options else False
        if axis is None:
            axes = tuple(range(len(shape)))
        else:
            axes = tuple(sorted(a % len(shape) for a in ((axis,) if isinstance(axis, int)
                                                           else axis)))
        count = math.prod(shape[a] for a in axes)
        total: Poly = {}
        for monomial, c in self.of(node.args[0]).items():
            constant, varying = [], []
            for atom, p in monomial:
                (constant if self._constant_along(atom, shape, axes) else varying).append(
                    (atom, p))
            if not keepdims and any(self.shapes.get(a) != () for a, _ in constant):
                return None  # the factor would lose its alignment with the result
            if varying:
                key = f"sum({varying}, axes={axes}, keepdims={keepdims}, shape={shape})"
                if key in self.shapes:  # ``np.sum(dx)`` of a statement and inside a sum
                    self.recreated.add(key)
                self.inside[key] = {atom for atom, _ in varying}
                term = _product(tuple(constant), ((key, 1),))
                self.shapes.setdefault(key, tuple(  # the shape of the sum
                    1 if a in axes else n for a, n in enumerate(shape)
                    if keepdims or a not in axes))
                total = _add(total, {term: c})
            else:
                total = _add(total, {tuple(constant): c * count})
        return total

    def _constant_along(self, atom: str, shape: tuple, axes: tuple) -> bool:
        own = self.shapes.get(atom)
        if own is None:
            return False
        offset = len(shape) - len(own)
        return offset >= 0 and all(a < offset or own[a - offset] == 1 for a in axes)


def cancel(fn: gast.FunctionDef, params: dict[str, tuple],
           resolve: Callable[[gast.expr], Any], numpy: str) -> bool:
    """Replace the top-level values of ``fn`` that are identically zero, and those whose
    every contribution cancels (see the module docstring); ``params``: the shape of each
    array or float parameter.  True if ``fn`` changed (run the optimizer, then again)."""
    for node in syntax.walk(fn):  # (by exact class: gast's node classes have no subclasses)
        cls = node.__class__
        if cls is gast.AugAssign or (cls is gast.Assign and _target_in_place(node)) or (
                cls is gast.Call and node.keywords
                and any(k.arg == "out" for k in node.keywords)) or (
                cls is gast.Expr and isinstance(node.value, gast.Call)
                and isinstance(node.value.func, gast.Attribute)
                and node.value.func.attr != "append"):
            return False  # values may change in place: the algebra would not see it
    algebra = _Algebra(params, resolve)
    changed = False
    fresh: dict[str, gast.Assign] = {}  # an atom a statement's value introduced -> it
    exact = returned_primal_slice(fn)
    for stmt in fn.body:
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(
                stmt.targets[0], gast.Name):
            name = stmt.targets[0].id
            if id(stmt) not in exact:
                stmt.value, dropped = _drop_zero_terms(stmt.value, algebra)
                changed |= dropped
            known = set(algebra.shapes)
            poly = algebra.of(stmt.value)
            if id(stmt) in exact:
                pass  # computed as the user's function computes it, float for float
            elif not poly and not _is_zero(stmt.value):
                zero = _zeros(stmt.value, numpy)
                if zero is not None:
                    stmt.value = zero
                    changed = True
            if len(poly) == 1 and list(poly.values()) == [1.0] and id(stmt) not in exact \
                    and _pure_call(stmt.value, resolve):
                (monomial,) = poly
                if len(monomial) == 1 and monomial[0][1] == 1 and monomial[0][0] not in known:
                    fresh[monomial[0][0]] = stmt
            algebra.version[name] = algebra.version.get(name, 0) + 1
            if len(poly) > MAX_TERMS:
                algebra.escaped.append(poly)
                poly = algebra.atom(algebra.name_atom(name), _seen_shape(stmt.value))
            algebra.env[name] = poly
        else:
            algebra.escape(stmt)
            for name in syntax.stored_names(stmt):
                algebra.version[name] = algebra.version.get(name, 0) + 1
                if name in algebra.env:  # a branch or loop that may not run keeps the old
                    algebra.escaped.append(algebra.env.pop(name))  # value (``if c: bx = 0``)
    # A value whose atom no escaping value contains contributes nothing: it can be zero;
    # but not one a value is divided by (``t8 * t3 / (2.0 * t3)`` is ``t8 / 2`` only where
    # ``t3`` is not zero).
    read: set[str] = set()
    todo = [atom for poly in algebra.escaped for monomial in poly for atom, _ in monomial]
    todo += algebra.divisors
    while todo:  # and what the sums among them sum
        atom = todo.pop()
        if atom not in read:
            read.add(atom)
            todo += algebra.inside.get(atom, ())
    for atom, stmt in fresh.items():
        # An atom computed again elsewhere is not this statement's alone: zeroing only this
        # one would break the cancellation it takes part in (``a - y`` with ``a = 0.5 + z``).
        if atom not in read and atom not in algebra.recreated and not _is_zero(stmt.value):
            zero = _zeros(stmt.value, numpy)
            if zero is not None:
                stmt.value = zero
                changed = True
    return changed


def _target_in_place(node: gast.Assign) -> bool:
    """Whether an assignment writes into a value (a subscript or an attribute among its
    targets); one plain name, the most common target, holds neither: no walk."""
    targets = node.targets
    if len(targets) == 1 and targets[0].__class__ is gast.Name:
        return False
    return any(isinstance(t, (gast.Subscript, gast.Attribute))
               for target in targets for t in syntax.walk(target))


def _structure(node: Any, version: dict[str, int]) -> Any:
    """A hashable key of an expression's tree: equal keys, equal trees (names read at the
    same versions: ``x`` read at version 2 is ``x__v2``); contexts left out.  Cheaper than
    printing the expression, and stricter (``1`` and ``1.0`` differ)."""
    if isinstance(node, gast.Name):
        if node.ctx.__class__ is gast.Load:
            return f"{node.id}__v{version.get(node.id, 0)}"
        return node.id
    if isinstance(node, gast.AST):  # (lists, not generators: a call each, not one a field)
        return (node.__class__.__name__, *[_structure(getattr(node, f), version)
                                           for f in node._fields if f != "ctx"])
    if isinstance(node, list):
        return tuple([_structure(n, version) for n in node])
    return node


def returned_primal_slice(fn: gast.FunctionDef) -> set[int]:
    """The top-level statements (by id) that a returned value of the user's function
    depends on: the primal invariant wants that value exactly as ``f`` computes it, so
    exact-arithmetic rewrites leave them alone.  A value of the user's function is one a
    statement with the user's line as its origin computes (not a generated adjoint or
    tangent); the returned adjoints and tangents may lose rounding differences."""
    stored = [syntax.stored_names(stmt) for stmt in fn.body]  # each walked once
    primal = {name for stmt, names in zip(fn.body, stored) if anno.has_info(stmt)
              and anno.info(stmt).origin is not None and not anno.info(stmt).generated
              for name in names}
    wanted = {name for stmt in fn.body if isinstance(stmt, gast.Return) and stmt.value
              for name in syntax.loaded_names(stmt) if name in primal}
    exact = set()
    for stmt, names in zip(reversed(fn.body), reversed(stored)):
        if names & wanted:
            exact.add(id(stmt))
            wanted |= syntax.loaded_names(stmt)
    return exact


def _pure_call(node: gast.expr, resolve: Any) -> bool:
    """A call that only computes a value: of a function declared pure (its record) or pure
    by its module's policy (NumPy's, math's; not ``np.copyto`` or ``numpy.random``), and not
    a method, which may change its object, nor a stack's ``pop``.  A user's function, even
    one with a registered rule, is not pure unless declared so."""
    if not isinstance(node, gast.Call) or isinstance(node.func, gast.Attribute) and \
            resolve(node.func) is None:
        return False
    return is_pure_function(resolve(node.func))


def _drop_zero_terms(node: gast.expr, algebra: _Algebra) -> tuple[gast.expr, bool]:
    """``x + z`` and ``x - z`` become ``x``, ``z + x`` becomes ``x``, where ``z`` is
    identically zero and ``x`` has the shape of the sum."""
    if not (isinstance(node, gast.BinOp) and isinstance(node.op, (gast.Add, gast.Sub))):
        return node, False
    if _seen_shape(node) is None:
        return node, False
    sides = [("right", "left")] + ([("left", "right")] if isinstance(node.op, gast.Add)
                                   else [])
    for zero_side, kept_side in sides:
        kept = getattr(node, kept_side)
        if recorded(kept) == recorded(node) \
                and not algebra.of(getattr(node, zero_side)):
            return kept, True  # the same type, shape and dtype as the sum
    return node, False


def _is_zero(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and node.value == 0 or (
        isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
        and node.func.attr == "zeros")


def _zeros(node: gast.expr, numpy: str) -> gast.expr | None:
    """A zero with the recorded type and shape of ``node``'s value."""
    found = recorded(node)
    if found is None:
        return None
    kind, shape, dtype = found
    if kind is float:
        return syntax.const(0.0)
    if kind is np.ndarray and dtype.kind == "f":
        return zeros_of(numpy, shape, dtype)  # in the value's dtype (float32 stays float32)
    return None
