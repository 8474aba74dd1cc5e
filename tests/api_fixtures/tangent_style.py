"""A program written against Google's Tangent, run unchanged on tangentlike."""
import numpy as np

import tangentlike as tangent


def f(x, y):
    z = x * y
    return np.sum(np.sin(z)) + np.sum(y * y)


def g(x):
    return x * x * 3.0


def main():
    x = np.array([0.5, -1.0, 2.0])
    y = np.array([1.5, 0.25, -0.5])
    results = {}
    # Keyword call, every argument Tangent's grad takes.
    df = tangent.grad(f, wrt=(0,), optimized=True, preserve_result=False, check_dims=True,
                      verbose=0)
    results["grad_x"] = df(x, y)
    # Positional call in Tangent's order: func, wrt, optimized, preserve_result, check_dims.
    df_xy = tangent.grad(f, (0, 1), True, True, True, 0)
    results["grad_xy_and_value"] = df_xy(x, y)
    # autodiff with Tangent's keywords; DefaultOne makes the seed optional.
    dg = tangent.autodiff(g, mode="reverse", motion="joint",
                          input_derivative=tangent.INPUT_DERIVATIVE.DefaultOne)
    results["autodiff_default_one"] = dg(2.0)
    # Required (autodiff's default): the seed is passed explicitly, Tangent's init_grad.
    dg_req = tangent.autodiff(g, wrt=(0,), optimized=True, motion="joint", mode="reverse",
                              preserve_result=False, check_dims=True,
                              input_derivative=tangent.INPUT_DERIVATIVE.Required, verbose=0)
    results["autodiff_required"] = dg_req(2.0, 0.5)
    results["init_grad_array"] = tangent.init_grad(x)
    results["init_grad_float"] = tangent.init_grad(3.0)
    results["init_grad_tuple"] = tangent.init_grad((1.0, x))
    results["init_grad_list"] = tangent.init_grad([2.0, y])
    results["init_grad_dict"] = tangent.init_grad({"a": 1.0, "b": x})
    return results


if __name__ == "__main__":
    for key, value in main().items():
        print(key, value)
