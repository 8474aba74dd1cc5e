"""What the instrumented run would record, worked out from the signature alone.

For a generated derivative of assignments to names, one ``return``, the docstring and the
comments' strings, and loops over ``range(...)`` or ``reversed(range(...))`` of such
assignments and of a stack's ``append`` and ``pop`` (the stack bound once, to ``[]``),
whose every value is a floating point array, a NumPy or Python float, a Python int, None,
a shape or a stack, and whose every operation is one of a few whose result's type, shape
and dtype follow from its operands' (arithmetic, NumPy's ufuncs, ``@``, ``.T``, ``.shape``
and its items, ``np.zeros`` of a shape, the sums, means and extrema, a row ``xs[t]`` of an
array, and the runtime helpers ``seed``, ``unbroadcast``, ``unreduce``,
``unreduce_extremum``, ``matmul_adjoint_a``/``_b``, ``unindex``, ``zeros_like`` and
``shape_only``), ``infer_seen`` gives the table of ``Observer.run`` (what each place of
``observe.slots`` holds) without running anything over the arrays: each value is carried
as its real shape and an *exemplar*, an array of the same dtype and rank with one element
(or the number itself; an int is its own value), on which the operation is run to learn
its result's type and dtype (NumPy's promotion reads types, not values).  Each helper is
followed case by case as its code goes.  A loop is run step by step, the stack holding the
steps' abstract values; a step that starts as the step before it started (each name it
reads before binding it with the same type, shape, dtype and int value, the same values on
top of the stacks it pops) is that step again: its operations on the stacks are repeated,
nothing is evaluated (of the W4 RNN's 50 steps each way, two are evaluated: forward the
first, whose saves are Nones, and the second; backward the first and the last, which pops
the first step's Nones).  A loop's counter may only be read as an
index, checked against its whole range.  Anything else (a branch, a slice, an integer
array, a global value, a call or a helper's case it does not know, a loop of no step, an
operation the real run would refuse) gives None: the dispatcher then makes the
instrumented run.
"""
from __future__ import annotations

import math
from typing import Any

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.core import syntax
from tangentlike.versions.observe import slot_values, slots
from tangentlike.versions.resolver import Resolver
from tangentlike.versions.signature import is_integer


class _Unknown(Exception):
    """The inference cannot decide a value: the caller makes the instrumented run."""


class _Value:
    """A value of the abstract run: its type, real shape (() for a number) and exemplar
    (one element of its dtype at its rank; an int or None is itself)."""

    __slots__ = ("shape", "example")

    def __init__(self, shape: tuple, example: Any):
        self.shape = shape
        self.example = example

    def describe(self) -> tuple:
        """What ``signature.describe`` gives of the real value."""
        kind = type(self.example)
        if kind is np.ndarray or isinstance(self.example, np.generic):
            return kind, self.shape, self.example.dtype
        if kind is tuple:  # a shape: its ints
            return kind, None, bool(self.example)
        if kind is list:  # a stack of values (``_Value``s)
            return kind, None, any(is_integer(v.example) for v in self.example)
        if kind is range:
            return kind, None, None
        return kind, (), None

    def key(self) -> tuple:
        """What decides how the value takes part in an operation: its description, and
        its value for an int, a bool or None (they are their own exemplars)."""
        example = self.example
        if example is None or type(example) in (int, bool, tuple):
            return self.describe(), example
        return self.describe()


def _int_constant(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and type(node.value) is int


def _stack_call(node: gast.expr) -> str | None:
    """``append`` for ``name.append(x)``, ``pop`` for ``name.pop()``; None otherwise."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and isinstance(
            node.func.value, gast.Name) and not node.keywords:
        if node.func.attr == "append" and len(node.args) == 1:
            return "append"
        if node.func.attr == "pop" and not node.args:
            return "pop"
    return None


def _in_range(indices: range | tuple[int], array: _Value) -> bool:
    """Every index a valid row of ``array`` (of rank at least 1)."""
    length = array.shape[0]
    return all(-length <= i < length for i in (min(indices), max(indices)))


_REDUCTIONS = {np.sum: "sum", np.max: "max", np.min: "min", np.mean: "mean",
               np.amax: "max", np.amin: "min"}
_METHODS = {"sum", "max", "min", "mean"}


def infer_seen(fn: gast.FunctionDef, scope: dict, args: tuple,
               kwargs: dict) -> dict[int, set] | None:
    """The table the instrumented run of ``fn`` with ``args`` and ``kwargs`` records, or
    None where the inference cannot decide it."""
    try:
        return _Run(fn, scope).run(args, kwargs)
    except _Unknown:
        return None
    except (ArithmeticError, ValueError, TypeError, IndexError):
        return None  # an operation the real run would refuse too: let it refuse


def _value(value: Any) -> _Value:
    """The abstract value of an argument."""
    kind = type(value)
    if kind is np.ndarray:
        if value.dtype.kind != "f":
            raise _Unknown
        return _Value(value.shape, np.ones((1,) * value.ndim, value.dtype))
    if isinstance(value, np.floating):
        return _Value((), value.dtype.type(1))
    if kind is float:
        return _Value((), 1.0)
    if kind is int or kind is bool or value is None:
        return _Value((), value)
    raise _Unknown


def _float_like(v: _Value) -> bool:
    """``runtime.is_float_like``: a Python number, or a NumPy float64 (a subclass of float)."""
    return isinstance(v.example, (float, int)) and type(v.example) is not bool


def _checked(result: Any, shape: tuple) -> _Value:
    """``result`` of an operation on exemplars, at the real ``shape``: it must be an array
    of that rank (a NumPy scalar for rank 0), a float or an int."""
    kind = type(result)
    if kind is np.ndarray:
        if result.ndim != len(shape) or result.dtype.kind != "f":
            raise _Unknown
    elif isinstance(result, np.floating):
        if shape != ():
            raise _Unknown
    elif kind is float or kind is int:
        if shape != ():
            raise _Unknown
    else:
        raise _Unknown
    return _Value(shape, result)


class _Run:
    """The abstract run of one derivative: the names' values, the table it fills."""

    def __init__(self, fn: gast.FunctionDef, scope: dict):
        self.fn = fn
        self.scope = scope
        self.resolve = Resolver(scope)  # what a callee names
        self.names: dict[str, _Value] = {}
        self.seen: dict[int, set] = {}
        # assignments to names, the stacks' ``append``s and loops over a ``range`` of them,
        # checked before anything is read: its local names are the parameters, the
        # assignments' targets and the loops' counters
        self.local = {a.id for a in fn.args.args}
        self.stacks: set[str] = set()  # names bound to ``[]``: only appended to and popped
        self.counters: dict[str, range] = {}  # the counters of the loops running now
        self.loops: dict[int, tuple[tuple[str, ...], dict[str, int]]] = {}
        self.index = False  # evaluating an index: a loop's counter may be read there
        self.log: list[tuple[str, _Value | None]] | None = None  # a step's stack operations
        # the key of each value on a stack whose key cannot change (not a list): by id, with
        # the value itself (kept alive, so its id is not another's)
        self.keys: dict[int, tuple[_Value, tuple]] = {}
        for k, statement in enumerate(fn.body):
            if isinstance(statement, gast.For):
                self._check_loop(statement)
            elif not self._simple(statement) and not (
                    isinstance(statement, gast.Return) and k == len(fn.body) - 1):
                raise _Unknown
        bound = [s.targets[0].id for s in syntax.statements(fn.body, with_bodies=True)
                 if isinstance(s, gast.Assign)]
        for statement in fn.body:
            if isinstance(statement, gast.Assign) and isinstance(statement.value, gast.List) \
                    and not statement.value.elts:
                self.stacks.add(statement.targets[0].id)
        if any(bound.count(name) != 1 for name in self.stacks):
            raise _Unknown  # a stack bound once, to ``[]``
        places = slots(fn)
        for slot in places:
            if isinstance(slot[0], gast.Subscript) and not (
                    isinstance(slot[0].slice, gast.Name) or _int_constant(slot[0].slice)):
                raise _Unknown  # a slice, a tuple of indices: observed part by part
        # each place's node (by id) -> its number in the table
        self.places: dict[int, int] = {id(value): k
                                       for k, value in enumerate(slot_values(places))}

    def _simple(self, statement: gast.stmt) -> bool:
        """An assignment to a name, a stack's ``append`` or a string: its target noted."""
        if isinstance(statement, gast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], gast.Name):
            self.local.add(statement.targets[0].id)
            return True
        if isinstance(statement, gast.Expr):
            value = statement.value
            return (isinstance(value, gast.Constant) and isinstance(value.value, str)) or (
                _stack_call(value) == "append")
        return False

    def _check_loop(self, loop: gast.For) -> None:
        """A loop over ``range(...)`` or ``reversed(range(...))`` of simple statements: its
        counter, the names its steps read before binding them, and how many values each step
        pops off each stack (what decides a step: ``_loop``)."""
        if loop.orelse or not isinstance(loop.target, gast.Name) or not loop.body:
            raise _Unknown
        counter = loop.target.id
        self.local.add(counter)
        for statement in loop.body:
            if not self._simple(statement):
                raise _Unknown
            if isinstance(statement, gast.Assign) and statement.targets[0].id == counter:
                raise _Unknown
        # The names a step reads before it binds them: the body is straight-line, so a name
        # it binds before any read of it (``bt12 = bh * ...``) is never read at its value
        # from before the step, which then decides nothing (the step computes the same and
        # binds it the same either way).
        names = set()
        bound = set()
        pops: dict[str, int] = {}
        for statement in loop.body:
            for node in syntax.walk(statement):
                if node.__class__ is gast.Name:
                    if node.id not in bound and node.ctx.__class__ is gast.Load:
                        names.add(node.id)
                elif isinstance(node, gast.Call) and _stack_call(node) == "pop":
                    stack = node.func.value.id
                    pops[stack] = pops.get(stack, 0) + 1
            if isinstance(statement, gast.Assign):  # (the value is read before the target)
                bound.add(statement.targets[0].id)
        names.discard(counter)
        self.loops[id(loop)] = (tuple(sorted(names)), pops)

    def run(self, args: tuple, kwargs: dict) -> dict[int, set]:
        spec = self.fn.args
        if spec.posonlyargs or spec.vararg or spec.kwarg or spec.kwonlyargs:
            raise _Unknown
        params = [a.id for a in spec.args]
        if len(args) > len(params) or set(kwargs) - set(params[len(args):]):
            raise _Unknown
        bound = dict(zip(params, args)) | kwargs
        for param, default in zip(params[len(params) - len(spec.defaults):], spec.defaults):
            if param not in bound:
                if not isinstance(default, gast.Constant):
                    raise _Unknown
                bound[param] = default.value
        if set(bound) != set(params):
            raise _Unknown
        self.names = {p: _value(v) for p, v in bound.items()}
        with np.errstate(all="ignore"):
            for statement in self.fn.body:
                if isinstance(statement, gast.For):
                    self._loop(statement)
                elif isinstance(statement, gast.Return):
                    returned = statement.value
                    for value in returned.elts if isinstance(returned, gast.Tuple) else (
                            [] if returned is None else [returned]):
                        self.eval(value)
                else:
                    self._statement(statement)
        return self.seen

    def _statement(self, statement: gast.stmt) -> None:
        if isinstance(statement, gast.Assign):
            self.names[statement.targets[0].id] = self.eval(statement.value)
        elif not isinstance(statement.value, gast.Constant):
            self.eval(statement.value)  # a stack's ``append``

    def _loop(self, loop: gast.For) -> None:
        """Every step of a loop, as the instrumented run makes them; but a step that starts
        where the step before it started (the same key of each name it reads before binding
        it, the same values at the top of the stacks it pops) records what that one
        recorded and ends where it ended: it is not evaluated again, only its stack
        operations are repeated.  (The counter, the one name that changes at every step, is
        read only as an index, checked against the whole range.)"""
        steps = self._steps(loop.iter)
        if not steps:
            raise _Unknown  # no step: the names bound in the body stay unbound
        counter = loop.target.id
        names, pops = self.loops[id(loop)]
        self.counters[counter] = steps
        last_key, last_log = None, None
        names_key = None  # the names' part of the key: it changes only in an evaluated step
        for step in steps:
            self.names[counter] = _Value((), step)
            if names_key is None:
                names_key = tuple((name, self.names[name].key()) for name in names
                                  if name in self.names and name not in self.stacks)
            key = (names_key, self._tops_key(pops))
            if key == last_key:
                for stack, pushed in last_log:
                    values = self.names[stack].example
                    if pushed is None:
                        values.pop()
                    else:
                        values.append(pushed)
                continue
            self.log = []
            for statement in loop.body:
                self._statement(statement)
            last_key, last_log, self.log, names_key = key, self.log, None, None
        del self.counters[counter]

    def _tops_key(self, pops: dict[str, int]) -> tuple:
        """The keys of the values a step would pop (the rest of what decides a step: the
        keys of the names it reads before binding them, bound so far)."""
        key = []
        for stack, count in pops.items():
            if stack not in self.stacks:
                raise _Unknown
            values = self.names[stack].example if stack in self.names else ()
            if len(values) < count:
                raise _Unknown  # the real run pops an empty list
            tops = []
            for value in values[len(values) - count:]:
                # The same values are popped at every step of a backward loop (the forward
                # loop's steps pushed the same ones again): each key is worked out once.  A
                # value's shape and exemplar are never rebound, and only a list's key (a
                # stack's: what it holds) can change.
                kept = self.keys.get(id(value))
                if kept is None:
                    kept = (value, value.key())
                    if type(value.example) is not list:
                        self.keys[id(value)] = kept
                tops.append(kept[1])
            key.append(tuple(tops))
        return tuple(key)

    def _steps(self, node: gast.expr) -> range:
        """The counter's values of ``range(...)`` or ``reversed(range(...))`` (the
        arguments' places recorded, the ``range`` too where it is an argument)."""
        backwards = False
        if isinstance(node, gast.Call) and not node.keywords and len(node.args) == 1 and \
                self.resolve(node.func, self.local) is reversed:
            backwards, node = True, node.args[0]
        if not (isinstance(node, gast.Call) and not node.keywords and 1 <= len(node.args) <= 3
                and self.resolve(node.func, self.local) is range):
            raise _Unknown
        bounds = [self.eval(a).example for a in node.args]
        if any(type(b) is not int for b in bounds):
            raise _Unknown
        steps = range(*bounds)
        k = self.places.get(id(node))
        if k is not None:
            self.seen.setdefault(k, set()).add(_Value(None, steps).describe())
        return steps[::-1] if backwards else steps

    def eval(self, node: gast.expr) -> _Value:
        value = self._eval(node)
        k = self.places.get(id(node))
        if k is not None:
            self.seen.setdefault(k, set()).add(value.describe())
        return value

    def _eval(self, node: gast.expr) -> _Value:
        if isinstance(node, gast.Name):
            if node.id not in self.names or node.id in self.stacks or (
                    node.id in self.counters and not self.index):
                raise _Unknown  # a counter only as an index; a stack only by its methods
            return self.names[node.id]
        if isinstance(node, gast.Subscript):
            return self._item(node)
        if isinstance(node, gast.Tuple) and isinstance(node.ctx, gast.Load):
            items = tuple(self.eval(e).example for e in node.elts)
            if any(type(i) is not int for i in items):
                raise _Unknown
            return _Value(None, items)
        if isinstance(node, gast.List) and not node.elts:
            return _Value(None, [])
        if isinstance(node, gast.Attribute) and node.attr == "shape" and isinstance(
                node.value, gast.Name) and node.value.id in self.local:
            value = self.eval(node.value)
            if type(value.example) is not np.ndarray and not isinstance(
                    value.example, np.floating):
                raise _Unknown
            return _Value(None, value.shape)
        if isinstance(node, gast.Constant):
            if type(node.value) not in (int, float, bool) and node.value is not None:
                raise _Unknown
            return _Value((), node.value)
        if isinstance(node, gast.BinOp):
            left, right = self.eval(node.left), self.eval(node.right)
            if isinstance(node.op, gast.MatMult):
                return _matmul(left, right)
            operation = _BINARY.get(type(node.op))
            if operation is None or (isinstance(node.op, gast.Pow) and type(
                    left.example) in (float, int) and type(right.example) is not int):
                raise _Unknown  # a Python float's power may be complex, by its value
            return _elementwise(operation, [left, right])
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
            operand = self.eval(node.operand)
            sign = -1 if isinstance(node.op, gast.USub) else 1
            return _elementwise(lambda a: -a if sign < 0 else +a, [operand])
        if isinstance(node, gast.Call):
            return self._call(node)
        if isinstance(node, gast.Attribute) and node.attr == "T" and isinstance(
                node.value, gast.Name) and node.value.id in self.local:
            value = self.eval(node.value)
            if type(value.example) is not np.ndarray or len(value.shape) > 2:
                raise _Unknown
            return _Value(value.shape[::-1], value.example.T)
        raise _Unknown

    def _call(self, node: gast.Call) -> _Value:
        if any(isinstance(a, gast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords):
            raise _Unknown
        stack_method = _stack_call(node)
        if stack_method is not None:
            return self._stack(node, stack_method)
        method = isinstance(node.func, gast.Attribute) and isinstance(
            node.func.value, gast.Name) and node.func.value.id in self.local
        func = None if method else self.resolve(node.func, self.local)
        if not method and func is None:
            raise _Unknown
        if func is runtime.unindex and len(node.args) == 3 and not node.keywords:
            return self._unindex(*node.args)
        args = [self.eval(a) for a in node.args]
        keywords = {k.arg: self.eval(k.value) for k in node.keywords}
        if method:
            if node.func.attr not in _METHODS:
                raise _Unknown
            return _reduction(node.func.attr, self.eval(node.func.value), args, keywords,
                              True)
        if isinstance(func, np.ufunc):
            if keywords or len(args) != func.nin or func.nout != 1:
                raise _Unknown
            return _elementwise(func, args)
        if func in _REDUCTIONS:
            if not args:
                raise _Unknown
            return _reduction(_REDUCTIONS[func], args[0], args[1:], keywords)
        if func is np.transpose and len(args) == 1 and not keywords:
            if type(args[0].example) is not np.ndarray or len(args[0].shape) > 2:
                raise _Unknown
            return _Value(args[0].shape[::-1], args[0].example.T)
        if func is np.size and len(args) == 1 and not keywords:
            return _Value((), math.prod(args[0].shape))
        if func is np.zeros and len(args) == 1 and not keywords:
            shape = args[0].example
            shape = (shape,) if type(shape) is int else shape
            if type(shape) is not tuple or any(n < 0 for n in shape):
                raise _Unknown
            return _Value(shape, np.ones((1,) * len(shape)))
        helper = _HELPERS.get(func)
        if helper is None or keywords:
            raise _Unknown
        return helper(*args)

    def _stack(self, node: gast.Call, method: str) -> _Value:
        """``stack.append(x)`` or ``stack.pop()`` of a stack (its ``example``: the list of
        its values), noted in the step's log."""
        stack = node.func.value.id
        if stack not in self.stacks or stack not in self.names:
            raise _Unknown
        values = self.names[stack].example
        if method == "append":
            value = self.eval(node.args[0])
            values.append(value)
            if self.log is not None:
                self.log.append((stack, value))
            return _Value((), None)
        if not values:
            raise _Unknown  # the real run pops an empty list
        if self.log is not None:
            self.log.append((stack, None))
        return values.pop()

    def _index(self, node: gast.expr) -> tuple[int, range | tuple[int]]:
        """An int index (a loop's counter may be read here): its value and every value it
        takes (the counter's range)."""
        counter = isinstance(node, gast.Name) and node.id in self.counters
        self.index = counter
        try:
            index = self.eval(node).example
        finally:
            self.index = False
        if type(index) is not int:
            raise _Unknown
        return index, self.counters[node.id] if counter else (index,)

    def _unindex(self, g_node: gast.expr, x_node: gast.expr, index_node: gast.expr) -> _Value:
        """``runtime.unindex(g, x, i)`` of a floating point array ``x`` and an int ``i``:
        zeros of ``x``'s shape, ``g`` at row ``i``."""
        g, x = self.eval(g_node), self.eval(x_node)
        _, indices = self._index(index_node)
        if type(x.example) is not np.ndarray or not x.shape or not _in_range(indices, x):
            raise _Unknown
        if np.broadcast_shapes(g.shape, x.shape[1:]) != x.shape[1:]:
            raise _Unknown
        dtype = np.result_type(_number(g), x.example, 0.0)
        if dtype.kind != "f":
            raise _Unknown
        return _checked(np.ones((1,) * len(x.shape), dtype), x.shape)

    def _item(self, node: gast.Subscript) -> _Value:
        """``x[i]`` of an array by an int (a loop's counter: checked over its range), or of
        a shape."""
        value = self.eval(node.value)
        index, indices = self._index(node.slice)
        example = value.example
        if type(example) is tuple:
            if len(indices) != 1:
                raise _Unknown
            return _Value((), example[index])  # an IndexError: the real run's too
        if type(example) is not np.ndarray or not value.shape or not _in_range(indices, value):
            raise _Unknown
        return _checked(example[0], value.shape[1:])


_BINARY = {gast.Add: lambda a, b: a + b, gast.Sub: lambda a, b: a - b,
           gast.Mult: lambda a, b: a * b, gast.Div: lambda a, b: a / b,
           gast.Pow: lambda a, b: a ** b}


def _number(v: _Value) -> Any:
    if v.example is None or type(v.example) is bool:
        raise _Unknown
    return v.example


def _elementwise(operation: Any, operands: list[_Value]) -> _Value:
    """An operation applied element by element (broadcasting): its result's shape from the
    operands' shapes, its type and dtype from the exemplars (NumPy's promotion reads types,
    not values; ints are their own values)."""
    shape = np.broadcast_shapes(*(v.shape for v in operands))
    return _checked(operation(*map(_number, operands)), shape)


def _matmul(a: _Value, b: _Value) -> _Value:
    if type(a.example) is not np.ndarray or type(b.example) is not np.ndarray or \
            not 1 <= len(a.shape) <= 2 or not 1 <= len(b.shape) <= 2:
        raise _Unknown
    inner_b = b.shape[0] if len(b.shape) == 1 else b.shape[-2]
    if a.shape[-1] != inner_b:
        raise _Unknown
    shape = a.shape[:-1] + b.shape[-1:] * (len(b.shape) == 2)
    return _checked(a.example @ b.example, shape)


def _constant(v: _Value | None, default: Any) -> Any:
    """The static value of an ``axis`` or ``keepdims`` argument."""
    if v is None:
        return default
    if type(v.example) not in (int, bool) and v.example is not None:
        raise _Unknown
    return v.example


def _reduction(name: str, x: _Value, args: list[_Value], keywords: dict,
               method: bool = False) -> _Value:
    """``np.sum(x, axis, keepdims=...)`` and the like (``method``: ``x.sum(...)``)."""
    if len(args) > 1 or set(keywords) - {"axis", "keepdims"} or (args and "axis" in keywords):
        raise _Unknown
    axis = _constant(args[0] if args else keywords.get("axis"), None)
    keepdims = _constant(keywords.get("keepdims"), False)
    if type(keepdims) is not bool or (axis is not None and type(axis) is not int):
        raise _Unknown
    ndim = len(x.shape)
    example = x.example
    if type(example) is not np.ndarray and not isinstance(example, np.floating) and \
            type(example) is not float:
        raise _Unknown
    if axis is None:
        shape = (1,) * ndim if keepdims else ()
    else:
        if not -ndim <= axis < ndim:
            raise _Unknown
        axis %= ndim
        if x.shape[axis] == 0 and name in ("max", "min"):
            raise _Unknown
        shape = x.shape[:axis] + (1,) * keepdims + x.shape[axis + 1:]
    if name in ("max", "min") and 0 in x.shape:
        raise _Unknown  # the real run refuses an empty array
    if method and type(example) is float:
        raise _Unknown  # a Python float has no such method
    if type(example) is float:
        result = getattr(np, name)(example, axis=axis, keepdims=keepdims)
    else:
        result = getattr(example, name)(axis=axis, keepdims=keepdims)
    return _checked(result, shape)


def _seed(init_grad: _Value, y: _Value) -> _Value:
    """``runtime.seed``."""
    if type(y.example) is float and type(init_grad.example) is float:
        return init_grad
    if type(y.example) not in (float, np.ndarray) and not isinstance(y.example, np.floating):
        raise _Unknown
    if init_grad.shape != y.shape:
        if len(init_grad.shape) == 0 and math.prod(y.shape) == 1:
            dtype = np.result_type(y.example, _number(init_grad), 0.0)
            return _checked(np.ones((1,) * len(y.shape), dtype), y.shape)
        raise _Unknown  # the real run refuses the seed
    example = y.example
    if type(init_grad.example) is float and (
            type(example) is np.ndarray or isinstance(example, np.generic)) \
            and example.dtype != np.float64:
        return _Value((), example.dtype.type(1))
    return init_grad


def _unbroadcast(g: _Value, x: _Value) -> _Value:
    """``runtime.unbroadcast``, for real values."""
    if type(x.example) is float and type(g.example) is float:
        return g
    if type(g.example) not in (float, int, np.ndarray) and not isinstance(
            g.example, np.floating):
        raise _Unknown
    if x.example is None or type(x.example) is bool:
        raise _Unknown
    shape = x.shape
    if g.shape == shape:
        return g
    if not shape:
        summed = np.sum(g.example)
        if _float_like(x):
            return _checked(summed, ())
        return _checked(np.asarray(summed).reshape(()), ())
    example = np.asarray(g.example)
    extra = len(g.shape) - len(shape)
    if extra < 0:
        raise _Unknown
    kept = g.shape[extra:]
    if extra:
        example = example.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and kept[i] != 1)
    if stretched:
        example = example.sum(axis=stretched, keepdims=True)
        kept = tuple(1 if i in stretched else n for i, n in enumerate(kept))
    return _checked(example, kept)


def _unreduce(g: _Value, x: _Value, axis: _Value | None = None,
              keepdims: _Value | None = None) -> _Value:
    """``runtime.unreduce`` of an array or number ``x``."""
    if type(x.example) not in (float, int, np.ndarray) and not isinstance(
            x.example, np.floating) or type(x.example) is bool:
        raise _Unknown
    axis_value = _constant(axis, None)
    keep = _constant(keepdims, False)
    dtype = np.result_type(_number(g), _number(x))
    if dtype.kind != "f" or type(keep) is not bool:
        raise _Unknown
    shape = x.shape
    if axis_value is None:
        if shape:
            if np.broadcast_shapes(g.shape, shape) != shape:
                raise _Unknown
            return _checked(np.ones((1,) * len(shape), dtype), shape)
        if _float_like(x):
            return g
        if g.shape != ():
            raise _Unknown
        return _checked(np.ones((), dtype), ())
    if type(axis_value) is not int or not shape:
        raise _Unknown
    expanded = g.shape
    if not keep:
        at = axis_value % len(shape)
        if len(g.shape) != len(shape) - 1:
            raise _Unknown
        expanded = g.shape[:at] + (1,) + g.shape[at:]
    if len(expanded) != len(shape) or np.broadcast_shapes(expanded, shape) != shape:
        raise _Unknown
    return _checked(np.ones((1,) * len(shape), dtype), shape)


def _unreduce_extremum(g: _Value, x: _Value, y: _Value, axis: _Value | None = None,
                       keepdims: _Value | None = None) -> _Value:
    """``runtime.unreduce_extremum`` of a floating point array of rank at least 1."""
    if type(x.example) is not np.ndarray or not x.shape:
        raise _Unknown
    axis_value = _constant(axis, None)
    keep = _constant(keepdims, False)
    if type(keep) is not bool:
        raise _Unknown
    g_shape, y_shape = g.shape, y.shape
    if axis_value is not None and not keep:
        if type(axis_value) is not int:
            raise _Unknown
        at = axis_value % len(x.shape)
        if len(g_shape) != len(x.shape) - 1 or len(y_shape) != len(x.shape) - 1:
            raise _Unknown
        g_shape, y_shape = g_shape[:at] + (1,) + g_shape[at:], y_shape[:at] + (1,) + y_shape[at:]
    for shape in (g_shape, y_shape):
        if len(shape) > len(x.shape) or np.broadcast_shapes(shape, x.shape) != x.shape:
            raise _Unknown
    _number(g)
    _number(y)
    return _checked(np.ones((1,) * len(x.shape), x.example.dtype), x.shape)


def _array(v: _Value) -> _Value:
    """``np.asarray`` of a value."""
    if type(v.example) is np.ndarray:
        return v
    return _Value(v.shape, np.asarray(_number(v)))


def _expanded(v: _Value, axis: int) -> _Value:
    """``np.expand_dims(v, axis)`` (``axis`` -1 or -2)."""
    example = np.expand_dims(_array(v).example, axis)
    at = len(v.shape) + 1 + axis
    return _Value(v.shape[:at] + (1,) + v.shape[at:], example)


def _transposed(v: _Value) -> _Value:
    """``np.swapaxes(v, -1, -2)`` of a matrix."""
    if type(v.example) is not np.ndarray or len(v.shape) != 2:
        raise _Unknown
    return _Value(v.shape[::-1], v.example.T)


def _first_of_last(v: _Value) -> _Value:
    """``v[..., 0]``."""
    if type(v.example) is not np.ndarray or not v.shape or v.shape[-1] < 1:
        raise _Unknown
    return _checked(v.example[..., 0], v.shape[:-1])


def _adjoint_a(g: _Value, a: _Value, b: _Value) -> _Value:
    """``runtime.matmul_adjoint_a`` of vectors and matrices."""
    b = _array(b)
    if not 1 <= len(b.shape) <= 2 or not 1 <= len(a.shape) <= 2:
        raise _Unknown
    if len(b.shape) == 1:
        if len(a.shape) > 1:
            g = _array(g)
            outer = _Value(g.shape + b.shape, np.multiply.outer(g.example, b.example))
            return _unbroadcast(_checked(outer.example, outer.shape), a)
        return _unbroadcast(_elementwise(lambda x, y: x * y, [g, b]), a)
    if len(a.shape) == 1:
        return _unbroadcast(_first_of_last(_matmul(b, _expanded(g, -1))), a)
    return _unbroadcast(_matmul(_array(g), _transposed(b)), a)


def _adjoint_b(g: _Value, a: _Value, b: _Value) -> _Value:
    """``runtime.matmul_adjoint_b`` of vectors and matrices."""
    a = _array(a)
    if not 1 <= len(a.shape) <= 2 or not 1 <= len(b.shape) <= 2:
        raise _Unknown
    if len(a.shape) == 1:
        if len(b.shape) == 1:
            return _elementwise(lambda x, y: x * y, [g, a])
        return _unbroadcast(_elementwise(lambda x, y: x * y,
                                         [_expanded(a, -1), _expanded(g, -2)]), b)
    if len(b.shape) == 1:
        return _unbroadcast(_first_of_last(_matmul(_transposed(a), _expanded(g, -1))), b)
    return _unbroadcast(_matmul(_transposed(a), _array(g)), b)


def _zeros_like(x: _Value) -> _Value:
    """``runtime.zeros_like`` of a floating point array or number."""
    example = x.example
    if type(example) is np.ndarray or isinstance(example, np.floating):
        return x
    if type(example) is float:
        return _Value((), 0.0)
    raise _Unknown


def _shape_only(x: Any) -> _Value:
    """``runtime.shape_only``: an array's stand-in has its type, shape and dtype; anything
    else is itself."""
    return x


_HELPERS = {
    runtime.zeros_like: _zeros_like,
    runtime.shape_only: _shape_only,
    runtime.seed: _seed,
    runtime.unbroadcast: _unbroadcast,
    runtime.unreduce: _unreduce,
    runtime.unreduce_extremum: _unreduce_extremum,
    runtime.matmul_adjoint_a: _adjoint_a,
    runtime.matmul_adjoint_b: _adjoint_b,
}
