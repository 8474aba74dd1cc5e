"""Cases for templates/numpy_reductions.py: prod, var, std, cumsum, cumprod, average, nansum,
nanmean, as functions and methods (sum, mean, max and min are covered in ``core_arrays.py``).
"""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime.shapes import reverse_cumsum


def _sid(shape):
    return shape if shape == "float" else "x".join(map(str, shape)) or "0d"


def _kw(**kwargs):
    return "".join(f", {k}={v!r}" for k, v in kwargs.items() if v is not None)


def _axis_id(axis):
    return "None" if axis is None else "_".join(map(str, np.atleast_1d(axis)))


# (shape, axis): scalars reduce over everything; arrays over each axis, negative axes,
# tuples of axes and None.
_AXES = [("float", None), ((), None), ((4,), None), ((4,), 0), ((4,), -1), ((2, 3), None),
         ((2, 3), 0), ((2, 3), 1), ((2, 3), -1), ((2, 3, 4), None), ((2, 3, 4), 1),
         ((2, 3, 4), (0, 2)), ((2, 3, 4), (-1, 0))]


# prod: values away from zero (the rule divides by them), of both signs.
for _shape, _axis in _AXES:
    for _keepdims in (False, True):
        if _keepdims and _shape == "float":
            continue
        _id = f"prod-{_sid(_shape)}-axis{_axis_id(_axis)}-keepdims{_keepdims}"
        add(_id, np.prod, f"np.prod(x{_kw(axis=_axis, keepdims=_keepdims or None)})",
            {"x": values(_id, _shape, 0.5, 1.5, signed=True)},
            second_order=_shape in ((2, 3), (2, 3, 4)))
for _axis, _keepdims in ((None, False), (1, False), (0, True), ((0, 1), False)):
    _id = f"prod-method-2x3x2-axis{_axis_id(_axis)}-keepdims{_keepdims}"
    add(_id, np.ndarray.prod, f"x.prod({'' if _axis is None else repr(_axis)}"
        f"{', keepdims=True' if _keepdims else ''})",
        {"x": values(_id, (2, 3, 2), 0.5, 1.5, signed=True)}, second_order=_axis == 1)

# var and std: every ddof that leaves at least one degree of freedom.
for _name in ("var", "std"):
    _prim = getattr(np, _name)
    for _shape, _axis in _AXES:
        if _shape in ("float", ()):
            continue  # one value: var is 0 and std has a kink there
        for _keepdims in (False, True):
            for _ddof in (0, 1):
                _id = f"{_name}-{_sid(_shape)}-axis{_axis_id(_axis)}-ddof{_ddof}" \
                      f"-keepdims{_keepdims}"
                add(_id, _prim, f"np.{_name}(x{_kw(axis=_axis, ddof=_ddof or None)}"
                    f"{', keepdims=True' if _keepdims else ''})",
                    {"x": values(_id, _shape, -2, 2)},
                    second_order=_shape == (2, 3, 4) and not _keepdims)
    _method = getattr(np.ndarray, _name)
    for _args in ("", "0", "axis=1, ddof=1", "axis=(0, 2), keepdims=True", "ddof=2"):
        _id = f"{_name}-method-2x3x4-{_args.replace(' ', '')}"
        add(_id, _method, f"x.{_name}({_args})", {"x": values(_id, (2, 3, 4), -2, 2)},
            second_order=_args == "axis=1, ddof=1")
    _id = f"{_name}-composed"  # the mean and the result reach the derivative twice
    add(_id, _prim, f"np.{_name}(x, axis=0) * np.sum(x ** 2, axis=0)",
        {"x": values(_id, (3, 4), -2, 2)}, second_order=True)

# cumsum and cumprod: flattened (axis None) or along each axis.
_CUM_AXES = [("float", None), ((), None), ((5,), None), ((5,), 0), ((5,), -1), ((2, 3), None),
             ((2, 3), 0), ((2, 3), 1), ((2, 3, 4), None), ((2, 3, 4), 1), ((2, 3, 4), -1)]
for _name in ("cumsum", "cumprod"):
    for _shape, _axis in _CUM_AXES:
        _id = f"{_name}-{_sid(_shape)}-axis{_axis_id(_axis)}"
        _second = _shape in ((2, 3), (2, 3, 4))
        add(_id, (getattr(np, _name), reverse_cumsum) if _second else getattr(np, _name),
            f"np.{_name}(x{_kw(axis=_axis)})",
            {"x": values(_id, _shape, 0.5, 1.5, signed=True)}, second_order=_second,
            autograd=_name == "cumsum" and _shape != "float")  # autograd: no cumprod rule
    for _args in ("", "0", "axis=1", "axis=-1"):
        _id = f"{_name}-method-3x4-{_args}"
        add(_id, getattr(np.ndarray, _name), f"x.{_name}({_args})",
            {"x": values(_id, (3, 4), 0.5, 1.5, signed=True)}, second_order=_args == "0",
            autograd=_name == "cumsum")
    _id = f"{_name}-composed"  # second order: the tangent of reverse_cumsum, in the adjoint
    add(_id, (getattr(np, _name), reverse_cumsum), f"np.{_name}(np.sin(x), axis=1) ** 2",
        {"x": values(_id, (3, 4), 0.5, 1.5)}, second_order=True, autograd=_name == "cumsum")

def _lined_up(shape, axis):
    """The shape of 1-d weights along ``axis`` lined up with an array of ``shape``."""
    axes = [a % len(shape) for a in np.atleast_1d(axis)]
    return tuple(n if i in axes else 1 for i, n in enumerate(shape))


# average: without weights (the mean), with weights of a's shape or 1-d along the axis.
for _shape, _axis, _wshape in [
        ("float", None, None), ((), None, None), ((5,), None, None), ((2, 3), 1, None),
        ((2, 3, 4), (0, 2), None), ((5,), None, (5,)), ((5,), 0, (5,)),
        ((2, 3), None, (2, 3)), ((2, 3), 0, (2,)), ((2, 3), -1, (3,)), ((2, 3), 1, (2, 3)),
        ((2, 3, 4), 1, (3,)), ((2, 3, 4), (0, 2), (2, 3, 4)), ((2, 3, 4), (0, 2), (2, 4))]:
    for _keepdims in (False, True):
        if _keepdims and _shape in ("float", ()):
            continue
        _id = f"average-{_sid(_shape)}-axis{_axis_id(_axis)}-weights" \
              f"{'None' if _wshape is None else _sid(_wshape)}-keepdims{_keepdims}"
        _params = {"x": values(_id, _shape, -2, 2)}
        if _wshape is not None:
            _params["v"] = values(_id + "/v", _wshape, 0.5, 2)
        _kws = f"{_kw(axis=_axis)}{', keepdims=True' if _keepdims else ''}"
        _reference = f"np.mean(x{_kws})"  # autograd has no rule for np.average
        if _wshape is not None:
            _v = "v" if _wshape == _shape else f"v.reshape({_lined_up(_shape, _axis)})"
            _reference = f"np.sum(x * {_v}{_kws}) / np.sum({_v} + 0 * x{_kws})"
        add(_id, np.average, f"np.average(x{_kw(axis=_axis)}"
            f"{', weights=v' if _wshape else ''}{', keepdims=True' if _keepdims else ''})",
            _params, autograd=_reference, second_order=_wshape is not None and not _keepdims)
_id = "average-weights-only"  # weights differentiated, a a constant
add(_id, np.average, "np.average(np.arange(6.0).reshape(2, 3), axis=1, weights=v)",
    {"v": values(_id, (3,), 0.5, 2)}, second_order=True, float32=False)

# nansum and nanmean: NaNs among the values get no derivative.
_NAN_CASES = [((5,), None), ((2, 3), None), ((2, 3), 0), ((2, 3), -1), ((2, 3, 4), (0, 2))]
for _name in ("nansum", "nanmean"):
    for _shape, _axis in [("float", None), ((), None), *_NAN_CASES]:
        for _keepdims in (False, True):
            if _keepdims and _shape in ("float", ()):
                continue
            _id = f"{_name}-{_sid(_shape)}-axis{_axis_id(_axis)}-keepdims{_keepdims}"
            _x = values(_id, _shape, -2, 2)
            if np.ndim(_x) > 0:
                _x.flat[::4] = np.nan  # NaNs, never all the values reduced together
            _kws = f"{_kw(axis=_axis)}{', keepdims=True' if _keepdims else ''}"
            _zeroed = "np.where(np.isnan(x), 0.0, x)"  # autograd has neither function
            _reference = f"np.sum({_zeroed}{_kws})" if _name == "nansum" else \
                f"np.sum({_zeroed}{_kws}) / np.sum(np.logical_not(np.isnan(x)){_kws})"
            add(_id, getattr(np, _name), f"np.{_name}(x{_kws}) ** 2", {"x": _x},
                autograd=f"({_reference}) ** 2", second_order=_shape == (2, 3, 4))
