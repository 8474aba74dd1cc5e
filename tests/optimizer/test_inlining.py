"""The inliner (``inline_temporaries``), the fusion of an adjoint's contributions
(``fuse_accumulations``) and the reaching definitions across branches, on adversarial code:
a temporary read twice, read after what it reads is bound again, bound again before its
reader, in loops and across branches.  Each function is run before and after the optimizer on
the same values (the results must be equal), and the derivatives of chained conditional
expressions are checked against central finite differences in every mode."""
from __future__ import annotations

import math

import numpy as np
import pytest
from optimizer_cases import generated_function
from support import check_every_mode, make_function

from tangentlike.backend import emit
from tangentlike.core import dataflow
from tangentlike.optimizer.optimize import fuse_accumulations, inline_temporaries, optimize

ARGS = [(0.3, -1.2, 2.0), (1.5, 0.7, -0.4), (-0.8, 2.5, 1.1)]


def _run(source: str, args: tuple) -> object:
    env = {"math": math}
    exec(source, env)  # noqa: S102 - the test's own code
    return env["f"](*args)


def _optimized(source: str, temporaries: set[str], run=optimize) -> str:
    """The optimized source of ``f``, after checking that it computes what ``f`` does."""
    fn = generated_function(source)
    run(fn, temporaries)
    after = emit.to_source(fn)
    for args in ARGS:
        assert _run(after, args) == _run(source, args), after
    return after


def test_a_temporary_read_twice_stays() -> None:
    after = _optimized("def f(a, b, c):\n"
                       "    t = a * b\n"
                       "    t = t + c\n"  # t assigned twice: liveness decides
                       "    u = t * t\n"
                       "    return u\n", {"t", "u"})
    assert "t * t" in after, after


def test_not_moved_past_a_new_binding_of_what_it_reads() -> None:
    after = _optimized("def f(a, b, c):\n"
                       "    t = a * b\n"
                       "    a = a + c\n"
                       "    u = t * a\n"
                       "    return u\n", {"t", "u"})
    assert "t = a * b" in after, after


def test_not_moved_past_a_new_binding_of_the_temporary() -> None:
    # The first value of t is never read: u reads the second.  Inlining the first into u
    # (the first statement after it that reads t) would be wrong.
    after = _optimized("def f(a, b, c):\n"
                       "    t = a * b\n"
                       "    t = a + c\n"
                       "    u = t * 2.0\n"
                       "    return u\n", {"t", "u"})
    assert "a * b" not in after, after


def test_not_inlined_where_the_value_is_read_again_in_a_loop() -> None:
    after = _optimized("def f(a, b, c):\n"
                       "    t = a\n"
                       "    for i in range(3):\n"
                       "        u = t * b\n"
                       "        t = b + c\n"  # read by the next iteration's u
                       "        b = u - t * 0.5\n"
                       "    return b\n", {"t", "u"})
    assert "t = b + c" in after, after


def test_inlined_in_a_loop_body_where_it_is_dead_after() -> None:
    after = _optimized("def f(a, b, c):\n"
                       "    for i in range(3):\n"
                       "        t = a * b\n"
                       "        t = t + c\n"
                       "        b = t * 0.5\n"
                       "    return b\n", {"t"})
    assert "b = (a * b + c) * 0.5" in after, after


def test_branches_bind_again() -> None:
    _optimized("def f(a, b, c):\n"
               "    t = a * b\n"
               "    u = t\n"
               "    if c > 0:\n"
               "        t = a + b\n"
               "        a = t * c\n"
               "    else:\n"
               "        t = a - b\n"
               "    v = t * u + a\n"
               "    return v\n", {"t", "u", "v"})


def test_a_copy_is_not_propagated_past_a_branch_that_binds_its_source() -> None:
    after = _optimized("def f(a, b, c):\n"
                       "    t = a\n"
                       "    if c > 0:\n"
                       "        a = b\n"
                       "    u = t * 2.0 + a\n"
                       "    return u\n", {"t", "u"})
    assert "t = a" in after, after


def test_a_branch_that_returns() -> None:
    _optimized("def f(a, b, c):\n"
               "    t = a\n"
               "    if c > 0:\n"
               "        a = b\n"
               "        return a * t\n"
               "    u = t * 2.0 + a\n"
               "    return u\n", {"t", "u"})


def test_reaching_definitions_after_branches() -> None:
    fn = generated_function("def f(a, b, c):\n"
                   "    t = a\n"
                   "    if c > 0:\n"
                   "        a = b\n"
                   "        if b > 0:\n"
                   "            t = c\n"
                   "    else:\n"
                   "        s = c\n"
                   "    u = t + a\n"
                   "    return u\n")
    reaching = dataflow.reaching_definitions(fn)
    first, branch, last = fn.body[0], fn.body[1], fn.body[2]
    inner = branch.body[1].body[0]
    at = reaching[id(last)]
    assert at.get("t") == {id(first), id(inner)}
    assert at.get("a") == {id(fn), id(branch.body[0])}
    assert at.get("s") == {id(branch.orelse[0])}
    assert at.get("b") == {id(fn)} and at.get("nothing") is None


def test_accumulations_fuse_only_where_nothing_in_between_changes_them() -> None:
    source = ("def f(a, b, c):\n"
              "    ba = a * b\n"
              "    b = b + c\n"  # e1 reads b: no fusion across it
              "    ba = ba + c\n"
              "    bc = a * c\n"
              "    t = b * 2.0\n"
              "    bc = bc + t\n"
              "    return ba, bc\n")
    after = _optimized(source, set(), run=lambda fn, temps: fuse_accumulations(fn))
    assert "ba = ba + c" in after and "bc = a * c + t" in after, after


def test_every_inlining_is_done_in_one_pass() -> None:
    # Temporaries assigned twice in each branch (zero, then a contribution): the inliner
    # once did one per pass (each changed liveness).
    lines = ["def f(a, b, c):"]
    for i in range(6):
        lines += [f"    u{i} = 0.0", f"    v{i} = 0.0", "    if c > 0:",
                  f"        u{i} = u{i} + a * b", f"        b = b + u{i} * c",
                  "    else:", f"        v{i} = v{i} + a - b", f"        c = c - v{i} * a"]
    lines.append("    return a * b * c")
    names = {f"{p}{i}" for p in "uv" for i in range(6)}
    fn = generated_function("\n".join(lines) + "\n")
    assert inline_temporaries(fn, names)
    assert not inline_temporaries(fn, names)  # nothing left for another pass
    after = emit.to_source(fn)
    assert after.count("b = b + (u") == 6 and after.count("c = c - (v") == 6, after
    for args in ARGS:
        assert _run(after, args) == _run("\n".join(lines) + "\n", args)


CHAINED = """
def chained(x):
    a = x[0]
    b = x[1]
    t1 = 0.6 * a + 0.3 * b if a > b else 0.5 * np.sin(b) + 0.2 * a
    t2 = 0.6 * t1 + 0.3 * a if t1 > a else 0.5 * np.sin(a) + 0.2 * t1
    t3 = t2 * t1 if t2 > t1 else np.tanh(t1) - 0.2 * t2
    t4 = 0.6 * t3 + 0.3 * t2 if t3 > t2 else 0.5 * np.cos(t2) + 0.2 * t3
    t4 = t4 * a if t4 > 0.1 else t4 - b
    return t4 + 0.1 * t3
"""


@pytest.mark.parametrize("x", [np.array([0.3, 0.7]), np.array([1.2, -0.4]),
                               np.array([-0.5, -0.9])], ids=["a<b", "a>b", "neg"])
@pytest.mark.parametrize("optimized", [True, False])
def test_chained_conditional_expressions(x: np.ndarray, optimized: bool) -> None:
    f = make_function(CHAINED)
    check_every_mode(f, x, np.array([0.5, -1.5]), hvp=optimized, optimized=optimized)
