"""Derivatives on chunked Dask arrays, computed by a real ``dask.distributed`` cluster
(issue 20, item 2).

A module-scoped ``LocalCluster`` of three worker processes runs every computation.  The data
(10**7 rows in ten chunks, issue 20's size, in the slow run; 10**6 in the default run) is
drawn on the workers, chunk by chunk.
For a least-squares loss and a small tanh MLP written with ``np.`` as a user would, the tests
check that ``tangentlike.grad`` returns Dask arrays without running a task (a scheduler plugin
counts the tasks that start), that computing them never holds more than a couple of chunks in
one task's result (no gather of the data onto one worker) and spreads the work over several
workers, and that the gradient equals, to 1e-10, tangentlike's gradient of the same loss on
the same data as NumPy arrays and a hand-written NumPy gradient.
"""
from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("dask.array")
distributed = pytest.importorskip("dask.distributed")

import dask  # noqa: E402
import dask.array as da  # noqa: E402
from array_library_functions import (  # noqa: E402
    lsq,
    lsq_by_hand,
    mlp,
    mlp_by_hand,
    mlp_params,
)
from distributed.diagnostics.plugin import SchedulerPlugin  # noqa: E402

import tangentlike  # noqa: E402

FEATURES = 4
HIDDEN = 4  # the MLP's hidden chunks are as large as the data's
CHUNKS = 10  # of rows: 10**6 rows of X (32 MB) each for 10**7 rows
RTOL = 1e-10


class TaskLog(SchedulerPlugin):
    """Every task the scheduler starts (a transition to ``processing``) and the worker and
    result size (``nbytes``) of every one that finishes (to ``memory``)."""

    name = "tangentlike-task-log"

    def __init__(self) -> None:
        self.started = 0
        self.results: list[tuple[int, str, str]] = []  # (nbytes, worker, key) of each result

    def transition(self, key: Any, start: str, finish: str, *args: Any, stimulus_id: str,
                   **kwargs: Any) -> None:
        if finish == "processing":
            self.started += 1
        elif finish == "memory" and "worker" in kwargs:
            self.results.append((kwargs.get("nbytes", 0), kwargs["worker"], str(key)))

    def clear(self) -> None:
        """Forget what was logged (between the phases of a test, while nothing runs)."""
        self.started = 0
        self.results = []


@pytest.fixture(scope="module")
def task_log() -> Iterator[TaskLog]:
    """A cluster of three single-threaded worker processes, its Client (the default
    scheduler while the module runs) and a TaskLog plugged into its scheduler (which
    LocalCluster runs in this process).  ``dashboard_address=":0"``: the scheduler's HTTP
    server on a free port (None still takes 8787, and a second cluster, such as another
    xdist worker's, would warn that it is in use)."""
    cluster = distributed.LocalCluster(n_workers=3, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    client = distributed.Client(cluster)
    log = TaskLog()
    cluster.scheduler.add_plugin(log)
    try:
        yield log
    finally:
        client.close()
        cluster.close()


class Data:
    """The regression data as chunked Dask arrays drawn on the workers, and as NumPy
    arrays (the same values, fetched once)."""

    def __init__(self, rows: int, seed: int) -> None:
        rng = da.random.default_rng(seed)
        rows_per_chunk = rows // CHUNKS
        self.X = rng.standard_normal((rows, FEATURES), chunks=(rows_per_chunk, FEATURES))
        w_true = np.linspace(-1.0, 2.0, FEATURES)
        self.y = np.sin(self.X @ w_true) + 0.1 * rng.standard_normal(
            rows, chunks=rows_per_chunk)
        self.X_np, self.y_np = dask.compute(self.X, self.y)
        self.chunk_nbytes = rows_per_chunk * FEATURES * self.X.dtype.itemsize


@pytest.fixture(scope="module", params=[
    pytest.param(10**7, marks=pytest.mark.slow),  # issue 20's size: about 40 s on 2 cores
    10**6,
], ids=lambda rows: f"rows={rows:.0e}")
def data(request: pytest.FixtureRequest, task_log: TaskLog) -> Data:
    return Data(request.param, seed=20)


def lazy_gradient(df: Any, args: tuple, log: TaskLog) -> Any:
    """``df(*args)``, called twice (the first calls of a derivative differ), each time
    checked to have started no task on the cluster; the second result."""
    for _ in range(2):
        log.clear()
        gradient = df(*args)
        assert log.started == 0, f"building the gradient ran {log.started} task(s)"
    return gradient


class OversizedTaskResult(AssertionError):
    """A task's result larger than two chunks of X: data gathered onto one worker."""


def computed(lazy: Any, log: TaskLog) -> Any:
    """``dask.compute(lazy)`` on the cluster, checked to have run on more than one worker."""
    log.clear()
    (values,) = dask.compute(lazy)
    assert log.results, "nothing ran on the cluster"
    assert len({worker for _, worker, _ in log.results}) > 1
    return values


def check_no_gather(data: Data, log: TaskLog) -> None:
    """No task of the last computation had a result larger than two chunks of X."""
    nbytes, _, key = max(log.results)
    if nbytes > 2 * data.chunk_nbytes:
        raise OversizedTaskResult(
            f"task {key}'s result has {nbytes} bytes (a chunk of X: {data.chunk_nbytes})")


def assert_close(got: np.ndarray, want: np.ndarray) -> None:
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=RTOL * np.abs(want).max())


def test_least_squares_gradient(data: Data, task_log: TaskLog) -> None:
    w = np.array([0.5, -0.25, 1.0, 2.0])
    gradient = lazy_gradient(tangentlike.grad(lsq), (w, data.X, data.y), task_log)
    assert isinstance(gradient, da.Array)
    assert gradient.shape == (FEATURES,) and gradient.dtype == np.float64
    got = computed(gradient, task_log)
    assert_close(got, lsq_by_hand(w, data.X_np, data.y_np))
    assert_close(got, tangentlike.grad(lsq)(w, data.X_np, data.y_np))
    check_no_gather(data, task_log)


def test_mlp_gradient(data: Data, task_log: TaskLog) -> None:
    params = mlp_params(FEATURES, HIDDEN, seed=5)
    gradient = lazy_gradient(tangentlike.grad(mlp), (params, data.X, data.y), task_log)
    assert isinstance(gradient, tuple) and len(gradient) == 3
    assert all(isinstance(part, da.Array) for part in gradient)
    got = computed(gradient, task_log)
    numpy_gradient = tangentlike.grad(mlp)(params, data.X_np, data.y_np)
    for got_part, by_hand, by_numpy, param in zip(
            got, mlp_by_hand(params, data.X_np, data.y_np), numpy_gradient, params):
        assert got_part.shape == param.shape
        assert_close(got_part, by_hand)
        assert_close(got_part, by_numpy)
    check_no_gather(data, task_log)


# ---------------------------------------------------------------------------------------------
# examples/dask_lsq.py

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dask_lsq.py"


@pytest.mark.slow  # a 40 s subprocess on 2 cores; the gradients above run in the default run
def test_example_runs(subprocess_env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", str(EXAMPLE), "--rows", "1000000", "--steps", "3"],
        capture_output=True, text=True, timeout=300, env=subprocess_env)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "def dloss_dw(w, X, y" in out  # the derivative's source
    assert "before .compute(): dask.array<" in out  # lazy
    # The example checks itself against a hand-written NumPy gradient (and fails if not).
    difference = float(re.search(r"max relative difference: (\S+)", out).group(1))
    assert difference < 1e-10
    losses = [float(value) for value in re.findall(r"step \d: loss (\S+)", out)]
    assert len(losses) == 3 and losses[0] > losses[1] > losses[2]
