"""benchmarks/gpu.py, the GPU column (issue 20, item 3): without CuPy or a device it is one
line saying why; its measurement, run here with Dask arrays standing in for CuPy's (no GPU
needed), checks each gradient against the hand-written one on the CPU and fills the table."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import gpu  # noqa: E402


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_without_cupy_the_column_says_why():
    lines = gpu.section()
    assert lines[-1].startswith("GPU column skipped: CuPy is not installed")


def dask_stand_in() -> gpu.Device:
    """Dask arrays in four chunks as the 'device': lazy like CuPy's queued kernels."""
    da = pytest.importorskip("dask.array")

    def to_device(array: np.ndarray) -> object:
        return da.from_array(array, chunks=max(1, array.shape[0] // 4))

    return gpu.Device("Dask stand-in", da.Array, to_device,
                      lambda array: array.compute(scheduler="sync"), lambda: None)


@pytest.mark.slow  # half a minute on 2 cores; the default run measures W5 and a wrong W3
def test_measure_checks_and_tabulates_w3():
    rows = gpu.measure(dask_stand_in(), quick=True, scale=0.01, rows=gpu.ROWS[:1])
    assert [r["name"] for r in rows] == ["W3"]
    assert rows[0]["error"] < 1e-12  # the stand-in computes in float64 like NumPy
    assert all(rows[0][cell] > 0 for cell in gpu.CELLS)
    table = gpu.table(rows, "Dask stand-in")
    assert table[-1].startswith("| W3 | large MLP") and table[-1].count("|") == 10


@pytest.mark.slow  # (a few seconds: the default run keeps the file's other tests)
def test_a_gradient_that_disagrees_stops_the_measurement():
    """The hand-written gradient doubled: tangentlike's GPU gradient is then half of it."""
    wrong = gpu.GpuRow("W3", "wrong", gpu.mlp_loss,
                       lambda *args: tuple(2.0 * g for g in gpu.mlp_loss_grad(*args)),
                       (0, 1, 2, 3), gpu.ROWS[0].make_args)
    with pytest.raises(AssertionError, match="W3 tangentlike_gpu: relative difference 5.0e-01"):
        gpu.measure(dask_stand_in(), quick=True, scale=0.01, rows=(wrong,))


def test_measure_w5_on_dask():
    rows = gpu.measure(dask_stand_in(), quick=True, scale=0.001, rows=gpu.ROWS[1:])
    assert rows[0]["error"] < 1e-12
