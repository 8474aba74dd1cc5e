"""Cases for templates/non_differentiable.py: code that calls functions with no derivative
(rounding, predicates, indices, shapes) on differentiated values.  Their results are
constants, so the derivative only flows around them; they have no rules, so the cases cover
nothing (``covers=()``).  Inputs stay away from the points where the constants jump.
"""
import numpy as np

from rule_cases import add, values


def _fmt(shape):
    """A shape for a case id: 2x3, 0d, float."""
    return shape if isinstance(shape, str) else "x".join(map(str, shape)) or "0d"


_SHAPES = ("float", (), (4,), (2, 3), (2, 3, 2))
_ARRAYS = ((4,), (2, 3), (2, 3, 2))

# Rounding: in [1.1, 1.4] floor, trunc, fix are 1, ceil is 2, round and rint are 1.
for _f in ("floor", "ceil", "round", "rint", "trunc", "fix", "around"):
    for _shape in _SHAPES:
        _id = f"nondiff-{_f}-{_fmt(_shape)}"
        add(_id, (), f"x * np.{_f}(x * 3.0) * x + np.{_f}(x)",
            {"x": values(_id, _shape, 1.1 / 3, 1.4 / 3)},
            autograd=_f not in ("fix", "around") or "x * np.floor(x * 3.0) * x",
            second_order=True)
for _shape in _ARRAYS:
    _id = f"nondiff-round-method-{_fmt(_shape)}"
    add(_id, (), "x * (x * 3.0).round(1) * np.sin(x)", {"x": values(_id, _shape, 0.4, 0.47)},
        autograd="x * np.round(x * 3.0, 1) * np.sin(x)")
    _id = f"nondiff-floor-divide-{_fmt(_shape)}"
    add(_id, (), "x * np.floor_divide(x, 0.3) + x // 0.3 * x",
        {"x": values(_id, _shape, 0.31, 0.59)},
        autograd="x * np.floor_divide(x, 0.3) + np.floor_divide(x, 0.3) * x")

for _shape in _SHAPES:
    _id = f"nondiff-sign-{_fmt(_shape)}"
    add(_id, (), "np.sign(x) * x * x + np.signbit(x) * x",
        {"x": values(_id, _shape, 0.2, 1.0, signed=True)},
        autograd="np.sign(x) * x * x + (x < 0) * x", second_order=True)

# Predicates and comparisons.
for _shape in _ARRAYS:
    _x = values(f"nondiff-predicates-{_fmt(_shape)}", _shape, 0.1, 1.0, signed=True)
    _id = f"nondiff-predicates-{_fmt(_shape)}"
    _body = ("x * np.isfinite(x) + x * x * np.isnan(np.where(x < 0, np.nan, x)) "
             "+ np.isinf(x) * x + x * np.isposinf(x) + x * np.isneginf(x)")  # NaN, no warning
    add(_id, (), _body, {"x": _x}, autograd=_body, second_order=True)
    _id = f"nondiff-comparisons-{_fmt(_shape)}"
    add(_id, (), "x * np.less(x, 0.5) + x * x * np.greater(x, 0.5) + x * np.equal(x, 0.5) "
        "+ x * np.less_equal(x, -0.5) + x * np.greater_equal(x, -0.5) "
        "+ x * np.not_equal(x, x[0])", {"x": values(_id, _shape, 0.1, 1.0, signed=True)},
        second_order=True)
    _id = f"nondiff-logical-{_fmt(_shape)}"
    add(_id, (), "x * np.logical_and(x > 0.2, x < 0.7) + x * x * np.logical_or(x < 0, x > 0.5)"
        " + x * np.logical_not(x > 0) + x * np.logical_xor(x > 0, x > 0.5)",
        {"x": values(_id, _shape, 0.1, 1.0, signed=True)}, second_order=True)
    _id = f"nondiff-whole-array-{_fmt(_shape)}"
    add(_id, (), "x * np.any(x > 0.5) + x * np.all(x > -2.0) + x * (x > 0).any() "
        "+ x * x * (x > 0).all() + x * np.allclose(x, 0.5) + x * np.isclose(x, 0.3) "
        "+ x * np.array_equal(x, x) + x * np.array_equiv(x, 0.1)",
        {"x": values(_id, _shape, 0.1, 1.0, signed=True)},
        autograd="x * np.any(x > 0.5) + x * np.all(x > -2.0) + x * np.any(x > 0) "
        "+ x * x * np.all(x > 0) + x * np.allclose(x, 0.5) + x * np.isclose(x, 0.3) "
        "+ x * np.array_equal(x, x) + x * np.array_equiv(x, 0.1)", second_order=True)
    _id = f"nondiff-shapes-{_fmt(_shape)}"
    add(_id, (), "x * np.size(x) + np.ndim(x) * x * x + np.shape(x)[0] * x "
        "+ np.zeros_like(x) + x * np.ones_like(x) + np.full_like(x, 2.0) * x",
        {"x": values(_id, _shape)}, second_order=True)
    _id = f"nondiff-iscomplex-{_fmt(_shape)}"
    add(_id, (), "x * np.isreal(x) + x * np.iscomplex(x) + x * np.isrealobj(x) "
        "+ x * np.iscomplexobj(x) + x * np.isscalar(x)", {"x": values(_id, _shape)},
        autograd=False)  # autograd has no rule for isrealobj

# Indices: arg-functions, sorting, searching, nonzero entries.
for _shape in ((5,), (3, 4)):
    _id = f"nondiff-argmax-{_fmt(_shape)}"
    add(_id, (), "np.ravel(x)[np.argmax(x)] * x + np.ravel(x)[np.argmin(x)] ** 2 "
        "+ x * np.ravel(x)[x.argmax()] + np.ravel(x)[x.argmin()]",
        {"x": values(_id, _shape)}, second_order=True)
    _id = f"nondiff-argmax-axis-{_fmt(_shape)}"
    add(_id, (), "x * np.argmax(x, axis=0) + x * x.argmin(axis=-1, keepdims=True)",
        {"x": values(_id, _shape)}, autograd="x * np.argmax(x, axis=0) + x * "
        "np.argmin(x, axis=-1, keepdims=True)", second_order=True, float32=False)
    _id = f"nondiff-argsort-{_fmt(_shape)}"
    add(_id, (), "np.ravel(x)[np.argsort(x, axis=None)] * np.ravel(np.sin(x)) "
        "+ np.ravel(x)[np.ravel(x).argsort()] ** 2 "
        "+ np.ravel(x)[np.argpartition(np.ravel(x), 1)] * np.ravel(x)",
        {"x": values(_id, _shape)},
        autograd="np.ravel(x)[np.argsort(x, axis=None)] * np.ravel(np.sin(x)) "
        "+ np.ravel(x)[np.argsort(np.ravel(x))] ** 2 "
        "+ np.ravel(x)[np.argpartition(np.ravel(x), 1)] * np.ravel(x)", second_order=True)
    _id = f"nondiff-nonzero-{_fmt(_shape)}"
    add(_id, (), "np.sum(x[np.nonzero(x > 0.5)] ** 2) + np.sum(x[(x < 0.2).nonzero()]) "
        "+ np.sum(np.ravel(x)[np.flatnonzero(x > 0.0)] * 2.0) "
        "+ np.sum(x) * int(np.count_nonzero(x > 0.5)) + np.sum(x) * len(np.argwhere(x > 0.5))",
        {"x": values(_id, _shape, 0.1, 1.0, signed=True)},
        autograd="np.sum(x[np.nonzero(x > 0.5)] ** 2) + np.sum(x[np.nonzero(x < 0.2)]) "
        "+ np.sum(np.ravel(x)[np.flatnonzero(x > 0.0)] * 2.0) "
        "+ np.sum(x) * np.count_nonzero(x > 0.5) + np.sum(x) * len(np.argwhere(x > 0.5))",
        second_order=True)
_id = "nondiff-searchsorted"
add(_id, (), "x * np.searchsorted(s, x) + x * x * s.searchsorted(x[0]) "
    "+ x * np.digitize(x, s)",
    {"x": values(_id, (5,), 0.1, 0.9), "s": np.array([0.0, 0.25, 0.5, 0.75, 1.0])},
    autograd="x * np.searchsorted(s, x) + x * x * np.searchsorted(s, x[0]) "
    "+ x * np.searchsorted(s, x, side='right')", second_order=True, float32=False)
_id = "nondiff-searchsorted-float32"
add(_id, (), "x * np.searchsorted(s, x).astype(x.dtype) + x * np.digitize(x, s).astype(x.dtype)",
    {"x": values(_id, (5,), 0.1, 0.9), "s": np.array([0.0, 0.25, 0.5, 0.75, 1.0])},
    autograd=False)
_id = "nondiff-integer-bits"
add(_id, (), "x * np.bitwise_and(np.shape(x)[0], 3) + x * np.left_shift(1, np.ndim(x)) "
    "+ x * np.gcd(6, np.size(x)) + x * np.invert(np.zeros(np.shape(x), bool))",
    {"x": values(_id, (2, 3))}, autograd=False, float32=False)  # NumPy integers: float64
_id = "nondiff-index-helpers"
add(_id, (), "np.sum(x[np.tril_indices(3)] ** 2) + np.sum(x[np.diag_indices(3)]) "
    "+ np.sum(x * np.tri(3)) + np.sum(np.ravel(x)[np.ravel_multi_index((1, 2), (3, 3))] * x) "
    "+ x[np.unravel_index(4, (3, 3))] * np.sum(x) + np.sum(x * np.isin(x, x[0]))",
    {"x": values(_id, (3, 3))}, autograd=False, second_order=True,
    float32=False)  # np.tri is float64
_id = "nondiff-types"
add(_id, (), "x * np.finfo(np.result_type(x)).eps / np.finfo(x.dtype).eps "
    "+ x * np.can_cast(x, np.float64) + x * np.shares_memory(x, x)",
    {"x": values(_id, (3,))}, autograd=False)
