"""Assignments in A-normal form: ``y = e``, ``a = b = e``, ``a, b = e`` (the whole right
side read before any target is bound, as in Python), ``x[i] = v`` into an array the function
made, and ``x += v`` / ``x[i] += v`` (NumPy's in-place update, marked ``inplace``).  The
statement forms around them are ``normalize.py``'s; the expressions ``operands.py``'s."""
from __future__ import annotations

import gast

from tangentlike import runtime
from tangentlike.core import anno, syntax
from tangentlike.frontend.operands import ExpressionSplitter


class AssignmentSplitter(ExpressionSplitter):
    """Binds assignment targets to split expressions (names get versions: ``x``, ``x_1``)."""

    def visit_Assign(self, stmt: gast.Assign) -> None:
        if len(stmt.targets) == 1:
            self.assign_to(stmt.targets[0], stmt.value)
            return
        # a = b = e: e is evaluated once, then bound to each target from left to right
        value = self.snapshot(self.atomize(stmt.value), stmt.targets)
        for target in stmt.targets:
            self.assign_to(target, value, evaluated=True)

    def visit_AnnAssign(self, stmt: gast.AnnAssign) -> None:
        if stmt.value is not None:
            self.assign_to(stmt.target, stmt.value)

    def snapshot(self, value: gast.expr, targets: list[gast.expr]) -> gast.expr:
        """``value`` (an evaluated operand), under a name of its own if one of ``targets``
        binds its name: the targets are bound one after another, and a later one must still
        see the value as it was (``x, y = x * a, x`` gives ``y`` the old ``x``)."""
        if not isinstance(value, gast.Name):
            return value
        bound = set().union(*(syntax.stored_names(t) for t in targets))
        if value.id not in {self.current.get(n, n) for n in bound} | bound:
            return value
        name = self.temp()
        self.emit(syntax.assign(name, value))
        return syntax.load(name)

    def assign_to(self, target: gast.expr, value: gast.expr, evaluated: bool = False) -> None:
        """Bind ``target`` to ``value``; ``evaluated``: ``value`` is an operand already read
        (its names are versions, not to be read again)."""
        if isinstance(target, gast.Name):
            simple = value if evaluated else self.simplify(value)
            name = self.bind(target.id)
            root = _view_root(value)
            if root in self.callers and root in self.locals:
                self.callers.add(target.id)  # the caller's array, or a view of it
            else:
                self.callers.discard(target.id)
            self.spreading.show(target.id, value)
            if self.is_sequence(value):
                self.sequences.add(target.id)
            else:
                self.sequences.discard(target.id)
            self.emit(syntax.assign(name, simple))
        elif isinstance(target, (gast.Tuple, gast.List)):
            self.unpack(target, value, evaluated)
        elif isinstance(target, gast.Subscript):
            self.assign_into(target, value if evaluated else self.atomize(value))
        elif isinstance(target, gast.Attribute):
            raise self.unsupported(target, "assignment to an attribute (obj.x = v)",
                                   "use a local variable, or build a new object "
                                   "(layer = Layer(layer.W * 2.0, layer.b))")
        else:
            raise self.unsupported(target, f"assignment to {type(target).__name__}",
                                   "assign to plain names")

    def assign_into(self, target: gast.Subscript, value: gast.expr,
                    index: gast.expr | None = None) -> None:
        """``x[i] = v`` on an array or list the function made itself."""
        base = target.value
        if not isinstance(base, gast.Name):
            raise self.unsupported(target, "assignment into a nested subscript (x[i][j] = v)",
                                   "index with a tuple: x[i, j] = v")
        if base.id in self.callers and not self.summary:
            raise self.unsupported(
                target, f"assignment into {base.id!r}, which is an argument of the function or "
                "a view of one (it would change the caller's array)",
                f"work on a copy: {base.id} = {base.id}.copy()")
        index = index if index is not None else self.simplify_index(target.slice)
        self.emit(gast.Assign(targets=[gast.Subscript(value=self.read(base), slice=index,
                                                      ctx=gast.Store())],
                              value=value, type_comment=None))

    def unpack(self, target: gast.Tuple | gast.List, value: gast.expr,
               evaluated: bool = False) -> None:
        """``a, b = value``: the whole right side is evaluated first, then the targets are
        bound from left to right, as in Python (``x, y = y, x`` swaps)."""
        if any(isinstance(e, gast.Starred) for e in target.elts):
            raise self.unsupported(target, "starred unpacking (a, *b = ...)",
                                   "unpack each element by index")
        self.spreading.forget(syntax.stored_names(target))
        if (not evaluated and isinstance(value, (gast.Tuple, gast.List))
                and len(value.elts) == len(target.elts)):
            parts = [self.atomize(e) for e in value.elts]  # all read before any is bound
            parts = [self.snapshot(p, target.elts) for p in parts]
            for elt, part in zip(target.elts, parts):
                self.assign_to(elt, part, evaluated=True)
            return
        source = value if evaluated else self.atomize(value)
        names = [e.id for e in target.elts if isinstance(e, gast.Name)]
        if len(names) == len(target.elts):  # a, b = pair: one tuple assignment
            bound = [self.bind(n) for n in names]
            self.emit(syntax.assign(
                syntax.tuple_of([syntax.store(n) for n in bound], gast.Store()), source))
            return
        # nested or subscript targets: unpack into temporaries, then bind each in order
        temps = [self.temp() for _ in target.elts]
        self.emit(syntax.assign(
            syntax.tuple_of([syntax.store(n) for n in temps], gast.Store()), source))
        for elt, temp in zip(target.elts, temps):
            self.assign_to(elt, syntax.load(temp), evaluated=True)

    def visit_AugAssign(self, stmt: gast.AugAssign) -> None:
        target = stmt.target
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            index = self.simplify_index(target.slice)
            current = self.atomize(gast.Subscript(value=target.value, slice=index,
                                                  ctx=gast.Load()))
            new = self.atomize(gast.BinOp(left=current, op=stmt.op, right=stmt.value))
            self.assign_into(target, new, syntax.clone(index))
            anno.info(self.out[-1]).inplace = True  # x[i] += v changes the element in place
            return
        if not isinstance(target, gast.Name):
            raise self.unsupported(stmt, "augmented assignment into an attribute",
                                   "use a local variable")
        combined = gast.BinOp(left=syntax.load(target.id), op=stmt.op, right=stmt.value)
        if self.is_sequence(combined):  # xs += [v]: a list extended in place, a tuple re-bound
            self.assign_to(syntax.store(target.id), combined)
        else:
            new = self.atomize(combined)
            self.assign_to(syntax.store(target.id), syntax.call(
                self.helper(runtime.keep_dtype), [new, syntax.load(target.id)]))
        anno.info(self.out[-1]).inplace = target.id  # NumPy updates the array in place


def _view_root(value: gast.expr) -> str | None:
    """``x`` for ``x``, ``x[i]``, ``x.T``: values that may share ``x``'s memory."""
    while isinstance(value, (gast.Subscript, gast.Attribute)):
        value = value.value
    return value.id if isinstance(value, gast.Name) else None
