"""Core cases, part 2: reductions (and their ties), reshape and transpose, subscripts.

End to end in all four modes (``add_core``) and, where the primitive is called directly, on
its templates (``add_template``).  At a tie the derivative is shared equally (autograd's
convention): the end-to-end form checks fixed gradients, the template form a fixed tangent.
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from rule_cases import add_core, add_template, draw, rng, shape_id

# ---------------------------------------------------------------------------------------------
# Reductions, as functions and methods, over every axis form.

REDUCTIONS = {  # name: (primitive, expression)
    "sum": (np.sum, "np.sum(x{})"), "mean": (np.mean, "np.mean(x{})"),
    "max": (np.max, "np.max(x{})"), "min": (np.min, "np.min(x{})"),
    "amax": (np.amax, "np.amax(x{})"), "amin": (np.amin, "np.amin(x{})"),
    "sum-method": (np.ndarray.sum, "x.sum({})"), "mean-method": (np.ndarray.mean, "x.mean({})"),
    "max-method": (np.ndarray.max, "x.max({})"), "min-method": (np.ndarray.min, "x.min({})"),
}


def _reduction_args(method: bool, axis: Any, keepdims: bool) -> str:
    parts = []
    if axis is not None or keepdims:
        parts.append(f"axis={axis}")
    if keepdims:
        parts.append("keepdims=True")
    text = ", ".join(parts)
    return text if method or not text else ", " + text


for _name, (_prim, _template) in REDUCTIONS.items():
    _method = _name.endswith("method")
    for _axis in (None, 0, 1, -1):
        for _keepdims in (False, True):
            _id = f"{_name}-3x4-axis{_axis}-keepdims{_keepdims}"
            _x = draw(rng(_id), (3, 4), -2, 2)
            add_core(_id, _template.format(_reduction_args(_method, _axis, _keepdims)),
                     {"x": _x})
            add_template(_id, _prim, _x, axis=_axis, keepdims=_keepdims)
    for _shape, _axis, _keepdims in (
            ((5,), None, False), ((5,), 0, False), ((5,), 0, True), ((2, 3, 4), (0, 2), False),
            ((2, 3, 4), (0, 2), True), ((2, 3, 4), 1, False), ((2, 3, 4), (-1, 0), False),
            ((2, 3, 4), (-1, 0), True), ((), None, False), ((2, 3, 4), None, False)):
        _id = f"{_name}-{shape_id(_shape)}-axis{_axis}".replace(" ", "")
        _id += "-keepdims" * _keepdims
        _x = draw(rng(_id), _shape, -2, 2)
        add_core(_id, _template.format(_reduction_args(_method, _axis, _keepdims)), {"x": _x})
        if (_shape, _axis, _keepdims) != ((5,), 0, False):  # end to end only
            add_template(_id, _prim, _x, axis=_axis, keepdims=_keepdims)
    # The axis given positionally.
    _id = f"{_name}-3x4-positional"
    _x = draw(rng(_id), (3, 4), -2, 2)
    add_core(_id, _template.format("1" if _method else ", 1"), {"x": _x})
    add_template(_id, _prim, _x, 1, wrt=(0,))

add_core("sum-float", "np.sum(x) * 2.0", {"x": 0.7})
add_core("max-float", "np.max(x) * 2.0", {"x": 0.7})
for _name in ("sum", "mean", "max", "min"):
    add_template(f"{_name}-float", REDUCTIONS[_name][0], 0.7)
_x = draw(rng("spk"), (3, 4))
add_core("sum-method-positional-keepdims", "x.sum(0, keepdims=True)", {"x": _x})
add_template("sum-method-positional-keepdims", np.ndarray.sum, _x, 0, keepdims=True, wrt=(0,))
add_core("mean-positional-tuple", "np.mean(x, (0, 2))", {"x": draw(rng("mpt"), (2, 3, 4))})
add_core("sum-composed", "np.sum(np.sin(x), axis=0)", {"x": draw(rng("sc"), (3, 4))})

# ---------------------------------------------------------------------------------------------
# Ties share the derivative equally (autograd's convention): fixed gradients end to end
# (finite differences do not apply at a tie, autograd does), a fixed tangent per direction.

_xt, _yt = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0])
add_core("maximum-tie", "np.sum(np.maximum(x, y))", {"x": _xt, "y": _yt},
         expected=[np.array([0.5, 1.0, 0.0]), np.array([0.5, 0.0, 1.0])])
add_template("maximum-tie", np.maximum, _xt, _yt,
             tie=lambda vx, vy: np.array([(vx[0] + vy[0]) / 2, vx[1], vy[2]]))
add_core("minimum-tie", "np.sum(np.minimum(x, y))", {"x": _xt, "y": _yt},
         expected=[np.array([0.5, 0.0, 1.0]), np.array([0.5, 1.0, 0.0])])
add_template("minimum-tie", np.minimum, _xt, _yt,
             tie=lambda vx, vy: np.array([(vx[0] + vy[0]) / 2, vy[1], vx[2]]))
add_template("maximum-tie-float", np.maximum, 1.5, 1.5, tie=lambda vx, vy: (vx + vy) / 2)
add_template("minimum-tie-broadcast", np.minimum, np.array([[0.5], [2.0]]), np.array([0.5, 1.0]),
             tie=lambda vx, vy: np.array([[(vx[0, 0] + vy[0]) / 2, vx[0, 0]], [vy[0], vy[1]]]))
_x = np.array([1.0, 3.0, 3.0, 0.0])
add_core("max-tie", "np.max(x)", {"x": _x}, expected=[np.array([0.0, 0.5, 0.5, 0.0])])
add_template("max-tie", np.max, _x, tie=lambda v: (v[1] + v[2]) / 2)
add_template("amin-tie-all", np.amin, np.full((2, 2), 0.5), tie=lambda v: np.mean(v))
_x = np.array([[1.0, 1.0, 2.0], [0.0, 1.0, 0.0]])
add_core("min-tie-axis", "np.sum(np.min(x, axis=1))", {"x": _x},
         expected=[np.array([[0.5, 0.5, 0.0], [0.5, 0.0, 0.5]])])
add_template("min-tie-axis", np.min, _x, axis=1,
             tie=lambda v: np.array([(v[0, 0] + v[0, 1]) / 2, (v[1, 0] + v[1, 2]) / 2]))
_x = np.array([[2.0, 1.0], [2.0, 0.0], [2.0, 1.0]])
add_core("max-method-tie-keepdims", "np.sum(x.max(axis=0, keepdims=True))", {"x": _x},
         expected=[np.array([[1 / 3, 0.5], [1 / 3, 0.0], [1 / 3, 0.5]])])
add_template("max-method-tie-keepdims", np.ndarray.max, _x, axis=0, keepdims=True,
             tie=lambda v: np.array([[(v[0, 0] + v[1, 0] + v[2, 0]) / 3,
                                      (v[0, 1] + v[2, 1]) / 2]]))
add_template("max-tie-axes", np.max,
             np.array([[[1.0, 2.0], [2.0, 0.0]], [[2.0, 2.0], [1.0, 1.0]]]), axis=(0, 2),
             tie=lambda v: np.array([(v[0, 0, 1] + v[1, 0, 0] + v[1, 0, 1]) / 3, v[0, 1, 0]]))

# ---------------------------------------------------------------------------------------------
# Shapes: reshape and transpose, as functions, methods and .T.

_x34 = draw(rng("reshape"), (3, 4))
_x234 = draw(rng("transpose"), (2, 3, 4))
_x5t = draw(rng("t1"), (5,))
RESHAPES = {  # end to end: id -> (expression, x[, autograd's expression])
    "reshape-tuple": ("np.reshape(x, (4, 3))", _x34),
    "reshape-minus1": ("np.reshape(x, (2, -1))", _x34),
    "reshape-flat": ("np.reshape(x, -1)", _x34),
    "reshape-keyword": ("np.reshape(x, shape=(6, 2))", _x34),
    "reshape-order-F": ("np.reshape(x, (4, 3), order='F')", _x34),
    "reshape-0d": ("np.reshape(x, (1, 1))", np.array(0.3)),
    "reshape-to-0d": ("np.reshape(x, ()) * 2.0", np.array([0.3])),
    "reshape-method-from-shape": ("x.reshape(x.shape[1], x.shape[0])", _x34),
    "reshape-3d": ("np.reshape(x, (4, 6))", _x234),
    "reshape-method-args": ("x.reshape(4, 3)", _x34),
    "reshape-method-tuple": ("x.reshape((6, 2))", _x34),
    "reshape-method-minus1": ("x.reshape(-1)", _x34),
    "reshape-method-3d": ("x.reshape(2, -1, 3)", _x34),
    "reshape-method-order-F": ("x.reshape((4, 3), order='F')", _x34),
    "transpose-2d": ("np.transpose(x)", _x34),
    "transpose-3d": ("np.transpose(x)", _x234),
    "transpose-1d": ("np.transpose(x)", _x5t),
    "transpose-axes": ("np.transpose(x, (2, 0, 1))", _x234),
    "transpose-axes-keyword": ("np.transpose(x, axes=(1, 2, 0))", _x234),
    "transpose-axes-swap": ("np.transpose(x, (1, 0, 2))", _x234),
    "transpose-axes-negative": ("np.transpose(x, (-1, 0, 1))", _x234),
    "transpose-method-negative": ("x.transpose(-1, 0, 1)", _x234),
    "transpose-method": ("x.transpose()", _x34),
    "transpose-method-3d": ("x.transpose()", _x234),
    "transpose-method-args": ("x.transpose(2, 0, 1)", _x234, "np.transpose(x, (2, 0, 1))"),
    "transpose-method-tuple": ("x.transpose((2, 0, 1))", _x234),
    "T-2d": ("x.T", _x34),
    "T-3d": ("x.T", _x234),
    "T-composed": ("np.sin(x.T) @ x", _x34),
}
for _id, (_expr, _x, *_reference) in RESHAPES.items():
    add_core(_id, _expr, {"x": _x}, autograd=_reference[0] if _reference else True)

SHAPES = {  # templates: id -> (primitive, arguments, keywords)
    "reshape-tuple": (np.reshape, (_x34, (4, 3)), {}),
    "reshape-minus1": (np.reshape, (_x34, (2, -1)), {}),
    "reshape-flat": (np.reshape, (_x34, -1), {}),
    "reshape-keyword": (np.reshape, (_x34,), {"shape": (6, 2)}),
    "reshape-order-F": (np.reshape, (_x34, (4, 3)), {"order": "F"}),
    "reshape-0d": (np.reshape, (np.array(0.3), (1, 1)), {}),
    "reshape-to-0d": (np.reshape, (np.array([0.3]), ()), {}),
    "reshape-3d": (np.reshape, (_x234, (4, 6)), {}),
    "reshape-method-args": (np.ndarray.reshape, (_x34, 4, 3), {}),
    "reshape-method-tuple": (np.ndarray.reshape, (_x34, (6, 2)), {}),
    "reshape-method-minus1": (np.ndarray.reshape, (_x34, -1), {}),
    "reshape-method-3d": (np.ndarray.reshape, (_x34, 2, -1, 3), {}),
    "reshape-method-order-F": (np.ndarray.reshape, (_x34, (4, 3)), {"order": "F"}),
    "reshape-method-order-F-args": (np.ndarray.reshape, (_x234, 4, 6), {"order": "F"}),
    "transpose-2d": (np.transpose, (_x34,), {}),
    "transpose-3d": (np.transpose, (_x234,), {}),
    "transpose-1d": (np.transpose, (_x5t,), {}),
    "transpose-0d": (np.transpose, (np.array(0.4),), {}),
    "transpose-axes": (np.transpose, (_x234, (2, 0, 1)), {}),
    "transpose-axes-keyword": (np.transpose, (_x234,), {"axes": (1, 2, 0)}),
    "transpose-axes-list": (np.transpose, (_x234, [1, 0, 2]), {}),
    "transpose-axes-negative": (np.transpose, (_x234, (-1, 0, 1)), {}),
    "transpose-method": (np.ndarray.transpose, (_x34,), {}),
    "transpose-method-3d": (np.ndarray.transpose, (_x234,), {}),
    "transpose-method-none": (np.ndarray.transpose, (_x234, None), {}),
    "transpose-method-args": (np.ndarray.transpose, (_x234, 2, 0, 1), {}),
    "transpose-method-tuple": (np.ndarray.transpose, (_x234, (2, 0, 1)), {}),
    "transpose-method-negative": (np.ndarray.transpose, (_x234, -1, 0, 1), {}),
}
for _id, (_prim, _args, _kwargs) in SHAPES.items():
    add_template(_id, _prim, *_args, wrt=(0,), **_kwargs)

# ---------------------------------------------------------------------------------------------
# Subscripts: basic, advanced and boolean indices (and, on the templates, containers).

_x5 = draw(rng("sub5"), (5,))
_x45 = draw(rng("sub45"), (4, 5))
SUBSCRIPTS = {  # id: (expression, x, the template's index or None)
    "index-0": ("x[0]", _x5, 0),
    "index-last": ("x[-1]", _x5, -1),
    "index-row": ("x[0]", _x45, 0),
    "index-2d": ("x[1, 2]", _x45, (1, 2)),
    "slice": ("x[1:3]", _x5, slice(1, 3)),
    "slice-column": ("x[:, 0]", _x45, (slice(None), 0)),
    "slice-reverse": ("x[::-1]", _x5, slice(None, None, -1)),
    "slice-step-2d": ("x[1:, ::2]", _x45, (slice(1, None), slice(None, None, 2))),
    "slice-ellipsis": ("x[..., 1]", _x234, (Ellipsis, 1)),
    "slice-newaxis": ("x[None, :]", _x5, (None, slice(None))),
    "slice-newaxis-last": ("x[:, None]", _x5, None),
    "index-0d": ("x[()]", np.array(0.4), ()),
    "fancy-repeated": ("x[np.array([0, 0, 2])]", _x5, np.array([0, 0, 2])),
    "fancy-negative": ("x[np.array([-1, 4, 1])]", _x5, np.array([-1, 4, 1])),
    "fancy-list": ("x[[0, 0, 2]]", _x5, [0, 0, 2]),
    "fancy-2d": ("x[np.array([0, 0, 3]), np.array([1, 1, 4])]", _x45,
                 (np.array([0, 0, 3]), np.array([1, 1, 4]))),
    "fancy-rows": ("x[np.array([2, 0, 2])]", _x45, np.array([2, 0, 2])),
    "fancy-mixed": ("x[np.array([1, 1]), 1:3]", _x45, (np.array([1, 1]), slice(1, 3))),
    "mask": ("x[x > 0]", _x5, _x5 > 0),
    "index-twice": ("x[0] * x[0] + x[1] * x[3]", _x5, None),
    "index-of-result": ("np.sin(x)[1:3, 0]", _x45, None),
}
for _id, (_expr, _x, _index) in SUBSCRIPTS.items():
    add_core(f"getitem-{_id}", _expr, {"x": _x})
    if _index is not None:
        add_template(f"getitem-{_id}", operator.getitem, _x, _index, wrt=(0,))
add_core("getitem-index-arg", "x[i] * 2.0", {"x": _x5, "i": 3})
add_core("getitem-index-array-arg", "x[i]", {"x": _x5, "i": np.array([4, 1, 4])})
CONTAINERS = {  # templates only: getitem on tuples, lists and dicts
    "tuple": ((_x5, 0.3, np.array(0.2)), 0), "tuple-float": ((_x5, 0.3), 1),
    "tuple-slice": ((_x5, 0.3, _x45), slice(1, None)), "list": ([0.5, 1.5, -0.2], -1),
    "dict": ({"a": _x5, "b": 0.25}, "a"),
}
for _id, (_x, _index) in CONTAINERS.items():
    add_template(f"getitem-{_id}", operator.getitem, _x, _index, wrt=(0,))
