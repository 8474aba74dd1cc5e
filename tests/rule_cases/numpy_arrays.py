"""Cases for templates/numpy_arrays.py: building arrays and rearranging their elements.

The rules are linear in the array they rearrange, so most cases multiply the result by a
function of the input (``* x``, ``np.sin``) to give Hessian-vector products something to
check.  The helpers the generated code calls (``undiagonal``, ``untake``, ...) carry their
own rules for derivatives of derivatives; the ``helper-*`` cases call them directly.
"""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime import arrays as runtime


def _fmt(shape):
    """A shape for a case id: 2x3, 0d, float."""
    return shape if isinstance(shape, str) else "x".join(map(str, shape)) or "0d"


# flip, fliplr, flipud, rot90, roll ---------------------------------------------------------

for _shape in ((5,), (2, 3), (2, 3, 4)):
    _id = f"flip-{_fmt(_shape)}"
    add(_id, np.flip, "np.flip(x) * x", {"x": values(_id, _shape)},
        autograd=False, second_order=True)
for _name, _axis, _ag in (("0", 0, "x[::-1] * np.sin(x)"),
                          ("last", -1, "x[..., ::-1] * np.sin(x)"),
                          ("0-and-2", (0, 2), "x[::-1, :, ::-1] * np.sin(x)")):
    _id = f"flip-axis-{_name}"
    add(_id, np.flip, f"np.flip(x, {_axis}) * np.sin(x)", {"x": values(_id, (2, 3, 4))},
        autograd=_ag, second_order=_axis == 0)
_id = "flip-axis-kw-0d"
add(_id, np.flip, "np.flip(x, axis=None) * x", {"x": values(_id, ())}, autograd=False)

for _shape in ((2, 3), (2, 3, 4)):
    _id = f"fliplr-{_fmt(_shape)}"
    add(_id, np.fliplr, "np.fliplr(x) * x", {"x": values(_id, _shape)}, second_order=True)
for _shape in ((4,), (2, 3)):
    _id = f"flipud-{_fmt(_shape)}"
    add(_id, np.flipud, "np.flipud(x) * x", {"x": values(_id, _shape)}, second_order=True)

for _k in (1, 2, -1, 5):
    _id = f"rot90-k{_k}"
    add(_id, np.rot90, f"np.rot90(x, {_k}) ** 2", {"x": values(_id, (2, 3))},
        second_order=_k == 1)
_id = "rot90-axes-3d"
add(_id, np.rot90, "np.rot90(x, 3, axes=(1, 2)) * np.cos(np.rot90(x, 3, (1, 2)))",
    {"x": values(_id, (2, 3, 4))}, autograd=False, second_order=True)
_id = "rot90-default"
add(_id, np.rot90, "np.rot90(x) * np.rot90(x * x)", {"x": values(_id, (3, 2))})

for _id, _expr, _shape, _ag in (
    ("roll-1d", "np.roll(x, 2) * x", (5,), True),
    ("roll-axis", "np.roll(x, -1, axis=1) * x", (2, 3), True),
    ("roll-flat", "np.roll(x, 4) * np.sin(x)", (2, 3), True),
    ("roll-tuple", "np.roll(x, (1, 2), axis=(0, 2)) * x", (2, 3, 4), False),
):
    add(_id, np.roll, _expr, {"x": values(_id, _shape)}, autograd=_ag, second_order=True)

# diag, diagonal, trace, tril, triu -----------------------------------------------------------

for _k in (0, 1, -2):
    _id = f"diag-vector-k{_k}"
    add(_id, np.diag, f"np.diag(x, {_k}) * np.diag(np.sin(x), {_k})", {"x": values(_id, (4,))},
        second_order=_k == 1)
for _shape, _k in (((3, 3), 0), ((3, 4), 1), ((4, 3), -1), ((2, 5), 3)):
    _id = f"diag-matrix-{_fmt(_shape)}-k{_k}"
    # autograd's adjoint builds a square matrix: wrong shape for a non-square input
    add(_id, np.diag, f"np.diag(x, k={_k}) ** 2", {"x": values(_id, _shape)},
        autograd=_shape == (3, 3), second_order=_k == 1)

for _id, _expr, _shape, _ag in (
    ("diagonal-2d", "np.diagonal(x) ** 2", (3, 4), False),
    ("diagonal-offset", "np.diagonal(x, 1) * np.diagonal(np.sin(x), 1)", (4, 3), False),
    ("diagonal-3d-axes", "np.diagonal(x, 1, 1, 2) ** 2", (2, 3, 4), False),
    ("diagonal-3d-negative", "np.diagonal(x, offset=-1, axis1=2, axis2=0) ** 2", (4, 3, 2),
     False),
    ("diagonal-method", "x.diagonal(1) * x.diagonal(1)", (3, 4), False),
):
    add(_id, np.ndarray.diagonal if "method" in _id else np.diagonal, _expr,
        {"x": values(_id, _shape)}, autograd=_ag, second_order=True)

for _id, _expr, _shape, _ag in (
    ("trace-square", "np.trace(x) ** 2", (3, 3), True),
    ("trace-offset", "np.trace(x, 1) * np.trace(x, -1)", (3, 4), True),
    ("trace-3d-axes", "np.trace(x, 0, 1, 2) ** 2", (2, 3, 4), False),
    ("trace-3d-keywords", "np.trace(x, offset=1, axis1=2, axis2=0) ** 2", (4, 3, 2), False),
    ("trace-method", "x.trace() * x.trace(1)", (3, 3), False),
):
    add(_id, np.ndarray.trace if "method" in _id else np.trace, _expr,
        {"x": values(_id, _shape)}, autograd=_ag, second_order=True)

for _f in ("tril", "triu"):
    _prim = getattr(np, _f)
    for _shape, _k in (((4, 4), 0), ((3, 4), 1), ((4, 3), -1), ((2, 3, 4), 0)):
        _id = f"{_f}-{_fmt(_shape)}-k{_k}"
        add(_id, _prim, f"np.{_f}(x, {_k}) * x", {"x": values(_id, _shape)},
            second_order=_k == 1)
    _id = f"{_f}-vector"
    add(_id, _prim, f"np.{_f}(x, k=-1) * np.sin(np.{_f}(x, k=-1))", {"x": values(_id, (4,))},
        autograd=False, second_order=True)

# pad ---------------------------------------------------------------------------------------

# (autograd's rule needs the mode passed by position)
for _id, _expr, _shape, _ag in (
    ("pad-1d", "np.pad(x, 2) * np.pad(x * x, 2)", (3,),
     "np.pad(x, 2, 'constant') * np.pad(x * x, 2, 'constant')"),
    ("pad-2d-pairs", "np.pad(x, ((1, 2), (0, 1)), constant_values=0.5) ** 2", (2, 3),
     "np.pad(x, ((1, 2), (0, 1)), 'constant', constant_values=0.5) ** 2"),
    ("pad-3d-mode", "np.pad(x, (1, 0), 'constant') ** 2", (2, 3, 2), True),
):
    add(_id, np.pad, _expr, {"x": values(_id, _shape)}, autograd=_ag, second_order=True)
_id = "pad-constant-values"
add(_id, np.pad, "np.pad(x, ((1, 0), (2, 1)), constant_values=c) ** 2",
    {"x": values(_id, (2, 3)), "c": values(_id + "c", "float")}, autograd=False,
    second_order=True)
_id = "pad-constant-values-pairs"
add(_id, np.pad, "np.sin(np.pad(x, 1, constant_values=c))",
    {"x": values(_id, (2, 3)), "c": values(_id + "c", (2, 2))}, autograd=False,
    second_order=True)
for _mode in ("edge", "reflect", "symmetric", "wrap"):
    for _shape, _width in (((4,), "(2, 3)"), ((3, 4), "((1, 2), (2, 1))"),
                           ((2, 3, 4), "1")):
        _id = f"pad-{_mode}-{_fmt(_shape)}"
        add(_id, np.pad, f"np.pad(x, {_width}, mode='{_mode}') ** 2",
            {"x": values(_id, _shape)}, autograd=False, second_order=len(_shape) == 2)
_id = "pad-reflect-wide"
add(_id, np.pad, "np.sin(np.pad(x, 5, 'reflect'))", {"x": values(_id, (3,))}, autograd=False)

# sort, partition ---------------------------------------------------------------------------

for _id, _expr, _shape, _ag in (
    ("sort-1d", "np.sort(x) * x", (5,), True),
    ("sort-2d-last", "np.sort(x) ** 2 * x", (3, 4), False),
    ("sort-2d-axis0", "np.sort(x, axis=0) * np.sin(np.sort(x, 0))", (3, 4), False),
    ("sort-flat", "np.sort(x, axis=None) ** 2", (3, 4), False),
    ("sort-3d", "np.sort(x, 1) ** 2", (2, 3, 4), False),
):
    add(_id, np.sort, _expr, {"x": values(_id, _shape)}, autograd=_ag, second_order=True)

for _id, _expr, _shape, _ag in (
    ("partition-1d", "np.partition(x, 2) * x", (6,), True),
    ("partition-2d", "np.partition(x, 1, axis=1) ** 2", (3, 5), False),
    ("partition-kths", "np.partition(x, (0, 2), axis=0) ** 2", (4, 3), False),
    ("partition-flat", "np.partition(x, 4, axis=None) ** 2", (3, 4), False),
):
    add(_id, np.partition, _expr, {"x": values(_id, _shape)}, autograd=_ag,
        second_order=True)

# take --------------------------------------------------------------------------------------

# (autograd has no np.take: its reference indexes instead)
_i = np.array([0, 3, 3, -1])
for _id, _expr, _shape, _ag in (
    ("take-1d", "np.take(x, i) * x[:4]", (5,), "x[i] * x[:4]"),
    ("take-axis", "np.take(x, np.array([2, 0, 2]), axis=1) ** 2", (3, 4),
     "x[:, np.array([2, 0, 2])] ** 2"),
    ("take-3d-2d-indices", "np.take(x, np.array([[0, 1], [2, 2]]), axis=1) ** 2", (2, 3, 4),
     "x[:, np.array([[0, 1], [2, 2]])] ** 2"),
    ("take-flat", "np.take(x, np.array([5, 0, 5, 11])) ** 2", (3, 4),
     "np.ravel(x)[np.array([5, 0, 5, 11])] ** 2"),
    ("take-scalar-index", "np.take(x, 2, axis=0) ** 2", (3, 4), "x[2] ** 2"),
    ("take-clip", "np.take(x, np.array([-3, 1, 9]), axis=-1, mode='clip') ** 2", (2, 4),
     "x[:, np.array([0, 1, 3])] ** 2"),
    ("take-wrap", "np.take(x, np.array([-3, 1, 9]), mode='wrap') ** 2", (2, 4),
     "np.ravel(x)[np.array([5, 1, 1])] ** 2"),
):
    add(_id, np.take, _expr, {"x": values(_id, _shape), "i": _i}, autograd=_ag,
        second_order=True)
_id = "take-method"
add(_id, np.ndarray.take, "x.take(np.array([1, 1, 0]), axis=0) ** 2 + x.take(3) * x[0]",
    {"x": values(_id, (2, 4))}, autograd="x[np.array([1, 1, 0])] ** 2 + x[0, 3] * x[0]",
    second_order=True)

# np.array, np.asarray, astype, copy --------------------------------------------------------

_id = "array-of-floats"
add(_id, np.array, "np.array([x, y * 2.0]) ** 2",
    {"x": values(_id + "x", "float"), "y": values(_id + "y", "float")}, second_order=True)
_id = "array-of-0d"
add(_id, np.array, "np.array([x, y * 2.0, x * y]) ** 2",
    {"x": values(_id + "x", ()), "y": values(_id + "y", ())}, second_order=True)
_id = "array-of-arrays"
add(_id, np.array, "np.array([x, y * 2.0]) * np.sin(np.array([y, x]))",
    {"x": values(_id + "x", (3,)), "y": values(_id + "y", (3,))}, second_order=True)
_id = "array-of-2d"
add(_id, np.array, "np.array([x, x * y, y]) ** 2",
    {"x": values(_id + "x", (2, 3)), "y": values(_id + "y", (2, 3))})
_id = "array-nested"
add(_id, np.array, "np.sin(np.array([[x, y], [x * y, 1.0]]))",
    {"x": values(_id + "x", "float"), "y": values(_id + "y", "float")}, second_order=True)
_id = "array-constant-element"
add(_id, np.array, "np.array([x, 3.0, x * x]) * x",
    {"x": values(_id + "x", "float")}, second_order=True)
_id = "array-tuple"
add(_id, np.array, "np.array((x, y)) ** 2",
    {"x": values(_id + "x", (2,)), "y": values(_id + "y", (2,))})
_id = "array-of-array"
add(_id, np.array, "np.array(x) * x", {"x": values(_id, (2, 3))}, second_order=True)
_id = "array-ndmin"
add(_id, np.array, "np.array(x, ndmin=3) ** 2", {"x": values(_id, (3,))})
_id = "array-dtype"
add(_id, np.array, "np.array([x, y], dtype=x.dtype) ** 2",
    {"x": values(_id + "x", (2,)), "y": values(_id + "y", (2,))})
_id = "array-dtype-float64"
add(_id, np.array, "np.array([x, y], dtype=np.float64) ** 2",
    {"x": values(_id + "x", (2,)), "y": values(_id + "y", (2,))}, float32=False)
_id = "array-int-dtype"  # an integer array carries no derivative
add(_id, np.array, "np.array([x, y], dtype=int).astype(x.dtype) * x",
    {"x": values(_id + "x", (2,), 1.2, 1.8), "y": values(_id + "y", (2,), 2.2, 2.8)},
    autograd=False)

_id = "asarray-list"
add(_id, np.asarray, "np.asarray([x, y * x]) ** 2",
    {"x": values(_id + "x", "float"), "y": values(_id + "y", "float")}, second_order=True)
_id = "asarray-array"
add(_id, np.asarray, "np.asarray(x) * np.asarray(x, dtype=x.dtype)",
    {"x": values(_id, (2, 3))}, autograd="x * x", second_order=True)

# float32 in: the float64 derivative is cast back to float32
_id = "astype-float64"
add(_id, np.ndarray.astype, "(x.astype(np.float64) * x.astype(float)).astype(x.dtype)",
    {"x": values(_id, (2, 3))}, second_order=True)
_id = "astype-function"  # np.astype (NumPy 2), the method as a function
add(_id, np.astype, "np.astype(x, np.float64) * np.astype(x * x, x.dtype)",
    {"x": values(_id, (2, 3))}, second_order=True, autograd=False, float32=False)
_id = "astype-int"  # an integer array carries no derivative
add(_id, np.ndarray.astype, "x.astype(int).astype(x.dtype) * x + x.astype(np.int32)",
    {"x": values(_id, (3,), 1.2, 1.8, signed=True)}, autograd=False, float32=False)
_id = "astype-int-float32"
add(_id, np.ndarray.astype, "x.astype(int).astype(x.dtype) * x",
    {"x": values(_id, (3,), 1.2, 1.8, signed=True)}, autograd=False)
_id = "astype-0d"
add(_id, np.ndarray.astype, "x.astype(np.float64, copy=False).astype(x.dtype) ** 2",
    {"x": values(_id, ())})

for _shape in ((), (3,), (2, 3)):
    _id = f"copy-{_fmt(_shape)}"
    add(_id, (np.copy, np.ndarray.copy), "np.copy(x) * x.copy()", {"x": values(_id, _shape)},
        autograd="x * x", second_order=True)


# full, full_like, linspace, arange: values that come from an argument ----------------------
# (the shape, dtype, like-array, number of samples and arange's stop carry no derivative)

_id = "full-float"
add(_id, np.full, "np.sin(np.full((2, 3), x)) * x", {"x": values(_id, "float")},
    autograd=False, second_order=True)
_id = "full-row"  # the fill value is broadcast to the shape
add(_id, np.full, "np.full((2, 3), x) ** 2 * np.full((4, 2, 3), x, dtype=x.dtype)",
    {"x": values(_id, (3,))}, autograd=False, second_order=True)
_id = "full-column-0d"
add(_id, np.full, "np.full((2, 3), x) * np.full(3, y, order='F') + np.full((2, 1), y) * x",
    {"x": values(_id + "x", (2, 1)), "y": values(_id + "y", ())}, autograd=False,
    second_order=True)
_id = "full-shape-of-x"  # the shape comes from x: no derivative through it
add(_id, np.full, "np.full(np.shape(x), y) * x + np.full(x.shape, 2.0) * x",
    {"x": values(_id + "x", (2, 3)), "y": values(_id + "y", "float")}, autograd=False,
    float32=False)  # np.full of a Python float is float64
_id = "full-int-dtype"  # an integer result carries no derivative
add(_id, np.full, "np.full(3, x, dtype=int) * x + np.full(3, x, dtype=np.float64)",
    {"x": values(_id, "float", 1.2, 1.8)}, autograd=False)

_id = "full_like-float"
add(_id, np.full_like, "np.full_like(y, x) * y + np.full_like(y, x * x)",
    {"x": values(_id + "x", "float"), "y": values(_id + "y", (2, 3))}, autograd=False,
    second_order=True)
_id = "full_like-row"
add(_id, np.full_like, "np.full_like(y, x) * np.sin(np.full_like(y, x, shape=(4, 3)))[:2]",
    {"x": values(_id + "x", (3,)), "y": values(_id + "y", (2, 3))}, autograd=False,
    second_order=True)
_id = "full_like-int"  # y's dtype, int: no derivative
add(_id, np.full_like, "np.full_like(np.shape(y), x) * y + np.full_like(y, x, dtype=int) * y",
    {"x": values(_id + "x", "float", 1.2, 1.8), "y": values(_id + "y", (2,))}, autograd=False,
    float32=False)  # an integer array times y is float64

_id = "linspace-floats"
add(_id, np.linspace, "np.linspace(a, b, 5) ** 2 * a",
    {"a": values(_id + "a", "float"), "b": values(_id + "b", "float")}, second_order=True)
_id = "linspace-start-only"
add(_id, np.linspace, "np.sin(np.linspace(a, 2.0, num=4)) + np.linspace(1.0, a, 4, False)",
    {"a": values(_id, "float")}, autograd=False,  # autograd's rule fails on num=, endpoint
    second_order=True)
_id = "linspace-no-endpoint"
add(_id, np.linspace, "np.linspace(a, b, 6, endpoint=False) * np.linspace(b, a, 6)",
    {"a": values(_id + "a", ()), "b": values(_id + "b", ())}, autograd=False,
    second_order=True)
_id = "linspace-one-sample"
add(_id, np.linspace, "np.linspace(a, b, 1) * b + np.linspace(a, b, 1, endpoint=False) * a",
    {"a": values(_id + "a", "float"), "b": values(_id + "b", "float")}, autograd=False)
_id = "linspace-arrays-axis"  # start (3,) and stop (2, 3) broadcast; samples along axis 1
add(_id, np.linspace, "np.linspace(a, b, 4, axis=1) ** 2",
    {"a": values(_id + "a", (3,)), "b": values(_id + "b", (2, 3))}, autograd=False,
    second_order=True)
_id = "linspace-arrays-last-axis"
add(_id, np.linspace, "np.sin(np.linspace(a, b, num=3, endpoint=False, axis=-1))",
    {"a": values(_id + "a", (2, 1)), "b": values(_id + "b", (3,))}, autograd=False,
    second_order=True)
_id = "linspace-int-dtype"  # an integer result carries no derivative
add(_id, np.linspace, "np.linspace(a, 9.5, 4, dtype=int) * a + np.linspace(a, 9.5, 4)",
    {"a": values(_id, "float", 0.2, 0.4)}, autograd=False)

# The inputs stay where the number of values does not change.
_id = "arange-start"
add(_id, np.arange, "np.arange(a, 4.0) * np.sin(np.arange(a, 4.0))",
    {"a": values(_id, "float", 0.1, 0.4)}, autograd=False, second_order=True)
_id = "arange-start-step"
add(_id, np.arange, "np.arange(a, 3.5, s) ** 2 + np.arange(0.5, 3.5, step=s) * a",
    {"a": values(_id + "a", "float", 0.1, 0.2), "s": values(_id + "s", "float", 0.9, 0.95)},
    autograd=False, second_order=True)
_id = "arange-0d"
add(_id, np.arange, "np.arange(a, b, s) * a",
    {"a": values(_id + "a", (), 0.1, 0.2), "b": values(_id + "b", (), 3.1, 3.2),
     "s": values(_id + "s", (), 0.9, 0.95)}, autograd=False, second_order=True,
    float32=False)  # np.arange of 0-d float32 arrays is float64
_id = "arange-stop-only"  # arange(stop) is 0, 1, 2, ...: no derivative through stop
add(_id, np.arange, "np.arange(a) * a + np.arange(0.0, a) * a + np.arange(a, dtype=float)",
    {"a": values(_id, "float", 3.1, 3.9)}, autograd=False, second_order=True)
_id = "arange-int-dtype"
add(_id, np.arange, "np.sum(np.arange(a, 6.0, dtype=int)) * a + np.arange(a, 6.0, 2.0)",
    {"a": values(_id, "float", 1.1, 1.4)}, autograd=False)


# The helpers, called directly, so that their adjoints (used by reverse over reverse) run.
def _helper_case(case_id, covers, body, params, helpers, **kwargs):
    case = add(case_id, covers, None, params, body=body, autograd=False, **kwargs)
    for helper in helpers:
        case.func.__globals__[helper.__name__] = helper


_id = "helper-undiagonal"
_helper_case(_id, runtime.undiagonal,
             "    return np.sum(np.sin(undiagonal(g, m, 1, 1, 2)) * m)\n",
             {"g": values(_id + "g", (2, 3)), "m": values(_id + "m", (2, 3, 4))},
             [runtime.undiagonal], wrt=(0,), second_order=True)
_id = "helper-untrace"
_helper_case(_id, runtime.untrace, "    return np.sum(np.sin(untrace(g, m, -1)) * m)\n",
             {"g": values(_id + "g", "float"), "m": values(_id + "m", (3, 4))},
             [runtime.untrace], wrt=(0,), second_order=True)
_id = "helper-permuted"
_helper_case(_id, (runtime.take_permuted, runtime.untake_permuted),
             "    i = np.argsort(m, axis=0)\n"
             "    return np.sum(np.sin(take_permuted(x, i, 0))\n"
             "                  * untake_permuted(x * x, m, i, 0) * m)\n",
             {"x": values(_id + "x", (3, 4)), "m": values(_id + "m", (3, 4))},
             [runtime.take_permuted, runtime.untake_permuted], wrt=(0,), second_order=True)
_id = "helper-untake"
_helper_case(_id, runtime.untake,
             "    return np.sum(np.sin(untake(g, m, np.array([0, 2, 2]), 1, 'raise')) * m)\n",
             {"g": values(_id + "g", (2, 3)), "m": values(_id + "m", (2, 4))},
             [runtime.untake], wrt=(0,), second_order=True)
for _mode in ("constant", "reflect"):
    _id = f"helper-pad-{_mode}"
    _helper_case(_id, (runtime.pad_derivative, runtime.unpad),
                 f"    p = pad_derivative(x, ((1, 2), (2, 1)), '{_mode}')\n"
                 f"    u = unpad(p * p, x, ((1, 2), (2, 1)), '{_mode}')\n"
                 "    return np.sum(np.sin(u) * x)\n",
                 {"x": values(_id, (3, 4))}, [runtime.pad_derivative, runtime.unpad],
                 second_order=True)
_id = "helper-pad-fill"
_helper_case(_id, (runtime.pad_fill, runtime.unpad_fill),
             "    p = pad_fill(c, m, 1)\n"
             "    return np.sum(unpad_fill(p * p, m, 1, c) * c)\n",
             {"c": values(_id + "c", (2, 2)), "m": values(_id + "m", (2, 3))},
             [runtime.pad_fill, runtime.unpad_fill], wrt=(0,), second_order=True)
_id = "helper-casts"
_helper_case(_id, (runtime.cast_derivative, runtime.unarray),
             "    a = cast_derivative([x, x * x], m)\n"
             "    b = unarray(a * a, [m[0], m[1]], m)\n"
             "    return np.sum(np.sin(b[0]) * b[1])\n",
             {"x": values(_id + "x", (3,)), "m": values(_id + "m", (2, 3))},
             [runtime.cast_derivative, runtime.unarray], wrt=(0,), second_order=True)
