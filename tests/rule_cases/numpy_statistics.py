"""Cases for the reduction keyword forms (``initial=``, ``where=``, ``dtype=``, axis tuples,
``keepdims``; templates/numpy_reductions.py) and templates/numpy_statistics.py."""
import numpy as np

from rule_cases import add, values

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
