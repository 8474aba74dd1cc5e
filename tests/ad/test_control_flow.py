"""Reverse mode through control flow: ``if``/``elif``/``else``, conditional expressions,
``for`` loops (over ``range``, lists, rows of arrays, ``zip``, ``enumerate``), ``while`` loops
with data-dependent trip counts, ``break`` and ``continue``, nested loops and branches, loops
that overwrite what they read, and recursion.

Every gradient is checked in the four (optimized, motion) combinations, against central
finite differences in float64 (``support.check_grad``: ``|g - g_fd| <= 1e-7 + 1e-5 |g_fd|``
unless a test states otherwise) and against autograd running the same code (an autograd twin
of each function is built from its source, see :func:`autograd_twin`; both are exact chain
rules, so they must agree to ``rtol=1e-9, atol=1e-12``).  Inputs keep every branch condition
well away from its threshold, so finite differences never cross a kink.

The last part checks the structure of the generated code: a ``range`` loop is replayed by
``reversed(range(...))`` with no trip counter, values are pushed only when the backward sweep
reads them.

Cases that once exposed bugs (a loop over a name its body re-binds, an inner loop with
nothing to differentiate, a ``while`` left by ``break``) stay as regression tests.
"""
from __future__ import annotations

import ast
import inspect
import math
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import control_flow_functions as F
import numpy as np
import pytest
from support import MODE_IDS, MODES, as_tuple, check_grad, make_function

import tangentlike

# tangentlike against autograd: the same arithmetic in a different order, so a tight tolerance.
AUTOGRAD_RTOL = 1e-9
AUTOGRAD_ATOL = 1e-12


def case(name: str, args: Sequence[Any], wrt: Sequence[int] = (0,), *, id: str | None = None,
         xfail: str | None = None) -> list[Any]:
    """One function of ``control_flow_functions`` on one input, in the four (optimized,
    motion) combinations: params ``(name, args, wrt, mode)``, strict xfails when ``xfail``
    names a known bug."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return [pytest.param(name, tuple(args), tuple(wrt), mode, marks=marks,
                         id=f"{id or name}-{mode_id}")
            for mode, mode_id in zip(MODES, MODE_IDS)]


_twins: dict[str, Callable] = {}


def autograd_twin(fn: Callable) -> Callable:
    """``fn`` defined again from its own source in a module that imports ``autograd.numpy``
    as ``np``, with ``math.f(...)`` spelled ``np.f(...)`` (autograd cannot trace ``math``)."""
    if fn.__name__ not in _twins:
        source = re.sub(r"\bmath\.", "np.", inspect.getsource(fn))
        _twins[fn.__name__] = make_function(source, numpy="autograd", name=fn.__name__)
    return _twins[fn.__name__]


def autograd_grad(fn: Callable, args: Sequence[Any], wrt: Sequence[int]) -> tuple[Any, ...]:
    autograd = pytest.importorskip("autograd")
    argnum = tuple(wrt) if len(wrt) > 1 else wrt[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Output seems independent of input" on zero grads
        return as_tuple(autograd.grad(autograd_twin(fn), argnum)(*args), len(wrt))


def verify(fn: Callable, args: Sequence[Any], wrt: Sequence[int], mode: tuple[bool, str], *,
           rtol: float = 1e-5, atol: float = 1e-7, against_autograd: bool = True
           ) -> tuple[Any, ...]:
    """Check tangentlike's gradient of ``fn`` against finite differences, then autograd."""
    optimized, motion = mode
    got = check_grad(fn, args, wrt, rtol=rtol, atol=atol, optimized=optimized, motion=motion)
    if against_autograd:
        expected = autograd_grad(fn, args, wrt)
        for i, g, e in zip(wrt, got, expected):
            np.testing.assert_allclose(
                np.asarray(g, np.float64), np.asarray(e, np.float64), rtol=AUTOGRAD_RTOL,
                atol=AUTOGRAD_ATOL, err_msg=f"argument {i} of {fn.__name__}: autograd differs")
    return got


def run_case(name: str, args: tuple, wrt: tuple, mode: tuple[bool, str]) -> tuple[Any, ...]:
    """:func:`verify`; its ``check_grad`` also checks that the derivative's forward sweep
    (``preserve_result=True``) gives the function's own value exactly, at the first three
    calls, and gradients that match finite differences."""
    return verify(getattr(F, name), args, wrt, mode)


def vec(*values: float) -> np.ndarray:
    return np.array(values, np.float64)


RNG = np.random.default_rng(20240607)
X3 = vec(0.3, -0.2, 0.5)           # sum 0.6 > 0
X3_NEG = -X3                        # sum -0.6 < 0
W3 = vec(1.0, 0.5, 0.2)
MATRIX_4x3 = RNG.normal(size=(4, 3))
MATRIX_3x3 = RNG.normal(size=(3, 3))
MATRIX_3x2 = RNG.normal(size=(3, 2))


# -- 1. if / elif / else, conditional expressions ------------------------------------------------

BRANCH_CASES = [
    *case("if_sum_positive", [X3], id="if-taken"),
    *case("if_sum_positive", [X3_NEG], id="else-taken"),
    # nested branches: each of the four leaves
    *case("nested_branches", [vec(1.5, 0.2, 0.1), W3], (0, 1), id="nested-tanh"),
    *case("nested_branches", [vec(0.5, 0.2, 0.1), W3], (0, 1), id="nested-square"),
    *case("nested_branches", [vec(0.5, 0.2, 0.1), vec(-1.5, -0.5, 0.2)], (0, 1),
          id="nested-exp"),
    *case("nested_branches", [vec(0.5, 0.2, 0.1), vec(-0.5, -0.5, -0.2)], (0, 1),
          id="nested-sin"),
    # one branch assigns y, the other z; constant defaults set before
    *case("branches_assign_different", [X3], id="assign-y"),
    *case("branches_assign_different", [X3_NEG], id="assign-z"),
    # the same with active defaults
    *case("branches_assign_different_active", [X3, X3 + 1.0], (0, 1), id="active-assign-y"),
    *case("branches_assign_different_active", [X3_NEG, X3 + 1.0], (0, 1), id="active-assign-z"),
    # elif chain: all four arms
    *case("elif_chain", [X3 * 10.0], id="elif-first"),
    *case("elif_chain", [X3], id="elif-second"),
    *case("elif_chain", [X3_NEG], id="elif-third"),
    *case("elif_chain", [X3_NEG * 10.0], id="elif-else"),
    # an `if` without else that overwrites variables (x a parameter, y a local)
    *case("if_overwrites", [X3 * 3.0], id="overwrite-taken"),
    *case("if_overwrites", [X3], id="overwrite-skipped"),
    *case("if_overwrites_float", [2.0, 1.5], (0, 1), id="overwrite-float-taken"),
    *case("if_overwrites_float", [0.5, 1.5], (0, 1), id="overwrite-float-skipped"),
    *case("if_after_loop_value", [X3], id="if-after-loop-taken"),
    *case("if_after_loop_value", [X3_NEG - 1.0], id="if-after-loop-skipped"),
    # conditional expressions
    *case("conditional_expression", [X3, X3_NEG], (0, 1), id="ifexp-body"),
    *case("conditional_expression", [X3_NEG, X3], (0, 1), id="ifexp-orelse"),
    *case("conditional_expression_inside", [2.0, 1.0], (0, 1), id="ifexp-inside-1"),
    *case("conditional_expression_inside", [1.0, -2.0], (0, 1), id="ifexp-inside-2"),
    *case("guarded_division", [1.5, 2.0], (0, 1), id="guarded-division-divides"),
    *case("guarded_log", [1.5], id="guarded-log-log"),
    *case("guarded_division_statement", [1.5, 2.0], (0, 1), id="guarded-statement-divides"),
]


@pytest.mark.parametrize("name, args, wrt, mode", BRANCH_CASES)
def test_branches(name: str, args: tuple, wrt: tuple, mode: tuple[bool, str]) -> None:
    run_case(name, args, wrt, mode)


GUARDED = [
    pytest.param("guarded_division", (1.5, 0.0), (0, 1), 3.0, id="division-by-zero"),
    pytest.param("guarded_division_statement", (1.5, 0.0), (0, 1), 9.0, id="statement"),
    pytest.param("guarded_log", (-1.5,), (0,), -3.0, id="log-of-negative"),
]


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("name, args, wrt, gx", GUARDED)
def test_only_the_taken_branch_runs(name: str, args: tuple, wrt: tuple, gx: float,
                                    mode: tuple[bool, str]) -> None:
    """The branch not taken would raise (ZeroDivisionError, math domain error), in the
    forward or in the backward sweep (the adjoint of ``x / d`` divides by ``d``).  The
    gradient with respect to ``d`` is exactly 0: finite differences in ``d`` would cross the
    kink at ``d == 0``, so only ``x`` is compared with them."""
    fn = getattr(F, name)
    optimized, motion = mode
    got = as_tuple(tangentlike.grad(fn, wrt=wrt, optimized=optimized, motion=motion)(*args),
                   len(wrt))
    assert got[0] == gx
    if len(wrt) > 1:
        assert got[1] == 0.0
    verify(fn, args, (0,), mode)


# -- 2. the classic cases ------------------------------------------------------------------------

SLIDE_CASES = [
    *case("slide_math", [1.5, 2.0, 1.0], (0, 1, 2), id="math-sin-branch"),
    *case("slide_math", [1.5, 1.0, 2.0], (0, 1, 2), id="math-else-branch"),
    *case("slide_np", [1.5, 2.0, 1.0], (0, 1, 2), id="np-sin-branch"),
    *case("slide_np", [1.5, 1.0, 2.0], (0, 1, 2), id="np-else-branch"),
]


@pytest.mark.parametrize("name, args, wrt, mode", SLIDE_CASES)
def test_slide_example(name: str, args: tuple, wrt: tuple, mode: tuple[bool, str]) -> None:
    """``f(a, b, c) = a * sin(b) if b > c else a + b * c``."""
    ga, gb, gc = run_case(name, args, wrt, mode)
    a, b, c = args
    if b > c:
        assert (ga, gb, gc) == pytest.approx((math.sin(b), a * math.cos(b), 0.0), rel=1e-14)
    else:
        assert (ga, gb, gc) == pytest.approx((1.0, c, b), rel=1e-14)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("fn", [F.power_loop, F.power_recursive], ids=["loop", "recursive"])
def test_power(fn: Callable, mode: tuple[bool, str]) -> None:
    """``a`` squared ``b`` times: 3 ** 4 = 81, d/da a ** 4 = 4 a ** 3 = 108, exactly."""
    optimized, motion = mode
    df = tangentlike.grad(fn, optimized=optimized, motion=motion, preserve_result=True)
    g, value = df(3.0, 2)
    assert value == 81.0
    assert g == 108.0
    assert tangentlike.grad(fn, optimized=optimized, motion=motion)(3.0, 2) == 108.0
    assert tangentlike.grad(fn, optimized=optimized, motion=motion)(3.0, 0) == 1.0
    verify(fn, (1.1, 3), (0,), mode)


# -- 3. for loops --------------------------------------------------------------------------------

FOR_CASES = [
    *case("range_constant", [X3]),
    *case("range_len", [X3]),
    *case("range_start_stop_step", [np.arange(7.0) * 0.3, 7]),
    *case("range_start_stop_step", [np.arange(7.0) * 0.3, 2], id="range_step_one_trip"),
    *case("range_computed", [X3 + 1.0]),
    *case("loop_over_constant_list", [X3]),
    *case("loop_over_built_list", [X3]),
    *case("loop_over_list_of_active", [X3]),
    *case("horner", [X3, [0.5, -1.0, 2.0]], id="list_argument"),
    *case("horner", [X3, (0.5, -1.0, 2.0, 0.25)], id="tuple_argument"),
    *case("loop_over_rows", [MATRIX_4x3, X3], (0, 1)),
    *case("loop_over_rows_overwrite", [MATRIX_4x3, X3], (0, 1)),
    *case("loop_over_zip", [X3, X3 + 1.0], (0, 1)),
    *case("loop_over_zip_list", [MATRIX_3x2, [0.5, 2.0, -1.0]]),
    *case("loop_over_enumerate", [X3]),
    *case("loop_over_enumerate_overwrite", [X3 + 1.0, 0.7], (0, 1)),
    *case("square_loop", [1.1, 3]),
    *case("square_loop_array", [vec(1.1, -0.9), 2]),
    *case("swap_in_loop", [0.7, 1.2], (0, 1)),
    *case("loop_index_after_loop", [0.3, 4]),
    *case("range_bound_rebound", [0.3, 4]),
    *case("accumulate", [X3, X3 + 1.0], (0, 1)),
    *case("accumulate_array", [X3]),
    # the loop iterates over the array the name held when the loop started
    *case("loop_over_rebound_array", [X3]),
    *case("loop_over_rebound_zip", [X3, X3 + 1.0], (0, 1)),
    *case("loop_over_rebound_enumerate", [X3]),
]


@pytest.mark.parametrize("name, args, wrt, mode", FOR_CASES)
def test_for_loops(name: str, args: tuple, wrt: tuple, mode: tuple[bool, str]) -> None:
    run_case(name, args, wrt, mode)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_sin_loop_100(mode: tuple[bool, str]) -> None:
    """``x = math.sin(x) * x + 0.5 * x`` a hundred times on a Python float: the value (and so
    the gradient, about 1e-26) shrinks towards the fixed point 0, so finite differences alone
    would pass with any tiny answer; the exact derivative, accumulated forward here, is
    matched to 1e-9 relative."""
    x, expected = 0.5, 1.0
    for _ in range(100):
        expected *= math.sin(x) + 0.5 + x * math.cos(x)
        x = math.sin(x) * x + 0.5 * x
    (g,) = verify(F.sin_loop_100, (0.5,), (0,), mode)
    assert expected != 0.0
    assert g == pytest.approx(expected, rel=1e-9, abs=0.0)


NESTED_CASES = [
    *case("loop_in_loop", [MATRIX_3x3]),
    *case("loop_in_loop_overwrite", [X3]),
    *case("triangular_loop", [X3 + 1.0]),
    *case("loops_in_branches", [X3], id="loops_in_branches-range"),
    *case("loops_in_branches", [X3_NEG], id="loops_in_branches-rows"),
    *case("branches_in_loop", [X3], id="branches_in_loop-mixed"),
    *case("branches_in_loop", [X3 * 5.0], id="branches_in_loop-halving"),
    *case("branches_in_loop", [X3_NEG * 5.0], id="branches_in_loop-squaring"),
    *case("branch_on_index_in_loop", [X3 + 1.0]),
    *case("while_in_for", [0.5], id="while_in_for-several"),
    *case("while_in_for", [5.5], id="while_in_for-no-trips"),
    # inner loops that compute only constants (a counter)
    *case("inactive_while_in_loop", [X3]),
    *case("inactive_for_in_loop", [X3]),
    *case("inactive_range_with_break_in_loop", [X3, 0.6]),
    *case("inactive_while_in_branch", [X3], id="inactive_while_in_branch-taken"),
    *case("inactive_while_at_top", [X3]),
]


@pytest.mark.parametrize("name, args, wrt, mode", NESTED_CASES)
def test_nested(name: str, args: tuple, wrt: tuple, mode: tuple[bool, str]) -> None:
    run_case(name, args, wrt, mode)


WHILE_CASES = [
    *case("while_doubling", [3.0], id="while_doubling-5-trips"),
    *case("while_doubling", [30.0], id="while_doubling-2-trips"),
    *case("while_doubling_array", [X3 + 1.0]),
    *case("while_counter", [0.7]),
    *case("while_continue", [0.5]),
    *case("newton_fixed_iterations", [2.0, 1.0], (0, 1)),
    *case("while_data_and_counter", [1.0], id="while_data_and_counter-breaks"),
    *case("while_data_and_counter", [-0.3], id="while_data_and_counter-counter"),
    *case("while_break", [0.5], id="while_break-data"),
    *case("for_break_in_while", [0.5]),
]


@pytest.mark.parametrize("name, args, wrt, mode", WHILE_CASES)
def test_while_loops(name: str, args: tuple, wrt: tuple, mode: tuple[bool, str]) -> None:
    run_case(name, args, wrt, mode)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("x", [3.0, 30.0, 99.0], ids=["5-trips", "2-trips", "1-trip"])
def test_while_doubling_exact(x: float, mode: tuple[bool, str]) -> None:
    """``while x < 100: x = x * 2 + 1`` has derivative 2 ** trips, exactly."""
    optimized, motion = mode
    trips, y = 0, x
    while y < 100.0:
        y, trips = y * 2.0 + 1.0, trips + 1
    assert tangentlike.grad(F.while_doubling, optimized=optimized, motion=motion)(x) \
        == 2.0 ** trips


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("a", [2.0, 0.3, 50.0])
def test_newton_sqrt(a: float, mode: tuple[bool, str]) -> None:
    """Newton's iteration for sqrt(a) until the residual is below 1e-13 a: the derivative of
    the iterate converges with it, to 1 / (2 sqrt(a))."""
    (g,) = verify(F.newton_sqrt, (a,), (0,), mode)
    assert g == pytest.approx(0.5 / math.sqrt(a), rel=1e-8)


BREAK_CASES = [
    *case("for_break", [0.7], id="for_break-breaks"),
    *case("for_break", [0.01], id="for_break-runs-out"),
    *case("for_break_array", [vec(0.5, 1.0, -0.5, 2.0)], id="for_break_array-breaks"),
    *case("for_break_array", [vec(0.5, 1.0, 0.5, 2.0)], id="for_break_array-runs-out"),
    *case("for_continue", [vec(0.5, -1.0, 0.3, 2.0)]),
    *case("for_continue_overwrite", [0.4]),
    *case("nested_break", [np.array([[0.5, 0.7, 2.0], [1.2, 0.3, 0.1], [0.9, 0.9, 0.9],
                                     [0.2, 0.1, 0.3]])]),
    *case("break_in_branch_with_else", [1.0]),
]


@pytest.mark.parametrize("name, args, wrt, mode", BREAK_CASES)
def test_break_and_continue(name: str, args: tuple, wrt: tuple, mode: tuple[bool, str]) -> None:
    run_case(name, args, wrt, mode)


ZERO_TRIP_CASES = [
    *case("zero_trip_range", [X3, 0]),
    *case("zero_trip_list", [X3, []]),
    *case("zero_trip_while", [2.0]),
    *case("loop_over_rows", [np.zeros((0, 3)), X3], (0, 1), id="no_rows"),
    *case("power_loop", [3.0, 0]),
    *case("range_start_stop_step", [np.arange(7.0) * 0.3, 1], id="range_1_1_2"),
]


@pytest.mark.parametrize("name, args, wrt, mode", ZERO_TRIP_CASES)
def test_loop_that_runs_zero_times(name: str, args: tuple, wrt: tuple,
                                   mode: tuple[bool, str]) -> None:
    run_case(name, args, wrt, mode)


# -- 4. structure of the generated code ----------------------------------------------------------


def source(fn: Callable, mode: tuple[bool, str], wrt: Sequence[int] = (0,)) -> str:
    optimized, motion = mode
    return tangentlike.grad(fn, wrt=tuple(wrt), optimized=optimized, motion=motion).source


def pushed_never_read(text: str) -> list[str]:
    """Names the generated code pushes (``stack.append(x)``) but never reads after the backward
    sweep starts (the first ``seed(`` call): ``stack.pop()`` restores them and nothing uses
    them."""
    tree = ast.parse(text)
    start = min(node.lineno for node in ast.walk(tree)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "seed")
    pushed, push_args = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "append" and isinstance(node.func.value, ast.Name) \
                and node.func.value.id.startswith("stack") and isinstance(node.args[0], ast.Name):
            pushed.add(node.args[0].id)
            push_args.add(id(node.args[0]))
    read = {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
            and node.lineno > start and id(node) not in push_args}
    return sorted(pushed - read)


def test_pushed_never_read_finds_a_useless_push() -> None:
    text = ("def d(x, init_grad=1.0):\n    stack = []\n    for i in range(3):\n"
            "        stack.append(i)\n        stack.append(x)\n        x = x * x\n"
            "    bx = seed(init_grad, x)\n    for j in reversed(range(3)):\n"
            "        x = stack.pop()\n        i = stack.pop()\n        bx = 2 * x * bx\n"
            "    return bx\n")
    assert pushed_never_read(text) == ["i"]


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_range_loop_is_replayed_without_trip_counter(mode: tuple[bool, str]) -> None:
    text = source(F.structure_range_sum, mode)
    assert "reversed(range(" in text
    assert "trips" not in text
    assert "stack.append(i)" not in text and "i = stack.pop()" not in text
    assert pushed_never_read(text) == []
    verify(F.structure_range_sum, (X3,), (0,), mode)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("fn", [F.power_loop, F.range_len, F.loop_in_loop, F.triangular_loop],
                         ids=lambda f: f.__name__)
def test_range_loops_need_no_trip_counter(fn: Callable, mode: tuple[bool, str]) -> None:
    text = source(fn, mode)
    assert "reversed(range(" in text
    assert "trips" not in text


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("fn", [F.horner, F.loop_over_constant_list, F.loop_over_rows,
                                F.for_break, F.range_bound_rebound, F.while_doubling],
                         ids=lambda f: f.__name__)
def test_loops_that_need_a_trip_counter(fn: Callable, mode: tuple[bool, str]) -> None:
    """A loop over a list or an array, a loop with break, a range whose bound the body
    re-binds, a while loop: the number of iterations is counted in the forward sweep."""
    text = source(fn, mode)
    assert "trips" in text


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_if_that_overwrites_nothing_pushes_nothing(mode: tuple[bool, str]) -> None:
    text = source(F.structure_if_no_overwrite, mode)
    assert "stack" not in text
    verify(F.structure_if_no_overwrite, (X3,), (0,), mode)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_loop_that_overwrites_pushes(mode: tuple[bool, str]) -> None:
    text = source(F.square_loop, mode)
    x = "x" if mode[0] else "x_1"  # the parameter's working copy, named x once optimized
    assert f"stack.append({x})" in text
    assert f"{x} = stack.pop()" in text


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("fn, wrt", [
    (F.structure_range_sum, (0,)), (F.square_loop, (0,)), (F.accumulate, (0, 1)),
    (F.range_len, (0,)), (F.loop_over_rows, (0, 1)), (F.branches_in_loop, (0,)),
    (F.for_break, (0,)), (F.while_doubling, (0,)), (F.loop_in_loop, (0,)),
    pytest.param(F.inactive_while_in_branch, (0,)),
    pytest.param(F.inactive_for_in_loop, (0,)),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_no_push_the_backward_never_reads(fn: Callable, wrt: tuple, mode: tuple[bool, str]
                                          ) -> None:
    assert pushed_never_read(source(fn, mode, wrt)) == []


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_straight_line_code_has_no_stack(mode: tuple[bool, str]) -> None:
    fn = make_function("def f(x):\n    y = np.sin(x)\n    y = y * x\n    return np.sum(y)\n")
    text = source(fn, mode)
    assert "stack" not in text
