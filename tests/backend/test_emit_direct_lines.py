"""``emit._line`` (simple statements printed without ``ast``) against ``ast.unparse`` of the
converted statement, the path every statement took before (``_LINE_STATEMENTS`` emptied)."""
from __future__ import annotations

from pathlib import Path

import gast
import pytest

from tangentlike.backend import emit
from tangentlike.core import syntax

_ROOT = Path(__file__).resolve().parents[2]
_SOURCES = sorted([*(_ROOT / "tangentlike").rglob("*.py"),
                   *(_ROOT / "tests").glob("*_functions.py")])

_EXPRESSIONS = '''
def f(x, y, *a, **k):
    z = -1.0 ** 2 + (-1.0) ** x - x ** -2 + 2 ** 3 ** 4 + (2 ** 3) ** 4
    a, b = b, a
    (a,) = (b,)
    x[1:2, ::3] = y[a, :, None] @ z[(), 1:] % 3 // 4 << 1 | 2 ^ 3 & 4 >> 1
    x.y.z = 1 .real + 1.0.real + (-1).real + f(*a, **k, z=3)[0] + True .real
    q = not a and b or c and not (d or e) and (a if b else c if d else e)
    q = q if x < y <= z is not w else (lambda: 1)
    r = -x + +y - ~z * (a - b) - (a + b) - a - (b - c) + -(-x) + (not x) * 2
    s = (a, *b), [a, *b], (), (1,), 'a"b', "it's", b'x', None, True, ...
    s = 1e400, -1e400, 3j, -0.0, -0, float('nan')
    t = a < (b < c) in d not in e, x[(a, *b)], x[()], x[(1, 2)], x[1:], x[:, None]
    x += y * 2
    x[0] -= (y, z)
    f(x)
    (yield x)
    z = (yield)
    u = x, (y, z), (yield w)
    return a, b
'''


def _both(tree: gast.AST, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    direct = emit.to_source(tree)
    with monkeypatch.context() as patch:
        patch.setattr(emit, "_LINE_STATEMENTS", frozenset())
        reference = emit.to_source(tree)
    return direct, reference


class _NegativeConstants(gast.NodeTransformer):
    """``-1.5`` as one constant, as folding makes it (printed ``-1.5`` or ``(-1.5)``)."""

    def visit_UnaryOp(self, node: gast.UnaryOp) -> gast.expr:
        self.generic_visit(node)
        operand = node.operand
        if (isinstance(node.op, gast.USub) and isinstance(operand, gast.Constant)
                and type(operand.value) in (int, float)):
            return gast.Constant(value=-operand.value, kind=None)
        return node


@pytest.mark.parametrize("negative", [False, True])
def test_expressions_print_as_ast_unparse(negative: bool, monkeypatch: pytest.MonkeyPatch):
    tree = syntax.parse(_EXPRESSIONS)
    if negative:
        tree = _NegativeConstants().visit(tree)
    direct, reference = _both(tree, monkeypatch)
    assert direct == reference
    assert "(-1.0) ** x" in direct and "1 .real" in direct


def test_direct_lines_are_used():
    printable = emit._Printable()
    printable.convert(syntax.parse("def f(x):\n    y = x * -2.0\n    return y, x\n"))
    assert printable.runs[0] == [(False, "y = x * -2.0"), (False, "return y, x")]


@pytest.mark.parametrize("path", _SOURCES, ids=lambda p: p.name)
def test_modules_print_as_ast_unparse(path: Path, monkeypatch: pytest.MonkeyPatch):
    tree = syntax.parse(path.read_text(encoding="utf-8"))
    direct, reference = _both(tree, monkeypatch)
    assert direct == reference
