"""The benchmark's rows (benchmarks/): their hand-written gradients and spellings are right.

The benchmark checks tangentlike's gradients against the hand-written ones; these tests check
the hand-written ones themselves (central differences along random directions, float64), and
that every spelling of a workload computes the same function as the workload.  Running
``benchmarks/run.py`` itself is slow (it loads jax and torch): marked slow.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import gensize  # noqa: E402
import spellings  # noqa: E402
import workloads  # noqa: E402

BY_NAME = {w.name: w for w in [*workloads.WORKLOADS, *spellings.SPELLINGS]}
NEW_ROWS = [w for w in workloads.WORKLOADS if w.suite in ("new", "depth")]
FLOAT64_SPELLINGS = [w for w in spellings.SPELLINGS if not w.name.endswith("f32")]


def _leaves(value: Any) -> list[np.ndarray]:
    """Arrays of a (nested) gradient: tuples/lists in order, dicts by sorted key."""
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [np.asarray(value, dtype=float)]


def _unflatten(like: Any, flat: list[Any]) -> Any:
    """``flat`` (consumed in :func:`_leaves` order) in the containers of ``like``."""
    if isinstance(like, dict):
        filled = {key: _unflatten(like[key], flat) for key in sorted(like)}
        return {key: filled[key] for key in like}
    if isinstance(like, (list, tuple)):
        return type(like)(_unflatten(item, flat) for item in like)
    return flat.pop(0)


def _directional_check(wl: workloads.Workload, seed: int = 0) -> None:
    """The hand-written gradient's dot product with a random direction equals the central
    difference of ``fn`` along that direction (all ``wrt`` arguments moved at once)."""
    args = list(wl.make_args())
    rng = np.random.default_rng(seed)
    grads = wl.handwritten(*args)
    grads = (grads,) if len(wl.wrt) == 1 else tuple(grads)
    want = 0.0
    plus, minus = list(args), list(args)
    eps = 1e-6
    for index, grad in zip(wl.wrt, grads, strict=True):
        leaves = _leaves(args[index])
        dirs = [rng.standard_normal(leaf.shape) for leaf in leaves]
        want += sum(float(np.sum(g * d)) for g, d in zip(_leaves(grad), dirs, strict=True))

        def moved(sign: float, leaves: list = leaves, dirs: list = dirs, index: int = index):
            flat = [leaf + sign * eps * d for leaf, d in zip(leaves, dirs, strict=True)]
            flat = [float(x) if np.ndim(x) == 0 and isinstance(args[index], float) else x
                    for x in flat]
            return _unflatten(args[index], flat)

        plus[index], minus[index] = moved(1.0), moved(-1.0)
    got = (wl.fn(*plus) - wl.fn(*minus)) / (2 * eps)
    assert got == pytest.approx(want, rel=1e-5, abs=1e-7), wl.name


@pytest.mark.parametrize("wl", NEW_ROWS, ids=lambda w: w.name)
def test_new_workloads_hand_written_gradient(wl: workloads.Workload) -> None:
    _directional_check(wl)


@pytest.mark.parametrize("wl", FLOAT64_SPELLINGS, ids=lambda w: w.name)
def test_spelling_hand_written_gradient(wl: workloads.Workload) -> None:
    _directional_check(wl, seed=1)


@pytest.mark.parametrize("wl", spellings.SPELLINGS, ids=lambda w: w.name)
def test_spelling_is_the_same_function(wl: workloads.Workload) -> None:
    base = BY_NAME[wl.family]
    want = base.fn(*base.make_args())
    got = wl.fn(*wl.make_args())
    rtol = 1e-5 if wl.name.endswith("f32") else 1e-12
    assert float(got) == pytest.approx(float(want), rel=rtol)
    if wl.name.endswith("f32"):
        assert np.asarray(got).dtype == np.float32


def test_spelling_rows_can_fail() -> None:
    """A hand-written gradient with one wrong entry is caught by the directional check."""
    base = BY_NAME["W2.tuple"]

    def wrong(params: tuple, X: np.ndarray, Y: np.ndarray) -> tuple:
        dW1, db1, dW2, db2 = base.handwritten(params, X, Y)
        return dW1, db1 * 1.01, dW2, db2

    with pytest.raises(AssertionError):
        _directional_check(workloads.Workload(**{**base.__dict__, "handwritten": wrong}))


@pytest.mark.parametrize("kind", gensize.KINDS)
def test_gensize_source(kind: str) -> None:
    text = gensize.source(kind, 7)
    assert text.count("\n    t") == 7 + 2
    namespace: dict[str, Any] = {}
    exec(compile(text, "<gensize>", "exec"), namespace)  # noqa: S102 - our own generated text
    assert np.isfinite(namespace["f"](*gensize.POINT))
    if kind == "ifexp":
        assert text.count(" if ") == 7


def test_gensize_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        gensize.source("loops", 3)


@pytest.mark.slow
def test_run_quick_new_rows(tmp_path: Path) -> None:
    """run.py --quick on one row of each new set, and the generation-size series."""
    out = tmp_path / "table.md"
    cmd = [sys.executable, str(BENCH / "run.py"), "--quick", "--no-memory", "--output",
           str(out), "--workload", "S1", "--workload", "D2", "--workload", "W2.dict",
           "--workload", "W4.einsum"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text()
    for heading in ("### Spellings", "### Depth", "median over spellings"):
        assert heading in text
    bad = subprocess.run([sys.executable, str(BENCH / "run.py"), "--workload", "nosuch"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "no such row" in bad.stderr


@pytest.mark.slow
def test_gensize_child_measures_and_checks() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "gensize.py"), "ifexp", "3"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert '"ok": true' in done.stdout


def _script(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_derivative_dump_compares_and_sees_a_change(tmp_path: Path) -> None:
    """The byte-identity dump of one test-function module, compared with itself and with a
    copy one generated line differs in."""
    dumped = _script(str(BENCH / "derivative_dump.py"), "--module", "golden_functions")
    assert dumped.returncode == 0, dumped.stderr[-3000:]
    text = dumped.stdout
    assert text.count("=" * 20 + " golden_functions.") > 20 and "def " in text
    assert "/tangentlike" not in text.replace("ROOT", "")  # the checkout's path is ROOT
    before, after = tmp_path / "before.txt", tmp_path / "after.txt"
    before.write_text(text)
    after.write_text(text)
    same = _script(str(BENCH / "derivative_dump.py"), "--compare", str(before), str(after))
    assert same.returncode == 0 and "IDENTICAL" in same.stdout
    after.write_text(text.replace(" = ", " =  ", 1))
    changed = _script(str(BENCH / "derivative_dump.py"), "--compare", str(before), str(after))
    assert changed.returncode == 1 and "DIFFERENT" in changed.stdout


def test_generation_phases_and_second_call_print_their_tables() -> None:
    phases = _script(str(BENCH / "generation_phases.py"), "straight", "10", "--repeats", "1",
                     "--calls", "--first-call")
    assert phases.returncode == 0, phases.stderr[-3000:]
    assert "Python calls" in phases.stdout and "reverse_ad" in phases.stdout
    assert "first call on floats" in phases.stdout
    passes = _script(str(BENCH / "generation_phases.py"), "ifexp", "5", "--repeats", "1",
                     "--passes")
    assert passes.returncode == 0 and "inline_temporaries" in passes.stdout
    second = _script(str(BENCH / "second_call.py"), "1", "--workload", "W2")
    assert second.returncode == 0, second.stderr[-3000:]
    assert "W2:" in second.stdout and "first call" in second.stdout
    assert "second call" in second.stdout
