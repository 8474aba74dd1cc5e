"""examples/model_class.py (issue 16, item 6): a model written as a class, parameters in
dataclasses, trained with SGD through ``value_and_grad(model.loss)``.  The gradient has the
parameters' type and matches central finite differences; training lowers the loss."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

import tangentlike

PATH = Path(__file__).resolve().parents[1] / "examples" / "model_class.py"
spec = importlib.util.spec_from_file_location("model_class_example", PATH)
example = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = example  # dataclasses look their module up
spec.loader.exec_module(example)


def test_gradient_is_params_and_matches_finite_differences():
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    model = example.MLP([2, 5, 1], seed=3)
    params = model.init()
    value, grads = tangentlike.value_and_grad(model.loss)(params, X, Y)
    assert value == model.loss(params, X, Y)
    assert type(grads) is example.Params
    assert all(type(g) is example.Dense for g in grads.layers)
    h = 1e-6
    for k, layer in enumerate(params.layers):
        for field in ("W", "b"):
            array = getattr(layer, field)
            expected = np.zeros_like(array)
            for i in np.ndindex(array.shape):
                saved = array[i]
                array[i] = saved + h
                up = model.loss(params, X, Y)
                array[i] = saved - h
                down = model.loss(params, X, Y)
                array[i] = saved
                expected[i] = (up - down) / (2 * h)
            np.testing.assert_allclose(getattr(grads.layers[k], field), expected, rtol=1e-5,
                                       atol=1e-9)


def test_training_lowers_the_loss(capsys):
    final = example.main(steps=60)
    out = capsys.readouterr().out
    first = float(out.splitlines()[0].split()[-1])
    assert final < first / 4
