"""Property-based tests of reverse mode through control flow: hypothesis writes random programs
with ``if``/``else``, conditional expressions, ``for`` loops (over ``range``, over an array,
``enumerate``, ``zip``), ``while`` loops with data-dependent trip counts, ``break`` and
``continue``, nested up to two levels; each is written to a real module file, imported,
differentiated in a random (optimized, motion) combination and compared with central finite
differences (``support.check_grad``, ``rtol=1e-5, atol=1e-6``).

Values stay bounded: every assignment is a contraction (coefficients below 1, ``tanh``,
``sin``, ``cos``) plus bounded terms, loops run at most three times, and a ``while`` loop also
stops on a counter (``while k < n and np.sum(a) < c``).  Branches depend on the data
(``np.sum(a) > c``); an example where a condition evaluated within 1e-4 of its threshold is
rejected, since finite differences would cross the kink.  To know, each program is also run
once with every condition instrumented.

Programs re-bind the array parameter ``x`` and the locals ``a``, ``b``, ``c`` (the float ``y``
is only read).  Three known bugs, which ``tests/ad/test_control_flow.py`` covers with strict
xfails, are kept out: a loop body never re-binds the array its ``for`` iterates over
(``ITERABLE_REBOUND``); the body of every loop starts with ``acc = acc + k * np.tanh(v)``,
an accumulator that reaches the result, so that no loop is left with nothing to
differentiate (``INACTIVE_LOOP``); and ``break`` appears in ``for`` loops only (``WHILE_BREAK``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from support import MODES, check_grad, make_function

# The same programs on every run, so CI's verdict is the code's; new random programs are
# the fuzz campaigns' job (README, Testing).
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

ARRAYS = ["x", "a", "b", "c"]  # shape (3,); all may be re-bound
COEFFICIENTS = ["0.5", "0.7", "-0.6", "0.9", "-0.3"]
THRESHOLDS = ["-0.5", "0.0", "0.4", "1.0"]
GAP = 1e-4


@dataclass
class Scope:
    """What a statement may read and where it stands."""
    scalars: list[str] = field(default_factory=lambda: ["y"])  # y and loop variables
    depth: int = 0
    loop: str | None = None  # "for" or "while": the innermost loop around the statement
    counter: int = 0         # for fresh loop-variable names
    frozen: frozenset[str] = frozenset()  # arrays an enclosing ``for`` iterates over

    def targets(self) -> list[str]:
        return [a for a in ARRAYS if a not in self.frozen]

    def inner(self, loop: str | None, frozen: tuple[str, ...] = ()) -> Scope:
        return Scope(list(self.scalars), self.depth + 1, loop, 0, self.frozen | set(frozen))


def expression(draw: st.DrawFn, scope: Scope) -> str:
    """A bounded expression of shape (3,): always has an array operand."""
    p = draw(st.sampled_from(ARRAYS))
    s = draw(st.sampled_from(ARRAYS + scope.scalars))
    k1, k2 = draw(st.sampled_from(COEFFICIENTS)), draw(st.sampled_from(COEFFICIENTS))
    template = draw(st.sampled_from([
        "np.tanh({p} * {s})",
        "np.sin({p}) * {k1} + {s} * {k2}",
        "{p} * np.cos({s})",
        "{k1} * {p} + np.tanh({s})",
        "{p} * {k1} + {k2}",
        "np.tanh({p}) * np.sin({s}) * {k1}",
    ]))
    return template.format(p=p, s=s, k1=k1, k2=k2)


def condition(draw: st.DrawFn, scope: Scope, op: str = ">") -> tuple[str, str, str]:
    operand = draw(st.sampled_from(ARRAYS + scope.scalars))
    return f"np.sum({operand})", op, draw(st.sampled_from(THRESHOLDS))


def render_condition(cond: tuple[str, str, str], instrument: bool) -> str:
    lhs, op, rhs = cond
    return f"_gap({lhs}, {rhs}, {op!r})" if instrument else f"{lhs} {op} {rhs}"


# A program is a list of nodes; a node is a tuple whose first item says what it is.


def block(draw: st.DrawFn, scope: Scope, size: int) -> list[tuple]:
    return [statement(draw, scope) for _ in range(draw(st.integers(1, size)))]


def active_block(draw: st.DrawFn, scope: Scope, size: int) -> list[tuple]:
    """A loop body that surely has something to differentiate (see ``INACTIVE_LOOP``)."""
    k = draw(st.sampled_from(COEFFICIENTS))
    v = draw(st.sampled_from(ARRAYS))
    return [("assign", "acc", f"acc + {k} * np.tanh({v})"), *block(draw, scope, size)]


def statement(draw: st.DrawFn, scope: Scope) -> tuple:
    kinds = ["assign", "assign", "accumulate", "ifexp"]
    if scope.depth < 2:
        kinds += ["if", "for_range", "for_array", "for_enumerate", "for_zip", "while"]
    if scope.loop == "for":
        kinds += ["break", "continue"]
    elif scope.loop == "while":
        kinds += ["continue"]
    kind = draw(st.sampled_from(kinds))
    target = draw(st.sampled_from(scope.targets()))
    if kind == "assign":
        return ("assign", target, expression(draw, scope))
    if kind == "accumulate":
        k = draw(st.sampled_from(COEFFICIENTS))
        s = draw(st.sampled_from(ARRAYS + scope.scalars))
        return ("assign", target, f"{target} + {k} * np.tanh({s})")
    if kind == "ifexp":
        return ("ifexp", target, expression(draw, scope), condition(draw, scope),
                expression(draw, scope))
    if kind in ("break", "continue"):
        return (kind, condition(draw, scope))
    # Loop variables get names unique in the whole program (depth and a per-scope count).
    n = f"{scope.depth}{scope.counter}"
    scope.counter += 1
    if kind == "if":
        inner = scope.inner(scope.loop)
        cond = condition(draw, scope)
        body = block(draw, inner, 2)
        orelse = block(draw, inner, 2) if draw(st.booleans()) else []
        return ("if", cond, body, orelse)
    if kind == "while":
        inner = scope.inner("while")
        cond = condition(draw, scope, "<")
        return ("while", f"k{n}", draw(st.integers(0, 3)), cond, active_block(draw, inner, 2))
    # A for loop's body may not re-bind what it iterates over; at least one array stays free.
    free = scope.targets()
    if kind == "for_zip" and len(free) < 3:
        kind = "for_array"
    if kind in ("for_array", "for_enumerate") and len(free) < 2:
        kind = "for_range"
    if kind == "for_range":
        inner = scope.inner("for")
        inner.scalars.append(f"i{n}")
        header = f"for i{n} in range({draw(st.integers(0, 3))}):"
    elif kind == "for_array":
        array = draw(st.sampled_from(ARRAYS))
        inner = scope.inner("for", (array,))
        inner.scalars.append(f"e{n}")
        header = f"for e{n} in {array}:"
    elif kind == "for_enumerate":
        array = draw(st.sampled_from(ARRAYS))
        inner = scope.inner("for", (array,))
        inner.scalars += [f"i{n}", f"e{n}"]
        header = f"for i{n}, e{n} in enumerate({array}):"
    else:
        first, second = draw(st.sampled_from(ARRAYS)), draw(st.sampled_from(ARRAYS))
        inner = scope.inner("for", (first, second))
        inner.scalars += [f"e{n}", f"f{n}"]
        header = f"for e{n}, f{n} in zip({first}, {second}):"
    return ("for", header, active_block(draw, inner, 2))


def render(nodes: list[tuple], indent: int, instrument: bool) -> list[str]:
    pad = "    " * indent
    lines = []
    for node in nodes:
        kind = node[0]
        if kind == "assign":
            lines.append(f"{pad}{node[1]} = {node[2]}")
        elif kind == "ifexp":
            _, target, body, cond, orelse = node
            lines.append(f"{pad}{target} = {body} if {render_condition(cond, instrument)} "
                         f"else {orelse}")
        elif kind in ("break", "continue"):
            lines.append(f"{pad}if {render_condition(node[1], instrument)}:")
            lines.append(f"{pad}    {kind}")
        elif kind == "if":
            _, cond, body, orelse = node
            lines.append(f"{pad}if {render_condition(cond, instrument)}:")
            lines += render(body, indent + 1, instrument)
            if orelse:
                lines.append(f"{pad}else:")
                lines += render(orelse, indent + 1, instrument)
        elif kind == "while":
            _, counter, bound, cond, body = node
            lines.append(f"{pad}{counter} = 0")
            lines.append(f"{pad}while {counter} < {bound} and "
                         f"{render_condition(cond, instrument)}:")
            lines.append(f"{pad}    {counter} = {counter} + 1")  # first: `continue` is safe
            lines += render(body, indent + 1, instrument)
        else:
            lines.append(f"{pad}{node[1]}")
            lines += render(node[2], indent + 1, instrument)
    return lines


def program_source(nodes: list[tuple], name: str, instrument: bool) -> str:
    lines = [f"def {name}(x, y):",
             "    a = x * 0.5",
             "    b = np.tanh(x) * y",
             "    c = x * x * 0.3",
             "    acc = x * 0.0",
             *render(nodes, 1, instrument),
             "    return np.sum(a * b) + np.sum(c * x) * y + np.sum(a * 0.5 + acc)"]
    return "\n".join(lines) + "\n"


@st.composite
def programs(draw: st.DrawFn) -> list[tuple]:
    return block(draw, Scope(), 4)


def smallest_gap(nodes: list[tuple], args: tuple) -> float:
    """Run the instrumented program: how close any evaluated condition came to its
    threshold (infinity when none was evaluated)."""
    gaps = [np.inf]

    def _gap(lhs: float, rhs: float, op: str) -> bool:
        gaps.append(abs(float(lhs) - rhs))
        return bool(lhs > rhs) if op == ">" else bool(lhs < rhs)

    namespace = {"np": np, "_gap": _gap}
    exec(program_source(nodes, "instrumented", True), namespace)
    namespace["instrumented"](*args)
    return min(gaps)


@SETTINGS
@given(nodes=programs(), mode=st.sampled_from(MODES), seed=st.integers(0, 2**32 - 1))
def test_random_programs_with_control_flow(nodes: list[tuple], mode: tuple[bool, str],
                                           seed: int) -> None:
    rng = np.random.default_rng(seed)
    args = (rng.uniform(-1.0, 1.0, size=3), float(rng.uniform(-1.5, 1.5)))
    assume(smallest_gap(nodes, args) > GAP)
    source = program_source(nodes, "f", False)
    note(source)
    fn = make_function(source)
    optimized, motion = mode
    check_grad(fn, args, wrt=(0, 1), rtol=1e-5, atol=1e-6, optimized=optimized, motion=motion)
