"""Shortcuts of the optimizer's twelfth round (issue 18 item 5) against the plain forms they
replace: constant folding passes over a statement none of whose nodes a fold starts from
(``fold.FOLD_SEEDS``, tests of the node and its children, no longer any constant): every
statement the walk finds no seed in is one ``FoldConstants`` leaves as it is.  (Inside real
optimizations the eighth round's test checks the same of every statement folding skips.)"""
from __future__ import annotations

import itertools
import random

import pytest
from optimizer_cases import IFEXP, LOOPS, NESTED, SHARED, chained, fresh_cache, straight  # noqa: F401
from support import make_function
from test_inliner_random_blocks import _block

import tangentlike
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


EARLY = '''
def early(x, y):
    t = x * y
    s = t * 2.0
    if x > 0.5:
        u = s * t
        if y > 0.0:
            return u * t + s
        s = u - t
    for i in range(2):
        s = s * t + 0.1
    v = t + s
    return v * x
'''


LIVE_FUNCTIONS = [("chained", chained(12), {}), ("straight", straight(30), {}),
                  ("ifexp", IFEXP, {}), ("loops", LOOPS, {}), ("nested", NESTED, {}),
                  ("shared", SHARED, {}), ("early", EARLY, {}),
                  ("nested_forward", NESTED, {"mode": "forward"}),
                  ("nested_split", NESTED, {"motion": "split"})]


def _check_live_after(monkeypatch) -> dict[str, int]:
    """Check each answer of ``live_after`` against the liveness of the round's first
    question (what the inliner read before) as the inliner makes it; counts of answers."""
    fast_round, fast_live_after = optimizer._Inliner.round, optimizer._BlockIndex.live_after
    state: dict = {}
    seen = {"answered": 0, "undecided": 0}

    def round_(self):
        state["inliner"], state["snapshot"] = self, None
        return fast_round(self)

    def live_after(self, j, name):
        got = fast_live_after(self, j, name)
        inliner = state["inliner"]
        if state["snapshot"] is None:
            liveness = dataflow.Liveness(inliner.facts)
            for other in inliner.indexes:
                other.share_facts(liveness, current=other is self)
            state["snapshot"] = liveness.after_all(inliner.fn)
        if got is None:
            seen["undecided"] += 1
        else:
            assert got == (name in state["snapshot"][id(self.block[j])]), name
            seen["answered"] += 1
        return got

    monkeypatch.setattr(optimizer._Inliner, "round", round_)
    monkeypatch.setattr(optimizer._BlockIndex, "live_after", live_after)
    return seen


@pytest.mark.parametrize("label, source, options", LIVE_FUNCTIONS,
                         ids=[f[0] for f in LIVE_FUNCTIONS])
@pytest.mark.usefixtures("fresh_cache")
def test_liveness_read_off_the_index_agrees(label, source, options, monkeypatch) -> None:
    """Every answer of ``_BlockIndex.live_after`` (the inliner's "is the value dead after
    its reader") inside real optimizations."""
    seen = _check_live_after(monkeypatch)
    tangentlike.autodiff(make_function(source), **options)
    if label in ("chained", "straight", "ifexp", "early"):
        assert seen["answered"], seen


@pytest.mark.parametrize("seed", range(20))
def test_liveness_read_off_the_index_on_random_blocks(seed: int, monkeypatch) -> None:
    """The same on the random blocks of ``test_inliner_random_blocks`` (temporaries bound
    several times, read once or twice: the last-read test decides)."""
    seen = _check_live_after(monkeypatch)
    rng = random.Random(seed)
    for _ in range(25):
        fn = syntax.parse_stmts(_block(rng))[0]
        for stmt in fn.body:
            anno.info(stmt).generated = True
        optimizer.inline_temporaries(fn, {f"t{k}" for k in range(5)}, to_fixed_point=True)
    assert seen["answered"]


# Each: a temporary t0 read once by t1's value and bound again after it (so the last-read
# test asks whether it is live after t1), then statements with bodies in the way.
AROUND_BODIES = {
    "bound in both branches": "if x > 0.0:\n    t0 = y\nelse:\n    t0 = x\nreturn t0 * t1",
    "bound in one branch": "if x > 0.0:\n    t0 = y\nreturn t0 * t1",
    "read in a branch": "if x > 0.0:\n    y = t0\nt0 = x\nreturn y * t1",
    "not mentioned": "if x > 0.0:\n    y = x * 2.0\nt0 = y\nreturn t0 * t1",
    "a return in a branch": "if x > 0.0:\n    return t1\nreturn t1 * 2.0",
    "returns in both": "if x > 0.0:\n    return t1\nelse:\n    return y\nreturn t0",
    "in a loop": "for i in range(2):\n    y = y * t0\nt0 = y\nreturn t0 * t1",
    "in a branch": ("if x > 0.0:\n    t0 = x * y\n    t1 = math.sin(t0)\n    t0 = t1 * x\n"
                    "    y = t0\nelse:\n    t1 = x\nreturn t0 * t1 + y"),
}


@pytest.mark.parametrize("label", list(AROUND_BODIES))
def test_liveness_read_off_the_index_around_statements_with_bodies(label: str,
                                                                   monkeypatch) -> None:
    rest = AROUND_BODIES[label]
    lines = ["def f(x, y):", "    t0 = x * y", "    t1 = math.sin(t0)", "    t0 = x + y",
             "    t2 = t0 * x", "    y = t2 + y"]
    lines += ["    " + line for line in rest.split("\n")]
    source = "\n".join(lines) + "\n"
    seen = _check_live_after(monkeypatch)
    fn = syntax.parse_stmts(source)[0]
    for stmt in syntax.statements(fn.body, with_bodies=True):
        anno.info(stmt).generated = True
    optimizer.inline_temporaries(fn, {"t0", "t1", "t2"}, to_fixed_point=True)
    assert seen["answered"] + seen["undecided"], seen
