"""Starred calls where the code shows what is spread: ``f(*xs)`` and ``f(**d)`` become
``f(xs[0], xs[1])`` and ``f(a=d["a"])`` when ``xs`` is bound to a tuple or list display (or
is a slice of one with constant bounds) and ``d`` to a dict display with constant keys, and
nothing changes them in place.  The normalizer (``operands.py``) tells :class:`Spreading`
each binding, in program order; a name bound in an ``if``/``for``/``while`` body is forgotten
at the start and the end of that body (its length may depend on the branch or the trip).  A
list or dict is spread only if no other name can reach it (it is only spread, indexed,
looped over and measured): another name could change its length or keys."""
from __future__ import annotations

import keyword
import types
from typing import Any

import gast

from tangentlike.core import syntax
from tangentlike.errors import TangentlikeError
from tangentlike.frontend.function_walk import FunctionFacts
from tangentlike.frontend.parsing import parse_function


class NotStatic(Exception):
    """A starred argument whose length or keys the code does not show."""

    def __init__(self, node: gast.AST, what: str, hint: str):
        super().__init__(what)
        self.node, self.what, self.hint = node, what, hint


class Spreading:
    """The names of one function bound to displays: a tuple or list (its length) or a dict
    with constant keys (the keys)."""

    def __init__(self, facts: FunctionFacts):
        self.shown: dict[str, int | tuple[str, ...]] = {}
        self.changed, self.shared = facts.changed, facts.shared

    def show(self, name: str, value: gast.expr) -> None:
        """``name`` is bound to ``value`` (as written, before it is split)."""
        self.shown.pop(name, None)
        if name in self.changed or name in self.shared and not isinstance(value, gast.Tuple):
            return  # a list or dict another name may change
        if isinstance(value, (gast.Tuple, gast.List)) and not any(
                isinstance(e, gast.Starred) for e in value.elts):
            self.shown[name] = len(value.elts)
        elif isinstance(value, gast.Dict) and _constant_keys(value):
            self.shown[name] = tuple(k.value for k in value.keys)

    def show_length(self, name: str, length: int) -> None:
        """``name`` (a temporary) holds a tuple of ``length`` items."""
        self.shown[name] = length

    def forget(self, names: set[str]) -> None:
        for name in names:
            self.shown.pop(name, None)

    def indices(self, node: gast.expr) -> list[int] | None:
        """The indices of the elements of ``xs`` or ``xs[i:j:k]`` (constant bounds), for a
        tuple or list ``xs`` whose length the code shows."""
        if isinstance(node, gast.Name) and isinstance(self.shown.get(node.id), int):
            return list(range(self.shown[node.id]))
        if not (isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice)
                and isinstance(node.value, gast.Name)):
            return None
        whole = self.indices(node.value)
        bounds = [_int_constant(b) for b in (node.slice.lower, node.slice.upper,
                                             node.slice.step)]
        if whole is None or any(b is False for b in bounds) or bounds[2] == 0:
            return None
        return whole[slice(*bounds)]

    def spread(self, call: gast.Call) -> gast.Call:
        """``call`` with each starred argument and ``**`` keyword spread out; raises
        :class:`NotStatic` where the code does not show what they hold."""
        if not any(isinstance(a, gast.Starred) for a in call.args) and all(
                k.arg is not None for k in call.keywords):
            return call
        args: list[gast.expr] = []
        for arg in call.args:
            if not isinstance(arg, gast.Starred):
                args.append(arg)
            elif isinstance(arg.value, (gast.Tuple, gast.List)) and not any(
                    isinstance(e, gast.Starred) for e in arg.value.elts):
                args += arg.value.elts
            elif self.indices(arg.value) is not None:
                name = arg.value if isinstance(arg.value, gast.Name) else arg.value.value
                args += [_item(name.id, i) for i in self.indices(arg.value)]
            else:
                raise NotStatic(
                    arg, "a starred argument (f(*xs)) whose length the code does not show",
                    "pass the arguments one by one, or spread a tuple written out in the "
                    "function (xs = (a, b); f(*xs))")
        keywords: list[gast.keyword] = []
        for kw in call.keywords:
            value = kw.value
            if kw.arg is not None:
                keywords.append(kw)
            elif isinstance(value, gast.Dict) and _constant_keys(value):
                keywords += [gast.keyword(arg=k.value, value=v)
                             for k, v in zip(value.keys, value.values)]
            elif isinstance(value, gast.Name) and isinstance(self.shown.get(value.id), tuple):
                keywords += [gast.keyword(arg=k, value=_item(value.id, k))
                             for k in self.shown[value.id]]
            else:
                raise NotStatic(
                    call, "**kwargs in a call (f(**d)) with keys the code does not show",
                    "pass each keyword argument by name, or spread a dict written out in "
                    'the function with constant keys (d = {"a": x}; f(**d))')
        names = [k.arg for k in keywords]
        if len(set(names)) != len(names):
            raise NotStatic(call, "a call that passes a keyword argument twice",
                            "pass each keyword argument once")
        return gast.copy_location(gast.Call(func=call.func, args=args, keywords=keywords), call)


def returned_length(func: Any) -> int | None:
    """The length of the tuple every ``return`` of your function ``func`` writes out
    (``return a, b``: 2), if they all write one of the same length and its body ends with
    one (no generator, no return of anything else); None otherwise."""
    if not isinstance(func, types.FunctionType):
        return None
    try:
        node = parse_function(func).node
    except TangentlikeError:
        return None
    if not node.body or not isinstance(node.body[-1], gast.Return):
        return None
    lengths, todo = set(), list(node.body)
    while todo:
        sub = todo.pop()
        if isinstance(sub, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda,
                            gast.ClassDef)):
            continue  # a scope of its own
        if isinstance(sub, (gast.Yield, gast.YieldFrom, gast.Await)):
            return None
        if isinstance(sub, gast.Return):
            value = sub.value
            if not isinstance(value, gast.Tuple) or any(
                    isinstance(e, gast.Starred) for e in value.elts):
                return None
            lengths.add(len(value.elts))
        todo.extend(gast.iter_child_nodes(sub))
    return lengths.pop() if len(lengths) == 1 else None


def _item(name: str, key: int | str) -> gast.Subscript:
    return gast.Subscript(value=syntax.load(name), slice=syntax.const(key), ctx=gast.Load())


def _constant_keys(value: gast.Dict) -> bool:
    """Every key a string constant that can name a keyword argument (no ``**`` inside)."""
    return all(isinstance(k, gast.Constant) and isinstance(k.value, str)
               and k.value.isidentifier() and not keyword.iskeyword(k.value)
               for k in value.keys)


def _int_constant(node: gast.expr | None) -> int | None | bool:
    """A slice bound: its int (None when absent), or False when not an integer literal."""
    if node is None:
        return None
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) \
            and isinstance(node.operand, gast.Constant) and type(node.operand.value) is int:
        return -node.operand.value
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    return False
