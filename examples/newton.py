"""Newton's method with tangentlike's Hessian: minimize a smooth convex function in a few steps.

Each step solves H(x) p = -g(x) with the exact Hessian from ``tangentlike.hessian`` (forward
mode over the generated reverse-mode gradient), and checks a Hessian-vector product against
finite differences of gradients once.
"""
import numpy as np

import tangentlike


def objective(x, A, b):
    """A smooth, strictly convex function: log-sum-exp of A x plus a quadratic."""
    z = A @ x
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m))) + 0.5 * np.sum(x * x) - np.sum(b * x)


def main() -> None:
    rng = np.random.default_rng(0)
    A, b = rng.normal(size=(8, 4)), rng.normal(size=4)
    x = np.zeros(4)
    gradient = tangentlike.grad(objective)
    hessian = tangentlike.hessian(objective)
    product = tangentlike.hvp(objective)

    v = rng.normal(size=4)
    eps = 1e-6
    by_differences = (gradient(x + eps * v, A, b) - gradient(x - eps * v, A, b)) / (2 * eps)
    error = np.max(np.abs(product(x, A, b, v) - by_differences))
    print(f"Hessian-vector product vs finite differences of gradients: max error {error:.1e}")

    for step in range(6):
        g = gradient(x, A, b)
        print(f"step {step}  f = {objective(x, A, b):.12f}  |grad| = {np.linalg.norm(g):.2e}")
        x = x - np.linalg.solve(hessian(x, A, b), g)
    assert np.linalg.norm(gradient(x, A, b)) < 1e-10, "Newton's method did not converge"


if __name__ == "__main__":
    main()
