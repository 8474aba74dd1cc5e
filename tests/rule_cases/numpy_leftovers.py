"""Cases for NumPy's leftovers of issue 17: np.linalg.multi_dot (matrices, and 1-d first and
last arrays, which NumPy takes as a row and a column), np.ldexp.outer (an integer exponent);
np.gradient, np.roots, np.poly, np.kaiser, np.divmod.outer, np.row_stack, np.trapz."""
import numpy as np

from rule_cases import add, add_template, values
from tangentlike.runtime.gradients import gradient_of, gradient_transpose

add("multi-dot-three", np.linalg.multi_dot, "np.linalg.multi_dot([a, b, c])",
    {"a": values("multi-dot-a", (2, 3)), "b": values("multi-dot-b", (3, 4)),
     "c": values("multi-dot-c", (4, 2))},
    autograd="a @ b @ c", second_order=True)
add("multi-dot-vectors", np.linalg.multi_dot, "np.linalg.multi_dot([u, b, c, v])",
    {"u": values("multi-dot-u", (3,)), "b": values("multi-dot-vb", (3, 4)),
     "c": values("multi-dot-vc", (4, 2)), "v": values("multi-dot-v", (2,))},
    autograd="u @ b @ c @ v", second_order=True)
add("multi-dot-two-constant", np.linalg.multi_dot,
    "np.linalg.multi_dot((a, np.arange(6.0).reshape(3, 2)))",
    {"a": values("multi-dot-two", (4, 3))},
    autograd="a @ np.arange(6.0).reshape(3, 2)",
    float32=False)  # the constant is float64, so is the product
add("multi-dot-row-first", np.linalg.multi_dot, "np.linalg.multi_dot([u, b, b.T])",
    {"u": values("multi-dot-row", (3,)), "b": values("multi-dot-rb", (3, 5))},
    autograd="u @ b @ b.T", second_order=True)

add("ufunc-ldexp-outer", np.ldexp.outer, "np.ldexp.outer(x, n) ** 2",
    {"x": values("ldexp-outer", (3,)), "n": np.array([1, -2, 3, 0])}, autograd=False,
    second_order=True, float32=False)  # (float32 with int64 exponents is float64)
add("ufunc-ldexp-outer-matrix", np.ldexp.outer, "np.ldexp.outer(x, n)",
    {"x": values("ldexp-outer-m", (2, 2)), "n": np.array([[2], [-1]])}, autograd=False)

# np.gradient: linear in f (one array per axis, stacked here), spacings and coordinates constant.
add("gradient-2d", np.gradient, "np.stack(np.gradient(x))", {"x": values("gradient-2d", (4, 5))},
    autograd=False, second_order=True)
add("gradient-1d", np.gradient, "np.gradient(x) * x", {"x": values("gradient-1d", (6,))},
    autograd=False, second_order=True)
add("gradient-spacings-edge2", np.gradient,
    "np.gradient(x, 0.5, c, edge_order=2)[1]",
    {"x": values("gradient-spacings", (4, 5)), "c": np.array([0.0, 1.0, 3.0, 4.5, 7.0])},
    wrt=(0,), autograd=False, float32=False)  # (float64 coordinates make float64 results)
add("gradient-axis-edge2", np.gradient, "np.gradient(x, 2.0, axis=-1, edge_order=2) ** 2",
    {"x": values("gradient-axis", (3, 4))}, autograd=False)
add("gradient-axes-tuple", np.gradient, "np.gradient(x, axis=(0, 2))[1] * x",
    {"x": values("gradient-axes", (3, 2, 4))}, autograd=False)
add_template("helper-gradient-of", gradient_of, values("helper-gradient-of", (3, 4)), None, 2,
             wrt=(0,))
add_template("helper-gradient-transpose", gradient_transpose,
             values("helper-gradient-transpose", (5, 3)), np.zeros((5, 3)), 0, 1,
             np.array([0.0, 0.5, 2.0, 2.5, 4.0]), wrt=(0,))
add("gradient-two-points", np.gradient, "np.gradient(x) ** 2",
    {"x": values("gradient-two", (2,))}, autograd=False)

# np.roots: dr = -dp(r) / p'(r); real roots (a real result), then complex ones.
add("roots-real", np.roots, "np.roots(p)", {"p": np.array([1.0, -0.5, -2.75, 1.5])},
    autograd=False, second_order=True, float32=False, rtol=1e-4)
add("roots-complex", np.roots, "np.real(np.roots(p)) ** 2 + np.imag(np.roots(p))",
    {"p": np.array([1.0, -0.5, 2.0, 0.3])}, autograd=False, second_order=True,
    float32=False, rtol=1e-4)
add("roots-trailing-zero", np.roots, "np.roots(np.append(p, 0.0)) ** 2",
    {"p": np.array([2.0, -1.0, -3.0])}, autograd=False, float32=False, rtol=1e-4)

# np.poly: from roots (real; then conjugate pairs, whose polynomial NumPy makes real).
add("poly-roots", np.poly, "np.poly(z)", {"z": values("poly-roots", (4,))},
    autograd=False, second_order=True)
add("poly-conjugate-pairs", np.poly,
    "np.poly(np.array([x[0] + 1j * x[1], x[0] - 1j * x[1], x[2]]))",
    {"x": values("poly-pairs", (3,))}, autograd=False, float32=False)

# np.kaiser(M, beta): in beta (M an integer).
add("kaiser", np.kaiser, "np.kaiser(7, beta)", {"beta": 2.5}, autograd=False,
    second_order=True, float32=False)  # (a Python float beta)
add("kaiser-even", np.kaiser, "np.kaiser(6, beta) * np.kaiser(1, beta)", {"beta": 0.75},
    autograd=False, float32=False)

# np.divmod.outer: the remainder's derivative, the quotient piecewise constant.
add("ufunc-divmod-outer", np.divmod.outer, "np.divmod.outer(x, y)[1] + np.divmod.outer(x, y)[0]",
    {"x": values("divmod-outer-x", (3,), 1.0, 4.0), "y": values("divmod-outer-y", (2,), 0.3, 0.9)},
    autograd=False, second_order=True)
add("ufunc-divmod-outer-matrix", np.divmod.outer, "np.divmod.outer(x, y)[1] ** 2",
    {"x": values("divmod-outer-mx", (2, 2), -3.0, 3.0),
     "y": values("divmod-outer-my", (3,), 0.4, 1.1)}, autograd=False)

# np.row_stack: NumPy 1's name of np.vstack (deprecated in NumPy 2, gone in 2.5).
if hasattr(np, "row_stack"):
    add("row-stack", np.row_stack, "np.row_stack([x, y ** 2])",
        {"x": values("row-stack-x", (3,)), "y": values("row-stack-y", (2, 3))},
        autograd="np.vstack([x, y ** 2])", second_order=True)

# np.trapz: NumPy 1's name of np.trapezoid (deprecated in NumPy 2, gone in 2.4): steps dx, and
# sample points x.
if hasattr(np, "trapz"):
    add("trapz-dx", np.trapz, "np.trapz(y, dx=s, axis=0)",
        {"y": values("trapz-dx-y", (3, 4)), "s": 0.7},
        autograd="s * np.sum((y[1:] + y[:-1]) / 2, axis=0)", second_order=True, float32=False)
    add("trapz-x", np.trapz, "np.trapz(y, np.cumsum(t))",
        {"y": values("trapz-x-y", (2, 4)), "t": values("trapz-x-t", (4,), 0.2, 1.5)},
        autograd="np.sum(np.diff(np.cumsum(t)) * (y[:, 1:] + y[:, :-1]) / 2, axis=-1)")

# np.histogram2d, np.histogramdd: the edges follow each dimension's smallest and largest value
# (bins a number), the weighted counts the weights; counts and given edges are constants.
_sample = values("histdd-data", (9, 2))
for _id, _body in (
    ("histogram2d-edges", "    h, xe, ye = np.histogram2d(x, y, 3)\n"
     "    return np.sum(xe ** 2 * w[:4, 0]) + np.sum(np.sin(ye))\n"),
    ("histogram2d-bins-pair", "    h, xe, ye = np.histogram2d(y, x, [2, 4])\n"
     "    return np.sum(xe * ye[:3]) + np.sum(ye ** 2)\n"),
    ("histogram2d-weights-range", "    h, xe, ye = np.histogram2d(w[:, 0], w[:, 1], 3, "
     "range=[[-2.0, 2.0], None], weights=x * y)\n"
     "    return np.sum(h ** 2) + np.sum(ye ** 2)\n"),
):
    add(_id, np.histogram2d, None, {"x": values(_id, (9,)), "y": values(_id + "y", (9,)),
                                    "w": _sample}, wrt=(0, 1), body=_body, autograd=False,
        second_order=True, float32="weights" not in _id)  # (NumPy's counts: float64)
for _id, _body in (
    ("histogramdd-edges", "    h, e = np.histogramdd(s, (2, 3))\n"
     "    return np.sum(e[0] ** 2) + np.sum(e[1] * w[:4, 0])\n"),
    ("histogramdd-sequence", "    h, e = np.histogramdd((s[:, 0], s[:, 1] ** 2), 3)\n"
     "    return np.sum(e[0] * e[1]) + np.sum(np.cos(e[1]))\n"),
    ("histogramdd-weights", "    h, e = np.histogramdd(w, 2, weights=s[:, 0] * s[:, 1])\n"
     "    return np.sum(h * h)\n"),
    ("histogramdd-1d", "    h, e = np.histogramdd(s[:, 1], 4)\n"
     "    return np.sum(e[0] ** 3)\n"),
):
    add(_id, np.histogramdd, None, {"s": values(_id, (9, 2)), "w": _sample}, wrt=(0,),
        body=_body, autograd=False, second_order=True, float32="weights" not in _id)

# np.polydiv: the quotient and the remainder, in the numerator and the denominator.
add("polydiv", np.polydiv, "np.concatenate(np.polydiv(u, v))",
    {"u": values("polydiv-u", (5,)), "v": np.array([1.5, -0.5, 0.25])}, wrt=(0, 1),
    autograd=False, second_order=True,
    float32=False)  # (NumPy keeps float32 roundoff zeros in front of the remainder)
add("polydiv-short", np.polydiv, "np.polydiv(u, v)[1] * np.polydiv(u, v)[0]",
    {"u": values("polydiv-short-u", (2,)), "v": values("polydiv-short-v", (3,), 0.5, 1.0)},
    wrt=(0, 1), autograd=False)
add("polydiv-quotient", np.polydiv, "np.polydiv(u, v)[0] ** 2",
    {"u": values("polydiv-q-u", (4,)), "v": values("polydiv-q-v", (2,), 0.5, 1.0)},
    wrt=(0, 1), autograd=False, second_order=True)
