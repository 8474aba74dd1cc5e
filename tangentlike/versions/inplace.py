"""Adjoints accumulated in place in versions by shape: ``bW = bW + e`` becomes ``bW += e``,
and ``bu = bu + unindex(g, u, idx)`` (the adjoint of a slice read) becomes ``bu[idx] += g``.

In a loop, ``bW = bW + h.T @ g`` allocates a new array every step and frees the old one;
``bW += h.T @ g`` adds into the array ``bW`` already holds, and ``bu[1:-1] += g`` adds into
the part of it a slice read, with no array of zeros the size of ``bu``.  The two differ only
when another name shares that array, or when the sum has another shape or dtype than ``bW``.
So the rewrite is made where the instrumented run recorded one shape and dtype for ``bW``
and for the sum (see observe.py and lower.py), and where nothing else can hold the array
``bW`` holds there.

Ownership is tracked per array, not per name: each array ``bW`` can hold comes from a
definition that makes a new one (arithmetic, ``np.zeros``, ``unindex``), possibly through
sums.  A read of ``bW`` that may keep its array (``split_like(bu, ...)`` makes views; any read
but a sum's own left operand, arithmetic on it and ``return`` counts) spoils the arrays that
reach it; a sum is rewritten only when every array that reaches it is new and unspoiled.
So ``bt = split_like(bu, ...)`` followed by ``bu = unindex(...)`` and ``bu = bu + ...`` still
adds in place: the views hold the old array, the sums write to the new one.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike import runtime
from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer.dead_code import remove_dead_saves
from tangentlike.optimizer.optimize import summed_into
from tangentlike.rules.primitive import primitive
from tangentlike.versions.cancel import recorded

_NOT_OWNED = -1  # an origin: an array the generated code did not make (or cannot follow)
_KEPT = -2  # an origin: an array a read may have kept (a view, another name)


def _same_array(stmt: gast.Assign) -> bool:
    """The sum has the shape and dtype of the array it is added to (as recorded)."""
    before, after = recorded(stmt.value.left), recorded(stmt.value)
    return (before is not None and before[0] is np.ndarray and before == after)


def _new_array(value: gast.expr, resolve: Callable[[gast.expr], Any]) -> bool:
    """``value`` always evaluates to an array no other name holds."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    if not isinstance(value, gast.Call):
        return False
    fn = resolve(value.func)
    return fn is runtime.unindex or primitive(fn).new_array


def _keeps_no_view(node: gast.Name, parents: dict[int, gast.AST]) -> bool:
    """The read ``node`` is an operand of arithmetic (whose result is a new array)."""
    parent = parents.get(id(node))
    return isinstance(parent, (gast.BinOp, gast.UnaryOp)) or (
        isinstance(parent, gast.Compare))


class _Origins:
    """The definitions whose arrays a name may hold before a statement: new arrays
    (``fresh``), ``_NOT_OWNED``, and ``_KEPT`` where a read that may keep the array (a
    ``marker``, after that read) lies on the way with no new array bound since."""

    def __init__(self, fn: gast.FunctionDef, fresh: set[int], sums: dict[int, str],
                 markers: dict[int, str]) -> None:
        self.reaching = dataflow.reaching_definitions(fn)
        self.fresh, self.sums, self.markers = fresh, sums, markers

    def of(self, name: str, stmt_id: int) -> set[int]:
        found: set[int] = set()
        seen: set[int] = set()
        todo = [stmt_id]
        while todo:
            here = todo.pop()
            for d in self.reaching.get(here, {}).get(name, frozenset({_NOT_OWNED})):
                if d in self.fresh:
                    found.add(d)
                elif self.markers.get(d) == name:
                    found.add(_KEPT)
                elif self.sums.get(d) == name:  # a sum keeps the array it adds to
                    if d not in seen:
                        seen.add(d)
                        todo.append(d)
                else:
                    found.add(_NOT_OWNED)
        return found


def accumulate_in_place(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                        numpy: str = "np") -> None:
    """Rewrite ``fn``'s sums ``a = a + e`` as ``a += e`` (``a[idx] += g`` for
    ``e = unindex(g, x, idx)``) where that cannot change a value; then ``a = unindex(g, x,
    idx)`` as ``a = np.zeros(shape); a[idx] = g`` (``numpy``: NumPy's name)."""
    items = _items_as_sums(fn, resolve)
    marked = {id(m) for _, m in items.values()}

    def resolved(func: gast.expr) -> Any:
        return runtime.unindex if id(func) in marked else resolve(func)

    _accumulate(fn, resolved)
    by_marker = {id(m): old for old, m in items.values()}
    for block in syntax.blocks(fn.body):  # the items' sums not added into a part: as they were
        block[:] = [items[id(s)][0] if id(s) in items else _whole_item(s, by_marker)
                    for s in block]
    if _spread_into_zeros(fn, resolve, numpy):
        remove_dead_saves(fn)  # the array ``x`` was saved for its shape alone
        for block in syntax.blocks(fn.body):
            _copies(block, resolve)


def _copies(block: list[gast.stmt], resolve: Callable[[gast.expr], Any]) -> None:
    """``a = a.copy()`` for ``a = np.zeros(shape)`` whose every piece ``[i:j]`` receives, by
    one ``a[i:j] = p`` or ``a[i:j] += p``, the piece of the array ``a`` held before that the
    cuts ``parts = a[0:1], a[1:999], a[999:1000]`` (``splits.py``) made: the adjoint of a
    join of slices of one array (``np.concatenate((u[:1], inner, u[-1:]))``).  Between the
    zeros and each piece's write, ``a`` is only added to in place (``a[r] += e``), so the
    sum is the same up to the order of its terms."""
    for i, stmt in enumerate(block):
        zeros = _zeros_of(stmt, resolve)
        if zeros is None:
            continue
        name, length = zeros
        cuts = _cuts_before(block, i, name)
        if cuts is None:
            continue
        parts, regions, j = cuts
        aliases = _aliases(block, j, i, parts)
        if aliases is None:
            continue
        writes: dict[int, int] = {}  # piece -> position of its write
        for k in range(i + 1, len(block)):
            later = block[k]
            piece = _piece_write(later, name, parts, aliases, regions, length)
            if piece is not None and piece not in writes:
                if isinstance(later, gast.Assign) and any(
                        name in syntax.all_names(block[m]) for m in range(i + 1, k)):
                    break  # an assignment after other writes: not the first word
                writes[piece] = k
                continue
            if not _adds_only(later, name) or _writes_into(later) - {name}:
                break  # (a write into a view of the old array would change a piece)
        if sorted(writes) != list(range(len(regions))) or not _partition(regions, length):
            continue
        stmt.value = syntax.call(gast.Attribute(value=syntax.load(name), attr="copy",
                                                ctx=gast.Load()), [])
        drop = {id(block[k]) for k in writes.values()}
        block[:] = [s for s in block if id(s) not in drop]
        return _copies(block, resolve)


def _zeros_of(stmt: gast.stmt, resolve: Callable[[gast.expr], Any]) -> tuple[str, int] | None:
    """(``a``, n) for ``a = np.zeros((n, ...))``."""
    value = getattr(stmt, "value", None)
    if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call)
            and len(value.args) == 1 and not value.keywords and resolve(value.func) is np.zeros
            and isinstance(value.args[0], gast.Constant)
            and isinstance(value.args[0].value, tuple) and value.args[0].value):
        return stmt.targets[0].id, value.args[0].value[0]
    return None


def _cuts_before(block: list[gast.stmt], i: int,
                 name: str) -> tuple[str, list[tuple[int, int]], int] | None:
    """The name, the (start, stop) of each piece and the position of ``parts = a[0:1],
    a[1:999], ...`` bound before ``block[i]`` with ``a`` not bound in between, or None."""
    for k in range(i - 1, -1, -1):
        stmt = block[k]
        if isinstance(stmt, dataflow.COMPOUND):
            return None
        value = getattr(stmt, "value", None)
        if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Tuple)
                and value.elts and all(_const_slice_of(e, name) for e in value.elts)):
            return stmt.targets[0].id, [_const_slice_of(e, name) for e in value.elts], k
        if name in dataflow.defs(stmt):
            return None
    return None


def _const_slice_of(node: gast.expr, name: str) -> tuple[int, int] | None:
    if not (isinstance(node, gast.Subscript) and syntax.is_name(node.value, name)
            and isinstance(node.slice, gast.Slice) and node.slice.step is None):
        return None
    bounds = (node.slice.lower, node.slice.upper)
    if not all(isinstance(b, gast.Constant) and type(b.value) is int and b.value >= 0
               for b in bounds):
        return None
    return bounds[0].value, bounds[1].value


def _aliases(block: list[gast.stmt], j: int, i: int, parts: str) -> dict[str, int] | None:
    """Names bound to ``parts[k]`` between the cuts ``block[j]`` and the zeros ``block[i]``,
    and nowhere else in the block: name -> k; None when ``parts`` itself is bound again in
    the block (a piece read later might be another one)."""
    found: dict[str, int] = {}
    bound: dict[str, int] = {}
    for stmt in block:
        for n in (dataflow.defs(stmt) if not isinstance(stmt, dataflow.COMPOUND) else
                  syntax.stored_names(stmt)):
            bound[n] = bound.get(n, 0) + 1
    if bound.get(parts) != 1:
        return None
    for stmt in block[j + 1:i]:
        value = getattr(stmt, "value", None)
        if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name) and _piece_index(value, parts)
                is not None and bound.get(stmt.targets[0].id) == 1):
            found[stmt.targets[0].id] = _piece_index(value, parts)
    return found


def _piece_index(node: Any, parts: str) -> int | None:
    if (isinstance(node, gast.Subscript) and syntax.is_name(node.value, parts)
            and isinstance(node.slice, gast.Constant) and type(node.slice.value) is int):
        return node.slice.value
    return None


def _piece_write(stmt: gast.stmt, name: str, parts: str, aliases: dict[str, int],
                 regions: list[tuple[int, int]], length: int) -> int | None:
    """k for ``a[r] = parts[k]`` or ``a[r] += parts[k]`` (or an alias of it), ``r`` the
    piece's own region of ``a``; else None."""
    if isinstance(stmt, gast.AugAssign) and isinstance(stmt.op, gast.Add):
        target, value = stmt.target, stmt.value
    elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    else:
        return None
    if not (isinstance(target, gast.Subscript) and syntax.is_name(target.value, name)
            and isinstance(target.slice, gast.Slice) and target.slice.step is None):
        return None
    k = _piece_index(value, parts)
    if k is None and isinstance(value, gast.Name):
        k = aliases.get(value.id)
    if k is None or not 0 <= k < len(regions):
        return None
    bounds = []
    for b in (target.slice.lower, target.slice.upper):
        if b is None:
            bounds.append(None)
            continue
        negative = isinstance(b, gast.UnaryOp) and isinstance(b.op, gast.USub)
        inner = b.operand if negative else b
        if not (isinstance(inner, gast.Constant) and type(inner.value) is int):
            return None
        bounds.append(-inner.value if negative else inner.value)
    region = slice(*bounds).indices(length)[:2]
    return k if region == regions[k] else None


def _partition(regions: list[tuple[int, int]], length: int) -> bool:
    """The regions, in order, cover ``[0, length)`` with no gap and no overlap."""
    start = 0
    for a, b in regions:
        if a != start or b < a:
            return False
        start = b
    return start == length


def _writes_into(stmt: gast.stmt) -> set[str]:
    """The names whose arrays ``stmt`` changes in place (``x[i] = e``, ``x += e``)."""
    if isinstance(stmt, dataflow.COMPOUND):
        return {n.value.id for n in syntax.walk(stmt) if isinstance(n, gast.Subscript)
                and isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name)} | {
            n.target.id for n in syntax.walk(stmt) if isinstance(n, gast.AugAssign)
            and isinstance(n.target, gast.Name)}
    targets = [stmt.target] if isinstance(stmt, gast.AugAssign) else getattr(
        stmt, "targets", [])
    found = set()
    for target in targets:
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            found.add(target.value.id)
        elif isinstance(stmt, gast.AugAssign) and isinstance(target, gast.Name):
            found.add(target.id)
    return found


def _adds_only(stmt: gast.stmt, name: str) -> bool:
    """``stmt`` leaves ``a`` alone, or only adds to a part of it in place (``a[r] += e``,
    ``e`` not reading ``a``)."""
    if isinstance(stmt, dataflow.COMPOUND):
        return name not in syntax.all_names(stmt)
    if (isinstance(stmt, gast.AugAssign) and isinstance(stmt.op, gast.Add)
            and isinstance(stmt.target, gast.Subscript)
            and syntax.is_name(stmt.target.value, name)):
        return name not in syntax.loaded_names(stmt.value) and name not in \
            syntax.loaded_names(stmt.target.slice)
    return name not in syntax.all_names(stmt)


def _whole_item(stmt: gast.stmt, by_marker: dict[int, gast.Assign]) -> gast.stmt:
    """The ``add_item`` statement back for ``a += unindex(...)`` made of it (an index not
    written out: added to the whole array, which ``add_item`` does as well)."""
    value = getattr(stmt, "value", None)
    if (isinstance(stmt, gast.AugAssign) and isinstance(value, gast.Call)
            and id(value.func) in by_marker):
        return by_marker[id(value.func)]
    return stmt


def _items_as_sums(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                   ) -> dict[int, tuple[gast.Assign, gast.expr]]:
    """``a = add_item(a, g, x, idx)`` of an array ``x`` (the sum of ``a`` and ``unindex(g, x,
    idx)``, as recorded of ``a``'s shape and dtype) written as that sum, so that it is made
    in place like the others; by the new statement's id, the old one and the ``unindex``
    written (its function, a marker that ``resolve`` does not know)."""
    items: dict[int, tuple[gast.Assign, gast.expr]] = {}
    for block in syntax.blocks(fn.body):
        for k, stmt in enumerate(block):
            value = getattr(stmt, "value", None)
            if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call)
                    and len(value.args) == 4 and not value.keywords
                    and resolve(value.func) is runtime.add_item
                    and syntax.is_name(value.args[0], stmt.targets[0].id)):
                continue
            total, of, made = recorded(value.args[0]), recorded(value.args[2]), recorded(value)
            if not (made is not None and made[0] is np.ndarray and total == made
                    and of is not None and of[0] is np.ndarray and of[1] == made[1]):
                continue
            marker = gast.Name("unindex", gast.Load(), None, None)
            spread = gast.Call(func=marker, args=value.args[1:], keywords=[])
            anno.info(spread).seen = frozenset({made})
            total_sum = gast.BinOp(left=value.args[0], op=gast.Add(), right=spread)
            anno.info(total_sum).seen = frozenset({made})
            new = gast.Assign(targets=stmt.targets, value=total_sum, type_comment=None)
            setattr(new, anno.KEY, anno.info(stmt))
            items[id(new)] = (stmt, marker)
            block[k] = new
    return items


def _spread_into_zeros(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                       numpy: str) -> bool:
    """``a = unindex(g, x, idx)`` of an array ``x`` and a basic index written out, as the
    two statements the helper runs for the recorded shape and dtype (no call, no checks):
    ``a = np.zeros(shape)`` and ``a[idx] = g``.  True if anything changed."""
    changed = False
    for block in syntax.blocks(fn.body):
        out: list[gast.stmt] = []
        for stmt in block:
            spread = _spread(stmt, resolve, numpy)
            changed |= spread is not None
            out += spread or [stmt]
        block[:] = out
    return changed


def _spread(stmt: gast.stmt, resolve: Callable[[gast.expr], Any],
            numpy: str) -> list[gast.stmt] | None:
    value = getattr(stmt, "value", None)
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call)
            and len(value.args) == 3 and not value.keywords
            and resolve(value.func) is runtime.unindex):
        return None
    made, of = recorded(value), recorded(value.args[1])
    if not (made is not None and of is not None and made[0] is of[0] is np.ndarray
            and made[1] == of[1] and made[2].kind in "fc"):
        return None
    slot = _index(value.args[2], resolve)
    name = stmt.targets[0].id
    if slot is None or name in syntax.loaded_names(value.args[0]) | syntax.loaded_names(slot):
        return None  # (``a = unindex(a * 0.5, ...)``: the zeros would be read for ``a``)
    if numpy != "np" and all(
            resolve(gast.Attribute(value=syntax.load("np"), attr=a, ctx=gast.Load())) is v
            for a, v in (("zeros", np.zeros), (made[2].name, getattr(np, made[2].name)))):
        numpy = "np"  # the user's name for NumPy (autograd's, which stands for it)
    shape = [syntax.const(made[1])]
    if made[2] != np.float64:
        shape.append(gast.Attribute(value=syntax.load(numpy), attr=made[2].name,
                                    ctx=gast.Load()))
    zeros = gast.Call(func=gast.Attribute(value=syntax.load(numpy), attr="zeros",
                                          ctx=gast.Load()), args=shape, keywords=[])
    first = gast.Assign(targets=[gast.Name(name, gast.Store(), None, None)], value=zeros,
                        type_comment=None)
    second = gast.Assign(targets=[gast.Subscript(
        value=gast.Name(name, gast.Load(), None, None), slice=slot, ctx=gast.Store())],
        value=value.args[0], type_comment=None)
    for new in (first, second):
        if anno.has_info(stmt):
            anno.info(new).generated = anno.info(stmt).generated
            anno.info(new).origin = anno.info(stmt).origin
    return [first, second]


def _accumulate(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> None:
    """The sums of :func:`accumulate_in_place`."""
    statements = list(syntax.statements(fn.body, with_bodies=True))
    sums: dict[int, str] = {}
    fresh: set[int] = set()
    for stmt in statements:
        if isinstance(stmt, dataflow.COMPOUND):
            continue
        name = summed_into(stmt)
        if name is not None:
            sums[id(stmt)] = name
        elif (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
              and isinstance(stmt.targets[0], gast.Name)
              and _new_array(stmt.value, resolve)):
            fresh.add(id(stmt))
    if not sums:
        return
    summed = set(sums.values())
    left_operands = {id(s.value.left) for s in statements if id(s) in sums}
    kept_by: dict[int, set[str]] = {}  # statement -> the summed names a read of it may keep
    header_kept: set[str] = set()  # read by a compound statement's header: never in place
    for stmt in statements:
        if isinstance(stmt, gast.Return):
            continue
        compound = isinstance(stmt, dataflow.COMPOUND)
        parts = _header(stmt) if compound else [stmt]
        parents = None  # child -> parent, made for the first statement that needs it
        for part in parts:
            for name in syntax.walk_names(part):
                if not (name.id in summed and isinstance(name.ctx, gast.Load)
                        and id(name) not in left_operands):
                    continue
                if parents is None:
                    parents = {k: v for whole in parts for k, v in syntax.parents(whole).items()}
                if not _keeps_no_view(name, parents):
                    if compound:
                        header_kept.add(name.id)
                    elif name.id not in dataflow.defs(stmt):  # else the name lets go of it
                        kept_by.setdefault(id(stmt), set()).add(name.id)
    markers = _mark(fn, kept_by)
    try:
        origins = _Origins(fn, fresh, sums, {id(m): n for m, n in markers})
    finally:
        _unmark(fn, markers)
    rewrite = {}
    for stmt in statements:
        name = sums.get(id(stmt))
        if name is None or name in header_kept or not _same_array(stmt):
            continue
        if not origins.of(name, id(stmt)) & {_NOT_OWNED, _KEPT}:
            rewrite[id(stmt)] = _augmented(stmt, resolve)
    for block in syntax.blocks(fn.body):
        block[:] = [rewrite.get(id(s), s) for s in block]


def _mark(fn: gast.FunctionDef,
          kept_by: dict[int, set[str]]) -> list[tuple[gast.Assign, str]]:
    """Put a marker ``a = a`` after each statement whose read may keep ``a``'s array, so
    that reaching definitions say which later sums that array may still reach."""
    markers: list[tuple[gast.Assign, str]] = []
    for block in syntax.blocks(fn.body):
        out: list[gast.stmt] = []
        for stmt in block:
            out.append(stmt)
            for name in sorted(kept_by.get(id(stmt), ())):
                marker = gast.Assign(targets=[gast.Name(name, gast.Store(), None, None)],
                                     value=gast.Name(name, gast.Load(), None, None),
                                     type_comment=None)
                markers.append((marker, name))
                out.append(marker)
        block[:] = out
    return markers


def _unmark(fn: gast.FunctionDef, markers: list[tuple[gast.Assign, str]]) -> None:
    ids = {id(m) for m, _ in markers}
    for block in syntax.blocks(fn.body):
        block[:] = [s for s in block if id(s) not in ids]


def _header(stmt: gast.stmt) -> list[gast.AST]:
    """The expressions a compound statement itself evaluates (not its bodies)."""
    if isinstance(stmt, gast.For):
        return [stmt.target, stmt.iter]
    if isinstance(stmt, (gast.If, gast.While)):
        return [stmt.test]
    if isinstance(stmt, gast.With):
        return list(stmt.items)
    return [h for h in stmt.handlers if h.type is not None]


def _augmented(stmt: gast.Assign, resolve: Callable[[gast.expr], Any]) -> gast.AugAssign:
    """``a += e`` for ``a = a + e``; ``a[idx] += g`` for ``a = a + unindex(g, x, idx)``
    with a basic index written out (``slice(1, -1)``, an integer) of ``a``'s shape."""
    target, value = stmt.targets[0], stmt.value.right
    slot = _slot(value, stmt, resolve)
    if slot is not None:
        target, value = gast.Subscript(value=gast.Name(target.id, gast.Store(), None, None),
                                       slice=slot, ctx=gast.Store()), value.args[0]
    new = gast.AugAssign(target=target, op=gast.Add(), value=value)
    if anno.has_info(stmt):
        setattr(new, anno.KEY, anno.info(stmt))
    return new


def _slot(value: gast.expr, stmt: gast.Assign,
          resolve: Callable[[gast.expr], Any]) -> gast.expr | None:
    """The index ``idx`` of ``unindex(g, x, idx)`` as a subscript, when ``value`` is such a
    call of the sum's own shape and ``idx`` a basic index written out; else None."""
    if not (isinstance(value, gast.Call) and len(value.args) == 3 and not value.keywords
            and resolve(value.func) is runtime.unindex
            and recorded(value) is not None and recorded(value) == recorded(stmt.value.left)):
        return None
    return _index(value.args[2], resolve)


def _index(index: gast.expr, resolve: Callable[[gast.expr], Any]) -> gast.expr | None:
    """The index argument of ``unindex`` as a subscript, when it is basic and written out."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    written = [_basic(p, resolve) for p in parts]
    if any(w is None for w in written):
        return None
    return gast.Tuple(written, gast.Load()) if isinstance(index, gast.Tuple) else written[0]


def _basic(part: gast.expr, resolve: Callable[[gast.expr], Any]) -> gast.expr | None:
    """``part`` as a subscript part when it is an integer (a literal, or a name recorded as
    one: read in the same statement, it is the same integer) or ``slice(...)`` of integers
    and None; else None."""
    if _literal(part) or _integer_name(part):
        return None if isinstance(part, gast.Constant) and part.value is None else part
    if (isinstance(part, gast.Call) and resolve(part.func) is slice and not part.keywords
            and 1 <= len(part.args) <= 3
            and all(_literal(a) or _integer_name(a) for a in part.args)):
        args = list(part.args)
        if len(args) == 1:
            args = [gast.Constant(None, None), args[0]]
        bounds = [None if isinstance(a, gast.Constant) and a.value is None else a
                  for a in args] + [None] * (3 - len(args))
        return gast.Slice(lower=bounds[0], upper=bounds[1], step=bounds[2])
    return None


def _integer_name(node: gast.expr) -> bool:
    """A name recorded as a Python or NumPy integer, never a boolean (``x[True]`` is not
    basic indexing) nor an array (which may repeat an element)."""
    seen = recorded(node) if isinstance(node, gast.Name) else None
    return seen is not None and seen[1] == () and seen[0] is not bool and (
        issubclass(seen[0], (int, np.integer)))


def _literal(node: gast.expr) -> bool:
    """An integer literal (a negative one included) or None."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        node = node.operand
    return isinstance(node, gast.Constant) and (
        node.value is None or (type(node.value) is int))
