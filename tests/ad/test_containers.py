"""Reverse mode through containers and in-place assignment into subscripts.

1. Lists, tuples and dicts as intermediate values (a list built by ``append`` in a loop, a
   tuple returned by a helper and unpacked, a dict literal with constant keys, list
   comprehensions and generator expressions, reductions of lists by NumPy and by ``sum``).
2. Lists, tuples and dicts as differentiated arguments (pytrees), nested as deep as a 2-layer
   MLP's ``{'W': [W1, W2], 'b': [b1, b2]}``, with Python floats among the leaves: the
   gradient must have the argument's structure (types, keys, lengths, shapes).  Integer
   arrays anywhere inside a differentiated argument raise ``InputError``.
3. ``y[i] = v``, ``y[1:3] += v``, ``y[i, :] = v`` on arrays the function creates, in loops,
   overwriting an element twice, reads before and after a write; ``xs[i] = v`` on lists.
4. Assignment into an argument, an alias or a view of one raises ``UnsupportedSyntaxError``
   naming the line.

Every gradient is checked in the four (optimized, motion) combinations against central finite
differences in float64, perturbing each element of each leaf of a (nested) argument:
``|g - g_fd| <= 1e-7 + 1e-5 |g_fd|``, and, where autograd can run the same code (no
``y[i] = v`` on arrays), against autograd to ``rtol=1e-9, atol=1e-12``.  The derivative must
not modify its arguments, and its forward sweep (``preserve_result=True``) must give the
function's own value, exactly, at the first three calls (``support.check_primal``).
"""
from __future__ import annotations

import copy
import inspect
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import containers_functions as C
import numpy as np
import pytest
from support import (
    MODE_IDS,
    MODES,
    as_tuple,
    check_primal,
    make_function,
    primal_value,
    reverse_value,
)

import tangentlike

RTOL, ATOL = 1e-5, 1e-7                        # against finite differences
AUTOGRAD_RTOL, AUTOGRAD_ATOL = 1e-9, 1e-12     # against autograd: both exact chain rules
EPS = 1e-6

# -- pytrees -------------------------------------------------------------------------------------

Path_ = tuple[Any, ...]


def tree_leaves(x: Any, path: Path_ = ()) -> list[tuple[Path_, Any]]:
    """``(path, leaf)`` for each leaf of a nest of dicts, lists and tuples, in order."""
    if isinstance(x, dict):
        return [item for k, v in x.items() for item in tree_leaves(v, path + (k,))]
    if isinstance(x, (list, tuple)):
        return [item for j, v in enumerate(x) for item in tree_leaves(v, path + (j,))]
    return [(path, x)]


def tree_replace(x: Any, path: Path_, leaf: Any) -> Any:
    """A copy of the containers on ``path`` in ``x``, with the leaf at ``path`` replaced."""
    if not path:
        return leaf
    head, rest = path[0], path[1:]
    if isinstance(x, dict):
        out = dict(x)
        out[head] = tree_replace(x[head], rest, leaf)
        return out
    items = list(x)
    items[head] = tree_replace(x[head], rest, leaf)
    return type(x)(items)


def tree_map(fn: Callable[[Path_, Any], Any], x: Any, path: Path_ = ()) -> Any:
    if isinstance(x, dict):
        return {k: tree_map(fn, v, path + (k,)) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(tree_map(fn, v, path + (j,)) for j, v in enumerate(x))
    return fn(path, x)


def numerical_tree_grad(f: Callable, args: Sequence[Any], wrt: Sequence[int],
                        eps: float = EPS) -> list[Any]:
    """Central finite differences of scalar ``f`` in float64 with respect to every element of
    every leaf of ``args[i]``, ``i`` in ``wrt``; each gradient has its argument's structure
    (a Python float for a float leaf, a float64 array for an array leaf)."""
    out = []
    for i in wrt:
        def value(path: Path_, leaf: Any, i: int = i) -> float:
            new = list(args)
            new[i] = tree_replace(args[i], path, leaf)
            return float(f(*new))

        def leaf_grad(path: Path_, leaf: Any) -> Any:
            if isinstance(leaf, np.ndarray):
                base = leaf.astype(np.float64)
                g = np.zeros(base.shape, np.float64)
                for index in np.ndindex(*base.shape):
                    plus, minus = base.copy(), base.copy()
                    plus[index] += eps
                    minus[index] -= eps
                    g[index] = (value(path, plus) - value(path, minus)) / (2 * eps)
                return g
            return (value(path, float(leaf) + eps) - value(path, float(leaf) - eps)) / (2 * eps)

        out.append(tree_map(leaf_grad, args[i]))
    return out


def assert_same_structure(g: Any, x: Any, where: str, path: Path_ = ()) -> None:
    """``g`` has ``x``'s structure: the same container types, dict keys and lengths; leaves of
    ``x``'s shape; float64 array leaves get float64 arrays, float leaves a scalar float."""
    at = f"{where} at {list(path)}"
    if isinstance(x, dict):
        assert type(g) is dict, f"{at}: {type(g).__name__} for a dict"
        assert set(g) == set(x), f"{at}: keys {sorted(g)} != {sorted(x)}"
        for k in x:
            assert_same_structure(g[k], x[k], where, path + (k,))
    elif isinstance(x, (list, tuple)):
        assert type(g) is type(x), f"{at}: {type(g).__name__} for a {type(x).__name__}"
        assert len(g) == len(x), f"{at}: length {len(g)} != {len(x)}"
        for j, (a, b) in enumerate(zip(g, x)):
            assert_same_structure(a, b, where, path + (j,))
    elif isinstance(x, np.ndarray):
        assert np.shape(g) == x.shape, f"{at}: shape {np.shape(g)} != {x.shape}"
        assert isinstance(g, (np.ndarray, np.generic)) or (x.ndim == 0 and type(g) is float), \
            f"{at}: {type(g).__name__} for an array"
        if x.dtype == np.float64:
            assert np.asarray(g).dtype == np.float64, f"{at}: dtype {np.asarray(g).dtype}"
    else:
        assert isinstance(g, (float, np.floating)) or (
            isinstance(g, np.ndarray) and g.shape == ()), \
            f"{at}: {type(g).__name__} for a {type(x).__name__}"


def assert_tree_allclose(got: Any, expected: Any, rtol: float, atol: float, where: str) -> None:
    assert_same_structure(got, expected, where)
    for (path, g), (_, e) in zip(tree_leaves(got), tree_leaves(expected)):
        np.testing.assert_allclose(np.asarray(g, np.float64), np.asarray(e, np.float64),
                                   rtol=rtol, atol=atol, err_msg=f"{where} at {list(path)}")


def assert_tree_equal(a: Any, b: Any, message: str) -> None:
    assert_same_structure(a, b, message)
    for (path, x), (_, y) in zip(tree_leaves(a), tree_leaves(b)):
        np.testing.assert_array_equal(x, y, err_msg=f"{message} at {list(path)}")


# -- autograd twins ------------------------------------------------------------------------------

_TWIN_SOURCE = "\n".join(line for line in Path(C.__file__).read_text().splitlines()
                         if line.strip() != "import numpy as np")


def autograd_twin(fn: Callable) -> Callable:
    """``fn`` from the whole of ``containers_functions`` defined again with ``autograd.numpy``
    as ``np`` (so its helpers come along)."""
    return make_function(_TWIN_SOURCE, numpy="autograd", name=fn.__name__)


def autograd_grad(fn: Callable, args: Sequence[Any], wrt: Sequence[int]) -> tuple[Any, ...]:
    autograd = pytest.importorskip("autograd")
    argnum = tuple(wrt) if len(wrt) > 1 else wrt[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return as_tuple(autograd.grad(autograd_twin(fn), argnum)(*args), len(wrt))


# -- the checker ---------------------------------------------------------------------------------


def verify(fn: Callable, args: Sequence[Any], wrt: Sequence[int], mode: tuple[bool, str], *,
           against_autograd: bool = True, reference: Callable | None = None
           ) -> tuple[Any, ...]:
    """tangentlike's gradient of ``fn`` against finite differences of ``reference`` (default
    ``fn``) and autograd; structure, unmodified arguments and the forward value too."""
    optimized, motion = mode
    wrt = tuple(wrt)
    reference = reference or fn
    df = tangentlike.grad(fn, wrt=wrt, optimized=optimized, motion=motion)
    before = copy.deepcopy(list(args))
    got = as_tuple(df(*args), len(wrt))
    assert_tree_equal(list(args), before, "the derivative modified its arguments")
    where = f"{fn.__name__} ({optimized=}, {motion=})\n{df.source}"
    expected = numerical_tree_grad(reference, args, wrt)
    for i, g, e in zip(wrt, got, expected):
        assert_same_structure(g, args[i], f"gradient of argument {i}: {where}")
        assert_tree_allclose(g, e, RTOL, ATOL, f"argument {i} vs finite differences: {where}")
    if against_autograd:
        for i, g, e in zip(wrt, got, autograd_grad(fn, args, wrt)):
            assert_tree_allclose(g, e, AUTOGRAD_RTOL, AUTOGRAD_ATOL,
                                 f"argument {i} vs autograd: {where}")
    # The primal invariant: the forward sweep computes the function's own value (exactly,
    # at each of the first three calls), and the same gradients.
    dfv = tangentlike.grad(fn, wrt=wrt, optimized=optimized, motion=motion,
                           preserve_result=True)
    where_value = f"preserve_result=True value of {where}\n{dfv.source}"
    for call, grads in enumerate(check_primal(dfv, args, primal_value(fn, args),
                                              reverse_value(len(wrt)), where_value), 1):
        for g, h in zip(grads, got):
            assert_tree_allclose(g, h, 1e-12, 1e-15, f"preserve_result=True, call {call}: {where}")
    return got


def cases(name: str, args: Sequence[Any], wrt: Sequence[int] = (0,), *, id: str | None = None,
          xfail: str | None = None) -> list[Any]:
    """One function on one input in the four (optimized, motion) combinations."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return [pytest.param(name, tuple(args), tuple(wrt), mode, marks=marks,
                         id=f"{id or name}-{mode_id}")
            for mode, mode_id in zip(MODES, MODE_IDS)]


def vec(*values: float) -> np.ndarray:
    return np.array(values, np.float64)


RNG = np.random.default_rng(20240611)
X3 = vec(0.3, 0.5, -0.2)
W3 = vec(1.0, 0.5, 0.2)
M3 = RNG.normal(size=(3, 3))
M32 = RNG.normal(size=(3, 2))


def mlp_params() -> dict[str, list[np.ndarray]]:
    rng = np.random.default_rng(7)
    return {"W": [rng.normal(size=(4, 3)) * 0.5, rng.normal(size=(2, 4)) * 0.5],
            "b": [rng.normal(size=4) * 0.1, rng.normal(size=2) * 0.1]}


PARAMS = mlp_params()
TARGET = vec(0.5, -0.25)

# Bug A: inside a loop, the adjoint of a list/tuple argument that is also passed to ``len``
# or iterated over (``for v in xs``) is accumulated with ``+``, which concatenates lists.
# Bug B: ``h = x`` before a loop that re-binds ``h`` to an element of a list argument crashes.

# -- 1. and 2. containers ------------------------------------------------------------------------

CONTAINER_CASES = [
    # intermediate values
    *cases("list_append_loop", [X3]),
    *cases("list_literal", [X3, W3], (0, 1)),
    *cases("tuple_from_helper", [X3, W3], (0, 1)),
    *cases("tuple_internal", [X3, W3], (0, 1)),
    *cases("dict_literal", [X3, W3], (0, 1)),
    *cases("reduce_list_of_scalars", [X3, W3], (0, 1)),
    *cases("reduce_list_of_arrays", [X3, W3], (0, 1)),
    *cases("comprehension_of_arrays", [M3, W3], (0, 1)),
    *cases("generator_with_condition", [[X3, W3], W3], (0, 1)),
    *cases("comprehension_over_zip", [X3, W3], (0, 1)),
    *cases("comprehension_names_stay_inside", [X3, W3], (0, 1)),
    # differentiated arguments
    *cases("list_argument", [[X3, W3, X3 + 1.0]]),
    *cases("list_argument_loop", [[X3, W3, X3 + 1.0]]),
    *cases("len_bound_loop", [[X3, W3, X3 + 1.0], W3], (0, 1)),
    *cases("len_bound_loop", [[X3, W3, X3 + 1.0], W3], (1,), id="len_bound_loop-wrt-w"),
    *cases("tuple_argument", [(X3, W3)]),
    *cases("dict_argument", [{"W": M3, "b": W3}, X3], (0, 1)),
    *cases("mlp_loss", [PARAMS, X3, TARGET]),
    *cases("mlp_loss", [PARAMS, X3, TARGET], (0, 1), id="mlp_loss-params-and-x"),
    *cases("mlp_loss_loop", [PARAMS, X3, TARGET]),
    *cases("dict_with_float", [{"scale": 1.5, "w": W3}, X3], (0, 1)),
    *cases("list_of_floats", [[1.5, 0.5, 2.0], X3], (0, 1)),
    *cases("nested_tuple_in_list", [[(X3, 1.5), (W3, 0.5)]]),
    *cases("returns_through_dict", [{"a": X3, "s": W3}]),
    *cases("list_append_from_argument", [[X3, W3]]),
    *cases("dict_in_loop", [{"a": 1.5, "w": W3}, X3], (0, 1)),
]


@pytest.mark.parametrize("name, args, wrt, mode", CONTAINER_CASES)
def test_containers(name: str, args: tuple, wrt: tuple, mode: tuple[bool, str]) -> None:
    verify(getattr(C, name), args, wrt, mode)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_mlp_gradient_structure(mode: tuple[bool, str]) -> None:
    """The gradient of ``{'W': [W1, W2], 'b': [b1, b2]}`` is a dict with the same keys, of
    lists of the same lengths, of float64 arrays of the same shapes, and new arrays."""
    optimized, motion = mode
    params = mlp_params()
    g = tangentlike.grad(C.mlp_loss, optimized=optimized, motion=motion)(params, X3, TARGET)
    assert type(g) is dict and sorted(g) == ["W", "b"]
    for key in ("W", "b"):
        assert type(g[key]) is list and len(g[key]) == 2
        for gk, pk in zip(g[key], params[key]):
            assert isinstance(gk, np.ndarray) and gk.shape == pk.shape
            assert gk.dtype == np.float64
            assert gk is not pk and not np.shares_memory(gk, pk)
    assert g["W"][0].shape == (4, 3) and g["b"][1].shape == (2,)
    # the last layer's bias by hand: d/db2 sum((y - t) ** 2) = 2 (y - t)
    h = np.tanh(params["W"][0] @ X3 + params["b"][0])
    y = params["W"][1] @ h + params["b"][1]
    np.testing.assert_allclose(g["b"][1], 2.0 * (y - TARGET), rtol=1e-12)
    np.testing.assert_allclose(g["W"][1], np.outer(2.0 * (y - TARGET), h), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_float_inside_dict(mode: tuple[bool, str]) -> None:
    """``{'scale': 1.5, 'w': w}``: the gradient of the float leaf is a scalar float equal to
    ``sum(w x) + 2 scale sum(sin w)``; the array leaf ``scale x + scale**2 cos w``."""
    optimized, motion = mode
    p = {"scale": 1.5, "w": W3}
    g = tangentlike.grad(C.dict_with_float, optimized=optimized, motion=motion)(p, X3)
    assert type(g) is dict and set(g) == {"scale", "w"}
    assert isinstance(g["scale"], (float, np.floating)) and np.shape(g["scale"]) == ()
    assert g["scale"] == pytest.approx(np.sum(W3 * X3) + 3.0 * np.sum(np.sin(W3)), rel=1e-12)
    np.testing.assert_allclose(g["w"], 1.5 * X3 + 2.25 * np.cos(W3), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_tuple_argument_gives_tuple(mode: tuple[bool, str]) -> None:
    optimized, motion = mode
    g = tangentlike.grad(C.tuple_argument, optimized=optimized, motion=motion)((X3, W3))
    assert type(g) is tuple and len(g) == 2
    np.testing.assert_allclose(g[0], np.sin(W3) + 2.0 * X3, rtol=1e-12)
    np.testing.assert_allclose(g[1], X3 * np.cos(W3), rtol=1e-12)


INTEGER_INPUTS = [
    pytest.param("dict_argument", ({"W": M3, "b": np.array([1, 2, 3])}, X3), id="dict-leaf"),
    pytest.param("list_argument", ([X3, np.arange(3), W3],), id="list-leaf"),
    pytest.param("mlp_loss", ({"W": [PARAMS["W"][0], PARAMS["W"][1]],
                               "b": [PARAMS["b"][0], np.array([1, -1])]}, X3, TARGET),
                 id="nested-leaf"),
    pytest.param("tuple_argument", ((X3, np.array([1, 0, 2], np.int32)),), id="tuple-leaf"),
]


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("name, args", INTEGER_INPUTS)
def test_integer_array_inside_argument(name: str, args: tuple, mode: tuple[bool, str]) -> None:
    optimized, motion = mode
    df = tangentlike.grad(getattr(C, name), optimized=optimized, motion=motion)
    with pytest.raises(tangentlike.InputError):
        df(*args)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_integer_array_in_argument_not_differentiated(mode: tuple[bool, str]) -> None:
    """Only differentiated arguments are checked: ``x`` may be anything when only ``p`` is."""
    optimized, motion = mode
    df = tangentlike.grad(C.dict_argument, optimized=optimized, motion=motion)
    x = np.array([1, 0, 2])
    g = df({"W": M3, "b": W3}, x)
    expected = numerical_tree_grad(C.dict_argument, ({"W": M3, "b": W3}, x), (0,))[0]
    assert_tree_allclose(g, expected, RTOL, ATOL, "dict_argument with an integer x")


# -- 3. assignment into subscripts ---------------------------------------------------------------

SETITEM_CASES = [
    *cases("fill_recurrence", [vec(0.3, 0.5, -0.2, 0.8, 0.6)]),
    *cases("fill_from_scalars", [X3, 0.7], (0, 1)),
    *cases("slice_assign", [X3, W3], (0, 1)),
    *cases("slice_augassign", [X3, vec(0.4, -0.3)], (0, 1)),
    *cases("row_assign", [X3, M32], (0, 1)),
    *cases("overwrite_twice", [X3]),
    *cases("overwrite_unused", [X3]),
    *cases("read_before_and_after", [X3]),
    *cases("grid_fill", [X3]),
    *cases("branch_fill", [vec(0.3, -0.5, 0.7)]),
    *cases("multiply_in_place", [X3]),
    *cases("slice_augassign_loop", [X3, vec(0.4, -0.3)], (0, 1)),
    *cases("negative_and_fancy_index", [vec(0.3, 0.9, -0.2)]),
]


@pytest.mark.parametrize("name, args, wrt, mode", SETITEM_CASES)
def test_subscript_assignment(name: str, args: tuple, wrt: tuple,
                              mode: tuple[bool, str]) -> None:
    """Finite differences only: autograd cannot assign into an ArrayBox."""
    verify(getattr(C, name), args, wrt, mode, against_autograd=False)


LIST_SETITEM_CASES = [
    *cases("list_setitem", [X3]),
    *cases("list_setitem_loop", [X3]),
]


@pytest.mark.parametrize("name, args, wrt, mode", LIST_SETITEM_CASES)
def test_list_element_assignment(name: str, args: tuple, wrt: tuple,
                                 mode: tuple[bool, str]) -> None:
    """``xs[i] = v`` on a list is plain Python for autograd, so it runs these too."""
    verify(getattr(C, name), args, wrt, mode)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_fill_recurrence_closed_form(mode: tuple[bool, str]) -> None:
    """``y0 = x0, y1 = x1 y0 + x1``: f = y0**2 + y1**2, so df/dx0 = 2 y0 + 2 y1 x1 and
    df/dx1 = 2 y1 (y0 + 1)."""
    optimized, motion = mode
    x = vec(0.5, 1.5)
    y0, y1 = 0.5, 1.5 * 0.5 + 1.5
    g = tangentlike.grad(C.fill_recurrence, optimized=optimized, motion=motion)(x)
    np.testing.assert_allclose(g, [2 * y0 + 2 * y1 * 1.5, 2 * y1 * (y0 + 1.0)], rtol=1e-14)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_overwritten_value_has_no_derivative(mode: tuple[bool, str]) -> None:
    """``y[0] = x0**3`` is overwritten by ``x1 x2`` before any read: f = (x1 x2)**2 + x0**2."""
    optimized, motion = mode
    x0, x1, x2 = X3
    g = tangentlike.grad(C.overwrite_unused, optimized=optimized, motion=motion)(X3)
    np.testing.assert_allclose(g, [2 * x0, 2 * x1 * x2 ** 2, 2 * x1 ** 2 * x2], rtol=1e-14)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_view_read_before_write_is_refused(mode: tuple[bool, str]) -> None:
    """``t = y[1:3]`` read before ``y[1:3] = ...`` and read after it: NumPy's view ``t``
    sees the change, which the derivative would not follow, so it is refused by name."""
    optimized, motion = mode
    with pytest.raises(tangentlike.UnsupportedSyntaxError, match="'t'") as info:
        tangentlike.grad(C.read_view_before_write, optimized=optimized, motion=motion)(X3)
    assert info.value.location.lineno == C.read_view_before_write.__code__.co_firstlineno + 5


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_setitem_does_not_leak_between_calls(mode: tuple[bool, str]) -> None:
    """The derivative restores what it overwrote: calling it twice, and on a second input,
    gives the same answers as fresh calls."""
    optimized, motion = mode
    df = tangentlike.grad(C.fill_recurrence, optimized=optimized, motion=motion)
    x1, x2 = vec(0.3, 0.5, -0.2, 0.8), vec(0.1, -0.4, 0.9, 0.2)
    first = df(x1)
    np.testing.assert_array_equal(df(x2), df(x2))
    np.testing.assert_array_equal(df(x1), first)


# -- 4. assignment into arguments ----------------------------------------------------------------

ARGUMENT_ASSIGNMENTS = [
    pytest.param("assign_into_alias", "y[0] = 1.0", (X3,), id="alias"),
    pytest.param("assign_into_view", "v[0] = 2.0", (X3,), id="view"),
]

WRITES_INTO_ARGUMENT = [
    pytest.param("assign_into_argument", (X3,), id="argument"),
    pytest.param("augassign_into_argument", (X3,), id="augassign"),
    pytest.param("assign_into_list_argument", ([X3, W3],), id="list-argument"),
    pytest.param("assign_into_dict_argument", ({"W": X3, "b": W3},), id="dict-argument"),
]


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("name, args", WRITES_INTO_ARGUMENT)
def test_assignment_into_argument_works_on_a_copy(name: str, args: tuple,
                                                  mode: tuple[bool, str]) -> None:
    """``x[i] = v`` on a parameter (issue 16): differentiated on a copy made first, with
    respect to the value given; the caller's argument ends as ``fn`` leaves it."""
    fn = getattr(C, name)
    optimized, motion = mode
    after = copy.deepcopy(list(args))
    fn(*after)
    args = copy.deepcopy(args)
    given = copy.deepcopy(args)
    got = as_tuple(tangentlike.grad(fn, optimized=optimized, motion=motion)(*given), 1)
    assert_tree_equal(list(given), after, "the argument was not changed as fn changes it")
    expected = numerical_tree_grad(lambda *a: fn(*copy.deepcopy(a)), args, (0,))
    assert_same_structure(got[0], args[0], name)
    assert_tree_allclose(got[0], expected[0], RTOL, ATOL, name)


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("name, line, args", ARGUMENT_ASSIGNMENTS)
def test_assignment_into_argument_is_refused(name: str, line: str, args: tuple,
                                             mode: tuple[bool, str]) -> None:
    """Refused when the derivative is generated, naming the file, the line and its text; the
    caller's argument is left alone."""
    fn = getattr(C, name)
    optimized, motion = mode
    lines, start = inspect.getsourcelines(fn)
    lineno = start + next(k for k, text in enumerate(lines) if text.strip() == line)
    before = copy.deepcopy(list(args))
    with pytest.raises(tangentlike.UnsupportedSyntaxError) as info:
        tangentlike.grad(fn, optimized=optimized, motion=motion)(*args)
    message = str(info.value)
    assert "containers_functions.py" in message
    assert f"line {lineno}" in message
    assert line in message
    assert_tree_equal(list(args), before, "the argument was modified")
