"""Test cases for the NumPy / SciPy derivative rules, one module per template module.

Each module here mirrors one module of ``templates/`` and registers cases with :func:`add`.
``tests/rules/test_numpy_rules.py`` runs every case end to end, in reverse and forward mode, against
finite differences, against each other, against autograd where installed, and (for the cases
marked ``second_order``) through Hessian-vector products.  A primitive is covered when a case
names it in ``covers``; the registry walk there fails for a shipped rule no case covers.

A case is a function ``f(params) = expr``.  When ``expr`` is not a scalar, the function is
``np.sum(expr * w)`` with a fixed random weight ``w`` of the result's shape (an extra,
non-differentiated argument), so a permuted or transposed derivative cannot pass.
"""
from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from support import make_function

from tangentlike.rules import registry

# The tests that use these cases read the rule tables whole (every shipped rule has a case):
# register the SciPy rules now, which tangentlike registers the first time a SciPy function
# is looked up.
registry.load_deferred()


@dataclass
class RuleCase:
    id: str
    covers: tuple[Any, ...]  # primitives whose adjoint and tangent this case runs
    source: str
    func: Callable
    args: tuple
    wrt: tuple[int, ...]
    autograd_source: str | None  # None: no autograd reference
    second_order: bool
    float32: bool
    rtol: float
    xfail: dict[str, str]  # test name ("reverse", "forward", ...) -> known bug, strict xfail


CASES: dict[str, RuleCase] = {}


def rng(case_id: str) -> np.random.Generator:
    """A generator seeded by the case id, so every case has fixed inputs."""
    return np.random.default_rng(zlib.crc32(case_id.encode()))


def values(case_id: str, shape: Any, low: float = -1.0, high: float = 1.0,
           signed: bool = False) -> Any:
    """Uniform float64 values in [low, high] (times a random sign if ``signed``): a Python
    float for ``shape == "float"``, else an array of ``shape`` (0-d for ``()``)."""
    r = rng(f"{case_id}/{shape}/{low}/{high}")
    size = None if shape == "float" else shape
    v = r.uniform(low, high, size=size)
    if signed:
        v = v * r.choice([-1.0, 1.0], size=size)
    return float(v) if shape == "float" else np.asarray(v, dtype=np.float64)


def _is_float(v: Any) -> bool:
    return isinstance(v, float) or (isinstance(v, np.ndarray) and v.dtype.kind == "f")


def add(case_id: str, covers: Any, expr: str, params: dict[str, Any], *,
        wrt: tuple[int, ...] | None = None, autograd: bool | str = True,
        body: str | None = None, second_order: bool = False, float32: bool = True,
        rtol: float = 1e-5, xfail: dict[str, str] | None = None) -> RuleCase:
    """Register the case ``f(**params) = expr`` (weighted by ``w`` when not scalar).

    ``covers``: the primitive (or tuple of primitives) whose rules the case exercises.
    ``wrt``: differentiated parameter positions; by default every float parameter.
    ``autograd``: compare with autograd (True: the same source with ``autograd.numpy`` as
    ``np``; a string: another expression for autograd; False: no comparison).
    ``body``: statements (indented 4 spaces, ending in ``return``) instead of ``expr``.
    ``second_order``: also check Hessian-vector products (the first ``wrt`` argument).
    ``float32``: also check that float32 inputs give float32 derivatives.
    ``rtol``: relative tolerance against finite differences (``atol`` is ``rtol / 100``).
    ``xfail``: known bugs, by test ("reverse", "forward", "autograd", "second_order",
    "float32") to the reason; those tests are strict xfails, so a fix is noticed.
    """
    assert case_id not in CASES, f"duplicate case id {case_id!r}"
    covers = covers if isinstance(covers, tuple) else (covers,)
    names = list(params)
    args = tuple(params.values())
    signature = ", ".join(names)
    if body is None:
        out = make_function(f"def f({signature}):\n    return {expr}\n")(*args)
        if np.ndim(out) > 0:
            w = rng(case_id + "/w").normal(size=np.shape(out))
            template = f"def f({signature}, w):\n    return np.sum(({{}}) * w)\n"
            args = (*args, w)
        else:
            template = f"def f({signature}):\n    return {{}}\n"
        source = template.format(expr)
        autograd_source = (None if autograd is False else
                           source if autograd is True else template.format(autograd))
    else:
        source = f"def f({signature}):\n{body}"
        autograd_source = (None if autograd is False else
                           source if autograd is True else f"def f({signature}):\n{autograd}")
    if wrt is None:
        wrt = tuple(i for i, v in enumerate(params.values()) if _is_float(v))
    case = RuleCase(case_id, covers, source, make_function(source), args, wrt,
                    autograd_source, second_order, float32, rtol, dict(xfail or {}))
    CASES[case_id] = case
    return case


def covered() -> set[Any]:
    """Every primitive some registered case covers (after the case modules are imported)."""
    return {p for case in CASES.values() for p in case.covers}


def load_all() -> dict[str, RuleCase]:
    """Import every case module of this package; returns all the cases."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return CASES


def in_default_run(per_primitive: int = 2) -> set[str]:
    """The cases the default test run checks: in case order, each case that runs a
    primitive fewer than ``per_primitive`` earlier cases ran (so every rule is checked at
    least twice, on different inputs or keywords); the others run with ``-m slow``."""
    runs: dict[str, int] = {}
    chosen = set()
    for case_id, case in load_all().items():
        keys = [repr(p) for p in case.covers]
        if any(runs.get(k, 0) < per_primitive for k in keys):
            chosen.add(case_id)
            for k in keys:
                runs[k] = runs.get(k, 0) + 1
    return chosen
