"""Cases for templates/numpy_indexing.py: gathers, set operations, arrays built from pieces.

The rules move elements, so most cases multiply the result by a function of the input to give
Hessian-vector products something to check.  Indices are constants; inputs of the set
operations are distinct values (a value found twice would be a tie).  The helpers the
generated code calls (``gathered``, ``ungathered``, ...) carry their own rules for derivatives
of derivatives; the ``helper-gathers-*`` cases call them directly.
"""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime import gathers as runtime
from tangentlike.runtime import histograms as runtime_histograms
from tangentlike.runtime.writes import written

# Gathers of one array ------------------------------------------------------------------------

try:  # np.take_along_axis's axis has a default (-1) from NumPy 2.3 on
    np.take_along_axis(np.zeros(2), np.zeros(1, int))
    _DEFAULT_AXIS = True
except TypeError:
    _DEFAULT_AXIS = False

for _id, _expr, _shape, _ag in (
    ("take-along-axis-sorted", "np.take_along_axis(x, np.argsort(x, axis=1), axis=1) * x",
     (3, 4), False),
    ("take-along-axis-repeats", "np.take_along_axis(x, np.array([[0, 0, 2], [1, 1, 1]]), 0) "
     "* np.sin(x[:2, :3])", (3, 3), False),
    ("take-along-axis-flat", "np.take_along_axis(x, np.array([5, 0, 5]), None) ** 2",
     (2, 3), False),
    *([("take-along-axis-default", "np.take_along_axis(x, np.array([[2, 0], [1, 1]])) ** 2",
        (2, 3), False)] if _DEFAULT_AXIS else []),
):
    add(_id, np.take_along_axis, _expr, {"x": values(_id, _shape)}, autograd=_ag,
        second_order=True)

for _id, _expr, _shape in (
    ("delete-flat", "np.delete(x, [0, 3]) * np.delete(x, [1, 4])", (2, 3)),
    ("delete-axis", "np.delete(x, 1, axis=1) ** 2", (3, 4)),
    ("delete-slice", "np.sin(np.delete(x, slice(0, 2), 0))", (4, 2)),
):
    add(_id, np.delete, _expr, {"x": values(_id, _shape)}, autograd=False, second_order=True)

for _id, _expr, _shape in (
    ("extract-mask", "np.extract(x > 0, x) ** 3", (3, 4)),
    ("extract-constant-mask", "np.extract(np.array([1, 0, 1, 1]), x) * x[:3]", (4,)),
):
    add(_id, np.extract, _expr, {"x": values(_id, _shape, signed=True)}, autograd=False,
        second_order=True)

for _id, _expr, _shape in (
    ("compress-axis0", "np.compress([True, False, True], x, axis=0) ** 2", (3, 4)),
    ("compress-flat", "np.compress([False, True, True], x) * x[0, :2]", (2, 3)),
):
    add(_id, np.compress, _expr, {"x": values(_id, _shape)}, autograd=False,
        second_order=True)
for _id, _expr, _shape in (
    ("compress-method", "x.compress([True, False, True, True], axis=1) ** 2", (3, 4)),
    ("compress-method-flat", "np.sin(x.compress(np.array([1, 0, 0, 1], dtype=bool)))",
     (2, 2)),
):
    add(_id, np.ndarray.compress, _expr, {"x": values(_id, _shape)}, autograd=False,
        second_order=True)

for _id, _expr, _shape in (
    ("resize-bigger", "np.resize(x, (5, 3)) ** 2", (3, 2)),
    ("resize-smaller", "np.resize(x, 4)", (2, 3)),
):
    add(_id, np.resize, _expr, {"x": values(_id, _shape)}, autograd=False,
        second_order=_id == "resize-bigger")

for _id, _expr in (
    ("trim-zeros-both", "np.trim_zeros(np.pad(x, (2, 1))) ** 2"),
    ("trim-zeros-front", "np.trim_zeros(np.pad(x, (2, 1)), 'f') ** 2"),
    ("trim-zeros-back", "np.sin(np.trim_zeros(np.pad(x, (2, 1)), trim='b'))"),
):
    add(_id, np.trim_zeros, _expr, {"x": values(_id, (3,), 0.5, 1.0)}, autograd=False,
        second_order=True)

for _id, _expr, _shape in (
    ("item-flat", "x.item(4) * x.item(1) ** 2", (2, 3)),
    ("item-tuple", "x.item(1, 2) * x.item((0, 1))", (2, 3)),
    ("item-one", "x.item() ** 3", (1, 1)),
):
    add(_id, np.ndarray.item, _expr, {"x": values(_id, _shape)}, autograd=False,
        second_order=True, float32=False)  # a Python float

for _id, _body, _shape in (
    ("tolist-matrix", "    rows = x.tolist()\n    return rows[1][2] * rows[0][0] ** 2\n",
     (2, 3)),
    ("tolist-vector", "    v = x.tolist()\n    return v[0] * v[2] + v[1] ** 3\n", (3,)),
):
    add(_id, np.ndarray.tolist, None, {"x": values(_id, _shape)}, body=_body,
        autograd=False, second_order=True, float32=False)

# Two arrays -----------------------------------------------------------------------------------

for _id, _expr in (
    ("append-flat", "np.append(x, v) * np.append(v, x)"),
    ("append-axis", "np.append(x, np.sin(x), axis=0) ** 2"),
):
    add(_id, np.append, _expr, {"x": values(_id, (2, 3)), "v": values(_id + "v", (2, 3))},
        autograd=False, second_order=True)

for _id, _expr, _v in (
    ("insert-scalar", "np.insert(x, 2, v)", "float"),
    ("insert-broadcast", "np.insert(x, [1, 1, 4], v) ** 2", (3,)),
    ("insert-axis", "np.insert(x, 1, v, axis=1) ** 2", (2,)),
):
    add(_id, np.insert, _expr, {"x": values(_id, (2, 3)), "v": values(_id + "v", _v)},
        autograd=False, second_order=True)

# distinct values (a value in both would be a tie): x in [-2, -1], v in [0, 1], except
# the shared value of intersect1d
_x = values("sets-x", (5,), -2.0, -1.0)
_v = values("sets-v", (4,), 0.0, 1.0)
for _id, _prim, _expr in (
    ("union1d", np.union1d, "np.union1d(x, v)"),
    ("union1d-square", np.union1d, "np.union1d(x, v) ** 2"),
    ("setxor1d", np.setxor1d, "np.setxor1d(x, v)"),
    ("setxor1d-square", np.setxor1d, "np.setxor1d(v, x) ** 2"),
    ("setdiff1d", np.setdiff1d, "np.setdiff1d(x, v)"),
    ("setdiff1d-square", np.setdiff1d, "np.setdiff1d(v, x) ** 2"),
    ("intersect1d", np.intersect1d,
     "np.intersect1d(x, np.concatenate([v, x[1:2] * 1.0])) * x[1]"),
    ("intersect1d-indices", np.intersect1d,
     "np.intersect1d(x, np.concatenate([v, x[2:4]]), return_indices=True)[0] ** 2"),
):
    add(_id, _prim, _expr, {"x": _x, "v": _v}, autograd=False, second_order=True)

for _id, _expr in (
    ("unique-flat", "np.unique(np.concatenate([x, x[:2]]))"),
    ("unique-counts", "np.unique(np.concatenate([x, x[:2]]), return_counts=True)[0] ** 2"
     " * np.unique(np.concatenate([x, x[:2]]), return_counts=True)[1]"),
    ("unique-inverse", "np.unique(x, return_index=True, return_inverse=True)[0] ** 2"),
):
    # float32 values times int64 counts are float64
    add(_id, np.unique, _expr, {"x": _x}, autograd=False, second_order=True,
        float32=_id != "unique-counts")
_id = "unique-axis"
add(_id, np.unique, "np.unique(np.concatenate([x, x[:1]]), axis=0) ** 2",
    {"x": values(_id, (3, 2))}, autograd=False, second_order=True)
for _id, _prim, _expr in (
    ("unique-values", np.unique_values, "np.sort(np.unique_values(x)) ** 2"),
    ("unique-values-repeats", np.unique_values,
     "np.sum(np.unique_values(np.concatenate([x, x])) ** 3)"),
    ("unique-counts-fn", np.unique_counts,
     "np.unique_counts(x).values ** 2 * np.unique_counts(x).counts"),
    ("unique-counts-fn-tuple", np.unique_counts, "np.sum(np.unique_counts(x)[0] ** 3)"),
    ("unique-inverse-fn", np.unique_inverse, "np.unique_inverse(x).values ** 2"),
    ("unique-inverse-fn-tuple", np.unique_inverse, "np.sum(np.unique_inverse(x)[0] ** 3)"),
    ("unique-all", np.unique_all, "np.unique_all(x).values ** 2"),
    ("unique-all-tuple", np.unique_all, "np.sum(np.unique_all(x)[0] ** 3)"),
):
    add(_id, _prim, _expr, {"x": _x}, autograd=False, second_order=True,
        float32=_id != "unique-counts-fn")

# Lists of arrays -----------------------------------------------------------------------------

for _id, _expr in (
    ("choose-list", "np.choose(np.array([[0, 1, 0], [1, 1, 0]]), [x, v]) * x"),
    ("choose-broadcast", "np.choose(np.array([1, 0, 1]), [x, v[0]], mode='clip') ** 2"),
):
    add(_id, np.choose, _expr, {"x": values(_id, (2, 3)), "v": values(_id + "v", (2, 3))},
        autograd=False, second_order=True)
for _id, _expr in (
    ("choose-method", "np.array([[0, 1, 2], [2, 1, 0]]).choose([x, v, x * v]) * x"),
    ("choose-method-array", "np.array([1, 0, 1]).choose(np.stack([x, v])) ** 2"),
):
    add(_id, np.ndarray.choose, _expr,
        {"x": values(_id, (2, 3)), "v": values(_id + "v", (2, 3))}, autograd=False,
        second_order=True)

for _id, _expr in (
    ("select-default", "np.select([x > 0.3, x < -0.3], [x * 2.0, v ** 2], v * x) * x"),
    ("select-constant-default", "np.select([x > 0.0], [v]) ** 2"),
    ("select-broadcast", "np.select([x > 0.0, x <= 0.0], [v[0], x], 1.5) ** 2"),
):
    add(_id, np.select, _expr,
        {"x": values(_id, (2, 3), 0.4, 1.0, signed=True), "v": values(_id + "v", (2, 3))},
        autograd=False, second_order=True)

for _id, _expr in (
    ("block-2x2", "np.block([[x, v], [v * 2.0, x]]) ** 2"),
    ("block-flat", "np.sin(np.block([x, v, x[:, :1]]))"),
):
    add(_id, np.block, _expr, {"x": values(_id, (2, 3)), "v": values(_id + "v", (2, 3))},
        autograd=False, second_order=True)

# Tuples of arrays -----------------------------------------------------------------------------

for _id, _body in (
    ("broadcast-arrays-two",
     "    a, b = np.broadcast_arrays(x, v)\n    return np.sum(a * b * w)\n"),
    ("broadcast-arrays-one-used",
     "    a, b, c = np.broadcast_arrays(x, v, 2.0)\n    return np.sum(np.sin(b) * w)\n"),
):
    add(_id, np.broadcast_arrays, None,
        {"x": values(_id, (3, 1)), "v": values(_id + "v", (4,)),
         "w": values(_id + "w", (3, 4))}, wrt=(0, 1), body=_body, autograd=False,
        second_order=True)

for _id, _body in (
    ("meshgrid-xy", "    a, b = np.meshgrid(x, v)\n    return np.sum(a * b * w)\n"),
    ("meshgrid-ij", "    a, b = np.meshgrid(x, v, indexing='ij')\n"
     "    return np.sum(np.sin(a) * b * w.T)\n"),
    ("meshgrid-sparse", "    a, b = np.meshgrid(x, v, sparse=True)\n"
     "    return np.sum(a * b * w)\n"),
):
    add(_id, np.meshgrid, None,
        {"x": values(_id, (4,)), "v": values(_id + "v", (3,)), "w": values(_id + "w", (3, 4))},
        wrt=(0, 1), body=_body, autograd=False, second_order=True)
_id = "meshgrid-three"
add(_id, np.meshgrid, None,
    {"x": values(_id, (2,)), "v": values(_id + "v", (3,)), "u": values(_id + "u", (2, 2))},
    body="    a, b, c = np.meshgrid(x, v, u)\n    return np.sum(a * b * np.cos(c))\n",
    autograd=False, second_order=True)

for _id, _body in (
    ("unstack-rows", "    a, b = np.unstack(x)\n    return np.sum(a * np.sin(b))\n"),
    ("unstack-axis", "    parts = np.unstack(x, axis=1)\n    return np.sum(parts[2] ** 2)\n"),
):
    add(_id, np.unstack, None, {"x": values(_id, (2, 3))}, body=_body, autograd=False,
        second_order=True)

# Built from values ---------------------------------------------------------------------------

for _id, _expr, _shape in (
    ("diagflat-vector", "np.diagflat(x) * np.diagflat(np.sin(x))", (3,)),
    ("diagflat-matrix-k", "np.diagflat(x, 1) ** 2", (2, 2)),
    ("diagflat-negative", "np.diagflat(x, k=-2) ** 2", (3,)),
):
    add(_id, np.diagflat, _expr, {"x": values(_id, _shape)}, autograd=False,
        second_order=True)

for _id, _expr in (
    ("vander-default", "np.vander(x) * x"),
    ("vander-n-increasing", "np.vander(x, 5, increasing=True) ** 2"),
    ("vander-n1", "np.vander(x, 2) * np.vander(x, 2)"),
):
    # np.vander of float32 is float64 (NumPy promotes with int)
    add(_id, np.vander, _expr, {"x": values(_id, (3,), signed=True)}, second_order=True,
        float32=False, autograd=False)

for _id, _expr, _params in (
    ("logspace-scalars", "np.logspace(a, b, 5)",
     {"a": values("ls-a", "float"), "b": values("ls-b", "float")}),
    ("logspace-base", "np.logspace(a, b, 4, base=c, endpoint=False)",
     {"a": values("lsb-a", "float"), "b": values("lsb-b", "float"),
      "c": values("lsb-c", "float", 1.5, 3.0)}),
    ("logspace-arrays-axis", "np.logspace(a, b, 3, axis=1) * 0.1",
     {"a": values("lsa-a", (2,)), "b": values("lsa-b", (2,))}),
):
    add(_id, np.logspace, _expr, _params, second_order=True, autograd=False)

for _id, _expr, _params in (
    ("geomspace-scalars", "np.geomspace(a, b, 5)",
     {"a": values("gs-a", "float", 0.5, 2.0), "b": values("gs-b", "float", 2.0, 3.0)}),
    ("geomspace-negative", "np.geomspace(a, b, 4, endpoint=False)",
     {"a": values("gsn-a", "float", -2.0, -0.5), "b": values("gsn-b", "float", -3.0, -2.0)}),
    ("geomspace-arrays-axis", "np.geomspace(a, b, 3, axis=1) * 1.0",
     {"a": values("gsa-a", (2,), 0.5, 1.0), "b": values("gsa-b", (2,), 1.5, 2.0)}),
):
    add(_id, np.geomspace, _expr, _params, second_order=True, autograd=False,
        float32=False)  # float64, as NumPy's result

for _id, _expr in (
    ("view-same", "x.view() * x"),
    ("view-dtype", "x.view(x.dtype) ** 2"),
):
    add(_id, np.ndarray.view, _expr, {"x": values(_id, (2, 3))}, autograd=False,
        second_order=True)
for _id, _expr in (
    ("to-device", "x.to_device('cpu') * x"),
    ("to-device-sin", "np.sin(x.to_device('cpu'))"),
):
    add(_id, np.ndarray.to_device, _expr, {"x": values(_id, (3,))}, autograd=False,
        second_order=True)


# Histograms ----------------------------------------------------------------------------------

_data = values("hist-data", (7,))
for _id, _body in (
    ("histogram-edges", "    h, e = np.histogram(x, 4)\n"
     "    return np.sum(e ** 2 * w[:5])\n"),
    ("histogram-weights", "    h, e = np.histogram(x ** 2, bins=3, weights=x)\n"
     "    return np.sum(h * w[:3])\n"),
    ("histogram-range", "    e = np.histogram(w, 3, range=(x[0] - 3.0, x[1] + 3.0))[1]\n"
     "    return np.sum(e ** 2)\n"),
    ("histogram-bins-array", "    e = np.histogram(w, np.sort(x) * 3.0)[1]\n"
     "    return np.sum(np.sin(e))\n"),
):
    add(_id, np.histogram, None, {"x": values(_id, (7,)), "w": _data}, wrt=(0,), body=_body,
        autograd=False, second_order=True)
for _id, _expr in (
    ("histogram-bin-edges", "np.histogram_bin_edges(x, 5) ** 2"),
    ("histogram-bin-edges-range", "np.histogram_bin_edges(x, 3, range=(x[2], x[3] + 5.0))"),
):
    add(_id, np.histogram_bin_edges, _expr, {"x": values(_id, (6,))}, autograd=False,
        second_order=True)


# Writes in place, as statements (lowered to y[...] = written(...)) ---------------------------

for _id, _body in (
    ("writes-copyto", "    y = np.zeros(3, x.dtype)\n    np.copyto(y, x * x)\n"
     "    return np.sum(y * x)\n"),
    ("writes-copyto-where", "    y = x * 2.0\n    np.copyto(y, x ** 2, where=x > 0.0)\n"
     "    return np.sum(y * x)\n"),
    ("writes-put", "    y = x * 2.0\n    np.put(y, [0, 2, 0], x[1:] * 3.0)\n"
     "    return np.sum(y * x)\n"),
    ("writes-put-wrap", "    y = x * 2.0\n    np.put(y, [4, -1], np.sin(x[0]), mode='wrap')\n"
     "    return np.sum(y * x)\n"),
    ("writes-place", "    y = x * 2.0\n    np.place(y, x > 0.0, x[:1] * 5.0)\n"
     "    return np.sum(y * x)\n"),
    ("writes-putmask", "    y = x * 2.0\n    np.putmask(y, x > 0.0, x[::-1] ** 2)\n"
     "    return np.sum(y * x)\n"),
):
    add(_id, written, None, {"x": values(_id, (3,), 0.2, 1.0, signed=True)}, body=_body,
        autograd=False, second_order=True)
for _id, _body in (
    ("writes-fill-diagonal", "    y = np.outer(x, x)\n    np.fill_diagonal(y, x)\n"
     "    return np.sum(y * y)\n"),
    ("writes-put-along-axis", "    y = np.outer(x, x)\n"
     "    np.put_along_axis(y, np.array([[0], [2], [1]]), x[:, None] * 4.0, axis=1)\n"
     "    return np.sum(y * y)\n"),
):
    add(_id, written, None, {"x": values(_id, (3,))}, body=_body, autograd=False,
        second_order=True)


# The helpers ---------------------------------------------------------------------------------

def _helper_case(case_id, covers, body, params, helpers, **kwargs):
    case = add(case_id, covers, None, params, body=body, autograd=False, **kwargs)
    for helper in helpers:
        case.func.__globals__[helper.__name__] = helper


_id = "helper-gathers-flat"
_helper_case(_id, (runtime.gathered, runtime.ungathered),
             "    s = np.array([[2, -1], [0, 2]])\n"
             "    g = gathered(x, s)\n"
             "    return np.sum(np.sin(ungathered(g * g, m, s)) * m)\n",
             {"x": values(_id + "x", (3,)), "m": values(_id + "m", (3,))},
             [runtime.gathered, runtime.ungathered], wrt=(0,), second_order=True)
_id = "helper-gathers-pieces"
_helper_case(_id, (runtime.gathered_pieces, runtime.ungathered_pieces),
             "    s = np.array([0, 4, 4, 1])\n"
             "    g = gathered_pieces([x, x * x], s)\n"
             "    p = ungathered_pieces(np.sin(g), [m[:2], m[2:]], s)\n"
             "    return np.sum(p[0] * p[1][:2])\n",
             {"x": values(_id + "x", (3,)), "m": values(_id + "m", (5,))},
             [runtime.gathered_pieces, runtime.ungathered_pieces], wrt=(0,),
             second_order=True)
_id = "helper-gathers-parts"
_helper_case(_id, (runtime.first_part, runtime.with_constant_parts),
             "    t = with_constant_parts(x * x, (m, np.arange(3)))\n"
             "    return np.sum(np.sin(first_part(t)) * first_part(m))\n",
             {"x": values(_id + "x", (3,)), "m": values(_id + "m", (3,))},
             [runtime.first_part, runtime.with_constant_parts], wrt=(0,), second_order=True)
_id = "helper-gathers-spread"
_helper_case(_id, (runtime.spread_part, runtime.unspread_part),
             "    y = (m, np.zeros((2, 3)))\n"
             "    t = spread_part(x * x, 1, y, (1, 3))\n"
             "    return np.sum(np.sin(unspread_part(t, 1, x, (1, 3))) * x)\n",
             {"x": values(_id + "x", (3,)), "m": values(_id + "m", (2, 3))},
             [runtime.spread_part, runtime.unspread_part], wrt=(0,), second_order=True)
_id = "helper-gathers-checks"
_helper_case(_id, (runtime.scalar_base, runtime.same_dtype_view),
             "    return scalar_base(x[0]) ** 2 * np.sum(same_dtype_view(x * x, x, x))\n",
             {"x": values(_id + "x", (3,))},
             [runtime.scalar_base, runtime.same_dtype_view], second_order=True)
_id = "helper-gathers-histogram"
_helper_case(_id, runtime_histograms.as_histogram,
             "    h, e = as_histogram(x * x, np.sin(x))\n"
             "    return np.sum(h * e)\n",
             {"x": values(_id + "x", (3,))}, [runtime_histograms.as_histogram],
             second_order=True)
