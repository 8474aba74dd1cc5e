"""``emit.to_source`` converts a tree to printable ``ast`` in one pass
(``_Printable.convert``): the same text as the two passes it replaces (``to_ast``, then the
``_Printable`` transformer over the copy), the reference here, for every function emitted
while generating derivatives of the test functions (several options), and for trees made
to hold each case the printer changes."""
from __future__ import annotations

import ast
import importlib
import inspect

import gast
import pytest

import tangentlike
from tangentlike.backend import emit
from tangentlike.core import syntax


def _two_passes(node: gast.AST) -> str:
    """``to_source`` as it was: ``to_ast``, then the transformer, then the same printing."""
    printable = emit._Printable()
    tree = printable.visit(emit.to_ast(node))
    if tree is None:
        return ""
    lines: list[str] = []
    for line in ast.unparse(emit._numbered(tree)).splitlines():
        match = emit._COMMENT_LINE.match(line)
        if match:
            if lines and lines[-1].strip() and not lines[-1].endswith(":"):
                lines.append("")
            line = f"{match.group(1)}# {printable.comments[int(match.group(2))]}"
        else:
            while emit._TUPLE_NAME.search(line):
                line = emit._TUPLE_NAME.sub(lambda m: printable.tuples[int(m.group(1))], line)
        lines.append(line.rstrip())
    return "\n".join(lines).strip("\n") + "\n"


OPTIONS = [{}, {"optimized": False}, {"motion": "split"}, {"mode": "forward"}]


@pytest.mark.parametrize("module", ["golden_functions", "control_flow_functions",
                                    "golden_try_functions", "containers_functions"])
def test_emitted_functions_print_as_with_two_passes(module, monkeypatch):
    emitted = []
    one_pass, printed = emit.to_source, emit.printed

    def both(node):
        want = _two_passes(node)
        got = one_pass(node)
        emitted.append((got, want))
        return got

    def both_printed(node):  # the pipeline's: the text, and the names gathered
        want = _two_passes(node)
        got, seen = printed(node)
        emitted.append((got, want))
        return got, seen

    monkeypatch.setattr(emit, "to_source", both)
    monkeypatch.setattr(emit, "printed", both_printed)
    tangentlike.clear_cache()
    functions = importlib.import_module(module)
    for name, f in sorted(vars(functions).items()):
        if not inspect.isfunction(f) or f.__module__ != functions.__name__:
            continue
        for options in OPTIONS:
            try:
                tangentlike.autodiff(f, **options)
            except tangentlike.TangentlikeError:
                pass  # a refusal: what was emitted before it is still compared
    assert len(emitted) >= 4  # (every option: one function emitted, two when split)
    for got, want in emitted:
        assert got == want


def _function(body_source: str, comments: dict[int, str]) -> gast.FunctionDef:
    fn = syntax.parse(f"def f(a, b=-1.5, *, c=-2):\n{body_source}").body[0]
    for index, text in sorted(comments.items(), reverse=True):
        fn.body.insert(index, syntax.comment(text))
    return fn


CASES = [
    ("    x = -1.0 ** a\n    return x, -b\n", {0: "Grad of: x", 1: ""}),
    ("    for i, v in a:\n        pass\n    return (a,)\n", {}),
    ("    y = [u for u, w in a]\n    p, q = q, p\n    return p\n", {1: "a comment"}),
    ("    try:\n        t = (-3, a)\n    except ValueError as e:\n        t = (e, -4.0)\n"
     "    return t\n", {}),
    ("    if a:\n        pass\n    else:\n        z = a\n    return (-1) ** a\n", {}),
    ("    (x := a)\n    return -0.0, float('nan'), -float('inf')\n", {0: "x"}),
    # runs of direct lines joined (``_Printable._joined``): comments one after another,
    # first in the block, between statements, after a block and last
    ("    x = a\n    y = x\n    if a:\n        x = b\n        y = a\n    z = y\n    return z\n",
     {0: "first", 1: "second", 3: "between", 4: "", 5: "after the block", 7: "last"}),
]


@pytest.mark.parametrize("body_source, comments", CASES)
def test_printer_cases_print_as_with_two_passes(body_source, comments):
    fn = _function(body_source, comments)
    fn.body[-2:-2] = [syntax.comment("")]  # an empty comment: no line
    branch = gast.If(test=syntax.load("a"), body=[syntax.comment("")], orelse=[])
    fn.body.insert(0, branch)  # a block whose only line was an empty comment: ``pass``
    power = gast.BinOp(left=syntax.const(-1.0), op=gast.Pow(), right=syntax.load("a"))
    pair = syntax.tuple_of([syntax.const(-2), syntax.const(-0.0), power])
    fn.body.insert(1, syntax.assign("n", pair))  # folded negative numbers: ``(-1.0) ** a``
    got = emit.to_source(fn)
    assert got == _two_passes(fn)
    compile(got, "<emitted>", "exec")


def test_an_empty_comment_alone_prints_nothing():
    assert emit.to_source(syntax.comment("")) == "" == _two_passes(syntax.comment(""))
