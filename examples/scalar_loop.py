"""Differentiate a 100-step scalar recurrence written as a Python ``for`` loop, print the
generated derivative, and compare its value with a central finite difference.

The map ``x -> sin(x) * x + 0.5 * x`` contracts towards 0 from ``x = 0.5``, so after 100 steps
both the value and the derivative are tiny; what matters is their relative agreement.
"""
import math

import tangentlike


def f(x):
    for _ in range(100):
        x = math.sin(x) * x + 0.5 * x
    return x


def main() -> None:
    df = tangentlike.grad(f)  # generated once, cached; plain Python from here on
    print(df.source)

    x, eps = 0.5, 1e-6
    derivative = df(x)
    finite_difference = (f(x + eps) - f(x - eps)) / (2 * eps)
    error = abs(derivative - finite_difference) / abs(finite_difference)
    print(f"f({x})                  = {f(x):.10e}")
    print(f"df/dx (tangentlike)     = {derivative:.10e}")
    print(f"df/dx (finite diff.)    = {finite_difference:.10e}")
    print(f"relative difference     = {error:.1e}")
    assert error < 1e-6, "the derivative disagrees with the finite difference"


if __name__ == "__main__":
    main()
