"""No partial results: every block of ``jacobian``, ``hessian`` and ``hvp`` with respect to
several arguments, and no exact zero from a function that carries a derivative.

``wrt`` may be one argument (an index or a name: one array) or a tuple or list of them (a
tuple of blocks, as JAX's ``argnums``).  The blocks are checked against central finite
differences in float64 and against ``jax.jacobian`` / ``jax.hessian`` (64-bit) where JAX is
installed; a value of the wrong structure (an array where a tuple of vectors is due) is
refused with ``InputError``, never read as something else.

The functions treated as constants are only those whose result carries no derivative through
any argument (``np.full``'s fill value does: it has rules, checked in
``tests/rule_cases/numpy_arrays.py``), and the error for a call with no rule never suggests
marking it as a constant.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from support import make_function

import tangentlike
from tangentlike.errors import InputError, NoDerivativeError
from tangentlike.rules import registry

EPS = 1e-6

# f(x, y, s): x (3,), y (2, 2), s a float; a vector output (jacobian) and a scalar (hessian).
VECTOR_SOURCE = """
def vector(x, y, s):
    return np.tanh(y @ x[:2]) * s + np.sum(x * x) * y[:, 0] + np.sin(s * x[2]) * y[1]
"""
SCALAR_SOURCE = """
def scalar(x, y, s):
    return np.sum(np.sin(x) * x[::-1]) * np.sum(y ** 2) + np.sum(np.tanh(y @ x[:2])) * s * s
"""
MATRIX_SOURCE = """
def matrix(x, y, s):
    return np.outer(np.sin(x), y[0]) * s
"""
vector = make_function(VECTOR_SOURCE)
scalar = make_function(SCALAR_SOURCE)
matrix = make_function(MATRIX_SOURCE)
X = np.array([0.3, -0.7, 1.1])
Y = np.array([[0.5, -0.2], [0.9, 0.4]])
S = 0.8
ARGS = (X, Y, S)


def _moved(args: tuple, i: int, k: int, h: float) -> tuple:
    out = list(args)
    if isinstance(out[i], float):
        out[i] = out[i] + h
    else:
        moved = np.array(out[i], dtype=np.float64)
        moved.flat[k] += h
        out[i] = moved
    return tuple(out)


def fd_jacobian(f: Callable, args: tuple, i: int) -> np.ndarray:
    """d f / d args[i] by central differences, shaped ``out.shape + args[i].shape``."""
    columns = [(np.asarray(f(*_moved(args, i, k, EPS))) - np.asarray(f(*_moved(args, i, k, -EPS))))
               / (2 * EPS) for k in range(np.size(args[i]))]
    out_shape = np.shape(f(*args))
    return np.stack(columns, axis=-1).reshape(out_shape + np.shape(args[i]))


def fd_hessian(f: Callable, args: tuple, i: int, j: int) -> np.ndarray:
    """d^2 f / d args[i] d args[j] by central differences of the reverse gradient wrt i."""
    g = tangentlike.grad(f, wrt=i)
    columns = [(np.asarray(g(*_moved(args, j, k, EPS))) - np.asarray(g(*_moved(args, j, k, -EPS))))
               / (2 * EPS) for k in range(np.size(args[j]))]
    return np.stack(columns, axis=-1).reshape(np.shape(args[i]) + np.shape(args[j]))


def _jax(source: str) -> Callable:
    jax = pytest.importorskip("jax")
    namespace: dict[str, Any] = {"np": jax.numpy}
    exec(source, namespace)  # noqa: S102  (the test's own source)
    name = source.split("def ", 1)[1].split("(", 1)[0]
    return namespace[name]


# -- jacobian ------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["forward", "reverse", None])
@pytest.mark.parametrize("wrt", [(0, 1), (0, 1, 2), ("y", "x"), [2, 0], (1,)],
                         ids=["0-1", "0-1-2", "names-y-x", "list-2-0", "one-tuple"])
def test_jacobian_of_several_arguments_is_a_tuple_of_blocks(wrt, mode) -> None:
    blocks = tangentlike.jacobian(vector, wrt=wrt, mode=mode)(*ARGS)
    assert isinstance(blocks, tuple) and len(blocks) == len(wrt)
    names = ["x", "y", "s"]
    for block, item in zip(blocks, wrt):
        i = names.index(item) if isinstance(item, str) else item
        assert block.shape == (2,) + np.shape(ARGS[i])
        np.testing.assert_allclose(block, fd_jacobian(vector, ARGS, i), rtol=1e-6, atol=1e-8)
        alone = tangentlike.jacobian(vector, wrt=i, mode=mode)(*ARGS)
        np.testing.assert_allclose(block, alone, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_blocks_of_a_matrix_output(mode) -> None:
    Jx, Jy, Js = tangentlike.jacobian(matrix, wrt=(0, 1, 2), mode=mode)(*ARGS)
    assert Jx.shape == (3, 2, 3) and Jy.shape == (3, 2, 2, 2) and Js.shape == (3, 2)
    for i, block in enumerate((Jx, Jy, Js)):
        np.testing.assert_allclose(block, fd_jacobian(matrix, ARGS, i), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("source", [VECTOR_SOURCE, MATRIX_SOURCE], ids=["vector", "matrix"])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_jacobian_matches_jax(source, mode) -> None:
    jax = pytest.importorskip("jax")
    f = make_function(source)
    with jax.enable_x64(True):
        expected = jax.jacobian(_jax(source), argnums=(0, 1, 2))(*ARGS)
    got = tangentlike.jacobian(f, wrt=(0, 1, 2), mode=mode)(*ARGS)
    assert len(got) == len(expected) == 3
    for mine, theirs in zip(got, expected):
        assert mine.shape == np.shape(theirs)
        np.testing.assert_allclose(mine, np.asarray(theirs), rtol=1e-12, atol=1e-14)


def test_jacobian_of_one_argument_is_one_array() -> None:
    for wrt in (0, "x"):
        J = tangentlike.jacobian(vector, wrt=wrt)(*ARGS)
        assert isinstance(J, np.ndarray) and J.shape == (2, 3)


# -- hessian -------------------------------------------------------------------------------------

@pytest.mark.parametrize("wrt", [(0, 1), (0, 1, 2), ("y", "s"), [2, 0], (1,)],
                         ids=["0-1", "0-1-2", "names-y-s", "list-2-0", "one-tuple"])
def test_hessian_of_several_arguments_is_a_nested_tuple(wrt) -> None:
    H = tangentlike.hessian(scalar, wrt=wrt)(*ARGS)
    names = ["x", "y", "s"]
    indices = [names.index(w) if isinstance(w, str) else w for w in wrt]
    assert isinstance(H, tuple) and len(H) == len(wrt)
    for row, i in zip(H, indices):
        assert isinstance(row, tuple) and len(row) == len(wrt)
        for block, j in zip(row, indices):
            assert block.shape == np.shape(ARGS[i]) + np.shape(ARGS[j])
            np.testing.assert_allclose(block, fd_hessian(scalar, ARGS, i, j), rtol=1e-5,
                                       atol=1e-7, err_msg=f"block ({i}, {j})")
    for a, i in enumerate(indices):  # symmetric: H_ij is H_ji transposed
        for b, j in enumerate(indices):
            ni = np.ndim(ARGS[i])
            swapped = np.moveaxis(H[b][a], list(range(np.ndim(ARGS[j]))),
                                  list(range(ni, ni + np.ndim(ARGS[j])))) if ni else H[b][a]
            np.testing.assert_allclose(H[a][b], swapped, rtol=1e-12, atol=1e-14)


@pytest.mark.slow  # seconds: the default run's time (CI runs -m slow too)
def test_hessian_matches_jax() -> None:
    jax = pytest.importorskip("jax")
    with jax.enable_x64(True):
        expected = jax.hessian(_jax(SCALAR_SOURCE), argnums=(0, 1, 2))(*ARGS)
    got = tangentlike.hessian(scalar, wrt=(0, 1, 2))(*ARGS)
    for i in range(3):
        for j in range(3):
            assert got[i][j].shape == np.shape(expected[i][j])
            np.testing.assert_allclose(got[i][j], np.asarray(expected[i][j]), rtol=1e-12,
                                       atol=1e-14, err_msg=f"block ({i}, {j})")


def test_hessian_of_one_argument_is_one_array() -> None:
    for wrt in (1, "y"):
        H = tangentlike.hessian(scalar, wrt=wrt)(*ARGS)
        assert isinstance(H, np.ndarray) and H.shape == (2, 2, 2, 2)
        np.testing.assert_allclose(H, fd_hessian(scalar, ARGS, 1, 1), rtol=1e-5, atol=1e-7)


# -- hvp -----------------------------------------------------------------------------------------

def test_hvp_of_several_arguments_sums_the_blocks() -> None:
    H = tangentlike.hessian(scalar, wrt=(0, 1, 2))(*ARGS)
    rng = np.random.default_rng(3)
    v = (rng.normal(size=3), rng.normal(size=(2, 2)), float(rng.normal()))
    got = tangentlike.hvp(scalar, wrt=(0, 1, 2))(*ARGS, v)
    assert isinstance(got, tuple) and len(got) == 3
    for i in range(3):
        expected = sum(np.tensordot(H[i][j], v[j], axes=np.ndim(v[j])) for j in range(3))
        np.testing.assert_allclose(got[i], expected, rtol=1e-12, atol=1e-14)
    one = tangentlike.hvp(scalar, wrt=(1,))(*ARGS, [v[1]])
    assert isinstance(one, tuple) and len(one) == 1
    np.testing.assert_allclose(one[0], np.tensordot(H[1][1], v[1], axes=2), rtol=1e-12)


def test_hvp_refuses_a_vector_of_the_wrong_structure() -> None:
    with pytest.raises(InputError, match="tuple of 2 values, one per wrt argument"):
        tangentlike.hvp(scalar, wrt=(0, 1))(*ARGS, X)
    with pytest.raises(InputError, match="tuple of 1 value, one per wrt argument"):
        tangentlike.hvp(scalar, wrt=(0,))(*ARGS, X)
    with pytest.raises(InputError, match="got a tuple of 3"):
        tangentlike.hvp(scalar, wrt=(0, 1))(*ARGS, (X, Y, S))


# -- jvp, value_and_grad ---------------------------------------------------------------------------

def test_jvp_takes_a_tuple_of_tangents() -> None:
    value, tangent = tangentlike.jvp(scalar, wrt=("x", 2))(ARGS, (X, 1.0))
    g = tangentlike.grad(scalar, wrt=(0, 2))(*ARGS)
    assert value == scalar(*ARGS)
    np.testing.assert_allclose(tangent, np.sum(g[0] * X) + g[1], rtol=1e-12)
    with pytest.raises(InputError, match="the tangents of jvp"):
        tangentlike.jvp(scalar, wrt=0)(ARGS, X)  # an array is not a tuple of one tangent
    with pytest.raises(InputError, match="tuple of 3 values"):
        tangentlike.jvp(scalar)(ARGS, (X, Y))


def test_value_and_grad_of_several_arguments() -> None:
    value, (gx, gs) = tangentlike.value_and_grad(scalar, wrt=("x", "s"))(*ARGS)
    assert value == scalar(*ARGS)
    np.testing.assert_allclose(gx, fd_jacobian(scalar, ARGS, 0), rtol=1e-6)
    np.testing.assert_allclose(gs, fd_jacobian(scalar, ARGS, 2), rtol=1e-6)


# -- refusals ------------------------------------------------------------------------------------

def test_a_wrt_argument_not_passed_is_refused() -> None:
    f = make_function("def f(x, y=2.0):\n    return x * y\n")
    with pytest.raises(InputError, match="argument 1 \\(y\\), which the call does not pass"):
        tangentlike.jacobian(f, wrt=(0, 1))(X)
    with pytest.raises(InputError, match="does not pass"):
        tangentlike.hessian(f, wrt="y")(X)


def test_a_ragged_container_argument_is_refused() -> None:
    f = make_function("def f(xs):\n    return np.sum(xs[0]) * np.sum(xs[1])\n")
    with pytest.raises(InputError, match="makes no regular array"):
        tangentlike.jacobian(f)([X, Y])
    with pytest.raises(InputError, match="makes no regular array"):
        tangentlike.hessian(f)([X, Y])


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(tangentlike.TangentlikeError, match="mode must be"):
        tangentlike.jacobian(vector, mode="fwd")


# -- no exact zeros --------------------------------------------------------------------------------

CONSTRUCTORS = {  # the spellings: each result depends on x
    "full": "np.sum(np.full((2, 3), x) * w)",
    "full_like": "np.sum(np.full_like(w, x) * w)",
    "linspace": "np.sum(np.linspace(x, 2.0, 6).reshape(2, 3) * w)",
    "linspace-stop": "np.sum(np.linspace(-1.0, x, 6).reshape(2, 3) * w)",
    "arange": "np.sum(np.arange(x, 6.0).reshape(2, 3) * w)",
    "arange-step": "np.sum(np.arange(0.25, 6.0 * x, x).reshape(2, 3) * w)",
}


@pytest.mark.parametrize("name", list(CONSTRUCTORS))
def test_constructors_with_a_differentiated_value_carry_its_derivative(name) -> None:
    f = make_function(f"def f(x, w):\n    return {CONSTRUCTORS[name]}\n")
    x, w = 0.55, np.array([[0.3, -1.2, 0.7], [2.0, 0.1, -0.4]])
    expected = (f(x + EPS, w) - f(x - EPS, w)) / (2 * EPS)
    assert abs(expected) > 0.1
    assert tangentlike.grad(f)(x, w) == pytest.approx(expected, rel=1e-6)
    assert tangentlike.autodiff(f, mode="forward")(x, w, 1.0) == pytest.approx(expected,
                                                                               rel=1e-6)


# np.sign is no constant: its rules give 0 on real values and z / |z|'s derivative on complex
# ones (tests/rule_cases/numpy_elementwise.py, sign-*).
UNARY_CONSTANTS = [np.floor, np.ceil, np.round, np.rint, np.trunc, np.fix, np.around,
                   np.zeros_like, np.ones_like, np.isfinite, np.signbit]


@pytest.mark.parametrize("function", UNARY_CONSTANTS, ids=lambda f: f.__name__)
def test_functions_treated_as_constants_have_a_zero_derivative(function) -> None:
    """At points away from their jumps, the registered constants do not change with x."""
    assert registry.is_non_differentiable(function)
    x = np.array([0.3, 1.37, -2.6, 4.2])
    np.testing.assert_array_equal(function(x + 1e-4), function(x - 1e-4))


def test_partial_is_refused_without_suggesting_a_constant() -> None:
    """functools.partial has no source and no rule: refused in both modes, and the hint does
    not lead to non_differentiable (which would give an all-zero gradient)."""
    scale = functools.partial(np.multiply, 2.0)
    f = make_function("def f(x):\n    return np.sum(scale(x) * x)\n")
    f.__globals__["scale"] = scale
    for make in (lambda: tangentlike.grad(f)(X),
                 lambda: tangentlike.autodiff(f, mode="forward")(X, np.ones(3))):
        with pytest.raises(NoDerivativeError, match="functools.partial") as info:
            make()
        assert "non_differentiable" not in str(info.value)
        assert "directly" in info.value.hint
    direct = make_function("def f(x):\n    return np.sum((2.0 * x) * x)\n")
    np.testing.assert_allclose(tangentlike.grad(direct)(X), 4.0 * X, rtol=1e-14)


def test_the_hint_for_a_function_without_rule_shows_how_to_register_one() -> None:
    f = make_function("def f(x):\n    return math.nextafter(x, 2.0) * math.ulp(x) * x\n")
    assert not registry.is_primitive(math.nextafter)
    with pytest.raises(NoDerivativeError) as info:
        tangentlike.grad(f)(0.5)
    assert "non_differentiable" not in str(info.value)
    assert "@tangentlike.adjoint(nextafter)" in info.value.hint
