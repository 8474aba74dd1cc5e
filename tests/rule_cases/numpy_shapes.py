"""Cases for templates/numpy_shapes.py: functions and methods that move elements around
(reshape and transpose are covered in ``core_arrays.py``).  The harness weights every
non-scalar result with a random ``w``, so a derivative put back in the wrong place fails."""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime.shapes import join_like, split_like


def _sid(shape):
    return shape if shape == "float" else "x".join(map(str, shape)) or "0d"


def _x(case_id, shape):
    return {"x": values(case_id, shape, -2, 2)}



# ravel and flatten, in C and Fortran order.
for _shape in ("float", (), (4,), (2, 3), (2, 3, 4)):
    _id = f"ravel-{_sid(_shape)}"
    add(_id, np.ravel, "np.ravel(x)", _x(_id, _shape), second_order=_shape == (2, 3))
for _expr, _prim in [("np.ravel(x, order='F')", np.ravel), ("np.ravel(x, 'F')", np.ravel),
                     ("x.ravel()", np.ndarray.ravel), ("x.ravel('F')", np.ndarray.ravel),
                     ("x.flatten()", np.ndarray.flatten),
                     ("x.flatten(order='F')", np.ndarray.flatten)]:
    _id = f"ravel-{_expr}"
    add(_id, _prim, _expr, _x(_id, (2, 3, 4)), second_order=True)

# squeeze: every axis of length 1, or some of them, negative axes included.
for _shape, _axis in [("float", None), ((), None), ((1,), None), ((1, 3, 1), None),
                      ((1, 3, 1), 0), ((1, 3, 1), -1), ((1, 3, 1), (0, 2)), ((2, 1, 3), 1)]:
    _id = f"squeeze-{_sid(_shape)}-axis{_axis}"
    add(_id, np.squeeze, "np.squeeze(x)" if _axis is None else f"np.squeeze(x, {_axis})",
        _x(_id, _shape), second_order=_shape == (1, 3, 1))
for _args in ("", "0", "axis=-1"):
    _id = f"squeeze-method-{_args}"
    add(_id, np.ndarray.squeeze, f"x.squeeze({_args})", _x(_id, (1, 3, 1)))

for _shape, _axis in [("float", 0), ((), 0), ((3,), 0), ((3,), -1), ((2, 3), 1),
                      ((2, 3), (0, 2)), ((2, 3), (-1, 0))]:
    _id = f"expand_dims-{_sid(_shape)}-axis{_axis}"
    add(_id, np.expand_dims, f"np.expand_dims(x, {_axis})", _x(_id, _shape),
        second_order=_shape == (2, 3))

# The one-array forms of atleast_1d, atleast_2d and atleast_3d.
for _n in (1, 2, 3):
    _prim = getattr(np, f"atleast_{_n}d")
    for _shape in ("float", (), (3,), (2, 3), (2, 3, 4)):
        _id = f"atleast_{_n}d-{_sid(_shape)}"
        add(_id, _prim, f"np.atleast_{_n}d(x)", _x(_id, _shape), second_order=_shape == (3,))

# Axes: swapped, moved, rolled (negative axes, and start before and after the axis).
for _expr, _prim in [("np.swapaxes(x, 0, 2)", np.swapaxes),
                     ("np.swapaxes(x, -1, 1)", np.swapaxes),
                     ("np.swapaxes(x, 1, 1)", np.swapaxes),
                     ("x.swapaxes(0, 1)", np.ndarray.swapaxes),
                     ("x.swapaxes(2, -3)", np.ndarray.swapaxes),
                     ("np.moveaxis(x, 0, -1)", np.moveaxis),
                     ("np.moveaxis(x, -1, 1)", np.moveaxis),
                     ("np.moveaxis(x, (0, 1), (2, 0))", np.moveaxis),
                     ("np.moveaxis(x, [0, -1], [-1, 0])", np.moveaxis),
                     ("np.rollaxis(x, 2)", np.rollaxis),
                     ("np.rollaxis(x, 0, 3)", np.rollaxis),
                     ("np.rollaxis(x, 0, 2)", np.rollaxis),
                     ("np.rollaxis(x, -1, 1)", np.rollaxis),  # autograd: no negative axes
                     ("np.rollaxis(x, 1, -1)", np.rollaxis),
                     ("np.rollaxis(x, 1, 1)", np.rollaxis)]:
    _id = f"axes-{_expr}"
    add(_id, _prim, _expr, _x(_id, (2, 3, 4)), second_order=_expr.endswith(("2)", "(2, 0))")),
        autograd=not _expr.startswith(("np.rollaxis(x, -1", "np.rollaxis(x, 1, -1")))
_id = "rollaxis-4d"
add(_id, np.rollaxis, "np.rollaxis(x, 3, 1)", _x(_id, (2, 3, 4, 5)))

for _shape, _to in [("float", (3,)), ((), (2, 2)), ((3,), (2, 3)), ((3, 1), (2, 3, 4)),
                    ((1, 4), (3, 4)), ((2, 3), (2, 3))]:
    _id = f"broadcast_to-{_sid(_shape)}-{_sid(_to)}"
    add(_id, np.broadcast_to, f"np.broadcast_to(x, {_to})", _x(_id, _shape),
        second_order=_shape == (3, 1), autograd=f"x * np.ones({_to})")  # autograd: no new axes


# Joins of arrays of different sizes, in lists and tuples; a constant among them gets no
# derivative.
def _join(case_id, prim, expr, shapes, **kwargs):
    params = {name: values(f"{case_id}/{name}", shape, -2, 2)
              for name, shape in zip("abc", shapes)}
    # A float64 constant or a Python float among the arrays makes the result float64.
    float32 = "np.ones" not in expr and "float" not in shapes
    add(case_id, prim, expr, params, float32=float32, **kwargs)


_JOINS = [
    ("np.concatenate([a, b])", [(2,), (3,)]),
    ("np.concatenate((a, b, c))", [(1,), (4,), (2,)]),
    ("np.concatenate([a, b], axis=0)", [(2, 3), (1, 3)]),
    ("np.concatenate([a, b], 1)", [(2, 3), (2, 1)]),
    ("np.concatenate([a, b, c], axis=-1)", [(2, 3, 1), (2, 3, 2), (2, 3, 4)]),
    ("np.concatenate([a, b], axis=None)", [(2, 3), (4,)]),  # autograd: no axis=None
    ("np.concatenate([a, b, c], axis=None)", [(), (2, 2), (3, 1, 2)]),
    ("np.concatenate([a, np.ones(2), b])", [(3,), (2,)]),
    ("np.stack([a, b])", [(3,), (3,)]),
    ("np.stack((a, b, c), axis=1)", [(2, 3), (2, 3), (2, 3)]),
    ("np.stack([a, b], axis=-1)", [(2, 3), (2, 3)]),
    ("np.stack([a, b], 2)", [(2, 3), (2, 3)]),
    ("np.stack([a, b])", [(), ()]),
    ("np.stack([a, 2.0 * np.ones(3), b], axis=-2)", [(3,), (3,)]),
    ("np.hstack([a, b])", [(2,), (3,)]),
    ("np.hstack((a, b, c))", [(2, 3), (2, 1), (2, 2)]),
    ("np.hstack([a, b])", [(2, 1, 3), (2, 2, 3)]),
    ("np.hstack([a, b])", ["float", ()]),
    ("np.vstack([a, b])", [(3,), (3,)]),
    ("np.vstack((a, b, c))", [(2, 3), (1, 3), (3,)]),
    ("np.vstack([a, b])", [(1, 2, 3), (2, 2, 3)]),
    ("np.column_stack([a, b])", [(3,), (3,)]),
    ("np.column_stack((a, b, c))", [(3, 2), (3,), (3, 1)]),
    ("np.dstack([a, b])", [(2, 3), (2, 3)]),
    ("np.dstack((a, b))", [(3,), (3,)]),
    ("np.dstack([a, b, c])", [(2, 3, 2), (2, 3), (2, 3, 1)]),
    ("np.dstack([a, b])", [(2, 1, 3, 2), (2, 1, 3, 2)]),
]
for _expr, _shapes in _JOINS:
    _id = f"{_expr}-{'-'.join(_sid(s) for s in _shapes)}"
    _prim = getattr(np, _expr[3:].split("(")[0])
    _second = _expr.startswith(("np.concatenate([a, b], 1)", "np.stack((a", "np.hstack((a",
                                "np.dstack([a, b, c]", "np.concatenate([a, b], axis=None)"))
    _join(_id, (_prim, split_like, join_like) if _second else _prim, _expr, _shapes,
          second_order=_second, autograd="axis=None" not in _expr)
_id = "join-composed"  # joins inside a computation, the same array joined twice
_join(_id, (np.concatenate, np.stack, split_like, join_like),
      "np.sin(np.concatenate([a, a * b, np.stack([b, a])[0]])) ** 2", [(3,), (3,)],
      second_order=True)


# Splits: sections, index lists (an empty piece, an index past the end), every axis; the
# pieces are used unequally, one not at all.
def _split(case_id, prim, call, shape, second_order=False):
    body = ("    p = {}\n"
            "    return np.sum(p[0] ** 3) + np.sum(p[1] * np.sin(p[1])) + np.sum(np.sin(p[-1]))\n")
    reference = True
    if call.startswith("np.hsplit") and len(shape) == 1:  # autograd's fails on 1-d arrays
        reference = body.format(call.replace("hsplit", "split"))
    add(case_id, prim, "", _x(case_id, shape), body=body.format(call), autograd=reference,
        second_order=second_order)


for _call, _shape, _prim in [
        ("np.split(x, 3)", (6,), np.split),
        ("np.split(x, [1, 4])", (6,), np.split),
        ("np.split(x, [2, 2, 5])", (6,), np.split),
        ("np.split(x, [2, 9])", (6,), np.split),
        ("np.split(x, 2, axis=1)", (3, 4), np.split),
        ("np.split(x, [1, 3], -1)", (2, 4), np.split),
        ("np.split(x, (1, 2), axis=1)", (2, 3, 2), np.split),
        ("np.array_split(x, 3)", (7,), np.array_split),
        ("np.array_split(x, 3, axis=0)", (5, 2), np.array_split),
        ("np.array_split(x, [1], axis=-2)", (2, 3, 2), np.array_split),
        ("np.hsplit(x, 2)", (4,), np.hsplit),
        ("np.hsplit(x, [1, 2])", (2, 4), np.hsplit),
        ("np.hsplit(x, 2)", (2, 4, 3), np.hsplit),
        ("np.vsplit(x, 2)", (4, 3), np.vsplit),
        ("np.vsplit(x, [1, 3])", (4, 2, 2), np.vsplit),
        ("np.dsplit(x, 2)", (2, 3, 4), np.dsplit),
        ("np.dsplit(x, [1, 3])", (2, 1, 4, 2), np.dsplit)]:
    _id = f"{_call}-{_sid(_shape)}"
    _split(_id, _prim, _call, _shape, second_order=_call in ("np.split(x, 2, axis=1)",
                                                             "np.array_split(x, 3)",
                                                             "np.hsplit(x, [1, 2])",
                                                             "np.vsplit(x, 2)",
                                                             "np.dsplit(x, 2)"))
_id = "split-unpacked"
add(_id, np.split, "", _x(_id, (3, 4)),
    body="    a, b = np.split(x, [1], axis=0)\n    return np.sum(a * np.sum(b, axis=0))\n",
    second_order=True)

# tile and repeat: the copies' derivatives are summed.  autograd's tile needs as many reps
# as axes, and its repeat a single count and a non-negative axis: the reference spells those
# out, or there is none.
for _shape, _reps, _reference in [
        ("float", 3, True), ((), (2, 3), True), ((3,), 2, True), ((3,), (2, 2), True),
        ((2, 3), (2, 1, 2), True), ((2, 3), 1, "np.tile(x, (1, 1))"),
        ((2, 3, 4), (2,), "np.tile(x, (1, 1, 2))"), ((2, 3, 4), (1, 2, 1), True)]:
    _id = f"tile-{_sid(_shape)}-reps{_reps}"
    add(_id, np.tile, f"np.tile(x, {_reps})", _x(_id, _shape), autograd=_reference,
        second_order=_shape == (2, 3))
for _shape, _args, _reference in [
        ("float", "3", False), ((), "2", False), ((3,), "2", True), ((2, 3), "2", True),
        ((2, 3), "[1, 2, 3], axis=1", False), ((2, 3), "3, axis=-2", "np.repeat(x, 3, axis=0)"),
        ((2, 3, 4), "[2, 0, 1], axis=1", False), ((2, 3), "[1, 0, 2, 1, 1, 3]", False),
        ((2, 3), "np.array([2, 1]), 0", False)]:
    _id = f"repeat-{_sid(_shape)}-{_args}"
    add(_id, np.repeat, f"np.repeat(x, {_args})", _x(_id, _shape), autograd=_reference,
        second_order=_shape == (2, 3, 4) or _args == "2")
for _args, _reference in [("2", True), ("[1, 2], axis=0", False),
                          ("3, -1", "np.repeat(x, 3, axis=1)")]:
    _id = f"repeat-method-{_args}"
    add(_id, np.ndarray.repeat, f"x.repeat({_args})", _x(_id, (2, 3)), autograd=_reference,
        second_order=_args == "3, -1")
