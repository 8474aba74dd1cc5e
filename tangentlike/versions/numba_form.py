"""A version written for numba (``backend="numba"``): the same statements, with the one
stack of saved values split into one stack per saved name.

numba types a list by its items, and the stack holds values of several types (floats,
arrays, tuples); each push ``stack.append(x)`` is paired with one pop ``x = stack.pop()``
into the same name (``ad/reverse/sweeps.py`` pairs them so), so the pushes and pops of each
name, taken alone, are a stack too: ``stack_x.append(x)`` ... ``x = stack_x.pop()``.  A push
of anything but a name (an old slice's copy) or a pop into anything else leaves the stack as
it is, and numba refuses it if its items differ in type.
"""
from __future__ import annotations

import re

import gast

from tangentlike.core.naming import Namer


def _method(node: gast.AST, stack: str, method: str) -> bool:
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
            and node.func.attr == method and isinstance(node.func.value, gast.Name)
            and node.func.value.id == stack)


def _push(stmt: gast.stmt, stack: str) -> str | None:
    """The name ``stack.append(name)`` saves; None for any other statement."""
    if isinstance(stmt, gast.Expr) and _method(stmt.value, stack, "append") \
            and len(stmt.value.args) == 1 and isinstance(stmt.value.args[0], gast.Name):
        return stmt.value.args[0].id
    return None


def _pop(stmt: gast.stmt, stack: str) -> str | None:
    """The name ``name = stack.pop()`` restores; None for any other statement."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], gast.Name) and _method(stmt.value, stack, "pop") \
            and not stmt.value.args:
        return stmt.targets[0].id
    return None


def split_stack(source: str, stack: str | None) -> str:
    """``source`` (one generated function, a statement a line, with its comments) with
    ``stack`` (the name tangentlike gave its stack; None: none) split into one stack per
    saved name, where every use of it is a push of a name or a pop into a name and each
    name is pushed and popped as often (else ``source`` as it is)."""
    if stack is None:
        return source
    fn = gast.parse(source).body[0]
    pushes: dict[str, int] = {}
    pops: dict[str, int] = {}
    uses = sum(isinstance(n, gast.Name) and n.id == stack for n in gast.walk(fn))
    for node in gast.walk(fn):
        if isinstance(node, gast.stmt):
            if (name := _push(node, stack)) is not None:
                pushes[name] = pushes.get(name, 0) + 1
            elif (name := _pop(node, stack)) is not None:
                pops[name] = pops.get(name, 0) + 1
    init = re.compile(rf"^(\s*){re.escape(stack)} = \[\]$")
    lines = source.splitlines()
    if sum(bool(init.match(line)) for line in lines) != 1 or pushes != pops \
            or uses != 1 + 2 * sum(pushes.values()):
        return source
    used = {n.id for n in gast.walk(fn) if isinstance(n, gast.Name)}
    namer = Namer(used)
    names = {name: namer.fresh(f"{stack}_{name}") for name in sorted(pushes)}
    push = re.compile(rf"^(\s*){re.escape(stack)}\.append\((\w+)\)$")
    pop = re.compile(rf"^(\s*)(\w+) = {re.escape(stack)}\.pop\(\)$")
    out, rewritten = [], 0
    for line in lines:
        if m := init.match(line):
            out += [f"{m.group(1)}{names[n]} = []" for n in sorted(pushes)]
            continue
        if m := push.match(line):
            line, rewritten = f"{m.group(1)}{names[m.group(2)]}.append({m.group(2)})", \
                rewritten + 1
        elif m := pop.match(line):
            line, rewritten = f"{m.group(1)}{m.group(2)} = {names[m.group(2)]}.pop()", \
                rewritten + 1
        out.append(line)
    if rewritten != 2 * sum(pushes.values()):  # a push or pop not on a line of its own
        return source
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")
