"""Golden files pin the generated source of a few examples, so a change in readability is a
visible diff.  Regenerate with
``TANGENTLIKE_UPDATE_GOLDEN=1 python -m pytest tests/backend/test_golden.py``.
"""
import ast
import importlib.util
import math
import os
from pathlib import Path

import pytest

import tangentlike

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


quickstart = _load(ROOT / "examples" / "quickstart.py", "golden_quickstart")
mlp = _load(ROOT / "examples" / "mlp.py", "golden_mlp")
functions = _load(Path(__file__).resolve().parents[1] / "golden_functions.py", "golden_functions")

CASES = {
    "quickstart_loss": (quickstart.loss, {}),
    "mlp_loss": (mlp.loss, {"wrt": (0, 1, 2, 3)}),
    "scalar": (functions.scalar, {"wrt": (0, 1)}),
    "unpack_and_slices": (functions.unpack_and_slices, {}),
    "mlp_loss_split": (mlp.loss, {"wrt": ("W2", "b2"), "motion": "split"}),
    "quickstart_loss_unoptimized": (quickstart.loss, {"optimized": False}),
    "branch": (functions.branch, {"wrt": (0, 1, 2)}),
    "power_loop": (functions.power, {}),
    "helper_call": (functions.two_layers, {"wrt": (1, 2, 3, 4)}),
    "forward_quickstart_loss": (quickstart.loss, {"mode": "forward"}),
    "forward_power_loop": (functions.power, {"mode": "forward"}),
    "nested_closure": (functions.nested_closure, {"wrt": (0, 1)}),
    "lambda_to_helper": (functions.lambda_to_helper, {"wrt": (0, 1)}),
    "method": (functions.MODEL.loss, {}),
    "try_loop": (_load(Path(__file__).resolve().parents[1] / "golden_try_functions.py",
                       "golden_try_functions").try_loop, {}),
}

# The derivative halves of a function the golden derivative calls (a lifted nested def, a
# helper specialized for a lambda): golden file name -> (case, callee name).
CALLEES = {
    "nested_closure_layer": ("nested_closure", "layer"),
    "lambda_to_helper_apply": ("lambda_to_helper", "apply"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_source_matches_golden_file(name):
    func, options = CASES[name]
    source = _derivative(func, options).source
    path = GOLDEN / f"{name}.py"
    if os.environ.get("TANGENTLIKE_UPDATE_GOLDEN"):
        path.write_text(source)
    assert path.exists(), f"missing golden file {path}; set TANGENTLIKE_UPDATE_GOLDEN=1"
    assert source == path.read_text()


@pytest.mark.parametrize("name", sorted(CALLEES))
def test_callee_halves_match_golden_file(name):
    """What a lifted nested def and a helper specialized for a lambda are differentiated
    into: readable functions that take the captured values as keyword arguments."""
    from tangentlike import pipeline
    from tangentlike.frontend import functions as lowering
    from tangentlike.frontend import lifting

    case, callee = CALLEES[name]
    func, options = CASES[case]
    _derivative(func, options)
    made = [f for table in (lifting.LIFTED.get(func, {}), {
        k: v[0] for k, v in lowering._SPECIALIZED.get(getattr(functions, callee), {}).items()})
        for f in table.values() if f.__name__ == callee]
    assert len(made) == 1
    (derivative,) = pipeline._pairs[made[0]].values()
    path = GOLDEN / f"{name}.py"
    if os.environ.get("TANGENTLIKE_UPDATE_GOLDEN"):
        path.write_text(derivative.source)
    assert path.exists(), f"missing golden file {path}; set TANGENTLIKE_UPDATE_GOLDEN=1"
    assert derivative.source == path.read_text()


def test_function_value_goldens_are_correct():
    import numpy as np

    x, w = np.array([0.3, -0.4, 0.8]), np.array([0.5, 0.2, -1.0])
    for f in (functions.nested_closure, functions.lambda_to_helper):
        gx, gw = tangentlike.grad(f, wrt=(0, 1))(x, w)
        for got, which in ((gx, 0), (gw, 1)):
            expected = []
            for e in np.eye(3) * 1e-6:
                args_plus, args_minus = [x, w], [x, w]
                args_plus[which], args_minus[which] = args_plus[which] + e, args_minus[which] - e
                expected.append((f(*args_plus) - f(*args_minus)) / 2e-6)
            np.testing.assert_allclose(got, expected, rtol=1e-6)


def _derivative(func, options):
    if options.get("mode") == "forward":
        return tangentlike.autodiff(func, **options)
    return tangentlike.grad(func, **options)


def _functions(source: str) -> list[ast.FunctionDef]:
    return [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]


@pytest.mark.parametrize("name", sorted(k for k in CASES if "unoptimized" not in k))
def test_optimized_source_has_no_dead_statement(name):
    func, options = CASES[name]
    for fn in _functions(_derivative(func, options).source):
        body = fn.body
        for i, stmt in enumerate(body):
            if not isinstance(stmt, ast.Assign):
                continue
            stored = {n.id for t in stmt.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            later = {n.id for s in body[i + 1:] for n in ast.walk(s)
                     if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            assert stored & later, f"{fn.name}: dead statement {ast.unparse(stmt)}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_block_names_the_users_line(name):
    func, options = CASES[name]
    source = _derivative(func, options).source
    lines = source.splitlines()
    prefix = "# Tangent of: " if options.get("mode") == "forward" else "# Grad of: "
    comments = [line.strip()[len(prefix):] for line in lines
                if line.strip().startswith(prefix)]
    assert comments, f"no '{prefix.strip()}' comment"
    user_source = Path(func.__code__.co_filename).read_text()
    for text in comments:
        assert text.removesuffix(" ...") in user_source
    # Every statement after the first comment sits under some such comment.
    first = next(i for i, line in enumerate(lines) if prefix.strip() in line)
    assert all(line.strip() for line in lines[first:first + 2])


def test_golden_examples_are_correct():
    """The pinned sources are also right: compare with central differences (rtol 1e-6)."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    g = tangentlike.grad(functions.unpack_and_slices)(x)
    eps, num = 1e-6, np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        num[i] = (functions.unpack_and_slices(x + step)
                  - functions.unpack_and_slices(x - step)) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)
    gx, gy = tangentlike.grad(functions.scalar, wrt=(0, 1))(0.3, 0.8)
    h = 1e-6
    np.testing.assert_allclose(
        [gx, gy],
        [(functions.scalar(0.3 + h, 0.8) - functions.scalar(0.3 - h, 0.8)) / (2 * h),
         (functions.scalar(0.3, 0.8 + h) - functions.scalar(0.3, 0.8 - h)) / (2 * h)],
        rtol=1e-6)


def test_control_flow_goldens_are_correct():
    """The slide example's gradient at (3, 2, 1) and the power loop's at (3, 2) exactly."""
    ga, gb, gc = tangentlike.grad(functions.branch, wrt=(0, 1, 2))(3.0, 2.0, 1.0)
    assert (ga, gb, gc) == (math.sin(2.0), 3.0 * math.cos(2.0), 0.0)
    assert tangentlike.grad(functions.power)(3.0, 2) == 108.0
