"""The ndarray method forms of NumPy functions with rules (issue 17, item 2): ``x.take(i)``,
``x.reshape(2, 3)`` and ``x.reshape((2, 3))``, ``x.transpose(1, 0)`` and
``x.transpose((1, 0))``, ... each differentiated in reverse mode, forward mode and as a
Hessian-vector product, against central finite differences, with the value ``f(x)``."""
from __future__ import annotations

import numpy as np
import pytest
from support import make_function

import tangentlike

X = np.array([0.3, -0.7, 1.1, 0.4, -0.2, 0.9])
V = np.array([0.5, 1.0, -2.0, 0.3, 0.7, -0.4])

FORMS = {
    "take": "x.take([0, 2, 2]) * x[:3]",
    "take-axis": "x.reshape(2, 3).take([2, 0], axis=1) ** 2",
    "repeat": "x.repeat(2) * np.repeat(x, 2)",
    "clip": "x.clip(-0.5, 0.5) * x",
    "squeeze": "x.reshape(1, 6).squeeze() * x",
    "swapaxes": "x.reshape(2, 3).swapaxes(0, 1) ** 2",
    "flatten": "x.reshape(3, 2).flatten() * x",
    "ravel-f": "x.reshape(3, 2).ravel('F') * x",
    "reshape-args": "x.reshape(2, 3) * x.reshape(2, 3)",
    "reshape-tuple": "x.reshape((3, 2)) ** 2",
    "transpose-args": "x.reshape(2, 3).transpose(1, 0) ** 2",
    "transpose-tuple": "x.reshape(2, 3).transpose((1, 0)) ** 2",
    "transpose-none": "x.reshape(2, 3).transpose() ** 2",
    "T": "x.reshape(2, 3).T ** 2",
    "mT": "x.reshape(1, 2, 3).mT ** 2",
    "astype": "x.astype(np.float64) * x",
    "copy": "x.copy() * x",
    "diagonal": "x.reshape(2, 3).diagonal(1) ** 2",
    "trace": "x.reshape(2, 3).trace() * x",
    "dot": "x.dot(x) * x",
    "conj": "x.conj() * x",
    "sum-axis": "x.reshape(2, 3).sum(axis=0) ** 2",
    "mean-keepdims": "x.reshape(2, 3).mean(axis=1, keepdims=True) * x.reshape(2, 3)",
    "max": "x.max() * x",
    "cumsum": "x.cumsum() * x",
    "prod": "x.prod() * x",
    "var": "x.var() * x",
    "std-ddof": "x.std(ddof=1) * x",
    "compress": "x.compress([True, False, True, True, False, True]) ** 2",
    "choose": "np.array([0, 1, 0, 1, 1, 0]).choose([x, x ** 2]) * x",
    "item": "x.item(2) * x",
    "view": "x.view() * x",
    "to-device": "x.to_device('cpu') * x",
    "tolist": "np.array(x.tolist()) * x",
}


def _fd(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("form", FORMS)
def test_method_form(form: str) -> None:
    f = make_function(f"def f(x):\n    return np.sum(np.sin({FORMS[form]}))\n")
    expected = _fd(f, X)
    value, g = tangentlike.value_and_grad(f)(X)
    assert value == f(X)
    np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
    jv = tangentlike.autodiff(f, mode="forward")(X, V)
    np.testing.assert_allclose(jv, expected @ V, rtol=1e-6, atol=1e-8)
    hv = tangentlike.hvp(f)(X, V)
    expected_hvp = (_fd(f, X + 1e-4 * V, 1e-5) - _fd(f, X - 1e-4 * V, 1e-5)) / 2e-4
    np.testing.assert_allclose(hv, expected_hvp, rtol=1e-4, atol=1e-5)
    g_unoptimized = tangentlike.grad(f, optimized=False)(X)
    np.testing.assert_allclose(g_unoptimized, expected, rtol=1e-6, atol=1e-8)
