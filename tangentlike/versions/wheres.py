"""``np.where`` adjoints merged in versions by shape.

The adjoint of ``hi = np.where(c, l1, l2)`` sends ``bhi`` to ``l1`` where ``c`` holds and
to ``l2`` elsewhere: ``bl1 = np.where(c, bhi, 0.0)``, ``bl2 = np.where(c, 0.0, bhi)``.  With
a second selection on the same mask (``lo = np.where(c, l2, l1)``) each adjoint is the sum of
two such arrays, each half zeros: ``bl1 = np.where(c, 0.0, blo)`` then
``bl1 = bl1 + np.where(c, bhi, 0.0)``.  That is one selection, ``np.where(c, bhi, blo)``
(``x + 0.0`` is ``x``), with two arrays fewer.  The same comparison written twice
(``t22 = l1 > l2``, ``t23 = l1 > l2``: the user wrote ``l1 > l2`` in both calls) is first
read from the first name, so that the masks are seen to be one.

Two selections on one mask combined by ``+``, ``-`` or ``*`` and read nowhere else
(``lo - hi`` after ``hi = np.where(c, l1, l2)``, ``lo = np.where(c, l2, l1)``) are one
selection of the combined sides, ``np.where(c, l2 - l1, l1 - l2)``: element by element
both pick the same side, so the result is the same (the side not picked may hold inf or
NaN: it is not picked either way), with one selection instead of two.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from tangentlike.core import anno, dataflow, syntax
from tangentlike.versions.hoist import fresh_name


def share_comparisons(fn: gast.FunctionDef) -> bool:
    """``t23 = t22`` for ``t23 = l1 > l2`` when ``t22 = l1 > l2`` came before in the same
    block and nothing in between bound ``l1``, ``l2`` or ``t22``.  True if anything changed."""
    changed = False
    for block in syntax.blocks(fn.body):
        known: dict[str, tuple[str, set[str]]] = {}  # dump of the comparison -> name, reads
        for stmt in block:
            key = _comparison(stmt)
            if key is not None and key in known:
                stmt.value = syntax.load(known[key][0])
                changed = True
            bound = dataflow.defs(stmt) if not isinstance(stmt, dataflow.COMPOUND) else None
            if bound is None:
                known.clear()
                continue
            known = {k: v for k, v in known.items()
                     if not bound & (v[1] | {v[0]})}
            if key is not None and not bound & syntax.loaded_names(stmt.value):
                known.setdefault(key, (stmt.targets[0].id, syntax.loaded_names(stmt.value)))
    return changed


def _comparison(stmt: gast.stmt) -> str | None:
    """A key for ``name = a < b`` (one comparison of names and numbers), else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Compare)
            and len(stmt.value.ops) == 1):
        return None
    operands = [stmt.value.left, *stmt.value.comparators]
    if not all(isinstance(o, gast.Name) or (isinstance(o, gast.Constant)
                                             and type(o.value) in (int, float))
               for o in operands):
        return None
    return gast.dump(stmt.value)


def merge_selections(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> bool:
    """``a = np.where(c, y, x)`` for ``a = np.where(c, 0.0, x)`` followed (in the same
    block, ``a``, ``c`` and what ``x`` reads not bound and ``a`` not read in between) by
    ``a = a + np.where(c, y, 0.0)``, and the same with the sides swapped.  True if changed."""
    changed = False
    for block in syntax.blocks(fn.body):
        i = 0
        while i < len(block):
            j = _partner(block, i, resolve)
            if j is None:
                i += 1
                continue
            first, second = block[i].value, block[j].value.right
            x_slot = 2 if _zero(first.args[1]) else 1
            merged = second.args[:]  # (c, y, 0.0) or (c, 0.0, y)
            merged[x_slot] = first.args[x_slot]
            block[j].value = gast.Call(func=second.func, args=merged, keywords=[])
            del block[i]
            changed = True
    return changed


def _partner(block: list[gast.stmt], i: int, resolve: Callable) -> int | None:
    first = block[i]
    sides = _selection(first, resolve)
    if sides is None:
        return None
    name, mask, zero_slot = first.targets[0].id, first.value.args[0].id, sides
    reads = syntax.loaded_names(first.value)
    for j in range(i + 1, len(block)):
        stmt = block[j]
        if isinstance(stmt, dataflow.COMPOUND):
            return None
        value = getattr(stmt, "value", None)
        if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and syntax.is_name(stmt.targets[0], name) and isinstance(value, gast.BinOp)
                and isinstance(value.op, gast.Add) and syntax.is_name(value.left, name)):
            other = value.right
            fake = gast.Assign(targets=[stmt.targets[0]], value=other, type_comment=None)
            if (_selection(fake, resolve) == 3 - zero_slot
                    and syntax.is_name(other.args[0], mask)
                    and name not in syntax.loaded_names(other)):
                return j
            return None
        if name in syntax.loaded_names(stmt) or dataflow.defs(stmt) & (reads | {name}):
            return None
    return None


# The operations combine_selections moves inside a selection: element by element, and
# nothing that divides (a side not picked may be zero).
_COMBINED = (gast.Add, gast.Sub, gast.Mult)


def combine_selections(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any]) -> bool:
    """``np.where(c, x + y, u + v)`` for ``a + b`` where ``a = np.where(c, x, u)`` and
    ``b = np.where(c, y, v)`` came before in the same block, ``a`` and ``b`` bound once and
    read only there (likewise ``-`` and ``*``); the two bindings are removed.  The sides were
    recorded as arrays of one dtype (so ``x + y`` rounds as ``a + b`` did), and from the first
    binding to the statement of ``a + b`` nothing rebinds what the selections read, nothing
    changes an array in place and nothing but NumPy's ufuncs and ``_PURE`` is called.
    ``x + y`` is then computed where the mask does not pick it too: an inf or NaN there can
    make NumPy warn (``inf - inf``) where the two selections did not, never change the
    result.  True if anything changed."""
    if not _two_selections(fn):  # (the counts below read every statement)
        return False
    counts, uses = dataflow.definition_counts(fn), dataflow.use_counts(fn)
    changed = False
    for block in syntax.blocks(fn.body):
        k = 0
        while k < len(block):
            found = _combinable(block, k, counts, uses, resolve)
            if found is None:
                k += 1
                continue
            node, first, second = found
            left, right = (_selection_call(block[i]) for i in (first, second))
            if node.left.id != block[first].targets[0].id:
                left, right = right, left
            sides = [gast.BinOp(left=left.args[s], op=node.op, right=right.args[s])
                     for s in (1, 2)]
            combined = _swapped(sides, node) or gast.Call(
                func=left.func, args=[left.args[0], *sides], keywords=[])
            anno.info(combined).seen = anno.info(node).seen
            syntax.replace_in(block[k], node, combined)
            del block[second], block[first]
            counts = dataflow.definition_counts(fn)
            changed = True
            k -= 2  # the same statement again: it may hold another
    return changed


def _swapped(sides: list[gast.BinOp], node: gast.BinOp) -> gast.BinOp | None:
    """``x + y`` for the sides ``x + y`` and ``y + x`` (likewise ``*``: IEEE sums and products
    do not depend on the order, inf and NaN included) when it has the recorded shape of the
    selection: the mask does not widen it.  Else None."""
    first, second = sides
    if not (isinstance(node.op, (gast.Add, gast.Mult))
            and all(isinstance(s, gast.Name) for s in (first.left, first.right))
            and syntax.is_name(second.left, first.right.id)
            and syntax.is_name(second.right, first.left.id)):
        return None
    seen = [anno.info(s).seen for s in (first.left, first.right, node)]
    if any(not found or len(found) != 1 for found in seen):
        return None
    (a, b, total) = (next(iter(found)) for found in seen)
    shape = np.broadcast_shapes(a[1], b[1])
    return first if total[0] is np.ndarray and total[1] == shape and shape != () else None


def _combinable(block: list[gast.stmt], k: int, counts: dict[str, int],
                uses: dict[str, int], resolve: Callable) -> tuple | None:
    """(the ``a + b``, the index of the first binding, of the second) for a combinable
    operation in ``block[k]``, else None (see :func:`combine_selections`)."""
    stmt = block[k]
    if isinstance(stmt, dataflow.COMPOUND) or not _pure(stmt, resolve):
        return None
    for node in syntax.walk(stmt):
        if not (isinstance(node, gast.BinOp) and isinstance(node.op, _COMBINED)
                and isinstance(node.left, gast.Name) and isinstance(node.right, gast.Name)
                and node.left.id != node.right.id):
            continue
        names = (node.left.id, node.right.id)
        if any(counts.get(n) != 1 or uses.get(n) != 1 for n in names):
            continue
        where = {}
        for i in range(k):
            bound = dataflow.defs(block[i]) if not isinstance(block[i], dataflow.COMPOUND) \
                else set()
            for n in names:
                if n in bound:
                    where[n] = i
        if len(where) != 2:
            continue
        first, second = sorted(where.values())
        calls = [_selection_call(block[i]) for i in (first, second)]
        if None in calls or not (calls[0].args[0].id == calls[1].args[0].id
                                 and resolve(calls[0].func) is np.where
                                 and resolve(calls[1].func) is np.where):
            continue
        if not _one_dtype([*calls[0].args[1:], *calls[1].args[1:]]) or not _array(node):
            continue
        if _undisturbed(block, first, second, k, calls, resolve):
            return node, first, second
    return None


def _two_selections(fn: gast.FunctionDef) -> bool:
    """Whether a block of ``fn`` holds two statements ``a = f(c, x, y)`` of the form of
    :func:`_selection_call`: every combination and swap needs two."""
    return any(sum(_selection_call(stmt) is not None for stmt in block) >= 2
               for block in syntax.blocks(fn.body))


def _selection_call(stmt: gast.stmt) -> gast.Call | None:
    """The call of ``a = np.where(c, x, y)`` (one name bound, ``c`` a name), else None."""
    value = getattr(stmt, "value", None)
    if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call)
            and len(value.args) == 3 and not value.keywords
            and isinstance(value.args[0], gast.Name)
            and not any(isinstance(a, gast.Starred) for a in value.args)):
        return value
    return None


def _one_dtype(sides: list[gast.expr]) -> bool:
    """The sides were each recorded as an array, all of one dtype."""
    seen = [anno.info(s).seen if anno.has_info(s) else None for s in sides]
    if any(not found or len(found) != 1 for found in seen):
        return False
    kinds = [next(iter(found)) for found in seen]
    dtypes = {dtype for _, _, dtype in kinds}
    return all(kind is np.ndarray for kind, _, _ in kinds) and len(dtypes) == 1 \
        and next(iter(dtypes)).kind in "fc"


def _array(node: gast.expr) -> bool:
    """``node`` was recorded as an array of at least one dimension (of 0-d arrays, ``a - b``
    is a NumPy scalar and ``np.where`` a 0-d array)."""
    found = anno.info(node).seen if anno.has_info(node) else None
    if not found or len(found) != 1:
        return False
    kind, shape, _ = next(iter(found))
    return kind is np.ndarray and bool(shape)


def _undisturbed(block: list[gast.stmt], first: int, second: int, k: int,
                 calls: list[gast.Call], resolve: Callable) -> bool:
    """Nothing from ``block[first]`` to ``block[k]`` changes what the two selections read:
    the first one's names stay bound to the same values up to ``k``, the second one's from
    ``second`` on, and no statement between changes an array in place."""
    reads = [syntax.loaded_names(c) for c in calls]
    for i in range(first + 1, k):
        if i == second:
            continue
        stmt = block[i]
        if syntax.is_comment(stmt):
            continue
        name = _binds_one_name(stmt, resolve)
        if name is None or name in reads[0] | (reads[1] if i > second else set()):
            return False
    return True


def _binds_one_name(stmt: gast.stmt, resolve: Callable) -> str | None:
    """The name ``stmt`` binds when it is ``name = e`` and nothing in ``e`` can change an
    array in place (:func:`_pure`); else None."""
    if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and _pure(stmt, resolve)):
        return stmt.targets[0].id
    return None


# Functions that never change their arguments, with the most positional arguments that
# keeps them so (``np.sum``'s fourth and ``np.dot``'s third are ``out``); a ufunc takes its
# inputs only (``np.exp(a, b)`` writes ``b``).
_PURE = ((np.where, 3), (np.sum, 3), (np.full, 4), (np.zeros, 3), (np.ones, 3), (np.dot, 2))


def _pure(stmt: gast.stmt, resolve: Callable) -> bool:
    """Every call in ``stmt`` is of a NumPy ufunc or a function of ``_PURE``, with no
    keyword and no ``out`` in its positional arguments: nothing that could change an array
    in place."""
    for node in syntax.walk(stmt):
        if isinstance(node, gast.Call):
            func = resolve(node.func)
            most = func.nin if isinstance(func, np.ufunc) else next(
                (n for f, n in _PURE if func is f), -1)
            if node.keywords or len(node.args) > most or any(
                    isinstance(a, gast.Starred) for a in node.args):
                return False
        elif isinstance(node, (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp,
                               gast.GeneratorExp, gast.NamedExpr, gast.Yield,
                               gast.YieldFrom, gast.Await)):
            return False
    return True


def _selection(stmt: gast.stmt, resolve: Callable) -> int | None:
    """The zero's slot (1 or 2) of ``a = np.where(c, 0.0, x)``/``np.where(c, x, 0.0)``,
    ``c`` a name and the other slot not zero; else None."""
    value = getattr(stmt, "value", None)
    if not (isinstance(stmt, gast.Assign) and isinstance(value, gast.Call)
            and resolve(value.func) is np.where and len(value.args) == 3
            and not value.keywords and isinstance(value.args[0], gast.Name)):
        return None
    zeros = [k for k in (1, 2) if _zero(value.args[k])]
    return zeros[0] if len(zeros) == 1 else None


def _zero(node: gast.expr) -> bool:
    return isinstance(node, gast.Constant) and type(node.value) is float and node.value == 0.0


# The integer of each float's width: a float array viewed as these holds the same bits.
_BITS = {np.dtype("float64"): "int64", np.dtype("float32"): "int32"}


def swap_selections(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                    np_name: str) -> bool:
    """``p = np.where(c, a, b)`` and, later in the same block, ``q = np.where(c, b, a)`` (the
    adjoints of a pair such as ``hi``/``lo`` on one mask) computed with bit operations: where
    ``c`` holds, the bits of ``a`` and ``b`` are swapped (``s = a ^ b``, ``s *= c``, ``p = b ^
    s``, ``q = a ^ s``, on the arrays viewed as integers of their width).  Each element is the
    one ``np.where`` picks, bit for bit (inf, NaN and -0.0 included), in four passes without
    a branch per element instead of two selections, each a branch per element (slow where
    the mask changes often).  Only where ``c`` was recorded as a boolean array and ``a`` and
    ``b`` as arrays of its shape and of one dtype, float64 or float32, ``p`` is none of
    ``c``, ``a``, ``b``, and between the two nothing but assignments of other names by
    NumPy's ufuncs and ``_PURE`` functions.  True if anything changed."""
    if not _two_selections(fn):
        return False
    names = syntax.stored_names(fn) | syntax.loaded_names(fn)
    changed = False
    for block in syntax.blocks(fn.body):
        i = 0
        while i < len(block):
            found = _swap_partner(block, i, resolve)
            if found is None:
                i += 1
                continue
            j, (mask, a, b), bits = found
            p, q = block[i].targets[0].id, block[j].targets[0].id
            swap = fresh_name(names, f"{mask}_swap")
            view, back = f"view({np_name}.{bits})", f"view({np_name}.float{bits[3:]})"
            comment = syntax.comment(
                f"np.where({mask}, {a}, {b}) and np.where({mask}, {b}, {a}) at once: where "
                f"{mask} holds, the bits of {a} and {b} swapped (the same values, without a "
                "branch per element)")
            block[j] = syntax.parse_stmts(f"{q} = ({a}.{view} ^ {swap}).{back}")[0]
            block[i:i + 1] = [comment, *syntax.parse_stmts(
                f"{swap} = {a}.{view} ^ {b}.{view}\n{swap} *= {mask}\n"
                f"{p} = ({b}.{view} ^ {swap}).{back}")]
            changed = True
            i += 4
    return changed


def _swap_partner(block: list[gast.stmt], i: int,
                  resolve: Callable) -> tuple[int, tuple[str, str, str], str] | None:
    """(the index of ``q = np.where(c, b, a)``, the names ``(c, a, b)``, the integer type of
    their width) for ``p = np.where(c, a, b)`` at ``block[i]``, see :func:`swap_selections`;
    else None."""
    call = _selection_call(block[i])
    if call is None or resolve(call.func) is not np.where or not all(
            isinstance(arg, gast.Name) for arg in call.args):
        return None
    mask, a, b = (arg.id for arg in call.args)
    if a == b or block[i].targets[0].id in (mask, a, b):
        return None
    kinds = [_recorded(arg) for arg in call.args]
    if None in kinds or kinds[0][2] != np.dtype(bool) or not kinds[0][1] \
            or kinds[1] != kinds[2] or kinds[1][1] != kinds[0][1] \
            or kinds[1][2] not in _BITS:
        return None
    for j in range(i + 1, len(block)):
        stmt = block[j]
        other = _selection_call(stmt)
        if (other is not None and resolve(other.func) is np.where
                and [getattr(arg, "id", None) for arg in other.args] == [mask, b, a]):
            return j, (mask, a, b), _BITS[kinds[1][2]]
        if syntax.is_comment(stmt):
            continue
        if _binds_one_name(stmt, resolve) in (None, mask, a, b):
            return None
    return None


def _recorded(node: gast.expr) -> tuple | None:
    """(kind, shape, dtype) recorded for ``node`` when it is one array, else None."""
    found = anno.info(node).seen if anno.has_info(node) else None
    if not found or len(found) != 1:
        return None
    kind = next(iter(found))
    return kind if kind[0] is np.ndarray else None


# The unsigned integer of each float's width, and the shift that moves a 1 to its sign bit.
_SIGN_BIT = {np.dtype("float64"): ("uint64", 63), np.dtype("float32"): ("uint32", 31)}


def flip_selections(fn: gast.FunctionDef, resolve: Callable[[gast.expr], Any],
                    np_name: str) -> bool:
    """``np.where(c, u - v, v - u)``, where ``c = u > v`` (or ``v > u``, ``u < v``, ``v < u``)
    came before in the same block, computed as ``v - u`` with its sign bit flipped where
    ``c`` holds: ``s = c.astype(np.uint64)``, ``s <<= 63``, ``s ^= (v - u).view(np.uint64)``,
    then ``s.view(np.float64)``.  Where ``c`` holds, ``u`` and ``v`` are ordered numbers (no
    NaN, not equal), and IEEE subtraction rounds symmetrically, so ``u - v`` is ``-(v - u)``
    bit for bit; elsewhere ``v - u`` is what ``np.where`` picks.  So each element is the one
    ``np.where`` picks (inf, NaN and -0.0 included), without a branch per element (``lo - hi``
    of a max/min pair, the log-sum-exp of two terms).  Only where ``c`` was recorded as a
    boolean array and ``u``, ``v`` as float64 or float32 arrays of its shape and dtype, and
    between the comparison and the selection nothing but assignments of other names by
    NumPy's ufuncs and ``_PURE`` functions.  True if anything changed."""
    names: set[str] | None = None
    changed = False
    for block in syntax.blocks(fn.body):
        if not any(isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Compare)
                   for stmt in block):
            continue  # no mask bound here: each statement's walk is spared
        k = 0
        while k < len(block):
            found = _flippable(block, k, resolve)
            if found is None:
                k += 1
                continue
            node, (mask, u, v), (unsigned, shift) = found
            if names is None:
                names = syntax.stored_names(fn) | syntax.loaded_names(fn)
            flip = fresh_name(names, f"{mask}_flip")
            comment = syntax.comment(
                f"np.where({mask}, {u} - {v}, {v} - {u}): {v} - {u} with its sign bit flipped "
                f"where {mask} holds (there {u} - {v} is exactly -({v} - {u})), without a "
                "branch per element")
            back = syntax.parse_expr(f"{flip}.view({np_name}.float{unsigned[4:]})")
            syntax.replace_in(block[k], node, back)
            block[k:k] = [comment, *syntax.parse_stmts(
                f"{flip} = {mask}.astype({np_name}.{unsigned})\n{flip} <<= {shift}\n"
                f"{flip} ^= ({v} - {u}).view({np_name}.{unsigned})")]
            changed = True
            k += 4
    return changed


def _flippable(block: list[gast.stmt], k: int,
               resolve: Callable) -> tuple[gast.Call, tuple[str, str, str], tuple] | None:
    """(the call, the names ``(c, u, v)``, the unsigned type and shift of the sign bit) for
    a selection ``np.where(c, u - v, v - u)`` in ``block[k]``, see :func:`flip_selections`;
    else None."""
    stmt = block[k]
    if isinstance(stmt, dataflow.COMPOUND) or syntax.is_comment(stmt):
        return None
    for node in syntax.walk(stmt):
        sides = _opposite_differences(node)
        if sides is None or resolve(node.func) is not np.where:
            continue
        mask, (u, v) = node.args[0].id, sides
        kinds = [_recorded(arg) for arg in (node.args[0], node.args[1].left,
                                            node.args[1].right)]
        if None in kinds or kinds[0][2] != np.dtype(bool) or not kinds[0][1] \
                or kinds[1] != kinds[2] or kinds[1][1] != kinds[0][1] \
                or kinds[1][2] not in _SIGN_BIT:
            continue
        if _compared_before(block, k, mask, u, v, resolve):
            return node, (mask, u, v), _SIGN_BIT[kinds[1][2]]
    return None


def _opposite_differences(node: gast.AST) -> tuple[str, str] | None:
    """``(u, v)`` for a call ``f(c, u - v, v - u)`` of names, else None."""
    if not (isinstance(node, gast.Call) and len(node.args) == 3 and not node.keywords
            and isinstance(node.args[0], gast.Name)):
        return None
    first, second = node.args[1:]
    if not all(isinstance(side, gast.BinOp) and isinstance(side.op, gast.Sub)
               and isinstance(side.left, gast.Name) and isinstance(side.right, gast.Name)
               for side in (first, second)):
        return None
    u, v = first.left.id, first.right.id
    if u == v or second.left.id != v or second.right.id != u:
        return None
    return u, v


def _compared_before(block: list[gast.stmt], k: int, mask: str, u: str, v: str,
                     resolve: Callable) -> bool:
    """``mask = u > v`` (or ``v > u``, ``u < v``, ``v < u``) is in ``block`` before ``k``,
    and the statements between bind none of the three and change no array in place."""
    for i in range(k - 1, -1, -1):
        stmt = block[i]
        if syntax.is_comment(stmt):
            continue
        name = _binds_one_name(stmt, resolve)
        if name == mask:
            test = stmt.value
            return (isinstance(test, gast.Compare) and len(test.ops) == 1
                    and isinstance(test.ops[0], (gast.Gt, gast.Lt))
                    and isinstance(test.left, gast.Name)
                    and isinstance(test.comparators[0], gast.Name)
                    and {test.left.id, test.comparators[0].id} == {u, v})
        if name is None or name in (u, v):
            return False
    return False
