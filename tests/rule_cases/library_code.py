"""Cases for the rules of library code tangentlike differentiates through:
templates/scipy_array_api.py (SciPy's ``xp_promote``, none without SciPy) and
templates/flat_vectors.py (autograd's ``flatten``, as ``tangentlike.runtime.flat``)."""
from rule_cases import add, values
from tangentlike.runtime.flat import flat_vector, flatten, unflat

for _shape in ("float", (3,), (2, 3)):
    _id = f"runtime-flatten-{_shape}"
    add(_id, flatten, 'flatten([x, {"b": y, "a": x * 2.0}])[0] ** 2',
        {"x": values(_id + "x", _shape), "y": values(_id + "y", (2,))},
        autograd=False, second_order=True, names={"flatten": flatten},
        float32=_shape != "float")  # a Python float and float32 arrays give float64
    _id = f"runtime-flat_vector-unflat-{_shape}"
    add(_id, (flat_vector, unflat),
        'unflat(flat_vector([x, {"a": y}]) ** 2, [x, {"a": y}])[1]["a"] * y',
        {"x": values(_id + "x", _shape), "y": values(_id + "y", (2,))},
        autograd=False, second_order=True, float32=_shape != "float",
        names={"flat_vector": flat_vector, "unflat": unflat})

try:
    from scipy._lib._array_api import xp_promote
except ImportError:  # no SciPy, or one older than xp_promote
    xp_promote = None

if xp_promote is not None:
    import numpy as np

    for _shape in ("float", (), (3,), (2, 3)):
        _id = f"xp_promote-{_shape}"
        add(_id, xp_promote, "xp_promote(x, force_floating=True, xp=np) ** 3",
            {"x": values(_id, _shape)}, autograd=False, second_order=True,
            names={"xp_promote": xp_promote, "np": np})
    from tangentlike.runtime.promotion import promoted_part, promotion_tangent

    # Several values: a tuple of them (broadcast with broadcast=True), as truncpareto's
    # private methods write x, b, c = xp_promote(x, b, c, force_floating=True, xp=np).
    for _shape, _other, _broadcast in (("float", "float", False), ((3,), (2, 3), False),
                                        ((3,), (2, 1), True)):
        _id = f"xp_promote-several-{_shape}-{_other}-{_broadcast}"
        add(_id, (xp_promote, promoted_part, promotion_tangent), None,
            {"x": values(_id + "x", _shape), "b": values(_id + "b", _other, 0.5, 2.0)},
            body=(f"    u, v, n = xp_promote(x, b, 3, force_floating=True, "
                  f"broadcast={_broadcast}, xp=np)\n"
                  f"    return np.sum(u ** 3 * v + np.sin(v) * n * u)\n"),
            autograd=False, second_order=True, float32=False,
            names={"xp_promote": xp_promote, "np": np})
