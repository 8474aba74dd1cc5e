"""Cases for the reduction keyword forms (``initial=``, ``where=``, ``dtype=``, axis tuples,
``keepdims``; templates/numpy_reductions.py) and templates/numpy_statistics.py."""
import numpy as np

from rule_cases import add, values
from tangentlike.runtime.shapes import reverse_cumsum
from tangentlike.runtime.statistics import (
    cov_rows,
    cov_unrows,
    diff_piece,
    diff_unpiece,
    interp_adjoint,
    interp_slope_adjoint,
    pair_mean,
    trapezoid_steps,
    undiff,
    unpair_mean,
    untrapezoid_steps,
)

# A mask that leaves at least one value of each row along every axis.
_MASK = np.array([[[True, False, True, True], [False, True, True, False],
                   [True, True, False, True]],
                  [[True, True, True, False], [True, False, False, True],
                   [False, True, True, True]]])

# where= and initial= on sum, mean, prod, max, min, var, std (functions and methods).
for _id, _covers, _expr, _reference, _low, _second in [
        ("kw-sum-where", np.sum, "np.sum(x, axis=(0, 2), where=m)",
         "np.sum(x * m, axis=(0, 2))", -2, True),
        ("kw-sum-where-keepdims", np.sum, "np.sum(x, axis=1, keepdims=True, where=m) ** 2",
         "np.sum(x * m, axis=1, keepdims=True) ** 2", -2, True),
        ("kw-sum-initial", np.sum, "np.sum(x ** 2, axis=-1, initial=1.5, dtype=np.float64)",
         "np.sum(x ** 2, axis=-1) + 1.5", -2, False),
        ("kw-sum-method-where", np.ndarray.sum, "x.sum(axis=0, where=m, initial=2.0) ** 2",
         "(np.sum(x * m, axis=0) + 2.0) ** 2", -2, True),
        ("kw-mean-where", np.mean, "np.mean(x, axis=(0, 2), where=m) ** 2",
         "(np.sum(x * m, axis=(0, 2)) / np.sum(m, axis=(0, 2))) ** 2", -2, True),
        ("kw-mean-where-all", np.mean, "np.mean(x ** 3, where=m)",
         "np.sum(x ** 3 * m) / np.sum(m)", -2, True),
        ("kw-mean-method-where", np.ndarray.mean, "x.mean(axis=1, keepdims=True, where=m)",
         "np.sum(x * m, axis=1, keepdims=True) / np.sum(m, axis=1, keepdims=True)", -2,
         False),
        ("kw-prod-where", np.prod, "np.prod(x, axis=2, where=m)",
         "np.prod(np.where(m, x, 1.0), axis=2)", 0.5, True),
        ("kw-prod-initial", np.prod, "np.prod(x, axis=(0, 1), initial=1.5)",
         "1.5 * np.prod(x, axis=(0, 1))", 0.5, False),
        ("kw-prod-method-initial", np.ndarray.prod, "x.prod(axis=1, initial=-2.0, where=m)",
         "-2.0 * np.prod(np.where(m, x, 1.0), axis=1)", 0.5, False),
        ("kw-var-where", np.var, "np.var(x, axis=2, where=m)", False, -2, True),
        ("kw-var-where-ddof", np.var, "np.var(x, axis=(0, 2), ddof=1, keepdims=True, where=m)",
         False, -2, True),
        ("kw-std-where", np.std, "np.std(x, axis=1, ddof=1, where=m)", False, -2, True),
        ("kw-std-method-where", np.ndarray.std, "x.std(where=m)", False, -2, False),
        ("kw-var-method-where", np.ndarray.var, "x.var(2, where=m, ddof=1)", False, -2, False),
        ("kw-var-dtype", np.var, "np.var(x, axis=(0, 2), dtype=np.float64)",
         "np.var(x, axis=(0, 2))", -2, False),
        ("kw-std-method-dtype", np.ndarray.std, "x.std(axis=(1, 2), dtype=np.float64, ddof=1)",
         False, -2, False)]:
    add(_id, _covers, _expr, {"x": values(_id, (2, 3, 4), _low, 2), "m": _MASK},
        autograd=_reference, second_order=_second,
        float32="float64" not in _expr)  # dtype=np.float64: computed in float64

# max and min: where=, and initial= winning for some results (then x gets no derivative
# there and a differentiated initial gets it).
for _name in ("max", "min"):
    _sign = 1.0 if _name == "max" else -1.0
    _id = f"kw-{_name}-initial-wins"
    add(_id, getattr(np, _name), f"np.{_name}(x, axis=2, initial={_sign * 0.9})",
        {"x": values(_id, (2, 3, 4), -1, 1)}, autograd=False, second_order=True)
    _id = f"kw-{_name}-where"
    add(_id, getattr(np, _name), f"np.{_name}(x, axis=(0, 2), where=m, initial={-_sign * 5})",
        {"x": values(_id, (2, 3, 4), -1, 1), "m": _MASK}, autograd=False, second_order=True)
    _id = f"kw-{_name}-method-where"
    add(_id, getattr(np.ndarray, _name),
        f"x.{_name}(axis=1, keepdims=True, where=m, initial={-_sign * 5})",
        {"x": values(_id, (2, 3, 4), -1, 1), "m": _MASK}, autograd=False)
    _id = f"kw-{_name}-initial-differentiated"
    add(_id, getattr(np, _name), f"np.{_name}(x, axis=2, initial=s)",
        {"x": values(_id, (2, 3, 4), -1, 1), "s": _sign * 0.5}, autograd=False)
_id = "kw-sum-initial-differentiated"
add(_id, np.sum, "np.sum(x, axis=1, initial=s) ** 2",
    {"x": values(_id, (2, 3, 4), -1, 1), "s": 0.5}, autograd="(np.sum(x, axis=1) + s) ** 2")
_id = "kw-prod-initial-differentiated"
add(_id, np.prod, "np.prod(x, axis=1, initial=s)",
    {"x": values(_id, (2, 3, 4), 0.5, 1.5), "s": 1.5}, autograd="s * np.prod(x, axis=1)",
    second_order=True)


# ---------------------------------------------------------------------------------------------
# templates/numpy_statistics.py



def _with_nans(case_id, shape, low=-2, high=2):
    """Values with NaNs, never all the values reduced together."""
    x = values(case_id, shape, low, high)
    x.flat[1::7] = np.nan
    return x


# Differences.
for _id, _expr, _second in [
        ("diff-1d", "np.diff(x[0])", False), ("diff-axis-last", "np.diff(x)", True),
        ("diff-axis0-n2", "np.diff(x, n=2, axis=0)", True),
        ("diff-n3-of-cube", "np.diff(x ** 3, 3, axis=1)", True),
        ("diff-composed", "np.diff(np.sin(x), axis=0) ** 2", True)]:
    add(_id, (np.diff, undiff), _expr, {"x": values(_id, (4, 5))}, second_order=_second)
for _id, _expr, _params, _reference in [
        ("diff-prepend-scalar", "np.diff(x, prepend=s)", {"s": 0.5},
         "np.diff(np.concatenate([s * np.ones((4, 1)), x], axis=1))"),
        ("diff-append-array", "np.diff(x, axis=0, append=v)", {"v": (1, 5)},
         "np.diff(np.concatenate([x, v], axis=0), axis=0)"),
        ("diff-both-n2", "np.diff(x, 2, prepend=v, append=s)", {"v": (4, 2), "s": -0.3},
         "np.diff(np.concatenate([v, x, s * np.ones((4, 1))], axis=1), 2)")]:
    _params = {"x": values(_id, (4, 5)),
               **{k: v if isinstance(v, float) else values(_id + k, v) for k, v in _params.items()}}
    add(_id, (np.diff, undiff, diff_piece, diff_unpiece), _expr, _params, autograd=_reference,
        second_order=True, float32="s" not in _params)  # a Python float joined: float64
_id = "ediff1d"
add(_id, np.ediff1d, "np.ediff1d(x ** 2, to_begin=v, to_end=s)",
    {"x": values(_id, (2, 3)), "v": values(_id + "v", (2,)), "s": 0.4},
    autograd="np.concatenate([v, np.diff(np.reshape(x ** 2, -1)), np.array([s])])",
    second_order=True)
_id = "ediff1d-plain"
add(_id, np.ediff1d, "np.ediff1d(x)", {"x": values(_id, (5,))}, autograd="np.diff(x)")

# Running sums and products.
for _name in ("nancumsum", "nancumprod"):
    for _axis in (None, 0, 1):
        _id = f"{_name}-axis{_axis}"
        _x = _with_nans(_id, (3, 4), 0.5, 1.5)
        add(_id, (getattr(np, _name), reverse_cumsum),
            f"np.{_name}(x{'' if _axis is None else f', axis={_axis}'})", {"x": _x},
            autograd=False, second_order=_axis == 1)
if hasattr(np, "cumulative_sum"):
    for _name in ("cumulative_sum", "cumulative_prod"):
        for _args, _shape in [("", (5,)), (", axis=1", (3, 4)),
                              (", axis=0, include_initial=True", (3, 4)),
                              (", include_initial=False", (5,))]:
            _id = f"{_name}{_args.replace(' ', '').replace(',', '-')}"
            add(_id, (getattr(np, _name), reverse_cumsum), f"np.{_name}(x{_args})",
                {"x": values(_id, _shape, 0.5, 1.5, signed=True)},
                autograd=False, second_order="axis" in _args)

# Extremes and NaN-ignoring reductions.
for _args in ("", "axis=1", "axis=0, keepdims=True"):
    _id = f"ptp-{_args.replace(' ', '')}"
    add(_id, np.ptp, f"np.ptp(x, {_args})", {"x": values(_id, (3, 4))},
        autograd=f"np.max(x, {_args}) - np.min(x, {_args})", second_order=True)
for _name in ("nanmax", "nanmin"):
    for _args in ("", "axis=1", "axis=(0, 1), keepdims=True"):
        _id = f"{_name}-{_args.replace(' ', '')}"
        add(_id, getattr(np, _name), f"np.{_name}(x, {_args})",
            {"x": _with_nans(_id, (3, 4))}, autograd=False, second_order=_args == "axis=1")
    _id = f"{_name}-where"
    add(_id, getattr(np, _name), f"np.{_name}(x, axis=0, where=m, initial=0.0)",
        {"x": _with_nans(_id, (3, 4)), "m": _MASK[0, :, :]}, autograd=False)
for _args in ("", "axis=1", "axis=0, keepdims=True", "axis=1, where=m", "initial=1.5"):
    _id = f"nanprod-{_args.replace(' ', '')}"
    add(_id, np.nanprod, f"np.nanprod(x, {_args})",
        {"x": _with_nans(_id, (3, 4), 0.5, 1.5), "m": _MASK[0]}, autograd=False,
        second_order=_args == "axis=1")
for _name in ("nanvar", "nanstd"):
    for _args in ("", "axis=1", "axis=0, ddof=1", "axis=(0, 1), keepdims=True"):
        _id = f"{_name}-{_args.replace(' ', '')}"
        add(_id, getattr(np, _name), f"np.{_name}(x, {_args})",
            {"x": _with_nans(_id, (4, 5))}, autograd=False,
            second_order=_args in ("", "axis=1"))

# Order statistics (inputs with no ties; q away from the sorted positions' kinks).
for _args, _shape in [("", (5,)), ("axis=1", (3, 4)), ("axis=0, keepdims=True", (3, 4)),
                      ("axis=(0, 2)", (2, 3, 3))]:
    _id = f"median-{_args.replace(' ', '')}"
    add(_id, np.median, f"np.median(x ** 2, {_args})", {"x": values(_id, _shape)},
        autograd=False, second_order=_args == "axis=1")
    _id = f"nanmedian-{_args.replace(' ', '')}"
    add(_id, np.nanmedian, f"np.nanmedian(x, {_args})", {"x": _with_nans(_id, _shape)},
        autograd=False, second_order=_args == "axis=1")
_id = "median-sorted-reference"
add(_id, np.median, "np.median(x)", {"x": values(_id, (5,))}, autograd="np.sort(x)[2]")
for _name, _scale in (("quantile", 1.0), ("percentile", 100.0)):
    for _nan in ("", "nan"):
        _prim = getattr(np, f"{_nan}{_name}")
        _values = _with_nans if _nan else values
        for _q, _args, _shape in [("0.3", "", (6,)), ("q", "axis=1", (3, 5)),
                                  ("q", "axis=0, keepdims=True", (4, 3)),
                                  ("0.7", "axis=(0, 1)", (2, 3, 2))]:
            _id = f"{_nan}{_name}-{_q}-{_args.replace(' ', '')}"
            _params = {"x": _values(_id, _shape)}
            if _q == "q":
                _params["q"] = np.array([0.15, 0.45, 0.85]) * _scale
                _q_expr = "q"
            else:
                _q_expr = repr(float(_q) * _scale)
            add(_id, _prim, f"np.{_nan}{_name}(x, {_q_expr}, {_args})", _params,
                autograd=False, second_order=_args == "axis=1")
        _id = f"{_nan}{_name}-q-differentiated"  # q a function of a parameter
        add(_id, _prim, f"np.{_nan}{_name}(x, s * {_scale!r}, axis=1)",
            {"x": _values(_id, (3, 5)), "s": 0.35}, autograd=False, second_order=True,
            float32=False)  # q a Python float: NumPy computes in float64

# The trapezoid rule.
for _id, _expr, _params, _reference in [
        ("trapezoid-plain", "np.trapezoid(y)", {"y": (3, 5)},
         "np.sum((y[:, 1:] + y[:, :-1]) / 2, axis=-1)"),
        ("trapezoid-dx", "np.trapezoid(y, dx=s, axis=0)", {"y": (3, 5), "s": "float"},
         "s * np.sum((y[1:] + y[:-1]) / 2, axis=0)"),
        ("trapezoid-x-1d", "np.trapezoid(y, np.cumsum(t), axis=0)", {"y": (4, 3), "t": (4,)},
         "np.sum(np.diff(np.cumsum(t))[:, None] * (y[1:] + y[:-1]) / 2, axis=0)"),
        ("trapezoid-x-full", "np.trapezoid(y, t)", {"y": (2, 4), "t": (2, 4)},
         "np.sum(np.diff(t) * (y[:, 1:] + y[:, :-1]) / 2, axis=-1)"),
        ("trapezoid-x-broadcast", "np.trapezoid(y, t, axis=1)", {"y": (3, 4), "t": (1, 4)},
         "np.sum(np.diff(t, axis=1) * (y[:, 1:] + y[:, :-1]) / 2, axis=1)")]:
    _params = {k: values(_id + k, v, 0.2, 1.5) if v != "float" else 0.7
               for k, v in _params.items()}
    add(_id, (np.trapezoid, pair_mean, unpair_mean, trapezoid_steps, untrapezoid_steps), _expr,
        _params, autograd=_reference, second_order=True)

# Convolutions, every mode, both orders of lengths (even and odd).
for _name in ("convolve", "correlate"):
    for _mode in ("full", "same", "valid"):
        for _n, _m in ((5, 3), (4, 6)):
            _id = f"{_name}-{_mode}-{_n}-{_m}"
            add(_id, getattr(np, _name), f"np.{_name}(a, v, {_mode!r})",
                {"a": values(_id + "a", (_n,)), "v": values(_id + "v", (_m,))},
                autograd=False, second_order=_mode == "same")

_id = "unwrap"
add(_id, np.unwrap, "np.unwrap(x * 4.0, axis=0)", {"x": values(_id, (5, 3))}, autograd="x * 4.0")

# Covariance and correlation.
for _args in ("", "rowvar=False", "bias=True", "ddof=2", "aweights=np.arange(1.0, 6.0)",
              "fweights=np.array([1, 2, 1, 3, 1]), aweights=np.arange(1.0, 6.0), ddof=1"):
    _id = f"cov-{_args.replace(' ', '')[:30]}"
    _shape = (5, 3) if "rowvar" in _args else (3, 5)
    add(_id, (np.cov, cov_rows, cov_unrows), f"np.cov(x, {_args})",
        {"x": values(_id, _shape)}, autograd=False, second_order=_args in ("", "rowvar=False"),
        float32="weights" not in _args)  # float64 weights: NumPy computes in float64
_id = "cov-1d"
add(_id, np.cov, "np.cov(x)", {"x": values(_id, (6,))},
    autograd="np.sum((x - np.mean(x)) ** 2) / 5")
_id = "cov-reference"
add(_id, np.cov, "np.cov(x)", {"x": values(_id, (3, 5))},
    autograd="(x - np.mean(x, axis=1, keepdims=True)) @ "
             "(x - np.mean(x, axis=1, keepdims=True)).T / 4")
for _args in ("", "rowvar=False"):
    _id = f"corrcoef-{_args}"
    add(_id, (np.corrcoef, cov_rows, cov_unrows), f"np.corrcoef(x, {_args})",
        {"x": values(_id, (3, 5) if not _args else (5, 3))}, autograd=False,
        second_order=True, float32=False)  # np.corrcoef computes in float64

# Interpolation, in x and fp (points away from xp's, where the slope jumps).
for _id, _expr, _shape in [
        ("interp", "np.interp(x, np.linspace(-1.0, 1.0, 6), fp)", (2, 3)),
        ("interp-outside", "np.interp(x * 1.5, np.linspace(-1.0, 1.0, 6), fp)", (7,)),
        ("interp-left-right", "np.interp(x * 1.5, np.linspace(-1.0, 1.0, 6), fp, left=0.5, "
         "right=-2.0)", (7,))]:
    _x = values(_id, _shape, -0.95, 0.95)
    add(_id, (np.interp, interp_adjoint, interp_slope_adjoint), f"np.sin({_expr})",
        {"x": _x, "fp": values(_id + "fp", (6,))}, autograd=False, second_order=True,
        float32=False)  # np.interp computes in float64
