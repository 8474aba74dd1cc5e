"""Cases for templates/numpy_polynomials.py."""
import numpy as np

from rule_cases import add, values

# Polynomials.
_id = "polyval"
add(_id, np.polyval, "np.polyval(p, x)", {"p": values(_id + "p", (4,)),
                                          "x": values(_id + "x", (2, 3))},
    autograd="p[0] * x ** 3 + p[1] * x ** 2 + p[2] * x + p[3]", second_order=True,
    float32=False)  # np.polyder (the derivative in x) computes in float64
_id = "polyval-scalar"
add(_id, np.polyval, "np.polyval(p, s)", {"p": values(_id, (3,)), "s": 0.7},
    autograd="p[0] * s ** 2 + p[1] * s + p[2]", second_order=True, float32=False)
for _name, _op in (("polyadd", "+"), ("polysub", "-")):
    for _n, _m in ((3, 5), (4, 4)):
        _id = f"{_name}-{_n}-{_m}"
        add(_id, getattr(np, _name), f"np.{_name}(a, b)",
            {"a": values(_id + "a", (_n,)), "b": values(_id + "b", (_m,))},
            autograd=False, second_order=_n == 3)
_id = "polymul"
add(_id, np.polymul, "np.polymul(a, b)", {"a": values(_id + "a", (3,)),
                                         "b": values(_id + "b", (4,))},
    autograd=False, second_order=True)
for _m in (1, 2, 4):
    _id = f"polyder-m{_m}"
    add(_id, np.polyder, f"np.polyder(p, {_m})", {"p": values(_id, (4,))}, autograd=False,
        second_order=_m == 1, float32=False)  # NumPy computes them in float64
    _id = f"polyint-m{_m}"
    add(_id, np.polyint, f"np.polyint(p, {_m})", {"p": values(_id, (4,))}, autograd=False,
        second_order=_m == 1, float32=False)
_id = "polyint-k-constant"
add(_id, np.polyint, "np.polyint(p, 2, k=[1.0, 2.0])", {"p": values(_id, (3,))},
    autograd=False, float32=False)
_id = "polyfit"
add(_id, np.polyfit, "np.polyfit(np.linspace(0.0, 1.0, 6), y, 2)", {"y": values(_id, (6,))},
    autograd=False, second_order=True, float32=False)
_id = "polyfit-weights-columns"
add(_id, np.polyfit, "np.polyfit(np.linspace(-1.0, 1.0, 6), y ** 2, 3, w=np.arange(1.0, 7.0))",
    {"y": values(_id, (6, 2))}, autograd=False, second_order=True,
    float32=False)  # np.polyfit computes in float64
