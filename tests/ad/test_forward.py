"""Forward mode (``autodiff(f, mode="forward")``, ``jvp``) for every syntax form and many
primitives.

1. Scalar outputs: the functions of control_flow_functions.py, calls_functions.py, the
   container functions of containers_functions.py whose arguments are arrays or floats, and
   the syntax/primitive functions of forward_functions.py.  For a random seed tangent ``v``
   (one per ``wrt`` argument), in both ``optimized`` settings, the forward-mode tangent must
   equal ``sum_i <grad_i f, v_i>`` from reverse mode (both are exact chain rules:
   ``rtol=1e-9``, plus an ``atol`` of ``1e-12`` times ``sum |grad_i * v_i|`` for sums that
   cancel) and the central finite difference along ``v``,
   ``(f(x + eps v) - f(x - eps v)) / (2 eps)`` with ``eps=1e-6`` (``rtol=1e-5, atol=1e-7``).
   ``jvp`` and ``autodiff`` (seeds by position and by name) agree, the value returned is the
   function's own, and the arguments are left unmodified.
2. Array outputs: the dot-product test ``<u, J v> == <J^T u, v>``, with ``J v`` from forward
   mode (seed ``v``) and ``J^T u`` from reverse mode (``init_grad=u``), and ``J v`` against
   finite differences element by element.
3. The generated source: ``def <name>_jvp(``, ``# Tangent of: <the user's line>``.
4. The classic checks: the slide example, recursion, ``preserve_result``, seeds by name for
   functions with defaults, and a primitive with a reverse-mode rule only, which forward mode
   refuses (``NoDerivativeError`` naming it), never a silent zero.

Inputs are those of the reverse-mode tests, which keep every branch condition well away from
its threshold, so finite differences never cross a kink.
"""
from __future__ import annotations

import copy
import inspect
import math
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import calls_functions as cf
import containers_functions as C
import control_flow_functions as F
import forward_functions as FF
import numpy as np
import pytest
from support import as_tuple

import tangentlike
from tangentlike.rules import registry

EXACT_RTOL = 1e-9          # forward against reverse mode: both exact chain rules
EXACT_ATOL_SCALE = 1e-12   # times sum |terms|, for inner products that cancel
FD_RTOL, FD_ATOL = 1e-5, 1e-7
EPS = 1e-6

OPTIMIZED = pytest.mark.parametrize("optimized", [True, False], ids=["opt", "noopt"])


def vec(*values: float) -> np.ndarray:
    return np.array(values, np.float64)


def _data(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape) * scale


RNG = np.random.default_rng(20240701)
X3 = vec(0.3, -0.2, 0.5)            # sum 0.6 > 0
X3_NEG = -X3
W3 = vec(1.0, 0.5, 0.2)
M43 = RNG.normal(size=(4, 3))
M33 = RNG.normal(size=(3, 3))
M32 = RNG.normal(size=(3, 2))
CX3 = _data(1, 3)
CV3 = _data(2, 3)
CW33 = _data(3, 3, 3, scale=0.5)
CXS = _data(4, 10, 3)
POSITIVE3 = np.abs(_data(5, 3)) + 0.5


def case(fn: Callable, args: Sequence[Any], wrt: Sequence[int] = (0,), *, id: str | None = None,
         xfail: str | None = None, xfail_opt: str | None = None) -> list[Any]:
    """One function on one input, with ``optimized`` True and False: params ``(fn, args, wrt,
    optimized)``; ``xfail`` marks both as strict xfails (known bugs: the test as it should
    pass), ``xfail_opt`` the optimized one."""
    out = []
    for optimized, name in ((True, "opt"), (False, "noopt")):
        reason = xfail or (xfail_opt if optimized else None)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(fn, tuple(args), tuple(wrt), optimized, marks=marks,
                                id=f"{id or fn.__name__}-{name}"))
    return out


CONTROL_FLOW_CASES = [
    *case(F.if_sum_positive, [X3], id="if-taken"),
    *case(F.if_sum_positive, [X3_NEG], id="else-taken"),
    *case(F.nested_branches, [vec(1.5, 0.2, 0.1), W3], (0, 1), id="nested-tanh"),
    *case(F.nested_branches, [vec(0.5, 0.2, 0.1), W3], (0, 1), id="nested-square"),
    *case(F.nested_branches, [vec(0.5, 0.2, 0.1), vec(-1.5, -0.5, 0.2)], (0, 1),
         id="nested-exp"),
    *case(F.nested_branches, [vec(0.5, 0.2, 0.1), vec(-0.5, -0.5, -0.2)], (0, 1),
         id="nested-sin"),
    *case(F.branches_assign_different, [X3], id="assign-y"),
    *case(F.branches_assign_different, [X3_NEG], id="assign-z"),
    *case(F.branches_assign_different_active, [X3, X3 + 1.0], (0, 1), id="active-assign-y"),
    *case(F.branches_assign_different_active, [X3_NEG, X3 + 1.0], (0, 1), id="active-assign-z"),
    *case(F.elif_chain, [X3 * 10.0], id="elif-first"),
    *case(F.elif_chain, [X3], id="elif-second"),
    *case(F.elif_chain, [X3_NEG], id="elif-third"),
    *case(F.elif_chain, [X3_NEG * 10.0], id="elif-else"),
    *case(F.if_overwrites, [X3 * 3.0], id="overwrite-taken"),
    *case(F.if_overwrites, [X3], id="overwrite-skipped"),
    *case(F.if_overwrites_float, [2.0, 1.5], (0, 1), id="overwrite-float-taken"),
    *case(F.if_overwrites_float, [0.5, 1.5], (0, 1), id="overwrite-float-skipped"),
    *case(F.if_after_loop_value, [X3], id="if-after-loop-taken"),
    *case(F.if_after_loop_value, [X3_NEG - 1.0], id="if-after-loop-skipped"),
    *case(F.conditional_expression, [X3, X3_NEG], (0, 1), id="ifexp-body"),
    *case(F.conditional_expression, [X3_NEG, X3], (0, 1), id="ifexp-orelse"),
    *case(F.conditional_expression_inside, [2.0, 1.0], (0, 1), id="ifexp-inside-1"),
    *case(F.conditional_expression_inside, [1.0, -2.0], (0, 1), id="ifexp-inside-2"),
    *case(F.guarded_division, [1.5, 2.0], (0, 1), id="guarded-division"),
    *case(F.guarded_log, [1.5], id="guarded-log"),
    *case(F.guarded_division_statement, [1.5, 2.0], (0, 1), id="guarded-statement"),
    *case(F.slide_math, [1.5, 2.0, 1.0], (0, 1, 2), id="slide-math-sin"),
    *case(F.slide_math, [1.5, 1.0, 2.0], (0, 1, 2), id="slide-math-else"),
    *case(F.slide_np, [1.5, 2.0, 1.0], (0, 1, 2), id="slide-np-sin"),
    *case(F.slide_np, [1.5, 1.0, 2.0], (0, 1, 2), id="slide-np-else"),
    *case(F.power_loop, [1.1, 3], id="power-loop"),
    *case(F.power_recursive, [1.1, 3], id="power-recursive"),
    *case(F.range_constant, [X3]),
    *case(F.range_len, [X3]),
    *case(F.range_start_stop_step, [np.arange(7.0) * 0.3, 7]),
    *case(F.range_computed, [X3 + 1.0]),
    *case(F.loop_over_constant_list, [X3]),
    *case(F.loop_over_built_list, [X3]),
    *case(F.loop_over_list_of_active, [X3]),
    *case(F.horner, [X3, [0.5, -1.0, 2.0]]),
    *case(F.loop_over_rows, [M43, X3], (0, 1)),
    *case(F.loop_over_rows_overwrite, [M43, X3], (0, 1)),
    *case(F.loop_over_zip, [X3, X3 + 1.0], (0, 1)),
    *case(F.loop_over_zip_list, [M32, [0.5, 2.0, -1.0]]),
    *case(F.loop_over_enumerate, [X3]),
    *case(F.loop_over_enumerate_overwrite, [X3 + 1.0, 0.7], (0, 1)),
    *case(F.square_loop, [1.1, 3]),
    *case(F.square_loop_array, [vec(1.1, -0.9), 2]),
    *case(F.sin_loop_100, [0.5]),
    *case(F.swap_in_loop, [0.7, 1.2], (0, 1)),
    *case(F.loop_index_after_loop, [0.3, 4]),
    *case(F.range_bound_rebound, [0.3, 4]),
    *case(F.accumulate, [X3, X3 + 1.0], (0, 1)),
    *case(F.accumulate_array, [X3]),
    *case(F.loop_over_rebound_array, [X3]),
    *case(F.loop_over_rebound_zip, [X3, X3 + 1.0], (0, 1)),
    *case(F.loop_over_rebound_enumerate, [X3]),
    *case(F.loop_in_loop, [M33]),
    *case(F.loop_in_loop_overwrite, [X3]),
    *case(F.triangular_loop, [X3 + 1.0]),
    *case(F.loops_in_branches, [X3], id="loops_in_branches-range"),
    *case(F.loops_in_branches, [X3_NEG], id="loops_in_branches-rows"),
    *case(F.branches_in_loop, [X3], id="branches_in_loop-mixed"),
    *case(F.branches_in_loop, [X3 * 5.0], id="branches_in_loop-halving"),
    *case(F.branches_in_loop, [X3_NEG * 5.0], id="branches_in_loop-squaring"),
    *case(F.branch_on_index_in_loop, [X3 + 1.0]),
    *case(F.while_doubling, [3.0]),
    *case(F.while_doubling_array, [X3 + 1.0]),
    *case(F.while_counter, [0.7]),
    *case(F.while_data_and_counter, [1.0], id="while_data_and_counter-breaks"),
    *case(F.while_data_and_counter, [-0.3], id="while_data_and_counter-counter"),
    *case(F.newton_sqrt, [2.0]),
    *case(F.newton_fixed_iterations, [2.0, 1.0], (0, 1)),
    *case(F.for_break, [0.7], id="for_break-breaks"),
    *case(F.for_break, [0.01], id="for_break-runs-out"),
    *case(F.for_break_array, [vec(0.5, 1.0, -0.5, 2.0)]),
    *case(F.for_continue, [vec(0.5, -1.0, 0.3, 2.0)]),
    *case(F.for_continue_overwrite, [0.4]),
    *case(F.while_break, [0.5]),
    *case(F.while_continue, [0.5]),
    *case(F.nested_break, [np.array([[0.5, 0.7, 2.0], [1.2, 0.3, 0.1], [0.9, 0.9, 0.9],
                                    [0.2, 0.1, 0.3]])]),
    *case(F.break_in_branch_with_else, [1.0]),
    *case(F.zero_trip_range, [X3, 0]),
    *case(F.zero_trip_list, [X3, []]),
    *case(F.zero_trip_while, [2.0]),
    *case(F.while_in_for, [0.5]),
    *case(F.for_break_in_while, [0.5]),
    *case(F.inactive_while_in_loop, [X3]),
    *case(F.inactive_for_in_loop, [X3]),
    *case(F.inactive_while_at_top, [X3]),
    *case(F.inactive_while_in_branch, [X3]),
    *case(F.inactive_range_with_break_in_loop, [X3, 0.6]),
]

CALL_CASES = [
    *case(cf.uses_local_helper, [CX3]),
    *case(cf.uses_imported_helper, [CX3]),
    *case(cf.uses_imported_two_arguments, [CX3, CV3], (0, 1)),
    *case(cf.uses_module_attribute, [CX3]),
    *case(cf.uses_two_functions_named_inner, [CX3]),
    *case(cf.chain_f, [CX3 * 0.3]),
    *case(cf.two_layers, [CX3, CW33], (0, 1)),
    *case(cf.two_layers, [CX3, CW33], (1,), id="two_layers-wrt-W"),
    *case(cf.layer_x_then_layer_w, [CX3, CW33, CV3], (0, 1)),
    *case(cf.uses_non_differentiated_arguments, [CX3, 3]),
    *case(cf.uses_constant_helper, [CX3]),
    *case(cf.uses_keywords, [CX3, CV3], (0, 1)),
    *case(cf.uses_float_default, [CX3, CV3], (0, 1)),
    *case(cf.uses_none_default, [CX3, 1.7], (0, 1)),
    *case(cf.uses_none_default_only, [CX3]),
    *case(cf.uses_none_default_rebound_in_callee, [CX3, 1.7], (0, 1)),
    *case(cf.uses_array_default, [CX3]),
    *case(cf.uses_keyword_only, [POSITIVE3, CV3]),
    *case(cf.uses_differentiated_keyword_only, [POSITIVE3, CV3], (0, 1)),
    *case(cf.weighted_constant, [CV3]),
    *case(cf.uses_one_tuple_result, [CX3]),
    *case(cf.uses_both_tuple_results, [CX3]),
    *case(cf.rnn, [CX3, CXS, CW33], (0, 1, 2)),
    *case(cf.rnn_over_rows, [CX3, CXS, CW33], (0, 1, 2)),
    *case(cf.call_in_branch, [CX3, 1.0], id="call_in_branch-if"),
    *case(cf.call_in_branch, [CX3, -1.0], id="call_in_branch-else"),
    *case(cf.call_in_condition, [CX3]),
    *case(cf.call_in_while, [CX3, 3]),
    *case(cf.uses_parameter_rebound_in_callee_loop, [CX3]),
    *case(cf.repeated_square, [3.0, 2]),
    *case(cf.accumulate, [0.7, 4], id="recursive-accumulate"),
    *case(cf.parity, [CX3, 5], id="parity-odd"),
    *case(cf.parity, [CX3, 4], id="parity-even"),
    *case(cf.uses_swap, [0.8, -1.3], (0, 1)),
    *case(cf.deep, [0.7, 20]),
    *case(cf.exec_function_on_constant, [0.4]),
]

CX = vec(0.3, 0.5, -0.2)
CONTAINER_CASES = [
    *case(C.list_append_loop, [CX]),
    *case(C.list_literal, [CX, W3], (0, 1)),
    *case(C.tuple_from_helper, [CX, W3], (0, 1)),
    *case(C.tuple_internal, [CX, W3], (0, 1)),
    *case(C.dict_literal, [CX, W3], (0, 1)),
    *case(C.fill_recurrence, [vec(0.3, 0.5, -0.2, 0.8, 0.6)]),
    *case(C.fill_from_scalars, [CX, 0.7], (0, 1)),
    *case(C.slice_assign, [CX, W3], (0, 1)),
    *case(C.slice_augassign, [CX, vec(0.4, -0.3)], (0, 1)),
    *case(C.row_assign, [CX, M32], (0, 1)),
    *case(C.overwrite_twice, [CX]),
    *case(C.overwrite_unused, [CX]),
    *case(C.read_before_and_after, [CX]),
    *case(C.grid_fill, [CX]),
    *case(C.branch_fill, [vec(0.3, -0.5, 0.7)]),
    *case(C.multiply_in_place, [CX]),
    *case(C.slice_augassign_loop, [CX, vec(0.4, -0.3)], (0, 1)),
    *case(C.negative_and_fancy_index, [vec(0.3, 0.9, -0.2)]),
    *case(C.list_setitem, [CX]),
    *case(C.list_setitem_loop, [CX]),
]

SYNTAX_CASES = [
    *case(FF.operators, [X3 + 1.0, W3], (0, 1)),
    *case(FF.scalar_operators, [1.3, 0.8], (0, 1)),
    *case(FF.augmented_assignment, [X3, W3], (0, 1)),
    *case(FF.matmul_augmented, [M33, X3], (0, 1)),
    *case(FF.unpacking, [X3, W3], (0, 1)),
    *case(FF.several_returns, [1.5, 0.5], (0, 1), id="several_returns-first"),
    *case(FF.several_returns, [-1.5, 0.5], (0, 1), id="several_returns-second"),
    *case(FF.several_returns, [0.2, 0.5], (0, 1), id="several_returns-last"),
    *case(FF.subscripts, [M43, X3], (0, 1)),
    *case(FF.zero_d, [np.array(0.7), 1.3], (0, 1)),
    *case(FF.elementwise_primitives, [vec(0.7, -0.4, 1.1, 0.45)]),
    *case(FF.reductions, [M43]),
    *case(FF.shapes, [M43, X3 + W3], (0, 1)),
    *case(FF.products, [M33, M33.T * 0.5 + 0.1, X3], (0, 1, 2)),
    *case(FF.math_functions, [1.3, 0.6], (0, 1)),
    *case(FF.constants_and_builtins, [X3]),
    *case(FF.mlp_loss, [_data(6, 4, 3, scale=0.5), _data(7, 4, 1) * 0.1,
                       _data(8, 3, 4, scale=0.5), _data(9, 3, 5),
                       np.eye(3)[:, [0, 1, 2, 1, 0]]], (0, 1, 2, 3)),
    *case(FF.logsumexp, [_data(10, 5)]),
    *case(FF.python_loop, [X3, 0.8], (0, 1)),
    *case(FF.branchy_loop, [X3]),
    *case(FF.while_scalar, [1.3]),
    *case(FF.calls_helper, [X3, 0.7], (0, 1)),
    *case(FF.recursive_poly, [X3, 3]),
    *case(FF.quadratic_form, [X3, M33], (0, 1)),
]

SCALAR_CASES = CONTROL_FLOW_CASES + CALL_CASES + CONTAINER_CASES + SYNTAX_CASES


# -- helpers -------------------------------------------------------------------------------------


def _rng(*key: Any) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def random_like(x: Any, rng: np.random.Generator) -> Any:
    """A random tangent shaped like ``x``: a Python float for a float, an array for an array."""
    if isinstance(x, np.ndarray):
        return rng.normal(size=x.shape)
    return float(rng.normal())


def seeds_for(fn: Callable, args: Sequence[Any], wrt: Sequence[int]) -> tuple[Any, ...]:
    rng = _rng(fn.__module__, fn.__name__, [np.shape(a) for a in args], tuple(wrt))
    return tuple(random_like(args[i], rng) for i in wrt)


def along(args: Sequence[Any], wrt: Sequence[int], tangents: Sequence[Any],
          step: float) -> list[Any]:
    """``args`` with ``args[i] + step * v_i`` for each ``i`` in ``wrt``."""
    out = list(args)
    for i, v in zip(wrt, tangents):
        out[i] = out[i] + step * v
    return out


def directional_difference(fn: Callable, args: Sequence[Any], wrt: Sequence[int],
                           tangents: Sequence[Any], eps: float = EPS) -> Any:
    """``(f(x + eps v) - f(x - eps v)) / (2 eps)`` in float64."""
    plus = np.asarray(fn(*along(args, wrt, tangents, eps)), np.float64)
    minus = np.asarray(fn(*along(args, wrt, tangents, -eps)), np.float64)
    return (plus - minus) / (2 * eps)


def inner(a: Any, b: Any) -> tuple[float, float]:
    """``<a, b>`` and ``sum |a * b|`` (the scale of its terms)."""
    product = np.asarray(a, np.float64) * np.asarray(b, np.float64)
    return float(np.sum(product)), float(np.sum(np.abs(product)))


def gradient_dot(fn: Callable, args: Sequence[Any], wrt: Sequence[int], tangents: Sequence[Any],
                 init_grad: Any = 1.0) -> tuple[float, float]:
    """``sum_i <J_i^T u, v_i>`` by reverse mode (optimized; the reverse-mode tests cover
    ``optimized=False``), and the scale of its terms."""
    grads = as_tuple(tangentlike.grad(fn, wrt=tuple(wrt))(*args, init_grad=init_grad), len(wrt))
    total, scale = 0.0, 0.0
    for g, v in zip(grads, tangents):
        t, s = inner(g, v)
        total, scale = total + t, scale + s
    return total, scale


def assert_tree_unchanged(args: Sequence[Any], before: Sequence[Any]) -> None:
    for a, b in zip(args, before):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg="forward mode modified its argument")
        else:
            assert a == b, "forward mode modified its argument"


# -- 1. scalar outputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("fn, args, wrt, optimized", SCALAR_CASES)
def test_jvp_matches_gradient_and_finite_differences(fn: Callable, args: tuple, wrt: tuple,
                                                     optimized: bool) -> None:
    tangents = seeds_for(fn, args, wrt)
    before = copy.deepcopy(list(args))
    value, tangent = tangentlike.jvp(fn, wrt=wrt, optimized=optimized)(args, tangents)
    assert_tree_unchanged(args, before)
    df = tangentlike.autodiff(fn, mode="forward", wrt=wrt, optimized=optimized)
    where = f"{fn.__name__} (optimized={optimized})\n{df.source}"
    assert np.shape(tangent) == (), f"{where}: tangent shape {np.shape(tangent)}"
    np.testing.assert_allclose(value, fn(*args), rtol=1e-12, atol=0.0, err_msg=where)
    # reverse mode: sum_i <grad_i, v_i>
    expected, scale = gradient_dot(fn, args, wrt, tangents)
    assert abs(float(tangent) - expected) <= EXACT_RTOL * abs(expected) + \
        EXACT_ATOL_SCALE * scale, f"{where}: jvp {tangent!r} != <grad, v> {expected!r}"
    # finite differences along v
    fd = directional_difference(fn, args, wrt, tangents)
    np.testing.assert_allclose(float(tangent), fd, rtol=FD_RTOL, atol=FD_ATOL, err_msg=where)
    # autodiff: seeds after the arguments, and by name
    by_position = df(*args, *tangents)
    by_name = df(*args, **dict(zip(df.seeds, tangents)))
    assert len(df.seeds) == len(wrt)
    np.testing.assert_allclose(by_position, tangent, rtol=1e-14, atol=0.0, err_msg=where)
    np.testing.assert_allclose(by_name, tangent, rtol=1e-14, atol=0.0, err_msg=where)
    assert_tree_unchanged(args, before)


@pytest.mark.parametrize("fn, args, wrt, optimized", [
    *case(F.if_sum_positive, [X3]), *case(F.power_loop, [1.1, 3]),
    *case(cf.rnn, [CX3, CXS, CW33], (0, 1, 2)), *case(FF.elementwise_primitives, [X3 + 1.0]),
    *case(C.fill_recurrence, [vec(0.3, 0.5, -0.2, 0.8, 0.6)]),
])
def test_jvp_is_linear_in_the_seed(fn: Callable, args: tuple, wrt: tuple,
                                   optimized: bool) -> None:
    """``J (a v + b w) = a J v + b J w``, and a zero seed gives a zero tangent."""
    df = tangentlike.autodiff(fn, mode="forward", wrt=wrt, optimized=optimized)
    v = seeds_for(fn, args, wrt)
    w = tuple(random_like(args[i], _rng("w", fn.__name__)) for i in wrt)
    combined = tuple(2.0 * a - 0.5 * b for a, b in zip(v, w))
    np.testing.assert_allclose(df(*args, *combined),
                               2.0 * df(*args, *v) - 0.5 * df(*args, *w), rtol=1e-10, atol=1e-12)
    zeros = tuple(np.zeros_like(a) if isinstance(a, np.ndarray) else 0.0 for a in v)
    assert df(*args, *zeros) == 0.0


@pytest.mark.parametrize("optimized", [True, False], ids=["opt", "noopt"])
def test_stop_gradient(optimized: bool) -> None:
    """``a = stop_gradient(x * y)`` is a constant: the tangent of ``sum(a x + y y)`` is
    ``<a, dx> + <2 y, dy>``, as reverse mode says (finite differences would see ``a`` move)."""
    x, y = X3, W3
    dx, dy = seeds_for(FF.stopped, (x, y), (0, 1))
    value, tangent = tangentlike.jvp(FF.stopped, optimized=optimized)((x, y), (dx, dy))
    expected = np.sum(x * y * dx) + np.sum(2.0 * y * dy)
    assert tangent == pytest.approx(expected, rel=1e-13)
    assert value == pytest.approx(FF.stopped(x, y), rel=1e-14)
    total, _ = gradient_dot(FF.stopped, (x, y), (0, 1), (dx, dy))
    assert tangent == pytest.approx(total, rel=1e-13)


# -- 2. array outputs: the dot-product test -----------------------------------------------------

VECTOR_CASES = [
    *case(FF.elementwise_map, [X3, W3], (0, 1)),
    *case(FF.elementwise_map, [M43, M43[::-1] * 0.5], (0, 1), id="elementwise_map-2d"),
    *case(FF.matmul_out, [M33, X3], (0, 1)),
    *case(FF.matmul_out, [M33 * 0.5, W3], (0,), id="matmul_out-wrt-A"),
    *case(FF.slicing_out, [vec(0.3, -0.7, 1.2, 0.4, 0.9)]),
    *case(FF.reshape_out, [vec(0.3, -0.7, 1.2, 0.4, 0.9, -0.1)]),
    *case(FF.setitem_loop_out, [vec(0.3, -0.7, 1.2, 0.4), 0.6], (0, 1)),
    *case(FF.rows_out, [M43, X3], (0, 1)),
    *case(FF.scalar_to_vector, [0.7]),
    *case(FF.scalar_to_vector_np, [0.7]),
    *case(C.fill_recurrence, [vec(0.3, 0.5)], id="scalar-output-as-0d-check"),
]


@pytest.mark.parametrize("fn, args, wrt, optimized", VECTOR_CASES)
def test_dot_product_forward_against_reverse(fn: Callable, args: tuple, wrt: tuple,
                                             optimized: bool) -> None:
    """``<u, J v> == <J^T u, v>`` to ``rtol=1e-9`` (plus ``1e-12`` times the sum of the
    absolute terms), and ``J v`` against finite differences along ``v``."""
    v = seeds_for(fn, args, wrt)
    y = fn(*args)
    u = random_like(np.asarray(y), _rng("u", fn.__name__, np.shape(y)))
    if np.ndim(y) == 0:
        u = float(u)
    df = tangentlike.autodiff(fn, mode="forward", wrt=wrt, optimized=optimized)
    where = f"{fn.__name__} (optimized={optimized})\n{df.source}"
    jv = df(*args, *v)
    assert np.shape(jv) == np.shape(y), f"{where}: J v shape {np.shape(jv)} != {np.shape(y)}"
    forward, forward_scale = inner(u, jv)
    backward, backward_scale = gradient_dot(fn, args, wrt, v, init_grad=u)
    scale = max(forward_scale, backward_scale)
    assert abs(forward - backward) <= EXACT_RTOL * abs(backward) + EXACT_ATOL_SCALE * scale, \
        f"{where}: <u, J v> = {forward!r} but <J^T u, v> = {backward!r}"
    np.testing.assert_allclose(np.asarray(jv, np.float64),
                               directional_difference(fn, args, wrt, v),
                               rtol=FD_RTOL, atol=FD_ATOL, err_msg=where)


# -- 3. the generated source ---------------------------------------------------------------------


@OPTIMIZED
@pytest.mark.parametrize("fn, wrt", [
    (F.slide_math, (0, 1, 2)), (F.power_loop, (0,)), (F.branches_in_loop, (0,)),
    (F.for_break, (0,)), (cf.uses_local_helper, (0,)), (C.fill_recurrence, (0,)),
    (FF.unpacking, (0, 1)), (FF.augmented_assignment, (0, 1)),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_generated_source_names_the_users_lines(fn: Callable, wrt: tuple,
                                                optimized: bool) -> None:
    """``def <name>_jvp(``, and every ``# Tangent of:`` comment quotes a line of the user's
    file (a line cut at an opening bracket ends in `` ...``)."""
    df = tangentlike.autodiff(fn, mode="forward", wrt=wrt, optimized=optimized)
    source = df.source
    assert f"def {fn.__name__}_jvp(" in source
    comments = [line.strip()[len("# Tangent of: "):] for line in source.splitlines()
                if line.strip().startswith("# Tangent of: ")]
    assert comments, source
    user_source = Path(inspect.getsourcefile(fn)).read_text()
    for text in comments:
        assert text.removesuffix(" ...") in user_source, f"{text!r} is not the user's\n{source}"
    compile(source, df.path, "exec")
    assert Path(df.path).read_text() == source


@OPTIMIZED
def test_seed_names(optimized: bool) -> None:
    df = tangentlike.autodiff(F.slide_math, mode="forward", wrt=(0, 2), optimized=optimized)
    assert df.seeds == ("da", "dc")
    assert "def slide_math_jvp(a, b, c, da, dc" in df.source


# -- 4. the classic checks -----------------------------------------------------------------------


@OPTIMIZED
@pytest.mark.parametrize("fn", [F.slide_math, F.slide_np], ids=["math", "np"])
def test_slide_example(fn: Callable, optimized: bool) -> None:
    """``f(a, b, c) = a * sin(b) if b > c else a + b * c`` at (3, 2, 1): d/da is sin(2),
    exactly, in forward and reverse mode; d/db is 3 cos(2) and d/dc is 0."""
    df = tangentlike.autodiff(fn, mode="forward", wrt=(0,), optimized=optimized)
    forward = df(3.0, 2.0, 1.0, 1.0)
    reverse = tangentlike.grad(fn, optimized=optimized)(3.0, 2.0, 1.0)
    assert forward == np.sin(2.0) == math.sin(2.0)
    assert reverse == math.sin(2.0)
    db = tangentlike.autodiff(fn, mode="forward", wrt=(1,), optimized=optimized)
    assert db(3.0, 2.0, 1.0, 1.0) == pytest.approx(3.0 * math.cos(2.0), rel=1e-15)
    dc = tangentlike.autodiff(fn, mode="forward", wrt=(2,), optimized=optimized)
    assert dc(3.0, 2.0, 1.0, 1.0) == 0.0
    # the other branch: f = a + b c
    dall = tangentlike.autodiff(fn, mode="forward", wrt=(0, 1, 2), optimized=optimized)
    assert dall(3.0, 1.0, 2.0, 1.0, 0.0, 0.0) == 1.0
    assert dall(3.0, 1.0, 2.0, 0.0, 1.0, 0.0) == 2.0
    assert dall(3.0, 1.0, 2.0, 0.0, 0.0, 1.0) == 1.0


@OPTIMIZED
@pytest.mark.parametrize("fn", [F.power_recursive, cf.repeated_square, F.power_loop],
                         ids=["recursive", "recursive-calls-module", "loop"])
def test_power_recursion(fn: Callable, optimized: bool) -> None:
    """``f(x, n) = x if n == 0 else f(x * x, n - 1)``: x ** 4 at n = 2, derivative 108 at 3."""
    df = tangentlike.autodiff(fn, mode="forward", optimized=optimized)
    assert df(3.0, 2, 1.0) == 108.0
    assert df(3.0, 0, 1.0) == 1.0
    assert df(3.0, 1, 0.5) == 3.0
    tangent, value = tangentlike.autodiff(fn, mode="forward", optimized=optimized,
                                          preserve_result=True)(3.0, 2, 1.0)
    assert (tangent, value) == (108.0, 81.0)


@OPTIMIZED
def test_recursion_calls_the_generated_jvp(optimized: bool) -> None:
    df = tangentlike.autodiff(F.power_recursive, mode="forward", optimized=optimized)
    assert "power_recursive_jvp" in df.source.split("def power_recursive_jvp(", 1)[1]


@pytest.mark.parametrize("fn, args, wrt, optimized", [
    *case(F.if_sum_positive, [X3]), *case(F.slide_math, [1.5, 2.0, 1.0], (0, 1)),
    *case(cf.rnn, [CX3, CXS, CW33], (0, 2)), *case(FF.matmul_out, [M33, X3], (0, 1)),
    *case(FF.setitem_loop_out, [vec(0.3, -0.7, 1.2), 0.6], (0, 1)),
])
def test_preserve_result(fn: Callable, args: tuple, wrt: tuple, optimized: bool) -> None:
    """``preserve_result=True`` returns ``(tangent, value)``: the value is the function's own,
    the tangent the same as without."""
    v = seeds_for(fn, args, wrt)
    plain = tangentlike.autodiff(fn, mode="forward", wrt=wrt, optimized=optimized)
    both = tangentlike.autodiff(fn, mode="forward", wrt=wrt, optimized=optimized,
                                preserve_result=True)
    result = both(*args, *v)
    assert isinstance(result, tuple) and len(result) == 2
    tangent, value = result
    np.testing.assert_allclose(value, fn(*args), rtol=1e-12, atol=0.0)
    np.testing.assert_allclose(tangent, plain(*args, *v), rtol=1e-14, atol=0.0)
    assert np.shape(tangent) == np.shape(value)


@OPTIMIZED
def test_seeds_by_name_with_defaults(optimized: bool) -> None:
    """``affine(x, w, b=0.5)``: the seeds follow a parameter with a default, so they are
    passed by name; leaving ``b`` out uses its default."""
    fn = cf.affine
    df = tangentlike.autodiff(fn, mode="forward", wrt=(0, 1), optimized=optimized)
    assert len(df.seeds) == 2
    dx, dw = df.seeds
    x, w, vx, vw = CX3, CV3, CV3 * 0.5, CX3 - 1.0
    expected = vx * w + x * vw
    np.testing.assert_allclose(df(x, w, **{dx: vx, dw: vw}), expected, rtol=1e-14)
    np.testing.assert_allclose(df(x, w, 2.0, **{dx: vx, dw: vw}), expected, rtol=1e-14)
    db = tangentlike.autodiff(fn, mode="forward", wrt=(2,), optimized=optimized)
    (seed,) = db.seeds
    np.testing.assert_allclose(db(x, w, 2.0, **{seed: 0.25}), np.full(3, 0.25), rtol=1e-14)


@pytest.fixture
def reverse_only_rule() -> Iterator[Any]:
    """``reverse_only`` gets an adjoint (``@tangentlike.adjoint``) and no tangent rule; the
    rule is removed afterwards, and the generated derivatives are forgotten."""
    assert FF.reverse_only not in registry.ADJOINTS
    tangentlike.adjoint(FF.reverse_only)(FF.reverse_only_adjoint)
    tangentlike.clear_cache()
    try:
        yield FF.reverse_only
    finally:
        registry.ADJOINTS.pop(FF.reverse_only, None)
        tangentlike.clear_cache()


@OPTIMIZED
def test_reverse_rule_only_refuses_forward_mode(reverse_only_rule: Any,
                                                optimized: bool) -> None:
    """Reverse mode uses the registered adjoint (it does not read ``reverse_only``'s body);
    forward mode raises ``NoDerivativeError`` naming the primitive, never a zero tangent."""
    g = tangentlike.grad(FF.uses_reverse_only, optimized=optimized)(X3)
    np.testing.assert_allclose(g, 4.0 * X3 ** 3, rtol=1e-14)
    assert "reverse_only(" in tangentlike.grad(FF.uses_reverse_only).source
    assert FF.reverse_only not in registry.TANGENTS
    with pytest.raises(tangentlike.NoDerivativeError) as info:
        df = tangentlike.autodiff(FF.uses_reverse_only, mode="forward", optimized=optimized)
        df(X3, np.ones(3))
    err = info.value
    assert "reverse_only" in err.message
    assert err.location.function == "uses_reverse_only"
    assert isinstance(err, tangentlike.TangentlikeError)
    with pytest.raises(tangentlike.NoDerivativeError, match="reverse_only"):
        tangentlike.jvp(FF.uses_reverse_only, optimized=optimized)((X3,), (np.ones(3),))


# -- regressions found by the random-program fuzzer (tests/fuzz.py) ---------------------------
FUZZ_SOURCES = {
    # an argument re-bound to a constant in a branch, then updated: the tangent is zero on
    # that path (it once was the value), and x's own tangent on the other
    "rebound_constant_then_updated": """
        def f(x, y):
            if y > 0.0:
                x = 0.5
            x -= 1.5
            return np.sum(x * y)
    """,
    # the same inside a loop, re-bound on every iteration
    "rebound_constant_in_loop": """
        def f(x, y):
            for i in range(2):
                x = 0.5 * i
                x -= 1.5 * y
            return np.sum(x * y) + np.sum(y)
    """,
    # a loop whose body only touches a value nothing reads afterwards
    "loop_with_nothing_to_differentiate": """
        def f(x, y):
            v = y * 1.0
            for i in range(2):
                w = v
                for r in w:
                    u = v
            return np.sum(x) + np.sum(v)
    """,
    # a tuple assignment that swaps arguments, then an in-place update of a new array
    "swap_then_inplace": """
        def f(x, y):
            x, y = y, x
            z = x * 2.0
            z[1] += np.sum(y ** 2)
            z *= np.tanh(y)
            return np.sum(z)
    """,
}


def _check_forward_three_calls(f: Callable, args: tuple, wrt: int) -> None:
    """``jvp`` with respect to ``args[wrt]``, optimized or not, three calls each: the value is
    ``f(*args)`` exactly and the tangent the central difference along a random direction."""
    v = random_like(args[wrt], _rng(f.__name__, wrt))
    shifted = [list(args), list(args)]
    shifted[0][wrt] = args[wrt] + EPS * v
    shifted[1][wrt] = args[wrt] - EPS * v
    expected = (f(*shifted[0]) - f(*shifted[1])) / (2 * EPS)
    for optimized in (True, False):
        jv = tangentlike.jvp(f, wrt=wrt, optimized=optimized)
        for call in range(3):
            value, tangent = jv(args, (v,))
            assert value == f(*args), (optimized, call, value)
            np.testing.assert_allclose(tangent, expected, rtol=FD_RTOL, atol=FD_ATOL,
                                       err_msg=f"optimized={optimized}, call {call + 1}")


@pytest.mark.parametrize("name", [
    "rebound_constant_then_updated", "rebound_constant_in_loop",
    "loop_with_nothing_to_differentiate",
    "swap_then_inplace"])
@pytest.mark.parametrize("y", [0.7, -0.4])
def test_fuzzer_regressions(name: str, y: float) -> None:
    """Forward mode on programs the fuzzer found wrong or crashing, against finite
    differences, with respect to each argument."""
    from support import make_function
    f = make_function(FUZZ_SOURCES[name])
    x = np.array([0.3, -0.8, 1.1])
    if name in ("swap_then_inplace", "loop_with_nothing_to_differentiate"):
        args = (x, np.full(3, y))
    elif name == "rebound_constant_then_updated":
        args = (0.3, y)  # x -= 1.5 would change an array argument in place
    else:
        args = (x, y)
    for wrt in (0, 1):
        _check_forward_three_calls(f, args, wrt)
