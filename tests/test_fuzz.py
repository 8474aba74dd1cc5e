"""Random programs (tests/fuzz.py) differentiated in reverse mode, forward mode and as
Hessian-vector products, each derivative called three times, against central finite
differences and the primal invariant (the value returned equals ``f(x, y)`` exactly).

Hypothesis draws every choice of the generator (``derandomize=True``: the same programs on
every run).  The programs are split into chunks by the shape and dtype of ``x`` so that
pytest-xdist spreads them over the workers: 36 checked programs in the default run (every
third chunk: both shapes and dtypes); the other 72 of those chunks, 816 more of the same sizes
and 2,000 longer ones in the slow run (``-m slow``).  A refusal (a
``TangentlikeError`` naming the user's file and line) passes; a wrong number, a crash or an
error without a location fails, with the program's source in the message.  A program with a
kink within ``fuzz.MARGIN`` of the point is rejected (``assume``).  Shrinking is off: a
failing program is printed whole, and ``python tests/fuzz.py`` runs long campaigns.
"""
from __future__ import annotations

import fuzz
import pytest
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import strategies as st

PER_CHUNK = 9  # 12 chunks (small, so the workers spread them): 108 programs (with
# slices, masks and versions by shape a program takes about 1.5x longer than before)
MORE_PER_CHUNK = 68  # the slow run: the same chunks again, other programs (816)
_KINDS = [((3,), "float64", 5), ((2, 3), "float64", 5), ((3,), "float32", 4),
          ((2, 3), "float32", 4), ((3,), "float64", 7), ((2, 3), "float64", 7)]
CHUNKS = _KINDS + [(shape, dtype, size + 1) for shape, dtype, size in _KINDS]
CHUNK_IDS = [f"{len(shape)}d-{dtype[-2:]}-{size}" for shape, dtype, size in CHUNKS]
DEFAULT_CHUNKS = [pytest.param(i, id=name, marks=[] if i % 3 == 0 else [pytest.mark.slow])
                  for i, name in enumerate(CHUNK_IDS)]  # every third chunk by default
LONG_PER_CHUNK = 250  # the slow run: 8 chunks of longer programs, 2,000 more
LONG_CHUNKS = [((3,), "float64", 9), ((2, 3), "float64", 9), ((3,), "float32", 9),
               ((2, 3), "float32", 9), ((3,), "float64", 12), ((2, 3), "float64", 12),
               ((3,), "float64", 6), ((2, 3), "float32", 6)]

SETTINGS = dict(derandomize=True, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def _check_random_program(chunks: list, chunk: int, data: st.DataObject) -> None:
    x_shape, dtype, size = chunks[chunk]
    program = fuzz.generate(fuzz.DrawChooser(data.draw), size, x_shape, dtype)
    note(program.describe())
    assume(fuzz.known_wrong(program) is None)  # tracked as a strict xfail instead
    report = fuzz.check(program)
    assume(not report.skipped)
    failures = report.failures()
    assert not failures, program.describe() + "\n" + "\n".join(
        f"{mode}: {report.status[mode]}: {detail}" for mode, detail in failures.items())


@pytest.mark.parametrize("chunk", DEFAULT_CHUNKS)
@settings(max_examples=PER_CHUNK, **SETTINGS)
@given(data=st.data())
def test_random_programs(chunk: int, data: st.DataObject) -> None:
    _check_random_program(CHUNKS, chunk, data)


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(len(CHUNKS)), ids=CHUNK_IDS)
@settings(max_examples=MORE_PER_CHUNK, **SETTINGS)
@given(data=st.data())
def test_more_random_programs(chunk: int, data: st.DataObject) -> None:
    _check_random_program(CHUNKS, chunk, data)


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(len(LONG_CHUNKS)))
@settings(max_examples=LONG_PER_CHUNK, **SETTINGS)
@given(data=st.data())
def test_random_programs_long(chunk: int, data: st.DataObject) -> None:
    _check_random_program(LONG_CHUNKS, chunk, data)


def test_the_generator_covers_the_issue_constructs() -> None:
    """The programs of a fixed seed use every construct the fuzzer promises."""
    import random
    seen: set[str] = set()
    for i in range(200):
        seen |= fuzz.generate(fuzz.RandomChooser(random.Random(i))).features
    promised = {"tuple", "if", "for", "while", "break", "continue", "helper", "keyword",
                "inplace", "setitem", "list", "axis", "random", "global", "constant",
                "for-rows", "for-list", "ifexp", "max", "data-branch", "slice",
                "slice-rebind", "slice-update", "where", "product", "params", "stencil",
                "ordered-pair"}
    assert promised <= seen, promised - seen


def test_a_wrong_derivative_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker fails when a derivative is off: a gradient scaled by 1.01."""
    import random

    import tangentlike
    program = next(p for i in range(50)
                   if "random" not in (p := fuzz.generate(fuzz.RandomChooser(
                       random.Random(i)), 3)).features and not p.reads_g_c
                   and not fuzz.check(p, ["reverse"]).skipped
                   and fuzz.check(p, ["reverse"]).status["reverse"] == "ok")
    real = tangentlike.value_and_grad

    def off(f, wrt=(0,), **kwargs):
        vg = real(f, wrt=wrt, **kwargs)

        def call(*args):
            value, grads = vg(*args)
            return value, tuple(g * 1.01 + 1e-3 for g in grads)
        return call

    monkeypatch.setattr(tangentlike, "value_and_grad", off)
    report = fuzz.check(program, ["reverse"])
    assert report.status["reverse"] == "wrong", report


def test_a_value_lost_to_rounding_is_no_reference() -> None:
    """Program 118 of seed 777 returns 0.0 in float64 where its terms (2.8e40) cancel: finite
    differences give 0 and the gradient (tangentlike's and jax's, float64) is 1e30.  The
    checker skips it, saying why; the other programs of that seed before it keep their
    verdicts (none lost to rounding)."""
    import random

    import numpy as np
    if np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps:
        pytest.skip("no extended precision on this platform")

    def verdict(i: int) -> str:
        checker = fuzz.Checker(fuzz.generate(fuzz.RandomChooser(random.Random(f"777-{i}"))))
        try:
            with np.errstate(all="ignore"):
                checker.precheck()
        except fuzz.Skip as e:
            return str(e)
        return "checked"

    assert verdict(118).startswith("value lost to rounding: 0 in float64")
    assert not any("rounding" in verdict(i) for i in range(40))
