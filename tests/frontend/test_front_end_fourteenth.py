"""The front end's shortcuts of the fourteenth round (issue 18 item 5) give what they
replace: ``shared_values.walked``'s names by context against the two passes over its
names that ``pipeline._normalized`` made.
"""
from __future__ import annotations

from collections import Counter

import gast
from support import functions_of_test_modules

from tangentlike.core import syntax
from tangentlike.core.naming import Namer
from tangentlike.frontend import parsing
from tangentlike.frontend.normalize import normalize
from tangentlike.frontend.shared_values import walked


def _by_context(names: list[gast.Name]) -> tuple[Counter, set[str]]:
    """What ``_normalized`` computed from the walk's names: each name's bindings (a Store or
    a parameter) and the names read and not bound."""
    bindings = Counter(n.id for n in names if isinstance(n.ctx, (gast.Store, gast.Param)))
    free = {n.id for n in names if n.ctx.__class__ is gast.Load} - set(bindings)
    return bindings, free


def test_walked_names_by_context() -> None:
    """The ids read and bound that ``walked`` keeps give ``_normalized``'s bindings (the
    same counts, in the same order) and free names, on every test function, parsed and
    normalized, and on a hand-made one (a parameter, ``del``, an augmented assignment, a
    nested function, a lambda, a comprehension, an annotated parameter)."""
    nodes = [syntax.parse(
        "def h(a, b: int = 1):\n"
        "    c = a\n"
        "    c += b\n"
        "    del b\n"
        "    def g(x):\n"
        "        return x + c\n"
        "    k = lambda y: y * a\n"
        "    return [g(z) + k(z) for z in (a, c)]\n").body[0]]
    for f in functions_of_test_modules():
        parsed = parsing.parse_function(f)
        nodes.append(syntax.clone(parsed.node))
        try:
            nodes.append(normalize(parsed, Namer(syntax.all_names(parsed.node))))
        except Exception:  # noqa: BLE001  (a refusal: the parsed tree is enough)
            continue
    stored = 0
    for node in nodes:
        walk = walked(node)
        bindings, free = _by_context(walk.names)
        fast = Counter(walk.stores)
        assert list(fast.items()) == list(bindings.items()), syntax.dump(node)
        assert set(walk.loads) - set(fast) == free, syntax.dump(node)
        assert len(walk.loads) == sum(n.ctx.__class__ is gast.Load for n in walk.names)
        stored += len(walk.stores)
    assert len(nodes) > 500 and stored > 5000
