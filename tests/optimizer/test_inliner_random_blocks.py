"""The inliner on random straight-line blocks whose temporaries are assigned several times
(so that its last-read test, on liveness worked out once per round, decides), read once or
twice, by later values and by the returned one: the optimized function computes the same
floats, bit for bit, as the function as written, and every name it reads is bound before.

The liveness an inliner's round computes at its first need is used for the rest of the
round, after inlinings of the same round moved reads (``optimize._Inliner.round``); the
argument that this is sound (the reads of a value move only between it and its first
reader, where no other temporary's first reader can be) is what these blocks exercise."""
from __future__ import annotations

import math
import random

import pytest

from tangentlike.backend import emit
from tangentlike.core import anno, syntax
from tangentlike.optimizer import optimize as optimizer

TEMPORARIES = [f"t{k}" for k in range(5)]
FORMS = ["{a} * {b}", "{a} + {b}", "{a} - {b}", "math.sin({a}) * {b}", "({a} + 1.0) * {b}",
         "math.tanh({a} - {b})"]


def _block(rng: random.Random) -> str:
    """A function of ``x, y``: 6-14 assignments to five temporaries (each read only once
    bound), then a return of two of them and ``x``."""
    bound = ["x", "y"]
    lines = ["def f(x, y):"]
    for _ in range(rng.randint(6, 14)):
        target = rng.choice(TEMPORARIES)
        form = rng.choice(FORMS)
        lines.append(f"    {target} = " + form.format(a=rng.choice(bound), b=rng.choice(bound)))
        if target not in bound:
            bound.append(target)
    lines.append(f"    return {rng.choice(bound)} * 0.5 + {rng.choice(bound)} - x")
    return "\n".join(lines) + "\n"


def _run(source: str, x: float, y: float) -> float:
    env: dict = {"math": math}
    exec(source, env)  # noqa: S102 - the test's own generated code
    return env["f"](x, y)


@pytest.mark.parametrize("seed", range(40))
def test_inlining_keeps_every_value(seed: int) -> None:
    rng = random.Random(seed)
    changed = 0
    for _ in range(25):
        source = _block(rng)
        fn = syntax.parse_stmts(source)[0]
        for stmt in fn.body:
            anno.info(stmt).generated = True
        changed += optimizer.inline_temporaries(fn, set(TEMPORARIES), to_fixed_point=True)
        text = emit.to_source(fn)
        for x, y in ((0.3, -1.2), (1.7, 0.4), (-0.8, 2.5)):
            want = _run(source, x, y)
            got = _run(text, x, y)  # (a read of a removed definition raises NameError)
            assert got == want or (math.isnan(got) and math.isnan(want)), (source, text)
    assert changed, "no block of this seed was inlined: the test would check nothing"
