"""Tuples read only by their items: ``t = a, b, c`` read only as ``t[1]`` becomes one name
per item read, ``t_1 = b``, read as ``t_1``; an item copied right after the tuple is made
(``x = t[1]``) is bound to its name at once (``x = b``); an item never read goes.

A tuple display builds a tuple object whose items are the values its elements had when it
was built; ``t[k]`` (``k`` an integer literal) reads one of them back.  Binding each item to
a name of its own, at the same place and in the same order, evaluates the same expressions
in the same order, and each ``t[k]`` read becomes the name that holds the very object the
tuple would have held: an element's name rebound later, or an array written in place later,
reaches the items exactly as it reaches the tuple's.  The tuple itself is no longer built
(in a loop of small arrays, the tuple and the slices nobody reads cost as much as a NumPy
call: the adjoint of a join, ``bt = bu[0:1], bu[1:999], bu[999:1000]`` in S1, of which only
``bt[1]`` is read once the end pieces went back into the old adjoint, ``bu = bu.copy()``).

Only where the name is bound by that one statement in the whole function (no other
binding, no parameter, no nested function, no ``global`` or ``nonlocal``, no ``try``: an
item bound before a later element raises would be seen), by a generated display without
``*``, and every read of it is ``t[k]`` with ``k`` within the tuple: a read of the whole
tuple (a call's argument, ``len(t)``, a return), an index that is not a literal, or a slice
keeps it as it is.  A copy ``x = t[k]`` is bound at the tuple only where it follows it
directly (only such copies in between), ``t[k]`` is its item's only read, and no element
reads ``x`` (bound before the later elements are evaluated, it would change them).  An item
never read goes where its statement would be dead code's to drop (:func:`is_pure`: a
generated statement).

The versions by shape run it last (``versions/lower.py``, after ``accumulate_in_place``,
whose copy of a joined adjoint reads the tuple of cuts): no optimizer run follows.
"""
from __future__ import annotations

import gast

from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer.dead_code import is_pure


def split_tuples(fn: gast.FunctionDef) -> bool:
    """Bind the items of each tuple display read only as ``t[k]`` to names of their own
    (see the module).  True if anything changed."""
    candidates: dict[str, gast.Assign] = {}
    for stmt in syntax.statements(fn.body, with_bodies=True):
        if isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Global,
                             gast.Nonlocal, gast.Try)):
            return False
        if (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Tuple) and stmt.value.elts
                and not any(isinstance(e, gast.Starred) for e in stmt.value.elts)
                and anno.info(stmt).generated and not anno.info(stmt).keep
                and anno.info(stmt).saves is None):
            candidates[stmt.targets[0].id] = stmt
    if not candidates:
        return False
    counts = dataflow.definition_counts(fn)
    args = fn.args
    star = {a.id for a in (args.vararg, args.kwarg) if a is not None}
    candidates = {name: stmt for name, stmt in candidates.items()
                  if counts.get(name) == 1 and name not in star}
    reads = _item_reads(fn, candidates)
    if not reads:
        return False
    names = syntax.all_names(fn)
    for block in syntax.blocks(fn.body):
        at = 0
        while at < len(block):
            stmt = block[at]
            found = reads.get(id(stmt))
            if found is None:
                at += 1
                continue
            split, copies = _split(stmt, block, at, found, names)
            block[at:at + 1 + copies] = split
            at += len(split)
    return True


def _split(stmt: gast.Assign, block: list[gast.stmt], at: int,
           found: list[tuple[gast.AST, gast.Subscript]], names: set[str]
           ) -> tuple[list[gast.stmt], int]:
    """The statements that bind ``stmt``'s items read (``block[at]``, its reads ``found``),
    and how many copies right after it they take the place of."""
    name, elts = stmt.targets[0].id, stmt.value.elts
    by_item: dict[int, list[tuple[gast.AST, gast.Subscript]]] = {}
    for parent, read in found:
        by_item.setdefault(read.slice.value % len(elts), []).append((parent, read))
    read_by_elements = set().union(*(syntax.loaded_names(e) for e in elts))
    direct: dict[int, str] = {}  # item -> the name of the copy right after the tuple
    copies = 0
    for later in block[at + 1:]:
        value = getattr(later, "value", None)
        if not (isinstance(later, gast.Assign) and len(later.targets) == 1
                and isinstance(later.targets[0], gast.Name)
                and isinstance(value, gast.Subscript) and syntax.is_name(value.value, name)):
            break
        k = value.slice.value % len(elts)
        target = later.targets[0].id
        if (len(by_item[k]) != 1 or k in direct or target == name
                or target in read_by_elements or target in direct.values()):
            break
        direct[k] = target
        copies += 1
    split: list[gast.stmt] = []
    for k, elt in enumerate(elts):
        if k not in by_item:
            item = syntax.assign(f"{name}_{k}", elt)
            _note_like(item, stmt)
            if is_pure(item):
                continue  # never read: dead code
            item_name = _fresh(names, f"{name}_{k}")
        elif k in direct:
            item_name = direct[k]
        else:
            item_name = _fresh(names, f"{name}_{k}")
        item = syntax.assign(item_name, elt)
        _note_like(item, block[at + 1 + list(direct).index(k)] if k in direct else stmt)
        split.append(item)
        if k in direct:
            continue
        for parent, read in by_item.get(k, ()):
            new = syntax.load(item_name)
            if anno.has_info(read):  # (what the instrumented run recorded of the item)
                anno.info(new).__dict__.update(anno.info(read).__dict__)
            syntax.replace_child(parent, read, new)
    return split, copies


def _note_like(new: gast.Assign, old: gast.Assign) -> None:
    """Give ``new`` the notes of ``old`` that say where it comes from and who wrote it."""
    record = anno.info(old)
    anno.info(new).__dict__.update(origin=record.origin, generated=record.generated,
                                   active=record.active)


def _item_reads(fn: gast.FunctionDef, candidates: dict[str, gast.Assign]
                ) -> dict[int, list[tuple[gast.AST, gast.Subscript]]]:
    """For each candidate's statement (by id) whose name is read only as ``t[k]`` (``k`` an
    integer literal within the tuple), those reads, each with its parent."""
    reads: dict[str, list[tuple[gast.AST, gast.Subscript]]] = {
        name: [] for name in candidates}
    spoiled: set[str] = set()
    parents = syntax.parents(fn)
    for node in syntax.walk(fn):
        if not (isinstance(node, gast.Name) and node.id in reads):
            continue
        if not isinstance(node.ctx, gast.Load):
            if node is not candidates[node.id].targets[0]:
                spoiled.add(node.id)  # (a ``del t``, or a binding definition_counts missed)
            continue
        parent = parents.get(id(node))
        size = len(candidates[node.id].value.elts)
        if not (isinstance(parent, gast.Subscript) and parent.value is node
                and isinstance(parent.ctx, gast.Load)
                and isinstance(parent.slice, gast.Constant)
                and type(parent.slice.value) is int and -size <= parent.slice.value < size):
            spoiled.add(node.id)
            continue
        reads[node.id].append((parents[id(parent)], parent))
    return {id(candidates[name]): found for name, found in reads.items()
            if name not in spoiled}


def _fresh(names: set[str], stem: str) -> str:
    name, k = stem, 1
    while name in names:
        name, k = f"{stem}_{k}", k + 1
    names.add(name)
    return name
