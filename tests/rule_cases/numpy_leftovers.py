"""Cases for NumPy's leftovers of issue 17: np.linalg.multi_dot (matrices, and 1-d first and
last arrays, which NumPy takes as a row and a column), np.ldexp.outer (an integer exponent)."""
import numpy as np

from rule_cases import add, values

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
