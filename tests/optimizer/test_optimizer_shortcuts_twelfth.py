"""Shortcuts of the optimizer's twelfth round (issue 18 item 5) against the plain forms they
replace: constant folding passes over a statement none of whose nodes a fold starts from
(``fold.FOLD_SEEDS``, tests of the node and its children, no longer any constant): every
statement the walk finds no seed in is one ``FoldConstants`` leaves as it is.  (Inside real
optimizations the eighth round's test checks the same of every statement folding skips.)"""
from __future__ import annotations

import itertools

import pytest

from tangentlike.core import anno, dataflow, syntax
from tangentlike.optimizer import optimize as optimizer

LEAVES = ["a", "0", "1", "-1", "0.0", "1.0", "2.0", "True", "None", "'s'", "()", "(1, 2)"]
BINARY = ["+", "-", "*", "/", "**", "//", "%"]
SHAPES = ["{x} {op} {y}", "-({x} {op} {y})", "{x} {op} -{y}", "-(-{x})", "{x} if {y} else b",
          "{x} or {y}", "{x} == {y}", "{x} is {y}", "f({x}, k={y})", "-({x} * b * {y})",
          "{x} * b {op} {y}", "not {x}"]


def _samples() -> list[str]:
    lines = []
    for shape, x, y in itertools.product(SHAPES, LEAVES, LEAVES):
        for op in BINARY if "{op}" in shape else [None]:
            lines.append("z = " + shape.format(x=x, y=y, op=op))
    return lines


def _check(line: str, generated: bool) -> bool:
    """Whether the walk notes a seed in ``line``; asserts that a statement without one does
    not fold (the plain form: folding it)."""
    stmt = syntax.parse_stmts(line)[0]
    anno.info(stmt).generated = generated
    seeded = dataflow.StatementFacts().may_fold(stmt)
    copy = syntax.clone(stmt)
    folded = optimizer._fold(copy)
    assert seeded or not folded, line
    if not seeded:
        assert syntax.dump(copy) == syntax.dump(stmt), line
    return seeded


@pytest.mark.parametrize("generated", [True, False])
def test_a_statement_without_a_seed_does_not_fold(generated: bool) -> None:
    results = [_check(line, generated) for line in _samples()]
    assert any(results) and not all(results)  # (both kinds met)


@pytest.mark.parametrize("line, seeded", [
    ("z = 0.4 * b", False), ("z = b * (1.0 - c * c)", False), ("z = -f(b)", False),
    ("z = b > c", False), ("z = np.sum(b, axis=1)", False), ("z = b if c else 1.0", False),
    ("z = b * 1", True), ("z = 1.0 * b", True), ("z = b * -1", True), ("z = b / 1.0", True),
    ("z = b ** 1", True), ("z = b + 0", True), ("z = 0.0 + b", True), ("z = b - 0", True),
    ("z = b - -c", True), ("z = 2.0 * 3.0", True), ("z = -(-b)", True), ("z = -2.0", True),
    ("z = -(2.0 * b * c)", True), ("z = () == ()", True), ("z = b if True else c", True),
    ("z = True or False", True)])
def test_samples(line: str, seeded: bool) -> None:
    assert _check(line, True) is seeded
