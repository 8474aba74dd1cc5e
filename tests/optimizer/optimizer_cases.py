"""Functions the optimizer's shortcut tests differentiate (each shortcut is checked against
the plain form it replaces inside real optimizations of these), and the fixture that makes
each derivative generated rather than found in a cache."""
from __future__ import annotations

from collections.abc import Iterator

import gast
import pytest

import tangentlike
from tangentlike.core import anno, syntax


def generated_function(source: str) -> gast.FunctionDef:
    """The function ``source`` defines, every statement marked generated (as the optimizer
    sees the derivative's own statements)."""
    fn = syntax.parse_stmts(source)[0]
    for node in gast.walk(fn):
        if isinstance(node, gast.stmt):
            anno.info(node).generated = True
    return fn


def chained(n: int) -> str:
    """``n - 2`` conditional expressions, each on the two values before it."""
    return "\n".join(
        ["def chained(x, y):", "    t0 = x", "    t1 = y"]
        + [f"    t{i} = 0.6 * t{i - 1} + 0.3 * x if t{i - 1} > t{i - 2} "
           f"else 0.5 * math.sin(t{i - 2}) + 0.2 * y" for i in range(2, n)]
        + [f"    return t{n - 1} + 0.1 * t{n - 2}"])


def straight(n: int, line: str = "0.5 * t{a} + 0.3 * math.sin(t{b}) * y") -> str:
    """``n - 2`` straight-line assignments ``t{i} = line`` (``a``, ``b``: the two before)."""
    return "\n".join(
        ["def straight(x, y):", "    t0 = x", "    t1 = y"]
        + [f"    t{i} = " + line.format(a=i - 1, b=i - 2) for i in range(2, n)]
        + [f"    return t{n - 1}"])


LOOPS = '''
def loops(x, w):
    s = 0.0
    for i in range(3):
        t = x * w
        if t > s:
            s = s + np.sin(t) * w
        else:
            u = t * t
            s = s - u * w
    while s > 10.0:
        s = s / 2.0
    return s * x
'''

SHARED = '''
def shared(a, b):
    h = np.tanh(a * b)
    g = np.sum(h * h + a)
    return g * (1.0 - h * h)
'''


NESTED = '''
def nested(x, w):
    s = 0.0
    for i in range(3):
        t = x * w
        for j in range(2):
            u = t * w
            while u > 4.0:
                u = u / 2.0
            s = s + np.sin(u) * t
        v = s * x
        s = s - v * 0.1
    return s * x
'''

IFEXP = "\n".join(
    ["import math", "", "", "def ifexp(x, y):", "    t0 = x", "    t1 = y"]
    + [f"    t{i} = 0.6 * t{i - 1} + 0.3 * x if t{i - 1} > t{i - 2} else "
       f"0.5 * math.sin(t{i - 2}) + 0.2 * y" for i in range(2, 14)]
    + ["    return t13 + 0.1 * t12", ""])

# The functions the optimizer's shortcut sweeps check each shortcut over (the twelfth,
# thirteenth and fifteenth rounds'): straight-line code, a chain, loops and ifs, a shared
# value, conditional expressions, nested loops.
SWEPT_FUNCTIONS = [("chained", chained(10)), ("straight", straight(20)), ("loops", LOOPS),
                   ("shared", SHARED), ("ifexp", IFEXP), ("nested", NESTED)]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Iterator[None]:
    """A cache directory of the test's own, and no derivative generated before."""
    monkeypatch.setenv("TANGENTLIKE_CACHE_DIR", str(tmp_path / "cache"))
    tangentlike.clear_cache()
    yield
    tangentlike.clear_cache()
