"""Cases for templates/builtin_functions.py: Python's ``sum`` over lists, tuples and arrays
(``float`` and ``abs`` are covered by the core cases, ``core_functions.py``).

The Hessian-vector product cases also run ``share``, the helper ``sum``'s adjoint calls, in
forward mode and differentiate it again.
"""
from __future__ import annotations

from tangentlike.runtime import share
from tangentlike.runtime.elementwise import pow_log

from . import add, values

for _case_id, _body, _shapes in [
    ("sum-list-of-arrays",
     "    return np.sum(sum([np.sin(x) * y, x * x, 2.0 * y]) ** 2)\n", ((3,), (3,))),
    ("sum-tuple-with-start",
     "    return np.sum(np.cos(sum((x, x * y), y)) * x)\n", ((2, 3), (2, 3))),
    ("sum-broadcasting",
     "    return np.sum(sum([x, y[0] * x, y]) ** 3)\n", ((2, 3), (3,))),
    ("sum-over-array-rows",
     "    return np.sum(sum(x * y) ** 2)\n", ((4, 3), (3,))),
    ("sum-of-floats",
     "    return sum([x * y, np.sin(x), y * y]) ** 2\n", ("float", "float")),
]:
    add(_case_id, (sum, share), "",
        {"x": values(_case_id + "/x", _shapes[0]), "y": values(_case_id + "/y", _shapes[1])},
        body=_body, second_order=True)

# pow(x, p): x ** p, in both arguments, on arrays and floats.
add("builtin-pow-arrays", (pow, pow_log), "np.sum(pow(x, y))",
    {"x": values("builtin-pow-arrays/x", (2, 3), 0.5, 2.0),
     "y": values("builtin-pow-arrays/y", (3,), -2.0, 2.0)},
    autograd="np.sum(np.power(x, y))", second_order=True)
add("builtin-pow-floats", (pow, pow_log), "pow(x, y) * x", {"x": 1.3, "y": 0.7},
    autograd="np.power(x, y) * x", second_order=True)
