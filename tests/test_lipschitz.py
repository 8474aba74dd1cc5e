"""``tangentlike.local_lipschitz`` and ``tangentlike.autolip`` (issue 19, item 4): power
iteration on J^T J through generated jvp and vjp, against exact spectral norms (NumPy's SVD of
a linear map, of a tanh layer's explicit Jacobian), and the AutoLip bound against sampled
gradient norms; examples/lipschitz.py runs."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import tangentlike

RNG = np.random.default_rng(4)
A = RNG.normal(size=(5, 3))
W = RNG.normal(size=(4, 3))
B = RNG.normal(size=4)
V = RNG.normal(size=4)


def linear(x):
    return A @ x


def tanh_layer(x):
    return np.tanh(W @ x + B)


def tanh_net(x):
    return V @ np.tanh(W @ x + B)


def test_linear_map_is_its_spectral_norm():
    exact = np.linalg.svd(A, compute_uv=False)[0]
    assert tangentlike.local_lipschitz(linear, np.zeros(3)) == pytest.approx(exact, rel=1e-8)
    found = tangentlike.autolip([linear], np.zeros(3))
    assert found.bound == pytest.approx(exact, rel=1e-8)
    assert found.layers == pytest.approx((exact,), rel=1e-8)


def test_tanh_layer_at_a_point_against_its_explicit_jacobian():
    x = np.array([0.3, -0.7, 1.1])
    jacobian = (1 - np.tanh(W @ x + B) ** 2)[:, None] * W
    exact = np.linalg.svd(jacobian, compute_uv=False)[0]
    assert tangentlike.local_lipschitz(tanh_layer, x) == pytest.approx(exact, rel=1e-8)
    np.testing.assert_allclose(tangentlike.jacobian(tanh_layer)(x), jacobian, rtol=1e-12)


def test_scalar_output_is_the_gradient_norm():
    x = np.array([0.3, -0.7, 1.1])
    grad = tangentlike.grad(tanh_net)(x)
    assert tangentlike.local_lipschitz(tanh_net, x) == pytest.approx(np.linalg.norm(grad),
                                                                      rel=1e-10)


def test_autolip_bounds_sampled_gradient_norms():
    def dense(x):
        return W @ x + B

    def readout(h):
        return V @ h

    found = tangentlike.autolip([dense, (np.tanh, 1.0), readout], np.zeros(3))
    exact = np.linalg.svd(W, compute_uv=False)[0] * np.linalg.norm(V)
    assert found.bound == pytest.approx(exact, rel=1e-8)
    assert found.layers[1] == 1.0
    grad = tangentlike.grad(tanh_net)
    draws = np.random.default_rng(0).normal(scale=2.0, size=(300, 3))
    norms = [np.linalg.norm(grad(x)) for x in draws]
    assert max(norms) <= found.bound
    assert max(norms) > 0.05 * found.bound  # the samples are not trivial


def test_power_iteration_needs_the_iterations():
    """One step from a random direction is not yet the norm: the test can fail."""
    exact = np.linalg.svd(A, compute_uv=False)[0]
    one = tangentlike.local_lipschitz(linear, np.zeros(3), iters=1)
    assert one < exact * (1 - 1e-6)


# ---------------------------------------------------------------------------------------------
# examples/lipschitz.py

PATH = Path(__file__).resolve().parents[1] / "examples" / "lipschitz.py"


def test_example_bound_is_above_the_sampled_gradients():
    spec = importlib.util.spec_from_file_location("lipschitz_example", PATH)
    example = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = example
    spec.loader.exec_module(example)
    bound, sampled = example.main()
    assert 0 < sampled <= bound
    x = np.ones(4)
    assert tangentlike.local_lipschitz(example.mlp, x) == pytest.approx(
        np.linalg.norm(tangentlike.grad(example.mlp)(x)), rel=1e-10)


def test_example_runs_as_a_script_quickly():
    start = time.monotonic()
    done = subprocess.run([sys.executable, str(PATH)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "AutoLip upper bound" in done.stdout and "largest gradient norm" in done.stdout
    assert time.monotonic() - start < 60  # about 1 s of CPU; the machine may be loaded


def sine(x):
    return np.sin(x) * 3.0


def test_a_python_float_input():
    assert tangentlike.local_lipschitz(sine, 0.5) == pytest.approx(3 * np.cos(0.5), rel=1e-12)
    assert tangentlike.local_lipschitz(sine, 2.5) == pytest.approx(-3 * np.cos(2.5), rel=1e-12)
