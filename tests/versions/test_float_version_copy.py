"""The float version's copy of the derivative (``versions/floats.py``): the helper calls that
are the identity on numbers are replaced while the body is cloned (``_SimplifiedCopy``, one
walk), which must give what cloning the derivative and then rewriting its calls bottom-up
gave (the slow twin below), annotations included, and find a call to replace exactly where
a walk of the original for one does."""
from __future__ import annotations

import math

import gast
import numpy as np
import pytest

import tangentlike
from tangentlike.core import anno, syntax
from tangentlike.versions import floats
from tangentlike.versions.rewriter import Rewriter


class _Simplify(Rewriter):
    """The slow twin: a clone's calls rewritten bottom-up."""

    def __init__(self, numbers: floats._Numbers):
        self.numbers = numbers

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        return floats._replacement(self.numbers, node) or node


def scalar(x, y):
    z = x * y + math.sin(x)
    return z * z


def straight(x, y):  # (benchmarks/gensize.py's "straight")
    t0, t1 = x, y
    t2 = 0.5 * t1 + 0.3 * math.sin(t0)
    t3 = 0.6 * t2 + 0.2 * x
    t4 = 0.4 * math.cos(t3) + 0.5 * t2 * y
    t5 = math.tanh(t4 + y) - 0.2 * t3
    t6 = 0.5 * t5 + 0.3 * math.sin(t4) if t5 > t4 else 0.2 * y
    return t6 + 0.1 * t5


def arrays(x, y):
    a = np.exp(x) * y + x / y
    b = np.tanh(a * x) - y ** 2
    return np.sum(a * b + x)


def loop(x, y):
    for _ in range(3):
        x = np.sin(x) * y + 0.5 * x
    return x * y


def _dump(node: gast.AST) -> list:
    """Every node's class, fields and annotation record, in walk order."""
    out = []
    for n in syntax.walk(node):
        record = anno.info(n).__dict__ if anno.has_info(n) else None
        out.append((n.__class__.__name__, gast.dump(n) if isinstance(n, gast.expr) else "",
                    repr(record)))
    return out


@pytest.mark.parametrize("f", [scalar, straight, arrays, loop])
def test_simplified_copy_equals_clone_then_rewrite(f) -> None:
    tangentlike.clear_cache()
    versions = tangentlike.grad(f, wrt=(0, 1)).specializer
    tree = versions.tree
    numbers = floats._Numbers(tree, set(versions.numbers), versions.scope)
    before = _dump(tree)
    copier = floats._SimplifiedCopy(numbers)
    fast = [copier.copy(s) for s in tree.body]
    slow = [_Simplify(numbers).visit(s) for s in syntax.clone(tree).body]
    assert [_dump(s) for s in fast] == [_dump(s) for s in slow]
    assert _dump(tree) == before  # the derivative is left as it was
    found = any(isinstance(n, gast.Call) and floats._replacement(numbers, n) is not None
                for n in syntax.walk(tree))
    assert (copier.replaced > 0) == found
    assert (copier.replaced > 0) == (f is not arrays)  # (NumPy calls: nothing to replace)


_NESTED = '''
def f(x):
    a = 1
    for i in range(3):
        if x:
            b = 2
        else:
            c = 3
    try:
        d = 4
    except ValueError:
        e = 5
    finally:
        g = 6
    with x:
        k = 7
    while x:
        n = 9
    else:
        o = 10
    match x:
        case 1:
            p = 11
'''


def test_statements_are_those_a_walk_finds() -> None:
    """``_Numbers`` takes the statements without a walk inside expressions: the same set."""
    trees = [syntax.parse(_NESTED).body[0]]
    for f in (scalar, straight, loop):
        tangentlike.clear_cache()
        trees.append(tangentlike.grad(f, wrt=(0, 1)).specializer.tree)
    for tree in trees:
        walked = [n for n in syntax.walk(tree) if isinstance(n, gast.stmt) and n is not tree]
        assert sorted(map(id, floats._statements(tree))) == sorted(map(id, walked))
