"""Names that live within one branch of an ``if`` (``Program.branch_local``,
``ad/reverse/analysis.py``): they get no ``None`` before the if, their adjoints start from
zero at the start of the branch's mirror in the backward sweep, and one bound once there
gets no ``bx_out`` copy and no reset.  The derivatives stay right in every mode, and the
other names (bound in both branches, read after the if, bound in a loop, bound twice) keep
the general treatment."""
from __future__ import annotations

import re

import numpy as np
import pytest
from support import check_every_mode, check_grad, make_function, numerical_grad

import tangentlike
from tangentlike.ad.reverse import analysis
from tangentlike.core import syntax

CHAIN = """
def chain(x, y):
    t0 = x
    t1 = y
    t2 = 0.6 * t1 + 0.3 * x if t1 > t0 else 0.5 * np.sin(t0) + 0.2 * y
    t3 = 0.6 * t2 + 0.3 * x if t2 > t1 else 0.5 * np.sin(t1) + 0.2 * y
    t4 = 0.6 * t3 + 0.3 * x if t3 > t2 else 0.5 * np.sin(t2) + 0.2 * y
    return t4 + 0.1 * t3
"""

NESTED = """
def nested(x, y):
    if x > 0.0:
        a = np.sin(x) * y
        if y > 0.5:
            b = np.cos(a) * x
            z = a + b * b
        else:
            z = a * a
    elif y > 0.0:
        c = np.exp(0.5 * x)
        z = c * y + np.tanh(c)
    else:
        z = x * y
    return z * z + x
"""

NO_ELSE = """
def no_else(x, y):
    z = x * y
    if y > 0.0:
        w = np.sin(z)
        z = z + w * x
    return z
"""

TWICE = """
def twice(x, y):
    z = x + y
    if x > y:
        w = np.sin(x)
        w = w * y + np.cos(w)
        z = z * w
    return z
"""

IN_LOOP = """
def in_loop(x, n):
    total = 0.0
    for i in range(n):
        if i % 2 == 0:
            w = np.sin(x * i)
            total = total + w * x
        else:
            total = total + x
    return total
"""

LOOP_IN_BRANCH = """
def loop_in_branch(x, n):
    z = x
    if n > 1:
        w = np.cos(x)
        for i in range(n):
            z = z * w + x
    return z
"""

ARRAY = """
def array(x):
    s = np.sum(x)
    if s > 0.0:
        w = np.tanh(x) * x
        y = np.sum(w * w)
    else:
        v = np.exp(-x)
        y = np.sum(v) + s
    return y
"""


def _function(source: str):
    return make_function(source)


@pytest.mark.parametrize("point", [(0.3, 0.7), (0.9, 0.2), (-0.4, 0.6), (-0.4, -0.6)])
@pytest.mark.parametrize("source", [CHAIN, NESTED, NO_ELSE, TWICE])
@pytest.mark.parametrize("options", [{}, {"optimized": False}, {"motion": "split"}])
def test_gradients_of_names_local_to_a_branch(source, point, options):
    f = _function(source)
    check_grad(f, point, wrt=(0, 1), **options)  # floats: the version for floats too
    check_grad(f, tuple(np.float64(p) for p in point), wrt=(0, 1), **options)


@pytest.mark.parametrize("source, args", [(IN_LOOP, (0.7, 5)), (LOOP_IN_BRANCH, (0.4, 3)),
                                          (LOOP_IN_BRANCH, (0.4, 1))])
def test_loops_in_and_around_branches(source, args):
    f = _function(source)
    check_grad(f, args)
    check_grad(f, args, optimized=False)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_every_mode_on_arrays(sign):
    f = _function(ARRAY)
    x = sign * np.linspace(0.1, 0.9, 5)
    check_every_mode(f, x, np.linspace(-1.0, 1.0, 5))
    check_grad(f, (x,))


def test_which_names_are_local_to_a_branch():
    fn = syntax.parse_stmts(NESTED.replace("np.", ""))[0]
    local = analysis._branch_local_names(fn)
    where = {name: (branch.test.left.id, body, bindings)
             for name, (branch, body, bindings) in local.items()}
    # ``a`` lives in the outer body, ``b`` in the inner body, ``c`` in the elif's body; ``z``
    # is read after the if
    assert where == {"a": ("x", True, 1), "b": ("y", True, 1), "c": ("y", True, 1)}
    assert "w" not in analysis._branch_local_names(syntax.parse_stmts(IN_LOOP)[0])
    twice = analysis._branch_local_names(syntax.parse_stmts(TWICE)[0])
    assert twice["w"][2] == 2  # bound twice: its adjoint keeps its copies and resets


def test_the_derivative_reads_as_written_by_hand():
    f = _function(CHAIN)
    source = tangentlike.grad(f, wrt=(0, 1)).source
    assert "= None" not in source
    # only the names read after their if keep a zero before the backward sweep
    zeros = [line.strip() for line in source.splitlines() if "zeros_like(" in line]
    assert zeros == ["bx = zeros_like(x)", "by = zeros_like(y)", "bt0 = zeros_like(t0)",
                     "bt1 = zeros_like(t1)", "bt2 = zeros_like(t2)"], source
    # unoptimized, the others start from zero where their branch's mirror starts
    lines = tangentlike.grad(f, wrt=(0, 1), optimized=False).source.splitlines()
    starts = [lines[k + 1] for k, line in enumerate(lines)
              if line.startswith("    if t") or line == "    else:"]
    backward = starts[len(starts) // 2:]  # (the forward sweep's ifs come first)
    assert backward and all(re.fullmatch(r"        b(t\d+) = zeros_like\(\1\)", line)
                            for line in backward), backward


def test_a_name_bound_twice_keeps_its_reset():
    f = _function(TWICE)
    plain = tangentlike.grad(f, wrt=(0, 1), optimized=False).source
    assert "bw_out" in plain  # (bound twice: the general treatment)


REBOUND_TEST = """
def rebound_test(x, flag):
    c = flag
    if c:
        w = np.sin(x) * x
        z = w * w
    else:
        z = x
    c = not c
    if c:
        v = np.cos(x)
        z = z * v
    return z
"""


@pytest.mark.parametrize("flag", [True, False])
def test_a_test_name_bound_again_after_its_if(flag):
    # the backward sweep's ifs must test the values the forward sweep's tested
    f = _function(REBOUND_TEST)
    for options in ({}, {"motion": "split"}, {"optimized": False}):
        check_grad(f, (0.7, flag), **options)


@pytest.mark.parametrize("point", [(0.9, 0.3), (0.2, 0.7)])
def test_reverse_over_reverse(point):
    f = _function(TWICE.replace("z = z * w", "z = z * w + np.exp(-x * y)"))
    df = tangentlike.grad(f)  # its forward sweep binds names in one branch only
    got = tangentlike.grad(df)(*point)
    (expected,) = numerical_grad(df, list(point))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
