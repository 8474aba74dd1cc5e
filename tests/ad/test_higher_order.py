"""Higher-order derivatives by feeding generated code back in: ``grad(grad(f))``, forward over
reverse (``autodiff(grad(f), mode="forward")``, ``hvp``), forward over forward, ``hessian``
and ``jacobian``.

1. Third derivatives: ``grad(grad(grad(sin)))`` is ``-cos``, for ``math.sin`` and ``np.sin``.
2. Second derivatives through loops, branches, calls and containers, by three compositions:
   reverse over reverse (``grad(grad(f))(*args, 1.0, v)``: ``H v``), forward over reverse
   (``autodiff(grad(f), mode="forward")`` with the seed passed by name: ``H v``) and forward
   over forward (``autodiff(autodiff(f, mode="forward"), mode="forward")(*args, w, v)``:
   ``w^T H v``).  Each is checked against central finite differences of the (reverse-mode)
   gradient along ``v``, ``(g(x + eps v) - g(x - eps v)) / (2 eps)`` with ``eps=1e-6``,
   to ``rtol=1e-5, atol=1e-7``; and the three must agree with each other to ``rtol=1e-9``
   (they are exact chain rules; an ``atol`` of ``1e-12`` times the scale of the terms covers
   sums that cancel).
3. ``hvp`` on an MLP loss (tanh, softmax cross-entropy with the max trick), a logsumexp and a
   function with a Python loop, against finite differences of gradients and autograd's
   ``hessian_vector_product`` (``rtol=1e-9``) on an autograd twin of the same source.
4. ``hessian``: shape ``x.shape + x.shape``, symmetric, equal to ``autograd.hessian``, also
   through a call into a user function and through recursion.
5. ``jacobian``: shape ``y.shape + x.shape``, forward and reverse mode agree (and the default
   picks one of them), equal to finite differences and ``autograd.jacobian``, including a
   scalar-to-vector and a vector-to-scalar function.

Known bugs are strict xfails: the test as it should pass, with the bug as its reason.
"""
from __future__ import annotations

import inspect
import math
import re
import warnings
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import calls_functions as cf
import containers_functions as C
import control_flow_functions as F
import forward_functions as FF
import numpy as np
import pytest
from support import make_function

import tangentlike

FD_RTOL, FD_ATOL = 1e-5, 1e-7
EXACT_RTOL = 1e-9
EXACT_ATOL_SCALE = 1e-12
AUTOGRAD_RTOL, AUTOGRAD_ATOL = 1e-9, 1e-12
EPS = 1e-6


def vec(*values: float) -> np.ndarray:
    return np.array(values, np.float64)


def _data(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape) * scale


def _rng(*key: Any) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def random_like(x: Any, rng: np.random.Generator) -> Any:
    if isinstance(x, np.ndarray):
        return rng.normal(size=x.shape)
    return float(rng.normal())


X3 = vec(0.3, -0.2, 0.5)
X3_NEG = -X3
W3 = vec(1.0, 0.5, 0.2)
M33 = _data(11, 3, 3)
MLP_ARGS = (_data(6, 4, 3, scale=0.5), _data(7, 4, 1) * 0.1, _data(8, 3, 4, scale=0.5),
            _data(9, 3, 5), np.eye(3)[:, [0, 1, 2, 1, 0]])


COMPOSITIONS = ("rev-rev", "fwd-rev", "fwd-fwd")


# -- 1. third derivatives ------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [FF.sin_math, FF.sin_np], ids=["math", "np"])
@pytest.mark.parametrize("x", [0.7, -1.3, 2.5])
def test_third_derivative_of_sin(fn: Callable, x: float) -> None:
    d1 = tangentlike.grad(fn)
    d2 = tangentlike.grad(d1)
    d3 = tangentlike.grad(d2)
    assert d1(x) == pytest.approx(math.cos(x), rel=1e-14)
    assert d2(x) == pytest.approx(-math.sin(x), rel=1e-14)
    assert d3(x) == pytest.approx(-math.cos(x), rel=1e-14)
    # the same by forward over reverse over reverse, seeds by name
    f3 = tangentlike.autodiff(d2, mode="forward")
    assert f3(x, **{f3.seeds[0]: 1.0}) == pytest.approx(-math.cos(x), rel=1e-14)


def test_third_derivative_source_is_itself_differentiable() -> None:
    """Each level is a plain generated function with ``.source`` naming the level below."""
    d2 = tangentlike.grad(tangentlike.grad(FF.sin_np))
    d3 = tangentlike.grad(d2)
    assert "def " in d3.source and "init_grad" in d3.source
    assert d3(np.array(0.4)) == pytest.approx(-math.cos(0.4), rel=1e-14)


# -- 2. second derivatives by three compositions ------------------------------------------------


def ho_case(fn: Callable, args: Sequence[Any], wrt: int = 0, *, id: str | None = None,
            **xfails: str) -> Any:
    """``fn`` on ``args``, second derivatives with respect to argument ``wrt``; ``xfails``
    maps composition names (``rev_rev``, ``fwd_rev``, ``fwd_fwd``) to known bugs."""
    return (fn, tuple(args), wrt, id or fn.__name__,
            {k.replace("_", "-"): v for k, v in xfails.items()})


HO_CASES = [
    ho_case(F.slide_math, [1.5, 2.0, 1.0], 1, id="slide-sin-branch"),
    ho_case(F.slide_math, [1.5, 1.0, 2.0], 0, id="slide-else-branch"),
    ho_case(F.if_sum_positive, [X3], id="if-taken"),
    ho_case(F.if_sum_positive, [X3_NEG], id="else-taken"),
    ho_case(F.conditional_expression, [X3, X3_NEG]),
    ho_case(F.guarded_log, [1.5]),
    ho_case(F.if_overwrites_float, [2.0, 1.5]),
    ho_case(F.power_loop, [1.1, 3]),
    ho_case(F.range_constant, [X3]),
    ho_case(F.range_len, [X3]),
    ho_case(F.accumulate_array, [X3]),
    ho_case(F.loop_in_loop, [M33]),
    ho_case(F.loops_in_branches, [X3]),
    ho_case(F.horner, [X3, [0.5, -1.0, 2.0]]),
    ho_case(F.loop_over_constant_list, [X3]),
    ho_case(F.swap_in_loop, [0.7, 1.2]),
    ho_case(F.newton_sqrt, [2.0]),
    ho_case(F.newton_fixed_iterations, [2.0, 1.0]),
    ho_case(F.while_doubling_array, [X3 + 1.0]),
    ho_case(F.branches_in_loop, [X3]),
    ho_case(FF.while_scalar, [1.3]),
    ho_case(F.for_break, [0.7]),
    ho_case(F.for_continue_overwrite, [0.4]),
    ho_case(F.while_data_and_counter, [1.0]),
    ho_case(F.for_break_array, [vec(0.7, 1.1, -0.4, 0.9)]),
    ho_case(F.for_continue, [vec(0.7, -0.4, 1.1, 0.5)]),
    ho_case(F.while_break, [0.8]),
    ho_case(F.while_continue, [0.6]),
    ho_case(F.nested_break, [np.array([[0.5, 1.2, 0.3], [0.9, 0.8, 0.4], [1.5, 0.2, 0.1]])]),
    ho_case(F.break_in_branch_with_else, [0.9]),
    ho_case(F.for_break_in_while, [1.2]),
    ho_case(F.inactive_range_with_break_in_loop, [X3, 0.4]),
    ho_case(FF.python_loop, [X3, 0.8], 0, id="python_loop-x"),
    ho_case(FF.mlp_loss, MLP_ARGS, 0),
    ho_case(FF.logsumexp, [_data(10, 5)]),
    ho_case(FF.quadratic_form, [X3, M33]),
    ho_case(FF.primitives_mix, [vec(0.7, -0.4, 1.1), M33], 0, id="primitives-x"),
    ho_case(FF.primitives_mix, [vec(0.7, -0.4, 1.1), M33], 1, id="primitives-A"),
    ho_case(FF.math_mix, [1.3, 0.6], 0, id="math-a"),
    ho_case(FF.math_mix, [1.3, 0.6], 1, id="math-b"),
    ho_case(FF.transpose_reshape, [_data(13, 4, 3)]),
    ho_case(FF.calls_helper, [X3, 0.7]),
    ho_case(cf.uses_float_default, [X3, W3]),
    ho_case(cf.uses_keywords, [X3, W3]),
    ho_case(cf.uses_none_default, [X3, 1.5]),
    ho_case(cf.uses_none_default_rebound_in_callee, [X3, 1.5]),
    ho_case(cf.uses_array_default, [X3]),
    ho_case(cf.uses_keyword_only, [X3, W3]),
    ho_case(cf.uses_differentiated_keyword_only, [X3, W3], 1, id="differentiated_keyword_only-w"),
    ho_case(cf.uses_both_tuple_results, [X3]),
    ho_case(cf.call_in_branch, [X3, True], id="call_in_branch"),
    ho_case(cf.repeat_sin, [X3, 3]),
    ho_case(cf.uses_swap, [0.7, 1.2]),
    ho_case(cf.rnn, [_data(1, 3), _data(4, 10, 3), _data(3, 3, 3, scale=0.5)], 2),
    ho_case(F.power_recursive, [1.1, 3]),
    ho_case(FF.recursive_poly, [X3, 3]),
    ho_case(cf.parity, [X3, 3]),
    ho_case(C.fill_recurrence, [vec(0.3, 0.5, -0.2, 0.8)]),
    ho_case(C.list_literal, [X3, W3]),
    ho_case(C.list_setitem, [X3]),
    ho_case(C.list_setitem_loop, [X3]),
    ho_case(C.list_append_loop, [X3]),
    ho_case(C.tuple_internal, [X3, W3]),
    ho_case(C.tuple_from_helper, [X3, W3]),
    ho_case(C.dict_literal, [X3, W3]),
    ho_case(C.dict_in_loop, [{"a": 0.7, "w": W3}, X3], 1, id="dict_in_loop-x"),
    ho_case(C.slice_assign, [X3, W3]),
    ho_case(C.slice_augassign, [X3, vec(0.4, -0.3)], 1, id="slice_augassign-v"),
    ho_case(C.row_assign, [X3, M33[:, :2]]),
    ho_case(C.grid_fill, [X3]),
    ho_case(C.branch_fill, [X3]),
    ho_case(C.multiply_in_place, [X3]),
    ho_case(C.slice_augassign_loop, [X3, vec(0.4, -0.3)]),
]


def _composition_params() -> list[Any]:
    out = []
    for fn, args, wrt, name, xfails in HO_CASES:
        for composition in COMPOSITIONS:
            reason = xfails.get(composition)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(fn, args, wrt, composition, marks=marks,
                                    id=f"{name}-{composition}"))
    return out


def _agreement_params() -> list[Any]:
    """The cases whose three compositions all work (the others are strict xfails above);
    every eighth in the default run, all of them with ``-m slow``."""
    cases = [(fn, args, wrt, name) for fn, args, wrt, name, xfails in HO_CASES if not xfails]
    return [pytest.param(fn, args, wrt, id=name, marks=[] if i % 8 == 0 else [pytest.mark.slow])
            for i, (fn, args, wrt, name) in enumerate(cases)]


def directions(fn: Callable, args: Sequence[Any], wrt: int) -> tuple[Any, Any]:
    rng = _rng(fn.__module__, fn.__name__, wrt, [np.shape(a) for a in args])
    return random_like(args[wrt], rng), random_like(args[wrt], rng)


def with_arg(args: Sequence[Any], wrt: int, value: Any) -> list[Any]:
    out = list(args)
    out[wrt] = value
    return out


def fd_hessian_vector(fn: Callable, args: Sequence[Any], wrt: int, v: Any,
                      eps: float = EPS) -> np.ndarray:
    """Central differences of the reverse-mode gradient along ``v``: ``H v``."""
    g = tangentlike.grad(fn, wrt=wrt)
    x = args[wrt]
    plus = np.asarray(g(*with_arg(args, wrt, x + eps * v)), np.float64)
    minus = np.asarray(g(*with_arg(args, wrt, x - eps * v)), np.float64)
    return (plus - minus) / (2 * eps)


def second_order(fn: Callable, args: Sequence[Any], wrt: int, composition: str, v: Any,
                 w: Any) -> tuple[Any, Callable]:
    """``H v`` (rev-rev, fwd-rev) or ``w^T H v`` (fwd-fwd), and the derivative used."""
    if composition == "rev-rev":
        d2 = tangentlike.grad(tangentlike.grad(fn, wrt=wrt), wrt=wrt)
        return d2(*args, 1.0, v), d2
    if composition == "fwd-rev":
        d2 = tangentlike.autodiff(tangentlike.grad(fn, wrt=wrt), mode="forward", wrt=wrt)
        (seed,) = d2.seeds
        return d2(*args, **{seed: v}), d2
    inner = tangentlike.autodiff(fn, mode="forward", wrt=wrt)
    d2 = tangentlike.autodiff(inner, mode="forward", wrt=wrt)
    (seed,) = d2.seeds
    return d2(*args, w, **{seed: v}), d2


def inner_product(a: Any, b: Any) -> tuple[float, float]:
    product = np.asarray(a, np.float64) * np.asarray(b, np.float64)
    return float(np.sum(product)), float(np.sum(np.abs(product)))


@pytest.mark.parametrize("fn, args, wrt, composition", _composition_params())
def test_second_order_against_finite_differences(fn: Callable, args: tuple, wrt: int,
                                                 composition: str) -> None:
    v, w = directions(fn, args, wrt)
    got, d2 = second_order(fn, args, wrt, composition, v, w)
    fd = fd_hessian_vector(fn, args, wrt, v)
    where = f"{fn.__name__} {composition}\n{d2.source}"
    if composition == "fwd-fwd":
        expected, scale = inner_product(w, fd)
        assert np.shape(got) == (), where
        np.testing.assert_allclose(float(got), expected, rtol=FD_RTOL,
                                   atol=FD_ATOL + 1e-8 * scale, err_msg=where)
    else:
        assert np.shape(got) == np.shape(args[wrt]), where
        np.testing.assert_allclose(np.asarray(got, np.float64), fd, rtol=FD_RTOL, atol=FD_ATOL,
                                   err_msg=where)


@pytest.mark.parametrize("fn, args, wrt", _agreement_params())
def test_second_order_compositions_agree(fn: Callable, args: tuple, wrt: int) -> None:
    """``<w, H v>`` by reverse over reverse, forward over reverse and forward over forward,
    and ``<v, H w>`` (the Hessian is symmetric), all equal to ``rtol=1e-9``."""
    v, w = directions(fn, args, wrt)
    rr, _ = second_order(fn, args, wrt, "rev-rev", v, w)
    fr, _ = second_order(fn, args, wrt, "fwd-rev", v, w)
    fr_w, _ = second_order(fn, args, wrt, "fwd-rev", w, v)
    ff, _ = second_order(fn, args, wrt, "fwd-fwd", v, w)
    np.testing.assert_allclose(np.asarray(rr, np.float64), np.asarray(fr, np.float64),
                               rtol=EXACT_RTOL, atol=1e-12)
    values = {"rev-rev": inner_product(w, rr), "fwd-rev": inner_product(w, fr),
              "fwd-rev (v, w swapped)": inner_product(v, fr_w),
              "fwd-fwd": (float(ff), abs(float(ff)))}
    reference, _ = values["fwd-rev"]
    scale = max(s for _, s in values.values())
    for name, (value, _) in values.items():
        assert abs(value - reference) <= EXACT_RTOL * abs(reference) + EXACT_ATOL_SCALE * scale, \
            f"{fn.__name__}: {name} gives {value!r}, forward over reverse {reference!r}"


@pytest.mark.parametrize("optimized", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize("fn, args", [
    pytest.param(F.power_loop, (1.1, 3), id="power_loop"),
    pytest.param(F.if_overwrites_float, (2.0, 1.5), id="if_overwrites_float"),
])
def test_second_derivative_of_floats(fn: Callable, args: tuple, optimized: bool) -> None:
    """On a Python float: ``grad(grad(f))(x, n)`` is ``f''`` (``(a^8)'' = 56 a^6``), in
    both optimized settings, against finite differences of the gradient."""
    d2 = tangentlike.grad(tangentlike.grad(fn, optimized=optimized), optimized=optimized)
    got = d2(*args)
    assert isinstance(got, float), type(got)
    fd = fd_hessian_vector(fn, args, 0, 1.0)
    assert got == pytest.approx(float(fd), rel=FD_RTOL)
    if fn is F.power_loop:
        assert got == pytest.approx(56.0 * 1.1 ** 6, rel=1e-13)


# -- autograd twins -------------------------------------------------------------------------------


def autograd_twin(*fns: Callable) -> Callable:
    """``fns[0]`` (and the helpers ``fns[1:]`` it calls) defined again from their source with
    ``autograd.numpy`` as ``np`` and ``math.f`` spelled ``np.f``."""
    pytest.importorskip("autograd")
    source = "\n\n".join(re.sub(r"\bmath\.", "np.", inspect.getsource(f)) for f in fns)
    return make_function(source, numpy="autograd", name=fns[0].__name__)


def autograd_op(name: str, fn: Callable, wrt: int, helpers: Sequence[Callable] = ()) -> Callable:
    autograd = pytest.importorskip("autograd")
    op = getattr(autograd, name)(autograd_twin(fn, *helpers), wrt)

    def run(*args: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return op(*args)

    return run


# -- 3. hvp --------------------------------------------------------------------------------------

HVP_CASES = [
    pytest.param(FF.mlp_loss, MLP_ARGS, 0, id="mlp-W1"),
    pytest.param(FF.mlp_loss, MLP_ARGS, 1, id="mlp-b1"),
    pytest.param(FF.mlp_loss, MLP_ARGS, 2, id="mlp-W2"),
    pytest.param(FF.mlp_loss, MLP_ARGS, 3, id="mlp-x"),
    pytest.param(FF.logsumexp, (_data(10, 5),), 0, id="logsumexp"),
    pytest.param(FF.logsumexp, (_data(14, 3, 4) * 3.0,), 0, id="logsumexp-2d"),
    pytest.param(FF.python_loop, (X3, 0.8), 0, id="python-loop-x"),
    pytest.param(FF.python_loop, (X3, 0.8), 1, id="python-loop-w-float"),
]


@pytest.mark.parametrize("optimized", [True, False], ids=["opt", "noopt"])
@pytest.mark.parametrize("fn, args, wrt", HVP_CASES)
def test_hvp(fn: Callable, args: tuple, wrt: int, optimized: bool) -> None:
    """``hvp(f, wrt)(*args, v)`` is ``H v``: finite differences of the gradient (1e-5) and
    autograd's ``hessian_vector_product`` (1e-9)."""
    v, _ = directions(fn, args, wrt)
    product = tangentlike.hvp(fn, wrt=wrt, optimized=optimized)
    got = product(*args, v)
    assert np.shape(got) == np.shape(args[wrt])
    assert "def " in product.source
    np.testing.assert_allclose(np.asarray(got, np.float64), fd_hessian_vector(fn, args, wrt, v),
                               rtol=FD_RTOL, atol=FD_ATOL)
    expected = autograd_op("hessian_vector_product", fn, wrt)(*args, v)
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(expected, np.float64),
                               rtol=AUTOGRAD_RTOL, atol=AUTOGRAD_ATOL)


def test_hvp_is_linear_and_symmetric() -> None:
    """``H (a v + b w) = a H v + b H w`` and ``<w, H v> = <v, H w>``."""
    args = MLP_ARGS
    product = tangentlike.hvp(FF.mlp_loss, wrt=0)
    v, w = directions(FF.mlp_loss, args, 0)
    hv, hw = product(*args, v), product(*args, w)
    np.testing.assert_allclose(product(*args, 2.0 * v - 3.0 * w), 2.0 * hv - 3.0 * hw,
                               rtol=1e-10, atol=1e-12)
    assert np.sum(w * hv) == pytest.approx(np.sum(v * hw), rel=1e-10)


# -- 4. hessian ----------------------------------------------------------------------------------

HESSIAN_CASES = [
    pytest.param(FF.logsumexp, (_data(10, 5),), 0, (), id="logsumexp"),
    pytest.param(FF.quadratic_form, (X3, M33), 0, (), id="quadratic-form"),
    pytest.param(FF.python_loop, (X3, 0.8), 0, (), id="python-loop"),
    pytest.param(FF.mlp_loss, MLP_ARGS, 1, (), id="mlp-b1-column"),
    pytest.param(FF.mlp_loss, (MLP_ARGS[0][:2, :2], MLP_ARGS[1][:2], MLP_ARGS[2][:, :2],
                               MLP_ARGS[3][:2], MLP_ARGS[4]), 0, (), id="mlp-W1-2x2"),
    pytest.param(F.if_sum_positive, (X3,), 0, (), id="branch"),
    pytest.param(FF.calls_helper, (X3, 0.7), 0, (FF.smooth_helper,), id="user-function-call"),
    pytest.param(FF.recursive_poly, (X3, 3), 0, (), id="recursion"),
]


@pytest.mark.parametrize("fn, args, wrt, helpers", HESSIAN_CASES)
def test_hessian(fn: Callable, args: tuple, wrt: int, helpers: tuple) -> None:
    """Shape ``x.shape + x.shape``, symmetric, equal to ``autograd.hessian`` (1e-9) and, column
    by column, to finite differences of the gradient (1e-5)."""
    x = args[wrt]
    H = tangentlike.hessian(fn, wrt=wrt)(*args)
    assert H.shape == np.shape(x) + np.shape(x)
    n = np.size(x)
    flat = H.reshape(n, n)
    np.testing.assert_allclose(flat, flat.T, rtol=1e-10, atol=1e-12)
    expected = autograd_op("hessian", fn, wrt, helpers)(*args)
    np.testing.assert_allclose(H, np.asarray(expected, np.float64), rtol=AUTOGRAD_RTOL,
                               atol=AUTOGRAD_ATOL)
    for k in range(n):
        e = np.zeros(n)
        e[k] = 1.0
        column = fd_hessian_vector(fn, args, wrt, e.reshape(np.shape(x)))
        np.testing.assert_allclose(flat[:, k], column.reshape(n), rtol=FD_RTOL, atol=FD_ATOL)


def test_hessian_closed_form() -> None:
    """``0.5 x^T A x + sum(x^3) / 3`` has Hessian ``(A + A^T) / 2 + 2 diag(x)``."""
    H = tangentlike.hessian(FF.quadratic_form)(X3, M33)
    np.testing.assert_allclose(H, 0.5 * (M33 + M33.T) + 2.0 * np.diag(X3), rtol=1e-13,
                               atol=1e-15)


def test_hessian_of_a_float_argument() -> None:
    """A Python float argument: a 0-d Hessian, ``f''``."""
    H = tangentlike.hessian(FF.python_loop, wrt=1)(X3, 0.8)
    assert np.shape(H) == ()
    assert float(H) == pytest.approx(float(fd_hessian_vector(FF.python_loop, (X3, 0.8), 1, 1.0)),
                                     rel=FD_RTOL)


# -- 5. jacobian ---------------------------------------------------------------------------------

JACOBIAN_CASES = [
    pytest.param(FF.elementwise_map, (X3, W3), 0, id="elementwise-map"),
    pytest.param(FF.elementwise_map, (_data(15, 2, 3), _data(16, 2, 3)), 1,
                 id="elementwise-map-2d"),
    pytest.param(FF.matmul_out, (M33, X3), 0, id="matmul-wrt-matrix"),
    pytest.param(FF.matmul_out, (M33, X3), 1, id="matmul-wrt-vector"),
    pytest.param(FF.slicing_out, (vec(0.3, -0.7, 1.2, 0.4, 0.9),), 0, id="slicing"),
    pytest.param(FF.reshape_out, (vec(0.3, -0.7, 1.2, 0.4, 0.9, -0.1),), 0, id="reshape"),
    pytest.param(FF.scalar_to_vector, (0.7,), 0, id="scalar-to-vector-math"),
    pytest.param(FF.scalar_to_vector_np, (0.7,), 0, id="scalar-to-vector-np"),
    pytest.param(FF.vector_to_scalar, (X3,), 0, id="vector-to-scalar"),
    pytest.param(FF.logsumexp, (_data(14, 3, 4),), 0, id="matrix-to-scalar"),
]


def fd_jacobian(fn: Callable, args: Sequence[Any], wrt: int, eps: float = EPS) -> np.ndarray:
    x = args[wrt]
    y = np.asarray(fn(*args))
    out = np.zeros(y.shape + np.shape(x))
    for index in np.ndindex(*np.shape(x)):
        e = np.zeros(np.shape(x))
        e[index] = 1.0
        e = e if np.ndim(x) else float(e)
        plus = np.asarray(fn(*with_arg(args, wrt, x + eps * e)), np.float64)
        minus = np.asarray(fn(*with_arg(args, wrt, x - eps * e)), np.float64)
        out[(...,) + index] = (plus - minus) / (2 * eps)
    return out


@pytest.mark.parametrize("fn, args, wrt", JACOBIAN_CASES)
def test_jacobian(fn: Callable, args: tuple, wrt: int) -> None:
    """Shape ``f(x).shape + x.shape``; forward and reverse mode agree to 1e-12 and the default
    is one of them; finite differences (1e-5) and ``autograd.jacobian`` (1e-9)."""
    x, y = args[wrt], fn(*args)
    shape = np.shape(y) + np.shape(x)
    forward = tangentlike.jacobian(fn, wrt=wrt, mode="forward")(*args)
    reverse = tangentlike.jacobian(fn, wrt=wrt, mode="reverse")(*args)
    default = tangentlike.jacobian(fn, wrt=wrt)(*args)
    for J in (forward, reverse, default):
        assert np.shape(J) == shape
    np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(default, forward, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(forward, fd_jacobian(fn, args, wrt), rtol=FD_RTOL, atol=FD_ATOL)
    expected = np.asarray(autograd_op("jacobian", fn, wrt)(*args), np.float64)
    np.testing.assert_allclose(forward, expected.reshape(shape), rtol=AUTOGRAD_RTOL,
                               atol=AUTOGRAD_ATOL)


def test_jacobian_shapes() -> None:
    """The documented shapes: ``(3,)`` for a scalar-to-vector function, ``(3,)`` for a
    vector-to-scalar one (the gradient), ``(3, 3, 3)`` for a matrix argument."""
    assert tangentlike.jacobian(FF.scalar_to_vector)(0.7).shape == (3,)
    J = tangentlike.jacobian(FF.vector_to_scalar)(X3)
    assert J.shape == (3,)
    np.testing.assert_allclose(J, tangentlike.grad(FF.vector_to_scalar)(X3), rtol=1e-14)
    assert tangentlike.jacobian(FF.matmul_out)(M33, X3).shape == (3, 3, 3)
    assert tangentlike.jacobian(FF.reshape_out)(np.ones(6)).shape == (3, 3, 6)


def test_jacobian_by_parameter_name() -> None:
    by_name = tangentlike.jacobian(FF.matmul_out, wrt="x")(M33, X3)
    by_index = tangentlike.jacobian(FF.matmul_out, wrt=1)(M33, X3)
    np.testing.assert_array_equal(by_name, by_index)
    np.testing.assert_allclose(by_index, np.diag(1.0 - np.tanh(M33 @ X3) ** 2) @ M33
                               + M33.T @ M33, rtol=1e-13)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_of_the_gradient_is_the_hessian(mode: str) -> None:
    """``jacobian(grad(f))`` equals ``hessian(f)``; ``grad(f)`` has a parameter with a
    default (``init_grad=1.0``), so the seed must go by name."""
    args = (_data(10, 5),)
    H = tangentlike.hessian(FF.logsumexp)(*args)
    J = tangentlike.jacobian(tangentlike.grad(FF.logsumexp), mode=mode)(*args)
    np.testing.assert_allclose(J, H, rtol=1e-12, atol=1e-14)


def test_jacobian_of_a_function_with_a_default() -> None:
    """The same without a generated function: ``affine(x, w, b=0.5)``."""
    x, w = X3, W3
    J = tangentlike.jacobian(cf.affine, mode="forward")(x, w)
    np.testing.assert_allclose(J, np.diag(w), rtol=1e-14)


def test_reverse_over_reverse_through_a_stored_derivative() -> None:
    """``df = grad(f)`` kept in a global and called from the differentiated ``g``: the call
    goes into df's generated source (its halves are split by their own seed name)."""
    f = make_function("def f(x):\n    return np.sum(np.sin(x) ** 2)\n")
    g = make_function("def g(x):\n    return np.sum(df(x) ** 2)\n")
    g.__globals__["df"] = tangentlike.grad(f)
    x = np.linspace(0.1, 0.9, 4)
    expected = [(g(x + 1e-6 * e) - g(x - 1e-6 * e)) / 2e-6 for e in np.eye(4)]
    np.testing.assert_allclose(tangentlike.grad(g)(x), expected, rtol=1e-6)
