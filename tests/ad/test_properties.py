"""Property-based tests of reverse mode: random broadcasting shapes for ``+ - * /``, and random
straight-line programs, each differentiated in every (optimized, motion) combination and
compared with central finite differences (``support.check_grad``).

tangentlike reads source, so each random program is written to a real module file and
imported (``support.make_function``).
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes
from support import MODES, check_grad, make_function

# The same examples on every run, so CI's verdict is the code's; new random programs are
# the fuzz campaigns' job (README, Testing).
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

OPERATORS = {"+": "add", "-": "sub", "*": "mul", "/": "truediv"}
# One function per operator, shared by all examples: tangentlike caches per function object.
BINARY = {op: make_function(f"def {name}(x, y, w):\n    return np.sum((x {op} y) * w)\n")
          for op, name in OPERATORS.items()}

modes = st.sampled_from(MODES)


def _operand(rng: np.random.Generator, shape: tuple[int, ...], as_float: bool,
             away_from_zero: bool) -> float | np.ndarray:
    v = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape) \
        if away_from_zero else rng.uniform(-2.0, 2.0, size=shape)
    return float(v) if as_float and shape == () else np.asarray(v, np.float64)


@SETTINGS
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       op=st.sampled_from(list(OPERATORS)), mode=modes,
       python_floats=st.tuples(st.booleans(), st.booleans()),
       seed=st.integers(0, 2**32 - 1))
def test_broadcasting_binary_operators(shapes, op, mode, python_floats, seed) -> None:
    (sx, sy), out_shape = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(seed)
    x = _operand(rng, sx, python_floats[0], away_from_zero=False)
    y = _operand(rng, sy, python_floats[1], away_from_zero=op == "/")
    w = rng.normal(size=out_shape)
    optimized, motion = mode
    gx, gy = check_grad(BINARY[op], (x, y, w), wrt=(0, 1), optimized=optimized, motion=motion)
    assert np.shape(gx) == sx and np.shape(gy) == sy


# ---------------------------------------------------------------------------------------------
# Random straight-line programs over two inputs x, y.

NAMES = ["x", "y", "a", "b", "c"]  # x and y may be reassigned too
UNARY = ["np.sin", "np.tanh", "np.exp"]
BINARY_OPS = ["+", "-", "*"]
CONSTANTS = ["0.5", "2.0", "-1.5"]
SHAPES = [((3,), (3,)), ((2, 3), (2, 3)), ((3, 1), (4,)), ((), (2, 2)), ((2, 3), ())]


BOUND = 10.0  # no intermediate value exceeds this in magnitude


@st.composite
def programs(draw: st.DrawFn) -> str:
    """The body of ``f(x, y, w)``: 3 to 8 assignments, then ``return np.sum(last * w)``.

    Inputs lie in [-1, 1]; a bound on each name's magnitude is tracked, and a statement whose
    bound would exceed ``BOUND`` (``np.exp`` of a large value, a product of large values)
    becomes ``np.tanh`` of its first operand, so finite differences stay accurate."""
    bounds = {"x": 1.0, "y": 1.0}
    lines = []
    target = "x"
    for _ in range(draw(st.integers(3, 8))):
        kind = draw(st.sampled_from(["unary", "binary", "binary", "constant"]))
        a = draw(st.sampled_from(sorted(bounds)))
        if kind == "unary":
            fn = draw(st.sampled_from(UNARY))
            expr, bound = f"{fn}({a})", float(np.exp(bounds[a])) if fn == "np.exp" else 1.0
        else:
            op = draw(st.sampled_from(BINARY_OPS))
            if kind == "binary":
                b = draw(st.sampled_from(sorted(bounds)))
                expr, other = f"{a} {op} {b}", bounds[b]
            else:
                c = draw(st.sampled_from(CONSTANTS))
                expr = f"{a} {op} {c}" if draw(st.booleans()) else f"{c} {op} {a}"
                other = abs(float(c))
            bound = bounds[a] * other if op == "*" else bounds[a] + other
        if bound > BOUND:
            expr, bound = f"np.tanh({a})", 1.0
        target = draw(st.sampled_from(NAMES))
        lines.append(f"    {target} = {expr}\n")
        bounds[target] = bound
    lines.append(f"    return np.sum({target} * w)\n")
    return "def f(x, y, w):\n" + "".join(lines)


@SETTINGS
@given(source=programs(), shapes=st.sampled_from(SHAPES), mode=modes,
       seed=st.integers(0, 2**32 - 1))
def test_random_programs(source, shapes, mode, seed) -> None:
    sx, sy = shapes
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=sx)
    y = rng.uniform(-1.0, 1.0, size=sy)
    w = rng.normal(size=np.broadcast_shapes(sx, sy))
    f = make_function(source)
    value = f(x, y, w)
    assert np.isfinite(value)
    optimized, motion = mode
    # Intermediate values are bounded by BOUND, so finite differences keep about 1e-9
    # relative accuracy; atol scales with the value of the sum.
    scale = max(1.0, abs(float(value)))
    check_grad(f, (x, y, w), wrt=(0, 1), rtol=1e-5, atol=1e-7 * scale,
               optimized=optimized, motion=motion)
