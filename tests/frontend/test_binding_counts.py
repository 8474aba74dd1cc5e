"""``lifting.binding_counts`` (one walk with each node class looked up once) gives the same
counts, in the same order, as the walk it replaced (written out here as the reference), on
every function of the test modules and every function nested in them."""
from __future__ import annotations

import gast
from support import functions_of_test_modules

from tangentlike.core import syntax
from tangentlike.frontend import lifting, parsing
from tangentlike.frontend.lifting import params_of


def _reference(fn: gast.FunctionDef) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in params_of(fn.args):
        counts[p.id] = counts.get(p.id, 0) + 1
    todo = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, gast.FunctionDef):
            counts[node.name] = counts.get(node.name, 0) + 1
            continue
        if isinstance(node, gast.Lambda):
            continue
        if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
        if isinstance(node, gast.comprehension):
            for name in syntax.stored_names(node.target):
                counts[name] = counts.get(name, 0) + 1
        if isinstance(node, (gast.For, gast.While)):
            for name in syntax.stored_names(gast.Module(body=node.body, type_ignores=[])):
                counts[name] = counts.get(name, 0) + 1
        todo += syntax.child_nodes(node)
    return counts


def test_the_same_counts_in_the_same_order() -> None:
    checked = 0
    for func in functions_of_test_modules():
        try:
            node = parsing.parse_function(func).node
        except Exception:  # noqa: BLE001  (a function the parser refuses has no counts)
            continue
        for fn in (n for n in gast.walk(node) if isinstance(n, gast.FunctionDef)):
            got, want = lifting.binding_counts(fn), _reference(fn)
            assert list(got.items()) == list(want.items()), fn.name
            checked += 1
    assert checked > 400
