"""Cases for templates/numpy_ufunc_methods.py: ``reduce`` and ``accumulate`` of the
differentiable ufuncs (with ``axis`` an int, None or a tuple, ``keepdims``, ``initial`` and
``where=``), and ``outer`` of every binary ufunc with rules.  autograd has none of these
methods: each is compared with the expression it stands for (``np.add.reduce`` with
``np.sum``, ``np.maximum.outer(x, y)`` with ``np.maximum`` on ``x`` reshaped)."""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime.ufunc_methods import (
    add_at,
    divide_at,
    fmax_at,
    fmin_at,
    maximum_at,
    minimum_at,
    multiply_at,
    running_extremum_adjoint,
    running_extremum_tangent,
    subtract_at,
    unreduceat,
)


def _sid(shape):
    return "x".join(map(str, shape)) or "0d"


def _axis_id(axis):
    return "None" if axis is None else "_".join(map(str, np.atleast_1d(axis)))


def _kws(**kwargs):
    return "".join(f", {k}={v!r}" for k, v in kwargs.items() if v is not None)


# reduce: NumPy's default axis is 0; None reduces everything; tuples several axes.
_REDUCE = [((4,), "default", None), ((2, 3), "default", None), ((2, 3), 1, None),
           ((2, 3, 4), None, None), ((2, 3, 4), (0, 2), None), ((2, 3, 4), -1, True)]
# ufunc -> (values' range and sign, autograd's expression for the reduction of x)
_REFERENCES = {
    "add": ((-2, 2, False), "np.sum(x{kw})"),
    "multiply": ((0.5, 1.5, True), "np.prod(x{kw})"),
    "maximum": ((-2, 2, False), "np.max(x{kw})"),
    "minimum": ((-2, 2, False), "np.min(x{kw})"),
    "fmax": ((-2, 2, False), "np.max(x{kw})"),
    "fmin": ((-2, 2, False), "np.min(x{kw})"),
    "logaddexp": ((-2, 2, False), "np.log(np.sum(np.exp(x){kw}))"),
    "logaddexp2": ((-2, 2, False), "np.log2(np.sum(2.0 ** x{kw}))"),
    "hypot": ((0.5, 1.5, True), "np.sqrt(np.sum(x ** 2{kw}))"),
}
for _name, ((_low, _high, _signed), _reference) in _REFERENCES.items():
    _prim = getattr(np, _name).reduce
    for _i, (_shape, _axis, _keepdims) in enumerate(_REDUCE):
        _id = f"ufunc-{_name}-reduce-{_sid(_shape)}-axis{_axis_id(_axis)}" \
              f"{'-keepdims' if _keepdims else ''}"
        _given = "" if _axis == "default" else f", axis={_axis!r}"
        _kw = _kws(axis=0 if _axis == "default" else _axis, keepdims=_keepdims)
        if _axis is None:
            _kw = _kws(keepdims=_keepdims)
        add(_id, _prim, f"np.{_name}.reduce(x{_given}{_kws(keepdims=_keepdims)})",
            {"x": values(_id, _shape, _low, _high, signed=_signed)},
            autograd=_reference.format(kw=_kw), second_order=_i in (2, 4))

# initial and where=: one more operand of every result; the elements left out get nothing.
_MASKED = {  # ufunc -> (initial, autograd's expression for x reduced over axis 1)
    "add": (0.7, "np.sum(x * (x > 0), axis=1) + 0.7"),
    "multiply": (1.3, "np.prod(np.where(x > 0, x, 1.0), axis=1) * 1.3"),
    "maximum": (0.2, "np.maximum(np.max(np.where(x > 0, x, -10.0), axis=1), 0.2)"),
    "minimum": (-0.2, "np.minimum(np.min(np.where(x > 0, x, 10.0), axis=1), -0.2)"),
    "fmax": (0.2, "np.maximum(np.max(np.where(x > 0, x, -10.0), axis=1), 0.2)"),
    "fmin": (-0.2, "np.minimum(np.min(np.where(x > 0, x, 10.0), axis=1), -0.2)"),
    "logaddexp": (-0.5, "np.log(np.sum(np.exp(x) * (x > 0), axis=1) + np.exp(-0.5))"),
    "logaddexp2": (-0.5, "np.log2(np.sum(2.0 ** x * (x > 0), axis=1) + 2.0 ** -0.5)"),
    "hypot": (0.4, "np.sqrt(np.sum(x ** 2 * (x > 0), axis=1) + 0.16)"),
    "subtract": (0.7, "0.7 - np.sum(x * (x > 0), axis=1)"),
    "divide": (1.3, "1.3 / np.prod(np.where(x > 0, x, 1.0), axis=1)"),
}
for _name, (_initial, _reference) in _MASKED.items():
    _id = f"ufunc-{_name}-reduce-initial-where"
    add(_id, getattr(np, _name).reduce,
        f"np.{_name}.reduce(x, axis=1, initial={_initial}, where=x > 0)",
        {"x": values(_id, (3, 4), 0.5, 1.5, signed=True)}, autograd=_reference,
        second_order=_name in ("multiply", "logaddexp"))
# initial alone, and initial differentiated (where it wins, for the extrema).
for _name, _initial, _reference in [
        ("add", "v", "np.sum(x, axis=0) + v"),
        ("multiply", "v", "np.prod(x, axis=0) * v"),
        ("maximum", "v", "np.maximum(np.max(x, axis=0), v)"),
        ("minimum", "-v", "np.minimum(np.min(x, axis=0), -v)"),
        ("logaddexp", "v", "np.log(np.sum(np.exp(x), axis=0) + np.exp(v))"),
        ("hypot", "v", "np.sqrt(np.sum(x ** 2, axis=0) + v ** 2)"),
        ("subtract", "v", "v - np.sum(x, axis=0)"),
        ("divide", "v", "v / np.prod(x, axis=0)")]:
    _id = f"ufunc-{_name}-reduce-initial-differentiated"
    add(_id, getattr(np, _name).reduce, f"np.{_name}.reduce(x, initial={_initial})",
        {"x": values(_id, (3, 4), 0.1, 1.0), "v": 0.6}, autograd=_reference,
        second_order=True)

# subtract and divide reduce over one axis: x[0] - x[1] - ..., x[0] / x[1] / ...
for _name, _op in (("subtract", "-"), ("divide", "/")):
    _prim = getattr(np, _name).reduce
    _other = "np.sum" if _name == "subtract" else "np.prod"
    for _shape, _axis, _reference in [
            ((5,), "default", f"x[0] {_op} {_other}(x[1:])"),
            ((5,), None, f"x[0] {_op} {_other}(x[1:])"),
            ((3, 4), 1, f"x[:, 0] {_op} {_other}(x[:, 1:], axis=1)"),
            ((2, 3, 4), -2, f"x[:, 0] {_op} {_other}(x[:, 1:], axis=1)")]:
        _id = f"ufunc-{_name}-reduce-{_sid(_shape)}-axis{_axis_id(_axis)}"
        _given = "" if _axis == "default" else f", axis={_axis!r}"
        add(_id, _prim, f"np.{_name}.reduce(x{_given})",
            {"x": values(_id, _shape, 0.5, 1.5, signed=True)}, autograd=_reference,
            second_order=_shape == (3, 4))
    _id = f"ufunc-{_name}-reduce-3x4-axis0-keepdims"
    add(_id, _prim, f"np.{_name}.reduce(x, keepdims=True)",
        {"x": values(_id, (3, 4), 0.5, 1.5, signed=True)},
        autograd=f"(x[0] {_op} {_other}(x[1:], axis=0))[None]")

# accumulate: along one axis (0 by default).
_ACCUMULATE = [((5,), "default"), ((3, 4), "default"), ((3, 4), 1), ((2, 3, 4), -1),
               ((2, 3, 4), 1)]
_RUNNING = {  # ufunc -> (values' range and sign, autograd's expression or False)
    "add": ((-2, 2, False), "np.cumsum(x, axis={axis})"),
    "multiply": ((0.5, 1.5, True), False),
    "maximum": ((-2, 2, False), False),
    "minimum": ((-2, 2, False), False),
    "fmax": ((-2, 2, False), False),
    "fmin": ((-2, 2, False), False),
    "logaddexp": ((-2, 2, False), "np.log(np.cumsum(np.exp(x), axis={axis}))"),
    "logaddexp2": ((-2, 2, False), "np.log2(np.cumsum(2.0 ** x, axis={axis}))"),
    "hypot": ((0.5, 1.5, False), "np.sqrt(np.cumsum(x ** 2, axis={axis}))"),
    "subtract": ((-2, 2, False), False),
    "divide": ((0.5, 1.5, True), False),
}
for _name, ((_low, _high, _signed), _reference) in _RUNNING.items():
    _prim = getattr(np, _name).accumulate
    _extremum = _name in ("maximum", "minimum", "fmax", "fmin")
    for _i, (_shape, _axis) in enumerate(_ACCUMULATE):
        _id = f"ufunc-{_name}-accumulate-{_sid(_shape)}-axis{_axis_id(_axis)}"
        _given = "" if _axis == "default" else f", axis={_axis!r}"
        _second = _i in (2, 4)
        _covers = (_prim, running_extremum_adjoint, running_extremum_tangent) \
            if _extremum and _second else _prim
        add(_id, _covers, f"np.{_name}.accumulate(x{_given})",
            {"x": values(_id, _shape, _low, _high, signed=_signed)},
            autograd=_reference and _reference.format(axis=0 if _axis == "default" else _axis),
            second_order=_second)
# The running extremum at ties (values drawn from a few integers, shifted by x): the first
# and the later elements holding it share its derivative.
_id = "ufunc-maximum-accumulate-ties"
add(_id, (np.maximum.accumulate, running_extremum_adjoint, running_extremum_tangent),
    "np.maximum.accumulate(np.sin(x) ** 2, axis=1) * x",
    {"x": values(_id, (3, 6), 0.5, 1.5)}, autograd=False, second_order=True)
# subtract and divide running: x[0] - x[1] - ..., x[0] / x[1] / ... up to each position.
for _name, _reference in (("subtract", "2.0 * x[:1] - np.cumsum(x, axis=0)"),
                          ("divide", "x[:1] ** 2 / np.cumprod(x, axis=0)")):
    _id = f"ufunc-{_name}-accumulate-5-reference"
    add(_id, getattr(np, _name).accumulate, f"np.{_name}.accumulate(x)",
        {"x": values(_id, (5,), 0.5, 1.5)},
        autograd=_reference if _name == "subtract" else False)

# outer: the ufunc on x reshaped to x.shape + (1,) * y.ndim, and y.
_OUTER = {  # ufunc -> values' range and sign
    "add": (-2, 2, False), "subtract": (-2, 2, False), "multiply": (-2, 2, False),
    "divide": (0.5, 1.5, True), "power": (0.5, 1.5, False), "float_power": (0.5, 1.5, False),
    "maximum": (-2, 2, False), "minimum": (-2, 2, False), "fmax": (-2, 2, False),
    "fmin": (-2, 2, False), "logaddexp": (-2, 2, False), "logaddexp2": (-2, 2, False),
    "arctan2": (0.5, 1.5, True), "hypot": (0.5, 1.5, True), "remainder": (0.5, 1.5, False),
    "fmod": (0.5, 1.5, False), "copysign": (0.5, 1.5, True), "heaviside": (-2, 2, False),
    "nextafter": (-2, 2, False),
}
_AUTOGRAD_OUTER = {"add", "subtract", "multiply", "divide", "power", "maximum", "minimum",
                   "logaddexp", "logaddexp2", "arctan2", "hypot"}
for _name, (_low, _high, _signed) in _OUTER.items():
    _prim = getattr(np, _name).outer
    for _i, (_xs, _ys) in enumerate([((3,), (4,)), ((2, 3), (4,)), ((), (2, 3)),
                                     ((3,), (2, 2))]):
        _id = f"ufunc-{_name}-outer-{_sid(_xs)}-{_sid(_ys)}"
        _x = values(_id + "/x", _xs, _low, _high, signed=_signed)
        _y = values(_id + "/y", _ys, _low, _high, signed=_signed)
        if _name in ("remainder", "fmod"):
            _x = np.asarray(_x * 3.0)  # away from the jumps: x / y is not near an integer
        _shape = _xs + (1,) * len(_ys)
        add(_id, _prim, f"np.{_name}.outer(x, y)", {"x": _x, "y": _y},
            autograd=f"np.{_name}(np.reshape(x, {_shape!r}), y)"
            if _name in _AUTOGRAD_OUTER else False,
            second_order=_i == 1, float32=_name != "float_power")  # float64 always

# at: np.f.at(y, i, v) is written y[...] = f_at(y, i, v) (tangentlike/frontend/ufunc_at.py):
# repeated indices accumulate, v broadcasts to y[i]; indices as an array, a tuple of arrays
# and a slice.
_AT = {  # ufunc -> (helper, values' range and sign)
    "add": (add_at, (-2, 2, False)), "subtract": (subtract_at, (-2, 2, False)),
    "multiply": (multiply_at, (0.5, 1.5, True)), "divide": (divide_at, (0.5, 1.5, True)),
    "maximum": (maximum_at, (-2, 2, False)), "minimum": (minimum_at, (-2, 2, False)),
    "fmax": (fmax_at, (-2, 2, False)), "fmin": (fmin_at, (-2, 2, False)),
}
_AT_FORMS = [("repeated", (5,), "np.array([0, 2, 2, 4, 2])", (5,)),
             ("rows", (3, 2), "np.array([1, 0, 1])", (2,)),
             ("pairs", (2, 3), "(np.array([0, 1, 1]), np.array([2, 0, 0]))", ()),
             ("slice", (4,), "slice(1, 3)", (2,))]
for _name, (_helper, (_low, _high, _signed)) in _AT.items():
    for _i, (_form, _xs, _index, _vs) in enumerate(_AT_FORMS):
        _id = f"ufunc-{_name}-at-{_form}"
        _square = "" if _name in ("multiply", "divide") else " ** 2"
        add(_id, _helper, "", {"x": values(_id + "/x", _xs, _low, _high, signed=_signed),
                               "v": values(_id + "/v", _vs, _low, _high, signed=_signed)},
            body=f"    y = x * 1.0\n    np.{_name}.at(y, {_index}, v)\n"
                 f"    return np.sum(np.sin(y){_square})\n",
            autograd=False, second_order=_i in (0, 2))

# A list of numbers or arrays reduces as the array it makes.
for _name, _expr, _reference in [
        ("maximum-reduce", "np.maximum.reduce([x[0], x[1] * 2.0, x[2]])",
         "np.max(np.array([x[0], x[1] * 2.0, x[2]]))"),
        ("minimum-accumulate", "np.minimum.accumulate([x[0:2], x[2:4], x[4:6]], axis=1)", False),
        ("subtract-reduce", "np.subtract.reduce([x[3], x[4], x[5]])", "x[3] - x[4] - x[5]")]:
    _id = f"ufunc-{_name}-list"
    _method = getattr(getattr(np, _name.split("-")[0]), _name.split("-")[1])
    add(_id, _method, _expr, {"x": values(_id, (6,), -2, 2)}, autograd=_reference)

# reduceat: segments x[i:j], x[i] alone where the indices do not increase, x[i:] last.
for _name, (_low, _high, _signed), _other in (("add", (-2, 2, False), "np.sum"),
                                              ("multiply", (0.5, 1.5, True), "np.prod")):
    _prim = getattr(np, _name).reduceat
    for _i, (_shape, _indices, _axis, _reference) in enumerate([
            ((6,), [0, 2, 5], "default", "np.stack([{o}(x[0:2]), {o}(x[2:5]), x[5]])"),
            ((6,), [1, 4, 2, 0], "default",
             "np.stack([{o}(x[1:4]), x[4], x[2], {o}(x[0:])])"),
            ((3, 5), [0, 3], 1, "np.stack([{o}(x[:, 0:3], axis=1), {o}(x[:, 3:], axis=1)], "
                                "axis=1)"),
            ((4, 3), [0, 0, 2], "default",
             "np.stack([x[0], {o}(x[0:2], axis=0), {o}(x[2:], axis=0)])")]):
        _id = f"ufunc-{_name}-reduceat-{_sid(_shape)}-{'_'.join(map(str, _indices))}"
        _given = "" if _axis == "default" else f", axis={_axis}"
        _covers = (_prim, unreduceat) if _i in (0, 2) else _prim
        add(_id, _covers, f"np.{_name}.reduceat(x, np.array({_indices}){_given})",
            {"x": values(_id, _shape, _low, _high, signed=_signed)},
            autograd=_reference.format(o=_other), second_order=_i in (0, 2))
