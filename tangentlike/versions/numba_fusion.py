"""Loop fusion for ``backend="numba"``: a run of consecutive elementwise statements over
1-D slices of one length becomes one explicit index loop (written into the version's
source, which ``df.source_for`` shows), so numba makes one pass and allocates each result
once instead of one pass and one array per operation.

A statement fuses when it is ``t = E``, ``x[a:b] = E`` or ``x[a:b] op= E`` (``op``: ``+``,
``-``, ``*``), ``E`` built from ``+``, ``-``, ``*``, unary minus, numbers, and names that the
observed run (``observe_kinds``) saw hold only numbers or only 1-D float64 arrays, the
arrays read whole or as ``x[a:b]`` with constant bounds.  A run is fused only where its
order of element accesses can change without changing a value: for every array written
in the run, each pair of accesses of it (at least one a write) must keep its order when
the loop runs forwards (or, else, backwards), which compares their constant offsets; a
name the run assigns must not be read before; division is left out (numba's scalar
division raises on zero where NumPy's gives inf).  The loop runs only where, at run
time, every access has the same length and no array written overlaps another array the
run reads (``may_share_memory``); else the original statements run.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from tangentlike.core.naming import Namer

ARRAY, NUMBER = "array", "number"
EMPTY, SHARES = "fused_empty", "may_share_memory"  # own names the fused source calls
_OPS = (ast.Add, ast.Sub, ast.Mult)


def own_names() -> dict[str, Any]:
    """The helpers a fused source names (added to the version's scope)."""
    return {EMPTY: np.empty, SHARES: np.may_share_memory}


def _kind(value: Any) -> str | None:
    if isinstance(value, np.ndarray):
        return ARRAY if value.ndim == 1 and value.dtype == np.float64 else "other"
    if isinstance(value, (bool, np.bool_)):
        return "other"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return NUMBER
    return None if value is None else "other"


def observe_kinds(function: Callable, args: tuple, kwargs: dict) -> dict[str, str]:
    """Run ``function`` once (Python) and return, for each of its local names, ARRAY or
    NUMBER where every value it held (None aside) was of that kind."""
    seen: dict[str, set] = {}
    code = function.__code__

    def local(frame: Any, event: str, arg: Any) -> Any:
        for name, value in frame.f_locals.items():
            kind = _kind(value)
            if kind is not None:
                seen.setdefault(name, set()).add(kind)
        return local

    def calls(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code is code else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        function(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return {n: next(iter(k)) for n, k in seen.items() if len(k) == 1 and "other" not in k}


def candidates(source: str) -> bool:
    """Whether ``source`` has a statement that could fuse (before running anything)."""
    tree = ast.parse(source)
    return any(_shape(s) is not None for s in ast.walk(tree) if isinstance(s, ast.stmt))


def _shape(stmt: ast.stmt) -> tuple[ast.expr, ast.expr] | None:
    """(target, value) of an assignment of the fusable forms (kinds not yet checked)."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, _OPS):
        target = stmt.target
        if not isinstance(target, ast.Subscript):
            return None
    else:
        return None
    if isinstance(target, ast.Name) or _slice(target) is not None:
        if isinstance(stmt.value, (ast.BinOp, ast.UnaryOp)):
            return target, stmt.value  # (a new array: ``t = x[a:b]`` is a view, left)
        if not isinstance(target, ast.Name) and (
                isinstance(stmt.value, ast.Name) or _slice(stmt.value) is not None):
            return target, stmt.value
    return None


def _bound(node: ast.expr | None) -> int | None | bool:
    """A constant slice bound (None for none); False for any other."""
    if node is None:
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _bound(node.operand)
        return -inner if isinstance(inner, int) and inner is not False else False
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return False


def _slice(node: ast.expr) -> tuple[str, int | None, int | None] | None:
    """(name, start, stop) of ``name[start:stop]`` with constant bounds; else None."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
            and isinstance(node.slice, ast.Slice) and node.slice.step is None:
        lo, hi = _bound(node.slice.lower), _bound(node.slice.upper)
        if lo is not False and hi is not False:
            return node.value.id, lo, hi
    return None


Access = tuple  # (statement, name, start, stop, writes, accumulates)


def _reduction(stmt: ast.stmt) -> tuple[str, ast.expr, bool] | None:
    """(name, E, whether it adds to name's value) of ``name = name + (E).sum()`` or
    ``name = (E).sum()``; else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)):
        return None
    name, value, adds = stmt.targets[0].id, stmt.value, False
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) \
            and isinstance(value.left, ast.Name) and value.left.id == name:
        value, adds = value.right, True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
            and value.func.attr == "sum" and not value.args and not value.keywords \
            and isinstance(value.func.value, (ast.BinOp, ast.UnaryOp)):
        return name, value.func.value, adds
    return None


def _movable(stmt: ast.stmt) -> set[str] | None:
    """The names of ``x = s.pop()`` or ``s.append(x)`` (a stack's push or pop, which a
    fused loop can leave after it when the loop names neither); else None."""
    call = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and not call.keywords):
        return None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], ast.Name) and call.func.attr == "pop" \
            and not call.args:
        return {stmt.targets[0].id, call.func.value.id}
    if isinstance(stmt, ast.Expr) and call.func.attr == "append" and len(call.args) == 1 \
            and isinstance(call.args[0], ast.Name):
        return {call.args[0].id, call.func.value.id}
    return None


class _Run:
    """The accesses of a run of statements, and its checks."""

    def __init__(self, kinds: dict[str, str]):
        self.kinds = kinds
        self.stmts: list[ast.stmt] = []
        self.moved: list[ast.stmt] = []  # stack pushes and pops left after the loop
        self.blocked: set[str] = set()  # their names, which the run must not name
        self.fresh: dict[str, int] = {}  # a name the run assigns: its statement's position
        self.sums: dict[int, tuple[str, ast.expr, bool]] = {}  # reductions by statement
        self.accesses: list[Access] = []
        self.numbers: set[str] = set()  # the numbers the run reads

    def names(self) -> set[str]:
        return {a[1] for a in self.accesses} | self.numbers | set(self.fresh) | {
            r[0] for r in self.sums.values()}

    def move(self, stmt: ast.stmt) -> bool:
        """Leave a stack's push or pop for after the loop, where the run does not assign
        its names (and the statements after it in the run do not name them)."""
        names = _movable(stmt)
        if not self.stmts or names is None or names & (set(self.fresh) | {
                r[0] for r in self.sums.values()}):
            return False  # (the loop's reads of its names come before it: they stay so)
        self.moved.append(stmt)
        self.blocked |= names
        return True

    def add(self, stmt: ast.stmt) -> bool:
        """Add ``stmt`` where it fuses with the run so far (else leave the run as it was)."""
        k = len(self.stmts)
        found: list[Access] = []
        numbers: set[str] = set()
        reduction = _reduction(stmt)
        if reduction is not None:
            name = reduction[0]
            if self.kinds.get(name) != NUMBER or name in self.names() \
                    or not self._expr(reduction[1], k, found, numbers) or name in numbers \
                    or not found:
                return False
        else:
            shape = _shape(stmt)
            if shape is None or not self._expr(shape[1], k, found, numbers):
                return False
            target = shape[0]
            if isinstance(target, ast.Name):
                name = target.id
                if name in self.names() or any(a[1] == name for a in found) \
                        or self.kinds.get(name) != ARRAY or not found:
                    return False
            else:
                name, lo, hi = _slice(target)
                if self.kinds.get(name) != ARRAY or name in self.fresh:
                    return False
                adds = isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, (ast.Add,
                                                                                ast.Sub))
                if isinstance(stmt, ast.AugAssign):
                    found.append((k, name, lo, hi, False, adds))
                found.append((k, name, lo, hi, True, adds))
        if (numbers | {a[1] for a in found} | {name}) & (self.blocked | {
                r[0] for r in self.sums.values()}):
            return False
        fresh = dict(self.fresh)
        if reduction is None and isinstance(shape[0], ast.Name):
            fresh[shape[0].id] = k
        if _direction(self.accesses + found, fresh) is None:
            return False
        self.stmts.append(stmt)
        self.accesses += found
        self.numbers |= numbers
        self.fresh = fresh
        if reduction is not None:
            self.sums[k] = reduction
        return True

    def _expr(self, node: ast.expr, k: int, found: list, numbers: set[str]) -> bool:
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, _OPS) and self._expr(node.left, k, found, numbers) \
                and self._expr(node.right, k, found, numbers)
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, (ast.USub, ast.UAdd)) and \
                self._expr(node.operand, k, found, numbers)
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, ast.Name):
            kind = ARRAY if node.id in self.fresh else self.kinds.get(node.id)
            if kind == ARRAY:
                found.append((k, node.id, None, None, False, False))
            elif kind == NUMBER:
                numbers.add(node.id)
            return kind in (ARRAY, NUMBER)
        if (part := _slice(node)) is not None:
            if part[0] in self.fresh or self.kinds.get(part[0]) != ARRAY:
                return False  # (a slice of a fresh array: another length, or an offset)
            found.append((k, *part, False, False))
            return True
        return False


def _direction(accesses: list[Access], fresh: dict[str, int]) -> int | None:
    """1 or -1: a loop direction that keeps every dependence; None: neither does."""
    written = {a[1] for a in accesses if a[4]} | set(fresh)
    for step in (1, -1):
        if _keeps(accesses, written, step):
            return step
    return None


def _keeps(accesses: list[Access], written: set[str], step: int) -> bool:
    """Whether a loop running ``step`` keeps the order of every two accesses of a written
    array (one a write): in program order (a statement reads, then writes), the element
    the first touches at offset ``a`` the second touches ``b - a`` iterations earlier
    (forwards), so ``(b - a) * step`` must not be positive.  An array the run only adds
    to (``x[a:b] += E``, ``E`` not reading it) has no order to keep: its sums are the same
    in any order (to rounding)."""
    ordered = sorted(accesses, key=lambda a: (a[0], a[4]))
    for name in written:
        mine = [a for a in ordered if a[1] == name]
        if mine and all(a[5] for a in mine):
            continue
        if any(a[2] is not None and a[2] < 0 for a in mine):
            return False  # an offset from the end: not comparable
        for i, first in enumerate(mine):
            for second in mine[i + 1:]:
                if (first[4] or second[4]) and ((second[2] or 0) - (first[2] or 0)) * step > 0:
                    return False
    return True


def fuse(source: str, kinds: dict[str, str], numpy: tuple[str, ...] = ("np",)) -> str:
    """``source`` with each run of at least ``2`` fusable statements (or one with an
    operation) on consecutive lines rewritten as one guarded loop (``numpy``: the names
    that hold NumPy in its module)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    namer = Namer({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | set(own_names()))
    blocks: list[tuple[int, int, list[str]]] = []
    uses: dict[str, int] = {}  # how often the function names each name
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            uses[node.id] = uses.get(node.id, 0) + 1
    for node in ast.walk(tree):
        for field in ("body", "orelse"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                blocks += _runs(body, kinds, lines, namer, uses, numpy)
    for start, end, new in sorted(blocks, reverse=True):
        lines[start - 1:end] = new
    return "\n".join(lines) + ("\n" if source.endswith("\n") else "")


def _runs(body: list[ast.stmt], kinds: dict[str, str], lines: list[str], namer: Namer,
          uses: dict[str, int], numpy: tuple[str, ...]) -> list[tuple[int, int, list[str]]]:
    out = []
    k = 0
    while k < len(body):
        run = _Run(kinds)
        j = k
        while j < len(body) and (j == k or body[j].lineno == body[j - 1].end_lineno + 1) \
                and (run.add(body[j]) or run.move(body[j])):
            j += 1
        if run.stmts:
            run.moved = [m for m in run.moved if m.lineno < run.stmts[-1].lineno]
        if run.stmts and (len(run.stmts) > 1 or _worth(run.stmts[0])):
            k = body.index(run.stmts[-1]) + 1
            joined = _joined(body[k], run, uses, numpy) if k < len(body) \
                and body[k].lineno == body[k - 1].end_lineno + 1 else None
            out.append(_emit(run, lines, namer, uses, joined))
            k += joined is not None
        else:
            k += 1
    return out


def _worth(stmt: ast.stmt) -> bool:
    """One statement alone fuses where it has an operation (a temporary array saved)."""
    return any(isinstance(n, (ast.BinOp, ast.UnaryOp)) for n in ast.walk(stmt.value))


class _Indexed(ast.NodeTransformer):
    """An expression of the run at element ``i``."""

    def __init__(self, offsets: dict, fresh: dict[str, str], i: str, local: set[str],
                 held: dict[tuple, str]):
        self.offsets, self.fresh, self.i, self.local = offsets, fresh, i, local
        self.held = held  # an element written more than once: a number for the iteration

    def visit_Name(self, node: ast.Name) -> ast.expr:
        name = self.fresh.get(node.id, node.id)
        if node.id in self.local:
            return ast.Name(name, ast.Load())
        if (node.id, None, None) in self.held:
            return ast.Name(self.held[(node.id, None, None)], ast.Load())
        if (node.id, None, None) in self.offsets:
            name = self.offsets[(node.id, None, None)][0]
        if (node.id, None, None) in self.offsets or node.id in self.fresh:
            return ast.parse(f"{name}[{self.i}]", mode="eval").body
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        part = _slice(node)
        if part is None:
            return node
        if part in self.held:
            return ast.Name(self.held[part], ast.Load())
        return ast.parse(f"{self.offsets[part][0]}[{self.i}]", mode="eval").body


def _joined(stmt: ast.stmt, run: _Run, uses: dict[str, int],
            numpy: tuple[str, ...]) -> tuple[str, list[ast.expr], str, int] | None:
    """(target, pieces, the run's new array among them, its last line) of ``target =
    np.concatenate((p, ..., x, ...))`` right after the run, where ``x`` is a new array of
    the run read nowhere but there, and the other pieces whole 1-D float64 arrays or their
    slices with constant bounds, none of them a name of a stack's push or pop the run
    moved: the run can write ``x`` into the concatenation's result; else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.value, ast.Call)):
        return None
    call = stmt.value
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "concatenate"
            and isinstance(call.func.value, ast.Name) and call.func.value.id in numpy
            and len(call.args) == 1 and not call.keywords
            and isinstance(call.args[0], (ast.Tuple, ast.List))):
        return None
    pieces = call.args[0].elts
    inside = [n.id for s in run.stmts for n in ast.walk(s) if isinstance(n, ast.Name)]
    new = [p.id for p in pieces if isinstance(p, ast.Name) and p.id in run.fresh]
    if len(new) != 1 or uses.get(new[0], 0) != inside.count(new[0]) + 1:
        return None
    names = {stmt.targets[0].id}
    for piece in pieces:
        part = _slice(piece) or ((piece.id, None, None) if isinstance(piece, ast.Name)
                                 else None)
        if part is None or (part[0] != new[0] and (
                part[0] in run.fresh or run.kinds.get(part[0]) != ARRAY)):
            return None
        names.add(part[0])
    if names & run.blocked:
        return None
    return stmt.targets[0].id, pieces, new[0], stmt.end_lineno


def _emit(run: _Run, lines: list[str], namer: Namer, uses: dict[str, int],
          joined: tuple[str, list[ast.expr], str, int] | None = None,
          ) -> tuple[int, int, list[str]]:
    first = run.stmts[0]
    pad = lines[first.lineno - 1][:len(lines[first.lineno - 1]) -
                                   len(lines[first.lineno - 1].lstrip())]
    head: list[str] = []
    offsets: dict[tuple, tuple[str, str]] = {}
    for _, name, lo, hi, _, _ in run.accesses:
        if name in run.fresh or (name, lo, hi) in offsets:
            continue
        view = namer.fresh(f"{name}_part")
        head.append(f"{view} = {name}[{'' if lo is None else lo}:{'' if hi is None else hi}]")
        offsets[(name, lo, hi)] = (view, f"{view}.shape[0]")
    counts = [n for _, n in offsets.values()]
    written = {a[1] for a in run.accesses if a[4]} - set(run.fresh)
    others = sorted({a[1] for a in run.accesses} - set(run.fresh))
    guards = [" == ".join(counts)] if len(counts) > 1 else []
    guards += [f"not {SHARES}({w}, {o})" for w in sorted(written) for o in others if o != w]
    inside = [n.id for stmt in run.stmts for n in ast.walk(stmt) if isinstance(n, ast.Name)]
    local = {n for n in run.fresh if inside.count(n) == uses.get(n, 0)}  # read nowhere else
    gathered = _gather(run, offsets, local, namer) if joined is None else None
    if gathered is not None:
        return _guarded(run, lines, pad, head, guards, gathered, "one pass per array it adds to")
    fresh = {name: namer.fresh(f"{name}_{'element' if name in local else 'fused'}")
             for name in run.fresh}
    i = namer.fresh("i")
    touched: dict[tuple, set[int]] = {}
    for k, name, lo, hi, _, _ in run.accesses:
        if name not in run.fresh:
            touched.setdefault((name, lo, hi), set()).add(k)
    written_keys = {(a[1], a[2], a[3]) for a in run.accesses if a[4]}
    def alone(key: tuple) -> bool:  # no other view of its array meets its element
        starts = [k[1] or 0 for k in offsets if k[0] == key[0] and k != key]
        return (key[1] or 0) >= 0 and all(s >= 0 and s != (key[1] or 0) for s in starts)

    held = {key: namer.fresh(f"{offsets[key][0]}_i") for key in offsets
            if key in written_keys and len(touched[key]) > 1 and alone(key)}
    indexed = _Indexed(offsets, fresh, i, local, held)
    step = _direction(run.accesses, run.fresh)
    loop = f"range({counts[0]})" if step == 1 else f"range({counts[0]} - 1, -1, -1)"
    body, before, after = [], [], []
    for k, stmt in enumerate(run.stmts):
        if k in run.sums:
            name, expr, adds = run.sums[k]
            total = namer.fresh(f"{name}_sum")
            before.append(f"{total} = 0.0")
            body.append(f"{total} += {ast.unparse(indexed.visit(_copy(expr)))}")
            after.append(f"{name} = {name} + {total}" if adds else f"{name} = {total}")
            continue
        value = ast.unparse(indexed.visit(_copy(stmt.value)))
        target = ast.unparse(indexed.visit(_copy(stmt.targets[0] if isinstance(
            stmt, ast.Assign) else stmt.target)))
        op = "=" if isinstance(stmt, ast.Assign) else \
            {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*="}[type(stmt.op)]
        body.append(f"{target} {op} {value}")
    into = joined[2] if joined else None  # (written into the concatenation's result)
    after += [f"{n} = {fresh[n]}" for n in run.fresh if n not in local and n != into]
    loop_lines = [f"{fresh[n]} = {EMPTY}({counts[0]})" for n in run.fresh
                  if n not in local and n != into]
    joins: list[str] = []
    if joined:
        target, pieces, _, _ = joined
        whole = namer.fresh(f"{target}_joined")
        sizes = [counts[0] if isinstance(p, ast.Name) and p.id == into
                 else f"{ast.unparse(p)}.shape[0]" for p in pieces]
        loop_lines.append(f"{whole} = {EMPTY}({' + '.join(sizes)})")
        k = next(n for n, p in enumerate(pieces) if isinstance(p, ast.Name) and p.id == into)
        at = namer.fresh(f"{into}_at") if k else "0"
        if k:
            loop_lines.append(f"{at} = {' + '.join(sizes[:k])}")
        loop_lines.append(f"{fresh[into]} = {whole}[{at}:{at} + {counts[0]}]" if k
                          else f"{fresh[into]} = {whole}[:{counts[0]}]")
        start = ""  # (the first piece from 0, the last to the end)
        for n, (piece, size) in enumerate(zip(pieces, sizes)):
            stop = at if n + 1 == k else "" if n + 1 == len(pieces) else \
                size if not start else f"{start} + {size}"
            if n != k:
                joins.append(f"{whole}[{start}:{stop}] = {ast.unparse(piece)}")
            start = stop if n != k else f"{at} + {counts[0]}" if k else counts[0]
        joins.append(f"{target} = {whole}")
    loop_lines += before
    loop_lines.append(f"for {i} in {loop}:")
    loop_lines += [f"    {held[key]} = {offsets[key][0]}[{i}]" for key in held]
    loop_lines += [f"    {line}" for line in body]
    loop_lines += [f"    {offsets[key][0]}[{i}] = {held[key]}" for key in held]
    how = "one loop" + (f", writing {into} into {joined[0]}'s new array" if joined else "")
    return _guarded(run, lines, pad, head, guards, loop_lines + after, how, joins,
                    joined[3] if joined else None)


def _guarded(run: _Run, lines: list[str], pad: str, head: list[str], guards: list[str],
             loops: list[str], how: str, joins: list[str] = (),
             end: int | None = None) -> tuple[int, int, list[str]]:
    """The run's replacement: its views, then ``loops`` (the moved statements, then
    ``joins``: the concatenation's other pieces) where the guards hold, else the original
    statements (to line ``end``: the concatenation's, where it is joined)."""
    first = run.stmts[0]
    end = end or run.stmts[-1].end_lineno
    loops = loops + [lines[m.lineno - 1].strip() for m in run.moved] + list(joins)
    original = lines[first.lineno - 1:end]
    out = [f"{pad}# Fused by the numba backend: {len(run.stmts)} statement(s), {how}"
           + (f" (then {len(run.moved)} moved after it)" if run.moved else "")]
    out += [pad + line for line in head]
    inner = pad + "    " if guards else pad
    if guards:
        out.append(f"{pad}if {' and '.join(guards)}:")
    out += [inner + line for line in loops]
    if guards:
        out.append(f"{pad}else:")
        out += ["    " + line for line in original]
    return first.lineno, end, out


class _At(ast.NodeTransformer):
    """An expression of the run at one index (an expression's source): a view or a whole
    array read at it, a name the run assigns replaced by its own expression there."""

    def __init__(self, offsets: dict, defs: dict[str, ast.expr], index: str):
        self.offsets, self.defs, self.index = offsets, defs, index

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.defs:
            return self.visit(_copy(self.defs[node.id]))
        if (node.id, None, None) in self.offsets:
            return self._at(self.offsets[(node.id, None, None)][0])
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        part = _slice(node)
        return node if part is None else self._at(self.offsets[part][0])

    def _at(self, view: str) -> ast.expr:
        return ast.parse(f"{view}[{self.index}]", mode="eval").body


def _gather(run: _Run, offsets: dict, local: set[str], namer: Namer) -> list[str] | None:
    """The loops of a run that only adds to arrays (``x[a:b] += E``, ``E`` reading no
    array the run writes; its other statements new arrays read only in the run), where one
    array is updated at several offsets: per such array, each element gathers its terms in
    the statements' order (one load and one store, the terms read from arrays the loop does
    not write, so it vectorizes), instead of one pass storing each offset in turn.  The
    first and last elements, which not every statement reaches, are updated statement by
    statement.  None for any other run."""
    if run.sums or set(run.fresh) - local:
        return None
    written = {a[1] for a in run.accesses if a[4]} - set(run.fresh)
    if not all(a[5] for a in run.accesses if a[1] in written):
        return None  # (a read of an array written, or a write that is not an addition)
    defs: dict[str, ast.expr] = {}
    updates: dict[str, list[tuple[int, str, str, ast.expr]]] = {}  # (start, view, op, E)
    for stmt in run.stmts:
        if isinstance(stmt, ast.Assign):
            defs[stmt.targets[0].id] = stmt.value  # (a new array, read only in the run)
            continue
        name, lo, hi = _slice(stmt.target)
        if lo is not None and lo < 0:
            return None  # (an offset from the end, which may be clipped to the start)
        op = {ast.Add: "+=", ast.Sub: "-="}[type(stmt.op)]
        updates.setdefault(name, []).append((lo or 0, offsets[(name, lo, hi)][0], op,
                                             stmt.value))
    if all(len({u[0] for u in mine}) == 1 for mine in updates.values()):
        return None  # (one offset per array: the one loop does as well)
    out: list[str] = []
    for name in sorted(updates):
        mine = updates[name]
        top = max(u[0] for u in mine)
        spread = top - min(u[0] for u in mine)
        length = f"{mine[0][1]}.shape[0]"
        view = next(u[1] for u in mine if u[0] == top)
        j = namer.fresh("j")

        def at(value: ast.expr, index: str) -> str:
            return ast.unparse(_At(offsets, defs, index).visit(_copy(value)))

        for start, part, op, value in mine:  # the first elements: not every term reaches
            if top - start:
                out.append(f"for {j} in range(min({top - start}, {length})):")
                out.append(f"    {part}[{j}] {op} {at(value, j)}")
        i, element = namer.fresh("i"), namer.fresh(f"{view}_i")
        out.append(f"for {i} in range({length} - {spread}):" if spread else
                   f"for {i} in range({length}):")
        out.append(f"    {element} = {view}[{i}]")
        for start, _, op, value in mine:
            index = f"{i} + {top - start}" if top - start else i
            out.append(f"    {element} {op} {at(value, index)}")
        out.append(f"    {view}[{i}] = {element}")
        for start, part, op, value in mine:  # the last elements
            if spread - (top - start):
                begin = f"max({length} - {spread - (top - start)}, {top - start})"
                out.append(f"for {j} in range({begin}, {length}):")
                out.append(f"    {part}[{j}] {op} {at(value, j)}")
    return out


def _copy(node: ast.AST) -> ast.AST:
    return ast.parse(ast.unparse(node), mode="eval").body
