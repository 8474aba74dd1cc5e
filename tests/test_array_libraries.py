"""Derivatives on other libraries' arrays (issue 20, items 1 and 4): a catalogue of small
functions as users write them for any array library (``xp = array_namespace(x)``, array-API
standard names), each differentiated on NumPy arrays (the reference) and then on

- Dask arrays chunked along the first axis, under a scheduler that raises, so the derivative
  call must stay lazy (no compute, no pull to NumPy); computed afterwards with the synchronous
  scheduler;
- ``array_api_strict`` arrays (only the standard's functions and methods exist);
- JAX arrays (64-bit), and PyTorch tensors where PyTorch is installed.

Each gradient must equal the NumPy one and be the library's array where its input was; a few
are checked against central finite differences too.  Forward mode (``tangentlike.jvp``) and
Hessian-vector products (``tangentlike.hvp``) run on a part of the catalogue."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from array_api_compat import array_namespace

import tangentlike as tl
from tangentlike.errors import ArrayLibraryError

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
xs = pytest.importorskip("array_api_strict")


# -- the catalogue -------------------------------------------------------------------------

def sin_times(x):
    xp = array_namespace(x)
    return xp.sum(xp.sin(x) * x)


def exp_log(x):
    xp = array_namespace(x)
    return xp.sum(xp.exp(x) + xp.log(x * x + 1.0))


def tanh_sqrt(x):
    xp = array_namespace(x)
    return xp.sum(xp.tanh(x) * xp.sqrt(x * x + 1.0))


def pow_function(x):
    xp = array_namespace(x)
    return xp.sum(xp.pow(x * x + 1.0, 1.5))


def pow_operator(x):
    xp = array_namespace(x)
    return xp.sum((x * x + 1.0) ** 0.5 + x ** 3)


def power_exponent(x, y):
    xp = array_namespace(x)
    return xp.sum(xp.pow(x * x + 1.0, y))


def log1p_expm1(x):
    xp = array_namespace(x)
    return xp.sum(xp.log1p(x * x) * xp.expm1(x))


def sigmoid(x):
    xp = array_namespace(x)
    return xp.sum(1.0 / (1.0 + xp.exp(-x)))


def abs_square(x):
    xp = array_namespace(x)
    return xp.sum(xp.abs(x) + xp.square(x))


def divide(x, y):
    xp = array_namespace(x)
    return xp.sum(x / (1.0 + y * y) - y)


def row_parameter(x, b):
    xp = array_namespace(x)
    return xp.sum((x + b) ** 2)


def column_parameter(x, c):
    xp = array_namespace(x)
    return xp.sum(xp.cos(x * c))


def scalar_array_parameter(x, a):
    xp = array_namespace(x)
    return xp.sum(a * x ** 2)


def sum_axis0(x):
    xp = array_namespace(x)
    return xp.sum(xp.sum(x, axis=0) ** 2)


def centered_keepdims(x):
    xp = array_namespace(x)
    return xp.sum((x - xp.sum(x, axis=1, keepdims=True)) ** 2)


def mean_axis(x):
    xp = array_namespace(x)
    return xp.sum(xp.mean(x, axis=0) ** 2) + xp.mean(x)


def variance(x):
    xp = array_namespace(x)
    return xp.var(x)


def std_axis(x):
    xp = array_namespace(x)
    return xp.sum(xp.std(x, axis=0))


def max_axis(x):
    xp = array_namespace(x)
    return xp.sum(xp.max(x, axis=1) ** 2)


def min_all(x):
    xp = array_namespace(x)
    return xp.min(x * x)


def prod_axis(x):
    xp = array_namespace(x)
    return xp.sum(xp.prod(x, axis=0))


def matmul_2d(A, B):
    xp = array_namespace(A)
    return xp.sum((A @ B) ** 2)


def matrix_vector(A, v):
    xp = array_namespace(A)
    return xp.sum(xp.sin(A @ v))


def vector_matrix(v, A):
    xp = array_namespace(A)
    return xp.sum((v @ A) ** 2)


def inner_product(v, w):
    return v @ w


def matmul_function(A, B):
    xp = array_namespace(A)
    return xp.sum(xp.tanh(xp.matmul(A, B)))


def tensordot_function(A, B):
    xp = array_namespace(A)
    return xp.sum(xp.tensordot(A, B, axes=1) ** 2)


def vecdot_function(A, B):
    xp = array_namespace(A)
    return xp.sum(xp.vecdot(A, B, axis=-1) ** 2)


def gram(x):
    xp = array_namespace(x)
    return xp.sum((x.T @ x) ** 2)


def permute(x):
    xp = array_namespace(x)
    return xp.sum(xp.permute_dims(x, (1, 0)) @ x)


def reshape(x):
    xp = array_namespace(x)
    y = xp.reshape(x, (-1,))  # Dask reshapes chunks along the first axis this way
    return xp.sum(y[1:] * y[:-1]) + xp.sum(xp.reshape(y, (6, 3))[:, 0] ** 3)


def expand_squeeze(x, v):
    xp = array_namespace(x)
    column = xp.expand_dims(v, axis=1)
    return xp.sum(xp.squeeze(xp.expand_dims(x * column, axis=0), axis=0) ** 2)


def broadcast_to_function(b):
    xp = array_namespace(b)
    return xp.sum(xp.sin(xp.broadcast_to(b, (6, 3))) * 2.0)


def slices(x):
    xp = array_namespace(x)
    return xp.sum(x[1:5] * x[0:4]) + xp.sum(x[::2] ** 2)


def integer_index(x):
    xp = array_namespace(x)
    return x[2, 1] * x[0, 0] + xp.sum(x[:, 1] ** 2) + xp.sum(x[3, :] ** 3)


def where_leaky(x):
    xp = array_namespace(x)
    return xp.sum(xp.where(x > 0, x, 0.1 * x) ** 2)


def maximum_relu(x, y):
    xp = array_namespace(x)
    return xp.sum(xp.maximum(x, y) * x)


def concat_function(x, y):
    xp = array_namespace(x)
    return xp.sum(xp.concat([x, y * 2.0], axis=0) ** 2)


def stack_function(x, y):
    xp = array_namespace(x)
    return xp.sum(xp.stack([x, y], axis=1) ** 3)


def flip_function(x):
    xp = array_namespace(x)
    return xp.sum(xp.flip(x, axis=0) * x)


def softmax(x, t):
    xp = array_namespace(x)
    z = x - xp.max(x, axis=-1, keepdims=True)
    e = xp.exp(z)
    s = e / xp.sum(e, axis=-1, keepdims=True)
    return xp.sum(s * t)


def logsumexp(x):
    xp = array_namespace(x)
    m = xp.max(x)
    return xp.log(xp.sum(xp.exp(x - m))) + m


def least_squares(w, X, y):
    xp = array_namespace(X)
    r = X @ w - y
    return xp.sum(r * r) / 2.0


def mlp(W1, b1, W2, X, y):
    xp = array_namespace(X)
    h = xp.tanh(X @ W1 + b1)
    out = h @ W2
    return xp.mean((out - y) ** 2)


def tuple_parameters(params, X):
    xp = array_namespace(X)
    W, b = params
    return xp.sum(xp.tanh(X @ W + b) ** 2)


def dict_parameters(params, X):
    xp = array_namespace(X)
    return xp.sum(xp.exp(X @ params["w"] * 0.1) + params["b"])


def layers_loop(layers, X):
    xp = array_namespace(X)
    h = X
    for W, b in layers:
        h = xp.tanh(h @ W + b)
    return xp.sum(h * h)


def clip_function(x):
    xp = array_namespace(x)
    return xp.sum(xp.clip(x, -0.5, 0.5) * x)


def float32_loss(x, w):
    xp = array_namespace(x)
    return xp.sum(xp.tanh(x @ w) ** 2)


def running_product(x):
    xp = array_namespace(x)
    total = x[0, :]
    for i in range(1, 4):
        total = total * xp.cos(x[i, :])
    return xp.sum(total)


def take_rows(x):
    xp = array_namespace(x)
    rows = xp.asarray([0, 2, 2, 5, -1])  # repeated rows: their derivatives add up
    return xp.sum(xp.take(x, rows, axis=0) ** 2)


def integer_array_index(x):
    xp = array_namespace(x)
    picked = x[xp.asarray([1, 3, 3, 0])]
    return xp.sum(xp.sin(picked) * picked)


def in_place_updates(x):
    xp = array_namespace(x)
    y = x * 1.0
    y += x ** 2
    y *= 3.0
    return xp.sum(y)


def cumulative(x):
    xp = array_namespace(x)
    return xp.sum(xp.cumulative_sum(x, axis=0) ** 2)


def vector_norm(x):
    xp = array_namespace(x)
    return xp.linalg.vector_norm(x)


def solve(A, b):
    xp = array_namespace(A)
    return xp.sum(xp.linalg.solve(A, b) ** 2)


def well_conditioned(rng: np.random.Generator) -> list:
    return [rng.standard_normal((4, 4)) + 4 * np.eye(4), rng.standard_normal(4)]


# -- cases: the function, how to make its arguments, which to differentiate ---------------

@dataclasses.dataclass(frozen=True)
class Case:
    function: Callable
    arguments: Callable[[np.random.Generator], list]
    wrt: tuple = (0,)
    dtype: Any = np.float64

    @property
    def name(self) -> str:
        return self.function.__name__


def shapes(*sizes: tuple, positive: tuple = ()) -> Callable:
    """Arguments of these shapes (standard normal; the ones at ``positive`` positive)."""
    def make(rng: np.random.Generator) -> list:
        values = [rng.standard_normal(size) for size in sizes]
        return [np.abs(v) + 0.5 if i in positive else v for i, v in enumerate(values)]
    return make


def tuple_arguments(rng: np.random.Generator) -> list:
    return [(rng.standard_normal((3, 4)), rng.standard_normal(4)),
            rng.standard_normal((6, 3))]


def dict_arguments(rng: np.random.Generator) -> list:
    return [{"w": rng.standard_normal((3, 2)), "b": rng.standard_normal(2)},
            rng.standard_normal((6, 3))]


def layer_arguments(rng: np.random.Generator) -> list:
    layers = [(rng.standard_normal((3, 4)) * 0.5, rng.standard_normal(4) * 0.1),
              (rng.standard_normal((4, 2)) * 0.5, rng.standard_normal(2) * 0.1)]
    return [layers, rng.standard_normal((6, 3))]


def float32_arguments(rng: np.random.Generator) -> list:
    return [rng.standard_normal((6, 3)).astype(np.float32),
            rng.standard_normal(3).astype(np.float32)]


MATRIX = (6, 3)
CASES = [
    Case(sin_times, shapes(MATRIX)),
    Case(exp_log, shapes(MATRIX)),
    Case(tanh_sqrt, shapes(MATRIX)),
    Case(pow_function, shapes(MATRIX)),
    Case(pow_operator, shapes(MATRIX)),
    Case(power_exponent, shapes(MATRIX, MATRIX), wrt=(0, 1)),
    Case(log1p_expm1, shapes((6,))),
    Case(sigmoid, shapes(MATRIX)),
    Case(abs_square, shapes(MATRIX)),
    Case(divide, shapes(MATRIX, MATRIX), wrt=(0, 1)),
    Case(row_parameter, shapes(MATRIX, (3,)), wrt=(0, 1)),
    Case(column_parameter, shapes(MATRIX, (6, 1)), wrt=(0, 1)),
    Case(scalar_array_parameter, shapes((6,), ()), wrt=(0, 1)),
    Case(sum_axis0, shapes(MATRIX)),
    Case(centered_keepdims, shapes(MATRIX)),
    Case(mean_axis, shapes(MATRIX)),
    Case(variance, shapes(MATRIX)),
    Case(std_axis, shapes(MATRIX)),
    Case(max_axis, shapes(MATRIX)),
    Case(min_all, shapes(MATRIX)),
    Case(prod_axis, shapes(MATRIX)),
    Case(matmul_2d, shapes(MATRIX, (3, 4)), wrt=(0, 1)),
    Case(matrix_vector, shapes(MATRIX, (3,)), wrt=(0, 1)),
    Case(vector_matrix, shapes((6,), MATRIX), wrt=(0, 1)),
    Case(inner_product, shapes((6,), (6,)), wrt=(0, 1)),
    Case(matmul_function, shapes(MATRIX, (3, 2)), wrt=(0, 1)),
    Case(tensordot_function, shapes(MATRIX, (3, 2)), wrt=(0, 1)),
    Case(vecdot_function, shapes(MATRIX, MATRIX), wrt=(0, 1)),
    Case(gram, shapes(MATRIX)),
    Case(permute, shapes((4, 4))),
    Case(reshape, shapes(MATRIX)),
    Case(expand_squeeze, shapes(MATRIX, (6,)), wrt=(0, 1)),
    Case(broadcast_to_function, shapes((3,))),
    Case(slices, shapes((6,))),
    Case(integer_index, shapes(MATRIX)),
    Case(where_leaky, shapes(MATRIX)),
    Case(maximum_relu, shapes(MATRIX, MATRIX), wrt=(0, 1)),
    Case(concat_function, shapes(MATRIX, (2, 3)), wrt=(0, 1)),
    Case(stack_function, shapes((6,), (6,)), wrt=(0, 1)),
    Case(flip_function, shapes(MATRIX)),
    Case(softmax, shapes(MATRIX, MATRIX)),
    Case(logsumexp, shapes((6,))),
    Case(least_squares, shapes((3,), MATRIX, (6,))),
    Case(mlp, shapes((3, 4), (4,), (4,), MATRIX, (6,)), wrt=(0, 1, 2)),
    Case(tuple_parameters, tuple_arguments),
    Case(dict_parameters, dict_arguments),
    Case(layers_loop, layer_arguments),
    Case(clip_function, shapes(MATRIX)),
    Case(float32_loss, float32_arguments, wrt=(0, 1), dtype=np.float32),
    Case(running_product, shapes(MATRIX)),
    Case(take_rows, shapes(MATRIX)),
    Case(integer_array_index, shapes((6,))),
    Case(in_place_updates, shapes(MATRIX)),
    Case(cumulative, shapes(MATRIX)),
    Case(vector_norm, shapes((6,))),
    Case(solve, well_conditioned, wrt=(0, 1)),
]
CASE_IDS = [case.name for case in CASES]

# What a library cannot run, refused by name (never pulled to NumPy).
REFUSED = {("tensordot_function", "array_api_strict"): "np.einsum",
           ("vector_norm", "dask"): "np.linalg.vector_norm"}

# Forward mode and Hessian-vector products: a part of the catalogue.
FORWARD = ["sin_times", "pow_operator", "row_parameter", "centered_keepdims", "variance",
           "matmul_2d", "matrix_vector", "slices", "where_leaky", "softmax", "mlp",
           "float32_loss", "concat_function", "max_axis"]
HVP = ["sin_times", "exp_log", "centered_keepdims", "matrix_vector", "softmax", "logsumexp"]
FINITE_DIFFERENCES = ["tanh_sqrt", "std_axis", "softmax", "mlp", "layers_loop",
                      "integer_index"]


# -- libraries -----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class ArrayLibrary:
    name: str
    convert: Callable[[np.ndarray], Any]   # a NumPy array to the library's
    to_numpy: Callable[[Any], np.ndarray]
    array_type: type
    lazy: bool = False


def _dask_array(a: np.ndarray) -> Any:
    if a.ndim == 0:
        return da.from_array(a)
    chunks = (max(1, -(-a.shape[0] // 3)),) + a.shape[1:]  # 2 or 3 chunks along axis 0
    if a.ndim == 2 and a.shape[0] == a.shape[1]:
        chunks = (chunks[0], chunks[0])  # square blocks, as Dask's linalg.solve asks
    return da.from_array(a, chunks=chunks)


def _libraries() -> list:
    libraries = [
        pytest.param(ArrayLibrary("dask", _dask_array,
                                  lambda x: np.asarray(x.compute(scheduler="sync")),
                                  da.Array, lazy=True), id="dask"),
        pytest.param(ArrayLibrary("array_api_strict", xs.asarray, np.from_dlpack,
                                  type(xs.asarray(0.0))), id="strict"),
    ]
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        libraries.append(pytest.param(None, id="jax", marks=pytest.mark.skip("no jax")))
    else:
        jax.config.update("jax_enable_x64", True)
        libraries.append(pytest.param(ArrayLibrary("jax", jnp.asarray, np.asarray, jax.Array),
                                      id="jax"))
    try:
        import torch
    except ImportError:
        libraries.append(pytest.param(None, id="torch", marks=pytest.mark.skip("no torch")))
    else:
        libraries.append(pytest.param(ArrayLibrary(
            "torch", torch.asarray, lambda x: x.detach().numpy(), torch.Tensor), id="torch"))
    return libraries


LIBRARIES = _libraries()


def to_library(value: Any, library: ArrayLibrary) -> Any:
    """``value`` with each NumPy array made the library's (through tuples, lists, dicts)."""
    if isinstance(value, np.ndarray):
        return library.convert(value)
    if isinstance(value, (tuple, list)):
        return type(value)(to_library(v, library) for v in value)
    if isinstance(value, dict):
        return {k: to_library(v, library) for k, v in value.items()}
    return value


def check_same(result: Any, expected: Any, given: Any, library: ArrayLibrary,
               rtol: float = 1e-10, atol: float = 1e-12) -> None:
    """``result`` (computed on the library's arrays) equals ``expected`` (on NumPy's), and
    each part is the library's array where ``given`` (the input it is the derivative of)
    was; tuples, lists and dicts part by part."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(result, (tuple, list)) and len(result) == len(expected)
        for r, e, g in zip(result, expected, given):
            check_same(r, e, g, library, rtol, atol)
        return
    if isinstance(expected, dict):
        assert result.keys() == expected.keys()
        for k in expected:
            check_same(result[k], expected[k], given[k], library, rtol, atol)
        return
    if isinstance(given, library.array_type):
        assert isinstance(result, library.array_type), (
            f"{type(result).__name__} where the input was {library.name}'s array")
    value = library.to_numpy(result) if isinstance(result, library.array_type) \
        else np.asarray(result)
    assert value.shape == np.shape(expected)
    assert value.dtype == np.asarray(expected).dtype
    np.testing.assert_allclose(value, expected, rtol=rtol, atol=atol)


def _computing(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("the derivative computed a Dask array: it must stay lazy")


def run_on(library: ArrayLibrary, call: Callable, *args: Any) -> Any:
    """``call(*args)``; for a lazy library under a scheduler that refuses to compute."""
    if not library.lazy:
        return call(*args)
    with dask.config.set(scheduler=_computing):
        return call(*args)


def _tolerances(case: Case) -> dict:
    return {"rtol": 2e-5, "atol": 1e-5} if case.dtype == np.float32 else {}


# -- tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_gradient(case: Case, library: ArrayLibrary) -> None:
    args = case.arguments(np.random.default_rng(len(case.name)))
    gradient = tl.grad(case.function, wrt=case.wrt)
    expected = gradient(*args)
    given = to_library(args, library)
    if (case.name, library.name) in REFUSED:
        with pytest.raises(ArrayLibraryError, match=REFUSED[case.name, library.name]):
            run_on(library, gradient, *given)
        return
    result = run_on(library, gradient, *given)
    if len(case.wrt) == 1:
        result, expected = (result,), (expected,)
    check_same(result, expected, [given[i] for i in case.wrt], library, **_tolerances(case))


BY_NAME = {case.name: case for case in CASES}


@pytest.mark.parametrize("name", FINITE_DIFFERENCES)
def test_numpy_reference_matches_finite_differences(name: str) -> None:
    """The NumPy gradients the libraries are compared with, against central differences."""
    case = BY_NAME[name]
    args = case.arguments(np.random.default_rng(len(case.name)))
    position = case.wrt[0]
    gradient = tl.grad(case.function, wrt=position)(*args)
    leaves, rebuild = _leaves(args[position])
    flat_gradient = np.concatenate([np.ravel(g) for g in _leaves(gradient)[0]])
    flat = np.concatenate([np.ravel(v) for v in leaves])
    step = 1e-6
    numeric = np.empty_like(flat)
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += step
        down[i] -= step
        at = list(args)
        at[position] = rebuild(up)
        high = case.function(*at)
        at[position] = rebuild(down)
        numeric[i] = (high - case.function(*at)) / (2 * step)
    np.testing.assert_allclose(flat_gradient, numeric, rtol=1e-6, atol=1e-7)


def _leaves(value: Any) -> tuple[list, Callable]:
    """The arrays in ``value`` (nested tuples and lists) and a function that makes a value
    of the same structure from their elements, flat."""
    if isinstance(value, np.ndarray):
        return [value], lambda flat: flat.reshape(value.shape)
    parts = [_leaves(v) for v in value]
    sizes = [sum(np.size(a) for a in leaves) for leaves, _ in parts]

    def rebuild(flat: np.ndarray) -> Any:
        out, start = [], 0
        for (_, build), size in zip(parts, sizes):
            out.append(build(flat[start:start + size]))
            start += size
        return type(value)(out)
    return [a for leaves, _ in parts for a in leaves], rebuild


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("name", FORWARD)
def test_forward_mode(name: str, library: ArrayLibrary) -> None:
    case = BY_NAME[name]
    rng = np.random.default_rng(len(name))
    args = case.arguments(rng)
    tangents = tuple(rng.standard_normal(np.shape(args[i])).astype(case.dtype)
                     for i in case.wrt)
    jvp = tl.jvp(case.function, wrt=case.wrt)
    value, tangent = jvp(tuple(args), tangents)
    given = to_library(args, library)
    result_value, result_tangent = run_on(library, jvp, tuple(given),
                                          to_library(tangents, library))
    check_same(result_value, value, given[0], library, **_tolerances(case))
    check_same(result_tangent, tangent, given[0], library, **_tolerances(case))
    # The tangent is the gradient's inner product with the tangent directions.
    gradient = tl.grad(case.function, wrt=case.wrt)(*args)
    gradient = gradient if len(case.wrt) > 1 else (gradient,)
    directional = sum(np.sum(g * t) for g, t in zip(gradient, tangents))
    np.testing.assert_allclose(tangent, directional, rtol=1e-5 if case.dtype == np.float32
                               else 1e-10)


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("name", HVP)
def test_hessian_vector_product(name: str, library: ArrayLibrary) -> None:
    case = BY_NAME[name]
    rng = np.random.default_rng(len(name))
    args = case.arguments(rng)
    v = rng.standard_normal(np.shape(args[0]))
    hvp = tl.hvp(case.function)
    expected = hvp(*args, v)
    given = to_library(args, library)
    result = run_on(library, hvp, *given, library.convert(v))
    check_same(result, expected, given[0], library)
    # Against differences of the NumPy gradient along v.
    gradient = tl.grad(case.function)
    step = 1e-5
    numeric = (gradient(*[args[0] + step * v, *args[1:]])
               - gradient(*[args[0] - step * v, *args[1:]])) / (2 * step)
    np.testing.assert_allclose(expected, numeric, rtol=1e-6, atol=1e-7)
